//! Visual regression: the `tests/fixtures/visual` site (home, worked calculations, one figure of
//! each diagram kind, search with results open, dark mode, a 390 px phone, print.html) is
//! photographed in real Chromium and compared with the baselines committed in
//! `tests/visual/baseline/` (tests/browser/visual.mjs, pixelmatch). The fixture is not the
//! handbook, so the baselines move only when the theme or the engine changes, never with notes.
//!
//! After a deliberate change of the look, refresh the baselines and commit them:
//!
//! ```sh
//! COREM_UPDATE_BASELINES=1 cargo test --test browser_visual
//! ```

mod support;

#[test]
fn views_match_their_baselines() {
    let (_dir, site) = support::build_into_temp(&support::fixture("visual"), None);
    let out = support::run_browser_script("visual.mjs", &[site.to_str().expect("utf-8 temp path")]);
    println!("{out}");
}
