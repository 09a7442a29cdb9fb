//! The task tree is CommonMark's list tree: on generated markdown (tabs, any indentation,
//! every marker, block quotes, lazy continuation, loose lists, code), tickmark's items, their
//! parents and their task states equal what pulldown-cmark reads with its own task-list
//! extension, an independent reading of the same text.

use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use tickmark::analysis::{parse::parse, BoxStates, ItemKind, State};

/// One item as a reader sees it: its parent (by position in document order) and its box.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    parent: Option<usize>,
    task: Option<bool>,
}

/// CommonMark's list tree, from pulldown-cmark with GitHub task lists on.
fn commonmark_tree(text: &str) -> Vec<Node> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut nodes: Vec<Node> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::Item) => {
                nodes.push(Node {
                    parent: open.last().copied(),
                    task: None,
                });
                open.push(nodes.len() - 1);
            }
            Event::End(TagEnd::Item) => {
                open.pop();
            }
            Event::TaskListMarker(checked) => {
                if let Some(&id) = open.last() {
                    nodes[id].task = Some(checked);
                }
            }
            _ => {}
        }
    }
    nodes
}

/// tickmark's reading of the same text.
fn tickmark_tree(text: &str) -> Vec<Node> {
    let doc = parse(text, &BoxStates::default());
    doc.items
        .iter()
        .map(|item| Node {
            parent: item.parent(),
            task: match item.kind {
                ItemKind::Task(State::Done) => Some(true),
                ItemKind::Task(_) => Some(false),
                ItemKind::Plain | ItemKind::Field => None,
            },
        })
        .collect()
}

const INDENTS: &[&str] = &[
    "", "", "", " ", "  ", "   ", "    ", "     ", "      ", "\t", "\t\t", " \t", "  \t",
];
const MARKERS: &[&str] = &["-", "-", "*", "+", "1.", "2)", "10.", "3."];
const GAPS: &[&str] = &[" ", " ", " ", "  ", "   ", "\t"];
const BOXES: &[&str] = &["", "[ ] ", "[x] ", "[X] ", "[ ] ", "[x] "];

/// A line of a list, or something that can interrupt or continue one.
fn line() -> impl Strategy<Value = String> {
    let list_line = (
        any::<bool>(),
        0..INDENTS.len(),
        0..MARKERS.len(),
        0..GAPS.len(),
        0..BOXES.len(),
        0..50u8,
    )
        .prop_map(|(quote, i, m, g, b, n)| {
            format!(
                "{}{}{}{}{}task {n}",
                if quote { "> " } else { "" },
                INDENTS[i],
                MARKERS[m],
                GAPS[g],
                BOXES[b]
            )
        });
    prop_oneof![
        6 => list_line,
        1 => Just(String::new()),
        1 => (0..INDENTS.len()).prop_map(|i| format!("{}continued text", INDENTS[i])),
        1 => Just("## Heading".to_owned()),
        1 => Just("```".to_owned()),
        1 => Just(">".to_owned()),
        1 => Just("<!-- a comment -->".to_owned()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 1..30).prop_map(|lines| {
        let mut out = lines.join("\n");
        out.push('\n');
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn items_parents_and_boxes_are_commonmarks(text in document()) {
        prop_assert_eq!(tickmark_tree(&text), commonmark_tree(&text), "{:?}", text);
    }
}

/// The shapes real roadmaps nest with, each read as CommonMark reads it.
#[test]
fn real_nesting_shapes() {
    let cases: &[(&str, &[Node])] = &[
        // A subtask indented with a tab.
        (
            "- [x] Fill readme\n\t- [ ] Link docs\n",
            &[
                Node {
                    parent: None,
                    task: Some(true),
                },
                Node {
                    parent: Some(0),
                    task: Some(false),
                },
            ],
        ),
        // A whole list indented by two spaces.
        (
            "  * [x] Scrollables\n  * [ ] Menus\n",
            &[
                Node {
                    parent: None,
                    task: Some(true),
                },
                Node {
                    parent: None,
                    task: Some(false),
                },
            ],
        ),
        // Four spaces under a `* ` parent.
        (
            "* parent\n    - [ ] child task\n",
            &[
                Node {
                    parent: None,
                    task: None,
                },
                Node {
                    parent: Some(0),
                    task: Some(false),
                },
            ],
        ),
        // Lists inside a block quote, and a lazy continuation line.
        (
            "> - [x] quoted\n>   - [ ] quoted child\n\n- [ ] lazy\ncontinued\n  - [x] child\n",
            &[
                Node {
                    parent: None,
                    task: Some(true),
                },
                Node {
                    parent: Some(0),
                    task: Some(false),
                },
                Node {
                    parent: None,
                    task: Some(false),
                },
                Node {
                    parent: Some(2),
                    task: Some(true),
                },
            ],
        ),
        // A numbered list starting at 7, loose.
        (
            "7. [ ] seventh\n\n8. [x] eighth\n\n   - [ ] under eighth\n",
            &[
                Node {
                    parent: None,
                    task: Some(false),
                },
                Node {
                    parent: None,
                    task: Some(true),
                },
                Node {
                    parent: Some(1),
                    task: Some(false),
                },
            ],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&tickmark_tree(text), expected, "{text:?}");
        assert_eq!(&commonmark_tree(text), expected, "{text:?}");
    }
}
