//! Words: Unicode segmentation, case folding, stop words and English stemming.
//!
//! The client (`static/search.js`) mirrors each function here: `Intl.Segmenter` for
//! [`words`], `toLowerCase` plus the same apostrophe rule for [`fold`], the stop-word list
//! shipped inside the index, and a JavaScript port of the same Snowball English (Porter2)
//! stemmer, which tests check against [`Stemmer::stem`] on the whole vocabulary.

use unicode_segmentation::UnicodeSegmentation;

/// Longest word indexed, in characters: longer "words" are hashes, base64 or URLs.
pub const MAX_WORD_CHARS: usize = 40;

/// Function words left out of the index (they match almost every section); the list ships in
/// the index, and the client drops them from queries (but not a word still being typed).
/// Kept short on purpose: only words that carry no topic on their own.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "another", "are", "as", "at", "be", "but", "by", "each", "every", "for",
    "from", "has", "have", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "so",
    "some", "than", "that", "the", "their", "then", "there", "these", "they", "this", "those",
    "to", "versus", "vs", "was", "were", "which", "while", "who", "with", "you", "your",
];

/// True for a word in [`STOP_WORDS`] (already folded). Called for every word of every
/// section, so it looks at the length and the first letter, then compares numbers: a word of
/// at most 7 bytes read as one integer ([`stop_key`]) against the stop words' (a binary
/// search of strings called `memcmp` about six times per word: 2.6 % of the CPU samples of a
/// fresh 10,000-note build).
pub fn is_stop(word: &str) -> bool {
    let b = word.as_bytes();
    if b.is_empty() || b.len() > STOP_MAX_LEN || !STOP_FIRST[b[0] as usize] {
        return false;
    }
    STOP_KEYS.binary_search(&stop_key(b)).is_ok()
}

/// A word of at most 7 bytes as one number: its bytes (little-endian) and its length in the
/// top byte, so that two words get the same number only if they are the same.
const fn stop_key(b: &[u8]) -> u64 {
    let mut k = (b.len() as u64) << 56;
    let mut i = 0;
    while i < b.len() && i < 7 {
        k |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

const _: () = assert!(
    STOP_MAX_LEN <= 7,
    "stop words are compared as numbers of 7 bytes"
);

/// [`stop_key`] of every stop word, sorted.
const STOP_KEYS: [u64; STOP_WORDS.len()] = {
    let mut keys = [0u64; STOP_WORDS.len()];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        // Insertion sort (this runs at compile time).
        let k = stop_key(STOP_WORDS[i].as_bytes());
        let mut j = i;
        while j > 0 && keys[j - 1] > k {
            keys[j] = keys[j - 1];
            j -= 1;
        }
        keys[j] = k;
        i += 1;
    }
    keys
};

/// Length of the longest stop word.
const STOP_MAX_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < STOP_WORDS.len() {
        if STOP_WORDS[i].len() > max {
            max = STOP_WORDS[i].len();
        }
        i += 1;
    }
    max
};

/// The bytes stop words start with.
const STOP_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        t[STOP_WORDS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

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

/// Calls `f` with each folded word of `text`, like [`words`] but without allocating: ASCII
/// text is split by a direct implementation of the UAX #29 rules that apply to ASCII (runs of
/// letters, digits and `_`; `.` `'` `:` join letters, `.` `'` `,` `;` join digits), which a
/// test checks against the general path.
pub fn each_word(text: &str, mut f: impl FnMut(&str)) {
    if !text.is_ascii() {
        for w in words(text) {
            f(&w);
        }
        return;
    }
    let b = text.as_bytes();
    let mut buf = String::with_capacity(32);
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !word(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            // A joiner between two letters or two digits keeps the word going.
            if i + 1 < b.len() && word(b[i + 1]) && i > start {
                let (l, r) = (b[i - 1], b[i + 1]);
                let joins = match b[i] {
                    b'.' | b'\'' => {
                        (l.is_ascii_alphabetic() && r.is_ascii_alphabetic())
                            || (l.is_ascii_digit() && r.is_ascii_digit())
                    }
                    b':' => l.is_ascii_alphabetic() && r.is_ascii_alphabetic(),
                    b',' | b';' => l.is_ascii_digit() && r.is_ascii_digit(),
                    _ => false,
                };
                if joins {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        let w = &text[start..i];
        if w.len() <= MAX_WORD_CHARS && w.bytes().any(|c| c.is_ascii_alphanumeric()) {
            buf.clear();
            buf.push_str(w);
            buf.make_ascii_lowercase();
            f(&buf);
        }
    }
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
        assert!(STOP_WORDS.iter().all(|w| is_stop(w)));
        assert!(!is_stop("") && !is_stop("zebra") && !is_stop("anotherone"));
        // Prefixes, extensions and near neighbours of stop words are not stop words.
        for w in [
            "th", "thes", "ther", "thence", "anothe", "versu", "v", "yo", "yours", "ist",
        ] {
            assert!(!is_stop(w), "{w}");
        }
        assert!(!is_stop("thé") && !is_stop("t\u{0}") && !is_stop("a\u{0}\u{0}"));
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
    fn ascii_fast_path_splits_like_unicode_segmentation() {
        let mut seed = 12345u64;
        let alphabet = b"aZ9_ .',:;-x1\n(";
        for _ in 0..20_000 {
            let len = (seed % 14) as usize;
            let mut s = String::new();
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()] as char);
            }
            seed = seed.wrapping_add(7);
            let general: Vec<String> = words(&s).collect();
            let mut fast = Vec::new();
            each_word(&s, |w| fast.push(w.to_string()));
            assert_eq!(fast, general, "text {s:?}");
        }
        let mut fast = Vec::new();
        each_word("e.g. 1,000.5 it's a:b x_y", |w| fast.push(w.to_string()));
        assert_eq!(fast, ["e.g", "1,000.5", "it's", "a:b", "x_y"]);
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
