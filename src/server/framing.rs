//! A guard in front of tower-lsp's framing. tower-lsp ends the whole session on the first
//! message it cannot decode (its framed reader stops after an error), so every message from
//! the client is checked here first: a body that is not JSON is answered with a parse error,
//! one that is not a JSON-RPC message with an invalid-request error, and the session goes on.
//! Valid messages are passed through, the requests whose answers grow with the document
//! rewrapped to be answered straight to the output (see [`super::handlers::direct`]), and the
//! server's own output is forwarded message by message so the error replies never
//! interleave with it.

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::handlers::direct::{DIRECT_METHOD, DIRECT_REQUESTS};

/// A way for the server to write a notification of its own straight to the output, past
/// tower-lsp's client, which turns every message into a `serde_json::Value` tree before it
/// is written: for `publishDiagnostics`, whose size grows with the document, building that
/// tree costs several times the serialisation. Not connected when the server runs without
/// the guard (in-process tests), and closed when the session ends.
#[derive(Debug, Default)]
pub struct Wire {
    sender: std::sync::Mutex<Option<mpsc::UnboundedSender<Vec<u8>>>>,
}

impl Wire {
    pub(crate) fn connect(&self, sender: mpsc::UnboundedSender<Vec<u8>>) {
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

    /// Writes a message body already serialised; false when not connected.
    pub fn send(&self, body: Vec<u8>) -> bool {
        self.sender
            .lock()
            .is_ok_and(|s| s.as_ref().is_some_and(|s| s.send(body).is_ok()))
    }
}

/// The framed messages on one side, or why one could not be read.
enum Frame {
    Message(Vec<u8>),
    /// Headers without a usable `Content-Length`.
    BadHeader,
    End,
}

async fn read_frame(reader: &mut (impl AsyncBufRead + Unpin)) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Frame::BadHeader;
    };
    let mut body = vec![0; length];
    match reader.read_exact(&mut body).await {
        Ok(_) => Frame::Message(body),
        Err(_) => Frame::End,
    }
}

async fn write_frame(writer: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> bool {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    writer.write_all(header.as_bytes()).await.is_ok()
        && writer.write_all(body).await.is_ok()
        && writer.flush().await.is_ok()
}

/// The message in `body`, or the error reply for a body tower-lsp would choke on.
fn check(body: &[u8]) -> Result<Value, Value> {
    let error = |id: Value, code: i64, message: &str| {
        Err(json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }))
    };
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return error(Value::Null, -32700, "Parse error: the message is not JSON");
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
        error(id, -32600, "Invalid request: not a JSON-RPC 2.0 message")
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

impl Router {
    /// The body to pass on for `message` (whose bytes are `body`).
    fn route(&mut self, message: Value, body: Vec<u8>) -> Vec<u8> {
        let method = message.get("method").and_then(Value::as_str);
        match method {
            Some("initialized") => self.initialized = true,
            Some("shutdown") => self.shut_down = true,
            _ => {}
        }
        let direct = self.initialized
            && !self.shut_down
            && message.get("id").is_some()
            && method.is_some_and(|m| DIRECT_REQUESTS.contains(&m));
        if !direct {
            return body;
        }
        let Value::Object(mut fields) = message else {
            return body;
        };
        let request = json!({
            "jsonrpc": "2.0",
            "method": DIRECT_METHOD,
            "params": {
                "id": fields.remove("id").unwrap_or(Value::Null),
                "method": fields.remove("method").unwrap_or(Value::Null),
                "params": fields.remove("params").unwrap_or(Value::Null),
            },
        });
        serde_json::to_vec(&request).unwrap_or(body)
    }
}

/// Copies client messages from `input` to `server`, answering bad ones through `errors`.
pub async fn pump_input(
    input: impl AsyncBufRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    errors: mpsc::UnboundedSender<Vec<u8>>,
) {
    let mut input = input;
    let mut router = Router::default();
    loop {
        match read_frame(&mut input).await {
            Frame::End => break,
            Frame::BadHeader => {
                tracing::warn!("a message without Content-Length; skipped");
                let reply = json!({ "jsonrpc": "2.0", "id": null,
                    "error": { "code": -32700, "message": "Parse error: no Content-Length" } });
                let _ = errors.send(reply.to_string().into_bytes());
            }
            Frame::Message(body) => match check(&body) {
                Ok(message) => {
                    let body = router.route(message, body);
                    if !write_frame(&mut server, &body).await {
                        break;
                    }
                }
                Err(reply) => {
                    tracing::warn!("malformed message from the client; answered with an error");
                    let _ = errors.send(reply.to_string().into_bytes());
                }
            },
        }
    }
    let _ = server.shutdown().await;
}

/// Copies the server's messages to `output`, with the error replies between them: both go
/// through `queue`/`outgoing`, and `pump_input` holds a sender of the same channel.
///
/// Frames are read from the server in a task of their own and meet the error replies in one
/// channel: reading a frame is not cancel-safe (a header line half read would be lost), so
/// it must never be a losing branch of a `select!`.
pub async fn pump_output(
    server: impl AsyncBufRead + Unpin + Send + 'static,
    queue: mpsc::UnboundedSender<Vec<u8>>,
    mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
    mut output: impl AsyncWrite + Unpin,
) {
    let forward = tokio::spawn(async move {
        let mut server = server;
        loop {
            match read_frame(&mut server).await {
                Frame::Message(body) => {
                    if queue.send(body).is_err() {
                        break;
                    }
                }
                Frame::BadHeader => {}
                Frame::End => break,
            }
        }
    });
    // Ends when every sender is gone: the server's output has ended and the input pump
    // (which sends the error replies) has stopped.
    while let Some(body) = outgoing.recv().await {
        if !write_frame(&mut output, &body).await {
            break;
        }
    }
    forward.abort();
}

#[cfg(test)]
mod tests {
    use super::{check, pump_output, read_frame, Frame};
    use std::time::Duration;
    use tokio::io::{AsyncWriteExt, BufReader};

    async fn next_body(reader: &mut (impl tokio::io::AsyncBufRead + Unpin)) -> Vec<u8> {
        let frame = tokio::time::timeout(Duration::from_secs(5), read_frame(reader))
            .await
            .expect("a frame within 5 s");
        match frame {
            Frame::Message(body) => body,
            Frame::BadHeader | Frame::End => panic!("no frame"),
        }
    }

    #[tokio::test]
    async fn an_error_reply_in_the_middle_of_a_server_frame_loses_nothing() {
        let (mut server, from_server) = tokio::io::duplex(1024);
        let (output, client) = tokio::io::duplex(1024);
        let (queue, outgoing) = tokio::sync::mpsc::unbounded_channel();
        let errors = queue.clone();
        let pump = tokio::spawn(pump_output(
            BufReader::new(from_server),
            queue,
            outgoing,
            output,
        ));
        let mut client = BufReader::new(client);

        // The server has written half of its frame's header when an error reply is due.
        server.write_all(b"Content-Length: 2\r\n").await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        errors.send(b"{\"error\":1}".to_vec()).unwrap();
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

    #[test]
    fn the_wire_sends_only_while_connected() {
        let wire = super::Wire::default();
        assert!(!wire.is_connected());
        assert!(!wire.send(b"{}".to_vec()), "not connected yet");
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        wire.connect(sender);
        assert!(wire.send(b"{\"a\":1}".to_vec()));
        assert_eq!(receiver.try_recv().unwrap(), b"{\"a\":1}");
        wire.close();
        assert!(!wire.send(b"{}".to_vec()));
        // Closed, the wire holds no sender: the output can end.
        assert!(receiver.try_recv().is_err());
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
}
