//! Following items from one version of a roadmap to the next.
//!
//! Each version is read with the engine's own parser ([`analysis::parse`]) into a list of
//! [`Snap`]s, one per item (fields and legend entries excluded); an item's text is its whole
//! first paragraph, so a reflow changes nothing. Two consecutive versions are paired in
//! passes over what is still unpaired: an unchanged line (histogram diff on interned lines),
//! equal normalised text (same hunk, then anywhere: a move), within each hunk the assignment
//! with the best total similarity (bare URLs left out), then the most similar remaining
//! texts anywhere (across hunks only when most of their words are shared too). Field lines
//! (`- Name: value`) are followed as well, paired only by an unchanged line or equal text, so
//! a field that becomes a task keeps the day its line appeared. An added item whose text equals a removed lineage's is re-added on that
//! lineage and never paired by similarity. Each pair yields its events (box, priority, text,
//! section, where [`Sections`] says what a move is); what is left is removed or added.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;
use std::sync::Arc;

use imara_diff::{Algorithm, Diff, Token};

use crate::analysis::{self, normalize::normalize, BoxStates, ItemKind, Level, State};

use super::{Change, Event};

/// The lowest bigram similarity at which pass 3 pairs an in-place rewrite (a hunk replacing
/// as many item lines as it removes, at most [`IN_PLACE_MAX_LINES`]).
pub const IN_PLACE_SIMILARITY: f64 = 0.3;
/// The lowest bigram similarity at which pass 4 pairs two remaining items anywhere.
pub const SIMILAR_TEXT: f64 = 0.5;
/// The lowest word similarity at which pass 4 pairs two items of different hunks (on top of
/// [`SIMILAR_TEXT`]).
pub const SIMILAR_WORDS: f64 = 0.5;
/// The lowest word similarity at which two items of different hunks that both link, each
/// somewhere else, pair (pass 4): "[Grokking Algorithms](amazon…)" and "[Algorithms
/// I](youtube…)" are two resources. A text moved, reworded and relinked at once must keep
/// most of its words; in its own hunk, more than [`SIMILAR_WORDS`].
pub const RELINKED_WORDS: f64 = 0.75;
/// Hunks larger than this are not paired in place.
pub const IN_PLACE_MAX_LINES: usize = 4;
/// Out of place, how much more of its words a new item must share with the old item it
/// continues than with any other old item of its hunk.
pub const WORDS_MARGIN: f64 = 0.05;
/// Pass 4 scores every remaining pair up to this many, else only pairs within one hunk.
const MAX_SCORED_PAIRS: usize = 20_000;

/// Index into [`Tracker::lineages`].
pub type LineageId = usize;

/// Strings seen in any version, each stored once.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    ids: HashMap<Arc<str>, u32>,
    strings: Vec<Arc<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        let shared: Arc<str> = Arc::from(s);
        self.strings.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    pub fn get(&self, id: u32) -> &Arc<str> {
        &self.strings[id as usize]
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// The id of a string already interned.
    pub fn id_of(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// Every string, by id.
    pub fn strings(&self) -> &[Arc<str>] {
        &self.strings
    }

    /// An interner holding `strings` under their positions (as [`Interner::strings`] gave
    /// them), or `None` when two are equal (each string is stored once).
    pub fn from_strings(strings: Vec<Arc<str>>) -> Option<Self> {
        let mut ids = HashMap::with_capacity(strings.len());
        for (id, s) in strings.iter().enumerate() {
            if ids.insert(s.clone(), u32::try_from(id).ok()?).is_some() {
                return None;
            }
        }
        Some(Self { ids, strings })
    }
}

/// One item of one version, as borrowed from that version's text.
#[derive(Debug, Clone)]
pub struct RawItem<'a> {
    pub line: usize,
    /// The whole first line of the item, indentation and marker included.
    pub raw: &'a str,
    /// The item text after marker and box: its whole first paragraph, lines joined by a
    /// space, so that reflowing a long item does not change it.
    pub text: Cow<'a, str>,
    pub state: Option<State>,
    pub priority: Option<Level>,
    /// The name of the item's section: its nearest heading above, unless that heading is
    /// inside a list item that does not hold the item (then the section holding it); for a
    /// line that is a heading itself (`- ### Tries`), the section holding that heading.
    pub section: Option<Cow<'a, str>>,
    /// When the item's section is a heading inside a list (`- ### Tries`) or a setext
    /// heading: the name of the nearest `#` heading at column 0 above it, the section that
    /// holds that block. `None` when the item's section is itself such a heading.
    pub outer: Option<Cow<'a, str>>,
    /// A field (`- Name: value`), not an item: followed only so that a field that becomes a
    /// task (`- Video: url` checked as `- [x] Video: url`) keeps the day its line appeared.
    pub field: bool,
}

/// Reads the items of one version. `text` must already use `\n` line ends.
pub fn extract(text: &str) -> Vec<RawItem<'_>> {
    let document = analysis::parse::parse(text, &BoxStates::default());
    let mut items = Vec::with_capacity(document.items.len());
    // The `#` headings at column 0 (where [`chunks`] cuts a version): (line, section).
    let outers: Vec<(usize, usize)> = document
        .sections
        .iter()
        .enumerate()
        .filter(|(_, section)| {
            document
                .line_index
                .line_range(text, section.line)
                .is_some_and(|range| is_atx_heading(&text[range.as_range()]))
        })
        .map(|(id, section)| (section.line, id))
        .collect();
    // Where each heading inside a list item ends: the end of the innermost item on its line.
    let scopes: Vec<Option<usize>> = document
        .sections
        .iter()
        .map(|section| {
            let at = document.items.partition_point(|i| i.line < section.line);
            document.items[at..]
                .iter()
                .take_while(|i| i.line == section.line)
                .last()
                .map(|i| i.range.end)
        })
        .collect();
    for item in &document.items {
        if item.is_legend {
            continue;
        }
        let line_text = |line: usize| {
            document
                .line_index
                .line_range(text, line)
                .map(|range| (range.start, &text[range.as_range()]))
        };
        let raw = line_text(item.line).map_or("", |(_, line)| line).trim_end();
        // The nearest `#` heading at column 0 above the item.
        let top = outers[..outers.partition_point(|&(line, _)| line <= item.line)]
            .last()
            .map(|&(_, id)| id);
        // The section that holds section `id`: its parent, or `top` when that starts above
        // `top` (where [`chunks`] would cut).
        let holder = |id: usize| {
            document.sections[id]
                .parent
                .filter(|&parent| {
                    top.is_none_or(|top| {
                        document.sections[parent].line >= document.sections[top].line
                    })
                })
                .or(top)
                .filter(|&holder| holder != id)
        };
        // A line that is a heading (`- ### Tries`) is in the section that holds that heading,
        // not in the one before it.
        let next = item.section().map_or(0, |id| id + 1);
        let own_heading = document
            .sections
            .get(next)
            .is_some_and(|heading| heading.line == item.line)
            .then_some(next);
        let mut section_id = match own_heading {
            Some(heading) => holder(heading),
            None => item.section(),
        };
        // A heading inside a list item heads that item alone: a later item is in the section
        // that holds it.
        while let Some(id) = section_id {
            match scopes[id] {
                Some(end) if item.range.start >= end => section_id = holder(id),
                _ => break,
            }
        }
        let name = |id: usize| section_name(&text[document.sections[id].title.as_range()]);
        let section = section_id.map(name);
        let outer = match (section_id, top) {
            (Some(own), Some(top)) if own != top => Some(name(top)),
            _ => None,
        };
        let mut own = Cow::Borrowed(text[item.text.as_range()].trim());
        let mut next = item.line + 1;
        while let Some((start, line)) = line_text(next) {
            if start >= item.range.end || !continues_paragraph(line) {
                break;
            }
            let own = own.to_mut();
            if !own.is_empty() {
                own.push(' ');
            }
            own.push_str(line.trim());
            next += 1;
        }
        items.push(RawItem {
            line: item.line,
            raw,
            text: own,
            state: item.state(),
            priority: document.tags_of(item).first().map(|tag| tag.level),
            section,
            outer,
            field: item.kind == ItemKind::Field,
        });
    }
    items
}

/// Whether `line`, inside a list item, continues the item's first paragraph: not blank and
/// starting no other block (a nested item, heading, fence, quote, table or HTML).
fn continues_paragraph(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return false;
    }
    if let Some(len) = analysis::parse::marker_len(trimmed) {
        if trimmed[len..].is_empty() || trimmed[len..].starts_with([' ', '\t']) {
            return false;
        }
    }
    !(trimmed.starts_with(['#', '>', '|', '<'])
        || trimmed.starts_with("```")
        || trimmed.starts_with("~~~"))
}

/// A section's name as shown: without the heading's `#` marks or a list marker left in it,
/// and a link as its text (`[Version 0.3](https://…)` is `Version 0.3`).
fn section_name(title: &str) -> Cow<'_, str> {
    let mut name = title.trim();
    loop {
        let before = name;
        let hashes = name.len() - name.trim_start_matches('#').len();
        if hashes > 0 && name[hashes..].starts_with([' ', '\t']) {
            name = name[hashes..].trim_start();
        }
        if let Some(len) = analysis::parse::marker_len(name) {
            if name[len..].starts_with([' ', '\t']) && name.starts_with(['-', '*', '+']) {
                name = name[len..].trim_start();
            }
        }
        if name == before {
            break;
        }
    }
    if name.is_empty() {
        return Cow::Borrowed(title.trim());
    }
    if !name.contains("](") {
        return Cow::Borrowed(name);
    }
    // `[text](destination)` → `text`, everything else as written.
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let tail = &after[close + 2..];
            tail.find(')').map(|end| (close, close + 2 + end + 1))
        });
        match link {
            Some((close, end)) if !after[..close].contains('[') => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Parsed pieces of versions, by text: a version is cut before each ATX heading at column 0
/// (a block boundary in CommonMark outside fences and HTML blocks), and a piece seen in an
/// earlier version is not parsed again. Most commits change one or two sections, so most of
/// each version comes from here.
#[derive(Debug, Clone, Default)]
pub struct ChunkMemo {
    chunks: HashMap<Box<str>, Arc<[Snap]>>,
}

impl ChunkMemo {
    fn get(&self, piece: &str) -> Option<Arc<[Snap]>> {
        self.chunks.get(piece).cloned()
    }

    fn insert(&mut self, piece: &str, snaps: Arc<[Snap]>) {
        self.chunks.insert(piece.into(), snaps);
    }
}

/// Cuts `text` into (first line, piece) before each heading, or `None` when the document has
/// something a cut could split (a fence, an HTML block, front matter): parse it whole then.
pub fn chunks(text: &str) -> Option<Vec<(usize, &str)>> {
    if text.starts_with("---") {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_line = 0;
    let mut offset = 0;
    // Inside a fence opened at column 0: its character and length.
    let mut fence: Option<(u8, usize)> = None;
    // Inside an HTML block: what ends it (`None`: a blank line).
    let mut html: Option<Option<&'static str>> = None;
    for (line_number, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let body = trimmed.trim_end();
        if let Some((ch, len)) = fence {
            let run = body.bytes().take_while(|&b| b == ch).count();
            if indent <= 3 && run >= len && body[run..].trim().is_empty() {
                fence = None;
            }
        } else if let Some(end) = html {
            let ended = match end {
                None => body.is_empty(),
                Some(marker) => line.to_ascii_lowercase().contains(marker),
            };
            if ended {
                html = None;
            }
        } else if indent <= 3 && (body.starts_with("```") || body.starts_with("~~~")) {
            // A fence indented 1–3 spaces may sit in a list item that a heading closes:
            // where it ends is not known without parsing.
            if indent > 0 {
                return None;
            }
            let ch = body.as_bytes()[0];
            fence = Some((ch, body.bytes().take_while(|&b| b == ch).count()));
        } else if indent <= 3 && body.starts_with('<') {
            let end = html_block_end(body);
            let closes_here = end.is_some_and(|marker| {
                line.to_ascii_lowercase()
                    .get(indent + 1..)
                    .is_some_and(|rest| rest.contains(marker))
            });
            if !closes_here {
                html = Some(end);
            }
        } else if is_atx_heading(line) && offset > start {
            out.push((start_line, &text[start..offset]));
            start = offset;
            start_line = line_number;
        }
        offset += line.len();
    }
    out.push((start_line, &text[start..]));
    Some(out)
}

/// What ends an HTML block that starts with `line` (CommonMark's seven kinds): a marker, or
/// `None` for a blank line.
fn html_block_end(line: &str) -> Option<&'static str> {
    let lower = line.to_ascii_lowercase();
    for (tag, end) in [
        ("<script", "</script>"),
        ("<pre", "</pre>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
    ] {
        if lower.starts_with(tag)
            && lower[tag.len()..]
                .chars()
                .next()
                .is_none_or(|c| c == '>' || c.is_whitespace())
        {
            return Some(end);
        }
    }
    if lower.starts_with("<!--") {
        Some("-->")
    } else if lower.starts_with("<![cdata[") {
        Some("]]>")
    } else if lower.starts_with("<?") {
        Some("?>")
    } else if lower.starts_with("<!") {
        Some(">")
    } else {
        None
    }
}

fn is_atx_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && line[hashes..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r')
}

/// The items of one version (LF line ends), interned, reusing and filling `memo`.
pub fn snaps_memo(interner: &mut Interner, memo: &mut ChunkMemo, text: &str) -> Vec<Snap> {
    let Some(pieces) = chunks(text) else {
        return snaps(interner, &extract(text));
    };
    let mut out = Vec::new();
    for (first_line, piece) in pieces {
        let parsed = if let Some(found) = memo.get(piece) {
            found
        } else {
            let parsed: Arc<[Snap]> = snaps(interner, &extract(piece)).into();
            memo.insert(piece, parsed.clone());
            parsed
        };
        out.extend(parsed.iter().map(|snap| Snap {
            line: snap.line + first_line,
            ..*snap
        }));
    }
    out
}

/// [`snaps_memo`] without filling the memo (for the working copy).
pub fn snaps_lookup(interner: &mut Interner, memo: &ChunkMemo, text: &str) -> Vec<Snap> {
    let Some(pieces) = chunks(text) else {
        return snaps(interner, &extract(text));
    };
    let mut out = Vec::new();
    for (first_line, piece) in pieces {
        let shift = |snap: &Snap| Snap {
            line: snap.line + first_line,
            ..*snap
        };
        if let Some(found) = memo.get(piece) {
            out.extend(found.iter().map(shift));
        } else {
            out.extend(snaps(interner, &extract(piece)).iter().map(shift));
        }
    }
    out
}

/// The items of `text` when every piece of it is in `memo` (nothing to parse or intern),
/// else `None`.
pub fn snaps_known(memo: &ChunkMemo, text: &str) -> Option<Vec<Snap>> {
    let mut out = Vec::new();
    for (first_line, piece) in chunks(text)? {
        let found = memo.get(piece)?;
        out.extend(found.iter().map(|snap| Snap {
            line: snap.line + first_line,
            ..*snap
        }));
    }
    Some(out)
}

/// Replaces CRLF with LF so that versions and buffers compare line by line.
pub fn lf_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// One item of one version, with its strings interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snap {
    pub line: usize,
    pub raw: u32,
    pub text: u32,
    pub norm: u32,
    pub state: Option<State>,
    pub priority: Option<Level>,
    pub section: Option<u32>,
    /// See [`RawItem::outer`].
    pub outer: Option<u32>,
    /// A field line (see [`RawItem::field`]): paired only with an unchanged line or an equal
    /// text, and never shown as an item.
    pub field: bool,
}

/// The items of one version, each with its lineage.
#[derive(Debug, Clone, Default)]
pub struct VersionState {
    pub items: Vec<(Snap, LineageId)>,
    /// Of each item, which events of its lineage this version's history holds (indexes into
    /// [`Lineage::events`], in order): a lineage's events are those of every branch read so
    /// far, a version's view of it only those of its own ancestors. An item without one
    /// (a state read back from disk) sees every event of its lineage.
    pub views: Vec<View>,
}

/// Indexes into a lineage's events, in order.
pub type View = Arc<[u32]>;

impl VersionState {
    /// The view of item `k`.
    fn view(&self, k: usize, lineages: &[Lineage]) -> View {
        self.views
            .get(k)
            .cloned()
            .unwrap_or_else(|| full_view(&lineages[self.items[k].1]))
    }

    /// This state with every item's view given, those missing seeing every event now held.
    #[must_use]
    pub fn with_views(&self, lineages: &[Lineage]) -> Self {
        Self {
            items: self.items.clone(),
            views: (0..self.items.len())
                .map(|k| self.view(k, lineages))
                .collect(),
        }
    }

    /// Item index by lineage.
    fn positions(&self) -> HashMap<LineageId, usize> {
        let mut out = HashMap::with_capacity(self.items.len());
        for (k, (_, id)) in self.items.iter().enumerate() {
            out.entry(*id).or_insert(k);
        }
        out
    }
}

/// Every event of a lineage.
fn full_view(lineage: &Lineage) -> View {
    (0..lineage.events.len() as u32).collect()
}

/// The events of two views, each once, in order.
fn union(a: &[u32], b: &[u32]) -> View {
    let mut out: Vec<u32> = a.iter().chain(b).copied().collect();
    out.sort_unstable();
    out.dedup();
    out.into()
}

/// One item's life: every event, in the order the versions were read.
#[derive(Debug, Clone)]
pub struct Lineage {
    pub events: Vec<Event>,
    pub alive: bool,
    pub last: Snap,
}

/// Where the events of a step are attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A commit, as an index into the history's commit list.
    Commit(usize),
}

impl Origin {
    fn commit(self) -> usize {
        match self {
            Origin::Commit(index) => index,
        }
    }
}

/// How the first version of a walk came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The file was created here: every item is added.
    Created,
    /// History stops here (shallow clone): every item was already present.
    Boundary,
    /// The base of a range: items are known but carry no event.
    Base,
}

/// The lineages of one file and what is needed to extend them.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    pub interner: Interner,
    pub memo: ChunkMemo,
    pub lineages: Vec<Lineage>,
    /// Removed lineages by their last normalised text, for re-adding.
    dead: HashMap<u32, LineageId>,
}

/// How the items of a new version relate to the old one.
#[derive(Debug, Clone, Default)]
pub struct Pairing {
    /// For each new item, the old item it continues.
    pub new_to_old: Vec<Option<usize>>,
}

impl Tracker {
    /// Removed lineages by their last normalised text.
    pub fn dead(&self) -> impl Iterator<Item = (u32, LineageId)> + '_ {
        self.dead.iter().map(|(&norm, &id)| (norm, id))
    }

    /// A tracker from its parts (read back from disk), with an empty memo.
    pub fn from_parts(
        interner: Interner,
        lineages: Vec<Lineage>,
        dead: impl IntoIterator<Item = (u32, LineageId)>,
    ) -> Self {
        Self {
            interner,
            memo: ChunkMemo::default(),
            lineages,
            dead: dead.into_iter().collect(),
        }
    }

    /// Reads and interns one version (LF line ends), parsing only pieces not seen before.
    pub fn read_version(&mut self, text: &str) -> Vec<Snap> {
        snaps_memo(&mut self.interner, &mut self.memo, text)
    }

    /// Starts lineages for the items of a first version.
    pub fn start(&mut self, new: &[Snap], origin: Origin, start: Start) -> VersionState {
        let mut state = VersionState {
            items: Vec::with_capacity(new.len()),
            views: Vec::with_capacity(new.len()),
        };
        for snap in new {
            let id = self.lineages.len();
            let mut events = Vec::new();
            match start {
                Start::Created => {
                    events.push(self.event(origin, added(&self.interner, snap, false)));
                }
                Start::Boundary => {
                    events.push(self.event(origin, added(&self.interner, snap, true)));
                }
                Start::Base => {}
            }
            state.views.push((0..events.len() as u32).collect());
            self.lineages.push(Lineage {
                events,
                alive: true,
                last: *snap,
            });
            state.items.push((*snap, id));
        }
        state
    }

    /// Moves from `old` to the version `new`, recording events under `origin`. `others` are
    /// the states of a merge's other parents: an item exactly as one of them holds it keeps
    /// that lineage with no event, and a change that a parent already holds is not the
    /// merge's. An item a merge leaves as its first parent (`old`) has it keeps the first
    /// parent's view of its history: what happened to it only on a merged side branch
    /// (removed and re-added, changed and changed back) is not in it, as `git log
    /// --first-parent` never shows it; any other item sees what every parent saw.
    pub fn step(
        &mut self,
        old: &VersionState,
        new: &[Snap],
        origin: Origin,
        others: &[&VersionState],
    ) -> VersionState {
        let dead = &self.dead;
        let reserved = |norm: u32| dead.contains_key(&norm);
        let pairing = pair(&self.interner, old, new, &reserved);
        let other_pairings: Vec<Pairing> = others
            .iter()
            .map(|other| pair(&self.interner, other, new, &reserved))
            .collect();
        let sections = Sections::of_pairing(&self.interner, old, new, &pairing);
        // Each new item's lineage, and the version of it the events are counted from.
        let mut chosen: Vec<Option<(Snap, LineageId)>> = vec![None; new.len()];
        let mut taken: HashSet<LineageId> = HashSet::new();
        let candidates = |j: usize| -> Vec<(Snap, LineageId)> {
            let mut out = Vec::new();
            if let Some(k) = pairing.new_to_old[j] {
                out.push(old.items[k]);
            }
            for (other, other_pairing) in others.iter().zip(&other_pairings) {
                if let Some(k) = other_pairing.new_to_old[j] {
                    out.push(other.items[k]);
                }
            }
            out
        };
        // First the items exactly as a parent holds them, then the rest.
        for exact in [true, false] {
            for (j, snap) in new.iter().enumerate() {
                if chosen[j].is_some() {
                    continue;
                }
                let found = candidates(j).into_iter().find(|(before, id)| {
                    !taken.contains(id)
                        && (!exact
                            || (before.raw == snap.raw
                                && before.section == snap.section
                                && before.outer == snap.outer))
                });
                if let Some((before, id)) = found {
                    taken.insert(id);
                    chosen[j] = Some((before, id));
                }
            }
        }
        let kept: HashSet<LineageId> = taken.clone();
        for &(snap, id) in &old.items {
            if kept.contains(&id) {
                continue;
            }
            // In a merge, an item another side had already removed was removed there.
            if others
                .iter()
                .any(|other| !other.items.iter().any(|(_, other_id)| *other_id == id))
            {
                continue;
            }
            let event = self.event(origin, Change::Removed);
            let lineage = &mut self.lineages[id];
            lineage.events.push(event);
            lineage.alive = false;
            // Two equal texts removed together: a re-add continues the older one.
            self.dead
                .entry(snap.norm)
                .and_modify(|held| {
                    let same_step = self.lineages[*held]
                        .events
                        .last()
                        .is_some_and(|e| e.commit == Some(origin.commit()));
                    if !same_step || id < *held {
                        *held = id;
                    }
                })
                .or_insert(id);
        }
        let readd_to = self.readds(&self.interner, new, |j| chosen[j].is_none());
        let mut state = VersionState {
            items: Vec::with_capacity(new.len()),
            views: Vec::with_capacity(new.len()),
        };
        let old_at = old.positions();
        let others_at: Vec<HashMap<LineageId, usize>> =
            others.iter().map(|other| other.positions()).collect();
        for (index, snap) in new.iter().enumerate() {
            let events_before;
            let mut view: Option<View> = None;
            let id = if let Some((before, id)) = chosen[index] {
                events_before = self.lineages[id].events.len();
                let first = old_at.get(&id).map(|&k| (k, old.items[k].0));
                let same_as_first = first.is_some_and(|(_, held)| {
                    held.text == snap.text
                        && held.section == snap.section
                        && held.outer == snap.outer
                        && held.state == snap.state
                        && held.priority == snap.priority
                });
                let mut seen: Option<View> = first.map(|(k, _)| old.view(k, &self.lineages));
                if !same_as_first {
                    for (other, at) in others.iter().zip(&others_at) {
                        if let Some(&k) = at.get(&id) {
                            let theirs = other.view(k, &self.lineages);
                            seen = Some(match seen {
                                Some(ours) => union(&ours, &theirs),
                                None => theirs,
                            });
                        }
                    }
                }
                view = seen;
                let moved = sections.moved(&before, snap);
                let mut changes = changes(&self.interner, &before, snap, moved);
                // A change one of the parents already holds was made there, not here.
                if !others.is_empty() && !changes.is_empty() {
                    let held: Vec<Snap> = std::iter::once(old)
                        .chain(others.iter().copied())
                        .filter_map(|parent| parent.items.iter().find(|(_, i)| *i == id))
                        .map(|(s, _)| *s)
                        .collect();
                    changes.retain(|change| !held.iter().any(|s| holds(s, snap, change)));
                }
                for change in changes {
                    let event = self.event(origin, change);
                    self.lineages[id].events.push(event);
                }
                id
            } else if let Some(id) = (readd_to.get(&snap.norm) == Some(&index))
                .then(|| self.dead.remove(&snap.norm))
                .flatten()
                .filter(|id| !taken.contains(id))
            {
                taken.insert(id);
                events_before = 0;
                let event = self.event(
                    origin,
                    Change::Readded {
                        text: self.interner.get(snap.text).clone(),
                        section: snap.section.map(|s| self.interner.get(s).clone()),
                        state: snap.state,
                        priority: snap.priority,
                    },
                );
                let lineage = &mut self.lineages[id];
                lineage.events.push(event);
                lineage.alive = true;
                id
            } else {
                events_before = 0;
                let id = self.lineages.len();
                let event = self.event(origin, added(&self.interner, snap, false));
                self.lineages.push(Lineage {
                    events: vec![event],
                    alive: true,
                    last: *snap,
                });
                id
            };
            self.lineages[id].last = *snap;
            self.lineages[id].alive = true;
            let events_now = self.lineages[id].events.len() as u32;
            let view = match view {
                Some(view) if events_now as usize == events_before => view,
                Some(view) => view
                    .iter()
                    .copied()
                    .chain(events_before as u32..events_now)
                    .collect(),
                None => (0..events_now).collect(),
            };
            state.items.push((*snap, id));
            state.views.push(view);
        }
        if !others.is_empty() {
            // A lineage a side removed that the merge keeps is no longer free to re-add.
            let kept: HashSet<LineageId> = state.items.iter().map(|(_, id)| *id).collect();
            self.dead.retain(|_, held| !kept.contains(held));
        }
        state
    }

    /// Makes each lineage of `state` hold only the events its view holds: what the history
    /// shows once `state` is the newest version read.
    pub fn settle(&mut self, state: &mut VersionState) {
        let mut done = HashSet::new();
        for k in 0..state.items.len() {
            let id = state.items[k].1;
            if !done.insert(id) {
                continue;
            }
            let view = state.view(k, &self.lineages);
            let lineage = &mut self.lineages[id];
            if view.len() != lineage.events.len() {
                lineage.events = view
                    .iter()
                    .filter_map(|&i| lineage.events.get(i as usize).cloned())
                    .collect();
            }
        }
        // Indexes of the events as they now stand.
        state.views = state
            .items
            .iter()
            .map(|(_, id)| full_view(&self.lineages[*id]))
            .collect();
    }

    /// What a step to `new` would do to each new item, without recording anything: its
    /// lineage (if it continues or re-adds one) and its events. For the working copy.
    /// `interner` must hold every string of `new` (a clone of the tracker's, extended).
    pub fn preview(
        &self,
        interner: &Interner,
        old: &VersionState,
        new: &[Snap],
    ) -> Vec<(Option<LineageId>, Vec<Change>)> {
        let pairing = pair(interner, old, new, &|norm| self.dead.contains_key(&norm));
        let sections = Sections::of_pairing(interner, old, new, &pairing);
        let readd_to = self.readds(interner, new, |j| pairing.new_to_old[j].is_none());
        new.iter()
            .enumerate()
            .map(|(index, snap)| {
                if let Some(old_index) = pairing.new_to_old[index] {
                    let (before, id) = old.items[old_index];
                    let moved = sections.moved(&before, snap);
                    (Some(id), changes(interner, &before, snap, moved))
                } else if let Some(&id) = (readd_to.get(&snap.norm) == Some(&index))
                    .then(|| self.dead.get(&snap.norm))
                    .flatten()
                {
                    let change = Change::Readded {
                        text: interner.get(snap.text).clone(),
                        section: snap.section.map(|s| interner.get(s).clone()),
                        state: snap.state,
                        priority: snap.priority,
                    };
                    (Some(id), vec![change])
                } else {
                    (None, vec![added(interner, snap, false)])
                }
            })
            .collect()
    }

    /// Which new item re-adds each removed lineage, by its normalised text: of the items
    /// `unpaired` in its words and of its kind (a table of contents entry re-adds only an
    /// entry), the first that is a task if the lineage was one (or not, if not), else the
    /// first.
    fn readds(
        &self,
        interner: &Interner,
        new: &[Snap],
        unpaired: impl Fn(usize) -> bool,
    ) -> HashMap<u32, usize> {
        let mut chosen: HashMap<u32, (usize, bool)> = HashMap::new();
        for (j, snap) in new.iter().enumerate() {
            let Some(&id) = self.dead.get(&snap.norm) else {
                continue;
            };
            let last = &self.lineages[id].last;
            if !unpaired(j)
                || toc_entry(interner.get(last.text)) != toc_entry(interner.get(snap.text))
            {
                continue;
            }
            let fits = last.state.is_some() == snap.state.is_some();
            let held = chosen.entry(snap.norm).or_insert((j, fits));
            if fits && !held.1 {
                *held = (j, fits);
            }
        }
        chosen.into_iter().map(|(norm, (j, _))| (norm, j)).collect()
    }

    #[allow(clippy::unused_self)]
    fn event(&self, origin: Origin, change: Change) -> Event {
        Event {
            commit: Some(origin.commit()),
            change,
        }
    }
}

/// Interns one version's items.
pub fn snaps(interner: &mut Interner, items: &[RawItem<'_>]) -> Vec<Snap> {
    items.iter().map(|item| snap(interner, item)).collect()
}

fn changes(
    interner: &Interner,
    before: &Snap,
    after: &Snap,
    moved: Option<(Option<u32>, Option<u32>)>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    if before.norm != after.norm
        || (before.text != after.text
            && retouched(interner.get(before.text), interner.get(after.text)))
    {
        changes.push(Change::Reworded {
            from: interner.get(before.text).clone(),
            to: interner.get(after.text).clone(),
        });
    }
    if let Some((from, to)) = moved {
        changes.push(Change::Moved {
            from: from.map(|s| interner.get(s).clone()),
            to: to.map(|s| interner.get(s).clone()),
        });
    }
    if before.priority != after.priority {
        changes.push(Change::Priority {
            from: before.priority,
            to: after.priority,
        });
    }
    if before.state != after.state {
        changes.push(Change::State {
            from: before.state,
            to: after.state,
        });
    }
    changes
}

/// Whether two texts of one normalised text read differently: a letter of another case
/// ("chapters 7, 8, 9" and "Chapters 7, 8, 9") or other punctuation ("… some of them
/// below." and "… below"). A change of markup, spacing or a link's URL alone is not.
fn retouched(before: &str, after: &str) -> bool {
    visible(before) != visible(after)
}

/// What a reader sees of an item's text: without heading, emphasis and link marks,
/// escapes, priority tags and emoji (as its normalised text), link URLs and bare URLs, or a
/// label's last colon (`Network Flows:` written as `**Network Flows**`), its words one
/// space apart.
fn visible(text: &str) -> String {
    // Without its priority tags (a tag set or changed is a priority event).
    let mut untagged = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(open) = text[at..].find('[').map(|i| at + i) {
        untagged.push_str(&text[at..open]);
        if let Some((len, _)) = analysis::parse::priority_tag_at(text, open) {
            at = open + len;
        } else {
            untagged.push('[');
            at = open + 1;
        }
    }
    untagged.push_str(&text[at..]);
    let mut out = String::with_capacity(text.len());
    let mut rest = untagged.as_str();
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        // The destination runs to the `)` that balances the `(` (`…/Heap_(data_structure))`).
        let mut depth = 0usize;
        let close = after.char_indices().find_map(|(i, c)| match c {
            '(' => {
                depth += 1;
                None
            }
            ')' if depth == 0 => Some(i),
            ')' => {
                depth -= 1;
                None
            }
            _ => None,
        });
        match close {
            Some(close) if !after[..close].trim().contains(' ') => rest = &after[close + 1..],
            _ => {
                out.push_str("](");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = without_urls(&out);
    let words: Vec<&str> = out
        .split(|c: char| {
            c.is_whitespace()
                || matches!(c, '[' | ']' | '*' | '_' | '~' | '`' | '#' | '\\')
                || analysis::normalize::is_emoji(c)
        })
        .filter(|word| !word.is_empty())
        .collect();
    words.join(" ").trim_end_matches(':').trim_end().to_owned()
}

fn added(interner: &Interner, snap: &Snap, boundary: bool) -> Change {
    let text = interner.get(snap.text).clone();
    let section = snap.section.map(|s| interner.get(s).clone());
    if boundary {
        Change::FirstSeen {
            text,
            section,
            state: snap.state,
            priority: snap.priority,
        }
    } else {
        Change::Added {
            text,
            section,
            state: snap.state,
            priority: snap.priority,
        }
    }
}

fn snap(interner: &mut Interner, item: &RawItem<'_>) -> Snap {
    let raw = interner.intern(item.raw);
    let text = interner.intern(&item.text);
    let norm = interner.intern(&normalize(&item.text));
    Snap {
        line: item.line,
        raw,
        text,
        norm,
        state: item.state,
        priority: item.priority,
        section: item.section.as_deref().map(|s| interner.intern(s)),
        outer: item.outer.as_deref().map(|s| interner.intern(s)),
        field: item.field,
    }
}

/// Whether a parent's version `held` of an item already shows what `change` sets in `now`.
fn holds(held: &Snap, now: &Snap, change: &Change) -> bool {
    match change {
        Change::Reworded { .. } => held.norm == now.norm,
        Change::Moved { .. } => held.section == now.section && held.outer == now.outer,
        Change::Priority { .. } => held.priority == now.priority,
        Change::State { .. } => held.state == now.state,
        _ => false,
    }
}

/// Which section changes between two versions are moves. One definition for `history` and
/// `diff`: an item moved when its section changed, unless its heading was renamed. A heading
/// was renamed from A to B when A's title is gone, B's title is new, and most of the items
/// that stayed in A went to B and most of those that came to B came from A. So an item under
/// a newly inserted heading moved, and the items under a renamed heading did not.
///
/// A list line that becomes a heading (`- [x] **Tries**` rewritten as `- ### Tries` or
/// `## Tries`) starts a section over the lines that followed it in its old section: those did
/// not move either. So a change from section A to a new section B is no move when an item of
/// A whose text is B's title is gone, or when its successor is B's own heading line; a
/// heading inside a list must then also stand where the line stood, under the same `#`
/// heading.
///
/// An item under a heading inside a list (`- ### Tries`) also moved when that whole block
/// went under another `#` heading at column 0 (its [`Snap::outer`]), unless that heading was
/// renamed. A heading inside a list that is new or gone, or that was or became a `#` heading
/// at column 0, groups items under the `#` heading that holds it: an item going between the
/// two did not move.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    renamed: HashMap<Option<u32>, Option<u32>>,
    outer_renamed: HashMap<Option<u32>, Option<u32>>,
    promoted: HashSet<(Option<u32>, Option<u32>)>,
}

/// The renames among `pairs` (see [`Sections`]): `pairs` are (name before, name after) of
/// every item found in both versions, `before` and `after` the names of every item of each
/// version.
fn renames(
    pairs: impl Iterator<Item = (Option<u32>, Option<u32>)>,
    before: impl Iterator<Item = Option<u32>>,
    after: impl Iterator<Item = Option<u32>>,
) -> HashMap<Option<u32>, Option<u32>> {
    let before: HashSet<Option<u32>> = before.collect();
    let after: HashSet<Option<u32>> = after.collect();
    let mut from_total: HashMap<Option<u32>, usize> = HashMap::new();
    let mut to_total: HashMap<Option<u32>, usize> = HashMap::new();
    let mut both: HashMap<(Option<u32>, Option<u32>), usize> = HashMap::new();
    for (from, to) in pairs {
        *from_total.entry(from).or_default() += 1;
        *to_total.entry(to).or_default() += 1;
        *both.entry((from, to)).or_default() += 1;
    }
    let mut renamed = HashMap::new();
    for ((from, to), count) in both {
        if from != to
            && !after.contains(&from)
            && !before.contains(&to)
            && 2 * count > from_total[&from]
            && 2 * count > to_total[&to]
        {
            renamed.insert(from, to);
        }
    }
    renamed
}

/// The `#` heading at column 0 that holds an item: its [`Snap::outer`], else its own
/// section.
fn top(snap: &Snap) -> Option<u32> {
    snap.outer.or(snap.section)
}

impl Sections {
    /// The sections of a step from `old` to `new` paired by `pairing`.
    pub fn of_pairing(
        interner: &Interner,
        old: &VersionState,
        new: &[Snap],
        pairing: &Pairing,
    ) -> Self {
        let mut successor: Vec<Option<u32>> = vec![None; old.items.len()];
        for (j, k) in pairing.new_to_old.iter().enumerate() {
            if let Some(k) = *k {
                successor[k] = Some(new[j].text);
            }
        }
        let before: HashSet<Option<u32>> = old.items.iter().map(|(s, _)| s.section).collect();
        // The sections new in this version, each with the `#` heading that holds it.
        let mut titles: Vec<(u32, Option<u32>)> = new
            .iter()
            .filter_map(|s| Some((s.section?, s.outer)))
            .filter(|(t, _)| !before.contains(&Some(*t)))
            .collect();
        titles.dedup_by_key(|(t, _)| *t);
        let after: HashSet<Option<u32>> = new.iter().map(|s| s.section).collect();
        let mut gone_titles: Vec<u32> = old
            .items
            .iter()
            .filter_map(|(s, _)| s.section)
            .filter(|t| !after.contains(&Some(*t)))
            .collect();
        gone_titles.dedup();
        // The section each gone section followed, by the order of items (`None` at the top).
        let mut preceding: HashMap<u32, Option<u32>> = HashMap::new();
        let mut last: Option<u32> = None;
        for (snap, _) in &old.items {
            if let Some(section) = snap.section {
                if snap.section != last && gone_titles.contains(&section) {
                    preceding.entry(section).or_insert(last);
                }
            }
            last = snap.section;
        }
        // A heading inside a list that is new, gone, or was or became a `#` heading at
        // column 0 groups items under the `#` heading that holds it without moving them
        // (`- [x] **Arrays**` written as `- ### Arrays`, `### Tries` as `- ### Tries`):
        // (section, that `#` heading).
        let nested = |snaps: &mut dyn Iterator<Item = &Snap>| -> HashMap<u32, u32> {
            snaps.filter_map(|s| Some((s.section?, s.outer?))).collect()
        };
        let nested_before = nested(&mut old.items.iter().map(|(s, _)| s));
        let nested_after = nested(&mut new.iter());
        let grouped: Vec<(u32, u32)> = nested_after
            .iter()
            .filter(|(section, _)| !nested_before.contains_key(section))
            .chain(
                nested_before
                    .iter()
                    .filter(|(section, _)| !nested_after.contains_key(section)),
            )
            .map(|(&section, &outer)| (section, outer))
            .collect();
        let paired = || {
            new.iter()
                .enumerate()
                .filter_map(|(j, snap)| Some((old.items[pairing.new_to_old[j]?].0, *snap)))
        };
        let outer_renamed = renames(
            paired().map(|(before, after)| (top(&before), top(&after))),
            old.items.iter().map(|(s, _)| top(s)),
            new.iter().map(top),
        );
        let mut sections = Self {
            renamed: renames(
                paired().map(|(before, after)| (before.section, after.section)),
                old.items.iter().map(|(s, _)| s.section),
                new.iter().map(|s| s.section),
            ),
            outer_renamed,
            promoted: grouped
                .into_iter()
                .flat_map(|(section, outer)| {
                    [(Some(outer), Some(section)), (Some(section), Some(outer))]
                })
                .collect(),
        };
        sections.add_promoted(
            interner,
            old.items
                .iter()
                .zip(successor)
                .map(|((s, _), next)| (*s, next)),
            titles.into_iter(),
        );
        // A heading written as an item where it stood is an item of the section before it
        // (or of one that held no item, so whose place is not known): `## Papers:` made an
        // item `**Papers**:` 170 lines up, under another heading, moved its items.
        let in_place = |title: u32, section: Option<u32>| {
            preceding
                .get(&title)
                .is_none_or(|&before| before == section)
                || !before.contains(&section)
        };
        sections.add_demoted(
            interner,
            new.iter()
                .zip(&pairing.new_to_old)
                .map(|(s, k)| (s.section, s.text, k.map(|k| old.items[k].0.text))),
            gone_titles.into_iter(),
            &in_place,
        );
        sections
    }

    /// Adds the headings that became items (`### [x] Endianness` written as
    /// `- [x] ### Endianness`): `new` are (section, text, text of its predecessor if any) of
    /// the items of the new version, `titles` the sections gone in this version. Leaving a
    /// gone section A for the section of a new item whose text is A's title is no move, when
    /// that item stands where A stood (`in_place`).
    fn add_demoted(
        &mut self,
        interner: &Interner,
        new: impl Iterator<Item = (Option<u32>, u32, Option<u32>)>,
        titles: impl Iterator<Item = u32>,
        in_place: &dyn Fn(u32, Option<u32>) -> bool,
    ) {
        let titles: HashMap<String, u32> = titles.map(|t| (heading_key(interner, t), t)).collect();
        if titles.is_empty() {
            return;
        }
        for (section, text, before) in new {
            let text = heading_key(interner, text);
            if let Some(&title) = titles.get(&text) {
                if before.is_none_or(|before| heading_key(interner, before) == text)
                    && in_place(title, section)
                {
                    self.promoted.insert((Some(title), section));
                }
            }
        }
    }

    /// Adds the headings that were items: `old` are the items of the old version, each with
    /// the text of its successor if any, `titles` the sections new in this version, each
    /// with its [`Snap::outer`]. An item became a heading when its successor is that
    /// heading's own line (`- ### Tries`, however reworded), or when its text is a new
    /// section's title and it is gone. A heading inside a list must stand under the `#`
    /// heading that held the item.
    fn add_promoted(
        &mut self,
        interner: &Interner,
        old: impl Iterator<Item = (Snap, Option<u32>)>,
        titles: impl Iterator<Item = (u32, Option<u32>)>,
    ) {
        let key = |id: u32| heading_key(interner, id);
        let titles: HashMap<String, (u32, Option<u32>)> =
            titles.map(|(t, outer)| (key(t), (t, outer))).collect();
        if titles.is_empty() {
            return;
        }
        for (snap, next) in old {
            let text = key(snap.text);
            let by_successor = next
                .filter(|&next| interner.get(next).trim_start().starts_with('#'))
                .and_then(|next| titles.get(&key(next)));
            let by_text = titles
                .get(&text)
                .filter(|_| next.is_none_or(|next| key(next) == text));
            let Some(&(title, outer)) = by_successor.or(by_text) else {
                continue;
            };
            let in_place = outer.is_none_or(|outer| {
                let held = top(&snap);
                held == Some(outer) || self.outer_renamed.get(&held) == Some(&Some(outer))
            });
            if in_place {
                self.promoted.insert((snap.section, Some(title)));
            }
        }
    }

    /// Where an item that was `before` and is now `after` moved from and to (section
    /// names), or `None` when it did not move.
    pub fn moved(&self, before: &Snap, after: &Snap) -> Option<(Option<u32>, Option<u32>)> {
        let (from, to) = (before.section, after.section);
        if from != to
            && self.renamed.get(&from) != Some(&to)
            && !self.promoted.contains(&(from, to))
        {
            return Some((from, to));
        }
        // The same section, or one renamed or made from a line: did its block go under
        // another `#` heading?
        let (from, to) = (before.outer, after.outer);
        let moved = from.is_some()
            && to.is_some()
            && from != to
            && self.outer_renamed.get(&from) != Some(&to);
        moved.then_some((from, to))
    }
}

/// What a heading and an item written from it have in common: the normalised text without
/// `#` marks, a task box or a trailing colon (`### [x] Endianness`, `**Tries:**`).
fn heading_key(interner: &Interner, id: u32) -> String {
    let mut raw = interner.get(id).trim();
    loop {
        let before = raw;
        raw = raw
            .trim_start_matches(['#', ' '])
            .trim_end_matches([':', ' ']);
        for box_ in ["[x]", "[X]", "[ ]"] {
            raw = raw.strip_prefix(box_).unwrap_or(raw).trim();
            raw = raw.strip_suffix(box_).unwrap_or(raw).trim();
        }
        if raw == before {
            break;
        }
    }
    normalize(raw).trim_end_matches([':', ' ']).to_owned()
}

/// Pairs the items of two versions (passes 1–4 of the module doc). A new item whose
/// normalised text is `reserved` (a removed lineage's) is paired only with an equal text.
pub fn pair(
    interner: &Interner,
    old: &VersionState,
    new: &[Snap],
    reserved: &dyn Fn(u32) -> bool,
) -> Pairing {
    let old_tokens: Vec<Token> = old.items.iter().map(|(s, _)| Token(s.raw)).collect();
    let new_tokens: Vec<Token> = new.iter().map(|s| Token(s.raw)).collect();
    let mut diff = Diff::default();
    diff.compute_with(
        Algorithm::Histogram,
        &old_tokens,
        &new_tokens,
        interner.len() as u32 + 1,
    );

    let mut new_to_old: Vec<Option<usize>> = vec![None; new.len()];
    let mut old_used = vec![false; old.items.len()];
    let mut old_hunk = vec![usize::MAX; old.items.len()];
    let mut new_hunk = vec![usize::MAX; new.len()];

    // Pass 1: unchanged lines, walking both sides between hunks.
    let (mut i, mut j) = (0usize, 0usize);
    let hunks: Vec<_> = diff.hunks().collect();
    for (h, hunk) in hunks.iter().enumerate() {
        while i < hunk.before.start as usize && j < hunk.after.start as usize {
            new_to_old[j] = Some(i);
            old_used[i] = true;
            i += 1;
            j += 1;
        }
        for k in hunk.before.clone() {
            old_hunk[k as usize] = h;
        }
        for k in hunk.after.clone() {
            new_hunk[k as usize] = h;
        }
        i = hunk.before.end as usize;
        j = hunk.after.end as usize;
    }
    while i < old.items.len() && j < new.len() {
        new_to_old[j] = Some(i);
        old_used[i] = true;
        i += 1;
        j += 1;
    }

    // An unchanged line the diff aligned across sections, where an equal line of its own
    // section was rewritten (`- by Goodrich, Tamassia, Goldwasser` kept under Python and
    // reworded under Java, the Python block now above the Java one): that line continues.
    let crossed: Vec<(usize, usize)> = (0..new.len())
        .filter_map(|j| Some((j, new_to_old[j]?)))
        .filter(|&(j, k)| old.items[k].0.section != new[j].section)
        .collect();
    if !crossed.is_empty() {
        let mut rewritten: HashMap<u32, Vec<usize>> = HashMap::new();
        for (k, (snap, _)) in old.items.iter().enumerate() {
            if !old_used[k] {
                rewritten.entry(snap.raw).or_default().push(k);
            }
        }
        for (j, k) in crossed {
            let section = new[j].section;
            let Some(others) = rewritten.get_mut(&new[j].raw) else {
                continue;
            };
            if let Some(at) = others
                .iter()
                .position(|&other| old.items[other].0.section == section)
            {
                let other = others.remove(at);
                old_used[k] = false;
                new_to_old[j] = Some(other);
                old_used[other] = true;
            }
        }
    }

    // Pass 2: equal normalised text, same hunk first, then anywhere. A table of contents
    // entry continues only another entry (see [`toc_entry`]). A task first continues a task
    // and any other line a line that is not one: the contents line `- AVL trees` written
    // as the task `- [ ] **AVL trees**` moves away is a new line.
    // The heading each table of contents entry links to, of the new items and of the old
    // ones still to pair.
    let new_anchor: Vec<Option<&str>> = new
        .iter()
        .map(|snap| toc_anchor(interner.get(snap.text)))
        .collect();
    let old_anchor: Vec<Option<&str>> = old
        .items
        .iter()
        .enumerate()
        .map(|(k, (snap, _))| (!old_used[k]).then(|| toc_anchor(interner.get(snap.text)))?)
        .collect();
    let mut by_norm: HashMap<u32, Vec<usize>> = HashMap::new();
    for (k, (snap, _)) in old.items.iter().enumerate().rev() {
        if !old_used[k] {
            by_norm.entry(snap.norm).or_default().push(k);
        }
    }
    // A list line that is a heading continues as a line of the same words that is not one
    // (and the reverse) unless its hunk holds a heading line like it: `- ### Linear
    // Programming` rewritten as `- ### Linear Programming (videos)` over a new link
    // `[Linear Programming](…)` is that heading reworded.
    // (Lines outside every hunk are paired already: left `false`.)
    let old_heading: Vec<bool> = old
        .items
        .iter()
        .zip(&old_hunk)
        .map(|((snap, _), &h)| h != usize::MAX && heading_line(interner.get(snap.raw)))
        .collect();
    let new_heading: Vec<bool> = new
        .iter()
        .zip(&new_hunk)
        .map(|(snap, &h)| h != usize::MAX && heading_line(interner.get(snap.raw)))
        .collect();
    let mut old_keeps_heading = vec![false; old.items.len()];
    let mut new_keeps_heading = vec![false; new.len()];
    let mut similar = Scorer::default();
    for hunk in &hunks {
        let headings_after: Vec<usize> = hunk
            .after
            .clone()
            .map(|j| j as usize)
            .filter(|&j| new_heading[j])
            .collect();
        if headings_after.is_empty() {
            continue;
        }
        for k in hunk
            .before
            .clone()
            .map(|k| k as usize)
            .filter(|&k| old_heading[k])
        {
            for &j in &headings_after {
                if similar.score(interner, &old.items[k].0, &new[j]) >= SIMILAR_TEXT {
                    old_keeps_heading[k] = true;
                    new_keeps_heading[j] = true;
                }
            }
        }
    }
    for tasks_apart in [true, false] {
        let fits = |k: usize, j: usize| {
            let (was, now) = (&old.items[k].0, &new[j]);
            was.norm == now.norm
                && old_anchor[k].is_some() == new_anchor[j].is_some()
                && (old_heading[k] == new_heading[j]
                    || !(old_keeps_heading[k] || new_keeps_heading[j]))
                && (!tasks_apart || was.state.is_some() == now.state.is_some())
        };
        for j in 0..new.len() {
            if new_to_old[j].is_some() {
                continue;
            }
            if let Some(k) = hunks.get(new_hunk[j]).and_then(|hunk| {
                hunk.before
                    .clone()
                    .map(|k| k as usize)
                    .find(|&k| !old_used[k] && fits(k, j))
            }) {
                new_to_old[j] = Some(k);
                old_used[k] = true;
            }
        }
        for j in 0..new.len() {
            if new_to_old[j].is_some() {
                continue;
            }
            let Some(candidates) = by_norm.get_mut(&new[j].norm) else {
                continue;
            };
            candidates.retain(|&k| !old_used[k]);
            // Of equal texts in several sections (`- by Goodrich, Tamassia, Goldwasser` under
            // both Java and Python), the one of its own section first.
            let section = new[j].section;
            if let Some(at) = candidates
                .iter()
                .rposition(|&k| fits(k, j) && old.items[k].0.section == section)
                .or_else(|| candidates.iter().rposition(|&k| fits(k, j)))
            {
                let k = candidates.remove(at);
                new_to_old[j] = Some(k);
                old_used[k] = true;
            }
        }
    }

    // A table of contents entry whose words changed around the same link
    // (`[Networking](#networking)` given a remark, or losing it): the same entry, in its
    // hunk first, then anywhere.
    if new_anchor.iter().any(Option::is_some) {
        for anywhere in [false, true] {
            for j in 0..new.len() {
                let Some(anchor) = new_anchor[j] else {
                    continue;
                };
                if new_to_old[j].is_some() || reserved(new[j].norm) {
                    continue;
                }
                let fits = |k: usize| !old_used[k] && old_anchor[k] == Some(anchor);
                let found = if anywhere {
                    (0..old.items.len()).find(|&k| fits(k))
                } else {
                    hunks
                        .get(new_hunk[j])
                        .and_then(|hunk| hunk.before.clone().map(|k| k as usize).find(|&k| fits(k)))
                };
                if let Some(k) = found {
                    new_to_old[j] = Some(k);
                    old_used[k] = true;
                }
            }
        }
    }

    // A field written as a link in its hunk (`- more flavor: https://…` as
    // `- [more flavor](https://…)`): the same words around the same URL.
    for (j, snap) in new.iter().enumerate() {
        if new_to_old[j].is_some() || snap.field {
            continue;
        }
        let Some(hunk) = hunks.get(new_hunk[j]) else {
            continue;
        };
        let text = interner.get(snap.text);
        if urls(text).next().is_none() {
            continue;
        }
        let found = hunk.before.clone().map(|k| k as usize).find(|&k| {
            let (field, _) = &old.items[k];
            !old_used[k]
                && field.field
                && shares_url(interner, field, snap)
                && link_words(interner.get(field.text)) == link_words(text)
        });
        if let Some(k) = found {
            new_to_old[j] = Some(k);
            old_used[k] = true;
        }
    }

    // A link whose words were cut or lengthened around the same URL (`[Algorithms (Sedgewick
    // and Wayne)](…/032157351X/)` relisted as `[Algorithms](…/032157351X/)` under a label of
    // its authors), in its hunk first, then in its section, then anywhere: the URL says which
    // item it is, where a line of the cut words alone would otherwise take it.
    let linked: Vec<usize> = (0..new.len())
        .filter(|&j| {
            new_to_old[j].is_none()
                && !new[j].field
                && !reserved(new[j].norm)
                && new_anchor[j].is_none()
                && urls(interner.get(new[j].text)).next().is_some()
        })
        .collect();
    if !linked.is_empty() {
        // The old items still to pair, by each URL they hold.
        let mut old_by_url: HashMap<&str, Vec<usize>> = HashMap::new();
        for k in (0..old.items.len()).filter(|&k| !old_used[k] && !old.items[k].0.field) {
            for url in urls(interner.get(old.items[k].0.text)) {
                old_by_url.entry(url).or_default().push(k);
            }
        }
        for j in linked {
            let mut olds: Vec<usize> = urls(interner.get(new[j].text))
                .filter_map(|url| old_by_url.get(url))
                .flatten()
                .copied()
                .collect();
            olds.sort_unstable();
            olds.dedup();
            // `olds` share a URL with `j` by construction: do the words fit around it?
            let now_words = link_words(interner.get(new[j].text));
            let fits = |k: usize| {
                let was = &old.items[k].0;
                let was_words = link_words(interner.get(was.text));
                let (short, long) = if was_words.len() <= now_words.len() {
                    (&was_words, &now_words)
                } else {
                    (&now_words, &was_words)
                };
                if old_used[k] || short.is_empty() || !short.iter().all(|w| long.contains(w)) {
                    return false;
                }
                // A line that starts with the old one's words and keeps more of them than
                // the link does continues it (`For a richer … treatment, pick up [Computer
                // Architecture](…)` split into that note and a task of the book: the note).
                let common =
                    |words: &[Box<str>]| was_words.iter().filter(|w| words.contains(w)).count();
                let kept = common(&now_words);
                !(0..new.len()).any(|other| {
                    other != j
                        && new_to_old[other].is_none()
                        && !new[other].field
                        && extends(interner.get(was.norm), interner.get(new[other].norm))
                        && common(&link_words(interner.get(new[other].text))) > kept
                })
            };
            let found = olds
                .iter()
                .copied()
                .find(|&k| old_hunk[k] == new_hunk[j] && new_hunk[j] != usize::MAX && fits(k))
                .or_else(|| {
                    olds.iter()
                        .copied()
                        .find(|&k| old.items[k].0.section == new[j].section && fits(k))
                })
                .or_else(|| olds.iter().copied().find(|&k| fits(k)));
            if let Some(k) = found {
                new_to_old[j] = Some(k);
                old_used[k] = true;
            }
        }
    }

    // An item whose exact text belongs to a removed lineage is re-added, never reworded.
    let fuzzy: Vec<bool> = new
        .iter()
        .enumerate()
        .map(|(j, snap)| new_to_old[j].is_none() && !snap.field && !reserved(snap.norm))
        .collect();
    // Of each new item in a hunk rewritten out of place, the old items of its hunk that share
    // most of its words.
    let mut rivals = vec![Rival::none(); new.len()];

    // Pass 3: within each hunk, the assignment with the best total similarity.
    for hunk in &hunks {
        let olds: Vec<usize> = hunk
            .before
            .clone()
            .map(|k| k as usize)
            .filter(|&k| !old_used[k] && !old.items[k].0.field)
            .collect();
        let news: Vec<usize> = hunk
            .after
            .clone()
            .map(|k| k as usize)
            .filter(|&k| fuzzy[k])
            .collect();
        if olds.is_empty() || news.is_empty() {
            continue;
        }
        let in_place = olds.len() == news.len() && olds.len() <= IN_PLACE_MAX_LINES;
        let threshold = if in_place {
            IN_PLACE_SIMILARITY
        } else {
            SIMILAR_TEXT
        };
        // Word similarities out of place; `None` where a side is a bare URL (no words to
        // weigh: its URL decides).
        let words: Vec<Vec<Option<f64>>> = if in_place {
            Vec::new()
        } else {
            olds.iter()
                .map(|&k| {
                    news.iter()
                        .map(|&j| similar.worded(interner, &old.items[k].0, &new[j]))
                        .collect()
                })
                .collect()
        };
        if !in_place {
            for (column, &j) in news.iter().enumerate() {
                let mut best = Rival::default();
                for (row, &k) in olds.iter().enumerate() {
                    if let Some(words) = words[row][column] {
                        best.offer(words, k);
                    }
                }
                rivals[j] = best;
            }
        }
        let matrix: Vec<Vec<f64>> = olds
            .iter()
            .enumerate()
            .map(|(row, &k)| {
                news.iter()
                    .enumerate()
                    .map(|(column, &j)| {
                        let (a, b) = (&old.items[k].0, &new[j]);
                        let score = similar.score(interner, a, b);
                        // Out of place, two texts with no word in common are two items
                        // ("xdebug" and "debugger" share letters, not a word), and a new
                        // text about as like another old item of its hunk continues neither.
                        // In place, two links to different pages need more than half their
                        // words in common (`HTTPS: https://…` replaced by `HTTP: https://…`,
                        // or by `SSL and HTTPS: https://…`, is another video; a broken link
                        // to a lecture replaced by a copy of it elsewhere is not).
                        let distinct = if in_place {
                            !relinked(interner, a, b)
                                || similar
                                    .worded(interner, a, b)
                                    .is_none_or(|words| words > SIMILAR_WORDS)
                        } else {
                            rivals[j].clear(k, words[row][column]) || shares_url(interner, a, b)
                        };
                        if score >= threshold && distinct {
                            score
                        } else {
                            0.0
                        }
                    })
                    .collect()
            })
            .collect();
        for (row, column) in assign(&matrix).into_iter().enumerate() {
            let Some(column) = column else { continue };
            let score = matrix[row][column];
            if score <= 0.0 {
                continue;
            }
            let (k, j) = (olds[row], news[column]);
            // A weak pair in place yields to a clearly alike item in another hunk (the text
            // moved and was reworded, and something unrelated took its line): pass 4 pairs it.
            // Out of place, so does any pair to an item elsewhere more alike in text and in
            // words: a note on a book rewritten into a section that also lost the book
            // ("See Resume prep information in the books: … Programming Interviews Exposed")
            // continues the note.
            if score < SIMILAR_TEXT || !in_place {
                let here = if in_place {
                    0.0
                } else {
                    similar.words(interner, &old.items[k].0, &new[j])
                };
                let alike = |similar: &mut Scorer, a: &Snap, b: &Snap| {
                    let text = similar.score(interner, a, b);
                    text >= SIMILAR_TEXT && text > score && {
                        let words = similar.words(interner, a, b);
                        words >= SIMILAR_WORDS && (in_place || words > here + WORDS_MARGIN)
                    }
                };
                let old_elsewhere = (0..new.len()).any(|other| {
                    new_hunk[other] != new_hunk[j]
                        && fuzzy[other]
                        && new_to_old[other].is_none()
                        && alike(&mut similar, &old.items[k].0, &new[other])
                });
                let new_elsewhere = old_elsewhere
                    || (0..old.items.len()).any(|other| {
                        old_hunk[other] != old_hunk[k]
                            && !old_used[other]
                            && !old.items[other].0.field
                            && alike(&mut similar, &old.items[other].0, &new[j])
                    });
                if new_elsewhere {
                    continue;
                }
            }
            new_to_old[j] = Some(k);
            old_used[k] = true;
        }
    }

    // Pass 4: the most similar remaining texts anywhere (moved and reworded), greedily.
    let olds: Vec<usize> = (0..old.items.len())
        .filter(|&k| !old_used[k] && !old.items[k].0.field)
        .collect();
    let news: Vec<usize> = (0..new.len())
        .filter(|&j| fuzzy[j] && new_to_old[j].is_none())
        .collect();
    if !olds.is_empty() && !news.is_empty() {
        let everywhere = olds.len() * news.len() <= MAX_SCORED_PAIRS;
        // The new items not paired yet, by each URL they hold.
        let mut linking: HashMap<&str, Vec<usize>> = HashMap::new();
        for j in (0..new.len()).filter(|&j| new_to_old[j].is_none()) {
            for url in urls(interner.get(new[j].text)) {
                linking.entry(url).or_default().push(j);
            }
        }
        // Whether a URL of old item `k` went to a new item other than `j`, and `j` does not
        // hold it: the MIT lecture `[MIT (video)](…s-CYnVz-uh4…)` relabelled `[Breadth-First
        // Search](…s-CYnVz-uh4…)` under a new `- [ ] MIT(videos):` is not that label. A line
        // that starts with the old words still continues them (a note split from the link
        // it ended with).
        let went_elsewhere = |k: usize, j: usize| {
            let here = interner.get(new[j].text);
            !extends(interner.get(old.items[k].0.norm), interner.get(new[j].norm))
                && urls(interner.get(old.items[k].0.text)).any(|url| {
                    !urls(here).any(|held| held == url)
                        && linking
                            .get(url)
                            .is_some_and(|holders| holders.iter().any(|&other| other != j))
                })
        };
        let mut candidates = Vec::new();
        for &j in &news {
            for &k in &olds {
                if !everywhere && old_hunk[k] != new_hunk[j] {
                    continue;
                }
                let score = similar.score(interner, &old.items[k].0, &new[j]);
                // Across hunks nothing but the text ties two items, and two unrelated items
                // of one list share many letters ("Illustrating MergeSort" and "Illustrating
                // the DP algorithm"): they must also share most of their words.
                let across = old_hunk[k] != new_hunk[j];
                let (a, b) = (&old.items[k].0, &new[j]);
                let words = similar.words(interner, a, b);
                let enough = match (relinked(interner, a, b), across) {
                    (true, true) => words >= RELINKED_WORDS,
                    (true, false) => words > SIMILAR_WORDS,
                    (false, true) => words >= SIMILAR_WORDS,
                    (false, false) => words > 0.0,
                };
                if score >= SIMILAR_TEXT
                    && enough
                    && (across
                        || rivals[j].clear(k, similar.worded(interner, a, b))
                        || shares_url(interner, a, b))
                    && !(across && went_elsewhere(k, j))
                {
                    candidates.push((score, k, j));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (_, k, j) in candidates {
            if !old_used[k] && new_to_old[j].is_none() {
                new_to_old[j] = Some(k);
                old_used[k] = true;
            }
        }
    }

    Pairing { new_to_old }
}

/// The two old items sharing most words with a new item rewritten out of place: a new text
/// that shares about as much with two old items ("Housing System (Decoration, Room
/// Unlocking)" after "Housing System: … (Decoration Mode)" and "Housing System II: …
/// room expansions") cannot say which it continues, and is a new item, unless it links
/// where one of them did.
#[derive(Clone, Copy)]
struct Rival {
    /// The best word similarity and its old item; `None` when the hunk is in place (no
    /// rivalry is weighed).
    best: Option<(f64, usize)>,
    /// The second best word similarity.
    second: f64,
}

impl Default for Rival {
    fn default() -> Self {
        Self {
            best: Some((0.0, usize::MAX)),
            second: 0.0,
        }
    }
}

impl Rival {
    const fn none() -> Self {
        Self {
            best: None,
            second: 0.0,
        }
    }

    fn offer(&mut self, words: f64, k: usize) {
        match self.best {
            Some((best, _)) if words > best => {
                self.second = best;
                self.best = Some((words, k));
            }
            _ => self.second = self.second.max(words),
        }
    }

    /// Whether old item `k`, sharing `words` with the new item (`None` when either is a
    /// bare URL), is clearly the one it continues: it shares words, and [`WORDS_MARGIN`]
    /// more than any other old item does.
    fn clear(&self, k: usize, words: Option<f64>) -> bool {
        let (Some((best, at)), Some(words)) = (self.best, words) else {
            return true;
        };
        let other = if at == k { self.second } else { best };
        words > 0.0 && words >= other + WORDS_MARGIN
    }
}

/// Bigrams and words of normalised texts with bare URLs left out, computed once per text.
#[derive(Default)]
struct Scorer {
    grams: HashMap<u32, Vec<u64>>,
    words: HashMap<u32, Vec<Box<str>>>,
}

impl Scorer {
    fn grams(&mut self, interner: &Interner, norm: u32) -> &[u64] {
        self.grams
            .entry(norm)
            .or_insert_with(|| bigrams(&without_urls(interner.get(norm))))
    }

    /// Dice coefficient over the distinct words of two items (bare URLs and punctuation
    /// left out); 1.0 when neither has a word.
    fn words(&mut self, interner: &Interner, a: &Snap, b: &Snap) -> f64 {
        if a.norm == b.norm {
            return 1.0;
        }
        let first = self.word_set(interner, a.norm).to_vec();
        let second = self.word_set(interner, b.norm);
        word_dice(&first, second)
    }

    /// [`Self::words`], or `None` when either item has no word (a bare URL).
    fn worded(&mut self, interner: &Interner, a: &Snap, b: &Snap) -> Option<f64> {
        if self.word_set(interner, a.norm).is_empty() || self.word_set(interner, b.norm).is_empty()
        {
            return None;
        }
        Some(self.words(interner, a, b))
    }

    fn word_set(&mut self, interner: &Interner, norm: u32) -> &[Box<str>] {
        self.words
            .entry(norm)
            .or_insert_with(|| words(&without_urls(interner.get(norm))))
    }

    /// Similarity of two items for pairing: a bare URL says nothing about what an item is
    /// (two items both linking somewhere are not alike), so URLs are not scored. An item that
    /// is nothing but a URL is alike only an item linking to the same URL.
    fn score(&mut self, interner: &Interner, a: &Snap, b: &Snap) -> f64 {
        // A table of contents entry is a way to a heading, not a task: it continues only
        // another entry, whatever words it shares with an item that left for that heading.
        if toc_entry(interner.get(a.text)) != toc_entry(interner.get(b.text)) {
            return 0.0;
        }
        if a.norm == b.norm {
            return 1.0;
        }
        let first = self.grams(interner, a.norm).to_vec();
        let second = self.grams(interner, b.norm);
        if first.is_empty() || second.is_empty() {
            // A bare URL has no words to weigh: its URL decides when the other text starts
            // with it (`- [x] https://…` with a note below it, joined into `- [x] https://…
            // - There are a lot of resources…`). A text that only ends with or links to that
            // URL is tied to it weakly, below any text that continues its words
            // (`Compressor Head videos: https://…` split into `Compressor Head videos:` and a
            // line holding the URL: the words keep the item).
            if !shares_url(interner, a, b) {
                return 0.0;
            }
            let (bare, worded) = if first.is_empty() { (a, b) } else { (b, a) };
            let worded = interner.get(worded.text).trim_start();
            return if first.is_empty() && second.is_empty()
                || urls(interner.get(bare.text)).any(|url| worded.starts_with(url))
            {
                1.0
            } else {
                SIMILAR_TEXT
            };
        }
        let score = dice(&first, second);
        // One text continuing the other ("Parallel parser" and "Parallel parser (and maybe
        // checker?)"; "Calibration tools" and "Calibration tools (MVP: …)") is the same item
        // grown or cut short, however long the tail.
        if extends(interner.get(a.norm), interner.get(b.norm)) {
            return 0.5 + score / 2.0;
        }
        score
    }
}

/// Whether a list line is a heading (`- ### Linear Programming`).
fn heading_line(raw: &str) -> bool {
    let line = raw.trim_start();
    let Some(len) = analysis::parse::marker_len(line) else {
        return false;
    };
    let mut rest = line[len..].trim_start();
    for box_ in ["[ ]", "[x]", "[X]"] {
        rest = rest.strip_prefix(box_).unwrap_or(rest).trim_start();
    }
    is_atx_heading(rest)
}

/// Whether an item starts with a link to a heading of the document
/// (`[Floating Point Numbers](#floating-point-numbers)`, perhaps followed by a remark), as a
/// table of contents lists them.
fn toc_entry(text: &str) -> bool {
    toc_anchor(text).is_some()
}

/// The heading a table of contents entry links to (`networking` of `[Networking](#networking)
/// (if you have networking experience)`).
fn toc_anchor(text: &str) -> Option<&str> {
    let rest = text.trim().strip_prefix('[')?;
    let (label, target) = rest.split_once("](#")?;
    let (anchor, _) = target.split_once(')')?;
    (!label.contains(']') && !anchor.is_empty() && !anchor.contains(['(', ' '])).then_some(anchor)
}

/// Whether two items link to the same URL (two "Radix Sort" links to different pages are
/// told apart by where they lead).
/// Whether both items link and no URL of one is in the other.
fn relinked(interner: &Interner, a: &Snap, b: &Snap) -> bool {
    let (first, second) = (interner.get(a.text), interner.get(b.text));
    urls(first).next().is_some() && urls(second).next().is_some() && !shares_url(interner, a, b)
}

fn shares_url(interner: &Interner, a: &Snap, b: &Snap) -> bool {
    let (a, b) = (interner.get(a.text), interner.get(b.text));
    urls(a).any(|url| urls(b).any(|other| other == url))
}

/// Whether one of two normalised texts starts with the whole other, at a word boundary, the
/// shorter holding at least two words.
fn extends(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.split_whitespace().nth(1).is_some()
        && long.starts_with(short)
        && !long[short.len()..].starts_with(char::is_alphanumeric)
}

/// The words of `text` once its URLs are cut out (`[more flavor](https://…)` and
/// `more flavor: https://…` have the same).
fn link_words(text: &str) -> Vec<Box<str>> {
    let mut rest = String::with_capacity(text.len());
    let mut last = 0;
    for url in urls(text) {
        // `url` is a slice of `text`: its offset.
        let at = url.as_ptr() as usize - text.as_ptr() as usize;
        rest.push_str(&text[last..at]);
        last = at + url.len();
    }
    rest.push_str(&text[last..]);
    words(&rest)
}

/// The `http://` and `https://` URLs in `text`, bare or as a link's destination.
fn urls(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("http").filter_map(move |(at, _)| {
        let rest = &text[at..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            return None;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']' | '"' | '\''))
            .unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches(['.', ',', ';']))
    })
}

/// `text` without its bare URLs (words holding `://` or starting `www.`).
fn without_urls(text: &str) -> Cow<'_, str> {
    let is_url = |word: &str| word.contains("://") || word.starts_with("www.");
    if !text.split_whitespace().any(is_url) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split_whitespace()
            .filter(|word| !is_url(word))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Hunks with more rows or columns than this are assigned greedily by score.
const MAX_ASSIGNED: usize = 64;

/// The assignment of rows to columns with the largest total score (each row and column used
/// at most once; a zero score is no pair). Exact (Hungarian method) up to [`MAX_ASSIGNED`]
/// rows and columns, greedy from the best score beyond.
#[allow(clippy::many_single_char_names)]
fn assign(scores: &[Vec<f64>]) -> Vec<Option<usize>> {
    let rows = scores.len();
    let columns = scores.first().map_or(0, Vec::len);
    if rows == 0 || columns == 0 {
        return vec![None; rows];
    }
    if rows > MAX_ASSIGNED || columns > MAX_ASSIGNED {
        let mut all: Vec<(f64, usize, usize)> = scores
            .iter()
            .enumerate()
            .flat_map(|(r, row)| row.iter().enumerate().map(move |(c, &v)| (v, r, c)))
            .filter(|(v, _, _)| *v > 0.0)
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut out = vec![None; rows];
        let mut taken = vec![false; columns];
        for (_, r, c) in all {
            if out[r].is_none() && !taken[c] {
                out[r] = Some(c);
                taken[c] = true;
            }
        }
        return out;
    }
    // Square cost matrix (minimising 1 − score), padded with zero-score cells.
    let n = rows.max(columns);
    let cost = |r: usize, c: usize| -> f64 {
        1.0 - scores
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0.0)
    };
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; n + 1];
    let mut way = vec![0usize; n + 1];
    // p[c]: the row (1-based) assigned to column c (1-based); 0 for none.
    let mut p = vec![0usize; n + 1];
    for r in 1..=n {
        p[0] = r;
        let mut c0 = 0usize;
        let mut minv = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[c0] = true;
            let r0 = p[c0];
            let mut delta = f64::INFINITY;
            let mut c1 = 0usize;
            for c in 1..=n {
                if used[c] {
                    continue;
                }
                let current = cost(r0 - 1, c - 1) - u[r0] - v[c];
                if current < minv[c] {
                    minv[c] = current;
                    way[c] = c0;
                }
                if minv[c] < delta {
                    delta = minv[c];
                    c1 = c;
                }
            }
            for c in 0..=n {
                if used[c] {
                    u[p[c]] += delta;
                    v[c] -= delta;
                } else {
                    minv[c] -= delta;
                }
            }
            c0 = c1;
            if p[c0] == 0 {
                break;
            }
        }
        loop {
            let c1 = way[c0];
            p[c0] = p[c1];
            c0 = c1;
            if c0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![None; rows];
    for (c, &r) in p.iter().enumerate().skip(1) {
        if r >= 1 && r <= rows && c <= columns {
            out[r - 1] = Some(c - 1);
        }
    }
    out
}

/// The distinct words of `text`, sorted: runs of letters and digits.
fn words(text: &str) -> Vec<Box<str>> {
    let mut out: Vec<Box<str>> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(Box::from)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Dice coefficient of two sorted word sets; 1.0 when either is empty (an item that is a
/// bare URL has no words: the URL decides, see [`Scorer::score`]).
fn word_dice(a: &[Box<str>], b: &[Box<str>]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 1.0;
    }
    let shared = a
        .iter()
        .filter(|word| b.binary_search(word).is_ok())
        .count();
    #[allow(clippy::cast_precision_loss)]
    let score = (2 * shared) as f64 / (a.len() + b.len()) as f64;
    score
}

/// Word similarity of two texts (the test of a pair made across hunks).
#[cfg(test)]
fn word_similarity(a: &str, b: &str) -> f64 {
    word_dice(&words(&without_urls(a)), &words(&without_urls(b)))
}

/// Dice coefficient over character bigrams: 1.0 for equal texts, 0.0 for nothing shared.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    dice(&bigrams(a), &bigrams(b))
}

fn bigrams(s: &str) -> Vec<u64> {
    let chars: Vec<char> = s.chars().collect();
    let mut grams: Vec<u64> = chars
        .windows(2)
        .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
        .collect();
    grams.sort_unstable();
    grams
}

fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let score = (2 * shared) as f64 / (a.len() + b.len()) as f64;
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(tracker: &mut Tracker, text: &str) -> Vec<Snap> {
        tracker.read_version(text)
    }

    fn kinds(tracker: &Tracker, id: LineageId) -> Vec<String> {
        tracker.lineages[id]
            .events
            .iter()
            .map(|e| format!("{}:{}", e.commit.unwrap_or(99), e.change.kind()))
            .collect()
    }

    #[test]
    fn stepping_a_version_to_itself_yields_no_events() {
        let mut tracker = Tracker::default();
        let text = "# R\n\n- [ ] One thing\n- [x] [P1] Two things\n";
        let first = version(&mut tracker, text);
        let state = tracker.start(&first, Origin::Commit(0), Start::Created);
        let again = version(&mut tracker, text);
        tracker.step(&state, &again, Origin::Commit(1), &[]);
        assert_eq!(kinds(&tracker, 0), ["0:added"]);
        assert_eq!(kinds(&tracker, 1), ["0:added"]);
    }

    #[test]
    fn check_reword_move_and_readd_keep_one_lineage() {
        let mut tracker = Tracker::default();
        let v0 = version(
            &mut tracker,
            "## A\n\n- [ ] Write the docs\n- [ ] Other\n\n## B\n\n- [ ] Keep\n",
        );
        let s0 = tracker.start(&v0, Origin::Commit(0), Start::Created);
        let v1 = version(
            &mut tracker,
            "## A\n\n- [x] Write the docs\n- [ ] Other\n\n## B\n\n- [ ] Keep\n",
        );
        let s1 = tracker.step(&s0, &v1, Origin::Commit(1), &[]);
        let v2 = version(
            &mut tracker,
            "## A\n\n- [x] Write the user docs\n- [ ] Other\n\n## B\n\n- [ ] Keep\n",
        );
        let s2 = tracker.step(&s1, &v2, Origin::Commit(2), &[]);
        let v3 = version(
            &mut tracker,
            "## A\n\n- [ ] Other\n\n## B\n\n- [ ] Keep\n- [x] Write the user docs\n",
        );
        let s3 = tracker.step(&s2, &v3, Origin::Commit(3), &[]);
        let v4 = version(&mut tracker, "## A\n\n- [ ] Other\n\n## B\n\n- [ ] Keep\n");
        let s4 = tracker.step(&s3, &v4, Origin::Commit(4), &[]);
        let v5 = version(
            &mut tracker,
            "## A\n\n- [ ] Other\n\n## B\n\n- [ ] Keep\n- [ ] Write the user docs\n",
        );
        tracker.step(&s4, &v5, Origin::Commit(5), &[]);
        assert_eq!(
            kinds(&tracker, 0),
            [
                "0:added",
                "1:checked",
                "2:reworded",
                "3:moved",
                "4:removed",
                "5:readded"
            ]
        );
    }

    #[test]
    fn pieces_read_the_same_items_as_the_whole_document() {
        let texts = [
            "# R\n\n- [ ] A [P1]\n  - [x] A.1\n\n## S\n\n- **Impact:** big\n- Plain\n### T\n- [ ] B\n",
            "Intro\n- [ ] Before any heading\n# H1\nSetext\n------\n- [ ] Under setext\n#NotAHeading\n- [x] X\n",
            "# Legend\n\n- **[P0]** - Critical\n- **[P1]** - High\n\n# Work\n\n- [ ] [P0] Fix\n<!-- tickmark-disable-next-line duplicate-item -->\n- [ ] Fix\n",
            "---\ntitle: R\n# not a heading\n- not an item\n---\n# R\n- [ ] A\n\n---\n## S\n- [ ] B\n---\n## T\n- [x] C\n",
            "# R\n\n---\ntitle: not front matter\n---\n- [ ] A\n",
            "# R\n<details>\n\n# In details\n- [ ] A\n</details>\n\n## S\n- [ ] B\n",
            "# R\n<details>\n# Not cut\n- [ ] A\n\n## S\n- [ ] B\n",
            "# R\n```md\n# code\n- [ ] not an item\n```\n## S\n- [ ] B\n",
            "# R\n````\n```\n# code\n````\n## S\n- [ ] B\n~~~\n# c\n~~~~\n# T\n- [x] C\n",
            "# R\n<!-- a\n# not a heading\n-->\n# H\n- [ ] A\n<!-- one line -->\n# I\n- [ ] B\n",
            "# R\n<pre>\n# pre\n\n# still pre\n</pre>\n# H\n- [ ] A\n",
            "- [ ] A\n  ```\n  code\n# H\n- [ ] B\n```\n# in fence\n```\n",
            "# R\n```\nunclosed\n# code\n- [ ] x\n",
            "# R\n## A\n- ### L\n  - [ ] x\n#### Deep\n- ### M\n  - [ ] y\n- [ ] z\n## B\n- ### N\n  - [ ] w\n",
            "- ### Before\n  - [ ] a\n# R\nSetext\n---\n- [ ] b\n- ## In list\n  - [ ] c\n",
        ];
        let mut corpus: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        for dir in ["tests/corpus", "../shared/seeds", "../rw-cache"] {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    corpus.push(lf_text(&text).into_owned());
                }
            }
        }
        for text in &corpus {
            let mut whole = Interner::default();
            let expected = snaps(&mut whole, &extract(text));
            let mut pieces = Interner::default();
            let got = snaps_memo(&mut pieces, &mut ChunkMemo::default(), text);
            let show = |interner: &Interner, list: &[Snap]| -> Vec<String> {
                list.iter()
                    .map(|s| {
                        format!(
                            "{} {} {:?} {:?} {:?} {:?}",
                            s.line,
                            interner.get(s.raw),
                            s.state,
                            s.priority,
                            s.section.map(|id| interner.get(id).clone()),
                            s.outer.map(|id| interner.get(id).clone())
                        )
                    })
                    .collect()
            };
            assert_eq!(show(&pieces, &got), show(&whole, &expected), "{text}");
        }
    }

    #[test]
    fn assignment_takes_the_best_total_not_the_best_pair() {
        let scores = vec![vec![0.9, 0.6], vec![0.6, 0.0]];
        assert_eq!(assign(&scores), [Some(1), Some(0)]);
        let wide = vec![vec![0.0, 0.0, 0.7], vec![0.8, 0.0, 0.0]];
        assert_eq!(assign(&wide), [Some(2), Some(0)]);
        let tall = vec![vec![0.5], vec![0.9], vec![0.2]];
        assert_eq!(assign(&tall), [None, Some(0), None]);
        assert!(without_urls("see https://x.org/a and www.y.org").trim() == "see and");
        let found: Vec<&str> =
            urls("[A](https://x.org/a) or <http://y.org/b>, https://z.org.").collect();
        assert_eq!(
            found,
            ["https://x.org/a", "http://y.org/b", "https://z.org"]
        );
    }

    #[test]
    fn section_names_drop_heading_marks_and_list_markers() {
        assert_eq!(section_name("### Phase 1"), "Phase 1");
        assert_eq!(section_name("- ### Phase 2"), "Phase 2");
        assert_eq!(section_name("* Later"), "Later");
        assert_eq!(section_name("C#"), "C#");
        assert_eq!(section_name("#1 priority"), "#1 priority");
        assert_eq!(section_name("1. Intro"), "1. Intro");
        assert_eq!(section_name("###"), "###");
        assert_eq!(
            section_name("[Version 0.3](https://example.com/p/5) and [x]"),
            "Version 0.3 and [x]"
        );
    }

    #[test]
    fn similarity_thresholds() {
        assert!(similarity("write the docs", "write the user docs") >= SIMILAR_TEXT);
        assert!(similarity("write the docs", "fix login crash") < IN_PLACE_SIMILARITY);
        assert!((similarity("same", "same") - 1.0).abs() < f64::EPSILON);
        // Letters alike, words not: no pair across hunks.
        let (merge, dp) = ("illustrating mergesort:", "illustrating the dp algorithm:");
        assert!(similarity(merge, dp) >= SIMILAR_TEXT);
        assert!(word_similarity(merge, dp) < SIMILAR_WORDS);
        assert!(word_similarity("add dark mode", "support dark mode in settings") >= SIMILAR_WORDS);
    }

    #[test]
    fn a_toc_entry_starts_with_a_link_to_a_heading() {
        assert!(toc_entry(
            "[Floating Point Numbers](#floating-point-numbers)"
        ));
        assert!(toc_entry(" [C++](#c-1) "));
        assert!(!toc_entry("**How floating point numbers are stored:**"));
        assert!(!toc_entry("[Docs](https://example.com/#intro)"));
        assert!(toc_entry(
            "[System Design](#system-design) (if you have 4+ years)"
        ));
        assert!(!toc_entry(
            "[Docs](https://example.com) and [Intro](#intro)"
        ));
        assert!(!toc_entry("[Empty](#)"));
    }

    #[test]
    fn words_margin() {
        // A lecture renamed continues it: it shares clearly more words with it than with the
        // next lecture of the list.
        let new = "cse373 2020 - lecture 23 - np-completeness (video";
        let was = word_similarity(
            new,
            "cse373 2012 - lecture 23 - introduction to np-completeness (video",
        );
        let next = word_similarity(
            new,
            "cse373 2012 - lecture 25 - np-completeness challenge (video",
        );
        assert!(was >= next + WORDS_MARGIN);
        // A summary line as like two removed items continues neither.
        let new = "housing system (decoration, room unlocking";
        let first = word_similarity(
            new,
            "housing system: drag-and-drop furniture arrangement (\"decoration mode",
        );
        let second = word_similarity(
            new,
            "housing system ii: wallpapers, flooring, and room expansions",
        );
        assert!(second < first + WORDS_MARGIN);
    }
}
