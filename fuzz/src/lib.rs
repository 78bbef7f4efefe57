//! corem's fuzz harness: the targets ([`targets`]) and a seeded mutational driver
//! ([`driver`], [`mutate`]) that replays the committed corpus and mutates it for a time budget.
//! Coverage-guided long runs use the same targets through AFL++ (`src/bin/afl.rs`).

pub mod driver;
pub mod mutate;
pub mod targets;
