//! `workspace/executeCommand` `tickmark.toggleTask` with `{ "uri", "line" }` (0-based) or
//! `{ "uri", "range" }`: the edits go back through `workspace/applyEdit`, honouring the
//! `toggle.cascade` setting. The result is `{ "applied": bool }`, or `null` when there was
//! no task to toggle.

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
    let cascade = backend.effective().cascade;
    let edits = guarded("toggle", || {
        let ids = actions::tasks_on_lines(doc, first_line, last_line);
        actions::toggle(text, doc, &ids, cascade)
    })?;
    if edits.is_empty() {
        return Ok(None);
    }
    let edit = convert::workspace_edit(
        &args.uri,
        snapshot.version,
        map.text_edits(&edits),
        features.versioned_edits,
    );
    match backend.client.apply_edit(edit).await {
        Ok(response) => Ok(Some(json!({ "applied": response.applied }))),
        Err(error) => {
            tracing::warn!("workspace/applyEdit failed: {error}");
            Ok(Some(json!({ "applied": false })))
        }
    }
}
