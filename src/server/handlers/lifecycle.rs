//! `initialize`, `initialized` and configuration changes.

use std::path::PathBuf;

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    DidChangeConfigurationParams, InitializeParams, InitializeResult, InitializedParams,
};

use crate::server::capabilities::{initialize_result, ClientFeatures};
use crate::server::Backend;

#[allow(clippy::unnecessary_wraps)] // The shape of every request handler.
pub fn initialize(backend: &Backend, params: InitializeParams) -> Result<InitializeResult> {
    let features = ClientFeatures::from_capabilities(&params.capabilities);
    #[allow(deprecated)] // `root_uri` is the fallback for clients without workspace folders.
    let root: Option<PathBuf> = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri)
        .and_then(|u| u.to_file_path().ok());
    #[allow(deprecated)] // `root_uri` again: the one folder of a client without folders.
    let folders: Vec<PathBuf> = match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect(),
        _ => root.iter().cloned().collect(),
    };
    backend.shared.workspace.set_folders(folders);
    if let Ok(mut session) = backend.session.write() {
        session.features = features;
        session.root = root;
        session.editor_settings = params
            .initialization_options
            .map(|o| o.get("settings").cloned().unwrap_or(o))
            .filter(|o| !o.is_null());
    }
    if let Some(pid) = params.process_id {
        watch_client_process(backend, pid);
    }
    Ok(initialize_result(&features))
}

/// How often the client's process is looked for.
const CLIENT_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Notes the client gone once its process `pid` has died, so that the server exits (LSP:
/// `processId`). Read from `/proc` on Linux; elsewhere the server relies on the end of its
/// input. A process not seen at the start (another PID namespace, as in a container) is not
/// watched.
fn watch_client_process(backend: &Backend, pid: u32) {
    if process_alive(pid) != Some(true) {
        tracing::info!("client process {pid} not visible here; not watched");
        return;
    }
    let wire = std::sync::Arc::clone(&backend.wire);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CLIENT_POLL).await;
            if process_alive(pid) == Some(false) {
                tracing::warn!("the client process {pid} has exited; exiting too");
                wire.client_gone();
                return;
            }
        }
    });
}

/// Whether process `pid` runs (a zombie does not); `None` where that cannot be seen.
fn process_alive(pid: u32) -> Option<bool> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses, which may hold anything.
        Ok(stat) => Some(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_none_or(|state| !matches!(state, "Z" | "X" | "x")),
        ),
        Err(_) => Some(false),
    }
}

pub async fn initialized(backend: &Backend, _params: InitializedParams) {
    backend.fetch_editor_settings().await;
    backend.reload_config().await;
    backend.watch_files().await;
    backend.index_workspace().await;
}

pub async fn did_change_configuration(backend: &Backend, params: DidChangeConfigurationParams) {
    if backend.features().configuration {
        backend.fetch_editor_settings().await;
    } else {
        let value = params
            .settings
            .get("tickmark")
            .cloned()
            .unwrap_or(params.settings);
        if let Ok(mut session) = backend.session.write() {
            session.editor_settings = (!value.is_null()).then_some(value);
        }
    }
    backend.reload_config().await;
    super::diagnostics::refresh_all(backend).await;
    backend.watch_files().await;
    backend.index_workspace().await;
}
