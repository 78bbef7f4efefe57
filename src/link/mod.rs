//! The site graph: names → notes, every link resolved and verified (note and anchor), backlinks,
//! tags, related notes and the reading order.
//!
//! Input is the loaded corpus and each note's parse; output is a [`Graph`] that rendering reads.
//! Every problem is a diagnostic at the link's own `file:line:column`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::BrokenLinks;
use crate::diagnostic::{self, Diagnostic};
use crate::load::{Corpus, NoteId, SectionId, slugify};
use crate::markdown::{LinkKind, Parsed, Target};

/// Where a link goes, once resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// Another note (or this one), optionally at a heading id.
    Note {
        note: NoteId,
        anchor: Option<String>,
    },
    /// A heading id on the same page.
    Anchor(String),
    /// A file from the notes folder, by index in `Corpus::assets`.
    Asset(usize),
    /// Left as written.
    External(String),
    /// Could not be resolved (only in `broken_links = "warn"` mode; otherwise the build fails).
    Broken(String),
}

/// A note linking to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Backlink {
    pub from: NoteId,
    /// The sentence around the link in the linking note.
    pub context: String,
}

/// A tag and the notes carrying it (in reading order).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub notes: Vec<NoteId>,
}

/// The resolved site.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Final title of each note: front matter, else opening `# H1`, else file name.
    pub titles: Vec<String>,
    /// For each note, where each of its links goes (same order as `Parsed::links`).
    pub resolved: Vec<Vec<Resolved>>,
    pub backlinks: Vec<Vec<Backlink>>,
    pub related: Vec<Vec<NoteId>>,
    /// Tags by slug.
    pub tags: BTreeMap<String, Tag>,
    /// Every note in reading order (home, then sections depth first).
    pub order: Vec<NoteId>,
    /// Position of each note in `order`.
    pub position: Vec<usize>,
    /// Assets referenced by some note (only these are copied).
    pub used_assets: BTreeSet<usize>,
    /// Title of each section: its index note's title, else the folder name.
    pub section_titles: Vec<String>,
}

/// The names a wikilink can use for each note, lower-cased.
struct Names {
    /// Titles and aliases.
    primary: HashMap<String, Vec<NoteId>>,
    /// File names (without prefix and extension) and paths without extension.
    secondary: HashMap<String, Vec<NoteId>>,
    /// Everything a suggestion may offer.
    all: Vec<String>,
}

fn add_name(map: &mut HashMap<String, Vec<NoteId>>, name: &str, id: NoteId) {
    let v = map.entry(name.trim().to_lowercase()).or_default();
    if !v.contains(&id) {
        v.push(id);
    }
}

/// Resolves the site. `parsed[i]` is the parse of `corpus.notes[i]`.
pub fn link(corpus: &Corpus, parsed: &[Parsed], policy: BrokenLinks) -> (Graph, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let notes = &corpus.notes;
    let titles: Vec<String> = notes
        .iter()
        .zip(parsed)
        .map(|(n, p)| {
            n.meta
                .title
                .clone()
                .or_else(|| p.h1.clone())
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| {
                    if n.is_index && n.section == 0 {
                        "Home".to_string()
                    } else if n.is_index {
                        corpus.sections[n.section].dir_title.clone()
                    } else {
                        n.file_title.clone()
                    }
                })
        })
        .collect();

    // Two notes written to the same file is an error: the second would silently win.
    let mut by_out: HashMap<&str, NoteId> = HashMap::new();
    for n in notes {
        if let Some(&other) = by_out.get(n.out_path.as_str()) {
            diags.push(
                Diagnostic::error(
                    &n.path,
                    format!(
                        "`{}` would be written to `{}`, which `{}` already uses",
                        n.rel, n.out_path, notes[other].rel
                    ),
                )
                .with_help(
                    "give one of them a different `slug:` in its front matter, or rename the file",
                ),
            );
        } else {
            by_out.insert(&n.out_path, n.id);
        }
    }

    let (names, by_rel, asset_by_name) = lookup_tables(corpus, &titles);

    let mut graph = Graph {
        titles,
        resolved: Vec::with_capacity(notes.len()),
        backlinks: vec![Vec::new(); notes.len()],
        related: vec![Vec::new(); notes.len()],
        ..Default::default()
    };

    let ctx = Ctx {
        corpus,
        parsed,
        names: &names,
        by_rel: &by_rel,
        asset_by_name: &asset_by_name,
        titles: &graph.titles,
        policy,
    };
    let mut resolved_all = Vec::with_capacity(notes.len());
    for n in notes {
        let mut out = Vec::with_capacity(parsed[n.id].links.len());
        for link in &parsed[n.id].links {
            let r = ctx.resolve(n.id, link, &mut diags);
            out.push(r);
        }
        resolved_all.push(out);
    }
    // Related notes from front matter are resolved like wikilinks, reported at the key.
    for n in notes {
        for name in &n.meta.related {
            match ctx.find_note(name) {
                Found::One(id) => graph.related[n.id].push(id),
                found => {
                    let off = n.source[..n.body_start].find("related").unwrap_or(0);
                    let d = ctx.not_found(n.id, name, off, &found, "related note", diags.len());
                    diags.push(d);
                }
            }
        }
    }
    graph.resolved = resolved_all;

    check_embed_cycles(corpus, parsed, &graph.resolved, &mut diags);
    check_embed_size(corpus, parsed, &graph.resolved, &mut diags);

    for n in notes {
        for (link, r) in parsed[n.id].links.iter().zip(&graph.resolved[n.id]) {
            match r {
                Resolved::Note { note, .. } if *note != n.id && link.kind == LinkKind::Link => {
                    let list = &mut graph.backlinks[*note];
                    if !list.iter().any(|b| b.from == n.id) {
                        list.push(Backlink {
                            from: n.id,
                            context: link.context.clone(),
                        });
                    }
                }
                Resolved::Asset(a) => {
                    graph.used_assets.insert(*a);
                }
                _ => {}
            }
        }
    }

    // Reading order: depth first through sections, notes and subsections interleaved by order.
    graph.section_titles = corpus
        .sections
        .iter()
        .map(|s| match s.index {
            Some(i) => graph.titles[i].clone(),
            None => s.dir_title.clone(),
        })
        .collect();
    if !corpus.sections.is_empty() {
        walk_order(corpus, 0, &mut graph.order);
    }
    graph.position = vec![0; notes.len()];
    for (pos, id) in graph.order.iter().enumerate() {
        graph.position[*id] = pos;
    }
    for b in &mut graph.backlinks {
        b.sort_by_key(|x| graph.position[x.from]);
    }

    for &id in &graph.order {
        for t in &notes[id].meta.tags {
            let slug = tag_slug(t);
            let tag = graph.tags.entry(slug.clone()).or_insert_with(|| Tag {
                name: t.clone(),
                slug,
                notes: Vec::new(),
            });
            if !tag.notes.contains(&id) {
                tag.notes.push(id);
            }
        }
    }

    // Orphans: notes nothing links to and that link nowhere (sections and home are exempt).
    for n in notes {
        if n.is_index {
            continue;
        }
        let links_out = graph.resolved[n.id]
            .iter()
            .any(|r| matches!(r, Resolved::Note { note, .. } if *note != n.id));
        if !links_out && graph.backlinks[n.id].is_empty() {
            diags.push(
                Diagnostic::warning(
                    &n.path,
                    format!(
                        "`{}` is an orphan: no note links to it and it links to none",
                        graph.titles[n.id]
                    ),
                )
                .with_help(
                    "link it from a related note, e.g. with [[".to_string()
                        + &graph.titles[n.id]
                        + "]]",
                ),
            );
        }
    }
    (graph, diags)
}

/// The name tables links are resolved against (titles, aliases, file names, paths, assets),
/// kept by `serve` between edits that change no name (see [`resolve_note`]).
pub struct Lookups(Names, HashMap<String, NoteId>, HashMap<String, Vec<usize>>);

/// Builds the name tables of the site.
pub fn lookups(corpus: &Corpus, titles: &[String]) -> Lookups {
    let (names, by_rel, asset_by_name) = lookup_tables(corpus, titles);
    Lookups(names, by_rel, asset_by_name)
}

type Tables = (Names, HashMap<String, NoteId>, HashMap<String, Vec<usize>>);

fn lookup_tables(corpus: &Corpus, titles: &[String]) -> Tables {
    let notes = &corpus.notes;
    let mut names = Names {
        primary: HashMap::new(),
        secondary: HashMap::new(),
        all: Vec::new(),
    };
    for n in notes {
        add_name(&mut names.primary, &titles[n.id], n.id);
        names.all.push(titles[n.id].clone());
        for a in &n.meta.aliases {
            add_name(&mut names.primary, a, n.id);
            names.all.push(a.clone());
        }
        add_name(&mut names.secondary, &n.stem, n.id);
        let no_ext = n.rel.rsplit_once('.').map_or(n.rel.as_str(), |(p, _)| p);
        add_name(&mut names.secondary, no_ext, n.id);
        let file_stem = no_ext.rsplit('/').next().unwrap_or(no_ext);
        add_name(&mut names.secondary, file_stem, n.id);
    }
    let by_rel: HashMap<String, NoteId> =
        notes.iter().map(|n| (n.rel.to_lowercase(), n.id)).collect();
    // Assets by file name, for `![[diagram.png]]`.
    let mut asset_by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in corpus.assets.iter().enumerate() {
        let name = a.rel.rsplit('/').next().unwrap_or(&a.rel).to_lowercase();
        asset_by_name.entry(name).or_default().push(i);
    }

    (names, by_rel, asset_by_name)
}

/// Resolves the links of one note against the rest of the site, with the same rules and
/// diagnostics as [`link`]. `serve` uses it when an edit changed only a note's text: no title,
/// heading, alias or link target anywhere changed, so the rest of the graph stands.
pub fn resolve_note(
    corpus: &Corpus,
    parsed: &[Parsed],
    titles: &[String],
    lookups: &Lookups,
    policy: BrokenLinks,
    note: NoteId,
) -> (Vec<Resolved>, Vec<Diagnostic>) {
    let Lookups(names, by_rel, asset_by_name) = lookups;
    let ctx = Ctx {
        corpus,
        parsed,
        names,
        by_rel,
        asset_by_name,
        titles,
        policy,
    };
    let mut diags = Vec::new();
    let out = parsed[note]
        .links
        .iter()
        .map(|l| ctx.resolve(note, l, &mut diags))
        .collect();
    (out, diags)
}

/// The file name (without `.html`) of a tag's page under `tags/`. `index` is the page listing
/// every tag, so a tag named "index" gets `index-tag`.
pub fn tag_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug == "index" {
        "index-tag".into()
    } else {
        slug
    }
}

fn walk_order(corpus: &Corpus, s: SectionId, out: &mut Vec<NoteId>) {
    let sec = &corpus.sections[s];
    if let Some(i) = sec.index {
        out.push(i);
    }
    let mut items: Vec<(&(i64, String), bool, usize)> = sec
        .notes
        .iter()
        .map(|&n| (&corpus.notes[n].order, false, n))
        .chain(
            sec.children
                .iter()
                .map(|&c| (&corpus.sections[c].order, true, c)),
        )
        .collect();
    items.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    for (_, is_section, id) in items {
        if is_section {
            walk_order(corpus, id, out);
        } else {
            out.push(id);
        }
    }
}

enum Found {
    One(NoteId),
    None,
    Many(Vec<NoteId>),
}

struct Ctx<'a> {
    corpus: &'a Corpus,
    parsed: &'a [Parsed],
    names: &'a Names,
    by_rel: &'a HashMap<String, NoteId>,
    asset_by_name: &'a HashMap<String, Vec<usize>>,
    titles: &'a [String],
    policy: BrokenLinks,
}

impl Ctx<'_> {
    fn find_note(&self, name: &str) -> Found {
        let key = name.trim().trim_end_matches(".md").to_lowercase();
        for map in [&self.names.primary, &self.names.secondary] {
            match map.get(&key).map(Vec::as_slice) {
                Some([one]) => return Found::One(*one),
                Some(many) if many.len() > 1 => return Found::Many(many.to_vec()),
                _ => {}
            }
        }
        Found::None
    }

    /// A diagnostic for a name that matched no note, or several.
    fn not_found(
        &self,
        from: NoteId,
        name: &str,
        offset: usize,
        found: &Found,
        what: &str,
        diags_so_far: usize,
    ) -> Diagnostic {
        let note = &self.corpus.notes[from];
        let sev_error = self.policy == BrokenLinks::Error;
        let d = |msg: String| {
            if sev_error {
                Diagnostic::error(&note.path, msg)
            } else {
                Diagnostic::warning(&note.path, msg)
            }
        };
        match found {
            Found::Many(ids) => {
                let list: Vec<String> = ids
                    .iter()
                    .map(|&i| format!("`{}` ({})", self.titles[i], self.corpus.notes[i].rel))
                    .collect();
                d(format!("{what} `{name}` is ambiguous: it matches {}", list.join(", ")))
                    .at(&note.source, offset)
                    .with_help(format!(
                        "link by path instead, e.g. [[{}]], or give the notes distinct titles or aliases",
                        self.corpus.notes[ids[0]].rel.trim_end_matches(".md")
                    ))
            }
            _ => {
                let mut diag = d(format!("no note titled `{name}`")).at(&note.source, offset);
                let names = self.names.all.iter().map(String::as_str);
                diag = match suggesting(diags_so_far)
                    .then(|| diagnostic::suggest(name, names))
                    .flatten()
                {
                    Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                    None => diag.with_help(
                        "wikilinks match a note's title, file name or alias (case-insensitively)",
                    ),
                };
                diag
            }
        }
    }

    fn broken(&self, diags: &mut Vec<Diagnostic>, d: Diagnostic, what: &str) -> Resolved {
        diags.push(d);
        Resolved::Broken(what.to_string())
    }

    fn resolve(
        &self,
        from: NoteId,
        link: &crate::markdown::Link,
        diags: &mut Vec<Diagnostic>,
    ) -> Resolved {
        let note = &self.corpus.notes[from];
        let offset = note.body_start + link.span.start;
        let sev = |msg: String| {
            if self.policy == BrokenLinks::Error {
                Diagnostic::error(&note.path, msg)
            } else {
                Diagnostic::warning(&note.path, msg)
            }
        };
        match &link.target {
            Target::External(u) => Resolved::External(u.clone()),
            Target::Anchor(a) => match self.anchor(from, a, diags.len()) {
                Ok(id) => Resolved::Anchor(id),
                Err(help) => {
                    let d = sev(format!("no heading `{a}` in this note"))
                        .at(&note.source, offset)
                        .with_help(help);
                    self.broken(diags, d, &link.text)
                }
            },
            Target::Wiki { name, anchor } => {
                if name.is_empty() {
                    let a = anchor.clone().unwrap_or_default();
                    return match self.anchor(from, &a, diags.len()) {
                        Ok(id) => Resolved::Anchor(id),
                        Err(help) => {
                            let d = sev(format!("no heading `{a}` in this note"))
                                .at(&note.source, offset)
                                .with_help(help);
                            self.broken(diags, d, &link.text)
                        }
                    };
                }
                // `[[file.pdf]]`, `![[diagram.png]]`: a file of the notes folder, by name.
                if link.kind == LinkKind::Image || looks_like_file(name) {
                    let key = name.rsplit('/').next().unwrap_or(name).to_lowercase();
                    if let Some(list) = self.asset_by_name.get(&key) {
                        return Resolved::Asset(list[0]);
                    }
                    if link.kind == LinkKind::Image {
                        let d = sev(format!("no file named `{name}` in the notes folder"))
                            .at(&note.source, offset)
                            .with_help("put the image in the notes folder (any subfolder)");
                        return self.broken(diags, d, &link.text);
                    }
                }
                match self.find_note(name) {
                    Found::One(id) => {
                        self.with_anchor(from, id, anchor.as_deref(), offset, diags, &link.text)
                    }
                    found => {
                        let mut d =
                            self.not_found(from, name, offset, &found, "wikilink", diags.len());
                        if self.policy == BrokenLinks::Warn {
                            d.severity = diagnostic::Severity::Warning;
                        }
                        self.broken(diags, d, &link.text)
                    }
                }
            }
            Target::Path { path, anchor } => {
                let Some(rel) = join_rel(&note.rel, path) else {
                    let d = sev(format!("`{path}` points outside the notes folder"))
                        .at(&note.source, offset)
                        .with_help("link to notes and files inside the notes folder only");
                    return self.broken(diags, d, &link.text);
                };
                let key = rel.to_lowercase();
                let note_id = self
                    .by_rel
                    .get(&key)
                    .or_else(|| self.by_rel.get(&format!("{key}.md")))
                    .or_else(|| {
                        self.by_rel
                            .get(&format!("{}/index.md", key.trim_end_matches('/')))
                    })
                    .copied();
                if let Some(id) = note_id {
                    return self.with_anchor(
                        from,
                        id,
                        anchor.as_deref(),
                        offset,
                        diags,
                        &link.text,
                    );
                }
                if let Some(&a) = self.corpus.asset_by_rel.get(&key) {
                    return Resolved::Asset(a);
                }
                let what = if link.kind == LinkKind::Image {
                    "image"
                } else {
                    "file"
                };
                let candidates = self.corpus.notes.iter().map(|n| n.rel.as_str());
                let mut d = sev(format!(
                    "no {what} `{path}` (looked for `{rel}` in the notes folder)"
                ))
                .at(&note.source, offset);
                let name = rel.rsplit('/').next().unwrap_or(&rel);
                let suggestion = self
                    .corpus
                    .notes
                    .iter()
                    .find(|n| {
                        n.rel
                            .rsplit('/')
                            .next()
                            .is_some_and(|f| f.eq_ignore_ascii_case(name))
                    })
                    .map(|n| relative_link(&note.rel, &n.rel))
                    .or_else(|| {
                        let found = suggesting(diags.len())
                            .then(|| diagnostic::suggest(&rel, candidates))
                            .flatten();
                        found.map(|c| relative_link(&note.rel, &c))
                    });
                d = match suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => {
                        d.with_help("relative links are resolved from the linking note's folder")
                    }
                };
                self.broken(diags, d, &link.text)
            }
        }
    }

    fn with_anchor(
        &self,
        from: NoteId,
        to: NoteId,
        anchor: Option<&str>,
        offset: usize,
        diags: &mut Vec<Diagnostic>,
        text: &str,
    ) -> Resolved {
        match anchor {
            None => Resolved::Note {
                note: to,
                anchor: None,
            },
            Some(a) => match self.anchor(to, a, diags.len()) {
                Ok(id) => Resolved::Note {
                    note: to,
                    anchor: Some(id),
                },
                Err(help) => {
                    let note = &self.corpus.notes[from];
                    let msg = format!("no heading `{a}` in `{}`", self.titles[to]);
                    let d = if self.policy == BrokenLinks::Error {
                        Diagnostic::error(&note.path, msg)
                    } else {
                        Diagnostic::warning(&note.path, msg)
                    };
                    self.broken(diags, d.at(&note.source, offset).with_help(help), text)
                }
            },
        }
    }

    /// The heading id an anchor names in a note, or a help text listing close headings.
    fn anchor(&self, note: NoteId, wanted: &str, diags_so_far: usize) -> Result<String, String> {
        let p = &self.parsed[note];
        if let Some(h) = p.find_heading(wanted) {
            return Ok(h.id.clone());
        }
        if p.has_extra_id(wanted) {
            return Ok(wanted.to_string());
        }
        let names = p.headings.iter().map(|h| h.text.as_str());
        match suggesting(diags_so_far)
            .then(|| diagnostic::suggest(wanted, names))
            .flatten()
        {
            Some(s) => Err(format!("did you mean `{s}`?")),
            None if p.headings.is_empty() => Err("that note has no headings".into()),
            None => Err(format!(
                "its headings are: {}",
                p.headings
                    .iter()
                    .take(8)
                    .map(|h| format!("`{}`", h.text))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// Diagnostics after which a broken link gets no "did you mean": each suggestion compares the
/// name with every candidate (50,000 broken anchors in a note of 2,000 headings took over five
/// minutes), and past this many problems the first ones are what a reader fixes first.
pub const SUGGESTION_BUDGET: usize = 200;

fn suggesting(diags_so_far: usize) -> bool {
    diags_so_far < SUGGESTION_BUDGET
}

fn looks_like_file(name: &str) -> bool {
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

/// Joins a link path to the linking note's folder; `None` if it climbs out of the notes folder.
pub fn join_rel(from_rel: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        from_rel.split('/').collect()
    };
    if !path.starts_with('/') {
        parts.pop(); // the file name
    }
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A relative Markdown path from one note to another (for "did you mean" help).
fn relative_link(from_rel: &str, to_rel: &str) -> String {
    let from: Vec<&str> = from_rel.split('/').collect();
    let to: Vec<&str> = to_rel.split('/').collect();
    let from_dir = &from[..from.len() - 1];
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

/// Embeds that transclude each other forever are an error at the embed that closes the cycle.
fn check_embed_cycles(
    corpus: &Corpus,
    parsed: &[Parsed],
    resolved: &[Vec<Resolved>],
    diags: &mut Vec<Diagnostic>,
) {
    let n = corpus.notes.len();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut reported = BTreeSet::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        // Iterative DFS: (note, next link index), plus the path for the message.
        let mut stack: Vec<(NoteId, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (note, ref mut idx)) = stack.last_mut() {
            let links = &parsed[note].links;
            if *idx >= links.len() {
                state[note] = 2;
                stack.pop();
                continue;
            }
            let li = *idx;
            *idx += 1;
            if links[li].kind != LinkKind::Embed {
                continue;
            }
            let Resolved::Note { note: target, .. } = resolved[note][li] else {
                continue;
            };
            match state[target] {
                0 => {
                    state[target] = 1;
                    stack.push((target, 0));
                }
                1 if reported.insert((note, li)) => {
                    let pos = stack.iter().position(|(s, _)| *s == target).unwrap_or(0);
                    let mut chain: Vec<String> = stack[pos..]
                        .iter()
                        .map(|(s, _)| corpus.notes[*s].rel.clone())
                        .collect();
                    chain.push(corpus.notes[target].rel.clone());
                    let src = &corpus.notes[note];
                    diags.push(
                        Diagnostic::error(
                            &src.path,
                            format!("embedding this note creates a cycle: {}", chain.join(" → ")),
                        )
                        .at(&src.source, src.body_start + links[li].span.start)
                        .with_help(
                            "replace one of the embeds in the cycle with a plain link [[…]]",
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

/// Most text one page may transclude through embeds, in bytes of Markdown.
pub const MAX_EMBEDDED_BYTES: usize = 32 * 1024 * 1024;

/// Embeds multiply: a note that embeds another ten times, which embeds a third ten times, and so
/// on, makes a page of 10^depth copies (eight levels took 24 GB before the build was stopped).
/// The text each note's embeds bring, expanded, is counted (a whole note for a section embed, an
/// upper bound) and over [`MAX_EMBEDDED_BYTES`] is an error at the note's largest embed; so is a
/// site whose embeds add more than that and more than the notes' own text (the print page holds
/// every note). A note's own text, however long, counts for nothing here.
fn check_embed_size(
    corpus: &Corpus,
    parsed: &[Parsed],
    resolved: &[Vec<Resolved>],
    diags: &mut Vec<Diagnostic>,
) {
    let n = corpus.notes.len();
    let own: Vec<usize> = corpus.notes.iter().map(|note| note.body().len()).collect();
    let embeds = |note: NoteId| {
        parsed[note]
            .links
            .iter()
            .zip(&resolved[note])
            .enumerate()
            .filter_map(|(li, (l, r))| match r {
                Resolved::Note { note: t, .. } if l.kind == LinkKind::Embed => Some((li, *t)),
                _ => None,
            })
    };
    // Sizes in post-order (iterative: chains of embeds can be long); an embed back into the
    // stack is a cycle, reported by `check_embed_cycles`, and counts nothing here.
    let mut size: Vec<usize> = vec![0; n];
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        let mut stack: Vec<(NoteId, Vec<NoteId>)> =
            vec![(start, embeds(start).map(|e| e.1).collect())];
        while let Some((note, pending)) = stack.last_mut() {
            match pending.pop() {
                Some(t) if state[t] == 0 => {
                    state[t] = 1;
                    let next = embeds(t).map(|e| e.1).collect();
                    stack.push((t, next));
                }
                Some(_) => {}
                None => {
                    let note = *note;
                    let mut total = own[note];
                    for (_, t) in embeds(note) {
                        if state[t] == 2 {
                            total = total.saturating_add(size[t]);
                        }
                    }
                    size[note] = total;
                    state[note] = 2;
                    stack.pop();
                }
            }
        }
    }
    let mb = |b: usize| b.div_ceil(1024 * 1024);
    let report = |note: NoteId, message: String, diags: &mut Vec<Diagnostic>| {
        let src = &corpus.notes[note];
        // At the first of its largest embeds.
        let mut biggest: Option<(usize, usize)> = None;
        for (li, t) in embeds(note) {
            if biggest.is_none_or(|(_, s)| size[t] > s) {
                biggest = Some((li, size[t]));
            }
        }
        let at = biggest.map_or(0, |(li, _)| parsed[note].links[li].span.start);
        diags.push(
            Diagnostic::error(&src.path, message)
                .at(&src.source, src.body_start + at)
                .with_help("embed fewer notes or sections (an embedded note brings its own embeds), or link to them with [[…]] instead"),
        );
    };
    // A long note is no amplification: only the text its embeds bring counts.
    let brought = |i: NoteId| size[i] - own[i];
    for note in 0..n {
        if brought(note) > MAX_EMBEDDED_BYTES {
            let message = format!(
                "the embeds of this note bring about {} MB of text, over the limit of {} MB a page",
                mb(brought(note)),
                mb(MAX_EMBEDDED_BYTES)
            );
            report(note, message, diags);
        }
    }
    let added: usize = (0..n).fold(0usize, |acc, i| acc.saturating_add(brought(i)));
    let own_total: usize = own.iter().sum();
    if added > MAX_EMBEDDED_BYTES.max(own_total)
        && (0..n).all(|i| brought(i) <= MAX_EMBEDDED_BYTES)
        && let Some(worst) = (0..n).max_by_key(|&i| brought(i))
    {
        let message = format!(
            "embeds add about {} MB of text to the site, more than its notes' own {} MB (the print page holds every note)",
            mb(added),
            mb(own_total)
        );
        report(worst, message, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_rel_resolves_dots() {
        assert_eq!(join_rel("a/b.md", "../c/d.md").as_deref(), Some("c/d.md"));
        assert_eq!(join_rel("a/b.md", "./x.md").as_deref(), Some("a/x.md"));
        assert_eq!(join_rel("b.md", "../x.md"), None);
        assert_eq!(join_rel("a/b.md", "/x/y.md").as_deref(), Some("x/y.md"));
    }

    fn note(id: NoteId, source: String) -> crate::load::Note {
        crate::load::Note {
            id,
            path: format!("/n/{id}.md").into(),
            rel: format!("{id}.md"),
            source,
            body_start: 0,
            meta: Default::default(),
            out_path: format!("{id}.html"),
            section: 0,
            is_index: false,
            file_title: id.to_string(),
            stem: id.to_string(),
            order: (0, String::new()),
        }
    }

    fn embed_of(target: NoteId) -> (crate::markdown::Link, Resolved) {
        let link = crate::markdown::Link {
            kind: LinkKind::Embed,
            target: Target::Wiki {
                name: target.to_string(),
                anchor: None,
            },
            span: 0..7,
            text: String::new(),
            title: String::new(),
            dest: target.to_string(),
            context: String::new(),
        };
        let r = Resolved::Note {
            note: target,
            anchor: None,
        };
        (link, r)
    }

    #[test]
    fn only_the_text_embeds_bring_counts_against_the_limit() {
        let big = "x".repeat(MAX_EMBEDDED_BYTES + 1);
        // A long note on its own is fine (a 96 MB note was refused as "embeds" at first).
        let corpus = Corpus {
            notes: vec![note(0, big.clone())],
            ..Default::default()
        };
        let mut diags = Vec::new();
        check_embed_size(&corpus, &[Parsed::default()], &[vec![]], &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        // Embedding it brings more than the limit.
        let corpus = Corpus {
            notes: vec![note(0, "![[1]]".into()), note(1, big)],
            ..Default::default()
        };
        let (link, r) = embed_of(1);
        let parsed = [
            Parsed {
                links: vec![link],
                ..Default::default()
            },
            Parsed::default(),
        ];
        let mut diags = Vec::new();
        check_embed_size(&corpus, &parsed, &[vec![r], vec![]], &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("over the limit"));
        assert_eq!(diags[0].file, std::path::PathBuf::from("/n/0.md"));
    }

    #[test]
    fn relative_link_walks_up() {
        assert_eq!(relative_link("a/b.md", "c/d.md"), "../c/d.md");
        assert_eq!(relative_link("a/b.md", "a/d.md"), "d.md");
    }
}
