//! The line scan: what CommonMark reads as plain text but a roadmap's author meant as a task
//! or a date, found line by line outside code, HTML and front matter.
//!
//! - `-[ ] task`: a list marker glued to its box;
//! - `[x] task` with no list marker at all, a whole TODO.md written that way;
//! - date fields (`**Last Updated:** 2025-01-15`).
//!
//! None of these boxes is an item: CommonMark sees no list item, so neither does the
//! document model, and progress does not count them until the fix writes the marker.

use super::dates::read_date_field;
use super::model::{Document, MalformedBox, State};
use super::parse::{marker_len, read_box};
use super::text::{Edit, TextRange};
use super::BoxStates;

/// What the parse found that the scan needs.
pub(super) struct Prose<'a> {
    /// The paragraphs, in document order.
    pub paragraphs: &'a [TextRange],
    /// The tables, in document order: their rows are cells, not tasks.
    pub tables: &'a [TextRange],
    /// True when the document defines a link reference with this label (`[x]: url`).
    pub defines: &'a dyn Fn(&str) -> bool,
    pub states: &'a BoxStates,
}

/// Finds loose boxes and date fields, line by line.
pub(super) fn scan_lines(text: &str, doc: &mut Document, prose: &Prose<'_>) {
    let bytes = text.as_bytes();
    for line in 0..doc.line_index.line_count() {
        let Some(range) = doc.line_index.line_range(text, line) else {
            continue;
        };
        let i = content_start(bytes, range);
        if i >= range.end {
            continue;
        }
        // Each finding needs a marker glued to `[`, a `[` first or a colon on the line: most
        // lines have none, and skip the code lookup.
        let glued = matches!(bytes[i], b'-' | b'*' | b'+') && bytes.get(i + 1) == Some(&b'[');
        let bracket = bytes[i] == b'[';
        if !glued && !bracket && memchr::memchr(b':', &bytes[i..range.end]).is_none() {
            continue;
        }
        if doc.in_code(i) {
            continue;
        }
        let t = prose.tables.partition_point(|t| t.end <= i);
        let in_table = prose.tables.get(t).is_some_and(|t| t.contains(i));
        if glued && !in_table {
            if let Some(found) = glued_marker(text, i, range.end) {
                doc.malformed_boxes.push(found);
            }
        }
        if bracket && !in_table {
            if let Some(found) = unmarked_box(text, doc, prose, (line, range), i) {
                doc.malformed_boxes.push(found);
            }
        }
        if let Some(date) = read_date_field(text, TextRange::new(i, range.end)) {
            if !doc.in_code(date.range.start) {
                doc.dates.push(date);
            }
        }
    }
    doc.malformed_boxes.sort_by_key(|b| b.range.start);
}

/// Where a line's content starts: after its indentation and block quote markers.
fn content_start(bytes: &[u8], line: TextRange) -> usize {
    let mut i = line.start;
    while i < line.end && matches!(bytes[i], b' ' | b'\t' | b'>') {
        i += 1;
    }
    i
}

/// `-[ ]`: a list marker at `i` glued to a box.
fn glued_marker(text: &str, i: usize, line_end: usize) -> Option<MalformedBox> {
    let bytes = text.as_bytes();
    let found = read_box(text, i + 1, line_end, &BoxStates::default())?;
    let canonical = if found.state == State::Done {
        " [x] "
    } else {
        " [ ] "
    };
    let glued_text = found.range.end < line_end && bytes[found.range.end] != b' ';
    let fix = if found.fix.is_none() && !glued_text {
        Edit::insert(i + 1, " ")
    } else {
        let end = if glued_text {
            found.range.end
        } else {
            (found.range.end + 1).min(line_end)
        };
        let replacement =
            if glued_text || end == line_end && bytes.get(end.wrapping_sub(1)) != Some(&b' ') {
                canonical.trim_end().to_owned() + if glued_text { " " } else { "" }
            } else {
                canonical.to_owned()
            };
        Edit::replace(TextRange::new(i + 1, end), replacement)
    };
    Some(MalformedBox {
        range: TextRange::new(i, found.range.end),
        state: found.state,
        fix,
        item: None,
    })
}

/// `[x] text` at `i`, the start of a paragraph line, with no list marker: a box, then a
/// space and text. Not a link (`[x]` with `[x]: url` defined; `[x](url)` and `[x][ref]`
/// have no space), and not a line that carries on a sentence from the line above.
fn unmarked_box(
    text: &str,
    doc: &Document,
    prose: &Prose<'_>,
    (line, range): (usize, TextRange),
    i: usize,
) -> Option<MalformedBox> {
    let bytes = text.as_bytes();
    let found = read_box(text, i, range.end, prose.states)?;
    let rest = &text[found.range.end..range.end];
    if !rest.starts_with([' ', '\t']) || rest.trim().is_empty() {
        return None;
    }
    let label = text[found.range.start + 1..found.range.end - 1].trim();
    if !label.is_empty() && (prose.defines)(label) {
        return None;
    }
    // The text block the line is in: a paragraph, else the text of a tight list item
    // (pulldown-cmark marks no paragraph there).
    let p = prose.paragraphs.partition_point(|p| p.end <= i);
    let paragraph = prose.paragraphs.get(p).filter(|p| p.contains(i));
    let item = innermost_item(doc, i);
    let first_line = match (paragraph, item) {
        (Some(paragraph), _) => doc.line_index.line_of(paragraph.start),
        (None, Some(id)) => doc.items[id].line,
        (None, None) => return None,
    };
    if first_line != line {
        // A line that carries on the block: the marker interrupts it only when the line is
        // indented less than 4 columns past where its container's content starts.
        let container = match item {
            Some(id) => {
                let item = &doc.items[id];
                let start = doc.line_index.line_start(item.line)?;
                column(
                    bytes,
                    start,
                    item.checkbox.map_or(item.text.start, |b| b.start),
                )
            }
            None => quote_column(bytes, range.start, i),
        };
        if column(bytes, range.start, i) >= container + 4 {
            return None;
        }
        let above = doc.line_index.line_range(text, line - 1)?;
        if carries_a_sentence(text, above, prose.states) {
            return None;
        }
    }
    let fix = if found.fix.is_none() {
        Edit::insert(i, "- ")
    } else if found.state == State::Done {
        Edit::replace(found.range, "- [x]")
    } else {
        Edit::replace(found.range, "- [ ]")
    };
    Some(MalformedBox {
        range: found.range,
        state: found.state,
        fix,
        item: None,
    })
}

/// The innermost list item whose range holds `offset`: up the parents from the last item
/// that starts before it (items nest as their ranges do).
fn innermost_item(doc: &Document, offset: usize) -> Option<usize> {
    let mut id = doc
        .items
        .partition_point(|i| i.range.start <= offset)
        .checked_sub(1)?;
    loop {
        if doc.items[id].range.contains(offset) {
            return Some(id);
        }
        id = doc.items[id].parent()?;
    }
}

/// True when the line `above` is prose (no list item, no box line) that ends mid-sentence
/// (on a word or a comma), so a box at the start of the next line is a word of that
/// sentence: `Mark finished work with` / `[x] once it ships.`
fn carries_a_sentence(text: &str, above: TextRange, states: &BoxStates) -> bool {
    let start = content_start(text.as_bytes(), above);
    let rest = &text[start..above.end];
    let list_item = marker_len(rest).is_some_and(|n| rest[n..].starts_with([' ', '\t']));
    // A box glued to its marker (`-[ ] a`) is a box line too: once its fix writes the
    // space, the line is a list item and the box below it is flagged all the same.
    let glued =
        rest.starts_with(['-', '*', '+']) && read_box(text, start + 1, above.end, states).is_some();
    if list_item || glued || read_box(text, start, above.end, states).is_some() {
        return false;
    }
    text[start..above.end]
        .trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == ',')
}

/// The column where a block quote's content starts on a line (after its last `>` and one
/// space), 0 outside quotes; `i` is where the line's content starts.
fn quote_column(bytes: &[u8], line_start: usize, i: usize) -> usize {
    match memchr::memrchr(b'>', &bytes[line_start..i]) {
        Some(q) => {
            let after = line_start + q + 1;
            column(bytes, line_start, after) + usize::from(bytes.get(after) == Some(&b' '))
        }
        None => 0,
    }
}

/// The column of `at` on the line starting at `line_start`, tabs to the next multiple of 4.
fn column(bytes: &[u8], line_start: usize, at: usize) -> usize {
    bytes[line_start..at].iter().fold(0, |col, &b| {
        if b == b'\t' {
            col + 4 - col % 4
        } else {
            col + 1
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::model::{Item, State};
    use crate::analysis::parse::parse;
    use crate::analysis::BoxStates;

    /// The boxes without a marker: each box as written, its state, and the fixed line.
    fn unmarked(text: &str) -> Vec<(String, State, String)> {
        let doc = parse(text, &BoxStates::default());
        doc.malformed_boxes
            .iter()
            .filter(|b| text[b.range.as_range()].starts_with('['))
            .map(|b| {
                let line = doc.line_index.line_of(b.range.start);
                let (fixed, _) =
                    crate::analysis::fix::apply_edits(text, std::slice::from_ref(&b.fix));
                (
                    text[b.range.as_range()].to_owned(),
                    b.state,
                    fixed.lines().nth(line).unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_todo_written_as_box_lines() {
        let text = "# TODO\n\n[x] Set up CI\n[ ] Write docs\n  [x] Nested too\n[~] Halfway\n[] Near miss\n";
        assert_eq!(
            unmarked(text),
            [
                ("[x]".into(), State::Done, "- [x] Set up CI".into()),
                ("[ ]".into(), State::Open, "- [ ] Write docs".into()),
                ("[x]".into(), State::Done, "  - [x] Nested too".into()),
                ("[~]".into(), State::InProgress, "- [~] Halfway".into()),
                ("[]".into(), State::Open, "- [ ] Near miss".into()),
            ]
        );
        // CommonMark sees no list item, so none is counted.
        assert!(parse(text, &BoxStates::default()).items.is_empty());
    }

    #[test]
    fn in_quotes_after_a_label_and_under_an_item() {
        let text = "> [x] quoted\n\nBackend:\n[ ] API\n\n- [ ] Parent\n  [ ] child\n- Fix bug\n  [x] Done thing\n\n- loose\n\n  [x] in a loose item\n";
        let found: Vec<_> = unmarked(text).into_iter().map(|(_, _, l)| l).collect();
        assert_eq!(
            found,
            [
                "> - [x] quoted",
                "- [ ] API",
                "  - [ ] child",
                "  - [x] Done thing",
                "  - [x] in a loose item"
            ]
        );
    }

    /// A box line under a box glued to its marker is a box line, as it is under the list
    /// item the glued box's fix makes: fixing the glued box reveals no new problem.
    #[test]
    fn under_a_glued_box() {
        for text in [
            "-[ ] Glued box\n [ ] Ship it\n",
            "- [ ] Glued box\n [ ] Ship it\n",
        ] {
            let found: Vec<_> = unmarked(text).into_iter().map(|(_, _, l)| l).collect();
            assert_eq!(found, [" - [ ] Ship it"], "{text:?}");
        }
    }

    /// A table row is cells, not a task: fixing a glued box there would end the table.
    #[test]
    fn not_in_a_table_row() {
        let text = "| a | b |\n| --- | --- |\n| x | y\n-[ ] Glued box\n [ ] Ship it x\n";
        let doc = parse(text, &BoxStates::default());
        assert_eq!(doc.malformed_boxes, []);
    }

    #[test]
    fn what_is_not_a_box_line() {
        for text in [
            // Links, a reference definition, a box alone, a box glued to its text.
            "[x](https://e.com) is a link\n",
            "[x][ref] too\n\n[ref]: https://e.com\n",
            "[x] is a link here\n\n[x]: https://e.com\n",
            "[x]: https://e.com\n",
            "[ ]\n",
            "[x]text\n",
            // Code, HTML, tables, headings, front matter.
            "```\n[x] code\n```\n",
            "    [x] indented code\n",
            "<div>\n[x] html\n</div>\n",
            "| a | b |\n|---|---|\n[x] | row\n",
            "[x] Setext heading\n---\n",
            "---\ntitle: x\n[x] meta\n---\n",
            // A box inside a sentence, or carrying a sentence on from the line above.
            "Mark done items with [x] when they ship.\n",
            "Mark finished work with\n[x] once it ships.\n",
            // A line deeper than its block's first carries the block's text on.
            "Tasks:\n    [x] deep\n",
            "- item\n      [x] deep\n",
            // Not a box.
            "[P1] Fix login\n",
            "[link text] and more\n",
        ] {
            assert_eq!(unmarked(text), [], "{text:?}");
        }
    }

    #[test]
    fn the_fix_makes_a_task_and_the_warning_goes() {
        let text = "Backend:\n[x] API\n[ ] DB\n\n[] Cache\n> [v] Quoted\n- [ ] Item\n[ ] Lazy\n";
        let doc = parse(text, &BoxStates::default());
        let edits: Vec<_> = doc.malformed_boxes.iter().map(|b| b.fix.clone()).collect();
        assert_eq!(edits.len(), 5);
        let (fixed, applied) = crate::analysis::fix::apply_edits(text, &edits);
        assert_eq!(applied, 5);
        assert_eq!(
            fixed,
            "Backend:\n- [x] API\n- [ ] DB\n\n- [ ] Cache\n> - [x] Quoted\n- [ ] Item\n- [ ] Lazy\n"
        );
        let after = parse(&fixed, &BoxStates::default());
        assert!(after.malformed_boxes.is_empty());
        // Each fix alone makes its line a task too.
        for b in &doc.malformed_boxes {
            let line = doc.line_index.line_of(b.range.start);
            let (alone, _) = crate::analysis::fix::apply_edits(text, std::slice::from_ref(&b.fix));
            let after = parse(&alone, &BoxStates::default());
            let item = after.item_at_line(line);
            assert_eq!(item.and_then(Item::state), Some(b.state), "{alone}");
            assert!(after.malformed_boxes.len() < doc.malformed_boxes.len());
        }
        let states: Vec<_> = after.items.iter().map(Item::state).collect();
        assert_eq!(
            states,
            [
                Some(State::Done),
                Some(State::Open),
                Some(State::Open),
                Some(State::Done),
                Some(State::Open),
                Some(State::Open),
            ]
        );
    }
}
