//! How many threads `tickmark check` spreads its files over; the spreading itself is the
//! engine's [`crate::analysis::parallel::map`].

use std::num::NonZeroUsize;

pub use crate::analysis::parallel::map;

/// Worker threads for per-file work: `TICKMARK_THREADS` when it is a positive number (`1`
/// keeps every file on the calling thread, the baseline tests and benchmarks compare
/// against), else the machine's available parallelism.
pub fn threads() -> usize {
    std::env::var("TICKMARK_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<NonZeroUsize>().ok())
        .map_or_else(crate::analysis::parallel::cores, NonZeroUsize::get)
}
