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
    /// Path under `templates/`, `/`-separated (`partials/nav.html`).
    pub name: String,
    /// Its source text.
    pub text: String,
    /// Built in, or the project's own file.
    pub origin: Origin,
}

/// A static file to copy to the output root.
#[derive(Debug, Clone)]
pub enum StaticFile {
    /// Built into corem: its bytes.
    Builtin(&'static [u8]),
    /// The project's own file at this path.
    Project(PathBuf),
}

/// The resolved theme of a project.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Every template, the project's overriding the built-in ones of the same name.
    pub templates: Vec<TemplateFile>,
    /// Output-relative path → file.
    pub static_files: BTreeMap<String, StaticFile>,
    /// Symbolic links in the theme folders that point outside them: not published (a theme
    /// file is copied into the site), reported as warnings.
    pub skipped: Vec<PathBuf>,
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
        let mut skipped = Vec::new();
        for (rel, path) in list(templates_dir, &mut skipped)? {
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
        for (rel, path) in list(static_dir, &mut skipped)? {
            static_files.insert(rel, StaticFile::Project(path));
        }
        Ok(Theme {
            templates: templates.into_values().collect(),
            static_files,
            skipped,
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

/// A built-in static file as the site gets it: stylesheets without their comments and
/// indentation (they document the theme for people editing it, `corem init --theme` writes
/// them out in full; readers need only the rules: 5 KB of every page's weight).
pub fn published(rel: &str, bytes: &'static [u8]) -> std::borrow::Cow<'static, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(text) if rel.ends_with(".css") => strip_css(text).into_bytes().into(),
        _ => bytes.into(),
    }
}

/// CSS without comments, leading indentation and blank lines. Strings are left alone, so a
/// `/*` inside `content: "…"` or a `url(…)` stays.
pub fn strip_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote: Option<char> = None;
    let mut line_start = true;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for d in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
            }
            '"' | '\'' => {
                quote = Some(c);
                line_start = false;
                out.push(c);
            }
            '\n' => {
                if !line_start {
                    out.push('\n');
                }
                line_start = true;
            }
            ' ' | '\t' if line_start => {}
            _ => {
                line_start = false;
                out.push(c);
            }
        }
    }
    out
}

/// Files under `dir` (recursively) as (relative `/` path, absolute path); empty if `dir` is missing.
/// Symbolic links may point anywhere inside `dir`, never outside it (a theme file is published
/// with the site): such links, and links whose target is missing, are not followed and are added
/// to `skipped`.
fn list(dir: &Path, skipped: &mut Vec<PathBuf>) -> Result<Vec<(String, PathBuf)>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let real_dir = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let outside = |p: &Path| {
        !p.canonicalize()
            .is_ok_and(|real| real.starts_with(&real_dir))
    };
    let mut links_out = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.path_is_symlink() && outside(e.path()) {
                links_out.push(e.path().to_path_buf());
                return false;
            }
            true
        });
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let what = if e.loop_ancestor().is_some() {
                "a symbolic link that loops back to a folder containing it"
            } else {
                "cannot be read"
            };
            let io = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other(what));
            Error::io(&path, io)
        })?;
        if !entry.file_type().is_file() {
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
    skipped.extend(links_out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Names used as `var(--name)` without a fallback, with the file that uses them.
    fn used_vars(file: &str, text: &str, out: &mut BTreeSet<(String, String)>) {
        let mut rest = text;
        while let Some(at) = rest.find("var(--") {
            rest = &rest[at + 6..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if !rest[end..].trim_start().starts_with(',') {
                out.insert((name.to_string(), file.to_string()));
            }
        }
    }

    /// Names given a value as `--name:` anywhere in the text.
    fn defined_vars(text: &str, out: &mut BTreeSet<String>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(at) = text[i..].find("--") {
            let start = i + at;
            i = start + 2;
            // a declaration starts after `{`, `;`, whitespace or `"` (a JS setProperty)
            let prev = start.checked_sub(1).map(|p| bytes[p]);
            if !matches!(
                prev,
                None | Some(b'{' | b';' | b' ' | b'\n' | b'\t' | b'"' | b'\'')
            ) {
                continue;
            }
            let end = text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .map_or(text.len(), |e| i + e);
            let after = text[end..].trim_start();
            if end > i && (after.starts_with(':') || after.starts_with("\",")) {
                out.insert(text[start..end].to_string());
            }
        }
    }

    /// Every `var(--name)` in the shipped theme (CSS, templates, scripts) and in HTML the engine
    /// writes (`src/`) has a definition somewhere in the theme. An undefined custom property
    /// silently becomes its initial value — for `fill`, black: that is how every diagram once
    /// shipped as black boxes while all tests passed.
    #[test]
    fn every_css_variable_used_is_defined() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        let mut defined = BTreeSet::new();
        for (name, bytes) in super::Theme::builtin_files() {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            used_vars(&name, text, &mut used);
            defined_vars(text, &mut defined);
        }
        for entry in walkdir::WalkDir::new(root.join("src")) {
            let entry = entry.expect("walk src/");
            // (this file's own test strings are not theme code)
            if entry.path().extension().is_some_and(|e| e == "rs")
                && !entry.path().ends_with("theme.rs")
            {
                let text = std::fs::read_to_string(entry.path()).expect("read a source file");
                let name = entry.path().strip_prefix(root).unwrap_or(entry.path());
                used_vars(&name.display().to_string(), &text, &mut used);
            }
        }
        let missing: Vec<_> = used
            .iter()
            .filter(|(name, _)| !defined.contains(&format!("--{name}")))
            .collect();
        assert!(
            missing.is_empty(),
            "CSS variables used but never defined (they fall back to black/transparent): {missing:?}"
        );
        assert!(defined.contains("--diagram-node") && used.len() > 40);
    }

    #[test]
    fn stylesheets_lose_comments_not_rules() {
        let css = "/* head */\n:root {\n  --a: 1px; /* why */\n}\n\n.x::before { content: \"/* kept */\"; }\n  .y { background: url('a/*b.png') }\n";
        assert_eq!(
            super::strip_css(css),
            ":root {\n--a: 1px; \n}\n.x::before { content: \"/* kept */\"; }\n.y { background: url('a/*b.png') }\n"
        );
        // The shipped stylesheet keeps every rule: the same braces and declarations.
        let style = std::str::from_utf8(
            super::Theme::builtin_files()
                .find(|(n, _)| n == "static/style.css")
                .expect("style.css")
                .1,
        )
        .expect("utf-8");
        let stripped = super::strip_css(style);
        assert!(stripped.len() < style.len() * 95 / 100);
        assert_eq!(
            stripped.matches('{').count(),
            super::strip_css(&stripped).matches('{').count()
        );
        assert!(stripped.matches(';').count() > 500);
    }

    #[test]
    fn variable_scanner_sees_uses_and_definitions() {
        let mut used = BTreeSet::new();
        let mut defined = BTreeSet::new();
        // Two uses without a definition (one with a fallback), built from pieces so that this
        // test input is not itself read as a use by tools that scan the sources.
        let undefined = ["color: var(", "--d, red); margin: var(", "--e)"].concat();
        let css = format!(
            ":root {{ --a: 1px; --b-c:red }} x {{ fill: var(--a); stroke: var(--b-c); {undefined} }}"
        );
        let css = css.as_str();
        used_vars("t.css", css, &mut used);
        defined_vars(css, &mut defined);
        let used: Vec<_> = used.into_iter().map(|(n, _)| n).collect();
        assert_eq!(used, ["a", "b-c", "e"]);
        assert_eq!(defined.into_iter().collect::<Vec<_>>(), ["--a", "--b-c"]);
    }
}
