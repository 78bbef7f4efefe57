//! The theme: the default templates and static files embedded by `build.rs`, overridden file by
//! file by the project's own `templates/` and `static/` folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// Where a theme file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Built into corem.
    Builtin,
    /// The project's own file at this path.
    Project(PathBuf),
}

/// A template: name (path under `templates/`), source text and origin.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub text: String,
    pub origin: Origin,
}

/// A static file to copy to the output root.
#[derive(Debug, Clone)]
pub enum StaticFile {
    Builtin(&'static [u8]),
    Project(PathBuf),
}

/// The resolved theme of a project.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: Vec<TemplateFile>,
    /// Output-relative path → file.
    pub static_files: BTreeMap<String, StaticFile>,
}

impl Theme {
    /// The default theme merged with the project's `templates_dir` and `static_dir` (either may
    /// be missing).
    pub fn load(templates_dir: &Path, static_dir: &Path) -> Result<Theme, Error> {
        let mut templates: BTreeMap<String, TemplateFile> = embedded::TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    TemplateFile {
                        name: name.to_string(),
                        text: text.to_string(),
                        origin: Origin::Builtin,
                    },
                )
            })
            .collect();
        for (rel, path) in list(templates_dir)? {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            templates.insert(
                rel.clone(),
                TemplateFile {
                    name: rel,
                    text,
                    origin: Origin::Project(path),
                },
            );
        }
        let mut static_files: BTreeMap<String, StaticFile> = embedded::STATIC
            .iter()
            .map(|(name, bytes)| (name.to_string(), StaticFile::Builtin(bytes)))
            .collect();
        for (rel, path) in list(static_dir)? {
            static_files.insert(rel, StaticFile::Project(path));
        }
        Ok(Theme {
            templates: templates.into_values().collect(),
            static_files,
        })
    }

    /// The default theme's files, for `corem init --theme`.
    pub fn builtin_files() -> impl Iterator<Item = (String, &'static [u8])> {
        embedded::TEMPLATES
            .iter()
            .map(|(n, t)| (format!("templates/{n}"), t.as_bytes()))
            .chain(
                embedded::STATIC
                    .iter()
                    .map(|(n, b)| (format!("static/{n}"), *b)),
            )
    }
}

/// Files under `dir` (recursively) as (relative `/` path, absolute path); empty if `dir` is missing.
fn list(dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let real_dir = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let io = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
            Error::io(&path, io)
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        // Symbolic links may point anywhere inside the folder, never outside it (a theme
        // file is published with the site).
        if !entry
            .path()
            .canonicalize()
            .is_ok_and(|real| real.starts_with(&real_dir))
        {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        out.push((rel, entry.path().to_path_buf()));
    }
    Ok(out)
}
