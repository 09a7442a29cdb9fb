//! ## stale-open
//!
//! **What it flags.** An open (or in-progress) task of priority P0 or P1 (its own tag, an
//! ancestor's or its section's tier) whose text and state have not changed for more than
//! `dates.stale-open-days` days (default 90) of committed history. The message says when the
//! task was added and when it last changed. Tasks at P2 and below, and tasks with no
//! priority, are never reported. A change in the working copy counts as a change today.
//! It needs the file's git history: the language server reports it once it has read that
//! history, and `tickmark check` only with `--history`.
//!
//! **Why.** A top-priority task nobody has touched for a quarter is either not top priority
//! any more, or blocked and forgotten. Both deserve a look.
//!
//! **Example.**
//! ```markdown
//! - [ ] [P0] Rotate the signing keys
//! ```
//! added on 2025-01-10 and unchanged since, checked on 2025-06-01.
//!
//! **Fix.** None: lower its priority, split it, work on it or drop it.
