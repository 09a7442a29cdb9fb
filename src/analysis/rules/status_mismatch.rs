//! ## status-mismatch
//!
//! **What it flags.** An open or in-progress task below a done section: a heading that starts
//! with `✅` or names Completed, Done, Finished or Shipped (mojibake repaired first), and
//! every subsection of it. Deferred and cancelled tasks are left alone. A heading that states
//! what done means is no done section, and its open tasks are the criteria still to meet:
//! `Done When`, `Definition of Done`, `Acceptance criteria`, `Exit criteria`, `DoD`, `When is
//! it done`, `What done looks like`; the headings below one are criteria too, even with a
//! `✅` (`## Acceptance Criteria` → `### ✅ Login works`). Nor is a heading that denies it
//! (`Not done yet`, `To be done`) or makes it a condition (`Phase 4 (after #254 is done)`).
//!
//! **Why.** Either the task was finished and never ticked, or it was moved to the done
//! section by mistake.
//!
//! **Example.**
//! ```markdown
//! ## ✅ Completed
//! - [ ] Password hashing
//! ```
//!
//! **Fix (unsafe).** `Check item`.

use super::{quote_into, set_box, Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::model::State;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    for item in &doc.items {
        let (Some(State::Open | State::InProgress), Some(checkbox), Some(section)) =
            (item.state(), item.checkbox, item.section())
        else {
            continue;
        };
        if !doc.sections[section].done {
            continue;
        }
        // The done heading itself (or the nearest above that is one).
        let mut s = section;
        while let Some(p) = doc.sections[s].parent.filter(|&p| doc.sections[p].done) {
            s = p;
        }
        let title = doc.sections[s].title;
        let mut message = String::with_capacity(96);
        message.push_str("Open task under the done section “");
        quote_into(&mut message, ctx.text, title);
        message.push_str("”: check it or move it");
        out.push(
            Diagnostic::new(Code::StatusMismatch, checkbox, message)
                .with_related(title, "done section")
                .with_fix(Fix::unsafe_("Check item", [set_box(checkbox, 'x')])),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn open_task_in_done_section_and_subsections() {
        check(
            r"
## ✅ Completed
- [x] fine
- [ ] forgotten
//^^^ information: status-mismatch
### Sub
- [/] started
//^^^ information: status-mismatch
- [>] deferred is deliberate
## Next
- [ ] open is fine here
",
        );
    }

    #[test]
    fn criteria_headings_are_no_done_sections() {
        check(
            r"
## Slice 0 — Repo bootstrap
### Done when
- [ ] project installs locally in one command
## Definition of Done
- [ ] All tests pass
### T01 Done Criteria
- [ ] Migration script ran
## ✅ Acceptance Criteria
- [ ] Works offline
## Not done yet
- [ ] Push the branch
## Shipped
- [ ] forgotten
//^^^ information: status-mismatch
",
        );
    }

    #[test]
    fn fix_checks_it() {
        check_fix("status-mismatch", "# Done\n- [ ] a\n", "# Done\n- [x] a\n");
    }
}
