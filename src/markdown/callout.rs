//! Block quotes, and the GitHub alerts / Obsidian callouts among them: a quote whose first line
//! is `[!type]` (optionally `+`/`-` for foldable, and a title) becomes a titled box.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::walk::{Kind, Pass, Quote};
use super::{Raw, escape_attr, find_end};

impl Pass<'_> {
    /// A block quote: a callout when its first line is `[!type]`.
    pub(super) fn blockquote(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        let marker = match (raw.get(i + 1), raw.get(i + 2)) {
            (Some((Event::Start(Tag::Paragraph), _)), Some((Event::Text(t), _))) => {
                parse_callout_marker(t)
            }
            _ => None,
        };
        self.open_frame(Kind::Quote, raw[i].1.clone());
        let Some((kind, fold, consumed)) = marker else {
            self.quotes.push(Quote::Plain);
            self.push(raw[i].0.clone());
            return i + 1;
        };
        let foldable = fold.is_some();
        self.quotes.push(Quote::Callout { foldable });
        let kind_attr = escape_attr(&kind.to_lowercase());
        if foldable {
            let open = if fold == Some('+') { " open" } else { "" };
            self.html(format!(
                "<details class=\"callout\" data-callout=\"{kind_attr}\"{open}><summary class=\"callout-title\">"
            ));
        } else {
            self.html(format!(
                "<div class=\"callout\" data-callout=\"{kind_attr}\"><p class=\"callout-title\">"
            ));
        }
        let (title_events, leftover, j) = split_title(raw, i, consumed);
        self.callout_title(&kind, &title_events);
        if foldable {
            self.html("</summary><div class=\"callout-body\">".into());
        } else {
            self.html("</p><div class=\"callout-body\">".into());
        }
        // The rest of the first paragraph (if any) becomes the body's first paragraph.
        let para_end = find_end(raw, i + 1);
        if !leftover.is_empty() || j < para_end {
            let span = raw[i + 1].1.clone();
            self.open_frame(Kind::Paragraph, span);
            self.open_block();
            self.push(Event::Start(Tag::Paragraph));
            self.walk(&leftover, 0, leftover.len());
            self.walk(raw, j, para_end);
            self.push(Event::End(TagEnd::Paragraph));
            self.close_block();
            self.close_frame();
        }
        para_end + 1
    }

    /// The end of a block quote: closes the markup its start opened.
    pub(super) fn end_blockquote(&mut self, ev: &Event<'_>) {
        match self.quotes.pop() {
            Some(Quote::Callout { foldable: true }) => self.html("</div></details>\n".into()),
            Some(Quote::Callout { foldable: false }) => self.html("</div></div>\n".into()),
            _ => self.push(ev.clone()),
        }
        self.close_frame();
    }

    /// The title: the rest of the marker's line, else the type's name.
    fn callout_title(&mut self, kind: &str, title_events: &[Raw<'_>]) {
        if title_events.is_empty() {
            let mut name = kind.to_lowercase();
            if let Some(f) = name.get(0..1) {
                name = f.to_uppercase() + &name[1..];
            }
            self.push(Event::Text(CowStr::from(name)));
        } else {
            self.walk(title_events, 0, title_events.len());
        }
    }
}

/// Splits a callout's first paragraph (its `Start(Paragraph)` at `i + 1`, the marker text at
/// `i + 2`) into the title's events, the body text left on the marker's event, and the index of
/// the first event of the body.
fn split_title<'a>(
    raw: &[Raw<'a>],
    i: usize,
    consumed: usize,
) -> (Vec<Raw<'a>>, Vec<Raw<'a>>, usize) {
    let (first, first_range): (&str, &Range<usize>) = match &raw[i + 2] {
        (Event::Text(t), r) => (t, r),
        _ => ("", &raw[i + 2].1),
    };
    let after_marker = &first[consumed.min(first.len())..];
    let (title_line, body_rest) = match after_marker.find('\n') {
        Some(n) => (&after_marker[..n], Some(&after_marker[n + 1..])),
        None => (after_marker, None),
    };
    let mut j = i + 3;
    let mut title_events: Vec<Raw<'a>> = Vec::new();
    if !title_line.trim().is_empty() {
        title_events.push((
            Event::Text(CowStr::from(title_line.trim_start().to_string())),
            first_range.clone(),
        ));
    }
    // Inline events after the marker text, up to the end of the first line, belong to the title.
    let mut leftover: Vec<Raw<'a>> = Vec::new();
    if let Some(rest) = body_rest {
        if !rest.is_empty() {
            leftover.push((
                Event::Text(CowStr::from(rest.to_string())),
                first_range.clone(),
            ));
        }
    } else {
        while j < raw.len() {
            match &raw[j].0 {
                Event::SoftBreak | Event::HardBreak => {
                    j += 1;
                    break;
                }
                Event::End(TagEnd::Paragraph) => break,
                _ => {
                    let end = if matches!(raw[j].0, Event::Start(_)) {
                        find_end(raw, j)
                    } else {
                        j
                    };
                    title_events.extend(raw[j..=end].iter().cloned());
                    j = end + 1;
                }
            }
        }
    }
    (title_events, leftover, j)
}

/// `[!type]`, `[!type]+`, `[!type]-` at the start of a callout's first line:
/// (type, fold sign, bytes consumed by the marker and the blanks after it).
fn parse_callout_marker(text: &str) -> Option<(String, Option<char>, usize)> {
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let kind = &rest[..close];
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let mut consumed = 2 + close + 1;
    let after = &text[consumed..];
    let fold = match after.chars().next() {
        Some(c @ ('+' | '-')) => {
            consumed += 1;
            Some(c)
        }
        _ => None,
    };
    let ws = text[consumed..].len() - text[consumed..].trim_start_matches([' ', '\t']).len();
    consumed += ws;
    Some((kind.to_string(), fold, consumed))
}
