//! Completion, list continuation, hover, symbols, folding, lenses, inlay hints, links and
//! `tickmark/stats`.

use std::fmt::Write as _;

use expect_test::expect;
use serde_json::json;
use tower_lsp::lsp_types::request as req;
use tower_lsp::lsp_types::*;

use crate::support::{apply, pos, range, span, uri, TestServer};

const ROADMAP: &str = "\
# 🔴 Roadmap
- **[P0]** - Critical: Must fix
- **[P1]** - High: Soon

## Now
- [ ] Rate limiting [P0]
  - [x] Design
  - [ ] Build
  - **Impact:** 10x safer
  - **Time:** 2-3 hours
- [x] Logging
See [notes](./notes.md).
";

async fn open(text: &str) -> (TestServer, Url) {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, text).await;
    (server, doc)
}

async fn complete(server: &mut TestServer, doc: &Url, at: Position) -> Vec<CompletionItem> {
    let response = server
        .request::<req::Completion>(CompletionParams {
            text_document_position: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(doc.clone()),
                at,
            ),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
            context: None,
        })
        .await;
    match response {
        Some(CompletionResponse::Array(items)) => items,
        None => Vec::new(),
        Some(other) => panic!("{other:?}"),
    }
}

fn render_completions(items: &[CompletionItem]) -> String {
    let mut out = String::new();
    for item in items {
        let Some(CompletionTextEdit::Edit(edit)) = &item.text_edit else {
            panic!("text edit expected");
        };
        let _ = writeln!(
            out,
            "{} {:?} {} {:?}",
            item.label,
            item.detail.as_deref().unwrap_or("-"),
            span(edit.range),
            edit.new_text
        );
    }
    out
}

#[tokio::test]
async fn priority_box_and_field_completion() {
    let text = format!("{ROADMAP}- [ ] [\n  - \n");
    let (mut server, doc) = open(&text).await;
    let items = complete(&mut server, &doc, pos(12, 7)).await;
    expect![[r#"
        [P0] "Critical: Must fix" 12:6-12:7 "[P0] "
        [P1] "High: Soon" 12:6-12:7 "[P1] "
    "#]]
    .assert_eq(&render_completions(&items));
    let items = complete(&mut server, &doc, pos(13, 4)).await;
    expect![[r#"
        [ ] "task box" 13:4-13:4 "[ ] "
        **Impact:** "field" 13:4-13:4 "**Impact:** "
        **Time:** "field" 13:4-13:4 "**Time:** "
    "#]]
    .assert_eq(&render_completions(&items));
}

#[tokio::test]
async fn enter_after_a_task_starts_the_next_one() {
    let (mut server, doc) = open("- [ ] 🔴 a\n  - [x] b\n  \n").await;
    let edits = server
        .request::<req::OnTypeFormatting>(DocumentOnTypeFormattingParams {
            text_document_position: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(doc.clone()),
                pos(2, 2),
            ),
            ch: "\n".to_owned(),
            options: FormattingOptions::default(),
        })
        .await
        .unwrap();
    assert_eq!(
        edits,
        vec![TextEdit::new(range(2, 0, 2, 2), "  - [ ] ".to_owned())]
    );
}

#[tokio::test]
async fn hover_on_a_task_and_on_a_heading() {
    let (mut server, doc) = open(ROADMAP).await;
    let hover = server.hover(&doc, pos(5, 3)).await.unwrap();
    let HoverContents::Markup(markup) = hover.contents else {
        panic!()
    };
    expect![[r"
        **Open**

        Priority: **P0** — Critical: Must fix

        Subtasks: 1/2 done · 50%

        - Impact: 10x safer
        - Time: 2-3 hours"]]
    .assert_eq(&markup.value);
    assert_eq!(span(hover.range.unwrap()), "5:0-5:24");
    let hover = server.hover(&doc, pos(4, 1)).await.unwrap();
    let HoverContents::Markup(markup) = hover.contents else {
        panic!()
    };
    expect![[r"
        **Now**

        Progress: 2/3 done · 67%

        By priority: P0: 2/3

        Estimate: 2–3 h"]]
    .assert_eq(&markup.value);
    assert!(server.hover(&doc, pos(3, 0)).await.is_none());
}

#[tokio::test]
async fn outline_folds_lenses_hints_and_links() {
    let (mut server, doc) = open(ROADMAP).await;
    let id = || TextDocumentIdentifier::new(doc.clone());
    let symbols = server
        .request::<req::DocumentSymbolRequest>(DocumentSymbolParams {
            text_document: id(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await;
    let Some(DocumentSymbolResponse::Nested(symbols)) = symbols else {
        panic!()
    };
    let mut out = String::new();
    render_symbols(&symbols, 0, &mut out);
    expect![[r"
        🔴 Roadmap [2/3 done · 67%] 0:0-12:0
          **[P0]** - Critical: Must fix [-] 1:0-1:31
          **[P1]** - High: Soon [-] 2:0-2:23
          Now [2/3 done · 67%] 4:0-12:0
            Rate limiting [P0] [1/2 done · 50%] 5:0-9:23
              Design [done] 6:2-6:14
              Build [open] 7:2-7:13
            Logging [done] 10:0-11:24
    "]]
    .assert_eq(&out);

    let folds = server
        .request::<req::FoldingRangeRequest>(FoldingRangeParams {
            text_document: id(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await
        .unwrap();
    let folds: Vec<(u32, u32)> = folds.iter().map(|f| (f.start_line, f.end_line)).collect();
    // `See [notes]…` continues the last item's paragraph (a lazy continuation line).
    assert_eq!(folds, vec![(0, 11), (4, 11), (5, 9), (10, 11)]);

    let lenses = server
        .request::<req::CodeLensRequest>(CodeLensParams {
            text_document: id(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await
        .unwrap();
    let lenses: Vec<(String, String)> = lenses
        .iter()
        .map(|l| (span(l.range), l.command.as_ref().unwrap().title.clone()))
        .collect();
    expect![[r#"[("0:0-0:12", "2/3 done · 67%"), ("4:0-4:6", "2/3 done · 67%")]"#]]
        .assert_eq(&format!("{lenses:?}"));

    let hints = server
        .request::<req::InlayHintRequest>(InlayHintParams {
            text_document: id(),
            range: range(0, 0, 20, 0),
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await
        .unwrap();
    let hints: Vec<String> = hints
        .iter()
        .map(|h| match &h.label {
            InlayHintLabel::String(s) => {
                format!("{}:{} {s}", h.position.line, h.position.character)
            }
            InlayHintLabel::LabelParts(_) => panic!(),
        })
        .collect();
    expect![[r#"["0:12 2/3", "4:6 2/3", "5:24 1/2"]"#]].assert_eq(&format!("{hints:?}"));

    let links = server
        .request::<req::DocumentLinkRequest>(DocumentLinkParams {
            text_document: id(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(span(links[0].range), "11:12-11:22");
    assert_eq!(
        links[0].target.as_ref().unwrap().as_str(),
        "file:///tickmark-test-workspace/notes.md"
    );
}

fn render_symbols(symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
    for s in symbols {
        let _ = writeln!(
            out,
            "{}{} [{}] {}",
            "  ".repeat(depth),
            s.name,
            s.detail.as_deref().unwrap_or("-"),
            span(s.range)
        );
        render_symbols(s.children.as_deref().unwrap_or_default(), depth + 1, out);
    }
}

/// A client that keeps only so many folding ranges (VS Code: 5,000) is sent no more: the
/// first ones, which it would have kept.
#[tokio::test]
async fn folding_ranges_stop_at_the_clients_limit() {
    let mut server = TestServer::builder().folding_limit(2).start().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, ROADMAP).await;
    let folds = server
        .request::<req::FoldingRangeRequest>(FoldingRangeParams {
            text_document: TextDocumentIdentifier::new(doc.clone()),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await
        .unwrap();
    let folds: Vec<(u32, u32)> = folds.iter().map(|f| (f.start_line, f.end_line)).collect();
    assert_eq!(folds, vec![(0, 11), (4, 11)]);
}

#[tokio::test]
async fn stats_request_has_the_spec_shape() {
    let (mut server, doc) = open(ROADMAP).await;
    let response = server
        .raw_request("tickmark/stats", json!({ "uri": doc }))
        .await;
    let stats = response.into_parts().1.unwrap();
    assert_eq!(stats["total"], 3);
    assert_eq!(stats["done"], 2);
    assert_eq!(stats["percent"], 67);
    assert_eq!(stats["open"], 1);
    assert_eq!(stats["bySection"][1]["title"], "Now");
    // `Logging` takes P0 from the 🔴 tier of its section.
    assert_eq!(stats["byPriority"]["P0"]["total"], 3);
    let missing = server
        .raw_request("tickmark/stats", json!({ "uri": uri("closed.md") }))
        .await;
    assert!(missing.into_parts().1.is_err());
    // The applied text is unchanged by all of this.
    assert_eq!(apply(ROADMAP, &[]), server.text(&doc));
}
