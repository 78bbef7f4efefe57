//! Phase 1 of the index: the notes in book order, each note's entries (its own and one per
//! heading) with the weighted fields their words come from, and the text an excerpt is cut
//! from.

use crate::link::Graph;
use crate::load::{Corpus, NoteId};
use crate::markdown::{Heading, Parsed};
use crate::render::SectionText;

use super::{W_ALIAS, W_BODY, W_CODE, W_CONTEXT, W_DESCRIPTION, W_HEADING, W_TAG, W_TITLE};

/// The analysed site the index reads.
#[derive(Clone, Copy)]
pub struct Site<'a> {
    pub corpus: &'a Corpus,
    pub parsed: &'a [Parsed],
    pub graph: &'a Graph,
}

/// A note with its rendered sections, in book order.
pub struct Note {
    pub note: NoteId,
    pub sections: Vec<SectionText>,
    /// Number of its first entry (entries are numbered in book order).
    pub first_entry: usize,
}

/// The notes that have a page, in book order (the order the ranking breaks ties by), and the
/// number of each one's first entry.
pub fn book_order(site: &Site, sections: Vec<crate::NoteSections>) -> Vec<Note> {
    let mut notes: Vec<Note> = sections
        .into_iter()
        .filter(|(n, _)| *n < site.corpus.notes.len())
        .map(|(note, sections)| Note {
            note,
            sections,
            first_entry: 0,
        })
        .collect();
    notes.sort_by_key(|n| {
        (site.graph.position.get(n.note))
            .copied()
            .unwrap_or(usize::MAX)
    });
    let mut next = 0;
    for n in &mut notes {
        n.first_entry = next;
        next += n.sections.len();
    }
    notes
}

/// Where an entry sits in its note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The heading opening the section (index into `Parsed::headings`); `None`: the note's own
    /// entry, the text before the first heading.
    pub heading: Option<usize>,
    /// Distance back to the entry this one sits under (0: the note's own entry, or a top
    /// heading).
    pub parent: usize,
}

/// Text whose words count for an entry, and how.
#[derive(Debug, Clone, Copy)]
pub struct Field<'t> {
    pub text: &'t str,
    /// Weight of each occurrence, in half units.
    pub weight: u32,
    /// The entry's own heading (a note's: its title): a query word found here ranks the entry
    /// above one that only mentions it.
    pub heading: bool,
    /// Body or code: counts in the entry's length.
    pub counts: bool,
}

/// One entry: where it sits and its fields.
pub struct Entry<'t> {
    pub place: Place,
    pub fields: Vec<Field<'t>>,
}

/// The section text without the heading that opens it (its words are weighted as a heading).
fn body<'t>(s: &'t SectionText, heading: Option<&Heading>) -> &'t str {
    match heading {
        Some(h) => (s.text.trim_start())
            .strip_prefix(h.text.trim())
            .unwrap_or(&s.text),
        None => &s.text,
    }
}

/// The entries of one note, with their fields.
pub fn entries<'t>(site: &Site<'t>, note: &'t Note, index_code: bool) -> Vec<Entry<'t>> {
    let n = &site.corpus.notes[note.note];
    let title = site.graph.titles[note.note].as_str();
    let headings = &site.parsed[note.note].headings;
    let field = |text: &'t str, weight: u32| Field {
        text,
        weight,
        heading: false,
        counts: false,
    };
    let mut out: Vec<Entry> = Vec::with_capacity(note.sections.len());
    // Open headings above the current one: (level, entry index, text).
    let mut stack: Vec<(u8, usize, &str)> = Vec::new();
    for s in &note.sections {
        let heading = s.heading.and_then(|h| headings.get(h).map(|x| (h, x)));
        let mut fields = Vec::new();
        let parent = match heading {
            None => {
                fields.push(Field {
                    heading: true,
                    ..field(title, W_TITLE)
                });
                fields.extend(n.meta.aliases.iter().map(|a| field(a, W_ALIAS)));
                fields.extend(
                    site.graph.note_tags[note.note]
                        .iter()
                        .map(|t| field(t, W_TAG)),
                );
                fields.extend(
                    n.meta
                        .description
                        .as_deref()
                        .map(|d| field(d, W_DESCRIPTION)),
                );
                0
            }
            Some((_, h)) => {
                while stack.last().is_some_and(|&(l, _, _)| l >= h.level) {
                    stack.pop();
                }
                fields.push(Field {
                    heading: true,
                    ..field(&h.text, W_HEADING)
                });
                fields.push(field(title, W_CONTEXT));
                fields.extend(stack.iter().map(|&(_, _, t)| field(t, W_CONTEXT)));
                stack.last().map_or(0, |&(_, e, _)| out.len() - e)
            }
        };
        fields.push(Field {
            counts: true,
            ..field(body(s, heading.map(|x| x.1)), W_BODY)
        });
        if index_code {
            fields.push(Field {
                counts: true,
                ..field(&s.code, W_CODE)
            });
        }
        if let Some((_, h)) = heading {
            stack.push((h.level, out.len(), h.text.as_str()));
        }
        out.push(Entry {
            place: Place {
                heading: heading.map(|(i, _)| i),
                parent,
            },
            fields,
        });
    }
    out
}

/// Collapses whitespace, and drops the space the section text has between inline elements
/// before closing punctuation (`**closed**,` is collected as `closed ,`).
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        let glue = w.starts_with([',', '.', ';', ':', '!', '?', ')', ']', '\''])
            || out.ends_with(['(', '[']);
        if !out.is_empty() && !glue {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Longest entry text kept for excerpts, in bytes (cut at a character boundary): past it, a
/// section is a listing or a dump, and its opening is what an excerpt shows.
pub const TEXT_MAX: usize = 16 * 1024;

/// The text an entry's excerpt is cut from, as the reader sees it: the body with whitespace
/// collapsed (a note's own entry starts with its description), or its code when it has no text.
pub fn excerpt_text(site: &Site, note: &Note, s: &SectionText) -> String {
    let n = &site.corpus.notes[note.note];
    let heading = s
        .heading
        .and_then(|h| site.parsed[note.note].headings.get(h));
    let mut text = collapse(body(s, heading));
    if s.heading.is_none()
        && let Some(d) = (n.meta.description.as_deref()).filter(|d| !d.trim().is_empty())
    {
        text = if text.is_empty() {
            collapse(d)
        } else {
            format!("{} {text}", collapse(d))
        };
    }
    if text.is_empty() && !s.code.trim().is_empty() {
        text = collapse(&s.code);
    }
    if text.len() > TEXT_MAX {
        let mut end = TEXT_MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// The anchor a client derives from a heading text when none is stored: ASCII lower case,
/// letters, digits, `-` and `_` kept, spaces to `-`, everything else dropped (GitHub's rule for
/// ASCII headings). Anchors that differ (custom ids, duplicates, non-ASCII) are stored.
pub fn simple_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if c == ' ' {
            out.push('-');
        } else if !c.is_ascii() {
            // Signals "not derivable": the caller stores the real anchor.
            out.push('\u{0}');
        }
    }
    out
}

/// The titles of the folders a note sits in, from the top (an index note's own folder is the
/// note itself, so it is left out): the path a result shows above its title.
pub fn folder_path<'a>(site: &Site<'a>, n: NoteId) -> Vec<&'a str> {
    let corpus = site.corpus;
    let note = &corpus.notes[n];
    let mut folder = if note.is_index {
        corpus.sections[note.section].parent
    } else {
        Some(note.section)
    };
    let mut out = Vec::new();
    while let Some(f) = folder.filter(|&f| f != 0) {
        out.push(site.graph.section_titles[f].as_str());
        folder = corpus.sections[f].parent;
    }
    out.reverse();
    out
}
