//! ## empty-item
//!
//! **What it flags.** A task box with no text after it: `- [ ]`.
//!
//! **Why.** An empty task counts as open work that nobody can do; it is usually a leftover
//! from typing or a paste.
//!
//! **Example.**
//! ```markdown
//! - [ ] Cache leaderboard
//! - [ ]
//! ```
//!
//! **Fix (unsafe).** Remove the item; offered only when it has no subtasks.

use super::{item_lines, Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::text::Edit;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for item in &ctx.doc.items {
        let Some(checkbox) = item.checkbox else {
            continue;
        };
        if !item.text.is_empty() {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::EmptyItem,
            checkbox,
            "Empty task: add its text or remove it",
        );
        if item.children.is_empty() {
            d = d.with_fix(Fix::unsafe_(
                "Remove empty item",
                [Edit::delete(item_lines(ctx.text, ctx.doc, item.id))],
            ));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn box_without_text() {
        check(
            r"
- [ ] real
- [ ]
//^^^ warning: empty-item
- [x]  
//^^^ warning: empty-item
",
        );
    }

    #[test]
    fn removes_the_line() {
        check_fix(
            "empty-item",
            "- [ ] a\n- [ ]\n- [ ] b\n",
            "- [ ] a\n- [ ] b\n",
        );
    }
}
