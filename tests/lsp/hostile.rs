//! A hostile client against the real binary over stdio: broken framing, requests it must
//! answer, cancellations, a client that stops reading, one that answers late or dies, and
//! documents that are slow to analyse. The server answers, stays bounded and exits when its
//! client is gone.

use std::fmt::Write;
use std::time::Duration;

use serde_json::{json, Value};

use crate::wire::{frame, last_published, position, Client, Edits, Rng};

/// A roadmap of `items` tasks with a subtask each.
pub fn roadmap(items: usize) -> String {
    let mut text = String::from("# Roadmap\n\n## Now\n\n");
    for i in 0..items {
        let _ = writeln!(text, "- [ ] task {i} [P1]\n  - [x] part of {i}");
    }
    text
}

fn shutdown_and_exit(client: &mut Client) {
    let id = client.request("shutdown", Value::Null);
    assert!(client.response(id)["error"].is_null());
    client.notify("exit", Value::Null);
    let status = client
        .exit_status(Duration::from_secs(20))
        .expect("the server exits after exit");
    assert!(status.success(), "{status:?}");
}

fn errors(messages: &[Value]) -> Vec<(i64, String)> {
    messages
        .iter()
        .filter(|m| m.get("error").is_some())
        .map(|m| {
            (
                m["error"]["code"].as_i64().unwrap(),
                m["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_content_length_of_a_terabyte_is_refused_and_the_session_goes_on() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.send_raw(b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":\"2.0\"");
    let id = client.take_id();
    let initialize = json!({"jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {"capabilities": {}}});
    client.send(&initialize);
    let seen = client.until_response(id);
    let errors = errors(&seen);
    assert_eq!(errors.len(), 1, "{seen:?}");
    assert_eq!(errors[0].0, -32700);
    assert!(
        errors[0].1.contains("1000000000000 bytes"),
        "{}",
        errors[0].1
    );
    assert!(seen.last().unwrap()["result"]["capabilities"].is_object());
    client.notify("initialized", json!({}));
    shutdown_and_exit(&mut client);
}

#[test]
fn framing_errors_are_answered_and_reading_starts_again() {
    let mut client = Client::start(&[], Edits::Ignore);
    // A header that is not UTF-8, then a well-framed initialize.
    let id = client.take_id();
    let initialize = json!({"jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {"capabilities": {}}})
    .to_string();
    let mut bytes = b"X-Editor: caf\xe9\r\n".to_vec();
    bytes.extend(frame(&initialize));
    client.send_raw(&bytes);
    assert!(client.response(id)["result"]["capabilities"].is_object());
    client.notify("initialized", json!({}));
    // A header without a length, then (skipped on the way to the next Content-Length) a
    // line of 100 KB, then a length that is no number.
    client.send_raw(b"Content-Type: application/json\r\n\r\n");
    client.send_raw(&vec![b'x'; 100_000]);
    client.send_raw(b"\r\n\r\n");
    client.send_raw(b"Content-Length: twelve\r\n\r\n{}");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.md"}, "position": {"line": 0, "character": 0}}),
    );
    let seen = client.until_response(hover);
    let codes: Vec<_> = errors(&seen).into_iter().map(|(code, _)| code).collect();
    // Two framing errors, then the hover's own (the document is not open).
    assert_eq!(codes, [-32700, -32700, -32602], "{seen:?}");
    shutdown_and_exit(&mut client);
}

#[test]
fn a_request_named_with_a_dollar_is_method_not_found() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    client.notify("$/setTrace", json!({"value": "off"}));
    let id = client.request("$/tickmark/unknown", json!({}));
    let reply = client.response(id);
    assert_eq!(reply["error"]["code"], -32601, "{reply}");
    shutdown_and_exit(&mut client);
}

#[test]
fn requests_cancelled_before_they_are_reached_are_answered_cancelled() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-cancel/ROADMAP.md";
    let text = roadmap(6_000);
    client.open(uri, 1, &text);
    let whole =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 20_000, "character": 0}});
    // Enough slow requests ahead to keep every handler slot and tower-lsp's queue busy.
    let mut batch = Vec::new();
    let mut ahead = Vec::new();
    let mut cancelled = Vec::new();
    let request = |client: &mut Client, batch: &mut Vec<u8>, method: &str, params: Value| {
        let id = client.take_id();
        batch.extend(frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
        ));
        id
    };
    for _ in 0..200 {
        let id = request(
            &mut client,
            &mut batch,
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": whole}),
        );
        ahead.push(id);
    }
    for i in 0..20 {
        let (method, params) = if i % 2 == 0 {
            (
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": uri}, "range": whole}),
            )
        } else {
            (
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 3}}),
            )
        };
        cancelled.push(request(&mut client, &mut batch, method, params));
    }
    for id in &cancelled {
        batch.extend(frame(
            &json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}})
                .to_string(),
        ));
    }
    client.send_raw(&batch);
    let mut answers = std::collections::HashMap::new();
    while answers.len() < ahead.len() + cancelled.len() {
        let message = client.next().expect("the server's output ended");
        if message.get("method").is_none() {
            let id = message["id"].as_i64().unwrap();
            assert!(
                answers.insert(id, message).is_none(),
                "answered twice: {id}"
            );
        }
    }
    for id in &ahead {
        assert!(answers[id]["result"].is_array(), "{}", answers[id]);
    }
    for id in &cancelled {
        assert_eq!(answers[id]["error"]["code"], -32800, "{}", answers[id]);
    }
    shutdown_and_exit(&mut client);
}

#[test]
fn a_client_that_stops_reading_does_not_grow_the_server() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-unread/ROADMAP.md";
    let text = roadmap(2_000);
    client.open(uri, 1, &text);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let answer = client.response(symbols);
    let answer_size = answer["bytes"].as_u64().expect("a large answer") as usize;
    std::thread::sleep(Duration::from_millis(500));
    let before = client.rss_kib();

    client.pause();
    let writer = client.writer();
    let requests: i32 = 400;
    let first_id = 100_000;
    let last_version = 1 + requests / 20;
    let sending = std::thread::spawn(move || {
        for i in 0..requests {
            // A keystroke (a publish) now and then, and an outline request (a large
            // answer) each time.
            if i % 20 == 0 {
                let at = json!({"line": 4, "character": 2});
                writer.send(
                    &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": 2 + i / 20},
                    "contentChanges": [{"range": {"start": at, "end": at}, "text": "x"}]}}),
                );
            }
            writer.send(&json!({"jsonrpc": "2.0", "id": first_id + i, "method": "textDocument/documentSymbol",
                "params": {"textDocument": {"uri": uri}}}));
        }
    });
    // What the server holds while its client does not read, once it has stopped reading
    // too (the answers under way are computed by then).
    let mut peak = before;
    for _ in 0..60 {
        std::thread::sleep(Duration::from_millis(100));
        peak = peak.max(client.rss_kib());
    }
    client.resume();
    let mut answered = 0;
    let mut published = Vec::new();
    while answered < requests {
        let message = client.next().expect("the server's output ended");
        if message.get("method").is_none() {
            assert!(message["result"].is_array(), "{message}");
            answered += 1;
        } else {
            published.push(message);
        }
    }
    sending.join().unwrap();
    // The last publish is of the last version.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    published.extend(client.until_response(id));
    let published = client.until_published(published, uri, i64::from(last_version));
    assert_eq!(last_published(&published)[uri].0, json!(last_version));
    let queued_unbounded = (answer_size as u64 * u64::from(requests.unsigned_abs())) / 1024;
    let grown = peak.saturating_sub(before);
    eprintln!(
        "unread output: grew {grown} KiB from {before} KiB; {requests} answers of {answer_size} bytes would take {queued_unbounded} KiB"
    );
    assert!(
        grown < 250 * 1024 && grown < queued_unbounded / 2,
        "grew {grown} KiB while the client did not read ({requests} answers of {answer_size} bytes)"
    );
    shutdown_and_exit(&mut client);
}

#[test]
fn the_server_exits_when_its_client_process_dies() {
    let mut editor = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), Some(editor.id()));
    let id = client.request("shutdown", Value::Null);
    client.response(id);
    // Still there while the editor is.
    assert!(client.exit_status(Duration::from_millis(600)).is_none());
    editor.kill().unwrap();
    editor.wait().unwrap();
    let status = client
        .exit_status(Duration::from_secs(10))
        .expect("the server exits once its client is gone");
    // It had been shut down: a clean exit.
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_server_exits_when_its_input_closes_with_a_toggle_unanswered() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-gone/ROADMAP.md";
    client.open(uri, 1, "- [ ] a\n- [ ] b\n");
    let id = client.request(
        "workspace/executeCommand",
        json!({"command": "tickmark.toggleTask", "arguments": [{"uri": uri, "line": 0}]}),
    );
    assert_eq!(client.response(id)["result"], json!({"edits": 1}));
    client.close_input();
    let status = client
        .exit_status(Duration::from_secs(10))
        .expect("the server exits once its input is closed");
    assert_eq!(status.code(), Some(1), "no shutdown came");
}

#[test]
fn toggles_answered_late_by_the_client_hold_nothing() {
    let mut client = Client::start(&[], Edits::RejectAfter(Duration::from_secs(1)));
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-late/ROADMAP.md";
    client.open(uri, 1, &roadmap(100));
    let mut batch = Vec::new();
    let mut ids = Vec::new();
    for i in 0..80 {
        let id = client.take_id();
        ids.push(id);
        batch.extend(frame(&json!({"jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand",
            "params": {"command": "tickmark.toggleTask", "arguments": [{"uri": uri, "line": 4 + 2 * i}]}}).to_string()));
    }
    for _ in 0..200 {
        let id = client.take_id();
        ids.push(id);
        batch.extend(frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 4}}})
            .to_string(),
        ));
    }
    client.send_raw(&batch);
    let mut answered = std::collections::HashSet::new();
    while answered.len() < ids.len() {
        let message = client.next().expect("the server's output ended");
        if message.get("method").is_none() {
            assert!(message.get("error").is_none(), "{message}");
            answered.insert(message["id"].as_i64().unwrap());
        }
    }
    // Every toggle asked the client to apply its edit.
    let asked = client
        .server_requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "workspace/applyEdit")
        .count();
    assert_eq!(asked, 80);
    shutdown_and_exit(&mut client);
}

#[test]
fn a_slow_document_holds_up_no_other_request() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    let small = "file:///tmp/tickmark-slow/TODO.md";
    let big = "file:///tmp/tickmark-slow/ROADMAP.md";
    client.open(small, 1, "- [ ] a\n");
    client.open(big, 1, &roadmap(80_000));
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": small}, "position": {"line": 0, "character": 0}}),
    );
    let shutdown = client.request("shutdown", Value::Null);
    let mut seen = client.until_response(shutdown);
    while !seen.iter().any(|m| m["id"] == hover) {
        seen.push(client.next().expect("the hover is answered"));
    }
    assert!(
        !seen.iter().any(|m| m["params"]["uri"] == big),
        "the big document's diagnostics came before the answers"
    );
    client.notify("exit", Value::Null);
    assert!(client.exit_status(Duration::from_secs(20)).is_some());
}

#[test]
fn a_panicking_engine_call_is_answered_and_the_server_goes_on() {
    let mut client = Client::start(&[("TICKMARK_TEST_PANIC", "hover")], Edits::Ignore);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-panic/ROADMAP.md";
    client.open(uri, 1, "- [] a\n");
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}});
    for _ in 0..3 {
        let id = client.request("textDocument/hover", at.clone());
        let reply = client.response(id);
        assert_eq!(reply["error"]["code"], -32603, "{reply}");
    }
    let id = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.response(id)["result"][0]["name"], "a");
    shutdown_and_exit(&mut client);
}

/// Edits through a panicking incremental analysis land all the same: the diagnostics of the
/// final text are those of a server that never panicked.
#[test]
fn a_panic_on_the_edit_path_leaves_the_text_intact() {
    let mut client = Client::start(
        &[("TICKMARK_TEST_PANIC", "incremental edit")],
        Edits::Ignore,
    );
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-panic-edit/ROADMAP.md";
    let mut text = roadmap(20);
    client.open(uri, 1, &text);
    let mut rng = Rng(7);
    for version in 2..60 {
        let (start, end, insert) = random_edit(&mut rng, &text);
        send_change(&client, uri, version, &text, start, end, insert);
        text.replace_range(start..end, insert);
    }
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    let seen = client.until_published(client.until_response(id), uri, 59);
    let last = last_published(&seen);
    assert_eq!(last[uri].0, json!(59));
    assert_eq!(last[uri].1, fresh_diagnostics(&[(uri, &text)])[uri]);
    shutdown_and_exit(&mut client);
}

/// A 1 MB line in UTF-16: many edits, then answers about the final text.
#[test]
fn a_megabyte_line_edited_in_utf16_stays_in_step() {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/tickmark-long-line/ROADMAP.md";
    let mut text = String::from("- [ ] ");
    while text.len() < 1 << 20 {
        text.push_str("word é 😀 中文 ");
    }
    text.push('\n');
    client.open(uri, 1, &text);
    let mut rng = Rng(11);
    for version in 2..100 {
        let (start, end, insert) = random_edit(&mut rng, &text);
        send_change(&client, uri, version, &text, start, end, insert);
        text.replace_range(start..end, insert);
    }
    let at = position(&text, text.len() - 1);
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );
    let seen = client.until_response(id);
    assert!(seen.last().unwrap().get("error").is_none());
    let seen = client.until_published(seen, uri, 99);
    let last = last_published(&seen);
    assert_eq!(last[uri].0, json!(99));
    assert_eq!(last[uri].1, fresh_diagnostics(&[(uri, &text)])[uri]);
    shutdown_and_exit(&mut client);
}

/// A random edit of `text`: byte range (on character boundaries) and the text put there.
pub fn random_edit(rng: &mut Rng, text: &str) -> (usize, usize, &'static str) {
    const INSERTS: &[&str] = &[
        "",
        "x",
        "é",
        "😀",
        "\n",
        "- [ ] new task [P2]\n",
        "\n## Section\n",
        "  - [x] sub\n",
        "[P0]",
        "- [] ",
        "**Owner:** me\n",
        "中文",
        " ",
        "\n\n",
    ];
    let mut start = rng.below(text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + rng.below(8)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (start, end, INSERTS[rng.below(INSERTS.len())])
}

/// Sends the edit of `text` (before it) replacing `start..end` with `insert`.
pub fn send_change(
    client: &Client,
    uri: &str,
    version: i32,
    text: &str,
    start: usize,
    end: usize,
    insert: &str,
) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": position(text, start), "end": position(text, end)}, "text": insert}]}),
    );
}

/// The diagnostics a fresh server publishes for each of `docs` (uri, text).
pub fn fresh_diagnostics(docs: &[(&str, &str)]) -> std::collections::HashMap<String, Value> {
    let mut client = Client::start(&[], Edits::Ignore);
    client.initialize(json!({}), None);
    for (uri, text) in docs {
        client.open(uri, 1, text);
    }
    let id = client.request("shutdown", Value::Null);
    let mut seen = client.until_response(id);
    // Publishes of documents opened last may follow the answer.
    while last_published(&seen).len() < docs.len() {
        seen.push(client.next().expect("every document is published"));
    }
    last_published(&seen)
        .into_iter()
        .map(|(uri, (_, diagnostics))| (uri, diagnostics))
        .collect()
}
