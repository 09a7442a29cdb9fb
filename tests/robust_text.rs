//! The reading never panics on real text: on generated roadmap-like markdown full of Unicode
//! white space, emoji, mojibake and near-misses, `analyze` returns, every range it reports
//! lies on character boundaries inside the text with its start before its end, and applying
//! the safe fixes gives text that reads again.

#[path = "common/roadmap_gen.rs"]
mod roadmap_gen;

use proptest::prelude::*;
use tickmark::analysis::diagnostic::Place;
use tickmark::analysis::{analyze, fix, fix_all, outline, Analysis, Inputs, Settings, TextRange};

fn inputs() -> Inputs<'static> {
    Inputs {
        link_exists: Some(&|path: &str| path.len() % 2 == 0),
        last_commit: Some(jiff::civil::date(2025, 6, 1)),
        today: Some(jiff::civil::date(2026, 1, 1)),
        ..Inputs::default()
    }
}

/// Checks one range; `what` names it in the failure.
fn check(text: &str, what: &str, range: TextRange, problems: &mut Vec<String>) {
    let ok = range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end);
    if !ok {
        problems.push(format!("{what}: {}..{}", range.start, range.end));
    }
}

fn within(inner: TextRange, outer: TextRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Every range an analysis holds that is not on character boundaries of `text`, inside it,
/// and in order.
fn bad_ranges(text: &str, analysis: &Analysis) -> Vec<String> {
    let mut bad = Vec::new();
    let b = &mut bad;
    for d in &analysis.diagnostics {
        let code = d.code.as_str();
        check(text, &format!("{code} diagnostic"), d.range, b);
        for f in &d.fixes {
            for e in &f.edits {
                check(text, &format!("{code} fix `{}`", f.title), e.range, b);
            }
        }
        for r in &d.related {
            if let Place::Here(range) = r.place {
                check(text, &format!("{code} related"), range, b);
            }
        }
    }
    let doc = &analysis.document;
    for item in &doc.items {
        let n = item.line;
        check(text, &format!("item on line {n}"), item.range, b);
        check(text, &format!("item text on line {n}"), item.text, b);
        check(text, &format!("marker on line {n}"), item.marker(text), b);
        if let Some(checkbox) = item.checkbox {
            check(text, &format!("box on line {n}"), checkbox, b);
        }
        if item.text.start < item.range.start || item.text.end > item.range.end {
            b.push(format!("item text outside its item on line {n}"));
        }
    }
    for s in &doc.sections {
        let n = s.line;
        check(text, &format!("section on line {n}"), s.range, b);
        check(text, &format!("heading on line {n}"), s.heading, b);
        check(text, &format!("title on line {n}"), s.title, b);
    }
    for l in &doc.links {
        check(text, "link", l.destination, b);
    }
    for t in &doc.tags {
        check(text, "tag", t.range, b);
    }
    for f in &doc.fields {
        check(text, "field label", f.label_range, b);
        check(text, "field raw label", f.label_raw_range, b);
        check(text, "field value", f.value_range, b);
    }
    for m in &doc.malformed_boxes {
        check(text, "malformed box", m.range, b);
        check(text, "malformed box fix", m.fix.range, b);
    }
    for m in &doc.malformed_tags {
        check(text, "malformed tag", m.range, b);
    }
    for d in &doc.dates {
        check(text, "date", d.range, b);
    }
    for c in &doc.code {
        check(text, "code", *c, b);
    }
    // Each symbol with the range of its parent: an editor rejects a whole outline whose
    // selection leaves its symbol or whose child leaves its parent.
    let mut symbols: Vec<(outline::Symbol, Option<TextRange>)> = outline::symbols(text, doc)
        .into_iter()
        .map(|s| (s, None))
        .collect();
    while let Some((s, parent)) = symbols.pop() {
        let name = &s.name;
        check(text, &format!("symbol `{name}`"), s.range, b);
        check(text, &format!("symbol `{name}` selection"), s.selection, b);
        if !within(s.selection, s.range) {
            b.push(format!("selection of `{name}` outside its range"));
        }
        if parent.is_some_and(|p| !within(s.range, p)) {
            b.push(format!("symbol `{name}` outside its parent"));
        }
        symbols.extend(s.children.into_iter().map(|c| (c, Some(s.range))));
    }
    for lens in outline::lenses(text, doc) {
        check(text, "lens", lens.range, b);
    }
    for hint in outline::inlay_hints(text, doc) {
        check(text, "inlay hint", TextRange::empty(hint.offset), b);
    }
    let lines = doc.line_index.line_count();
    for fold in outline::folding_ranges(text, doc) {
        if fold.start_line > fold.end_line || fold.end_line >= lines {
            b.push(format!("fold {}..={}", fold.start_line, fold.end_line));
        }
    }
    bad
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn analysis_of_any_roadmap_text_is_in_bounds(text in roadmap_gen::roadmap(30)) {
        let analysis = analyze(&text, &inputs(), &Settings::default());
        let bad = bad_ranges(&text, &analysis);
        prop_assert!(bad.is_empty(), "{bad:#?}\nin {text:?}");

        // The safe fixes, one per diagnostic as `fix_all` takes them, apply to text that is
        // still UTF-8 (a `String` cannot be anything else; an edit off a character boundary
        // would have panicked or been dropped above) and reads again without panicking.
        let safe = analysis
            .diagnostics
            .iter()
            .flat_map(|d| d.fixes.iter().filter(|f| f.is_safe()).take(1));
        let (fixed, _) = fix::apply_fixes(&text, safe);
        prop_assert!(std::str::from_utf8(fixed.as_bytes()).is_ok());
        let again = analyze(&fixed, &inputs(), &Settings::default());
        let bad = bad_ranges(&fixed, &again);
        prop_assert!(bad.is_empty(), "after fixing: {bad:#?}\nin {fixed:?}");
        let all = fix_all(&text, &inputs(), &Settings::default());
        let bad = bad_ranges(&all.text, &analyze(&all.text, &inputs(), &Settings::default()));
        prop_assert!(bad.is_empty(), "after fixing all: {bad:#?}\nin {:?}", all.text);
    }
}

/// Every Unicode space of the grammar, with its name for failure messages.
const SPACES: [(char, &str); 8] = [
    ('\u{A0}', "no-break space"),
    ('\u{2028}', "line separator"),
    ('\u{2029}', "paragraph separator"),
    ('\u{3000}', "ideographic space"),
    ('\u{FEFF}', "zero-width no-break space"),
    ('\u{200B}', "zero-width space"),
    ('\u{1680}', "ogham space mark"),
    ('\u{85}', "next line"),
];

/// Analyses `text`, asserting every range is in bounds; returns the analysis.
fn read(text: &str, what: &str) -> Analysis {
    let analysis = analyze(text, &inputs(), &Settings::default());
    let bad = bad_ranges(text, &analysis);
    assert!(bad.is_empty(), "{what}: {bad:#?}\nin {text:?}");
    let fixed = fix_all(text, &inputs(), &Settings::default());
    let bad = bad_ranges(
        &fixed.text,
        &analyze(&fixed.text, &inputs(), &Settings::default()),
    );
    assert!(
        bad.is_empty(),
        "{what}, fixed: {bad:#?}\nin {:?}",
        fixed.text
    );
    analysis
}

#[test]
fn unicode_space_after_the_open_parenthesis_is_part_of_the_destination() {
    for (c, name) in SPACES {
        let text = format!("See [x]({c}foo.md) now\n- [ ] a [y](  {c}b.md \"t\")\n");
        let analysis = read(&text, name);
        let links: Vec<(&str, Option<&str>)> = analysis
            .document
            .links
            .iter()
            .map(|l| (&text[l.destination.as_range()], l.relative_path.as_deref()))
            .collect();
        let first = format!("{c}foo.md");
        let second = format!("{c}b.md");
        assert_eq!(
            links,
            [
                (first.as_str(), Some(first.as_str())),
                (second.as_str(), Some(second.as_str()))
            ],
            "{name}"
        );
    }
}

#[test]
fn link_destinations_are_found_as_commonmark_reads_them() {
    let text =
        "- [ ] [a](b(c).md) [i ![j](k.png)](<l m.md>) [t](u.md \"v](w\") [e]() [n](\\(o\\).md)\n";
    let analysis = read(text, "destinations");
    let found: Vec<&str> = analysis
        .document
        .links
        .iter()
        .map(|l| &text[l.destination.as_range()])
        .collect();
    // The image inside the second link text is no link.
    assert_eq!(found, ["b(c).md", "l m.md", "u.md", "", "\\(o\\).md"]);
}

#[test]
fn unicode_space_in_link_text_box_tag_line_start_and_heading() {
    for (c, name) in SPACES {
        // Inside the link text.
        let text = format!("- [ ] see [x{c}y]({c}) and [{c}](a.md)\n");
        let analysis = read(&text, name);
        let links: Vec<&str> = analysis
            .document
            .links
            .iter()
            .map(|l| &text[l.destination.as_range()])
            .collect();
        assert_eq!(links, [c.to_string().as_str(), "a.md"], "{name}");

        // Before a box, and as a box's content: no task, no fix that would cut the space.
        for text in [
            format!("- {c}[ ] task\n"),
            format!("- [{c}] task\n"),
            format!("-{c}[ ] task\n"),
        ] {
            let analysis = read(&text, name);
            assert!(
                analysis.document.items.iter().all(|i| !i.is_task()),
                "{name}: {text:?}"
            );
        }
        // After a box: a task whose text keeps the character or starts after it.
        let text = format!("- [ ]{c}task\n- [x] {c}\n");
        let analysis = read(&text, name);
        let texts: Vec<&str> = analysis
            .document
            .items
            .iter()
            .map(|i| text[i.text.as_range()].trim_matches(c))
            .collect();
        assert_eq!(texts, ["task", ""], "{name}");

        // Inside a tag: not a tag. Beside one: the tag.
        let text = format!("- [ ] a [P{c}1]\n- [ ] b{c}[P1]{c}\n- [ ] [P1{c}] c\n");
        let analysis = read(&text, name);
        let tags: Vec<usize> = analysis
            .document
            .items
            .iter()
            .map(|i| analysis.document.tags_of(i).len())
            .collect();
        assert_eq!(tags, [0, 1, 0], "{name}");

        // At the start of lines of every kind.
        let text = format!(
            "{c}# H\n{c}- [ ] a\n{c}\n- [ ] b\n{c}  - [ ] c\n{c}```\n{c}<!-- x -->\n{c}**Last Updated:** 2025-01-15\n"
        );
        read(&text, name);

        // In a heading: part of its title, never trimmed off the middle or cut.
        let text = format!(
            "# Road{c}map\n## {c}Done{c}\n### {c}\n#### Plan {c} ##\nSet{c}ext\n===\n- [ ] x\n"
        );
        let analysis = read(&text, name);
        let titles: Vec<&str> = analysis
            .document
            .sections
            .iter()
            .map(|s| &text[s.title.as_range()])
            .collect();
        let expected = [
            format!("Road{c}map"),
            format!("{c}Done{c}"),
            c.to_string(),
            format!("Plan {c}"),
            format!("Set{c}ext"),
        ];
        assert_eq!(titles, expected, "{name}");
    }
}

/// The edits of one action or fix: each on character boundaries, none overlapping another
/// (an editor refuses overlapping edits).
fn check_edits(text: &str, what: &str, edits: &[tickmark::analysis::Edit], b: &mut Vec<String>) {
    let mut ranges: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
    for &r in &ranges {
        check(text, what, r, b);
    }
    ranges.sort();
    if ranges.windows(2).any(|w| w[1].start < w[0].end) {
        b.push(format!("{what}: overlapping edits {ranges:?}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// What the editor features compute from the model at every line: task actions over the
    /// line and at a cursor, completion, list continuation, hover, the ignore action.
    #[test]
    fn editor_features_at_every_line_are_in_bounds(text in roadmap_gen::roadmap(16)) {
        use tickmark::analysis::{actions, complete, hover};
        let analysis = analyze(&text, &inputs(), &Settings::default());
        let doc = &analysis.document;
        let priorities = [0, 1, 2, 3];
        let mut bad = Vec::new();
        let b = &mut bad;
        for line in 0..doc.line_index.line_count() {
            let range = doc.line_index.line_range(&text, line).unwrap();
            let full = doc.line_index.full_line_range(line).unwrap();
            let middle = (range.start..=range.end)
                .find(|&o| o >= usize::midpoint(range.start, range.end) && text.is_char_boundary(o))
                .unwrap_or(range.end);
            for at in [range, full, TextRange::empty(range.start), TextRange::empty(middle)] {
                for a in actions::actions(&text, doc, at, &priorities) {
                    check_edits(&text, &format!("action `{}` on line {line}", a.title), &a.edits, b);
                }
            }
            for offset in [range.start, middle, range.end] {
                for c in complete::complete(&text, doc, offset, &priorities) {
                    check(&text, &format!("completion `{}` on line {line}", c.label), c.replace, b);
                    if !c.replace.touches(offset) {
                        b.push(format!("completion `{}` on line {line} away from the cursor", c.label));
                    }
                }
            }
            let edits = complete::continue_list(&text, doc, full.end);
            check_edits(&text, &format!("continuation after line {line}"), &edits, b);
            if let Some(target) = hover::target_at_line(doc, line) {
                let h = hover::hover(&text, doc, target, None);
                check(&text, &format!("hover on line {line}"), h.range, b);
            }
        }
        for d in &analysis.diagnostics {
            let a = actions::ignore_on_line(&text, doc, d);
            check_edits(&text, &format!("`{}`", a.title), &a.edits, b);
            for f in &d.fixes {
                check_edits(&text, &format!("fix `{}`", f.title), &f.edits, b);
            }
        }
        prop_assert!(bad.is_empty(), "{bad:#?}\nin {text:?}");
    }
}

/// Moving a done item that ends in a no-break space and an LF, in a CRLF file without a
/// final newline, to a done section at the end: the final newline stays missing, the space
/// whole.
#[test]
fn moving_done_items_keeps_the_last_character_whole() {
    use tickmark::analysis::actions;
    let text = "- [x] a\u{a0}\n- [ ] b\r\n# ✅ Done";
    let analysis = analyze(text, &inputs(), &Settings::default());
    let action = actions::move_done_items(text, &analysis.document).expect("an item to move");
    let (moved, applied) = fix::apply_edits(text, &action.edits);
    assert_eq!(applied, action.edits.len());
    assert_eq!(moved, "- [ ] b\r\n# ✅ Done\r\n\r\n- [x] a\u{a0}");
}

/// A done item that holds the done heading is not moved into itself (the deletion and the
/// insertion would overlap, which editors refuse).
#[test]
fn a_done_item_holding_the_done_heading_stays() {
    use tickmark::analysis::actions;
    let text = "- [x] a\n  # ✅ Done\n  - [x] b\n";
    let analysis = analyze(text, &inputs(), &Settings::default());
    assert!(actions::move_done_items(text, &analysis.document).is_none());
}
