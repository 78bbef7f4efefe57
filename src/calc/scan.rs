//! Just enough of a numbat lexer to cut a block into statements, find comments, names and the
//! hash-function calls corem handles itself, and to map every position back to the note body.
//!
//! numbat's own parser is private, and `Context::interpret` only returns the last value of its
//! input; corem therefore splits a block itself and hands numbat one statement at a time.

use std::ops::Range;

/// Deepest bracket nesting accepted in one statement. numbat's parser and type checker recurse on
/// nesting; bounding it keeps a pathological statement from overflowing the worker's stack.
pub const MAX_NESTING: usize = 64;
/// Longest statement accepted, in bytes (for the same reason).
pub const MAX_STATEMENT_LEN: usize = 8 * 1024;

/// What a token of a numbat statement is (enough to find names, strings, comments and brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A name (letters, digits, `_`; not starting with a digit).
    Ident,
    /// A string literal, quotes included.
    Str,
    /// `# …` to the end of the line, `#` included.
    Comment,
    /// `(`, `[` or `{`.
    Open(char),
    /// `)`, `]` or `}`.
    Close(char),
    /// `;`.
    Semi,
    /// `,`.
    Comma,
    /// A line end.
    Newline,
    /// Numbers, operators, anything else.
    Other,
}

/// A token and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// What it is.
    pub kind: Kind,
    /// Its byte range in the text.
    pub range: Range<usize>,
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Tokens of `s`. Identifiers inside string interpolations (`"{x}"`) are reported as `Ident`
/// tokens too (they are uses of names), nested between the string's pieces.
pub fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    lex_code(s, 0, s.len(), &mut out, false);
    out
}

/// Lexes `s[start..end]` as code; returns where it stopped. In an interpolation (`interp`) it
/// stops before the `}` that closes it.
fn lex_code(s: &str, start: usize, end: usize, out: &mut Vec<Tok>, interp: bool) -> usize {
    let b = s.as_bytes();
    let mut i = start;
    let mut depth = 0usize;
    while i < end {
        let Some(c) = s[i..end].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        let push = |out: &mut Vec<Tok>, kind, r: Range<usize>| out.push(Tok { kind, range: r });
        match c {
            '#' => {
                let stop = s[i..end].find('\n').map_or(end, |n| i + n);
                push(out, Kind::Comment, i..stop);
                i = stop;
            }
            '"' => {
                i = lex_string(s, i, end, out);
            }
            '\n' => {
                push(out, Kind::Newline, i..i + 1);
                i += 1;
            }
            '(' | '[' | '{' => {
                depth += 1;
                push(out, Kind::Open(c), i..i + 1);
                i += 1;
            }
            ')' | ']' | '}' => {
                if interp && c == '}' && depth == 0 {
                    return i;
                }
                depth = depth.saturating_sub(1);
                push(out, Kind::Close(c), i..i + 1);
                i += 1;
            }
            ';' => {
                push(out, Kind::Semi, i..i + 1);
                i += 1;
            }
            ',' => {
                push(out, Kind::Comma, i..i + 1);
                i += 1;
            }
            c if c.is_ascii_digit() => {
                // A number, with its exponent, digit separators, hex/binary prefix: one token,
                // so that the `e` of `1e5` is not taken for a name.
                let mut j = i;
                while j < end && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'.') {
                    j += 1;
                }
                push(out, Kind::Other, i..j);
                i = j;
            }
            c if ident_start(c) => {
                let mut j = i + len;
                while let Some(d) = s[j..end].chars().next() {
                    if !ident_continue(d) {
                        break;
                    }
                    j += d.len_utf8();
                }
                push(out, Kind::Ident, i..j);
                i = j;
            }
            c if c.is_whitespace() => i += len,
            _ => {
                push(out, Kind::Other, i..i + len);
                i += len;
            }
        }
    }
    end
}

/// Lexes a string literal starting at the `"` at `start`; returns the position after it.
fn lex_string(s: &str, start: usize, end: usize, out: &mut Vec<Tok>) -> usize {
    let b = s.as_bytes();
    let at = out.len();
    out.push(Tok {
        kind: Kind::Str,
        range: start..end,
    });
    let mut i = start + 1;
    while i < end {
        match b[i] {
            b'\\' => i += 2,
            b'"' => {
                out[at].range.end = i + 1;
                return i + 1;
            }
            b'{' if b.get(i + 1) == Some(&b'{') => i += 2,
            b'{' => {
                let stop = lex_code(s, i + 1, end, out, true);
                i = stop + 1;
            }
            b'\n' => break,
            _ => i += 1,
        }
    }
    // Unterminated: numbat reports it.
    let stop = i.min(end);
    out[at].range.end = stop;
    stop
}

/// Maps positions of a text handed to numbat back to byte offsets of the note body.
///
/// A list of anchors `(text position, body offset, exact)`: a position maps through the last
/// anchor at or before it; `exact` anchors advance with the text, the others (text corem wrote,
/// such as a computed digest) map every position to the anchor's own offset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PosMap {
    anchors: Vec<(usize, usize, bool)>,
}

impl PosMap {
    /// A map for text copied as it is from the body, starting at `body_offset`.
    pub fn exact(body_offset: usize) -> Self {
        PosMap {
            anchors: vec![(0, body_offset, true)],
        }
    }

    /// From text position `text_pos` on, positions map to `body_offset` (advancing with the
    /// text when `exact`).
    pub fn push(&mut self, text_pos: usize, body_offset: usize, exact: bool) {
        self.anchors.push((text_pos, body_offset, exact));
    }

    /// The body offset of a position of the text.
    pub fn body(&self, pos: usize) -> usize {
        let i = self.anchors.partition_point(|a| a.0 <= pos);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some((t, b, true)) => b + (pos - t),
            Some((_, b, false)) => b,
            None => self.anchors.first().map_or(0, |a| a.1),
        }
    }
}

/// A piece of source text and where it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Src {
    /// The text.
    pub text: String,
    /// Where each of its positions is in the note body.
    pub map: PosMap,
}

impl Src {
    /// Text copied from the note body at `body_offset`.
    pub fn new(text: &str, body_offset: usize) -> Self {
        Src {
            text: text.to_string(),
            map: PosMap::exact(body_offset),
        }
    }

    /// The body offset of position `pos` of the text.
    pub fn body(&self, pos: usize) -> usize {
        self.map.body(pos)
    }

    /// A part of this text, keeping its positions.
    pub fn slice(&self, r: Range<usize>) -> Src {
        let mut map = PosMap::default();
        self.copy_map(&mut map, r.clone(), 0);
        Src {
            text: self.text[r].to_string(),
            map,
        }
    }

    /// Anchors for `self.text[r]` copied to position `at` of another text.
    fn copy_map(&self, map: &mut PosMap, r: Range<usize>, at: usize) {
        let first = self.map.anchors.partition_point(|a| a.0 <= r.start);
        let exact = first
            .checked_sub(1)
            .is_none_or(|i| self.map.anchors[i].2 || self.map.anchors[i].0 == r.start);
        map.push(at, self.body(r.start), exact);
        for &(t, b, e) in &self.map.anchors[first..] {
            if t >= r.end {
                break;
            }
            map.push(at + (t - r.start), b, e);
        }
    }

    /// This text with `edits` (sorted, non-overlapping ranges) replaced by new text; a position
    /// in new text maps to the start of the range it replaced.
    pub fn replace(&self, edits: &[(Range<usize>, String)]) -> Src {
        let mut text = String::with_capacity(self.text.len());
        let mut map = PosMap::default();
        let mut last = 0;
        for (r, new) in edits {
            if r.start > last {
                self.copy_map(&mut map, last..r.start, text.len());
                text.push_str(&self.text[last..r.start]);
            }
            map.push(text.len(), self.body(r.start), false);
            text.push_str(new);
            last = r.end;
        }
        if last < self.text.len() {
            self.copy_map(&mut map, last..self.text.len(), text.len());
            text.push_str(&self.text[last..]);
        }
        Src { text, map }
    }
}

/// One line of a calc block as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A comment on a line of its own: a heading of the working.
    Comment(String),
    /// `# format: …` on a line of its own: formatting for the rest of the block.
    Format {
        /// The options after `format:`.
        spec: String,
        /// Byte offset of the options in the note body.
        offset: usize,
    },
    /// A statement.
    Stmt(Stmt),
}

/// One numbat statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What numbat evaluates (comments included; numbat ignores them).
    pub src: Src,
    /// The statement as shown: without its comments.
    pub display: String,
    /// Its trailing comments, without `#`.
    pub note: Option<String>,
    /// A trailing `# format: …`, and the body offset of its options.
    pub format: Option<(String, usize)>,
}

/// Cuts a block into comment lines, format lines and statements.
///
/// A statement ends at the end of its line unless a bracket is still open, the line ends with an
/// operator, a comma or `=`, the line is a decorator (`@aliases(…)`), or the next line is
/// indented (a `where` clause); `;` separates statements on one line. The lines gathered this
/// way go to numbat as one input, and numbat has the last word: where it does not continue a
/// statement (after a trailing operator, say) it reports a parse error, and where it reads two
/// statements the session reports that (see `Engine::run`), so a joined statement never
/// silently yields the value of only its last part.
pub fn split_block(lines: &[(&str, usize)]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (line, off) = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            let lead = line.len() - line.trim_start().len();
            match format_directive(comment) {
                Some(spec) => {
                    let spec_at = comment.len() - spec.len() + 1;
                    items.push(Item::Format {
                        spec: spec.to_string(),
                        offset: off + lead + spec_at,
                    });
                }
                None => items.push(Item::Comment(comment.trim().to_string())),
            }
            i += 1;
            continue;
        }
        // Gather the lines of one chunk.
        let mut chunk = Src {
            text: String::new(),
            map: PosMap::default(),
        };
        // Past MAX_STATEMENT_LEN the statement is refused whatever its end, and rescanning
        // it for every line would cost its length per line: from there on, each new line is
        // scanned alone into the bracket depth and last token carried along.
        let mut long: Option<Tail> = None;
        loop {
            let (line, off) = lines[i];
            if !chunk.text.is_empty() {
                chunk.text.push('\n');
            }
            chunk.map.push(chunk.text.len(), off, true);
            chunk.text.push_str(line);
            i += 1;
            if i >= lines.len() {
                break;
            }
            let next = lines[i].0;
            let more = match &mut long {
                Some(tail) => {
                    tail.add(line);
                    tail.continues(line, next)
                }
                None if chunk.text.len() > MAX_STATEMENT_LEN => {
                    let tail = long.insert(Tail::of(&chunk.text));
                    tail.continues(line, next)
                }
                None => continues(&chunk.text, line, next),
            };
            if !more {
                break;
            }
        }
        items.extend(split_statements(&chunk).into_iter().map(Item::Stmt));
    }
    items
}

/// Whether the statement gathered so far (ending with `line`) continues on `next`.
fn continues(so_far: &str, line: &str, next: &str) -> bool {
    Tail::of(so_far).continues(line, next)
}

/// What decides whether a statement goes on: its bracket depth and its last significant token.
struct Tail {
    depth: i64,
    /// Kind and text of the last token that is not a comment or a line break.
    last: Option<(Kind, String)>,
}

impl Tail {
    fn of(text: &str) -> Tail {
        let mut t = Tail {
            depth: 0,
            last: None,
        };
        t.add(text);
        t
    }

    /// Adds a line (or text) scanned on its own.
    fn add(&mut self, text: &str) {
        let toks = tokens(text);
        for t in &toks {
            match t.kind {
                Kind::Open(_) => self.depth += 1,
                Kind::Close(_) => self.depth -= 1,
                _ => {}
            }
        }
        if let Some(t) = toks
            .iter()
            .rev()
            .find(|t| !matches!(t.kind, Kind::Comment | Kind::Newline))
        {
            self.last = Some((t.kind, text[t.range.clone()].to_string()));
        }
    }

    fn continues(&self, line: &str, next: &str) -> bool {
        let depth = self.depth;
        if depth > 0 {
            return true;
        }
        if line.trim_start().starts_with('@') {
            return true;
        }
        let next_trim = next.trim();
        if !next_trim.is_empty()
            && !next_trim.starts_with('#')
            && next.starts_with([' ', '\t'])
            && !line.trim().is_empty()
        {
            return true;
        }
        // The last significant token of the line.
        match &self.last {
            Some((Kind::Comma, _)) => true,
            Some((Kind::Other, s)) => matches!(
                s.as_str(),
                "=" | "+" | "-" | "*" | "×" | "·" | "/" | "÷" | "^" | ">" | "→" | "|" | "&" | "⋅"
            ),
            _ => false,
        }
    }
}

/// Splits a chunk at top-level `;` and describes each statement.
pub fn split_statements(chunk: &Src) -> Vec<Stmt> {
    let toks = tokens(&chunk.text);
    let mut out = Vec::new();
    let mut depth = 0i64;
    let mut start = 0;
    let mut cuts = Vec::new();
    for t in &toks {
        match t.kind {
            Kind::Open(_) => depth += 1,
            Kind::Close(_) => depth -= 1,
            Kind::Semi if depth <= 0 => {
                cuts.push(start..t.range.start);
                start = t.range.end;
            }
            _ => {}
        }
    }
    cuts.push(start..chunk.text.len());
    for r in cuts {
        let r = trim_range(&chunk.text, r);
        if r.is_empty() {
            continue;
        }
        out.push(describe(chunk.slice(r)));
    }
    out
}

/// A statement from its source: the shown text, comments and format directive.
pub fn describe(src: Src) -> Stmt {
    let toks = tokens(&src.text);
    let mut display = String::new();
    let mut notes: Vec<String> = Vec::new();
    let mut format = None;
    let mut last = 0;
    for t in toks.iter().filter(|t| t.kind == Kind::Comment) {
        display.push_str(&src.text[last..t.range.start]);
        last = t.range.end;
        let body = &src.text[t.range.start + 1..t.range.end];
        match format_directive(body) {
            Some(spec) => {
                let at = t.range.end - spec.len();
                format = Some((spec.to_string(), src.body(at)));
            }
            None => notes.push(body.trim().to_string()),
        }
    }
    display.push_str(&src.text[last..]);
    let display = display
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    let display = trim_lines(&display);
    notes.retain(|n| !n.is_empty());
    Stmt {
        src,
        display,
        note: (!notes.is_empty()).then(|| notes.join(" ")),
        format,
    }
}

/// Trims blank lines around a multi-line text and the common indentation of a single line.
fn trim_lines(s: &str) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.as_slice() {
        [one] => one.trim().to_string(),
        _ => {
            let first = lines.first().map_or("", |l| l.trim_start());
            let mut out = first.to_string();
            for l in lines.iter().skip(1) {
                out.push('\n');
                out.push_str(l);
            }
            out
        }
    }
}

/// `format: sig=3` (after the `#`) → `Some("sig=3")`.
fn format_directive(comment: &str) -> Option<&str> {
    let c = comment.trim_start();
    let rest = c.strip_prefix("format:")?;
    Some(rest.trim_end().trim_start())
}

/// What a statement defines, if anything: `let x`, `fn f`, `unit u`, `dimension D`, `struct S`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// `let x = …`: a value.
    Let,
    /// `fn f(…)`: a function.
    Fn,
    /// `unit`, `dimension`, `struct`.
    Other,
}

/// The statement's leading keyword and the name it defines, after any decorators.
pub fn definition(text: &str) -> Option<(DefKind, Range<usize>)> {
    let toks = tokens(text);
    let mut it = toks
        .iter()
        .filter(|t| !matches!(t.kind, Kind::Comment | Kind::Newline))
        .peekable();
    // Skip decorators: `@name(…)` … before the definition.
    loop {
        let t = it.peek()?;
        if t.kind == Kind::Other && &text[t.range.clone()] == "@" {
            it.next();
            it.next(); // decorator name
            if it.peek().is_some_and(|t| t.kind == Kind::Open('(')) {
                let mut depth = 0;
                for t in it.by_ref() {
                    match t.kind {
                        Kind::Open(_) => depth += 1,
                        Kind::Close(_) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            continue;
        }
        break;
    }
    let kw = it.next()?;
    if kw.kind != Kind::Ident {
        return None;
    }
    let kind = match &text[kw.range.clone()] {
        "let" => DefKind::Let,
        "fn" => DefKind::Fn,
        "unit" | "dimension" | "struct" => DefKind::Other,
        _ => return None,
    };
    let name = it.next()?;
    (name.kind == Kind::Ident).then(|| (kind, name.range.clone()))
}

/// The first identifier of a statement (to recognise `assert_eq(…)`, `print(…)`).
pub fn head(text: &str) -> Option<&str> {
    tokens(text)
        .into_iter()
        .find(|t| !matches!(t.kind, Kind::Comment | Kind::Newline))
        .filter(|t| t.kind == Kind::Ident)
        .map(|t| &text[t.range])
}

/// Every name used in `text` (identifiers outside string literals and comments, plus those in
/// interpolations), with their ranges.
pub fn idents(text: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    tokens(text)
        .into_iter()
        .filter(|t| t.kind == Kind::Ident)
        .map(move |t| (&text[t.range.clone()], t.range))
}

/// Where the bracket nesting of `text` first goes deeper than `limit`, if it does.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for t in tokens(text) {
        match t.kind {
            Kind::Open(_) => {
                depth += 1;
                if depth > limit {
                    return Some(t.range.start);
                }
            }
            Kind::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A call `name(arg, …)` found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The function called.
    pub name: String,
    /// From the name to the closing parenthesis.
    pub range: Range<usize>,
    /// The arguments' ranges (trimmed).
    pub args: Vec<Range<usize>>,
}

/// Outermost calls of any of `names` in `text` (outside strings and comments). A call nested in
/// another one's arguments is found when the arguments are scanned in turn.
pub fn calls(text: &str, names: &[&str]) -> Vec<Call> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind == Kind::Ident
            && names.contains(&&text[t.range.clone()])
            && toks.get(i + 1).is_some_and(|n| n.kind == Kind::Open('('))
        {
            let mut depth = 0;
            let mut args = Vec::new();
            let mut arg_start = toks[i + 1].range.end;
            let mut j = i + 1;
            let mut end = None;
            while j < toks.len() {
                match toks[j].kind {
                    Kind::Open(_) => depth += 1,
                    Kind::Close(_) => {
                        depth -= 1;
                        if depth == 0 {
                            args.push(arg_start..toks[j].range.start);
                            end = Some(toks[j].range.end);
                            break;
                        }
                    }
                    Kind::Comma if depth == 1 => {
                        args.push(arg_start..toks[j].range.start);
                        arg_start = toks[j].range.end;
                    }
                    _ => {}
                }
                j += 1;
            }
            let Some(end) = end else {
                // Unclosed: numbat reports the parse error.
                i += 1;
                continue;
            };
            let args: Vec<Range<usize>> = args
                .into_iter()
                .map(|r| trim_range(text, r))
                .filter(|r| !r.is_empty())
                .collect();
            out.push(Call {
                name: text[t.range.clone()].to_string(),
                range: t.range.start..end,
                args,
            });
            i = j + 1;
            continue;
        }
        i += 1;
    }
    out
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

/// A string literal without escapes or interpolation, as its contents.
pub fn plain_string(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['\\', '{', '}', '"'])).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<(&str, usize)> {
        let mut off = 0;
        s.split('\n')
            .map(|l| {
                let r = (l, off);
                off += l.len() + 1;
                r
            })
            .collect()
    }

    fn stmts(s: &str) -> Vec<Stmt> {
        split_block(&lines(s))
            .into_iter()
            .filter_map(|i| match i {
                Item::Stmt(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn lexes_names_strings_comments_and_numbers() {
        let t = tokens("let x = 1e5 km # a \"note\"\nsha256(\"a{b}c\")");
        let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Ident,
                Kind::Ident,
                Kind::Other,
                Kind::Other,
                Kind::Ident,
                Kind::Comment,
                Kind::Newline,
                Kind::Ident,
                Kind::Open('('),
                Kind::Str,
                Kind::Ident,
                Kind::Close(')'),
            ]
        );
    }

    #[test]
    fn splits_lines_comments_formats_and_semicolons() {
        let items = split_block(&lines(
            "# Assumptions\nlet a = 1 km   # one\n\nlet b = 2; b -> m\n# format: sig=3\na",
        ));
        assert_eq!(items[0], Item::Comment("Assumptions".into()));
        let Item::Stmt(s) = &items[1] else { panic!() };
        assert_eq!(s.display, "let a = 1 km");
        assert_eq!(s.note.as_deref(), Some("one"));
        let Item::Stmt(s) = &items[2] else { panic!() };
        assert_eq!(s.display, "let b = 2");
        let Item::Stmt(s) = &items[3] else { panic!() };
        assert_eq!(s.display, "b -> m");
        assert_eq!(
            s.src.body(0),
            "# Assumptions\nlet a = 1 km   # one\n\nlet b = 2; ".len()
        );
        assert!(matches!(&items[4], Item::Format { spec, .. } if spec == "sig=3"));
        assert_eq!(items.len(), 6);
    }

    #[test]
    fn statements_continue_over_open_brackets_operators_and_indentation() {
        let s = stmts(
            "let a = (1 +\n  2)\nlet b = 3 +\n4\nfn f(x) = y\n  where y = x\n@aliases(foos)\nunit foo\nc",
        );
        let shown: Vec<&str> = s.iter().map(|s| s.display.as_str()).collect();
        assert_eq!(
            shown,
            vec![
                "let a = (1 +\n  2)",
                "let b = 3 +\n4",
                "fn f(x) = y\n  where y = x",
                "@aliases(foos)\nunit foo",
                "c"
            ]
        );
        // The second line of `b` maps to its own line of the body.
        let b = &s[1];
        let pos = b.src.text.find('4').unwrap();
        assert_eq!(b.src.body(pos), "let a = (1 +\n  2)\nlet b = 3 +\n".len());
    }

    #[test]
    fn a_statement_longer_than_the_limit_still_ends_where_it_ends() {
        // Past MAX_STATEMENT_LEN lines are scanned one at a time (rescanning the statement for
        // each line made 20,000 lines in one bracket take 19 s); the cut is the same.
        let long = format!(
            "let x = (\n{}  0)\nlet y = 2 +\n  3\ny",
            "  1 +\n".repeat(5000)
        );
        let s = stmts(&long);
        let shown: Vec<&str> = s.iter().map(|s| s.display.as_str()).collect();
        assert_eq!(shown.len(), 3, "{:?}", &shown[1..]);
        assert!(s[0].src.text.len() > MAX_STATEMENT_LEN);
        assert!(shown[0].ends_with("0)"));
        assert_eq!(&shown[1..], ["let y = 2 +\n  3", "y"]);
        // A trailing operator or comma past the limit continues the statement too.
        let long = format!("let z = [{}\n  1,\n  2]\nz", "0, ".repeat(3000));
        let s = stmts(&long);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].display, "z");
    }

    #[test]
    fn trailing_format_comment() {
        let s = stmts("x -> s  # format: sig=2, sep=none");
        assert_eq!(s[0].display, "x -> s");
        assert_eq!(s[0].note, None);
        let (spec, off) = s[0].format.clone().unwrap();
        assert_eq!(spec, "sig=2, sep=none");
        assert_eq!(off, "x -> s  # format: ".len());
    }

    #[test]
    fn definitions_and_heads() {
        assert_eq!(definition("let x = 1").map(|d| d.0), Some(DefKind::Let));
        let (_, r) = definition("let  speed: Velocity = 1 m/s").unwrap();
        assert_eq!(&"let  speed: Velocity = 1 m/s"[r], "speed");
        let text = "@aliases(foos)\nunit foo";
        let (k, r) = definition(text).unwrap();
        assert_eq!((k, &text[r]), (DefKind::Other, "foo"));
        assert_eq!(definition("fn f(x) = x").map(|d| d.0), Some(DefKind::Fn));
        assert_eq!(definition("x + 1"), None);
        assert_eq!(head("assert_eq(a, b)"), Some("assert_eq"));
    }

    #[test]
    fn finds_outermost_calls_and_their_arguments() {
        let text = "str_length(hmac_sha256(key, sha256(\"x, y\"))) + md5( m )";
        let c = calls(text, &["sha256", "md5", "hmac_sha256"]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "hmac_sha256");
        let args: Vec<&str> = c[0].args.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(args, vec!["key", "sha256(\"x, y\")"]);
        assert_eq!(&text[c[1].args[0].clone()], "m");
        // Inside strings and comments nothing is found.
        assert!(calls("\"sha256(x)\" # md5(y)", &["sha256", "md5"]).is_empty());
    }

    #[test]
    fn replacing_keeps_positions() {
        let src = Src::new("a + sha256(\"x\") + bad", 100);
        let start = src.text.find("sha256").unwrap();
        let end = src.text.find(") +").unwrap() + 1;
        let out = src.replace(&[(start..end, "\"digest\"".to_string())]);
        assert_eq!(out.text, "a + \"digest\" + bad");
        let bad = out.text.find("bad").unwrap();
        assert_eq!(out.body(bad), 100 + src.text.find("bad").unwrap());
        assert_eq!(out.body(out.text.find("digest").unwrap()), 100 + start);
        let sl = src.slice(4..15);
        assert_eq!(sl.text, "sha256(\"x\")");
        assert_eq!(sl.body(7), 100 + 11);
    }

    #[test]
    fn nesting_and_plain_strings() {
        assert_eq!(too_deep("((a) + [b])", 2), None);
        assert_eq!(too_deep("((a) + [b])", 1), Some(1));
        assert_eq!(plain_string("\"hello\""), Some("hello"));
        assert_eq!(plain_string("\"a{b}\""), None);
    }
}
