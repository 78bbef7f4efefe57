//! What a reader sees of highlighted code, in real Chromium (tests/browser/code_colours.mjs):
//! every token readable (WCAG contrast >= 4.5 on the code background) in light and dark mode,
//! by system preference and by the theme toggle. Syntect's scope classes once left tokens in
//! the light theme's colours in dark mode (`corem check` in a Markdown block was #323232 on
//! #161b22, contrast 1.4).

mod support;

fn check(site: &std::path::Path, pages: &[&str]) -> String {
    let mut args = vec![site.to_str().expect("utf-8 temp path")];
    args.extend_from_slice(pages);
    let out = support::run_browser_script("code_colours.mjs", &args);
    println!("{out}");
    out
}

#[test]
fn code_in_every_language_is_readable_in_light_and_dark() {
    let (_dir, site) = support::build_into_temp(&support::fixture("code"), None);
    let out = check(&site, &["languages.html"]);
    assert!(out.contains("0 code colour problem(s)"), "{out}");
}

#[test]
fn the_guides_code_is_readable_in_light_and_dark() {
    let (_dir, site) = support::build_into_temp(&support::repo().join("docs"), None);
    let out = check(&site, &["notes.html", "development.html", "diagrams.html"]);
    assert!(out.contains("0 code colour problem(s)"), "{out}");
}

#[test]
fn code_in_table_headers_stays_on_one_line_on_a_phone() {
    // The guide's performance table heads a column `--fresh`; at 390 px it broke after "--".
    let (_dir, site) = support::build_into_temp(&support::repo().join("docs"), None);
    let site = site.to_str().expect("utf-8 temp path");
    let out = support::run_browser_script("table_code.mjs", &[site, "performance.html"]);
    println!("{out}");
    assert!(out.contains(", 0 table code problem(s)"), "{out}");
    // Not vacuous: the page's table has code in its header.
    assert!(!out.starts_with("0 table code span(s)"), "{out}");
}

#[test]
fn code_in_the_handbooks_tables_keeps_its_words_whole_on_a_phone() {
    // At 390 px the handbook's tables broke `wireless` into "wirel" / "ess" and
    // `unclean.leader.election.enable` over four lines (code could break anywhere).
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let out =
        support::run_browser_script("table_code.mjs", &[site.to_str().expect("utf-8 temp path")]);
    println!("{out}");
    assert!(out.contains(", 0 table code problem(s)"), "{out}");
    // Not vacuous: every page was opened, and dozens of code spans sit in its tables.
    let checked: usize = (out.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(checked > 50, "{out}");
}
