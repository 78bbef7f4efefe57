//! Node-and-edge diagrams (flowcharts, state, class and ER diagrams): sizes from the measured
//! labels, the layered layout, and the SVG. The shapes themselves are in [`super::shapes`].
//!
//! [`draw`] runs in phases: subgraphs with a direction of their own are drawn first, as one
//! node of their parent ([`collapse_directed`]); then [`measure`] sizes every node and
//! self-loop label, [`run_layout`] places everything, and the SVG is written back to front —
//! [`draw_clusters`], [`draw_edges`] (links to a subgraph end at its border), [`draw_loops`],
//! [`draw_nodes`] — with edge labels last so nothing covers them.

use std::fmt::Write as _;

use super::font;
use super::layout::{self, Dir, LCluster, LEdge, LNode, LayoutOut, Path, Rect, TooBig};
use super::shapes::{self, Sized};
use super::svg::{self, Anchor, ID, num};

/// Widest a label line gets before it wraps, in px.
pub const WRAP: f64 = 200.0;
pub(super) const PAD_X: f64 = 14.0;
pub(super) const PAD_Y: f64 = 8.0;
const LOOP: f64 = 26.0;
const MARGIN: f64 = 8.0;

/// A node's outline, from Mermaid's brackets (`[ ]`, `( )`, `{ }` …) or `@{ shape: … }`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// `[text]`: a rectangle.
    Rect,
    /// `(text)`: a rectangle with round corners.
    Round,
    /// `([text])`: round ends.
    Stadium,
    /// `[[text]]`: a rectangle with double sides.
    Subroutine,
    /// `[(text)]`: a database.
    Cylinder,
    /// `((text))`.
    Circle,
    /// `(((text)))`.
    DoubleCircle,
    /// `{text}`: a decision.
    Diamond,
    /// `{{text}}`.
    Hexagon,
    /// `[/text/]`: leaning right.
    Parallelogram,
    /// `[\text\]`: leaning left.
    ParallelogramAlt,
    /// `[/text\]`: wider at the bottom.
    Trapezoid,
    /// `[\text/]`: wider at the top.
    TrapezoidAlt,
    /// `>text]`: a flag pointing left.
    Asymmetric,
    /// State diagram start (a filled dot).
    Start,
    /// State diagram end (a ringed dot).
    End,
    /// Fork or join bar.
    Bar,
    /// A class box: the label's first line is the name; `sections` follow, left-aligned.
    Class,
    /// An ER entity: the name, then `table` rows in aligned columns.
    Entity,
    /// A document with a wavy bottom (`doc`), lined (`lin-doc`), stacked (`docs`), tagged.
    Document,
    /// A document with a line along its left side (`lin-doc`).
    LinedDocument,
    /// Stacked documents (`docs`).
    MultiDocument,
    /// A document with a folded corner (`tag-doc`).
    TaggedDocument,
    /// A card: the top-left corner cut (`notch-rect`).
    NotchedRect,
    /// A process with a line along its left side (`lin-rect`).
    LinedRect,
    /// A process divided under a header strip (`div-rect`).
    DividedRect,
    /// A process with a folded corner (`tag-rect`).
    TaggedRect,
    /// Stacked processes (`st-rect`).
    StackedRect,
    /// Internal storage: lines along the top and the left (`win-pane`).
    WindowPane,
    /// Small circle (`sm-circ`), framed circle (`fr-circ`), filled circle (`f-circ`), crossed
    /// circle (`cross-circ`): markers without a label.
    SmallCircle,
    /// A ring around a dot (`fr-circ`).
    FramedCircle,
    /// A filled dot (`f-circ`).
    FilledCircle,
    /// A circle with a cross (`cross-circ`).
    CrossedCircle,
    /// Collate (`hourglass`): the label below the shape.
    Hourglass,
    /// Communication link (`bolt`).
    Bolt,
    /// Comments: a brace on the left (`brace`), right (`brace-r`) or both sides (`braces`).
    BraceLeft,
    /// A brace on the right (`brace-r`).
    BraceRight,
    /// Braces on both sides (`braces`).
    Braces,
    /// Text without a border (`text`).
    Text,
    /// Direct access storage: a cylinder on its side (`h-cyl`).
    HCylinder,
    /// Disk storage: a cylinder with a second rim (`lin-cyl`).
    LinedCylinder,
    /// Display (`curv-trap`).
    CurvedTrapezoid,
    /// Delay: a rectangle with a round right side (`delay`).
    Delay,
    /// Extract (`tri`) and manual file (`flip-tri`).
    Triangle,
    /// Manual file: a triangle pointing down (`flip-tri`).
    FlippedTriangle,
    /// Manual input: a sloped top (`sl-rect`).
    SlopedRect,
    /// Loop limit: the top corners cut (`notch-pent`).
    NotchedPentagon,
    /// Paper tape: wavy top and bottom (`flag`).
    Flag,
    /// Stored data: curved sides (`bow-rect`).
    BowTieRect,
    /// A cloud (`cloud`; mindmaps: `)text(`).
    Cloud,
    /// A burst (`bang`; mindmaps: `))text((`).
    Bang,
    /// A subgraph drawn on its own (its own direction): `Node::sub` holds the drawing.
    Sub,
    /// Holds an empty subgraph open; not drawn.
    Hidden,
}

/// Styling a diagram's source may ask for that corem keeps: line patterns and weight (colours
/// always come from the theme).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Style {
    /// `stroke-dasharray`: a dashed outline or line.
    pub dashed: bool,
    /// `stroke-width` of 2.5px or more: a heavier outline or line.
    pub thick: bool,
    /// `font-weight: bold`: the label in bold.
    pub bold: bool,
}

/// Gives the nodes named in `classes` (node id, class name) the style of their class, for the
/// diagram types whose `classDef`s only dash, thicken or embolden (class and state diagrams).
pub fn apply_classes(
    nodes: &mut [Node],
    ids: &std::collections::HashMap<String, usize>,
    defs: &std::collections::HashMap<String, Style>,
    classes: &[(String, String)],
) {
    for (id, class) in classes {
        if let (Some(&n), Some(s)) = (ids.get(id), defs.get(class)) {
            nodes[n].apply_style(*s);
        }
    }
}

/// A node of a graph diagram, as its parser read it.
#[derive(Debug, Clone)]
pub struct Node {
    /// The label (inline Markdown marks already applied).
    pub label: String,
    /// Its outline.
    pub shape: Shape,
    /// The innermost subgraph (cluster) holding it.
    pub cluster: Option<usize>,
    /// Extra compartments (class members), each a list of lines.
    pub sections: Vec<Vec<String>>,
    /// A line shown small above the name (`«interface»`).
    pub annotation: Option<String>,
    /// ER attribute rows: type, name, keys, comment.
    pub table: Vec<[String; 4]>,
    /// Styling from `style`, `classDef` and `:::`.
    pub style: Style,
    /// Index of this node's `click` link (see [`super::Rendered::links`]).
    pub link: Option<usize>,
    /// The drawing of a subgraph shown as this node.
    pub sub: Option<Box<Drawn>>,
}

impl Node {
    /// Adds a class or `style` statement's styling: dashes, weight, and a bold label.
    pub fn apply_style(&mut self, s: Style) {
        self.style.dashed |= s.dashed;
        self.style.thick |= s.thick;
        if s.bold && !self.style.bold {
            self.style.bold = true;
            self.label = format!("{b}{}{b}", self.label, b = svg::BOLD);
        }
    }

    /// A node with nothing but a label, a shape and its cluster.
    pub fn new(label: impl Into<String>, shape: Shape, cluster: Option<usize>) -> Self {
        Node {
            label: label.into(),
            shape,
            cluster,
            sections: Vec::new(),
            annotation: None,
            table: Vec::new(),
            style: Style::default(),
            link: None,
            sub: None,
        }
    }
}

/// How an edge's line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stroke {
    /// `-->`.
    Solid,
    /// `-.->` (and ER's non-identifying relationships).
    Dotted,
    /// `==>`.
    Thick,
    /// `~~~`: laid out, not drawn.
    Invisible,
}

/// An edge of a graph diagram, between two nodes (indexes in [`Graph::nodes`]).
#[derive(Debug, Clone)]
pub struct Edge {
    /// Where it starts.
    pub from: usize,
    /// Where it ends.
    pub to: usize,
    /// Its label, if any.
    pub label: Option<String>,
    /// How its line is drawn.
    pub stroke: Stroke,
    /// Marker names (see [`svg::marker`]) at the start and the end.
    pub start: Option<&'static str>,
    /// Marker name at the end.
    pub end: Option<&'static str>,
    /// Fewest ranks it spans (a longer arrow in the source asks for more).
    pub minlen: usize,
    /// The edge starts / ends at this subgraph's border (`from` / `to` is a node inside it).
    pub from_cluster: Option<usize>,
    /// The edge ends at this subgraph's border.
    pub to_cluster: Option<usize>,
}

impl Edge {
    /// A plain solid edge without markers or label.
    pub fn new(from: usize, to: usize) -> Self {
        Edge {
            from,
            to,
            label: None,
            stroke: Stroke::Solid,
            start: None,
            end: None,
            minlen: 1,
            from_cluster: None,
            to_cluster: None,
        }
    }
}

/// A subgraph: a titled box around its nodes (a namespace, a composite state).
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Its title (may be empty).
    pub title: String,
    /// The subgraph holding it.
    pub parent: Option<usize>,
    /// A direction of its own (`direction LR` inside the subgraph).
    pub dir: Option<Dir>,
    /// A concurrent region of a state (drawn with a dashed border and no fill of its own).
    pub region: bool,
}

impl Cluster {
    /// A subgraph with a title, in `parent`.
    pub fn new(title: impl Into<String>, parent: Option<usize>) -> Self {
        Cluster {
            title: title.into(),
            parent,
            dir: None,
            region: false,
        }
    }
}

/// What the graph parsers (flowchart, class, state, ER, mindmap) produce for [`draw`].
#[derive(Debug, Clone)]
pub struct Graph {
    /// The direction ranks run in.
    pub dir: Dir,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The edges.
    pub edges: Vec<Edge>,
    /// The subgraphs.
    pub clusters: Vec<Cluster>,
}

impl Graph {
    /// An empty graph.
    pub fn new(dir: Dir) -> Self {
        Graph {
            dir,
            nodes: Vec::new(),
            edges: Vec::new(),
            clusters: Vec::new(),
        }
    }
}

/// What a rendered diagram is made of: the SVG (ids use the [`ID`] placeholder) and its labels.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// Everything but the marker definitions.
    pub svg_body: String,
    /// Width in px.
    pub width: f64,
    /// Height in px.
    pub height: f64,
    /// Every label's text (for search and the figure's description).
    pub labels: Vec<String>,
    /// Steps the layout took (see [`layout::LayoutOut::work`]).
    pub work: u64,
    /// Markers the body refers to (written once, in `<defs>`, by [`Drawn::svg`]).
    pub markers: Vec<&'static str>,
}

impl Drawn {
    /// The body with its marker definitions in front.
    pub fn svg(&self) -> String {
        format!("{}{}", svg::defs(&self.markers), self.svg_body)
    }
}

/// Lays out and draws a graph.
pub fn draw(g: &Graph) -> Result<Drawn, TooBig> {
    let collapsed;
    let g = match collapse_directed(g)? {
        Some(c) => {
            collapsed = c;
            &collapsed
        }
        None => g,
    };
    let m = measure(g);
    let (out, titles) = run_layout(g, &m)?;
    let mut d = Drawing {
        body: String::new(),
        label_out: String::new(),
        labels: Vec::new(),
        markers: Vec::new(),
    };
    draw_clusters(&mut d, g, &out, &titles);
    draw_edges(&mut d, g, &m, &out);
    draw_loops(&mut d, g, &m, &out);
    draw_nodes(&mut d, g, &m, &out);
    d.body.push_str(&d.label_out);
    Ok(Drawn {
        svg_body: d.body,
        width: out.width + 2.0 * MARGIN,
        height: out.height + 2.0 * MARGIN,
        labels: d.labels,
        work: out.work,
        markers: d.markers,
    })
}

/// The SVG being written.
struct Drawing {
    body: String,
    /// Edge and loop labels, written last.
    label_out: String,
    labels: Vec<String>,
    markers: Vec<&'static str>,
}

/// Sizes of everything the layout places.
struct Measured {
    sizes: Vec<Sized>,
    /// Self-loops per node (edge indices); drawn on the node, their labels in one box beside it.
    loops: Vec<Vec<usize>>,
    loop_label: Vec<Vec<String>>,
    /// Wrapped lines of each edge label.
    edge_lines: Vec<Vec<String>>,
}

/// A point moved by the margin.
fn m(p: (f64, f64)) -> (f64, f64) {
    (p.0 + MARGIN, p.1 + MARGIN)
}

fn label_box(lines: &[String]) -> (f64, f64) {
    (
        font::lines_width(lines) + 8.0,
        svg::lines_height(lines.len()) + 4.0,
    )
}

/// Measuring: each node's size from its label and shape, self-loops and their labels, edge
/// label lines.
fn measure(g: &Graph) -> Measured {
    let sizes: Vec<Sized> = g.nodes.iter().map(shapes::size).collect();
    let mut loops: Vec<Vec<usize>> = vec![Vec::new(); g.nodes.len()];
    for (i, e) in g.edges.iter().enumerate() {
        if e.from == e.to {
            loops[e.from].push(i);
        }
    }
    let loop_label: Vec<Vec<String>> = loops
        .iter()
        .map(|ls| {
            ls.iter()
                .filter_map(|&e| g.edges[e].label.as_deref())
                .flat_map(|l| font::wrap(l, WRAP))
                .collect()
        })
        .collect();
    let edge_lines: Vec<Vec<String>> = g
        .edges
        .iter()
        .map(|e| {
            e.label
                .as_deref()
                .map_or(Vec::new(), |l| font::wrap(l, WRAP))
        })
        .collect();
    Measured {
        sizes,
        loops,
        loop_label,
        edge_lines,
    }
}

/// Room a node needs beside it for its self-loops (both sides, so it stays centred).
fn loop_extra(g: &Graph, ms: &Measured, n: usize) -> f64 {
    if ms.loops[n].is_empty() {
        return 0.0;
    }
    let l = &ms.loop_label[n];
    let lw = if g.dir.horizontal() {
        svg::lines_height(l.len())
    } else {
        font::lines_width(l)
    };
    LOOP + 8.0 + if l.is_empty() { 0.0 } else { lw + 4.0 }
}

/// The layout: nodes, edges (self-loops left out) and clusters handed to [`layout::layout`];
/// in a left-to-right diagram, cluster titles run along the ranks, so they are wrapped to
/// their boxes and the layout run again. Returns the layout and the titles' lines.
fn run_layout(g: &Graph, ms: &Measured) -> Result<(LayoutOut, Vec<Vec<String>>), TooBig> {
    let horizontal = g.dir.horizontal();
    let lnodes: Vec<LNode> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let extra = 2.0 * loop_extra(g, ms, i);
            let s = &ms.sizes[i];
            let (w, h) = if horizontal {
                (s.w, s.h + extra)
            } else {
                (s.w + extra, s.h)
            };
            LNode {
                w,
                h,
                cluster: n.cluster,
                boundary: shapes::boundary(n.shape, g.dir),
            }
        })
        .collect();
    let ledges: Vec<LEdge> = g
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.from != e.to)
        .map(|(i, e)| LEdge {
            from: e.from,
            to: e.to,
            label: (!ms.edge_lines[i].is_empty()).then(|| label_box(&ms.edge_lines[i])),
            minlen: e.minlen,
        })
        .collect();
    let mut titles: Vec<Vec<String>> = g
        .clusters
        .iter()
        .map(|c| font::wrap(&c.title, if horizontal { f64::INFINITY } else { 400.0 }))
        .collect();
    let lclusters = |titles: &[Vec<String>]| -> Vec<LCluster> {
        g.clusters
            .iter()
            .zip(titles)
            .map(|(c, t)| LCluster {
                parent: c.parent,
                title: (font::lines_width(t), svg::lines_height(t.len())),
            })
            .collect()
    };
    let mut out = layout::layout(g.dir, &lnodes, &ledges, &lclusters(&titles))?;
    if horizontal {
        let mut again = false;
        for (c, t) in titles.iter_mut().enumerate() {
            let room = out.clusters[c].w - 16.0;
            if font::lines_width(t) > room {
                *t = font::wrap(&g.clusters[c].title, room.max(40.0));
                again = true;
            }
        }
        if again {
            out = layout::layout(g.dir, &lnodes, &ledges, &lclusters(&titles))?;
        }
    }
    // The layout's edges are the non-loop ones, in order: spread them back over all edges.
    let mut edges = Vec::with_capacity(g.edges.len());
    let mut laid = out.edges.into_iter();
    for e in &g.edges {
        edges.push(if e.from == e.to {
            layout::EdgeOut::default()
        } else {
            laid.next().unwrap_or_default()
        });
    }
    out.edges = edges;
    Ok((out, titles))
}

/// Cluster boxes, outermost first, with their titles.
fn draw_clusters(d: &mut Drawing, g: &Graph, out: &LayoutOut, titles: &[Vec<String>]) {
    let mut order: Vec<usize> = (0..g.clusters.len()).collect();
    let depth = |mut c: usize| {
        let mut n = 0;
        while let Some(p) = g.clusters[c].parent {
            n += 1;
            c = p;
        }
        n
    };
    order.sort_by_key(|&c| depth(c));
    for &c in &order {
        let r = out.clusters[c];
        if r.w <= 0.0 {
            continue;
        }
        let (x, y) = m((r.x, r.y));
        let class = if g.clusters[c].region {
            "dg-cluster dg-region"
        } else {
            "dg-cluster"
        };
        let _ = write!(
            d.body,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(x),
            num(y),
            num(r.w),
            num(r.h)
        );
        let t = &titles[c];
        if !t.is_empty() && !t[0].is_empty() {
            let th = svg::lines_height(t.len());
            svg::text(
                &mut d.body,
                "dg-t dg-title",
                x + 8.0,
                y + 6.0 + th / 2.0,
                t,
                Anchor::Start,
            );
            d.labels.push(svg::plain(&g.clusters[c].title));
        }
    }
}

/// Edges between different nodes, in order, and their labels; a link to a subgraph is cut
/// where it meets the subgraph's box.
fn draw_edges(d: &mut Drawing, g: &Graph, ms: &Measured, out: &LayoutOut) {
    for (i, e) in g.edges.iter().enumerate() {
        if e.from == e.to || e.stroke == Stroke::Invisible {
            continue;
        }
        let eo = &out.edges[i];
        let mut path = shift(&eo.path, MARGIN);
        let rect = |c: usize| {
            let r = out.clusters[c];
            Rect {
                x: r.x + MARGIN,
                y: r.y + MARGIN,
                ..r
            }
        };
        if let Some(c) = e.to_cluster {
            path = clip_end(&path, rect(c));
        }
        if let Some(c) = e.from_cluster {
            path = clip_end(&path.reversed(), rect(c)).reversed();
        }
        write_edge(&mut d.body, &mut d.markers, e, &path);
        if let Some(c) = eo.label {
            let (cx, cy) = m(c);
            label_with_box(&mut d.label_out, cx, cy, &ms.edge_lines[i]);
            d.labels
                .push(svg::plain(&e.label.clone().unwrap_or_default()));
        }
    }
}

/// A label with the figure's background behind it, centred on (cx, cy).
fn label_with_box(out: &mut String, cx: f64, cy: f64, lines: &[String]) {
    let (w, h) = label_box(lines);
    let _ = write!(
        out,
        "<rect class=\"dg-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        num(cx - w / 2.0),
        num(cy - h / 2.0),
        num(w),
        num(h)
    );
    svg::text(out, "dg-t", cx, cy, lines, Anchor::Middle);
}

/// Self-loops: a bow on one side of the node, their labels in one box beyond it.
fn draw_loops(d: &mut Drawing, g: &Graph, ms: &Measured, out: &LayoutOut) {
    let horizontal = g.dir.horizontal();
    for (n, ls) in ms.loops.iter().enumerate() {
        let Some(&first) = ls.first() else { continue };
        let s = &ms.sizes[n];
        let (cx, cy) = m(out.nodes[n]);
        let e = &g.edges[first];
        let lines = &ms.loop_label[n];
        let path = if horizontal {
            let y0 = cy + s.h / 2.0;
            Path {
                start: (cx - s.w / 6.0, y0),
                segs: vec![(
                    (cx - s.w / 6.0, y0 + LOOP * 1.3),
                    (cx + s.w / 6.0, y0 + LOOP * 1.3),
                    (cx + s.w / 6.0, y0),
                )],
            }
        } else {
            let x0 = cx + s.w / 2.0;
            Path {
                start: (x0, cy - s.h / 6.0),
                segs: vec![(
                    (x0 + LOOP * 1.3, cy - s.h / 6.0 - 4.0),
                    (x0 + LOOP * 1.3, cy + s.h / 6.0 + 4.0),
                    (x0, cy + s.h / 6.0),
                )],
            }
        };
        write_edge(&mut d.body, &mut d.markers, e, &path);
        if !lines.is_empty() {
            let (w, h) = label_box(lines);
            let (lx, ly) = if horizontal {
                (cx, cy + s.h / 2.0 + LOOP + 6.0 + h / 2.0)
            } else {
                (cx + s.w / 2.0 + LOOP + 6.0 + w / 2.0, cy)
            };
            label_with_box(&mut d.label_out, lx, ly, lines);
            d.labels.push(svg::plain(&lines.join(" ")));
        }
    }
}

/// Nodes, in order; a node with a `click` link is wrapped in `<a>`.
fn draw_nodes(d: &mut Drawing, g: &Graph, ms: &Measured, out: &LayoutOut) {
    for (i, n) in g.nodes.iter().enumerate() {
        let (cx, cy) = m(out.nodes[i]);
        if let Some(k) = n.link {
            let _ = write!(
                d.body,
                "<a href=\"{link}{k}{link}\" class=\"dg-link\">",
                link = svg::LINK
            );
        }
        shapes::draw_node(&mut d.body, n, &ms.sizes[i], cx, cy);
        if let Some(sub) = &n.sub {
            d.markers.extend(sub.markers.iter().copied());
            d.labels.extend(sub.labels.iter().cloned());
        }
        if n.link.is_some() {
            d.body.push_str("</a>");
        }
        if !n.label.is_empty() && shapes::shows_label(n.shape) {
            d.labels.push(svg::plain(&n.label.replace('\n', " ")));
        }
        for s in &n.sections {
            d.labels.extend(s.iter().map(|l| svg::plain(l)));
        }
        for row in &n.table {
            let cells: Vec<&str> = row
                .iter()
                .map(String::as_str)
                .filter(|c| !c.is_empty())
                .collect();
            d.labels.push(cells.join(" "));
        }
    }
}

fn shift(p: &Path, dd: f64) -> Path {
    let mv = |q: (f64, f64)| (q.0 + dd, q.1 + dd);
    Path {
        start: mv(p.start),
        segs: p
            .segs
            .iter()
            .map(|&(a, b, c)| (mv(a), mv(b), mv(c)))
            .collect(),
    }
}

fn inside(r: Rect, p: (f64, f64)) -> bool {
    p.0 >= r.x && p.0 <= r.x + r.w && p.1 >= r.y && p.1 <= r.y + r.h
}

/// Point of a cubic at `t`.
fn bezier(p0: (f64, f64), s: layout::Seg3, t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p0.0 + b * s.0.0 + c * s.1.0 + d * s.2.0,
        a * p0.1 + b * s.0.1 + c * s.1.1 + d * s.2.1,
    )
}

/// The first part of a cubic, up to `t` (de Casteljau).
fn split_before(p0: (f64, f64), s: layout::Seg3, t: f64) -> layout::Seg3 {
    let lerp = |a: (f64, f64), b: (f64, f64)| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
    let (p01, p12, p23) = (lerp(p0, s.0), lerp(s.0, s.1), lerp(s.1, s.2));
    let (p012, p123) = (lerp(p01, p12), lerp(p12, p23));
    (p01, p012, lerp(p012, p123))
}

/// The path cut where it first enters `r` (unchanged when it never leaves it).
fn clip_end(p: &Path, r: Rect) -> Path {
    if inside(r, p.start) {
        return p.clone();
    }
    let mut out = Path {
        start: p.start,
        segs: Vec::new(),
    };
    let mut from = p.start;
    for &s in &p.segs {
        if !inside(r, s.2) && !(0..16).any(|k| inside(r, bezier(from, s, f64::from(k) / 16.0))) {
            out.segs.push(s);
            from = s.2;
            continue;
        }
        // Bisect for the entry point.
        let (mut lo, mut hi) = (0.0, 1.0);
        for k in 1..=16 {
            if inside(r, bezier(from, s, f64::from(k) / 16.0)) {
                hi = f64::from(k) / 16.0;
                lo = f64::from(k - 1) / 16.0;
                break;
            }
        }
        for _ in 0..24 {
            let mid = (lo + hi) / 2.0;
            if inside(r, bezier(from, s, mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        out.segs.push(split_before(from, s, hi));
        return out;
    }
    out
}

fn path_d(p: &Path) -> String {
    let mut d = format!("M{} {}", num(p.start.0), num(p.start.1));
    let mut cur = p.start;
    for &(a, b, c) in &p.segs {
        if a == cur && b == c {
            if num(c.0) != num(cur.0) || num(c.1) != num(cur.1) {
                let _ = write!(d, "L{} {}", num(c.0), num(c.1));
            }
        } else {
            let _ = write!(
                d,
                "C{} {} {} {} {} {}",
                num(a.0),
                num(a.1),
                num(b.0),
                num(b.1),
                num(c.0),
                num(c.1)
            );
        }
        cur = c;
    }
    d
}

fn write_edge(out: &mut String, markers: &mut Vec<&'static str>, e: &Edge, p: &Path) {
    let class = match e.stroke {
        Stroke::Solid | Stroke::Invisible => "dg-edge",
        Stroke::Dotted => "dg-edge dg-dotted",
        Stroke::Thick => "dg-edge dg-thick",
    };
    let _ = write!(out, "<path class=\"{class}\" d=\"{}\"", path_d(p));
    if let Some(s) = e.start {
        markers.push(s);
        let _ = write!(out, " marker-start=\"url(#{ID}-{s})\"");
    }
    if let Some(s) = e.end {
        markers.push(s);
        let _ = write!(out, " marker-end=\"url(#{ID}-{s})\"");
    }
    out.push_str("/>");
}

/// Subgraphs with a direction of their own and no link crossing their border are drawn as
/// diagrams of their own (in that direction) and placed as one node of the parent. Returns
/// the reduced graph, or `None` when there is no such subgraph.
fn collapse_directed(g: &Graph) -> Result<Option<Graph>, TooBig> {
    let mut cur: Option<Graph> = None;
    loop {
        let graph = cur.as_ref().unwrap_or(g);
        let Some(c) = find_directed(graph) else {
            return Ok(cur);
        };
        let drawn = draw(&extract(graph, c))?;
        cur = Some(replace_with_node(graph, c, drawn));
    }
}

/// Whether node `n` lies in cluster `c` (at any depth).
fn node_within(g: &Graph, n: usize, c: usize) -> bool {
    g.nodes[n].cluster.is_some_and(|d| cluster_within(g, d, c))
}

/// Whether cluster `d` is `c` or nested in it.
fn cluster_within(g: &Graph, d: usize, c: usize) -> bool {
    let mut cur = Some(d);
    while let Some(x) = cur {
        if x == c {
            return true;
        }
        cur = g.clusters[x].parent;
    }
    false
}

/// The outermost subgraph with a direction of its own and no link across its border (a link
/// to the subgraph itself is fine).
fn find_directed(g: &Graph) -> Option<usize> {
    (0..g.clusters.len()).find(|&c| {
        g.clusters[c].dir.is_some_and(|d| d != g.dir)
            && (0..g.nodes.len()).any(|n| node_within(g, n, c))
            && g.edges.iter().all(
                |e| match (node_within(g, e.from, c), node_within(g, e.to, c)) {
                    (true, true) | (false, false) => true,
                    (false, true) => e.to_cluster == Some(c),
                    (true, false) => e.from_cluster == Some(c),
                },
            )
    })
}

/// Subgraph `c` as a graph of its own, in its direction, with itself as the outer cluster.
fn extract(g: &Graph, c: usize) -> Graph {
    let mut sub = Graph::new(g.clusters[c].dir.unwrap_or(g.dir));
    let mut cmap: Vec<Option<usize>> = vec![None; g.clusters.len()];
    for (k, cl) in g.clusters.iter().enumerate() {
        if cluster_within(g, k, c) {
            cmap[k] = Some(sub.clusters.len());
            let mut copy = cl.clone();
            copy.parent = if k == c {
                None
            } else {
                cl.parent.and_then(|p| cmap[p])
            };
            if k == c {
                copy.dir = None;
            }
            sub.clusters.push(copy);
        }
    }
    let mut nmap: Vec<Option<usize>> = vec![None; g.nodes.len()];
    for (n, node) in g.nodes.iter().enumerate() {
        if node_within(g, n, c) {
            nmap[n] = Some(sub.nodes.len());
            let mut copy = node.clone();
            copy.cluster = node.cluster.and_then(|x| cmap[x]);
            sub.nodes.push(copy);
        }
    }
    for e in &g.edges {
        if let (Some(a), Some(b)) = (nmap[e.from], nmap[e.to]) {
            let mut copy = e.clone();
            copy.from = a;
            copy.to = b;
            copy.from_cluster = e.from_cluster.and_then(|x| cmap[x]);
            copy.to_cluster = e.to_cluster.and_then(|x| cmap[x]);
            sub.edges.push(copy);
        }
    }
    sub
}

/// The graph with subgraph `c` (and its nodes) replaced by one node showing `drawn`.
fn replace_with_node(g: &Graph, c: usize, drawn: Drawn) -> Graph {
    let mut out = Graph::new(g.dir);
    let mut keep_c: Vec<Option<usize>> = vec![None; g.clusters.len()];
    for (k, cl) in g.clusters.iter().enumerate() {
        if !cluster_within(g, k, c) {
            keep_c[k] = Some(out.clusters.len());
            let mut copy = cl.clone();
            copy.parent = cl.parent.and_then(|p| keep_c[p]);
            out.clusters.push(copy);
        }
    }
    let mut holder = Node::new(
        String::new(),
        Shape::Sub,
        g.clusters[c].parent.and_then(|p| keep_c[p]),
    );
    holder.sub = Some(Box::new(drawn));
    let mut holder = Some(holder);
    let mut map: Vec<usize> = vec![0; g.nodes.len()];
    let mut held = None;
    for (n, node) in g.nodes.iter().enumerate() {
        if node_within(g, n, c) {
            map[n] = *held.get_or_insert_with(|| {
                out.nodes.extend(holder.take());
                out.nodes.len() - 1
            });
        } else {
            map[n] = out.nodes.len();
            let mut copy = node.clone();
            copy.cluster = node.cluster.and_then(|x| keep_c[x]);
            out.nodes.push(copy);
        }
    }
    for e in &g.edges {
        if node_within(g, e.from, c) && node_within(g, e.to, c) {
            continue;
        }
        let mut copy = e.clone();
        copy.from = map[e.from];
        copy.to = map[e.to];
        copy.from_cluster = e.from_cluster.and_then(|x| keep_c[x]);
        copy.to_cluster = e.to_cluster.and_then(|x| keep_c[x]);
        out.edges.push(copy);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_stops_at_the_box() {
        let p = Path {
            start: (0.0, 0.0),
            segs: vec![((0.0, 50.0), (0.0, 50.0), (0.0, 100.0))],
        };
        let r = Rect {
            x: -10.0,
            y: 60.0,
            w: 20.0,
            h: 60.0,
        };
        let c = clip_end(&p, r);
        assert!((c.end().1 - 60.0).abs() < 0.01, "{:?}", c.end());
        let back = p.reversed().reversed();
        assert_eq!(back, p);
    }

    #[test]
    fn a_subgraph_with_its_own_direction_is_one_node() {
        let mut g = Graph::new(Dir::LR);
        g.clusters.push(Cluster::new("Inner", None));
        g.clusters[0].dir = Some(Dir::TB);
        g.nodes.push(Node::new("a", Shape::Rect, Some(0)));
        g.nodes.push(Node::new("b", Shape::Rect, Some(0)));
        g.nodes.push(Node::new("c", Shape::Rect, None));
        g.edges.push(Edge::new(0, 1));
        let mut to_sub = Edge::new(2, 0);
        to_sub.to_cluster = Some(0);
        g.edges.push(to_sub);
        let c = collapse_directed(&g).unwrap().expect("collapsed");
        assert_eq!(c.nodes.len(), 2);
        assert_eq!(c.nodes[0].shape, Shape::Sub);
        assert_eq!(c.edges.len(), 1);
        assert_eq!(c.edges[0].to_cluster, None);
        let d = draw(&g).unwrap();
        assert!(d.labels.contains(&"Inner".to_string()));
        // A link between inside and outside keeps the parent's direction.
        g.edges.push(Edge::new(1, 2));
        assert!(collapse_directed(&g).unwrap().is_none());
    }
}
