//! The site graph: names → notes, every link resolved and verified (note and anchor), backlinks,
//! tags, related notes and the reading order.
//!
//! Input is the loaded corpus and each note's parse; output is a [`Graph`] that rendering reads.
//! Every problem is a diagnostic at the link's own `file:line:column`. How names are matched
//! (and a name shared by several notes decided by nearness) is in [`names`]; one link's
//! resolution in `resolve`; embed cycles and limits in [`embeds`].

pub mod embeds;
pub mod names;
mod resolve;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::BrokenLinks;
use crate::diagnostic::Diagnostic;
use crate::load::{Corpus, NoteId, SectionId, slugify};
use crate::markdown::{LinkKind, Parsed};

use names::{Found, Names};
use rayon::prelude::*;
use resolve::Ctx;

/// Where a link goes, once resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// Another note (or this one), optionally at a heading id.
    Note {
        /// The note.
        note: NoteId,
        /// The heading (or block) id, when the link names one.
        anchor: Option<String>,
    },
    /// A heading id on the same page.
    Anchor(String),
    /// A file from the notes folder, by index in `Corpus::assets`.
    Asset(usize),
    /// Left as written.
    External(String),
    /// A generated page that is not a note, by output path: a tag's page (`tags/x.html`, from
    /// an inline `#x` or `[[tags/x]]`), the tag index, a folder's listing (`[[folder/]]`).
    Page(String),
    /// A note left out of the site (`draft`, `publish: false`): its text is shown, unlinked.
    Hidden,
    /// Could not be resolved (only in `broken_links = "warn"` mode; otherwise the build fails).
    Broken(String),
}

/// A note linking to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Backlink {
    /// The linking note.
    pub from: NoteId,
    /// The sentence around the link in the linking note.
    pub context: String,
}

/// A tag and the notes carrying it (in reading order).
#[derive(Debug, Clone)]
pub struct Tag {
    /// The tag as first written.
    pub name: String,
    /// Its URL-safe form (`tags/<slug>.html`).
    pub slug: String,
    /// The notes carrying it, in reading order.
    pub notes: Vec<NoteId>,
}

/// The resolved site.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Final title of each note: front matter, else opening `# H1`, else file name.
    pub titles: Vec<String>,
    /// For each note, where each of its links goes (same order as `Parsed::links`).
    pub resolved: Vec<Vec<Resolved>>,
    /// For each note, the notes linking to it.
    pub backlinks: Vec<Vec<Backlink>>,
    /// For each note, its front matter's `related` notes, resolved.
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
    /// Each note's tags: its front matter's, then the inline `#tags` of its text.
    pub note_tags: Vec<Vec<String>>,
}

/// Resolves the site. `parsed[i]` is the parse of `corpus.notes[i]`.
pub fn link(corpus: &Corpus, parsed: &[Parsed], policy: BrokenLinks) -> (Graph, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let titles = titles(corpus, parsed);
    check_out_paths(corpus, &mut diags);
    // Resolving is one pass in note order (its suggestions are rationed in that order); the
    // notes' heading tables it looks anchors up in are built beforehand on the other threads,
    // while this one builds the name tables.
    let (names, ()) = rayon::join(
        || names::names(corpus, &titles),
        || parsed.par_iter().for_each(Parsed::index_anchors),
    );
    let note_tags = note_tags(corpus, parsed);
    let tag_slugs = tag_slugs(&note_tags);
    let ctx = Ctx {
        corpus,
        parsed,
        names: &names,
        titles: &titles,
        tags: &tag_slugs,
        policy,
        suggestions_left: resolve::SUGGESTIONS.into(),
    };
    let resolved = resolve_links(&ctx, &mut diags);
    let related = resolve_related(&ctx, &mut diags);
    diags.extend(embeds::check(corpus, parsed, &resolved));
    let mut graph = Graph {
        resolved,
        related,
        note_tags,
        backlinks: vec![Vec::new(); corpus.notes.len()],
        ..Default::default()
    };
    backlinks_and_assets(corpus, parsed, &mut graph);
    graph.titles = titles;
    reading_order(corpus, &mut graph);
    collect_tags(&mut graph);
    orphans(corpus, parsed, &graph, &mut diags);
    (graph, diags)
}

/// Final title of each note: front matter, else opening `# H1`, else file name (or folder name
/// for an index note, "Home" for the home note).
fn titles(corpus: &Corpus, parsed: &[Parsed]) -> Vec<String> {
    corpus
        .notes
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
        .collect()
}

/// Two notes written to the same file is an error: the second would silently win.
fn check_out_paths(corpus: &Corpus, diags: &mut Vec<Diagnostic>) {
    let notes = &corpus.notes;
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
}

/// Each note's tags: front matter first, then inline `#tags` not already there.
fn note_tags(corpus: &Corpus, parsed: &[Parsed]) -> Vec<Vec<String>> {
    corpus
        .notes
        .iter()
        .map(|n| {
            let mut tags = n.meta.tags.clone();
            for t in &parsed[n.id].tags {
                if !tags.iter().any(|x| tag_slug(x) == tag_slug(t)) {
                    tags.push(t.clone());
                }
            }
            tags
        })
        .collect()
}

/// The tags with a page: every tag, and the parents of nested tags (`area` of `area/topic`).
fn tag_names(tag: &str) -> impl Iterator<Item = &str> {
    tag.match_indices('/')
        .map(|(i, _)| &tag[..i])
        .filter(|p| !p.is_empty())
        .chain(std::iter::once(tag))
}

fn tag_slugs(note_tags: &[Vec<String>]) -> BTreeSet<String> {
    let mut slugs: Vec<String> = (note_tags.par_iter())
        .flat_map_iter(|tags| tags.iter().flat_map(|t| tag_names(t)).map(tag_slug))
        .collect();
    slugs.par_sort_unstable();
    slugs.dedup();
    slugs.into_iter().collect()
}

/// Every note's links resolved (`resolved[note][i]` is where its `i`-th link goes). A site
/// whose links all resolve is done on every thread at once. Problems are reported in note order
/// and the first [`resolve::SUGGESTIONS`] of them get a "did you mean", so once any note has a
/// problem the whole pass is made again in order on this thread: a site with broken links gets
/// the same diagnostics, suggestions included, from every build.
fn resolve_links(ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Vec<Vec<Resolved>> {
    use std::sync::atomic::Ordering::Relaxed;
    let one = |n: &crate::load::Note, diags: &mut Vec<Diagnostic>| -> Vec<Resolved> {
        (ctx.parsed[n.id].links.iter())
            .map(|l| ctx.resolve(n.id, l, diags))
            .collect()
    };
    // No suggestions in the parallel pass: its problems are thrown away.
    let budget = ctx.suggestions_left.swap(0, Relaxed);
    let clean: Option<Vec<Vec<Resolved>>> = (ctx.corpus.notes.par_iter())
        .map(|n| {
            let mut problems = Vec::new();
            let resolved = one(n, &mut problems);
            problems.is_empty().then_some(resolved)
        })
        .collect();
    if let Some(resolved) = clean {
        return resolved;
    }
    ctx.suggestions_left.store(budget, Relaxed);
    (ctx.corpus.notes.iter()).map(|n| one(n, diags)).collect()
}

/// Related notes from front matter are resolved like wikilinks, reported at the key.
fn resolve_related(ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Vec<Vec<NoteId>> {
    let corpus = ctx.corpus;
    corpus
        .notes
        .iter()
        .map(|n| {
            let mut out = Vec::new();
            for name in &n.meta.related {
                let off = n.source[..n.body_start].find("related").unwrap_or(0);
                match ctx.names.note(corpus, &n.rel, name) {
                    Found::One(id) => out.push(id),
                    Found::Many(ids) => {
                        diags.push(ctx.ambiguous(n.id, name, off, &ids, "related note"))
                    }
                    Found::None => diags.push(ctx.no_note(n.id, name, off)),
                }
            }
            out
        })
        .collect()
}

/// Backlinks (a link, not an embed, to another note; the first link's sentence) and the files
/// notes use (only these are copied).
fn backlinks_and_assets(corpus: &Corpus, parsed: &[Parsed], graph: &mut Graph) {
    for n in &corpus.notes {
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
}

/// Reading order: depth first through sections, notes and subsections interleaved by order;
/// section titles; backlinks sorted by it.
fn reading_order(corpus: &Corpus, graph: &mut Graph) {
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
    graph.position = vec![0; corpus.notes.len()];
    for (pos, id) in graph.order.iter().enumerate() {
        graph.position[*id] = pos;
    }
    let position = &graph.position;
    for b in &mut graph.backlinks {
        b.sort_by_key(|x| position[x.from]);
    }
}

/// Tag pages: each tag (and each parent of a nested tag) with its notes in reading order.
fn collect_tags(graph: &mut Graph) {
    for &id in &graph.order {
        for t in &graph.note_tags[id] {
            for name in tag_names(t) {
                let slug = tag_slug(name);
                let tag = graph.tags.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.to_string(),
                    slug,
                    notes: Vec::new(),
                });
                // Each note comes once in the reading order, so a note already listed under
                // this tag is the last one listed (a tag of thousands of notes is not searched).
                if tag.notes.last() != Some(&id) {
                    tag.notes.push(id);
                }
            }
        }
    }
}

/// Orphans: notes nothing links to or embeds and that link nowhere (sections and home are
/// exempt). A warning.
fn orphans(corpus: &Corpus, parsed: &[Parsed], graph: &Graph, diags: &mut Vec<Diagnostic>) {
    let mut embedded = vec![false; corpus.notes.len()];
    for n in &corpus.notes {
        for (l, r) in parsed[n.id].links.iter().zip(&graph.resolved[n.id]) {
            if let Resolved::Note { note, .. } = r
                && *note != n.id
                && l.kind == LinkKind::Embed
            {
                embedded[*note] = true;
            }
        }
    }
    for n in &corpus.notes {
        if n.is_index || embedded[n.id] {
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
                        "`{}` is an orphan: no note links to it or embeds it, and it links to none",
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
}

/// The name tables links are resolved against (titles, aliases, file names, paths, assets,
/// folders) and the tags (a tag link's target), kept by `serve` between edits that change no
/// name and no tag (see [`resolve_note`]).
pub struct Lookups {
    names: Names,
    tags: BTreeSet<String>,
}

/// Builds the name tables of a linked site.
pub fn lookups(corpus: &Corpus, graph: &Graph) -> Lookups {
    Lookups {
        names: names::names(corpus, &graph.titles),
        tags: tag_slugs(&graph.note_tags),
    }
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
    let ctx = Ctx {
        corpus,
        parsed,
        names: &lookups.names,
        titles,
        tags: &lookups.tags,
        policy,
        suggestions_left: resolve::SUGGESTIONS.into(),
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

#[cfg(test)]
mod tests {
    use super::resolve::relative_link;
    use super::*;

    #[test]
    fn join_rel_resolves_dots() {
        assert_eq!(join_rel("a/b.md", "../c/d.md").as_deref(), Some("c/d.md"));
        assert_eq!(join_rel("a/b.md", "./x.md").as_deref(), Some("a/x.md"));
        assert_eq!(join_rel("b.md", "../x.md"), None);
        assert_eq!(join_rel("a/b.md", "/x/y.md").as_deref(), Some("x/y.md"));
    }

    #[test]
    fn relative_link_walks_up() {
        assert_eq!(relative_link("a/b.md", "c/d.md"), "../c/d.md");
        assert_eq!(relative_link("a/b.md", "a/d.md"), "d.md");
    }
}
