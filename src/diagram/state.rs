//! Mermaid state diagrams (`stateDiagram-v2`): states, `[*]` start and end, transitions with
//! labels, `state "Description" as Id`, `Id : description`, composite states `state X { … }`
//! (drawn as a box around their states, with their own `[*]`), `<<choice>>`, `<<fork>>`,
//! `<<join>>`, one-line notes, `direction`. A transition to or from a composite state is drawn
//! to its start or from its end state. Concurrent regions (`--`) are not supported.

use std::collections::HashMap;

use super::flowchart::parse_dir;
use super::graph::{Cluster, Edge, Graph, Node, Shape, Stroke};
use super::layout::Dir;
use super::lex::{Result, Stmt, err, label_text, unquote};

struct B {
    g: Graph,
    ids: HashMap<String, usize>,
    /// Composite state id → cluster.
    composite: HashMap<String, usize>,
    /// Per scope (None = root): start and end nodes.
    starts: HashMap<Option<usize>, usize>,
    ends: HashMap<Option<usize>, usize>,
    described: HashMap<usize, bool>,
}

impl B {
    fn state(&mut self, id: &str, scope: Option<usize>) -> usize {
        if let Some(&n) = self.ids.get(id) {
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node {
            label: id.to_string(),
            shape: Shape::Round,
            cluster: scope,
            sections: Vec::new(),
            annotation: None,
            table: Vec::new(),
            style: Default::default(),
            link: None,
            sub: None,
        });
        self.ids.insert(id.to_string(), n);
        n
    }

    fn terminal(&mut self, scope: Option<usize>, start: bool) -> usize {
        let map = if start { &self.starts } else { &self.ends };
        if let Some(&n) = map.get(&scope) {
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node {
            label: String::new(),
            shape: if start { Shape::Start } else { Shape::End },
            cluster: scope,
            sections: Vec::new(),
            annotation: None,
            table: Vec::new(),
            style: Default::default(),
            link: None,
            sub: None,
        });
        if start {
            self.starts.insert(scope, n);
        } else {
            self.ends.insert(scope, n);
        }
        n
    }

    /// The node a transition endpoint means: `[*]`, a state, or a composite's start/end.
    fn endpoint(&mut self, id: &str, scope: Option<usize>, is_source: bool) -> usize {
        if id == "[*]" {
            return self.terminal(scope, is_source);
        }
        if let Some(&c) = self.composite.get(id) {
            return if is_source {
                self.terminal(Some(c), false)
            } else {
                self.terminal(Some(c), true)
            };
        }
        self.state(id, scope)
    }
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
        composite: HashMap::new(),
        starts: HashMap::new(),
        ends: HashMap::new(),
        described: HashMap::new(),
    };
    let mut scope: Vec<(usize, usize)> = Vec::new(); // (cluster, pos)
    let mut in_note: Option<usize> = None;
    for st in stmts.iter().skip(1) {
        let t = st.text;
        let cur = scope.last().map(|s| s.0);
        if let Some(p) = in_note {
            if t == "end note" {
                in_note = None;
            } else {
                let node = &mut b.g.nodes[p];
                if !node.label.is_empty() {
                    node.label.push('\n');
                }
                node.label.push_str(&label_text(t));
            }
            continue;
        }
        if t == "}" {
            if scope.pop().is_none() {
                return err(st.pos, "`}` without an open composite state");
            }
            continue;
        }
        if t == "--" {
            return err(
                st.pos,
                "concurrent regions (`--`) are not supported by corem's state diagrams",
            );
        }
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let rest = rest.trim();
        let rest_pos = st.pos + t.len() - rest.len();
        match word {
            "direction" => {
                b.g.dir = parse_dir(rest, rest_pos)?;
                continue;
            }
            "classDef" | "class" | "style" | "accTitle" | "accDescr" | "accTitle:"
            | "accDescr:" => continue,
            "state" => {
                let (body, opens) = match rest.strip_suffix('{') {
                    Some(x) => (x.trim(), true),
                    None => (rest, false),
                };
                let (id, label) = if let Some(q) = body.strip_prefix('"') {
                    let Some(e) = q.find('"') else {
                        return err(rest_pos, "unclosed `\"` in a state description");
                    };
                    let label = label_text(&q[..e]);
                    let Some(id) = q[e + 1..].trim().strip_prefix("as ") else {
                        return err(rest_pos, "expected `state \"Description\" as Id`");
                    };
                    (id.trim().to_string(), Some(label))
                } else if let Some((id, label)) = body.split_once(" as ") {
                    // `state Id as "Description"` is not Mermaid, but be kind.
                    (id.trim().to_string(), Some(label_text(unquote(label))))
                } else {
                    (body.to_string(), None)
                };
                let (id, kind) = match id.split_once("<<") {
                    Some((i, k)) => (
                        i.trim().to_string(),
                        Some(k.trim_end_matches(">>").trim().to_string()),
                    ),
                    None => (id, None),
                };
                if id.is_empty() || id.contains(char::is_whitespace) {
                    return err(rest_pos, "expected a state id (one word) after `state`");
                }
                if opens {
                    let c = b.g.clusters.len();
                    b.g.clusters.push(Cluster {
                        title: label.unwrap_or_else(|| id.clone()),
                        parent: cur,
                        dir: None,
                        region: false,
                    });
                    b.composite.insert(id, c);
                    scope.push((c, st.pos));
                    continue;
                }
                let n = b.state(&id, cur);
                if let Some(l) = label {
                    b.g.nodes[n].label = l;
                }
                match kind.as_deref() {
                    Some("choice") => {
                        b.g.nodes[n].shape = Shape::Diamond;
                        b.g.nodes[n].label = String::new();
                    }
                    Some("fork" | "join") => b.g.nodes[n].shape = Shape::Bar,
                    Some(k) => {
                        return err(
                            rest_pos,
                            format!("unknown state kind `<<{k}>>`; use choice, fork or join"),
                        );
                    }
                    None => {}
                }
                continue;
            }
            _ => {}
        }
        if word.eq_ignore_ascii_case("note") {
            let lower = rest.to_ascii_lowercase();
            let after = if lower.starts_with("left of") {
                &rest[7..]
            } else if lower.starts_with("right of") {
                &rest[8..]
            } else {
                return err(
                    rest_pos,
                    "a note is `note left of State : text` or `note right of State : text`",
                );
            };
            let (who, text) = match after.split_once(':') {
                Some((w, x)) => (w.trim(), Some(x.trim())),
                None => (after.trim(), None),
            };
            let target = b.state(who, cur);
            let n = b.g.nodes.len();
            b.g.nodes.push(Node {
                label: text.map(label_text).unwrap_or_default(),
                shape: Shape::Rect,
                cluster: cur,
                sections: Vec::new(),
                annotation: None,
                table: Vec::new(),
                style: Default::default(),
                link: None,
                sub: None,
            });
            b.g.edges.push(Edge {
                from: target,
                to: n,
                label: None,
                stroke: Stroke::Dotted,
                start: None,
                end: None,
                minlen: 1,
                from_cluster: None,
                to_cluster: None,
                end_labels: (None, None),
            });
            if text.is_none() {
                in_note = Some(n);
            }
            continue;
        }
        // A transition `A --> B : label`, or `A : description`, or a bare state.
        if let Some(k) = t.find("-->") {
            let from = t[..k].trim();
            let after = &t[k + 3..];
            let (to, label) = match after.split_once(':') {
                Some((a, l)) => (a.trim(), Some(label_text(l.trim()))),
                None => (after.trim(), None),
            };
            if from.is_empty() || to.is_empty() {
                return err(
                    if from.is_empty() {
                        st.pos
                    } else {
                        st.pos + k + 3
                    },
                    "a transition is `A --> B` (optionally `: label`)",
                );
            }
            for (name, at) in [(from, st.pos), (to, st.pos + k + 3)] {
                if name != "[*]" && name.contains(char::is_whitespace) {
                    return err(
                        at,
                        format!(
                            "`{name}` is not a state id: ids are one word; use `state \"{name}\" as Id`"
                        ),
                    );
                }
            }
            let f = b.endpoint(from, cur, true);
            let tt = b.endpoint(to, cur, false);
            b.g.edges.push(Edge {
                from: f,
                to: tt,
                label: label.filter(|l| !l.is_empty()),
                stroke: Stroke::Solid,
                start: None,
                end: Some("arrow"),
                minlen: 1,
                from_cluster: None,
                to_cluster: None,
                end_labels: (None, None),
            });
            continue;
        }
        if let Some((id, desc)) = t.split_once(':') {
            let id = id.trim();
            if id.is_empty() || id.contains(char::is_whitespace) {
                return err(st.pos, "expected `StateId : description`");
            }
            let n = b.state(id, cur);
            let desc = label_text(desc.trim());
            let first = !b.described.contains_key(&n);
            b.described.insert(n, true);
            let node = &mut b.g.nodes[n];
            if first && node.label == id {
                node.label = format!("{id}\n{desc}");
            } else {
                node.label.push('\n');
                node.label.push_str(&desc);
            }
            continue;
        }
        if t.contains(char::is_whitespace) {
            return err(
                st.pos,
                format!(
                    "expected a transition `A --> B`, a `state` or a note, found `{}`",
                    t.chars().take(20).collect::<String>()
                ),
            );
        }
        b.state(t, cur);
    }
    if let Some(&(_, p)) = scope.last() {
        return err(p, "composite state without a closing `}`");
    }
    if in_note.is_some() {
        return err(stmts.last().map_or(0, |s| s.pos), "note without `end note`");
    }
    Ok(b.g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn parses_states() {
        let src = "stateDiagram-v2\n [*] --> Closed\n Closed --> Open: failures\n Open --> [*]\n state C {\n  [*] --> X\n }\n Open --> C\n";
        let g = parse(&statements(src, false)).unwrap();
        assert_eq!(g.clusters.len(), 1);
        assert_eq!(g.edges.len(), 5);
        assert_eq!(g.edges[1].label.as_deref(), Some("failures"));
        assert_eq!(g.nodes[g.edges[0].from].shape, Shape::Start);
        let src = "stateDiagram-v2\n A --> B\n state X {\n A --> B\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 5], "state");
    }
}
