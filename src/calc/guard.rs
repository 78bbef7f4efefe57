//! Bounding the work of a calculation.
//!
//! numbat has no step budget and no way to interrupt it: a recursive function can run forever
//! (`fn f(x) = f(x)`) and a list or string can be grown until memory runs out. So a note's
//! statements run on a worker thread of their own ([`Worker`]), and the note's thread waits for
//! each answer with two limits:
//!
//! - **time**: after [`Limits::time`] without an answer the statement fails with "calculation
//!   took longer than N s", and the worker is abandoned;
//! - **memory**: with [`CalcAlloc`] installed as the global allocator (the `corem` binary and
//!   the tests do), each worker's live heap is counted; past [`Limits::memory`] the statement
//!   fails with "calculation used more than N MiB". All calc workers of the process together,
//!   running or abandoned, may hold at most [`PROCESS_BUDGET`]: six runaway notes in one build
//!   (or one after another in a `serve` session) never hold more than that between them.
//!
//! A Rust thread cannot be killed, so an abandoned worker is *frozen* instead: [`CalcAlloc`]
//! checks the worker's stop flag on every allocation and, once it is set, puts the thread to
//! sleep forever inside that allocation, before the memory is taken. Every unbounded numbat
//! computation allocates as it grows (call frames, lists, strings), so a runaway stops within
//! one allocation of being cancelled, holding at most the memory limit, and using no CPU. It
//! never keeps the process alive either: the worker is detached, and a Rust process ends when
//! `main` returns, whatever other threads are doing. The memory of a frozen worker cannot be
//! given back (Rust cannot unwind a thread from inside an allocation), so in `serve` runaways
//! hold at most [`PROCESS_BUDGET`] in total until the server stops, and the error says so.
//!
//! Without [`CalcAlloc`] (a program embedding the library with its own allocator), the time
//! limit still fails the build on time, but an abandoned worker runs on until it finishes or
//! exhausts memory.
//!
//! Bracket nesting and statement length are bounded by the scanner
//! ([`super::scan::MAX_NESTING`]), and the worker has a large stack ([`STACK_SIZE`]), so numbat's
//! recursive parser and type checker cannot overflow it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use mimalloc::MiMalloc;

/// Stack of a calc worker thread: numbat's parser and type checker recurse.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Live heap of all calc workers of the process together (running, or frozen after a runaway).
pub const PROCESS_BUDGET: usize = 1024 * 1024 * 1024;

/// Bytes held by calc workers, all threads together (see [`PROCESS_BUDGET`]).
static TOTAL: std::sync::atomic::AtomicIsize = std::sync::atomic::AtomicIsize::new(0);

/// Bytes the calc workers of this process hold now, frozen runaways included.
pub fn held() -> usize {
    TOTAL.load(Ordering::Relaxed).max(0) as usize
}

/// The shared count itself, which [`held`] shows clamped at zero: below zero only if the
/// workers' bookkeeping is wrong (for tests).
#[doc(hidden)]
pub fn held_signed() -> isize {
    TOTAL.load(Ordering::Relaxed)
}

/// Limits of one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest run of one statement before it is stopped.
    pub time: Duration,
    /// Live heap of the note's worker, in bytes (enforced with [`CalcAlloc`]).
    pub memory: usize,
}

impl Default for Limits {
    /// 5 s and 512 MiB: a statement of the handbook takes about a millisecond and a few MiB.
    fn default() -> Self {
        Limits {
            time: Duration::from_secs(5),
            memory: 512 * 1024 * 1024,
        }
    }
}

/// Why a statement did not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    /// The statement ran past its time limit.
    #[error("calculation took longer than {0:?}; calculations must finish quickly")]
    Time(Duration),
    /// The note's worker held more than its memory limit.
    #[error("calculation used more than {} MiB of memory", .0 / (1024 * 1024))]
    Memory(usize),
    /// All calc workers of the process together held more than the build's budget.
    #[error(
        "calculations of this build hold more than {} MiB together (runaway calculations \
         keep theirs until corem exits)",
        .0 / (1024 * 1024)
    )]
    Budget(usize),
    /// numbat panicked, or the worker stopped (with the panic's message, or why).
    #[error("numbat crashed on this statement: {0}")]
    Crashed(String),
}

const RUNNING: u8 = 0;
/// Set by the note's thread when it gives up on the worker.
const CANCELLED: u8 = 1;
/// Set by the allocator when the worker went over its memory limit.
const OVER_MEMORY: u8 = 2;
/// Set by the allocator when all workers together went over [`PROCESS_BUDGET`].
const OVER_BUDGET: u8 = 3;

/// State shared by a worker and the allocator running on it.
struct Shared {
    state: AtomicU8,
    /// The worker counts only while a statement runs.
    armed: AtomicBool,
    memory: usize,
}

thread_local! {
    /// The worker's shared state while the thread is a calc worker (null otherwise). A raw
    /// pointer with a const initialiser: the allocator may read it without allocating.
    static SHARED: Cell<*const Shared> = const { Cell::new(std::ptr::null()) };
    /// Bytes allocated minus bytes freed by this thread.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The part of this thread's count not yet added to [`TOTAL`] (see [`FLUSH`]).
    static UNFLUSHED: Cell<isize> = const { Cell::new(0) };
}

/// A worker adds what it allocated and freed to [`TOTAL`] once the sum reaches this many bytes
/// either way, not on every block: numbat allocates and frees a great deal, and with two workers
/// adding to one shared counter on every block (one cache line, written from both cores),
/// `CalcAlloc::alloc` alone took 4 % of a fresh 10,000-note build's CPU samples, 17 % of the
/// calc threads'. Counting in batches made that build 7 % faster (RESULTS.md). The process budget
/// is checked against `TOTAL` plus the worker's own unflushed bytes, so it misses at most this
/// much per *other* worker: 256 KiB each against a budget of 1 GiB.
const FLUSH: isize = 256 * 1024;

/// Adds `delta` bytes to this worker's unflushed count, and the count to [`TOTAL`] once it
/// reaches [`FLUSH`] either way.
#[inline]
fn count(delta: isize) {
    let pending = UNFLUSHED.with(Cell::get).saturating_add(delta);
    if pending >= FLUSH || pending <= -FLUSH {
        TOTAL.fetch_add(pending, Ordering::Relaxed);
        UNFLUSHED.with(|u| u.set(0));
    } else {
        UNFLUSHED.with(|u| u.set(pending));
    }
}

/// The global allocator that enforces calc memory limits and freezes abandoned workers.
///
/// Install it in a binary with `#[global_allocator] static A: corem::calc::CalcAlloc =
/// corem::calc::CalcAlloc;`. On threads that are not calc workers its bookkeeping costs one
/// thread-local read per allocation (and choosing the heap, one relaxed atomic load).
///
/// Blocks under [`LARGE`] come from mimalloc rather than the C library's `malloc`: a build
/// makes and frees many small strings and trees per note on every core, and glibc's allocator
/// spent about a fifth of a fresh build's time in its own code (`_int_malloc`, `_int_free`,
/// `malloc_consolidate`). Fresh 100,000-note builds, in turns with a glibc-only binary on the
/// same machine (RESULTS.md §1): 156 s against 190 s and 167 s against 241 s (a quarter less
/// user time), for a peak about 12 % higher (3.5 against 3.1 GiB).
pub struct CalcAlloc;

#[inline]
fn on_alloc(size: usize) {
    let Ok(shared) = SHARED.try_with(Cell::get) else {
        return;
    };
    if shared.is_null() {
        return;
    }
    // SAFETY: the worker sets the pointer from an `Arc<Shared>` it keeps alive, and clears it
    // before dropping that `Arc` (see `Worker::start`).
    let shared = unsafe { &*shared };
    if shared.state.load(Ordering::Relaxed) != RUNNING {
        freeze();
    }
    let live = LIVE.with(Cell::get).saturating_add(size as isize);
    let total = (TOTAL.load(Ordering::Relaxed))
        .saturating_add(UNFLUSHED.with(Cell::get))
        .saturating_add(size as isize);
    if shared.armed.load(Ordering::Relaxed) {
        // Over a limit: stop here, before the memory is taken (and counted).
        let over = if live > shared.memory as isize {
            Some(OVER_MEMORY)
        } else if total > PROCESS_BUDGET as isize {
            Some(OVER_BUDGET)
        } else {
            None
        };
        if let Some(why) = over {
            let _ = shared
                .state
                .compare_exchange(RUNNING, why, Ordering::SeqCst, Ordering::SeqCst);
            freeze();
        }
    }
    LIVE.with(|l| l.set(live));
    count(size as isize);
}

#[inline]
fn on_dealloc(size: usize) {
    if SHARED.try_with(Cell::get).is_ok_and(|p| !p.is_null()) {
        LIVE.with(|l| l.set(l.get().saturating_sub(size as isize)));
        count(-(size as isize));
    }
}

/// Parks an abandoned worker for good. `sleep` does not allocate.
#[cold]
fn freeze() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// Blocks of this size and above come from the C library's allocator (which maps each one
/// from the system on its own and gives it back when freed), smaller ones from mimalloc.
const LARGE: usize = 1 << 20;

/// mimalloc's option `arena_reserve` (its number in `mimalloc.h`, `mi_option_e`; mimalloc keeps
/// the numbers of its options stable and leaves retired ones in place as `deprecated_*`).
const MI_OPTION_ARENA_RESERVE: libmimalloc_sys::mi_option_t = 23;

/// Address space mimalloc reserves at a time, in KiB: 64 MiB rather than its default 1 GiB.
/// Reserved address space is not memory, but it counts against an address-space limit
/// (`ulimit -v`, `prlimit --as`): with 1 GiB reserved up front, calc runaways that stop at
/// their budget under a 2.2 GB limit could make a large block fail instead (tests/hostile).
const ARENA_RESERVE_KIB: std::ffi::c_long = 64 * 1024;

/// Whether mimalloc's options were set: done by the first allocation of the process, before
/// mimalloc reserves anything.
static TUNED: AtomicBool = AtomicBool::new(false);

#[cold]
fn tune_mimalloc() {
    // SAFETY: sets one word of mimalloc's option table; it neither allocates nor re-enters
    // the allocator. Two threads doing it at once write the same value.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_RESERVE, ARENA_RESERVE_KIB) };
    TUNED.store(true, Ordering::Release);
}

/// mimalloc, with its options set before its first block (a new block from it comes through
/// here; a freed or resized one was made after this ran).
#[inline]
fn mimalloc() -> MiMalloc {
    if !TUNED.load(Ordering::Relaxed) {
        tune_mimalloc();
    }
    MiMalloc
}

/// Where a block of `size` bytes lives: mimalloc for the many small ones, the C library for
/// the few large ones.
struct Heap;

impl Heap {
    #[inline]
    unsafe fn alloc(layout: Layout) -> *mut u8 {
        if layout.size() >= LARGE {
            unsafe { System.alloc(layout) }
        } else {
            unsafe { mimalloc().alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(layout: Layout) -> *mut u8 {
        if layout.size() >= LARGE {
            unsafe { System.alloc_zeroed(layout) }
        } else {
            unsafe { mimalloc().alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        if layout.size() >= LARGE {
            unsafe { System.dealloc(ptr, layout) }
        } else {
            unsafe { MiMalloc.dealloc(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match (layout.size() >= LARGE, new_size >= LARGE) {
            (true, true) => unsafe { System.realloc(ptr, layout, new_size) },
            (false, false) => unsafe { MiMalloc.realloc(ptr, layout, new_size) },
            _ => {
                // The block moves between the two allocators: a new block, a copy, a free.
                // SAFETY: the caller guarantees `new_size`, rounded up to the alignment, does
                // not overflow `isize`, which is what `Layout` requires.
                let new_layout =
                    unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                let new = unsafe { Self::alloc(new_layout) };
                if !new.is_null() {
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        Self::dealloc(ptr, layout);
                    }
                }
                new
            }
        }
    }
}

// SAFETY: every method forwards to `Heap` with the same arguments, which forwards to mimalloc
// or the C library by the block's size (the size of a block is known again when it is freed or
// resized, from its layout); the bookkeeping around it neither allocates nor unwinds.
unsafe impl GlobalAlloc for CalcAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        unsafe { Heap::alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        unsafe { Heap::alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_dealloc(layout.size());
        unsafe { Heap::dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            on_alloc(new_size - layout.size());
        } else {
            on_dealloc(layout.size() - new_size);
        }
        unsafe { Heap::realloc(ptr, layout, new_size) }
    }
}

/// A thread that owns a value (the note's numbat context) and runs jobs on it, one at a time,
/// under [`Limits`].
pub struct Worker<J, R> {
    jobs: Option<Sender<J>>,
    replies: Receiver<std::thread::Result<R>>,
    shared: Arc<Shared>,
    limits: Limits,
    /// Set once the worker was abandoned or crashed: it takes no more jobs.
    dead: Option<Stopped>,
}

impl<J: Send + 'static, R: Send + 'static> Worker<J, R> {
    /// Starts a worker owning `state`, running `run(&mut state, job)` for each job.
    pub fn start<S, F>(state: S, limits: Limits, mut run: F) -> std::io::Result<Self>
    where
        S: Send + 'static,
        F: FnMut(&mut S, J) -> R + Send + 'static,
    {
        let (job_tx, job_rx) = mpsc::channel::<J>();
        let (reply_tx, reply_rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            state: AtomicU8::new(RUNNING),
            armed: AtomicBool::new(false),
            memory: limits.memory,
        });
        let theirs = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("corem-calc".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                let mut state = state;
                SHARED.with(|s| s.set(Arc::as_ptr(&theirs)));
                LIVE.with(|l| l.set(0));
                UNFLUSHED.with(|u| u.set(0));
                while let Ok(job) = job_rx.recv() {
                    theirs.armed.store(true, Ordering::SeqCst);
                    let reply = std::panic::catch_unwind(AssertUnwindSafe(|| run(&mut state, job)));
                    theirs.armed.store(false, Ordering::SeqCst);
                    let crashed = reply.is_err();
                    if reply_tx.send(reply).is_err() || crashed {
                        break;
                    }
                }
                // Stop counting before the state (and `theirs`) are dropped, and take out of the
                // process total everything this worker counted (values it handed to other
                // threads are freed there, uncounted).
                SHARED.with(|s| s.set(std::ptr::null()));
                // `TOTAL` holds what was flushed of the count: all of it but the unflushed part.
                let live = LIVE.with(Cell::get);
                let unflushed = UNFLUSHED.with(|u| u.replace(0));
                TOTAL.fetch_sub(live - unflushed, Ordering::Relaxed);
                drop(state);
            })?;
        Ok(Worker {
            jobs: Some(job_tx),
            replies: reply_rx,
            shared,
            limits,
            dead: None,
        })
    }

    /// Runs one job and waits for its answer within the limits.
    pub fn run(&mut self, job: J) -> Result<R, Stopped> {
        if let Some(d) = &self.dead {
            return Err(d.clone());
        }
        let sent = self.jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok());
        if !sent {
            return Err(self.kill(Stopped::Crashed("the calc worker has stopped".into())));
        }
        let deadline = Instant::now() + self.limits.time;
        loop {
            let now = Instant::now();
            // Wake up now and then to notice a memory stop, which freezes the worker silently.
            let wait = deadline
                .saturating_duration_since(now)
                .min(Duration::from_millis(20));
            match self.replies.recv_timeout(wait) {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(panic)) => {
                    let msg = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic".into());
                    return Err(self.kill(Stopped::Crashed(msg)));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.kill(Stopped::Crashed("the calc worker has stopped".into())));
                }
                Err(RecvTimeoutError::Timeout) => {
                    match self.shared.state.load(Ordering::SeqCst) {
                        OVER_MEMORY => return Err(self.kill(Stopped::Memory(self.limits.memory))),
                        OVER_BUDGET => return Err(self.kill(Stopped::Budget(PROCESS_BUDGET))),
                        _ => {}
                    }
                    if Instant::now() >= deadline {
                        // Freeze it at its next allocation (unless it just went over memory).
                        let _ = self.shared.state.compare_exchange(
                            RUNNING,
                            CANCELLED,
                            Ordering::SeqCst,
                            Ordering::SeqCst,
                        );
                        match self.shared.state.load(Ordering::SeqCst) {
                            OVER_MEMORY => {
                                return Err(self.kill(Stopped::Memory(self.limits.memory)));
                            }
                            OVER_BUDGET => return Err(self.kill(Stopped::Budget(PROCESS_BUDGET))),
                            _ => return Err(self.kill(Stopped::Time(self.limits.time))),
                        }
                    }
                }
            }
        }
    }

    /// Whether the worker was abandoned (it takes no more jobs).
    pub fn is_dead(&self) -> bool {
        self.dead.is_some()
    }

    fn kill(&mut self, why: Stopped) -> Stopped {
        self.jobs = None;
        self.dead = Some(why.clone());
        why
    }
}

impl<J, R> Drop for Worker<J, R> {
    fn drop(&mut self) {
        // Closing the job channel ends a healthy worker; a stuck one is already cancelled.
        self.jobs = None;
        if self.dead.is_some() {
            let _ = self.shared.state.compare_exchange(
                RUNNING,
                CANCELLED,
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_jobs_in_order() {
        let mut w = Worker::start(0u64, Limits::default(), |n: &mut u64, add: u64| {
            *n += add;
            *n
        })
        .unwrap();
        assert_eq!(w.run(2), Ok(2));
        assert_eq!(w.run(3), Ok(5));
    }

    #[test]
    fn gives_up_after_the_time_limit() {
        let limits = Limits {
            time: Duration::from_millis(100),
            ..Limits::default()
        };
        let mut w = Worker::start((), limits, |_: &mut (), ms: u64| {
            std::thread::sleep(Duration::from_millis(ms));
            ms
        })
        .unwrap();
        assert_eq!(w.run(1), Ok(1));
        let t = Instant::now();
        assert_eq!(w.run(10_000), Err(Stopped::Time(limits.time)));
        assert!(t.elapsed() < Duration::from_secs(2));
        assert!(w.is_dead());
        assert!(matches!(w.run(1), Err(Stopped::Time(_))));
    }

    #[test]
    fn reports_a_panic() {
        let mut w = Worker::start((), Limits::default(), |_: &mut (), boom: bool| {
            assert!(!boom, "boom");
        })
        .unwrap();
        assert_eq!(w.run(false), Ok(()));
        let err = w.run(true).unwrap_err();
        assert!(matches!(err, Stopped::Crashed(m) if m.contains("boom")));
    }

    /// A block that grows past [`LARGE`] moves from mimalloc to the C library, and back when
    /// it shrinks below: its bytes move with it.
    #[test]
    fn a_block_keeps_its_bytes_across_the_two_heaps() {
        let mut v: Vec<u32> = (0..1000).collect();
        for n in 1000..(LARGE as u32) {
            v.push(n); // grows by doubling: from below LARGE to above it
        }
        assert!(v.capacity() * 4 >= LARGE);
        v.truncate(1000);
        v.shrink_to_fit(); // back below LARGE
        assert!(v.capacity() * 4 < LARGE);
        assert!(v.iter().copied().eq(0..1000));
        let zeroed = vec![0u64; LARGE]; // alloc_zeroed, above LARGE
        assert!(zeroed.iter().all(|&b| b == 0));
    }

    /// `MI_OPTION_ARENA_RESERVE` is a number copied from mimalloc's header: mimalloc's own list
    /// of its options, by name, shows that the option set under that number is `arena_reserve`.
    #[test]
    fn mimalloc_reserves_address_space_in_small_steps() {
        unsafe extern "C" {
            fn mi_options_print_out(out: libmimalloc_sys::mi_output_fun, arg: *mut c_void);
        }
        unsafe extern "C" fn collect(msg: *const std::ffi::c_char, arg: *mut c_void) {
            // SAFETY: mimalloc passes a NUL-terminated message and the `arg` given below.
            let (msg, out) = unsafe { (std::ffi::CStr::from_ptr(msg), &mut *arg.cast::<String>()) };
            out.push_str(&msg.to_string_lossy());
        }
        use std::ffi::c_void;
        drop(vec![0u8; 16]); // the unit tests run under CalcAlloc: this sets the options
        let mut out = String::new();
        // SAFETY: `collect` matches `mi_output_fun`; `out` outlives the call.
        unsafe { mi_options_print_out(Some(collect), (&raw mut out).cast()) };
        let line = format!("option 'arena_reserve': {ARENA_RESERVE_KIB} KiB");
        assert!(
            out.contains(&line),
            "no `{line}` in mimalloc's options:\n{out}"
        );
    }
}
