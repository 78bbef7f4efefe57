//! Mermaid entity–relationship diagrams (`erDiagram`): entities (names quoted or not, aliases
//! `p[Person]`) with attribute blocks (`type name [PK|FK|UK, …] ["comment"]`), relationships in
//! the symbolic notation (`||--o{`, `}|..|{`, every cardinality either way round) or in words
//! (`1 to zero or more`, `many(0) optionally to 0+`), identifying (solid) or not (dashed), with
//! a label; `direction`; styling (`classDef`, `class`, `:::`, `style`: dashes, weight and bold).
//!
//! Cardinalities are drawn as crow's-foot markers where the line meets each entity.

use std::collections::HashMap;

use super::flowchart::{css, define_classes, markdown, parse_dir};
use super::graph::{Edge, Graph, Node, Shape, Stroke, Style};
use super::layout::Dir;
use super::lex::{Extras, Result, Stmt, err, label_text};

/// How many of an entity take part: the marker drawn at its end of the line.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Card {
    ZeroOrOne,
    ExactlyOne,
    ZeroOrMore,
    OneOrMore,
}

impl Card {
    fn marker(self) -> &'static str {
        match self {
            Card::ZeroOrOne => "er-zero-one",
            Card::ExactlyOne => "er-one",
            Card::ZeroOrMore => "er-zero-many",
            Card::OneOrMore => "er-one-many",
        }
    }
}

/// A symbolic cardinality (`|o`, `o|`, `||`, `}o`, `o{`, `}|`, `|{`).
fn symbol(s: &str) -> Option<Card> {
    Some(match s {
        "|o" | "o|" => Card::ZeroOrOne,
        "||" => Card::ExactlyOne,
        "}o" | "o{" => Card::ZeroOrMore,
        "}|" | "|{" => Card::OneOrMore,
        _ => return None,
    })
}

/// Cardinalities in words, longest first.
const WORDS: &[(&str, Card)] = &[
    ("zero or more", Card::ZeroOrMore),
    ("zero or many", Card::ZeroOrMore),
    ("one or zero", Card::ZeroOrOne),
    ("zero or one", Card::ZeroOrOne),
    ("one or more", Card::OneOrMore),
    ("one or many", Card::OneOrMore),
    ("only one", Card::ExactlyOne),
    ("many(0)", Card::ZeroOrMore),
    ("many(1)", Card::OneOrMore),
    ("0+", Card::ZeroOrMore),
    ("1+", Card::OneOrMore),
    ("1", Card::ExactlyOne),
];

/// An ER diagram being read.
struct B {
    g: Graph,
    ids: HashMap<String, usize>,
    /// The entity whose `{ … }` block is being read, and where it opened.
    block: Option<(usize, usize)>,
    class_defs: HashMap<String, Style>,
    classes: Vec<(String, String)>,
    styles: Vec<(String, Style)>,
}

/// Parses an ER diagram; `stmts[0]` holds the header.
pub fn parse(stmts: &[Stmt]) -> Result<(Graph, Extras)> {
    let mut b = B {
        g: Graph::new(Dir::TB),
        ids: HashMap::new(),
        block: None,
        class_defs: HashMap::new(),
        classes: Vec::new(),
        styles: Vec::new(),
    };
    for st in stmts.iter().skip(1) {
        b.statement(st)?;
    }
    if let Some((_, p)) = b.block {
        return err(p, "attribute block without a closing `}`");
    }
    b.apply_styles();
    Ok((b.g, Extras::default()))
}

impl B {
    /// The entity named `raw` (`NAME`, `"Name with spaces"`, `id[Alias]`, `id:::class`).
    fn entity(&mut self, raw: &str, pos: usize) -> Result<usize> {
        let raw = raw.trim();
        let (raw, classes) = match raw.split_once(":::") {
            Some((n, c)) => (n.trim(), Some(c.trim())),
            None => (raw, None),
        };
        let (id, alias) = match raw.split_once('[') {
            Some((id, a)) if !raw.starts_with('"') => {
                let Some(a) = a.strip_suffix(']') else {
                    return err(pos, "an alias is `id[Alias]`: `]` is missing");
                };
                (id.trim(), Some(name_text(a.trim())))
            }
            _ => (raw, None),
        };
        if id.is_empty() {
            return err(pos, "expected an entity name");
        }
        let key = id.trim_matches('"').to_string();
        if let Some(c) = classes {
            for c in c.split(',') {
                self.classes.push((key.clone(), c.trim().to_string()));
            }
        }
        let n = match self.ids.get(&key) {
            Some(&n) => n,
            None => {
                let n = self.g.nodes.len();
                self.g
                    .nodes
                    .push(Node::new(name_text(id), Shape::Entity, None));
                self.ids.insert(key, n);
                n
            }
        };
        if let Some(a) = alias {
            self.g.nodes[n].label = a;
        }
        Ok(n)
    }

    /// One statement.
    fn statement(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        if let Some((n, _)) = self.block {
            if t == "}" {
                self.block = None;
                return Ok(());
            }
            let row = attribute(t, st.pos)?;
            self.g.nodes[n].table.push(row);
            return Ok(());
        }
        let (word, rest, rest_pos) = st.split_word();
        if self.keyword(word, rest, rest_pos)? {
            return Ok(());
        }
        // `NAME {` opens an attribute block (`NAME { }` is an empty one).
        if let Some(head) = t.strip_suffix('{').or_else(|| t.strip_suffix("{}")) {
            let n = self.entity(head, st.pos)?;
            if !t.ends_with("{}") {
                self.block = Some((n, st.pos));
            }
            return Ok(());
        }
        if let Some((head, body)) = t.split_once('{')
            && let Some(body) = body.trim_end().strip_suffix('}')
        {
            let n = self.entity(head, st.pos)?;
            for a in body.split(['\n', ';']).filter(|a| !a.trim().is_empty()) {
                let row = attribute(a.trim(), st.pos + head.len() + 1)?;
                self.g.nodes[n].table.push(row);
            }
            return Ok(());
        }
        self.relationship_or_entity(st)
    }

    /// A statement that starts with a keyword (`direction`, `classDef`, `class`, `style` …),
    /// `rest` at `rest_pos` following it; false when `word` is none.
    fn keyword(&mut self, word: &str, rest: &str, rest_pos: usize) -> Result<bool> {
        match word {
            "direction" => self.g.dir = parse_dir(rest, rest_pos)?,
            "classDef" => define_classes(rest, rest_pos, &mut self.class_defs)?,
            "class" => {
                if let Some((ids, classes)) = rest.rsplit_once(char::is_whitespace) {
                    for id in ids.split(',') {
                        for c in classes.split(',') {
                            self.classes
                                .push((id.trim().to_string(), c.trim().to_string()));
                        }
                    }
                }
            }
            "style" => {
                let (ids, decls) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let s = css(decls, rest_pos + ids.len())?;
                for id in ids.split(',') {
                    self.styles.push((id.trim().to_string(), s));
                }
            }
            "accTitle" | "accDescr" | "accTitle:" | "accDescr:" | "title" => {}
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `A ||--o{ B : label` (a relationship, declaring both entities), else a lone entity.
    fn relationship_or_entity(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        match relationship(t, st.pos)? {
            Some(r) => {
                let from = self.entity(r.left, st.pos)?;
                let to = self.entity(r.right, st.pos + r.right_at)?;
                let mut e = Edge::new(from, to);
                e.start = Some(r.cards.0.marker());
                e.end = Some(r.cards.1.marker());
                e.stroke = if r.identifying {
                    Stroke::Solid
                } else {
                    Stroke::Dotted
                };
                e.label = Some(name_text(r.label)).filter(|l| !l.is_empty());
                self.g.edges.push(e);
                Ok(())
            }
            None => {
                if t.contains(char::is_whitespace) && !t.starts_with('"') && !t.contains('[') {
                    return err(
                        st.pos,
                        format!(
                            "expected an entity, `ENTITY {{`, or a relationship such as `A ||--o{{ B : label`, found `{}`",
                            t.chars().take(24).collect::<String>()
                        ),
                    );
                }
                self.entity(t, st.pos).map(|_| ())
            }
        }
    }

    /// Gives each entity the styling of its classes (or the `default` class) and its own
    /// `style` statements.
    fn apply_styles(&mut self) {
        let default = self.class_defs.get("default").copied();
        let mut styled = vec![false; self.g.nodes.len()];
        for (id, class) in &self.classes {
            if let (Some(&n), Some(s)) = (self.ids.get(id), self.class_defs.get(class)) {
                self.g.nodes[n].apply_style(*s);
                styled[n] = true;
            }
        }
        if let Some(d) = default {
            for (n, node) in self.g.nodes.iter_mut().enumerate() {
                if !styled[n] {
                    node.apply_style(d);
                }
            }
        }
        for (id, s) in &self.styles {
            if let Some(&n) = self.ids.get(id) {
                self.g.nodes[n].apply_style(*s);
            }
        }
    }
}

/// An entity name's text: quotes removed, Markdown kept as bold and italics.
fn name_text(s: &str) -> String {
    let t = s.trim();
    match t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(inner) => markdown(inner),
        None => label_text(t),
    }
}

/// An attribute row: `type name [keys] ["comment"]`.
fn attribute(t: &str, pos: usize) -> Result<[String; 4]> {
    let (main, comment) = match t.find('"') {
        Some(q) => {
            let c = t[q + 1..].trim_end();
            let Some(c) = c.strip_suffix('"') else {
                return err(pos, "unclosed `\"` in an attribute comment");
            };
            (t[..q].trim(), c.to_string())
        }
        None => (t.trim(), String::new()),
    };
    let mut words = main.split_whitespace();
    let (Some(ty), Some(name)) = (words.next(), words.next()) else {
        return err(
            pos,
            format!("an attribute is `type name [PK|FK|UK] [\"comment\"]`, found `{t}`"),
        );
    };
    let keys: Vec<String> = words
        .flat_map(|w| w.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(bad) = keys
        .iter()
        .find(|k| !matches!(k.as_str(), "PK" | "FK" | "UK"))
    {
        return err(
            pos,
            format!("unknown key `{bad}`: an attribute's keys are PK, FK and UK"),
        );
    }
    Ok([
        label_text(ty),
        label_text(name),
        keys.join(", "),
        label_text(&comment),
    ])
}

/// The parts of a relationship statement.
struct Rel<'a> {
    left: &'a str,
    right: &'a str,
    right_at: usize,
    cards: (Card, Card),
    identifying: bool,
    label: &'a str,
}

/// `A ||--o{ B : label` or `A 1 to zero or more B : label`; None when `t` is no relationship.
fn relationship(t: &str, pos: usize) -> Result<Option<Rel<'_>>> {
    // The label follows the last `:` outside quotes.
    let mut colon = None;
    let mut quoted = false;
    for (i, c) in t.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted && !t[i + 1..].starts_with(':') && !t[..i].ends_with(':') => {
                colon = Some(i)
            }
            _ => {}
        }
    }
    let (body, label) = match colon {
        Some(k) => (&t[..k], t[k + 1..].trim()),
        None => (t, ""),
    };
    if let Some(r) = symbolic(body) {
        if colon.is_none() {
            return err(pos, "a relationship needs a label: `A ||--o{ B : label`");
        }
        let (l, lc, ident, rc, right_at) = r;
        return Ok(Some(Rel {
            left: &body[..l],
            right: &body[right_at..],
            right_at,
            cards: (lc, rc),
            identifying: ident,
            label,
        }));
    }
    if colon.is_none() {
        return Ok(None);
    }
    worded(body, label, pos).map(Some)
}

/// The symbolic operator in `body`: (end of the left entity, left card, identifying,
/// right card, start of the right entity).
fn symbolic(body: &str) -> Option<(usize, Card, bool, Card, usize)> {
    let mut quoted = false;
    for (i, c) in body.char_indices() {
        if c == '"' {
            quoted = !quoted;
        }
        if quoted || i < 2 {
            continue;
        }
        let line = &body[i..];
        let ident = if line.starts_with("--") {
            true
        } else if line.starts_with("..") {
            false
        } else {
            continue;
        };
        let (Some(lc), Some(rc)) = (
            body.get(i - 2..i).and_then(symbol),
            body.get(i + 2..i + 4).and_then(symbol),
        ) else {
            continue;
        };
        return Some((i - 2, lc, ident, rc, i + 4));
    }
    None
}

/// `A 1 to zero or more B`, `A many(0) optionally to 0+ B`.
fn worded<'a>(body: &'a str, label: &'a str, pos: usize) -> Result<Rel<'a>> {
    let fail = || {
        err(
            pos,
            "a relationship is `A ||--o{ B : label` (or in words: `A 1 to zero or more B : label`); cardinalities are |o ||  }o }| (o| || o{ |{ on the right) or one or zero, zero or one, one or more, one or many, many(1), 1+, zero or more, zero or many, many(0), 0+, only one, 1",
        )
    };
    let (mid, identifying, word) = match body.find(" optionally to ") {
        Some(k) => (k, false, " optionally to "),
        None => match body.find(" to ") {
            Some(k) => (k, true, " to "),
            None => return fail(),
        },
    };
    let (before, after) = (&body[..mid], &body[mid + word.len()..]);
    // Left: `ENTITY card`; right: `card ENTITY`.
    let Some((lc, left)) = WORDS.iter().find_map(|(w, c)| {
        before
            .strip_suffix(w)
            .filter(|e| e.ends_with(' '))
            .map(|e| (*c, e.trim_end()))
    }) else {
        return fail();
    };
    let after_trim = after.trim_start();
    let Some((rc, rest)) = WORDS.iter().find_map(|(w, c)| {
        after_trim
            .strip_prefix(w)
            .filter(|e| e.starts_with(' '))
            .map(|e| (*c, e))
    }) else {
        return fail();
    };
    let right = rest.trim();
    Ok(Rel {
        left,
        right,
        right_at: body.len() - rest.len() + (rest.len() - rest.trim_start().len()),
        cards: (lc, rc),
        identifying,
        label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    fn p(src: &str) -> Result<Graph> {
        parse(&statements(src, false)).map(|x| x.0)
    }

    #[test]
    fn entities_attributes_relationships() {
        let g = p("erDiagram\n CUSTOMER ||--o{ ORDER : places\n ORDER ||--|{ LINE-ITEM : contains\n CUSTOMER }|..|{ DELIVERY-ADDRESS : uses\n CUSTOMER {\n  string name\n  string custNumber PK \"the number\"\n  int(10) id PK, FK\n }\n p[Person] ||--o| a[\"Customer Account\"] : has\n CAR 1 to zero or more NAMED-DRIVER : allows\n PERSON many(0) optionally to 0+ NAMED-DRIVER : is\n").unwrap();
        let names: Vec<&str> = g.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            names,
            [
                "CUSTOMER",
                "ORDER",
                "LINE-ITEM",
                "DELIVERY-ADDRESS",
                "Person",
                "Customer Account",
                "CAR",
                "NAMED-DRIVER",
                "PERSON"
            ]
        );
        assert_eq!(g.edges[0].start, Some("er-one"));
        assert_eq!(g.edges[0].end, Some("er-zero-many"));
        assert_eq!(g.edges[1].end, Some("er-one-many"));
        assert_eq!(g.edges[2].stroke, Stroke::Dotted);
        assert_eq!(g.edges[2].start, Some("er-one-many"));
        assert_eq!(g.edges[3].end, Some("er-zero-one"));
        assert_eq!(g.edges[4].start, Some("er-one"));
        assert_eq!(g.edges[4].end, Some("er-zero-many"));
        assert_eq!(g.edges[5].stroke, Stroke::Dotted);
        assert_eq!(g.edges[5].label.as_deref(), Some("is"));
        let c = &g.nodes[0].table;
        assert_eq!(
            c[1],
            ["string", "custNumber", "PK", "the number"].map(String::from)
        );
        assert_eq!(c[2][2], "PK, FK");
    }

    #[test]
    fn errors_say_what_is_expected() {
        let e = p("erDiagram\n A ||--o{ B\n").unwrap_err();
        assert!(e.message.contains("needs a label"), "{}", e.message);
        let e = p("erDiagram\n A {\n string x ZK\n }\n").unwrap_err();
        assert!(e.message.contains("PK, FK and UK"), "{}", e.message);
        let e = p("erDiagram\n A lots to B : x\n").unwrap_err();
        assert!(e.message.contains("in words"), "{}", e.message);
        assert!(p("erDiagram\n A {\n string x\n").is_err());
    }
}
