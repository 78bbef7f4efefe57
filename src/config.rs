//! `corem.toml` → [`Config`], and where a project's folders are ([`Project`]).
//!
//! Every key has a default, so a folder with only notes in it (an Obsidian vault, say) builds as is.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;
use crate::diagnostic::Diagnostic;

/// The name of the optional configuration file at the project root.
pub const CONFIG_FILE: &str = "corem.toml";

/// What to do with a link whose target cannot be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    /// Fail the build (the default: a published site never has a dead link).
    #[default]
    Error,
    /// Warn, and render the link text unlinked and marked (for imported vaults).
    Warn,
}

/// Syntax-highlighting themes (names from syntect's default theme set).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HighlightConfig {
    pub light: String,
    pub dark: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            light: "InspiredGitHub".into(),
            dark: "base16-ocean.dark".into(),
        }
    }
}

/// Search options.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Write `search-index.js` and the search page.
    pub enabled: bool,
    /// Index code blocks (at a low weight).
    pub index_code: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            index_code: true,
        }
    }
}

/// The print view (`print.html`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrintConfig {
    /// Most notes on one print page: a site with more gets one print page per top-level
    /// section (larger sections are cut into parts of this size), listed by `print.html`;
    /// 0 keeps every note on `print.html` whatever the size.
    pub max_notes: usize,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig { max_notes: 500 }
    }
}

/// Worked calculations: how many significant digits results show when a value does not say
/// (`# format: sig=N` on a value or a block wins).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalcConfig {
    /// Inline `` `= expr` `` values in prose (default 3: "5.21 min").
    pub inline_digits: u8,
    /// Results in worked steps (default 6: "5.20833 min").
    pub digits: u8,
}

impl Default for CalcConfig {
    fn default() -> Self {
        CalcConfig {
            inline_digits: crate::calc::format::DEFAULT_INLINE_SIG,
            digits: crate::calc::format::DEFAULT_SIG,
        }
    }
}

impl CalcConfig {
    /// The formats of prose values and worked steps.
    pub fn formats(&self) -> crate::calc::Formats {
        crate::calc::Formats {
            inline: crate::calc::FormatSpec::inline(self.inline_digits),
            steps: crate::calc::FormatSpec::steps(self.digits),
        }
    }
}

/// Knowledge navigation: link previews, the local graph of each note and `graph.html`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NavigationConfig {
    /// Show a preview of the target when an internal link is hovered or focused (writes one
    /// small script per note under `_preview/`, loaded on demand).
    pub previews: bool,
    /// Draw each note's neighbourhood (links out and in) as an SVG under its content.
    pub local_graph: bool,
    /// How far the local graph reaches: 1 (links out and in) or 2 (also their neighbours).
    pub local_graph_depth: u8,
    /// Write `graph.html`, every note and link of the site laid out at build time.
    pub graph_page: bool,
}

impl Default for NavigationConfig {
    fn default() -> Self {
        NavigationConfig {
            previews: true,
            local_graph: true,
            local_graph_depth: 1,
            graph_page: true,
        }
    }
}

/// `[footer]`: links added to every page's footer, after corem's own.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FooterConfig {
    /// `[[footer.links]]` entries, in order.
    pub links: Vec<FooterLink>,
}

/// One `[[footer.links]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FooterLink {
    pub text: String,
    /// A web address, always shown; or a path (`guide/`, `../`) to a site published beside this
    /// one, resolved against `base_url` and shown only when there is one, so that a local build
    /// never links to a neighbour it does not have.
    pub url: String,
}

impl Config {
    /// The footer links to show, as (text, address): web addresses as written, paths resolved
    /// against `base_url`, and without a `base_url` no path at all.
    pub fn footer_links(&self) -> Vec<(String, String)> {
        self.footer
            .links
            .iter()
            .filter_map(|l| {
                let url = if is_web_address(&l.url) {
                    l.url.clone()
                } else {
                    beside(&self.base_url, &l.url)?
                };
                Some((l.text.clone(), url))
            })
            .collect()
    }
}

fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `path` resolved against the site address `base` (`https://host/a` + `../b/` =
/// `https://host/b/`); `None` when `base` is empty or the path climbs above the host.
fn beside(base: &str, path: &str) -> Option<String> {
    let base = base.trim_end_matches('/');
    let host_end = base.find("://")? + 3;
    let (origin, rest) = base.split_at(
        base[host_end..]
            .find('/')
            .map_or(base.len(), |i| host_end + i),
    );
    let mut segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let parts: Vec<&str> = path.split('/').collect();
    let folder = matches!(parts.last(), Some(&"" | &"." | &".."));
    for part in parts {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            p => segments.push(p),
        }
    }
    let mut url = format!("{origin}/{}", segments.join("/"));
    if folder && !url.ends_with('/') {
        url.push('/');
    }
    Some(url)
}

/// Refuses a footer link without text, or whose `url` is neither a web address nor a plain
/// relative path (a `javascript:` URL would run in every reader's browser).
fn check_footer(config: &Config) -> Result<(), Error> {
    for (k, link) in config.footer.links.iter().enumerate() {
        let which = format!("{CONFIG_FILE}: footer link {} (`{}`)", k + 1, link.url);
        if link.text.trim().is_empty() {
            return Err(Error::Config(format!("{which}: `text` is empty")));
        }
        if is_web_address(&link.url) {
            check_url("footer.links url", &link.url)?;
            continue;
        }
        let scheme = link.url.split('/').next().is_some_and(|p| p.contains(':'));
        let bad_char = link
            .url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "<>\"'`\\".contains(c));
        if link.url.is_empty() || link.url.starts_with('/') || scheme || bad_char {
            return Err(Error::Config(format!(
                "{which}: `url` must be a web address (https://…) or a path beside this site \
                 such as `guide/` or `../`"
            )));
        }
        if !config.base_url.is_empty() && beside(&config.base_url, &link.url).is_none() {
            return Err(Error::Config(format!(
                "{which}: the path climbs above `{}`",
                config.base_url
            )));
        }
    }
    Ok(())
}

/// The contents of `corem.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title; defaults to the project folder's name.
    pub title: Option<String>,
    pub description: String,
    /// Absolute URL the site is published at, used only where absolute URLs are required.
    pub base_url: String,
    pub language: String,
    pub author: String,
    /// Repository URL for "edit this page" links (e.g. `https://github.com/me/notes`).
    pub repo_url: String,
    /// Branch used in "edit this page" links.
    pub repo_branch: String,
    /// Notes folder, relative to the project root.
    pub notes_dir: Option<PathBuf>,
    /// Output folder, relative to the project root.
    pub output_dir: PathBuf,
    pub highlight: HighlightConfig,
    pub search: SearchConfig,
    pub print: PrintConfig,
    pub calc: CalcConfig,
    pub broken_links: BrokenLinks,
    pub navigation: NavigationConfig,
    pub footer: FooterConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: None,
            description: String::new(),
            base_url: String::new(),
            language: "en".into(),
            author: String::new(),
            repo_url: String::new(),
            repo_branch: "main".into(),
            notes_dir: None,
            output_dir: PathBuf::from("public"),
            highlight: HighlightConfig::default(),
            search: SearchConfig::default(),
            print: PrintConfig::default(),
            calc: CalcConfig::default(),
            broken_links: BrokenLinks::Error,
            navigation: NavigationConfig::default(),
            footer: FooterConfig::default(),
        }
    }
}

/// A project on disk: its configuration and resolved folders.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// The folder whose Markdown files are the notes.
    pub notes_dir: PathBuf,
    pub output_dir: PathBuf,
    /// The project's own theme overrides (may not exist).
    pub templates_dir: PathBuf,
    pub static_dir: PathBuf,
    /// Present when the notes folder is the project root itself (an Obsidian vault).
    pub vault_mode: bool,
    pub config_file: Option<PathBuf>,
}

/// Command-line settings that override `corem.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Absolute, or relative to the project root.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
}

impl Project {
    /// Opens the project at `dir`: reads `corem.toml` if present and resolves the folders.
    pub fn open(dir: &Path, overrides: &Overrides) -> Result<Project, Error> {
        let root = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
        if !root.is_dir() {
            return Err(Error::Usage(format!("`{}` is not a folder", dir.display())));
        }
        let config_path = root.join(CONFIG_FILE);
        let (mut config, config_file) = if config_path.is_file() {
            let text =
                std::fs::read_to_string(&config_path).map_err(|e| Error::io(&config_path, e))?;
            (parse_config(&config_path, &text)?, Some(config_path))
        } else {
            (Config::default(), None)
        };
        if let Some(out) = &overrides.output_dir {
            config.output_dir = out.clone();
        }
        if let Some(url) = &overrides.base_url {
            config.base_url = url.clone();
        }
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        for (key, url) in [
            ("base_url", &config.base_url),
            ("repo_url", &config.repo_url),
        ] {
            check_url(key, url)?;
        }
        check_footer(&config)?;
        for (key, n) in [
            ("inline_digits", config.calc.inline_digits),
            ("digits", config.calc.digits),
        ] {
            if !(1..=17).contains(&n) {
                return Err(Error::Config(format!(
                    "{CONFIG_FILE}: [calc] {key} = {n}: significant digits go from 1 to 17"
                )));
            }
        }
        if config.title.is_none() {
            config.title = root.file_name().map(|n| n.to_string_lossy().into_owned());
        }

        let (notes_dir, vault_mode) = match &config.notes_dir {
            Some(d) => (root.join(d), false),
            None if root.join("notes").is_dir() => (root.join("notes"), false),
            None => (root.clone(), true),
        };
        if !notes_dir.is_dir() {
            return Err(Error::Config(format!(
                "the notes folder `{}` does not exist (set `notes_dir` in {CONFIG_FILE})",
                notes_dir.display()
            )));
        }
        let notes_dir = notes_dir
            .canonicalize()
            .map_err(|e| Error::io(&notes_dir, e))?;
        // A relative `output_dir` in corem.toml is relative to the project root; the command
        // line makes `-o` absolute (relative to the current folder) before it gets here.
        let output_dir = normalize(&root.join(&config.output_dir));
        check_output_dir(&output_dir, &root, &notes_dir)?;
        Ok(Project {
            templates_dir: root.join("templates"),
            static_dir: root.join("static"),
            root,
            config,
            notes_dir,
            output_dir,
            vault_mode,
            config_file,
        })
    }

    /// The site title (always set after [`Project::open`]).
    pub fn title(&self) -> &str {
        self.config.title.as_deref().unwrap_or("Notes")
    }
}

/// A configuration error: located like a content diagnostic, but a usage problem (exit code 2).
fn config_error(d: Diagnostic) -> Error {
    Error::Config(
        d.render(false)
            .trim_start_matches("error: ")
            .trim_end()
            .to_string(),
    )
}

fn parse_config(path: &Path, text: &str) -> Result<Config, Error> {
    let config = toml::from_str::<Config>(text).map_err(|e| {
        let mut d = Diagnostic::error(path, format!("invalid {CONFIG_FILE}: {}", e.message().trim()));
        if let Some(span) = e.span() {
            d = d.at(text, span.start);
        }
        config_error(d.with_help(
            "keys: title, description, base_url, language, author, repo_url, repo_branch, \
             notes_dir, output_dir, broken_links, [highlight] light/dark, [search] enabled/index_code, \
             [calc] inline_digits/digits, \
             [navigation] previews/local_graph/local_graph_depth/graph_page, \
             [[footer.links]] text/url",
        ))
    })?;
    let depth = config.navigation.local_graph_depth;
    if !(1..=2).contains(&depth) {
        let at = text.find("local_graph_depth").unwrap_or(0);
        return Err(config_error(
            Diagnostic::error(
                path,
                format!("invalid {CONFIG_FILE}: local_graph_depth = {depth} is not 1 or 2"),
            )
            .at(text, at)
            .with_help("1 shows the links out and in; 2 also shows their neighbours"),
        ));
    }
    Ok(config)
}

/// `base_url` and `repo_url` end up in links and `<base>`: only web addresses are accepted
/// (a `javascript:` URL would run in every reader's browser).
fn check_url(key: &str, url: &str) -> Result<(), Error> {
    if url.is_empty() {
        return Ok(());
    }
    let lower = url.to_ascii_lowercase();
    let web = ["http://", "https://"]
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len());
    let bad_char = url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "<>\"'`".contains(c));
    if !web || bad_char {
        return Err(Error::Config(format!(
            "{CONFIG_FILE}: `{key}` must be a web address starting with http:// or https:// \
             (got `{}`)",
            url.chars().take(80).collect::<String>()
        )));
    }
    Ok(())
}

/// Removes `.` and `..` components without touching the file system (the folder may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Refuses an output folder that would overwrite the user's work.
fn check_output_dir(out: &Path, root: &Path, notes: &Path) -> Result<(), Error> {
    let real = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    for (what, protected) in [("the project folder", root), ("the notes folder", notes)] {
        if protected.starts_with(&real) {
            return Err(Error::Config(format!(
                "refusing to write the site into `{}`: it is, or contains, {what}; \
                 choose another output folder with -o or `output_dir`",
                out.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_default() {
        let c: Config = toml::from_str("").unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.broken_links, BrokenLinks::Error);
    }

    /// Issue 24 (13): a configuration error is located and exits 2 (a usage error), not 1.
    #[test]
    fn unknown_key_is_an_error_with_position() {
        let err = parse_config(Path::new("corem.toml"), "title = \"x\"\ntitel = \"y\"\n");
        match err {
            Err(Error::Config(m)) => {
                assert!(m.contains("corem.toml:2:1"), "{m}");
                assert!(m.contains("titel"), "{m}");
            }
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    /// Issue 24 (14): `javascript:` and other non-web URLs are refused.
    #[test]
    fn urls_must_be_web_addresses() {
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT://x",
            "data:text/html,x",
            "//evil.example",
            "ftp://x",
            "https://a b",
            "https://x\"onload=x",
        ] {
            assert!(check_url("base_url", bad).is_err(), "{bad}");
        }
        for good in ["", "https://me.github.io/notes", "http://localhost:4000"] {
            assert!(check_url("repo_url", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn navigation_is_on_by_default_and_depth_is_checked() {
        let c: Config = toml::from_str("").unwrap();
        assert!(c.navigation.previews && c.navigation.local_graph && c.navigation.graph_page);
        let c = parse_config(Path::new("corem.toml"), "[navigation]\npreviews = false\n").unwrap();
        assert!(!c.navigation.previews && c.navigation.local_graph);
        match parse_config(
            Path::new("corem.toml"),
            "[navigation]\nlocal_graph_depth = 3\n",
        ) {
            Err(Error::Config(m)) => {
                assert!(m.contains("corem.toml:2:1"), "{m}");
                assert!(m.contains("local_graph_depth"), "{m}");
            }
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn refuses_output_over_notes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("notes")).unwrap();
        let o = Overrides {
            output_dir: Some(PathBuf::from(".")),
            ..Default::default()
        };
        assert!(matches!(Project::open(&root, &o), Err(Error::Config(_))));
        let o = Overrides {
            output_dir: Some(PathBuf::from("notes")),
            ..Default::default()
        };
        assert!(matches!(Project::open(&root, &o), Err(Error::Config(_))));
        let o = Overrides::default();
        let p = Project::open(&root, &o).unwrap();
        assert_eq!(p.output_dir, root.join("public"));
        assert!(!p.vault_mode);
    }

    fn footer(toml: &str, base_url: &str) -> Result<Vec<(String, String)>, Error> {
        let mut c = parse_config(Path::new("corem.toml"), toml)?;
        c.base_url = base_url.to_string();
        check_footer(&c)?;
        Ok(c.footer_links())
    }

    /// A web address is always shown; a path is a site beside this one, shown only with a
    /// `base_url` (a local build has no neighbour to link to).
    #[test]
    fn footer_links_resolve_paths_against_base_url() {
        let toml = "[[footer.links]]\ntext = \"Guide\"\nurl = \"guide/\"\n\
                    [[footer.links]]\ntext = \"Home\"\nurl = \"../\"\n\
                    [[footer.links]]\ntext = \"Elsewhere\"\nurl = \"https://example.org/x\"\n";
        let pairs = |v: Vec<(String, String)>| {
            v.into_iter()
                .map(|(t, u)| format!("{t} {u}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(footer(toml, "https://me.github.io/corem/guide").unwrap()),
            [
                "Guide https://me.github.io/corem/guide/guide/",
                "Home https://me.github.io/corem/",
                "Elsewhere https://example.org/x",
            ]
        );
        assert_eq!(
            pairs(footer(toml, "").unwrap()),
            ["Elsewhere https://example.org/x"]
        );
        assert_eq!(
            beside("https://h.org", "a/./b.html"),
            Some("https://h.org/a/b.html".into())
        );
        assert_eq!(
            beside("https://h.org/x/", "."),
            Some("https://h.org/x/".into())
        );
        assert_eq!(beside("", "guide/"), None);
        assert!(footer("", "https://h.org").unwrap().is_empty());
    }

    #[test]
    fn footer_links_are_checked() {
        let link = |url: &str| format!("[[footer.links]]\ntext = \"x\"\nurl = \"{url}\"\n");
        for bad in [
            "javascript:alert(1)",
            "/abs",
            "",
            "a b",
            "data:x",
            "x\\\\y",
            "//evil.org",
        ] {
            assert!(
                matches!(footer(&link(bad), ""), Err(Error::Config(_))),
                "{bad}"
            );
        }
        // Above the domain, once the base is known.
        assert!(footer(&link("../../up/"), "https://h.org/a").is_err());
        assert!(footer(&link("../up/"), "https://h.org/a").is_ok());
        let empty = "[[footer.links]]\ntext = \" \"\nurl = \"guide/\"\n";
        assert!(matches!(footer(empty, ""), Err(Error::Config(m)) if m.contains("text")));
        assert!(matches!(
            parse_config(
                Path::new("corem.toml"),
                "[[footer.links]]\ntext = \"x\"\nhref = \"y\"\n"
            ),
            Err(Error::Config(_))
        ));
    }
}
