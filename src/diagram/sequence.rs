//! Mermaid sequence diagrams: participants and actors (with aliases), messages (`->>`, `-->>`,
//! `->`, `-->`, `-x`, `--x`, `-)`, `--)`, `<<->>`), notes (`left of`, `right of`, `over A[,B]`),
//! blocks (`alt`/`else`, `opt`, `loop`, `par`/`and`, `critical`/`option`, `break`, `rect`),
//! `autonumber`. Activations (`activate`, `+`/`-`) and `box` grouping are accepted and not drawn.
//!
//! Columns are spaced so every message label fits between its two lifelines; every row of the
//! diagram holds one message, note or block header, so no two labels can overlap.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};
use super::graph::Drawn;
use super::lex::{Result, Stmt, err, label_text};
use super::svg::{self, Anchor, ID, num};

#[derive(Debug)]
struct Part {
    label: Vec<String>,
    actor: bool,
}

#[derive(Debug)]
enum Item {
    Msg {
        from: usize,
        to: usize,
        text: Vec<String>,
        dashed: bool,
        head: Option<&'static str>,
        both: bool,
    },
    Note {
        a: usize,
        b: usize,
        side: Side,
        text: Vec<String>,
    },
    Start {
        kind: String,
        label: String,
    },
    Else {
        label: String,
    },
    End,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
    Over,
}

#[derive(Debug)]
struct Model {
    parts: Vec<Part>,
    items: Vec<Item>,
}

/// (token, dashed, head, both ends)
type Arrow = (&'static str, bool, Option<&'static str>, bool);

const ARROWS: &[Arrow] = &[
    // (token, dashed, head, both ends)
    ("<<-->>", true, Some("arrow"), true),
    ("<<->>", false, Some("arrow"), true),
    ("-->>", true, Some("arrow"), false),
    ("->>", false, Some("arrow"), false),
    ("--x", true, Some("cross"), false),
    ("-x", false, Some("cross"), false),
    ("--)", true, Some("open"), false),
    ("-)", false, Some("open"), false),
    ("-->", true, None, false),
    ("->", false, None, false),
];

const BLOCKS: &[&str] = &["alt", "opt", "loop", "par", "critical", "break", "rect"];
const ELSES: &[&str] = &["else", "and", "option"];

fn parse(stmts: &[Stmt]) -> Result<Model> {
    let mut m = Model {
        parts: Vec::new(),
        items: Vec::new(),
    };
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut part = |m: &mut Model, id: &str, label: Option<&str>, actor: bool| -> usize {
        if let Some(&i) = ids.get(id) {
            if let Some(l) = label {
                m.parts[i].label = lines(l);
            }
            m.parts[i].actor |= actor;
            return i;
        }
        ids.insert(id.to_string(), m.parts.len());
        m.parts.push(Part {
            label: lines(label.unwrap_or(id)),
            actor,
        });
        m.parts.len() - 1
    };
    let mut open: Vec<(usize, bool)> = Vec::new(); // (pos, drawn)
    let mut autonumber: Option<usize> = None;
    for st in stmts.iter().skip(1) {
        let t = st.text;
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let rest = rest.trim();
        let rest_pos = st.pos + t.len() - rest.len();
        match word {
            "participant" | "actor" => {
                if rest.is_empty() {
                    return err(rest_pos, format!("`{word}` needs a name"));
                }
                let (id, label) = match rest.split_once(" as ") {
                    Some((a, b)) => (a.trim(), Some(b.trim())),
                    None => (rest, None),
                };
                part(&mut m, id, label, word == "actor");
                continue;
            }
            "autonumber" => {
                autonumber = Some(
                    rest.split_whitespace()
                        .next()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(1),
                );
                continue;
            }
            "activate" | "deactivate" | "title" | "accTitle" | "accDescr" | "accTitle:"
            | "accDescr:" | "links" | "link" | "properties" | "details" => continue,
            "box" => {
                open.push((st.pos, false));
                continue;
            }
            "end" if rest.is_empty() => {
                match open.pop() {
                    Some((_, true)) => m.items.push(Item::End),
                    Some((_, false)) => {}
                    None => return err(st.pos, "`end` without an open block"),
                }
                continue;
            }
            "create" | "destroy" => {
                return err(
                    st.pos,
                    format!("`{word}` is not supported by corem's sequence diagrams"),
                );
            }
            _ => {}
        }
        if BLOCKS.contains(&word) {
            open.push((st.pos, true));
            let label = if word == "rect" {
                String::new()
            } else {
                label_text(rest)
            };
            m.items.push(Item::Start {
                kind: word.to_string(),
                label,
            });
            continue;
        }
        if ELSES.contains(&word) {
            if !open.last().is_some_and(|o| o.1) {
                return err(st.pos, format!("`{word}` outside a block"));
            }
            m.items.push(Item::Else {
                label: label_text(rest),
            });
            continue;
        }
        if word.eq_ignore_ascii_case("note") {
            let lower = rest.to_ascii_lowercase();
            let (side, after) = if lower.starts_with("left of") {
                (Side::Left, &rest[7..])
            } else if lower.starts_with("right of") {
                (Side::Right, &rest[8..])
            } else if lower.starts_with("over") {
                (Side::Over, &rest[4..])
            } else {
                return err(
                    rest_pos,
                    "a note is `Note left of A: …`, `Note right of A: …` or `Note over A[,B]: …`",
                );
            };
            let Some((who, text)) = after.split_once(':') else {
                return err(st.pos + t.len(), "a note needs `: text`");
            };
            let mut names = who.split(',').map(str::trim);
            let a = names.next().unwrap_or("");
            if a.is_empty() {
                return err(rest_pos, "a note needs a participant");
            }
            let ia = part(&mut m, a, None, false);
            let ib = match names.next() {
                Some(b) if !b.is_empty() => part(&mut m, b, None, false),
                _ => ia,
            };
            m.items.push(Item::Note {
                a: ia.min(ib),
                b: ia.max(ib),
                side,
                text: lines(text.trim()),
            });
            continue;
        }
        // A message.
        let mut best: Option<(usize, &Arrow)> = None;
        for a in ARROWS {
            if let Some(k) = t.find(a.0)
                && best.is_none_or(|(b, x)| k < b || (k == b && a.0.len() > x.0.len()))
            {
                best = Some((k, a));
            }
        }
        let Some((k, &(tok, dashed, head, both))) = best else {
            return err(
                st.pos,
                format!(
                    "expected a message such as `A->>B: text`, a note or a block, found `{}`",
                    t.chars().take(20).collect::<String>()
                ),
            );
        };
        let from = t[..k].trim();
        if from.is_empty() {
            return err(st.pos, "a message needs a sender before the arrow");
        }
        let after = &t[k + tok.len()..];
        let after = after.trim_start_matches(['+', '-']);
        let (to, text) = match after.split_once(':') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (after.trim(), ""),
        };
        if to.is_empty() {
            return err(
                st.pos + k + tok.len(),
                "a message needs a receiver after the arrow",
            );
        }
        let (f, tt) = (
            part(&mut m, from, None, false),
            part(&mut m, to, None, false),
        );
        let mut text = label_text(text);
        if let Some(n) = autonumber.as_mut() {
            text = format!("{n}. {text}");
            *n += 1;
        }
        m.items.push(Item::Msg {
            from: f,
            to: tt,
            text: lines(&text),
            dashed,
            head,
            both,
        });
    }
    if let Some((p, _)) = open.last() {
        return err(*p, "block without a matching `end`");
    }
    if m.parts.is_empty() {
        return err(
            stmts.first().map_or(0, |s| s.pos),
            "a sequence diagram needs at least one participant",
        );
    }
    Ok(m)
}

fn lines(s: &str) -> Vec<String> {
    label_text(s).split('\n').map(str::to_string).collect()
}

const MARGIN: f64 = 10.0;
const BOX_PAD_X: f64 = 14.0;
const BOX_PAD_Y: f64 = 8.0;
const GAP: f64 = 30.0;
/// Least distance between two lifelines.
const MIN_STEP: f64 = 120.0;
const SELF_W: f64 = 34.0;
const NOTE_PAD: f64 = 8.0;
const BLOCK_INSET: f64 = 10.0;

fn text_w(lines: &[String]) -> f64 {
    font::lines_width(lines)
}

pub fn render(stmts: &[Stmt]) -> Result<Drawn> {
    let m = parse(stmts)?;
    let n = m.parts.len();
    let box_w: Vec<f64> = m
        .parts
        .iter()
        .map(|p| text_w(&p.label) + 2.0 * BOX_PAD_X)
        .collect();
    // Column constraints: x[j] >= x[i] + d for i < j.
    let mut cons: Vec<(usize, usize, f64)> = Vec::new();
    for i in 1..n {
        cons.push((
            i - 1,
            i,
            ((box_w[i - 1] + box_w[i]) / 2.0 + GAP).max(MIN_STEP),
        ));
    }
    let mut left_need: f64 = box_w[0] / 2.0;
    let mut right_need: f64 = box_w[n - 1] / 2.0;
    // Block spans, for their header widths.
    let mut stack: Vec<(usize, f64, usize, usize)> = Vec::new(); // (item, header width, min, max)
    for (k, it) in m.items.iter().enumerate() {
        let touched: Option<(usize, usize)> = match it {
            Item::Msg { from, to, text, .. } => {
                let w = text_w(text);
                if from == to {
                    let need = SELF_W + 6.0 + w + 12.0;
                    if *from + 1 < n {
                        cons.push((*from, from + 1, need + box_w[from + 1] / 2.0 * 0.0));
                    } else {
                        right_need = right_need.max(need);
                    }
                } else {
                    let (a, b) = (*from.min(to), *from.max(to));
                    cons.push((a, b, w + 24.0));
                }
                Some((*from.min(to), *from.max(to)))
            }
            Item::Note { a, b, side, text } => {
                let w = text_w(text) + 2.0 * NOTE_PAD;
                match side {
                    Side::Right => {
                        if a + 1 < n {
                            cons.push((*a, a + 1, w + 16.0));
                        } else {
                            right_need = right_need.max(w + 10.0);
                        }
                    }
                    Side::Left => {
                        if *a > 0 {
                            cons.push((a - 1, *a, w + 16.0));
                        } else {
                            left_need = left_need.max(w + 10.0);
                        }
                    }
                    Side::Over => {
                        if a == b {
                            if *a > 0 {
                                cons.push((a - 1, *a, w / 2.0 + 12.0));
                            } else {
                                left_need = left_need.max(w / 2.0);
                            }
                            if a + 1 < n {
                                cons.push((*a, a + 1, w / 2.0 + 12.0));
                            } else {
                                right_need = right_need.max(w / 2.0);
                            }
                        } else {
                            cons.push((*a, *b, w - 40.0));
                        }
                    }
                }
                Some((*a, *b))
            }
            Item::Start { kind, label } => {
                let hw = header_width(kind, label);
                stack.push((k, hw, usize::MAX, 0));
                None
            }
            Item::Else { label } => {
                if let Some(top) = stack.last_mut() {
                    top.1 = top.1.max(font::width(&bracket(label)) + 24.0);
                }
                None
            }
            Item::End => {
                if let Some((_, hw, lo, hi)) = stack.pop() {
                    if lo < hi {
                        cons.push((lo, hi, hw - 2.0 * BLOCK_INSET));
                    }
                    if let Some(p) = stack.last_mut() {
                        p.2 = p.2.min(lo);
                        p.3 = p.3.max(hi);
                    }
                }
                None
            }
        };
        if let Some((a, b)) = touched {
            for s in &mut stack {
                s.2 = s.2.min(a);
                s.3 = s.3.max(b);
            }
        }
    }
    let mut x = vec![0.0f64; n];
    x[0] = 0.0;
    for j in 1..n {
        let mut v = f64::NEG_INFINITY;
        for &(i, jj, d) in &cons {
            if jj == j {
                v = v.max(x[i] + d);
            }
        }
        x[j] = v;
    }
    let _ = (left_need, right_need);
    // Vertical pass: primitives in unshifted coordinates.
    let mut prims = String::new();
    let mut back = String::new(); // block frames, drawn first
    let mut bgs = String::new(); // backgrounds of message texts
    let mut texts = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut markers: Vec<&str> = Vec::new();
    let head_h = m.parts.iter().map(part_height).fold(0.0, f64::max);
    let mut bbox = (f64::INFINITY, f64::NEG_INFINITY);
    let grow = |l: f64, r: f64, bbox: &mut (f64, f64)| {
        bbox.0 = bbox.0.min(l);
        bbox.1 = bbox.1.max(r);
    };
    for (i, p) in m.parts.iter().enumerate() {
        grow(x[i] - box_w[i] / 2.0, x[i] + box_w[i] / 2.0, &mut bbox);
        labels.push(p.label.join(" "));
    }
    let mut y = head_h + 18.0;
    // Open blocks: (top y, extent l, r, kind, label, elses: (y, label))
    struct Open {
        top: f64,
        l: f64,
        r: f64,
        kind: String,
        label: String,
        elses: Vec<(f64, String)>,
    }
    let mut blocks: Vec<Open> = Vec::new();
    let extend = |blocks: &mut Vec<Open>, l: f64, r: f64| {
        for b in blocks.iter_mut() {
            b.l = b.l.min(l);
            b.r = b.r.max(r);
        }
    };
    for it in &m.items {
        match it {
            Item::Msg {
                from,
                to,
                text,
                dashed,
                head,
                both,
            } => {
                let th = if text.iter().all(String::is_empty) {
                    0.0
                } else {
                    svg::lines_height(text.len())
                };
                let class = if *dashed {
                    "dg-msg dg-dotted"
                } else {
                    "dg-msg"
                };
                let mut mk = String::new();
                if let Some(h) = head {
                    markers.push(h);
                    let _ = write!(mk, " marker-end=\"url(#{ID}-{h})\"");
                    if *both {
                        let _ = write!(mk, " marker-start=\"url(#{ID}-{h})\"");
                    }
                }
                if from == to {
                    let x0 = x[*from];
                    let top = y;
                    let lh = th.max(LINE_HEIGHT);
                    let y1 = top + 4.0;
                    let y2 = y1 + lh + 8.0;
                    let _ = write!(
                        prims,
                        "<path class=\"{class}\" d=\"M{} {}H{}V{}H{}\"{mk}/>",
                        num(x0),
                        num(y1),
                        num(x0 + SELF_W),
                        num(y2),
                        num(x0 + 2.0)
                    );
                    if th > 0.0 {
                        texts.push((
                            x0 + SELF_W + 6.0,
                            (y1 + y2) / 2.0,
                            text.clone(),
                            Anchor::Start,
                        ));
                    }
                    let r = x0 + SELF_W + 6.0 + text_w(text) + 4.0;
                    grow(x0, r, &mut bbox);
                    extend(&mut blocks, x0, r);
                    y = y2 + 16.0;
                } else {
                    let (x1, x2) = (x[*from], x[*to]);
                    let ly = y + th + 6.0;
                    if th > 0.0 {
                        let cx = (x1 + x2) / 2.0;
                        if from.abs_diff(*to) > 1 {
                            // Lifelines in between would strike through the text.
                            let w = text_w(text) + 8.0;
                            let _ = write!(
                                bgs,
                                "<rect class=\"dg-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                                num(cx - w / 2.0),
                                num(y),
                                num(w),
                                num(th)
                            );
                        }
                        texts.push((cx, y + th / 2.0, text.clone(), Anchor::Middle));
                    }
                    let _ = write!(
                        prims,
                        "<path class=\"{class}\" d=\"M{} {}H{}\"{mk}/>",
                        num(x1),
                        num(ly),
                        num(x2)
                    );
                    extend(&mut blocks, x1.min(x2), x1.max(x2));
                    y = ly + 16.0;
                }
                labels.push(text.join(" "));
            }
            Item::Note { a, b, side, text } => {
                let w = text_w(text) + 2.0 * NOTE_PAD;
                let h = svg::lines_height(text.len()) + 2.0 * 5.0;
                let (l, r) = match side {
                    Side::Left => (x[*a] - 8.0 - w, x[*a] - 8.0),
                    Side::Right => (x[*a] + 8.0, x[*a] + 8.0 + w),
                    Side::Over if a == b => (x[*a] - w / 2.0, x[*a] + w / 2.0),
                    Side::Over => {
                        let (l, r) = (x[*a] - 20.0, x[*b] + 20.0);
                        if r - l < w {
                            let c = (l + r) / 2.0;
                            (c - w / 2.0, c + w / 2.0)
                        } else {
                            (l, r)
                        }
                    }
                };
                let _ = write!(
                    prims,
                    "<rect class=\"dg-note\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(l),
                    num(y),
                    num(r - l),
                    num(h)
                );
                texts.push(((l + r) / 2.0, y + h / 2.0, text.clone(), Anchor::Middle));
                labels.push(text.join(" "));
                grow(l, r, &mut bbox);
                extend(&mut blocks, l, r);
                y += h + 14.0;
            }
            Item::Start { kind, label } => {
                blocks.push(Open {
                    top: y,
                    l: f64::INFINITY,
                    r: f64::NEG_INFINITY,
                    kind: kind.clone(),
                    label: label.clone(),
                    elses: Vec::new(),
                });
                y += LINE_HEIGHT + 14.0;
            }
            Item::Else { label } => {
                if let Some(b) = blocks.last_mut() {
                    b.elses.push((y, label.clone()));
                }
                y += LINE_HEIGHT + 12.0;
            }
            Item::End => {
                let Some(b) = blocks.pop() else { continue };
                let (mut l, mut r) = if b.l.is_finite() {
                    (b.l - BLOCK_INSET, b.r + BLOCK_INSET)
                } else {
                    (x[0] - 40.0, x[0] + 40.0)
                };
                let need = header_width(&b.kind, &b.label).max(
                    b.elses
                        .iter()
                        .map(|e| font::width(&bracket(&e.1)) + 24.0)
                        .fold(0.0, f64::max),
                );
                if r - l < need {
                    let c = (l + r) / 2.0;
                    l = c - need / 2.0;
                    r = c + need / 2.0;
                }
                let bottom = y;
                let class = if b.kind == "rect" {
                    "dg-block dg-rect"
                } else {
                    "dg-block"
                };
                let _ = write!(
                    back,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(l),
                    num(b.top),
                    num(r - l),
                    num(bottom - b.top)
                );
                if b.kind != "rect" {
                    let kw = font::width(&b.kind) + 16.0;
                    let hy = b.top + (LINE_HEIGHT + 8.0) / 2.0;
                    let _ = write!(
                        back,
                        "<path class=\"dg-tab\" d=\"M{} {}H{}V{}L{} {}H{}Z\"/>",
                        num(l),
                        num(b.top),
                        num(l + kw + 6.0),
                        num(b.top + LINE_HEIGHT),
                        num(l + kw),
                        num(b.top + LINE_HEIGHT + 8.0),
                        num(l)
                    );
                    texts.push((l + 8.0, hy, vec![b.kind.clone()], Anchor::Start));
                    if !b.label.is_empty() {
                        texts.push((l + kw + 14.0, hy, vec![bracket(&b.label)], Anchor::Start));
                        labels.push(b.label.clone());
                    }
                }
                for (ey, el) in &b.elses {
                    let _ = write!(
                        back,
                        "<path class=\"dg-divider\" d=\"M{} {}H{}\"/>",
                        num(l),
                        num(*ey),
                        num(r)
                    );
                    if !el.is_empty() {
                        texts.push((
                            l + 10.0,
                            ey + 4.0 + LINE_HEIGHT / 2.0,
                            vec![bracket(el)],
                            Anchor::Start,
                        ));
                        labels.push(el.clone());
                    }
                }
                grow(l, r, &mut bbox);
                extend(&mut blocks, l, r);
                y = bottom + 12.0;
            }
        }
    }
    let foot_y = y + 4.0;
    let total_h = foot_y + head_h;
    // Shift so the leftmost element sits at the margin.
    let dx = MARGIN - bbox.0;
    let width = bbox.1 - bbox.0 + 2.0 * MARGIN;
    let height = total_h + 2.0 * MARGIN;
    let dy = MARGIN;
    let mut out = String::new();
    out.push_str(&svg::defs(&markers));
    let _ = write!(out, "<g transform=\"translate({} {})\">", num(dx), num(dy));
    out.push_str(&back);
    for (i, p) in m.parts.iter().enumerate() {
        let own_h = part_height(p);
        let _ = write!(
            out,
            "<path class=\"dg-lifeline\" d=\"M{} {}V{}\"/>",
            num(x[i]),
            num(own_h),
            num(foot_y)
        );
        for top in [0.0, foot_y] {
            draw_part(&mut out, p, x[i], top, box_w[i], own_h);
        }
    }
    out.push_str(&prims);
    out.push_str(&bgs);
    for (tx, ty, lines, anchor) in texts {
        svg::text(&mut out, "dg-t", tx, ty, &lines, anchor);
    }
    out.push_str("</g>");
    Ok(Drawn {
        svg_body: out,
        width,
        height,
        labels,
        work: 0,
        markers: Vec::new(),
    })
}

fn bracket(s: &str) -> String {
    format!("[{s}]")
}

fn header_width(kind: &str, label: &str) -> f64 {
    let kw = font::width(kind) + 16.0;
    if kind == "rect" {
        0.0
    } else if label.is_empty() {
        kw + 20.0
    } else {
        kw + 14.0 + font::width(&bracket(label)) + 12.0
    }
}

fn part_height(p: &Part) -> f64 {
    let th = svg::lines_height(p.label.len());
    if p.actor {
        36.0 + th
    } else {
        th + 2.0 * BOX_PAD_Y
    }
}

fn draw_part(out: &mut String, p: &Part, cx: f64, top: f64, w: f64, h: f64) {
    if p.actor {
        let hy = top + 7.0;
        let _ = write!(
            out,
            "<circle class=\"dg-node\" cx=\"{}\" cy=\"{}\" r=\"6\"/><path class=\"dg-line\" d=\"M{} {}V{}M{} {}H{}M{} {}L{} {}L{} {}\"/>",
            num(cx),
            num(hy),
            num(cx),
            num(hy + 6.0),
            num(hy + 18.0),
            num(cx - 9.0),
            num(hy + 10.0),
            num(cx + 9.0),
            num(cx - 8.0),
            num(hy + 28.0),
            num(cx),
            num(hy + 18.0),
            num(cx + 8.0),
            num(hy + 28.0)
        );
        let th = svg::lines_height(p.label.len());
        svg::text(
            out,
            "dg-t",
            cx,
            top + 36.0 + th / 2.0,
            &p.label,
            Anchor::Middle,
        );
    } else {
        let _ = write!(
            out,
            "<rect class=\"dg-node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
            num(cx - w / 2.0),
            num(top),
            num(w),
            num(h)
        );
        svg::text(out, "dg-t", cx, top + h / 2.0, &p.label, Anchor::Middle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn parses_messages_notes_blocks() {
        let src = "sequenceDiagram\n actor U as User\n participant C as Client app\n U->>C: hi\n C-->>U: ok\n Note over U,C: both\n alt yes\n  C->>C: self\n else no\n  C-xU: bye\n end\n";
        let m = parse(&statements(src, false)).unwrap();
        assert_eq!(m.parts.len(), 2);
        assert!(m.parts[0].actor);
        assert_eq!(m.items.len(), 8);
        assert!(render(&statements(src, false)).is_ok());
    }

    #[test]
    fn errors() {
        let src = "sequenceDiagram\n A->>B: x\n alt y\n A->>B: z\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 5], "alt y");
        let src = "sequenceDiagram\n A B C\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 5], "A B C");
    }
}
