//! Hover on a task (priority and meaning, subtask progress, fields, then its history) or on
//! a heading (progress, counts by priority, summed estimates).

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Url};

use crate::analysis::hover::{self, Target};
use crate::server::convert::LineMap;
use crate::server::{guarded, Backend};

pub fn hover(backend: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let uri = params.text_document_position_params.text_document.uri;
    let snapshot = backend.snapshot(&uri)?;
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    let offset = map.offset(params.text_document_position_params.position);
    let line = doc.line_index.line_of(offset);
    let Some(target) = hover::target_at_line(doc, line) else {
        return Ok(None);
    };
    let history = match target {
        Target::Item(id) if doc.items[id].is_task() => {
            backend.history_markdown(&uri, doc.items[id].line, text)
        }
        _ => None,
    };
    let mut result = guarded("hover", || {
        hover::hover(text, doc, target, history.as_deref())
    })?;
    // A heading: what its items did lately, once the file's history is read.
    if let Target::Section(id) = target {
        let section = &doc.sections[id];
        let end = doc.line_index.line_of(section.range.end.saturating_sub(1)) + 1;
        if let Some(line) = backend.section_history(&uri, text, section.line..end) {
            result.markdown.push_str("\n\n---\n\n");
            result.markdown.push_str(&line);
        }
    }
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: result.markdown,
        }),
        range: Some(map.range(result.range)),
    }))
}

impl Backend {
    /// The history of the task on `item_line` (0-based) as Markdown, appended to its hover
    /// (SPEC §4). Answered from the history cache only, never by reading git here; `None`
    /// until that cache is wired in.
    pub fn history_markdown(&self, uri: &Url, item_line: usize, text: &str) -> Option<String> {
        self.history_hover(uri, item_line, text)
    }
}
