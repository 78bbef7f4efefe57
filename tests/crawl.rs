//! Crawls the built handbook and user guide the way a browser resolves `file://` URLs: every
//! internal link, script, stylesheet and image must name a real file (never a folder, never
//! `/…`), and every `#anchor` must exist in its target page.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Values of `attr="…"` (or `'…'`) attributes in the HTML, with the tag name they belong to.
fn attributes<'a>(html: &'a str, attr: &str) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut offset = 0;
    while let Some(lt) = rest.find('<') {
        let start = offset + lt;
        let Some(gt) = html[start..].find('>') else {
            break;
        };
        let tag = &html[start..start + gt];
        let name = tag[1..]
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let needle = format!(" {attr}=");
        let mut t = tag;
        while let Some(i) = t.find(&needle) {
            let v = &t[i + needle.len()..];
            let (val, used) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => match v[1..].find(q) {
                    Some(e) => (&v[1..1 + e], e + 2),
                    None => (&v[1..], v.len()),
                },
                _ => {
                    let e = v
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(v.len());
                    (&v[..e], e)
                }
            };
            out.push((name, val.replace("&amp;", "&")));
            t = &v[used..];
        }
        offset = start + gt + 1;
        rest = &html[offset..];
    }
    out
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Crawls `site`; returns every problem found.
pub fn crawl(site: &Path) -> Vec<String> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect();
    pages.sort();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut htmls = Vec::new();
    for p in &pages {
        let html = std::fs::read_to_string(p).expect("readable page");
        ids.insert(
            p.clone(),
            attributes(&html, "id")
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
        );
        htmls.push(html);
    }
    let mut problems = Vec::new();
    for (page, html) in pages.iter().zip(&htmls) {
        let rel = page
            .strip_prefix(site)
            .unwrap_or(page)
            .display()
            .to_string();
        let mut refs = attributes(html, "href");
        refs.extend(attributes(html, "src"));
        for (tag, url) in refs {
            if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
                if tag != "a" {
                    problems.push(format!("{rel}: <{tag}> loads {url} from outside the site"));
                }
                continue;
            }
            if url.starts_with("mailto:")
                || url.starts_with("data:")
                || url.starts_with("javascript:")
            {
                continue;
            }
            // 404.html's no-JavaScript fallback: without a base_url, the domain's root is
            // the only address it can name that works from any depth.
            if url == "/" && rel == "404.html" {
                continue;
            }
            if url.starts_with('/') {
                problems.push(format!(
                    "{rel}: root-absolute reference {url} breaks under file:// and sub-paths"
                ));
                continue;
            }
            let (path_part, fragment) = match url.split_once('#') {
                Some((p, f)) => (p, Some(decode(f))),
                None => (url.as_str(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or("");
            let target = if path_part.is_empty() {
                page.clone()
            } else {
                let joined = page.parent().unwrap_or(site).join(decode(path_part));
                match joined.canonicalize() {
                    Ok(t) => t,
                    Err(_) => {
                        problems.push(format!("{rel}: {url} does not exist"));
                        continue;
                    }
                }
            };
            if target.is_dir() {
                problems.push(format!(
                    "{rel}: {url} is a folder (file:// shows a listing, not a page)"
                ));
                continue;
            }
            if !target.starts_with(site.canonicalize().unwrap_or(site.to_path_buf())) {
                problems.push(format!("{rel}: {url} points outside the site"));
                continue;
            }
            if let Some(f) = fragment
                && !f.is_empty()
            {
                let key = if path_part.is_empty() {
                    page.clone()
                } else {
                    target.clone()
                };
                let known = ids
                    .iter()
                    .find(|(p, _)| p.canonicalize().ok().as_ref() == Some(&key) || **p == key)
                    .map(|(_, s)| s);
                match known {
                    Some(s) if s.contains(&f) => {}
                    Some(_) => problems.push(format!("{rel}: {url}: no element with id `{f}`")),
                    None => {}
                }
            }
        }
    }
    problems
}

#[test]
fn every_internal_link_and_anchor_of_the_handbook_resolves() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let site = site.canonicalize().unwrap();
    let problems = crawl(&site);
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The user guide (`docs/`), built as the Pages workflow builds it but without a base URL: every
/// link between its notes, to their headings and to its generated pages resolves.
#[test]
fn every_internal_link_and_anchor_of_the_guide_resolves() {
    let (_dir, site) = support::build_into_temp(&support::repo().join("docs"), None);
    let site = site.canonicalize().unwrap();
    let problems = crawl(&site);
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_crawler_catches_what_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().canonicalize().unwrap();
    std::fs::create_dir(site.join("sub")).unwrap();
    std::fs::write(
        site.join("index.html"),
        r##"<a href="sub/">folder</a><a href="/x.html">abs</a><a href="missing.html">m</a>
        <a href="sub/p.html#nope">anchor</a><a href="sub/p.html#here">ok</a><script src="https://cdn.example/x.js"></script>"##,
    )
    .unwrap();
    std::fs::write(site.join("sub/p.html"), r#"<h2 id="here">x</h2>"#).unwrap();
    let problems = crawl(&site);
    assert_eq!(problems.len(), 5, "{problems:#?}");
}
