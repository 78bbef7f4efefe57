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
        d.message.contains("unsupported diagram type `journey`"),
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

/// The fixture of each diagram type and the `data-diagram` its figures carry.
const TYPES: &[(&str, &str)] = &[
    ("diagram-flowchart", "flowchart"),
    ("diagram-sequence", "sequence"),
    ("diagram-state", "state"),
    ("diagram-class", "class"),
    ("diagram-er", "er"),
    ("diagram-pie", "pie"),
    ("diagram-gantt", "gantt"),
    ("diagram-mindmap", "mindmap"),
    ("diagram-timeline", "timeline"),
];

/// The ```mermaid blocks of a note: (line of the opening fence, code).
fn mermaid_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, l)) = lines.next() {
        if l.trim_start().starts_with("```mermaid") {
            let mut code = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            out.push((n + 1, code));
        }
    }
    out
}

/// Every example of every type's fixture (written from Mermaid's syntax reference) builds end
/// to end into one self-contained, accessible figure of its type.
#[test]
fn every_example_of_every_type_draws() {
    for (name, kind) in TYPES {
        let dir = tempfile::tempdir().expect("temp dir");
        build_into(name, dir.path());
        let blocks = mermaid_blocks(&read(&fixture(name).join("index.md")));
        assert!(
            blocks.len() >= 6,
            "{name}: many examples ({})",
            blocks.len()
        );
        let html = read(&dir.path().join("index.html"));
        let figures = svgs(&html);
        assert_eq!(
            figures.len(),
            blocks.len(),
            "{name}: one figure per example"
        );
        assert_eq!(
            html.matches(&format!(
                "<figure class=\"diagram\" data-diagram=\"{kind}\">"
            ))
            .count(),
            blocks.len(),
            "{name}: every figure is a {kind}"
        );
        for svg in figures {
            assert!(
                svg.contains("role=\"img\"") && svg.contains("<title id="),
                "{name}"
            );
            assert!(
                !svg.contains("<script") && !svg.contains("<foreignObject"),
                "{name}"
            );
            assert!(
                svg.contains("<text"),
                "{name}: a figure with no text: {svg}"
            );
        }
    }
}

#[test]
fn examples_draw_the_same_bytes_twice() {
    for (name, _) in TYPES {
        let (a, b) = (
            tempfile::tempdir().expect("temp"),
            tempfile::tempdir().expect("temp"),
        );
        build_into(name, a.path());
        build_into(name, b.path());
        let (x, y) = (
            read(&a.path().join("index.html")),
            read(&b.path().join("index.html")),
        );
        assert_eq!(svgs(&x), svgs(&y), "{name}: SVG differs between two builds");
    }
}

/// Documented syntax corem does not draw is an error at its line and column that says what is
/// supported, one per block, never a blank figure.
#[test]
fn refused_examples_are_located_errors() {
    let err = corem::check(&fixture("diagram-refused"), &BuildOptions::default())
        .expect_err("refused examples fail the build");
    let Error::Diagnostics(diags) = err else {
        panic!("expected diagnostics, got {err:?}");
    };
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    let blocks = mermaid_blocks(&read(&fixture("diagram-refused").join("index.md")));
    assert_eq!(errors.len(), blocks.len(), "{diags:?}");
    let expect = [
        (12, 15, "external resources"),
        (19, 14, "external resources"),
        (26, 5, "half arrows"),
        (35, 10, "central connections"),
        (41, 1, "unsupported diagram type `gitGraph`"),
    ];
    for (d, (line, col, what)) in errors.iter().zip(expect) {
        assert_eq!((d.line, d.col), (line, col), "{}", d.message);
        assert!(d.message.contains(what), "{}", d.message);
    }
}

/// `click` links to notes are resolved like the note's other links and written relative to
/// each page; scripts are left out with a warning at their line.
#[test]
fn diagram_links_point_at_notes_from_every_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = corem::build(&fixture("diagram-links"), &support_options(dir.path()))
        .expect("the links fixture builds");
    let warned: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("callback"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", report.warnings);
    assert_eq!((warned[0].line, warned[0].col), (13, 13));
    let index = read(&dir.path().join("index.html"));
    for href in [
        "href=\"guide/caching.html\"",
        "href=\"guide/replication.html#failover\"",
        "href=\"https://example.com/\"",
    ] {
        assert!(index.contains(href), "index.html lacks {href}");
    }
    assert!(!index.contains('\u{e000}'), "no placeholder left");
    let print = read(&dir.path().join("print.html"));
    assert!(print.contains("href=\"#guide--replication--failover\""));
    // The linked note lists the diagram's note among its backlinks.
    let caching = read(&dir.path().join("guide/caching.html"));
    assert!(
        caching.contains("Diagram links"),
        "backlink from the diagram's note"
    );
    let err = corem::check(&fixture("diagram-links-broken"), &BuildOptions::default())
        .expect_err("a broken diagram link fails the build");
    let Error::Diagnostics(diags) = err else {
        panic!("expected diagnostics, got {err:?}");
    };
    assert_eq!((diags[0].line, diags[0].col), (6, 14), "{diags:?}");
}

fn support_options(out: &Path) -> BuildOptions {
    let mut opts = BuildOptions::default();
    opts.overrides.output_dir = Some(out.to_path_buf());
    opts
}

/// Runaway diagrams (issue 24) are refused at their line in well under a second of work: the
/// full bipartite group, ASCII art past its budget (a 300 × 300 grid, a 200,000-character
/// line), and a Mermaid source over its size.
#[cfg(feature = "svgbob")]
#[test]
fn runaway_diagrams_are_refused_at_their_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let left: Vec<String> = (0..300).map(|i| format!("A{i}")).collect();
    let right: Vec<String> = (0..300).map(|i| format!("B{i}")).collect();
    let grid = ("+--".repeat(100) + "+\n" + &"|  ".repeat(100) + "|\n").repeat(150);
    let note = format!(
        "# Runaway\n\n```mermaid\nflowchart LR\n    {} --> {}\n```\n\n```svgbob\n{grid}```\n\n```svgbob\n{}\n```\n",
        left.join(" & "),
        right.join(" & "),
        "-".repeat(200_000)
    );
    std::fs::write(dir.path().join("index.md"), note).expect("write the note");
    let err = corem::check(dir.path(), &BuildOptions::default()).expect_err("refused");
    let Error::Diagnostics(diags) = err else {
        panic!("expected diagnostics, got {err:?}");
    };
    let at: Vec<(usize, usize)> = diags.iter().map(|d| (d.line, d.col)).collect();
    assert_eq!(at.len(), 3, "{diags:?}");
    assert_eq!(at[0], (5, 5), "the link statement: {}", diags[0].message);
    assert!(
        diags[0].message.contains("90,000 links"),
        "{}",
        diags[0].message
    );
    assert!(
        diags[1].message.contains("non-blank characters"),
        "{}",
        diags[1].message
    );
    assert_eq!(diags[1].line, 9 + 10_000 / 201, "{}", diags[1].message);
    assert_eq!(at[2], (312, 10_001), "{}", diags[2].message);
}

/// Through the public entry point, cut and spliced examples of every type, and pathological
/// shapes of input, give a drawing or an error: never a panic or a hang (each is bounded by
/// the budgets). The same input always gives the same answer.
#[test]
fn mangled_and_pathological_diagrams_never_panic() {
    let mut sources: Vec<String> = Vec::new();
    for (name, _) in TYPES {
        for (_, code) in mermaid_blocks(&read(&fixture(name).join("index.md"))) {
            sources.push(code);
        }
    }
    let junk = [
        "é", "\"", "[", "]", "{", "(", ")", "|", "-", ">", "<", ":", ";", "\n", "%%", "~", "&",
        "#", "→", "end", " ", "`", "@{", "}", "--", "::", "\t", "after ", "0d", "\n  ",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let mut cases = 0;
    for src in &sources {
        for _ in 0..6 {
            let mut s = src.clone();
            for _ in 0..1 + next(4) {
                let mut at = next(s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                match next(3) {
                    0 => s.truncate(at),
                    1 => s.insert_str(at, junk[next(junk.len())]),
                    _ => {
                        let mut end = (at + next(40)).min(s.len());
                        while !s.is_char_boundary(end) {
                            end -= 1;
                        }
                        s.replace_range(at..end, "");
                    }
                }
            }
            let a = corem::diagram::mermaid(&s);
            let b = corem::diagram::mermaid(&s.clone());
            assert_eq!(a.is_ok(), b.is_ok());
            cases += 1;
        }
    }
    // Pathological shapes.
    let deep_subgraphs = format!(
        "flowchart LR\n{}A --> B\n{}",
        "subgraph S\ndirection TB\n".repeat(40),
        "end\n".repeat(40)
    );
    let deep_mindmap = format!(
        "mindmap\n{}",
        (0..600)
            .map(|i| format!("{}n{i}\n", " ".repeat(i + 1)))
            .collect::<String>()
    );
    let wide_mindmap = format!(
        "mindmap\nroot\n{}",
        (0..2500).map(|i| format!("  c{i}\n")).collect::<String>()
    );
    let reverse_gantt = format!(
        "gantt\n{}T2999 :t2999, 2024-01-01, 1d\n",
        (0..2999)
            .rev()
            .map(|i| format!("T{i} :t{i}, after t{}, 1d\n", i + 1))
            .collect::<String>()
    );
    let long_label = format!("flowchart LR\n A[\"{}\"] --> B\n", "word ".repeat(20_000));
    let many_slices = format!(
        "pie\n{}",
        (0..2900)
            .map(|i| format!("\"s{i}\" : {}\n", i % 7 + 1))
            .collect::<String>()
    );
    let long_timeline = format!(
        "timeline\n{}",
        (0..1400).map(|i| format!("{i} : e\n")).collect::<String>()
    );
    let deep_blocks = format!(
        "sequenceDiagram\n{}A->>B: x\n{}",
        "loop l\n".repeat(40),
        "end\n".repeat(40)
    );
    for (what, src, draws) in [
        ("deep subgraphs", &deep_subgraphs, false),
        ("deep mind map", &deep_mindmap, true),
        ("wide mind map", &wide_mindmap, true),
        ("gantt references backwards", &reverse_gantt, true),
        ("long label", &long_label, true),
        ("many slices", &many_slices, true),
        ("long timeline", &long_timeline, true),
        ("deep sequence blocks", &deep_blocks, false),
    ] {
        let r = corem::diagram::mermaid(src);
        assert_eq!(r.is_ok(), draws, "{what}: {:?}", r.as_ref().as_ref().err());
        cases += 1;
    }
    assert!(cases > 1000, "{cases} cases");
}
