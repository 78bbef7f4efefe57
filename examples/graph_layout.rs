//! Times the layout of `graph.html` for a generated site: `SECTIONS` sections of 50 notes
//! (default 2,000: a 100,000-note site), each note with 5 links, 3 of them inside its section,
//! laid out as a site past `NODE_LIMIT` notes is (coarse). The figures in `bench/RESULTS.md`.
//!
//!   cargo run --release --example graph_layout -- [SECTIONS]
use std::time::Instant;

fn main() {
    let sections: usize = (std::env::args().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let per = 50;
    let n = sections * per;
    let groups: Vec<usize> = (0..n).map(|i| i / per).collect();
    let size = vec![1.0; n];
    // A fixed linear congruential sequence: the same graph every run.
    let mut x: u64 = 42;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as usize
    };
    let mut edges = Vec::new();
    for i in 0..n {
        for _ in 0..5 {
            let j = if next() % 10 < 6 {
                (i / per) * per + next() % per
            } else {
                next() % n
            };
            edges.push((i, j));
        }
    }
    let t = Instant::now();
    let layout = corem::graph::layout::clustered(
        &groups,
        &size,
        &edges,
        sections,
        corem::graph::layout::Detail::Coarse,
    );
    let took = t.elapsed().as_secs_f64();
    let g = &layout.groups;
    let overlapping = (0..g.len())
        .flat_map(|i| (i + 1..g.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| (g[i].0 - g[j].0).hypot(g[i].1 - g[j].1) < g[i].2 + g[j].2)
        .count();
    println!(
        "{sections} sections, {} notes, {} links: laid out in {took:.2} s; \
         {overlapping} pairs of section discs overlap",
        layout.nodes.len(),
        edges.len(),
    );
}
