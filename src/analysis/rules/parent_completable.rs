//! ## parent-completable
//!
//! **What it flags.** An open (or in-progress) task whose subtasks are all done (cancelled
//! ones aside, at least one done), counted leaf-first as progress is: a ticked subtask with
//! an open subtask of its own is not done yet.
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
use crate::analysis::model::{Document, ItemId, State};

/// The done and the open tasks below `id`, counted leaf-first as progress counts them: a
/// subtask with tasks below it counts through them (a ticked subtask with an open one below
/// is not finished), a cancelled one not at all.
fn leaves(doc: &Document, id: ItemId) -> (usize, usize) {
    let (mut done, mut open) = (0, 0);
    let mut stack: Vec<ItemId> = vec![id];
    while let Some(parent) = stack.pop() {
        for s in doc.subtasks(parent) {
            match s.state() {
                Some(State::Cancelled) => {}
                _ if s.has_tasks_below => stack.push(s.id),
                Some(State::Done) => done += 1,
                _ => open += 1,
            }
        }
    }
    (done, open)
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    for item in &doc.items {
        let (Some(State::Open | State::InProgress), Some(checkbox)) = (item.state(), item.checkbox)
        else {
            continue;
        };
        let (done, open) = leaves(doc, item.id);
        if done > 0 && open == 0 {
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
- [ ] Ticked children, open grandchildren
  - [x] a
//  ^^^ warning: inconsistent-parent
    - [ ] a1
  - [x] b
- [ ] Done leaves below an open subtask
//^^^ hint: parent-completable
  - [ ] c
//  ^^^ hint: parent-completable
    - [x] c1
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
