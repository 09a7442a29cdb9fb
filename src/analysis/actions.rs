//! Edit builders for the editor's actions (toggle, check with subtasks, set priority,
//! convert, sort, move done items, ignore a rule on a line). Pure: text and model in, fixes out.
//!
//! Every builder returns minimal [`Edit`]s: a box toggle changes the one character inside the
//! brackets, a priority change touches only the tag, and reorganising actions replace only
//! the lines that change. The server turns these into LSP code actions and workspace edits.

use super::diagnostic::{Code, Diagnostic};
use super::model::{Document, ItemId, ItemKind, Level, State};
use super::rules::unknown_priority::write_tag;
use super::rules::{item_lines, set_box};
use super::text::{self, Edit, TextRange};

/// How a toggle spreads to related tasks (`toggle.cascade` in SPEC §3 and §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cascade {
    /// Only the toggled tasks change.
    #[default]
    None,
    /// Checking a parent checks its open subtasks.
    Down,
    /// Checking the last open subtask checks its parent; unchecking a subtask unchecks a
    /// checked parent.
    Up,
    /// Both of the above.
    Both,
}

impl Cascade {
    /// Reads the SPEC spelling (`none`, `down`, `up`, `both`).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "none" => Cascade::None,
            "down" => Cascade::Down,
            "up" => Cascade::Up,
            "both" => Cascade::Both,
            _ => return None,
        })
    }

    const fn down(self) -> bool {
        matches!(self, Cascade::Down | Cascade::Both)
    }

    const fn up(self) -> bool {
        matches!(self, Cascade::Up | Cascade::Both)
    }
}

/// Where an action belongs in the editor's menus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// In the lightbulb (`quickfix`).
    QuickFix,
    /// In the refactor menu (`refactor.rewrite`).
    Rewrite,
}

/// One offered action: a title from SPEC §3 and its edits, sorted by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<Edit>,
}

impl Action {
    fn new(title: impl Into<String>, kind: ActionKind, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Self {
            title: title.into(),
            kind,
            edits,
        }
    }
}

/// The task items whose first line lies in `lines` (inclusive), in document order.
pub fn tasks_on_lines(doc: &Document, first: usize, last: usize) -> Vec<ItemId> {
    let start = doc.items.partition_point(|i| i.line < first);
    doc.items[start..]
        .iter()
        .take_while(|i| i.line <= last)
        .filter(|i| i.is_task() && i.checkbox.is_some())
        .map(|i| i.id)
        .collect()
}

/// The edits that toggle the tasks `ids` together: when any of them is not done, all are
/// checked; otherwise all are unchecked. `cascade` spreads the change (SPEC §3).
pub fn toggle(text: &str, doc: &Document, ids: &[ItemId], cascade: Cascade) -> Vec<Edit> {
    let tasks: Vec<ItemId> = ids
        .iter()
        .copied()
        .filter(|&id| doc.items[id].is_task() && doc.items[id].checkbox.is_some())
        .collect();
    if tasks.is_empty() {
        return Vec::new();
    }
    let check = tasks
        .iter()
        .any(|&id| doc.items[id].state() != Some(State::Done));
    let mut target: std::collections::BTreeMap<ItemId, char> = std::collections::BTreeMap::new();
    for &id in &tasks {
        target.insert(id, if check { 'x' } else { ' ' });
    }
    if check && cascade.down() {
        for &id in &tasks {
            for d in doc.descendants(id) {
                if doc.items[d].state().is_some_and(|s| !s.is_closed()) {
                    target.insert(d, 'x');
                }
            }
        }
    }
    if cascade.up() {
        cascade_up(doc, &mut target);
    }
    target
        .into_iter()
        .filter(|&(id, ch)| !already(text, doc, id, ch))
        .filter_map(|(id, ch)| Some(set_box(doc.items[id].checkbox?, ch)))
        .collect()
}

/// Checks parents whose subtasks all end up closed, and unchecks checked parents of a
/// subtask that ends up open, repeating upwards.
fn cascade_up(doc: &Document, target: &mut std::collections::BTreeMap<ItemId, char>) {
    let state_after =
        |target: &std::collections::BTreeMap<ItemId, char>, id: ItemId| match target.get(&id) {
            Some('x') => Some(State::Done),
            Some(_) => Some(State::Open),
            None => doc.items[id].state(),
        };
    let mut frontier: Vec<ItemId> = target.keys().copied().collect();
    while let Some(id) = frontier.pop() {
        let Some(parent) = doc.items[id].parent() else {
            continue;
        };
        if !doc.items[parent].is_task() || doc.items[parent].checkbox.is_none() {
            continue;
        }
        let all_closed = doc
            .subtasks(parent)
            .all(|s| state_after(target, s.id).is_some_and(State::is_closed));
        let parent_state = state_after(target, parent);
        let want = if all_closed && parent_state != Some(State::Done) {
            'x'
        } else if !all_closed && parent_state == Some(State::Done) {
            ' '
        } else {
            continue;
        };
        target.insert(parent, want);
        frontier.push(parent);
    }
}

fn already(text: &str, doc: &Document, id: ItemId, ch: char) -> bool {
    let Some(b) = doc.items[id].checkbox else {
        return true;
    };
    let inner = &text[b.start + 1..b.end - 1];
    let mut chars = inner.chars();
    let single = chars.next();
    chars.next().is_none()
        && match ch {
            'x' => matches!(single, Some('x' | 'X')),
            c => single == Some(c),
        }
}

/// Every action for a cursor or selection (`range`, bytes), excluding diagnostic fixes.
pub fn actions(
    text: &str,
    doc: &Document,
    range: TextRange,
    default_priorities: &[Level],
) -> Vec<Action> {
    actions_with(
        text,
        doc,
        range,
        &doc.allowed_levels(default_priorities),
        move_done_items(text, doc),
    )
}

/// [`actions`] of a part of a document (`text` and `doc`), given what depends on the whole
/// of it: the priority levels it allows and its [`move_done_items`] action.
pub fn actions_with(
    text: &str,
    doc: &Document,
    range: TextRange,
    allowed: &[Level],
    move_done: Option<Action>,
) -> Vec<Action> {
    let first = doc.line_index.line_of(range.start);
    let mut last = doc.line_index.line_of(range.end);
    if last > first && doc.line_index.line_start(last) == Some(range.end) {
        // A selection ending at the start of a line does not include that line.
        last -= 1;
    }
    let mut out = Vec::new();
    let tasks = tasks_on_lines(doc, first, last);
    if first == last || tasks.len() <= 1 {
        if let Some(item) = doc.item_at_line(first).or_else(|| {
            tasks
                .first()
                .map(|&id| &doc.items[id])
                .filter(|_| first != last)
        }) {
            item_actions(text, doc, item.id, allowed, &mut out);
        }
    } else {
        let any_open = tasks
            .iter()
            .any(|&id| doc.items[id].state() != Some(State::Done));
        let any_done = tasks
            .iter()
            .any(|&id| doc.items[id].state() == Some(State::Done));
        if any_open {
            out.push(Action::new(
                "Check items",
                ActionKind::QuickFix,
                set_all(text, doc, &tasks, 'x'),
            ));
        }
        if any_done {
            out.push(Action::new(
                "Uncheck items",
                ActionKind::QuickFix,
                set_all(text, doc, &tasks, ' '),
            ));
        }
    }
    out.extend(move_done);
    if let Some(id) = doc.item_at_line(first).map(|i| i.id) {
        if let Some(action) = sort_by_priority(text, doc, id) {
            out.push(action);
        }
    }
    out
}

fn set_all(text: &str, doc: &Document, ids: &[ItemId], ch: char) -> Vec<Edit> {
    ids.iter()
        .filter(|&&id| !already(text, doc, id, ch))
        .filter_map(|&id| Some(set_box(doc.items[id].checkbox?, ch)))
        .collect()
}

fn item_actions(text: &str, doc: &Document, id: ItemId, allowed: &[Level], out: &mut Vec<Action>) {
    let item = &doc.items[id];
    match (item.kind, item.checkbox) {
        (ItemKind::Task(state), Some(checkbox)) => {
            let done = state == State::Done;
            let title = if done { "Uncheck item" } else { "Check item" };
            let ch = if done { ' ' } else { 'x' };
            out.push(Action::new(
                title,
                ActionKind::QuickFix,
                vec![set_box(checkbox, ch)],
            ));
            let open_below: Vec<ItemId> = doc
                .descendants(id)
                .into_iter()
                .filter(|&d| doc.items[d].state().is_some_and(|s| !s.is_closed()))
                .collect();
            if !open_below.is_empty() {
                let mut ids = open_below;
                if !done {
                    ids.push(id);
                }
                out.push(Action::new(
                    "Check item and subtasks",
                    ActionKind::QuickFix,
                    set_all(text, doc, &ids, 'x'),
                ));
            }
            out.push(Action::new(
                "Convert to plain item",
                ActionKind::Rewrite,
                vec![remove_box(text, checkbox, item.text)],
            ));
        }
        (ItemKind::Plain, _) => out.push(Action::new(
            "Convert to task",
            ActionKind::Rewrite,
            vec![Edit::insert(item.text.start, "[ ] ")],
        )),
        _ => {}
    }
    if item.is_legend || item.is_field() {
        return;
    }
    let current = doc.tags_of(item).first();
    for &level in allowed {
        if current.is_some_and(|t| t.level == level) {
            continue;
        }
        let edit = match current {
            Some(tag) => Edit::replace(tag.range, write_tag(level, tag.dialect)),
            None => Edit::insert(item.text.start, format!("[P{level}] ")),
        };
        out.push(Action::new(
            format!("Set priority P{level}"),
            ActionKind::Rewrite,
            vec![edit],
        ));
    }
}

/// Deletes a task box and the spaces after it, up to the item's text.
fn remove_box(text: &str, checkbox: TextRange, item_text: TextRange) -> Edit {
    let mut end = checkbox.end;
    if item_text.start >= end {
        end = item_text.start;
    }
    while text.as_bytes().get(end) == Some(&b' ') {
        end += 1;
    }
    Edit::delete(TextRange::new(checkbox.start, end))
}

/// `Ignore CODE on this line`: a `tickmark-disable-next-line` comment on its own line above
/// the diagnostic's line, at that line's indentation; when the line above already holds
/// such a comment, the code is added to it instead.
pub fn ignore_on_line(text: &str, doc: &Document, diagnostic: &Diagnostic) -> Action {
    let code = diagnostic.code;
    let title = format!("Ignore {code} on this line");
    let line = doc.line_index.line_of(diagnostic.range.start);
    let start = doc.line_index.line_start(line).unwrap_or(0);
    if let Some(edit) = line
        .checked_sub(1)
        .and_then(|above| extend_comment(text, doc, above, code))
    {
        return Action::new(title, ActionKind::QuickFix, vec![edit]);
    }
    let content = doc
        .line_index
        .line_range(text, line)
        .map_or("", |r| &text[r.as_range()]);
    let indent_len = content.len() - content.trim_start_matches([' ', '\t']).len();
    let indent = &content[..indent_len];
    let eol = match doc
        .line_index
        .full_line_range(line)
        .map(|r| &text[r.as_range()])
    {
        Some(line) if line.ends_with("\r\n") => "\r\n",
        Some(line) if line.ends_with('\r') => "\r",
        _ => "\n",
    };
    Action::new(
        title,
        ActionKind::QuickFix,
        vec![Edit::insert(
            start,
            format!("{indent}<!-- tickmark-disable-next-line {code} -->{eol}"),
        )],
    )
}

fn extend_comment(text: &str, doc: &Document, line: usize, code: Code) -> Option<Edit> {
    let range = doc.line_index.line_range(text, line)?;
    let content = &text[range.as_range()];
    let trimmed = content.trim();
    let body = trimmed
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim()
        .strip_prefix("tickmark-disable-next-line")?;
    if body.split([' ', ',']).any(|c| c == code.as_str()) || body.trim().is_empty() {
        // Already silenced (an empty list silences every rule).
        return None;
    }
    let close = range.start + content.rfind("-->")?;
    let before = text[..close].trim_end_matches(' ').len();
    Some(Edit::replace(
        TextRange::new(before, close),
        format!(" {code} "),
    ))
}

/// The section done items move to: the first section marked done whose parent is not.
fn done_section(doc: &Document) -> Option<usize> {
    doc.sections
        .iter()
        .find(|s| s.done && s.parent.is_none_or(|p| !doc.sections[p].done))
        .map(|s| s.id)
}

/// The range of the section done items move to, when `doc` has one.
pub fn done_target(doc: &Document) -> Option<TextRange> {
    done_section(doc).map(|id| doc.sections[id].range)
}

/// The items [`move_done_items`] moves: top-level done tasks with everything below them
/// closed, outside any done section and outside `target` (the range of the section they move
/// to, when it is in `doc`).
pub fn movable_done(doc: &Document, target: Option<TextRange>) -> Vec<ItemId> {
    doc.items
        .iter()
        .filter(|i| {
            i.parent().is_none()
                && !i.is_legend
                && i.state() == Some(State::Done)
                && !i.section().is_some_and(|s| doc.sections[s].done)
                && target.is_none_or(|t| {
                    !t.contains(i.range.start)
                    // An item holding the done heading (`- [x] a` then an indented `# Done`)
                    // would be moved into itself.
                    && !i.range.contains(t.start)
                })
                && doc
                    .descendants(i.id)
                    .iter()
                    .all(|&d| doc.items[d].state().is_none_or(State::is_closed))
        })
        .map(|i| i.id)
        .collect()
}

/// `Move done items to the done section`: top-level done tasks (with everything below them
/// closed) outside the done section move, subtrees whole, to the end of its list.
pub fn move_done_items(text: &str, doc: &Document) -> Option<Action> {
    let target = done_section(doc)?;
    let section = &doc.sections[target];
    let movable = movable_done(doc, Some(section.range));
    if movable.is_empty() {
        return None;
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let last_in_section = doc
        .items
        .iter()
        .rev()
        .find(|i| i.parent().is_none() && section.range.contains(i.range.start));
    // After the last list item, else after the heading and any text below it.
    let mut insert_at = last_in_section.map_or_else(
        || section.range.start + text[section.range.as_range()].trim_end().len(),
        |item| item_lines(text, doc, item.id).end,
    );
    insert_at = insert_at.min(text.len());
    let mut moved = String::new();
    let mut edits = Vec::new();
    for &id in &movable {
        let lines = item_lines(text, doc, id);
        let mut block = text[lines.as_range()].to_owned();
        if !block.ends_with(['\n', '\r']) {
            block.push_str(eol);
        }
        moved.push_str(&block);
        edits.push(Edit::delete(lines));
    }
    let needs_break = insert_at > 0 && !text[..insert_at].ends_with(['\n', '\r']);
    let needs_gap = last_in_section.is_none();
    let mut insert = String::new();
    if needs_break {
        insert.push_str(eol);
    }
    if needs_gap {
        insert.push_str(eol);
    }
    insert.push_str(&moved);
    if needs_break && insert_at == text.len() {
        // Keep the file's missing final newline missing. The last block ends in its own
        // line ending, which need not be the file's `eol` (a CRLF file with one LF line):
        // cutting `eol.len()` bytes could cut into the character before it.
        let cut = if insert.ends_with("\r\n") {
            2
        } else {
            usize::from(insert.ends_with(['\n', '\r']))
        };
        insert.truncate(insert.len() - cut);
    }
    edits.push(Edit::insert(insert_at, insert));
    Some(Action::new(
        "Move done items to the done section",
        ActionKind::Rewrite,
        edits,
    ))
}

/// `Sort items by priority`: reorders the list holding `id` (its siblings) by effective
/// priority, stable, with each subtree moving whole. `None` when the order would not change.
pub fn sort_by_priority(text: &str, doc: &Document, id: ItemId) -> Option<Action> {
    let item = &doc.items[id];
    if item.is_legend {
        return None;
    }
    let siblings: Vec<ItemId> = match item.parent() {
        Some(p) => doc.children(p).to_vec(),
        None => doc
            .items
            .iter()
            .filter(|i| i.parent().is_none() && i.section() == item.section() && !i.is_legend)
            .map(|i| i.id)
            .collect(),
    };
    let blocks: Vec<(ItemId, TextRange)> = siblings
        .iter()
        .map(|&s| (s, item_lines(text, doc, s)))
        .collect();
    let here = blocks.iter().position(|&(s, _)| s == id)?;
    // The run of blocks around `id` separated only by blank lines: one list.
    let contiguous =
        |a: TextRange, b: TextRange| a.end <= b.start && text[a.end..b.start].trim().is_empty();
    let mut lo = here;
    while lo > 0 && contiguous(blocks[lo - 1].1, blocks[lo].1) {
        lo -= 1;
    }
    let mut hi = here;
    while hi + 1 < blocks.len() && contiguous(blocks[hi].1, blocks[hi + 1].1) {
        hi += 1;
    }
    let run = &blocks[lo..=hi];
    if run.len() < 2 {
        return None;
    }
    let key = |s: ItemId| doc.priority(s).map_or(u16::MAX, u16::from);
    let mut order: Vec<usize> = (0..run.len()).collect();
    order.sort_by_key(|&i| key(run[i].0));
    if order.iter().enumerate().all(|(i, &o)| i == o) {
        return None;
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let span = TextRange::new(run[0].1.start, run[run.len() - 1].1.end);
    let mut out = String::new();
    for (slot, &from) in order.iter().enumerate() {
        let mut block = text[run[from].1.as_range()].to_owned();
        if !block.ends_with(['\n', '\r']) {
            block.push_str(eol);
        }
        out.push_str(&block);
        if slot + 1 < run.len() {
            // Keep the separators (blank lines) where they were.
            out.push_str(&text[run[slot].1.end..run[slot + 1].1.start]);
        }
    }
    if !text[span.as_range()].ends_with(['\n', '\r']) && out.ends_with(['\n', '\r']) {
        let cut = if out.ends_with("\r\n") { 2 } else { 1 };
        out.truncate(out.len() - cut);
    }
    Some(Action::new(
        "Sort items by priority",
        ActionKind::Rewrite,
        diff_edits(text, span, &out),
    ))
}

/// Minimal edits that turn `old` into `new`: per line when both have the same number of
/// lines, else one edit trimmed of the common prefix and suffix.
pub fn diff(old: &str, new: &str) -> Vec<Edit> {
    diff_edits(old, TextRange::new(0, old.len()), new)
}

/// Minimal edits that turn `text[span]` into `new`.
fn diff_edits(text: &str, span: TextRange, new: &str) -> Vec<Edit> {
    let old = &text[span.as_range()];
    if old == new {
        return Vec::new();
    }
    let old_lines: Vec<&str> = text::lines_inclusive(old).collect();
    let new_lines: Vec<&str> = text::lines_inclusive(new).collect();
    if old_lines.len() == new_lines.len() {
        let mut edits = Vec::new();
        let mut at = span.start;
        for (o, n) in old_lines.iter().zip(&new_lines) {
            if o != n {
                edits.push(trimmed_edit(o, n, at));
            }
            at += o.len();
        }
        return edits;
    }
    vec![trimmed_edit(old, new, span.start)]
}

/// One edit replacing `old` (at byte `at`) with `new`, trimmed of their common prefix and
/// suffix on character boundaries.
fn trimmed_edit(old: &str, new: &str, at: usize) -> Edit {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let prefix = floor_boundary(new, floor_boundary(old, prefix));
    let old_rest = &old[prefix..];
    let new_rest = &new[prefix..];
    let suffix = old_rest
        .chars()
        .rev()
        .zip(new_rest.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    Edit::replace(
        TextRange::new(at + prefix, at + old.len() - suffix),
        new_rest[..new_rest.len() - suffix].to_owned(),
    )
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, fix, Inputs, Settings};
    use expect_test::{expect, Expect};
    use std::fmt::Write as _;

    fn doc(text: &str) -> Document {
        analyze(text, &Inputs::default(), &Settings::default()).document
    }

    /// `$0` marks the cursor (or `$0…$0` a selection); the rendering lists each action's
    /// title, kind and edits as `start..end "insert"`.
    #[track_caller]
    #[allow(clippy::needless_pass_by_value)] // `check(.., expect![..])` reads best.
    fn check_actions(fixture: &str, expect: Expect) {
        let (text, range) = cursor(fixture);
        let d = doc(&text);
        let actions = actions(&text, &d, range, &[0, 1, 2, 3]);
        let mut out = String::new();
        for a in &actions {
            let _ = writeln!(out, "{} ({:?})", a.title, a.kind);
            for e in &a.edits {
                let _ = writeln!(out, "  {}..{} {:?}", e.range.start, e.range.end, e.insert);
            }
        }
        expect.assert_eq(&out);
    }

    #[track_caller]
    fn check_result(fixture: &str, title: &str, after: &str) {
        let (text, range) = cursor(fixture);
        let d = doc(&text);
        let action = actions(&text, &d, range, &[0, 1, 2, 3])
            .into_iter()
            .find(|a| a.title == title)
            .unwrap_or_else(|| panic!("no action {title}"));
        let (out, n) = fix::apply_edits(&text, &action.edits);
        assert_eq!(n, action.edits.len(), "overlapping edits");
        assert_eq!(out, after);
    }

    fn cursor(fixture: &str) -> (String, TextRange) {
        let first = fixture.find("$0").expect("cursor");
        let text = fixture.replacen("$0", "", 1);
        match text.find("$0") {
            Some(second) => (text.replacen("$0", "", 1), TextRange::new(first, second)),
            None => (text, TextRange::empty(first)),
        }
    }

    #[test]
    fn task_line_actions() {
        check_actions(
            "- [ ] $0a\n  - [x] b\n  - [ ] c\n",
            expect![[r#"
                Check item (QuickFix)
                  3..4 "x"
                Check item and subtasks (QuickFix)
                  3..4 "x"
                  23..24 "x"
                Convert to plain item (Rewrite)
                  2..6 ""
                Set priority P0 (Rewrite)
                  6..6 "[P0] "
                Set priority P1 (Rewrite)
                  6..6 "[P1] "
                Set priority P2 (Rewrite)
                  6..6 "[P2] "
                Set priority P3 (Rewrite)
                  6..6 "[P3] "
            "#]],
        );
    }

    #[test]
    fn plain_item_and_legend_priorities() {
        check_actions(
            "- **[P0]** - Critical: now\n- **[P1]** - Later\n\n- $0thing [P1]\n",
            expect![[r#"
                Convert to task (Rewrite)
                  49..49 "[ ] "
                Set priority P0 (Rewrite)
                  55..59 "[P0]"
            "#]],
        );
    }

    #[test]
    fn selection_checks_and_unchecks() {
        check_actions(
            "$0- [ ] a\n- [x] b\n$0- [ ] c\n",
            expect![[r#"
                Check items (QuickFix)
                  3..4 "x"
                Uncheck items (QuickFix)
                  11..12 " "
            "#]],
        );
    }

    #[test]
    fn toggle_cascades() {
        let text = "- [ ] p\n  - [x] a\n  - [ ] b\n";
        let d = doc(text);
        let b = d.item_at_line(2).unwrap().id;
        let p = d.item_at_line(0).unwrap().id;
        let apply = |edits: &[Edit]| fix::apply_edits(text, edits).0;
        assert_eq!(
            apply(&toggle(text, &d, &[b], Cascade::None)),
            "- [ ] p\n  - [x] a\n  - [x] b\n"
        );
        assert_eq!(
            apply(&toggle(text, &d, &[b], Cascade::Up)),
            "- [x] p\n  - [x] a\n  - [x] b\n"
        );
        assert_eq!(
            apply(&toggle(text, &d, &[p], Cascade::Down)),
            "- [x] p\n  - [x] a\n  - [x] b\n"
        );
        assert_eq!(
            apply(&toggle(text, &d, &[p], Cascade::Up)),
            "- [x] p\n  - [x] a\n  - [ ] b\n"
        );
        let done = "- [x] p\n  - [x] a\n";
        let d = doc(done);
        let a = d.item_at_line(1).unwrap().id;
        assert_eq!(
            fix::apply_edits(done, &toggle(done, &d, &[a], Cascade::Both)).0,
            "- [ ] p\n  - [ ] a\n"
        );
        // One character per box.
        let edits = toggle(text, &doc(text), &[b], Cascade::None);
        assert_eq!(edits, vec![Edit::replace(TextRange::new(23, 24), "x")]);
    }

    #[test]
    fn toggle_reads_other_box_characters() {
        // `[~]` is in progress and `[✗]` cancelled: checking either writes `[x]`, one edit
        // over the whole character inside the box.
        let text = "- [~] a\n- [✗] b\n- [x] c\n";
        let d = doc(text);
        let (a, b, c) = (0, 1, 2);
        assert_eq!(
            toggle(text, &d, &[a], Cascade::None),
            vec![Edit::replace(TextRange::new(3, 4), "x")]
        );
        assert_eq!(
            toggle(text, &d, &[b], Cascade::None),
            vec![Edit::replace(TextRange::new(11, 14), "x")]
        );
        assert_eq!(
            fix::apply_edits(text, &toggle(text, &d, &[a, b, c], Cascade::None)).0,
            "- [x] a\n- [x] b\n- [x] c\n"
        );
        check_actions(
            "- [~] $0a\n",
            expect![[r#"
                Check item (QuickFix)
                  3..4 "x"
                Convert to plain item (Rewrite)
                  2..6 ""
                Set priority P0 (Rewrite)
                  6..6 "[P0] "
                Set priority P1 (Rewrite)
                  6..6 "[P1] "
                Set priority P2 (Rewrite)
                  6..6 "[P2] "
                Set priority P3 (Rewrite)
                  6..6 "[P3] "
            "#]],
        );
        // A parent whose other subtasks are done or cancelled is checked going up.
        let text = "- [ ] p\n  - [×] a\n  - [~] b\n";
        let d = doc(text);
        assert_eq!(
            fix::apply_edits(text, &toggle(text, &d, &[2], Cascade::Up)).0,
            "- [x] p\n  - [×] a\n  - [x] b\n"
        );
    }

    #[test]
    fn ignore_comment_at_item_indentation() {
        let text = "- [ ] a\r\n  - [ ] a\r\n";
        let analysis = analyze(text, &Inputs::default(), &Settings::default());
        let _ = analysis;
        let d = doc(text);
        let diag = Diagnostic::new(Code::DuplicateItem, TextRange::new(15, 16), "dup");
        let action = ignore_on_line(text, &d, &diag);
        assert_eq!(action.title, "Ignore duplicate-item on this line");
        assert_eq!(
            fix::apply_edits(text, &action.edits).0,
            "- [ ] a\r\n  <!-- tickmark-disable-next-line duplicate-item -->\r\n  - [ ] a\r\n"
        );
        let text = "<!-- tickmark-disable-next-line mojibake -->\n- [ ] a\n";
        let d = doc(text);
        let diag = Diagnostic::new(Code::EmptyItem, TextRange::new(47, 48), "x");
        assert_eq!(
            fix::apply_edits(text, &ignore_on_line(text, &d, &diag).edits).0,
            "<!-- tickmark-disable-next-line mojibake empty-item -->\n- [ ] a\n"
        );
    }

    #[test]
    fn move_done_items_keeps_subtrees() {
        check_result(
            "# Work\n- [x] $0shipped\n  - [x] part\n- [ ] open\n\n# ✅ Completed\n- [x] old\n",
            "Move done items to the done section",
            "# Work\n- [ ] open\n\n# ✅ Completed\n- [x] old\n- [x] shipped\n  - [x] part\n",
        );
    }

    #[test]
    fn sort_is_stable_and_moves_subtrees() {
        check_result(
            "- [ ] $0a [P2]\n  - [ ] a1\n- [ ] b\n- [ ] c [P0]\n- [ ] d [P2]",
            "Sort items by priority",
            "- [ ] c [P0]\n- [ ] a [P2]\n  - [ ] a1\n- [ ] d [P2]\n- [ ] b",
        );
    }

    #[test]
    fn diff_is_per_line() {
        let edits = diff("- [] a\n- b\n- [v] c\n", "- [ ] a\n- b\n- [x] c\n");
        assert_eq!(
            edits,
            vec![
                Edit::insert(3, " "),
                Edit::replace(TextRange::new(14, 15), "x")
            ]
        );
    }
}
