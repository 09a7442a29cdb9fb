//! The workspace index in the server: the items of every roadmap below the workspace folder,
//! behind `workspace/symbol` and the cross-file `duplicate-item`.
//!
//! The roadmaps on disk (the globs of `tickmark.toml`, honouring `.gitignore`) are read off
//! the request path when the session starts and again when the configuration changes. An
//! open document is indexed from the editor's text when it opens and each time it is saved,
//! and from disk again when it closes; keystrokes in between do not touch the index, so
//! another file sees an edit once it is saved. `workspace/symbol` always reads open
//! documents as they are now. Files are named by URI in the index and by their path below
//! the workspace folder in messages.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tower_lsp::lsp_types::Url;

use crate::analysis::index::{FileIndex, IndexedItem, WorkspaceIndex};
use crate::analysis::{self, BoxStates, Encoding};
use crate::config::Config;
use crate::server::documents::Snapshot;
use crate::server::{Backend, MAX_ANALYZED_BYTES};

/// The index, and a counter that grows whenever it changes (recorded in each analysis, so
/// pull-diagnostic result ids change with it).
#[derive(Debug, Default)]
pub struct WorkspaceState {
    index: RwLock<WorkspaceIndex>,
    generation: AtomicU64,
}

/// The keys whose items changed in one update of the index: another document's diagnostics
/// can only change if it has one of them.
pub type Delta = HashSet<String>;

impl WorkspaceState {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs `f` on the index under its read lock.
    pub fn with<T>(&self, f: impl FnOnce(&WorkspaceIndex) -> T) -> T {
        match self.index.read() {
            Ok(index) => f(&index),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// Applies `f` under the write lock; bumps the generation when it changed anything.
    ///
    /// An analysis reads the index for as long as it runs (seconds, for a large document):
    /// the lock is tried rather than waited for, so that neither the message loop blocks
    /// nor a waiting writer holds up the readers of other documents meanwhile.
    async fn change(&self, f: impl FnOnce(&mut WorkspaceIndex, &mut Delta)) -> Delta {
        let mut delta = Delta::new();
        let mut f = Some(f);
        loop {
            let busy = match self.index.try_write() {
                Ok(mut index) => {
                    if let Some(f) = f.take() {
                        f(&mut index, &mut delta);
                    }
                    false
                }
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    if let Some(f) = f.take() {
                        f(&mut poisoned.into_inner(), &mut delta);
                    }
                    false
                }
                Err(std::sync::TryLockError::WouldBlock) => true,
            };
            if !busy {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        if !delta.is_empty() {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        delta
    }
}

/// How messages name a file: its path below the workspace folder, else its file name.
fn label(root: Option<&Path>, path: &Path) -> String {
    root.and_then(|root| path.strip_prefix(root).ok())
        .unwrap_or_else(|| Path::new(path.file_name().unwrap_or(path.as_os_str())))
        .to_string_lossy()
        .replace('\\', "/")
}

fn uri_label(root: Option<&Path>, uri: &Url) -> String {
    match uri.to_file_path() {
        Ok(path) => label(root, &path),
        Err(()) => uri.to_string(),
    }
}

/// Reads and indexes one roadmap from disk; `None` when it is too large, unreadable or not
/// UTF-8 (the CLI and an opened document report those; the index just leaves them out).
fn index_file(path: &Path, states: &BoxStates, encoding: Encoding) -> Option<FileIndex> {
    let size = std::fs::metadata(path).ok()?.len();
    if usize::try_from(size).map_or(true, |size| size > MAX_ANALYZED_BYTES) {
        return None;
    }
    let text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
    let doc = analysis::parse::parse(&text, states);
    Some(FileIndex::new(&text, &doc, encoding))
}

/// Every roadmap below `root`, indexed. Runs on the blocking pool.
fn scan(
    root: &Path,
    config: &Config,
    states: &BoxStates,
    encoding: Encoding,
) -> Vec<(Url, String, FileIndex)> {
    let found = crate::workspace::find_roadmaps(root, config);
    for error in &found.errors {
        tracing::debug!("workspace index: {}", error.message);
    }
    found
        .files
        .iter()
        .filter_map(|path| {
            let absolute = std::path::absolute(path).ok()?;
            let uri = Url::from_file_path(&absolute).ok()?;
            let items = index_file(&absolute, states, encoding)?;
            Some((uri, label(Some(root), &absolute), items))
        })
        .collect()
}

impl Backend {
    fn root(&self) -> Option<PathBuf> {
        self.session.read().ok().and_then(|s| s.root.clone())
    }

    /// Reads every roadmap of the workspace folder into the index, off the request path,
    /// keeping what open documents contributed; then redoes the diagnostics of the open
    /// documents the change affects.
    pub async fn index_workspace(&self) {
        let Some(root) = self.root() else {
            return;
        };
        let effective = self.effective();
        let config = effective.config.clone();
        let states = effective.settings.states.clone();
        let encoding = self.features().encoding;
        let task =
            tokio::task::spawn_blocking(move || scan(&root, &config, &states, encoding)).await;
        let files = match task {
            Ok(files) => files,
            Err(error) => {
                self.log_error(format!("reading the workspace's roadmaps failed: {error}"))
                    .await;
                return;
            }
        };
        let delta = self
            .shared
            .workspace
            .change(|index, delta| {
                let found: HashSet<String> =
                    files.iter().map(|(uri, ..)| uri.to_string()).collect();
                let gone: Vec<String> = index
                    .files()
                    .map(|(name, _)| name.to_owned())
                    .filter(|name| !found.contains(name))
                    .filter(|name| Url::parse(name).is_ok_and(|u| !self.documents.is_open(&u)))
                    .collect();
                for name in gone {
                    remove(index, &name, delta);
                }
                for (uri, label, items) in files {
                    if !self.documents.is_open(&uri) {
                        replace(index, uri.as_str(), &label, items, delta);
                    }
                }
            })
            .await;
        tracing::debug!(
            "workspace index: {} files",
            self.shared.workspace.with(WorkspaceIndex::len)
        );
        self.after_index_change(&delta, None).await;
    }

    /// Redoes the diagnostics of the open documents (but `except`) that have one of the
    /// changed keys: re-published, or re-pulled when the client pulls.
    pub async fn after_index_change(&self, delta: &Delta, except: Option<&Url>) {
        if delta.is_empty() {
            return;
        }
        let affected: Vec<Url> = self.shared.workspace.with(|index| {
            self.documents
                .uris()
                .into_iter()
                .filter(|uri| Some(uri) != except)
                .filter(|uri| {
                    index
                        .get(uri.as_str())
                        .is_some_and(|f| f.items.iter().any(|i| delta.contains(&i.key)))
                })
                .collect()
        });
        super::handlers::diagnostics::redo(self, &affected).await;
    }

    /// Indexes an open document from its analysed text.
    pub async fn index_document(&self, uri: &Url, snapshot: Arc<Snapshot>) -> Delta {
        // Reading every item's name is done on a blocking thread: the requests that follow
        // an open or a save (the editor's pull, its outline) are not held up by it.
        let encoding = self.features().encoding;
        let items = tokio::task::spawn_blocking(move || {
            FileIndex::new(&snapshot.text, &snapshot.analysis.document, encoding)
        })
        .await;
        let Ok(items) = items else {
            tracing::error!("{uri}: indexing the document failed");
            return Delta::default();
        };
        // Closed meanwhile: its file on disk has taken its place (`reindex_from_disk`).
        if !self.documents.is_open(uri) {
            return Delta::default();
        }
        let label = uri_label(self.root().as_deref(), uri);
        self.shared
            .workspace
            .change(|index, delta| replace(index, uri.as_str(), &label, items, delta))
            .await
    }

    /// After a document closes: its file on disk takes its place in the index when it is a
    /// roadmap of the workspace, else it leaves the index.
    pub async fn reindex_from_disk(&self, uri: &Url) -> Delta {
        let root = self.root();
        let effective = self.effective();
        let items = uri
            .to_file_path()
            .ok()
            .filter(|path| root.as_ref().is_some_and(|root| path.starts_with(root)))
            .filter(|path| effective.config.is_roadmap(path))
            .and_then(|path| {
                index_file(&path, &effective.settings.states, self.features().encoding)
            });
        let label = uri_label(root.as_deref(), uri);
        self.shared
            .workspace
            .change(|index, delta| match items {
                Some(items) => replace(index, uri.as_str(), &label, items, delta),
                None => remove(index, uri.as_str(), delta),
            })
            .await
    }
}

/// Puts `items` in the index under `name`, adding to `delta` the keys whose items differ
/// from what was there (text, nesting or place).
fn replace(
    index: &mut WorkspaceIndex,
    name: &str,
    label: &str,
    items: FileIndex,
    delta: &mut Delta,
) {
    let old = index.get(name);
    if old == Some(&items) {
        return;
    }
    let before: HashSet<&IndexedItem> = old.map(|f| f.items.iter().collect()).unwrap_or_default();
    let after: HashSet<&IndexedItem> = items.items.iter().collect();
    delta.extend(before.symmetric_difference(&after).map(|i| i.key.clone()));
    index.update(name, label, items);
}

fn remove(index: &mut WorkspaceIndex, name: &str, delta: &mut Delta) {
    if let Some(old) = index.get(name) {
        delta.extend(old.items.iter().map(|i| i.key.clone()));
        index.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::label;
    use std::path::Path;

    #[test]
    fn files_are_named_below_the_workspace_folder() {
        let root = Path::new("/work/project");
        assert_eq!(
            label(Some(root), Path::new("/work/project/docs/ROADMAP.md")),
            "docs/ROADMAP.md"
        );
        assert_eq!(
            label(Some(root), Path::new("/elsewhere/TODO.md")),
            "TODO.md"
        );
        assert_eq!(label(None, Path::new("/a/b/BACKLOG.md")), "BACKLOG.md");
    }
}
