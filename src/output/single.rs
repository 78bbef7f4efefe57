//! `corem build --single-file`: the whole handbook as one self-contained HTML file.
//!
//! Rendering gives the page ([`crate::render::render_handbook`]); this stage makes it stand
//! alone: stylesheets with their fonts, scripts, the search index, the favicon and every image
//! a note shows become inline text or `data:` URIs, and the file is written atomically (a
//! temporary file beside it, renamed over it only when complete).

use std::path::Path;

use crate::Error;

/// Glue between search.js and the one-page layout (see the file's comment).
pub const HANDBOOK_JS: &str = include_str!("handbook.js");

/// The media type of a file, from its extension (what a `data:` URI needs).
pub fn mime(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "css" => "text/css",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

/// `data:<mime>;base64,<bytes>`.
pub fn data_uri(path: &str, bytes: &[u8]) -> String {
    let mut out = format!("data:{};base64,", mime(path));
    base64(bytes, &mut out);
    out
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8], out: &mut String) {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Replaces every `url(…)` of `css` that names a file `lookup` knows (a path relative to the
/// stylesheet) by a `data:` URI. Other URLs (`data:`, fragments, unknown files) stay as written.
pub fn inline_css_urls(css: &str, lookup: &dyn Fn(&str) -> Option<Vec<u8>>) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        let (head, tail) = rest.split_at(i + 4);
        out.push_str(head);
        let Some(end) = tail.find(')') else {
            rest = tail;
            break;
        };
        let raw = tail[..end].trim();
        let url = raw.trim_matches(|c| c == '"' || c == '\'');
        let local = !(url.starts_with("data:") || url.starts_with('#') || url.contains("://"));
        match local.then(|| lookup(url)).flatten() {
            Some(bytes) => {
                out.push('"');
                out.push_str(&data_uri(url, &bytes));
                out.push('"');
            }
            None => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Makes a script safe inside an inline `<script>` element: neither `</script` nor `<!--` (which,
/// followed by `<script`, keeps the next `</script>` from ending the element, so later scripts
/// stop running) can appear, in any letter case. Their `<` becomes `\x3C`, which means `<` in
/// the string literals where such text occurs (titles and snippets in the search index).
pub fn script_text(js: &str) -> String {
    let bytes = js.as_bytes();
    let mut out = String::with_capacity(js.len());
    let mut last = 0;
    for (i, _) in js.match_indices('<') {
        let rest = &bytes[i + 1..];
        let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        if starts(b"/script") || starts(b"script") || starts(b"!--") {
            out.push_str(&js[last..i]);
            out.push_str("\\x3C");
            last = i + 1;
        }
    }
    out.push_str(&js[last..]);
    out
}

/// Refuses a `--single-file` target that is not corem's to replace: a path in the notes folder
/// or the theme folders, the configuration file, a folder or a link, or an existing file that is
/// not a single-file site corem wrote (its `<meta name="generator">` names corem).
pub fn check_target(target: &Path, project: &crate::config::Project) -> Result<(), Error> {
    let shown = target.display();
    let real_parent = target
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .unwrap_or_default();
    let real = target
        .file_name()
        .map(|n| real_parent.join(n))
        .unwrap_or_default();
    let protected = [
        (&project.notes_dir, "the notes folder"),
        (&project.templates_dir, "the theme's templates folder"),
        (&project.static_dir, "the theme's static folder"),
    ];
    for (dir, what) in protected {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        if real.starts_with(&dir) {
            return Err(Error::Usage(format!(
                "refusing to write the single-file site to `{shown}`: it is in {what}; \
                 give a path outside it, such as handbook.html"
            )));
        }
    }
    let config = project
        .config_file
        .clone()
        .unwrap_or_else(|| project.root.join(crate::config::CONFIG_FILE));
    if config.canonicalize().is_ok_and(|c| c == real) {
        return Err(Error::Usage(format!(
            "refusing to write the single-file site over the configuration `{shown}`"
        )));
    }
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.is_dir() {
        return Err(Error::Usage(format!(
            "`{shown}` is a folder; --single-file needs a file name such as handbook.html"
        )));
    }
    if meta.is_symlink() {
        return Err(Error::Usage(format!(
            "`{shown}` is a symbolic link; give the file itself or a new path"
        )));
    }
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(target)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(|e| Error::io(target, e))?;
    let head = String::from_utf8_lossy(&head[..n]);
    if !head.contains("<meta name=\"generator\" content=\"corem") {
        return Err(Error::Usage(format!(
            "refusing to replace `{shown}`: it is not a single-file site corem wrote; \
             give a new file name (or delete the file first)"
        )));
    }
    Ok(())
}

/// Replaces each attribute value `="<path>"` naming one of `files` (as the page writes them:
/// percent-encoded output paths) by the file's `data:` URI.
pub fn inline_files(html: &str, files: &[(String, Vec<u8>)]) -> String {
    let mut html = html.to_string();
    for (path, bytes) in files {
        let written = format!("=\"{}\"", crate::render::html::encode_path(path));
        if html.contains(&written) {
            html = html.replace(&written, &format!("=\"{}\"", data_uri(path, bytes)));
        }
    }
    html
}

/// Writes `bytes` to `target` atomically: a temporary file in the same folder, renamed over
/// `target` only once fully written, so a failure never leaves a half-written file.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    if target.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is a folder; --single-file needs a file name such as handbook.html",
            target.display()
        )));
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "handbook.html".into());
    let prefix = format!(".{name}.corem-tmp-");
    super::remove_dead_leftovers(&parent, &prefix);
    let tmp = parent.join(format!("{prefix}{}", std::process::id()));
    let result = std::fs::write(&tmp, bytes)
        .map_err(|e| Error::io(&tmp, e))
        .and_then(|()| std::fs::rename(&tmp, target).map_err(|e| Error::io(target, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24 (11): a title such as `<!--<script>` in the inlined search index must not stop
    /// the scripts after it; `</script` in any case must not end the element.
    #[test]
    fn inline_scripts_cannot_be_ended_or_escaped_from() {
        let js = r#"var t = ["<!--<script>", "</SCRIPT>", "</script >", "a < b"];"#;
        let safe = script_text(js);
        let lower = safe.to_ascii_lowercase();
        assert!(
            !lower.contains("<!--") && !lower.contains("</script") && !lower.contains("<script")
        );
        assert_eq!(
            safe,
            r#"var t = ["\x3C!--\x3Cscript>", "\x3C/SCRIPT>", "\x3C/script >", "a < b"];"#
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut s = String::new();
            base64(input.as_bytes(), &mut s);
            assert_eq!(s, want, "{input}");
        }
    }

    #[test]
    fn css_urls_of_known_files_become_data_uris() {
        let css =
            "a{b:url(fonts/x.ttf)} c{d:url('data:image/svg+xml,<svg/>')} e{f:url(\"missing.png\")}";
        let out = inline_css_urls(css, &|u| (u == "fonts/x.ttf").then(|| b"foo".to_vec()));
        assert_eq!(
            out,
            "a{b:url(\"data:font/ttf;base64,Zm9v\")} c{d:url('data:image/svg+xml,<svg/>')} e{f:url(\"missing.png\")}"
        );
    }

    #[test]
    fn images_named_by_the_page_are_inlined() {
        let html = r#"<img src="assets/a%20b.png" alt=""><a href="assets/a%20b.png">x</a>"#;
        let out = inline_files(html, &[("assets/a b.png".into(), b"foo".to_vec())]);
        assert_eq!(
            out,
            r#"<img src="data:image/png;base64,Zm9v" alt=""><a href="data:image/png;base64,Zm9v">x</a>"#
        );
    }

    #[test]
    fn atomic_write_replaces_or_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("h.html");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(
            write_atomic(dir.path(), b"x").is_err(),
            "a folder is refused"
        );
    }
}
