//! A guard in front of tower-lsp's framing. tower-lsp ends the whole session on the first
//! message it cannot decode (its framed reader stops after an error), so every message from
//! the client is checked here first: a body that is not JSON is answered with a parse error,
//! one that is not a JSON-RPC message with an invalid-request error, and the session goes on.
//! Valid messages are passed through, the requests whose answers grow with the document
//! rewrapped to be answered straight to the output (see [`super::handlers::direct`]), and the
//! server's own output is forwarded message by message so the error replies never
//! interleave with it.
//!
//! Framing errors never end the session: a header without a usable `Content-Length`, a
//! header line over [`MAX_HEADER_LINE`] bytes or a body over [`MAX_MESSAGE_BYTES`] is
//! answered with a parse error, logged, and reading starts again at the next
//! `Content-Length:` in the input. Header bytes that are not UTF-8 are read as Latin-1-ish
//! replacement characters (only `Content-Length` matters).
//!
//! The output is bounded: messages wait for room in [`MAX_QUEUED_BYTES`] (which stops the
//! input from being read while a client does not read), and pushed diagnostics are kept
//! per document, only the latest of each waiting to go out.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, Semaphore};
use tower_lsp::lsp_types::{DidChangeTextDocumentParams, DidOpenTextDocumentParams};

use super::handlers::direct::{DIRECT_METHOD, DIRECT_REQUESTS};

/// The largest message body read from the client: four times the largest document analysed
/// (JSON escaping included). A larger one is skipped with an error reply.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// The longest header line read; a longer one is a framing error.
pub const MAX_HEADER_LINE: usize = 8 << 10;

/// How many bytes of messages may wait for the client to read them before the server stops
/// reading its input (pushed diagnostics apart: one message per document at most).
pub const MAX_QUEUED_BYTES: usize = 8 << 20;

/// The most cancelled request ids remembered (more are forgotten all at once).
const MAX_CANCELLED: usize = 4096;

/// One message waiting to be written.
enum Out {
    /// A message, in parts written one after another, and the room it holds in the queue.
    Message(Vec<Bytes>, u32),
    /// The latest diagnostics of a document, kept in [`Outbox::latest`].
    Latest(String),
}

/// The output queue: a sender of messages in order, bounded in bytes, and the latest
/// `publishDiagnostics` of each document not yet written.
#[derive(Clone)]
pub struct Outbox {
    sender: mpsc::UnboundedSender<Out>,
    room: Arc<Semaphore>,
    latest: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

/// The receiving end of an [`Outbox`], for [`pump_output`].
pub struct Outgoing {
    receiver: mpsc::UnboundedReceiver<Out>,
    room: Arc<Semaphore>,
    latest: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

/// A new output queue.
pub fn outbox() -> (Outbox, Outgoing) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let room = Arc::new(Semaphore::new(MAX_QUEUED_BYTES));
    let latest = Arc::default();
    (
        Outbox {
            sender,
            room: Arc::clone(&room),
            latest: Arc::clone(&latest),
        },
        Outgoing {
            receiver,
            room,
            latest,
        },
    )
}

impl Outbox {
    /// Queues a message, waiting while the queue is full; false once the output has ended.
    pub async fn send(&self, body: Vec<u8>) -> bool {
        self.send_parts(vec![Bytes::from(body)]).await
    }

    /// Queues a message whose body is `parts` one after another (parts shared with what the
    /// server keeps are written from where they are, not copied into one body first).
    pub async fn send_parts(&self, parts: Vec<Bytes>) -> bool {
        let len: usize = parts.iter().map(Bytes::len).sum();
        let want = len.clamp(1, MAX_QUEUED_BYTES) as u32;
        let Ok(permit) = self.room.acquire_many(want).await else {
            return false;
        };
        permit.forget();
        if self.sender.send(Out::Message(parts, want)).is_ok() {
            true
        } else {
            self.room.add_permits(want as usize);
            false
        }
    }

    /// Queues the diagnostics of `uri`, replacing those of it still waiting; never waits.
    pub fn publish(&self, uri: &str, body: Vec<u8>) -> bool {
        let Ok(mut latest) = self.latest.lock() else {
            return false;
        };
        if let Some(waiting) = latest.get_mut(uri) {
            *waiting = body;
            return !self.sender.is_closed();
        }
        latest.insert(uri.to_owned(), body);
        self.sender.send(Out::Latest(uri.to_owned())).is_ok()
    }
}

impl Outgoing {
    /// The next message to write; `None` once every [`Outbox`] is gone and all is written.
    async fn next(&mut self) -> Option<(Vec<Bytes>, u32)> {
        loop {
            match self.receiver.recv().await? {
                Out::Message(parts, room) => return Some((parts, room)),
                Out::Latest(uri) => {
                    let body = self.latest.lock().ok().and_then(|mut l| l.remove(&uri));
                    if let Some(body) = body {
                        return Some((vec![Bytes::from(body)], 0));
                    }
                }
            }
        }
    }
}

/// A way for the server to write a message of its own straight to the output, past
/// tower-lsp's client, which turns every message into a `serde_json::Value` tree before it
/// is written: for `publishDiagnostics`, whose size grows with the document, building that
/// tree costs several times the serialisation. Not connected when the server runs without
/// the guard (in-process tests), and closed when the session ends.
///
/// It also holds what the guard learns from the input for the server: the requests the
/// client cancelled, and whether the client is gone.
#[derive(Debug, Default)]
pub struct Wire {
    sender: Mutex<Option<Outbox>>,
    cancelled: Mutex<HashSet<String>>,
    gone: tokio::sync::Notify,
    parked: Mutex<HashMap<u64, Parked>>,
    next_key: AtomicU64,
}

/// The notification that stands for a `didOpen` or `didChange` whose params the guard
/// read and parked in the [`Wire`]: `{"key": n}`, taken back with [`Wire::unpark`].
/// tower-lsp reads a message three times over (into its own buffer, a `Value` tree, then
/// the params); for a `didOpen` of a 1 MB document that took longer than analysing it.
/// The stand-in goes through tower-lsp in the original's place, so changes stay in order.
pub const PARKED_METHOD: &str = "tickmark/parked";

/// The params of a `didOpen` or `didChange`, read by the guard.
#[derive(Debug)]
pub enum Parked {
    Open(DidOpenTextDocumentParams),
    Change(DidChangeTextDocumentParams),
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Outbox")
    }
}

impl Wire {
    pub(crate) fn connect(&self, sender: Outbox) {
        if let Ok(mut slot) = self.sender.lock() {
            *slot = Some(sender);
        }
    }

    /// Lets go of the output, so that it can end.
    pub(crate) fn close(&self) {
        if let Ok(mut slot) = self.sender.lock() {
            *slot = None;
        }
    }

    pub fn is_connected(&self) -> bool {
        self.sender.lock().is_ok_and(|s| s.is_some())
    }

    fn outbox(&self) -> Option<Outbox> {
        self.sender.lock().ok().and_then(|s| s.clone())
    }

    /// Writes a message body already serialised, in parts (see [`Outbox::send_parts`]),
    /// waiting for room in the output queue; false when not connected.
    pub async fn send_parts(&self, parts: Vec<Bytes>) -> bool {
        match self.outbox() {
            Some(outbox) => outbox.send_parts(parts).await,
            None => false,
        }
    }

    /// Writes the `publishDiagnostics` of `uri`, replacing one of it not yet written; false
    /// when not connected.
    pub fn publish(&self, uri: &str, body: Vec<u8>) -> bool {
        self.outbox().is_some_and(|o| o.publish(uri, body))
    }

    /// Notes that the client cancelled the request `id`.
    pub fn cancel(&self, id: &Value) {
        if let Ok(mut cancelled) = self.cancelled.lock() {
            if cancelled.len() >= MAX_CANCELLED {
                cancelled.clear();
            }
            cancelled.insert(id.to_string());
        }
    }

    /// Whether the client cancelled the request `id` (forgotten once asked).
    pub fn take_cancelled(&self, id: &Value) -> bool {
        self.cancelled
            .lock()
            .is_ok_and(|mut c| !c.is_empty() && c.remove(&id.to_string()))
    }

    /// Keeps `params` for the server; the key to ask for them.
    fn park(&self, params: Parked) -> u64 {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut parked) = self.parked.lock() {
            parked.insert(key, params);
        }
        key
    }

    /// The params parked under `key` (see [`PARKED_METHOD`]), once.
    pub fn unpark(&self, key: u64) -> Option<Parked> {
        self.parked.lock().ok()?.remove(&key)
    }

    /// Notes that the client is gone: its input ended, or its process died.
    pub fn client_gone(&self) {
        self.gone.notify_one();
    }

    /// Resolves once the client is gone (see [`Self::client_gone`]).
    pub async fn gone(&self) {
        self.gone.notified().await;
    }
}

/// The framed messages on one side, or why one could not be read.
enum Frame {
    Message(Vec<u8>),
    /// Not a message: why. Reading starts again at the next `Content-Length:`.
    Bad(String),
    End,
}

/// One header line, without its line break.
enum Line {
    Text(String),
    TooLong,
    End,
}

/// Reads a line of at most [`MAX_HEADER_LINE`] bytes; bytes that are not UTF-8 become
/// replacement characters.
async fn read_line(reader: &mut (impl AsyncBufRead + Unpin)) -> Line {
    let mut line = Vec::new();
    loop {
        let buffer = match reader.fill_buf().await {
            Ok([]) | Err(_) => return Line::End,
            Ok(buffer) => buffer,
        };
        let (used, done) = match memchr::memchr(b'\n', buffer) {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        if line.len() + used > MAX_HEADER_LINE {
            reader.consume(used);
            return Line::TooLong;
        }
        line.extend_from_slice(&buffer[..used]);
        reader.consume(used);
        if done {
            break;
        }
    }
    while line.last().is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        line.pop();
    }
    match String::from_utf8(line) {
        Ok(text) => Line::Text(text),
        Err(error) => {
            tracing::warn!("a header line that is not UTF-8; read with replacement characters");
            Line::Text(String::from_utf8_lossy(error.as_bytes()).into_owned())
        }
    }
}

/// Skips input up to and including the next `Content-Length:` (in any case); false at the
/// end of the input.
async fn skip_to_header(reader: &mut (impl AsyncBufRead + Unpin)) -> bool {
    const NEEDLE: &[u8] = b"content-length:";
    let mut matched = 0;
    let mut skipped = 0usize;
    loop {
        let buffer = match reader.fill_buf().await {
            Ok([]) | Err(_) => return false,
            Ok(buffer) => buffer,
        };
        let mut used = 0;
        let mut found = false;
        for &byte in buffer {
            used += 1;
            let byte = byte.to_ascii_lowercase();
            // `c` appears once in the needle: a mismatch restarts at the byte itself.
            if byte == NEEDLE[matched] {
                matched += 1;
            } else {
                matched = usize::from(byte == NEEDLE[0]);
            }
            if matched == NEEDLE.len() {
                found = true;
                break;
            }
        }
        reader.consume(used);
        skipped += used;
        if found {
            if skipped > NEEDLE.len() {
                tracing::warn!(
                    "skipped {} bytes to the next Content-Length header",
                    skipped - NEEDLE.len()
                );
            }
            return true;
        }
    }
}

/// Reads one frame whose body is at most `limit` bytes. After a bad frame, `resync` starts
/// at the next `Content-Length:` in the input.
async fn read_frame(reader: &mut (impl AsyncBufRead + Unpin), limit: usize, resync: bool) -> Frame {
    let mut length: Option<Result<u64, String>> = None;
    let mut saw_header = false;
    if resync {
        if !skip_to_header(reader).await {
            return Frame::End;
        }
        match read_line(reader).await {
            Line::End => return Frame::End,
            Line::TooLong => return Frame::Bad("a header line too long".to_owned()),
            Line::Text(value) => length = Some(parse_length(&value)),
        }
        saw_header = true;
    }
    loop {
        let line = match read_line(reader).await {
            Line::End => return Frame::End,
            Line::TooLong => {
                return Frame::Bad(format!("a header line longer than {MAX_HEADER_LINE} bytes"))
            }
            Line::Text(line) => line,
        };
        if line.trim().is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(parse_length(value));
            }
        }
    }
    let length = match length {
        None => return Frame::Bad("no Content-Length".to_owned()),
        Some(Err(why)) => return Frame::Bad(why),
        Some(Ok(length)) => length,
    };
    if length > limit as u64 {
        return Frame::Bad(format!(
            "a message of {length} bytes, over the limit of {limit} bytes"
        ));
    }
    let mut body = vec![0; length as usize];
    match reader.read_exact(&mut body).await {
        Ok(_) => Frame::Message(body),
        Err(_) => Frame::End,
    }
}

fn parse_length(value: &str) -> Result<u64, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("Content-Length {:?} is not a number", value.trim()))
}

async fn write_frame(writer: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> bool {
    write_frame_parts(writer, std::slice::from_ref(&body)).await
}

/// Writes one message whose body is `parts` one after another.
async fn write_frame_parts(
    writer: &mut (impl AsyncWrite + Unpin),
    parts: &[impl AsRef<[u8]>],
) -> bool {
    let len: usize = parts.iter().map(|p| p.as_ref().len()).sum();
    let header = format!("Content-Length: {len}\r\n\r\n");
    if writer.write_all(header.as_bytes()).await.is_err() {
        return false;
    }
    for part in parts {
        if writer.write_all(part.as_ref()).await.is_err() {
            return false;
        }
    }
    writer.flush().await.is_ok()
}

#[allow(clippy::needless_pass_by_value)] // Read as `error_reply(id.clone(), ..)` or a literal.
fn error_reply(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// A message as the guard reads it: its method and id, and its params as written.
#[derive(Debug)]
struct Checked<'a> {
    method: Option<String>,
    id: Option<Value>,
    params: Option<Cow<'a, RawValue>>,
    /// Whether the whole body was read as a JSON tree. A borrowed reading checks the
    /// syntax of what it skips but not all of its strings (a lone surrogate escape): a body
    /// passed on as it came must be read whole first, as tower-lsp will read it.
    whole: bool,
}

/// The top of a message, borrowed from its bytes: reading it checks the syntax of the whole
/// body but builds nothing of `params` (a `didOpen` holds the whole document), and does not
/// check every string it skips (see [`Checked::whole`]). Each field is `Some` when present,
/// `null` included, as tower-lsp reads them.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    jsonrpc: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    method: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    params: Option<&'a RawValue>,
}

/// A field of [`Peek`] that is there, whatever its value (`null` too).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// The message in `body`, or the error reply for a body tower-lsp would choke on.
fn check(body: &[u8]) -> Result<Checked<'_>, Value> {
    let peek = std::str::from_utf8(body)
        .ok()
        .and_then(|text| serde_json::from_str::<Peek<'_>>(text).ok());
    if let Some(peek) = peek {
        if let Some(method) = peek.method {
            return check_request(&peek, method);
        }
    }
    let value = check_value(body)?;
    Ok(Checked {
        method: value
            .get("method")
            .and_then(Value::as_str)
            .map(str::to_owned),
        id: value.get("id").cloned(),
        params: value
            .get("params")
            .and_then(|p| serde_json::value::to_raw_value(p).ok())
            .map(Cow::Owned),
        whole: true,
    })
}

/// [`check`] of a request or notification, read as tower-lsp would read it: the fields
/// other than `params` (which may be any JSON) put together and read as its `Request`.
fn check_request<'a>(peek: &Peek<'a>, method: &'a RawValue) -> Result<Checked<'a>, Value> {
    let mut head = String::from("{");
    for (name, raw) in [
        ("jsonrpc", peek.jsonrpc),
        ("method", Some(method)),
        ("id", peek.id),
    ] {
        if let Some(raw) = raw {
            if head.len() > 1 {
                head.push(',');
            }
            head.push('"');
            head.push_str(name);
            head.push_str("\":");
            head.push_str(raw.get());
        }
    }
    head.push('}');
    let id: Option<Value> = peek.id.and_then(|raw| serde_json::from_str(raw.get()).ok());
    let valid = serde_json::from_str::<tower_lsp::jsonrpc::Request>(&head).is_ok();
    let method = serde_json::from_str::<String>(method.get()).ok();
    match method {
        Some(method) if valid => Ok(Checked {
            method: Some(method),
            id,
            params: peek.params.map(Cow::Borrowed),
            whole: false,
        }),
        _ => Err(error_reply(
            id.unwrap_or(Value::Null),
            -32600,
            "Invalid request: not a JSON-RPC 2.0 message",
        )),
    }
}

/// The reply to a body that is not JSON.
fn not_json() -> Value {
    error_reply(Value::Null, -32700, "Parse error: the message is not JSON")
}

/// [`check`] read into a tree: for responses, and bodies whose fields are not read
/// otherwise (a field written twice).
fn check_value(body: &[u8]) -> Result<Value, Value> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(not_json());
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let valid = if value.get("method").is_some() {
        tower_lsp::jsonrpc::Request::deserialize(&value).is_ok()
    } else {
        tower_lsp::jsonrpc::Response::deserialize(&value).is_ok()
    };
    if valid {
        Ok(value)
    } else {
        Err(error_reply(
            id,
            -32600,
            "Invalid request: not a JSON-RPC 2.0 message",
        ))
    }
}

/// Which requests go to the server as [`DIRECT_METHOD`] notifications (see
/// [`super::handlers::direct`]): those of [`DIRECT_REQUESTS`], once the session is
/// initialised and until it shuts down (tower-lsp answers requests outside that span with
/// the errors the protocol asks for, and drops notifications).
#[derive(Default)]
struct Router {
    initialized: bool,
    shut_down: bool,
}

/// What to do with a message from the client.
enum Route {
    /// Pass the message on to the server as it came.
    AsItIs,
    /// Pass these bytes on to the server instead.
    Server(Vec<u8>),
    /// Answer the client with this, and pass nothing on.
    Reply(Value),
}

impl Router {
    /// The route of `message`; the params of a `didOpen` or a `didChange` are parked in
    /// `wire` (see [`PARKED_METHOD`]).
    fn route(&mut self, message: &Checked<'_>, wire: &Wire) -> Route {
        let method = message.method.as_deref();
        match method {
            Some("initialized") => self.initialized = true,
            Some("shutdown") => self.shut_down = true,
            _ => {}
        }
        let id = message.id.as_ref();
        // tower-lsp drops every `$/` message, requests too: the protocol wants those
        // answered (notifications it names may be ignored).
        if let (Some(id), Some(method)) = (id, method) {
            if method.starts_with("$/") {
                return Route::Reply(error_reply(
                    id.clone(),
                    -32601,
                    &format!("Method not found: {method}"),
                ));
            }
        }
        let (Some(method), true) = (method, self.initialized && !self.shut_down) else {
            return Route::AsItIs;
        };
        let params = message.params.as_deref().map_or("null", RawValue::get);
        if id.is_none() {
            let parked = match method {
                "textDocument/didOpen" => serde_json::from_str(params).map(Parked::Open),
                "textDocument/didChange" => serde_json::from_str(params).map(Parked::Change),
                _ => return Route::AsItIs,
            };
            // Params tower-lsp would not read either go to it as they are, to be logged.
            let Ok(parked) = parked else {
                return Route::AsItIs;
            };
            let key = wire.park(parked);
            return Route::Server(
                format!(
                    r#"{{"jsonrpc":"2.0","method":"{PARKED_METHOD}","params":{{"key":{key}}}}}"#
                )
                .into_bytes(),
            );
        }
        let Some(id) = id.filter(|_| DIRECT_REQUESTS.contains(&method)) else {
            return Route::AsItIs;
        };
        if !message.whole && serde_json::from_str::<Value>(params).is_err() {
            return Route::Reply(not_json());
        }
        let mut out = Vec::with_capacity(params.len() + 128);
        out.extend_from_slice(br#"{"jsonrpc":"2.0","method":""#);
        out.extend_from_slice(DIRECT_METHOD.as_bytes());
        out.extend_from_slice(br#"","params":{"id":"#);
        let _ = serde_json::to_writer(&mut out, id);
        out.extend_from_slice(br#","method":"#);
        let _ = serde_json::to_writer(&mut out, method);
        out.extend_from_slice(br#","params":"#);
        out.extend_from_slice(params.as_bytes());
        out.extend_from_slice(b"}}");
        Route::Server(out)
    }
}

/// Copies client messages from `input` to `server`, answering bad ones through `errors`.
/// Cancellations are noted in `wire` as they arrive (before the server reaches the
/// requests they cancel), and the end of the input too.
pub async fn pump_input(
    input: impl AsyncBufRead + Unpin,
    server: impl AsyncWrite + Unpin,
    errors: Outbox,
    wire: Arc<Wire>,
) {
    pump_input_within(input, server, errors, wire, MAX_MESSAGE_BYTES).await;
}

/// [`pump_input`] with bodies of at most `limit` bytes.
async fn pump_input_within(
    input: impl AsyncBufRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    errors: Outbox,
    wire: Arc<Wire>,
    limit: usize,
) {
    let mut input = input;
    let mut router = Router::default();
    let mut resync = false;
    loop {
        match read_frame(&mut input, limit, resync).await {
            Frame::End => break,
            Frame::Bad(why) => {
                tracing::warn!(
                    "framing error from the client: {why}; skipped to the next Content-Length"
                );
                let reply = error_reply(Value::Null, -32700, &format!("Parse error: {why}"));
                let _ = errors.send(reply.to_string().into_bytes()).await;
                resync = true;
            }
            Frame::Message(body) => {
                resync = false;
                let message = match check(&body) {
                    Ok(message) => message,
                    Err(reply) => {
                        tracing::warn!("malformed message from the client; answered with an error");
                        let _ = errors.send(reply.to_string().into_bytes()).await;
                        continue;
                    }
                };
                if message.method.as_deref() == Some("$/cancelRequest") {
                    #[derive(Deserialize)]
                    struct Cancel {
                        id: Value,
                    }
                    if let Some(cancel) = message
                        .params
                        .as_deref()
                        .and_then(|p| serde_json::from_str::<Cancel>(p.get()).ok())
                    {
                        wire.cancel(&cancel.id);
                    }
                }
                let route = router.route(&message, &wire);
                let whole = message.whole;
                drop(message);
                let body = match route {
                    Route::AsItIs if !whole && serde_json::from_slice::<Value>(&body).is_err() => {
                        tracing::warn!("malformed message from the client; answered with an error");
                        let _ = errors.send(not_json().to_string().into_bytes()).await;
                        None
                    }
                    Route::AsItIs => Some(body),
                    Route::Server(rewritten) => Some(rewritten),
                    Route::Reply(reply) => {
                        let _ = errors.send(reply.to_string().into_bytes()).await;
                        None
                    }
                };
                if let Some(body) = body {
                    if !write_frame(&mut server, &body).await {
                        break;
                    }
                }
            }
        }
    }
    tracing::info!("the client's input has ended");
    wire.client_gone();
    let _ = server.shutdown().await;
}

/// What the input guard made of some bytes from a client (see [`guard_input`]).
#[derive(Debug, Default)]
pub struct Guarded {
    /// The messages passed on to the server, in order.
    pub passed: Vec<Value>,
    /// The error replies written to the client, in order.
    pub replies: Vec<Value>,
}

/// Runs `input` through the guard in front of the server, in memory, with bodies of at most
/// `limit` bytes: what the server would be given and what the client would be answered.
/// For the framing fuzz target (`fuzz/targets.rs`).
pub fn guard_input(input: &[u8], limit: usize) -> Guarded {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut to_server = Vec::new();
        let (errors, mut outgoing) = outbox();
        let pump = pump_input_within(
            tokio::io::BufReader::new(input),
            &mut to_server,
            errors,
            Arc::new(Wire::default()),
            limit,
        );
        let drain = async {
            let mut replies = Vec::new();
            while let Some((parts, room)) = outgoing.next().await {
                outgoing.room.add_permits(room as usize);
                replies.push(serde_json::from_slice(&parts.concat()).unwrap_or(Value::Null));
            }
            replies
        };
        let ((), replies) = tokio::join!(pump, drain);
        let mut passed = Vec::new();
        let mut reader = &to_server[..];
        while let Frame::Message(body) = read_frame(&mut reader, usize::MAX, false).await {
            passed.push(serde_json::from_slice(&body).unwrap_or(Value::Null));
        }
        Guarded { passed, replies }
    })
}

/// The bytes of small writes gathered before they reach the output.
const OUTPUT_BUFFER: usize = 64 << 10;

/// Where [`pump_output`] writes the messages.
pub enum Output<W> {
    /// A stream, written to asynchronously.
    Stream(W),
    /// A file (the process's standard output), written with blocking writes on the
    /// blocking pool, a whole message at a time: a message in many parts (the outline of a
    /// long roadmap) costs one trip to the pool, not one per part, and no copy of the parts.
    File(Arc<std::fs::File>),
}

/// Writes one message whose body is `parts` to `file`, small writes gathered.
fn write_message_blocking(file: &std::fs::File, parts: &[Bytes]) -> bool {
    use std::io::Write as _;
    let len: usize = parts.iter().map(Bytes::len).sum();
    let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, file);
    let written = write!(out, "Content-Length: {len}\r\n\r\n").is_ok()
        && parts.iter().all(|part| out.write_all(part).is_ok());
    written && out.flush().is_ok()
}

/// Copies the server's messages to `output`, with the error replies and the messages of the
/// [`Wire`] between them: all go through `queue`/`outgoing`, and `pump_input` holds a sender
/// of the same queue.
///
/// Frames are read from the server in a task of their own and meet the error replies in one
/// queue: reading a frame is not cancel-safe (a header line half read would be lost), so
/// it must never be a losing branch of a `select!`.
pub async fn pump_output<W: AsyncWrite + Unpin>(
    server: impl AsyncBufRead + Unpin + Send + 'static,
    queue: Outbox,
    mut outgoing: Outgoing,
    output: Output<W>,
) {
    // A message's header and small parts go out in one write; a part larger than the
    // buffer goes straight through.
    let mut output = match output {
        Output::Stream(stream) => {
            Output::Stream(tokio::io::BufWriter::with_capacity(OUTPUT_BUFFER, stream))
        }
        Output::File(file) => Output::File(file),
    };
    let forward = tokio::spawn(async move {
        let mut server = server;
        let mut resync = false;
        loop {
            match read_frame(&mut server, usize::MAX, resync).await {
                Frame::Message(body) => {
                    resync = false;
                    if !queue.send(body).await {
                        break;
                    }
                }
                Frame::Bad(_) => resync = true,
                Frame::End => break,
            }
        }
    });
    // Ends when every sender is gone: the server's output has ended and the input pump
    // (which sends the error replies) has stopped.
    while let Some((parts, room)) = outgoing.next().await {
        let written = match &mut output {
            Output::Stream(stream) => write_frame_parts(stream, &parts).await,
            Output::File(file) => {
                let file = Arc::clone(file);
                tokio::task::spawn_blocking(move || write_message_blocking(&file, &parts))
                    .await
                    .unwrap_or(false)
            }
        };
        outgoing.room.add_permits(room as usize);
        if !written {
            break;
        }
    }
    outgoing.room.close();
    forward.abort();
}

#[cfg(test)]
mod tests {
    use super::{check, outbox, pump_input, pump_output, read_frame, Frame, Output, Wire};
    use bytes::Bytes;
    use serde_json::Value;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::io::{AsyncWriteExt, BufReader};

    async fn next_body(reader: &mut (impl tokio::io::AsyncBufRead + Unpin)) -> Vec<u8> {
        let frame =
            tokio::time::timeout(Duration::from_secs(5), read_frame(reader, 1 << 20, false))
                .await
                .expect("a frame within 5 s");
        match frame {
            Frame::Message(body) => body,
            Frame::Bad(_) | Frame::End => panic!("no frame"),
        }
    }

    #[tokio::test]
    async fn an_error_reply_in_the_middle_of_a_server_frame_loses_nothing() {
        let (mut server, from_server) = tokio::io::duplex(1024);
        let (output, client) = tokio::io::duplex(1024);
        let (queue, outgoing) = outbox();
        let errors = queue.clone();
        let pump = tokio::spawn(pump_output(
            BufReader::new(from_server),
            queue,
            outgoing,
            Output::Stream(output),
        ));
        let mut client = BufReader::new(client);

        // The server has written half of its frame's header when an error reply is due.
        server.write_all(b"Content-Length: 2\r\n").await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        errors.send(b"{\"error\":1}".to_vec()).await;
        assert_eq!(next_body(&mut client).await, b"{\"error\":1}");

        server.write_all(b"\r\n{}").await.unwrap();
        assert_eq!(next_body(&mut client).await, b"{}");

        drop(errors);
        server.shutdown().await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), pump)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn the_wire_sends_only_while_connected() {
        let wire = Wire::default();
        assert!(!wire.is_connected());
        let body = |json: &'static [u8]| vec![Bytes::from_static(json)];
        assert!(!wire.send_parts(body(b"{}")).await, "not connected yet");
        let (sender, mut receiver) = outbox();
        wire.connect(sender);
        assert!(wire.send_parts(body(b"{\"a\":1}")).await);
        assert_eq!(receiver.next().await.unwrap().0.concat(), b"{\"a\":1}");
        wire.close();
        assert!(!wire.send_parts(body(b"{}")).await);
        // Closed, the wire holds no sender: the output can end.
        assert!(receiver.next().await.is_none());
    }

    #[tokio::test]
    async fn only_the_latest_diagnostics_of_a_document_wait() {
        let (sender, mut receiver) = outbox();
        assert!(sender.publish("a", b"a1".to_vec()));
        assert!(sender.send(b"m".to_vec()).await);
        assert!(sender.publish("b", b"b1".to_vec()));
        assert!(sender.publish("a", b"a2".to_vec()));
        assert!(sender.publish("a", b"a3".to_vec()));
        drop(sender);
        let mut written = Vec::new();
        while let Some((body, _)) = receiver.next().await {
            written.push(String::from_utf8(body.concat()).unwrap());
        }
        // In the order first queued, each document once, with its latest message.
        assert_eq!(written, ["a3", "m", "b1"]);
    }

    /// A message in parts goes out as one frame whose length is the parts' sum, the parts
    /// one after another, between the messages around it; the room it takes in the queue
    /// is its bytes. So on a stream and on a file (standard output) alike.
    #[tokio::test]
    async fn a_message_in_parts_is_written_as_one_frame() {
        for to_file in [false, true] {
            let (sender, receiver) = outbox();
            // Longer than the output's buffer: written from where it is.
            let mut long = vec![b'"'];
            long.resize(100_000, b'x');
            long.push(b'"');
            let shared = Bytes::from(long);
            assert!(sender.send(b"{\"a\":1}".to_vec()).await);
            let parts = vec![
                Bytes::from_static(b"{\"b\":["),
                shared.clone(),
                Bytes::from_static(b",1]}"),
            ];
            assert!(sender.send_parts(parts).await);
            assert!(sender.send(b"{\"c\":2}".to_vec()).await);
            assert_eq!(
                sender.room.available_permits(),
                super::MAX_QUEUED_BYTES - 7 - 100_011 - 7
            );
            let (server_end, server_other_end) = tokio::io::duplex(64);
            drop(server_other_end);
            let server_end = tokio::io::BufReader::new(server_end);
            let mut output = Vec::new();
            if to_file {
                let file = tempfile::tempfile().unwrap();
                let pump = pump_output(
                    server_end,
                    sender,
                    receiver,
                    Output::<tokio::io::Sink>::File(Arc::new(file.try_clone().unwrap())),
                );
                tokio::time::timeout(Duration::from_secs(5), pump)
                    .await
                    .unwrap();
                let mut file = file;
                std::io::Seek::rewind(&mut file).unwrap();
                std::io::Read::read_to_end(&mut file, &mut output).unwrap();
            } else {
                let pump = pump_output(server_end, sender, receiver, Output::Stream(&mut output));
                tokio::time::timeout(Duration::from_secs(5), pump)
                    .await
                    .unwrap();
            }
            let mut reader = &output[..];
            let mut bodies = Vec::new();
            while let Frame::Message(body) = read_frame(&mut reader, usize::MAX, false).await {
                bodies.push(body);
            }
            assert_eq!(bodies.len(), 3, "{}", String::from_utf8_lossy(&output));
            assert_eq!(bodies[0], b"{\"a\":1}");
            assert_eq!(bodies[2], b"{\"c\":2}");
            let value: Value = serde_json::from_slice(&bodies[1]).unwrap();
            assert_eq!(value["b"][0].as_str().map(str::len), Some(99_999));
            assert_eq!(value["b"][1], 1);
            assert_eq!(&bodies[1][6..100_007], &shared[..]);
        }
    }

    #[tokio::test]
    async fn a_full_queue_waits_for_room() {
        let (sender, mut receiver) = outbox();
        let big = vec![b'x'; super::MAX_QUEUED_BYTES - 10];
        assert!(sender.send(big).await);
        let waiting = tokio::spawn({
            let sender = sender.clone();
            async move { sender.send(vec![b'y'; 100]).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "no room yet");
        let (body, room) = receiver.next().await.unwrap();
        assert_eq!(body.concat().len(), super::MAX_QUEUED_BYTES - 10);
        receiver.room.add_permits(room as usize);
        assert!(tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap());
    }

    /// Frames `body` as the client would.
    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// The client's `input` through `pump_input`: what reaches the server and the replies.
    async fn through_input(input: Vec<u8>) -> (Vec<Value>, Vec<Value>, Arc<Wire>) {
        let (to_server, mut server_side) = tokio::io::duplex(1 << 20);
        let (errors, mut replies) = outbox();
        let wire = Arc::new(Wire::default());
        let pump = pump_input(
            BufReader::new(std::io::Cursor::new(input)),
            to_server,
            errors,
            Arc::clone(&wire),
        );
        tokio::time::timeout(Duration::from_secs(5), pump)
            .await
            .expect("the input pump ends with its input");
        let mut passed = Vec::new();
        let mut reader = BufReader::new(&mut server_side);
        loop {
            match read_frame(&mut reader, usize::MAX, false).await {
                Frame::Message(body) => passed.push(serde_json::from_slice(&body).unwrap()),
                Frame::Bad(_) => panic!("the guard writes whole frames"),
                Frame::End => break,
            }
        }
        let mut answered = Vec::new();
        replies.receiver.close();
        while let Some((body, _)) = replies.next().await {
            answered.push(serde_json::from_slice(&body.concat()).unwrap());
        }
        (passed, answered, wire)
    }

    #[tokio::test]
    async fn a_huge_content_length_is_refused_and_reading_goes_on() {
        let mut input = b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":".to_vec();
        input.extend(
            framed(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).bytes(),
        );
        let (passed, answered, _) = through_input(input).await;
        assert_eq!(passed.len(), 1);
        assert_eq!(passed[0]["id"], 1);
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0]["error"]["code"], -32700);
        let message = answered[0]["error"]["message"].as_str().unwrap();
        assert!(message.contains("1000000000000 bytes"), "{message}");
    }

    #[tokio::test]
    async fn a_bad_header_is_skipped_up_to_the_next_message() {
        let mut input = b"Content-Length: 5\r\nX-\xff\xfe: 1\r\n\r\n{\"a\":1".to_vec();
        input.extend(b"garbage\r\n\r\nContent-Length: twelve\r\n\r\n".iter());
        input.extend(b"Content-Type: x\r\n".iter());
        input.extend(framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).bytes());
        input.extend([b'x'; super::MAX_HEADER_LINE + 1]);
        input.extend(b"\r\n\r\n".iter());
        input.extend(
            framed(r#"{"jsonrpc":"2.0","id":"s","method":"shutdown"}"#)
                .to_lowercase()
                .bytes(),
        );
        let (passed, answered, _) = through_input(input).await;
        // The non-UTF-8 header is ignored: the first message is read; its body is 5 bytes
        // of broken JSON.
        let methods: Vec<_> = passed.iter().map(|m| m["method"].clone()).collect();
        assert_eq!(methods, ["initialized", "shutdown"], "{passed:?}");
        let codes: Vec<_> = answered
            .iter()
            .map(|m| m["error"]["code"].clone())
            .collect();
        assert_eq!(codes, [-32700, -32700, -32700, -32700], "{answered:?}");
    }

    #[tokio::test]
    async fn dollar_requests_are_method_not_found_and_cancellations_noted() {
        let mut input = framed(r#"{"jsonrpc":"2.0","id":4,"method":"$/nothing","params":{}}"#);
        input += &framed(r#"{"jsonrpc":"2.0","method":"$/ignored","params":{}}"#);
        input += &framed(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"r7"}}"#);
        let (passed, answered, wire) = through_input(input.into_bytes()).await;
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0]["id"], 4);
        assert_eq!(answered[0]["error"]["code"], -32601);
        // Notifications go on (tower-lsp ignores them, and sees the cancellation too).
        assert_eq!(passed.len(), 2);
        assert!(wire.take_cancelled(&serde_json::json!("r7")));
        assert!(!wire.take_cancelled(&serde_json::json!("r7")), "asked once");
        assert!(!wire.take_cancelled(&serde_json::json!(7)));
    }

    #[test]
    fn bad_bodies_get_the_json_rpc_error_codes() {
        assert_eq!(check(b"{ nope").unwrap_err()["error"]["code"], -32700);
        assert_eq!(
            check(br#"{"id":4,"method":7}"#).unwrap_err()["error"]["code"],
            -32600
        );
        assert_eq!(check(br#"{"id":4,"method":7}"#).unwrap_err()["id"], 4);
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
    }

    /// The borrowed reading of a request accepts and refuses what reading it whole does,
    /// with the same reply, and keeps its params as written (strings it skips unchecked
    /// are the pump's to check: see `what_tower_lsp_cannot_read_is_answered_not_passed`).
    #[test]
    fn a_request_read_borrowed_is_read_as_whole() {
        let bodies: &[&[u8]] = &[
            br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":[1,"\u00e9\n"]}}"#,
            br#"{"jsonrpc":"2.0","method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":null,"method":"x","params":null}"#,
            br#"{"jsonrpc":"2.0","id":"s","method":"x","params":7,"extra":{"b":1}}"#,
            br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
            br#"{"id":1,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":null}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","method":"y"}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":tru}}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"x","params":"\q"}"#,
            b"[1,2]",
        ];
        for body in bodies {
            let shown = String::from_utf8_lossy(body);
            let whole = super::check_value(body);
            match (check(body), whole) {
                (Ok(read), Ok(value)) => {
                    assert_eq!(read.method.as_deref(), value["method"].as_str(), "{shown}");
                    assert_eq!(read.id.as_ref(), value.get("id"), "{shown}");
                    let params = read
                        .params
                        .map(|p| serde_json::from_str::<Value>(p.get()).unwrap());
                    assert_eq!(params.as_ref(), value.get("params"), "{shown}");
                }
                (Err(reply), Err(whole)) => assert_eq!(reply, whole, "{shown}"),
                (read, whole) => panic!("{shown}: {read:?} against {whole:?}"),
            }
        }
    }

    /// After `initialized`, a didOpen or didChange reaches the server as a stand-in whose
    /// params wait in the wire; before it, or with params the server could not read, the
    /// message goes on as it came. A request answered directly keeps its params.
    #[tokio::test]
    async fn documents_are_parked_and_direct_requests_rewrapped() {
        let open = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///r/ROADMAP.md","languageId":"markdown","version":1,"text":"- [ ] a\n"}}}"#;
        let change = r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///r/ROADMAP.md","version":2},"contentChanges":[{"text":"- [x] a\n"}]}}"#;
        let bad =
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":7}}"#;
        let pull = r#"{"jsonrpc":"2.0","id":3,"method":"textDocument/diagnostic","params":{"textDocument":{"uri":"file:///r/ROADMAP.md"}}}"#;
        let mut input = framed(open);
        input += &framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        for body in [open, change, bad, pull] {
            input += &framed(body);
        }
        let (passed, answered, wire) = through_input(input.into_bytes()).await;
        assert!(answered.is_empty(), "{answered:?}");
        let methods: Vec<_> = passed.iter().map(|m| m["method"].clone()).collect();
        assert_eq!(
            methods,
            [
                "textDocument/didOpen",
                "initialized",
                super::PARKED_METHOD,
                super::PARKED_METHOD,
                "textDocument/didOpen",
                super::DIRECT_METHOD,
            ]
        );
        let key = |k: usize| passed[k]["params"]["key"].as_u64().expect("a key");
        match wire.unpark(key(2)) {
            Some(super::Parked::Open(params)) => {
                assert_eq!(params.text_document.text, "- [ ] a\n");
                assert_eq!(params.text_document.version, 1);
            }
            other => panic!("{other:?}"),
        }
        match wire.unpark(key(3)) {
            Some(super::Parked::Change(params)) => {
                assert_eq!(params.content_changes[0].text, "- [x] a\n");
            }
            other => panic!("{other:?}"),
        }
        assert!(wire.unpark(key(2)).is_none(), "taken once");
        assert_eq!(passed[4]["params"]["textDocument"], 7);
        let direct = &passed[5]["params"];
        assert_eq!(direct["id"], 3);
        assert_eq!(direct["method"], "textDocument/diagnostic");
        assert_eq!(
            direct["params"]["textDocument"]["uri"],
            "file:///r/ROADMAP.md"
        );
    }

    /// What a borrowed reading lets through unread (a lone surrogate escape, bytes that are
    /// not UTF-8) never reaches tower-lsp, which would end the session on it: a message
    /// passed on as it came, or a request rewrapped with its params, is answered with a
    /// parse error instead. A parked document's params are read whole into their type.
    #[tokio::test]
    async fn what_tower_lsp_cannot_read_is_answered_not_passed() {
        let mut input = framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        input += &framed(r#"{"jsonrpc":"2.0","method":"x","params":"\ud800"}"#);
        input += &framed(
            r#"{"jsonrpc":"2.0","id":5,"method":"textDocument/foldingRange","params":{"a":"\ud800"}}"#,
        );
        input += &framed(r#"{"jsonrpc":"2.0","method":"x","extra":["\udc00"]}"#);
        input += &framed(
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","extra":"\ud800","params":{"textDocument":{"uri":"file:///r/ROADMAP.md","languageId":"markdown","version":1,"text":"- [ ] a\n"}}}"#,
        );
        let mut bytes = input.into_bytes();
        let mut bad = br#"{"jsonrpc":"2.0","method":"x","params":{"k":""#.to_vec();
        bad.push(0xFF);
        bad.extend(br#""}}"#);
        bytes.extend(format!("Content-Length: {}\r\n\r\n", bad.len()).bytes());
        bytes.extend(bad);
        let (passed, answered, _) = through_input(bytes).await;
        let methods: Vec<_> = passed.iter().map(|m| m["method"].clone()).collect();
        assert_eq!(methods, ["initialized", super::PARKED_METHOD], "{passed:?}");
        let codes: Vec<_> = answered
            .iter()
            .map(|m| m["error"]["code"].clone())
            .collect();
        assert_eq!(codes, [-32700, -32700, -32700, -32700], "{answered:?}");
    }
}
