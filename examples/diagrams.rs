//! Renders every ```mermaid / ```svgbob block under a notes folder and reports, per diagram,
//! its type, SVG size and render time (the figures quoted in docs/diagrams.md):
//!
//!     cargo run --release --example diagrams -- notes [preview.html]
//!
//! With a second argument, also writes a page showing all of them (for screenshots).

use std::path::Path;
use std::time::Instant;

fn blocks(text: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, l)) = lines.next() {
        let t = l.trim_start();
        let lang = t.trim_start_matches('`');
        if t.starts_with("```") && (lang.starts_with("mermaid") || lang.starts_with("svgbob")) {
            let mut code = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            out.push((
                lang.split_whitespace().next().unwrap_or("").to_string(),
                code,
                n + 1,
            ));
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map_or("notes", String::as_str);
    let mut files: Vec<_> = walk(Path::new(dir));
    files.sort();
    let (mut total, mut count, mut bytes) = (0.0, 0, 0);
    let mut page = String::new();
    let t_all = Instant::now();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (lang, code, line) in blocks(&text) {
            let t = Instant::now();
            let r = if lang == "svgbob" {
                corem::diagram::svgbob(&code)
            } else {
                corem::diagram::mermaid(&code)
            };
            let ms = t.elapsed().as_secs_f64() * 1e3;
            match r.as_ref() {
                Ok(r) => {
                    count += 1;
                    total += ms;
                    bytes += r.bytes();
                    println!(
                        "{:>7.2} ms {:>7} B  {:<9} {}:{}",
                        ms,
                        r.bytes(),
                        r.kind,
                        f.display(),
                        line
                    );
                    page.push_str(&format!("<h3>{}:{}</h3>", f.display(), line));
                    page.push_str(&corem::diagram::figure(
                        r,
                        &format!("d{count}"),
                        r.title.as_deref(),
                    ));
                }
                Err(e) => println!("ERROR {}:{}: {}", f.display(), line, e.message),
            }
        }
    }
    println!(
        "{count} diagrams, {bytes} bytes ({} per diagram), {total:.1} ms rendering ({:.2} ms per diagram), {:.1} ms wall",
        bytes / count.max(1),
        total / count.max(1) as f64,
        t_all.elapsed().as_secs_f64() * 1e3
    );
    if let Some(out) = args.get(2) {
        let html = format!(
            "<!doctype html><html><head><meta charset=utf-8><link rel=stylesheet href=\"style.css\"><style>body{{max-width:900px;margin:auto;padding:1rem}}</style></head><body>{page}</body></html>"
        );
        std::fs::write(out, html).expect("write the preview page");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out
}
