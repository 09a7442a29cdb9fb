//! Open documents: a rope per document, edited in place by incremental `didChange`s.
//!
//! Every change is applied synchronously, before the handler's first `.await`, so edits are
//! applied in the order the client sent them. Positions are converted with the negotiated
//! encoding; a position past the end of a line or of the document is clamped, never an error.
//! The rope counts lines at `\n`, `\r\n` and a lone `\r`, like the engine's `LineIndex` and
//! LSP.

use std::sync::Arc;

use dashmap::DashMap;
use ropey::Rope;
use tower_lsp::lsp_types::{Position, TextDocumentContentChangeEvent, Url};

use crate::analysis::incremental::Incremental;
use crate::analysis::index::FileIndex;
use crate::analysis::{Analysis, Encoding, TextRange};
use crate::server::outline_wire::OutlineCache;
use crate::server::published::WireCache;

/// One open document.
#[derive(Debug)]
pub struct Doc {
    pub rope: Rope,
    pub version: i32,
    /// The analysis of the current version, once someone asked for it.
    cached: Option<Arc<Snapshot>>,
    /// The workspace generation at which the index last changed what this document sees:
    /// an analysis begun before it is stale.
    valid_from: u64,
    /// The diagnostics kept up to date edit by edit; `None` until the first publish, and
    /// after a change of the index.
    live: Option<Live>,
    /// Which opening of a document this is, unique in the process.
    opened: u64,
    /// While the incremental analysis is taken out to be refreshed: the edits made since,
    /// to be replayed on it when it comes back (`None` once an edit cannot be replayed).
    missed: Option<Vec<(TextRange, String)>>,
}

/// A document's incremental analysis and what was last published from it.
#[derive(Debug)]
pub struct Live {
    pub incremental: Incremental,
    /// The workspace generation it was made with.
    pub workspace: u64,
    pub wire: WireCache,
    /// The outline as last answered from it.
    pub outline: OutlineCache,
    /// Answers already serialised for one version, by method (see
    /// [`super::handlers::direct`]).
    pub answers: Kept,
}

/// Serialised results of requests whose answer depends on the version alone (and the
/// configuration): asked again, they are written as they are.
#[derive(Debug, Default)]
pub struct Kept {
    /// The version and configuration generation the answers are of.
    of: Option<(i32, u64)>,
    answers: Vec<Answer>,
}

impl Kept {
    /// The answer to `method` kept for `of` (a version and a configuration generation).
    pub fn get(&self, of: (i32, u64), method: &str) -> Option<Arc<[u8]>> {
        if self.of != Some(of) {
            return None;
        }
        self.answers
            .iter()
            .find(|(m, _)| *m == method)
            .map(|(_, a)| Arc::clone(a))
    }

    /// Keeps `answer` to `method` for `of`, forgetting what was kept for another.
    pub fn put(&mut self, of: (i32, u64), method: &'static str, answer: Arc<[u8]>) {
        if self.of != Some(of) {
            self.of = Some(of);
            self.answers.clear();
        }
        self.answers.retain(|(m, _)| *m != method);
        self.answers.push((method, answer));
    }
}

/// A document's incremental analysis, taken out to be refreshed (see
/// [`Documents::take_incremental`]).
pub struct Taken {
    pub version: i32,
    /// `Err`: there is none yet (or it was dropped); here is the text to start one from.
    pub live: Result<Live, String>,
}

/// One version of a document's text and its analysis, shared by every request on it.
#[derive(Debug)]
pub struct Snapshot {
    pub version: i32,
    /// What it was analysed with besides its text.
    pub generation: Generation,
    pub text: String,
    pub analysis: Analysis,
    /// The version's items as the workspace index reads them, made once (for
    /// `workspace/symbol` and the index itself).
    pub items: std::sync::OnceLock<Arc<FileIndex>>,
}

impl Snapshot {
    /// The version's items for the workspace index, columns in `encoding` (the session's,
    /// the same for every call).
    pub fn file_index(&self, encoding: Encoding) -> Arc<FileIndex> {
        Arc::clone(self.items.get_or_init(|| {
            Arc::new(FileIndex::new(
                &self.text,
                &self.analysis.document,
                encoding,
            ))
        }))
    }
}

/// A method and its serialised result.
type Answer = (&'static str, Arc<[u8]>);

/// What an analysis depends on besides the text: the configuration and the workspace index
/// (another file's items decide the cross-file `duplicate-item`). Each grows on every change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generation {
    pub config: u64,
    pub workspace: u64,
}

impl std::fmt::Display for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.config, self.workspace)
    }
}

/// Why a `didChange` was not applied as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeProblem {
    /// The document is not open.
    NotOpen,
    /// The version did not grow; the edits were applied anyway, the client's text wins.
    VersionWentBack { had: i32, got: i32 },
}

/// Every open document, keyed by URI.
#[derive(Debug, Default)]
pub struct Documents {
    docs: DashMap<Url, Doc>,
}

impl Documents {
    pub fn open(&self, uri: Url, text: &str, version: i32) {
        static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let opened = OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.docs.insert(
            uri,
            Doc {
                rope: Rope::from_str(text),
                version,
                cached: None,
                valid_from: 0,
                live: None,
                opened,
                missed: None,
            },
        );
    }

    pub fn close(&self, uri: &Url) -> bool {
        self.docs.remove(uri).is_some()
    }

    pub fn is_open(&self, uri: &Url) -> bool {
        self.docs.contains_key(uri)
    }

    pub fn uris(&self) -> Vec<Url> {
        self.docs.iter().map(|e| e.key().clone()).collect()
    }

    pub fn version(&self, uri: &Url) -> Option<i32> {
        self.docs.get(uri).map(|d| d.version)
    }

    /// Which opening of the document this is: unique in the process, so that a version
    /// number of an earlier opening is never taken for one of this.
    pub fn opened(&self, uri: &Url) -> Option<u64> {
        self.docs.get(uri).map(|d| d.opened)
    }

    /// The size of the text in bytes.
    pub fn len_bytes(&self, uri: &Url) -> Option<usize> {
        self.docs.get(uri).map(|d| d.rope.len_bytes())
    }

    /// Applies `changes` in order and sets the new version. Synchronous by design.
    pub fn apply_changes(
        &self,
        uri: &Url,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) -> Result<i32, ChangeProblem> {
        let Some(mut doc) = self.docs.get_mut(uri) else {
            return Err(ChangeProblem::NotOpen);
        };
        let doc = &mut *doc;
        for change in changes {
            match change.range {
                None => {
                    doc.rope = Rope::from_str(&change.text);
                    doc.live = None;
                    doc.missed = None;
                }
                Some(range) => {
                    let mut start = byte_offset(&doc.rope, range.start, encoding);
                    let mut end = byte_offset(&doc.rope, range.end, encoding);
                    if start > end {
                        std::mem::swap(&mut start, &mut end);
                    }
                    if let Some(mut live) = doc.live.take() {
                        // A panic in the engine costs the incremental analysis (the next
                        // request starts one from the text), never the edit.
                        let edited = crate::server::guarded("incremental edit", || {
                            live.incremental
                                .edit(TextRange::new(start, end), &change.text);
                            live
                        });
                        doc.live = edited.ok();
                    } else if let Some(missed) = &mut doc.missed {
                        missed.push((TextRange::new(start, end), change.text.clone()));
                    }
                    let rope = &mut doc.rope;
                    let start_char = rope.byte_to_char(start);
                    let end_char = rope.byte_to_char(end);
                    rope.remove(start_char..end_char);
                    rope.insert(start_char, &change.text);
                }
            }
        }
        doc.cached = None;
        let had = doc.version;
        doc.version = version;
        if version <= had {
            return Err(ChangeProblem::VersionWentBack { had, got: version });
        }
        Ok(version)
    }

    /// The current text and version.
    pub fn text(&self, uri: &Url) -> Option<(i32, String)> {
        self.docs.get(uri).map(|d| (d.version, d.rope.to_string()))
    }

    /// The cached snapshot of the current version, if analysed already with the
    /// configuration of `generation`. A snapshot of an older workspace generation is still
    /// good unless the index changed what this document sees since ([`Self::invalidate`]).
    pub fn cached(&self, uri: &Url, generation: Generation) -> Option<Arc<Snapshot>> {
        let doc = self.docs.get(uri)?;
        doc.cached
            .as_ref()
            .filter(|s| s.version == doc.version && s.generation.config == generation.config)
            .cloned()
    }

    /// Forgets the analysis of `uri`, so the next request redoes it: the workspace index,
    /// now at `generation`, changed what it depends on. An analysis still running with the
    /// older index will not be stored.
    pub fn invalidate(&self, uri: &Url, generation: u64) {
        if let Some(mut doc) = self.docs.get_mut(uri) {
            doc.cached = None;
            doc.live = None;
            doc.valid_from = doc.valid_from.max(generation);
        }
    }

    /// Remembers `snapshot` when it is still the current version and no change of the
    /// workspace index made it stale while it was being computed.
    pub fn store(&self, uri: &Url, snapshot: &Arc<Snapshot>) {
        if let Some(mut doc) = self.docs.get_mut(uri) {
            if doc.version == snapshot.version && snapshot.generation.workspace >= doc.valid_from {
                doc.cached = Some(Arc::clone(snapshot));
            }
        }
    }
}

impl Documents {
    /// Takes the incremental analysis out of the document (or its text, when it has none), so
    /// that it is refreshed without holding the document; [`Self::put_incremental`] gives
    /// it back.
    pub fn take_incremental(&self, uri: &Url) -> Option<Taken> {
        let mut doc = self.docs.get_mut(uri)?;
        let live = match doc.live.take() {
            Some(live) if live.workspace >= doc.valid_from => Ok(live),
            _ => Err(doc.rope.to_string()),
        };
        // Edits that come while it is out are kept, to be replayed when it comes back.
        doc.missed = Some(Vec::new());
        Some(Taken {
            version: doc.version,
            live,
        })
    }

    /// Gives back an incremental analysis refreshed at `version`. Edits made meanwhile are
    /// replayed on it (it catches up on the next refresh); it is dropped when they cannot be
    /// (the whole text was replaced) or the index changed what it sees.
    pub fn put_incremental(&self, uri: &Url, version: i32, mut live: Live) {
        if let Some(mut doc) = self.docs.get_mut(uri) {
            let missed = doc.missed.take();
            if live.workspace < doc.valid_from {
                return;
            }
            if doc.version != version {
                let Some(missed) = missed else {
                    return;
                };
                let replayed = crate::server::guarded("incremental edit", || {
                    for (range, text) in &missed {
                        live.incremental.edit(*range, text);
                    }
                    live
                });
                match replayed {
                    Ok(caught_up) => live = caught_up,
                    Err(_) => return,
                }
            }
            doc.live = Some(live);
        }
    }
}

/// Byte offset of an LSP position in `rope`, clamped like `LineIndex::offset`: a line past the
/// end maps to the end of the text, a column past the end of its line to the end of the line
/// (before `\r\n`), a column inside a character to the character's start. A line of up to
/// [`WALKED_LINE`] bytes within one chunk of the rope is counted in place (each of the
/// rope's own conversions counts within a whole chunk, and a column took six of them); a
/// longer one goes through the rope's indexes, in time logarithmic in the document.
pub fn byte_offset(rope: &Rope, pos: Position, encoding: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let end = if line + 1 < rope.len_lines() {
        rope.line_to_byte(line + 1)
    } else {
        rope.len_bytes()
    };
    let (chunk, chunk_start, _, _) = rope.chunk_at_byte(start);
    if end - start > WALKED_LINE || end > chunk_start + chunk.len() {
        return byte_offset_indexed(rope, pos, encoding);
    }
    let text = &chunk[start - chunk_start..end - chunk_start];
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    let want = pos.character as usize;
    start
        + match encoding {
            Encoding::Utf8 => {
                let mut at = want.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            }
            Encoding::Utf16 => str_indices::utf16::to_byte_idx(text, want),
            Encoding::Utf32 => str_indices::chars::to_byte_idx(text, want),
        }
}

/// The longest line [`byte_offset`] counts in place.
const WALKED_LINE: usize = 4096;

/// [`byte_offset`] through the rope's indexes, for a line of any length.
fn byte_offset_indexed(rope: &Rope, pos: Position, encoding: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_char(line);
    let content = {
        let slice = rope.line(line);
        let mut len = slice.len_chars();
        if len > 0 && slice.char(len - 1) == '\n' {
            len -= 1;
        }
        if len > 0 && slice.char(len - 1) == '\r' {
            len -= 1;
        }
        len
    };
    let end = start + content;
    let want = pos.character as usize;
    let char = match encoding {
        Encoding::Utf32 => start + want.min(content),
        Encoding::Utf8 => {
            let first = rope.char_to_byte(start);
            let last = rope.char_to_byte(end);
            // The character holding the byte: its start.
            rope.byte_to_char((first + want).min(last))
        }
        Encoding::Utf16 => {
            let first = rope.char_to_utf16_cu(start);
            let last = rope.char_to_utf16_cu(end);
            // The character holding the code unit (a surrogate pair's second half too).
            rope.utf16_cu_to_char((first + want).min(last))
        }
    };
    rope.char_to_byte(char)
}

#[cfg(test)]
mod tests {
    use super::{Documents, Generation, Snapshot};
    use crate::analysis::{analyze, Inputs, Settings};
    use std::sync::Arc;
    use tower_lsp::lsp_types::Url;

    fn snapshot(version: i32, workspace: u64) -> Arc<Snapshot> {
        let text = "- [ ] a\n".to_owned();
        Arc::new(Snapshot {
            version,
            generation: Generation {
                config: 0,
                workspace,
            },
            analysis: analyze(&text, &Inputs::default(), &Settings::default()),
            text,
            items: std::sync::OnceLock::new(),
        })
    }

    #[test]
    fn edits_made_while_the_analysis_is_out_are_replayed_on_it() {
        use super::Live;
        use crate::analysis::incremental::Incremental;
        use crate::analysis::Encoding;
        use crate::server::outline_wire::OutlineCache;
        use crate::server::published::WireCache;
        use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};
        let docs = Documents::default();
        let uri = Url::parse("file:///ROADMAP.md").unwrap();
        let text = "# Plan\n\n## A\n- [ ] a\n\n## B\n- [ ] b\n";
        docs.open(uri.clone(), text, 1);
        let taken = docs.take_incremental(&uri).unwrap();
        let Err(text) = taken.live else {
            panic!("no analysis yet");
        };
        let live = Live {
            incremental: Incremental::new(text, &Inputs::default(), &Settings::default()),
            workspace: 0,
            wire: WireCache::default(),
            outline: OutlineCache::default(),
            answers: super::Kept::default(),
        };
        // Typed while the analysis of version 1 was being made.
        let at = |line, character| Position::new(line, character);
        for (version, (line, col, insert)) in [(2, (3, 7, "x")), (3, (6, 0, "- [ ] c\n"))] {
            let change = TextDocumentContentChangeEvent {
                range: Some(Range::new(at(line, col), at(line, col))),
                range_length: None,
                text: insert.to_owned(),
            };
            docs.apply_changes(&uri, version, &[change], Encoding::Utf16)
                .unwrap();
        }
        docs.put_incremental(&uri, 1, live);
        let taken = docs.take_incremental(&uri).unwrap();
        assert_eq!(taken.version, 3);
        let live = taken.live.expect("kept, caught up with the edits");
        assert_eq!(live.incremental.text(), docs.text(&uri).unwrap().1);
        assert_eq!(
            live.incremental.text(),
            "# Plan\n\n## A\n- [ ] ax\n\n## B\n- [ ] c\n- [ ] b\n"
        );
    }

    #[test]
    fn an_analysis_begun_before_an_invalidation_is_not_kept() {
        let docs = Documents::default();
        let uri = Url::parse("file:///ROADMAP.md").unwrap();
        docs.open(uri.clone(), "- [ ] a\n", 1);
        let now = Generation::default();
        docs.store(&uri, &snapshot(1, 0));
        assert!(docs.cached(&uri, now).is_some());

        // The workspace index changed what the document sees (now at generation 3) while an
        // analysis with the old index (generation 2) was running: its result is dropped.
        docs.invalidate(&uri, 3);
        assert!(docs.cached(&uri, now).is_none());
        docs.store(&uri, &snapshot(1, 2));
        assert!(docs.cached(&uri, now).is_none());
        docs.store(&uri, &snapshot(1, 3));
        assert!(docs.cached(&uri, now).is_some());
        // Nor is an analysis of another version kept.
        docs.store(&uri, &snapshot(7, 3));
        assert_eq!(docs.cached(&uri, now).unwrap().version, 1);
    }

    proptest::proptest! {
        /// The rope's conversion of a position agrees with the engine's `LineIndex` for
        /// every line and column, past the ends too, in all three encodings, lone `\r`s
        /// included.
        #[test]
        fn positions_convert_as_the_engine_converts_them(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "é", "😀", "\r\n", "\n", "\r", " ", "中"]),
                0..30,
            ),
            line in 0u32..8,
            character in 0u32..40,
        ) {
            use crate::analysis::{Encoding, LineCol, LineIndex};
            let text: String = parts.concat();
            let rope = ropey::Rope::from_str(&text);
            let index = LineIndex::new(&text);
            for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let pos = tower_lsp::lsp_types::Position { line, character };
                let expected = index.offset(
                    &text,
                    LineCol { line, col: character },
                    encoding,
                );
                proptest::prop_assert_eq!(
                    super::byte_offset(&rope, pos, encoding),
                    expected,
                    "{:?} at {}:{} in {:?}", encoding, line, character, text
                );
                // Lines longer than the walked ones take the rope's indexes.
                proptest::prop_assert_eq!(
                    super::byte_offset_indexed(&rope, pos, encoding),
                    expected,
                    "indexed: {:?} at {}:{} in {:?}", encoding, line, character, text
                );
            }
        }
    }

    /// Over a text of many chunks (lines within a chunk are counted in place, lines across
    /// two through the rope's indexes), every column converts as the engine converts it.
    #[test]
    fn positions_convert_in_a_text_of_many_chunks() {
        use crate::analysis::{Encoding, LineCol, LineIndex};
        let words = [
            "- [ ] é task",
            "😀 中文",
            "",
            "plain line with words",
            "\u{1F534} Tier",
        ];
        let mut text = String::new();
        for n in 0..2000 {
            text.push_str(words[n % words.len()]);
            text.push_str(&"x".repeat(n % 37));
            text.push_str(["\n", "\r\n", "\r"][n % 3]);
        }
        let rope = ropey::Rope::from_str(&text);
        assert!(rope.chunks().count() > 20);
        let index = LineIndex::new(&text);
        for line in 0..=rope.len_lines() as u32 {
            for character in [0, 1, 3, 7, 12, 30, 80] {
                for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                    let pos = tower_lsp::lsp_types::Position { line, character };
                    let expected = index.offset(
                        &text,
                        LineCol {
                            line,
                            col: character,
                        },
                        encoding,
                    );
                    assert_eq!(
                        super::byte_offset(&rope, pos, encoding),
                        expected,
                        "{encoding:?} at {line}:{character}"
                    );
                }
            }
        }
    }
}
