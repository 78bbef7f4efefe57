//! Mermaid flowcharts (`flowchart` / `graph`): nodes in every shape (classic brackets and
//! `id@{ shape: …, label: … }`), chained and `&`-grouped links of every kind with labels in
//! every form, nested subgraphs (with a direction of their own, and as link ends), styling
//! (`classDef`, `class`, `:::`, `style`, `linkStyle`: dashes and weight kept, colours left to the
//! theme), `click` links, accessibility titles.
//!
//! The statements are read in order by [`Builder::statement`]; what needs the whole diagram —
//! styles, links to subgraphs, empty subgraphs — is settled at the end by [`Builder::finish`].

use std::collections::HashMap;

use super::budget;
use super::graph::{Cluster, Edge, Graph, Node, Shape, Stroke, Style};
use super::layout::Dir;
use super::lex::{Cursor, Extras, Result, Stmt, err, label_text, unquote};
use super::svg::{BOLD, ITALIC};

/// A direction word (`TB`/`TD`, `BT`, `LR`, `RL`) at `pos`; anything else is an error.
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

/// A flowchart being read.
struct Builder {
    g: Graph,
    ids: HashMap<String, usize>,
    /// Where each node was first mentioned.
    first_pos: Vec<usize>,
    /// Open subgraphs, innermost last, with where each opened.
    stack: Vec<(usize, usize)>,
    cluster_ids: HashMap<String, usize>,
    /// Edge ids (`A e1@--> B`) → edge index.
    edge_ids: HashMap<String, usize>,
    /// `classDef` styles by class name; classes given to each node, in order.
    class_defs: HashMap<String, Style>,
    node_classes: Vec<Vec<String>>,
    /// `style id …` per node id, applied last (it wins over classes).
    node_styles: Vec<(String, Style, usize)>,
    link_styles: Vec<(Vec<usize>, Style, usize)>,
    extras: Extras,
    /// `accDescr { … }` being skipped.
    in_descr: bool,
}

/// Parses a flowchart; `stmts[0]` holds `flowchart LR`.
pub fn parse(stmts: &[Stmt]) -> Result<(Graph, Extras)> {
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
        g: Graph::new(dir),
        ids: HashMap::new(),
        first_pos: Vec::new(),
        stack: Vec::new(),
        cluster_ids: HashMap::new(),
        edge_ids: HashMap::new(),
        class_defs: HashMap::new(),
        node_classes: Vec::new(),
        node_styles: Vec::new(),
        link_styles: Vec::new(),
        extras: Extras::default(),
        in_descr: false,
    };
    for st in &stmts[1..] {
        b.statement(st)?;
    }
    if let Some(&(_, p)) = b.stack.last() {
        return err(p, "`subgraph` without a matching `end`");
    }
    b.finish()?;
    Ok((b.g, b.extras))
}

impl Builder {
    fn node(&mut self, id: &str, pos: usize) -> usize {
        let cur = self.stack.last().map(|s| s.0);
        if let Some(&n) = self.ids.get(id) {
            if self.g.nodes[n].cluster.is_none() && cur.is_some() {
                self.g.nodes[n].cluster = cur;
            }
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node::new(id, Shape::Rect, cur));
        self.first_pos.push(pos);
        self.node_classes.push(Vec::new());
        self.ids.insert(id.to_string(), n);
        n
    }

    /// One statement.
    fn statement(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        if self.in_descr {
            if t.ends_with('}') {
                self.in_descr = false;
            }
            return Ok(());
        }
        let (word, rest, rest_pos) = st.split_word();
        match word {
            "subgraph" => return self.subgraph(rest, rest_pos, st.pos),
            "end" if rest.is_empty() => {
                if self.stack.pop().is_none() {
                    return err(st.pos, "`end` without a `subgraph`");
                }
                return Ok(());
            }
            "direction" => {
                let d = parse_dir(rest, rest_pos)?;
                match self.stack.last() {
                    Some(&(c, _)) => self.g.clusters[c].dir = Some(d),
                    None => self.g.dir = d,
                }
                return Ok(());
            }
            "classDef" => return self.class_def(rest, rest_pos),
            "class" => return self.class_stmt(rest, rest_pos),
            "style" => return self.style_stmt(rest, rest_pos),
            "linkStyle" => return self.link_style(rest, rest_pos),
            "click" => return self.click(rest, rest_pos),
            _ => {}
        }
        if t.starts_with("accTitle") || t.starts_with("accDescr") {
            let after = t
                .trim_start_matches("accTitle")
                .trim_start_matches("accDescr")
                .trim();
            if after.starts_with('{') && !after.ends_with('}') {
                self.in_descr = true;
            }
            return Ok(());
        }
        // `e1@{ animate: true }`: properties of a link, accepted (nothing to animate in a
        // still figure).
        if let Some((id, props)) = t.split_once("@{")
            && self.edge_ids.contains_key(id.trim())
        {
            if !props.trim_end().ends_with('}') {
                return err(st.pos + id.len(), "`@{` is not closed by `}`");
            }
            return Ok(());
        }
        self.chain(st)
    }

    /// `subgraph id [Title]`, `subgraph id["Title"]`, `subgraph "Title"`, `subgraph Title`.
    fn subgraph(&mut self, rest: &str, rest_pos: usize, pos: usize) -> Result<()> {
        budget::depth_within(self.stack.len() + 1, pos)?;
        let (id, title) = subgraph_header(rest, rest_pos)?;
        let c = self.g.clusters.len();
        self.g
            .clusters
            .push(Cluster::new(title, self.stack.last().map(|s| s.0)));
        self.cluster_ids.insert(id, c);
        self.stack.push((c, pos));
        Ok(())
    }

    /// `A --> B & C -- text --> D`: groups of nodes joined by links.
    fn chain(&mut self, st: &Stmt) -> Result<()> {
        let mut c = Cursor::new(st);
        let mut left = self.group(&mut c)?;
        loop {
            c.ws();
            if c.done() {
                return Ok(());
            }
            let at = c.pos();
            let edge_id = edge_id(&mut c);
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
            let right = self.group(&mut c)?;
            budget::edges_within(self.g.edges.len() + left.len() * right.len(), st.pos)?;
            if let Some(id) = edge_id {
                self.edge_ids.insert(id.to_string(), self.g.edges.len());
            }
            for &a in &left {
                for &z in &right {
                    let mut e = Edge::new(a, z);
                    e.label = l.label.clone();
                    e.stroke = l.stroke;
                    e.start = l.start;
                    e.end = l.end;
                    e.minlen = l.minlen;
                    self.g.edges.push(e);
                }
            }
            left = right;
        }
    }

    fn group(&mut self, c: &mut Cursor) -> Result<Vec<usize>> {
        let mut v = vec![self.node_ref(c)?];
        loop {
            c.ws();
            if c.eat("&") {
                c.ws();
                v.push(self.node_ref(c)?);
            } else {
                return Ok(v);
            }
        }
    }

    /// A node reference with an optional shape: `A`, `A["text"]`, `A(text)`, `A{{"x"}}`,
    /// `A@{ shape: doc, label: "x" }`, each optionally followed by `:::class`.
    fn node_ref(&mut self, c: &mut Cursor) -> Result<usize> {
        let pos = c.pos();
        let Some(id) = c.ident() else {
            return err(pos, format!("expected a node id, found {}", c.found()));
        };
        let n = self.node(id, pos);
        if c.rest().starts_with("@{") {
            let at = c.pos();
            let props = property_block(c)?;
            self.apply_props(n, &props, at)?;
        } else if let Some((label, shape)) = bracket_shape(c)? {
            let (label, icons) = super::lex::strip_icons(&label);
            if icons {
                self.extras.warn(
                    pos,
                    "Font Awesome icons (`fa:fa-…`) are not drawn: corem's diagrams load no icon fonts; the text is kept",
                );
            }
            let node = &mut self.g.nodes[n];
            node.label = label;
            node.shape = shape;
        }
        while c.eat(":::") {
            let at = c.pos();
            match c.ident() {
                Some(cls) => self.node_classes[n].push(cls.to_string()),
                None => return err(at, "`:::` needs a class name"),
            }
        }
        Ok(n)
    }

    /// The properties of `id@{ … }`: `shape` (a name from Mermaid's list) and `label`.
    fn apply_props(
        &mut self,
        n: usize,
        props: &[(String, String, usize)],
        at: usize,
    ) -> Result<()> {
        for (k, v, p) in props {
            match k.as_str() {
                "shape" => {
                    let Some(shape) = named_shape(v) else {
                        return err(
                            *p,
                            format!(
                                "unknown shape `{v}`; corem draws {}",
                                SHAPE_NAMES
                                    .iter()
                                    .map(|s| s.0)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    };
                    self.g.nodes[n].shape = shape;
                }
                "label" => self.g.nodes[n].label = text_value(v),
                "icon" | "img" => {
                    return err(
                        *p,
                        format!(
                            "`{k}:` shapes need an icon pack or an image from the web; corem draws diagrams without external resources: use a shape and a label"
                        ),
                    );
                }
                // Layout hints of icon and image shapes; the size comes from the label.
                "form" | "pos" | "h" | "w" | "constraint" | "animate" | "animation" | "curve" => {}
                _ => {
                    return err(
                        *p,
                        format!("unknown property `{k}`; a node takes `shape:` and `label:`"),
                    );
                }
            }
        }
        let _ = at;
        Ok(())
    }
}

/// `A e1@--> B`: an edge id in front of a link.
fn edge_id<'a>(c: &mut Cursor<'a>) -> Option<&'a str> {
    let save = c.i;
    let id = c.ident()?;
    if c.eat("@") && c.rest().starts_with(['-', '=', '~', '<', '.', 'o', 'x']) {
        return Some(id);
    }
    c.i = save;
    None
}

/// `@{ key: value, key: "quoted value" }` as (key, value, position of the value).
fn property_block(c: &mut Cursor) -> Result<Vec<(String, String, usize)>> {
    let open = c.pos();
    c.i += 2;
    let mut out = Vec::new();
    loop {
        c.ws();
        if c.eat("}") {
            return Ok(out);
        }
        if c.done() {
            return err(open, "`@{` is not closed by `}`");
        }
        let kpos = c.pos();
        let r = c.rest();
        let kend = r
            .find(|ch: char| ch == ':' || ch == '}' || ch == ',' || ch.is_whitespace())
            .unwrap_or(r.len());
        let key = r[..kend].trim().to_string();
        c.i += kend;
        c.ws();
        if !c.eat(":") {
            return err(
                kpos,
                format!("expected `key: value` in `@{{ … }}`, found {}", c.found()),
            );
        }
        c.ws();
        let vpos = c.pos();
        let r = c.rest();
        let value = if let Some(q) = r.strip_prefix('"') {
            let Some(e) = q.find('"') else {
                return err(vpos, "unclosed `\"` in a property");
            };
            c.i += e + 2;
            format!("\"{}\"", &q[..e])
        } else {
            let e = r.find([',', '}', '\n']).unwrap_or(r.len());
            c.i += e;
            r[..e].trim().to_string()
        };
        out.push((key, value, vpos));
        c.ws();
        c.eat(",");
    }
}

/// A label value: quoted or not, a Markdown string or not.
fn text_value(v: &str) -> String {
    let t = v.trim();
    match t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(inner) => label(inner),
        None => label_text(t),
    }
}

/// A label's text: a Markdown string (`` `…` `` inside the quotes) or plain Mermaid text.
pub fn label(s: &str) -> String {
    match s.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
        Some(md) => markdown(md),
        None => label_text(s),
    }
}

/// A Markdown string's text: `**bold**` and `*italic*`/`_italic_` as markup, its own line
/// breaks kept (each line trimmed), long lines wrapped like any label.
pub(super) fn markdown(md: &str) -> String {
    let mut out = String::new();
    for (k, line) in md.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let line = label_text(line.trim());
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let ch = chars[i];
            let prev = if i == 0 { ' ' } else { chars[i - 1] };
            if (ch == '*' || ch == '_') && chars.get(i + 1) == Some(&ch) {
                out.push(BOLD);
                i += 2;
                continue;
            }
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let boundary = !prev.is_alphanumeric() || !next.is_alphanumeric();
            if ch == '*' || (ch == '_' && boundary) {
                out.push(ITALIC);
            } else {
                out.push(ch);
            }
            i += 1;
        }
    }
    balance(&out)
}

/// Drops an unmatched last toggle (`**bold` never closed is shown as plain).
fn balance(s: &str) -> String {
    let mut out = s.to_string();
    for m in [BOLD, ITALIC] {
        if out.matches(m).count() % 2 == 1
            && let Some(k) = out.rfind(m)
        {
            out.remove(k);
        }
    }
    out
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

/// A classic bracketed shape after a node id: its label and shape, or None when none starts.
fn bracket_shape(c: &mut Cursor) -> Result<Option<(String, Shape)>> {
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
        return Ok(Some((label(text), shape)));
    }
    Ok(None)
}

/// Mermaid's shape names (v11.3 `@{ shape: … }`), with their aliases.
const SHAPE_NAMES: &[(&str, Shape, &[&str])] = &[
    ("rect", Shape::Rect, &["rectangle", "proc", "process"]),
    ("rounded", Shape::Round, &["event"]),
    ("stadium", Shape::Stadium, &["pill", "terminal"]),
    (
        "fr-rect",
        Shape::Subroutine,
        &["subproc", "subprocess", "subroutine", "framed-rectangle"],
    ),
    ("cyl", Shape::Cylinder, &["cylinder", "database", "db"]),
    ("circle", Shape::Circle, &["circ"]),
    ("dbl-circ", Shape::DoubleCircle, &["double-circle"]),
    ("diam", Shape::Diamond, &["diamond", "decision", "question"]),
    ("hex", Shape::Hexagon, &["hexagon", "prepare"]),
    ("lean-r", Shape::Parallelogram, &["lean-right", "in-out"]),
    ("lean-l", Shape::ParallelogramAlt, &["lean-left", "out-in"]),
    (
        "trap-b",
        Shape::Trapezoid,
        &["trapezoid", "trapezoid-bottom", "priority"],
    ),
    (
        "trap-t",
        Shape::TrapezoidAlt,
        &["trapezoid-top", "inv-trapezoid", "manual"],
    ),
    ("odd", Shape::Asymmetric, &[]),
    ("fork", Shape::Bar, &["join"]),
    ("doc", Shape::Document, &["document"]),
    ("lin-doc", Shape::LinedDocument, &["lined-document"]),
    (
        "docs",
        Shape::MultiDocument,
        &["documents", "st-doc", "stacked-document"],
    ),
    ("tag-doc", Shape::TaggedDocument, &["tagged-document"]),
    (
        "notch-rect",
        Shape::NotchedRect,
        &["card", "notched-rectangle"],
    ),
    (
        "lin-rect",
        Shape::LinedRect,
        &[
            "lin-proc",
            "lined-process",
            "lined-rectangle",
            "shaded-process",
        ],
    ),
    (
        "div-rect",
        Shape::DividedRect,
        &["div-proc", "divided-process", "divided-rectangle"],
    ),
    (
        "tag-rect",
        Shape::TaggedRect,
        &["tag-proc", "tagged-process", "tagged-rectangle"],
    ),
    (
        "st-rect",
        Shape::StackedRect,
        &["procs", "processes", "stacked-rectangle"],
    ),
    (
        "win-pane",
        Shape::WindowPane,
        &["internal-storage", "window-pane"],
    ),
    ("sm-circ", Shape::SmallCircle, &["small-circle", "start"]),
    ("fr-circ", Shape::FramedCircle, &["framed-circle", "stop"]),
    (
        "f-circ",
        Shape::FilledCircle,
        &["filled-circle", "junction"],
    ),
    (
        "cross-circ",
        Shape::CrossedCircle,
        &["crossed-circle", "summary"],
    ),
    ("hourglass", Shape::Hourglass, &["collate"]),
    ("bolt", Shape::Bolt, &["com-link", "lightning-bolt"]),
    ("brace", Shape::BraceLeft, &["brace-l", "comment"]),
    ("brace-r", Shape::BraceRight, &[]),
    ("braces", Shape::Braces, &[]),
    ("text", Shape::Text, &[]),
    ("h-cyl", Shape::HCylinder, &["das", "horizontal-cylinder"]),
    ("lin-cyl", Shape::LinedCylinder, &["disk", "lined-cylinder"]),
    (
        "curv-trap",
        Shape::CurvedTrapezoid,
        &["curved-trapezoid", "display"],
    ),
    ("delay", Shape::Delay, &["half-rounded-rectangle"]),
    ("tri", Shape::Triangle, &["extract", "triangle"]),
    (
        "flip-tri",
        Shape::FlippedTriangle,
        &["flipped-triangle", "manual-file"],
    ),
    (
        "sl-rect",
        Shape::SlopedRect,
        &["manual-input", "sloped-rectangle"],
    ),
    (
        "notch-pent",
        Shape::NotchedPentagon,
        &["loop-limit", "notched-pentagon"],
    ),
    ("flag", Shape::Flag, &["paper-tape"]),
    (
        "bow-rect",
        Shape::BowTieRect,
        &["stored-data", "bow-tie-rectangle"],
    ),
    ("cloud", Shape::Cloud, &[]),
    ("bang", Shape::Bang, &[]),
];

fn named_shape(v: &str) -> Option<Shape> {
    let v = unquote(v).trim();
    SHAPE_NAMES
        .iter()
        .find(|(name, _, aliases)| *name == v || aliases.contains(&v))
        .map(|s| s.1)
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

/// A link: `-->`, `---`, `-.->`, `==>`, `~~~`, `<-->`, `o--o`, `--x`, longer ones, with a
/// label as `-- text -->`, `--"quoted"-->`, `-. text .->`, `== text ==>` or `-->|text|`.
/// Returns None when no link starts here.
fn link(c: &mut Cursor) -> Result<Option<Link>> {
    let save = c.i;
    let start_pos = c.pos();
    let start = link_start(c);
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
        && c.peek().is_some_and(|ch| ch.is_whitespace() || ch == '"');
    // `A --o B` / `A --x B`: a marker only when a space or the end follows.
    if matches!(end, Some("circle" | "cross")) {
        let after = &c.rest()[1..];
        if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
            end = None;
        }
    }
    let mut text = None;
    if text_form {
        let (t, closing_end, closing_len) = inline_label(c, stroke, start_pos)?;
        minlen = closing_len;
        end = closing_end;
        text = Some(t);
    } else if end.is_some() {
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
        text = Some(label(unquote(&rest[..e])));
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
        label: text.filter(|l| !l.is_empty()),
    }))
}

/// A marker at the start of a link (`<-->`, `o--o`, `x--x`), consumed when present.
fn link_start(c: &mut Cursor) -> Option<&'static str> {
    let r = c.rest();
    if r.starts_with("<-") || r.starts_with("<=") {
        c.i += 1;
        return Some("arrow");
    }
    if (r.starts_with("o-") || r.starts_with("x-") || r.starts_with("o=") || r.starts_with("x="))
        && c.s[..c.i].ends_with(char::is_whitespace)
    {
        let m = end_marker(r.chars().next().unwrap_or(' ')).filter(|&m| m != "arrow");
        c.i += 1;
        return m;
    }
    None
}

/// `-- text -->`: the label of a link written inside it, up to the closing part. Returns the
/// label, the closing marker and the link's length in ranks.
fn inline_label(
    c: &mut Cursor,
    stroke: Stroke,
    start_pos: usize,
) -> Result<(String, Option<&'static str>, usize)> {
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
    if !closers.iter().any(|k| r2.starts_with(*k)) {
        return err(
            c.pos(),
            format!(
                "expected `{}` to close the link label, found {}",
                closers[0],
                c.found()
            ),
        );
    }
    // The closing: dots (a dotted link), its line characters, then an optional marker.
    let fill = if stroke == Stroke::Thick { '=' } else { '-' };
    let dots = r2.len() - r2.trim_start_matches('.').len();
    let after_dots = &r2[dots..];
    let line = after_dots.len() - after_dots.trim_start_matches(fill).len();
    let mut n = dots + line;
    let mut end = r2[n..].chars().next().and_then(end_marker);
    if matches!(end, Some("circle" | "cross"))
        && !r2[n + 1..].is_empty()
        && !r2[n + 1..].starts_with(char::is_whitespace)
    {
        end = None;
    }
    if end.is_some() {
        n += 1;
    }
    c.i += n;
    // `-->` and `---` span one rank, `--->` and `----` two…; dotted ones count their dots.
    let minlen = if stroke == Stroke::Dotted {
        dots
    } else if end.is_some() {
        line.saturating_sub(1)
    } else {
        line.saturating_sub(2)
    }
    .max(1);
    Ok((label(text), end, minlen))
}

/// `subgraph` header: (id, title).
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
        let title = label(&q[..e]);
        return Ok((q[..e].to_string(), title));
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
        return Ok((id.to_string(), label(unquote(inner))));
    }
    if after.is_empty() {
        Ok((id.to_string(), label_text(id)))
    } else {
        // `subgraph Some title`: the whole text is both id and title.
        Ok((rest.to_string(), label_text(rest)))
    }
}

/// `classDef a,b fill:#f9f,stroke-dasharray:4`: defines each class named (comma-separated) with
/// the styling of the declarations after the names; `rest` is the statement after `classDef`,
/// at `pos` in the source.
pub(super) fn define_classes(
    rest: &str,
    pos: usize,
    defs: &mut HashMap<String, Style>,
) -> Result<()> {
    let (names, decls) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let style = css(decls, pos + names.len())?;
    for n in names.split(',') {
        defs.insert(n.trim().to_string(), style);
    }
    Ok(())
}

/// The styling Mermaid's CSS-like declarations ask for that corem keeps: dashes
/// (`stroke-dasharray`), weight (`stroke-width` of 2.5px or more) and bold text
/// (`font-weight: bold`). Colours, fonts and sizes belong to the theme and are left out.
pub(super) fn css(decls: &str, pos: usize) -> Result<Style> {
    let mut s = Style::default();
    for d in decls.split([',', ';']) {
        let d = d.trim();
        if d.is_empty() {
            continue;
        }
        let Some((k, v)) = d.split_once(':') else {
            // `stroke-dasharray: 5 5` is split at its comma-free value; a bare word is an error.
            if d.chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '.' || c == 'p' || c == 'x')
            {
                continue;
            }
            return err(
                pos,
                format!("expected `property: value` in a style, found `{d}`"),
            );
        };
        let (k, v) = (k.trim(), v.trim().trim_end_matches("!important").trim());
        match k {
            "stroke-dasharray" => s.dashed = !matches!(v, "0" | "none" | ""),
            "stroke-width" => {
                let n: f64 = v.trim_end_matches("px").trim().parse().unwrap_or(1.0);
                s.thick = n >= 2.5;
            }
            "font-weight" => {
                s.bold = matches!(v, "bold" | "bolder" | "600" | "700" | "800" | "900")
            }
            _ => {}
        }
    }
    Ok(s)
}

fn merge(a: Style, b: Style) -> Style {
    Style {
        dashed: a.dashed || b.dashed,
        thick: a.thick || b.thick,
        bold: a.bold || b.bold,
    }
}

impl Builder {
    /// `classDef a,b stroke-dasharray: 5 5`.
    fn class_def(&mut self, rest: &str, pos: usize) -> Result<()> {
        if rest
            .split_once(char::is_whitespace)
            .map_or(rest, |(names, _)| names)
            .is_empty()
        {
            return err(pos, "`classDef` needs a class name and styles");
        }
        define_classes(rest, pos, &mut self.class_defs)
    }

    /// `class a,b className`.
    fn class_stmt(&mut self, rest: &str, pos: usize) -> Result<()> {
        let Some((ids, class)) = rest.rsplit_once(char::is_whitespace) else {
            return err(
                pos,
                "`class` needs node ids and a class name: `class A,B name`",
            );
        };
        let class = class.trim_end_matches(';');
        for id in ids.split(',') {
            let id = id.trim();
            if id.is_empty() {
                continue;
            }
            let n = self.node(id, pos);
            self.node_classes[n].push(class.to_string());
        }
        Ok(())
    }

    /// `style id stroke-width: 4px`.
    fn style_stmt(&mut self, rest: &str, pos: usize) -> Result<()> {
        let (id, decls) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if id.is_empty() {
            return err(pos, "`style` needs a node id and styles");
        }
        let s = css(decls, pos + id.len())?;
        self.node_styles.push((id.to_string(), s, pos));
        Ok(())
    }

    /// `linkStyle 1,2 stroke-dasharray: 3` or `linkStyle default …` (links counted from 0).
    fn link_style(&mut self, rest: &str, pos: usize) -> Result<()> {
        let (which, decls) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let s = css(decls, pos + which.len())?;
        let mut idx = Vec::new();
        if which == "default" {
            idx.push(usize::MAX);
        } else {
            for w in which.split(',') {
                match w.trim().parse::<usize>() {
                    Ok(i) => idx.push(i),
                    Err(_) => {
                        return err(
                            pos,
                            format!(
                                "`linkStyle` takes link numbers (from 0) or `default`, found `{w}`"
                            ),
                        );
                    }
                }
            }
        }
        self.link_styles.push((idx, s, pos));
        Ok(())
    }

    /// `click id "url" ["tooltip"] [_blank]`, `click id href "url" …`: kept as a link;
    /// `click id callback` / `click id call fn()`: refused with a warning (no scripts).
    fn click(&mut self, rest: &str, pos: usize) -> Result<()> {
        let (id, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if id.is_empty() {
            return err(pos, "`click` needs a node id");
        }
        let after = after.trim();
        let after = after.strip_prefix("href").map_or(after, str::trim_start);
        let apos = pos + rest.len() - after.len();
        let Some(q) = after.strip_prefix('"') else {
            self.extras.warn(
                apos,
                "`click … callback` runs JavaScript; corem's diagrams carry no scripts, so it is left out (link to a note or a page with `click id \"url\"`)",
            );
            return Ok(());
        };
        let Some(e) = q.find('"') else {
            return err(apos, "unclosed `\"` in the link of `click`");
        };
        let url = q[..e].trim();
        if url.to_ascii_lowercase().starts_with("javascript:") {
            self.extras.warn(
                apos,
                "a `javascript:` link is a script; corem's diagrams carry no scripts, so it is left out",
            );
            return Ok(());
        }
        let n = self.node(id, pos);
        self.g.nodes[n].link = Some(self.extras.link(url, apos + 1));
        Ok(())
    }

    /// What needs the whole diagram: styles applied, links to subgraphs turned into links to
    /// a node inside them (cut at the subgraph's border when drawn), empty subgraphs held open.
    fn finish(&mut self) -> Result<()> {
        self.apply_styles()?;
        self.cluster_links();
        for c in 0..self.g.clusters.len() {
            let used = self.g.nodes.iter().any(|n| n.cluster == Some(c))
                || self.g.clusters.iter().any(|d| d.parent == Some(c));
            if !used {
                self.g
                    .nodes
                    .push(Node::new(String::new(), Shape::Hidden, Some(c)));
            }
        }
        Ok(())
    }

    fn apply_styles(&mut self) -> Result<()> {
        let default = self.class_defs.get("default").copied();
        for (n, classes) in self.node_classes.iter().enumerate() {
            let mut s = Style::default();
            let mut any = false;
            for c in classes {
                if let Some(d) = self.class_defs.get(c) {
                    s = merge(s, *d);
                    any = true;
                }
            }
            if !any && let Some(d) = default {
                s = d;
            }
            self.g.nodes[n].style = s;
        }
        for (id, s, _) in &self.node_styles {
            if let Some(&n) = self.ids.get(id) {
                let node = &mut self.g.nodes[n];
                node.style = merge(node.style, *s);
            }
        }
        for n in &mut self.g.nodes {
            if n.style.bold && !n.label.is_empty() {
                n.label = format!("{BOLD}{}{BOLD}", n.label);
            }
        }
        for (idx, s, pos) in &self.link_styles {
            for &i in idx {
                let edges: Vec<usize> = if i == usize::MAX {
                    (0..self.g.edges.len()).collect()
                } else if i < self.g.edges.len() {
                    vec![i]
                } else {
                    return err(
                        *pos,
                        format!(
                            "`linkStyle {i}`: the diagram has {} links (numbered from 0)",
                            self.g.edges.len()
                        ),
                    );
                };
                for e in edges {
                    let edge = &mut self.g.edges[e];
                    if edge.stroke == Stroke::Invisible {
                        continue;
                    }
                    if s.dashed {
                        edge.stroke = Stroke::Dotted;
                    }
                    if s.thick {
                        edge.stroke = Stroke::Thick;
                    }
                }
            }
        }
        Ok(())
    }

    /// Links whose end names a subgraph: the end becomes a node inside it (one with no links
    /// in from inside for an incoming link, none out for an outgoing one), marked so the link
    /// is cut at the subgraph's border. The node that id made is removed.
    fn cluster_links(&mut self) {
        let refs: Vec<(usize, usize)> = self
            .cluster_ids
            .iter()
            .filter_map(|(id, &c)| self.ids.get(id).map(|&n| (n, c)))
            .collect();
        if refs.is_empty() {
            return;
        }
        let as_cluster: HashMap<usize, usize> = refs.into_iter().collect();
        // Every cluster's subtree, to find nodes inside.
        let g = &self.g;
        let within = |n: usize, c: usize| {
            let mut cur = g.nodes[n].cluster;
            while let Some(x) = cur {
                if x == c {
                    return true;
                }
                cur = g.clusters[x].parent;
            }
            false
        };
        let mut extra_nodes = Vec::new();
        let mut pick: HashMap<(usize, bool), usize> = HashMap::new();
        for &c in as_cluster.values() {
            let members: Vec<usize> = (0..g.nodes.len())
                .filter(|&n| !as_cluster.contains_key(&n) && within(n, c))
                .collect();
            let entry = members.iter().copied().find(|&n| {
                !g.edges
                    .iter()
                    .any(|e| e.to == n && e.from != n && members.contains(&e.from))
            });
            let exit = members.iter().rev().copied().find(|&n| {
                !g.edges
                    .iter()
                    .any(|e| e.from == n && e.to != n && members.contains(&e.to))
            });
            let any = members.first().copied();
            let (inn, out) = match (entry.or(any), exit.or(any)) {
                (Some(a), Some(b)) => (a, b),
                _ => {
                    let h = g.nodes.len() + extra_nodes.len();
                    extra_nodes.push(c);
                    (h, h)
                }
            };
            pick.insert((c, true), inn);
            pick.insert((c, false), out);
        }
        for c in extra_nodes {
            self.g
                .nodes
                .push(Node::new(String::new(), Shape::Hidden, Some(c)));
        }
        for e in &mut self.g.edges {
            if let Some(&c) = as_cluster.get(&e.to) {
                e.to = pick[&(c, true)];
                e.to_cluster = Some(c);
            }
            if let Some(&c) = as_cluster.get(&e.from) {
                e.from = pick[&(c, false)];
                e.from_cluster = Some(c);
            }
        }
        // Remove the stand-in nodes, renumbering the rest.
        let mut map = vec![0usize; self.g.nodes.len()];
        let mut kept = Vec::with_capacity(self.g.nodes.len());
        for (i, n) in std::mem::take(&mut self.g.nodes).into_iter().enumerate() {
            map[i] = kept.len();
            if !as_cluster.contains_key(&i) {
                kept.push(n);
            }
        }
        self.g.nodes = kept;
        for e in &mut self.g.edges {
            e.from = map[e.from];
            e.to = map[e.to];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    fn p(src: &str) -> Result<Graph> {
        parse(&statements(src, true)).map(|x| x.0)
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
    fn named_shapes_markdown_and_quoted_labels() {
        let g = p("flowchart LR\n A@{ shape: doc, label: \"Report\" } --\"quoted (x)\"--> B@{ shape: lin-cyl }\n C[\"`**bold** and _it_`\"] --> D\n").unwrap();
        assert_eq!(g.nodes[0].shape, Shape::Document);
        assert_eq!(g.nodes[0].label, "Report");
        assert_eq!(g.nodes[1].shape, Shape::LinedCylinder);
        assert_eq!(g.edges[0].label.as_deref(), Some("quoted (x)"));
        assert_eq!(
            g.nodes[2].label,
            format!("{BOLD}bold{BOLD} and {ITALIC}it{ITALIC}")
        );
        let e = p("flowchart LR\n A@{ shape: blob }\n").unwrap_err();
        assert!(e.message.contains("unknown shape `blob`"), "{}", e.message);
        let e = p("flowchart LR\n A@{ icon: \"fa:user\" }\n").unwrap_err();
        assert!(e.message.contains("external"), "{}", e.message);
    }

    #[test]
    fn links_to_subgraphs_and_styles() {
        let (g, x) = parse(&statements(
            "flowchart TB\n c1-->a2\n subgraph one\n a1-->a2\n end\n subgraph two\n b1-->b2\n end\n one --> two\n two --> c2\n classDef dash stroke-dasharray: 5 5\n class c1 dash\n linkStyle 0 stroke-width:4px\n click a1 \"../notes/x.md\" \"tip\"\n click b1 callback\n",
            true,
        ))
        .unwrap();
        assert!(g.nodes.iter().all(|n| n.label != "one" && n.label != "two"));
        let e = &g.edges[3];
        assert_eq!((e.from_cluster, e.to_cluster), (Some(0), Some(1)));
        assert_eq!(g.nodes[e.from].label, "a2");
        assert_eq!(g.nodes[e.to].label, "b1");
        assert!(g.nodes[0].style.dashed);
        assert_eq!(g.edges[0].stroke, Stroke::Thick);
        assert_eq!(x.links, ["../notes/x.md"]);
        assert_eq!(x.warnings.len(), 1);
        let e = p("flowchart LR\n A --> B\n linkStyle 3 stroke:red\n").unwrap_err();
        assert!(e.message.contains("has 1 links"), "{}", e.message);
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
