//! Embeds: cycles and runaway transclusion are errors at the embed that causes them.
//!
//! An embed transcludes a note, a section (`![[Note#Heading]]`) or a block (`![[Note#^id]]`).
//! Each of these is a node; a node's embeds are those written inside its text. A cycle is a
//! node that transcludes itself, however indirectly: `![[#Other section]]` in the same note is
//! fine, unless "Other section" holds that embed. Two limits keep a page finite: embeds nest at
//! most [`MAX_DEPTH`] levels, and a page transcludes at most [`MAX_BYTES`] of Markdown (eight
//! short notes each embedding the next ten times would otherwise be 10⁸ copies).

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::load::{Corpus, NoteId};
use crate::markdown::{LinkKind, Parsed};

use super::Resolved;

/// Deepest nesting of embeds (an embed inside an embed … inside a page).
pub const MAX_DEPTH: usize = 8;
/// Most Markdown a page may transclude through its embeds, all levels counted (4 MiB).
pub const MAX_BYTES: u64 = 4 << 20;

/// A transcluded part: a whole note (`None`) or the part an anchor id names.
type Node = (NoteId, Option<String>);

/// A node being walked: its embeds (link index, target) and the next one to follow.
type Frame = (Node, Vec<(usize, Node)>, usize);

/// What is known of a node once its embeds are walked.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    /// Markdown it transcludes, its own text included (saturating).
    bytes: u64,
    /// Levels of embeds inside it (0 when it embeds nothing).
    depth: usize,
}

struct Walker<'a> {
    corpus: &'a Corpus,
    parsed: &'a [Parsed],
    resolved: &'a [Vec<Resolved>],
    /// 1 = being walked, 2 = done.
    state: HashMap<Node, u8>,
    measures: HashMap<Node, Measure>,
    reported: BTreeSet<(NoteId, usize)>,
    diags: Vec<Diagnostic>,
}

/// Checks every note's embeds; returns the errors.
pub fn check(corpus: &Corpus, parsed: &[Parsed], resolved: &[Vec<Resolved>]) -> Vec<Diagnostic> {
    let mut w = Walker {
        corpus,
        parsed,
        resolved,
        state: HashMap::new(),
        measures: HashMap::new(),
        reported: BTreeSet::new(),
        diags: Vec::new(),
    };
    for (n, p) in parsed.iter().enumerate() {
        if p.links.iter().any(|l| l.kind == LinkKind::Embed) {
            w.walk((n, None));
        }
    }
    for n in 0..corpus.notes.len() {
        w.limits(n);
    }
    w.diags
}

impl Walker<'_> {
    /// The body range of a node.
    fn span(&self, node: &Node) -> Range<usize> {
        let body_len = self.corpus.notes[node.0].body().len();
        match &node.1 {
            None => 0..body_len,
            Some(a) => self.parsed[node.0].anchor_span(a, body_len).unwrap_or(0..0),
        }
    }

    /// The embeds written inside a node: (link index, the node it transcludes).
    fn edges(&self, node: &Node) -> Vec<(usize, Node)> {
        let span = self.span(node);
        let links = &self.parsed[node.0].links;
        links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.kind == LinkKind::Embed && span.contains(&l.span.start))
            .filter_map(|(i, _)| match &self.resolved[node.0][i] {
                Resolved::Note { note, anchor } => Some((i, (*note, anchor.clone()))),
                _ => None,
            })
            .collect()
    }

    /// Depth-first walk from `root` (iterative: embed chains can be long), measuring every
    /// node on the way and reporting the embed that closes each cycle.
    fn walk(&mut self, root: Node) {
        if self.state.contains_key(&root) {
            return;
        }
        let mut stack: Vec<Frame> = Vec::new();
        self.state.insert(root.clone(), 1);
        let edges = self.edges(&root);
        stack.push((root, edges, 0));
        while let Some((node, edges, next)) = stack.last_mut() {
            if *next >= edges.len() {
                let (node, edges, _) = stack.pop().unwrap_or_default();
                self.finish(node, &edges);
                continue;
            }
            let (li, target) = edges[*next].clone();
            *next += 1;
            let from = node.clone();
            match self.state.get(&target).copied() {
                None => {
                    self.state.insert(target.clone(), 1);
                    let e = self.edges(&target);
                    stack.push((target, e, 0));
                }
                Some(1) => {
                    let chain: Vec<Node> = stack
                        .iter()
                        .map(|(n, _, _)| n.clone())
                        .skip_while(|n| *n != target)
                        .collect();
                    self.cycle(&from, li, chain, &target);
                }
                _ => {}
            }
        }
    }

    /// Measures a node whose embeds are all walked.
    fn finish(&mut self, node: Node, edges: &[(usize, Node)]) {
        let span = self.span(&node);
        let mut m = Measure {
            bytes: span.len() as u64,
            depth: 0,
        };
        for (_, t) in edges {
            // A target still being walked is part of a cycle (reported): not counted.
            if let Some(tm) = self.measures.get(t) {
                m.bytes = m.bytes.saturating_add(tm.bytes);
                m.depth = m.depth.max(tm.depth + 1);
            }
        }
        self.measures.insert(node.clone(), m);
        self.state.insert(node, 2);
    }

    fn label(&self, n: &Node) -> String {
        let rel = &self.corpus.notes[n.0].rel;
        match &n.1 {
            Some(a) => format!("{rel}#{a}"),
            None => rel.clone(),
        }
    }

    fn cycle(&mut self, from: &Node, li: usize, chain: Vec<Node>, target: &Node) {
        if !self.reported.insert((from.0, li)) {
            return;
        }
        let mut names: Vec<String> = chain.iter().map(|n| self.label(n)).collect();
        names.push(self.label(target));
        let what = if target.1.is_some() {
            "section"
        } else {
            "note"
        };
        let src = &self.corpus.notes[from.0];
        let link = &self.parsed[from.0].links[li];
        let help = if target.0 == from.0 && target.1.is_some() {
            "the embed sits inside the part it embeds; move it out of that section, or link to it with [[…]]"
        } else {
            "replace one of the embeds in the cycle with a plain link [[…]]"
        };
        self.diags.push(
            Diagnostic::error(
                &src.path,
                format!(
                    "embedding this {what} creates a cycle: {}",
                    names.join(" → ")
                ),
            )
            .at(&src.source, src.body_start + link.span.start)
            .with_help(help),
        );
    }

    /// Reports a page whose embeds nest too deep or transclude too much. A page that is over
    /// only because an embedded note is itself over is not reported again (that note is).
    fn limits(&mut self, n: NoteId) {
        let root = (n, None);
        let Some(m) = self.measures.get(&root).copied() else {
            return;
        };
        let edges = self.edges(&root);
        let measured: Vec<(usize, Node, Measure)> = edges
            .into_iter()
            .filter_map(|(li, t)| self.measures.get(&t).map(|tm| (li, t, *tm)))
            .collect();
        let note = &self.corpus.notes[n];
        // A target over a limit on its own is reported at its own note (which contains it).
        if m.depth > MAX_DEPTH
            && measured.iter().all(|(_, _, tm)| tm.depth <= MAX_DEPTH)
            && let Some((li, t, _)) = measured.iter().find(|(_, _, tm)| tm.depth + 1 == m.depth)
        {
            let chain = self.deepest_chain(t.clone());
            let link = &self.parsed[n].links[*li];
            self.diags.push(
                Diagnostic::error(
                    &note.path,
                    format!(
                        "embeds nest {} levels deep from here (at most {MAX_DEPTH}): {} → {}",
                        m.depth,
                        note.rel,
                        chain.join(" → ")
                    ),
                )
                .at(&note.source, note.body_start + link.span.start)
                .with_help("link to the innermost notes with [[…]] instead of embedding them"),
            );
        }
        if m.bytes > MAX_BYTES && measured.iter().all(|(_, _, tm)| tm.bytes <= MAX_BYTES) {
            let own = self.span(&root).len() as u64;
            let mut sum = own;
            let crossing = measured.iter().find(|(_, _, tm)| {
                sum = sum.saturating_add(tm.bytes);
                sum > MAX_BYTES
            });
            let li = crossing.map_or(0, |(li, _, _)| *li);
            let link = &self.parsed[n].links[li];
            self.diags.push(
                Diagnostic::error(
                    &note.path,
                    format!(
                        "this page's embeds transclude {} of Markdown (at most {} per page)",
                        size(m.bytes),
                        size(MAX_BYTES)
                    ),
                )
                .at(&note.source, note.body_start + link.span.start)
                .with_help("embed a section (![[Note#Heading]]) or link with [[…]] instead of embedding whole notes, or embed fewer copies"),
            );
        }
    }

    /// The chain of nodes following the deepest embeds from `n`.
    fn deepest_chain(&self, mut n: Node) -> Vec<String> {
        let mut out = vec![self.label(&n)];
        for _ in 0..=MAX_DEPTH + 1 {
            let next = self
                .edges(&n)
                .into_iter()
                .filter_map(|(_, t)| self.measures.get(&t).map(|m| (m.depth, t)))
                .max_by_key(|(d, _)| *d);
            match next {
                Some((_, t)) => {
                    out.push(self.label(&t));
                    n = t;
                }
                None => break,
            }
        }
        out
    }
}

/// A byte count as people read it.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    if bytes == u64::MAX {
        return "more than 16 EiB".into();
    }
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_well() {
        assert_eq!(super::size(512), "512 bytes");
        assert_eq!(super::size(4 << 20), "4.0 MiB");
        assert_eq!(super::size(u64::MAX), "more than 16 EiB");
    }
}
