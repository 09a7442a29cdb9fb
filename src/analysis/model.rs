//! The document model: a section tree and an item arena built from one roadmap's text.
//!
//! All ranges are byte ranges into the analysed text. Items and sections refer to each other
//! by index ([`ItemId`], [`SectionId`]) into [`Document::items`] and [`Document::sections`],
//! which are both in document order.

use super::text::{Edit, LineIndex, TextRange};

/// Index into [`Document::items`].
pub type ItemId = usize;
/// Index into [`Document::sections`].
pub type SectionId = usize;

/// The state of a task box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Open,
    Done,
    InProgress,
    Cancelled,
    Deferred,
}

impl State {
    /// Done or cancelled: nothing left to do.
    pub const fn is_closed(self) -> bool {
        matches!(self, State::Done | State::Cancelled)
    }
}

/// What a list item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A list item with a task box.
    Task(State),
    /// A list item with neither a box nor a field label: untracked.
    Plain,
    /// `- **Label:** value`: metadata of its parent item (or of its section at top level).
    Field,
}

/// A priority on the one ordered scale: `0` is P0, the highest.
pub type Level = u8;

/// Which notation a priority tag was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagDialect {
    /// `[P1]`
    Bracket,
    /// org-mode `[#B]`
    Org,
    /// todo.txt `(B)` right after the box
    TodoTxt,
    /// Obsidian Tasks `⏫`
    Emoji,
}

/// A priority tag found in an item's first line or a legend entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityTag {
    /// The tag itself, without surrounding `**`: `[P1]`, `(A)`, `⏫`.
    pub range: TextRange,
    pub level: Level,
    pub dialect: TagDialect,
}

/// One entry of the document's priority legend: `- **[P0]** - Critical: Must fix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendEntry {
    pub level: Level,
    /// The tag as written in the legend, normalised to `[Pn]` form for display (`[P0]`).
    pub label: String,
    /// `Critical: Must fix before production`.
    pub description: String,
    pub item: ItemId,
}

/// An inclusive range of effort in hours (1 d = 8 h, 1 w = 5 d).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    pub low: f64,
    pub high: f64,
}

/// A field's parsed label and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The label without emphasis or colon: `Impact` (see [`Field::label`]).
    pub label_range: TextRange,
    /// The label as written, with its colon and emphasis: `**Impact:**`.
    pub label_raw_range: TextRange,
    /// The value after the label, trimmed.
    pub value_range: TextRange,
    /// Parsed when the label is Time, Estimate or Effort.
    pub estimate: Option<Estimate>,
}

impl Field {
    /// The label without emphasis or colon: `Impact`.
    pub fn label<'t>(&self, text: &'t str) -> &'t str {
        &text[self.label_range.as_range()]
    }
}

/// Where an item's entries are in one of the document's shared arrays (its children in
/// [`Document::child_ids`], its tags in [`Document::tags`]): one array for the whole
/// document instead of a vector per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Run {
    pub start: u32,
    pub len: u32,
}

impl Run {
    /// The entries `start..end` of a shared array.
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start: start as u32,
            len: (end - start) as u32,
        }
    }

    /// The positions of its entries.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len()
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    pub fn len(self) -> usize {
        self.len as usize
    }
}

/// A list item of any kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: ItemId,
    pub kind: ItemKind,
    /// Zero-based line of the item's marker.
    pub line: usize,
    /// The whole list item including its nested content (pulldown-cmark's item range).
    pub range: TextRange,
    /// From `[` to `]` when the item has a task box.
    pub checkbox: Option<TextRange>,
    /// The item's text on its first line, after marker and box, trimmed.
    pub text: TextRange,
    /// Nesting depth among items: 0 for a top-level item.
    pub depth: u32,
    /// The item it is nested in (see [`Item::parent`]); `u32` keeps the item small.
    pub parent_id: Option<u32>,
    /// The item's direct children, in order: [`Document::children`] reads them.
    pub children: Run,
    /// The innermost section holding the item (see [`Item::section`]).
    pub section_id: Option<u32>,
    /// Its priority tags, in order: [`Document::tags_of`] reads them.
    pub tags: Run,
    /// Index into [`Document::fields`] (see [`Document::field`]). Fields are kept apart: most
    /// items are no field, and a smaller item makes every pass over the arena cheaper.
    pub field: Option<u32>,
    /// True for the entries of the priority legend.
    pub is_legend: bool,
    /// True when a task is nested somewhere below this item.
    pub has_tasks_below: bool,
}

impl Item {
    pub fn state(&self) -> Option<State> {
        match self.kind {
            ItemKind::Task(state) => Some(state),
            _ => None,
        }
    }

    pub fn is_task(&self) -> bool {
        matches!(self.kind, ItemKind::Task(_))
    }

    pub fn is_field(&self) -> bool {
        self.kind == ItemKind::Field
    }

    /// The item it is nested in.
    pub fn parent(&self) -> Option<ItemId> {
        self.parent_id.map(|p| p as ItemId)
    }

    /// The innermost section holding the item.
    pub fn section(&self) -> Option<SectionId> {
        self.section_id.map(|s| s as SectionId)
    }

    /// The list marker: `-`, `*`, `+`, `1.`, `2)` (found again from the text, which few
    /// callers need).
    pub fn marker(&self, text: &str) -> TextRange {
        let line = &text[self.range.start..self.text.start.max(self.range.start)];
        let len = super::parse::marker_len(line).unwrap_or(0);
        TextRange::new(self.range.start, self.range.start + len)
    }
}

/// A heading and everything below it up to the next heading of the same or a higher level.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: SectionId,
    /// 1 for `#`, 6 for `######`.
    pub level: u8,
    /// Zero-based line of the heading (its first line for setext).
    pub line: usize,
    /// The heading line(s).
    pub heading: TextRange,
    /// The heading's text, without `#` markers or setext underline.
    pub title: TextRange,
    /// From the heading to the end of the section, subsections included.
    pub range: TextRange,
    pub parent: Option<SectionId>,
    pub children: Vec<SectionId>,
    /// Default priority of the items below: from `🔴 Critical`, `Tier 2`, `High Priority`.
    pub tier: Option<Level>,
    /// True when this heading, or one above it, is a done section (`✅ Completed`).
    pub done: bool,
    /// True when this heading, or one above it, states criteria (`Acceptance Criteria`,
    /// `Definition of Done`): a `✅` on a heading below it marks a criterion, not done work.
    pub criteria: bool,
}

/// A relative or absolute link written in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written, without `<>`.
    pub destination: TextRange,
    /// The path part of the destination, percent-decoded, without `#fragment` or `?query`;
    /// `None` for URLs with a scheme, pure fragments and absolute paths.
    pub relative_path: Option<String>,
}

/// A date field such as `**Last Updated:** 2025-01-15`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateField {
    /// The date as written.
    pub range: TextRange,
    pub date: jiff::civil::Date,
    pub style: DateStyle,
    /// Labelled `Date` or `As of`, which name the document's revision only in its preamble:
    /// under a section (`## Next Review` → `**Date**: …`) they name another date.
    pub generic: bool,
}

/// How a date was written, so a rewrite keeps the author's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `2025-01-15`
    Iso,
    /// `2025/01/15`
    Slashes,
    /// `January 7, 2026`
    MonthDayYear,
    /// `7 January 2026`
    DayMonthYear,
}

/// A near-miss task box and the minimal edit that makes it render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedBox {
    /// From `[` to `]`, with the marker for `-[ ]`.
    pub range: TextRange,
    /// The state the author meant.
    pub state: State,
    pub fix: Edit,
    /// The item it belongs to; `None` for `-[ ]`, which Markdown reads as plain text.
    pub item: Option<ItemId>,
}

/// A near-miss priority tag at the start of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedTag {
    pub range: TextRange,
    pub level: Level,
}

/// A `<!-- tickmark-… -->` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suppression {
    /// Silences `codes` (all when empty) on `line`.
    Line { line: usize, codes: Vec<String> },
    /// `tickmark-disable` (`enable == false`) or `tickmark-enable` from `line` on.
    Region {
        line: usize,
        codes: Vec<String>,
        enable: bool,
    },
}

/// The model of one roadmap document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
    /// The parsed fields, reached through [`Item::field`].
    pub fields: Vec<Field>,
    /// Every item's children, item by item, reached through [`Item::children`].
    pub child_ids: Vec<ItemId>,
    /// Every item's priority tags, item by item, reached through [`Item::tags`].
    pub tags: Vec<PriorityTag>,
    pub legend: Vec<LegendEntry>,
    pub links: Vec<Link>,
    pub dates: Vec<DateField>,
    pub suppressions: Vec<Suppression>,
    /// Byte ranges where Markdown text is not prose: code blocks, code spans, HTML blocks.
    pub code: Vec<TextRange>,
    /// Task boxes written in a form Markdown does not render (`- []`, `-[ ]`, `- [v]`).
    pub malformed_boxes: Vec<MalformedBox>,
    /// Priority tags written in a form tickmark does not read (`[p1]`, `(P1)`).
    pub malformed_tags: Vec<MalformedTag>,
    /// YAML front matter at the start of the text (also in [`Document::code`]).
    pub front_matter: Option<TextRange>,
    /// Lists that a bold paragraph introduces, by their first item.
    pub list_labels: Vec<ListLabel>,
    /// True when the text defines link references (`[label]: url`), which change how links
    /// anywhere in the document read.
    pub has_reference_definitions: bool,
    pub line_index: LineIndex,
    /// The line of the first list item nested deeper than
    /// [`MAX_DEPTH`](super::limits::MAX_DEPTH) levels, when there is one: such items are
    /// read as their ancestor's text.
    pub depth_cut: Option<usize>,
}

/// A list right after a paragraph that is one bold label (`**Stage 2: Tests**`,
/// `**Files to Modify**:`): the label acts as a heading for the list's items, nested ones
/// included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLabel {
    /// The list's items are `first..end`.
    pub first: u32,
    pub end: u32,
    /// The label's text, without emphasis or colon.
    pub label: TextRange,
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex::new("")
    }
}

impl Document {
    /// The direct children of item `id`, in document order.
    /// The label of the innermost labelled list that holds item `id`.
    pub fn list_label(&self, id: ItemId) -> Option<&ListLabel> {
        let id = id as u32;
        // Sorted by first item; nested lists come after the list holding them.
        let after = self.list_labels.partition_point(|l| l.first <= id);
        self.list_labels[..after].iter().rev().find(|l| id < l.end)
    }

    pub fn children(&self, id: ItemId) -> &[ItemId] {
        &self.child_ids[self.items[id].children.range()]
    }

    /// The priority tags on an item's first line, in order.
    pub fn tags_of(&self, item: &Item) -> &[PriorityTag] {
        &self.tags[item.tags.range()]
    }

    /// The parsed label and value of a field item.
    pub fn field(&self, item: &Item) -> Option<&Field> {
        item.field.map(|f| &self.fields[f as usize])
    }

    /// The effective priority of an item: its own tag, else its nearest ancestor's, else
    /// its section tier (the nearest section above with one).
    pub fn priority(&self, id: ItemId) -> Option<Level> {
        let mut cur = Some(id);
        while let Some(i) = cur {
            let item = &self.items[i];
            if let Some(tag) = self.tags_of(item).first() {
                return Some(tag.level);
            }
            cur = item.parent();
        }
        let mut section = self.items[id].section();
        while let Some(s) = section {
            if let Some(tier) = self.sections[s].tier {
                return Some(tier);
            }
            section = self.sections[s].parent;
        }
        None
    }

    /// The priority levels this document allows: its legend's, else `default`.
    pub fn allowed_levels(&self, default: &[Level]) -> Vec<Level> {
        if self.legend.is_empty() {
            default.to_vec()
        } else {
            let mut levels: Vec<Level> = self.legend.iter().map(|e| e.level).collect();
            levels.sort_unstable();
            levels.dedup();
            levels
        }
    }

    /// The legend description of a level, else the default name (Critical, High, …).
    pub fn priority_meaning(&self, level: Level) -> Option<String> {
        if let Some(entry) = self.legend.iter().find(|e| e.level == level) {
            return Some(entry.description.clone());
        }
        default_priority_name(level).map(str::to_owned)
    }

    /// The task subtasks of an item (direct children that are tasks).
    pub fn subtasks(&self, id: ItemId) -> impl Iterator<Item = &Item> + '_ {
        self.children(id)
            .iter()
            .map(|&c| &self.items[c])
            .filter(|c| c.is_task())
    }

    /// All descendants of an item, in document order.
    pub fn descendants(&self, id: ItemId) -> Vec<ItemId> {
        let mut out = Vec::new();
        let mut stack: Vec<ItemId> = self.children(id).iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.children(i).iter().rev().copied());
        }
        out
    }

    /// The item whose first line is `line`, if any.
    pub fn item_at_line(&self, line: usize) -> Option<&Item> {
        let idx = self.items.partition_point(|i| i.line < line);
        self.items.get(idx).filter(|i| i.line == line)
    }

    /// The section whose heading starts on `line`, if any.
    pub fn section_at_line(&self, line: usize) -> Option<&Section> {
        self.sections.iter().find(|s| s.line == line)
    }

    /// Is `offset` inside code or an HTML block?
    pub fn in_code(&self, offset: usize) -> bool {
        let idx = self.code.partition_point(|r| r.end <= offset);
        self.code.get(idx).is_some_and(|r| r.contains(offset))
    }
}

/// Names of the default priority set when a document has no legend.
pub fn default_priority_name(level: Level) -> Option<&'static str> {
    match level {
        0 => Some("Critical"),
        1 => Some("High"),
        2 => Some("Medium"),
        3 => Some("Low"),
        _ => None,
    }
}
