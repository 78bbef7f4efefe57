//! Knowledge navigation in real headless Chromium (tests/browser/navigation.mjs): link previews
//! by hover, keyboard and search-result selection (the right section of the right note, inside
//! the viewport, no layout shift, Escape, nested one level, a tap navigates), the local graph's
//! nodes and label contrast in light and dark, graph.html showing every note and finding one;
//! from `file://` and over HTTP, with no request leaving the site.

mod support;

#[test]
fn previews_local_graph_and_graph_page_work_in_chromium() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let notes = walkdir::WalkDir::new(support::repo().join("notes"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    let out = support::run_browser_script(
        "navigation.mjs",
        &[site.to_str().expect("utf-8 path"), &notes.to_string()],
    );
    eprintln!("{out}");
}
