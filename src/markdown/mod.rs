//! Markdown: pulldown-cmark events plus corem's own passes.
//!
//! A note body becomes [`Parsed`]: an event stream in which every link, image, embed, code fence,
//! math span and inline calculation is replaced by a placeholder that later stages fill in, plus
//! the facts the site graph needs (headings with their ids, links with their source offsets and
//! the sentence around them). Nothing here knows about other notes.

mod autolink;
pub mod slug;

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

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
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    /// The `id` attribute: a GitHub-style slug, unique in the note, or the `{#custom}` id.
    pub id: String,
    /// Plain text of the heading.
    pub text: String,
    /// Byte offset in the body.
    pub offset: usize,
}

/// Where a link points, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `[[Name]]`, `[[Name#Heading]]`, `[[#Heading]]` (empty name).
    Wiki {
        name: String,
        anchor: Option<String>,
    },
    /// A relative path `../x.md#a` (percent-decoded), or `/x.md` from the notes root.
    Path {
        path: String,
        anchor: Option<String>,
    },
    /// `#anchor` in the same note.
    Anchor(String),
    /// Anything with a scheme (`https:`, `mailto:`…), left as is.
    External(String),
}

/// What kind of reference a link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Link,
    Image,
    /// `![[Note]]`: transclude the note (or one of its sections).
    Embed,
}

/// A link, image or embed found in a note.
#[derive(Debug, Clone)]
pub struct Link {
    pub kind: LinkKind,
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
}

/// A fenced or indented code block.
#[derive(Debug, Clone)]
pub struct Fence {
    /// First word of the info string, lower-cased (`rust`, `mermaid`, `calc`); empty if none.
    pub lang: String,
    /// The whole info string.
    pub info: String,
    pub code: String,
    /// Byte offset in the body of the first line of code (after the opening fence).
    pub offset: usize,
}

/// An event of a parsed note: Markdown, or a placeholder resolved when rendering.
#[derive(Debug, Clone)]
pub enum Ev {
    Md(Event<'static>),
    /// Opening `<a>` of `links[i]`.
    LinkStart(usize),
    LinkEnd(usize),
    /// `<img>` of `links[i]`.
    Image(usize),
    /// Transclusion of `links[i]`.
    Embed(usize),
    /// A heading start, with its index in `headings`.
    HeadingStart(usize),
    HeadingEnd(usize),
    /// `fences[i]`: highlighted code, diagram or calculation.
    Fence(usize),
    /// `$…$` or `$$…$$`, with its body offset.
    Math {
        display: bool,
        tex: String,
        offset: usize,
    },
    /// Inline `` `= expr` ``: a value computed in the note's calc context.
    InlineCalc {
        expr: String,
        offset: usize,
    },
}

/// A note body after parsing.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub events: Vec<Ev>,
    /// Text of a level-1 heading that opens the body (the title fallback).
    pub h1: Option<String>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub fences: Vec<Fence>,
    /// Anchors that are not headings: `id="…"` in raw HTML and footnote labels.
    pub extra_ids: Vec<String>,
    pub word_count: usize,
    /// Lookup tables of [`Parsed::find_heading`] and [`Parsed::has_extra_id`], built on first
    /// use (public so that `Parsed { .., ..Default::default() }` works; leave it default).
    pub anchors: AnchorIndex,
}

/// See [`Parsed::anchors`].
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
            // Text equal ignoring case (ASCII case included: its lower cases are equal too).
            .or_else(|| a.by_text.get(&wanted.to_lowercase()))?;
        self.headings.get(*i)
    }

    /// True when `id` is one of [`Parsed::extra_ids`] (a hash-set probe).
    pub fn has_extra_id(&self, id: &str) -> bool {
        self.anchors().extra.contains(id)
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
    let raw = merge_text(Parser::new_ext(body, options()).into_offset_iter());
    let mut p = Pass::new(body);
    p.run(raw, title);
    (p.out, p.problems)
}

/// A problem found while parsing, at a byte offset of the body (the caller knows the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
    pub help: Option<String>,
}

/// Collects adjacent text events into one, so passes can look at whole runs of text.
fn merge_text<'a>(
    iter: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    for (ev, range) in iter {
        if let Event::Text(t) = &ev
            && let Some((Event::Text(prev), prev_range)) = out.last_mut()
        {
            let mut s = prev.to_string();
            s.push_str(t);
            *prev = CowStr::from(s);
            prev_range.end = range.end;
            continue;
        }
        out.push((ev, range));
    }
    out
}

/// An open block whose plain text is being collected for link contexts.
struct TextBlock {
    text: String,
    /// Links that started in this block, with their position in `text`.
    links: Vec<(usize, usize)>,
}

/// What a `BlockQuote` start turned into, so its end closes the same markup.
enum Quote {
    Plain,
    Callout { foldable: bool },
}

struct Pass<'b> {
    body: &'b str,
    out: Parsed,
    problems: Vec<Problem>,
    blocks: Vec<TextBlock>,
    quotes: Vec<Quote>,
    used_ids: HashMap<String, usize>,
    /// Inside a link: autolinking must not nest links.
    in_link: usize,
}

impl<'b> Pass<'b> {
    fn new(body: &'b str) -> Self {
        Pass {
            body,
            out: Parsed::default(),
            problems: Vec::new(),
            blocks: Vec::new(),
            quotes: Vec::new(),
            used_ids: HashMap::new(),
            in_link: 0,
        }
    }

    fn push(&mut self, ev: Event<'_>) {
        self.out.events.push(Ev::Md(ev.into_static()));
    }

    fn html(&mut self, s: String) {
        self.out.events.push(Ev::Md(Event::InlineHtml(s.into())));
    }

    /// Adds plain text to the innermost open block (for contexts and word counts).
    fn text(&mut self, t: &str) {
        self.out.word_count += t.split_whitespace().count();
        if let Some(b) = self.blocks.last_mut() {
            b.text.push_str(t);
        }
    }

    fn open_block(&mut self) {
        self.blocks.push(TextBlock {
            text: String::new(),
            links: Vec::new(),
        });
    }

    /// Closes a text block and gives each link in it its sentence.
    fn close_block(&mut self) {
        let Some(b) = self.blocks.pop() else { return };
        let positions: Vec<usize> = b.links.iter().map(|&(_, pos)| pos).collect();
        for ((link, _), context) in b.links.iter().zip(sentences_around(&b.text, &positions)) {
            self.out.links[*link].context = context;
        }
        // A block nested in another (a paragraph in a list item) also counts for the parent.
        if let Some(parent) = self.blocks.last_mut() {
            if !parent.text.is_empty() && !parent.text.ends_with(' ') {
                parent.text.push(' ');
            }
            parent.text.push_str(&b.text);
        }
    }

    fn add_link(&mut self, link: Link) -> usize {
        let i = self.out.links.len();
        self.out.links.push(link);
        if let Some(b) = self.blocks.last_mut() {
            b.links.push((i, b.text.len()));
        }
        i
    }

    /// `title` is `None` for a snippet (headings all kept), else the note's front-matter title.
    fn run(&mut self, raw: Vec<(Event<'_>, Range<usize>)>, title: Option<Option<&str>>) {
        let mut i = 0;
        // An opening H1 is the title fallback; it is dropped when it duplicates the title.
        let mut skip_h1 = None;
        if let (
            Some(title),
            Some((
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }),
                _,
            )),
        ) = (title, raw.first())
        {
            let end = raw
                .iter()
                .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                .unwrap_or(0);
            let text = plain_text(&raw[1..end]);
            let drop = title.is_none_or(|t| t.trim().eq_ignore_ascii_case(text.trim()));
            self.out.h1 = Some(text);
            if drop {
                skip_h1 = Some(end + 1);
            }
        }
        if let Some(n) = skip_h1 {
            i = n;
        }
        while i < raw.len() {
            i = self.step(&raw, i);
        }
    }

    /// Handles the event at `i` and returns the index of the next unhandled event.
    fn step(&mut self, raw: &[(Event<'_>, Range<usize>)], i: usize) -> usize {
        let (ev, range) = &raw[i];
        match ev {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let end = find_end(raw, i);
                let text = plain_text(&raw[i + 1..end]);
                let level = *level as u8;
                let id = match id {
                    Some(custom) => {
                        let custom = custom.to_string();
                        if self.used_ids.contains_key(&custom) {
                            self.problems.push(self.problem(
                                range.start,
                                format!("heading id `{custom}` is used twice in this note"),
                                Some("give each `{#id}` a different name".into()),
                            ));
                        }
                        self.used_ids.insert(custom.clone(), 0);
                        custom
                    }
                    None => self.unique_id(slug::github_slug(&text)),
                };
                let _ = classes;
                let h = self.out.headings.len();
                self.out.headings.push(Heading {
                    level,
                    id,
                    text: text.clone(),
                    offset: range.start,
                });
                self.open_block();
                self.out.events.push(Ev::HeadingStart(h));
                let mut j = i + 1;
                while j < end {
                    j = self.step(raw, j);
                }
                self.out.events.push(Ev::HeadingEnd(h));
                self.close_block();
                end + 1
            }
            Event::Start(Tag::BlockQuote(_)) => self.blockquote(raw, i),
            Event::End(TagEnd::BlockQuote(_)) => {
                match self.quotes.pop() {
                    Some(Quote::Callout { foldable: true }) => {
                        self.html("</div></details>\n".into())
                    }
                    Some(Quote::Callout { foldable: false }) => self.html("</div></div>\n".into()),
                    _ => self.push(ev.clone()),
                }
                i + 1
            }
            Event::Start(Tag::CodeBlock(kind)) => {
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
                let f = self.out.fences.len();
                self.out.fences.push(Fence {
                    lang,
                    info,
                    code,
                    offset,
                });
                self.out.events.push(Ev::Fence(f));
                end + 1
            }
            Event::Start(Tag::Paragraph) => {
                // A paragraph holding only an embed is replaced by the embed (block content
                // must not sit inside <p>).
                if let (
                    Some((
                        Event::Start(Tag::Image {
                            link_type,
                            dest_url,
                            ..
                        }),
                        _,
                    )),
                    true,
                ) = (raw.get(i + 1), true)
                    && matches!(link_type, LinkType::WikiLink { .. })
                    && !is_asset_name(dest_url)
                {
                    let img_end = find_end(raw, i + 1);
                    if matches!(
                        raw.get(img_end + 1),
                        Some((Event::End(TagEnd::Paragraph), _))
                    ) {
                        self.step(raw, i + 1);
                        return img_end + 2;
                    }
                }
                self.open_block();
                self.push(ev.clone());
                i + 1
            }
            Event::End(TagEnd::Paragraph) => {
                self.push(ev.clone());
                self.close_block();
                i + 1
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                collect_ids(h, &mut self.out.extra_ids);
                self.push(ev.clone());
                i + 1
            }
            Event::Start(Tag::Item | Tag::TableCell | Tag::FootnoteDefinition(_)) => {
                if let Tag::FootnoteDefinition(label) = match ev {
                    Event::Start(t) => t,
                    _ => unreachable!(),
                } {
                    self.out.extra_ids.push(label.to_string());
                }
                self.open_block();
                self.push(ev.clone());
                i + 1
            }
            Event::End(TagEnd::Item | TagEnd::TableCell | TagEnd::FootnoteDefinition) => {
                self.push(ev.clone());
                self.close_block();
                i + 1
            }
            Event::Start(Tag::Table(_)) => {
                self.html("<div class=\"table-wrap\">".into());
                self.push(ev.clone());
                i + 1
            }
            Event::End(TagEnd::Table) => {
                self.push(ev.clone());
                self.html("</div>\n".into());
                i + 1
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let end = find_end(raw, i);
                // `[[Note#Heading]]` without a label reads "Note › Heading"; `[[#Heading]]` reads
                // "Heading" (as in Obsidian), instead of showing the raw target.
                let unlabelled_wiki =
                    matches!(link_type, LinkType::WikiLink { has_pothole: false })
                        && dest_url.contains('#');
                let shown = unlabelled_wiki.then(|| wiki_display(dest_url));
                let text = shown
                    .clone()
                    .unwrap_or_else(|| plain_text(&raw[i + 1..end]));
                let target = match link_type {
                    LinkType::WikiLink { .. } => wiki_target(dest_url),
                    LinkType::Email => Target::External(format!("mailto:{dest_url}")),
                    _ => classify(dest_url),
                };
                let l = self.add_link(Link {
                    kind: LinkKind::Link,
                    target,
                    span: range.clone(),
                    text,
                    title: title.to_string(),
                    dest: match link_type {
                        LinkType::Email => format!("mailto:{dest_url}"),
                        _ => dest_url.to_string(),
                    },
                    context: String::new(),
                });
                self.out.events.push(Ev::LinkStart(l));
                self.in_link += 1;
                if let Some(shown) = shown {
                    self.text(&shown);
                    self.push(Event::Text(CowStr::from(shown)));
                } else {
                    let mut j = i + 1;
                    while j < end {
                        j = self.step(raw, j);
                    }
                }
                self.in_link -= 1;
                self.out.events.push(Ev::LinkEnd(l));
                end + 1
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let end = find_end(raw, i);
                let alt = plain_text(&raw[i + 1..end]);
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let (kind, target) = if wiki {
                    let t = wiki_target(dest_url);
                    if is_asset_name(dest_url) {
                        (LinkKind::Image, t)
                    } else {
                        (LinkKind::Embed, t)
                    }
                } else {
                    (LinkKind::Image, classify(dest_url))
                };
                // `![[img.png|300]]` style: the pipe text of an image wikilink is its alt text.
                let alt = if wiki && alt == dest_url.as_ref() {
                    String::new()
                } else {
                    alt
                };
                let l = self.add_link(Link {
                    kind,
                    target,
                    span: range.clone(),
                    text: alt,
                    title: title.to_string(),
                    dest: dest_url.to_string(),
                    context: String::new(),
                });
                self.out.events.push(if kind == LinkKind::Embed {
                    Ev::Embed(l)
                } else {
                    Ev::Image(l)
                });
                end + 1
            }
            Event::Text(t) => {
                self.text(t);
                if self.in_link == 0 {
                    self.autolink(t, range.start);
                } else {
                    self.push(ev.clone());
                }
                i + 1
            }
            Event::Code(c) => {
                self.text(c);
                match c.strip_prefix('=') {
                    Some(expr)
                        if expr.starts_with(char::is_whitespace) && !expr.trim().is_empty() =>
                    {
                        let lead = c.len() - c.trim_start_matches(['=', ' ', '\t']).len();
                        // The span's source includes the backticks; point at the expression.
                        let src = &self.body[range.clone()];
                        let ticks = src.len() - src.trim_start_matches('`').len();
                        let ws = src[ticks..].len() - src[ticks..].trim_start().len();
                        self.out.events.push(Ev::InlineCalc {
                            expr: expr.trim().to_string(),
                            offset: range.start + ticks + ws + lead,
                        })
                    }
                    _ => self.push(ev.clone()),
                }
                i + 1
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                self.text(m);
                let display = matches!(ev, Event::DisplayMath(_));
                let src = &self.body[range.clone()];
                let dollars = if display { 2 } else { 1 };
                let offset = if src.starts_with('$') {
                    range.start + dollars
                } else {
                    range.start
                };
                self.out.events.push(Ev::Math {
                    display,
                    tex: m.to_string(),
                    offset,
                });
                i + 1
            }
            Event::TaskListMarker(done) => {
                // pulldown-cmark's checkbox has no accessible name; say what it shows.
                let (checked, label) = if *done {
                    (" checked", "done")
                } else {
                    ("", "not done")
                };
                self.html(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
                ));
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

    /// Emits text, turning bare `https://…` and `www.…` into links (GFM autolinks).
    fn autolink(&mut self, text: &str, offset: usize) {
        let found = autolink::find(text);
        if found.is_empty() {
            self.push(Event::Text(CowStr::from(text.to_string())));
            return;
        }
        let mut pos = 0;
        for (r, url) in found {
            if r.start > pos {
                self.push(Event::Text(CowStr::from(text[pos..r.start].to_string())));
            }
            let shown = text[r.clone()].to_string();
            let l = self.out.links.len();
            self.out.links.push(Link {
                kind: LinkKind::Link,
                target: Target::External(url.clone()),
                span: offset + r.start..offset + r.end,
                text: shown.clone(),
                title: String::new(),
                dest: url,
                context: String::new(),
            });
            self.out.events.push(Ev::LinkStart(l));
            self.push(Event::Text(CowStr::from(shown)));
            self.out.events.push(Ev::LinkEnd(l));
            pos = r.end;
        }
        if pos < text.len() {
            self.push(Event::Text(CowStr::from(text[pos..].to_string())));
        }
    }

    /// A block quote: a GitHub alert / Obsidian callout when its first line is `[!type]`.
    fn blockquote(&mut self, raw: &[(Event<'_>, Range<usize>)], i: usize) -> usize {
        let marker = match (raw.get(i + 1), raw.get(i + 2)) {
            (Some((Event::Start(Tag::Paragraph), _)), Some((Event::Text(t), _))) => {
                parse_callout_marker(t)
            }
            _ => None,
        };
        let Some((kind, fold, consumed)) = marker else {
            self.quotes.push(Quote::Plain);
            self.push(raw[i].0.clone());
            return i + 1;
        };
        let foldable = fold.is_some();
        self.quotes.push(Quote::Callout { foldable });
        let kind_attr = escape_attr(&kind.to_lowercase());
        if foldable {
            let open = if fold == Some('+') { " open" } else { "" };
            self.html(format!(
                "<details class=\"callout\" data-callout=\"{kind_attr}\"{open}><summary class=\"callout-title\">"
            ));
        } else {
            self.html(format!(
                "<div class=\"callout\" data-callout=\"{kind_attr}\"><p class=\"callout-title\">"
            ));
        }
        // Title: the rest of the marker's line, else the type's name.
        let (Event::Text(first), first_range) = &raw[i + 2] else {
            unreachable!("checked above")
        };
        let after_marker = &first[consumed..];
        let (title_line, body_rest) = match after_marker.find('\n') {
            Some(n) => (&after_marker[..n], Some(&after_marker[n + 1..])),
            None => (after_marker, None),
        };
        let mut j = i + 3;
        let mut title_events: Vec<(Event<'_>, Range<usize>)> = Vec::new();
        if !title_line.trim().is_empty() {
            title_events.push((
                Event::Text(CowStr::from(title_line.trim_start().to_string())),
                first_range.clone(),
            ));
        }
        // Inline events after the marker text, up to the end of the first line, belong to the title.
        let mut leftover: Vec<(Event<'_>, Range<usize>)> = Vec::new();
        if let Some(rest) = body_rest {
            if !rest.is_empty() {
                leftover.push((
                    Event::Text(CowStr::from(rest.to_string())),
                    first_range.clone(),
                ));
            }
        } else {
            while j < raw.len() {
                match &raw[j].0 {
                    Event::SoftBreak | Event::HardBreak => {
                        j += 1;
                        break;
                    }
                    Event::End(TagEnd::Paragraph) => break,
                    _ => {
                        let end = if matches!(raw[j].0, Event::Start(_)) {
                            find_end(raw, j)
                        } else {
                            j
                        };
                        title_events.extend(raw[j..=end].iter().cloned());
                        j = end + 1;
                    }
                }
            }
        }
        if title_events.is_empty() {
            let mut name = kind.to_lowercase();
            if let Some(f) = name.get(0..1) {
                name = f.to_uppercase() + &name[1..];
            }
            self.push(Event::Text(CowStr::from(name)));
        } else {
            let mut k = 0;
            while k < title_events.len() {
                k = self.step(&title_events, k);
            }
        }
        if foldable {
            self.html("</summary><div class=\"callout-body\">".into());
        } else {
            self.html("</p><div class=\"callout-body\">".into());
        }
        // The rest of the first paragraph (if any) becomes the body's first paragraph.
        let para_end = find_end(raw, i + 1);
        let has_more = !leftover.is_empty() || j < para_end;
        if has_more {
            self.open_block();
            self.push(Event::Start(Tag::Paragraph));
            let mut k = 0;
            while k < leftover.len() {
                k = self.step(&leftover, k);
            }
            while j < para_end {
                j = self.step(raw, j);
            }
            self.push(Event::End(TagEnd::Paragraph));
            self.close_block();
        }
        para_end + 1
    }

    fn unique_id(&mut self, base: String) -> String {
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

    fn problem(&self, offset: usize, message: String, help: Option<String>) -> Problem {
        Problem {
            offset,
            message,
            help,
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

/// Index of the `End` event matching the `Start` at `i`.
fn find_end(raw: &[(Event<'_>, Range<usize>)], i: usize) -> usize {
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

/// `[!type]`, `[!type]+`, `[!type]-` at the start of a callout's first line:
/// (type, fold sign, bytes consumed by the marker and the blanks after it).
fn parse_callout_marker(text: &str) -> Option<(String, Option<char>, usize)> {
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let kind = &rest[..close];
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let mut consumed = 2 + close + 1;
    let after = &text[consumed..];
    let fold = match after.chars().next() {
        Some(c @ ('+' | '-')) => {
            consumed += 1;
            Some(c)
        }
        _ => None,
    };
    let ws = text[consumed..].len() - text[consumed..].trim_start_matches([' ', '\t']).len();
    consumed += ws;
    Some((kind.to_string(), fold, consumed))
}

/// How an unlabelled wikilink to a heading reads: `Note › Heading`, or `Heading` in the same note.
fn wiki_display(dest: &str) -> String {
    match wiki_target(dest) {
        Target::Wiki {
            name,
            anchor: Some(a),
        } if name.is_empty() => a,
        Target::Wiki {
            name,
            anchor: Some(a),
        } => format!("{name} › {a}"),
        Target::Wiki { name, .. } => name,
        _ => dest.to_string(),
    }
}

/// Splits a wikilink target `Name#Heading` (the `|label` part is already removed by the parser).
fn wiki_target(dest: &str) -> Target {
    // In a table, `[[Note\|label]]` escapes the pipe; the parser leaves the backslash.
    let dest = dest.trim().trim_end_matches('\\');
    match dest.split_once('#') {
        Some((name, anchor)) => Target::Wiki {
            name: name.trim().to_string(),
            anchor: Some(anchor.trim().to_string()).filter(|a| !a.is_empty()),
        },
        None => Target::Wiki {
            name: dest.to_string(),
            anchor: None,
        },
    }
}

/// Classifies a Markdown link destination.
pub fn classify(dest: &str) -> Target {
    let dest = dest.trim();
    if let Some(anchor) = dest.strip_prefix('#') {
        return Target::Anchor(decode(anchor));
    }
    if has_scheme(dest) || dest.starts_with("//") {
        return Target::External(dest.to_string());
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(decode(a))),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    Target::Path {
        path: decode(path),
        anchor: anchor.filter(|a| !a.is_empty()),
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(n) if n > 1 => s[..n]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')),
        _ => false,
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// True when a wikilink embed names a file that is not a note (`![[diagram.png]]`).
fn is_asset_name(dest: &str) -> bool {
    let name = dest.split('#').next().unwrap_or(dest);
    match name.rsplit_once('.') {
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            ext != "md"
                && ext != "markdown"
                && ext.len() <= 5
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// The sentence of `text` that contains each byte of `positions` (in increasing order), trimmed
/// to a readable length. The sentence ends are found once, so a block with thousands of links
/// costs its length, not its length per link.
fn sentences_around(text: &str, positions: &[usize]) -> Vec<String> {
    let bytes = text.as_bytes();
    let ends: Vec<usize> = (0..bytes.len())
        .filter(|&i| {
            matches!(bytes[i], b'.' | b'!' | b'?')
                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
        })
        .collect();
    let mut last: Option<(usize, String)> = None;
    positions
        .iter()
        .map(|&pos| {
            // The sentence runs from after the last end before `pos` to the first end at or
            // after it; links of one sentence share it.
            let k = ends.partition_point(|&i| i < pos.min(text.len()));
            match &last {
                Some((lk, s)) if *lk == k => s.clone(),
                _ => {
                    let start = k.checked_sub(1).map_or(0, |j| ends[j] + 1);
                    let end = ends.get(k).map_or(text.len(), |&i| i + 1);
                    let s = readable(text[start..end].trim());
                    last = Some((k, s.clone()));
                    s
                }
            }
        })
        .collect()
}

/// A sentence cut to 240 characters.
fn readable(s: &str) -> String {
    if s.chars().nth(240).is_some() {
        let cut: String = s.chars().take(237).collect();
        format!("{}…", cut.trim_end())
    } else {
        s.to_string()
    }
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
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

#[cfg(test)]
mod tests;
