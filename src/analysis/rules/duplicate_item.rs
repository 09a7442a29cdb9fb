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
    let mut seen: HashMap<String, Earlier> = HashMap::new();
    for item in doc.items.iter().filter(|i| !i.is_field() && !i.is_legend) {
        let key = normalize(&ctx.text[item.text.as_range()]);
        if key.is_empty() {
            continue;
        }
        let earlier = seen.entry(key).or_default();
        if let Some(first) = earlier.first_match(doc, item.id) {
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
        earlier.add(doc, item.id);
    }
}

/// The earlier occurrences of one key that can still be the first of a duplicate, so each
/// lookup is constant time however often a text repeats.
#[derive(Default)]
struct Earlier {
    /// The first occurrence of all.
    first: Option<ItemId>,
    /// The first two top-level occurrences (one of them may be the new item's own root).
    top_level: [Option<ItemId>; 2],
    /// The first occurrence under each parent item.
    by_parent: HashMap<ItemId, ItemId>,
}

impl Earlier {
    fn add(&mut self, doc: &Document, id: ItemId) {
        self.first.get_or_insert(id);
        match doc.items[id].parent {
            None => {
                if self.top_level[0].is_none() {
                    self.top_level[0] = Some(id);
                } else if self.top_level[1].is_none() {
                    self.top_level[1] = Some(id);
                }
            }
            Some(parent) => {
                self.by_parent.entry(parent).or_insert(id);
            }
        }
    }

    /// The first earlier occurrence `id` duplicates: any item when `id` is top-level; else a
    /// sibling, or a top-level item that is not `id`'s own ancestor.
    fn first_match(&self, doc: &Document, id: ItemId) -> Option<ItemId> {
        let Some(parent) = doc.items[id].parent else {
            return self.first;
        };
        let root = root_of(doc, id);
        let top = self
            .top_level
            .iter()
            .flatten()
            .copied()
            .find(|&t| t != root);
        let sibling = self.by_parent.get(&parent).copied();
        match (top, sibling) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

fn root_of(doc: &Document, mut id: ItemId) -> ItemId {
    while let Some(p) = doc.items[id].parent {
        id = p;
    }
    id
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
    fn an_item_is_not_a_duplicate_of_its_own_ancestor() {
        check(
            r"
- [ ] Caching
  - [ ] Caching
- [ ] Other
  - [ ] Caching
//      ^^^^^^^ warning: duplicate-item
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
