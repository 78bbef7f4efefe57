//! Mermaid flowcharts (`flowchart` / `graph`): nodes with shapes, chained and `&`-grouped
//! edges with labels, subgraphs (nested), directions TB/TD/BT/LR/RL.
//!
//! Styling statements (`classDef`, `class`, `style`, `linkStyle`, `:::name`) are accepted and
//! ignored: diagrams take their colours from the theme. `click` is ignored too (no scripts).

use std::collections::HashMap;

use super::graph::{Cluster, Edge, Graph, Node, Shape, Stroke};
use super::layout::Dir;
use super::lex::{Cursor, Result, Stmt, err, label_text};

pub fn parse_dir(s: &str, pos: usize) -> Result<Dir> {
    Ok(match s {
        "TB" | "TD" => Dir::TB,
        "BT" => Dir::BT,
        "LR" => Dir::LR,
        "RL" => Dir::RL,
        _ => {
            return err(
                pos,
                format!("unknown direction `{s}`; use TB, TD, BT, LR or RL"),
            );
        }
    })
}

struct Builder {
    g: Graph,
    ids: HashMap<String, usize>,
    /// Where each node was first mentioned (to report edges to subgraph ids).
    first_pos: Vec<usize>,
    stack: Vec<usize>,
    cluster_ids: HashMap<String, usize>,
}

impl Builder {
    fn node(&mut self, id: &str, pos: usize) -> usize {
        let cur = self.stack.last().copied();
        if let Some(&n) = self.ids.get(id) {
            if self.g.nodes[n].cluster.is_none() && cur.is_some() {
                self.g.nodes[n].cluster = cur;
            }
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node {
            label: id.to_string(),
            shape: Shape::Rect,
            cluster: cur,
            sections: Vec::new(),
            annotation: None,
            table: Vec::new(),
            style: Default::default(),
            link: None,
            sub: None,
        });
        self.first_pos.push(pos);
        self.ids.insert(id.to_string(), n);
        n
    }
}

/// Parses a flowchart. `header` is the statement holding `flowchart LR`.
pub fn parse(stmts: &[Stmt]) -> Result<Graph> {
    let Some(head) = stmts.first() else {
        return err(0, "empty diagram");
    };
    let mut words = head.text.split_whitespace();
    words.next();
    let dir = match words.next() {
        Some(d) => {
            let off = head.text.find(d).unwrap_or(0);
            parse_dir(d.trim_end_matches(';'), head.pos + off)?
        }
        None => Dir::TB,
    };
    let mut b = Builder {
        g: Graph {
            dir,
            nodes: Vec::new(),
            edges: Vec::new(),
            clusters: Vec::new(),
        },
        ids: HashMap::new(),
        first_pos: Vec::new(),
        stack: Vec::new(),
        cluster_ids: HashMap::new(),
    };
    let mut open_pos: Vec<usize> = Vec::new();
    for st in stmts.iter().skip(1) {
        let t = st.text;
        let first = t.split_whitespace().next().unwrap_or("");
        match first {
            "subgraph" => {
                let rest = t["subgraph".len()..].trim();
                let (id, title) = subgraph_header(rest, st.pos + t.len() - rest.len())?;
                let c = b.g.clusters.len();
                b.g.clusters.push(Cluster {
                    title,
                    parent: b.stack.last().copied(),
                    dir: None,
                    region: false,
                });
                b.cluster_ids.insert(id, c);
                b.stack.push(c);
                open_pos.push(st.pos);
                continue;
            }
            "end" if t == "end" => {
                if b.stack.pop().is_none() {
                    return err(st.pos, "`end` without a `subgraph`");
                }
                open_pos.pop();
                continue;
            }
            "direction" => {
                let d = t["direction".len()..].trim();
                parse_dir(d, st.pos + t.len() - d.len())?;
                continue;
            }
            "classDef" | "class" | "style" | "linkStyle" | "click" => continue,
            _ => {}
        }
        if t.starts_with("accTitle") || t.starts_with("accDescr") {
            continue;
        }
        chain(&mut b, st)?;
    }
    if let Some(&p) = open_pos.last() {
        return err(p, "`subgraph` without a matching `end`");
    }
    // In source order, so the same error is reported every time.
    let mut clashes: Vec<(usize, &String)> = b
        .cluster_ids
        .keys()
        .filter_map(|id| b.ids.get(id).map(|&n| (b.first_pos[n], id)))
        .collect();
    clashes.sort();
    if let Some(&(pos, id)) = clashes.first() {
        return err(
            pos,
            format!(
                "`{id}` names a subgraph; edges to subgraphs are not supported, link a node inside it"
            ),
        );
    }
    Ok(b.g)
}

fn subgraph_header(rest: &str, pos: usize) -> Result<(String, String)> {
    if rest.is_empty() {
        return err(
            pos,
            "a subgraph needs an id or a title: `subgraph id [Title]`",
        );
    }
    if let Some(q) = rest.strip_prefix('"') {
        let Some(e) = q.find('"') else {
            return err(pos, "unclosed `\"` in the subgraph title");
        };
        let title = label_text(&q[..e]);
        return Ok((title.clone(), title));
    }
    let id_end = rest
        .find(|c: char| c == '[' || c.is_whitespace())
        .unwrap_or(rest.len());
    let id = &rest[..id_end];
    let after = rest[id_end..].trim_start();
    if let Some(inner) = after.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return err(
                pos + rest.len() - after.len(),
                "unclosed `[` in the subgraph title",
            );
        };
        return Ok((id.to_string(), label_text(super::lex::unquote(inner))));
    }
    if after.is_empty() {
        Ok((id.to_string(), label_text(id)))
    } else {
        // `subgraph Some title`: the whole text is both id and title.
        Ok((rest.to_string(), label_text(rest)))
    }
}

/// Shape delimiters: (open, close, shape), longest openings first.
const SHAPES: &[(&str, &str, Shape)] = &[
    ("(((", ")))", Shape::DoubleCircle),
    ("([", "])", Shape::Stadium),
    ("[[", "]]", Shape::Subroutine),
    ("[(", ")]", Shape::Cylinder),
    ("((", "))", Shape::Circle),
    ("{{", "}}", Shape::Hexagon),
    ("[/", "/]", Shape::Parallelogram),
    ("[\\", "\\]", Shape::ParallelogramAlt),
    ("[/", "\\]", Shape::Trapezoid),
    ("[\\", "/]", Shape::TrapezoidAlt),
    ("[", "]", Shape::Rect),
    ("(", ")", Shape::Round),
    ("{", "}", Shape::Diamond),
    (">", "]", Shape::Asymmetric),
];

/// A node reference with an optional shape: `A`, `A["text"]`, `A(text)`, `A{{"x"}}` …
fn node_ref(b: &mut Builder, c: &mut Cursor) -> Result<usize> {
    let pos = c.pos();
    let Some(id) = c.ident() else {
        return err(pos, format!("expected a node id, found {}", c.found()));
    };
    let n = b.node(id, pos);
    for &(open, close, shape) in SHAPES {
        if !c.rest().starts_with(open) {
            continue;
        }
        let open_pos = c.pos();
        let body = &c.rest()[open.len()..];
        let (text, used) = if let Some(q) = body.strip_prefix('"') {
            let Some(e) = q.find('"') else {
                return err(open_pos + open.len(), "unclosed `\"` in a node label");
            };
            if !q[e + 1..].starts_with(close) {
                // Not this shape (e.g. `[/` that closes with `\]`): try the next one.
                if SHAPES
                    .iter()
                    .any(|s| s.0 == open && q[e + 1..].starts_with(s.1))
                {
                    continue;
                }
                return err(
                    open_pos,
                    format!(
                        "`{open}` is not closed by `{close}`: found {} after the label",
                        found_at(&q[e + 1..])
                    ),
                );
            }
            (&q[..e], 1 + e + 1)
        } else {
            match body.find(close) {
                Some(e) => {
                    // Another shape with the same opening may close earlier (`[/ … \]`).
                    let other = SHAPES
                        .iter()
                        .filter(|s| s.0 == open && s.1 != close)
                        .filter_map(|s| body.find(s.1))
                        .min();
                    if other.is_some_and(|o| o < e) {
                        continue;
                    }
                    (&body[..e], e)
                }
                None => {
                    if SHAPES
                        .iter()
                        .any(|s| s.0 == open && s.1 != close && body.contains(s.1))
                    {
                        continue;
                    }
                    return err(open_pos, format!("`{open}` is not closed by `{close}`"));
                }
            }
        };
        c.i += open.len() + used + close.len();
        let label = label_text(text);
        let node = &mut b.g.nodes[n];
        node.label = label;
        node.shape = shape;
        break;
    }
    // `:::className` is styling: skipped.
    if c.eat(":::") {
        c.ident();
    }
    Ok(n)
}

fn found_at(s: &str) -> String {
    if s.is_empty() {
        "the end of the line".into()
    } else {
        format!("`{}`", s.chars().take(10).collect::<String>())
    }
}

struct Link {
    stroke: Stroke,
    start: Option<&'static str>,
    end: Option<&'static str>,
    minlen: usize,
    label: Option<String>,
}

fn end_marker(c: char) -> Option<&'static str> {
    match c {
        '>' => Some("arrow"),
        'o' => Some("circle"),
        'x' => Some("cross"),
        _ => None,
    }
}

/// A link: `-->`, `---`, `-.->`, `==>`, `~~~`, `<-->`, `--o`, `--x`, with a label as
/// `-- text -->`, `-. text .->`, `== text ==>` or `-->|text|`. Returns None when no link starts here.
fn link(c: &mut Cursor) -> Result<Option<Link>> {
    let save = c.i;
    let start_pos = c.pos();
    let mut start = None;
    let r = c.rest();
    if r.starts_with("<-") || r.starts_with("<=") {
        start = Some("arrow");
        c.i += 1;
    } else if (r.starts_with("o-")
        || r.starts_with("x-")
        || r.starts_with("o=")
        || r.starts_with("x="))
        && c.s[..c.i].ends_with(char::is_whitespace)
    {
        start = end_marker(r.chars().next().unwrap_or(' ')).filter(|&m| m != "arrow");
        c.i += 1;
    }
    let r = c.rest();
    let (stroke, body_len) = if r.starts_with("~~~") {
        (Stroke::Invisible, r.len() - r.trim_start_matches('~').len())
    } else if r.starts_with("==") {
        (Stroke::Thick, r.len() - r.trim_start_matches('=').len())
    } else if r.starts_with("-.") {
        let dots = r[1..].len() - r[1..].trim_start_matches('.').len();
        let mut n = 1 + dots;
        if r[n..].starts_with('-') {
            n += 1;
        }
        (Stroke::Dotted, n)
    } else if r.starts_with("--") {
        (Stroke::Solid, r.len() - r.trim_start_matches('-').len())
    } else {
        c.i = save;
        return Ok(None);
    };
    let opening = &r[..body_len];
    c.i += body_len;
    let mut end = c.peek().and_then(end_marker);
    // `-->` and `---` span one rank, `--->` and `----` two, and so on.
    let mut minlen = match stroke {
        Stroke::Dotted => opening.matches('.').count(),
        _ if end.is_some() => body_len.saturating_sub(1),
        _ => body_len.saturating_sub(2),
    }
    .max(1);
    let text_form = end.is_none()
        && matches!(opening, "--" | "==" | "-.")
        && c.peek().is_some_and(char::is_whitespace);
    // `A --o B` / `A --x B`: a marker only when a space or the end follows.
    if matches!(end, Some("circle" | "cross")) {
        let after = &c.rest()[1..];
        if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
            end = None;
        }
    }
    let mut label = None;
    if text_form {
        // `-- text -->`: the label runs to the closing link.
        c.ws();
        let lpos = c.pos();
        let closers: &[&str] = match stroke {
            Stroke::Thick => &["==>", "===", "==o", "==x"],
            Stroke::Dotted => &[".->", ".-", ".-o", ".-x"],
            _ => &["-->", "---", "--o", "--x"],
        };
        let rest = c.rest();
        let (text, close_at) = if let Some(q) = rest.strip_prefix('"') {
            let Some(e) = q.find('"') else {
                return err(lpos, "unclosed `\"` in a link label");
            };
            let after = q[e + 1..].trim_start();
            (&q[..e], rest.len() - after.len())
        } else {
            let at = closers.iter().filter_map(|k| rest.find(k)).min();
            match at {
                Some(a) => (rest[..a].trim_end(), a),
                None => {
                    return err(
                        start_pos,
                        format!(
                            "the link label is not closed: expected `{}` after it",
                            closers[0]
                        ),
                    );
                }
            }
        };
        c.i += close_at;
        let r2 = c.rest();
        let Some(k) = closers.iter().find(|k| r2.starts_with(**k)) else {
            return err(
                c.pos(),
                format!(
                    "expected `{}` to close the link label, found {}",
                    closers[0],
                    c.found()
                ),
            );
        };
        // Longer closings (`---->`) make longer links.
        let mut n = k.len();
        let fill = if stroke == Stroke::Thick { '=' } else { '-' };
        let extra = r2[n - 1..].len() - r2[n - 1..].trim_start_matches(fill).len();
        if k.ends_with(fill) && extra > 1 {
            n += extra - 1;
        }
        let closing = &r2[..n];
        c.i += n;
        minlen = (closing.chars().filter(|&ch| ch == fill).count())
            .saturating_sub(1)
            .max(1);
        end = closing.chars().last().and_then(end_marker);
        if end == Some("arrow") && !closing.ends_with('>') {
            end = None;
        }
        label = Some(label_text(text));
    } else if let Some(m) = end {
        let _ = m;
        c.i += 1;
    }
    if stroke == Stroke::Invisible {
        end = None;
    }
    // `-->|text|`
    c.ws();
    if c.eat("|") {
        let lpos = c.pos();
        let rest = c.rest();
        let Some(e) = rest.find('|') else {
            return err(lpos, "unclosed `|` in a link label");
        };
        label = Some(label_text(super::lex::unquote(&rest[..e])));
        c.i += e + 1;
    }
    Ok(Some(Link {
        stroke,
        start: if stroke == Stroke::Invisible {
            None
        } else {
            start
        },
        end,
        minlen,
        label: label.filter(|l| !l.is_empty()),
    }))
}

fn group(b: &mut Builder, c: &mut Cursor) -> Result<Vec<usize>> {
    let mut v = vec![node_ref(b, c)?];
    loop {
        c.ws();
        if c.eat("&") {
            c.ws();
            v.push(node_ref(b, c)?);
        } else {
            return Ok(v);
        }
    }
}

fn chain(b: &mut Builder, st: &Stmt) -> Result<()> {
    let mut c = Cursor::new(st);
    let mut left = group(b, &mut c)?;
    loop {
        c.ws();
        if c.done() {
            return Ok(());
        }
        let at = c.pos();
        let Some(l) = link(&mut c)? else {
            return err(
                at,
                format!(
                    "expected a link such as `-->` or the end of the line, found {}",
                    c.found()
                ),
            );
        };
        c.ws();
        if c.done() {
            return err(c.pos(), "a link needs a node after it");
        }
        let right = group(b, &mut c)?;
        super::budget::edges_within(b.g.edges.len() + left.len() * right.len(), st.pos)?;
        for &a in &left {
            for &z in &right {
                b.g.edges.push(Edge {
                    from: a,
                    to: z,
                    label: l.label.clone(),
                    stroke: l.stroke,
                    start: l.start,
                    end: l.end,
                    minlen: l.minlen,
                    from_cluster: None,
                    to_cluster: None,
                    end_labels: (None, None),
                });
            }
        }
        left = right;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    fn p(src: &str) -> Result<Graph> {
        parse(&statements(src, true))
    }

    #[test]
    fn shapes_and_links() {
        let g = p("flowchart LR\n A[\"Client app\"] --> B[(DB)]\n B -. \"event\" .-> C{{Hex}}\n A -- \"no\" --> D{\"ok?\"}\n D -->|yes| E([Stadium])\n E <-- \"hb\" --> A\n F[[Q]] --- G\n").unwrap();
        assert_eq!(g.dir, Dir::LR);
        let labels: Vec<&str> = g.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Client app", "DB", "Hex", "ok?", "Stadium", "Q", "G"]
        );
        assert_eq!(g.nodes[1].shape, Shape::Cylinder);
        assert_eq!(g.nodes[2].shape, Shape::Hexagon);
        assert_eq!(g.nodes[3].shape, Shape::Diamond);
        assert_eq!(g.nodes[4].shape, Shape::Stadium);
        assert_eq!(g.nodes[5].shape, Shape::Subroutine);
        assert_eq!(g.edges.len(), 6);
        assert_eq!(g.edges[1].stroke, Stroke::Dotted);
        assert_eq!(g.edges[1].label.as_deref(), Some("event"));
        assert_eq!(g.edges[2].label.as_deref(), Some("no"));
        assert_eq!(g.edges[3].label.as_deref(), Some("yes"));
        assert_eq!(
            (g.edges[4].start, g.edges[4].end),
            (Some("arrow"), Some("arrow"))
        );
        assert_eq!(g.edges[5].end, None);
    }

    #[test]
    fn chains_groups_and_subgraphs() {
        let g =
            p("graph TD\n subgraph S[\"Title\"]\n  A --> B & C --> D\n end\n D --> A\n").unwrap();
        assert_eq!(g.edges.len(), 5);
        assert_eq!(g.clusters[0].title, "Title");
        assert!(g.nodes.iter().all(|n| n.cluster == Some(0)));
        let g = p("flowchart TB\n B1 --- B2 --- B3\n").unwrap();
        assert_eq!(g.edges.len(), 2);
        let g = p("graph LR\n A -- text --> B\n A ---> C\n A -.-> D").unwrap();
        assert_eq!(g.edges[0].label.as_deref(), Some("text"));
        assert_eq!(g.edges[1].minlen, 2);
        assert_eq!(g.edges[2].stroke, Stroke::Dotted);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let src = "flowchart LR\n A --> B\n B --> C[\"oops\"\n";
        let e = p(src).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 1], "[");
        let src = "flowchart LR\n A --> \n";
        assert!(p(src).is_err());
        let src = "flowchart XY\n A --> B\n";
        let e = p(src).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 2], "XY");
        let src = "flowchart LR\n A ==> B ?? C\n";
        let e = p(src).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 2], "??");
        assert!(p("flowchart LR\n subgraph X\n A\n").is_err());
    }
}
