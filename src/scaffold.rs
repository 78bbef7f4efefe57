//! `corem new` and `corem init`: create a note or a whole project. Never overwrites a file.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::config::{Overrides, Project};
use crate::load::{slugify, split_prefix};

/// Creates a new note titled `title` in the section folder matching `section` (by folder name
/// with or without its `NN-` prefix; created if missing). Returns the new file's path.
pub fn new_note(dir: &Path, title: &str, section: Option<&str>) -> Result<PathBuf, Error> {
    if title.trim().is_empty() {
        return Err(Error::Usage(
            "the note needs a title: corem new \"My note\"".into(),
        ));
    }
    let project = Project::open(dir, &Overrides::default())?;
    let mut folder = project.notes_dir.clone();
    if let Some(section) = section {
        // A section is a folder inside the notes folder, one that corem reads.
        let bad = section.split(['/', '\\']).find(|p| {
            *p == ".."
                || *p == "."
                || p.starts_with('.')
                || p.starts_with('~')
                || p.chars().any(char::is_control)
        });
        if let Some(part) = bad.or(section.starts_with('/').then_some("/")) {
            return Err(Error::Usage(format!(
                "--section `{section}`: `{part}` would put the note outside the notes folder or in \
                 a folder corem does not read (hidden folders are skipped); name a section such as \
                 `principles` or `guides/setup`"
            )));
        }
        for part in section.split('/').filter(|p| !p.is_empty()) {
            folder = find_or_make_section(&folder, part)?;
        }
    }
    let slug = slugify(title);
    if let Some(existing) = std::fs::read_dir(&folder)
        .map_err(|e| Error::io(&folder, e))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_stem()
                .is_some_and(|s| slugify(split_prefix(&s.to_string_lossy()).1) == slug)
        })
    {
        return Err(Error::Usage(format!(
            "a note named like that already exists: `{}`",
            existing.display()
        )));
    }
    let prefix = next_prefix(&folder)?;
    let name = match prefix {
        Some((n, width)) => format!("{n:0width$}-{slug}.md"),
        None => format!("{slug}.md"),
    };
    let path = folder.join(name);
    if path.exists() {
        return Err(Error::Usage(format!("`{}` already exists", path.display())));
    }
    let text = format!(
        "---\ntitle: {}\ndescription: \ntags: []\ndate: {}\n---\n\nWrite here. Link other notes with `[[Their title]]`.\n",
        yaml_text(title),
        today()
    );
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Creates a new project in `dir`: `corem.toml`, `notes/index.md`, and with `theme` the default
/// templates and static files for editing.
pub fn init(dir: &Path, theme: bool) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Notes".into());
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (
            dir.join(crate::config::CONFIG_FILE),
            format!(
                "# corem configuration: every key is optional.\ntitle = {}\ndescription = \"\"\n\
                 # Absolute URL the site is published at (sitemap, canonical links).\nbase_url = \"\"\n\
                 language = \"en\"\nauthor = \"\"\n# \"Edit this page\" links, e.g. https://github.com/you/notes\nrepo_url = \"\"\n\
                 # \"error\" fails the build on a broken link; \"warn\" marks it and goes on.\nbroken_links = \"error\"\n",
                toml_text(&name)
            )
            .into_bytes(),
        ),
        (
            dir.join("notes/index.md"),
            format!(
                "---\ntitle: {}\ndescription: The home page of these notes.\n---\n\n\
                 Welcome. Add notes next to this file (`corem new \"Title\"`), group them in folders,\n\
                 and link them with `[[wikilinks]]` or relative Markdown links.\n\n\
                 Preview while you write with `corem serve`; publish with `corem build`.\n",
                yaml_text(&name)
            )
            .into_bytes(),
        ),
        (
            dir.join(".gitignore"),
            b"# The built site and corem's working folder (build cache, last site).\n/public/\n/.corem/\n"
                .to_vec(),
        ),
    ];
    if theme {
        for (rel, bytes) in crate::theme::Theme::builtin_files() {
            files.push((dir.join(rel), bytes.to_vec()));
        }
    }
    if let Some((existing, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(Error::Usage(format!(
            "`{}` already exists; corem init never overwrites files",
            existing.display()
        )));
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

fn find_or_make_section(parent: &Path, wanted: &str) -> Result<PathBuf, Error> {
    let wanted_slug = slugify(split_prefix(wanted).1);
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir()
                && (name == wanted || slugify(split_prefix(&name).1) == wanted_slug)
            {
                return Ok(e.path());
            }
        }
    }
    let prefix = next_prefix(parent)?;
    let name = match prefix {
        Some((n, width)) => format!("{n:0width$}-{wanted}"),
        None => wanted.to_string(),
    };
    let path = parent.join(name);
    std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// If the folder's entries use `NN-` prefixes, the next number and its digit width.
fn next_prefix(folder: &Path) -> Result<Option<(i64, usize)>, Error> {
    let mut max: Option<(i64, usize)> = None;
    let entries = std::fs::read_dir(folder).map_err(|e| Error::io(folder, e))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let (Some(n), _) = split_prefix(&name) {
            let width = name.bytes().take_while(u8::is_ascii_digit).count();
            if max.is_none_or(|(m, _)| n > m) {
                max = Some((n, width));
            }
        }
    }
    Ok(max.map(|(n, w)| (n + 1, w)))
}

fn yaml_text(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn toml_text(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }

    #[test]
    fn new_note_follows_prefixes_and_sections() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes/02-principles")).unwrap();
        std::fs::write(dir.path().join("notes/02-principles/03-cap.md"), "x").unwrap();
        let p = new_note(dir.path(), "Latency vs throughput", Some("principles")).unwrap();
        assert!(
            p.ends_with("notes/02-principles/04-latency-vs-throughput.md"),
            "{}",
            p.display()
        );
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("---\ntitle: \"Latency vs throughput\"\n"));
        assert!(new_note(dir.path(), "Latency vs throughput", Some("principles")).is_err());
    }

    /// Issue 24 (15): `--section ../../x` wrote outside the notes folder; `--section .obsidian`
    /// made a note that is never built.
    #[test]
    fn new_note_stays_in_the_notes_folder() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p");
        std::fs::create_dir_all(project.join("notes")).unwrap();
        for bad in [
            "../../x",
            "..",
            "a/../../b",
            ".obsidian",
            "a/.hidden",
            "/etc",
            "a\\..\\..\\b",
        ] {
            assert!(
                matches!(new_note(&project, "T", Some(bad)), Err(Error::Usage(_))),
                "{bad}"
            );
        }
        let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(before.len(), 1, "nothing created beside the project");
        assert!(new_note(&project, "T", Some("guides/setup")).is_ok());
    }

    #[test]
    fn init_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let files = init(dir.path(), false).unwrap();
        assert_eq!(files.len(), 3);
        let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert!(ignore.contains("/.corem/") && ignore.contains("/public/"));
        assert!(init(dir.path(), false).is_err());
    }
}
