//! Answers written straight to the output.
//!
//! tower-lsp turns every result into a `serde_json::Value` tree before it writes it. For the
//! requests an editor sends after every edit and whose answer grows with the document (the
//! outline, folding, lenses, hints, pulled diagnostics, code actions), building that tree
//! and dropping it cost ten times the serialisation itself (an outline of 30,000 symbols:
//! most of a second). The framing guard therefore hands such a request to the server as the
//! notification [`DIRECT_METHOD`], which tower-lsp delivers in order with the edits around
//! it; it is answered here by the same handler as through tower-lsp, and its result is
//! serialised once, into the bytes that go out.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};

use crate::server::Backend;

/// The notification that carries a request to be answered directly (see the module docs).
pub const DIRECT_METHOD: &str = "tickmark/direct";

/// The requests answered directly.
pub const DIRECT_REQUESTS: &[&str] = &[
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/codeLens",
    "textDocument/inlayHint",
    "textDocument/diagnostic",
    "textDocument/codeAction",
    "textDocument/documentLink",
];

/// A request as the framing guard passes it on: its id, method and params, unread.
#[derive(Debug, Deserialize, Serialize)]
pub struct DirectRequest {
    pub id: Value,
    pub method: String,
    #[serde(default)]
    pub params: Value,
}

#[derive(Serialize)]
struct Success<'a, T> {
    jsonrpc: &'static str,
    id: &'a Value,
    result: T,
}

#[derive(Serialize)]
struct Failure<'a> {
    jsonrpc: &'static str,
    id: &'a Value,
    error: Error,
}

/// Answers `request` on the backend's direct line to the output.
pub fn answer(backend: &Backend, request: DirectRequest) {
    let body = match request.method.as_str() {
        "textDocument/documentSymbol" => {
            respond(&request, |p| super::outline::document_symbol(backend, p))
        }
        "textDocument/foldingRange" => {
            respond(&request, |p| super::outline::folding_range(backend, p))
        }
        "textDocument/codeLens" => respond(&request, |p| super::outline::code_lens(backend, p)),
        "textDocument/inlayHint" => respond(&request, |p| super::outline::inlay_hint(backend, p)),
        "textDocument/diagnostic" => respond(&request, |p| super::diagnostics::pull(backend, p)),
        "textDocument/codeAction" => {
            respond(&request, |p| super::code_action::code_action(backend, p))
        }
        "textDocument/documentLink" => {
            respond(&request, |p| super::outline::document_link(backend, p))
        }
        other => {
            let mut error = Error::method_not_found();
            error.message = format!("{other} is not answered directly").into();
            failure(&request.id, error)
        }
    };
    if !backend.wire.send(body) {
        tracing::warn!("{}: the output is closed; no answer sent", request.method);
    }
}

/// Reads the params, runs `handler` and serialises its answer.
fn respond<P, T>(request: &DirectRequest, handler: impl FnOnce(P) -> Result<T>) -> Vec<u8>
where
    P: serde::de::DeserializeOwned,
    T: Serialize,
{
    let params = match P::deserialize(&request.params) {
        Ok(params) => params,
        Err(error) => return failure(&request.id, Error::invalid_params(error.to_string())),
    };
    match handler(params) {
        Ok(result) => serde_json::to_vec(&Success {
            jsonrpc: "2.0",
            id: &request.id,
            result,
        })
        .unwrap_or_else(|error| failure(&request.id, internal(&error))),
        Err(error) => failure(&request.id, error),
    }
}

fn failure(id: &Value, error: Error) -> Vec<u8> {
    serde_json::to_vec(&Failure {
        jsonrpc: "2.0",
        id,
        error,
    })
    .unwrap_or_default()
}

fn internal(error: &serde_json::Error) -> Error {
    let mut e = Error::internal_error();
    e.message = format!("cannot serialise the answer: {error}").into();
    e
}
