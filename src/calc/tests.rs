//! Tests of a note's calc context: evaluation, formatting, errors and their positions.

use super::*;
use crate::markdown::parse;

/// Evaluates every calc event of `body` in order; returns the rendered results or problems.
fn run(body: &str) -> Vec<Result<Rendered, Vec<Problem>>> {
    let (p, _) = parse(body, None);
    let mut calc = NoteCalc::new(body, 0, &p, Formats::default());
    let mut out = Vec::new();
    for ev in &p.events {
        match ev {
            Ev::Fence(i) if p.fences[*i].lang == "calc" => out.push(calc.block(&p.fences[*i])),
            Ev::InlineCalc { expr, offset } => out.push(calc.inline(expr, *offset)),
            _ => {}
        }
    }
    out
}

fn ok_text(r: &Result<Rendered, Vec<Problem>>) -> String {
    match r {
        Ok(r) => r.text.clone(),
        Err(p) => panic!("unexpected problems: {p:?}"),
    }
}

#[allow(dead_code)]
fn problems(r: &Result<Rendered, Vec<Problem>>) -> Vec<Problem> {
    match r {
        Ok(r) => panic!("expected problems, got {}", r.text),
        Err(p) => p.clone(),
    }
}

#[test]
fn availability_block_and_inline_value() {
    let body = "```calc\nfn downtime(a: Scalar, p: Time) -> Time = (1 - a) × p\nlet four_nines = 99.99 %\nlet weekly = downtime(four_nines, 1 week)\nweekly -> s\nassert_eq(weekly, 60.48 s, 1 ms)\n```\n\nAbout `= weekly -> human` a week.\n";
    let r = run(body);
    let block = ok_text(&r[0]);
    assert!(block.contains("weekly -> s = 60.48 s"), "{block}");
    assert!(
        block.contains("let four_nines = 99.99 % = 0.9999"),
        "{block}"
    );
    assert!(
        block.contains("assert_eq(weekly, 60.48 s, 1 ms) ✓ holds"),
        "{block}"
    );
    assert_eq!(ok_text(&r[1]), "1 minute + 0.48 seconds");
}

/// Line and column (1-based, in characters) of a body offset.
fn line_col(body: &str, offset: usize) -> (usize, usize) {
    let before = &body[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn one_problem(body: &str) -> (Problem, (usize, usize)) {
    let all: Vec<Problem> = run(body)
        .into_iter()
        .filter_map(Result::err)
        .flatten()
        .collect();
    assert_eq!(all.len(), 1, "{all:#?}");
    let p = all[0].clone();
    let lc = line_col(body, p.offset);
    (p, lc)
}

#[test]
fn unit_mismatch_names_the_dimensions_and_the_column() {
    let body = "Intro.\n\n```calc\nlet size = 1 GB\nlet bad = size + 2 s\n```\n";
    let (p, lc) = one_problem(body);
    assert!(
        p.message
            .contains("incompatible dimensions in addition: DigitalInformation vs Time"),
        "{p:?}"
    );
    assert!(p.message.starts_with("calc: "), "{p:?}");
    assert_eq!(lc, (5, 11), "{p:?}");
}

#[test]
fn failed_assert_eq_points_at_the_expected_value() {
    let body = "```calc\nlet t = 2 s\n  assert_eq(t, 3 s)\n```\n";
    let (p, lc) = one_problem(body);
    assert!(p.message.contains("assertion failed"), "{p:?}");
    assert!(p.message.contains("3 s"), "{p:?}");
    assert_eq!(lc, (3, 16), "{p:?}");
}

#[test]
fn unknown_name_and_a_suggestion() {
    let body = "```calc\nlet speed = 3 m / s\nspeeed × 2 s\n```\n";
    let (p, lc) = one_problem(body);
    assert_eq!(p.message, "calc: unknown name `speeed`");
    assert_eq!(p.help.as_deref(), Some("did you mean `speed`?"));
    assert_eq!(lc, (3, 1));
}

#[test]
fn parse_error_at_its_column() {
    let body = "```calc\nlet x = (1 +\n```\n";
    let (p, _) = one_problem(body);
    assert!(p.message.starts_with("calc: parse error: "), "{p:?}");
}

#[test]
fn inline_value_before_its_definition_says_where_the_definition_is() {
    let body = "Uses `= total` early.\n\n```calc\nlet total = 3 × 4\n```\n";
    let (p, lc) = one_problem(body);
    assert_eq!(p.message, "calc: unknown name `total`");
    assert_eq!(lc, (1, 9));
    let help = p.help.unwrap_or_default();
    assert!(help.contains("defined further down, on line 4"), "{help}");
}

#[test]
fn one_failed_definition_is_reported_once() {
    let body = "```calc\nlet a = 1 GB + 1 s\nlet b = 2 a\nb -> MB\n```\n\nThen `= b`.\n";
    let (p, _) = one_problem(body);
    assert!(p.message.contains("incompatible dimensions"), "{p:?}");
}

#[test]
fn names_carry_across_blocks_and_inline_values() {
    let body = "```calc\nlet rate = 200 / s\n```\n\nMiddle `= rate × 1 min`.\n\n```calc\nlet per_hour = rate × 1 h\n```\n\nEnd `= per_hour`.\n";
    let r = run(body);
    assert_eq!(ok_text(&r[1]), "12,000");
    assert!(ok_text(&r[2]).contains("let per_hour = rate × 1 h = 720,000"));
    assert_eq!(ok_text(&r[3]), "720,000");
}

#[test]
fn hash_functions_are_computed_by_corem() {
    let body = "```calc\nlet message = \"hello\"\nlet key = \"secret-key\"\nsha256(message)\nmd5(\"hello\")\nlet mac = hmac_sha256(key, message)\nstr_length(mac)\nsha256(md5(\"hello\"))\n```\n\nThe MAC is `= mac`.\n";
    let r = run(body);
    let block = ok_text(&r[0]);
    assert!(
        block.contains(
            "sha256(message) = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        ),
        "{block}"
    );
    assert!(block.contains("md5(\"hello\") = 5d41402abc4b2a76b9719d911017c592"));
    assert!(block.contains(
        "let mac = hmac_sha256(key, message) = 98e7ffb964bb5a3f902db1fc101a5baa98b6f2cd56858210c9d70f26ac762fc7"
    ));
    assert!(block.contains("str_length(mac) = 64"));
    let nested = super::hash::digest("sha256", &["5d41402abc4b2a76b9719d911017c592"]).unwrap();
    assert!(block.contains(&format!("sha256(md5(\"hello\")) = {nested}")));
    assert_eq!(
        ok_text(&r[1]),
        "98e7ffb964bb5a3f902db1fc101a5baa98b6f2cd56858210c9d70f26ac762fc7"
    );
}

#[test]
fn hash_function_misuse() {
    let (p, lc) = one_problem("```calc\nlet n = 42\nsha256(n)\n```\n");
    assert!(p.message.contains("hashes text"), "{p:?}");
    assert_eq!(lc, (3, 8));
    let (p, _) = one_problem("```calc\nhmac_sha256(\"k\")\n```\n");
    assert!(p.message.contains("takes 2 arguments"), "{p:?}");
    let (p, _) = one_problem("```calc\nfn md5(x: String) -> String = x\n```\n");
    assert!(p.message.contains("cannot be redefined"), "{p:?}");
    // An error inside a hashed argument points into it.
    let (p, lc) = one_problem("```calc\nsha256(nope)\n```\n");
    assert_eq!(p.message, "calc: unknown name `nope`");
    assert_eq!(lc, (2, 8));
}

#[test]
fn errors_after_a_rewritten_hash_still_point_at_the_source() {
    let body = "```calc\nstr_length(sha256(\"a\")) + oops\n```\n";
    let (p, lc) = one_problem(body);
    assert_eq!(p.message, "calc: unknown name `oops`");
    assert_eq!(lc, (2, 27));
}

#[test]
fn non_reproducible_functions_are_refused() {
    let (p, lc) = one_problem("```calc\nlet x = 3 + random()\n```\n");
    assert!(
        p.message.contains("`random` gives a different value"),
        "{p:?}"
    );
    assert_eq!(lc, (2, 13));
}

#[test]
fn formatting_options() {
    let body = "```calc sig=3\nlet qps = 10 million / day -> 1/s\n# format: dp=1\nqps\nqps  # format: sig=2\n```\n\nShare `= 1 / 3 # format: percent, sig=3`, big `= 1234567` and `= 1234567 # format: sep=none`.\n";
    let r = run(body);
    let block = ok_text(&r[0]);
    assert!(
        block.contains("let qps = 10 million / day -> 1/s = 116 s⁻¹"),
        "{block}"
    );
    assert!(block.contains("\nqps = 115.7 s⁻¹"), "{block}");
    assert!(block.contains("\nqps = 120 s⁻¹"), "{block}");
    assert_eq!(ok_text(&r[1]), "33.3 %");
    assert_eq!(ok_text(&r[2]), "1,234,567");
    assert_eq!(ok_text(&r[3]), "1234567");
    let (p, lc) = one_problem("```calc sig=3 bold\n1\n```\n");
    assert!(p.message.contains("unknown format option `bold`"), "{p:?}");
    assert_eq!(lc, (1, 15));
}

#[test]
fn rows_say_what_each_statement_is() {
    let body = "```calc\n# Setup\nfn twice(x: Length) -> Length = 2 x\nlet dist = twice(3 m)   # the distance\nprint(\"hi\")\nassert(dist > 1 m)\ndist -> cm\n```\n";
    let (p, _) = parse(body, None);
    let mut calc = NoteCalc::new(body, 0, &p, Formats::default());
    let steps = calc.eval_block(&p.fences[0]).unwrap();
    let kinds: Vec<Option<RowKind>> = steps
        .iter()
        .map(|s| match s {
            Step::Comment(_) => None,
            Step::Row(r) => Some(r.kind),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            None,
            Some(RowKind::Definition),
            Some(RowKind::Let),
            Some(RowKind::Print),
            Some(RowKind::Check),
            Some(RowKind::Value)
        ]
    );
    let Step::Row(d) = &steps[2] else { panic!() };
    assert_eq!(d.note.as_deref(), Some("the distance"));
    assert_eq!(d.result.as_ref().map(|r| r.text.as_str()), Some("6 m"));
    let Step::Row(pr) = &steps[3] else { panic!() };
    assert_eq!(pr.result.as_ref().map(|r| r.text.as_str()), Some("hi"));
}

#[test]
fn a_runaway_calculation_is_stopped_and_the_rest_of_the_note_skipped() {
    let body = "```calc\nfn f(n: Scalar) -> Scalar = f(n + 1) + 1\nf(1)\nlet after = 1\n```\n\nAnd `= after`.\n";
    let (p, _) = parse(body, None);
    let limits = Limits {
        time: std::time::Duration::from_millis(1500),
        memory: 64 * 1024 * 1024,
    };
    let mut calc = NoteCalc::new(body, 0, &p, Formats::default()).with_limits(limits);
    let t = std::time::Instant::now();
    let problems = calc.block(&p.fences[0]).unwrap_err();
    assert!(t.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(problems.len(), 1, "{problems:?}");
    let m = &problems[0].message;
    assert!(
        m.contains("took longer than") || m.contains("more than 64 MiB"),
        "{m}"
    );
    assert_eq!(line_col(body, problems[0].offset), (3, 1));
    // Later values are not evaluated (and not reported again).
    let Some(Ev::InlineCalc { expr, offset }) =
        p.events.iter().find(|e| matches!(e, Ev::InlineCalc { .. }))
    else {
        panic!()
    };
    assert!(calc.inline(expr, *offset).is_ok());
}

#[test]
fn memory_limit() {
    let body = "```calc\nlet big = range(1, 10000000)\n```\n";
    let (p, _) = parse(body, None);
    let limits = Limits {
        time: std::time::Duration::from_secs(120),
        memory: 16 * 1024 * 1024,
    };
    let mut calc = NoteCalc::new(body, 0, &p, Formats::default()).with_limits(limits);
    let problems = calc.block(&p.fences[0]).unwrap_err();
    assert!(
        problems[0].message.contains("more than 16 MiB"),
        "{problems:?}"
    );
}

#[test]
fn time_limit() {
    // Recursion deep enough to take seconds, in little memory.
    let body = "```calc\nfn count(n: Scalar) -> Scalar = if n == 0 then 0 else count(n - 1)\nmap(count, range(1, 1000000))\n```\n";
    let (p, _) = parse(body, None);
    let limits = Limits {
        time: std::time::Duration::from_millis(300),
        memory: 1 << 40,
    };
    let mut calc = NoteCalc::new(body, 0, &p, Formats::default()).with_limits(limits);
    let problems = calc.block(&p.fences[0]).unwrap_err();
    assert!(
        problems[0].message.contains("took longer than 300ms"),
        "{problems:?}"
    );
}

#[test]
fn a_statement_numbat_splits_is_an_error_not_a_wrong_value() {
    let body = "```calc\nlet big = 1 TB\n  + 500 GB\n```\n";
    let (p, lc) = one_problem(body);
    assert!(p.message.contains("reads this as 2 statements"), "{p:?}");
    assert_eq!(lc, (2, 1));
    // Inside brackets and in `where` clauses a statement may continue.
    let ok = "```calc\nlet total = sum([1 s,\n  2 s])\nfn f(x: Scalar) -> Scalar = y\n  where y = 2 x\nf(total / 1 s)\n```\n";
    let text = ok_text(&run(ok)[0]);
    assert!(text.contains("f(total / 1 s) = 6"), "{text}");
}

/// The examples of the guide's "Worked calculations" note (`docs/notes/calculations.md`) work
/// as documented.
#[test]
fn documented_examples() {
    let body = "```calc\n# Assumptions\nlet daily_active_users = 10 million\nlet payments_per_user = 2\nlet payment_record = 1 KB\n# Requests per second\nlet write_qps = daily_active_users × payments_per_user / day -> 1/s\nlet storage_per_year = write_qps × payment_record × 365 day -> TB\nassert_eq(storage_per_year, 7.3 TB, 1 GB)\n```\n\nGrows by `= storage_per_year` a year.\n\n```calc\n90 min -> h\n(1 - 99.99 %) × 1 week -> human\nsqrt(16) + log2(8) + log10(100) + ln(1) + exp(0) + 2^3 + abs(-1)\nround(2.4) + floor(2.6) + ceil(2.1)\nminimum([1, 2]) + maximum([1, 2]) + sum([1, 2]) + mean([1, 3])\nlen(range(1, 5))\nsin(0) + cos(0 deg) + tan(0 rad)\nstr_length(\"ab{1 + 1}\")\n1 thousand + 1 million + 1 billion + 1 trillion\n1 ns + 1 µs + 1 us + 1 ms + 1 s + 1 min + 1 h + 1 day + 1 week + 1 month + 1 year -> s\n1 bit + 1 B + 1 KB + 1 MB + 1 GB + 1 TB + 1 PB + 1 KiB + 1 MiB + 1 GiB + 1 TiB -> B\n1 MB/s + 1 Mbit/s + 1 Gbit/s -> MB/s\n1 / day -> 1/s\n1 m + 1 km + 1 mm + 1 mile -> m\n```\n";
    let r = run(body);
    let a = ok_text(&r[0]);
    assert!(a.contains("= 231.481 s⁻¹"), "{a}");
    assert!(a.contains("= 7.3 TB"), "{a}");
    assert_eq!(ok_text(&r[1]), "7.3 TB");
    let b = ok_text(&r[2]);
    assert!(b.contains("90 min -> h = 1.5 h"), "{b}");
    assert!(b.contains("-> human = 1 minute + 0.48 seconds"), "{b}");
    assert!(b.contains("len(range(1, 5)) = 5"), "{b}");
}

#[test]
fn columns_count_characters_after_multibyte_operators() {
    let (p, lc) = one_problem("```calc\nlet y = 2 × 3 · 4 + oops\n```\n");
    assert_eq!(p.message, "calc: unknown name `oops`");
    assert_eq!(lc, (2, 21));
}

#[test]
fn deep_nesting_is_refused_before_numbat_sees_it() {
    let expr = format!("{}1{}", "(".repeat(100), ")".repeat(100));
    let (p, lc) = one_problem(&format!("```calc\nlet x = {expr}\n```\n"));
    assert!(p.message.contains("nested more than 64 deep"), "{p:?}");
    assert_eq!(lc, (2, 9 + 64));
}

#[test]
fn unchanged_notes_are_served_from_the_cache() {
    let body = "```calc\nlet cached_value = 6 × 7\n```\n\nIt is `= cached_value`.\n";
    let first = run(body);
    let (p, _) = parse(body, None);
    let calc = NoteCalc::new(body, 0, &p, Formats::default());
    assert!(
        calc.replay.is_some(),
        "results of an unchanged note are reused"
    );
    drop(calc);
    let second = run(body);
    assert_eq!(first, second);
    // A note with an error is evaluated again each time (its diagnostics must be reported).
    let bad = "```calc\nlet not_cached = 1 s + 1 m\n```\n";
    let _ = run(bad);
    let (p, _) = parse(bad, None);
    assert!(
        NoteCalc::new(bad, 0, &p, Formats::default())
            .replay
            .is_none()
    );
    // Another source is another key.
    let other = body.replace("6 × 7", "6 × 8");
    let (p, _) = parse(&other, None);
    assert!(
        NoteCalc::new(&other, 0, &p, Formats::default())
            .replay
            .is_none()
    );
}

#[test]
fn repeated_values_are_not_evaluated_again() {
    let body = "```calc\nlet a = 2\na\na + 1\na + 1\n```\n\n`= a` and `= a + 1` and `= a + 1 # format: dp=2`.\n\n```calc\nlet a = 5\n```\n\nNow `= a` and `= a + 1`.\n";
    let (p, _) = parse(body, None);
    let mut calc = NoteCalc::new(body, 0, &p, Formats::default());
    calc.replay = None;
    let mut texts = Vec::new();
    for ev in &p.events {
        let r = match ev {
            Ev::Fence(i) if p.fences[*i].lang == "calc" => calc.block(&p.fences[*i]),
            Ev::InlineCalc { expr, offset } => calc.inline(expr, *offset),
            _ => continue,
        };
        texts.push(ok_text(&r));
    }
    assert_eq!(texts[1..4], ["2", "3", "3.00"]);
    assert_eq!(texts[5..7], ["5", "6"]);
    // Sent to numbat: `let a` (its value comes with it), `a + 1`, `a + 1` with another format,
    // `let a` again and the new `a + 1`; every other value was already known.
    assert_eq!(calc.maps.len(), 5);
}

/// Issue 24 (11): an overflow used to render as `∞` with exit code 0.
#[test]
fn an_infinite_result_is_an_error_unless_asked_for() {
    let r = run("```calc\nlet big = 10^400\n```\n");
    let p = problems(&r[0]);
    assert!(p[0].message.contains("infinite"), "{p:?}");
    assert!(p[0].help.is_none() || !p[0].message.is_empty());
    let r = run("```calc\nlet big = 10^400 # format: inf\n```\n");
    let text = ok_text(&r[0]);
    assert!(text.contains("∞"), "{text}");
}

/// Issue 24 (16): `1 USD` suggested `KSI`; currencies get a way to define them instead, and
/// far-fetched suggestions are dropped.
#[test]
fn unknown_names_get_useful_help() {
    let r = run("```calc\nlet price = 3 USD\n```\n");
    let p = problems(&r[0]);
    let help = p[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("unit dollar: Money") && !help.contains("KSI"),
        "{help}"
    );
    let r = run("```calc\nlet t = 3 secnd\n```\n");
    let help = problems(&r[0])[0].help.clone().unwrap_or_default();
    assert!(help.contains("second"), "{help}");
}

#[test]
fn a_problem_at_the_end_of_an_unclosed_block_points_inside_the_body() {
    // Found by fuzzing: an unclosed fence ending in `let rps =` had its problem one byte past
    // the end of the note.
    let body = "```calc\nlet rps =";
    for r in run(body) {
        for p in problems(&r) {
            assert!(p.offset <= body.len(), "{p:?}");
        }
    }
}

#[test]
fn rows_are_kinded_by_definition_head_and_output() {
    let value = Outcome {
        shown: Some(Shown {
            html: "1".into(),
            text: "1".into(),
        }),
        ..Outcome::default()
    };
    let printed = Outcome {
        printed: vec!["hi".into()],
        ..Outcome::default()
    };
    let nothing = Outcome::default();
    assert_eq!(row_kind(None, Some("assert_eq"), &value), RowKind::Check);
    assert_eq!(row_kind(Some(DefKind::Let), None, &value), RowKind::Let);
    assert_eq!(
        row_kind(Some(DefKind::Fn), None, &value),
        RowKind::Definition
    );
    assert_eq!(row_kind(None, Some("use"), &nothing), RowKind::Definition);
    assert_eq!(row_kind(None, Some("print"), &printed), RowKind::Print);
    assert_eq!(row_kind(None, None, &nothing), RowKind::Definition);
    assert_eq!(row_kind(None, None, &value), RowKind::Value);
}
