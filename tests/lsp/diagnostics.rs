//! Diagnostics: pushed with the version, pulled from the same function, cleared on close.

use tower_lsp::lsp_types::notification as note;
use tower_lsp::lsp_types::request as req;
use tower_lsp::lsp_types::*;

use crate::support::{range, span, uri, TestServer};

const DUPLICATES: &str = "# Work\n- [ ] Write docs\n- [ ] write docs.\n";

#[tokio::test]
async fn pushed_diagnostics_carry_code_href_source_related_and_fixes() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    let diagnostics = server.open(&doc, DUPLICATES).await;
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(
        d.code,
        Some(NumberOrString::String("duplicate-item".to_owned()))
    );
    assert_eq!(d.source.as_deref(), Some("tickmark"));
    assert_eq!(d.severity, Some(DiagnosticSeverity::WARNING));
    assert!(d
        .code_description
        .as_ref()
        .unwrap()
        .href
        .as_str()
        .ends_with("#duplicate-item"));
    assert_eq!(span(d.range), "2:6-2:17");
    let related = d.related_information.as_ref().unwrap();
    assert_eq!(related[0].location.uri, doc);
    assert_eq!(span(related[0].location.range), "1:6-1:16");
    let fixes = &d.data.as_ref().unwrap()["fixes"];
    assert_eq!(fixes[0]["safe"], false);
    assert!(fixes[0]["edits"][0]["range"].is_object());
}

#[tokio::test]
async fn each_change_publishes_for_its_version_and_close_clears() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    assert_eq!(server.open(&doc, "- [] a\n").await.len(), 1);
    // `change` asserts that the published version is the one just sent.
    assert!(server
        .change(&doc, &[(range(0, 3, 0, 3), " ")])
        .await
        .is_empty());
    assert_eq!(
        server.change(&doc, &[(range(0, 3, 0, 4), "v")]).await.len(),
        1
    );
    server
        .notify::<note::DidCloseTextDocument>(DidCloseTextDocumentParams {
            text_document: TextDocumentIdentifier::new(doc.clone()),
        })
        .await;
    let cleared = server.expect_diagnostics().await;
    assert_eq!(cleared.uri, doc);
    assert!(cleared.diagnostics.is_empty());
    assert_eq!(cleared.version, None);
}

#[tokio::test]
async fn pull_diagnostics_match_push_and_report_unchanged() {
    let mut pushing = TestServer::new().await;
    let mut pulling = TestServer::builder().pull_diagnostics().start().await;
    let doc = uri("ROADMAP.md");
    let pushed = pushing.open(&doc, DUPLICATES).await;
    // A pulling client gets no pushes (the support client would fail on an unread one).
    let pulled = pulling.open(&doc, DUPLICATES).await;
    assert_eq!(pushed, pulled);
    let params = |previous: Option<String>| DocumentDiagnosticParams {
        text_document: TextDocumentIdentifier::new(doc.clone()),
        identifier: None,
        previous_result_id: previous,
        work_done_progress_params: WorkDoneProgressParams::default(),
        partial_result_params: PartialResultParams::default(),
    };
    let first = pulling
        .request::<req::DocumentDiagnosticRequest>(params(None))
        .await;
    let DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(full)) = first else {
        panic!("full report expected");
    };
    let id = full.full_document_diagnostic_report.result_id.unwrap();
    let second = pulling
        .request::<req::DocumentDiagnosticRequest>(params(Some(id)))
        .await;
    assert!(matches!(
        second,
        DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(_))
    ));
    pulling.change(&doc, &[(range(2, 0, 3, 0), "")]).await;
    assert!(pulling.pull_diagnostics(&doc).await.is_empty());
}

#[tokio::test]
async fn broken_links_resolve_from_the_documents_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("here.md"), "x").unwrap();
    let doc = Url::from_file_path(dir.path().join("ROADMAP.md")).unwrap();
    let mut server = TestServer::new().await;
    let diagnostics = server
        .open(&doc, "[a](./here.md) and [b](./gone.md)\n")
        .await;
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(span(diagnostics[0].range), "0:23-0:32");
}

/// Versions start again when a document is opened again: a result id of the earlier opening
/// never passes for the new text.
#[tokio::test]
async fn a_reopened_document_at_the_same_version_is_not_unchanged() {
    let mut pulling = TestServer::builder().pull_diagnostics().start().await;
    let doc = uri("ROADMAP.md");
    let params = |previous: Option<String>| DocumentDiagnosticParams {
        text_document: TextDocumentIdentifier::new(doc.clone()),
        identifier: None,
        previous_result_id: previous,
        work_done_progress_params: WorkDoneProgressParams::default(),
        partial_result_params: PartialResultParams::default(),
    };
    pulling.open(&doc, "- [ ] fine\n").await;
    let first = pulling
        .request::<req::DocumentDiagnosticRequest>(params(None))
        .await;
    let DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(full)) = first else {
        panic!("full report expected");
    };
    assert!(full.full_document_diagnostic_report.items.is_empty());
    let id = full.full_document_diagnostic_report.result_id.unwrap();
    pulling
        .notify::<note::DidCloseTextDocument>(DidCloseTextDocumentParams {
            text_document: TextDocumentIdentifier::new(doc.clone()),
        })
        .await;
    // Reopened at version 1 again, with a problem in it.
    pulling.open(&doc, "- [] broken\n").await;
    let again = pulling
        .request::<req::DocumentDiagnosticRequest>(params(Some(id)))
        .await;
    let DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(full)) = again else {
        panic!("a full report for the new text, not unchanged: {again:?}");
    };
    assert_eq!(full.full_document_diagnostic_report.items.len(), 1);
}
