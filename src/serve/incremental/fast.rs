//! The fast path for the most common edit: only the body text of known notes changed, and in
//! a way nothing else can see (same front matter, title, headings and anchors, same link
//! targets, no link problem). Three steps: *what changed* (the edited notes, read, parsed and
//! relinked: [`Incremental::read_edits`], [`Incremental::relink_edits`]), *what depends on it*
//! (pages showing their backlink sentences or inline values, pages embedding them:
//! [`Incremental::commit_links`], [`Incremental::commit_blocks`],
//! [`Incremental::add_embedders`]), and *re-render* those pages alone
//! ([`Incremental::render_pages`], [`Incremental::store_fast`]). Nothing proportional to the
//! site's size is done before the reload.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::{Incremental, Kind, SiteFiles, Stored, Update};
use crate::diagnostic::{Diagnostic, Severity};
use crate::link::Resolved;
use crate::load;
use crate::markdown::{Link, LinkKind, Parsed};
use crate::render::{self, Page, PageKind};

/// An edited note, read and parsed, not yet installed.
struct Edit {
    id: usize,
    source: load::Source,
    parsed: Parsed,
    diags: Vec<Diagnostic>,
}

/// A note's text and parse before the edit, to put back if the edit does not qualify.
type Undo = (usize, load::Source, Parsed);

/// The targets of a note's links that other pages can see: linked notes, embeds, assets.
type Targets = (Vec<usize>, Vec<Resolved>, Vec<usize>);

impl Incremental {
    /// Rebuilds after an edit that qualifies for the fast path (see the module docs). `None`
    /// when the edit does not qualify (the general path then runs); state is left untouched in
    /// that case.
    pub(super) fn try_fast(
        &mut self,
        kinds: &[(Kind, &PathBuf)],
    ) -> Option<Result<Update, Vec<Diagnostic>>> {
        if !self.fast_path_open(kinds) {
            return None;
        }
        let tables = (self.tables.take()).unwrap_or_else(|| FastTables::new(&self.a));
        let result = self.fast(&tables, kinds);
        self.tables = Some(tables);
        result
    }

    /// [`Incremental::try_fast`] with the tables of the last full link.
    fn fast(
        &mut self,
        tables: &FastTables,
        kinds: &[(Kind, &PathBuf)],
    ) -> Option<Result<Update, Vec<Diagnostic>>> {
        let t0 = Instant::now();
        let mut edits = self.read_edits(tables, kinds)?;
        let undo = self.install_edits(&mut edits);
        let Some(relinked) = self.relink_edits(tables, &edits, &undo) else {
            for (id, source, parsed) in undo {
                self.a.corpus.notes[id].source = source;
                self.a.parsed[id] = parsed;
            }
            return None;
        };
        let t_link = t0.elapsed();
        let mut pages = self.commit_links(relinked);
        self.commit_blocks(edits, &mut pages);
        self.last_reparsed = undo.len();
        self.fast_rebuilds += 1;
        let edited: Vec<usize> = undo.iter().map(|u| u.0).collect();
        add_embedders(tables, edited, &mut pages);
        let diags = self.diagnostics();
        if diags.iter().any(Diagnostic::is_error) {
            return Some(Err(diags));
        }
        let t_prep = t0.elapsed();
        let todo: Vec<Page> = pages
            .iter()
            .map(|&n| Page {
                kind: PageKind::Note(n),
                out_path: self.a.corpus.notes[n].out_path.clone(),
            })
            .collect();
        let print_pages = tables.print_pages(&pages);
        let rendered = match self.render_pages(&todo.iter().collect::<Vec<_>>()) {
            Ok(r) => r,
            Err(errors) => return Some(Err(errors)),
        };
        let t_render = t0.elapsed();
        let changed = self.store_fast(rendered);
        // The print pages show every note: render them after the reload, in `finish`.
        let mut pending = Vec::new();
        for p in &print_pages {
            self.digests.remove(&p.out_path);
            pending.push(p.out_path.clone());
        }
        self.pending = print_pages.into_iter().map(|p| (p, 0)).collect();
        self.search_after_rebuild(&mut pending);
        Some(Ok(Update {
            changed,
            pending,
            rendered: todo.len(),
            pages: self.page_paths.len(),
            full: false,
            warnings: diags,
            timings: vec![
                ("link", t_link),
                ("prepare", t_prep - t_link),
                ("render", t_render - t_prep),
                ("output", t0.elapsed() - t_render),
            ],
        }))
    }

    /// The fast path may run: the last rebuild succeeded, nothing forces a full one, only
    /// notes changed and no page but the print pages is waiting for `finish`.
    fn fast_path_open(&self, kinds: &[(Kind, &PathBuf)]) -> bool {
        self.last_ok
            && !self.force_all
            && !self.reopen
            && !kinds.is_empty()
            && self
                .pending
                .iter()
                .all(|(p, _)| matches!(p.kind, PageKind::Print | PageKind::PrintPart(_)))
            && kinds.iter().all(|(k, _)| *k == Kind::Note)
    }

    /// What changed: every edited note read and parsed, before any state is touched. `None`
    /// when a note is new, unreadable, has other front matter or a link problem, or its
    /// title, headings, anchors or tags changed.
    fn read_edits(&self, tables: &FastTables, kinds: &[(Kind, &PathBuf)]) -> Option<Vec<Edit>> {
        let mut edits: Vec<Edit> = Vec::new();
        for (_, path) in kinds {
            let id = *tables.by_path.get(*path)?;
            if edits.iter().any(|e| e.id == id) {
                continue;
            }
            let note = &self.a.corpus.notes[id];
            let (_, _, source, body_start, _) =
                load::read_note(note.path.clone(), note.rel.clone()).ok()?;
            if source[..body_start] != note.source[..note.body_start]
                || self.link_diags.iter().any(|d| d.file == note.path)
            {
                return None;
            }
            let (parsed, problems) =
                crate::markdown::parse(&source[body_start..], note.meta.title.as_deref());
            let old = &self.a.parsed[id];
            if parsed.h1 != old.h1
                || parsed.headings != old.headings
                || parsed.extra_ids != old.extra_ids
                || parsed.tags != old.tags
            {
                return None;
            }
            let diags = (problems.into_iter())
                .map(|pr| pr.located(Severity::Error, &note.path, &source, body_start))
                .collect();
            edits.push(Edit {
                id,
                source,
                parsed,
                diags,
            });
        }
        Some(edits)
    }

    /// Installs the edited notes' text and parse, returning what they replaced.
    fn install_edits(&mut self, edits: &mut [Edit]) -> Vec<Undo> {
        let mut undo = Vec::new();
        for e in edits {
            let note = &mut self.a.corpus.notes[e.id];
            let old_source = std::mem::replace(&mut note.source, std::mem::take(&mut e.source));
            let old_parsed =
                std::mem::replace(&mut self.a.parsed[e.id], std::mem::take(&mut e.parsed));
            undo.push((e.id, old_source, old_parsed));
        }
        undo
    }

    /// Resolves the installed notes' links again with the last full link's name tables (no
    /// name changed). `None` when a link has a problem or a note now links, embeds or uses
    /// other targets than before (other pages would change).
    fn relink_edits(
        &self,
        tables: &FastTables,
        edits: &[Edit],
        undo: &[Undo],
    ) -> Option<Vec<(usize, Vec<Resolved>)>> {
        let policy = self.a.project.config.broken_links;
        let mut relinked = Vec::new();
        let mut qualifies = true;
        for e in edits {
            let (resolved, diags) = crate::link::resolve_note(
                &self.a.corpus,
                &self.a.parsed,
                &self.a.graph.titles,
                &tables.lookups,
                policy,
                e.id,
            );
            let Some((_, _, old)) = undo.iter().find(|u| u.0 == e.id) else {
                qualifies = false;
                break;
            };
            let before = targets(&old.links, &self.a.graph.resolved[e.id]);
            let after = targets(&self.a.parsed[e.id].links, &resolved);
            if !diags.is_empty() || before != after {
                qualifies = false;
                break;
            }
            relinked.push((e.id, resolved));
        }
        qualifies.then_some(relinked)
    }

    /// Stores the new links; returns the edited notes and the notes whose "Linked from"
    /// sentence from an edited note changed (their pages show it).
    fn commit_links(&mut self, relinked: Vec<(usize, Vec<Resolved>)>) -> Vec<usize> {
        let mut pages: Vec<usize> = Vec::new();
        for (id, resolved) in relinked {
            let links = &self.a.parsed[id].links;
            // As in `link`: a target's backlink shows the first link's sentence.
            let mut seen = Vec::new();
            for (l, r) in links.iter().zip(&resolved) {
                if let Resolved::Note { note: t, .. } = r
                    && *t != id
                    && l.kind == LinkKind::Link
                    && !seen.contains(t)
                {
                    seen.push(*t);
                    if let Some(b) = self.a.graph.backlinks[*t].iter_mut().find(|b| b.from == id)
                        && b.context != l.context
                    {
                        b.context = l.context.clone();
                        if !pages.contains(t) {
                            pages.push(*t);
                        }
                    }
                }
            }
            self.a.graph.resolved[id] = resolved;
            pages.push(id);
        }
        pages
    }

    /// Computes the edited notes' blocks again; a changed inline value shows in the "Linked
    /// from" sentences of the notes they link to, so those pages are added to `pages`.
    fn commit_blocks(&mut self, edits: Vec<Edit>, pages: &mut Vec<usize>) {
        for Edit { id, diags, .. } in edits {
            self.parse_diags[id] = diags;
            let opts = render::BlockOptions::of(&self.a.project.config);
            let (specials, d) = render::prepare_note(&self.a.corpus, id, &self.a.parsed[id], opts);
            self.a.parsed[id].drop_streams();
            if specials != self.a.prepared[id] {
                // Only the notes it links to list it among their backlinks.
                for r in &self.a.graph.resolved[id] {
                    let Resolved::Note { note: t, .. } = *r else {
                        continue;
                    };
                    let shows_values = self.a.graph.backlinks[t]
                        .iter()
                        .any(|b| b.from == id && b.context.contains(crate::markdown::VALUE_START));
                    if shows_values && !pages.contains(&t) {
                        pages.push(t);
                    }
                }
            }
            self.a.prepared[id] = specials;
            self.prep_diags[id] = d;
            self.file_hash[id] = super::note_file_hash(&self.a.corpus.notes[id]);
        }
    }

    /// Puts the re-rendered files into the served site; returns the paths whose bytes changed.
    /// Their stored digests are dropped ([`Incremental::finish`] recomputes them).
    fn store_fast(&mut self, rendered: Vec<(String, Stored)>) -> Vec<String> {
        let mut files: SiteFiles = (*self.files).clone();
        let mut changed = Vec::new();
        for (path, b) in rendered {
            self.digests.remove(&path);
            super::put_changed(&mut files, path, b, &mut changed);
        }
        changed.sort();
        self.files = Arc::new(files);
        self.digests_stale = true;
        changed
    }
}

/// What the fast path looks up, made from the last full link and valid until the next one (an
/// edit the fast path takes changes no name, tag or link target).
pub(super) struct FastTables {
    lookups: crate::link::Lookups,
    /// Note id by the note file's path.
    by_path: HashMap<PathBuf, usize>,
    /// For each note, the notes that embed it.
    embedders: Vec<Vec<usize>>,
    /// The print pages (they follow the reading order and the sections, which such an edit
    /// keeps).
    print: crate::render::print::Parts,
}

impl FastTables {
    /// The tables of the current state.
    pub(super) fn new(a: &crate::Analysis) -> FastTables {
        let notes = &a.corpus.notes;
        let mut embedders = vec![Vec::new(); notes.len()];
        for (n, (p, res)) in a.parsed.iter().zip(&a.graph.resolved).enumerate() {
            for (l, r) in p.links.iter().zip(res) {
                if let (LinkKind::Embed, Resolved::Note { note, .. }) = (l.kind, r)
                    && !embedders[*note].contains(&n)
                {
                    embedders[*note].push(n);
                }
            }
        }
        FastTables {
            lookups: crate::link::lookups(&a.corpus, &a.graph),
            by_path: notes.iter().map(|n| (n.path.clone(), n.id)).collect(),
            embedders,
            print: crate::render::print::parts(
                &a.corpus,
                &a.graph,
                a.project.config.print.max_notes,
            ),
        }
    }

    /// `print.html` and the print pages holding any of `notes` (rendered after the reload).
    fn print_pages(&self, notes: &[usize]) -> Vec<Page> {
        let mut print_pages = vec![Page {
            kind: PageKind::Print,
            out_path: "print.html".into(),
        }];
        let parts = &self.print;
        let mut part_ids: Vec<usize> = notes.iter().filter_map(|&n| parts.part_of(n)).collect();
        part_ids.sort_unstable();
        part_ids.dedup();
        print_pages.extend(part_ids.into_iter().map(|i| Page {
            kind: PageKind::PrintPart(i),
            out_path: parts.parts[i].out_path.clone(),
        }));
        print_pages
    }
}

/// Adds the notes that embed an edited note, transitively, to `pages`.
fn add_embedders(tables: &FastTables, mut frontier: Vec<usize>, pages: &mut Vec<usize>) {
    while let Some(x) = frontier.pop() {
        for &n in tables.embedders.get(x).into_iter().flatten() {
            if !pages.contains(&n) {
                pages.push(n);
                frontier.push(n);
            }
        }
    }
}

/// The targets of `links` that other pages can see (see [`Targets`]), in a canonical order.
fn targets(links: &[Link], res: &[Resolved]) -> Targets {
    let mut notes = Vec::new();
    let mut embeds = Vec::new();
    let mut assets = Vec::new();
    for (l, r) in links.iter().zip(res) {
        match (l.kind, r) {
            (LinkKind::Embed, _) => embeds.push(r.clone()),
            (LinkKind::Link, Resolved::Note { note, .. }) if !notes.contains(note) => {
                notes.push(*note)
            }
            (_, Resolved::Asset(a)) => assets.push(*a),
            _ => {}
        }
    }
    notes.sort_unstable();
    assets.sort_unstable();
    assets.dedup();
    (notes, embeds, assets)
}
