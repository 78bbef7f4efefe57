#![cfg_attr(not(feature = "svgbob"), allow(unused_imports, dead_code))]
//! ```` ```svgbob ```` ASCII-art diagrams, drawn by the `svgbob` crate and made to fit corem:
//! a `viewBox` (so they scale), ids prefixed per diagram, markers as attributes instead of
//! svgbob's stylesheet (which would name global ids), colours from the theme's CSS.

use std::time::Duration;

use super::Rendered;
use super::svg::{ID, esc};

/// svgbob's marker ids.
const MARKERS: &[&str] = &[
    "arrow",
    "diamond",
    "circle",
    "open_circle",
    "big_open_circle",
];

/// Without the `svgbob` feature a ```` ```svgbob ```` block is an error, not a silent code block.
#[cfg(not(feature = "svgbob"))]
pub fn render(_src: &str) -> Result<Rendered, super::SyntaxError> {
    Err(super::SyntaxError {
        pos: 0,
        message: "this corem was built without svgbob support (cargo feature `svgbob`)".into(),
    })
}

/// Draws an svgbob block as SVG (coloured by the theme's CSS); a block over the size budget
/// is an error.
#[cfg(feature = "svgbob")]
pub fn render(src: &str) -> Result<Rendered, super::SyntaxError> {
    super::budget::bob_size(src)?;
    Ok(draw(src))
}

#[cfg(feature = "svgbob")]
fn draw(src: &str) -> Rendered {
    let settings = svgbob::Settings {
        include_backdrop: false,
        include_styles: false,
        include_defs: true,
        ..Default::default()
    };
    let raw = svgbob::to_svg_with_settings(src, &settings);
    let (w, h) = (attr(&raw, "width"), attr(&raw, "height"));
    // The root element: ours, with a viewBox and an accessible name.
    let body_start = raw.find('>').map_or(0, |k| k + 1);
    let body_end = raw.rfind("</svg>").unwrap_or(raw.len());
    let mut body = fix_markers(&raw[body_start..body_end]);
    for m in MARKERS {
        let open = format!("<marker id=\"{m}\"");
        if body.contains(&format!("url(#{ID}-{m})")) {
            body = body.replace(&open, &format!("<marker id=\"{ID}-{m}\""));
        } else if let Some(k) = body.find(&open) {
            // Unused: drop it (svgbob always writes all five).
            if let Some(e) = body[k..].find("</marker>") {
                body.replace_range(k..k + e + "</marker>".len(), "");
            }
        }
    }
    body = body.replace("<defs></defs>", "");
    // Pretty-printing whitespace between elements is not content.
    let body: String = body.lines().map(str::trim).collect::<Vec<_>>().join("");
    let labels: Vec<String> = texts(&body);
    let name = if labels.is_empty() {
        "ASCII-art diagram".to_string()
    } else {
        format!("Diagram: {}", labels.join(", "))
    };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg dg-bob\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{ID}-title\"><title id=\"{ID}-title\">{}</title>{body}</svg>",
        esc(&name)
    );
    Rendered {
        kind: "svgbob",
        svg,
        labels,
        title: None,
        time: Duration::ZERO,
        work: 0,
        links: Vec::new(),
        link_pos: Vec::new(),
        warnings: Vec::new(),
    }
}

fn attr(s: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let head = &s[..s.find('>').unwrap_or(s.len())];
    head.find(&key)
        .and_then(|k| {
            let v = &head[k + key.len()..];
            v.find('"').map(|e| v[..e].to_string())
        })
        .unwrap_or_else(|| "0".into())
}

/// `class="… end_marked_arrow"` → also `marker-end="url(#ID-arrow)"`.
fn fix_markers(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 64);
    let mut rest = s;
    while let Some(k) = rest.find("class=\"") {
        let v = &rest[k + 7..];
        let Some(e) = v.find('"') else { break };
        let classes = &v[..e];
        out.push_str(&rest[..k + 7 + e + 1]);
        for c in classes.split_whitespace() {
            for (prefix, attr) in [
                ("end_marked_", "marker-end"),
                ("start_marked_", "marker-start"),
            ] {
                if let Some(m) = c.strip_prefix(prefix)
                    && MARKERS.contains(&m)
                {
                    out.push_str(&format!(" {attr}=\"url(#{ID}-{m})\""));
                }
            }
        }
        rest = &v[e + 1..];
    }
    out.push_str(rest);
    out
}

fn texts(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(k) = rest.find("<text") {
        let v = &rest[k..];
        let Some(open_end) = v.find('>') else { break };
        let Some(close) = v.find("</text>") else {
            break;
        };
        let t = v[open_end + 1..close]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        if !t.trim().is_empty() {
            out.push(t.trim().to_string());
        }
        rest = &v[close..];
    }
    out
}

#[cfg(all(test, feature = "svgbob"))]
mod tests {
    use super::*;

    #[test]
    fn ascii_art_becomes_prefixed_svg() {
        let r = draw("+------+     +-----+\n| Box  |---->| Two |\n+------+     +-----+\n");
        let svg = r.svg("p1");
        assert!(svg.contains("viewBox=\"0 0 "));
        assert!(!svg.contains("id=\"arrow\""));
        assert!(!svg.contains("<marker"), "unused markers are dropped");
        let r2 = draw("a ----> b\n  <---*\n");
        let svg = r2.svg("p2");
        if svg.contains("url(#") {
            assert!(svg.contains("url(#p2-"));
            assert!(svg.contains("<marker id=\"p2-"));
        }
        assert!(!svg.contains("<style"));
        assert!(r.labels.contains(&"Box".to_string()));
    }
}
