//! corem turns a folder of Markdown notes into a cross-linked, searchable static site.
//!
//! The pipeline runs one way, one module per stage:
//! [`config`] → [`load`] → [`markdown`] → [`link`] → [`render`] → [`output`].
//! [`build`] runs it and writes the site; [`check`] runs it and writes nothing.

pub mod config;
pub mod diagnostic;
pub mod diagram;
pub mod link;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
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
}

/// Builds the project in `dir` into its output folder.
pub fn build(dir: &Path, opts: &BuildOptions) -> Result<BuildReport, Error> {
    run(dir, opts, true)
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
        diagnostic::sort(diags);
        return Err(Error::Diagnostics(std::mem::take(diags)));
    }
    Ok(())
}

fn run(dir: &Path, opts: &BuildOptions, write: bool) -> Result<BuildReport, Error> {
    let mut t = Timer {
        last: Instant::now(),
        timings: Vec::new(),
    };
    let project = Project::open(dir, &opts.overrides)?;
    let theme = theme::Theme::load(&project.templates_dir, &project.static_dir)?;
    t.lap("config");

    let (corpus, mut diags) = load::load(
        &project,
        load::LoadOptions {
            drafts: opts.drafts,
        },
    );
    t.lap("load");

    let parsed_all: Vec<(markdown::Parsed, Vec<markdown::Problem>)> = corpus
        .notes
        .par_iter()
        .map(|n| markdown::parse(n.body(), n.meta.title.as_deref()))
        .collect();
    let mut parsed = Vec::with_capacity(parsed_all.len());
    for (n, (p, problems)) in corpus.notes.iter().zip(parsed_all) {
        for pr in problems {
            let mut d =
                Diagnostic::error(&n.path, pr.message).at(&n.source, n.body_start + pr.offset);
            d.help = pr.help;
            diags.push(d);
        }
        parsed.push(p);
    }
    t.lap("parse");

    let (graph, mut link_diags) = link::link(&corpus, &parsed, project.config.broken_links);
    diags.append(&mut link_diags);
    t.lap("link");

    let (prepared, mut prep_diags) = render::prepare(&corpus, &parsed);
    diags.append(&mut prep_diags);
    let tera = match render::templates::compile(&theme) {
        Ok(mut tera) => {
            tera.global_context()
                .insert("site", &render::site_globals(&project));
            Some(tera)
        }
        Err(mut d) => {
            diags.append(&mut d);
            None
        }
    };
    let highlight_css = render::highlight::stylesheet(
        &project.config.highlight.light,
        &project.config.highlight.dark,
    )
    .map_err(|msg| {
        Diagnostic::error(
            project
                .config_file
                .clone()
                .unwrap_or_else(|| PathBuf::from(config::CONFIG_FILE)),
            msg,
        )
        .with_help("set [highlight] light = … and dark = … to available themes")
    });
    let highlight_css = match highlight_css {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            String::new()
        }
    };
    t.lap("prepare");
    fail_if_errors(&mut diags)?;
    let Some(tera) = tera else {
        return Err(Error::Diagnostics(diags));
    };

    let site = render::Site {
        project: &project,
        corpus: &corpus,
        parsed: &parsed,
        graph: &graph,
        prepared: &prepared,
    };
    let pages = render::pages(&site);
    let staging = if write {
        let s = output::Staging::new(&project.output_dir)?;
        s.create_dirs(pages.iter().map(|p| p.out_path.as_str()))?;
        Some(s)
    } else {
        None
    };

    // Render and write every page in parallel; nothing is kept in memory but diagnostics.
    let results: Vec<Result<(), Error>> = pages
        .par_iter()
        .map(|page| {
            let rendered = render::render_page(&site, &tera, &theme, page)
                .map_err(|d| Error::Diagnostics(vec![d]))?;
            if let Some(s) = &staging {
                s.write(&page.out_path, rendered.html.as_bytes())?;
            }
            Ok(())
        })
        .collect();
    let mut files = pages.len();
    for r in results {
        match r {
            Ok(()) => {}
            Err(Error::Diagnostics(mut d)) => diags.append(&mut d),
            Err(e) => return Err(e),
        }
    }
    // One broken template fails every page the same way: report it once.
    diags.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
    fail_if_errors(&mut diags)?;
    t.lap("render");

    if let Some(s) = staging {
        for (rel, file) in &theme.static_files {
            match file {
                theme::StaticFile::Builtin(bytes) => {
                    s.create_dirs([rel.as_str()])?;
                    s.write(rel, bytes)?;
                }
                theme::StaticFile::Project(path) => s.copy(path, rel)?,
            }
            files += 1;
        }
        for &a in &graph.used_assets {
            let asset = &corpus.assets[a];
            s.copy(&asset.path, &asset.out_path)?;
            files += 1;
        }
        s.write("highlight.css", highlight_css.as_bytes())?;
        s.write(".nojekyll", b"")?;
        files += 2;
        if !project.config.base_url.is_empty() {
            let paths: Vec<String> = pages
                .iter()
                .filter(|p| {
                    !matches!(
                        p.kind,
                        render::PageKind::NotFound | render::PageKind::Search
                    )
                })
                .map(|p| p.out_path.clone())
                .collect();
            s.write(
                "sitemap.xml",
                output::sitemap(&project.config.base_url, &paths).as_bytes(),
            )?;
            files += 1;
        }
        s.commit()?;
        t.lap("write");
    }

    diagnostic::sort(&mut diags);
    Ok(BuildReport {
        notes: corpus.notes.len(),
        pages: pages.len(),
        files,
        output_dir: project.output_dir.clone(),
        warnings: diags,
        timings: t.timings,
    })
}
