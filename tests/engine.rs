//! End-to-end tests of the engine: fixture note folders under `tests/fixtures/` are built with
//! the library and the produced files and diagnostics are asserted on.

mod support;

use std::path::{Path, PathBuf};

use corem::config::Overrides;
use corem::diagnostic::Diagnostic;
use corem::{BuildOptions, Error};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    report: corem::BuildReport,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("{rel} should exist in the output: {e}"))
    }
    fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }
}

fn build_with(name: &str, drafts: bool) -> Result<Built, Error> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let opts = BuildOptions {
        drafts,
        ..support::options(&out)
    };
    let report = corem::build(&fixture(name), &opts)?;
    Ok(Built {
        _dir: dir,
        out,
        report,
    })
}

fn build(name: &str) -> Built {
    build_with(name, false).unwrap_or_else(|e| match e {
        Error::Diagnostics(d) => panic!(
            "build of {name} failed:\n{}",
            d.iter().map(|x| x.render(false)).collect::<String>()
        ),
        other => panic!("build of {name} failed: {other}"),
    })
}

fn diagnostics(name: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        overrides: Overrides {
            output_dir: Some(dir.path().join("site")),
            base_url: None,
        },
        ..Default::default()
    };
    match corem::check(&fixture(name), &opts) {
        Err(Error::Diagnostics(d)) => d,
        Ok(_) => panic!("{name} should fail"),
        Err(e) => panic!("{name}: unexpected error {e}"),
    }
}

#[test]
fn basic_site_has_every_page() {
    let b = build("basic");
    for f in [
        "index.html",
        "alpha/index.html",
        "alpha/first.html",
        "alpha/second-note.html",
        "beta/index.html",
        "beta/nested/index.html",
        "beta/nested/deep.html",
        "beta/café-crème.html",
        "beta/plain.html",
        "tags/index.html",
        "tags/links.html",
        "tags/demo.html",
        "search.html",
        "print.html",
        "404.html",
        ".nojekyll",
        "highlight.css",
        "style.css",
        "img/pic.png",
        "sitemap.xml",
    ] {
        assert!(b.exists(f), "missing {f}");
    }
    assert!(
        !b.exists("img/unused.png"),
        "unreferenced files are not copied"
    );
    assert!(!b.exists("beta/draft.html"), "drafts are left out");
    assert_eq!(b.report.notes, 7);
}

#[test]
fn drafts_flag_includes_drafts() {
    let b = build_with("basic", true).unwrap();
    assert!(b.exists("beta/draft.html"));
}

#[test]
fn titles_fall_back_to_h1_then_file_name() {
    let b = build("basic");
    let deep = b.read("beta/nested/deep.html");
    assert!(deep.contains("<title>Deep note"), "title from the first H1");
    assert_eq!(
        deep.matches(">Deep note</h1>").count(),
        1,
        "the H1 is not repeated in the body"
    );
    let plain = b.read("beta/plain.html");
    assert!(plain.contains("<title>Plain"), "title from the file name");
    let cafe = b.read("beta/café-crème.html");
    assert!(cafe.contains("<title>café crème"));
}

#[test]
fn every_link_form_resolves_relative_to_the_page() {
    let b = build("basic");
    let first = b.read("alpha/first.html");
    for needle in [
        r#"<a href="second-note.html">Second note</a>"#,
        r#"<a href="second-note.html">the second</a>"#,
        r##"<a href="second-note.html#part-two">Second note › Part two</a>"##,
        r##"<a href="second-note.html#part-two">part two</a>"##,
        r#"<a href="second-note.html">Zweite</a>"#,
        r#"<a href="second-note.html">SECOND NOTE</a>"#,
        r##"<a href="#markdown-links">Markdown links</a>"##,
        r#"<a href="../beta/caf%C3%A9-cr%C3%A8me.html">Café crème</a>"#,
        r##"<a href="second-note.html#part-two">second</a>"##,
        r#"<a href="../beta/nested/deep.html">deep</a>"#,
        r##"<a href="#wikilinks">top</a>"##,
        r#"<a href="../index.html">home</a>"#,
        r#"<a href="https://example.com/path" class="external">https://example.com/path</a>"#,
        r#"<a href="second-note.html">second in a table</a>"#,
        r#"<img src="../img/pic.png" alt="" loading="lazy">"#,
        r#"<img src="../img/pic.png" alt="alt text" loading="lazy">"#,
    ] {
        assert!(first.contains(needle), "first.html lacks {needle}");
    }
    assert!(!first.contains("href=\"/"), "no root-absolute links");
}

#[test]
fn markdown_extensions_render() {
    let b = build("basic");
    let first = b.read("alpha/first.html");
    for needle in [
        r#"<div class="callout" data-callout="note"><p class="callout-title">Note</p>"#,
        r#"<details class="callout" data-callout="tip"><summary class="callout-title">Folded <em>tip</em></summary>"#,
        r#"<input type="checkbox" disabled checked aria-label="done"> done"#,
        "<del>struck</del>",
        r#"<sup class="footnote-reference">"#,
        "<math",
        r#"<math display="block""#,
        r#"<pre class="code" data-lang="rust"><code><span class="h"#,
        r#"<div class="table-wrap"><table>"#,
        r#"<h2 id="blocks">"#,
        r#"<div class="embed"><p class="embed-source"><a href="second-note.html#part-two">Second note › Part two</a></p>"#,
        "Text two, shown in embeds.",
    ] {
        assert!(first.contains(needle), "first.html lacks {needle}");
    }
    let second = b.read("alpha/second-note.html");
    assert!(second.contains(r#"<h2 id="part-one">"#) && second.contains(r#"<h2 id="part-one-1">"#));
}

#[test]
fn backlinks_tags_related_and_edit_link() {
    let b = build("basic");
    let second = b.read("alpha/second-note.html");
    assert!(second.contains("first.html"), "backlink to First");
    assert!(
        second.contains("Plain Second note, labelled the second, to a heading"),
        "the backlink shows the sentence around the link"
    );
    let first = b.read("alpha/first.html");
    assert!(first.contains(r#"href="../tags/demo.html""#));
    assert!(
        first.contains("https://github.com/example/notes/edit/main/notes/01-alpha/01-first.md")
    );
    let tag = b.read("tags/links.html");
    assert!(tag.contains("../alpha/first.html") && tag.contains("../alpha/second-note.html"));
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/notes/alpha/first.html</loc>"));
}

#[test]
fn print_page_links_are_in_page_anchors() {
    let b = build("basic");
    let print = b.read("print.html");
    assert!(print.contains(r#"id="alpha--first""#));
    assert!(print.contains(r##"href="#alpha--second-note--part-two""##));
    assert!(print.contains(r#"id="alpha--second-note--part-two""#));
    assert!(!print.contains(r#"href="second-note.html"#));
}

#[test]
fn nav_and_prev_next_follow_prefix_order() {
    let b = build("basic");
    let index = b.read("index.html");
    let alpha = index.find("Alpha section").unwrap();
    let beta = index.find("Beta").unwrap();
    assert!(alpha < beta, "01-alpha comes before 02-beta");
    let first = b.read("alpha/first.html");
    assert!(first.contains("index.html") && first.contains("second-note.html"));
}

#[test]
fn broken_links_are_all_reported_with_position_and_help() {
    let d = diagnostics("broken");
    let text: String = d.iter().map(|x| x.render(false)).collect();
    let find = |msg: &str| {
        d.iter()
            .find(|x| x.message.contains(msg))
            .unwrap_or_else(|| panic!("no diagnostic containing {msg:?} in:\n{text}"))
    };
    let miss = find("no note titled `Cachng`");
    assert_eq!((miss.line, miss.col), (5, 22));
    assert!(miss.file.ends_with("notes/index.md"));
    assert_eq!(miss.help.as_deref(), Some("did you mean `Caching`?"));
    assert_eq!(
        miss.source_line.as_deref(),
        Some("A misspelled link to [[Cachng]] here.")
    );
    let anchor = find("no heading `Nope` in `Caching`");
    assert_eq!(anchor.line, 6);
    let amb = find("`Twin` is ambiguous");
    assert!(
        amb.message.contains("twin-one.md") && amb.message.contains("sub/twin-two.md"),
        "{}",
        amb.message
    );
    let rel = find("no file `sub/missing.md`");
    assert_eq!(rel.line, 8);
    find("no image `nope.png`");
    find("creates a cycle");
    let local = find("no heading `Not here` in this note");
    assert!(local.file.ends_with("caching.md"));
    let yaml = find("invalid YAML front matter");
    assert!(
        yaml.file.ends_with("bad-yaml.md") && yaml.line >= 3,
        "{yaml:?}"
    );
}

#[test]
fn failed_build_writes_nothing_and_keeps_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("index.html"), "previous site").unwrap();
    let opts = BuildOptions {
        overrides: Overrides {
            output_dir: Some(out.clone()),
            base_url: None,
        },
        ..Default::default()
    };
    assert!(matches!(
        corem::build(&fixture("broken"), &opts),
        Err(Error::Diagnostics(_))
    ));
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "previous site"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no staging folder left behind"
    );
}

/// A rebuild keeps unchanged pages from the last sites (`src/output/reuse.rs`); a page edited
/// by hand in the site, in place (and so in the spare too, which shares its file after a
/// rebuild that linked it), is never kept: the next builds give the page as rendered.
#[test]
fn a_page_edited_by_hand_in_the_site_is_never_kept() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    support::copy_dir(&fixture("basic"), &project);
    let out = dir.path().join("site");
    let opts = BuildOptions {
        overrides: Overrides {
            output_dir: Some(out.clone()),
            base_url: None,
        },
        ..Default::default()
    };
    let first = corem::build(&project, &opts).unwrap();
    assert_eq!(first.reused, 0);
    let expected = support::read_tree(&out);
    for _ in 0..2 {
        let again = corem::build(&project, &opts).unwrap();
        assert_eq!(
            again.reused, again.pages,
            "nothing changed: every page kept"
        );
        assert_eq!(support::read_tree(&out), expected);
    }
    for round in 0..3 {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(out.join("index.html"))
            .unwrap();
        f.write_all(b"<!-- edited by hand -->").unwrap();
        drop(f);
        let r = corem::build(&project, &opts).unwrap();
        assert_eq!(
            support::read_tree(&out),
            expected,
            "round {round}: the edited page is rendered again"
        );
        assert!(r.reused > 0 && r.reused < r.pages, "the other pages kept");
    }
}

/// The section texts a rebuild works out for the search index from a kept page are those the
/// page's rendering collects.
#[test]
fn section_texts_without_the_html_are_those_rendering_collects() {
    let handbook = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (dir, lean) in [(handbook.to_path_buf(), false), (fixture("basic"), true)] {
        let mut timings = Vec::new();
        let opts = BuildOptions::default();
        let a = if lean {
            corem::analyze_lean(&dir, &opts, &mut timings)
        } else {
            corem::analyze(&dir, &opts, &mut timings)
        }
        .unwrap();
        let site = a.site();
        for &n in &a.graph.order {
            let mode = corem::render::Mode::Page(&a.corpus.notes[n].out_path);
            let rendered = corem::render::html::note_html(&site, n, mode, true).1;
            assert_eq!(
                corem::render::html::note_sections(&site, n, mode),
                rendered,
                "{}",
                a.corpus.notes[n].rel
            );
        }
    }
}

/// A local graph takes the strongest few neighbours of each note, hubs included: the cut list
/// is the full list's head, and the count is the full count.
#[test]
fn the_strongest_neighbours_are_the_head_of_the_full_list() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("p/notes");
    std::fs::create_dir_all(&notes).unwrap();
    // A hub every note links to (some twice), which links back to every third note.
    let mut hub = String::from("# Hub\n\n");
    for i in 0..60 {
        let mut text = format!("# Note {i}\n\nSee [[Hub]] and [[Note {}]].\n", (i + 7) % 60);
        if i % 4 == 0 {
            text.push_str("Again [[Hub]], and [[Note 3]].\n");
        }
        std::fs::write(notes.join(format!("note-{i:02}.md")), text).unwrap();
        if i % 3 == 0 {
            hub.push_str(&format!("- [[Note {i}]]\n"));
        }
    }
    std::fs::write(notes.join("hub.md"), hub).unwrap();
    let mut timings = Vec::new();
    let a = corem::analyze(
        &dir.path().join("p"),
        &BuildOptions::default(),
        &mut timings,
    )
    .unwrap();
    for n in 0..a.corpus.notes.len() {
        let all = corem::graph::neighbours(&a.graph, n);
        assert!(all.len() > 1);
        for k in [0, 1, 2, 5, 14, 40, 100] {
            let (top, count) = corem::graph::neighbours_top(&a.graph, n, k);
            assert_eq!(count, all.len());
            let head: Vec<_> = all.iter().take(k).map(|x| (x.note, x.out, x.inn)).collect();
            let got: Vec<_> = top.iter().map(|x| (x.note, x.out, x.inn)).collect();
            assert_eq!(got, head, "note {n}, k {k}");
        }
    }
}

#[test]
fn warn_mode_marks_broken_links_and_builds() {
    let b = build("warn");
    assert!(
        b.report
            .warnings
            .iter()
            .any(|w| w.message.contains("Cachng"))
    );
    let index = b.read("index.html");
    assert!(
        index.contains(
            r#"<span class="broken-link" title="unresolved link: [[Cachng]]">Cachng</span>"#
        ),
        "{index}"
    );
    assert!(index.contains(r#"<a href="caching.html">Caching</a>"#));
}

#[test]
fn a_folder_without_notes_dir_is_a_vault() {
    let b = build("vault");
    assert!(b.exists("home.html") && b.exists("ideas.html") && b.exists("daily/daily-note.html"));
    assert!(b.exists("index.html"), "a generated home page");
    assert!(!b.exists(".obsidian"));
    let home = b.read("home.html");
    assert!(home.contains(r#"href="daily/daily-note.html""#));
}

#[test]
fn project_templates_and_static_override_the_builtin_ones() {
    let b = build("overrides");
    let page = b.read("page.html");
    assert!(page.contains(r#"<p id="custom-note-template">Page</p>"#));
    assert_eq!(b.read("style.css"), "body{color:red}\n");
    let home = b.read("index.html");
    assert!(home.contains("corem.js"), "other templates stay built in");
}

#[test]
fn template_errors_name_the_template_and_line() {
    let d = diagnostics("badtemplate");
    let t = d
        .iter()
        .find(|x| x.file.ends_with("templates/note.html"))
        .expect("template diagnostic");
    assert_eq!(t.line, 3);
    assert!(t.message.contains("nosuchfilter"), "{}", t.message);
}

#[test]
fn check_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let opts = BuildOptions {
        overrides: Overrides {
            output_dir: Some(out.clone()),
            base_url: None,
        },
        ..Default::default()
    };
    corem::check(&fixture("basic"), &opts).unwrap();
    assert!(!out.exists());
}

#[test]
fn builds_are_deterministic() {
    let a = build("basic");
    let b = build("basic");
    for f in [
        "alpha/first.html",
        "print.html",
        "index.html",
        "tags/index.html",
    ] {
        assert_eq!(a.read(f), b.read(f), "{f} differs between builds");
    }
}

#[test]
fn a_tag_named_index_does_not_overwrite_the_tags_page() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("p/notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("index.md"), "---\ntitle: Home\n---\nSee [[A]].").unwrap();
    std::fs::write(
        notes.join("a.md"),
        "---\ntitle: A\ntags: [index, other]\n---\nBack [[Home]].",
    )
    .unwrap();
    let out = dir.path().join("site");
    let opts = BuildOptions {
        overrides: Overrides {
            output_dir: Some(out.clone()),
            base_url: None,
        },
        ..Default::default()
    };
    corem::build(&dir.path().join("p"), &opts).unwrap();
    let tags = std::fs::read_to_string(out.join("tags/index.html")).unwrap();
    assert!(
        tags.contains("index-tag.html") && tags.contains("other.html"),
        "{tags}"
    );
    let tag = std::fs::read_to_string(out.join("tags/index-tag.html")).unwrap();
    assert!(tag.contains("../a.html"));
    let a = std::fs::read_to_string(out.join("a.html")).unwrap();
    assert!(a.contains("tags/index-tag.html"));
}

/// A large site's print page is rendered with the note pages it prints, from the HTML they
/// made for it (each note parsed once for both): every print page equals the one rendered on
/// its own, which parses its notes again. On the handbook (diagrams, calculations, embeds,
/// links across print pages), cut into print pages of at most 12 notes.
#[test]
fn a_print_page_rendered_with_its_notes_equals_one_rendered_alone() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    support::copy_dir(&repo.join("notes"), &project.join("notes"));
    let toml = std::fs::read_to_string(repo.join("corem.toml")).unwrap();
    std::fs::write(
        project.join("corem.toml"),
        format!("{toml}\n[print]\nmax_notes = 12\n"),
    )
    .unwrap();
    let out = dir.path().join("site");
    let opts = support::options(&out);
    corem::build(&project, &opts).unwrap_or_else(|e| panic!("build: {e}"));
    let a = corem::analyze_lean(&project, &opts, &mut Vec::new()).unwrap();
    let site = a.site();
    let mut parts = 0;
    for page in corem::render::pages(&site) {
        if let corem::render::PageKind::PrintPart(_) = page.kind {
            let alone = corem::render::render_page(&site, &a.tera, &a.theme, &page).unwrap();
            let built = std::fs::read_to_string(out.join(&page.out_path)).unwrap();
            assert!(built == alone.html, "{} differs", page.out_path);
            parts += 1;
        }
    }
    assert!(parts >= 8, "the handbook is cut into print pages ({parts})");
}

/// A corem killed while saving its build cache leaves `cache.tmp-PID` beside the cache (333 MB
/// at 100,000 notes); the next build removes it. A live process's temporary file is left
/// alone, and so is anything not named like one.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_builds_half_written_cache_is_removed_by_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("notes")).unwrap();
    std::fs::write(
        project.join("notes/index.md"),
        "# Home\n\n```rust\nfn main() {}\n```\n",
    )
    .unwrap();
    let state = corem::output::StateDir::of(&project);
    std::fs::create_dir_all(&state.dir).unwrap();
    // A process that has ended: its id is free (pids are reused only after the whole range).
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    let dead = [
        state.dir.join(format!("cache.tmp-{gone}")),
        state.dir.join(format!("cache-render.tmp-{gone}")),
        state.dir.join("cache.tmp-99999999"),
    ];
    for f in &dead {
        std::fs::write(f, vec![0u8; 4096]).unwrap();
    }
    // pid 1 is alive; the last is no process id.
    let kept = [
        state.dir.join("cache.tmp-1"),
        state.dir.join("cache.tmp-notes"),
    ];
    for f in &kept {
        std::fs::write(f, "not ours to remove").unwrap();
    }
    corem::build(&project, &support::options(&dir.path().join("site"))).unwrap();
    assert!(state.cache_file().is_file(), "the build saved its cache");
    for f in &dead {
        assert!(!f.exists(), "{} should be removed", f.display());
    }
    for f in &kept {
        assert!(f.is_file(), "{} should be kept", f.display());
    }
}

/// The build's "did you mean" budget (500) goes to the first broken links in note order, so
/// the same links always get the same help (a resolution spread over threads that shared the
/// budget as it went handed it to both halves of the notes at once, leaving note 250 without
/// one; this test caught that).
#[test]
fn did_you_mean_goes_to_the_first_500_broken_links_in_note_order() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        notes.join("caching.md"),
        "---\ntitle: Caching\n---\nText.\n",
    )
    .unwrap();
    for i in 0..700 {
        let text = format!("---\ntitle: Note {i:04}\n---\nSee [[Cachng]].\n");
        std::fs::write(notes.join(format!("n{i:04}.md")), text).unwrap();
    }
    let opts = support::options(&dir.path().join("site"));
    let d = match corem::check(dir.path(), &opts) {
        Err(Error::Diagnostics(d)) => d,
        other => panic!("the broken links should fail the check: {:?}", other.err()),
    };
    let helped: Vec<(String, bool)> = d
        .iter()
        .filter(|x| x.message.contains("no note titled `Cachng`"))
        .map(|x| {
            let name = x.file.file_name().unwrap().to_string_lossy().into_owned();
            (name, x.help.as_deref() == Some("did you mean `Caching`?"))
        })
        .collect();
    assert_eq!(helped.len(), 700);
    let mut order = helped.clone();
    order.sort();
    assert_eq!(helped, order, "diagnostics in note order");
    let first_without = helped.iter().position(|(_, h)| !h);
    assert_eq!(first_without, Some(500), "{:?}", &helped[495..505]);
    assert!(helped[500..].iter().all(|(_, h)| !h));
}

/// A rebuild takes every note without a problem from the build cache instead of parsing it and
/// computing its blocks again (`src/cache/notes.rs`), and writes the very site it wrote before;
/// a note with a warning is parsed again and warned about again, and an edited note is parsed
/// again, with the site a `--fresh` build writes.
#[test]
fn a_rebuild_takes_unchanged_notes_from_the_build_cache_and_writes_the_same_site() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    let notes = project.join("notes");
    std::fs::create_dir_all(notes.join("guide")).unwrap();
    let files = [
        (
            "index.md",
            "---\ntitle: Home\ntags: [start]\n---\n\n# Home\n\nSee [[Code]], [[Numbers#Budget]] \
             and [the diagram](guide/flow.md). A #systems tag.\n\nA block to embed. ^key\n",
        ),
        (
            "code.md",
            "# Code\n\nBack to [[Home#^key]].\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n\
             ![[Home#^key]]\n",
        ),
        (
            "numbers.md",
            "# Numbers\n\n## Budget\n\n```calc\nlet requests = 1200 / s\nlet daily = requests * 1 day\n```\n\n\
             Per hour: `= requests * 1 hour`. Inline math $e^{i\\pi} + 1 = 0$.\n",
        ),
        (
            "guide/flow.md",
            "# Flow\n\n```mermaid\nflowchart LR\n  A[Client] --> B[Cache]\n  B --> C[(Store)]\n```\n\n\
             Footnote.[^1]\n\n[^1]: With a [[Code|link]].\n",
        ),
        ("warned.md", "# Warned\n\nBroken math: $\\frac{1}$ here.\n"),
    ];
    for (rel, text) in files {
        std::fs::write(notes.join(rel), text).unwrap();
    }
    let build_into = |name: &str, fresh: bool| {
        let out = tmp.path().join(name);
        let opts = BuildOptions {
            fresh,
            ..support::options(&out)
        };
        let report = corem::build(&project, &opts).unwrap_or_else(|e| match e {
            Error::Diagnostics(d) => panic!(
                "{name}:\n{}",
                d.iter().map(|x| x.render(false)).collect::<String>()
            ),
            other => panic!("{name}: {other}"),
        });
        (report, support::read_tree(&out))
    };
    let math_warnings = |r: &corem::BuildReport| {
        (r.warnings.iter())
            .filter(|w| w.message.starts_with("math:") && w.file.ends_with("warned.md"))
            .count()
    };

    let (first, first_site) = build_into("a", false);
    assert_eq!(first.notes_cached, 0, "nothing was cached yet");
    assert_eq!(math_warnings(&first), 1, "{:?}", first.warnings);

    // Into another folder: no page of the first site can be kept, every page is rendered.
    let (second, second_site) = build_into("b", false);
    assert_eq!(second.reused, 0);
    assert_eq!(
        second.notes_cached,
        files.len() - 1,
        "every note but the warned one from the cache"
    );
    assert_eq!(math_warnings(&second), 1, "the warning is reported again");
    assert_eq!(second.warnings.len(), first.warnings.len());
    assert!(second_site == first_site, "the same site from the cache");

    std::fs::write(
        notes.join("code.md"),
        "# Code\n\nBack to [[Home#^key]].\n\n```python\nprint('changed')\n```\n",
    )
    .unwrap();
    let (third, third_site) = build_into("c", false);
    assert_eq!(
        third.notes_cached,
        files.len() - 2,
        "the edited note is parsed"
    );
    let (_, fresh_site) = build_into("d", true);
    assert!(third_site == fresh_site, "the same site as a --fresh build");
    assert!(third_site != second_site, "the edit shows");
}

/// Builds on several threads of one process each find their own notes in the build cache on
/// their rebuild. The cache's entries are the process's, and a build saves the entries used
/// since the last save and then forgets every entry: before builds took turns, one build took
/// another's entries into its own cache file, and the other's rebuild parsed its notes again.
#[test]
fn builds_on_several_threads_each_find_their_notes_in_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let root = tmp.path().join(format!("p{t}"));
            s.spawn(move || {
                let notes = root.join("notes");
                std::fs::create_dir_all(&notes).unwrap();
                for i in 0..20 {
                    let text = format!(
                        "---\ntitle: Note {t}-{i}\ntags: [t{t}]\n---\n\n# Note {t}-{i}\n\n\
                         See [[Note {t}-{}]].\n\n```rust\nfn f{i}() {{}}\n```\n",
                        (i + 1) % 20
                    );
                    std::fs::write(notes.join(format!("n{i}.md")), text).unwrap();
                }
                for round in 0..3 {
                    let out = root.join(format!("site{round}"));
                    let report = corem::build(&root, &support::options(&out)).unwrap();
                    let expected = if round == 0 { 0 } else { 20 };
                    assert_eq!(report.notes_cached, expected, "project {t}, build {round}");
                }
            });
        }
    });
}
