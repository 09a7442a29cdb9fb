//! The limits past which tickmark reads a document only in part, in one place for the command
//! line and the server. Past them the costly work is skipped and one `limit-reached`
//! diagnostic at the top of the file says what was skipped (see [`check`]).
//!
//! - Lists nested deeper than [`MAX_DEPTH`] levels: the deeper items are read as the text of
//!   their ancestor at that level (no item, rule or answer sees them).
//! - A document larger than [`MAX_BYTES`], or with a line longer than [`MAX_LINE_BYTES`]:
//!   the rules that compare items with each other or recount them (`duplicate-item`,
//!   `progress-claim`) are skipped, and [`Exceeded::skips_costly`] tells a front end to skip
//!   its costly answers too.

use super::diagnostic::{Code, Diagnostic};
use super::model::Document;
use super::text::{LineIndex, TextRange};

/// Deepest list nesting read; deeper items are part of their ancestor's text.
pub const MAX_DEPTH: usize = 100;
/// Largest document (in bytes) checked in full.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Longest line (in bytes, terminator excluded) of a document checked in full.
pub const MAX_LINE_BYTES: usize = 2 * 1024 * 1024;

/// Which limits a document passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exceeded {
    /// The document is larger than [`MAX_BYTES`].
    pub bytes: bool,
    /// The first line (0-based) longer than [`MAX_LINE_BYTES`].
    pub long_line: Option<usize>,
    /// The first line (0-based) where lists nest deeper than [`MAX_DEPTH`].
    pub deep: Option<usize>,
}

impl Exceeded {
    /// True when the costly rules and answers are skipped (size or line length).
    pub fn skips_costly(&self) -> bool {
        self.bytes || self.long_line.is_some()
    }

    /// The message of the `limit-reached` diagnostic (lines 1-based).
    pub fn message(&self) -> String {
        let mut why = Vec::new();
        if self.bytes {
            why.push(format!("it is larger than {} MiB", MAX_BYTES >> 20));
        }
        if let Some(line) = self.long_line {
            why.push(format!(
                "line {} is longer than {} MiB",
                line + 1,
                MAX_LINE_BYTES >> 20
            ));
        }
        if let Some(line) = self.deep {
            why.push(format!(
                "lists nest deeper than {MAX_DEPTH} levels on line {}, and the deeper items are read as text",
                line + 1
            ));
        }
        let mut message = format!("This file is checked only in part: {}", why.join("; "));
        if self.skips_costly() {
            message.push_str("; duplicate-item and progress-claim are skipped");
        }
        message
    }
}

/// The limits `text` (read as `doc`) passes, or `None` when it is within all of them. Linear
/// in the number of lines.
pub fn exceeded(text: &str, doc: &Document) -> Option<Exceeded> {
    Exceeded {
        bytes: text.len() > MAX_BYTES,
        long_line: first_long_line(text, &doc.line_index),
        deep: doc.depth_cut,
    }
    .or_none()
}

impl Exceeded {
    /// `None` when no limit is passed.
    pub fn or_none(self) -> Option<Exceeded> {
        (self != Exceeded::default()).then_some(self)
    }

    /// The `limit-reached` diagnostic, at the top of the file.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::new(Code::LimitReached, TextRange::new(0, 0), self.message())
    }
}

/// The first line (0-based) of `text` longer than [`MAX_LINE_BYTES`].
pub fn first_long_line(text: &str, index: &LineIndex) -> Option<usize> {
    if text.len() <= MAX_LINE_BYTES {
        return None;
    }
    (0..index.line_count()).find(|&line| {
        index
            .line_range(text, line)
            .is_some_and(|r| r.len() > MAX_LINE_BYTES)
    })
}

/// The `limit-reached` diagnostic of a document past a limit: one, at the top of the file.
pub fn check(text: &str, doc: &Document) -> Option<Diagnostic> {
    exceeded(text, doc).map(|e| e.diagnostic())
}

#[cfg(test)]
mod tests {
    use super::{exceeded, MAX_DEPTH};
    use crate::analysis::{analyze, outline, Code, Inputs, Settings};

    /// A list nested 20,000 levels on one line (40 KB): read to the limit, one diagnostic at
    /// the top, and the outline (recursive over the items) stays within the stack.
    #[test]
    fn deep_nesting_is_read_to_the_limit() {
        let text = format!("# Deep\n\n{}[ ] x\n- [] after\n", "- ".repeat(20_000));
        let analysis = analyze(&text, &Inputs::default(), &Settings::default());
        let doc = &analysis.document;
        assert_eq!(doc.items.len(), MAX_DEPTH + 1);
        assert_eq!(doc.depth_cut, Some(2));
        let codes: Vec<Code> = analysis.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::LimitReached, Code::MalformedCheckbox]);
        let first = &analysis.diagnostics[0];
        assert_eq!((first.range.start, first.range.end), (0, 0));
        assert!(
            first.message.contains("deeper than 100 levels on line 3"),
            "{}",
            first.message
        );
        let mut deepest = 0;
        let mut stack: Vec<(usize, outline::Symbol)> = outline::symbols(&text, doc)
            .into_iter()
            .map(|s| (1, s))
            .collect();
        while let Some((depth, s)) = stack.pop() {
            deepest = deepest.max(depth);
            stack.extend(s.children.into_iter().map(|c| (depth + 1, c)));
        }
        assert_eq!(deepest, MAX_DEPTH + 1);
        // Deep on every line: the same, once.
        let mut text = String::new();
        for level in 0..300 {
            text.push_str(&"  ".repeat(level));
            text.push_str("- [ ] task\n");
        }
        let analysis = analyze(&text, &Inputs::default(), &Settings::default());
        assert_eq!(analysis.document.items.len(), MAX_DEPTH);
        let limited = analysis
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::LimitReached);
        assert_eq!(limited.count(), 1);
    }

    #[test]
    fn a_long_line_skips_the_costly_rules() {
        let long = "x".repeat(super::MAX_LINE_BYTES + 1);
        let text = format!("- [ ] same\n- [ ] same\n{long}\n");
        let analysis = analyze(&text, &Inputs::default(), &Settings::default());
        let codes: Vec<Code> = analysis.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::LimitReached]);
        let e = exceeded(&text, &analysis.document).unwrap();
        assert!(e.skips_costly());
        assert_eq!(e.long_line, Some(2));
        assert!(analysis.diagnostics[0]
            .message
            .contains("duplicate-item and progress-claim are skipped"));
        // Within the limits: no note, and the duplicate is found.
        let analysis = analyze(
            "- [ ] same\n- [ ] same\n",
            &Inputs::default(),
            &Settings::default(),
        );
        let codes: Vec<Code> = analysis.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::DuplicateItem]);
    }
}
