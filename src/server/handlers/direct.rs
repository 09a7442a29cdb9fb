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

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};

use tower_lsp::lsp_types::Url;

use super::diagnostics::with_current;
use crate::server::documents::Live;
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

/// Requests whose answer depends on the document's version alone (and the session's
/// settings): the serialised result is kept with the version and written again as it is.
/// The outline is not among them: it is kept shard by shard (see
/// [`crate::server::outline_wire`]) and goes out as those shards' JSON, copied nowhere, so a
/// kept whole would only be a second copy of the largest answer.
const WHOLE_DOCUMENT: &[&str] = &[
    "textDocument/foldingRange",
    "textDocument/codeLens",
    "textDocument/documentLink",
];

/// Answers `request` on the backend's direct line to the output, computed on the blocking
/// pool; a request the client cancelled before it was reached is answered
/// `RequestCancelled`.
pub async fn answer(backend: &Backend, request: DirectRequest) {
    let method = request.method.clone();
    let id = request.id.clone();
    let parts = backend
        .blocking("answer", move |backend| {
            if backend.wire.take_cancelled(&request.id) {
                return Ok(vec![failure(&request.id, Error::request_cancelled()).into()]);
            }
            Ok(parts(backend, &request))
        })
        .await
        .unwrap_or_else(|error| vec![failure(&id, error).into()]);
    if !backend.wire.send_parts(parts).await {
        tracing::warn!("{method}: the output is closed; no answer sent");
    }
}

/// The response to `request`, in parts: the outline's are shared with the shards' kept JSON,
/// every other answer is one part.
fn parts(backend: &Backend, request: &DirectRequest) -> Vec<Bytes> {
    if request.method == "textDocument/documentSymbol" {
        return respond_parts(request, |p, head| {
            super::outline::document_symbol_parts(backend, p, head)
        });
    }
    vec![body(backend, request).into()]
}

/// The whole response to `request`.
fn body(backend: &Backend, request: &DirectRequest) -> Vec<u8> {
    let Some((method, uri)) = kept(request) else {
        return compute(backend, request);
    };
    let config = backend.effective().generation;
    let get =
        |live: &mut Live, version: i32| (version, live.answers.get((version, config), method));
    let version = match with_current(backend, &uri, get) {
        Ok(Some((_, Some(result)))) => return envelope(&request.id, &result),
        Ok(Some((version, None))) => version,
        _ => return compute(backend, request),
    };
    let body = compute(backend, request);
    if let Some(result) = result_of(&body, &request.id) {
        // Kept only when no edit came since the version was read: the answer is of it.
        let _ = with_current(backend, &uri, |live, now| {
            if now == version {
                live.answers.put((version, config), method, result.into());
            }
        });
    }
    body
}

/// The method (as a static name) and the document of a request whose answer is kept with
/// the version.
fn kept(request: &DirectRequest) -> Option<(&'static str, Url)> {
    let method = WHOLE_DOCUMENT
        .iter()
        .find(|m| **m == request.method.as_str())?;
    let uri = request.params.get("textDocument")?.get("uri")?.as_str()?;
    Some((method, Url::parse(uri).ok()?))
}

fn compute(backend: &Backend, request: &DirectRequest) -> Vec<u8> {
    match request.method.as_str() {
        "textDocument/foldingRange" => {
            respond(request, |p| super::outline::folding_range(backend, p))
        }
        "textDocument/codeLens" => respond(request, |p| super::outline::code_lens(backend, p)),
        "textDocument/inlayHint" => respond(request, |p| super::outline::inlay_hint(backend, p)),
        "textDocument/diagnostic" => {
            respond_json(request, |p| super::diagnostics::pull_json(backend, p))
        }
        "textDocument/codeAction" => {
            respond(request, |p| super::code_action::code_action(backend, p))
        }
        "textDocument/documentLink" => {
            respond(request, |p| super::outline::document_link(backend, p))
        }
        other => {
            let mut error = Error::method_not_found();
            error.message = format!("{other} is not answered directly").into();
            failure(&request.id, error)
        }
    }
}

/// The response to `id` whose result is `result` (serialised JSON).
fn envelope(id: &Value, result: &[u8]) -> Vec<u8> {
    let mut body = envelope_head(id, result.len());
    body.extend_from_slice(result);
    body.push(b'}');
    body
}

/// The start of a response to `id`, up to its result, with room for `room` bytes more.
fn envelope_head(id: &Value, room: usize) -> Vec<u8> {
    let id = serde_json::to_vec(id).unwrap_or_else(|_| b"null".to_vec());
    let mut body = Vec::with_capacity(room + id.len() + 32);
    body.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    body.extend_from_slice(&id);
    body.extend_from_slice(br#","result":"#);
    body
}

/// The serialised result in a response that [`envelope`] (or [`respond`]) wrote for `id`;
/// `None` for an error response.
fn result_of<'a>(body: &'a [u8], id: &Value) -> Option<&'a [u8]> {
    let id = serde_json::to_vec(id).ok()?;
    let mut head = br#"{"jsonrpc":"2.0","id":"#.to_vec();
    head.extend_from_slice(&id);
    head.extend_from_slice(br#","result":"#);
    body.strip_prefix(head.as_slice())?.strip_suffix(b"}")
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

/// Reads the params and runs `handler`, which gives its result already serialised.
fn respond_json<P>(request: &DirectRequest, handler: impl FnOnce(P) -> Result<Vec<u8>>) -> Vec<u8>
where
    P: serde::de::DeserializeOwned,
{
    let params = match P::deserialize(&request.params) {
        Ok(params) => params,
        Err(error) => return failure(&request.id, Error::invalid_params(error.to_string())),
    };
    match handler(params) {
        Ok(result) => envelope(&request.id, &result),
        Err(error) => failure(&request.id, error),
    }
}

/// Reads the params and runs `handler`, which writes its result after the response's head,
/// in parts: a large answer (the outline of a long roadmap) is neither copied into place nor
/// put together in one buffer.
fn respond_parts<P>(
    request: &DirectRequest,
    handler: impl FnOnce(P, Vec<u8>) -> Result<Vec<Bytes>>,
) -> Vec<Bytes>
where
    P: serde::de::DeserializeOwned,
{
    let params = match P::deserialize(&request.params) {
        Ok(params) => params,
        Err(error) => {
            return vec![failure(&request.id, Error::invalid_params(error.to_string())).into()]
        }
    };
    match handler(params, envelope_head(&request.id, 0)) {
        Ok(mut parts) => {
            parts.push(Bytes::from_static(b"}"));
            parts
        }
        Err(error) => vec![failure(&request.id, error).into()],
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

#[cfg(test)]
mod tests {
    use super::{envelope, failure, result_of};
    use serde_json::{json, Value};
    use tower_lsp::jsonrpc::Error;

    #[test]
    fn a_kept_result_is_written_for_any_id() {
        let result = br#"[{"name":"a","children":[]}]"#;
        for id in [json!(7), json!("seven"), Value::Null] {
            let body = envelope(&id, result);
            let parsed: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(parsed["id"], id);
            assert_eq!(parsed["result"][0]["name"], "a");
            assert_eq!(result_of(&body, &id), Some(&result[..]));
            // Never taken from another request's response, nor from an error.
            assert_eq!(result_of(&body, &json!(8)), None);
        }
        assert_eq!(
            result_of(&failure(&json!(1), Error::internal_error()), &json!(1)),
            None
        );
    }
}
