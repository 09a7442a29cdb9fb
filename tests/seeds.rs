//! The five real roadmaps beside the project (`../shared/seeds`) checked against findings
//! reviewed by hand, one `(line, code)` per problem: the `- []` of 001, every mojibake line
//! of 001 and 003, the missing link of 002, the duplicated items of 003, nothing on 000 and
//! 004. The seeds are not copied into the project; when the folder is absent the test says
//! so and passes.

use std::path::{Path, PathBuf};

use tickmark::analysis::{self, Inputs, Settings};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

/// `(file, [(1-based line, code)])`, in document order.
const EXPECTED: &[(&str, &[(usize, &str)])] = &[
    ("000_bcece98a7fe20c9a.txt", &[]),
    (
        "001_c16460daf04b2e8d.txt",
        &[
            (3, "mojibake"),            // ## ‚úÖ MVP COMPLETE
            (4, "mojibake"),            // Production-Ready ‚ú®
            (10, "mojibake"),           // ## üî¥ Tier 1
            (12, "mojibake"),           // ### 1. Redis Caching ‚≠ê
            (13, "malformed-checkbox"), // - [] Setup Redis server locally
            (22, "mojibake"),           // ### 2. Rate Limiting ‚≠ê
            (32, "mojibake"),           // ### 3. Environment Variables ‚≠ê
            (54, "mojibake"),           // ## üü° Tier 2
            (103, "mojibake"),          // ## üü¢ Tier 3
            (142, "mojibake"),          // ## ‚úÖ Already Completed
            (159, "mojibake"),          // logout‚Üílogin
            (182, "mojibake"),          // ## üìä Scalability Roadmap
            (185, "mojibake"),          // **1,000 users:** ‚úÖ
            (192, "mojibake"),          // ## üéØ Recommended Next Steps
            (195, "mojibake"),          // 1. ‚úÖ Start with
            (196, "mojibake"),          // 2. ‚úÖ Add
            (197, "mojibake"),          // 3. ‚úÖ Move to
            (207, "mojibake"),          // ## üìù Notes
        ],
    ),
    (
        "002_4ca87ece17a40532.txt",
        &[(3, "broken-link")], // ./KROWOC_ARCHITECTURAL_REFINEMENTS.md
    ),
    (
        "003_3066f6b5a6864e30.txt",
        &[
            (11, "mojibake"), // ### âœ… Completed
            (28, "mojibake"), // ### ðŸ”´ Critical
            (67, "mojibake"), // ### ðŸŸ¡ Important
            (94, "mojibake"), // ### ðŸŸ¢ Nice to Have
            // Not 125 (`3. **Error Response Standardization**`) nor 157
            // (`1. **API Documentation**`): plain items, which never duplicate the tasks of
            // the same names at 57 and 68 (SPEC §2).
            (394, "duplicate-item"), // Database Migrations (first: line 120)
        ],
    ),
    ("004_1e0e956f79a832ad.txt", &[]),
];

#[test]
fn seeds_give_the_reviewed_findings() {
    let dir = Path::new(SEEDS);
    if !dir.is_dir() {
        eprintln!("{SEEDS} is absent; nothing to check");
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected_names: Vec<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names, expected_names,
        "a seed was added or removed: review it"
    );

    let mut failures = Vec::new();
    for (name, expected) in EXPECTED {
        let path: PathBuf = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let exists = |relative: &str| dir.join(relative).exists();
        let inputs = Inputs {
            link_exists: Some(&exists),
            ..Inputs::default()
        };
        let analysis = analysis::analyze(&text, &inputs, &Settings::default());
        let index = &analysis.document.line_index;
        let found: Vec<(usize, &str)> = analysis
            .diagnostics
            .iter()
            .map(|d| (index.line_of(d.range.start) + 1, d.code.as_str()))
            .collect();
        if found != *expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  found    {found:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seeds_fix_and_converge() {
    let dir = Path::new(SEEDS);
    if !dir.is_dir() {
        return;
    }
    for (name, _) in EXPECTED {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let settings = Settings::default();
        let outcome = analysis::fix_all(&text, &Inputs::default(), &settings);
        assert!(outcome.converged, "{name}: fixes did not converge");
        let after = analysis::analyze(&outcome.text, &Inputs::default(), &settings);
        assert!(
            !after
                .diagnostics
                .iter()
                .any(analysis::Diagnostic::is_fixable),
            "{name}: a fixable problem is left after fixing"
        );
    }
}
