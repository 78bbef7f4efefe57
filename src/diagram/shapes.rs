//! Node shapes of the graph diagrams: each shape's size around its measured label, how edges
//! meet it, and its SVG. Every filled shape has the `dg-node` class (fill and outline from the
//! theme) and its label is drawn on it, so the label's contrast is the theme's label-on-node
//! contrast; decorations are `dg-line` strokes; marker-like shapes are `dg-dot` fills.

use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};
use super::graph::{Node, PAD_X, PAD_Y, Shape, WRAP};
use super::layout::{Boundary, Dir};
use super::svg::{self, Anchor, num};

/// A node's size and the lines it shows.
pub struct Sized {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The label, wrapped.
    pub lines: Vec<String>,
    /// Class boxes: the compartments' lines.
    pub sections: Vec<Vec<String>>,
    /// Entity tables: each column's width.
    pub columns: Vec<f64>,
}

/// Height of an entity table row.
const ROW_H: f64 = LINE_HEIGHT + 6.0;
/// Height of the wave at the bottom of a document.
const WAVE: f64 = 10.0;

/// Whether a shape shows its label (markers and bars do not).
pub fn shows_label(s: Shape) -> bool {
    !matches!(
        s,
        Shape::Start
            | Shape::End
            | Shape::Bar
            | Shape::SmallCircle
            | Shape::FramedCircle
            | Shape::FilledCircle
            | Shape::CrossedCircle
            | Shape::Bolt
            | Shape::Sub
            | Shape::Hidden
    )
}

/// A node's size: its label's box plus the room its shape takes around it.
pub fn size(n: &Node) -> Sized {
    let lines = if shows_label(n.shape) {
        font::wrap(&n.label, WRAP)
    } else {
        Vec::new()
    };
    let tw = font::lines_width(&lines);
    let th = svg::lines_height(lines.len());
    let mut columns = Vec::new();
    let (w, h) = match n.shape {
        Shape::Class => class_size(n, &lines, tw),
        Shape::Entity => {
            let (w, h, cols) = entity_size(n, tw);
            columns = cols;
            (w, h)
        }
        Shape::Sub => n.sub.as_ref().map_or((20.0, 20.0), |d| {
            (d.width - 2.0 * MARGIN_SUB, d.height - 2.0 * MARGIN_SUB)
        }),
        Shape::Start
        | Shape::End
        | Shape::Bar
        | Shape::SmallCircle
        | Shape::FilledCircle
        | Shape::FramedCircle
        | Shape::CrossedCircle
        | Shape::Bolt
        | Shape::Hidden => marker_size(n.shape),
        Shape::Circle
        | Shape::DoubleCircle
        | Shape::Diamond
        | Shape::Triangle
        | Shape::FlippedTriangle
        | Shape::Hourglass => figure_size(n.shape, tw, th),
        s => box_size(s, tw, th),
    };
    Sized {
        w,
        h,
        lines,
        sections: n.sections.clone(),
        columns,
    }
}

/// The fixed size of a shape that shows no label (markers, bars, the stand-in of a hidden
/// node).
fn marker_size(shape: Shape) -> (f64, f64) {
    match shape {
        Shape::Start => (16.0, 16.0),
        Shape::End => (20.0, 20.0),
        Shape::Bar => (70.0, 8.0),
        Shape::SmallCircle | Shape::FilledCircle => (14.0, 14.0),
        Shape::FramedCircle => (22.0, 22.0),
        Shape::CrossedCircle => (30.0, 30.0),
        Shape::Bolt => (24.0, 36.0),
        _ => (40.0, 16.0),
    }
}

/// The size of a shape whose outline is not a box around the `tw` × `th` label: circles, the
/// diamond, triangles and the hourglass (label below it).
fn figure_size(shape: Shape, tw: f64, th: f64) -> (f64, f64) {
    match shape {
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
        Shape::Triangle | Shape::FlippedTriangle => {
            // The label sits in the wide half; the sides clear its corners.
            let h = 2.0 * (th + PAD_Y) + PAD_Y;
            let w = (tw + 12.0) * h / (h - PAD_Y - th);
            (w, h)
        }
        _ => (tw.max(30.0) + 8.0, 34.0 + th + 4.0),
    }
}

/// The size of a shape drawn around the padded box of its `tw` × `th` label, with the room
/// its decorations take (waves, notches, stacked copies…); `Rect` and `Round` are the box.
fn box_size(shape: Shape, tw: f64, th: f64) -> (f64, f64) {
    let (bw, bh) = (tw + 2.0 * PAD_X, th + 2.0 * PAD_Y);
    match shape {
        Shape::Stadium => (bw + th / 2.0, bh),
        Shape::Subroutine => (bw + 16.0, bh),
        Shape::Cylinder => (bw, bh + 12.0),
        Shape::Hexagon
        | Shape::Parallelogram
        | Shape::ParallelogramAlt
        | Shape::Trapezoid
        | Shape::TrapezoidAlt
        | Shape::Asymmetric
        | Shape::Delay => (bw + bh / 2.0, bh),
        Shape::Document | Shape::TaggedDocument => (bw, bh + WAVE),
        Shape::LinedDocument => (bw + 10.0, bh + WAVE),
        Shape::MultiDocument => (bw + 8.0, bh + WAVE + 8.0),
        Shape::NotchedRect | Shape::LinedRect | Shape::BraceLeft | Shape::BraceRight => {
            (bw + 10.0, bh)
        }
        Shape::DividedRect => (bw, bh + 10.0),
        Shape::TaggedRect => (bw + 6.0, bh),
        Shape::StackedRect => (bw + 8.0, bh + 8.0),
        Shape::WindowPane => (bw + 10.0, bh + 10.0),
        Shape::Braces | Shape::NotchedPentagon | Shape::BowTieRect => (bw + 20.0, bh),
        Shape::Text => (tw + 8.0, th + 8.0),
        Shape::HCylinder | Shape::CurvedTrapezoid => (bw + 24.0, bh),
        Shape::LinedCylinder => (bw, bh + 18.0),
        Shape::SlopedRect | Shape::Flag => (bw, bh + 12.0),
        Shape::Cloud => (bw + 24.0, bh + 20.0),
        Shape::Bang => (bw + 30.0, bh + 24.0),
        _ => (bw, bh),
    }
}

/// The margin a sub-drawing has around its subgraph's box.
const MARGIN_SUB: f64 = 8.0;

fn class_size(n: &Node, lines: &[String], tw: f64) -> (f64, f64) {
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

/// An entity: the name over a table of attributes (type, name, keys, comment), each column as
/// wide as its widest cell.
fn entity_size(n: &Node, tw: f64) -> (f64, f64, Vec<f64>) {
    let mut cols = [0.0f64; 4];
    for row in &n.table {
        for (k, cell) in row.iter().enumerate() {
            cols[k] = cols[k].max(font::width(cell));
        }
    }
    let used: Vec<f64> = cols
        .iter()
        .map(|&c| if c > 0.0 { c + 2.0 * 10.0 } else { 0.0 })
        .collect();
    let table_w: f64 = used.iter().sum();
    let w = (tw + 2.0 * PAD_X).max(table_w).max(80.0);
    let head = LINE_HEIGHT + 2.0 * PAD_Y;
    let h = head + n.table.len() as f64 * ROW_H;
    (w, h, used)
}

/// How an edge meets a shape.
pub fn boundary(s: Shape, dir: Dir) -> Boundary {
    match s {
        Shape::Diamond => Boundary::Diamond,
        Shape::Circle
        | Shape::DoubleCircle
        | Shape::Start
        | Shape::End
        | Shape::SmallCircle
        | Shape::FilledCircle
        | Shape::FramedCircle
        | Shape::CrossedCircle => Boundary::Ellipse,
        Shape::Cylinder | Shape::LinedCylinder if !dir.horizontal() => Boundary::Ellipse,
        _ => Boundary::Rect,
    }
}

/// Path data, written with short numbers.
struct D(String);

impl D {
    fn new() -> Self {
        D(String::new())
    }
    fn m(&mut self, x: f64, y: f64) -> &mut Self {
        let _ = write!(self.0, "M{} {}", num(x), num(y));
        self
    }
    fn l(&mut self, x: f64, y: f64) -> &mut Self {
        let _ = write!(self.0, "L{} {}", num(x), num(y));
        self
    }
    fn q(&mut self, cx: f64, cy: f64, x: f64, y: f64) -> &mut Self {
        let _ = write!(self.0, "Q{} {} {} {}", num(cx), num(cy), num(x), num(y));
        self
    }
    fn a(&mut self, rx: f64, ry: f64, sweep: bool, x: f64, y: f64) -> &mut Self {
        let _ = write!(
            self.0,
            "A{} {} 0 0 {} {} {}",
            num(rx),
            num(ry),
            u8::from(sweep),
            num(x),
            num(y)
        );
        self
    }
    fn z(&mut self) -> &mut Self {
        self.0.push('Z');
        self
    }
    fn write(&self, out: &mut String, class: &str) {
        let _ = write!(out, "<path class=\"{class}\" d=\"{}\"/>", self.0);
    }
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

fn circle(out: &mut String, class: &str, cx: f64, cy: f64, r: f64) {
    let _ = write!(
        out,
        "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
        num(cx),
        num(cy),
        num(r)
    );
}

/// A document's outline: straight top and sides, a wave along the bottom.
fn doc_path(x: f64, y: f64, w: f64, h: f64) -> D {
    let b = y + h - WAVE / 2.0;
    let mut d = D::new();
    d.m(x, y).l(x + w, y).l(x + w, b);
    d.q(x + w * 0.75, b - WAVE, x + w / 2.0, b)
        .q(x + w * 0.25, b + WAVE, x, b)
        .z();
    d
}

/// The class the node's outline gets, with its style.
fn node_class(n: &Node) -> &'static str {
    match (n.style.dashed, n.style.thick) {
        (false, false) => "dg-node",
        (true, false) => "dg-node dg-dotted",
        (false, true) => "dg-node dg-thick",
        (true, true) => "dg-node dg-dotted dg-thick",
    }
}

/// Draws a node centred on (cx, cy), its label included.
pub fn draw_node(out: &mut String, n: &Node, s: &Sized, cx: f64, cy: f64) {
    let (w, h) = (s.w, s.h);
    let (x, y) = (cx - w / 2.0, cy - h / 2.0);
    let c = node_class(n);
    // Where the label's centre goes, relative to the node's centre.
    let mut dy = 0.0;
    let mut dx = 0.0;
    match n.shape {
        Shape::Rect => rect(out, c, x, y, w, h, 3.0),
        Shape::Round => rect(out, c, x, y, w, h, 10.0),
        Shape::Stadium => rect(out, c, x, y, w, h, h / 2.0),
        Shape::Subroutine => {
            rect(out, c, x, y, w, h, 0.0);
            D::new()
                .m(x + 8.0, y)
                .v(y + h)
                .m(x + w - 8.0, y)
                .v(y + h)
                .write(out, "dg-line");
        }
        Shape::Cylinder => {
            cylinder(out, c, x, y, w, h, false);
            dy = 3.0;
        }
        Shape::LinedCylinder => {
            cylinder(out, c, x, y, w, h, true);
            dy = 6.0;
        }
        Shape::Circle | Shape::DoubleCircle => {
            circle(out, c, cx, cy, w / 2.0);
            if n.shape == Shape::DoubleCircle {
                circle(out, "dg-line", cx, cy, w / 2.0 - 5.0);
            }
        }
        Shape::Diamond
        | Shape::Hexagon
        | Shape::Parallelogram
        | Shape::ParallelogramAlt
        | Shape::Trapezoid
        | Shape::TrapezoidAlt
        | Shape::Asymmetric => draw_polygon(out, n.shape, c, x, y, w, h),
        Shape::Start => circle(out, "dg-dot", cx, cy, w / 2.0),
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
        Shape::Class => return draw_class(out, n, s, cx, x, y),
        Shape::Entity => return draw_entity(out, n, s, x, y),
        Shape::Sub => {
            if let Some(d) = &n.sub {
                let _ = write!(
                    out,
                    "<g transform=\"translate({} {})\">{}</g>",
                    num(x - MARGIN_SUB),
                    num(y - MARGIN_SUB),
                    d.svg_body
                );
            }
            return;
        }
        Shape::Hidden => return,
        _ => (dx, dy) = draw_extended(out, n, c, x, y, w, h),
    }
    if !s.lines.is_empty() && shows_label(n.shape) {
        svg::text(out, "dg-t", cx + dx, cy + dy, &s.lines, Anchor::Middle);
    }
}

impl D {
    fn v(&mut self, y: f64) -> &mut Self {
        let _ = write!(self.0, "V{}", num(y));
        self
    }
    fn h(&mut self, x: f64) -> &mut Self {
        let _ = write!(self.0, "H{}", num(x));
        self
    }
}

/// A four-sided shape in the box (x, y, w, h), its corners moved in from the box's corners by
/// `inset`: top left, top right, bottom right, bottom left (parallelograms, trapezoids).
fn quad(out: &mut String, c: &str, x: f64, y: f64, w: f64, h: f64, inset: [f64; 4]) {
    let [tl, tr, br, bl] = inset;
    poly(
        out,
        c,
        &[
            (x + tl, y),
            (x + w - tr, y),
            (x + w - br, y + h),
            (x + bl, y + h),
        ],
    );
}

/// The classic polygons: diamond, hexagon, parallelograms, trapezoids, asymmetric.
fn draw_polygon(out: &mut String, shape: Shape, c: &str, x: f64, y: f64, w: f64, h: f64) {
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    match shape {
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
            let (a, b) = if shape == Shape::Parallelogram {
                (k, 0.0)
            } else {
                (0.0, k)
            };
            quad(out, c, x, y, w, h, [a, b, a, b]);
        }
        Shape::Trapezoid | Shape::TrapezoidAlt => {
            let k = h / 2.0;
            let (top, bottom) = if shape == Shape::Trapezoid {
                (k, 0.0)
            } else {
                (0.0, k)
            };
            quad(out, c, x, y, w, h, [top, top, bottom, bottom]);
        }
        Shape::Asymmetric => {
            let k = h / 2.0;
            poly(
                out,
                c,
                &[(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x + k, cy)],
            );
        }
        _ => {}
    }
}

/// A cylinder standing up (the database shape); `lined` adds a second rim below the top.
fn cylinder(out: &mut String, c: &str, x: f64, y: f64, w: f64, h: f64, lined: bool) {
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
    if lined {
        D::new()
            .m(x, y + ry + 6.0)
            .a(rx, ry, false, x + w, y + ry + 6.0)
            .write(out, "dg-line");
    }
}

/// The shapes of Mermaid's `@{ shape: … }` syntax beyond the classic brackets. Returns where
/// the label's centre goes relative to the node's centre.
fn draw_extended(
    out: &mut String,
    n: &Node,
    c: &str,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
) -> (f64, f64) {
    let shape = n.shape;
    let f = Frame { x, y, w, h };
    match shape {
        Shape::Document | Shape::LinedDocument | Shape::TaggedDocument | Shape::MultiDocument => {
            draw_document(out, shape, c, f)
        }
        Shape::NotchedRect
        | Shape::LinedRect
        | Shape::DividedRect
        | Shape::TaggedRect
        | Shape::StackedRect
        | Shape::WindowPane => draw_process_box(out, shape, c, f),
        Shape::SmallCircle | Shape::FilledCircle | Shape::FramedCircle | Shape::CrossedCircle => {
            draw_circle_mark(out, shape, c, f)
        }
        Shape::Hourglass
        | Shape::Bolt
        | Shape::BraceLeft
        | Shape::BraceRight
        | Shape::Braces
        | Shape::Text => draw_mark(out, shape, c, f),
        Shape::Triangle
        | Shape::FlippedTriangle
        | Shape::SlopedRect
        | Shape::NotchedPentagon
        | Shape::Bang => draw_angular(out, shape, c, f),
        _ => draw_curved(out, shape, c, f),
    }
}

/// Where a node is drawn: its top left corner and size.
#[derive(Debug, Clone, Copy)]
struct Frame {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// A plain rectangle with rounded corners (for a shape a family does not draw), the label
/// centred.
fn plain(out: &mut String, c: &str, f: Frame) -> (f64, f64) {
    rect(out, c, f.x, f.y, f.w, f.h, 3.0);
    (0.0, 0.0)
}

/// Documents: a wavy bottom edge, with a fold line, a tag or a stack of pages.
fn draw_document(out: &mut String, shape: Shape, c: &str, f: Frame) -> (f64, f64) {
    let Frame { x, y, w, h } = f;
    match shape {
        Shape::Document => {
            doc_path(x, y, w, h).write(out, c);
            (0.0, -WAVE / 2.0)
        }
        Shape::LinedDocument => {
            doc_path(x, y, w, h).write(out, c);
            D::new()
                .m(x + 8.0, y)
                .v(y + h - WAVE / 2.0)
                .write(out, "dg-line");
            (5.0, -WAVE / 2.0)
        }
        Shape::TaggedDocument => {
            doc_path(x, y, w, h).write(out, c);
            let t = 12.0;
            D::new()
                .m(x + w - t, y)
                .l(x + w, y + t)
                .write(out, "dg-line");
            (0.0, -WAVE / 2.0)
        }
        Shape::MultiDocument => {
            for k in [2.0, 1.0] {
                doc_path(x + 4.0 * k, y + 4.0 * (2.0 - k), w - 8.0, h - 8.0).write(out, c);
            }
            doc_path(x, y + 8.0, w - 8.0, h - 8.0).write(out, c);
            (-4.0, 4.0 - WAVE / 2.0)
        }
        _ => plain(out, c, f),
    }
}

/// Process boxes: a rectangle notched, lined, divided, tagged, stacked or split in panes.
fn draw_process_box(out: &mut String, shape: Shape, c: &str, f: Frame) -> (f64, f64) {
    let Frame { x, y, w, h } = f;
    match shape {
        Shape::NotchedRect => {
            let k = 12.0;
            poly(
                out,
                c,
                &[
                    (x + k, y),
                    (x + w, y),
                    (x + w, y + h),
                    (x, y + h),
                    (x, y + k),
                ],
            );
            (5.0, 0.0)
        }
        Shape::LinedRect => {
            rect(out, c, x, y, w, h, 0.0);
            D::new().m(x + 8.0, y).v(y + h).write(out, "dg-line");
            (5.0, 0.0)
        }
        Shape::DividedRect => {
            rect(out, c, x, y, w, h, 0.0);
            D::new().m(x, y + 10.0).h(x + w).write(out, "dg-line");
            (0.0, 5.0)
        }
        Shape::TaggedRect => {
            rect(out, c, x, y, w, h, 0.0);
            let t = 10.0;
            poly(
                out,
                "dg-line",
                &[(x + w - t, y + h), (x + w, y + h), (x + w, y + h - t)],
            );
            (-3.0, 0.0)
        }
        Shape::StackedRect => {
            rect(out, c, x + 8.0, y, w - 8.0, h - 8.0, 0.0);
            rect(out, c, x + 4.0, y + 4.0, w - 8.0, h - 8.0, 0.0);
            rect(out, c, x, y + 8.0, w - 8.0, h - 8.0, 0.0);
            (-4.0, 4.0)
        }
        Shape::WindowPane => {
            rect(out, c, x, y, w, h, 0.0);
            D::new()
                .m(x + 10.0, y)
                .v(y + h)
                .m(x, y + 10.0)
                .h(x + w)
                .write(out, "dg-line");
            (5.0, 5.0)
        }
        _ => plain(out, c, f),
    }
}

/// The small circles: plain, filled, framed (a dot in a ring) and crossed.
fn draw_circle_mark(out: &mut String, shape: Shape, c: &str, f: Frame) -> (f64, f64) {
    let Frame { x, y, w, h } = f;
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    match shape {
        Shape::SmallCircle => {
            circle(out, c, cx, cy, w / 2.0);
            (0.0, 0.0)
        }
        Shape::FilledCircle => {
            circle(out, "dg-dot", cx, cy, w / 2.0);
            (0.0, 0.0)
        }
        Shape::FramedCircle => {
            circle(out, c, cx, cy, w / 2.0);
            circle(out, "dg-dot", cx, cy, w / 2.0 - 5.0);
            (0.0, 0.0)
        }
        Shape::CrossedCircle => {
            circle(out, c, cx, cy, w / 2.0);
            let k = w / 2.0 * std::f64::consts::FRAC_1_SQRT_2;
            D::new()
                .m(cx - k, cy - k)
                .l(cx + k, cy + k)
                .m(cx + k, cy - k)
                .l(cx - k, cy + k)
                .write(out, "dg-line");
            (0.0, 0.0)
        }
        _ => plain(out, c, f),
    }
}

/// The hourglass, the bolt, braces around the label and bare text.
fn draw_mark(out: &mut String, shape: Shape, c: &str, f: Frame) -> (f64, f64) {
    let Frame { x, y, w, h } = f;
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    match shape {
        Shape::Hourglass => {
            let s = 30.0;
            let (l, t) = (cx - s / 2.0, y + 2.0);
            poly(out, c, &[(l, t), (l + s, t), (l, t + s), (l + s, t + s)]);
            (0.0, h / 2.0 - (h - 34.0) / 2.0 + 2.0)
        }
        Shape::Bolt => {
            poly(
                out,
                "dg-dot",
                &[
                    (x + w * 0.6, y),
                    (x + w * 0.15, y + h * 0.55),
                    (x + w * 0.5, y + h * 0.55),
                    (x + w * 0.35, y + h),
                    (x + w * 0.85, y + h * 0.42),
                    (x + w * 0.5, y + h * 0.42),
                ],
            );
            (0.0, 0.0)
        }
        Shape::BraceLeft | Shape::BraceRight | Shape::Braces => {
            let mut d = D::new();
            let brace = |d: &mut D, bx: f64, dir: f64| {
                let k = 8.0 * dir;
                d.m(bx + k, y)
                    .q(bx, y, bx, y + 8.0)
                    .l(bx, cy - 6.0)
                    .q(bx, cy, bx - k * 0.6, cy)
                    .q(bx, cy, bx, cy + 6.0)
                    .l(bx, y + h - 8.0)
                    .q(bx, y + h, bx + k, y + h);
            };
            if shape != Shape::BraceRight {
                brace(&mut d, x + 4.0, 1.0);
            }
            if shape != Shape::BraceLeft {
                brace(&mut d, x + w - 4.0, -1.0);
            }
            d.write(out, "dg-line");
            let shift = match shape {
                Shape::BraceLeft => 5.0,
                Shape::BraceRight => -5.0,
                _ => 0.0,
            };
            (shift, 0.0)
        }
        Shape::Text => (0.0, 0.0),
        _ => plain(out, c, f),
    }
}

/// Outlines with straight sides: triangles, sloped rectangle, notched pentagon, bang.
fn draw_angular(out: &mut String, shape: Shape, c: &str, f: Frame) -> (f64, f64) {
    let Frame { x, y, w, h } = f;
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    match shape {
        Shape::Triangle => {
            poly(out, c, &[(cx, y), (x + w, y + h), (x, y + h)]);
            (0.0, h / 2.0 - PAD_Y - (h - 3.0 * PAD_Y) / 4.0)
        }
        Shape::FlippedTriangle => {
            poly(out, c, &[(x, y), (x + w, y), (cx, y + h)]);
            (0.0, -(h / 2.0 - PAD_Y - (h - 3.0 * PAD_Y) / 4.0))
        }
        Shape::SlopedRect => {
            poly(
                out,
                c,
                &[(x, y + 12.0), (x + w, y), (x + w, y + h), (x, y + h)],
            );
            (0.0, 6.0)
        }
        Shape::NotchedPentagon => {
            let k = 10.0;
            poly(
                out,
                c,
                &[
                    (x + k, y),
                    (x + w - k, y),
                    (x + w, y + k),
                    (x + w, y + h),
                    (x, y + h),
                    (x, y + k),
                ],
            );
            (0.0, 0.0)
        }
        Shape::Bang => {
            poly(out, c, &bang(cx, cy, w, h));
            (0.0, 0.0)
        }
        _ => plain(out, c, f),
    }
}

/// Outlines with curved sides: horizontal cylinder, curved trapezoid, delay, flag, bow tie,
/// cloud.
fn draw_curved(out: &mut String, shape: Shape, c: &str, f: Frame) -> (f64, f64) {
    let Frame { x, y, w, h } = f;
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    match shape {
        Shape::HCylinder => {
            h_cylinder(out, c, x, y, w, h);
            (-4.0, 0.0)
        }
        Shape::CurvedTrapezoid => {
            let k = 14.0;
            D::new()
                .m(x + k, y)
                .h(x + w - h / 2.0)
                .a(h / 2.0, h / 2.0, true, x + w - h / 2.0, y + h)
                .h(x + k)
                .l(x, cy)
                .z()
                .write(out, c);
            (0.0, 0.0)
        }
        Shape::Delay => {
            let r = h / 2.0;
            D::new()
                .m(x, y)
                .h(x + w - r)
                .a(r, r, true, x + w - r, y + h)
                .h(x)
                .z()
                .write(out, c);
            (-r / 4.0, 0.0)
        }
        Shape::Flag => {
            flag(x, y, w, h).write(out, c);
            (0.0, 0.0)
        }
        Shape::BowTieRect => {
            let k = 10.0;
            D::new()
                .m(x, y)
                .h(x + w)
                .q(x + w - 2.0 * k, cy, x + w, y + h)
                .h(x)
                .q(x + 2.0 * k, cy, x, y)
                .z()
                .write(out, c);
            (0.0, 0.0)
        }
        Shape::Cloud => {
            cloud(cx, cy, w, h).write(out, c);
            (0.0, 0.0)
        }
        _ => plain(out, c, f),
    }
}

/// A cylinder on its side (direct access storage), its near end drawn as a rim.
fn h_cylinder(out: &mut String, c: &str, x: f64, y: f64, w: f64, h: f64) {
    let rx = 8.0;
    let ry = h / 2.0;
    D::new()
        .m(x + rx, y)
        .h(x + w - rx)
        .a(rx, ry, true, x + w - rx, y + h)
        .h(x + rx)
        .a(rx, ry, true, x + rx, y)
        .z()
        .write(out, c);
    D::new()
        .m(x + w - rx, y)
        .a(rx, ry, false, x + w - rx, y + h)
        .write(out, "dg-line");
}

/// Paper tape: a wave along the top and the bottom.
fn flag(x: f64, y: f64, w: f64, h: f64) -> D {
    let a = 6.0;
    let mut d = D::new();
    d.m(x, y + a)
        .q(x + w / 4.0, y - a, x + w / 2.0, y + a)
        .q(x + w * 0.75, y + 3.0 * a, x + w, y + a)
        .l(x + w, y + h - a)
        .q(x + w * 0.75, y + h - 3.0 * a, x + w / 2.0, y + h - a)
        .q(x + w / 4.0, y + h + a, x, y + h - a)
        .z();
    d
}

/// A cloud: ten bumps around an ellipse, shrunk so the bumps stay inside the box.
fn cloud(cx: f64, cy: f64, w: f64, h: f64) -> D {
    let bumps = 10;
    let mut d = D::new();
    let (rx, ry) = (w / 2.0 / 1.09, h / 2.0 / 1.09);
    for k in 0..=bumps {
        let t = std::f64::consts::TAU * f64::from(k) / f64::from(bumps);
        let p = (cx + rx * t.cos(), cy + ry * t.sin());
        if k == 0 {
            d.m(p.0, p.1);
        } else {
            let tm = t - std::f64::consts::PI / f64::from(bumps);
            d.q(
                cx + rx * 1.18 * tm.cos(),
                cy + ry * 1.18 * tm.sin(),
                p.0,
                p.1,
            );
        }
    }
    d.z();
    d
}

/// A bang: twelve spikes around an ellipse.
fn bang(cx: f64, cy: f64, w: f64, h: f64) -> Vec<(f64, f64)> {
    let spikes = 12;
    (0..spikes * 2)
        .map(|k| {
            let t = std::f64::consts::PI * f64::from(k) / f64::from(spikes);
            let r = if k % 2 == 0 { 1.0 } else { 0.82 };
            (cx + w / 2.0 * r * t.cos(), cy + h / 2.0 * r * t.sin())
        })
        .collect()
}

fn draw_class(out: &mut String, n: &Node, s: &Sized, cx: f64, x: f64, y: f64) {
    let (w, h) = (s.w, s.h);
    rect(out, node_class(n), x, y, w, h, 3.0);
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
}

/// An entity: the name in a header, then one row per attribute, columns aligned.
fn draw_entity(out: &mut String, n: &Node, s: &Sized, x: f64, y: f64) {
    let (w, h) = (s.w, s.h);
    rect(out, node_class(n), x, y, w, h, 3.0);
    let head = LINE_HEIGHT + 2.0 * PAD_Y;
    svg::text(
        out,
        "dg-t dg-name",
        x + w / 2.0,
        y + head / 2.0,
        &s.lines,
        Anchor::Middle,
    );
    if n.table.is_empty() {
        return;
    }
    D::new().m(x, y + head).h(x + w).write(out, "dg-line");
    // Column separators, then each row's cells.
    let mut cx = x;
    let mut seps = D::new();
    let mut any = false;
    for (k, &cw) in s.columns.iter().enumerate() {
        if cw <= 0.0 {
            continue;
        }
        if any {
            seps.m(cx, y + head).v(y + h);
        }
        any = true;
        for (r, row) in n.table.iter().enumerate() {
            if row[k].is_empty() {
                continue;
            }
            let ry = y + head + r as f64 * ROW_H + ROW_H / 2.0;
            svg::text(
                out,
                "dg-t",
                cx + 10.0,
                ry,
                std::slice::from_ref(&row[k]),
                Anchor::Start,
            );
        }
        cx += cw;
        let _ = k;
    }
    seps.write(out, "dg-line");
}
