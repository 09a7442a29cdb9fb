//! The real binary over stdio framing: `tickmark lsp` starts, answers, and exits 0 after
//! shutdown and exit.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn send(stdin: &mut impl Write, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn receive(stdout: &mut impl BufRead) -> Value {
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        assert!(
            stdout.read_line(&mut header).unwrap() > 0,
            "server closed stdout"
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
    stdout.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// `tickmark` with `args`, and its standard input and output.
fn spawn(args: &[&str]) -> (Child, ChildStdin, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdin, stdout)
}

#[test]
fn the_binary_speaks_lsp_over_stdio() {
    let (mut child, mut stdin, mut stdout) = spawn(&["lsp", "--stdio"]);

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"capabilities": {"general": {"positionEncodings": ["utf-8"]}}}}),
    );
    let reply = receive(&mut stdout);
    assert_eq!(reply["result"]["capabilities"]["positionEncoding"], "utf-8");
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": "file:///tmp/ROADMAP.md", "languageId": "markdown", "version": 7,
                         "text": "- [] 🔴 a\n"}}}),
    );
    let published = receive(&mut stdout);
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    assert_eq!(published["params"]["version"], 7);
    assert_eq!(
        published["params"]["diagnostics"][0]["code"],
        "malformed-checkbox"
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    assert_eq!(receive(&mut stdout)["id"], 2);
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));

    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

/// The requests the framing guard hands to the server to be answered directly (past
/// tower-lsp's `Value` tree) get the same answers as through tower-lsp in process.
#[tokio::test]
async fn direct_answers_equal_the_ones_through_tower_lsp() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/ROADMAP.md"))
        .unwrap();
    let uri = "file:///tmp/tickmark-direct/ROADMAP.md";
    let lines = text.lines().count() as u32;
    let doc = json!({ "uri": uri });
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": lines, "character": 0 } });
    let problem_line = text.lines().position(|l| l.contains("- []")).unwrap() as u32;
    let cursor = json!({ "start": { "line": problem_line, "character": 3 }, "end": { "line": problem_line, "character": 3 } });
    let requests = [
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        ),
        ("textDocument/foldingRange", json!({ "textDocument": doc })),
        ("textDocument/codeLens", json!({ "textDocument": doc })),
        (
            "textDocument/inlayHint",
            json!({ "textDocument": doc, "range": whole }),
        ),
        ("textDocument/diagnostic", json!({ "textDocument": doc })),
        (
            "textDocument/codeAction",
            json!({ "textDocument": doc, "range": cursor, "context": { "diagnostics": [] } }),
        ),
        ("textDocument/documentLink", json!({ "textDocument": doc })),
        // Asked again on the same version: written from the answer kept with it.
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        ),
        ("textDocument/foldingRange", json!({ "textDocument": doc })),
        // Not open: the same error both ways.
        (
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": "file:///tmp/other.md" } }),
        ),
        // A new task typed under the second area: the outline and the diagnostics are
        // written again from what the last answers kept of the other shards.
        (
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{
                "range": { "start": { "line": problem_line, "character": 0 }, "end": { "line": problem_line, "character": 0 } },
                "text": "- [x] [P1] Typed in\n  - [ ] left open\n" }] }),
        ),
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        ),
        ("textDocument/diagnostic", json!({ "textDocument": doc })),
    ];

    let (mut child, mut stdin, mut stdout) = spawn(&["lsp"]);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"capabilities": {"workspace": {}, "textDocument": {"diagnostic": {}}}}}),
    );
    assert_eq!(receive(&mut stdout)["id"], 0);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}),
    );
    let mut over_stdio = Vec::new();
    for (id, (method, params)) in requests.iter().enumerate() {
        if *method == "textDocument/didChange" {
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "method": method, "params": params}),
            );
            over_stdio.push(Value::Null);
            continue;
        }
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "id": id + 1, "method": method, "params": params}),
        );
        let reply = loop {
            let message = receive(&mut stdout);
            if message["id"] == id + 1 && message.get("method").is_none() {
                break message;
            }
        };
        over_stdio.push(reply);
    }
    let _ = child.kill();
    let _ = child.wait();

    let mut server = crate::support::TestServer::builder()
        .pull_diagnostics()
        .start()
        .await;
    server.open(&uri.parse().unwrap(), &text).await;
    for ((method, params), stdio) in requests.iter().zip(over_stdio) {
        if *method == "textDocument/didChange" {
            server
                .notify::<tower_lsp::lsp_types::notification::DidChangeTextDocument>(
                    serde_json::from_value(params.clone()).unwrap(),
                )
                .await;
            continue;
        }
        let (_, in_process) = server
            .raw_request(method, params.clone())
            .await
            .into_parts();
        match in_process {
            Ok(mut result) => {
                assert!(!result.is_null(), "{method}: no answer");
                let mut over_stdio = stdio;
                // Result ids are unique in a process: the two servers give different ones.
                for answer in [&mut result, &mut over_stdio["result"]] {
                    if let Some(fields) = answer.as_object_mut() {
                        assert_eq!(
                            fields.remove("resultId").is_some(),
                            method.ends_with("diagnostic")
                        );
                    }
                }
                assert_eq!(over_stdio["result"], result, "{method}");
            }
            Err(error) => {
                assert_eq!(stdio["error"]["code"], json!(error.code), "{method}");
                assert_eq!(stdio["error"]["message"], json!(error.message), "{method}");
            }
        }
    }
}

/// Messages until the response to request `id`, which is returned; the others are kept.
fn until_response(stdout: &mut impl BufRead, id: u64, others: &mut Vec<Value>) -> Value {
    loop {
        let message = receive(stdout);
        if message["id"] == id && message.get("method").is_none() {
            return message;
        }
        others.push(message);
    }
}

/// The start-up scan waits for the client to accept its progress token, and requests are
/// answered meanwhile; cancelled before it read anything, it ends at once and reads nothing.
#[test]
fn requests_are_answered_while_the_scan_waits_and_a_cancelled_scan_stops() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["ROADMAP.md", "TODO.md", "docs/BACKLOG.md"] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "- [ ] Ship it\n").unwrap();
    }
    let folder = url_of(dir.path());
    let (mut child, mut stdin, mut stdout) = spawn(&["lsp", "--stdio"]);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {"window": {"workDoneProgress": true}},
            "workspaceFolders": [{"uri": folder, "name": "root"}]}}),
    );
    assert_eq!(receive(&mut stdout)["id"], 1);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let create = receive(&mut stdout);
    assert_eq!(create["method"], "window/workDoneProgress/create");
    let token = create["params"]["token"].clone();
    let symbols = json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol",
                         "params": {"query": ""}});
    send(&mut stdin, &symbols);
    let mut others = Vec::new();
    let answer = until_response(&mut stdout, 2, &mut others);
    assert_eq!(answer["result"], json!([]));
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "window/workDoneProgress/cancel",
                "params": {"token": token}}),
    );
    // A round trip, so the cancel has been handled before the token is accepted.
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "workspace/symbol", "params": {"query": ""}}),
    );
    until_response(&mut stdout, 3, &mut others);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": create["id"], "result": null}),
    );
    let end = loop {
        let message = receive(&mut stdout);
        assert_eq!(message["method"], "$/progress", "{message}");
        if message["params"]["value"]["kind"] == "end" {
            break message;
        }
    };
    assert_eq!(
        end["params"]["value"]["message"],
        "cancelled after 0 roadmaps"
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 4, "method": "workspace/symbol", "params": {"query": ""}}),
    );
    assert_eq!(
        until_response(&mut stdout, 4, &mut others)["result"],
        json!([])
    );
    assert!(others.is_empty(), "{others:?}");
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}),
    );
    assert_eq!(receive(&mut stdout)["id"], 5);
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
}

fn url_of(path: &std::path::Path) -> String {
    tower_lsp::lsp_types::Url::from_directory_path(path)
        .unwrap()
        .to_string()
}
