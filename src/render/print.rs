//! The print view of a large site: past `[print] max_notes` notes, `print.html` would be too big
//! to open (150 MB at 10,000 notes), so it becomes a list of print pages, one per top-level
//! section (cut into parts of at most `max_notes` notes when a section is larger), each holding
//! that section's notes in reading order. Links between notes on one print page are in-page
//! anchors, as in the single `print.html`; links to a note on another print page go to its
//! anchor there.

use std::collections::HashSet;
use std::ops::Range;

use crate::link::Graph;
use crate::load::{Corpus, NoteId, SectionId};

/// One print page of a site that has several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The top-level section it prints (`None`: the notes at the root, the home note first).
    pub section: Option<SectionId>,
    /// The section's title (the site's for the root notes).
    pub title: String,
    /// Output path, at the site root: `print-<section folder>.html`, `-2`, `-3`… for the parts
    /// of a section larger than `max_notes`.
    pub out_path: String,
    /// Its notes: positions in the reading order (`Graph::order`).
    pub notes: Range<usize>,
    /// 1-based number of this part among its section's parts, and how many there are.
    pub number: usize,
    pub of: usize,
}

/// The print pages of a site, and which one shows each note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// Empty when the site has at most `max_notes` notes: `print.html` then holds them all.
    pub parts: Vec<Part>,
    /// For each note id, the part that prints it (`usize::MAX` for a note not in the order).
    pub of_note: Vec<usize>,
}

impl Parts {
    /// True when the site has one print page per section.
    pub fn is_split(&self) -> bool {
        !self.parts.is_empty()
    }

    /// The part that prints note `n`, if any.
    pub fn part_of(&self, n: NoteId) -> Option<usize> {
        self.of_note
            .get(n)
            .copied()
            .filter(|&p| p < self.parts.len())
    }
}

/// The top-level section a section belongs to (`None` for the root).
fn top_section(corpus: &Corpus, mut s: SectionId) -> Option<SectionId> {
    loop {
        match corpus.sections[s].parent {
            None => return None,
            Some(0) => return Some(s),
            Some(p) => s = p,
        }
    }
}

/// Splits the reading order into print pages when it has more than `max_notes` notes (and
/// `max_notes` is not 0): consecutive notes of one top-level section share a page, cut into
/// equal parts of at most `max_notes`.
pub fn parts(corpus: &Corpus, graph: &Graph, max_notes: usize) -> Parts {
    let order = &graph.order;
    if max_notes == 0 || order.len() <= max_notes {
        return Parts::default();
    }
    // Runs of consecutive notes with the same top-level section.
    let mut runs: Vec<(Option<SectionId>, Range<usize>)> = Vec::new();
    for (pos, &n) in order.iter().enumerate() {
        let top = top_section(corpus, corpus.notes[n].section);
        match runs.last_mut() {
            Some((t, r)) if *t == top => r.end = pos + 1,
            _ => runs.push((top, pos..pos + 1)),
        }
    }
    let mut taken: HashSet<String> = HashSet::from(["print.html".to_string()]);
    let mut out = Parts {
        parts: Vec::new(),
        of_note: vec![usize::MAX; corpus.notes.len()],
    };
    for (top, range) in runs {
        let (title, stem) = match top {
            Some(s) => (
                graph.section_titles[s].clone(),
                corpus.sections[s].out_dir.replace('/', "-"),
            ),
            None => (graph.section_titles[0].clone(), "home".to_string()),
        };
        let len = range.len();
        let of = len.div_ceil(max_notes);
        for k in 0..of {
            // Equal parts: the first `len % of` get one note more.
            let start = range.start + k * (len / of) + k.min(len % of);
            let size = len / of + usize::from(k < len % of);
            let base = if k == 0 {
                format!("print-{stem}")
            } else {
                format!("print-{stem}-{}", k + 1)
            };
            let mut out_path = format!("{base}.html");
            let mut i = 2;
            while !taken.insert(out_path.clone()) {
                out_path = format!("{base}~{i}.html");
                i += 1;
            }
            let p = out.parts.len();
            for &n in &order[start..start + size] {
                out.of_note[n] = p;
            }
            out.parts.push(Part {
                section: top,
                title: title.clone(),
                out_path,
                notes: start..start + size,
                number: k + 1,
                of,
            });
        }
    }
    out
}
