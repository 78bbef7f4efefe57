//! Output quality gates on the built handbook and user guide (run by `.ci/run` through `cargo test`):
//! HTML validity (the Nu HTML Checker, npm `vnu-jar`, on the machine's Java), accessibility
//! (axe-core in headless Chromium) and weight (bytes per page; the theme's CSS + JS budget).

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn every_page_of_the_handbook_is_valid_html() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    vnu_finds_no_error(&site);
}

#[test]
fn every_page_of_the_user_guide_is_valid_html() {
    let (_dir, site) = support::build_into_temp(&support::repo().join("docs"), None);
    vnu_finds_no_error(&site);
}

/// Runs the Nu HTML Checker over every page of `site`; panics with its report on any error.
fn vnu_finds_no_error(site: &Path) {
    let jar = support::repo().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "the HTML checker needs `npm ci` (vnu-jar) and Java (apt-get install -y default-jre-headless); .ci/run does both"
    );
    let pages = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(site)
        .output()
        .expect("java runs (apt-get install -y default-jre-headless)");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "vnu reports errors:\n{report}"
    );
    eprintln!("vnu --errors-only: no error on {pages} pages");
}

#[test]
fn no_axe_violation_on_home_note_tag_page_and_search_results() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let tag = std::fs::read_dir(site.join("tags"))
        .expect("tags/")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html" && n.ends_with(".html"))
        .min()
        .expect("a tag page");
    // A note with diagrams and calculations.
    let note = "principles/availability-in-numbers.html";
    let html = std::fs::read_to_string(site.join(note)).expect("the note");
    assert!(html.contains("class=\"dg ") && html.contains("<div class=\"calc\">"));
    let out = support::run_browser_script(
        "axe.mjs",
        &[
            site.to_str().expect("utf-8 path"),
            "replication",
            "index.html",
            note,
            &format!("tags/{tag}"),
            "tags/index.html",
            "search.html",
            // Tables whose corner header cell is empty (rendered as <td>).
            "principles/raid.html",
        ],
    );
    eprintln!("{out}");
}

fn size(path: &Path) -> usize {
    std::fs::metadata(path).map_or(0, |m| m.len() as usize)
}

/// Files a page loads by `<link href>` and `<script src>` (relative to the page).
fn assets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (tag, attr) in [("<link ", "href=\""), ("<script ", "src=\"")] {
        for part in html.split(tag).skip(1) {
            let end = part.find('>').unwrap_or(part.len());
            let el = &part[..end];
            if tag == "<link " && !el.contains("rel=\"stylesheet\"") {
                continue;
            }
            if let Some(i) = el.find(attr) {
                let v = &el[i + attr.len()..];
                out.push(v[..v.find('"').unwrap_or(v.len())].to_string());
            }
        }
    }
    out
}

#[test]
fn weight_report_per_page() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let mut rows = Vec::new();
    let mut graph_bytes = Vec::new();
    for e in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
    {
        let html = std::fs::read_to_string(e.path()).expect("page");
        let (mut css, mut js) = (0, 0);
        for a in assets(&html) {
            let file = e.path().parent().unwrap_or(&site).join(&a);
            if a.ends_with(".css") {
                css += size(&file);
            } else if a.ends_with(".js") && !a.ends_with(corem::SEARCH_INDEX_FILE) {
                js += size(&file);
            }
        }
        let rel = e.path().strip_prefix(&site).unwrap_or(e.path());
        rows.push((rel.display().to_string(), html.len(), css, js));
        graph_bytes.push(local_graph_bytes(&html));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    eprintln!(
        "{:<56} {:>9} {:>7} {:>7} {:>9}",
        "page", "HTML", "CSS", "JS", "total"
    );
    for (p, h, c, j) in &rows {
        eprintln!("{p:<56} {h:>9} {c:>7} {j:>7} {:>9}", h + c + j);
    }
    let mut html: Vec<usize> = rows.iter().map(|r| r.1).collect();
    html.sort_unstable();
    eprintln!(
        "{} pages; HTML median {} B, max {} B; CSS and JS are shared by every page (search-index.js excluded)",
        rows.len(),
        html[html.len() / 2],
        html[html.len() - 1]
    );
    assert!(
        rows.iter().all(|r| r.2 > 0),
        "every page has its stylesheet"
    );
    navigation_report(&site, &graph_bytes);
}

/// Bytes of a page's local graph (`<nav class="local-graph">…</nav>`), 0 without one.
fn local_graph_bytes(html: &str) -> usize {
    html.find("<nav class=\"local-graph\"").map_or(0, |start| {
        html[start..]
            .find("</nav>")
            .map_or(0, |end| end + "</nav>".len())
    })
}

/// What knowledge navigation adds: the local graph in each note page's HTML (the only bytes
/// every page view pays), and what loads on demand: preview.js and one preview script per
/// note, on the first hover or focus of a link to it; graph.css and graph.js on graph.html.
fn navigation_report(site: &Path, graph_bytes: &[usize]) {
    let mut with: Vec<usize> = graph_bytes.iter().copied().filter(|&b| b > 0).collect();
    with.sort_unstable();
    let mut shards: Vec<usize> = walkdir::WalkDir::new(site.join("_preview"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| size(e.path()))
        .collect();
    shards.sort_unstable();
    assert!(
        !with.is_empty() && !shards.is_empty(),
        "local graphs and preview scripts are built"
    );
    eprintln!(
        "navigation: local graph on {} pages, added HTML median {} B, max {} B per page; \
         on demand: preview.js {} B, {} preview scripts (median {} B, max {} B, total {} B); \
         graph.html {} B with graph.css {} B and graph.js {} B",
        with.len(),
        with[with.len() / 2],
        with[with.len() - 1],
        size(&site.join("preview.js")),
        shards.len(),
        shards[shards.len() / 2],
        shards[shards.len() - 1],
        shards.iter().sum::<usize>(),
        size(&site.join("graph.html")),
        size(&site.join("graph.css")),
        size(&site.join("graph.js")),
    );
    // A page's graph stays small beside its content (the handbook's pages are 14–35 KB).
    assert!(with[with.len() - 1] < 12 * 1024, "a local graph over 12 KB");
}

const BUDGET: usize = 60 * 1024;

/// Every page's CSS + JS as it loads (stylesheets and scripts it links; search-index*.js
/// excluded) stays under 60 KB. search.js is loaded on first use of the search box (by
/// corem.js), so only search.html, whose purpose is searching, links it: it is measured with
/// that script included and reported separately; so is graph.html, whose purpose is the
/// interactive graph (graph.css and graph.js, 16.3 KB, under a budget of 60 + 16 KB).
/// preview.js is loaded on the first hover or focus of a link (by corem.js): no page links it.
#[test]
fn every_page_loads_under_60_kb_of_css_and_js() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let (mut worst, mut worst_page) = (0, String::new());
    let mut search_page = 0;
    let mut graph_page = 0;
    let mut with_search_js = Vec::new();
    for e in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
    {
        let html = std::fs::read_to_string(e.path()).expect("page");
        let bytes: usize = assets(&html)
            .iter()
            .filter(|a| (a.ends_with(".css") || a.ends_with(".js")) && !a.contains("search-index"))
            .map(|a| size(&e.path().parent().unwrap_or(&site).join(a)))
            .sum();
        let rel = e
            .path()
            .strip_prefix(&site)
            .unwrap_or(e.path())
            .display()
            .to_string();
        if assets(&html).iter().any(|a| a.ends_with("search.js")) {
            with_search_js.push(rel.clone());
        }
        assert!(
            !assets(&html).iter().any(|a| a.ends_with("preview.js")),
            "{rel} links preview.js, which corem.js loads on first use"
        );
        if rel == "search.html" {
            search_page = bytes;
        } else if rel == "graph.html" {
            graph_page = bytes;
        } else if bytes > worst {
            (worst, worst_page) = (bytes, rel);
        }
    }
    let search_js = size(&site.join("search.js"));
    eprintln!(
        "largest CSS + JS of a page: {worst} B ({worst_page}); search.html {search_page} B; \
         search.js {search_js} B, loaded on first use of the search box; graph.html {graph_page} B \
         (with graph.css and graph.js, which only it loads)"
    );
    assert!(
        graph_page < BUDGET + 16 * 1024,
        "graph.html loads {graph_page} B of CSS + JS"
    );
    assert!(
        worst > 0 && worst < BUDGET,
        "{worst_page} loads {worst} B of CSS + JS, over {BUDGET} B"
    );
    assert_eq!(
        with_search_js,
        ["search.html"],
        "only the search page links search.js"
    );
}
