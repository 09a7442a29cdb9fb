//! Analysis that keeps up with an editor's keystrokes.
//!
//! [`Incremental`] holds a document cut into *shards* at its top-level headings: `#` and `##`
//! written at the start of a line. No Markdown block runs across such a heading, so a shard
//! parses alone exactly as it does inside the whole text, and every rule but two reads only
//! its own shard. An edit re-analyses the shards it touches. The two rules that read the
//! whole document are kept up to date from per-shard tables: `duplicate-item` from the
//! items' keys, `unknown-priority` from the legends.
//!
//! The diagnostics are always those [`super::analyze`] gives for the whole text. Where that
//! cannot be had cheaply, the document is analysed as one:
//! - a `##` heading inside a `#` section that has a tier, is a done or criteria section or
//!   claims progress does not start a shard (that section reaches into it), nor does a heading
//!   that a `tickmark-disable-next-line` comment above it targets;
//! - a document with link reference definitions or `tickmark-disable`/`enable` regions is a
//!   single shard, and so is one that opens front matter without closing it;
//! - an edit that moves where shards start, or leaves a block open at the end of its shard
//!   (an unclosed code fence or HTML block), re-cuts the whole document.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag};

use super::diagnostic::{Code, Diagnostic, Place};
use super::front_matter;
use super::index::Elsewhere;
use super::limits;
use super::model::{Document, ItemId, Level, Section, SectionId, Suppression};
use super::outline::{self, Fold};
use super::parallel;
use super::parse::{self, markdown_options};
use super::rules::{self, duplicate_item, progress_claim, unknown_priority};
use super::stats::Counts;
use super::stitch;
use super::text::{self, TextRange};
use super::{Inputs, Settings};

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A `duplicate-item` key, shared between the shard that has it and the document's tables.
type Key = std::sync::Arc<str>;

/// The items of a key: most keys have one, kept without an allocation of its own.
type Occurrences = smallvec::SmallVec<[Occurrence; 1]>;

/// An item that `duplicate-item` compares: its key, its id and its key's [`key_part`].
type Compared = (Key, ItemId, u8);

/// The key table is kept in this many parts, by a hash of the key, so that a whole
/// document's table and its `duplicate-item` findings are made on every core at once.
const KEY_PARTS: usize = 16;

/// Fewer compared items than this are tabled, and fewer shards than this given their
/// `unknown-priority` findings, on one thread: starting threads would take longer.
const PARALLEL_KEYS: usize = 4096;
const PARALLEL_SHARDS: usize = 64;

/// Adds `occurrence` to the items of `key` in `table`.
fn add_occurrence(table: &mut Map<Key, Occurrences>, key: &Key, occurrence: Occurrence) {
    if let Some(list) = table.get_mut(key) {
        list.push(occurrence);
    } else {
        table.insert(Key::clone(key), smallvec::smallvec![occurrence]);
    }
}

/// The part of the key table that holds `key`: a hash of its own, so that the part's map
/// still gets the whole of its hash.
fn key_part(key: &str) -> u8 {
    use std::hash::BuildHasher as _;
    let hash = foldhash::fast::FixedState::with_seed(0x7469_636b_6d61_726b).hash_one(key);
    (hash >> 60) as u8
}

/// A document under edit and its diagnostics, re-analysed shard by shard.
pub struct Incremental {
    /// In document order, covering the text without gaps; never empty. Each holds its own
    /// text: an edit rewrites the shards it touches, never the whole document.
    shards: Vec<Shard>,
    next_uid: u32,
    next_revision: u64,
    /// Where each shard is in `shards`, by uid (as of the last refresh).
    position: Map<u32, usize>,
    /// Analysed shards an edit replaced; their items leave the tables on the next refresh.
    replaced: Vec<Shard>,
    /// What the analysis was made with; a change re-analyses everything.
    settings: Settings,
    last_commit: Option<jiff::civil::Date>,
    today: Option<jiff::civil::Date>,
    /// Every item that `duplicate-item` compares, by key, in document order; in
    /// [`KEY_PARTS`] parts, by [`key_part`].
    keys: Vec<Map<Key, Occurrences>>,
    /// What `duplicate-item` found, by key.
    findings: Map<Key, Vec<Finding>>,
    /// The priority levels the whole document allows, and whether its legend says so.
    allowed: Vec<Level>,
    from_legend: bool,
}

impl std::fmt::Debug for Incremental {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incremental")
            .field("bytes", &self.len())
            .field("shards", &self.shards.len())
            .finish_non_exhaustive()
    }
}

struct Shard {
    uid: u32,
    start: usize,
    /// The line `start` is on.
    line: usize,
    text: String,
    /// `None` once an edit touched the shard, until the next refresh.
    analysed: Option<Analysed>,
    /// True when a `#` section that no `##` heading may cut is still open at the end.
    l1_open_after: bool,
}

struct Analysed {
    /// Shared with a stitch of the whole document made without the analysis (see
    /// [`Incremental::for_stitch`]).
    doc: std::sync::Arc<Document>,
    /// Every rule but the two that read the whole document; shard offsets.
    local: Vec<Diagnostic>,
    /// `local` and `unknown-priority` (with the whole document's legend), sorted.
    own: Vec<Diagnostic>,
    /// Changes whenever `own` does.
    revision: u64,
    /// The items `duplicate-item` compares.
    keys: Vec<Compared>,
    /// The progress of each section within the shard, once asked for.
    counts: std::sync::OnceLock<Vec<Counts>>,
    /// The shard's folds, in its own lines, once asked for.
    folds: std::sync::OnceLock<Vec<Fold>>,
}

/// One shard of an [`Incremental`], as [`Incremental::shards`] shows it.
#[derive(Clone, Copy)]
pub struct ShardView<'a> {
    /// Changes whenever the shard's diagnostics do, and differs between shards.
    pub revision: u64,
    /// Where the shard starts in the document: byte offset and line.
    pub start: usize,
    pub line: usize,
    pub text: &'a str,
    /// Lines of `text` alone.
    pub line_index: &'a super::text::LineIndex,
    /// The model of `text` alone: what [`super::parse`] gives for it.
    pub doc: &'a Document,
    /// Every rule's diagnostics but `duplicate-item`'s, in offsets of `text`, sorted.
    pub diagnostics: &'a [Diagnostic],
    analysed: &'a Analysed,
}

impl<'a> ShardView<'a> {
    /// The progress of each of the shard's sections within the shard
    /// ([`outline::section_counts`] of its model), made once per analysis of the shard.
    pub fn section_counts(&self) -> &'a [Counts] {
        self.analysed
            .counts
            .get_or_init(|| outline::section_counts(self.doc))
    }

    /// The shard's folds in its own lines ([`outline::folding_ranges`] of its model), made
    /// once per analysis of the shard.
    pub fn folds(&self) -> &'a [Fold] {
        self.analysed
            .folds
            .get_or_init(|| outline::folding_ranges(self.text, self.doc))
    }
}

/// The whole text, the shards' models and the diagnostics of an [`Incremental`], to stitch
/// into the [`Incremental::analysis`] elsewhere (see [`Incremental::for_stitch`]).
pub struct Pieces {
    pub text: String,
    /// Each shard's start, line and model.
    parts: Vec<(usize, usize, std::sync::Arc<Document>)>,
    diagnostics: Vec<Diagnostic>,
}

impl Pieces {
    /// The workspace index's entry for the text, from the shards' models (see
    /// [`FileIndex::from_parts`]).
    pub fn file_index(&self, encoding: super::Encoding) -> super::index::FileIndex {
        let parts: Vec<stitch::Part<'_>> = self.parts().collect();
        super::index::FileIndex::from_parts(&self.text, &parts, encoding)
    }

    fn parts(&self) -> impl Iterator<Item = stitch::Part<'_>> + '_ {
        self.parts.iter().map(|(start, line, doc)| stitch::Part {
            start: *start,
            line: *line,
            doc: doc.as_ref(),
        })
    }

    /// The whole text and its analysis, as [`Incremental::analysis`] gives them.
    pub fn analysis(self) -> (String, super::Analysis) {
        let document = stitch::stitch(&self.text, self.parts());
        let analysis = super::Analysis {
            document,
            diagnostics: self.diagnostics,
        };
        (self.text, analysis)
    }
}

/// An item of a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Occurrence {
    shard: u32,
    item: ItemId,
}

enum Finding {
    Duplicate {
        at: Occurrence,
        first: Occurrence,
        removable: bool,
    },
    Elsewhere {
        at: Occurrence,
        other: Elsewhere,
    },
}

/// The rules a shard runs alone.
fn local_rule(code: Code) -> bool {
    !matches!(
        code,
        Code::DuplicateItem | Code::UnknownPriority | Code::LimitReached
    )
}

impl Incremental {
    /// Analyses `text` whole and cuts it into shards.
    pub fn new(text: String, inputs: &Inputs<'_>, settings: &Settings) -> Self {
        let mut this = Self {
            shards: Vec::new(),
            next_uid: 0,
            next_revision: 0,
            position: Map::default(),
            replaced: Vec::new(),
            settings: settings.clone(),
            last_commit: inputs.last_commit,
            today: inputs.today,
            keys: std::iter::repeat_with(Map::default)
                .take(KEY_PARTS)
                .collect(),
            findings: Map::default(),
            allowed: Vec::new(),
            from_legend: false,
        };
        this.rebuild(text, inputs);
        this
    }

    /// [`Self::new`] with the text parsed in about `chunks` pieces at once, one thread each,
    /// whatever its size, or `None` when it is not cut in chunks (then `new` parses it
    /// whole): how tests reach the parallel path.
    #[doc(hidden)]
    pub fn new_in_chunks(
        text: &str,
        chunks: usize,
        inputs: &Inputs<'_>,
        settings: &Settings,
    ) -> Option<Self> {
        let mut this = Self::new(String::new(), inputs, settings);
        let shards = this.in_chunks(text, chunks, chunks, inputs)?;
        let fresh: Vec<u32> = shards.iter().map(|s| s.uid).collect();
        this.replaced.clear();
        this.shards = shards;
        this.update_tables(&fresh, inputs);
        Some(this)
    }

    /// The whole text (put together from the shards).
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.len());
        for shard in &self.shards {
            text.push_str(&shard.text);
        }
        text
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> usize {
        self.shards.last().map_or(0, |s| s.start + s.text.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many shards the document is cut into (1 when it is analysed whole).
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Replaces `range` of the current text with `insert`. The analysis catches up on the
    /// next [`Self::refresh`]; several edits may come in between.
    pub fn edit(&mut self, range: TextRange, insert: &str) {
        let total = self.len();
        let start = range.start.min(total);
        let end = range.end.clamp(start, total);
        let mut first = self.shards.partition_point(|s| s.start <= start) - 1;
        // An edit at the start of a heading line may stop it being one.
        if first > 0 && self.shards[first].start == start {
            first -= 1;
        }
        let last = (self.shards.partition_point(|s| s.start <= end) - 1).max(first);
        let merged_start = self.shards[first].start;
        let mut text = String::new();
        for s in &self.shards[first..=last] {
            text.push_str(&s.text);
        }
        let local_start = floor_char_boundary(&text, start - merged_start);
        let local_end = floor_char_boundary(&text, end - merged_start).max(local_start);
        // Lines counted around the edit, one byte either side: removing the `\n` of a
        // `\r\n` leaves a lone `\r`, still one line break.
        let before = local_start.saturating_sub(1);
        let after = (local_end + 1).min(text.len());
        let removed_lines = text::count_line_breaks(&text.as_bytes()[before..after]);
        text.replace_range(local_start..local_end, insert);
        let after = (local_start + insert.len() + (after - local_end)).min(text.len());
        let added_lines = text::count_line_breaks(&text.as_bytes()[before..after]);
        let merged = Shard {
            uid: self.fresh_uid(),
            start: merged_start,
            line: self.shards[first].line,
            text,
            analysed: None,
            l1_open_after: self.shards[last].l1_open_after,
        };
        let old: Vec<Shard> = self.shards.splice(first..=last, [merged]).collect();
        self.replaced
            .extend(old.into_iter().filter(|s| s.analysed.is_some()));
        let removed = local_end - local_start;
        for s in &mut self.shards[first + 1..] {
            s.start = s.start + insert.len() - removed;
            s.line = s.line + added_lines - removed_lines;
        }
    }

    /// Brings the analysis up to date with the text, `inputs` and `settings`.
    pub fn refresh(&mut self, inputs: &Inputs<'_>, settings: &Settings) {
        if *settings != self.settings
            || inputs.last_commit != self.last_commit
            || inputs.today != self.today
        {
            self.settings = settings.clone();
            self.last_commit = inputs.last_commit;
            self.today = inputs.today;
            self.rebuild(self.text(), inputs);
            return;
        }
        if self.shards.iter().all(|s| s.analysed.is_some()) {
            return;
        }
        let mut fresh = Vec::new();
        let mut i = 0;
        while i < self.shards.len() {
            if self.shards[i].analysed.is_some() {
                i += 1;
                continue;
            }
            let Some(pieces) = self.reanalyse(i, inputs) else {
                self.rebuild(self.text(), inputs);
                return;
            };
            let n = pieces.len();
            fresh.extend(pieces.iter().map(|s| s.uid));
            self.shards.splice(i..=i, pieces);
            i += n;
        }
        self.update_tables(&fresh, inputs);
    }

    /// The diagnostics of the whole text, as [`super::analyze`] gives them. Call
    /// [`Self::refresh`] after editing first.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // Past the size limits `progress-claim` is skipped, as on the whole text.
        let costly_skipped = self.exceeded().is_some_and(|e| e.skips_costly());
        for shard in &self.shards {
            let Some(a) = &shard.analysed else {
                debug_assert!(false, "diagnostics asked before a refresh");
                continue;
            };
            out.extend(
                a.own
                    .iter()
                    .filter(|d| !(costly_skipped && d.code == Code::ProgressClaim))
                    .map(|d| shifted(d, shard.start)),
            );
        }
        out.extend(self.document_wide());
        rules::sort(&mut out);
        out
    }

    /// Whether any diagnostic of the whole text (of [`Self::diagnostics`]) passes `f`.
    pub fn any_diagnostic(&self, f: impl Fn(&Diagnostic) -> bool) -> bool {
        let costly_skipped = self.exceeded().is_some_and(|e| e.skips_costly());
        self.shards
            .iter()
            .filter_map(|shard| shard.analysed.as_ref())
            .flat_map(|a| &a.own)
            .any(|d| !(costly_skipped && d.code == Code::ProgressClaim) && f(d))
            || self.document_wide().iter().any(f)
    }

    /// The diagnostics of the whole text (of [`Self::diagnostics`]) that start in `shard`,
    /// sorted, each twice: in the shard's offsets without its related places, and as it is
    /// in the whole text. `None` when one of them, or a fix of it, reaches out of the shard.
    pub fn diagnostics_in(&self, shard: &ShardView<'_>) -> Option<Vec<(Diagnostic, Diagnostic)>> {
        let costly_skipped = self.exceeded().is_some_and(|e| e.skips_costly());
        let end = shard.start + shard.text.len();
        let mut out = Vec::new();
        for d in shard
            .diagnostics
            .iter()
            .filter(|d| !(costly_skipped && d.code == Code::ProgressClaim))
        {
            let whole = shifted(d, shard.start);
            out.push((localized(&whole, shard.start, end)?, whole));
        }
        for d in self.document_wide() {
            if d.range.start >= shard.start && d.range.start < end {
                out.push((localized(&d, shard.start, end)?, d));
            }
        }
        out.sort_by(|(a, _), (b, _)| rules::order(a, b));
        Some(out)
    }

    /// The priority levels the whole document allows: its legend's, else the default ones
    /// ([`Document::allowed_levels`] of the whole text).
    pub fn allowed_levels(&self) -> &[Level] {
        &self.allowed
    }

    /// The model of the whole text, stitched from the shards' own: what [`super::parse`]
    /// gives for the whole text, without parsing it again. Call [`Self::refresh`] after
    /// editing first.
    pub fn document(&self) -> Document {
        self.document_of(&self.text())
    }

    /// The whole text, and its document and diagnostics as [`super::analyze`] gives them.
    pub fn analysis(&self) -> (String, super::Analysis) {
        self.for_stitch().analysis()
    }

    /// Each shard's start, line and model, in order: the document in parts, for a reader that
    /// needs no model of the whole text.
    pub fn parts(&self) -> Vec<stitch::Part<'_>> {
        self.shards()
            .map(|shard| stitch::Part {
                start: shard.start,
                line: shard.line,
                doc: shard.doc,
            })
            .collect()
    }

    /// What [`Self::analysis`] is made of, taken so that the whole document can be stitched
    /// without holding the analysis (the shards' models are shared, not copied).
    pub fn for_stitch(&self) -> Pieces {
        Pieces {
            diagnostics: self.diagnostics(),
            ..self.for_index()
        }
    }

    /// The whole text and the shards' models (shared, not copied), for the workspace index:
    /// taken so that the document can be indexed ([`Pieces::file_index`]) without holding
    /// the analysis, and without stitching it.
    pub fn for_index(&self) -> Pieces {
        Pieces {
            text: self.text(),
            parts: self
                .shards
                .iter()
                .filter_map(|shard| {
                    let a = shard.analysed.as_ref()?;
                    Some((shard.start, shard.line, std::sync::Arc::clone(&a.doc)))
                })
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    /// The stitched document; `text` is the whole text.
    fn document_of(&self, text: &str) -> Document {
        stitch::stitch(text, self.parts())
    }

    /// Each shard with the diagnostics of every rule but `duplicate-item`, for a caller that
    /// converts them shard by shard and keeps what did not change: add
    /// [`Self::document_wide`] for the whole list.
    pub fn shards(&self) -> impl Iterator<Item = ShardView<'_>> + '_ {
        self.shards.iter().filter_map(|shard| {
            let a = shard.analysed.as_ref()?;
            Some(ShardView {
                revision: a.revision,
                start: shard.start,
                line: shard.line,
                text: shard.text.as_str(),
                line_index: &a.doc.line_index,
                doc: a.doc.as_ref(),
                diagnostics: &a.own,
                analysed: a,
            })
        })
    }

    /// The `duplicate-item` diagnostics, which may point from one shard into another, in
    /// document offsets, sorted.
    pub fn document_wide(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let exceeded = self.exceeded();
        if let Some(severity) = self.settings.severity(Code::LimitReached) {
            out.extend(exceeded.map(|e| {
                let mut d = e.diagnostic();
                rules::grade(&mut d, severity);
                d
            }));
        }
        let costly_skipped = exceeded.is_some_and(|e| e.skips_costly());
        if let Some(severity) = self
            .settings
            .severity(Code::DuplicateItem)
            .filter(|_| !costly_skipped)
        {
            for finding in self.findings.values().flatten() {
                if let Some(mut d) = self.render(finding) {
                    rules::grade(&mut d, severity);
                    out.push(d);
                }
            }
        }
        rules::sort(&mut out);
        out
    }

    /// The limits the whole text passes, from the shards' own models (as
    /// [`limits::exceeded`] finds them on the whole text).
    pub fn exceeded(&self) -> Option<limits::Exceeded> {
        let mut exceeded = limits::Exceeded {
            bytes: self.len() > limits::MAX_BYTES,
            ..limits::Exceeded::default()
        };
        for shard in &self.shards {
            let Some(a) = &shard.analysed else { continue };
            exceeded.deep = exceeded
                .deep
                .or_else(|| a.doc.depth_cut.map(|l| shard.line + l));
            exceeded.long_line = exceeded.long_line.or_else(|| {
                limits::first_long_line(&shard.text, &a.doc.line_index).map(|l| shard.line + l)
            });
        }
        exceeded.or_none()
    }

    fn fresh_uid(&mut self) -> u32 {
        self.next_uid += 1;
        self.next_uid
    }

    /// Analyses the whole `text` again and cuts it anew.
    fn rebuild(&mut self, text: String, inputs: &Inputs<'_>) {
        let (chunks, threads) = if text.len() >= PARALLEL_BYTES {
            let cores = parallel::cores();
            (text.len().div_ceil(CHUNK_BYTES).max(cores), cores)
        } else {
            (1, 1)
        };
        self.rebuild_in(text, chunks, threads, inputs);
    }

    /// [`Self::rebuild`] with the text parsed in up to `chunks` pieces, on `threads` threads,
    /// when the document can be cut there; else whole.
    fn rebuild_in(&mut self, text: String, chunks: usize, threads: usize, inputs: &Inputs<'_>) {
        self.replaced.clear();
        self.keys.iter_mut().for_each(Map::clear);
        self.findings.clear();
        self.shards.clear();
        let shards = match self.in_chunks(&text, chunks, threads, inputs) {
            Some(shards) => shards,
            None => self.whole(text, inputs),
        };
        let fresh: Vec<u32> = shards.iter().map(|s| s.uid).collect();
        self.shards = shards;
        self.update_tables(&fresh, inputs);
    }

    /// The shards of `text`, parsed as one.
    fn whole(&mut self, text: String, inputs: &Inputs<'_>) -> Vec<Shard> {
        let settings = self.settings.clone();
        let doc = parse::parse(&text, &settings.states);
        let cuts = if is_cuttable(&text, &doc) {
            cut_points(&text, &doc, false)
        } else {
            Vec::new()
        };
        if cuts.is_empty() {
            let uid = self.fresh_uid();
            let l1_open_after = l1_open_after(&text, &doc, false);
            let analysed = analysed(&text, doc, inputs, &settings);
            vec![Shard {
                uid,
                start: 0,
                line: 0,
                text,
                analysed: Some(analysed),
                l1_open_after,
            }]
        } else {
            self.pieces((0, 0), &text, &doc, &cuts, false, inputs)
        }
    }

    /// The shards of `text`, parsed in about `chunks` pieces on `threads` threads; `None`
    /// when the text has no place to cut it, or something in it reaches across headings
    /// (then it is parsed whole).
    ///
    /// Each chunk is parsed, cut and its pieces analysed on its own, as if it started the
    /// text with no `#` section open. The cut before a chunk is then checked in order: it
    /// must be one the whole text makes (else the chunk is parsed again together with the
    /// one before it), and a chunk after an open `#` section is cut again when that cuts it
    /// otherwise.
    fn in_chunks(
        &mut self,
        text: &str,
        chunks: usize,
        threads: usize,
        inputs: &Inputs<'_>,
    ) -> Option<Vec<Shard>> {
        let starts = chunk_starts(text, chunks);
        if starts.len() < 2 {
            return None;
        }
        let settings = self.settings.clone();
        let ranges: Vec<(usize, usize)> = starts
            .iter()
            .zip(starts.iter().skip(1).chain([&text.len()]))
            .map(|(&a, &b)| (a, b))
            .collect();
        let parsed = parallel::map(&ranges, threads, |&(a, b)| {
            Chunk::of(&text[a..b], inputs, &settings)
        });
        // Chunks parsed again, merged with the one before: at most the text once more, past
        // which it is parsed whole (a fence left open near the top fails every cut after it).
        let mut budget = text.len();
        let mut runs: Vec<Run> = Vec::with_capacity(ranges.len());
        for (chunk, &(a, b)) in parsed.into_iter().zip(&ranges) {
            let (mut a, mut chunk) = (a, chunk);
            loop {
                if !chunk.cuttable {
                    return None;
                }
                let l1_open = runs.last().is_some_and(|r| r.l1_open_after);
                if runs
                    .last()
                    .is_none_or(|prev| prev.joins(text, a, &chunk, l1_open))
                {
                    runs.push(Run::new(text, a, chunk, l1_open, inputs, &settings));
                    break;
                }
                let prev = runs
                    .pop()
                    .expect("a run before a chunk that does not join it");
                budget = budget.checked_sub(b - prev.start)?;
                a = prev.start;
                chunk = Chunk::of(&text[a..b], inputs, &settings);
            }
        }
        let mut shards = Vec::new();
        let mut line = 0;
        for run in runs {
            for (p, l1_open_after) in run.pieces {
                let shard = self.shard((&text[run.start..], run.start), line, p, l1_open_after);
                line += count_lines(&shard.text);
                shards.push(shard);
            }
        }
        Some(shards)
    }

    /// The shard of `piece`, cut from `text`, which starts at byte `start` of the document;
    /// the piece starts on the document's line `line`.
    fn shard(
        &mut self,
        (text, start): (&str, usize),
        line: usize,
        piece: Piece,
        l1_open_after: bool,
    ) -> Shard {
        let own = &text[piece.start..piece.end];
        debug_assert_parsed_alone(own, &piece, &self.settings);
        Shard {
            uid: self.fresh_uid(),
            start: start + piece.start,
            line,
            text: own.to_owned(),
            analysed: Some(piece.analysed),
            l1_open_after,
        }
    }

    /// Re-analyses the edited shard at `i`, cut into pieces when it now holds top-level
    /// headings; `None` when the edit may have changed where other shards start.
    fn reanalyse(&mut self, i: usize, inputs: &Inputs<'_>) -> Option<Vec<Shard>> {
        let shard = &self.shards[i];
        let owned = shard.text.clone();
        let text = owned.as_str();
        let l1_in = i > 0 && self.shards[i - 1].l1_open_after;
        let doc = parse::parse(text, &self.settings.states);
        if !is_cuttable(text, &doc) {
            return None;
        }
        // It must still start with a heading that cuts.
        if shard.start > 0 {
            let starts = doc.sections.first().is_some_and(|s| {
                s.heading.start == 0 && cuts_at(text, s) && (s.level == 1 || !l1_in)
            });
            if !starts {
                return None;
            }
        }
        // And the next shard's heading must still be one, with the same `#` section open.
        if let Some(next) = self.shards.get(i + 1) {
            let rest = next.text.as_str();
            let heading = &rest[..text::next_line_start(rest.as_bytes(), 0)];
            let lines = count_lines(text);
            let targets_next = doc
                .suppressions
                .iter()
                .any(|s| matches!(s, Suppression::Line { line, .. } if *line >= lines));
            if targets_next
                || l1_open_after(text, &doc, l1_in) != shard.l1_open_after
                || !heading_follows(text, heading)
            {
                return None;
            }
        }
        let cuts = cut_points(text, &doc, l1_in);
        let (start, line) = (shard.start, shard.line);
        if cuts.is_empty() {
            let settings = self.settings.clone();
            let l1_open_after = l1_open_after(text, &doc, l1_in);
            let analysed = analysed(text, doc, inputs, &settings);
            self.next_uid += 1;
            return Some(vec![Shard {
                uid: self.next_uid,
                start,
                line,
                text: owned,
                analysed: Some(analysed),
                l1_open_after,
            }]);
        }
        Some(self.pieces((start, line), text, &doc, &cuts, l1_in, inputs))
    }

    /// `whole`, a text from `start` (on `line`) whose document is `doc`, cut at `cuts`
    /// (relative to `start`), each piece analysed alone; the pieces' documents are cut from
    /// `doc`, not parsed again.
    fn pieces(
        &mut self,
        (start, line): (usize, usize),
        whole: &str,
        doc: &Document,
        cuts: &[usize],
        mut l1_open: bool,
        inputs: &Inputs<'_>,
    ) -> Vec<Shard> {
        let settings = self.settings.clone();
        let pieces = analysed_pieces(whole, doc, cuts, inputs, &settings);
        let mut out = Vec::with_capacity(pieces.len());
        let mut line = line;
        for p in pieces {
            l1_open = p.open.after(l1_open);
            let shard = self.shard((whole, start), line, p, l1_open);
            line += count_lines(&shard.text);
            out.push(shard);
        }
        out
    }

    /// After shards were replaced: the key table, the legend and what `duplicate-item`
    /// found, for the keys whose items changed.
    fn update_tables(&mut self, fresh: &[u32], inputs: &Inputs<'_>) {
        self.position = self
            .shards
            .iter()
            .enumerate()
            .map(|(i, s)| (s.uid, i))
            .collect();
        let replaced = std::mem::take(&mut self.replaced);
        // After a rebuild every key is new: no list to clean up, none to name twice.
        let rebuilt = replaced.is_empty() && self.keys.iter().all(Map::is_empty);
        if rebuilt {
            self.keys = self.tabled(fresh);
        }
        let mut touched: Vec<(u8, Key)> = Vec::new();
        let gone: Vec<u32> = replaced.iter().map(|s| s.uid).collect();
        for shard in &replaced {
            for (key, _, part) in &shard.analysed.as_ref().expect("analysed").keys {
                let table = &mut self.keys[usize::from(*part)];
                if let Some(list) = table.get_mut(key) {
                    list.retain(|o| !gone.contains(&o.shard));
                    if list.is_empty() {
                        table.remove(key);
                    }
                }
                touched.push((*part, key.clone()));
            }
        }
        if !rebuilt {
            for &uid in fresh {
                let shard = &self.shards[self.position[&uid]];
                for (key, item, part) in &shard.analysed.as_ref().expect("analysed").keys {
                    let occurrence = Occurrence {
                        shard: uid,
                        item: *item,
                    };
                    add_occurrence(&mut self.keys[usize::from(*part)], key, occurrence);
                    touched.push((*part, key.clone()));
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();

        // The legend of the whole document decides `unknown-priority` everywhere.
        let mut levels: Vec<Level> = self
            .shards
            .iter()
            .flat_map(|s| &s.analysed.as_ref().expect("analysed").doc.legend)
            .map(|e| e.level)
            .collect();
        let from_legend = !levels.is_empty();
        if from_legend {
            levels.sort_unstable();
            levels.dedup();
        } else {
            levels.clone_from(&self.settings.default_priorities);
        }
        let all = levels != self.allowed || from_legend != self.from_legend;
        self.allowed = levels;
        self.from_legend = from_legend;
        let fresh_set: foldhash::HashSet<u32> = fresh.iter().copied().collect();
        let redo: Vec<usize> = (0..self.shards.len())
            .filter(|&i| all || fresh_set.contains(&self.shards[i].uid))
            .collect();
        let threads = parallel::threads_for(redo.len(), PARALLEL_SHARDS);
        let owns = parallel::map(&redo, threads, |&i| self.own_of(&self.shards[i]));
        for (i, own) in redo.into_iter().zip(owns) {
            self.next_revision += 1;
            let a = self.shards[i].analysed.as_mut().expect("analysed");
            a.own = own;
            a.revision = self.next_revision;
        }

        if rebuilt {
            let parts: Vec<usize> = (0..KEY_PARTS).collect();
            let items: usize = self.keys.iter().map(Map::len).sum();
            let threads = parallel::threads_for(items, PARALLEL_KEYS);
            let found = parallel::map(&parts, threads, |&part| {
                self.keys[part]
                    .iter()
                    .filter_map(|(key, list)| {
                        let found = self.find_duplicates(key, list, inputs);
                        (!found.is_empty()).then(|| (key.clone(), found))
                    })
                    .collect::<Vec<_>>()
            });
            self.findings = found.into_iter().flatten().collect();
            return;
        }
        for (part, key) in touched {
            let found = match self.keys[usize::from(part)].get(&key) {
                Some(list) => self.find_duplicates(&key, list, inputs),
                None => Vec::new(),
            };
            if found.is_empty() {
                self.findings.remove(&key);
            } else {
                self.findings.insert(key, found);
            }
        }
    }

    /// The key table of the shards `fresh`, in their order: each part made on its own, on
    /// every core when there are many items.
    fn tabled(&self, fresh: &[u32]) -> Vec<Map<Key, Occurrences>> {
        let shards: Vec<(u32, &[Compared])> = fresh
            .iter()
            .map(|&uid| {
                let shard = &self.shards[self.position[&uid]];
                (uid, &shard.analysed.as_ref().expect("analysed").keys[..])
            })
            .collect();
        let items: usize = shards.iter().map(|(_, keys)| keys.len()).sum();
        let threads = parallel::threads_for(items, PARALLEL_KEYS);
        let parts: Vec<u8> = (0..KEY_PARTS as u8).collect();
        parallel::map(&parts, threads, |&part| {
            let mut table: Map<Key, Occurrences> = Map::default();
            table.reserve(items / KEY_PARTS);
            for &(uid, keys) in &shards {
                for (key, item, _) in keys.iter().filter(|k| k.2 == part) {
                    let occurrence = Occurrence {
                        shard: uid,
                        item: *item,
                    };
                    add_occurrence(&mut table, key, occurrence);
                }
            }
            table
        })
    }

    /// A shard's own diagnostics: its rules' and `unknown-priority`'s, sorted.
    fn own_of(&self, shard: &Shard) -> Vec<Diagnostic> {
        let a = shard.analysed.as_ref().expect("analysed");
        let mut own = a.local.clone();
        own.extend(self.priority_of(shard));
        rules::sort(&mut own);
        own
    }

    fn priority_of(&self, shard: &Shard) -> Vec<Diagnostic> {
        let Some(severity) = self.settings.severity(Code::UnknownPriority) else {
            return Vec::new();
        };
        let a = shard.analysed.as_ref().expect("analysed");
        let mut out = Vec::new();
        unknown_priority::check_with(
            shard.text.as_str(),
            a.doc.as_ref(),
            &self.allowed,
            self.from_legend,
            &mut out,
        );
        for d in &mut out {
            rules::grade(d, severity);
        }
        rules::retain_unsuppressed(a.doc.as_ref(), &mut out);
        out
    }

    fn doc_of(&self, uid: u32) -> (&Shard, &Document) {
        let shard = &self.shards[self.position[&uid]];
        (
            shard,
            shard.analysed.as_ref().expect("analysed").doc.as_ref(),
        )
    }

    fn order(&self, o: Occurrence) -> (usize, ItemId) {
        (self.position[&o.shard], o.item)
    }

    /// `duplicate-item` for one key, as the rule walks the document: each occurrence after
    /// the first that it duplicates (any earlier one when it is top-level; a sibling or an
    /// unrelated top-level item when it is a subtask), else the same item in another file.
    fn find_duplicates(&self, key: &str, list: &[Occurrence], inputs: &Inputs<'_>) -> Vec<Finding> {
        if let [o] = *list {
            // Alone in the document: only another file can hold it.
            let (_, doc) = self.doc_of(o.shard);
            let top = doc.items[o.item].parent().is_none();
            return inputs
                .elsewhere
                .and_then(|e| e.same_item(&key[1..], top, key.starts_with('t')))
                .map(|other| vec![Finding::Elsewhere { at: o, other }])
                .unwrap_or_default();
        }
        let mut list = list.to_vec();
        list.sort_by_key(|&o| self.order(o));
        let mut found = Vec::new();
        let mut first_of_all: Option<Occurrence> = None;
        let mut top_level: [Option<Occurrence>; 2] = [None, None];
        let mut under: Map<(u32, ItemId), Occurrence> = Map::default();
        let mut in_section: Map<(u32, SectionId), Occurrence> = Map::default();
        let one_word = !key.contains(' ');
        for &o in &list {
            let (_, doc) = self.doc_of(o.shard);
            let parent = doc.items[o.item].parent();
            let apart =
                |other: Occurrence| duplicate_item::apart(self.spot(other), self.spot(o), one_word);
            let first_here = doc.items[o.item]
                .section()
                .map(|s| *in_section.entry((o.shard, s)).or_insert(o))
                .filter(|&f| f != o && !apart(f));
            let first = match parent {
                None => first_of_all.and_then(|f| if apart(f) { first_here } else { Some(f) }),
                Some(parent) => {
                    let root = Occurrence {
                        shard: o.shard,
                        item: root_of(doc, o.item),
                    };
                    let top = top_level
                        .iter()
                        .flatten()
                        .copied()
                        .find(|&t| t != root && !apart(t));
                    let sibling = under
                        .get(&(o.shard, parent))
                        .copied()
                        .filter(|&s| !apart(s));
                    match (top, sibling) {
                        (Some(a), Some(b)) => {
                            Some(if self.order(a) <= self.order(b) { a } else { b })
                        }
                        (a, b) => a.or(b),
                    }
                }
            };
            match first {
                Some(first) => {
                    let (dup_shard, dup_doc) = self.doc_of(o.shard);
                    let (first_shard, first_doc) = self.doc_of(first.shard);
                    found.push(Finding::Duplicate {
                        at: o,
                        first,
                        removable: duplicate_item::loses_nothing_between(
                            dup_shard.text.as_str(),
                            dup_doc,
                            o.item,
                            first_shard.text.as_str(),
                            first_doc,
                            first.item,
                        ),
                    });
                }
                None => {
                    if let Some(other) = inputs.elsewhere.and_then(|e| {
                        e.same_item(&key[1..], parent.is_none(), key.starts_with('t'))
                    }) {
                        found.push(Finding::Elsewhere { at: o, other });
                    }
                }
            }
            first_of_all.get_or_insert(o);
            match parent {
                None => {
                    if let Some(slot) = top_level.iter_mut().find(|t| t.is_none()) {
                        *slot = Some(o);
                    }
                }
                Some(parent) => {
                    under.entry((o.shard, parent)).or_insert(o);
                }
            }
        }
        found
    }

    /// An occurrence as [`duplicate_item::apart`] reads it.
    fn spot(&self, o: Occurrence) -> duplicate_item::Spot<'_> {
        let (shard, doc) = self.doc_of(o.shard);
        duplicate_item::Spot {
            text: shard.text.as_str(),
            doc,
            item: o.item,
            part: o.shard,
        }
    }

    /// The diagnostic of a finding, in whole-text offsets; `None` when a comment silences it.
    fn render(&self, finding: &Finding) -> Option<Diagnostic> {
        let at = match finding {
            Finding::Duplicate { at, .. } | Finding::Elsewhere { at, .. } => *at,
        };
        let (shard, doc) = self.doc_of(at.shard);
        let text = shard.text.as_str();
        let item = &doc.items[at.item];
        if rules::is_suppressed_at(doc, Code::DuplicateItem, item.text.start) {
            return None;
        }
        let range = item.text.shift(shard.start);
        Some(match finding {
            Finding::Duplicate {
                first, removable, ..
            } => {
                let (first_shard, first_doc) = self.doc_of(first.shard);
                let first_item = &first_doc.items[first.item];
                let removal =
                    removable.then(|| rules::item_lines(text, doc, at.item).shift(shard.start));
                duplicate_item::duplicate_of(
                    range,
                    first_shard.text.as_str(),
                    first_item.text,
                    first_shard.line + first_item.line,
                    first_item.text.shift(first_shard.start),
                    removal,
                )
            }
            Finding::Elsewhere { other, .. } => {
                duplicate_item::in_another_file(text, item.text, range, other.clone())
            }
        })
    }
}

/// Below this many bytes a document is parsed on one thread: starting threads would cost
/// more than they save.
const PARALLEL_BYTES: usize = 256 * 1024;

/// About how much text a chunk of a large document holds when it is parsed in chunks: small
/// enough that each chunk is parsed in memory the chunks before it used and freed (parsed
/// in one piece per core, a fresh process's first large document spent a third of its parse
/// faulting in new pages), large enough to hold many shards.
const CHUNK_BYTES: usize = 32 * 1024;

/// Where to cut `text` into about `chunks` pieces of equal size, for parsing them at once:
/// 0, then the start of the first `#` or `##` heading line after each equal share. The
/// pieces are checked afterwards: this is only where to try.
fn chunk_starts(text: &str, chunks: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    for k in 1..chunks {
        let target = (text.len() * k / chunks).max(starts[starts.len() - 1] + 1);
        let mut at = target;
        let found = loop {
            // The next line start at or after `at`.
            let Some(nl) = memchr::memchr(b'\n', &bytes[at.saturating_sub(1)..]) else {
                break None;
            };
            let line = at.saturating_sub(1) + nl + 1;
            if line >= bytes.len() {
                break None;
            }
            let hashes = bytes[line..]
                .iter()
                .take(3)
                .take_while(|&&b| b == b'#')
                .count();
            if (1..=2).contains(&hashes)
                && matches!(
                    bytes.get(line + hashes),
                    None | Some(b' ' | b'\t' | b'\r' | b'\n')
                )
            {
                break Some(line);
            }
            at = line + 1;
        };
        match found {
            Some(line) if line > starts[starts.len() - 1] => starts.push(line),
            Some(_) => {}
            None => break,
        }
    }
    starts
}

/// The documents of `text` (whose document is `doc`) cut at `cuts`, as [`stitch::split`]
/// gives them.
fn split_at(text: &str, doc: &Document, cuts: &[usize]) -> Vec<Document> {
    let mut bounds = Vec::with_capacity(cuts.len() + 1);
    bounds.push(0);
    bounds.extend_from_slice(cuts);
    stitch::split(text, doc, &bounds)
}

/// A chunk of a text parsed on its own (see [`Incremental::in_chunks`]): its pieces and
/// what deciding whether the whole text cuts before it takes. Its document is not kept.
struct Chunk {
    /// Nothing in it reaches across headings ([`is_cuttable`]).
    cuttable: bool,
    /// The level of its first line's heading, when that heading cuts.
    first_heading: Option<u8>,
    /// A `tickmark-disable-next-line` on its last line targets the line after it.
    targets_next: bool,
    /// Each piece between the cuts made when no `#` section is open at its start, analysed.
    pieces: Vec<Piece>,
    /// The cuts made when a `#` section is open at its start, when they are other ones.
    cuts_when_open: Option<Vec<usize>>,
}

impl Chunk {
    fn of(text: &str, inputs: &Inputs<'_>, settings: &Settings) -> Self {
        let doc = parse::parse(text, &settings.states);
        let cuts = cut_points(text, &doc, false);
        let when_open = cut_points(text, &doc, true);
        let lines = count_lines(text);
        Chunk {
            cuttable: is_cuttable(text, &doc),
            first_heading: doc
                .sections
                .first()
                .filter(|s| s.heading.start == 0 && cuts_at(text, s))
                .map(|s| s.level),
            targets_next: doc
                .suppressions
                .iter()
                .any(|s| matches!(s, Suppression::Line { line, .. } if *line >= lines)),
            pieces: analysed_pieces(text, &doc, &cuts, inputs, settings),
            cuts_when_open: (when_open != cuts).then_some(when_open),
        }
    }
}

/// Chunks accepted so far, merged when the text did not cut between them: where the run
/// starts, and its pieces, each with whether a `#` section is open after it.
struct Run {
    start: usize,
    pieces: Vec<(Piece, bool)>,
    l1_open_after: bool,
    targets_next: bool,
}

impl Run {
    /// `chunk`, starting at `start` of `text`, after a `#` section open or not.
    fn new(
        text: &str,
        start: usize,
        chunk: Chunk,
        mut l1_open: bool,
        inputs: &Inputs<'_>,
        settings: &Settings,
    ) -> Self {
        let pieces = match (l1_open, chunk.cuts_when_open) {
            // Cut again where a `#` section open at the start keeps `##` headings together.
            (true, Some(cuts)) => {
                let end = chunk.pieces.last().map_or(start, |p| start + p.end);
                let piece = &text[start..end];
                let doc = parse::parse(piece, &settings.states);
                analysed_pieces(piece, &doc, &cuts, inputs, settings)
            }
            _ => chunk.pieces,
        };
        let pieces: Vec<(Piece, bool)> = pieces
            .into_iter()
            .map(|p| {
                l1_open = p.open.after(l1_open);
                (p, l1_open)
            })
            .collect();
        Run {
            start,
            pieces,
            l1_open_after: l1_open,
            targets_next: chunk.targets_next,
        }
    }

    /// Whether the whole `text` cuts between this run and `chunk`, which starts at `at`.
    fn joins(&self, text: &str, at: usize, chunk: &Chunk, l1_open: bool) -> bool {
        let starts_shard = chunk
            .first_heading
            .is_some_and(|level| level == 1 || !l1_open);
        let last = self.start + self.pieces.last().map_or(0, |(p, _)| p.start);
        let heading = &text[at..text::next_line_start(text.as_bytes(), at)];
        // A `tickmark-disable-next-line` on the run's last line would target the chunk's
        // heading, which the whole text does not cut at.
        starts_shard && !self.targets_next && heading_follows(&text[last..at], heading)
    }
}

/// A piece of a text cut for shards: where it lies, its analysis, and what it does to a `#`
/// section open before it.
struct Piece {
    start: usize,
    end: usize,
    analysed: Analysed,
    open: OpenAfter,
}

/// Whether a `#` section is open after a piece, knowing whether one was before it.
#[derive(Clone, Copy)]
struct OpenAfter {
    when_open: bool,
    when_closed: bool,
}

impl OpenAfter {
    fn of(text: &str, doc: &Document) -> Self {
        OpenAfter {
            when_open: l1_open_after(text, doc, true),
            when_closed: l1_open_after(text, doc, false),
        }
    }

    fn after(self, open_before: bool) -> bool {
        if open_before {
            self.when_open
        } else {
            self.when_closed
        }
    }
}

/// `text`, whose document is `doc`, cut at `cuts`, each piece analysed alone; the pieces'
/// documents are cut from `doc`, not parsed again.
fn analysed_pieces(
    text: &str,
    doc: &Document,
    cuts: &[usize],
    inputs: &Inputs<'_>,
    settings: &Settings,
) -> Vec<Piece> {
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(0);
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    bounds
        .windows(2)
        .zip(split_at(text, doc, cuts))
        .map(|(pair, doc)| {
            let (start, end) = (pair[0], pair[1]);
            let piece = &text[start..end];
            Piece {
                start,
                end,
                open: OpenAfter::of(piece, &doc),
                analysed: analysed(piece, doc, inputs, settings),
            }
        })
        .collect()
}

/// Checks, in debug builds, that a piece kept as a shard was cut from its text's document as
/// parsing it alone reads it (a piece cut speculatively, in a chunk's thread, need not be).
fn debug_assert_parsed_alone(text: &str, piece: &Piece, settings: &Settings) {
    debug_assert_eq!(
        *piece.analysed.doc,
        parse::parse(text, &settings.states),
        "cut at {}..{}",
        piece.start,
        piece.end
    );
}

/// A shard's own analysis: its document and every rule that reads only it.
fn analysed(text: &str, doc: Document, inputs: &Inputs<'_>, settings: &Settings) -> Analysed {
    let local = rules::run_some(text, &doc, inputs, settings, local_rule);
    let keys = doc
        .items
        .iter()
        .filter(|i| duplicate_item::compared(&doc, i))
        .filter_map(|i| {
            duplicate_item::item_key(text, i).map(|key| {
                let part = key_part(&key);
                (Key::from(key), i.id, part)
            })
        })
        .collect();
    Analysed {
        doc: std::sync::Arc::new(doc),
        local,
        own: Vec::new(),
        revision: 0,
        keys,
        counts: std::sync::OnceLock::new(),
        folds: std::sync::OnceLock::new(),
    }
}

/// False when something in the document reaches across headings: link reference
/// definitions, `tickmark-disable`/`enable` regions, front matter left open (a `---` line
/// typed anywhere below would close it there).
fn is_cuttable(text: &str, doc: &Document) -> bool {
    !doc.has_reference_definitions
        && (doc.front_matter.is_some() || !front_matter::opens_front_matter(text))
        && !doc
            .suppressions
            .iter()
            .any(|s| matches!(s, Suppression::Region { .. }))
}

/// A `#` or `##` ATX heading written at the start of its line. A setext heading whose text
/// starts with `#` (`#<!--` over `===`) does not cut: in the whole text its first line may
/// be the lazy continuation of a paragraph above.
fn cuts_at(text: &str, section: &Section) -> bool {
    let bytes = text.as_bytes();
    let at = section.heading.start;
    let hashes = bytes[at..].iter().take_while(|&&b| b == b'#').count();
    section.level <= 2
        && hashes == usize::from(section.level)
        && matches!(
            bytes.get(at + hashes),
            None | Some(b' ' | b'\t' | b'\r' | b'\n')
        )
        && (at == 0 || bytes[at - 1] == b'\n')
}

/// A `#` section whose reach matters beyond its own lines: a tier, a done section, a
/// criteria section, a progress claim.
fn holds_open(text: &str, section: &Section) -> bool {
    section.level == 1
        && (section.tier.is_some()
            || section.done
            || section.criteria
            || progress_claim::claims_progress(&text[section.title.as_range()]))
}

/// Offsets (after 0) where shards start in `text`; `l1_open` tells whether a `#` section
/// that holds open is open at its start.
fn cut_points(text: &str, doc: &Document, mut l1_open: bool) -> Vec<usize> {
    let mut cuts = Vec::new();
    for section in &doc.sections {
        let targeted = doc
            .suppressions
            .iter()
            .any(|s| matches!(s, Suppression::Line { line, .. } if *line == section.line));
        if section.heading.start > 0
            && cuts_at(text, section)
            && (section.level == 1 || !l1_open)
            && !targeted
        {
            cuts.push(section.heading.start);
        }
        if section.level == 1 {
            l1_open = holds_open(text, section);
        }
    }
    cuts
}

/// Whether a `#` section that holds open is open at the end of `text`.
fn l1_open_after(text: &str, doc: &Document, l1_open: bool) -> bool {
    doc.sections
        .iter()
        .rev()
        .find(|s| s.level == 1)
        .map_or(l1_open, |s| holds_open(text, s))
}

/// True when `heading` (a line) is still a heading right after `text`: nothing in `text`
/// is left open to swallow it.
fn heading_follows(text: &str, heading: &str) -> bool {
    let mut probe = String::with_capacity(text.len() + heading.len());
    probe.push_str(text);
    probe.push_str(heading);
    // Read as `parse` reads it: after the front matter.
    let body = front_matter::front_matter_end(&probe).unwrap_or(0);
    Parser::new_ext(&probe[body..], markdown_options())
        .into_offset_iter()
        .any(|(event, range)| {
            matches!(event, Event::Start(Tag::Heading { .. })) && body + range.start == text.len()
        })
}

fn root_of(doc: &Document, mut id: ItemId) -> ItemId {
    while let Some(p) = doc.items[id].parent() {
        id = p;
    }
    id
}

fn count_lines(s: &str) -> usize {
    text::count_line_breaks(s.as_bytes())
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `d`, of the whole text, in the offsets of the part `start..end` of it, without its related
/// places; `None` when it or a fix of it reaches out of the part.
pub fn localized(d: &Diagnostic, start: usize, end: usize) -> Option<Diagnostic> {
    let local = |r: TextRange| {
        (r.start >= start && r.end <= end).then(|| TextRange::new(r.start - start, r.end - start))
    };
    let mut out = Diagnostic {
        related: Vec::new(),
        ..d.clone()
    };
    out.range = local(d.range)?;
    for fix in &mut out.fixes {
        for edit in &mut fix.edits {
            edit.range = local(edit.range)?;
        }
    }
    Some(out)
}

/// `d` moved `by` bytes later.
pub fn shifted(d: &Diagnostic, by: usize) -> Diagnostic {
    let mut d = d.clone();
    if by == 0 {
        return d;
    }
    d.range = d.range.shift(by);
    for related in &mut d.related {
        if let Place::Here(range) = &mut related.place {
            *range = range.shift(by);
        }
    }
    for fix in &mut d.fixes {
        for edit in &mut fix.edits {
            edit.range = edit.range.shift(by);
        }
    }
    d
}
