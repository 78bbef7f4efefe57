//! Mermaid sequence diagrams: participants of every type (`participant`, `actor`, and
//! `@{ "type": "boundary" | "control" | "entity" | "database" | "collections" | "queue" }`) with
//! aliases, `box` groups, `create`/`destroy`, messages (`->>`, `-->>`, `->`, `-->`, `-x`, `--x`,
//! `-)`, `--)`, `<<->>`, `<<-->>`) with activations (`activate`, `+`/`-`), notes (`left of`,
//! `right of`, `over A[,B]`), blocks (`alt`/`else`, `opt`, `loop`, `par`/`and`,
//! `critical`/`option`, `break`, `rect`), `autonumber [start [step]]` and `autonumber off`.
//!
//! Phases: [`parse`] reads the statements into a [`Model`]; [`columns`] spaces the lifelines
//! so every label fits between its two; [`Rows`] walks the items top to bottom (one row per
//! message, note or block header, so no two labels can overlap); [`assemble`] writes the SVG.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::font::{self, LINE_HEIGHT};
use super::graph::Drawn;
use super::lex::{Extras, Result, Stmt, err, label_text};
use super::svg::{self, Anchor, ID, num};

/// How a participant is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Participant,
    Actor,
    Boundary,
    Control,
    Entity,
    Database,
    Collections,
    Queue,
}

impl Kind {
    /// A symbol with the name under it (rather than a box around the name).
    fn symbol(self) -> bool {
        matches!(
            self,
            Kind::Actor | Kind::Boundary | Kind::Control | Kind::Entity | Kind::Database
        )
    }
}

#[derive(Debug)]
struct Part {
    label: Vec<String>,
    kind: Kind,
    /// Drawn where a message creates it (`create participant X`).
    created: bool,
    /// Index of its `box` group.
    group: Option<usize>,
}

#[derive(Debug)]
enum Item {
    Msg {
        from: usize,
        to: usize,
        text: Vec<String>,
        dashed: bool,
        head: Option<&'static str>,
        both: bool,
        /// `->>+`: the receiver becomes active; `-->>-`: the sender stops being active.
        activate: bool,
        deactivate: bool,
    },
    Note {
        a: usize,
        b: usize,
        side: Side,
        text: Vec<String>,
    },
    Start {
        kind: String,
        label: String,
    },
    Else {
        label: String,
    },
    End,
    Activate(usize),
    Deactivate(usize),
    Destroy(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
    Over,
}

#[derive(Debug)]
struct Group {
    label: String,
}

#[derive(Debug)]
struct Model {
    parts: Vec<Part>,
    items: Vec<Item>,
    groups: Vec<Group>,
}

/// (token, dashed, head, both ends)
type Arrow = (&'static str, bool, Option<&'static str>, bool);

const ARROWS: &[Arrow] = &[
    ("<<-->>", true, Some("arrow"), true),
    ("<<->>", false, Some("arrow"), true),
    ("-->>", true, Some("arrow"), false),
    ("->>", false, Some("arrow"), false),
    ("--x", true, Some("cross"), false),
    ("-x", false, Some("cross"), false),
    ("--)", true, Some("open"), false),
    ("-)", false, Some("open"), false),
    ("-->", true, None, false),
    ("->", false, None, false),
];

const BLOCKS: &[&str] = &["alt", "opt", "loop", "par", "critical", "break", "rect"];
const ELSES: &[&str] = &["else", "and", "option"];

/// Reads the statements.
struct Parser {
    m: Model,
    ids: HashMap<String, usize>,
    /// Open blocks and boxes: (position, drawn as a block).
    open: Vec<(usize, bool)>,
    /// The `box` being filled.
    group: Option<usize>,
    /// `autonumber`: the next number and the step.
    number: Option<(f64, f64)>,
    /// `create` waiting for the message that creates the participant.
    pending_create: Vec<(usize, usize)>,
    extras: Extras,
}

fn parse(stmts: &[Stmt]) -> Result<(Model, Extras)> {
    let mut p = Parser {
        m: Model {
            parts: Vec::new(),
            items: Vec::new(),
            groups: Vec::new(),
        },
        ids: HashMap::new(),
        open: Vec::new(),
        group: None,
        number: None,
        pending_create: Vec::new(),
        extras: Extras::default(),
    };
    for st in stmts.iter().skip(1) {
        p.statement(st)?;
    }
    if let Some((pos, _)) = p.open.last() {
        return err(*pos, "block without a matching `end`");
    }
    if let Some(&(_, pos)) = p.pending_create.first() {
        return err(
            pos,
            "`create` needs a message to the new participant after it",
        );
    }
    if p.m.parts.is_empty() {
        return err(
            stmts.first().map_or(0, |s| s.pos),
            "a sequence diagram needs at least one participant",
        );
    }
    Ok((p.m, p.extras))
}

impl Parser {
    fn part(&mut self, id: &str, label: Option<&str>, kind: Option<Kind>) -> usize {
        if let Some(&i) = self.ids.get(id) {
            if let Some(l) = label {
                self.m.parts[i].label = lines(l);
            }
            if let Some(k) = kind {
                self.m.parts[i].kind = k;
            }
            return i;
        }
        self.ids.insert(id.to_string(), self.m.parts.len());
        self.m.parts.push(Part {
            label: lines(label.unwrap_or(id)),
            kind: kind.unwrap_or(Kind::Participant),
            created: false,
            group: self.group,
        });
        self.m.parts.len() - 1
    }

    /// One statement.
    fn statement(&mut self, st: &Stmt) -> Result<()> {
        let (word, rest, rest_pos) = st.split_word();
        if self.keyword(st, word, rest, rest_pos)? {
            return Ok(());
        }
        let word = if word == "par_over" { "par" } else { word };
        if BLOCKS.contains(&word) || ELSES.contains(&word) {
            return self.block(st, word, rest);
        }
        if word.eq_ignore_ascii_case("note") {
            return self.note(st, rest, rest_pos);
        }
        self.message(st)
    }

    /// A statement that starts with a keyword (`participant`, `create`, `destroy`, `activate`,
    /// `autonumber`, `title`, `box`, `end` …), `rest` at `rest_pos` following it; false when
    /// `word` is none.
    fn keyword(&mut self, st: &Stmt, word: &str, rest: &str, rest_pos: usize) -> Result<bool> {
        match word {
            "participant" | "actor" => self.declare(word, rest, rest_pos)?,
            "create" => self.create(st, rest, rest_pos)?,
            "destroy" => {
                let Some(&i) = self.ids.get(rest) else {
                    return err(rest_pos, format!("no participant `{rest}` to destroy"));
                };
                self.m.items.push(Item::Destroy(i));
            }
            "activate" | "deactivate" => {
                if rest.is_empty() {
                    return err(st.pos, format!("`{word}` needs a participant"));
                }
                let i = self.part(rest, None, None);
                self.m.items.push(if word == "activate" {
                    Item::Activate(i)
                } else {
                    Item::Deactivate(i)
                });
            }
            "autonumber" => self.autonumber(rest),
            "title" | "title:" => {
                let t = rest.trim_start_matches(':').trim();
                if !t.is_empty() {
                    self.extras.title = Some(label_text(t));
                }
            }
            "accTitle" | "accDescr" | "accTitle:" | "accDescr:" | "links" | "link"
            | "properties" | "details" => {}
            "box" => {
                self.m.groups.push(Group {
                    label: box_label(rest),
                });
                self.group = Some(self.m.groups.len() - 1);
                self.open.push((st.pos, false));
            }
            "end" if rest.is_empty() => match self.open.pop() {
                Some((_, true)) => self.m.items.push(Item::End),
                Some((_, false)) => self.group = None,
                None => return err(st.pos, "`end` without an open block"),
            },
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `create participant B` (or `actor`): declares a participant that appears where it is
    /// first used rather than at the top.
    fn create(&mut self, st: &Stmt, rest: &str, rest_pos: usize) -> Result<()> {
        let (w, r) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if w != "participant" && w != "actor" {
            return err(rest_pos, "`create` is followed by `participant` or `actor`");
        }
        let r = r.trim();
        let p = self.declare(w, r, rest_pos + rest.len() - r.len());
        let id = r.split([' ', '@']).next().unwrap_or("");
        if let Some(&i) = self.ids.get(id) {
            self.m.parts[i].created = true;
            self.pending_create.push((i, st.pos));
        }
        p
    }

    /// A block's start (`loop`, `alt`, `opt`, `par`, `critical`, `break`, `rect`) or the start
    /// of its next part (`else`, `and`, `option`), with its label.
    fn block(&mut self, st: &Stmt, word: &str, rest: &str) -> Result<()> {
        if BLOCKS.contains(&word) {
            super::budget::depth_within(self.open.len() + 1, st.pos)?;
            self.open.push((st.pos, true));
            let label = if word == "rect" {
                String::new()
            } else {
                label_text(rest)
            };
            self.m.items.push(Item::Start {
                kind: word.to_string(),
                label,
            });
            return Ok(());
        }
        if !self.open.last().is_some_and(|o| o.1) {
            return err(st.pos, format!("`{word}` outside a block"));
        }
        self.m.items.push(Item::Else {
            label: label_text(rest),
        });
        Ok(())
    }

    /// `participant A`, `actor A as Alice`, `participant A@{ "type": "database" } as DB`.
    fn declare(&mut self, word: &str, rest: &str, rest_pos: usize) -> Result<()> {
        if rest.is_empty() {
            return err(rest_pos, format!("`{word}` needs a name"));
        }
        let mut kind = if word == "actor" {
            Kind::Actor
        } else {
            Kind::Participant
        };
        let (head, alias) = match rest.split_once(" as ") {
            Some((a, b)) if !a.contains('{') || a.contains('}') => (a.trim(), Some(b.trim())),
            _ => (rest, None),
        };
        let (id, mut label) = (head, alias.map(str::to_string));
        let id = if let Some((id, props)) = head.split_once("@{") {
            let Some(props) = props.trim_end().strip_suffix('}') else {
                return err(rest_pos + id.len(), "`@{` is not closed by `}`");
            };
            for (k, v) in json_pairs(props) {
                match k.as_str() {
                    "type" => {
                        kind = match v.as_str() {
                            "participant" => Kind::Participant,
                            "actor" => Kind::Actor,
                            "boundary" => Kind::Boundary,
                            "control" => Kind::Control,
                            "entity" => Kind::Entity,
                            "database" => Kind::Database,
                            "collections" => Kind::Collections,
                            "queue" => Kind::Queue,
                            other => {
                                return err(
                                    rest_pos + id.len(),
                                    format!(
                                        "unknown participant type `{other}`; use participant, actor, boundary, control, entity, database, collections or queue"
                                    ),
                                );
                            }
                        }
                    }
                    "alias" if label.is_none() => label = Some(v),
                    _ => {}
                }
            }
            id.trim()
        } else {
            id
        };
        self.part(id, label.as_deref(), Some(kind));
        Ok(())
    }

    /// `autonumber`, `autonumber 10`, `autonumber 10 5`, `autonumber off`.
    fn autonumber(&mut self, rest: &str) {
        if rest == "off" {
            self.number = None;
            return;
        }
        let mut w = rest.split_whitespace();
        let start = w.next().and_then(|n| n.parse().ok()).unwrap_or(1.0);
        let step = w.next().and_then(|n| n.parse().ok()).unwrap_or(1.0);
        self.number = Some((start, step));
    }

    fn note(&mut self, st: &Stmt, rest: &str, rest_pos: usize) -> Result<()> {
        let lower = rest.to_ascii_lowercase();
        let (side, after) = if lower.starts_with("left of") {
            (Side::Left, &rest[7..])
        } else if lower.starts_with("right of") {
            (Side::Right, &rest[8..])
        } else if lower.starts_with("over") {
            (Side::Over, &rest[4..])
        } else {
            return err(
                rest_pos,
                "a note is `Note left of A: …`, `Note right of A: …` or `Note over A[,B]: …`",
            );
        };
        let Some((who, text)) = after.split_once(':') else {
            return err(st.pos + st.text.len(), "a note needs `: text`");
        };
        let mut names = who.split(',').map(str::trim);
        let a = names.next().unwrap_or("");
        if a.is_empty() {
            return err(rest_pos, "a note needs a participant");
        }
        let ia = self.part(a, None, None);
        let ib = match names.next() {
            Some(b) if !b.is_empty() => self.part(b, None, None),
            _ => ia,
        };
        self.m.items.push(Item::Note {
            a: ia.min(ib),
            b: ia.max(ib),
            side,
            text: lines(text.trim()),
        });
        Ok(())
    }

    fn message(&mut self, st: &Stmt) -> Result<()> {
        let t = st.text;
        let mut best: Option<(usize, &Arrow)> = None;
        for a in ARROWS {
            if let Some(k) = t.find(a.0)
                && best.is_none_or(|(b, x)| k < b || (k == b && a.0.len() > x.0.len()))
            {
                best = Some((k, a));
            }
        }
        let Some((k, &(tok, dashed, head, both))) = best else {
            let what = if t.contains("-|")
                || t.contains("|-")
                || t.contains("-//")
                || t.contains("-\\\\")
            {
                "half arrows (`-|\\`, `-|/`, …) are not drawn by corem; use `->>`, `-->>`, `-)`, `-x` and their dotted forms"
            } else {
                "expected a message such as `A->>B: text`, a note or a block"
            };
            return err(
                st.pos,
                format!("{what}, found `{}`", t.chars().take(20).collect::<String>()),
            );
        };
        let from = t[..k].trim();
        if from.is_empty() {
            return err(st.pos, "a message needs a sender before the arrow");
        }
        if from.ends_with("()") || t[k + tok.len()..].trim_start().starts_with("()") {
            return err(
                st.pos + k,
                "central connections (`()` on an arrow) are not drawn by corem",
            );
        }
        let after = &t[k + tok.len()..];
        let trimmed = after.trim_start();
        let (activate, deactivate) = (trimmed.starts_with('+'), trimmed.starts_with('-'));
        let after = trimmed.trim_start_matches(['+', '-']);
        let (to, text) = match after.split_once(':') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (after.trim(), ""),
        };
        if to.is_empty() {
            return err(
                st.pos + k + tok.len(),
                "a message needs a receiver after the arrow",
            );
        }
        let (f, tt) = (self.part(from, None, None), self.part(to, None, None));
        self.pending_create.retain(|&(p, _)| p != tt);
        let mut text = label_text(&super::lex::link_text(text));
        if let Some((n, step)) = self.number.as_mut() {
            text = format!("{}. {text}", svg::num(*n));
            *n += *step;
        }
        self.m.items.push(Item::Msg {
            from: f,
            to: tt,
            text: lines(&text),
            dashed,
            head,
            both,
            activate,
            deactivate,
        });
        Ok(())
    }
}

/// A `box` header's label: the colour (a CSS colour name, `rgb(…)`, `#…`, `transparent`)
/// is left out; colours come from the theme.
fn box_label(rest: &str) -> String {
    let rest = rest.trim();
    let (first, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let lower = first.to_ascii_lowercase();
    let colour = lower.starts_with("rgb")
        || lower.starts_with("hsl")
        || lower.starts_with('#')
        || lower == "transparent"
        || CSS_COLOURS.contains(&lower.as_str());
    if colour {
        // `rgb(1, 2, 3)` may hold spaces.
        let after = if first.contains('(') && !first.contains(')') {
            after.split_once(')').map_or("", |x| x.1)
        } else {
            after
        };
        label_text(after.trim())
    } else {
        label_text(rest)
    }
}

/// `"key": "value", "key": value` pairs of a participant's configuration.
fn json_pairs(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once(':')?;
            let clean = |x: &str| x.trim().trim_matches(['"', '\'']).trim().to_string();
            Some((clean(k), clean(v)))
        })
        .collect()
}

/// CSS colour names (a `box` may start with one).
const CSS_COLOURS: &[&str] = &[
    "aliceblue",
    "antiquewhite",
    "aqua",
    "aquamarine",
    "azure",
    "beige",
    "bisque",
    "black",
    "blanchedalmond",
    "blue",
    "blueviolet",
    "brown",
    "burlywood",
    "cadetblue",
    "chartreuse",
    "chocolate",
    "coral",
    "cornflowerblue",
    "cornsilk",
    "crimson",
    "cyan",
    "darkblue",
    "darkcyan",
    "darkgoldenrod",
    "darkgray",
    "darkgreen",
    "darkgrey",
    "darkkhaki",
    "darkmagenta",
    "darkolivegreen",
    "darkorange",
    "darkorchid",
    "darkred",
    "darksalmon",
    "darkseagreen",
    "darkslateblue",
    "darkslategray",
    "darkslategrey",
    "darkturquoise",
    "darkviolet",
    "deeppink",
    "deepskyblue",
    "dimgray",
    "dimgrey",
    "dodgerblue",
    "firebrick",
    "floralwhite",
    "forestgreen",
    "fuchsia",
    "gainsboro",
    "ghostwhite",
    "gold",
    "goldenrod",
    "gray",
    "green",
    "greenyellow",
    "grey",
    "honeydew",
    "hotpink",
    "indianred",
    "indigo",
    "ivory",
    "khaki",
    "lavender",
    "lavenderblush",
    "lawngreen",
    "lemonchiffon",
    "lightblue",
    "lightcoral",
    "lightcyan",
    "lightgoldenrodyellow",
    "lightgray",
    "lightgreen",
    "lightgrey",
    "lightpink",
    "lightsalmon",
    "lightseagreen",
    "lightskyblue",
    "lightslategray",
    "lightslategrey",
    "lightsteelblue",
    "lightyellow",
    "lime",
    "limegreen",
    "linen",
    "magenta",
    "maroon",
    "mediumaquamarine",
    "mediumblue",
    "mediumorchid",
    "mediumpurple",
    "mediumseagreen",
    "mediumslateblue",
    "mediumspringgreen",
    "mediumturquoise",
    "mediumvioletred",
    "midnightblue",
    "mintcream",
    "mistyrose",
    "moccasin",
    "navajowhite",
    "navy",
    "oldlace",
    "olive",
    "olivedrab",
    "orange",
    "orangered",
    "orchid",
    "palegoldenrod",
    "palegreen",
    "paleturquoise",
    "palevioletred",
    "papayawhip",
    "peachpuff",
    "peru",
    "pink",
    "plum",
    "powderblue",
    "purple",
    "rebeccapurple",
    "red",
    "rosybrown",
    "royalblue",
    "saddlebrown",
    "salmon",
    "sandybrown",
    "seagreen",
    "seashell",
    "sienna",
    "silver",
    "skyblue",
    "slateblue",
    "slategray",
    "slategrey",
    "snow",
    "springgreen",
    "steelblue",
    "tan",
    "teal",
    "thistle",
    "tomato",
    "turquoise",
    "violet",
    "wheat",
    "white",
    "whitesmoke",
    "yellow",
    "yellowgreen",
];

fn lines(s: &str) -> Vec<String> {
    label_text(s).split('\n').map(str::to_string).collect()
}

const MARGIN: f64 = 10.0;
const BOX_PAD_X: f64 = 14.0;
const BOX_PAD_Y: f64 = 8.0;
const GAP: f64 = 30.0;
/// Least distance between two lifelines.
const MIN_STEP: f64 = 120.0;
const SELF_W: f64 = 34.0;
const NOTE_PAD: f64 = 8.0;
const BLOCK_INSET: f64 = 10.0;
/// Half the width of an activation bar; nested bars are offset by this much.
const ACT: f64 = 5.0;
/// Room around the participants of a `box`, and above them for its label.
const GROUP_PAD: f64 = 8.0;

fn text_w(lines: &[String]) -> f64 {
    font::lines_width(lines)
}

/// Draws a sequence diagram.
pub fn render(stmts: &[Stmt]) -> Result<(Drawn, Extras)> {
    let (m, extras) = parse(stmts)?;
    super::budget::graph_size(
        m.parts.len(),
        m.items.len(),
        stmts.first().map_or(0, |s| s.pos),
    )?;
    let box_w: Vec<f64> = m.parts.iter().map(part_width).collect();
    let x = columns(&m, &box_w);
    let mut rows = Rows::new(&m, &x, &box_w);
    for it in &m.items {
        rows.item(it);
    }
    Ok((assemble(&m, &x, &box_w, rows), extras))
}

fn part_width(p: &Part) -> f64 {
    let w = text_w(&p.label) + 2.0 * BOX_PAD_X;
    match p.kind {
        Kind::Participant | Kind::Actor => w,
        Kind::Collections => w + 6.0,
        Kind::Queue => w + 16.0,
        _ => w.max(48.0),
    }
}

/// Column positions: each lifeline as far right of the previous ones as the widest label
/// between them needs (messages, notes, block headers, `box` groups).
fn columns(m: &Model, box_w: &[f64]) -> Vec<f64> {
    let n = m.parts.len();
    // Constraints x[j] >= x[i] + d for i < j, grouped by j.
    let mut cons: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut add = |i: usize, j: usize, d: f64| cons[j].push((i, d));
    neighbour_gaps(m, box_w, &mut add);
    group_gaps(m, box_w, &mut add);
    label_gaps(m, box_w, &mut add);
    place_columns(&cons)
}

/// Neighbouring lifelines: their boxes apart by [`GAP`] (at least [`MIN_STEP`]), with room
/// for a `box` group's border between two groups.
fn neighbour_gaps(m: &Model, box_w: &[f64], add: &mut impl FnMut(usize, usize, f64)) {
    for i in 1..m.parts.len() {
        let mut d = ((box_w[i - 1] + box_w[i]) / 2.0 + GAP).max(MIN_STEP);
        let (g0, g1) = (m.parts[i - 1].group, m.parts[i].group);
        if g0 != g1 && (g0.is_some() || g1.is_some()) {
            d += 2.0 * GROUP_PAD;
        }
        add(i - 1, i, d);
    }
}

/// A `box` group: its first and last lifelines far enough apart for its label.
fn group_gaps(m: &Model, box_w: &[f64], add: &mut impl FnMut(usize, usize, f64)) {
    let n = m.parts.len();
    for (g, grp) in m.groups.iter().enumerate() {
        let members: Vec<usize> = (0..n).filter(|&i| m.parts[i].group == Some(g)).collect();
        if let (Some(&a), Some(&b)) = (members.first(), members.last())
            && a < b
        {
            add(
                a,
                b,
                font::width(&grp.label) + 2.0 * GROUP_PAD - (box_w[a] + box_w[b]) / 2.0,
            );
        }
    }
}

/// Room for what is written between lifelines: messages (self-messages beside their
/// lifeline), notes, and the headers of blocks across the lifelines they span.
fn label_gaps(m: &Model, box_w: &[f64], add: &mut impl FnMut(usize, usize, f64)) {
    let n = m.parts.len();
    // Open blocks: (header width, first and last lifeline touched so far).
    let mut stack: Vec<(f64, usize, usize)> = Vec::new();
    for it in &m.items {
        let touched: Option<(usize, usize)> = match it {
            Item::Msg { from, to, text, .. } => {
                let w = text_w(text);
                if from == to {
                    let need = SELF_W + 6.0 + w + 12.0;
                    if *from + 1 < n {
                        add(*from, from + 1, need + box_w[from + 1] / 2.0 * 0.0);
                    }
                } else {
                    let (a, b) = (*from.min(to), *from.max(to));
                    add(a, b, w + 24.0);
                }
                Some((*from.min(to), *from.max(to)))
            }
            Item::Note { a, b, side, text } => {
                note_columns(*a, *b, *side, text_w(text) + 2.0 * NOTE_PAD, n, add);
                Some((*a, *b))
            }
            Item::Start { kind, label } => {
                stack.push((header_width(kind, label), usize::MAX, 0));
                None
            }
            Item::Else { label } => {
                if let Some(top) = stack.last_mut() {
                    top.0 = top.0.max(font::width(&bracket(label)) + 24.0);
                }
                None
            }
            Item::End => {
                if let Some((hw, lo, hi)) = stack.pop() {
                    if lo < hi {
                        add(lo, hi, hw - 2.0 * BLOCK_INSET);
                    }
                    if let Some(p) = stack.last_mut() {
                        p.1 = p.1.min(lo);
                        p.2 = p.2.max(hi);
                    }
                }
                None
            }
            Item::Activate(_) | Item::Deactivate(_) | Item::Destroy(_) => None,
        };
        if let Some((a, b)) = touched {
            for s in &mut stack {
                s.1 = s.1.min(a);
                s.2 = s.2.max(b);
            }
        }
    }
}

/// Each column as far left as its constraints allow (`cons[j]`: `x[j] >= x[i] + d` for each
/// `(i, d)`, with `i < j`); the first at 0.
fn place_columns(cons: &[Vec<(usize, f64)>]) -> Vec<f64> {
    let mut x = vec![0.0f64; cons.len()];
    for j in 1..cons.len() {
        let mut v = f64::NEG_INFINITY;
        for &(i, d) in &cons[j] {
            v = v.max(x[i] + d);
        }
        x[j] = v;
    }
    x
}

/// A note's room between lifelines.
fn note_columns(
    a: usize,
    b: usize,
    side: Side,
    w: f64,
    n: usize,
    add: &mut impl FnMut(usize, usize, f64),
) {
    match side {
        Side::Right => {
            if a + 1 < n {
                add(a, a + 1, w + 16.0);
            }
        }
        Side::Left => {
            if a > 0 {
                add(a - 1, a, w + 16.0);
            }
        }
        Side::Over => {
            if a == b {
                if a > 0 {
                    add(a - 1, a, w / 2.0 + 12.0);
                }
                if a + 1 < n {
                    add(a, a + 1, w / 2.0 + 12.0);
                }
            } else {
                add(a, b, w - 40.0);
            }
        }
    }
}

/// A block being drawn: its top, horizontal extent so far, kind, label and dividers.
struct Open {
    top: f64,
    l: f64,
    r: f64,
    kind: String,
    label: String,
    elses: Vec<(f64, String)>,
}

/// The vertical pass: each item gets its row; primitives are collected in drawing layers.
struct Rows<'a> {
    m: &'a Model,
    x: &'a [f64],
    box_w: &'a [f64],
    y: f64,
    head_h: f64,
    /// Messages, notes, activation bars.
    prims: String,
    /// Block frames, drawn first.
    back: String,
    /// Backgrounds of message texts.
    bgs: String,
    texts: Vec<(f64, f64, Vec<String>, Anchor)>,
    labels: Vec<String>,
    markers: Vec<&'static str>,
    bbox: (f64, f64),
    blocks: Vec<Open>,
    /// Per participant: start rows of its open activations.
    active: Vec<Vec<f64>>,
    /// Finished activation bars: (participant, top, bottom, depth from 0).
    bars: Vec<(usize, f64, f64, usize)>,
    /// Per participant: where its head box is drawn (created ones: at their creating message).
    head_top: Vec<Option<f64>>,
    /// Per participant: where its lifeline ends when destroyed.
    destroyed: Vec<Option<f64>>,
    pending_destroy: Vec<usize>,
}

impl<'a> Rows<'a> {
    fn new(m: &'a Model, x: &'a [f64], box_w: &'a [f64]) -> Self {
        let head_h = m.parts.iter().map(part_height).fold(0.0, f64::max);
        let mut r = Rows {
            m,
            x,
            box_w,
            y: head_h + 18.0,
            head_h,
            prims: String::new(),
            back: String::new(),
            bgs: String::new(),
            texts: Vec::new(),
            labels: Vec::new(),
            markers: Vec::new(),
            bbox: (f64::INFINITY, f64::NEG_INFINITY),
            blocks: Vec::new(),
            active: vec![Vec::new(); m.parts.len()],
            bars: Vec::new(),
            head_top: m
                .parts
                .iter()
                .map(|p| (!p.created).then_some(0.0))
                .collect(),
            destroyed: vec![None; m.parts.len()],
            pending_destroy: Vec::new(),
        };
        for (i, p) in m.parts.iter().enumerate() {
            r.grow(x[i] - box_w[i] / 2.0, x[i] + box_w[i] / 2.0);
            r.labels.push(p.label.join(" "));
        }
        r
    }

    fn grow(&mut self, l: f64, r: f64) {
        self.bbox.0 = self.bbox.0.min(l);
        self.bbox.1 = self.bbox.1.max(r);
    }

    fn extend(&mut self, l: f64, r: f64) {
        for b in &mut self.blocks {
            b.l = b.l.min(l);
            b.r = b.r.max(r);
        }
    }

    fn item(&mut self, it: &Item) {
        match it {
            Item::Msg { .. } => self.message(it),
            Item::Note { a, b, side, text } => self.note(*a, *b, *side, text),
            Item::Start { kind, label } => {
                self.blocks.push(Open {
                    top: self.y,
                    l: f64::INFINITY,
                    r: f64::NEG_INFINITY,
                    kind: kind.clone(),
                    label: label.clone(),
                    elses: Vec::new(),
                });
                self.y += LINE_HEIGHT + 14.0;
            }
            Item::Else { label } => {
                let y = self.y;
                if let Some(b) = self.blocks.last_mut() {
                    b.elses.push((y, label.clone()));
                }
                self.y += LINE_HEIGHT + 12.0;
            }
            Item::End => self.end_block(),
            Item::Activate(p) => self.active[*p].push(self.y - 8.0),
            Item::Deactivate(p) => self.stop(*p, self.y - 8.0),
            Item::Destroy(p) => self.pending_destroy.push(*p),
        }
    }

    /// Ends the innermost activation of `p` at `y`.
    fn stop(&mut self, p: usize, y: f64) {
        if let Some(top) = self.active[p].pop() {
            let depth = self.active[p].len();
            self.bars.push((p, top, y.max(top + 8.0), depth));
        }
    }

    /// Where a message meets participant `p`'s lifeline, coming from the side of `toward`.
    fn port(&self, p: usize, toward: f64) -> f64 {
        let d = self.active[p].len();
        if d == 0 {
            return self.x[p];
        }
        let c = self.x[p] + ACT * (d as f64 - 1.0);
        if toward > self.x[p] { c + ACT } else { c - ACT }
    }

    fn message(&mut self, it: &Item) {
        let Item::Msg {
            from,
            to,
            text,
            dashed,
            head,
            both,
            activate,
            deactivate,
        } = it
        else {
            return;
        };
        let (from, to) = (*from, *to);
        let th = if text.iter().all(String::is_empty) {
            0.0
        } else {
            svg::lines_height(text.len())
        };
        let class = if *dashed {
            "dg-msg dg-dotted"
        } else {
            "dg-msg"
        };
        let mut mk = String::new();
        if let Some(h) = head {
            self.markers.push(h);
            let _ = write!(mk, " marker-end=\"url(#{ID}-{h})\"");
            if *both {
                let _ = write!(mk, " marker-start=\"url(#{ID}-{h})\"");
            }
        }
        let ly = if from == to {
            self.self_message(from, text, th, class, &mk, *activate)
        } else {
            self.plain_message(from, to, text, th, class, &mk, *activate)
        };
        if *deactivate {
            self.stop(from, ly);
        }
        self.labels.push(text.join(" "));
        let gone: Vec<usize> = self
            .pending_destroy
            .iter()
            .copied()
            .filter(|&p| p == from || p == to)
            .collect();
        for p in gone {
            self.pending_destroy.retain(|&q| q != p);
            while !self.active[p].is_empty() {
                self.stop(p, ly);
            }
            self.destroyed[p] = Some(ly);
        }
    }

    fn self_message(
        &mut self,
        p: usize,
        text: &[String],
        th: f64,
        class: &str,
        mk: &str,
        activate: bool,
    ) -> f64 {
        let x0 = self.port(p, f64::INFINITY);
        let top = self.y;
        let lh = th.max(LINE_HEIGHT);
        let y1 = top + 4.0;
        let y2 = y1 + lh + 8.0;
        if activate {
            self.active[p].push(y2 - 4.0);
        }
        let x_end = if activate {
            self.port(p, f64::INFINITY)
        } else {
            x0 + 2.0
        };
        let _ = write!(
            self.prims,
            "<path class=\"{class}\" d=\"M{} {}H{}V{}H{}\"{mk}/>",
            num(x0),
            num(y1),
            num(x0 + SELF_W),
            num(y2),
            num(x_end)
        );
        if th > 0.0 {
            self.texts.push((
                x0 + SELF_W + 6.0,
                (y1 + y2) / 2.0,
                text.to_vec(),
                Anchor::Start,
            ));
        }
        let r = x0 + SELF_W + 6.0 + text_w(text) + 4.0;
        self.grow(x0, r);
        self.extend(x0, r);
        self.y = y2 + 16.0;
        y1
    }

    #[allow(clippy::too_many_arguments)]
    fn plain_message(
        &mut self,
        from: usize,
        to: usize,
        text: &[String],
        th: f64,
        class: &str,
        mk: &str,
        activate: bool,
    ) -> f64 {
        let creating = self.head_top[to].is_none();
        let ph = part_height(&self.m.parts[to]);
        let mut ly = self.y + th + 6.0;
        if creating {
            ly = ly.max(self.y + ph / 2.0);
            self.head_top[to] = Some(ly - ph / 2.0);
        }
        if activate {
            self.active[to].push(ly);
        }
        let x1 = self.port(from, self.x[to]);
        let mut x2 = self.port(to, self.x[from]);
        if creating {
            let half = self.box_w[to] / 2.0;
            x2 = if self.x[from] < self.x[to] {
                self.x[to] - half
            } else {
                self.x[to] + half
            };
        }
        if th > 0.0 {
            let cx = (x1 + x2) / 2.0;
            if from.abs_diff(to) > 1 {
                // Lifelines in between would strike through the text.
                let w = text_w(text) + 8.0;
                let _ = write!(
                    self.bgs,
                    "<rect class=\"dg-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(cx - w / 2.0),
                    num(self.y),
                    num(w),
                    num(th)
                );
            }
            self.texts
                .push((cx, self.y + th / 2.0, text.to_vec(), Anchor::Middle));
        }
        let _ = write!(
            self.prims,
            "<path class=\"{class}\" d=\"M{} {}H{}\"{mk}/>",
            num(x1),
            num(ly),
            num(x2)
        );
        self.extend(x1.min(x2), x1.max(x2));
        self.y = if creating {
            (ly + 16.0).max(ly + ph / 2.0 + 12.0)
        } else {
            ly + 16.0
        };
        ly
    }

    fn note(&mut self, a: usize, b: usize, side: Side, text: &[String]) {
        let x = self.x;
        let w = text_w(text) + 2.0 * NOTE_PAD;
        let h = svg::lines_height(text.len()) + 2.0 * 5.0;
        let (l, r) = match side {
            Side::Left => (x[a] - 8.0 - w, x[a] - 8.0),
            Side::Right => (x[a] + 8.0, x[a] + 8.0 + w),
            Side::Over if a == b => (x[a] - w / 2.0, x[a] + w / 2.0),
            Side::Over => {
                let (l, r) = (x[a] - 20.0, x[b] + 20.0);
                if r - l < w {
                    let c = (l + r) / 2.0;
                    (c - w / 2.0, c + w / 2.0)
                } else {
                    (l, r)
                }
            }
        };
        let _ = write!(
            self.prims,
            "<rect class=\"dg-note\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            num(l),
            num(self.y),
            num(r - l),
            num(h)
        );
        self.texts.push((
            (l + r) / 2.0,
            self.y + h / 2.0,
            text.to_vec(),
            Anchor::Middle,
        ));
        self.labels.push(text.join(" "));
        self.grow(l, r);
        self.extend(l, r);
        self.y += h + 14.0;
    }

    /// Closes the innermost block: its frame, its kind's tab and label, its dividers.
    fn end_block(&mut self) {
        let Some(b) = self.blocks.pop() else { return };
        let x = self.x;
        let (mut l, mut r) = if b.l.is_finite() {
            (b.l - BLOCK_INSET, b.r + BLOCK_INSET)
        } else {
            (x[0] - 40.0, x[0] + 40.0)
        };
        let need = header_width(&b.kind, &b.label).max(
            b.elses
                .iter()
                .map(|e| font::width(&bracket(&e.1)) + 24.0)
                .fold(0.0, f64::max),
        );
        if r - l < need {
            let c = (l + r) / 2.0;
            l = c - need / 2.0;
            r = c + need / 2.0;
        }
        let bottom = self.y;
        let class = if b.kind == "rect" {
            "dg-block dg-rect"
        } else {
            "dg-block"
        };
        let _ = write!(
            self.back,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            num(l),
            num(b.top),
            num(r - l),
            num(bottom - b.top)
        );
        if b.kind != "rect" {
            let kw = font::width(&b.kind) + 16.0;
            let hy = b.top + (LINE_HEIGHT + 8.0) / 2.0;
            let _ = write!(
                self.back,
                "<path class=\"dg-tab\" d=\"M{} {}H{}V{}L{} {}H{}Z\"/>",
                num(l),
                num(b.top),
                num(l + kw + 6.0),
                num(b.top + LINE_HEIGHT),
                num(l + kw),
                num(b.top + LINE_HEIGHT + 8.0),
                num(l)
            );
            self.texts
                .push((l + 8.0, hy, vec![b.kind.clone()], Anchor::Start));
            if !b.label.is_empty() {
                self.texts
                    .push((l + kw + 14.0, hy, vec![bracket(&b.label)], Anchor::Start));
                self.labels.push(b.label.clone());
            }
        }
        for (ey, el) in &b.elses {
            let _ = write!(
                self.back,
                "<path class=\"dg-divider\" d=\"M{} {}H{}\"/>",
                num(l),
                num(*ey),
                num(r)
            );
            if !el.is_empty() {
                self.texts.push((
                    l + 10.0,
                    ey + 4.0 + LINE_HEIGHT / 2.0,
                    vec![bracket(el)],
                    Anchor::Start,
                ));
                self.labels.push(el.clone());
            }
        }
        self.grow(l, r);
        self.extend(l, r);
        self.y = bottom + 12.0;
    }
}

/// The SVG: groups, block frames, lifelines and participants, messages and notes,
/// activation bars, label backgrounds, texts; shifted so the leftmost element sits at the
/// margin.
fn assemble(m: &Model, x: &[f64], box_w: &[f64], mut rows: Rows) -> Drawn {
    let foot_y = rows.y + 4.0;
    for p in 0..m.parts.len() {
        while !rows.active[p].is_empty() {
            rows.stop(p, foot_y - 4.0);
        }
    }
    let head_h = rows.head_h;
    let total_h = foot_y + head_h;
    let labelled = m.groups.iter().any(|g| !g.label.is_empty());
    let group_top = if m.groups.is_empty() {
        0.0
    } else {
        GROUP_PAD + if labelled { LINE_HEIGHT + 4.0 } else { 0.0 }
    };
    let groups = draw_groups(m, x, box_w, &mut rows, total_h, group_top);
    let dx = MARGIN - rows.bbox.0;
    let width = rows.bbox.1 - rows.bbox.0 + 2.0 * MARGIN;
    let height = total_h
        + 2.0 * MARGIN
        + if m.groups.is_empty() {
            0.0
        } else {
            group_top + GROUP_PAD
        };
    let dy = MARGIN + group_top;
    let mut out = String::new();
    out.push_str(&svg::defs(&rows.markers));
    let _ = write!(out, "<g transform=\"translate({} {})\">", num(dx), num(dy));
    out.push_str(&groups);
    out.push_str(&rows.back);
    draw_lifelines(&mut out, m, x, box_w, &rows, foot_y);
    out.push_str(&rows.prims);
    for &(p, top, bottom, depth) in &rows.bars {
        let c = x[p] + ACT * depth as f64;
        let _ = write!(
            out,
            "<rect class=\"dg-node dg-activation\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            num(c - ACT),
            num(top),
            num(2.0 * ACT),
            num(bottom - top)
        );
    }
    out.push_str(&rows.bgs);
    for (tx, ty, lines, anchor) in rows.texts {
        svg::text(&mut out, "dg-t", tx, ty, &lines, anchor);
    }
    out.push_str("</g>");
    Drawn {
        svg_body: out,
        width,
        height,
        labels: rows.labels,
        work: 0,
        markers: Vec::new(),
    }
}

/// `box` groups: a frame around their participants' columns, the name on top.
fn draw_groups(
    m: &Model,
    x: &[f64],
    box_w: &[f64],
    rows: &mut Rows,
    total_h: f64,
    group_top: f64,
) -> String {
    let mut groups = String::new();
    for (g, grp) in m.groups.iter().enumerate() {
        let members: Vec<usize> = (0..m.parts.len())
            .filter(|&i| m.parts[i].group == Some(g))
            .collect();
        if members.is_empty() {
            continue;
        }
        let l = members
            .iter()
            .map(|&i| x[i] - box_w[i] / 2.0)
            .fold(f64::INFINITY, f64::min)
            - GROUP_PAD;
        let r = members
            .iter()
            .map(|&i| x[i] + box_w[i] / 2.0)
            .fold(f64::NEG_INFINITY, f64::max)
            + GROUP_PAD;
        let r = r.max(l + font::width(&grp.label) + 2.0 * GROUP_PAD);
        let _ = write!(
            groups,
            "<rect class=\"dg-cluster\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(l),
            num(-group_top),
            num(r - l),
            num(total_h + group_top + GROUP_PAD)
        );
        if !grp.label.is_empty() {
            svg::text(
                &mut groups,
                "dg-t dg-title",
                (l + r) / 2.0,
                -group_top + 4.0 + LINE_HEIGHT / 2.0,
                std::slice::from_ref(&grp.label),
                Anchor::Middle,
            );
            rows.labels.push(grp.label.clone());
        }
        rows.grow(l, r);
    }
    groups
}

/// Each participant's lifeline, head and foot (or the cross where it was destroyed).
fn draw_lifelines(out: &mut String, m: &Model, x: &[f64], box_w: &[f64], rows: &Rows, foot_y: f64) {
    for (i, p) in m.parts.iter().enumerate() {
        let own_h = part_height(p);
        let top = rows.head_top[i].unwrap_or(0.0);
        let end = rows.destroyed[i].unwrap_or(foot_y);
        let _ = write!(
            out,
            "<path class=\"dg-lifeline\" d=\"M{} {}V{}\"/>",
            num(x[i]),
            num(top + own_h),
            num(end)
        );
        draw_part(out, p, x[i], top, box_w[i], own_h);
        match rows.destroyed[i] {
            Some(y) => {
                let k = 9.0;
                let _ = write!(
                    out,
                    "<path class=\"dg-cross\" d=\"M{} {}L{} {}M{} {}L{} {}\"/>",
                    num(x[i] - k),
                    num(y - k),
                    num(x[i] + k),
                    num(y + k),
                    num(x[i] + k),
                    num(y - k),
                    num(x[i] - k),
                    num(y + k)
                );
            }
            None => draw_part(out, p, x[i], foot_y, box_w[i], own_h),
        }
    }
}

fn bracket(s: &str) -> String {
    format!("[{s}]")
}

fn header_width(kind: &str, label: &str) -> f64 {
    let kw = font::width(kind) + 16.0;
    if kind == "rect" {
        0.0
    } else if label.is_empty() {
        kw + 20.0
    } else {
        kw + 14.0 + font::width(&bracket(label)) + 12.0
    }
}

fn part_height(p: &Part) -> f64 {
    let th = svg::lines_height(p.label.len());
    if p.kind.symbol() {
        36.0 + th
    } else if p.kind == Kind::Collections {
        th + 2.0 * BOX_PAD_Y + 6.0
    } else {
        th + 2.0 * BOX_PAD_Y
    }
}

/// A participant's head (or foot): a box around the name, or a symbol over it.
fn draw_part(out: &mut String, p: &Part, cx: f64, top: f64, w: f64, h: f64) {
    if p.kind.symbol() {
        draw_symbol(out, p.kind, cx, top);
        let th = svg::lines_height(p.label.len());
        svg::text(
            out,
            "dg-t",
            cx,
            top + 36.0 + th / 2.0,
            &p.label,
            Anchor::Middle,
        );
        return;
    }
    match p.kind {
        Kind::Collections => {
            for (k, class) in [(6.0, "dg-node"), (0.0, "dg-node")] {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                    num(cx - w / 2.0 + k),
                    num(top + 6.0 - k),
                    num(w - 6.0),
                    num(h - 6.0)
                );
            }
            svg::text(
                out,
                "dg-t",
                cx - 3.0,
                top + 6.0 + (h - 6.0) / 2.0,
                &p.label,
                Anchor::Middle,
            );
        }
        Kind::Queue => {
            let (l, r) = (cx - w / 2.0, cx + w / 2.0);
            let rx = 7.0;
            let _ = write!(
                out,
                "<path class=\"dg-node\" d=\"M{l} {t}H{r1}A{rx} {ry} 0 0 1 {r1} {b}H{l}A{rx} {ry} 0 0 1 {l} {t}Z\"/><path class=\"dg-line\" d=\"M{r1} {t}A{rx} {ry} 0 0 0 {r1} {b}\"/>",
                l = num(l + rx),
                r1 = num(r - rx),
                t = num(top),
                b = num(top + h),
                rx = num(rx),
                ry = num(h / 2.0)
            );
            svg::text(
                out,
                "dg-t",
                cx - 3.0,
                top + h / 2.0,
                &p.label,
                Anchor::Middle,
            );
        }
        _ => {
            let _ = write!(
                out,
                "<rect class=\"dg-node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                num(cx - w / 2.0),
                num(top),
                num(w),
                num(h)
            );
            svg::text(out, "dg-t", cx, top + h / 2.0, &p.label, Anchor::Middle);
        }
    }
}

/// The symbols drawn over a participant's name (36 px high).
fn draw_symbol(out: &mut String, kind: Kind, cx: f64, top: f64) {
    let cy = top + 17.0;
    let r = 11.0;
    let circle = |out: &mut String| {
        let _ = write!(
            out,
            "<circle class=\"dg-node\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
            num(cx),
            num(cy),
            num(r)
        );
    };
    match kind {
        Kind::Actor => draw_actor(out, cx, top),
        Kind::Boundary => {
            circle(out);
            let _ = write!(
                out,
                "<path class=\"dg-line\" d=\"M{} {}V{}M{} {}H{}\"/>",
                num(cx - r - 9.0),
                num(cy - r),
                num(cy + r),
                num(cx - r - 9.0),
                num(cy),
                num(cx - r)
            );
        }
        Kind::Control => {
            circle(out);
            let _ = write!(
                out,
                "<path class=\"dg-line\" d=\"M{} {}L{} {}L{} {}\"/>",
                num(cx + 5.0),
                num(cy - r - 4.0),
                num(cx - 1.0),
                num(cy - r),
                num(cx + 5.0),
                num(cy - r + 4.0)
            );
        }
        Kind::Entity => {
            circle(out);
            let _ = write!(
                out,
                "<path class=\"dg-line\" d=\"M{} {}H{}\"/>",
                num(cx - r),
                num(cy + r + 3.0),
                num(cx + r)
            );
        }
        Kind::Database => draw_database(out, cx, top),
        _ => {}
    }
}

/// The actor: a stick figure under the top of its box at `top`, centred on `cx`.
fn draw_actor(out: &mut String, cx: f64, top: f64) {
    let hy = top + 7.0;
    let _ = write!(
        out,
        "<circle class=\"dg-node\" cx=\"{}\" cy=\"{}\" r=\"6\"/><path class=\"dg-line\" d=\"M{} {}V{}M{} {}H{}M{} {}L{} {}L{} {}\"/>",
        num(cx),
        num(hy),
        num(cx),
        num(hy + 6.0),
        num(hy + 18.0),
        num(cx - 9.0),
        num(hy + 10.0),
        num(cx + 9.0),
        num(cx - 8.0),
        num(hy + 28.0),
        num(cx),
        num(hy + 18.0),
        num(cx + 8.0),
        num(hy + 28.0)
    );
}

/// The database: a cylinder under the top of its box at `top`, centred on `cx`.
fn draw_database(out: &mut String, cx: f64, top: f64) {
    let (rx, ry) = (13.0, 4.5);
    let (t, b) = (top + 4.0 + ry, top + 32.0 - ry);
    let _ = write!(
        out,
        "<path class=\"dg-node\" d=\"M{l} {t}A{rx} {ry} 0 0 1 {r} {t}V{b}A{rx} {ry} 0 0 1 {l} {b}Z\"/><path class=\"dg-line\" d=\"M{l} {t}A{rx} {ry} 0 0 0 {r} {t}\"/>",
        l = num(cx - rx),
        r = num(cx + rx),
        t = num(t),
        b = num(b),
        rx = num(rx),
        ry = num(ry)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::lex::statements;

    #[test]
    fn parses_messages_notes_blocks() {
        let src = "sequenceDiagram\n actor U as User\n participant C as Client app\n U->>C: hi\n C-->>U: ok\n Note over U,C: both\n alt yes\n  C->>C: self\n else no\n  C-xU: bye\n end\n";
        let (m, _) = parse(&statements(src, false)).unwrap();
        assert_eq!(m.parts.len(), 2);
        assert_eq!(m.parts[0].kind, Kind::Actor);
        assert_eq!(m.items.len(), 8);
        assert!(render(&statements(src, false)).is_ok());
    }

    #[test]
    fn types_boxes_activations_create_destroy() {
        let src = "sequenceDiagram\n box Aqua Front end\n participant API@{ \"type\": \"boundary\" } as Public API\n end\n participant DB@{ \"type\": \"database\", \"alias\": \"Users\" }\n autonumber 10 5\n API->>+DB: query\n DB-->>-API: rows\n create participant T as Temp\n API->>T: make\n destroy T\n T-xAPI: done\n activate API\n deactivate API\n";
        let (m, _) = parse(&statements(src, false)).unwrap();
        assert_eq!(m.parts[0].kind, Kind::Boundary);
        assert_eq!(m.parts[0].label, ["Public API"]);
        assert_eq!(m.parts[1].kind, Kind::Database);
        assert_eq!(m.parts[1].label, ["Users"]);
        assert_eq!(m.groups[0].label, "Front end");
        assert_eq!(m.parts[0].group, Some(0));
        assert_eq!(m.parts[1].group, None);
        assert!(m.parts[2].created);
        let Item::Msg { text, activate, .. } = &m.items[0] else {
            panic!("a message")
        };
        assert_eq!(text[0], "10. query");
        assert!(*activate);
        let (d, _) = render(&statements(src, false)).unwrap();
        assert!(d.svg_body.contains("dg-activation"));
        assert!(d.svg_body.contains("dg-cross"));
        assert!(d.svg_body.contains("Front end"));
    }

    #[test]
    fn errors() {
        let src = "sequenceDiagram\n A->>B: x\n alt y\n A->>B: z\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 5], "alt y");
        let src = "sequenceDiagram\n A B C\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert_eq!(&src[e.pos..e.pos + 5], "A B C");
        let src = "sequenceDiagram\n A-|\\B: half\n";
        let e = parse(&statements(src, false)).unwrap_err();
        assert!(e.message.contains("half arrows"), "{}", e.message);
        let src = "sequenceDiagram\n create participant X\n A->>B: no\n";
        assert!(parse(&statements(src, false)).is_err());
    }
}
