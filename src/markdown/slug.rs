//! Heading ids the way GitHub makes them, so links copied from GitHub keep working.

/// GitHub's heading slug: lower case, punctuation removed, spaces to `-`; letters of every
/// script, digits, `-` and `_` are kept. (`"Cache-aside: Pros & Cons"` → `cache-aside-pros--cons`.)
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::github_slug;

    #[test]
    fn matches_github() {
        assert_eq!(github_slug("Cache-aside"), "cache-aside");
        assert_eq!(github_slug("Pros & Cons"), "pros--cons");
        assert_eq!(github_slug("2.3 CAP theorem?"), "23-cap-theorem");
        assert_eq!(github_slug("Ça marche"), "ça-marche");
        assert_eq!(github_slug("`code` in title"), "code-in-title");
    }
}
