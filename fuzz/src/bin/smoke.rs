//! `corem-fuzz`: the seeded mutational fuzz driver (CI's short run, and replaying findings).
//!
//!     corem-fuzz [--seconds N] [--execs N] [--seed N] [--jobs N] [--hang-seconds N] TARGET... | all
//!     corem-fuzz --replay TARGET FILE...
//!
//! Each target replays its corpus (`fuzz/corpus/TARGET/` and `tests/hostile/TARGET/`), then
//! mutates it for the time given. Failing inputs are written to `fuzz/artifacts/TARGET/`.
//! Exit status 1 when anything failed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use corem_fuzz::driver::{self, Options, Problem};
use corem_fuzz::targets::{self, TARGETS, Target};

#[global_allocator]
static ALLOC: driver::CountingAlloc = driver::CountingAlloc;

fn usage() -> ExitCode {
    let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
    eprintln!(
        "usage: corem-fuzz [--seconds N] [--execs N] [--seed N] [--jobs N] [--hang-seconds N] TARGET... | all\n       corem-fuzz --replay TARGET FILE...\ntargets: {}",
        names.join(" ")
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--replay") {
        return replay(&args[1..], &root);
    }
    let mut seconds = 60.0;
    let mut execs = None;
    let mut seed = 1u64;
    let mut jobs = 1usize;
    let mut hang = 20.0;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |what: &str| -> Option<f64> {
            let v = it.next().and_then(|v| v.parse::<f64>().ok());
            if v.is_none() {
                eprintln!("{what} needs a number");
            }
            v
        };
        match a.as_str() {
            "--seconds" => match num(a) {
                Some(v) => seconds = v,
                None => return usage(),
            },
            "--execs" => match num(a) {
                Some(v) => execs = Some(v as u64),
                None => return usage(),
            },
            "--seed" => match num(a) {
                Some(v) => seed = v as u64,
                None => return usage(),
            },
            "--jobs" => match num(a) {
                Some(v) => jobs = (v as usize).max(1),
                None => return usage(),
            },
            "--hang-seconds" => match num(a) {
                Some(v) => hang = v,
                None => return usage(),
            },
            "all" => names.extend(TARGETS.iter().map(|t| t.name.to_string())),
            n if targets::find(n).is_some() => names.push(n.to_string()),
            other => {
                eprintln!("unknown target or option `{other}`");
                return usage();
            }
        }
    }
    if names.is_empty() {
        return usage();
    }
    let chosen: Vec<&'static Target> = names.iter().filter_map(|n| targets::find(n)).collect();
    let options = |t: &Target| Options {
        time: Duration::from_secs_f64(seconds),
        max_execs: execs,
        seed,
        max_len: 64 * 1024,
        hang: Duration::from_secs_f64(hang),
        max_heap: 1 << 30,
        corpus: vec![
            root.join("corpus").join(t.name),
            root.join("../tests/hostile").join(t.name),
        ],
        dict: Some(root.join("dict").join(format!("{}.dict", t.name))),
        artifacts: root.join("artifacts"),
    };
    // `jobs` targets at a time, each on its own thread.
    let mut failed = false;
    let mut failed_targets = 0;
    for group in chosen.chunks(jobs) {
        let reports: Vec<(&Target, driver::Report)> = std::thread::scope(|s| {
            let handles: Vec<_> = group
                .iter()
                .map(|&t| {
                    let o = options(t);
                    (t, s.spawn(move || driver::run(t, &o)))
                })
                .collect();
            handles
                .into_iter()
                .map(|(t, h)| (t, h.join().unwrap_or_default()))
                .collect()
        });
        for (t, r) in reports {
            println!(
                "fuzz {:<12} seed {seed}: {} corpus files, {} mutated inputs in {:.1} s, peak heap rise {:.1} MiB, {} finding(s) ({} more inputs failing the same way)",
                t.name,
                r.corpus,
                r.execs,
                r.elapsed.as_secs_f64(),
                r.peak_heap as f64 / (1 << 20) as f64,
                r.findings.len(),
                r.repeats
            );
            failed_targets += usize::from(!r.findings.is_empty());
            // A target reporting one panic at one place a thousand times says it once per place.
            let mut seen = std::collections::HashSet::new();
            for f in &r.findings {
                failed = true;
                let key = match &f.problem {
                    Problem::Panic(m) => m.rsplit(" at ").next().unwrap_or(m).to_string(),
                    Problem::Hang(_) => "hang".into(),
                    Problem::Memory(_) => "memory".into(),
                };
                if !seen.insert(key) {
                    continue;
                }
                let what = match &f.problem {
                    Problem::Panic(m) => format!("panic: {m}"),
                    Problem::Hang(d) => format!("hang: no answer after {:.1} s", d.as_secs_f64()),
                    Problem::Memory(b) => format!("memory: live heap rose by {} MiB", b >> 20),
                };
                println!(
                    "  {} (input {}, mutation {})",
                    what,
                    f.input.display(),
                    f.exec
                );
            }
        }
    }
    println!(
        "fuzz: {} passed, {failed_targets} failed",
        chosen.len() - failed_targets
    );
    if failed {
        println!("replay a finding with: corem-fuzz --replay TARGET FILE");
        // A hung worker never returns: end the process rather than wait for it.
        std::process::exit(1);
    }
    ExitCode::SUCCESS
}

/// Runs the given files through a target on this thread, printing the outcome of each.
fn replay(args: &[String], root: &std::path::Path) -> ExitCode {
    let Some(target) = args.first().and_then(|n| targets::find(n)) else {
        return usage();
    };
    let _ = root;
    let mut failed = false;
    for f in &args[1..] {
        let Ok(bytes) = std::fs::read(f) else {
            eprintln!("cannot read {f}");
            return ExitCode::from(2);
        };
        let t = std::time::Instant::now();
        let r = std::panic::catch_unwind(|| (target.run)(&bytes));
        println!(
            "{f}: {} in {:.3} s",
            if r.is_ok() { "ok" } else { "PANICKED" },
            t.elapsed().as_secs_f64()
        );
        failed |= r.is_err();
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
