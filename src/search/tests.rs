//! The index of a fixture, read back the way the client reads it.

use super::collect::{collapse, simple_slug};
use super::encode::{self, Reader, front_decode, impact_levels};
use super::text::Stemmer;
use super::*;

/// The index decoded.
struct Decoded {
    core: serde_json::Value,
    /// Dictionary words (term ids are positions) and their stems.
    words: Vec<String>,
    stems: Vec<String>,
    /// Per term: (entry, heading, impact level).
    postings: Vec<Vec<(usize, bool, usize)>>,
    /// Per entry: (url, title, path, level, parent, heading, anchor, text).
    entries: Vec<EntryView>,
}

#[derive(Debug, Clone, Default)]
struct EntryView {
    url: String,
    title: String,
    path: String,
    level: u64,
    parent: u64,
    heading: String,
    anchor: String,
    text: String,
}

impl Decoded {
    /// Postings of a folded word (through its stem: the dictionary has one form per term).
    fn of(&self, word: &str) -> Vec<(usize, bool, usize)> {
        let stem = Stemmer::default().stem(word);
        match self.stems.iter().position(|s| *s == stem) {
            Some(t) => self.postings[t].clone(),
            None => Vec::new(),
        }
    }

    /// The entry of a note (by title) or of one of its headings.
    fn entry(&self, title: &str, heading: &str) -> usize {
        self.entries
            .iter()
            .position(|e| e.title == title && e.heading == heading)
            .unwrap_or_else(|| panic!("no entry {title} › {heading}"))
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

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    assert!(is_index_file(name), "{name}");
    &files.iter().find(|(f, _)| f == name).expect(name).1
}

/// The dictionary decoded: words, their stems and posting lists, by term id.
type Dictionary = (Vec<String>, Vec<String>, Vec<Vec<(usize, bool, usize)>>);

/// A postings shard's text.
fn postings_text(files: &[(String, String)], p: usize) -> String {
    assigned(
        file(files, &shard_name('p', p)),
        &format!("COREM_SEARCH_SHARDS.p{p}"),
    )
    .as_str()
    .unwrap()
    .to_string()
}

/// One term's posting list: (entry, heading, impact level) for each of its `df` entries.
fn posting_list(text: &str, df: u64) -> Vec<(usize, bool, usize)> {
    let mut r = Reader::new(text);
    let mut e: i64 = -1;
    let mut list = Vec::new();
    for _ in 0..df {
        let v = r.num().expect("posting");
        let l = encode::LEVELS as u64;
        e += (v / (2 * l)) as i64 + 1;
        list.push((e as usize, v % (2 * l) >= l, (v % l) as usize));
    }
    assert!(r.at_end(), "exactly its postings");
    list
}

/// The words, stems and posting lists of dictionary shard `i` (which holds `count` words),
/// reading its postings from shard `p_files` on; returns the next postings shard's number.
fn decode_dictionary_shard(
    files: &[(String, String)],
    i: usize,
    count: u64,
    first: &str,
    p_files: usize,
    out: &mut Dictionary,
) -> usize {
    let name = shard_name('d', i);
    let d = assigned(file(files, &name), &format!("COREM_SEARCH_SHARDS.d{i}"));
    let ws: Vec<String> = front_decode(d["w"].as_str().unwrap())
        .into_iter()
        .map(|x| x.0)
        .collect();
    assert_eq!(ws.len() as u64, count, "{name}");
    assert_eq!(ws[0], first, "{name} starts at the word the core names");
    let table = nums(d["t"].as_str().unwrap());
    let mut apart = d["x"].as_str().unwrap().split('\n');
    // Postings shards of this dictionary shard, in order.
    let mut p = d["p"].as_u64().unwrap() as usize;
    assert_eq!(p, p_files, "postings shards are numbered in order");
    let per_p = nums(d["n"].as_str().unwrap());
    let (mut in_shard, mut left, mut k) = (0, per_p[0], 0);
    let mut text = postings_text(files, p);
    for (j, w) in ws.iter().enumerate() {
        if left == 0 {
            assert_eq!(in_shard, text.len(), "p{p} holds exactly its lists");
            (p, k, in_shard) = (p + 1, k + 1, 0);
            left = per_p[k];
            text = postings_text(files, p);
        }
        left -= 1;
        let (df, len, code) = (table[3 * j], table[3 * j + 1] as usize, table[3 * j + 2]);
        let stem = if code == 0 {
            apart.next().expect("a stem apart").to_string()
        } else {
            let units: Vec<u16> = w.encode_utf16().collect();
            String::from_utf16_lossy(&units[..units.len() + 1 - code as usize])
        };
        out.2
            .push(posting_list(&text[in_shard..in_shard + len], df));
        in_shard += len;
        out.0.push(w.clone());
        out.1.push(stem);
    }
    assert_eq!(in_shard, text.len());
    p + 1
}

/// The entries of sections shard `i`: each note's own entry, then one per heading.
fn decode_sections_shard(files: &[(String, String)], i: usize) -> Vec<EntryView> {
    let v = assigned(
        file(files, &shard_name('s', i)),
        &format!("COREM_SEARCH_SHARDS.s{i}"),
    );
    let mut entries = Vec::new();
    for note in v.as_array().unwrap() {
        let a = note.as_array().unwrap();
        let s = |k: usize| a[k].as_str().unwrap().to_string();
        let base = EntryView {
            url: s(0),
            title: s(1),
            path: s(2),
            ..Default::default()
        };
        entries.push(EntryView {
            text: s(3),
            ..base.clone()
        });
        for sec in &a[4..] {
            let x = sec.as_array().unwrap();
            entries.push(EntryView {
                level: x[0].as_u64().unwrap(),
                parent: x[1].as_u64().unwrap(),
                heading: x[2].as_str().unwrap().into(),
                anchor: x[3].as_str().unwrap().into(),
                text: x[4].as_str().unwrap().into(),
                ..base.clone()
            });
        }
    }
    entries
}

fn decode(files: &[(String, String)]) -> Decoded {
    assert_eq!(files[0].0, INDEX_FILE);
    let core = assigned(&files[0].1, "window.COREM_SEARCH_INDEX");
    assert_eq!(core["v"], 3);
    let levels: Vec<f64> = serde_json::from_value(core["levels"].clone()).expect("levels");
    assert!(
        levels
            .iter()
            .zip(impact_levels())
            .all(|(a, b)| (a - b).abs() < 1e-9)
    );
    // Dictionary shards, each starting at the word the core names.
    let first: Vec<&str> = core["dfirst"].as_str().unwrap().split('\n').collect();
    let dterms = nums(core["dterms"].as_str().unwrap());
    assert_eq!(first.len(), dterms.len());
    let mut dict: Dictionary = (Vec::new(), Vec::new(), Vec::new());
    let mut p_files = 0;
    for (i, &count) in dterms.iter().enumerate() {
        p_files = decode_dictionary_shard(files, i, count, first[i], p_files, &mut dict);
    }
    let sshards = nums(core["sshards"].as_str().unwrap());
    let mut entries = Vec::new();
    for (i, &count) in sshards.iter().enumerate() {
        let shard = decode_sections_shard(files, i);
        assert_eq!(shard.len() as u64, count, "s{i}");
        entries.extend(shard);
    }
    assert_eq!(core["n"].as_u64().unwrap() as usize, entries.len());
    assert_eq!(
        files.len(),
        1 + dterms.len() + p_files + sshards.len(),
        "no other file"
    );
    let (words, stems, postings) = dict;
    Decoded {
        core,
        words,
        stems,
        postings,
        entries,
    }
}

fn fixture_index(name: &str, index_code: bool) -> (Index, Decoded) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let mut timings = Vec::new();
    let a = crate::analyze(&dir, &crate::BuildOptions::default(), &mut timings)
        .unwrap_or_else(|_| panic!("the {name} fixture analyses"));
    let rendered = crate::render_pages(&a, &|_, _| Ok(()))
        .unwrap_or_else(|_| panic!("the {name} fixture renders"));
    let index = build(Input {
        corpus: &a.corpus,
        parsed: &a.parsed,
        graph: &a.graph,
        sections: rendered.sections,
        options: Options { index_code },
    });
    let d = decode(&index.files);
    (index, d)
}

#[test]
fn field_weights_rank_title_then_aliases_and_headings_then_tags_then_body() {
    const { assert!(W_TITLE > W_ALIAS && W_ALIAS == W_HEADING && W_HEADING > W_TAG) };
    const { assert!(W_TAG > W_BODY && W_CONTEXT > W_BODY && W_BODY > W_CODE) };
    let (index, d) = fixture_index("basic", true);
    let own = d.entry("First", "");
    assert_eq!(d.entries[own].url, "alpha/first.html");
    let level = |word: &str, entry: usize| {
        d.of(word)
            .iter()
            .find(|x| x.0 == entry)
            .map(|x| (x.1, x.2))
            .unwrap_or_else(|| panic!("{word} not in entry {entry}"))
    };
    // The title word is in the note's own "heading"; an alias and a tag are not, and weigh no
    // more (BM25 saturates: in a short entry all three reach the top level).
    let (title_h, title) = level("first", own);
    let (alias_h, alias) = level("premier", own);
    let (tag_h, tag) = level("demo", own);
    assert!(title_h && !alias_h && !tag_h);
    assert!(title >= alias && alias >= tag, "{title} {alias} {tag}");
    // "Wikilinks" heading: the first heading entry of the note.
    let wiki = d.entry("First", "Wikilinks");
    assert_eq!(wiki, own + 1);
    let (h, heading) = level("wikilinks", wiki);
    let (ctx_h, context) = level("first", wiki);
    let (body_h, body) = level("plain", wiki);
    assert!(h && !ctx_h && !body_h);
    assert!(
        heading >= context && context > body,
        "{heading} {context} {body}"
    );
    assert!(tag > body);
    let code = d.of("println");
    assert!(
        code.iter().all(|x| x.2 < body),
        "code weighs least: {code:?}"
    );
    // Posting lists are in entry order; terms are stems, one dictionary word each.
    for list in &d.postings {
        assert!(list.windows(2).all(|p| p[0].0 < p[1].0));
    }
    let stemmer = Stemmer::default();
    for (w, s) in d.words.iter().zip(&d.stems) {
        assert_eq!(&stemmer.stem(w), s, "the stem of {w}");
    }
    let unique: std::collections::HashSet<&String> = d.stems.iter().collect();
    assert_eq!(unique.len(), d.words.len());
    assert!(
        d.words
            .windows(2)
            .all(|w| w[0].encode_utf16().lt(w[1].encode_utf16()))
    );
    assert_eq!(d.of("links"), d.of("link"));
    assert!(d.words.iter().all(|w| !text::is_stop(w)));
    assert_eq!(index.stats.entries, d.entries.len());
    assert_eq!(index.stats.terms, d.words.len());
    // Without code, the code words are gone.
    let (_, no_code) = fixture_index("basic", false);
    assert!(no_code.of("println").is_empty());
}

#[test]
fn sections_carry_what_a_result_shows() {
    let (_, d) = fixture_index("basic", true);
    let blocks = d.entry("First", "Blocks");
    let e = &d.entries[blocks];
    assert_eq!(
        e.anchor, "",
        "a custom id equal to the derived one is not stored"
    );
    assert_eq!(e.path, "Alpha section");
    assert!(e.level >= 2);
    let wiki = d.entry("First", "Wikilinks");
    assert_eq!(d.entries[wiki].anchor, "", "derivable");
    assert_eq!(d.entries[wiki].parent, 0);
    // The note's own entry opens with its description.
    let own = &d.entries[d.entry("First", "")];
    assert!(!own.text.is_empty() && own.heading.is_empty());
    assert_eq!(simple_slug("Cache-aside"), "cache-aside");
    assert_eq!(simple_slug("Four nines: 99.99 %"), "four-nines-9999-");
    assert!(simple_slug("CP — consistency").contains('\0'));
}

#[test]
fn excerpt_texts_show_computed_values_not_expressions() {
    let (_, d) = fixture_index("calc-pages", true);
    for e in &d.entries {
        assert!(
            !e.text.contains("weekly -> human")
                && !e.text.contains("= mac")
                && !e.text.contains('`'),
            "an expression in {}: {}",
            e.url,
            e.text
        );
    }
    assert!(
        (d.entries.iter()).any(|e| e
            .text
            .contains("Four nines allow 1 minute + 0.48 seconds of downtime a week.")),
        "the inline value is shown as its value: {:?}",
        d.entries.iter().map(|e| &e.text).collect::<Vec<_>>()
    );
}

#[test]
fn section_text_is_tidied() {
    assert_eq!(
        collapse("  a  closed ,\n open ( x ) . "),
        "a closed, open (x)."
    );
}

#[test]
fn shards_stay_small_however_many_notes() {
    let (index, d) = fixture_index("basic", true);
    assert!(index.stats.core_bytes < 4096, "{}", index.stats.core_bytes);
    assert_eq!(d.core["stop"], text::STOP_WORDS.join(" "));
    assert!(index.stats.largest_dictionary_shard <= DICT_SHARD_BYTES + 4096);
    assert!(is_index_file("search-index-d12.js") && is_index_file("search-index-s0.js"));
    assert!(!is_index_file("search-index-x1.js") && !is_index_file("search-index-p.js"));
}
