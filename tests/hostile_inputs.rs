//! Hostile input, end to end: the inputs the fuzzers found (`tests/hostile/*/`) and generated
//! pathological notes, each built as a one-note project with the library. Every build must end,
//! with a site or with diagnostics that point inside the note, and never panic.
//!
//! A watchdog turns a hang into a failure. Its bound is not a speed target (those are
//! `bench/hostile.sh`'s figures): it is many times what the build takes, so only work that grows
//! without bound (quadratic in the links of a note, say) trips it.

mod support;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use corem::{BuildReport, Error};

/// The binary installs it too: it enforces calc memory limits and freezes runaway workers.
#[global_allocator]
static ALLOC: corem::calc::CalcAlloc = corem::calc::CalcAlloc;

/// A project with `note` as `notes/note.md`, a `Target` note with a `Section` to link to, and
/// broken links as warnings.
fn project(note: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(&notes).expect("notes dir");
    std::fs::write(
        notes.join("target.md"),
        "---\ntitle: Target\n---\nThe target.\n\n## Section\n\nWords.\n",
    )
    .expect("target note");
    std::fs::write(notes.join("note.md"), note).expect("note");
    std::fs::write(
        dir.path().join("corem.toml"),
        "title = \"hostile\"\nbroken_links = \"warn\"\n",
    )
    .expect("config");
    dir
}

/// Builds `dir` into `dir/site` on another thread; fails the test if it takes over `limit`.
fn build_within(dir: &Path, limit: Duration) -> Result<BuildReport, Error> {
    let (tx, rx) = mpsc::channel();
    let project = dir.to_path_buf();
    let out = dir.join("site");
    std::thread::spawn(move || {
        let _ = tx.send(corem::build(&project, &support::options(&out)));
    });
    match rx.recv_timeout(limit) {
        Ok(r) => r,
        Err(_) => panic!("building {} did not finish within {limit:?}", dir.display()),
    }
}

/// Every diagnostic names a line of the note it is about and shows that line.
fn check_diagnostics(note: &str, diags: &[corem::diagnostic::Diagnostic]) {
    let lines = note.split('\n').count();
    for d in diags {
        assert!(
            d.line <= lines,
            "line {} of a {lines}-line note: {d:?}",
            d.line
        );
        if d.line > 0 {
            assert!(d.source_line.is_some(), "no source line: {d:?}");
        }
        assert!(!d.render(false).is_empty());
    }
}

fn hostile_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in ["frontmatter", "markdown"] {
        let dir = support::repo().join("tests/hostile").join(kind);
        if let Ok(rd) = std::fs::read_dir(&dir) {
            files.extend(rd.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    files.sort();
    files
}

#[test]
fn fuzz_findings_build_or_fail_with_diagnostics_in_the_note() {
    let files = hostile_files();
    assert!(!files.is_empty(), "tests/hostile has no inputs");
    for f in files {
        let bytes = std::fs::read(&f).expect("hostile input");
        let note = String::from_utf8_lossy(&bytes).into_owned();
        let dir = project(&note);
        match build_within(dir.path(), Duration::from_secs(120)) {
            Ok(report) => check_diagnostics(&note, &report.warnings),
            Err(Error::Diagnostics(d)) => check_diagnostics(&note, &d),
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
}

#[test]
fn fifty_thousand_links_in_one_sentence() {
    // Each link's backlink context was found by scanning the block from the link to the
    // sentence's ends: 50,000 links in one sentence took a minute in a release build.
    let n = 50_000;
    let kinds = [
        "[[Target]]",
        "[[Target#Section]]",
        "[[Target|label]]",
        "[md](target.md#section)",
    ];
    let mut note = String::from("---\ntitle: Links\n---\n");
    for i in 0..n {
        note.push_str(&format!("word{i} {} ", kinds[i % kinds.len()]));
    }
    note.push_str("end.\n");
    let dir = project(&note);
    let report = build_within(dir.path(), Duration::from_secs(120)).expect("builds");
    assert_eq!(report.notes, 2);
    let page = std::fs::read_to_string(dir.path().join("site/note.html")).expect("note page");
    assert!(page.matches("href=\"target.html").count() >= n);
    // The target lists the note as a backlink with the sentence cut to a readable length.
    let target = std::fs::read_to_string(dir.path().join("site/target.html")).expect("page");
    assert!(target.contains("word0 "), "backlink context missing");
    assert!(target.contains('…'), "backlink context not cut");
}

#[test]
fn fifty_thousand_headings_linked_by_text() {
    // Every anchor was looked up by scanning the note's headings (lower-casing each one when
    // the anchor is a heading's text): 50,000 headings with a link to each took minutes.
    let n = 50_000;
    let mut note = String::from("---\ntitle: Headings\n---\n");
    for i in 0..n {
        note.push_str(&format!(
            "## Part {i} {{#p{i}}}\n\nSee [[#PART {i}]] and [x](#p{i}).\n\n"
        ));
    }
    let dir = project(&note);
    let report = build_within(dir.path(), Duration::from_secs(120)).expect("builds");
    assert!(
        report
            .warnings
            .iter()
            .all(|d| !d.message.contains("no heading"))
    );
    let page = std::fs::read_to_string(dir.path().join("site/note.html")).expect("note page");
    assert!(page.contains("href=\"#p49999\""));
    assert!(page.matches("href=\"#p").count() >= 2 * n);
}

#[test]
fn a_calc_statement_of_forty_thousand_lines() {
    // Whether a statement went on was decided by rescanning all of it for each of its lines:
    // 20,000 lines in one open bracket took 19 s in a release build.
    let note = format!(
        "---\ntitle: Calc\n---\n```calc\nlet x = (\n{}  0)\nlet y = 2\ny\n```\n",
        "  1 +\n".repeat(40_000)
    );
    let dir = project(&note);
    let err = build_within(dir.path(), Duration::from_secs(120));
    let Err(Error::Diagnostics(diags)) = err else {
        panic!("a statement over the length limit must fail the build");
    };
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("longer than"), "{errors:?}");
    assert_eq!(errors[0].line, 5);
    check_diagnostics(&note, &diags);
}

#[test]
fn embeds_that_multiply_are_refused() {
    // The note embeds e1 ten times, e1 embeds e2 ten times, … eight deep: 10^8 copies of a
    // sentence on one page, 24 GB of memory before the build was stopped.
    let dir = project("---\ntitle: Embeds\n---\n");
    let notes = dir.path().join("notes");
    let note: String = "![[e1]]\n\n".repeat(10);
    std::fs::write(
        notes.join("note.md"),
        format!("---\ntitle: Embeds\n---\n{note}"),
    )
    .expect("note");
    for i in 1..=8 {
        let mut body =
            format!("---\ntitle: e{i}\n---\nNote e{i}: a sentence or two of its own.\n\n");
        if i < 8 {
            body.push_str(&format!("![[e{}]]\n\n", i + 1).repeat(10));
        }
        std::fs::write(notes.join(format!("e{i}.md")), body).expect("embedded note");
    }
    let Err(Error::Diagnostics(diags)) = build_within(dir.path(), Duration::from_secs(120)) else {
        panic!("a page of 10^8 embedded copies must fail the build");
    };
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(!errors.is_empty());
    // Each error is at an embed of a page that goes over the per-page budget.
    for e in &errors {
        assert!(e.message.contains("at most"), "{e:?}");
        assert!(
            e.source_line
                .as_deref()
                .is_some_and(|l| l.starts_with("![[e")),
            "{e:?}"
        );
    }
    assert!(!dir.path().join("site").exists(), "nothing is written");
}

#[test]
fn a_few_embeds_still_build() {
    let dir = project("---\ntitle: Embeds\n---\n![[Target]]\n\n![[Target#Section]]\n");
    build_within(dir.path(), Duration::from_secs(120)).expect("builds");
    let page = std::fs::read_to_string(dir.path().join("site/note.html")).expect("page");
    assert_eq!(page.matches("The target.").count(), 1);
    assert!(page.contains("Words."));
}

#[test]
fn twenty_thousand_broken_links_on_one_line() {
    // Each warning kept a copy of its source line (a 300 KB line here: 6 GB for the lot) and
    // compared its anchor with every heading for a "did you mean" (minutes with 50,000).
    let n = 20_000;
    let mut note = String::from("---\ntitle: Broken\n---\n");
    for i in 0..1_000 {
        note.push_str(&format!("## Heading number {i}\n\ntext\n\n"));
    }
    let line: Vec<String> = (0..n)
        .map(|i| match i % 3 {
            0 => format!("[[#Missing {i}]]"),
            1 => format!("[[Missing note {i}]]"),
            _ => format!("[x](missing-{i}.md)"),
        })
        .collect();
    note.push_str(&line.join(" "));
    note.push('\n');
    let dir = project(&note);
    let report = build_within(dir.path(), Duration::from_secs(120)).expect("builds (warnings)");
    let broken: Vec<_> = report
        .warnings
        .iter()
        .filter(|d| d.file.ends_with("note.md") && d.message.starts_with("no "))
        .collect();
    // Every broken link is counted; the first 50 of the note are shown, then how many more.
    assert!(
        (corem::diagnostic::MAX_PER_FILE - 5..=corem::diagnostic::MAX_PER_FILE)
            .contains(&broken.len()),
        "the first ones shown: {}",
        broken.len()
    );
    let more: usize = report
        .warnings
        .iter()
        .find_map(|d| {
            d.message
                .strip_prefix("… and ")?
                .strip_suffix(" more warnings in this note")?
                .parse()
                .ok()
        })
        .expect("the rest counted");
    assert!(more >= n - corem::diagnostic::MAX_PER_FILE, "{more}");
    for d in &broken {
        let shown = d.source_line.as_deref().unwrap_or_default();
        assert!(shown.chars().count() <= corem::diagnostic::WINDOW + 2);
        assert!(d.help.is_some());
    }
    check_diagnostics(&note, &report.warnings);
}
