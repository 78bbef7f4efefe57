//! The seeded mutational driver: replays a target's corpus, then mutates it until a time or
//! execution budget is spent, watching every input for a panic, a hang and runaway memory.
//!
//! Inputs run on a worker thread with a 2 MiB stack, the stack corem's own rayon workers parse
//! and render notes on, so a recursion that would overflow in `corem build` overflows here too.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::mutate::{self, Rng};
use crate::targets::Target;

/// Stack of the thread inputs run on: Rust's default for spawned threads, which rayon keeps.
pub const STACK_SIZE: usize = 2 * 1024 * 1024;

/// The global allocator of the fuzz binaries: corem's calc allocator (so calculations keep
/// their memory limit) plus a count of the live heap, to flag an input that makes the
/// pipeline hold more than [`Options::max_heap`].
pub struct CountingAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to corem's allocator, which forwards to the system's.
unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = unsafe { corem::calc::CalcAlloc.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { corem::calc::CalcAlloc.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = unsafe { corem::calc::CalcAlloc.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { corem::calc::CalcAlloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

fn count(delta: isize) {
    let live = if delta >= 0 {
        LIVE.fetch_add(delta as usize, Ordering::Relaxed) + delta as usize
    } else {
        LIVE.fetch_sub(delta.unsigned_abs(), Ordering::Relaxed)
            .saturating_sub(delta.unsigned_abs())
    };
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop mutating after this long (the corpus is always replayed in full first).
    pub time: Duration,
    /// Stop after this many executions (mutated inputs), if set.
    pub max_execs: Option<u64>,
    pub seed: u64,
    /// Longest mutated input, in bytes.
    pub max_len: usize,
    /// An input that runs longer than this is a hang.
    pub hang: Duration,
    /// An input during which the live heap grows by more than this is a finding.
    pub max_heap: usize,
    /// Folders whose files are the corpus (each file one input).
    pub corpus: Vec<PathBuf>,
    /// The target's AFL dictionary, if any.
    pub dict: Option<PathBuf>,
    /// Where failing inputs are written.
    pub artifacts: PathBuf,
}

/// What went wrong with one input.
#[derive(Debug, Clone)]
pub enum Problem {
    Panic(String),
    Hang(Duration),
    Memory(usize),
}

/// A failing input, kept on disk.
#[derive(Debug, Clone)]
pub struct Finding {
    pub problem: Problem,
    pub input: PathBuf,
    /// 0 for a corpus file, else the number of the mutated input (with the seed: reproducible).
    pub exec: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub corpus: usize,
    pub execs: u64,
    pub elapsed: Duration,
    /// Largest rise of the live heap over one input, in bytes.
    pub peak_heap: usize,
    pub findings: Vec<Finding>,
    /// Further inputs that failed the same way as a finding.
    pub repeats: u64,
}

/// The message of the last panic on each thread (the hook keeps it instead of printing it).
fn last_panic() -> &'static Mutex<String> {
    static M: OnceLock<Mutex<String>> = OnceLock::new();
    M.get_or_init(|| Mutex::new(String::new()))
}

fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        panic::set_hook(Box::new(|info| {
            let msg = match info.payload().downcast_ref::<&str>() {
                Some(s) => s.to_string(),
                None => info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "panic".into()),
            };
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            // Calc workers catch numbat's panics themselves; record every panic anyway, the
            // harness only reads it when the target itself panicked.
            if let Ok(mut m) = last_panic().lock() {
                *m = format!("{msg}{at}");
            }
        }));
    });
}

/// Files of the corpus folders, sorted (so runs are reproducible), empty folders allowed.
pub fn load_corpus(dirs: &[PathBuf]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            if let Ok(bytes) = std::fs::read(&f) {
                out.push((f, bytes));
            }
        }
    }
    out
}

/// A worker thread running one input at a time.
struct Worker {
    tx: mpsc::Sender<Vec<u8>>,
    rx: mpsc::Receiver<(Result<(), String>, usize)>,
}

impl Worker {
    fn start(target: &'static Target) -> Worker {
        let (tx, job_rx) = mpsc::channel::<Vec<u8>>();
        let (done_tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name))
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for input in job_rx {
                    let before = LIVE.load(Ordering::Relaxed);
                    PEAK.store(before, Ordering::Relaxed);
                    let r = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input)));
                    let rise = PEAK.load(Ordering::Relaxed).saturating_sub(before);
                    let r =
                        r.map_err(|_| last_panic().lock().map(|m| m.clone()).unwrap_or_default());
                    if done_tx.send((r, rise)).is_err() {
                        break;
                    }
                }
            })
            .expect("spawning the fuzz worker");
        Worker { tx, rx }
    }
}

/// Runs `target`: every corpus file once, then mutations until the budget is spent. Stops at
/// the first hang (the stuck worker cannot be reclaimed); panics and memory findings are
/// collected and the run goes on.
pub fn run(target: &'static Target, opts: &Options) -> Report {
    install_panic_hook();
    let started = Instant::now();
    let corpus = load_corpus(&opts.corpus);
    let dict = opts
        .dict
        .as_ref()
        .and_then(|d| std::fs::read_to_string(d).ok())
        .map(|t| mutate::parse_dict(&t))
        .unwrap_or_default();
    let inputs: Vec<Vec<u8>> = corpus.iter().map(|(_, b)| b.clone()).collect();
    let mut report = Report {
        corpus: corpus.len(),
        ..Report::default()
    };
    let mut worker = Worker::start(target);
    let mut rng = Rng::new(opts.seed);
    let mut exec = 0u64;
    let mut replay = corpus.iter();
    let mut seen = std::collections::HashSet::new();
    loop {
        let (input, from) = match replay.next() {
            Some((path, bytes)) => (bytes.clone(), Some(path.clone())),
            None => {
                let out_of_time = started.elapsed() >= opts.time;
                let out_of_execs = opts.max_execs.is_some_and(|m| exec >= m);
                if out_of_time || out_of_execs || inputs.is_empty() {
                    break;
                }
                exec += 1;
                let mut input = inputs[rng.below(inputs.len())].clone();
                mutate::mutate(&mut rng, &mut input, &inputs, &dict, opts.max_len);
                (input, None)
            }
        };
        let t = Instant::now();
        if worker.tx.send(input.clone()).is_err() {
            worker = Worker::start(target);
            continue;
        }
        let problem = match worker.rx.recv_timeout(opts.hang) {
            Ok((Ok(()), rise)) => {
                report.peak_heap = report.peak_heap.max(rise);
                (rise > opts.max_heap).then_some(Problem::Memory(rise))
            }
            Ok((Err(msg), _)) => Some(Problem::Panic(msg)),
            Err(_) => Some(Problem::Hang(t.elapsed())),
        };
        if from.is_none() {
            report.execs += 1;
        }
        if let Some(problem) = problem {
            let hang = matches!(problem, Problem::Hang(_));
            // One input per place of panic (or kind of problem) is enough to replay it.
            let key = match &problem {
                Problem::Panic(m) => m.rsplit(" at ").next().unwrap_or(m).to_string(),
                Problem::Hang(_) => "hang".into(),
                Problem::Memory(_) => "memory".into(),
            };
            if !seen.insert(key) {
                report.repeats += 1;
                continue;
            }
            let input = from.unwrap_or_else(|| save(&opts.artifacts, target.name, &input));
            report.findings.push(Finding {
                problem,
                input,
                exec: if report.execs == 0 { 0 } else { exec },
            });
            if hang {
                break;
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

/// Writes a failing input under `dir/target/` named by its hash; returns its path.
fn save(dir: &Path, target: &str, input: &[u8]) -> PathBuf {
    let dir = dir.join(target);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("finding-{:016x}", corem::diagram::hash(input)));
    let _ = std::fs::write(&path, input);
    path
}
