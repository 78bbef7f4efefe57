//! Shared pieces of the Mermaid parsers: statements with their byte offsets, a cursor, errors.

/// A syntax error at a byte offset of the diagram source.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Byte offset in the diagram source.
    pub pos: usize,
    /// What is wrong and, where possible, what was expected.
    pub message: String,
}

/// The result of a diagram parser.
pub type Result<T> = std::result::Result<T, SyntaxError>;

/// What a diagram yields besides its drawing: `click` links (targets as written, with their
/// positions) and warnings (things left out on purpose, such as scripts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// A title given in the diagram itself (`title …` in sequence diagrams, gantt, pie …).
    pub title: Option<String>,
    /// `click` link targets, as written.
    pub links: Vec<String>,
    /// Where each link target is in the source.
    pub link_pos: Vec<usize>,
    /// Things left out on purpose, at their source offsets.
    pub warnings: Vec<SyntaxError>,
}

impl Extras {
    /// Records a link; returns its index (for the placeholder in the SVG).
    pub fn link(&mut self, target: &str, pos: usize) -> usize {
        self.links.push(target.to_string());
        self.link_pos.push(pos);
        self.links.len() - 1
    }

    /// Records a warning at `pos`.
    pub fn warn(&mut self, pos: usize, message: impl Into<String>) {
        self.warnings.push(SyntaxError {
            pos,
            message: message.into(),
        });
    }
}

/// A syntax error at `pos`.
pub fn err<T>(pos: usize, message: impl Into<String>) -> Result<T> {
    Err(SyntaxError {
        pos,
        message: message.into(),
    })
}

/// A statement: one line (or one `;`-separated part of a line), trimmed, with the offset of
/// its first byte in the source. Comment lines (`%%`) and blank lines are skipped.
#[derive(Debug, Clone)]
pub struct Stmt<'a> {
    /// The statement's text, trimmed.
    pub text: &'a str,
    /// Byte offset of `text` in the diagram source.
    pub pos: usize,
}

impl<'a> Stmt<'a> {
    /// The statement's first word (up to the first white space), the rest of it trimmed, and
    /// the rest's offset in the source: `classDef a fill:red` → (`classDef`, `a fill:red`, …).
    pub fn split_word(&self) -> (&'a str, &'a str, usize) {
        let t = self.text;
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let rest = rest.trim();
        (word, rest, self.pos + t.len() - rest.len())
    }
}

/// Splits the source into statements; `split_semicolons` also splits at `;` outside quotes.
///
/// A statement is a line, except that a Markdown string (`"`…`"`) and a property block
/// (`@{ … }`) may run over several lines. `%%` comment lines and `%%{ … }%%` directives (which
/// may span lines too) are skipped.
pub fn statements<'a>(src: &'a str, split_semicolons: bool) -> Vec<Stmt<'a>> {
    let mut s = Splitter {
        src,
        split_semicolons,
        out: Vec::new(),
        start: 0,
        blank: true,
        quote: None,
        braces: 0,
    };
    let mut i = 0;
    while let Some(c) = src[i..].chars().next() {
        i = match s.comment(i) {
            Some(next) => next,
            None => s.step(i, c),
        };
    }
    s.push(src.len());
    s.out
}

/// [`statements`] as it scans the source.
struct Splitter<'a> {
    src: &'a str,
    split_semicolons: bool,
    out: Vec<Stmt<'a>>,
    /// Where the current statement starts.
    start: usize,
    /// Nothing but white space since `start`.
    blank: bool,
    /// Inside quotes: whether they hold a Markdown string (which may span lines).
    quote: Option<bool>,
    /// Open property blocks (`@{`).
    braces: usize,
}

impl<'a> Splitter<'a> {
    /// Adds the statement from `start` to `to`, trimmed, unless it is blank.
    fn push(&mut self, to: usize) {
        let raw = &self.src[self.start..to];
        let t = raw.trim_start();
        let lead = raw.len() - t.len();
        let t = t.trim_end();
        if !t.is_empty() {
            self.out.push(Stmt {
                text: t,
                pos: self.start + lead,
            });
        }
    }

    /// Ends the statement at the separator at `i` (line end or `;`); the next one starts
    /// after it. Returns where scanning resumes.
    fn end_at(&mut self, i: usize) -> usize {
        self.push(i);
        self.start = i + 1;
        self.blank = true;
        i + 1
    }

    /// A `%%` comment at `i` outside quotes and property blocks: at the start of a statement a
    /// comment line (or a `%%{ … }%%` directive) is skipped; after white space in a statement
    /// it ends the statement. Returns where scanning resumes; `None` when there is none.
    fn comment(&mut self, i: usize) -> Option<usize> {
        let rest = &self.src[i..];
        if self.quote.is_some() || self.braces > 0 || !rest.starts_with("%%") {
            return None;
        }
        let line_end = rest.find('\n').map_or(self.src.len(), |k| i + k);
        if self.blank {
            // A comment line, or a directive up to its closing `}%%`.
            let end = if rest.starts_with("%%{") {
                rest.find("}%%").map_or(self.src.len(), |k| i + k + 3)
            } else {
                line_end
            };
            self.start = end;
            return Some(end);
        }
        if self.src[..i].ends_with([' ', '\t']) {
            // A trailing comment: the statement ends here.
            self.push(i);
            self.start = line_end;
            self.blank = true;
            return Some(line_end);
        }
        None
    }

    /// Reads the character `c` at `i`: quotes and property blocks open and close; a line end
    /// (or a `;` when splitting at them) outside both ends the statement. Returns where
    /// scanning resumes.
    fn step(&mut self, mut i: usize, c: char) -> usize {
        let rest = &self.src[i..];
        match c {
            '"' => {
                self.quote = match self.quote {
                    Some(_) => None,
                    None => Some(rest[1..].starts_with('`')),
                }
            }
            '@' if self.quote.is_none() && rest[1..].starts_with('{') => {
                self.braces += 1;
                i += 1;
            }
            '}' if self.quote.is_none() && self.braces > 0 => self.braces -= 1,
            '\n' => {
                if self.quote == Some(false) {
                    self.quote = None;
                }
                if self.quote.is_none() && self.braces == 0 {
                    return self.end_at(i);
                }
            }
            ';' if self.split_semicolons && self.quote.is_none() && self.braces == 0 => {
                return self.end_at(i);
            }
            _ => {}
        }
        if !c.is_whitespace() {
            self.blank = false;
        }
        i + c.len_utf8()
    }
}

/// Skips an optional front matter block (`---` … `---`) and returns the offset after it and
/// its `title:` value.
pub fn front_matter(src: &str) -> (usize, Option<String>) {
    let trimmed = src.trim_start();
    let lead = src.len() - trimmed.len();
    let Some(rest) = trimmed.strip_prefix("---") else {
        return (0, None);
    };
    let Some(end) = rest.find("\n---") else {
        return (0, None);
    };
    let block = &rest[..end];
    let title = block.lines().find_map(|l| {
        l.trim()
            .strip_prefix("title:")
            .map(|t| t.trim().trim_matches('"').to_string())
    });
    let after = lead + 3 + end + 4;
    let after = src[after..].find('\n').map_or(src.len(), |n| after + n + 1);
    (after, title)
}

/// A cursor over one statement.
pub struct Cursor<'a> {
    /// The statement.
    pub s: &'a str,
    /// Byte offset of the cursor in `s`.
    pub i: usize,
    /// Offset of `s` in the diagram source.
    pub base: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `stmt`.
    pub fn new(stmt: &Stmt<'a>) -> Self {
        Cursor {
            s: stmt.text,
            i: 0,
            base: stmt.pos,
        }
    }

    /// The cursor's offset in the diagram source.
    pub fn pos(&self) -> usize {
        self.base + self.i
    }

    /// What is left of the statement.
    pub fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    /// Whether the whole statement has been read.
    pub fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    /// The next character, not consumed.
    pub fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips white space.
    pub fn ws(&mut self) {
        let r = self.rest();
        self.i += r.len() - r.trim_start().len();
    }

    /// Consumes `t` if the rest starts with it.
    pub fn eat(&mut self, t: &str) -> bool {
        if self.rest().starts_with(t) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    /// An identifier: letters, digits, `_`, and `-`/`.` inside it when not starting an arrow.
    pub fn ident(&mut self) -> Option<&'a str> {
        let r = self.rest();
        let mut end = 0;
        for (k, c) in r.char_indices() {
            if c.is_alphanumeric() || c == '_' {
                end = k + c.len_utf8();
            } else if (c == '-' || c == '.')
                && r[k + 1..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphanumeric() || n == '_')
                && end == k
                && !r[k..].starts_with("-.")
            {
                continue;
            } else {
                break;
            }
        }
        if end == 0 {
            return None;
        }
        let id = &r[..end];
        self.i += end;
        Some(id)
    }

    /// Describes what is at the cursor, for error messages.
    pub fn found(&self) -> String {
        let r = self.rest();
        if r.is_empty() {
            "the end of the line".into()
        } else {
            let t: String = r.chars().take(12).collect();
            format!("`{t}`")
        }
    }
}

/// Turns Mermaid label markup into plain text with `\n` line breaks: `<br>` and entity codes
/// (`#quot;`, `#35;`).
pub fn label_text(s: &str) -> String {
    let mut t = s.to_string();
    for br in ["<br/>", "<br />", "<br>", "<BR>", "<BR/>", "\\n"] {
        t = t.replace(br, "\n");
    }
    let mut out = String::with_capacity(t.len());
    let mut rest = t.as_str();
    while let Some(k) = rest.find('#') {
        out.push_str(&rest[..k]);
        let after = &rest[k + 1..];
        let end = after.find(';').filter(|&e| e > 0 && e <= 8);
        let decoded = end.and_then(|e| {
            let code = &after[..e];
            match code {
                "quot" => Some('"'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{a0}'),
                _ if named_entity(code).is_some() => named_entity(code),
                _ => code.parse::<u32>().ok().and_then(char::from_u32),
            }
            .map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('#');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A label without its Font Awesome icon codes (`fa:fa-camera`, `fab:fa-github`), which need
/// an icon font corem does not load; and whether there were any.
pub fn strip_icons(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    let mut found = false;
    for (k, word) in s.split(' ').enumerate() {
        let icon = word.split_once(":fa-").is_some_and(|(pre, name)| {
            matches!(pre, "fa" | "fas" | "far" | "fab" | "fal" | "fad" | "fak")
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if icon {
            found = true;
            continue;
        }
        if k > 0 && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (out, found)
}

/// Markdown links `[text](url)` in a label reduced to their text (a diagram's text cannot
/// hold a link of its own).
pub fn link_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else { break };
        let Some(end) = after[close + 2..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&after[..close]);
        rest = &after[close + 2 + end + 1..];
    }
    out.push_str(rest);
    out
}

/// HTML character names Mermaid diagrams use in `#name;` codes.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "apos" => '\'',
        "infin" => '∞',
        "hearts" => '♥',
        "spades" => '♠',
        "clubs" => '♣',
        "diams" => '♦',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "micro" => 'µ',
        "middot" => '·',
        "bull" => '•',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "harr" => '↔',
        "lArr" => '⇐',
        "rArr" => '⇒',
        "hArr" => '⇔',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "asymp" => '≈',
        "sum" => '∑',
        "minus" => '−',
        "radic" => '√',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "para" => '¶',
        "check" => '✓',
        "semi" => ';',
        "colon" => ':',
        "num" => '#',
        "lbrace" => '{',
        "rbrace" => '}',
        "lpar" => '(',
        "rpar" => ')',
        "lsqb" => '[',
        "rsqb" => ']',
        "vert" => '|',
        _ => return None,
    })
}

/// Strips one pair of surrounding double quotes.
pub fn unquote(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_have_offsets() {
        let src = "graph TD\n  A --> B; B --> C\n%% c\n";
        let s = statements(src, true);
        assert_eq!(s.len(), 3);
        assert_eq!(&src[s[1].pos..s[1].pos + 7], "A --> B");
        assert_eq!(&src[s[2].pos..s[2].pos + 7], "B --> C");
    }

    #[test]
    fn markdown_strings_and_property_blocks_span_lines() {
        let src = "flowchart LR\n  a(\"`The **cat**\n  in the hat`\") --> b\n  c@{ shape: doc,\n label: \"x\" }\n%%{\n init: {}\n}%%\n  d --> e; e --> f\n";
        let s = statements(src, true);
        let texts: Vec<&str> = s.iter().map(|x| x.text).collect();
        assert_eq!(
            texts,
            [
                "flowchart LR",
                "a(\"`The **cat**\n  in the hat`\") --> b",
                "c@{ shape: doc,\n label: \"x\" }",
                "d --> e",
                "e --> f"
            ]
        );
        let s = statements(
            "stateDiagram-v2\n Moving --> Still %% a comment\n A --> B\n",
            false,
        );
        assert_eq!(s[1].text, "Moving --> Still");
        assert_eq!(s[2].text, "A --> B");
        // A plain quote left open ends with its line.
        let s = statements("sequenceDiagram\n A->>B: say \"hi\n B->>A: ok\n", false);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn icons_and_links_in_labels() {
        assert_eq!(
            strip_icons("fa:fa-twitter for peace"),
            ("for peace".into(), true)
        );
        assert_eq!(
            strip_icons("A fa:fa-camera-retro perhaps?"),
            ("A perhaps?".into(), true)
        );
        assert_eq!(strip_icons("plain: text"), ("plain: text".into(), false));
        assert_eq!(
            link_text("see [the docs](https://x.y/z) and [b](c)"),
            "see the docs and b"
        );
        assert_eq!(link_text("a [b] (c)"), "a [b] (c)");
    }

    #[test]
    fn labels() {
        assert_eq!(label_text("a<br>b #quot;c#quot; #35;1"), "a\nb \"c\" #1");
        assert_eq!(label_text("C#"), "C#");
    }

    #[test]
    fn front_matter_title() {
        let (n, t) = front_matter("---\ntitle: Hi\n---\nflowchart LR\n");
        assert_eq!(t.as_deref(), Some("Hi"));
        assert_eq!(n, 18);
    }
}
