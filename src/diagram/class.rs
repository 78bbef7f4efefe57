//! Mermaid class diagrams: classes with members (`class A { +f: int; +m() }`, `A : +f`), labels
//! (`class A["Label"]`), generics (`~T~`, nested `List~List~int~~`), annotations
//! (`<<interface>>`), namespaces (`namespace N { … }`, drawn as a box around their classes),
//! relations (`<|--`, `*--`, `o--`, `-->`, `--`, `..>`, `..|>`, `..`, lollipops `()--`, in either
//! direction or both) with labels and cardinalities, notes, `direction`, `click`/`link` to a
//! page, and styling (`classDef`, `cssClass`, `:::`: dashes, weight and bold kept).
//! Cardinalities are shown in the relation's label (`1 → *`), so they get room like any label.
//! Abstract members (`*`) are set in italics.

use std::collections::HashMap;

use super::flowchart::{define_classes, parse_dir};
use super::graph::{Cluster, Edge, Graph, Node, Shape, Stroke, Style};
use super::layout::Dir;
use super::lex::{Extras, Result, Stmt, err, label_text, unquote};
use super::svg::ITALIC;

/// A class diagram being read.
struct B {
    g: Graph,
    ids: HashMap<String, usize>,
    /// Open namespaces (cluster, position).
    namespaces: Vec<(usize, usize)>,
    /// The class whose `{ … }` body is being read, with where it opened.
    body: Option<(usize, usize)>,
    class_defs: HashMap<String, Style>,
    classes: Vec<(String, String)>,
    extras: Extras,
}

/// `List~int~` → `List<int>`, `List~List~int~~` → `List<List<int>>`: a `~` followed by a
/// type opens, any other closes.
fn generic(s: &str) -> String {
    let mut out = String::new();
    let mut open = 0usize;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        let next = chars.peek().copied();
        if open > 0 && !next.is_some_and(|n| n.is_alphanumeric() || n == '_') {
            out.push('>');
            open -= 1;
        } else {
            out.push('<');
            open += 1;
        }
    }
    out
}

/// Parses a class diagram; `stmts[0]` holds the header.
pub fn parse(stmts: &[Stmt]) -> Result<(Graph, Extras)> {
    let mut b = B {
        g: Graph::new(Dir::TB),
        ids: HashMap::new(),
        namespaces: Vec::new(),
        body: None,
        class_defs: HashMap::new(),
        classes: Vec::new(),
        extras: Extras::default(),
    };
    for st in stmts.iter().skip(1) {
        b.statement(st)?;
    }
    if let Some((_, p)) = b.body {
        return err(p, "class body without a closing `}`");
    }
    if let Some(&(_, p)) = b.namespaces.last() {
        return err(p, "namespace without a closing `}`");
    }
    b.apply_styles();
    // Drop empty trailing compartments of classes without members.
    for n in &mut b.g.nodes {
        if n.shape == Shape::Class && n.sections.iter().all(Vec::is_empty) {
            n.sections.truncate(1);
        }
    }
    Ok((b.g, b.extras))
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
        let mut node = Node::new(
            generic(raw.trim()),
            Shape::Class,
            self.namespaces.last().map(|x| x.0),
        );
        node.sections = vec![Vec::new(), Vec::new()];
        self.g.nodes.push(node);
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
        // Classifiers: `*` abstract, `$` static, at the end or right after `()`.
        let mut abstract_ = m.ends_with('*');
        let mut m = m.trim_end_matches(['$', '*']).to_string();
        let k = usize::from(m.contains('('));
        if let Some(k) = m.find(")*").or_else(|| m.find(")$")) {
            abstract_ |= m[k + 1..].starts_with('*');
            m.remove(k + 1);
        }
        // A leading `~` is the package visibility, not a generic.
        let mut text = match m.strip_prefix('~') {
            Some(rest) => format!("~{}", generic(rest)),
            None => generic(&m),
        };
        if abstract_ {
            text = format!("{ITALIC}{text}{ITALIC}");
        }
        self.g.nodes[n].sections[k].push(text);
    }

    /// One statement.
    fn statement(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        if let Some((n, _)) = self.body {
            if t == "}" {
                self.body = None;
            } else {
                self.member(n, t);
            }
            return Ok(());
        }
        if t == "}" {
            if self.namespaces.pop().is_none() {
                return err(st.pos, "`}` without an open namespace or class");
            }
            return Ok(());
        }
        let (word, rest, rest_pos) = st.split_word();
        if self.keyword(st, word, rest, rest_pos)? {
            return Ok(());
        }
        if word.eq_ignore_ascii_case("note") {
            self.note(rest);
            return Ok(());
        }
        self.class_statement(st)
    }

    /// A statement that starts with a keyword (`direction`, `classDef`, `cssClass`, `click`,
    /// `namespace`, `class` …), `rest` at `rest_pos` following it; false when `word` is none.
    fn keyword(&mut self, st: &Stmt, word: &str, rest: &str, rest_pos: usize) -> Result<bool> {
        match word {
            "direction" => self.g.dir = parse_dir(rest, rest_pos)?,
            "classDef" => define_classes(rest, rest_pos, &mut self.class_defs)?,
            "cssClass" => {
                // `cssClass "A,B" name`
                if let Some((ids, class)) = rest.rsplit_once(char::is_whitespace) {
                    for id in unquote(ids).split(',') {
                        self.classes
                            .push((id.trim().to_string(), class.to_string()));
                    }
                }
            }
            "click" | "link" | "callback" => self.click(word, rest, rest_pos)?,
            "style" | "accTitle" | "accDescr" | "accTitle:" | "accDescr:" => {}
            "namespace" => self.namespace(st, rest, rest_pos)?,
            "class" => self.class_decl(st, rest, rest_pos)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `namespace Name {`: opens a box around the classes declared up to its `}`.
    fn namespace(&mut self, st: &Stmt, rest: &str, rest_pos: usize) -> Result<()> {
        let name = rest.trim_end_matches('{').trim();
        if name.is_empty() {
            return err(rest_pos, "`namespace` needs a name: `namespace Name { … }`");
        }
        super::budget::depth_within(self.namespaces.len() + 1, st.pos)?;
        let c = self.g.clusters.len();
        self.g.clusters.push(Cluster::new(
            label_text(name),
            self.namespaces.last().map(|x| x.0),
        ));
        self.namespaces.push((c, st.pos));
        Ok(())
    }

    /// A statement about classes without a keyword: `<<interface>> Name`, a relation, a member
    /// (`Name : +field`), or a bare class name (`Name`, `Name:::css`).
    fn class_statement(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        if let Some(a) = t.strip_prefix("<<") {
            let Some((ann, name)) = a.split_once(">>") else {
                return err(st.pos, "unclosed `<<` annotation");
            };
            let n = self.class(name.trim());
            self.g.nodes[n].annotation = Some(format!("«{}»", ann.trim()));
            return Ok(());
        }
        if let Some(r) = relation(t) {
            return self.relation(st, r);
        }
        if let Some((name, member)) = t.split_once(':')
            && !name.ends_with(':')
        {
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return err(st.pos, "expected `ClassName : member`");
            }
            let n = self.class(name);
            self.member(n, member);
            return Ok(());
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
        let name = self.strip_class(t);
        self.class(&name);
        Ok(())
    }

    /// `Name:::css` → `Name`, remembering the class.
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

    /// `class A`, `class A["Label"]`, `class A~T~ {`, `class A:::css`.
    fn class_decl(&mut self, st: &Stmt, rest: &str, rest_pos: usize) -> Result<()> {
        let (decl, opens) = match rest.strip_suffix('{') {
            Some(x) => (x.trim(), true),
            None => (rest, false),
        };
        let decl = self.strip_class(decl);
        let (name, label) = match decl.split_once('[') {
            Some((n, l)) => (
                n.trim().to_string(),
                Some(label_text(unquote(l.trim_end_matches(']')))),
            ),
            None => (decl.clone(), None),
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return err(rest_pos, "expected a class name (one word) after `class`");
        }
        let n = self.class(&name);
        if let Some(l) = label {
            self.g.nodes[n].label = l;
        }
        if opens {
            self.body = Some((n, st.pos));
        }
        Ok(())
    }

    /// `note "text"` or `note for Class "text"`.
    fn note(&mut self, rest: &str) {
        let (target, text) = match rest.strip_prefix("for ") {
            Some(r) => {
                let r = r.trim();
                let (id, txt) = r.split_once(char::is_whitespace).unwrap_or((r, ""));
                (Some(id), txt)
            }
            None => (None, rest),
        };
        let n = self.g.nodes.len();
        self.g.nodes.push(Node::new(
            label_text(unquote(text)),
            Shape::Rect,
            self.namespaces.last().map(|x| x.0),
        ));
        if let Some(id) = target {
            let c = self.class(id);
            let mut e = Edge::new(n, c);
            e.stroke = Stroke::Dotted;
            self.g.edges.push(e);
        }
    }

    /// `click A href "url" ["tooltip"]`, `link A "url"`: a link; `callback` / `call`: left out.
    fn click(&mut self, word: &str, rest: &str, rest_pos: usize) -> Result<()> {
        let (id, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let after = after.trim();
        let after = after.strip_prefix("href").map_or(after, str::trim_start);
        let apos = rest_pos + rest.len() - after.len();
        let Some(q) = after.strip_prefix('"').filter(|_| word != "callback") else {
            self.extras.warn(
                rest_pos,
                "a callback runs JavaScript; corem's diagrams carry no scripts, so it is left out",
            );
            return Ok(());
        };
        let Some(e) = q.find('"') else {
            return err(apos, "unclosed `\"` in a link");
        };
        let url = q[..e].trim();
        if url.to_ascii_lowercase().starts_with("javascript:") {
            self.extras
                .warn(apos, "a `javascript:` link is a script; it is left out");
            return Ok(());
        }
        let n = self.class(id);
        self.g.nodes[n].link = Some(self.extras.link(url, apos + 1));
        Ok(())
    }

    fn relation(&mut self, st: &Stmt, (s, e, lm, rm, dotted): Relation) -> Result<()> {
        let t = st.text;
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
        let left = self.strip_class(&left);
        let right = self.strip_class(&right);
        let (f, to) = (self.class(&left), self.class(&right));
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
        let mut edge = Edge::new(f, to);
        edge.label = (!text.is_empty()).then_some(text);
        edge.stroke = if dotted {
            Stroke::Dotted
        } else {
            Stroke::Solid
        };
        edge.start = lm;
        edge.end = rm;
        self.g.edges.push(edge);
        Ok(())
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

const LEFT: &[(&str, &str)] = &[
    ("<|", "triangle"),
    ("()", "lollipop"),
    ("*", "diamond"),
    ("o", "diamond-open"),
    ("<", "open"),
];
const RIGHT: &[(&str, &str)] = &[
    ("|>", "triangle"),
    ("()", "lollipop"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn parses_classes() {
        let src = "classDiagram\n class Animal {\n  <<interface>>\n  +String name\n  +eat() void\n }\n Animal <|-- Duck\n Duck \"1\" *-- \"many\" Egg : lays\n Duck : +swim()\n A ..> B\n";
        let (g, _) = parse(&statements(src, false)).unwrap();
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

    #[test]
    fn generics_namespaces_lollipops_links() {
        assert_eq!(generic("List~List~int~~"), "List<List<int>>");
        assert_eq!(generic("Map~K, V~ m"), "Map<K, V> m");
        assert_eq!(generic("Square~Shape~"), "Square<Shape>");
        let src = "classDiagram\n namespace Shapes {\n  class Square~Shape~{\n   -List~int~ position\n   +area()* double\n  }\n  class Circle\n }\n Square ()-- Circle\n link Circle \"https://example.com\"\n click Square call fn()\n";
        let (g, x) = parse(&statements(src, false)).unwrap();
        assert_eq!(g.clusters[0].title, "Shapes");
        assert!(g.nodes.iter().all(|n| n.cluster == Some(0)));
        assert_eq!(g.nodes[0].label, "Square<Shape>");
        assert_eq!(
            g.nodes[0].sections[1][0],
            format!("{ITALIC}+area() double{ITALIC}")
        );
        assert_eq!(g.nodes[0].sections[0][0], "-List<int> position");
        assert_eq!(g.edges[0].start, Some("lollipop"));
        assert_eq!(x.links, ["https://example.com"]);
        assert_eq!(x.warnings.len(), 1);
        let (p, _) = parse(&statements("classDiagram\n A : ~int packageField\n", false)).unwrap();
        assert_eq!(p.nodes[0].sections[0][0], "~int packageField");
    }
}
