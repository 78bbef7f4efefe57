//! Syntax highlighting with syntect, at build time. Each token is coloured by the site's two
//! themes (`[highlight] light` and `dark`) as syntect's highlighter resolves its scopes, and
//! carries one class naming both colours: `h<light>-<dark>`, each part a colour in hex (already
//! adjusted to reach WCAG AA contrast on the code background) and `b`, `i`, `u` for bold, italic
//! and underline, or empty where that theme leaves the token in the default colour. Text both
//! themes leave plain gets no span, and spaces join the span before them. `highlight.css` is made
//! from the classes the pages use ([`used_classes`], [`css_for_classes`]): one stylesheet serves
//! light and dark mode, and pages carry no inline colours.
//!
//! A class per token instead of syntect's nested scope spans keeps code small: a 77-byte Python
//! snippet was 1,901 bytes of nested `<span class="hl-meta hl-statement hl-import hl-python">`
//! (418 now), and every page, print page and link preview carries its code. The scope CSS was
//! also wrong in dark mode wherever a light rule had no dark counterpart.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;
use syntect::highlighting::{Color, FontStyle, Highlighter, Style, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::markdown::escape_html;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// Names of the available highlighting themes.
pub fn theme_names() -> Vec<String> {
    themes().themes.keys().cloned().collect()
}

/// The default light and dark themes (`[highlight]` unset).
pub const DEFAULT_LIGHT: &str = "InspiredGitHub";
pub const DEFAULT_DARK: &str = "base16-ocean.dark";

/// The light and dark themes code is coloured with, made once per process and pair.
pub struct Themes {
    pub(crate) light_name: String,
    pub(crate) dark_name: String,
    light: Highlighter<'static>,
    dark: Highlighter<'static>,
}

impl Themes {
    /// The pair named; a name syntect does not know falls back to the default theme of its mode
    /// (the build reports the name as an error, see [`header`]).
    pub fn get(light: &str, dark: &str) -> &'static Themes {
        static MADE: OnceLock<Mutex<Vec<&'static Themes>>> = OnceLock::new();
        let made = MADE.get_or_init(|| Mutex::new(Vec::new()));
        let mut made = match made.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let all = &themes().themes;
        let light = if all.contains_key(light) {
            light
        } else {
            DEFAULT_LIGHT
        };
        let dark = if all.contains_key(dark) {
            dark
        } else {
            DEFAULT_DARK
        };
        if let Some(t) = made
            .iter()
            .find(|t| t.light_name == light && t.dark_name == dark)
        {
            return t;
        }
        // Both names are keys of the default set (checked above, or the defaults).
        let t: &'static Themes = Box::leak(Box::new(Themes {
            light_name: light.to_string(),
            dark_name: dark.to_string(),
            light: Highlighter::new(&all[light]),
            dark: Highlighter::new(&all[dark]),
        }));
        made.push(t);
        t
    }

    /// The default pair.
    pub fn default_pair() -> &'static Themes {
        Themes::get(DEFAULT_LIGHT, DEFAULT_DARK)
    }
}

impl std::fmt::Debug for Themes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Themes({}, {})", self.light_name, self.dark_name)
    }
}

/// The inner HTML of `<code>` for `code` in language `lang`, coloured by `themes` (plain
/// escaped text when the language is unknown).
pub fn highlight(code: &str, lang: &str, themes: &'static Themes) -> String {
    if lang.is_empty() || matches!(lang, "text" | "plain" | "txt" | "plaintext") {
        return escape_html(code);
    }
    let set = syntaxes();
    let Some(syntax) = set
        .find_syntax_by_token(lang)
        .or_else(|| alias(lang).and_then(|l| set.find_syntax_by_token(l)))
    else {
        return escape_html(code);
    };
    // Highlighting is the costliest step of most builds, and its result depends only on the
    // themes, the syntax and the code: kept in the build cache.
    let store = crate::cache::store();
    let key = crate::cache::key(
        "highlight-themed",
        &[
            themes.light_name.as_bytes(),
            themes.dark_name.as_bytes(),
            syntax.name.as_bytes(),
            code.as_bytes(),
        ],
    );
    if let Some(html) = store
        .get(&key)
        .and_then(|v| std::str::from_utf8(&v).ok().map(str::to_owned))
    {
        return html;
    }
    let Some(html) = colour(code, syntax, set, themes) else {
        return escape_html(code);
    };
    store.put(key, html.clone().into_bytes());
    html
}

/// A token's class (`None`: plain in both themes), shared by the runs that use it.
type Class = Option<Rc<str>>;

thread_local! {
    /// Per pair of themes (by address: they live as long as the process), the class of each
    /// scope stack seen on this thread. Resolving a stack against a theme walks all its rules;
    /// the stacks of one language repeat from block to block.
    static CLASSES: RefCell<FxHashMap<usize, FxHashMap<Vec<Scope>, Class>>> =
        RefCell::new(FxHashMap::default());
}

/// Runs syntect over `code` and writes each stretch of text under the class its scope stack
/// has in the two themes (`None` if syntect fails on a line).
fn colour(
    code: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
    themes: &'static Themes,
) -> Option<String> {
    let mut parse = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Spans::with_capacity(code.len() * 2);
    CLASSES.with_borrow_mut(|all| {
        let classes = all.entry(std::ptr::from_ref(themes) as usize).or_default();
        let mut class = |stack: &ScopeStack| -> Class {
            if let Some(c) = classes.get(stack.as_slice()) {
                return c.clone();
            }
            let c: Class = themes.class_of(stack.as_slice()).map(Rc::from);
            classes.insert(stack.as_slice().to_vec(), c.clone());
            c
        };
        for line in LinesWithEndings::from(code) {
            let ops = parse.parse_line(line, set).ok()?;
            let mut pos = 0;
            for (at, op) in &ops {
                let at = (*at).min(line.len());
                if at > pos {
                    out.push(&line[pos..at], class(&stack));
                    pos = at;
                }
                stack.apply(op).ok()?;
            }
            if pos < line.len() {
                out.push(&line[pos..], class(&stack));
            }
        }
        Some(())
    })?;
    Some(out.finish())
}

/// Highlighted HTML being written: the span open now, so runs of one class share it.
struct Spans {
    html: String,
    open: Class,
}

impl Spans {
    fn with_capacity(n: usize) -> Self {
        Spans {
            html: String::with_capacity(n),
            open: None,
        }
    }

    fn push(&mut self, text: &str, class: Class) {
        let blank = text.bytes().all(|b| b.is_ascii_whitespace());
        let underlined = |c: &str| c.contains('u');
        let joins = match (&self.open, &class) {
            (Some(open), Some(c)) => open == c || (blank && !underlined(open) && !underlined(c)),
            (Some(open), None) => blank && !underlined(open),
            (None, None) => true,
            (None, Some(c)) => blank && !underlined(c),
        };
        if !joins {
            if self.open.take().is_some() {
                self.html.push_str("</span>");
            }
            if let Some(c) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(&c);
                self.html.push_str("\">");
                self.open = Some(c);
            }
        }
        crate::markdown::push_escaped_html(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

impl Themes {
    /// The class of text under the scope `stack` (`None` when both themes leave it plain).
    fn class_of(&self, stack: &[Scope]) -> Option<String> {
        let l = part(
            self.light.style_for_stack(stack),
            self.light.get_default().foreground,
            CODE_BG_LIGHT,
        );
        let d = part(
            self.dark.style_for_stack(stack),
            self.dark.get_default().foreground,
            CODE_BG_DARK,
        );
        (!l.is_empty() || !d.is_empty()).then(|| format!("h{l}-{d}"))
    }
}

/// One theme's part of a class: the colour readable on `bg` and the font style, or empty for
/// plain text.
fn part(s: Style, default: Color, bg: [u8; 3]) -> String {
    if s.foreground == default && s.font_style.is_empty() {
        return String::new();
    }
    let fg = s.foreground;
    let c = with_contrast([fg.r, fg.g, fg.b], bg);
    let mut out = to_hex(c);
    for (flag, ch) in [
        (FontStyle::BOLD, 'b'),
        (FontStyle::ITALIC, 'i'),
        (FontStyle::UNDERLINE, 'u'),
    ] {
        if s.font_style.contains(flag) {
            out.push(ch);
        }
    }
    out
}

/// Common names syntect's default set does not know under that token.
fn alias(lang: &str) -> Option<&'static str> {
    Some(match lang {
        "shell" | "console" | "zsh" => "bash",
        "toml" | "ini" | "conf" => "ini",
        "jsonc" | "json5" => "json",
        "ts" | "typescript" | "tsx" | "jsx" => "js",
        "dockerfile" => "bash",
        "yml" => "yaml",
        "proto" | "protobuf" | "graphql" | "gql" => "c",
        _ => return None,
    })
}

/// The default theme's code background in light and dark mode (`--code-bg` in `style.css`):
/// token colours are adjusted to be readable on these.
pub const CODE_BG_LIGHT: [u8; 3] = [0xf4, 0xf6, 0xf8];
pub const CODE_BG_DARK: [u8; 3] = [0x16, 0x1b, 0x22];
/// WCAG AA asks 4.5:1 for normal text; a little margin for rounding.
const MIN_CONTRAST: f64 = 4.6;

/// The first line of `highlight.css` for the themes named, or an error naming the available
/// themes. The rules follow from the classes the site's code uses ([`css_for_classes`]).
pub fn header(light: &str, dark: &str) -> Result<String, String> {
    for name in [light, dark] {
        if !themes().themes.contains_key(name) {
            return Err(format!(
                "no highlight theme `{name}`; available: {}",
                theme_names().join(", ")
            ));
        }
    }
    Ok(format!(
        "/* Syntax colours: {light} (light), {dark} (dark). Generated by corem. */\n"
    ))
}

/// One theme's part of a class, read back: colour and font style.
struct Part {
    colour: String,
    bold: bool,
    italic: bool,
    underline: bool,
}

fn parse_part(p: &str) -> Option<Option<Part>> {
    if p.is_empty() {
        return Some(None);
    }
    let (hex, flags) = p.split_at_checked(6)?;
    if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        || !flags.bytes().all(|b| matches!(b, b'b' | b'i' | b'u'))
    {
        return None;
    }
    Some(Some(Part {
        colour: hex.to_string(),
        bold: flags.contains('b'),
        italic: flags.contains('i'),
        underline: flags.contains('u'),
    }))
}

/// The light and dark parts of a highlighting class (`None` for any other class).
fn parse_class(class: &str) -> Option<(Option<Part>, Option<Part>)> {
    let (l, d) = class.strip_prefix('h')?.split_once('-')?;
    let (l, d) = (parse_part(l)?, parse_part(d)?);
    (l.is_some() || d.is_some()).then_some((l, d))
}

/// CSS declarations of one part, `over` the part a rule before it set (light mode's, under
/// the dark rules): what `over` set and this part does not is reset to the code's own style.
fn declarations(p: Option<&Part>, over: Option<&Part>) -> String {
    let colour = p.map_or("inherit".to_string(), |p| format!("#{}", p.colour));
    let mut out = format!("color:{colour}");
    let flags =
        |p: Option<&Part>| p.map_or((false, false, false), |p| (p.bold, p.italic, p.underline));
    let (now, before) = (flags(p), flags(over));
    for (set, was, prop, value) in [
        (now.0, before.0, "font-weight", "bold"),
        (now.1, before.1, "font-style", "italic"),
        (now.2, before.2, "text-decoration", "underline"),
    ] {
        if set {
            out.push_str(&format!(";{prop}:{value}"));
        } else if was {
            out.push_str(&format!(";{prop}:inherit"));
        }
    }
    out
}

/// `highlight.css`: after `header` (from [`header`]), a rule per class in `used` for light
/// mode, and the dark colours under `prefers-color-scheme: dark` (unless the reader chose
/// light) and `[data-theme=dark]`. Backgrounds are left to the theme CSS.
pub fn css_for_classes(header: &str, used: &BTreeSet<String>) -> String {
    let mut light = String::new();
    let mut media = String::new();
    let mut forced = String::new();
    for class in used {
        let Some((l, d)) = parse_class(class) else {
            continue;
        };
        if l.is_some() {
            light.push_str(&format!(".{class}{{{}}}\n", declarations(l.as_ref(), None)));
        }
        let dark = declarations(d.as_ref(), l.as_ref());
        media.push_str(&format!(
            ":root:not([data-theme=light]) .{class}{{{dark}}}\n"
        ));
        forced.push_str(&format!(":root[data-theme=dark] .{class}{{{dark}}}\n"));
    }
    format!("{header}{light}@media (prefers-color-scheme: dark){{\n{media}}}\n{forced}")
}

/// The highlighting classes that occur in highlighted HTML (the `class` of its spans).
pub fn used_classes<'h>(html: impl Iterator<Item = &'h str>) -> BTreeSet<String> {
    const OPEN: &str = "<span class=\"";
    let mut used = BTreeSet::new();
    for h in html {
        for (i, _) in h.match_indices(OPEN) {
            let rest = &h[i + OPEN.len()..];
            let Some(class) = rest.find('"').map(|end| &rest[..end]) else {
                continue;
            };
            if !used.contains(class) && parse_class(class).is_some() {
                used.insert(class.to_string());
            }
        }
    }
    used
}

fn to_hex(c: [u8; 3]) -> String {
    format!("{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn luminance(c: [u8; 3]) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

/// WCAG contrast ratio of two colours.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Moves `c` toward black (on a light background) or white (on a dark one) until it contrasts.
fn with_contrast(c: [u8; 3], bg: [u8; 3]) -> [u8; 3] {
    let target = if luminance(bg) > 0.5 { 0.0 } else { 255.0 };
    let mut out = c;
    for step in 0..=20 {
        if contrast(out, bg) >= MIN_CONTRAST {
            break;
        }
        let t = f64::from(step + 1) / 20.0;
        out = c.map(|v| (f64::from(v) + (target - f64::from(v)) * t).round() as u8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: &[(&str, &str)] = &[
        (
            "rust",
            "// a comment\nfn main() { let x: u32 = 1; println!(\"{x}\"); }\n",
        ),
        (
            "python",
            "from dataclasses import dataclass\n\n@dataclass\nclass A:\n    n: int = 3  # why\n",
        ),
        (
            "sql",
            "SELECT id, name FROM users WHERE age > 21 -- adults\n",
        ),
        ("yaml", "name: corem\nitems:\n  - 1\n  - \"two\"\n"),
        ("json", "{\"a\": [1, true, null, \"s\"]}\n"),
    ];

    /// The text of highlighted HTML: tags dropped, entities decoded.
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn highlights_known_languages_with_one_class_per_token() {
        let html = highlight("fn main() {}\n", "rust", Themes::default_pair());
        assert!(html.contains("<span class=\"h"), "{html}");
        assert!(!html.contains("<span class=\"h\""), "{html}");
        assert_eq!(
            highlight("<b>\n", "nosuchlang", Themes::default_pair()),
            "&lt;b&gt;\n"
        );
        for (lang, code) in SAMPLES {
            let html = highlight(code, lang, Themes::default_pair());
            assert_eq!(text_of(&html), *code, "{lang}: {html}");
            // No span inside another: one class names a token's colours in both themes.
            let mut depth = 0i32;
            for piece in html.split('<').skip(1) {
                if piece.starts_with("span") {
                    depth += 1;
                    assert_eq!(depth, 1, "{lang}: nested span in {html}");
                } else if piece.starts_with("/span") {
                    depth -= 1;
                }
            }
        }
    }

    #[test]
    fn code_stays_small() {
        // Syntect's nested scope spans made this snippet 1,901 bytes (25 times its size).
        let (_, code) = SAMPLES[1];
        let html = highlight(code, "python", Themes::default_pair());
        assert!(
            html.len() < code.len() * 6,
            "{} bytes for {}: {html}",
            html.len(),
            code.len()
        );
    }

    #[test]
    fn a_class_holds_each_themes_colour_as_its_highlighter_resolves_it() {
        let themes = Themes::default_pair();
        let html = highlight("// note\nfn f() {}\n", "rust", themes);
        let comment = |t: &Highlighter| {
            let scopes: ScopeStack = "source.rust comment.line.double-slash.rust"
                .parse()
                .expect("scopes");
            t.style_for_stack(scopes.as_slice())
        };
        let l = part(
            comment(&themes.light),
            themes.light.get_default().foreground,
            CODE_BG_LIGHT,
        );
        let d = part(
            comment(&themes.dark),
            themes.dark.get_default().foreground,
            CODE_BG_DARK,
        );
        assert!(!l.is_empty() && !d.is_empty());
        assert!(
            html.starts_with(&format!("<span class=\"h{l}-{d}\">// note")),
            "{html}"
        );
        // Another pair of themes gives other colours, and another cache key.
        let other = Themes::get("Solarized (light)", "Solarized (dark)");
        assert_ne!(
            highlight("// note\n", "rust", other),
            highlight("// note\n", "rust", themes)
        );
    }

    #[test]
    fn stylesheet_has_both_modes_and_every_colour_reaches_aa_contrast() {
        assert!(header("nope", DEFAULT_DARK).is_err());
        let header = header(DEFAULT_LIGHT, DEFAULT_DARK).unwrap();
        let html: Vec<String> = SAMPLES
            .iter()
            .map(|(lang, code)| highlight(code, lang, Themes::default_pair()))
            .collect();
        let used = used_classes(html.iter().map(String::as_str));
        assert!(used.len() >= 5, "{used:?}");
        let css = css_for_classes(&header, &used);
        assert!(css.starts_with("/* Syntax colours: InspiredGitHub (light)"));
        assert!(css.contains("@media (prefers-color-scheme: dark){"));
        assert!(css.contains(":root[data-theme=dark] .h"));
        assert!(!css.contains("background"));
        assert_eq!(css.matches('{').count(), css.matches('}').count());
        let (light, dark) = css.split_once("@media").unwrap();
        for (part, bg) in [(light, CODE_BG_LIGHT), (dark, CODE_BG_DARK)] {
            for hex in part.split("color:#").skip(1).map(|x| &x[..6]) {
                let v = u32::from_str_radix(hex, 16).unwrap();
                let c = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
                assert!(
                    contrast(c, bg) >= 4.5,
                    "{hex} on {bg:?}: {}",
                    contrast(c, bg)
                );
            }
        }
    }

    #[test]
    fn a_token_plain_in_one_mode_inherits_there() {
        let used: BTreeSet<String> = [
            "h112233b-".to_string(),
            "h-445566i".to_string(),
            "calc-q".to_string(),
        ]
        .into_iter()
        .collect();
        let css = css_for_classes("", &used);
        assert!(
            css.contains(".h112233b-{color:#112233;font-weight:bold}"),
            "{css}"
        );
        assert!(
            css.contains(":root[data-theme=dark] .h112233b-{color:inherit;font-weight:inherit}"),
            "{css}"
        );
        // Light mode leaves a token the light theme does not colour alone.
        assert!(
            !css.contains("\n.h-445566i{") && !css.starts_with(".h-445566i{"),
            "{css}"
        );
        assert!(
            css.contains(
                ":root:not([data-theme=light]) .h-445566i{color:#445566;font-style:italic}"
            ),
            "{css}"
        );
        assert!(!css.contains("calc-q"));
    }

    #[test]
    fn used_classes_reads_only_highlighting_spans() {
        let used = used_classes(
            ["<span class=\"hd73a49-\">fn</span> <span class=\"calc-q\">1 m</span> h000000-000000"]
                .into_iter(),
        );
        assert_eq!(
            used.into_iter().collect::<Vec<_>>(),
            vec!["hd73a49-".to_string()]
        );
    }
}
