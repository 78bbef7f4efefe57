//! `corem serve`: build, serve over HTTP from memory, watch the project, rebuild what changed
//! and reload the open browser tabs (or show the build's errors over the page).
//!
//! - [`incremental`]: the build kept in memory between edits, and what each edit re-renders;
//! - [`crate::render::deps`] (shared with `corem build`): the inputs of each page, as a digest;
//! - [`http`]: the HTTP server (axum on tokio), the event stream and the injected client;
//! - [`watch`]: file watching (notify with a debouncer) and coalescing into rebuilds;
//! - [`stored`]: how each served file's bytes are kept (compressed).
//!
//! The site is served from memory and never written to disk: the output folder is left alone.

pub mod http;
pub mod incremental;
pub mod stored;
pub mod watch;

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::Path;
use std::time::Instant;

pub use incremental::{Incremental, SiteFiles, Update};
pub use stored::Stored;

use crate::diagnostic::Diagnostic;
use crate::{BuildOptions, Error};

/// Pages that show every note (`print.html`) are rendered once the project has been quiet this
/// long, or as soon as someone requests one: edits in quick succession are not held up by them.
const FINISH_WHEN_IDLE: std::time::Duration = std::time::Duration::from_millis(2500);

/// Options of `corem serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Options of each build (drafts).
    pub build: BuildOptions,
    /// Address to listen on (127.0.0.1 unless asked otherwise).
    pub bind: IpAddr,
    /// `None`: 4000, or the next free port. `Some(p)`: exactly `p` (0 lets the system choose).
    pub port: Option<u16>,
    /// Open the site in the default browser.
    pub open: bool,
    /// Print per-stage timings of every rebuild.
    pub verbose: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            build: BuildOptions::default(),
            bind: IpAddr::from([127, 0, 0, 1]),
            port: None,
            open: false,
            verbose: false,
        }
    }
}

/// Prints diagnostics to stderr and, when there are errors, that the last good build is
/// still served.
fn print_diagnostics(diags: &[Diagnostic], color: bool) {
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.render(color));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    eprint!("{out}");
    if errors > 0 {
        eprintln!(
            "{errors} error{}; still serving the last good build",
            if errors == 1 { "" } else { "s" }
        );
    }
}

/// A duration in milliseconds with one decimal (`12.3 ms`).
fn ms(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// How much memory the served files take, against their size (`-v`).
fn memory_line(files: &SiteFiles) -> String {
    let (mut stored, mut size) = (0usize, 0usize);
    for f in files.values() {
        stored += f.stored_len();
        size += f.len();
    }
    let mb = |b: usize| b as f64 / 1e6;
    format!(
        "served site: {} files, {:.1} MB held in {:.1} MB of memory",
        files.len(),
        mb(size),
        mb(stored)
    )
}

/// Sends the outcome of a successful rebuild to the open tabs.
fn announce(shared: &http::Shared, up: &Update) {
    if up.changed.is_empty() {
        return;
    }
    let css_only = up.changed.iter().all(|p| p.ends_with(".css"));
    let data = serde_json::json!({ "changed": up.changed, "all": up.full }).to_string();
    shared.send(
        if css_only && !up.full {
            "css"
        } else {
            "reload"
        },
        data,
    );
}

/// Builds the project in `dir`, serves it and rebuilds on every change until interrupted.
pub fn serve(dir: &Path, opts: &ServeOptions) -> Result<(), Error> {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let started = Instant::now();
    // Watch before anything is read: an edit saved while the first build runs (or right after
    // the banner) waits in the watcher's queue and triggers the first rebuild, instead of
    // being lost.
    let project = crate::config::Project::open(dir, &opts.build.overrides)?;
    let mut watcher = watch::Watcher::new(&project)?;
    let t_open = Instant::now();
    let mut inc = Incremental::open(dir, &opts.build)?;
    let opened = t_open.elapsed();
    // The notes' results (highlighted code, calc) are all computed once opened: saved while
    // the pages render, as `corem build` does; the layout of `graph.html` once it is drawn.
    let _notes_cache_saved = inc.save_cache(crate::output::StateDir::cache_file);
    let first = inc.rebuild(&[]).and_then(|mut u| {
        u.timings.insert(0, ("open", opened));
        let f = inc.finish()?;
        u.timings.extend(f.timings);
        Ok(u)
    });
    let _render_cache_saved = inc.save_cache(crate::output::StateDir::render_cache_file);
    let shared = http::Shared::new(inc.files());
    match &first {
        Ok(u) => {
            let warnings: Vec<Diagnostic> = u.warnings.clone();
            print_diagnostics(&warnings, color);
            eprintln!(
                "Built {} pages in {} ms",
                u.pages,
                started.elapsed().as_millis()
            );
            if opts.verbose {
                // Each step's own time (a rebuild's "total" would leave out opening).
                for (stage, d) in u.timings.iter().filter(|(s, _)| *s != "total") {
                    eprintln!("  {stage:<8} {:>10}", ms(*d));
                }
                eprintln!("  {}", memory_line(&inc.files()));
                eprintln!(
                    "  built site: {} of {} files read from {} as `corem build` left them",
                    inc.files_from_built,
                    inc.files().len(),
                    inc.project().output_dir.display()
                );
                let (reused, computed) = crate::cache::store().reads();
                eprintln!(
                    "  build cache: {reused} results reused, {computed} computed \
                     (highlighted code, calc results, graph layouts)"
                );
            }
        }
        Err(d) => {
            print_diagnostics(d, color);
            shared.fail(d);
        }
    }
    let _runtime = listen(&inc, &shared, opts)?;
    shared.set_waker(watcher.waker());
    let mut session = Session {
        inc,
        shared,
        opts,
        color,
        failed: first.is_err(),
    };
    loop {
        let idle = session.inc.has_pending().then_some(FINISH_WHEN_IDLE);
        let Some(paths) = watcher.next_batch(idle) else {
            break;
        };
        if paths.is_empty() {
            // Idle, or a request waits for a pending page: render the pending pages now.
            session.finish_pending();
            continue;
        }
        let root = session.inc.project().root.clone();
        let config_before = session.inc.project().notes_dir.clone();
        session.rebuild(&paths);
        let project = session.inc.project();
        if project.notes_dir != config_before || project.root != root {
            watcher.rewatch(project)?;
        }
    }
    Ok(())
}

/// Starts the HTTP server on the configured address (the runtime it returns serves until
/// dropped), prints where, warns when the address is not a loopback one, and opens the
/// browser when asked.
fn listen(
    inc: &Incremental,
    shared: &std::sync::Arc<http::Shared>,
    opts: &ServeOptions,
) -> Result<tokio::runtime::Runtime, Error> {
    let listener = http::bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen: {e}")))?;
    let runtime = http::start(listener, shared.clone())?;
    let url = format!("http://{addr}/");
    if opts.port.is_none() && addr.port() != 4000 {
        eprintln!("Port 4000 is busy; using {} instead", addr.port());
    }
    println!(
        "Serving {} at {url} (Ctrl+C to stop)",
        inc.project().title()
    );
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read these notes \
             (the default, --bind 127.0.0.1, keeps them to this machine)",
            opts.bind
        );
    }
    if opts.open {
        open_browser(&url);
    }
    Ok(runtime)
}

/// A running `corem serve` between edits: the build in memory, what the server publishes, and
/// whether the tabs show a failed build's errors.
struct Session<'a> {
    inc: Incremental,
    shared: std::sync::Arc<http::Shared>,
    opts: &'a ServeOptions,
    color: bool,
    /// The last build failed: the next good one tells the tabs to drop the error overlay.
    failed: bool,
}

impl Session<'_> {
    /// Renders the pages left pending (the ones that show every note), if any, and publishes them.
    fn finish_pending(&mut self) {
        if !self.inc.has_pending() {
            return;
        }
        let t = Instant::now();
        match self.inc.finish() {
            Ok(f) => {
                self.shared.publish(self.inc.files(), &[]);
                announce(&self.shared, &f);
                if self.opts.verbose {
                    eprintln!("  pending pages rendered in {}", ms(t.elapsed()));
                }
            }
            Err(d) => self.report_failure(&d),
        }
    }

    /// Rebuilds after `paths` changed, publishes the result and reloads the tabs, and prints a
    /// line saying what was rebuilt (or the errors).
    fn rebuild(&mut self, paths: &[std::path::PathBuf]) {
        let t = Instant::now();
        let root = self.inc.project().root.clone();
        self.shared.count_build();
        match self.inc.rebuild(paths) {
            Ok(up) => {
                self.shared.publish(self.inc.files(), &up.pending);
                if self.failed {
                    self.shared.send("ok", "{}".into());
                    self.failed = false;
                }
                announce(&self.shared, &up);
                println!(
                    "Rebuilt after {}: {} of {} pages rendered, {} files changed in {}",
                    changed_list(paths, &root),
                    up.rendered,
                    up.pages,
                    up.changed.len(),
                    ms(t.elapsed())
                );
                if self.opts.verbose {
                    for (stage, d) in &up.timings {
                        eprintln!("  {stage:<8} {:>10}", ms(*d));
                    }
                }
            }
            Err(d) => self.report_failure(&d),
        }
        self.shared.count_done();
    }

    /// Prints a failed build's diagnostics and shows them over the open pages.
    fn report_failure(&mut self, diags: &[Diagnostic]) {
        print_diagnostics(diags, self.color);
        self.shared.fail(diags);
        self.failed = true;
    }
}

/// The changed files for the rebuild line: the first three relative to `root`, then how
/// many more (`notes/a.md, notes/b.md, notes/c.md and 2 more`).
fn changed_list(paths: &[std::path::PathBuf], root: &Path) -> String {
    let shown: Vec<String> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .take(3)
        .collect();
    let more = if paths.len() > 3 {
        format!(" and {} more", paths.len() - 3)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

/// Opens `url` in the default browser; a failure is only a warning.
fn open_browser(url: &str) {
    let cmd: (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd.0)
        .args(&cmd.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!(
            "warning: could not open a browser ({}: {e}); open {url} yourself",
            cmd.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_rebuild_line_names_three_files_and_counts_the_rest() {
        let root = Path::new("/p");
        let paths: Vec<PathBuf> = ["/p/notes/a.md", "/p/notes/b.md", "/elsewhere/c.md"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            changed_list(&paths, root),
            "notes/a.md, notes/b.md, /elsewhere/c.md"
        );
        let mut more = paths.clone();
        more.extend([PathBuf::from("/p/d.md"), PathBuf::from("/p/e.md")]);
        assert_eq!(
            changed_list(&more, root),
            "notes/a.md, notes/b.md, /elsewhere/c.md and 2 more"
        );
    }
}
