//! Diagnostics, pushed after every change (with the document version, dropped when stale)
//! or pulled with `textDocument/diagnostic`; both come from [`lsp_diagnostics`].
//!
//! A client that pulls gets no pushes, so it never shows a problem twice.

use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::{
    self as lsp, DocumentDiagnosticParams, DocumentDiagnosticReport,
    DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    UnchangedDocumentDiagnosticReport, Url,
};

use std::sync::Arc;

use crate::analysis::incremental::Incremental;
use crate::server::documents::{Kept, Live};
use crate::server::outline_wire::OutlineCache;
use crate::server::published::{self, WireCache};
use crate::server::{guarded, Backend, MAX_ANALYZED_BYTES};

/// Brings the incremental analysis of `uri` up to date (after an edit only the shards it
/// touched are analysed again) and hands it to `f` with the version it is of; `Ok(None)`
/// for a document too large to analyse.
pub(crate) fn with_current<T>(
    backend: &Backend,
    uri: &Url,
    f: impl FnOnce(&mut Live, i32) -> T,
) -> Result<Option<T>> {
    with_version(backend, uri, None, f)
}

/// [`with_current`], when the current version is still `want` once the document's turn
/// has come (else a `ContentModified` error, and no work).
fn with_version<T>(
    backend: &Backend,
    uri: &Url,
    want: Option<i32>,
    f: impl FnOnce(&mut Live, i32) -> T,
) -> Result<Option<T>> {
    // One thread at a time brings a document's analysis up to date: another would find it
    // taken and start over from the text.
    let lock = Arc::clone(&backend.analysing.entry(uri.clone()).or_default());
    let _held = lock
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if want.is_some() && backend.documents.version(uri) != want {
        return Err(Error::new(tower_lsp::jsonrpc::ErrorCode::ContentModified));
    }
    let Some(taken) = backend.documents.take_incremental(uri) else {
        return Err(Error::invalid_params(format!("{uri} is not open")));
    };
    let version = taken.version;
    let config = backend.effective_for(uri);
    let mut live = match taken.live {
        Ok(mut live) => backend.with_inputs(uri, |inputs| {
            guarded("analysis", move || {
                live.incremental.refresh(inputs, &config.settings);
                live
            })
        })?,
        Err(text) if text.len() > MAX_ANALYZED_BYTES => {
            tracing::warn!(
                "{uri}: {} bytes, more than the {MAX_ANALYZED_BYTES} analysed; skipping",
                text.len()
            );
            return Ok(None);
        }
        Err(text) => {
            let workspace = backend.shared.workspace.generation();
            backend.with_inputs(uri, |inputs| {
                guarded("analysis", || Live {
                    incremental: Incremental::new(text, inputs, &config.settings),
                    workspace,
                    wire: WireCache::default(),
                    outline: OutlineCache::default(),
                    answers: Kept::default(),
                })
            })?
        }
    };
    let result = guarded("analysis", || f(&mut live, version))?;
    backend.documents.put_incremental(uri, version, live);
    Ok(Some(result))
}

/// The LSP diagnostics of the current version of `uri`.
pub fn current(backend: &Backend, uri: &Url) -> Result<(i32, Vec<lsp::Diagnostic>)> {
    let encoding = backend.features().encoding;
    let version = backend.documents.version(uri).unwrap_or_default();
    let current = with_current(backend, uri, |live, version| {
        let extra = history_of(backend, uri, live);
        (
            version,
            published::lsp_list_with(uri, &live.incremental, &extra, encoding),
        )
    })?;
    Ok(current.unwrap_or((version, Vec::new())))
}

/// What [`publish`] sends: the whole message, written shard by shard (behind the framing
/// guard), or the list for tower-lsp's client.
enum Outgoing {
    Message(Vec<u8>),
    List(Vec<lsp::Diagnostic>),
}

/// Documents larger than this are analysed for [`publish`] on the blocking pool, off the
/// message loop; smaller ones take less time than the hand-over.
pub const OFF_LOOP_BYTES: usize = 256 * 1024;

/// What [`prepare`] made ready to publish.
enum Prepared {
    Ready(i32, Outgoing),
    /// Too large to analyse: nothing to show.
    TooLarge,
    /// A newer version arrived before the analysis began; its own publish follows.
    Stale,
}

/// The diagnostics of the current version of `uri`, ready to go out.
fn prepare(backend: &Backend, uri: &Url, want: Option<i32>) -> Result<Prepared> {
    let encoding = backend.features().encoding;
    let direct = backend.wire.is_connected();
    let outgoing = with_version(backend, uri, want, |live, version| {
        let extra = history_of(backend, uri, live);
        let outgoing = if direct {
            Outgoing::Message(published::message_with(
                uri,
                version,
                &live.incremental,
                &extra,
                encoding,
                &mut live.wire,
            ))
        } else {
            Outgoing::List(published::lsp_list_with(
                uri,
                &live.incremental,
                &extra,
                encoding,
            ))
        };
        (version, outgoing)
    });
    let outgoing = match outgoing {
        Err(error) if error.code == tower_lsp::jsonrpc::ErrorCode::ContentModified => {
            return Ok(Prepared::Stale)
        }
        outgoing => outgoing?,
    };
    Ok(match outgoing {
        Some((version, outgoing)) => Prepared::Ready(version, outgoing),
        None => Prepared::TooLarge,
    })
}

/// Analyses the current version and publishes its diagnostics, unless the client pulls or a
/// newer version arrived meanwhile. Behind the framing guard the message is written
/// straight to the output, shard by shard from what was written before, and replaces one
/// of the same document still waiting there. A large document is analysed off the message
/// loop.
pub async fn publish(backend: &Backend, uri: &Url) {
    if backend.features().pull_diagnostics {
        return;
    }
    let Some(entry) = backend.documents.version(uri) else {
        return;
    };
    let big = backend
        .documents
        .len_bytes(uri)
        .is_some_and(|n| n > OFF_LOOP_BYTES);
    let prepared = if big {
        let uri = uri.clone();
        backend
            .blocking("analysis", move |backend| {
                prepare(backend, &uri, Some(entry))
            })
            .await
    } else {
        prepare(backend, uri, None)
    };
    let (version, outgoing) = match prepared {
        Ok(Prepared::Ready(version, outgoing)) => (version, outgoing),
        Ok(Prepared::Stale) => return,
        Ok(Prepared::TooLarge) => match backend.documents.version(uri) {
            Some(version) => (version, Outgoing::List(Vec::new())),
            None => return,
        },
        Err(error) => {
            if backend.documents.is_open(uri) {
                backend.log_error(format!("{uri}: {}", error.message)).await;
            }
            return;
        }
    };
    if backend.documents.version(uri) != Some(version) {
        return;
    }
    match outgoing {
        // Fails only once the session has ended.
        Outgoing::Message(body) => {
            backend.wire.publish(uri.as_str(), body);
        }
        Outgoing::List(diagnostics) => {
            backend
                .client
                .publish_diagnostics(uri.clone(), diagnostics, Some(version))
                .await;
        }
    }
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
            refresh_pulls(backend);
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
            refresh_pulls(backend);
        }
        return;
    }
    for uri in backend.documents.uris() {
        publish(backend, &uri).await;
    }
}

/// The result id of a pull: the configuration's and workspace's generations, which opening
/// of the document it is (versions start again when it is opened again), `version`, and
/// the HEAD its history was read at (the history diagnostics change with it).
fn result_id(backend: &Backend, uri: &Url, version: i32) -> Result<String> {
    let Some(opened) = backend.documents.opened(uri) else {
        return Err(Error::invalid_params(format!("{uri} is not open")));
    };
    Ok(format!(
        "{}.{}:{opened}:{version}:{}",
        backend.effective().generation,
        backend.shared.workspace.generation(),
        backend.history_head(uri).unwrap_or_default()
    ))
}

/// The diagnostics only the file's git history tells, for the current text of `live`:
/// none until that history is built.
fn history_of(backend: &Backend, uri: &Url, live: &Live) -> Arc<[crate::analysis::Diagnostic]> {
    if !backend.history_diagnostics_ready(uri) {
        return Arc::from([]);
    }
    // On a new text, read from the shards' own models: neither parsed nor stitched again.
    let incremental = &live.incremental;
    backend.history_diagnostics(uri, &incremental.text(), || incremental.parts())
}

/// Asks a pulling client to pull again, without waiting for its answer (a handler that
/// waits on the client holds a slot the client's answer may need).
fn refresh_pulls(backend: &Backend) {
    let client = backend.client.clone();
    tokio::spawn(async move {
        if let Err(error) = client.workspace_diagnostic_refresh().await {
            tracing::warn!("workspace/diagnostic/refresh failed: {error}");
        }
    });
}

pub fn pull(
    backend: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let Some(version) = backend.documents.version(&uri) else {
        return Err(Error::invalid_params(format!("{uri} is not open")));
    };
    let result_id = result_id(backend, &uri, version)?;
    if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        return Ok(unchanged(result_id));
    }
    let (version, items) = current(backend, &uri)?;
    let result_id = self::result_id(backend, &uri, version)?;
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

fn unchanged(result_id: String) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(
        RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        },
    ))
}

/// The result of [`pull`] serialised, for the direct answer: the list is written shard by
/// shard from the incremental analysis, keeping the JSON of the shards an edit did not
/// touch (as pushed diagnostics are; a client that pulls gets no pushes).
pub fn pull_json(backend: &Backend, params: DocumentDiagnosticParams) -> Result<Vec<u8>> {
    let uri = params.text_document.uri;
    let Some(version) = backend.documents.version(&uri) else {
        return Err(Error::invalid_params(format!("{uri} is not open")));
    };
    let id = result_id(backend, &uri, version)?;
    if params.previous_result_id.as_deref() == Some(id.as_str()) {
        return serde_json::to_vec(&unchanged(id))
            .map_err(|e| Error::invalid_params(e.to_string()));
    }
    let encoding = backend.features().encoding;
    let written = with_current(backend, &uri, |live, version| {
        let mut body = br#"{"kind":"full","resultId":"#.to_vec();
        let id = result_id(backend, &uri, version).unwrap_or_default();
        let _ = serde_json::to_writer(&mut body, &id);
        body.extend_from_slice(br#","items":"#);
        let extra = history_of(backend, &uri, live);
        published::write_list_with(
            &mut body,
            &uri,
            &live.incremental,
            &extra,
            encoding,
            &mut live.wire,
        );
        body.push(b'}');
        body
    })?;
    Ok(written.unwrap_or_else(|| {
        // Too large to analyse: nothing to show, as through tower-lsp.
        let mut body = br#"{"kind":"full","resultId":"#.to_vec();
        let _ = serde_json::to_writer(&mut body, &id);
        body.extend_from_slice(br#","items":[]}"#);
        body
    }))
}
