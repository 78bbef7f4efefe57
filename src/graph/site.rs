//! `graph.html`: every note and link of the site, laid out at build time ([`super::layout`],
//! clustered by section) and written as one SVG. Each note is a link with its title; each
//! section a tinted disc with its name. Without a script the picture is all there (fitted to
//! the page); `static/graph.js` adds zoom and pan, shows more labels as one zooms in, and finds
//! notes by title. Large sites stay light: above [`EDGE_LIMIT`] links, the links between notes
//! are not drawn one by one but as one bundle per pair of linked sections (the notes' own
//! links are in the page's data, drawn for the note one finds or points at); above
//! [`NODE_LIMIT`] notes, the notes are dots and their titles and addresses are in the data too.

use std::fmt::Write as _;

use serde::Serialize;

use super::{COLOURS, layout, links_out, num, section_colours};
use crate::load::NoteId;
use crate::markdown::{escape_attr, escape_html};
use crate::render::{Site, rel_url};

/// The page's output path.
pub const PAGE: &str = "graph.html";

/// Above this many notes, notes are drawn as dots (one path per colour) and graph.js finds,
/// labels and opens them from the page's data: 10,000 `<a>` elements in an SVG take a second
/// to lay out, 8 paths take milliseconds.
pub const NODE_LIMIT: usize = 2000;
/// Above this many links, links between notes are drawn as section bundles.
pub const EDGE_LIMIT: usize = 4000;
/// Notes whose labels show before one zooms in, as a share of all notes (the most linked).
const HUB_SHARE: f64 = 0.2;
/// Scales (screen px per unit) from which every label, or the most linked notes' labels, show.
const LABELS_ALL: f64 = 1.6;
const LABELS_HUBS: f64 = 0.5;
/// Width of the graph view assumed for the page as written (the script refits it).
const NOMINAL_WIDTH: f64 = 1100.0;

/// A section in the legend.
#[derive(Serialize, Debug)]
pub struct SectionKey {
    pub title: String,
    pub url: String,
    pub colour: usize,
    pub notes: usize,
}

/// What `graph.html` shows.
#[derive(Serialize, Debug, Default)]
pub struct SiteGraph {
    pub svg: String,
    pub notes: usize,
    pub links: usize,
    pub sections: Vec<SectionKey>,
    /// True when links are drawn as section bundles.
    pub bundled: bool,
    /// Each note's links out, as indexes in the order of the SVG's notes (JSON), for the
    /// script to draw the links of the note found.
    pub data: String,
}

/// The notes in reading order, with their distinct links out (as indexes in that order).
fn notes_and_edges(site: &Site) -> (Vec<NoteId>, Vec<Vec<usize>>) {
    let order = site.graph.order.clone();
    let mut index = vec![usize::MAX; site.corpus.notes.len()];
    for (i, &n) in order.iter().enumerate() {
        index[n] = i;
    }
    let out = order
        .iter()
        .map(|&n| {
            links_out(site.graph, n)
                .into_iter()
                .map(|(m, _)| index[m])
                .filter(|&j| j != usize::MAX)
                .collect()
        })
        .collect();
    (order, out)
}

/// Lays out and draws the whole site, as seen from the page `from`.
pub fn build(site: &Site, from: &str) -> SiteGraph {
    let corpus = site.corpus;
    let (order, out) = notes_and_edges(site);
    let colours = section_colours(corpus);
    // Groups: the sections that hold notes, in reading order.
    let mut group_of_section = vec![usize::MAX; corpus.sections.len()];
    let mut group_sections = Vec::new();
    let groups: Vec<usize> = order
        .iter()
        .map(|&n| {
            let s = corpus.notes[n].section;
            if group_of_section[s] == usize::MAX {
                group_of_section[s] = group_sections.len();
                group_sections.push(s);
            }
            group_of_section[s]
        })
        .collect();
    let mut degree = vec![0usize; order.len()];
    let mut edges = Vec::new();
    for (i, list) in out.iter().enumerate() {
        for &j in list {
            degree[i] += 1;
            degree[j] += 1;
            edges.push((i, j));
        }
    }
    let size: Vec<f64> = degree
        .iter()
        .map(|&d| 1.0 + (d as f64).sqrt().min(6.0) / 6.0)
        .collect();
    // Past NODE_LIMIT notes are dots: a coarser layout looks the same and costs a sixth.
    let detail = if order.len() > NODE_LIMIT {
        layout::Detail::Coarse
    } else {
        layout::Detail::Full
    };
    let lay = layout::clustered(&groups, &size, &edges, group_sections.len(), detail);
    let bundled = edges.len() > EDGE_LIMIT;
    let mut by_degree: Vec<usize> = degree.clone();
    by_degree.sort_unstable_by(|a, b| b.cmp(a));
    let hub_at = by_degree
        .get(((order.len() as f64 * HUB_SHARE) as usize).min(order.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0)
        .max(1);

    // The picture's bounds, with room for labels.
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y, r) in &lay.groups {
        x0 = x0.min(x - r);
        y0 = y0.min(y - r - 30.0);
        x1 = x1.max(x + r + 60.0);
        y1 = y1.max(y + r);
    }
    if order.is_empty() {
        (x0, y0, x1, y1) = (0.0, 0.0, 100.0, 100.0);
    }
    let pad = 20.0;
    let (vx, vy, vw, vh) = (
        (x0 - pad).floor(),
        (y0 - pad).floor(),
        (x1 - x0 + 2.0 * pad).ceil(),
        (y1 - y0 + 2.0 * pad).ceil(),
    );
    // Labels shown before a script runs, for a view about NOMINAL_WIDTH px wide.
    let s0 = NOMINAL_WIDTH / vw;
    let labels = if s0 >= LABELS_ALL {
        "all"
    } else if s0 >= LABELS_HUBS {
        "hubs"
    } else {
        "none"
    };
    let mut svg = String::with_capacity(order.len() * 160 + edges.len() * 24);
    let _ = write!(
        svg,
        "<svg id=\"site-graph\" class=\"graph graph-site\" viewBox=\"{vx} {vy} {vw} {vh}\" role=\"group\" aria-label=\"Every note, grouped by section\" data-labels=\"{labels}\" data-all=\"{LABELS_ALL}\" data-hubs=\"{LABELS_HUBS}\">"
    );
    // Section discs.
    svg.push_str("<g class=\"g-areas\" aria-hidden=\"true\">");
    for (g, &(x, y, r)) in lay.groups.iter().enumerate() {
        let _ = write!(
            svg,
            "<circle class=\"g-area g-c{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
            colours[group_sections[g]] % COLOURS,
            num(x),
            num(y),
            num(r)
        );
    }
    svg.push_str("</g>");
    draw_links(&mut svg, &lay, &groups, &edges, bundled);
    let dots = order.len() > NODE_LIMIT;
    svg.push_str("<g class=\"g-hl\" aria-hidden=\"true\"></g><g class=\"g-nodes\">");
    if dots {
        // One path of dots per colour: a large site opens fast; graph.js finds, labels and
        // opens the notes from the page's data.
        let mut paths = vec![String::new(); COLOURS];
        for (i, &n) in order.iter().enumerate() {
            let (x, y) = lay.nodes[i];
            let c = colours[corpus.notes[n].section] % COLOURS;
            let _ = write!(paths[c], "M{} {}h0", num(x), num(y));
        }
        for (c, d) in paths.iter().enumerate().filter(|(_, d)| !d.is_empty()) {
            let _ = write!(svg, "<path class=\"g-dots g-c{c}\" d=\"{d}\"/>");
        }
    }
    for (i, &n) in order.iter().enumerate().filter(|_| !dots) {
        let note = &corpus.notes[n];
        let (x, y) = lay.nodes[i];
        let r = 2.5 + 2.5 * (size[i] - 1.0) * 2.0;
        let title = &site.graph.titles[n];
        let _ = write!(
            svg,
            "<a class=\"g-n g-c{}{}\" href=\"{}\" data-i=\"{i}\"><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text></a>",
            colours[note.section] % COLOURS,
            if degree[i] >= hub_at { " g-hub" } else { "" },
            escape_attr(&rel_url(from, &note.out_path)),
            num(x),
            num(y),
            num(r),
            num(x + r + 3.0),
            num(y + 4.0),
            escape_html(title)
        );
    }
    svg.push_str("</g><g class=\"g-names\" aria-hidden=\"true\">");
    for (g, &(x, y, r)) in lay.groups.iter().enumerate() {
        let _ = write!(
            svg,
            "<text class=\"g-sec\" x=\"{}\" y=\"{}\" data-r=\"{}\" style=\"font-size:{}px\">{}</text>",
            num(x),
            num(y - r - 8.0),
            num(r),
            num((15.0 / s0).min(r * 0.3)),
            escape_html(&site.graph.section_titles[group_sections[g]])
        );
    }
    svg.push_str("</g></svg>");

    let mut counts = vec![0usize; group_sections.len()];
    for &g in &groups {
        counts[g] += 1;
    }
    let sections = group_sections
        .iter()
        .zip(&counts)
        .map(|(&s, &c)| SectionKey {
            title: site.graph.section_titles[s].clone(),
            url: rel_url(from, &corpus.sections[s].out_path()),
            colour: colours[s] % COLOURS,
            notes: c,
        })
        .collect();
    SiteGraph {
        svg,
        notes: order.len(),
        links: edges.len(),
        sections,
        bundled,
        data: if dots {
            let mut xy = Vec::with_capacity(2 * order.len());
            for p in &lay.nodes {
                xy.extend([p.0, p.1]);
            }
            serde_json::json!({
                "l": out,
                "t": order.iter().map(|&n| &site.graph.titles[n]).collect::<Vec<_>>(),
                "u": order.iter().map(|&n| rel_url(from, &corpus.notes[n].out_path)).collect::<Vec<_>>(),
                "p": xy,
            })
            .to_string()
        } else {
            serde_json::to_string(&out).unwrap_or_else(|_| "[]".into())
        },
    }
}

/// The links: each one (small sites), or one bundle per pair of linked sections, its width
/// growing with the number of links it stands for.
fn draw_links(
    svg: &mut String,
    lay: &layout::Layout,
    groups: &[usize],
    edges: &[(usize, usize)],
    bundled: bool,
) {
    svg.push_str("<g class=\"g-links\" aria-hidden=\"true\">");
    if !bundled {
        let mut d = String::with_capacity(edges.len() * 24);
        for &(a, b) in edges {
            let (p, q) = (lay.nodes[a], lay.nodes[b]);
            let _ = write!(d, "M{} {}L{} {}", num(p.0), num(p.1), num(q.0), num(q.1));
        }
        if !d.is_empty() {
            let _ = write!(svg, "<path class=\"g-link\" d=\"{d}\"/>");
        }
    } else {
        let mut between: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
        for &(a, b) in edges {
            let (ga, gb) = (groups[a], groups[b]);
            if ga != gb {
                *between.entry((ga.min(gb), ga.max(gb))).or_insert(0) += 1;
            }
        }
        // The strongest bundles: at most three per section, enough to see the structure.
        let mut list: Vec<((usize, usize), usize)> = between.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut per = vec![0usize; lay.groups.len()];
        let max = list.first().map_or(1, |x| x.1) as f64;
        for ((a, b), w) in list {
            if per[a] >= 3 && per[b] >= 3 {
                continue;
            }
            per[a] += 1;
            per[b] += 1;
            let (p, q) = (lay.groups[a], lay.groups[b]);
            let _ = write!(
                svg,
                "<path class=\"g-bundle\" d=\"M{} {}L{} {}\" stroke-width=\"{}\"/>",
                num(p.0),
                num(p.1),
                num(q.0),
                num(q.1),
                num(1.0 + 7.0 * (w as f64 / max).sqrt())
            );
        }
    }
    svg.push_str("</g>");
}
