//! Every file of the site has exactly one owner. Two notes, folders or generated pages that
//! would write the same output path (folders `Sec A/` and `sec-a/`, a note named `search.md`
//! and the search page, an image named `style.css` and the theme's stylesheet) are an error
//! naming both, instead of one silently replacing the other. (A note `tags/foo.md` is not one
//! of them: it stands in for the tag page `foo`, see `render::TagListing`.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::render::{PageKind, Site};
use crate::theme::Theme;

/// Who writes an output path.
#[derive(Debug, Clone)]
struct Owner {
    /// Readable description ("the note `notes/search.md`").
    what: String,
    /// A file to point the diagnostic at (a note, a folder, the project), when there is one.
    file: Option<PathBuf>,
}

/// Output paths written by every build besides pages, notes' files and theme files.
const GENERATED: [(&str, &str); 6] = [
    ("highlight.css", "the code-highlighting stylesheet"),
    (".nojekyll", "the GitHub Pages marker"),
    (super::SITE_MARKER, "corem's site marker"),
    ("sitemap.xml", "the sitemap"),
    ("robots.txt", "robots.txt"),
    ("search-index.js", "the search index"),
];

/// Who claimed an output path, cheap to keep for every file of the site: the [`Owner`] (with
/// its description) is made only for a path claimed twice.
#[derive(Clone, Copy)]
enum Claim<'a> {
    Page(&'a PageKind),
    Theme(&'a str),
    Generated(&'static str),
    Asset(usize),
}

impl Claim<'_> {
    fn owner(&self, site: &Site) -> Owner {
        match *self {
            Claim::Page(kind) => page_owner(site, kind),
            Claim::Theme(rel) => Owner {
                what: format!("the theme file `static/{rel}`"),
                file: None,
            },
            Claim::Generated(what) => Owner {
                what: what.to_string(),
                file: None,
            },
            Claim::Asset(i) => {
                let asset = &site.corpus.assets[i];
                Owner {
                    what: format!("the file `{}`", asset.rel),
                    file: Some(asset.path.clone()),
                }
            }
        }
    }
}

/// Diagnostics for every output path claimed twice (and for file names too long to write).
pub fn collisions(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let pages = crate::render::pages(site);
    let mut owners: HashMap<String, Claim> = HashMap::with_capacity(pages.len());
    let mut out = Vec::new();
    let mut claim = |path: &str, claim, out: &mut Vec<Diagnostic>| {
        // Case-insensitive file systems (macOS, Windows) merge names that differ in case.
        let key = path.to_lowercase();
        match owners.get(&key) {
            Some(first) => out.push(collision(
                path,
                &first.owner(site),
                &Claim::owner(&claim, site),
            )),
            None => {
                owners.insert(key, claim);
            }
        }
    };
    for page in &pages {
        if let Some(d) = too_long(&page.out_path, || page_owner(site, &page.kind)) {
            out.push(d);
        }
        claim(&page.out_path, Claim::Page(&page.kind), &mut out);
    }
    for rel in theme.static_files.keys() {
        claim(rel, Claim::Theme(rel), &mut out);
    }
    for (path, what) in GENERATED {
        claim(path, Claim::Generated(what), &mut out);
    }
    for &i in &site.graph.used_assets {
        let asset = &site.corpus.assets[i];
        if is_search_shard(&asset.out_path) {
            out.push(collision(
                &asset.out_path,
                &Owner {
                    what: "the search index".into(),
                    file: None,
                },
                &Claim::Asset(i).owner(site),
            ));
            continue;
        }
        claim(&asset.out_path, Claim::Asset(i), &mut out);
    }
    out
}

/// `search-index-p3.js` and the like: shards of the search index.
fn is_search_shard(path: &str) -> bool {
    path.strip_prefix("search-index")
        .and_then(|r| r.strip_suffix(".js"))
        .is_some_and(|r| r.is_empty() || r.starts_with('-'))
}

fn page_owner(site: &Site, kind: &PageKind) -> Owner {
    let corpus = site.corpus;
    match kind {
        PageKind::Note(n) => {
            let note = &corpus.notes[*n];
            let slug = note.meta.slug.is_some();
            Owner {
                what: format!(
                    "the note `{}`{}",
                    note.rel,
                    if slug { " (its `slug`)" } else { "" }
                ),
                file: Some(note.path.clone()),
            }
        }
        PageKind::Section(s) => {
            let sec = &corpus.sections[*s];
            Owner {
                what: format!("the page of the folder `{}`", sec.rel_dir),
                file: Some(site.project.notes_dir.join(&sec.rel_dir)),
            }
        }
        PageKind::Home => Owner {
            what: "the home page".into(),
            file: None,
        },
        PageKind::Tags => Owner {
            what: "the list of tags".into(),
            file: None,
        },
        PageKind::Tag(slug) => Owner {
            what: format!("the page of the tag `{slug}`"),
            file: None,
        },
        PageKind::Search => Owner {
            what: "the search page".into(),
            file: None,
        },
        PageKind::Print => Owner {
            what: "the print page".into(),
            file: None,
        },
        PageKind::PrintPart(i) => Owner {
            what: match site.print_parts().parts.get(*i) {
                Some(p) => format!("the print page of `{}`", p.title),
                None => "a print page".into(),
            },
            file: None,
        },
        PageKind::NotFound => Owner {
            what: "the 404 page".into(),
            file: None,
        },
        PageKind::Graph => Owner {
            what: "the graph of all notes".into(),
            file: None,
        },
    }
}

fn collision(path: &str, first: &Owner, second: &Owner) -> Diagnostic {
    // Point at a file the user can change: the later owner's, else the earlier one's.
    let (at, this, other) = match (&second.file, &first.file) {
        (Some(f), _) => (f.clone(), second, first),
        (None, Some(f)) => (f.clone(), first, second),
        (None, None) => (PathBuf::from("."), second, first),
    };
    Diagnostic::error(
        &at,
        format!(
            "{} and {} would both be written to `{path}`",
            this.what, other.what
        ),
    )
    .with_help(
        "rename the note or folder, or give the note another `slug:` in its front matter; \
         every file of the site must have one owner",
    )
}

/// File names longer than most file systems allow (255 bytes).
fn too_long(path: &str, owner: impl FnOnce() -> Owner) -> Option<Diagnostic> {
    let long = path.split('/').find(|part| part.len() > 255)?;
    let owner = owner();
    let file = owner.file.clone().unwrap_or_else(|| Path::new(".").into());
    Some(
        Diagnostic::error(
            file,
            format!(
                "{} would be written as a file name of {} bytes (`{}…`); file systems allow 255",
                owner.what,
                long.len(),
                long.chars().take(40).collect::<String>()
            ),
        )
        .with_help("give the note a shorter `slug:` in its front matter, or rename the file"),
    )
}
