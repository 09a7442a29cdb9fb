//! The language server as VS Code drives it, beside two peers in the same run.
//!
//! The built `tickmark lsp` and, when installed, `rumdl server` and the VS Code markdown
//! language server are each spawned over stdio with VS Code's client capabilities (UTF-16
//! positions, pull diagnostics, hierarchical document symbols, versioned publishes). Each
//! opens a generated roadmap of 1 MB and 10 MB and is measured on:
//!
//! 1. didOpen → its first diagnostics: the pull `textDocument/diagnostic` answered when the
//!    server advertises `diagnosticProvider`, else the `publishDiagnostics` of version 1;
//!    then, at once, what VS Code asks for a document it has just shown (documentSymbol,
//!    foldingRange, codeLens, inlayHint for the first screen), each timed from didOpen; the
//!    typing starts once they are answered;
//! 2. 500 characters typed at the end of a task line in the middle of the document, the
//!    `didChange` notifications sent without waiting, then at once what VS Code asks after an
//!    edit: pull diagnostics, documentSymbol, foldingRange, codeLens, inlayHint (the ~60
//!    visible lines) and codeAction at the cursor (automatic trigger, the line's diagnostics
//!    in its context), each timed from the last edit sent until its response has been read.
//!    A server that asks for whole-document sync (rumdl) gets what vscode-languageclient
//!    sends it: the edits merged into one full-text `didChange`, sent before the requests;
//! 3. the same requests again on the same version, 20 times each or for 10 s, whichever
//!    ends first (the median); pull diagnostics with the `previousResultId` of the last
//!    answer;
//! 4. the server's peak RSS (`VmHWM`), read before shutdown.
//!
//! Each server runs three times, fresh, interleaved (tickmark, rumdl, VS Code, tickmark, …);
//! the table has the medians, `—` where a server does not have the request, and how tickmark
//! compares with the fastest peer. A no-op round trip (an unknown method) is the same-run
//! baseline of the pipes.
//!
//! Peers are found through `TICKMARK_BENCH_RUMDL` and `TICKMARK_BENCH_VSCODE_MD` (the path of
//! the executable), else on PATH; one that is missing is skipped with a line saying how to
//! install it. The VS Code markdown server leaves parsing to its client (`markdown/parse`
//! asks for markdown-it tokens), so it runs behind `benches/peers/vscode-markdown-shim.js`,
//! which answers that request as VS Code does, with the `markdown-it` npm package; its RSS is
//! the server's own (the shim's child), not the shim's. Install the peers with
//! `pip install rumdl` and `npm install vscode-langservers-extracted markdown-it`.
//!
//! `cargo bench --bench editor` runs it all; `TICKMARK_BENCH_PEERS=0` leaves the peers out;
//! `TICKMARK_BENCH_SIZES=1` (or `1,10`, in MB)
//! picks the sizes. Without `--bench` (`cargo test --benches`) a 20 KB smoke run of tickmark
//! alone.

#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "common/roadmap.rs"]
#[allow(
    dead_code,
    reason = "the many-problems roadmap is for lsp.rs; this bench opens the usual one"
)]
mod roadmap;

use roadmap::{roadmap, Problems};

/// How long any one message may take to arrive before the run is given up.
const READ_TIMEOUT: Duration = Duration::from_secs(300);
const RUNS: usize = 3;
const WARM_REPEATS: usize = 20;
/// Warm requests stop repeating after this long (a slow one at 10 MB takes seconds).
const WARM_BUDGET: Duration = Duration::from_secs(10);
const METHOD_NOT_FOUND: i64 = -32601;

/// The requests VS Code sends after an edit, in the order it sends them.
const REQUESTS: [Request; 6] = [
    Request::Diagnostic,
    Request::DocumentSymbol,
    Request::FoldingRange,
    Request::CodeLens,
    Request::InlayHint,
    Request::CodeAction,
];

/// What VS Code asks, beside diagnostics, for a document it has just shown.
const OPEN_REQUESTS: [Request; 4] = [
    Request::DocumentSymbol,
    Request::FoldingRange,
    Request::CodeLens,
    Request::InlayHint,
];

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Request {
    Diagnostic,
    DocumentSymbol,
    FoldingRange,
    CodeLens,
    InlayHint,
    CodeAction,
}

impl Request {
    fn method(self) -> &'static str {
        match self {
            Self::Diagnostic => "textDocument/diagnostic",
            Self::DocumentSymbol => "textDocument/documentSymbol",
            Self::FoldingRange => "textDocument/foldingRange",
            Self::CodeLens => "textDocument/codeLens",
            Self::InlayHint => "textDocument/inlayHint",
            Self::CodeAction => "textDocument/codeAction",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Diagnostic => "diagnostics (pull)",
            Self::DocumentSymbol => "documentSymbol",
            Self::FoldingRange => "foldingRange",
            Self::CodeLens => "codeLens",
            Self::InlayHint => "inlayHint",
            Self::CodeAction => "codeAction",
        }
    }

    /// The capability that announces the request.
    fn capability(self) -> &'static str {
        match self {
            Self::Diagnostic => "diagnosticProvider",
            Self::DocumentSymbol => "documentSymbolProvider",
            Self::FoldingRange => "foldingRangeProvider",
            Self::CodeLens => "codeLensProvider",
            Self::InlayHint => "inlayHintProvider",
            Self::CodeAction => "codeActionProvider",
        }
    }
}

/// One server to measure: how to start it, and the settings its VS Code extension sends.
struct Server {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
    /// Sent as `workspace/didChangeConfiguration` after `initialized`, and the answer to
    /// `workspace/configuration` for these sections.
    settings: Value,
    /// The shim prints its own errors (a missing npm package); servers' stderr is noise.
    inherit_stderr: bool,
}

/// VS Code's defaults for the `markdown` section, with validation on (its default is off,
/// which would leave the server nothing to compute for diagnostics).
fn vscode_markdown_settings() -> Value {
    json!({ "markdown": {
        "server": { "log": "off" },
        "preferredMdPathExtensionStyle": "auto",
        "suggest": { "paths": { "enabled": true, "includeWorkspaceHeaderCompletions": "onDoubleHash" } },
        "occurrencesHighlight": { "enabled": false },
        "validate": {
            "enabled": true,
            "referenceLinks": { "enabled": "warning" },
            "fragmentLinks": { "enabled": "warning" },
            "fileLinks": { "enabled": "warning", "markdownFragmentLinks": "inherit" },
            "ignoredLinks": [],
            "unusedLinkDefinitions": { "enabled": "hint" },
            "duplicateLinkDefinitions": { "enabled": "warning" }
        }
    }})
}

/// `var` when set, else `name` on PATH.
fn find_program(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

fn servers(peers: bool) -> Vec<Server> {
    let mut servers = vec![Server {
        name: "tickmark",
        program: PathBuf::from(env!("CARGO_BIN_EXE_tickmark")),
        args: vec!["lsp".to_owned()],
        settings: json!({}),
        inherit_stderr: false,
    }];
    if !peers {
        return servers;
    }
    match find_program("TICKMARK_BENCH_RUMDL", "rumdl") {
        Some(program) => servers.push(Server {
            name: "rumdl server",
            program,
            args: vec!["server".to_owned()],
            settings: json!({}),
            inherit_stderr: false,
        }),
        None => println!(
            "rumdl server: skipped, not found (`pip install rumdl`, or set TICKMARK_BENCH_RUMDL)"
        ),
    }
    let vscode = find_program(
        "TICKMARK_BENCH_VSCODE_MD",
        "vscode-markdown-language-server",
    );
    let node = find_program("TICKMARK_BENCH_NODE", "node");
    match (vscode, node) {
        (Some(server), Some(node)) => servers.push(Server {
            name: "VS Code markdown server",
            program: node,
            args: vec![
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("benches/peers/vscode-markdown-shim.js")
                    .display()
                    .to_string(),
                server.display().to_string(),
                "--stdio".to_owned(),
            ],
            settings: vscode_markdown_settings(),
            inherit_stderr: true,
        }),
        _ => println!(
            "VS Code markdown server: skipped, not found (needs node; \
             `npm install vscode-langservers-extracted markdown-it`, then put \
             node_modules/.bin on PATH or set TICKMARK_BENCH_VSCODE_MD)"
        ),
    }
    servers
}

/// A message as read from the server, and when its body had been read whole.
struct Incoming {
    at: Instant,
    message: Value,
}

/// A running server and the client end of its stdio.
struct Session<'a> {
    server: &'a Server,
    child: Child,
    input: Option<ChildStdin>,
    incoming: Receiver<Result<Incoming, String>>,
    next_id: i64,
    capabilities: Value,
    /// Responses read while waiting for something else, by id.
    responses: HashMap<i64, Incoming>,
    /// The latest publishDiagnostics per version, for push servers.
    published: HashMap<i64, (Instant, usize)>,
    workspace: PathBuf,
    uri: String,
}

/// VS Code's client capabilities, as far as the requests measured here are concerned.
fn client_capabilities() -> Value {
    json!({
        "general": {
            "positionEncodings": ["utf-16"],
            "staleRequestSupport": {
                "cancel": true,
                "retryOnContentModified": [
                    "textDocument/semanticTokens/full",
                    "textDocument/semanticTokens/range",
                    "textDocument/semanticTokens/full/delta"
                ]
            },
            "regularExpressions": { "engine": "ECMAScript", "version": "ES2020" },
            "markdown": { "parser": "marked", "version": "1.1.0" }
        },
        "workspace": {
            "applyEdit": true,
            "workspaceEdit": {
                "documentChanges": true,
                "resourceOperations": ["create", "rename", "delete"],
                "failureHandling": "textOnlyTransactional",
                "normalizesLineEndings": true,
                "changeAnnotationSupport": { "groupsOnLabel": true }
            },
            "configuration": true,
            "didChangeConfiguration": { "dynamicRegistration": true },
            "didChangeWatchedFiles": { "dynamicRegistration": true, "relativePatternSupport": true },
            "workspaceFolders": true,
            "executeCommand": { "dynamicRegistration": true },
            "symbol": { "dynamicRegistration": true },
            "diagnostics": { "refreshSupport": true },
            "codeLens": { "refreshSupport": true },
            "inlayHint": { "refreshSupport": true },
            "semanticTokens": { "refreshSupport": true },
            "foldingRange": { "refreshSupport": true }
        },
        "textDocument": {
            "synchronization": {
                "dynamicRegistration": true,
                "willSave": true,
                "willSaveWaitUntil": true,
                "didSave": true
            },
            "publishDiagnostics": {
                "relatedInformation": true,
                "versionSupport": true,
                "tagSupport": { "valueSet": [1, 2] },
                "codeDescriptionSupport": true,
                "dataSupport": true
            },
            "diagnostic": { "dynamicRegistration": true, "relatedDocumentSupport": false },
            "documentSymbol": {
                "dynamicRegistration": true,
                "symbolKind": { "valueSet": (1..=26).collect::<Vec<_>>() },
                "hierarchicalDocumentSymbolSupport": true,
                "tagSupport": { "valueSet": [1] },
                "labelSupport": true
            },
            "foldingRange": {
                "dynamicRegistration": true,
                "rangeLimit": 5000,
                "lineFoldingOnly": true,
                "foldingRangeKind": { "valueSet": ["comment", "imports", "region"] },
                "foldingRange": { "collapsedText": false }
            },
            "codeLens": { "dynamicRegistration": true },
            "inlayHint": {
                "dynamicRegistration": true,
                "resolveSupport": {
                    "properties": ["tooltip", "textEdits", "label.tooltip", "label.location", "label.command"]
                }
            },
            "codeAction": {
                "dynamicRegistration": true,
                "isPreferredSupport": true,
                "disabledSupport": true,
                "dataSupport": true,
                "resolveSupport": { "properties": ["edit"] },
                "codeActionLiteralSupport": {
                    "codeActionKind": {
                        "valueSet": ["", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                                     "refactor.rewrite", "source", "source.organizeImports"]
                    }
                },
                "honorsChangeAnnotations": true
            },
            "hover": { "dynamicRegistration": true, "contentFormat": ["markdown", "plaintext"] },
            "completion": {
                "dynamicRegistration": true,
                "contextSupport": true,
                "completionItem": {
                    "snippetSupport": true,
                    "documentationFormat": ["markdown", "plaintext"],
                    "insertReplaceSupport": true,
                    "labelDetailsSupport": true
                }
            },
            "documentLink": { "dynamicRegistration": true, "tooltipSupport": true }
        },
        "window": {
            "showMessage": { "messageActionItem": { "additionalPropertiesSupport": true } },
            "showDocument": { "support": true },
            "workDoneProgress": true
        }
    })
}

/// Reads Content-Length framed messages on a thread, so that every wait has a timeout and
/// the server never blocks on a full pipe. A message is timed when its last byte is read and
/// parsed on another thread, so that a large answer (the outline) being parsed does not
/// delay the time taken of the answers behind it.
fn reader(output: impl Read + Send + 'static) -> Receiver<Result<Incoming, String>> {
    let (send, receive) = mpsc::channel();
    let (send_read, read) = mpsc::channel::<Result<(Instant, Vec<u8>), String>>();
    std::thread::spawn(move || {
        for frame in read {
            let message = frame.and_then(|(at, body)| {
                serde_json::from_slice(&body)
                    .map(|message| Incoming { at, message })
                    .map_err(|e| format!("the server sent invalid JSON: {e}"))
            });
            if send.send(message).is_err() {
                return;
            }
        }
    });
    let send = send_read;
    std::thread::spawn(move || {
        let mut output = BufReader::with_capacity(1 << 16, output);
        loop {
            let mut length = None;
            loop {
                let mut header = String::new();
                match output.read_line(&mut header) {
                    Ok(0) | Err(_) => {
                        let _ = send.send(Err("the server closed its output".to_owned()));
                        return;
                    }
                    Ok(_) => {}
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap_or((header, ""));
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
            let Some(length) = length else { continue };
            let mut body = vec![0; length];
            if output.read_exact(&mut body).is_err() {
                let _ = send.send(Err("the server closed its output".to_owned()));
                return;
            }
            if send.send(Ok((Instant::now(), body))).is_err() {
                return;
            }
        }
    });
    receive
}

/// The outcome of one request.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    Took(Duration),
    /// Not announced in the capabilities, or answered with "method not found".
    Unsupported,
    /// Answered with another error.
    Failed,
}

impl<'a> Session<'a> {
    fn start(server: &'a Server, run: usize) -> Result<Self, String> {
        let workspace = std::env::temp_dir().join(format!(
            "tickmark-editor-bench-{}-{run}-{}",
            std::process::id(),
            server.name.split(' ').next().unwrap_or("server")
        ));
        std::fs::create_dir_all(&workspace).map_err(|e| e.to_string())?;
        let mut child = Command::new(&server.program)
            .args(&server.args)
            .current_dir(&workspace)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if server.inherit_stderr {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .map_err(|e| format!("{} does not start: {e}", server.program.display()))?;
        let input = child.stdin.take();
        let incoming = reader(child.stdout.take().expect("piped stdout"));
        let root = format!("file://{}", workspace.display());
        let mut session = Self {
            server,
            child,
            input,
            incoming,
            next_id: 0,
            capabilities: Value::Null,
            responses: HashMap::new(),
            published: HashMap::new(),
            uri: format!("{root}/ROADMAP.md"),
            workspace,
        };
        let (_, initialized) = session.request(
            "initialize",
            &json!({
                "processId": std::process::id(),
                "clientInfo": { "name": "Visual Studio Code", "version": "1.96.0" },
                "locale": "en",
                "rootPath": session.workspace,
                "rootUri": root,
                "workspaceFolders": [{ "uri": root, "name": "bench" }],
                "capabilities": client_capabilities(),
                "trace": "off"
            }),
        )?;
        session.capabilities = initialized["result"]["capabilities"].clone();
        session.notify("initialized", &json!({}))?;
        let settings = session.server.settings.clone();
        if settings.as_object().is_some_and(|s| !s.is_empty()) {
            session.notify(
                "workspace/didChangeConfiguration",
                &json!({ "settings": settings }),
            )?;
        }
        Ok(session)
    }

    fn supports(&self, request: Request) -> bool {
        let capability = &self.capabilities[request.capability()];
        !capability.is_null() && *capability != json!(false)
    }

    fn pull(&self) -> bool {
        self.supports(Request::Diagnostic)
    }

    /// Whether the server takes incremental changes (else whole documents).
    fn incremental(&self) -> bool {
        let sync = &self.capabilities["textDocumentSync"];
        let kind = sync.get("change").unwrap_or(sync);
        kind.as_i64() == Some(2)
    }

    /// The server's process: the one spawned, or the shim's only child.
    fn server_pid(&self) -> u32 {
        let mut pid = self.child.id();
        for _ in 0..4 {
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            let mut children = children.split_whitespace();
            match (children.next(), children.next()) {
                (Some(only), None) => pid = only.parse().unwrap_or(pid),
                _ => break,
            }
        }
        pid
    }

    /// The server's peak resident set, in kB.
    fn peak_rss(&self) -> Option<u32> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.server_pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = serde_json::to_vec(message).expect("a JSON value serialises");
        let input = self.input.as_mut().ok_or("stdin closed")?;
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        input
            .write_all(&frame)
            .and_then(|()| input.flush())
            .map_err(|e| format!("writing to the server: {e}"))
    }

    fn notify(&mut self, method: &str, params: &Value) -> Result<(), String> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
    }

    /// Sends a request without waiting; returns its id.
    fn ask(&mut self, method: &str, params: &Value) -> Result<i64, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))?;
        Ok(id)
    }

    /// Sends a request and waits for its answer; returns the time it took and the response.
    fn request(&mut self, method: &str, params: &Value) -> Result<(Duration, Value), String> {
        let started = Instant::now();
        let id = self.ask(method, params)?;
        let response = self.response(id)?;
        Ok((response.at - started, response.message))
    }

    /// Waits for the response to `id`.
    fn response(&mut self, id: i64) -> Result<Incoming, String> {
        loop {
            if let Some(response) = self.responses.remove(&id) {
                return Ok(response);
            }
            self.next_message()?;
        }
    }

    /// Waits for the publishDiagnostics of `version`; returns when it was read and its size.
    /// A publish without a version (a server that ignores `versionSupport`) is taken for
    /// the latest edit: the first one read after `published` was last cleared.
    fn publication(&mut self, version: i64) -> Result<(Instant, usize), String> {
        loop {
            let found = self.published.get(&version).or(self.published.get(&-1));
            if let Some(&published) = found {
                return Ok(published);
            }
            self.next_message()?;
        }
    }

    /// Reads one message: keeps responses and publishes, answers the server's requests.
    fn next_message(&mut self) -> Result<(), String> {
        let Incoming { at, message } = match self.incoming.recv_timeout(READ_TIMEOUT) {
            Ok(incoming) => incoming?,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!("nothing from the server in {READ_TIMEOUT:?}"))
            }
            Err(RecvTimeoutError::Disconnected) => return Err("the server is gone".to_owned()),
        };
        match (message.get("id"), message["method"].as_str()) {
            (Some(id), Some(method)) => {
                let id = id.clone();
                let answer = self.answer(method, &message["params"]);
                let mut reply = json!({ "jsonrpc": "2.0", "id": id });
                match answer {
                    Ok(result) => reply["result"] = result,
                    Err(code) => {
                        reply["error"] = json!({ "code": code, "message": "not supported" });
                    }
                }
                self.send(&reply)?;
            }
            (Some(id), None) => {
                if let Some(id) = id.as_i64() {
                    self.responses.insert(id, Incoming { at, message });
                }
            }
            (None, Some("textDocument/publishDiagnostics")) => {
                let params = &message["params"];
                if params["uri"] == self.uri.as_str() {
                    let n = params["diagnostics"].as_array().map_or(0, Vec::len);
                    // Without a version, the first publish stands for the latest edit.
                    let version = params["version"].as_i64().unwrap_or(-1);
                    self.published.entry(version).or_insert((at, n));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// What VS Code answers to the requests a server sends it.
    fn answer(&self, method: &str, params: &Value) -> Result<Value, i64> {
        match method {
            "workspace/configuration" => {
                let items = params["items"].as_array().cloned().unwrap_or_default();
                Ok(items
                    .iter()
                    .map(|item| {
                        let section = item["section"].as_str().unwrap_or("");
                        section
                            .split('.')
                            .filter(|s| !s.is_empty())
                            .fold(self.server.settings.clone(), |v, key| v[key].clone())
                    })
                    .collect())
            }
            "workspace/workspaceFolders" => {
                let root = format!("file://{}", self.workspace.display());
                Ok(json!([{ "uri": root, "name": "bench" }]))
            }
            // The workspace folder is empty: the one document is open, not on disk.
            "markdown/findMarkdownFilesInWorkspace" | "markdown/fs/readDirectory" => Ok(json!([])),
            "client/registerCapability"
            | "client/unregisterCapability"
            | "window/workDoneProgress/create"
            | "window/showMessageRequest"
            | "workspace/diagnostic/refresh"
            | "workspace/codeLens/refresh"
            | "workspace/inlayHint/refresh"
            | "workspace/semanticTokens/refresh"
            | "workspace/foldingRange/refresh"
            | "markdown/fs/stat"
            | "markdown/fs/watcher/create"
            | "markdown/fs/watcher/delete" => Ok(Value::Null),
            _ => Err(METHOD_NOT_FOUND),
        }
    }

    fn params(&self, request: Request, at: &Cursor, diagnostics: &[Value]) -> Value {
        let document = json!({ "uri": self.uri });
        let position = json!({ "line": at.line, "character": at.character });
        match request {
            Request::Diagnostic => json!({ "textDocument": document }),
            Request::DocumentSymbol | Request::FoldingRange | Request::CodeLens => {
                json!({ "textDocument": document })
            }
            Request::InlayHint => json!({
                "textDocument": document,
                "range": {
                    "start": { "line": at.line.saturating_sub(30), "character": 0 },
                    "end": { "line": at.line + 30, "character": 0 }
                }
            }),
            Request::CodeAction => {
                let on_line: Vec<&Value> = diagnostics
                    .iter()
                    .filter(|d| {
                        let start = d["range"]["start"]["line"].as_u64();
                        let end = d["range"]["end"]["line"].as_u64();
                        start <= Some(u64::from(at.line)) && end >= Some(u64::from(at.line))
                    })
                    .collect();
                json!({
                    "textDocument": document,
                    "range": { "start": position, "end": position },
                    "context": { "diagnostics": on_line, "triggerKind": 2 }
                })
            }
        }
    }

    /// Sends `request` (unless unsupported); a pull that the server cancels is asked again,
    /// as VS Code does.
    fn send_request(&mut self, request: Request, params: &Value) -> Result<Option<i64>, String> {
        if !self.supports(request) {
            return Ok(None);
        }
        self.ask(request.method(), params).map(Some)
    }

    /// Waits for the answer to a request sent with [`Self::send_request`].
    fn outcome(
        &mut self,
        request: Request,
        id: Option<i64>,
        params: &Value,
        since: Instant,
    ) -> Result<(Outcome, Value), String> {
        let Some(mut id) = id else {
            return Ok((Outcome::Unsupported, Value::Null));
        };
        for _ in 0..100 {
            let Incoming { at, message } = self.response(id)?;
            let code = message["error"]["code"].as_i64();
            return Ok(match code {
                None => (Outcome::Took(at - since), message["result"].clone()),
                Some(METHOD_NOT_FOUND) => (Outcome::Unsupported, Value::Null),
                // ServerCancelled and ContentModified: VS Code asks again.
                Some(-32802 | -32801) if request == Request::Diagnostic => {
                    id = self.ask(request.method(), params)?;
                    continue;
                }
                Some(_) => {
                    println!(
                        "  {}: {} answered {}",
                        self.server.name,
                        request.method(),
                        message["error"]
                    );
                    (Outcome::Failed, Value::Null)
                }
            });
        }
        Err(format!("{} cancelled 100 times", request.method()))
    }

    fn shutdown(&mut self) {
        if let Ok(id) = self.ask("shutdown", &Value::Null) {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline && !self.responses.contains_key(&id) {
                match self.incoming.recv_timeout(Duration::from_millis(100)) {
                    Ok(Ok(Incoming { message, .. })) if message["id"] == id => break,
                    Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => break,
                    _ => {}
                }
            }
            let _ = self.notify("exit", &Value::Null);
        }
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let server = self.server_pid();
        // Closing stdin lets the shim stop its server; then nothing is left running.
        self.input = None;
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if server != self.child.id() {
            let _ = Command::new("kill")
                .args(["-9", &server.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.workspace);
    }
}

/// Where the typing happens.
struct Cursor {
    line: u32,
    character: u32,
}

/// One run of one server.
#[derive(Default)]
struct Measures {
    open: Option<Outcome>,
    open_diagnostics: usize,
    at_open: HashMap<Request, Outcome>,
    after_edits: HashMap<Request, Outcome>,
    warm: HashMap<Request, Outcome>,
    warm_unchanged: bool,
    peak_rss: Option<u32>,
    noop: Option<Duration>,
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Diagnostics from a pull result (a full report).
fn items(result: &Value) -> Vec<Value> {
    result["items"].as_array().cloned().unwrap_or_default()
}

fn measure(server: &Server, text: &str, edits: usize, run: usize) -> Result<Measures, String> {
    let mut session = Session::start(server, run)?;
    let mut measures = Measures::default();
    let uri = session.uri.clone();
    let document = json!({ "uri": uri });

    // 1. Open → first diagnostics.
    let started = Instant::now();
    session.notify(
        "textDocument/didOpen",
        &json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    )?;
    let mut diagnostics = Vec::new();
    if session.pull() {
        let params = json!({ "textDocument": document });
        let id = session.send_request(Request::Diagnostic, &params)?;
        let (outcome, result) = session.outcome(Request::Diagnostic, id, &params, started)?;
        diagnostics = items(&result);
        measures.open = Some(outcome);
    } else {
        let (at, n) = session.publication(1)?;
        measures.open = Some(Outcome::Took(at - started));
        measures.open_diagnostics = n;
    }
    if session.pull() {
        measures.open_diagnostics = diagnostics.len();
    }
    // What VS Code asks for a document it has just shown (the outline and breadcrumbs,
    // folding, lenses, the hints of the first screen), sent at once after the diagnostics and
    // timed from didOpen; the typing starts once they are answered.
    let top = Cursor {
        line: 0,
        character: 0,
    };
    let mut sent = Vec::new();
    for request in OPEN_REQUESTS {
        let params = session.params(request, &top, &diagnostics);
        let id = session.send_request(request, &params)?;
        sent.push((request, id, params));
    }
    for (request, id, params) in sent {
        let (outcome, _) = session.outcome(request, id, &params, started)?;
        measures.at_open.insert(request, outcome);
    }

    // 2. A burst of typing at the end of a task line in the middle, then VS Code's requests.
    session.published.clear();
    let lines: Vec<&str> = text.lines().collect();
    let line = (lines.len() / 2..lines.len())
        .find(|&l| lines[l].starts_with("- ["))
        .expect("a task in the second half");
    let start = lines[line].encode_utf16().count() as u32;
    let typed: String = (0..edits)
        .map(|i| if i % 7 == 6 { ' ' } else { 'a' })
        .collect();
    let mut version = 1;
    let mut last_edit = Instant::now();
    if session.incremental() {
        for (i, ch) in typed.chars().enumerate() {
            version += 1;
            let position = json!({ "line": line, "character": start + i as u32 });
            session.notify(
                "textDocument/didChange",
                &json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": { "start": position, "end": position }, "text": ch.to_string() }],
                }),
            )?;
            last_edit = Instant::now();
        }
    } else {
        // vscode-languageclient holds whole-document changes back and sends the latest text
        // once, before the next request.
        version += i64::try_from(edits).expect("a few edits");
        let offset: usize = lines[..=line].iter().map(|l| l.len() + 1).sum::<usize>() - 1;
        let mut changed = String::with_capacity(text.len() + typed.len());
        changed.push_str(&text[..offset]);
        changed.push_str(&typed);
        changed.push_str(&text[offset..]);
        last_edit = Instant::now();
        session.notify(
            "textDocument/didChange",
            &json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": changed }],
            }),
        )?;
    }
    let cursor = Cursor {
        line: line as u32,
        character: start + edits as u32,
    };
    let mut sent = Vec::new();
    for request in REQUESTS {
        let params = session.params(request, &cursor, &diagnostics);
        let id = session.send_request(request, &params)?;
        sent.push((request, id, params));
    }
    let mut result_id = None;
    for (request, id, params) in sent {
        let (outcome, result) = session.outcome(request, id, &params, last_edit)?;
        if request == Request::Diagnostic {
            result_id = result["resultId"].as_str().map(str::to_owned);
            diagnostics = items(&result);
        }
        measures.after_edits.insert(request, outcome);
    }
    if !session.pull() {
        let (at, _) = session.publication(version)?;
        measures
            .after_edits
            .insert(Request::Diagnostic, Outcome::Took(at - last_edit));
    }

    // 3. The same requests on the same version.
    for request in REQUESTS {
        let mut params = session.params(request, &cursor, &diagnostics);
        let mut samples = Vec::new();
        let mut outcome = Outcome::Unsupported;
        let budget = Instant::now() + WARM_BUDGET;
        for _ in 0..WARM_REPEATS {
            if Instant::now() > budget {
                break;
            }
            if let (Request::Diagnostic, Some(previous)) = (request, &result_id) {
                params["previousResultId"] = json!(previous);
            }
            let started = Instant::now();
            let id = session.send_request(request, &params)?;
            let (this, result) = session.outcome(request, id, &params, started)?;
            outcome = this;
            match this {
                Outcome::Took(took) => samples.push(took),
                Outcome::Unsupported | Outcome::Failed => break,
            }
            if request == Request::Diagnostic {
                measures.warm_unchanged = result["kind"] == "unchanged";
                if let Some(id) = result["resultId"].as_str() {
                    result_id = Some(id.to_owned());
                }
            }
        }
        if !samples.is_empty() {
            outcome = Outcome::Took(median(samples));
        }
        measures.warm.insert(request, outcome);
    }

    // The pipes' own round trip.
    let noop: Result<Vec<Duration>, String> = (0..WARM_REPEATS)
        .map(|_| {
            session
                .request("tickmark/noop", &json!({}))
                .map(|(took, _)| took)
        })
        .collect();
    measures.noop = Some(median(noop?));

    // 4. Peak RSS, before shutdown.
    measures.peak_rss = session.peak_rss();
    session.shutdown();
    Ok(measures)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn format_ms(d: Duration) -> String {
    let ms = ms(d);
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// The median of the runs' outcomes: a time when every run had one.
fn median_outcome(outcomes: &[Option<Outcome>]) -> Option<Outcome> {
    let mut times = Vec::new();
    for outcome in outcomes {
        match outcome {
            Some(Outcome::Took(d)) => times.push(*d),
            Some(other) => return Some(*other),
            None => return None,
        }
    }
    (!times.is_empty()).then(|| Outcome::Took(median(times)))
}

fn cell(outcome: Option<Outcome>) -> String {
    match outcome {
        Some(Outcome::Took(d)) => format_ms(d),
        Some(Outcome::Unsupported) => "—".to_owned(),
        Some(Outcome::Failed) => "error".to_owned(),
        None => "failed".to_owned(),
    }
}

/// "N× faster" (or slower) than the least of the peers' values; lower is better.
fn versus(ours: Option<f64>, peers: &[Option<f64>], unit: &str) -> String {
    let best = peers
        .iter()
        .flatten()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(None, |best: Option<f64>, v| {
            Some(best.map_or(v, |b| b.min(v)))
        });
    match (ours, best) {
        (Some(ours), Some(best)) if ours > 0.0 => {
            if ours <= best {
                format!(
                    "{:.1}× {}",
                    best / ours,
                    if unit == "time" { "faster" } else { "less" }
                )
            } else {
                format!(
                    "{:.1}× {}",
                    ours / best,
                    if unit == "time" { "slower" } else { "more" }
                )
            }
        }
        _ => String::new(),
    }
}

fn seconds(outcome: Option<Outcome>) -> Option<f64> {
    match outcome {
        Some(Outcome::Took(d)) => Some(d.as_secs_f64()),
        _ => None,
    }
}

fn report(label: &str, servers: &[Server], runs: &[Vec<Option<Measures>>], edits: usize) {
    let mut out = String::new();
    let peers = servers.len() > 1;
    let _ = write!(out, "\n| at {label} |");
    for server in servers {
        let _ = write!(out, " {} |", server.name);
    }
    if peers {
        out.push_str(" tickmark vs the fastest peer |");
    }
    out.push_str("\n|---|");
    for _ in servers {
        out.push_str("---:|");
    }
    if peers {
        out.push_str("---|");
    }
    out.push('\n');
    let mut row = |name: String, pick: &dyn Fn(&Measures) -> Option<Outcome>| {
        let outcomes: Vec<Option<Outcome>> = runs
            .iter()
            .map(|server_runs| {
                let picked: Vec<Option<Outcome>> = server_runs
                    .iter()
                    .map(|m| m.as_ref().and_then(pick))
                    .collect();
                median_outcome(&picked)
            })
            .collect();
        let _ = write!(out, "| {name} |");
        for outcome in &outcomes {
            let _ = write!(out, " {} |", cell(*outcome));
        }
        if peers {
            let peer_times: Vec<Option<f64>> = outcomes[1..].iter().map(|o| seconds(*o)).collect();
            let _ = write!(
                out,
                " {} |",
                versus(seconds(outcomes[0]), &peer_times, "time")
            );
        }
        out.push('\n');
    };
    row("didOpen → diagnostics".to_owned(), &|m| m.open);
    for request in OPEN_REQUESTS {
        row(format!("didOpen → {}", request.label()), &|m| {
            m.at_open.get(&request).copied()
        });
    }
    for request in REQUESTS {
        row(format!("{edits} edits → {}", request.label()), &|m| {
            m.after_edits.get(&request).copied()
        });
    }
    for request in REQUESTS {
        let label = if request == Request::Diagnostic {
            "diagnostics (previousResultId)"
        } else {
            request.label()
        };
        row(format!("warm {label}"), &|m| m.warm.get(&request).copied());
    }
    row("no-op round trip (unknown method)".to_owned(), &|m| {
        m.noop.map(Outcome::Took)
    });
    // Peak RSS: the median of the runs, in MB.
    let rss: Vec<Option<f64>> = runs
        .iter()
        .map(|server_runs| {
            let mut values: Vec<u32> = server_runs
                .iter()
                .filter_map(|m| m.as_ref().and_then(|m| m.peak_rss))
                .collect();
            values.sort_unstable();
            values
                .get(values.len() / 2)
                .map(|&kb| f64::from(kb) / 1024.0)
        })
        .collect();
    out.push_str("| peak RSS |");
    for value in &rss {
        let _ = match value {
            Some(mb) => write!(out, " {mb:.0} MB |"),
            None => write!(out, " — |"),
        };
    }
    if peers {
        let _ = write!(out, " {} |", versus(rss[0], &rss[1..], "memory"));
    }
    out.push('\n');
    print!("{out}");

    // What the table does not show: how each server was driven, and what it answered.
    for (server, server_runs) in servers.iter().zip(runs) {
        let Some(first) = server_runs.iter().flatten().next() else {
            println!("{}: every run failed", server.name);
            continue;
        };
        println!(
            "{}: {} diagnostics at open; warm pull with previousResultId answered {}",
            server.name,
            first.open_diagnostics,
            if first.warm_unchanged {
                "`unchanged`"
            } else {
                "a full report"
            },
        );
    }
}

fn run_size(label: &str, bytes: usize, edits: usize, servers: &[Server], runs: usize) {
    let text = roadmap(bytes, Problems::Few);
    println!(
        "\n{label}: {} bytes, {} lines, {edits} edits, {runs} runs of each server",
        text.len(),
        text.lines().count()
    );
    let mut results: Vec<Vec<Option<Measures>>> = servers.iter().map(|_| Vec::new()).collect();
    for run in 0..runs {
        for (server, results) in servers.iter().zip(&mut results) {
            match measure(server, &text, edits, run) {
                Ok(measures) => results.push(Some(measures)),
                Err(e) => {
                    println!("  {} run {}: {e}", server.name, run + 1);
                    results.push(None);
                }
            }
        }
    }
    report(label, servers, &results, edits);
}

fn main() {
    // `cargo test --benches` runs this with --bench absent; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        run_size("20 KB (smoke)", 20_000, 20, &servers(false), 1);
        return;
    }
    let sizes = std::env::var("TICKMARK_BENCH_SIZES").unwrap_or_else(|_| "1,10".to_owned());
    let servers = servers(std::env::var("TICKMARK_BENCH_PEERS").map_or(true, |v| v != "0"));
    for size in sizes.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mb: usize = size
            .parse()
            .unwrap_or_else(|_| panic!("TICKMARK_BENCH_SIZES: {size:?} is not a number of MB"));
        run_size(&format!("{mb} MB"), mb << 20, 500, &servers, RUNS);
    }
}
