//! Item history in the server: the cache is warmed off the request path (`spawn_blocking`)
//! when a roadmap opens or is saved, and when a hover finds it missing or behind HEAD; hover
//! and `stale-date` only read what the cache already holds.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use tower_lsp::lsp_types::Url;

use crate::history::{HistoryCache, HoverHistory};
use crate::server::Backend;

/// What the hover says while the history is being read.
pub const LOADING: &str = "History: loading…";

/// The file behind `uri`, when it has a folder on disk (an `untitled:` buffer, or a path
/// whose folder does not exist, has no history to show).
fn file_path(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    let path = uri.to_file_path().ok()?;
    path.parent().is_some_and(Path::is_dir).then_some(path)
}

/// How long an open or save waits for the history build before it gives up re-checking
/// `stale-date` (the build goes on; hover still gets it): the wait holds one of the
/// server's concurrent handler slots, so it is kept short.
const RECHECK_WAIT: Duration = Duration::from_secs(2);

/// Builds or catches up the history of `path` on the blocking pool; returns at once, with
/// the task to await for its end.
fn warm_in_background(cache: &Arc<HistoryCache>, path: PathBuf) -> Option<JoinHandle<()>> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let cache = Arc::clone(cache);
    Some(runtime.spawn_blocking(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.warm(&path)));
        if outcome.is_err() {
            tracing::error!(
                "history of {}: internal error while reading git",
                path.display()
            );
            cache.forget(&path);
        }
    }))
}

/// A history build started by an open or a save, and the last-commit date known before it.
pub struct Warming {
    before: Option<jiff::civil::Date>,
    task: JoinHandle<()>,
}

impl Backend {
    /// Starts reading the history of a file the editor opened or saved.
    pub fn warm_history(&self, uri: &Url) -> Option<Warming> {
        let path = file_path(uri)?;
        let before = self.shared.history.last_commit(&path);
        let task = warm_in_background(&self.shared.history, path)?;
        Some(Warming { before, task })
    }

    /// Waits (briefly) for a build [`Self::warm_history`] started; when it made the file's
    /// last commit date known or moved it, and the document has a date field, its
    /// diagnostics are redone, since `stale-date` compares the two.
    pub async fn recheck_after_history(&self, uri: &Url, warming: Option<Warming>) {
        let Some(Warming { before, task }) = warming else {
            return;
        };
        if tokio::time::timeout(RECHECK_WAIT, task).await.is_err() {
            return;
        }
        if self.history_last_commit(uri) == before {
            return;
        }
        let dated = self
            .snapshot(uri)
            .is_ok_and(|s| !s.analysis.document.dates.is_empty());
        if dated {
            super::handlers::diagnostics::redo(self, std::slice::from_ref(uri)).await;
        }
    }

    /// Cancels history work for a closed file and drops what was cached for it.
    pub fn forget_history(&self, uri: &Url) {
        if let Some(path) = file_path(uri) {
            self.shared.history.forget(&path);
        }
    }

    /// The hover's history section for the task on `item_line` of `text`, from the cache.
    pub fn history_hover(&self, uri: &Url, item_line: usize, text: &str) -> Option<String> {
        let path = file_path(uri)?;
        let today = jiff::Zoned::now().date();
        match self.shared.history.hover(&path, text, item_line, today) {
            HoverHistory::Ready { markdown, stale } => {
                if stale && !self.shared.history.is_building(&path) {
                    warm_in_background(&self.shared.history, path);
                }
                Some(markdown)
            }
            HoverHistory::Loading => {
                // One build per file: a hover during it says loading and starts nothing.
                if !self.shared.history.is_building(&path) {
                    warm_in_background(&self.shared.history, path);
                }
                Some(LOADING.to_owned())
            }
            HoverHistory::Unavailable(reason) => Some(reason),
            HoverHistory::NoItem => None,
        }
    }

    /// The date of the file's last committed change, from the cache (`None` until built).
    pub fn history_last_commit(&self, uri: &Url) -> Option<jiff::civil::Date> {
        file_path(uri).and_then(|path| self.shared.history.last_commit(&path))
    }
}
