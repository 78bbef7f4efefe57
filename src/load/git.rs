//! Last-commit dates of the notes, for "last updated" and the sitemap's `<lastmod>` when a
//! note's front matter has no `updated`.
//!
//! One `git log` call covers the whole notes folder (not one process per note): git lists the
//! commits newest first with the files each touched, so the first date seen for a file is its
//! last commit's. Everything here fails soft: no git, not a checkout, or a file never committed
//! simply means no date.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Note path relative to the notes folder (`/`-separated, as [`super::Note::rel`]) → the date
/// (`YYYY-MM-DD`) of the last commit that touched it.
pub type Dates = HashMap<String, String>;

/// A line that starts a commit in our `git log` format (the file names follow it).
const MARK: &str = "\u{1}corem-commit ";

/// The last-commit date of every committed file under `notes_dir`, or an empty map when git is
/// missing or `notes_dir` is not inside a git checkout.
pub fn last_commit_dates(notes_dir: &Path) -> Dates {
    let output = Command::new("git")
        .arg("-C")
        .arg(notes_dir)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--no-renames",
            "--relative",
            "--name-only",
        ])
        .arg(format!("--format={MARK}%cI"))
        .args(["--", "."])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(o) if o.status.success() => parse_log(&String::from_utf8_lossy(&o.stdout)),
        _ => Dates::new(),
    }
}

/// Parses the output of [`last_commit_dates`]'s `git log`: commit lines carry the date, the
/// lines after them name files; the first date per file wins (the log is newest first).
pub fn parse_log(log: &str) -> Dates {
    let mut dates = Dates::new();
    let mut current: Option<&str> = None;
    for line in log.lines() {
        if let Some(date) = line.strip_prefix(MARK) {
            // `%cI` is strict ISO 8601: the first ten characters are the calendar date.
            current = date.get(..10).filter(|d| looks_like_day(d));
        } else if let Some(date) = current {
            let file = line.trim_end_matches('\r');
            if !file.is_empty() && !dates.contains_key(file) {
                dates.insert(file.to_string(), date.to_string());
            }
        }
    }
    dates
}

fn looks_like_day(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_date_per_file_wins() {
        let log = format!(
            "{MARK}2026-03-02T10:00:00+01:00\n\na.md\nsub/b é.md\n\
             {MARK}2025-01-01T00:00:00Z\n\na.md\nc.md\n{MARK}garbage\n\nd.md\n"
        );
        let d = parse_log(&log);
        assert_eq!(d["a.md"], "2026-03-02");
        assert_eq!(d["sub/b é.md"], "2026-03-02");
        assert_eq!(d["c.md"], "2025-01-01");
        assert!(!d.contains_key("d.md"), "a malformed date gives no date");
    }

    #[test]
    fn not_a_checkout_gives_no_dates() {
        let dir = tempfile::tempdir().unwrap();
        assert!(last_commit_dates(dir.path()).is_empty());
        assert!(last_commit_dates(&dir.path().join("missing")).is_empty());
    }
}
