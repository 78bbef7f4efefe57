//! Links, images and embeds: each becomes a [`Link`] (its target as written, its text, the
//! sentence around it) and placeholders the renderer fills in once the site graph has
//! resolved it. Bare URLs and inline `#tags` in text become links here too.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::walk::Pass;
use super::{Ev, Link, LinkKind, Raw, Target, autolink, find_end, plain_text};

/// What the start of a link or image says: its link type, destination, title and the byte
/// range of the whole link in the body; `None` for any other event.
fn start_parts<'r, 'a>(
    raw: &'r Raw<'a>,
) -> Option<(LinkType, &'r CowStr<'a>, &'r CowStr<'a>, &'r Range<usize>)> {
    match raw {
        (
            Event::Start(
                Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                }
                | Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    ..
                },
            ),
            range,
        ) => Some((*link_type, dest_url, title, range)),
        _ => None,
    }
}

impl Pass<'_> {
    /// `[text](dest)`, `[[Note]]`, `<https://…>`: the link starting at `i`.
    pub(super) fn link(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        let Some((link_type, dest_url, title, range)) = start_parts(&raw[i]) else {
            return i + 1;
        };
        let end = find_end(raw, i);
        // `[[Note#Heading]]` without a label reads "Note › Heading"; `[[#Heading]]` reads
        // "Heading" (as in Obsidian), instead of showing the raw target.
        let unlabelled_wiki = matches!(link_type, LinkType::WikiLink { has_pothole: false })
            && dest_url.contains('#');
        let shown = unlabelled_wiki.then(|| wiki_display(dest_url));
        let text = shown
            .clone()
            .unwrap_or_else(|| plain_text(&raw[i + 1..end]));
        let target = match link_type {
            LinkType::WikiLink { .. } => wiki_target(dest_url),
            LinkType::Email => Target::External(format!("mailto:{dest_url}")),
            _ => classify(dest_url),
        };
        let l = self.add_link(Link {
            kind: LinkKind::Link,
            target,
            span: range.clone(),
            text,
            title: title.to_string(),
            dest: match link_type {
                LinkType::Email => format!("mailto:{dest_url}"),
                _ => dest_url.to_string(),
            },
            context: String::new(),
            size: None,
        });
        self.out.events.push(Ev::LinkStart(l));
        self.in_link += 1;
        if let Some(shown) = shown {
            self.text(&shown);
            self.push(Event::Text(CowStr::from(shown)));
        } else {
            self.walk(raw, i + 1, end);
        }
        self.in_link -= 1;
        self.out.events.push(Ev::LinkEnd(l));
        end + 1
    }

    /// `![alt](a.png)`, `![[a.png|300]]`, `![[clip.mp4]]` (media), or `![[Note#Section]]` (an
    /// embed): the image starting at `i`.
    pub(super) fn image(&mut self, raw: &[Raw<'_>], i: usize) -> usize {
        let Some((link_type, dest_url, title, range)) = start_parts(&raw[i]) else {
            return i + 1;
        };
        let end = find_end(raw, i);
        let alt = plain_text(&raw[i + 1..end]);
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        let (kind, target) = if wiki {
            let t = wiki_target(dest_url);
            if is_asset_name(dest_url) {
                (LinkKind::Image, t)
            } else {
                (LinkKind::Embed, t)
            }
        } else {
            (LinkKind::Image, classify(dest_url))
        };
        // A wikilink without a label repeats its target as its text: no alt text then.
        let alt = if wiki && alt == dest_url.as_ref() {
            String::new()
        } else {
            alt
        };
        // `![[img.png|300]]`, `![[img.png|alt|300x200]]`, `![alt|300](img.png)`: a size.
        let (alt, size) = if kind == LinkKind::Image {
            split_size(&alt)
        } else {
            (alt, None)
        };
        let l = self.add_link(Link {
            kind,
            target,
            span: range.clone(),
            text: alt,
            title: title.to_string(),
            dest: dest_url.to_string(),
            context: String::new(),
            size,
        });
        self.out.events.push(if kind == LinkKind::Embed {
            Ev::Embed(l)
        } else {
            Ev::Image(l)
        });
        end + 1
    }

    /// A paragraph holding only a note embed is replaced by the embed (block content must not
    /// sit inside `<p>`). Returns the index after the paragraph when it is one.
    pub(super) fn embed_paragraph(&mut self, raw: &[Raw<'_>], i: usize) -> Option<usize> {
        let Some((
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { .. },
                dest_url,
                ..
            }),
            _,
        )) = raw.get(i + 1)
        else {
            return None;
        };
        if is_asset_name(dest_url) {
            return None;
        }
        let img_end = find_end(raw, i + 1);
        if !matches!(
            raw.get(img_end + 1),
            Some((Event::End(TagEnd::Paragraph), _))
        ) {
            return None;
        }
        let at = self.out.events.len();
        self.image(raw, i + 1);
        self.set_last(super::walk::Closed {
            events: at..self.out.events.len(),
            span: raw[i].1.clone(),
        });
        Some(img_end + 2)
    }

    /// Emits text, turning bare `https://…` and `www.…` into links (GFM autolinks) and inline
    /// `#tags` into links to their tag pages. `offset` is the text's position in the body.
    pub(super) fn inline_text(&mut self, text: &str, offset: usize) {
        let urls = autolink::find(text);
        let before = self.body[..offset.min(self.body.len())].chars().next_back();
        let tags = find_tags(text, before, &urls);
        if urls.is_empty() && tags.is_empty() {
            self.push(Event::Text(CowStr::from(text.to_string())));
            return;
        }
        let mut found: Vec<(std::ops::Range<usize>, Target, String)> = urls
            .into_iter()
            .map(|(r, url)| (r, Target::External(url.clone()), url))
            .chain(tags.into_iter().map(|(r, name)| {
                let shown = format!("#{name}");
                (r, Target::Tag(name), shown)
            }))
            .collect();
        found.sort_by_key(|(r, _, _)| r.start);
        let mut pos = 0;
        for (r, target, dest) in found {
            if r.start > pos {
                self.push(Event::Text(CowStr::from(text[pos..r.start].to_string())));
            }
            let shown = text[r.clone()].to_string();
            if let Target::Tag(name) = &target
                && !self.out.tags.contains(name)
            {
                self.out.tags.push(name.clone());
            }
            let l = self.out.links.len();
            self.out.links.push(Link {
                kind: LinkKind::Link,
                target,
                span: offset + r.start..offset + r.end,
                text: shown.clone(),
                title: String::new(),
                dest,
                context: String::new(),
                size: None,
            });
            self.out.events.push(Ev::LinkStart(l));
            self.push(Event::Text(CowStr::from(shown)));
            self.out.events.push(Ev::LinkEnd(l));
            pos = r.end;
        }
        if pos < text.len() {
            self.push(Event::Text(CowStr::from(text[pos..].to_string())));
        }
    }
}

/// Inline `#tags` in `text` (Obsidian's rules): `#` at the start or after a blank, then
/// letters, digits, `_`, `-` and `/` (nested tags `#area/topic`), with at least one character
/// that is not a digit (`#1` is not a tag). `before` is the character before the text; tags
/// inside `urls` are not tags. Returns each tag's range (with its `#`) and its name.
fn find_tags(
    text: &str,
    before: Option<char>,
    urls: &[(std::ops::Range<usize>, String)],
) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    if !text.contains('#') {
        return out;
    }
    let is_tag_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '/');
    for (i, _) in text.match_indices('#') {
        let prev = if i == 0 {
            before
        } else {
            text[..i].chars().next_back()
        };
        if !prev.is_none_or(char::is_whitespace) || urls.iter().any(|(r, _)| r.contains(&i)) {
            continue;
        }
        let rest = &text[i + 1..];
        let len = rest.find(|c: char| !is_tag_char(c)).unwrap_or(rest.len());
        let name = rest[..len].trim_end_matches('/');
        if name.is_empty() || name.starts_with('/') || name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        out.push((i..i + 1 + name.len(), name.to_string()));
    }
    out
}

/// An image's display size at the end of its text: `300` or `300x200`, alone or after a last
/// `|` (`alt|300`). Returns the text without it, and the size.
fn split_size(text: &str) -> (String, Option<(u32, Option<u32>)>) {
    let (alt, spec) = match text.rsplit_once('|') {
        Some((a, s)) => (a.trim(), s.trim()),
        None => ("", text.trim()),
    };
    let parse = |s: &str| -> Option<(u32, Option<u32>)> {
        let (w, h) = match s.split_once('x') {
            Some((w, h)) => (w, Some(h)),
            None => (s, None),
        };
        let w: u32 = w.parse().ok()?;
        let h = match h {
            Some(h) => Some(h.parse().ok()?),
            None => None,
        };
        Some((w, h))
    };
    match parse(spec) {
        Some(size) => (alt.to_string(), Some(size)),
        None => (text.to_string(), None),
    }
}

/// How an unlabelled wikilink to a heading reads: `Note › Heading › Sub`, `Heading` in the same
/// note, `Note` for a block of another note.
fn wiki_display(dest: &str) -> String {
    match wiki_target(dest) {
        Target::Wiki {
            name,
            anchor: Some(a),
        } if name.is_empty() => a.replace('#', " › "),
        Target::Wiki {
            name,
            anchor: Some(a),
        } if a.starts_with('^') => name,
        Target::Wiki {
            name,
            anchor: Some(a),
        } => format!("{name} › {}", a.replace('#', " › ")),
        Target::Wiki { name, .. } => name,
        _ => dest.to_string(),
    }
}

impl Pass<'_> {
    /// A diagram's `click` targets as links of the note, so they are resolved, checked and
    /// counted as backlinks like any other: `[[Note]]`, a relative path, or a URL.
    pub(super) fn diagram_links(&mut self, code: &str, offset: usize) -> Vec<usize> {
        crate::diagram::link_targets(code)
            .into_iter()
            .map(|(pos, dest)| {
                let target = match dest.strip_prefix("[[").and_then(|d| d.strip_suffix("]]")) {
                    Some(inner) => wiki_target(inner.split('|').next().unwrap_or(inner)),
                    None => classify(&dest),
                };
                self.add_link(Link {
                    kind: LinkKind::Link,
                    target,
                    span: offset + pos..offset + pos + dest.len(),
                    text: dest.clone(),
                    title: String::new(),
                    dest,
                    context: String::new(),
                    size: None,
                })
            })
            .collect()
    }
}

/// Splits a wikilink target `Name#Heading` (the `|label` part is already removed by the parser).
fn wiki_target(dest: &str) -> Target {
    let dest = wiki_dest(dest);
    match dest.split_once('#') {
        Some((name, anchor)) => Target::Wiki {
            name: name.trim().to_string(),
            anchor: Some(anchor.trim().to_string()).filter(|a| !a.is_empty()),
        },
        None => Target::Wiki {
            name: dest.to_string(),
            anchor: None,
        },
    }
}

/// Classifies a Markdown link destination.
pub fn classify(dest: &str) -> Target {
    let dest = dest.trim();
    if let Some(anchor) = dest.strip_prefix('#') {
        return Target::Anchor(decode(anchor));
    }
    if has_scheme(dest) || dest.starts_with("//") {
        return Target::External(dest.to_string());
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(decode(a))),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    Target::Path {
        path: decode(path),
        anchor: anchor.filter(|a| !a.is_empty()),
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(n) if n > 1 => s[..n]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')),
        _ => false,
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A wikilink's destination as written, without the backslash a table leaves on it
/// (`[[Note\|label]]` escapes the pipe; the parser keeps the `\`).
fn wiki_dest(dest: &str) -> &str {
    dest.trim().trim_end_matches('\\')
}

/// True when a wikilink embed names a file that is not a note (`![[diagram.png]]`).
fn is_asset_name(dest: &str) -> bool {
    let dest = wiki_dest(dest);
    let name = dest.split('#').next().unwrap_or(dest);
    match name.rsplit_once('.') {
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            ext != "md"
                && ext != "markdown"
                && ext.len() <= 5
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_obsidian_rules() {
        let names = |t: &str| -> Vec<String> {
            find_tags(t, None, &autolink::find(t))
                .into_iter()
                .map(|(_, n)| n)
                .collect()
        };
        assert_eq!(
            names("#start mid #area/topic, end #x-y_z."),
            ["start", "area/topic", "x-y_z"]
        );
        assert!(names("issue #1 and C# and a#b").is_empty());
        assert!(names("see https://example.com/#frag").is_empty());
        assert_eq!(names("#café #2024a"), ["café", "2024a"]);
        assert_eq!(find_tags("#x", Some('*'), &[]).len(), 0);
    }

    #[test]
    fn sizes() {
        assert_eq!(split_size("300"), (String::new(), Some((300, None))));
        assert_eq!(
            split_size("alt|300x200"),
            ("alt".into(), Some((300, Some(200))))
        );
        assert_eq!(split_size("a diagram"), ("a diagram".into(), None));
        assert_eq!(split_size("x|wide"), ("x|wide".into(), None));
    }

    #[test]
    fn heading_chains_and_blocks_read_well() {
        assert_eq!(wiki_display("Note#A#B"), "Note › A › B");
        assert_eq!(wiki_display("Note#^blk"), "Note");
        assert_eq!(wiki_display("#A"), "A");
    }
}
