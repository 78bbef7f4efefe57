//! The live-preview build: the same stages as `corem build`, kept in memory between edits so
//! one edited note costs about one note's work.
//!
//! State kept: every note's source, parse (without its event stream: rendering parses the
//! note again), computed blocks (calc, diagrams, highlighting) and diagnostics; the link graph;
//! the compiled templates; the bytes of every output file; and a digest of each page's inputs
//! ([`crate::render::deps`]).
//!
//! On a change: changed notes are re-read (unchanged ones are moved over, not re-read); a note
//! whose text is unchanged keeps its parse and computed blocks; the link stage re-runs over all
//! notes (it is name look-ups); then only the pages whose digest changed are rendered, and only
//! files whose bytes changed are reported. A template change recompiles the templates and
//! renders every page (no re-parse); a static file change re-reads that file; a config change
//! starts over. Big pages that list every note (`print.html`) are rendered in a second step
//! ([`Incremental::finish`]) so the edited page can reload first; the server holds requests for
//! them until that step is done, so a stale file is never served.
//!
//! If the content has errors, the last good output is kept and the diagnostics are returned.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Project};
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, Files, LoadedFile};
use crate::markdown::Parsed;
use crate::render::{self, Page, PageKind};
use crate::theme::Theme;
use crate::{Analysis, BuildOptions, Error, FileSource};

use super::Stored;
use crate::render::deps::{Digests, note_file_hash};

mod built;
mod fast;

/// A rendered page: output path, bytes, section texts, and the files that go with it.
type RenderedPage = (
    String,
    Stored,
    Vec<render::SectionText>,
    Vec<(String, Stored)>,
);

/// What [`Incremental::plan`] decided: the digests to keep, the pages to render now (by
/// index), and the pages left for [`Incremental::finish`] with their new digests.
struct Plan {
    digests: HashMap<String, u64>,
    todo: Vec<usize>,
    deferred: Vec<(Page, u64)>,
    /// The search index's digest, when the first build may read it from the built site.
    search: Option<u64>,
}

/// The served site: output path → bytes (compressed: [`Stored`]). A persistent map: the server holds the published
/// version while a rebuild makes the next, and a copy shares all it does not change (a copy of
/// 227,565 files per edit was most of an edit's cost at 100,000 notes).
pub type SiteFiles = imbl::HashMap<String, Stored>;

/// What a changed path is to the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Markdown note.
    Note,
    /// Anything else in the notes folder: an image, a folder (moved, removed…).
    NotesOther,
    Template,
    Static,
    Config,
    /// Not an input of the site (output folder, `.git`, editor swap and backup files…).
    Ignored,
}

/// True for files editors and tools write beside the real ones while saving.
pub fn is_scratch_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [
            ".swp",
            ".swo",
            ".swx",
            ".tmp",
            ".crswap",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

/// Classifies a path for the project (by location and name; the file need not exist).
pub fn classify(project: &Project, path: &Path) -> Kind {
    if path.starts_with(&project.output_dir) {
        return Kind::Ignored;
    }
    // Hidden folders (`.git`, `.obsidian`…) and scratch files are never inputs.
    let rel = path.strip_prefix(&project.root).unwrap_or(path);
    let mut names = rel.components().filter_map(|c| match c {
        std::path::Component::Normal(n) => Some(n.to_string_lossy()),
        _ => None,
    });
    if names.any(|n| is_scratch_name(&n)) {
        return Kind::Ignored;
    }
    if project.config_file.as_deref() == Some(path) || path == project.root.join(CONFIG_FILE) {
        return Kind::Config;
    }
    if path.starts_with(&project.templates_dir) && !project.templates_dir.starts_with(path) {
        return Kind::Template;
    }
    if path.starts_with(&project.static_dir) && !project.static_dir.starts_with(path) {
        return Kind::Static;
    }
    if path.starts_with(&project.notes_dir) {
        let is_md = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        return if is_md { Kind::Note } else { Kind::NotesOther };
    }
    // The templates or static folder itself created, removed or renamed.
    if path == project.templates_dir {
        return Kind::Template;
    }
    if path == project.static_dir {
        return Kind::Static;
    }
    Kind::Ignored
}

/// What one rebuild did.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Output paths that are stale until [`Incremental::finish`] runs.
    pub pending: Vec<String>,
    /// Pages rendered (not counting unchanged pages that were skipped).
    pub rendered: usize,
    /// Pages in the site.
    pub pages: usize,
    /// True when everything was rebuilt (first build, config change).
    pub full: bool,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// A note's derived data, kept while its text is unchanged.
struct NoteCache {
    path: PathBuf,
    /// The note's text, unless it was moved into the new corpus.
    source: Option<load::Source>,
    body_start: usize,
    meta: Option<load::Meta>,
    parsed: Parsed,
    parse_diags: Vec<Diagnostic>,
    prepared: render::Prepared,
    prep_diags: Vec<Diagnostic>,
    hash: u64,
}

/// Each note's derived data for a reload, by note id: kept from the old state where the
/// note's text is the same, else empty and listed in `redo`.
struct Kept {
    parsed: Vec<Option<Parsed>>,
    prepared: Vec<Option<render::Prepared>>,
    parse_diags: Vec<Vec<Diagnostic>>,
    prep_diags: Vec<Vec<Diagnostic>>,
    hashes: Vec<u64>,
    redo: Vec<usize>,
}

impl Kept {
    /// Moves over the old data of every note of `corpus` whose path and text are unchanged.
    fn reuse(corpus: &load::Corpus, mut old: HashMap<String, NoteCache>) -> Kept {
        let n = corpus.notes.len();
        let mut kept = Kept {
            parsed: Vec::with_capacity(n),
            prepared: Vec::with_capacity(n),
            parse_diags: Vec::with_capacity(n),
            prep_diags: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            redo: Vec::new(),
        };
        for note in &corpus.notes {
            match old.remove(&note.rel) {
                Some(c)
                    if c.path == note.path
                        && c.source.as_ref().is_none_or(|s| *s == note.source) =>
                {
                    kept.parsed.push(Some(c.parsed));
                    kept.prepared.push(Some(c.prepared));
                    kept.parse_diags.push(c.parse_diags);
                    kept.prep_diags.push(c.prep_diags);
                    kept.hashes.push(c.hash);
                }
                _ => {
                    kept.redo.push(note.id);
                    kept.parsed.push(None);
                    kept.prepared.push(None);
                    kept.parse_diags.push(Vec::new());
                    kept.prep_diags.push(Vec::new());
                    kept.hashes.push(0);
                }
            }
        }
        kept
    }
}

/// The live-preview build state. See the module documentation.
pub struct Incremental {
    dir: PathBuf,
    opts: BuildOptions,
    a: Analysis,
    md_files: Files,
    other_files: Files,
    walk_diags: Vec<Diagnostic>,
    load_diags: Vec<Diagnostic>,
    file_hash: Vec<u64>,
    parse_diags: Vec<Vec<Diagnostic>>,
    prep_diags: Vec<Vec<Diagnostic>>,
    link_diags: Vec<Diagnostic>,
    theme_diags: Vec<Diagnostic>,
    highlight_diag: Option<Diagnostic>,
    /// Bytes of copied files (static files, assets), by source path.
    copied: HashMap<PathBuf, Bytes>,
    /// The last good output.
    files: Arc<SiteFiles>,
    digests: HashMap<String, u64>,
    page_paths: HashSet<String>,
    extra_paths: HashSet<String>,
    /// Pages left for [`Incremental::finish`], with their new digests.
    pending: Vec<(Page, u64)>,
    /// Some stored digests are missing after fast rebuilds ([`Incremental::finish`] restores
    /// them).
    digests_stale: bool,
    /// The last rebuild succeeded (the fast path needs the served files to match the state).
    last_ok: bool,
    /// Render every page on the next build (first build, templates changed).
    force_all: bool,
    /// The last attempt to open the project failed: try again on the next change.
    reopen: bool,
    /// Notes re-parsed by the last rebuild (for tests and timing output).
    pub last_reparsed: usize,
    /// Rebuilds that took the fast path (see `try_fast`), for tests.
    pub fast_rebuilds: usize,
    /// The fast path's tables, valid until the next full link.
    tables: Option<fast::FastTables>,
    /// Time per step of the last note reload.
    note_timings: Vec<(&'static str, Duration)>,
    /// The text of each section of each note, by the note's path in the notes folder, as
    /// its page's last render found it (the search index is built from these).
    note_sections: HashMap<String, Vec<render::SectionText>>,
    /// `search-index.js` is out of date: [`Incremental::finish`] rebuilds it.
    search_pending: bool,
    /// Until the first build is served: the site `corem build` left in the output folder, to
    /// read the pages and search index it holds as they would be rendered (see [`built`]).
    built: Option<built::BuiltSite>,
    /// The search index's digest for [`Incremental::finish`] to find it in `built`.
    built_search: Option<u64>,
    /// Files the first build read from the built site instead of rendering them (for
    /// `corem -v serve` and tests).
    pub files_from_built: usize,
    /// The search index's shard files being served, sorted (the core not included).
    search_shards: Vec<String>,
}

/// Puts `b` at `path` unless `files` holds the same bytes there, and then lists `path` in
/// `changed`.
fn put_changed(files: &mut SiteFiles, path: String, b: Stored, changed: &mut Vec<String>) {
    if files.get(&path) != Some(&b) {
        files.insert(path.clone(), b);
        changed.push(path);
    }
}

fn error_diags(e: Error) -> Vec<Diagnostic> {
    match e {
        Error::Diagnostics(d) => d,
        Error::Io { path, source } => vec![Diagnostic::error(path, source.to_string())],
        Error::Config(m) | Error::Usage(m) => vec![Diagnostic::error(CONFIG_FILE, m)],
    }
}

impl Incremental {
    /// Opens the project and loads, parses and links it (renders nothing yet: call
    /// [`Incremental::rebuild`]). Fails only on configuration and I/O errors; content errors are
    /// reported by `rebuild`.
    pub fn open(dir: &Path, opts: &BuildOptions) -> Result<Incremental, Error> {
        let project = Project::open(dir, &opts.overrides)?;
        // What an earlier `build` or `serve` of this project computed (highlighted code, calc
        // results, the layout of `graph.html`), read once per process as `corem build` does:
        // notes unchanged since are not highlighted or evaluated again.
        if !opts.fresh
            && let Some(state) = crate::output::StateDir::for_project(&project)
        {
            crate::cache::store().load(&state.cache_file());
            crate::cache::store().load(&state.render_cache_file());
        }
        let theme = Theme::load(&project.templates_dir, &project.static_dir)?;
        let (tera, theme_diags) = crate::compile_templates(&project, &theme);
        let (highlight_header, highlight_diag) = crate::highlight_header(&project);
        // Read once when serving starts: a commit made while serving shows after a restart.
        let dates = load::git::last_commit_dates(&project.notes_dir);
        let mut inc = Incremental {
            dir: dir.to_path_buf(),
            opts: opts.clone(),
            a: Analysis {
                project,
                theme,
                corpus: load::Corpus::default(),
                parsed: Vec::new(),
                graph: crate::link::Graph::default(),
                prepared: Vec::new(),
                tera: tera.unwrap_or_default(),
                highlight_header,
                dates,
                warnings: Vec::new(),
                events_kept: false,
                notes_cached: 0,
            },
            md_files: Vec::new(),
            other_files: Vec::new(),
            walk_diags: Vec::new(),
            load_diags: Vec::new(),
            file_hash: Vec::new(),
            parse_diags: Vec::new(),
            prep_diags: Vec::new(),
            link_diags: Vec::new(),
            theme_diags,
            highlight_diag,
            copied: HashMap::new(),
            files: Arc::new(SiteFiles::new()),
            digests: HashMap::new(),
            page_paths: HashSet::new(),
            extra_paths: HashSet::new(),
            pending: Vec::new(),
            force_all: true,
            reopen: false,
            last_reparsed: 0,
            fast_rebuilds: 0,
            tables: None,
            note_timings: Vec::new(),
            digests_stale: false,
            last_ok: false,
            note_sections: HashMap::new(),
            search_pending: false,
            search_shards: Vec::new(),
            built: None,
            built_search: None,
            files_from_built: 0,
        };
        inc.reload_notes(&HashSet::new(), true);
        inc.built = built::BuiltSite::open(&inc.a, opts);
        Ok(inc)
    }

    /// Saves the build cache's entries used since the last save into `file` of the project's
    /// working folder, on a thread of its own (the entries stay in memory for later edits):
    /// `serve` saves what its first build computed, so that the next `serve` or `build` of the
    /// project starts from it. Never fails: the cache is only an optimisation.
    pub fn save_cache(
        &self,
        file: fn(&crate::output::StateDir) -> PathBuf,
    ) -> crate::cache::Background {
        match crate::output::StateDir::for_project(&self.a.project).filter(|s| s.ensure()) {
            Some(state) => crate::cache::store().save_in_background(&file(&state)),
            None => crate::cache::Background::default(),
        }
    }

    /// True when pages are left for [`Incremental::finish`].
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() || self.search_pending
    }

    /// Keeps the section texts of a rendered note page, and marks the search index stale.
    fn keep_sections(&mut self, page: &Page, sections: Vec<render::SectionText>) {
        if let PageKind::Note(n) = page.kind {
            let rel = self.a.corpus.notes[n].rel.clone();
            self.note_sections.insert(rel, sections);
        }
    }

    /// After a successful rebuild: the search index must follow (titles, tags, headings and
    /// texts all feed it). It is rebuilt in [`Incremental::finish`], after the reload.
    fn search_after_rebuild(&mut self, pending: &mut Vec<String>) {
        if self.a.project.config.search.enabled {
            self.search_pending = true;
            pending.push(crate::SEARCH_INDEX_FILE.to_string());
            // Its shards too (the client asks for them only after the core, so a shard the
            // new index adds is there by then).
            pending.extend(self.search_shards.iter().cloned());
        }
    }

    /// The project being served.
    pub fn project(&self) -> &Project {
        &self.a.project
    }

    /// The last good output.
    pub fn files(&self) -> Arc<SiteFiles> {
        self.files.clone()
    }

    /// Rebuilds after `changed` paths changed (created, modified, removed or renamed: it
    /// does not matter which). An empty set renders what is pending (the first build).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Update, Vec<Diagnostic>> {
        let started = Instant::now();
        let mut timings = Vec::new();
        let kinds: Vec<(Kind, &PathBuf)> = changed
            .iter()
            .map(|p| (classify(&self.a.project, p), p))
            .filter(|(k, _)| *k != Kind::Ignored)
            .collect();
        let mut full = self.force_all;
        if let Some(r) = self.try_fast(&kinds) {
            let mut r = r;
            if let Ok(u) = &mut r {
                u.timings.push(("total", started.elapsed()));
            }
            self.last_ok = r.is_ok();
            return r;
        }
        if self.reopen || kinds.iter().any(|(k, _)| *k == Kind::Config) {
            match Incremental::open(&self.dir, &self.opts) {
                Ok(mut fresh) => {
                    fresh.files = self.files.clone();
                    fresh.page_paths = std::mem::take(&mut self.page_paths);
                    fresh.extra_paths = std::mem::take(&mut self.extra_paths);
                    fresh.search_shards = std::mem::take(&mut self.search_shards);
                    fresh.fast_rebuilds = self.fast_rebuilds;
                    // Only a first build starts from the built site.
                    fresh.built = None;
                    *self = fresh;
                    full = true;
                }
                Err(e) => {
                    self.reopen = true;
                    return Err(error_diags(e));
                }
            }
            timings.push(("load", started.elapsed()));
        } else {
            for (_, p) in &kinds {
                self.copied.remove(*p);
            }
            if kinds
                .iter()
                .any(|(k, _)| matches!(k, Kind::Template | Kind::Static))
            {
                self.reload_theme().map_err(error_diags)?;
                timings.push(("theme", started.elapsed()));
            }
            let notes: HashSet<PathBuf> = kinds
                .iter()
                .filter(|(k, _)| *k == Kind::Note)
                .map(|(_, p)| (*p).clone())
                .collect();
            let rescan = kinds.iter().any(|(k, _)| *k == Kind::NotesOther);
            if rescan || !notes.is_empty() {
                let t = Instant::now();
                self.reload_notes(&notes, rescan);
                timings.append(&mut self.note_timings);
                timings.push(("notes", t.elapsed()));
            }
        }
        let mut up = match self.render() {
            Ok(u) => {
                self.last_ok = true;
                u
            }
            Err(d) => {
                self.last_ok = false;
                return Err(d);
            }
        };
        up.full = full;
        timings.append(&mut up.timings);
        up.timings = timings;
        up.timings.push(("total", started.elapsed()));
        Ok(up)
    }

    fn reload_theme(&mut self) -> Result<(), Error> {
        let p = &self.a.project;
        let theme = Theme::load(&p.templates_dir, &p.static_dir)?;
        let same = theme.templates.len() == self.a.theme.templates.len()
            && theme
                .templates
                .iter()
                .zip(&self.a.theme.templates)
                .all(|(x, y)| x.name == y.name && x.text == y.text && x.origin == y.origin);
        self.a.theme = theme;
        if !same {
            let (tera, diags) = crate::compile_templates(&self.a.project, &self.a.theme);
            self.theme_diags = diags;
            if let Some(t) = tera {
                self.a.tera = t;
                self.force_all = true;
            }
        }
        Ok(())
    }

    /// Brings notes up to date with the disk: `changed` notes are re-read, the folder is walked
    /// again if notes may have appeared or gone (`rescan`, or a changed path that is new or
    /// missing), and everything derived from a note's text is kept unless the text changed.
    fn reload_notes(&mut self, changed: &HashSet<PathBuf>, rescan: bool) {
        let t0 = Instant::now();
        self.tables = None;
        self.note_timings.clear();
        self.walk_if_needed(changed, rescan);
        let mut old = self.take_note_caches();
        let files = self.read_notes(changed, &mut old);
        self.note_timings.push(("read", t0.elapsed()));
        let mut load_diags = Vec::new();
        let corpus = load::assemble(
            &self.a.project,
            load::LoadOptions {
                drafts: self.opts.drafts,
            },
            files,
            self.other_files.clone(),
            &mut load_diags,
        );
        self.load_diags = load_diags;
        let mut kept = Kept::reuse(&corpus, old);
        self.recompute(&corpus, &mut kept);
        self.last_reparsed = kept.redo.len();
        self.note_timings.push(("parse", t0.elapsed()));
        let parsed: Vec<Parsed> = (kept.parsed.into_iter())
            .map(Option::unwrap_or_default)
            .collect();
        let (graph, link_diags) =
            crate::link::link(&corpus, &parsed, self.a.project.config.broken_links);
        self.note_timings.push(("link", t0.elapsed()));
        self.a.corpus = corpus;
        self.a.parsed = parsed;
        self.a.prepared = (kept.prepared.into_iter())
            .map(Option::unwrap_or_default)
            .collect();
        self.a.graph = graph;
        self.file_hash = kept.hashes;
        self.parse_diags = kept.parse_diags;
        self.prep_diags = kept.prep_diags;
        self.link_diags = link_diags;
    }

    /// Walks the notes folder again when notes may have appeared or gone.
    fn walk_if_needed(&mut self, changed: &HashSet<PathBuf>, rescan: bool) {
        let need_walk = rescan || {
            let known: HashSet<&Path> = self.md_files.iter().map(|(p, _)| p.as_path()).collect();
            changed
                .iter()
                .any(|p| !known.contains(p.as_path()) || !p.is_file())
        };
        if need_walk {
            let mut d = Vec::new();
            let (md, other) = load::walk(&self.a.project, &mut d);
            self.md_files = md;
            self.other_files = other;
            self.walk_diags = d;
        }
    }

    /// Takes the notes and everything derived from them out of the state, by relative path.
    fn take_note_caches(&mut self) -> HashMap<String, NoteCache> {
        let old_notes = std::mem::take(&mut self.a.corpus.notes);
        let old_parsed = std::mem::take(&mut self.a.parsed);
        let old_prepared = std::mem::take(&mut self.a.prepared);
        let old_hash = std::mem::take(&mut self.file_hash);
        let old_pd = std::mem::take(&mut self.parse_diags);
        let old_prd = std::mem::take(&mut self.prep_diags);
        let mut old: HashMap<String, NoteCache> = HashMap::with_capacity(old_notes.len());
        for (((((n, parsed), prepared), hash), parse_diags), prep_diags) in old_notes
            .into_iter()
            .zip(old_parsed)
            .zip(old_prepared)
            .zip(old_hash)
            .zip(old_pd)
            .zip(old_prd)
        {
            old.insert(
                n.rel,
                NoteCache {
                    path: n.path,
                    source: Some(n.source),
                    body_start: n.body_start,
                    meta: Some(n.meta),
                    parsed,
                    parse_diags,
                    prepared,
                    prep_diags,
                    hash,
                },
            );
        }
        old
    }

    /// Every note file of the walk: unchanged ones moved over from `old`, the others read (in
    /// parallel).
    fn read_notes(
        &self,
        changed: &HashSet<PathBuf>,
        old: &mut HashMap<String, NoteCache>,
    ) -> Vec<Result<LoadedFile, Vec<Diagnostic>>> {
        let mut slots: Vec<Option<Result<LoadedFile, Vec<Diagnostic>>>> =
            (0..self.md_files.len()).map(|_| None).collect();
        let mut to_read = Vec::new();
        for (i, (path, rel)) in self.md_files.iter().enumerate() {
            if !changed.contains(path)
                && let Some(c) = old.get_mut(rel)
                && c.path == *path
                && let (Some(source), Some(meta)) = (c.source.take(), c.meta.take())
            {
                slots[i] = Some(Ok((path.clone(), rel.clone(), source, c.body_start, meta)));
                continue;
            }
            to_read.push(i);
        }
        // On the reading threads: a cold disk makes each read wait.
        let read: Vec<(usize, Result<LoadedFile, Vec<Diagnostic>>)> = built::reading(|| {
            (to_read.par_iter())
                .map(|&i| {
                    let (path, rel) = &self.md_files[i];
                    (i, load::read_note(path.clone(), rel.clone()))
                })
                .collect()
        });
        for (i, r) in read {
            slots[i] = Some(r);
        }
        slots.into_iter().flatten().collect()
    }

    /// Parses the notes of `kept.redo` and computes their blocks (in parallel).
    fn recompute(&self, corpus: &load::Corpus, kept: &mut Kept) {
        let opts = render::BlockOptions::of(&self.a.project.config);
        // One pass per note, as in `corem build`: its event stream is dropped as soon as its
        // blocks are computed, so the notes' streams are never all in memory at once.
        let done: Vec<(usize, crate::NoteDone, u64)> = (kept.redo.par_iter())
            .map(|&id| {
                let d = crate::parse_and_prepare_note(corpus, id, opts, self.opts.fresh);
                (id, d, note_file_hash(&corpus.notes[id]))
            })
            .collect();
        for (id, done, hash) in done {
            let note = &corpus.notes[id];
            kept.parse_diags[id] = (done.problems.into_iter())
                .map(|pr| pr.note_error(note))
                .collect();
            kept.parsed[id] = Some(done.parsed);
            kept.prepared[id] = Some(done.prepared);
            kept.prep_diags[id] = done.diags;
            kept.hashes[id] = hash;
        }
    }

    /// Every diagnostic of the current state, sorted.
    fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .walk_diags
            .iter()
            .chain(&self.load_diags)
            .chain(self.parse_diags.iter().flatten())
            .chain(&self.link_diags)
            .chain(self.prep_diags.iter().flatten())
            .chain(&self.theme_diags)
            .chain(&self.highlight_diag)
            .cloned()
            .collect();
        diagnostic::sort_and_cap(&mut all);
        all
    }

    fn read_copied(&mut self, path: &Path) -> Result<Bytes, Diagnostic> {
        if let Some(b) = self.copied.get(path) {
            return Ok(b.clone());
        }
        let b = Bytes::from(
            std::fs::read(path)
                .map_err(|e| Diagnostic::error(path, format!("cannot read the file: {e}")))?,
        );
        self.copied.insert(path.to_path_buf(), b.clone());
        Ok(b)
    }

    /// Renders `todo` in parallel and keeps their notes' section texts (for search): the
    /// output path and bytes of every page and of the files that go with it. All errors, sorted
    /// and without repeats, when any page fails.
    fn render_pages(&mut self, todo: &[&Page]) -> Result<Vec<(String, Stored)>, Vec<Diagnostic>> {
        let site = self.a.site();
        let (tera, theme) = (&self.a.tera, &self.a.theme);
        // Compressed as they are rendered: the whole site is never held uncompressed.
        let results: Vec<Result<RenderedPage, Diagnostic>> = todo
            .par_iter()
            .map(|p| {
                render::render_page(&site, tera, theme, p).map(|r| {
                    let extra = (r.extra.into_iter())
                        .map(|(path, text)| (path, Stored::new(text)))
                        .collect();
                    (p.out_path.clone(), Stored::new(r.html), r.sections, extra)
                })
            })
            .collect();
        drop(site);
        let mut rendered = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        let mut sections = Vec::new();
        for (r, page) in results.into_iter().zip(todo) {
            match r {
                Ok((path, html, secs, extra)) => {
                    rendered.push((path, html));
                    rendered.extend(extra);
                    sections.push(((*page).clone(), secs));
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            diagnostic::sort_and_cap(&mut errors);
            errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
            return Err(errors);
        }
        for (page, secs) in sections {
            self.keep_sections(&page, secs);
        }
        Ok(rendered)
    }

    /// Renders the pages whose inputs changed and updates the output (see the module docs).
    fn render(&mut self) -> Result<Update, Vec<Diagnostic>> {
        let t0 = Instant::now();
        let diags = self.diagnostics();
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        let site = self.a.site();
        let pages = render::pages(&site);
        let plan = self.plan(&site, &pages);
        let t_digest = t0.elapsed();
        let companions: Vec<String> = pages
            .iter()
            .flat_map(|p| render::page_extras(&site, p))
            .collect();
        drop(site);
        let mut todo: Vec<&Page> = plan.todo.iter().map(|&i| &pages[i]).collect();
        let mut rendered = Vec::new();
        if let Some(built) = self.built.as_ref().filter(|_| self.files.is_empty()) {
            let site = self.a.site();
            let found = built.pages(&site, &todo, |p| plan.digests.get(&p.out_path).copied());
            let mut read = vec![false; todo.len()];
            for (i, files) in found {
                read[i] = true;
                rendered.extend(files);
            }
            self.files_from_built = rendered.len();
            let mut read = read.into_iter();
            todo.retain(|_| !read.next().unwrap_or(false));
            self.built_search = plan.search;
        }
        let t_read = t0.elapsed();
        rendered.append(&mut self.render_pages(&todo)?);
        let t_render = t0.elapsed();
        let count = rendered.len();
        let changed = self.store_full(&pages, companions, rendered)?;
        let mut pending: Vec<String> = (plan.deferred.iter())
            .map(|(p, _)| p.out_path.clone())
            .collect();
        self.search_after_rebuild(&mut pending);
        self.digests = plan.digests;
        self.pending = plan.deferred;
        self.force_all = false;
        let t_total = t0.elapsed();
        Ok(Update {
            changed,
            pending,
            rendered: count,
            pages: self.page_paths.len(),
            full: false,
            warnings: diags,
            timings: vec![
                ("digest", t_digest),
                ("read", t_read - t_digest),
                ("render", t_render - t_read),
                ("output", t_total - t_render),
            ],
        })
    }

    /// Which pages to render now (their digest changed, or every page when forced), which to
    /// leave for [`Incremental::finish`] (the print pages, once the site is served), and the
    /// digests to keep.
    fn plan(&self, site: &render::Site, pages: &[Page]) -> Plan {
        let first = self.files.is_empty();
        let digests = Digests::new(site, &self.file_hash);
        let mut plan = Plan {
            digests: HashMap::with_capacity(pages.len()),
            todo: Vec::new(),
            deferred: Vec::new(),
            search: (self.built.is_some() && first).then(|| digests.search()),
        };
        for (i, p) in pages.iter().enumerate() {
            let d = digests.page(&p.kind, &p.out_path);
            let old = self.digests.get(&p.out_path).copied();
            if !self.force_all && old == Some(d) {
                plan.digests.insert(p.out_path.clone(), d);
            } else if matches!(p.kind, PageKind::Print | PageKind::PrintPart(_)) && !first {
                // Keep the old digest until the page is rendered by `finish`.
                if let Some(o) = old {
                    plan.digests.insert(p.out_path.clone(), o);
                }
                plan.deferred.push((p.clone(), d));
            } else {
                plan.digests.insert(p.out_path.clone(), d);
                plan.todo.push(i);
            }
        }
        plan
    }

    /// Makes the served files those of the site `pages` describe: files of pages (and their
    /// companions) the site no longer has are dropped, `rendered` pages and the copied and
    /// generated files are put in. Returns the paths whose bytes changed, sorted.
    fn store_full(
        &mut self,
        pages: &[Page],
        companions: Vec<String>,
        rendered: Vec<(String, Stored)>,
    ) -> Result<Vec<String>, Vec<Diagnostic>> {
        let extra = crate::extra_files(&self.a, pages);
        let mut files: SiteFiles = (*self.files).clone();
        let mut changed = Vec::new();
        let page_paths: HashSet<String> = pages.iter().map(|p| p.out_path.clone()).collect();
        // A page's companion files (a note's preview script) live and go with it.
        let extra_paths: HashSet<String> = extra
            .iter()
            .map(|(p, _)| p.clone())
            .chain(companions)
            .collect();
        for gone in self.page_paths.iter().chain(&self.extra_paths) {
            if !page_paths.contains(gone)
                && !extra_paths.contains(gone)
                && files.remove(gone).is_some()
            {
                changed.push(gone.clone());
            }
        }
        let mut put = |path: String, b: Stored| put_changed(&mut files, path, b, &mut changed);
        for (path, stored) in rendered {
            put(path, stored);
        }
        let mut copy_errors = Vec::new();
        for (path, src) in extra {
            match src {
                FileSource::Bytes(v) => put(path, Stored::new(v)),
                // Kept as they are: the bytes are shared with the cache of copied files.
                FileSource::Copy(p) => match self.read_copied(&p) {
                    Ok(b) => put(path, Stored::Plain(b)),
                    Err(d) => copy_errors.push(d),
                },
            }
        }
        if !copy_errors.is_empty() {
            return Err(copy_errors);
        }
        changed.sort();
        changed.dedup();
        self.files = Arc::new(files);
        self.page_paths = page_paths;
        self.extra_paths = extra_paths;
        Ok(changed)
    }

    /// The search index of the notes as they are, from the section texts their pages' last
    /// render kept (computed for the notes whose pages were read from the built site instead).
    fn make_search_index(&mut self) -> Option<Vec<(String, Stored)>> {
        let missing: Vec<(String, Vec<render::SectionText>)> = {
            let site = self.a.site();
            (self.a.graph.order.par_iter())
                .filter(|&&n| !self.note_sections.contains_key(&self.a.corpus.notes[n].rel))
                .map(|&n| {
                    let note = &self.a.corpus.notes[n];
                    let page = render::Mode::Page(&note.out_path);
                    (
                        note.rel.clone(),
                        render::html::note_sections(&site, n, page),
                    )
                })
                .collect()
        };
        self.note_sections.extend(missing);
        // Same input, in the same (reading) order, as `corem build`'s index.
        let sections: Vec<crate::NoteSections> = self
            .a
            .graph
            .order
            .iter()
            .map(|&n| {
                let rel = &self.a.corpus.notes[n].rel;
                (n, self.note_sections.get(rel).cloned().unwrap_or_default())
            })
            .collect();
        let live: HashSet<&String> = self.a.corpus.notes.iter().map(|n| &n.rel).collect();
        self.note_sections.retain(|rel, _| live.contains(rel));
        let index = crate::search_index(&self.a, sections)?;
        Some(
            (index.files.into_par_iter())
                .map(|(name, js)| (name, Stored::new(js)))
                .collect(),
        )
    }

    /// Serves `index` (the core and its shards) as the search index; shards the new index no
    /// longer has are dropped.
    fn put_search_index(&mut self, index: Vec<(String, Stored)>, changed: &mut Vec<String>) {
        // A copy of a persistent map shares everything: nothing is copied.
        let mut files: SiteFiles = (*self.files).clone();
        let new: HashSet<&str> = index.iter().map(|(n, _)| n.as_str()).collect();
        let mut shards: Vec<String> = (new.iter())
            .filter(|n| **n != crate::SEARCH_INDEX_FILE)
            .map(|n| n.to_string())
            .collect();
        shards.sort();
        for name in self.files.keys() {
            if crate::search::is_index_file(name) && !new.contains(name.as_str()) {
                files.remove(name);
                changed.push(name.clone());
            }
        }
        for (name, b) in index {
            put_changed(&mut files, name, b, changed);
        }
        self.files = Arc::new(files);
        self.search_shards = shards;
    }

    /// Renders the pages [`Incremental::rebuild`] left pending (see the module docs) and
    /// makes the search index again.
    pub fn finish(&mut self) -> Result<Update, Vec<Diagnostic>> {
        let started = Instant::now();
        if self.tables.is_none() {
            // Built while the user is idle, so the next edit's fast path does not pay for it.
            self.tables = Some(fast::FastTables::new(&self.a));
        }
        let pending = std::mem::take(&mut self.pending);
        let mut changed = Vec::new();
        let built = self.built.take();
        if std::mem::take(&mut self.search_pending) && self.a.project.config.search.enabled {
            let from_built = (built.as_ref())
                .zip(self.built_search.take())
                .and_then(|(b, digest)| b.search_index(digest));
            if let Some(files) = from_built {
                self.files_from_built += files.len();
                self.put_search_index(files, &mut changed);
            } else if let Some(files) = self.make_search_index() {
                self.put_search_index(files, &mut changed);
            }
        }
        if pending.is_empty() {
            return Ok(Update {
                changed,
                timings: vec![("finish", started.elapsed())],
                pages: self.page_paths.len(),
                ..Default::default()
            });
        }
        let site = self.a.site();
        let recomputed = self.digests_stale;
        if self.digests_stale {
            // Fast rebuilds dropped the digests of the pages they rendered: every page is
            // current now (or pending, and rendered below), so all digests can be recomputed.
            let digests = Digests::new(&site, &self.file_hash);
            self.digests = render::pages(&site)
                .iter()
                .map(|p| (p.out_path.clone(), digests.page(&p.kind, &p.out_path)))
                .collect();
            self.digests_stale = false;
        }
        // In parallel: at 100,000 notes these are 2,001 print pages.
        let (tera, theme) = (&self.a.tera, &self.a.theme);
        let made: Vec<Result<Stored, Diagnostic>> = (pending.par_iter())
            .map(|(page, _)| {
                render::render_page(&site, tera, theme, page).map(|r| Stored::new(r.html))
            })
            .collect();
        let mut files: SiteFiles = (*self.files).clone();
        for ((page, digest), made) in pending.iter().zip(made) {
            let b = made.map_err(|d| vec![d])?;
            put_changed(&mut files, page.out_path.clone(), b, &mut changed);
            if !recomputed && *digest != 0 {
                self.digests.insert(page.out_path.clone(), *digest);
            }
        }
        self.files = Arc::new(files);
        Ok(Update {
            changed,
            rendered: pending.len(),
            pages: self.page_paths.len(),
            timings: vec![("finish", started.elapsed())],
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The serve fixture's notes and configuration, copied where a test may edit them.
    fn fixture_copy() -> tempfile::TempDir {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve-site");
        let tmp = tempfile::tempdir().expect("a temporary folder");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.expect("the fixture is readable");
            let rel = entry
                .path()
                .strip_prefix(&from)
                .expect("inside the fixture");
            if rel.starts_with(".corem") {
                continue;
            }
            let to = tmp.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("a folder");
            } else {
                std::fs::copy(entry.path(), &to).expect("a copy");
            }
        }
        tmp
    }

    fn served(inc: &Incremental, path: &str) -> String {
        let files = inc.files();
        let stored = files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not served"));
        let bytes = stored.bytes().expect("stored bytes decompress");
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn streams_kept(inc: &Incremental) -> usize {
        (inc.a.parsed.iter())
            .filter(|p| !p.events.is_empty() || !p.fences.is_empty())
            .count()
    }

    #[test]
    fn serve_keeps_no_event_streams_yet_renders_edits_and_the_pages_embedding_them() {
        let tmp = fixture_copy();
        let root = tmp.path().canonicalize().expect("a path");
        let mut inc = Incremental::open(&root, &BuildOptions::default()).expect("opens");
        inc.rebuild(&[]).expect("builds");
        inc.finish().expect("finishes");
        assert_eq!(
            streams_kept(&inc),
            0,
            "event streams kept after the first build"
        );
        assert!(served(&inc, "basics/beta.html").contains("Gamma details, shown in embeds"));

        // Beta embeds Gamma's "Details" section: an edit there shows on both pages. (The
        // same length: headings keep their places, which the fast path requires.)
        let gamma = root.join("notes/01-basics/03-gamma.md");
        let text = std::fs::read_to_string(&gamma).expect("reads");
        let edited = text.replace(
            "Gamma details, shown in embeds.",
            "Gamma details, xyzzy in embeds.",
        );
        assert_ne!(text, edited);
        std::fs::write(&gamma, edited).expect("writes");
        inc.rebuild(std::slice::from_ref(&gamma)).expect("rebuilds");
        assert_eq!(inc.fast_rebuilds, 1, "the edit took the fast path");
        assert_eq!(streams_kept(&inc), 0, "event streams kept after an edit");
        assert!(served(&inc, "basics/gamma.html").contains("Gamma details, xyzzy in embeds"));
        assert!(served(&inc, "basics/beta.html").contains("Gamma details, xyzzy in embeds"));
    }
}
