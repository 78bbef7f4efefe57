//! The built handbook in real headless Chromium (Debian's `chromium`, driven by playwright-core):
//! opened from `file://`, links followed, dark mode toggled; no console error, no request that
//! is not `file://`.

mod support;

#[test]
fn handbook_works_offline_from_file_urls() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let out = support::run_browser_script("site.mjs", &[site.to_str().expect("utf-8 path")]);
    eprintln!("{out}");
}
