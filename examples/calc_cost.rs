//! What worked calculations cost: numbat's prelude, a note's context, each block, each inline
//! value, and a second pass served from the cache (what `serve` gets for an unchanged note).
//!
//! `cargo run --release --example calc_cost [NOTES_DIR]` (default: the bundled `notes/`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use corem::calc::{NoteCalc, prelude};
use corem::markdown::{Ev, parse};

#[global_allocator]
static ALLOC: corem::calc::CalcAlloc = corem::calc::CalcAlloc;

fn notes(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            notes(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

/// The body after a `---` front matter block.
fn body(src: &str) -> (&str, usize) {
    if let Some(rest) = src.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        let start = 4 + end + 5;
        return (&src[start..], src[..start].matches('\n').count());
    }
    (src, 0)
}

struct Pass {
    blocks: Vec<Duration>,
    inlines: Vec<Duration>,
    first: Vec<Duration>,
    errors: usize,
}

fn pass(files: &[(PathBuf, String)]) -> Pass {
    let mut r = Pass {
        blocks: Vec::new(),
        inlines: Vec::new(),
        first: Vec::new(),
        errors: 0,
    };
    for (_, src) in files {
        let (b, lines) = body(src);
        let (p, _) = parse(b, None);
        let mut calc: Option<NoteCalc> = None;
        for ev in &p.events {
            let is_calc = matches!(ev, Ev::Fence(i) if p.fences[*i].lang == "calc")
                || matches!(ev, Ev::InlineCalc { .. });
            if !is_calc {
                continue;
            }
            let first = calc.is_none();
            let t = Instant::now();
            let c = calc.get_or_insert_with(|| {
                NoteCalc::new(b, lines, &p, corem::calc::Formats::default())
            });
            let res = match ev {
                Ev::Fence(i) => c.block(&p.fences[*i]),
                Ev::InlineCalc { expr, offset } => c.inline(expr, *offset),
                _ => continue,
            };
            let dt = t.elapsed();
            if res.is_err() {
                r.errors += 1;
            }
            if first {
                r.first.push(dt);
            } else if matches!(ev, Ev::Fence(_)) {
                r.blocks.push(dt);
            } else {
                r.inlines.push(dt);
            }
        }
    }
    r
}

fn stats(name: &str, v: &[Duration]) {
    if v.is_empty() {
        return;
    }
    let total: Duration = v.iter().sum();
    let max = v.iter().max().copied().unwrap_or_default();
    println!(
        "{name:<34} n={:<4} mean {:>8.2?}  max {:>8.2?}  total {:>8.2?}",
        v.len(),
        total / v.len() as u32,
        max,
        total
    );
}

fn main() {
    let dir = std::env::args().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("notes"),
        PathBuf::from,
    );
    let mut paths = Vec::new();
    notes(&dir, &mut paths);
    paths.sort();
    let files: Vec<(PathBuf, String)> = paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|s| (p, s)))
        .collect();

    let t = Instant::now();
    let ctx = prelude().expect("prelude");
    println!("numbat prelude (once per process)  {:>8.2?}", t.elapsed());
    let t = Instant::now();
    let n = 20;
    for _ in 0..n {
        std::hint::black_box(ctx.clone());
    }
    println!(
        "Context::clone (per note)          {:>8.2?}",
        t.elapsed() / n
    );

    let t = Instant::now();
    let cold = pass(&files);
    let cold_total = t.elapsed();
    println!("\nfirst pass (evaluated), sequential:");
    stats("first calc item of a note (+clone)", &cold.first);
    stats("further calc blocks", &cold.blocks);
    stats("further inline values", &cold.inlines);
    println!(
        "all calc of {} notes: {cold_total:.2?} ({} errors)",
        files.len(),
        cold.errors
    );

    let t = Instant::now();
    let warm = pass(&files);
    let warm_total = t.elapsed();
    println!("\nsecond pass (unchanged notes, served from the cache):");
    println!("all calc: {warm_total:.2?} ({} errors)", warm.errors);
}
