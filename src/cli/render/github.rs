//! `--format github`: GitHub Actions workflow commands, which GitHub shows as annotations on
//! the pull request.
//!
//! `::warning file=ROADMAP.md,line=3,col=1,endLine=3,endColumn=4,title=malformed-checkbox::…`;
//! errors become `::error`, warnings `::warning`, information and hints `::notice`. Values
//! are escaped as the Actions toolkit does: `%`, `\r` and `\n` everywhere, and also `:` and
//! `,` inside properties.

use std::fmt::Write as _;

use super::FileReport;
use crate::analysis::Severity;

/// One workflow command per line.
pub fn render(files: &[FileReport<'_>]) -> String {
    let mut out = String::new();
    for file in files {
        for d in file.diagnostics {
            let span = file.span(d.range);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Information | Severity::Hint => "notice",
            };
            let _ = writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(file.path),
                span.line,
                span.column,
                span.end_line,
                span.end_column,
                escape_property(d.code.as_str()),
                escape_data(&d.message),
            );
        }
    }
    out
}

/// Escapes a command's message.
pub fn escape_data(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(value: &str) -> String {
    escape_data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit() {
        assert_eq!(escape_data("50%\r\ndone: a,b"), "50%25%0D%0Adone: a,b");
        assert_eq!(escape_property("C:\\a,b%"), "C%3A\\a%2Cb%25");
    }
}
