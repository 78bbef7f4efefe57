//! Render: computed blocks (highlighting, math, diagrams, calculations), note HTML, and the
//! Tera page templates.
//!
//! Two passes, both parallel over notes: [`prepare`] computes each note's blocks once (they do not
//! depend on which page shows them), then [`render_page`] writes one page with its links made
//! relative to that page.

pub mod deps;
pub mod fence;
pub mod highlight;
pub mod html;
pub mod math;
pub mod media;
pub mod preview;
pub mod print;
pub mod templates;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use tera::Value as TeraValue;

use crate::config::Project;
use crate::diagnostic::Diagnostic;
use crate::link::Graph;
use crate::load::{Corpus, NoteId, SectionId};
use crate::markdown::{Ev, Parsed};
use crate::theme::Theme;

pub use fence::Special;
pub use html::{Mode, SectionText, note_anchor, rel_url, root_prefix};

/// Everything rendering reads: the outputs of the earlier stages.
pub struct Site<'a> {
    pub project: &'a Project,
    pub corpus: &'a Corpus,
    pub parsed: &'a [Parsed],
    pub graph: &'a Graph,
    /// For each note, its computed blocks (by index in `Parsed::events`).
    pub prepared: &'a [Prepared],
    /// Last-commit dates of the notes (empty outside a git checkout).
    pub dates: &'a crate::load::git::Dates,
    /// Nav items shared by the pages of a folder.
    pub nav_cache: NavCache,
    /// The print pages, worked out on first use (see [`Site::print_parts`]).
    pub print_parts: std::sync::OnceLock<print::Parts>,
    /// Each section's colour in the graphs, worked out on first use (see
    /// [`Site::section_colours`]).
    pub colours: std::sync::OnceLock<Vec<usize>>,
    /// The build dropped the notes' event streams after computing their blocks (see
    /// `crate::analyze`): rendering parses each note again when it needs its events.
    pub reparse: bool,
}

/// A note's computed blocks (highlighted code, diagrams, calculations, math), by the index of
/// the event they replace in `Parsed::events`. Sparse: a note has a few among hundreds of
/// events, and a 100,000-note site cannot afford a slot per event.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prepared(Vec<(u32, Special)>);

impl Prepared {
    /// Blocks keyed by the index of the event each replaces; sorted here, so any order works.
    pub fn new(mut blocks: Vec<(u32, Special)>) -> Self {
        blocks.sort_by_key(|(i, _)| *i);
        Prepared(blocks)
    }

    /// The block replacing event `i`, if any.
    pub fn get(&self, i: usize) -> Option<&Special> {
        let i = u32::try_from(i).ok()?;
        (self.0)
            .binary_search_by_key(&i, |(e, _)| *e)
            .ok()
            .map(|k| &self.0[k].1)
    }

    /// Every block, in document order.
    pub fn iter(&self) -> impl Iterator<Item = &Special> {
        self.0.iter().map(|(_, s)| s)
    }
}

/// What a note's build-time blocks depend on besides the note: the formats of computed values
/// and the themes code is coloured with.
#[derive(Debug, Clone, Copy)]
pub struct BlockOptions {
    pub formats: crate::calc::Formats,
    pub themes: &'static highlight::Themes,
}

impl BlockOptions {
    /// The options a project's configuration sets.
    pub fn of(config: &crate::config::Config) -> Self {
        BlockOptions {
            formats: config.calc.formats(),
            themes: highlight::Themes::get(&config.highlight.light, &config.highlight.dark),
        }
    }
}

impl Default for BlockOptions {
    fn default() -> Self {
        BlockOptions {
            formats: crate::calc::Formats::default(),
            themes: highlight::Themes::default_pair(),
        }
    }
}

/// Computes every note's build-time blocks, in parallel across notes and in document order
/// within a note (so a note's calculations see the names defined above them).
pub fn prepare(
    corpus: &Corpus,
    parsed: &[Parsed],
    opts: BlockOptions,
) -> (Vec<Prepared>, Vec<Diagnostic>) {
    let results: Vec<(Prepared, Vec<Diagnostic>)> = parsed
        .par_iter()
        .enumerate()
        .map(|(id, p)| prepare_note(corpus, id, p, opts))
        .collect();
    let mut diags = Vec::new();
    let mut out = Vec::with_capacity(results.len());
    for (specials, mut d) in results {
        out.push(specials);
        diags.append(&mut d);
    }
    (out, diags)
}

/// One note's computed blocks and problems (`serve` re-prepares only the notes that changed).
pub fn prepare_note(
    corpus: &Corpus,
    id: NoteId,
    p: &Parsed,
    opts: BlockOptions,
) -> (Prepared, Vec<Diagnostic>) {
    let note = &corpus.notes[id];
    let mut state = fence::NoteState::new(note, p, opts);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for (i, ev) in p.events.iter().enumerate() {
        let res = match ev {
            Ev::Fence(f) => fence::fence(&p.fences[*f], &mut state),
            Ev::Math {
                display,
                tex,
                offset,
            } => {
                let (special, warning) = fence::math(tex, *display, *offset);
                warnings.extend(warning);
                Ok(special)
            }
            Ev::InlineCalc { expr, offset } => fence::inline_calc(expr, *offset, &mut state),
            _ => continue,
        };
        match res {
            Ok(mut s) => {
                warnings.append(&mut s.warnings);
                // Kept for the whole build: no spare capacity (format! leaves up to half).
                s.warnings = Vec::new();
                s.html.shrink_to_fit();
                s.text.shrink_to_fit();
                s.links.shrink_to_fit();
                out.push((i as u32, s));
            }
            Err(mut ps) => problems.append(&mut ps),
        }
    }
    warnings.extend(state.take_warnings());
    use crate::diagnostic::Severity;
    let at = |severity| {
        move |pr: crate::markdown::Problem| {
            pr.located(severity, &note.path, &note.source, note.body_start)
        }
    };
    let diags = (problems.into_iter().map(at(Severity::Error)))
        .chain(warnings.into_iter().map(at(Severity::Warning)))
        .collect();
    (Prepared(out), diags)
}

/// A page of the output site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// A note (including section index notes and the home note).
    Note(NoteId),
    /// A section folder without an index note.
    Section(SectionId),
    /// The home page when there is no `index.md`.
    Home,
    Tags,
    Tag(String),
    Search,
    /// `print.html`: every note, or on a large site the list of its print pages.
    Print,
    /// Print page `i` of a large site (see [`print::parts`]).
    PrintPart(usize),
    /// `graph.html`: every note and link (`[navigation] graph_page`).
    Graph,
    NotFound,
}

/// A page and the file it is written to.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    pub out_path: String,
}

/// Every page of the site.
pub fn pages(site: &Site) -> Vec<Page> {
    let mut out: Vec<Page> = site
        .graph
        .order
        .iter()
        .map(|&n| Page {
            kind: PageKind::Note(n),
            out_path: site.corpus.notes[n].out_path.clone(),
        })
        .collect();
    for s in &site.corpus.sections {
        if s.index.is_none() {
            out.push(Page {
                kind: if s.id == 0 {
                    PageKind::Home
                } else {
                    PageKind::Section(s.id)
                },
                out_path: s.out_path(),
            });
        }
    }
    // A note may stand in for a tag's page, as Quartz's `tags/<tag>.md` does (see
    // [`TagListing`]): then it is the page, and lists the notes.
    let by_notes: HashSet<&str> = (site.corpus.notes.iter())
        .map(|n| n.out_path.as_str())
        .filter(|p| p.starts_with("tags/"))
        .collect();
    // A folder named `tags` without an index note: the list of tags is its page.
    out.retain(|p| !(matches!(p.kind, PageKind::Section(_)) && p.out_path == TAGS_PAGE));
    if !by_notes.contains(TAGS_PAGE) {
        out.push(Page {
            kind: PageKind::Tags,
            out_path: TAGS_PAGE.into(),
        });
    }
    for slug in site.graph.tags.keys() {
        let out_path = format!("tags/{slug}.html");
        if !by_notes.contains(out_path.as_str()) {
            out.push(Page {
                kind: PageKind::Tag(slug.clone()),
                out_path,
            });
        }
    }
    for (kind, path) in [
        (PageKind::Search, "search.html"),
        (PageKind::Print, "print.html"),
        (PageKind::NotFound, "404.html"),
    ] {
        out.push(Page {
            kind,
            out_path: path.into(),
        });
    }
    for (i, part) in site.print_parts().parts.iter().enumerate() {
        out.push(Page {
            kind: PageKind::PrintPart(i),
            out_path: part.out_path.clone(),
        });
    }
    if site.project.config.navigation.graph_page {
        out.push(Page {
            kind: PageKind::Graph,
            out_path: crate::graph::site::PAGE.into(),
        });
    }
    out
}

/// The page listing every tag.
pub const TAGS_PAGE: &str = "tags/index.html";

/// What a note at a tag page's address lists besides its own text: Quartz's convention of a
/// note `tags/<tag>.md` introducing a tag (and `tags/index.md` the list of tags). Such a note
/// takes the generated page's place, so the address, links and search stay the note's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagListing<'a> {
    /// The note is at `tags/index.html`: every tag.
    All,
    /// The note is at `tags/<slug>.html` for a tag of the site: that tag's notes.
    One(&'a str),
}

/// The listing a page at `out_path` carries, if a note there stands in for a tag page.
pub fn tag_listing<'a>(site: &Site, out_path: &'a str) -> Option<TagListing<'a>> {
    if out_path == TAGS_PAGE {
        return Some(TagListing::All);
    }
    let slug = out_path.strip_prefix("tags/")?.strip_suffix(".html")?;
    site.graph
        .tags
        .contains_key(slug)
        .then_some(TagListing::One(slug))
}

#[derive(Serialize, Clone)]
struct LinkCtx {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct TagCtx {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct TocCtx {
    level: u8,
    id: String,
    title: String,
}

#[derive(Serialize)]
struct BacklinkCtx {
    title: String,
    url: String,
    context: String,
}

#[derive(Serialize)]
struct NavNote {
    title: String,
    url: String,
    current: bool,
    /// A link to the page listing the items a long list leaves out (see [`nav_window`]).
    more: bool,
}

impl NavNote {
    fn more(count: usize, which: &str, url: &str) -> NavNote {
        NavNote {
            title: format!("{count} {which} note{}", if count == 1 { "" } else { "s" }),
            url: url.to_string(),
            current: false,
            more: true,
        }
    }
}

/// Lists of the nav (top-level items, a section's notes or subsections) up to this long are
/// shown whole; a longer one shows [`NAV_WINDOW`] items around the page's own and a link to
/// the page that lists them all.
pub const NAV_LIST_MAX: usize = 60;
/// Items a long nav list shows before and after the page's own.
pub const NAV_WINDOW: usize = 12;

/// The items of a nav list of `len` that a page shows: all of a short list; of a long one, the
/// [`NAV_WINDOW`] items on each side of `focus` (the page's own item, or the list's start).
pub fn nav_window(len: usize, focus: Option<usize>) -> std::ops::Range<usize> {
    if len <= NAV_LIST_MAX {
        return 0..len;
    }
    let span = 2 * NAV_WINDOW + 1;
    let start = focus
        .unwrap_or(0)
        .saturating_sub(NAV_WINDOW)
        .min(len - span);
    start..start + span
}

/// A top-level entry of the nav.
#[derive(Clone, Copy)]
enum NavTop {
    Note(NoteId),
    Section(SectionId),
}

/// The nav items of each output folder for pages that leave them closed (see
/// `Site::nav_value`). Lives as long as the [`Site`]: one build or one `serve` rebuild.
#[derive(Default)]
pub struct NavCache(std::sync::Mutex<HashMap<String, std::sync::Arc<Vec<TeraValue>>>>);

impl NavCache {
    fn folder(
        &self,
        dir: &str,
        make: impl FnOnce() -> Vec<TeraValue>,
    ) -> std::sync::Arc<Vec<TeraValue>> {
        if let Some(v) = self.0.lock().ok().and_then(|m| m.get(dir).cloned()) {
            return v;
        }
        let v = std::sync::Arc::new(make());
        if let Ok(mut m) = self.0.lock() {
            m.entry(dir.to_string()).or_insert_with(|| v.clone());
        }
        v
    }
}

#[derive(Serialize)]
struct NavItem {
    /// `note`, `section`, or `more` (a link to the page listing what a long list leaves out).
    kind: &'static str,
    title: String,
    url: String,
    current: bool,
    open: bool,
    notes: Vec<NavNote>,
    sections: Vec<NavItem>,
}

impl NavItem {
    fn more(count: usize, which: &str, url: &str) -> NavItem {
        NavItem {
            kind: "more",
            title: format!(
                "{count} {which} section{}",
                if count == 1 { "" } else { "s" }
            ),
            url: url.to_string(),
            current: false,
            open: false,
            notes: Vec::new(),
            sections: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct EntryCtx {
    title: String,
    url: String,
    description: String,
    tags: Vec<TagCtx>,
}

#[derive(Serialize)]
struct SubsectionCtx {
    title: String,
    url: String,
    description: String,
    count: usize,
    /// On a site with one print page per section: the section's (first) print page.
    print_url: Option<String>,
}

#[derive(Serialize)]
struct SectionCtx {
    title: String,
    url: String,
    description: String,
    notes: Vec<EntryCtx>,
    sections: Vec<SubsectionCtx>,
}

#[derive(Serialize)]
struct PrintNote {
    anchor: String,
    title: String,
    description: String,
    depth: usize,
    content: String,
}

#[derive(Serialize, Default)]
struct PageCtx {
    kind: &'static str,
    title: String,
    description: String,
    path: String,
    canonical: String,
    content: String,
    toc: Vec<TocCtx>,
    breadcrumbs: Vec<LinkCtx>,
    tags: Vec<TagCtx>,
    aliases: Vec<String>,
    /// Front matter `cssclasses`, added to `<body>`.
    cssclasses: Vec<String>,
    backlinks: Vec<BacklinkCtx>,
    related: Vec<LinkCtx>,
    prev: Option<LinkCtx>,
    next: Option<LinkCtx>,
    edit_url: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    extra: serde_json::Map<String, Value>,
    word_count: usize,
    reading_minutes: usize,
    source: String,
}

/// The site-wide template variables (`site`), set once as Tera's global context.
pub fn site_globals(project: &Project) -> Value {
    let c = &project.config;
    serde_json::json!({
        "title": project.title(),
        "description": c.description,
        "language": c.language,
        "author": c.author,
        "base_url": c.base_url,
        "repo_url": c.repo_url,
        "generator": concat!("corem ", env!("CARGO_PKG_VERSION")),
        "search": c.search.enabled,
        "previews": c.navigation.previews,
        "graph_page": c.navigation.graph_page,
        "footer_links": c
            .footer_links()
            .into_iter()
            .map(|(text, url)| serde_json::json!({ "text": text, "url": url }))
            .collect::<Vec<_>>(),
    })
}

impl<'a> Site<'a> {
    /// The print pages of the site: none when `print.html` holds every note.
    pub fn print_parts(&self) -> &print::Parts {
        self.print_parts.get_or_init(|| {
            print::parts(self.corpus, self.graph, self.project.config.print.max_notes)
        })
    }

    /// Each section's colour in the graphs ([`crate::graph::section_colours`]), computed once
    /// per site: every note's local graph needs it, and it costs the number of sections.
    pub fn section_colours(&self) -> &[usize] {
        self.colours
            .get_or_init(|| crate::graph::section_colours(self.corpus))
    }

    fn title(&self, n: NoteId) -> &str {
        &self.graph.titles[n]
    }

    /// A link context (the sentence around a link in note `from`) with the note's computed
    /// inline values filled in, as the reader sees them on `from`'s own page.
    pub fn context(&self, from: NoteId, raw: &str) -> String {
        crate::markdown::fill_values(raw, |event| {
            let special = self.prepared.get(from)?.get(event)?;
            Some(special.text.clone())
        })
    }

    fn description(&self, n: NoteId) -> String {
        self.corpus.notes[n]
            .meta
            .description
            .clone()
            .unwrap_or_default()
    }

    fn link(&self, from: &str, n: NoteId) -> LinkCtx {
        LinkCtx {
            title: self.title(n).to_string(),
            url: rel_url(from, &self.corpus.notes[n].out_path),
        }
    }

    fn section_link(&self, from: &str, s: SectionId) -> LinkCtx {
        LinkCtx {
            title: self.graph.section_titles[s].clone(),
            url: rel_url(from, &self.corpus.sections[s].out_path()),
        }
    }

    fn tag_links(&self, from: &str, tags: &[String]) -> Vec<TagCtx> {
        tags.iter()
            .map(|t| {
                let slug = crate::link::tag_slug(t);
                TagCtx {
                    name: self
                        .graph
                        .tags
                        .get(&slug)
                        .map_or(t.clone(), |g| g.name.clone()),
                    url: rel_url(from, &format!("tags/{slug}.html")),
                }
            })
            .collect()
    }

    fn entry(&self, from: &str, n: NoteId) -> EntryCtx {
        EntryCtx {
            title: self.title(n).to_string(),
            url: rel_url(from, &self.corpus.notes[n].out_path),
            description: self.description(n),
            tags: self.tag_links(from, &self.graph.note_tags[n]),
        }
    }

    /// The sections containing the page: the current note's section and its parents.
    fn open_sections(&self, page: &PageKind) -> Vec<SectionId> {
        let mut s = match page {
            PageKind::Note(n) => Some(self.corpus.notes[*n].section),
            PageKind::Section(s) => Some(*s),
            _ => None,
        };
        let mut out = Vec::new();
        while let Some(id) = s {
            out.push(id);
            s = self.corpus.sections[id].parent;
        }
        out
    }

    /// Navigation for one page, as the template sees it: every top-level item, with only the
    /// open sections expanded. The items a page does not change (closed, not current) are the
    /// same for every page of a folder, so they are built once per folder and shared (tera's
    /// values are reference-counted): a 10,000-note site does not rebuild its 200-section nav
    /// for every page. A list longer than [`NAV_LIST_MAX`] shows only the items around the
    /// page's own (see [`nav_window`]), so a page's nav has a bounded size however large the
    /// site: without that, every page would carry every section and the site would grow with
    /// the square of its notes.
    fn nav_value(&self, from: &str, page: &PageKind) -> TeraValue {
        let open = self.open_sections(page);
        let current_note = match page {
            PageKind::Note(n) => Some(*n),
            _ => None,
        };
        let current_section = match page {
            PageKind::Section(s) => Some(*s),
            PageKind::Note(n) if self.corpus.notes[*n].is_index => {
                Some(self.corpus.notes[*n].section)
            }
            _ => None,
        };
        let affected = |t: &NavTop| match *t {
            NavTop::Note(n) => current_note == Some(n),
            NavTop::Section(s) => open.contains(&s) || current_section == Some(s),
        };
        let tops: Vec<NavTop> = self.nav_tops().collect();
        let window = nav_window(tops.len(), tops.iter().position(affected));
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        // Pages of one folder share their window, except root notes (each is a top item).
        let key = format!("{dir}\u{0}{}", window.start);
        let shared = self.nav_cache.folder(&key, || {
            tops[window.clone()]
                .iter()
                .map(|&t| TeraValue::from_serializable(&self.nav_item(from, t, &[], None, None)))
                .collect()
        });
        let home = rel_url(from, "index.html");
        let mut items: Vec<TeraValue> = Vec::with_capacity(window.len() + 2);
        if window.start > 0 {
            items.push(TeraValue::from_serializable(&NavItem::more(
                window.start,
                "earlier",
                &home,
            )));
        }
        for (t, plain) in tops[window.clone()].iter().zip(shared.iter()) {
            items.push(if affected(t) {
                TeraValue::from_serializable(&self.nav_item(
                    from,
                    *t,
                    &open,
                    current_note,
                    current_section,
                ))
            } else {
                plain.clone()
            });
        }
        if window.end < tops.len() {
            items.push(TeraValue::from_serializable(&NavItem::more(
                tops.len() - window.end,
                "more",
                &home,
            )));
        }
        TeraValue::from(items)
    }

    /// The top-level entries of the nav, in reading order: the root's notes, then its sections.
    fn nav_tops(&self) -> impl Iterator<Item = NavTop> + '_ {
        let root = &self.corpus.sections[0];
        root.notes
            .iter()
            .map(|&n| NavTop::Note(n))
            .chain(root.children.iter().map(|&s| NavTop::Section(s)))
    }

    fn nav_item(
        &self,
        from: &str,
        top: NavTop,
        open: &[SectionId],
        current_note: Option<NoteId>,
        current_section: Option<SectionId>,
    ) -> NavItem {
        match top {
            NavTop::Note(n) => NavItem {
                kind: "note",
                title: self.title(n).to_string(),
                url: rel_url(from, &self.corpus.notes[n].out_path),
                current: current_note == Some(n),
                open: false,
                notes: Vec::new(),
                sections: Vec::new(),
            },
            NavTop::Section(s) => self.nav_section(from, s, open, current_note, current_section),
        }
    }

    fn nav_section(
        &self,
        from: &str,
        s: SectionId,
        open: &[SectionId],
        current_note: Option<NoteId>,
        current_section: Option<SectionId>,
    ) -> NavItem {
        let sec = &self.corpus.sections[s];
        let is_open = open.contains(&s);
        let url = rel_url(from, &sec.out_path());
        let (mut notes, mut sections) = (Vec::new(), Vec::new());
        if is_open {
            // Long lists show the items around the page's own, and link the rest to the
            // section's page, which lists them all.
            let w = nav_window(
                sec.notes.len(),
                sec.notes.iter().position(|&n| current_note == Some(n)),
            );
            if w.start > 0 {
                notes.push(NavNote::more(w.start, "earlier", &url));
            }
            notes.extend(sec.notes[w.clone()].iter().map(|&n| NavNote {
                title: self.title(n).to_string(),
                url: rel_url(from, &self.corpus.notes[n].out_path),
                current: current_note == Some(n),
                more: false,
            }));
            if w.end < sec.notes.len() {
                notes.push(NavNote::more(sec.notes.len() - w.end, "more", &url));
            }
            let w = nav_window(
                sec.children.len(),
                (sec.children.iter()).position(|c| open.contains(c) || current_section == Some(*c)),
            );
            if w.start > 0 {
                sections.push(NavItem::more(w.start, "earlier", &url));
            }
            sections.extend(
                sec.children[w.clone()]
                    .iter()
                    .map(|&c| self.nav_section(from, c, open, current_note, current_section)),
            );
            if w.end < sec.children.len() {
                sections.push(NavItem::more(sec.children.len() - w.end, "more", &url));
            }
        }
        NavItem {
            kind: "section",
            title: self.graph.section_titles[s].clone(),
            url,
            current: current_section == Some(s),
            open: is_open,
            notes,
            sections,
        }
    }

    fn breadcrumbs(&self, from: &str, page: &PageKind) -> Vec<LinkCtx> {
        let home = LinkCtx {
            title: self.graph.section_titles[0].clone(),
            url: rel_url(from, "index.html"),
        };
        let mut chain = self.open_sections(page);
        chain.reverse();
        // The page's own section page is not a crumb of itself.
        if let PageKind::Section(s) = page {
            chain.retain(|x| x != s);
        }
        if let PageKind::Note(n) = page
            && self.corpus.notes[*n].is_index
        {
            let own = self.corpus.notes[*n].section;
            chain.retain(|x| *x != own);
        }
        if from == "index.html" {
            return Vec::new();
        }
        let mut out = vec![home];
        out.extend(
            chain
                .into_iter()
                .filter(|s| *s != 0)
                .map(|s| self.section_link(from, s)),
        );
        out
    }

    fn section_ctx(&self, from: &str, s: SectionId) -> SectionCtx {
        let sec = &self.corpus.sections[s];
        SectionCtx {
            title: self.graph.section_titles[s].clone(),
            url: rel_url(from, &sec.out_path()),
            description: sec.index.map(|i| self.description(i)).unwrap_or_default(),
            notes: sec.notes.iter().map(|&n| self.entry(from, n)).collect(),
            sections: sec
                .children
                .iter()
                .map(|&c| {
                    let cs = &self.corpus.sections[c];
                    SubsectionCtx {
                        title: self.graph.section_titles[c].clone(),
                        url: rel_url(from, &cs.out_path()),
                        description: cs.index.map(|i| self.description(i)).unwrap_or_default(),
                        count: count_notes(self.corpus, c),
                        print_url: (self.print_parts().parts.iter())
                            .find(|p| p.section == Some(c) && p.number == 1)
                            .map(|p| rel_url(from, &p.out_path)),
                    }
                })
                .collect(),
        }
    }

    fn edit_url(&self, n: NoteId) -> Option<String> {
        let c = &self.project.config;
        if c.repo_url.is_empty() {
            return None;
        }
        let notes_rel = self
            .project
            .notes_dir
            .strip_prefix(&self.project.root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let path = if notes_rel.is_empty() {
            self.corpus.notes[n].rel.clone()
        } else {
            format!("{notes_rel}/{}", self.corpus.notes[n].rel)
        };
        Some(format!(
            "{}/edit/{}/{}",
            c.repo_url.trim_end_matches('/'),
            c.repo_branch,
            html::encode_path(&path)
        ))
    }

    /// When note `n` last changed: front matter `updated`, else its last git commit's date.
    pub fn updated(&self, n: NoteId) -> Option<String> {
        let note = &self.corpus.notes[n];
        note.meta
            .updated
            .clone()
            .or_else(|| self.dates.get(&note.rel).cloned())
    }

    fn canonical(&self, out_path: &str) -> String {
        let base = &self.project.config.base_url;
        if base.is_empty() {
            String::new()
        } else {
            format!("{base}/{}", html::encode_path(out_path))
        }
    }
}

/// Notes in section `s` and the sections under it.
pub(crate) fn count_notes(corpus: &Corpus, s: SectionId) -> usize {
    let sec = &corpus.sections[s];
    sec.notes.len()
        + sec
            .children
            .iter()
            .map(|&c| count_notes(corpus, c))
            .sum::<usize>()
}

/// What rendering one page produced.
pub struct Rendered {
    pub html: String,
    /// Section texts of the note shown (for the search index); empty for other pages.
    pub sections: Vec<SectionText>,
    /// Files that go with the page: a note's link-preview script (output path, text).
    pub extra: Vec<(String, String)>,
    /// The note as its print page shows it, when [`Print::Capture`] asked for it and the site
    /// has print pages.
    pub print: Option<String>,
}

/// What rendering a page shares with the print page of a large site, so that a build parses
/// each note once for both (parsing is a sixth of the time of rendering a note page).
#[derive(Debug, Default)]
pub enum Print {
    /// Nothing shared.
    #[default]
    Alone,
    /// A note page: render the note for its print page too, from the same events.
    Capture,
    /// A print page: the HTML of its notes, by position on the page, from their pages'
    /// [`Print::Capture`]; a `None` (or a missing entry) is rendered here.
    Given(Vec<Option<String>>),
}

/// The pages of `pages` in groups to render together: a print page of a large site with the
/// note pages it prints (so those pass it their HTML, see [`Print`]), and each other page
/// alone. Print pages whose notes are not in `pages` are alone too.
pub fn print_groups<'p>(site: &Site, pages: &'p [Page]) -> Vec<PageGroup<'p>> {
    let parts = site.print_parts();
    let mut of_part: Vec<Option<usize>> = vec![None; parts.parts.len()];
    let mut groups: Vec<PageGroup<'p>> = Vec::new();
    for page in pages {
        if let PageKind::PrintPart(i) = page.kind
            && i < of_part.len()
        {
            of_part[i] = Some(groups.len());
            groups.push(PageGroup {
                notes: Vec::new(),
                print: Some(page),
            });
        }
    }
    for page in pages {
        let group = match page.kind {
            PageKind::Note(n) => parts.part_of(n).and_then(|i| of_part[i]),
            PageKind::PrintPart(_) => continue,
            _ => None,
        };
        match group {
            Some(g) => groups[g].notes.push(page),
            None => groups.push(PageGroup {
                notes: vec![page],
                print: None,
            }),
        }
    }
    groups
}

/// Pages rendered together (see [`print_groups`]).
#[derive(Debug)]
pub struct PageGroup<'p> {
    /// Pages rendered first; note pages among them pass their print HTML to `print`.
    pub notes: Vec<&'p Page>,
    /// The print page showing those notes, rendered last.
    pub print: Option<&'p Page>,
}

/// Renders each page of `group` (in parallel) and passes it to `each`; a print page last, with
/// the HTML its notes' pages made for it. Every page is tried: the errors of all come back
/// together.
pub fn render_group(
    site: &Site,
    tera: &tera::Tera,
    theme: &Theme,
    group: &PageGroup,
    each: &(dyn Fn(&Page, Rendered) -> Result<(), crate::Error> + Sync),
) -> Result<(), crate::Error> {
    let one = |page: &Page, print: Print| -> Result<Option<String>, crate::Error> {
        let mut r = render_page_sharing(site, tera, theme, page, print)
            .map_err(|d| crate::Error::Diagnostics(vec![d]))?;
        let print = r.print.take();
        each(page, r)?;
        Ok(print)
    };
    let made: Vec<Result<Option<String>, crate::Error>> = (group.notes.par_iter())
        .map(|p| match group.print {
            Some(_) => one(p, Print::Capture),
            None => one(p, Print::Alone),
        })
        .collect();
    let Some(print_page) = group.print else {
        return together(made.into_iter().filter_map(Result::err));
    };
    // The print HTML by position on the print page (some of its notes may not be in `group`).
    let part = match print_page.kind {
        PageKind::PrintPart(i) => site.print_parts().parts.get(i),
        _ => None,
    };
    let (start, len) = part.map_or((0, 0), |p| (p.notes.start, p.notes.len()));
    let mut given = vec![None; len];
    let mut errors = Vec::new();
    for (page, m) in group.notes.iter().zip(made) {
        match (m, &page.kind) {
            (Ok(Some(html)), PageKind::Note(n)) => {
                let k = site.graph.position[*n].wrapping_sub(start);
                if let Some(slot) = given.get_mut(k) {
                    *slot = Some(html);
                }
            }
            (Ok(_), _) => {}
            (Err(e), _) => errors.push(e),
        }
    }
    errors.extend(one(print_page, Print::Given(given)).err());
    together(errors.into_iter())
}

/// `errors` as one: their diagnostics together, else the first other error.
fn together(errors: impl Iterator<Item = crate::Error>) -> Result<(), crate::Error> {
    let mut diags = Vec::new();
    for e in errors {
        match e {
            crate::Error::Diagnostics(mut d) => diags.append(&mut d),
            other => return Err(other),
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(crate::Error::Diagnostics(diags))
    }
}

/// The files [`render_page`] writes beside a page (a note's preview script), so the output
/// stage can create their folders before rendering.
pub fn page_extras(site: &Site, page: &Page) -> Vec<String> {
    match page.kind {
        PageKind::Note(_) if site.project.config.navigation.previews => {
            vec![preview::shard_path(&page.out_path)]
        }
        _ => Vec::new(),
    }
}

/// What rendering one page's own part gives: the template to use, the note's sections (for
/// the search index) and the files that go with the page.
struct PageParts {
    template: String,
    sections: Vec<SectionText>,
    extra: Vec<(String, String)>,
    print: Option<String>,
}

impl PageParts {
    fn template(name: &str) -> Self {
        PageParts {
            template: name.into(),
            sections: Vec::new(),
            extra: Vec::new(),
            print: None,
        }
    }
}

/// Renders one page through its template: the page's own fields (by kind), then what every
/// page carries (links to the site's pages, navigation, breadcrumbs).
pub fn render_page(
    site: &Site,
    tera: &tera::Tera,
    theme: &Theme,
    page: &Page,
) -> Result<Rendered, Diagnostic> {
    render_page_sharing(site, tera, theme, page, Print::Alone)
}

/// [`render_page`], sharing a note's rendering with its print page as `print` says.
pub fn render_page_sharing(
    site: &Site,
    tera: &tera::Tera,
    theme: &Theme,
    page: &Page,
    print: Print,
) -> Result<Rendered, Diagnostic> {
    let from = page.out_path.as_str();
    let mut ctx = tera::Context::new();
    let mut pc = PageCtx {
        path: from.to_string(),
        canonical: site.canonical(from),
        ..Default::default()
    };
    let parts = match &page.kind {
        PageKind::Note(n) => {
            let capture = matches!(print, Print::Capture);
            note_page(site, *n, from, capture, &mut pc, &mut ctx)
        }
        kind => generated_page(site, theme, kind, from, print, &mut pc, &mut ctx)?,
    };
    if !matches!(page.kind, PageKind::Tag(_)) {
        pc.breadcrumbs = site.breadcrumbs(from, &page.kind);
    }
    site_links(&mut ctx, from);
    ctx.insert_value("nav", site.nav_value(from, &page.kind));
    ctx.insert("page", &pc);
    check_template(site, tera, theme, page, &parts.template)?;
    let html = tera
        .render(&parts.template, &ctx)
        .map_err(|e| templates::to_diagnostic(theme, &e))?;
    Ok(Rendered {
        html,
        sections: parts.sections,
        extra: parts.extra,
        print: parts.print,
    })
}

/// A note's page: its HTML, table of contents, tags, backlinks, neighbours in the reading
/// order, dates; its preview script and local graph when the site has them; with `capture`,
/// the note as its print page shows it.
fn note_page(
    site: &Site,
    n: NoteId,
    from: &str,
    capture: bool,
    pc: &mut PageCtx,
    ctx: &mut tera::Context,
) -> PageParts {
    let note = &site.corpus.notes[n];
    // Parsed again when the build kept no event streams: once for page and preview.
    let events = html::note_events(site, n);
    let (content, sections) = html::note_html_of(site, n, &events, Mode::Page(from), true);
    let parts = site.print_parts();
    let print = (parts.part_of(n))
        .filter(|_| capture)
        .map(|i| html::note_html_of(site, n, &events, Mode::PrintPart(parts, i), false).0);
    let is_home = note.is_index && note.section == 0;
    pc.kind = if is_home {
        "home"
    } else if note.is_index {
        "section"
    } else {
        "note"
    };
    pc.content = content;
    note_fields(site, n, from, pc);
    let template = match &note.meta.template {
        Some(t) => t.clone(),
        None if is_home => "home.html".into(),
        None if note.is_index => "section.html".into(),
        None => "note.html".into(),
    };
    if note.is_index {
        ctx.insert("section", &site.section_ctx(from, note.section));
    }
    match tag_listing(site, from) {
        Some(TagListing::All) => ctx.insert("all_tags", &tags_list(site, from)),
        Some(TagListing::One(slug)) => ctx.insert("tag", &tag_ctx(site, slug, from)),
        None => {}
    }
    let mut extra = Vec::new();
    if site.project.config.navigation.previews {
        extra.push(preview::shard(site, n, &events));
    }
    let nav = &site.project.config.navigation;
    if nav.local_graph {
        ctx.insert(
            "local_graph",
            &crate::graph::local::svg(site, n, from, nav.local_graph_depth),
        );
    }
    PageParts {
        template,
        sections,
        extra,
        print,
    }
}

/// A note page's fields that come from the note and the link graph rather than its HTML.
fn note_fields(site: &Site, n: NoteId, from: &str, pc: &mut PageCtx) {
    let note = &site.corpus.notes[n];
    let parsed = &site.parsed[n];
    pc.title = site.title(n).to_string();
    pc.description = site.description(n);
    pc.toc = parsed
        .headings
        .iter()
        .filter(|h| (2..=4).contains(&h.level))
        .map(|h| TocCtx {
            level: h.level,
            id: h.id.clone(),
            title: h.text.clone(),
        })
        .collect();
    pc.tags = site.tag_links(from, &site.graph.note_tags[n]);
    pc.aliases = note.meta.aliases.clone();
    pc.cssclasses = note.meta.cssclasses.clone();
    pc.backlinks = site.graph.backlinks[n]
        .iter()
        .map(|b| BacklinkCtx {
            title: site.title(b.from).to_string(),
            url: rel_url(from, &site.corpus.notes[b.from].out_path),
            context: site.context(b.from, &b.context),
        })
        .collect();
    pc.related = site.graph.related[n]
        .iter()
        .map(|&r| site.link(from, r))
        .collect();
    let pos = site.graph.position[n];
    pc.prev = pos
        .checked_sub(1)
        .map(|p| site.link(from, site.graph.order[p]));
    pc.next = site.graph.order.get(pos + 1).map(|&x| site.link(from, x));
    pc.edit_url = site.edit_url(n);
    pc.date = note.meta.date.clone();
    pc.updated = site.updated(n);
    pc.extra = note.meta.extra.clone().into_iter().collect();
    pc.word_count = parsed.word_count;
    pc.reading_minutes = parsed.word_count.div_ceil(200).max(1);
    pc.source = note.rel.clone();
}

/// A page corem generates (section list, home without a note, tags, search, print, graph,
/// 404): its title and the data its template lists.
fn generated_page(
    site: &Site,
    theme: &Theme,
    kind: &PageKind,
    from: &str,
    print: Print,
    pc: &mut PageCtx,
    ctx: &mut tera::Context,
) -> Result<PageParts, Diagnostic> {
    let template = match kind {
        PageKind::Note(_) => unreachable!("note pages are rendered by note_page"),
        PageKind::Section(s) => {
            pc.kind = "section";
            pc.title = site.graph.section_titles[*s].clone();
            ctx.insert("section", &site.section_ctx(from, *s));
            "section.html"
        }
        PageKind::Home => {
            pc.kind = "home";
            pc.title = site.graph.section_titles[0].clone();
            pc.description = site.project.config.description.clone();
            ctx.insert("section", &site.section_ctx(from, 0));
            "home.html"
        }
        PageKind::Tags => {
            pc.kind = "tags";
            pc.title = "Tags".into();
            ctx.insert("tags", &tags_list(site, from));
            "tags.html"
        }
        PageKind::Tag(slug) => {
            tag_page(site, slug, from, pc, ctx);
            "tag.html"
        }
        PageKind::Search => {
            pc.kind = "search";
            pc.title = "Search".into();
            "search.html"
        }
        PageKind::Print => {
            print_page(site, from, pc, ctx);
            "print.html"
        }
        PageKind::PrintPart(i) => {
            let given = match print {
                Print::Given(g) => g,
                _ => Vec::new(),
            };
            print_part_page(site, theme, *i, given, from, pc, ctx)?;
            "print.html"
        }
        PageKind::Graph => {
            pc.kind = "graph";
            pc.title = "Graph of all notes".into();
            ctx.insert("graph", &crate::graph::site::build(site, from));
            "graph.html"
        }
        PageKind::NotFound => {
            pc.kind = "404";
            pc.title = "Page not found".into();
            "404.html"
        }
    };
    Ok(PageParts::template(template))
}

/// Every tag with its page and how many notes carry it (the tags page).
fn tags_list(site: &Site, from: &str) -> Vec<Value> {
    site.graph
        .tags
        .values()
        .map(|t| {
            serde_json::json!({
                "name": t.name,
                "url": rel_url(from, &format!("tags/{}.html", t.slug)),
                "count": t.notes.len(),
            })
        })
        .collect()
}

/// One tag's page: its notes, under a breadcrumb back to the tags page.
fn tag_page(site: &Site, slug: &str, from: &str, pc: &mut PageCtx, ctx: &mut tera::Context) {
    let tag = &site.graph.tags[slug];
    pc.kind = "tag";
    pc.title = format!("Tagged “{}”", tag.name);
    pc.breadcrumbs = vec![LinkCtx {
        title: "Tags".into(),
        url: rel_url(from, "tags/index.html"),
    }];
    ctx.insert("tag", &tag_ctx(site, slug, from));
}

/// A tag's name and its notes as listed on a page at `from`.
fn tag_ctx(site: &Site, slug: &str, from: &str) -> Value {
    let tag = &site.graph.tags[slug];
    let notes: Vec<EntryCtx> = tag.notes.iter().map(|&n| site.entry(from, n)).collect();
    serde_json::json!({ "name": tag.name, "notes": notes })
}

/// `print.html`: every note when the site is small, else the list of its print pages.
fn print_page(site: &Site, from: &str, pc: &mut PageCtx, ctx: &mut tera::Context) {
    pc.kind = "print";
    pc.title = site.graph.section_titles[0].clone();
    let parts = site.print_parts();
    let notes = if parts.is_split() {
        Vec::new()
    } else {
        print_notes(site, 0..site.graph.order.len(), Mode::OnePage, Vec::new())
    };
    let list: Vec<PrintPartCtx> = (parts.parts.iter())
        .map(|p| PrintPartCtx::new(p, rel_url(from, &p.out_path)))
        .collect();
    ctx.insert("notes", &notes);
    ctx.insert("parts", &list);
    ctx.insert("part", &None::<PrintPartCtx>);
}

/// Print page `i` of a large site: the notes of one part, linked back to `print.html`;
/// `given` holds those of its notes already rendered for it, by position on the page.
fn print_part_page(
    site: &Site,
    theme: &Theme,
    i: usize,
    given: Vec<Option<String>>,
    from: &str,
    pc: &mut PageCtx,
    ctx: &mut tera::Context,
) -> Result<(), Diagnostic> {
    let parts = site.print_parts();
    let Some(part) = parts.parts.get(i) else {
        return Err(Diagnostic::error(
            templates::template_path(theme, "print.html"),
            format!("no print page {i}"),
        ));
    };
    pc.kind = "print";
    pc.title = PrintPartCtx::new(part, String::new()).label;
    let notes = print_notes(site, part.notes.clone(), Mode::PrintPart(parts, i), given);
    let mut this = PrintPartCtx::new(part, rel_url(from, &part.out_path));
    this.index_url = rel_url(from, "print.html");
    ctx.insert("notes", &notes);
    ctx.insert("parts", &Vec::<PrintPartCtx>::new());
    ctx.insert("part", &Some(this));
    Ok(())
}

/// The links every page carries: the site root and its home, search, tags, print and graph
/// pages, relative to the page.
fn site_links(ctx: &mut tera::Context, from: &str) {
    ctx.insert("root", &root_prefix(from));
    ctx.insert("home_url", &rel_url(from, "index.html"));
    ctx.insert("search_url", &rel_url(from, "search.html"));
    ctx.insert("tags_url", &rel_url(from, "tags/index.html"));
    ctx.insert("print_url", &rel_url(from, "print.html"));
    ctx.insert("graph_url", &rel_url(from, crate::graph::site::PAGE));
}

/// A missing template is an error at the note's `template:` key when a note asked for it,
/// else at the theme's templates folder.
fn check_template(
    site: &Site,
    tera: &tera::Tera,
    theme: &Theme,
    page: &Page,
    template: &str,
) -> Result<(), Diagnostic> {
    if tera.contains_template(template) {
        return Ok(());
    }
    let mut d = Diagnostic::error(
        templates::template_path(theme, template),
        format!("missing template `{template}`"),
    );
    if let PageKind::Note(n) = page.kind {
        let note = &site.corpus.notes[n];
        let off = note.source[..note.body_start].find("template").unwrap_or(0);
        d = Diagnostic::error(&note.path, format!("missing template `{template}`"))
            .at(&note.source, off)
            .with_help("create it under templates/, or remove the `template:` key");
    }
    Err(d)
}

/// The notes at positions `range` of the reading order, rendered for a print page, except
/// those `given` holds already (by position in `range`).
fn print_notes(
    site: &Site,
    range: std::ops::Range<usize>,
    mode: Mode,
    mut given: Vec<Option<String>>,
) -> Vec<PrintNote> {
    given.resize(range.len(), None);
    (site.graph.order[range].par_iter())
        .zip(given.into_par_iter())
        .map(|(&n, given)| {
            let note = &site.corpus.notes[n];
            PrintNote {
                anchor: note_anchor(&note.out_path),
                title: site.title(n).to_string(),
                description: site.description(n),
                depth: depth_of(site.corpus, note.section) + usize::from(!note.is_index),
                content: given.unwrap_or_else(|| html::note_html(site, n, mode, false).0),
            }
        })
        .collect()
}

/// A print page of a large site, as templates see it (`parts` on `print.html`, `part` on
/// the page itself).
#[derive(Serialize)]
struct PrintPartCtx {
    /// The section's title.
    title: String,
    /// The title with the part number when the section has several (`Components (2 of 3)`).
    label: String,
    url: String,
    /// `print.html`, the list of print pages (on the page itself).
    index_url: String,
    count: usize,
    number: usize,
    of: usize,
}

impl PrintPartCtx {
    fn new(p: &print::Part, url: String) -> PrintPartCtx {
        PrintPartCtx {
            title: p.title.clone(),
            label: if p.of > 1 {
                format!("{} ({} of {})", p.title, p.number, p.of)
            } else {
                p.title.clone()
            },
            url,
            index_url: String::new(),
            count: p.notes.len(),
            number: p.number,
            of: p.of,
        }
    }
}

/// One note of the single-file handbook (`handbook.html`).
#[derive(Serialize)]
struct HandbookNote {
    anchor: String,
    title: String,
    description: String,
    depth: usize,
    content: String,
    /// The note's h2–h3 headings, linked to their in-page ids.
    toc: Vec<TocCtx>,
}

/// What the single-file handbook inlines: everything it would otherwise load from a file.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    /// Every stylesheet, with its `url(…)`s already turned into `data:` URIs.
    pub css: String,
    /// Classic scripts, run in this order at the end of the body.
    pub js: Vec<String>,
    /// The favicon as a `data:` URI.
    pub favicon: Option<String>,
}

/// The template `corem build --single-file` renders.
pub const HANDBOOK_TEMPLATE: &str = "handbook.html";

/// Renders the whole handbook as one page: every note in reading order, links between notes
/// as in-page anchors (as in `print.html`), with `inline`'s styles and scripts. Images still
/// name their files (`assets/x.png`): the output stage inlines them.
pub fn render_handbook(
    site: &Site,
    tera: &tera::Tera,
    theme: &Theme,
    inline: &Inline,
) -> Result<String, Diagnostic> {
    let notes: Vec<HandbookNote> = site
        .graph
        .order
        .par_iter()
        .map(|&n| {
            let note = &site.corpus.notes[n];
            let anchor = note_anchor(&note.out_path);
            HandbookNote {
                toc: site.parsed[n]
                    .headings
                    .iter()
                    .filter(|h| (2..=3).contains(&h.level))
                    .map(|h| TocCtx {
                        level: h.level,
                        id: format!("{anchor}--{}", h.id),
                        title: h.text.clone(),
                    })
                    .collect(),
                title: site.title(n).to_string(),
                description: site.description(n),
                depth: depth_of(site.corpus, note.section) + usize::from(!note.is_index),
                content: html::note_html(site, n, Mode::OnePage, false).0,
                anchor,
            }
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("notes", &notes);
    ctx.insert("inline_css", &inline.css);
    ctx.insert("inline_js", &inline.js);
    ctx.insert("favicon", &inline.favicon);
    // The header partial's links: the cover, and the search box stays on this page.
    ctx.insert("home_url", "#handbook");
    ctx.insert("search_url", "#handbook");
    ctx.insert("tags_url", "#handbook");
    ctx.insert("print_url", "#handbook");
    ctx.insert("root", "");
    ctx.insert(
        "page",
        &PageCtx {
            kind: "handbook",
            title: site.graph.section_titles[0].clone(),
            path: HANDBOOK_TEMPLATE.into(),
            ..Default::default()
        },
    );
    if !tera.contains_template(HANDBOOK_TEMPLATE) {
        return Err(Diagnostic::error(
            templates::template_path(theme, HANDBOOK_TEMPLATE),
            format!("missing template `{HANDBOOK_TEMPLATE}`"),
        ));
    }
    tera.render(HANDBOOK_TEMPLATE, &ctx)
        .map_err(|e| templates::to_diagnostic(theme, &e))
}

fn depth_of(corpus: &Corpus, s: SectionId) -> usize {
    let mut d = 0;
    let mut cur = corpus.sections[s].parent;
    while let Some(p) = cur {
        d += 1;
        cur = corpus.sections[p].parent;
    }
    d
}
