//! Obsidian highlights: `==marked text==` becomes `<mark>marked text</mark>`.
//!
//! A pass over the parsed events (before the walk): a `==` that can open (not followed by a
//! blank) pairs with the next `==` that can close (not preceded by a blank) in the same inline
//! container, so `==a *b* c==` marks the whole run but `==a *b== c*` marks nothing. Code spans
//! and math are separate events and never marked.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::Raw;

/// A `==` in the text of event `ev`, at byte `at`.
#[derive(Debug, Clone, Copy)]
struct Delim {
    ev: usize,
    at: usize,
}

/// Turns paired `==` into `<mark>` and `</mark>` events.
pub(super) fn marks(raw: Vec<Raw<'_>>) -> Vec<Raw<'_>> {
    if !raw
        .iter()
        .any(|(e, _)| matches!(e, Event::Text(t) if t.contains("==")))
    {
        return raw;
    }
    let pairs = pairs(&raw);
    if pairs.is_empty() {
        return raw;
    }
    // Cut points per event: (byte, is opening).
    let mut cuts: Vec<Vec<(usize, bool)>> = vec![Vec::new(); raw.len()];
    for (open, close) in pairs {
        cuts[open.ev].push((open.at, true));
        cuts[close.ev].push((close.at, false));
    }
    let mut out = Vec::with_capacity(raw.len() + 4);
    for ((ev, range), mut cut) in raw.into_iter().zip(cuts) {
        let Event::Text(text) = &ev else {
            out.push((ev, range));
            continue;
        };
        if cut.is_empty() {
            out.push((ev, range));
            continue;
        }
        cut.sort_unstable();
        let exact = range.len() == text.len();
        let sub = |a: usize, b: usize| -> Range<usize> {
            if exact {
                range.start + a..range.start + b
            } else {
                range.clone()
            }
        };
        let mut pos = 0;
        for (at, opening) in cut {
            if at > pos {
                out.push((
                    Event::Text(CowStr::from(text[pos..at].to_string())),
                    sub(pos, at),
                ));
            }
            let tag = if opening { "<mark>" } else { "</mark>" };
            out.push((Event::InlineHtml(CowStr::Borrowed(tag)), sub(at, at + 2)));
            pos = at + 2;
        }
        if pos < text.len() {
            out.push((
                Event::Text(CowStr::from(text[pos..].to_string())),
                sub(pos, text.len()),
            ));
        }
    }
    out
}

/// The `==` pairs, each within one inline container.
fn pairs(raw: &[Raw<'_>]) -> Vec<(Delim, Delim)> {
    let mut out = Vec::new();
    // Open delimiters of each open container.
    let mut stack: Vec<Vec<Delim>> = vec![Vec::new()];
    for (k, (ev, _)) in raw.iter().enumerate() {
        match ev {
            Event::Start(_) => stack.push(Vec::new()),
            Event::End(_) => {
                stack.pop();
                if stack.is_empty() {
                    stack.push(Vec::new());
                }
            }
            Event::Text(t) => {
                let Some(open) = stack.last_mut() else {
                    continue;
                };
                for at in delimiters(t) {
                    let b = t.as_bytes();
                    let after_blank = b.get(at + 2).is_none_or(|c| c.is_ascii_whitespace());
                    let before_blank = at == 0 || b[at - 1].is_ascii_whitespace();
                    // The start of a text event follows other inline content: it can close.
                    let can_close = !(before_blank && at != 0);
                    if can_close && let Some(o) = open.pop() {
                        out.push((o, Delim { ev: k, at }));
                    } else if !after_blank {
                        open.push(Delim { ev: k, at });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Positions of `==` runs of exactly two (`===` is not a delimiter).
fn delimiters(t: &str) -> Vec<usize> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let n = b[i..].iter().take_while(|&&c| c == b'=').count();
            if n == 2 {
                out.push(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{options, parse_snippet};
    use crate::render::html::standalone_html;

    fn html(src: &str) -> String {
        let _ = options();
        standalone_html(&parse_snippet(src).0)
    }

    #[test]
    fn marks_pair_within_a_container() {
        assert_eq!(html("a ==b c== d\n"), "<p>a <mark>b c</mark> d</p>\n");
        assert_eq!(
            html("==a *b* c==\n"),
            "<p><mark>a <em>b</em> c</mark></p>\n"
        );
        assert_eq!(html("==a *b== c*\n"), "<p>==a <em>b== c</em></p>\n");
        assert_eq!(html("x == y and a === b\n"), "<p>x == y and a === b</p>\n");
        assert_eq!(
            html("`==a==` ==b==\n"),
            "<p><code>==a==</code> <mark>b</mark></p>\n"
        );
    }
}
