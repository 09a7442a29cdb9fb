//! Bad input: an error response or a logged warning, never a panic, exit or hang, and the
//! next request still works.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tower_lsp::jsonrpc::{ErrorCode, Request};
use tower_lsp::lsp_types::notification::{self as note, Notification};
use tower_lsp::lsp_types::*;

use crate::support::{pos, range, uri, TestServer};

async fn still_works(server: &mut TestServer) {
    let doc = uri("alive.md");
    assert_eq!(server.open(&doc, "- [] a\n").await.len(), 1);
    assert!(server.hover(&doc, pos(0, 0)).await.is_some());
}

#[tokio::test]
async fn unknown_methods_are_method_not_found() {
    let mut server = TestServer::new().await;
    let response = server.raw_request("tickmark/noSuchThing", json!({})).await;
    let error = response.into_parts().1.unwrap_err();
    assert_eq!(error.code, ErrorCode::MethodNotFound);
    // Unknown notifications are ignored.
    server
        .call(Request::build("tickmark/noSuchNotification").finish())
        .await;
    still_works(&mut server).await;
}

#[tokio::test]
async fn positions_past_the_end_are_clamped() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, "- [ ] a\r\n- [x] b").await;
    assert!(server.hover(&doc, pos(99, 99)).await.is_some());
    assert!(server.hover(&doc, pos(0, 999)).await.is_some());
    let actions = server.code_actions(&doc, range(0, 999, 999, 0)).await;
    assert!(actions.iter().any(|a| a.title == "Check items"));
    server
        .change(
            &doc,
            &[
                (range(0, 999, 0, 999), "!"),
                (range(50, 0, 60, 0), "\n- [ ] c"),
            ],
        )
        .await;
    assert_eq!(server.text(&doc), "- [ ] a!\r\n- [x] b\n- [ ] c");
}

#[tokio::test]
async fn change_for_an_unopened_document_is_ignored() {
    let mut server = TestServer::new().await;
    server
        .notify::<note::DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(uri("never.md"), 3),
            content_changes: vec![TextDocumentContentChangeEvent {
                range: Some(range(0, 0, 0, 0)),
                range_length: None,
                text: "x".to_owned(),
            }],
        })
        .await;
    server.assert_no_messages();
    let error = server
        .request_error::<tower_lsp::lsp_types::request::HoverRequest>(HoverParams {
            text_document_position_params: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(uri("never.md")),
                pos(0, 0),
            ),
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await;
    assert_eq!(error.code, ErrorCode::InvalidParams);
    still_works(&mut server).await;
}

#[tokio::test]
async fn a_version_going_backwards_is_applied_with_a_warning() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, "- [ ] a\n").await;
    server.change(&doc, &[(range(0, 7, 0, 7), "b")]).await;
    server
        .notify::<note::DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(doc.clone(), 1),
            content_changes: vec![TextDocumentContentChangeEvent {
                range: Some(range(0, 8, 0, 8)),
                range_length: None,
                text: "c".to_owned(),
            }],
        })
        .await;
    let published = server.expect_diagnostics().await;
    assert_eq!(published.version, Some(1));
    assert_eq!(server.text(&doc), "- [ ] abc\n");
}

#[tokio::test]
async fn a_20_mb_document_is_skipped_with_a_warning() {
    let mut server = TestServer::new().await;
    let doc = uri("HUGE_TODO.md");
    let line = "- [ ] a task that repeats [P1]\n";
    let text = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    assert!(server.open(&doc, &text).await.is_empty());
    let end = (text.len() / line.len()) as u32;
    server
        .change(&doc, &[(range(end, 0, end, 0), "- [] x\n")])
        .await;
    still_works(&mut server).await;
}

#[test]
fn a_panicking_engine_call_is_an_internal_error() {
    let error = tickmark::server::guarded("test", || -> u8 { panic!("boom") }).unwrap_err();
    assert_eq!(error.code, ErrorCode::InternalError);
    assert!(error.message.contains("boom"));
}

/// Writes one framed message.
async fn send(writer: &mut (impl AsyncWriteExt + Unpin), body: &str) {
    let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    writer.write_all(framed.as_bytes()).await.unwrap();
}

/// Reads one framed message.
async fn receive(reader: &mut BufReader<impl AsyncReadExt + Unpin>) -> Value {
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(n) = header.strip_prefix("Content-Length: ") {
            length = n.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn malformed_json_rpc_gets_an_error_and_the_session_goes_on() {
    let (service, socket) = tickmark::server::service();
    let wire = std::sync::Arc::clone(&service.inner().wire);
    let (client_side, server_side) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_side);
    let serve = tokio::spawn(tickmark::server::serve_guarded(
        server_read,
        tickmark::server::framing::Output::Stream(server_write),
        socket,
        service,
        wire,
    ));
    let (client_read, mut client_write) = tokio::io::split(client_side);
    let mut reader = BufReader::new(client_read);

    send(&mut client_write, "{ this is not json").await;
    let reply = receive(&mut reader).await;
    assert_eq!(reply["error"]["code"], -32700, "{reply}");

    send(&mut client_write, r#"{"id":9,"method":[]}"#).await;
    let reply = receive(&mut reader).await;
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    assert_eq!(reply["id"], 9);

    client_write
        .write_all(b"X-Nonsense: 1\r\n\r\n")
        .await
        .unwrap();
    let reply = receive(&mut reader).await;
    assert_eq!(reply["error"]["code"], -32700, "{reply}");

    send(
        &mut client_write,
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
    )
    .await;
    let reply = receive(&mut reader).await;
    assert_eq!(reply["id"], 1);
    assert!(reply["result"]["capabilities"].is_object(), "{reply}");

    send(&mut client_write, r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.md"},"position":{"line":"zero"}}}"#).await;
    let reply = receive(&mut reader).await;
    assert_eq!(reply["id"], 2);
    assert_eq!(reply["error"]["code"], -32602, "{reply}");

    send(
        &mut client_write,
        &json!({"jsonrpc":"2.0","method": note::Initialized::METHOD, "params": {}}).to_string(),
    )
    .await;
    // Diagnostics come straight from the server's own line to the output, in full.
    let open = json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":
        {"uri":"file:///w/TODO.md","languageId":"markdown","version":1,"text":"- [] x\n"}}});
    send(&mut client_write, &open.to_string()).await;
    let published = loop {
        let message = receive(&mut reader).await;
        if message["method"] == "textDocument/publishDiagnostics" {
            break message;
        }
    };
    assert_eq!(published["jsonrpc"], "2.0");
    assert_eq!(published["params"]["uri"], "file:///w/TODO.md");
    assert_eq!(published["params"]["version"], 1);
    let diagnostic = &published["params"]["diagnostics"][0];
    assert_eq!(diagnostic["code"], "malformed-checkbox", "{published}");
    assert_eq!(diagnostic["source"], "tickmark");
    assert_eq!(
        diagnostic["range"],
        json!({"start":{"line":0,"character":2},"end":{"line":0,"character":4}})
    );
    assert_eq!(diagnostic["data"]["fixes"][0]["edits"][0]["newText"], " ");
    send(
        &mut client_write,
        r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#,
    )
    .await;
    let reply = receive(&mut reader).await;
    assert_eq!(reply["id"], 3);
    // Closing the write half is end of input for the server (dropping one half of a
    // `split` stream closes nothing while the other half lives).
    client_write.shutdown().await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), serve)
        .await
        .expect("the session ends when its input does")
        .unwrap();
}
