//! ## reopened-item
//!
//! **What it flags.** A task that is open (or in progress) now and was checked in an earlier
//! committed version of the file: someone unchecked it. The message names the commit that
//! unchecked it (short id, date and author, or "in the working copy" when the change is not
//! committed yet); its related information points at the task. Only a task followed through
//! the file's git history reads as the same task (rewordings, moves and re-adds are
//! followed, as `tickmark history` shows them). It needs that history: the language server
//! reports it once it has read the file's history, and `tickmark check` only with
//! `--history`.
//!
//! **Why.** Reopening finished work is sometimes right (a regression, a feature pulled
//! back) and sometimes a slip (a merge that kept the old line, an undone edit). Either way
//! it changes what the roadmap promises, and it is easy to miss in a diff.
//!
//! **Example.**
//! ```markdown
//! - [ ] Export to CSV
//! ```
//! where an earlier commit had `- [x] Export to CSV`.
//!
//! **Fix (unsafe).** Check it again: sets the box back to `[x]`. Unsafe, since the reopening
//! may have been deliberate: `tickmark check --fix` never applies it; the editor offers it
//! as a quick fix.
