//! The language server and the history: `stale-date` needs the file's last commit date,
//! which the server learns by reading the history in the background after a document opens
//! or is saved; the diagnostics are then redone.

use tower_lsp::lsp_types::notification as note;
use tower_lsp::lsp_types::{
    Diagnostic, DidSaveTextDocumentParams, NumberOrString, TextDocumentIdentifier, Url,
};

use crate::lsp_support::{span, TestServer};
use crate::support::TestRepo;

const ROADMAP: &str = "# Plan\n\n**Last Updated:** 2025-01-15\n\n- [ ] Ship it\n";

fn stale_dates(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.code == Some(NumberOrString::String("stale-date".to_owned())))
        .collect()
}

#[tokio::test]
async fn stale_date_appears_once_the_history_is_read_and_follows_new_commits() {
    let repo = TestRepo::new();
    repo.commit_file("ROADMAP.md", ROADMAP, "2025-03-01", "Ada Lovelace", "Plan");
    let mut server = TestServer::builder().root(repo.path()).start().await;
    let uri = Url::from_file_path(repo.file("ROADMAP.md")).unwrap();
    // The first diagnostics may come before the history is read; the ones that follow the
    // build know the last commit.
    server.open(&uri, ROADMAP).await;
    let again = server.expect_diagnostics().await;
    assert_eq!((&again.uri, again.version), (&uri, Some(1)));
    let stale = stale_dates(&again.diagnostics);
    assert_eq!(stale.len(), 1, "{:#?}", again.diagnostics);
    assert_eq!(span(stale[0].range), "2:18-2:28");
    assert!(
        stale[0].message.contains("changed on 2025-03-01"),
        "{}",
        stale[0].message
    );
    server.assert_no_messages();

    // A commit, then a save: the date moves on.
    repo.commit_file(
        "ROADMAP.md",
        &ROADMAP.replace("Ship it", "Ship it soon"),
        "2025-04-02",
        "Grace Hopper",
        "Reword",
    );
    server
        .notify::<note::DidSaveTextDocument>(DidSaveTextDocumentParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            text: None,
        })
        .await;
    let after = server.expect_diagnostics().await;
    let stale = stale_dates(&after.diagnostics);
    assert!(
        stale[0].message.contains("changed on 2025-04-02"),
        "{}",
        stale[0].message
    );
    server.assert_no_messages();
}
