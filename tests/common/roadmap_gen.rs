//! A grammar of roadmap-like markdown for property tests: list markers of every kind,
//! indentation in spaces and tabs, block quotes, boxes and their near-misses, priority tags,
//! links, headings (ATX and setext), code, HTML comments, fields, emoji, mojibake, and the
//! Unicode white space CommonMark does not count as white space (no-break, ideographic and
//! zero-width spaces, line and paragraph separators, the byte-order mark, NEL). Lines end in
//! `\n` or `\r\n`, trailing white space included, and a document may stop mid-line, as one
//! does while typing.

use std::fmt::Write as _;

use proptest::prelude::*;

/// White space (and near white space) that Rust's `char::is_whitespace` and CommonMark
/// disagree on, or that is invisible: each a classic source of a range inside a character.
pub const UNICODE_SPACES: &[&str] = &[
    "\u{A0}", "\u{2028}", "\u{2029}", "\u{3000}", "\u{FEFF}", "\u{200B}", "\u{1680}", "\u{85}",
];

const INDENTS: &[&str] = &[
    "", "", "", "  ", "  ", "    ", "\t", " \t", "   ", "\t\t", "      ", "        ", "\u{A0}",
];

const QUOTES: &[&str] = &["", "", "", "", "> ", ">", "> > ", ">\t"];

const MARKERS: &[&str] = &[
    "- ", "- ", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "-\t", "-", "*", "- \u{A0}", "",
];

const BOXES: &[&str] = &[
    "",
    "",
    "[ ] ",
    "[ ] ",
    "[x] ",
    "[X] ",
    "[/] ",
    "[-] ",
    "[>] ",
    "[] ",
    "[ x] ",
    "[x ] ",
    "[  ] ",
    "[v] ",
    "[✓] ",
    "[✔]",
    "[ ]",
    "[x]",
    "[ ]\u{A0}",
    "[\u{A0}] ",
    "[\u{3000}] ",
    "[ ]\u{2028}",
    "[P1] ",
    "[ ]\t",
    "[x]Glued ",
];

const PIECES: &[&str] = &[
    "task",
    "Write tests",
    "API Documentation",
    "fix",
    "Émile",
    "naïve",
    "日本語",
    "[P1]",
    "[P0]",
    "[P12]",
    "[P7]",
    "**[P2]**",
    "[#A]",
    "[#z]",
    "(B)",
    "(A) first",
    "⏫",
    "🔺\u{FE0F}",
    "🔽",
    "[p1]",
    "(P1)",
    "[P 1]",
    "[P-1]",
    "[link](./x.md)",
    "[l](<a b.md>)",
    "[l](\u{A0}x.md)",
    "[l](\u{3000})",
    "[l](x.md \"t](x\")",
    "[a](b(c).md)",
    "[](<>)",
    "![i](i.png)",
    "[![i](i.png)](t.md)",
    "[ref]",
    "`code [P1]`",
    "`",
    "<!-- tickmark-disable-next-line -->",
    "<!-- tickmark-disable duplicate-item -->",
    "<b>",
    "</b>",
    "**Time:** 2-3 hours",
    "**Last Updated:** 2025-01-15",
    "Updated: January 7, 2026",
    "Date: 2024-01-1🔴",
    "✅",
    "✔",
    "ðŸ”´",
    "âœ…",
    "‚úÖ",
    "üü¢",
    "Ã©",
    "🔴",
    "🟠",
    "👍🏽",
    "👨‍👩‍👧",
    "𝄞",
    "é",
    "(3/5)",
    "[2/9]",
    "5 of 9",
    ":",
    "**",
    "__",
    "\\",
    "\\[",
    "&amp;",
    "&nbsp;",
    "http://x.y/z",
    "#",
    "|",
    "~",
    "\u{301}",
    "e\u{301}",
];

const SEPARATORS: &[&str] = &[" ", " ", " ", "", "\t", "  ", "\u{A0}", "\u{3000}"];

const TRAILERS: &[&str] = &[
    "",
    "",
    "",
    " ",
    "  ",
    "\t",
    "\u{A0}",
    "\u{2028}",
    " \u{3000}",
];

/// Lines that stand alone: headings, rules, fences, HTML, tables, blank lines.
const WHOLE_LINES: &[&str] = &[
    "# Roadmap",
    "## 🔴 Critical",
    "## Tier 2",
    "### ✅ Done",
    "### âœ… Completed",
    "## Priority Levels",
    "- **[P0]** - Critical: Must fix",
    "- **[P1]** - Important: Should fix",
    "#",
    "# ",
    "##\u{3000}x",
    "#\u{A0}x",
    "## Title ##",
    "## \u{2028}",
    "Title",
    "===",
    "---",
    "- - -",
    "```",
    "~~~",
    "    - [ ] indented code",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "",
    "",
    "",
    "   ",
    "\t",
    "[ref]: ./r.md",
    "[ref]: \u{A0}r.md",
    "| a | b |",
    "|---|---|",
    "-[ ] Glued marker",
    "-[x]done",
    "*[ ]",
    "-[]",
    "- ",
    "-",
    "1.",
];

fn pick(choices: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(choices)
}

fn space() -> impl Strategy<Value = &'static str> {
    prop::sample::select(UNICODE_SPACES)
}

/// A piece of an item's text: a word, a tag, a link, an emoji, or Unicode white space.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick(PIECES).prop_map(str::to_owned),
        1 => space().prop_map(str::to_owned),
        1 => (space(), pick(PIECES)).prop_map(|(s, p)| format!("{s}{p}")),
        1 => (pick(PIECES), space()).prop_map(|(p, s)| format!("{p}{s}")),
    ]
}

/// A line's content after its indentation and quote markers.
fn body() -> impl Strategy<Value = String> {
    let item = (
        pick(MARKERS),
        pick(BOXES),
        prop::collection::vec((piece(), pick(SEPARATORS)), 0..5),
    )
        .prop_map(|(marker, box_, pieces)| {
            let mut out = format!("{marker}{box_}");
            for (p, sep) in pieces {
                out.push_str(&p);
                out.push_str(sep);
            }
            out
        });
    let heading = (1..=6usize, pick(SEPARATORS), piece())
        .prop_map(|(n, sep, p)| format!("{}{sep}{p}", "#".repeat(n)));
    prop_oneof![
        6 => item,
        2 => pick(WHOLE_LINES).prop_map(str::to_owned),
        1 => heading,
        1 => (space(), pick(WHOLE_LINES)).prop_map(|(s, l)| format!("{s}{l}")),
    ]
}

/// One line with its indentation, quote markers, trailing white space and line ending.
fn line() -> impl Strategy<Value = String> {
    (
        pick(INDENTS),
        pick(QUOTES),
        body(),
        pick(TRAILERS),
        prop_oneof![4 => Just("\n"), 1 => Just("\r\n")],
    )
        .prop_map(|(indent, quote, body, trailer, end)| {
            format!("{indent}{quote}{body}{trailer}{end}")
        })
}

/// A run of items, each nested one level deeper than the last (two spaces or a tab per
/// level), as deep as `depth`.
fn nested() -> impl Strategy<Value = String> {
    (1..14usize, any::<bool>(), pick(BOXES), piece()).prop_map(|(depth, tabs, box_, p)| {
        let mut out = String::new();
        for k in 0..depth {
            let indent = if tabs { "\t" } else { "  " }.repeat(k);
            let _ = writeln!(out, "{indent}- {box_}{p} {k}");
        }
        out
    })
}

/// A roadmap-like document of up to `max_lines` lines (a nested run counts as one); its
/// last line ending may be missing.
pub fn roadmap(max_lines: usize) -> impl Strategy<Value = String> {
    let chunk = prop_oneof![12 => line(), 1 => nested()];
    (prop::collection::vec(chunk, 0..max_lines), any::<bool>()).prop_map(|(lines, cut)| {
        let mut text = lines.concat();
        if cut {
            let trimmed = text.trim_end_matches(['\n', '\r']).len();
            text.truncate(trimmed);
        }
        text
    })
}
