//! `workspace/executeCommand` `tickmark.toggleTask` with `{ "uri", "line" }` (0-based) or
//! `{ "uri", "range" }`: the edits go back through `workspace/applyEdit`, honouring the
//! `toggle.cascade` setting. The result is `{ "edits": n }` (the number of text edits sent),
//! or `null` when there was no task to toggle.
//!
//! The command never waits for the client's answer to `workspace/applyEdit`: a handler
//! waiting on the client holds a slot that the client's answer may need to get in (with a
//! few toggles waiting and the input queued behind them, the session would hang for good).
//! The edit is sent from a task of its own, and an edit the client did not apply is
//! logged.

use serde::Deserialize;
use serde_json::{json, Value};
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::{self as lsp, ExecuteCommandParams, Url};

use crate::analysis::actions;
use crate::server::capabilities::TOGGLE_TASK;
use crate::server::convert::{self, LineMap};
use crate::server::{guarded, Backend};

/// The arguments of `tickmark.toggleTask`.
#[derive(Debug, Deserialize)]
struct ToggleArgs {
    uri: Url,
    line: Option<u32>,
    range: Option<lsp::Range>,
}

pub async fn execute_command(
    backend: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    let edit = backend
        .blocking("toggle", move |backend| toggle_edit(backend, params))
        .await?;
    let Some((edit, count)) = edit else {
        return Ok(None);
    };
    let sender = backend.clone();
    tokio::spawn(async move {
        match sender.client.apply_edit(edit).await {
            Ok(response) if response.applied => {}
            Ok(response) => {
                let why = response
                    .failure_reason
                    .unwrap_or_else(|| "no reason given".to_owned());
                tracing::warn!("the client did not apply a toggle: {why}");
                sender
                    .client
                    .log_message(
                        lsp::MessageType::WARNING,
                        format!("tickmark: the toggle was not applied ({why})"),
                    )
                    .await;
            }
            Err(error) => tracing::warn!("workspace/applyEdit failed: {error}"),
        }
    });
    Ok(Some(json!({ "edits": count })))
}

/// The edit that toggles what the arguments name, and how many text edits it holds; `None`
/// when there is no task to toggle.
fn toggle_edit(
    backend: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<(lsp::WorkspaceEdit, usize)>> {
    if params.command != TOGGLE_TASK {
        return Err(Error::invalid_params(format!(
            "unknown command {}",
            params.command
        )));
    }
    let Some(first) = params.arguments.into_iter().next() else {
        return Err(Error::invalid_params(
            "tickmark.toggleTask takes { uri, line } or { uri, range }",
        ));
    };
    let args: ToggleArgs = serde_json::from_value(first)
        .map_err(|e| Error::invalid_params(format!("tickmark.toggleTask: {e}")))?;
    let snapshot = backend.snapshot(&args.uri)?;
    let features = backend.features();
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: features.encoding,
        line_base: 0,
    };
    let (first_line, last_line) = match (args.line, args.range) {
        (Some(line), _) => (line as usize, line as usize),
        (None, Some(range)) => {
            let r = map.text_range(range);
            let first = doc.line_index.line_of(r.start);
            let mut last = doc.line_index.line_of(r.end);
            if last > first && doc.line_index.line_start(last) == Some(r.end) {
                last -= 1;
            }
            (first, last)
        }
        (None, None) => {
            return Err(Error::invalid_params(
                "tickmark.toggleTask needs a line or a range",
            ))
        }
    };
    let cascade = backend.effective_for(&args.uri).cascade;
    let edits = guarded("toggle", || {
        let ids = actions::tasks_on_lines(doc, first_line, last_line);
        actions::toggle(text, doc, &ids, cascade)
    })?;
    if edits.is_empty() {
        return Ok(None);
    }
    let count = edits.len();
    let edit = convert::workspace_edit(
        &args.uri,
        snapshot.version,
        map.text_edits(&edits),
        features.versioned_edits,
    );
    Ok(Some((edit, count)))
}
