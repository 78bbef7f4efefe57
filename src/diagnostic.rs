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
    /// The offending source line, shown under the message; a line longer than
    /// [`MAX_SOURCE_CHARS`] is cut to an excerpt around the column, marked with `…`.
    pub source_line: Option<String>,
    /// 1-based column of the caret in `source_line` (differs from `col` in an excerpt); 0 when
    /// unknown. At most [`MAX_SOURCE_CHARS`] + 2, so small (a diagnostic travels in `Result`s).
    pub source_col: u16,
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
            source_col: 0,
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
        let (loc, caret) = locate_caret(source, offset);
        self.line = loc.line;
        self.col = loc.col;
        let (text, col) = excerpt(loc.text, caret);
        self.source_line = Some(text);
        self.source_col = col;
        self
    }

    /// Places the diagnostic at a 1-based line and column of `source`.
    pub fn at_line_col(mut self, source: &str, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        let found = source.lines().nth(line.saturating_sub(1)).map(|l| {
            let caret = l
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(l.len(), |(i, _)| i);
            excerpt(l, caret)
        });
        self.source_col = match &found {
            Some((_, c)) if col > 0 => *c,
            _ => 0,
        };
        self.source_line = found.map(|(text, _)| text);
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
            if self.source_col > 0 {
                // Tabs keep their width so the caret lines up under the right character.
                let lead: String = src
                    .chars()
                    .take(usize::from(self.source_col) - 1)
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

/// Longest source line a diagnostic keeps, in characters. A longer one is cut to this many
/// around the column: a note with thousands of problems on one long line would otherwise keep a
/// copy of the line per problem (50,000 broken links on a 1 MB line took over 20 GB).
pub const MAX_SOURCE_CHARS: usize = 200;

/// `line` as shown under a diagnostic with the caret at byte `caret`: whole when short, else
/// [`MAX_SOURCE_CHARS`] characters around the caret with `…` where it was cut. Returns the
/// text and the caret's 1-based column in it. Costs the excerpt, not the line.
fn excerpt(line: &str, caret: usize) -> (String, u16) {
    let col = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    let caret = caret.min(line.len());
    if line.len() <= MAX_SOURCE_CHARS {
        return (line.to_string(), col(line[..caret].chars().count() + 1));
    }
    let half = MAX_SOURCE_CHARS / 2;
    let start = line[..caret]
        .char_indices()
        .rev()
        .nth(half - 1)
        .map_or(0, |(i, _)| i);
    let end = line[caret..]
        .char_indices()
        .nth(half)
        .map_or(line.len(), |(i, _)| caret + i);
    let mut text = String::with_capacity(end - start + 8);
    if start > 0 {
        text.push('…');
    }
    text.push_str(&line[start..end]);
    if end < line.len() {
        text.push('…');
    }
    (
        text,
        col(line[start..caret].chars().count() + 1 + usize::from(start > 0)),
    )
}

/// Line and column of a byte offset, with the text of that line.
pub struct Location<'a> {
    pub line: usize,
    pub col: usize,
    pub text: &'a str,
}

/// Finds the 1-based line and character column of `offset` in `source`.
pub fn locate(source: &str, offset: usize) -> Location<'_> {
    locate_caret(source, offset).0
}

/// [`locate`], and the byte of `offset` in the line's text.
fn locate_caret(source: &str, offset: usize) -> (Location<'_>, usize) {
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
    let text = source[line_start..line_end].trim_end_matches('\r');
    let caret = (offset - line_start).min(text.len());
    (Location { line, col, text }, caret)
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
    fn a_long_line_is_kept_as_an_excerpt_around_the_column() {
        // 50,000 broken links on a 1 MB line kept a copy of the line per diagnostic (23 GB).
        let line = format!("{}é [[Nope]] {}", "a".repeat(5000), "b".repeat(5000));
        let src = format!("---\ntitle: x\n---\n{line}\nnext\n");
        let off = src.find("[[").unwrap();
        let d = Diagnostic::error("n.md", "no note titled `Nope`").at(&src, off);
        assert_eq!((d.line, d.col), (4, 5003));
        let shown = d.source_line.clone().unwrap();
        assert!(shown.chars().count() <= MAX_SOURCE_CHARS + 2, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("aé [[Nope]] b"), "{shown}");
        assert_eq!(shown.chars().nth(usize::from(d.source_col) - 1), Some('['));
        // The caret is drawn under the `[[` of the excerpt.
        let text = d.render(false);
        let lines: Vec<&str> = text.lines().collect();
        let src_line = lines.iter().find(|l| l.contains("[[Nope]]")).unwrap();
        let caret_line = lines.iter().find(|l| l.ends_with('^')).unwrap();
        let at = |l: &str, pat: &str| l.find(pat).map(|b| l[..b].chars().count());
        assert_eq!(at(caret_line, "^"), at(src_line, "[[Nope]]"), "{text}");
        // A short line is kept whole, caret at its column.
        let d = Diagnostic::error("n.md", "m").at("ab [[x]]\n", 3);
        assert_eq!(
            (d.source_line.as_deref(), d.col, d.source_col),
            (Some("ab [[x]]"), 4, 4)
        );
        // Past the end of a long line (an error at the end of the file).
        let long = "z".repeat(1000);
        let d = Diagnostic::error("n.md", "m").at(&long, long.len());
        assert_eq!(d.col, 1001);
        assert!(d.source_line.unwrap().chars().count() <= MAX_SOURCE_CHARS + 2);
        let d = Diagnostic::error("n.md", "m").at_line_col(&long, 1, 900);
        assert_eq!(d.col, 900);
        assert_eq!(d.source_col, 102);
    }

    #[test]
    fn suggest_finds_close_names() {
        let names = ["Caching", "CAP theorem", "CDN"];
        assert_eq!(suggest("Cachng", names), Some("Caching".into()));
        assert_eq!(suggest("cap theorm", names), Some("CAP theorem".into()));
        assert_eq!(suggest("zzzzzz", names), None);
    }
}
