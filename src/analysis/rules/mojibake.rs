//! ## mojibake
//!
//! **What it flags.** Text that is UTF-8 decoded as Windows-1252 or Mac Roman and saved
//! again: `âœ…` and `ðŸ”´` (Windows-1252), `‚úÖ` and `üî¥` (Mac Roman). Each damaged run is
//! one diagnostic. Code blocks and code spans are left alone.
//!
//! **Why.** The emoji that mark tiers and done sections are unreadable, and tickmark can no
//! longer tell that `âœ… Completed` is a done section.
//!
//! **Example.**
//! ```markdown
//! ### âœ… Completed (Production-Ready)
//! ```
//!
//! **Fix (safe).** Repair the run to the characters that were meant (`✅`).

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::mojibake::find;
use crate::analysis::text::Edit;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for damage in find(ctx.text) {
        if ctx.doc.in_code(damage.range.start) {
            continue;
        }
        let written = &ctx.text[damage.range.as_range()];
        out.push(
            Diagnostic::new(
                Code::Mojibake,
                damage.range,
                format!(
                    "`{written}` is UTF-8 misread as {}: repair it to `{}`",
                    damage.misread.name(),
                    damage.repaired
                ),
            )
            .with_fix(Fix::safe(
                format!("Repair to `{}`", damage.repaired),
                [Edit::replace(damage.range, damage.repaired)],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check_codes, check_fix};

    #[test]
    fn both_code_pages() {
        check_codes(
            "### âœ… Completed\n## \u{F8FF}üî¥ Tier 1\n",
            &[(0, "mojibake"), (1, "mojibake")],
        );
        check_codes("`âœ…` in code\n\n    ðŸ”´\n", &[]);
    }

    #[test]
    fn repairs_every_run() {
        check_fix("mojibake", "## ‚úÖ Done\n", "## ✅ Done\n");
        check_fix("mojibake", "a â€” b\n", "a — b\n");
    }
}
