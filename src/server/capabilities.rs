//! What the server offers (the `initialize` result) and what it learns about the client:
//! the position encoding (UTF-8 when offered, else UTF-16), versioned workspace edits, pull
//! diagnostics, `workspace/configuration`, progress and file watching.

use tower_lsp::lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    CodeLensOptions, CompletionOptions, DiagnosticOptions, DiagnosticServerCapabilities,
    DocumentLinkOptions, DocumentOnTypeFormattingOptions, ExecuteCommandOptions,
    FoldingRangeProviderCapability, HoverProviderCapability, InitializeResult, OneOf,
    PositionEncodingKind, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    WorkDoneProgressOptions, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};

use super::convert::encoding_kind;
use crate::analysis::Encoding;

/// The toggle command (SPEC §3).
pub const TOGGLE_TASK: &str = "tickmark.toggleTask";
/// The code-action kind of `Fix all tickmark problems`.
pub const FIX_ALL_KIND: &str = "source.fixAll.tickmark";

/// What the server remembers about the client.
#[allow(clippy::struct_excessive_bools)] // Independent yes/no capabilities, as LSP has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientFeatures {
    pub encoding: Encoding,
    pub versioned_edits: bool,
    pub pull_diagnostics: bool,
    pub configuration: bool,
    pub diagnostic_refresh: bool,
    /// The client fills in a code action's edit with `codeAction/resolve` when it is chosen.
    pub resolve_edits: bool,
    /// Most folding ranges the client keeps (`foldingRange.rangeLimit`; VS Code: 5,000).
    pub folding_limit: Option<u32>,
    /// The client shows server-initiated progress (`window.workDoneProgress`).
    pub work_done_progress: bool,
    /// The client registers file watchers on request
    /// (`workspace.didChangeWatchedFiles.dynamicRegistration`).
    pub watch_files: bool,
}

impl Default for ClientFeatures {
    fn default() -> Self {
        Self {
            encoding: Encoding::Utf16,
            versioned_edits: false,
            pull_diagnostics: false,
            configuration: false,
            diagnostic_refresh: false,
            resolve_edits: false,
            folding_limit: None,
            work_done_progress: false,
            watch_files: false,
        }
    }
}

impl ClientFeatures {
    pub fn from_capabilities(caps: &ClientCapabilities) -> Self {
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        let encoding = if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let workspace = caps.workspace.as_ref();
        Self {
            encoding,
            versioned_edits: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            pull_diagnostics: caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some()),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostic.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            resolve_edits: caps
                .text_document
                .as_ref()
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
            folding_limit: caps
                .text_document
                .as_ref()
                .and_then(|t| t.folding_range.as_ref())
                .and_then(|f| f.range_limit),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        }
    }
}

/// The `initialize` result.
pub fn initialize_result(features: &ClientFeatures) -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding_kind(features.encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    will_save: None,
                    will_save_wait_until: None,
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                },
            )),
            diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("tickmark".to_owned()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::REFACTOR_REWRITE,
                    CodeActionKind::from(FIX_ALL_KIND),
                ]),
                work_done_progress_options: WorkDoneProgressOptions::default(),
                resolve_provider: Some(true),
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![TOGGLE_TASK.to_owned()],
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec!["[".to_owned(), " ".to_owned()]),
                ..CompletionOptions::default()
            }),
            document_on_type_formatting_provider: Some(DocumentOnTypeFormattingOptions {
                first_trigger_character: "\n".to_owned(),
                more_trigger_character: None,
            }),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            inlay_hint_provider: Some(OneOf::Left(true)),
            document_link_provider: Some(DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "tickmark".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    }
}
