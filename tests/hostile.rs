//! Hostile inputs (tests/hostile/*/): projects that once made corem write outside its output,
//! lose a page, crash, run without bound or print megabytes. Each is built with the `corem`
//! binary under a wall-time and an address-space limit (`prlimit --as`), and its exit code,
//! what it printed and the files it left are checked against the case's `case.toml` (the
//! format is in tests/hostile/README.md).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    why: String,
    #[serde(default)]
    args: Option<Vec<String>>,
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    stdout: Vec<String>,
    #[serde(default = "default_seconds")]
    max_seconds: u64,
    #[serde(default = "default_memory")]
    max_memory_mb: u64,
    #[serde(default = "default_output")]
    max_output_bytes: usize,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    contains: Vec<(String, String)>,
    #[serde(default)]
    lacks: Vec<(String, String)>,
    #[serde(default)]
    generate: Vec<Generate>,
    #[serde(default)]
    symlink: Vec<Symlink>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    file: String,
    #[serde(default)]
    prefix: String,
    repeat: String,
    times: usize,
    #[serde(default)]
    suffix: String,
    /// Repeated `times` after `suffix` (closing what `repeat` opened).
    #[serde(default)]
    close: String,
    #[serde(default)]
    end: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Symlink {
    link: String,
    target: String,
    #[serde(default)]
    target_dir: bool,
}

fn default_seconds() -> u64 {
    60
}
fn default_memory() -> u64 {
    2048
}
fn default_output() -> usize {
    200_000
}

fn cases() -> Vec<PathBuf> {
    let dir = support::repo().join("tests/hostile");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/hostile")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    out.sort();
    out
}

/// Runs the command, killing it at the deadline; returns (exit code, stdout, stderr, elapsed).
fn run_bounded(mut cmd: Command, limit: Duration) -> (Option<i32>, String, String, Duration) {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start corem under prlimit");
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let code = loop {
        match child.try_wait().expect("wait for corem") {
            Some(status) => break status.code(),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            // Polling the child's state, not waiting for an event that could be missed.
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let elapsed = started.elapsed();
    let out = String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned();
    let err = String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned();
    (code, out, err, elapsed)
}

fn expand(s: &str, tmp: &Path, out: &Path) -> String {
    s.replace("{tmp}", &tmp.display().to_string())
        .replace("{out}", &out.display().to_string())
}

fn check_case(case_dir: &Path) -> Vec<String> {
    let name = case_dir.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(case_dir.join("case.toml")).expect("case.toml");
    let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
    let root = tempfile::tempdir().expect("temp dir");
    let tmp = root.path().join(&name);
    support::copy_dir(case_dir, &tmp);
    let _ = std::fs::remove_file(tmp.join("case.toml"));
    let out = root.path().join("out");
    for g in &case.generate {
        let path = tmp.join(&g.file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let mut body = String::with_capacity(g.prefix.len() + g.repeat.len() * g.times);
        body.push_str(&g.prefix);
        for _ in 0..g.times {
            body.push_str(&g.repeat);
        }
        body.push_str(&g.suffix);
        for _ in 0..g.times {
            body.push_str(&g.close);
        }
        body.push_str(&g.end);
        std::fs::write(&path, body).expect("write generated note");
    }
    #[cfg(unix)]
    for l in &case.symlink {
        let target = PathBuf::from(expand(&l.target, &tmp, &out));
        if l.target_dir {
            std::fs::create_dir_all(&target).expect("symlink target");
            std::fs::write(target.join("secret.txt"), "outside the project").expect("secret");
        }
        let link = tmp.join(&l.link);
        std::fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
    }
    let args: Vec<String> = case
        .args
        .clone()
        .unwrap_or_else(|| vec!["build".into(), name.clone(), "-o".into(), "{out}".into()])
        .iter()
        .map(|a| expand(a, &tmp, &out))
        .collect();
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={}", case.max_memory_mb * 1024 * 1024))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_corem"))
        .args(&args)
        .current_dir(root.path())
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", root.path().join("cache"));
    let (code, stdout, stderr, elapsed) = run_bounded(cmd, Duration::from_secs(case.max_seconds));
    let mut problems = Vec::new();
    let mut fail = |m: String| problems.push(format!("{name} ({}): {m}", case.why));
    match code {
        None => fail(format!(
            "still running after {} s: killed",
            case.max_seconds
        )),
        Some(c) if c != case.exit => fail(format!(
            "exit code {c}, expected {}; stderr:\n{}",
            case.exit,
            stderr.chars().take(3000).collect::<String>()
        )),
        _ => {}
    }
    let printed = stdout.len() + stderr.len();
    if printed > case.max_output_bytes {
        fail(format!(
            "printed {printed} bytes, more than {}",
            case.max_output_bytes
        ));
    }
    for want in &case.stderr {
        if !stderr.contains(want.as_str()) {
            fail(format!(
                "stderr lacks `{want}`:\n{}",
                stderr.chars().take(3000).collect::<String>()
            ));
        }
    }
    for want in &case.stdout {
        if !stdout.contains(want.as_str()) {
            fail(format!("stdout lacks `{want}`:\n{stdout}"));
        }
    }
    for p in &case.absent {
        let p = expand(p, &tmp, &out);
        if std::fs::symlink_metadata(&p).is_ok() {
            fail(format!("`{p}` exists and must not"));
        }
    }
    for p in &case.present {
        let p = expand(p, &tmp, &out);
        if std::fs::symlink_metadata(&p).is_err() {
            fail(format!("`{p}` is missing"));
        }
    }
    for (file, text) in &case.contains {
        let file = expand(file, &tmp, &out);
        let body = std::fs::read_to_string(&file).unwrap_or_default();
        if !body.contains(text.as_str()) {
            fail(format!("`{file}` lacks {text:?}"));
        }
    }
    for (file, text) in &case.lacks {
        let file = expand(file, &tmp, &out);
        let body = std::fs::read_to_string(&file).unwrap_or_default();
        if body.contains(text.as_str()) {
            fail(format!("`{file}` contains {text:?}"));
        }
    }
    println!(
        "{name}: exit {code:?} in {:.2} s, {printed} bytes printed",
        elapsed.as_secs_f64()
    );
    problems
}

#[test]
fn hostile_inputs_are_refused_or_bounded() {
    let all = cases();
    assert!(all.len() >= 10, "{} cases", all.len());
    let problems: Vec<String> = all.iter().flat_map(|c| check_case(c)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
