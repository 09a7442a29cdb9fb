//! The outline (`textDocument/documentSymbol`) as JSON, built from an incremental analysis
//! shard by shard, as [`super::published`] builds the diagnostics.
//!
//! Every section but a `#` one lies within one shard (a shard starts at a `#` or `##`
//! heading, which ends every deeper section), and so does every item. A `#` section reaches
//! into the shards after it, up to the next `#` heading: its children there are those shards'
//! outermost sections, and its progress counts theirs. So each shard's symbols are kept as
//! the JSON last written for them, by shard revision, and only the `#` sections are written
//! anew, around the kept JSON of their children. A keystroke writes one shard's symbols
//! again; the answer equals [`super::handlers::outline::document_symbol`]'s (a test holds
//! them equal).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use tower_lsp::lsp_types::{DocumentSymbol, Position};

use crate::analysis::hover::progress;
use crate::analysis::incremental::{Incremental, ShardView};
use crate::analysis::outline::{self, section_counts, SymbolKind};
use crate::analysis::stats::Counts;
use crate::analysis::Encoding;
use crate::analysis::TextRange;
use crate::server::convert::{shard_map, LineMap};
use crate::server::handlers::outline::{symbol, symbol_kind};

/// The JSON of each shard's symbols as last written.
#[derive(Debug, Default)]
pub struct OutlineCache {
    encoding: Option<Encoding>,
    /// By shard revision.
    shards: HashMap<u64, Arc<Fragment>>,
}

/// One shard's symbols.
#[derive(Debug)]
struct Fragment {
    /// The line the shard started on when written (every position depends on it).
    line: usize,
    /// The outermost symbols before the shard's first `#` section, comma-joined: in the
    /// whole document they are children of a `#` section of an earlier shard, if any.
    before: Bytes,
    /// What `before` counts towards that section's progress.
    before_counts: Counts,
    /// The shard's `#` sections, in order.
    tops: Vec<Top>,
}

/// A `#` section of a shard, with its range's end and progress left open.
#[derive(Debug)]
struct Top {
    /// The symbol without its children.
    head: DocumentSymbol,
    /// Its own progress, within the shard.
    counts: Counts,
    /// Its children within the shard, comma-joined.
    children: Bytes,
}

/// The parts of an outline, ready to be written out (by [`Prepared::write_parts`]) without the
/// analysis they came from: each shard's symbols, shared with the cache.
pub struct Prepared {
    fragments: Vec<Arc<Fragment>>,
    /// Where the document ends.
    end: Position,
}

/// Brings `cache` up to date with the current analysis of `incremental` (only the shards
/// that changed are written again) and takes what the outline is written from.
pub fn prepare(
    incremental: &Incremental,
    encoding: Encoding,
    cache: &mut OutlineCache,
) -> Prepared {
    if cache.encoding != Some(encoding) {
        cache.shards.clear();
        cache.encoding = Some(encoding);
    }
    let shards: Vec<ShardView<'_>> = incremental.shards().collect();
    let mut kept = HashMap::with_capacity(shards.len());
    let mut fragments = Vec::with_capacity(shards.len());
    for shard in &shards {
        let fragment = match cache.shards.remove(&shard.revision) {
            Some(f) if f.line == shard.line => f,
            _ => Arc::new(fragment(shard, encoding)),
        };
        fragments.push(Arc::clone(&fragment));
        kept.insert(shard.revision, fragment);
    }
    cache.shards = kept;
    let end = shards.last().map_or(Position::default(), |last| {
        shard_map(last, encoding).position(last.text.len())
    });
    Prepared { fragments, end }
}

/// Writes the symbols of at most `budget` shards that `cache` does not hold yet (see
/// [`prepare`]); true once it holds every shard's. Run a little at a time, between other
/// requests, it readies the outline without holding the analysis for long.
pub fn warm(
    incremental: &Incremental,
    encoding: Encoding,
    cache: &mut OutlineCache,
    budget: usize,
) -> bool {
    if cache.encoding != Some(encoding) {
        cache.shards.clear();
        cache.encoding = Some(encoding);
    }
    let mut written = 0;
    for shard in incremental.shards() {
        if cache
            .shards
            .get(&shard.revision)
            .is_some_and(|f| f.line == shard.line)
        {
            continue;
        }
        if written == budget {
            return false;
        }
        cache
            .shards
            .insert(shard.revision, Arc::new(fragment(&shard, encoding)));
        written += 1;
    }
    true
}

impl Prepared {
    /// The JSON array of the outline after `head`, in parts: the shards' symbols are shared
    /// with the cache, not copied (the outline of a long roadmap is several times its text).
    pub fn write_parts(&self, head: Vec<u8>) -> Vec<Bytes> {
        let mut out = Writer {
            parts: Vec::with_capacity(2 * self.fragments.len() + 2),
            current: head,
            any: false,
        };
        out.current.push(b'[');
        // The `#` section still open: its symbol, progress and children so far.
        let mut open: Option<(&Top, Counts, Vec<&Bytes>)> = None;
        for f in &self.fragments {
            if !f.before.is_empty() {
                match &mut open {
                    Some((_, counts, children)) => {
                        counts.add(&f.before_counts);
                        children.push(&f.before);
                    }
                    None => out.element(&f.before),
                }
            }
            for (i, top) in f.tops.iter().enumerate() {
                if let Some((head, counts, children)) = open.take() {
                    out.top(head, &counts, &children, top.head.range.start);
                }
                if i + 1 < f.tops.len() {
                    out.top(top, &top.counts, &[&top.children], top.head.range.end);
                } else {
                    open = Some((top, top.counts, vec![&top.children]));
                }
            }
        }
        if let Some((head, counts, children)) = open {
            out.top(head, &counts, &children, self.end);
        }
        out.current.push(b']');
        out.finish()
    }
}

/// The answer being written: parts done, and the part being written.
struct Writer {
    parts: Vec<Bytes>,
    current: Vec<u8>,
    any: bool,
}

/// Kept JSON shorter than this is copied into the answer's part under way rather than
/// shared as a part of its own. Small: a roadmap of many short sections would otherwise be
/// copied whole into one part (the output gathers small parts in its own buffer anyway).
const SHARED_PART: usize = 256;

impl Writer {
    /// Adds `json`, one or more comma-joined elements, to the array.
    fn element(&mut self, json: &Bytes) {
        if self.any {
            self.current.push(b',');
        }
        self.any = true;
        self.kept(json);
    }

    /// Adds kept JSON: shared when long, else copied.
    fn kept(&mut self, json: &Bytes) {
        if json.len() < SHARED_PART {
            self.current.extend_from_slice(json);
        } else {
            if !self.current.is_empty() {
                self.parts
                    .push(Bytes::from(std::mem::take(&mut self.current)));
            }
            self.parts.push(json.clone());
        }
    }

    /// Adds a `#` section ending at `end`, with its progress and its children (a `#` title
    /// over the whole document holds all of it).
    fn top(&mut self, top: &Top, counts: &Counts, children: &[&Bytes], end: Position) {
        let mut head = top.head.clone();
        head.range.end = end;
        head.detail = (counts.total + counts.cancelled > 0).then(|| progress(counts));
        let json = serde_json::to_vec(&head).unwrap_or_default();
        let mut parts = children.iter().filter(|c| !c.is_empty()).peekable();
        if self.any {
            self.current.push(b',');
        }
        self.any = true;
        match json.strip_suffix(b"}") {
            Some(open) if parts.peek().is_some() => {
                self.current.extend_from_slice(open);
                self.current.extend_from_slice(br#","children":["#);
                let mut first = true;
                for part in parts {
                    if !first {
                        self.current.push(b',');
                    }
                    first = false;
                    self.kept(part);
                }
                self.current.extend_from_slice(b"]}");
            }
            _ => self.current.extend_from_slice(&json),
        }
    }

    fn finish(mut self) -> Vec<Bytes> {
        if !self.current.is_empty() {
            self.parts.push(Bytes::from(self.current));
        }
        self.parts
    }
}

/// The symbols of one shard, cut as [`Fragment`] keeps them.
fn fragment(shard: &ShardView<'_>, encoding: Encoding) -> Fragment {
    let map = shard_map(shard, encoding);
    let doc = shard.doc;
    let counts = section_counts(doc);
    let mut roots = doc.sections.iter().filter(|s| s.parent.is_none());
    let mut before = Vec::new();
    let mut f = Fragment {
        line: shard.line,
        before: Bytes::new(),
        before_counts: Counts::default(),
        tops: Vec::new(),
    };
    for s in outline::symbols(shard.text, doc) {
        let section = if s.kind == SymbolKind::Section {
            let section = roots.next();
            debug_assert_eq!(section.map(|r| r.range.start), Some(s.range.start));
            section
        } else {
            None
        };
        match section {
            Some(section) if section.level == 1 => {
                let mut children = Vec::new();
                let mut s = s;
                for child in std::mem::take(&mut s.children) {
                    if !children.is_empty() {
                        children.push(b',');
                    }
                    write_symbol(&mut children, &map, &child);
                }
                f.tops.push(Top {
                    head: symbol(&map, s),
                    counts: counts[section.id],
                    children: shrunk(children),
                });
            }
            _ => {
                // Only a `#` section follows a `#` section at the outermost level.
                debug_assert!(f.tops.is_empty(), "a symbol after a `#` section");
                if let Some(section) = section {
                    f.before_counts.add(&counts[section.id]);
                }
                if !before.is_empty() {
                    before.push(b',');
                }
                write_symbol(&mut before, &map, &s);
            }
        }
    }
    f.before = shrunk(before);
    f
}

/// Writes `s` as serde_json writes [`symbol`]`(map, s)`, byte for byte (a test holds them
/// equal), without building the LSP symbol tree: the outline of a 1 MB roadmap is 27,000
/// symbols, and building, serialising and dropping them field by field took most of the
/// time its JSON takes to write.
fn write_symbol(out: &mut Vec<u8>, map: &LineMap<'_>, s: &outline::Symbol) {
    out.extend_from_slice(br#"{"name":"#);
    let _ = serde_json::to_writer(&mut *out, &s.name);
    if let Some(detail) = &s.detail {
        out.extend_from_slice(br#","detail":"#);
        let _ = serde_json::to_writer(&mut *out, detail);
    }
    out.extend_from_slice(br#","kind":"#);
    let _ = serde_json::to_writer(&mut *out, &symbol_kind(s.kind));
    out.extend_from_slice(br#","range":"#);
    write_range(out, map, s.range);
    out.extend_from_slice(br#","selectionRange":"#);
    write_range(out, map, s.selection);
    if !s.children.is_empty() {
        out.extend_from_slice(br#","children":["#);
        for (i, child) in s.children.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_symbol(out, map, child);
        }
        out.push(b']');
    }
    out.push(b'}');
}

/// An LSP range, as serde_json writes it.
fn write_range(out: &mut Vec<u8>, map: &LineMap<'_>, range: TextRange) {
    let (start, end) = (map.position(range.start), map.position(range.end));
    // Numbers through serde_json (itoa): `write!` goes through the formatting machinery,
    // which took most of the outline's time.
    let number = |out: &mut Vec<u8>, n: u32| {
        let _ = serde_json::to_writer(&mut *out, &n);
    };
    out.extend_from_slice(br#"{"start":{"line":"#);
    number(out, start.line);
    out.extend_from_slice(br#","character":"#);
    number(out, start.character);
    out.extend_from_slice(br#"},"end":{"line":"#);
    number(out, end.line);
    out.extend_from_slice(br#","character":"#);
    number(out, end.character);
    out.extend_from_slice(b"}}");
}

/// Kept JSON without the room it was written with (a shard's symbols are kept as long as
/// the shard does not change).
fn shrunk(mut json: Vec<u8>) -> Bytes {
    json.shrink_to_fit();
    Bytes::from(json)
}

#[cfg(test)]
mod tests {
    use super::{prepare, OutlineCache};
    use crate::analysis::edits_for_tests::{apply, INSERTS, LINES};
    use crate::analysis::incremental::Incremental;
    use crate::analysis::{analyze, outline, Encoding, Inputs, LineIndex, Settings};
    use crate::server::convert::LineMap;
    use crate::server::handlers::outline::symbol;
    use proptest::prelude::*;

    /// What the request through tower-lsp answers: the outline of the whole text.
    fn whole(text: &str, encoding: Encoding) -> serde_json::Value {
        let analysis = analyze(text, &Inputs::default(), &Settings::default());
        let index = LineIndex::new(text);
        let map = LineMap {
            text,
            index: &index,
            encoding,
            line_base: 0,
        };
        let symbols: Vec<_> = outline::symbols(text, &analysis.document)
            .into_iter()
            .map(|s| symbol(&map, s))
            .collect();
        serde_json::to_value(symbols).unwrap()
    }

    fn written(
        inc: &Incremental,
        encoding: Encoding,
        cache: &mut OutlineCache,
    ) -> serde_json::Value {
        let parts = prepare(inc, encoding, cache).write_parts(Vec::new());
        serde_json::from_slice(&parts.concat()).expect("valid JSON")
    }

    /// Each symbol is written as serde_json writes its LSP form, byte for byte: over real
    /// roadmaps (the corpus and the real-world patterns), escapes and astral characters in
    /// names, both encodings.
    #[test]
    fn symbols_are_written_as_serde_writes_them() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
        let mut texts: Vec<String> = ["corpus", "realworld/patterns"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(format!("{root}/{dir}")).unwrap())
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "md"))
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        assert!(texts.len() > 20, "{} roadmaps", texts.len());
        texts.push(
            "# \"Quoted\" \\ back\tslash\n\n## 🔴 Critical 𝄞\n- [ ] [P1] Task \u{1} é\n  - [x] Sub\n"
                .to_owned(),
        );
        let mut symbols = 0;
        for text in &texts {
            let analysis = analyze(text, &Inputs::default(), &Settings::default());
            let index = LineIndex::new(text);
            for encoding in [Encoding::Utf16, Encoding::Utf8] {
                let map = LineMap {
                    text,
                    index: &index,
                    encoding,
                    line_base: 3,
                };
                for s in outline::symbols(text, &analysis.document) {
                    let mut written = Vec::new();
                    super::write_symbol(&mut written, &map, &s);
                    let serde = serde_json::to_vec(&symbol(&map, s)).unwrap();
                    assert_eq!(
                        String::from_utf8(written).unwrap(),
                        String::from_utf8(serde).unwrap()
                    );
                    symbols += 1;
                }
            }
        }
        assert!(symbols > 100, "{symbols} symbols");
    }

    /// Warming writes a few shards at a time until it holds them all; the outline written
    /// from the warmed cache is the whole text's, and writing it writes no shard again.
    #[test]
    fn a_warmed_cache_holds_every_shard() {
        use std::fmt::Write as _;
        let text = (0..10).fold(String::new(), |mut text, i| {
            let _ = write!(text, "## Area {i}\n- [ ] Task {i}\n  - [x] Sub\n\n");
            text
        });
        let inc = Incremental::new(text.clone(), &Inputs::default(), &Settings::default());
        assert!(inc.shard_count() >= 10);
        let mut cache = OutlineCache::default();
        let mut rounds = 1;
        while !super::warm(&inc, Encoding::Utf16, &mut cache, 3) {
            rounds += 1;
        }
        assert_eq!(rounds, inc.shard_count().div_ceil(3));
        assert_eq!(cache.shards.len(), inc.shard_count());
        let kept: Vec<*const super::Fragment> =
            cache.shards.values().map(std::sync::Arc::as_ptr).collect();
        assert_eq!(
            written(&inc, Encoding::Utf16, &mut cache),
            whole(&text, Encoding::Utf16)
        );
        for f in cache.shards.values() {
            assert!(
                kept.contains(&std::sync::Arc::as_ptr(f)),
                "a shard written again"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// After every edit, the outline written shard by shard (reusing the last answer's
        /// JSON) equals the outline of the whole text.
        #[test]
        fn the_outline_written_by_shard_equals_the_whole_ones(
            lines in prop::collection::vec(prop::sample::select(LINES), 0..60),
            edits in prop::collection::vec(
                (0..=1000usize, 0..8usize, prop::sample::select(INSERTS)),
                1..8,
            ),
            utf16 in any::<bool>(),
        ) {
            let encoding = if utf16 { Encoding::Utf16 } else { Encoding::Utf8 };
            let settings = Settings::default();
            let inputs = Inputs::default();
            let mut text = lines.join("\n");
            text.push('\n');
            let mut inc = Incremental::new(text.clone(), &inputs, &settings);
            let mut cache = OutlineCache::default();
            prop_assert_eq!(written(&inc, encoding, &mut cache), whole(&text, encoding));
            for edit in edits {
                apply(&mut text, &mut inc, edit, &inputs, &settings);
                prop_assert_eq!(
                    written(&inc, encoding, &mut cache),
                    whole(&text, encoding),
                    "in {} shards:\n{}", inc.shard_count(), text
                );
            }
        }
    }
}
