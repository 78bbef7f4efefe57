//! What each page's output depends on, as one number per page.
//!
//! A page's digest hashes everything [`crate::render::render_page`] reads for that page: the
//! note's own source, where each of its links resolved to (by output path, so renumbered notes
//! do not count as changes), the titles and paths of every note it names (backlinks, related,
//! previous/next, navigation, breadcrumbs, section listings, embeds), tag names, and so on.
//! Two builds give a page the same digest only if they would render it to the same bytes, so
//! `serve` re-renders exactly the pages whose digest changed, and `corem build` keeps the pages
//! of the last site but one whose digest is the same (see [`crate::output::reuse`]). Templates
//! and configuration are not hashed: a change to either re-renders everything ([`site_key`]).
//!
//! Everything is keyed by output path, never by note id, because ids shift when notes are added
//! or removed.

use std::collections::HashSet;

use rayon::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::link::Resolved;
use crate::load::{NoteId, SectionId};
use crate::render::{PageKind, Site, TagListing};

fn h() -> DefaultHasher {
    DefaultHasher::new()
}

/// Hash of a note's file: everything that comes from the note itself (front matter, body,
/// file name and place). Computed once per loaded version of the note.
pub fn note_file_hash(note: &crate::load::Note) -> u64 {
    let mut s = h();
    note.source.hash().hash(&mut s);
    note.rel.hash(&mut s);
    note.out_path.hash(&mut s);
    note.path.hash(&mut s);
    note.is_index.hash(&mut s);
    s.finish()
}

/// One number for what every page depends on and [`Digests`] does not hash: the
/// configuration and folders, the templates, and the static files' names and where they come
/// from. (corem itself is part of the page record's header: see [`crate::output::reuse`].) A
/// build reuses a page of an earlier one only under the same key.
pub fn site_key(project: &crate::config::Project, theme: &crate::theme::Theme) -> u64 {
    let mut s = h();
    format!("{project:?}").hash(&mut s);
    for t in &theme.templates {
        (&t.name, &t.text).hash(&mut s);
    }
    for (rel, file) in &theme.static_files {
        rel.hash(&mut s);
        match file {
            crate::theme::StaticFile::Builtin(_) => 0u8.hash(&mut s),
            crate::theme::StaticFile::Project(p) => p.hash(&mut s),
        }
    }
    s.finish()
}

/// Per-site hashes that page digests are made of.
pub struct Digests<'a> {
    site: &'a Site<'a>,
    file: &'a [u64],
    /// For each note: its content as rendered anywhere (file, resolved links, title, embeds).
    deep: Vec<u64>,
    /// For each section: what the navigation shows when the section is open.
    nav_section: Vec<u64>,
    /// For each section: its listing (section pages, index notes).
    section_ctx: Vec<u64>,
    /// Depth of each section (the print page indents by it).
    depth: Vec<usize>,
    /// For each note: how section and tag pages list it.
    entry: Vec<u64>,
    /// The print pages of a large site by name and section (section cards link them).
    print_layout: u64,
    /// The print pages with the notes each holds (links between them depend on it).
    print_parts: u64,
}

impl<'a> Digests<'a> {
    /// `file[n]` is [`note_file_hash`] of note `n`.
    pub fn new(site: &'a Site<'a>, file: &'a [u64]) -> Digests<'a> {
        let corpus = site.corpus;
        let n = corpus.notes.len();
        // Per note and per section, in parallel: a large site has 100,000 notes.
        let own: Vec<u64> = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut s = h();
                file[i].hash(&mut s);
                resolved_hash(site, i).hash(&mut s);
                site.graph.titles[i].hash(&mut s);
                s.finish()
            })
            .collect();
        let deep = (0..n)
            .into_par_iter()
            .map(|i| deep_hash(site, &own, i))
            .collect();
        let mut d = Digests {
            site,
            file,
            deep,
            nav_section: Vec::new(),
            section_ctx: Vec::new(),
            depth: Vec::new(),
            entry: Vec::new(),
            print_layout: 0,
            print_parts: 0,
        };
        let (mut layout, mut parts) = (h(), h());
        for p in &site.print_parts().parts {
            (&p.out_path, p.section, p.number, p.of).hash(&mut layout);
            (&p.out_path, &p.title, &p.notes).hash(&mut parts);
        }
        d.print_layout = layout.finish();
        d.print_parts = parts.finish();
        d.entry = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut s = h();
                d.note_link(i, &mut s);
                d.description(Some(i)).hash(&mut s);
                d.tags(i, &mut s);
                s.finish()
            })
            .collect();
        d.nav_section = (0..corpus.sections.len())
            .into_par_iter()
            .map(|s| d.nav_section_hash(s))
            .collect();
        d.depth = (0..corpus.sections.len())
            .map(|s| {
                let mut depth = 0;
                let mut cur = corpus.sections[s].parent;
                while let Some(p) = cur {
                    depth += 1;
                    cur = corpus.sections[p].parent;
                }
                depth
            })
            .collect();
        d.section_ctx = (0..corpus.sections.len())
            .into_par_iter()
            .map(|s| d.section_ctx_hash(s))
            .collect();
        d
    }

    fn note_link(&self, n: NoteId, s: &mut DefaultHasher) {
        self.site.graph.titles[n].hash(s);
        self.site.corpus.notes[n].out_path.hash(s);
    }

    fn section_link(&self, sec: SectionId, s: &mut DefaultHasher) {
        self.site.graph.section_titles[sec].hash(s);
        self.site.corpus.sections[sec].out_path().hash(s);
    }

    /// Tag names as shown (the site-wide spelling of each tag, which another note may set).
    fn tags(&self, n: NoteId, s: &mut DefaultHasher) {
        for t in &self.site.graph.note_tags[n] {
            let slug = crate::link::tag_slug(t);
            slug.hash(s);
            self.site.graph.tags.get(&slug).map(|g| &g.name).hash(s);
        }
    }

    fn nav_section_hash(&self, sec: SectionId) -> u64 {
        let mut s = h();
        let section = &self.site.corpus.sections[sec];
        self.section_link(sec, &mut s);
        for &n in &section.notes {
            self.note_link(n, &mut s);
        }
        0xffu8.hash(&mut s);
        for &c in &section.children {
            self.section_link(c, &mut s);
        }
        s.finish()
    }

    fn section_ctx_hash(&self, sec: SectionId) -> u64 {
        let corpus = self.site.corpus;
        let mut s = h();
        let section = &corpus.sections[sec];
        self.section_link(sec, &mut s);
        self.description(section.index).hash(&mut s);
        for &n in &section.notes {
            self.entry(n, &mut s);
        }
        0xffu8.hash(&mut s);
        for &c in &section.children {
            self.section_link(c, &mut s);
            self.description(corpus.sections[c].index).hash(&mut s);
            crate::render::count_notes(corpus, c).hash(&mut s);
        }
        s.finish()
    }

    /// A note as listed on section and tag pages: title, path, description, tags.
    fn entry(&self, n: NoteId, s: &mut DefaultHasher) {
        self.entry[n].hash(s);
    }

    fn description(&self, n: Option<NoteId>) -> Option<&str> {
        n.and_then(|n| self.site.corpus.notes[n].meta.description.as_deref())
    }

    /// Sections open in the navigation of a page (the page's section and its parents).
    fn open_sections(&self, page: &PageKind) -> Vec<SectionId> {
        let mut sec = match page {
            PageKind::Note(n) => Some(self.site.corpus.notes[*n].section),
            PageKind::Section(s) => Some(*s),
            _ => None,
        };
        let mut out = Vec::new();
        while let Some(id) = sec {
            out.push(id);
            sec = self.site.corpus.sections[id].parent;
        }
        out
    }

    /// Navigation and breadcrumbs of a page.
    fn chrome(&self, page: &PageKind, s: &mut DefaultHasher) {
        // Top level of the navigation (always shown) and the home crumb.
        self.nav_section[0].hash(s);
        self.site.graph.section_titles[0].hash(s);
        self.print_layout.hash(s);
        for sec in self.open_sections(page) {
            self.nav_section[sec].hash(s);
        }
    }

    /// What a note's page shows besides its own HTML: tags, backlinks with their sentences,
    /// related notes, neighbours in the reading order, its section, its local graph.
    fn note_page(&self, n: NoteId, s: &mut DefaultHasher) {
        let site = self.site;
        let graph = site.graph;
        let corpus = site.corpus;
        let note = &corpus.notes[n];
        0u8.hash(s);
        self.deep[n].hash(s);
        self.tags(n, s);
        for b in &graph.backlinks[n] {
            self.note_link(b.from, s);
            site.context(b.from, &b.context).hash(s);
        }
        0xffu8.hash(s);
        for &r in &graph.related[n] {
            self.note_link(r, s);
        }
        0xffu8.hash(s);
        let pos = graph.position[n];
        let prev = pos.checked_sub(1).map(|p| graph.order[p]);
        let next = graph.order.get(pos + 1).copied();
        for x in [prev, next] {
            x.is_some().hash(s);
            if let Some(x) = x {
                self.note_link(x, s);
            }
        }
        note.section.hash(s);
        corpus.sections[note.section].out_dir.hash(s);
        // Front matter `updated`, else the last commit's date.
        site.updated(n).hash(s);
        if note.is_index {
            self.section_ctx[note.section].hash(s);
        }
        let nav = &site.project.config.navigation;
        if nav.local_graph {
            crate::graph::local::digest(site, n, nav.local_graph_depth, s);
        }
        match crate::render::tag_listing(site, &note.out_path) {
            Some(TagListing::All) => self.all_tags(s),
            Some(TagListing::One(slug)) => self.tag(slug, s),
            None => 0xfeu8.hash(s),
        }
    }

    /// The list of tags: each tag's name, page and note count.
    fn all_tags(&self, s: &mut DefaultHasher) {
        for t in self.site.graph.tags.values() {
            t.name.hash(s);
            t.slug.hash(s);
            t.notes.len().hash(s);
        }
    }

    /// One tag's listing: its name and its notes as listed.
    fn tag(&self, slug: &str, s: &mut DefaultHasher) {
        if let Some(t) = self.site.graph.tags.get(slug) {
            t.name.hash(s);
            for &n in &t.notes {
                self.entry(n, s);
            }
        }
    }

    /// The notes at positions `range` of the reading order, as a print page shows them.
    fn printed(&self, range: std::ops::Range<usize>, s: &mut DefaultHasher) {
        let corpus = self.site.corpus;
        for &n in &self.site.graph.order[range] {
            self.deep[n].hash(s);
            self.file[n].hash(s);
            self.depth[corpus.notes[n].section].hash(s);
        }
    }

    /// The digest of the search index: every note's text, title, place in the reading order,
    /// path, tags and folders (the search options are part of the site key).
    pub fn search(&self) -> u64 {
        let corpus = self.site.corpus;
        let mut s = h();
        for &n in &self.site.graph.order {
            (self.deep[n], self.file[n], self.entry[n]).hash(&mut s);
            let mut sec = Some(corpus.notes[n].section);
            while let Some(id) = sec {
                self.section_link(id, &mut s);
                sec = corpus.sections[id].parent;
            }
            0xffu8.hash(&mut s);
        }
        s.finish()
    }

    /// The digest of one page.
    pub fn page(&self, kind: &PageKind, out_path: &str) -> u64 {
        let site = self.site;
        let graph = site.graph;
        let corpus = site.corpus;
        let mut s = h();
        out_path.hash(&mut s);
        self.chrome(kind, &mut s);
        match kind {
            PageKind::Note(n) => self.note_page(*n, &mut s),
            PageKind::Section(sec) => {
                1u8.hash(&mut s);
                self.section_ctx[*sec].hash(&mut s);
            }
            PageKind::Home => {
                2u8.hash(&mut s);
                self.section_ctx[0].hash(&mut s);
            }
            PageKind::Tags => {
                3u8.hash(&mut s);
                self.all_tags(&mut s);
            }
            PageKind::Tag(slug) => {
                4u8.hash(&mut s);
                self.tag(slug, &mut s);
            }
            PageKind::Graph => {
                8u8.hash(&mut s);
                for &n in &graph.order {
                    let note = &corpus.notes[n];
                    (&note.out_path, &graph.titles[n], note.section).hash(&mut s);
                    crate::graph::links_out(graph, n).hash(&mut s);
                }
                graph.section_titles.hash(&mut s);
            }
            PageKind::Search => 5u8.hash(&mut s),
            PageKind::NotFound => 6u8.hash(&mut s),
            PageKind::Print if site.print_parts().is_split() => {
                7u8.hash(&mut s);
                self.print_parts.hash(&mut s);
            }
            PageKind::Print => {
                7u8.hash(&mut s);
                self.printed(0..graph.order.len(), &mut s);
            }
            PageKind::PrintPart(i) => {
                8u8.hash(&mut s);
                self.print_parts.hash(&mut s);
                let range = (site.print_parts().parts.get(*i)).map_or(0..0, |p| p.notes.clone());
                self.printed(range, &mut s);
            }
        }
        s.finish()
    }
}

/// Where a note's links went, by output path.
fn resolved_hash(site: &Site, n: NoteId) -> u64 {
    let mut s = h();
    for r in &site.graph.resolved[n] {
        match r {
            Resolved::Note { note, anchor } => {
                0u8.hash(&mut s);
                site.corpus.notes[*note].out_path.hash(&mut s);
                anchor.hash(&mut s);
            }
            Resolved::Anchor(a) => {
                1u8.hash(&mut s);
                a.hash(&mut s);
            }
            Resolved::Asset(a) => {
                2u8.hash(&mut s);
                site.corpus.assets[*a].out_path.hash(&mut s);
            }
            Resolved::External(u) => {
                3u8.hash(&mut s);
                u.hash(&mut s);
            }
            Resolved::Broken(t) => {
                4u8.hash(&mut s);
                t.hash(&mut s);
            }
            Resolved::Page(p) => {
                5u8.hash(&mut s);
                p.hash(&mut s);
            }
            Resolved::Hidden => 6u8.hash(&mut s),
        }
    }
    s.finish()
}

/// A note's own hash combined with those of every note it embeds, transitively.
fn deep_hash(site: &Site, own: &[u64], n: NoteId) -> u64 {
    let embeds = |i: NoteId| {
        site.parsed[i]
            .links
            .iter()
            .zip(&site.graph.resolved[i])
            .filter(|(l, _)| l.kind == crate::markdown::LinkKind::Embed)
            .filter_map(|(_, r)| match r {
                Resolved::Note { note, .. } => Some(*note),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let first = embeds(n);
    if first.is_empty() {
        return own[n];
    }
    let mut s = h();
    own[n].hash(&mut s);
    let mut seen: HashSet<NoteId> = HashSet::from([n]);
    let mut queue = first;
    while let Some(t) = queue.pop() {
        if !seen.insert(t) {
            continue;
        }
        site.corpus.notes[t].out_path.hash(&mut s);
        own[t].hash(&mut s);
        queue.extend(embeds(t));
    }
    s.finish()
}
