//! Diagnostic codes (the registry of SPEC §2), severities and the diagnostic value itself.

use std::borrow::Cow;

use super::fix::Fix;
use super::text::{LineCol, TextRange};

/// Where rule documentation is published; `Code::href` appends the code.
pub const DOCS_BASE: &str = "https://github.com/tickmark-lsp/tickmark/blob/main/docs/rules.md#";

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }

    /// Warnings and errors fail `tickmark check`; information and hints do not.
    pub const fn fails_check(self) -> bool {
        matches!(self, Severity::Error | Severity::Warning)
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $file:literal, $summary:literal;)*) => {
        /// Every diagnostic code of SPEC §2, in SPEC order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable public name, as in SPEC §2.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            pub const fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line saying what the rule flags.
            pub const fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }

            /// The rule's full documentation: the `//!` comment of its module.
            pub fn docs(self) -> String {
                let source = match self {
                    $(Code::$variant => include_str!(concat!("rules/", $file, ".rs"))),*
                };
                module_docs(source)
            }
        }
    };
}

codes! {
    MalformedCheckbox = "malformed-checkbox", Warning, "malformed_checkbox", "A near-miss task box that Markdown does not render as a checkbox.";
    DuplicateItem = "duplicate-item", Warning, "duplicate_item", "The same item listed twice.";
    InconsistentParent = "inconsistent-parent", Warning, "inconsistent_parent", "A checked item with an open subtask.";
    ParentCompletable = "parent-completable", Hint, "parent_completable", "Every subtask is done but the parent is still open.";
    UnknownPriority = "unknown-priority", Warning, "unknown_priority", "A priority tag outside the document's legend.";
    MalformedPriority = "malformed-priority", Warning, "malformed_priority", "A priority tag written in a form tickmark does not read, such as `[p1]`.";
    Mojibake = "mojibake", Warning, "mojibake", "UTF-8 text that was decoded as Windows-1252 or Mac Roman.";
    EmptyItem = "empty-item", Warning, "empty_item", "A task box with no text.";
    StatusMismatch = "status-mismatch", Information, "status_mismatch", "An open task under a done section.";
    BrokenLink = "broken-link", Warning, "broken_link", "A relative link whose target file does not exist.";
    StaleDate = "stale-date", Hint, "stale_date", "A date field older than the file's last committed change.";
    ProgressClaim = "progress-claim", Information, "progress_claim", "A hand-written progress count that disagrees with the items.";
    ConflictingState = "conflicting-state", Warning, "conflicting_state", "A task open in one roadmap file and done in another.";
    LimitReached = "limit-reached", Information, "limit_reached", "A file past tickmark's size, line-length or nesting limits: some checks are skipped.";
    ReopenedItem = "reopened-item", Hint, "reopened_item", "A task that was checked in a committed version and is open now (from git history).";
    StaleOpen = "stale-open", Information, "stale_open", "An open P0 or P1 task whose text and state have not changed for `dates.stale-open-days` days (from git history).";
}

impl Code {
    pub fn parse(name: &str) -> Option<Self> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// Link to the rule's documentation (`codeDescription.href`).
    pub fn href(self) -> String {
        format!("{DOCS_BASE}{}", self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The leading `//!` paragraph block of a Rust source file, without the markers.
fn module_docs(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        let Some(rest) = line.strip_prefix("//!") else {
            break;
        };
        out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// Another place involved in a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub place: Place,
    /// Most messages are fixed strings, which are then not allocated.
    pub message: Cow<'static, str>,
}

/// Where a [`Related`] place is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A range of the same document.
    Here(TextRange),
    /// A place in another file of the workspace: `file` as the caller named it in the
    /// [`crate::analysis::index::WorkspaceIndex`] (a path or a URI), 0-based lines, columns
    /// in the encoding that index was built with; `label` is how a message names the file.
    Elsewhere {
        file: String,
        label: String,
        start: LineCol,
        end: LineCol,
    },
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
    /// Fixes for this problem, safest first.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            range,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        // Exact: a diagnostic has one or two fixes, and a first push would allocate four.
        self.fixes.reserve_exact(1);
        self.fixes.push(fix);
        self
    }

    #[must_use]
    pub fn with_related(mut self, range: TextRange, message: impl Into<Cow<'static, str>>) -> Self {
        self.related.reserve_exact(1);
        self.related.push(Related {
            place: Place::Here(range),
            message: message.into(),
        });
        self
    }

    /// True when a safe fix exists (`fixable` in `--format json`).
    pub fn is_fixable(&self) -> bool {
        self.fixes.iter().any(Fix::is_safe)
    }
}
