//! Test helpers shared by the rules: fixtures with caret annotations.
//!
//! A fixture is Markdown in which a line like `//  ^^^^ warning: duplicate-item` (or the
//! same without `//`) marks the span of a diagnostic on the line above it. Annotation lines
//! are removed before analysis, so the text analysed is exactly the roadmap.

use super::{analyze, fix, fix_all, Code, Encoding, Inputs, Settings};

struct Expected {
    line: usize,
    start: usize,
    end: usize,
    label: String,
}

fn parse_fixture(fixture: &str) -> (String, Vec<Expected>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut line_no = 0usize;
    for line in fixture.split_inclusive('\n') {
        if let Some((start, end, label)) = annotation(line) {
            expected.push(Expected {
                line: line_no.saturating_sub(1),
                start,
                end,
                label,
            });
        } else {
            text.push_str(line);
            line_no += 1;
        }
    }
    (text, expected)
}

fn annotation(line: &str) -> Option<(usize, usize, String)> {
    let body = line.trim_end();
    let rest = body.strip_prefix("//").unwrap_or(body);
    let trimmed = rest.trim_start();
    if !trimmed.starts_with('^') {
        return None;
    }
    let start = body.chars().position(|c| c == '^')?;
    let carets = trimmed.chars().take_while(|&c| c == '^').count();
    let label = trimmed[carets..].trim().to_owned();
    Some((start, start + carets, label))
}

#[track_caller]
pub fn check(fixture: &str) {
    check_with(fixture, &Inputs::default());
}

#[track_caller]
pub fn check_with(fixture: &str, inputs: &Inputs<'_>) {
    let (text, expected) = parse_fixture(fixture);
    let analysis = analyze(&text, inputs, &Settings::default());
    let index = &analysis.document.line_index;
    let mut actual: Vec<(usize, usize, usize, String)> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            let (s, e) = index.range(&text, d.range, Encoding::Utf32);
            (
                s.line as usize,
                s.col as usize,
                e.col as usize,
                format!("{}: {}", d.severity.as_str(), d.code),
            )
        })
        .collect();
    let mut want: Vec<(usize, usize, usize, String)> = expected
        .into_iter()
        .map(|e| (e.line, e.start, e.end, e.label))
        .collect();
    actual.sort();
    want.sort();
    assert_eq!(
        actual,
        want,
        "\ntext:\n{text}\nmessages: {:#?}",
        analysis
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
}

/// Asserts the (line, code) pairs, for lines where caret columns would be unreadable.
#[track_caller]
pub fn check_codes(text: &str, expected: &[(usize, &str)]) {
    let analysis = analyze(text, &Inputs::default(), &Settings::default());
    let actual: Vec<(usize, &str)> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            (
                analysis.document.line_index.line_of(d.range.start),
                d.code.as_str(),
            )
        })
        .collect();
    assert_eq!(actual, expected, "\ntext:\n{text}");
}

/// Applies the first fix of the first diagnostic with `code` and compares the result.
#[track_caller]
pub fn check_fix(code: &str, before: &str, after: &str) {
    let code = Code::parse(code).expect("known code");
    let analysis = analyze(before, &Inputs::default(), &Settings::default());
    let diagnostic = analysis
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in:\n{before}"));
    let fix = diagnostic
        .fixes
        .first()
        .unwrap_or_else(|| panic!("{code} has no fix"));
    let (out, _) = fix::apply_edits(before, &fix.edits);
    assert_eq!(out, after);
    if fix.is_safe() {
        let again = analyze(&out, &Inputs::default(), &Settings::default());
        assert!(
            !again.diagnostics.iter().any(|d| d.code == code),
            "the fix did not resolve {code}:\n{out}"
        );
    }
}

#[track_caller]
pub fn check_no_fix(code: &str, text: &str) {
    let code = Code::parse(code).expect("known code");
    let analysis = analyze(text, &Inputs::default(), &Settings::default());
    let d = analysis
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code}"));
    assert!(d.fixes.is_empty(), "unexpected fix {:?}", d.fixes);
}

/// Applies every safe fix with these inputs.
pub fn fix_with(text: &str, inputs: &Inputs<'_>) -> String {
    fix_all(text, inputs, &Settings::default()).text
}

/// A lone `\r` ends a line, as `\n` and `\r\n` do (CommonMark and LSP): the same roadmap
/// written with each line ending, or with all three mixed, has its problems at the same
/// lines and columns, its items where pulldown-cmark reads them, and the same fixes.
#[test]
fn a_lone_carriage_return_ends_a_line() {
    use super::text::LineIndex;
    use pulldown_cmark::{Event, Parser, Tag};
    let lines = [
        "---",
        "title: Plan",
        "---",
        "# Plan",
        "",
        "**Last Updated:** 2024-01-15",
        "",
        "## Now",
        "- [ ] Ship the thing",
        "  - [x] half é 😀 [P9] done",
        "-[ ] glued",
        "- [ ] Ship the thing",
        "<!-- tickmark-disable-next-line empty-item -->",
        "- [ ]",
        "- [ ]",
        "[x] loose box",
        "",
        "Tasks:",
        "- [v] odd box [P1] [P1]",
    ];
    // pulldown-cmark ends an HTML block only at a `\n` (its comment would run on to the end
    // of the text): the comment's line ends with one in every variant.
    // And an empty line after a lone `\r` does not end with `\n` (the two would be one
    // `\r\n`).
    let join = |ends: &dyn Fn(usize) -> &'static str| -> String {
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            let mut end = if l.starts_with("<!--") { "\n" } else { ends(i) };
            if l.is_empty() && out.ends_with('\r') && end.starts_with('\n') {
                end = "\r";
            }
            out.push_str(l);
            out.push_str(end);
        }
        out
    };
    let lf = join(&|_| "\n");
    let variants = [
        join(&|_| "\r"),
        join(&|_| "\r\n"),
        join(&|i| ["\r", "\n", "\r\n"][i % 3]),
        join(&|i| ["\n", "\r"][i % 2]),
    ];
    let positions = |text: &str| {
        let analysis = analyze(text, &Inputs::default(), &Settings::default());
        let index = &analysis.document.line_index;
        analysis
            .diagnostics
            .iter()
            .map(|d| {
                let (a, b) = index.range(text, d.range, Encoding::Utf16);
                (d.code, d.message.clone(), a, b)
            })
            .collect::<Vec<_>>()
    };
    // Where pulldown-cmark starts each item and heading, as line and column.
    let starts = |text: &str| {
        let index = LineIndex::new(text);
        Parser::new(text)
            .into_offset_iter()
            .filter(|(e, _)| matches!(e, Event::Start(Tag::Item | Tag::Heading { .. })))
            .map(|(_, r)| index.line_col(text, r.start, Encoding::Utf16))
            .collect::<Vec<_>>()
    };
    let expected = positions(&lf);
    assert!(expected.len() >= 6, "{expected:#?}");
    let last = expected.iter().map(|d| d.2.line).max().unwrap();
    assert_eq!(last as usize, lines.len() - 1, "{expected:#?}");
    for text in &variants {
        assert_eq!(
            LineIndex::new(text).line_count(),
            lines.len() + 1,
            "{text:?}"
        );
        assert_eq!(positions(text), expected, "{text:?}");
        assert_eq!(starts(text), starts(&lf), "{text:?}");
        let fixed = fix_all(text, &Inputs::default(), &Settings::default()).text;
        let lf_fixed = fix_all(&lf, &Inputs::default(), &Settings::default()).text;
        assert_eq!(
            super::text::lines_inclusive(&fixed)
                .map(super::text::trim_line_end)
                .collect::<Vec<_>>(),
            lf_fixed.lines().collect::<Vec<_>>(),
            "{text:?}"
        );
    }
}
