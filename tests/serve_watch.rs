//! `corem serve` watching a project: editors' save styles and bursts of changes each end in
//! exactly one rebuild with the right result; notes created, deleted and moved between sections
//! are picked up; swap files and the output folder are ignored.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::{Server, raw_request, start_serve, start_serve_with};

/// Rebuilds started and finished.
fn counts(s: &Server) -> (u64, u64) {
    let status = raw_request(s.port, "GET", "/__corem/status").text();
    let v: serde_json::Value = serde_json::from_str(&status).expect("status JSON");
    (
        v["builds"].as_u64().expect("builds"),
        v["done"].as_u64().expect("done"),
    )
}

fn builds(s: &Server) -> u64 {
    counts(s).0
}

/// Waits for the next rebuild to finish, then makes sure no other one follows. Returns how
/// many ran.
fn settle(s: &Server, before: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (started, done) = counts(s);
        if started > before && done == started {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no rebuild finished:\n{}",
            s.output()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Longer than the watcher's burst window: any extra rebuild would have started by then.
    std::thread::sleep(Duration::from_millis(1500));
    let (started, done) = counts(s);
    assert_eq!(started, done, "a rebuild is still running:\n{}", s.output());
    started - before
}

fn page(s: &Server, path: &str) -> (u16, String) {
    let r = raw_request(s.port, "GET", path);
    (r.status, r.text())
}

fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    support::copy_dir(&support::fixture("serve-site"), &project);
    let project = project.canonicalize().unwrap();
    (tmp, project)
}

fn note(root: &Path) -> std::path::PathBuf {
    root.join("notes/01-basics/01-alpha.md")
}

#[test]
fn editor_saves_end_in_one_rebuild() {
    let (_tmp, root) = project();
    let s = start_serve(&root, &[]);
    let alpha = note(&root);
    let original = std::fs::read_to_string(&alpha).unwrap();

    // vim: probe file 4913, then rename the original to a backup and write a new file.
    let b = builds(&s);
    std::fs::write(alpha.with_file_name("4913"), "").unwrap();
    std::fs::remove_file(alpha.with_file_name("4913")).unwrap();
    let backup = alpha.with_file_name("01-alpha.md~");
    std::fs::rename(&alpha, &backup).unwrap();
    std::fs::write(&alpha, format!("{original}\nSaved like vim, token-vim.\n")).unwrap();
    std::fs::remove_file(&backup).unwrap();
    assert_eq!(settle(&s, b), 1, "vim-style save:\n{}", s.output());
    assert!(page(&s, "/basics/alpha.html").1.contains("token-vim"));

    // VS Code / JetBrains: write a temporary file, rename it over the note.
    let b = builds(&s);
    let tmp = alpha.with_file_name(".01-alpha.md.tmp.1234");
    std::fs::write(
        &tmp,
        format!("{original}\nSaved atomically, token-atomic.\n"),
    )
    .unwrap();
    std::fs::rename(&tmp, &alpha).unwrap();
    assert_eq!(settle(&s, b), 1, "atomic rename save:\n{}", s.output());
    let (_, text) = page(&s, "/basics/alpha.html");
    assert!(text.contains("token-atomic") && !text.contains("token-vim"));

    // Swap files and files in the output folder alone trigger nothing.
    let b = builds(&s);
    std::fs::write(alpha.with_file_name(".01-alpha.md.swp"), "swap").unwrap();
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::write(root.join("public/index.html"), "stale").unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/index"), "git").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        builds(&s),
        b,
        "ignored files triggered a rebuild:\n{}",
        s.output()
    );
}

#[test]
fn a_burst_of_hundreds_of_files_is_one_rebuild() {
    let (_tmp, root) = project();
    let s = start_serve(&root, &[]);
    let b = builds(&s);
    let dir = root.join("notes/03-bulk");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..400 {
        std::fs::write(
            dir.join(format!("bulk-{i:03}.md")),
            format!("---\ntitle: Bulk {i}\n---\n\nBulk note {i}, see [[Alpha]].\n"),
        )
        .unwrap();
    }
    assert_eq!(settle(&s, b), 1, "400 new files:\n{}", s.output());
    let (status, text) = page(&s, "/bulk/bulk-399.html");
    assert_eq!(
        status,
        200,
        "the last note of the burst is served:\n{}",
        s.output()
    );
    assert!(text.contains("Bulk note 399"));
    assert!(
        page(&s, "/basics/alpha.html").1.contains("Bulk 399"),
        "backlinks updated"
    );
}

#[test]
fn notes_created_deleted_and_moved_between_sections() {
    let (_tmp, root) = project();
    let s = start_serve(&root, &[]);

    let b = builds(&s);
    let new = root.join("notes/02-advanced/omega.md");
    std::fs::write(
        &new,
        "---\ntitle: Omega\n---\n\nOmega links to [[Delta]].\n",
    )
    .unwrap();
    settle(&s, b);
    assert_eq!(page(&s, "/advanced/omega.html").0, 200);
    assert!(
        page(&s, "/advanced/delta.html").1.contains("omega.html"),
        "backlink added"
    );

    let b = builds(&s);
    std::fs::rename(&new, root.join("notes/01-basics/omega.md")).unwrap();
    settle(&s, b);
    assert_eq!(page(&s, "/advanced/omega.html").0, 404, "old place gone");
    assert_eq!(page(&s, "/basics/omega.html").0, 200, "new place served");

    let b = builds(&s);
    std::fs::remove_file(root.join("notes/01-basics/omega.md")).unwrap();
    settle(&s, b);
    assert_eq!(page(&s, "/basics/omega.html").0, 404);
    assert!(
        !page(&s, "/advanced/delta.html").1.contains("omega.html"),
        "backlink gone"
    );

    // A whole section renamed.
    let b = builds(&s);
    std::fs::rename(root.join("notes/02-advanced"), root.join("notes/02-expert")).unwrap();
    settle(&s, b);
    assert_eq!(page(&s, "/expert/delta.html").0, 200);
    assert_eq!(page(&s, "/advanced/delta.html").0, 404);
}

/// Waits (polling the served page, up to two minutes on a busy machine) until `path` shows
/// `text`.
fn wait_for_text(s: &Server, path: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if page(s, path).1.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "`{text}` never showed in {path}:\n{}",
            s.output()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Issue 15 (1): `corem serve` once started watching only after its first build and banner,
/// so an edit saved in that window was lost until the next save. An edit made while the first
/// build runs, and one made right after the banner, are both served.
#[test]
fn edits_during_start_up_are_not_lost() {
    let (_tmp, root) = project();
    // Enough notes for the first build to take a while, so the first edit lands during it.
    for i in 0..400 {
        std::fs::write(
            root.join(format!("notes/01-basics/filler-{i:03}.md")),
            format!("---\ntitle: Filler {i}\n---\n\nSome text.\n\n```rust\nfn f{i}() -> u32 {{ {i} }}\n```\n"),
        )
        .unwrap();
    }
    let alpha = note(&root);
    let original = std::fs::read_to_string(&alpha).unwrap();
    let during = format!("{original}\nEDITED-DURING-FIRST-BUILD\n");
    let s = start_serve_with(&root, &[], || {
        // Aim the edit at the middle of the first build, after the notes were read (the 400
        // notes keep it busy for seconds). The assertion below holds whenever the edit lands;
        // the delay only makes the old start-up window likely to be hit.
        std::thread::sleep(Duration::from_millis(700));
        std::fs::write(&alpha, &during).unwrap();
    });
    wait_for_text(&s, "/basics/alpha.html", "EDITED-DURING-FIRST-BUILD");
    std::fs::write(&alpha, format!("{during}\nEDITED-AFTER-BANNER\n")).unwrap();
    wait_for_text(&s, "/basics/alpha.html", "EDITED-AFTER-BANNER");
}

/// Issue 24 (10): after the notes folder is deleted and made again, later edits are picked up.
#[test]
fn a_notes_folder_deleted_and_recreated_is_watched_again() {
    let (_tmp, root) = project();
    let s = start_serve(&root, &[]);
    let notes = root.join("notes");
    let saved = root.join("notes-saved");
    // A copy, then the folder deleted: the notes folder that comes back is a new one.
    support::copy_dir(&notes, &saved);
    std::fs::remove_dir_all(&notes).unwrap();
    // Wait until the server has seen the folder go (a failed rebuild or a rebuild).
    let before = builds(&s);
    let deadline = Instant::now() + Duration::from_secs(120);
    while builds(&s) == before {
        assert!(
            Instant::now() < deadline,
            "the removal was never noticed:\n{}",
            s.output()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::rename(&saved, &notes).unwrap();
    wait_for_text(&s, "/basics/alpha.html", "<html");
    let alpha = note(&root);
    let text = std::fs::read_to_string(&alpha).unwrap();
    std::fs::write(&alpha, format!("{text}\nEDITED-AFTER-RECREATE\n")).unwrap();
    wait_for_text(&s, "/basics/alpha.html", "EDITED-AFTER-RECREATE");
}
