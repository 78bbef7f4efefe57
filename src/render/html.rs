//! A note's event stream → HTML, with every link made relative to the page it appears on (or
//! an in-page anchor for the one-page print view), embeds transcluded, and computed blocks
//! filled in. Also collects the plain text of each section for the search index.

use pulldown_cmark::{CowStr, Event};

use super::Site;
use super::fence::Special;
use crate::link::{Resolved, embeds};
use crate::load::NoteId;
use crate::markdown::{Ev, escape_attr, escape_html};

/// How links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode<'a> {
    /// A page of the site at this output path: links are relative to it.
    Page(&'a str),
    /// Every note on one page (`print.html`, single-file): links are in-page anchors.
    OnePage,
    /// Print page `.1` of a large site: like [`Mode::OnePage`], but a link to a note on another
    /// print page goes to its anchor there.
    PrintPart(&'a super::print::Parts, usize),
}

/// The text a reader sees in one section of a note (between two headings), for search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionText {
    /// Index in `Parsed::headings` of the heading opening the section; `None` before the first.
    pub heading: Option<usize>,
    pub text: String,
    pub code: String,
}

/// The anchor of a note on a one-page view (`principles/cap-theorem.html` → `principles--cap-theorem`).
pub fn note_anchor(out_path: &str) -> String {
    let p = out_path.strip_suffix(".html").unwrap_or(out_path);
    let p = p.strip_suffix("/index").unwrap_or(p);
    if p == "index" || p.is_empty() {
        "home".to_string()
    } else {
        p.replace('/', "--")
    }
}

/// A URL from one output page to another output file, relative, percent-encoded.
pub fn rel_url(from: &str, to: &str) -> String {
    // Every page's nav, breadcrumbs, links and graph call this (millions of times on a large
    // site): one allocation, for the result. The folders `from` and `to` share are skipped;
    // what is left of `to` after them is a suffix of it, encoded after one `../` per folder
    // of `from` not shared.
    let from_dirs = from.matches('/').count();
    let to_dirs = to.matches('/').count();
    let mut rest = to;
    let mut common = 0;
    for (a, b) in (from.split('/').take(from_dirs)).zip(to.split('/').take(to_dirs)) {
        if a != b {
            break;
        }
        common += 1;
        rest = &rest[b.len() + 1..];
    }
    let ups = from_dirs - common;
    let mut out = String::with_capacity(3 * ups + rest.len());
    for _ in 0..ups {
        out.push_str("../");
    }
    out.extend(percent_encoding::utf8_percent_encode(rest, PATH_SET));
    out
}

/// `../` repeated to reach the site root from a page.
pub fn root_prefix(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// Percent-encodes a path for an `href` (non-ASCII, spaces and URL syntax characters).
pub fn encode_path(p: &str) -> String {
    percent_encoding::utf8_percent_encode(p, PATH_SET).to_string()
}

/// Fragment part of a URL (`#id`), encoded.
fn fragment(id: &str) -> String {
    format!("#{}", encode_path(id))
}

/// A note's event stream: the one parsing kept, or, when the build dropped them to save memory
/// ([`super::Site::reparse`]), the note parsed again (parsing is deterministic, so the events,
/// and the indices its links, headings and computed blocks are known by, are the same).
pub fn note_events<'s>(site: &Site<'s>, note: NoteId) -> std::borrow::Cow<'s, [Ev]> {
    if site.reparse {
        let n = &site.corpus.notes[note];
        std::borrow::Cow::Owned(
            crate::markdown::parse(n.body(), n.meta.title.as_deref())
                .0
                .events,
        )
    } else {
        std::borrow::Cow::Borrowed(&site.parsed[note].events)
    }
}

/// Renders a note body. Returns the HTML and, when `collect` is set, the text of each section.
pub fn note_html(
    site: &Site,
    note: NoteId,
    mode: Mode,
    collect: bool,
) -> (String, Vec<SectionText>) {
    note_html_of(site, note, &note_events(site, note), mode, collect)
}

/// [`note_html`] of the note's event stream `events` (from [`note_events`]), for a caller
/// that renders the note more than once (its page and its link preview).
pub fn note_html_of(
    site: &Site,
    note: NoteId,
    events: &[Ev],
    mode: Mode,
    collect: bool,
) -> (String, Vec<SectionText>) {
    let mut r = Writer {
        site,
        mode,
        events: Vec::new(),
        sections: Vec::new(),
        collect,
        depth: 0,
        transcluded: 0,
    };
    if collect {
        r.sections.push(SectionText::default());
    }
    r.emit(note, events, 0..events.len(), true);
    let mut html = String::with_capacity(site.corpus.notes[note].body().len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, r.events.into_iter());
    if html.contains("></th>") {
        html = empty_header_cells_as_td(&html);
    }
    tighten(&mut r.sections);
    (html, r.sections)
}

/// A build keeps every note's section texts until the search index is made: no spare capacity
/// (text grown by pushes has up to half).
fn tighten(sections: &mut Vec<SectionText>) {
    for s in sections.iter_mut() {
        s.text.shrink_to_fit();
        s.code.shrink_to_fit();
    }
    sections.shrink_to_fit();
}

/// The text of each section of a note as [`note_html`] collects it, without making the HTML
/// (what the search index needs of a page a build kept rather than rendered).
pub fn note_sections(site: &Site, note: NoteId, mode: Mode) -> Vec<SectionText> {
    let events = note_events(site, note);
    let mut r = Writer {
        site,
        mode,
        events: Vec::new(),
        sections: vec![SectionText::default()],
        collect: true,
        depth: 0,
        transcluded: 0,
    };
    r.emit(note, &events, 0..events.len(), true);
    tighten(&mut r.sections);
    r.sections
}

/// HTML of events `range` of `note` (its event stream `events`, see [`note_events`]) as another
/// view shows it (a link preview): headings without ids, links written for `mode`, no section
/// texts collected.
pub fn range_html(
    site: &Site,
    note: NoteId,
    events: &[Ev],
    range: std::ops::Range<usize>,
    mode: Mode,
) -> String {
    let mut r = Writer {
        site,
        mode,
        events: Vec::new(),
        sections: Vec::new(),
        collect: false,
        depth: 0,
        transcluded: 0,
    };
    r.emit(note, events, range, false);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, r.events.into_iter());
    if html.contains("></th>") {
        html = empty_header_cells_as_td(&html);
    }
    html
}

/// An empty header cell (`| | Drive 1 |`) becomes `<td>`: a `<th>` announces a header that
/// screen readers then read as nothing (axe-core's `empty-table-header`).
fn empty_header_cells_as_td(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<th") {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let attrs_end = tail.find('>').unwrap_or(tail.len());
        let is_cell = matches!(tail.as_bytes().get(3), Some(b'>' | b' '));
        if is_cell && tail[attrs_end..].starts_with("></th>") {
            out.push_str("<td");
            out.push_str(&tail[3..attrs_end]);
            out.push_str("></td>");
            rest = &tail[attrs_end + "></th>".len()..];
        } else {
            out.push_str("<th");
            rest = &tail[3..];
        }
    }
    out.push_str(rest);
    out
}

struct Writer<'s, 'm> {
    site: &'s Site<'s>,
    mode: Mode<'m>,
    events: Vec<Event<'s>>,
    sections: Vec<SectionText>,
    collect: bool,
    /// Embed nesting depth (cycles are rejected earlier; this is a second guard).
    depth: usize,
    /// Markdown transcluded so far on this page, in bytes.
    transcluded: u64,
}

impl<'s> Writer<'s, '_> {
    fn html(&mut self, s: String) {
        self.events.push(Event::InlineHtml(CowStr::from(s)));
    }

    fn text(&mut self, t: &str, code: bool) {
        if self.collect
            && self.depth == 0
            && let Some(s) = self.sections.last_mut()
        {
            let buf = if code { &mut s.code } else { &mut s.text };
            if !buf.is_empty() && !buf.ends_with(char::is_whitespace) {
                buf.push(' ');
            }
            buf.push_str(t);
        }
    }

    fn special(&mut self, note: NoteId, s: Option<&'s Special>) {
        let Some(s) = s else { return };
        self.text(&s.text, s.is_code);
        if s.links.is_empty() {
            self.events.push(Event::Html(CowStr::Borrowed(&s.html)));
            return;
        }
        // A diagram's links, made relative to this page (a broken one is left out).
        let resolved = &self.site.graph.resolved[note];
        let mut html = s.html.clone();
        for (k, &l) in s.links.iter().enumerate() {
            let mark = format!(" href=\"{}\"", super::fence::link_placeholder(k));
            let url = resolved.get(l).and_then(|r| self.href(note, r));
            let attr = url.map_or(String::new(), |u| format!(" href=\"{}\"", escape_attr(&u)));
            html = html.replace(&mark, &attr);
        }
        self.events.push(Event::Html(CowStr::from(html)));
    }

    /// On a print page of a large site, the print page showing note `n` when it is another
    /// one (`print-components.html`), else nothing: its anchor is on this page.
    fn print_page_of(&self, n: NoteId) -> String {
        match self.mode {
            Mode::PrintPart(parts, current) => match parts.part_of(n) {
                Some(p) if p != current => encode_path(&parts.parts[p].out_path),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    /// The href of a resolved link target, for the current mode.
    fn href(&self, from: NoteId, r: &Resolved) -> Option<String> {
        let notes = &self.site.corpus.notes;
        match (self.mode, r) {
            (_, Resolved::External(u)) => Some(u.clone()),
            (_, Resolved::Broken(_) | Resolved::Hidden) => None,
            (Mode::Page(page), Resolved::Page(path)) => Some(rel_url(page, path)),
            // One-page views have no tag or folder pages: the text stays, unlinked.
            (Mode::OnePage | Mode::PrintPart(..), Resolved::Page(_)) => None,
            (Mode::Page(page), Resolved::Anchor(a)) => {
                // In an embed, a local anchor belongs to the embedded note's own page.
                if notes[from].out_path == page {
                    Some(fragment(a))
                } else {
                    Some(format!(
                        "{}{}",
                        rel_url(page, &notes[from].out_path),
                        fragment(a)
                    ))
                }
            }
            (Mode::OnePage | Mode::PrintPart(..), Resolved::Anchor(a)) => Some(format!(
                "{}#{}--{}",
                self.print_page_of(from),
                note_anchor(&notes[from].out_path),
                encode_path(a)
            )),
            (Mode::Page(page), Resolved::Note { note, anchor }) => {
                let target = &notes[*note].out_path;
                let base = if target == page {
                    String::new()
                } else {
                    rel_url(page, target)
                };
                Some(match anchor {
                    Some(a) => format!("{base}{}", fragment(a)),
                    None if base.is_empty() => "#".to_string(),
                    None => base,
                })
            }
            (Mode::OnePage, Resolved::Note { note, anchor }) => {
                let n = note_anchor(&notes[*note].out_path);
                Some(match anchor {
                    Some(a) => format!("#{n}--{}", encode_path(a)),
                    None => format!("#{n}"),
                })
            }
            (Mode::PrintPart(..), Resolved::Note { note, anchor }) => {
                let n = note_anchor(&notes[*note].out_path);
                let page = self.print_page_of(*note);
                Some(match anchor {
                    Some(a) => format!("{page}#{n}--{}", encode_path(a)),
                    None => format!("{page}#{n}"),
                })
            }
            (Mode::Page(page), Resolved::Asset(a)) => {
                Some(rel_url(page, &self.site.corpus.assets[*a].out_path))
            }
            (Mode::OnePage | Mode::PrintPart(..), Resolved::Asset(a)) => {
                Some(encode_path(&self.site.corpus.assets[*a].out_path))
            }
        }
    }

    /// Emits events `range` of `note`. `own` is false inside an embed: headings lose their ids
    /// there, so transcluded text never duplicates an id of the page.
    fn emit(&mut self, note: NoteId, events: &[Ev], range: std::ops::Range<usize>, own: bool) {
        let parsed = &self.site.parsed[note];
        let resolved = &self.site.graph.resolved[note];
        let specials = &self.site.prepared[note];
        for i in range {
            match &events[i] {
                Ev::Md(e) => {
                    match e {
                        Event::Text(t) => self.text(t, false),
                        // Inline code is part of the sentence a reader sees (and of its excerpt).
                        Event::Code(t) => self.text(t, false),
                        Event::SoftBreak | Event::HardBreak => self.text(" ", false),
                        _ => {}
                    }
                    self.events.push(e.clone());
                }
                Ev::HeadingStart(h) => {
                    let head = &parsed.headings[*h];
                    if own && self.collect && self.depth == 0 {
                        self.sections.push(SectionText {
                            heading: Some(*h),
                            ..Default::default()
                        });
                    }
                    if own {
                        let id = self.heading_id(note, &head.id);
                        self.html(format!("<h{} id=\"{}\">", head.level, escape_attr(&id)));
                    } else {
                        self.html(format!("<h{}>", head.level));
                    }
                }
                Ev::HeadingEnd(h) => {
                    let head = &parsed.headings[*h];
                    if own {
                        let id = self.heading_id(note, &head.id);
                        self.html(format!(
                            " <a class=\"anchor\" href=\"{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{}>\n",
                            escape_attr(&fragment(&id)),
                            head.level
                        ));
                    } else {
                        self.html(format!("</h{}>\n", head.level));
                    }
                }
                Ev::LinkStart(l) => self.link_start(note, *l),
                Ev::LinkEnd(l) => {
                    if self.href(note, &resolved[*l]).is_some() {
                        self.html("</a>".into());
                    } else {
                        self.html("</span>".into());
                    }
                }
                Ev::Image(l) => self.media(note, *l),
                Ev::Embed(l) => self.embed(note, *l),
                Ev::BlockStart(b) => {
                    let block = &parsed.blocks[*b];
                    let (before, after) = &block.open;
                    if own {
                        let id = self.heading_id(note, &format!("^{}", block.id));
                        self.html(format!("{before} id=\"{}\"{after}", escape_attr(&id)));
                    } else {
                        self.html(format!("{before}{after}"));
                    }
                }
                Ev::Fence(_) | Ev::Math { .. } | Ev::InlineCalc { .. } => {
                    self.special(note, specials.get(i));
                }
            }
        }
    }

    /// The opening of a link: `<a href>` (with `class="external"` or `"hashtag"`), or a
    /// `<span>` for an unresolved link or one to an unpublished note.
    fn link_start(&mut self, note: NoteId, l: usize) {
        let link = &self.site.parsed[note].links[l];
        let resolved = &self.site.graph.resolved[note][l];
        match self.href(note, resolved) {
            Some(href) => {
                let mut tag = format!("<a href=\"{}\"", escape_attr(&href));
                if matches!(resolved, Resolved::External(_)) {
                    tag.push_str(" class=\"external\"");
                } else if matches!(link.target, crate::markdown::Target::Tag(_)) {
                    tag.push_str(" class=\"hashtag\"");
                }
                if !link.title.is_empty() {
                    tag.push_str(&format!(" title=\"{}\"", escape_attr(&link.title)));
                }
                tag.push('>');
                self.html(tag);
            }
            None if matches!(resolved, Resolved::Broken(_)) => self.html(format!(
                "<span class=\"broken-link\" title=\"unresolved link: {}\">",
                escape_attr(&link_source(self.site, note, l))
            )),
            // A link to an unpublished note, or to a page a one-page view lacks.
            None => self.html("<span class=\"unlinked\">".into()),
        }
    }

    /// An image, video, audio or PDF (see [`super::media`]), or a missing file marked.
    fn media(&mut self, note: NoteId, l: usize) {
        let link = &self.site.parsed[note].links[l];
        let resolved = &self.site.graph.resolved[note][l];
        self.text(&link.text, false);
        match self.href(note, resolved) {
            Some(src) => {
                let file = match resolved {
                    Resolved::Asset(a) => self.site.corpus.assets[*a].rel.as_str(),
                    _ => src.split(['?', '#']).next().unwrap_or(&src),
                };
                let file = file.rsplit('/').next().unwrap_or(file);
                self.html(super::media::html(link, &src, file));
            }
            None => self.html(format!(
                "<span class=\"broken-link\" title=\"missing image\">{}</span>",
                escape_html(&link_source(self.site, note, l))
            )),
        }
    }

    fn heading_id(&self, note: NoteId, id: &str) -> String {
        match self.mode {
            Mode::Page(_) => id.to_string(),
            Mode::OnePage | Mode::PrintPart(..) => format!(
                "{}--{}",
                note_anchor(&self.site.corpus.notes[note].out_path),
                id
            ),
        }
    }

    /// `![[Note]]` / `![[Note#Heading]]`: the target's content (or that section) inline.
    fn embed(&mut self, from: NoteId, l: usize) {
        let site = self.site;
        let resolved = &site.graph.resolved[from][l];
        if *resolved == Resolved::Hidden {
            // An unpublished note's text stays out of the published pages.
            return;
        }
        if matches!(resolved, Resolved::Asset(_)) {
            // A file named like a note (`![[notes.txt]]`): shown as the file, never dropped.
            return self.media(from, l);
        }
        let Resolved::Note {
            note: target,
            anchor,
        } = resolved
        else {
            let text = link_source(site, from, l);
            self.html(format!(
                "<p><span class=\"broken-link\" title=\"unresolved embed\">{}</span></p>\n",
                escape_html(&text)
            ));
            return;
        };
        let parsed = &site.parsed[*target];
        let body_len = site.corpus.notes[*target].body().len();
        let bytes = match anchor {
            None => body_len,
            Some(id) => parsed.anchor_span(id, body_len).map_or(0, |r| r.len()),
        };
        // The link stage rejects deeper nesting and bigger pages; this guards a page built
        // from a graph that an edit made stale.
        self.transcluded = self.transcluded.saturating_add(bytes as u64);
        if self.depth >= embeds::MAX_DEPTH || self.transcluded > embeds::MAX_BYTES {
            self.html(
                "<p class=\"embed-omitted\">(embed left out: the page is over corem's embed limits)</p>\n"
                    .into(),
            );
            return;
        }
        let href = self.href(from, resolved).unwrap_or_default();
        let title = &site.graph.titles[*target];
        let events = note_events(site, *target);
        let range = match anchor {
            None => 0..events.len(),
            Some(id) => parsed.anchor_events_in(&events, id),
        };
        let label = match anchor {
            Some(id) => match parsed.headings.iter().find(|h| &h.id == id) {
                Some(h) => format!("{title} › {}", h.text),
                None => title.clone(),
            },
            None => title.clone(),
        };
        self.html(format!(
            "<div class=\"embed\"><p class=\"embed-source\"><a href=\"{}\">{}</a></p>\n",
            escape_attr(&href),
            escape_html(&label)
        ));
        let wrap = anchor
            .as_deref()
            .and_then(|a| parsed.find_block(a.strip_prefix('^')?))
            .and_then(|b| b.wrap.as_ref());
        if let Some((open, _)) = wrap {
            self.html(open.clone());
        }
        self.depth += 1;
        self.emit(*target, &events, range, false);
        self.depth -= 1;
        if let Some((_, close)) = wrap {
            self.html(close.clone());
        }
        self.html("</div>\n".into());
    }
}

/// The source text of a link, for marking it when unresolved.
fn link_source(site: &Site, note: NoteId, l: usize) -> String {
    let n = &site.corpus.notes[note];
    let span = &site.parsed[note].links[l].span;
    n.body().get(span.clone()).unwrap_or("").to_string()
}

/// Renders parsed Markdown on its own, outside a site: links keep their destinations as
/// written, code is highlighted, math becomes MathML, ```calc and diagrams show as code. Used
/// for snippets and to check corem's Markdown against the CommonMark spec.
pub fn standalone_html(parsed: &crate::markdown::Parsed) -> String {
    use pulldown_cmark::{LinkType, Tag, TagEnd};
    let mut events: Vec<Event<'_>> = Vec::with_capacity(parsed.events.len());
    for ev in &parsed.events {
        match ev {
            Ev::Md(e) => events.push(e.clone()),
            Ev::HeadingStart(h) => {
                let head = &parsed.headings[*h];
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "<h{} id=\"{}\">",
                    head.level,
                    escape_attr(&head.id)
                ))));
            }
            Ev::HeadingEnd(h) => events.push(Event::InlineHtml(CowStr::from(format!(
                "</h{}>\n",
                parsed.headings[*h].level
            )))),
            Ev::LinkStart(l) => {
                let link = &parsed.links[*l];
                events.push(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url: CowStr::from(link.dest.clone()),
                    title: CowStr::from(link.title.clone()),
                    id: CowStr::Borrowed(""),
                }));
            }
            Ev::LinkEnd(_) => events.push(Event::End(TagEnd::Link)),
            Ev::BlockStart(b) => {
                let block = &parsed.blocks[*b];
                events.push(Event::Html(CowStr::from(format!(
                    "{} id=\"^{}\"{}",
                    block.open.0,
                    escape_attr(&block.id),
                    block.open.1
                ))));
            }
            Ev::Image(l) | Ev::Embed(l) => {
                let link = &parsed.links[*l];
                events.push(Event::Start(Tag::Image {
                    link_type: LinkType::Inline,
                    dest_url: CowStr::from(link.dest.clone()),
                    title: CowStr::from(link.title.clone()),
                    id: CowStr::Borrowed(""),
                }));
                if !link.text.is_empty() {
                    events.push(Event::Text(CowStr::from(link.text.clone())));
                }
                events.push(Event::End(TagEnd::Image));
            }
            Ev::Fence(f) => events.push(Event::Html(CowStr::from(
                super::fence::code_block(
                    &parsed.fences[*f],
                    super::highlight::Themes::default_pair(),
                )
                .html,
            ))),
            Ev::Math { display, tex, .. } => events.push(Event::InlineHtml(CowStr::from(
                super::math::to_mathml(tex, *display).unwrap_or_else(|_| escape_html(tex)),
            ))),
            Ev::InlineCalc { expr, .. } => {
                events.push(Event::Code(CowStr::from(format!("= {expr}"))))
            }
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_header_cells_become_data_cells() {
        let html = "<table><thead><tr><th></th><th style=\"text-align: right\"></th><th>A</th></tr></thead></table>";
        assert_eq!(
            empty_header_cells_as_td(html),
            "<table><thead><tr><td></td><td style=\"text-align: right\"></td><th>A</th></tr></thead></table>"
        );
    }

    /// `rel_url` as first written (split both paths, count the shared folders, join the rest):
    /// the reference the allocation-lean version is checked against.
    fn rel_url_by_parts(from: &str, to: &str) -> String {
        let from_dirs: Vec<&str> = from.split('/').collect();
        let from_dirs = &from_dirs[..from_dirs.len() - 1];
        let to_parts: Vec<&str> = to.split('/').collect();
        let common = from_dirs
            .iter()
            .zip(&to_parts[..to_parts.len() - 1])
            .take_while(|(a, b)| a == b)
            .count();
        let mut out = "../".repeat(from_dirs.len() - common);
        out.push_str(&encode_path(&to_parts[common..].join("/")));
        out
    }

    #[test]
    fn relative_urls_match_the_split_and_join_reference_on_every_small_path() {
        // Every path of up to 4 parts from these (empty parts, shared prefixes, spaces and
        // non-ASCII letters included), each against each.
        let parts = ["", "a", "ab", "b", "é x"];
        let mut paths = vec![String::new()];
        for len in 1..=4 {
            let mut idx = vec![0usize; len];
            loop {
                let p: Vec<&str> = idx.iter().map(|&i| parts[i]).collect();
                let path = p.join("/");
                if !paths.contains(&path) {
                    paths.push(path);
                }
                let mut k = 0;
                while k < len {
                    idx[k] += 1;
                    if idx[k] < parts.len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
                if k == len {
                    break;
                }
            }
        }
        assert!(paths.len() > 150, "{}", paths.len());
        for from in &paths {
            for to in &paths {
                assert_eq!(
                    rel_url(from, to),
                    rel_url_by_parts(from, to),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn relative_urls() {
        assert_eq!(
            rel_url("components/dns.html", "principles/cap.html"),
            "../principles/cap.html"
        );
        assert_eq!(
            rel_url("components/dns.html", "components/cdn.html"),
            "cdn.html"
        );
        assert_eq!(
            rel_url("index.html", "components/cdn.html"),
            "components/cdn.html"
        );
        assert_eq!(rel_url("a/b/c.html", "index.html"), "../../index.html");
        assert_eq!(rel_url("a/b/c.html", "a/d.html"), "../d.html");
        assert_eq!(
            rel_url("x.html", "my notes/café.html"),
            "my%20notes/caf%C3%A9.html"
        );
    }

    #[test]
    fn anchors_for_one_page() {
        assert_eq!(
            note_anchor("principles/cap-theorem.html"),
            "principles--cap-theorem"
        );
        assert_eq!(note_anchor("principles/index.html"), "principles");
        assert_eq!(note_anchor("index.html"), "home");
    }
}
