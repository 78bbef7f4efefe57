//! Mermaid class diagrams: classes with members (`class A { +f: int; +m() }`, `A : +f`),
//! generics (`~T~`), annotations (`<<interface>>`), relations (`<|--`, `*--`, `o--`, `-->`,
//! `--`, `..>`, `..|>`, `..`, in either direction) with labels and cardinalities, `direction`.
//! Cardinalities are shown in the relation's label (`1 → *`), so they get room like any label.

use std::collections::HashMap;

use super::flowchart::parse_dir;
use super::graph::{Edge, Graph, Node, Shape, Stroke};
use super::layout::Dir;
use super::lex::{Result, Stmt, err, label_text, unquote};

struct B {
    g: Graph,
    ids: HashMap<String, usize>,
}

fn generic(s: &str) -> String {
    // `List~int~` → `List<int>`
    let mut out = String::new();
    let mut open = true;
    for c in s.chars() {
        if c == '~' {
            out.push(if open { '<' } else { '>' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out
}

impl B {
    fn class(&mut self, raw: &str) -> usize {
        let name = raw.split('~').next().unwrap_or(raw).trim().to_string();
        if let Some(&n) = self.ids.get(&name) {
            if raw.contains('~') {
                self.g.nodes[n].label = generic(raw);
            }
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node {
            label: generic(raw.trim()),
            shape: Shape::Class,
            cluster: None,
            sections: vec![Vec::new(), Vec::new()],
            annotation: None,
            table: Vec::new(),
            style: Default::default(),
            link: None,
            sub: None,
        });
        self.ids.insert(name, n);
        n
    }

    fn member(&mut self, n: usize, m: &str) {
        let m = m.trim();
        if m.is_empty() {
            return;
        }
        if let Some(a) = m.strip_prefix("<<").and_then(|x| x.strip_suffix(">>")) {
            self.g.nodes[n].annotation = Some(format!("«{}»", a.trim()));
            return;
        }
        let text = generic(m.trim_end_matches(['$', '*']));
        let k = usize::from(m.contains('('));
        self.g.nodes[n].sections[k].push(text);
    }
}

const LEFT: &[(&str, &str)] = &[
    ("<|", "triangle"),
    ("*", "diamond"),
    ("o", "diamond-open"),
    ("<", "open"),
];
const RIGHT: &[(&str, &str)] = &[
    ("|>", "triangle"),
    ("*", "diamond"),
    ("o", "diamond-open"),
    (">", "open"),
];

/// A relation operator: (byte start, byte end, start marker, end marker, dotted).
type Relation = (
    usize,
    usize,
    Option<&'static str>,
    Option<&'static str>,
    bool,
);

/// Finds a relation operator in `t`.
fn relation(t: &str) -> Option<Relation> {
    let b = t.as_bytes();
    let mut quoted = false;
    for i in 0..b.len().saturating_sub(1) {
        if b[i] == b'"' {
            quoted = !quoted;
        }
        if quoted {
            continue;
        }
        let line = match (b[i], b[i + 1]) {
            (b'-', b'-') => "--",
            (b'.', b'.') => "..",
            _ => continue,
        };
        let mut start = i;
        let mut lm = None;
        for (tok, m) in LEFT {
            if t[..i].ends_with(tok)
                && (tok.len() > 1 || t[..i - tok.len()].ends_with(' ') || i == tok.len())
            {
                start = i - tok.len();
                lm = Some(*m);
                break;
            }
        }
        let mut end = i + 2;
        let mut rm = None;
        for (tok, m) in RIGHT {
            if t[end..].starts_with(tok)
                && (tok.len() > 1
                    || t[end + tok.len()..].starts_with(' ')
                    || end + tok.len() == t.len())
            {
                end += tok.len();
                rm = Some(*m);
                break;
            }
        }
        return Some((start, end, lm, rm, line == ".."));
    }
    None
}

pub fn parse(stmts: &[Stmt]) -> Result<Graph> {
    let mut b = B {
        g: Graph {
            dir: Dir::TB,
            nodes: Vec::new(),
            edges: Vec::new(),
            clusters: Vec::new(),
        },
        ids: HashMap::new(),
    };
    let mut body: Option<(usize, usize)> = None; // (class, pos)
    for st in stmts.iter().skip(1) {
        let t = st.text;
        if let Some((n, _)) = body {
            if t == "}" {
                body = None;
            } else {
                b.member(n, t);
            }
            continue;
        }
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let rest = rest.trim();
        let rest_pos = st.pos + t.len() - rest.len();
        match word {
            "direction" => {
                b.g.dir = parse_dir(rest, rest_pos)?;
                continue;
            }
            "classDef" | "cssClass" | "style" | "click" | "callback" | "link" | "accTitle"
            | "accDescr" | "accTitle:" | "accDescr:" => continue,
            "namespace" => {
                return err(
                    st.pos,
                    "namespaces are not supported by corem's class diagrams",
                );
            }
            "class" => {
                let (decl, opens) = match rest.strip_suffix('{') {
                    Some(x) => (x.trim(), true),
                    None => (rest, false),
                };
                let decl = decl.split(":::").next().unwrap_or(decl).trim();
                let (name, label) = match decl.split_once('[') {
                    Some((n, l)) => (n.trim(), Some(label_text(unquote(l.trim_end_matches(']'))))),
                    None => (decl, None),
                };
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return err(rest_pos, "expected a class name (one word) after `class`");
                }
                let n = b.class(name);
                if let Some(l) = label {
                    b.g.nodes[n].label = l;
                }
                if opens {
                    body = Some((n, st.pos));
                }
                continue;
            }
            _ => {}
        }
        if word.eq_ignore_ascii_case("note") {
            let (target, text) = match rest.strip_prefix("for ") {
                Some(r) => {
                    let r = r.trim();
                    let (id, txt) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
                    (Some(id), txt)
                }
                None => (None, rest),
            };
            let n = b.g.nodes.len();
            b.g.nodes.push(Node {
                label: label_text(unquote(text)),
                shape: Shape::Rect,
                cluster: None,
                sections: Vec::new(),
                annotation: None,
                table: Vec::new(),
                style: Default::default(),
                link: None,
                sub: None,
            });
            if let Some(id) = target {
                let c = b.class(id);
                b.g.edges.push(Edge {
                    from: n,
                    to: c,
                    label: None,
                    stroke: Stroke::Dotted,
                    start: None,
                    end: None,
                    minlen: 1,
                    from_cluster: None,
                    to_cluster: None,
                    end_labels: (None, None),
                });
            }
            continue;
        }
        if let Some(a) = t.strip_prefix("<<") {
            let Some((ann, name)) = a.split_once(">>") else {
                return err(st.pos, "unclosed `<<` annotation");
            };
            let n = b.class(name.trim());
            b.g.nodes[n].annotation = Some(format!("«{}»", ann.trim()));
            continue;
        }
        if let Some((s, e, lm, rm, dotted)) = relation(t) {
            let (left, right) = (t[..s].trim(), t[e..].trim());
            let (right, label) = match right.split_once(':') {
                Some((r, l)) => (r.trim(), Some(label_text(l.trim()))),
                None => (right, None),
            };
            let card = |x: &str| -> (String, Option<String>) {
                // `A "1"` / `"*" B`
                if let Some(q) = x.find('"') {
                    let inner = &x[q + 1..];
                    if let Some(e) = inner.find('"') {
                        let c = inner[..e].to_string();
                        let rest = format!("{}{}", &x[..q], &inner[e + 1..]);
                        return (rest.trim().to_string(), Some(c));
                    }
                }
                (x.to_string(), None)
            };
            let (left, c1) = card(left);
            let (right, c2) = card(right);
            if left.is_empty() || left.contains(char::is_whitespace) {
                return err(
                    st.pos,
                    "a relation is `ClassA <|-- ClassB` (optionally `: label`)",
                );
            }
            if right.is_empty() || right.contains(char::is_whitespace) {
                return err(
                    st.pos + e,
                    "a relation needs a class name after the operator",
                );
            }
            let (f, to) = (b.class(&left), b.class(&right));
            let mut text = match (c1, c2) {
                (None, None) => String::new(),
                (a, z) => format!("{} → {}", a.unwrap_or_default(), z.unwrap_or_default())
                    .trim()
                    .to_string(),
            };
            if let Some(l) = label.filter(|l| !l.is_empty()) {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&l);
            }
            b.g.edges.push(Edge {
                from: f,
                to,
                label: (!text.is_empty()).then_some(text),
                stroke: if dotted {
                    Stroke::Dotted
                } else {
                    Stroke::Solid
                },
                start: lm,
                end: rm,
                minlen: 1,
                from_cluster: None,
                to_cluster: None,
                end_labels: (None, None),
            });
            continue;
        }
        if let Some((name, member)) = t.split_once(':') {
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return err(st.pos, "expected `ClassName : member`");
            }
            let n = b.class(name);
            b.member(n, member);
            continue;
        }
        if t.contains(char::is_whitespace) {
            return err(
                st.pos,
                format!(
                    "expected a class, a relation or a member, found `{}`",
                    t.chars().take(20).collect::<String>()
                ),
            );
        }
        b.class(t);
    }
    if let Some((_, p)) = body {
        return err(p, "class body without a closing `}`");
    }
    // Drop empty trailing compartments of classes without members.
    for n in &mut b.g.nodes {
        if n.shape == Shape::Class && n.sections.iter().all(Vec::is_empty) {
            n.sections.truncate(1);
        }
    }
    Ok(b.g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn parses_classes() {
        let src = "classDiagram\n class Animal {\n  <<interface>>\n  +String name\n  +eat() void\n }\n Animal <|-- Duck\n Duck \"1\" *-- \"many\" Egg : lays\n Duck : +swim()\n A ..> B\n";
        let g = parse(&statements(src, false)).unwrap();
        assert_eq!(g.nodes.len(), 5);
        assert_eq!(g.nodes[0].annotation.as_deref(), Some("«interface»"));
        assert_eq!(
            g.nodes[0].sections,
            vec![
                vec!["+String name".to_string()],
                vec!["+eat() void".to_string()]
            ]
        );
        assert_eq!(g.edges[0].start, Some("triangle"));
        assert_eq!(g.edges[1].start, Some("diamond"));
        assert_eq!(g.edges[1].label.as_deref(), Some("1 → many\nlays"));
        assert_eq!(g.edges[2].end, Some("open"));
        assert_eq!(g.edges[2].stroke, Stroke::Dotted);
        let e = parse(&statements("classDiagram\n class A {\n x\n", false)).unwrap_err();
        assert_eq!(e.pos, 14);
    }
}
