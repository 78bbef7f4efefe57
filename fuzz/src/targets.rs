//! The fuzz targets: one function per pipeline part, each taking arbitrary bytes.
//!
//! A target panics (and so reports a finding) when corem panics, or when an invariant of its
//! output breaks: offsets outside the text or inside a UTF-8 character, a round trip that
//! does not come back, an SVG that is not well-formed XML. Both drivers call these functions:
//! `afl-target` (coverage-guided, long runs) and `corem-fuzz` (seeded mutations, CI).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use corem::calc::{Limits, NoteCalc};
use corem::config::{BrokenLinks, Config, Project};
use corem::load::{self, LoadedFile, Meta, frontmatter};
use corem::markdown::{self, Ev, Parsed};
use corem::render::{self, Site, fence::Special};

/// A target: its name (also its corpus and dictionary folder name) and its function.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "frontmatter",
        run: frontmatter,
    },
    Target {
        name: "markdown",
        run: markdown,
    },
    Target {
        name: "mermaid",
        run: mermaid,
    },
    Target {
        name: "calc_scan",
        run: calc_scan,
    },
    Target {
        name: "search",
        run: search,
    },
];

/// The target called `name`.
pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// Notes are read as UTF-8 (`load::read_note` rejects anything else with a diagnostic), so
/// every target works on the text the bytes mean, invalid sequences replaced.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn assert_boundary(s: &str, at: usize, what: &str) {
    assert!(
        at <= s.len(),
        "{what}: offset {at} past the end ({})",
        s.len()
    );
    assert!(
        s.is_char_boundary(at),
        "{what}: offset {at} inside a character"
    );
}

/// Front matter: splitting a note, parsing YAML and TOML into `Meta`, and placing every
/// diagnostic (line, column, source line, rendering).
pub fn frontmatter(data: &[u8]) {
    let source = text(data);
    let file = Path::new("notes/fuzz.md");
    let split = match frontmatter::split(&source, file) {
        Ok(s) => s,
        Err(d) => {
            check_diagnostic(&source, &d);
            return;
        }
    };
    assert_boundary(&source, split.body_start, "body start");
    let Some((format, matter, offset)) = split.matter else {
        assert_eq!(split.body_start, 0);
        return;
    };
    assert_boundary(&source, offset, "front matter offset");
    assert_eq!(&source[offset..offset + matter.len()], matter);
    match frontmatter::parse(format, matter, offset, &source, file) {
        Ok(meta) => {
            // Templates receive the metadata as JSON.
            let _ = serde_json_len(&meta);
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without a diagnostic");
            for d in &diags {
                check_diagnostic(&source, d);
            }
        }
    }
}

fn serde_json_len(meta: &Meta) -> usize {
    format!("{meta:?}").len() + meta.extra.len()
}

/// A diagnostic points inside the source and renders.
fn check_diagnostic(source: &str, d: &corem::diagnostic::Diagnostic) {
    let lines = source.split('\n').count();
    assert!(
        d.line <= lines,
        "diagnostic on line {} of a {lines}-line note: {d:?}",
        d.line
    );
    let rendered = d.render(false);
    assert!(rendered.contains(&d.message));
}

/// The project every Markdown input is built in: no files are read, nothing is written.
fn project() -> &'static Project {
    static P: OnceLock<Project> = OnceLock::new();
    P.get_or_init(|| {
        let root = PathBuf::from("/corem-fuzz");
        Project {
            notes_dir: root.join("notes"),
            output_dir: root.join("public"),
            templates_dir: root.join("templates"),
            static_dir: root.join("static"),
            config: Config {
                title: Some("Fuzz".into()),
                // Warnings, so that a broken link still renders.
                broken_links: BrokenLinks::Warn,
                ..Config::default()
            },
            root,
            vault_mode: false,
            config_file: None,
        }
    })
}

/// A note the fuzzed note can link to and embed, with headings, a callout, a calc block
/// and an inline value of its own.
const COMPANION: &str = "---\ntitle: Caching\naliases: [Cache]\n---\n# Caching\n\nIntro with [[fuzz]].\n\n## Cache-aside\n\nRead through.\n\n> [!note] Kept\n> Body.\n\n```calc\nlet hit = 90 %\n```\n\nHit rate `= hit`.\n\n### Write-through\n\nDone.\n";

/// Loads a note the way `load::read_note` does, from text instead of a file.
fn loaded(rel: &str, source: String) -> LoadedFile {
    let path = project().notes_dir.join(rel);
    let (body_start, meta) = match frontmatter::split(&source, &path) {
        Ok(split) => {
            let meta = match split.matter {
                Some((fmt, text, off)) => {
                    frontmatter::parse(fmt, text, off, &source, &path).unwrap_or_default()
                }
                None => Meta::default(),
            };
            (split.body_start, meta)
        }
        Err(_) => (0, Meta::default()),
    };
    (path, rel.to_string(), load::Source::new(source), body_start, meta)
}

/// The Markdown pipeline of one note: front matter, corem's passes (wikilinks, embeds,
/// callouts, inline values, math, fences), link resolution against a second note and an
/// image, calc blocks and inline values evaluated, Mermaid and code fences rendered, and the
/// note's HTML written both in the site and standalone. This is what `corem check` does to a
/// one-note project, without the disk and the page templates.
pub fn markdown(data: &[u8]) {
    let project = project();
    let mut fuzzed = loaded("fuzz.md", text(data));
    // A `draft: true` note is skipped by the load stage; keep it in.
    fuzzed.4.draft = false;
    let notes = vec![Ok(loaded("caching.md", COMPANION.into())), Ok(fuzzed)];
    let assets = vec![(project.notes_dir.join("diagram.png"), "diagram.png".into())];
    let mut diags = Vec::new();
    let corpus = load::assemble(project, Default::default(), notes, assets, &mut diags);
    let parsed: Vec<Parsed> = corpus
        .notes
        .iter()
        .map(|n| {
            let (p, problems) = markdown::parse(n.body(), n.meta.title.as_deref());
            for pr in &problems {
                assert_boundary(n.body(), pr.offset, "problem");
            }
            check_parsed(n.body(), &p);
            p
        })
        .collect();
    let (graph, _) = corem::link::link(&corpus, &parsed, BrokenLinks::Warn);
    let prepared: Vec<render::Prepared> = corpus
        .notes
        .iter()
        .map(|n| prepare(n, &parsed[n.id]))
        .collect();
    let dates = HashMap::new();
    let site = Site {
        project,
        corpus: &corpus,
        parsed: &parsed,
        graph: &graph,
        prepared: &prepared,
        dates: &dates,
        nav_cache: Default::default(),
        print_parts: Default::default(),
        colours: Default::default(),
        reparse: false,
    };
    for n in &corpus.notes {
        let (html, sections) =
            render::html::note_html(&site, n.id, render::html::Mode::Page(&n.out_path), true);
        assert!(!sections.is_empty());
        let _ = render::html::note_html(&site, n.id, render::html::Mode::OnePage, false);
        let _ = html;
        let _ = render::html::standalone_html(&parsed[n.id]);
    }
}

/// Every offset the parse reports lies in the body, on a character boundary.
fn check_parsed(body: &str, p: &Parsed) {
    for h in &p.headings {
        assert_boundary(body, h.offset, "heading");
    }
    for l in &p.links {
        assert!(l.span.start <= l.span.end, "link span {:?}", l.span);
        assert_boundary(body, l.span.start, "link start");
        assert_boundary(body, l.span.end, "link end");
    }
    for f in &p.fences {
        assert_boundary(body, f.offset, "fence");
    }
    for ev in &p.events {
        match ev {
            Ev::Math { offset, .. } | Ev::InlineCalc { offset, .. } => {
                assert_boundary(body, *offset, "math or inline value")
            }
            Ev::LinkStart(i) | Ev::LinkEnd(i) | Ev::Image(i) | Ev::Embed(i) => {
                assert!(*i < p.links.len())
            }
            Ev::HeadingStart(i) | Ev::HeadingEnd(i) => assert!(*i < p.headings.len()),
            Ev::Fence(i) => assert!(*i < p.fences.len()),
            Ev::Md(_) | Ev::BlockStart(_) => {}
        }
    }
}

/// A note's computed blocks, as `render::prepare_note` does, with tighter calc limits (a
/// runaway calculation is a finding of the time limit, not a fuzzer hang).
fn prepare(note: &corem::load::Note, p: &Parsed) -> render::Prepared {
    let body = note.body();
    let opts = render::BlockOptions::default();
    let formats = opts.formats;
    let mut state = render::fence::NoteState::new(note, p, opts);
    let limits = Limits {
        time: Duration::from_secs(2),
        memory: 64 * 1024 * 1024,
    };
    let new_calc = || NoteCalc::new(body, 0, p, formats).with_limits(limits);
    let mut calc: Option<NoteCalc> = None;
    let mut out = Vec::new();
    for (i, ev) in p.events.iter().enumerate() {
        let res = match ev {
            Ev::Fence(f) if p.fences[*f].lang == "calc" => Some(
                calc.get_or_insert_with(&new_calc)
                    .block(&p.fences[*f])
                    .map(|r| Special {
                        html: r.html,
                        text: r.text,
                        is_code: true,
                        ..Special::default()
                    }),
            ),
            Ev::Fence(f) => Some(render::fence::fence(&p.fences[*f], &mut state)),
            Ev::Math {
                display,
                tex,
                offset,
            } => Some(Ok(render::fence::math(tex, *display, *offset).0)),
            Ev::InlineCalc { expr, offset } => Some(
                calc.get_or_insert_with(&new_calc)
                    .inline(expr, *offset)
                    .map(|r| Special {
                        html: r.html,
                        text: r.text,
                        is_code: false,
                        ..Special::default()
                    }),
            ),
            _ => None,
        };
        let block = match res {
            Some(Ok(s)) => Some(s),
            Some(Err(problems)) => {
                for pr in problems {
                    assert!(
                        pr.offset <= body.len(),
                        "problem past the end of the body: {pr:?}"
                    );
                }
                None
            }
            None => None,
        };
        if let Some(b) = block {
            out.push((i as u32, b));
        }
    }
    render::Prepared::new(out)
}

/// Mermaid: the parsers of every supported diagram type and the layout, through the public
/// entry point a ```` ```mermaid ```` fence uses. The SVG must be well-formed XML (it is
/// inlined in pages: a label that escapes its element would be markup injection) and an
/// error must point into the source.
pub fn mermaid(data: &[u8]) {
    let src = text(data);
    let rendered = corem::diagram::mermaid(&src);
    match rendered.as_ref() {
        Ok(r) => {
            let svg = r.svg("dg0");
            if let Err(e) = roxmltree::Document::parse(&svg) {
                panic!("the SVG is not well-formed XML: {e}\n{svg}");
            }
            let figure = corem::diagram::figure(r, "dg1", r.title.as_deref());
            assert!(figure.contains("<svg"));
        }
        Err(e) => assert!(
            e.pos <= src.len(),
            "error at {} past the end ({}): {}",
            e.pos,
            src.len(),
            e.message
        ),
    }
}

/// Calc block scanning: the tokenizer, statement splitting and the position maps, names,
/// definitions and hash-call detection, on a block's text.
pub fn calc_scan(data: &[u8]) {
    use corem::calc::scan;
    let block = text(data);
    for t in scan::tokens(&block) {
        assert!(t.range.start <= t.range.end, "token {t:?}");
        assert_boundary(&block, t.range.start, "token start");
        assert_boundary(&block, t.range.end, "token end");
    }
    let mut lines = Vec::new();
    let mut off = 0;
    for line in block.split('\n') {
        lines.push((line, off));
        off += line.len() + 1;
    }
    for item in scan::split_block(&lines) {
        let st = match item {
            scan::Item::Stmt(st) => st,
            scan::Item::Format { offset, .. } => {
                assert!(offset <= block.len(), "format spec at {offset}");
                continue;
            }
            scan::Item::Comment(_) => continue,
        };
        let stmt = &st.src.text;
        for pos in (0..=stmt.len()).filter(|&p| stmt.is_char_boundary(p)) {
            let at = st.src.body(pos);
            assert!(at <= block.len(), "position {pos} of {stmt:?} maps to {at}");
        }
        if let Some((_, r)) = scan::definition(stmt) {
            assert_boundary(stmt, r.start, "definition");
            assert_boundary(stmt, r.end, "definition");
        }
        let _ = scan::head(stmt);
        for (name, r) in scan::idents(stmt) {
            assert_eq!(&stmt[r], name);
        }
        if let Some(at) = scan::too_deep(stmt, scan::MAX_NESTING) {
            assert_boundary(stmt, at, "nesting");
        }
        let calls = scan::calls(stmt, &["sha256", "md5", "hmac_sha256"]);
        let mut edits = Vec::new();
        let mut last = 0;
        for c in &calls {
            assert_boundary(stmt, c.range.start, "call");
            assert_boundary(stmt, c.range.end, "call");
            for a in &c.args {
                assert!(c.range.start <= a.start && a.end <= c.range.end, "{c:?}");
                let _ = scan::plain_string(&stmt[a.clone()]);
            }
            if c.range.start >= last {
                edits.push((c.range.clone(), "\"digest\"".to_string()));
                last = c.range.end;
            }
        }
        let replaced = st.src.replace(&edits);
        for pos in (0..=replaced.text.len()).filter(|&p| replaced.text.is_char_boundary(p)) {
            assert!(replaced.body(pos) <= block.len());
        }
    }
}

/// The search tokenizer: Unicode words, the ASCII fast path (which must split exactly as the
/// general path does), folding, stop words, stemming, and the index's encodings (numbers and
/// the front-coded dictionary), which must decode to what was encoded.
pub fn search(data: &[u8]) {
    use corem::search::encode::{self, TermLink};
    use corem::search::text;
    let s = self::text(data);
    let general: Vec<String> = text::words(&s).collect();
    let mut fast = Vec::new();
    text::each_word(&s, |w| fast.push(w.to_string()));
    assert_eq!(fast, general, "the ASCII fast path split {s:?} differently");
    let stemmer = text::Stemmer::default();
    let mut dict: Vec<String> = Vec::new();
    for w in &general {
        assert_eq!(&text::fold(w), w, "folding is not idempotent on {w:?}");
        let _ = text::is_stop(w);
        let stem = stemmer.stem(w);
        if encode::storable(w) {
            dict.push(w.clone());
        }
        let _ = stem;
    }
    let _ = corem::search::collect::simple_slug(&s);
    assert_eq!(encode::js_len(&s), s.encode_utf16().count());
    // The dictionary: sorted, unique, front-coded with term links, decoded back.
    encode::js_sort(&mut dict);
    dict.dedup();
    let links: Vec<TermLink> = (0..dict.len())
        .map(|i| match data.get(i).map(|b| usize::from(*b) % 4) {
            _ if i == 0 => TermLink::New,
            Some(0) => TermLink::New,
            Some(1) => TermLink::Back(1),
            Some(k) => TermLink::Back(1 + (k * 7919 + i) % i),
            None => TermLink::New,
        })
        .collect();
    let coded = encode::front_code(&dict, &links);
    let decoded = encode::front_decode(&coded);
    let want: Vec<(String, TermLink)> = dict.into_iter().zip(links).collect();
    assert_eq!(decoded, want, "front coding did not round-trip");
    // Numbers: every 8-byte window of the input, written and read back.
    let nums: Vec<u64> = data
        .chunks(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(b) >> (b[0] % 64)
        })
        .collect();
    let mut w = encode::Writer::default();
    for &n in &nums {
        w.num(n);
    }
    let mut r = encode::Reader::new(&w.out);
    for &n in &nums {
        assert_eq!(r.num(), Some(n), "number {n} did not round-trip");
    }
    assert!(r.at_end());
}
