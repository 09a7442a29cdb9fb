//! The one LSP extension: the `tickmark/stats` request.
//!
//! Request `tickmark/stats` with params `{ "uri": "file:///…/ROADMAP.md" }` (an open
//! document). The result is the SPEC §3 object built by `stats_json::to_json`:
//! `{ total, done, open, inProgress, deferred, cancelled, percent, bySection, byPriority }`.
//! A document that is not open is an `InvalidParams` error.
//!
//! Without a `uri` (params `{}`) it answers for the whole workspace index:
//! `{ files: [{ uri, path, total, done, open, inProgress, deferred, cancelled, percent }],
//! total: { files, total, done, open, inProgress, deferred, cancelled, percent } }`, files by
//! path, open documents as last opened or saved.

use serde::Deserialize;
use tower_lsp::lsp_types::Url;

/// The method name.
pub const STATS_METHOD: &str = "tickmark/stats";

/// Params of `tickmark/stats`.
#[derive(Debug, Clone, Deserialize)]
pub struct StatsParams {
    /// `None`: the whole workspace.
    #[serde(default)]
    pub uri: Option<Url>,
}
