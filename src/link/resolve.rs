//! Resolving one link: its target note (or file, tag page, folder page) and anchor (heading,
//! heading chain or block id), or a diagnostic at the link saying what is wrong and how to fix
//! it. With `broken_links = "warn"` every link problem is a warning.

use std::collections::BTreeSet;

use crate::config::BrokenLinks;
use crate::diagnostic::{self, Diagnostic};
use crate::load::{Corpus, NoteId};
use crate::markdown::{Link, LinkKind, Parsed, Target};

use super::names::{Found, Names, dir_of};
use super::{Resolved, join_rel, tag_slug};

/// What resolving reads.
pub(super) struct Ctx<'a> {
    /// The loaded notes.
    pub corpus: &'a Corpus,
    /// Each note parsed.
    pub parsed: &'a [Parsed],
    /// Titles, file names and aliases, for wikilinks.
    pub names: &'a Names,
    /// Each note's title.
    pub titles: &'a [String],
    /// Slugs of every tag of the site (tag pages that exist).
    pub tags: &'a BTreeSet<String>,
    /// Whether an unresolved link fails the build or is a warning.
    pub policy: BrokenLinks,
    /// "Did you mean" suggestions left for this build: each compares a name with every
    /// candidate, so 50,000 broken anchors in a note of 2,000 headings took minutes. The first
    /// [`SUGGESTIONS`] problems get one; the rest (shown only as a count anyway) do not.
    pub suggestions_left: std::sync::atomic::AtomicUsize,
}

/// Broken links of a build that get a "did you mean".
pub(super) const SUGGESTIONS: usize = 500;

impl Ctx<'_> {
    /// [`diagnostic::suggest`] while the build's budget of suggestions lasts.
    fn suggest<'c>(
        &self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<String> {
        use std::sync::atomic::Ordering;
        self.suggestions_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .ok()?;
        diagnostic::suggest(wanted, candidates)
    }

    /// An error, or a warning with `broken_links = "warn"`, at `offset` of note `from`.
    fn diag(&self, from: NoteId, offset: usize, msg: String) -> Diagnostic {
        let note = &self.corpus.notes[from];
        let d = if self.policy == BrokenLinks::Error {
            Diagnostic::error(&note.path, msg)
        } else {
            Diagnostic::warning(&note.path, msg)
        };
        d.at(&note.source, offset)
    }

    fn broken(&self, diags: &mut Vec<Diagnostic>, d: Diagnostic, text: &str) -> Resolved {
        diags.push(d);
        Resolved::Broken(text.to_string())
    }

    /// Where `link` of note `from` goes; problems are added to `diags`.
    pub fn resolve(&self, from: NoteId, link: &Link, diags: &mut Vec<Diagnostic>) -> Resolved {
        let offset = self.corpus.notes[from].body_start + link.span.start;
        match &link.target {
            Target::External(u) => Resolved::External(u.clone()),
            Target::Tag(t) => Resolved::Page(format!("tags/{}.html", tag_slug(t))),
            Target::Anchor(a) => self.local_anchor(from, link, a, offset, diags),
            Target::Wiki { name, anchor } if name.is_empty() => {
                let a = anchor.clone().unwrap_or_default();
                self.local_anchor(from, link, &a, offset, diags)
            }
            Target::Wiki { name, anchor } => {
                self.wiki(from, link, name, anchor.as_deref(), offset, diags)
            }
            Target::Path { path, anchor } => {
                self.path(from, link, path, anchor.as_deref(), offset, diags)
            }
        }
    }

    /// `[[#Heading]]`, `[x](#id)`, `![[#Section]]` (an embed of a part of this note).
    fn local_anchor(
        &self,
        from: NoteId,
        link: &Link,
        a: &str,
        offset: usize,
        diags: &mut Vec<Diagnostic>,
    ) -> Resolved {
        match self.anchor(from, a) {
            Ok(id) if link.kind == LinkKind::Embed => Resolved::Note {
                note: from,
                anchor: Some(id),
            },
            Ok(id) => Resolved::Anchor(id),
            Err(help) => {
                let what = anchor_kind(a);
                let d = self
                    .diag(from, offset, format!("no {what} `{a}` in this note"))
                    .with_help(help);
                self.broken(diags, d, &link.text)
            }
        }
    }

    /// `[[Name]]`, `[[Name#Heading]]`, `![[Name]]`, `![[file.png]]`, `[[tags/x]]`, `[[folder/]]`.
    fn wiki(
        &self,
        from: NoteId,
        link: &Link,
        name: &str,
        anchor: Option<&str>,
        offset: usize,
        diags: &mut Vec<Diagnostic>,
    ) -> Resolved {
        let rel = &self.corpus.notes[from].rel;
        // `[[file.pdf]]`, `![[diagram.png]]`: a file of the notes folder.
        if link.kind == LinkKind::Image || looks_like_file(name) {
            match self.file(from, name) {
                Found::One(a) => return Resolved::Asset(a),
                Found::Many(ids) => {
                    let d = self.ambiguous_file(from, offset, name, &ids);
                    return self.broken(diags, d, &link.text);
                }
                Found::None if link.kind == LinkKind::Image => {
                    let d = self.missing_file(from, offset, name);
                    return self.broken(diags, d, &link.text);
                }
                Found::None => {}
            }
        }
        if name.ends_with('/')
            && let Some(r) = self.folder(from, name)
        {
            return r;
        }
        match self.names.note(self.corpus, rel, name) {
            Found::One(id) => {
                let id = self.note_with_anchor(id, name, anchor);
                self.with_anchor(from, id, anchor, offset, diags, &link.text)
            }
            Found::Many(ids) => {
                let d = self.ambiguous(from, name, offset, &ids, "wikilink");
                self.broken(diags, d, &link.text)
            }
            Found::None => {
                if let Some(r) = self.page(from, name) {
                    return r;
                }
                // `[[docs/index]]` in a vault whose notes folder is `docs/`: written from the
                // folder above (a repository opened as the vault).
                if let Some(rest) = self.below_root(name)
                    && let Found::One(id) = self.names.note(self.corpus, rel, rest)
                {
                    return self.with_anchor(from, id, anchor, offset, diags, &link.text);
                }
                if self.is_hidden(from, name) {
                    return Resolved::Hidden;
                }
                let d = self.no_note(from, name, offset);
                self.broken(diags, d, &link.text)
            }
        }
    }

    /// `name` without a first folder that is the notes folder's own name (`docs/index` when
    /// the notes folder is `docs/`), if it has one.
    fn below_root<'n>(&self, name: &'n str) -> Option<&'n str> {
        let (first, rest) = name.trim_start_matches('/').split_once('/')?;
        let root = self.corpus.notes.iter().find_map(|n| {
            let mut dir = n.path.parent()?;
            for _ in n.rel.matches('/') {
                dir = dir.parent()?;
            }
            Some(dir.file_name()?.to_string_lossy().into_owned())
        })?;
        root.eq_ignore_ascii_case(first).then_some(rest)
    }

    /// A page that is not a note: a tag's (`tags/x`, `tags`) or a folder's listing.
    fn page(&self, from: NoteId, name: &str) -> Option<Resolved> {
        let key = name.trim().trim_start_matches('/').to_lowercase();
        if key == "tags" || key == "tags/" {
            return Some(Resolved::Page("tags/index.html".into()));
        }
        if let Some(tag) = key.strip_prefix("tags/") {
            let slug = tag_slug(tag.trim_end_matches('/'));
            if self.tags.contains(&slug) {
                return Some(Resolved::Page(format!("tags/{slug}.html")));
            }
        }
        self.folder(from, name)
    }

    /// A folder's page: its index note, or the generated listing.
    fn folder(&self, from: NoteId, name: &str) -> Option<Resolved> {
        match self
            .names
            .section(self.corpus, &self.corpus.notes[from].rel, name)
        {
            Found::One(s) => {
                let sec = &self.corpus.sections[s];
                Some(match sec.index {
                    Some(i) => Resolved::Note {
                        note: i,
                        anchor: None,
                    },
                    None => Resolved::Page(sec.out_path()),
                })
            }
            _ => None,
        }
    }

    /// A file by path or name: relative to the linking note, from the notes folder, or (a bare
    /// name) anywhere in it, nearest first.
    fn file(&self, from: NoteId, name: &str) -> Found<usize> {
        let rel = &self.corpus.notes[from].rel;
        if let Some(joined) = join_rel(rel, name)
            && let Some(&a) = self.corpus.asset_by_rel.get(&joined.to_lowercase())
        {
            return Found::One(a);
        }
        if let Some(&a) = self
            .corpus
            .asset_by_rel
            .get(&name.trim_start_matches('/').to_lowercase())
        {
            return Found::One(a);
        }
        match self.names.asset(self.corpus, rel, name) {
            Found::None if name.contains('/') => {
                let base = name.rsplit('/').next().unwrap_or(name);
                self.names.asset(self.corpus, rel, base)
            }
            f => f,
        }
    }

    /// `[x](../notes/a.md#h)`, `![](img/a.png)`: relative to the linking note; then from the
    /// notes folder; a bare file name is also found anywhere (nearest first), as Obsidian
    /// writes links with "shortest path when possible".
    fn path(
        &self,
        from: NoteId,
        link: &Link,
        path: &str,
        anchor: Option<&str>,
        offset: usize,
        diags: &mut Vec<Diagnostic>,
    ) -> Resolved {
        let note = &self.corpus.notes[from];
        let Some(rel) = join_rel(&note.rel, path) else {
            let d = self
                .diag(
                    from,
                    offset,
                    format!("`{path}` points outside the notes folder"),
                )
                .with_help("link to notes and files inside the notes folder only");
            return self.broken(diags, d, &link.text);
        };
        let relative = path.starts_with("./") || path.starts_with("../");
        let candidates = [
            Some(rel.clone()),
            (!relative).then(|| path.trim_start_matches('/').to_string()),
        ];
        for key in candidates.into_iter().flatten() {
            if let Some(id) = self.names.note_at(&key) {
                return self.with_anchor(from, id, anchor, offset, diags, &link.text);
            }
            if let Some(&a) = self.corpus.asset_by_rel.get(&key.to_lowercase()) {
                return Resolved::Asset(a);
            }
        }
        if !path.contains('/') && !path.is_empty() {
            if looks_like_file(path) || link.kind == LinkKind::Image {
                match self.names.asset(self.corpus, &note.rel, path) {
                    Found::One(a) => return Resolved::Asset(a),
                    Found::Many(ids) => {
                        let d = self.ambiguous_file(from, offset, path, &ids);
                        return self.broken(diags, d, &link.text);
                    }
                    Found::None => {}
                }
            }
            if path.to_lowercase().ends_with(".md")
                && let Found::One(id) = self.names.note(self.corpus, &note.rel, path)
            {
                return self.with_anchor(from, id, anchor, offset, diags, &link.text);
            }
        }
        if let Some(r) = self.page(from, &rel) {
            return r;
        }
        if self.is_hidden(from, &rel) {
            return Resolved::Hidden;
        }
        let d = self.missing_path(from, link, path, &rel, offset);
        self.broken(diags, d, &link.text)
    }

    /// The link to note `to`, at `anchor` if given (checked).
    pub fn with_anchor(
        &self,
        from: NoteId,
        to: NoteId,
        anchor: Option<&str>,
        offset: usize,
        diags: &mut Vec<Diagnostic>,
        text: &str,
    ) -> Resolved {
        let Some(a) = anchor else {
            return Resolved::Note {
                note: to,
                anchor: None,
            };
        };
        match self.anchor(to, a) {
            Ok(id) => Resolved::Note {
                note: to,
                anchor: Some(id),
            },
            Err(help) => {
                let what = anchor_kind(a);
                let d = self
                    .diag(
                        from,
                        offset,
                        format!("no {what} `{a}` in `{}`", self.titles[to]),
                    )
                    .with_help(help);
                self.broken(diags, d, text)
            }
        }
    }

    /// The note a wikilink with an anchor means when its name fits several notes: the nearest
    /// (`nearest`), unless it lacks the anchor and exactly one other note of that name has it
    /// (`[[index#Get Started]]` written in `guide/index.md` means the index that has that
    /// heading, as Quartz resolves it). Otherwise `nearest`, whose missing anchor is the error.
    fn note_with_anchor(&self, nearest: NoteId, name: &str, anchor: Option<&str>) -> NoteId {
        let Some(a) = anchor else {
            return nearest;
        };
        if self.found_anchor(nearest, a).is_some() {
            return nearest;
        }
        let mut with =
            (self.names.candidates(name).iter()).filter(|&&n| self.found_anchor(n, a).is_some());
        match (with.next(), with.next()) {
            (Some(&only), None) => only,
            _ => nearest,
        }
    }

    /// The id an anchor names in a note, if the note has it: a block (`^id`), a heading (by
    /// text or id, or a chain `Heading#Subheading`), or another id.
    fn found_anchor(&self, note: NoteId, wanted: &str) -> Option<String> {
        let p = &self.parsed[note];
        if wanted.starts_with('^') {
            return p.find_block(wanted).map(|b| format!("^{}", b.id));
        }
        (p.find_heading_chain(wanted).map(|h| h.id.clone()))
            .or_else(|| p.has_extra_id(wanted).then(|| wanted.to_string()))
    }

    /// The id an anchor names in a note: a heading (by text or id, or a chain
    /// `Heading#Subheading`), a block (`^id`), or another id; else a help text.
    pub fn anchor(&self, note: NoteId, wanted: &str) -> Result<String, String> {
        if let Some(id) = self.found_anchor(note, wanted) {
            return Ok(id);
        }
        let p = &self.parsed[note];
        if wanted.starts_with('^') {
            let ids = p.blocks.iter().map(|b| format!("^{}", b.id));
            let ids: Vec<String> = ids.collect();
            return Err(match self.suggest(wanted, ids.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None if ids.is_empty() => {
                    "that note has no block ids; end a paragraph with ` ^my-id` to give it one"
                        .into()
                }
                None => format!("its block ids are: {}", list(&ids)),
            });
        }
        if let Some(help) = chain_help(p, wanted) {
            return Err(help);
        }
        let last = wanted.rsplit('#').next().unwrap_or(wanted);
        let names = p.headings.iter().map(|h| h.text.as_str());
        match self.suggest(last, names) {
            Some(s) => Err(format!("did you mean `{s}`?")),
            None if p.headings.is_empty() => Err("that note has no headings".into()),
            None => {
                let hs: Vec<String> = p.headings.iter().map(|h| h.text.clone()).collect();
                Err(format!("its headings are: {}", list(&hs)))
            }
        }
    }

    /// True when `name` is a note left out of the site (draft or `publish: false`).
    fn is_hidden(&self, from: NoteId, name: &str) -> bool {
        let key = name.trim().trim_end_matches(".md").to_lowercase();
        let joined = join_rel(&self.corpus.notes[from].rel, name).map(|r| r.to_lowercase());
        self.corpus.hidden.iter().any(|h| {
            let no_ext = h.rel.trim_end_matches(".md").to_lowercase();
            let file = no_ext.rsplit('/').next().unwrap_or(&no_ext);
            no_ext == key
                || no_ext.ends_with(&format!("/{key}"))
                || file == key
                || crate::load::split_prefix(file).1 == key
                || joined.as_deref() == Some(h.rel.to_lowercase().as_str())
                || h.title.as_ref().is_some_and(|t| t.to_lowercase() == key)
                || h.aliases.iter().any(|a| a.to_lowercase() == key)
        })
    }

    /// A name that matched no note.
    pub fn no_note(&self, from: NoteId, name: &str, offset: usize) -> Diagnostic {
        let d = self.diag(from, offset, format!("no note titled `{name}`"));
        match self.suggest(name, self.names.all.iter().map(String::as_str)) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(
                "wikilinks match a note's file name, path, title or alias (case-insensitively)",
            ),
        }
    }

    /// A name that matched several notes at the same distance from the linking note.
    pub fn ambiguous(
        &self,
        from: NoteId,
        name: &str,
        offset: usize,
        ids: &[NoteId],
        what: &str,
    ) -> Diagnostic {
        let notes = &self.corpus.notes;
        let list: Vec<String> = ids
            .iter()
            .map(|&i| format!("`{}` ({})", self.titles[i], notes[i].rel))
            .collect();
        self.diag(
            from,
            offset,
            format!("{what} `{name}` is ambiguous: it matches {}", list.join(", ")),
        )
        .with_help(format!(
            "they are equally near this note; link by path instead, e.g. [[{}]], or give the notes distinct titles or aliases",
            notes[ids[0]].rel.trim_end_matches(".md")
        ))
    }

    fn ambiguous_file(&self, from: NoteId, offset: usize, name: &str, ids: &[usize]) -> Diagnostic {
        let list: Vec<String> = ids
            .iter()
            .map(|&a| format!("`{}`", self.corpus.assets[a].rel))
            .collect();
        self.diag(
            from,
            offset,
            format!(
                "file name `{name}` is ambiguous: it matches {}",
                list.join(", ")
            ),
        )
        .with_help(format!(
            "they are equally near this note; write the path, e.g. `{}`",
            self.corpus.assets[ids[0]].rel
        ))
    }

    fn missing_file(&self, from: NoteId, offset: usize, name: &str) -> Diagnostic {
        let d = self.diag(
            from,
            offset,
            format!("no file named `{name}` in the notes folder"),
        );
        let base = name.rsplit('/').next().unwrap_or(name);
        let files = self
            .corpus
            .assets
            .iter()
            .map(|a| a.rel.rsplit('/').next().unwrap_or(&a.rel));
        match self.suggest(base, files) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help("put the file in the notes folder (any subfolder)"),
        }
    }

    /// A relative path that names no note or file.
    fn missing_path(
        &self,
        from: NoteId,
        link: &Link,
        path: &str,
        rel: &str,
        offset: usize,
    ) -> Diagnostic {
        let note = &self.corpus.notes[from];
        let what = if link.kind == LinkKind::Image {
            "image"
        } else {
            "file"
        };
        let d = self.diag(
            from,
            offset,
            format!("no {what} `{path}` (looked for `{rel}` in the notes folder)"),
        );
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let notes = &self.corpus.notes;
        let suggestion = notes
            .iter()
            .find(|n| {
                n.rel
                    .rsplit('/')
                    .next()
                    .is_some_and(|f| f.eq_ignore_ascii_case(name))
            })
            .map(|n| relative_link(&note.rel, &n.rel))
            .or_else(|| {
                let files = notes
                    .iter()
                    .map(|n| n.rel.as_str())
                    .chain(self.corpus.assets.iter().map(|a| a.rel.as_str()));
                self.suggest(rel, files)
                    .map(|c| relative_link(&note.rel, &c))
            });
        match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => match dir_of(&note.rel) {
                "" => d.with_help("relative links are resolved from the linking note's folder"),
                dir => d.with_help(format!(
                    "relative links are resolved from the linking note's folder (`{dir}/`)"
                )),
            },
        }
    }
}

/// For a heading chain `A#B#C` whose start is found: which part is missing, and the
/// subheadings there are instead.
fn chain_help(p: &Parsed, wanted: &str) -> Option<String> {
    let parts: Vec<&str> = wanted.split('#').collect();
    for k in (1..parts.len()).rev() {
        let Some(h) = p.find_heading_chain(&parts[..k].join("#")) else {
            continue;
        };
        let i = p.headings.iter().position(|x| x.id == h.id)?;
        let subs: Vec<String> = p.headings[i + 1..]
            .iter()
            .take_while(|x| x.level > h.level)
            .filter(|x| x.level == h.level + 1)
            .map(|x| x.text.clone())
            .collect();
        let missing = parts[k];
        return Some(
            match diagnostic::suggest(missing, subs.iter().map(String::as_str)) {
                Some(s) => format!(
                    "`{}` has no subheading `{missing}`; did you mean `{s}`?",
                    h.text
                ),
                None if subs.is_empty() => format!("`{}` has no subheadings", h.text),
                None => format!(
                    "`{}` has no subheading `{missing}`; its subheadings are: {}",
                    h.text,
                    list(&subs)
                ),
            },
        );
    }
    None
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .take(8)
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `name.ext` with a short extension that is not Markdown: a file, not a note.
pub(super) fn looks_like_file(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((_, ext)) => {
            !ext.eq_ignore_ascii_case("md")
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// A relative Markdown path from one note to another (for "did you mean" help).
pub(super) fn relative_link(from_rel: &str, to_rel: &str) -> String {
    let from: Vec<&str> = from_rel.split('/').collect();
    let to: Vec<&str> = to_rel.split('/').collect();
    let from_dir = &from[..from.len() - 1];
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

/// What an anchor names, in words: `^id` a block, anything else a heading.
fn anchor_kind(anchor: &str) -> &'static str {
    if anchor.starts_with('^') {
        "block"
    } else {
        "heading"
    }
}
