//! Output: write the site atomically. Everything goes into a staging folder beside the output
//! folder, which replaces the old site in one step only when every file is written; a failed
//! build leaves the previous site exactly as it was.

use std::path::{Path, PathBuf};

pub mod single;

use crate::Error;

/// A site being written. Dropping it without [`Staging::commit`] removes what was written.
pub struct Staging {
    /// The folder being filled.
    pub dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Prepares a fresh staging folder next to `target`.
    pub fn new(target: &Path) -> Result<Staging, Error> {
        refuse_foreign_folder(target)?;
        let parent = target
            .parent()
            .ok_or_else(|| Error::Config(format!("`{}` has no parent folder", target.display())))?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let dir = parent.join(format!(".{name}.corem-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Writes a file (its folders must exist: see [`Staging::create_dirs`]).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(rel);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
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
            let path = self.dir.join(d);
            std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// Copies a file into the site.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Error> {
        let to = self.dir.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::copy(from, &to).map_err(|e| Error::io(from, e))?;
        Ok(())
    }

    /// Puts the new site in place of the old one.
    pub fn commit(mut self) -> Result<(), Error> {
        swap_in(&self.dir, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Replaces `target` by `staged`: one atomic exchange where the OS offers it, else two renames.
fn swap_in(staged: &Path, target: &Path) -> Result<(), Error> {
    if !target.exists() {
        return std::fs::rename(staged, target).map_err(|e| Error::io(target, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staged, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staged` now holds the old site.
            return std::fs::remove_dir_all(staged).map_err(|e| Error::io(staged, e));
        }
    }
    let old = staged.with_extension("old");
    std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
    if let Err(e) = std::fs::rename(staged, target) {
        // Put the old site back so nothing is lost.
        let _ = std::fs::rename(&old, target);
        return Err(Error::io(target, e));
    }
    std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))
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

    #[test]
    fn failed_build_leaves_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        {
            let s = Staging::new(&out).unwrap();
            s.write("index.html", b"new").unwrap();
            // dropped without commit
        }
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "staging removed"
        );
        let s = Staging::new(&out).unwrap();
        s.write("index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "old site removed"
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
        assert!(Staging::new(dir.path()).is_err());
    }
}
