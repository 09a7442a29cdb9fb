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

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use super::model::{Document, State};
use super::normalize::{normalize, normalize_into, push_key};
use super::rules::duplicate_item;
use super::stats::Counts;
use super::stitch::Part;
use super::text::{Encoding, LineCol};

/// Keys are hashed once per item of every file: foldhash, as the engine's other per-item maps.
type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// One item of a file, as the workspace sees it: read from a [`FileIndex`], which keeps its
/// items packed (one string for every name, fixed-size records for the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedItem<'a> {
    /// The item's text, as written (trimmed).
    pub name: &'a str,
    /// The title of the innermost section holding it.
    pub section: Option<&'a str>,
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
    /// The hash of the item's key (its normalised text, SPEC §1), as [`key_hash`] gives it.
    pub key_hash: u32,
}

impl IndexedItem<'_> {
    /// The normalised text (SPEC §1), the key two items are compared by.
    pub fn key(&self) -> String {
        normalize(self.name)
    }
}

/// What an item holds beside its name, packed: 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Record {
    key_hash: u32,
    start: LineCol,
    /// The end's column, and its line as a count of lines after the start's (saturating).
    end_col: u32,
    /// Index of the section's title in [`FileIndex::titles`], or [`NO_SECTION`].
    section: u32,
    end_lines: u16,
    state: Option<State>,
    /// [`TOP_LEVEL`] and [`COMPARED`].
    flags: u8,
}

const TOP_LEVEL: u8 = 1;
const COMPARED: u8 = 2;

impl Record {
    fn end(&self) -> LineCol {
        LineCol {
            line: self.start.line + u32::from(self.end_lines),
            col: self.end_col,
        }
    }

    fn top_level(&self) -> bool {
        self.flags & TOP_LEVEL != 0
    }

    fn compared(&self) -> bool {
        self.flags & COMPARED != 0
    }

    /// What two records are compared by, the state as a number.
    fn order(&self) -> (u32, LineCol, LineCol, Option<u8>, u8) {
        (
            self.key_hash,
            self.start,
            self.end(),
            self.state.map(|s| s as u8),
            self.flags,
        )
    }
}

const NO_SECTION: u32 = u32::MAX;

/// An item as [`search`] reads it first: the [`char_mask`] of its key, its place in document
/// order and the length of its name (at most `u16::MAX`; the rank is told by the real one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sorted {
    mask: u32,
    item: u16,
    length: u16,
}

/// No recent place (see [`KeyTable::recent`]).
const NONE: u32 = u32::MAX;

/// The items of one file, in document order. A workspace of 100 MB has two million items, so
/// they are packed: every name in one string, the rest in fixed-size records, and per item a
/// mask of the characters its key holds (for [`search`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileIndex {
    /// Every item's name, back to back; item `i`'s ends at `ends[i]`.
    names: String,
    ends: Vec<u32>,
    records: Vec<Record>,
    /// What [`search`] reads of each item, by the length of its name, shortest first (then
    /// in document order), so that a search reads a file's short names only and in one
    /// stream. In document order when the file has more items than a `u16` counts.
    by_length: Vec<Sorted>,
    /// Whether `by_length` is in that order.
    ordered: bool,
    /// Every section's title, back to back; section `s`'s ends at `title_ends[s]`.
    titles: String,
    title_ends: Vec<u32>,
    /// The pairs of adjacent bytes in the keys (without spaces), hashed into 4,096 bits: a
    /// query with a pair absent here has no match in one run in this file.
    pairs: Pairs,
    /// The file's task counts (SPEC §1), for the workspace's statistics.
    pub counts: Counts,
}

impl FileIndex {
    /// Indexes the items of `doc` (parsed from `text`), with columns in `encoding`.
    pub fn new(text: &str, doc: &Document, encoding: Encoding) -> Self {
        Self::from_parts(
            text,
            &[Part {
                start: 0,
                line: 0,
                doc,
            }],
            encoding,
        )
    }

    /// Indexes the items of `text` from the models of its parts (the shards of an
    /// incremental analysis, in order), as [`Self::new`] indexes the document they stitch
    /// into (a test holds them equal), without stitching it.
    pub fn from_parts(text: &str, parts: &[Part<'_>], encoding: Encoding) -> Self {
        let mut index = Self {
            pairs: Pairs::new(),
            ..Self::default()
        };
        let mut key = String::new();
        // Sections of the parts before: a part's section ids count from its first.
        let mut sections_before = 0;
        for (k, part) in parts.iter().enumerate() {
            let doc = part.doc;
            let end = parts.get(k + 1).map_or(text.len(), |next| next.start);
            let text = &text[part.start..end];
            index.counts.add(&super::stats::counts(doc));
            for section in &doc.sections {
                index.titles.push_str(text[section.title.as_range()].trim());
                index.title_ends.push(offset(index.titles.len()));
            }
            for item in doc.items.iter().filter(|i| !i.is_field() && !i.is_legend) {
                let written = &text[item.text.as_range()];
                normalize_into(written, &mut key);
                if key.is_empty() {
                    continue;
                }
                let (mut start, mut end) = doc.line_index.range(text, item.text, encoding);
                start.line += part.line as u32;
                end.line += part.line as u32;
                index.names.push_str(written.trim());
                index.ends.push(offset(index.names.len()));
                index.by_length.push(Sorted {
                    mask: char_mask(key.bytes()),
                    item: 0,
                    length: 0,
                });
                index.pairs.add(key.bytes().filter(|&b| b != b' '));
                index.records.push(Record {
                    key_hash: key_hash(&key),
                    start,
                    end_col: end.col,
                    section: item
                        .section()
                        .map_or(NO_SECTION, |s| offset(s + sections_before)),
                    end_lines: u16::try_from(end.line.saturating_sub(start.line))
                        .unwrap_or(u16::MAX),
                    state: item.state(),
                    flags: if item.parent().is_none() {
                        TOP_LEVEL
                    } else {
                        0
                    } | if duplicate_item::compared(doc, item) {
                        COMPARED
                    } else {
                        0
                    },
                });
            }
            sections_before += doc.sections.len();
        }
        if let Ok(count) = u16::try_from(index.records.len()) {
            let mut from = 0;
            let items = index.by_length.iter_mut().zip(&index.ends);
            for (i, (sorted, &end)) in (0..count).zip(items) {
                sorted.item = i;
                sorted.length = u16::try_from(end - from).unwrap_or(u16::MAX);
                from = end;
            }
            // Stable: equal lengths stay in document order.
            index.by_length.sort_by_key(|sorted| sorted.length);
            index.ordered = true;
        }
        index.names.shrink_to_fit();
        index.ends.shrink_to_fit();
        index.records.shrink_to_fit();
        index.by_length.shrink_to_fit();
        index.titles.shrink_to_fit();
        index.title_ends.shrink_to_fit();
        index
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Item `i` (in document order).
    pub fn item(&self, i: usize) -> IndexedItem<'_> {
        let record = &self.records[i];
        IndexedItem {
            name: self.name(i),
            section: (record.section != NO_SECTION).then(|| self.title(record.section as usize)),
            state: record.state,
            top_level: record.top_level(),
            compared: record.compared(),
            start: record.start,
            end: record.end(),
            key_hash: record.key_hash,
        }
    }

    /// Every item, in document order.
    pub fn items(&self) -> impl ExactSizeIterator<Item = IndexedItem<'_>> + '_ {
        (0..self.len()).map(|i| self.item(i))
    }

    fn name_len(&self, i: usize) -> usize {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (self.ends[i] - start) as usize
    }

    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.names[start..self.ends[i] as usize]
    }

    fn title(&self, s: usize) -> &str {
        let start = if s == 0 {
            0
        } else {
            self.title_ends[s - 1] as usize
        };
        &self.titles[start..self.title_ends[s] as usize]
    }

    /// The hashes of the keys whose items differ between `old` and `new` (text, state,
    /// nesting or place): the keys whose cross-file diagnostics may have changed.
    pub fn changed_keys(old: Option<&FileIndex>, new: Option<&FileIndex>) -> Vec<u32> {
        let mut before: Vec<&Record> = old.map(|f| f.records.iter().collect()).unwrap_or_default();
        let mut after: Vec<&Record> = new.map(|f| f.records.iter().collect()).unwrap_or_default();
        let order = |a: &&Record, b: &&Record| a.order().cmp(&b.order());
        before.sort_unstable_by(order);
        after.sort_unstable_by(order);
        let (mut i, mut j) = (0, 0);
        let mut changed = Vec::new();
        while i < before.len() || j < after.len() {
            match (before.get(i), after.get(j)) {
                (Some(a), Some(b)) if a == b => {
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if order(a, b) == Ordering::Less => {
                    changed.push(a.key_hash);
                    i += 1;
                }
                (_, Some(b)) => {
                    changed.push(b.key_hash);
                    j += 1;
                }
                (Some(a), None) => {
                    changed.push(a.key_hash);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// The hashes of the items' keys, in document order.
    pub fn key_hashes(&self) -> impl Iterator<Item = u32> + '_ {
        self.records.iter().map(|r| r.key_hash)
    }

    /// True when one of the items has a key whose hash is in `keys`.
    pub fn has_any_key(&self, keys: &std::collections::HashSet<u32>) -> bool {
        self.records.iter().any(|r| keys.contains(&r.key_hash))
    }
}

/// An offset or index that fits in 32 bits: texts are bounded well below 4 GiB
/// ([`super::limits`]); past that it saturates rather than wraps.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The characters of a key as 32 bits: one per common ASCII letter, one for `j`, `q`, `x`
/// and `z` and one for `k` and `v`, one per digit from 0 to 7 and one for 8 and 9, and one
/// for anything else. Every character of a query must be in an item's key for the item to
/// match, so an item whose mask lacks one of the query's bits is skipped. Digits get most of
/// their own bits: item names are often told apart by numbers alone (versions, ids, dates).
fn char_mask(bytes: impl Iterator<Item = u8>) -> u32 {
    bytes.fold(0, |mask, b| mask | MASK_BITS[usize::from(b)])
}

/// [`char_mask`] of each byte.
static MASK_BITS: [u32; 256] = {
    let mut bits = [1 << 31; 256];
    bits[b' ' as usize] = 0;
    let mut next = 0;
    let mut b = b'a';
    while b <= b'z' {
        bits[b as usize] = match b {
            b'j' | b'q' | b'x' | b'z' => 1 << 20,
            b'k' | b'v' => 1 << 21,
            _ => {
                next += 1;
                1 << (next - 1)
            }
        };
        b += 1;
    }
    let mut d = b'0';
    while d <= b'9' {
        bits[d as usize] = 1 << (22 + if d > b'7' { 8 } else { d - b'0' });
        d += 1;
    }
    bits
};

/// A set of byte pairs, hashed into 4,096 bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Pairs(Box<[u64]>);

impl Pairs {
    fn new() -> Self {
        Self(vec![0; 64].into_boxed_slice())
    }

    fn bit(a: u8, b: u8) -> usize {
        ((u32::from(a) << 8 | u32::from(b)).wrapping_mul(0x9E37_79B9) >> 20) as usize
    }

    fn add(&mut self, bytes: impl Iterator<Item = u8>) {
        let mut previous = None;
        for b in bytes {
            if let Some(a) = previous {
                let bit = Self::bit(a, b);
                self.0[bit / 64] |= 1 << (bit % 64);
            }
            previous = Some(b);
        }
    }

    /// False when some pair of adjacent bytes of `needle` is surely absent.
    fn may_hold(&self, needle: &[u8]) -> bool {
        self.0.is_empty()
            || needle.windows(2).all(|w| {
                let bit = Self::bit(w[0], w[1]);
                self.0[bit / 64] & (1 << (bit % 64)) != 0
            })
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
pub trait OtherFiles: Sync {
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
    keys: KeyTable,
    /// The items of each key looked up so far, as [`Others::first_match`] orders them, by
    /// the key's hash and what was asked: each file of a workspace looks up the keys it
    /// shares, so a key in every file would otherwise be read whole from each. Emptied on
    /// every change.
    matches: Mutex<HashMap<(u32, u8), Vec<Matches>>>,
}

/// A key and its items, as [`WorkspaceIndex::matches`] keeps them.
type Matches = (Box<str>, Arc<[Place]>);

/// One compared item: the hash of its key, its file's id and its position in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    hash: u32,
    file: u32,
    position: u32,
}

/// Where the compared items of each key are: 12 bytes an item in one array sorted by hash,
/// plus the places of recently added files in a list chained by hash until they are a
/// sixteenth of it (a merge is linear, so adding files one by one stays n log n overall).
/// A removed file's places stay until the next merge; lookups skip them.
#[derive(Default)]
struct KeyTable {
    sorted: Vec<Place>,
    /// Where each run of hashes sharing their top [`Self::bits`] bits starts in `sorted`
    /// (one more entry than there are runs), so that a lookup searches a few places rather
    /// than the whole array: the array outgrows the caches, a lookup is made for every item.
    starts: Vec<u32>,
    bits: u32,
    /// Recent places, each with the index of the previous recent place of its hash
    /// ([`NONE`] for the first).
    recent: Vec<(Place, u32)>,
    /// The last recent place of each hash.
    recent_last: Map<u32, u32>,
    /// Places of removed files still in `sorted` or `recent`.
    dead: usize,
}

impl KeyTable {
    /// The places filed under `hash`, removed files' included.
    fn get(&self, hash: u32) -> impl Iterator<Item = &Place> + '_ {
        let run = self.run(hash);
        let start = run.start + self.sorted[run.clone()].partition_point(|p| p.hash < hash);
        let end = start + self.sorted[start..run.end].partition_point(|p| p.hash == hash);
        let mut next = self.recent_last.get(&hash).copied().unwrap_or(NONE);
        let chained = std::iter::from_fn(move || {
            let (place, previous) = self.recent.get(next as usize)?;
            next = *previous;
            Some(place)
        });
        self.sorted[start..end].iter().chain(chained)
    }

    fn add(&mut self, place: Place) {
        let at = offset(self.recent.len());
        let previous = self.recent_last.insert(place.hash, at).unwrap_or(NONE);
        self.recent.push((place, previous));
    }

    /// Merges the recent places into the sorted array, leaving out those of removed files,
    /// once they (or the dead ones) are a sixteenth of it.
    fn settle(&mut self, alive: impl Fn(u32) -> bool) {
        let threshold = (self.sorted.len() / 16).max(4096);
        if self.recent.len() < threshold && self.dead < threshold {
            return;
        }
        self.merge(Vec::new(), alive);
    }

    /// Merges the recent places and `added` into the sorted array, leaving out those of
    /// removed files.
    fn merge(&mut self, added: Vec<Place>, alive: impl Fn(u32) -> bool) {
        self.recent_last = Map::default();
        let mut recent: Vec<Place> = std::mem::take(&mut self.recent)
            .into_iter()
            .map(|(place, _)| place)
            .chain(added)
            .filter(|p| alive(p.file))
            .collect();
        recent.sort_unstable();
        // Merged in place from the back, into room made at the end, so the array is never
        // held twice (a large one grows where it is).
        self.sorted.retain(|p| alive(p.file));
        let (old_len, added) = (self.sorted.len(), recent.len());
        self.sorted.reserve_exact(added);
        self.sorted.resize(old_len + added, Place::default());
        let (mut i, mut j) = (old_len, added);
        for k in (0..old_len + added).rev() {
            if j > 0 && (i == 0 || recent[j - 1] > self.sorted[i - 1]) {
                self.sorted[k] = recent[j - 1];
                j -= 1;
            } else {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            }
        }
        self.sorted.shrink_to_fit();
        self.dead = 0;
        self.split_into_runs();
    }

    /// The part of `sorted` that holds the places of `hash`, if any.
    fn run(&self, hash: u32) -> std::ops::Range<usize> {
        if self.starts.is_empty() {
            return 0..self.sorted.len();
        }
        let bucket = (u64::from(hash) >> (32 - self.bits)) as usize;
        self.starts[bucket] as usize..self.starts[bucket + 1] as usize
    }

    /// Fills [`Self::starts`] for the sorted array: about four places per run, at most
    /// 2^16 runs (256 KiB).
    fn split_into_runs(&mut self) {
        let runs = (self.sorted.len() / 4)
            .next_power_of_two()
            .clamp(1, 1 << 16);
        self.bits = runs.trailing_zeros();
        self.starts.clear();
        if self.bits == 0 {
            self.starts.shrink_to_fit();
            return;
        }
        self.starts.reserve_exact(runs + 1);
        let mut at = 0;
        for bucket in 0..runs as u64 {
            while at < self.sorted.len()
                && u64::from(self.sorted[at].hash) >> (32 - self.bits) < bucket
            {
                at += 1;
            }
            self.starts.push(offset(at));
        }
        self.starts.push(offset(self.sorted.len()));
    }
}

/// The hash a key is filed under: 32 bits, as two keys with the same hash are told apart
/// by their text (a workspace of two million keys has a few hundred such pairs).
pub fn key_hash(key: &str) -> u32 {
    use std::hash::BuildHasher;
    let hash = foldhash::fast::FixedState::default().hash_one(key);
    // The high half: foldhash mixes it best.
    (hash >> 32) as u32
}

impl std::fmt::Debug for WorkspaceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceIndex")
            .field("files", &self.ids.len())
            .field("places", &(self.keys.sorted.len() + self.keys.recent.len()))
            .finish_non_exhaustive()
    }
}

impl WorkspaceIndex {
    /// Adds or replaces the file `name`; `label` is how messages name it.
    pub fn update(&mut self, name: &str, label: &str, index: FileIndex) {
        self.insert(name, label, index, KeyTable::add);
        self.settle();
    }

    /// Indexes many files, as [`Self::update`] one after another would, with their keys
    /// sorted into the lookup once rather than merged in file by file (`tickmark check`
    /// indexes every file before checking any).
    pub fn update_many<'a>(
        &mut self,
        files: impl IntoIterator<Item = (&'a str, &'a str, FileIndex)>,
    ) {
        let mut places = Vec::new();
        for (name, label, index) in files {
            // A name seen before replaces it: its places are left out at the merge.
            self.insert(name, label, index, |_, place| places.push(place));
        }
        self.changed();
        let files = &self.files;
        self.keys
            .merge(places, |file| files[file as usize].is_some());
    }

    /// Puts `index` under `name` (replacing what was there), handing the place of each of
    /// its compared items to `add`.
    fn insert(
        &mut self,
        name: &str,
        label: &str,
        index: FileIndex,
        mut add: impl FnMut(&mut KeyTable, Place),
    ) {
        self.remove(name);
        let id = self.files.len();
        let file = u32::try_from(id).expect("fewer than 4 billion files");
        for (position, record) in index.records.iter().enumerate() {
            if record.compared() {
                let place = Place {
                    hash: record.key_hash,
                    file,
                    position: offset(position),
                };
                add(&mut self.keys, place);
            }
        }
        self.files.push(Some(Entry {
            name: name.to_owned(),
            label: label.to_owned(),
            index,
        }));
        self.ids.insert(name.to_owned(), id);
    }

    /// Forgets the lookups made before a change.
    fn changed(&mut self) {
        self.matches
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// Drops the file `name`, if indexed.
    pub fn remove(&mut self, name: &str) {
        let Some(id) = self.ids.remove(name) else {
            return;
        };
        if let Some(entry) = self.files[id].take() {
            self.keys.dead += entry.index.records.iter().filter(|r| r.compared()).count();
            self.settle();
        }
    }

    fn settle(&mut self) {
        self.changed();
        let files = &self.files;
        self.keys.settle(|file| files[file as usize].is_some());
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
        self.first_match(key, top_level, task, false)
    }

    fn done_item(&self, key: &str, top_level: bool) -> Option<Elsewhere> {
        self.first_match(key, top_level, true, true)
    }
}

impl Others<'_> {
    /// The first item of another file under `key`: a top-level one (a task when `task`, a
    /// done one when `done`), or a nested one too when `top_level`; in the file whose name
    /// sorts first, then the first in that file, so the answer does not depend on the order
    /// files were indexed in.
    fn first_match(&self, key: &str, top_level: bool, task: bool, done: bool) -> Option<Elsewhere> {
        let hash = key_hash(key);
        let asked = u8::from(top_level) | (u8::from(task) << 1) | (u8::from(done) << 2);
        let lock = || {
            self.index
                .matches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let find = |known: &Vec<Matches>| {
            let (_, places) = known.iter().find(|(k, _)| &**k == key)?;
            Some(Arc::clone(places))
        };
        let known = lock().get(&(hash, asked)).and_then(find);
        let places = if let Some(places) = known {
            places
        } else {
            // Most items are alone under their hash: if it is this file's, there is nothing
            // elsewhere, and nothing worth keeping.
            let mut filed = self.index.keys.get(hash);
            match (filed.next(), filed.next()) {
                (None, _) => return None,
                (Some(p), None) if Some(p.file as usize) == self.this => return None,
                _ => {}
            }
            let places = self.places(hash, key, top_level, task, done);
            let mut matches = lock();
            let known = matches.entry((hash, asked)).or_default();
            if find(known).is_none() {
                known.push((key.into(), Arc::clone(&places)));
            }
            places
        };
        let place = places.iter().find(|p| Some(p.file as usize) != self.this)?;
        let entry = self.index.files[place.file as usize].as_ref()?;
        let item = entry.index.item(place.position as usize);
        Some(Elsewhere {
            file: entry.name.clone(),
            label: entry.label.clone(),
            start: item.start,
            end: item.end,
        })
    }

    /// Every item under `key` that [`Self::first_match`] accepts (in this file too), in its
    /// order.
    fn places(
        &self,
        hash: u32,
        key: &str,
        top_level: bool,
        task: bool,
        done: bool,
    ) -> Arc<[Place]> {
        let files = &self.index.files;
        let mut buffer = String::new();
        let mut places: Vec<(&str, LineCol, Place)> = self
            .index
            .keys
            .get(hash)
            .filter_map(|p| {
                let entry = files[p.file as usize].as_ref()?;
                let record = &entry.index.records[p.position as usize];
                let accepted = record.state.is_some() == task
                    && (record.top_level() || top_level)
                    && (!done || record.state == Some(State::Done));
                if !accepted {
                    return None;
                }
                // The hash narrowed the places down; the key itself decides.
                normalize_into(entry.index.name(p.position as usize), &mut buffer);
                (buffer == key).then_some((entry.name.as_str(), record.start, *p))
            })
            .collect();
        places.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        places.into_iter().map(|(_, _, p)| p).collect()
    }
}

/// A search hit's rank, best first: a match in one run before a scattered one, then the
/// shorter name, then by file and place.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    scattered: bool,
    length: usize,
    /// The file's place among the searched files ordered by name.
    file: u32,
    /// Which file (in the order given) and item, to read the hit back. Items are in
    /// document order, so within a file this orders hits by place without reading them.
    at: (usize, usize),
}

impl Rank {
    /// The rank's first three terms in one number, ordered as the rank: a match ranked worse
    /// by them is worse whatever its place in its file.
    fn coarse(&self) -> u64 {
        coarse(self.scattered, self.length, self.file)
    }
}

/// [`Rank::coarse`] of a match of a name `length` bytes long in the `file`th file by name.
fn coarse(scattered: bool, length: usize, file: u32) -> u64 {
    let length = u64::try_from(length).map_or(LONGEST, |l| l.min(LONGEST));
    (u64::from(scattered) << 63) | (length << 32) | u64::from(file)
}

/// The longest name length that [`coarse`] tells apart.
const LONGEST: u64 = (1 << 31) - 1;

/// The items of `files` that match `query`, best first, at most `limit`: every character
/// of the query (case folded, white space ignored) must appear in the item's normalised
/// text in order. Items containing the query as one run come before scattered matches, then
/// shorter texts, then by file and line. An empty query matches every item.
///
/// Only the best `limit` are kept as the items are read, so an item that could not rank
/// among them is skipped from its name's length alone, and one whose characters (or, for a
/// run, whose file's pairs of characters) lack some of the query's is never normalised.
pub fn search<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a FileIndex)>,
    query: &str,
    limit: usize,
) -> Vec<(&'a str, IndexedItem<'a>)> {
    if limit == 0 {
        return Vec::new();
    }
    let needle: String = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let files: Vec<(&'a str, &'a FileIndex)> = files.into_iter().collect();
    let items: usize = files.iter().map(|(_, index)| index.len()).sum();
    let threads = if items < PARALLEL_SEARCH_ITEMS {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    };
    search_on(&files, &needle, limit, threads)
}

/// [`search`] for `needle` (white space removed, lowercased) on `threads` threads: a large
/// workspace is read on every core, each thread keeping its own best, and the best of those
/// are the best of all.
fn search_on<'a>(
    files: &[(&'a str, &'a FileIndex)],
    needle: &str,
    limit: usize,
    threads: usize,
) -> Vec<(&'a str, IndexedItem<'a>)> {
    let mut by_name: Vec<usize> = (0..files.len()).collect();
    by_name.sort_unstable_by_key(|&f| files[f].0);
    let mut ranks = vec![0; files.len()];
    for (rank, &f) in by_name.iter().enumerate() {
        ranks[f] = offset(rank);
    }
    let ranks = &ranks;
    // Each thread reads every `threads`th file in name order, in that order: a match no
    // shorter than the worst of the best found so far is then turned down from its file
    // alone, and the threads share the files that hold the best matches.
    let bound = &AtomicU64::new(u64::MAX);
    let mut best: BinaryHeap<Rank> = if threads <= 1 {
        best_of(files, &by_name, ranks, needle, limit, bound)
    } else {
        let by_name = &by_name;
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|t| {
                    scope.spawn(move || {
                        let order: Vec<usize> =
                            by_name.iter().skip(t).step_by(threads).copied().collect();
                        best_of(files, &order, ranks, needle, limit, bound)
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap_or_default())
                .collect()
        })
    };
    while best.len() > limit {
        best.pop();
    }
    best.into_sorted_vec()
        .into_iter()
        .map(|rank| {
            let (file, index) = files[rank.at.0];
            (file, index.item(rank.at.1))
        })
        .collect()
}

/// Workspaces of more items than this are searched on every core.
const PARALLEL_SEARCH_ITEMS: usize = 200_000;

/// The best `limit` matches of `needle` (white space removed, lowercased) among `files`,
/// whose first is the `first`th file of the search; `ranks` orders the files by name.
/// `bound` is shared by the threads of one search (see [`Search::bound`]).
fn best_of(
    files: &[(&str, &FileIndex)],
    order: &[usize],
    ranks: &[u32],
    needle: &str,
    limit: usize,
    bound: &AtomicU64,
) -> BinaryHeap<Rank> {
    let mut search = Search {
        finder: memchr::memmem::Finder::new(needle.as_bytes()),
        needle,
        needle_mask: char_mask(needle.bytes()),
        limit,
        best: BinaryHeap::with_capacity(limit + 1),
        bound,
        published: u64::MAX,
        key: Vec::new(),
    };
    let runs: Vec<bool> = order
        .iter()
        .map(|&f| files[f].1.pairs.may_hold(needle.as_bytes()))
        .collect();
    // Short names first, and the files that may hold the query in one run before the others:
    // the best are usually among them, and once some `limit` matches are found, a file's
    // longer names are left unread (each file is read shortest first, from where the last
    // band stopped).
    // What is left of each file is kept here, side by side, so that a pass over the files
    // touches only those with names left to read in its band.
    let mut left = vec![Left::default(); order.len()];
    for in_one_run in [true, false] {
        for lengths in BANDS {
            for (n, &f) in order.iter().enumerate() {
                if runs[n] != in_one_run {
                    continue;
                }
                if let Some(next) = left[n].next {
                    if next == usize::MAX
                        || next > *lengths.end()
                        || coarse(!runs[n], next, ranks[f]) > search.bound.load(Relaxed)
                    {
                        continue;
                    }
                }
                left[n] = search.file(files[f].1, f, ranks[f], runs[n], &lengths, left[n].read);
            }
        }
    }
    search.best
}

/// What a search has left to read of a file.
#[derive(Debug, Clone, Copy, Default)]
struct Left {
    /// How many of its items by length are read.
    read: usize,
    /// The length of the next name to read (`usize::MAX` when none is left); `None` before
    /// the file is first read and for a file not ordered by length.
    next: Option<usize>,
}

/// The lengths of names read in each pass of a search.
const BANDS: [std::ops::RangeInclusive<usize>; 4] = [0..=16, 17..=32, 33..=64, 65..=usize::MAX];

/// One thread's search: the query and the best matches kept so far.
struct Search<'n> {
    finder: memchr::memmem::Finder<'n>,
    needle: &'n str,
    needle_mask: u32,
    limit: usize,
    best: BinaryHeap<Rank>,
    /// The coarse rank ([`Rank::coarse`]) of the worst of the best `limit` that some thread
    /// of this search has found. Any `limit` matches bound the answer, so a match ranked
    /// worse than this one cannot be in it, whichever thread holds it: a thread whose files
    /// have only long names prunes them from the other threads' short ones.
    bound: &'n AtomicU64,
    /// What this thread last wrote to `bound`.
    published: u64,
    /// A buffer for an item's key without its spaces.
    key: Vec<u8>,
}

impl Search<'_> {
    /// Reads the items of `index` (the search's `at`th file, `rank`th by name) whose names'
    /// lengths are in `lengths`, from its `read`th item by length on; `runs` when the file
    /// may hold the query in one run. Returns what is left of the file once this band is
    /// read.
    fn file(
        &mut self,
        index: &FileIndex,
        at: usize,
        rank: u32,
        runs: bool,
        lengths: &std::ops::RangeInclusive<usize>,
        read: usize,
    ) -> Left {
        let scattered = !runs;
        if !index.ordered {
            // Too many items to be ordered: read in document order, every band.
            for (i, sorted) in index.by_length.iter().enumerate() {
                if sorted.mask & self.needle_mask != self.needle_mask {
                    continue;
                }
                let length = index.name_len(i);
                if lengths.contains(&length)
                    && coarse(scattered, length, rank) <= self.bound.load(Relaxed)
                {
                    self.item(index, i, length, at, rank, runs);
                }
            }
            return Left::default();
        }
        let mut j = read;
        while let Some(sorted) = index.by_length.get(j) {
            // Capped at `u16::MAX`, which is no more than the real length.
            let at_least = usize::from(sorted.length);
            if at_least > *lengths.end() {
                return Left {
                    read: j,
                    next: Some(at_least),
                };
            }
            if coarse(scattered, at_least, rank) > self.bound.load(Relaxed) {
                // Every name left is as long or longer.
                break;
            }
            if sorted.mask & self.needle_mask == self.needle_mask {
                let i = usize::from(sorted.item);
                let length = if sorted.length == u16::MAX {
                    index.name_len(i)
                } else {
                    at_least
                };
                self.item(index, i, length, at, rank, runs);
            }
            j += 1;
        }
        Left {
            read: index.by_length.len(),
            next: Some(usize::MAX),
        }
    }

    /// Reads item `i` of `index`, whose name is `length` bytes long (see [`Search::file`]),
    /// unless its rank is already beaten.
    fn item(
        &mut self,
        index: &FileIndex,
        i: usize,
        length: usize,
        at: usize,
        rank: u32,
        runs: bool,
    ) {
        let scattered = !runs;
        let could = Rank {
            scattered,
            length,
            file: rank,
            at: (at, i),
        };
        if self.best.len() == self.limit && self.best.peek().is_some_and(|worst| *worst <= could) {
            return;
        }
        // A key holds its name's characters in order (lowercased, some left out), so
        // an ASCII name that does not hold the query in order has no key that does.
        let name = index.name(i);
        if name.is_ascii() && !is_subsequence_folded(self.needle.as_bytes(), name.as_bytes()) {
            return;
        }
        self.key.clear();
        push_key(name, &mut self.key);
        self.key.retain(|&b| b != b' ');
        let run = runs && self.finder.find(&self.key).is_some();
        if !run && !is_subsequence(self.needle, &self.key) {
            return;
        }
        self.best.push(Rank {
            scattered: !run,
            ..could
        });
        if self.best.len() > self.limit {
            self.best.pop();
        }
        if self.best.len() == self.limit {
            // Written only when it tightens, so that threads rarely share a write.
            let worst = self.best.peek().map_or(u64::MAX, Rank::coarse);
            if worst < self.published {
                self.published = worst;
                self.bound.fetch_min(worst, Relaxed);
            }
        }
    }
}

/// True when every byte of `needle` (lowercase) appears in `haystack` in order, ASCII case
/// folded.
fn is_subsequence_folded(needle: &[u8], haystack: &[u8]) -> bool {
    let mut rest = haystack.iter();
    needle
        .iter()
        .all(|&c| rest.any(|h| h.to_ascii_lowercase() == c))
}

/// True when every character of `needle` appears in `haystack` in order. An ASCII needle is
/// compared byte by byte: in UTF-8 an ASCII byte is only ever that character.
fn is_subsequence(needle: &str, haystack: &[u8]) -> bool {
    if needle.is_ascii() {
        let mut rest = haystack.iter();
        return needle.bytes().all(|c| rest.any(|&h| h == c));
    }
    // A key is UTF-8: the lossy reading borrows it.
    let text = String::from_utf8_lossy(haystack);
    let mut chars = text.chars();
    needle.chars().all(|c| chars.any(|h| h == c))
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
        let file = index(text);
        let items: Vec<IndexedItem> = file.items().collect();
        let names: Vec<&str> = items.iter().map(|i| i.name).collect();
        assert_eq!(
            names,
            ["[P0] **Rate limiting** 🚀", "Buckets", "Plain thing"]
        );
        assert_eq!(items[0].key(), "rate limiting");
        assert_eq!(items[0].key_hash, key_hash("rate limiting"));
        assert_eq!(items[0].section, Some("🔴 Now"));
        assert_eq!(items[2].section, Some("🔴 Now"));
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
    fn every_file_sharing_a_key_gets_its_own_answer_from_one_lookup() {
        // The items of a key are gathered once per change and shared by every file that
        // asks; each still gets the first file other than itself, and each kind of question
        // its own answer.
        let mut ws = WorkspaceIndex::default();
        for n in 0..40 {
            let state = if n == 25 { 'x' } else { ' ' };
            let text = format!("- [{state}] Shared\n- Area\n  - [ ] Shared\n");
            let name = format!("{n:02}.md");
            ws.update(&name, &name, index(&text));
        }
        for n in 0..40 {
            let name = format!("{n:02}.md");
            let others = ws.others(&name);
            let first = if n == 0 { "01.md" } else { "00.md" };
            assert_eq!(others.same_item("shared", true, true).unwrap().file, first);
            let nested = others.same_item("shared", true, true).unwrap();
            assert_eq!((nested.file.as_str(), nested.start.line), (first, 0));
            assert_eq!(
                others.same_item("shared", false, true).unwrap().start.line,
                0
            );
            let done = others.done_item("shared", true).map(|hit| hit.file);
            assert_eq!(done.as_deref(), (n != 25).then_some("25.md"));
        }
        // A key held by one file alone, once or twice, is nowhere else.
        ws.update(
            "solo.md",
            "solo.md",
            index("- [x] Once\n- [x] Twice\n- [x] Twice\n"),
        );
        let solo = ws.others("solo.md");
        assert_eq!(solo.same_item("once", true, true), None);
        assert_eq!(solo.done_item("twice", true), None);
        assert_eq!(
            ws.others("00.md").done_item("twice", true).unwrap().file,
            "solo.md"
        );
        // A change is seen at once by every file.
        ws.update("25.md", "25.md", index("- [ ] Shared\n"));
        ws.update("30.md", "30.md", index("- [x] Shared\n"));
        let done = ws.others("00.md").done_item("shared", true).unwrap();
        assert_eq!(done.file, "30.md");
    }

    #[test]
    fn many_files_indexed_at_once_are_looked_up_as_one_by_one() {
        let texts = [
            ("a.md", "- [ ] Alpha\n- [ ] Beta\n  - [ ] Sub\n"),
            ("b.md", "- [x] Alpha\n- [ ] Gamma\n"),
            ("c.md", "# T\n- [ ] Beta\n- [ ] Delta\n"),
            // Indexed again under the same name: the later one counts.
            ("b.md", "- [ ] Gamma\n- [ ] Epsilon\n"),
            ("d.md", "- [ ] Delta\n- Alpha\n"),
        ];
        let mut one_by_one = WorkspaceIndex::default();
        for (name, text) in texts {
            one_by_one.update(name, name, index(text));
        }
        let mut at_once = WorkspaceIndex::default();
        // Some files indexed before, as `check` never does but the server might.
        at_once.update("c.md", "c.md", index("- [ ] Old\n"));
        at_once.update_many(texts.iter().map(|&(name, text)| (name, name, index(text))));
        assert_eq!(at_once.len(), one_by_one.len());
        let mut found = 0;
        for name in ["a.md", "b.md", "c.md", "d.md"] {
            for key in ["alpha", "beta", "gamma", "delta", "epsilon", "sub", "old"] {
                for (top_level, task) in [(true, true), (false, true), (true, false)] {
                    let want = one_by_one.others(name).same_item(key, top_level, task);
                    let got = at_once.others(name).same_item(key, top_level, task);
                    found += usize::from(want.is_some());
                    assert_eq!(got, want, "{name} {key} {top_level} {task}");
                }
            }
        }
        assert!(found > 10, "the lookups find items ({found})");
        assert_eq!(at_once.others("a.md").same_item("old", true, true), None);
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
                .map(|(_, i)| i.name.to_owned())
                .collect()
        };
        assert_eq!(names("rate lim"), ["Rate limits", "Add rate limiting"]);
        assert_eq!(names("RTK"), ["Rotate keys"]);
        assert_eq!(names("readme"), ["Write the README"]);
        assert_eq!(names("zzz"), Vec::<String>::new());
        assert_eq!(search(files, "", 2).len(), 2);
        assert_eq!(search(files, "", 10).len(), 4);
    }

    /// Files of generated tasks, some keys shared between files, some nested.
    fn generated(files: usize) -> Vec<(String, String)> {
        (0..files)
            .map(|f| {
                let mut text = format!("# File {f}\n\n## Area {}\n", f % 7);
                for i in 0..20 {
                    let state = if (f + i) % 3 == 0 { 'x' } else { ' ' };
                    let _ = std::fmt::Write::write_fmt(
                        &mut text,
                        format_args!(
                            "- [{state}] Task {} of **area** {}\n  - [ ] Step {}\n",
                            (f * 7 + i) % 97,
                            i % 5,
                            i % 4
                        ),
                    );
                }
                // Names in each of a search's length bands.
                let _ = std::fmt::Write::write_fmt(
                    &mut text,
                    format_args!(
                        "- [ ] Medium task {} with a few more words\n- [ ] A much longer task {} that goes well past a search's second band\n",
                        f % 11,
                        f % 13
                    ),
                );
                (format!("{f:03}.md"), text)
            })
            .collect()
    }

    /// What [`OtherFiles::same_item`] must answer, read off `every` item (file, item, key).
    fn same_item_by_reading(
        every: &[(&str, IndexedItem<'_>, String)],
        from: &str,
        key: &str,
        top_level: bool,
    ) -> Option<(String, LineCol)> {
        every
            .iter()
            .filter(|(name, item, k)| {
                *name != from
                    && item.compared
                    && item.state.is_some()
                    && (item.top_level || top_level)
                    && k == key
            })
            .map(|(name, item, _)| ((*name).to_owned(), item.start))
            .min()
    }

    #[test]
    fn lookups_stay_exact_across_merges_removals_and_replacements() {
        let texts = generated(400);
        let mut files: Vec<(String, FileIndex)> =
            texts.iter().map(|(n, t)| (n.clone(), index(t))).collect();
        let mut ws = WorkspaceIndex::default();
        // Scrambled order; 400 files of 40 compared items go past the merge threshold.
        for k in 0..files.len() {
            let (name, file) = &files[(k * 151) % files.len()];
            ws.update(name, name, file.clone());
        }
        // Some files removed, some replaced by another's text.
        for k in (0..files.len()).step_by(9) {
            ws.remove(&files[k].0);
        }
        files = files
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % 9 != 0)
            .map(|(_, f)| f)
            .collect();
        for k in (0..files.len()).step_by(5) {
            let replacement = index(&texts[(k + 13) % texts.len()].1);
            ws.update(&files[k].0, &files[k].0, replacement.clone());
            files[k].1 = replacement;
        }
        assert!(!ws.keys.sorted.is_empty(), "the places were merged");
        let every: Vec<(&str, IndexedItem<'_>, String)> = files
            .iter()
            .flat_map(|(name, f)| f.items().map(move |i| (name.as_str(), i, i.key())))
            .collect();
        for from in ["001.md", "050.md", "399.md", "not-indexed.md"] {
            for n in (0..97).step_by(4) {
                for key in [
                    format!("task {n} of area {}", n % 5),
                    format!("step {}", n % 4),
                ] {
                    for top_level in [true, false] {
                        let got = ws
                            .others(from)
                            .same_item(&key, top_level, true)
                            .map(|e| (e.file, e.start));
                        assert_eq!(
                            got,
                            same_item_by_reading(&every, from, &key, top_level),
                            "{from} {key} {top_level}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_character_mask_tells_digits_apart() {
        let digits: Vec<u32> = (b'0'..=b'9').map(|d| char_mask([d].into_iter())).collect();
        for (a, &x) in digits.iter().enumerate() {
            assert_eq!(x.count_ones(), 1);
            for (b, &y) in digits.iter().enumerate().skip(a + 1) {
                assert_eq!(x == y, (a, b) == (8, 9), "{a} and {b}");
            }
        }
        assert_eq!(char_mask("a b".bytes()), char_mask("ab".bytes()));
        assert_eq!(char_mask("é".bytes()), char_mask(".".bytes()));
        // Every byte but a space sets one bit, and all 32 bits are used.
        let all = (0..=255u8).filter(|&b| b != b' ').fold(0, |m, b| {
            let bit = char_mask([b].into_iter());
            assert_eq!(bit.count_ones(), 1, "{b}");
            m | bit
        });
        assert_eq!(all, u32::MAX);
        assert_ne!(
            char_mask("v2.3".bytes()) & !char_mask("v2.4 release".bytes()),
            0
        );
    }

    #[test]
    fn search_keeps_the_best_as_reading_every_item_would() {
        let mut texts = generated(60);
        // A file of more items than are ordered by length.
        let mut bulk = String::new();
        for n in 0..70_000 {
            let _ = std::fmt::Write::write_fmt(
                &mut bulk,
                format_args!("- [ ] Task {} bulk {n}\n", n % 97),
            );
        }
        texts.push(("bulk.md".to_string(), bulk));
        // Names longer than a `u16` counts, told apart by their real lengths.
        let long = format!(
            "- [ ] Task 3 {}\n- [ ] Task 3 {}\n- [ ] Task 3 area\n",
            "z".repeat(70_001),
            "z".repeat(70_000)
        );
        texts.push(("long.md".to_string(), long));
        let files: Vec<(String, FileIndex)> =
            texts.iter().map(|(n, t)| (n.clone(), index(t))).collect();
        let listed = || files.iter().map(|(n, f)| (n.as_str(), f));
        for query in [
            "task 1",
            "tsk 9",
            "step 3",
            "area",
            "",
            "s3",
            "zz",
            "task 42 of area 2",
        ] {
            let needle: String = query.chars().filter(|c| !c.is_whitespace()).collect();
            let mut every: Vec<(bool, usize, &str, LineCol)> = listed()
                .flat_map(|(name, f)| f.items().map(move |i| (name, i)))
                .filter_map(|(name, item)| {
                    let compact: String = item.key().chars().filter(|c| *c != ' ').collect();
                    let run = compact.contains(&needle);
                    (run || is_subsequence(&needle, compact.as_bytes())).then_some((
                        !run,
                        item.name.len(),
                        name,
                        item.start,
                    ))
                })
                .collect();
            every.sort();
            for limit in [1, 7, 50, 5000] {
                let got: Vec<(bool, usize, &str, LineCol)> = search(listed(), query, limit)
                    .into_iter()
                    .map(|(name, item)| {
                        let compact: String = item.key().chars().filter(|c| *c != ' ').collect();
                        (
                            !compact.contains(&needle),
                            item.name.len(),
                            name,
                            item.start,
                        )
                    })
                    .collect();
                let want: Vec<_> = every.iter().take(limit).copied().collect();
                assert_eq!(got, want, "{query:?} limit {limit}");
                // Read on three threads, the answer is the same.
                let files: Vec<(&str, &FileIndex)> = listed().collect();
                let compact: String = needle.to_lowercase();
                let threaded: Vec<(&str, LineCol)> = search_on(&files, &compact, limit, 3)
                    .into_iter()
                    .map(|(name, item)| (name, item.start))
                    .collect();
                let want: Vec<(&str, LineCol)> = want.iter().map(|w| (w.2, w.3)).collect();
                assert_eq!(threaded, want, "{query:?} limit {limit} on three threads");
            }
        }
    }

    #[test]
    fn changed_keys_are_those_whose_items_differ() {
        let old = index("- [ ] Alpha\n- [ ] Beta\n- [x] Gamma\n");
        let new = index("- [ ] Alpha\n- [x] Beta\n- [x] Gamma\n- [ ] Delta\n");
        let mut want = vec![key_hash("beta"), key_hash("delta")];
        want.sort_unstable();
        assert_eq!(FileIndex::changed_keys(Some(&old), Some(&new)), want);
        // A line moved changes its place.
        let moved = index("\n- [ ] Alpha\n");
        assert!(
            FileIndex::changed_keys(Some(&index("- [ ] Alpha\n")), Some(&moved))
                .contains(&key_hash("alpha"))
        );
        assert_eq!(
            FileIndex::changed_keys(Some(&old), Some(&old)),
            Vec::<u32>::new()
        );
        assert_eq!(FileIndex::changed_keys(Some(&old), None).len(), 3);
    }

    #[test]
    fn a_non_ascii_query_matches_characters_not_bytes() {
        // `é` is C3 A9; `Ã©` holds both bytes in order, in two characters.
        assert!(!is_subsequence("é", "ã©".as_bytes()));
        assert!(is_subsequence("é", "caf-é".as_bytes()));
        let file = index("- [ ] Café menu\n- [ ] Ã© mojibake\n");
        let hits: Vec<&str> = search([("a.md", &file)], "é", 10)
            .into_iter()
            .map(|(_, i)| i.name)
            .collect();
        assert_eq!(hits, ["Café menu"]);
    }

    #[test]
    fn two_keys_with_one_hash_are_told_apart() {
        // Two keys whose 32-bit hashes collide, found by trying (about 2^16 keys suffice).
        let mut seen = HashMap::new();
        let (a, b) = (0u32..)
            .find_map(|n| {
                let key = format!("task {n}");
                seen.insert(key_hash(&key), key.clone())
                    .map(|earlier| (earlier, key))
            })
            .unwrap();
        assert_eq!(key_hash(&a), key_hash(&b));
        let mut ws = WorkspaceIndex::default();
        ws.update("a.md", "a.md", index(&format!("- [ ] {a}\n")));
        ws.update("b.md", "b.md", index(&format!("- [x] {b}\n")));
        let from = ws.others("c.md");
        assert_eq!(from.same_item(&a, true, true).unwrap().file, "a.md");
        assert_eq!(from.same_item(&b, true, true).unwrap().file, "b.md");
        assert_eq!(ws.others("a.md").same_item(&a, true, true), None);
        assert_eq!(ws.others("a.md").done_item(&a, true), None);
    }

    #[test]
    fn an_item_costs_what_the_layout_says() {
        // Two million items in a workspace of 100 MB: each byte here is 2 MB there.
        assert_eq!(std::mem::size_of::<Record>(), 24);
        assert_eq!(std::mem::size_of::<Place>(), 12);
        // An end lines below the start is kept.
        let record = Record {
            key_hash: 0,
            start: LineCol { line: 7, col: 4 },
            end_col: 9,
            section: NO_SECTION,
            end_lines: 2,
            state: None,
            flags: TOP_LEVEL,
        };
        assert_eq!(record.end(), LineCol { line: 9, col: 9 });
        assert!(record.top_level() && !record.compared());
    }
}
