//! The names a link can use for a note or a file, and how a name that matches several is
//! decided: by nearness to the linking note, as Obsidian does.
//!
//! A wikilink name is tried, in order, as: a path relative to the linking note (`./x`,
//! `../x`); a path in the notes folder, whole or its last folders (`folder/Note`), or a file
//! name (`Note`, with or without its `NN-` prefix); a title or an alias; the page's URL path
//! (`folder/note`, as Quartz links). The first kind that matches decides. When several notes match, the one
//! in the linking note's folder wins, then the nearest by path (fewest folders up and down,
//! going up before going down); only a tie is undecidable.

use std::collections::HashMap;

use crate::load::{Corpus, NoteId};

/// The name tables of the site, lower-cased.
pub struct Names {
    /// Every trailing part of each note's path without extension (`a/b/note`, `b/note`,
    /// `note`), plus the file name without its `NN-` prefix.
    paths: HashMap<String, Vec<NoteId>>,
    /// Titles and aliases.
    titles: HashMap<String, Vec<NoteId>>,
    /// Every trailing part of each page's URL path (`principles/cap-theorem` from
    /// `principles/cap-theorem.html`), as Quartz links by slug.
    urls: HashMap<String, Vec<NoteId>>,
    /// Each note's exact relative path (`a/02-b.md`).
    pub by_rel: HashMap<String, NoteId>,
    /// Files by name (`diagram.png`), and by every trailing part of their path.
    assets: HashMap<String, Vec<usize>>,
    /// Sections by folder path and by output path (`02-principles`, `principles`).
    pub sections: HashMap<String, Vec<usize>>,
    /// Everything a suggestion may offer.
    pub all: Vec<String>,
}

/// What a name found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<T> {
    /// Exactly one.
    One(T),
    /// Nothing by that name.
    None,
    /// Several at the same nearness.
    Many(Vec<T>),
}

fn add<T: PartialEq + Copy>(map: &mut HashMap<String, Vec<T>>, name: &str, id: T) {
    let v = map.entry(name.trim().to_lowercase()).or_default();
    if !v.contains(&id) {
        v.push(id);
    }
}

/// Adds `path` and each of its trailing parts.
fn add_suffixes<T: PartialEq + Copy>(map: &mut HashMap<String, Vec<T>>, path: &str, id: T) {
    let mut rest = path;
    loop {
        add(map, rest, id);
        match rest.split_once('/') {
            Some((_, tail)) if !tail.is_empty() => rest = tail,
            _ => break,
        }
    }
}

/// Builds the name tables of the site.
pub fn names(corpus: &Corpus, titles: &[String]) -> Names {
    // Sized for a flat folder of notes up front: growing a table moves every entry.
    let notes = corpus.notes.len();
    let mut n = Names {
        paths: HashMap::with_capacity(2 * notes),
        titles: HashMap::with_capacity(notes),
        urls: HashMap::with_capacity(notes),
        by_rel: HashMap::with_capacity(notes),
        assets: HashMap::new(),
        sections: HashMap::new(),
        all: Vec::with_capacity(notes),
    };
    for note in &corpus.notes {
        add(&mut n.titles, &titles[note.id], note.id);
        n.all.push(titles[note.id].clone());
        for a in &note.meta.aliases {
            add(&mut n.titles, a, note.id);
            n.all.push(a.clone());
        }
        let no_ext = strip_ext(&note.rel);
        add_suffixes(&mut n.paths, no_ext, note.id);
        add(&mut n.paths, &note.stem, note.id);
        add_suffixes(&mut n.urls, strip_html(&note.out_path), note.id);
        n.by_rel.insert(note.rel.to_lowercase(), note.id);
    }
    for (i, a) in corpus.assets.iter().enumerate() {
        add_suffixes(&mut n.assets, &a.rel, i);
    }
    for s in &corpus.sections {
        if s.id == 0 {
            continue;
        }
        add_suffixes(&mut n.sections, &s.rel_dir, s.id);
        add_suffixes(&mut n.sections, &s.out_dir, s.id);
    }
    n
}

fn strip_ext(rel: &str) -> &str {
    match rel.rsplit_once('.') {
        Some((p, ext)) if !p.is_empty() && !ext.contains('/') => p,
        _ => rel,
    }
}

fn strip_html(out: &str) -> &str {
    out.strip_suffix(".html").unwrap_or(out)
}

/// The folder part of a relative path (`a/b` of `a/b/c.md`), `""` at the root.
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// How far folder `to` is from folder `from`: (folders up plus down, folders down).
fn distance(from: &str, to: &str) -> (usize, usize) {
    let split = |s: &str| -> Vec<String> {
        s.split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (split(from), split(to));
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (up, down) = (a.len() - common, b.len() - common);
    (up + down, down)
}

/// Picks the nearest of `candidates` to folder `from` (each with its own folder).
pub fn nearest<T: Copy>(from: &str, candidates: &[(T, &str)]) -> Found<T> {
    match candidates {
        [] => Found::None,
        [(one, _)] => Found::One(*one),
        _ => {
            let key = |dir: &str| distance(from, dir);
            let best = candidates.iter().map(|(_, d)| key(d)).min();
            let tied: Vec<T> = candidates
                .iter()
                .filter(|(_, d)| Some(key(d)) == best)
                .map(|(t, _)| *t)
                .collect();
            match tied.as_slice() {
                [one] => Found::One(*one),
                _ => Found::Many(tied),
            }
        }
    }
}

impl Names {
    /// The note a wikilink name (or a `related` entry) means, seen from the note at `from_rel`.
    pub fn note(&self, corpus: &Corpus, from_rel: &str, name: &str) -> Found<NoteId> {
        let key = normalise(name);
        if key.is_empty() {
            return Found::None;
        }
        let from_dir = dir_of(from_rel);
        if key.starts_with("./") || key.starts_with("../") {
            return match super::join_rel(from_rel, &key).and_then(|r| self.note_at(&r)) {
                Some(id) => Found::One(id),
                None => Found::None,
            };
        }
        let ids = self.candidates(name);
        if ids.is_empty() {
            return Found::None;
        }
        let c: Vec<(NoteId, &str)> = ids
            .iter()
            .map(|&i| (i, dir_of(&corpus.notes[i].rel)))
            .collect();
        nearest(from_dir, &c)
    }

    /// Every note a name (not a relative path) could mean, before nearness decides: the notes
    /// of the first of paths, titles and URLs that knows the name.
    pub fn candidates(&self, name: &str) -> &[NoteId] {
        let key = normalise(name);
        let key = key.trim_start_matches('/');
        if key.is_empty() || key.starts_with("./") || key.starts_with("../") {
            return &[];
        }
        [&self.paths, &self.titles, &self.urls]
            .into_iter()
            .find_map(|map| map.get(key))
            .map_or(&[], Vec::as_slice)
    }

    /// The note at a relative path (`a/b.md`, `a/b`, or the folder `a` for its index note).
    pub fn note_at(&self, rel: &str) -> Option<NoteId> {
        let key = rel.trim_end_matches('/').to_lowercase();
        self.by_rel
            .get(&key)
            .or_else(|| self.by_rel.get(&format!("{key}.md")))
            .or_else(|| self.by_rel.get(&format!("{key}/index.md")))
            .or_else(|| self.by_rel.get(&format!("{key}/_index.md")))
            .copied()
    }

    /// The file a name or path means (`diagram.png`, `Attachments/diagram.png`), nearest to
    /// the note at `from_rel` when several files share the name.
    pub fn asset(&self, corpus: &Corpus, from_rel: &str, name: &str) -> Found<usize> {
        let key = name.trim().trim_start_matches("./").trim_start_matches('/');
        let Some(ids) = self.assets.get(&key.to_lowercase()) else {
            return Found::None;
        };
        let c: Vec<(usize, &str)> = ids
            .iter()
            .map(|&i| (i, dir_of(&corpus.assets[i].rel)))
            .collect();
        nearest(dir_of(from_rel), &c)
    }

    /// The section a folder name or path means (`folder/`, `a/folder`), nearest first.
    pub fn section(&self, corpus: &Corpus, from_rel: &str, name: &str) -> Found<usize> {
        let key = name.trim().trim_matches('/').to_lowercase();
        let Some(ids) = self.sections.get(&key) else {
            return Found::None;
        };
        let c: Vec<(usize, &str)> = ids
            .iter()
            .map(|&s| (s, corpus.sections[s].rel_dir.as_str()))
            .collect();
        // A folder is "in" its parent: compare from the linking note's folder to the
        // folder's parent, so `[[sibling/]]` is as near as a sibling note.
        let c: Vec<(usize, &str)> = c.into_iter().map(|(s, d)| (s, dir_of(d))).collect();
        nearest(dir_of(from_rel), &c)
    }
}

/// A wikilink name as looked up: trimmed, lower-cased, without a `.md` extension.
fn normalise(name: &str) -> String {
    let n = name.trim();
    let n = n
        .strip_suffix(".md")
        .or_else(|| n.strip_suffix(".MD"))
        .unwrap_or(n);
    n.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearness_prefers_own_folder_then_up_then_down() {
        let c = [(1, "a/b"), (2, "a"), (3, "a/b/c"), (4, "x")];
        assert_eq!(nearest("a/b", &c), Found::One(1));
        // From `a/b/d`: `a/b` is one up, `a/b/c` one up and one down.
        assert_eq!(nearest("a/b/d", &c), Found::One(1));
        // From `a`: itself.
        assert_eq!(nearest("a", &c), Found::One(2));
        // From the root: `a` (1 down) and `x` (1 down) tie.
        assert_eq!(nearest("", &c), Found::Many(vec![2, 4]));
        // Up before down: from `a/q`, `a` is 1 up, `a/q/r` would be 1 down.
        assert_eq!(nearest("a/q", &[(1, "a/q/r"), (2, "a")]), Found::One(2));
    }

    #[test]
    fn suffixes() {
        let mut m: HashMap<String, Vec<usize>> = HashMap::new();
        add_suffixes(&mut m, "A/b/Note", 7);
        assert!(m.contains_key("a/b/note") && m.contains_key("b/note") && m.contains_key("note"));
    }
}
