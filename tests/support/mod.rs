//! Helpers shared by integration tests: building fixtures or the bundled handbook into a temp
//! folder, and running the Node/Chromium browser scripts.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use corem::config::Overrides;
use corem::{BuildOptions, Error};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Builds `project` into a fresh temp folder; panics with every diagnostic on failure.
pub fn build_into_temp(project: &Path, base_url: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let opts = BuildOptions {
        drafts: false,
        overrides: Overrides {
            output_dir: Some(out.clone()),
            base_url: base_url.map(str::to_string),
        },
    };
    match corem::build(project, &opts) {
        Ok(_) => {}
        Err(Error::Diagnostics(d)) => panic!(
            "build of {} failed:\n{}",
            project.display(),
            d.iter().map(|x| x.render(false)).collect::<String>()
        ),
        Err(e) => panic!("build of {} failed: {e}", project.display()),
    }
    (dir, out)
}

/// Runs `node tests/browser/<script> <args…>` and panics with its output unless it succeeds.
pub fn run_browser_script(script: &str, args: &[&str]) -> String {
    let root = repo();
    assert!(
        root.join("node_modules/playwright-core").is_dir(),
        "browser tests need the npm test tools: run `npm ci` at the repository root \
         (and `apt-get install -y chromium`), or run `.ci/run` which does both"
    );
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("COREM_CHROMIUM").is_some(),
        "browser tests need Chromium: `apt-get install -y chromium` (or set COREM_CHROMIUM)"
    );
    let out = Command::new("node")
        .arg(root.join("tests/browser").join(script))
        .args(args)
        .current_dir(&root)
        .output()
        .expect("node must be installed to run the browser tests");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    stdout
}
