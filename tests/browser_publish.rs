//! Publishing in real headless Chromium: the site served like GitHub Pages (under `/<repo>/`
//! and at a domain root) crawled from `404.html` at a deep missing path; the single-file
//! handbook offline; `print.html` printed to PDF by `chromium --headless --print-to-pdf`.

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn site_works_under_a_project_path_and_at_a_domain_root_from_a_deep_404() {
    let (_dir, site) = support::build_into_temp(&support::repo(), None);
    let site = site.to_str().expect("utf-8 path");
    // "/corem/" is also the name of one of the handbook's sections: 404.html must not mistake
    // one for the other.
    for prefix in ["/corem/", "/"] {
        let out = support::run_browser_script("pages.mjs", &[site, prefix]);
        eprintln!("{out}");
    }
}

#[test]
fn single_file_handbook_works_offline_with_search() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("handbook.html");
    let report = corem::build_single_file(&support::repo(), &corem::BuildOptions::default(), &file)
        .expect("builds");
    let html = std::fs::read_to_string(&file).expect("handbook.html");
    let diagrams = html
        .matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg ")
        .count();
    let calcs = html.matches("<div class=\"calc\">").count();
    assert!(
        diagrams > 10 && calcs > 10,
        "{diagrams} diagrams, {calcs} calcs"
    );
    eprintln!(
        "handbook.html: {} bytes ({:.0} KB) for {} notes, {diagrams} diagrams, {calcs} calculations",
        report.bytes,
        report.bytes as f64 / 1024.0,
        report.notes
    );
    let out = support::run_browser_script(
        "handbook.mjs",
        &[
            file.to_str().expect("utf-8 path"),
            &report.notes.to_string(),
            &diagrams.to_string(),
            &calcs.to_string(),
            "cap theorem",
            "principles--cap-theorem",
        ],
    );
    eprintln!("{out}");
}

/// Pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree nodes).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let mut n = 0;
    for needle in ["/Type /Page", "/Type/Page"] {
        let mut rest = &text[..];
        while let Some(i) = rest.find(needle) {
            rest = &rest[i + needle.len()..];
            if !rest.starts_with('s') {
                n += 1;
            }
        }
    }
    n
}

fn print_to_pdf(page: &Path, pdf: &Path) {
    let chromium = std::env::var("COREM_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs (apt-get install -y chromium)");
    assert!(
        pdf.is_file(),
        "no PDF written: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn print_page_prints_each_note_on_its_own_pages() {
    let (dir, site) = support::build_into_temp(&support::fixture("basic"), None);
    let print = site.join("print.html");
    let html = std::fs::read_to_string(&print).expect("print.html");
    let notes = html.matches("<article id=").count();
    assert!(notes >= 5, "{notes} notes in print.html");
    let pdf = dir.path().join("print.pdf");
    print_to_pdf(&print.canonicalize().expect("path"), &pdf);
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let pages = pdf_pages(&bytes);
    eprintln!(
        "print.pdf: {pages} pages for {notes} notes ({} bytes)",
        bytes.len()
    );
    // The cover, the contents (page break before it), then each note from a new page.
    assert!(
        pages >= notes + 2,
        "{pages} pages: want at least cover + contents + one per note ({notes})"
    );
    // The print stylesheet itself: no chrome, breaks before notes, link targets shown.
    let out = support::run_browser_script("print.mjs", &[print.to_str().expect("utf-8 path")]);
    eprintln!("{out}");
}

#[test]
fn pdf_page_counter_skips_the_page_tree() {
    let pdf = b"1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R]>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page/Parent 1 0 R>>";
    assert_eq!(pdf_pages(pdf), 2);
}
