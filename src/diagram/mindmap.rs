//! Mermaid mind maps (`mindmap`): a tree given by indentation, nodes in Mermaid's shapes
//! (`id[square]`, `id(rounded)`, `id((circle))`, `id))bang((`, `id)cloud(`, `id{{hexagon}}`,
//! plain text), Markdown strings, `::icon(…)` (not drawn, with a warning) and `:::class` lines.
//!
//! Laid out as a two-sided tree: the root in the middle, its branches shared between the right
//! and the left so both sides are about as tall, each subtree stacked so no two boxes overlap.
//! Each branch's links take one colour of the theme's categorical palette; text stays on the
//! node fill.

use std::fmt::Write as _;

use super::flowchart::label;
use super::graph::{Drawn, Node, Shape};
use super::lex::{Extras, Result, Stmt, err};
use super::pie::PALETTE;
use super::shapes::{self, Sized};
use super::svg::{self, num};

const H_GAP: f64 = 44.0;
const V_GAP: f64 = 12.0;
const MARGIN: f64 = 10.0;

#[derive(Debug)]
struct Item {
    node: Node,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// Parses and draws a mind map. `body` is the whole source (for indentation).
pub fn render(body: &str, stmts: &[Stmt]) -> Result<(Drawn, Extras)> {
    let (items, extras) = parse(body, stmts)?;
    Ok((draw(&items), extras))
}

/// Column of a statement: the width of the whitespace before it on its line.
fn indent(body: &str, pos: usize) -> usize {
    let line_start = body[..pos].rfind('\n').map_or(0, |k| k + 1);
    body[line_start..pos]
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

fn parse(body: &str, stmts: &[Stmt]) -> Result<(Vec<Item>, Extras)> {
    let mut extras = Extras::default();
    let mut items: Vec<Item> = Vec::new();
    // Open ancestors: (indent, item).
    let mut path: Vec<(usize, usize)> = Vec::new();
    for st in stmts.iter().skip(1) {
        let t = st.text;
        if t.starts_with("::icon(") {
            extras.warn(
                st.pos,
                "icons are not drawn: corem's diagrams load no icon fonts",
            );
            continue;
        }
        if t.starts_with(":::") || t.starts_with("accTitle") || t.starts_with("accDescr") {
            continue;
        }
        let ind = indent(body, st.pos);
        while path.last().is_some_and(|&(i, _)| i >= ind) {
            path.pop();
        }
        let parent = path.last().map(|&(_, k)| k);
        if parent.is_none() && !items.is_empty() {
            return err(st.pos, "a mind map has one root: indent this node under it");
        }
        let node = node(t, st.pos)?;
        let k = items.len();
        items.push(Item {
            node,
            parent,
            children: Vec::new(),
        });
        if let Some(p) = parent {
            items[p].children.push(k);
        }
        path.push((ind, k));
    }
    if items.is_empty() {
        return err(
            stmts.first().map_or(0, |s| s.pos),
            "a mind map needs a root node under `mindmap`",
        );
    }
    super::budget::graph_size(items.len(), 0, stmts.first().map_or(0, |s| s.pos))?;
    Ok((items, extras))
}

/// Delimiters of the node shapes: (open, close, shape), longest first.
const SHAPES: &[(&str, &str, Shape)] = &[
    ("((", "))", Shape::Circle),
    ("))", "((", Shape::Bang),
    ("{{", "}}", Shape::Hexagon),
    (")", "(", Shape::Cloud),
    ("[", "]", Shape::Rect),
    ("(", ")", Shape::Round),
];

/// A node line: `id` followed by a shape, or plain text.
fn node(t: &str, pos: usize) -> Result<Node> {
    let t = t.split(":::").next().unwrap_or(t).trim();
    for &(open, close, shape) in SHAPES {
        let Some(k) = t.find(open) else { continue };
        let id = &t[..k];
        if id.contains(char::is_whitespace) || (k > 0 && !t.ends_with(close)) {
            continue;
        }
        let Some(inner) = t[k + open.len()..].strip_suffix(close) else {
            if k == 0 {
                continue;
            }
            return err(pos + k, format!("`{open}` is not closed by `{close}`"));
        };
        let text = inner.trim();
        let text = text
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .unwrap_or(text);
        return Ok(Node::new(label(text), shape, None));
    }
    let text = t
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t);
    Ok(Node::new(label(text), Shape::Round, None))
}

/// Positions: (centre x, centre y) per item, with sizes.
struct Placed {
    sizes: Vec<Sized>,
    pos: Vec<(f64, f64)>,
    /// Top-level branch of each item (its colour), the root's is none.
    branch: Vec<Option<usize>>,
}

/// Height of a subtree stacked with its children.
fn subtree_h(items: &[Item], sizes: &[Sized], k: usize, memo: &mut [Option<f64>]) -> f64 {
    if let Some(h) = memo[k] {
        return h;
    }
    // Iterative post-order so deep trees cannot overflow the stack.
    let mut stack = vec![(k, false)];
    while let Some((n, done)) = stack.pop() {
        if memo[n].is_some() {
            continue;
        }
        if !done {
            stack.push((n, true));
            for &c in &items[n].children {
                if memo[c].is_none() {
                    stack.push((c, false));
                }
            }
            continue;
        }
        let kids: f64 = items[n]
            .children
            .iter()
            .map(|&c| memo[c].unwrap_or(0.0))
            .sum::<f64>()
            + V_GAP * items[n].children.len().saturating_sub(1) as f64;
        memo[n] = Some(sizes[n].h.max(kids));
    }
    memo[k].unwrap_or(0.0)
}

fn place(items: &[Item]) -> Placed {
    let sizes: Vec<Sized> = items.iter().map(|i| shapes::size(&i.node)).collect();
    let mut memo = vec![None; items.len()];
    let mut pos = vec![(0.0, 0.0); items.len()];
    let mut branch = vec![None; items.len()];
    let kids = &items[0].children;
    let heights: Vec<f64> = kids
        .iter()
        .map(|&c| subtree_h(items, &sizes, c, &mut memo))
        .collect();
    // Share the branches: right side first, until it holds half the height.
    let total: f64 = heights.iter().sum();
    let mut right = Vec::new();
    let mut left = Vec::new();
    let mut acc = 0.0;
    for (i, &c) in kids.iter().enumerate() {
        if acc < total / 2.0 || right.is_empty() {
            right.push(c);
            acc += heights[i];
        } else {
            left.push(c);
        }
    }
    for (b, &c) in kids.iter().enumerate() {
        let mut stack = vec![c];
        while let Some(n) = stack.pop() {
            branch[n] = Some(b);
            stack.extend(items[n].children.iter().copied());
        }
    }
    for (side, list) in [(1.0, &right), (-1.0, &left)] {
        let h: f64 = list.iter().map(|&c| memo[c].unwrap_or(0.0)).sum::<f64>()
            + V_GAP * list.len().saturating_sub(1) as f64;
        let mut y = -h / 2.0;
        for &c in list.iter() {
            let ch = memo[c].unwrap_or(0.0);
            let x = side * (sizes[0].w / 2.0 + H_GAP + sizes[c].w / 2.0);
            stack_subtree(items, &sizes, &memo, c, (x, y + ch / 2.0), side, &mut pos);
            y += ch + V_GAP;
        }
    }
    Placed { sizes, pos, branch }
}

/// Places a subtree with its root at `at`, children further out on `side`.
fn stack_subtree(
    items: &[Item],
    sizes: &[Sized],
    memo: &[Option<f64>],
    root: usize,
    at: (f64, f64),
    side: f64,
    pos: &mut [(f64, f64)],
) {
    let mut todo = vec![(root, at)];
    while let Some((n, p)) = todo.pop() {
        pos[n] = p;
        let kids = &items[n].children;
        let h: f64 = kids.iter().map(|&c| memo[c].unwrap_or(0.0)).sum::<f64>()
            + V_GAP * kids.len().saturating_sub(1) as f64;
        let mut y = p.1 - h / 2.0;
        for &c in kids {
            let ch = memo[c].unwrap_or(0.0);
            let x = p.0 + side * (sizes[n].w / 2.0 + H_GAP + sizes[c].w / 2.0);
            todo.push((c, (x, y + ch / 2.0)));
            y += ch + V_GAP;
        }
    }
}

fn draw(items: &[Item]) -> Drawn {
    let p = place(items);
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for (k, &(x, y)) in p.pos.iter().enumerate() {
        let s = &p.sizes[k];
        x0 = x0.min(x - s.w / 2.0);
        x1 = x1.max(x + s.w / 2.0);
        y0 = y0.min(y - s.h / 2.0);
        y1 = y1.max(y + s.h / 2.0);
    }
    let (dx, dy) = (MARGIN - x0, MARGIN - y0);
    let mut body = String::new();
    // Links first, under the nodes: from the parent's side to the child's near side.
    for (k, it) in items.iter().enumerate() {
        let Some(par) = it.parent else { continue };
        let (px, py) = (p.pos[par].0 + dx, p.pos[par].1 + dy);
        let (cx, cy) = (p.pos[k].0 + dx, p.pos[k].1 + dy);
        let side = if cx >= px { 1.0 } else { -1.0 };
        let sx = px + side * p.sizes[par].w / 2.0 * if par == 0 { 0.9 } else { 1.0 };
        let ex = cx - side * p.sizes[k].w / 2.0;
        let mx = (sx + ex) / 2.0;
        let cat = p.branch[k].unwrap_or(0) % PALETTE + 1;
        let _ = write!(
            body,
            "<path class=\"dg-branch dg-cat-{cat}\" d=\"M{} {}C{} {} {} {} {} {}\"/>",
            num(sx),
            num(py),
            num(mx),
            num(py),
            num(mx),
            num(cy),
            num(ex),
            num(cy)
        );
    }
    let mut labels = Vec::new();
    for (k, it) in items.iter().enumerate() {
        let (cx, cy) = (p.pos[k].0 + dx, p.pos[k].1 + dy);
        shapes::draw_node(&mut body, &it.node, &p.sizes[k], cx, cy);
        labels.push(svg::plain(&it.node.label.replace('\n', " ")));
    }
    Drawn {
        svg_body: body,
        width: x1 - x0 + 2.0 * MARGIN,
        height: y1 - y0 + 2.0 * MARGIN,
        labels,
        work: 0,
        markers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    fn parsed(src: &str) -> Result<(Vec<Item>, Extras)> {
        parse(src, &statements(src, false))
    }

    #[test]
    fn tree_from_indentation() {
        let src = "mindmap\n  root((mindmap))\n    Origins\n      Long history\n      ::icon(fa fa-book)\n      Popularisation\n    Research\n      id[On effectiveness<br/>and features]\n    Tools\n      id2))Bang((\n      id3)Cloud(\n      id4{{Hex}}\n";
        let (items, x) = parsed(src).unwrap();
        assert_eq!(items.len(), 10);
        assert_eq!(items[0].node.shape, Shape::Circle);
        assert_eq!(items[0].children, [1, 4, 6]);
        assert_eq!(items[2].parent, Some(1));
        assert_eq!(items[5].node.label, "On effectiveness\nand features");
        assert_eq!(items[7].node.shape, Shape::Bang);
        assert_eq!(items[8].node.shape, Shape::Cloud);
        assert_eq!(items[9].node.shape, Shape::Hexagon);
        assert_eq!(x.warnings.len(), 1);
        let (d, _) = render(src, &statements(src, false)).unwrap();
        assert_eq!(d.svg_body.matches("dg-branch").count(), 9);
    }

    #[test]
    fn boxes_never_overlap() {
        let mut src = String::from("mindmap\n root\n");
        for a in 0..5 {
            src.push_str(&format!("  A{a} with a longer label\n"));
            for b in 0..4 {
                src.push_str(&format!("   B{a}{b}\n"));
            }
        }
        let (items, _) = parsed(&src).unwrap();
        let p = place(&items);
        for i in 0..items.len() {
            for j in i + 1..items.len() {
                let (a, b) = (p.pos[i], p.pos[j]);
                let (sa, sb) = (&p.sizes[i], &p.sizes[j]);
                let ox = (a.0 - b.0).abs() < (sa.w + sb.w) / 2.0;
                let oy = (a.1 - b.1).abs() < (sa.h + sb.h) / 2.0;
                assert!(!(ox && oy), "{i} and {j} overlap");
            }
        }
    }

    #[test]
    fn two_roots_are_an_error() {
        let src = "mindmap\n A\n B\n";
        let e = parsed(src).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 1], "B");
    }
}
