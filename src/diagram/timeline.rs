//! Mermaid timelines (`timeline`): `title`, `section …`, periods with events (`2004 : Facebook :
//! Google`, and continuation lines `: more`).
//!
//! Drawn left to right: each period a box on an arrow, its events stacked under it; a section
//! is a box around its periods with its name on top. Each section (or, without sections, each
//! period) gets a colour strip from the theme's categorical palette; all text stays on the
//! neutral node fill. Wide timelines wrap onto more rows rather than shrink on a phone.

use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};
use super::graph::Drawn;
use super::lex::{Extras, Result, Stmt, err, label_text};
use super::pie::PALETTE;
use super::svg::{self, Anchor, ID, num};

/// Widest a period or event box's text gets before it wraps.
const WRAP: f64 = 150.0;
const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 6.0;
const COL_GAP: f64 = 16.0;
const EVENT_GAP: f64 = 10.0;
/// Widest a row of periods gets before the next period starts a new row.
const MAX_ROW: f64 = 760.0;
const MARGIN: f64 = 10.0;
const STRIP: f64 = 6.0;

struct Period {
    text: String,
    events: Vec<String>,
    section: Option<usize>,
}

/// Parses and draws a timeline.
pub fn render(stmts: &[Stmt]) -> Result<(Drawn, Extras)> {
    let mut extras = Extras::default();
    let mut sections: Vec<String> = Vec::new();
    let mut periods: Vec<Period> = Vec::new();
    for st in stmts.iter().skip(1) {
        let t = st.text;
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        match word {
            "title" => {
                extras.title = Some(label_text(rest.trim())).filter(|t| !t.is_empty());
                continue;
            }
            "section" => {
                sections.push(label_text(rest.trim()));
                continue;
            }
            "accTitle" | "accDescr" | "accTitle:" | "accDescr:" => continue,
            _ => {}
        }
        let mut parts = t.split(':').map(str::trim);
        let head = parts.next().unwrap_or("");
        let events: Vec<String> = parts.filter(|e| !e.is_empty()).map(label_text).collect();
        if head.is_empty() {
            // `: event` continues the period above.
            let Some(p) = periods.last_mut() else {
                return err(
                    st.pos,
                    "an event line `: …` needs a period above it: `2004 : Facebook`",
                );
            };
            p.events.extend(events);
            continue;
        }
        periods.push(Period {
            text: label_text(head),
            events,
            section: sections.len().checked_sub(1),
        });
    }
    if periods.is_empty() {
        return err(
            stmts.first().map_or(0, |s| s.pos),
            "a timeline needs at least one period: `2004 : Facebook`",
        );
    }
    let events: usize = periods.iter().map(|p| p.events.len() + 1).sum();
    super::budget::graph_size(events, 0, stmts.first().map_or(0, |s| s.pos))?;
    Ok((draw(&periods, &sections), extras))
}

/// A period's column: its width and its boxes' lines and heights.
struct Column {
    w: f64,
    head: Vec<String>,
    head_h: f64,
    events: Vec<(Vec<String>, f64)>,
    h: f64,
}

fn column(p: &Period) -> Column {
    let head = font::wrap(&p.text, WRAP);
    let events: Vec<(Vec<String>, f64)> = p
        .events
        .iter()
        .map(|e| {
            let l = font::wrap(e, WRAP);
            let h = svg::lines_height(l.len()) + 2.0 * PAD_Y;
            (l, h)
        })
        .collect();
    let w = events
        .iter()
        .map(|(l, _)| font::lines_width(l))
        .fold(font::lines_width(&head), f64::max)
        + 2.0 * PAD_X;
    let head_h = svg::lines_height(head.len()) + 2.0 * PAD_Y + STRIP;
    let h = events.iter().map(|e| e.1 + EVENT_GAP).sum::<f64>();
    Column {
        w: w.max(60.0),
        head,
        head_h,
        events,
        h,
    }
}

fn draw(periods: &[Period], sections: &[String]) -> Drawn {
    let cols: Vec<Column> = periods.iter().map(column).collect();
    let titled = periods.iter().any(|p| p.section.is_some());
    let sec_title = if titled { LINE_HEIGHT + 10.0 } else { 0.0 };
    let rows = wrap_rows(periods, &cols, titled);
    let mut o = Out::default();
    let mut markers = Vec::new();
    let mut y = MARGIN;
    let mut width: f64 = 0.0;
    for row in &rows {
        let (h, wrow) = draw_row(row, periods, &cols, sections, (y, sec_title), &mut o);
        markers.push("arrow");
        width = width.max(wrow);
        y += h + 16.0;
    }
    Drawn {
        svg_body: format!("{}{}", o.body, o.text),
        width: width + MARGIN,
        height: y - 16.0 + MARGIN,
        labels: o.labels,
        work: 0,
        markers,
    }
}

/// Periods in rows at most [`MAX_ROW`] wide. A section that fits a row of its own but not
/// the rest of the current one starts a new row rather than being split.
fn wrap_rows(periods: &[Period], cols: &[Column], titled: bool) -> Vec<Vec<usize>> {
    let width = |k: usize| cols[k].w + COL_GAP + if titled { 2.0 * PAD_X } else { 0.0 };
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut w = 0.0;
    for k in 0..cols.len() {
        let starts_section = titled && (k == 0 || periods[k].section != periods[k - 1].section);
        let section_w: f64 = if starts_section {
            (k..cols.len())
                .take_while(|&j| periods[j].section == periods[k].section)
                .map(width)
                .sum()
        } else {
            0.0
        };
        let full = w + width(k) > MAX_ROW || (section_w <= MAX_ROW && w + section_w > MAX_ROW);
        if let Some(last) = rows.last_mut()
            && !last.is_empty()
            && full
        {
            rows.push(Vec::new());
            w = 0.0;
        }
        w += width(k);
        if let Some(last) = rows.last_mut() {
            last.push(k);
        }
    }
    rows
}

/// The SVG being written: shapes, then text on top, and the labels for search.
#[derive(Default)]
struct Out {
    body: String,
    text: String,
    labels: Vec<String>,
}

/// The x of each column of a row; with sections, each run of a section's periods is boxed with
/// padding: (xs, runs as (section, left, right), right edge).
type RowColumns = (Vec<f64>, Vec<(Option<usize>, f64, f64)>, f64);

fn row_columns(row: &[usize], periods: &[Period], cols: &[Column], titled: bool) -> RowColumns {
    let mut xs = Vec::with_capacity(row.len());
    let mut runs: Vec<(Option<usize>, f64, f64)> = Vec::new();
    let mut x = MARGIN;
    for (i, &k) in row.iter().enumerate() {
        let s = periods[k].section;
        if titled && (i == 0 || runs.last().is_some_and(|r| r.0 != s)) {
            if let Some(r) = runs.last_mut() {
                r.2 = x - COL_GAP + PAD_X;
                x = r.2 + COL_GAP;
            }
            runs.push((s, x, 0.0));
            x += PAD_X;
        }
        xs.push(x);
        x += cols[k].w + COL_GAP;
    }
    let right = x - COL_GAP + if titled { PAD_X } else { 0.0 };
    if let Some(r) = runs.last_mut() {
        r.2 = right;
    }
    (xs, runs, right)
}

/// One row of periods starting at `top`: section boxes, the arrow, period boxes, events.
/// Returns its height and right edge.
fn draw_row(
    row: &[usize],
    periods: &[Period],
    cols: &[Column],
    sections: &[String],
    (top, sec_title): (f64, f64),
    o: &mut Out,
) -> (f64, f64) {
    let titled = sec_title > 0.0;
    let head_h = row.iter().map(|&k| cols[k].head_h).fold(0.0, f64::max);
    let events_h = row.iter().map(|&k| cols[k].h).fold(0.0, f64::max);
    let inner_top = top + if titled { sec_title + PAD_Y } else { 0.0 };
    let axis_y = inner_top + head_h + 14.0;
    let row_h = (axis_y + 14.0 + events_h) - top + if titled { PAD_Y } else { 0.0 };
    let (xs, runs, right) = row_columns(row, periods, cols, titled);
    for &(s, l, r) in &runs {
        let _ = write!(
            o.body,
            "<rect class=\"dg-cluster\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(l),
            num(top),
            num(r - l),
            num(row_h)
        );
        if let Some(s) = s {
            let name = vec![sections[s].clone()];
            svg::text(
                &mut o.text,
                "dg-t dg-title",
                l + 8.0,
                top + 4.0 + LINE_HEIGHT / 2.0,
                &name,
                Anchor::Start,
            );
            o.labels.push(sections[s].clone());
        }
    }
    let _ = write!(
        o.body,
        "<path class=\"dg-edge\" d=\"M{} {}H{}\" marker-end=\"url(#{ID}-arrow)\"/>",
        num(MARGIN),
        num(axis_y),
        num(right + 4.0)
    );
    for (i, &k) in row.iter().enumerate() {
        let cat = periods[k].section.unwrap_or(k) % PALETTE + 1;
        let at = (xs[i], inner_top, head_h, axis_y);
        draw_period(o, &periods[k], &cols[k], at, cat);
    }
    (row_h, right + 8.0)
}

/// A period's box with its colour strip, and its events hanging under it on a thin line.
fn draw_period(
    o: &mut Out,
    p: &Period,
    c: &Column,
    (x, top, head_h, axis_y): (f64, f64, f64, f64),
    cat: usize,
) {
    let _ = write!(
        o.body,
        "<rect class=\"dg-node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/><rect class=\"dg-strip dg-cat-{cat}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
        num(x),
        num(top),
        num(c.w),
        num(head_h),
        num(x),
        num(top),
        num(c.w),
        num(STRIP)
    );
    svg::text(
        &mut o.text,
        "dg-t dg-name",
        x + c.w / 2.0,
        top + STRIP + (head_h - STRIP) / 2.0,
        &c.head,
        Anchor::Middle,
    );
    o.labels.push(p.text.clone());
    let mut ey = axis_y + 14.0;
    if !c.events.is_empty() {
        let last = ey + c.h - EVENT_GAP - c.events.last().map_or(0.0, |e| e.1) / 2.0;
        let _ = write!(
            o.body,
            "<path class=\"dg-line\" d=\"M{} {}V{}\"/>",
            num(x + c.w / 2.0),
            num(top + head_h),
            num(last)
        );
    }
    for (lines, h) in &c.events {
        let _ = write!(
            o.body,
            "<rect class=\"dg-node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
            num(x),
            num(ey),
            num(c.w),
            num(*h)
        );
        svg::text(
            &mut o.text,
            "dg-t",
            x + c.w / 2.0,
            ey + h / 2.0,
            lines,
            Anchor::Middle,
        );
        o.labels.push(lines.join(" "));
        ey += h + EVENT_GAP;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn periods_events_sections() {
        let src = "timeline\n title History of Social Media Platform\n section 2000s\n 2002 : LinkedIn\n 2004 : Facebook : Google\n      : more\n section 2010s\n 2010 : Instagram\n";
        let (d, x) = render(&statements(src, false)).unwrap();
        assert_eq!(x.title.as_deref(), Some("History of Social Media Platform"));
        for l in [
            "2000s",
            "2010s",
            "2002",
            "LinkedIn",
            "Google",
            "more",
            "Instagram",
        ] {
            assert!(d.labels.contains(&l.to_string()), "{l}: {:?}", d.labels);
        }
        assert_eq!(d.svg_body.matches("dg-strip").count(), 3);
        assert!(render(&statements("timeline\n : orphan\n", false)).is_err());
    }

    #[test]
    fn long_timelines_wrap() {
        let mut src = String::from("timeline\n");
        for y in 1990..2010 {
            src.push_str(&format!(" {y} : Something happened in {y}\n"));
        }
        let (d, _) = render(&statements(&src, false)).unwrap();
        assert!(d.width <= MAX_ROW + 60.0, "{}", d.width);
        assert!(d.svg_body.matches("marker-end").count() > 1);
    }
}
