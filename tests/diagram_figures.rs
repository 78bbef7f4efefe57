//! Not a test but a measurement: renders every ```mermaid / ```svgbob block of the handbook and
//! prints, per diagram, its type, SVG size and render time (the figures in docs/notes/diagrams.md):
//!
//!     cargo test --release --test diagram_figures -- --ignored --nocapture
//!
//! `COREM_DIAGRAM_NOTES=dir` measures the notes of another folder instead.
//! With `COREM_DIAGRAM_PREVIEW=page.html` set, also writes a page showing all of them; with
//! `COREM_DIAGRAM_DUMP=dir`, writes each SVG to `dir/NNN.svg` (compare two runs with `diff -r`
//! to prove a refactoring draws the same bytes).

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

#[test]
#[ignore = "a measurement, not a test: run with --ignored --nocapture"]
fn handbook_diagram_figures() {
    let dir = std::env::var("COREM_DIAGRAM_NOTES").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("notes"),
        std::path::PathBuf::from,
    );
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let (mut total, mut count, mut bytes) = (0.0, 0, 0);
    let mut page = String::new();
    let t_all = Instant::now();
    let dump = std::env::var("COREM_DIAGRAM_DUMP").ok();
    if let Some(d) = &dump {
        std::fs::create_dir_all(d).expect("create the dump folder");
    }
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
                    let rel = f.strip_prefix(&dir).unwrap_or(f);
                    println!(
                        "{:>7.2} ms {:>7} B  {:<9} {}:{}",
                        ms,
                        r.bytes(),
                        r.kind,
                        rel.display(),
                        line
                    );
                    if let Some(d) = &dump {
                        let svg = format!("<!-- {}:{} -->\n{}\n", rel.display(), line, r.svg("d"));
                        std::fs::write(Path::new(d).join(format!("{count:03}.svg")), svg)
                            .expect("write a dumped SVG");
                    }
                    page.push_str(&format!("<h3>{}:{}</h3>", rel.display(), line));
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
    if let Ok(out) = std::env::var("COREM_DIAGRAM_PREVIEW") {
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

/// The kind of diagram a Mermaid block declares (its header's first word, grouped), past its
/// front matter, comments and directives.
fn kind_of(code: &str) -> &'static str {
    let mut front = false;
    let mut started = false;
    let mut header = "";
    for l in code.lines().map(str::trim) {
        if !started && l == "---" {
            front = true;
            started = true;
            continue;
        }
        if front {
            front = l != "---";
            continue;
        }
        if l.is_empty() || l.starts_with("%%") {
            continue;
        }
        header = l;
        break;
    }
    match header.split_whitespace().next().unwrap_or("") {
        "flowchart" | "graph" | "flowchart-elk" => "flowchart",
        "sequenceDiagram" => "sequence",
        "stateDiagram" | "stateDiagram-v2" => "state",
        "classDiagram" | "classDiagram-v2" => "class",
        "erDiagram" => "er",
        "pie" => "pie",
        "gantt" => "gantt",
        "mindmap" => "mindmap",
        "timeline" => "timeline",
        _ => "other type",
    }
}

/// Not a test but a measurement: the share of the example set (tests/fixtures/diagram-*: one
/// example per documented construct of each type, and diagram-refused: documented syntax corem
/// refuses) that draws, per type, and the time and size per diagram. `bench/diagrams.sh` runs
/// it in a release build:
///
///     cargo test --release --test diagram_figures -- --ignored --nocapture example_set
#[test]
#[ignore = "a measurement, not a test: run with --ignored --nocapture"]
fn example_set_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let names = [
        "diagram-flowchart",
        "diagram-sequence",
        "diagram-state",
        "diagram-class",
        "diagram-er",
        "diagram-pie",
        "diagram-gantt",
        "diagram-mindmap",
        "diagram-timeline",
        "diagram-refused",
    ];
    // kind → (examples, drawn, total ms, max ms, bytes)
    let mut stats: std::collections::BTreeMap<&str, (usize, usize, f64, f64, usize)> =
        std::collections::BTreeMap::new();
    for name in &names {
        let Ok(text) = std::fs::read_to_string(root.join(name).join("index.md")) else {
            continue;
        };
        for (lang, code, _) in blocks(&text) {
            if lang != "mermaid" {
                continue;
            }
            let kind = kind_of(&code);
            let t = Instant::now();
            let r = corem::diagram::mermaid(&code);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            let e = stats.entry(kind).or_insert((0, 0, 0.0, 0.0, 0));
            e.0 += 1;
            if let Ok(r) = r.as_ref() {
                e.1 += 1;
                e.2 += ms;
                e.3 = e.3.max(ms);
                e.4 += r.bytes();
            }
        }
    }
    println!(
        "| type | examples | draw | share | ms per diagram (mean / max) | bytes per diagram |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (kind, (n, ok, total, max, bytes)) in &stats {
        println!(
            "| {kind} | {n} | {ok} | {:.0} % | {:.2} / {:.2} | {} |",
            100.0 * *ok as f64 / (*n).max(1) as f64,
            total / (*ok).max(1) as f64,
            max,
            bytes / (*ok).max(1)
        );
    }
}
