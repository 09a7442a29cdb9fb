//! The generated roadmap the LSP benches open: shared by `lsp.rs` and `editor.rs`.

use std::fmt::Write as _;

/// How many problems the generated roadmap has.
#[derive(Clone, Copy, PartialEq)]
pub enum Problems {
    /// About one per hundred tasks: an open subtask under a checked task in every eighth
    /// area, a `- []` box in every tenth.
    Few,
    /// Every checked task has an open subtask.
    Many,
}

/// A roadmap of about `bytes`: a legend, tiered sections, tasks with subtasks and fields.
pub fn roadmap(bytes: usize, problems: Problems) -> String {
    let mut out = String::from(
        "# Roadmap\n\n**Last Updated:** 2025-01-15\n\n## Priority Levels\n- **[P0]** - Critical: Must fix before production\n- **[P1]** - High: Soon\n- **[P2]** - Medium: Later\n\n",
    );
    let mut n = 0usize;
    while out.len() < bytes {
        let _ = writeln!(out, "## 🔴 Tier {} — Area {n}\n", n % 3 + 1);
        for i in 0..12 {
            let done = (n + i) % 3 == 0;
            let state = if done { 'x' } else { ' ' };
            let open_below = match problems {
                Problems::Many => true,
                Problems::Few => !done || (n % 8 == 0 && i < 3),
            };
            let sub = if open_below { ' ' } else { 'x' };
            let _ = writeln!(out, "- [{state}] [P{}] Task {n}.{i} with some words", i % 3);
            let _ = writeln!(out, "  - [x] Subtask {n}.{i}.a");
            let _ = writeln!(out, "  - [{sub}] Subtask {n}.{i}.b");
            let _ = writeln!(out, "  - **Time:** 2-3 hours");
        }
        if problems == Problems::Few && n % 10 == 0 {
            let _ = writeln!(out, "- [] Follow-up {n}");
        }
        out.push('\n');
        n += 1;
    }
    out
}
