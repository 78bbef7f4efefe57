//! `corem serve` in real headless Chromium (Debian's `chromium`, driven by playwright-core):
//! an edit shows up in the open page without a manual reload, a broken link shows the error
//! overlay with its diagnostic, fixing it removes the overlay, and a CSS change is swapped in
//! without a reload.

mod support;

#[test]
fn live_reload_and_error_overlay_in_chromium() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("project");
    support::copy_dir(&support::fixture("serve-site"), &project);
    // Broken links are errors here, so breaking one fails the build.
    let cfg = project.join("corem.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    std::fs::write(
        &cfg,
        text.replace("broken_links = \"warn\"", "broken_links = \"error\""),
    )
    .expect("write config");
    let server = support::start_serve(&project, &[]);
    let out = support::run_browser_script(
        "serve.mjs",
        &[&server.url, project.to_str().expect("utf-8 path")],
    );
    eprintln!("{out}");
    let log = server.output();
    assert!(
        log.contains("no note titled `No such note`"),
        "the terminal shows the same diagnostic:\n{log}"
    );
}
