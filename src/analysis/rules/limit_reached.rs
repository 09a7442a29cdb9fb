//! ## limit-reached
//!
//! **What it flags.** A file past one of tickmark's limits, once, at the top of the file:
//! lists nested deeper than 100 levels (the deeper items are read as the text of the item at
//! level 100), a file larger than 32 MiB or a line longer than 2 MiB (the costly checks,
//! `duplicate-item` and `progress-claim`, are skipped, and so are the editor's costly
//! answers). Every other rule still runs.
//!
//! **Why.** Such files are generated or hostile, not written by hand; reading them in full
//! would take minutes or gigabytes. The message says what was left out, so a clean report
//! never hides it.
//!
//! **Example.** A list nested 20,000 levels on one line: `- - - - … - [ ] task`.
//!
//! **Fix.** None: split the file or flatten the list.

use super::{Ctx, Diagnostic};
use crate::analysis::limits;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(limits::check(ctx.text, ctx.doc));
}
