//! The calc workers' memory count ([`corem::calc::guard::held`]), which the process budget is
//! checked against. Workers add to the shared count in batches, not on every block: this checks
//! that the count still follows what a worker holds, and comes back to zero when it ends.
//!
//! One test in a test binary of its own: no other worker runs in this process, so the count is
//! this test's alone.

use std::time::{Duration, Instant};

use corem::calc::Limits;
use corem::calc::guard::{Worker, held, held_signed};

#[global_allocator]
static ALLOC: corem::calc::CalcAlloc = corem::calc::CalcAlloc;

const MIB: usize = 1024 * 1024;

/// What a worker does to its own heap.
enum Job {
    /// Allocates and frees `n` small blocks, one at a time.
    Churn(usize),
    /// Keeps `n` blocks of `size` bytes.
    Keep(usize, usize),
    /// Frees what it keeps.
    Free,
}

#[test]
fn the_count_follows_what_a_worker_holds_and_ends_at_zero() {
    assert_eq!(held(), 0, "no calc worker has run yet");
    let mut w = Worker::start(
        Vec::<Vec<u8>>::new(),
        Limits::default(),
        |kept: &mut Vec<Vec<u8>>, job: Job| match job {
            Job::Churn(n) => {
                for i in 0..n {
                    std::hint::black_box(vec![i as u8; 100]);
                }
            }
            Job::Keep(n, size) => kept.extend((0..n).map(|i| vec![i as u8; size])),
            Job::Free => *kept = Vec::new(),
        },
    )
    .expect("a worker starts");

    // A million blocks made and freed: the count does not drift.
    w.run(Job::Churn(1_000_000)).expect("churns");
    assert!(held() < MIB, "after churning, held {} bytes", held());

    // 64 MiB kept, in blocks of 4 KiB: counted, give or take one batch.
    w.run(Job::Keep(16 * 1024, 4096)).expect("keeps");
    let h = held();
    assert!(
        (63 * MIB..66 * MIB).contains(&h),
        "a worker keeping 64 MiB is counted as {h} bytes"
    );

    w.run(Job::Free).expect("frees");
    assert!(held() < 2 * MIB, "after freeing, held {} bytes", held());

    // A 16 MiB state, and ten small blocks that are not yet added to the shared count, left
    // when the worker ends, are taken off the count: back to exactly zero.
    w.run(Job::Keep(32, MIB / 2)).expect("keeps");
    w.run(Job::Keep(10, 1000)).expect("keeps");
    assert!(held() >= 15 * MIB, "held {} bytes", held());
    drop(w);
    let deadline = Instant::now() + Duration::from_secs(30);
    while held_signed() > 0 {
        assert!(
            Instant::now() < deadline,
            "30 s after the worker was dropped, {} bytes are still counted",
            held()
        );
        std::thread::yield_now();
    }
    assert_eq!(held_signed(), 0, "the count went below zero");
}
