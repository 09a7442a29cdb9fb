//! `--format json`: one array of problems, for scripts and other tools.
//!
//! Each element is `{ "path", "line", "column", "endLine", "endColumn", "code", "severity",
//! "message", "fixable" }` (SPEC §5): 1-based lines and columns in Unicode scalars,
//! `endColumn` exclusive, `fixable` true when a safe fix exists.

use serde::Serialize;

use super::FileReport;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    fixable: bool,
}

/// The JSON array, pretty-printed, with a trailing newline.
pub fn render(files: &[FileReport<'_>]) -> String {
    let problems: Vec<Problem<'_>> = files
        .iter()
        .flat_map(|file| {
            file.diagnostics.iter().map(move |d| {
                let span = file.span(d.range);
                Problem {
                    path: file.path,
                    line: span.line,
                    column: span.column,
                    end_line: span.end_line,
                    end_column: span.end_column,
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: &d.message,
                    fixable: d.is_fixable(),
                }
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&problems).expect("plain data serialises");
    out.push('\n');
    out
}
