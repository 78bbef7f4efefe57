#![cfg_attr(not(feature = "svgbob"), allow(dead_code, unused_imports))]
//! End-to-end tests of build-time diagrams: fixture note folders built through the library.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use corem::{BuildOptions, Error};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn build_into(name: &str, out: &Path) {
    let mut opts = BuildOptions::default();
    opts.overrides.output_dir = Some(out.to_path_buf());
    if let Err(e) = corem::build(&fixture(name), &opts) {
        panic!("building {name} failed: {e} {e:?}");
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every `id="…"` in a page.
fn ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(k) = rest.find(" id=\"") {
        let v = &rest[k + 5..];
        let e = v.find('"').unwrap_or(0);
        out.push(v[..e].to_string());
        rest = &v[e..];
    }
    out
}

fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(k) = rest.find("<svg xmlns") {
        let v = &rest[k..];
        let e = v.find("</svg>").map_or(v.len(), |e| e + 6);
        if v[..e].contains("class=\"dg ") {
            out.push(&v[..e]);
        }
        rest = &v[e..];
    }
    out
}

#[test]
fn syntax_error_reports_file_line_and_column() {
    let err = corem::check(&fixture("diagram-error"), &BuildOptions::default())
        .expect_err("a broken diagram fails the build");
    let Error::Diagnostics(diags) = err else {
        panic!("expected diagnostics, got {err:?}");
    };
    let d = diags
        .iter()
        .find(|d| d.message.contains("mermaid"))
        .unwrap_or_else(|| panic!("no diagram diagnostic in {diags:?}"));
    assert!(d.file.ends_with("index.md"), "{:?}", d.file);
    // Line 11 is `    B --> C["End"`; the unclosed `[` is at column 12.
    assert_eq!((d.line, d.col), (11, 12), "{d:?}");
    assert!(d.message.contains("not closed"), "{}", d.message);
}

#[test]
fn unsupported_diagram_type_fails_the_build() {
    let err = corem::check(&fixture("diagram-unsupported"), &BuildOptions::default())
        .expect_err("a pie chart fails the build");
    let Error::Diagnostics(diags) = err else {
        panic!("expected diagnostics, got {err:?}");
    };
    let d = &diags[0];
    assert_eq!((d.line, d.col), (4, 1), "{d:?}");
    assert!(
        d.message.contains("unsupported diagram type `pie`"),
        "{}",
        d.message
    );
}

// The fixture has an svgbob block too.
#[cfg(feature = "svgbob")]
#[test]
fn diagrams_on_one_page_have_unique_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    build_into("diagram-ids", dir.path());
    for page in ["index.html", "second.html", "print.html"] {
        let html = read(&dir.path().join(page));
        let all = ids(&html);
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for id in &all {
            *seen.entry(id).or_default() += 1;
        }
        let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(dups.is_empty(), "{page}: duplicate ids {dups:?}");
        // Every reference inside a diagram names an id of the page.
        for svg in svgs(&html) {
            for pat in ["url(#", "aria-labelledby=\""] {
                let mut rest = svg;
                while let Some(k) = rest.find(pat) {
                    let v = &rest[k + pat.len()..];
                    let e = v.find([')', '"']).unwrap_or(0);
                    assert!(
                        seen.contains_key(&v[..e]),
                        "{page}: dangling reference {}",
                        &v[..e]
                    );
                    rest = &v[e..];
                }
            }
        }
    }
    let index = read(&dir.path().join("index.html"));
    let figures = svgs(&index);
    assert_eq!(figures.len(), 6, "six diagrams on the first page");
    for svg in &figures {
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id="));
        assert!(svg.contains("viewBox=\"0 0 "));
        assert!(!svg.contains("<script"), "no script in a diagram");
        assert!(!svg.contains("<foreignObject"), "no HTML inside a diagram");
        assert!(!svg.contains("href"), "no external reference in a diagram");
        assert_eq!(
            svg.matches("http").count(),
            1,
            "only the SVG namespace: {svg}"
        );
    }
    assert!(index.contains("<figure class=\"diagram\" data-diagram=\"flowchart\">"));
    assert!(index.contains("<figcaption>Request path</figcaption>"));
    assert!(index.contains("<figcaption>Round trip</figcaption>"));
    assert!(index.contains("data-diagram=\"svgbob\""));
}

#[cfg(feature = "svgbob")]
#[test]
fn diagrams_are_byte_identical_across_builds() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    build_into("diagram-ids", a.path());
    build_into("diagram-ids", b.path());
    for page in ["index.html", "second.html", "print.html"] {
        let (x, y) = (read(&a.path().join(page)), read(&b.path().join(page)));
        let (sx, sy) = (svgs(&x), svgs(&y));
        assert!(!sx.is_empty());
        assert_eq!(sx, sy, "{page}: SVG differs between two builds");
    }
}

#[test]
fn every_handbook_diagram_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Err(e) = corem::check(root, &BuildOptions::default()) {
        panic!("the handbook does not check: {e} {e:?}");
    }
    // And each block on its own, with a useful name when one fails.
    let mut n = 0;
    for entry in walk(&root.join("notes")) {
        let text = read(&entry);
        for block in text.split("```mermaid").skip(1) {
            let code = block
                .split_once('\n')
                .map_or("", |x| x.1)
                .split("```")
                .next()
                .unwrap_or("");
            let r = corem::diagram::mermaid(code);
            assert!(
                r.is_ok(),
                "{}: {:?}",
                entry.display(),
                r.as_ref().as_ref().err()
            );
            n += 1;
        }
    }
    assert!(n >= 20, "the handbook has its diagrams ({n})");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn errors_inside_lists_and_quotes_point_at_the_right_column() {
    let err = corem::check(&fixture("diagram-nested"), &BuildOptions::default())
        .expect_err("two broken diagrams");
    let Error::Diagnostics(diags) = err else {
        panic!("expected diagnostics, got {err:?}");
    };
    let at: Vec<(usize, usize)> = diags.iter().map(|d| (d.line, d.col)).collect();
    // `A B C` on line 10 (indented 7); the unclosed `"` on line 15, after `>` and 5 spaces.
    assert_eq!(at, vec![(10, 8), (15, 15)], "{diags:?}");
}
