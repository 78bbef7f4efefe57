//! Layout of the whole-site graph, clustered by section: each section's notes are laid out on
//! their own by a force simulation (links pull, notes repel, none overlap), which gives each
//! section a disc; then the discs are laid out the same way, pulled together by the links
//! between sections and kept apart by their radius. A 10,000-note site is 200 small
//! simulations and one of 200 discs, not one of 10,000 nodes: it takes a fraction of a second
//! and the picture stays readable (every section a visible cluster with its name).
//!
//! The simulation is [fjadra](https://crates.io/crates/fjadra), a Rust port of d3-force (the
//! library Quartz and Obsidian-style graph views use in the browser), maintained by the Rerun
//! project for its graph view. It starts from a fixed spiral and draws its "random" jiggle from
//! a seeded generator, so the same notes always give the same picture; positions are rounded
//! to a tenth of a pixel.

use fjadra::{Collide, Link, ManyBody, Node, PositionX, PositionY, SimulationBuilder};
use rayon::prelude::*;

/// Radius of a note's room in its section (its circle and some air).
const ROOM: f64 = 9.0;
/// Air between two section discs.
const DISC_GAP: f64 = 36.0;

/// A laid-out graph: each node's position, and each group's centre and radius.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub nodes: Vec<(f64, f64)>,
    pub groups: Vec<(f64, f64, f64)>,
}

fn round(v: f64) -> f64 {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

/// Starting points on a sunflower spiral, `step` apart (what d3 does, made explicit so the
/// start does not depend on the library's default).
fn spiral(n: usize, step: f64) -> Vec<[f64; 2]> {
    let angle = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    (0..n)
        .map(|i| {
            let r = step * (0.5 + i as f64).sqrt();
            let a = i as f64 * angle;
            [round(r * a.cos()), round(r * a.sin())]
        })
        .collect()
}

/// Runs a simulation of `n` circles of radius `radius[i]` joined by `links` (with a strength
/// each) to rest; returns the positions.
fn simulate(radius: &[f64], links: &[(usize, usize, f64)], charge: f64) -> Vec<(f64, f64)> {
    let n = radius.len();
    match n {
        0 => return Vec::new(),
        1 => return vec![(0.0, 0.0)],
        _ => {}
    }
    let step = radius.iter().copied().fold(0.0, f64::max) * 1.2;
    let start = spiral(n, step);
    let r = radius.to_vec();
    let rr = radius.to_vec();
    let strengths: Vec<f64> = links.iter().map(|l| l.2).collect();
    let pairs: Vec<(usize, usize)> = links.iter().map(|l| (l.0, l.1)).collect();
    // A big section settles in fewer, longer steps.
    let ticks = if n > 2000 { 120 } else { 300 };
    let mut sim = SimulationBuilder::default()
        .with_alpha_decay(1.0 - 0.001f64.powf(1.0 / ticks as f64))
        .build(start.into_iter().map(Node::from))
        .add_force(
            "charge",
            ManyBody::new().strength(move |_, i: usize| charge * r[i] / ROOM),
        )
        .add_force(
            "collide",
            Collide::new().radius(move |i| rr[i]).iterations(2),
        )
        .add_force("x", PositionX::new().strength(0.06))
        .add_force("y", PositionY::new().strength(0.06));
    if !pairs.is_empty() {
        let dist: Vec<f64> = pairs.iter().map(|&(a, b)| radius[a] + radius[b]).collect();
        sim = sim.add_force(
            "link",
            Link::new(pairs)
                .distance(move |_: &_, i: usize| dist[i] * 1.4)
                .strength(move |_: &_, i: usize| strengths[i]),
        );
    }
    sim.step();
    sim.positions().map(|[x, y]| (x, y)).collect()
}

/// Pushes apart discs that still overlap (the simulation leaves a few pixels at times), in a
/// fixed order, until none does.
fn separate(centres: &mut [(f64, f64)], radius: &[f64]) {
    for _ in 0..200 {
        let mut moved = false;
        for i in 0..centres.len() {
            for j in i + 1..centres.len() {
                let (dx, dy) = (centres[j].0 - centres[i].0, centres[j].1 - centres[i].1);
                let d = (dx * dx + dy * dy).sqrt();
                let need = radius[i] + radius[j] + DISC_GAP * 0.5;
                if d < need {
                    let (ux, uy) = if d > 1e-9 {
                        (dx / d, dy / d)
                    } else {
                        (1.0, 0.0)
                    };
                    let push = (need - d) / 2.0 + 0.01;
                    centres[i].0 -= ux * push;
                    centres[i].1 -= uy * push;
                    centres[j].0 += ux * push;
                    centres[j].1 += uy * push;
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// Lays out `groups.len()` nodes, node `i` in group `groups[i]` (< `group_count`), joined by
/// `edges` (pairs of nodes, direction ignored, repeats strengthen). `size[i]` scales a node's
/// room (1.0 for a plain note).
pub fn clustered(
    groups: &[usize],
    size: &[f64],
    edges: &[(usize, usize)],
    group_count: usize,
) -> Layout {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); group_count];
    let mut local = vec![0usize; groups.len()];
    for (i, &g) in groups.iter().enumerate() {
        local[i] = members[g].len();
        members[g].push(i);
    }
    // Links inside each group, and weights between groups.
    let mut inner: Vec<Vec<(usize, usize, f64)>> = vec![Vec::new(); group_count];
    let mut between: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
    for &(a, b) in edges {
        if a == b {
            continue;
        }
        let (ga, gb) = (groups[a], groups[b]);
        if ga == gb {
            inner[ga].push((local[a], local[b], 0.7));
        } else {
            *between.entry((ga.min(gb), ga.max(gb))).or_insert(0.0) += 1.0;
        }
    }
    // Phase 1: each section on its own, centred on its middle.
    let discs: Vec<(Vec<(f64, f64)>, f64)> = members
        .par_iter()
        .zip(inner.par_iter())
        .map(|(m, links)| {
            let radius: Vec<f64> = m.iter().map(|&i| ROOM * size[i]).collect();
            let pos = simulate(&radius, links, -28.0);
            let n = pos.len().max(1) as f64;
            let (mx, my) = pos
                .iter()
                .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
            let pos: Vec<(f64, f64)> = pos.iter().map(|p| (p.0 - mx, p.1 - my)).collect();
            let r = pos
                .iter()
                .zip(&radius)
                .map(|(p, r)| (p.0 * p.0 + p.1 * p.1).sqrt() + r)
                .fold(ROOM, f64::max);
            (pos, r)
        })
        .collect();
    // Phase 2: the sections as discs, linked by how many links join them.
    let radius: Vec<f64> = discs.iter().map(|d| d.1 + DISC_GAP / 2.0).collect();
    let max_w = between.values().copied().fold(1.0, f64::max);
    let links: Vec<(usize, usize, f64)> = between
        .iter()
        .map(|(&(a, b), &w)| (a, b, 0.05 + 0.45 * w / max_w))
        .collect();
    let mut centres = simulate(&radius, &links, -40.0);
    separate(&mut centres, &radius);
    let mut nodes = vec![(0.0, 0.0); groups.len()];
    for (g, m) in members.iter().enumerate() {
        for (k, &i) in m.iter().enumerate() {
            let p = discs[g].0[k];
            nodes[i] = (round(centres[g].0 + p.0), round(centres[g].1 + p.1));
        }
    }
    Layout {
        nodes,
        groups: centres
            .iter()
            .zip(&discs)
            .map(|(c, d)| (round(c.0), round(c.1), round(d.1)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn same_input_same_layout_and_no_overlap() {
        // Three sections of 12, 5 and 1 notes; a ring in the first, links across.
        let groups: Vec<usize> = (0..18)
            .map(|i| {
                if i < 12 {
                    0
                } else if i < 17 {
                    1
                } else {
                    2
                }
            })
            .collect();
        let size = vec![1.0; 18];
        let mut edges: Vec<(usize, usize)> = (0..12).map(|i| (i, (i + 1) % 12)).collect();
        edges.extend([(0, 12), (3, 13), (12, 17), (16, 5)]);
        let a = clustered(&groups, &size, &edges, 3);
        let b = clustered(&groups, &size, &edges, 3);
        assert_eq!(a, b);
        for i in 0..18 {
            for j in i + 1..18 {
                assert!(
                    dist(a.nodes[i], a.nodes[j]) > ROOM,
                    "notes {i} and {j} overlap: {:?} {:?}",
                    a.nodes[i],
                    a.nodes[j]
                );
            }
        }
        // Every note inside its section's disc, and the discs apart.
        for (i, &g) in groups.iter().enumerate() {
            let (cx, cy, r) = a.groups[g];
            assert!(dist(a.nodes[i], (cx, cy)) <= r + 0.2);
        }
        for g in 0..3 {
            for h in g + 1..3 {
                let (x1, y1, r1) = a.groups[g];
                let (x2, y2, r2) = a.groups[h];
                assert!(dist((x1, y1), (x2, y2)) >= r1 + r2);
            }
        }
    }

    #[test]
    fn linked_notes_sit_closer_than_unlinked_ones() {
        let groups = vec![0; 20];
        let size = vec![1.0; 20];
        // Two cliques of 10 joined by one link.
        let mut edges = Vec::new();
        for a in 0..10 {
            for b in a + 1..10 {
                edges.push((a, b));
                edges.push((a + 10, b + 10));
            }
        }
        edges.push((0, 10));
        let l = clustered(&groups, &size, &edges, 1);
        let mean = |pairs: &[(usize, usize)]| {
            pairs
                .iter()
                .map(|&(a, b)| dist(l.nodes[a], l.nodes[b]))
                .sum::<f64>()
                / pairs.len() as f64
        };
        let within: Vec<(usize, usize)> = (1..10).map(|b| (0, b)).collect();
        let across: Vec<(usize, usize)> = (11..20).map(|b| (1, b)).collect();
        assert!(mean(&within) < mean(&across));
    }
}
