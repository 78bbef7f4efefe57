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

/// Build options writing into `out`, everything else default.
pub fn options(out: &Path) -> BuildOptions {
    BuildOptions {
        overrides: Overrides {
            output_dir: Some(out.to_path_buf()),
            base_url: None,
        },
        ..Default::default()
    }
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
        ..Default::default()
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
    // A fixture built in place has a `.corem/` working folder: not part of the fixture.
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".corem");
    for e in walk {
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
    start_serve_with(project, args, || {})
}

/// [`start_serve`] with extra environment variables for the server.
pub fn start_serve_env(project: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
    start_serve_full(project, args, env, || {})
}

/// [`start_serve`], calling `meanwhile` as soon as the process is started, while it builds
/// (before its banner).
pub fn start_serve_with(project: &Path, args: &[&str], meanwhile: impl FnOnce()) -> Server {
    start_serve_full(project, args, &[], meanwhile)
}

fn start_serve_full(
    project: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    meanwhile: impl FnOnce(),
) -> Server {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::sync::{Arc, Mutex};
    let mut child = Command::new(env!("CARGO_BIN_EXE_corem"))
        .arg("serve")
        .arg(project)
        .args(["--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start corem serve");
    meanwhile();
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

/// A raw HTTP/1.1 response: status code, lower-cased headers, body.
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD target` as written (no client-side normalisation of `..`) to 127.0.0.1:port.
pub fn raw_request(port: u16, method: &str, target: &str) -> RawResponse {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut body = buf.get(split + 4..).unwrap_or(&[]).to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..nl])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = nl + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = data.get(start + size + 2..).unwrap_or(&[]);
    }
    out
}

/// Every file under `dir`, by path relative to it (with `/`), with its bytes.
pub fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("readable tree"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy();
            (
                rel.replace('\\', "/"),
                std::fs::read(e.path()).expect("readable file"),
            )
        })
        .collect()
}
