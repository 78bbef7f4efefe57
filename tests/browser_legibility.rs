//! What a reader sees of the diagrams, in real Chromium (tests/browser/legibility.mjs): the
//! built handbook's every page with a diagram in light and dark mode, and the single-file
//! handbook (every diagram on one page) also through the theme toggle and in print. Every label
//! must have WCAG contrast >= 4.5 against the fill behind it, every edge, outline and arrow head
//! must be drawn with contrast >= 3 against the figure. (The diagrams once shipped as black boxes
//! because their colour variables were undefined, and no test looked at colour.)

mod support;

#[test]
fn every_handbook_diagram_is_legible_in_every_look() {
    let (dir, site) = support::build_into_temp(&support::repo(), None);
    let single = dir.path().join("handbook.html");
    corem::build_single_file(&support::repo(), &corem::BuildOptions::default(), &single)
        .unwrap_or_else(|e| panic!("single-file build failed: {e}"));
    let out = support::run_browser_script(
        "legibility.mjs",
        &[
            site.to_str().expect("utf-8 temp path"),
            "--every-look",
            single.to_str().expect("utf-8 temp path"),
        ],
    );
    println!("{out}");
    assert!(out.contains("0 legibility problem(s)"), "{out}");
    // Not vacuous: the handbook has dozens of diagrams and a thousand labels.
    assert!(out.contains(" diagrams,"), "{out}");
}

#[test]
fn fixture_svgbob_and_diagram_types_are_legible() {
    // visual: one figure of each kind with every shape and line style, and svgbob.
    for fixture in ["visual", "diagram-ids"] {
        let (_dir, site) = support::build_into_temp(&support::fixture(fixture), None);
        let out = support::run_browser_script(
            "legibility.mjs",
            &[site.to_str().expect("utf-8 temp path")],
        );
        assert!(out.contains("0 legibility problem(s)"), "{fixture}: {out}");
    }
}
