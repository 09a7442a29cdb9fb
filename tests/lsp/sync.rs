//! Incremental sync: exact ranges in both encodings on lines with emoji, astral characters
//! and CRLF, and a property test against a fresh server.

use proptest::prelude::*;
use tickmark::analysis::{Encoding, LineCol, LineIndex};
use tower_lsp::lsp_types::*;

use crate::support::{pos, range, span, uri, TestServer};

const ROADMAP: &str = "# 🔴 Tier 1\r\n- [ ] 🔴 𝄞 [P9] x\r\n- [] é\r\n";

#[tokio::test]
async fn utf16_ranges_count_surrogate_pairs() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    let diagnostics = server.open(&doc, ROADMAP).await;
    let spans: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| (code(d), span(d.range)))
        .collect();
    assert_eq!(
        spans,
        vec![
            ("unknown-priority".to_owned(), "1:12-1:16".to_owned()),
            ("malformed-checkbox".to_owned(), "2:2-2:4".to_owned()),
        ]
    );
    // Insert after the astral character: UTF-16 column 11 is just after `𝄞`.
    let diagnostics = server.change(&doc, &[(range(1, 11, 1, 11), "!")]).await;
    assert_eq!(
        server.text(&doc),
        "# 🔴 Tier 1\r\n- [ ] 🔴 𝄞! [P9] x\r\n- [] é\r\n"
    );
    assert_eq!(span(diagnostics[0].range), "1:13-1:17");
}

#[tokio::test]
async fn utf8_ranges_count_bytes() {
    let mut server = TestServer::builder().utf8().start().await;
    let doc = uri("ROADMAP.md");
    let diagnostics = server.open(&doc, ROADMAP).await;
    assert_eq!(span(diagnostics[0].range), "1:16-1:20");
    // Byte column 14 is after `𝄞` (6 + 4 + 1 + 4 - 1 = 14).
    server.change(&doc, &[(range(1, 15, 1, 15), "!")]).await;
    assert_eq!(
        server.text(&doc),
        "# 🔴 Tier 1\r\n- [ ] 🔴 𝄞! [P9] x\r\n- [] é\r\n"
    );
    // A column inside a character moves to its start.
    server.change(&doc, &[(range(1, 12, 1, 12), "^")]).await;
    assert_eq!(
        server.text(&doc),
        "# 🔴 Tier 1\r\n- [ ] 🔴 ^𝄞! [P9] x\r\n- [] é\r\n"
    );
}

#[tokio::test]
async fn edits_across_crlf_lines_apply_in_order() {
    let mut server = TestServer::new().await;
    let doc = uri("TODO.md");
    server.open(&doc, ROADMAP).await;
    // Several changes in one notification apply one after another.
    server
        .change(
            &doc,
            &[
                (range(1, 6, 2, 3), ""),
                (range(0, 0, 0, 0), "x\r\n"),
                (range(0, 99, 0, 99), "!"),
            ],
        )
        .await;
    assert_eq!(server.text(&doc), "x!\r\n# 🔴 Tier 1\r\n- [ ] ] é\r\n");
}

/// A lone `\r` ends a line for the client (LSP counts `\n`, `\r\n` and `\r`): the server
/// puts the problems after one on the lines the client sees, applies UTF-16 edits at those
/// lines, and ends with the diagnostics of a fresh server.
#[tokio::test]
async fn a_lone_carriage_return_is_a_line_break() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    let text = "# 🔴 Now\r- [ ] 𝄞 a [P9]\r\r- [] b\r\n- [ ] c\n- [ ] 𝄞 a [P9]\r";
    let diagnostics = server.open(&doc, text).await;
    let spans: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| (code(d), span(d.range)))
        .collect();
    assert_eq!(
        spans,
        vec![
            ("unknown-priority".to_owned(), "1:11-1:15".to_owned()),
            ("malformed-checkbox".to_owned(), "3:2-3:4".to_owned()),
            ("duplicate-item".to_owned(), "5:6-5:15".to_owned()),
            ("unknown-priority".to_owned(), "5:11-5:15".to_owned()),
        ]
    );
    // Line 3 is `- [] b`, after two lone `\r`s; line 5 the second `𝄞 a`.
    let diagnostics = server
        .change(
            &doc,
            &[
                (range(3, 3, 3, 3), " "),
                (range(5, 8, 5, 8), "!\r- [ ] d"),
                (range(0, 8, 0, 8), "\r"),
            ],
        )
        .await;
    let edited = "# 🔴 Now\r\r- [ ] 𝄞 a [P9]\r\r- [ ] b\r\n- [ ] c\n- [ ] 𝄞!\r- [ ] d a [P9]\r";
    assert_eq!(server.text(&doc), edited);
    // Joining a `\r` and a `\n` into one line break.
    let diagnostics_joined = server.change(&doc, &[(range(1, 0, 1, 0), "\n")]).await;
    let joined = edited.replacen("\r\r", "\r\n\r", 1);
    assert_eq!(server.text(&doc), joined);
    let mut fresh = TestServer::new().await;
    assert_eq!(fresh.open(&doc, edited).await, diagnostics);
    let mut fresh = TestServer::new().await;
    assert_eq!(fresh.open(&doc, &joined).await, diagnostics_joined);
    // `\r\n` is one line break, as `\r` was: no line moved.
    for diagnostics in [&diagnostics, &diagnostics_joined] {
        let spans: Vec<String> = diagnostics.iter().map(|d| span(d.range)).collect();
        assert_eq!(spans, vec!["2:11-2:15", "7:10-7:14"], "{diagnostics:#?}");
    }
}

fn code(d: &Diagnostic) -> String {
    match &d.code {
        Some(NumberOrString::String(s)) => s.clone(),
        other => panic!("{other:?}"),
    }
}

/// One random edit: a range given as fractions of the text (so it fits whatever the text
/// is) and the text to insert.
#[derive(Debug, Clone)]
struct RandomEdit {
    start: (u32, u32),
    end: (u32, u32),
    insert: String,
}

fn random_edit() -> impl Strategy<Value = RandomEdit> {
    let pieces = prop::sample::select(vec![
        "",
        "- [ ] ",
        "- [x] ",
        "[P1] ",
        "🔴",
        "𝄞",
        "é",
        "\r\n",
        "\n",
        "\r",
        "  - [] a\r",
        "  - [] a\n",
        "# ✅ Done\n",
        "âœ…",
        "x",
        " ",
    ]);
    (
        (0u32..12, 0u32..40),
        (0u32..12, 0u32..40),
        prop::collection::vec(pieces, 0..3),
    )
        .prop_map(|(start, end, pieces)| RandomEdit {
            start,
            end,
            insert: pieces.concat(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn incremental_sync_matches_a_fresh_open(
        edits in prop::collection::vec(random_edit(), 1..12),
        utf8 in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let start = |utf8: bool| async move {
                if utf8 {
                    TestServer::builder().utf8().start().await
                } else {
                    TestServer::new().await
                }
            };
            let mut server = start(utf8).await;
            let doc = uri("ROADMAP.md");
            server.open(&doc, "# Tier 1\r\n- [ ] 🔴 a [P1]\r\n  - [x] 𝄞 b\n- [] c\n").await;
            let mut oracle = "# Tier 1\r\n- [ ] 🔴 a [P1]\r\n  - [x] 𝄞 b\n- [] c\n".to_owned();
            let encoding = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
            let mut last = Vec::new();
            for e in &edits {
                let (a, b) = if e.start <= e.end { (e.start, e.end) } else { (e.end, e.start) };
                let index = LineIndex::new(&oracle);
                let at = |(line, col): (u32, u32)| index.offset(&oracle, LineCol { line, col }, encoding);
                let (from, to) = (at(a), at(b));
                oracle.replace_range(from..to.max(from), &e.insert);
                last = server
                    .change(&doc, &[(Range::new(pos(a.0, a.1), pos(b.0, b.1)), e.insert.as_str())])
                    .await;
            }
            let text = server.text(&doc);
            assert_eq!(text, oracle);
            let mut fresh = start(utf8).await;
            let again = fresh.open(&doc, &text).await;
            assert_eq!(last, again, "text: {text:?}");
        });
    }
}
