//! Watching the project: notify (inotify, FSEvents, ReadDirectoryChangesW) through
//! `notify-debouncer-full`, then one more coalescing step so a burst of changes (a `git
//! checkout` of hundreds of files, an editor's write-temp-then-rename save) ends in exactly one
//! rebuild.
//!
//! Events are reduced to the set of paths they name (both ends of a rename): the build re-reads
//! what is at each path, so it does not matter whether a file was created, written, renamed
//! over or removed, nor in which order an editor did it. Paths that are not inputs (output
//! folder, `.git`, hidden files, swap and backup files) are dropped here.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::incremental::{Kind, classify};
use crate::Error;
use crate::config::Project;

/// How long a path must be quiet before the debouncer reports it.
pub const DEBOUNCE: Duration = Duration::from_millis(10);
/// How long to wait for more changes once some arrived (a single save).
pub const QUIET: Duration = Duration::from_millis(10);
/// The same when many files are changing at once (checkout, copy, search-and-replace).
pub const BURST_QUIET: Duration = Duration::from_millis(120);
/// More changed paths than this in one wait means a burst.
const BURST: usize = 4;

/// Watches a project's notes, templates, static files and config.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    rx: mpsc::Receiver<DebounceEventResult>,
    tx: mpsc::Sender<DebounceEventResult>,
    /// Batches taken off the channel by [`Watcher::changes_waiting`], not yet handled.
    buffered: Vec<DebounceEventResult>,
    project: Project,
    watched: Vec<PathBuf>,
}

fn notify_error(e: notify::Error) -> Error {
    Error::Usage(format!("cannot watch the project for changes: {e}"))
}

impl Watcher {
    pub fn new(project: &Project) -> Result<Watcher, Error> {
        let (tx, rx) = mpsc::channel();
        let debouncer = new_debouncer(DEBOUNCE, None, tx.clone()).map_err(notify_error)?;
        let mut w = Watcher {
            debouncer,
            rx,
            tx,
            buffered: Vec::new(),
            project: project.clone(),
            watched: Vec::new(),
        };
        w.watch_all()?;
        Ok(w)
    }

    /// Watches the folders of `project` (after a config change moved them).
    pub fn rewatch(&mut self, project: &Project) -> Result<(), Error> {
        for p in std::mem::take(&mut self.watched) {
            let _ = self.debouncer.unwatch(&p);
        }
        self.project = project.clone();
        self.watch_all()
    }

    fn watch_all(&mut self) -> Result<(), Error> {
        let p = &self.project;
        let mut roots = vec![(p.notes_dir.clone(), RecursiveMode::Recursive)];
        for dir in [&p.templates_dir, &p.static_dir] {
            if dir.is_dir() && !dir.starts_with(&p.notes_dir) {
                roots.push((dir.clone(), RecursiveMode::Recursive));
            }
        }
        // The root itself, for corem.toml and for templates/ or static/ appearing.
        if p.root != p.notes_dir {
            roots.push((p.root.clone(), RecursiveMode::NonRecursive));
        }
        // The notes folder's parent: a notes folder deleted and made again (a `git checkout`, a
        // sync tool) is noticed and watched anew.
        if let Some(parent) = p.notes_dir.parent()
            && parent != p.root
        {
            roots.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
        }
        for (path, mode) in roots {
            // A folder missing now (the notes folder being replaced) is watched again when its
            // parent reports it back.
            if !path.is_dir() {
                continue;
            }
            self.debouncer.watch(&path, mode).map_err(notify_error)?;
            self.watched.push(path);
        }
        Ok(())
    }

    /// Relevant paths of one debounced batch (empty if none).
    fn relevant(&mut self, result: DebounceEventResult) -> Vec<PathBuf> {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watching: {e}");
                }
                // Something may have been missed: look at everything again.
                return vec![self.project.notes_dir.clone()];
            }
        };
        let mut out = Vec::new();
        let mut new_dirs = false;
        for ev in events {
            if ev.need_rescan() {
                out.push(self.project.notes_dir.clone());
                continue;
            }
            match ev.kind {
                // Reading a file (as the build itself does) changes nothing.
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
                EventKind::Access(_) => continue,
                _ => {}
            }
            for path in &ev.paths {
                let kind = classify(&self.project, path);
                if kind == Kind::Ignored {
                    continue;
                }
                if (matches!(kind, Kind::Template | Kind::Static)
                    && (path == &self.project.templates_dir || path == &self.project.static_dir))
                    || path == &self.project.notes_dir
                {
                    new_dirs = true;
                }
                out.push(path.clone());
            }
        }
        if new_dirs {
            let project = self.project.clone();
            if let Err(e) = self.rewatch(&project) {
                eprintln!("warning: {e}");
            }
        }
        out
    }

    /// A handle that wakes [`Watcher::next_batch`] up (an empty batch is a wake-up).
    pub fn waker(&self) -> mpsc::Sender<DebounceEventResult> {
        self.tx.clone()
    }

    /// Blocks until something relevant changed, then gathers changes until the project has
    /// been quiet for [`QUIET`] ([`BURST_QUIET`] during a burst), and returns every changed
    /// path. Returns an empty list when `idle` passed with no change, or on a wake-up; `None`
    /// when the watcher stopped.
    pub fn next_batch(&mut self, idle: Option<Duration>) -> Option<Vec<PathBuf>> {
        let mut set: BTreeSet<PathBuf> = BTreeSet::new();
        for r in std::mem::take(&mut self.buffered) {
            set.extend(self.relevant(r));
        }
        while set.is_empty() {
            let r = match idle {
                Some(t) => match self.rx.recv_timeout(t) {
                    Ok(r) => r,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Some(Vec::new()),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                },
                None => self.rx.recv().ok()?,
            };
            if matches!(&r, Ok(events) if events.is_empty()) {
                return Some(Vec::new());
            }
            set.extend(self.relevant(r));
        }
        let started = Instant::now();
        // A new folder is filled right after it is created, and files written before its
        // watch is in place give no event: wait as for a burst, so the walk sees them all.
        let mut burst = set.iter().any(|p| p.is_dir());
        loop {
            burst |= set.len() > BURST;
            let quiet = if burst { BURST_QUIET } else { QUIET };
            match self.rx.recv_timeout(quiet) {
                Ok(r) => {
                    let more = self.relevant(r);
                    set.extend(more);
                    // Never starve: a tool writing forever still gets a rebuild now and then.
                    if started.elapsed() > Duration::from_secs(5) {
                        break;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(set.into_iter().collect())
    }

    /// True when changes arrived since the last [`Watcher::next_batch`] (so slow follow-up
    /// work can wait for the next rebuild).
    pub fn changes_waiting(&mut self) -> bool {
        while let Ok(r) = self.rx.try_recv() {
            self.buffered.push(r);
        }
        !self.buffered.is_empty()
    }
}
