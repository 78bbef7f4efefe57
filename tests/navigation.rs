//! Knowledge navigation end to end on fixtures: each note's preview script holds its sections
//! (rendered, links relative to the note), the local graph links a note's neighbours, graph.html
//! has every note, the same notes give the same bytes, and `[navigation]` switches each part off.

mod support;

use std::path::Path;

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The data a preview script assigns, as JSON.
fn preview_data(site: &Path, rel: &str) -> serde_json::Value {
    let js = read(site, rel);
    let start = js.find("]=").expect("an assignment") + 2;
    let json = js[start..].trim_end().trim_end_matches(';');
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{rel} holds JSON: {e}"))
}

/// Note pages of a built fixture: output paths of pages that have a preview script.
fn note_pages(site: &Path) -> Vec<String> {
    walkdir::WalkDir::new(site.join("_preview"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(site.join("_preview"))
                .expect("inside");
            rel.to_string_lossy().replace(".js", ".html")
        })
        .collect()
}

/// `href`s of the nodes of a page's local graph.
fn graph_links(html: &str) -> Vec<String> {
    let Some(start) = html.find("<nav class=\"local-graph\"") else {
        return Vec::new();
    };
    let end = start + html[start..].find("</nav>").expect("closed");
    html[start..end]
        .split("<a class=\"g-n ")
        .skip(1)
        .filter_map(|a| {
            let at = a.find("href=\"")? + 6;
            Some(a[at..at + a[at..].find('"')?].to_string())
        })
        .collect()
}

#[test]
fn each_note_has_a_preview_script_with_its_sections() {
    let (_dir, site) = support::build_into_temp(&support::fixture("basic"), None);
    let pages = note_pages(&site);
    assert_eq!(pages.len(), 7, "one preview per note: {pages:?}");
    for p in &pages {
        assert!(site.join(p).is_file(), "{p} is a page");
    }
    let second = preview_data(&site, "_preview/alpha/second-note.js");
    assert_eq!(second["t"], "Second note");
    assert_eq!(second["d"], "The target of many links.");
    assert_eq!(second["p"], "Alpha section");
    let chunks = second["c"].as_array().expect("chunks");
    let ids: Vec<&str> = chunks.iter().map(|c| c[0].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["", "part-one", "part-two", "part-one-1"]);
    assert!(
        chunks[2][3]
            .as_str()
            .unwrap_or("")
            .contains("Text two, shown in embeds.")
    );
    // Written for the note's own page: a link to a sibling is relative to alpha/.
    assert!(
        chunks[0][3]
            .as_str()
            .unwrap_or("")
            .contains("href=\\\"first.html\\\"")
            || chunks[0][3]
                .as_str()
                .unwrap_or("")
                .contains("href=\"first.html\"")
    );

    let first = preview_data(&site, "_preview/alpha/first.js");
    let blocks = first["c"]
        .as_array()
        .expect("chunks")
        .iter()
        .find(|c| c[0] == "blocks")
        .expect("the Blocks section");
    let html = blocks[3].as_str().unwrap_or("");
    assert!(html.contains("<math"), "math is rendered: {html}");
    assert!(html.contains("<svg"), "the diagram is drawn");
    assert!(
        !html.contains("id=\"blocks\""),
        "headings carry no id in a preview"
    );
    let links = first["c"][2][3].as_str().unwrap_or("");
    assert!(
        links.contains("href=\"../beta/nested/deep.html\""),
        "{links}"
    );
    // The page asks for previews; the single script that shows them is in the theme.
    assert!(read(&site, "alpha/first.html").contains(" data-previews"));
    assert!(site.join("preview.js").is_file());
}

#[test]
fn a_long_section_is_cut_at_a_block_boundary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(&notes).expect("notes");
    let para = "A sentence of about sixty characters that fills a paragraph. ".repeat(8);
    let body: String = (0..12)
        .map(|i| format!("Paragraph {i}. {para}\n\n"))
        .collect();
    std::fs::write(
        notes.join("long.md"),
        format!("# Long\n\n## Many\n\n{body}"),
    )
    .expect("note");
    std::fs::write(notes.join("index.md"), "# Home\n\nSee [[Long#Many]].\n").expect("home");
    let out = dir.path().join("site");
    corem::build(dir.path(), &support::options(&out)).expect("builds");
    let data = preview_data(&out, "_preview/long.js");
    let many = &data["c"][1];
    assert_eq!(many[0], "many");
    assert_eq!(many[4], 1, "the chunk says it was cut");
    let html = many[3].as_str().unwrap_or("");
    assert!(html.contains("Paragraph 0.") && !html.contains("Paragraph 11."));
    assert!(html.trim_end().ends_with("</p>"), "whole blocks only");
}

#[test]
fn local_graph_links_the_neighbours_of_a_note() {
    let (_dir, site) = support::build_into_temp(&support::fixture("basic"), None);
    let html = read(&site, "alpha/first.html");
    let links = graph_links(&html);
    for l in &links {
        let target = site
            .join("alpha")
            .join(l.replace("%C3%A9", "é").replace("%C3%A8", "è"));
        assert!(target.is_file(), "{l} from alpha/first.html exists");
    }
    // First links to Second note, deep and Café crème; plain and Second link back.
    for want in [
        "second-note.html",
        "../beta/nested/deep.html",
        "../beta/plain.html",
    ] {
        assert!(links.iter().any(|l| l == want), "{want} in {links:?}");
    }
    assert!(html.contains("<title>Second note (Alpha section): links both ways</title>"));
    assert!(
        html.contains("<title>Plain (Beta): links to this note</title>"),
        "{html}"
    );
    assert!(html.contains("<title>Alpha section: links to this note</title>"));
    assert!(html.contains("class=\"g-n g-current"));
    // The note itself is not a link in its own graph.
    assert!(!links.iter().any(|l| l == "first.html"));
}

#[test]
fn graph_page_has_every_note_and_the_same_notes_give_the_same_bytes() {
    let (_a, one) = support::build_into_temp(&support::fixture("basic"), None);
    let (_b, two) = support::build_into_temp(&support::fixture("basic"), None);
    let graph = read(&one, "graph.html");
    assert_eq!(graph.matches("<a class=\"g-n ").count(), 7);
    for p in note_pages(&one) {
        let href = corem::render::html::encode_path(&p);
        assert!(
            graph.contains(&format!("href=\"{href}\"")),
            "{p} on graph.html"
        );
    }
    assert_eq!(
        graph,
        read(&two, "graph.html"),
        "graph.html is deterministic"
    );
    assert_eq!(
        read(&one, "alpha/first.html"),
        read(&two, "alpha/first.html")
    );
    assert!(
        read(&one, "index.html").contains("href=\"graph.html\""),
        "linked from the sidebar"
    );
}

#[test]
fn navigation_parts_can_be_switched_off_and_the_graph_can_reach_two_hops() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p");
    support::copy_dir(&support::fixture("basic"), &project);
    let config = read(&project, "corem.toml");
    std::fs::write(
        project.join("corem.toml"),
        format!(
            "{config}\n[navigation]\npreviews = false\nlocal_graph = false\ngraph_page = false\n"
        ),
    )
    .expect("config");
    let (_o, off) = support::build_into_temp(&project, None);
    assert!(!off.join("_preview").exists() && !off.join("graph.html").exists());
    let first = read(&off, "alpha/first.html");
    assert!(!first.contains("local-graph") && !first.contains("data-previews"));
    assert!(
        !first.contains("graph.html"),
        "no link to a page that is not there"
    );

    std::fs::write(
        project.join("corem.toml"),
        format!("{config}\n[navigation]\nlocal_graph_depth = 2\n"),
    )
    .expect("config");
    let (_t, two) = support::build_into_temp(&project, None);
    let pages = note_pages(&two);
    let second_hop = pages.iter().any(|p| read(&two, p).contains("g-r2\""));
    assert!(second_hop, "some note shows a second-hop neighbour");
}
