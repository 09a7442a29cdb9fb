//! Completions as plain data: priority tags from the legend, the task box, field labels.
//!
//! Which completions apply depends only on the text of the cursor's line before the cursor:
//! after a task box (or a `[` typed there) come priority tags with the legend's meaning as
//! detail; right after a list marker comes the box `[ ] `; under an item, the field labels
//! the document already uses.

use std::collections::BTreeSet;

use super::model::{Document, Level};
use super::text::{Edit, TextRange};

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Priority,
    TaskBox,
    Field,
}

/// One completion: `insert` replaces `replace` (bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub detail: Option<String>,
    pub insert: String,
    pub replace: TextRange,
    pub kind: CompletionKind,
}

/// Completions at byte `offset` of `text`.
pub fn complete(
    text: &str,
    doc: &Document,
    offset: usize,
    default_priorities: &[Level],
) -> Vec<Completion> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = doc.line_index.line_of(offset);
    let line_start = doc.line_index.line_start(line).unwrap_or(0);
    let prefix = &text[line_start..offset];
    let Some(after_marker) = after_list_marker(prefix) else {
        return Vec::new();
    };
    let marker_end = offset - after_marker.len();
    let mut out = Vec::new();
    if let Some(rest) = after_task_box(after_marker) {
        // `- [ ] ` then optionally a typed `[`; an auto-closed `]` after the cursor is
        // replaced too.
        if rest.is_empty() || rest == "[" {
            let mut end = offset;
            if rest == "[" && text[offset..].starts_with(']') {
                end += 1;
            }
            let replace = TextRange::new(offset - rest.len(), end);
            let trailing = if text[end..].starts_with(' ') {
                ""
            } else {
                " "
            };
            for level in doc.allowed_levels(default_priorities) {
                let tag = format!("[P{level}]");
                out.push(Completion {
                    label: tag.clone(),
                    detail: doc.priority_meaning(level),
                    insert: format!("{tag}{trailing}"),
                    replace,
                    kind: CompletionKind::Priority,
                });
            }
        }
        return out;
    }
    let word = after_marker.trim_start_matches('*');
    let is_word = word.chars().all(|c| c.is_alphanumeric() || c == ' ');
    if after_marker.is_empty() || after_marker == "[" {
        let mut end = offset;
        if after_marker == "[" && text[offset..].starts_with(']') {
            end += 1;
        }
        out.push(Completion {
            label: "[ ]".to_owned(),
            detail: Some("task box".to_owned()),
            insert: "[ ] ".to_owned(),
            replace: TextRange::new(marker_end, end),
            kind: CompletionKind::TaskBox,
        });
    }
    if is_word && (line > 0 && has_item_above(doc, line)) {
        let mut seen = BTreeSet::new();
        for item in &doc.items {
            if item.line == line {
                continue;
            }
            if let Some(field) = doc.field(item) {
                let raw = &text[field.label_raw_range.as_range()];
                if seen.insert(raw.to_owned()) && raw.starts_with(after_marker) {
                    out.push(Completion {
                        label: raw.to_owned(),
                        detail: Some("field".to_owned()),
                        insert: format!("{raw} "),
                        replace: TextRange::new(marker_end, offset),
                        kind: CompletionKind::Field,
                    });
                }
            }
        }
    }
    out
}

/// The text after `- `, `* `, `+ `, `1. ` or `1) ` at the start of the line (after
/// indentation), or `None` when the line does not start with a list marker and a space.
fn after_list_marker(prefix: &str) -> Option<&str> {
    let rest = prefix.trim_start_matches([' ', '\t', '>']);
    let after = if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 9 {
            return None;
        }
        rest[digits..].strip_prefix(['.', ')'])?
    };
    after.strip_prefix(' ')
}

/// The text after a task box and one space (`[ ] `, `[x] `, …).
fn after_task_box(after_marker: &str) -> Option<&str> {
    let rest = after_marker.strip_prefix('[')?;
    let mut chars = rest.chars();
    let _state = chars.next()?;
    chars.as_str().strip_prefix("] ")
}

fn has_item_above(doc: &Document, line: usize) -> bool {
    doc.items.iter().any(|i| i.line < line)
}

/// List continuation on Enter: when the previous line is a task, the new line starts the
/// next task at the same depth (`- [ ] `, `2. [ ] `). After a task with no text, Enter ends
/// the list instead: the empty box is removed. `offset` is the cursor after the newline.
pub fn continue_list(text: &str, doc: &Document, offset: usize) -> Vec<Edit> {
    let offset = offset.min(text.len());
    let line = doc.line_index.line_of(offset);
    let (Some(prev), Some(current)) = (
        line.checked_sub(1)
            .and_then(|l| doc.line_index.line_range(text, l)),
        doc.line_index.line_range(text, line),
    ) else {
        return Vec::new();
    };
    if offset < current.start || !text[current.start..offset].trim().is_empty() {
        return Vec::new();
    }
    let prev_text = &text[prev.as_range()];
    let indent_len = prev_text.len() - prev_text.trim_start_matches([' ', '\t', '>']).len();
    let indent = &prev_text[..indent_len];
    let rest = &prev_text[indent_len..];
    let (marker, after) = if let Some(after) = rest.strip_prefix(['-', '*', '+']) {
        (rest[..1].to_owned(), after)
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Some(delimiter) = rest[digits..]
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | ')'))
        else {
            return Vec::new();
        };
        let Ok(n) = rest[..digits].parse::<u64>() else {
            return Vec::new();
        };
        (format!("{}{delimiter}", n + 1), &rest[digits + 1..])
    };
    let Some(item_text) = after.strip_prefix(' ').and_then(after_task_box_or_end) else {
        return Vec::new();
    };
    if item_text.trim().is_empty() {
        // An empty task ends the list: remove its marker and box.
        return vec![Edit::delete(TextRange::new(
            prev.start + indent_len,
            prev.end,
        ))];
    }
    vec![Edit::replace(
        TextRange::new(current.start, offset),
        format!("{indent}{marker} [ ] "),
    )]
}

/// Like [`after_task_box`], also accepting a box at the end of the line.
fn after_task_box_or_end(after_marker: &str) -> Option<&str> {
    let rest = after_marker.strip_prefix('[')?;
    let mut chars = rest.chars();
    let _state = chars.next()?;
    let tail = chars.as_str().strip_prefix(']')?;
    if tail.is_empty() {
        Some(tail)
    } else {
        tail.strip_prefix(' ')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Inputs, Settings};
    use expect_test::{expect, Expect};
    use std::fmt::Write as _;

    #[track_caller]
    #[allow(clippy::needless_pass_by_value)] // `check(.., expect![..])` reads best.
    fn check(fixture: &str, expect: Expect) {
        let offset = fixture.find("$0").expect("cursor");
        let text = fixture.replacen("$0", "", 1);
        let doc = analyze(&text, &Inputs::default(), &Settings::default()).document;
        let mut out = String::new();
        for c in complete(&text, &doc, offset, &[0, 1, 2, 3]) {
            let _ = writeln!(
                out,
                "{:?} {} {:?} {}..{} {:?}",
                c.kind, c.label, c.insert, c.replace.start, c.replace.end, c.detail
            );
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn priorities_after_a_box_from_the_legend() {
        check(
            "- **[P0]** - Critical: now\n- **[P1]** - High\n\n- [ ] [$0]",
            expect![[r#"
                Priority [P0] "[P0] " 52..54 Some("Critical: now")
                Priority [P1] "[P1] " 52..54 Some("High")
            "#]],
        );
    }

    #[test]
    fn default_priorities_without_a_legend() {
        check(
            "- [x] $0",
            expect![[r#"
                Priority [P0] "[P0] " 6..6 Some("Critical")
                Priority [P1] "[P1] " 6..6 Some("High")
                Priority [P2] "[P2] " 6..6 Some("Medium")
                Priority [P3] "[P3] " 6..6 Some("Low")
            "#]],
        );
    }

    #[test]
    fn box_after_a_marker_and_fields_under_an_item() {
        check(
            "- [ ] a\n  - **Impact:** big\n- [ ] b\n  - $0",
            expect![[r#"
                TaskBox [ ] "[ ] " 40..40 Some("task box")
                Field **Impact:** "**Impact:** " 40..40 Some("field")
            "#]],
        );
        check("Some $0", expect![""]);
    }

    #[track_caller]
    fn check_enter(before: &str, after: &str) {
        let offset = before.find("$0").expect("cursor");
        let text = before.replacen("$0", "", 1);
        let doc = analyze(&text, &Inputs::default(), &Settings::default()).document;
        let edits = continue_list(&text, &doc, offset);
        assert_eq!(crate::analysis::fix::apply_edits(&text, &edits).0, after);
    }

    #[test]
    fn enter_continues_a_task_list() {
        check_enter("- [x] a\n$0", "- [x] a\n- [ ] ");
        check_enter("  - [ ] a\r\n  $0\r\n", "  - [ ] a\r\n  - [ ] \r\n");
        check_enter("3. [ ] a\n$0", "3. [ ] a\n4. [ ] ");
        check_enter("- [ ] \n$0", "\n");
        check_enter("- plain\n$0", "- plain\n");
    }
}
