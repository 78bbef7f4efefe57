//! Worked calculations end to end: fixture note folders and the bundled handbook, built with the
//! library, asserting on the written pages and on the diagnostics.

use std::path::{Path, PathBuf};

use corem::config::Overrides;
use corem::diagnostic::Diagnostic;
use corem::{BuildOptions, Error};

/// The binary installs it too: it enforces calc memory limits and freezes runaway workers.
#[global_allocator]
static ALLOC: corem::calc::CalcAlloc = corem::calc::CalcAlloc;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

fn opts(out: Option<PathBuf>) -> BuildOptions {
    BuildOptions {
        drafts: false,
        overrides: Overrides {
            output_dir: out,
            base_url: None,
        },
        ..Default::default()
    }
}

/// Builds `project` into a temp folder; panics with the diagnostics on failure.
fn build(project: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    match corem::build(project, &opts(Some(out.clone()))) {
        Ok(_) => {}
        Err(Error::Diagnostics(d)) => panic!(
            "build failed:\n{}",
            d.iter().map(|x| x.render(false)).collect::<String>()
        ),
        Err(e) => panic!("build failed: {e}"),
    }
    (dir, out)
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The text of an HTML page as a reader sees it (tags dropped, entities decoded, spaces joined).
fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        // Cells, rows and blocks are separate words; inline tags are not.
        let name = tag
            .trim_start_matches('/')
            .split([' ', '>'])
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "p" | "li" | "td" | "th" | "tr" | "div" | "code" | "output" | "summary" | "pre" | "br"
        ) {
            text.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The diagnostics of checking a fixture that must fail.
fn errors(name: &str) -> Vec<Diagnostic> {
    match corem::check(&fixture(name), &opts(None)) {
        Err(Error::Diagnostics(d)) => d.into_iter().filter(Diagnostic::is_error).collect(),
        Ok(_) => panic!("{name} should fail"),
        Err(e) => panic!("{name}: {e}"),
    }
}

fn error_in(name: &str, file: &str) -> Diagnostic {
    let all = errors(name);
    let mine: Vec<&Diagnostic> = all
        .iter()
        .filter(|d| d.file.file_name().is_some_and(|f| f == file))
        .collect();
    assert_eq!(mine.len(), 1, "one error in {file}: {all:#?}");
    mine[0].clone()
}

#[test]
fn inline_values_are_the_computed_values_in_pages_and_print() {
    let (_tmp, out) = build(&fixture("calc-pages"));
    let page = read(&out, "availability.html");
    assert!(
        page.contains("<span class=\"calc-value\">1 minute + 0.48 seconds</span>"),
        "{page}"
    );
    // The reader sees the value, not the expression (which is only in attributes).
    let text = page_text(&page);
    assert!(
        text.contains("Four nines allow 1 minute + 0.48 seconds of downtime a week."),
        "{text}"
    );
    assert!(!text.contains("= weekly -> human"), "{text}");
    assert!(page.contains("title=\"= weekly -&gt; human\""));
    assert!(!page.contains("<code>= weekly"));
    // In a table cell too.
    assert!(text.contains("99.99 % 1 minute + 0.48 seconds"), "{text}");
    // The worked steps: expression and result side by side, the check passed.
    assert!(page.contains("<code class=\"calc-expr\">weekly -&gt; s</code><output class=\"calc-result\"><span class=\"calc-q\">60.48 s</span></output>"), "{page}");
    assert!(page.contains("calc-row calc-assert"));
    // The one-page print version shows the same computed text.
    let print = page_text(&read(&out, "print.html"));
    assert!(
        print.contains("Four nines allow 1 minute + 0.48 seconds of downtime a week."),
        "{print}"
    );
}

/// "Linked from" shows the sentence around a link as the reader saw it on the linking page:
/// its inline values computed, never `= expr` (issue 23: five handbook pages showed
/// "about = stuck_without_breaker threads").
#[test]
fn backlink_sentences_show_computed_values() {
    let (_tmp, out) = build(&fixture("calc-pages"));
    let page = read(&out, "security.html");
    let text = page_text(&page);
    assert!(
        text.contains("Security is next: a week at four nines allows 60.5 s of downtime."),
        "{text}"
    );
    assert!(!text.contains("= weekly"), "{text}");
    assert!(!page.contains('\u{e000}') && !page.contains('\u{e001}'));
}

#[test]
fn hmac_is_computed_at_build_time() {
    let (_tmp, out) = build(&fixture("calc-pages"));
    let text = page_text(&read(&out, "security.html"));
    let hmac = "98e7ffb964bb5a3f902db1fc101a5baa98b6f2cd56858210c9d70f26ac762fc7";
    assert!(text.contains(&format!("The MAC is {hmac}.")), "{text}");
    assert!(
        text.contains(
            "sha256(\"hello\") 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        ),
        "{text}"
    );
}

#[test]
fn unit_mismatch_is_a_diagnostic_at_file_line_column() {
    let d = error_in("calc-errors", "mismatch.md");
    assert_eq!((d.line, d.col), (9, 11), "{d:#?}");
    assert!(
        d.message
            .contains("incompatible dimensions in addition: DigitalInformation vs Time"),
        "{d:#?}"
    );
    assert_eq!(d.source_line.as_deref(), Some("let bad = size + 2 s"));
}

#[test]
fn failed_assert_eq_is_a_diagnostic_at_file_line_column() {
    let d = error_in("calc-errors", "assert.md");
    assert_eq!((d.line, d.col), (7, 14), "{d:#?}");
    assert!(d.message.contains("assertion failed"), "{d:#?}");
    assert!(d.message.contains("differ by 1 s"), "{d:#?}");
}

#[test]
fn unknown_name_is_a_diagnostic_at_file_line_column() {
    let d = error_in("calc-errors", "unknown.md");
    assert_eq!((d.line, d.col), (7, 16), "{d:#?}");
    assert_eq!(d.message, "calc: unknown name `speeed`");
    assert_eq!(d.help.as_deref(), Some("did you mean `speed`?"));
}

#[test]
fn inline_value_before_its_definition_is_a_diagnostic_at_file_line_column() {
    let d = error_in("calc-errors", "before.md");
    assert_eq!((d.line, d.col), (5, 17), "{d:#?}");
    assert_eq!(d.message, "calc: unknown name `total`");
    let help = d.help.unwrap_or_default();
    assert!(help.contains("defined further down, on line 8"), "{help}");
}

#[test]
fn every_error_of_the_build_is_reported() {
    assert_eq!(errors("calc-errors").len(), 4);
}

/// The bundled handbook: every calc block renders its working, the availability note computes
/// the 99.99 % week, the security note computes the HMAC.
#[test]
fn handbook_calculations() {
    let notes = repo().join("notes");
    let mut fences = 0;
    for entry in walk(&notes) {
        let src = std::fs::read_to_string(&entry).unwrap_or_default();
        fences += src
            .lines()
            .filter(|l| l.trim_start().starts_with("```calc"))
            .count();
    }
    // Every inline value's expression, as written (`= expr` between backticks).
    let mut inline_exprs = Vec::new();
    for entry in walk(&notes) {
        let src = std::fs::read_to_string(&entry).unwrap_or_default();
        for piece in src.split("`= ").skip(1) {
            if let Some(expr) = piece.split('`').next().map(str::trim)
                && !expr.is_empty()
                && !expr.contains('\n')
            {
                inline_exprs.push(
                    expr.replace('&', "&amp;")
                        .replace('>', "&gt;")
                        .replace('<', "&lt;"),
                );
            }
        }
    }
    assert!(inline_exprs.len() > 100, "{}", inline_exprs.len());
    let (_tmp, out) = build(&repo());
    let mut blocks = 0;
    for page in walk(&out) {
        if page.extension().is_some_and(|e| e == "html") && !page.ends_with("print.html") {
            let html = std::fs::read_to_string(&page).unwrap_or_default();
            blocks += html.matches("<div class=\"calc\">").count();
            assert!(
                !html.contains("<code>= "),
                "unevaluated inline value in {}",
                page.display()
            );
            // Nor in a "Linked from" sentence, nor a value marker left behind.
            if let Some(at) = html.find("id=\"corem-backlinks\"") {
                let list = &html[at..];
                let list = &list[..list.find("</ul>").unwrap_or(list.len())];
                for expr in &inline_exprs {
                    assert!(
                        !list.contains(&format!("= {expr}")),
                        "`= {expr}` unevaluated in \"Linked from\" of {}",
                        page.display()
                    );
                }
            }
            assert!(
                !html.contains('\u{e000}'),
                "value marker left in {}",
                page.display()
            );
        }
    }
    assert!(fences > 0);
    assert_eq!(
        blocks, fences,
        "every ```calc block renders as worked steps"
    );

    let avail = page_text(&read(&out, "principles/availability-in-numbers.html"));
    assert!(
        avail.contains("downtime(four_nines, 1 week) -> human 1 minute + 0.48 seconds"),
        "{avail}"
    );
    let sec = page_text(&read(&out, "components/hashing-and-encryption.html"));
    let hmac = "98e7ffb964bb5a3f902db1fc101a5baa98b6f2cd56858210c9d70f26ac762fc7";
    assert!(sec.contains(hmac), "{sec}");
    assert!(
        sec.contains(&format!("assert_eq(mac, \"{hmac}\") ✓ holds")),
        "{sec}"
    );
    assert!(sec.contains("assert(mac != seed_value) ✓ holds"), "{sec}");
    assert!(
        sec.contains(&format!("The correct value is {hmac}")),
        "{sec}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Writes a one-note project (with an optional corem.toml) into a temp folder.
fn one_note(config: &str, note: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("notes")).expect("notes/");
    if !config.is_empty() {
        std::fs::write(dir.path().join("corem.toml"), config).expect("corem.toml");
    }
    std::fs::write(dir.path().join("notes/index.md"), note).expect("index.md");
    dir
}

const PROSE: &str = "---\ntitle: Prose\n---\n\n```calc\nunit dollar: Money\nlet batch = 250 GB / (800 MB/s) -> min\nlet attempts = e\nlet share = 32 / 45 -> %\nlet cost = 1440000 dollar\nlet writes = 20 million / day -> 1/s\nlet nines = 99.95 %\n```\n\nA batch takes about `= batch`, `= attempts` attempts on average, `= share` of the time, `= cost` a year, `= writes` writes, and `= nines -> %` available; `= batch # format: sig=5` with five digits.\n";

/// Inline values read like prose (issue 23): three significant digits unless the value or
/// `[calc] inline_digits` says otherwise, `$` for dollars, `/s` for per second, never rounded
/// onto a power of ten (99.95 % stays); worked steps keep six digits.
#[test]
fn inline_values_are_rounded_for_prose() {
    let dir = one_note("", PROSE);
    let (_tmp, out) = build(dir.path());
    let text = page_text(&read(&out, "index.html"));
    assert!(
        text.contains("A batch takes about 5.21 min, 2.72 attempts on average, 71.1 % of the time, $1,440,000 a year, 231/s writes, and 99.95 % available; 5.2083 min with five digits."),
        "{text}"
    );
    // The worked steps keep full precision and numbat's notation.
    assert!(text.contains("5.20833 min"), "{text}");
    assert!(text.contains("231.481 s⁻¹"), "{text}");

    let dir = one_note("[calc]\ninline_digits = 5\ndigits = 4\n", PROSE);
    let (_tmp, out) = build(dir.path());
    let text = page_text(&read(&out, "index.html"));
    assert!(text.contains("about 5.2083 min, 2.7183 attempts"), "{text}");
    assert!(
        text.contains("let batch = 250 GB / (800 MB/s) -> min 5.208 min"),
        "{text}"
    );

    let dir = one_note("[calc]\ninline_digits = 0\n", PROSE);
    match corem::build(dir.path(), &opts(Some(dir.path().join("site")))) {
        Err(Error::Config(m)) => assert!(m.contains("inline_digits"), "{m}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

/// "`= rate` per second" would read "231/s per second": a warning at the value, with the fix.
#[test]
fn a_rate_followed_by_its_unit_in_words_is_a_warning() {
    let note = "```calc\nlet rate = 20 million / day -> 1/s\n```\n\nThat is `= rate` writes per second, or `= rate × 1 s` writes per second.\n";
    let dir = one_note("", note);
    let report = corem::build(dir.path(), &opts(Some(dir.path().join("site")))).expect("builds");
    let warnings: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("per second"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:#?}", report.warnings);
    assert_eq!((warnings[0].line, warnings[0].col), (5, 12));
    assert!(warnings[0].help.as_deref().unwrap_or("").contains("× 1 s"));
}
