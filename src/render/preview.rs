//! Link previews: what a reader sees when hovering or focusing a link to a note.
//!
//! Each note gets one classic script, `_preview/<page path>.js` (`principles/cap-theorem.html` →
//! `_preview/principles/cap-theorem.js`), that adds the note to the global `COREM_PREVIEWS`: its
//! title, description, section and its content cut at every heading into chunks of rendered
//! HTML (diagrams, calculations and math included). `static/preview.js` inserts the script the
//! first time a link to the note is hovered or focused (a `<script>` element: no `fetch`, so it
//! works from `file://`) and shows the chunk of the linked heading with its subsections, or the
//! note's opening. The path of the script follows from the link's own `href`, so pages carry no
//! preview data at all.
//!
//! Chunks are rendered as the note's own page renders them (links relative to that page; the
//! script resolves them against the link's URL), headings without ids. Each chunk keeps whole
//! top-level blocks up to [`CHUNK_TEXT`] characters of visible text (always its first block),
//! so a preview script stays a fraction of its page.

use pulldown_cmark::Event;
use serde::Serialize;

use super::Site;
use super::html::{self, Mode};
use crate::load::NoteId;
use crate::markdown::Ev;

/// Folder of the preview scripts at the output root.
pub const DIR: &str = "_preview";

/// Visible characters kept per chunk before the rest of it is left to the note itself.
pub const CHUNK_TEXT: usize = 1400;

/// The preview script of the page at `out_path`.
pub fn shard_path(out_path: &str) -> String {
    let stem = out_path.strip_suffix(".html").unwrap_or(out_path);
    format!("{DIR}/{stem}.js")
}

/// One heading's part of a note: heading id (empty for the opening), level (0 for the
/// opening), heading text, HTML of the blocks under it up to the next heading, and 1 when
/// blocks were left out.
#[derive(Serialize, Debug, PartialEq)]
struct Chunk(String, u8, String, String, u8);

#[derive(Serialize)]
struct Data<'a> {
    /// Title.
    t: &'a str,
    /// Description (may be empty).
    d: String,
    /// The sections the note is in, outermost first, joined by ` › ` (empty at the root).
    p: String,
    c: Vec<Chunk>,
}

/// Top-level blocks of an event stream: event range, and the heading index when the block is
/// a heading.
fn blocks(events: &[Ev]) -> Vec<(std::ops::Range<usize>, Option<usize>)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, e) in events.iter().enumerate() {
        match e {
            Ev::Md(Event::Start(_)) | Ev::HeadingStart(_) => depth += 1,
            Ev::Md(Event::End(_)) | Ev::HeadingEnd(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            let heading = match e {
                Ev::HeadingEnd(h) => Some(*h),
                _ => None,
            };
            out.push((start..i + 1, heading));
            start = i + 1;
        }
    }
    if start < events.len() {
        out.push((start..events.len(), None));
    }
    out
}

/// Characters a reader sees in some HTML (everything outside tags; entities count as one).
fn visible_len(html: &str) -> usize {
    let mut n = 0;
    let (mut in_tag, mut in_entity) = (false, false);
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if in_tag => {}
            ';' if in_entity => in_entity = false,
            _ if in_entity => {}
            '&' => {
                n += 1;
                in_entity = true;
            }
            c if !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    n
}

/// The chunks of a note (its event stream `events`), opening first.
fn chunks(site: &Site, n: NoteId, events: &[Ev]) -> Vec<Chunk> {
    let parsed = &site.parsed[n];
    let mode = Mode::Page(&site.corpus.notes[n].out_path);
    let mut out = vec![Chunk(String::new(), 0, String::new(), String::new(), 0)];
    let mut used = 0;
    for (range, heading) in blocks(events) {
        if let Some(h) = heading {
            let head = &parsed.headings[h];
            out.push(Chunk(
                head.id.clone(),
                head.level,
                head.text.clone(),
                String::new(),
                0,
            ));
            used = 0;
            continue;
        }
        let Some(chunk) = out.last_mut() else {
            continue;
        };
        if chunk.4 == 1 {
            continue;
        }
        if used >= CHUNK_TEXT {
            chunk.4 = 1;
            continue;
        }
        let block = html::range_html(site, n, events, range, mode);
        used += visible_len(&block).max(1);
        chunk.3.push_str(&block);
    }
    out
}

/// The sections a note is in, outermost first (the root and the note's own section when it
/// is that section's index are left out).
fn section_path(site: &Site, n: NoteId) -> String {
    let note = &site.corpus.notes[n];
    let mut names = Vec::new();
    let mut s = Some(note.section);
    if note.is_index {
        s = site.corpus.sections[note.section].parent;
    }
    while let Some(id) = s {
        if id != 0 {
            names.push(site.graph.section_titles[id].as_str());
        }
        s = site.corpus.sections[id].parent;
    }
    names.reverse();
    names.join(" › ")
}

/// The preview script of note `n`, whose event stream is `events` (see
/// [`html::note_events`]): `(output path, JavaScript)`.
pub fn shard(site: &Site, n: NoteId, events: &[Ev]) -> (String, String) {
    let note = &site.corpus.notes[n];
    let data = Data {
        t: site.title(n),
        d: site.description(n),
        p: section_path(site, n),
        c: chunks(site, n, events),
    };
    let key = serde_json::to_string(&note.out_path).unwrap_or_default();
    let json = serde_json::to_string(&data).unwrap_or_default();
    (
        shard_path(&note.out_path),
        format!("(window.COREM_PREVIEWS=window.COREM_PREVIEWS||{{}})[{key}]={json};\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_paths_mirror_pages() {
        assert_eq!(
            shard_path("principles/cap-theorem.html"),
            "_preview/principles/cap-theorem.js"
        );
        assert_eq!(shard_path("index.html"), "_preview/index.js");
    }

    #[test]
    fn visible_text_skips_tags() {
        assert_eq!(visible_len("<p>ab <em>c</em></p>"), 3);
        assert_eq!(visible_len("<svg><text>x &amp; y</text></svg>"), 3);
    }

    #[test]
    fn blocks_split_at_top_level() {
        let (p, _) = crate::markdown::parse(
            "Intro *text*.\n\n## A\n\n- one\n- two\n\n```\ncode\n```\n\n---\n",
            None,
        );
        let b = blocks(&p.events);
        let headings: Vec<Option<usize>> = b.iter().map(|x| x.1).collect();
        assert_eq!(headings, [None, Some(0), None, None, None]);
        let last = b.last().map(|x| x.0.end);
        assert_eq!(last, Some(p.events.len()));
    }
}
