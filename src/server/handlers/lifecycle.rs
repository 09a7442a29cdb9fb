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
    Ok(initialize_result(&features))
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
