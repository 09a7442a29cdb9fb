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
fn stats_reports_unreadable_files() {
    let project = Project::new();
    project.file("ROADMAP.md", ROADMAP);
    let out = project.run(&["stats", "--format", "json", "ROADMAP.md", "nope.md"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope.md"));
    assert!(out.stdout.contains("\"ROADMAP.md\""));
}
