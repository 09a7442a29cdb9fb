//! ## parent-completable
//!
//! **What it flags.** An open (or in-progress) task whose subtasks are all done (cancelled
//! ones aside, at least one done).
//!
//! **Why.** The work is finished but the roadmap still lists it as open.
//!
//! **Example.**
//! ```markdown
//! - [ ] Caching
//!   - [x] Install Redis
//!   - [x] Cache leaderboard
//! ```
//!
//! **Fix (unsafe).** `Check item` on the parent: a parent sometimes carries work of its own
//! beyond its subtasks, so it is not ticked in bulk.

use super::{set_box, Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::model::State;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    for item in &doc.items {
        let (Some(State::Open | State::InProgress), Some(checkbox)) = (item.state(), item.checkbox)
        else {
            continue;
        };
        let mut done = 0;
        let mut all_closed = true;
        for s in doc.subtasks(item.id) {
            match s.state() {
                Some(State::Done) => done += 1,
                Some(State::Cancelled) => {}
                _ => all_closed = false,
            }
        }
        if done > 0 && all_closed {
            out.push(
                Diagnostic::new(
                    Code::ParentCompletable,
                    checkbox,
                    format!("All {done} subtasks are done: check this item"),
                )
                .with_fix(Fix::unsafe_("Check item", [set_box(checkbox, 'x')])),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn all_subtasks_done() {
        check(
            r"
- [ ] Parent
//^^^ hint: parent-completable
  - [x] a
  - [-] dropped
- [ ] Not yet
  - [x] a
  - [ ] b
- [ ] Only cancelled
  - [-] a
",
        );
    }

    #[test]
    fn fix_checks_the_parent() {
        check_fix(
            "parent-completable",
            "- [ ] P\n  - [x] a\n",
            "- [x] P\n  - [x] a\n",
        );
    }
}
