//! Configuration: tickmark.toml at the workspace root, the editor's `tickmark` settings,
//! re-reading on `didChangeConfiguration`, and a bad setting reported once.

use serde_json::json;
use tower_lsp::lsp_types::notification as note;
use tower_lsp::lsp_types::*;

use crate::support::{edits_of, range, TestServer};

const TASKS: &str = "- [ ] parent\n  - [x] a\n  - [ ] b\n";

fn workspace(toml: &str) -> (tempfile::TempDir, Url) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tickmark.toml"), toml).unwrap();
    let doc = Url::from_file_path(dir.path().join("ROADMAP.md")).unwrap();
    (dir, doc)
}

async fn toggled_lines(server: &mut TestServer, doc: &Url, line: u32) -> Vec<u32> {
    server
        .execute_toggle(json!({ "uri": doc, "line": line }))
        .await;
    let edit = server.expect_apply_edit().await;
    edits_of(&edit.edit)
        .iter()
        .map(|e| e.range.start.line)
        .collect()
}

#[tokio::test]
async fn cascade_down_from_the_workspace_file() {
    let (dir, doc) = workspace("[toggle]\ncascade = \"down\"\n");
    let mut server = TestServer::builder().root(dir.path()).start().await;
    server.open(&doc, TASKS).await;
    assert_eq!(toggled_lines(&mut server, &doc, 0).await, vec![0, 2]);
}

#[tokio::test]
async fn cascade_up_from_editor_settings_and_the_file_wins() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Url::from_file_path(dir.path().join("ROADMAP.md")).unwrap();
    let mut server = TestServer::builder()
        .root(dir.path())
        .editor_settings(json!({ "toggle": { "cascade": "up" } }))
        .start()
        .await;
    server.open(&doc, TASKS).await;
    assert_eq!(toggled_lines(&mut server, &doc, 2).await, vec![0, 2]);

    let (dir, doc) = workspace("[toggle]\ncascade = \"none\"\n");
    let mut server = TestServer::builder()
        .root(dir.path())
        .editor_settings(json!({ "toggle": { "cascade": "up" } }))
        .start()
        .await;
    server.open(&doc, TASKS).await;
    assert_eq!(toggled_lines(&mut server, &doc, 2).await, vec![2]);
}

#[tokio::test]
async fn rule_severities_apply_and_change_with_the_settings() {
    let mut server = TestServer::new().await;
    let doc = Url::parse("file:///nowhere/ROADMAP.md").unwrap();
    assert_eq!(server.open(&doc, "- [] a\n").await.len(), 1);
    server
        .notify::<note::DidChangeConfiguration>(DidChangeConfigurationParams {
            settings: json!({ "tickmark": { "rules": { "malformed-checkbox": "off" } } }),
        })
        .await;
    let republished = server.expect_diagnostics().await;
    assert!(republished.diagnostics.is_empty());
    server
        .notify::<note::DidChangeConfiguration>(DidChangeConfigurationParams {
            settings: json!({ "tickmark": { "rules": { "malformed-checkbox": "hint" } } }),
        })
        .await;
    let republished = server.expect_diagnostics().await;
    assert_eq!(
        republished.diagnostics[0].severity,
        Some(DiagnosticSeverity::HINT)
    );
}

#[tokio::test]
async fn a_bad_setting_is_shown_once_and_defaults_apply() {
    let (dir, doc) = workspace("[rules]\nno-such-rule = \"warning\"\n");
    let mut server = TestServer::builder().root(dir.path()).start().await;
    let shown = server.expect_show_message().await;
    assert_eq!(shown.typ, MessageType::WARNING);
    assert!(shown.message.contains("no-such-rule"), "{}", shown.message);
    assert_eq!(server.open(&doc, "- [] a\n").await.len(), 1);
    server
        .notify::<note::DidChangeConfiguration>(DidChangeConfigurationParams {
            settings: json!({}),
        })
        .await;
    // Re-read, still bad, not shown again; the open document is re-published.
    server.expect_diagnostics().await;
    server.change(&doc, &[(range(0, 3, 0, 3), " ")]).await;
    server.assert_no_messages();
}
