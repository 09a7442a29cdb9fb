//! Completion (priority tags, the task box, field labels) and list continuation on Enter.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    DocumentOnTypeFormattingParams, TextEdit,
};

use crate::analysis::complete::{self, CompletionKind};
use crate::server::convert::LineMap;
use crate::server::{guarded, Backend};

pub fn completion(
    backend: &Backend,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let position = params.text_document_position;
    let snapshot = backend.snapshot(&position.text_document.uri)?;
    let config = backend.effective_for(&position.text_document.uri);
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    let offset = map.offset(position.position);
    let completions = guarded("completion", || {
        complete::complete(text, doc, offset, &config.settings.default_priorities)
    })?;
    let items: Vec<CompletionItem> = completions
        .into_iter()
        .enumerate()
        .map(|(i, c)| CompletionItem {
            label: c.label.clone(),
            detail: c.detail,
            kind: Some(match c.kind {
                CompletionKind::Priority => CompletionItemKind::ENUM_MEMBER,
                CompletionKind::TaskBox => CompletionItemKind::SNIPPET,
                CompletionKind::Field => CompletionItemKind::FIELD,
            }),
            sort_text: Some(format!("{i:04}")),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                map.range(c.replace),
                c.insert,
            ))),
            ..CompletionItem::default()
        })
        .collect();
    if items.is_empty() {
        return Ok(None);
    }
    Ok(Some(CompletionResponse::Array(items)))
}

pub fn on_type_formatting(
    backend: &Backend,
    params: DocumentOnTypeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    if params.ch != "\n" {
        return Ok(None);
    }
    let position = params.text_document_position;
    let snapshot = backend.snapshot(&position.text_document.uri)?;
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    let offset = map.offset(position.position);
    let edits = guarded("list continuation", || {
        complete::continue_list(text, doc, offset)
    })?;
    Ok((!edits.is_empty()).then(|| map.text_edits(&edits)))
}
