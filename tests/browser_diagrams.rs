//! Builds the handbook and the diagram fixtures and checks every diagram in real Chromium
//! (tests/browser/diagrams.mjs): the diagram font is used, no label overflows its diagram or
//! overlaps another, no page requests a script for diagrams; light and dark. When the theme's
//! legibility check (tests/browser/legibility.mjs: label and line contrast against what is
//! behind them) is present, the fixtures go through it too.
//! Needs Node with `playwright-core` (`npm ci` at the repository root) and /usr/bin/chromium.

mod support;

#[test]
fn handbook_diagrams_are_legible_in_chromium() {
    let root = support::repo();
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    if let Err(e) = corem::build(&root, &support::options(&site)) {
        panic!("building the handbook failed: {e} {e:?}");
    }
    let report = support::run_browser_script("diagrams.mjs", &[&site.to_string_lossy()]);
    println!("{report}");
}

/// The example fixtures of every diagram type, each built into its own folder of one site.
const FIXTURES: &[&str] = &[
    "diagram-flowchart",
    "diagram-sequence",
    "diagram-state",
    "diagram-class",
    "diagram-er",
    "diagram-pie",
    "diagram-gantt",
    "diagram-mindmap",
    "diagram-timeline",
    "diagram-links",
];

#[test]
fn every_diagram_type_is_legible_in_chromium() {
    let out = tempfile::tempdir().expect("temp dir");
    for name in FIXTURES {
        let site = out.path().join(name);
        if let Err(e) = corem::build(&support::fixture(name), &support::options(&site)) {
            panic!("building {name} failed: {e} {e:?}");
        }
    }
    let all = out.path().to_string_lossy().to_string();
    let report = support::run_browser_script("diagrams.mjs", &[&all]);
    println!("{report}");
    assert!(
        report.contains(&format!("{} pages", FIXTURES.len())),
        "every fixture page was checked: {report}"
    );
    // What a reader sees: label and line contrast of every example, light and dark.
    let report = support::run_browser_script("legibility.mjs", &[&all]);
    println!("{report}");
    assert!(report.contains("0 legibility problem(s)"), "{report}");
}
