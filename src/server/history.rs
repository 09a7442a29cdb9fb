//! Item history in the server: the cache is warmed off the request path (`spawn_blocking`)
//! when a roadmap opens or is saved, and when a hover finds it missing or behind HEAD; hover
//! and `stale-date` only read what the cache already holds.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use tower_lsp::lsp_types::Url;

use crate::analysis::stitch::Part;
use crate::analysis::{Code, Diagnostic};
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

/// A history build started by an open or a save, and the last-commit date and HEAD known
/// before it.
pub struct Warming {
    before: Option<jiff::civil::Date>,
    head: Option<String>,
    task: JoinHandle<()>,
}

impl Backend {
    /// Starts reading the history of a file the editor opened or saved.
    pub fn warm_history(&self, uri: &Url) -> Option<Warming> {
        let path = file_path(uri)?;
        let before = self.shared.history.last_commit(&path);
        let head = self.shared.history.head(&path);
        let task = warm_in_background(&self.shared.history, path)?;
        Some(Warming { before, head, task })
    }

    /// Waits (briefly) for a build [`Self::warm_history`] started; when it made the file's
    /// last commit date known or moved it, and the document has a date field, its
    /// diagnostics are redone, since `stale-date` compares the two. A build that read a
    /// new HEAD also redoes them when a rule only history tells is on. A build that takes
    /// longer than the wait is followed in the background, and the diagnostics redone when
    /// it ends.
    pub async fn recheck_after_history(&self, uri: &Url, warming: Option<Warming>) {
        let Some(Warming {
            before,
            head,
            mut task,
        }) = warming
        else {
            return;
        };
        if tokio::time::timeout(RECHECK_WAIT, &mut task).await.is_err() {
            let backend = self.clone();
            let uri = uri.clone();
            tokio::spawn(async move {
                if task.await.is_ok() && backend.documents.is_open(&uri) {
                    backend.redo_after_history(&uri, before, head).await;
                }
            });
            return;
        }
        self.redo_after_history(uri, before, head).await;
    }

    async fn redo_after_history(
        &self,
        uri: &Url,
        before: Option<jiff::civil::Date>,
        head: Option<String>,
    ) {
        let new_facts = self.history_head(uri) != head && self.history_diagnostics_ready(uri);
        let dated = || {
            self.history_last_commit(uri) != before
                && self
                    .snapshot(uri)
                    .is_ok_and(|s| !s.analysis.document.dates.is_empty())
        };
        if new_facts || dated() {
            super::handlers::diagnostics::redo(self, std::slice::from_ref(uri)).await;
        }
    }

    /// Starts a history build from a request (a hover) and, once it ends, redoes the
    /// diagnostics that depend on it, as an open or a save does.
    fn warm_and_recheck(&self, uri: &Url) {
        let warming = self.warm_history(uri);
        let backend = self.clone();
        let uri = uri.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { backend.recheck_after_history(&uri, warming).await });
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
                    self.warm_and_recheck(uri);
                }
                Some(markdown)
            }
            HoverHistory::Loading => {
                // One build per file: a hover during it says loading and starts nothing.
                if !self.shared.history.is_building(&path) {
                    self.warm_and_recheck(uri);
                }
                Some(LOADING.to_owned())
            }
            HoverHistory::Unavailable(reason) => Some(reason),
            HoverHistory::NoItem => None,
        }
    }

    /// Whether [`Self::history_diagnostics`] may find anything: the file's history is built
    /// and one of its rules is on (so that the text need not be put together otherwise).
    pub fn history_diagnostics_ready(&self, uri: &Url) -> bool {
        let settings = &self.effective_for(uri).settings;
        let on = settings.severity(Code::ReopenedItem).is_some()
            || settings.severity(Code::StaleOpen).is_some();
        on && file_path(uri).is_some_and(|path| self.shared.history.get(&path).is_some())
    }

    /// The diagnostics only history tells (`reopened-item`, `stale-open`) of `text`, the
    /// current text of `uri`, whose models `parts` gives when the text is new (the whole
    /// document, or its shards), from the cache; with the settings of the folder that holds
    /// `uri`.
    pub fn history_diagnostics<'p>(
        &self,
        uri: &Url,
        text: &str,
        parts: impl FnOnce() -> Vec<Part<'p>>,
    ) -> Arc<[Diagnostic]> {
        let Some(path) = file_path(uri) else {
            return Arc::from([]);
        };
        let today = jiff::Zoned::now().date();
        self.shared.history.diagnostics(
            &path,
            text,
            parts,
            &self.effective_for(uri).settings,
            today,
        )
    }

    /// The heading hover's history line for the section on `lines` (zero-based, end
    /// excluded) of `text`, from the cache; `None` until the file's history is built.
    pub fn section_history(
        &self,
        uri: &Url,
        text: &str,
        lines: std::ops::Range<usize>,
    ) -> Option<String> {
        let path = file_path(uri)?;
        let today = jiff::Zoned::now().date();
        self.shared.history.section_hover(&path, text, lines, today)
    }

    /// The HEAD the file's history was read at, once read.
    pub fn history_head(&self, uri: &Url) -> Option<String> {
        file_path(uri).and_then(|path| self.shared.history.head(&path))
    }

    /// The date of the file's last committed change, from the cache (`None` until built).
    pub fn history_last_commit(&self, uri: &Url) -> Option<jiff::civil::Date> {
        file_path(uri).and_then(|path| self.shared.history.last_commit(&path))
    }
}
