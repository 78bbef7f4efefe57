//! Node-and-edge diagrams (flowcharts, state and class diagrams): sizes from the measured
//! labels, the layered layout, and the SVG.

use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};
use super::layout::{self, Boundary, Dir, LCluster, LEdge, LNode, Path, TooBig};
use super::svg::{self, Anchor, ID, num};

/// Widest a label line gets before it wraps, in px.
pub const WRAP: f64 = 200.0;
const PAD_X: f64 = 14.0;
const PAD_Y: f64 = 8.0;
const LOOP: f64 = 26.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Rect,
    Round,
    Stadium,
    Subroutine,
    Cylinder,
    Circle,
    DoubleCircle,
    Diamond,
    Hexagon,
    Parallelogram,
    ParallelogramAlt,
    Trapezoid,
    TrapezoidAlt,
    Asymmetric,
    /// State diagram start (a filled dot).
    Start,
    /// State diagram end (a ringed dot).
    End,
    /// Fork or join bar.
    Bar,
    /// A class box: the label's first line is the name; `sections` follow, left-aligned.
    Class,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub label: String,
    pub shape: Shape,
    pub cluster: Option<usize>,
    /// Extra compartments (class members), each a list of lines.
    pub sections: Vec<Vec<String>>,
    /// A line shown small above the name (`«interface»`).
    pub annotation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stroke {
    Solid,
    Dotted,
    Thick,
    Invisible,
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: Option<String>,
    pub stroke: Stroke,
    /// Marker names (see [`svg::marker`]) at the start and the end.
    pub start: Option<&'static str>,
    pub end: Option<&'static str>,
    pub minlen: usize,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub title: String,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Graph {
    pub dir: Dir,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub clusters: Vec<Cluster>,
}

struct Sized {
    w: f64,
    h: f64,
    lines: Vec<String>,
    /// Class boxes: the compartments' lines.
    sections: Vec<Vec<String>>,
}

fn size(n: &Node) -> Sized {
    let lines = if matches!(n.shape, Shape::Start | Shape::End | Shape::Bar) {
        Vec::new()
    } else {
        font::wrap(&n.label, WRAP)
    };
    let tw = font::lines_width(&lines);
    let th = svg::lines_height(lines.len());
    let (w, h) = match n.shape {
        Shape::Rect | Shape::Round => (tw + 2.0 * PAD_X, th + 2.0 * PAD_Y),
        Shape::Stadium => (tw + 2.0 * PAD_X + th / 2.0, th + 2.0 * PAD_Y),
        Shape::Subroutine => (tw + 2.0 * PAD_X + 16.0, th + 2.0 * PAD_Y),
        Shape::Cylinder => (tw + 2.0 * PAD_X, th + 2.0 * PAD_Y + 12.0),
        Shape::Circle => {
            let d = tw.hypot(th) + 12.0;
            (d, d)
        }
        Shape::DoubleCircle => {
            let d = tw.hypot(th) + 22.0;
            (d, d)
        }
        Shape::Diamond => {
            // The text box's corners lie inside a rhombus twice as wide as high.
            let b = tw / 4.0 + th / 2.0 + 6.0;
            (4.0 * b, 2.0 * b)
        }
        Shape::Hexagon => {
            let h = th + 2.0 * PAD_Y;
            (tw + 2.0 * PAD_X + h / 2.0, h)
        }
        Shape::Parallelogram
        | Shape::ParallelogramAlt
        | Shape::Trapezoid
        | Shape::TrapezoidAlt
        | Shape::Asymmetric => {
            let h = th + 2.0 * PAD_Y;
            (tw + 2.0 * PAD_X + h / 2.0, h)
        }
        Shape::Start => (16.0, 16.0),
        Shape::End => (20.0, 20.0),
        Shape::Bar => (70.0, 8.0),
        Shape::Class => {
            let ann = usize::from(n.annotation.is_some());
            let mut w = tw.max(n.annotation.as_deref().map_or(0.0, font::width));
            let mut h = svg::lines_height(lines.len() + ann) + 2.0 * PAD_Y;
            for s in &n.sections {
                w = w.max(font::lines_width(s));
                h += if s.is_empty() {
                    PAD_Y
                } else {
                    svg::lines_height(s.len()) + PAD_Y
                };
            }
            (w + 2.0 * PAD_X, h)
        }
    };
    Sized {
        w,
        h,
        lines,
        sections: n.sections.clone(),
    }
}

fn boundary(s: Shape, dir: Dir) -> Boundary {
    match s {
        Shape::Diamond => Boundary::Diamond,
        Shape::Circle | Shape::DoubleCircle | Shape::Start | Shape::End => Boundary::Ellipse,
        Shape::Cylinder if !dir.horizontal() => Boundary::Ellipse,
        _ => Boundary::Rect,
    }
}

/// What a rendered diagram is made of: the SVG (ids use the [`ID`] placeholder) and its labels.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub svg_body: String,
    pub width: f64,
    pub height: f64,
    pub labels: Vec<String>,
    /// Steps the layout took (see [`layout::LayoutOut::work`]).
    pub work: u64,
}

/// Lays out and draws a graph.
pub fn draw(g: &Graph) -> Result<Drawn, TooBig> {
    let sizes: Vec<Sized> = g.nodes.iter().map(size).collect();
    // Self-loops are drawn on their node; their labels share one box beside it.
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
    let horizontal = g.dir.horizontal();
    let loop_extra = |n: usize| -> f64 {
        if loops[n].is_empty() {
            return 0.0;
        }
        let l = &loop_label[n];
        let lw = if horizontal {
            svg::lines_height(l.len())
        } else {
            font::lines_width(l)
        };
        LOOP + 8.0 + if l.is_empty() { 0.0 } else { lw + 4.0 }
    };
    let lnodes: Vec<LNode> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let extra = 2.0 * loop_extra(i);
            let (w, h) = if horizontal {
                (sizes[i].w, sizes[i].h + extra)
            } else {
                (sizes[i].w + extra, sizes[i].h)
            };
            LNode {
                w,
                h,
                cluster: n.cluster,
                boundary: boundary(n.shape, g.dir),
            }
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
    let label_box = |lines: &[String]| {
        (
            font::lines_width(lines) + 8.0,
            svg::lines_height(lines.len()) + 4.0,
        )
    };
    let mut index: Vec<usize> = Vec::new();
    let ledges: Vec<LEdge> = g
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.from != e.to)
        .map(|(i, e)| {
            index.push(i);
            LEdge {
                from: e.from,
                to: e.to,
                label: (!edge_lines[i].is_empty()).then(|| label_box(&edge_lines[i])),
                minlen: e.minlen,
            }
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
        // Titles run along the ranks: wrap them to their box and lay out again.
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
    let margin = 8.0;
    let (mw, mh) = (out.width + 2.0 * margin, out.height + 2.0 * margin);
    let m = |p: (f64, f64)| (p.0 + margin, p.1 + margin);

    let mut markers: Vec<&str> = Vec::new();
    let mut body = String::new();
    let mut labels: Vec<String> = Vec::new();
    // Clusters, outermost first.
    let mut order: Vec<usize> = (0..g.clusters.len()).collect();
    let depth = |mut c: usize| {
        let mut d = 0;
        while let Some(p) = g.clusters[c].parent {
            d += 1;
            c = p;
        }
        d
    };
    order.sort_by_key(|&c| depth(c));
    for &c in &order {
        let r = out.clusters[c];
        if r.w <= 0.0 {
            continue;
        }
        let (x, y) = m((r.x, r.y));
        let _ = write!(
            body,
            "<rect class=\"dg-cluster\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(x),
            num(y),
            num(r.w),
            num(r.h)
        );
        let t = &titles[c];
        if !t.is_empty() && !t[0].is_empty() {
            let th = svg::lines_height(t.len());
            svg::text(
                &mut body,
                "dg-t dg-title",
                x + 8.0,
                y + 6.0 + th / 2.0,
                t,
                Anchor::Start,
            );
            labels.push(g.clusters[c].title.clone());
        }
    }
    // Edges.
    let mut label_out = String::new();
    for (k, &i) in index.iter().enumerate() {
        let e = &g.edges[i];
        let eo = &out.edges[k];
        if e.stroke == Stroke::Invisible {
            continue;
        }
        write_edge(&mut body, &mut markers, e, &shift(&eo.path, margin));
        if let Some(c) = eo.label {
            let (cx, cy) = m(c);
            let (w, h) = label_box(&edge_lines[i]);
            let _ = write!(
                label_out,
                "<rect class=\"dg-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                num(cx - w / 2.0),
                num(cy - h / 2.0),
                num(w),
                num(h)
            );
            svg::text(
                &mut label_out,
                "dg-t",
                cx,
                cy,
                &edge_lines[i],
                Anchor::Middle,
            );
            labels.push(e.label.clone().unwrap_or_default());
        }
    }
    // Self-loops.
    for (n, ls) in loops.iter().enumerate() {
        let Some(&first) = ls.first() else { continue };
        let s = &sizes[n];
        let (cx, cy) = m(out.nodes[n]);
        let e = &g.edges[first];
        let lines = &loop_label[n];
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
        write_edge(&mut body, &mut markers, e, &path);
        if !lines.is_empty() {
            let (w, h) = label_box(lines);
            let (lx, ly) = if horizontal {
                (cx, cy + s.h / 2.0 + LOOP + 6.0 + h / 2.0)
            } else {
                (cx + s.w / 2.0 + LOOP + 6.0 + w / 2.0, cy)
            };
            let _ = write!(
                label_out,
                "<rect class=\"dg-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                num(lx - w / 2.0),
                num(ly - h / 2.0),
                num(w),
                num(h)
            );
            svg::text(&mut label_out, "dg-t", lx, ly, lines, Anchor::Middle);
            labels.push(lines.join(" "));
        }
    }
    // Nodes.
    for (i, n) in g.nodes.iter().enumerate() {
        let (cx, cy) = m(out.nodes[i]);
        draw_node(&mut body, n, &sizes[i], cx, cy);
        if !n.label.is_empty() && !matches!(n.shape, Shape::Start | Shape::End | Shape::Bar) {
            labels.push(n.label.replace('\n', " "));
        }
        for s in &n.sections {
            labels.extend(s.iter().cloned());
        }
    }
    body.push_str(&label_out);
    let defs = svg::defs(&markers);
    Ok(Drawn {
        svg_body: format!("{defs}{body}"),
        width: mw,
        height: mh,
        labels,
        work: out.work,
    })
}

fn shift(p: &Path, d: f64) -> Path {
    let m = |q: (f64, f64)| (q.0 + d, q.1 + d);
    Path {
        start: m(p.start),
        segs: p.segs.iter().map(|&(a, b, c)| (m(a), m(b), m(c))).collect(),
    }
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

fn poly(out: &mut String, class: &str, pts: &[(f64, f64)]) {
    let p: Vec<String> = pts
        .iter()
        .map(|&(x, y)| format!("{},{}", num(x), num(y)))
        .collect();
    let _ = write!(
        out,
        "<polygon class=\"{class}\" points=\"{}\"/>",
        p.join(" ")
    );
}

fn rect(out: &mut String, class: &str, x: f64, y: f64, w: f64, h: f64, rx: f64) {
    let _ = write!(
        out,
        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        num(x),
        num(y),
        num(w),
        num(h)
    );
    if rx > 0.0 {
        let _ = write!(out, " rx=\"{}\"", num(rx));
    }
    out.push_str("/>");
}

fn draw_node(out: &mut String, n: &Node, s: &Sized, cx: f64, cy: f64) {
    let (w, h) = (s.w, s.h);
    let (x, y) = (cx - w / 2.0, cy - h / 2.0);
    let c = "dg-node";
    match n.shape {
        Shape::Rect => rect(out, c, x, y, w, h, 3.0),
        Shape::Round => rect(out, c, x, y, w, h, 10.0),
        Shape::Stadium => rect(out, c, x, y, w, h, h / 2.0),
        Shape::Subroutine => {
            rect(out, c, x, y, w, h, 0.0);
            let _ = write!(
                out,
                "<path class=\"dg-line\" d=\"M{} {}V{}M{} {}V{}\"/>",
                num(x + 8.0),
                num(y),
                num(y + h),
                num(x + w - 8.0),
                num(y),
                num(y + h)
            );
        }
        Shape::Cylinder => {
            let ry = 6.0;
            let rx = w / 2.0;
            let _ = write!(
                out,
                "<path class=\"{c}\" d=\"M{x0} {y0}A{rx} {ry} 0 0 1 {x1} {y0}V{y1}A{rx} {ry} 0 0 1 {x0} {y1}Z\"/><path class=\"dg-line\" d=\"M{x0} {y0}A{rx} {ry} 0 0 0 {x1} {y0}\"/>",
                x0 = num(x),
                x1 = num(x + w),
                y0 = num(y + ry),
                y1 = num(y + h - ry),
                rx = num(rx),
                ry = num(ry),
            );
        }
        Shape::Circle | Shape::DoubleCircle => {
            let _ = write!(
                out,
                "<circle class=\"{c}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                num(cx),
                num(cy),
                num(w / 2.0)
            );
            if n.shape == Shape::DoubleCircle {
                let _ = write!(
                    out,
                    "<circle class=\"dg-line\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                    num(cx),
                    num(cy),
                    num(w / 2.0 - 5.0)
                );
            }
        }
        Shape::Diamond => poly(out, c, &[(cx, y), (x + w, cy), (cx, y + h), (x, cy)]),
        Shape::Hexagon => {
            let i = h / 4.0;
            poly(
                out,
                c,
                &[
                    (x + i, y),
                    (x + w - i, y),
                    (x + w, cy),
                    (x + w - i, y + h),
                    (x + i, y + h),
                    (x, cy),
                ],
            );
        }
        Shape::Parallelogram | Shape::ParallelogramAlt => {
            let k = h / 2.0;
            let (a, b) = if n.shape == Shape::Parallelogram {
                (k, 0.0)
            } else {
                (0.0, k)
            };
            poly(
                out,
                c,
                &[
                    (x + a, y),
                    (x + w - b, y),
                    (x + w - a, y + h),
                    (x + b, y + h),
                ],
            );
        }
        Shape::Trapezoid | Shape::TrapezoidAlt => {
            let k = h / 2.0;
            let (top, bottom) = if n.shape == Shape::Trapezoid {
                (k, 0.0)
            } else {
                (0.0, k)
            };
            poly(
                out,
                c,
                &[
                    (x + top, y),
                    (x + w - top, y),
                    (x + w - bottom, y + h),
                    (x + bottom, y + h),
                ],
            );
        }
        Shape::Asymmetric => {
            let k = h / 2.0;
            poly(
                out,
                c,
                &[(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x + k, cy)],
            );
        }
        Shape::Start => {
            let _ = write!(
                out,
                "<circle class=\"dg-dot\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                num(cx),
                num(cy),
                num(w / 2.0)
            );
        }
        Shape::End => {
            let _ = write!(
                out,
                "<circle class=\"dg-node\" cx=\"{0}\" cy=\"{1}\" r=\"{2}\"/><circle class=\"dg-dot\" cx=\"{0}\" cy=\"{1}\" r=\"{3}\"/>",
                num(cx),
                num(cy),
                num(w / 2.0),
                num(w / 2.0 - 4.0)
            );
        }
        Shape::Bar => rect(out, "dg-dot", x, y, w, h, 2.0),
        Shape::Class => {
            rect(out, c, x, y, w, h, 3.0);
            let mut top = y + PAD_Y;
            if let Some(a) = &n.annotation {
                svg::text(
                    out,
                    "dg-t",
                    cx,
                    top + LINE_HEIGHT / 2.0,
                    std::slice::from_ref(a),
                    Anchor::Middle,
                );
                top += LINE_HEIGHT;
            }
            let nh = svg::lines_height(s.lines.len());
            svg::text(out, "dg-t", cx, top + nh / 2.0, &s.lines, Anchor::Middle);
            top += nh + PAD_Y;
            for sec in &s.sections {
                let _ = write!(
                    out,
                    "<path class=\"dg-line\" d=\"M{} {}H{}\"/>",
                    num(x),
                    num(top),
                    num(x + w)
                );
                if sec.is_empty() {
                    top += PAD_Y;
                    continue;
                }
                let sh = svg::lines_height(sec.len());
                svg::text(
                    out,
                    "dg-t",
                    x + PAD_X,
                    top + PAD_Y / 2.0 + sh / 2.0,
                    sec,
                    Anchor::Start,
                );
                top += sh + PAD_Y;
            }
            return;
        }
    }
    if !s.lines.is_empty() && !matches!(n.shape, Shape::Start | Shape::End | Shape::Bar) {
        let ty = if n.shape == Shape::Cylinder {
            cy + 3.0
        } else {
            cy
        };
        svg::text(out, "dg-t", cx, ty, &s.lines, Anchor::Middle);
    }
}
