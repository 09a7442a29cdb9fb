//! ## inconsistent-parent
//!
//! **What it flags.** A checked task with a subtask that is still open (open, in progress or
//! deferred). The box of the parent is marked; each open subtask is related information.
//!
//! **Why.** Either the parent was ticked too early or the subtasks were forgotten; progress
//! counts and readers disagree about whether the work is done.
//!
//! **Example.**
//! ```markdown
//! - [x] Rate limiting
//!   - [ ] Return 429 with retry-after
//! ```
//!
//! **Fix (unsafe).** `Check the subtasks`, or `Uncheck item` on the parent. Which one is right
//! depends on the facts, so neither is applied in bulk.

use super::{set_box, Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::{Edits, Fix};
use crate::analysis::model::State;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    for item in &doc.items {
        let (Some(State::Done), Some(checkbox)) = (item.state(), item.checkbox) else {
            continue;
        };
        let open = || {
            doc.subtasks(item.id)
                .filter(|s| s.state().is_some_and(|st| !st.is_closed()))
        };
        let n = open().count();
        if n == 0 {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::InconsistentParent,
            checkbox,
            format!(
                "Checked, but {n} subtask{} still open: check {} or uncheck this item",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "it" } else { "them" }
            ),
        );
        d.related.reserve_exact(n);
        let mut edits = Edits::with_capacity(n);
        for s in open() {
            let b = s.checkbox.expect("tasks have boxes");
            d = d.with_related(b, "open subtask");
            edits.push(set_box(b, 'x'));
        }
        out.push(
            d.with_fix(Fix::unsafe_("Check the subtasks", edits))
                .with_fix(Fix::unsafe_("Uncheck item", [set_box(checkbox, ' ')])),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn checked_parent_with_open_subtask() {
        check(
            r"
- [x] Parent
//^^^ warning: inconsistent-parent
  - [x] done
  - [ ] open
- [x] Fine
  - [x] done
  - [-] cancelled
",
        );
    }

    #[test]
    fn fixes_change_one_character_per_box() {
        check_fix(
            "inconsistent-parent",
            "- [x] P\n  - [ ] a\n  - [/] b\n",
            "- [x] P\n  - [x] a\n  - [x] b\n",
        );
    }
}
