//! GFM "extended autolinks": bare `https://…`, `http://…` and `www.…` in text become links.

use std::ops::Range;

/// Finds autolinks in `text`: byte ranges and the URL each links to.
pub fn find(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    // Most text has no address at all: two substring searches say so faster than the scan
    // below, which stops at every `h` and `w`.
    if !text.contains("http") && !text.contains("www.") {
        return out;
    }
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let scheme_len = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else if rest.starts_with("www.") {
            0
        } else {
            // Jump to the next candidate start.
            let step = rest.chars().next().map_or(1, char::len_utf8);
            match rest[step..].find(['h', 'w']) {
                Some(n) => {
                    i += step + n;
                    continue;
                }
                None => break,
            }
        };
        // Must start at a word boundary (GFM: start of line, whitespace, or `*_~(`).
        let boundary = i == 0 || {
            let prev = text[..i].chars().next_back().unwrap_or(' ');
            prev.is_whitespace() || matches!(prev, '*' | '_' | '~' | '(' | '"' | '\'')
        };
        let end = i + rest
            .find(|c: char| c.is_whitespace() || c == '<')
            .unwrap_or(rest.len());
        let end = trim_trailing(text, i, end);
        let host_start = i + scheme_len;
        let host = &text[host_start..end];
        let host_end = host.find(['/', '?', '#']).unwrap_or(host.len());
        let valid_host = host_end > 0
            && host[..host_end].contains('.')
            && host[..host_end]
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
        if boundary && valid_host && end > host_start {
            let shown = &text[i..end];
            let url = if scheme_len == 0 {
                format!("http://{shown}")
            } else {
                shown.to_string()
            };
            out.push((i..end, url));
            i = end;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// GFM trailing-punctuation rules: drop `?!.,:*_~'"` at the end, and `)` when unbalanced.
fn trim_trailing(text: &str, start: usize, mut end: usize) -> usize {
    loop {
        let s = &text[start..end];
        let Some(last) = s.chars().next_back() else {
            return end;
        };
        if matches!(
            last,
            '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"' | ';'
        ) {
            end -= last.len_utf8();
        } else if last == ')' && s.matches(')').count() > s.matches('(').count() {
            end -= 1;
        } else {
            return end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    fn urls(t: &str) -> Vec<String> {
        find(t).into_iter().map(|(_, u)| u).collect()
    }

    #[test]
    fn finds_bare_urls() {
        assert_eq!(
            urls("see https://example.com/a."),
            vec!["https://example.com/a"]
        );
        assert_eq!(urls("(www.example.com)"), vec!["http://www.example.com"]);
        assert_eq!(
            urls("https://en.wikipedia.org/wiki/Foo_(bar) ok"),
            vec!["https://en.wikipedia.org/wiki/Foo_(bar)"]
        );
        assert!(urls("nothing here, what about www alone").is_empty());
        assert!(urls("xhttps://nope.com").is_empty());
        assert_eq!(urls("— é https://a.io —"), vec!["https://a.io"]);
        assert!(urls("—hé—wé").is_empty());
    }
}
