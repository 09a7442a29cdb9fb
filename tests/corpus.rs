//! Every roadmap in `tests/corpus/`, and every pattern of real roadmaps in
//! `tests/realworld/patterns/`, rendered as `tickmark check` and `tickmark stats` print it,
//! one insta file snapshot per file (`tests/snapshots/corpus__*.snap`, the patterns'
//! prefixed `realworld_`): a snapshot diff is a review of the user-facing text, and of the
//! reading each pattern expects. Each file is also fixed with every safe fix, which must
//! converge and leave no fixable problem.

use std::path::Path;

use std::fmt::Write as _;

use tickmark::analysis::{self, stats, Diagnostic, Inputs, Settings};
use tickmark::cli::render::human::{self, Style};
use tickmark::cli::render::FileReport;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
const PATTERNS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/realworld/patterns");

#[test]
fn corpus() {
    snapshot_dir(Path::new(CORPUS), "tests/corpus", "", 10, None);
}

/// The short excerpts that reproduce what real roadmaps showed (`tests/realworld/README.md`),
/// as if last committed on 2025-12-01 (so that `stale-date` speaks) and fixed on 2025-12-03.
#[test]
fn realworld_patterns() {
    snapshot_dir(
        Path::new(PATTERNS),
        "tests/realworld/patterns",
        "realworld_",
        20,
        Some((
            jiff::civil::date(2025, 12, 1),
            jiff::civil::date(2025, 12, 3),
        )),
    );
}

/// Snapshots every markdown file of `dir` (at least `min` of them), shown as `shown/NAME`,
/// under `prefix` + the file's stem; `dates` are the last commit's and today's.
fn snapshot_dir(
    dir: &Path,
    shown_dir: &str,
    prefix: &str,
    min: usize,
    dates: Option<(jiff::civil::Date, jiff::civil::Date)>,
) {
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
    assert!(names.len() >= min, "{shown_dir} went missing: {names:?}");
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let exists = |relative: &str| dir.join(relative).exists();
        let inputs = Inputs {
            link_exists: Some(&exists),
            last_commit: dates.map(|(commit, _)| commit),
            today: dates.map(|(_, today)| today),
            ..Inputs::default()
        };
        let settings = Settings::default();
        let analysis = analysis::analyze(&text, &inputs, &settings);
        let shown = format!("{shown_dir}/{name}");
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
        let snapshot = format!("{prefix}{}", name.trim_end_matches(".md").replace('-', "_"));
        insta::with_settings!({ prepend_module_to_snapshot => true, omit_expression => true }, {
            insta::assert_snapshot!(snapshot, out);
        });
    }
}
