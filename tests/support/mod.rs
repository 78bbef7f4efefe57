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

/// Copies a folder recursively (fixtures are copied before tests edit them).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk fixture");
        let rel = e.path().strip_prefix(from).expect("inside the fixture");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create dir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy file");
        }
    }
}

/// A running `corem serve`, stopped (by its own pid) when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    pub port: u16,
    /// Everything the server printed so far (stdout and stderr).
    pub output: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn output(&self) -> String {
        self.output.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Starts `corem serve <project> --port 0 <args>` and waits until it says where it serves.
pub fn start_serve(project: &Path, args: &[&str]) -> Server {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::sync::{Arc, Mutex};
    let mut child = Command::new(env!("CARGO_BIN_EXE_corem"))
        .arg("serve")
        .arg(project)
        .args(["--port", "0"])
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start corem serve");
    let output = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    for stream in [
        Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr")),
    ] {
        let output = output.clone();
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Ok(mut o) = output.lock() {
                    o.push_str(&line);
                    o.push('\n');
                }
                let _ = tx.send(line);
            }
        });
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(at) = line.find("http://") {
                    let url = line[at..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let port = url
                        .trim_end_matches('/')
                        .rsplit(':')
                        .next()
                        .and_then(|p| p.parse().ok())
                        .expect("port in the serve banner");
                    return Server {
                        child,
                        url,
                        port,
                        output,
                    };
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "corem serve did not start:\n{}",
                    output.lock().map(|s| s.clone()).unwrap_or_default()
                );
            }
        }
    }
}
