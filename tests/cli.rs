//! The `corem` binary as a user runs it: exit codes, printed diagnostics, the summary line.

mod support;

use std::process::Command;

fn corem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corem"))
}

#[test]
fn check_reports_a_misspelled_wikilink_and_exits_1_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = corem()
        .args(["check"])
        .arg(support::fixture("broken"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken/notes/index.md:5:22"), "{err}");
    assert!(
        err.contains("5 | A misspelled link to [[Cachng]] here."),
        "{err}"
    );
    assert!(err.contains("help: did you mean `Caching`?"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!err.contains("\x1b["), "no colour when not on a terminal");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "check writes nothing"
    );
    assert!(!support::fixture("broken").join("public").exists());
}

#[test]
fn build_prints_a_one_line_summary_and_stage_timings_with_v() {
    let dir = tempfile::tempdir().unwrap();
    let out = corem()
        .args(["build", "-v"])
        .arg(support::fixture("basic"))
        .arg("-o")
        .arg(dir.path().join("site"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("Built 7 notes → "), "{stdout}");
    assert!(stdout.contains(" ms"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for stage in ["load", "parse", "link", "render", "write"] {
        assert!(
            stderr.contains(stage),
            "-v shows the {stage} stage: {stderr}"
        );
    }
}

#[test]
fn usage_and_config_errors_exit_2() {
    let out = corem().args(["build", "/no/such/folder"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("corem.toml"), "titel = 1\n").unwrap();
    let out = corem().arg("check").arg(dir.path()).output().unwrap();
    // Issue 24 (13): a configuration error is a usage error (2), located like a diagnostic.
    assert_eq!(out.status.code(), Some(2), "a bad corem.toml exits 2");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corem.toml:1:1"), "{err}");
}

#[test]
fn symlinks_out_of_the_notes_folder_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("p/notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        dir.path().join("secret.md"),
        "---\ntitle: Secret\n---\nprivate",
    )
    .unwrap();
    std::fs::write(notes.join("index.md"), "---\ntitle: Home\n---\nhi").unwrap();
    std::fs::write(
        notes.join("inside.md"),
        "---\ntitle: Inside\n---\nsee [[Home]]",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.md"), notes.join("leak.md")).unwrap();
        std::os::unix::fs::symlink(notes.join("inside.md"), notes.join("alias.md")).unwrap();
    }
    let out = corem()
        .arg("build")
        .arg(dir.path().join("p"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("points outside the notes folder"), "{err}");
    let site = dir.path().join("p/public");
    assert!(!site.join("leak.html").exists());
    let all: String = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(!all.contains("private"));
}

#[test]
fn new_and_init_make_a_project_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mynotes");
    let out = corem().arg("init").arg(&p).arg("--theme").output().unwrap();
    assert!(out.status.success());
    assert!(p.join("templates/base.html").exists() && p.join("static/style.css").exists());
    let out = corem()
        .args(["new", "Cache stampede", "--section", "components", "--dir"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(p.join("notes/components/cache-stampede.md").exists());
    let out = corem().arg("build").arg(&p).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(p.join("public/components/cache-stampede.html").exists());
}

#[test]
fn build_single_file_writes_one_file_and_a_failed_one_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = corem()
        .args(["build"])
        .arg(support::fixture("basic"))
        .args(["--single-file", "book/handbook.html"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("book/handbook.html") && said.contains(" KB)"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only book/"
    );
    assert!(dir.path().join("book/handbook.html").is_file());
    assert!(!support::fixture("basic").join("public").exists());

    let out = corem()
        .args(["build"])
        .arg(support::fixture("broken"))
        .args(["--single-file", "broken.html"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("broken.html").exists(), "nothing written");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

/// The build cache and the spare output folder: a second build (another process) reuses the
/// highlighted code and calc results of the first from disk and rewrites no file, a corrupt
/// cache is ignored, and the output is the same bytes every time.
#[test]
fn second_build_reuses_the_cache_and_writes_nothing_with_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    // A corem project: the notes in notes/, so the working folder is p/.corem.
    support::copy_dir(&support::fixture("calc-pages"), &project.join("notes"));
    std::fs::write(
        project.join("notes/code.md"),
        "# Code\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n",
    )
    .unwrap();
    let notes_before = support::read_tree(&project.join("notes"));
    let build_with = |extra: &[&str]| {
        let out = corem()
            .args(["build", ".", "-o", "site", "-v"])
            .args(extra)
            .current_dir(&project)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{err}");
        (support::read_tree(&project.join("site")), err)
    };
    let build = || build_with(&[]);
    let (first, said) = build();
    assert!(said.contains("unchanged, 0 stale removed"), "{said}");
    let state = project.join(".corem");
    let cache = state.join("cache");
    // Spare sites (folders), beside the record of their pages.
    let spare = || {
        std::fs::read_dir(state.join("spare"))
            .map(|d| {
                d.filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
                    .count()
            })
            .unwrap_or(0)
    };
    let forget_pages = || {
        for e in std::fs::read_dir(state.join("spare")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "pages") {
                std::fs::remove_file(p).unwrap();
            }
        }
    };
    let bytes = std::fs::read(&cache).expect("the cache file is written in .corem/");
    assert!(
        state.join("cache-render").is_file(),
        "the layout of graph.html is cached beside it"
    );
    assert_eq!(spare(), 0, "a first build has no old site to keep");
    assert_eq!(
        std::fs::read_to_string(state.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*"),
        ".corem/ ignores itself in git"
    );
    // Nothing of corem's beside the output, outside the project folder or inside it.
    let beside: Vec<_> = std::fs::read_dir(&project)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corem-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");

    let (second, _) = build();
    assert_eq!(first, second, "the cached build gives the same bytes");
    assert_eq!(spare(), 1);
    // The spare now holds the first build's files: the third build has nothing to write.
    let (again, said) = build();
    assert_eq!(first, again);
    assert!(said.contains("output: 0 files written"), "{said}");
    let pages = said
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("pages kept from the last site but one (not rendered): ")
        })
        .and_then(|l| l.split_once(" of "))
        .map(|(kept, of)| (kept.to_string(), of.to_string()))
        .expect("the build says how many pages it kept");
    assert_eq!(
        pages.0, pages.1,
        "nothing changed: every page kept, none rendered"
    );

    // A cache edited by hand (or shipped in a repository) is not this machine's: its
    // values never reach a page (issue 24: cached HTML is inserted as is).
    let marker = b"calc-steps";
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("calc results are cached");
    let mut tampered = bytes.clone();
    tampered[at..at + marker.len()].copy_from_slice(b"calc-STEPS");
    std::fs::write(&cache, &tampered).unwrap();
    // Every page rendered (from the cache, were it accepted), none kept.
    forget_pages();
    let (third, said) = build();
    assert!(said.contains("(not rendered): 0 of"), "{said}");
    assert_eq!(first, third, "the tampered cache was ignored");

    // …and a corrupt cache is an empty one: the build computes everything again.
    std::fs::write(&cache, b"corem-cache garbage").unwrap();
    forget_pages();
    let (fourth, _) = build();
    assert_eq!(first, fourth);
    // `corem clean` deletes cache and spare, and nothing else.
    let out = corem()
        .args(["clean", "."])
        .current_dir(&project)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!state.exists());
    assert!(project.join("site/index.html").is_file());
    let (fifth, _) = build();
    assert_eq!(first, fifth);
    // --fresh ignores cache and spare: every file is written again, to the same bytes.
    let (sixth, said) = build_with(&["--fresh"]);
    assert_eq!(first, sixth);
    assert!(
        said.contains(&format!(
            "output: {} files written, 0 unchanged",
            first.len()
        )),
        "{said}"
    );
    assert_eq!(
        notes_before,
        support::read_tree(&project.join("notes")),
        "the notes are never touched"
    );
}

/// A vault (a folder that is itself the notes) gets nothing written into it: its working folder
/// is in the user's cache directory (issue 15, 3).
#[test]
fn a_vault_gets_no_working_folder_inside() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    support::copy_dir(&support::fixture("calc-pages"), &vault);
    let cache = dir.path().join("xdg-cache");
    let before = support::read_tree(&vault);
    for _ in 0..2 {
        let out = corem()
            .args(["build", "vault", "-o", "site"])
            .current_dir(dir.path())
            .env("XDG_CACHE_HOME", &cache)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        support::read_tree(&vault),
        before,
        "nothing written into the vault"
    );
    let projects: Vec<_> = std::fs::read_dir(cache.join("corem/projects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(projects.len(), 1);
    assert!(projects[0].join("cache").is_file() && projects[0].join("spare").is_dir());
    let out = corem()
        .args(["clean", "vault"])
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!projects[0].exists());
}

/// Issue 15 (2) and 24 (2): `-o` onto a file, a symbolic link to a folder, or a folder of
/// someone else's files (even one with an `index.html`) exits 2 and moves, deletes or creates
/// nothing, however many times it is tried.
#[test]
fn build_refuses_outputs_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    support::copy_dir(&support::fixture("basic"), &project);
    let theirs = dir.path().join("theirs");
    std::fs::create_dir_all(theirs.join("photos")).unwrap();
    std::fs::write(theirs.join("photos/cat.jpg"), "jpeg").unwrap();
    std::fs::write(theirs.join("index.html"), "my page").unwrap();
    std::fs::write(theirs.join("thesis.tex"), "precious").unwrap();
    let file = dir.path().join("some-file");
    std::fs::write(&file, "precious").unwrap();
    let link = dir.path().join("link");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&theirs, &link).unwrap();
    let before = support::read_tree(dir.path());
    let mut targets = vec![theirs.clone(), file.clone()];
    if cfg!(unix) {
        targets.push(link.clone());
    }
    for target in &targets {
        for _ in 0..2 {
            let out = corem()
                .args(["build", "p", "-o"])
                .arg(target)
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{}: {err}", target.display());
            assert!(err.contains(&target.display().to_string()), "{err}");
        }
    }
    assert_eq!(
        support::read_tree(dir.path()),
        before,
        "nothing changed anywhere"
    );
    let hidden: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    // An empty folder is fine, and so is the site corem then built there.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for _ in 0..2 {
        let out = corem()
            .args(["build", "p", "-o"])
            .arg(&empty)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(empty.join(".corem-site").is_file() && empty.join("index.html").is_file());
}

/// Issue 24 (3): `--single-file` never replaces a note, the configuration, a theme file or a
/// file corem did not write; it does replace the single file it wrote before.
#[test]
fn single_file_refuses_to_replace_what_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    support::copy_dir(&support::fixture("basic"), &project);
    std::fs::create_dir_all(project.join("static")).unwrap();
    std::fs::write(project.join("static/extra.css"), "body{}").unwrap();
    std::fs::write(dir.path().join("report.html"), "<p>my report</p>").unwrap();
    let before = support::read_tree(dir.path());
    let note = std::fs::read_dir(project.join("notes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    for target in [
        note,
        project.join("corem.toml"),
        project.join("static/extra.css"),
        dir.path().join("report.html"),
        project.join("notes"),
    ] {
        let out = corem()
            .args(["build", "p", "--single-file"])
            .arg(&target)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", target.display());
    }
    assert_eq!(
        support::read_tree(dir.path()),
        before,
        "nothing was replaced"
    );
    for _ in 0..2 {
        let out = corem()
            .args(["build", "p", "--single-file", "book.html"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 24: the walk names what it skipped — a link that loops back to a folder holding it, a
/// link whose target is gone — and a slug too long for a file system is an error at the note.
#[cfg(unix)]
#[test]
fn skipped_links_and_long_names_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("p/notes");
    std::fs::create_dir_all(notes.join("sub")).unwrap();
    std::fs::write(
        notes.join("index.md"),
        "---\ntitle: Home\n---\nsee [[Long]]",
    )
    .unwrap();
    std::os::unix::fs::symlink(&notes, notes.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(notes.join("gone.md"), notes.join("dangling.md")).unwrap();
    let run = |args: &[&str]| {
        let out = corem()
            .args(args)
            .arg(dir.path().join("p"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["check"]);
    assert_eq!(code, Some(1), "the link to Long is broken: {err}");
    assert!(
        err.contains("skipped a symbolic link that loops back to a folder containing it"),
        "{err}"
    );
    assert!(
        err.contains("skipped a symbolic link whose target does not exist"),
        "{err}"
    );
    // `long.md` with this front matter line fails the build with these messages.
    let refused = |line: &str, needles: &[&str]| {
        std::fs::write(
            notes.join("long.md"),
            format!("---\ntitle: Long\n{line}\n---\ntext"),
        )
        .unwrap();
        let (code, err) = run(&["build"]);
        assert_eq!(code, Some(1), "{err}");
        assert!(
            needles.iter().all(|n| err.contains(n)),
            "{needles:?}: {err}"
        );
    };
    let slug = "a".repeat(300);
    refused(
        &format!("slug: {slug}"),
        &[
            "`slug` is 300 bytes long; at most 200 make a file name",
            "long.md:3:1",
        ],
    );
    // A tag's page is named after the tag, which front matter does not bound.
    refused(
        &format!("tags: [{slug}]"),
        &[
            "would be written as a file name of 305 bytes",
            "file systems allow 255",
        ],
    );
    assert!(
        !dir.path().join("p/public").exists(),
        "a failed build writes nothing"
    );
}
