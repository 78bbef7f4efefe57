//! Size budgets: what a diagram may ask of the build before it is refused with a located error.
//!
//! A diagram is drawn in the build's parallel pass; a runaway one (a pasted 100,000-line log in
//! an ```` ```svgbob ```` block, `A0 & … & A299 --> B0 & … & B299`) must not stall the build or
//! `serve` for minutes. The budgets are counts, not clocks, so the same source always gives the
//! same answer on every machine (rendering stays a pure function of the source text) — each is
//! set so that the largest diagram it admits draws in well under a second in a release build.
//! The defaults are listed in docs/notes/diagrams.md ("Limits").

use super::layout::{MAX_POINTS, TooBig};
use super::lex::{Result, err};

/// Largest Mermaid source, in bytes.
pub const MAX_SOURCE: usize = 256 * 1024;
/// Most boxes (nodes, states, classes, entities, …) in one diagram.
pub const MAX_NODES: usize = 3_000;
/// Most links (edges, transitions, relations, messages, …) in one diagram.
pub const MAX_EDGES: usize = 6_000;
/// Deepest nesting of subgraphs, composite states, namespaces and sequence blocks.
pub const MAX_DEPTH: usize = 32;
/// Most non-blank characters in an ```` ```svgbob ```` block: svgbob's time grows with the
/// square of it (10,000 take about a second).
pub const MAX_BOB_CHARS: usize = 10_000;

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The whole Mermaid source within [`MAX_SOURCE`].
pub fn source_size(src: &str) -> Result<()> {
    if src.len() > MAX_SOURCE {
        return err(
            0,
            format!(
                "this diagram is {} bytes long; corem draws diagrams of at most {} bytes: split it",
                thousands(src.len()),
                thousands(MAX_SOURCE)
            ),
        );
    }
    Ok(())
}

/// Node and edge counts within [`MAX_NODES`] and [`MAX_EDGES`]; `pos` is where to point.
pub fn graph_size(nodes: usize, edges: usize, pos: usize) -> Result<()> {
    if nodes > MAX_NODES {
        return err(
            pos,
            format!(
                "this diagram has {} nodes; corem draws at most {} per diagram: split it",
                thousands(nodes),
                thousands(MAX_NODES)
            ),
        );
    }
    edges_within(edges, pos)
}

/// An edge count within [`MAX_EDGES`]: checked as edges are added, so the error points at the
/// statement that went past it.
pub fn edges_within(edges: usize, pos: usize) -> Result<()> {
    if edges > MAX_EDGES {
        return err(
            pos,
            format!(
                "this diagram has {} links; corem draws at most {} per diagram: split it",
                thousands(edges),
                thousands(MAX_EDGES)
            ),
        );
    }
    Ok(())
}

/// A nesting depth within [`MAX_DEPTH`]; `pos` is the statement opening the next level.
pub fn depth_within(depth: usize, pos: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return err(
            pos,
            format!(
                "this nests {depth} levels deep; corem draws at most {MAX_DEPTH} levels of subgraphs, states or blocks"
            ),
        );
    }
    Ok(())
}

/// The layout's refusal as an error at `pos`.
pub fn too_big<T>(e: TooBig, pos: usize) -> Result<T> {
    err(
        pos,
        format!(
            "this diagram needs more than {} layout points (nodes, plus one point for every rank a link crosses); corem lays out at most {}: split it, or shorten its longest links",
            thousands(e.points.min(MAX_POINTS + 1) - 1),
            thousands(MAX_POINTS)
        ),
    )
}

/// An ```` ```svgbob ```` block within [`MAX_BOB_CHARS`].
pub fn bob_size(src: &str) -> Result<()> {
    let mut count = 0;
    for (i, c) in src.char_indices() {
        if !c.is_whitespace() {
            count += 1;
            if count > MAX_BOB_CHARS {
                return err(
                    i,
                    format!(
                        "this ASCII-art diagram has more than {} non-blank characters; corem draws at most that many per block (svgbob's time grows with the square of it): split it",
                        thousands(MAX_BOB_CHARS)
                    ),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(262_144), "262,144");
    }

    #[test]
    fn budgets_fire() {
        assert!(source_size(&"x".repeat(MAX_SOURCE)).is_ok());
        assert!(source_size(&"x".repeat(MAX_SOURCE + 1)).is_err());
        assert!(graph_size(MAX_NODES, MAX_EDGES, 0).is_ok());
        assert!(graph_size(MAX_NODES + 1, 0, 0).is_err());
        assert!(graph_size(1, MAX_EDGES + 1, 0).is_err());
        let e = bob_size(&"-".repeat(MAX_BOB_CHARS + 5)).unwrap_err();
        assert_eq!(e.pos, MAX_BOB_CHARS);
    }
}
