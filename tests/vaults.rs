//! Notes written in Obsidian and Quartz: fixture vaults under `tests/fixtures/vault-*` built end
//! to end, their output and diagnostics asserted.

mod support;

use std::path::{Path, PathBuf};

use corem::diagnostic::Diagnostic;
use corem::{BuildReport, Error};

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    report: BuildReport,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("{rel} should exist in the output: {e}"))
    }
}

fn render(d: &[Diagnostic]) -> String {
    d.iter().map(|x| x.render(false)).collect()
}

/// Builds a fixture (or any folder) into a temp folder; panics with the diagnostics on failure.
fn build_dir(dir: &Path) -> Built {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("site");
    match corem::build(dir, &support::options(&out)) {
        Ok(report) => Built {
            _dir: tmp,
            out,
            report,
        },
        Err(Error::Diagnostics(d)) => panic!("build of {} failed:\n{}", dir.display(), render(&d)),
        Err(e) => panic!("build of {} failed: {e}", dir.display()),
    }
}

fn build(name: &str) -> Built {
    build_dir(&support::fixture(name))
}

/// Issue 23: `[[Note|label]]` in a table row kept its `|` as a cell separator, which cut the
/// link in two and dropped the row's last cell, with no diagnostic.
#[test]
fn wikilink_labels_in_table_cells_stay_links() {
    let b = build("vault-table");
    assert!(
        b.report.warnings.is_empty(),
        "{}",
        render(&b.report.warnings)
    );
    let page = b.read("sharding.html");
    assert!(
        page.contains(
            r#"<tr><td>Geographic</td><td>region or <a href="geohashing-and-quadtrees.html">geohash</a> prefix</td><td>data near its users</td><td>uneven regions</td></tr>"#
        ),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<td><a href="storage-tiers.html#object-storage">object storage</a> and <a href="storage-tiers.html">tiers</a></td><td>cold data</td><td>slow reads</td>"#
        ),
        "{page}"
    );
    assert!(!page.contains("[["), "no half link is left: {page}");
}
