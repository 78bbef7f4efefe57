//! Phase 4 of the index: the files. The dictionary is cut into shards of consecutive words
//! (found from the first word of each, which the core lists), each term's posting list goes
//! into a postings shard of its dictionary shard, and the notes' sections (their texts, for
//! excerpts, and what a result shows) into sections shards of whole notes; the core lists the
//! shards. See the module docs of [`super`] for the format.

use rayon::prelude::*;
use serde_json::{Value, json};

use super::collect::{self, Note, Site};
use super::encode::{self, Postings, TermLink, Writer, js_len};
use super::tokenise::Terms;
use super::{
    DICT_SHARD_BYTES, INDEX_FILE, POSTINGS_SHARD_BYTES, SECTION_SHARD_BYTES, Stats, shard_name,
    text,
};

/// How a dictionary word's stem is stored: `n > 0` when the stem is the word without its last
/// `n - 1` UTF-16 units (most words), else 0 and the stem is listed apart.
pub fn stem_code(word: &str, stem: &str) -> usize {
    if word.starts_with(stem) {
        js_len(word) - js_len(stem) + 1
    } else {
        0
    }
}

/// One dictionary shard: its terms, and the postings shards of their lists.
struct DictShard {
    terms: std::ops::Range<usize>,
    /// Postings shards: (terms in it, the lists joined).
    postings: Vec<(usize, String)>,
}

/// Cuts the dictionary into shards of about [`DICT_SHARD_BYTES`], and each shard's posting
/// lists into postings shards of about [`POSTINGS_SHARD_BYTES`].
fn dictionary_shards(terms: &Terms, postings: &Postings) -> Vec<DictShard> {
    let mut out: Vec<DictShard> = Vec::new();
    let mut size = 0;
    for (t, word) in terms.dictionary.iter().enumerate() {
        // A word costs its letters (less what front coding saves, roughly) and three numbers.
        let cost = word.len() / 2 + 6;
        match out.last_mut() {
            Some(s) if size + cost <= DICT_SHARD_BYTES => {
                s.terms.end = t + 1;
                size += cost;
            }
            _ => {
                out.push(DictShard {
                    terms: t..t + 1,
                    postings: Vec::new(),
                });
                size = cost;
            }
        }
    }
    for s in &mut out {
        for t in s.terms.clone() {
            let list = &postings.lists[t];
            match s.postings.last_mut() {
                Some((n, text)) if text.len() + list.len() <= POSTINGS_SHARD_BYTES => {
                    text.push_str(list);
                    *n += 1;
                }
                _ => s.postings.push((1, list.clone())),
            }
        }
    }
    out
}

/// The contents of a dictionary shard: `w` its words, front-coded; `t` per term its document
/// frequency, posting-list length and [`stem_code`]; `x` the stems stored apart; `p` the
/// number of its first postings shard and `n` how many terms each of its postings shards holds.
fn dictionary_shard(terms: &Terms, postings: &Postings, s: &DictShard, first_p: usize) -> Value {
    let words = &terms.dictionary[s.terms.clone()];
    let coded = encode::front_code(words, &vec![TermLink::New; words.len()]);
    let mut table = Writer::default();
    let mut apart: Vec<&str> = Vec::new();
    for t in s.terms.clone() {
        table.num(u64::from(postings.df[t]));
        table.num(postings.lists[t].len() as u64);
        let code = stem_code(&terms.dictionary[t], &terms.stems[t]);
        table.num(code as u64);
        if code == 0 {
            apart.push(&terms.stems[t]);
        }
    }
    let mut counts = Writer::default();
    for (n, _) in &s.postings {
        counts.num(*n as u64);
    }
    json!({
        "w": coded,
        "t": table.out,
        "x": apart.join("\n"),
        "p": first_p,
        "n": counts.out,
    })
}

/// One note as a sections shard holds it: `[url, title, folder path, own text, [level, parent
/// distance, heading, anchor, text]…]`; the anchor is empty when the client derives it from the
/// heading ([`collect::simple_slug`]).
fn note_sections(site: &Site, note: &Note) -> Value {
    let n = note.note;
    let parsed = &site.parsed[n];
    let places = collect::entries(site, note, false);
    let mut out: Vec<Value> = vec![
        json!(site.corpus.notes[n].out_path),
        json!(site.graph.titles[n]),
        json!(collect::folder_path(site, n).join(" › ")),
    ];
    for (s, e) in note.sections.iter().zip(&places) {
        let text = collect::excerpt_text(site, note, s);
        match e.place.heading.and_then(|h| parsed.headings.get(h)) {
            None => out.push(json!(text)),
            Some(h) => {
                let anchor = if collect::simple_slug(&h.text) == h.id {
                    ""
                } else {
                    h.id.as_str()
                };
                out.push(json!([h.level, e.place.parent, h.text, anchor, text]));
            }
        }
    }
    Value::Array(out)
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

/// A shard's file: `COREM_SEARCH_SHARDS.<key> = <value>;`.
fn shard_file(kind: char, i: usize, value: &Value) -> (String, String) {
    (
        shard_name(kind, i),
        safe(format!("COREM_SEARCH_SHARDS.{kind}{i}={value};\n")),
    )
}

/// Where the files go: `sink(name, contents)`, called from several threads at once (each file
/// once; the core last).
pub type Sink<'a> = dyn Fn(String, String) -> Result<(), crate::Error> + Sync + 'a;

/// A sections shard being filled: its notes' texts (each a JSON array of sections).
#[derive(Default)]
struct OpenShard {
    /// Sections in it.
    sections: usize,
    texts: Vec<String>,
    /// Length of the texts joined by commas.
    len: usize,
}

impl OpenShard {
    fn add(&mut self, sections: usize, text: String) {
        self.len += text.len() + usize::from(!self.texts.is_empty());
        self.sections += sections;
        self.texts.push(text);
    }

    /// Its file, as shard number `i`.
    fn file(self, i: usize) -> (String, String) {
        let head = format!("COREM_SEARCH_SHARDS.s{i}=[");
        let mut js = String::with_capacity(head.len() + self.len + 3);
        js.push_str(&head);
        for (k, t) in self.texts.iter().enumerate() {
            if k > 0 {
                js.push(',');
            }
            js.push_str(t);
        }
        js.push_str("];\n");
        (shard_name('s', i), safe(js))
    }
}

/// Writes the sections shards: notes in chunks, each chunk's notes made in parallel, then
/// grouped in order into shards (from their lengths alone); the full shards of a chunk are put
/// together and written in parallel. Returns the core's table of sections per shard and the
/// number of sections, and counts the files in `stats`.
fn sections_shards(
    site: &Site,
    notes: Vec<Note>,
    sink: &Sink,
    stats: &mut Stats,
) -> Result<(Writer, usize), crate::Error> {
    let mut s_table = Writer::default();
    let mut entries = 0;
    let mut shards = 0;
    let mut open = OpenShard::default();
    let mut notes = notes.into_iter();
    loop {
        let chunk: Vec<Note> = notes.by_ref().take(1024).collect();
        let last = chunk.is_empty();
        let made: Vec<(usize, String)> = chunk
            .par_iter()
            .map(|n| (n.sections.len(), note_sections(site, n).to_string()))
            .collect();
        drop(chunk);
        let mut full: Vec<OpenShard> = Vec::new();
        for (n, text) in made {
            if !open.texts.is_empty() && open.len + text.len() >= SECTION_SHARD_BYTES {
                full.push(std::mem::take(&mut open));
            }
            open.add(n, text);
        }
        if last && !open.texts.is_empty() {
            full.push(std::mem::take(&mut open));
        }
        for f in &full {
            s_table.num(f.sections as u64);
            entries += f.sections;
        }
        let first = shards;
        shards += full.len();
        let sizes: Vec<usize> = (full.into_par_iter().enumerate())
            .map(|(k, f)| {
                let (name, js) = f.file(first + k);
                let len = js.len();
                sink(name, js).map(|()| len)
            })
            .collect::<Result<_, _>>()?;
        for len in sizes {
            stats.sections_bytes += len;
            stats.largest_sections_shard = stats.largest_sections_shard.max(len);
            stats.file_bytes += len;
            stats.files += 1;
        }
        if last {
            return Ok((s_table, entries));
        }
    }
}

/// Writes every file of the index to `sink` as it is made (taking the notes' texts, which it
/// frees as it goes, so a large site never holds its texts and its sections shards at once).
pub fn files(
    site: &Site,
    notes: Vec<Note>,
    terms: &Terms,
    postings: &Postings,
    sink: &Sink,
) -> Result<Stats, crate::Error> {
    let mut stats = Stats::default();
    let (s_table, entries) = sections_shards(site, notes, sink, &mut stats)?;
    // Dictionary and postings shards: each dictionary shard's first postings shard number
    // first, then every shard made and written in parallel.
    let dict = dictionary_shards(terms, postings);
    let first_p: Vec<usize> = (dict.iter())
        .scan(0, |next, d| {
            let first = *next;
            *next += d.postings.len();
            Some(first)
        })
        .collect();
    let made: Vec<(usize, usize)> = (dict.par_iter().zip(&first_p).enumerate())
        .map(|(i, (d, &first))| -> Result<(usize, usize), crate::Error> {
            let value = dictionary_shard(terms, postings, d, first);
            let (name, js) = shard_file('d', i, &value);
            let d_len = js.len();
            sink(name, js)?;
            let mut p_bytes = 0;
            for (k, (_, lists)) in d.postings.iter().enumerate() {
                let (name, js) = shard_file('p', first + k, &Value::from(lists.as_str()));
                p_bytes += js.len();
                sink(name, js)?;
            }
            Ok((d_len, p_bytes))
        })
        .collect::<Result<_, _>>()?;
    let mut d_table = Writer::default();
    for (d, (d_len, p_bytes)) in dict.iter().zip(made) {
        stats.dictionary_bytes += d_len;
        stats.largest_dictionary_shard = stats.largest_dictionary_shard.max(d_len);
        stats.postings_bytes += p_bytes;
        stats.file_bytes += d_len + p_bytes;
        stats.files += 1 + d.postings.len();
        d_table.num(d.terms.len() as u64);
    }
    let first_words: Vec<&str> = (dict.iter())
        .map(|d| terms.dictionary[d.terms.start].as_str())
        .collect();
    let core = json!({
        "v": 3,
        "alphabet": encode::ALPHABET,
        "stop": text::STOP_WORDS.join(" "),
        "n": entries,
        "levels": encode::impact_levels(),
        "dfirst": first_words.join("\n"),
        "dterms": d_table.out,
        "sshards": s_table.out,
    });
    let js = safe(format!(
        "/* corem search index: generated, see docs/notes/search.md */\nwindow.COREM_SEARCH_INDEX={core};\n"
    ));
    stats.core_bytes = js.len();
    stats.file_bytes += js.len();
    stats.files += 1;
    sink(INDEX_FILE.to_string(), js)?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_that_start_the_word_are_a_number() {
        assert_eq!(stem_code("caching", "cach"), 4);
        assert_eq!(stem_code("cache", "cache"), 1);
        assert_eq!(stem_code("happy", "happi"), 0);
        assert_eq!(stem_code("café", "caf"), 2);
    }
}
