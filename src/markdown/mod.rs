//! Markdown: pulldown-cmark events plus corem's own passes.
//!
//! A note body becomes [`Parsed`]: an event stream in which every link, image, embed, code fence,
//! math span and inline calculation is replaced by a placeholder that later stages fill in, plus
//! the facts the site graph needs (headings with their ids, block ids, links with their source
//! offsets and the sentence around them, inline tags). Nothing here knows about other notes.
//!
//! The work is done in passes, each in its own file:
//!
//! 1. `source.rs`: text rewrites before parsing (Obsidian `%%comments%%` removed, wikilink pipes
//!    in table rows escaped), with a map back to the note's own offsets;
//! 2. pulldown-cmark, then `highlight.rs`: `==marked==` text becomes `<mark>`;
//! 3. one walk over the event tree (`walk.rs`) that hands each construct to its handler:
//!    `heading.rs` (ids), `links.rs` (links, images, embeds, bare URLs, `#tags`), `callout.rs`,
//!    `inline.rs` (code, inline values, math, task boxes), `blocks.rs` (`^block-id`s), fences.

mod autolink;
mod blocks;
mod callout;
mod heading;
mod highlight;
mod inline;
mod links;
pub mod slug;
mod source;
mod walk;

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser};

pub use links::classify;

/// Markdown extensions corem enables: CommonMark + GFM, footnotes, heading ids, math, wikilinks.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
        | Options::ENABLE_WIKILINKS
}

/// A heading of a note.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute: a GitHub-style slug, unique in the note, or the `{#custom}` id.
    pub id: String,
    /// Plain text of the heading.
    pub text: String,
    /// Byte offset in the body.
    pub offset: usize,
}

/// A block with an Obsidian block id (`text ^my-id`, or a line `^my-id` after a table, list,
/// quote or callout): a link target (`[[Note#^my-id]]`) and an embed (`![[Note#^my-id]]`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Block {
    /// The id without its caret (`my-id`).
    pub id: String,
    /// Its events in [`Parsed::events`], opening and closing ones included. The opening one is
    /// [`Ev::BlockStart`].
    pub events: Range<usize>,
    /// Its text in the body.
    pub span: Range<usize>,
    /// The opening tag, before and after where the `id` attribute goes (`<p`, `>`).
    pub open: (String, String),
    /// What an embed of the block alone puts around it: a list item's list (`<ol start="3">`,
    /// `</ol>`), so that the item is still in one.
    pub wrap: Option<(String, String)>,
}

/// Where a link points, as written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    /// `[[Name]]`, `[[Name#Heading]]`, `[[Name#Heading#Sub]]`, `[[Name#^block]]`,
    /// `[[#Heading]]` (empty name).
    Wiki {
        /// The note's title, file name or alias (empty for the same note).
        name: String,
        /// The heading or `^block` after `#`.
        anchor: Option<String>,
    },
    /// A relative path `../x.md#a` (percent-decoded), or `/x.md` from the notes root.
    Path {
        /// The file's path.
        path: String,
        /// The fragment after `#`.
        anchor: Option<String>,
    },
    /// `#anchor` in the same note.
    Anchor(String),
    /// Anything with a scheme (`https:`, `mailto:`…), left as is.
    External(String),
    /// An inline `#tag` in the text (its name, without `#`): links to the tag's page.
    Tag(String),
}

/// What kind of reference a link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// A link (`[x](y.md)`, `[[Note]]`).
    Link,
    /// An image or other media file (`![[clip.mp4]]`, `![](a.png)`).
    Image,
    /// `![[Note]]`: transclude the note (or one of its sections or blocks).
    Embed,
}

/// A link, image or embed found in a note.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// Link, image or embed.
    pub kind: LinkKind,
    /// Where it points, as written.
    pub target: Target,
    /// Byte range of the whole link in the body.
    pub span: Range<usize>,
    /// Plain text of the link (or image alt text).
    pub text: String,
    /// `title` attribute, if any.
    pub title: String,
    /// The destination exactly as written (`../x.md#a`, or the wikilink target `Note#Heading`).
    pub dest: String,
    /// The sentence around the link, for backlinks.
    pub context: String,
    /// Display size of an image or media embed: `![[a.png|300]]` (width), `|300x200`.
    pub size: Option<(u32, Option<u32>)>,
}

/// A fenced or indented code block.
#[derive(Debug, Clone)]
pub struct Fence {
    /// First word of the info string, lower-cased (`rust`, `mermaid`, `calc`); empty if none.
    pub lang: String,
    /// The whole info string.
    pub info: String,
    /// The code, without the fences.
    pub code: String,
    /// Byte offset in the body of the first line of code (after the opening fence).
    pub offset: usize,
    /// Links the block holds (a diagram's `click` targets), as indices into `Parsed::links`, in
    /// the order the diagram numbers them.
    pub links: Vec<usize>,
}

/// An event of a parsed note: Markdown, or a placeholder resolved when rendering.
#[derive(Debug, Clone)]
pub enum Ev {
    /// A Markdown event, rendered as pulldown-cmark renders it.
    Md(Event<'static>),
    /// Opening `<a>` of `links[i]`.
    LinkStart(usize),
    /// Closing `</a>` of `links[i]`.
    LinkEnd(usize),
    /// `<img>` (or `<video>`, `<audio>`, PDF viewer) of `links[i]`.
    Image(usize),
    /// Transclusion of `links[i]`.
    Embed(usize),
    /// A heading start, with its index in `headings`.
    HeadingStart(usize),
    /// A heading's end, with its index in `headings`.
    HeadingEnd(usize),
    /// The opening tag of `blocks[i]`, which carries the block's id.
    BlockStart(usize),
    /// `fences[i]`: highlighted code, diagram or calculation.
    Fence(usize),
    /// `$…$` or `$$…$$`, with its body offset.
    Math {
        /// `$$…$$`: a block of its own.
        display: bool,
        /// The TeX between the dollars.
        tex: String,
        /// Byte offset of the TeX in the body.
        offset: usize,
    },
    /// Inline `` `= expr` ``: a value computed in the note's calc context.
    InlineCalc {
        /// The expression after `=`.
        expr: String,
        /// Byte offset of the expression in the body.
        offset: usize,
    },
}

/// A note body after parsing.
/// A note's parse goes into the build cache without its event stream and code blocks (dropped
/// by then, see [`Parsed::drop_streams`]) and lookup tables (see [`crate::cache::notes`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Parsed {
    /// The note's events, in order, with placeholders for what is resolved later.
    #[serde(skip)]
    pub events: Vec<Ev>,
    /// Text of a level-1 heading that opens the body (the title fallback).
    pub h1: Option<String>,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Every block with a block id (`^my-id`), in order.
    pub blocks: Vec<Block>,
    /// Every link, image and embed, in order.
    pub links: Vec<Link>,
    /// Every code block, in order.
    #[serde(skip)]
    pub fences: Vec<Fence>,
    /// Anchors that are not headings: `id="…"` in raw HTML, footnote labels, and block ids
    /// (`^my-id`).
    pub extra_ids: Vec<String>,
    /// Inline `#tags` of the text, without `#`, in order of first use.
    pub tags: Vec<String>,
    /// Words of the text (for the reading time).
    pub word_count: usize,
    /// Lookup tables of [`Parsed::find_heading`] and [`Parsed::has_extra_id`], built on first
    /// use (public so that `Parsed { .., ..Default::default() }` works; leave it default).
    #[serde(skip)]
    pub anchors: AnchorIndex,
}

/// The lookup tables behind [`Parsed::find_heading`] and [`Parsed::has_extra_id`] (the field
/// `Parsed::anchors`), built on first use.
#[derive(Debug, Clone, Default)]
pub struct AnchorIndex(std::sync::OnceLock<Anchors>);

/// A note's headings by id and by lower-cased text (the first of each), and its other ids.
#[derive(Debug, Clone, Default)]
struct Anchors {
    by_id: HashMap<String, usize>,
    by_text: HashMap<String, usize>,
    extra: std::collections::HashSet<String>,
}

impl Parsed {
    /// Frees the event stream and the code blocks once the note's blocks are computed
    /// ([`crate::render::prepare_note`]): rendering parses the note again
    /// ([`crate::render::html::note_events`]), which costs far less than keeping every
    /// note's stream (about 2.6 GB at 100,000 notes). What the link stage and the fast
    /// path of `serve` compare (links, headings, ids, tags) is kept.
    pub fn drop_streams(&mut self) {
        self.events = Vec::new();
        self.fences = Vec::new();
    }

    /// Finds a heading by id, by slug of the given text, or by its text (case-insensitively).
    /// Each lookup is a hash-map probe: a note with thousands of headings and links to them
    /// costs its links, not its links times its headings.
    pub fn find_heading(&self, wanted: &str) -> Option<&Heading> {
        let wanted = wanted.trim();
        let a = self.anchors();
        let i = a
            .by_id
            .get(wanted)
            .or_else(|| a.by_id.get(&slug::github_slug(wanted)))
            .or_else(|| a.by_text.get(&wanted.to_lowercase()))?;
        self.headings.get(*i)
    }

    /// True when `id` is one of [`Parsed::extra_ids`] (a hash-set probe).
    pub fn has_extra_id(&self, id: &str) -> bool {
        self.anchors().extra.contains(id)
    }

    /// Builds the lookup tables of [`Parsed::find_heading`] and [`Parsed::has_extra_id`] now
    /// rather than on first use (the link stage builds every note's in parallel).
    pub fn index_anchors(&self) {
        self.anchors();
    }

    fn anchors(&self) -> &Anchors {
        self.anchors.0.get_or_init(|| {
            let mut a = Anchors::default();
            for (i, h) in self.headings.iter().enumerate() {
                a.by_id.entry(h.id.clone()).or_insert(i);
                a.by_text.entry(h.text.to_lowercase()).or_insert(i);
            }
            a.extra = self.extra_ids.iter().cloned().collect();
            a
        })
    }

    /// [`Parsed::find_heading`] among `self.headings[range]`.
    fn find_heading_in(&self, wanted: &str, range: Range<usize>) -> Option<&Heading> {
        let wanted = wanted.trim();
        let as_slug = slug::github_slug(wanted);
        let lower = wanted.to_lowercase();
        let hs = &self.headings[range];
        hs.iter()
            .find(|h| h.id == wanted)
            .or_else(|| hs.iter().find(|h| h.id == as_slug))
            .or_else(|| hs.iter().find(|h| h.text.to_lowercase() == lower))
    }

    /// Finds a heading by a chain `Heading#Subheading#…` (as Obsidian writes them): each name
    /// is looked for under the previous one. A single name is [`Parsed::find_heading`]; a
    /// heading whose own text contains `#` is found by its whole text first.
    pub fn find_heading_chain(&self, chain: &str) -> Option<&Heading> {
        if let Some(h) = self.find_heading(chain) {
            return Some(h);
        }
        let mut range = 0..self.headings.len();
        let mut found = None;
        for part in chain.split('#').filter(|p| !p.trim().is_empty()) {
            let h = self.find_heading_in(part, range.clone())?;
            let i = self.headings.iter().position(|x| std::ptr::eq(x, h))?;
            let end = self.headings[i + 1..]
                .iter()
                .position(|x| x.level <= h.level)
                .map_or(self.headings.len(), |p| i + 1 + p);
            range = i + 1..end;
            found = Some(h);
        }
        found
    }

    /// The block with id `id` (with or without its caret).
    pub fn find_block(&self, id: &str) -> Option<&Block> {
        let id = id.strip_prefix('^').unwrap_or(id);
        self.blocks.iter().find(|b| b.id == id)
    }

    /// Events of the part of the note an anchor names: a heading's section (up to the next
    /// heading of the same or a higher level) or a block (`^id`). Empty when unknown.
    pub fn anchor_events(&self, anchor: &str) -> Range<usize> {
        self.anchor_events_in(&self.events, anchor)
    }

    /// [`Parsed::anchor_events`] in `events`, this note's event stream parsed again (a build
    /// that keeps no event streams; see `render::Site::reparse`).
    pub fn anchor_events_in(&self, events: &[Ev], anchor: &str) -> Range<usize> {
        if anchor.starts_with('^') {
            return self.find_block(anchor).map_or(0..0, |b| b.events.clone());
        }
        let Some(h) = self.headings.iter().position(|h| h.id == anchor) else {
            return 0..0;
        };
        let level = self.headings[h].level;
        let start = events
            .iter()
            .position(|e| matches!(e, Ev::HeadingStart(x) if *x == h))
            .unwrap_or(0);
        let end = events[start + 1..]
            .iter()
            .position(|e| matches!(e, Ev::HeadingStart(x) if self.headings[*x].level <= level))
            .map_or(events.len(), |p| start + 1 + p);
        start..end
    }

    /// Body text of the part of the note an anchor names (see [`Parsed::anchor_events`]);
    /// `body_len` is the length of the body. `None` when the anchor is unknown.
    pub fn anchor_span(&self, anchor: &str, body_len: usize) -> Option<Range<usize>> {
        if anchor.starts_with('^') {
            return self.find_block(anchor).map(|b| b.span.clone());
        }
        let h = self.headings.iter().position(|h| h.id == anchor)?;
        let level = self.headings[h].level;
        let end = self.headings[h + 1..]
            .iter()
            .find(|x| x.level <= level)
            .map_or(body_len, |x| x.offset);
        Some(self.headings[h].offset..end)
    }
}

/// Parses a note body. `title` is the front-matter title: an opening `# H1` equal to it (or any
/// opening H1 when there is no front-matter title) is dropped, since templates print the title.
pub fn parse(body: &str, title: Option<&str>) -> (Parsed, Vec<Problem>) {
    parse_inner(body, Some(title))
}

/// Parses Markdown that is not a note page (a snippet): every heading is kept.
pub fn parse_snippet(body: &str) -> (Parsed, Vec<Problem>) {
    parse_inner(body, None)
}

fn parse_inner(body: &str, title: Option<Option<&str>>) -> (Parsed, Vec<Problem>) {
    let src = source::prepare(body);
    let events = Parser::new_ext(&src.text, options()).into_offset_iter();
    let raw = if src.is_verbatim() {
        merge_text(events)
    } else {
        merge_text(events.map(|(e, r)| (e, src.original(r.start)..src.original(r.end))))
    };
    let raw = highlight::marks(raw);
    walk::run(body, raw, title)
}

/// A problem found while parsing, at a byte offset of the body (the caller knows the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Byte offset in the body.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

impl Problem {
    /// This problem as a diagnostic of `severity` at its place in the note file `path`, whose
    /// whole text (front matter included) is `source` with the body starting at `body_start`.
    pub fn located(
        self,
        severity: crate::diagnostic::Severity,
        path: &std::path::Path,
        source: &str,
        body_start: usize,
    ) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Diagnostic, Severity};
        let d = match severity {
            Severity::Error => Diagnostic::error(path, self.message),
            Severity::Warning => Diagnostic::warning(path, self.message),
        };
        let mut d = d.at(source, body_start + self.offset);
        d.help = self.help;
        d
    }

    /// This problem as an error at its place in `note`.
    pub fn note_error(self, note: &crate::load::Note) -> crate::diagnostic::Diagnostic {
        let severity = crate::diagnostic::Severity::Error;
        self.located(severity, &note.path, &note.source, note.body_start)
    }
}

/// An event with its byte range in the body.
type Raw<'a> = (Event<'a>, Range<usize>);

/// Collects adjacent text events into one, so passes can look at whole runs of text. A run is
/// built in one growing buffer: copying it for every piece made a line of 40,000 unmatched
/// emphasis markers (`*a **b …`, thousands of text events) take a minute.
fn merge_text<'a>(iter: impl Iterator<Item = Raw<'a>>) -> Vec<Raw<'a>> {
    let mut out: Vec<Raw<'a>> = Vec::new();
    // The run being merged: its first piece, and the buffer once a second piece arrives.
    let mut run: Option<(CowStr<'a>, Option<String>, Range<usize>)> = None;
    let flush = |run: &mut Option<(CowStr<'a>, Option<String>, Range<usize>)>,
                 out: &mut Vec<Raw<'a>>| {
        if let Some((first, buf, range)) = run.take() {
            let text = buf.map_or(first, CowStr::from);
            out.push((Event::Text(text), range));
        }
    };
    for (ev, range) in iter {
        match ev {
            Event::Text(t) => match &mut run {
                Some((first, buf, r)) => {
                    buf.get_or_insert_with(|| first.to_string()).push_str(&t);
                    r.end = range.end;
                }
                None => run = Some((t, None, range)),
            },
            other => {
                flush(&mut run, &mut out);
                out.push((other, range));
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Index of the `End` event matching the `Start` at `i`.
fn find_end(raw: &[Raw<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in raw.iter().enumerate().skip(i) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    raw.len().saturating_sub(1)
}

/// The plain text of a run of events (for headings, link texts, titles).
pub fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                s.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// Escapes text for an HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML element content.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped_html(&mut out, s);
    out
}

/// Appends `s` escaped for HTML element content.
pub fn push_escaped_html(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html(out, s).ok();
}

/// Opens the marker of an inline `` `= expr` `` value in link contexts: the marker holds the
/// event index of the [`Ev::InlineCalc`], then [`VALUE_END`].
pub const VALUE_START: char = '\u{e000}';
/// Closes a value marker (see [`VALUE_START`]).
pub const VALUE_END: char = '\u{e001}';

/// A link context with its inline-value markers replaced by what `value(event index)` gives
/// (the computed value as the reader sees it); a marker without a value, or cut off by the
/// context's length limit, is dropped.
pub fn fill_values(text: &str, value: impl Fn(usize) -> Option<String>) -> String {
    if !text.contains(VALUE_START) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(VALUE_START) {
        out.push_str(&rest[..at]);
        rest = &rest[at + VALUE_START.len_utf8()..];
        let Some(end) = rest.find(VALUE_END) else {
            rest = "";
            break;
        };
        if let Some(v) = rest[..end].parse().ok().and_then(&value) {
            out.push_str(&v);
        }
        rest = &rest[end + VALUE_END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
