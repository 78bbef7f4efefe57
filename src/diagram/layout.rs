//! Layered ("Sugiyama") layout of a directed graph with nested clusters, shared by flowcharts,
//! state diagrams and class diagrams.
//!
//! Everything is computed top to bottom ("layout space": ranks grow along y, the order within a
//! rank along x) and turned into the requested direction at the end. Steps: break cycles (DFS),
//! rank by longest path, split long edges into chains of virtual items (an edge label is one of
//! them, so labels take room like nodes and can never overlap one), order each rank by barycenters
//! keeping every cluster contiguous, place items with an isotonic (pool-adjacent-violators) fit
//! to their neighbours, then make the placement legal with a longest-path pass over separation
//! constraints in which each cluster border is one variable across all its ranks (so cluster
//! boxes are rectangles that contain their members and nothing else).

use std::collections::HashMap;

/// Direction of a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Top to bottom (`TB`, `TD`).
    TB,
    /// Bottom to top.
    BT,
    /// Left to right.
    LR,
    /// Right to left.
    RL,
}

impl Dir {
    /// Whether ranks run across the page (`LR`, `RL`).
    pub fn horizontal(self) -> bool {
        matches!(self, Dir::LR | Dir::RL)
    }
}

/// How an edge meets a node's side (in layout space).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Boundary {
    /// A box: edges stop at its sides.
    Rect,
    /// A rhombus: edges stop at its slanted sides.
    Diamond,
    /// A circle or ellipse.
    Ellipse,
}

/// A node to place; sizes are in real (unrotated) px.
#[derive(Debug, Clone)]
pub struct LNode {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The innermost cluster holding it.
    pub cluster: Option<usize>,
    /// Where edges meet it.
    pub boundary: Boundary,
}

/// An edge to route, between two nodes (indexes in the node list).
#[derive(Debug, Clone)]
pub struct LEdge {
    /// Where it starts.
    pub from: usize,
    /// Where it ends.
    pub to: usize,
    /// Real size of the label box.
    pub label: Option<(f64, f64)>,
    /// Minimum number of ranks the edge spans (1 = adjacent ranks).
    pub minlen: usize,
}

/// A cluster to draw around its nodes (and nested clusters).
#[derive(Debug, Clone)]
pub struct LCluster {
    /// The cluster holding it.
    pub parent: Option<usize>,
    /// Real size of the title box.
    pub title: (f64, f64),
}

/// A point.
pub type Pt = (f64, f64);
/// A cubic segment `(c1, c2, end)`.
pub type Seg3 = (Pt, Pt, Pt);

/// A path in real coordinates: a start point and cubic/straight segments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path {
    /// Where it starts.
    pub start: (f64, f64),
    /// Segments: `(c1, c2, end)`; a straight segment has `c1 == start` and `c2 == end`.
    pub segs: Vec<Seg3>,
}

impl Path {
    /// Where it ends.
    pub fn end(&self) -> (f64, f64) {
        self.segs.last().map_or(self.start, |s| s.2)
    }

    /// The same path run from its end to its start.
    pub fn reversed(&self) -> Path {
        let mut pts = vec![self.start];
        for s in &self.segs {
            pts.push(s.2);
        }
        let mut out = Path {
            start: self.end(),
            segs: Vec::new(),
        };
        for (k, s) in self.segs.iter().enumerate().rev() {
            out.segs.push((s.1, s.0, pts[k]));
        }
        out
    }
}

/// An edge once routed.
#[derive(Debug, Clone, Default)]
pub struct EdgeOut {
    /// Its line, from its start node's border to its end node's.
    pub path: Path,
    /// Centre of the label box (real coordinates).
    pub label: Option<(f64, f64)>,
}

/// A rectangle: top left corner and size.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// A laid-out graph, in real coordinates from (0, 0).
#[derive(Debug, Clone, Default)]
pub struct LayoutOut {
    /// Node centres.
    pub nodes: Vec<(f64, f64)>,
    /// Edges, in input order.
    pub edges: Vec<EdgeOut>,
    /// Cluster boxes, in input order.
    pub clusters: Vec<Rect>,
    /// Width of the whole.
    pub width: f64,
    /// Height of the whole.
    pub height: f64,
    /// Steps the layout took (items and segments visited, summed over its passes): a
    /// machine-independent measure of its cost, which stays near-linear in the graph's size.
    pub work: u64,
}

/// Most layout points (nodes, one point per rank an edge crosses, two cluster borders per
/// rank) a diagram may need: past it the layout is refused rather than left to run for
/// seconds. Documented in docs/notes/diagrams.md.
pub const MAX_POINTS: usize = 40_000;

/// The layout would exceed [`MAX_POINTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooBig {
    /// How many points it would take.
    pub points: usize,
}

/// Graphs up to this many items plus segments get every crossing-reduction sweep and
/// coordinate pass; larger ones proportionally fewer, so the layout stays near-linear.
const FULL_EFFORT: usize = 4_000;

/// Spacing, in px.
const NODE_SEP: f64 = 36.0;
const DUMMY_SEP: f64 = 16.0;
const RANK_SEP: f64 = 56.0;
const CLUSTER_PAD: f64 = 16.0;
const CLUSTER_GAP: f64 = 24.0;
const TITLE_GAP: f64 = 6.0;
const COMPONENT_GAP: f64 = 40.0;
/// Widest a top-to-bottom diagram gets before its unconnected parts wrap onto a new row.
const MAX_CROSS: f64 = 760.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Node(usize),
    /// A point of edge `e` (label point when `label`).
    Dummy {
        label: bool,
    },
    Left(usize),
    Right(usize),
}

#[derive(Debug, Clone)]
struct Item {
    kind: Kind,
    rank: usize,
    /// Layout-space size.
    w: f64,
    h: f64,
    /// Innermost cluster.
    cluster: Option<usize>,
    x: f64,
}

struct Seg {
    /// Items in consecutive ranks.
    a: usize,
    b: usize,
    weight: f64,
}

/// Lays out a graph. Self-loops must be removed by the caller (draw them on the node).
/// Unconnected parts are ranked first (refusing an oversized graph before any work is done),
/// laid out one by one, packed side by side, and turned to the requested direction.
pub fn layout(
    dir: Dir,
    nodes: &[LNode],
    edges: &[LEdge],
    clusters: &[LCluster],
) -> Result<LayoutOut, TooBig> {
    let ranked = rank_components(nodes, edges, clusters)?;
    let mut out = LayoutOut {
        nodes: vec![(0.0, 0.0); nodes.len()],
        edges: vec![EdgeOut::default(); edges.len()],
        clusters: vec![Rect::default(); clusters.len()],
        width: 0.0,
        height: 0.0,
        work: 0,
    };
    let swap = dir.horizontal();
    let sz = |w: f64, h: f64| if swap { (h, w) } else { (w, h) };
    let mut pack = Packing::default();
    for (comp, factor, reversed, rank) in ranked {
        let input = Input {
            comp: &comp,
            nodes,
            edges,
            clusters,
            swap,
            flip: dir == Dir::BT,
            factor,
        };
        let part = layout_component(input, reversed, &rank, &sz);
        out.work += part.work;
        pack.place(&comp, &part, swap, &mut out);
    }
    to_real_space(dir, &mut out, pack.width, pack.y + pack.row_h);
    Ok(out)
}

/// A connected part after ranking: (part, rank factor, reversed edges, ranks).
type Ranked = (Comp, usize, HashMap<usize, bool>, HashMap<usize, usize>);

/// Each unconnected part with its cycles broken and its ranks; an error when the layout
/// points of all parts together pass [`MAX_POINTS`].
fn rank_components(
    nodes: &[LNode],
    edges: &[LEdge],
    clusters: &[LCluster],
) -> Result<Vec<Ranked>, TooBig> {
    let comps = components(nodes, edges, clusters);
    let mut points = 0;
    let mut ranked = Vec::with_capacity(comps.len());
    for comp in comps {
        let labelled = comp.edges.iter().any(|&e| edges[e].label.is_some());
        let factor = if labelled { 2 } else { 1 };
        let reversed = break_cycles(&comp, edges);
        let rank = rank_nodes(&comp, edges, &reversed, factor);
        points += count_points(&comp, nodes, edges, clusters, &reversed, &rank);
        if points > MAX_POINTS {
            return Err(TooBig { points });
        }
        ranked.push((comp, factor, reversed, rank));
    }
    Ok(ranked)
}

/// Parts placed side by side in layout space, a top-to-bottom diagram wrapping onto a new row
/// when it gets wider than [`MAX_CROSS`].
#[derive(Default)]
struct Packing {
    x: f64,
    y: f64,
    row_h: f64,
    width: f64,
}

impl Packing {
    fn place(&mut self, comp: &Comp, part: &LayoutOut, swap: bool, out: &mut LayoutOut) {
        if !swap && self.x > 0.0 && self.x + part.width > MAX_CROSS {
            self.x = 0.0;
            self.y += self.row_h + COMPONENT_GAP;
            self.row_h = 0.0;
        }
        let (dx, dy) = (self.x, self.y);
        let mv = |p: (f64, f64)| (p.0 + dx, p.1 + dy);
        for &n in &comp.nodes {
            out.nodes[n] = mv(part.nodes[n]);
        }
        for &e in &comp.edges {
            let eo = &part.edges[e];
            out.edges[e] = EdgeOut {
                path: Path {
                    start: mv(eo.path.start),
                    segs: eo
                        .path
                        .segs
                        .iter()
                        .map(|&(a, b, c)| (mv(a), mv(b), mv(c)))
                        .collect(),
                },
                label: eo.label.map(mv),
            };
        }
        for &c in &comp.clusters {
            let r = part.clusters[c];
            out.clusters[c] = Rect {
                x: r.x + dx,
                y: r.y + dy,
                ..r
            };
        }
        self.x += part.width + COMPONENT_GAP;
        self.width = self.width.max(dx + part.width);
        self.row_h = self.row_h.max(part.height);
    }
}

/// Layout space (ranks along y) turned into the diagram's direction.
fn to_real_space(dir: Dir, out: &mut LayoutOut, total_w: f64, total_h: f64) {
    let t = |p: (f64, f64)| match dir {
        Dir::TB => p,
        Dir::BT => (p.0, total_h - p.1),
        Dir::LR => (p.1, p.0),
        Dir::RL => (total_h - p.1, p.0),
    };
    for p in &mut out.nodes {
        *p = t(*p);
    }
    for e in &mut out.edges {
        e.path.start = t(e.path.start);
        for s in &mut e.path.segs {
            *s = (t(s.0), t(s.1), t(s.2));
        }
        e.label = e.label.map(t);
    }
    for r in &mut out.clusters {
        let (a, b) = (t((r.x, r.y)), t((r.x + r.w, r.y + r.h)));
        *r = Rect {
            x: a.0.min(b.0),
            y: a.1.min(b.1),
            w: (a.0 - b.0).abs(),
            h: (a.1 - b.1).abs(),
        };
    }
    (out.width, out.height) = if dir.horizontal() {
        (total_h, total_w)
    } else {
        (total_w, total_h)
    };
}

/// Layout points one ranked component needs: its nodes, one point per rank each edge crosses,
/// and two border points per rank of each cluster (counted before any is made).
fn count_points(
    comp: &Comp,
    nodes: &[LNode],
    edges: &[LEdge],
    clusters: &[LCluster],
    reversed: &HashMap<usize, bool>,
    rank: &HashMap<usize, usize>,
) -> usize {
    let mut n = comp.nodes.len();
    let mut crange: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut widen = |c: usize, lo: usize, hi: usize| {
        let e = crange.entry(c).or_insert((lo, hi));
        e.0 = e.0.min(lo);
        e.1 = e.1.max(hi);
    };
    for &v in &comp.nodes {
        for c in cluster_path(clusters, nodes[v].cluster) {
            widen(c, rank[&v], rank[&v]);
        }
    }
    for &e in &comp.edges {
        let (u, v) = dir_edge(edges, reversed, e);
        let (ru, rv) = (rank[&u], rank[&v]);
        n += rv.saturating_sub(ru + 1);
        if rv > ru + 1 {
            for c in cluster_path(clusters, lca(clusters, nodes[u].cluster, nodes[v].cluster)) {
                widen(c, ru + 1, rv - 1);
            }
        }
    }
    n + crange
        .values()
        .map(|&(lo, hi)| 2 * (hi - lo + 1))
        .sum::<usize>()
}

/// How many of `full` passes a graph of `size` items plus segments gets: all up to
/// [`FULL_EFFORT`], then proportionally fewer, at least `least`.
fn passes(full: usize, size: usize, least: usize) -> usize {
    if size <= FULL_EFFORT {
        full
    } else {
        (full * FULL_EFFORT / size).max(least)
    }
}

struct Comp {
    nodes: Vec<usize>,
    edges: Vec<usize>,
    clusters: Vec<usize>,
}

fn top_cluster(clusters: &[LCluster], mut c: usize) -> usize {
    while let Some(p) = clusters[c].parent {
        c = p;
    }
    c
}

fn components(nodes: &[LNode], edges: &[LEdge], clusters: &[LCluster]) -> Vec<Comp> {
    let n = nodes.len();
    let mut parent: Vec<usize> = (0..n + clusters.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let union = |p: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            p[ra.max(rb)] = ra.min(rb);
        }
    };
    for (i, nd) in nodes.iter().enumerate() {
        if let Some(c) = nd.cluster {
            union(&mut parent, i, n + top_cluster(clusters, c));
        }
    }
    for e in edges {
        union(&mut parent, e.from, e.to);
    }
    let mut order: Vec<usize> = Vec::new();
    let mut map: HashMap<usize, usize> = HashMap::new();
    let mut out: Vec<Comp> = Vec::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        let k = *map.entry(r).or_insert_with(|| {
            order.push(r);
            out.push(Comp {
                nodes: Vec::new(),
                edges: Vec::new(),
                clusters: Vec::new(),
            });
            out.len() - 1
        });
        out[k].nodes.push(i);
    }
    for (i, e) in edges.iter().enumerate() {
        let r = find(&mut parent, e.from);
        if let Some(&k) = map.get(&r) {
            out[k].edges.push(i);
        }
    }
    for c in 0..clusters.len() {
        let r = find(&mut parent, n + top_cluster(clusters, c));
        if let Some(&k) = map.get(&r) {
            out[k].clusters.push(c);
        }
    }
    out
}

/// Ancestors of a cluster, outermost first, ending with the cluster itself.
fn cluster_path(clusters: &[LCluster], c: Option<usize>) -> Vec<usize> {
    let mut v = Vec::new();
    let mut cur = c;
    while let Some(x) = cur {
        v.push(x);
        cur = clusters[x].parent;
    }
    v.reverse();
    v
}

fn lca(clusters: &[LCluster], a: Option<usize>, b: Option<usize>) -> Option<usize> {
    let (pa, pb) = (cluster_path(clusters, a), cluster_path(clusters, b));
    pa.iter()
        .zip(pb.iter())
        .take_while(|(x, y)| x == y)
        .last()
        .map(|(x, _)| *x)
}

/// Lays out one connected part of the graph, in layout space (ranks along y), in the classic
/// steps of a layered layout: [`break_cycles`], [`rank_nodes`], [`Layered::new`] (edge chains
/// and cluster borders), [`Layered::order_ranks`] (crossing reduction),
/// [`Layered::assign_x`] and [`Layered::assign_y`] (coordinates), [`Layered::route_edges`] and
/// [`Layered::place_labels`].
fn layout_component(
    input: Input,
    reversed: HashMap<usize, bool>,
    rank: &HashMap<usize, usize>,
    sz: &dyn Fn(f64, f64) -> (f64, f64),
) -> LayoutOut {
    let mut g = Layered::new(input, reversed, rank, sz);
    let layers = g.order_ranks();
    g.assign_x(&layers);
    let ranks = g.assign_y();
    let mut out = g.place_nodes_and_clusters(&ranks);
    g.route_edges(&ranks, &mut out);
    g.place_labels(&ranks, &mut out);
    out.work = g.work;
    out
}

/// Breaking cycles: a depth-first search in input order; an edge to a node on the stack is
/// reversed (drawn against the flow). Returns, per edge of the component, whether it is.
fn break_cycles(comp: &Comp, edges: &[LEdge]) -> HashMap<usize, bool> {
    let mut adj: HashMap<usize, Vec<usize>> = HashMap::new();
    for &e in &comp.edges {
        adj.entry(edges[e].from).or_default().push(e);
    }
    let mut reversed: HashMap<usize, bool> = HashMap::new();
    let mut state: HashMap<usize, u8> = HashMap::new();
    for &start in &comp.nodes {
        if state.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            let out = adj.get(&v).map_or(&[][..], |x| &x[..]);
            if *i < out.len() {
                let e = out[*i];
                *i += 1;
                let w = edges[e].to;
                match state.get(&w) {
                    None => {
                        reversed.insert(e, false);
                        state.insert(w, 1);
                        stack.push((w, 0));
                    }
                    Some(1) => {
                        reversed.insert(e, true);
                    }
                    _ => {
                        reversed.insert(e, false);
                    }
                }
            } else {
                state.insert(v, 2);
                stack.pop();
            }
        }
    }
    reversed
}

/// An edge's ends after cycle breaking: (upper, lower).
fn dir_edge(edges: &[LEdge], reversed: &HashMap<usize, bool>, e: usize) -> (usize, usize) {
    if reversed.get(&e).copied().unwrap_or(false) {
        (edges[e].to, edges[e].from)
    } else {
        (edges[e].from, edges[e].to)
    }
}

/// Ranking: longest path from the sources (each edge spans `minlen × factor` ranks at least),
/// then sources pulled down next to their successors; the top rank is 0.
fn rank_nodes(
    comp: &Comp,
    edges: &[LEdge],
    reversed: &HashMap<usize, bool>,
    factor: usize,
) -> HashMap<usize, usize> {
    let mut rank: HashMap<usize, usize> = comp.nodes.iter().map(|&n| (n, 0)).collect();
    let mut indeg: HashMap<usize, usize> = comp.nodes.iter().map(|&n| (n, 0)).collect();
    let mut succ: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &e in &comp.edges {
        let (u, v) = dir_edge(edges, reversed, e);
        *indeg.entry(v).or_default() += 1;
        succ.entry(u)
            .or_default()
            .push((v, edges[e].minlen.max(1) * factor));
    }
    let mut queue: Vec<usize> = comp
        .nodes
        .iter()
        .copied()
        .filter(|n| indeg[n] == 0)
        .collect();
    let mut qi = 0;
    let mut deg = indeg.clone();
    while qi < queue.len() {
        let u = queue[qi];
        qi += 1;
        for &(v, len) in succ.get(&u).map_or(&[][..], |x| &x[..]) {
            let r = rank[&u] + len;
            if r > rank[&v] {
                rank.insert(v, r);
            }
            if let Some(d) = deg.get_mut(&v) {
                *d -= 1;
                if *d == 0 {
                    queue.push(v);
                }
            }
        }
    }
    for &n in &comp.nodes {
        if indeg[&n] == 0
            && let Some(s) = succ.get(&n)
        {
            let tight = s.iter().map(|&(v, len)| rank[&v] - len).min();
            if let Some(t) = tight {
                rank.insert(n, t);
            }
        }
    }
    let min_rank = comp.nodes.iter().map(|n| rank[n]).min().unwrap_or(0);
    for r in rank.values_mut() {
        *r -= min_rank;
    }
    rank
}

/// What one component's layout reads.
struct Input<'a> {
    comp: &'a Comp,
    nodes: &'a [LNode],
    edges: &'a [LEdge],
    clusters: &'a [LCluster],
    swap: bool,
    /// Drawn bottom to top: layout space's last rank is the top of the picture.
    flip: bool,
    /// 2 when an edge of the component has a label (each edge then spans twice as many ranks,
    /// its label on the middle one), else 1.
    factor: usize,
}

/// A component being laid out: its items (nodes, points of edges, cluster borders) in ranks.
struct Layered<'a> {
    input: Input<'a>,
    reversed: HashMap<usize, bool>,
    items: Vec<Item>,
    node_item: HashMap<usize, usize>,
    /// Each edge as the items it passes, from its upper end to its lower end.
    chains: HashMap<usize, Vec<usize>>,
    label_item: HashMap<usize, usize>,
    /// First and last rank of each cluster (nested clusters included).
    crange: HashMap<usize, (usize, usize)>,
    /// The component's clusters that hold an item, by index.
    comp_clusters: Vec<usize>,
    nranks: usize,
    segs: Vec<Seg>,
    /// Items linked by a segment to an item in the rank above / below.
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Width of the component once placed.
    width: f64,
    /// Steps taken so far (see [`LayoutOut::work`]).
    work: u64,
}

/// Positions along the ranks: each rank's top and thickness, and each cluster's room above its
/// first rank and below its last.
struct Ranks {
    y: Vec<f64>,
    thick: Vec<f64>,
    top_extra: HashMap<usize, f64>,
    bottom_extra: HashMap<usize, f64>,
    height: f64,
}

/// One item per node of the component, at its rank, of its size in layout space (`sz` turns
/// real sizes into layout ones); with the item of each node.
fn node_items(
    input: &Input,
    rank: &HashMap<usize, usize>,
    sz: &dyn Fn(f64, f64) -> (f64, f64),
) -> (Vec<Item>, HashMap<usize, usize>) {
    let mut items: Vec<Item> = Vec::new();
    let mut node_item: HashMap<usize, usize> = HashMap::new();
    for &n in &input.comp.nodes {
        let node = &input.nodes[n];
        let (w, h) = sz(node.w, node.h);
        node_item.insert(n, items.len());
        items.push(Item {
            kind: Kind::Node(n),
            rank: rank[&n],
            w,
            h,
            cluster: node.cluster,
            x: 0.0,
        });
    }
    (items, node_item)
}

/// Each edge as a chain of items from its upper end to its lower end: a dummy item on every
/// rank it passes (in the innermost cluster holding both ends), the one on its middle rank
/// sized for its label. Adds the dummies to `items`; returns the chains and the label items.
fn edge_chains(
    input: &Input,
    reversed: &HashMap<usize, bool>,
    rank: &HashMap<usize, usize>,
    sz: &dyn Fn(f64, f64) -> (f64, f64),
    items: &mut Vec<Item>,
    node_item: &HashMap<usize, usize>,
) -> (HashMap<usize, Vec<usize>>, HashMap<usize, usize>) {
    let (nodes, edges) = (input.nodes, input.edges);
    let mut chains: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut label_item: HashMap<usize, usize> = HashMap::new();
    for &e in &input.comp.edges {
        let (u, v) = dir_edge(edges, reversed, e);
        let (ru, rv) = (rank[&u], rank[&v]);
        let c = lca(input.clusters, nodes[u].cluster, nodes[v].cluster);
        let mid = ru + (rv - ru) / 2;
        let mut chain = vec![node_item[&u]];
        for r in ru + 1..rv {
            let is_label = edges[e].label.is_some() && r == mid;
            let (w, h) = match edges[e].label {
                Some((lw, lh)) if is_label => sz(lw, lh),
                _ => (0.0, 0.0),
            };
            if is_label {
                label_item.insert(e, items.len());
            }
            chain.push(items.len());
            items.push(Item {
                kind: Kind::Dummy { label: is_label },
                rank: r,
                w,
                h,
                cluster: c,
                x: 0.0,
            });
        }
        chain.push(node_item[&v]);
        chains.insert(e, chain);
    }
    (chains, label_item)
}

/// The segments of the edges' chains, between items in consecutive ranks, weighted by how
/// many of their two ends are dummies (1, 2 or 8): long edges are kept straightest.
fn segments(comp: &Comp, chains: &HashMap<usize, Vec<usize>>, items: &[Item]) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    for &e in &comp.edges {
        let ch = &chains[&e];
        for w in ch.windows(2) {
            let dummies = w
                .iter()
                .filter(|&&i| matches!(items[i].kind, Kind::Dummy { .. }))
                .count();
            segs.push(Seg {
                a: w[0],
                b: w[1],
                weight: [1.0, 2.0, 8.0][dummies],
            });
        }
    }
    segs
}

/// For each of `n` items, the items a segment links it to in the rank above, and below.
fn adjacency(segs: &[Seg], n: usize) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    for s in segs {
        down[s.a].push(s.b);
        up[s.b].push(s.a);
    }
    (up, down)
}

impl Ranks {
    /// Centre of an item along the ranks.
    fn cy(&self, it: &Item) -> f64 {
        self.y[it.rank] + self.thick[it.rank] / 2.0
    }
}

impl<'a> Layered<'a> {
    /// The items: one per node, one per rank an edge passes (its label on the middle one), and
    /// a left and a right border per cluster and rank; then the segments between them.
    fn new(
        input: Input<'a>,
        reversed: HashMap<usize, bool>,
        rank: &HashMap<usize, usize>,
        sz: &dyn Fn(f64, f64) -> (f64, f64),
    ) -> Self {
        let (mut items, node_item) = node_items(&input, rank, sz);
        let (chains, label_item) = edge_chains(&input, &reversed, rank, sz, &mut items, &node_item);
        let (crange, comp_clusters) = add_cluster_borders(&mut items, input.comp, input.clusters);
        let nranks = items.iter().map(|i| i.rank).max().unwrap_or(0) + 1;
        let segs = segments(input.comp, &chains, &items);
        let (up, down) = adjacency(&segs, items.len());
        Layered {
            input,
            reversed,
            items,
            node_item,
            chains,
            label_item,
            crange,
            comp_clusters,
            nranks,
            segs,
            up,
            down,
            width: 0.0,
            work: 0,
        }
    }

    /// Crossing reduction: ranks sorted by barycentres of their neighbours, sweeping down and
    /// up (16 sweeps, fewer for large graphs: see [`passes`]), every cluster kept contiguous with one order of sibling clusters in all
    /// ranks; the order with the fewest crossings wins.
    fn order_ranks(&mut self) -> Vec<Vec<usize>> {
        let items = &self.items;
        let clusters = self.input.clusters;
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); self.nranks];
        for (i, it) in items.iter().enumerate() {
            layers[it.rank].push(i);
        }
        let paths: Vec<Vec<usize>> = items
            .iter()
            .map(|it| cluster_path(clusters, it.cluster))
            .collect();
        let mut pos: Vec<f64> = vec![0.0; items.len()];
        for layer in &layers {
            for (k, &i) in layer.iter().enumerate() {
                pos[i] = k as f64;
            }
        }
        let ranks = RankOrder {
            items,
            paths: &paths,
            up: &self.up,
            down: &self.down,
        };
        let size = items.len() + self.segs.len();
        let sweeps = passes(16, size, 2);
        ranks.sweep(&mut layers, &mut pos, true);
        let mut best = (self.crossings(&pos), layers.clone(), pos.clone());
        for it in 0..sweeps {
            ranks.sweep(&mut layers, &mut pos, it % 2 == 1);
            let c = self.crossings(&pos);
            if c < best.0 {
                best = (c, layers.clone(), pos.clone());
            }
        }
        self.work += ((sweeps + 1) * size) as u64;
        best.1
    }

    /// Number of pairs of segments between the same two ranks that cross, for positions `pos`
    /// (segments sharing an end do not cross). Counted per rank by inversions, O(S log S).
    fn crossings(&self, pos: &[f64]) -> usize {
        let mut by_rank: Vec<Vec<(f64, f64)>> = vec![Vec::new(); self.nranks];
        for s in &self.segs {
            by_rank[self.items[s.a].rank].push((pos[s.a], pos[s.b]));
        }
        by_rank.iter_mut().map(|v| inversions(v)).sum()
    }

    /// Coordinate assignment across the ranks: packed, then 40 passes (fewer for large
    /// graphs) fitting each rank to its
    /// neighbours (weighted least squares under the separations, [`pava`]), then made legal
    /// ([`legalize`]) and shifted so the leftmost item starts at 0.
    fn assign_x(&mut self, layers: &[Vec<usize>]) {
        let clusters = self.input.clusters;
        let swap = self.input.swap;
        let title_before = |c: usize| {
            if swap {
                clusters[c].title.1 + TITLE_GAP
            } else {
                0.0
            }
        };
        let gap = |a: &Item, b: &Item| -> f64 {
            match (a.kind, b.kind) {
                (Kind::Left(c), _) => CLUSTER_PAD + title_before(c),
                (_, Kind::Right(_)) => CLUSTER_PAD,
                (Kind::Right(_), _) | (_, Kind::Left(_)) => CLUSTER_GAP / 2.0,
                (Kind::Node(_), Kind::Node(_)) => NODE_SEP,
                _ => DUMMY_SEP,
            }
        };
        let shapes: Vec<Item> = self.items.clone();
        let sep = |a: usize, b: usize| {
            shapes[a].w / 2.0 + shapes[b].w / 2.0 + gap(&shapes[a], &shapes[b])
        };
        let items = &mut self.items;
        // Initial packing.
        for layer in layers {
            let mut x = 0.0;
            for (k, &i) in layer.iter().enumerate() {
                if k > 0 {
                    x += sep(layer[k - 1], i);
                }
                items[i].x = x;
            }
        }
        let mut nbrs: Vec<Vec<(usize, f64)>> = vec![Vec::new(); items.len()];
        for s in &self.segs {
            nbrs[s.a].push((s.b, s.weight));
            nbrs[s.b].push((s.a, s.weight));
        }
        let size = items.len() + self.segs.len();
        let fits = passes(40, size, 4);
        for iter in 0..fits {
            fit_ranks(items, layers, &nbrs, &sep, iter % 2 == 0);
        }
        self.work += (fits * size) as u64;
        legalize(items, layers, &sep, clusters, &self.comp_clusters, swap);
        let min_x = items
            .iter()
            .map(|i| i.x - i.w / 2.0)
            .fold(f64::INFINITY, f64::min);
        let min_x = if min_x.is_finite() { min_x } else { 0.0 };
        for it in items.iter_mut() {
            it.x -= min_x;
        }
        self.width = items.iter().map(|i| i.x + i.w / 2.0).fold(0.0, f64::max);
    }

    /// Coordinates along the ranks: each rank as thick as its thickest item, gaps between ranks
    /// widened where clusters start or end (room for their padding and titles).
    fn assign_y(&self) -> Ranks {
        let (clusters, swap) = (self.input.clusters, self.input.swap);
        let nranks = self.nranks;
        let crange = &self.crange;
        let mut thick = vec![0.0f64; nranks];
        for it in &self.items {
            thick[it.rank] = thick[it.rank].max(it.h);
        }
        // A title takes room across the ranks at the cluster's top: in layout space its first
        // rank, or its last when the diagram is drawn bottom to top.
        let title_rank = |c: usize| {
            if swap {
                0.0
            } else {
                clusters[c].title.1 + TITLE_GAP
            }
        };
        let flip = self.input.flip;
        let title_top = |c: usize| if flip { 0.0 } else { title_rank(c) };
        let title_bottom = |c: usize| if flip { title_rank(c) } else { 0.0 };
        // Room a cluster needs above its first rank and below its last (nested ones included).
        let mut top_extra: HashMap<usize, f64> = HashMap::new();
        let mut bottom_extra: HashMap<usize, f64> = HashMap::new();
        let mut by_depth = self.comp_clusters.clone();
        by_depth.sort_by_key(|&c| std::cmp::Reverse(cluster_path(clusters, Some(c)).len()));
        for &c in &by_depth {
            let (lo, hi) = crange[&c];
            let mut top = CLUSTER_PAD + title_top(c);
            let mut bottom = CLUSTER_PAD + title_bottom(c);
            for &d in &self.comp_clusters {
                if clusters[d].parent == Some(c) {
                    if crange[&d].0 == lo {
                        top = top.max(CLUSTER_PAD + title_top(c) + top_extra[&d]);
                    }
                    if crange[&d].1 == hi {
                        bottom = bottom.max(CLUSTER_PAD + title_bottom(c) + bottom_extra[&d]);
                    }
                }
            }
            top_extra.insert(c, top);
            bottom_extra.insert(c, bottom);
        }
        let base_gap = RANK_SEP / self.input.factor as f64;
        let mut starts_at = vec![0.0f64; nranks];
        let mut ends_at = vec![0.0f64; nranks];
        for c in &self.comp_clusters {
            let (lo, hi) = crange[c];
            starts_at[lo] = starts_at[lo].max(top_extra[c]);
            ends_at[hi] = ends_at[hi].max(bottom_extra[c]);
        }
        let mut y = vec![0.0f64; nranks];
        y[0] = starts_at[0];
        for r in 1..nranks {
            let (ends, starts) = (ends_at[r - 1], starts_at[r]);
            let g = if ends > 0.0 || starts > 0.0 {
                (ends + starts + CLUSTER_GAP).max(base_gap)
            } else {
                base_gap
            };
            y[r] = y[r - 1] + thick[r - 1] + g;
        }
        let height = y[nranks - 1] + thick[nranks - 1] + ends_at[nranks - 1];
        Ranks {
            y,
            thick,
            top_extra,
            bottom_extra,
            height,
        }
    }

    /// The component's output with node centres and cluster boxes.
    fn place_nodes_and_clusters(&self, ranks: &Ranks) -> LayoutOut {
        let Input {
            comp,
            nodes,
            edges,
            clusters,
            ..
        } = self.input;
        let items = &self.items;
        let mut out = LayoutOut {
            nodes: vec![(0.0, 0.0); nodes.len()],
            edges: vec![EdgeOut::default(); edges.len()],
            clusters: vec![Rect::default(); clusters.len()],
            width: self.width,
            height: ranks.height,
            work: 0,
        };
        for &n in &comp.nodes {
            let i = self.node_item[&n];
            out.nodes[n] = (items[i].x, ranks.cy(&items[i]));
        }
        let mut sides: HashMap<usize, (f64, f64)> = HashMap::new();
        for it in items {
            match it.kind {
                Kind::Left(c) => {
                    let s = sides.entry(c).or_insert((f64::INFINITY, f64::NEG_INFINITY));
                    s.0 = s.0.min(it.x);
                }
                Kind::Right(c) => {
                    let s = sides.entry(c).or_insert((f64::INFINITY, f64::NEG_INFINITY));
                    s.1 = s.1.max(it.x);
                }
                _ => {}
            }
        }
        for &c in &self.comp_clusters {
            let (lo, hi) = self.crange[&c];
            let (l, r) = sides
                .get(&c)
                .copied()
                .unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
            let top = ranks.y[lo] - ranks.top_extra[&c];
            let bottom = ranks.y[hi] + ranks.thick[hi] + ranks.bottom_extra[&c];
            out.clusters[c] = Rect {
                x: l,
                y: top,
                w: r - l,
                h: bottom - top,
            };
        }
        out
    }

    /// Edge routing: each edge leaves and enters its nodes at ports spread along their sides,
    /// runs straight through the ranks it crosses and bends (cubic curves) between them.
    fn route_edges(&self, ranks: &Ranks, out: &mut LayoutOut) {
        let items = &self.items;
        let nodes = self.input.nodes;
        let port = self.ports();
        let boundary = |i: usize, dx: f64, below: bool| -> f64 {
            let it = &items[i];
            let hh = it.h / 2.0;
            let hw = (it.w / 2.0).max(1.0);
            let off = match it.kind {
                Kind::Node(n) => match nodes[n].boundary {
                    Boundary::Rect => hh,
                    Boundary::Diamond => hh * (1.0 - (dx.abs() / hw).min(1.0)),
                    Boundary::Ellipse => hh * (1.0 - (dx / hw).powi(2)).max(0.0).sqrt(),
                },
                _ => hh,
            };
            let cy = ranks.cy(it);
            if below { cy + off } else { cy - off }
        };
        for &e in &self.input.comp.edges {
            let ch = &self.chains[&e];
            // (x, y, joined by a straight line to the previous)
            let mut pts: Vec<(f64, f64, bool)> = Vec::new();
            for (k, &i) in ch.iter().enumerate() {
                let it = &items[i];
                if k == 0 {
                    let dx = port.get(&(i, ch[1])).copied().unwrap_or(0.0);
                    pts.push((it.x + dx, boundary(i, dx, true), false));
                } else if k == ch.len() - 1 {
                    let dx = port.get(&(i, ch[k - 1])).copied().unwrap_or(0.0);
                    pts.push((it.x + dx, boundary(i, dx, false), false));
                } else {
                    let r = it.rank;
                    pts.push((it.x, ranks.y[r], false));
                    pts.push((it.x, ranks.y[r] + ranks.thick[r], true));
                }
            }
            let mut path = Path {
                start: (pts[0].0, pts[0].1),
                segs: Vec::new(),
            };
            for w in pts.windows(2) {
                let (a, b) = ((w[0].0, w[0].1), (w[1].0, w[1].1));
                if w[1].2 {
                    path.segs.push((a, b, b));
                } else {
                    let my = (a.1 + b.1) / 2.0;
                    path.segs.push(((a.0, my), (b.0, my), b));
                }
            }
            if self.reversed.get(&e).copied().unwrap_or(false) {
                path = path.reversed();
            }
            out.edges[e].path = path;
        }
    }

    /// Ports: where each segment meets a node, as an offset from the node's centre, spread
    /// along the side in the order of the other ends.
    fn ports(&self) -> HashMap<(usize, usize), f64> {
        let items = &self.items;
        let mut port: HashMap<(usize, usize), f64> = HashMap::new(); // (item, next item) → dx
        for &i in self.node_item.values() {
            for list in [&self.down[i], &self.up[i]] {
                let mut nb: Vec<usize> = list.clone();
                nb.sort_by(|&a, &b| {
                    items[a]
                        .x
                        .partial_cmp(&items[b].x)
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                let k = nb.len();
                if k == 0 {
                    continue;
                }
                let step = (items[i].w * 0.6 / k as f64).min(18.0);
                for (j, &o) in nb.iter().enumerate() {
                    port.insert((i, o), (j as f64 - (k as f64 - 1.0) / 2.0) * step);
                }
            }
        }
        port
    }

    /// Label placement: a label is the item of its edge on the middle rank, so its box got
    /// room like a node's; its centre is that item's.
    fn place_labels(&self, ranks: &Ranks, out: &mut LayoutOut) {
        for &e in &self.input.comp.edges {
            out.edges[e].label = self
                .label_item
                .get(&e)
                .map(|&i| (self.items[i].x, ranks.cy(&self.items[i])));
        }
    }
}

/// Adds a left and a right border item per rank of each cluster of the component; returns
/// each cluster's rank range and the clusters that hold items, by index.
fn add_cluster_borders(
    items: &mut Vec<Item>,
    comp: &Comp,
    clusters: &[LCluster],
) -> (HashMap<usize, (usize, usize)>, Vec<usize>) {
    let mut crange: HashMap<usize, (usize, usize)> = HashMap::new();
    for it in items.iter() {
        for c in cluster_path(clusters, it.cluster) {
            let e = crange.entry(c).or_insert((it.rank, it.rank));
            e.0 = e.0.min(it.rank);
            e.1 = e.1.max(it.rank);
        }
    }
    let mut comp_clusters: Vec<usize> = comp
        .clusters
        .iter()
        .copied()
        .filter(|c| crange.contains_key(c))
        .collect();
    comp_clusters.sort_unstable();
    for &c in &comp_clusters {
        let (lo, hi) = crange[&c];
        for r in lo..=hi {
            for kind in [Kind::Left(c), Kind::Right(c)] {
                items.push(Item {
                    kind,
                    rank: r,
                    w: 0.0,
                    h: 0.0,
                    cluster: Some(c),
                    x: 0.0,
                });
            }
        }
    }
    (crange, comp_clusters)
}

/// Number of pairs `(a1, b1)`, `(a2, b2)` with `(a1 - a2) * (b1 - b2) < 0`: pairs tied on
/// either end do not count. Sorts `v`.
fn inversions(v: &mut [(f64, f64)]) -> usize {
    if v.len() < 2 {
        return 0;
    }
    v.sort_by(|p, q| p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal));
    // Ranks of the lower ends, for a Fenwick tree.
    let mut bs: Vec<f64> = v.iter().map(|p| p.1).collect();
    bs.sort_by(|p, q| p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal));
    bs.dedup();
    let idx = |b: f64| bs.partition_point(|&x| x < b);
    let mut tree = vec![0usize; bs.len() + 1];
    let mut inserted = 0;
    let mut count = 0;
    let mut k = 0;
    while k < v.len() {
        // A group with the same upper end: count against earlier groups, then insert.
        let mut end = k;
        while end < v.len() && v[end].0 == v[k].0 {
            end += 1;
        }
        for p in &v[k..end] {
            // Earlier segments with a strictly greater lower end.
            let mut at_most = 0;
            let mut j = idx(p.1) + 1;
            while j > 0 {
                at_most += tree[j];
                j &= j - 1;
            }
            count += inserted - at_most;
        }
        for p in &v[k..end] {
            let mut j = idx(p.1) + 1;
            while j < tree.len() {
                tree[j] += 1;
                j += j & j.wrapping_neg();
            }
            inserted += 1;
        }
        k = end;
    }
    count
}

/// What a crossing-reduction sweep reads.
struct RankOrder<'a> {
    items: &'a [Item],
    /// Each item's clusters, outermost first.
    paths: &'a [Vec<usize>],
    up: &'a [Vec<usize>],
    down: &'a [Vec<usize>],
}

impl RankOrder<'_> {
    /// Mean position of an item's neighbours in the rank above (`downward`) or below.
    fn bary(&self, i: usize, pos: &[f64], downward: bool) -> Option<f64> {
        let nb = if downward { &self.up[i] } else { &self.down[i] };
        (!nb.is_empty()).then(|| nb.iter().map(|&j| pos[j]).sum::<f64>() / nb.len() as f64)
    }

    /// One sweep down (or up) the ranks: each rank sorted by barycentres, clusters kept
    /// together (one key per cluster, the same in every rank, so sibling clusters keep one order).
    fn sweep(&self, layers: &mut [Vec<usize>], pos: &mut [f64], downward: bool) {
        let items = self.items;
        let paths = self.paths;
        let mut bary = pos.to_vec();
        for (i, b) in bary.iter_mut().enumerate() {
            if let Some(v) = self.bary(i, pos, downward) {
                *b = v;
            }
        }
        let mut ckey: HashMap<usize, (f64, f64)> = HashMap::new();
        for (i, p) in paths.iter().enumerate() {
            if matches!(items[i].kind, Kind::Left(_) | Kind::Right(_)) {
                continue;
            }
            for &c in p {
                let e = ckey.entry(c).or_insert((0.0, 0.0));
                e.0 += bary[i];
                e.1 += 1.0;
            }
        }
        let key = |c: usize| ckey.get(&c).map_or(0.0, |(s, n)| s / n.max(1.0));
        let order: Vec<usize> = if downward {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for (step, r) in order.into_iter().enumerate() {
            if step > 0 {
                // This rank sees the new positions of the one sorted before it.
                for &i in &layers[r] {
                    if let Some(v) = self.bary(i, pos, downward) {
                        bary[i] = v;
                    }
                }
            }
            let layer = &mut layers[r];
            layer.sort_by(|&a, &b| {
                let (pa, pb) = (&paths[a], &paths[b]);
                let mut d = 0;
                loop {
                    // Unit at depth d: a cluster, the item itself, or a border.
                    let ua = unit(&items[a].kind, pa, d);
                    let ub = unit(&items[b].kind, pb, d);
                    if ua == ub && ua.0 == 0 {
                        d += 1;
                        continue;
                    }
                    let ka = unit_key(ua, a, &bary, &key);
                    let kb = unit_key(ub, b, &bary, &key);
                    return ka
                        .partial_cmp(&kb)
                        .unwrap_or(std::cmp::Ordering::Equal)
                        .then(ua.1.cmp(&ub.1))
                        .then(
                            pos[a]
                                .partial_cmp(&pos[b])
                                .unwrap_or(std::cmp::Ordering::Equal),
                        );
                }
            });
            for (k, &i) in layer.iter().enumerate() {
                pos[i] = k as f64;
            }
        }
    }
}

/// One pass of coordinate assignment: each rank in turn (down on even passes, up on odd) moved
/// as close as its separations allow to where its neighbours pull it; cluster borders to the
/// mean of their side.
fn fit_ranks(
    items: &mut [Item],
    layers: &[Vec<usize>],
    nbrs: &[Vec<(usize, f64)>],
    sep: &dyn Fn(usize, usize) -> f64,
    downward: bool,
) {
    let nranks = layers.len();
    let order: Vec<usize> = if downward {
        (0..nranks).collect()
    } else {
        (0..nranks).rev().collect()
    };
    // Mean border positions per cluster side.
    let mut border: HashMap<(usize, bool), (f64, f64)> = HashMap::new();
    for it in items.iter() {
        match it.kind {
            Kind::Left(c) => {
                let e = border.entry((c, false)).or_insert((0.0, 0.0));
                e.0 += it.x;
                e.1 += 1.0;
            }
            Kind::Right(c) => {
                let e = border.entry((c, true)).or_insert((0.0, 0.0));
                e.0 += it.x;
                e.1 += 1.0;
            }
            _ => {}
        }
    }
    for r in order {
        let layer = &layers[r];
        let mut want = Vec::with_capacity(layer.len());
        for &i in layer {
            let it = &items[i];
            let (d, w) = match it.kind {
                Kind::Left(c) | Kind::Right(c) => {
                    let (s, n) = border[&(c, matches!(it.kind, Kind::Right(_)))];
                    (s / n, 0.5)
                }
                _ if nbrs[i].is_empty() => (it.x, 0.1),
                _ => {
                    let tw: f64 = nbrs[i].iter().map(|x| x.1).sum();
                    let s: f64 = nbrs[i].iter().map(|&(j, w)| items[j].x * w).sum();
                    (s / tw, tw)
                }
            };
            want.push((d, w));
        }
        let seps: Vec<f64> = layer.windows(2).map(|w| sep(w[0], w[1])).collect();
        let xs = pava(&want, &seps);
        for (k, &i) in layer.iter().enumerate() {
            items[i].x = xs[k];
        }
    }
}

/// Unit of an item at cluster depth `d`: `(0, cluster)` inside a cluster, `(1, 0)` a left
/// border, `(2, item)` the item itself, `(3, 0)` a right border.
fn unit(kind: &Kind, path: &[usize], d: usize) -> (u8, usize) {
    match kind {
        Kind::Left(_) | Kind::Right(_) => {
            if d < path.len() {
                (0, path[d])
            } else if matches!(kind, Kind::Left(_)) {
                (1, 0)
            } else {
                (3, 0)
            }
        }
        _ => {
            if d < path.len() {
                (0, path[d])
            } else {
                (2, usize::MAX)
            }
        }
    }
}

fn unit_key(u: (u8, usize), item: usize, bary: &[f64], key: &dyn Fn(usize) -> f64) -> (u8, f64) {
    match u.0 {
        0 => (1, key(u.1)),
        1 => (0, 0.0),
        2 => (1, bary[item]),
        _ => (2, 0.0),
    }
}

/// Weighted least-squares positions `x` closest to `want` with `x[k+1] - x[k] >= sep[k]`
/// (pool adjacent violators on the shifted problem).
fn pava(want: &[(f64, f64)], sep: &[f64]) -> Vec<f64> {
    let n = want.len();
    let mut shift = vec![0.0; n];
    for k in 1..n {
        shift[k] = shift[k - 1] + sep[k - 1];
    }
    // Blocks: (sum of w*y, sum of w, count)
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for k in 0..n {
        let (d, w) = want[k];
        let w = w.max(1e-6);
        blocks.push((w * (d - shift[k]), w, 1));
        while blocks.len() > 1 {
            let b = blocks[blocks.len() - 1];
            let a = blocks[blocks.len() - 2];
            if a.0 / a.1 > b.0 / b.1 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(n);
    for (s, w, c) in blocks {
        for _ in 0..c {
            let k = out.len();
            out.push(s / w + shift[k]);
        }
    }
    out
}

/// Makes positions legal: every separation in every rank, every cluster border one straight
/// line, every cluster at least as wide as its title. Moves items only rightwards.
fn legalize(
    items: &mut [Item],
    layers: &[Vec<usize>],
    sep: &dyn Fn(usize, usize) -> f64,
    clusters: &[LCluster],
    comp_clusters: &[usize],
    swap: bool,
) {
    let (var_of, border_var, nvars) = position_vars(items);
    let init = starting_positions(items, &var_of, nvars);
    let mut cons = Constraints::new(nvars);
    for layer in layers {
        for w in layer.windows(2) {
            cons.add(var_of[w[0]], var_of[w[1]], sep(w[0], w[1]));
        }
    }
    for &c in comp_clusters {
        if let (Some(&l), Some(&r)) = (border_var.get(&(c, false)), border_var.get(&(c, true))) {
            let need = if swap {
                0.0
            } else {
                clusters[c].title.0 + 2.0 * CLUSTER_PAD
            };
            cons.add(l, r, need);
        }
    }
    let Some(x) = cons.solve(init) else {
        // Not expected (cluster orders are consistent); fall back to packing each rank.
        pack_ranks(items, layers, sep);
        return;
    };
    for (i, it) in items.iter_mut().enumerate() {
        it.x = x[var_of[i]];
    }
}

/// The position variables of [`legalize`]: one per item, except cluster borders, which share
/// one per cluster side (so each side is one straight line). Returns each item's variable,
/// the variable of each (cluster, right side), and their number.
fn position_vars(items: &[Item]) -> (Vec<usize>, HashMap<(usize, bool), usize>, usize) {
    let mut var_of: Vec<usize> = vec![0; items.len()];
    let mut border_var: HashMap<(usize, bool), usize> = HashMap::new();
    let mut nvars = 0;
    for (i, it) in items.iter().enumerate() {
        var_of[i] = match it.kind {
            Kind::Left(c) | Kind::Right(c) => *border_var
                .entry((c, matches!(it.kind, Kind::Right(_))))
                .or_insert_with(|| {
                    nvars += 1;
                    nvars - 1
                }),
            _ => {
                nvars += 1;
                nvars - 1
            }
        };
    }
    (var_of, border_var, nvars)
}

/// Where each variable starts: its item's position; for a cluster side shared by several
/// items, the leftmost of its left borders and the rightmost of its right ones.
fn starting_positions(items: &[Item], var_of: &[usize], nvars: usize) -> Vec<f64> {
    let mut init = vec![f64::NEG_INFINITY; nvars];
    for (i, it) in items.iter().enumerate() {
        let v = var_of[i];
        init[v] = match it.kind {
            Kind::Left(_) => {
                if init[v] == f64::NEG_INFINITY {
                    it.x
                } else {
                    init[v].min(it.x)
                }
            }
            _ => init[v].max(it.x),
        };
    }
    init
}

/// Difference constraints between variables: each `(b, gap)` in `after[a]` asks for
/// `x[b] >= x[a] + gap`.
struct Constraints {
    after: Vec<Vec<(usize, f64)>>,
    /// Constraints on each variable not yet met by the solver.
    indeg: Vec<usize>,
}

impl Constraints {
    /// No constraint on `n` variables.
    fn new(n: usize) -> Self {
        Constraints {
            after: vec![Vec::new(); n],
            indeg: vec![0; n],
        }
    }

    /// Asks for `x[b] >= x[a] + gap`.
    fn add(&mut self, a: usize, b: usize, gap: f64) {
        self.after[a].push((b, gap));
        self.indeg[b] += 1;
    }

    /// The smallest positions no lower than `start` that meet every constraint (a longest-path
    /// pass in topological order); `None` when the constraints form a cycle.
    fn solve(mut self, start: Vec<f64>) -> Option<Vec<f64>> {
        let n = start.len();
        let mut x = start;
        let mut queue: Vec<usize> = (0..n).filter(|&v| self.indeg[v] == 0).collect();
        let mut qi = 0;
        while qi < queue.len() {
            let v = queue[qi];
            qi += 1;
            for &(w, s) in &self.after[v] {
                if x[v] + s > x[w] {
                    x[w] = x[v] + s;
                }
                self.indeg[w] -= 1;
                if self.indeg[w] == 0 {
                    queue.push(w);
                }
            }
        }
        (queue.len() == n).then_some(x)
    }
}

/// The fallback of [`legalize`]: each rank packed left to right, every item at least its
/// separation from the one before.
fn pack_ranks(items: &mut [Item], layers: &[Vec<usize>], sep: &dyn Fn(usize, usize) -> f64) {
    for layer in layers {
        for k in 1..layer.len() {
            let (a, b) = (layer[k - 1], layer[k]);
            let min = items[a].x + sep(a, b);
            if items[b].x < min {
                items[b].x = min;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: Kind, rank: usize, x: f64) -> Item {
        Item {
            kind,
            rank,
            w: 10.0,
            h: 10.0,
            cluster: None,
            x,
        }
    }

    #[test]
    fn constraints_push_right_only_as_far_as_needed() {
        let mut c = Constraints::new(3);
        c.add(0, 1, 10.0);
        c.add(1, 2, 5.0);
        c.add(0, 2, 30.0);
        // x1 ≥ 0 + 10, x2 ≥ max(11 + 5, 0 + 30); a variable already far enough stays put.
        assert_eq!(c.solve(vec![0.0, 11.0, 0.0]), Some(vec![0.0, 11.0, 30.0]));
        let mut cycle = Constraints::new(2);
        cycle.add(0, 1, 1.0);
        cycle.add(1, 0, 1.0);
        assert_eq!(cycle.solve(vec![0.0, 0.0]), None);
    }

    #[test]
    fn a_cluster_side_is_one_variable_starting_at_its_outermost_border() {
        let items = [
            item(Kind::Node(0), 0, 5.0),
            item(Kind::Left(0), 0, 3.0),
            item(Kind::Left(0), 1, 1.0),
            item(Kind::Right(0), 0, 20.0),
            item(Kind::Right(0), 1, 25.0),
        ];
        let (var_of, border_var, n) = position_vars(&items);
        assert_eq!(var_of, [0, 1, 1, 2, 2]);
        assert_eq!(border_var[&(0, false)], 1);
        assert_eq!(border_var[&(0, true)], 2);
        assert_eq!(n, 3);
        assert_eq!(starting_positions(&items, &var_of, n), [5.0, 1.0, 25.0]);
    }

    #[test]
    fn long_edges_pass_ranks_as_dummies_with_the_label_in_the_middle() {
        let comp = Comp {
            nodes: vec![0, 1],
            edges: vec![0],
            clusters: vec![],
        };
        let nodes = [n(None), n(None)];
        let edges = [LEdge {
            from: 0,
            to: 1,
            label: Some((30.0, 12.0)),
            minlen: 4,
        }];
        let input = Input {
            comp: &comp,
            nodes: &nodes,
            edges: &edges,
            clusters: &[],
            swap: false,
            flip: false,
            factor: 2,
        };
        let rank: HashMap<usize, usize> = [(0, 0), (1, 4)].into_iter().collect();
        let same = |w: f64, h: f64| (w, h);
        let (mut items, node_item) = node_items(&input, &rank, &same);
        let (chains, label_item) = edge_chains(
            &input,
            &HashMap::new(),
            &rank,
            &same,
            &mut items,
            &node_item,
        );
        assert_eq!(chains[&0], [0, 2, 3, 4, 1]);
        assert_eq!(label_item[&0], 3, "the label sits on rank 2 of 0..4");
        assert_eq!((items[3].w, items[3].h), (30.0, 12.0));
        assert_eq!((items[2].w, items[4].w), (0.0, 0.0));
        let weights: Vec<f64> = segments(&comp, &chains, &items)
            .iter()
            .map(|s| s.weight)
            .collect();
        assert_eq!(weights, [2.0, 8.0, 8.0, 2.0]);
        let (up, down) = adjacency(&segments(&comp, &chains, &items), items.len());
        assert_eq!((up[3].clone(), down[3].clone()), (vec![2], vec![4]));
    }

    #[test]
    fn pava_respects_separation() {
        let xs = pava(&[(0.0, 1.0), (0.0, 1.0), (100.0, 1.0)], &[10.0, 10.0]);
        assert!((xs[1] - xs[0] - 10.0).abs() < 1e-9);
        assert!((xs[0] + 5.0).abs() < 1e-9);
        assert!((xs[2] - 100.0).abs() < 1e-9);
    }

    fn n(c: Option<usize>) -> LNode {
        LNode {
            w: 80.0,
            h: 40.0,
            cluster: c,
            boundary: Boundary::Rect,
        }
    }

    #[test]
    fn chain_ranks_down() {
        let nodes = vec![n(None), n(None), n(None)];
        let e = |a, b| LEdge {
            from: a,
            to: b,
            label: None,
            minlen: 1,
        };
        let out = layout(Dir::TB, &nodes, &[e(0, 1), e(1, 2), e(2, 0)], &[]).expect("small");
        assert!(out.nodes[0].1 < out.nodes[1].1 && out.nodes[1].1 < out.nodes[2].1);
        let out = layout(Dir::LR, &nodes, &[e(0, 1), e(1, 2)], &[]).expect("small");
        assert!(out.nodes[0].0 < out.nodes[1].0 && out.nodes[1].0 < out.nodes[2].0);
    }

    #[test]
    fn clusters_contain_members_and_not_others() {
        let cl = vec![
            LCluster {
                parent: None,
                title: (50.0, 20.0),
            },
            LCluster {
                parent: None,
                title: (50.0, 20.0),
            },
        ];
        let nodes = vec![n(Some(0)), n(Some(0)), n(Some(1)), n(Some(1)), n(None)];
        let e = |a, b| LEdge {
            from: a,
            to: b,
            label: None,
            minlen: 1,
        };
        let edges = vec![e(4, 0), e(4, 2), e(0, 3), e(2, 1)];
        let out = layout(Dir::TB, &nodes, &edges, &cl).expect("small");
        for (i, nd) in nodes.iter().enumerate() {
            let (x, y) = out.nodes[i];
            for (c, r) in out.clusters.iter().enumerate() {
                let inside = x - 40.0 >= r.x
                    && x + 40.0 <= r.x + r.w
                    && y - 20.0 >= r.y
                    && y + 20.0 <= r.y + r.h;
                let overlaps = x + 40.0 > r.x
                    && x - 40.0 < r.x + r.w
                    && y + 20.0 > r.y
                    && y - 20.0 < r.y + r.h;
                if nd.cluster == Some(c) {
                    assert!(inside, "node {i} inside cluster {c}: {r:?} {x},{y}");
                } else {
                    assert!(!overlaps, "node {i} outside cluster {c}");
                }
            }
        }
        let (a, b) = (out.clusters[0], out.clusters[1]);
        assert!(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y);
    }
}
