//! ## duplicate-item
//!
//! **What it flags.** Two items of one document (tasks or plain items, not fields) whose
//! normalised text is the same: marker, box, priority tags, emphasis, code and link syntax,
//! emoji and surrounding punctuation dropped, case folded, white space collapsed. Subtasks of
//! two different parent items are not duplicates (`Write tests` under two features is fine).
//! The diagnostic sits on every later occurrence and points at the first.
//!
//! The same item in two roadmap files of one workspace (the files of one `tickmark check`
//! run, or the roadmaps below the editor's workspace folder) is flagged too, at information
//! severity (never above the rule's configured severity), pointing at the other file. As in
//! one file, two subtasks are never duplicates of each other across files.
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
//! duplicate's subtasks and fields all appear under the first occurrence too. A duplicate in
//! another file has no fix: which file should keep the item is the team's call.

use std::collections::HashMap;

use super::{item_lines, quote, Ctx, Diagnostic};
use crate::analysis::diagnostic::{Code, Place, Related, Severity};
use crate::analysis::fix::Fix;
use crate::analysis::index::Elsewhere;
use crate::analysis::model::{Document, ItemId};
use crate::analysis::normalize::{normalize, normalize_into};
use crate::analysis::text::{Edit, TextRange};

/// Maps keyed by normalised text or item ids: a fast hasher (the keys come from the
/// document itself, and one slow hash per item was a tenth of the analysis).
type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    // Each distinct key gets a slot; `under` holds, per (slot, parent item), the first
    // occurrence of that key among the parent's children.
    let mut slots: Map<String, usize> =
        Map::with_capacity_and_hasher(doc.items.len(), foldhash::fast::FixedState::default());
    let mut earlier: Vec<Earlier> = Vec::with_capacity(doc.items.len());
    let mut under: Map<(usize, ItemId), ItemId> = Map::default();
    let mut key = String::new();
    for item in doc.items.iter().filter(|i| !i.is_field() && !i.is_legend) {
        normalize_into(&ctx.text[item.text.as_range()], &mut key);
        if key.is_empty() {
            continue;
        }
        let slot = slots.get(key.as_str()).copied();
        let local = slot.and_then(|s| earlier[s].first_match(doc, item.id, s, &under));
        if local.is_none() {
            let other = ctx.inputs.elsewhere;
            if let Some(other) = other.and_then(|o| o.same_item(&key, item.parent.is_none())) {
                out.push(in_another_file(
                    &quote(ctx.text, item.text),
                    item.text,
                    other,
                ));
            }
        }
        let slot = slot.unwrap_or_else(|| {
            slots.insert(key.clone(), earlier.len());
            earlier.push(Earlier::default());
            earlier.len() - 1
        });
        if let Some(first) = local {
            let removal = loses_nothing(ctx.text, doc, item.id, ctx.text, doc, first)
                .then(|| item_lines(ctx.text, doc, item.id));
            out.push(duplicate_of(
                item.text,
                &quote(ctx.text, doc.items[first].text),
                doc.items[first].line,
                doc.items[first].text,
                removal,
            ));
        }
        earlier[slot].add(doc, item.id, slot, &mut under);
    }
}

/// The diagnostic on a later occurrence (`range`) of the item first listed on `first_line`
/// (0-based) at `first`; `removal`, when it loses nothing, is the lines the fix deletes.
pub(crate) fn duplicate_of(
    range: TextRange,
    first_quote: &str,
    first_line: usize,
    first: TextRange,
    removal: Option<TextRange>,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::DuplicateItem,
        range,
        format!(
            "Duplicate of “{first_quote}” on line {}: remove one of them",
            first_line + 1
        ),
    )
    .with_related(first, "first listed here");
    if let Some(lines) = removal {
        d = d.with_fix(Fix::unsafe_(
            "Remove duplicate item",
            vec![Edit::delete(lines)],
        ));
    }
    d
}

/// The diagnostic for an item (`range`, quoted `quoted`) that another file of the workspace
/// lists too.
pub(crate) fn in_another_file(quoted: &str, range: TextRange, other: Elsewhere) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::DuplicateItem,
        range,
        format!(
            "“{quoted}” is also listed in {} on line {}: keep it in one roadmap",
            other.label,
            other.start.line + 1
        ),
    );
    d.severity = Severity::Information;
    d.related.push(Related {
        place: Place::Elsewhere {
            file: other.file,
            label: other.label,
            start: other.start,
            end: other.end,
        },
        message: "also listed here".to_owned(),
    });
    d
}

/// The earlier occurrences of one key that can still be the first of a duplicate, so each
/// lookup is constant time however often a text repeats. The first occurrence under each
/// parent item lives in the shared `under` map, keyed by this key's slot.
#[derive(Default)]
struct Earlier {
    /// The first occurrence of all.
    first: Option<ItemId>,
    /// The first two top-level occurrences (one of them may be the new item's own root).
    top_level: [Option<ItemId>; 2],
}

impl Earlier {
    fn add(
        &mut self,
        doc: &Document,
        id: ItemId,
        slot: usize,
        under: &mut Map<(usize, ItemId), ItemId>,
    ) {
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
                under.entry((slot, parent)).or_insert(id);
            }
        }
    }

    /// The first earlier occurrence `id` duplicates: any item when `id` is top-level; else a
    /// sibling, or a top-level item that is not `id`'s own ancestor.
    fn first_match(
        &self,
        doc: &Document,
        id: ItemId,
        slot: usize,
        under: &Map<(usize, ItemId), ItemId>,
    ) -> Option<ItemId> {
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
        let sibling = under.get(&(slot, parent)).copied();
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

/// True when every descendant of `dup` has a same-key counterpart below `first` (each item
/// given with the text and document it belongs to).
pub(crate) fn loses_nothing(
    dup_text: &str,
    dup_doc: &Document,
    dup: ItemId,
    first_text: &str,
    first_doc: &Document,
    first: ItemId,
) -> bool {
    let keys = |text: &str, doc: &Document, id: ItemId| -> Vec<String> {
        doc.descendants(id)
            .into_iter()
            .map(|d| normalize(&text[doc.items[d].text.as_range()]))
            .collect()
    };
    let kept = keys(first_text, first_doc, first);
    keys(dup_text, dup_doc, dup)
        .iter()
        .all(|k| kept.contains(k))
}

#[cfg(test)]
mod tests {
    use crate::analysis::index::{FileIndex, WorkspaceIndex};
    use crate::analysis::parse::parse;
    use crate::analysis::tests::{check, check_fix, check_no_fix, check_with};
    use crate::analysis::{analyze, BoxStates, Code, Encoding, Inputs, Place, Settings, Severity};

    fn workspace(files: &[(&str, &str)]) -> WorkspaceIndex {
        let mut ws = WorkspaceIndex::default();
        for (name, text) in files {
            let doc = parse(text, &BoxStates::default());
            ws.update(name, name, FileIndex::new(text, &doc, Encoding::Utf32));
        }
        ws
    }

    #[test]
    fn an_item_another_file_lists_is_information_pointing_there() {
        let ws = workspace(&[
            (
                "ROADMAP.md",
                "# Plan\n\n- [ ] **API Documentation**\n- Feature\n  - [ ] Write tests\n",
            ),
            ("TODO.md", ""),
        ]);
        let others = ws.others("TODO.md");
        let inputs = Inputs {
            elsewhere: Some(&others),
            ..Inputs::default()
        };
        check_with(
            r"
- [ ] API documentation.
//    ^^^^^^^^^^^^^^^^^^ information: duplicate-item
- [ ] API documentation
//    ^^^^^^^^^^^^^^^^^ warning: duplicate-item
- Other feature
  - [ ] Write tests
",
            &inputs,
        );
        let text = "- [ ] API documentation.\n";
        let analysis = analyze(text, &inputs, &Settings::default());
        let d = &analysis.diagnostics[0];
        assert_eq!(
            d.message,
            "“API documentation.” is also listed in ROADMAP.md on line 3: keep it in one roadmap"
        );
        assert!(d.fixes.is_empty());
        match &d.related[0].place {
            Place::Elsewhere {
                file, start, end, ..
            } => {
                assert_eq!(file, "ROADMAP.md");
                assert_eq!((start.line, start.col, end.col), (2, 6, 27));
            }
            Place::Here(_) => panic!("related should be in the other file"),
        }
    }

    #[test]
    fn the_configured_severity_never_raises_a_cross_file_duplicate() {
        let ws = workspace(&[("a.md", "- [ ] Ship it\n"), ("b.md", "")]);
        let others = ws.others("b.md");
        let inputs = Inputs {
            elsewhere: Some(&others),
            ..Inputs::default()
        };
        let graded = |severity: Option<Severity>| {
            let mut settings = Settings::default();
            settings.severities.insert(Code::DuplicateItem, severity);
            analyze("- [ ] Ship it\n", &inputs, &settings)
                .diagnostics
                .iter()
                .map(|d| d.severity)
                .collect::<Vec<_>>()
        };
        assert_eq!(graded(Some(Severity::Error)), [Severity::Information]);
        assert_eq!(graded(Some(Severity::Hint)), [Severity::Hint]);
        assert_eq!(graded(None), []);
    }

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
