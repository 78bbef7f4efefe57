//! Small helpers to write SVG text deterministically.
//!
//! Ids inside a diagram are written as `ID` (the [`ID`] placeholder) followed by a suffix; the
//! placeholder is replaced by the diagram's page-unique prefix when the figure is emitted, so a
//! cached rendering can be reused under any prefix.

use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};

/// Placeholder for the per-diagram id prefix; cannot occur in escaped text.
pub const ID: &str = "\u{1}";
/// In a label: switches bold (Markdown `**…**`) on or off. Takes no width; drawn as a stroke
/// of the text colour, so the text keeps the regular font's advances the layout measured.
pub const BOLD: char = '\u{2}';
/// In a label: switches italic (Markdown `*…*`, `_…_`) on or off (a slant, same advances).
pub const ITALIC: char = '\u{3}';
/// Link placeholder: `LINK` + index + `LINK` in an `href`, replaced when the page is written.
pub const LINK: char = '\u{4}';

/// A label without its markup (for search and accessible names).
pub fn plain(s: &str) -> String {
    s.chars().filter(|&c| c != BOLD && c != ITALIC).collect()
}

/// A number with at most two decimals, without trailing zeros (`12`, `3.5`, `-0.25`).
pub fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// `s` escaped for SVG text and attribute values; control characters are dropped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text anchoring of a label's lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anchor {
    /// Lines start at x (`text-anchor="start"`).
    Start,
    /// Lines are centred on x.
    Middle,
}

/// Height of a block of `n` lines.
pub fn lines_height(n: usize) -> f64 {
    n.max(1) as f64 * LINE_HEIGHT
}

/// A `<text>` element with one line per `<tspan>`, vertically centred on `cy`; `x` is the
/// anchor point. Each line's box (ascent + descent) lies within its `LINE_HEIGHT` slot.
pub fn text(out: &mut String, class: &str, x: f64, cy: f64, lines: &[String], anchor: Anchor) {
    let (asc, desc) = font::ascent_descent();
    let top = cy - lines_height(lines.len()) / 2.0;
    let base = |i: usize| top + i as f64 * LINE_HEIGHT + (LINE_HEIGHT - asc - desc) / 2.0 + asc;
    let anchor_attr = match anchor {
        Anchor::Start => "",
        Anchor::Middle => " text-anchor=\"middle\"",
    };
    let _ = write!(out, "<text class=\"{class}\"{anchor_attr}");
    let mut state = (false, false);
    if lines.len() == 1 {
        let _ = write!(
            out,
            " x=\"{}\" y=\"{}\">{}</text>",
            num(x),
            num(base(0)),
            runs(&lines[0], &mut state)
        );
        return;
    }
    out.push('>');
    for (i, l) in lines.iter().enumerate() {
        let _ = write!(
            out,
            "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
            num(x),
            num(base(i)),
            runs(l, &mut state)
        );
    }
    out.push_str("</text>");
}

/// A line's text, escaped, with its bold and italic stretches as `<tspan>`s. `state` (bold,
/// italic) carries over from the previous line of the label.
fn runs(line: &str, state: &mut (bool, bool)) -> String {
    if !line.contains([BOLD, ITALIC]) && *state == (false, false) {
        return esc(line);
    }
    let mut out = String::new();
    let mut run = String::new();
    let flush = |out: &mut String, run: &mut String, state: (bool, bool)| {
        if run.is_empty() {
            return;
        }
        let class = match state {
            (false, false) => "",
            (true, false) => "dg-strong",
            (false, true) => "dg-em",
            (true, true) => "dg-strong dg-em",
        };
        if class.is_empty() {
            out.push_str(&esc(run));
        } else {
            let _ = write!(out, "<tspan class=\"{class}\">{}</tspan>", esc(run));
        }
        run.clear();
    };
    for c in line.chars() {
        match c {
            BOLD => {
                flush(&mut out, &mut run, *state);
                state.0 = !state.0;
            }
            ITALIC => {
                flush(&mut out, &mut run, *state);
                state.1 = !state.1;
            }
            c => run.push(c),
        }
    }
    flush(&mut out, &mut run, *state);
    out
}

/// A marker: (name, viewBox, shape, width, height, refX, refY, class). The tip is at the
/// path's end; sizes are in user units so thick lines keep the same heads. Crow's feet (ER
/// cardinalities) have their tip on the entity's side: bars mean one, a ring zero, a fork many.
type MarkerDef = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    u32,
    u32,
    &'static str,
);

const MARKERS: &[MarkerDef] = &[
    (
        "arrow",
        "0 0 10 10",
        "<path d=\"M0 0L10 5L0 10z\"/>",
        9,
        9,
        10,
        5,
        "dg-head",
    ),
    (
        "open",
        "0 0 10 10",
        "<path d=\"M1 1L9 5L1 9\" fill=\"none\"/>",
        10,
        10,
        9,
        5,
        "dg-head-open",
    ),
    (
        "circle",
        "0 0 10 10",
        "<circle cx=\"5\" cy=\"5\" r=\"4\"/>",
        8,
        8,
        9,
        5,
        "dg-head",
    ),
    (
        "cross",
        "0 0 10 10",
        "<path d=\"M1 1L9 9M9 1L1 9\" fill=\"none\"/>",
        9,
        9,
        5,
        5,
        "dg-head-open",
    ),
    (
        "triangle",
        "0 0 12 12",
        "<path d=\"M1 1L11 6L1 11z\"/>",
        14,
        14,
        11,
        6,
        "dg-head-hollow",
    ),
    (
        "diamond",
        "0 0 16 10",
        "<path d=\"M1 5L8 1L15 5L8 9z\"/>",
        18,
        11,
        15,
        5,
        "dg-head",
    ),
    (
        "er-one",
        "0 0 24 16",
        "<path d=\"M18 2V14M13 2V14\"/>",
        24,
        16,
        24,
        8,
        "dg-head-er",
    ),
    (
        "er-zero-one",
        "0 0 24 16",
        "<path d=\"M18 2V14M13 8H0\"/><circle cx=\"8\" cy=\"8\" r=\"4\"/>",
        24,
        16,
        24,
        8,
        "dg-head-er",
    ),
    (
        "er-one-many",
        "0 0 24 16",
        "<path d=\"M14 8L24 1M14 8L24 15M10 2V14\"/>",
        24,
        16,
        24,
        8,
        "dg-head-er",
    ),
    (
        "er-zero-many",
        "0 0 24 16",
        "<path d=\"M14 8L24 1M14 8L24 15\"/><circle cx=\"8\" cy=\"8\" r=\"4\"/>",
        24,
        16,
        24,
        8,
        "dg-head-er",
    ),
    (
        "lollipop",
        "0 0 12 12",
        "<circle cx=\"6\" cy=\"6\" r=\"5\"/>",
        12,
        12,
        11,
        6,
        "dg-head-hollow",
    ),
    (
        "diamond-open",
        "0 0 16 10",
        "<path d=\"M1 5L8 1L15 5L8 9z\"/>",
        18,
        11,
        15,
        5,
        "dg-head-hollow",
    ),
];

/// Marker definitions, by name; only the used ones are written.
pub fn marker(name: &str) -> Option<String> {
    let &(_, vb, shape, w, h, refx, refy, class) = MARKERS.iter().find(|m| m.0 == name)?;
    Some(format!(
        "<marker id=\"{ID}-{name}\" class=\"{class}\" viewBox=\"{vb}\" markerWidth=\"{w}\" markerHeight=\"{h}\" refX=\"{refx}\" refY=\"{refy}\" orient=\"auto-start-reverse\" markerUnits=\"userSpaceOnUse\">{shape}</marker>"
    ))
}

/// `<defs>` with the named markers.
pub fn defs(names: &[&str]) -> String {
    let mut names: Vec<&str> = names.to_vec();
    names.sort_unstable();
    names.dedup();
    let body: String = names.iter().filter_map(|n| marker(n)).collect();
    if body.is_empty() {
        String::new()
    } else {
        format!("<defs>{body}</defs>")
    }
}

/// The root `<svg>` element around `body`; `title` is the accessible name.
pub fn root(kind: &str, width: f64, height: f64, title: &str, body: &str) -> String {
    let (w, h) = (width.ceil(), height.ceil());
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg dg-{kind}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{ID}-title\"><title id=\"{ID}-title\">{}</title>{body}</svg>",
        esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_tspans() {
        let mut out = String::new();
        let lines = vec![format!("a {BOLD}b{BOLD} {ITALIC}c"), "d<".to_string()];
        text(&mut out, "dg-t", 0.0, 0.0, &lines, Anchor::Start);
        assert!(
            out.contains("a <tspan class=\"dg-strong\">b</tspan> <tspan class=\"dg-em\">c</tspan>")
        );
        assert!(
            out.contains("<tspan class=\"dg-em\">d&lt;</tspan>"),
            "{out}"
        );
        assert_eq!(plain(&lines[0]), "a b c");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(3.5), "3.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1.005), "1");
        assert_eq!(num(2.456), "2.46");
    }
}
