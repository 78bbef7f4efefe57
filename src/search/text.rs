//! Words: Unicode segmentation, case folding, stop words and English stemming.
//!
//! The client (`static/search.js`) mirrors each function here: `Intl.Segmenter` for
//! [`words`], `toLowerCase` plus the same apostrophe rule for [`fold`], the stop-word list
//! shipped inside the index, and a JavaScript port of the same Snowball English (Porter2)
//! stemmer, which tests check against [`stem`] on the whole vocabulary.

use unicode_segmentation::UnicodeSegmentation;

/// Longest word indexed, in characters: longer "words" are hashes, base64 or URLs.
pub const MAX_WORD_CHARS: usize = 40;

/// Function words left out of the postings (they match almost every section). They are still
/// in the dictionary, so snippets can spell them, and the client drops them from queries.
/// Kept short on purpose: only words that carry no topic on their own.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "if",
    "in", "into", "is", "it", "its", "of", "on", "or", "so", "than", "that", "the", "their",
    "then", "there", "these", "they", "this", "those", "to", "versus", "vs", "was", "were",
    "which", "while", "who", "with", "you", "your",
];

/// True for a word in [`STOP_WORDS`] (already folded).
pub fn is_stop(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Case folding as the client does it: lower case, and the typographic apostrophe as `'`.
pub fn fold(word: &str) -> String {
    let mut s = word.to_lowercase();
    if s.contains('\u{2019}') {
        s = s.replace('\u{2019}', "'");
    }
    s
}

/// The words of a text (UAX #29 word boundaries, keeping segments with a letter or digit),
/// folded; over-long segments are skipped.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.unicode_words()
        .filter(|w| w.chars().count() <= MAX_WORD_CHARS)
        .map(fold)
}

/// A Snowball English (Porter2) stemmer; cheap to create, not shared between threads.
pub struct Stemmer(rust_stemmers::Stemmer);

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::English,
        ))
    }
}

impl Stemmer {
    /// The stem of a folded word. Words with a digit are kept whole (`http2`, `99.99`).
    pub fn stem(&self, word: &str) -> String {
        if word.chars().any(|c| c.is_numeric()) {
            return word.to_string();
        }
        self.0.stem(word).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
        assert!(is_stop("the") && !is_stop("theorem"));
    }

    #[test]
    fn segmentation_and_folding() {
        let w: Vec<String> =
            words("Brewer’s CAP-theorem: 99.99 % uptime, cache_aside Ünïcode.").collect();
        assert_eq!(
            w,
            [
                "brewer's",
                "cap",
                "theorem",
                "99.99",
                "uptime",
                "cache_aside",
                "ünïcode"
            ]
        );
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(words(&long).count(), 0);
    }

    #[test]
    fn english_stems() {
        let s = Stemmer::default();
        for (w, want) in [
            ("caching", "cach"),
            ("caches", "cach"),
            ("cached", "cach"),
            ("replication", "replic"),
            ("replicating", "replic"),
            ("idempotent", "idempot"),
            ("idempotency", "idempot"),
            ("theorem", "theorem"),
            ("brewer's", "brewer"),
            ("partitions", "partit"),
            ("http2", "http2"),
            ("99.99", "99.99"),
        ] {
            assert_eq!(s.stem(w), want, "stem of {w}");
        }
    }
}
