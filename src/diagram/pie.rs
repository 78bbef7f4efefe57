//! Mermaid pie charts: `pie [showData] [title …]`, `title …`, `"Label" : value` slices.
//!
//! Slices go clockwise from twelve o'clock in source order, coloured from the theme's
//! categorical palette (`--diagram-cat-1` …, each at least 3:1 against the figure) and parted
//! by a thin line of the background. Labels sit outside the circle, left or right of it, joined
//! to their slice by a leader line and pushed apart so none overlaps another: no text is ever
//! drawn on a coloured slice.

use std::f64::consts::{PI, TAU};
use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};
use super::graph::Drawn;
use super::lex::{Extras, Result, Stmt, err, label_text, unquote};
use super::svg::{self, Anchor, num};

/// Colours in the categorical palette (`--diagram-cat-1` … `--diagram-cat-8`).
pub const PALETTE: usize = 8;

const R: f64 = 110.0;
/// Leader lines: out from the circle, then across to the labels.
const ELBOW: f64 = 14.0;
const LABEL_GAP: f64 = 30.0;
const MARGIN: f64 = 12.0;

struct Slice {
    value: f64,
    text: String,
}

/// Parses and draws a pie chart.
pub fn render(stmts: &[Stmt]) -> Result<(Drawn, Extras)> {
    let (slices, extras) = parse(stmts)?;
    Ok((draw(slices), extras))
}

/// Reads the header (`pie showData title …`) and the statements: the slices with their
/// labels (percentages, and values with `showData`), and the title.
fn parse(stmts: &[Stmt]) -> Result<(Vec<Slice>, Extras)> {
    let mut extras = Extras::default();
    let head = stmts.first().map_or("", |s| s.text);
    let mut rest = head.strip_prefix("pie").unwrap_or("").trim();
    let mut show_data = false;
    if let Some(r) = rest.strip_prefix("showData") {
        show_data = true;
        rest = r.trim();
    }
    if let Some(t) = rest.strip_prefix("title") {
        extras.title = Some(label_text(t.trim())).filter(|t| !t.is_empty());
    }
    let mut slices: Vec<(String, f64)> = Vec::new();
    for st in stmts.iter().skip(1) {
        let t = st.text;
        if let Some(title) = t.strip_prefix("title") {
            extras.title = Some(label_text(title.trim())).filter(|t| !t.is_empty());
            continue;
        }
        if t == "showData" {
            show_data = true;
            continue;
        }
        if t.starts_with("accTitle") || t.starts_with("accDescr") {
            continue;
        }
        slices.push(slice(st)?);
    }
    let total: f64 = slices.iter().map(|s| s.1).sum();
    if slices.is_empty() || total <= 0.0 {
        return err(
            stmts.first().map_or(0, |s| s.pos),
            "a pie chart needs at least one slice with a value above 0: `\"Label\" : 42`",
        );
    }
    super::budget::graph_size(slices.len(), 0, stmts.first().map_or(0, |s| s.pos))?;
    let out = slices
        .into_iter()
        .map(|(label, value)| Slice {
            value,
            text: slice_text(&label, value, total, show_data),
        })
        .collect();
    Ok((out, extras))
}

/// One slice, `"Label" : value`: its label (quotes removed) and value (a number of 0 or more).
fn slice(st: &Stmt) -> Result<(String, f64)> {
    let t = st.text;
    let Some((label, value)) = t.rsplit_once(':') else {
        return err(
            st.pos,
            format!(
                "a slice is `\"Label\" : value`, found `{}`",
                t.chars().take(24).collect::<String>()
            ),
        );
    };
    let label = label.trim();
    if !(label.starts_with('"') && label.ends_with('"') && label.len() >= 2) {
        return err(
            st.pos,
            "a slice's label is in double quotes: `\"Label\" : value`",
        );
    }
    let vpos = st.pos + t.len() - value.trim_start().len();
    let v: f64 = match value.trim().parse() {
        Ok(v) if f64::is_finite(v) && v >= 0.0 => v,
        _ => {
            return err(
                vpos,
                format!(
                    "a slice's value is a number of 0 or more, found `{}`",
                    value.trim()
                ),
            );
        }
    };
    Ok((label_text(unquote(label)), v))
}

/// A slice's label as shown: `Label: 42%` (one decimal below 1 %), with `showData`
/// `Label: 21 (42%)`.
fn slice_text(label: &str, value: f64, total: f64, show_data: bool) -> String {
    let pct = 100.0 * value / total;
    let p = if pct > 0.0 && pct < 1.0 {
        format!("{:.1}%", pct)
    } else {
        format!("{:.0}%", pct)
    };
    if show_data {
        format!("{label}: {} ({p})", svg::num(value))
    } else {
        format!("{label}: {p}")
    }
}

/// A point on the circle at `angle` (0 = twelve o'clock, clockwise), at radius `r`.
fn at(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    (cx + r * angle.sin(), cy - r * angle.cos())
}

/// A label beside the circle: its text, the slice's mid angle, and its final height.
struct Label {
    slice: usize,
    mid: f64,
    y: f64,
    width: f64,
}

/// Spreads labels on one side so they keep a line apart, as close as they can to their slices.
fn spread(labels: &mut [Label], top: f64, bottom: f64) {
    labels.sort_by(|a, b| a.y.partial_cmp(&b.y).unwrap_or(std::cmp::Ordering::Equal));
    let step = LINE_HEIGHT + 2.0;
    for k in 0..labels.len() {
        let min = if k == 0 { top } else { labels[k - 1].y + step };
        labels[k].y = labels[k].y.max(min);
    }
    // Too low at the end: push back up.
    let mut max = bottom;
    for l in labels.iter_mut().rev() {
        l.y = l.y.min(max);
        max = l.y - step;
    }
}

/// Each slice's angles, and its label on the right or the left of the circle.
type Sides = (Vec<(f64, f64)>, Vec<Label>, Vec<Label>);

fn sides(slices: &[Slice]) -> Sides {
    let total: f64 = slices.iter().map(|s| s.value).sum();
    let mut left: Vec<Label> = Vec::new();
    let mut right: Vec<Label> = Vec::new();
    let mut a0 = 0.0;
    let mut angles = Vec::with_capacity(slices.len());
    for (i, s) in slices.iter().enumerate() {
        let a1 = a0 + TAU * s.value / total;
        angles.push((a0, a1));
        if s.value > 0.0 {
            let mid = (a0 + a1) / 2.0;
            let l = Label {
                slice: i,
                mid,
                y: -(R + ELBOW) * mid.cos(),
                width: font::width(&s.text),
            };
            if mid <= PI {
                right.push(l)
            } else {
                left.push(l)
            }
        }
        a0 = a1;
    }
    (angles, left, right)
}

fn draw(slices: Vec<Slice>) -> Drawn {
    // Labels first: their widths decide the room beside the circle.
    let (angles, mut left, mut right) = sides(&slices);
    // Enough height for every label on the busier side.
    let rows = left.len().max(right.len()) as f64;
    let half = (R + LINE_HEIGHT).max(rows * (LINE_HEIGHT + 2.0) / 2.0);
    for side in [&mut right, &mut left] {
        spread(side, -half + LINE_HEIGHT / 2.0, half - LINE_HEIGHT / 2.0);
    }
    let lw = left.iter().map(|l| l.width).fold(0.0, f64::max);
    let rw = right.iter().map(|l| l.width).fold(0.0, f64::max);
    let cx = MARGIN + lw + LABEL_GAP + R;
    let cy = MARGIN + half;
    let mut body = String::new();
    draw_slices(&mut body, &slices, &angles, (cx, cy));
    for (side, list) in [(1.0, &right), (-1.0, &left)] {
        for l in list.iter() {
            draw_label(&mut body, &slices[l.slice].text, l, side, (cx, cy));
        }
    }
    Drawn {
        svg_body: body,
        width: cx + R + LABEL_GAP + rw + MARGIN,
        height: 2.0 * half + 2.0 * MARGIN,
        labels: slices.iter().map(|s| s.text.clone()).collect(),
        work: 0,
        markers: Vec::new(),
    }
}

/// The slices around (cx, cy), each in its palette colour.
fn draw_slices(body: &mut String, slices: &[Slice], angles: &[(f64, f64)], (cx, cy): (f64, f64)) {
    for (i, s) in slices.iter().enumerate() {
        let (b0, b1) = angles[i];
        if s.value <= 0.0 {
            continue;
        }
        // The last slice touches the first: never the same colour.
        let k = if i + 1 == slices.len() && i > 0 && i % PALETTE == 0 {
            PALETTE / 2
        } else {
            i % PALETTE
        };
        let class = format!("dg-slice dg-cat-{}", k + 1);
        if b1 - b0 >= TAU - 1e-9 {
            let _ = write!(
                body,
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                num(cx),
                num(cy),
                num(R)
            );
            continue;
        }
        let (p0, p1) = (at(cx, cy, R, b0), at(cx, cy, R, b1));
        let large = u8::from(b1 - b0 > PI);
        let _ = write!(
            body,
            "<path class=\"{class}\" d=\"M{} {}L{} {}A{r} {r} 0 {large} 1 {} {}Z\"/>",
            num(cx),
            num(cy),
            num(p0.0),
            num(p0.1),
            num(p1.0),
            num(p1.1),
            r = num(R)
        );
    }
}

/// A label beside the circle (`side` 1 right, -1 left) and its leader line to the slice.
fn draw_label(body: &mut String, text: &str, l: &Label, side: f64, (cx, cy): (f64, f64)) {
    let edge = at(cx, cy, R - 2.0, l.mid);
    let elbow = at(cx, cy, R + ELBOW, l.mid);
    let y = cy + l.y;
    let tx = cx + side * (R + LABEL_GAP - 6.0);
    let _ = write!(
        body,
        "<path class=\"dg-leader\" d=\"M{} {}L{} {}L{} {}\"/>",
        num(edge.0),
        num(edge.1),
        num(elbow.0),
        num(y),
        num(tx),
        num(y)
    );
    let x = if side > 0.0 {
        tx + 6.0
    } else {
        tx - 6.0 - l.width
    };
    svg::text(body, "dg-t", x, y, &[text.to_string()], Anchor::Start);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn slice_labels_round_percentages() {
        assert_eq!(slice_text("A", 1.0, 3.0, false), "A: 33%");
        assert_eq!(slice_text("A", 1.0, 500.0, false), "A: 0.2%");
        assert_eq!(slice_text("A", 0.0, 4.0, false), "A: 0%");
        assert_eq!(slice_text("A", 2.5, 10.0, true), "A: 2.5 (25%)");
    }

    #[test]
    fn slices_and_labels() {
        let src = "pie showData title Pets\n \"Dogs\" : 386\n \"Cats\" : 85.5\n \"Rats\" : 15\n";
        let (d, x) = render(&statements(src, false)).unwrap();
        assert_eq!(x.title.as_deref(), Some("Pets"));
        assert_eq!(d.labels[0], "Dogs: 386 (79%)");
        assert_eq!(d.svg_body.matches("dg-slice").count(), 3);
        assert_eq!(d.svg_body.matches("dg-leader").count(), 3);
        assert!(d.svg_body.contains("dg-cat-3"));
    }

    #[test]
    fn one_slice_is_a_circle_and_errors_are_located() {
        let (d, _) = render(&statements("pie\n \"All\" : 1\n", false)).unwrap();
        assert!(d.svg_body.contains("<circle class=\"dg-slice dg-cat-1\""));
        let src = "pie\n \"A\" : -3\n";
        let e = render(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 2], "-3");
        assert!(render(&statements("pie\n A : 3\n", false)).is_err());
        assert!(render(&statements("pie title T\n", false)).is_err());
    }

    #[test]
    fn many_thin_slices_keep_their_labels_apart() {
        let mut src = String::from("pie\n \"Big\" : 1000\n");
        for i in 0..12 {
            src.push_str(&format!(" \"Small {i}\" : 1\n"));
        }
        let (d, _) = render(&statements(&src, false)).unwrap();
        let pts: Vec<(f64, f64)> = d
            .svg_body
            .split("<text class=\"dg-t\" x=\"")
            .skip(1)
            .filter_map(|t| {
                let x = t.split('"').next()?.parse().ok()?;
                let y = t.split("y=\"").nth(1)?.split('"').next()?.parse().ok()?;
                Some((x, y))
            })
            .collect();
        assert_eq!(pts.len(), 13);
        let cx = d.width / 2.0;
        for side in [true, false] {
            let mut ys: Vec<f64> = pts
                .iter()
                .filter(|p| (p.0 > cx) == side)
                .map(|p| p.1)
                .collect();
            ys.sort_by(f64::total_cmp);
            assert!(ys.windows(2).all(|w| w[1] - w[0] >= LINE_HEIGHT), "{ys:?}");
        }
    }
}
