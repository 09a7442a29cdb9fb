//! The workspace index in the server: the items of every roadmap below the workspace
//! folders, behind `workspace/symbol`, the cross-file `duplicate-item` and
//! `conflicting-state`, and the workspace's `tickmark/stats`.
//!
//! The roadmaps on disk (the globs of each folder's `tickmark.toml`, honouring `.gitignore`)
//! are read on the blocking pool when the session starts, when the configuration changes and
//! when folders are added, reported with `$/progress` when the client offers
//! `window.workDoneProgress` and cancellable with `window/workDoneProgress/cancel` (what was
//! read until then stays). A new scan supersedes one in flight. Files the client watches
//! (`workspace/didChangeWatchedFiles`, registered when it allows) are read again one by one;
//! a change of a `tickmark.toml` reloads the configuration and scans again. An open document
//! is indexed from the editor's text when it opens and each time it is saved, and from disk
//! again when it closes; keystrokes in between do not touch the index, so another file sees
//! an edit once it is saved, and an open document's file on disk is never read over it.
//! `workspace/symbol` always reads open documents as they are now. Files are named by URI in
//! the index and by their path below their workspace folder in messages.
//!
//! The index is bounded ([`MAX_INDEXED_FILES`], [`MAX_INDEXED_BYTES`], and
//! [`MAX_ANALYZED_BYTES`] per file): what lies past a bound is left out and the log says so.
//! Symbolic links are not followed, so a scan never leaves its folders nor loops.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::{json, Value};
use tower_lsp::lsp_types::notification::Progress;
use tower_lsp::lsp_types::request::{
    RegisterCapability, UnregisterCapability, WorkDoneProgressCreate,
};
use tower_lsp::lsp_types::{
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidChangeWorkspaceFoldersParams, FileChangeType, FileSystemWatcher, GlobPattern, MessageType,
    NumberOrString, ProgressParams, ProgressParamsValue, Registration, Unregistration, Url,
    WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCancelParams,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
};

use crate::analysis::index::{FileIndex, WorkspaceIndex};
use crate::analysis::{self, BoxStates, Encoding};
use crate::config::Config;
use crate::server::{Backend, MAX_ANALYZED_BYTES};

/// Most roadmap files the index holds; those found past it are left out (and logged).
pub const MAX_INDEXED_FILES: usize = 50_000;
/// Most text the index reads in one scan, all files together; files past it are left out
/// (and logged).
pub const MAX_INDEXED_BYTES: u64 = 1024 * 1024 * 1024;

/// The id of the file-watcher registration.
const WATCH_ID: &str = "tickmark-watch";

/// The index, and a counter that grows whenever it changes (recorded in each analysis, so
/// pull-diagnostic result ids change with it); the workspace folders and the scan in flight.
#[derive(Debug, Default)]
pub struct WorkspaceState {
    index: RwLock<WorkspaceIndex>,
    generation: AtomicU64,
    folders: RwLock<Vec<PathBuf>>,
    scan: Mutex<Option<Running>>,
    scans: AtomicU64,
    /// The globs registered with the client's file watcher, when it is registered.
    watched: Mutex<Option<Vec<String>>>,
}

/// A scan in flight: its progress token and how it should stop.
#[derive(Debug, Clone)]
struct Running {
    token: String,
    stop: Arc<AtomicU8>,
}

/// Values of [`Running::stop`].
const GO_ON: u8 = 0;
/// The user cancelled it: what was read stays.
const CANCELLED: u8 = 1;
/// Another scan replaced it: what was read is dropped.
const SUPERSEDED: u8 = 2;

/// The hashes of the keys whose items changed in one update of the index: another
/// document's diagnostics can only change if it has one of them.
pub type Delta = HashSet<u32>;

impl WorkspaceState {
    /// The workspace folders, in the client's order.
    pub fn folders(&self) -> Vec<PathBuf> {
        self.folders.read().map(|f| f.clone()).unwrap_or_default()
    }

    /// Sets the workspace folders (at `initialize`).
    pub fn set_folders(&self, folders: Vec<PathBuf>) {
        if let Ok(mut f) = self.folders.write() {
            *f = folders;
        }
    }

    /// The folder holding `path`, the innermost when folders nest.
    pub(crate) fn folder_of(&self, path: &Path) -> Option<PathBuf> {
        self.folders()
            .into_iter()
            .filter(|f| path.starts_with(f))
            .max_by_key(|f| f.components().count())
    }

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

/// [`label`] among several folders: the path below the folder holding it, after the
/// folder's name when there are several.
fn folder_label(folders: &[PathBuf], path: &Path) -> String {
    let folder = folders
        .iter()
        .filter(|f| path.starts_with(f))
        .max_by_key(|f| f.components().count());
    let below = label(folder.map(PathBuf::as_path), path);
    match folder.and_then(|f| f.file_name()) {
        Some(name) if folders.len() > 1 => format!("{}/{below}", name.to_string_lossy()),
        _ => below,
    }
}

fn uri_label(folders: &[PathBuf], uri: &Url) -> String {
    match uri.to_file_path() {
        Ok(path) => folder_label(folders, &path),
        Err(()) => uri.to_string(),
    }
}

/// Why a roadmap on disk was left out of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Larger than [`MAX_ANALYZED_BYTES`].
    TooLarge(u64),
    NotUtf8,
    /// Gone or unreadable (deleted while it was read, no permission).
    Unreadable(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::TooLarge(size) => write!(
                f,
                "{} MB, more than the {} MB read",
                size / 1_000_000,
                MAX_ANALYZED_BYTES / 1_000_000
            ),
            Skip::NotUtf8 => f.write_str("not UTF-8"),
            Skip::Unreadable(error) => write!(f, "unreadable: {error}"),
        }
    }
}

/// Reads and indexes one roadmap from disk, with its size; a file too large, unreadable or
/// not UTF-8 is left out (the CLI and an opened document report those; the index logs them).
fn index_file(
    path: &Path,
    states: &BoxStates,
    encoding: Encoding,
) -> Result<(FileIndex, u64), Skip> {
    let unreadable = |e: std::io::Error| Skip::Unreadable(e.to_string());
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if usize::try_from(size).map_or(true, |size| size > MAX_ANALYZED_BYTES) {
        return Err(Skip::TooLarge(size));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    // Grown past the bound since the size was read: still too large.
    if bytes.len() > MAX_ANALYZED_BYTES {
        return Err(Skip::TooLarge(bytes.len() as u64));
    }
    let size = bytes.len() as u64;
    let text = String::from_utf8(bytes).map_err(|_| Skip::NotUtf8)?;
    let doc = analysis::parse::parse(&text, states);
    Ok((FileIndex::new(&text, &doc, encoding), size))
}

/// One folder to scan, with its configuration.
#[derive(Debug, Clone)]
pub struct ScanFolder {
    pub root: PathBuf,
    pub config: Config,
}

/// The bounds of one scan.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub files: usize,
    pub bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            files: MAX_INDEXED_FILES,
            bytes: MAX_INDEXED_BYTES,
        }
    }
}

/// What a scan read.
#[derive(Debug, Default)]
pub struct Scanned {
    /// `(uri, label, items)` of every roadmap read.
    pub files: Vec<(Url, String, FileIndex)>,
    /// False when it stopped early: files it did not reach must not leave the index.
    pub complete: bool,
    /// Roadmaps found and left out, with why.
    pub skipped: Vec<(PathBuf, Skip)>,
    /// Folders the walk could not read.
    pub unreadable: Vec<String>,
    /// Roadmaps found past the bounds.
    pub over_limit: usize,
}

/// Every roadmap below `folders`, indexed. Runs on the blocking pool; `progress(done,
/// total)` is called after each file; `stop` is read between files (see [`Running`]).
pub fn scan(
    folders: &[ScanFolder],
    encoding: Encoding,
    limits: Limits,
    stop: &AtomicU8,
    progress: &mut dyn FnMut(usize, usize),
) -> Scanned {
    let mut scanned = Scanned::default();
    let roots: Vec<PathBuf> = folders.iter().map(|f| f.root.clone()).collect();
    let mut paths: Vec<(PathBuf, usize)> = Vec::new();
    let mut seen = HashSet::new();
    for (n, folder) in folders.iter().enumerate() {
        let found = crate::workspace::find_roadmaps(&folder.root, &folder.config);
        for error in found.errors {
            tracing::debug!("workspace index: {}", error.message);
            scanned.unreadable.push(match error.path {
                Some(path) => format!("{}: {}", path.display(), error.message),
                None => error.message,
            });
        }
        for path in found.files {
            let Ok(absolute) = std::path::absolute(&path) else {
                continue;
            };
            // Nested folders find a file twice: it is read once, for the innermost.
            if seen.insert(absolute.clone()) {
                paths.push((absolute, n));
            }
        }
        if stop.load(Ordering::SeqCst) != GO_ON {
            return scanned;
        }
    }
    if paths.len() > limits.files {
        scanned.over_limit = paths.len() - limits.files;
        paths.truncate(limits.files);
    }
    let states: Vec<BoxStates> = folders.iter().map(|f| f.config.settings().states).collect();
    let total = paths.len();
    let mut bytes = 0_u64;
    for (done, (path, folder)) in paths.iter().enumerate() {
        if stop.load(Ordering::SeqCst) != GO_ON {
            return scanned;
        }
        match index_file(path, &states[*folder], encoding) {
            Ok((items, size)) => {
                bytes += size;
                if bytes > limits.bytes {
                    scanned.over_limit += total - done;
                    break;
                }
                if let Ok(uri) = Url::from_file_path(path) {
                    scanned.files.push((uri, folder_label(&roots, path), items));
                }
            }
            Err(skip) => {
                tracing::debug!("workspace index: {} left out: {skip}", path.display());
                scanned.skipped.push((path.clone(), skip));
            }
        }
        progress(done + 1, total);
    }
    scanned.complete = true;
    scanned
}

/// The configuration a folder's roadmaps are read with: the editor's settings, and the
/// folder's own tickmark.toml over them.
pub(crate) fn folder_config(editor: Option<&Value>, folder: &Path) -> Config {
    let editor = editor
        .and_then(|v| Config::from_editor(v).ok())
        .unwrap_or_default()
        .with_root(folder.to_owned());
    match Config::discover(folder) {
        Ok(Some((_, file))) => Config::merged(&editor, &file),
        Ok(None) => editor,
        Err(error) => {
            tracing::warn!("configuration of {}: {error}", folder.display());
            editor
        }
    }
}

impl Backend {
    /// Reads every roadmap of the workspace folders into the index, off the request path,
    /// with progress when the client shows it; keeps what open documents contributed, then
    /// redoes the diagnostics of the open documents the change affects. Supersedes a scan in
    /// flight.
    pub async fn index_workspace(&self) {
        let folders = self.shared.workspace.folders();
        if folders.is_empty() {
            return;
        }
        let editor = self
            .session
            .read()
            .ok()
            .and_then(|s| s.editor_settings.clone());
        let scan_folders: Vec<ScanFolder> = folders
            .iter()
            .map(|root| ScanFolder {
                root: root.clone(),
                config: folder_config(editor.as_ref(), root),
            })
            .collect();
        let encoding = self.features().encoding;
        let number = self.shared.workspace.scans.fetch_add(1, Ordering::SeqCst) + 1;
        let running = Running {
            token: format!("tickmark/index/{number}"),
            stop: Arc::new(AtomicU8::new(GO_ON)),
        };
        if let Ok(mut scan) = self.shared.workspace.scan.lock() {
            if let Some(previous) = scan.replace(running.clone()) {
                previous.stop.store(SUPERSEDED, Ordering::SeqCst);
            }
        }
        let progress = self.begin_progress(&running.token).await;
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
        let stop = Arc::clone(&running.stop);
        let task = tokio::task::spawn_blocking(move || {
            let mut last = None;
            let mut report = |done: usize, total: usize| {
                // At most one report per percent.
                let percent = done * 100 / total.max(1);
                if last != Some(percent) {
                    last = Some(percent);
                    let _ = sender.send((done, total));
                }
            };
            scan(
                &scan_folders,
                encoding,
                Limits::default(),
                &stop,
                &mut report,
            )
        });
        while let Some((done, total)) = receiver.recv().await {
            if progress {
                self.report_progress(&running.token, done, total).await;
            }
        }
        let scanned = match task.await {
            Ok(scanned) => scanned,
            Err(error) => {
                if progress {
                    self.end_progress(&running.token, "failed".to_owned()).await;
                }
                self.log_error(format!("reading the workspace's roadmaps failed: {error}"))
                    .await;
                return;
            }
        };
        if let Ok(mut scan) = self.shared.workspace.scan.lock() {
            if scan.as_ref().is_some_and(|s| s.token == running.token) {
                *scan = None;
            }
        }
        let stopped = running.stop.load(Ordering::SeqCst);
        if progress {
            let message = match stopped {
                CANCELLED => format!("cancelled after {} roadmaps", scanned.files.len()),
                SUPERSEDED => "restarted".to_owned(),
                _ => format!("{} roadmaps", scanned.files.len()),
            };
            self.end_progress(&running.token, message).await;
        }
        if stopped == SUPERSEDED {
            return;
        }
        self.log_scan(&scanned).await;
        let complete = scanned.complete;
        let delta = self
            .shared
            .workspace
            .change(|index, delta| {
                // Only the keys of open documents can change what is published: the delta
                // of a whole scan (every key of the workspace) is not kept.
                let open_keys: HashSet<u32> = self
                    .documents
                    .uris()
                    .iter()
                    .filter_map(|uri| index.get(uri.as_str()))
                    .flat_map(FileIndex::key_hashes)
                    .collect();
                let mut file_delta = Delta::new();
                let keep = |file_delta: &mut Delta, delta: &mut Delta| {
                    delta.extend(file_delta.drain().filter(|h| open_keys.contains(h)));
                };
                if complete {
                    let found: HashSet<String> = scanned
                        .files
                        .iter()
                        .map(|(uri, ..)| uri.to_string())
                        .collect();
                    let gone: Vec<String> = index
                        .files()
                        .map(|(name, _)| name.to_owned())
                        .filter(|name| !found.contains(name))
                        .filter(|name| Url::parse(name).is_ok_and(|u| !self.documents.is_open(&u)))
                        .collect();
                    for name in gone {
                        remove(index, &name, &mut file_delta);
                        keep(&mut file_delta, delta);
                    }
                }
                for (uri, label, items) in scanned.files {
                    if !self.documents.is_open(&uri) {
                        replace(index, uri.as_str(), &label, items, &mut file_delta);
                        keep(&mut file_delta, delta);
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

    /// Tells the client's log what a scan left out.
    async fn log_scan(&self, scanned: &Scanned) {
        let mut lines = Vec::new();
        for (path, skip) in scanned.skipped.iter().take(20) {
            lines.push(format!("{} left out: {skip}", path.display()));
        }
        if scanned.skipped.len() > 20 {
            lines.push(format!("{} more left out", scanned.skipped.len() - 20));
        }
        for folder in scanned.unreadable.iter().take(20) {
            lines.push(format!("not read: {folder}"));
        }
        if scanned.over_limit > 0 {
            lines.push(format!(
                "{} roadmaps left out: the index holds at most {MAX_INDEXED_FILES} files and {} MB",
                scanned.over_limit,
                MAX_INDEXED_BYTES / 1_000_000
            ));
        }
        if lines.is_empty() {
            return;
        }
        for line in &lines {
            tracing::warn!("workspace index: {line}");
        }
        self.client
            .log_message(
                MessageType::WARNING,
                format!("tickmark: workspace index: {}", lines.join("; ")),
            )
            .await;
    }

    /// Creates the progress token when the client shows progress; true when it accepted.
    async fn begin_progress(&self, token: &str) -> bool {
        if !self.features().work_done_progress {
            return false;
        }
        let token = NumberOrString::String(token.to_owned());
        let created =
            self.client
                .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                    token: token.clone(),
                });
        // A client that never answers does not hold the scan up for long.
        match tokio::time::timeout(std::time::Duration::from_secs(10), created).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::debug!("window/workDoneProgress/create failed: {error}");
                return false;
            }
            Err(_) => {
                tracing::warn!(
                    "window/workDoneProgress/create unanswered: scanning without progress"
                );
                return false;
            }
        }
        self.client
            .send_notification::<Progress>(ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                    WorkDoneProgressBegin {
                        title: "Indexing roadmaps".to_owned(),
                        cancellable: Some(true),
                        message: Some("finding files".to_owned()),
                        percentage: Some(0),
                    },
                )),
            })
            .await;
        true
    }

    async fn report_progress(&self, token: &str, done: usize, total: usize) {
        let percentage = u32::try_from(done * 100 / total.max(1)).unwrap_or(100);
        self.client
            .send_notification::<Progress>(ProgressParams {
                token: NumberOrString::String(token.to_owned()),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Report(
                    WorkDoneProgressReport {
                        cancellable: Some(true),
                        message: Some(format!("{done}/{total} files")),
                        percentage: Some(percentage),
                    },
                )),
            })
            .await;
    }

    async fn end_progress(&self, token: &str, message: String) {
        self.client
            .send_notification::<Progress>(ProgressParams {
                token: NumberOrString::String(token.to_owned()),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message),
                })),
            })
            .await;
    }

    /// `window/workDoneProgress/cancel`: stops the scan of that token; what it read stays.
    // tower-lsp's custom methods are async.
    #[allow(clippy::unused_async)]
    pub async fn cancel_progress(&self, params: WorkDoneProgressCancelParams) {
        let token = match params.token {
            NumberOrString::String(token) => token,
            NumberOrString::Number(n) => n.to_string(),
        };
        if let Ok(scan) = self.shared.workspace.scan.lock() {
            if let Some(running) = scan.as_ref().filter(|r| r.token == token) {
                let _ = running.stop.compare_exchange(
                    GO_ON,
                    CANCELLED,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
            }
        }
    }

    /// Registers the file watcher for the roadmap globs and tickmark.toml when the client
    /// allows it, again when the globs changed.
    pub async fn watch_files(&self) {
        if !self.features().watch_files {
            return;
        }
        let mut globs = self.effective().config.roadmap_globs();
        for folder in self.shared.workspace.folders() {
            let editor = self
                .session
                .read()
                .ok()
                .and_then(|s| s.editor_settings.clone());
            for glob in folder_config(editor.as_ref(), &folder).roadmap_globs() {
                if !globs.contains(&glob) {
                    globs.push(glob);
                }
            }
        }
        globs.push(format!("**/{}", crate::config::FILE_NAME));
        let previous = match self.shared.workspace.watched.lock() {
            Ok(mut watched) => {
                if watched.as_ref() == Some(&globs) {
                    return;
                }
                watched.replace(globs.clone())
            }
            Err(_) => return,
        };
        if previous.is_some() {
            let _ = self
                .client
                .send_request::<UnregisterCapability>(tower_lsp::lsp_types::UnregistrationParams {
                    unregisterations: vec![Unregistration {
                        id: WATCH_ID.to_owned(),
                        method: "workspace/didChangeWatchedFiles".to_owned(),
                    }],
                })
                .await;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: globs
                .into_iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob),
                    kind: None,
                })
                .collect(),
        };
        let registered = self
            .client
            .send_request::<RegisterCapability>(tower_lsp::lsp_types::RegistrationParams {
                registrations: vec![Registration {
                    id: WATCH_ID.to_owned(),
                    method: "workspace/didChangeWatchedFiles".to_owned(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            })
            .await;
        if let Err(error) = registered {
            tracing::warn!("the client did not register the file watcher: {error}");
            if let Ok(mut watched) = self.shared.workspace.watched.lock() {
                *watched = None;
            }
        }
    }

    /// `workspace/didChangeWatchedFiles`: roadmaps created, changed or deleted on disk are
    /// read again (an open document's file is not: the editor's text wins); a changed
    /// tickmark.toml reloads the configuration and scans again.
    pub async fn watched_files_changed(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        let mut reads = Vec::new();
        let mut removals = Vec::new();
        for change in params.changes {
            let Ok(path) = change.uri.to_file_path() else {
                continue;
            };
            if path.file_name() == Some(std::ffi::OsStr::new(crate::config::FILE_NAME)) {
                config_changed = true;
                continue;
            }
            if self.documents.is_open(&change.uri) {
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                removals.push(change.uri);
            } else {
                reads.push((change.uri, path));
            }
        }
        if config_changed {
            self.reload_config().await;
            super::handlers::diagnostics::refresh_all(self).await;
            self.watch_files().await;
            self.index_workspace().await;
            return;
        }
        let folders = self.shared.workspace.folders();
        let editor = self
            .session
            .read()
            .ok()
            .and_then(|s| s.editor_settings.clone());
        let encoding = self.features().encoding;
        let read = tokio::task::spawn_blocking(move || {
            // Each folder's configuration read once for the whole batch (a checkout changes
            // many files at once).
            let configs: Vec<Config> = folders
                .iter()
                .map(|f| folder_config(editor.as_ref(), f))
                .collect();
            reads
                .into_iter()
                .map(|(uri, path)| {
                    let folder = folders
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| path.starts_with(f))
                        .max_by_key(|(_, f)| f.components().count())
                        .map(|(n, _)| n);
                    let items = folder.and_then(|folder| {
                        let config = &configs[folder];
                        if !config.is_roadmap(&path) {
                            return None;
                        }
                        match index_file(&path, &config.settings().states, encoding) {
                            Ok((items, _)) => Some(items),
                            Err(skip) => {
                                tracing::info!(
                                    "workspace index: {} left out: {skip}",
                                    path.display()
                                );
                                None
                            }
                        }
                    });
                    (uri, folder_label(&folders, &path), items)
                })
                .collect::<Vec<_>>()
        })
        .await;
        let read = match read {
            Ok(read) => read,
            Err(error) => {
                self.log_error(format!("reading changed roadmaps failed: {error}"))
                    .await;
                return;
            }
        };
        let delta = self
            .shared
            .workspace
            .change(|index, delta| {
                for uri in &removals {
                    if index.contains(uri.as_str()) {
                        remove(index, uri.as_str(), delta);
                        continue;
                    }
                    // A deleted folder: every closed roadmap below it goes.
                    let folder = format!("{}/", uri.as_str().trim_end_matches('/'));
                    let below: Vec<String> = index
                        .files()
                        .map(|(name, _)| name.to_owned())
                        .filter(|name| name.starts_with(&folder))
                        .filter(|name| Url::parse(name).is_ok_and(|u| !self.documents.is_open(&u)))
                        .collect();
                    for name in below {
                        remove(index, &name, delta);
                    }
                }
                for (uri, label, items) in read {
                    // Opened while it was read: the editor's text wins.
                    if self.documents.is_open(&uri) {
                        continue;
                    }
                    match items {
                        Some(items) => replace(index, uri.as_str(), &label, items, delta),
                        None => remove(index, uri.as_str(), delta),
                    }
                }
            })
            .await;
        self.after_index_change(&delta, None).await;
    }

    /// `workspace/didChangeWorkspaceFolders`: a removed folder's roadmaps leave the index
    /// (but open documents), an added folder is scanned.
    pub async fn workspace_folders_changed(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        let mut folders = self.shared.workspace.folders();
        folders.retain(|f| !removed.contains(f));
        for folder in &added {
            if !folders.contains(folder) {
                folders.push(folder.clone());
            }
        }
        self.shared.workspace.set_folders(folders.clone());
        if let Ok(mut session) = self.session.write() {
            if session.root.as_ref().is_none_or(|r| !folders.contains(r)) {
                session.root = folders.first().cloned();
            }
        }
        let delta = self
            .shared
            .workspace
            .change(|index, delta| {
                let gone: Vec<String> = index
                    .files()
                    .map(|(name, _)| name.to_owned())
                    .filter(|name| {
                        Url::parse(name).is_ok_and(|u| {
                            !self.documents.is_open(&u)
                                && u.to_file_path().is_ok_and(|p| {
                                    removed.iter().any(|r| p.starts_with(r))
                                        && !folders.iter().any(|f| p.starts_with(f))
                                })
                        })
                    })
                    .collect();
                for name in gone {
                    remove(index, &name, delta);
                }
            })
            .await;
        self.after_index_change(&delta, None).await;
        if !added.is_empty() {
            self.watch_files().await;
            self.index_workspace().await;
        }
    }

    /// `tickmark/stats` for the whole workspace: each indexed roadmap (open documents as
    /// last indexed) and the total.
    pub fn workspace_stats(&self) -> Value {
        self.shared.workspace.with(|index| {
            let mut files: Vec<(&str, &str, &FileIndex)> = index.entries().collect();
            files.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
            let mut total = crate::analysis::stats::Counts::default();
            let list: Vec<Value> = files
                .iter()
                .map(|(uri, label, file)| {
                    total.add(&file.counts);
                    let mut entry = counts_json(&file.counts);
                    entry["uri"] = json!(uri);
                    entry["path"] = json!(label);
                    entry
                })
                .collect();
            let mut total = counts_json(&total);
            total["files"] = json!(files.len());
            json!({ "files": list, "total": total })
        })
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
                // A document opened a moment ago may not be indexed yet: its diagnostics
                // are redone all the same, as its keys are not known here.
                .filter(|uri| index.get(uri.as_str()).is_none_or(|f| f.has_any_key(delta)))
                .collect()
        });
        super::handlers::diagnostics::redo(self, &affected).await;
    }

    /// Puts the items of an open document (indexed from its analysis) in the workspace index.
    pub async fn index_document(&self, uri: &Url, items: FileIndex) -> Delta {
        // Closed meanwhile: its file on disk has taken its place (`reindex_from_disk`).
        if !self.documents.is_open(uri) {
            return Delta::default();
        }
        let label = uri_label(&self.shared.workspace.folders(), uri);
        self.shared
            .workspace
            .change(|index, delta| replace(index, uri.as_str(), &label, items, delta))
            .await
    }

    /// After a document closes: its file on disk takes its place in the index when it is a
    /// roadmap of the workspace, else it leaves the index.
    pub async fn reindex_from_disk(&self, uri: &Url) -> Delta {
        let editor = self
            .session
            .read()
            .ok()
            .and_then(|s| s.editor_settings.clone());
        let items = uri.to_file_path().ok().and_then(|path| {
            let folder = self.shared.workspace.folder_of(&path)?;
            let config = folder_config(editor.as_ref(), &folder);
            if !config.is_roadmap(&path) {
                return None;
            }
            index_file(&path, &config.settings().states, self.features().encoding)
                .ok()
                .map(|(items, _)| items)
        });
        let label = uri_label(&self.shared.workspace.folders(), uri);
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
    delta.extend(FileIndex::changed_keys(old, Some(&items)));
    index.update(name, label, items);
}

fn remove(index: &mut WorkspaceIndex, name: &str, delta: &mut Delta) {
    if let Some(old) = index.get(name) {
        delta.extend(FileIndex::changed_keys(Some(old), None));
        index.remove(name);
    }
}

/// The counts of the `tickmark/stats` object (SPEC §3).
fn counts_json(c: &crate::analysis::stats::Counts) -> Value {
    json!({
        "total": c.total,
        "done": c.done,
        "open": c.open,
        "inProgress": c.in_progress,
        "deferred": c.deferred,
        "cancelled": c.cancelled,
        "percent": c.percent(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn write(root: &Path, name: &str, text: impl AsRef<[u8]>) {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn folder(root: &Path) -> ScanFolder {
        ScanFolder {
            root: root.to_owned(),
            config: Config::default(),
        }
    }

    fn run(root: &Path, limits: Limits) -> Scanned {
        let go_on = AtomicU8::new(GO_ON);
        scan(
            &[folder(root)],
            Encoding::Utf16,
            limits,
            &go_on,
            &mut |_, _| {},
        )
    }

    fn labels(scanned: &Scanned) -> Vec<&str> {
        scanned.files.iter().map(|(_, l, _)| l.as_str()).collect()
    }

    #[test]
    fn bad_files_are_left_out_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "ROADMAP.md", "- [ ] Fine\n");
        write(root, "TODO.md", b"- [ ] caf\xe9\n");
        // Past the per-file bound, without writing it: a sparse file.
        let big = std::fs::File::create(root.join("BACKLOG.md")).unwrap();
        big.set_len(MAX_ANALYZED_BYTES as u64 + 1).unwrap();
        let scanned = run(root, Limits::default());
        assert!(scanned.complete);
        assert_eq!(labels(&scanned), ["ROADMAP.md"]);
        let skipped: Vec<(&str, &Skip)> = scanned
            .skipped
            .iter()
            .map(|(p, s)| (p.file_name().unwrap().to_str().unwrap(), s))
            .collect();
        assert_eq!(
            skipped,
            [
                ("BACKLOG.md", &Skip::TooLarge(MAX_ANALYZED_BYTES as u64 + 1)),
                ("TODO.md", &Skip::NotUtf8)
            ]
        );
    }

    #[test]
    fn a_file_deleted_while_the_scan_runs_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        write(&root, "ROADMAP.md", "- [ ] One\n");
        write(&root, "TODO.md", "- [ ] Two\n");
        let go_on = AtomicU8::new(GO_ON);
        // After the first file is read, the second disappears.
        let mut progress = |done: usize, _: usize| {
            if done == 1 {
                std::fs::remove_file(root.join("TODO.md")).unwrap();
            }
        };
        let scanned = scan(
            &[folder(&root)],
            Encoding::Utf16,
            Limits::default(),
            &go_on,
            &mut progress,
        );
        assert_eq!(labels(&scanned), ["ROADMAP.md"]);
        assert!(matches!(scanned.skipped[0].1, Skip::Unreadable(_)));
        assert!(scanned.complete);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_not_followed_in_or_out() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "ROADMAP.md", "- [ ] Outside\n");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "docs/TODO.md", "- [ ] Inside\n");
        // A loop, a folder and a file outside the workspace.
        std::os::unix::fs::symlink(root.join("docs"), root.join("docs/again")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("external")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("ROADMAP.md"), root.join("ROADMAP.md"))
            .unwrap();
        let scanned = run(root, Limits::default());
        assert!(scanned.complete);
        assert_eq!(labels(&scanned), ["docs/TODO.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_folder_is_reported_and_the_rest_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "ROADMAP.md", "- [ ] One\n");
        write(root, "locked/TODO.md", "- [ ] Two\n");
        let locked = root.join("locked");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // The superuser reads it anyway: then it is simply indexed.
        let readable = std::fs::read_dir(&locked).is_ok();
        let scanned = run(root, Limits::default());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(scanned.complete);
        if readable {
            assert_eq!(labels(&scanned), ["ROADMAP.md", "locked/TODO.md"]);
        } else {
            assert_eq!(labels(&scanned), ["ROADMAP.md"]);
            assert_eq!(scanned.unreadable.len(), 1, "{:?}", scanned.unreadable);
        }
    }

    #[test]
    fn the_index_is_bounded_in_files_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for n in 0..5 {
            write(root, &format!("TODO-{n}.md"), "- [ ] Twelve bytes\n");
        }
        let scanned = run(
            root,
            Limits {
                files: 3,
                bytes: u64::MAX,
            },
        );
        assert_eq!(labels(&scanned), ["TODO-0.md", "TODO-1.md", "TODO-2.md"]);
        assert_eq!(scanned.over_limit, 2);
        // 20 bytes a file: the third one passes 50.
        let scanned = run(
            root,
            Limits {
                files: 100,
                bytes: 50,
            },
        );
        assert_eq!(labels(&scanned), ["TODO-0.md", "TODO-1.md"]);
        assert_eq!(scanned.over_limit, 3);
    }

    #[test]
    fn a_cancelled_scan_keeps_what_it_read_and_says_it_is_incomplete() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for n in 0..4 {
            write(root, &format!("TODO-{n}.md"), "- [ ] x\n");
        }
        let stop = AtomicU8::new(GO_ON);
        let scanned = scan(
            &[folder(root)],
            Encoding::Utf16,
            Limits::default(),
            &stop,
            &mut |done, _| {
                if done == 2 {
                    stop.store(CANCELLED, Ordering::SeqCst);
                }
            },
        );
        assert!(!scanned.complete);
        assert_eq!(labels(&scanned), ["TODO-0.md", "TODO-1.md"]);
    }

    /// 50,000 markdown files of which 300 are roadmaps, and a 100 MB markdown file (not a
    /// roadmap, so never read): the walk skips what is no roadmap. Heavy: run with
    /// `cargo test --lib -- --ignored`.
    #[test]
    #[ignore = "writes 50,000 files"]
    fn a_large_tree_is_walked_and_only_its_roadmaps_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for n in 0..50_000 {
            let name = if n % 166 == 0 && n / 166 < 300 {
                format!("pkg{}/TODO.md", n / 100)
            } else {
                format!("pkg{}/note-{n}.md", n / 100)
            };
            write(root, &name, "- [ ] x\n");
        }
        let huge = std::fs::File::create(root.join("notes.md")).unwrap();
        huge.set_len(100 * 1024 * 1024).unwrap();
        let scanned = run(root, Limits::default());
        assert!(scanned.complete);
        assert_eq!(scanned.files.len(), 300);
        assert!(scanned.skipped.is_empty());
    }

    #[test]
    fn files_of_several_folders_are_named_after_their_folder() {
        let folders = [PathBuf::from("/w/app"), PathBuf::from("/w/lib")];
        assert_eq!(
            folder_label(&folders, Path::new("/w/lib/docs/TODO.md")),
            "lib/docs/TODO.md"
        );
        assert_eq!(
            folder_label(&folders[..1], Path::new("/w/app/TODO.md")),
            "TODO.md"
        );
    }

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
