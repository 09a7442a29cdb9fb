//! What the property tests of shard-by-shard answers share: the lines roadmaps are made of,
//! the texts edits insert, and an edit applied to a text and its incremental analysis alike.

use super::incremental::Incremental;
use super::{Inputs, Settings, TextRange};

/// Lines to build a roadmap from: headings of every kind, tasks, fields, blocks left open.
pub const LINES: &[&str] = &[
    "# Roadmap",
    "# 🔴 Critical",
    "# Done ✅",
    "## Area",
    "## ✅ Completed",
    "## Progress: 3/4 done",
    "### Sub",
    "Title",
    "=====",
    "",
    "",
    "   ",
    "- [ ] Task A",
    "- [x] Task B é",
    "  - [ ] Sub a",
    "  - [x] Sub b",
    "    - [ ] deeper",
    "- [~] Cancelled",
    "- Plain item",
    "  - **Time:** 2 hours",
    "```",
    "<!-- tickmark-disable-next-line -->",
    "1. [ ] Numbered",
    "- [ ] ",
    "text",
];

/// What an edit inserts.
pub const INSERTS: &[&str] = &[
    "",
    "x",
    "\n",
    "## New\n",
    "# Top\n",
    "- [x] Done\n",
    "  - [ ] Sub\n",
    "é",
    "\n\n  \n",
];

/// Replaces `remove` bytes at `at` per mille of `text` (both moved back to character
/// boundaries) with `insert`, in `text` and in `inc`, and refreshes `inc`.
pub fn apply(
    text: &mut String,
    inc: &mut Incremental,
    (at, remove, insert): (usize, usize, &str),
    inputs: &Inputs<'_>,
    settings: &Settings,
) {
    let mut start = text.len() * at / 1000;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + remove).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.replace_range(start..end, insert);
    inc.edit(TextRange::new(start, end), insert);
    inc.refresh(inputs, settings);
}
