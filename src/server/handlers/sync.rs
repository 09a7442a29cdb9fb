//! Text synchronisation: open, incremental change, save, close.

use tower_lsp::lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Url,
};

use crate::analysis::index::FileIndex;
use crate::server::documents::ChangeProblem;
use crate::server::Backend;

pub async fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    backend
        .documents
        .open(doc.uri.clone(), &doc.text, doc.version);
    let history = backend.warm_history(&doc.uri);
    super::diagnostics::publish(backend, &doc.uri).await;
    // A pulling client asks for the diagnostics right after opening: let that request be
    // answered before the workspace index takes the document in.
    tokio::task::yield_now().await;
    reindex(backend, &doc.uri).await;
    backend.recheck_after_history(&doc.uri, history).await;
}

/// How many shards' outline symbols are written at a time after opening.
const OUTLINE_BATCH: usize = 32;

/// Puts an open document's items in the workspace index; when that changes what other
/// documents see, their diagnostics are redone.
async fn reindex(backend: &Backend, uri: &Url) {
    // The analysis first, then a pause: a pull sent with the open is answered from it before
    // the whole document is put together for the index.
    let analysed = {
        let uri = uri.clone();
        backend
            .blocking("analysis", move |b| {
                super::diagnostics::with_current(b, &uri, |_, _| ()).map(|_| ())
            })
            .await
    };
    if analysed.is_err() {
        return;
    }
    tokio::task::yield_now().await;
    // An editor asks for the outline right after opening (outline view, breadcrumbs): its
    // symbols are written now, while the user reads, a few shards at a time so that a
    // request or an edit meanwhile waits for one batch at most; the first outline after an
    // edit then writes only the shards the edit touched.
    let encoding = backend.features().encoding;
    loop {
        let uri = uri.clone();
        let done = backend
            .blocking("outline", move |b| {
                super::diagnostics::with_current(b, &uri, |live, _| {
                    crate::server::outline_wire::warm(
                        &live.incremental,
                        encoding,
                        &mut live.outline,
                        OUTLINE_BATCH,
                    )
                })
            })
            .await;
        tokio::task::yield_now().await;
        if !matches!(done, Ok(Some(false))) {
            break;
        }
    }
    // The index reads the shards' models: the document is not stitched whole for it (a
    // stitched model of a 1 MB roadmap weighs several MB, kept until the next edit).
    let items = {
        let uri = uri.clone();
        backend
            .blocking("index", move |b| {
                let pieces = super::diagnostics::with_current(b, &uri, |live, _| {
                    live.incremental.for_index()
                })?;
                Ok(match pieces {
                    Some(pieces) => pieces.file_index(encoding),
                    // Too large to analyse: indexed from the model it has (its lines only).
                    None => FileIndex::clone(&b.snapshot(&uri)?.file_index(encoding)),
                })
            })
            .await
    };
    let Ok(items) = items else {
        return;
    };
    let delta = backend.index_document(uri, items).await;
    backend.after_index_change(&delta, Some(uri)).await;
}

pub async fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    // Applied before any `.await`, so changes land in the order they were sent.
    let applied = backend.documents.apply_changes(
        &uri,
        params.text_document.version,
        &params.content_changes,
        backend.features().encoding,
    );
    match applied {
        Ok(_) => {}
        Err(ChangeProblem::NotOpen) => {
            tracing::warn!("didChange for {uri}, which is not open: ignored");
            return;
        }
        Err(ChangeProblem::VersionWentBack { had, got }) => {
            tracing::warn!("{uri}: version went from {had} to {got}; applied the change anyway");
        }
    }
    super::diagnostics::publish(backend, &uri).await;
}

pub async fn did_save(backend: &Backend, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    let history = backend.warm_history(&uri);
    if uri.path().ends_with("/tickmark.toml") {
        backend.reload_config().await;
        super::diagnostics::refresh_all(backend).await;
        backend.index_workspace().await;
    } else if backend.documents.is_open(&uri) {
        reindex(backend, &uri).await;
        // A save after a commit moves the last commit date.
        backend.recheck_after_history(&uri, history).await;
    }
}

pub async fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    backend.forget_history(&uri);
    backend.analysing.remove(&uri);
    if backend.documents.close(&uri) && !backend.features().pull_diagnostics {
        // Behind the framing guard, through the same line as the document's other
        // diagnostics: it replaces any of them still waiting to go out.
        let cleared = serde_json::json!({ "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": { "uri": uri, "diagnostics": [] } });
        if !backend
            .wire
            .publish(uri.as_str(), cleared.to_string().into_bytes())
        {
            backend
                .client
                .publish_diagnostics(uri.clone(), Vec::new(), None)
                .await;
        }
    }
    let delta = backend.reindex_from_disk(&uri).await;
    backend.after_index_change(&delta, None).await;
}
