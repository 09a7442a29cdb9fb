//! Renderers for `tickmark check`: human (rustc-style snippets), JSON, SARIF, GitHub.
//!
//! Every renderer takes the same [`FileReport`]s and returns text, so tests render without a
//! process. Positions shown to people and tools are 1-based lines and columns counted in
//! Unicode scalar values, the end column exclusive ([`Span`]).

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::cell::Cell;

use crate::analysis::text::column_width;
use crate::analysis::{Diagnostic, Encoding, LineIndex, TextRange};

/// One checked file: its name as shown, its text and what was found in it.
#[derive(Debug, Clone)]
pub struct FileReport<'a> {
    /// The path as given on the command line (or found below a directory argument).
    pub path: &'a str,
    pub text: &'a str,
    pub line_index: &'a LineIndex,
    pub diagnostics: &'a [Diagnostic],
    /// The last position converted, `(offset, line, column)`: diagnostics come sorted, so
    /// each column is counted on from the previous one rather than from the line start
    /// (a 1 MB line with thousands of problems stays linear).
    last: Cell<(usize, usize, usize)>,
}

impl<'a> FileReport<'a> {
    pub fn new(
        path: &'a str,
        text: &'a str,
        line_index: &'a LineIndex,
        diagnostics: &'a [Diagnostic],
    ) -> Self {
        Self {
            path,
            text,
            line_index,
            diagnostics,
            last: Cell::new((0, 0, 0)),
        }
    }
}

/// A range as 1-based lines and columns in Unicode scalars; `end_column` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl FileReport<'_> {
    /// The 1-based position of a byte range of this file.
    pub fn span(&self, range: TextRange) -> Span {
        let (line, column) = self.position(range.start);
        let (end_line, end_column) = self.position(range.end);
        Span {
            line: line + 1,
            column: column + 1,
            end_line: end_line + 1,
            end_column: end_column + 1,
        }
    }

    /// 0-based line and column (in Unicode scalars) of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index.line_of(offset);
        let (last_offset, last_line, last_column) = self.last.get();
        let column = if last_line == line && last_offset <= offset {
            last_column + self.text[last_offset..offset].chars().count()
        } else {
            let start = self.line_index.line_start(line).unwrap_or(0);
            column_width(&self.text[start..offset], Encoding::Utf32)
        };
        self.last.set((offset, line, column));
        (line, column)
    }
}

/// `1 problem`, `2 problems`.
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
