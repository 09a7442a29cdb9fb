//! Hover text for tasks and headings, as Markdown. History is passed in as data.
//!
//! A task shows its priority and what the legend says it means, its subtask progress and
//! its fields; a heading shows the section's progress, its tasks by priority and the sum of
//! its estimates. The caller appends the item's history (SPEC §4) when it has one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::estimate::{format_estimate, sum_estimates};
use super::model::{Document, ItemId, Level, SectionId, State};
use super::stats::{counted_leaves, item_counts, Counts};
use super::text::TextRange;

/// What a position hovers over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Item(ItemId),
    Section(SectionId),
}

/// A hover: Markdown and the range it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

/// The item or heading on `line`, if any. Fields hover as their parent item.
pub fn target_at_line(doc: &Document, line: usize) -> Option<Target> {
    if let Some(section) = doc.section_at_line(line) {
        return Some(Target::Section(section.id));
    }
    let item = doc.item_at_line(line)?;
    if item.is_field() {
        return item.parent().map(Target::Item);
    }
    Some(Target::Item(item.id))
}

/// Hover for `target`; `history` (Markdown) is appended to a task's hover.
pub fn hover(text: &str, doc: &Document, target: Target, history: Option<&str>) -> Hover {
    match target {
        Target::Item(id) => item_hover(text, doc, id, history),
        Target::Section(id) => section_hover(text, doc, id),
    }
}

fn item_hover(text: &str, doc: &Document, id: ItemId, history: Option<&str>) -> Hover {
    let item = &doc.items[id];
    let mut out = String::new();
    if let Some(state) = item.state() {
        let _ = writeln!(out, "**{}**\n", state_name(state));
    }
    match doc.priority(id) {
        Some(level) => {
            let inherited = if item.tags.is_empty() {
                " (inherited)"
            } else {
                ""
            };
            let meaning = doc
                .priority_meaning(level)
                .map(|m| format!(" — {m}"))
                .unwrap_or_default();
            let _ = writeln!(out, "Priority: **P{level}**{meaning}{inherited}\n");
        }
        None => out.push_str("Priority: none\n\n"),
    }
    if let Some(counts) = item_counts(doc, id).filter(|c| c.total + c.cancelled > 0) {
        let _ = writeln!(out, "Subtasks: {}\n", progress(&counts));
    }
    let fields: Vec<_> = doc
        .children(id)
        .iter()
        .map(|&c| &doc.items[c])
        .filter_map(|c| doc.field(c))
        .collect();
    if !fields.is_empty() {
        for f in fields {
            let value = &text[f.value_range.as_range()];
            let _ = writeln!(out, "- {}: {value}", f.label(text));
        }
        out.push('\n');
    }
    if let Some(history) = history.filter(|h| !h.trim().is_empty()) {
        out.push_str("---\n\n");
        out.push_str(history.trim_end());
        out.push('\n');
    }
    Hover {
        range: line_content(text, doc, item.line, item.range),
        markdown: out.trim_end().to_owned(),
    }
}

fn section_hover(text: &str, doc: &Document, id: SectionId) -> Hover {
    let section = &doc.sections[id];
    let mut counts = Counts::default();
    let mut by_priority: BTreeMap<Option<Level>, Counts> = BTreeMap::new();
    for (leaf, state) in counted_leaves(doc) {
        if section.range.contains(doc.items[leaf].range.start) {
            add(&mut counts, state);
            add(by_priority.entry(doc.priority(leaf)).or_default(), state);
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**{}**\n",
        section_name(&text[section.title.as_range()])
    );
    let _ = writeln!(out, "Progress: {}\n", progress(&counts));
    if !by_priority.is_empty() {
        // `None` (no priority) sorts first in the map; list it last.
        let mut parts: Vec<String> = by_priority
            .iter()
            .filter(|(level, _)| level.is_some())
            .map(|(level, c)| format!("P{}: {}/{}", level.unwrap_or_default(), c.done, c.total))
            .collect();
        if let Some(c) = by_priority.get(&None) {
            parts.push(format!("none: {}/{}", c.done, c.total));
        }
        let _ = writeln!(out, "By priority: {}\n", parts.join(" · "));
    }
    if let Some(est) = sum_estimates(doc, |item| section.range.contains(item.range.start)) {
        let _ = writeln!(out, "Estimate: {}", format_estimate(est));
    }
    let heading = &text[section.heading.as_range()];
    Hover {
        range: TextRange::new(
            section.heading.start,
            section.heading.start + heading.trim_end().len(),
        ),
        markdown: out.trim_end().to_owned(),
    }
}

/// A heading's title as a hover shows it: mojibake repaired (`âœ… Done` reads `✅ Done`) and
/// the title's own emphasis markers dropped, since the hover sets the name in bold itself
/// (`## **Tier 1**` would otherwise show as `****Tier 1****`).
fn section_name(title: &str) -> String {
    let repaired = super::mojibake::repair(title.trim());
    let mut name = repaired.replace("**", "").replace("__", "");
    if let Some(inner) = name
        .strip_prefix('*')
        .and_then(|n| n.strip_suffix('*'))
        .or_else(|| name.strip_prefix('_').and_then(|n| n.strip_suffix('_')))
    {
        name = inner.to_owned();
    }
    name.trim().to_owned()
}

/// `3/7 done · 43%`, plus cancelled tasks when there are any.
pub fn progress(counts: &Counts) -> String {
    let mut s = format!(
        "{}/{} done · {}%",
        counts.done,
        counts.total,
        counts.percent()
    );
    if counts.cancelled > 0 {
        let _ = write!(s, " ({} cancelled)", counts.cancelled);
    }
    s
}

fn add(counts: &mut Counts, state: State) {
    match state {
        State::Cancelled => counts.cancelled += 1,
        State::Done => {
            counts.total += 1;
            counts.done += 1;
        }
        State::Open => {
            counts.total += 1;
            counts.open += 1;
        }
        State::InProgress => {
            counts.total += 1;
            counts.open += 1;
            counts.in_progress += 1;
        }
        State::Deferred => {
            counts.total += 1;
            counts.open += 1;
            counts.deferred += 1;
        }
    }
}

fn state_name(state: State) -> &'static str {
    match state {
        State::Open => "Open",
        State::Done => "Done",
        State::InProgress => "In progress",
        State::Cancelled => "Cancelled",
        State::Deferred => "Deferred",
    }
}

/// The item's first line, without its terminator.
fn line_content(text: &str, doc: &Document, line: usize, fallback: TextRange) -> TextRange {
    doc.line_index.line_range(text, line).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Inputs, Settings};
    use expect_test::{expect, Expect};

    #[track_caller]
    #[allow(clippy::needless_pass_by_value)] // `check(.., expect![..])` reads best.
    fn check(text: &str, line: usize, history: Option<&str>, expect: Expect) {
        let doc = analyze(text, &Inputs::default(), &Settings::default()).document;
        let target = target_at_line(&doc, line).expect("a target");
        expect.assert_eq(&hover(text, &doc, target, history).markdown);
    }

    const ROADMAP: &str = "\
## Priority Levels
- **[P0]** - Critical: Must fix before production
- **[P1]** - High: Soon

## 🔴 Tier 1
- [ ] [P0] Rate limiting
  - [x] Design
  - [ ] Build
  - **Impact:** 10x safer
  - **Time:** 2-3 hours
- [x] Logging
  - Time: 1 day
- [-] Dropped
";

    #[test]
    fn task_hover_shows_priority_progress_fields_and_history() {
        check(
            ROADMAP,
            5,
            Some("First added in `abc123` by Ann"),
            expect![[r"
                **Open**

                Priority: **P0** — Critical: Must fix before production

                Subtasks: 1/2 done · 50%

                - Impact: 10x safer
                - Time: 2-3 hours

                ---

                First added in `abc123` by Ann"]],
        );
    }

    #[test]
    fn heading_hover_shows_progress_priorities_and_estimates() {
        check(
            ROADMAP,
            4,
            None,
            expect![[r"
                **🔴 Tier 1**

                Progress: 2/3 done · 67% (1 cancelled)

                By priority: P0: 2/3

                Estimate: 10–11 h"]],
        );
    }

    #[test]
    fn heading_hover_names_the_section_without_markup_or_mojibake() {
        let name = |heading: &str| {
            let text = format!("{heading}\n- [ ] a\n");
            let doc = analyze(&text, &Inputs::default(), &Settings::default()).document;
            let target = target_at_line(&doc, 0).expect("a heading");
            let markdown = hover(&text, &doc, target, None).markdown;
            markdown.lines().next().unwrap_or_default().to_owned()
        };
        assert_eq!(name("## **Tier 1**"), "**Tier 1**");
        assert_eq!(name("## **Phase 2:** Polish"), "**Phase 2: Polish**");
        assert_eq!(name("## __Later__"), "**Later**");
        assert_eq!(name("## *Someday*"), "**Someday**");
        assert_eq!(
            name("## \u{e2}\u{153}\u{2026} Completed"),
            "**\u{2705} Completed**"
        );
        assert_eq!(name("## 🔴 Tier 1"), "**🔴 Tier 1**");
    }
}
