//! `corem serve` and the build cache: it starts from what an earlier `build` or `serve` of the
//! project computed (highlighted code, calc results, the layout of `graph.html`), and saves what
//! its own first build computed for the next start, in the project's working folder, never in
//! a folder of notes.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{raw_request, start_serve_env};

/// A corem project (notes in `notes/`) with calc blocks and highlighted code.
fn project(tmp: &Path) -> PathBuf {
    let project = tmp.join("p");
    support::copy_dir(&support::fixture("calc-pages"), &project.join("notes"));
    std::fs::write(
        project.join("notes/code.md"),
        "# Code\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n",
    )
    .unwrap();
    project
}

/// `(reused, computed)` from the `build cache:` line of `corem -v serve` (its banner, on
/// standard output, may be read before the lines it wrote to standard error: waits for it).
fn cache_line(server: &support::Server) -> (u64, u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let output = loop {
        let output = server.output();
        if output.contains("build cache: ") {
            break output;
        }
        assert!(
            Instant::now() < deadline,
            "no build cache line in:\n{output}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let line = output
        .lines()
        .find_map(|l| l.trim().strip_prefix("build cache: "))
        .unwrap_or_default()
        .to_string();
    let number = |word: &str| -> u64 {
        let before = line.split(word).next().unwrap_or("");
        let n = before.trim_end().rsplit([' ', ',']).next().unwrap_or("");
        n.parse()
            .unwrap_or_else(|_| panic!("no count before {word:?} in {line:?}"))
    };
    (number(" results reused"), number(" computed"))
}

/// Waits until every file of `paths` exists (the server saves the cache on a thread of its own).
fn wait_for_files(paths: &[PathBuf]) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !paths.iter().all(|p| p.is_file()) {
        assert!(Instant::now() < deadline, "never written: {paths:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The pages of one served site that show computed results.
fn served_pages(port: u16) -> Vec<String> {
    ["/code.html", "/index.html", "/graph.html"]
        .iter()
        .map(|p| {
            let r = raw_request(port, "GET", p);
            assert_eq!(r.status, 200, "{p}");
            r.text()
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn serve_saves_what_it_computed_and_the_next_start_computes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let xdg = tmp.path().join("xdg");
    let env = [("XDG_CACHE_HOME", xdg.to_str().unwrap())];
    let state = project.join(".corem");
    let files = [state.join("cache"), state.join("cache-render")];

    let first = start_serve_env(&project, &["-v"], &env);
    let (reused, computed) = cache_line(&first);
    assert_eq!(reused, 0, "nothing was cached yet:\n{}", first.output());
    assert!(computed > 0, "{}", first.output());
    let pages = served_pages(first.port);
    wait_for_files(&files);
    drop(first);

    let second = start_serve_env(&project, &["-v"], &env);
    let (reused, computed) = cache_line(&second);
    assert_eq!(
        computed,
        0,
        "every result came from the first serve's cache:\n{}",
        second.output()
    );
    assert!(reused > 0);
    assert_eq!(
        served_pages(second.port),
        pages,
        "the same pages, from the cache"
    );
    drop(second);

    // A build of the project (another kind of process) starts from it too, and serve from
    // a cache a build wrote: the same pages again.
    for f in &files {
        std::fs::remove_file(f).unwrap();
    }
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_corem"))
        .args(["build", "."])
        .current_dir(&project)
        .env("XDG_CACHE_HOME", &xdg)
        .output()
        .unwrap();
    assert!(built.status.success());
    let third = start_serve_env(&project, &["-v"], &env);
    let (reused, computed) = cache_line(&third);
    assert_eq!(computed, 0, "{}", third.output());
    assert!(reused > 0);
    // …and its pages are read from the site the build wrote, not rendered.
    let output = third.output();
    let read: u64 = (output.lines())
        .find_map(|l| l.trim().strip_prefix("built site: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no built site line in:\n{output}"));
    assert!(read > 0, "{output}");
    assert_eq!(served_pages(third.port), pages);
}

#[test]
fn serving_a_folder_of_notes_keeps_its_cache_out_of_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    support::copy_dir(&support::fixture("calc-pages"), &vault);
    let before = support::read_tree(&vault);
    let xdg = tmp.path().join("xdg");
    let env = [("XDG_CACHE_HOME", xdg.to_str().unwrap())];

    let first = start_serve_env(&vault, &["-v"], &env);
    let (_, computed) = cache_line(&first);
    assert!(computed > 0, "{}", first.output());
    let projects = xdg.join("corem/projects");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !files_under(&projects)
        .iter()
        .any(|p| p.file_name().is_some_and(|n| n == "cache-render"))
    {
        assert!(
            Instant::now() < deadline,
            "no cache in {}",
            projects.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(first);
    assert_eq!(
        support::read_tree(&vault),
        before,
        "serve wrote nothing into the folder of notes"
    );

    let second = start_serve_env(&vault, &["-v"], &env);
    let (reused, computed) = cache_line(&second);
    assert_eq!(computed, 0, "{}", second.output());
    assert!(reused > 0);
}
