//! corem turns a folder of Markdown notes into a cross-linked, searchable static site.
//!
//! The pipeline runs one way, one module per stage:
//! [`config`] → [`load`] → [`markdown`] → [`link`] → [`render`] → [`search`] → [`output`].
//! [`build`] runs it and writes the site; [`check`] runs it and writes nothing; [`serve()`]
//! keeps it in memory, serves it and rebuilds what each edit changes; [`build_single_file`]
//! writes the whole handbook as one self-contained HTML file.

pub mod cache;
pub mod calc;
pub mod config;
pub mod diagnostic;
pub mod diagram;
pub mod graph;
pub mod link;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::{Overrides, Project};
use diagnostic::Diagnostic;

/// Errors of the library. Content problems are [`Error::Diagnostics`] (exit code 1); the rest
/// are usage, configuration and I/O errors (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Usage(String),
    #[error("the content has {} error(s)", .0.iter().filter(|d| d.is_error()).count())]
    Diagnostics(Vec<Diagnostic>),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Options of `build` and `check`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include notes with `draft: true`.
    pub drafts: bool,
    pub overrides: Overrides,
    /// Ignore the build cache and what the spare output folder holds: compute everything and
    /// write every file (what a first build costs; the spare's files are rewritten rather than
    /// deleted and created again). The results still go into the cache.
    pub fresh: bool,
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    pub notes: usize,
    pub pages: usize,
    /// Files written (pages, assets, static files, generated files).
    pub files: usize,
    pub output_dir: PathBuf,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    /// Time per stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Figures of `search-index.js`, when search is enabled.
    pub search: Option<search::Stats>,
    /// Files written, left unchanged and removed in the output (`None` for `check`).
    pub writes: Option<output::WriteStats>,
    /// Pages not rendered: the staging folder held them as rendering would make them (see
    /// [`output::reuse`]).
    pub reused: usize,
    /// Notes not parsed: their parse and blocks came from the build cache (see
    /// [`cache::notes`]).
    pub notes_cached: usize,
    /// The process's peak resident memory (bytes) at the end of each part of the build, in
    /// order (empty where the system does not report it): where memory goes at scale.
    pub peak_rss: Vec<(&'static str, u64)>,
}

/// The process's peak resident set size so far, in bytes (Linux's `VmHWM`; `None` elsewhere).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Builds the project in `dir` into its output folder.
pub fn build(dir: &Path, opts: &BuildOptions) -> Result<BuildReport, Error> {
    run(dir, opts, true)
}

/// Builds the project, serves it on `opts.bind`:`opts.port` from memory, and rebuilds and
/// live-reloads on every change until the process is stopped (see [`serve`](mod@serve)).
pub fn serve(dir: &Path, opts: &serve::ServeOptions) -> Result<(), Error> {
    serve::serve(dir, opts)
}

/// Runs every check of [`build`] and writes nothing.
pub fn check(dir: &Path, opts: &BuildOptions) -> Result<BuildReport, Error> {
    run(dir, opts, false)
}

struct Timer {
    last: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, now - self.last));
        self.last = now;
    }
}

fn fail_if_errors(diags: &mut Vec<Diagnostic>) -> Result<(), Error> {
    if diags.iter().any(Diagnostic::is_error) {
        diagnostic::sort_and_cap(diags);
        return Err(Error::Diagnostics(std::mem::take(diags)));
    }
    Ok(())
}

/// The outputs of every stage before rendering, kept together so `build`, `check` and `serve`
/// share them (and `serve` can keep them in memory between edits).
pub struct Analysis {
    pub project: Project,
    pub theme: theme::Theme,
    pub corpus: load::Corpus,
    pub parsed: Vec<markdown::Parsed>,
    pub graph: link::Graph,
    pub prepared: Vec<render::Prepared>,
    pub tera: tera::Tera,
    /// The first line of `highlight.css`, naming the themes.
    pub highlight_header: String,
    /// Last-commit dates of the notes, read once per build (empty outside a git checkout).
    pub dates: load::git::Dates,
    /// Warnings found so far (errors end the analysis).
    pub warnings: Vec<Diagnostic>,
    /// False when the notes' event streams (and fences) were dropped once their blocks were
    /// computed: rendering then parses each note again (see [`analyze_lean`]).
    pub events_kept: bool,
    /// Notes whose parse and blocks came from the build cache (see [`cache::notes`]).
    pub notes_cached: usize,
}

impl Analysis {
    /// The read-only view rendering works on.
    pub fn site(&self) -> render::Site<'_> {
        render::Site {
            project: &self.project,
            corpus: &self.corpus,
            parsed: &self.parsed,
            graph: &self.graph,
            prepared: &self.prepared,
            dates: &self.dates,
            nav_cache: render::NavCache::default(),
            print_parts: std::sync::OnceLock::new(),
            colours: std::sync::OnceLock::new(),
            reparse: !self.events_kept,
        }
    }
}

/// Loads, parses, links and prepares the project: everything but writing. Every diagnostic of
/// every stage is collected; any error fails with all of them.
pub fn analyze(
    dir: &Path,
    opts: &BuildOptions,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<Analysis, Error> {
    analyze_with(dir, opts, timings, true)
}

/// [`analyze`] for a build that renders each page once: each note's blocks are computed as
/// soon as it is parsed, and its event stream is then dropped (rendering parses the note
/// again, which costs less than keeping every note's events: they are most of a large site's
/// memory, 26 KB a note against 7 KB of Markdown). Same pages, same diagnostics.
pub fn analyze_lean(
    dir: &Path,
    opts: &BuildOptions,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<Analysis, Error> {
    analyze_with(dir, opts, timings, false)
}

fn analyze_with(
    dir: &Path,
    opts: &BuildOptions,
    timings: &mut Vec<(&'static str, Duration)>,
    keep_events: bool,
) -> Result<Analysis, Error> {
    let mut t = Timer {
        last: Instant::now(),
        timings: Vec::new(),
    };
    let project = Project::open(dir, &opts.overrides)?;
    let theme = theme::Theme::load(&project.templates_dir, &project.static_dir)?;
    // The build cache is read (and its tag checked) while the notes are read: nothing looks
    // into it before their front matter is parsed (`load` waits for it then).
    let mut cache_read = (output::StateDir::for_project(&project))
        .filter(|_| !opts.fresh)
        .map(|state| cache::store().load_in_background(state.cache_file()));
    t.lap("config");

    let (corpus, mut diags) = load::load(
        &project,
        load::LoadOptions {
            drafts: opts.drafts,
        },
        cache_read.as_mut(),
    );
    diags.extend(theme.skipped.iter().map(|p| {
        Diagnostic::warning(
            p,
            "skipped: this symbolic link in the theme points outside its folder (or nowhere), \
             and theme files are published with the site",
        )
        .with_help("copy the file into the theme folder instead of linking to it")
    }));
    t.lap("load");

    let dates = load::git::last_commit_dates(&project.notes_dir);
    t.lap("git");

    let mut notes_cached = 0;
    let (parsed, prepared) = if keep_events {
        let parsed = parse_all(&corpus, &mut diags);
        t.lap("parse");
        let (prepared, mut prep_diags) =
            render::prepare(&corpus, &parsed, render::BlockOptions::of(&project.config));
        diags.append(&mut prep_diags);
        t.lap("prepare");
        (parsed, prepared)
    } else {
        let (parsed, prepared, cached) = parse_and_prepare(
            &corpus,
            render::BlockOptions::of(&project.config),
            opts.fresh,
            &mut diags,
        );
        notes_cached = cached;
        t.lap("parse+prepare");
        (parsed, prepared)
    };

    let (graph, mut link_diags) = link::link(&corpus, &parsed, project.config.broken_links);
    diags.append(&mut link_diags);
    t.lap("link");

    let (tera, mut template_diags) = compile_templates(&project, &theme);
    diags.append(&mut template_diags);
    let (highlight_header, highlight_diag) = highlight_header(&project);
    diags.extend(highlight_diag);
    t.lap("templates");
    let site = render::Site {
        project: &project,
        corpus: &corpus,
        parsed: &parsed,
        graph: &graph,
        prepared: &prepared,
        dates: &dates,
        nav_cache: render::NavCache::default(),
        print_parts: std::sync::OnceLock::new(),
        colours: std::sync::OnceLock::new(),
        reparse: !keep_events,
    };
    diags.extend(output::paths::collisions(&site, &theme));
    timings.append(&mut t.timings);
    fail_if_errors(&mut diags)?;
    let Some(tera) = tera else {
        return Err(Error::Diagnostics(diags));
    };
    Ok(Analysis {
        project,
        theme,
        corpus,
        parsed,
        graph,
        prepared,
        tera,
        highlight_header,
        dates,
        warnings: diags,
        events_kept: keep_events,
        notes_cached,
    })
}

/// Compiles the theme's templates with the site globals set (`None` with the diagnostics when
/// a template does not compile).
pub(crate) fn compile_templates(
    project: &Project,
    theme: &theme::Theme,
) -> (Option<tera::Tera>, Vec<Diagnostic>) {
    match render::templates::compile(theme) {
        Ok(mut tera) => {
            tera.global_context()
                .insert("site", &render::site_globals(project));
            (Some(tera), Vec::new())
        }
        Err(d) => (None, d),
    }
}

/// The first line of `highlight.css` for the configured themes (its rules follow from the
/// classes the site's code uses, see [`used_highlight_css`]), or an error at the configuration
/// file naming the fix.
pub(crate) fn highlight_header(project: &Project) -> (String, Option<Diagnostic>) {
    match render::highlight::header(
        &project.config.highlight.light,
        &project.config.highlight.dark,
    ) {
        Ok(c) => (c, None),
        Err(msg) => {
            let file =
                (project.config_file.clone()).unwrap_or_else(|| PathBuf::from(config::CONFIG_FILE));
            let d = Diagnostic::error(file, msg)
                .with_help("set [highlight] light = … and dark = … to available themes");
            (String::new(), Some(d))
        }
    }
}

/// Parses every note in parallel; problems become diagnostics at the note's file and line.
pub fn parse_all(corpus: &load::Corpus, diags: &mut Vec<Diagnostic>) -> Vec<markdown::Parsed> {
    let parsed_all: Vec<(markdown::Parsed, Vec<markdown::Problem>)> = corpus
        .notes
        .par_iter()
        .map(|n| markdown::parse(n.body(), n.meta.title.as_deref()))
        .collect();
    let mut parsed = Vec::with_capacity(parsed_all.len());
    for (n, (p, problems)) in corpus.notes.iter().zip(parsed_all) {
        diags.extend(problems.into_iter().map(|pr| pr.note_error(n)));
        parsed.push(p);
    }
    parsed
}

/// Parses every note and computes its blocks in one parallel pass, keeping of each note only
/// what linking and rendering read besides its events (see [`analyze_lean`]). Also returns
/// how many notes came from the build cache.
fn parse_and_prepare(
    corpus: &load::Corpus,
    opts: render::BlockOptions,
    fresh: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<markdown::Parsed>, Vec<render::Prepared>, usize) {
    let all: Vec<NoteDone> = (0..corpus.notes.len())
        .into_par_iter()
        .map(|id| parse_and_prepare_note(corpus, id, opts, fresh))
        .collect();
    let mut parsed = Vec::with_capacity(all.len());
    let mut prepared = Vec::with_capacity(all.len());
    let mut cached = 0;
    for (n, mut done) in corpus.notes.iter().zip(all) {
        diags.extend(done.problems.into_iter().map(|pr| pr.note_error(n)));
        diags.append(&mut done.diags);
        parsed.push(done.parsed);
        prepared.push(done.prepared);
        cached += usize::from(done.from_cache);
    }
    (parsed, prepared, cached)
}

/// One note parsed and its blocks computed.
pub struct NoteDone {
    /// Its parse, without its event stream.
    pub parsed: markdown::Parsed,
    /// The parse's problems.
    pub problems: Vec<markdown::Problem>,
    /// Its computed blocks.
    pub prepared: render::Prepared,
    /// The blocks' diagnostics.
    pub diags: Vec<Diagnostic>,
    /// Whether all this came from the build cache.
    pub from_cache: bool,
}

/// Parses note `id` and computes its blocks, then drops its event stream (rendering parses it
/// again): the one pass over a note that `corem build` and `corem serve` share. Only one
/// note's stream at a time per thread is alive. A note met before comes from the build cache
/// (see [`cache::notes`]) unless `fresh`.
pub fn parse_and_prepare_note(
    corpus: &load::Corpus,
    id: load::NoteId,
    opts: render::BlockOptions,
    fresh: bool,
) -> NoteDone {
    let n = &corpus.notes[id];
    let key = cache::notes::key(n, opts);
    if !fresh && let Some((parsed, prepared)) = cache::notes::get(&key) {
        return NoteDone {
            parsed,
            problems: Vec::new(),
            prepared,
            diags: Vec::new(),
            from_cache: true,
        };
    }
    let ((mut parsed, problems, prepared, diags), uses) = cache::recording(|| {
        let (p, problems) = markdown::parse(n.body(), n.meta.title.as_deref());
        let (prepared, diags) = render::prepare_note(corpus, id, &p, opts);
        (p, problems, prepared, diags)
    });
    parsed.drop_streams();
    if problems.is_empty() && diags.is_empty() {
        cache::notes::put(key, &parsed, &prepared, &uses);
    }
    NoteDone {
        parsed,
        problems,
        prepared,
        diags,
        from_cache: false,
    }
}

/// The rendered site, handed page by page to `sink(path, bytes)` (in parallel).
pub struct Rendered {
    pub pages: Vec<render::Page>,
    /// For each note page, the text of each of its sections (for the search index).
    pub sections: Vec<NoteSections>,
}

/// Receives each rendered page: output path and bytes. Called from several threads at once.
pub type PageSink<'a> = dyn Fn(&str, &[u8]) -> Result<(), Error> + Sync + 'a;

/// A note's section texts, for the search index.
pub type NoteSections = (load::NoteId, Vec<render::SectionText>);

/// Renders every page and passes it to `sink`. Template errors are collected and returned together.
pub fn render_pages(a: &Analysis, sink: &PageSink) -> Result<Rendered, Error> {
    let pages = render::pages(&a.site());
    let mut diags = Vec::new();
    let sections = render_listed(a, &pages, sink, &mut diags)?;
    fail_if_render_errors(diags)?;
    Ok(Rendered { pages, sections })
}

/// Renders `pages` and passes each to `sink`; template errors go to `diags`. Returns the note
/// pages' section texts, in the order of `pages`.
fn render_listed(
    a: &Analysis,
    pages: &[render::Page],
    sink: &PageSink,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<NoteSections>, Error> {
    let site = a.site();
    // Pages differ in cost by a thousand times (a tag page of 5,000 notes, a print page of 50,
    // a note): small batches, so that no core is left alone with a long run of costly pages at
    // the end (without this, one core rendered alone for 12 s of a 100,000-note build). A
    // print page is rendered with its notes, which parse once for both.
    let results = std::sync::Mutex::new(Vec::new());
    let each = |page: &render::Page, rendered: render::Rendered| -> Result<(), Error> {
        sink(&page.out_path, rendered.html.as_bytes())?;
        for (path, text) in &rendered.extra {
            sink(path, text.as_bytes())?;
        }
        if let render::PageKind::Note(n) = page.kind {
            let mut r = results
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            r.push((n, rendered.sections));
        }
        Ok(())
    };
    let outcomes: Vec<Result<(), Error>> = render::print_groups(&site, pages)
        .par_iter()
        .with_max_len(16)
        .map(|group| render::render_group(&site, &a.tera, &a.theme, group, &each))
        .collect();
    let mut sections = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    sections.sort_by_key(|(n, _)| a.graph.position[*n]);
    for r in outcomes {
        match r {
            Ok(()) => {}
            Err(Error::Diagnostics(mut d)) => diags.append(&mut d),
            Err(e) => return Err(e),
        }
    }
    Ok(sections)
}

/// Fails with the template errors of a rendering, each reported once (one broken template
/// fails every page the same way).
fn fail_if_render_errors(mut diags: Vec<Diagnostic>) -> Result<(), Error> {
    diagnostic::sort_and_cap(&mut diags);
    diags.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
    fail_if_errors(&mut diags)
}

/// Files besides the pages: theme static files, used assets, `highlight.css`, `.nojekyll`,
/// and with a `base_url`, `sitemap.xml` and `robots.txt`. Returns (output path, bytes or source file).
pub fn extra_files(a: &Analysis, pages: &[render::Page]) -> Vec<(String, FileSource)> {
    let mut out = Vec::new();
    for (rel, file) in &a.theme.static_files {
        out.push((
            rel.clone(),
            match file {
                theme::StaticFile::Builtin(bytes) => {
                    FileSource::Bytes(theme::published(rel, bytes).into_owned())
                }
                // A project's stylesheet loses its comments too (a file that cannot be read
                // is copied, which reports the error).
                theme::StaticFile::Project(path) if rel.ends_with(".css") => {
                    match std::fs::read_to_string(path) {
                        Ok(css) => FileSource::Bytes(theme::strip_css(&css).into_bytes()),
                        Err(_) => FileSource::Copy(path.clone()),
                    }
                }
                theme::StaticFile::Project(path) => FileSource::Copy(path.clone()),
            },
        ));
    }
    for &i in &a.graph.used_assets {
        let asset = &a.corpus.assets[i];
        out.push((asset.out_path.clone(), FileSource::Copy(asset.path.clone())));
    }
    out.push((
        "highlight.css".into(),
        FileSource::Bytes(used_highlight_css(a).into_bytes()),
    ));
    out.push((".nojekyll".into(), FileSource::Bytes(Vec::new())));
    out.push((
        output::SITE_MARKER.into(),
        FileSource::Bytes(output::SITE_MARKER_TEXT.as_bytes().to_vec()),
    ));
    let base = &a.project.config.base_url;
    if !base.is_empty() {
        let site = a.site();
        let entries: Vec<(String, Option<String>)> = pages
            .iter()
            .filter(|p| {
                !matches!(
                    p.kind,
                    render::PageKind::NotFound | render::PageKind::Search
                )
            })
            .map(|p| {
                let lastmod = match p.kind {
                    render::PageKind::Note(n) => site.updated(n),
                    _ => None,
                };
                (p.out_path.clone(), lastmod)
            })
            .collect();
        out.push((
            "sitemap.xml".into(),
            FileSource::Bytes(output::sitemap(base, &entries).into_bytes()),
        ));
        // A project's own static/robots.txt wins.
        if !a.theme.static_files.contains_key("robots.txt") {
            out.push((
                "robots.txt".into(),
                FileSource::Bytes(output::robots(base).into_bytes()),
            ));
        }
    }
    out
}

/// The highlight stylesheet with only the rules the site's code uses.
pub fn used_highlight_css(a: &Analysis) -> String {
    // Read in chunks on every thread: on one, 23 ms of a warm 10,000-note build.
    let used = (a.prepared.par_chunks(256))
        .map(|notes| {
            render::highlight::used_classes(
                (notes.iter().flat_map(render::Prepared::iter))
                    .filter(|s| s.is_code)
                    .map(|s| s.html.as_str()),
            )
        })
        .reduce(std::collections::BTreeSet::new, |mut a, mut b| {
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            a.extend(b);
            a
        });
    render::highlight::css_for_classes(&a.highlight_header, &used)
}

/// The search index's core file name at the output root (its shards sit beside it).
pub const SEARCH_INDEX_FILE: &str = search::INDEX_FILE;

/// The search index of a rendered site, or `None` when `[search] enabled = false`.
/// `sections` are the note pages' section texts (as [`render_pages`] returns them); the index
/// keeps them.
pub fn search_index(a: &Analysis, sections: Vec<NoteSections>) -> Option<search::Index> {
    let cfg = &a.project.config.search;
    if !cfg.enabled {
        return None;
    }
    Some(search::build(search::Input {
        corpus: &a.corpus,
        parsed: &a.parsed,
        graph: &a.graph,
        sections,
        options: search::Options {
            index_code: cfg.index_code,
        },
    }))
}

/// Like [`search_index`], handing each file of the index to `sink` as soon as it is made
/// (what a build writes: the index never sits whole in memory). `None` when search is off.
pub fn write_search_index(
    a: &Analysis,
    sections: Vec<NoteSections>,
    sink: &search::shard::Sink,
) -> Result<Option<search::Stats>, Error> {
    let cfg = &a.project.config.search;
    if !cfg.enabled {
        return Ok(None);
    }
    search::write(
        search::Input {
            corpus: &a.corpus,
            parsed: &a.parsed,
            graph: &a.graph,
            sections,
            options: search::Options {
                index_code: cfg.index_code,
            },
        },
        sink,
    )
    .map(Some)
}

/// What `corem build --single-file` wrote.
#[derive(Debug, Clone, Default)]
pub struct SingleFileReport {
    pub notes: usize,
    pub path: PathBuf,
    /// Size of the file.
    pub bytes: usize,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Builds the project in `dir` as one self-contained HTML file at `target` (and nothing else):
/// every note, the theme's CSS and JS, the search index, images and fonts inlined. Works from
/// disk with no network; see [`output::single`].
pub fn build_single_file(
    dir: &Path,
    opts: &BuildOptions,
    target: &Path,
) -> Result<SingleFileReport, Error> {
    let mut timings = Vec::new();
    let a = analyze(dir, opts, &mut timings)?;
    output::single::check_target(target, &a.project)?;
    let mut t = Timer {
        last: Instant::now(),
        timings: Vec::new(),
    };
    let site = a.site();
    let read = |rel: &str| -> Result<Option<Vec<u8>>, Error> {
        match a.theme.static_files.get(rel) {
            Some(theme::StaticFile::Builtin(b)) => Ok(Some(theme::published(rel, b).into_owned())),
            Some(theme::StaticFile::Project(p)) => {
                std::fs::read(p).map(Some).map_err(|e| Error::io(p, e))
            }
            None => Ok(None),
        }
    };
    let text = |rel: &str| -> Result<String, Error> {
        Ok(read(rel)?
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default())
    };
    let lookup = |url: &str| read(url).ok().flatten();
    let css = format!("{}\n{}", text("style.css")?, used_highlight_css(&a));
    let mut js = Vec::new();
    if a.project.config.search.enabled {
        // The index assigns a global; inlined before search.js, search.js finds it loaded.
        let sections: Vec<NoteSections> = a
            .graph
            .order
            .par_iter()
            .map(|&n| {
                let page = render::Mode::Page(&a.corpus.notes[n].out_path);
                (n, render::html::note_html(&site, n, page, true).1)
            })
            .collect();
        if let Some(index) = search_index(&a, sections) {
            // The shards assign into this object; search.js finds them all loaded.
            js.push("window.COREM_SEARCH_SHARDS = window.COREM_SEARCH_SHARDS || {};".into());
            js.extend(index.files.into_iter().map(|(_, text)| text));
        }
    }
    js.push(text("corem.js")?);
    if a.project.config.search.enabled {
        js.push(text("search.js")?);
        js.push(output::single::HANDBOOK_JS.to_string());
    }
    let inline = render::Inline {
        css: output::single::inline_css_urls(&css, &lookup).replace("</style", "<\\/style"),
        js: js.iter().map(|s| output::single::script_text(s)).collect(),
        favicon: read("favicon.svg")?.map(|b| output::single::data_uri("favicon.svg", &b)),
    };
    t.lap("render");
    let page = render::render_handbook(&site, &a.tera, &a.theme, &inline)
        .map_err(|d| Error::Diagnostics(vec![d]))?;
    let mut files = Vec::new();
    for &i in &a.graph.used_assets {
        let asset = &a.corpus.assets[i];
        let bytes = std::fs::read(&asset.path).map_err(|e| Error::io(&asset.path, e))?;
        files.push((asset.out_path.clone(), bytes));
    }
    let html = output::single::inline_files(&page, &files);
    t.lap("inline");
    output::single::write_atomic(target, html.as_bytes())?;
    t.lap("write");
    timings.append(&mut t.timings);
    let mut warnings = a.warnings;
    diagnostic::sort_and_cap(&mut warnings);
    Ok(SingleFileReport {
        notes: a.corpus.notes.len(),
        path: target.to_path_buf(),
        bytes: html.len(),
        warnings,
        timings,
    })
}

/// `corem clean`: deletes the project's working folder `.corem/` (build cache and the spare
/// copy of the last site) and, with `output`, the output folder too when it is a site corem
/// built (it holds [`output::SITE_MARKER`]). Returns what was deleted. Nothing else is touched.
pub fn clean(dir: &Path, overrides: &Overrides, output: bool) -> Result<Vec<PathBuf>, Error> {
    let project = Project::open(dir, overrides)?;
    let mut removed = Vec::new();
    if let Some(state) = output::StateDir::for_project(&project)
        && std::fs::symlink_metadata(&state.dir).is_ok_and(|m| m.is_dir())
    {
        std::fs::remove_dir_all(&state.dir).map_err(|e| Error::io(&state.dir, e))?;
        removed.push(state.dir);
    }
    let out = &project.output_dir;
    if output && std::fs::symlink_metadata(out).is_ok() {
        output::check_target(out)?;
        std::fs::remove_dir_all(out).map_err(|e| Error::io(out, e))?;
        removed.push(out.clone());
    }
    Ok(removed)
}

/// The contents of a generated or copied file.
#[derive(Debug, Clone)]
pub enum FileSource {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}

/// The staging folder of a build (see [`output::Staging`]) with the folders of `pages` and
/// their companion files made: the spare of the last build, rewritten whole when `fresh`.
fn open_staging(
    a: &Analysis,
    pages: &[render::Page],
    spare: Option<PathBuf>,
    fresh: bool,
) -> Result<output::Staging, Error> {
    let s = if fresh {
        output::Staging::rewrite(&a.project.output_dir, spare)?
    } else {
        output::Staging::new(&a.project.output_dir, spare, true)?
    };
    let site = a.site();
    s.create_dirs(pages.iter().map(|p| p.out_path.as_str()))?;
    let extras: Vec<String> = pages
        .iter()
        .flat_map(|p| render::page_extras(&site, p))
        .collect();
    s.create_dirs(extras.iter().map(String::as_str))?;
    Ok(s)
}

/// The key of the record of a built site's pages ([`output::reuse`]): the configuration,
/// templates and static files (the site key) and `--drafts` (notes left out or in show in the
/// digests; the flag is in the key too).
pub(crate) fn reuse_key(a: &Analysis, opts: &BuildOptions) -> u64 {
    render::deps::site_key(&a.project, &a.theme) ^ u64::from(opts.drafts)
}

/// Which pages a build keeps from its staging folder instead of rendering them, and the record
/// of what it wrote for the next builds (see [`output::reuse`]).
struct PagePlan {
    reuse: output::reuse::Reuse,
    dir: PathBuf,
    /// The digest of each page, and of each page's companion files, by output path.
    digests: std::collections::HashMap<String, u64>,
    /// The search index's digest.
    search: u64,
}

impl PagePlan {
    /// The plan of a build into `staging`, whose record sits beside `spare`; `--fresh` renders
    /// every page and only records them.
    fn new(
        a: &Analysis,
        pages: &[render::Page],
        staging: &output::Staging,
        spare: &Path,
        opts: &BuildOptions,
    ) -> PagePlan {
        let site = a.site();
        let files: Vec<u64> = (a.corpus.notes.par_iter())
            .map(render::deps::note_file_hash)
            .collect();
        let d = render::deps::Digests::new(&site, &files);
        let digests = pages
            .par_iter()
            .flat_map_iter(|p| {
                let digest = d.page(&p.kind, &p.out_path);
                let extras = render::page_extras(&site, p).into_iter();
                std::iter::once(p.out_path.clone())
                    .chain(extras)
                    .map(move |path| (path, digest))
            })
            .collect();
        PagePlan {
            reuse: output::reuse::Reuse::open(spare, reuse_key(a, opts), !opts.fresh),
            dir: staging.dir.clone(),
            digests,
            search: d.search(),
        }
    }

    /// Keeps `page` (and its companion files) as the staging folder holds it, or else as the
    /// current site holds it (by a hard link), when that is what rendering it would give; false
    /// when it must be rendered.
    fn keep(&self, site: &render::Site, staging: &output::Staging, page: &render::Page) -> bool {
        let paths: Vec<String> = std::iter::once(page.out_path.clone())
            .chain(render::page_extras(site, page))
            .collect();
        let digest = |p: &str| self.digests.get(p).copied().unwrap_or_default();
        self.keep_files(staging, &paths, digest)
    }

    /// Keeps `paths` as the staging folder or the current site holds them (all from the one or
    /// all from the other) when each was made from inputs of `digest(path)`.
    fn keep_files(
        &self,
        staging: &output::Staging,
        paths: &[String],
        digest: impl Fn(&str) -> u64,
    ) -> bool {
        let held = |dir: &Path| -> Option<Vec<output::reuse::Identity>> {
            (paths.iter())
                .map(|p| self.reuse.holds(dir, p, digest(p)))
                .collect()
        };
        if let Some(found) = held(&self.dir) {
            for (p, id) in paths.iter().zip(found) {
                staging.keep(p);
                self.reuse.keep(p, id, digest(p));
            }
            return true;
        }
        if held(staging.target()).is_none() {
            return false;
        }
        for p in paths {
            // Linking changes the file's status-change time: recorded as it is now.
            let linked = staging.link(p)
                && output::reuse::identity(&self.dir.join(p))
                    .map(|id| self.reuse.keep(p, id, digest(p)))
                    .is_some();
            if !linked {
                return false;
            }
        }
        true
    }

    /// Keeps the search index the staging folder or the current site holds when it is the one
    /// these notes make; its figures then.
    fn keep_search(&self, staging: &output::Staging) -> Option<search::Stats> {
        let record = self.reuse.search(self.search)?;
        if !self.keep_files(staging, &record.files, |_| self.search) {
            return None;
        }
        let stats = record.stats.clone();
        self.reuse.set_search(record);
        Some(stats)
    }

    /// Records a page or companion file this build wrote (or found already written).
    fn wrote(&self, path: &str) {
        if let Some(&d) = self.digests.get(path) {
            self.reuse.record(&self.dir, path, d);
        }
    }
}

/// Builds in one process take turns. The build cache's entries are the process's (see
/// [`cache::store`]), and a build saves the entries used since the last save into its own
/// project's cache file and then forgets every entry: beside another build, it would take
/// that build's entries into the wrong file and out of memory before they were used.
static ONE_BUILD_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run(dir: &Path, opts: &BuildOptions, write: bool) -> Result<BuildReport, Error> {
    let _turn = (ONE_BUILD_AT_A_TIME.lock()).unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut timings = Vec::new();
    let mut peaks = Vec::new();
    let mut peak = |stage: &'static str| peaks.extend(peak_rss().map(|b| (stage, b)));
    let mut a = analyze_lean(dir, opts, &mut timings)?;
    let mut t = Timer {
        last: Instant::now(),
        timings: Vec::new(),
    };
    let pages = render::pages(&a.site());
    if write {
        // Refuse a foreign output before touching the project's working folder.
        output::check_target(&a.project.output_dir)?;
    }
    let state = (output::StateDir::for_project(&a.project))
        .filter(|s| write && output::StateDir::ensure(s));
    let spare = (state.as_ref()).map(|s| s.spare_for(&a.project.output_dir));
    let staging = if write {
        Some(open_staging(&a, &pages, spare.clone(), opts.fresh)?)
    } else {
        None
    };
    let plan = match (&staging, &spare) {
        (Some(s), Some(spare)) => Some(PagePlan::new(&a, &pages, s, spare, opts)),
        _ => None,
    };
    let sink = |path: &str, bytes: &[u8]| match &staging {
        Some(s) => {
            s.write(path, bytes)?;
            if let Some(plan) = &plan {
                plan.wrote(path);
            }
            Ok(())
        }
        None => Ok(()),
    };
    let mut cache_saved = cache::Background::default();
    if let Some(state) = &state {
        // Every result of the analysis's cache is computed by now: the cache is saved (on a
        // thread of its own, while the pages are rendered), and its copies leave memory.
        cache_saved = cache::store().save_and_release_in_background(&state.cache_file());
        if !opts.fresh {
            cache::store().load(&state.render_cache_file());
        }
    }
    t.lap("cache");
    peak("analyze");
    let todo: Vec<render::Page> = match (&plan, &staging) {
        (Some(plan), Some(s)) => {
            let site = a.site();
            (pages.par_iter())
                .filter(|p| !plan.keep(&site, s, p))
                .cloned()
                .collect()
        }
        _ => pages.clone(),
    };
    let reused = pages.len() - todo.len();
    let sections = render_todo(&a, &todo, &sink, state.as_ref())?;
    let rendered = Rendered { pages, sections };
    t.lap("render");
    peak("render");
    let extra = extra_files(&a, &rendered.pages);
    // The index cannot fail, so `check` skips it.
    let search_stats = match &staging {
        Some(s) if a.project.config.search.enabled => {
            match plan.as_ref().and_then(|p| p.keep_search(s)) {
                Some(stats) => Some(stats),
                None => {
                    let sections = with_kept_sections(&a, rendered.sections);
                    // The pages are written: their computed blocks are no longer needed.
                    a.prepared = Vec::new();
                    write_index(&a, s, plan.as_ref(), sections)?
                }
            }
        }
        _ => None,
    };
    a.prepared = Vec::new();
    t.lap("search");
    peak("search");
    let index_files = search_stats.as_ref().map_or(0, |s| s.files);
    let files = rendered.pages.len() + extra.len() + index_files;
    let mut writes = None;
    if let Some(s) = staging {
        for (rel, src) in &extra {
            match src {
                FileSource::Bytes(b) => {
                    s.create_dirs([rel.as_str()])?;
                    s.write(rel, b)?;
                }
                FileSource::Copy(p) => {
                    s.copy(p, rel)?;
                }
            }
        }
        // The next build finds the whole cache.
        cache_saved.finish();
        writes = Some(s.commit()?);
        if let Some(plan) = plan {
            plan.reuse.save();
        }
        t.lap("write");
        peak("write");
    }
    timings.append(&mut t.timings);
    let mut warnings = std::mem::take(&mut a.warnings);
    diagnostic::sort_and_cap(&mut warnings);
    let report = BuildReport {
        notes: a.corpus.notes.len(),
        pages: rendered.pages.len(),
        files,
        output_dir: a.project.output_dir.clone(),
        warnings,
        timings,
        search: search_stats,
        writes,
        reused,
        notes_cached: a.notes_cached,
        peak_rss: peaks,
    };
    release_in_background((a, rendered.pages));
    Ok(report)
}

/// Drops `value` on a thread of its own. The analysis of 100,000 notes is millions of small
/// allocations (2 GB); freeing them takes over a second on one core, which the caller need not
/// wait for: the command line prints its report and exits (ending the thread with the process),
/// and `serve` goes on while the memory is given back.
fn release_in_background<T: Send + 'static>(value: T) {
    // Should the thread not start, the closure (holding `value`) is dropped here instead.
    let _ = std::thread::Builder::new()
        .name("corem-release".into())
        .spawn(move || drop(value));
}

/// Renders `pages` and passes them to `sink`, template errors reported together. The graph
/// page's layout (one long computation on one core at a large size) is kept in the render
/// cache; it is rendered beside the other pages, and the render cache saved and released once
/// it is done. Returns the rendered note pages' section texts.
fn render_todo(
    a: &Analysis,
    pages: &[render::Page],
    sink: &PageSink,
    state: Option<&output::StateDir>,
) -> Result<Vec<NoteSections>, Error> {
    let (early, rest): (Vec<render::Page>, Vec<render::Page>) = (pages.iter().cloned())
        .partition(|p| state.is_some() && matches!(p.kind, render::PageKind::Graph));
    let (graph, others) = rayon::join(
        || {
            let mut diags = Vec::new();
            let done = render_listed(a, &early, sink, &mut diags);
            // A graph page kept from an earlier site used nothing: the cache stays as it is.
            if let Some(state) = state.filter(|_| !early.is_empty()) {
                cache::store().save_and_release(&state.render_cache_file());
            }
            done.map(|_| diags)
        },
        || {
            let mut diags = Vec::new();
            render_listed(a, &rest, sink, &mut diags).map(|s| (s, diags))
        },
    );
    let mut diags = graph?;
    let (sections, mut more) = others?;
    diags.append(&mut more);
    fail_if_render_errors(diags)?;
    Ok(sections)
}

/// `sections` (those of the note pages rendered) with those of the pages kept from an earlier
/// site worked out again, in reading order: what the search index is made of.
fn with_kept_sections(a: &Analysis, mut sections: Vec<NoteSections>) -> Vec<NoteSections> {
    let have: std::collections::HashSet<load::NoteId> = sections.iter().map(|s| s.0).collect();
    if have.len() < a.graph.order.len() {
        let site = a.site();
        let mut missing: Vec<NoteSections> = (a.graph.order.par_iter())
            .filter(|n| !have.contains(n))
            .map(|&n| {
                let page = render::Mode::Page(&a.corpus.notes[n].out_path);
                (n, render::html::note_sections(&site, n, page))
            })
            .collect();
        sections.append(&mut missing);
        sections.sort_by_key(|(n, _)| a.graph.position[*n]);
    }
    sections
}

/// Writes the search index into `staging` and records it for the next builds.
fn write_index(
    a: &Analysis,
    staging: &output::Staging,
    plan: Option<&PagePlan>,
    sections: Vec<NoteSections>,
) -> Result<Option<search::Stats>, Error> {
    let written = std::sync::Mutex::new(Vec::new());
    let stats = write_search_index(a, sections, &|name, js| {
        staging.write(&name, js.as_bytes())?;
        if let Ok(mut w) = written.lock() {
            w.push(name);
        }
        Ok(())
    })?;
    if let (Some(plan), Some(stats)) = (plan, &stats) {
        let files = written.into_inner().unwrap_or_default();
        plan.reuse.record_search(
            &plan.dir,
            output::reuse::SearchRecord {
                digest: plan.search,
                stats: stats.clone(),
                files,
            },
        );
    }
    Ok(stats)
}
