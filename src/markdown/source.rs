//! Rewrites of the note's text before pulldown-cmark reads it, with a map back to the original
//! offsets (every diagnostic and link span points into the note as written):
//!
//! - Obsidian comments `%%…%%` (inline, or a block over several lines) are removed;
//! - in a table row, a `|` inside `[[…]]` is the wikilink's label separator (as Obsidian reads
//!   it), so it is escaped to `\|` before the table splits the row into cells.
//!
//! Fenced code and inline code spans are left alone: `%%` is a Mermaid comment, and code shows
//! what was typed.

use std::borrow::Cow;

/// The text to parse and, when it differs from the note, how its offsets map back.
pub struct Source<'a> {
    /// The text to parse (borrowed when it is the note's own).
    pub text: Cow<'a, str>,
    /// Runs of copied text: (start in `text`, start in the note), in order. Inserted characters
    /// map to the note offset of the character after them; removed text has no run.
    runs: Vec<(usize, usize)>,
}

impl Source<'_> {
    /// The note offset of byte `pos` of `text`.
    pub fn original(&self, pos: usize) -> usize {
        if self.runs.is_empty() {
            return pos;
        }
        let i = self.runs.partition_point(|&(new, _)| new <= pos);
        match i.checked_sub(1).map(|k| self.runs[k]) {
            Some((new, orig)) => orig + (pos - new),
            None => pos,
        }
    }

    /// True when the text is the note's own (no rewrite happened).
    pub fn is_verbatim(&self) -> bool {
        matches!(self.text, Cow::Borrowed(_))
    }
}

/// Builds the rewritten text run by run.
struct Writer {
    out: String,
    runs: Vec<(usize, usize)>,
}

impl Writer {
    /// Copies `body[from..to]`.
    fn copy(&mut self, body: &str, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let contiguous = self
            .runs
            .last()
            .is_some_and(|&(new, orig)| orig + (self.out.len() - new) == from);
        if !contiguous {
            self.runs.push((self.out.len(), from));
        }
        self.out.push_str(&body[from..to]);
    }

    /// Inserts `s`, which stands at note offset `at`.
    fn insert(&mut self, s: &str, at: usize) {
        self.runs.push((self.out.len(), at));
        self.out.push_str(s);
        // The text after the insertion starts a new run at `at`.
        self.runs.push((self.out.len(), at));
    }
}

/// A change to the note's text: remove `range`, or insert `text` before `range.start`.
#[derive(Debug, PartialEq)]
enum Edit {
    Remove(std::ops::Range<usize>),
    Insert(usize, &'static str),
}

/// The text pulldown-cmark should read for `body`.
pub fn prepare(body: &str) -> Source<'_> {
    // The common case costs one scan for `%%` and `[[`.
    let wiki_pipes = body.contains("[[") && body.contains('|');
    if !body.contains("%%") && !wiki_pipes {
        return Source {
            text: Cow::Borrowed(body),
            runs: Vec::new(),
        };
    }
    let edits = edits(body);
    if edits.is_empty() {
        return Source {
            text: Cow::Borrowed(body),
            runs: Vec::new(),
        };
    }
    let mut w = Writer {
        out: String::with_capacity(body.len() + 16),
        runs: Vec::new(),
    };
    let mut pos = 0;
    for e in edits {
        match e {
            Edit::Remove(r) => {
                w.copy(body, pos, r.start);
                pos = r.end;
            }
            Edit::Insert(at, s) => {
                w.copy(body, pos, at);
                w.insert(s, at);
                pos = at;
            }
        }
    }
    w.copy(body, pos, body.len());
    Source {
        text: Cow::Owned(w.out),
        runs: w.runs,
    }
}

/// A line of the note: where it ends (before the line break) and where its content starts
/// after block-quote markers and indentation.
struct Line {
    end: usize,
    content: usize,
}

fn lines(body: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for l in body.split_inclusive('\n') {
        let end = start + l.trim_end_matches(['\n', '\r']).len();
        let bytes = body.as_bytes();
        let mut content = start;
        while content < end && matches!(bytes[content], b' ' | b'\t' | b'>') {
            content += 1;
        }
        out.push(Line { end, content });
        start += l.len();
    }
    out
}

/// The fence a line opens or closes (its character and length), if any.
fn fence_marker(line: &str) -> Option<(u8, usize)> {
    let b = line.as_bytes();
    let c = *b.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = b.iter().take_while(|&&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// Every edit, in order of position.
fn edits(body: &str) -> Vec<Edit> {
    let lines = lines(body);
    let table = table_lines(body, &lines);
    let mut edits = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    // An open comment: where its `%%` starts.
    let mut comment: Option<usize> = None;
    // The end of a code span that goes on over a line break: scanning resumes there.
    let mut resume = 0;
    for (k, line) in lines.iter().enumerate() {
        if line.end < resume {
            continue;
        }
        let text = &body[line.content..line.end];
        if comment.is_none() && resume <= line.content {
            if let Some((c, n)) = fence {
                if fence_marker(text).is_some_and(|(c2, n2)| c2 == c && n2 >= n)
                    && text.trim_start_matches(c as char).trim().is_empty()
                {
                    fence = None;
                }
                continue;
            }
            if let Some(m) = fence_marker(text) {
                fence = Some(m);
                continue;
            }
        }
        scan_line(body, line, table[k], &mut comment, &mut edits, &mut resume);
    }
    edits
}

/// Finds comments and table wikilink pipes on one line (outside code spans). A code span that
/// goes on past the line sets `resume` to its end and ends the line's scan.
fn scan_line(
    body: &str,
    line: &Line,
    in_table: bool,
    comment: &mut Option<usize>,
    edits: &mut Vec<Edit>,
    resume: &mut usize,
) {
    let b = body.as_bytes();
    let mut i = line.content.max(*resume);
    // Inside `[[…]]` on a table row.
    let mut in_wiki = false;
    while i < line.end {
        if let Some(open) = *comment {
            match body[i..line.end].find("%%") {
                Some(n) => {
                    let mut end = i + n + 2;
                    // A comment that starts its line takes the blanks after it, so the text
                    // that follows does not become an indented code block.
                    let before = &body[line_start_of(body, open)..open];
                    let starts_line = before.trim_start_matches([' ', '\t', '>']).is_empty();
                    if starts_line {
                        while end < line.end && matches!(b[end], b' ' | b'\t') {
                            end += 1;
                        }
                    } else if before.ends_with(' ') && b.get(end) == Some(&b' ') {
                        // `a %%c%% b` reads `a b`.
                        end += 1;
                    }
                    edits.push(Edit::Remove(open..end));
                    *comment = None;
                    i = end;
                    continue;
                }
                None => return,
            }
        }
        match b[i] {
            b'`' => {
                // Skip a code span: a run of backticks up to the same run.
                let n = b[i..line.end].iter().take_while(|&&c| c == b'`').count();
                let ticks = &body[i..i + n];
                match body[i + n..line.end].find(ticks) {
                    Some(close) => i += n + close + n,
                    None => match span_end_on_later_line(body, line.end, ticks) {
                        Some(end) => {
                            *resume = end;
                            return;
                        }
                        None => i += n,
                    },
                }
            }
            b'\\' => i += 2,
            b'%' if b.get(i + 1) == Some(&b'%') => {
                if has_closing_comment(body, i + 2) {
                    *comment = Some(i);
                    i += 2;
                    continue;
                }
                i += 2;
            }
            b'[' if in_table && b.get(i + 1) == Some(&b'[') => {
                in_wiki = true;
                i += 2;
            }
            b']' if in_wiki && b.get(i + 1) == Some(&b']') => {
                in_wiki = false;
                i += 2;
            }
            b'|' if in_wiki => {
                edits.push(Edit::Insert(i, "\\"));
                i += 1;
            }
            _ => i += 1,
        }
    }
    // A comment still open at the end of the line goes on (a block comment).
}

/// Where a code span opened by `ticks` on a line ending at `from` closes on a later line of
/// the same paragraph (CommonMark lets a span go over line breaks), if it does: the offset just
/// after the closing run. A blank line, a fence or a heading ends the paragraph.
fn span_end_on_later_line(body: &str, from: usize, ticks: &str) -> Option<usize> {
    let mut start = from + body[from..].find('\n')? + 1;
    for l in body[start..].split_inclusive('\n') {
        let text = l.trim_start_matches([' ', '\t', '>']).trim_end();
        let hashes = text.bytes().take_while(|&c| c == b'#').count();
        let heading =
            (1..=6).contains(&hashes) && text[hashes..].chars().next().is_none_or(|c| c == ' ');
        if text.is_empty() || heading || fence_marker(text).is_some() {
            return None;
        }
        if let Some(close) = l.find(ticks) {
            return Some(start + close + ticks.len());
        }
        start += l.len();
    }
    None
}

fn line_start_of(body: &str, pos: usize) -> usize {
    body[..pos].rfind('\n').map_or(0, |n| n + 1)
}

/// True when a `%%` opened before `from` is closed somewhere after it: an unclosed `%%` is
/// text, not a comment that would hide the rest of the note.
fn has_closing_comment(body: &str, from: usize) -> bool {
    body[from..].contains("%%")
}

/// Marks the lines that belong to a table: a header row, its delimiter row (`|---|:--:|`) and
/// the rows up to the next blank line.
fn table_lines(body: &str, lines: &[Line]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut k = 1;
    while k < lines.len() {
        let text = &body[lines[k].content..lines[k].end];
        let head = &body[lines[k - 1].content..lines[k - 1].end];
        if is_delimiter_row(text) && head.contains('|') {
            out[k - 1] = true;
            out[k] = true;
            k += 1;
            while k < lines.len() && !body[lines[k].content..lines[k].end].trim().is_empty() {
                out[k] = true;
                k += 1;
            }
        }
        k += 1;
    }
    out
}

/// `| --- | :-: |`, `---|---`: a GFM table's delimiter row.
fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    if !t.contains('-') || !(t.contains('|')) {
        return false;
    }
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').all(|cell| {
        let c = cell.trim();
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        !c.is_empty() && c.bytes().all(|x| x == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(body: &str) -> String {
        prepare(body).text.into_owned()
    }

    #[test]
    fn untouched_text_is_borrowed() {
        let s = prepare("plain [[a|b]] text\n");
        assert!(s.is_verbatim());
        assert_eq!(s.original(5), 5);
    }

    #[test]
    fn inline_and_block_comments_are_removed() {
        assert_eq!(text("a %%hidden%% b\n"), "a b\n");
        assert_eq!(text("a\n\n%%\nhidden\n\nmore\n%%\n\nb\n"), "a\n\n\n\nb\n");
        assert_eq!(text("%%note%% text\n"), "text\n");
        // Unclosed: text.
        assert_eq!(text("100%% sure\n"), "100%% sure\n");
    }

    #[test]
    fn code_keeps_its_percent_signs() {
        let src = "```mermaid\n%% title: x\n```\n\n`%%a%%` and %%b%%\n";
        assert_eq!(text(src), "```mermaid\n%% title: x\n```\n\n`%%a%%` and \n");
    }

    /// A code span may go over a line break inside its paragraph (CommonMark): a `%%` in it is
    /// code, and must not open a comment that swallows the notes' text up to the next `%%`.
    #[test]
    fn a_code_span_over_two_lines_keeps_its_percent_signs() {
        let src = "Formats `%Y %m\n%d %%` and `%%{init}%%`.\n\n## Heading\n\na %%c%% b\n";
        assert_eq!(
            text(src),
            "Formats `%Y %m\n%d %%` and `%%{init}%%`.\n\n## Heading\n\na b\n"
        );
        // In a quote, and with a longer backtick run.
        let src = "> x ``a `b\n> %% c`` y %%gone%%\n";
        assert_eq!(text(src), "> x ``a `b\n> %% c`` y \n");
        // A backtick run with no closing run in its paragraph is text: `%%` after it is scanned.
        assert_eq!(text("a ` b %%c%% d\n\n`e\n"), "a ` b d\n\n`e\n");
    }

    #[test]
    fn table_wikilink_pipes_are_escaped_and_offsets_map_back() {
        let src = "| a | b |\n|---|---|\n| x [[Note|label]] y | z |\n\n[[Note|label]]\n";
        let s = prepare(src);
        assert_eq!(
            s.text,
            "| a | b |\n|---|---|\n| x [[Note\\|label]] y | z |\n\n[[Note|label]]\n"
        );
        let bar = src.find("|label").unwrap();
        // The inserted backslash and the pipe both map to the pipe.
        assert_eq!(s.original(bar), bar);
        assert_eq!(s.original(bar + 1), bar);
        assert_eq!(s.original(bar + 2), bar + 1);
        let last = s.text.rfind("[[Note").unwrap();
        assert_eq!(s.original(last), src.rfind("[[Note").unwrap());
        // Already escaped pipes stay as they are.
        assert!(prepare("| a |\n|---|\n| [[N\\|l]] |\n").is_verbatim());
    }

    #[test]
    fn removed_comments_shift_offsets_back() {
        let src = "a %%c%% b [[X]]\n";
        let s = prepare(src);
        let at = s.text.find("[[X").unwrap();
        assert_eq!(s.original(at), src.find("[[X").unwrap());
    }
}
