//! Phase 2 of the index: the words of every entry with their weights (in parallel, words
//! interned to numbers so a 100,000-note site does not hold a string per word per section),
//! then the terms: words grouped by stem, one dictionary word per term.

use std::hash::BuildHasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::collect::{self, Note, Place, Site};
use super::encode::{self, js_sort};
use super::text::{self, Stemmer, is_stop};
use super::{Options, W_MAX};

/// Words → numbers, shared by the threads that tokenise (sharded by hash, so they seldom wait).
struct Interner {
    shards: Vec<Mutex<FxHashMap<Box<str>, u32>>>,
    next: AtomicU32,
}

const INTERNER_SHARDS: usize = 64;

impl Interner {
    fn new() -> Interner {
        Interner {
            shards: (0..INTERNER_SHARDS)
                .map(|_| Mutex::new(FxHashMap::default()))
                .collect(),
            next: AtomicU32::new(0),
        }
    }

    fn id(&self, word: &str) -> u32 {
        let shard = (rustc_hash::FxBuildHasher.hash_one(word) as usize) % INTERNER_SHARDS;
        let mut map = match self.shards[shard].lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(&id) = map.get(word) {
            return id;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        map.insert(word.into(), id);
        id
    }

    /// The words by number.
    fn into_words(self) -> Vec<Box<str>> {
        let mut words: Vec<Box<str>> = vec![Box::from(""); self.next.into_inner() as usize];
        for shard in self.shards {
            let map = match shard.into_inner() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            for (w, id) in map {
                words[id as usize] = w;
            }
        }
        words
    }
}

/// An entry's word (or term) with its weight, packed in a `u32`: the number in the high 24
/// bits, then whether it is in the entry's own heading, then the weight (at most [`W_MAX`]).
pub type Packed = u32;

/// Packs a number, heading flag and weight.
pub fn pack(id: u32, heading: bool, weight: u32) -> Packed {
    (id << 8) | (u32::from(heading) << 7) | weight.min(W_MAX)
}

/// The number, heading flag and weight of a [`Packed`].
pub fn unpack(p: Packed) -> (u32, bool, u32) {
    (p >> 8, p & 0x80 != 0, p & 0x7f)
}

/// Most distinct words an index can number (24 bits).
pub const MAX_WORDS: usize = 1 << 24;

/// The words of every entry.
pub struct Tokens {
    /// Every distinct word, by number.
    pub words: Vec<Box<str>>,
    /// Per entry, in book order: where it sits, and its words ([`Packed`], sorted by number).
    pub entries: Vec<(Place, Vec<Packed>)>,
    /// Per entry: the number of its body and code words (its length for BM25).
    pub lengths: Vec<u32>,
}

/// Numbers longer than 6 characters (computed values such as `0.0166249`, `86,400,000`) are
/// not indexed: nobody types them, and a handbook full of calculations has many.
pub fn long_number(w: &str) -> bool {
    w.len() > 6
        && w.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
}

/// True for a word the index keeps.
pub fn indexed(w: &str) -> bool {
    !is_stop(w) && encode::storable(w) && !long_number(w)
}

/// Splits every entry's fields into words and sums their weights per entry.
pub fn tokenise(site: &Site, notes: &[Note], options: Options) -> Tokens {
    let interner = Interner::new();
    let per_note: Vec<Vec<(Place, Vec<Packed>, u32)>> = notes
        .par_iter()
        .map_init(FxHashMap::<Box<str>, u32>::default, |cache, note| {
            collect::entries(site, note, options.index_code)
                .into_iter()
                .map(|e| {
                    // Every occurrence as (word, in the heading, weight), summed per word below.
                    let mut seen: Vec<Packed> = Vec::new();
                    let mut length = 0u32;
                    for f in &e.fields {
                        text::each_word(f.text, |w| {
                            if !indexed(w) {
                                return;
                            }
                            let id = match cache.get(w) {
                                Some(&id) => id,
                                None => {
                                    let id = interner.id(w);
                                    cache.insert(w.into(), id);
                                    id
                                }
                            };
                            if id as usize >= MAX_WORDS {
                                // Past 16 million distinct words, new ones are not indexed.
                                return;
                            }
                            seen.push(pack(id, f.heading, f.weight));
                            if f.counts {
                                length += 1;
                            }
                        });
                    }
                    (e.place, merge(seen), length)
                })
                .collect()
        })
        .collect();
    let mut entries = Vec::with_capacity(per_note.iter().map(Vec::len).sum());
    let mut lengths = Vec::with_capacity(entries.capacity());
    for (place, words, length) in per_note.into_iter().flatten() {
        entries.push((place, words));
        lengths.push(length);
    }
    Tokens {
        words: interner.into_words(),
        entries,
        lengths,
    }
}

/// Sorts packed occurrences and sums those of one number: its weights (at most [`W_MAX`]),
/// and whether any is in the heading.
pub fn merge(mut all: Vec<Packed>) -> Vec<Packed> {
    all.sort_unstable();
    let mut out: Vec<Packed> = Vec::with_capacity(all.len());
    for p in all {
        let (id, h, w) = unpack(p);
        match out.last_mut() {
            Some(last) if unpack(*last).0 == id => {
                let (_, lh, lw) = unpack(*last);
                *last = pack(id, h || lh, lw + w);
            }
            _ => out.push(p),
        }
    }
    out.shrink_to_fit();
    out
}

/// The terms: words grouped by stem.
pub struct Terms {
    /// One word per term (its stem's most used form), in the client's order: term ids are
    /// positions here.
    pub dictionary: Vec<String>,
    /// The stem of each term.
    pub stems: Vec<String>,
    /// For each word number, its term.
    pub of_word: Vec<u32>,
    /// Number of distinct words.
    pub words: usize,
}

/// Groups the words by stem; each term's dictionary word is the form most entries use (the one
/// a reader most likely types, which keeps prefixes and typos close), the first in the
/// client's order on a tie.
pub fn terms(tokens: &Tokens) -> Terms {
    let words = &tokens.words;
    // Entries using each word.
    let mut uses = vec![0u32; words.len()];
    for (_, ws) in &tokens.entries {
        for &p in ws {
            uses[unpack(p).0 as usize] += 1;
        }
    }
    let stems: Vec<String> = words
        .par_iter()
        .map_init(Stemmer::default, |s, w| s.stem(w))
        .collect();
    // Word numbers in the client's order, so ties go to the first.
    let mut order: Vec<u32> = (0..words.len() as u32).collect();
    order
        .sort_by(|&a, &b| (words[a as usize].encode_utf16()).cmp(words[b as usize].encode_utf16()));
    let mut best: FxHashMap<&str, u32> = FxHashMap::default();
    for &w in &order {
        let e = best.entry(stems[w as usize].as_str()).or_insert(w);
        if uses[w as usize] > uses[*e as usize] {
            *e = w;
        }
    }
    let mut dictionary: Vec<String> = best
        .values()
        .map(|&w| words[w as usize].to_string())
        .collect();
    js_sort(&mut dictionary);
    let term_of_word: FxHashMap<&str, u32> = (dictionary.iter().enumerate())
        .map(|(t, w)| (w.as_str(), t as u32))
        .collect();
    let of_word: Vec<u32> = (0..words.len())
        .map(|w| {
            let form = &words[best[stems[w].as_str()] as usize];
            term_of_word[&**form]
        })
        .collect();
    let mut term_stems = vec![String::new(); dictionary.len()];
    for (w, &t) in of_word.iter().enumerate() {
        if term_stems[t as usize].is_empty() {
            term_stems[t as usize] = stems[w].clone();
        }
    }
    Terms {
        dictionary,
        stems: term_stems,
        of_word,
        words: words.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_caps_the_weight() {
        assert_eq!(unpack(pack(123_456, true, 40)), (123_456, true, 40));
        assert_eq!(unpack(pack(7, false, 999)), (7, false, W_MAX));
        assert_eq!(
            unpack(pack((MAX_WORDS - 1) as u32, true, 1)).0,
            (MAX_WORDS - 1) as u32
        );
        // Sorting packed words sorts by number first.
        assert!(pack(2, false, 1) > pack(1, true, W_MAX));
    }

    #[test]
    fn merging_sums_weights_and_keeps_the_heading_flag() {
        let all = vec![
            pack(5, false, 2),
            pack(3, true, 24),
            pack(5, true, 8),
            pack(5, false, 120),
        ];
        assert_eq!(merge(all), vec![pack(3, true, 24), pack(5, true, W_MAX)]);
    }

    #[test]
    fn the_interner_numbers_each_word_once() {
        let i = Interner::new();
        let a = i.id("cache");
        assert_eq!(i.id("cache"), a);
        let b = i.id("caching");
        assert_ne!(a, b);
        let words = i.into_words();
        assert_eq!(&*words[a as usize], "cache");
        assert_eq!(&*words[b as usize], "caching");
    }

    #[test]
    fn long_numbers_and_stop_words_are_not_indexed() {
        assert!(!indexed("0.0166249") && !indexed("the") && !indexed("a-b"));
        assert!(indexed("99.99") && indexed("cache") && indexed("http2"));
    }
}
