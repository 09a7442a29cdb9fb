//! Work spread over threads, with results in input order: the files of `tickmark check`, so
//! that what it prints does not depend on which thread finished first, and the chunks of a
//! large document parsed at once, and the parts of its key table.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The machine's available parallelism, read once (it reads the process's CPU quota).
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// Threads for `work` items: every core when there are at least `enough` of them, else one
/// (starting threads would take longer than the work).
pub fn threads_for(work: usize, enough: usize) -> usize {
    if work >= enough {
        cores()
    } else {
        1
    }
}

/// `f` applied to every item, on up to `threads` scoped threads that each take the next
/// unclaimed item. The results come back in the order of `items`.
///
/// A panic in `f` is re-raised here once every thread has stopped; callers that must survive
/// one catch it inside `f`.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| claimed(&next, items, &f)))
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (position, result) in done {
                slots[position] = Some(result);
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.expect("every item is claimed by one thread"))
        .collect()
}

/// The work of one thread: claims the next item until none is left, keeping each result
/// with its position.
fn claimed<T, R>(next: &AtomicUsize, items: &[T], f: &impl Fn(&T) -> R) -> Vec<(usize, R)> {
    let mut done = Vec::new();
    loop {
        let position = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(position) else {
            return done;
        };
        done.push((position, f(item)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [1, 2, 3, 8, 2000] {
            let squares = map(&items, threads, |n| {
                // Uneven work, so threads finish out of order.
                if n % 7 == 0 {
                    std::thread::yield_now();
                }
                n * n
            });
            let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
            assert_eq!(squares, expected, "{threads} threads");
        }
    }

    #[test]
    fn no_items_no_threads() {
        let none: Vec<u8> = map(&[] as &[u8], 4, |_| unreachable!());
        assert!(none.is_empty());
    }
}
