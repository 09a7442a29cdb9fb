//! A client for the real binary over stdio, for the tests that need the framing guard, the
//! process and its memory: messages are read in a thread of their own (so the test never
//! blocks on a full pipe unless it means to), and `workspace/applyEdit` is answered by the
//! client after a delay of its choice.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long to wait for a message the test expects (never hit when the server behaves).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// How the client answers the server's `workspace/applyEdit`.
#[derive(Clone, Copy)]
pub enum Edits {
    /// `applied: false` after this long (the client's text stays its own).
    RejectAfter(Duration),
    /// Never.
    Ignore,
}

pub struct Client {
    /// While set, the client reads nothing from the server.
    paused: Arc<AtomicBool>,
    pub child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Requests the server sent, as they came.
    pub server_requests: Arc<Mutex<Vec<Value>>>,
}

pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

impl Client {
    pub fn start(env: &[(&str, &str)], edits: Edits) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tickmark"));
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env_remove("TICKMARK_TEST_PANIC");
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        let server_requests = Arc::new(Mutex::new(Vec::new()));
        let paused = Arc::new(AtomicBool::new(false));
        {
            let stdin = Arc::clone(&stdin);
            let server_requests = Arc::clone(&server_requests);
            let paused = Arc::clone(&paused);
            std::thread::spawn(move || {
                let mut stdout = BufReader::new(stdout);
                loop {
                    while paused.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    let Some(message) = read_message(&mut stdout) else {
                        return;
                    };
                    if message.get("method").is_some() && message.get("id").is_some() {
                        server_requests.lock().unwrap().push(message.clone());
                        if message["method"] == "workspace/applyEdit" {
                            answer_later(&stdin, &message, edits);
                        } else {
                            let reply =
                                json!({"jsonrpc": "2.0", "id": message["id"], "result": null});
                            write_to(&stdin, &frame(&reply.to_string()));
                        }
                        continue;
                    }
                    if sender.send(message).is_err() {
                        return;
                    }
                }
            });
        }
        Client {
            paused,
            child,
            stdin,
            messages,
            next_id: 1000,
            server_requests,
        }
    }

    /// Stops reading the server's output (after the message being read).
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    pub fn send_raw(&self, bytes: &[u8]) {
        write_to(&self.stdin, bytes);
    }

    pub fn send(&self, message: &Value) {
        self.send_raw(&frame(&message.to_string()));
    }

    #[allow(clippy::needless_pass_by_value)] // Called with `json!(..)` literals.
    pub fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The id the next request will have.
    pub fn take_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Sends a request; its id.
    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.take_id();
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(&message);
        id
    }

    /// A handle that writes to the server's input from another thread.
    pub fn writer(&self) -> Writer {
        Writer(Arc::clone(&self.stdin))
    }

    /// Closes the server's input.
    pub fn close_input(&self) {
        self.stdin.lock().unwrap().take();
    }

    /// The next message, or `None` once the server's output has ended.
    pub fn next(&self) -> Option<Value> {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(message) => Some(message),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => panic!("the server sent nothing for {PATIENCE:?}"),
        }
    }

    /// A message already received, without waiting.
    pub fn try_next(&self) -> Option<Value> {
        self.messages.try_recv().ok()
    }

    /// Messages up to and including the response to `id`.
    pub fn until_response(&self, id: i64) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let message = self.next().expect("the server's output ended");
            let done = message.get("method").is_none() && message["id"] == id;
            seen.push(message);
            if done {
                return seen;
            }
        }
    }

    /// `seen`, then further messages up to the publication of `version` of `uri` if `seen`
    /// has none: a large document is analysed off the message loop, so its diagnostics may
    /// follow an answer that did not need them.
    pub fn until_published(&self, mut seen: Vec<Value>, uri: &str, version: i64) -> Vec<Value> {
        while last_published(&seen).get(uri).map(|(v, _)| v.clone()) != Some(json!(version)) {
            seen.push(self.next().expect("the server's output ended"));
        }
        seen
    }

    /// The response to `id` (other messages skipped).
    pub fn response(&self, id: i64) -> Value {
        self.until_response(id).pop().unwrap()
    }

    /// `initialize` with `capabilities` and `processId`, then `initialized`.
    #[allow(clippy::needless_pass_by_value)] // Called with `json!(..)` literals.
    pub fn initialize(&mut self, capabilities: Value, process_id: Option<u32>) -> Value {
        let id = self.request(
            "initialize",
            json!({"capabilities": capabilities, "processId": process_id}),
        );
        let reply = self.response(id);
        self.notify("initialized", json!({}));
        reply
    }

    pub fn open(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}}),
        );
    }

    /// Waits for the process to exit, up to `within`.
    pub fn exit_status(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's resident memory in KiB (Linux), 0 where unknown.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes to the server's input from any thread.
#[derive(Clone)]
pub struct Writer(Arc<Mutex<Option<ChildStdin>>>);

impl Writer {
    pub fn send(&self, message: &Value) -> bool {
        let mut stdin = self.0.lock().unwrap();
        stdin
            .as_mut()
            .is_some_and(|s| s.write_all(&frame(&message.to_string())).is_ok() && s.flush().is_ok())
    }
}

fn write_to(stdin: &Mutex<Option<ChildStdin>>, bytes: &[u8]) {
    if let Some(stdin) = stdin.lock().unwrap().as_mut() {
        let _ = stdin.write_all(bytes);
        let _ = stdin.flush();
    }
}

fn answer_later(stdin: &Arc<Mutex<Option<ChildStdin>>>, request: &Value, edits: Edits) {
    let Edits::RejectAfter(delay) = edits else {
        return;
    };
    let stdin = Arc::clone(stdin);
    let reply = json!({"jsonrpc": "2.0", "id": request["id"],
        "result": {"applied": false, "failureReason": "the test client applies nothing"}});
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        write_to(&stdin, &frame(&reply.to_string()));
    });
}

/// Answers larger than this are summarised by [`read_message`].
const SUMMARISED: usize = 256 * 1024;

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(n) = header.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    // A large answer written directly is summarised (parsing it is most of a slow test):
    // its id, an empty result, and its size.
    let head = br#"{"jsonrpc":"2.0","id":"#;
    if body.len() > SUMMARISED && body.starts_with(head) {
        let rest = &body[head.len()..];
        let end = rest.iter().position(|b| *b == b',')?;
        let id: Value = serde_json::from_slice(&rest[..end]).ok()?;
        let result = &rest[end..];
        assert!(result.starts_with(br#","result":["#), "an array answer");
        return Some(json!({"jsonrpc": "2.0", "id": id, "result": [], "bytes": body.len()}));
    }
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

/// Resident memory of process `pid` in KiB (Linux), 0 where unknown.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The LSP position (UTF-16) of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..offset].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// A small deterministic random source.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The last `publishDiagnostics` of each document among `messages`: (version, diagnostics).
pub fn last_published(messages: &[Value]) -> std::collections::HashMap<String, (Value, Value)> {
    let mut last = std::collections::HashMap::new();
    for message in messages {
        if message["method"] == "textDocument/publishDiagnostics" {
            let params = &message["params"];
            last.insert(
                params["uri"].as_str().unwrap().to_owned(),
                (params["version"].clone(), params["diagnostics"].clone()),
            );
        }
    }
    last
}
