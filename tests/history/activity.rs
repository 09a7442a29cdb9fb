//! `tickmark stats --since`: what happened in a period, on a repository with known dates.

use crate::support::{tickmark, TestRepo};

/// Five weeks of a roadmap: A checked after 2 days, reopened, checked again (9 days open in
/// all); B raised from P2 to P1 and checked after 21 days; C dropped unchecked; D added.
fn repo() -> TestRepo {
    let repo = TestRepo::new();
    let versions = [
        (
            "2025-01-06",
            "Ada Lovelace",
            "- [ ] [P1] A\n- [ ] [P2] B\n- [ ] C\n",
        ),
        (
            "2025-01-08",
            "Ada Lovelace",
            "- [x] [P1] A\n- [ ] [P2] B\n- [ ] C\n",
        ),
        (
            "2025-01-15",
            "Bob Stone",
            "- [x] [P1] A\n- [ ] [P1] B\n- [ ] [P1] D\n",
        ),
        (
            "2025-01-20",
            "Bob Stone",
            "- [ ] [P1] A\n- [ ] [P1] B\n- [ ] [P1] D\n",
        ),
        (
            "2025-01-27",
            "Bob Stone",
            "- [x] [P1] A\n- [x] [P1] B\n- [ ] [P1] D\n",
        ),
    ];
    for (date, author, items) in versions {
        repo.commit_file(
            "ROADMAP.md",
            &format!("# Plan\n\n{items}"),
            date,
            author,
            date,
        );
    }
    repo
}

fn counts(value: &serde_json::Value) -> [u64; 5] {
    ["added", "checked", "reopened", "reprioritised", "dropped"]
        .map(|key| value[key].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn stats_since_counts_per_week_and_priority_with_the_median_days_to_done() {
    let repo = repo();
    let (out, err, code) = tickmark(
        repo.path(),
        &[
            "stats",
            "ROADMAP.md",
            "--since",
            "2025-01-01",
            "--format",
            "json",
        ],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let value: serde_json::Value = serde_json::from_str(&out).expect("json");
    let file = &value["ROADMAP.md"];
    assert_eq!(file["since"], "2025-01-01");
    assert_eq!(file["commits"], 5);
    assert_eq!(counts(&file["totals"]), [4, 3, 1, 1, 1]);
    let weeks: Vec<(&str, [u64; 5])> = file["byWeek"]
        .as_array()
        .expect("weeks")
        .iter()
        .map(|w| (w["week"].as_str().unwrap_or(""), counts(w)))
        .collect();
    assert_eq!(
        weeks,
        [
            ("2025-01-06", [3, 1, 0, 0, 0]),
            ("2025-01-13", [1, 0, 0, 1, 1]),
            ("2025-01-20", [0, 0, 1, 0, 0]),
            ("2025-01-27", [0, 2, 0, 0, 0]),
        ]
    );
    let priorities: Vec<(serde_json::Value, [u64; 5], serde_json::Value)> = file["byPriority"]
        .as_array()
        .expect("priorities")
        .iter()
        .map(|p| {
            (
                p["priority"].clone(),
                counts(p),
                p["medianDaysToDone"].clone(),
            )
        })
        .collect();
    assert_eq!(
        priorities,
        [
            ("P1".into(), [2, 3, 1, 1, 0], 9.into()),
            ("P2".into(), [1, 0, 0, 0, 0], serde_json::Value::Null),
            (
                serde_json::Value::Null,
                [1, 0, 0, 0, 1],
                serde_json::Value::Null
            ),
        ]
    );

    // A later start leaves the first week out.
    let (out, _, code) = tickmark(
        repo.path(),
        &[
            "stats",
            "ROADMAP.md",
            "--since",
            "2025-01-14",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(value["ROADMAP.md"]["commits"], 3);
    assert_eq!(counts(&value["ROADMAP.md"]["totals"]), [1, 2, 1, 1, 1]);
}

#[test]
fn stats_since_as_a_table_and_as_markdown() {
    let repo = repo();
    let (out, err, code) = tickmark(
        repo.path(),
        &["stats", "ROADMAP.md", "--since", "2025-01-01"],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(
        out.starts_with("ROADMAP.md: 2025-01-01 to ")
            && out.contains(", 5 commits: 4 added, 3 checked, 1 reopened, 1 reprioritised, 1 dropped unchecked\n"),
        "{out}"
    );
    assert!(out.contains("\n  2025-01-13  "), "{out}");

    let (out, _, code) = tickmark(
        repo.path(),
        &[
            "stats",
            "ROADMAP.md",
            "--since",
            "2025-01-01",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("### ROADMAP.md: 2025-01-01 to "), "{out}");
    assert!(
        out.contains("| 2025-01-27 | 0 | 2 | 0 | 0 | 0 |\n"),
        "{out}"
    );
    assert!(out.contains("| P1 | 2 | 3 | 1 | 1 | 0 | 9 |\n"), "{out}");

    // Relative starts; a bad one and a file with no history are errors.
    let (_, err, code) = tickmark(repo.path(), &["stats", "ROADMAP.md", "--since", "90d"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let (_, err, code) = tickmark(repo.path(), &["stats", "ROADMAP.md", "--since", "soon"]);
    assert_eq!(code, 2);
    assert!(err.contains("90d"), "{err}");
    let plain = TestRepo::empty();
    plain.write("ROADMAP.md", "- [ ] A\n");
    let (_, err, code) = tickmark(plain.path(), &["stats", "ROADMAP.md", "--since", "90d"]);
    assert_eq!(code, 2);
    assert!(err.contains("not in a git repository"), "{err}");
}

#[test]
fn stats_as_markdown_without_since_shows_the_progress() {
    let repo = repo();
    let (out, err, code) = tickmark(
        repo.path(),
        &["stats", "ROADMAP.md", "--format", "markdown"],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.starts_with("### ROADMAP.md\n\n2/3 done (67%)"), "{out}");
    assert!(out.contains("| Plan | 2/3 | 67% |  |\n"), "{out}");
    assert!(out.contains("| P1 High | 2/3 | 67% |\n"), "{out}");
}
