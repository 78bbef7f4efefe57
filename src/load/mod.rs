//! Load: walk the notes folder and split every note into front matter and body.
//!
//! Output is a [`Corpus`]: notes with their output paths and order, the section tree, and the
//! non-Markdown files (images…) that notes may reference. Nothing here parses Markdown.

pub mod frontmatter;
pub mod git;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use frontmatter::Meta;

use crate::config::Project;
use crate::diagnostic::Diagnostic;

/// Index of a note in [`Corpus::notes`].
pub type NoteId = usize;
/// Index of a section in [`Corpus::sections`].
pub type SectionId = usize;

/// One Markdown file.
#[derive(Debug, Clone)]
pub struct Note {
    /// Its index in [`Corpus::notes`].
    pub id: NoteId,
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Path relative to the notes folder, with `/` separators (`02-principles/03-cap.md`).
    pub rel: String,
    /// The whole file, with its hash.
    pub source: Source,
    /// Byte offset where the Markdown body starts in `source`.
    pub body_start: usize,
    /// Its front matter.
    pub meta: Meta,
    /// Output path relative to the site root (`principles/cap-theorem.html`).
    pub out_path: String,
    /// The section this note belongs to (for an index note, the section it introduces).
    pub section: SectionId,
    /// True for `index.md` / `_index.md`: the note is its section's page.
    pub is_index: bool,
    /// Title from the file name (prefix stripped), the last fallback.
    pub file_title: String,
    /// File name without prefix and extension, for wikilink matching (`cap-theorem`).
    pub stem: String,
    /// Sort key within the section.
    pub order: (i64, String),
}

/// A note's whole text and a 128-bit XXH3 hash of it, made together so that they always
/// agree. The hash stands for the text wherever a build compares notes: the build cache's key
/// of the note and its page's digest. A warm build of 10,000 notes hashed their 68 MB twice
/// before, with SHA-256 (the cache key) and SipHash (the page digest): 54 and 31 ms of CPU on
/// this machine, against 9 ms for XXH3 once. XXH3 is not a cryptographic hash, and need not be:
/// a wrong page would take two texts of the same note, both written by its author, with the
/// same hash; the cache file is signed (see `crate::cache`), so nobody else's entries are read.
#[derive(Debug, Clone, Default)]
pub struct Source {
    text: String,
    hash: u128,
}

impl Source {
    /// `text` and its hash.
    pub fn new(text: String) -> Source {
        let hash = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        Source { text, hash }
    }

    /// The hash of the text.
    pub fn hash(&self) -> u128 {
        self.hash
    }
}

impl std::ops::Deref for Source {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for Source {}

impl Note {
    /// The Markdown body (the file after its front matter).
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }
}

/// A folder of notes.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its index in [`Corpus::sections`].
    pub id: SectionId,
    /// The section holding it (`None` for the root).
    pub parent: Option<SectionId>,
    /// Folder relative to the notes folder (`02-principles`), `""` for the root.
    pub rel_dir: String,
    /// Output folder (`principles`), `""` for the root.
    pub out_dir: String,
    /// Title from the folder name, used when the section has no index note.
    pub dir_title: String,
    /// Its index note (`index.md` or `_index.md`), the section's page.
    pub index: Option<NoteId>,
    /// Notes (not the index) in reading order.
    pub notes: Vec<NoteId>,
    /// Child sections in reading order.
    pub children: Vec<SectionId>,
    /// Sort key among its siblings: weight of its index note, else folder prefix; then name.
    pub order: (i64, String),
}

impl Section {
    /// Output path of the section's page.
    pub fn out_path(&self) -> String {
        if self.out_dir.is_empty() {
            "index.html".into()
        } else {
            format!("{}/index.html", self.out_dir)
        }
    }
}

/// A non-Markdown file in the notes folder (image, PDF…), copied when a note references it.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// Relative to the notes folder, `/`-separated, as on disk.
    pub rel: String,
    /// Output path relative to the site root.
    pub out_path: String,
}

/// Everything loaded from the notes folder.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The published notes, in walk order (by relative path).
    pub notes: Vec<Note>,
    /// The folders holding notes; the root (the notes folder itself) first.
    pub sections: Vec<Section>,
    /// The other files.
    pub assets: Vec<Asset>,
    /// Assets by lower-cased relative path.
    pub asset_by_rel: HashMap<String, usize>,
    /// Notes left out of the site (`draft: true` without `--drafts`, `publish: false`): links
    /// to them show their text, unlinked, instead of failing as links to nothing.
    pub hidden: Vec<Hidden>,
}

/// A note that exists but is not published.
#[derive(Debug, Clone)]
pub struct Hidden {
    /// Relative path, as [`Note::rel`].
    pub rel: String,
    /// Its front matter title.
    pub title: Option<String>,
    /// Its front matter aliases.
    pub aliases: Vec<String>,
}

/// A read note file: path, relative path, source, body offset, front matter.
pub type LoadedFile = (PathBuf, String, Source, usize, Meta);

/// Options of the load stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Publish notes marked `draft: true` (`--drafts`).
    pub drafts: bool,
}

/// Walks the notes folder and loads every note. Problems are returned as diagnostics; a note
/// with bad front matter is still returned when possible, so later stages can report more.
///
/// With `cache_read`, the build cache's file being read on another thread (none for `--fresh`),
/// front matter parsed before is taken from the cache (`crate::cache::meta`): the read is
/// waited for once the notes are read, before the first look-up.
pub fn load(
    project: &Project,
    opts: LoadOptions,
    cache_read: Option<&mut crate::cache::Background>,
) -> (Corpus, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (md_files, other_files) = walk(project, &mut diags);
    // Read in parallel: this is I/O plus a little scanning per file.
    let read: Vec<Result<(PathBuf, String, String), Vec<Diagnostic>>> = md_files
        .into_par_iter()
        .map(|(path, rel)| read_text(path, rel))
        .collect();
    let cached = cache_read.map(crate::cache::Background::finish).is_some();
    // Each note stores its front matter and then its own entry (see `crate::cache::notes`).
    crate::cache::store().reserve(2 * read.len());
    let loaded: Vec<Result<LoadedFile, Vec<Diagnostic>>> = read
        .into_par_iter()
        .map(|r| r.and_then(|(path, rel, source)| with_front_matter(path, rel, source, cached)))
        .collect();
    let corpus = assemble(project, opts, loaded, other_files, &mut diags);
    (corpus, diags)
}

/// Reads one note file and splits its front matter (`load` does this for every note; `serve`
/// for the notes that changed), front matter parsed before taken from the build cache.
pub fn read_note(path: PathBuf, rel: String) -> Result<LoadedFile, Vec<Diagnostic>> {
    let (path, rel, source) = read_text(path, rel)?;
    with_front_matter(path, rel, source, true)
}

/// A note file's text: UTF-8, with NUL replaced.
fn read_text(path: PathBuf, rel: String) -> Result<(PathBuf, String, String), Vec<Diagnostic>> {
    let bytes = std::fs::read(&path).map_err(|e| {
        vec![Diagnostic::error(
            &path,
            format!("cannot read the note: {e}"),
        )]
    })?;
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let off = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Err(vec![
                Diagnostic::error(&path, "the note is not valid UTF-8 text")
                    .at(&text, off)
                    .with_help("save the file as UTF-8"),
            ]);
        }
    };
    // CommonMark: U+0000 is replaced by U+FFFD, so no NUL byte ever reaches a page (or the
    // front matter, or a diagnostic).
    let source = if source.contains('\0') {
        source.replace('\0', "\u{fffd}")
    } else {
        source
    };
    Ok((path, rel, source))
}

/// A read note with its front matter split off and parsed: looked up in the build cache first
/// when `cached`, and stored there when it parses without a problem.
fn with_front_matter(
    path: PathBuf,
    rel: String,
    source: String,
    cached: bool,
) -> Result<LoadedFile, Vec<Diagnostic>> {
    let split = frontmatter::split(&source, &path).map_err(|d| vec![d])?;
    let meta = match split.matter {
        Some((fmt, text, off)) => {
            let key = crate::cache::meta::key(fmt, text);
            match cached.then(|| crate::cache::meta::get(&key)).flatten() {
                Some(meta) => meta,
                None => {
                    let meta = frontmatter::parse(fmt, text, off, &source, &path)?;
                    crate::cache::meta::put(key, &meta);
                    meta
                }
            }
        }
        None => Meta::default(),
    };
    let body_start = split.body_start;
    Ok((path, rel, Source::new(source), body_start, meta))
}

/// Builds the corpus from read notes (in walk order) and the other files of the notes folder.
pub fn assemble(
    project: &Project,
    opts: LoadOptions,
    loaded: Vec<Result<LoadedFile, Vec<Diagnostic>>>,
    other_files: Files,
    diags: &mut Vec<Diagnostic>,
) -> Corpus {
    let mut corpus = Corpus::default();
    let mut section_by_dir: HashMap<String, SectionId> = HashMap::new();
    section_by_dir.insert(String::new(), 0);
    corpus.sections.push(Section {
        id: 0,
        parent: None,
        rel_dir: String::new(),
        out_dir: String::new(),
        dir_title: project.title().to_string(),
        index: None,
        notes: Vec::new(),
        children: Vec::new(),
        order: (0, String::new()),
    });
    for item in loaded {
        match item {
            Ok(file) => add_note(&mut corpus, &mut section_by_dir, opts, file, diags),
            Err(mut d) => diags.append(&mut d),
        }
    }
    order_sections(&mut corpus);
    add_assets(&mut corpus, other_files);
    corpus
}

/// Adds one read note to the corpus: to [`Corpus::hidden`] when it is not published, else to
/// its section (created with its parents as needed), as the section's index note or one of
/// its notes; a second index note in a folder is an error.
fn add_note(
    corpus: &mut Corpus,
    section_by_dir: &mut HashMap<String, SectionId>,
    opts: LoadOptions,
    (path, rel, source, body_start, meta): LoadedFile,
    diags: &mut Vec<Diagnostic>,
) {
    if (meta.draft && !opts.drafts) || !meta.publish {
        corpus.hidden.push(Hidden {
            rel,
            title: meta.title,
            aliases: meta.aliases,
        });
        return;
    }
    let (dir, file) = match rel.rsplit_once('/') {
        Some((d, f)) => (d.to_string(), f.to_string()),
        None => (String::new(), rel.clone()),
    };
    let section = ensure_section(corpus, section_by_dir, &dir);
    let stem_full = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(s, _)| s)
        .to_string();
    let (prefix, stem) = split_prefix(&stem_full);
    let is_index = matches!(stem.to_lowercase().as_str(), "index" | "_index");
    let slug = meta.slug.clone().unwrap_or_else(|| slugify(stem));
    let out_dir = &corpus.sections[section].out_dir;
    let out_path = if is_index {
        corpus.sections[section].out_path()
    } else if out_dir.is_empty() {
        format!("{slug}.html")
    } else {
        format!("{out_dir}/{slug}.html")
    };
    let id = corpus.notes.len();
    let order_num = meta.weight.or(prefix).unwrap_or(i64::MAX);
    corpus.notes.push(Note {
        id,
        file_title: humanize(stem),
        stem: stem.to_string(),
        order: (order_num, stem.to_lowercase()),
        path,
        rel,
        source,
        body_start,
        meta,
        out_path,
        section,
        is_index,
    });
    if !is_index {
        corpus.sections[section].notes.push(id);
    } else if let Some(prev) = corpus.sections[section].index {
        let other = &corpus.notes[prev];
        diags.push(
            Diagnostic::error(
                &corpus.notes[id].path,
                format!("the folder already has an index note `{}`", other.rel),
            )
            .with_help("keep one of `index.md` and `_index.md`"),
        );
    } else {
        corpus.sections[section].index = Some(id);
    }
}

/// Puts every section's notes and child sections in reading order. Sections take their order
/// from their own index note's weight, else the folder prefix.
fn order_sections(corpus: &mut Corpus) {
    for s in 0..corpus.sections.len() {
        if let Some(w) = corpus.sections[s]
            .index
            .and_then(|i| corpus.notes[i].meta.weight)
        {
            corpus.sections[s].order.0 = w;
        }
    }
    let notes = &corpus.notes;
    let orders: Vec<(i64, String)> = corpus.sections.iter().map(|s| s.order.clone()).collect();
    for s in &mut corpus.sections {
        s.notes.sort_by(|a, b| {
            (&notes[*a].order, &notes[*a].rel).cmp(&(&notes[*b].order, &notes[*b].rel))
        });
        s.children
            .sort_by(|a, b| (&orders[*a], a).cmp(&(&orders[*b], b)));
    }
}

/// Adds the other files of the notes folder as assets, with their output paths.
fn add_assets(corpus: &mut Corpus, other_files: Files) {
    for (path, rel) in other_files {
        let out_path = out_path_for_asset(&rel);
        corpus
            .asset_by_rel
            .insert(rel.to_lowercase(), corpus.assets.len());
        corpus.assets.push(Asset {
            path,
            rel,
            out_path,
        });
    }
}

/// Finds or creates the section for a folder (and its parents).
fn ensure_section(
    corpus: &mut Corpus,
    by_dir: &mut HashMap<String, SectionId>,
    dir: &str,
) -> SectionId {
    if let Some(&id) = by_dir.get(dir) {
        return id;
    }
    let (parent_dir, name) = match dir.rsplit_once('/') {
        Some((p, n)) => (p, n),
        None => ("", dir),
    };
    let parent = ensure_section(corpus, by_dir, parent_dir);
    let (prefix, stem) = split_prefix(name);
    let seg = slugify(stem);
    let parent_out = &corpus.sections[parent].out_dir;
    let out_dir = if parent_out.is_empty() {
        seg
    } else {
        format!("{parent_out}/{seg}")
    };
    let id = corpus.sections.len();
    corpus.sections.push(Section {
        id,
        parent: Some(parent),
        rel_dir: dir.to_string(),
        out_dir,
        dir_title: humanize(stem),
        index: None,
        notes: Vec::new(),
        children: Vec::new(),
        order: (prefix.unwrap_or(i64::MAX), stem.to_lowercase()),
    });
    corpus.sections[parent].children.push(id);
    by_dir.insert(dir.to_string(), id);
    id
}

/// Output path of an asset: its folders lose their `NN-` prefixes like sections do.
fn out_path_for_asset(rel: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let segs: Vec<&str> = rel.split('/').collect();
    for (i, seg) in segs.iter().enumerate() {
        if i + 1 == segs.len() {
            parts.push((*seg).to_string());
        } else {
            parts.push(slugify(split_prefix(seg).1));
        }
    }
    parts.join("/")
}

/// Files as (absolute path, path relative to the notes folder).
pub type Files = Vec<(PathBuf, String)>;

/// Lists Markdown files and other files under the notes folder, sorted by relative path.
pub fn walk(project: &Project, diags: &mut Vec<Diagnostic>) -> (Files, Files) {
    let root = &project.notes_dir;
    let mut md = Vec::new();
    let mut other = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| is_walked(project, e));
    warn_output_inside_notes(project, diags);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(unreadable_entry(&e, root));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path().to_path_buf();
        if entry.path_is_symlink() {
            // Links may point anywhere inside the notes folder, never outside it.
            match path.canonicalize() {
                Ok(real) if real.starts_with(root) => {}
                _ => {
                    diags.push(
                        Diagnostic::warning(
                            &path,
                            "skipped a symbolic link that points outside the notes folder",
                        )
                        .with_help("copy the file into the notes folder instead"),
                    );
                    continue;
                }
            }
        }
        let Ok(rel_path) = path.strip_prefix(root) else {
            continue;
        };
        let rel = rel_path.to_string_lossy().replace('\\', "/");
        let is_md = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        if is_md {
            md.push((path, rel));
        } else if !project.vault_mode || rel.contains('/') || is_asset_ext(&rel) {
            other.push((path, rel));
        }
    }
    (md, other)
}

/// Whether the walk goes into (or lists) this entry: not hidden, backup or output files, not
/// a linked folder leading out of the notes folder, not the configuration, and in a vault not
/// the top-level folders of a project's theme and tools.
fn is_walked(project: &Project, e: &walkdir::DirEntry) -> bool {
    let root = &project.notes_dir;
    let out = &project.output_dir;
    let skip_names: &[&str] = if project.vault_mode {
        &["templates", "static", "node_modules", "target"]
    } else {
        &[]
    };
    if e.depth() == 0 {
        return true;
    }
    let name = e.file_name().to_string_lossy();
    if name.starts_with('.') || name.starts_with('~') || name.ends_with('~') {
        return false;
    }
    if e.path() == out.as_path() || e.path().starts_with(out) {
        return false;
    }
    // A linked folder must stay inside the notes folder (linked files are checked, with a
    // warning, in `walk`).
    if e.path_is_symlink()
        && e.file_type().is_dir()
        && !e.path().canonicalize().is_ok_and(|r| r.starts_with(root))
    {
        return false;
    }
    if e.depth() == 1 && e.file_type().is_dir() && skip_names.contains(&name.as_ref()) {
        return false;
    }
    if e.depth() == 1 && name == crate::config::CONFIG_FILE {
        return false;
    }
    true
}

/// Warns when the output folder is inside the notes folder and holds files corem did not
/// write: they are not read as notes.
fn warn_output_inside_notes(project: &Project, diags: &mut Vec<Diagnostic>) {
    let (root, out) = (&project.notes_dir, &project.output_dir);
    if out.starts_with(root)
        && out.is_dir()
        && !out.join(crate::output::SITE_MARKER).is_file()
        && std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some())
    {
        diags.push(
            Diagnostic::warning(
                out,
                "this folder is not read as notes: it is where the site is written (the output folder)",
            )
            .with_help("give another output folder with -o or `output_dir` to publish its notes"),
        );
    }
}

/// The warning for an entry the walk could not read: a link loop, a dangling link, or
/// anything else unreadable (usually permissions).
fn unreadable_entry(e: &walkdir::Error, root: &Path) -> Diagnostic {
    let path = e
        .path()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf());
    let dangling = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink())
        && std::fs::metadata(&path).is_err();
    let (what, help) = if e.loop_ancestor().is_some() {
        (
            "a symbolic link that loops back to a folder containing it",
            "remove the link, or point it somewhere else",
        )
    } else if dangling {
        (
            "a symbolic link whose target does not exist",
            "remove the link or restore its target",
        )
    } else {
        (
            "a file or folder that cannot be read",
            "check its permissions",
        )
    };
    Diagnostic::warning(&path, format!("skipped {what}")).with_help(help)
}

fn is_asset_ext(rel: &str) -> bool {
    let ext = rel
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "png"
            | "jpg"
            | "jpeg"
            | "gif"
            | "svg"
            | "webp"
            | "avif"
            | "pdf"
            | "mp4"
            | "webm"
            | "mp3"
            | "bmp"
            | "ogv"
            | "mov"
            | "m4v"
            | "wav"
            | "m4a"
            | "ogg"
            | "flac"
            | "opus"
    )
}

/// Splits an `NN-` ordering prefix off a file or folder name: `03-cap-theorem` → (3, `cap-theorem`).
pub fn split_prefix(name: &str) -> (Option<i64>, &str) {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return (None, name);
    }
    let rest = &name[digits..];
    let sep = rest.chars().next();
    match sep {
        Some('-' | '_' | '.' | ' ') if rest.len() > 1 => {
            let n = name[..digits].parse().ok();
            (n, rest[1..].trim_start())
        }
        _ => (None, name),
    }
}

/// A URL-safe name: lower case, words joined by `-`; letters of any script are kept.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    let out = out.trim_matches('.').to_string();
    if out.is_empty() { "note".into() } else { out }
}

/// A readable title from a file name: `cap-theorem` → `Cap theorem`; names with spaces are kept.
pub fn humanize(stem: &str) -> String {
    if stem.contains(' ') || stem.chars().any(char::is_uppercase) {
        return stem.to_string();
    }
    let spaced = stem.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_split() {
        assert_eq!(split_prefix("03-cap-theorem"), (Some(3), "cap-theorem"));
        assert_eq!(split_prefix("10_x"), (Some(10), "x"));
        assert_eq!(split_prefix("2024"), (None, "2024"));
        assert_eq!(split_prefix("3d-printing"), (None, "3d-printing"));
        assert_eq!(split_prefix("cap"), (None, "cap"));
    }

    #[test]
    fn slugs_keep_unicode_letters() {
        assert_eq!(slugify("My Note (draft)"), "my-note-draft");
        assert_eq!(slugify("Café crème"), "café-crème");
        assert_eq!(slugify("日本語 ノート"), "日本語-ノート");
        assert_eq!(slugify("!!!"), "note");
    }

    #[test]
    fn humanize_only_plain_names() {
        assert_eq!(humanize("cap-theorem"), "Cap theorem");
        assert_eq!(humanize("CAP theorem"), "CAP theorem");
    }
}
