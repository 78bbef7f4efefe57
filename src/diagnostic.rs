//! Diagnostics: every problem corem finds in the user's content, with its place and a fix.
//!
//! Stages never print; they return `Diagnostic`s. This module alone turns them into text, so the
//! terminal, `corem check`, tests and the live-preview overlay all say exactly the same thing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors fail `build` and `check`; warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user would type it (relative to the project root where possible).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    pub message: String,
    /// The offending source line, shown under the message.
    pub source_line: Option<String>,
    /// How to fix it, when corem can tell.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            col: 0,
            message: message.into(),
            source_line: None,
            help: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Places the diagnostic at a byte offset of `source`, filling line, column and source line.
    pub fn at(mut self, source: &str, offset: usize) -> Self {
        let loc = locate(source, offset);
        self.line = loc.line;
        self.col = loc.col;
        self.source_line = Some(loc.text.to_string());
        self
    }

    /// Places the diagnostic at a 1-based line and column of `source`.
    pub fn at_line_col(mut self, source: &str, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.to_string());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` as editors and terminals understand it.
    pub fn location(&self) -> String {
        let file = display_path(&self.file);
        match (self.line, self.col) {
            (0, _) => file,
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// The diagnostic as text, optionally with ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let (label, paint) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (bold, dim, reset) = if color {
            ("\x1b[1m", "\x1b[2m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let paint = if color { paint } else { "" };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{paint}{label}{reset}{bold}: {}{reset}",
            self.message,
            paint = paint,
            reset = reset,
            bold = bold
        );
        let _ = writeln!(out, "  {dim}-->{reset} {}", self.location());
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let _ = writeln!(out, "  {pad} {dim}|{reset}");
            let _ = writeln!(out, "  {gutter} {dim}|{reset} {}", src.trim_end());
            if self.col > 0 {
                // Tabs keep their width so the caret lines up under the right character.
                let lead: String = src
                    .chars()
                    .take(self.col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "  {pad} {dim}|{reset} {lead}{paint}^{reset}");
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {bold}help{reset}: {help}");
        }
        out
    }
}

/// Line and column of a byte offset, with the text of that line.
pub struct Location<'a> {
    pub line: usize,
    pub col: usize,
    pub text: &'a str,
}

/// Finds the 1-based line and character column of `offset` in `source`.
pub fn locate(source: &str, offset: usize) -> Location<'_> {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let line = source[..line_start].matches('\n').count() + 1;
    let col = source[line_start..offset].chars().count() + 1;
    Location {
        line,
        col,
        text: source[line_start..line_end].trim_end_matches('\r'),
    }
}

/// A path shown to the user: relative to the current directory when possible, with `/`.
pub fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.to_string_lossy().replace('\\', "/")
}

/// Sorts diagnostics by file and position so output is stable across parallel runs.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
    });
}

/// "did you mean …" for a name among candidates, by edit distance and containment.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let wanted_l = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for cand in candidates {
        let cand_l = cand.to_lowercase();
        let score = strsim::normalized_damerau_levenshtein(&wanted_l, &cand_l);
        let contained = wanted_l.len() >= 3 && cand_l.contains(&wanted_l);
        let score = if contained { score.max(0.75) } else { score };
        if score >= 0.6 && best.is_none_or(|(s, c)| score > s || (score == s && cand < c)) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_characters_not_bytes() {
        let src = "first\nçà [[x]]\n";
        let off = src.find("[[").unwrap();
        let loc = locate(src, off);
        assert_eq!((loc.line, loc.col, loc.text), (2, 4, "çà [[x]]"));
    }

    #[test]
    fn render_shows_caret_under_column() {
        let d = Diagnostic::error("notes/a.md", "no note titled `Cachng`")
            .at("x\nsee [[Cachng]]\n", 6)
            .with_help("did you mean `Caching`?");
        let text = d.render(false);
        assert!(text.contains("notes/a.md:2:5"), "{text}");
        assert!(text.contains("2 | see [[Cachng]]"), "{text}");
        assert!(text.contains("|     ^"), "{text}");
        assert!(text.contains("help: did you mean `Caching`?"), "{text}");
    }

    #[test]
    fn suggest_finds_close_names() {
        let names = ["Caching", "CAP theorem", "CDN"];
        assert_eq!(suggest("Cachng", names), Some("Caching".into()));
        assert_eq!(suggest("cap theorm", names), Some("CAP theorem".into()));
        assert_eq!(suggest("zzzzzz", names), None);
    }
}
