//! Every roadmap in `tests/corpus/` rendered as `tickmark check` and `tickmark stats` print
//! it, one insta file snapshot per roadmap (`tests/snapshots/corpus__*.snap`): a snapshot
//! diff is a review of the user-facing text. Each roadmap is also fixed with every safe fix,
//! which must converge and leave no fixable problem.

use std::path::Path;

use std::fmt::Write as _;

use tickmark::analysis::{self, stats, Diagnostic, Inputs, Settings};
use tickmark::cli::render::human::{self, Style};
use tickmark::cli::render::FileReport;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

#[test]
fn corpus() {
    let dir = Path::new(CORPUS);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "the corpus went missing: {names:?}");
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let exists = |relative: &str| dir.join(relative).exists();
        let inputs = Inputs {
            link_exists: Some(&exists),
            ..Inputs::default()
        };
        let settings = Settings::default();
        let analysis = analysis::analyze(&text, &inputs, &settings);
        let shown = format!("tests/corpus/{name}");
        let report = FileReport::new(
            &shown,
            &text,
            &analysis.document.line_index,
            &analysis.diagnostics,
        );
        let reports = [report];
        let mut out = human::render(&reports, Style { color: false });
        out.push_str(&human::summary(&reports));
        out.push_str("\n----- stats -----\n");
        let stats = stats::stats(&text, &analysis.document);
        out.push_str(&tickmark::cli::stats::render_table(
            &shown,
            &analysis.document,
            &stats,
        ));

        let outcome = analysis::fix_all(&text, &inputs, &settings);
        assert!(outcome.converged, "{name}: safe fixes did not converge");
        let after = analysis::analyze(&outcome.text, &inputs, &settings);
        assert!(
            !after.diagnostics.iter().any(Diagnostic::is_fixable),
            "{name}: a fixable problem is left after fixing"
        );
        let _ = write!(
            out,
            "\n----- after --fix -----\n{} safe fixes applied; left: {:?}\n",
            outcome.applied,
            after
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect::<Vec<_>>()
        );
        let snapshot = name.trim_end_matches(".md").replace('-', "_");
        insta::with_settings!({ prepend_module_to_snapshot => true, omit_expression => true }, {
            insta::assert_snapshot!(snapshot, out);
        });
    }
}
