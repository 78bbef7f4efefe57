//! Mermaid state diagrams (`stateDiagram-v2`): states, `[*]` start and end, transitions with
//! labels, `state "Description" as Id`, `Id : description`, composite states `state X { … }`
//! (a box around their states, with their own `[*]`) split into concurrent regions by `--`,
//! `<<choice>>`, `<<fork>>`, `<<join>>`, notes (one line or a block up to `end note`),
//! `direction`, and styling (`classDef`, `class`, `:::`: dashes, weight and bold kept, colours
//! left to the theme). A transition to or from a composite state is drawn to its start or from
//! its end state (to its border when it has regions).

use std::collections::HashMap;

use super::flowchart::parse_dir;
use super::graph::{Cluster, Edge, Graph, Node, Shape, Stroke, Style};
use super::layout::Dir;
use super::lex::{Extras, Result, Stmt, err, label_text, unquote};

/// A state diagram being read.
struct B {
    g: Graph,
    ids: HashMap<String, usize>,
    /// Composite state id → cluster.
    composite: HashMap<String, usize>,
    /// Per scope (None = root): start and end nodes.
    starts: HashMap<Option<usize>, usize>,
    ends: HashMap<Option<usize>, usize>,
    described: HashMap<usize, bool>,
    /// Open composite states: (cluster, position, current region).
    scope: Vec<(usize, usize, Option<usize>)>,
    /// A note block being filled (`note left of X` … `end note`).
    in_note: Option<usize>,
    class_defs: HashMap<String, Style>,
    /// (state id, class name).
    classes: Vec<(String, String)>,
}

/// Parses a state diagram; `stmts[0]` holds the header.
pub fn parse(stmts: &[Stmt]) -> Result<(Graph, Extras)> {
    let mut b = B {
        g: Graph::new(Dir::TB),
        ids: HashMap::new(),
        composite: HashMap::new(),
        starts: HashMap::new(),
        ends: HashMap::new(),
        described: HashMap::new(),
        scope: Vec::new(),
        in_note: None,
        class_defs: HashMap::new(),
        classes: Vec::new(),
    };
    for st in stmts.iter().skip(1) {
        b.statement(st)?;
    }
    if let Some(&(_, p, _)) = b.scope.last() {
        return err(p, "composite state without a closing `}`");
    }
    if b.in_note.is_some() {
        return err(stmts.last().map_or(0, |s| s.pos), "note without `end note`");
    }
    b.apply_styles();
    b.forward_composites();
    b.unused_terminals();
    for c in 0..b.g.clusters.len() {
        let used = b.g.nodes.iter().any(|n| n.cluster == Some(c))
            || b.g.clusters.iter().any(|d| d.parent == Some(c));
        if !used {
            b.g.nodes
                .push(Node::new(String::new(), Shape::Hidden, Some(c)));
        }
    }
    Ok((b.g, Extras::default()))
}

impl B {
    /// The innermost open scope: a region of a composite state, or the composite itself.
    fn cur(&self) -> Option<usize> {
        self.scope.last().map(|s| s.2.unwrap_or(s.0))
    }

    fn state(&mut self, id: &str, scope: Option<usize>) -> usize {
        if let Some(&n) = self.ids.get(id) {
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node::new(id, Shape::Round, scope));
        self.ids.insert(id.to_string(), n);
        n
    }

    fn terminal(&mut self, scope: Option<usize>, start: bool) -> usize {
        let map = if start { &self.starts } else { &self.ends };
        if let Some(&n) = map.get(&scope) {
            return n;
        }
        let n = self.g.nodes.len();
        self.g.nodes.push(Node::new(
            String::new(),
            if start { Shape::Start } else { Shape::End },
            scope,
        ));
        if start {
            self.starts.insert(scope, n);
        } else {
            self.ends.insert(scope, n);
        }
        n
    }

    /// The node a transition endpoint means: `[*]`, a state, or a composite's start/end; and
    /// the composite whose border the transition meets when it has regions.
    fn endpoint(
        &mut self,
        id: &str,
        scope: Option<usize>,
        is_source: bool,
    ) -> (usize, Option<usize>) {
        if id == "[*]" {
            return (self.terminal(scope, is_source), None);
        }
        if let Some(&c) = self.composite.get(id) {
            let region = self
                .g
                .clusters
                .iter()
                .position(|r| r.region && r.parent == Some(c));
            return match region {
                Some(r) => (self.terminal(Some(r), !is_source), Some(c)),
                None => (self.terminal(Some(c), !is_source), None),
            };
        }
        (self.state(id, scope), None)
    }

    /// One statement.
    fn statement(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        if let Some(p) = self.in_note {
            if t == "end note" {
                self.in_note = None;
            } else {
                let node = &mut self.g.nodes[p];
                if !node.label.is_empty() {
                    node.label.push('\n');
                }
                node.label.push_str(&label_text(t));
            }
            return Ok(());
        }
        if t == "}" {
            if self.scope.pop().is_none() {
                return err(st.pos, "`}` without an open composite state");
            }
            return Ok(());
        }
        if t == "--" || t == "||" {
            return self.region(st.pos);
        }
        let (word, rest, rest_pos) = st.split_word();
        match word {
            "direction" => {
                let d = parse_dir(rest, rest_pos)?;
                match self.scope.last() {
                    Some(&(c, _, _)) => self.g.clusters[c].dir = Some(d),
                    None => self.g.dir = d,
                }
                return Ok(());
            }
            "classDef" => {
                return super::flowchart::define_classes(rest, rest_pos, &mut self.class_defs);
            }
            "class" => {
                if let Some((ids, class)) = rest.rsplit_once(char::is_whitespace) {
                    for id in ids.split(',') {
                        self.classes
                            .push((id.trim().to_string(), class.to_string()));
                    }
                }
                return Ok(());
            }
            "style" | "accTitle" | "accDescr" | "accTitle:" | "accDescr:" | "hide" | "scale" => {
                return Ok(());
            }
            "state" => return self.state_decl(st, rest, rest_pos),
            _ => {}
        }
        if word.eq_ignore_ascii_case("note") {
            return self.note(rest, rest_pos);
        }
        self.transition_or_state(st)
    }

    /// `--` inside a composite state: the states so far form its first region; a new one opens.
    fn region(&mut self, pos: usize) -> Result<()> {
        let Some(&(c, _, region)) = self.scope.last() else {
            return err(
                pos,
                "`--` separates concurrent regions inside a composite state `state X { … }`",
            );
        };
        if region.is_none() {
            // The first region takes what was declared so far.
            let r = self.g.clusters.len();
            let mut cl = Cluster::new(String::new(), Some(c));
            cl.region = true;
            self.g.clusters.push(cl);
            for n in &mut self.g.nodes {
                if n.cluster == Some(c) {
                    n.cluster = Some(r);
                }
            }
            for d in 0..r {
                if self.g.clusters[d].parent == Some(c) && d != r {
                    self.g.clusters[d].parent = Some(r);
                }
            }
            for map in [&mut self.starts, &mut self.ends] {
                if let Some(n) = map.remove(&Some(c)) {
                    map.insert(Some(r), n);
                }
            }
        }
        let r = self.g.clusters.len();
        let mut cl = Cluster::new(String::new(), Some(c));
        cl.region = true;
        self.g.clusters.push(cl);
        if let Some(s) = self.scope.last_mut() {
            s.2 = Some(r);
        }
        Ok(())
    }

    /// `state Id`, `state "Description" as Id`, `state Id <<choice>>`, `state Id {`.
    fn state_decl(&mut self, st: &Stmt, rest: &str, rest_pos: usize) -> Result<()> {
        let cur = self.cur();
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
        let (id, class) = match id.split_once(":::") {
            Some((i, c)) => (i.trim().to_string(), Some(c.trim().to_string())),
            None => (id, None),
        };
        if let Some(c) = class {
            self.classes.push((id.clone(), c));
        }
        if id.is_empty() || id.contains(char::is_whitespace) {
            return err(rest_pos, "expected a state id (one word) after `state`");
        }
        if opens {
            super::budget::depth_within(self.scope.len() + 1, st.pos)?;
            let c = self.g.clusters.len();
            self.g
                .clusters
                .push(Cluster::new(label.unwrap_or_else(|| id.clone()), cur));
            self.composite.insert(id, c);
            self.scope.push((c, st.pos, None));
            return Ok(());
        }
        let n = self.state(&id, cur);
        if let Some(l) = label {
            self.g.nodes[n].label = l;
        }
        match kind.as_deref() {
            Some("choice") => {
                self.g.nodes[n].shape = Shape::Diamond;
                self.g.nodes[n].label = String::new();
            }
            Some("fork" | "join") => self.g.nodes[n].shape = Shape::Bar,
            Some(k) => {
                return err(
                    rest_pos,
                    format!("unknown state kind `<<{k}>>`; use choice, fork or join"),
                );
            }
            None => {}
        }
        Ok(())
    }

    /// `note left of State : text`, or a block up to `end note`.
    fn note(&mut self, rest: &str, rest_pos: usize) -> Result<()> {
        let cur = self.cur();
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
        let target = self.state(who, cur);
        let n = self.g.nodes.len();
        self.g.nodes.push(Node::new(
            text.map(label_text).unwrap_or_default(),
            Shape::Rect,
            cur,
        ));
        let mut e = Edge::new(target, n);
        e.stroke = Stroke::Dotted;
        self.g.edges.push(e);
        if text.is_none() {
            self.in_note = Some(n);
        }
        Ok(())
    }

    /// A transition `A --> B : label`, or `A : description`, or a bare state.
    fn transition_or_state(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        let cur = self.cur();
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
            let from = self.strip_class(from);
            let to = self.strip_class(to);
            for (name, at) in [(from.as_str(), st.pos), (to.as_str(), st.pos + k + 3)] {
                if name != "[*]" && name.contains(char::is_whitespace) {
                    return err(
                        at,
                        format!(
                            "`{name}` is not a state id: ids are one word; use `state \"{name}\" as Id`"
                        ),
                    );
                }
            }
            let (f, fc) = self.endpoint(&from, cur, true);
            let (tt, tc) = self.endpoint(&to, cur, false);
            let mut e = Edge::new(f, tt);
            e.label = label.filter(|l| !l.is_empty());
            e.end = Some("arrow");
            e.from_cluster = fc;
            e.to_cluster = tc;
            self.g.edges.push(e);
            return Ok(());
        }
        if !t.contains(char::is_whitespace) && t.contains(":::") {
            let id = self.strip_class(t);
            self.state(&id, cur);
            return Ok(());
        }
        if let Some((id, desc)) = t.split_once(':') {
            let id = id.trim();
            if id.is_empty() || id.contains(char::is_whitespace) {
                return err(st.pos, "expected `StateId : description`");
            }
            let n = self.state(id, cur);
            let desc = label_text(desc.trim());
            let first = !self.described.contains_key(&n);
            self.described.insert(n, true);
            let node = &mut self.g.nodes[n];
            if first && node.label == id {
                node.label = format!("{id}\n{desc}");
            } else {
                node.label.push('\n');
                node.label.push_str(&desc);
            }
            return Ok(());
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
        let id = self.strip_class(t);
        self.state(&id, cur);
        Ok(())
    }

    /// A state used in a transition before `state Id { … }` declared it composite: its
    /// transitions go to the composite instead (as they would have after the declaration), and
    /// the plain state made by that first use is removed.
    fn forward_composites(&mut self) {
        let stale: Vec<(usize, usize)> = self
            .composite
            .iter()
            .filter_map(|(id, &c)| self.ids.get(id).map(|&n| (n, c)))
            .collect();
        if stale.is_empty() {
            return;
        }
        for &(n, c) in &stale {
            // `Id : description` written for the composite: its box shows the description.
            if let Some((_, desc)) = self.g.nodes[n].label.split_once('\n') {
                self.g.clusters[c].title = desc.replace('\n', " ");
            }
            let region = self
                .g
                .clusters
                .iter()
                .position(|r| r.region && r.parent == Some(c));
            let scope = Some(region.unwrap_or(c));
            for k in 0..self.g.edges.len() {
                if self.g.edges[k].to == n {
                    let t = self.terminal(scope, true);
                    let e = &mut self.g.edges[k];
                    e.to = t;
                    e.to_cluster = region.map(|_| c);
                }
                if self.g.edges[k].from == n {
                    let t = self.terminal(scope, false);
                    let e = &mut self.g.edges[k];
                    e.from = t;
                    e.from_cluster = region.map(|_| c);
                }
            }
        }
        let gone: Vec<usize> = stale.iter().map(|s| s.0).collect();
        self.remove_nodes(&gone);
    }

    /// A transition to a composite state goes to its start (from it, from its end); when the
    /// composite has no transition of its own from that start (or to that end), the transition
    /// meets the composite's border instead and the idle start (end) state is removed.
    fn unused_terminals(&mut self) {
        let mut gone = Vec::new();
        for c in 0..self.g.clusters.len() {
            let members: Vec<usize> = (0..self.g.nodes.len())
                .filter(|&n| self.within(n, c) && self.g.nodes[n].shape != Shape::Hidden)
                .collect();
            for start in [true, false] {
                let map = if start { &self.starts } else { &self.ends };
                let Some(&t) = map.get(&Some(c)) else {
                    continue;
                };
                let inner = self.g.edges.iter().any(|e| {
                    let (own, other) = if start {
                        (e.from, e.to)
                    } else {
                        (e.to, e.from)
                    };
                    own == t && self.within(other, c)
                });
                let Some(&rep) = members.iter().find(|&&n| n != t && !gone.contains(&n)) else {
                    continue;
                };
                if inner {
                    continue;
                }
                for e in &mut self.g.edges {
                    if start && e.to == t {
                        e.to = rep;
                        e.to_cluster = Some(c);
                    }
                    if !start && e.from == t {
                        e.from = rep;
                        e.from_cluster = Some(c);
                    }
                }
                gone.push(t);
            }
        }
        self.remove_nodes(&gone);
    }

    /// Removes nodes, renumbering the others in the edges and the name tables.
    fn remove_nodes(&mut self, gone: &[usize]) {
        if gone.is_empty() {
            return;
        }
        let mut map = vec![usize::MAX; self.g.nodes.len()];
        let mut kept = Vec::with_capacity(self.g.nodes.len());
        for (i, node) in std::mem::take(&mut self.g.nodes).into_iter().enumerate() {
            if !gone.contains(&i) {
                map[i] = kept.len();
                kept.push(node);
            }
        }
        self.g.nodes = kept;
        for e in &mut self.g.edges {
            e.from = map[e.from];
            e.to = map[e.to];
        }
        self.g
            .edges
            .retain(|e| e.from != usize::MAX && e.to != usize::MAX);
        for m in [&mut self.starts, &mut self.ends] {
            m.retain(|_, n| map[*n] != usize::MAX);
            for n in m.values_mut() {
                *n = map[*n];
            }
        }
        self.ids.retain(|_, n| map[*n] != usize::MAX);
        for n in self.ids.values_mut() {
            *n = map[*n];
        }
    }

    /// Whether node `n` lies inside cluster `c` (at any depth).
    fn within(&self, n: usize, c: usize) -> bool {
        let mut cur = self.g.nodes[n].cluster;
        while let Some(x) = cur {
            if x == c {
                return true;
            }
            cur = self.g.clusters[x].parent;
        }
        false
    }

    /// `Id:::class` → `Id`, remembering the class.
    fn strip_class(&mut self, s: &str) -> String {
        match s.split_once(":::") {
            Some((id, c)) => {
                self.classes
                    .push((id.trim().to_string(), c.trim().to_string()));
                id.trim().to_string()
            }
            None => s.to_string(),
        }
    }

    fn apply_styles(&mut self) {
        super::graph::apply_classes(
            &mut self.g.nodes,
            &self.ids,
            &self.class_defs,
            &self.classes,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn parses_states() {
        let src = "stateDiagram-v2\n [*] --> Closed\n Closed --> Open: failures\n Open --> [*]\n state C {\n  [*] --> X\n }\n Open --> C\n";
        let (g, _) = parse(&statements(src, false)).unwrap();
        assert_eq!(g.clusters.len(), 1);
        assert_eq!(g.edges.len(), 5);
        assert_eq!(g.edges[1].label.as_deref(), Some("failures"));
        assert_eq!(g.nodes[g.edges[0].from].shape, Shape::Start);
        let src = "stateDiagram-v2\n A --> B\n state X {\n A --> B\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 5], "state");
    }

    #[test]
    fn concurrent_regions_and_classes() {
        let src = "stateDiagram-v2\n [*] --> Active\n state Active {\n  [*] --> NumLockOff\n  NumLockOff --> NumLockOn : EvNumLockPressed\n  --\n  [*] --> CapsLockOff\n  CapsLockOff --> CapsLockOn\n }\n classDef bad stroke-dasharray: 4 2\n class NumLockOn bad\n Moving:::bad --> Still\n";
        let (g, _) = parse(&statements(src, false)).unwrap();
        let regions: Vec<usize> = (0..g.clusters.len())
            .filter(|&c| g.clusters[c].region)
            .collect();
        assert_eq!(regions.len(), 2);
        let off = g
            .nodes
            .iter()
            .position(|n| n.label == "NumLockOff")
            .unwrap();
        let caps = g
            .nodes
            .iter()
            .position(|n| n.label == "CapsLockOff")
            .unwrap();
        assert_eq!(g.nodes[off].cluster, Some(regions[0]));
        assert_eq!(g.nodes[caps].cluster, Some(regions[1]));
        // The transition into the composite meets its border.
        assert_eq!(g.edges[0].to_cluster, Some(0));
        let on = g.nodes.iter().position(|n| n.label == "NumLockOn").unwrap();
        assert!(g.nodes[on].style.dashed);
        let moving = g.nodes.iter().position(|n| n.label == "Moving").unwrap();
        assert!(g.nodes[moving].style.dashed);
        let e = parse(&statements("stateDiagram-v2\n A --> B\n --\n", false)).unwrap_err();
        assert!(e.message.contains("composite"), "{}", e.message);
    }
}
