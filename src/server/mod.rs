//! The language server: the only module that knows LSP.
//!
//! [`Backend`] holds the open documents, what the client supports and the merged
//! configuration; the [`LanguageServer`] impl delegates each method in one line to a module
//! under `handlers`. Engine calls run inside `catch_unwind`: a panic becomes an
//! internal-error response and a `window/logMessage`, never a crash.
//!
//! Logs go to stderr through `tracing` (`TICKMARK_LOG`, else `RUST_LOG`); stdout carries
//! the protocol only.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod capabilities;
pub mod convert;
pub mod documents;
pub mod ext;
pub mod framing;
mod handlers;
mod history;
pub mod outline_wire;
pub mod published;
pub mod workspace;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::{
    CodeAction, CodeActionParams, CodeActionResponse, CodeLens, CodeLensParams, CompletionParams,
    CompletionResponse, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReportResult, DocumentLink, DocumentLinkParams,
    DocumentOnTypeFormattingParams, DocumentSymbolParams, DocumentSymbolResponse,
    ExecuteCommandParams, FoldingRange, FoldingRangeParams, Hover, HoverParams, InitializeParams,
    InitializeResult, InitializedParams, InlayHint, InlayHintParams, MessageType,
    SymbolInformation, TextEdit, Url, WorkspaceSymbolParams,
};
use tower_lsp::{Client, LanguageServer, LspService, Server};

use self::capabilities::ClientFeatures;
use self::documents::{Documents, Snapshot};
use crate::analysis::actions::Cascade;
use crate::analysis::index::OtherFiles;
use crate::analysis::{self, Analysis, Document, Inputs, LineIndex, Settings};
use crate::cli::LspArgs;
use crate::config::Config;

/// Documents larger than this are not analysed (a logged warning instead): the engine is
/// linear, but a 20 MB "roadmap" is not one.
pub const MAX_ANALYZED_BYTES: usize = 16 * 1024 * 1024;

/// Runs the server on stdin/stdout until the client exits.
pub fn run(_args: &LspArgs) -> ExitCode {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(error) => {
            tracing::error!("cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let exited = Arc::new(tokio::sync::Notify::new());
    let clean = runtime.block_on(async {
        let (service, socket) = service();
        let shut_down = Arc::clone(&service.inner().shut_down);
        let wire = Arc::clone(&service.inner().wire);
        let watched = ExitWatch {
            inner: service,
            exited: Arc::clone(&exited),
        };
        let serve = serve_guarded(
            tokio::io::stdin(),
            raw_stdout(),
            socket,
            watched,
            Arc::clone(&wire),
        );
        tokio::pin!(serve);
        tokio::select! {
            () = &mut serve => {}
            () = exited.notified() => {}
            // The input ended or the client's process died: what is under way gets a moment
            // to be answered, then the server exits whatever still runs.
            () = wire.gone() => {
                let _ = tokio::time::timeout(std::time::Duration::from_millis(500), serve).await;
            }
        }
        shut_down.load(Ordering::SeqCst)
    });
    // The stdin reader blocks in a thread that never returns; do not wait for it.
    runtime.shutdown_background();
    // LSP: exit code 0 after `shutdown`, else 1.
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Standard output as a plain file, written a message at a time (see
/// [`framing::Output::File`]). Rust's `Stdout` is line-buffered: it looks for the last line
/// break of every write (in a 10 MB answer, all of it) before it writes, and tokio's copies
/// every write before handing it over; the messages are framed and buffered already. Falls
/// back to `Stdout` when the descriptor cannot be duplicated.
#[cfg(unix)]
fn raw_stdout() -> framing::Output<tokio::io::Stdout> {
    use std::os::fd::AsFd;
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => framing::Output::File(Arc::new(std::fs::File::from(fd))),
        Err(error) => {
            tracing::warn!("standard output as a file: {error}; written through Stdout");
            framing::Output::Stream(tokio::io::stdout())
        }
    }
}

#[cfg(not(unix))]
fn raw_stdout() -> framing::Output<tokio::io::Stdout> {
    framing::Output::Stream(tokio::io::stdout())
}

/// The service and its client socket, for `run`, tests and benchmarks.
pub fn service() -> (LspService<Backend>, tower_lsp::ClientSocket) {
    LspService::build(Backend::new)
        .custom_method(ext::STATS_METHOD, Backend::stats)
        .custom_method(handlers::direct::DIRECT_METHOD, Backend::direct)
        .custom_method(framing::PARKED_METHOD, Backend::parked)
        .custom_method("window/workDoneProgress/cancel", Backend::cancel_progress)
        .finish()
}

/// Serves `service` over `input`/`output` (a stream, or a file: see [`framing::Output`])
/// behind the [`framing`] guard, so a malformed message is answered with an error instead of
/// ending the session. `wire` (the backend's) gets a direct line to the output for the
/// session.
pub async fn serve_guarded<S>(
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    output: framing::Output<impl tokio::io::AsyncWrite + Unpin + Send + 'static>,
    socket: tower_lsp::ClientSocket,
    service: S,
    wire: Arc<framing::Wire>,
) where
    S: tower::Service<tower_lsp::jsonrpc::Request, Response = Option<tower_lsp::jsonrpc::Response>>
        + Send
        + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send + 'static,
    S::Future: Send + 'static,
{
    let (to_server, server_input) = tokio::io::duplex(1 << 20);
    let (server_output, from_server) = tokio::io::duplex(1 << 20);
    let (queue, outgoing) = framing::outbox();
    wire.connect(queue.clone());
    let reader = tokio::spawn(framing::pump_input(
        tokio::io::BufReader::new(input),
        to_server,
        queue.clone(),
        Arc::clone(&wire),
    ));
    let writer = tokio::spawn(framing::pump_output(
        tokio::io::BufReader::new(from_server),
        queue,
        outgoing,
        output,
    ));
    let service = Cancellable {
        inner: service,
        wire: Arc::clone(&wire),
    };
    // Engine work runs on the blocking pool: many requests may wait on it at once without
    // holding up the others (tower-lsp's default is 4).
    Server::new(server_input, server_output, socket)
        .concurrency_level(MAX_CONCURRENT_MESSAGES)
        .serve(service)
        .await;
    wire.close();
    reader.abort();
    let _ = writer.await;
}

/// How many messages tower-lsp handles at once behind the framing guard.
const MAX_CONCURRENT_MESSAGES: usize = 64;

/// Answers a request the client cancelled before the server reached it with
/// `RequestCancelled` (tower-lsp itself only cancels a request already running, and only once
/// the cancellation has waited its turn behind every message before it).
struct Cancellable<S> {
    inner: S,
    wire: Arc<framing::Wire>,
}

type Answer<E> = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = std::result::Result<Option<tower_lsp::jsonrpc::Response>, E>,
            > + Send,
    >,
>;

impl<S> tower::Service<tower_lsp::jsonrpc::Request> for Cancellable<S>
where
    S: tower::Service<tower_lsp::jsonrpc::Request, Response = Option<tower_lsp::jsonrpc::Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Answer<S::Error>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: tower_lsp::jsonrpc::Request) -> Self::Future {
        if let Some(id) = request.id() {
            let key = serde_json::to_value(id).unwrap_or_default();
            if self.wire.take_cancelled(&key) {
                let error = Error::request_cancelled();
                let response = tower_lsp::jsonrpc::Response::from_error(id.clone(), error);
                return Box::pin(std::future::ready(Ok(Some(response))));
            }
        }
        Box::pin(self.inner.call(request))
    }
}

/// Passes every message through and signals when `exit` arrives: tower-lsp's serve loop
/// only ends when stdin does.
struct ExitWatch<S> {
    inner: S,
    exited: Arc<tokio::sync::Notify>,
}

impl<S> tower::Service<tower_lsp::jsonrpc::Request> for ExitWatch<S>
where
    S: tower::Service<tower_lsp::jsonrpc::Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: tower_lsp::jsonrpc::Request) -> Self::Future {
        let exit = request.method() == "exit";
        let future = self.inner.call(request);
        if exit {
            self.exited.notify_one();
        }
        future
    }
}

fn init_tracing() {
    let filter = std::env::var("TICKMARK_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

/// The effective configuration, replaced whole on every reload.
#[derive(Debug, Clone, Default)]
pub struct Effective {
    /// The merged configuration (roadmap globs for the workspace index).
    pub config: Config,
    pub settings: Settings,
    pub cascade: Cascade,
    /// Grows on every reload; part of pull-diagnostic result ids.
    pub generation: u64,
}

/// What the server knows about the session: the client, the workspace root, the editor's
/// settings and the configuration errors already reported.
#[derive(Debug, Default)]
pub struct Session {
    pub features: ClientFeatures,
    pub root: Option<PathBuf>,
    pub editor_settings: Option<Value>,
    reported: std::collections::HashSet<String>,
}

/// State other parts of tickmark attach to the server.
#[derive(Default)]
pub struct Shared {
    /// Item histories, warmed on open and save (see `history`).
    pub history: Arc<crate::history::HistoryCache>,
    /// The items of every roadmap of the workspace (see `workspace`).
    pub workspace: workspace::WorkspaceState,
}

/// The server state behind every handler, shared (cheaply cloned) with the blocking pool
/// where engine work runs.
#[derive(Clone)]
pub struct Backend(Arc<State>);

/// The params of [`framing::PARKED_METHOD`].
#[derive(serde::Deserialize)]
struct ParkedKey {
    key: u64,
}

impl std::ops::Deref for Backend {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

/// What a [`Backend`] holds.
pub struct State {
    pub client: Client,
    pub documents: Documents,
    pub session: RwLock<Session>,
    pub config: RwLock<Arc<Effective>>,
    pub shared: Shared,
    /// Set by `shutdown`; decides the exit code.
    pub shut_down: Arc<AtomicBool>,
    /// The direct line to the output for `publishDiagnostics` (see [`framing::Wire`]).
    pub wire: Arc<framing::Wire>,
    /// One lock per document whose incremental analysis is being brought up to date, so
    /// that two threads never do it at once (see `handlers::diagnostics::with_current`).
    pub analysing: dashmap::DashMap<Url, Arc<std::sync::Mutex<()>>>,
    /// The configuration of each workspace folder but the root, read when a document of it
    /// is first analysed after a reload (see [`Backend::effective_for`]).
    pub folder_configs: dashmap::DashMap<PathBuf, Arc<Effective>>,
}

/// How toggling a task spreads (`[toggle] cascade`), in the engine's terms.
fn cascade_of(config: &Config) -> Cascade {
    match config.toggle_cascade() {
        crate::config::Cascade::None => Cascade::None,
        crate::config::Cascade::Down => Cascade::Down,
        crate::config::Cascade::Up => Cascade::Up,
        crate::config::Cascade::Both => Cascade::Both,
    }
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Self(Arc::new(State {
            client,
            documents: Documents::default(),
            session: RwLock::new(Session::default()),
            config: RwLock::new(Arc::new(Effective::default())),
            shared: Shared::default(),
            shut_down: Arc::new(AtomicBool::new(false)),
            wire: Arc::default(),
            analysing: dashmap::DashMap::new(),
            folder_configs: dashmap::DashMap::new(),
        }))
    }

    /// Runs `f` on the blocking pool, off the message loop, so that a slow document holds
    /// no other request (nor `shutdown`); a panic in it is an internal error.
    pub async fn blocking<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&Backend) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let backend = self.clone();
        match tokio::task::spawn_blocking(move || guarded(what, || f(&backend))).await {
            Ok(result) => result?,
            Err(error) => {
                tracing::error!("{what} failed: {error}");
                Err(Error {
                    code: tower_lsp::jsonrpc::ErrorCode::InternalError,
                    message: format!("tickmark {what} failed").into(),
                    data: None,
                })
            }
        }
    }

    pub fn features(&self) -> ClientFeatures {
        self.session.read().map(|s| s.features).unwrap_or_default()
    }

    pub fn effective(&self) -> Arc<Effective> {
        self.config
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_default()
    }

    /// The configuration `uri` is analysed with: the workspace root's, or for a document of
    /// another workspace folder, that folder's (the editor's settings under its own
    /// tickmark.toml), so that rule severities and box states follow the folder as the
    /// workspace index's globs do.
    pub fn effective_for(&self, uri: &Url) -> Arc<Effective> {
        let effective = self.effective();
        let Some(folder) = uri
            .to_file_path()
            .ok()
            .and_then(|path| self.shared.workspace.folder_of(&path))
        else {
            return effective;
        };
        let (root, editor) = match self.session.read() {
            Ok(s) => (s.root.clone(), s.editor_settings.clone()),
            Err(_) => (None, None),
        };
        if root.as_deref().is_none_or(|root| root == folder) {
            return effective;
        }
        if let Some(cached) = self.folder_configs.get(&folder) {
            if cached.generation == effective.generation {
                return Arc::clone(&cached);
            }
        }
        let config = workspace::folder_config(editor.as_ref(), &folder);
        let built = Arc::new(Effective {
            settings: config.settings(),
            cascade: cascade_of(&config),
            config,
            generation: effective.generation,
        });
        self.folder_configs.insert(folder, Arc::clone(&built));
        built
    }

    /// The analysed current version of an open document, shared by every request on that
    /// version: the incremental analysis that keeps the diagnostics, brought up to date and
    /// stitched into one document (the text is not parsed again).
    pub fn snapshot(&self, uri: &Url) -> Result<Arc<Snapshot>> {
        let config = self.effective().generation;
        let generation = documents::Generation {
            config,
            workspace: self.shared.workspace.generation(),
        };
        if let Some(snapshot) = self.documents.cached(uri, generation) {
            return Ok(snapshot);
        }
        // The pieces are taken while the analysis is held, and stitched after: requests on
        // the document need not wait for the stitch.
        let current = handlers::diagnostics::with_current(self, uri, |live, version| {
            (version, live.workspace, live.incremental.for_stitch())
        })?;
        let current = match current {
            Some((version, workspace, pieces)) => {
                let (text, analysis) = guarded("analysis", || pieces.analysis())?;
                Some(Snapshot {
                    version,
                    generation: documents::Generation { config, workspace },
                    text,
                    analysis,
                    items: std::sync::OnceLock::new(),
                })
            }
            None => None,
        };
        // Too large to analyse: a document with its lines and nothing else.
        let snapshot = Arc::new(if let Some(snapshot) = current {
            snapshot
        } else {
            let Some((version, text)) = self.documents.text(uri) else {
                return Err(Error::invalid_params(format!("{uri} is not open")));
            };
            Snapshot {
                version,
                generation,
                analysis: Analysis {
                    document: Document {
                        line_index: LineIndex::new(&text),
                        ..Document::default()
                    },
                    diagnostics: Vec::new(),
                },
                text,
                items: std::sync::OnceLock::new(),
            }
        });
        self.documents.store(uri, &snapshot);
        Ok(snapshot)
    }

    /// Applies every safe fix to `text` (`source.fixAll.tickmark`).
    pub fn fix_all(&self, uri: &Url, text: &str) -> Result<String> {
        let config = self.effective_for(uri);
        self.with_inputs(uri, |inputs| {
            guarded("fix all", || {
                analysis::fix_all(text, inputs, &config.settings).text
            })
        })
    }

    /// Gathers the facts the engine may not fetch itself: which linked files exist (relative
    /// to the document's folder, for `file://` documents), the last commit date, today, and
    /// the other roadmaps of the workspace (read under the index's lock).
    pub fn with_inputs<T>(&self, uri: &Url, f: impl FnOnce(&Inputs<'_>) -> T) -> T {
        let folder = document_folder(uri);
        // Targets outside the workspace are never looked up (and so never reported).
        let root = self.session.read().ok().and_then(|s| s.root.clone());
        let exists = |relative: &str| {
            folder.as_ref().is_none_or(|f| {
                let root = root.as_deref().filter(|r| f.starts_with(r)).unwrap_or(f);
                link_target_exists(root, f, relative)
            })
        };
        self.shared.workspace.with(|index| {
            let others = index.others(uri.as_str());
            let inputs = Inputs {
                link_exists: folder
                    .is_some()
                    .then_some(&exists as &(dyn Fn(&str) -> bool + Sync)),
                last_commit: self.last_commit(uri),
                today: Some(jiff::Zoned::now().date()),
                // A document alone in the index has nothing to compare with: skip the lookups.
                elsewhere: (index.len() > usize::from(index.contains(uri.as_str())))
                    .then_some(&others as &dyn OtherFiles),
            };
            f(&inputs)
        })
    }

    /// The date of the file's last committed change, for `stale-date`. The history cache
    /// answers this once it is wired in; until then the rule stays silent.
    pub fn last_commit(&self, uri: &Url) -> Option<jiff::civil::Date> {
        self.history_last_commit(uri)
    }

    /// Reads tickmark.toml from the workspace root and the editor's settings, merges them
    /// (the file wins) and reports each bad setting once with `window/showMessage`.
    pub async fn reload_config(&self) {
        let (root, editor) = match self.session.read() {
            Ok(s) => (s.root.clone(), s.editor_settings.clone()),
            Err(_) => (None, None),
        };
        let mut errors = Vec::new();
        let editor = match editor.as_ref().map(Config::from_editor_all) {
            None => Config::default(),
            Some((config, bad)) => {
                errors.extend(bad.iter().map(ToString::to_string));
                config
            }
        };
        let editor = match &root {
            Some(root) => editor.with_root(root.clone()),
            None => editor,
        };
        let file = match root.as_deref().map(Config::discover_all) {
            None | Some((None, _, _)) => None,
            Some((Some(_), config, bad)) => {
                errors.extend(bad.iter().map(ToString::to_string));
                Some(config)
            }
        };
        let merged = match &file {
            Some(file) => Config::merged(&editor, file),
            None => editor,
        };
        let cascade = cascade_of(&merged);
        if let Ok(mut config) = self.config.write() {
            *config = Arc::new(Effective {
                settings: merged.settings(),
                config: merged,
                cascade,
                generation: config.generation + 1,
            });
        }
        for error in errors {
            let first_time = self
                .session
                .write()
                .is_ok_and(|mut s| s.reported.insert(error.clone()));
            tracing::warn!("configuration: {error}");
            if first_time {
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!("tickmark: {error} (using the defaults for it)"),
                    )
                    .await;
            }
        }
    }

    /// Asks the editor for its `tickmark` settings when it supports `workspace/configuration`.
    pub async fn fetch_editor_settings(&self) {
        if !self.features().configuration {
            return;
        }
        let item = tower_lsp::lsp_types::ConfigurationItem {
            scope_uri: None,
            section: Some("tickmark".to_owned()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(mut values) if !values.is_empty() => {
                let value = values.swap_remove(0);
                if let Ok(mut s) = self.session.write() {
                    s.editor_settings = Some(value);
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!("workspace/configuration failed: {error}"),
        }
    }

    /// Logs an internal error to stderr and the client's log.
    pub async fn log_error(&self, message: impl std::fmt::Display) {
        tracing::error!("{message}");
        self.client
            .log_message(MessageType::ERROR, format!("tickmark: {message}"))
            .await;
    }

    async fn stats(&self, params: ext::StatsParams) -> Result<Value> {
        handlers::stats::stats(self, params).await
    }

    async fn direct(&self, request: handlers::direct::DirectRequest) {
        handlers::direct::answer(self, request).await;
    }

    /// A `didOpen` or `didChange` the framing guard read (see [`framing::PARKED_METHOD`]).
    async fn parked(&self, params: ParkedKey) {
        match self.wire.unpark(params.key) {
            Some(framing::Parked::Open(params)) => handlers::sync::did_open(self, params).await,
            Some(framing::Parked::Change(params)) => {
                handlers::sync::did_change(self, params).await;
            }
            None => tracing::warn!(
                "{}: nothing parked under {}",
                framing::PARKED_METHOD,
                params.key
            ),
        }
    }
}

/// Runs an engine call, turning a panic into an internal error.
pub fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        test_panic(what);
        f()
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        tracing::error!("{what} panicked: {message}");
        Error {
            code: tower_lsp::jsonrpc::ErrorCode::InternalError,
            message: format!("tickmark {what} failed: {message}").into(),
            data: None,
        }
    })
}

/// In debug builds only (the tests' binary), panics when `TICKMARK_TEST_PANIC` names the
/// guarded call `what`: the end-to-end proof that a panic is isolated. Release builds
/// never read the variable.
fn test_panic(what: &str) {
    if cfg!(debug_assertions) {
        static ASKED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let asked = ASKED.get_or_init(|| std::env::var("TICKMARK_TEST_PANIC").ok());
        assert!(
            asked.as_deref() != Some(what),
            "{what}: a panic asked for by TICKMARK_TEST_PANIC"
        );
    }
}

/// Whether the link `relative`, from a document in `folder`, names an existing file inside
/// `workspace`. A target outside it is never looked at (it counts as existing: the server
/// does not reveal what lies outside the workspace), and a symbolic link is not followed
/// (it exists if the link itself does).
fn link_target_exists(workspace: &Path, folder: &Path, relative: &str) -> bool {
    crate::analysis::rules::broken_link::target_inside(workspace, folder, relative)
        .is_none_or(|target| target.symlink_metadata().is_ok())
}

/// The folder of a `file://` document, for resolving relative links.
pub fn document_folder(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    uri.to_file_path()
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        handlers::lifecycle::initialize(self, params)
    }

    async fn initialized(&self, params: InitializedParams) {
        handlers::lifecycle::initialized(self, params).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::sync::did_open(self, params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::sync::did_change(self, params).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        handlers::sync::did_save(self, params).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::sync::did_close(self, params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::lifecycle::did_change_configuration(self, params).await;
    }

    async fn did_change_watched_files(
        &self,
        params: tower_lsp::lsp_types::DidChangeWatchedFilesParams,
    ) {
        self.watched_files_changed(params).await;
    }

    async fn did_change_workspace_folders(
        &self,
        params: tower_lsp::lsp_types::DidChangeWorkspaceFoldersParams,
    ) {
        self.workspace_folders_changed(params).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.blocking("diagnostics", move |b| {
            handlers::diagnostics::pull(b, params)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.blocking("code actions", move |b| {
            handlers::code_action::code_action(b, params)
        })
        .await
    }

    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        self.blocking("code action resolve", move |b| {
            handlers::code_action::resolve(b, action)
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        handlers::commands::execute_command(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.blocking("completion", move |b| {
            handlers::completion::completion(b, params)
        })
        .await
    }

    async fn on_type_formatting(
        &self,
        params: DocumentOnTypeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        self.blocking("on-type formatting", move |b| {
            handlers::completion::on_type_formatting(b, params)
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.blocking("hover", move |b| handlers::hover::hover(b, params))
            .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.blocking("outline", move |b| {
            handlers::outline::document_symbol(b, params)
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<Vec<SymbolInformation>>> {
        self.blocking("workspace symbols", move |b| {
            handlers::outline::workspace_symbol(b, params)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.blocking("folding", move |b| {
            handlers::outline::folding_range(b, params)
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.blocking("code lenses", move |b| {
            handlers::outline::code_lens(b, params)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.blocking("inlay hints", move |b| {
            handlers::outline::inlay_hint(b, params)
        })
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.blocking("document links", move |b| {
            handlers::outline::document_link(b, params)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::link_target_exists;

    #[test]
    fn links_out_of_the_workspace_are_never_looked_at() {
        let workspace = tempfile::tempdir().unwrap();
        let docs = workspace.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("here.md"), "").unwrap();
        assert!(link_target_exists(workspace.path(), &docs, "here.md"));
        assert!(link_target_exists(
            workspace.path(),
            &docs,
            "./../docs/here.md"
        ));
        assert!(!link_target_exists(workspace.path(), &docs, "missing.md"));
        // Outside: not checked, so not reported either way.
        assert!(link_target_exists(
            workspace.path(),
            &docs,
            "../../../etc/passwd"
        ));
        assert!(link_target_exists(
            workspace.path(),
            &docs,
            "../../no-such-file"
        ));
    }
}
