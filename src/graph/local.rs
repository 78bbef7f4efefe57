//! The local graph under a note: the note in the middle, the notes it links to and the notes
//! linking to it on two arcs left and right of it (grouped by section, so sections read as
//! colour bands), their labels outside, the links between them drawn behind. With depth 2,
//! each neighbour's own neighbours stand in an outer column. Plain SVG with links: it needs no
//! script, every node is a link (keyboard focusable), the labels are measured with the
//! diagram font (`static/fonts`), so they never run into each other or out of the picture.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use super::{COLOURS, Neighbour, neighbours_top, num};
use crate::diagram::font;
use crate::load::NoteId;
use crate::markdown::{escape_attr, escape_html};
use crate::render::{Site, rel_url};

/// Neighbours shown around a note (the strongest; the rest are counted).
pub const MAX_NEIGHBOURS: usize = 14;
/// Second-hop notes shown with depth 2, and per neighbour.
const MAX_SECOND: usize = 16;
const SECOND_PER_NODE: usize = 2;

/// Label size in px (the diagram font is measured at 14 px).
const FONT: f64 = 13.0;
const LINE: f64 = 15.0;
/// Horizontal distance of the neighbours' arc from the middle.
const ARC_X: f64 = 72.0;
/// Vertical room of one neighbour (two label lines and a gap).
const STEP: f64 = 42.0;
/// Widest label line of a neighbour, and of a second-hop note.
const LABEL: f64 = 112.0;
const LABEL2: f64 = 100.0;
const GAP: f64 = 10.0;
const PAD: f64 = 8.0;

/// A note drawn in the local graph.
#[derive(Debug, Clone, PartialEq)]
struct Node {
    note: NoteId,
    /// 0 the note itself, 1 a neighbour, 2 a neighbour's neighbour.
    ring: u8,
    /// For ring 1: how it is linked with the note; for ring 2: its neighbour's index.
    link: Neighbour,
    parent: usize,
}

/// What the local graph of a note shows.
#[derive(Debug, Default)]
struct Model {
    nodes: Vec<Node>,
    /// Links between two shown notes other than the note itself (indexes in `nodes`).
    chords: Vec<(usize, usize)>,
    /// Neighbours left out.
    more: usize,
}

fn model(site: &Site, n: NoteId, depth: u8) -> Model {
    let graph = site.graph;
    let colours = site.section_colours();
    let colour = |m: NoteId| colours[site.corpus.notes[m].section];
    let (mut first, all) = neighbours_top(graph, n, MAX_NEIGHBOURS);
    let more = all.saturating_sub(MAX_NEIGHBOURS);
    // Sections as colour bands: by colour, then in reading order.
    first.sort_by_key(|x| (colour(x.note), graph.position[x.note]));
    let mut nodes = vec![Node {
        note: n,
        ring: 0,
        link: Neighbour {
            note: n,
            out: 0,
            inn: false,
        },
        parent: 0,
    }];
    nodes.extend(first.iter().map(|&link| Node {
        note: link.note,
        ring: 1,
        link,
        parent: 0,
    }));
    let mut index: HashMap<NoteId, usize> =
        nodes.iter().enumerate().map(|(i, x)| (x.note, i)).collect();
    if depth >= 2 {
        let ring1 = nodes.len();
        for p in 1..ring1 {
            let mut taken = 0;
            // Enough of them that `SECOND_PER_NODE` remain after those already shown.
            let wanted = SECOND_PER_NODE + nodes.len();
            for x in neighbours_top(graph, nodes[p].note, wanted).0 {
                if nodes.len() - ring1 >= MAX_SECOND || taken >= SECOND_PER_NODE {
                    break;
                }
                if index.contains_key(&x.note) {
                    continue;
                }
                index.insert(x.note, nodes.len());
                nodes.push(Node {
                    note: x.note,
                    ring: 2,
                    link: x,
                    parent: p,
                });
                taken += 1;
            }
        }
    }
    let mut chords = Vec::new();
    for (i, node) in nodes.iter().enumerate().skip(1) {
        for (m, _) in super::links_out(graph, node.note) {
            if let Some(&j) = index.get(&m)
                && j != 0
                && j != i
                && !(nodes[j].ring == 2 && nodes[j].parent == i)
                && !(node.ring == 2 && node.parent == j)
            {
                let pair = (i.min(j), i.max(j));
                if !chords.contains(&pair) {
                    chords.push(pair);
                }
            }
        }
    }
    chords.sort_unstable();
    Model {
        nodes,
        chords,
        more,
    }
}

/// Hashes everything the local graph of `n` shows, for `serve` to know when to redraw it.
pub fn digest(site: &Site, n: NoteId, depth: u8, h: &mut impl Hasher) {
    let m = model(site, n, depth);
    let colours = site.section_colours();
    for node in &m.nodes {
        let note = &site.corpus.notes[node.note];
        (&note.out_path, &site.graph.titles[node.note]).hash(h);
        (colours[note.section], node.ring, node.parent).hash(h);
        (node.link.out > 0, node.link.inn).hash(h);
        let top = super::top_section(site.corpus, note.section);
        top.map(|s| &site.graph.section_titles[s]).hash(h);
    }
    (&m.chords, m.more).hash(h);
}

/// A label cut into at most `lines` lines no wider than `max` px (an ellipsis ends a cut one).
fn label(text: &str, max: f64, lines: usize) -> Vec<String> {
    let scale = font::FONT_SIZE / FONT;
    let mut out = font::wrap(text, max * scale);
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            last.push('…');
        }
    }
    for l in &mut out {
        while font::width(l) > max * scale && l.chars().count() > 2 {
            let mut s: String = l.chars().collect();
            s.pop();
            s.pop();
            *l = format!("{}…", s.trim_end());
        }
    }
    out
}

/// Where each node is and which side its label goes: (x, y, label to the right).
fn place(m: &Model, w: f64, h: f64) -> Vec<(f64, f64, bool)> {
    let (cx, cy) = (w / 2.0, h / 2.0);
    let ring1: Vec<usize> = (1..m.nodes.len())
        .filter(|&i| m.nodes[i].ring == 1)
        .collect();
    let right = ring1.len().div_ceil(2);
    let mut at = vec![(cx, cy, true); m.nodes.len()];
    let sides = [&ring1[..right], &ring1[right..]];
    for (side, list) in sides.iter().enumerate() {
        let k = list.len();
        let half = (k.max(1) as f64 - 1.0) * STEP / 2.0;
        let ry = half + STEP;
        for (j, &i) in list.iter().enumerate() {
            // The right arc top to bottom, the left one bottom to top: clockwise.
            let t = if side == 0 { j } else { k - 1 - j };
            let dy = t as f64 * STEP - half;
            let dx = ARC_X * (1.0 - (dy / ry).powi(2)).max(0.0).sqrt().max(0.35);
            at[i] = if side == 0 {
                (cx + dx, cy + dy, true)
            } else {
                (cx - dx, cy + dy, false)
            };
        }
    }
    // Second hop: an outer column on each neighbour's side, in its order.
    let outer = ARC_X + GAP + LABEL + 3.0 * GAP;
    for side in [true, false] {
        let list: Vec<usize> = (1..m.nodes.len())
            .filter(|&i| m.nodes[i].ring == 2 && at[m.nodes[i].parent].2 == side)
            .collect();
        let k = list.len();
        let step = (h - 2.0 * PAD - 2.0 * LINE) / (k.max(1) as f64);
        for (j, &i) in list.iter().enumerate() {
            let y = PAD + LINE + step * (j as f64 + 0.5);
            at[i] = if side {
                (cx + outer, y, true)
            } else {
                (cx - outer, y, false)
            };
        }
    }
    at
}

/// Writes a node's label lines beside (`right`) or before it, centred on `y`.
fn text(out: &mut String, x: f64, y: f64, right: bool, lines: &[String]) {
    let anchor = if right { "start" } else { "end" };
    let x = if right { x + GAP } else { x - GAP };
    let top = y - (lines.len() as f64 - 1.0) * LINE / 2.0;
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">",
        num(x),
        num(top)
    );
    for (i, l) in lines.iter().enumerate() {
        // A line that another follows ends with a space, so the lines read as words when
        // joined (screen readers, copy and paste); a trailing space draws nothing.
        let l = if i + 1 < lines.len() {
            format!("{l} ")
        } else {
            l.clone()
        };
        let l = &l;
        if i == 0 {
            let _ = write!(out, "<tspan dy=\".35em\">{}</tspan>", escape_html(l));
        } else {
            let _ = write!(
                out,
                "<tspan x=\"{}\" dy=\"{LINE}\">{}</tspan>",
                num(x),
                escape_html(l)
            );
        }
    }
    out.push_str("</text>");
}

/// How a neighbour is linked, in words (for its accessible name).
fn relation(link: &Neighbour, ring: u8) -> &'static str {
    match (ring, link.out > 0, link.inn) {
        (2, _, _) => "two links away",
        (_, true, true) => "links both ways",
        (_, true, false) => "linked from this note",
        _ => "links to this note",
    }
}

/// The local graph of note `n` as shown on the page `from`: a `<nav>` with the SVG and its
/// legend; empty when the note has no neighbour.
pub fn svg(site: &Site, n: NoteId, from: &str, depth: u8) -> String {
    let m = model(site, n, depth);
    if m.nodes.len() < 2 {
        return String::new();
    }
    let colours = site.section_colours();
    let (w, h) = canvas(&m);
    let at = place(&m, w, h);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<svg class=\"graph graph-local\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"group\" aria-labelledby=\"corem-local-graph\"><g class=\"g-edges\" aria-hidden=\"true\">"
    );
    draw_edges(&mut out, &m, &at);
    out.push_str("</g>");
    draw_neighbours(&mut out, site, &m, &at, colours, from);
    draw_current(&mut out, site, n, at[0], colours);
    out.push_str("</svg>");
    let legend = legend(site, &m, colours, from);
    format!(
        "<nav class=\"local-graph\" aria-labelledby=\"corem-local-graph\">\n<h2 id=\"corem-local-graph\">Linked notes</h2>\n<div class=\"graph-box\">{out}</div>\n{legend}</nav>\n"
    )
}

/// The picture's width and height: the arcs and their labels on both sides (and the outer
/// columns with depth 2), one row per two neighbours, and room for the note's own title.
fn canvas(m: &Model) -> (f64, f64) {
    let ring1 = m.nodes.iter().filter(|x| x.ring == 1).count();
    let second = m.nodes.len() > ring1 + 1;
    let side_w = ARC_X
        + GAP
        + LABEL
        + PAD
        + if second {
            3.0 * GAP + GAP + LABEL2
        } else {
            0.0
        };
    let w = (2.0 * side_w).ceil();
    let rows = ring1.div_ceil(2) as f64;
    let h = ((rows + 1.0) * STEP + 2.0 * LINE).max(130.0).ceil();
    (w, h)
}

/// The lines: first the links between shown notes, then each note's line to the middle (or,
/// for a second-hop note, to its neighbour), styled by the way the link goes.
fn draw_edges(out: &mut String, m: &Model, at: &[(f64, f64, bool)]) {
    for &(i, j) in &m.chords {
        let _ = write!(
            out,
            "<path class=\"g-chord\" d=\"M{} {}L{} {}\"/>",
            num(at[i].0),
            num(at[i].1),
            num(at[j].0),
            num(at[j].1)
        );
    }
    for (i, node) in m.nodes.iter().enumerate().skip(1) {
        let (from_x, from_y) = if node.ring == 2 {
            (at[node.parent].0, at[node.parent].1)
        } else {
            (at[0].0, at[0].1)
        };
        let class = match (node.ring, node.link.out > 0, node.link.inn) {
            (2, _, _) => "g-chord",
            (_, true, true) => "g-e g-both",
            (_, true, false) => "g-e",
            _ => "g-e g-in",
        };
        let _ = write!(
            out,
            "<path class=\"{class}\" d=\"M{} {}L{} {}\"/>",
            num(from_x),
            num(from_y),
            num(at[i].0),
            num(at[i].1)
        );
    }
}

/// Every shown note but the middle one: a link with its accessible name (title, section, how
/// it is linked), its disc and its label.
fn draw_neighbours(
    out: &mut String,
    site: &Site,
    m: &Model,
    at: &[(f64, f64, bool)],
    colours: &[usize],
    from: &str,
) {
    let corpus = site.corpus;
    for (i, node) in m.nodes.iter().enumerate().skip(1) {
        let note = &corpus.notes[node.note];
        let t = &site.graph.titles[node.note];
        let section = super::top_section(corpus, note.section)
            .map(|s| &site.graph.section_titles[s])
            .filter(|s| *s != t)
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let (x, y, right) = at[i];
        let lines = if node.ring == 2 {
            label(t, LABEL2, 1)
        } else {
            label(t, LABEL, 2)
        };
        let _ = write!(
            out,
            "<a class=\"g-n g-c{} g-r{}\" href=\"{}\"><title>{}{}: {}</title><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
            colours[note.section] % COLOURS,
            node.ring,
            escape_attr(&rel_url(from, &note.out_path)),
            escape_html(t),
            escape_html(&section),
            relation(&node.link, node.ring),
            num(x),
            num(y),
            if node.ring == 2 { 4.5 } else { 6.5 }
        );
        text(out, x, y, right, &lines);
        out.push_str("</a>");
    }
}

/// The note itself in the middle, at `(x, y)`: a larger disc with its title centred below.
fn draw_current(
    out: &mut String,
    site: &Site,
    n: NoteId,
    (x, y, _): (f64, f64, bool),
    colours: &[usize],
) {
    let lines = label(&site.graph.titles[n], LABEL * 1.2, 2);
    let _ = write!(
        out,
        "<g class=\"g-n g-current g-c{}\" aria-current=\"page\"><circle cx=\"{}\" cy=\"{}\" r=\"9\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">",
        colours[site.corpus.notes[n].section] % COLOURS,
        num(x),
        num(y),
        num(x),
        num(y + 9.0 + LINE)
    );
    for (i, l) in lines.iter().enumerate() {
        let _ = write!(
            out,
            "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
            num(x),
            if i == 0 { 0.0 } else { LINE },
            escape_html(l)
        );
    }
    out.push_str("</text></g>");
}

/// The sections shown and what the lines mean, then how many neighbours are left out and a
/// link to the whole graph.
fn legend(site: &Site, m: &Model, colours: &[usize], from: &str) -> String {
    let mut seen: Vec<(usize, String)> = Vec::new();
    for node in &m.nodes {
        let note = &site.corpus.notes[node.note];
        let name = super::top_section(site.corpus, note.section)
            .map(|s| site.graph.section_titles[s].clone())
            .unwrap_or_else(|| site.graph.section_titles[0].clone());
        let c = colours[note.section] % COLOURS;
        if !seen.iter().any(|(k, n)| *k == c && *n == name) {
            seen.push((c, name));
        }
    }
    seen.sort();
    let mut out = String::from("<p class=\"graph-legend\">");
    for (c, name) in &seen {
        let _ = write!(
            out,
            "<span class=\"g-key\"><span class=\"g-dot g-c{c}\" aria-hidden=\"true\"></span>{}</span> ",
            escape_html(name)
        );
    }
    out.push_str("<span class=\"g-key\"><span class=\"g-line\" aria-hidden=\"true\"></span>links to</span> <span class=\"g-key\"><span class=\"g-line g-in\" aria-hidden=\"true\"></span>links here</span>");
    if m.more > 0 {
        let _ = write!(
            out,
            " <span class=\"g-key\">{} more not shown</span>",
            m.more
        );
    }
    if site.project.config.navigation.graph_page {
        let _ = write!(
            out,
            " <a class=\"g-all\" href=\"{}\">Graph of all notes</a>",
            escape_attr(&rel_url(from, super::site::PAGE))
        );
    }
    out.push_str("</p>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(ring: u8) -> Node {
        Node {
            note: 0,
            ring,
            link: Neighbour {
                note: 0,
                out: 1,
                inn: false,
            },
            parent: 0,
        }
    }

    #[test]
    fn the_canvas_grows_with_rows_and_the_outer_columns() {
        let mut m = Model {
            nodes: vec![node(0), node(1), node(1), node(1)],
            ..Model::default()
        };
        // Two rows of neighbours; each side: arc, gap, label, padding (202 px).
        assert_eq!(canvas(&m), (404.0, 156.0));
        m.nodes.push(node(2));
        // With depth 2 each side also holds the outer column (140 px more).
        assert_eq!(canvas(&m), (684.0, 156.0));
        m.nodes.truncate(2);
        assert_eq!(canvas(&m).1, 130.0, "never lower than 130 px");
    }

    #[test]
    fn labels_fit_their_width() {
        let l = label(
            "Consistency patterns and the many ways to break them",
            LABEL,
            2,
        );
        assert_eq!(l.len(), 2);
        assert!(l[1].ends_with('…'));
        let scale = font::FONT_SIZE / FONT;
        assert!(l.iter().all(|x| font::width(x) <= LABEL * scale));
        assert_eq!(label("CAP theorem", LABEL, 2), ["CAP theorem"]);
    }
}
