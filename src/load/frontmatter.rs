//! Front matter: YAML between `---` lines or TOML between `+++` lines, at the top of a note.
//!
//! The known keys become [`Meta`]; unknown keys are kept in `Meta::extra` for templates. Type
//! errors name the key's own line, so the user sees exactly what to change.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// The known front-matter keys of a note.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// `title`: the note's title (else its first `# H1`, else its file name).
    pub title: Option<String>,
    /// `description`: a sentence for the page's meta description and listings.
    pub description: Option<String>,
    /// `tags` (or `tag`): a list, or one text of names separated by commas or blanks.
    pub tags: Vec<String>,
    /// `aliases`: other names wikilinks may use for the note.
    pub aliases: Vec<String>,
    /// `weight`: the note's place in its section (lower first); wins over a file name prefix.
    pub weight: Option<i64>,
    /// `date`: when the note was written (`YYYY-MM-DD`, a time may follow).
    pub date: Option<String>,
    /// `updated`: when it last changed (else the date of its last commit).
    pub updated: Option<String>,
    /// `draft: true` leaves the note out unless the build has `--drafts`.
    pub draft: bool,
    /// `slug`: the page's file name instead of one made from the file's.
    pub slug: Option<String>,
    /// `template`: the Tera template of the page, instead of `note.html` (`section.html` for a
    /// section's index note).
    pub template: Option<String>,
    /// `related`: notes to list under "related" (titles, names or aliases).
    pub related: Vec<String>,
    /// `publish: false` (Obsidian Publish) leaves the note out of the site, even with `--drafts`.
    pub publish: bool,
    /// `cssclasses` (Obsidian): classes for the page's `<body>`, for a project's own CSS.
    pub cssclasses: Vec<String>,
    /// Every other key, as written, for templates (`page.extra`).
    pub extra: BTreeMap<String, Value>,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            title: None,
            description: None,
            tags: Vec::new(),
            aliases: Vec::new(),
            weight: None,
            date: None,
            updated: None,
            draft: false,
            slug: None,
            template: None,
            related: Vec::new(),
            publish: true,
            cssclasses: Vec::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// Where the front matter and the body are in a file.
#[derive(Debug)]
pub struct Split<'a> {
    /// Front-matter text (without the fences) and its byte offset in the file.
    pub matter: Option<(Format, &'a str, usize)>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// The language of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
}

/// Splits a note into front matter and body. Blank lines (and a BOM) before the fence are allowed.
pub fn split<'a>(source: &'a str, file: &std::path::Path) -> Result<Split<'a>, Diagnostic> {
    let mut pos = if source.starts_with('\u{feff}') { 3 } else { 0 };
    // Skip blank lines before the opening fence.
    loop {
        let rest = &source[pos..];
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if rest.is_empty() || !rest[..line_end].trim().is_empty() {
            break;
        }
        pos += line_end;
    }
    let rest = &source[pos..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let fence = rest[..first_end].trim_end();
    let format = match fence {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => {
            return Ok(Split {
                matter: None,
                body_start: 0,
            });
        }
    };
    let matter_start = pos + first_end;
    let mut line_start = matter_start;
    while line_start < source.len() {
        let line_end = source[line_start..]
            .find('\n')
            .map_or(source.len(), |i| line_start + i + 1);
        let line = source[line_start..line_end].trim_end();
        let closes = match format {
            Format::Yaml => line == "---" || line == "...",
            Format::Toml => line == "+++",
        };
        if closes {
            return Ok(Split {
                matter: Some((format, &source[matter_start..line_start], matter_start)),
                body_start: line_end,
            });
        }
        line_start = line_end;
    }
    Err(Diagnostic::error(
        file,
        format!("front matter opened with `{fence}` is never closed"),
    )
    .at(source, pos)
    .with_help(format!(
        "add a line with only `{fence}` after the front matter, or remove the opening `{fence}`"
    )))
}

/// Parses front-matter text into [`Meta`], reporting every problem found.
pub fn parse(
    format: Format,
    text: &str,
    offset: usize,
    source: &str,
    file: &std::path::Path,
) -> Result<Meta, Vec<Diagnostic>> {
    let value = match format {
        Format::Yaml => parse_yaml(text, offset, source, file)?,
        Format::Toml => parse_toml(text, offset, source, file)?,
    };
    let map = match value {
        Value::Object(map) => map,
        Value::Null => Default::default(),
        _ => {
            return Err(vec![
                Diagnostic::error(file, "front matter must be a set of `key: value` lines")
                    .at(source, offset),
            ]);
        }
    };
    let mut meta = Meta::default();
    let mut errors = Vec::new();
    for (key, value) in map {
        if let Err((msg, help)) = set_key(&mut meta, &key, value) {
            errors.push(
                Diagnostic::error(file, msg)
                    .at(source, offset + key_offset(text, &key))
                    .with_help(help),
            );
        }
    }
    if errors.is_empty() {
        Ok(meta)
    } else {
        Err(errors)
    }
}

/// A key's problem: the message and how to fix it.
type KeyError = (String, String);

fn key_error(msg: impl Into<String>, help: impl Into<String>) -> KeyError {
    (msg.into(), help.into())
}

/// Sets one front-matter key on `meta`; unknown keys go to `meta.extra`.
fn set_key(meta: &mut Meta, key: &str, value: Value) -> Result<(), KeyError> {
    let text = |v: &Value, msg: &str, help: &str| string(v).ok_or_else(|| key_error(msg, help));
    match key {
        "title" => {
            meta.title = text(
                &value,
                "`title` must be text",
                "write it as `title: My note`",
            )?
        }
        "description" => {
            meta.description = text(
                &value,
                "`description` must be text",
                "write it as `description: One sentence.`",
            )?
        }
        "slug" => {
            let slug = text(&value, "`slug` must be text", "write it as `slug: my-note`")?;
            if let Some(Err(why)) = slug.as_deref().map(check_slug) {
                return Err(key_error(
                    format!("`slug` {why}"),
                    "a slug is the page's file name without `.html`: write it as `slug: my-note` \
                     (letters, digits, `-`, `_`, `.`)",
                ));
            }
            meta.slug = slug;
        }
        "template" => {
            meta.template = text(
                &value,
                "`template` must be a template file name",
                "write it as `template: note.html`",
            )?
        }
        "date" | "updated" => match string(&value) {
            Some(v) => {
                if let Some(Err(why)) = v.as_deref().map(check_date) {
                    return Err(key_error(
                        format!("`{key}`: {why}"),
                        "use the ISO format YYYY-MM-DD (optionally with a time, 2024-05-31T14:30)",
                    ));
                }
                if key == "date" {
                    meta.date = v;
                } else {
                    meta.updated = v;
                }
            }
            None => {
                return Err(key_error(
                    format!("`{key}` must be a date like 2024-05-31"),
                    "use the ISO format YYYY-MM-DD (optionally with a time)",
                ));
            }
        },
        "draft" => meta.draft = flag(&value, key)?.unwrap_or(false),
        "weight" => match value {
            Value::Number(n) if n.as_i64().is_some() => meta.weight = n.as_i64(),
            Value::Null => {}
            _ => {
                return Err(key_error(
                    "`weight` must be a whole number",
                    "write `weight: 10`; lower weights come first",
                ));
            }
        },
        "related" => meta.related = list(&value, key, ",")?,
        _ => return set_obsidian_key(meta, key, value),
    }
    Ok(())
}

/// The keys Obsidian and Quartz notes carry: `tags` (or `tag`) as a list or as one text of
/// names separated by commas or blanks, `aliases` (or `alias`), `cssclasses` (or `cssclass`),
/// and `publish: false`.
fn set_obsidian_key(meta: &mut Meta, key: &str, value: Value) -> Result<(), KeyError> {
    match key {
        "tags" | "tag" => {
            let tags = list(&value, key, ", \t")?;
            for t in tags {
                let t = t.trim_start_matches('#');
                if !t.is_empty() && !meta.tags.iter().any(|x| x == t) {
                    meta.tags.push(t.to_string());
                }
            }
        }
        "aliases" | "alias" => meta.aliases.extend(list(&value, key, ",")?),
        "cssclasses" | "cssclass" => {
            for c in list(&value, key, ", \t")? {
                if c.chars()
                    .any(|ch| ch.is_whitespace() || matches!(ch, '"' | '<' | '>'))
                {
                    return Err(key_error(
                        format!("`{key}` must be CSS class names, and `{c}` is not one"),
                        format!("write `{key}: [wide, no-title]`"),
                    ));
                }
                meta.cssclasses.push(c);
            }
        }
        "publish" => meta.publish = flag(&value, key)?.unwrap_or(true),
        _ => {
            meta.extra.insert(key.to_string(), value);
        }
    }
    Ok(())
}

/// `true`, `false`, or nothing.
fn flag(value: &Value, key: &str) -> Result<Option<bool>, KeyError> {
    match value {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        _ => Err(key_error(
            format!("`{key}` must be true or false"),
            format!("write `{key}: true` or `{key}: false`"),
        )),
    }
}

/// A list of text, or one text split at any of `separators`.
fn list(value: &Value, key: &str, separators: &str) -> Result<Vec<String>, KeyError> {
    string_list(value, separators).ok_or_else(|| {
        key_error(
            format!("`{key}` must be a list of text"),
            format!("write `{key}: [first, second]`"),
        )
    })
}

fn parse_yaml(
    text: &str,
    offset: usize,
    source: &str,
    file: &std::path::Path,
) -> Result<Value, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        let mut d = Diagnostic::error(
            file,
            format!("invalid YAML front matter: {}", yaml_message(&e.to_string())),
        );
        d = match e.location() {
            Some(loc) if loc.line() > 0 => {
                let at = yaml_offset(text, loc.line() as usize, loc.column().max(1) as usize);
                d.at(source, offset + at)
            }
            _ => d.at(source, offset),
        };
        vec![d.with_help("front matter is YAML: `key: value` per line, lists as `[a, b]`; quote text containing `: `")]
    })
}

/// The YAML parser's message in the user's terms: its internals (option names, budget
/// counters) mean nothing to someone writing a note.
fn yaml_message(raw: &str) -> String {
    let line = first_line(raw);
    let lower = line.to_lowercase();
    if lower.contains("duplicate") {
        return "a key appears twice (keep one of them)".into();
    }
    if lower.contains("budget") || lower.contains("recursion") || lower.contains("depth limit") {
        return "the front matter is too large or nested too deeply (front matter is a few \
                `key: value` lines)"
            .into();
    }
    if lower.contains("alias") && (lower.contains("limit") || lower.contains("expan")) {
        return "too many YAML aliases (`*name`) are expanded".into();
    }
    // Drop a trailing "(at line …)" or a Rust-style `Options` hint the location already gives.
    let cut = line
        .find(" at line ")
        .or_else(|| line.find("; set "))
        .unwrap_or(line.len());
    line[..cut].trim_end_matches([',', ';', ' ']).to_string()
}

fn parse_toml(
    text: &str,
    offset: usize,
    source: &str,
    file: &std::path::Path,
) -> Result<Value, Vec<Diagnostic>> {
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => Ok(toml_to_json(toml::Value::Table(table))),
        Err(e) => {
            let mut d = Diagnostic::error(
                file,
                format!("invalid TOML front matter: {}", e.message().trim()),
            );
            d = d.at(source, offset + e.span().map_or(0, |s| s.start));
            Err(vec![d.with_help(
                "front matter between `+++` lines is TOML: `key = \"value\"` per line",
            )])
        }
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

/// Byte offset in `text` of a 1-based YAML line and character column. YAML also breaks lines
/// at a lone `\r`, which corem's diagnostics (and editors showing `file:line`) do not, so the
/// place is found in the text instead of by adding line numbers.
fn yaml_offset(text: &str, line: usize, col: usize) -> usize {
    let b = text.as_bytes();
    let is_break = |c: &u8| *c == b'\n' || *c == b'\r';
    let mut pos = 0;
    for _ in 1..line {
        let Some(i) = b[pos..].iter().position(is_break) else {
            return text.len();
        };
        pos += i + 1;
        if b[pos - 1] == b'\r' && b.get(pos) == Some(&b'\n') {
            pos += 1;
        }
    }
    let end = b[pos..]
        .iter()
        .position(is_break)
        .map_or(b.len(), |i| pos + i);
    text[pos..end]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(end, |(i, _)| pos + i)
}

/// Byte offset of `key` at the start of a line of the front matter (0 when not found).
fn key_offset(text: &str, key: &str) -> usize {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let t = t.strip_prefix('"').unwrap_or(t);
        if let Some(rest) = t.strip_prefix(key)
            && rest
                .trim_start_matches('"')
                .trim_start()
                .starts_with([':', '='])
        {
            return pos + (line.len() - line.trim_start().len());
        }
        pos += line.len();
    }
    0
}

/// Text, or null. Numbers and booleans are accepted as their text (YAML `title: 2024`).
fn string(v: &Value) -> Option<Option<String>> {
    match v {
        Value::String(s) => Some(Some(s.clone())),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        Value::Null => Some(None),
        _ => None,
    }
}

/// A list of text; a single text (split at any of `separators`) is accepted too.
fn string_list(v: &Value, separators: &str) -> Option<Vec<String>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(
            s.split(|c| separators.contains(c))
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
        ),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A slug names one file in the site's folder: it must not be empty, climb out (`..`), name a
/// folder (`/`, `\`), hide the file (leading `.`), hold control characters or be longer than a
/// file name may be. `Err` says which.
pub fn check_slug(slug: &str) -> Result<(), String> {
    if slug.trim().is_empty() {
        return Err("is empty".into());
    }
    if slug.contains(['/', '\\']) {
        return Err(format!(
            "`{slug}` contains a `/` or `\\`: it must be a file name, not a path"
        ));
    }
    if slug.contains("..") {
        return Err(format!("`{slug}` contains `..`"));
    }
    if slug.starts_with('.') {
        return Err(format!(
            "`{slug}` starts with `.`, which would hide the page"
        ));
    }
    if slug.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    if slug.len() > 200 {
        return Err(format!(
            "is {} bytes long; at most 200 make a file name",
            slug.len()
        ));
    }
    Ok(())
}

/// A real calendar date, `YYYY-MM-DD`, optionally followed by a time (`T` or a space, then
/// `HH:MM` and more). `Err` says what is wrong.
pub fn check_date(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let shaped = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if !shaped {
        return Err(format!("`{s}` is not a date like 2024-05-31"));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) {
        return Err(format!("`{s}`: there is no month {month}"));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err(format!("`{s}`: month {month} of {year} has {days} days"));
    }
    let rest = &s[10..];
    if !rest.is_empty() {
        let time = rest.strip_prefix(['T', 't', ' ']).unwrap_or("");
        let t = time.as_bytes();
        let ok = t.len() >= 5
            && t[..2].iter().all(u8::is_ascii_digit)
            && t[2] == b':'
            && t[3..5].iter().all(u8::is_ascii_digit)
            && time[..2].parse::<u32>().is_ok_and(|h| h < 24)
            && time[3..5].parse::<u32>().is_ok_and(|m| m < 60);
        if !ok {
            return Err(format!("`{s}`: the time after the date must be like 14:30"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn meta(src: &str) -> Result<Meta, Vec<Diagnostic>> {
        let s = split(src, Path::new("n.md")).map_err(|d| vec![d])?;
        let (f, text, off) = s.matter.expect("front matter");
        parse(f, text, off, src, Path::new("n.md"))
    }

    #[test]
    fn yaml_and_toml_agree() {
        let y =
            meta("---\ntitle: A\ntags: [x, '#y']\ndraft: true\nweight: 3\ncolour: red\n---\nbody")
                .unwrap();
        let t = meta("+++\ntitle = \"A\"\ntags = [\"x\", \"#y\"]\ndraft = true\nweight = 3\ncolour = \"red\"\n+++\nbody").unwrap();
        assert_eq!(y, t);
        assert_eq!(y.tags, vec!["x", "y"]);
        assert_eq!(y.extra["colour"], Value::String("red".into()));
    }

    #[test]
    fn blank_lines_before_the_fence_are_allowed() {
        let src = "\n\n---\ntitle: A\n---\n# Body\n";
        let s = split(src, Path::new("n.md")).unwrap();
        assert!(s.matter.is_some());
        assert_eq!(&src[s.body_start..], "# Body\n");
    }

    #[test]
    fn unclosed_fence_is_reported_at_the_fence() {
        let err = split("\n---\ntitle: A\n", Path::new("n.md")).unwrap_err();
        assert_eq!((err.line, err.col), (2, 1));
    }

    #[test]
    fn type_error_points_at_the_key() {
        let errs = meta("---\ntitle: A\ndraft: maybe\n---\n").unwrap_err();
        assert_eq!(errs[0].line, 3);
        assert!(errs[0].message.contains("draft"));
    }

    #[test]
    fn yaml_syntax_error_has_file_line() {
        let errs = meta("---\ntitle: A\ntags: [a, b\n---\n").unwrap_err();
        assert!(errs[0].line >= 3, "{:?}", errs[0]);
        assert!(errs[0].message.starts_with("invalid YAML"));
    }

    #[test]
    fn obsidian_keys() {
        let m = meta(
            "---\ntags: one, two three\ntag: [\"#four\", one]\nalias: Other name\naliases: [A, B]\ncssclasses: wide, no-title\npublish: false\n---\n",
        )
        .unwrap();
        // Keys are read in name order: `alias` and `tag` before `aliases` and `tags`.
        assert_eq!(m.tags, ["four", "one", "two", "three"]);
        assert_eq!(m.aliases, ["Other name", "A", "B"]);
        assert_eq!(m.cssclasses, ["wide", "no-title"]);
        assert!(!m.publish);
        assert!(meta("---\ntitle: A\n---\n").unwrap().publish);
        let errs = meta("---\npublish: sometimes\n---\n").unwrap_err();
        assert!(errs[0].message.contains("publish"), "{errs:?}");
        let errs = meta("---\ncssclasses: [\"a b\"]\n---\n").unwrap_err();
        assert!(errs[0].message.contains("`a b` is not one"), "{errs:?}");
    }

    /// Issue 24 (1, 11): a slug that climbs out of the site, is absolute, empty or hidden is a
    /// located error; so is a date that is not on the calendar.
    #[test]
    fn slugs_stay_inside_the_site_and_dates_exist() {
        for bad in [
            "../../escaped",
            "/etc/passwd",
            "a/b",
            "a\\b",
            "",
            "  ",
            ".hidden",
            "a\u{0}b",
        ] {
            let src = format!("---\nslug: {bad:?}\n---\n");
            let err = meta(&src).expect_err(bad);
            assert!(
                err[0].message.starts_with("`slug`"),
                "{bad}: {}",
                err[0].message
            );
            assert_eq!(err[0].line, 2, "{bad}");
        }
        assert_eq!(
            meta("---\nslug: my-note.v2\n---\n")
                .unwrap()
                .slug
                .as_deref(),
            Some("my-note.v2")
        );
        for bad in [
            "2026-13-45",
            "2026-02-30",
            "2025-02-29",
            "2026-04-31",
            "2026-00-10",
            "2026-05-31T25:00",
            "2026-05-31x",
        ] {
            let err = meta(&format!("---\ndate: {bad}\n---\n")).expect_err(bad);
            assert!(err[0].message.contains(bad), "{}", err[0].message);
        }
        for good in [
            "2024-02-29",
            "2026-12-31",
            "2026-05-31T14:30",
            "2026-05-31 14:30:59Z",
        ] {
            assert!(meta(&format!("---\ndate: {good}\n---\n")).is_ok(), "{good}");
        }
    }

    /// Issue 24 (16): no parser internals in messages.
    #[test]
    fn yaml_errors_speak_the_users_language() {
        let dup = meta("---\ntitle: a\ntitle: b\n---\n").unwrap_err();
        assert!(
            dup[0].message.contains("a key appears twice"),
            "{}",
            dup[0].message
        );
        assert!(!dup[0].message.contains("Policy") && !dup[0].message.contains("Options"));
        let deep = format!("---\nx: {}1{}\n---\n", "[".repeat(5000), "]".repeat(5000));
        let err = meta(&deep).unwrap_err();
        assert!(
            !err[0].message.contains('{') && !err[0].message.contains("Nodes"),
            "{}",
            err[0].message
        );
        let wide = format!("---\nx: [{}]\n---\n", "1, ".repeat(300_000));
        if let Err(e) = meta(&wide) {
            assert!(!e[0].message.contains("Nodes"), "{}", e[0].message);
        }
    }

    #[test]
    fn yaml_error_after_lone_carriage_returns_names_its_line() {
        // Found by fuzzing: YAML counts a lone `\r` as a line break, so adding its line number
        // to the fence's pointed past the end of the note, with no source line shown.
        let errs = meta("---\ntitle: a\r\r\rb: c: d\n---\nbody\n").unwrap_err();
        assert_eq!(errs[0].line, 2, "{:?}", errs[0]);
        let shown = errs[0].source_line.as_deref().unwrap_or_default();
        assert!(shown.contains("b: c: d"), "{:?}", errs[0]);
        // Plain `\n` and `\r\n` lines still point at the line of the error.
        let errs = meta("---\r\ntitle: a\r\n\r\nb: c: d\r\n---\r\n").unwrap_err();
        assert_eq!(errs[0].line, 4, "{:?}", errs[0]);
        assert!(
            errs[0]
                .source_line
                .as_deref()
                .unwrap_or_default()
                .contains("b: c: d")
        );
    }

    #[test]
    fn toml_dates_become_text() {
        let m = meta("+++\ndate = 2024-05-31\n+++\n").unwrap();
        assert_eq!(m.date.as_deref(), Some("2024-05-31"));
    }
}
