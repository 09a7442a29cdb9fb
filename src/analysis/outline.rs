//! Document symbols, folding ranges, progress lenses and inlay hints as plain data.
//!
//! The outline is a tree: sections by heading level, then the items of each section with
//! their subtasks. Fields are metadata and stay out of it. Progress is counted as in
//! [`super::stats`] and written `3/7 done · 43%`.

use super::hover::progress;
use super::model::{Document, ItemId, ItemKind, SectionId, State};
use super::stats::{counted_leaves, item_counts, Counts};
use super::text::TextRange;

/// What a symbol stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Section,
    Task,
    Item,
}

/// One outline entry with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers (a section with its subsections, an item with its
    /// subtasks).
    pub range: TextRange,
    /// The heading text or the item's first line.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// The outline of `doc`.
pub fn symbols(text: &str, doc: &Document) -> Vec<Symbol> {
    let section_counts = section_counts(doc);
    // The top-level items of each section (and of no section), in one pass over the items.
    let mut loose = Vec::new();
    let mut by_section: Vec<Vec<ItemId>> = vec![Vec::new(); doc.sections.len()];
    for item in doc
        .items
        .iter()
        .filter(|i| i.parent().is_none() && !i.is_field())
    {
        match item.section() {
            Some(s) => by_section[s].push(item.id),
            None => loose.push(item.id),
        }
    }
    let ctx = Outline {
        text,
        doc,
        counts: &section_counts,
        by_section: &by_section,
    };
    let mut top: Vec<Symbol> = loose.iter().map(|&i| item_symbol(text, doc, i)).collect();
    top.extend(
        doc.sections
            .iter()
            .filter(|s| s.parent.is_none())
            .map(|s| section_symbol(&ctx, s.id)),
    );
    top.sort_by_key(|s| s.range.start);
    for s in &mut top {
        let range = s.range;
        nest_within(&mut s.children, range);
    }
    top
}

/// What building the section symbols reads.
struct Outline<'a> {
    text: &'a str,
    doc: &'a Document,
    counts: &'a [Counts],
    by_section: &'a [Vec<ItemId>],
}

fn section_symbol(ctx: &Outline<'_>, id: SectionId) -> Symbol {
    let (text, doc) = (ctx.text, ctx.doc);
    let section = &doc.sections[id];
    let mut children: Vec<Symbol> = ctx.by_section[id]
        .iter()
        .map(|&i| item_symbol(text, doc, i))
        .collect();
    children.extend(section.children.iter().map(|&c| section_symbol(ctx, c)));
    children.sort_by_key(|s| s.range.start);
    let c = &ctx.counts[id];
    Symbol {
        name: name(&text[section.title.as_range()]),
        detail: (c.total + c.cancelled > 0).then(|| progress(c)),
        kind: SymbolKind::Section,
        range: section.range,
        selection: section.title,
        children,
    }
}

fn item_symbol(text: &str, doc: &Document, id: ItemId) -> Symbol {
    let item = &doc.items[id];
    let children = doc
        .children(id)
        .iter()
        .filter(|&&c| !doc.items[c].is_field())
        .map(|&c| item_symbol(text, doc, c))
        .collect();
    let detail = match item_counts(doc, id).filter(|c| c.total + c.cancelled > 0) {
        Some(c) => Some(progress(&c)),
        None => item.state().map(|s| state_word(s).to_owned()),
    };
    // The range loses the item's trailing white space, so the selection (its first line)
    // is cut to the range: on `- [ ] a  ` or a bare `- ` a selection reaching past the range
    // makes editors reject the whole outline.
    let range = trim_end(text, item.range);
    let first_line = doc
        .line_index
        .line_range(text, item.line)
        .unwrap_or(item.range);
    let start = item.range.start.max(first_line.start);
    let selection = TextRange::new(start, first_line.end.max(start));
    Symbol {
        name: name(&text[item.text.as_range()]),
        detail,
        kind: match item.kind {
            ItemKind::Task(_) => SymbolKind::Task,
            _ => SymbolKind::Item,
        },
        range,
        selection: trim_end(text, selection).clamp_to(range),
        children,
    }
}

/// Cuts every child to its parent's range: an item holding a heading (`- a` then an indented
/// `# B`) runs past the end of its section, and editors reject a child that leaves its parent.
fn nest_within(symbols: &mut [Symbol], parent: TextRange) {
    for s in symbols {
        s.range = s.range.clamp_to(parent);
        s.selection = s.selection.clamp_to(s.range);
        nest_within(&mut s.children, s.range);
    }
}

trait Clamp {
    fn clamp_to(self, outer: TextRange) -> TextRange;
}

impl Clamp for TextRange {
    fn clamp_to(self, outer: TextRange) -> TextRange {
        let start = self.start.clamp(outer.start, outer.end);
        let end = self.end.clamp(start, outer.end);
        TextRange::new(start, end)
    }
}

/// A non-empty symbol name (editors reject empty ones).
fn name(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        "(empty)".to_owned()
    } else {
        s.to_owned()
    }
}

fn state_word(state: State) -> &'static str {
    match state {
        State::Open => "open",
        State::Done => "done",
        State::InProgress => "in progress",
        State::Cancelled => "cancelled",
        State::Deferred => "deferred",
    }
}

/// The range without its trailing white space; a range of white space alone keeps its first
/// character (a whole one, never a part of a no-break or ideographic space).
fn trim_end(text: &str, range: TextRange) -> TextRange {
    let s = &text[range.as_range()];
    let len = match s.trim_end().len() {
        0 => s.chars().next().map_or(0, char::len_utf8),
        n => n,
    };
    TextRange::new(range.start, range.start + len)
}

/// A foldable range of whole lines (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub start_line: usize,
    pub end_line: usize,
}

/// Folds for every section and every item with nested content.
pub fn folding_ranges(text: &str, doc: &Document) -> Vec<Fold> {
    let mut out = Vec::new();
    let mut push = |range: TextRange, start_line: usize| {
        let content = text[range.as_range()].trim_end();
        if content.is_empty() {
            return;
        }
        let end_line = doc.line_index.line_of(range.start + content.len() - 1);
        if end_line > start_line {
            out.push(Fold {
                start_line,
                end_line,
            });
        }
    };
    for s in &doc.sections {
        push(s.range, s.line);
    }
    for i in &doc.items {
        push(i.range, i.line);
    }
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    out
}

/// A progress lens over a section heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub range: TextRange,
    pub title: String,
}

/// `3/7 done · 43%` over each section that has tasks.
pub fn lenses(text: &str, doc: &Document) -> Vec<Lens> {
    lenses_with(text, doc, &section_counts(doc))
}

/// [`lenses`] with each section's progress given (by section id).
pub fn lenses_with(text: &str, doc: &Document, counts: &[Counts]) -> Vec<Lens> {
    doc.sections
        .iter()
        .filter(|s| counts[s.id].total + counts[s.id].cancelled > 0)
        .map(|s| Lens {
            range: trim_end(text, s.heading),
            title: lens_title(&counts[s.id]),
        })
        .collect()
}

/// `3/7 done · 43%` without the cancelled count.
pub fn lens_title(c: &Counts) -> String {
    format!("{}/{} done · {}%", c.done, c.total, c.percent())
}

/// A progress hint at the end of a heading or parent item's first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Where the hint goes (the end of the line's content).
    pub offset: usize,
    /// `3/7`.
    pub label: String,
}

/// `3/7` after each heading and each item with subtasks.
pub fn inlay_hints(text: &str, doc: &Document) -> Vec<Hint> {
    inlay_hints_on(text, doc, 0..usize::MAX)
}

/// The hints of [`inlay_hints`] on `lines` alone (an editor asks for the visible ones): the
/// items of other lines are not counted.
pub fn inlay_hints_on(text: &str, doc: &Document, lines: std::ops::Range<usize>) -> Vec<Hint> {
    inlay_hints_with(text, doc, lines, || {
        std::borrow::Cow::Owned(section_counts(doc))
    })
}

/// [`inlay_hints_on`] with each section's progress given (by section id), asked for only
/// when a heading is on `lines`.
pub fn inlay_hints_with<'c>(
    text: &str,
    doc: &Document,
    lines: std::ops::Range<usize>,
    counts: impl FnOnce() -> std::borrow::Cow<'c, [Counts]>,
) -> Vec<Hint> {
    let mut out = Vec::new();
    let sections: Vec<&super::model::Section> = doc
        .sections
        .iter()
        .filter(|s| lines.contains(&s.line))
        .collect();
    if !sections.is_empty() {
        let counts = counts();
        for s in sections {
            let c = counts[s.id];
            if c.total > 0 {
                out.push(Hint {
                    offset: line_end(text, doc, s.line),
                    label: format!("{}/{}", c.done, c.total),
                });
            }
        }
    }
    let first = doc.items.partition_point(|i| i.line < lines.start);
    for item in doc.items[first..].iter().take_while(|i| i.line < lines.end) {
        if item.children.is_empty() {
            continue;
        }
        if let Some(c) = item_counts(doc, item.id).filter(|c| c.total > 0) {
            out.push(Hint {
                offset: line_end(text, doc, item.line),
                label: format!("{}/{}", c.done, c.total),
            });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

fn line_end(text: &str, doc: &Document, line: usize) -> usize {
    doc.line_index
        .line_range(text, line)
        .map_or(text.len(), |r| r.end)
}

/// Progress of every section, subsections included, in one pass over the counted tasks.
pub fn section_counts(doc: &Document) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); doc.sections.len()];
    for (id, state) in counted_leaves(doc) {
        let mut s = doc.items[id].section();
        while let Some(sid) = s {
            add(&mut counts[sid], state);
            s = doc.sections[sid].parent;
        }
    }
    counts
}

fn add(counts: &mut Counts, state: State) {
    counts.total += usize::from(state != State::Cancelled);
    match state {
        State::Cancelled => counts.cancelled += 1,
        State::Done => counts.done += 1,
        State::Open => counts.open += 1,
        State::InProgress => {
            counts.open += 1;
            counts.in_progress += 1;
        }
        State::Deferred => {
            counts.open += 1;
            counts.deferred += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Inputs, Settings};
    use expect_test::expect;
    use std::fmt::Write as _;

    const ROADMAP: &str = "\
# Roadmap
## Now
- [ ] A
  - [x] a1
  - [ ] a2
  - **Time:** 1 h
- [x] B
## ✅ Done
- [x] C
- Plain
";

    fn render(symbols: &[Symbol], depth: usize, out: &mut String) {
        for s in symbols {
            let _ = writeln!(
                out,
                "{}{:?} {} [{}] {}..{}",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.detail.as_deref().unwrap_or("-"),
                s.range.start,
                s.range.end
            );
            render(&s.children, depth + 1, out);
        }
    }

    #[test]
    fn symbol_tree_with_progress() {
        let doc = analyze(ROADMAP, &Inputs::default(), &Settings::default()).document;
        let mut out = String::new();
        render(&symbols(ROADMAP, &doc), 0, &mut out);
        expect![[r"
            Section Roadmap [3/4 done · 75%] 0..101
              Section Now [2/3 done · 67%] 10..73
                Task A [1/2 done · 50%] 17..64
                  Task a1 [done] 27..35
                  Task a2 [open] 38..46
                Task B [done] 65..72
              Section ✅ Done [1/1 done · 100%] 73..101
                Task C [done] 85..92
                Item Plain [-] 93..100
        "]]
        .assert_eq(&out);
    }

    /// The hints of some lines are those of the whole document on those lines.
    #[test]
    fn hints_on_lines_are_the_whole_documents_there() {
        let doc = analyze(ROADMAP, &Inputs::default(), &Settings::default()).document;
        let all = inlay_hints(ROADMAP, &doc);
        assert!(all.len() >= 3);
        let lines = doc.line_index.line_count();
        for a in 0..=lines {
            for b in a..=lines {
                let expected: Vec<Hint> = all
                    .iter()
                    .filter(|h| (a..b).contains(&doc.line_index.line_of(h.offset)))
                    .cloned()
                    .collect();
                assert_eq!(
                    inlay_hints_on(ROADMAP, &doc, a..b),
                    expected,
                    "lines {a}..{b}"
                );
            }
        }
    }

    #[test]
    fn folds_lenses_and_hints() {
        let doc = analyze(ROADMAP, &Inputs::default(), &Settings::default()).document;
        let folds: Vec<(usize, usize)> = folding_ranges(ROADMAP, &doc)
            .iter()
            .map(|f| (f.start_line, f.end_line))
            .collect();
        assert_eq!(folds, vec![(0, 9), (1, 6), (2, 5), (7, 9)]);
        let lenses: Vec<String> = lenses(ROADMAP, &doc).into_iter().map(|l| l.title).collect();
        assert_eq!(
            lenses,
            vec!["3/4 done · 75%", "2/3 done · 67%", "1/1 done · 100%"]
        );
        let hints: Vec<(usize, String)> = inlay_hints(ROADMAP, &doc)
            .into_iter()
            .map(|h| (doc.line_index.line_of(h.offset), h.label))
            .collect();
        assert_eq!(
            hints,
            vec![
                (0, "3/4".to_owned()),
                (1, "2/3".to_owned()),
                (2, "1/2".to_owned()),
                (7, "1/1".to_owned())
            ]
        );
    }
}
