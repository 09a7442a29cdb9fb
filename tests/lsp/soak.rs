//! The soak: random edits across several open documents through the real binary, with
//! hovers, completions, code actions, outlines and toggles in between, and a client that
//! answers `workspace/applyEdit` late (and applies nothing). At the end the diagnostics of
//! every document equal a fresh server's on the final texts, every request was answered,
//! and the server's memory stayed bounded.
//!
//! `TICKMARK_SOAK_EDITS` sets the number of edits (5,000 by default; the full run is
//! 100,000).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::{json, Value};

use crate::hostile::{fresh_diagnostics, random_edit, roadmap, send_change};
use crate::wire::{position, Client, Edits, Rng};

/// Notes what `message` is: an answer (removed from `pending`; an error is kept in
/// `errors`) or a publish (its latest kept).
#[allow(clippy::needless_pass_by_value)] // Each message is taken as it comes.
fn take(
    message: Value,
    pending: &mut HashSet<i64>,
    published: &mut HashMap<String, (Value, Value)>,
    errors: &mut Vec<Value>,
) {
    if message.get("method").is_none() {
        if message.get("error").is_some() {
            errors.push(message["error"].clone());
        }
        pending.remove(&message["id"].as_i64().unwrap());
    } else if message["method"] == "textDocument/publishDiagnostics" {
        let params = &message["params"];
        published.insert(
            params["uri"].as_str().unwrap().to_owned(),
            (params["version"].clone(), params["diagnostics"].clone()),
        );
    }
}

/// The diagnostics in `list` that do not point at another file: another document enters
/// the workspace index as it was opened (or last saved), so the cross-file `duplicate-item`
/// of a fresh server, which opened the final texts, differs by design.
fn own(uri: &str, list: &Value) -> Vec<Value> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["relatedInformation"]
                .as_array()
                .is_none_or(|r| r.iter().all(|r| r["location"]["uri"] == uri))
        })
        .cloned()
        .collect()
}

#[test]
fn random_edits_and_requests_leave_the_server_right_and_bounded() {
    let edits: usize = std::env::var("TICKMARK_SOAK_EDITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let mut client = Client::start(&[], Edits::RejectAfter(Duration::from_millis(300)));
    client.initialize(json!({}), None);
    let uris: Vec<String> = (0..4)
        .map(|i| format!("file:///tmp/tickmark-soak/doc{i}/ROADMAP.md"))
        .collect();
    let mut texts: Vec<String> = (0..4).map(|i| roadmap(10 + 15 * i)).collect();
    let mut versions = vec![1; 4];
    for (uri, text) in uris.iter().zip(&texts) {
        client.open(uri, 1, text);
    }
    std::thread::sleep(Duration::from_millis(300));
    let rss_start = client.rss_kib();
    let mut rss_peak = rss_start;

    let mut rng = Rng(0x5eed_1234_abcd);
    let mut pending = HashSet::new();
    let mut published = HashMap::new();
    let mut errors = Vec::new();
    let mut requests = 0;
    for i in 0..edits {
        let d = rng.below(uris.len());
        let (start, end, insert) = random_edit(&mut rng, &texts[d]);
        versions[d] += 1;
        send_change(
            &client,
            &uris[d],
            versions[d],
            &texts[d],
            start,
            end,
            insert,
        );
        texts[d].replace_range(start..end, insert);
        if i % 5 == 0 {
            let text = &texts[d];
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let pos = position(text, at);
            let doc = json!({"uri": uris[d]});
            let (method, params) = match rng.below(5) {
                0 => (
                    "textDocument/hover",
                    json!({"textDocument": doc, "position": pos}),
                ),
                1 => (
                    "textDocument/completion",
                    json!({"textDocument": doc, "position": pos}),
                ),
                2 => (
                    "textDocument/codeAction",
                    json!({"textDocument": doc,
                    "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}),
                ),
                3 => (
                    "workspace/executeCommand",
                    json!({"command": "tickmark.toggleTask",
                    "arguments": [{"uri": uris[d], "line": pos["line"]}]}),
                ),
                _ => ("textDocument/documentSymbol", json!({"textDocument": doc})),
            };
            pending.insert(client.request(method, params));
            requests += 1;
        }
        while let Some(message) = client.try_next() {
            take(message, &mut pending, &mut published, &mut errors);
        }
        if i % 1_000 == 0 {
            rss_peak = rss_peak.max(client.rss_kib());
        }
    }
    while !pending.is_empty() {
        let message = client.next().expect("the server's output ended");
        take(message, &mut pending, &mut published, &mut errors);
    }
    // Publishes of the last edits may follow the last answer.
    while uris
        .iter()
        .zip(&versions)
        .any(|(uri, version)| published.get(uri).is_none_or(|(v, _)| *v != json!(version)))
    {
        let message = client.next().expect("the server's output ended");
        take(message, &mut pending, &mut published, &mut errors);
    }
    let rss_end = client.rss_kib();
    rss_peak = rss_peak.max(rss_end);

    let docs: Vec<(&str, &str)> = uris
        .iter()
        .map(String::as_str)
        .zip(texts.iter().map(String::as_str))
        .collect();
    let fresh = fresh_diagnostics(&docs);
    let mismatches = uris
        .iter()
        .filter(|uri| {
            let (soaked, fresh) = (own(uri, &published[*uri].1), own(uri, &fresh[*uri]));
            if soaked != fresh {
                eprintln!("{uri}: {soaked:?}\nfresh: {fresh:?}");
            }
            soaked != fresh
        })
        .count();
    eprintln!(
        "soak: {edits} edits, {requests} requests, {} error answers, {mismatches} mismatches, RSS {rss_start} KiB at start, {rss_end} KiB at the end, {rss_peak} KiB at most",
        errors.len()
    );
    assert_eq!(mismatches, 0);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        rss_peak < rss_start + 200 * 1024,
        "RSS grew from {rss_start} KiB to {rss_peak} KiB"
    );
    let id = client.request("shutdown", Value::Null);
    client.response(id);
}
