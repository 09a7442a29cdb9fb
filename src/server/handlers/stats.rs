//! The custom `tickmark/stats` request (see `ext`).

use serde_json::Value;
use tower_lsp::jsonrpc::Result;

use crate::analysis::stats;
use crate::server::ext::StatsParams;
use crate::server::{guarded, Backend};

#[allow(clippy::unused_async)] // Custom methods are registered as async fns.
pub async fn stats(backend: &Backend, params: StatsParams) -> Result<Value> {
    let Some(uri) = params.uri else {
        return guarded("workspace stats", || backend.workspace_stats());
    };
    let snapshot = backend.snapshot(&uri)?;
    guarded("stats", || {
        crate::stats_json::to_json(&stats::stats(&snapshot.text, &snapshot.analysis.document))
    })
}
