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
    /// Fails the build: nothing is written.
    Error,
    /// Reported; the build goes on.
    Warning,
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Whether it fails the build.
    pub severity: Severity,
    /// The file as the user would type it (relative to the project root where possible).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The offending source line, shown under the message: a window of at most
    /// [`WINDOW`] characters around the column when the line is longer (cut ends shown as `…`).
    pub source_line: Option<String>,
    /// Where the caret goes in `source_line`: a 1-based character column (0: no caret).
    pub caret: u32,
    /// How to fix it, when corem can tell.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `file` as a whole (place it with [`Self::at`] or [`Self::at_line_col`]).
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            col: 0,
            message: message.into(),
            source_line: None,
            caret: 0,
            help: None,
        }
    }

    /// A warning about `file` as a whole.
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
        let (shown, caret) = window(loc.text, loc.byte_in_line);
        self.source_line = Some(shown);
        self.caret = u32::try_from(caret).unwrap_or(0);
        self
    }

    /// Places the diagnostic at a 1-based line and column of `source`.
    pub fn at_line_col(mut self, source: &str, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        if let Some(text) = source.lines().nth(line.saturating_sub(1)) {
            let byte = match col {
                0 => None,
                c => Some(
                    text.char_indices()
                        .nth(c - 1)
                        .map_or(text.len(), |(b, _)| b),
                ),
            };
            let (shown, caret) = window(text, byte);
            self.source_line = Some(shown);
            self.caret = u32::try_from(caret).unwrap_or(0);
        }
        self
    }

    /// Adds how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether it fails the build.
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
            if self.caret > 0 {
                // Tabs keep their width so the caret lines up under the right character.
                let lead: String = src
                    .chars()
                    .take(self.caret as usize - 1)
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

/// Characters of a source line shown in a diagnostic, at most.
pub const WINDOW: usize = 100;

/// The part of `line` shown under a diagnostic whose caret is at byte `caret` of the line
/// (`None`: no caret): the whole line when short, else about [`WINDOW`] characters around the
/// caret with `…` where it was cut (a line of 50,000 links once made every one of its
/// diagnostics print the whole line). Returns the text and the caret's 1-based character
/// column in it (0: none). Costs O(WINDOW) whatever the line's length.
pub fn window(line: &str, caret: Option<usize>) -> (String, usize) {
    let short = line.len() <= WINDOW || line.char_indices().nth(WINDOW).is_none();
    let at = caret.map(|c| {
        let mut c = c.min(line.len());
        while !line.is_char_boundary(c) {
            c -= 1;
        }
        c
    });
    if short {
        let col = at.map_or(0, |b| line[..b].chars().count() + 1);
        return (line.to_string(), col);
    }
    let at = at.unwrap_or(0);
    // Step back a third of the window from the caret, then take the window forward.
    let mut start = at;
    for _ in 0..WINDOW / 3 {
        match line[..start].chars().next_back() {
            Some(c) => start -= c.len_utf8(),
            None => break,
        }
    }
    let end = line[start..]
        .char_indices()
        .nth(WINDOW)
        .map_or(line.len(), |(i, _)| start + i);
    let mut shown = String::with_capacity(end - start + 8);
    if start > 0 {
        shown.push('…');
    }
    shown.push_str(&line[start..end]);
    if end < line.len() {
        shown.push('…');
    }
    let col = match caret {
        None => 0,
        Some(_) => line[start..at].chars().count() + 1 + usize::from(start > 0),
    };
    (shown, col)
}

/// Line and column of a byte offset, with the text of that line.
pub struct Location<'a> {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// The line's text, without its line end.
    pub text: &'a str,
    /// Byte offset of the position within `text`.
    pub byte_in_line: Option<usize>,
}

/// Where lines start and how many characters come before each 4 KiB block of a source, so that
/// placing many diagnostics in one big file costs a lookup each, not a scan of the file.
struct LineIndex {
    /// Identity of the source: address, length and a sample of its bytes.
    id: (usize, usize, u64),
    line_starts: Vec<usize>,
    /// Characters before byte `4096 × i`.
    chars_before_block: Vec<usize>,
}

const BLOCK: usize = 4096;

impl LineIndex {
    fn identity(source: &str) -> (usize, usize, u64) {
        use std::hash::{Hash, Hasher};
        let b = source.as_bytes();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        b[..b.len().min(256)].hash(&mut h);
        b[b.len().saturating_sub(256)..].hash(&mut h);
        (b.as_ptr() as usize, b.len(), h.finish())
    }

    fn new(source: &str) -> LineIndex {
        let b = source.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            b.iter()
                .enumerate()
                .filter(|(_, c)| **c == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_block = Vec::with_capacity(b.len() / BLOCK + 1);
        let mut chars = 0;
        for chunk in b.chunks(BLOCK) {
            chars_before_block.push(chars);
            chars += chunk.iter().filter(|c| (**c & 0xC0) != 0x80).count();
        }
        LineIndex {
            id: LineIndex::identity(source),
            line_starts,
            chars_before_block,
        }
    }

    /// Characters of `source` before byte `at` (a char boundary).
    fn chars_before(&self, source: &str, at: usize) -> usize {
        let block = at / BLOCK;
        let base = self.chars_before_block.get(block).copied().unwrap_or(0);
        // Bytes, not `str`: a block boundary may fall inside a character.
        base + source.as_bytes()[block * BLOCK..at]
            .iter()
            .filter(|c| (**c & 0xC0) != 0x80)
            .count()
    }
}

thread_local! {
    /// The index of the last big source placed on this thread.
    static INDEX: std::cell::RefCell<Option<LineIndex>> = const { std::cell::RefCell::new(None) };
}

/// Finds the 1-based line and character column of `offset` in `source`.
pub fn locate(source: &str, offset: usize) -> Location<'_> {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    // Small sources are scanned; big ones get an index, kept for the next diagnostics.
    let (line, line_start, line_end, col) = if source.len() < 64 * 1024 {
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = source[..line_start].matches('\n').count() + 1;
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let col = source[line_start..offset].chars().count() + 1;
        (line, line_start, line_end, col)
    } else {
        INDEX.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell
                .as_ref()
                .is_none_or(|i| i.id != LineIndex::identity(source))
            {
                *cell = Some(LineIndex::new(source));
            }
            let index = cell.as_ref().expect("just set");
            let line = index.line_starts.partition_point(|&s| s <= offset);
            let line_start = index.line_starts[line - 1];
            let line_end = index
                .line_starts
                .get(line)
                .map_or(source.len(), |next| next - 1);
            let col =
                index.chars_before(source, offset) - index.chars_before(source, line_start) + 1;
            (line, line_start, line_end, col)
        })
    };
    Location {
        line,
        col,
        text: source[line_start..line_end].trim_end_matches('\r'),
        byte_in_line: Some(offset - line_start),
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

/// Diagnostics shown per file, at most: past it, one line says how many more there are.
pub const MAX_PER_FILE: usize = 50;

/// Sorts diagnostics and keeps the first [`MAX_PER_FILE`] errors and warnings of each file,
/// replacing the rest by one "… more" diagnostic, so that a note with thousands of broken
/// links reports quickly and readably.
pub fn sort_and_cap(diags: &mut Vec<Diagnostic>) {
    sort(diags);
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len().min(4096));
    let mut i = 0;
    while i < diags.len() {
        let file = diags[i].file.clone();
        let end = diags[i..]
            .iter()
            .position(|d| d.file != file)
            .map_or(diags.len(), |k| i + k);
        for severity in [Severity::Error, Severity::Warning] {
            let of_kind: Vec<&Diagnostic> = diags[i..end]
                .iter()
                .filter(|d| d.severity == severity)
                .collect();
            out.extend(of_kind.iter().take(MAX_PER_FILE).map(|d| (*d).clone()));
            if of_kind.len() > MAX_PER_FILE {
                let more = of_kind.len() - MAX_PER_FILE;
                let what = if severity == Severity::Error {
                    "errors"
                } else {
                    "warnings"
                };
                let mut d =
                    Diagnostic::error(&file, format!("… and {more} more {what} in this note"));
                d.severity = severity;
                d.help = Some("fix the ones above and build again to see the rest".into());
                out.push(d);
            }
        }
        i = end;
    }
    *diags = out;
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

    /// Issue 24 (9): a long line is shown as a window around the column, the caret in place;
    /// a big file is indexed once, with the same answers as a scan.
    #[test]
    fn long_lines_are_windowed_and_big_files_indexed() {
        let line = format!("{}[[Cachng]]{}", "é".repeat(40_000), " tail".repeat(2000));
        let src = format!("---\ntitle: x\n---\n{line}\nlast\n");
        let off = src.find("[[").unwrap();
        let d = Diagnostic::error("a.md", "no note").at(&src, off);
        assert_eq!((d.line, d.col), (4, 40_001));
        let shown = d.source_line.as_deref().unwrap();
        assert!(
            shown.chars().count() <= WINDOW + 2 && shown.starts_with('…') && shown.ends_with('…')
        );
        assert_eq!(shown.chars().nth(d.caret as usize - 1), Some('['));
        let text = d.render(false);
        let caret_line = text.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
        let src_line = text.lines().find(|l| l.contains("[[Cachng]]")).unwrap();
        assert_eq!(
            caret_line.chars().count(),
            src_line
                .find("[[")
                .map(|b| src_line[..b].chars().count() + 1)
                .unwrap()
        );
        // Indexed and scanned positions agree everywhere.
        for probe in [0, 3, off, off + 11, src.len() - 3, src.len()] {
            let probe = (0..=probe)
                .rev()
                .find(|&p| src.is_char_boundary(p))
                .unwrap();
            let fast = locate(&src, probe);
            let head = &src[..probe];
            let line = head.matches('\n').count() + 1;
            let col = head[head.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            assert_eq!((fast.line, fast.col), (line, col), "at {probe}");
        }
    }

    #[test]
    fn at_most_fifty_diagnostics_per_file() {
        let mut diags: Vec<Diagnostic> = (0..120)
            .map(|i| Diagnostic::error("a.md", format!("e{i}")).at("x\n", 0))
            .chain((0..3).map(|i| Diagnostic::warning("a.md", format!("w{i}"))))
            .chain([Diagnostic::error("b.md", "one")])
            .collect();
        sort_and_cap(&mut diags);
        assert_eq!(diags.len(), 50 + 1 + 3 + 1);
        assert!(
            diags
                .iter()
                .any(|d| d.message == "… and 70 more errors in this note")
        );
    }

    #[test]
    fn suggest_finds_close_names() {
        let names = ["Caching", "CAP theorem", "CDN"];
        assert_eq!(suggest("Cachng", names), Some("Caching".into()));
        assert_eq!(suggest("cap theorm", names), Some("CAP theorem".into()));
        assert_eq!(suggest("zzzzzz", names), None);
    }
}
