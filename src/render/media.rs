//! Files shown in a page: images (`<img>`, with `|300` or `|300x200` sizes and SVG
//! `#fragments`), video and audio (`<video controls>`, `<audio controls>`), PDFs (an embedded
//! viewer and a download link), and any other file as a download link. Every tag is phrasing
//! content, so it may stand inside a paragraph; every URL is relative, so it works from disk.

use crate::markdown::{Link, Target, escape_attr, escape_html};

use super::html::encode_path;

/// How a file is shown, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    Video,
    Audio,
    Pdf,
    Other,
}

/// The kind of the file at `path`.
pub fn kind(path: &str) -> Kind {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "avif" | "bmp" | "ico" | "apng" => {
            Kind::Image
        }
        "mp4" | "webm" | "ogv" | "mov" | "m4v" | "mkv" => Kind::Video,
        "mp3" | "wav" | "m4a" | "ogg" | "oga" | "flac" | "aac" | "opus" | "3gp" => Kind::Audio,
        "pdf" => Kind::Pdf,
        _ => Kind::Other,
    }
}

/// The fragment written after the file's name (`icon` of `![[a.svg#icon]]`), if any.
fn fragment(link: &Link) -> Option<&str> {
    match &link.target {
        Target::Wiki { anchor, .. } | Target::Path { anchor, .. } => anchor.as_deref(),
        _ => None,
    }
}

/// ` width="300" height="200"` from a link's size.
fn size_attrs(link: &Link) -> String {
    match link.size {
        Some((w, Some(h))) => format!(" width=\"{w}\" height=\"{h}\""),
        Some((w, None)) => format!(" width=\"{w}\""),
        None => String::new(),
    }
}

/// The HTML for file `link` found at `src` (a URL relative to the page); `file_name` is the
/// file's own name, shown where the browser cannot show the file itself.
pub fn html(link: &Link, src: &str, file_name: &str) -> String {
    let frag = fragment(link);
    let with_frag = |extra: Option<&str>| match extra {
        Some(f) => format!("{src}#{}", encode_path(f)),
        None => src.to_string(),
    };
    let name = escape_html(if link.text.is_empty() {
        file_name
    } else {
        &link.text
    });
    let title = if link.title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_attr(&link.title))
    };
    let size = size_attrs(link);
    let src_attr = escape_attr(src);
    match kind(file_name) {
        Kind::Image => format!(
            "<img src=\"{}\" alt=\"{}\"{size}{title} loading=\"lazy\">",
            escape_attr(&with_frag(frag)),
            escape_attr(&link.text)
        ),
        Kind::Video => format!(
            "<video class=\"media\" src=\"{}\" controls preload=\"metadata\"{size}{title}><a href=\"{src_attr}\">{name}</a></video>",
            escape_attr(&with_frag(frag))
        ),
        Kind::Audio => format!(
            "<audio class=\"media\" src=\"{}\" controls preload=\"metadata\"{title}><a href=\"{src_attr}\">{name}</a></audio>",
            escape_attr(&with_frag(frag))
        ),
        Kind::Pdf => {
            // Obsidian's `#height=400` sets the viewer's height; other fragments (`#page=3`)
            // go to the viewer.
            let (height, frag) = match frag.and_then(|f| f.strip_prefix("height=")) {
                Some(h) if h.parse::<u32>().is_ok() => (Some(h), None),
                _ => (None, frag),
            };
            let height = match (height, link.size) {
                (Some(h), _) => format!(" height=\"{h}\""),
                (None, Some((_, Some(h)))) => format!(" height=\"{h}\""),
                (None, Some((w, None))) => format!(" height=\"{w}\""),
                (None, None) => String::new(),
            };
            let file = escape_html(file_name);
            format!(
                "<span class=\"pdf-embed\"><object class=\"pdf\" data=\"{}\" type=\"application/pdf\"{height}{title}><a href=\"{src_attr}\">{name}</a></object><a class=\"pdf-download\" href=\"{src_attr}\" download>Download {file}</a></span>",
                escape_attr(&with_frag(frag))
            )
        }
        Kind::Other => format!("<a class=\"file\" href=\"{src_attr}\" download{title}>{name}</a>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::LinkKind;

    fn link(text: &str, anchor: Option<&str>, size: Option<(u32, Option<u32>)>) -> Link {
        Link {
            kind: LinkKind::Image,
            target: Target::Wiki {
                name: "x".into(),
                anchor: anchor.map(str::to_string),
            },
            span: 0..0,
            text: text.into(),
            title: String::new(),
            dest: String::new(),
            context: String::new(),
            size,
        }
    }

    #[test]
    fn each_kind_has_its_tag() {
        let img = html(
            &link("", Some("icon"), Some((300, Some(200)))),
            "a/b.svg",
            "b.svg",
        );
        assert_eq!(
            img,
            "<img src=\"a/b.svg#icon\" alt=\"\" width=\"300\" height=\"200\" loading=\"lazy\">"
        );
        let v = html(&link("", None, None), "clip.webm", "clip.webm");
        assert!(
            v.starts_with("<video class=\"media\" src=\"clip.webm\" controls"),
            "{v}"
        );
        let a = html(&link("", None, None), "s.ogg", "s.ogg");
        assert!(
            a.starts_with("<audio class=\"media\" src=\"s.ogg\" controls"),
            "{a}"
        );
        let p = html(&link("", Some("page=2"), None), "p.pdf", "p.pdf");
        assert!(p.contains("data=\"p.pdf#page=2\""), "{p}");
        assert!(
            p.contains("href=\"p.pdf\" download>Download p.pdf</a>"),
            "{p}"
        );
        let p = html(&link("", Some("height=400"), None), "p.pdf", "p.pdf");
        assert!(
            p.contains("data=\"p.pdf\" type=\"application/pdf\" height=\"400\""),
            "{p}"
        );
        let z = html(&link("", None, None), "f.zip", "f.zip");
        assert_eq!(z, "<a class=\"file\" href=\"f.zip\" download>f.zip</a>");
    }
}
