//! Diagnostics, pushed after every change (with the document version, dropped when stale)
//! or pulled with `textDocument/diagnostic`; both come from [`lsp_diagnostics`].
//!
//! A client that pulls gets no pushes, so it never shows a problem twice.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    self as lsp, DocumentDiagnosticParams, DocumentDiagnosticReport,
    DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    UnchangedDocumentDiagnosticReport, Url,
};

use crate::server::convert::{self, LineMap};
use crate::server::documents::Snapshot;
use crate::server::Backend;

/// The LSP diagnostics of a snapshot.
pub fn lsp_diagnostics(backend: &Backend, uri: &Url, snapshot: &Snapshot) -> Vec<lsp::Diagnostic> {
    let map = LineMap {
        text: &snapshot.text,
        index: &snapshot.analysis.document.line_index,
        encoding: backend.features().encoding,
    };
    snapshot
        .analysis
        .diagnostics
        .iter()
        .map(|d| convert::diagnostic(&map, uri, d))
        .collect()
}

/// Analyses the current version and publishes its diagnostics, unless the client pulls or a
/// newer version arrived meanwhile.
pub async fn publish(backend: &Backend, uri: &Url) {
    if backend.features().pull_diagnostics {
        return;
    }
    let snapshot = match backend.snapshot(uri) {
        Ok(s) => s,
        Err(error) => {
            if backend.documents.is_open(uri) {
                backend.log_error(format!("{uri}: {}", error.message)).await;
            }
            return;
        }
    };
    if backend.documents.version(uri) != Some(snapshot.version) {
        return;
    }
    let diagnostics = lsp_diagnostics(backend, uri, &snapshot);
    backend
        .client
        .publish_diagnostics(uri.clone(), diagnostics, Some(snapshot.version))
        .await;
}

/// Redoes the diagnostics of `uris`, whose inputs changed outside their text (the workspace
/// index, the history): drops their cached analyses and re-publishes them, or asks a pulling
/// client to pull again.
pub async fn redo(backend: &Backend, uris: &[Url]) {
    if uris.is_empty() {
        return;
    }
    let generation = backend.shared.workspace.generation();
    for uri in uris {
        backend.documents.invalidate(uri, generation);
    }
    let features = backend.features();
    if features.pull_diagnostics {
        if features.diagnostic_refresh {
            let _ = backend.client.workspace_diagnostic_refresh().await;
        }
        return;
    }
    for uri in uris {
        publish(backend, uri).await;
    }
}

/// Re-publishes every open document (after a configuration change), or asks a pulling
/// client to pull again.
pub async fn refresh_all(backend: &Backend) {
    let features = backend.features();
    if features.pull_diagnostics {
        if features.diagnostic_refresh {
            let _ = backend.client.workspace_diagnostic_refresh().await;
        }
        return;
    }
    for uri in backend.documents.uris() {
        publish(backend, &uri).await;
    }
}

pub fn pull(
    backend: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let snapshot = backend.snapshot(&uri)?;
    let result_id = format!("{}:{}", snapshot.generation, snapshot.version);
    if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        return Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id,
                },
            }),
        ));
    }
    let items = lsp_diagnostics(backend, &uri, &snapshot);
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items,
            },
        }),
    ))
}
