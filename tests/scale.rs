//! What keeps a large site linear: each page's navigation has a bounded size, and past
//! `[print] max_notes` the print view is one page per section. Built on generated projects
//! (too many files for a checked-in fixture) in a temp folder.

mod support;

use std::fmt::Write as _;
use std::path::Path;

/// Writes a project with `sections` top-level folders of `per` notes each, a home note and a
/// root note, and `corem.toml` holding `toml`. Note 1 of each section links to note 2 of the
/// next section and to its own heading.
fn project(dir: &Path, sections: usize, per: usize, toml: &str) {
    let notes = dir.join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(dir.join("corem.toml"), toml).unwrap();
    std::fs::write(notes.join("index.md"), "# Home\n\nThe home note.\n").unwrap();
    std::fs::write(notes.join("about.md"), "# About\n\nA root note.\n").unwrap();
    for s in 0..sections {
        let folder = notes.join(format!("{s:03}-sec{s}"));
        std::fs::create_dir_all(&folder).unwrap();
        for n in 0..per {
            let mut text = format!("# Note {s}-{n}\n\nText of note {s}-{n}.\n\n## Part\n\nMore.\n");
            if n == 0 {
                let next = (s + 1) % sections;
                let _ = write!(
                    text,
                    "\nSee [next](../{next:03}-sec{next}/{:03}-n1.md) and [part](#part).\n",
                    1
                );
            }
            std::fs::write(folder.join(format!("{n:03}-n{n}.md")), text).unwrap();
        }
    }
}

fn build(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("site");
    corem::build(dir, &support::options(&out)).unwrap_or_else(|e| panic!("build: {e}"));
    out
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `<nav class="site-nav">` of a page.
fn site_nav(html: &str) -> &str {
    let start = html.find("<nav class=\"site-nav\"").expect("site nav");
    let end = start + html[start..].find("</nav>").expect("end of nav");
    &html[start..end]
}

#[test]
fn a_long_nav_list_shows_the_items_around_the_page_and_links_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    // 80 top-level sections (more than NAV_LIST_MAX), 70 notes in one of them.
    project(dir.path(), 80, 2, "");
    let big = dir.path().join("notes/040-sec40");
    for n in 2..70 {
        std::fs::write(
            big.join(format!("{n:03}-n{n}.md")),
            format!("# Note 40-{n}\n"),
        )
        .unwrap();
    }
    let out = build(dir.path());
    let window = 2 * corem::render::NAV_WINDOW + 1;

    // A page deep in the list: its own section open, 12 items each side, links to the home page
    // for the others (81 top items: the root note About, then 80 sections).
    let page = read(&out, "sec40/n50.html");
    let nav = site_nav(&page);
    let tops = nav.matches("<li class=\"nav-section").count();
    assert_eq!(tops, window, "top-level items shown:\n{nav}");
    assert!(nav.contains("Sec28") && nav.contains("Sec52") && !nav.contains("Sec27</a>"));
    assert!(nav.contains(">29 earlier sections</a>"), "{nav}");
    assert!(nav.contains(">27 more sections</a>"), "{nav}");
    assert_eq!(nav.matches("class=\"nav-more\"").count(), 2);
    // The open section's 70 notes: 12 each side of this one, the rest on the section page.
    let notes = nav.matches("<li class=\"nav-note\">").count();
    assert_eq!(notes, window, "{nav}");
    assert!(nav.contains("aria-current=\"page\">Note 40-50</a>"));
    assert!(
        nav.contains("<li class=\"nav-note nav-more\"><a href=\"index.html\">38 earlier notes</a>")
    );
    assert!(
        nav.contains("<li class=\"nav-note nav-more\"><a href=\"index.html\">7 more notes</a>")
    );
    // The "more" links go to pages that list everything.
    assert!(nav.contains("<li class=\"nav-more\">\n<a href=\"../index.html\">29 earlier sections"));
    let home = read(&out, "index.html");
    assert!(home.contains("Sec79") && home.contains("Sec0"));

    // The home page starts the list.
    let nav = site_nav(&home).to_string();
    assert!(nav.contains("About") && nav.contains("Sec23") && !nav.contains("Sec24</a>"));
    assert!(nav.contains(">56 more sections</a>") && !nav.contains("earlier"));

    // Every page's nav has the same bounded size, whichever page: no page lists all 80.
    for rel in [
        "sec0/n0.html",
        "sec79/n1.html",
        "tags/index.html",
        "search.html",
    ] {
        let html = read(&out, rel);
        let nav = site_nav(&html);
        assert!(
            nav.matches("<li class=\"nav-section").count() <= window,
            "{rel}: {nav}"
        );
    }
}

#[test]
fn short_nav_lists_are_shown_whole() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), 5, 3, "");
    let out = build(dir.path());
    let nav = site_nav(&read(&out, "sec2/n1.html")).to_string();
    assert_eq!(nav.matches("<li class=\"nav-section").count(), 6, "{nav}");
    assert!(!nav.contains("nav-more"));
}

#[test]
fn past_max_notes_print_html_lists_one_print_page_per_section() {
    let dir = tempfile::tempdir().unwrap();
    // 3 sections of 7 notes (+ index-less folders) and 2 root notes = 23 notes; at most 5 a page.
    project(dir.path(), 3, 7, "[print]\nmax_notes = 5\n");
    let out = build(dir.path());
    let print = read(&out, "print.html");
    // The root notes, then each section in two parts (7 = 4 + 3).
    for (file, label) in [
        ("print-home.html", "Home"),
        ("print-sec0.html", "Sec0 (1 of 2)"),
        ("print-sec0-2.html", "Sec0 (2 of 2)"),
        ("print-sec2-2.html", "Sec2 (2 of 2)"),
    ] {
        assert!(
            print.contains(&format!("<li><a href=\"{file}\">{label}</a>")),
            "print.html lists {file}:\n{print}"
        );
        assert!(out.join(file).is_file(), "{file} written");
    }
    assert!(!print.contains("<article"), "print.html holds no note");
    assert!(print.contains("<span class=\"print-count\">4 notes</span>"));

    // A print page: its notes only, in-page anchors within it, the other page's anchor across.
    let part = read(&out, "print-sec0.html");
    assert_eq!(part.matches("<article id=").count(), 4, "{part}");
    assert!(part.contains("id=\"sec0--n0\"") && part.contains("id=\"sec0--n3\""));
    assert!(
        !part.contains("id=\"sec0--n4\""),
        "note 5 is on the second part"
    );
    assert!(
        part.contains("href=\"#sec0--n0--part\""),
        "a link to a heading on the page"
    );
    assert!(
        part.contains("href=\"print-sec1.html#sec1--n1\""),
        "a link to a note on another print page goes to its anchor there"
    );
    assert!(part.contains("<a href=\"print.html\">All print pages</a>"));
    assert!(part.contains("<title>Sec0 (1 of 2)"), "its title");
    // Every note is printed exactly once over the pages.
    let mut anchors = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if name.starts_with("print-") {
            anchors += read(&out, &name).matches("<article id=").count();
        }
    }
    assert_eq!(anchors, 23);

    // The home page links each section's print page.
    let home = read(&out, "index.html");
    assert!(
        home.contains(
            "<p class=\"card-print\"><a href=\"print-sec1.html\">Print this section</a></p>"
        ),
        "{home}"
    );
}

#[test]
fn up_to_max_notes_print_html_holds_every_note() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), 3, 7, "[print]\nmax_notes = 23\n");
    let out = build(dir.path());
    let print = read(&out, "print.html");
    assert_eq!(print.matches("<article id=").count(), 23);
    assert!(!out.join("print-home.html").exists());
    assert!(!read(&out, "index.html").contains("card-print"));
}

/// Note pages are rendered together with the print page that shows them; a template error in
/// two notes of one print page is still reported for each of them.
#[test]
fn template_errors_of_notes_on_one_print_page_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), 3, 7, "[print]\nmax_notes = 5\n");
    for n in [1, 2] {
        let file = dir.path().join(format!("notes/000-sec0/{n:03}-n{n}.md"));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("---\ntemplate: nope.html\n---\n{text}")).unwrap();
    }
    let out = dir.path().join("site");
    let err = match corem::build(dir.path(), &support::options(&out)) {
        Err(corem::Error::Diagnostics(d)) => d,
        other => panic!("expected template errors, got {other:?}"),
    };
    for n in [1, 2] {
        let file = format!("{n:03}-n{n}.md");
        assert!(
            err.iter()
                .any(|d| d.file.ends_with(&file) && d.message.contains("nope.html")),
            "{file} reported: {err:?}"
        );
    }
}
