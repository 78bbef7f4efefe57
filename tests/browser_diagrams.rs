//! Builds the handbook and checks every diagram in real Chromium (tests/browser/diagrams.mjs):
//! no label overflows its diagram or overlaps another, no page requests a script for diagrams.
//! Needs Node with `playwright-core` (`npm ci` at the repository root) and /usr/bin/chromium.

use std::path::Path;
use std::process::Command;

#[test]
fn handbook_diagrams_are_legible_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("node_modules/playwright-core").is_dir(),
        "node_modules/playwright-core is missing: run `npm ci` at the repository root (installs playwright-core; it downloads no browser)"
    );
    let out = tempfile::tempdir().expect("temp dir");
    let mut opts = corem::BuildOptions::default();
    opts.overrides.output_dir = Some(out.path().join("site"));
    if let Err(e) = corem::build(root, &opts) {
        panic!("building the handbook failed: {e} {e:?}");
    }
    let run = Command::new("node")
        .arg(root.join("tests/browser/diagrams.mjs"))
        .arg(out.path().join("site"))
        .current_dir(root)
        .output()
        .expect("run node (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "diagram browser check failed:\n{stderr}\n{stdout}"
    );
}
