//! ## duplicate-item
//!
//! **What it flags.** Two tasks, or two plain items, of one document whose normalised text is
//! the same: marker, box, priority tags, emphasis, code and link syntax, emoji and surrounding
//! punctuation dropped, case folded, white space collapsed. The diagnostic sits on every later
//! occurrence and points at the first. Not flagged:
//!
//! - a plain item and a task (`- Generate a key pair` describing the work above the checklist
//!   `- [ ] Generate a key pair`), nor fields;
//! - plain bullets of prose (notes, reasons, recaps): a plain item is compared only when it
//!   is tracked like a task, with a priority tag, a field or a task below it
//!   (`1. **Database Migrations**` + `   - When: before launch`);
//! - placeholders that stand for no work: `- [ ] NONE.`, `TBD`, `N/A`;
//! - a one-word item under two different headings (`- [x] SQLite` in the plan and in the
//!   port to another language): a topic of two pieces of work;
//! - subtasks of two different parent items (`Write tests` under two features);
//! - a checklist template repeated under headings of one shape: the same level and the same
//!   first or last word, numbers aside (`- [ ] Method: GET` under `### GET /users` and under
//!   `### GET /orders`; `Write tests` under `## Phase 1` and `## Phase 2`; `Verify backups`
//!   under `## Pre-Deployment` and `## Post-Deployment`). Items repeated under unrelated
//!   headings (`## Docs`, `## Cleanup`), under two priority tiers (`🔴 Critical`,
//!   `🟡 Important`) or in a done section and another are still duplicates. Lists that a
//!   bold line introduces (`**Stage 2: Tests**` above `- [x] Run all tests`) are read the
//!   same way, the bold line standing for a heading.
//!
//! The same item in two roadmap files of one workspace (the files of one `tickmark check`
//! run, or the roadmaps below the editor's workspace folder) is flagged too, at information
//! severity (never above the rule's configured severity), pointing at the other file. As in
//! one file, two subtasks are never duplicates of each other across files.
//!
//! **Why.** A roadmap that lists the same work twice gets ticked in one place and left open
//! in the other, and its progress counts are wrong.
//!
//! **Example.**
//! ```markdown
//! - [ ] **API Documentation**
//! - [ ] API documentation.
//! ```
//!
//! **Fix (unsafe).** Remove the later duplicate. Offered only when that loses nothing: the
//! duplicate's subtasks and fields all appear under the first occurrence too. A duplicate in
//! another file has no fix: which file should keep the item is the team's call.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasher;

use super::{item_lines, quote_into, Ctx, Diagnostic};
use crate::analysis::diagnostic::{Code, Place, Related, Severity};
use crate::analysis::fix::Fix;
use crate::analysis::index::Elsewhere;
use crate::analysis::model::{Document, Item, ItemId, ItemKind, Section};
use crate::analysis::mojibake;
use crate::analysis::normalize::{normalize, push_key};
use crate::analysis::text::{Edit, TextRange};

/// Maps keyed by normalised text or its hash: a fast hasher (the keys come from the document
/// itself, and one slow hash per item was a tenth of the analysis).
type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// No item, no slot.
const NONE: u32 = u32::MAX;

/// Whether the rule compares `item` of `doc` with others: every task, and the plain items
/// that are tracked like one (with a priority tag, a field or a task below them). Not
/// fields, legend entries, nor the plain bullets of prose: notes, reasons, recaps.
pub(crate) fn compared(doc: &Document, item: &Item) -> bool {
    match item.kind {
        ItemKind::Task(_) => !item.is_legend,
        ItemKind::Field => false,
        ItemKind::Plain => {
            !item.is_legend
                && (item.has_tasks_below
                    || !doc.tags_of(item).is_empty()
                    || doc
                        .children(item.id)
                        .iter()
                        .any(|&c| doc.items[c].is_field()))
        }
    }
}

/// The key `duplicate-item` compares `item` by: its [`kind_byte`], then its normalised text;
/// `None` when that text is empty or a placeholder. [`Keys::intern`] builds the same key in
/// place.
pub(crate) fn item_key(text: &str, item: &Item) -> Option<String> {
    let mut key = vec![kind_byte(item)];
    push_key(&text[item.text.as_range()], &mut key);
    (key.len() > 1 && !is_placeholder(&key[1..]))
        .then(|| String::from_utf8(key).expect("a key of UTF-8 text is UTF-8"))
}

/// A key that stands for no work: `- [ ] NONE.` under an empty section, `TBD`.
fn is_placeholder(key: &[u8]) -> bool {
    matches!(
        key,
        b"none"
            | b"n/a"
            | b"na"
            | b"tbd"
            | b"tba"
            | b"tbc"
            | b"todo"
            | b"nothing"
            | b"none yet"
            | b"nothing yet"
    )
}

/// The first byte of an item's key: tasks are compared with tasks, plain items with plain
/// items, and fields (read only when a removal is checked) with fields.
fn kind_byte(item: &Item) -> u8 {
    match item.kind {
        ItemKind::Task(_) => b't',
        ItemKind::Plain => b'i',
        ItemKind::Field => b'f',
    }
}

/// One occurrence of a key, with the text and document it belongs to, and which part of a
/// whole document that is (the incremental engine's shard; 0 for a document analysed whole).
#[derive(Clone, Copy)]
pub(crate) struct Spot<'a> {
    pub text: &'a str,
    pub doc: &'a Document,
    pub item: ItemId,
    pub part: u32,
}

/// Whether two occurrences of one key are not duplicates of each other: a one-word item
/// (`SQLite`, `Authentication`) under two different headings names a topic in two pieces of
/// work; a checklist under two headings of one shape ([`is_template`]) or two lists that bold
/// labels of one shape introduce (`**Stage 2: …**`, `**Stage 3: …**`) is a template.
pub(crate) fn apart(a: Spot<'_>, b: Spot<'_>, one_word: bool) -> bool {
    let sa = a.doc.items[a.item].section();
    let sb = b.doc.items[b.item].section();
    if sa.map(|s| (a.part, s)) != sb.map(|s| (b.part, s)) {
        if one_word {
            return true;
        }
        if let (Some(x), Some(y)) = (sa, sb) {
            if is_template((a.text, &a.doc.sections[x]), (b.text, &b.doc.sections[y])) {
                return true;
            }
        }
    }
    match (a.doc.list_label(a.item), b.doc.list_label(b.item)) {
        (Some(la), Some(lb)) if (a.part, la.first) != (b.part, lb.first) => {
            same_shape(&a.text[la.label.as_range()], &b.text[lb.label.as_range()])
        }
        _ => false,
    }
}

/// Whether two headings or labels share their first or their last word ([`heading_shape`]).
fn same_shape(a: &str, b: &str) -> bool {
    let (a_first, a_last) = heading_shape(a);
    let (b_first, b_last) = heading_shape(b);
    a_first == b_first || a_last == b_last
}

/// Two occurrences in two different sections, `a` and `b` (each with the text it belongs
/// to), are a checklist template repeated on purpose when the headings have one shape: the
/// same level and the same first or last word ([`heading_shape`]): `GET /users` and
/// `GET /orders`, `Pre-Deployment` and `Post-Deployment`. Not priority tiers (the same item
/// under `Tier 1` and `Tier 2` is listed at two priorities), nor done sections (an item both
/// done and still planned was copied, not moved).
fn is_template((a_text, a): (&str, &Section), (b_text, b): (&str, &Section)) -> bool {
    if a.level != b.level || a.tier.is_some() || b.tier.is_some() || a.done || b.done {
        return false;
    }
    same_shape(&a_text[a.title.as_range()], &b_text[b.title.as_range()])
}

/// The first and last words of a heading, case folded, with their digits as `#`, numbers
/// and anything that is not a letter or digit aside: `GET /users` → (`get`, `users`),
/// `2. Phase 3: Ship` → (`phase`, `ship`), `v1.2 release` → (`v#`, `release`); a heading of
/// numbers alone → (`#`, `#`).
fn heading_shape(title: &str) -> (String, String) {
    let title = mojibake::repair(title);
    let mut words = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()));
    let first = words.next().unwrap_or("#");
    let last = words.next_back().unwrap_or(first);
    let fold = |word: &str| -> String {
        word.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .flat_map(char::to_lowercase)
            .collect()
    };
    (fold(first), fold(last))
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    let place = |id: u32| Spot {
        text: ctx.text,
        doc,
        item: id as usize,
        part: 0,
    };
    let n = doc.items.len();
    // Each distinct key gets a slot. Per slot: its first occurrence of all, and its first two
    // top-level occurrences (one of them may be a later item's own root).
    let mut keys = Keys::with_capacity(n);
    let mut slot_of: Vec<u32> = vec![NONE; n];
    // Each item's parent, so that the rest need not read the arena.
    let mut parent_of: Vec<u32> = vec![NONE; n];
    let mut first: Vec<u32> = Vec::with_capacity(n);
    let mut top_level: Vec<[u32; 2]> = Vec::with_capacity(n);
    // Per slot: whether a second item has its key. Only those items can be local duplicates.
    let mut repeated: Vec<bool> = Vec::with_capacity(n);
    for item in &doc.items {
        if let Some(p) = item.parent() {
            parent_of[item.id] = p as u32;
        }
        if !compared(doc, item) {
            continue;
        }
        let Some(slot) = keys.intern(kind_byte(item), &ctx.text[item.text.as_range()], false)
        else {
            continue;
        };
        slot_of[item.id] = slot;
        let id = item.id as u32;
        if slot as usize == first.len() {
            first.push(id);
            top_level.push([NONE; 2]);
            repeated.push(false);
        } else {
            repeated[slot as usize] = true;
        }
        if item.parent().is_none() {
            let top = &mut top_level[slot as usize];
            if top[0] == NONE {
                top[0] = id;
            } else if top[1] == NONE {
                top[1] = id;
            }
        }
    }
    // The rest reads only the items that may be duplicates, in document order: those whose
    // key is repeated, or, with other files to compare with, every keyed item. The arena is
    // not walked again, which at 10 MB was a tenth of the analysis.
    let elsewhere = ctx.inputs.elsewhere.is_some();
    // The first sibling with each key, by (parent, slot): siblings with one key are all
    // candidates, so the first of them is met first.
    let mut first_sibling: Map<(u32, u32), u32> = Map::default();
    // The first item with each key in each section, by (slot, section): what a top-level
    // item in a template's section duplicates.
    let mut first_in_section: Map<(u32, u32), u32> = Map::default();
    let mut scratch = Scratch::default();
    for (item_id, &slot) in slot_of.iter().enumerate() {
        if slot == NONE || !(repeated[slot as usize] || elsewhere) {
            continue;
        }
        let parent = Some(parent_of[item_id]).filter(|&p| p != NONE);
        let sibling = match parent {
            Some(p) if repeated[slot as usize] => match first_sibling.entry((p, slot)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    e.insert(item_id as u32);
                    NONE
                }
            },
            _ => NONE,
        };
        let id = item_id as u32;
        let one_word = !keys.get(slot).contains(' ');
        let template = |other: u32| apart(place(other), place(id), one_word);
        let in_section = match doc.items[item_id].section() {
            Some(section) if repeated[slot as usize] => {
                let first = *first_in_section.entry((slot, section as u32)).or_insert(id);
                Some(first).filter(|&f| f != id && !template(f))
            }
            _ => None,
        };
        // The first earlier occurrence this item duplicates: any item when it is top-level
        // (in its own section when the first is a template's); else a sibling, or a
        // top-level item that is not its own ancestor nor a template's.
        let local = if parent.is_none() {
            Some(first[slot as usize])
                .filter(|&f| f != id)
                .and_then(|f| if template(f) { in_section } else { Some(f) })
        } else {
            let candidates = top_level[slot as usize];
            let top = if candidates[0] < id {
                let mut root = id;
                while parent_of[root as usize] != NONE {
                    root = parent_of[root as usize];
                }
                candidates
                    .into_iter()
                    .find(|&t| t != NONE && t < id && t != root && !template(t))
            } else {
                None
            };
            match (top, Some(sibling).filter(|&s| s != NONE && !template(s))) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        };
        let item = &doc.items[item_id];
        let Some(first) = local.map(|f| f as ItemId) else {
            let other = ctx.inputs.elsewhere;
            let key = &keys.get(slot)[1..];
            let task = item.is_task();
            if let Some(other) = other.and_then(|o| o.same_item(key, parent.is_none(), task)) {
                out.push(in_another_file(ctx.text, item.text, item.text, other));
            }
            continue;
        };
        let removal = loses_nothing(ctx, item.id, first, &mut keys, &slot_of, &mut scratch)
            .then(|| item_lines(ctx.text, doc, item.id));
        out.push(duplicate_of(
            item.text,
            ctx.text,
            doc.items[first].text,
            doc.items[first].line,
            doc.items[first].text,
            removal,
        ));
    }
}

/// The diagnostic on a later occurrence (`range`) of the item first listed at `first` of
/// `first_text` (quoted from there), on `first_line` (0-based); `related` is where that is in
/// the document's own offsets, `removal` the lines the fix deletes when it loses nothing.
pub(crate) fn duplicate_of(
    range: TextRange,
    first_text: &str,
    first: TextRange,
    first_line: usize,
    related: TextRange,
    removal: Option<TextRange>,
) -> Diagnostic {
    let mut message = String::with_capacity(112);
    message.push_str("Duplicate of “");
    quote_into(&mut message, first_text, first);
    let _ = write!(message, "” on line {}: remove one of them", first_line + 1);
    let mut d = Diagnostic::new(Code::DuplicateItem, range, message)
        .with_related(related, "first listed here");
    if let Some(lines) = removal {
        d = d.with_fix(Fix::unsafe_("Remove duplicate item", [Edit::delete(lines)]));
    }
    d
}

/// The diagnostic for an item (`item` of `text`, at `range` in the document's offsets) that
/// another file of the workspace lists too.
pub(crate) fn in_another_file(
    text: &str,
    item: TextRange,
    range: TextRange,
    other: Elsewhere,
) -> Diagnostic {
    let mut message = String::with_capacity(112);
    message.push('“');
    quote_into(&mut message, text, item);
    let _ = write!(
        message,
        "” is also listed in {} on line {}: keep it in one roadmap",
        other.label,
        other.start.line + 1
    );
    let mut d = Diagnostic::new(Code::DuplicateItem, range, message);
    d.severity = Severity::Information;
    d.related.reserve_exact(1);
    d.related.push(Related {
        place: Place::Elsewhere {
            file: other.file,
            label: other.label,
            start: other.start,
            end: other.end,
        },
        message: "also listed here".into(),
    });
    d
}

/// The distinct keys of one document, each stored once in one buffer and numbered in order
/// of first appearance (its slot).
struct Keys {
    /// Every key, one after the other (UTF-8).
    buffer: Vec<u8>,
    /// Where each slot's key ends in `buffer` (it starts where the previous one ends).
    ends: Vec<usize>,
    /// Slot by 32 bits of the hash of its key: an entry of eight bytes per key (the table
    /// of a 10 MB roadmap stays in cache), the key itself compared in `buffer` on a hit.
    by_hash: Map<u32, u32>,
    /// The keys whose hash an earlier, different key already has.
    collided: Map<Vec<u8>, u32>,
    hasher: foldhash::fast::FixedState,
}

impl Keys {
    fn with_capacity(items: usize) -> Self {
        Self {
            buffer: Vec::with_capacity(items * 24),
            ends: Vec::with_capacity(items),
            by_hash: Map::with_capacity_and_hasher(items, foldhash::fast::FixedState::default()),
            collided: Map::default(),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    fn get(&self, slot: u32) -> &str {
        let slot = slot as usize;
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        std::str::from_utf8(&self.buffer[start..self.ends[slot]]).expect("keys are UTF-8")
    }

    /// The slot of `text`'s key after the item's `kind` byte, a new one for a key not seen
    /// before. An empty or placeholder key has no slot unless `keep_empty`.
    fn intern(&mut self, kind: u8, text: &str, keep_empty: bool) -> Option<u32> {
        let start = self.buffer.len();
        self.buffer.push(kind);
        push_key(text, &mut self.buffer);
        if (start + 1 == self.buffer.len() || is_placeholder(&self.buffer[start + 1..]))
            && !keep_empty
        {
            self.buffer.truncate(start);
            return None;
        }
        let hash = self.hasher.hash_one(&self.buffer[start..]) as u32;
        let next = self.ends.len() as u32;
        let slot = match self.by_hash.entry(hash) {
            Entry::Vacant(e) => *e.insert(next),
            Entry::Occupied(e) => {
                let slot = *e.get();
                let at = slot as usize;
                let from = if at == 0 { 0 } else { self.ends[at - 1] };
                if self.buffer[from..self.ends[at]] == self.buffer[start..] {
                    slot
                } else {
                    let key = self.buffer[start..].to_owned();
                    *self.collided.entry(key).or_insert(next)
                }
            }
        };
        if slot == next {
            self.ends.push(self.buffer.len());
        } else {
            self.buffer.truncate(start);
        }
        Some(slot)
    }
}

/// Buffers [`loses_nothing`] reuses from one duplicate to the next.
#[derive(Default)]
struct Scratch {
    stack: Vec<ItemId>,
    kept: Vec<u32>,
    /// Slots of the items the duplicate search skips (fields, legend entries, empty keys),
    /// given as they are needed.
    other_slots: Vec<u32>,
}

/// True when every descendant of `dup` has a same-key counterpart below `first`. Keys are
/// compared by slot; descendants without one (fields, legend entries, empty keys) get theirs
/// here.
fn loses_nothing(
    ctx: &Ctx<'_>,
    dup: ItemId,
    first: ItemId,
    keys: &mut Keys,
    slot_of: &[u32],
    scratch: &mut Scratch,
) -> bool {
    let doc = ctx.doc;
    let Scratch {
        stack,
        kept,
        other_slots,
    } = scratch;
    let mut slot = |id: ItemId| -> u32 {
        if slot_of[id] != NONE {
            return slot_of[id];
        }
        if other_slots.is_empty() {
            other_slots.resize(slot_of.len(), NONE);
        }
        if other_slots[id] == NONE {
            let item = &doc.items[id];
            let text = &ctx.text[item.text.as_range()];
            other_slots[id] = keys
                .intern(kind_byte(item), text, true)
                .expect("empty keys are kept");
        }
        other_slots[id]
    };
    kept.clear();
    stack.clear();
    stack.extend(doc.children(first));
    while let Some(id) = stack.pop() {
        kept.push(slot(id));
        stack.extend(doc.children(id));
    }
    stack.clear();
    stack.extend(doc.children(dup));
    while let Some(id) = stack.pop() {
        if !kept.contains(&slot(id)) {
            return false;
        }
        stack.extend(doc.children(id));
    }
    true
}

/// [`loses_nothing`] for two items of different texts (parts of one document analysed
/// apart), each given with the text and document it belongs to.
pub(crate) fn loses_nothing_between(
    dup_text: &str,
    dup_doc: &Document,
    dup: ItemId,
    first_text: &str,
    first_doc: &Document,
    first: ItemId,
) -> bool {
    let keys = |text: &str, doc: &Document, id: ItemId| -> Vec<(u8, String)> {
        doc.descendants(id)
            .into_iter()
            .map(|d| {
                let item = &doc.items[d];
                (kind_byte(item), normalize(&text[item.text.as_range()]))
            })
            .collect()
    };
    let kept = keys(first_text, first_doc, first);
    keys(dup_text, dup_doc, dup)
        .iter()
        .all(|k| kept.contains(k))
}

#[cfg(test)]
mod tests {
    use crate::analysis::index::{FileIndex, WorkspaceIndex};
    use crate::analysis::parse::parse;
    use crate::analysis::tests::{check, check_fix, check_no_fix, check_with};
    use crate::analysis::{analyze, BoxStates, Code, Encoding, Inputs, Place, Settings, Severity};

    fn workspace(files: &[(&str, &str)]) -> WorkspaceIndex {
        let mut ws = WorkspaceIndex::default();
        for (name, text) in files {
            let doc = parse(text, &BoxStates::default());
            ws.update(name, name, FileIndex::new(text, &doc, Encoding::Utf32));
        }
        ws
    }

    #[test]
    fn an_item_another_file_lists_is_information_pointing_there() {
        let ws = workspace(&[
            (
                "ROADMAP.md",
                "# Plan\n\n- [ ] **API Documentation**\n- Feature\n  - [ ] Write tests\n",
            ),
            ("TODO.md", ""),
        ]);
        let others = ws.others("TODO.md");
        let inputs = Inputs {
            elsewhere: Some(&others),
            ..Inputs::default()
        };
        check_with(
            r"
- [ ] API documentation.
//    ^^^^^^^^^^^^^^^^^^ information: duplicate-item
- [ ] API documentation
//    ^^^^^^^^^^^^^^^^^ warning: duplicate-item
- Other feature
  - [ ] Write tests
",
            &inputs,
        );
        let text = "- [ ] API documentation.\n";
        let analysis = analyze(text, &inputs, &Settings::default());
        let d = &analysis.diagnostics[0];
        assert_eq!(
            d.message,
            "“API documentation.” is also listed in ROADMAP.md on line 3: keep it in one roadmap"
        );
        assert!(d.fixes.is_empty());
        match &d.related[0].place {
            Place::Elsewhere {
                file, start, end, ..
            } => {
                assert_eq!(file, "ROADMAP.md");
                assert_eq!((start.line, start.col, end.col), (2, 6, 27));
            }
            Place::Here(_) => panic!("related should be in the other file"),
        }
    }

    #[test]
    fn the_configured_severity_never_raises_a_cross_file_duplicate() {
        let ws = workspace(&[("a.md", "- [ ] Ship it\n"), ("b.md", "")]);
        let others = ws.others("b.md");
        let inputs = Inputs {
            elsewhere: Some(&others),
            ..Inputs::default()
        };
        let graded = |severity: Option<Severity>| {
            let mut settings = Settings::default();
            settings.severities.insert(Code::DuplicateItem, severity);
            analyze("- [ ] Ship it\n", &inputs, &settings)
                .diagnostics
                .iter()
                .map(|d| d.severity)
                .collect::<Vec<_>>()
        };
        assert_eq!(graded(Some(Severity::Error)), [Severity::Information]);
        assert_eq!(graded(Some(Severity::Hint)), [Severity::Hint]);
        assert_eq!(graded(None), []);
    }

    /// Keys are found by 32 bits of their hash: two keys that share them still get their
    /// own slots.
    #[test]
    fn keys_whose_hashes_collide_keep_their_own_slots() {
        use std::hash::BuildHasher;
        let hasher = foldhash::fast::FixedState::default();
        let mut seen = std::collections::HashMap::new();
        // Keys are hashed with the task kind byte in front.
        let (a, b) = (0..1_000_000u32)
            .find_map(|i| {
                let key = format!("k{i}");
                let hash = hasher.hash_one(format!("t{key}").as_bytes()) as u32;
                seen.insert(hash, key.clone()).map(|earlier| (earlier, key))
            })
            .expect("a 32-bit collision among a million keys");
        let mut keys = super::Keys::with_capacity(4);
        let slot_a = keys.intern(b't', &a, false).unwrap();
        let slot_b = keys.intern(b't', &b, false).unwrap();
        assert_ne!(slot_a, slot_b);
        assert_eq!(keys.intern(b't', &a, false), Some(slot_a));
        assert_eq!(keys.intern(b't', &b, false), Some(slot_b));
        assert_eq!(
            (keys.get(slot_a), keys.get(slot_b)),
            (format!("t{a}").as_str(), format!("t{b}").as_str())
        );
    }

    #[test]
    fn later_occurrences_are_flagged() {
        check(
            r"
- [ ] **API Documentation**
- [ ] API documentation.
//    ^^^^^^^^^^^^^^^^^^ warning: duplicate-item
1. [ ] [P1] api documentation
//     ^^^^^^^^^^^^^^^^^^^^^^ warning: duplicate-item
",
        );
    }

    #[test]
    fn tasks_are_compared_with_tasks_and_items_with_items() {
        check(
            r"
Generate the signing key:

- Generate GPG key pair
- Publish the public key

- [ ] Generate GPG key pair
- [ ] Publish the public key
- [x] Generate GPG key pair
//    ^^^^^^^^^^^^^^^^^^^^^ warning: duplicate-item
",
        );
    }

    #[test]
    fn a_template_under_headings_of_one_shape_is_not_a_duplicate() {
        check(
            r"
## Endpoints
### GET /users
- [ ] Method: GET
- [ ] Paginated
### GET /orders
- [ ] Method: GET
- [ ] Paginated
- [ ] Paginated
//    ^^^^^^^^^ warning: duplicate-item
## Phase 1: Foundation
- [ ] Write tests
## Phase 2: Features
- [ ] Write tests
## Docs
- [ ] Write tests
//    ^^^^^^^^^^^ warning: duplicate-item
- [ ] Review the API
## Cleanup
- [ ] Review the API
//    ^^^^^^^^^^^^^^ warning: duplicate-item
## 🔴 Tier 1
- [ ] Rotate keys
## 🟡 Tier 2
- [ ] Rotate keys
//    ^^^^^^^^^^^ warning: duplicate-item
",
        );
    }

    #[test]
    fn a_one_word_item_under_two_headings_is_a_topic() {
        check(
            r"
# TODO
- [x] SQLite
- [ ] Login to edit
# Switch to golang
- [x] sqlite
- [x] Login
- [ ] Login
//    ^^^^^ warning: duplicate-item
",
        );
    }

    #[test]
    fn lists_under_bold_labels_of_one_shape_are_a_template() {
        check(
            r"
**Stage 2: Tests**
- [x] Run all tests
- [x] Run all tests
//    ^^^^^^^^^^^^^ warning: duplicate-item

**Stage 3: Code**:
- [x] Run all tests

**Frontend**
- [ ] Run all tests
//    ^^^^^^^^^^^^^ warning: duplicate-item
- Parent

  **Stage 4: Docs**

  - [ ] Run all tests
",
        );
    }

    #[test]
    fn heading_shapes() {
        let shape = |title: &str| {
            let (first, last) = super::heading_shape(title);
            format!("{first} {last}")
        };
        assert_eq!(shape("GET /users"), "get users");
        assert_eq!(shape("2. Phase 3: Ship"), "phase ship");
        assert_eq!(shape("v1.2 release"), "v# release");
        assert_eq!(shape("🔴 Sprint 4"), "sprint sprint");
        assert_eq!(shape("2025"), "# #");
        assert_eq!(shape("ðŸ”´ Sprint 4"), "sprint sprint");
        assert_eq!(shape("Pre-Deployment"), "pre deployment");
        assert_ne!(shape("Docs"), shape("Cleanup"));
    }

    #[test]
    fn placeholders_and_prose_bullets_are_not_compared() {
        check(
            r"
## Planned
- [ ] NONE.
## Ideas
- [ ] None
- [ ] TBD
- [ ] tbd
## Why not
- The provider returns IDs for most content
- The provider returns IDs for most content
- **Database Migrations**
  - When: before launch
- [P2] Cache warm-up
- Parent of work
  - [ ] Ship it
- **Database Migrations**
//^^^^^^^^^^^^^^^^^^^^^^^ warning: duplicate-item
  - Solution: proper migrations
- [P3] Cache warm-up
//^^^^^^^^^^^^^^^^^^ warning: duplicate-item
- Parent of work
//^^^^^^^^^^^^^^ warning: duplicate-item
  - [x] Ship it
",
        );
        for key in ["N/A", "TBD.", "**None**", "Nothing yet"] {
            let mut norm = String::new();
            crate::analysis::normalize::normalize_into(key, &mut norm);
            assert!(super::is_placeholder(norm.as_bytes()), "{key} → {norm}");
        }
    }

    #[test]
    fn subtasks_of_different_parents_are_not_duplicates() {
        check(
            r"
- [ ] Login
  - [ ] Write tests
- [ ] Signup
  - [ ] Write tests
- [ ] Write tests
//    ^^^^^^^^^^^ warning: duplicate-item
- **Time:** 1 hour
- **Time:** 1 hour
",
        );
    }

    #[test]
    fn an_item_is_not_a_duplicate_of_its_own_ancestor() {
        check(
            r"
- [ ] Caching
  - [ ] Caching
- [ ] Other
  - [ ] Caching
//      ^^^^^^^ warning: duplicate-item
",
        );
        // Nor when a field or an empty item stands between them.
        check(
            r"
- [ ] Caching
  - **Notes:**
    - [ ] Caching
  - [ ]
//  ^^^ warning: empty-item
    - [ ] Caching
",
        );
    }

    #[test]
    fn removal_is_offered_only_when_nothing_is_lost() {
        check_fix(
            "duplicate-item",
            "- [ ] A\n  - [ ] x\n- [ ] B\n- [ ] A\n  - [ ] x\n",
            "- [ ] A\n  - [ ] x\n- [ ] B\n",
        );
        check_no_fix("duplicate-item", "- [ ] A\n- [ ] A\n  - [ ] only here\n");
    }
}
