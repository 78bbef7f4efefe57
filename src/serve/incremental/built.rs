//! The site an earlier `corem build` wrote into the output folder, as a source of `serve`'s
//! first build: a page (with its companion files) or the search index is read from the output
//! folder instead of being rendered when the build's record ([`crate::output::reuse`]) says the
//! file there is exactly what rendering it now would give.
//!
//! The rule is the one a warm `corem build` follows to keep a page: the record must be the one
//! this corem, configuration, templates and `--drafts` wrote (the site key), and the file's
//! identity on disk (inode, size, modification and status-change times) must be the recorded
//! one under the page's current digest. The identity is checked again after reading, so a file
//! written while it was read is rendered instead. Only the first build uses it: every later
//! one renders what changed, as before.

use std::path::PathBuf;

use bytes::Bytes;
use rayon::prelude::*;

use crate::output::StateDir;
use crate::output::reuse::{Reuse, identity};
use crate::render::{self, Page};
use crate::{Analysis, BuildOptions};

use super::Stored;

/// Threads that read files: more than the cores, since a cold disk makes reading wait on each
/// request (at 100,000 notes, after the page cache was dropped, reading the site took 39.6 s
/// on rayon's 2 threads and 25.2 s on 8). Compressing the bytes read runs on them too.
pub(super) fn readers() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let n = (4 * rayon::current_num_threads()).clamp(4, 32);
        (rayon::ThreadPoolBuilder::new().num_threads(n))
            .thread_name(|i| format!("corem-read-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `f` on the [`readers`] (on the caller's pool when they could not be started).
pub(super) fn reading<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match readers() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

pub(super) struct BuiltSite {
    /// The output folder.
    dir: PathBuf,
    reuse: Reuse,
}

impl BuiltSite {
    /// The site built into the project's output folder, when there is a record of it (none
    /// with `fresh`, nor without a working folder).
    pub(super) fn open(a: &Analysis, opts: &BuildOptions) -> Option<BuiltSite> {
        if opts.fresh {
            return None;
        }
        let state = StateDir::for_project(&a.project)?;
        let dir = a.project.output_dir.clone();
        let reuse = Reuse::open(&state.spare_for(&dir), crate::reuse_key(a, opts), true);
        Some(BuiltSite { dir, reuse })
    }

    /// The bytes of the output file `rel` when it is the one recorded as made from inputs of
    /// `digest`, and still is once read.
    fn read(&self, rel: &str, digest: u64) -> Option<Bytes> {
        let id = self.reuse.holds(&self.dir, rel, digest)?;
        let path = self.dir.join(rel);
        let bytes = std::fs::read(&path).ok()?;
        (identity(&path) == Some(id)).then(|| Bytes::from(bytes))
    }

    /// Each page of `todo` that the built site holds as rendering it would give, with its
    /// companion files (all of them or none; `digest` gives each page's current digest), read
    /// and compressed in parallel: `(index in todo, files)`.
    pub(super) fn pages(
        &self,
        site: &render::Site,
        todo: &[&Page],
        digest: impl Fn(&Page) -> Option<u64> + Sync,
    ) -> Vec<(usize, Vec<(String, Stored)>)> {
        let one = |p: &Page| -> Option<Vec<(String, Stored)>> {
            let d = digest(p)?;
            (std::iter::once(p.out_path.clone()).chain(render::page_extras(site, p)))
                .map(|rel| Some((rel.clone(), Stored::new(self.read(&rel, d)?))))
                .collect()
        };
        reading(|| {
            (todo.par_iter().enumerate())
                .filter_map(|(i, p)| Some((i, one(p)?)))
                .collect()
        })
    }

    /// The search index of digest `digest` (see [`crate::render::deps::Digests::search`]) as
    /// the built site holds it, every file of it or nothing.
    pub(super) fn search_index(&self, digest: u64) -> Option<Vec<(String, Stored)>> {
        let record = self.reuse.search(digest)?;
        reading(|| {
            (record.files.par_iter())
                .map(|rel| Some((rel.clone(), Stored::new(self.read(rel, digest)?))))
                .collect()
        })
    }
}
