//! Numbers as text: a variable-length code over 93 printable ASCII characters.
//!
//! The index travels inside a JavaScript string literal, so it can only use characters that
//! need no escaping there: every printable ASCII character but `"` and `\`. Each character is
//! a digit 0..93: digits 0..63 end a number, digits 64..92 continue it (base 29, most
//! significant first), the ending digit is base 64. So 0..63 take one character, up to 1,919
//! two, up to 55,743 three. Small numbers dominate (gaps between sections of a posting list,
//! weights, lengths), which is what makes the index compact.

/// The digits, in order. Shipped in the index, so the client decodes with the same table.
pub const ALPHABET: &str = concat!(
    " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`",
    "abcdefghijklmnopqrstuvwxyz{|}~"
);
/// Ending digits per character.
pub const END: u64 = 64;
/// Continuation digits per character.
pub const MORE: u64 = 29;

/// Appends numbers to a string.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    pub out: String,
}

fn digit(d: u64) -> char {
    // ALPHABET is ASCII and d < 93, so the byte is a char.
    ALPHABET.as_bytes()[d as usize] as char
}

impl Writer {
    /// Appends one number.
    pub fn num(&mut self, v: u64) {
        // Find how many continuation digits `v` needs: values with k of them start at
        // END * (1 + MORE + … + MORE^(k-1)).
        // In 128 bits: near u64::MAX the next start does not fit 64.
        let mut k = 0u32;
        let mut start = 0u128;
        let mut span = u128::from(END);
        while u128::from(v) >= start + span {
            start += span;
            span *= u128::from(MORE);
            k += 1;
        }
        // `v - start` is at most `v`.
        let r = (u128::from(v) - start) as u64;
        let last = r % END;
        let mut high = r / END;
        let mut more = Vec::with_capacity(k as usize);
        for _ in 0..k {
            more.push(END + high % MORE);
            high /= MORE;
        }
        for d in more.into_iter().rev() {
            self.out.push(digit(d));
        }
        self.out.push(digit(last));
    }

    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }
}

/// Reads numbers back (the client's algorithm, for tests and for checking the output).
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(s: &'a str) -> Self {
        Reader {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    /// The next number, or `None` at the end, on a byte that is not a digit, or when the
    /// number does not fit 64 bits.
    pub fn num(&mut self) -> Option<u64> {
        let mut high = 0u64;
        let mut k = 0u32;
        loop {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            let d = ALPHABET.bytes().position(|x| x == b)? as u64;
            if d < END {
                let mut start = 0u64;
                let mut span = END;
                for _ in 0..k {
                    start = start.checked_add(span)?;
                    span = span.saturating_mul(MORE);
                }
                return start.checked_add(high.checked_mul(END)?.checked_add(d)?);
            }
            high = high.checked_mul(MORE)?.checked_add(d - END)?;
            k += 1;
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

/// BM25's term-frequency saturation (the client's scoring uses the same constants).
pub const K1: f64 = 1.2;
/// BM25's length normalisation.
pub const B: f64 = 0.75;
/// How many impact levels a posting can have.
pub const LEVELS: usize = 32;
/// The lowest level's impact (a code word in a long section is about 0.1).
pub const IMPACT_MIN: f64 = 0.08;

/// A term's BM25 weight in an entry, without its idf: `tf (k1 + 1) / (tf + k1 (1 - b + b
/// len / avg))`, with `tf` the entry's field-weighted frequency (`weight` in half units) and
/// `len` its length in words. Between 0 and `K1 + 1`.
pub fn impact(weight: u32, len: u32, avg: f64) -> f64 {
    let tf = f64::from(weight) / 2.0;
    let norm = 1.0 - B + B * f64::from(len) / avg.max(1.0);
    tf * (K1 + 1.0) / (tf + K1 * norm)
}

/// The impact of each level: geometric from [`IMPACT_MIN`] to `K1 + 1` (each about 25 % above
/// the one before; BM25 saturates, so the rounding hardly moves a ranking). Shipped in the
/// index, so the client scores with the same table.
pub fn impact_levels() -> Vec<f64> {
    let top = K1 + 1.0;
    let ratio = (top / IMPACT_MIN).powf(1.0 / (LEVELS - 1) as f64);
    (0..LEVELS)
        .map(|i| (top / ratio.powi((LEVELS - 1 - i) as i32) * 1e4).round() / 1e4)
        .collect()
}

/// The level nearest to an impact, on a log scale.
pub fn impact_level(impact: f64) -> usize {
    let top = K1 + 1.0;
    let ratio = (top / IMPACT_MIN).powf(1.0 / (LEVELS - 1) as f64);
    let steps_down = (top / impact.max(1e-9)).ln() / ratio.ln();
    (LEVELS - 1).saturating_sub(steps_down.round().max(0.0) as usize)
}

/// Length of a string in UTF-16 code units (what JavaScript's `length` and `slice` count).
pub fn js_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Sorts strings in JavaScript's order (UTF-16 code units), so the client can binary-search.
pub fn js_sort(v: &mut [String]) {
    v.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
}

/// Marks that start a dictionary entry: folded words never contain them (upper-case ASCII
/// folds away; the symbols are word boundaries under UAX #29). The position of the mark in
/// its list is the length shared with the previous word (at most [`MAX_SHARED`]).
pub const MARK_SAME: &str = "ABCDEFGHIJKLMNOPQRSTUVWXY";
/// As [`MARK_SAME`], for a word that starts a new term.
pub const MARK_NEW: &str = " !#$%&()*+-/<=>?@[]^`{|}~";
/// Escape before a number: the word's term is the one of the word that many entries back,
/// and a [`MARK_SAME`] mark follows.
pub const MARK_BACK: char = 'Z';
/// Longest shared prefix a mark can say; longer ones repeat the rest.
pub const MAX_SHARED: usize = 24;

/// True if `word` can be stored in the dictionary (contains no mark).
pub fn storable(word: &str) -> bool {
    !word.bytes().any(|b| IS_MARK[b as usize])
}

/// Bytes that are marks ([`MARK_SAME`], [`MARK_NEW`], [`MARK_BACK`]: `A`–`Z` and the symbols).
const IS_MARK: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < MARK_NEW.len() {
        t[MARK_NEW.as_bytes()[i] as usize] = true;
        i += 1;
    }
    let mut c = b'A';
    while c <= b'Z' {
        t[c as usize] = true;
        c += 1;
    }
    t
};

/// How a dictionary word maps to its term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermLink {
    /// A term no earlier word had (terms are numbered in dictionary order).
    New,
    /// The term of the word `k` entries back (`1`: the previous word).
    Back(usize),
}

/// Front-codes sorted words and their term links into one string: per word a mark (shared
/// prefix length and link), then the rest of the word up to the next mark. Prefixes are
/// counted in UTF-16 units, as the client slices strings.
pub fn front_code(words: &[String], links: &[TermLink]) -> String {
    let mut out = String::new();
    let mut prev: Vec<u16> = Vec::new();
    for (word, link) in words.iter().zip(links) {
        let cur: Vec<u16> = word.encode_utf16().collect();
        let mut shared = prev
            .iter()
            .zip(&cur)
            .take_while(|(a, b)| a == b)
            .count()
            .min(MAX_SHARED);
        // Never split a surrogate pair.
        if shared > 0 && shared < cur.len() && (0xDC00..0xE000).contains(&cur[shared]) {
            shared -= 1;
        }
        let mark = |set: &str| set.as_bytes()[shared] as char;
        match link {
            TermLink::New => out.push(mark(MARK_NEW)),
            TermLink::Back(1) => out.push(mark(MARK_SAME)),
            TermLink::Back(k) => {
                out.push(MARK_BACK);
                let mut w = Writer::default();
                w.num(*k as u64);
                out.push_str(&w.out);
                out.push(mark(MARK_SAME));
            }
        }
        out.push_str(&String::from_utf16_lossy(&cur[shared..]));
        prev = cur;
    }
    out
}

/// Decodes [`front_code`] (the client's algorithm; for tests).
pub fn front_decode(s: &str) -> Vec<(String, TermLink)> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let pos_in = |set: &str, u: u16| set.encode_utf16().position(|x| x == u);
    let mut out = Vec::new();
    let mut prev: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let mut link = TermLink::Back(1);
        if units[i] == MARK_BACK as u16 {
            // The number is ASCII, so byte and unit positions agree inside it.
            let rest = String::from_utf16_lossy(&units[i + 1..(i + 9).min(units.len())]);
            let mut r = Reader::new(&rest);
            let k = r.num().unwrap_or(1);
            link = TermLink::Back(k as usize);
            i += 1 + r.pos;
        }
        let (shared, l) = match (pos_in(MARK_SAME, units[i]), pos_in(MARK_NEW, units[i])) {
            (Some(n), _) => (n, link),
            (None, Some(n)) => (n, TermLink::New),
            _ => (0, link),
        };
        i += 1;
        let mut cur = prev[..shared.min(prev.len())].to_vec();
        while i < units.len()
            && pos_in(MARK_SAME, units[i]).is_none()
            && pos_in(MARK_NEW, units[i]).is_none()
            && units[i] != MARK_BACK as u16
        {
            cur.push(units[i]);
            i += 1;
        }
        out.push((String::from_utf16_lossy(&cur), l));
        prev = cur;
    }
    out
}

/// The posting lists of every term.
pub struct Postings {
    /// Per term: its entries as numbers ([`Writer`]), each `(gap × 2 + heading) × LEVELS +
    /// level` (gaps counted from -1, so the first is the entry's number; `heading` when the term
    /// is in the entry's own heading; `level` of [`impact_level`]).
    pub lists: Vec<String>,
    /// Per term: the number of entries using it.
    pub df: Vec<u32>,
    /// Postings in all.
    pub count: usize,
}

/// Inverts the entries' words into per-term posting lists (in parallel), and encodes them.
pub fn postings(tokens: super::tokenise::Tokens, terms: &super::tokenise::Terms) -> Postings {
    use super::tokenise::{pack, unpack};
    use rayon::prelude::*;
    let super::tokenise::Tokens {
        entries, lengths, ..
    } = tokens;
    let avg = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / lengths.len().max(1) as f64;
    // Per entry: (term, heading, level), by term; forms of one stem add up.
    let by_entry: Vec<Vec<u32>> = entries
        .into_par_iter()
        .zip(lengths.par_iter())
        .map(|((_, words), &len)| {
            let mut out = super::tokenise::merge(
                (words.iter())
                    .map(|&p| {
                        let (w, h, wt) = unpack(p);
                        pack(terms.of_word[w as usize], h, wt)
                    })
                    .collect(),
            );
            // The weight becomes the level (both fit the low 7 bits).
            for p in &mut out {
                let (t, h, wt) = unpack(*p);
                *p = pack(t, h, impact_level(impact(wt, len, avg)) as u32);
            }
            out
        })
        .collect();
    invert(by_entry, terms.dictionary.len())
}

/// About this many postings go into one block of consecutive terms, inverted on its own: its
/// part of the posting lists (8 bytes a posting) stays in a core's cache while it is filled.
const BLOCK_POSTINGS: usize = 1 << 15;

/// A posting on its way from its entry to its term's list: term (24 bits), entry (32 bits),
/// code (heading × LEVELS + level, 8 bits), in that order from the top, so that the
/// postings of one term sort by entry.
type Moving = u64;

/// Most bytes of per-chunk term counts [`invert`] holds at once (a `u32` per term per chunk).
const COUNTS_BYTES: usize = 64 << 20;

/// Entries per chunk in [`invert`]: about four chunks a thread, so that the threads stay busy,
/// but few enough that the chunks' term counts stay within [`COUNTS_BYTES`] (many threads
/// and millions of distinct words would otherwise hold gigabytes of counts).
fn chunk_len(entries: usize, terms: usize, threads: usize) -> usize {
    let most = (COUNTS_BYTES / (std::mem::size_of::<u32>() * terms.max(1))).max(1);
    let chunks = (4 * threads).clamp(1, most);
    entries.div_ceil(chunks).max(1)
}

/// The per-term lists of the entries' postings (`by_entry[e]`: entry `e`'s [`pack`]ed (term,
/// heading, level), by term), each list in entry order, encoded.
///
/// A counting sort by term over every posting writes all over a list as large as the index
/// (500 MB at 100,000 notes), one cache miss a posting, on one thread. Here the terms are cut
/// into blocks of about [`BLOCK_POSTINGS`] postings: each chunk of entries first deals its
/// postings out to the blocks (one stream per block, written in order), then each block sorts
/// its own postings by term in a part of memory that fits in a cache. Both steps run on every
/// thread, and the entries' own lists are dropped as they are dealt out.
///
/// [`pack`]: super::tokenise::pack
fn invert(mut by_entry: Vec<Vec<u32>>, terms_n: usize) -> Postings {
    use super::tokenise::unpack;
    use rayon::prelude::*;
    let chunk = chunk_len(by_entry.len(), terms_n, rayon::current_num_threads());
    // Per chunk of entries: how many postings each term has in it.
    let counts: Vec<Vec<u32>> = by_entry
        .par_chunks(chunk)
        .map(|es| {
            let mut c = vec![0u32; terms_n];
            for &p in es.iter().flatten() {
                c[unpack(p).0 as usize] += 1;
            }
            c
        })
        .collect();
    let df: Vec<u32> = (0..terms_n)
        .into_par_iter()
        .map(|t| counts.iter().map(|c| c[t]).sum())
        .collect();
    let count: usize = df.iter().map(|&d| d as usize).sum();
    let cuts = block_cuts(&df);
    let blocks = cuts.len() - 1;
    let mut block_of = vec![0u32; terms_n];
    for b in 0..blocks {
        block_of[cuts[b]..cuts[b + 1]].fill(b as u32);
    }
    // Deal: per chunk (in entry order), per block, its postings in entry order.
    let dealt: Vec<Vec<Vec<Moving>>> = by_entry
        .par_chunks_mut(chunk)
        .zip(counts.par_iter())
        .enumerate()
        .map(|(c, (es, counts))| {
            let sizes = cuts
                .windows(2)
                .map(|w| counts[w[0]..w[1]].iter().sum::<u32>());
            deal(es, c * chunk, &block_of, sizes)
        })
        .collect();
    drop(by_entry);
    // Per block, its pieces from every chunk, in chunk order.
    let mut per_block: Vec<Vec<Vec<Moving>>> = (0..blocks).map(|_| Vec::new()).collect();
    for pieces in dealt {
        for (b, piece) in pieces.into_iter().enumerate() {
            per_block[b].push(piece);
        }
    }
    let lists: Vec<String> = per_block
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(b, pieces)| encode_block(&pieces, cuts[b], &df[cuts[b]..cuts[b + 1]]))
        .collect();
    Postings { lists, df, count }
}

/// Where the blocks of consecutive terms start, for the terms' postings counts `df`: block
/// `b` holds terms `cuts[b]..cuts[b + 1]`, about [`BLOCK_POSTINGS`] postings (a single term
/// may have more).
fn block_cuts(df: &[u32]) -> Vec<usize> {
    let mut cuts = vec![0usize];
    let mut filled = 0;
    for (t, &d) in df.iter().enumerate() {
        if filled >= BLOCK_POSTINGS {
            cuts.push(t);
            filled = 0;
        }
        filled += d as usize;
    }
    cuts.push(df.len());
    cuts
}

/// Deals the postings of the entries `es` (numbered from `first`) out to the blocks
/// (`block_of` each term's), each block's in entry order, taking the entries' lists;
/// `sizes`: how many each block gets.
fn deal(
    es: &mut [Vec<u32>],
    first: usize,
    block_of: &[u32],
    sizes: impl Iterator<Item = u32>,
) -> Vec<Vec<Moving>> {
    use super::tokenise::unpack;
    let mut out: Vec<Vec<Moving>> = sizes.map(|n| Vec::with_capacity(n as usize)).collect();
    for (i, ps) in es.iter_mut().enumerate() {
        let e = (first + i) as u64;
        for p in std::mem::take(ps) {
            let (t, h, level) = unpack(p);
            let code = u64::from(h) * LEVELS as u64 + u64::from(level);
            out[block_of[t as usize] as usize].push((u64::from(t) << 40) | (e << 8) | code);
        }
    }
    out
}

/// The encoded lists of the terms `first..first + df.len()` (`df`: their postings' counts),
/// from `pieces` holding exactly their postings, in entry order.
fn encode_block(pieces: &[Vec<Moving>], first: usize, df: &[u32]) -> Vec<String> {
    let mut start = Vec::with_capacity(df.len() + 1);
    start.push(0usize);
    for &d in df {
        start.push(start[start.len() - 1] + d as usize);
    }
    // By term, each term's postings in entry order: (entry, code).
    let mut flat: Vec<(u32, u8)> = vec![(0, 0); start[df.len()]];
    let mut fill = start.clone();
    for &m in pieces.iter().flatten() {
        let t = (m >> 40) as usize - first;
        flat[fill[t]] = ((m >> 8) as u32, m as u8);
        fill[t] += 1;
    }
    (0..df.len())
        .map(|t| {
            let mut w = Writer::default();
            let mut prev: i64 = -1;
            for &(e, code) in &flat[start[t]..start[t + 1]] {
                let gap = (i64::from(e) - prev - 1) as u64;
                prev = i64::from(e);
                w.num(gap * 2 * LEVELS as u64 + u64::from(code));
            }
            w.out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists as a counting sort over all postings at once makes them.
    fn invert_directly(by_entry: &[Vec<u32>], terms_n: usize) -> Vec<String> {
        let mut lists = vec![(Writer::default(), -1i64); terms_n];
        for (e, ps) in by_entry.iter().enumerate() {
            for &p in ps {
                let (t, h, level) = super::super::tokenise::unpack(p);
                let (w, prev) = &mut lists[t as usize];
                w.num(
                    (e as i64 - *prev - 1) as u64 * 2 * LEVELS as u64
                        + u64::from(h) * LEVELS as u64
                        + u64::from(level),
                );
                *prev = e as i64;
            }
        }
        lists.into_iter().map(|(w, _)| w.out).collect()
    }

    #[test]
    fn chunks_bound_the_memory_their_term_counts_take() {
        // Four chunks a thread when the counts are small.
        assert_eq!(chunk_len(800_000, 180_000, 2), 100_000);
        // 64 threads and 180,000 terms: 93 chunks (67 MB of counts), not 256 (184 MB).
        let chunks =
            |entries: usize, terms, threads| entries.div_ceil(chunk_len(entries, terms, threads));
        assert_eq!(chunks(800_000, 180_000, 64), 93);
        assert!(chunks(800_000, 180_000, 64) * 180_000 * 4 <= COUNTS_BYTES);
        // Sixteen million distinct words: one chunk.
        assert_eq!(chunk_len(800_000, 1 << 24, 64), 800_000);
        // No entries, no terms, no threads.
        assert_eq!(chunk_len(0, 0, 0), 1);
        assert_eq!(chunk_len(5, 0, 8), 1);
    }

    #[test]
    fn inverting_in_blocks_gives_every_term_its_postings_in_entry_order() {
        use super::super::tokenise::pack;
        // Enough postings for a dozen blocks and more, a few terms in every entry (one in nearly
        // all, so that one block holds a single term), several chunks of entries.
        let terms_n = 20_000;
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        let by_entry: Vec<Vec<u32>> = (0..30_000)
            .map(|e| {
                let mut ts: Vec<u32> = (0..next() % 40).map(|_| next() % terms_n).collect();
                if e % 50 != 0 {
                    ts.push(3);
                }
                ts.sort_unstable();
                ts.dedup();
                ts.into_iter()
                    .map(|t| pack(t, next() % 3 == 0, next() % LEVELS as u32))
                    .collect()
            })
            .collect();
        let want = invert_directly(&by_entry, terms_n as usize);
        let postings: usize = by_entry.iter().map(Vec::len).sum();
        assert!(postings > 10 * BLOCK_POSTINGS, "{postings}");
        let got = invert(by_entry.clone(), terms_n as usize);
        assert_eq!(got.count, postings);
        assert_eq!(got.lists.len(), want.len());
        for (t, (g, w)) in got.lists.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "term {t}");
        }
        for (t, list) in want.iter().enumerate() {
            let mut r = Reader::new(list);
            let n = std::iter::from_fn(|| r.num()).count();
            assert_eq!(got.df[t] as usize, n, "df of term {t}");
        }
        // No entries, no terms.
        let none = invert(Vec::new(), 0);
        assert!(none.lists.is_empty() && none.df.is_empty() && none.count == 0);
        let empty = invert(vec![Vec::new(); 3], 5);
        assert_eq!(empty.lists, vec![String::new(); 5]);
    }

    #[test]
    fn impact_levels_rise_and_round_to_the_nearest() {
        let levels = impact_levels();
        assert_eq!(levels.len(), LEVELS);
        assert!((levels[LEVELS - 1] - (K1 + 1.0)).abs() < 1e-9);
        assert!((levels[0] - IMPACT_MIN).abs() < 1e-4);
        for (i, &l) in levels.iter().enumerate() {
            assert_eq!(impact_level(l), i, "{l}");
            assert_eq!(impact_level(l * 1.05), i);
            assert_eq!(impact_level(l * 0.95), i);
        }
        assert_eq!(impact_level(0.0), 0);
        assert_eq!(impact_level(9.0), LEVELS - 1);
        // More occurrences weigh more; a longer section weighs less.
        assert!(impact(4, 100, 100.0) > impact(2, 100, 100.0));
        assert!(impact(2, 50, 100.0) > impact(2, 400, 100.0));
        // A title word outweighs a body word whatever the length.
        assert!(impact_level(impact(24, 400, 100.0)) > impact_level(impact(2, 20, 100.0)));
    }

    #[test]
    fn alphabet_is_93_safe_characters() {
        assert_eq!(ALPHABET.len(), 93);
        assert_eq!(END + MORE, 93);
        assert!(!ALPHABET.contains('"') && !ALPHABET.contains('\\'));
        let mut b: Vec<u8> = ALPHABET.bytes().collect();
        b.dedup();
        assert_eq!(b.len(), 93);
    }

    #[test]
    fn numbers_round_trip_with_the_documented_sizes() {
        let cases = [
            (0u64, 1usize),
            (63, 1),
            (64, 2),
            (1919, 2),
            (1920, 3),
            (55_743, 3),
            (55_744, 4),
            (u32::MAX as u64, 7),
        ];
        for (v, chars) in cases {
            let mut w = Writer::default();
            w.num(v);
            assert_eq!(w.len(), chars, "size of {v}");
            assert_eq!(Reader::new(&w.out).num(), Some(v));
        }
        let mut w = Writer::default();
        let vals: Vec<u64> = (0..5000).map(|i| i * i * 7 % 100_003).collect();
        for &v in &vals {
            w.num(v);
        }
        let mut r = Reader::new(&w.out);
        let back: Vec<u64> = std::iter::from_fn(|| r.num()).collect();
        assert_eq!(back, vals);
        assert!(r.at_end());
    }

    #[test]
    fn the_largest_numbers_round_trip() {
        // Found by fuzzing: the search for the length overflowed past 2^63.
        for v in [1 << 53, (1 << 63) - 1, 1 << 63, u64::MAX - 1, u64::MAX] {
            let mut w = Writer::default();
            w.num(v);
            assert_eq!(Reader::new(&w.out).num(), Some(v), "{v}");
        }
        // A number that does not fit 64 bits is not read as another one.
        assert_eq!(Reader::new(&("~".repeat(20) + " ")).num(), None);
    }

    #[test]
    fn marks_are_disjoint_ascii() {
        assert_eq!(MARK_SAME.len(), MAX_SHARED + 1);
        assert_eq!(MARK_NEW.len(), MAX_SHARED + 1);
        assert!(
            MARK_SAME
                .chars()
                .all(|c| !MARK_NEW.contains(c) && c != MARK_BACK)
        );
        // The only marks inside an encoded number are behind MARK_BACK, read as a number.
        assert!(!MARK_NEW.contains('"') && !MARK_NEW.contains('\\'));
    }

    #[test]
    fn front_coding_round_trips_in_js_order() {
        let mut words: Vec<String> = ["cache", "cached", "caching", "cap", "café", "a", "𝔘x", "ﬀ"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        js_sort(&mut words);
        // U+1D518 (a surrogate pair) sorts before U+FB00 in UTF-16, after it in UTF-8.
        let pos = |w: &str| words.iter().position(|x| x == w).unwrap_or(99);
        assert!(pos("𝔘x") < pos("ﬀ"));
        let links: Vec<TermLink> = (0..words.len())
            .map(|i| match i % 3 {
                0 => TermLink::New,
                1 => TermLink::Back(1),
                _ => TermLink::Back(2),
            })
            .collect();
        let coded = front_code(&words, &links);
        let back = front_decode(&coded);
        assert_eq!(back.iter().map(|x| x.0.clone()).collect::<Vec<_>>(), words);
        assert_eq!(back.iter().map(|x| x.1).collect::<Vec<_>>(), links);
        assert!(coded.len() < words.iter().map(|w| w.len() + 1).sum::<usize>());
        assert!(words.iter().all(|w| storable(w)));
        assert!(!storable("Ab") && !storable("a-b") && !storable("Z") && storable("é'.:_9"));
        assert!(
            MARK_SAME
                .chars()
                .chain(MARK_NEW.chars())
                .all(|c| !storable(&c.to_string()))
        );
        assert_eq!(js_len("𝔘x"), 3);
    }
}
