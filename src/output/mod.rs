//! Output: write the site atomically. Everything goes into a staging folder beside the output
//! folder, which replaces the old site in one step only when every file is written; a failed
//! build leaves the previous site exactly as it was.
//!
//! The folder the old site ends up in after the swap is not deleted: it is kept beside the output
//! as `.NAME.corem-spare` and becomes the next build's staging folder. A build then writes only
//! the files whose bytes differ from what the spare holds and deletes the files the new site no
//! longer has. Deleting and rewriting a whole site is most of the cost of a build on many disks
//! (ext4 mounted with `discard` takes seconds to delete a 1,000-page site), so an unchanged page
//! costs one read and compare instead of an unlink and a write. The spare can be deleted at any
//! time; the next build then starts from an empty folder.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod single;

use crate::Error;

/// The build cache file of an output folder (see [`crate::cache`]): beside it, like its spare.
pub fn cache_file(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    target.with_file_name(format!(".{name}.corem-cache"))
}

/// A site being written. Dropping it without [`Staging::commit`] leaves the previous site in
/// place (what was written stays in the spare folder, to be reused or replaced).
pub struct Staging {
    /// The folder being filled.
    pub dir: PathBuf,
    target: PathBuf,
    spare: PathBuf,
    /// Paths (relative, with `/`) written by this build: everything else in `dir` is stale.
    written: Mutex<HashSet<String>>,
    changed: AtomicUsize,
    committed: bool,
    /// Compare each file with what the staging folder holds and write only when it differs
    /// (false: write every file, see [`Staging::rewrite`]).
    compare: bool,
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
    /// one and `reuse` is set, else a fresh folder (deleting the spare).
    pub fn new(target: &Path, reuse: bool) -> Result<Staging, Error> {
        refuse_foreign_folder(target)?;
        let parent = target
            .parent()
            .ok_or_else(|| Error::Config(format!("`{}` has no parent folder", target.display())))?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let spare = parent.join(format!(".{name}.corem-spare"));
        let dir = parent.join(format!(".{name}.corem-staging-{}", std::process::id()));
        if std::fs::symlink_metadata(&dir).is_ok() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        if !reuse && std::fs::symlink_metadata(&spare).is_ok() {
            std::fs::remove_dir_all(&spare).map_err(|e| Error::io(&spare, e))?;
        }
        // Taking the spare is one rename, so two builds at once never share it: the one that
        // loses the race starts from an empty folder.
        let took_spare = std::fs::symlink_metadata(&spare).is_ok_and(|m| m.is_dir())
            && std::fs::rename(&spare, &dir).is_ok();
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
        })
    }

    /// A staging folder in which every file is written, whatever it holds (`build --fresh`).
    /// It is still the spare of an earlier build when there is one: rewriting its files costs
    /// what writing new ones does, without first deleting the old site and allocating a new
    /// file for every page (seconds for 10,000 pages on ext4).
    pub fn rewrite(target: &Path) -> Result<Staging, Error> {
        let mut s = Staging::new(target, true)?;
        s.compare = false;
        Ok(s)
    }

    fn record(&self, rel: &str) {
        if let Ok(mut w) = self.written.lock() {
            w.insert(rel.to_string());
        }
    }

    /// Writes a file (its folders must exist: see [`Staging::create_dirs`]), unless the staging
    /// folder already holds exactly these bytes. Returns whether it wrote.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<bool, Error> {
        self.record(rel);
        let path = self.dir.join(rel);
        if self.compare && same_bytes(&path, bytes) {
            return Ok(false);
        }
        clear_non_file(&path)?;
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        self.changed.fetch_add(1, Ordering::Relaxed);
        Ok(true)
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
        self.record(rel);
        let to = self.dir.join(rel);
        if let Some(parent) = to.parent() {
            self.create_dir(parent)?;
        }
        // Read once: compared with what the spare holds, and written only when different.
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        if self.compare && same_bytes(&to, &bytes) {
            return Ok(false);
        }
        clear_non_file(&to)?;
        std::fs::write(&to, &bytes).map_err(|e| Error::io(&to, e))?;
        self.changed.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Deletes what an older build left in the staging folder and this one did not write.
    fn remove_stale(&self) -> Result<usize, Error> {
        let written = self.written.lock().map(|w| w.clone()).unwrap_or_default();
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
            let rel = rel_slash(&self.dir, path);
            if !written.contains(&rel) {
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
        let removed = self.remove_stale()?;
        swap_in(&self.dir, &self.target, &self.spare)?;
        self.committed = true;
        let total = self.written.lock().map(|w| w.len()).unwrap_or_default();
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
        if !self.committed && std::fs::rename(&self.dir, &self.spare).is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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

/// Removes whatever stands at `path` that is not a regular file (a folder or a link of an
/// older build), so writing there cannot follow a link out of the site.
fn clear_non_file(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e)),
        Ok(m) if !m.is_file() => std::fs::remove_file(path).map_err(|e| Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Replaces `target` by `staged`, leaving the old site at `spare`: one atomic exchange where the
/// OS offers it, else two renames.
fn swap_in(staged: &Path, target: &Path, spare: &Path) -> Result<(), Error> {
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

/// Keeps an old site as the next build's staging folder (or deletes it when another build has
/// left a spare in the meantime).
fn keep_as_spare(old: &Path, spare: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(spare).is_err() && std::fs::rename(old, spare).is_ok() {
        return Ok(());
    }
    std::fs::remove_dir_all(old).map_err(|e| Error::io(old, e))
}

/// corem replaces its output folder wholesale, so it refuses a non-empty folder that does not
/// look like a site it wrote (no `index.html`): that folder holds someone's files.
fn refuse_foreign_folder(target: &Path) -> Result<(), Error> {
    let Ok(mut entries) = std::fs::read_dir(target) else {
        return Ok(());
    };
    let non_empty = entries.next().is_some();
    if non_empty && !target.join("index.html").is_file() {
        return Err(Error::Config(format!(
            "the output folder `{}` exists and is not a site corem built (it has no index.html); \
             corem replaces its output folder entirely, so choose an empty or new folder with -o",
            target.display()
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

    #[test]
    fn failed_build_leaves_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&out, true).unwrap();
            s.write("index.html", b"new").unwrap();
            // dropped without commit
        }
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(
            entries(dir.path()),
            [".public.corem-spare", "public"],
            "the half-written staging folder is kept aside as the spare, never as the site"
        );
        let s = Staging::new(&out, true).unwrap();
        s.write("index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(entries(dir.path()), [".public.corem-spare", "public"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".public.corem-spare/index.html")).unwrap(),
            "old",
            "the old site became the spare"
        );
    }

    #[test]
    fn reuses_the_spare_writing_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let build = |files: &[(&str, &str)]| {
            let s = Staging::new(&out, true).unwrap();
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
                unchanged: 1,
                removed: 1
            }
        );
        assert_eq!(entries(&out), ["a", "c.html", "index.html"]);
        assert_eq!(entries(&out.join("a")), ["x.html"]);
        assert_eq!(
            std::fs::read_to_string(out.join("a/x.html/deep.html")).unwrap(),
            "d"
        );
        // The spare now holds build 2, intact.
        let spare = dir.path().join(".public.corem-spare");
        assert_eq!(
            std::fs::read_to_string(spare.join("a/x.html")).unwrap(),
            "x2"
        );
        assert_eq!(
            std::fs::read_to_string(spare.join("b/y.html")).unwrap(),
            "y"
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
        build(Staging::new(&out, true).unwrap(), &site);
        build(Staging::new(&out, true).unwrap(), &site);
        // The spare holds the same bytes: a rewrite writes them all the same, and drops b/.
        let stats = build(
            Staging::rewrite(&out).unwrap(),
            &[("index.html", "home"), ("a/x.html", "x")],
        );
        assert_eq!(
            stats,
            WriteStats {
                written: 2,
                unchanged: 0,
                removed: 1
            }
        );
        assert_eq!(entries(&out), ["a", "index.html"]);
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_link_in_the_spare() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "precious").unwrap();
        let spare = dir.path().join(".public.corem-spare");
        std::fs::create_dir(&spare).unwrap();
        std::os::unix::fs::symlink(&outside, spare.join("index.html")).unwrap();
        let s = Staging::new(&out, true).unwrap();
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

    #[test]
    fn refuses_a_folder_with_other_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.tex"), "precious").unwrap();
        assert!(Staging::new(dir.path(), true).is_err());
    }
}
