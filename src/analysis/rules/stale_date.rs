//! ## stale-date
//!
//! **What it flags.** A date field more than `dates.stale-days` days (default 0) older than
//! the date of the file's last committed change. Silent when that date is unknown (the file
//! is not in git).
//!
//! A date field is a label — Last Updated, Updated, Last Modified, Last Revised, Last
//! Reviewed, or Date and As of at the start of a line of the preamble only (under a `##`
//! section they name other dates: `## Next Review` → `**Date**: …`) — a colon, and a date
//! (`2025-01-15`, `2025/01/15`, `January 7, 2026`, `7 Jan 2026`), in the shapes roadmaps
//! write it: `**Last Updated:** 2025-01-15`, `**Last Updated**: 2025-01-15`, `*Last updated:
//! December 29, 2024*`, `> Last updated: …`, `- Updated: January 7, 2026`, or inside a line
//! after `|`, `·`, `•`, `—`, `(` or `;`: `Version 2.1 | Last Updated: 2026-07-24`. Not inside
//! a list item's or a table row's text, where a date is the item's own. In YAML front
//! matter, the value of `last_updated:` (or `updated:`, `lastmod:` …, else `date:`).
//!
//! **Why.** Readers trust the date to tell how current the plan is; a file edited since
//! without updating it misleads them.
//!
//! **Example.**
//! ```markdown
//! **Last Updated:** 2025-01-15
//! ```
//! in a file last committed on 2025-03-02.
//!
//! **Fix (safe).** Set the date to today, in the format it was written in; only the date is
//! replaced, never the label, emphasis or a time after it.

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::parse::format_date;
use crate::analysis::text::Edit;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(last_commit) = ctx.inputs.last_commit else {
        return;
    };
    for field in &ctx.doc.dates {
        let in_section = || {
            ctx.doc
                .sections
                .iter()
                .any(|s| s.level >= 2 && s.range.contains(field.range.start))
        };
        if field.generic && in_section() {
            continue;
        }
        let age = field
            .date
            .until(last_commit)
            .map_or(0, |span| i64::from(span.get_days()));
        if age <= i64::from(ctx.settings.stale_days) {
            continue;
        }
        let written = &ctx.text[field.range.as_range()];
        let mut d = Diagnostic::new(
            Code::StaleDate,
            field.range,
            format!("Dated {written}, but the file changed on {last_commit}: update the date"),
        );
        if let Some(today) = ctx.inputs.today.filter(|t| *t >= last_commit) {
            d = d.with_fix(Fix::safe(
                "Set the date to today",
                [Edit::replace(field.range, format_date(today, field.style))],
            ));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check_with, fix_with};
    use crate::analysis::Inputs;
    use jiff::civil::date;

    #[test]
    fn a_plain_date_label_under_a_section_is_another_date() {
        let inputs = Inputs {
            last_commit: Some(date(2025, 12, 1)),
            ..Inputs::default()
        };
        check_with(
            r"
# Roadmap

**Date:** 2025-11-02
//        ^^^^^^^^^^ hint: stale-date
**Last Updated**: 2025-11-25
//                ^^^^^^^^^^ hint: stale-date

## Next Review

**Date**: 2025-10-20
**Focus**: Phase 1 validation
*Last updated: October 1, 2025*
//             ^^^^^^^^^^^^^^^ hint: stale-date
",
            &inputs,
        );
    }

    #[test]
    fn older_than_the_last_commit() {
        let inputs = Inputs {
            last_commit: Some(date(2025, 3, 2)),
            ..Inputs::default()
        };
        check_with(
            r"
**Last Updated:** 2025-01-15
//                ^^^^^^^^^^ hint: stale-date
- Updated: March 2, 2025
",
            &inputs,
        );
        check_with("**Last Updated:** 2025-01-15\n", &Inputs::default());
    }

    #[test]
    fn the_date_in_front_matter() {
        let inputs = Inputs {
            last_commit: Some(date(2025, 3, 2)),
            today: Some(date(2025, 3, 3)),
            ..Inputs::default()
        };
        check_with(
            r"---
title: Plan
date: 2023-01-01
last_updated: 2024-12-29
//            ^^^^^^^^^^ hint: stale-date
---
# Plan
",
            &inputs,
        );
        assert_eq!(
            fix_with("---\nlast-updated: '2024-12-29'\n---\n# Plan\n", &inputs),
            "---\nlast-updated: '2025-03-03'\n---\n# Plan\n"
        );
    }

    #[test]
    fn the_shapes_a_date_line_takes() {
        let inputs = Inputs {
            last_commit: Some(date(2025, 3, 2)),
            today: Some(date(2025, 3, 3)),
            ..Inputs::default()
        };
        check_with(
            r"
*Last updated: December 29, 2024*
//             ^^^^^^^^^^^^^^^^^ hint: stale-date
> **Status: ACTIVE** | Last updated: 2025-01-05
//                                   ^^^^^^^^^^ hint: stale-date
**Last Updated**: 2025-01-15
//                ^^^^^^^^^^ hint: stale-date
Release notes | Date: 2024-01-01
",
            &inputs,
        );
        assert_eq!(
            fix_with(
                "*Last updated: December 29, 2024*\nVersion 2.1 | Last Updated: 2024-07-24\n",
                &inputs
            ),
            "*Last updated: March 3, 2025*\nVersion 2.1 | Last Updated: 2025-03-03\n"
        );
    }

    #[test]
    fn fix_writes_today_in_the_same_style() {
        let inputs = Inputs {
            last_commit: Some(date(2025, 3, 2)),
            today: Some(date(2026, 11, 22)),
            ..Inputs::default()
        };
        assert_eq!(
            fix_with("Updated: January 7, 2025\n", &inputs),
            "Updated: November 22, 2026\n"
        );
    }
}
