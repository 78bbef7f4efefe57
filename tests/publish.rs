//! Publishing: `404.html` works at any depth, `robots.txt` points at the sitemap, last-updated
//! dates come from front matter or git, and `--single-file` writes one self-contained file.

mod support;

use std::path::Path;
use std::process::Command;

use corem::BuildOptions;

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn not_found_page_is_absolute_from_base_url_else_resolves_its_root() {
    let (_d, site) = support::build_into_temp(
        &support::fixture("basic"),
        Some("https://user.github.io/repo"),
    );
    let html = read(&site, "404.html");
    let base = html
        .find("<base href=\"https://user.github.io/repo/\">")
        .expect("a <base> from base_url");
    let first_link = html.find("<link").expect("a stylesheet");
    assert!(base < first_link, "<base> precedes every link");
    assert!(!html.contains("<noscript>"), "no fallback needed");
    assert_eq!(
        read(&site, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://user.github.io/repo/sitemap.xml\n"
    );

    let (_d, site) = support::build_into_temp(&support::fixture("vault"), None);
    let html = read(&site, "404.html");
    assert!(!html.contains("<base"), "{html}");
    let script = html
        .find("d.createElement(\"base\")")
        .expect("the root-resolving script");
    assert!(
        script < html.find("<link").unwrap_or(0),
        "runs before links"
    );
    assert!(
        html.contains("<noscript><p>If these links do not work, <a href=\"/\">"),
        "a no-JS fallback link"
    );
    assert!(
        !site.join("robots.txt").exists(),
        "no base_url, no robots.txt"
    );
    assert!(!site.join("sitemap.xml").exists());
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A rebuild keeps the pages of the last site but one whose inputs are the same; a page whose
/// note is unchanged but whose last commit is newer is not among them.
#[test]
fn a_new_commit_date_reaches_a_page_a_rebuild_would_keep() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("project");
    support::copy_dir(&support::fixture("git-dates"), &project);
    first_commit(&project);
    let out = tmp.path().join("site");
    let opts = support::options(&out);
    for _ in 0..2 {
        corem::build(&project, &opts).expect("builds");
    }
    let again = corem::build(&project, &opts).expect("builds");
    assert_eq!(
        again.reused, again.pages,
        "nothing changed: every page kept"
    );
    assert!(read(&out, "guide/committed.html").contains("<time datetime=\"2025-01-01\">"));
    // The same files, committed again on another day.
    git(
        &project,
        &["commit", "-q", "--amend", "--no-edit", "--reset-author"],
        "2026-03-04T10:00:00+00:00",
    );
    let after = corem::build(&project, &opts).expect("builds");
    let page = read(&out, "guide/committed.html");
    assert!(
        page.contains("<time datetime=\"2026-03-04\">2026-03-04</time>"),
        "the new commit's date: {page}"
    );
    assert!(
        read(&out, "guide/dated.html").contains("<time datetime=\"2024-05-31\">"),
        "front matter still wins"
    );
    assert!(
        after.reused > 0 && after.reused < after.pages,
        "pages without a date kept, dated ones rendered: {} of {}",
        after.reused,
        after.pages
    );
}

/// `git init` in `project` and everything committed on 2025-01-01.
fn first_commit(project: &Path) {
    let day = "2025-01-01T12:00:00+00:00";
    git(project, &["init", "-q"], day);
    git(project, &["add", "."], day);
    git(project, &["commit", "-q", "-m", "first"], day);
}

#[test]
fn last_updated_comes_from_front_matter_else_the_last_commit() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("project");
    support::copy_dir(&support::fixture("git-dates"), &project);
    let fresh = project.join("notes/guide/fresh.md");
    let fresh_text = std::fs::read_to_string(&fresh).expect("fixture");
    std::fs::remove_file(&fresh).expect("remove");
    first_commit(&project);
    let committed = project.join("notes/guide/committed.md");
    let mut text = std::fs::read_to_string(&committed).expect("fixture");
    text.push_str("\nEdited.\n");
    std::fs::write(&committed, text).expect("edit");
    git(
        &project,
        &["commit", "-q", "-am", "edit"],
        "2026-02-03T04:05:06+01:00",
    );
    // Added after the last commit: no git date.
    std::fs::write(&fresh, fresh_text).expect("restore");

    let out = tmp.path().join("site");
    let opts = support::options(&out);
    corem::build(&project, &opts).expect("builds");
    let page = read(&out, "guide/committed.html");
    assert!(
        page.contains("<time datetime=\"2026-02-03\">2026-02-03</time>"),
        "the last commit's date: {page}"
    );
    let dated = read(&out, "guide/dated.html");
    assert!(
        dated.contains("<time datetime=\"2024-05-31\">"),
        "front matter wins"
    );
    assert!(!dated.contains("2025-01-01"));
    assert!(!read(&out, "guide/fresh.html").contains("<time"), "no date");
    let sitemap = read(&out, "sitemap.xml");
    for want in [
        "<loc>https://example.org/repo/guide/committed.html</loc><lastmod>2026-02-03</lastmod>",
        "<loc>https://example.org/repo/guide/dated.html</loc><lastmod>2024-05-31</lastmod>",
        "<loc>https://example.org/repo/guide/fresh.html</loc></url>",
        "<loc>https://example.org/repo/index.html</loc><lastmod>2025-01-01</lastmod>",
    ] {
        assert!(sitemap.contains(want), "{want} in\n{sitemap}");
    }

    // Not a checkout (or no git at all): no dates, no failure.
    let plain = tmp.path().join("plain");
    support::copy_dir(&support::fixture("git-dates"), &plain);
    let out2 = tmp.path().join("site2");
    let opts = support::options(&out2);
    corem::build(&plain, &opts).expect("builds outside git");
    assert!(!read(&out2, "guide/committed.html").contains("<time"));
}

/// Every `src`/`href` value of the page, roughly (enough to spot a file reference).
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" src=\"", " href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let v = &rest[i + attr.len()..];
            let end = v.find('"').unwrap_or(v.len());
            out.push(v[..end].to_string());
            rest = &v[end..];
        }
    }
    out
}

#[test]
fn single_file_handbook_is_self_contained() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("out/handbook.html");
    let report =
        corem::build_single_file(&support::fixture("basic"), &BuildOptions::default(), &file)
            .expect("builds");
    let html = read(tmp.path(), "out/handbook.html");
    assert_eq!(report.bytes, html.len());
    assert_eq!(
        std::fs::read_dir(tmp.path().join("out"))
            .expect("dir")
            .count(),
        1,
        "only the file, no temporary left"
    );
    for r in references(&html) {
        assert!(
            r.starts_with('#')
                || r.starts_with("data:")
                || r.starts_with("https://")
                || r.starts_with("http://")
                || r.starts_with("mailto:"),
            "`{r}` is not inside the file"
        );
    }
    assert!(!html.contains("<link rel=\"stylesheet\""));
    assert!(!html.contains("<script src"));
    assert!(html.contains("data:image/png;base64,"), "the image inlined");
    assert!(
        html.contains("COREM_SEARCH_INDEX"),
        "the search index inlined"
    );
    for title in ["First", "Second note", "Deep note"] {
        assert!(
            html.contains(&format!("{title}</a></li>")),
            "{title} in the nav"
        );
    }
    // In-page anchors resolve.
    for r in references(&html) {
        if let Some(id) = r.strip_prefix('#')
            && !id.is_empty()
        {
            let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "#{id} has no element"
            );
        }
    }
}

#[test]
fn single_file_of_a_project_without_notes_dir_errors_cleanly() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let err = corem::build_single_file(
        &tmp.path().join("missing"),
        &BuildOptions::default(),
        &tmp.path().join("h.html"),
    );
    assert!(err.is_err());
    assert!(!tmp.path().join("h.html").exists(), "nothing written");
}

#[test]
fn a_cname_in_static_reaches_the_site_root() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("project");
    support::copy_dir(&support::fixture("basic"), &project);
    std::fs::create_dir_all(project.join("static")).expect("static/");
    std::fs::write(project.join("static/CNAME"), "notes.example.org\n").expect("CNAME");
    let (_d, site) = support::build_into_temp(&project, None);
    assert_eq!(read(&site, "CNAME"), "notes.example.org\n");
}
