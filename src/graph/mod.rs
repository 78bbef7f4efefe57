//! Graphs of the notes, drawn at build time as SVG: each note's neighbourhood under its content
//! ([`local`], no script needed) and every note of the site on `graph.html` ([`site`]), laid
//! out by [`layout`]. Both read the link graph the link stage produced ([`crate::link::Graph`]):
//! a note's links out are its resolved links to other notes, its links in are its backlinks.
//!
//! Colours come from the theme: a note is drawn in the colour of its top-level section,
//! one of `--graph-c0` … `--graph-c7` through the class `g-c0` … `g-c7` (see the end of `static/style.css`).

pub mod layout;
pub mod local;
pub mod site;

use std::collections::HashMap;

use crate::link::{Graph, Resolved};
use crate::load::{Corpus, NoteId, SectionId};

/// Section colours of the theme, `--graph-c0` … `--graph-c7`; c0 is for notes at the root.
pub const COLOURS: usize = 8;

/// The colour of each section: notes at the root get 0, each top-level section (and
/// everything under it) the next colour in turn, 1 to 7.
pub fn section_colours(corpus: &Corpus) -> Vec<usize> {
    let mut out = vec![0; corpus.sections.len()];
    let Some(root) = corpus.sections.first() else {
        return out;
    };
    for (rank, &top) in root.children.iter().enumerate() {
        let colour = 1 + rank % (COLOURS - 1);
        let mut stack = vec![top];
        while let Some(s) = stack.pop() {
            out[s] = colour;
            stack.extend(corpus.sections[s].children.iter().copied());
        }
    }
    out
}

/// The top-level section a section belongs to (`None` for the root).
pub fn top_section(corpus: &Corpus, mut s: SectionId) -> Option<SectionId> {
    loop {
        match corpus.sections[s].parent {
            None => return None,
            Some(0) => return Some(s),
            Some(p) => s = p,
        }
    }
}

/// How a note is linked with another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour.
    pub note: NoteId,
    /// Links from the note to this neighbour.
    pub out: usize,
    /// The neighbour links to the note.
    pub inn: bool,
}

/// Distinct notes a note links to, with how many links go to each (links to itself left out),
/// in the order of their first link.
pub fn links_out(graph: &Graph, n: NoteId) -> Vec<(NoteId, usize)> {
    let mut out: Vec<(NoteId, usize)> = Vec::new();
    // Where each target is in `out`: a note of thousands of links must not scan `out` each time.
    let mut at: HashMap<NoteId, usize> = HashMap::new();
    for r in &graph.resolved[n] {
        if let Resolved::Note { note, .. } = r
            && *note != n
        {
            match at.get(note) {
                Some(&i) => out[i].1 += 1,
                None => {
                    at.insert(*note, out.len());
                    out.push((*note, 1));
                }
            }
        }
    }
    out
}

/// The notes a note links to and the notes linking to it, strongest first: linked both ways,
/// then by the number of links, then in reading order.
pub fn neighbours(graph: &Graph, n: NoteId) -> Vec<Neighbour> {
    neighbours_top(graph, n, usize::MAX).0
}

/// The first `k` of [`neighbours`], and how many neighbours there are in all. Linear in the
/// note's links and backlinks (a local graph asks for the strongest few neighbours of notes
/// that thousands of notes link to).
pub fn neighbours_top(graph: &Graph, n: NoteId, k: usize) -> (Vec<Neighbour>, usize) {
    let mut list: Vec<Neighbour> = links_out(graph, n)
        .into_iter()
        .map(|(note, out)| Neighbour {
            note,
            out,
            inn: false,
        })
        .collect();
    let mut at: HashMap<NoteId, usize> = (list.iter().enumerate())
        .map(|(i, x)| (x.note, i))
        .collect();
    for b in &graph.backlinks[n] {
        if b.from == n {
            continue;
        }
        match at.get(&b.from) {
            Some(&i) => list[i].inn = true,
            None => {
                at.insert(b.from, list.len());
                list.push(Neighbour {
                    note: b.from,
                    out: 0,
                    inn: true,
                });
            }
        }
    }
    let total = list.len();
    // Reading positions are distinct, so the order is total: the same list however it is cut.
    let key = |x: &Neighbour| {
        (
            !(x.inn && x.out > 0),
            std::cmp::Reverse(x.out + usize::from(x.inn)),
            graph.position[x.note],
        )
    };
    if k < list.len() {
        list.select_nth_unstable_by_key(k, key);
        list.truncate(k);
    }
    list.sort_unstable_by_key(key);
    (list, total)
}

/// A number for SVG: at most one decimal, no trailing zero.
pub(crate) fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(3.46), "3.5");
        assert_eq!(num(-0.04), "0");
    }
}
