//! `tickmark.toggleTask`, answered with `workspace/applyEdit`.

use serde_json::json;
use tower_lsp::lsp_types::*;

use crate::support::{edits_of, range, uri, TestServer};

const TASKS: &str = "- [ ] parent\n  - [x] a\n  - [ ] b\n- [x] done\n";

#[tokio::test]
async fn toggle_by_line_changes_one_character() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, TASKS).await;
    let result = server
        .execute_toggle(json!({ "uri": doc, "line": 2 }))
        .await;
    assert_eq!(result, Some(json!({ "edits": 1 })));
    let edit = server.expect_apply_edit().await;
    assert_eq!(
        edits_of(&edit.edit),
        vec![TextEdit::new(range(2, 5, 2, 6), "x".to_owned())]
    );
    // Unchecking a done task.
    server
        .execute_toggle(json!({ "uri": doc, "line": 3 }))
        .await;
    let edit = server.expect_apply_edit().await;
    assert_eq!(
        edits_of(&edit.edit),
        vec![TextEdit::new(range(3, 3, 3, 4), " ".to_owned())]
    );
}

#[tokio::test]
async fn toggle_by_range_checks_every_task_in_it() {
    let mut server = TestServer::builder().versioned_edits().start().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, TASKS).await;
    server
        .execute_toggle(json!({ "uri": doc, "range": range(1, 0, 2, 4) }))
        .await;
    let edit = server.expect_apply_edit().await;
    let Some(DocumentChanges::Edits(changes)) = &edit.edit.document_changes else {
        panic!("versioned edit expected");
    };
    assert_eq!(changes[0].text_document.version, Some(1));
    // `a` is already checked: only `b` changes.
    assert_eq!(
        edits_of(&edit.edit),
        vec![TextEdit::new(range(2, 5, 2, 6), "x".to_owned())]
    );
}

#[tokio::test]
async fn nothing_to_toggle_sends_no_edit() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, "# Title\nplain text\n").await;
    assert_eq!(
        server
            .execute_toggle(json!({ "uri": doc, "line": 1 }))
            .await,
        None
    );
    assert_eq!(
        server
            .execute_toggle(json!({ "uri": doc, "line": 99 }))
            .await,
        None
    );
    server.assert_no_messages();
}

#[tokio::test]
async fn a_rejected_edit_is_logged() {
    let mut server = TestServer::builder().reject_edits().start().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, TASKS).await;
    let result = server
        .execute_toggle(json!({ "uri": doc, "line": 0 }))
        .await;
    // Answered without waiting for the client's answer to the edit.
    assert_eq!(result, Some(json!({ "edits": 1 })));
    server.expect_apply_edit().await;
    let logged = server
        .expect::<tower_lsp::lsp_types::notification::LogMessage>()
        .await;
    assert_eq!(logged.typ, MessageType::WARNING);
    assert!(logged.message.contains("not applied"), "{}", logged.message);
}

#[tokio::test]
async fn bad_arguments_are_invalid_params() {
    let mut server = TestServer::new().await;
    let error = server
        .request_error::<request::ExecuteCommand>(ExecuteCommandParams {
            command: "tickmark.toggleTask".to_owned(),
            arguments: vec![json!({ "line": 1 })],
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await;
    assert_eq!(error.code, tower_lsp::jsonrpc::ErrorCode::InvalidParams);
    let error = server
        .request_error::<request::ExecuteCommand>(ExecuteCommandParams {
            command: "tickmark.toggleTask".to_owned(),
            arguments: vec![json!({ "uri": uri("closed.md"), "line": 1 })],
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await;
    assert_eq!(error.code, tower_lsp::jsonrpc::ErrorCode::InvalidParams);
}
