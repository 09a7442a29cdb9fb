//! Server latency over real stdio: the built `tickmark lsp` is spawned, opens a generated
//! 1 MB and 10 MB roadmap, and types 500 single characters; each `didChange` is timed until
//! its `publishDiagnostics` has been read whole from the server's stdout (the client's parse
//! of it is not timed); then 50 new lines (Enter), which move every diagnostic below them;
//! and `documentSymbol` until its response has been read. A no-op request round
//! trip (an unknown method) over the same pipes, measured in the same run, is the baseline.
//! Prints median and p95 of each.
//!
//! The roadmap has the problems of a roadmap in use: about one per hundred tasks. A second,
//! shorter run types into a roadmap where every checked task has an open subtask (3,108
//! warnings per MB), to show what the number of diagnostics costs.
//!
//! `cargo bench --bench lsp` (release). Targets: p95 keystroke → diagnostics < 5 ms at 1 MB,
//! < 30 ms at 10 MB.

#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "common/roadmap.rs"]
mod roadmap;

use roadmap::{roadmap, Problems};

const KEYSTROKES: usize = 500;
const URI: &str = "file:///bench/ROADMAP.md";

/// A `tickmark lsp` process and the client end of its stdio.
struct Session {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: i64,
}

impl Session {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .arg("lsp")
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tickmark lsp starts");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut session = Self {
            child,
            input,
            output,
            next_id: 0,
        };
        session.request(
            "initialize",
            &json!({ "capabilities": {}, "rootUri": null }),
        );
        session.notify("initialized", &json!({}));
        session
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: &Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message body, read whole.
    fn read(&mut self) -> Vec<u8> {
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            assert!(
                self.output.read_line(&mut header).unwrap() > 0,
                "server ended"
            );
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some(n) = header.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).unwrap();
        body
    }

    /// Sends a request; returns the time until its response was read, and the response.
    fn request(&mut self, method: &str, params: &Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let started = Instant::now();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let body = self.read();
            let elapsed = started.elapsed();
            let message: Value = serde_json::from_slice(&body).unwrap();
            if message["id"] == id && message.get("method").is_none() {
                return (elapsed, message);
            }
        }
    }

    /// Reads until the `publishDiagnostics` of `version`; returns the time from `started`
    /// until it was read, and how many diagnostics it had.
    fn published(&mut self, version: i64, started: Instant) -> (Duration, usize) {
        loop {
            let body = self.read();
            let elapsed = started.elapsed();
            let message: Value = serde_json::from_slice(&body).unwrap();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["version"] == version
            {
                let n = message["params"]["diagnostics"]
                    .as_array()
                    .map_or(0, Vec::len);
                return (elapsed, n);
            }
        }
    }

    fn change(&mut self, version: i64, line: u32, col: u32, text: &str) -> Duration {
        let started = Instant::now();
        let position = json!({ "line": line, "character": col });
        self.notify(
            "textDocument/didChange",
            &json!({
                "textDocument": { "uri": URI, "version": version },
                "contentChanges": [{ "range": { "start": position, "end": position }, "text": text }],
            }),
        );
        self.published(version, started).0
    }

    fn document_symbol(&mut self) -> Duration {
        let (elapsed, response) = self.request(
            "textDocument/documentSymbol",
            &json!({ "textDocument": { "uri": URI } }),
        );
        assert!(response["result"].is_array(), "{response}");
        elapsed
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn summary(name: &str, mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    println!(
        "{name:<32} median {:>9.3} ms   p95 {:>9.3} ms   (n = {})",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        samples.len()
    );
    (median, p95)
}

fn run(size: usize, label: &str, problems: Problems, keystrokes: usize) {
    let text = roadmap(size, problems);
    let lines = text.lines().count() as u32;
    let mut server = Session::start();
    let started = Instant::now();
    server.notify(
        "textDocument/didOpen",
        &json!({ "textDocument": { "uri": URI, "languageId": "markdown", "version": 1, "text": text } }),
    );
    let (opened, diagnostics) = server.published(1, started);
    println!(
        "\n{label}: {} bytes, {lines} lines, {diagnostics} diagnostics",
        text.len()
    );
    println!(
        "{:<32} {:>9.3} ms",
        "open → diagnostics",
        opened.as_secs_f64() * 1e3
    );

    let baseline: Vec<Duration> = (0..KEYSTROKES)
        .map(|_| server.request("tickmark/noop", &json!({})).0)
        .collect();
    // Type into a task in the middle of the document, one character at a time.
    let line = (lines / 2..lines)
        .find(|&l| {
            text.lines()
                .nth(l as usize)
                .is_some_and(|s| s.starts_with("- ["))
        })
        .unwrap();
    let start_col = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .encode_utf16()
        .count() as u32;
    let mut version = 1;
    let mut latencies = Vec::new();
    for i in 0..keystrokes {
        version += 1;
        let ch = if i % 7 == 6 { " " } else { "a" };
        latencies.push(server.change(version, line, start_col + i as u32, ch));
    }
    // Enter moves every line below, and so every diagnostic position there.
    let mut enters = Vec::new();
    for _ in 0..50 {
        version += 1;
        enters.push(server.change(version, line, 0, "\n"));
    }
    let line = line + 50;
    let symbols: Vec<Duration> = (0..20).map(|_| server.document_symbol()).collect();
    // documentSymbol right after a keystroke: the outline needs the whole analysis.
    let mut symbols_after_edit = Vec::new();
    for i in 0..20 {
        version += 1;
        server.change(version, line, start_col + (keystrokes + i) as u32, "b");
        symbols_after_edit.push(server.document_symbol());
    }
    let (base_median, _) = summary("no-op request (baseline)", baseline);
    let (key_median, key_p95) = summary("keystroke → publishDiagnostics", latencies);
    summary("Enter → publishDiagnostics", enters);
    summary("documentSymbol", symbols);
    summary("documentSymbol after an edit", symbols_after_edit);
    println!(
        "keystroke median = {:.0}× the no-op round trip; p95 {:.3} ms",
        key_median.as_secs_f64() / base_median.as_secs_f64().max(1e-9),
        key_p95.as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo test --benches` runs this with --bench absent; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        run(20_000, "smoke (20 KB)", Problems::Few, 20);
        return;
    }
    run(1 << 20, "1 MB", Problems::Few, KEYSTROKES);
    run(10 << 20, "10 MB", Problems::Few, KEYSTROKES);
    run(
        1 << 20,
        "1 MB, a warning every 3 tasks",
        Problems::Many,
        100,
    );
    run(
        10 << 20,
        "10 MB, a warning every 3 tasks",
        Problems::Many,
        20,
    );
}
