//! `tickmark history` and `tickmark diff` as a user runs them.

use crate::lifecycle::scripted;
use crate::support::{tickmark, TestRepo};

#[test]
fn history_prints_the_timeline() {
    let repo = scripted();
    let (out, err, code) = tickmark(repo.path(), &["history", "ROADMAP.md:6"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "ROADMAP.md:6  Add rate limiting to the public API  (open)"
    );
    assert_eq!(lines.len(), 10, "{out}");
    assert!(lines[2].starts_with("  2025-01-05  "), "{out}");
    assert!(
        lines[2].ends_with("  Grace Hopper  checked  — Rate limiting shipped"),
        "{out}"
    );

    let (json, _, code) = tickmark(
        repo.path(),
        &["history", "ROADMAP.md:6", "--format", "json"],
    );
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let kinds: Vec<&str> = value["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        [
            "added",
            "checked",
            "reworded",
            "moved",
            "unchecked",
            "priority",
            "removed",
            "readded"
        ]
    );
    assert_eq!(value["events"][1]["commit"]["date"], "2025-01-05");
    assert_eq!(value["events"][1]["commit"]["author"], "Grace Hopper");
}

#[test]
fn history_errors_are_clear() {
    let repo = scripted();
    let (_, err, code) = tickmark(repo.path(), &["history", "ROADMAP.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected FILE:LINE"), "{err}");
    let (_, err, code) = tickmark(repo.path(), &["history", "ROADMAP.md:2"]);
    assert_eq!(
        (code, err.trim()),
        (
            2,
            "tickmark history: ROADMAP.md:2: no item starts on this line"
        )
    );
    let outside = TestRepo::empty();
    outside.write("TODO.md", "- [ ] A\n");
    let (_, err, code) = tickmark(outside.path(), &["history", "TODO.md:1"]);
    assert_eq!(
        (code, err.trim()),
        (2, "tickmark history: TODO.md: not in a git repository")
    );
}

fn diff_repo() -> TestRepo {
    let repo = TestRepo::new();
    let base = "# R\n\n## Now\n\n- [ ] Alpha\n- [ ] Localise the settings page\n- [x] Gamma\n- [ ] Delta\n- [ ] Write the user guide\n\n## Later\n\n- [ ] Epsilon\n";
    repo.commit_file("ROADMAP.md", base, "2025-01-02", "Ada Lovelace", "Base");
    repo.commit_file(
        "notes.txt",
        "unrelated\n",
        "2025-01-03",
        "Ada Lovelace",
        "Notes",
    );
    let middle = "# R\n\n## Now\n\n- [x] Alpha\n- [ ] Localise the settings page\n- [ ] Gamma\n- [ ] Delta\n- [ ] Write the user guide\n\n## Later\n\n- [ ] Epsilon\n";
    repo.commit_file(
        "ROADMAP.md",
        middle,
        "2025-01-04",
        "Grace Hopper",
        "Alpha done, Gamma reopened",
    );
    let head = "# R\n\n## Now\n\n- [x] Alpha\n- [ ] Gamma\n- [ ] [P1] Delta\n- [ ] Write the user manual\n- [ ] Add an export to CSV\n\n## Later\n\n- [ ] Epsilon\n";
    repo.commit_file(
        "ROADMAP.md",
        head,
        "2025-01-05",
        "Linus T",
        "Plan Add an export to CSV",
    );
    repo
}

#[test]
fn diff_summarises_a_range_as_markdown() {
    let repo = diff_repo();
    let (out, err, code) = tickmark(
        repo.path(),
        &["diff", "HEAD~3..HEAD", "--format", "markdown"],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let body = out.split_once('\n').map_or("", |(_, rest)| rest);
    expect_test::expect![[r"

        ### `ROADMAP.md`

        1 added, 1 checked, 1 reopened, 1 re-prioritised, 1 reworded, 1 dropped unchecked.

        **Added**

        - [ ] Add an export to CSV (Now)

        **Checked**

        - [x] Alpha (Now)

        **Reopened**

        - [ ] Gamma (Now)

        **Re-prioritised**

        - none → P1: [ ] [P1] Delta (Now)

        **Reworded**

        - ~~Write the user guide~~ → [ ] Write the user manual (Now)

        **Dropped unchecked**

        - [ ] ~~Localise the settings page~~ (Now)
    "]]
    .assert_eq(body);
}

#[test]
fn diff_json_and_text_name_the_same_changes() {
    let repo = diff_repo();
    let (out, _, code) = tickmark(repo.path(), &["diff", "HEAD~3..", "--format", "json"]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&out).expect("json");
    let file = &value["files"][0];
    assert_eq!(file["path"], "ROADMAP.md");
    assert_eq!(file["added"][0]["text"], "Add an export to CSV");
    assert_eq!(file["checked"][0]["text"], "Alpha");
    assert_eq!(file["reopened"][0]["text"], "Gamma");
    assert_eq!(file["reprioritised"][0]["from"], serde_json::Value::Null);
    assert_eq!(file["reprioritised"][0]["priority"], "P1");
    assert_eq!(file["reworded"][0]["from"], "Write the user guide");
    assert_eq!(
        file["droppedUnchecked"][0]["text"],
        "Localise the settings page"
    );
    let (text, _, code) = tickmark(repo.path(), &["diff", "HEAD~3..HEAD"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("\nROADMAP.md\n  Added (1)\n    [ ] Add an export to CSV (Now)  line 9\n"),
        "{text}"
    );
    let (text, _, _) = tickmark(repo.path(), &["diff", "HEAD~1..HEAD~1"]);
    assert!(text.ends_with("No roadmap file changed.\n"), "{text}");
    let (_, err, code) = tickmark(repo.path(), &["diff", "nope..HEAD"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("tickmark diff: cannot read git history: unknown revision `nope`"),
        "{err}"
    );
}

#[test]
fn diff_finds_roadmaps_named_by_configuration_or_by_folder() {
    let repo = TestRepo::new();
    repo.write("tickmark.toml", "roadmaps = [\"plans/*.md\"]\n");
    repo.commit_file(
        "plans/q1.md",
        "# Q1\n\n- [ ] Alpha\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "plans/q1.md",
        "# Q1\n\n- [x] Alpha\n",
        "2025-01-03",
        "Ada Lovelace",
        "Alpha done",
    );
    let (text, err, code) = tickmark(repo.path(), &["diff", "HEAD~1..HEAD"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        text.contains("\nplans/q1.md\n  Checked (1)\n    [x] Alpha (Q1)  line 3\n"),
        "{text}"
    );
    std::fs::remove_file(repo.file("tickmark.toml")).expect("remove");
    let (text, _, _) = tickmark(repo.path(), &["diff", "HEAD~1..HEAD"]);
    assert!(text.ends_with("No roadmap file changed.\n"), "{text}");
    let (text, err, code) = tickmark(repo.path(), &["diff", "HEAD~1..HEAD", "plans"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(text.contains("\nplans/q1.md\n  Checked (1)\n"), "{text}");
    let (text, _, _) = tickmark(repo.path(), &["diff", "HEAD~1..HEAD", "plans/q1.md"]);
    assert!(text.contains("\nplans/q1.md\n  Checked (1)\n"), "{text}");
}
