//! ## unknown-priority
//!
//! **What it flags.** A priority tag whose level is not in the document's priority legend, or
//! outside the default set (P0–P3, configurable as `priorities.default`) when the document
//! has no legend. Every dialect is compared on one scale: `[#A]`, `(A)` and `🔺` are P0.
//!
//! **Why.** A tag nobody defined has no agreed meaning, and sorting or filtering by it puts
//! the item in the wrong place.
//!
//! **Example.**
//! ```markdown
//! ## Priority Levels
//! - **[P0]** - Critical
//! - **[P1]** - Important
//!
//! - [ ] [P3] Tidy the logs
//! ```
//!
//! **Fix (unsafe).** Replace the tag with the nearest defined one, in the same notation.

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::model::{Document, Level, TagDialect};
use crate::analysis::text::Edit;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let allowed = doc.allowed_levels(&ctx.settings.default_priorities);
    check_with(ctx.text, doc, &allowed, !doc.legend.is_empty(), out);
}

/// The rule with the allowed levels given: those of the legend (`from_legend`), else the
/// default set. A part of a document checked alone gets them from the whole document.
pub fn check_with(
    text: &str,
    doc: &Document,
    allowed: &[Level],
    from_legend: bool,
    out: &mut Vec<Diagnostic>,
) {
    if allowed.is_empty() {
        return;
    }
    let defined = describe(allowed);
    let source = if from_legend {
        "the priority legend"
    } else {
        "the default priorities"
    };
    for item in doc.items.iter().filter(|i| !i.is_legend) {
        for tag in doc.tags_of(item) {
            if allowed.contains(&tag.level) {
                continue;
            }
            let nearest = *allowed
                .iter()
                .min_by_key(|&&l| (l.abs_diff(tag.level), l))
                .expect("not empty");
            let written = &text[tag.range.as_range()];
            let replacement = write_tag(nearest, tag.dialect);
            out.push(
                Diagnostic::new(
                    Code::UnknownPriority,
                    tag.range,
                    format!("`{written}` is not in {source} ({defined}): use a defined priority"),
                )
                .with_fix(Fix::unsafe_(
                    format!("Replace with `{replacement}`"),
                    [Edit::replace(tag.range, replacement)],
                )),
            );
        }
    }
}

/// A tag for `level` in the given notation.
pub fn write_tag(level: Level, dialect: TagDialect) -> String {
    match dialect {
        TagDialect::Bracket => format!("[P{level}]"),
        TagDialect::Org => format!("[#{}]", (b'A' + level.min(25)) as char),
        TagDialect::TodoTxt => format!("({})", (b'A' + level.min(25)) as char),
        TagDialect::Emoji => ["🔺", "⏫", "🔼", "🔽", "⏬"]
            .get(level as usize)
            .map_or_else(|| format!("[P{level}]"), |e| (*e).to_owned()),
    }
}

fn describe(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| format!("P{l}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn outside_the_legend() {
        check(
            r"
- **[P0]** - Critical: must fix
- **[P1]** - Important

- [ ] [P1] fine
- [ ] [P3] not defined
//    ^^^^ warning: unknown-priority
- [ ] [#C] org notation
//    ^^^^ warning: unknown-priority
",
        );
    }

    #[test]
    fn default_set_without_a_legend() {
        check(
            r"
- [ ] [P3] fine
- [ ] [P4] too low
//    ^^^^ warning: unknown-priority
",
        );
    }

    #[test]
    fn nearest_tag_in_the_same_notation() {
        check_fix(
            "unknown-priority",
            "- [P0] - a\n- [P1] - b\n\n- [ ] [P7] x\n",
            "- [P0] - a\n- [P1] - b\n\n- [ ] [P1] x\n",
        );
        check_fix("unknown-priority", "- [ ] [#F] x\n", "- [ ] [#D] x\n");
    }
}
