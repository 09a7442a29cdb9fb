//! The rule registry: one table of every rule in SPEC order, and the runner that applies
//! severities and suppression comments.

pub mod broken_link;
mod conflicting_state;
pub(crate) mod duplicate_item;
mod empty_item;
mod inconsistent_parent;
mod limit_reached;
mod malformed_checkbox;
mod malformed_priority;
mod mojibake;
mod parent_completable;
pub(crate) mod progress_claim;
// Documentation only: these two read git history, which the engine never does; the
// history module reports them (`crate::history::facts`).
mod reopened_item;
mod stale_date;
mod stale_open;
mod status_mismatch;
pub mod unknown_priority;

use super::diagnostic::{Code, Diagnostic, Severity};
use super::model::{Document, Suppression};
use super::text::{Edit, TextRange};
use super::{Inputs, Settings};

/// What every rule reads.
pub struct Ctx<'a> {
    pub text: &'a str,
    pub doc: &'a Document,
    pub inputs: &'a Inputs<'a>,
    pub settings: &'a Settings,
}

type Rule = fn(&Ctx<'_>, &mut Vec<Diagnostic>);

/// Every rule, in SPEC §2 order (the rules across files last).
const RULES: &[(Code, Rule)] = &[
    (Code::MalformedCheckbox, malformed_checkbox::check),
    (Code::DuplicateItem, duplicate_item::check),
    (Code::InconsistentParent, inconsistent_parent::check),
    (Code::ParentCompletable, parent_completable::check),
    (Code::UnknownPriority, unknown_priority::check),
    (Code::MalformedPriority, malformed_priority::check),
    (Code::Mojibake, mojibake::check),
    (Code::EmptyItem, empty_item::check),
    (Code::StatusMismatch, status_mismatch::check),
    (Code::BrokenLink, broken_link::check),
    (Code::StaleDate, stale_date::check),
    (Code::ProgressClaim, progress_claim::check),
    (Code::ConflictingState, conflicting_state::check),
    (Code::LimitReached, limit_reached::check),
];

/// Runs every enabled rule, applies configured severities, drops suppressed diagnostics and
/// sorts the rest by position.
pub fn run(
    text: &str,
    doc: &Document,
    inputs: &Inputs<'_>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    run_some(text, doc, inputs, settings, |_| true)
}

/// [`run`] for the rules whose code `wanted` accepts.
pub fn run_some(
    text: &str,
    doc: &Document,
    inputs: &Inputs<'_>,
    settings: &Settings,
    wanted: impl Fn(Code) -> bool,
) -> Vec<Diagnostic> {
    let ctx = Ctx {
        text,
        doc,
        inputs,
        settings,
    };
    let mut out = Vec::new();
    let costly_skipped = super::limits::exceeded(text, doc).is_some_and(|e| e.skips_costly());
    for &(code, rule) in RULES {
        if !wanted(code)
            || (costly_skipped && matches!(code, Code::DuplicateItem | Code::ProgressClaim))
        {
            continue;
        }
        let Some(severity) = settings.severity(code) else {
            continue;
        };
        let start = out.len();
        rule(&ctx, &mut out);
        for d in &mut out[start..] {
            debug_assert_eq!(d.code, code);
            grade(d, severity);
        }
    }
    retain_unsuppressed(doc, &mut out);
    sort(&mut out);
    out
}

/// Drops the diagnostics a `tickmark-disable…` comment of `doc` silences: [`is_suppressed`]
/// for many diagnostics, with the comments indexed once (a file with a comment per item and
/// a diagnostic per item was quadratic).
pub fn retain_unsuppressed(doc: &Document, diagnostics: &mut Vec<Diagnostic>) {
    if doc.suppressions.is_empty() || diagnostics.is_empty() {
        return;
    }
    let silencer = Silencer::new(doc);
    diagnostics.retain(|d| !silencer.silences(d.code, doc.line_index.line_of(d.range.start)));
}

/// A document's suppression comments indexed by line, for many look-ups.
pub struct Silencer<'a> {
    /// `disable-next-line` comments (by the line they silence), sorted by that line.
    lines: Vec<(usize, &'a [String])>,
    /// `disable`/`enable` comments in document order.
    regions: Vec<(usize, &'a [String], bool)>,
}

impl<'a> Silencer<'a> {
    pub fn new(doc: &'a Document) -> Self {
        let mut lines = Vec::new();
        let mut regions = Vec::new();
        for s in &doc.suppressions {
            match s {
                Suppression::Line { line, codes } => lines.push((*line, codes.as_slice())),
                Suppression::Region {
                    line,
                    codes,
                    enable,
                } => regions.push((*line, codes.as_slice(), *enable)),
            }
        }
        lines.sort_by_key(|&(line, _)| line);
        Silencer { lines, regions }
    }

    /// True when a comment silences `code` on `line`: the same answer as
    /// [`is_suppressed_at`].
    pub fn silences(&self, code: Code, line: usize) -> bool {
        let names = |codes: &[String]| codes.is_empty() || codes.iter().any(|c| c == code.as_str());
        let from = self.lines.partition_point(|&(l, _)| l < line);
        if self.lines[from..]
            .iter()
            .take_while(|&&(l, _)| l == line)
            .any(|&(_, codes)| names(codes))
        {
            return true;
        }
        // The last region comment before the line that names the code decides.
        self.regions
            .iter()
            .rev()
            .filter(|&&(l, _, _)| l < line)
            .find(|&&(_, codes, _)| names(codes))
            .is_some_and(|&(_, _, enable)| !enable)
    }
}

/// Gives a diagnostic its configured severity. A rule may grade a diagnostic below its
/// code's default (a duplicate in another file is information); the configured severity
/// never raises it above that.
pub fn grade(d: &mut Diagnostic, severity: Severity) {
    d.severity = if d.severity == d.code.default_severity() {
        severity
    } else {
        d.severity.max(severity)
    };
}

/// The order diagnostics are reported in: by position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(order);
}

/// The order [`sort`] puts diagnostics in: by position, then code.
pub fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
}

/// True when a `tickmark-disable…` comment of `doc` silences `d`.
pub fn is_suppressed(doc: &Document, d: &Diagnostic) -> bool {
    is_suppressed_at(doc, d.code, d.range.start)
}

/// True when a `tickmark-disable…` comment of `doc` silences `code` at byte `offset`.
pub fn is_suppressed_at(doc: &Document, code: Code, offset: usize) -> bool {
    let line = doc.line_index.line_of(offset);
    let names = |codes: &[String]| codes.is_empty() || codes.iter().any(|c| c == code.as_str());
    let mut disabled = false;
    for s in &doc.suppressions {
        match s {
            Suppression::Line { line: l, codes } if *l == line && names(codes) => return true,
            Suppression::Region {
                line: l,
                codes,
                enable,
            } if *l < line && names(codes) => disabled = !enable,
            _ => {}
        }
    }
    disabled
}

/// The edit that sets a task box to `ch`: it replaces what is inside the brackets, one
/// character in a well-formed box, the whole inside of a near-miss (`[]`, `[ x]`).
pub fn set_box(checkbox: TextRange, ch: char) -> Edit {
    let inner = TextRange::new(checkbox.start + 1, checkbox.end - 1);
    let insert: std::borrow::Cow<'static, str> = match ch {
        'x' => "x".into(),
        ' ' => " ".into(),
        _ => ch.to_string().into(),
    };
    Edit::replace(inner, insert)
}

/// The range of whole lines an item and its subtree occupy, terminators included.
pub fn item_lines(text: &str, doc: &Document, id: usize) -> TextRange {
    let item = &doc.items[id];
    let first = doc
        .line_index
        .line_start(item.line)
        .unwrap_or(item.range.start);
    let content_end = item.range.start + text[item.range.as_range()].trim_end().len();
    let last = doc
        .line_index
        .line_of(content_end.saturating_sub(1).max(item.range.start));
    let end = doc
        .line_index
        .full_line_range(last)
        .map_or(text.len(), |r| r.end);
    TextRange::new(first, end)
}

/// The item text as written, for messages.
pub fn quote(text: &str, range: TextRange) -> String {
    let mut out = String::new();
    quote_into(&mut out, text, range);
    out
}

/// [`quote`] appended to `out`, for a message built in place.
pub fn quote_into(out: &mut String, text: &str, range: TextRange) {
    const MAX: usize = 60;
    let s = &text[range.as_range()];
    // No more bytes than MAX: no more characters either.
    if s.len() <= MAX || s.chars().count() <= MAX {
        out.push_str(s);
    } else {
        out.extend(s.chars().take(MAX - 1));
        out.push('…');
    }
}

#[cfg(test)]
mod tests {
    use super::{is_suppressed_at, Silencer};
    use crate::analysis::diagnostic::Code;
    use crate::analysis::{parse, BoxStates};

    /// The indexed look-up answers as the comment-by-comment one, on every line and code.
    #[test]
    fn the_silencer_agrees_with_each_comment() {
        let text = "\
- [] a
  <!-- tickmark-disable-next-line malformed-checkbox -->
- [] b
<!-- tickmark-disable empty-item -->
- [ ]
<!-- tickmark-disable-next-line -->
- [ ]
<!-- tickmark-disable -->
- [] c
<!-- tickmark-enable malformed-checkbox -->
- [] d
<!-- tickmark-enable -->
- [ ]
- [] e
";
        let doc = parse::parse(text, &BoxStates::default());
        assert!(doc.suppressions.len() >= 6, "{:?}", doc.suppressions);
        let silencer = Silencer::new(&doc);
        for line in 0..=doc.line_index.line_count() {
            for &code in Code::ALL {
                let offset = doc.line_index.line_start(line).unwrap_or(text.len());
                assert_eq!(
                    silencer.silences(code, line),
                    is_suppressed_at(&doc, code, offset),
                    "{code:?} on line {line}"
                );
            }
        }
    }
}
