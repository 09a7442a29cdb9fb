//! Items across the roadmap files of one workspace, as plain data: the index behind
//! `workspace/symbol` and the cross-file `duplicate-item`.
//!
//! Each file contributes a [`FileIndex`]: every item that is not a field or a legend entry,
//! with its normalised text (the duplicate key of SPEC §1), its text as written, its section
//! and its place, in the column encoding the caller asked for. A [`WorkspaceIndex`] holds one
//! per file under a name the caller chooses (a path for the CLI, a URI for the server) and
//! answers two questions: which item of another file has this key ([`OtherFiles`], read by
//! the `duplicate-item` rule through [`super::Inputs::elsewhere`]), and which items match a
//! search ([`search`]).

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{Document, State};
use super::normalize::normalize;
use super::rules::duplicate_item;
use super::stats::Counts;
use super::text::{Encoding, LineCol};

/// Keys are hashed once per item of every file: foldhash, as the engine's other per-item maps.
type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// One item of a file, as the workspace sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexedItem {
    /// The normalised text (SPEC §1), the key two items are compared by.
    pub key: Box<str>,
    /// The item's text on its first line, as written.
    pub name: Box<str>,
    /// The title of the innermost section holding it, shared by the items of the section.
    pub section: Option<Arc<str>>,
    /// `None` for a plain item.
    pub state: Option<State>,
    /// True when the item is not nested under another item.
    pub top_level: bool,
    /// True when `duplicate-item` compares it (every task; a plain item only when it is
    /// tracked like one).
    pub compared: bool,
    /// The item's text, 0-based lines, columns in the index's encoding.
    pub start: LineCol,
    pub end: LineCol,
}

/// The items of one file, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileIndex {
    pub items: Vec<IndexedItem>,
    /// The file's task counts (SPEC §1), for the workspace's statistics.
    pub counts: Counts,
}

impl FileIndex {
    /// Indexes the items of `doc` (parsed from `text`), with columns in `encoding`.
    pub fn new(text: &str, doc: &Document, encoding: Encoding) -> Self {
        let titles: Vec<Arc<str>> = doc
            .sections
            .iter()
            .map(|s| Arc::from(text[s.title.as_range()].trim()))
            .collect();
        let items = doc
            .items
            .iter()
            .filter(|i| !i.is_field() && !i.is_legend)
            .filter_map(|item| {
                let written = &text[item.text.as_range()];
                let key = normalize(written);
                if key.is_empty() {
                    return None;
                }
                let (start, end) = doc.line_index.range(text, item.text, encoding);
                Some(IndexedItem {
                    key: key.into(),
                    name: written.trim().into(),
                    section: item.section().map(|s| Arc::clone(&titles[s])),
                    state: item.state(),
                    top_level: item.parent().is_none(),
                    compared: duplicate_item::compared(doc, item),
                    start,
                    end,
                })
            })
            .collect();
        Self {
            items,
            counts: super::stats::counts(doc),
        }
    }
}

/// An item of another file with the same key as one of this document's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    /// The file's name in the index (what `Related` points at).
    pub file: String,
    /// How messages name the file.
    pub label: String,
    pub start: LineCol,
    pub end: LineCol,
}

/// What the `duplicate-item` rule asks of the rest of the workspace.
pub trait OtherFiles {
    /// The first item of another file whose key is `key`. Two subtasks are never duplicates
    /// across files (they belong to different parents), so when `top_level` is false only a
    /// top-level item of another file is a match.
    /// Only tasks match a `task`, only plain items an item.
    fn same_item(&self, key: &str, top_level: bool, task: bool) -> Option<Elsewhere>;

    /// The first done task of another file whose key is `key`, for `conflicting-state`;
    /// matched as [`OtherFiles::same_item`] matches tasks (a nested item only meets a
    /// top-level one).
    fn done_item(&self, key: &str, top_level: bool) -> Option<Elsewhere> {
        let _ = (key, top_level);
        None
    }
}

struct Entry {
    name: String,
    label: String,
    index: FileIndex,
}

/// The indexed files of a workspace, with a lookup from key to the items that have it.
#[derive(Default)]
pub struct WorkspaceIndex {
    ids: HashMap<String, usize>,
    /// By id; `None` once a file is removed (ids are not reused).
    files: Vec<Option<Entry>>,
    /// The hash of a key → where the items with that key that `duplicate-item` compares
    /// are. Keyed by hash, so a key is stored once, in its item (a workspace of 100 MB has
    /// two million of them); a lookup compares the items' keys.
    by_key: Map<u64, Places>,
}

/// One compared item: its kind ([`Places::kind`]), file id and position in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    kind: u8,
    file: u32,
    position: u32,
}

/// The places of one key's compared items (and of any other key with the same hash), by
/// kind of item (plain or task, nested or top level), then in the order answers prefer: by
/// file name, then place in the file. So an answer is the first place outside the asking
/// file, found without visiting every file that shares a common key such as "Write tests".
#[derive(Default)]
struct Places {
    list: Vec<Place>,
}

impl Places {
    fn kind(task: bool, top_level: bool) -> u8 {
        u8::from(task) * 2 + u8::from(top_level)
    }

    /// The places of one kind, in answer order.
    fn of_kind(&self, kind: u8) -> &[Place] {
        let start = self.list.partition_point(|p| p.kind < kind);
        let end = self.list.partition_point(|p| p.kind <= kind);
        &self.list[start..end]
    }
}

/// The hash a key is filed under.
fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(key)
}

impl std::fmt::Debug for WorkspaceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceIndex")
            .field("files", &self.ids.len())
            .field("keys", &self.by_key.len())
            .finish()
    }
}

impl WorkspaceIndex {
    /// Adds or replaces the file `name`; `label` is how messages name it.
    pub fn update(&mut self, name: &str, label: &str, index: FileIndex) {
        self.remove(name);
        let id = self.files.len();
        self.files.push(Some(Entry {
            name: name.to_owned(),
            label: label.to_owned(),
            index,
        }));
        self.ids.insert(name.to_owned(), id);
        let files = &self.files;
        let order = |place: Place| {
            let entry = files[place.file as usize]
                .as_ref()
                .expect("a listed file is indexed");
            (
                place.kind,
                entry.name.as_str(),
                entry.index.items[place.position as usize].start,
            )
        };
        let Some(entry) = &files[id] else {
            return;
        };
        let file = u32::try_from(id).expect("fewer than 4 billion files");
        for (position, item) in entry.index.items.iter().enumerate() {
            if !item.compared {
                continue;
            }
            let list = &mut self.by_key.entry(key_hash(&item.key)).or_default().list;
            let kind = Places::kind(item.state.is_some(), item.top_level);
            let here = (kind, name, item.start);
            // `check` indexes files in the order it finds them, by name: the place goes last.
            let at = if list.last().is_none_or(|&last| order(last) < here) {
                list.len()
            } else {
                list.partition_point(|&place| order(place) < here)
            };
            list.insert(
                at,
                Place {
                    kind,
                    file,
                    position: u32::try_from(position).expect("fewer than 4 billion items"),
                },
            );
        }
    }

    /// Drops the file `name`, if indexed.
    pub fn remove(&mut self, name: &str) {
        let Some(id) = self.ids.remove(name) else {
            return;
        };
        if let Some(entry) = self.files[id].take() {
            for item in entry.index.items.iter().filter(|i| i.compared) {
                let hash = key_hash(&item.key);
                if let Some(places) = self.by_key.get_mut(&hash) {
                    places.list.retain(|p| p.file as usize != id);
                    if places.list.is_empty() {
                        self.by_key.remove(&hash);
                    }
                }
            }
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.ids.contains_key(name)
    }

    /// The items indexed for `name`.
    pub fn get(&self, name: &str) -> Option<&FileIndex> {
        let id = *self.ids.get(name)?;
        self.files[id].as_ref().map(|e| &e.index)
    }

    /// Number of indexed files.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every indexed file as `(name, index)`, in no particular order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &FileIndex)> + '_ {
        self.files
            .iter()
            .flatten()
            .map(|e| (e.name.as_str(), &e.index))
    }

    /// Every indexed file as `(name, label, index)`, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &FileIndex)> + '_ {
        self.files
            .iter()
            .flatten()
            .map(|e| (e.name.as_str(), e.label.as_str(), &e.index))
    }

    /// The index seen from the file `name`: every other file.
    pub fn others<'a>(&'a self, name: &str) -> Others<'a> {
        Others {
            index: self,
            this: self.ids.get(name).copied(),
        }
    }
}

/// [`WorkspaceIndex`] without one of its files, as that file's [`OtherFiles`].
pub struct Others<'a> {
    index: &'a WorkspaceIndex,
    this: Option<usize>,
}

impl OtherFiles for Others<'_> {
    fn same_item(&self, key: &str, top_level: bool, task: bool) -> Option<Elsewhere> {
        self.first_match(key, top_level, task, |_| true)
    }

    fn done_item(&self, key: &str, top_level: bool) -> Option<Elsewhere> {
        self.first_match(key, top_level, true, |item| item.state == Some(State::Done))
    }
}

impl Others<'_> {
    /// The first item of another file under `key` that `wanted` accepts: a top-level one
    /// (a task when `task`), or a nested one too when `top_level`; in the file whose name
    /// sorts first, so the answer does not depend on the order files were indexed in.
    fn first_match(
        &self,
        key: &str,
        top_level: bool,
        task: bool,
        wanted: impl Fn(&IndexedItem) -> bool,
    ) -> Option<Elsewhere> {
        let places = self.index.by_key.get(&key_hash(key))?;
        let top = self.first_elsewhere(places.of_kind(Places::kind(task, true)), key, &wanted);
        let nested = if top_level {
            self.first_elsewhere(places.of_kind(Places::kind(task, false)), key, &wanted)
        } else {
            None
        };
        let (entry, item) = top
            .into_iter()
            .chain(nested)
            .min_by(|a, b| (&a.0.name, a.1.start).cmp(&(&b.0.name, b.1.start)))?;
        Some(Elsewhere {
            file: entry.name.clone(),
            label: entry.label.clone(),
            start: item.start,
            end: item.end,
        })
    }

    /// The first place of `list` (in answer order) outside the asking file whose item has
    /// `key` (not just its hash) and passes `wanted`.
    fn first_elsewhere(
        &self,
        list: &[Place],
        key: &str,
        wanted: impl Fn(&IndexedItem) -> bool,
    ) -> Option<(&Entry, &IndexedItem)> {
        list.iter()
            .filter(|p| Some(p.file as usize) != self.this)
            .find_map(|p| {
                let entry = self.index.files[p.file as usize].as_ref()?;
                let item = &entry.index.items[p.position as usize];
                (&*item.key == key && wanted(item)).then_some((entry, item))
            })
    }
}

/// The items of `files` that match `query`, best first, at most `limit`: every character
/// of the query (case folded, white space ignored) must appear in the item's normalised
/// text in order. Items containing the query as one run come before scattered matches, then
/// shorter texts, then by file and line. An empty query matches every item.
pub fn search<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a FileIndex)>,
    query: &str,
    limit: usize,
) -> Vec<(&'a str, &'a IndexedItem)> {
    let needle: String = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let mut hits: Vec<(bool, &'a str, &'a IndexedItem)> = Vec::new();
    // One buffer for every item's key without its spaces: a million items are searched
    // without a million allocations.
    let mut compact = String::new();
    for (file, index) in files {
        for item in &index.items {
            compact.clear();
            compact.extend(item.key.chars().filter(|c| *c != ' '));
            if compact.contains(&needle) {
                hits.push((true, file, item));
            } else if is_subsequence(&needle, &compact) {
                hits.push((false, file, item));
            }
        }
    }
    let order = |a: &(bool, &str, &IndexedItem), b: &(bool, &str, &IndexedItem)| {
        (!a.0, a.2.key.len(), a.1, a.2.start).cmp(&(!b.0, b.2.key.len(), b.1, b.2.start))
    };
    // Only the best `limit` are sorted: a query that matches most items stays linear.
    if limit > 0 && hits.len() > limit {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
    hits.into_iter()
        .take(limit)
        .map(|(_, file, item)| (file, item))
        .collect()
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::parse::parse;
    use crate::analysis::BoxStates;

    fn index(text: &str) -> FileIndex {
        FileIndex::new(text, &parse(text, &BoxStates::default()), Encoding::Utf16)
    }

    #[test]
    fn a_file_index_keeps_items_and_skips_fields_and_the_legend() {
        let text = "# Plan\n\n## Priority Levels\n- **[P0]** - Critical: now\n\n## 🔴 Now\n- [ ] [P0] **Rate limiting** 🚀\n  - **Time:** 2 hours\n  - [x] Buckets\n- Plain thing\n";
        let items = index(text).items;
        let names: Vec<&str> = items.iter().map(|i| &*i.name).collect();
        assert_eq!(
            names,
            ["[P0] **Rate limiting** 🚀", "Buckets", "Plain thing"]
        );
        assert_eq!(&*items[0].key, "rate limiting");
        assert_eq!(items[0].section.as_deref(), Some("🔴 Now"));
        assert_eq!(items[0].state, Some(State::Open));
        assert!(items[0].top_level);
        assert!(!items[1].top_level);
        assert_eq!(items[1].state, Some(State::Done));
        assert_eq!(items[2].state, None);
        // Line 6 (0-based), after `- [ ] `; the rocket is two UTF-16 units.
        assert_eq!(items[0].start, LineCol { line: 6, col: 6 });
        assert_eq!(
            items[0].end,
            LineCol {
                line: 6,
                col: 6 + 25
            }
        );
    }

    #[test]
    fn same_item_looks_only_at_other_files_and_spares_subtasks() {
        let mut ws = WorkspaceIndex::default();
        ws.update(
            "b.md",
            "b.md",
            index("- [ ] Write docs\n  - [ ] Write tests\n"),
        );
        ws.update("a.md", "a.md", index("- [ ] write DOCS.\n- [ ] Other\n"));
        ws.update("c.md", "c.md", index("- Feature\n  - [ ] Write docs\n"));

        let from_a = ws.others("a.md");
        let hit = from_a.same_item("write docs", true, true).unwrap();
        assert_eq!((hit.file.as_str(), hit.start.line), ("b.md", 0));
        // A subtask in a.md matches a top-level item elsewhere, never another subtask.
        assert_eq!(
            from_a.same_item("write docs", false, true).unwrap().file,
            "b.md"
        );
        assert_eq!(from_a.same_item("write tests", false, true), None);
        assert_eq!(
            from_a.same_item("write tests", true, true).unwrap().file,
            "b.md"
        );
        // A plain item never matches a task.
        assert_eq!(
            from_a.same_item("feature", true, false).unwrap().file,
            "c.md"
        );
        assert_eq!(from_a.same_item("feature", true, true), None);
        assert_eq!(from_a.same_item("write docs", true, false), None);
        // The file's own items are not "elsewhere".
        assert_eq!(from_a.same_item("other", true, true), None);
        // From b.md, the first of the other files by name is a.md.
        assert_eq!(
            ws.others("b.md")
                .same_item("write docs", true, true)
                .unwrap()
                .file,
            "a.md"
        );
    }

    #[test]
    fn done_item_finds_a_done_task_of_another_file() {
        let mut ws = WorkspaceIndex::default();
        ws.update(
            "a.md",
            "a.md",
            index("- [ ] Ship it\n- [ ] Area\n  - [ ] Nested\n"),
        );
        ws.update(
            "b.md",
            "b.md",
            index("- [ ] Ship it\n- Feature\n  - [x] Nested\n"),
        );
        assert_eq!(ws.others("a.md").done_item("ship it", true), None);
        ws.update("c.md", "c.md", index("- [x] Ship it\n"));
        let hit = ws.others("a.md").done_item("ship it", true).unwrap();
        assert_eq!((hit.file.as_str(), hit.start.line), ("c.md", 0));
        // Not in its own file.
        assert_eq!(ws.others("c.md").done_item("ship it", true), None);
        // A subtask meets only a top-level done task, a top-level task any.
        assert_eq!(ws.others("a.md").done_item("nested", false), None);
        assert_eq!(
            ws.others("a.md").done_item("nested", true).unwrap().file,
            "b.md"
        );
    }

    #[test]
    fn update_and_remove_keep_the_key_lookup_exact() {
        let mut ws = WorkspaceIndex::default();
        ws.update("a.md", "a.md", index("- [ ] Alpha\n"));
        ws.update("b.md", "b.md", index("- [ ] Alpha\n"));
        assert!(ws.others("a.md").same_item("alpha", true, true).is_some());
        ws.update("b.md", "b.md", index("- [ ] Beta\n"));
        assert_eq!(ws.others("a.md").same_item("alpha", true, true), None);
        assert_eq!(
            ws.others("a.md")
                .same_item("beta", true, true)
                .unwrap()
                .file,
            "b.md"
        );
        ws.remove("b.md");
        assert_eq!(ws.others("a.md").same_item("beta", true, true), None);
        assert_eq!(ws.len(), 1);
        assert_eq!(ws.by_key.keys().collect::<Vec<_>>(), [&key_hash("alpha")]);
    }

    #[test]
    fn the_answer_is_the_first_other_file_by_name_whatever_the_indexing_order() {
        let mut ws = WorkspaceIndex::default();
        // Names 00..29 indexed in a scrambled order; each file has the key twice, nested
        // (line 1) and at the top level (line 2).
        let names: Vec<String> = (0..30).map(|n| format!("{:02}.md", (n * 7) % 30)).collect();
        for name in &names {
            ws.update(
                name,
                name,
                index(
                    "- Area
  - [ ] Write tests
- [ ] Write tests
",
                ),
            );
        }
        let answer = |ws: &WorkspaceIndex, from: &str, top_level: bool| {
            let hit = ws
                .others(from)
                .same_item("write tests", top_level, true)
                .unwrap();
            (hit.file, hit.start.line)
        };
        assert_eq!(answer(&ws, "00.md", true), ("01.md".to_owned(), 1));
        assert_eq!(answer(&ws, "00.md", false), ("01.md".to_owned(), 2));
        assert_eq!(answer(&ws, "17.md", true), ("00.md".to_owned(), 1));
        ws.remove("00.md");
        assert_eq!(answer(&ws, "17.md", false), ("01.md".to_owned(), 2));
        ws.update("00.md", "00.md", index("- [ ] Write tests\n"));
        assert_eq!(answer(&ws, "17.md", false), ("00.md".to_owned(), 0));
    }

    #[test]
    fn search_ranks_runs_before_scattered_matches() {
        let a = index("- [ ] Add rate limiting\n- [ ] Rotate keys\n- [ ] Rate limits\n");
        let b = index("- [ ] Write the README\n");
        let files = [("a.md", &a), ("b.md", &b)];
        let names = |query: &str| -> Vec<String> {
            search(files, query, 10)
                .into_iter()
                .map(|(_, i)| i.name.to_string())
                .collect()
        };
        assert_eq!(names("rate lim"), ["Rate limits", "Add rate limiting"]);
        assert_eq!(names("RTK"), ["Rotate keys"]);
        assert_eq!(names("readme"), ["Write the README"]);
        assert_eq!(names("zzz"), Vec::<String>::new());
        assert_eq!(search(files, "", 2).len(), 2);
        assert_eq!(search(files, "", 10).len(), 4);
    }
}
