//! `tickmark explain`, `config` and `stats`.

use insta::assert_snapshot;

use crate::{Project, ROADMAP};

#[test]
fn explain_a_rule() {
    assert_snapshot!(Project::new()
        .run(&["explain", "malformed-checkbox"])
        .snapshot());
}

#[test]
fn explain_lists_every_rule() {
    assert_snapshot!(Project::new().run(&["explain"]).snapshot());
}

#[test]
fn explain_an_unknown_rule() {
    assert_snapshot!(Project::new().run(&["explain", "no-such-rule"]).snapshot());
}

#[test]
fn explain_accepts_any_case() {
    let lower = Project::new().run(&["explain", "malformed-checkbox"]);
    for name in [
        "MALFORMED-CHECKBOX",
        "Malformed-Checkbox",
        " malformed-Checkbox ",
    ] {
        let out = Project::new().run(&["explain", name]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(out.stdout, lower.stdout, "{name}");
    }
}

#[test]
fn config_schema_is_json() {
    let out = Project::new().run(&["config", "--schema"]);
    assert_eq!(out.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    for key in [
        "roadmaps",
        "rules",
        "priorities",
        "states",
        "toggle",
        "dates",
    ] {
        assert!(schema["properties"][key].is_object(), "{key}");
    }
}

#[test]
fn stats_table_and_json() {
    let project = Project::new();
    project.file(
        "ROADMAP.md",
        "# Plan\n\n## Priority Levels\n\n- **[P0]** - Critical: before launch\n- **[P1]** - High: soon after\n\n## 🔴 Tier 1\n\n- [x] Rate limiting [P0]\n- [ ] Caching\n  - [x] Install Redis\n  - [/] Cache leaderboard\n  - **Time:** 2-3 hours\n\n### Later\n\n- [>] Sharding\n- [-] Rewrite in Go\n- [ ] Metrics [P1]\n  - **Estimate:** 1 day\n",
    );
    let table = project.run(&["stats", "ROADMAP.md"]);
    let json = project.run(&["stats", "--format", "json", "ROADMAP.md"]);
    assert_snapshot!(format!("{}\n{}", table.snapshot(), json.snapshot()));
}

#[test]
fn stats_json_lines_match_the_table() {
    // Every line the command line prints is 1-based: the JSON's section lines are the
    // table's, and the line of each heading in the file.
    let project = Project::new();
    project.file(
        "ROADMAP.md",
        "# Plan\n\n## Now\n\n- [ ] a\n\n## Later\n\n- [x] b\n",
    );
    let out = project.run(&["stats", "--format", "json", "ROADMAP.md"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let lines: Vec<u64> = value["ROADMAP.md"]["bySection"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3, 7]);
}

#[test]
fn stats_of_a_directory_print_each_file_and_the_total() {
    let project = Project::new();
    project.file("ROADMAP.md", "- [x] One\n- [ ] Two\n");
    project.file("docs/TODO.md", "- [x] Three\n- [/] Four\n- [-] Five\n");
    let table = project.run(&["stats", "."]);
    assert_eq!(table.code, 0);
    assert!(
        table.stdout.contains("ROADMAP.md: 1/2 done (50%)"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("docs/TODO.md: 1/2 done (50%)"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .ends_with("\ntotal: 2 files, 2/4 done (50%), 1 in progress, 1 cancelled\n"),
        "{}",
        table.stdout
    );
    let json = project.run(&["stats", "--format", "json", "."]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["ROADMAP.md"]["done"], 1);
    assert_eq!(
        value["total"],
        serde_json::json!({"files": 2, "total": 4, "done": 2, "open": 2, "inProgress": 1,
                           "deferred": 0, "cancelled": 1, "percent": 50})
    );
    // One file: no total.
    let json = project.run(&["stats", "--format", "json", "ROADMAP.md"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(value.get("total").is_none());
}

#[test]
fn stats_reports_unreadable_files() {
    let project = Project::new();
    project.file("ROADMAP.md", ROADMAP);
    let out = project.run(&["stats", "--format", "json", "ROADMAP.md", "nope.md"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope.md"));
    assert!(out.stdout.contains("\"ROADMAP.md\""));
}
