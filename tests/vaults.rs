//! Notes written in Obsidian and Quartz: fixture vaults under `tests/fixtures/vault-*` built end
//! to end, their output and diagnostics asserted.

mod support;

use std::path::{Path, PathBuf};

use corem::diagnostic::Diagnostic;
use corem::{BuildReport, Error};

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    report: BuildReport,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("{rel} should exist in the output: {e}"))
    }
}

fn render(d: &[Diagnostic]) -> String {
    d.iter().map(|x| x.render(false)).collect()
}

/// Builds a fixture (or any folder) into a temp folder; panics with the diagnostics on failure.
fn build_dir(dir: &Path) -> Built {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("site");
    match corem::build(dir, &support::options(&out)) {
        Ok(report) => Built {
            _dir: tmp,
            out,
            report,
        },
        Err(Error::Diagnostics(d)) => panic!("build of {} failed:\n{}", dir.display(), render(&d)),
        Err(e) => panic!("build of {} failed: {e}", dir.display()),
    }
}

fn build(name: &str) -> Built {
    build_dir(&support::fixture(name))
}

/// Asserts the build reported no diagnostic at all.
fn assert_clean(b: &Built) {
    assert!(
        b.report.warnings.is_empty(),
        "no diagnostics at all:\n{}",
        render(&b.report.warnings)
    );
}

/// [`build`] of a fixture that must build without a single diagnostic.
fn build_clean(name: &str) -> Built {
    let b = build(name);
    assert_clean(&b);
    b
}

/// Issue 23: `[[Note|label]]` in a table row kept its `|` as a cell separator, which cut the
/// link in two and dropped the row's last cell, with no diagnostic.
#[test]
fn wikilink_labels_in_table_cells_stay_links() {
    let b = build_clean("vault-table");
    let page = b.read("sharding.html");
    assert!(
        page.contains(
            r#"<tr><td>Geographic</td><td>region or <a href="geohashing-and-quadtrees.html">geohash</a> prefix</td><td>data near its users</td><td>uneven regions</td></tr>"#
        ),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<td><a href="storage-tiers.html#object-storage">object storage</a> and <a href="storage-tiers.html">tiers</a></td><td>cold data</td><td>slow reads</td>"#
        ),
        "{page}"
    );
    assert!(!page.contains("[["), "no half link is left: {page}");
}

/// The part of a page between `<div class="content">` and the backlinks (the note's body).
fn content(page: &str) -> &str {
    let start = page
        .find("<div class=\"content\">")
        .expect("a content block");
    let end = page[start..]
        .find("<section class=\"backlinks\"")
        .or_else(|| page[start..].find("<nav class=\"pager\""))
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

/// The embed whose source link points at `href`: its HTML up to the next embed or heading.
fn embed<'a>(page: &'a str, href: &str) -> &'a str {
    let marker = format!("<div class=\"embed\"><p class=\"embed-source\"><a href=\"{href}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no embed of {href} in:\n{page}"));
    let rest = &page[start + marker.len()..];
    let end = ["<div class=\"embed\">", "<h2 id="]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Every construct of issue 16 in one vault: zero diagnostics, and each renders as meant.
#[test]
fn an_obsidian_vault_builds_as_its_author_meant() {
    let b = build_clean("vault-obsidian");

    // Block ids: on the paragraph, list item, quote, tables (id line after a blank line, and
    // right under the table), callout, and an id on the line after a paragraph.
    let blocks = b.read("linking/block-references.html");
    let body = content(&blocks);
    for tag in [
        r#"<p id="^quote-me">A paragraph someone will quote.</p>"#,
        r#"<li id="^second-item">second item with an id</li>"#,
        "<blockquote id=\"^the-quote\">\n<p>A quote that spans",
        r#"<div class="table-wrap" id="^size-table"><table>"#,
        r#"<div class="table-wrap" id="^colour-table"><table>"#,
        r#"<div class="callout" data-callout="tip" id="^the-callout"><p class="callout-title">Callout title</p>"#,
        r#"<p id="^next-line-id">A paragraph whose id is on the next line</p>"#,
        r#"<div class="block" id="^code-sample"><pre class="code" data-lang="text">"#,
    ] {
        assert!(body.contains(tag), "{tag} in:\n{body}");
    }
    assert!(
        !body.contains(" ^") && !body.contains(">^"),
        "no id is left in the text"
    );
    assert!(
        !body.contains("<td>^colour-table"),
        "the id line is not a table row"
    );

    // Links to blocks, and embeds of just that block.
    let using = b.read("linking/using-blocks.html");
    let body = content(&using);
    assert!(body.contains(r#"<a href="block-references.html#%5Equote-me">here</a>"#));
    assert!(
        body.contains(r#"<a href="block-references.html#%5Esecond-item">Block references</a>"#)
    );
    assert!(body.contains(r##"<a href="#%5Elocal-para">"##), "{body}");
    let quote = embed(body, "block-references.html#%5Equote-me");
    assert!(
        quote.contains("<p>A paragraph someone will quote.</p>"),
        "{quote}"
    );
    assert!(!quote.contains("Before the quoted") && !quote.contains("first item"));
    let item = embed(body, "block-references.html#%5Esecond-item");
    assert_eq!(
        item, "Block references</a></p>\n<ul>\n<li>second item with an id</li>\n</ul>\n</div>\n",
        "just the item, in a list, without its id"
    );
    let q = embed(body, "block-references.html#%5Ethe-quote");
    assert!(q.contains("<blockquote>\n<p>A quote that spans\ntwo lines.</p>\n</blockquote>"));
    let t = embed(body, "block-references.html#%5Esize-table");
    assert!(
        t.contains("<td>L</td><td>large</td>") && !t.contains("teal"),
        "{t}"
    );
    let t = embed(body, "block-references.html#%5Ecolour-table");
    assert!(
        t.contains("<td>teal</td>") && !t.contains("<td>L</td>"),
        "{t}"
    );
    let code = embed(body, "block-references.html#%5Ecode-sample");
    assert!(
        code.contains("a code sample") && !code.contains("id="),
        "{code}"
    );
    let c = embed(body, "block-references.html#%5Ethe-callout");
    assert!(
        c.contains("Callout body text.") && !c.contains("id="),
        "{c}"
    );

    // Heading chains: `Usage#Linux` is the second "Linux".
    let chain = embed(body, "headings.html#linux-1");
    assert!(chain.contains("Run it from a terminal.") && !chain.contains("package manager"));
    let home = b.read("index.html");
    assert!(home.contains(r#"<a href="linking/headings.html#linux-1">Linux usage</a>"#));
    let headings = b.read("linking/headings.html");
    assert!(headings.contains(r##"<a href="#linux">above</a>"##));

    // Same-note section embeds are not cycles.
    let same = b.read("linking/same-note-embeds.html");
    assert!(embed(&same, "#summary").contains("<p>A short summary sentence.</p>"));
    assert!(embed(&same, "#details").contains("<p>The longer details paragraph.</p>"));

    // Nearness: each folder's own note and index; from a subfolder, the nearest.
    let areas = b.read("areas/index.html");
    assert!(areas.contains(r#"<a href="security-and-privacy.html">Security and privacy</a>"#));
    let area_note = b.read("areas/security-and-privacy.html");
    assert!(content(&area_note).contains(r#"<a href="index.html">index</a>"#));
    let nested = b.read("projects/deep/nested-note.html");
    assert!(
        content(&nested)
            .contains(r#"<a href="../security-and-privacy.html">Security and privacy</a>"#)
    );
    assert!(content(&nested).contains(r#"<a href="../index.html">index</a>"#));
    let plugin = b.read("plugins/search-plugin.html");
    assert!(content(&plugin).contains(r#"<a href="../index.html">home</a>"#));

    // Quartz: tag pages, the tag index, folder pages, `[[index]]` here is the home page.
    assert!(home.contains(r#"<a href="tags/plugin.html">plugin</a>"#));
    assert!(home.contains(r#"<a href="tags/index.html">the tag index</a>"#));
    assert!(home.contains(r#"<a href="projects/index.html">Projects/</a>"#));
    assert!(home.contains(r#"<a href="areas/index.html">areas</a>"#));
    assert!(home.contains(r##"This page is <a href="#">index</a>"##));
    assert!(b.read("tags/plugin.html").contains("Search plugin"));

    // Obsidian syntax.
    let syntax = b.read("syntax/obsidian-syntax.html");
    let body = content(&syntax);
    assert!(
        body.contains("<p>Text with removed, and <mark>a highlight</mark> here.</p>"),
        "{body}"
    );
    assert!(
        !syntax.contains("comment") && !syntax.contains("Nowhere"),
        "comments are gone"
    );
    assert!(body.contains(r#"<a href="../tags/inline-tag.html" class="hashtag">#inline-tag</a>"#));
    assert!(body.contains(r#"<a href="../tags/area-topic.html" class="hashtag">#area/topic</a>"#));
    assert!(body.contains("<code>#in-code</code>"));
    assert!(body.contains(r#"<a href="https://example.com/#fragment" class="external">"#));
    for tag in ["inline-tag", "area-topic", "area", "syntax", "reference"] {
        let page = b.read(&format!("tags/{tag}.html"));
        assert!(
            page.contains("Obsidian syntax"),
            "tags/{tag}.html lists the note"
        );
    }
    assert!(
        syntax.contains(r#"<body class="kind-note  wide-page">"#),
        "cssclasses"
    );
    assert!(body.contains(r#"<span class="unlinked">Private</span>"#));
    assert!(body.contains(r#"<span class="unlinked">Draft idea</span>"#));
    assert!(!b.out.join("private.html").exists() && !b.out.join("draft-idea.html").exists());
    assert!(
        !syntax.contains("Private thoughts"),
        "an unpublished note is never transcluded"
    );
    assert!(body.contains(r#"<td><a href="../linking/block-references.html">block ids</a></td>"#));
    assert!(
        body.contains("<mtext>for\u{a0}all\u{a0}</mtext><mi>x</mi><mtext>,\u{a0}</mtext>"),
        "math inside \\text is math: {body}"
    );
    assert!(body.contains(r#"<a href="../linking/using-blocks.html">using blocks</a>"#));
    assert!(body.contains(r#"<a href="../attachments/diagram.png">the diagram</a>"#));

    // Media, found by name in Attachments/ and copied.
    let media = b.read("syntax/media.html");
    let body = content(&media);
    for tag in [
        r#"<img src="../attachments/diagram.png" alt="" width="300" loading="lazy">"#,
        r#"<img src="../attachments/diagram.png" alt="A small diagram" width="200" height="100" loading="lazy">"#,
        r#"<img src="../attachments/diagram.png" alt="Markdown image" width="150" loading="lazy">"#,
        r#"<img src="../attachments/icons.svg#icon" alt="" loading="lazy">"#,
        r#"<video class="media" src="../attachments/clip.mp4" controls preload="metadata">"#,
        r#"<audio class="media" src="../attachments/theme.mp3" controls preload="metadata">"#,
        r#"<audio class="media" src="../attachments/chime.wav" controls preload="metadata">"#,
        r#"<object class="pdf" data="../attachments/paper.pdf" type="application/pdf">"#,
        r#"<object class="pdf" data="../attachments/paper.pdf#page=2" type="application/pdf">"#,
        r#"<a class="pdf-download" href="../attachments/paper.pdf" download>Download paper.pdf</a>"#,
    ] {
        assert!(body.contains(tag), "{tag} in:\n{body}");
    }
    for f in [
        "diagram.png",
        "icons.svg",
        "clip.mp4",
        "theme.mp3",
        "paper.pdf",
    ] {
        let copied = std::fs::read(b.out.join("attachments").join(f)).expect("copied");
        let source = std::fs::read(support::fixture("vault-obsidian/Attachments").join(f)).unwrap();
        assert_eq!(copied, source, "{f} copied as is");
    }
    // A note reached only through an embed is no orphan (no warning above), and is shown.
    assert!(embed(body, "only-embedded.html").contains("only ever embedded"));
}

/// Each real mistake stays an error at its own `file:line:column`, with a fix.
#[test]
fn real_mistakes_are_located_errors_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = match corem::check(
        &support::fixture("vault-mistakes"),
        &support::options(&dir.path().join("site")),
    ) {
        Err(Error::Diagnostics(d)) => d,
        other => panic!("vault-mistakes must fail: {other:?}"),
    };
    let text = render(&d);
    let find = |msg: &str| {
        d.iter()
            .find(|x| x.message.contains(msg))
            .unwrap_or_else(|| panic!("no diagnostic containing {msg:?} in:\n{text}"))
    };
    let expect = |msg: &str, file: &str, line: usize, col: usize, help: &str| {
        let x = find(msg);
        assert!(x.is_error(), "{msg} is an error");
        assert!(x.file.ends_with(file), "{msg}: {}", x.file.display());
        assert_eq!((x.line, x.col), (line, col), "{msg}");
        let h = x.help.as_deref().unwrap_or("");
        assert!(h.contains(help), "{msg}: help {h:?} should say {help:?}");
    };
    expect(
        "no note titled `Sharding strategy`",
        "Home.md",
        3,
        17,
        "did you mean `Sharding strategies`?",
    );
    expect(
        "no heading `Rang sharding` in `Sharding strategies`",
        "Home.md",
        4,
        20,
        "did you mean `Range sharding`?",
    );
    expect(
        "no block `^hot-shard` in `Sharding strategies`",
        "Home.md",
        5,
        18,
        "did you mean `^hot-shards`?",
    );
    expect(
        "no heading `Range sharding#Splits`",
        "Home.md",
        6,
        23,
        "`Range sharding` has no subheadings",
    );
    expect(
        "no file named `diagam.png`",
        "Home.md",
        7,
        18,
        "did you mean `diagram.png`?",
    );
    expect(
        "no file named `handbook.pdf`",
        "Home.md",
        7,
        53,
        "put the file in the notes folder",
    );
    expect(
        "no image `pics/chart.png`",
        "Home.md",
        8,
        27,
        "relative links",
    );
    expect(
        "wikilink `Overview` is ambiguous",
        "Home.md",
        9,
        22,
        "link by path instead, e.g. [[A/Overview]]",
    );
    expect(
        "embedding this section creates a cycle: Loop.md#part → Loop.md#part",
        "Loop.md",
        9,
        1,
        "move it out of that section",
    );
    let math = find("math: Unknown command");
    assert!(!math.is_error(), "math the engine cannot draw is a warning");
    assert_eq!((math.line, math.col), (10, 31));
    assert_eq!(d.iter().filter(|x| x.is_error()).count(), 9, "{text}");
}

/// With `broken_links = "warn"` no link problem fails the build; a real cycle still does.
#[test]
fn warn_mode_never_fails_a_build_for_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    support::copy_dir(&support::fixture("vault-mistakes"), &vault);
    std::fs::write(vault.join("corem.toml"), "broken_links = \"warn\"\n").unwrap();
    let out = tmp.path().join("site");
    let d = match corem::build(&vault, &support::options(&out)) {
        Err(Error::Diagnostics(d)) => d,
        other => panic!("the cycle still fails the build: {other:?}"),
    };
    let errors: Vec<&Diagnostic> = d.iter().filter(|x| x.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", render(&d));
    assert!(errors[0].message.contains("creates a cycle"));

    std::fs::remove_file(vault.join("Loop.md")).unwrap();
    let b = build_dir(&vault);
    let warnings = &b.report.warnings;
    assert_eq!(
        warnings
            .iter()
            .filter(|w| !w.message.starts_with("math"))
            .count(),
        8,
        "every link problem is a warning:\n{}",
        render(warnings)
    );
    let home = b.read("home.html");
    assert!(home.contains(
        r#"<span class="broken-link" title="unresolved link: [[Sharding strategy]]">Sharding strategy</span>"#
    ));
    assert!(
        home.contains(r#"<span class="broken-link" title="missing image">![[diagam.png]]</span>"#)
    );
    assert!(
        home.contains(r#"<code class="math-error" title="not rendered: "#),
        "{home}"
    );
    assert!(
        home.contains(r"$\unknowncmd{x}$</code>"),
        "the TeX is shown as written"
    );
}

/// Writes notes into a fresh vault folder.
fn vault(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("vault").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn errors_of(dir: &Path) -> Vec<Diagnostic> {
    let out = dir.parent().unwrap().join("site");
    match corem::check(dir, &support::options(&out)) {
        Err(Error::Diagnostics(d)) => d,
        other => panic!("must fail: {other:?}"),
    }
}

/// Issue 24: eight short notes each embedding the next ten times reached 24 GB. The page's
/// transcluded size is measured before anything is rendered, and is a located error.
#[test]
fn exponential_embeds_are_a_located_error_not_a_runaway() {
    let mut files = Vec::new();
    for i in 0..8 {
        let mut text = format!("# Note {i}\n\nSome text of note {i}, long enough to count.\n");
        if i < 7 {
            for _ in 0..10 {
                text.push_str(&format!("\n![[Note {}]]\n", i + 1));
            }
        }
        files.push((format!("Note {i}.md"), text));
    }
    let refs: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = vault(&refs);
    let started = std::time::Instant::now();
    let d = errors_of(&dir.path().join("vault"));
    let errors: Vec<&Diagnostic> = d.iter().filter(|x| x.is_error()).collect();
    // Only the first page over the limit is reported; the pages that embed it are over
    // because of it.
    assert_eq!(errors.len(), 1, "{}", render(&d));
    let e = errors[0];
    assert!(
        e.message.contains("embeds transclude") && e.message.contains("at most 4.0 MiB"),
        "{}",
        e.message
    );
    assert!(
        e.file.ends_with("Note 1.md") || e.file.ends_with("Note 2.md"),
        "{}",
        e.file.display()
    );
    assert!(e.line > 0 && e.col == 1);
    // Check is about measuring, not rendering: well under a minute even on a busy machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

/// Embeds nested deeper than the limit: an error at the embed that starts the too-deep chain.
#[test]
fn embeds_nested_too_deep_are_a_located_error() {
    let files: Vec<(String, String)> = (0..12)
        .map(|i| {
            let next = if i < 11 {
                format!("![[Level {}]]\n", i + 1)
            } else {
                String::new()
            };
            (
                format!("Level {i}.md"),
                format!("Level {i} text.\n\n{next}"),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = vault(&refs);
    let d = errors_of(&dir.path().join("vault"));
    let errors: Vec<&Diagnostic> = d.iter().filter(|x| x.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", render(&d));
    // Reported where the nesting first goes over: the pages embedding that one are over
    // because of it.
    assert!(
        errors[0]
            .message
            .contains("embeds nest 9 levels deep from here (at most 8): Level 2.md → Level 3.md"),
        "{}",
        errors[0].message
    );
    assert!(errors[0].file.ends_with("Level 2.md"));
    assert_eq!((errors[0].line, errors[0].col), (3, 1));
    // Nine levels are fine.
    let refs: Vec<(&str, String)> = files[3..]
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone()))
        .collect();
    let dir = vault(&refs);
    let tmp = dir.path().join("site");
    corem::check(&dir.path().join("vault"), &support::options(&tmp)).expect("8 levels build");
}

/// The vault's pages in headless Chromium from `file://`: images load at their sizes, audio
/// loads, the PDF viewer and download link point at the copied file, highlights and inline
/// tags show, a block link lands on its block.
#[test]
fn vault_pages_work_in_a_browser_from_disk() {
    let b = build("vault-obsidian");
    let out = support::run_browser_script("vault.mjs", &[b.out.to_str().expect("utf-8 path")]);
    assert!(out.contains("vault pages work from file://"), "{out}");
}

/// A repository opened as an Obsidian vault writes `[[docs/index]]` for a note the notes
/// folder `docs/` holds as `index.md`: the notes folder's own name may start a path.
#[test]
fn a_path_may_start_with_the_notes_folder_name() {
    let dir = vault(&[
        (
            "index.md",
            "# Home\n\n## Get started\n\nSee [[Guide]].\n".into(),
        ),
        (
            "Guide.md",
            "Back to [[vault/index#Get started|the start]].\n".into(),
        ),
    ]);
    let b = build_dir(&dir.path().join("vault"));
    assert_clean(&b);
    assert!(
        b.read("guide.html")
            .contains(r##"<a href="index.html#get-started">the start</a>"##)
    );
}

/// A file name wins over a title, and both over a page's URL path: `[[my-note]]` is the file
/// `my-note.md`, not `My Note.md` (whose page is `my-note.html` too), and not ambiguous.
#[test]
fn file_names_come_before_titles_and_urls() {
    let dir = vault(&[
        (
            "index.md",
            "[[my-note]], [[Topic]] and [[a/my-note|by path]].\n".into(),
        ),
        ("a/My Note.md", "# My Note\n\nBack to [[index]].\n".into()),
        ("b/my-note.md", "# Topic\n\nBack to [[index]].\n".into()),
        (
            "c/Topic.md",
            "The file named Topic. Back to [[index]].\n".into(),
        ),
    ]);
    let b = build_dir(&dir.path().join("vault"));
    assert_clean(&b);
    let home = b.read("index.html");
    assert!(
        home.contains(r#"<a href="b/my-note.html">my-note</a>"#),
        "{home}"
    );
    assert!(
        home.contains(r#"<a href="c/topic.html">Topic</a>"#),
        "{home}"
    );
    assert!(
        home.contains(r#"<a href="a/my-note.html">by path</a>"#),
        "{home}"
    );
}

/// Quartz's `tags/<tag>.md` introduces a tag: the note is the tag's page (its text, then the
/// tag's notes), and `tags/index.md` the page of all tags. Both were a collision error.
#[test]
fn quartz_tag_notes_are_the_tag_pages() {
    let b = build_clean("vault-quartz-tags");
    let tag = b.read("tags/component.html");
    assert!(
        tag.contains("<h1>Components</h1>") || tag.contains(">Components</h1>"),
        "{tag}"
    );
    assert!(
        tag.contains("<strong>building blocks</strong>"),
        "the note's text: {tag}"
    );
    let listing = &tag[tag
        .find("id=\"corem-tagged\"")
        .expect("the tag's notes are listed")..];
    assert!(listing.contains("Tagged “component”"), "{listing}");
    for (title, url) in [("Caching", "../caching.html"), ("Queues", "../queues.html")] {
        assert!(
            listing.contains(title) && listing.contains(url),
            "{title}: {listing}"
        );
    }
    // A tag without a note of its own keeps its generated page.
    let perf = b.read("tags/performance.html");
    assert!(perf.contains("Caching"), "{perf}");
    // tags/index.md is the list of tags, with its own text first.
    let all = b.read("tags/index.html");
    assert!(all.contains("Every tag of the garden"), "{all}");
    let list = &all[all
        .find("id=\"corem-all-tags\"")
        .expect("every tag is listed")..];
    assert!(
        list.contains("component.html") && list.contains("performance.html"),
        "{list}"
    );
    // Links to the tag and to the note reach the same page.
    let home = b.read("index.html");
    assert!(home.contains("href=\"tags/component.html\""), "{home}");
    assert!(home.contains("href=\"tags/index.html\""), "{home}");
}

/// Quartz's own docs link `[[index#🪴 Get Started]]` from `getting-started/index.md`: the
/// `index` nearest to that note is the note itself, which has no such heading, and corem
/// reported a broken link where Quartz goes to the one `index.md` that has the heading. An
/// anchor now decides between notes of the same name when exactly one has it; the nearest note
/// still wins when it has the anchor itself.
#[test]
fn an_anchor_picks_the_one_note_of_a_shared_name_that_has_it() {
    let b = build_clean("vault-anchor-names");
    let started = b.read("getting-started/index.html");
    assert!(
        started.contains("href=\"../index.html#-get-started\""),
        "to the home note's heading: {started}"
    );
    assert!(
        started.contains("href=\"#setup\"") || started.contains("href=\"index.html#setup\""),
        "its own Setup heading: {started}"
    );
    let features = b.read("features/index.html");
    assert!(
        features.contains("href=\"#setup\"") || features.contains("href=\"index.html#setup\""),
        "the nearest index has Setup itself: {features}"
    );
    assert!(
        features.contains("href=\"../index.html#features\""),
        "{features}"
    );
}

/// What stays an error: an anchor no note of that name has (reported on the nearest note), and
/// one that several others have (the author must say which).
#[test]
fn an_anchor_no_single_note_has_is_still_an_error() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("vault");
    support::copy_dir(&support::fixture("vault-anchor-names"), &dir);
    let append = |rel: &str, text: &str| {
        let p = dir.join(rel);
        let mut s = std::fs::read_to_string(&p).expect("fixture note");
        s.push_str(text);
        std::fs::write(&p, s).expect("write note");
    };
    append("getting-started/index.md", "\nAnd [[index#Nowhere]].\n");
    append("index.md", "\nBoth guides have [[index#Setup]].\n");
    let out = tmp.path().join("site");
    let Err(Error::Diagnostics(d)) = corem::build(&dir, &support::options(&out)) else {
        panic!("the build should fail on the two links");
    };
    let text = render(&d);
    assert!(
        text.contains("getting-started/index.md:12:5")
            && text.contains("no heading `Nowhere` in `Getting started`"),
        "{text}"
    );
    assert!(
        text.contains("index.md:15:18")
            && text.contains("no heading `Setup` in `Welcome to the garden`"),
        "{text}"
    );
    assert!(!out.exists(), "a failed build writes no site");
}
