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
use crate::load::{Corpus, NoteId, SectionId};
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
    /// The section's title.
    pub title: String,
    /// Its page, relative to the graph page.
    pub url: String,
    /// Its colour (`g-c0` … `g-c7`).
    pub colour: usize,
    /// How many notes it holds.
    pub notes: usize,
}

/// What `graph.html` shows.
#[derive(Serialize, Debug, Default)]
pub struct SiteGraph {
    /// The picture.
    pub svg: String,
    /// How many notes it shows.
    pub notes: usize,
    /// How many links between notes it stands for.
    pub links: usize,
    /// The legend: the sections that hold notes, in reading order.
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
    let notes = SiteNotes::collect(site);
    let colours = section_colours(corpus);
    // Past NODE_LIMIT notes are dots: a coarser layout looks the same and costs a sixth.
    let detail = if notes.order.len() > NODE_LIMIT {
        layout::Detail::Coarse
    } else {
        layout::Detail::Full
    };
    let lay = layout::clustered(
        &notes.groups,
        &notes.size,
        &notes.edges,
        notes.group_sections.len(),
        detail,
    );
    let bundled = notes.edges.len() > EDGE_LIMIT;
    let view = view_box(&lay, notes.order.is_empty());
    // Labels shown before a script runs, for a view about NOMINAL_WIDTH px wide.
    let s0 = NOMINAL_WIDTH / view.2;
    let mut svg = String::with_capacity(notes.order.len() * 160 + notes.edges.len() * 24);
    let (vx, vy, vw, vh) = view;
    let labels = initial_labels(s0);
    let _ = write!(
        svg,
        "<svg id=\"site-graph\" class=\"graph graph-site\" viewBox=\"{vx} {vy} {vw} {vh}\" role=\"group\" aria-label=\"Every note, grouped by section\" data-labels=\"{labels}\" data-all=\"{LABELS_ALL}\" data-hubs=\"{LABELS_HUBS}\">"
    );
    draw_areas(&mut svg, &lay, &colours, &notes.group_sections);
    draw_links(&mut svg, &lay, &notes.groups, &notes.edges, bundled);
    let dots = notes.order.len() > NODE_LIMIT;
    svg.push_str("<g class=\"g-hl\" aria-hidden=\"true\"></g><g class=\"g-nodes\">");
    if dots {
        draw_dots(&mut svg, corpus, &notes.order, &lay, &colours);
    } else {
        draw_notes(&mut svg, site, from, &notes, &lay, &colours);
    }
    svg.push_str("</g><g class=\"g-names\" aria-hidden=\"true\">");
    draw_names(&mut svg, site, &lay, &notes.group_sections, s0);
    svg.push_str("</g></svg>");
    SiteGraph {
        svg,
        notes: notes.order.len(),
        links: notes.edges.len(),
        sections: section_keys(site, from, &notes, &colours),
        bundled,
        data: if dots {
            dots_data(site, from, &notes, &lay)
        } else {
            serde_json::to_string(&notes.out).unwrap_or_else(|_| "[]".into())
        },
    }
}

/// The notes of the graph and what their links make of them, before any layout: indexes are
/// positions in `order` (reading order).
struct SiteNotes {
    order: Vec<NoteId>,
    /// Each note's distinct links out.
    out: Vec<Vec<usize>>,
    /// Each note's group: the sections that hold notes, numbered in reading order.
    groups: Vec<usize>,
    /// Each group's section.
    group_sections: Vec<SectionId>,
    /// Links in and out of each note.
    degree: Vec<usize>,
    /// Every link, as (from, to).
    edges: Vec<(usize, usize)>,
    /// Each note's size, from 1 (no link) to 2 (36 links or more).
    size: Vec<f64>,
}

impl SiteNotes {
    /// The site's notes, their section groups, links, degrees and sizes.
    fn collect(site: &Site) -> SiteNotes {
        let (order, out) = notes_and_edges(site);
        let note_sections: Vec<SectionId> = order
            .iter()
            .map(|&n| site.corpus.notes[n].section)
            .collect();
        let (groups, group_sections) = section_groups(&note_sections, site.corpus.sections.len());
        let (degree, edges) = degrees_and_edges(&out);
        let size = degree
            .iter()
            .map(|&d| 1.0 + (d as f64).sqrt().min(6.0) / 6.0)
            .collect();
        SiteNotes {
            order,
            out,
            groups,
            group_sections,
            degree,
            edges,
            size,
        }
    }
}

/// Groups the notes by section: each note's group and each group's section, the groups
/// numbered in the order their first note comes (`note_sections` is in reading order).
fn section_groups(note_sections: &[SectionId], sections: usize) -> (Vec<usize>, Vec<SectionId>) {
    let mut group_of_section = vec![usize::MAX; sections];
    let mut group_sections = Vec::new();
    let groups = note_sections
        .iter()
        .map(|&s| {
            if group_of_section[s] == usize::MAX {
                group_of_section[s] = group_sections.len();
                group_sections.push(s);
            }
            group_of_section[s]
        })
        .collect();
    (groups, group_sections)
}

/// Each note's degree (links out plus links in) and the list of links, from the links out.
fn degrees_and_edges(out: &[Vec<usize>]) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut degree = vec![0usize; out.len()];
    let mut edges = Vec::new();
    for (i, list) in out.iter().enumerate() {
        for &j in list {
            degree[i] += 1;
            degree[j] += 1;
            edges.push((i, j));
        }
    }
    (degree, edges)
}

/// The degree from which a note is a hub (its label shows before one zooms in): that of the
/// note at [`HUB_SHARE`] of the list, most linked first, and at least 1.
fn hub_threshold(degree: &[usize]) -> usize {
    let mut by_degree: Vec<usize> = degree.to_vec();
    by_degree.sort_unstable_by(|a, b| b.cmp(a));
    by_degree
        .get(((degree.len() as f64 * HUB_SHARE) as usize).min(degree.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0)
        .max(1)
}

/// The picture's view box (x, y, width, height): the section discs with room for their names
/// and a margin; a fixed square when the site has no note.
fn view_box(lay: &layout::Layout, empty: bool) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y, r) in &lay.groups {
        x0 = x0.min(x - r);
        y0 = y0.min(y - r - 30.0);
        x1 = x1.max(x + r + 60.0);
        y1 = y1.max(y + r);
    }
    if empty {
        (x0, y0, x1, y1) = (0.0, 0.0, 100.0, 100.0);
    }
    let pad = 20.0;
    (
        (x0 - pad).floor(),
        (y0 - pad).floor(),
        (x1 - x0 + 2.0 * pad).ceil(),
        (y1 - y0 + 2.0 * pad).ceil(),
    )
}

/// Which labels show before a script runs, at `scale` screen px per unit.
fn initial_labels(scale: f64) -> &'static str {
    if scale >= LABELS_ALL {
        "all"
    } else if scale >= LABELS_HUBS {
        "hubs"
    } else {
        "none"
    }
}

/// The section discs, tinted in their section's colour.
fn draw_areas(svg: &mut String, lay: &layout::Layout, colours: &[usize], group_sections: &[usize]) {
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
}

/// The notes of a large site as dots, one path per colour: it opens fast; graph.js finds,
/// labels and opens the notes from the page's data.
fn draw_dots(
    svg: &mut String,
    corpus: &Corpus,
    order: &[NoteId],
    lay: &layout::Layout,
    colours: &[usize],
) {
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

/// Each note as a link with a disc sized by its links and its title (hubs marked).
fn draw_notes(
    svg: &mut String,
    site: &Site,
    from: &str,
    notes: &SiteNotes,
    lay: &layout::Layout,
    colours: &[usize],
) {
    let hub_at = hub_threshold(&notes.degree);
    for (i, &n) in notes.order.iter().enumerate() {
        let note = &site.corpus.notes[n];
        let (x, y) = lay.nodes[i];
        let r = 2.5 + 2.5 * (notes.size[i] - 1.0) * 2.0;
        let title = &site.graph.titles[n];
        let _ = write!(
            svg,
            "<a class=\"g-n g-c{}{}\" href=\"{}\" data-i=\"{i}\"><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text></a>",
            colours[note.section] % COLOURS,
            if notes.degree[i] >= hub_at {
                " g-hub"
            } else {
                ""
            },
            escape_attr(&rel_url(from, &note.out_path)),
            num(x),
            num(y),
            num(r),
            num(x + r + 3.0),
            num(y + 4.0),
            escape_html(title)
        );
    }
}

/// The sections' names above their discs, sized for the view at `scale` screen px per unit.
fn draw_names(
    svg: &mut String,
    site: &Site,
    lay: &layout::Layout,
    group_sections: &[usize],
    scale: f64,
) {
    for (g, &(x, y, r)) in lay.groups.iter().enumerate() {
        let _ = write!(
            svg,
            "<text class=\"g-sec\" x=\"{}\" y=\"{}\" data-r=\"{}\" style=\"font-size:{}px\">{}</text>",
            num(x),
            num(y - r - 8.0),
            num(r),
            num((15.0 / scale).min(r * 0.3)),
            escape_html(&site.graph.section_titles[group_sections[g]])
        );
    }
}

/// The legend: each section with notes, its colour and its number of notes.
fn section_keys(site: &Site, from: &str, notes: &SiteNotes, colours: &[usize]) -> Vec<SectionKey> {
    let mut counts = vec![0usize; notes.group_sections.len()];
    for &g in &notes.groups {
        counts[g] += 1;
    }
    notes
        .group_sections
        .iter()
        .zip(&counts)
        .map(|(&s, &c)| SectionKey {
            title: site.graph.section_titles[s].clone(),
            url: rel_url(from, &site.corpus.sections[s].out_path()),
            colour: colours[s] % COLOURS,
            notes: c,
        })
        .collect()
}

/// The page's data when notes are dots: links out, titles, addresses and positions, from
/// which graph.js finds, labels and opens the notes.
fn dots_data(site: &Site, from: &str, notes: &SiteNotes, lay: &layout::Layout) -> String {
    let mut xy = Vec::with_capacity(2 * notes.order.len());
    for p in &lay.nodes {
        xy.extend([p.0, p.1]);
    }
    serde_json::json!({
        "l": notes.out,
        "t": notes.order.iter().map(|&n| &site.graph.titles[n]).collect::<Vec<_>>(),
        "u": notes.order.iter().map(|&n| rel_url(from, &site.corpus.notes[n].out_path)).collect::<Vec<_>>(),
        "p": xy,
    })
    .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_numbered_by_their_first_note() {
        // Notes of sections 3, 0, 3, 5, 0 in reading order.
        let (groups, sections) = section_groups(&[3, 0, 3, 5, 0], 6);
        assert_eq!(groups, [0, 1, 0, 2, 1]);
        assert_eq!(sections, [3, 0, 5]);
    }

    #[test]
    fn degrees_count_both_ends_of_each_link() {
        let (degree, edges) = degrees_and_edges(&[vec![1, 2], vec![2], vec![]]);
        assert_eq!(degree, [2, 2, 2]);
        assert_eq!(edges, [(0, 1), (0, 2), (1, 2)]);
    }

    #[test]
    fn hubs_are_the_most_linked_fifth() {
        let degree: Vec<usize> = (0..10).collect();
        // Most linked first: 9 8 7 …; a fifth of 10 notes is the third in that list.
        assert_eq!(hub_threshold(&degree), 7);
        assert_eq!(hub_threshold(&[0, 0, 0]), 1);
        assert_eq!(hub_threshold(&[]), 1);
    }

    #[test]
    fn the_view_holds_every_disc_and_its_name() {
        let lay = layout::Layout {
            nodes: vec![],
            groups: vec![(0.0, 0.0, 10.0), (100.0, 50.0, 20.0)],
        };
        // x from -10 to 180 (name room 60 right of the second), y from -40 (name above the
        // first) to 70; 20 of margin each side.
        assert_eq!(view_box(&lay, false), (-30.0, -60.0, 230.0, 150.0));
        assert_eq!(view_box(&lay, true), (-20.0, -20.0, 140.0, 140.0));
    }

    #[test]
    fn labels_show_by_scale() {
        assert_eq!(initial_labels(2.0), "all");
        assert_eq!(initial_labels(LABELS_HUBS), "hubs");
        assert_eq!(initial_labels(0.1), "none");
    }
}
