//! `--format human`: each problem as a rustc- or ruff-style snippet (the source line with a
//! caret span under the problem), then a one-line summary.
//!
//! ```text
//! warning[malformed-checkbox]: `[]` is not a task box: write `[ ]`
//!  --> ROADMAP.md:13:3
//!    |
//! 13 | - [] Setup Redis server locally
//!    |   ^^
//!    |
//!    = help: Rewrite as `[ ]`
//! ```
//!
//! The snippets are drawn by `annotate-snippets`, the renderer of rustc. Only the lines a
//! problem covers are handed to it, and an overlong line is cut to a window around the span,
//! so a 20 MB file or a 1 MB line costs no more than a short one.

use std::borrow::Cow;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{plural, FileReport};
use crate::analysis::{Diagnostic, Place, Severity, TextRange};

/// A line longer than this is cut to a window around the span.
const MAX_LINE_BYTES: usize = 2048;
/// Context kept on each side of the span when a line is cut.
const CONTEXT_BYTES: usize = 160;
/// At most this much of a long span is shown.
const MAX_SPAN_BYTES: usize = 512;

/// How to draw: colours (for terminals) or plain text (for pipes, files and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// Every problem of every file, as snippets, each followed by a blank line.
pub fn render(files: &[FileReport<'_>], style: Style) -> String {
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for file in files {
        for diagnostic in file.diagnostics {
            out.push_str(&render_one(&renderer, file, diagnostic));
            out.push_str("\n\n");
        }
    }
    out
}

/// The closing line: `Found 5 problems (3 fixable with --fix) in 2 files.`
pub fn summary(files: &[FileReport<'_>]) -> String {
    let problems: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    if problems == 0 {
        return format!("No problems found in {}.\n", plural(files.len(), "file"));
    }
    let fixable: usize = files
        .iter()
        .flat_map(|f| f.diagnostics)
        .filter(|d| d.is_fixable())
        .count();
    let with_problems = files.iter().filter(|f| !f.diagnostics.is_empty()).count();
    let fixable = if fixable > 0 {
        format!(" ({fixable} fixable with --fix)")
    } else {
        String::new()
    };
    format!(
        "Found {}{fixable} in {}.\n",
        plural(problems, "problem"),
        plural(with_problems, "file")
    )
}

fn render_one(renderer: &Renderer, file: &FileReport<'_>, d: &Diagnostic) -> String {
    let level = level(d.severity);
    let span = file.span(d.range);
    let primary = excerpt(file, d.range);
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    let mut snippet = Snippet::source(primary.source)
        .line_start(primary.line)
        .annotation(AnnotationKind::Primary.span(primary.span));
    if !primary.cut {
        // The renderer derives `--> path:line:column` from whole lines; for a cut line the
        // location is written below instead.
        snippet = snippet.path(file.path);
    }
    elements.push(snippet.into());
    for related in &d.related {
        match &related.place {
            Place::Here(range) => {
                let here = excerpt(file, *range);
                if !primary.cut && !here.cut {
                    elements.push(
                        Snippet::source(here.source)
                            .line_start(here.line)
                            .path(file.path)
                            .annotation(
                                AnnotationKind::Context
                                    .span(here.span)
                                    .label(&related.message),
                            )
                            .into(),
                    );
                } else {
                    let at = file.span(*range);
                    elements.push(
                        Level::NOTE
                            .message(format!("{}: line {}", related.message, at.line))
                            .into(),
                    );
                }
            }
            Place::Elsewhere { label, start, .. } => {
                elements.push(
                    Level::NOTE
                        .message(format!(
                            "{}: {label}:{}:{}",
                            related.message,
                            start.line + 1,
                            start.col + 1
                        ))
                        .into(),
                );
            }
        }
    }
    if let Some(fix) = d.fixes.first() {
        let note = if fix.is_safe() {
            fix.title.to_string()
        } else {
            format!("{} (unsafe: not applied by --fix)", fix.title)
        };
        elements.push(Level::HELP.message(note).into());
    }
    let report: [Group<'_>; 1] = [title.elements(elements)];
    let text = renderer.render(&report);
    if !primary.cut {
        return text;
    }
    let pad = " ".repeat(primary.line.to_string().len());
    let location = format!("{pad}--> {}:{}:{}\n", file.path, span.line, span.column);
    match text.find('\n') {
        Some(end) => format!("{}{location}{}", &text[..=end], &text[end + 1..]),
        None => format!("{text}\n{location}"),
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::NOTE.with_name("hint"),
    }
}

/// The source handed to the snippet renderer: whole lines, or a window of one long line
/// marked with `…` where it was cut.
struct Excerpt<'a> {
    source: Cow<'a, str>,
    /// 1-based number of the first line of `source`.
    line: usize,
    /// The span, relative to `source`.
    span: std::ops::Range<usize>,
    /// True when `source` is a window of a long line rather than whole lines.
    cut: bool,
}

fn excerpt<'a>(file: &FileReport<'a>, range: TextRange) -> Excerpt<'a> {
    let text = file.text;
    let index = file.line_index;
    let first = index.line_of(range.start);
    let last = index.line_of(range.end);
    let start = index.line_start(first).unwrap_or(0);
    let end = index
        .line_range(text, last)
        .map_or(text.len(), |r| r.end)
        .max(range.end.min(text.len()));
    let span_end = range.end.min(end);
    if end - start <= MAX_LINE_BYTES {
        return Excerpt {
            source: Cow::Borrowed(&text[start..end]),
            line: first + 1,
            span: range.start - start..span_end - start,
            cut: false,
        };
    }
    let span_end = ceil_char(text, span_end.min(range.start + MAX_SPAN_BYTES));
    let from = floor_char(text, range.start.saturating_sub(CONTEXT_BYTES).max(start));
    let to = ceil_char(text, (span_end + CONTEXT_BYTES).min(end));
    let before = if from > start { "…" } else { "" };
    let after = if to < end { "…" } else { "" };
    let offset = before.len();
    Excerpt {
        source: Cow::Owned(format!("{before}{}{after}", &text[from..to])),
        line: first + 1,
        span: range.start - from + offset..span_end - from + offset,
        cut: true,
    }
}

fn floor_char(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_char(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}
