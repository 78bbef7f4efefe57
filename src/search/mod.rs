//! The search index: from the rendered sections of every note to `search-index.js`.
//!
//! # What a result is
//!
//! One entry per section of a note page: the text before the first heading (the note itself,
//! linked without an anchor) and each heading's section (linked at the heading's id). Entries
//! are numbered in book order, which is the tie-break of the ranking.
//!
//! # What is indexed, and how much each field weighs
//!
//! Each entry gets a weighted term frequency per term, `Σ boost × occurrences`, in half units:
//! the note's title ([`W_TITLE`]), aliases and the section's own heading ([`W_ALIAS`],
//! [`W_HEADING`]), tags ([`W_TAG`]), the description and the heading path above the section
//! ([`W_DESCRIPTION`], [`W_CONTEXT`]: the note title and parent headings, so "caching write-through" finds the
//! Write-through section of the caching note), the body as the reader sees it ([`W_BODY`]:
//! computed values, diagram labels, link texts) and code at the lowest weight ([`W_CODE`]).
//! The client scores entries with BM25 on those frequencies and the body length.
//!
//! # Words
//!
//! Text is split at Unicode word boundaries, folded to lower case and stemmed with Snowball
//! English ([`text`]); a term is a stem. The dictionary ships one word per term, the stem's most
//! used form, sorted and front-coded; term ids are dictionary positions. The client matches
//! what the user typed against those words (exact, prefixes of the word being typed, typos by
//! edit distance) and maps any other form ("caching" when the dictionary has "cache") to its
//! term with a port of the same stemmer; `tests/browser_search.rs` checks it agrees with this one
//! on every word of the handbook and on a list of words that exercises each of its rules.
//!
//! # Format
//!
//! Classic scripts, so a page opened from `file://` loads them with a plain `<script>`
//! (Chromium refuses `fetch`, XHR and modules there):
//!
//! - `search-index.js` (the core, loaded on first use): `window.COREM_SEARCH_INDEX = {…};`
//!   with notes (URL, title, folder), sections (heading, anchor, level, parent, length), the
//!   dictionary, per term its document frequency and posting-list length, and the shard tables
//!   `pshards` / `sshards` (terms, and sections, per shard);
//! - `search-index-pN.js`: `COREM_SEARCH_SHARDS.pN = "…";`, the posting lists of consecutive
//!   terms ([`POSTINGS_SHARD_BYTES`] each, about); per section `gap × 6 + level`, the level an
//!   index into [`WEIGHT_LEVELS`];
//! - `search-index-sN.js`: `COREM_SEARCH_SHARDS.sN = "…";`, the snippets of consecutive
//!   sections, one per line ([`SNIPPET_SHARD_BYTES`] each, about).
//!
//! Strings hold text (titles, headings, snippets, joined with newlines); numbers are packed into
//! strings with the variable-length code of [`encode`] (one character for 0..63). Snippets are
//! the opening words of each section, cut to fit what a budget of [`BUDGET_PERCENT`] of the
//! Markdown leaves once everything else is counted: the index never carries the full text, which
//! is what keeps it a fraction of the notes' size (see `docs/search.md` for the figures).

pub mod encode;
pub mod text;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::NoteSections;
use crate::link::Graph;
use crate::load::{Corpus, NoteId};
use crate::markdown::Parsed;

use encode::{TermLink, Writer, js_sort};
use text::{Stemmer, is_stop};

/// Weight of a word of the note's title, in half units (as are the other weights).
pub const W_TITLE: u32 = 24;
/// Weight of a word of an alias (another name of the note).
pub const W_ALIAS: u32 = 16;
/// Weight of a word of the section's own heading.
pub const W_HEADING: u32 = 16;
/// Weight of a tag's word.
pub const W_TAG: u32 = 8;
/// Weight of a word of the heading path above a section (the note's title, parent headings):
/// a section is about its note's subject, if less than the note's own entry.
pub const W_CONTEXT: u32 = 8;
/// Weight of a word of the note's description (on the note's own entry).
pub const W_DESCRIPTION: u32 = 3;
/// Weight of a body word.
pub const W_BODY: u32 = 2;
/// Weight of a word in code.
pub const W_CODE: u32 = 1;
/// The weights a posting can have: a section's summed weight is stored as the nearest of these
/// (on a log scale), so it fits in the posting's number (BM25 saturates term frequencies, so
/// the rounding hardly moves a ranking, and field order is kept: code < body < tag, context
/// < heading, alias < title).
pub const WEIGHT_LEVELS: [u32; 6] = [W_CODE, W_BODY, 2 * W_BODY, W_TAG, W_HEADING, W_TITLE];

/// The index of the level nearest to a weight, on a log scale.
pub fn weight_level(w: u32) -> usize {
    let lw = f64::from(w.max(1)).ln();
    (0..WEIGHT_LEVELS.len())
        .min_by(|&a, &b| {
            let da = (f64::from(WEIGHT_LEVELS[a]).ln() - lw).abs();
            let db = (f64::from(WEIGHT_LEVELS[b]).ln() - lw).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(0)
}
/// Largest weight stored for one term in one section (more adds nothing under BM25).
pub const W_MAX: u32 = 255;

/// The index may take at most this share of the notes' Markdown bytes; snippets get what the
/// rest leaves (a build-time bound, never more than [`SNIPPET_MAX`] characters each).
pub const BUDGET_PERCENT: usize = 25;
/// Longest snippet, in characters.
pub const SNIPPET_MAX: usize = 220;
/// Shortest snippet worth showing when the budget is tight, in characters.
pub const SNIPPET_MIN: usize = 24;

/// Options of the index.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Index code blocks (at [`W_CODE`]).
    pub index_code: bool,
}

/// What the index is built from: the analysed site and each note's section texts.
pub struct Input<'a> {
    pub corpus: &'a Corpus,
    pub parsed: &'a [Parsed],
    pub graph: &'a Graph,
    pub sections: &'a [NoteSections],
    pub options: Options,
}

/// The built index and its figures.
#[derive(Debug, Clone)]
pub struct Index {
    /// File name and contents: `search-index.js` (the core) first, then the shards.
    pub files: Vec<(String, String)>,
    pub stats: Stats,
}

/// Sizes, for the build report and the docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Size of all the index's files.
    pub file_bytes: usize,
    /// Size of `search-index.js`, the part loaded on first use.
    pub core_bytes: usize,
    /// Number of files (the core and its shards).
    pub files: usize,
    pub entries: usize,
    pub terms: usize,
    pub surfaces: usize,
    pub postings: usize,
    /// Markdown bytes of the indexed notes.
    pub markdown_bytes: usize,
    /// Bytes of each part of the file.
    pub dictionary_bytes: usize,
    pub postings_bytes: usize,
    pub entries_bytes: usize,
    pub snippet_bytes: usize,
    /// Snippet length limit chosen for the budget, in characters.
    pub snippet_chars: usize,
}

/// One entry's words by field, before terms are numbered.
struct Entry {
    note: NoteId,
    heading: Option<usize>,
    /// Distance back to the entry this one sits under (0: the note itself).
    parent: usize,
    /// Folded word → summed weight of its occurrences.
    words: HashMap<String, u32>,
    /// Indexed words of body and code (the BM25 length).
    length: usize,
    /// Text for the snippet, whitespace collapsed.
    snippet: String,
}

/// Collapses whitespace, and drops the space the section text has between inline elements
/// before closing punctuation (`**closed**,` is collected as `closed ,`).
fn collapse(text: &str) -> String {
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

/// Numbers longer than 6 characters (computed values such as `0.0166249`, `86,400,000`) are
/// not indexed: nobody types them, and a handbook full of calculations has many.
fn long_number(w: &str) -> bool {
    w.len() > 6
        && w.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
}

fn push_words(out: &mut HashMap<String, u32>, text: &str, weight: u32) -> usize {
    let mut n = 0;
    text::each_word(text, |w| {
        if is_stop(w) || !encode::storable(w) || long_number(w) {
            return;
        }
        match out.get_mut(w) {
            Some(v) => *v = (*v + weight).min(W_MAX),
            None => {
                out.insert(w.to_string(), weight.min(W_MAX));
            }
        }
        n += 1;
    });
    n
}

/// The entries of one note, from its rendered section texts.
fn note_entries(input: &Input, note: NoteId, secs: &[crate::render::SectionText]) -> Vec<Entry> {
    let n = &input.corpus.notes[note];
    let title = &input.graph.titles[note];
    let headings = &input.parsed[note].headings;
    let mut out: Vec<Entry> = Vec::with_capacity(secs.len());
    // Open headings above the current one: (level, entry index, text).
    let mut stack: Vec<(u8, usize, &str)> = Vec::new();
    for s in secs {
        let mut words_v = HashMap::new();
        let mut length = 0;
        let heading = s.heading.and_then(|h| headings.get(h).map(|x| (h, x)));
        let parent = match heading {
            None => {
                push_words(&mut words_v, title, W_TITLE);
                for a in &n.meta.aliases {
                    push_words(&mut words_v, a, W_ALIAS);
                }
                for t in &input.graph.note_tags[note] {
                    push_words(&mut words_v, t, W_TAG);
                }
                if let Some(d) = &n.meta.description {
                    push_words(&mut words_v, d, W_DESCRIPTION);
                }
                0
            }
            Some((_, h)) => {
                while stack.last().is_some_and(|&(l, _, _)| l >= h.level) {
                    stack.pop();
                }
                push_words(&mut words_v, &h.text, W_HEADING);
                push_words(&mut words_v, title, W_CONTEXT);
                for &(_, _, text) in &stack {
                    push_words(&mut words_v, text, W_CONTEXT);
                }
                stack.last().map_or(0, |&(_, e, _)| out.len() - e)
            }
        };
        // The section's text opens with its heading, already weighted above.
        let body = match heading {
            Some((_, h)) => s
                .text
                .trim_start()
                .strip_prefix(h.text.trim())
                .unwrap_or(&s.text),
            None => &s.text,
        };
        length += push_words(&mut words_v, body, W_BODY);
        if input.options.index_code {
            length += push_words(&mut words_v, &s.code, W_CODE);
        }
        let mut snippet = collapse(body);
        if heading.is_none()
            && let Some(d) = n
                .meta
                .description
                .as_deref()
                .filter(|d| !d.trim().is_empty())
        {
            // The description is the lead the reader sees first on the page.
            snippet = if snippet.is_empty() {
                collapse(d)
            } else {
                format!("{} {snippet}", collapse(d))
            };
        }
        if snippet.is_empty() && !s.code.trim().is_empty() {
            snippet = collapse(&s.code);
        }
        if let Some((_, h)) = heading {
            stack.push((h.level, out.len(), h.text.as_str()));
        }
        out.push(Entry {
            note,
            heading: heading.map(|(i, _)| i),
            parent,
            words: words_v,
            length,
            snippet,
        });
    }
    out
}

/// Cuts a snippet to at most `max` characters at a word boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.chars().count() <= max {
        return s;
    }
    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
    let head = &s[..end];
    match head.rfind(' ') {
        Some(i) if i > max / 2 => &head[..i],
        _ => head,
    }
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

/// Joins strings with newlines for the index (newlines inside become spaces).
fn join_lines<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if s.contains(['\n', '\r']) {
            out.push_str(&s.replace(['\n', '\r'], " "));
        } else {
            out.push_str(s);
        }
    }
    out
}

/// Builds the index (in parallel: notes are tokenised, words stemmed and posting lists encoded
/// on rayon's pool).
pub fn build(input: &Input) -> Index {
    let graph = input.graph;
    let corpus = input.corpus;
    // Notes in book order, each with its sections.
    let mut notes: Vec<&NoteSections> = input
        .sections
        .iter()
        .filter(|(n, _)| *n < corpus.notes.len())
        .collect();
    notes.sort_by_key(|(n, _)| graph.position.get(*n).copied().unwrap_or(usize::MAX));

    let per_note: Vec<Vec<Entry>> = notes
        .par_iter()
        .map(|(n, secs)| note_entries(input, *n, secs))
        .collect();
    let entries: Vec<Entry> = per_note.into_iter().flatten().collect();

    // Surfaces (word forms) with the number of entries using each, sorted the way the client
    // compares strings; each stemmed once.
    let counts: HashMap<&str, u32> = entries
        .par_iter()
        .fold(HashMap::new, |mut m: HashMap<&str, u32>, e| {
            for w in e.words.keys() {
                *m.entry(w.as_str()).or_default() += 1;
            }
            m
        })
        .reduce(HashMap::new, |a, b| {
            let (mut a, b) = if a.len() < b.len() { (b, a) } else { (a, b) };
            for (w, n) in b {
                *a.entry(w).or_default() += n;
            }
            a
        });
    let mut surfaces: Vec<String> = counts.keys().map(|w| w.to_string()).collect();
    js_sort(&mut surfaces);
    let stems: Vec<String> = surfaces
        .par_iter()
        .map_init(Stemmer::default, |s, w| s.stem(w))
        .collect();
    // One term per stem; the dictionary keeps its most used form (the one a reader most
    // likely types, which keeps prefixes and typos close), in the client's order, and term
    // ids are dictionary positions. The client maps any other form to it with the same stemmer.
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (i, st) in stems.iter().enumerate() {
        let e = best.entry(st.as_str()).or_insert(i);
        if counts[surfaces[i].as_str()] > counts[surfaces[*e].as_str()] {
            *e = i;
        }
    }
    let mut dictionary: Vec<String> = best.values().map(|&i| surfaces[i].clone()).collect();
    js_sort(&mut dictionary);
    let terms = dictionary.len();
    let term_of_word: HashMap<&str, u32> = dictionary
        .iter()
        .enumerate()
        .map(|(t, w)| (w.as_str(), t as u32))
        .collect();
    let term_of: HashMap<&str, u32> = surfaces
        .iter()
        .zip(&stems)
        .map(|(w, st)| {
            (
                w.as_str(),
                term_of_word[surfaces[best[st.as_str()]].as_str()],
            )
        })
        .collect();

    // Per entry: (term, weight), sorted by term.
    let weights: Vec<Vec<(u32, u32)>> = entries
        .par_iter()
        .map(|e| {
            let mut m: HashMap<u32, u32> = HashMap::with_capacity(e.words.len());
            for (w, wt) in &e.words {
                if let Some(&t) = term_of.get(w.as_str()) {
                    let v = m.entry(t).or_insert(0);
                    *v = (*v + wt).min(W_MAX);
                }
            }
            let mut v: Vec<(u32, u32)> = m.into_iter().collect();
            v.sort_unstable();
            v
        })
        .collect();

    // Posting lists: per term, the entries in order with their weight.
    let mut df = vec![0u32; terms];
    for w in &weights {
        for &(t, _) in w {
            df[t as usize] += 1;
        }
    }
    let mut start = vec![0usize; terms + 1];
    for t in 0..terms {
        start[t + 1] = start[t] + df[t] as usize;
    }
    let postings_count = start[terms];
    let mut flat: Vec<(u32, u32)> = vec![(0, 0); postings_count];
    let mut fill = start.clone();
    for (e, w) in weights.iter().enumerate() {
        for &(t, wt) in w {
            flat[fill[t as usize]] = (e as u32, wt);
            fill[t as usize] += 1;
        }
    }
    // Each list: per entry `gap × levels + level`, gaps counted from -1 (so the first is the
    // entry number), level an index into [`WEIGHT_LEVELS`].
    let levels = WEIGHT_LEVELS.len() as u64;
    let lists: Vec<String> = (0..terms)
        .into_par_iter()
        .map(|t| {
            let mut w = Writer::default();
            let mut prev: i64 = -1;
            for &(e, wt) in &flat[start[t]..start[t + 1]] {
                let gap = (e as i64 - prev - 1) as u64;
                prev = e as i64;
                w.num(gap * levels + weight_level(wt) as u64);
            }
            w.out
        })
        .collect();
    let mut term_table = Writer::default();
    for (t, l) in lists.iter().enumerate() {
        term_table.num(u64::from(df[t]));
        term_table.num(l.len() as u64);
    }
    let postings = shards(&lists, POSTINGS_SHARD_BYTES, "");

    // Notes, folders and entries.
    let mut folders = Writer::default();
    for s in &corpus.sections {
        folders.num(s.parent.map_or(0, |p| p as u64 + 1));
    }
    let folder_titles = join_lines(graph.section_titles.iter().map(String::as_str));
    let note_ids: Vec<NoteId> = notes.iter().map(|(n, _)| *n).collect();
    let urls = join_lines(note_ids.iter().map(|&n| corpus.notes[n].out_path.as_str()));
    let titles = join_lines(note_ids.iter().map(|&n| graph.titles[n].as_str()));
    let mut note_table = Writer::default();
    let mut per_note_count: HashMap<NoteId, usize> = HashMap::new();
    for e in &entries {
        *per_note_count.entry(e.note).or_default() += 1;
    }
    for &n in &note_ids {
        let note = &corpus.notes[n];
        // The folder whose titles lead the path: an index note's own folder is its title.
        let folder = if note.is_index {
            corpus.sections[note.section].parent
        } else {
            Some(note.section)
        };
        note_table.num(folder.map_or(0, |f| f as u64 + 1));
        note_table.num(per_note_count.get(&n).copied().unwrap_or(0) as u64);
    }
    let mut entry_table = Writer::default();
    let mut heading_texts: Vec<&str> = Vec::new();
    let mut anchors: Vec<String> = Vec::new();
    for e in &entries {
        // 0: the note's own entry; else level, then the parent distance.
        match e.heading.and_then(|h| input.parsed[e.note].headings.get(h)) {
            None => entry_table.num(0),
            Some(h) => {
                entry_table.num(u64::from(h.level));
                entry_table.num(e.parent as u64);
                heading_texts.push(&h.text);
                anchors.push(if simple_slug(&h.text) == h.id {
                    String::new()
                } else {
                    h.id.clone()
                });
            }
        }
        entry_table.num(e.length as u64);
    }
    let headings = join_lines(heading_texts.into_iter());
    let anchors = join_lines(anchors.iter().map(String::as_str));

    // Snippets get what the budget leaves.
    let markdown_bytes: usize = note_ids.iter().map(|&n| corpus.notes[n].source.len()).sum();
    let postings_bytes: usize = lists.iter().map(String::len).sum();
    let fixed = term_table.len()
        + postings_bytes
        + folders.len()
        + folder_titles.len()
        + urls.len()
        + titles.len()
        + note_table.len()
        + entry_table.len()
        + headings.len()
        + anchors.len()
        + 1024
        // each shard's `COREM_SEARCH_SHARDS.p0="…";` (snippet shards: at most one per
        // SNIPPET_SHARD_BYTES of the budget, plus one)
        + 48 * (postings.len() + 1 + markdown_bytes * BUDGET_PERCENT / 100 / SNIPPET_SHARD_BYTES);
    let dict = encode::front_code(&dictionary, &vec![TermLink::New; terms]);
    let mut budget = (markdown_bytes * BUDGET_PERCENT / 100).saturating_sub(fixed + dict.len());
    // Snippets get what the budget leaves: a first estimate, lowered until the files fit.
    let max_bytes = markdown_bytes * BUDGET_PERCENT / 100;
    let make = |snippet_chars: usize| {
        let cuts: Vec<String> = entries
            .iter()
            .map(|e| {
                let c = cut(&e.snippet, snippet_chars);
                if c.len() < e.snippet.len() {
                    format!("{c}…")
                } else {
                    c.to_string()
                }
            })
            .collect();
        let snippet_lines: Vec<String> = cuts
            .iter()
            .map(|c| join_lines(std::iter::once(c.as_str())))
            .collect();
        let snippets = shards(&snippet_lines, SNIPPET_SHARD_BYTES, "\n");

        let stop = text::STOP_WORDS.join(" ");
        // Shard tables: how many terms, and how many entries, each shard holds.
        let shard_table = |list: &[(usize, String)]| {
            let mut w = Writer::default();
            for (n, _) in list {
                w.num(*n as u64);
            }
            w.out
        };
        let (p_table, s_table) = (shard_table(&postings), shard_table(&snippets));
        let mut js = String::with_capacity(fixed + dict.len() + 512);
        js.push_str("/* corem search index: generated, see docs/search.md */\n");
        js.push_str("window.COREM_SEARCH_INDEX={\"v\":2");
        let mut field = |name: &str, value: &str| {
            js.push_str(",\n\"");
            js.push_str(name);
            js.push_str("\":");
            js.push_str(&serde_json::Value::from(value).to_string());
        };
        field("alphabet", encode::ALPHABET);
        field("stop", &stop);
        field("folders", folders.out.as_str());
        field("folderTitles", &folder_titles);
        field("urls", &urls);
        field("titles", &titles);
        field("notes", note_table.out.as_str());
        field("entries", entry_table.out.as_str());
        field("headings", &headings);
        field("anchors", &anchors);
        field("words", &dict);
        field("terms", term_table.out.as_str());
        field("pshards", &p_table);
        field("sshards", &s_table);
        js.push_str(&format!(
            ",\n\"weights\":{}",
            serde_json::Value::from(WEIGHT_LEVELS.to_vec())
        ));
        js.push_str("};\n");
        let mut files = vec![(INDEX_FILE.to_string(), safe(js))];
        for (kind, list) in [('p', &postings), ('s', &snippets)] {
            for (i, (_, body)) in list.iter().enumerate() {
                let name = shard_name(kind, i);
                let js = format!(
                    "COREM_SEARCH_SHARDS.{kind}{i}={};\n",
                    serde_json::Value::from(body.as_str())
                );
                files.push((name, safe(js)));
            }
        }
        let total: usize = files.iter().map(|(_, js)| js.len()).sum();
        (files, snippets, total)
    };
    let mut snippet_chars = snippet_limit(&entries, budget);
    let (files, snippets, total) = loop {
        let (files, snippets, total) = make(snippet_chars);
        if total <= max_bytes || snippet_chars == SNIPPET_MIN {
            break (files, snippets, total);
        }
        // What the estimate missed (escapes, shard wrappers) comes off the snippets' budget.
        let over = total - max_bytes;
        budget = budget.saturating_sub(over);
        snippet_chars = snippet_limit(&entries, budget)
            .min(snippet_chars - 1)
            .max(SNIPPET_MIN);
    };

    let stats = Stats {
        file_bytes: total,
        core_bytes: files[0].1.len(),
        files: files.len(),
        entries: entries.len(),
        terms,
        surfaces: surfaces.len(),
        postings: postings_count,
        markdown_bytes,
        dictionary_bytes: dict.len(),
        postings_bytes: postings_bytes + term_table.len(),
        entries_bytes: entry_table.len()
            + note_table.len()
            + headings.len()
            + anchors.len()
            + urls.len()
            + titles.len()
            + folder_titles.len()
            + folders.len(),
        snippet_bytes: snippets.iter().map(|(_, s)| s.len()).sum(),
        snippet_chars,
    };
    Index { files, stats }
}

/// The core file's name; shards are `search-index-p0.js` (postings) and `search-index-s0.js`
/// (snippets), numbered from 0.
pub const INDEX_FILE: &str = "search-index.js";
/// A shard holds consecutive posting lists up to about this many bytes (one list may be more).
pub const POSTINGS_SHARD_BYTES: usize = 96 * 1024;
/// A shard holds the snippets of consecutive entries up to about this many bytes.
pub const SNIPPET_SHARD_BYTES: usize = 48 * 1024;

/// The file name of shard `i` of a kind (`p`: postings, `s`: snippets).
pub fn shard_name(kind: char, i: usize) -> String {
    format!("search-index-{kind}{i}.js")
}

/// True for the name of a file the index writes (the core or a shard).
pub fn is_index_file(name: &str) -> bool {
    name == INDEX_FILE
        || name
            .strip_prefix("search-index-")
            .and_then(|r| r.strip_suffix(".js"))
            .is_some_and(|r| r.len() > 1 && r[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// Groups consecutive items into shards of about `max` bytes: (items, joined text).
fn shards(items: &[String], max: usize, sep: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some((n, s)) if s.len() + item.len() <= max => {
                s.push_str(sep);
                s.push_str(item);
                *n += 1;
            }
            _ => out.push((1, item.clone())),
        }
    }
    out
}

/// Escapes what could end a script early in odd hosts.
fn safe(js: String) -> String {
    if js.contains(['\u{2028}', '\u{2029}']) {
        js.replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    } else {
        js
    }
}

/// The longest snippet length (in characters, between [`SNIPPET_MIN`] and [`SNIPPET_MAX`])
/// whose snippets fit `budget` bytes in total.
fn snippet_limit(entries: &[Entry], budget: usize) -> usize {
    let total =
        |max: usize| -> usize { entries.iter().map(|e| cut(&e.snippet, max).len() + 4).sum() };
    let (mut lo, mut hi) = (SNIPPET_MIN, SNIPPET_MAX);
    if total(hi) <= budget {
        return hi;
    }
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if total(mid) <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |b: usize| b as f64 * 100.0 / self.markdown_bytes.max(1) as f64;
        write!(
            f,
            "search index {} bytes in {} files = {:.1} % of {} bytes of Markdown \
             (search-index.js {} bytes; {} sections, {} word forms, {} terms, {} postings; \
             dictionary {:.1} %, postings {:.1} %, sections {:.1} %, snippets {:.1} % \
             at up to {} characters)",
            self.file_bytes,
            self.files,
            pct(self.file_bytes),
            self.markdown_bytes,
            self.core_bytes,
            self.entries,
            self.surfaces,
            self.terms,
            self.postings,
            pct(self.dictionary_bytes),
            pct(self.postings_bytes),
            pct(self.entries_bytes),
            pct(self.snippet_bytes),
            self.snippet_chars
        )
    }
}

#[cfg(test)]
mod tests {
    use super::encode::{Reader, TermLink, front_decode};
    use super::*;

    /// The index of a fixture, read back the way the client reads it.
    struct Decoded {
        json: serde_json::Value,
        words: Vec<String>,
        word_term: Vec<usize>,
        /// Per term: (entry, weight).
        postings: Vec<Vec<(usize, u32)>>,
    }

    impl Decoded {
        fn field(&self, name: &str) -> &str {
            self.json[name].as_str().unwrap_or("")
        }
        fn lines(&self, name: &str) -> Vec<&str> {
            self.field(name).split('\n').collect()
        }
        /// Postings of a folded word (through its stem: the dictionary has one form per term).
        fn of(&self, word: &str) -> Vec<(usize, u32)> {
            let s = Stemmer::default();
            let stem = s.stem(word);
            match self.words.iter().position(|w| s.stem(w) == stem) {
                Some(i) => self.postings[self.word_term[i]].clone(),
                None => Vec::new(),
            }
        }
    }

    fn nums(s: &str) -> Vec<u64> {
        let mut r = Reader::new(s);
        std::iter::from_fn(|| r.num()).collect()
    }

    /// The value a file assigns, as JSON.
    fn assigned(js: &str, global: &str) -> serde_json::Value {
        let body = js
            .split_once(global)
            .and_then(|x| x.1.split_once('='))
            .map(|x| x.1)
            .unwrap_or("")
            .trim_end()
            .trim_end_matches(';');
        serde_json::from_str(body).expect("the file assigns JSON")
    }

    fn decode(files: &[(String, String)]) -> Decoded {
        assert_eq!(files[0].0, INDEX_FILE);
        let mut json = assigned(&files[0].1, "window.COREM_SEARCH_INDEX");
        // Shards in order, checked against the core's shard tables.
        let joined = |kind: char, table: &str, sep: &str| {
            let counts = nums(json[table].as_str().unwrap_or(""));
            let mut all = Vec::new();
            for (i, n) in counts.iter().enumerate() {
                let name = shard_name(kind, i);
                assert!(is_index_file(&name));
                let (_, js) = files.iter().find(|(f, _)| *f == name).expect("shard");
                let v = assigned(js, &format!("COREM_SEARCH_SHARDS.{kind}{i}"));
                let text = v.as_str().expect("a string").to_string();
                if sep == "\n" {
                    assert_eq!(text.split('\n').count() as u64, *n, "{name}");
                }
                all.push(text);
            }
            all.join(sep)
        };
        let postings_all = joined('p', "pshards", "");
        let snippets_all = joined('s', "sshards", "\n");
        assert_eq!(
            files.len(),
            1 + nums(json["pshards"].as_str().unwrap()).len()
                + nums(json["sshards"].as_str().unwrap()).len()
        );
        json["snippets"] = serde_json::Value::from(snippets_all);
        let dict = front_decode(json["words"].as_str().unwrap_or(""));
        let mut word_term = Vec::new();
        let mut terms = 0;
        for (i, (_, link)) in dict.iter().enumerate() {
            word_term.push(match link {
                TermLink::New => {
                    terms += 1;
                    terms - 1
                }
                TermLink::Back(k) => word_term[i - k],
            });
        }
        let table = nums(json["terms"].as_str().unwrap_or(""));
        let weights: Vec<u32> = serde_json::from_value(json["weights"].clone()).expect("weights");
        let all = postings_all;
        let mut postings = Vec::new();
        let mut off = 0usize;
        for t in 0..terms {
            let (df, len) = (table[2 * t] as usize, table[2 * t + 1] as usize);
            let mut r = Reader::new(&all[off..off + len]);
            let mut e: i64 = -1;
            let mut list = Vec::new();
            for _ in 0..df {
                let v = r.num().expect("posting");
                let n = weights.len() as u64;
                e += (v / n) as i64 + 1;
                list.push((e as usize, weights[(v % n) as usize]));
            }
            assert!(r.at_end(), "term {t} has exactly its postings");
            postings.push(list);
            off += len;
        }
        Decoded {
            json,
            words: dict.into_iter().map(|x| x.0).collect(),
            word_term,
            postings,
        }
    }

    fn fixture_index(index_code: bool) -> (Index, Decoded) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let mut timings = Vec::new();
        let a = crate::analyze(&dir, &crate::BuildOptions::default(), &mut timings)
            .unwrap_or_else(|_| panic!("the basic fixture analyses"));
        let rendered = crate::render_pages(&a, &|_, _| Ok(()))
            .unwrap_or_else(|_| panic!("the basic fixture renders"));
        let index = build(&Input {
            corpus: &a.corpus,
            parsed: &a.parsed,
            graph: &a.graph,
            sections: &rendered.sections,
            options: Options { index_code },
        });
        let d = decode(&index.files);
        (index, d)
    }

    #[test]
    fn field_weights_rank_title_then_aliases_and_headings_then_tags_then_body() {
        const { assert!(W_TITLE > W_ALIAS && W_ALIAS == W_HEADING && W_HEADING > W_TAG) };
        const { assert!(W_TAG > W_BODY && W_CONTEXT > W_BODY && W_BODY > W_CODE) };
        let (index, d) = fixture_index(true);
        let urls = d.lines("urls");
        let titles = d.lines("titles");
        let first = titles
            .iter()
            .position(|t| *t == "First")
            .expect("note First");
        assert_eq!(urls[first], "alpha/first.html");
        // Entries of note `first`: its own entry, then one per heading.
        let notes = nums(d.field("notes"));
        let start: u64 = (0..first).map(|i| notes[2 * i + 1]).sum();
        let own = start as usize;
        let weight = |word: &str, entry: usize| {
            d.of(word)
                .iter()
                .find(|(e, _)| *e == entry)
                .map_or(0, |x| x.1)
        };
        assert!(weight("first", own) >= W_TITLE, "title word");
        assert_eq!(weight("premier", own), W_ALIAS, "alias");
        assert_eq!(weight_level(W_DESCRIPTION), 2, "3 rounds to 4");
        assert_eq!(WEIGHT_LEVELS[weight_level(10)], 8);
        assert_eq!(weight("demo", own), W_TAG, "tag");
        // "Wikilinks" heading: the first heading entry of the note.
        let wiki = own + 1;
        assert!(weight("wikilinks", wiki) >= W_HEADING, "heading word");
        assert!(weight("first", wiki) >= W_CONTEXT, "the title is context");
        assert_eq!(weight("plain", wiki), W_BODY, "body word");
        let code: Vec<_> = d.of("println");
        assert!(
            code.iter().any(|&(_, w)| w == W_CODE),
            "code is indexed at its weight: {code:?}"
        );
        // Posting lists are in entry order, and terms are shared by stems.
        for list in &d.postings {
            assert!(list.windows(2).all(|p| p[0].0 < p[1].0));
        }
        // One word per term, in term order, each the first form of its stem.
        let stemmer = Stemmer::default();
        let stems: std::collections::HashSet<String> =
            d.words.iter().map(|w| stemmer.stem(w)).collect();
        assert_eq!(stems.len(), d.words.len());
        assert!(d.word_term.iter().enumerate().all(|(i, &t)| i == t));
        assert_eq!(d.of("links"), d.of("link"));
        assert!(d.words.iter().all(|w| !text::is_stop(w)));
        assert_eq!(
            index.stats.entries,
            nums(d.field("notes")).chunks(2).map(|c| c[1]).sum::<u64>() as usize
        );
        // Without code, the code words are gone.
        let (_, no_code) = fixture_index(false);
        assert!(no_code.of("println").is_empty());
    }

    #[test]
    fn anchors_are_stored_only_when_the_client_cannot_derive_them() {
        let (_, d) = fixture_index(true);
        let headings = d.lines("headings");
        let anchors = d.lines("anchors");
        assert_eq!(headings.len(), anchors.len());
        let i = headings
            .iter()
            .position(|h| *h == "Blocks")
            .expect("heading Blocks");
        assert_eq!(
            anchors[i], "",
            "a custom id equal to the derived one is not stored"
        );
        let j = headings
            .iter()
            .position(|h| *h == "Wikilinks")
            .expect("heading");
        assert_eq!(anchors[j], "", "derivable");
        assert_eq!(simple_slug("Cache-aside"), "cache-aside");
        assert_eq!(simple_slug("Four nines: 99.99 %"), "four-nines-9999-");
        assert!(simple_slug("CP — consistency").contains('\0'));
    }

    #[test]
    fn snippet_text_is_tidied() {
        assert_eq!(
            collapse("  a  closed ,\n open ( x ) . "),
            "a closed, open (x)."
        );
    }

    #[test]
    fn snippets_fit_the_budget_and_cut_at_words() {
        assert_eq!(cut("one two three", 100), "one two three");
        assert_eq!(cut("one two three four", 12), "one two");
        let (index, d) = fixture_index(true);
        assert!(index.stats.snippet_chars >= SNIPPET_MIN);
        for s in d.lines("snippets") {
            assert!(s.chars().count() <= index.stats.snippet_chars + 1, "{s}");
        }
    }
}
