//! Outline and progress: document and workspace symbols, folding ranges, code lenses, inlay
//! hints, and document links.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    CodeLens, CodeLensParams, Command, DocumentLink, DocumentLinkParams, DocumentSymbol,
    DocumentSymbolParams, DocumentSymbolResponse, FoldingRange, FoldingRangeKind,
    FoldingRangeParams, InlayHint, InlayHintLabel, InlayHintParams, Location, Position, Range,
    SymbolInformation, SymbolKind, Url, WorkspaceSymbolParams,
};

use std::sync::Arc;

use crate::analysis::index::{self, FileIndex};
use crate::analysis::outline::{self, Symbol};
use crate::analysis::sharded::Tops;
use crate::analysis::{Encoding, TextRange};
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

/// The result of [`document_symbol`] serialised after `head`, in parts, for the direct
/// answer: written shard by shard from the incremental analysis, keeping what did not change
/// since the last answer (see [`outline_wire`]).
pub fn document_symbol_parts(
    backend: &Backend,
    params: DocumentSymbolParams,
    head: Vec<u8>,
) -> Result<Vec<bytes::Bytes>> {
    let uri = &params.text_document.uri;
    let encoding = backend.features().encoding;
    // Only the shards' symbols are brought up to date while the analysis is held; the
    // answer is put together after, so that the requests behind this one need not wait.
    let prepared = super::diagnostics::with_current(backend, uri, |live, _| {
        outline_wire::prepare(&live.incremental, encoding, &mut live.outline)
    })?;
    if let Some(prepared) = prepared {
        return Ok(prepared.write_parts(head));
    }
    // Not analysed incrementally (too large): as the request through tower-lsp answers.
    let mut out = head;
    serde_json::to_writer(&mut out, &document_symbol(backend, params)?)
        .map_err(|e| tower_lsp::jsonrpc::Error::invalid_params(e.to_string()))?;
    Ok(vec![out.into()])
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

/// The LSP kind of an outline symbol.
pub(crate) fn symbol_kind(kind: outline::SymbolKind) -> SymbolKind {
    match kind {
        outline::SymbolKind::Section => SymbolKind::NAMESPACE,
        outline::SymbolKind::Task => SymbolKind::BOOLEAN,
        outline::SymbolKind::Item => SymbolKind::STRING,
    }
}

/// The LSP form of `s`, which it takes apart (an outline has a name and a detail per item).
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
pub(crate) fn symbol(map: &LineMap<'_>, s: Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: symbol_kind(s.kind),
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
    let limit = backend.features().folding_limit;
    let folds = with_shards(backend, &params.text_document.uri, |tops| {
        folding_ranges(tops, limit)
    })?;
    Ok(Some(folds))
}

pub fn code_lens(backend: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let encoding = backend.features().encoding;
    let lenses = with_shards(backend, &params.text_document.uri, |tops| {
        code_lenses(tops, encoding)
    })?;
    Ok(Some(lenses))
}

pub fn inlay_hint(backend: &Backend, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let encoding = backend.features().encoding;
    let hints = with_shards(backend, &params.text_document.uri, |tops| {
        inlay_hints(tops, encoding, params.range)
    })?;
    Ok(Some(hints))
}

pub fn document_link(
    backend: &Backend,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let Some(folder) = document_folder(&uri) else {
        return Ok(Some(Vec::new()));
    };
    let encoding = backend.features().encoding;
    let links = with_shards(backend, &uri, |tops| {
        document_links(tops, encoding, &folder)
    })?;
    Ok(Some(links))
}

/// Runs `f` on the shards of the current analysis of `uri` (brought up to date); nothing
/// for a document too large to analyse.
fn with_shards<T: Default>(
    backend: &Backend,
    uri: &Url,
    f: impl FnOnce(&Tops<'_>) -> T,
) -> Result<T> {
    let answer =
        super::diagnostics::with_current(backend, uri, |live, _| f(&Tops::new(&live.incremental)))?;
    Ok(answer.unwrap_or_default())
}

/// The folds of the whole document, up to the client's limit: it keeps the first ranges up
/// to its limit and drops the rest, so they are not sent.
pub(crate) fn folding_ranges(tops: &Tops<'_>, limit: Option<u32>) -> Vec<FoldingRange> {
    let mut folds = tops.folding_ranges();
    if let Some(limit) = limit {
        folds.truncate(limit as usize);
    }
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
        .collect()
}

/// A progress lens over each section that has tasks.
pub(crate) fn code_lenses(tops: &Tops<'_>, encoding: Encoding) -> Vec<CodeLens> {
    let mut out = Vec::new();
    for (shard, lenses) in tops.lenses() {
        let map = convert::shard_map(&shard, encoding);
        out.extend(lenses.into_iter().map(|l| CodeLens {
            range: map.range(l.range),
            command: Some(Command {
                title: l.title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        }));
    }
    out
}

/// The hints within `range` (the visible lines): only the items of its lines are counted,
/// and the hints at its ends are kept exactly.
fn inlay_hints(tops: &Tops<'_>, encoding: Encoding, range: Range) -> Vec<InlayHint> {
    let (from, to) = if range.start <= range.end {
        (range.start, range.end)
    } else {
        (range.end, range.start)
    };
    let lines = from.line as usize..to.line as usize + 1;
    let mut out = Vec::new();
    for (shard, hints) in tops.inlay_hints_on(lines) {
        let map = convert::shard_map(&shard, encoding);
        // The range in the shard's offsets, clamped to the text as the whole document's
        // would be.
        let local = |p: Position| {
            if (p.line as usize) < shard.line {
                0
            } else {
                map.offset(p)
            }
        };
        let wanted = TextRange::new(local(from), local(to));
        out.extend(
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
                }),
        );
    }
    out
}

/// A link to each relative file the document links to, resolved against its folder.
pub(crate) fn document_links(
    tops: &Tops<'_>,
    encoding: Encoding,
    folder: &std::path::Path,
) -> Vec<DocumentLink> {
    let mut out = Vec::new();
    for shard in &tops.shards {
        let map = convert::shard_map(shard, encoding);
        out.extend(shard.doc.links.iter().filter_map(|link| {
            let path = link.relative_path.as_ref()?;
            let target = Url::from_file_path(folder.join(path)).ok()?;
            Some(DocumentLink {
                range: map.range(link.destination),
                target: Some(target),
                tooltip: None,
                data: None,
            })
        }));
    }
    out
}
