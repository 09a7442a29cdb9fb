//! Item history in the server: the cache is warmed off the request path (`spawn_blocking`)
//! when a roadmap opens or is saved, and when a hover finds it missing or behind HEAD; hover
//! and `stale-date` only read what the cache already holds.

use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Builds or catches up the history of `path` on the blocking pool; returns at once.
fn warm_in_background(cache: &Arc<HistoryCache>, path: PathBuf) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let cache = Arc::clone(cache);
    runtime.spawn_blocking(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.warm(&path)));
        if outcome.is_err() {
            tracing::error!(
                "history of {}: internal error while reading git",
                path.display()
            );
            cache.forget(&path);
        }
    });
}

impl Backend {
    /// Starts reading the history of a file the editor opened or saved.
    pub fn warm_history(&self, uri: &Url) {
        if let Some(path) = file_path(uri) {
            warm_in_background(&self.shared.history, path);
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
                if stale {
                    warm_in_background(&self.shared.history, path);
                }
                Some(markdown)
            }
            HoverHistory::Loading => {
                warm_in_background(&self.shared.history, path);
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
