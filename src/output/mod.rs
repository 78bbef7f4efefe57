//! Output: write the site atomically. Everything goes into a staging folder beside the output
//! folder, which replaces the old site in one step only when every file is written; a failed
//! build leaves the previous site exactly as it was.
//!
//! corem only ever replaces a folder it built: every site it writes holds a marker file,
//! [`SITE_MARKER`], and an output path that is a file, a symbolic link, or a non-empty folder
//! without the marker is refused before anything is written ([`check_target`]).
//!
//! The folder the old site ends up in after the swap is not deleted: it is kept in the project's
//! own working folder `.corem/` ([`StateDir`]) as the spare and becomes the next build's staging
//! folder. A build then writes only the files whose bytes differ from what the spare holds and
//! deletes the files the new site no longer has. Deleting and rewriting a whole site is most of
//! the cost of a build on many disks (ext4 mounted with `discard` takes seconds to delete a
//! 1,000-page site), so an unchanged page costs one read and compare instead of an unlink and a
//! write. When `.corem/` is on another file system than the output (`-o` on another disk), the
//! old site is deleted instead. `corem clean` (or deleting `.corem/`) removes cache and spare.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod paths;
pub mod reuse;
pub mod single;

use crate::Error;

/// The file every site corem writes holds at its root: the proof that the folder is corem's to
/// replace.
pub const SITE_MARKER: &str = ".corem-site";

/// What the marker file says.
pub const SITE_MARKER_TEXT: &str = concat!(
    "This folder is a site built by corem ",
    env!("CARGO_PKG_VERSION"),
    ". Each build replaces it entirely: keep nothing else here.\n"
);

/// The project's working folder: the build cache and the spare copy of the last site. Nothing
/// in it is needed; `corem clean` deletes it.
///
/// - A corem project (notes in a `notes/` folder): `.corem/` at the project root, beside
///   `notes/`, like cargo's `target/`. It ignores itself in git (a `.gitignore` holding `*`).
/// - A folder that is itself the notes (an Obsidian vault): corem never writes into it, so the
///   working folder is in the user's cache directory, `$XDG_CACHE_HOME/corem/projects/NAME-HASH`
///   (else `~/.cache/…`); without one, builds keep no cache and no spare.
#[derive(Debug, Clone)]
pub struct StateDir {
    /// The folder (it may not exist yet).
    pub dir: PathBuf,
}

impl StateDir {
    /// The working folder of a project folder (see [`StateDir`]).
    pub fn of(project_root: &Path) -> StateDir {
        StateDir {
            dir: project_root.join(".corem"),
        }
    }

    /// The working folder of `project`: `.corem/` in a corem project, the user's cache
    /// directory for a vault (`None` when there is none).
    pub fn for_project(project: &crate::config::Project) -> Option<StateDir> {
        if !project.vault_mode {
            return Some(StateDir::of(&project.root));
        }
        use sha2::{Digest, Sha256};
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        let digest = Sha256::digest(project.root.as_os_str().as_encoded_bytes());
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let name = project
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "notes".into());
        Some(StateDir {
            dir: cache
                .join("corem")
                .join("projects")
                .join(format!("{name}-{hex}")),
        })
    }

    /// The build cache (see [`crate::cache`]).
    pub fn cache_file(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// The build cache of what rendering computes (the layout of `graph.html`), kept apart from
    /// [`StateDir::cache_file`] so that a build can let go of the one before it needs the other.
    pub fn render_cache_file(&self) -> PathBuf {
        self.dir.join("cache-render")
    }

    /// Where the spare of the site written to `target` is kept: one per output folder.
    pub fn spare_for(&self, target: &Path) -> PathBuf {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(target.as_os_str().as_encoded_bytes());
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        self.dir.join("spare").join(format!("{name}-{hex}"))
    }

    /// Creates the folder (and its `.gitignore`); `false` when it cannot be (a read-only
    /// project), in which case builds keep no cache and no spare.
    pub fn ensure(&self) -> bool {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return false;
        }
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(
                &ignore,
                "# corem's working folder (build cache, last site): never commit it.\n*\n",
            );
        }
        true
    }
}

/// A site being written. Dropping it without [`Staging::commit`] leaves the previous site in
/// place (what was written stays in the spare folder, to be reused or replaced).
pub struct Staging {
    /// The folder being filled.
    pub dir: PathBuf,
    target: PathBuf,
    /// Where the old site is kept for the next build (none: it is deleted).
    spare: Option<PathBuf>,
    /// Paths (relative, with `/`) written by this build: everything else in `dir` is stale.
    written: Mutex<HashSet<String>>,
    changed: AtomicUsize,
    committed: bool,
    /// Compare each file with what the staging folder holds and write only when it differs
    /// (false: write every file, see [`Staging::rewrite`]).
    compare: bool,
    /// The folder was made empty by this build (no spare was taken): nothing stands where a
    /// file is first written, and nothing in it is stale. At 100,000 notes this spares a
    /// failing `stat` per file and a walk of the whole site at commit.
    started_empty: bool,
}

/// What a build changed in the staging folder.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written because they were new or their bytes changed.
    pub written: usize,
    /// Files left as they were: the spare already held these bytes.
    pub unchanged: usize,
    /// Stale files of an older build that were deleted.
    pub removed: usize,
}

impl Staging {
    /// Prepares a staging folder next to `target`: the spare of an earlier build when there is
    /// one and `reuse` is set, else a fresh folder (deleting the spare). Refuses a `target`
    /// corem may not replace ([`check_target`]), and removes staging folders that killed builds
    /// of this output left behind.
    pub fn new(target: &Path, spare: Option<PathBuf>, reuse: bool) -> Result<Staging, Error> {
        check_target(target)?;
        let parent = target
            .parent()
            .ok_or_else(|| Error::Config(format!("`{}` has no parent folder", target.display())))?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        // A killed build leaves its staging folder behind.
        remove_dead_leftovers(parent, &format!(".{name}.corem-staging-"));
        let dir = parent.join(format!(".{name}.corem-staging-{}", std::process::id()));
        if std::fs::symlink_metadata(&dir).is_ok() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        if let Some(spare) = &spare
            && !reuse
            && std::fs::symlink_metadata(spare).is_ok()
        {
            std::fs::remove_dir_all(spare).map_err(|e| Error::io(spare, e))?;
        }
        // Taking the spare is one rename, so two builds at once never share it: the one that
        // loses the race starts from an empty folder. A spare on another file system cannot be
        // moved: it is dropped.
        let took_spare = spare.as_ref().is_some_and(|spare| {
            std::fs::symlink_metadata(spare).is_ok_and(|m| m.is_dir())
                && (std::fs::rename(spare, &dir).is_ok() || {
                    let _ = std::fs::remove_dir_all(spare);
                    false
                })
        });
        if !took_spare {
            std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            spare,
            written: Mutex::new(HashSet::new()),
            changed: AtomicUsize::new(0),
            committed: false,
            compare: true,
            started_empty: !took_spare,
        })
    }

    /// A staging folder in which every file is written, whatever it holds (`build --fresh`).
    /// It is still the spare of an earlier build when there is one: its files are written
    /// over in place (`overwrite`), without first deleting the old site and allocating a new
    /// file for every page (seconds for 10,000 pages on ext4).
    pub fn rewrite(target: &Path, spare: Option<PathBuf>) -> Result<Staging, Error> {
        let mut s = Staging::new(target, spare, true)?;
        s.compare = false;
        Ok(s)
    }

    /// The paths written so far. A thread that panicked while holding them leaves them as they
    /// were (each insertion is whole), so a poisoned lock still gives the list: read as empty,
    /// it would make every file of the new site stale at commit.
    fn written(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        (self.written.lock()).unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records that this build writes `rel`; true the first time.
    fn record(&self, rel: &str) -> bool {
        self.written().insert(rel.to_string())
    }

    /// Records that this build writes `rel` and says what to look at first: `None` when nothing
    /// can stand at its path (this build's first write there, into a folder it made empty),
    /// else whether to compare the bytes there before clearing whatever is not a plain file.
    /// A rewrite still compares a file this build already wrote (the site marker, say).
    fn claim(&self, rel: &str) -> Option<bool> {
        let first = self.record(rel);
        (!(first && self.started_empty)).then_some(!first || self.compare)
    }

    /// Writes a file (its folders must exist: see [`Staging::create_dirs`]), unless the staging
    /// folder already holds exactly these bytes. Returns whether it wrote.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<bool, Error> {
        let path = self.dir.join(rel);
        let written = match self.claim(rel) {
            // Nothing stands there: a new file, no old one to look at.
            None => std::fs::write(&path, bytes),
            Some(compare) => {
                if compare && same_bytes(&path, bytes) {
                    return Ok(false);
                }
                clear_non_file(&path)?;
                overwrite(&path, bytes)
            }
        };
        written.map_err(|e| Error::io(&path, e))?;
        self.changed.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Keeps the file the staging folder holds at `rel` as this build's (see [`reuse`]).
    pub fn keep(&self, rel: &str) {
        self.record(rel);
    }

    /// The current site (the output folder this build replaces).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Makes `rel` in the staging folder another name of the current site's file `rel` (see
    /// [`reuse`]): the file is shared, never written into (a later write replaces it, see
    /// `clear_non_file`). False when it cannot be linked (then the page is rendered).
    pub fn link(&self, rel: &str) -> bool {
        let to = self.dir.join(rel);
        if clear_non_file(&to).is_err() || (std::fs::remove_file(&to).is_err() && to.exists()) {
            return false;
        }
        std::fs::hard_link(self.target.join(rel), &to).is_ok() && {
            self.record(rel);
            true
        }
    }

    /// Creates every folder the given output paths need.
    pub fn create_dirs<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        let mut dirs: Vec<&str> = paths
            .into_iter()
            .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        for d in dirs {
            self.create_dir(&self.dir.join(d))?;
        }
        Ok(())
    }

    /// `create_dir_all`, replacing files of an older build that stand where a folder must be.
    fn create_dir(&self, path: &Path) -> Result<(), Error> {
        if std::fs::create_dir_all(path).is_ok() {
            return Ok(());
        }
        let rel = path.strip_prefix(&self.dir).unwrap_or(path);
        let mut at = self.dir.clone();
        for part in rel.components() {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    std::fs::remove_file(&at).map_err(|e| Error::io(&at, e))?;
                    std::fs::create_dir(&at).map_err(|e| Error::io(&at, e))?;
                }
                Err(_) => std::fs::create_dir(&at).map_err(|e| Error::io(&at, e))?,
            }
        }
        Ok(())
    }

    /// Copies a file into the site (unless the same bytes are already there).
    pub fn copy(&self, from: &Path, rel: &str) -> Result<bool, Error> {
        if let Some(parent) = self.dir.join(rel).parent() {
            self.create_dir(parent)?;
        }
        // Read once: compared with what the spare holds, and written only when different.
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        self.write(rel, &bytes)
    }

    /// Deletes what an older build left in the staging folder and this one did not write.
    fn remove_stale(&self) -> Result<usize, Error> {
        if self.started_empty {
            return Ok(0);
        }
        // Held while walking (nothing writes at commit).
        let written = self.written();
        let is_written = |path: &Path| match path.strip_prefix(&self.dir).ok() {
            // The same text as `rel_slash` makes, without making it.
            Some(rel) if cfg!(unix) => rel.to_str().is_some_and(|r| written.contains(r)),
            _ => written.contains(&rel_slash(&self.dir, path)),
        };
        let mut removed = 0;
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir).min_depth(1) {
            let entry = entry.map_err(|e| {
                let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                Error::io(&path, std::io::Error::other(e.to_string()))
            })?;
            let path = entry.path();
            if entry.file_type().is_dir() {
                dirs.push(path.to_path_buf());
                continue;
            }
            if !is_written(path) {
                std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
                removed += 1;
            }
        }
        // Deepest first, so a folder emptied of stale folders goes too.
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in dirs {
            let _ = std::fs::remove_dir(&d); // fails, as it should, when not empty
        }
        Ok(removed)
    }

    /// Puts the new site in place of the old one, which becomes the spare for the next build.
    pub fn commit(mut self) -> Result<WriteStats, Error> {
        self.write(SITE_MARKER, SITE_MARKER_TEXT.as_bytes())?;
        let removed = self.remove_stale()?;
        swap_in(&self.dir, &self.target, self.spare.as_deref())?;
        self.committed = true;
        let total = self.written().len();
        let written = self.changed.load(Ordering::Relaxed);
        Ok(WriteStats {
            written,
            unchanged: total.saturating_sub(written),
            removed,
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && keep_as_spare(&self.dir, self.spare.as_deref()).is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes the entries of `dir` named `PREFIX` + a process id (+ `.old`) whose process is gone:
/// what a corem killed while writing left behind (staging folders, temporary files renamed
/// over their target when complete). A live process's entries are left alone. Only on Linux,
/// where `/proc` tells whether a process is alive.
fn remove_dead_leftovers(dir: &Path, prefix: &str) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(prefix)) else {
            continue;
        };
        let pid = rest.strip_suffix(".old").unwrap_or(rest);
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists() {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => drop(std::fs::remove_dir_all(e.path())),
            Ok(_) => drop(std::fs::remove_file(e.path())),
            Err(_) => {}
        }
    }
}

/// A path beside `path` for this process to write before renaming it over `path`
/// (`NAME.tmp-PID`, the extension replaced). First removes the ones that corem processes killed
/// while writing left there: the build cache of 100,000 notes is 333 MB.
pub(crate) fn temp_beside(path: &Path) -> PathBuf {
    let prefix = path.with_extension("tmp-");
    if let (Some(dir), Some(name)) = (prefix.parent(), prefix.file_name().and_then(|n| n.to_str()))
    {
        remove_dead_leftovers(dir, name);
    }
    let mut tmp = prefix.into_os_string();
    tmp.push(std::process::id().to_string());
    PathBuf::from(tmp)
}

fn rel_slash(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let mut out = String::new();
    for c in rel.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    out
}

/// Makes `bytes` the whole content of the file at `path`, writing an existing file over in place
/// and then cutting it to length instead of emptying it first (`std::fs::write`'s `O_TRUNC`).
/// On ext4 (with its default `auto_da_alloc`) a file emptied by a truncation is written back to
/// disk from inside `close`, and its blocks are freed to be allocated again: for a `--fresh`
/// build over its spare, that was most of the kernel's time in the write stage. Overwriting
/// keeps the blocks and leaves write-back to the kernel's own pace. (`examples/floor.rs
/// --in-place` writes with it too.)
pub fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(bytes)?;
    let len = bytes.len() as u64;
    if file.metadata()?.len() > len {
        file.set_len(len)?;
    }
    Ok(())
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = 0;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return at == bytes.len(),
            Ok(n) => {
                if at + n > bytes.len() || buf[..n] != bytes[at..at + n] {
                    return false;
                }
                at += n;
            }
            Err(_) => return false,
        }
    }
}

/// Removes whatever stands at `path` that is not a regular file of its own: a folder or a
/// link of an older build (so writing there cannot follow a link out of the site), or a file
/// with other names (a page kept from the current site by a hard link, see [`Staging::link`]:
/// writing into it would change the live site too).
fn clear_non_file(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e)),
        Ok(m) if !m.is_file() || links(&m) > 1 => {
            std::fs::remove_file(path).map_err(|e| Error::io(path, e))
        }
        _ => Ok(()),
    }
}

/// How many names a file has (1 where the system does not say).
fn links(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Replaces `target` by `staged`, leaving the old site at `spare`: one atomic exchange where the
/// OS offers it, else two renames.
fn swap_in(staged: &Path, target: &Path, spare: Option<&Path>) -> Result<(), Error> {
    if !target.exists() {
        return std::fs::rename(staged, target).map_err(|e| Error::io(target, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staged, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staged` now holds the old site.
            return keep_as_spare(staged, spare);
        }
    }
    let old = staged.with_extension("old");
    std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
    if let Err(e) = std::fs::rename(staged, target) {
        // Put the old site back so nothing is lost.
        let _ = std::fs::rename(&old, target);
        return Err(Error::io(target, e));
    }
    keep_as_spare(&old, spare)
}

/// Keeps an old site as the next build's staging folder, or deletes it (no place for a spare,
/// another build left one in the meantime, or the spare's folder is on another file system).
fn keep_as_spare(old: &Path, spare: Option<&Path>) -> Result<(), Error> {
    if let Some(spare) = spare
        && std::fs::symlink_metadata(spare).is_err()
        && spare
            .parent()
            .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
        && std::fs::rename(old, spare).is_ok()
    {
        return Ok(());
    }
    std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))
}

/// corem replaces its output folder wholesale, so the output path must be new, an empty
/// folder, or a site corem built (it holds [`SITE_MARKER`]). A file, a symbolic link or a folder
/// of someone else's files is refused (exit code 2), before anything is moved or written.
pub fn check_target(target: &Path) -> Result<(), Error> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    let shown = target.display();
    if meta.is_symlink() {
        return Err(Error::Usage(format!(
            "the output `{shown}` is a symbolic link; corem writes a site by replacing its output \
             folder, which would replace the link: give the folder itself (or a new path) with -o"
        )));
    }
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "the output `{shown}` is a file, not a folder; corem writes a whole site into a \
             folder: give a new or empty folder with -o"
        )));
    }
    let non_empty = std::fs::read_dir(target)
        .map_err(|e| Error::io(target, e))?
        .next()
        .is_some();
    if non_empty && !target.join(SITE_MARKER).is_file() {
        return Err(Error::Usage(format!(
            "the output folder `{shown}` holds files corem did not write (it has no \
             {SITE_MARKER} marker); corem replaces its output folder entirely, so give a new or \
             empty folder with -o (a site an older corem built: delete it and build again)"
        )));
    }
    Ok(())
}

/// `sitemap.xml` from the pages' output paths, each with its last-modified date when known.
pub fn sitemap(base_url: &str, pages: &[(String, Option<String>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (p, lastmod) in pages {
        out.push_str("  <url><loc>");
        out.push_str(&crate::markdown::escape_html(&format!(
            "{base_url}/{}",
            crate::render::html::encode_path(p)
        )));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(&crate::markdown::escape_html(d));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: everything may be crawled, and the sitemap is at `base_url/sitemap.xml`.
/// (Crawlers read it only at a domain's root; under a project path it is harmless.)
pub fn robots(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// The spare of `out` in a `.corem` folder beside it.
    fn spare(dir: &Path, out: &Path) -> PathBuf {
        StateDir::of(dir).spare_for(out)
    }

    #[test]
    fn failed_build_leaves_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        std::fs::write(out.join(SITE_MARKER), "").unwrap();
        let spare = spare(dir.path(), &out);
        {
            let s = Staging::new(&out, Some(spare.clone()), true).unwrap();
            s.write("index.html", b"new").unwrap();
            // dropped without commit
        }
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(
            entries(dir.path()),
            [".corem", "public"],
            "the half-written staging folder is kept aside as the spare, never as the site"
        );
        assert!(spare.join("index.html").is_file());
        let s = Staging::new(&out, Some(spare.clone()), true).unwrap();
        s.write("index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(entries(dir.path()), [".corem", "public"]);
        assert_eq!(
            std::fs::read_to_string(spare.join("index.html")).unwrap(),
            "old",
            "the old site became the spare"
        );
        assert_eq!(entries(&out), [SITE_MARKER, "index.html"]);
    }

    #[test]
    fn a_folder_made_empty_is_written_without_looking_yet_a_second_write_still_compares() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let from = dir.path().join("logo.svg");
        std::fs::write(&from, "<svg/>").unwrap();
        let s = Staging::rewrite(&out, Some(spare(dir.path(), &out))).unwrap();
        assert!(
            s.started_empty,
            "no spare to take: the staging folder is new"
        );
        s.create_dirs(["a/page.html"]).unwrap();
        assert!(s.write("a/page.html", b"one").unwrap());
        assert!(s.copy(&from, "logo.svg").unwrap());
        // Written again by the same build: compared, and the same bytes are left alone.
        assert!(!s.write("a/page.html", b"one").unwrap());
        assert!(!s.copy(&from, "logo.svg").unwrap());
        assert!(s.write("a/page.html", b"two").unwrap());
        let stats = s.commit().unwrap();
        assert_eq!(stats.removed, 0);
        assert_eq!(entries(&out), [SITE_MARKER, "a", "logo.svg"]);
        assert_eq!(
            std::fs::read_to_string(out.join("a/page.html")).unwrap(),
            "two"
        );
    }

    #[test]
    fn reuses_the_spare_writing_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare_dir = spare(dir.path(), &out);
        let build = |files: &[(&str, &str)]| {
            let s = Staging::new(&out, Some(spare_dir.clone()), true).unwrap();
            s.create_dirs(files.iter().map(|(p, _)| *p)).unwrap();
            for (p, b) in files {
                s.write(p, b.as_bytes()).unwrap();
            }
            s.commit().unwrap()
        };
        build(&[
            ("index.html", "home"),
            ("a/x.html", "x1"),
            ("b/y.html", "y"),
        ]);
        build(&[
            ("index.html", "home"),
            ("a/x.html", "x2"),
            ("b/y.html", "y"),
        ]);
        // The spare holds build 1; build 3 differs from it in a/x.html, drops b/, and turns
        // the file a/x.html of build 1 into a folder.
        let stats = build(&[
            ("index.html", "home"),
            ("a/x.html/deep.html", "d"),
            ("c.html", "c"),
        ]);
        assert_eq!(
            stats,
            WriteStats {
                written: 2,
                unchanged: 2,
                removed: 1
            }
        );
        assert_eq!(entries(&out), [SITE_MARKER, "a", "c.html", "index.html"]);
        assert_eq!(entries(&out.join("a")), ["x.html"]);
        assert_eq!(
            std::fs::read_to_string(out.join("a/x.html/deep.html")).unwrap(),
            "d"
        );
        // The spare now holds build 2, intact.
        let spare = spare_dir;
        assert_eq!(
            std::fs::read_to_string(spare.join("a/x.html")).unwrap(),
            "x2"
        );
        assert_eq!(
            std::fs::read_to_string(spare.join("b/y.html")).unwrap(),
            "y"
        );
    }

    /// A thread that panicked while recording a written file poisons the list of them. The
    /// commit used to read a poisoned list as empty, and so removed every file of the new site
    /// as stale.
    #[test]
    fn a_poisoned_list_of_written_files_still_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare_dir = spare(dir.path(), &out);
        // The third build is the first to start from a spare (the first build's site).
        for text in ["one", "two", "three"] {
            let s = Staging::new(&out, Some(spare_dir.clone()), true).unwrap();
            s.write("index.html", text.as_bytes()).unwrap();
            if text == "three" {
                std::thread::scope(|t| {
                    let held = t.spawn(|| {
                        let _guard = s.written.lock();
                        panic!("a writer fails while holding the list");
                    });
                    assert!(held.join().is_err());
                });
                assert!(s.written.is_poisoned());
            }
            s.commit().unwrap();
        }
        assert_eq!(entries(&out), [SITE_MARKER, "index.html"]);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "three"
        );
    }

    #[test]
    fn rewrite_writes_every_file_into_the_spare_and_still_removes_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let build = |s: Staging, files: &[(&str, &str)]| {
            s.create_dirs(files.iter().map(|(p, _)| *p)).unwrap();
            for (p, b) in files {
                s.write(p, b.as_bytes()).unwrap();
            }
            s.commit().unwrap()
        };
        let site = [("index.html", "home"), ("a/x.html", "x"), ("b/y.html", "y")];
        let sp = spare(dir.path(), &out);
        build(Staging::new(&out, Some(sp.clone()), true).unwrap(), &site);
        build(Staging::new(&out, Some(sp.clone()), true).unwrap(), &site);
        // The spare holds the same bytes: a rewrite writes them all the same (and the site
        // marker), and drops b/. A file written twice by the build is written (and counted) once.
        let stats = build(
            Staging::rewrite(&out, Some(sp)).unwrap(),
            &[
                ("index.html", "home"),
                ("a/x.html", "x"),
                ("index.html", "home"),
            ],
        );
        assert_eq!(
            stats,
            WriteStats {
                written: 3,
                unchanged: 0,
                removed: 1
            }
        );
        assert_eq!(entries(&out), [SITE_MARKER, "a", "index.html"]);
    }

    #[test]
    fn a_shorter_or_longer_page_over_the_spares_copy_has_exactly_its_own_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let sp = spare(dir.path(), &out);
        let long = "x".repeat(10_000);
        let medium = "y".repeat(5_000);
        let short = "z".to_string();
        // Third: the spare holds 10,000 bytes, written over in place, then cut.
        for (fresh, page) in [
            (false, &long),
            (false, &long),
            (true, &medium),
            (false, &short),
            (false, &long),
        ] {
            let s = if fresh {
                Staging::rewrite(&out, Some(sp.clone())).unwrap()
            } else {
                Staging::new(&out, Some(sp.clone()), true).unwrap()
            };
            s.write("p.html", page.as_bytes()).unwrap();
            s.commit().unwrap();
            assert_eq!(std::fs::read_to_string(out.join("p.html")).unwrap(), *page);
        }
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_link_in_the_spare() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "precious").unwrap();
        let spare = spare(dir.path(), &out);
        std::fs::create_dir_all(&spare).unwrap();
        std::os::unix::fs::symlink(&outside, spare.join("index.html")).unwrap();
        let s = Staging::new(&out, Some(spare), true).unwrap();
        s.write("index.html", b"home").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
        assert!(
            !std::fs::symlink_metadata(out.join("index.html"))
                .unwrap()
                .is_symlink()
        );
    }

    /// A page kept from the current site by a hard link is never written into: the next build
    /// that writes it (in that folder, now the spare) writes a file of its own.
    #[cfg(unix)]
    #[test]
    fn a_linked_page_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let sp = spare(dir.path(), &out);
        let s = Staging::new(&out, Some(sp.clone()), true).unwrap();
        s.create_dirs(["a/x.html"]).unwrap();
        s.write("a/x.html", b"x1").unwrap();
        s.write("index.html", b"home").unwrap();
        s.commit().unwrap();
        // Build 2 keeps both pages of the site by links.
        let s = Staging::new(&out, Some(sp.clone()), true).unwrap();
        s.create_dirs(["a/x.html"]).unwrap();
        assert!(s.link("a/x.html") && s.link("index.html"));
        assert!(!s.link("missing.html"), "nothing to link");
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a/x.html")).unwrap(), "x1");
        // Build 3 writes into the spare, which shares its files with the site until then.
        let s = Staging::new(&out, Some(sp.clone()), true).unwrap();
        s.create_dirs(["a/x.html"]).unwrap();
        s.write("a/x.html", b"x2").unwrap();
        s.write("index.html", b"home").unwrap();
        // Not committed: the live site is as it was.
        drop(s);
        assert_eq!(std::fs::read_to_string(out.join("a/x.html")).unwrap(), "x1");
        assert_eq!(std::fs::read_to_string(sp.join("a/x.html")).unwrap(), "x2");
    }

    #[test]
    fn sitemap_has_lastmod_when_known_and_robots_points_at_it() {
        let xml = sitemap(
            "https://x.github.io/repo",
            &[
                ("index.html".into(), None),
                ("a b/c.html".into(), Some("2026-01-02".into())),
            ],
        );
        assert!(xml.contains("<url><loc>https://x.github.io/repo/index.html</loc></url>"));
        assert!(xml.contains(
            "<loc>https://x.github.io/repo/a%20b/c.html</loc><lastmod>2026-01-02</lastmod>"
        ));
        assert!(
            robots("https://x.github.io/repo")
                .contains("Sitemap: https://x.github.io/repo/sitemap.xml\n")
        );
    }

    /// Issue 24 (2): a folder that happens to hold an `index.html` is not a site corem built;
    /// issue 15 (2): nor is a file or a symbolic link. Nothing is moved, nothing deleted.
    #[test]
    fn refuses_what_corem_did_not_build() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("theirs");
        std::fs::create_dir_all(theirs.join("photos")).unwrap();
        std::fs::write(theirs.join("index.html"), "my page").unwrap();
        std::fs::write(theirs.join("thesis.tex"), "precious").unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "precious").unwrap();
        let before = entries(dir.path());
        for target in [&theirs, &file] {
            let spare = spare(dir.path(), target);
            match Staging::new(target, Some(spare), true) {
                Err(Error::Usage(m)) => assert!(m.contains(&target.display().to_string()), "{m}"),
                Err(e) => panic!("expected a usage error, got {e}"),
                Ok(_) => panic!("{} was accepted as an output", target.display()),
            }
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&theirs, &link).unwrap();
            assert!(matches!(
                Staging::new(&link, None, true),
                Err(Error::Usage(m)) if m.contains("symbolic link")
            ));
            std::fs::remove_file(&link).unwrap();
        }
        assert_eq!(entries(dir.path()), before, "nothing was moved or created");
        assert_eq!(entries(&theirs), ["index.html", "photos", "thesis.tex"]);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
        // An empty folder and a folder corem built are fine.
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        Staging::new(&empty, None, true).unwrap().commit().unwrap();
        assert_eq!(entries(&empty), [SITE_MARKER]);
        Staging::new(&empty, None, true).unwrap().commit().unwrap();
    }

    /// Issue 24 (4): a killed build's staging folder is removed by the next build; a live
    /// process's is not.
    #[cfg(target_os = "linux")]
    #[test]
    fn removes_staging_folders_of_dead_builds() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        // No process has a pid this large (pid_max is at most 2^22).
        let dead = dir.path().join(".site.corem-staging-99999999");
        std::fs::create_dir_all(dead.join("deep")).unwrap();
        std::fs::write(dead.join("deep/page.html"), "half-written").unwrap();
        let dead_old = dir.path().join(".site.corem-staging-99999998.old");
        std::fs::create_dir(&dead_old).unwrap();
        // pid 1 is alive: its folder stays; so does anything not named like a staging folder.
        let live = dir.path().join(".site.corem-staging-1");
        std::fs::create_dir(&live).unwrap();
        let other = dir.path().join(".site.corem-staging-notes");
        std::fs::create_dir(&other).unwrap();
        Staging::new(&out, None, true).unwrap().commit().unwrap();
        assert!(!dead.exists() && !dead_old.exists());
        assert!(live.is_dir() && other.is_dir());
    }

    /// Without a place for a spare (or with one on another file system) the old site is
    /// deleted after the swap, never left beside the output.
    #[test]
    fn without_a_spare_the_old_site_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        for text in ["one", "two"] {
            let s = Staging::new(&out, None, true).unwrap();
            s.write("index.html", text.as_bytes()).unwrap();
            s.commit().unwrap();
        }
        assert_eq!(entries(dir.path()), ["site"]);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
    }
}
