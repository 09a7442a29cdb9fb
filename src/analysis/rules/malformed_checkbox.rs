//! ## malformed-checkbox
//!
//! **What it flags.** A near-miss task box that Markdown does not render as a checkbox:
//! `- []`, `- [ x]`, `- [x ]`, `- [  ]`, `- [v]`, `- [✓]`, `- [✔]`, `- [√]`, `-[ ]` (no space
//! after the list marker) and `- [ ]Text` (no space after the box). Also a box with no list marker
//! at all, at the start of a paragraph line and followed by text: `[x] Set up CI`, a whole
//! TODO.md written that way. Not a link (`[x]` with `[x]: url` defined), nor a box inside a
//! sentence or carrying on a sentence from the line above (`Mark finished work with` /
//! `[x] once it ships.`).
//!
//! **Why.** GitHub and every other renderer show these as literal brackets, so the task has
//! no checkbox, cannot be ticked from the web UI, and other task-list tools count it as
//! prose. (tickmark itself counts a near-miss box in a list item as the task the author
//! meant. `-[ ]` and a box with no list marker make no list item for any Markdown reader, so
//! tickmark counts them only once the fix has written the marker.)
//!
//! **Example.**
//! ```markdown
//! - [] Setup Redis server locally
//! ```
//!
//! **Fix (safe).** Rewrite the box to `[ ]` or `[x]`, keeping the state the author meant
//! (`[v]` and `[✓]` mean done), or add the missing space; before a box with no list marker,
//! insert `- `.
//!
//! Not flagged: the configured states `[/]`, `[-]`, `[>]` and the other box characters read
//! as states, `[~]` (in progress) and `[✗]`, `[✘]`, `[×]` (cancelled), which no renderer
//! draws as a checkbox either.

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;
use crate::analysis::fix::Fix;
use crate::analysis::model::{MalformedBox, State};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for b in &ctx.doc.malformed_boxes {
        let written = &ctx.text[b.range.as_range()];
        let canonical = if b.state == State::Done { "[x]" } else { "[ ]" };
        if b.item.is_none() && written.starts_with('[') {
            out.push(unmarked(b, written, canonical));
            continue;
        }
        let message = if b.item.is_none() {
            format!("`{written}` needs a space after the list marker to be a task: write `- {canonical}`")
        } else if b.fix.range.is_empty() && b.fix.range.start == b.range.end {
            format!("The task box `{written}` needs a space before the text to render")
        } else {
            format!("`{written}` is not a task box Markdown renders: write `{canonical}`")
        };
        let title = if b.item.is_none() {
            format!("Rewrite as `- {canonical}`")
        } else if b.fix.range.is_empty() && b.fix.range.start == b.range.end {
            "Add a space after the box".into()
        } else {
            format!("Rewrite as `{canonical}`")
        };
        out.push(
            Diagnostic::new(Code::MalformedCheckbox, b.range, message)
                .with_fix(Fix::safe(title, [b.fix.clone()])),
        );
    }
}

/// A box at the start of a paragraph line, with no list marker.
fn unmarked(b: &MalformedBox, written: &str, canonical: &str) -> Diagnostic {
    let (box_text, title) = if b.fix.range.is_empty() {
        (written, "Insert `- ` before the box".to_owned())
    } else {
        (canonical, format!("Rewrite as `- {canonical}`"))
    };
    Diagnostic::new(
        Code::MalformedCheckbox,
        b.range,
        format!(
            "`{written}` has no list marker, so Markdown reads it as text: write `- {box_text}`"
        ),
    )
    .with_fix(Fix::safe(title, [b.fix.clone()]))
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::{check, check_fix};

    #[test]
    fn flags_each_near_miss() {
        check(
            r"
- [] Setup Redis
//^^ warning: malformed-checkbox
- [ x] Done thing
//^^^^ warning: malformed-checkbox
- [x ] Also done
//^^^^ warning: malformed-checkbox
- [  ] Two spaces
//^^^^ warning: malformed-checkbox
- [v] Ticked with v
//^^^ warning: malformed-checkbox
-[ ] Glued marker
^^^^ warning: malformed-checkbox
- [ ]Glued text
//^^^ warning: malformed-checkbox
- [ ] Fine
- [x] Fine too
",
        );
    }

    #[test]
    fn other_box_characters_are_states_not_near_misses() {
        check("- [~] partly\n- [✗] failed\n- [✘] crashed\n- [×] won't do\n- [/] started\n");
    }

    #[test]
    fn a_box_without_a_list_marker() {
        check(
            r"
# TODO

[x] Set up CI
^^^ warning: malformed-checkbox
[ ] Write the docs
^^^ warning: malformed-checkbox
  [] Near miss
//^^ warning: malformed-checkbox

Mark finished work with [x] when it ships, and
[x] is also how the old list did it.
",
        );
        // With `[x]: url` defined, `[x]` is a link.
        check("[x] Set up CI\n\n[x]: https://example.com\n");
        check_fix("malformed-checkbox", "[x] Set up CI\n", "- [x] Set up CI\n");
        check_fix("malformed-checkbox", "> [v] Quoted\n", "> - [x] Quoted\n");
    }

    #[test]
    fn not_in_code() {
        check("```\n- [] x\n-[ ] y\n```\n\n`-[ ] z`\n");
    }

    #[test]
    fn fixes_keep_the_state_with_one_edit() {
        check_fix("malformed-checkbox", "- [] a\n", "- [ ] a\n");
        check_fix("malformed-checkbox", "- [ x] a\n", "- [x] a\n");
        check_fix("malformed-checkbox", "- [✓] a\n", "- [x] a\n");
        // The tick Chinese task lists write.
        check_fix("malformed-checkbox", "- [√] a\n", "- [x] a\n");
        check_fix("malformed-checkbox", "-[ ] a\n", "- [ ] a\n");
        check_fix("malformed-checkbox", "-[x] a\n", "- [x] a\n");
        check_fix("malformed-checkbox", "- [ ]a\n", "- [ ] a\n");
        check_fix("malformed-checkbox", "-[]a\n", "- [ ] a\n");
    }
}
