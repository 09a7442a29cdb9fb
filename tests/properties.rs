//! Properties of the engine on generated roadmaps: analysis never panics and every range
//! lies on character boundaries; applying every safe fix removes the fixed diagnostics, adds
//! none, and a second round changes nothing.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tickmark::analysis::{analyze, fix_all, Code, Inputs, Settings};

/// One roadmap line; `{n}` becomes a number unique to the line so that only the templates
/// meant to repeat produce duplicates.
const TEMPLATES: &[&str] = &[
    "## Section {n}",
    "### ✅ Completed {n}",
    "## ðŸ”´ Critical {n}",
    "## \u{F8FF}üü¢ Tier 3 {n}",
    "## Progress [1/9] {n}",
    "- [ ] Open task {n}",
    "- [x] Done task {n}",
    "- [/] Started {n}",
    "- [-] Dropped {n}",
    "- [] Malformed {n}",
    "- [ x] Malformed done {n}",
    "- [v] Ticked {n}",
    "-[ ] Glued {n}",
    "- [ ]Glued text {n}",
    "- [ ] [P1] Tagged {n}",
    "- [ ] [p2] Lower tag {n}",
    "- [ ] (P3) Paren tag {n}",
    "- [ ] [P7] Unknown tag {n}",
    "- [ ] Write tests",
    "- [ ] **API Documentation**",
    "- [ ]",
    "- Plain item {n}",
    "- **Time:** 2-3 hours",
    "- When: before launch",
    "- [ ] Claim (5 of 9) {n}",
    "Text with âœ… mojibake {n}",
    "**Last Updated:** 2025-01-15",
    "```",
    "<!-- tickmark-disable-next-line duplicate-item -->",
    "",
];

fn roadmap() -> impl Strategy<Value = String> {
    prop::collection::vec((0..TEMPLATES.len(), 0..3usize, any::<bool>()), 0..40).prop_map(|lines| {
        let mut out = String::new();
        for (n, (t, indent, crlf)) in lines.into_iter().enumerate() {
            out.push_str(&"  ".repeat(indent));
            out.push_str(&TEMPLATES[t].replace("{n}", &n.to_string()));
            out.push_str(if crlf { "\r\n" } else { "\n" });
        }
        out
    })
}

fn inputs() -> Inputs<'static> {
    Inputs {
        last_commit: Some(jiff::civil::date(2025, 6, 1)),
        today: Some(jiff::civil::date(2026, 1, 1)),
        ..Inputs::default()
    }
}

/// Per code, the number of diagnostics on each line.
fn census(text: &str) -> BTreeMap<(Code, usize), usize> {
    let analysis = analyze(text, &inputs(), &Settings::default());
    let mut out = BTreeMap::new();
    for d in &analysis.diagnostics {
        *out.entry((d.code, analysis.document.line_index.line_of(d.range.start)))
            .or_default() += 1;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn ranges_are_valid(text in roadmap()) {
        let analysis = analyze(&text, &inputs(), &Settings::default());
        for d in &analysis.diagnostics {
            prop_assert!(d.range.start <= d.range.end && d.range.end <= text.len());
            prop_assert!(text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end));
            for fix in &d.fixes {
                for e in &fix.edits {
                    prop_assert!(e.range.end <= text.len() && text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
                }
            }
        }
    }

    #[test]
    fn safe_fixes_converge_and_add_nothing(text in roadmap()) {
        let before = analyze(&text, &inputs(), &Settings::default());
        let fixed = fix_all(&text, &inputs(), &Settings::default());
        prop_assert!(fixed.converged, "did not converge in {} rounds", fixed.rounds);
        let after = analyze(&fixed.text, &inputs(), &Settings::default());
        prop_assert!(!after.diagnostics.iter().any(tickmark::analysis::Diagnostic::is_fixable), "fixable left: {:?}", after.diagnostics.iter().filter(|d| d.is_fixable()).map(|d| &d.message).collect::<Vec<_>>());
        // Safe fixes never add or remove lines, so diagnostics can be compared by line.
        prop_assert_eq!(text.lines().count(), fixed.text.lines().count());
        let mut allowed = census(&text);
        for d in before.diagnostics.iter().filter(|d| d.is_fixable()) {
            let key = (d.code, before.document.line_index.line_of(d.range.start));
            if let Some(n) = allowed.get_mut(&key) { *n -= 1; }
        }
        // A `-[ ]` line is paragraph text to CommonMark, not an item, until its fix adds the
        // space; the task it becomes joins the list structure (it may adopt the lines below
        // it as subtasks, or sit under a done section), so other rules may then speak. Only
        // documents without such a line are held to "adds nothing".
        let has_glued_marker = before.document.malformed_boxes.iter().any(|b| b.item.is_none());
        if !has_glued_marker {
            for (key, n) in census(&fixed.text) {
                prop_assert!(allowed.get(&key).copied().unwrap_or(0) >= n, "fixing added {:?}:\n{}", key, fixed.text);
            }
        }
        let again = fix_all(&fixed.text, &inputs(), &Settings::default());
        prop_assert_eq!(again.text, fixed.text);
        prop_assert_eq!(again.applied, 0);
    }
}
