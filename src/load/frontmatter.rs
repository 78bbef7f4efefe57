//! Front matter: YAML between `---` lines or TOML between `+++` lines, at the top of a note.
//!
//! The known keys become [`Meta`]; unknown keys are kept in `Meta::extra` for templates. Type
//! errors name the key's own line, so the user sees exactly what to change.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// The known front-matter keys of a note.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Meta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub template: Option<String>,
    pub related: Vec<String>,
    /// Every other key, as written, for templates (`page.extra`).
    pub extra: BTreeMap<String, Value>,
}

/// Where the front matter and the body are in a file.
#[derive(Debug)]
pub struct Split<'a> {
    /// Front-matter text (without the fences) and its byte offset in the file.
    pub matter: Option<(Format, &'a str, usize)>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
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
        let key_at = |msg: String, help: &str| {
            Diagnostic::error(file, msg)
                .at(source, offset + key_offset(text, &key))
                .with_help(help.to_string())
        };
        let res: Result<(), Diagnostic> = match key.as_str() {
            "title" => string(&value).map(|v| meta.title = v).ok_or_else(|| {
                key_at(
                    "`title` must be text".into(),
                    "write it as `title: My note`",
                )
            }),
            "description" => string(&value).map(|v| meta.description = v).ok_or_else(|| {
                key_at(
                    "`description` must be text".into(),
                    "write it as `description: One sentence.`",
                )
            }),
            "slug" => string(&value)
                .map(|v| meta.slug = v)
                .ok_or_else(|| key_at("`slug` must be text".into(), "write it as `slug: my-note`")),
            "template" => string(&value).map(|v| meta.template = v).ok_or_else(|| {
                key_at(
                    "`template` must be a template file name".into(),
                    "write it as `template: note.html`",
                )
            }),
            "date" | "updated" => match string(&value) {
                Some(v) if v.as_ref().is_none_or(|d| looks_like_date(d)) => {
                    if key == "date" {
                        meta.date = v;
                    } else {
                        meta.updated = v;
                    }
                    Ok(())
                }
                _ => Err(key_at(
                    format!("`{key}` must be a date like 2024-05-31"),
                    "use the ISO format YYYY-MM-DD (optionally with a time)",
                )),
            },
            "draft" => match value {
                Value::Bool(b) => {
                    meta.draft = b;
                    Ok(())
                }
                Value::Null => Ok(()),
                _ => Err(key_at(
                    "`draft` must be true or false".into(),
                    "write `draft: true`",
                )),
            },
            "weight" => match value {
                Value::Number(n) if n.as_i64().is_some() => {
                    meta.weight = n.as_i64();
                    Ok(())
                }
                Value::Null => Ok(()),
                _ => Err(key_at(
                    "`weight` must be a whole number".into(),
                    "write `weight: 10`; lower weights come first",
                )),
            },
            "tags" | "aliases" | "related" => match string_list(&value) {
                Some(list) => {
                    match key.as_str() {
                        "tags" => {
                            meta.tags = list
                                .into_iter()
                                .map(|t| t.trim_start_matches('#').to_string())
                                .filter(|t| !t.is_empty())
                                .collect()
                        }
                        "aliases" => meta.aliases = list,
                        _ => meta.related = list,
                    }
                    Ok(())
                }
                None => Err(key_at(
                    format!("`{key}` must be a list of text"),
                    &format!("write `{key}: [first, second]`"),
                )),
            },
            _ => {
                meta.extra.insert(key.clone(), value);
                Ok(())
            }
        };
        if let Err(d) = res {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(meta)
    } else {
        Err(errors)
    }
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
        let mut d = Diagnostic::error(file, format!("invalid YAML front matter: {}", first_line(&e.to_string())));
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

/// A list of text; a single text (optionally comma-separated) is accepted too.
fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(
            s.split(',')
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

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
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
