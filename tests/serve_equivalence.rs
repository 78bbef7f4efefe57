//! `corem serve`'s incremental rebuilds always give the site a clean `corem build` gives, and
//! so do repeated `corem build`s that keep pages of an earlier build instead of rendering them
//! (`src/output/reuse.rs`).
//!
//! A seeded random sequence of edits (body, title, headings, tags, notes added, removed,
//! renamed and moved between sections, sections renamed, links broken and fixed, embeds,
//! templates, static files, config, images) is applied to a copy of a fixture. After every
//! step the served files (in memory) are compared byte for byte with a fresh build of the same
//! folder; when the fresh build fails, the rebuild must fail too. Set `COREM_EQ_SEED` and
//! `COREM_EQ_STEPS` to explore other sequences.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use corem::serve::Incremental;
use corem::{BuildOptions, Error};

/// xorshift64*: a tiny deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn word(&mut self) -> &'static str {
        const WORDS: &[&str] = &[
            "cache", "queue", "shard", "replica", "latency", "quorum", "lease", "merkle", "bloom",
            "gossip", "vector", "clock",
        ];
        WORDS[self.below(WORDS.len())]
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A fresh `corem build` of `project` (into a new folder each time; `--fresh`, so that nothing
/// comes from the build cache the builds under test fill).
fn fresh_build(
    project: &Path,
    scratch: &Path,
    n: usize,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let out = scratch.join(format!("build-{n}"));
    let opts = BuildOptions {
        fresh: true,
        ..support::options(&out)
    };
    match corem::build(project, &opts) {
        Ok(_) => {
            let t = support::read_tree(&out);
            let _ = std::fs::remove_dir_all(&out);
            Ok(t)
        }
        Err(Error::Diagnostics(d)) => Err(d.iter().map(|x| x.render(false)).collect()),
        Err(e) => Err(e.to_string()),
    }
}

fn notes_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

fn title_of(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("title: "))
        .map(str::to_string)
}

/// Replaces the front matter line starting with `key:` (or adds it).
fn set_key(text: &str, key: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let end = lines.iter().skip(1).position(|l| l == "---").map(|p| p + 1);
    let Some(end) = end else {
        return format!("---\n{key}: {value}\n---\n{text}");
    };
    let prefix = format!("{key}:");
    match lines[..end].iter().position(|l| l.starts_with(&prefix)) {
        Some(i) => lines[i] = format!("{key}: {value}"),
        None => lines.insert(end, format!("{key}: {value}")),
    }
    lines.join("\n") + "\n"
}

/// Applies one random edit; returns a description and the paths touched (as a watcher would
/// report them: both ends of a rename).
fn random_edit(
    rng: &mut Rng,
    root: &Path,
    step: usize,
    body_bias: usize,
) -> (String, Vec<PathBuf>) {
    let notes_dir = root.join("notes");
    let notes = notes_in(&notes_dir);
    let plain: Vec<&PathBuf> = notes
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "index.md"))
        .collect();
    let titles: Vec<String> = notes.iter().filter_map(|p| title_of(p)).collect();
    let note = rng.pick(&notes).clone();
    let text = std::fs::read_to_string(&note).unwrap_or_default();
    let write = |p: &Path, t: &str| {
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(p, t).unwrap();
    };
    let op = if rng.below(100) < body_bias {
        *rng.pick(&[0, 1, 17])
    } else {
        rng.below(18)
    };
    match op {
        17 => {
            // Reword the sentence around a link: the backlink shown on the target changes.
            let w = rng.word();
            let t: Vec<String> = text
                .lines()
                .map(|l| {
                    if l.contains("[[") && !l.starts_with("![[") {
                        format!("{w} {l}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            write(&note, &(t.join("\n") + "\n"));
            (
                format!("reword linking sentences of {}", note.display()),
                vec![note],
            )
        }
        0 | 1 => {
            // Some paragraphs carry an inline tag (the tag pages change) or a block id.
            let w = rng.word();
            let extra = match step % 3 {
                0 => String::new(),
                1 => format!(" #{w}"),
                _ => format!(" ^p{step}"),
            };
            let t = format!("{text}\nA new paragraph about {w} {step}.{extra}\n");
            write(&note, &t);
            (format!("edit body of {}", note.display()), vec![note])
        }
        2 => {
            let title = rng.pick(&titles).clone();
            let t = format!("{text}\nNow linking to [[{title}]] as well.\n");
            write(&note, &t);
            (format!("link {} → {title}", note.display()), vec![note])
        }
        3 => {
            let new = format!("{} {}", rng.word(), step);
            write(&note, &set_key(&text, "title", &new));
            (format!("retitle {} to {new}", note.display()), vec![note])
        }
        4 => {
            let t = format!(
                "{text}\n## Heading {} {step}\n\nUnder the heading.\n",
                rng.word()
            );
            write(&note, &t);
            (format!("add heading to {}", note.display()), vec![note])
        }
        5 => {
            let mut lines: Vec<&str> = text.lines().collect();
            if let Some(i) = lines.iter().rposition(|l| l.starts_with("## ")) {
                lines.remove(i);
            }
            write(&note, &(lines.join("\n") + "\n"));
            (
                format!("remove a heading of {}", note.display()),
                vec![note],
            )
        }
        6 => {
            let tags = format!(
                "[{}, {}]",
                rng.word(),
                if rng.below(2) == 0 { "greek" } else { "Greek" }
            );
            write(&note, &set_key(&text, "tags", &tags));
            (format!("tags of {} = {tags}", note.display()), vec![note])
        }
        7 => {
            let dirs = [
                "",
                "01-basics",
                "02-advanced",
                "02-advanced/nested",
                "03-new",
            ];
            let dir = rng.pick(&dirs);
            let target = rng.pick(&titles).clone();
            let path = notes_dir.join(dir).join(format!("added-{step}.md"));
            let t = format!(
                "---\ntitle: Added {step}\ntags: [{}]\ndescription: added at step {step}\n---\n\nLinks to [[{target}]].\n\n## Part\n\nText.\n",
                rng.word()
            );
            write(&path, &t);
            (format!("add {}", path.display()), vec![path])
        }
        8 if plain.len() > 3 => {
            let victim = (*rng.pick(&plain)).clone();
            std::fs::remove_file(&victim).unwrap();
            (format!("remove {}", victim.display()), vec![victim])
        }
        9 if !plain.is_empty() => {
            let from = (*rng.pick(&plain)).clone();
            let to = from.with_file_name(format!("renamed-{step}.md"));
            std::fs::rename(&from, &to).unwrap();
            (
                format!("rename {} → {}", from.display(), to.display()),
                vec![from, to],
            )
        }
        10 if !plain.is_empty() => {
            let from = (*rng.pick(&plain)).clone();
            let dirs = ["", "01-basics", "02-advanced", "02-advanced/nested"];
            let to = notes_dir.join(rng.pick(&dirs)).join(format!(
                "moved-{step}-{}",
                from.file_name().unwrap().to_string_lossy()
            ));
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::rename(&from, &to).unwrap();
            (
                format!("move {} → {}", from.display(), to.display()),
                vec![from, to],
            )
        }
        11 => {
            if text.contains("[[No such note") {
                let fixed: String = text
                    .lines()
                    .filter(|l| !l.contains("[[No such note"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n";
                write(&note, &fixed);
                (format!("fix broken link in {}", note.display()), vec![note])
            } else {
                write(&note, &format!("{text}\nSee [[No such note {step}]].\n"));
                (format!("break a link in {}", note.display()), vec![note])
            }
        }
        12 => {
            let target = rng.pick(&titles).clone();
            write(&note, &format!("{text}\n![[{target}]]\n"));
            (format!("embed {target} in {}", note.display()), vec![note])
        }
        13 => {
            let path = root.join("templates/partials/footer.html");
            let builtin =
                std::fs::read_to_string(support::repo().join("templates/partials/footer.html"))
                    .unwrap();
            let t = if rng.below(3) == 0 {
                builtin
            } else {
                builtin.replace("</footer>", &format!("<p>edited {step}</p></footer>"))
            };
            write(&path, &t);
            ("touch template footer".into(), vec![path])
        }
        14 => {
            let path = root.join("static").join(if rng.below(2) == 0 {
                "extra.css"
            } else {
                "style.css"
            });
            let base = std::fs::read_to_string(support::repo().join("static/style.css")).unwrap();
            write(
                &path,
                &format!("{base}\n/* {step} */ .x{step} {{ color: red }}\n"),
            );
            (format!("touch static {}", path.display()), vec![path])
        }
        15 => {
            let w = rng.below(10) as i64;
            write(&note, &set_key(&text, "weight", &w.to_string()));
            (format!("weight of {} = {w}", note.display()), vec![note])
        }
        _ => {
            let cfg = root.join("corem.toml");
            let t = std::fs::read_to_string(&cfg).unwrap();
            let t = t
                .lines()
                .filter(|l| !l.starts_with("description"))
                .collect::<Vec<_>>()
                .join("\n")
                + &format!("\ndescription = \"step {step}\"\n");
            write(&cfg, &t);
            ("edit corem.toml".into(), vec![cfg])
        }
    }
}

/// Every file of the project except the output.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Puts the project back as in `snap`; returns every path touched.
fn restore(root: &Path, snap: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    let now = snapshot(root);
    let mut touched = Vec::new();
    for (p, bytes) in &now {
        match snap.get(p) {
            Some(b) if b == bytes => {}
            Some(b) => {
                std::fs::write(p, b).unwrap();
                touched.push(p.clone());
            }
            None => {
                std::fs::remove_file(p).unwrap();
                touched.push(p.clone());
            }
        }
    }
    for (p, b) in snap {
        if !now.contains_key(p) {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b).unwrap();
            touched.push(p.clone());
        }
    }
    touched
}

/// A copy of the `serve-site` fixture under `tmp` with `broken_links` set, and a scratch
/// folder for fresh builds: (project root, scratch).
fn project(tmp: &Path, broken_links: &str) -> (PathBuf, PathBuf) {
    let root = tmp.join("project");
    copy_dir(&support::fixture("serve-site"), &root);
    let cfg = root.join("corem.toml");
    let t = std::fs::read_to_string(&cfg).unwrap().replace(
        "broken_links = \"warn\"",
        &format!("broken_links = \"{broken_links}\""),
    );
    std::fs::write(&cfg, t).unwrap();
    let scratch = tmp.join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    (root.canonicalize().unwrap(), scratch)
}

/// The files `inc` serves, decompressed.
fn served_files(inc: &Incremental) -> BTreeMap<String, Vec<u8>> {
    inc.files()
        .iter()
        .map(|(k, v)| (k.clone(), v.bytes().expect("decompresses").to_vec()))
        .collect()
}

/// Panics, showing where, when the served files are not those of the fresh build.
fn assert_same(got: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>, at: &str) {
    if got == expected {
        return;
    }
    let mut report = String::new();
    for k in expected.keys().chain(got.keys()) {
        match (expected.get(k), got.get(k)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
                let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
                let lo = at.saturating_sub(150);
                report += &format!(
                    "\n{k} differs at byte {at}:\n  build: …{}…\n  serve: …{}…\n",
                    &a[lo..(at + 150).min(a.len())].replace('\n', "⏎"),
                    &b[lo..(at + 150).min(b.len())].replace('\n', "⏎"),
                );
            }
            (Some(_), None) => report += &format!("\n{k} missing from serve"),
            (None, Some(_)) => report += &format!("\n{k} only in serve"),
            (None, None) => {}
        }
    }
    panic!("{at}: served site differs from a fresh build:{report}");
}

/// How a sequence's server starts.
#[derive(Clone, Copy, PartialEq)]
enum Start {
    /// Nothing built before: every page rendered.
    Empty,
    /// After a `corem build` of the project: pages and search index read from its output.
    Built,
}

/// Runs a sequence; returns how many steps took the fast path.
fn run_sequence(seed: u64, steps: usize, broken_links: &str, body_bias: usize) -> usize {
    run_sequence_from(seed, steps, broken_links, body_bias, Start::Empty)
}

fn run_sequence_from(
    seed: u64,
    steps: usize,
    broken_links: &str,
    body_bias: usize,
    start: Start,
) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let (root, scratch) = project(tmp.path(), broken_links);

    let opts = BuildOptions::default();
    if start == Start::Built {
        corem::build(&root, &opts).expect("the fixture builds");
        // A page changed on disk since the build is rendered, not read.
        std::fs::write(root.join("public/index.html"), "edited by hand").unwrap();
    }
    let mut inc = Incremental::open(&root, &opts).expect("open");
    inc.rebuild(&[]).expect("first build");
    if start == Start::Built {
        inc.finish().expect("first build, finished");
        let expected = fresh_build(&root, &scratch, usize::MAX).expect("a fresh build");
        // Every page, link preview and file of the search index (the theme's assets and
        // the files made from the site's list of pages are copied or made, as before).
        let rendered = (expected.keys())
            .filter(|k| {
                k.ends_with(".html") || k.starts_with("_preview/") || k.starts_with("search-index")
            })
            .count();
        assert_eq!(
            inc.files_from_built,
            rendered - 2,
            "every page but the one edited by hand (and its link preview, which goes with it), \
             and the search index, read from the built site"
        );
        assert_same(
            &served_files(&inc),
            &expected,
            "the first build, from the built site",
        );
    }
    let mut rng = Rng(seed | 1);
    let (mut ok, mut failed, mut partial) = (0, 0, 0);
    let mut good = snapshot(&root);
    let mut failing = false;
    for step in 0..steps {
        let (what, paths) = if failing && rng.below(2) == 0 {
            (
                "revert to the last good state (like `git checkout .`)".into(),
                restore(&root, &good),
            )
        } else {
            random_edit(&mut rng, &root, step, body_bias)
        };
        let served = inc.rebuild(&paths).and_then(|u| {
            let f = inc.finish()?;
            Ok((u, f))
        });
        let fresh = fresh_build(&root, &scratch, step);
        match (&served, fresh) {
            (Ok((u, _)), Ok(expected)) => {
                ok += 1;
                failing = false;
                good = snapshot(&root);
                if u.rendered * 2 < u.pages {
                    partial += 1;
                }
                let at = format!("seed {seed}, step {step} ({what})");
                assert_same(&served_files(&inc), &expected, &at);
            }
            (Err(_), Err(_)) => {
                failed += 1;
                failing = true;
            }
            (Ok(_), Err(e)) => panic!(
                "seed {seed}, step {step} ({what}): fresh build failed but serve succeeded:\n{e}"
            ),
            (Err(d), Ok(_)) => panic!(
                "seed {seed}, step {step} ({what}): serve failed but a fresh build succeeded:\n{}",
                d.iter().map(|x| x.render(false)).collect::<String>()
            ),
        }
    }
    eprintln!(
        "seed {seed}: {steps} steps, {ok} equal to a fresh build ({partial} rendered under half of the pages, {} on the fast path), {failed} failed in both",
        inc.fast_rebuilds
    );
    assert!(ok > steps / 3, "too few successful steps to mean anything");
    assert!(partial > 0, "no step was incremental");
    inc.fast_rebuilds
}

/// Like [`run_sequence`] for `corem build` run again and again in the project (its output and
/// `.corem/` kept, so pages are reused from the last site but one): after every edit, the
/// output folder must be byte for byte a fresh build's, and a failed build must leave it alone.
/// Returns how many pages were kept rather than rendered, over the whole sequence.
fn run_build_sequence(seed: u64, steps: usize, broken_links: &str, body_bias: usize) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let (root, scratch) = project(tmp.path(), broken_links);
    let site = root.join("public");
    let opts = BuildOptions::default();
    corem::build(&root, &opts).expect("first build");
    let mut rng = Rng(seed | 1);
    let (mut reused, mut most_kept, mut ok) = (0, 0, 0);
    let mut last_good = support::read_tree(&site);
    let mut good = snapshot(&root.join("notes"));
    let mut failing = false;
    for step in 0..steps {
        let what = if failing && rng.below(2) == 0 {
            restore(&root.join("notes"), &good);
            "revert the notes to the last good state".into()
        } else {
            random_edit(&mut rng, &root, step, body_bias).0
        };
        let warm = corem::build(&root, &opts);
        let fresh = fresh_build(&root, &scratch, step);
        let got = support::read_tree(&site);
        match (warm, fresh) {
            (Ok(r), Ok(expected)) => {
                ok += 1;
                reused += r.reused;
                if r.reused * 2 > r.pages {
                    most_kept += 1;
                }
                if got != expected {
                    let diff: Vec<&String> = (expected.keys().chain(got.keys()))
                        .filter(|k| expected.get(*k) != got.get(*k))
                        .collect();
                    panic!(
                        "seed {seed}, step {step} ({what}): the rebuilt site differs from a fresh \
                         build ({} pages kept) in {diff:?}",
                        r.reused
                    );
                }
                last_good = got;
                good = snapshot(&root.join("notes"));
                failing = false;
            }
            (Err(_), Err(_)) => {
                failing = true;
                assert!(
                    got == last_good,
                    "seed {seed}, step {step} ({what}): a failed build changed the site"
                );
            }
            (Ok(_), Err(e)) => {
                panic!("seed {seed}, step {step} ({what}): the fresh build failed:\n{e}")
            }
            (Err(e), Ok(_)) => {
                panic!("seed {seed}, step {step} ({what}): the rebuild failed:\n{e}")
            }
        }
    }
    eprintln!(
        "seed {seed}: {steps} steps, {ok} built; {reused} pages kept in all, most of the site in {most_kept} steps"
    );
    assert!(ok > steps / 3, "too few successful steps to mean anything");
    assert!(most_kept > 0, "no rebuild kept most of the site");
    reused
}

/// Every kind of edit (templates, static files and configuration too) between builds.
#[test]
fn repeated_builds_that_keep_pages_match_fresh_builds() {
    let steps = env_or("COREM_EQ_STEPS", 40) as usize;
    run_build_sequence(env_or("COREM_EQ_SEED", 0x5eed_0004), steps, "error", 0);
}

/// Mostly text edits, where most pages are kept.
#[test]
fn repeated_builds_after_text_edits_match_fresh_builds() {
    let steps = env_or("COREM_EQ_STEPS", 40) as usize;
    run_build_sequence(env_or("COREM_EQ_SEED", 0x5eed_0005), steps, "warn", 70);
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_edits_match_fresh_builds_with_broken_links_as_warnings() {
    let steps = env_or("COREM_EQ_STEPS", 60) as usize;
    run_sequence(env_or("COREM_EQ_SEED", 0x5eed_0001), steps, "warn", 0);
}

#[test]
fn random_edits_match_fresh_builds_and_fail_alike() {
    let steps = env_or("COREM_EQ_STEPS", 60) as usize;
    run_sequence(
        env_or("COREM_EQ_SEED", 0x5eed_0002) ^ 0xabcdef,
        steps,
        "error",
        0,
    );
}

/// A server started after a `corem build`: its first build reads the pages and the search
/// index from the output folder, and every edit after that (the search index made again from
/// section texts computed for the pages it did not render) still gives a fresh build's site.
#[test]
fn serve_started_from_a_built_site_matches_fresh_builds() {
    let steps = env_or("COREM_EQ_STEPS", 40) as usize;
    run_sequence_from(
        env_or("COREM_EQ_SEED", 0x5eed_0006),
        steps,
        "warn",
        50,
        Start::Built,
    );
}

/// Mostly text edits, as when writing: exercises the fast path (one note re-linked, only the
/// pages that show its text rendered) between the other kinds of change.
#[test]
fn random_text_edits_match_fresh_builds() {
    let steps = env_or("COREM_EQ_STEPS", 60) as usize;
    let fast = run_sequence(env_or("COREM_EQ_SEED", 0x5eed_0003), steps, "error", 70);
    assert!(fast >= steps / 10, "only {fast} steps took the fast path");
}
