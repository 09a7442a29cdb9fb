//! The fuzz targets: each takes any bytes and panics on a broken promise. Shared by the
//! deterministic runs in `cargo test --test fuzz` (seed corpus plus mutations) and the
//! time-boxed runs of `.ci/fuzz.sh`.

use tickmark::analysis::diagnostic::Place;
use tickmark::analysis::incremental::Incremental;
use tickmark::analysis::{
    analyze, fix, fix_all, outline, stats, Analysis, Encoding, Inputs, LineCol, LineIndex,
    Settings, TextRange,
};
use tickmark::config::Config;
use tickmark::server::documents::byte_offset;
use tickmark::server::framing::guard_input;

/// A fuzz target: any bytes in, a panic on a broken promise.
pub type Target = fn(&[u8]);

/// Every target by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("analysis", analysis),
    ("incremental", incremental),
    ("config", config),
    ("framing", framing),
];

fn inputs() -> Inputs<'static> {
    Inputs {
        link_exists: Some(&|path: &str| path.len() % 2 == 0),
        last_commit: Some(jiff::civil::date(2025, 6, 1)),
        today: Some(jiff::civil::date(2026, 1, 1)),
        ..Inputs::default()
    }
}

fn assert_range(text: &str, range: TextRange, what: &str) {
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{what}: {}..{} in a text of {} bytes",
        range.start,
        range.end,
        text.len()
    );
}

fn assert_ranges(text: &str, analysis: &Analysis) {
    for d in &analysis.diagnostics {
        assert_range(text, d.range, d.code.as_str());
        for f in &d.fixes {
            for e in &f.edits {
                assert_range(text, e.range, &f.title);
            }
        }
        for r in &d.related {
            if let Place::Here(range) = r.place {
                assert_range(text, range, "related");
            }
        }
    }
    for item in &analysis.document.items {
        assert_range(text, item.range, "item");
        assert_range(text, item.text, "item text");
    }
    for section in &analysis.document.sections {
        assert_range(text, section.range, "section");
        assert_range(text, section.title, "section title");
    }
}

/// The analysis: never panics; every range lies on character boundaries inside the text;
/// each safe fix applies and the text it gives has fewer diagnostics of that code; fix-all
/// converges; the outline, folds, lenses, hints and stats of any text are answered.
pub fn analysis(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let settings = Settings::default();
    let inputs = inputs();
    let analysis = analyze(&text, &inputs, &settings);
    assert_ranges(&text, &analysis);
    let doc = &analysis.document;
    let _ = outline::symbols(&text, doc);
    let _ = outline::folding_ranges(&text, doc);
    let _ = outline::lenses(&text, doc);
    let _ = outline::inlay_hints(&text, doc);
    let _ = stats::counts_by_section(doc);
    for d in analysis.diagnostics.iter().take(8) {
        let Some(safe) = d.fixes.iter().find(|f| f.is_safe()) else {
            continue;
        };
        let (fixed, applied) = fix::apply_fixes(&text, [safe]);
        assert_eq!(
            applied,
            1,
            "{} fix `{}` applies",
            d.code.as_str(),
            safe.title
        );
        let again = analyze(&fixed, &inputs, &settings);
        assert_ranges(&fixed, &again);
        // Its diagnostic is gone: none of that code is left where the fixed text now is (a
        // fix may reveal another problem elsewhere, as a glued box made a list item may
        // reveal the box line under it).
        let place = TextRange::new(
            moved(d.range.start, &safe.edits, false),
            moved(d.range.end, &safe.edits, true),
        );
        let left = again.diagnostics.iter().find(|x| {
            x.code == d.code
                && (x.range.start == place.start
                    || x.range.start < place.end && place.start < x.range.end)
        });
        assert!(
            left.is_none(),
            "{} fix `{}` leaves its diagnostic: {left:?}",
            d.code.as_str(),
            safe.title,
        );
    }
    let outcome = fix_all(&text, &inputs, &settings);
    assert!(outcome.converged, "fix-all converges");
}

/// Where `offset` is after `edits` (sorted, apart): an edit that ends at or before it moves
/// it; inside a replaced range it goes to the replacement's start, or its end when `end`.
fn moved(offset: usize, edits: &[tickmark::analysis::Edit], end: bool) -> usize {
    // Bytes inserted and removed before `offset`; those removed all lie before it.
    let (mut added, mut removed) = (0, 0);
    for e in edits {
        if e.range.end <= offset {
            added += e.insert.len();
            removed += e.range.len();
        } else if e.range.start < offset {
            let at = e.range.start + added - removed;
            return if end { at + e.insert.len() } else { at };
        }
    }
    offset + added - removed
}

/// A little reader of the fuzzer's bytes.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
}

/// Incremental sync: the first bytes up to a 0 byte are the text, the rest a list of edits
/// (line, column, how many characters to delete, what to insert) given as an editor gives
/// them, in UTF-8 or UTF-16 columns. After every edit the text equals a `String` oracle
/// edited at the same offsets; at the end the incremental diagnostics equal a fresh
/// analysis of the oracle. The server's rope, edited alongside, converts every edit's
/// positions to the same offsets as the engine's `LineIndex` (lines end at `\n`, `\r\n` or
/// a lone `\r` in both).
pub fn incremental(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let mut oracle = String::from_utf8_lossy(&data[..split]).into_owned();
    let mut bytes = Bytes(data.get(split + 1..).unwrap_or_default());
    let settings = Settings::default();
    let inputs = Inputs::default();
    let mut inc = Incremental::new(oracle.clone(), &inputs, &settings);
    let mut rope = ropey::Rope::from_str(&oracle);
    let mut edits = 0;
    while let (Some(flags), Some(line), Some(column), Some(delete), Some(len)) = (
        bytes.byte(),
        bytes.byte(),
        bytes.byte(),
        bytes.byte(),
        bytes.byte(),
    ) {
        let encoding = if flags & 1 == 0 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let insert = String::from_utf8_lossy(bytes.take(usize::from(len % 32))).into_owned();
        let index = LineIndex::new(&oracle);
        let pos = |line: u8, column: u8| LineCol {
            line: u32::from(line) % (index.line_count() as u32 + 1),
            col: u32::from(column),
        };
        let start = index.offset(&oracle, pos(line, column), encoding);
        let end = index.offset(
            &oracle,
            pos(line, column.saturating_add(delete % 16)),
            encoding,
        );
        assert!(oracle.is_char_boundary(start) && oracle.is_char_boundary(end));
        assert_eq!(
            rope.len_lines(),
            index.line_count(),
            "lines before edit {edits}"
        );
        for (at, column) in [(start, column), (end, column.saturating_add(delete % 16))] {
            let lsp =
                tower_lsp::lsp_types::Position::new(pos(line, column).line, u32::from(column));
            assert_eq!(byte_offset(&rope, lsp, encoding), at, "edit {edits}");
        }
        let range = TextRange::new(start, end.max(start));
        let (a, b) = (rope.byte_to_char(range.start), rope.byte_to_char(range.end));
        rope.remove(a..b);
        rope.insert(a, &insert);
        oracle.replace_range(range.as_range(), &insert);
        inc.edit(range, &insert);
        assert_eq!(inc.text(), oracle, "after edit {edits}");
        assert_eq!(rope, oracle.as_str(), "rope after edit {edits}");
        // Positions back and forth agree on the edited text.
        let index = LineIndex::new(&oracle);
        let back = index.line_col(&oracle, start.min(oracle.len()), encoding);
        let there = index.offset(&oracle, back, encoding);
        assert!(there <= start.min(oracle.len()) && oracle.is_char_boundary(there));
        edits += 1;
        if flags & 2 != 0 {
            inc.refresh(&inputs, &settings);
        }
    }
    inc.refresh(&inputs, &settings);
    let fresh = analyze(&oracle, &inputs, &settings);
    let key = |d: &tickmark::analysis::Diagnostic| {
        (d.code, d.range.start, d.range.end, d.message.clone())
    };
    let mut got: Vec<_> = inc.diagnostics().iter().map(key).collect();
    let mut want: Vec<_> = fresh.diagnostics.iter().map(key).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "incremental diagnostics after {edits} edits");
}

/// The config reader: never panics; it fails exactly when it reports a bad setting, and
/// every error names a line of the file. Editor settings read from the same bytes as JSON.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = std::path::Path::new("tickmark.toml");
    let (config, errors) = Config::read_toml(&text, path);
    let _ = config.settings();
    let _ = config.is_roadmap(std::path::Path::new("docs/ROADMAP.md"));
    assert_eq!(Config::parse_toml(&text, path).is_ok(), errors.is_empty());
    let lines = text.split('\n').count();
    for error in &errors {
        if let Some(p) = error.position {
            assert!(p.line >= 1 && p.line <= lines, "{error}");
        }
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let (config, errors) = Config::from_editor_all(&value);
        let _ = config.settings();
        assert_eq!(Config::from_editor(&value).is_ok(), errors.is_empty());
    }
}

/// The framing and message layer: any bytes from a client, then two well-formed requests
/// around a frame announcing a body of a terabyte. The guard in front of the server never
/// panics, never reads a body over its limit (the terabyte frame is answered with a parse
/// error and skipped, nothing allocated for it), answers every bad frame or message with a
/// JSON-RPC error, and still passes on the well-formed requests after the garbage.
pub fn framing(data: &[u8]) {
    const LIMIT: usize = 4096;
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let mut input = data.to_vec();
    // Whatever the bytes leave open ends here: a header at the blank line, a body of at most
    // LIMIT bytes within the spaces.
    input.extend_from_slice(b"\r\n\r\n");
    input.extend(std::iter::repeat_n(b' ', LIMIT));
    input.extend(
        frame(r#"{"jsonrpc":"2.0","id":"fuzz-1","method":"tickmark/fuzz","params":{}}"#).bytes(),
    );
    input.extend_from_slice(b"Content-Length: 1099511627776\r\n\r\n{\"jsonrpc\":");
    input.extend(frame(r#"{"jsonrpc":"2.0","id":"fuzz-2","method":"tickmark/fuzz"}"#).bytes());
    let guarded = guard_input(&input, LIMIT);
    let ids: Vec<&serde_json::Value> = guarded.passed.iter().map(|m| &m["id"]).collect();
    assert!(
        ids.ends_with(&[&serde_json::json!("fuzz-1"), &serde_json::json!("fuzz-2")]),
        "the requests after the garbage reach the server: {ids:?}"
    );
    for message in &guarded.passed {
        assert_eq!(
            message["jsonrpc"], "2.0",
            "only JSON-RPC goes on: {message}"
        );
    }
    let last = guarded
        .replies
        .last()
        .expect("the terabyte frame is answered");
    assert_eq!(last["error"]["code"], -32700, "{last}");
    let why = last["error"]["message"].as_str().unwrap_or_default();
    assert!(why.contains("1099511627776 bytes"), "{why}");
    for reply in &guarded.replies {
        let code = reply["error"]["code"].as_i64();
        assert!(
            matches!(code, Some(-32700 | -32600 | -32601)),
            "an error reply: {reply}"
        );
    }
}
