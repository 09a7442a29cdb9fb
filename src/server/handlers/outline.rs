//! Outline and progress: document and workspace symbols, folding ranges, code lenses, inlay
//! hints, and document links.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    CodeLens, CodeLensParams, Command, DocumentLink, DocumentLinkParams, DocumentSymbol,
    DocumentSymbolParams, DocumentSymbolResponse, FoldingRange, FoldingRangeKind,
    FoldingRangeParams, InlayHint, InlayHintLabel, InlayHintParams, Location, Range,
    SymbolInformation, SymbolKind, Url, WorkspaceSymbolParams,
};

use std::sync::Arc;

use crate::analysis::index::{self, FileIndex};
use crate::analysis::outline::{self, Symbol};
use crate::server::convert::{self, LineMap};
use crate::server::outline_wire;
use crate::server::{document_folder, guarded, Backend};

pub fn document_symbol(
    backend: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    let symbols = guarded("outline", || outline::symbols(text, doc))?;
    Ok(Some(DocumentSymbolResponse::Nested(
        symbols.into_iter().map(|s| symbol(&map, s)).collect(),
    )))
}

/// The result of [`document_symbol`] serialised, for the direct answer: written shard by
/// shard from the incremental analysis, keeping what did not change since the last answer
/// (see [`outline_wire`]).
pub fn document_symbol_json(backend: &Backend, params: DocumentSymbolParams) -> Result<Vec<u8>> {
    let uri = &params.text_document.uri;
    let encoding = backend.features().encoding;
    let written = super::diagnostics::with_current(backend, uri, |live, _| {
        outline_wire::result(&live.incremental, encoding, &mut live.outline)
    })?;
    match written {
        Some(json) => Ok(json),
        // Not analysed incrementally (too large): as the request through tower-lsp answers.
        None => serde_json::to_vec(&document_symbol(backend, params)?)
            .map_err(|e| tower_lsp::jsonrpc::Error::invalid_params(e.to_string())),
    }
}

/// Most items one `workspace/symbol` answer lists; the editor narrows as the user types.
const MAX_WORKSPACE_SYMBOLS: usize = 500;

/// Items across every roadmap of the workspace matching the query (see [`index::search`]):
/// open documents as they are now, the others as the workspace index read them.
pub fn workspace_symbol(
    backend: &Backend,
    params: WorkspaceSymbolParams,
) -> Result<Option<Vec<SymbolInformation>>> {
    let encoding = backend.features().encoding;
    let open: Vec<(String, Arc<FileIndex>)> = backend
        .documents
        .uris()
        .into_iter()
        .filter_map(|uri| {
            let snapshot = backend.snapshot(&uri).ok()?;
            Some((uri.to_string(), snapshot.file_index(encoding)))
        })
        .collect();
    let symbols = guarded("workspace symbols", || {
        backend
            .shared
            .workspace
            .with(|workspace| search(workspace, &open, &params.query))
    })?;
    Ok(Some(symbols))
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must be written out.
fn search(
    workspace: &index::WorkspaceIndex,
    open: &[(String, Arc<FileIndex>)],
    query: &str,
) -> Vec<SymbolInformation> {
    let on_disk = workspace
        .files()
        .filter(|(name, _)| !open.iter().any(|(n, _)| n == name));
    let files = open.iter().map(|(n, i)| (n.as_str(), &**i)).chain(on_disk);
    index::search(files, query, MAX_WORKSPACE_SYMBOLS)
        .into_iter()
        .filter_map(|(file, item)| {
            Some(SymbolInformation {
                name: item.name.to_string(),
                kind: if item.state.is_some() {
                    SymbolKind::BOOLEAN
                } else {
                    SymbolKind::STRING
                },
                tags: None,
                deprecated: None,
                location: Location::new(
                    Url::parse(file).ok()?,
                    Range::new(convert::position(item.start), convert::position(item.end)),
                ),
                container_name: item.section.map(str::to_owned),
            })
        })
        .collect()
}

/// The LSP form of `s`, which it takes apart (an outline has a name and a detail per item).
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
pub(crate) fn symbol(map: &LineMap<'_>, s: Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: match s.kind {
            outline::SymbolKind::Section => SymbolKind::NAMESPACE,
            outline::SymbolKind::Task => SymbolKind::BOOLEAN,
            outline::SymbolKind::Item => SymbolKind::STRING,
        },
        tags: None,
        deprecated: None,
        range: map.range(s.range),
        selection_range: map.range(s.selection),
        children: (!s.children.is_empty())
            .then(|| s.children.into_iter().map(|c| symbol(map, c)).collect()),
    }
}

pub fn folding_range(
    backend: &Backend,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let mut folds = guarded("folding", || {
        outline::folding_ranges(&snapshot.text, &snapshot.analysis.document)
    })?;
    // The client keeps the first ranges up to its limit and drops the rest: do not send them.
    if let Some(limit) = backend.features().folding_limit {
        folds.truncate(limit as usize);
    }
    Ok(Some(
        folds
            .into_iter()
            .map(|f| FoldingRange {
                start_line: f.start_line as u32,
                start_character: None,
                end_line: f.end_line as u32,
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: None,
            })
            .collect(),
    ))
}

pub fn code_lens(backend: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    let lenses = guarded("code lens", || outline::lenses(text, doc))?;
    Ok(Some(
        lenses
            .into_iter()
            .map(|l| CodeLens {
                range: map.range(l.range),
                command: Some(Command {
                    title: l.title,
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            })
            .collect(),
    ))
}

pub fn inlay_hint(backend: &Backend, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    let wanted = map.text_range(params.range);
    // Only the lines asked for (the visible ones) are counted; the range test below keeps the
    // hints at their ends exactly.
    let lines = doc.line_index.line_of(wanted.start)..doc.line_index.line_of(wanted.end) + 1;
    let hints = guarded("inlay hints", || outline::inlay_hints_on(text, doc, lines))?;
    Ok(Some(
        hints
            .into_iter()
            .filter(|h| wanted.touches(h.offset))
            .map(|h| InlayHint {
                position: map.position(h.offset),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    ))
}

pub fn document_link(
    backend: &Backend,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let snapshot = backend.snapshot(&uri)?;
    let Some(folder) = document_folder(&uri) else {
        return Ok(Some(Vec::new()));
    };
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    Ok(Some(
        doc.links
            .iter()
            .filter_map(|link| {
                let path = link.relative_path.as_ref()?;
                let target = Url::from_file_path(folder.join(path)).ok()?;
                Some(DocumentLink {
                    range: map.range(link.destination),
                    target: Some(target),
                    tooltip: None,
                    data: None,
                })
            })
            .collect(),
    ))
}
