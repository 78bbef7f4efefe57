//! The Markdown floor for the build benchmark (`bench/build.sh`): what turning every note into
//! an HTML file costs with pulldown-cmark alone — read, render (tables, footnotes, strikethrough,
//! task lists), write one file per note, in parallel — with no templates, links, highlighting
//! or search. corem's full build is compared with it on the same disk.
//!
//!   cargo run --release --example floor -- NOTES_DIR OUT_DIR

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [notes, out] = args.as_slice() else {
        eprintln!("usage: floor NOTES_DIR OUT_DIR");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(notes)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let result: Result<usize, String> = files
        .par_iter()
        .map(|path| render(notes, out, path))
        .try_reduce(|| 0, |a, b| Ok(a + b));
    match result {
        Ok(bytes) => println!("{} notes, {bytes} bytes of HTML", files.len()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

fn render(notes: &Path, out: &Path, path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    let mut page = String::with_capacity(text.len() * 2);
    html::push_html(&mut page, Parser::new_ext(&text, opts));
    let rel = path
        .strip_prefix(notes)
        .unwrap_or(path)
        .with_extension("html");
    let target = out.join(rel);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&target, &page).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(page.len())
}
