//! A test client for the server, driven in process through `LspService` and its socket.
//!
//! Requests are built from `lsp-types`; the client answers the server's own requests
//! (`workspace/configuration` with the settings given to the builder, `workspace/applyEdit`
//! with `applied: true`) and queues every message the server sends. On drop it asserts that
//! each queued message was consumed, then shuts the server down.

use std::collections::VecDeque;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use serde_json::{json, Value};
use tickmark::server::Backend;
use tower::{Service, ServiceExt};
use tower_lsp::jsonrpc::Id;
use tower_lsp::jsonrpc::{self, Request, Response};
use tower_lsp::lsp_types::notification::{self as note, Notification};
use tower_lsp::lsp_types::request::{self as req, Request as LspRequest};
#[allow(clippy::wildcard_imports)] // The test DSL speaks lsp-types' vocabulary throughout.
use tower_lsp::lsp_types::*;
use tower_lsp::LspService;

/// A message from the server that the test has not looked at yet.
#[derive(Debug)]
pub struct ServerMessage {
    pub method: String,
    pub params: Value,
}

#[allow(clippy::struct_excessive_bools)] // One flag per client capability the builder can offer.
pub struct Builder {
    utf8: bool,
    pull: bool,
    versioned: bool,
    configuration: Option<Value>,
    initialization_options: Option<Value>,
    root: Option<std::path::PathBuf>,
    apply_edits: bool,
    resolve_edits: bool,
    folding_limit: Option<u32>,
    work_done_progress: bool,
    watch_files: bool,
    folders: Vec<std::path::PathBuf>,
}

impl Builder {
    /// Declares `window.workDoneProgress`: the server then reports its scans.
    pub fn work_done_progress(mut self) -> Self {
        self.work_done_progress = true;
        self
    }

    /// Declares `workspace.didChangeWatchedFiles.dynamicRegistration`.
    pub fn watch_files(mut self) -> Self {
        self.watch_files = true;
        self
    }

    /// Adds a workspace folder after the root's.
    pub fn folder(mut self, folder: &std::path::Path) -> Self {
        self.folders.push(folder.to_owned());
        self
    }

    /// Offers UTF-8 positions (the server then uses them).
    pub fn utf8(mut self) -> Self {
        self.utf8 = true;
        self
    }

    /// Declares pull diagnostics: the server then publishes nothing.
    pub fn pull_diagnostics(mut self) -> Self {
        self.pull = true;
        self
    }

    /// Declares `workspaceEdit.documentChanges`.
    pub fn versioned_edits(mut self) -> Self {
        self.versioned = true;
        self
    }

    /// Answers `workspace/configuration` for section `tickmark` with `settings`.
    pub fn editor_settings(mut self, settings: Value) -> Self {
        self.configuration = Some(settings);
        self
    }

    #[allow(dead_code)] // Part of the builder's vocabulary; used by editors' settings tests.
    pub fn initialization_options(mut self, options: Value) -> Self {
        self.initialization_options = Some(options);
        self
    }

    /// The workspace folder (where tickmark.toml is read from).
    pub fn root(mut self, root: &std::path::Path) -> Self {
        self.root = Some(root.to_owned());
        self
    }

    /// Declares `codeAction/resolve` for edits: costly edits then come unresolved.
    pub fn resolve_edits(mut self) -> Self {
        self.resolve_edits = true;
        self
    }

    /// Declares `foldingRange.rangeLimit`.
    pub fn folding_limit(mut self, limit: u32) -> Self {
        self.folding_limit = Some(limit);
        self
    }

    /// Answers `workspace/applyEdit` with `applied: false`.
    pub fn reject_edits(mut self) -> Self {
        self.apply_edits = false;
        self
    }

    pub async fn start(self) -> TestServer {
        let (service, socket) = tickmark::server::service();
        let mut server = TestServer {
            service,
            socket,
            initialize_result: None,
            inbox: VecDeque::new(),
            next_id: 1,
            configuration: self.configuration.clone(),
            apply_edits: self.apply_edits,
            pull: self.pull,
            versions: std::collections::HashMap::new(),
            finished: false,
        };
        let mut capabilities = ClientCapabilities::default();
        if self.utf8 {
            capabilities.general = Some(GeneralClientCapabilities {
                position_encodings: Some(vec![
                    PositionEncodingKind::UTF8,
                    PositionEncodingKind::UTF16,
                ]),
                ..GeneralClientCapabilities::default()
            });
        }
        let mut workspace = WorkspaceClientCapabilities::default();
        if self.versioned {
            workspace.workspace_edit = Some(WorkspaceEditClientCapabilities {
                document_changes: Some(true),
                ..WorkspaceEditClientCapabilities::default()
            });
        }
        if self.configuration.is_some() {
            workspace.configuration = Some(true);
        }
        if self.watch_files {
            workspace.did_change_watched_files = Some(DidChangeWatchedFilesClientCapabilities {
                dynamic_registration: Some(true),
                ..DidChangeWatchedFilesClientCapabilities::default()
            });
        }
        if self.work_done_progress {
            capabilities.window = Some(WindowClientCapabilities {
                work_done_progress: Some(true),
                ..WindowClientCapabilities::default()
            });
        }
        capabilities.workspace = Some(workspace);
        let mut text_document = TextDocumentClientCapabilities::default();
        if self.pull {
            text_document.diagnostic = Some(DiagnosticClientCapabilities::default());
        }
        if self.resolve_edits {
            text_document.code_action = Some(CodeActionClientCapabilities {
                resolve_support: Some(CodeActionCapabilityResolveSupport {
                    properties: vec!["edit".to_owned()],
                }),
                ..CodeActionClientCapabilities::default()
            });
        }
        if let Some(limit) = self.folding_limit {
            text_document.folding_range = Some(FoldingRangeClientCapabilities {
                range_limit: Some(limit),
                ..FoldingRangeClientCapabilities::default()
            });
        }
        if self.pull || self.resolve_edits || self.folding_limit.is_some() {
            capabilities.text_document = Some(text_document);
        }
        #[allow(deprecated)]
        let params = InitializeParams {
            capabilities,
            initialization_options: self.initialization_options,
            workspace_folders: self.root.as_ref().map(|r| {
                std::iter::once(r)
                    .chain(&self.folders)
                    .map(|r| WorkspaceFolder {
                        uri: Url::from_directory_path(r).unwrap(),
                        name: "root".to_owned(),
                    })
                    .collect()
            }),
            ..InitializeParams::default()
        };
        let result = server.request::<req::Initialize>(params).await;
        server.initialize_result = Some(result);
        server
            .notify::<note::Initialized>(InitializedParams {})
            .await;
        server
    }
}

pub struct TestServer {
    service: LspService<Backend>,
    socket: tower_lsp::ClientSocket,
    inbox: VecDeque<ServerMessage>,
    next_id: i64,
    configuration: Option<Value>,
    apply_edits: bool,
    pull: bool,
    versions: std::collections::HashMap<Url, i32>,
    finished: bool,
    pub initialize_result: Option<InitializeResult>,
}

/// How long to wait for a message the test expects before failing (never hit when the
/// server behaves).
const PATIENCE: Duration = Duration::from_secs(20);

impl TestServer {
    pub fn builder() -> Builder {
        Builder {
            utf8: false,
            pull: false,
            versioned: false,
            configuration: None,
            initialization_options: None,
            root: None,
            apply_edits: true,
            resolve_edits: false,
            folding_limit: None,
            work_done_progress: false,
            watch_files: false,
            folders: Vec::new(),
        }
    }

    /// A server with default client capabilities (UTF-16, push diagnostics).
    pub async fn new() -> TestServer {
        Self::builder().start().await
    }

    pub fn backend(&self) -> &Backend {
        self.service.inner()
    }

    /// The server's current text of `uri`.
    pub fn text(&self, uri: &Url) -> String {
        self.backend().documents.text(uri).expect("open").1
    }

    /// Sends a request and returns its result, failing the test on an error response.
    pub async fn request<R: LspRequest>(&mut self, params: R::Params) -> R::Result {
        let response = self
            .raw_request(R::METHOD, serde_json::to_value(params).unwrap())
            .await;
        match response.into_parts().1 {
            Ok(value) => serde_json::from_value(value).unwrap(),
            Err(error) => panic!("{} failed: {error:?}", R::METHOD),
        }
    }

    /// Sends a request and returns the error it must fail with.
    pub async fn request_error<R: LspRequest>(&mut self, params: R::Params) -> jsonrpc::Error {
        let response = self
            .raw_request(R::METHOD, serde_json::to_value(params).unwrap())
            .await;
        match response.into_parts().1 {
            Ok(value) => panic!("{} succeeded with {value}", R::METHOD),
            Err(error) => error,
        }
    }

    pub async fn raw_request(&mut self, method: &str, params: Value) -> Response {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method.to_owned())
            .id(id)
            .params(params)
            .finish();
        self.call(request).await.expect("a response")
    }

    pub async fn notify<N: Notification>(&mut self, params: N::Params) {
        let request = Request::build(N::METHOD)
            .params(serde_json::to_value(params).unwrap())
            .finish();
        assert!(self.call(request).await.is_none());
    }

    /// Hands one message to the service while answering whatever the server asks meanwhile.
    pub async fn call(&mut self, request: Request) -> Option<Response> {
        let service = self.service.ready().await.expect("service ready");
        let future = service.call(request);
        tokio::pin!(future);
        loop {
            tokio::select! {
                biased;
                response = &mut future => return response.expect("service error"),
                Some(message) = self.socket.next() => self.handle(message).await,
            }
        }
    }

    async fn handle(&mut self, message: Request) {
        let (method, id, params) = message.into_parts();
        let params = params.unwrap_or(Value::Null);
        let Some(id) = id else {
            self.inbox.push_back(ServerMessage {
                method: method.into_owned(),
                params,
            });
            return;
        };
        let result = match method.as_ref() {
            "workspace/configuration" => {
                let items = params["items"].as_array().map_or(0, Vec::len);
                json!(vec![
                    self.configuration.clone().unwrap_or(Value::Null);
                    items
                ])
            }
            "workspace/applyEdit" => {
                self.inbox.push_back(ServerMessage {
                    method: method.into_owned(),
                    params,
                });
                json!({ "applied": self.apply_edits })
            }
            _ => {
                self.inbox.push_back(ServerMessage {
                    method: method.into_owned(),
                    params,
                });
                Value::Null
            }
        };
        self.socket
            .send(Response::from_ok(id, result))
            .await
            .expect("server alive");
    }

    /// The next message from the server, waiting for it if need be.
    pub async fn receive(&mut self) -> ServerMessage {
        loop {
            if let Some(message) = self.inbox.pop_front() {
                return message;
            }
            let next = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the server sent nothing")
                .expect("socket open");
            self.handle(next).await;
        }
    }

    /// Messages already sent and not yet consumed, without waiting.
    fn drain(&mut self) {
        while let Some(Some(message)) = self.socket.next().now_or_never() {
            futures::executor::block_on(self.handle(message));
        }
    }

    pub async fn expect<N: Notification>(&mut self) -> N::Params {
        let message = self.receive().await;
        assert_eq!(message.method, N::METHOD, "unexpected {message:?}");
        serde_json::from_value(message.params).unwrap()
    }

    pub async fn expect_diagnostics(&mut self) -> PublishDiagnosticsParams {
        self.expect::<note::PublishDiagnostics>().await
    }

    pub async fn expect_apply_edit(&mut self) -> ApplyWorkspaceEditParams {
        let message = self.receive().await;
        assert_eq!(
            message.method, "workspace/applyEdit",
            "unexpected {message:?}"
        );
        serde_json::from_value(message.params).unwrap()
    }

    pub async fn expect_show_message(&mut self) -> ShowMessageParams {
        self.expect::<note::ShowMessage>().await
    }

    /// Every message already sent and not yet consumed, without waiting.
    #[allow(dead_code)] // Used by the benches, which wait for background work by other means.
    pub fn take_messages(&mut self) -> Vec<ServerMessage> {
        self.drain();
        self.inbox.drain(..).collect()
    }

    pub fn assert_no_messages(&mut self) {
        self.drain();
        assert!(self.inbox.is_empty(), "unconsumed: {:#?}", self.inbox);
    }

    /// Opens a document (version 1) and returns its diagnostics, pushed or pulled.
    pub async fn open(&mut self, uri: &Url, text: &str) -> Vec<Diagnostic> {
        self.versions.insert(uri.clone(), 1);
        self.notify::<note::DidOpenTextDocument>(DidOpenTextDocumentParams {
            text_document: TextDocumentItem::new(
                uri.clone(),
                "markdown".to_owned(),
                1,
                text.to_owned(),
            ),
        })
        .await;
        self.diagnostics_after_change(uri, 1).await
    }

    /// Applies ranged edits as the next version and returns the diagnostics.
    pub async fn change(&mut self, uri: &Url, edits: &[(Range, &str)]) -> Vec<Diagnostic> {
        let version = self.send_change(uri, edits).await;
        self.diagnostics_after_change(uri, version).await
    }

    /// Sends a `didChange` with the next version, without reading diagnostics.
    pub async fn send_change(&mut self, uri: &Url, edits: &[(Range, &str)]) -> i32 {
        let version = self.versions.entry(uri.clone()).or_insert(0);
        *version += 1;
        let version = *version;
        self.notify::<note::DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(uri.clone(), version),
            content_changes: edits
                .iter()
                .map(|(range, text)| TextDocumentContentChangeEvent {
                    range: Some(*range),
                    range_length: None,
                    text: (*text).to_owned(),
                })
                .collect(),
        })
        .await;
        version
    }

    async fn diagnostics_after_change(&mut self, uri: &Url, version: i32) -> Vec<Diagnostic> {
        if self.pull {
            return self.pull_diagnostics(uri).await;
        }
        let published = self.expect_diagnostics().await;
        assert_eq!(&published.uri, uri);
        assert_eq!(published.version, Some(version));
        published.diagnostics
    }

    pub async fn pull_diagnostics(&mut self, uri: &Url) -> Vec<Diagnostic> {
        let report = self
            .request::<req::DocumentDiagnosticRequest>(DocumentDiagnosticParams {
                text_document: TextDocumentIdentifier::new(uri.clone()),
                identifier: None,
                previous_result_id: None,
                work_done_progress_params: WorkDoneProgressParams::default(),
                partial_result_params: PartialResultParams::default(),
            })
            .await;
        match report {
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(full)) => {
                full.full_document_diagnostic_report.items
            }
            other => panic!("expected a full report, got {other:?}"),
        }
    }

    pub async fn code_actions(&mut self, uri: &Url, range: Range) -> Vec<CodeAction> {
        self.code_actions_only(uri, range, None).await
    }

    pub async fn code_actions_only(
        &mut self,
        uri: &Url,
        range: Range,
        only: Option<Vec<CodeActionKind>>,
    ) -> Vec<CodeAction> {
        let actions = self
            .request::<req::CodeActionRequest>(CodeActionParams {
                text_document: TextDocumentIdentifier::new(uri.clone()),
                range,
                context: CodeActionContext {
                    diagnostics: Vec::new(),
                    only,
                    trigger_kind: None,
                },
                work_done_progress_params: WorkDoneProgressParams::default(),
                partial_result_params: PartialResultParams::default(),
            })
            .await
            .unwrap_or_default();
        actions
            .into_iter()
            .map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a,
                CodeActionOrCommand::Command(c) => panic!("bare command {c:?}"),
            })
            .collect()
    }

    pub async fn execute_toggle(&mut self, arguments: Value) -> Option<Value> {
        self.request::<req::ExecuteCommand>(ExecuteCommandParams {
            command: "tickmark.toggleTask".to_owned(),
            arguments: vec![arguments],
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await
    }

    pub async fn hover(&mut self, uri: &Url, position: Position) -> Option<Hover> {
        self.request::<req::HoverRequest>(HoverParams {
            text_document_position_params: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(uri.clone()),
                position,
            ),
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if self.finished || std::thread::panicking() {
            return;
        }
        self.finished = true;
        self.drain();
        assert!(
            self.inbox.is_empty(),
            "the test did not consume: {:#?}",
            self.inbox
        );
        futures::executor::block_on(async {
            let shutdown = Request::build("shutdown").id(Id::Number(0)).finish();
            let response = self.call(shutdown).await.expect("shutdown answered");
            assert!(response.is_ok(), "{response:?}");
            self.call(Request::build("exit").finish()).await;
        });
    }
}

/// A file URI in a folder that does not exist (relative links are then broken).
pub fn uri(name: &str) -> Url {
    Url::parse(&format!("file:///tickmark-test-workspace/{name}")).unwrap()
}

pub fn pos(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

pub fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Range {
    Range::new(pos(l1, c1), pos(l2, c2))
}

/// The single-document edits of a workspace edit, whichever form it takes.
pub fn edits_of(edit: &WorkspaceEdit) -> Vec<TextEdit> {
    if let Some(changes) = &edit.changes {
        assert_eq!(changes.len(), 1);
        return changes.values().next().unwrap().clone();
    }
    match &edit.document_changes {
        Some(DocumentChanges::Edits(edits)) => {
            assert_eq!(edits.len(), 1);
            edits[0]
                .edits
                .iter()
                .map(|e| match e {
                    OneOf::Left(e) => e.clone(),
                    OneOf::Right(a) => a.text_edit.clone(),
                })
                .collect()
        }
        other => panic!("unexpected edit {other:?}"),
    }
}

/// Applies LSP edits (UTF-16 positions) to `text`, last first.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let index = tickmark::analysis::LineIndex::new(text);
    let mut ranged: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let at = |p: Position| {
                index.offset(
                    text,
                    tickmark::analysis::LineCol {
                        line: p.line,
                        col: p.character,
                    },
                    tickmark::analysis::Encoding::Utf16,
                )
            };
            (at(e.range.start), at(e.range.end), e.new_text.as_str())
        })
        .collect();
    ranged.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_owned();
    for (start, end, insert) in ranged {
        out.replace_range(start..end, insert);
    }
    out
}

/// `line:col-line:col` of a range, for compact assertions.
pub fn span(range: Range) -> String {
    format!(
        "{}:{}-{}:{}",
        range.start.line, range.start.character, range.end.line, range.end.character
    )
}
