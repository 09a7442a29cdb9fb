//! ## duplicate-item
//!
//! **What it flags.** Two items of one document (tasks or plain items, not fields) whose
//! normalised text is the same: marker, box, priority tags, emphasis, code and link syntax,
//! emoji and surrounding punctuation dropped, case folded, white space collapsed. Subtasks of
//! two different parent items are not duplicates (`Write tests` under two features is fine).
//! The diagnostic sits on every later occurrence and points at the first.
//!
//! **Why.** A roadmap that lists the same work twice gets ticked in one place and left open
//! in the other, and its progress counts are wrong.
//!
//! **Example.**
//! ```markdown
//! - [ ] **API Documentation**
//! - [ ] API documentation.
//! ```
//!
//! **Fix (unsafe).** Remove the later duplicate. Offered only when that loses nothing: the
//! duplicate's subtasks and fields all appear under the first occurrence too.

use std::collections::HashMap;

use super::{item_lines, quote, Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::model::{Document, ItemId};
use crate::analysis::normalize::normalize;
use crate::analysis::text::Edit;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let mut seen: HashMap<String, Vec<ItemId>> = HashMap::new();
    for item in doc.items.iter().filter(|i| !i.is_field() && !i.is_legend) {
        let key = normalize(&ctx.text[item.text.as_range()]);
        if key.is_empty() {
            continue;
        }
        let earlier = seen.entry(key).or_default();
        let first = earlier.iter().copied().find(|&e| {
            let other = &doc.items[e];
            (item.parent.is_none() || other.parent.is_none() || item.parent == other.parent)
                && !is_ancestor(doc, e, item.id)
        });
        if let Some(first) = first {
            let line = doc.items[first].line + 1;
            let mut d = Diagnostic::new(
                Code::DuplicateItem,
                item.text,
                format!(
                    "Duplicate of “{}” on line {line}: remove one of them",
                    quote(ctx.text, doc.items[first].text)
                ),
            )
            .with_related(doc.items[first].text, "first listed here");
            if loses_nothing(ctx, item.id, first) {
                d = d.with_fix(Fix::unsafe_(
                    "Remove duplicate item",
                    vec![Edit::delete(item_lines(ctx.text, doc, item.id))],
                ));
            }
            out.push(d);
        }
        earlier.push(item.id);
    }
}

fn is_ancestor(doc: &Document, ancestor: ItemId, mut id: ItemId) -> bool {
    while let Some(p) = doc.items[id].parent {
        if p == ancestor {
            return true;
        }
        id = p;
    }
    false
}

/// True when every descendant of `dup` has a same-key counterpart below `first`.
fn loses_nothing(ctx: &Ctx<'_>, dup: ItemId, first: ItemId) -> bool {
    let keys = |id: ItemId| -> Vec<String> {
        ctx.doc
            .descendants(id)
            .into_iter()
            .map(|d| normalize(&ctx.text[ctx.doc.items[d].text.as_range()]))
            .collect()
    };
    let kept = keys(first);
    keys(dup).iter().all(|k| kept.contains(k))
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix, check_no_fix};

    #[test]
    fn later_occurrences_are_flagged() {
        check(
            r"
- [ ] **API Documentation**
- [ ] API documentation.
//    ^^^^^^^^^^^^^^^^^^ warning: duplicate-item
1. [P1] api documentation
// ^^^^^^^^^^^^^^^^^^^^^^ warning: duplicate-item
",
        );
    }

    #[test]
    fn subtasks_of_different_parents_are_not_duplicates() {
        check(
            r"
- [ ] Login
  - [ ] Write tests
- [ ] Signup
  - [ ] Write tests
- [ ] Write tests
//    ^^^^^^^^^^^ warning: duplicate-item
- **Time:** 1 hour
- **Time:** 1 hour
",
        );
    }

    #[test]
    fn removal_is_offered_only_when_nothing_is_lost() {
        check_fix(
            "duplicate-item",
            "- [ ] A\n  - [ ] x\n- [ ] B\n- [ ] A\n  - [ ] x\n",
            "- [ ] A\n  - [ ] x\n- [ ] B\n",
        );
        check_no_fix("duplicate-item", "- [ ] A\n- [ ] A\n  - [ ] only here\n");
    }
}
