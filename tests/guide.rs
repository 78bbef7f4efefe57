//! The user guide (`docs/`, a corem project of its own) and the bundled handbook, checked like
//! any site corem ships: both build without a single diagnostic, the guide's home page maps
//! every note, its calculations and diagrams are computed by the build, the two sites link to
//! each other once published side by side (and never in a local build), and every relative
//! link and image of the README resolves to a file of the repository.
//! (Links and anchors inside the built guide: `tests/crawl.rs`; HTML validity: `tests/quality.rs`.)

mod support;

use std::path::{Path, PathBuf};

use corem::{BuildOptions, Error};

fn guide() -> PathBuf {
    support::repo().join("docs")
}

/// Checks `project` and returns its warnings; panics with every diagnostic on errors.
fn diagnostics(project: &Path) -> Vec<String> {
    match corem::check(project, &BuildOptions::default()) {
        Ok(report) => report.warnings.iter().map(|d| d.render(false)).collect(),
        Err(Error::Diagnostics(d)) => d.iter().map(|x| x.render(false)).collect(),
        Err(e) => vec![format!("{}: {e}", project.display())],
    }
}

#[test]
fn the_guide_and_the_handbook_build_with_zero_diagnostics() {
    for project in [guide(), support::repo()] {
        let found = diagnostics(&project);
        assert!(
            found.is_empty(),
            "{}: {} diagnostic(s):\n{}",
            project.display(),
            found.len(),
            found.concat()
        );
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `href`s of `<a>` elements in `html` (the theme writes them double-quoted).
fn hrefs(html: &str) -> Vec<&str> {
    html.split("<a ")
        .skip(1)
        .filter_map(|a| {
            let start = a[..a.find('>')?].find("href=\"")? + 6;
            Some(&a[start..start + a[start..].find('"')?])
        })
        .collect()
}

#[test]
fn the_home_page_maps_every_note_and_the_blocks_are_computed() {
    let (_dir, site) = support::build_into_temp(&guide(), None);
    let home = read(&site.join("index.html"));
    let main = &home[home.find("<main").expect("a <main>")..];
    let linked: Vec<&str> = hrefs(main);
    let generated = [
        "index.html",
        "search.html",
        "print.html",
        "graph.html",
        "404.html",
    ];
    let mut notes = 0;
    for e in std::fs::read_dir(&site).expect("site") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") && !generated.contains(&name.as_str()) {
            notes += 1;
            assert!(
                linked
                    .iter()
                    .any(|h| h.split('#').next() == Some(name.as_str())),
                "the guide's home page does not link {name}"
            );
        }
    }
    assert!(notes >= 19, "the guide has its notes ({notes})");

    // The calculations and diagrams are the build's own, not pictures or pasted results.
    let calc = read(&site.join("calculations.html"));
    let blocks = calc.matches("<div class=\"calc\">").count();
    assert!(blocks >= 5, "worked calculations computed: {blocks}");
    assert!(calc.contains("✓</span> holds"), "a check that holds");
    assert!(calc.contains("class=\"calc-inline\""), "inline values");
    assert!(calc.contains("7.3 TB"), "the storage estimate");
    let diagrams = read(&site.join("diagrams.html"));
    for kind in [
        "flowchart",
        "sequence",
        "state",
        "class",
        "er",
        "pie",
        "gantt",
        "mindmap",
        "timeline",
        "svgbob",
    ] {
        assert!(
            diagrams.contains(&format!("data-diagram=\"{kind}\"")),
            "diagrams.html draws a {kind} diagram"
        );
    }
}

/// Published as the Pages workflow does it — the handbook at the root, the guide under
/// `guide/` — each footer links to the other site's home page; built locally (no `base_url`),
/// neither does, since there is nothing beside it to link to.
#[test]
fn published_side_by_side_the_handbook_and_the_guide_link_to_each_other() {
    let base = "https://example.org/corem";
    let dir = tempfile::tempdir().expect("temp dir");
    let public = dir.path().join("public");
    let build = |project: &Path, out: &Path, url: Option<&str>| {
        let mut opts = support::options(out);
        opts.overrides.base_url = url.map(str::to_string);
        corem::build(project, &opts).unwrap_or_else(|e| panic!("{}: {e}", project.display()));
    };
    build(&support::repo(), &public, Some(base));
    build(
        &guide(),
        &public.join("guide"),
        Some(&format!("{base}/guide")),
    );
    // Every footer link into the deployment lands on a page of it.
    for (page, text) in [
        ("index.html", "User guide"),
        ("principles/cap-theorem.html", "User guide"),
        ("guide/index.html", "The C.O.R.E.M handbook"),
        ("guide/calculations.html", "The C.O.R.E.M handbook"),
    ] {
        let html = read(&public.join(page));
        let footer = &html[html.find("<footer").expect("a footer")..];
        let href = hrefs(footer)
            .into_iter()
            .find(|h| footer.contains(&format!("href=\"{h}\" class=\"external\">{text}</a>")))
            .unwrap_or_else(|| panic!("{page}: no footer link `{text}`"));
        let rel = href
            .strip_prefix(&format!("{base}/"))
            .unwrap_or_else(|| panic!("{page}: `{text}` leaves the deployment: {href}"));
        let target = public
            .join(rel)
            .join(if rel.is_empty() || rel.ends_with('/') {
                "index.html"
            } else {
                ""
            });
        assert!(target.is_file(), "{page}: `{text}` → {href}: no such page");
    }
    // Built locally, no link to a site that is not there.
    for project in [support::repo(), guide()] {
        let (_d, site) = support::build_into_temp(&project, None);
        let home = read(&site.join("index.html"));
        for text in ["User guide", "The C.O.R.E.M handbook"] {
            assert!(
                !home.contains(&format!(">{text}</a>")),
                "{}: a local build links to `{text}`",
                project.display()
            );
        }
    }
}

/// The README is the front door on GitHub: every relative link and image in it names a file of
/// the repository (anchors aside). It links the architecture note itself, which the top-level
/// `ARCHITECTURE.md` is a relative symbolic link to (GitHub shows a symbolic link as the path it
/// holds, not as the file's text).
#[test]
fn every_relative_link_of_the_readme_resolves() {
    let root = support::repo();
    let readme = read(&root.join("README.md"));
    let mut targets = Vec::new();
    for part in prose(&readme).split("](").skip(1) {
        let Some(end) = part.find(')') else { continue };
        let target = part[..end].split_whitespace().next().unwrap_or("");
        if target.is_empty() || target.starts_with('#') || target.contains("://") {
            continue;
        }
        targets.push(target.split('#').next().unwrap_or(target).to_string());
    }
    assert!(
        targets.len() >= 10,
        "the README links into the guide: {targets:?}"
    );
    for t in &targets {
        assert!(
            root.join(t).exists(),
            "README.md links to `{t}`: no such file"
        );
    }
    assert!(
        targets.iter().any(|t| t == "docs/notes/architecture.md"),
        "the README links the architecture note"
    );
    let arch = root.join("ARCHITECTURE.md");
    let link = std::fs::read_link(&arch).expect("ARCHITECTURE.md is a symbolic link");
    assert_eq!(
        link,
        Path::new("docs/notes/architecture.md"),
        "a relative link"
    );
    assert!(
        read(&arch).contains("title: Architecture"),
        "it leads to the note"
    );
}

/// `markdown` without its fenced code blocks and code spans (examples, not links).
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        let t = line.trim_start();
        let ticks = &t[..t.len() - t.trim_start_matches('`').len()];
        match fence {
            Some(f) if t.starts_with(f) && t.trim_start_matches('`').trim().is_empty() => {
                fence = None
            }
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                // Outside code spans: the even pieces between runs of backticks.
                for (k, piece) in line.split('`').enumerate() {
                    if k % 2 == 0 {
                        out.push_str(piece);
                    }
                }
                out.push('\n');
            }
        }
    }
    out
}
