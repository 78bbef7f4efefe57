//! The walk over a note's event tree: [`Pass::step`] hands each event to the handler of its
//! construct (in the sibling modules) and keeps what every handler shares: the output, the
//! open text blocks (for link contexts and word counts) and the open containers (for block ids).

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{Ev, Link, Parsed, Problem, Raw, find_end, plain_text};

/// Parses the merged, highlighted events of `body` into [`Parsed`].
pub(super) fn run(
    body: &str,
    raw: Vec<Raw<'_>>,
    title: Option<Option<&str>>,
) -> (Parsed, Vec<Problem>) {
    let mut p = Pass::new(body);
    let mut i = p.skip_title_h1(&raw, title);
    while i < raw.len() {
        i = p.step(&raw, i);
    }
    p.out.word_count = p.words;
    (p.out, p.problems)
}

/// An open block whose plain text is being collected for link contexts.
struct TextBlock {
    text: String,
    /// Links that started in this block, with their position in `text`.
    links: Vec<(usize, usize)>,
}

/// What a `BlockQuote` start turned into, so its end closes the same markup.
pub(super) enum Quote {
    /// A plain `<blockquote>`.
    Plain,
    /// A callout (`> [!NOTE]`); a foldable one is a `<details>`.
    Callout { foldable: bool },
}

/// The kind of an open container (or a closed block) the block-id pass tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Root,
    Paragraph,
    Item,
    List,
    Quote,
    Table,
    /// A block that cannot carry an id in its own tag (code, heading, HTML): wrapped in a
    /// `<div>` when it gets one.
    Leaf,
    /// Anything else that holds blocks (a footnote).
    Other,
}

/// A block that was closed: the last one of its container, for a `^id` line after it.
#[derive(Debug, Clone)]
pub(super) struct Closed {
    /// Its first and last event in the output.
    pub events: Range<usize>,
    /// Its text in the body.
    pub span: Range<usize>,
}

/// An open container.
pub(super) struct Frame {
    /// What it is.
    pub kind: Kind,
    /// Index of its opening event in the output.
    pub start: usize,
    /// Its text in the body.
    pub span: Range<usize>,
    /// A block id found inside that names this container: (id, body offset).
    pub id: Option<(String, usize)>,
    /// The last block closed directly inside it.
    pub last: Option<Closed>,
    /// For a list: its first number (`None` when unordered) and the items opened so far.
    pub list: Option<(Option<u64>, u64)>,
}

/// The walk over a note's events: what it has produced so far and the state its passes share.
pub(super) struct Pass<'b> {
    /// The note body.
    pub body: &'b str,
    /// The parsed note being built.
    pub out: Parsed,
    /// Problems found so far.
    pub problems: Vec<Problem>,
    blocks: Vec<TextBlock>,
    /// What each open block quote became (plain or callout).
    pub quotes: Vec<Quote>,
    /// The open containers, outermost (the root) first.
    pub frames: Vec<Frame>,
    /// Heading and block ids given so far, with the last number added to make a copy unique.
    pub used_ids: HashMap<String, usize>,
    /// Inside a link: autolinking must not nest links.
    pub in_link: usize,
    words: usize,
}

impl<'b> Pass<'b> {
    fn new(body: &'b str) -> Self {
        Pass {
            body,
            out: Parsed::default(),
            problems: Vec::new(),
            blocks: Vec::new(),
            quotes: Vec::new(),
            frames: vec![Frame {
                kind: Kind::Root,
                start: 0,
                span: 0..body.len(),
                id: None,
                last: None,
                list: None,
            }],
            used_ids: HashMap::new(),
            in_link: 0,
            words: 0,
        }
    }

    /// Adds a Markdown event.
    pub fn push(&mut self, ev: Event<'_>) {
        self.out.events.push(Ev::Md(ev.into_static()));
    }

    /// Adds inline HTML.
    pub fn html(&mut self, s: String) {
        self.out.events.push(Ev::Md(Event::InlineHtml(s.into())));
    }

    /// Adds plain text to the innermost open block (for contexts and word counts).
    pub fn text(&mut self, t: &str) {
        self.words += word_count(t);
        if let Some(b) = self.blocks.last_mut() {
            b.text.push_str(t);
        }
    }

    /// Opens a text block (a paragraph, heading, cell…) for link contexts.
    pub fn open_block(&mut self) {
        self.blocks.push(TextBlock {
            text: String::new(),
            links: Vec::new(),
        });
    }

    /// Closes a text block and gives each link in it its sentence.
    pub fn close_block(&mut self) {
        let Some(b) = self.blocks.pop() else { return };
        if !b.links.is_empty() {
            // Sentence ends found once per block: a paragraph of 50,000 links once scanned the
            // whole paragraph for each of them.
            let ends = sentence_ends(&b.text);
            for (link, pos) in b.links {
                self.out.links[link].context = sentence_around(&b.text, &ends, pos);
            }
        }
        // A block nested in another (a paragraph in a list item) also counts for the parent.
        if let Some(parent) = self.blocks.last_mut() {
            if !parent.text.is_empty() && !parent.text.ends_with(' ') {
                parent.text.push(' ');
            }
            parent.text.push_str(&b.text);
        }
    }

    /// Records a link whose sentence is the open block's.
    pub fn add_link(&mut self, link: Link) -> usize {
        let i = self.out.links.len();
        self.out.links.push(link);
        if let Some(b) = self.blocks.last_mut() {
            b.links.push((i, b.text.len()));
        }
        i
    }

    /// Reports a problem at a byte offset of the body.
    pub fn problem(&mut self, offset: usize, message: String, help: Option<String>) {
        self.problems.push(Problem {
            offset,
            message,
            help,
        });
    }

    /// An opening H1 is the title fallback; it is dropped when it duplicates the title (`title`
    /// is `None` for a snippet, whose headings are all kept). Returns the first event to walk.
    fn skip_title_h1(&mut self, raw: &[Raw<'_>], title: Option<Option<&str>>) -> usize {
        let (
            Some(title),
            Some((
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }),
                _,
            )),
        ) = (title, raw.first())
        else {
            return 0;
        };
        let end = raw
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .unwrap_or(0);
        let text = plain_text(&raw[1..end]);
        let drop = title.is_none_or(|t| t.trim().eq_ignore_ascii_case(text.trim()));
        self.out.h1 = Some(text);
        if drop { end + 1 } else { 0 }
    }

    /// Walks the events `from..to` (the inside of a construct).
    pub fn walk(&mut self, raw: &[Raw<'_>], from: usize, to: usize) {
        let mut j = from;
        while j < to {
            j = self.step(raw, j);
        }
    }

    /// Handles the event at `i` and returns the index of the next unhandled event.
    pub fn step(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        let (ev, range) = &raw[i];
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.heading(raw, i, *level as u8, id.as_deref())
            }
            Event::Start(Tag::BlockQuote(_)) => self.blockquote(raw, i),
            Event::End(TagEnd::BlockQuote(_)) => {
                self.end_blockquote(ev);
                i + 1
            }
            Event::Start(Tag::CodeBlock(kind)) => self.code_block(raw, i, kind),
            Event::Start(Tag::Paragraph) => self.paragraph(raw, i),
            Event::Start(Tag::Item | Tag::TableCell | Tag::FootnoteDefinition(_)) => {
                self.start_text_container(ev, range);
                i + 1
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                self.push(ev.clone());
                self.close_block();
                self.close_frame();
                i + 1
            }
            Event::End(TagEnd::TableCell) => {
                self.push(ev.clone());
                self.close_block();
                i + 1
            }
            Event::Start(Tag::List(_) | Tag::HtmlBlock | Tag::Table(_) | Tag::TableRow)
            | Event::End(TagEnd::List(_) | TagEnd::HtmlBlock | TagEnd::Table)
            | Event::Rule => self.structure(raw, i),
            Event::Html(h) | Event::InlineHtml(h) => {
                collect_ids(h, &mut self.out.extra_ids);
                self.push(ev.clone());
                i + 1
            }
            Event::Start(Tag::Link { .. }) => self.link(raw, i),
            Event::Start(Tag::Image { .. }) => self.image(raw, i),
            Event::Text(t) => self.text_event(raw, i, t, range),
            Event::Code(c) => {
                self.code(ev, c, range);
                i + 1
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                self.math(m, matches!(ev, Event::DisplayMath(_)), range);
                i + 1
            }
            Event::TaskListMarker(done) => {
                self.task_marker(*done);
                i + 1
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                self.push(ev.clone());
                i + 1
            }
            _ => {
                self.push(ev.clone());
                i + 1
            }
        }
    }

    /// Lists, tables, HTML blocks and rules: passed on, with the containers block ids need.
    fn structure(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        let (ev, range) = &raw[i];
        match ev {
            Event::Start(Tag::List(first)) => {
                self.open_frame(Kind::List, range.clone());
                if let Some(f) = self.frames.last_mut() {
                    f.list = Some((*first, 0));
                }
                self.push(ev.clone());
                i + 1
            }
            Event::End(TagEnd::List(_)) => {
                self.push(ev.clone());
                self.close_frame();
                i + 1
            }
            Event::Start(Tag::HtmlBlock) => {
                self.open_frame(Kind::Leaf, range.clone());
                self.push(ev.clone());
                i + 1
            }
            Event::End(TagEnd::HtmlBlock) => {
                self.push(ev.clone());
                self.close_frame();
                i + 1
            }
            Event::Rule => {
                self.push(ev.clone());
                self.forget_last();
                i + 1
            }
            Event::Start(Tag::Table(_)) => {
                self.open_frame(Kind::Table, range.clone());
                self.html("<div class=\"table-wrap\">".into());
                self.push(ev.clone());
                i + 1
            }
            Event::Start(Tag::TableRow) => self.table_row(raw, i),
            Event::End(TagEnd::Table) => {
                self.push(ev.clone());
                self.html("</div>\n".into());
                self.close_frame();
                i + 1
            }
            _ => {
                self.push(ev.clone());
                i + 1
            }
        }
    }

    /// A list item, table cell or footnote: a text block of its own.
    fn start_text_container(&mut self, ev: &Event<'_>, range: &Range<usize>) {
        let kind = match ev {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.out.extra_ids.push(label.to_string());
                Some(Kind::Other)
            }
            Event::Start(Tag::Item) => {
                if let Some(Frame {
                    list: Some((_, items)),
                    ..
                }) = self.frames.last_mut()
                {
                    *items += 1;
                }
                Some(Kind::Item)
            }
            _ => None,
        };
        if let Some(k) = kind {
            self.open_frame(k, range.clone());
        }
        self.open_block();
        self.push(ev.clone());
    }

    /// A paragraph: a standalone `^id` line (the id of the block before it), a paragraph
    /// holding only an embed (replaced by the embed: block content must not sit inside `<p>`),
    /// or a text block.
    fn paragraph(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        if let Some(next) = self.standalone_block_id(raw, i) {
            return next;
        }
        if let Some(next) = self.embed_paragraph(raw, i) {
            return next;
        }
        self.open_frame(Kind::Paragraph, raw[i].1.clone());
        self.open_block();
        self.push(raw[i].0.clone());
        i + 1
    }

    /// A fenced or indented code block: a placeholder for highlighting, a diagram or a
    /// calculation.
    fn code_block(
        &mut self,
        raw: &[Raw<'_>],
        i: usize,
        kind: &pulldown_cmark::CodeBlockKind<'_>,
    ) -> usize {
        let range = &raw[i].1;
        let end = find_end(raw, i);
        let mut code = String::new();
        for (e, _) in &raw[i + 1..end] {
            if let Event::Text(t) = e {
                code.push_str(t);
            }
        }
        let info = match kind {
            pulldown_cmark::CodeBlockKind::Fenced(info) => info.trim().to_string(),
            pulldown_cmark::CodeBlockKind::Indented => String::new(),
        };
        let lang = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("")
            .to_lowercase();
        let offset = match raw.get(i + 1) {
            Some((Event::Text(_), r)) => r.start,
            _ => self.body[range.start..range.end]
                .find('\n')
                .map_or(range.start, |n| range.start + n + 1),
        };
        let links = if lang == "mermaid" {
            self.diagram_links(&code, offset)
        } else {
            Vec::new()
        };
        let f = self.out.fences.len();
        self.out.fences.push(super::Fence {
            lang,
            info,
            code,
            offset,
            links,
        });
        self.leaf(Ev::Fence(f), range.clone());
        end + 1
    }

    /// Pushes a block-level placeholder and remembers it as its container's last block.
    pub fn leaf(&mut self, ev: Ev, span: Range<usize>) {
        let at = self.out.events.len();
        self.out.events.push(ev);
        self.set_last(Closed {
            events: at..at + 1,
            span,
        });
    }

    /// Emits text, turning bare URLs into links and `#tags` into tag links (not inside a
    /// link), after taking off a trailing block id.
    fn text_event(
        &mut self,
        raw: &[Raw<'_>],
        i: usize,
        t: &CowStr<'_>,
        range: &Range<usize>,
    ) -> usize {
        let t = self.trailing_block_id(raw, i, t);
        self.text(&t);
        if self.in_link == 0 {
            self.inline_text(&t, range.start);
        } else {
            self.push(Event::Text(CowStr::from(t.to_string())));
        }
        i + 1
    }

    /// `base` (or `section` when empty) made unique in the note: `id`, `id-1`, `id-2`…
    pub fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        match self.used_ids.get(&base).copied() {
            None => {
                self.used_ids.insert(base.clone(), 0);
                base
            }
            Some(mut n) => loop {
                n += 1;
                let candidate = format!("{base}-{n}");
                if !self.used_ids.contains_key(&candidate) {
                    self.used_ids.insert(base.clone(), n);
                    self.used_ids.insert(candidate.clone(), 0);
                    break candidate;
                }
            },
        }
    }
}

/// Adds the values of `id="…"` attributes found in raw HTML.
fn collect_ids(html: &str, out: &mut Vec<String>) {
    let mut rest = html;
    while let Some(i) = rest.find("id=") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + 3..];
        if before.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let quote = rest.chars().next();
        if let Some(q @ ('"' | '\'')) = quote
            && let Some(end) = rest[1..].find(q)
        {
            out.push(rest[1..1 + end].to_string());
        }
    }
}

/// The number of whitespace-separated words of `t` (`t.split_whitespace().count()`), counted
/// on bytes when `t` is ASCII: every text event of every note goes through it.
fn word_count(t: &str) -> usize {
    if !t.is_ascii() {
        return t.split_whitespace().count();
    }
    // ASCII whitespace as `char::is_whitespace` has it: space and U+0009..=U+000D.
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let mut words = 0;
    let mut in_word = false;
    for &b in t.as_bytes() {
        let s = space(b);
        if !s && !in_word {
            words += 1;
        }
        in_word = !s;
    }
    words
}

/// Byte positions of the sentence-ending marks (`.`, `!`, `?` before whitespace or the end).
fn sentence_ends(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| {
            matches!(bytes[i], b'.' | b'!' | b'?')
                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
        })
        .collect()
}

/// The sentence of `text` around byte `pos`, given the sentence ends; at most 240 characters
/// (a longer sentence is cut around the link, with `…`).
fn sentence_around(text: &str, ends: &[usize], pos: usize) -> String {
    const MAX: usize = 240;
    let pos = pos.min(text.len());
    let k = ends.partition_point(|&e| e < pos);
    let start = if k > 0 { ends[k - 1] + 1 } else { 0 };
    let end = ends.get(k).map_or(text.len(), |&e| e + 1);
    let s = text[start..end].trim();
    if s.len() <= MAX || s.char_indices().nth(MAX).is_none() {
        return s.to_string();
    }
    // Where the link is in the trimmed sentence, in characters (bounded work).
    let lead = text[start..end].len() - text[start..end].trim_start().len();
    let link_at = pos.saturating_sub(start + lead).min(s.len());
    let link_chars = s
        .char_indices()
        .take_while(|(i, _)| *i < link_at)
        .take(MAX)
        .count();
    if link_chars < MAX - 40 {
        let cut: String = s.chars().take(MAX - 3).collect();
        return format!("{}…", cut.trim_end());
    }
    // The link is far into a long sentence: show the part around it.
    let mut from = link_at;
    for _ in 0..MAX / 3 {
        match s[..from].chars().next_back() {
            Some(c) => from -= c.len_utf8(),
            None => break,
        }
    }
    let cut: String = s[from..].chars().take(MAX - 6).collect();
    format!("…{}…", cut.trim())
}

#[cfg(test)]
mod tests {
    use super::word_count;

    #[test]
    fn word_count_agrees_with_split_whitespace() {
        for t in [
            "",
            " ",
            "one",
            "  two words  ",
            "tab\tnew\nline\r\nvertical\x0btab\x0cfeed",
            "a.b,c; d!",
            "non\u{a0}breaking space\u{2003}em",
            "naïve café",
            "\u{85}next line",
        ] {
            assert_eq!(word_count(t), t.split_whitespace().count(), "{t:?}");
        }
    }
}
