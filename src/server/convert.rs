//! The one seam between the engine and LSP: byte ranges to positions in the negotiated
//! encoding and back, diagnostics, edits and workspace edits. Nothing else in the server
//! converts positions.

use std::collections::HashMap;

use serde_json::{json, Value};
use tower_lsp::lsp_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentChanges, Location,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position, PositionEncodingKind,
    TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};

use crate::analysis::incremental::ShardView;
use crate::analysis::{
    Code, Diagnostic, Edit, Encoding, LineCol, LineIndex, Place, Severity, TextRange,
};

/// A text with its line index, for conversions in one encoding.
#[derive(Clone, Copy)]
pub struct LineMap<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
    /// The line `text` starts on in the document: 0 for a whole document, more for a part
    /// of one (an incremental analysis shard).
    pub line_base: u32,
}

/// The line map of one shard of an incremental analysis: its offsets to positions of the
/// whole document.
pub fn shard_map<'a>(shard: &ShardView<'a>, encoding: Encoding) -> LineMap<'a> {
    LineMap {
        text: shard.text,
        index: shard.line_index,
        encoding,
        line_base: shard.line as u32,
    }
}

/// A position the engine already counted in the negotiated encoding.
pub fn position(lc: LineCol) -> Position {
    Position::new(lc.line, lc.col)
}

impl LineMap<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let lc = self.index.line_col(self.text, offset, self.encoding);
        Position::new(lc.line + self.line_base, lc.col)
    }

    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(range.start), self.position(range.end))
    }

    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(
            self.text,
            LineCol {
                line: pos.line.saturating_sub(self.line_base),
                col: pos.character,
            },
            self.encoding,
        )
    }

    pub fn text_range(&self, range: lsp::Range) -> TextRange {
        let a = self.offset(range.start);
        let b = self.offset(range.end);
        TextRange::new(a.min(b), a.max(b))
    }

    pub fn text_edit(&self, edit: &Edit) -> TextEdit {
        TextEdit::new(self.range(edit.range), edit.insert.to_string())
    }

    pub fn text_edits(&self, edits: &[Edit]) -> Vec<TextEdit> {
        edits.iter().map(|e| self.text_edit(e)).collect()
    }
}

pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Converts byte offsets of a document into LSP positions.
pub trait Positions {
    fn position(&self, offset: usize) -> Position;

    fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(range.start), self.position(range.end))
    }

    fn text_edits(&self, edits: &[Edit]) -> Vec<TextEdit> {
        edits
            .iter()
            .map(|e| TextEdit::new(self.range(e.range), e.insert.to_string()))
            .collect()
    }
}

impl Positions for LineMap<'_> {
    fn position(&self, offset: usize) -> Position {
        LineMap::position(self, offset)
    }
}

/// Positions of a whole document from the line maps of its parts (an incremental
/// analysis's shards): an offset is converted in the part that holds it, without a line
/// index of the whole text.
pub struct PartsMap<'a> {
    /// Where each part starts in the document, ascending, the first at 0.
    starts: Vec<usize>,
    maps: Vec<LineMap<'a>>,
}

impl<'a> PartsMap<'a> {
    /// From each part's start (ascending, the first at 0) and map.
    pub fn new(parts: impl IntoIterator<Item = (usize, LineMap<'a>)>) -> Self {
        let (starts, maps) = parts.into_iter().unzip();
        Self { starts, maps }
    }
}

impl Positions for PartsMap<'_> {
    fn position(&self, offset: usize) -> Position {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        match self.maps.get(i) {
            Some(map) => map.position(offset - self.starts[i]),
            None => Position::default(),
        }
    }
}

/// An engine diagnostic as LSP: code, `codeDescription.href`, source `tickmark`, related
/// information, and every fix in `data` (`{ "fixes": [{ "title", "safe", "edits" }] }`).
pub fn diagnostic(map: &impl Positions, uri: &Url, d: &Diagnostic) -> lsp::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.place {
                Place::Here(range) => Location::new(uri.clone(), map.range(*range)),
                // The server's workspace index names files by URI and counts columns in the
                // negotiated encoding.
                Place::Elsewhere {
                    file, start, end, ..
                } => Location::new(
                    Url::parse(file).ok()?,
                    lsp::Range::new(position(*start), position(*end)),
                ),
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: r.message.to_string(),
            })
        })
        .collect();
    let fixes: Vec<Value> = d
        .fixes
        .iter()
        .map(|f| {
            json!({
                "title": f.title,
                "safe": f.is_safe(),
                "edits": map.text_edits(&f.edits),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: map.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        code_description: code_description(d.code),
        source: Some("tickmark".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: (!fixes.is_empty()).then(|| json!({ "fixes": fixes })),
    }
}

/// `codeDescription` of a code: its documentation link, parsed once per code.
fn code_description(code: Code) -> Option<lsp::CodeDescription> {
    static HREFS: std::sync::OnceLock<Vec<Option<Url>>> = std::sync::OnceLock::new();
    let hrefs = HREFS.get_or_init(|| {
        Code::ALL
            .iter()
            .map(|c| Url::parse(&c.href()).ok())
            .collect()
    });
    let index = Code::ALL.iter().position(|&c| c == code)?;
    hrefs[index]
        .clone()
        .map(|href| lsp::CodeDescription { href })
}

/// A workspace edit on one document: versioned `documentChanges` when the client supports
/// them, else `changes`.
pub fn workspace_edit(
    uri: &Url,
    version: i32,
    edits: Vec<TextEdit>,
    versioned: bool,
) -> WorkspaceEdit {
    if versioned {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}
