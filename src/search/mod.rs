//! The search index: from the rendered sections of every note to `search-index.js` and its
//! shards, classic scripts the browser loads as a query needs them.
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
//! ([`W_DESCRIPTION`], [`W_CONTEXT`]: the note title and parent headings, so "caching
//! write-through" finds the Write-through section of the caching note), the body as the reader
//! sees it ([`W_BODY`]: computed values, diagram labels, link texts) and code at the lowest
//! weight ([`W_CODE`]). The build turns each frequency into the entry's BM25 term weight
//! (saturation and length normalisation included, see [`encode::impact_level`]), so the client
//! ranks without knowing any entry's length.
//!
//! # Words
//!
//! Text is split at Unicode word boundaries, folded to lower case and stemmed with Snowball
//! English ([`text`]); a term is a stem. The dictionary ships one word per term, the stem's most
//! used form, sorted and front-coded, with the stem beside it; term ids are dictionary
//! positions. The client matches what the user typed against those words (exact, prefixes of
//! the word being typed, typos by Damerau distance on the word and on its stem) and maps any
//! other form ("caching" when the dictionary has "cache") to its term with a port of the same
//! stemmer; `tests/browser_search.rs` checks it agrees with this one on every word of the
//! handbook and on a list of words that exercises each of its rules.
//!
//! # Format
//!
//! Classic scripts, so a page opened from `file://` loads them with a plain `<script>`
//! (Chromium refuses `fetch`, XHR and modules there). What a query loads does not grow with
//! the site: a small core, and the shards its words need.
//!
//! - `search-index.js`, the core, loaded on first use: `window.COREM_SEARCH_INDEX = {…};` with
//!   the number of entries, the stop words, the impact levels, and the shard tables: the first
//!   word of each dictionary shard and its number of terms, and the number of entries of each
//!   section shard;
//! - `search-index-dN.js`: `COREM_SEARCH_SHARDS.dN = {…};`, a run of consecutive dictionary words
//!   ([`DICT_SHARD_BYTES`] each, about) with, per term, its document frequency, the length of its
//!   posting list and its stem, and the posting shards holding those lists;
//! - `search-index-pN.js`: `COREM_SEARCH_SHARDS.pN = "…";`, the posting lists of a run of
//!   consecutive terms of one dictionary shard ([`POSTINGS_SHARD_BYTES`] each, about); per
//!   section `(gap × 2 + heading) × L + level`, the level an index into the `L` impact levels
//!   and `heading` set when the term is in the section's own heading (a note's: its title);
//! - `search-index-sN.js`: `COREM_SEARCH_SHARDS.sN = […];`, the sections of a run of whole notes
//!   ([`SECTION_SHARD_BYTES`] each, about): per note its URL, title and folder path, its own
//!   entry's text, then per heading its level, parent distance, heading, anchor (when the client
//!   cannot derive it) and text. Loaded for the results a list shows, for their excerpts.
//!
//! Numbers are packed into strings with the variable-length code of [`encode`] (one character
//! for 0..63). The index keeps the whole text of each section as the reader sees it (computed
//! values, not their expressions), so an excerpt can show the words around the best match;
//! the index's total size is not bounded, what one query loads is.
//!
//! The build runs in four phases, each in its own module: [`collect`] (the entries and the text
//! of their fields, in book order), [`tokenise`] (words, their weights per entry, terms),
//! [`encode`] (posting lists) and [`shard`] (the files).

pub mod collect;
pub mod encode;
pub mod shard;
pub mod text;
pub mod tokenise;

use crate::NoteSections;
use crate::link::Graph;
use crate::load::Corpus;
use crate::markdown::Parsed;

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
/// Largest weight kept for one term in one section (BM25 has long saturated by then).
pub const W_MAX: u32 = 127;

/// Options of the index.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Index code blocks (at [`W_CODE`]).
    pub index_code: bool,
}

/// What the index is built from: the analysed site and each note's section texts (taken: the
/// index keeps the texts, and frees each note's as it goes).
pub struct Input<'a> {
    pub corpus: &'a Corpus,
    pub parsed: &'a [Parsed],
    pub graph: &'a Graph,
    pub sections: Vec<NoteSections>,
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
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Size of all the index's files.
    pub file_bytes: usize,
    /// Size of `search-index.js`, the part loaded on first use.
    pub core_bytes: usize,
    /// Number of files (the core and its shards).
    pub files: usize,
    pub entries: usize,
    /// Distinct words, and terms (stems) they make.
    pub words: usize,
    pub terms: usize,
    pub postings: usize,
    /// Markdown bytes of the indexed notes.
    pub markdown_bytes: usize,
    /// Bytes of each kind of shard.
    pub dictionary_bytes: usize,
    pub postings_bytes: usize,
    pub sections_bytes: usize,
    /// The largest shard of each kind (what one lookup loads at most).
    pub largest_dictionary_shard: usize,
    pub largest_sections_shard: usize,
}

/// Builds the index: [`collect`], [`tokenise`], [`encode`], [`shard`] (the costly phases run
/// in parallel on rayon's pool), and hands each file to `sink` as soon as it is made (the core
/// last).
pub fn write(input: Input, sink: &shard::Sink) -> Result<Stats, crate::Error> {
    let Input {
        corpus,
        parsed,
        graph,
        sections,
        options,
    } = input;
    let site = collect::Site {
        corpus,
        parsed,
        graph,
    };
    let notes = collect::book_order(&site, sections);
    let markdown_bytes = notes
        .iter()
        .map(|n| corpus.notes[n.note].source.len())
        .sum();
    let tokens = tokenise::tokenise(&site, &notes, options);
    let terms = tokenise::terms(&tokens);
    let entries = tokens.entries.len();
    let postings = encode::postings(tokens, &terms);
    let mut stats = shard::files(&site, notes, &terms, &postings, sink)?;
    stats.markdown_bytes = markdown_bytes;
    stats.entries = entries;
    stats.words = terms.words;
    stats.terms = terms.dictionary.len();
    stats.postings = postings.count;
    Ok(stats)
}

/// [`write()`] into memory: the files, the core first.
pub fn build(input: Input) -> Index {
    let made = std::sync::Mutex::new(Vec::new());
    let stats = write(input, &|name, js| {
        if let Ok(mut files) = made.lock() {
            files.push((name, js));
        }
        Ok(())
    })
    .unwrap_or_default();
    let mut files: Vec<(String, String)> = made.into_inner().unwrap_or_default();
    // Made in parallel: in name order, as the output's file list is.
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if let Some(core) = files.iter().position(|(n, _)| n == INDEX_FILE) {
        let core = files.remove(core);
        files.insert(0, core);
    }
    Index { files, stats }
}

/// The core file's name; shards are `search-index-d0.js` (dictionary), `search-index-p0.js`
/// (postings) and `search-index-s0.js` (sections), numbered from 0.
pub const INDEX_FILE: &str = "search-index.js";
/// A dictionary shard holds consecutive words up to about this many bytes.
pub const DICT_SHARD_BYTES: usize = 32 * 1024;
/// A postings shard holds consecutive posting lists up to about this many bytes (one list may
/// be more).
pub const POSTINGS_SHARD_BYTES: usize = 64 * 1024;
/// A sections shard holds whole notes up to about this many bytes (one note may be more).
pub const SECTION_SHARD_BYTES: usize = 32 * 1024;

/// The file name of shard `i` of a kind (`d`: dictionary, `p`: postings, `s`: sections).
pub fn shard_name(kind: char, i: usize) -> String {
    format!("search-index-{kind}{i}.js")
}

/// True for the name of a file the index writes (the core or a shard).
pub fn is_index_file(name: &str) -> bool {
    name == INDEX_FILE
        || name
            .strip_prefix("search-index-")
            .and_then(|r| r.strip_suffix(".js"))
            .is_some_and(|r| {
                r.len() > 1
                    && matches!(r.as_bytes()[0], b'd' | b'p' | b's')
                    && r[1..].bytes().all(|b| b.is_ascii_digit())
            })
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kb = |b: usize| b as f64 / 1024.0;
        write!(
            f,
            "search index {} bytes in {} files ({:.0} % of {} bytes of Markdown; \
             search-index.js {:.1} KB; {} sections, {} words, {} terms, {} postings; \
             dictionary {:.0} KB (shards up to {:.1} KB), postings {:.0} KB, \
             sections {:.0} KB (shards up to {:.1} KB))",
            self.file_bytes,
            self.files,
            self.file_bytes as f64 * 100.0 / self.markdown_bytes.max(1) as f64,
            self.markdown_bytes,
            kb(self.core_bytes),
            self.entries,
            self.words,
            self.terms,
            self.postings,
            kb(self.dictionary_bytes),
            kb(self.largest_dictionary_shard),
            kb(self.postings_bytes),
            kb(self.sections_bytes),
            kb(self.largest_sections_shard),
        )
    }
}

#[cfg(test)]
mod tests;
