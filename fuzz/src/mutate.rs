//! A small, deterministic mutator: the same seed gives the same inputs on every machine, so a
//! finding of the CI run is reproduced by running it again with the seed it printed.
//!
//! It is no match for AFL++'s coverage feedback (that is what the long runs are for); it
//! exercises the shapes that break parsers: byte flips, insertions of the target's tokens
//! (its AFL dictionary), deletions, repeated chunks (nesting, long runs), splices of two
//! corpus entries and truncation.

/// SplitMix64: tiny, fast, and good enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Parses an AFL dictionary (`name="value"` or `"value"` per line, `\xNN`, `\\` and `\"`
/// escapes, `#` comments) into its tokens.
pub fn parse_dict(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (Some(open), Some(close)) = (line.find('"'), line.rfind('"')) else {
            continue;
        };
        if close <= open {
            continue;
        }
        let raw = &line.as_bytes()[open + 1..close];
        let mut tok = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'\\' if raw.get(i + 1) == Some(&b'x') => {
                    let hex = raw
                        .get(i + 2..i + 4)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(b) => {
                            tok.push(b);
                            i += 4;
                        }
                        None => {
                            tok.push(b'x');
                            i += 2;
                        }
                    }
                }
                b'\\' if i + 1 < raw.len() => {
                    tok.push(raw[i + 1]);
                    i += 2;
                }
                b => {
                    tok.push(b);
                    i += 1;
                }
            }
        }
        if !tok.is_empty() {
            out.push(tok);
        }
    }
    out
}

/// Mutates `input` in place with 1 to 8 stacked mutations; `others` are splice partners,
/// `dict` the target's tokens. The result stays under `max_len` bytes.
pub fn mutate(
    rng: &mut Rng,
    input: &mut Vec<u8>,
    others: &[Vec<u8>],
    dict: &[Vec<u8>],
    max_len: usize,
) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(10) {
            // Flip a bit.
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            // Set a byte to an interesting value.
            1 if len > 0 => {
                const INTERESTING: &[u8] =
                    b"\0\n\r\t \\\"'`#[]()<>{}|!*-=:;,.$%&~^_+0\x7f\xff\xc3\xe2";
                let i = rng.below(len);
                input[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            // Insert a dictionary token (twice as likely: tokens make structure).
            2 | 3 if !dict.is_empty() => {
                let tok = &dict[rng.below(dict.len())];
                let at = rng.below(len + 1);
                input.splice(at..at, tok.iter().copied());
            }
            // Delete a range.
            4 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                input.drain(at..at + n);
            }
            // Repeat a chunk many times (deep nesting, long runs).
            5 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(16));
                let chunk: Vec<u8> = input[at..at + n].to_vec();
                let cap = if rng.below(4) == 0 { 512 } else { 16 };
                let times = 1 + rng.below(cap);
                let mut rep = Vec::with_capacity(chunk.len() * times);
                for _ in 0..times {
                    rep.extend_from_slice(&chunk);
                }
                input.splice(at..at, rep);
            }
            // Copy a chunk elsewhere.
            6 if len > 0 => {
                let from = rng.below(len);
                let n = 1 + rng.below((len - from).min(256));
                let chunk: Vec<u8> = input[from..from + n].to_vec();
                let to = rng.below(len + 1);
                input.splice(to..to, chunk);
            }
            // Splice in a part of another corpus entry.
            7 if !others.is_empty() => {
                let other = &others[rng.below(others.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - from).min(512));
                    let to = rng.below(len + 1);
                    input.splice(to..to, other[from..from + n].iter().copied());
                }
            }
            // Truncate.
            8 if len > 1 => input.truncate(rng.below(len)),
            // Insert a random (often non-ASCII) character.
            _ => {
                let c = char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('\u{fffd}');
                let mut buf = [0u8; 4];
                let at = rng.below(len + 1);
                input.splice(at..at, c.encode_utf8(&mut buf).bytes());
            }
        }
        input.truncate(max_len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_parse() {
        let d = parse_dict("# c\nkw1=\"[[\"\n\"a\\x0ab\"\n\"q\\\"\"\n");
        assert_eq!(d, vec![b"[[".to_vec(), b"a\nb".to_vec(), b"q\"".to_vec()]);
    }

    #[test]
    fn same_seed_same_inputs() {
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut v = b"hello [[world]]".to_vec();
            for _ in 0..100 {
                mutate(
                    &mut rng,
                    &mut v,
                    &[b"other".to_vec()],
                    &[b"[[".to_vec()],
                    4096,
                );
            }
            v
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
