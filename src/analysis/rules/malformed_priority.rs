//! ## malformed-priority
//!
//! **What it flags.** A priority written at the start of an item in a form tickmark does not
//! read as a tag: `[p1]`, `[P 1]`, `[P-1]`, `(P1)`.
//!
//! **Why.** The item silently has no priority: it is sorted, counted and completed as if
//! untagged.
//!
//! **Example.**
//! ```markdown
//! - [ ] [p1] Add CORS configuration
//! ```
//!
//! **Fix (safe).** Rewrite the tag to `[P1]`.

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::text::Edit;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for tag in &ctx.doc.malformed_tags {
        let written = &ctx.text[tag.range.as_range()];
        let canonical = format!("[P{}]", tag.level);
        out.push(
            Diagnostic::new(
                Code::MalformedPriority,
                tag.range,
                format!("`{written}` is not read as a priority: write `{canonical}`"),
            )
            .with_fix(Fix::safe(
                format!("Rewrite as `{canonical}`"),
                [Edit::replace(tag.range, canonical)],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn near_miss_tags_at_the_start() {
        check(
            r"
- [ ] [p1] lower case
//    ^^^^ warning: malformed-priority
- [ ] [P 1] space
//    ^^^^^ warning: malformed-priority
- [ ] (P2) parens
//    ^^^^ warning: malformed-priority
- [P-0] plain item
//^^^^^ warning: malformed-priority
- [ ] [P1] fine
- [ ] mid-text [p1] is prose
",
        );
    }

    #[test]
    fn rewrites_to_the_canonical_tag() {
        check_fix("malformed-priority", "- [ ] [P-1] x\n", "- [ ] [P1] x\n");
    }
}
