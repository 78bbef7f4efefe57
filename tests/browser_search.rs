//! Search in real headless Chromium (Debian's `chromium` through playwright-core): the built
//! handbook from `file://` and over HTTP, keyboard flow, a typo, the results page, no console
//! error; and the client's JavaScript stemmer against rust-stemmers.

mod support;

use corem::search::text::{Stemmer, words};

/// Words that exercise every rule of Snowball English (exceptions, each step's suffixes, the
/// regions, y handling, apostrophes), beside the handbook's own vocabulary.
const TRICKY: &str = "skis skies dying lying tying idly gently ugly early only singly sky news howe \
atlas cosmos bias andes inning innings outing canning herring earring proceed exceed succeed \
generous generously communism communication arsenal arsenic 'tis brewer's brewers' caresses ponies \
ties cries gas gaps kiwis us ss bleed bleedly agreed feed hopping hoping filing fizzed troubled \
luxuriating sized matting cry by say flies dies toy toys employed happy happiness relational \
conditional valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli \
vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti \
sensitiviti sensibiliti archeology fruitfulli carelessli thinkli electrical formalize \
electriciti hopeful goodness formative revival allowance inference airliner gyroscopic adjustable \
defensible irritant replacement adjustment dependent adoption homologou communism activate \
angulariti homologous effective bowdlerize probate rate cease controll roll yes yell sayings \
eyeing year yearly playing played idempotent idempotency partitioning partitions replication \
caching cached caches theorem throughput latency availability consistently";

#[test]
fn search_works_in_chromium_from_file_and_http() {
    let (dir, site) = support::build_into_temp(&support::repo(), None);
    // The handbook's words and the tricky list, stemmed by the index's stemmer.
    let mut vocab: std::collections::BTreeSet<String> =
        TRICKY.split_whitespace().map(str::to_string).collect();
    for entry in walkdir::WalkDir::new(support::repo().join("notes")) {
        let entry = entry.expect("walk notes");
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).expect("read note");
            vocab.extend(words(&text));
        }
    }
    let stemmer = Stemmer::default();
    let pairs: Vec<(String, String)> = vocab
        .into_iter()
        .map(|w| {
            let s = stemmer.stem(&w);
            (w, s)
        })
        .collect();
    let stems = dir.path().join("stems.json");
    std::fs::write(&stems, serde_json::to_string(&pairs).expect("json")).expect("write stems");
    let out = support::run_browser_script(
        "search.mjs",
        &[
            site.to_str().expect("utf-8 path"),
            stems.to_str().expect("utf-8 path"),
        ],
    );
    eprintln!("{out}");
}
