//! The incremental analysis an editor drives equals a fresh analysis of the final text:
//! random roadmaps (headings of every level, fences, HTML, tables, legends, duplicates,
//! suppression comments, link reference definitions, front matter) take random edits, some applied
//! together, and after each refresh the diagnostics are compared with `analyze`.

use proptest::prelude::*;
use std::fmt::Write as _;
use tickmark::analysis::incremental::Incremental;
use tickmark::analysis::index::{FileIndex, OtherFiles, WorkspaceIndex};

use tickmark::analysis::{analyze, parse, BoxStates, Code, Encoding, Inputs, Settings, TextRange};

const LINES: &[&str] = &[
    "# Roadmap",
    "# 🔴 Critical",
    "# Done ✅",
    "# Plan [1/2]",
    "# Acceptance Criteria",
    "## ✅ Login works",
    "## Tier 1",
    "## ✅ Completed",
    "## Area [2/3]",
    "### Sub",
    "Title",
    "=====",
    "-----",
    "",
    "",
    "",
    "- [ ] Task A",
    "- [x] Task A",
    "- [ ] [P1] Task B",
    "- [ ] [P7] Task C",
    "  - [ ] Sub a",
    "  - [x] Task A",
    "  - [ ] Sub a",
    "- [] Broken",
    "-[ ] Glued",
    "- **[P0]** - Critical: now",
    "- **[P1]** - High: soon",
    "- Plain item",
    "**Stage 1: Plan**",
    "**Stage 2: Build**",
    "- [ ] Tests",
    "  - **Time:** 2 hours",
    "```",
    "~~~",
    "    indented - [ ] x",
    "<!-- tickmark-disable-next-line -->",
    "<!-- tickmark-disable -->",
    "<!-- tickmark-enable -->",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "| a | b |",
    "|---|---|",
    "[ref]: ./x.md",
    "See [notes](./missing.md) and [ref]",
    "> - [ ] quoted",
    "**Last Updated:** 2024-01-15",
    "- [ ] CafÃ© mojibake",
    "1. [ ] Numbered",
    "- [x] Parent",
    "  - [ ] Open child",
    "- [ ] (A) todo txt",
    "#",
    "## ",
    "#hashtag",
    "- [ ] Shared item",
    "---",
    "...",
    "title: Plan",
    "last_updated: 2024-01-01",
    "[x] Bare box",
    "  [ ] Bare box under",
];

const INSERTS: &[&str] = &[
    "",
    "\n",
    "#",
    "# ",
    "## ",
    "## New\n",
    "# 🔴 Top\n",
    "`",
    "```\n",
    "[",
    "]",
    "x",
    " ",
    "- [ ] Task A\n",
    "  - [ ] Sub a\n",
    "<!--",
    "-->",
    "\n\n",
    "é",
    "🔴",
    "\r\n",
    "\r",
    "# Lone\r",
    "[ref]: y\n",
    "<div>\n",
    "<!-- tickmark-disable-next-line -->\n",
    "- **[P3]** - Low: later\n- **[P4]** - Lowest: never\n",
    "---\n",
];

fn roadmap() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "",
                "",
                "",
                "",
                "",
                "---\ntitle: Plan\n",
                "---\n\ntitle: Plan\n",
            ][..],
        ),
        prop::collection::vec(prop::sample::select(LINES), 0..40),
    )
        .prop_map(|(front_matter, lines)| {
            // Sometimes opened front matter (also after a blank line), which a `---` line
            // below may close.
            let mut text = String::from(front_matter);
            text.push_str(&lines.join("\n"));
            text.push('\n');
            text
        })
}

/// A `#` or `##` area of lines that reach across no heading (no link reference definitions,
/// `tickmark-disable` regions, fences or HTML), so that a document of such areas is cut at
/// each heading that no `#` section above holds open.
fn area() -> impl Strategy<Value = String> {
    let lines: Vec<&str> = LINES
        .iter()
        .copied()
        .filter(|l| {
            !l.starts_with("[ref]")
                && !l.ends_with("disable -->")
                && !matches!(l.get(..1), Some("`" | "~" | "<"))
                && *l != "---"
        })
        .collect();
    (
        prop::sample::select(&["## Area", "# Part", "## ✅ Completed", "# 🔴 Critical"][..]),
        prop::collection::vec(prop::sample::select(lines), 0..12),
    )
        .prop_map(|(heading, lines)| format!("{heading}\n{}\n", lines.join("\n")))
}

/// An edit: where (in thousandths of the text), how many bytes go, what comes in.
fn edit() -> impl Strategy<Value = (usize, usize, &'static str)> {
    (
        0..=1000usize,
        prop_oneof![3 => Just(0usize), 2 => 0..4usize, 1 => 0..60usize],
        prop::sample::select(INSERTS),
    )
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn other_files() -> WorkspaceIndex {
    let text = "- [ ] Shared item\n- [ ] Task B\n";
    let doc = parse::parse(text, &BoxStates::default());
    let mut index = WorkspaceIndex::default();
    index.update(
        "file:///OTHER.md",
        "OTHER.md",
        FileIndex::new(text, &doc, Encoding::Utf16),
    );
    index
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn incremental_diagnostics_equal_a_fresh_analysis(
        text in roadmap(),
        edits in prop::collection::vec((edit(), any::<bool>()), 1..12),
        with_others in any::<bool>(),
    ) {
        let index = other_files();
        let others = index.others("file:///ROADMAP.md");
        let exists = |path: &str| !path.contains("missing");
        let inputs = Inputs {
            link_exists: Some(&exists),
            last_commit: Some(jiff::civil::date(2025, 3, 1)),
            today: Some(jiff::civil::date(2025, 3, 2)),
            elsewhere: with_others.then_some(&others as &dyn OtherFiles),
        };
        let settings = Settings::default();
        let mut inc = Incremental::new(text.clone(), &inputs, &settings);
        prop_assert_eq!(
            inc.diagnostics(),
            analyze(&text, &inputs, &settings).diagnostics
        );
        let mut text = text;
        for ((at, remove, insert), refresh) in edits {
            let start = floor(&text, text.len() * at / 1000);
            let end = floor(&text, (start + remove).min(text.len()));
            text.replace_range(start..end, insert);
            inc.edit(TextRange::new(start, end), insert);
            prop_assert_eq!(inc.text(), text.as_str());
            if refresh {
                inc.refresh(&inputs, &settings);
                prop_assert_eq!(
                    inc.diagnostics(),
                    analyze(&text, &inputs, &settings).diagnostics,
                    "after editing {}..{} into {:?}:\n{}", start, end, insert, text
                );
            }
        }
        inc.refresh(&inputs, &settings);
        let fresh = analyze(&text, &inputs, &settings);
        prop_assert_eq!(inc.diagnostics(), fresh.diagnostics);
        // The workspace index reads the shards' models as it reads the whole document's.
        for encoding in [Encoding::Utf16, Encoding::Utf8] {
            prop_assert_eq!(
                inc.for_index().file_index(encoding),
                FileIndex::new(&text, &fresh.document, encoding),
                "indexed from {} shards:\n{}", inc.shard_count(), text
            );
        }
        prop_assert_eq!(inc.document(), fresh.document, "stitched from {} shards:\n{}", inc.shard_count(), text);
    }
}

/// A roadmap of many `##` sections is cut at each, and typing in one re-analyses only it.
#[test]
fn a_roadmap_is_cut_at_its_top_level_headings() {
    let mut text = String::from("# Roadmap\n\n");
    // Headings of different shapes, so that a task repeated under two is a duplicate.
    for n in 0..20u8 {
        let first = char::from(b'A' + n);
        let _ = write!(
            text,
            "## {first}rea {n}\n\n- [ ] Task {n}\n- [x] Done {n}\n\n"
        );
    }
    let inputs = Inputs::default();
    let settings = Settings::default();
    let mut inc = Incremental::new(text.clone(), &inputs, &settings);
    assert_eq!(inc.shard_count(), 21);
    let at = text.find("Task 7").unwrap();
    inc.edit(TextRange::empty(at), "- [ ] Task 3\n");
    inc.refresh(&inputs, &settings);
    assert_eq!(inc.shard_count(), 21);
    let diagnostics = inc.diagnostics();
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0]
        .message
        .starts_with("Duplicate of “Task 3” on line "));

    // A tier on the title reaches every `##` section: the document is analysed whole.
    let tiered = text.replacen("# Roadmap", "# 🔴 Critical roadmap", 1);
    let inc = Incremental::new(tiered, &inputs, &settings);
    assert_eq!(inc.shard_count(), 1);
}

/// Front matter ends at the first `---` line below its start, wherever that is: a document
/// that opens it without closing it is analysed whole, so typing the closing line in a later
/// section turns everything above it into front matter.
#[test]
fn closing_front_matter_far_below_is_seen() {
    let text = "---\ntitle: Plan\n\n# One\n\n- [] a\n\n## Two\n\n- [ ] b\n\n## Three\n\n- [ ] c\n";
    let inputs = Inputs::default();
    let settings = Settings::default();
    let mut inc = Incremental::new(text.to_owned(), &inputs, &settings);
    assert_eq!(inc.shard_count(), 1);
    assert_eq!(inc.diagnostics().len(), 1);
    let at = text.find("## Three").unwrap();
    inc.edit(TextRange::empty(at), "---\n");
    inc.refresh(&inputs, &settings);
    let edited = inc.text();
    assert_eq!(
        inc.diagnostics(),
        analyze(&edited, &inputs, &settings).diagnostics
    );
    // The near-miss box is in the front matter now.
    assert!(inc.diagnostics().is_empty());

    // Closed front matter does not stop the cuts below it.
    let closed = "---\ntitle: Plan\n---\n# One\n\n## Two\n\n- [ ] b\n\n## Three\n";
    let inc = Incremental::new(closed.to_owned(), &inputs, &settings);
    assert_eq!(inc.shard_count(), 4);
}

/// The inputs every test here analyses with.
fn fixed_inputs(exists: &(dyn Fn(&str) -> bool + Sync)) -> Inputs<'_> {
    Inputs {
        link_exists: Some(exists),
        last_commit: Some(jiff::civil::date(2025, 3, 1)),
        today: Some(jiff::civil::date(2025, 3, 2)),
        elsewhere: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// A large document is parsed in pieces on several threads, cut where it would be cut
    /// anyway; when the pieces would not parse as the whole does, it is parsed whole.
    #[test]
    fn a_document_parsed_in_pieces_equals_one_parsed_whole(
        parts in prop::collection::vec(prop_oneof![1 => roadmap(), 3 => area()], 1..6),
        chunks in 2..6usize,
        edits in prop::collection::vec(edit(), 0..6),
    ) {
        let exists = |path: &str| !path.contains("missing");
        let inputs = fixed_inputs(&exists);
        let settings = Settings::default();
        let text = parts.concat();
        let fresh = analyze(&text, &inputs, &settings);
        let Some(mut inc) = Incremental::new_in_chunks(&text, chunks, &inputs, &settings) else {
            return Ok(());
        };
        prop_assert_eq!(inc.text(), text.as_str());
        prop_assert_eq!(inc.diagnostics(), fresh.diagnostics, "in {} pieces:\n{}", chunks, text);
        prop_assert_eq!(inc.document(), fresh.document);
        // And its shards take edits as any others do.
        let mut text = text;
        for (at, remove, insert) in edits {
            let start = floor(&text, text.len() * at / 1000);
            let end = floor(&text, (start + remove).min(text.len()));
            text.replace_range(start..end, insert);
            inc.edit(TextRange::new(start, end), insert);
        }
        inc.refresh(&inputs, &settings);
        prop_assert_eq!(inc.diagnostics(), analyze(&text, &inputs, &settings).diagnostics);
    }
}

/// Real roadmaps and a generated large one, parsed in 2 to 8 pieces, give what one parse
/// gives; the generated one (plain `##` areas under a `#` title) is cut every time.
#[test]
fn real_roadmaps_parsed_in_pieces_equal_one_parsed_whole() {
    let mut texts: Vec<(String, String)> = Vec::new();
    let extra = std::env::var("TICKMARK_EXTRA_ROADMAPS").unwrap_or_default();
    for dir in ["../shared/seeds", "tests/corpus", extra.as_str()] {
        if dir.is_empty() {
            continue;
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "md") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push((path.display().to_string(), text));
                }
            }
        }
    }
    assert!(texts.len() >= 10, "found only {} roadmaps", texts.len());
    let mut generated = String::from(
        "# Roadmap\n\n## Priority Levels\n- **[P0]** - Critical: now\n- **[P1]** - High: soon\n\n",
    );
    for n in 0..300 {
        let _ = writeln!(
            generated,
            "## Area {n}\n\n- [x] [P{}] Task {n}\n  - [ ] Sub {n}\n- [ ] Shared item\n- [] Broken {n}\n",
            n % 3
        );
    }
    let exists = |path: &str| !path.contains("missing");
    let inputs = fixed_inputs(&exists);
    let settings = Settings::default();
    for chunks in 2..=8 {
        let inc = Incremental::new_in_chunks(&generated, chunks, &inputs, &settings)
            .unwrap_or_else(|| panic!("the generated roadmap was not cut in {chunks}"));
        let fresh = analyze(&generated, &inputs, &settings);
        assert_eq!(inc.diagnostics(), fresh.diagnostics);
        assert_eq!(inc.document(), fresh.document);
    }
    let mut cut = 0;
    for (name, text) in &texts {
        let fresh = analyze(text, &inputs, &settings);
        for chunks in [2, 3, 8] {
            if let Some(inc) = Incremental::new_in_chunks(text, chunks, &inputs, &settings) {
                cut += 1;
                assert_eq!(
                    inc.diagnostics(),
                    fresh.diagnostics,
                    "{name} in {chunks} pieces"
                );
                assert_eq!(inc.document(), fresh.document, "{name} in {chunks} pieces");
            }
        }
    }
    assert!(cut > 0, "no real roadmap was cut");
}

/// Where the whole text does not cut before a chunk (a `## ` line inside a fenced block, a
/// list item or an HTML block), that chunk is parsed again with the one before it: the rest
/// is still cut in chunks, and the result is the whole text's. A fence left open near the
/// top, which no cut below survives, has the text parsed whole.
#[test]
fn a_chunk_the_text_does_not_cut_before_is_parsed_with_the_one_before() {
    let exists = |path: &str| !path.contains("missing");
    let inputs = fixed_inputs(&exists);
    let settings = Settings::default();
    let mut text = String::from("# Roadmap\n\n");
    for n in 0..120 {
        let _ = writeln!(
            text,
            "## Area {n}\n\n- [x] [P1] Task {n}\n  - [ ] Sub {n}\n- [ ] Shared item\n"
        );
        // Every tenth area holds lines that look like headings to the chunk cutter.
        if n % 10 == 3 {
            text.push_str("```\n## Not a heading\n\n## Nor this\n```\n\n");
        }
        if n % 10 == 7 {
            text.push_str("<div>\n\n## Inside HTML\n</div>\n\n");
        }
    }
    let fresh = analyze(&text, &inputs, &settings);
    for chunks in [2, 5, 17, 40, 120, 400] {
        let inc = Incremental::new_in_chunks(&text, chunks, &inputs, &settings)
            .unwrap_or_else(|| panic!("not cut in {chunks} chunks"));
        assert_eq!(inc.diagnostics(), fresh.diagnostics, "{chunks} chunks");
        assert_eq!(inc.document(), fresh.document, "{chunks} chunks");
        assert_eq!(inc.text(), text);
    }
    let open = format!("# Roadmap\n\n```\n{}", &text["# Roadmap\n\n".len()..]);
    let fresh = analyze(&open, &inputs, &settings);
    for chunks in [2, 17, 400] {
        if let Some(inc) = Incremental::new_in_chunks(&open, chunks, &inputs, &settings) {
            assert_eq!(inc.diagnostics(), fresh.diagnostics, "{chunks} chunks");
            assert_eq!(inc.document(), fresh.document, "{chunks} chunks");
        }
    }
    assert!(Incremental::new_in_chunks(&open, 400, &inputs, &settings).is_none());
}

/// A list item that opens on an empty line (`- `) and is followed by blank lines runs, in
/// pulldown-cmark, to the end of a text that ends there, but ends with its line when a heading
/// follows: cut before the heading, or stitched back, it reads as each text alone reads it.
#[test]
fn an_empty_item_before_a_cut_reads_as_each_text_alone_reads_it() {
    use tickmark::analysis::stitch::{self, Part};
    let states = BoxStates::default();
    for before in [
        "- \n\n",
        "  - \n\n",
        "- a\n- \n\n",
        "- \n\n\n",
        "- \n  \n",
        "1. \n\n",
        "* \n\n",
        "-\n\n",
        "- a\n\n",
        "- a\n  - \n\n",
        "- \n  foo\n\n",
        "> - \n\n",
        "> - \n>\n",
        "- [ ] \n\n",
    ] {
        let whole_text = format!("{before}# H\n- \n\n");
        let whole = parse::parse(&whole_text, &states);
        let cut = before.len();
        let pieces = stitch::split(&whole_text, &whole, &[0, cut]);
        let alone = parse::parse(before, &states);
        assert_eq!(pieces[0], alone, "{before:?} cut from the whole");
        let stitched = stitch::stitch(
            &whole_text,
            [
                Part {
                    start: 0,
                    line: 0,
                    doc: &alone,
                },
                Part {
                    start: cut,
                    line: before.matches('\n').count(),
                    doc: &pieces[1],
                },
            ],
        );
        assert_eq!(stitched, whole, "{before:?} stitched into the whole");
    }
}

/// A roadmap with more compared items than are tabled on one thread (and more shards than
/// are given their `unknown-priority` findings on one): the key table and `duplicate-item`
/// are made part by part on every core, and agree with a fresh analysis, before and after
/// edits that add, rename and remove duplicated items, with other files in the workspace
/// and without.
#[test]
fn a_key_table_made_on_every_core_equals_a_fresh_analysis() {
    // Headings of unrelated words: the same item under two of them is a duplicate.
    let word = |mut n: usize| {
        let mut word = String::new();
        loop {
            word.push(char::from(b'a' + u8::try_from(n % 26).expect("below 26")));
            n /= 26;
            if n == 0 {
                break word;
            }
        }
    };
    let mut text = String::from("# Roadmap\n\n");
    for n in 0..1500 {
        let _ = writeln!(
            text,
            "## {} {}\n\n- [ ] [P{}] Task {n}\n  - [ ] Sub {}\n  - [ ] Sub {}\n- [ ] Shared item\n- [ ] Task {}\n",
            word(n),
            word(n * 7 + 3),
            n % 5,
            n % 4,
            n % 3,
            n / 2
        );
    }
    let index = other_files();
    let others = index.others("file:///ROADMAP.md");
    let exists = |path: &str| !path.contains("missing");
    let settings = Settings::default();
    for elsewhere in [None, Some(&others as &dyn OtherFiles)] {
        let inputs = Inputs {
            elsewhere,
            ..fixed_inputs(&exists)
        };
        let mut text = text.clone();
        let mut inc = Incremental::new(text.clone(), &inputs, &settings);
        let fresh = analyze(&text, &inputs, &settings).diagnostics;
        assert!(
            fresh
                .iter()
                .filter(|d| d.code == Code::DuplicateItem)
                .count()
                > 1000,
            "the roadmap has many duplicates: {}",
            fresh
                .iter()
                .filter(|d| d.code == Code::DuplicateItem)
                .count()
        );
        assert_eq!(inc.diagnostics(), fresh);
        for (needle, insert) in [
            ("- [ ] Task 7\n", "- [ ] Task 7\n- [ ] Shared item\n"),
            ("  - [ ] Sub 2\n", ""),
            ("- [ ] Task 700\n", "- [ ] Task 9\n"),
            (
                "- [ ] Task 749\n",
                "- [ ] Task 749\n\n## Priority Levels\n- **[P0]** - Critical\n- **[P1]** - High\n",
            ),
        ] {
            let start = text.find(needle).expect("the text is there");
            let end = start + needle.len();
            text.replace_range(start..end, insert);
            inc.edit(TextRange::new(start, end), insert);
            inc.refresh(&inputs, &settings);
            assert_eq!(
                inc.diagnostics(),
                analyze(&text, &inputs, &settings).diagnostics,
                "after replacing {needle:?} with {insert:?}"
            );
        }
    }
}
