//! Progress counting (SPEC §1): totals, per section, per priority.
//!
//! Tasks are counted leaf-first: a task with subtasks counts through them; cancelled tasks
//! count neither way (they are tallied apart); plain items and fields never count. A
//! section's progress covers every task below it, subsections included.

use std::collections::BTreeMap;

use super::model::{Document, Estimate, ItemId, Level, SectionId, State};

/// Task counts. `open` includes in-progress and deferred tasks; `total` excludes cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub total: usize,
    pub done: usize,
    pub open: usize,
    pub in_progress: usize,
    pub deferred: usize,
    pub cancelled: usize,
}

impl Counts {
    /// Done as a whole percentage, rounded half up; 0 when there is nothing to do.
    pub fn percent(&self) -> u32 {
        if self.total == 0 {
            0
        } else {
            ((self.done * 200 + self.total) / (self.total * 2)) as u32
        }
    }

    /// Adds `other`'s counts to these (a total over several files).
    pub fn add(&mut self, other: &Counts) {
        self.total += other.total;
        self.done += other.done;
        self.open += other.open;
        self.in_progress += other.in_progress;
        self.deferred += other.deferred;
        self.cancelled += other.cancelled;
    }

    fn add_state(&mut self, state: State) {
        match state {
            State::Cancelled => self.cancelled += 1,
            State::Done => {
                self.total += 1;
                self.done += 1;
            }
            State::Open => {
                self.total += 1;
                self.open += 1;
            }
            State::InProgress => {
                self.total += 1;
                self.open += 1;
                self.in_progress += 1;
            }
            State::Deferred => {
                self.total += 1;
                self.open += 1;
                self.deferred += 1;
            }
        }
    }
}

/// Progress of one section.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionStats {
    pub section: SectionId,
    pub title: String,
    pub line: usize,
    pub level: u8,
    pub counts: Counts,
    /// Summed estimate fields below the section, if any.
    pub estimate: Option<Estimate>,
}

/// Progress of a whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub counts: Counts,
    pub by_section: Vec<SectionStats>,
    /// Per effective priority (`None`: no priority), as `(total, done)` counts.
    pub by_priority: BTreeMap<Option<Level>, Counts>,
}

/// Counts every task of the document.
pub fn stats(text: &str, doc: &Document) -> Stats {
    let leaves = counted_leaves(doc);
    let mut counts = Counts::default();
    let mut by_priority: BTreeMap<Option<Level>, Counts> = BTreeMap::new();
    let per_section = per_section(doc, &leaves);
    let mut estimates: Vec<Option<Estimate>> = vec![None; doc.sections.len()];
    for &(id, state) in &leaves {
        counts.add_state(state);
        by_priority
            .entry(doc.priority(id))
            .or_default()
            .add_state(state);
    }
    for item in &doc.items {
        let Some(est) = doc.field(item).and_then(|f| f.estimate) else {
            continue;
        };
        for s in enclosing_sections(doc, item.section()) {
            let total = estimates[s].get_or_insert_with(Estimate::default);
            total.low += est.low;
            total.high += est.high;
        }
    }
    let by_section = doc
        .sections
        .iter()
        .map(|s| SectionStats {
            section: s.id,
            title: text[s.title.as_range()].to_owned(),
            line: s.line,
            level: s.level,
            counts: per_section[s.id],
            estimate: estimates[s.id],
        })
        .collect();
    Stats {
        counts,
        by_section,
        by_priority,
    }
}

/// The document's task counts, as [`stats`] gives them in `counts`, without the rest.
pub fn counts(doc: &Document) -> Counts {
    let mut counts = Counts::default();
    for &(_, state) in &counted_leaves(doc) {
        counts.add_state(state);
    }
    counts
}

/// The counts of every section (indexed by [`SectionId`]), as [`stats`] gives them in
/// `by_section`, without the rest of the statistics.
pub fn counts_by_section(doc: &Document) -> Vec<Counts> {
    per_section(doc, &counted_leaves(doc))
}

fn per_section(doc: &Document, leaves: &[(ItemId, State)]) -> Vec<Counts> {
    let mut per_section = vec![Counts::default(); doc.sections.len()];
    for &(id, state) in leaves {
        for s in enclosing_sections(doc, doc.items[id].section()) {
            per_section[s].add_state(state);
        }
    }
    per_section
}

/// A section and every section above it.
fn enclosing_sections(
    doc: &Document,
    innermost: Option<SectionId>,
) -> impl Iterator<Item = SectionId> + '_ {
    std::iter::successors(innermost, |&s| doc.sections[s].parent)
}

/// The counted tasks (leaf-first), each with the state it counts as.
pub fn counted_leaves(doc: &Document) -> Vec<(ItemId, State)> {
    let mut out = Vec::new();
    for item in doc.items.iter().filter(|i| i.parent().is_none()) {
        collect_leaves(doc, item.id, false, &mut out);
    }
    out
}

/// Progress of one item's subtasks (leaf-first), or `None` when no task is nested below it.
pub fn item_counts(doc: &Document, id: ItemId) -> Option<Counts> {
    if !doc.items[id].has_tasks_below {
        return None;
    }
    let mut leaves = Vec::new();
    for &child in doc.children(id) {
        collect_leaves(doc, child, false, &mut leaves);
    }
    let mut counts = Counts::default();
    for (_, state) in leaves {
        counts.add_state(state);
    }
    Some(counts)
}

/// Progress of one section, subsections included.
pub fn section_counts(doc: &Document, section: SectionId) -> Counts {
    let mut counts = Counts::default();
    for (id, state) in counted_leaves(doc) {
        if enclosing_sections(doc, doc.items[id].section()).any(|s| s == section) {
            counts.add_state(state);
        }
    }
    counts
}

/// A task counts through its task descendants when it has any; a cancelled task cancels its
/// whole subtree. Plain items pass their task descendants through.
fn collect_leaves(
    doc: &Document,
    id: ItemId,
    cancelled_above: bool,
    out: &mut Vec<(ItemId, State)>,
) {
    let item = &doc.items[id];
    let state = item.state();
    let cancelled = cancelled_above || state == Some(State::Cancelled);
    if let Some(state) = state {
        if !item.has_tasks_below {
            out.push((id, if cancelled { State::Cancelled } else { state }));
            return;
        }
    }
    for &child in doc.children(item.id) {
        collect_leaves(doc, child, cancelled, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::parse::parse;
    use crate::analysis::BoxStates;

    #[test]
    fn other_box_characters_count_as_their_states() {
        let text = "# Plan\n- [x] a\n- [~] b\n- [✗] c\n- [✘] d\n- [×] e\n- [ ] f\n";
        let doc = parse(text, &BoxStates::default());
        let counts = stats(text, &doc).counts;
        assert_eq!(
            counts,
            Counts {
                total: 3,
                done: 1,
                open: 2,
                in_progress: 1,
                deferred: 0,
                cancelled: 3,
            }
        );
        assert_eq!(counts.percent(), 33);
    }
}
