//! Build-time diagrams: ```` ```mermaid ```` and ```` ```svgbob ```` fences become inline SVG.
//!
//! corem draws Mermaid itself — flowcharts, sequence, state, class and entity–relationship
//! diagrams, pies, gantt charts, mind maps and timelines — because the pure-Rust Mermaid
//! renderers measured text with the build machine's fonts, clipped or overlapped labels and
//! repeated ids (see `docs/notes/diagrams.md`). The graph types share one layered layout
//! (`layout`, drawn by `graph` with the shapes of `shapes`); the others lay themselves out.
//! Every diagram has a size budget ([`budget`]), so no input can stall a build.
//! Here text is measured with the font the theme ships ([`font`]), every label is laid out as an
//! obstacle (`layout`), ids carry a per-diagram prefix, colours are CSS classes styled by the
//! theme, and the output has no script and no external reference.
//!
//! Rendering is pure: the same source always gives the same SVG, so results are cached by
//! source text for the life of the process (a `serve` rebuild re-renders only changed diagrams).

mod bob;
pub mod budget;
mod class;
mod datetime;
mod er;
mod flowchart;
pub mod font;
mod gantt;
mod graph;
mod layout;
mod lex;
mod mindmap;
mod pie;
mod sequence;
mod shapes;
mod state;
mod svg;
mod timeline;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub use lex::SyntaxError;

/// A diagram rendered once, reusable under any id prefix.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// `mermaid` diagram type (`flowchart`, `sequence`, `state`, `class`, `er`, `pie`, `gantt`,
    /// `mindmap`, `timeline`) or `svgbob`.
    pub kind: &'static str,
    /// The `<svg>` element; ids contain the [`svg::ID`] placeholder.
    svg: String,
    /// Every label, in drawing order (for search and the default accessible name).
    pub labels: Vec<String>,
    /// Caption from a `%% title:` line, front matter or `accTitle:`.
    pub title: Option<String>,
    /// Time the first rendering took.
    pub time: Duration,
    /// Steps the layout took (0 for diagrams without a graph layout): a machine-independent
    /// cost, for tests that prove large diagrams stay near-linear.
    pub work: u64,
    /// `click` link targets as written (the SVG holds a placeholder for each, see
    /// [`Rendered::svg_linked`]), and where each is in the source.
    pub links: Vec<String>,
    /// Where each link target is in the source.
    pub link_pos: Vec<usize>,
    /// Things left out on purpose (scripts), at their source offsets.
    pub warnings: Vec<SyntaxError>,
}

impl Rendered {
    /// The SVG with its ids prefixed by `prefix` (which must be unique in the page) and its
    /// links left out (an `<a>` without `href`).
    pub fn svg(&self, prefix: &str) -> String {
        self.svg_linked(prefix, &|_| None)
    }

    /// The SVG with its ids prefixed and each `click` link's target replaced by
    /// `href(index)`; a link `href` gives no URL for is left out.
    pub fn svg_linked(&self, prefix: &str, href: &dyn Fn(usize) -> Option<String>) -> String {
        let s = self.svg.replace(svg::ID, prefix);
        if self.links.is_empty() {
            return s;
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        let open = format!(" href=\"{}", svg::LINK);
        while let Some(k) = rest.find(&open) {
            out.push_str(&rest[..k]);
            let after = &rest[k + open.len()..];
            let Some(e) = after.find(svg::LINK) else {
                break;
            };
            let index = after[..e].parse::<usize>().ok();
            if let Some(url) = index.and_then(href) {
                out.push_str(" href=\"");
                out.push_str(&svg::esc(&url));
            }
            // Skip the placeholder and its closing quote when left out.
            rest = &after[e + svg::LINK.len_utf8()..];
            if index.and_then(href).is_none() {
                rest = rest.strip_prefix('"').unwrap_or(rest);
            }
        }
        out.push_str(rest);
        out
    }

    /// Size of the SVG in bytes (with an 11-byte prefix).
    pub fn bytes(&self) -> usize {
        self.svg(&"x".repeat(11)).len()
    }
}

type Cache = Mutex<HashMap<(bool, String), Arc<Result<Rendered, SyntaxError>>>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Renders a ```` ```mermaid ```` block (cached by its text).
pub fn mermaid(src: &str) -> Arc<Result<Rendered, SyntaxError>> {
    cached(false, src, render_mermaid)
}

/// Renders a ```` ```svgbob ```` block (cached by its text).
pub fn svgbob(src: &str) -> Arc<Result<Rendered, SyntaxError>> {
    cached(true, src, bob::render)
}

fn cached(
    bob: bool,
    src: &str,
    f: impl Fn(&str) -> Result<Rendered, SyntaxError>,
) -> Arc<Result<Rendered, SyntaxError>> {
    let key = (bob, src.to_string());
    if let Ok(c) = cache().lock()
        && let Some(r) = c.get(&key)
    {
        return Arc::clone(r);
    }
    let t = Instant::now();
    let mut r = f(src);
    if let Ok(r) = &mut r {
        r.time = t.elapsed();
    }
    let r = Arc::new(r);
    if let Ok(mut c) = cache().lock() {
        // A long `serve` session keeps at most this many; start afresh beyond it.
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(key, Arc::clone(&r));
    }
    r
}

/// Known Mermaid diagram types corem does not draw.
const UNSUPPORTED: &[&str] = &[
    "journey",
    "gitGraph",
    "quadrantChart",
    "xychart-beta",
    "xychart",
    "sankey-beta",
    "sankey",
    "requirementDiagram",
    "C4Context",
    "C4Container",
    "C4Component",
    "C4Dynamic",
    "C4Deployment",
    "block-beta",
    "block",
    "packet-beta",
    "packet",
    "architecture-beta",
    "kanban",
    "radar-beta",
    "treemap-beta",
    "zenuml",
];

/// The diagram types corem draws, by their header word.
const TYPES: &[&str] = &[
    "flowchart",
    "graph",
    "sequenceDiagram",
    "stateDiagram-v2",
    "stateDiagram",
    "classDiagram",
    "erDiagram",
    "pie",
    "gantt",
    "mindmap",
    "timeline",
];

const SUPPORTED: &str = "flowchart (or graph), sequenceDiagram, stateDiagram-v2, classDiagram, erDiagram, pie, gantt, mindmap and timeline";

/// A diagram's drawing and what came with it (links, warnings, a title of its own).
type Drawing = (graph::Drawn, lex::Extras);

fn render_mermaid(src: &str) -> Result<Rendered, SyntaxError> {
    budget::source_size(src)?;
    let (skip, fm_title) = lex::front_matter(src);
    // Statements keep offsets in the whole source: blank out the front matter.
    let body: String = src[..skip]
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect::<String>()
        + &src[skip..];
    let title_line = src[skip..]
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .and_then(|l| l.strip_prefix("%%"))
        .and_then(|l| l.trim().strip_prefix("title:"))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let all = lex::statements(&body, true);
    let Some(first) = all.first() else {
        return lex::err(
            0,
            format!("empty diagram: start with a diagram type ({SUPPORTED})"),
        );
    };
    let word = first
        .text
        .split(|c: char| c.is_whitespace() || c == ';' || c == ':')
        .next()
        .unwrap_or("");
    let acc_title = all.iter().find_map(|s| {
        s.text
            .strip_prefix("accTitle")
            .and_then(|r| r.trim_start().strip_prefix(':'))
            .map(|t| t.trim().to_string())
    });
    let (kind, (drawn, extras)) = draw_type(word, first, &body, &all)?;
    let title = title_line.or(fm_title).or(extras.title).or(acc_title);
    let name = title
        .clone()
        .unwrap_or_else(|| default_name(kind, &drawn.labels));
    Ok(Rendered {
        kind,
        svg: svg::root(kind, drawn.width, drawn.height, &name, &drawn.svg()),
        labels: drawn.labels,
        title,
        time: Duration::ZERO,
        work: drawn.work,
        links: extras.links,
        link_pos: extras.link_pos,
        warnings: extras.warnings,
    })
}

/// Parses and draws the diagram by its type (`word`, the header's first word).
fn draw_type(
    word: &str,
    first: &lex::Stmt,
    body: &str,
    all: &[lex::Stmt],
) -> Result<(&'static str, Drawing), SyntaxError> {
    let graph = |g: graph::Graph, x: lex::Extras| -> Result<Drawing, SyntaxError> {
        if g.nodes.is_empty() {
            return lex::err(
                first.pos,
                format!("the `{word}` diagram has nothing to draw"),
            );
        }
        budget::graph_size(g.nodes.len(), g.edges.len(), first.pos)?;
        let d = graph::draw(&g).or_else(|e| budget::too_big(e, first.pos))?;
        Ok((d, x))
    };
    let lines = || lex::statements(body, false);
    Ok(match word {
        "flowchart" | "graph" | "flowchart-elk" => {
            let (g, x) = flowchart::parse(all)?;
            ("flowchart", graph(g, x)?)
        }
        "sequenceDiagram" => ("sequence", sequence::render(&lines())?),
        "stateDiagram-v2" | "stateDiagram" => {
            let (g, x) = state::parse(&lines())?;
            ("state", graph(g, x)?)
        }
        "classDiagram" | "classDiagram-v2" => {
            let (g, x) = class::parse(&lines())?;
            ("class", graph(g, x)?)
        }
        "erDiagram" => {
            let (g, x) = er::parse(&lines())?;
            ("er", graph(g, x)?)
        }
        "pie" => ("pie", pie::render(&lines())?),
        "gantt" => ("gantt", gantt::render(&lines())?),
        "mindmap" => ("mindmap", mindmap::render(body, &lines())?),
        "timeline" => ("timeline", timeline::render(&lines())?),
        _ if UNSUPPORTED.contains(&word) => {
            return lex::err(
                first.pos,
                format!("unsupported diagram type `{word}`: corem draws {SUPPORTED}"),
            );
        }
        _ => {
            let near = TYPES
                .iter()
                .map(|t| {
                    (
                        strsim::levenshtein(&t.to_lowercase(), &word.to_lowercase()),
                        t,
                    )
                })
                .min()
                .filter(|(d, _)| *d <= 3)
                .map(|(_, t)| format!(" (did you mean `{t}`?)"))
                .unwrap_or_default();
            return lex::err(
                first.pos,
                format!("unknown diagram type `{word}`{near}: corem draws {SUPPORTED}"),
            );
        }
    })
}

/// The accessible name of a diagram without a title: its type and first labels.
fn default_name(kind: &str, labels: &[String]) -> String {
    let kind = match kind {
        "flowchart" => "Flowchart",
        "sequence" => "Sequence diagram",
        "state" => "State diagram",
        "class" => "Class diagram",
        "er" => "Entity-relationship diagram",
        "pie" => "Pie chart",
        "gantt" => "Gantt chart",
        "mindmap" => "Mind map",
        "timeline" => "Timeline",
        _ => "Diagram",
    };
    let mut s = String::from(kind);
    let mut sep = ": ";
    for l in labels {
        if s.len() + l.len() > 120 {
            s.push_str(", …");
            break;
        }
        s.push_str(sep);
        s.push_str(l);
        sep = ", ";
    }
    s
}

/// The `click` link targets of a ```` ```mermaid ```` block with their byte offsets in it (for
/// the Markdown pass, which resolves them like the note's other links). A block that does not
/// draw has none.
pub fn link_targets(src: &str) -> Vec<(usize, String)> {
    // Only `click` statements (`link` and `callback` in class diagrams) make links: a block
    // without those words is not drawn here, at every parse of its note.
    if !["click", "link", "callback"]
        .iter()
        .any(|k| src.contains(k))
    {
        return Vec::new();
    }
    match mermaid(src).as_ref() {
        Ok(r) => r
            .link_pos
            .iter()
            .copied()
            .zip(r.links.iter().cloned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// A stable 64-bit FNV-1a hash (the same on every machine and Rust version).
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The caption given in the info string after the language (` ```mermaid Caption `), if any.
pub fn info_caption(info: &str) -> Option<String> {
    let rest = info.split_once(char::is_whitespace)?.1.trim();
    let rest = rest
        .strip_prefix("title=")
        .or_else(|| rest.strip_prefix("caption="))
        .unwrap_or(rest);
    let t = lex::unquote(rest).trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The `<figure>` for a rendered diagram (its links left out).
pub fn figure(r: &Rendered, prefix: &str, caption: Option<&str>) -> String {
    figure_linked(r, prefix, caption, &|_| None)
}

/// The `<figure>` for a rendered diagram, `click` link `k` pointing at `href(k)`.
pub fn figure_linked(
    r: &Rendered,
    prefix: &str,
    caption: Option<&str>,
    href: &dyn Fn(usize) -> Option<String>,
) -> String {
    let mut out = format!(
        "<figure class=\"diagram\" data-diagram=\"{}\">{}",
        r.kind,
        r.svg_linked(prefix, href)
    );
    if let Some(c) = caption {
        out.push_str("<figcaption>");
        out.push_str(&svg::esc(c));
        out.push_str("</figcaption>");
    }
    out.push_str("</figure>\n");
    out
}

/// Title to use when the info string gives none and the SVG's own title should be the caption.
pub fn with_caption(r: &Rendered, caption: Option<&str>) -> Rendered {
    match caption {
        Some(c) if r.title.as_deref() != Some(c) => {
            let mut r = r.clone();
            let old = format!("<title id=\"{}-title\">", svg::ID);
            if let Some(start) = r.svg.find(&old) {
                let from = start + old.len();
                if let Some(end) = r.svg[from..].find("</title>") {
                    r.svg.replace_range(from..from + end, &svg::esc(c));
                }
            }
            r.title = Some(c.to_string());
            r
        }
        _ => r.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_unknown_diagrams_are_errors() {
        assert!(mermaid("").as_ref().is_err());
        assert!(mermaid("%% only a comment\n").as_ref().is_err());
        assert!(mermaid("flowchart LR\n").as_ref().is_err());
        assert!(mermaid("stateDiagram-v2\n").as_ref().is_err());
        let e = mermaid("\n  journey\n").as_ref().clone().unwrap_err();
        assert_eq!(e.pos, 3);
        assert!(e.message.contains("unsupported diagram type `journey`"));
        assert!(e.message.contains("erDiagram, pie, gantt"));
        let e = mermaid("flowchat LR\n").as_ref().clone().unwrap_err();
        assert!(
            e.message
                .contains("unknown diagram type `flowchat` (did you mean `flowchart`?)"),
            "{}",
            e.message
        );
        assert!(mermaid("flowchart-elk LR\n A --> B\n").as_ref().is_ok());
    }

    #[test]
    fn captions_and_names() {
        let r = mermaid("---\ntitle: From front matter\n---\nflowchart LR\n A --> B\n");
        let r = r.as_ref().as_ref().unwrap();
        assert_eq!(r.title.as_deref(), Some("From front matter"));
        let r = mermaid("flowchart LR\n A[Alpha] --> B[Beta]\n");
        let r = r.as_ref().as_ref().unwrap();
        assert!(
            r.svg("p")
                .contains("<title id=\"p-title\">Flowchart: Alpha, Beta</title>")
        );
        assert_eq!(
            info_caption("mermaid The caption").as_deref(),
            Some("The caption")
        );
        assert_eq!(
            info_caption("mermaid title=\"Quoted\"").as_deref(),
            Some("Quoted")
        );
        assert_eq!(info_caption("mermaid"), None);
    }

    /// Mangled diagrams (cut anywhere, odd characters anywhere) give an error or a drawing,
    /// never a panic.
    #[test]
    fn mangled_input_never_panics() {
        let seeds = [
            "flowchart LR\n subgraph S[\"T\"]\n A[\"a\"] -- \"x\" --> B{\"b\"}\n end\n B -.-> C[(c)] & D{{d}}\n C <--> A\n",
            "sequenceDiagram\n actor U as User\n U->>B: hi\n alt ok\n B-->>U: yes\n else no\n Note over U,B: n\n end\n",
            "stateDiagram-v2\n [*] --> A\n A --> B: go\n state C {\n [*] --> D\n }\n B --> C\n C --> [*]\n",
            "classDiagram\n class A {\n +f int\n +m() void\n }\n A <|-- B\n B \"1\" *-- \"n\" C : has\n",
        ];
        let junk = [
            "é", "\"", "[", "]", "{", "(", ")", "|", "-", ">", "<", ":", ";", "\n", "%%", "~", "&",
            "#", "→", "end", " ",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        for seed in seeds {
            for _ in 0..300 {
                let mut s = seed.to_string();
                for _ in 0..1 + next(4) {
                    let mut at = next(s.len() + 1);
                    while !s.is_char_boundary(at) {
                        at -= 1;
                    }
                    if next(3) == 0 {
                        s.truncate(at);
                    } else {
                        s.insert_str(at, junk[next(junk.len())]);
                    }
                }
                let _ = render_mermaid(&s);
            }
        }
    }
}

/// Budgets on runaway input (issue 24): an error at the statement or diagram that goes past
/// them, and near-linear work below them.
#[cfg(test)]
mod budget_tests {
    use super::*;

    /// A flowchart of `n` nodes where each links to two later ones (a pseudo-random DAG with
    /// long links, the shape that made the old layout take 20 s at 500 nodes).
    fn big_flowchart(n: usize) -> String {
        let mut s = String::from("flowchart TD\n");
        let mut x: u64 = 12345;
        for i in 0..n {
            for _ in 0..2 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let j = i + 1 + (x >> 33) as usize % 40;
                if j < n {
                    s.push_str(&format!("  N{i}[Node {i}] --> N{j}\n"));
                }
            }
        }
        s
    }

    #[test]
    fn five_hundred_nodes_draw_with_near_linear_work() {
        let r = render_mermaid(&big_flowchart(500)).expect("500 nodes draw");
        // Items plus segments are a few thousand here; every pass visits each a bounded number
        // of times. The old layout compared every pair of segments in every sweep (millions).
        assert!(r.work > 0);
        assert!(r.work < 2_000_000, "work {}", r.work);
    }

    #[test]
    fn a_full_bipartite_group_is_refused_at_its_statement() {
        let left: Vec<String> = (0..300).map(|i| format!("A{i}")).collect();
        let right: Vec<String> = (0..300).map(|i| format!("B{i}")).collect();
        let src = format!(
            "flowchart LR\n  X --> Y\n  {} --> {}\n",
            left.join(" & "),
            right.join(" & ")
        );
        let e = render_mermaid(&src).expect_err("90,000 links are refused");
        assert_eq!(&src[e.pos..e.pos + 4], "A0 &");
        assert!(e.message.contains("at most 6,000"), "{}", e.message);
    }

    #[test]
    fn long_links_past_the_point_budget_are_refused() {
        // A chain of 400 ranks and 150 links from the top to the bottom: 60,000 points.
        let mut s = String::from("flowchart TD\n");
        for i in 0..400 {
            s.push_str(&format!("  C{i} --> C{}\n", i + 1));
        }
        for k in 0..150 {
            s.push_str(&format!("  C0 --> C400\n  %% {k}\n"));
        }
        let e = render_mermaid(&s).expect_err("too many layout points");
        assert_eq!(e.pos, 0);
        assert!(e.message.contains("layout points"), "{}", e.message);
    }

    #[test]
    fn oversized_sources_are_refused() {
        let src = format!("flowchart LR\n{}", "  A --> B\n".repeat(30_000));
        let e = render_mermaid(&src).expect_err("too long");
        assert!(e.message.contains("bytes"), "{}", e.message);
    }
}
