//! History and `tickmark diff` follow tasks wherever CommonMark nests them: under a tab, in a
//! list indented by a few spaces, four spaces under a `*` parent. Re-indenting a list is not a
//! rewording.

use std::process::Command;

use crate::support::{events, TestRepo};

const V1: &str = "# Roadmap\n\n- [ ] Ship the docs\n\t- [ ] Link the API reference\n\n  * [ ] Scrollable menus\n";
/// The tab becomes four spaces and the indented list moves to column 0: nothing else.
const V2: &str = "# Roadmap\n\n- [ ] Ship the docs\n    - [ ] Link the API reference\n\n* [ ] Scrollable menus\n";
const V3: &str = "# Roadmap\n\n- [ ] Ship the docs\n    - [x] Link the API reference\n\n* [x] Scrollable menus\n";

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_file("ROADMAP.md", V1, "2025-01-02", "Ada Lovelace", "Plan");
    repo.commit_file("ROADMAP.md", V2, "2025-01-03", "Linus T", "Reindent");
    repo.commit_file("ROADMAP.md", V3, "2025-01-04", "Grace Hopper", "Progress");
    repo
}

#[test]
fn nested_and_indented_tasks_have_their_history() {
    let repo = repo();
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, V3, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Roadmap”",
            "2025-01-04 Grace Hopper: checked",
        ]
    );
    assert_eq!(
        events(&history, V3, 6),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Roadmap”",
            "2025-01-04 Grace Hopper: checked",
        ]
    );
}

#[test]
fn diff_reports_nested_checks_and_no_rewording() {
    let repo = repo();
    let output = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(["diff", "HEAD~2..HEAD", "--format", "json"])
        .current_dir(repo.path())
        .output()
        .expect("tickmark runs");
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let file = &value["files"][0];
    let checked: Vec<&str> = file["checked"]
        .as_array()
        .expect("checked")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(checked, ["Link the API reference", "Scrollable menus"]);
    assert_eq!(file["reworded"].as_array().map(Vec::len), Some(0), "{file}");
}
