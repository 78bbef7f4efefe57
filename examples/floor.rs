//! The Markdown floor for the build benchmark (`bench/build.sh`): what turning every note into
//! an HTML file costs with pulldown-cmark alone — read, render (tables, footnotes, strikethrough,
//! task lists), write one file per note, in parallel — with no templates, links, highlighting
//! or search. corem's full build is compared with it on the same disk.
//!
//!   cargo run --release --example floor -- NOTES_DIR OUT_DIR [--in-place]
//!
//! Run again over its own output, it writes each file with `std::fs::write`, which empties the
//! old file first (`O_TRUNC`): on ext4 that makes `close` write the file back to disk at once and
//! frees its blocks to allocate them again, which is most of this floor's time. With
//! `--in-place` it writes each file over the old one and cuts it to length, as corem does
//! (`corem::output::overwrite`, the same function): the floor of the work itself.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let mut args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let in_place = args.last().is_some_and(|a| a.as_os_str() == "--in-place");
    if in_place {
        args.pop();
    }
    let [notes, out] = args.as_slice() else {
        eprintln!("usage: floor NOTES_DIR OUT_DIR [--in-place]");
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
        .map(|path| render(notes, out, path, in_place))
        .try_reduce(|| 0, |a, b| Ok(a + b));
    match result {
        Ok(bytes) => println!("{} notes, {bytes} bytes of HTML", files.len()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

fn render(notes: &Path, out: &Path, path: &Path, in_place: bool) -> Result<usize, String> {
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
    let written = if in_place {
        corem::output::overwrite(&target, page.as_bytes())
    } else {
        std::fs::write(&target, &page)
    };
    written.map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(page.len())
}
