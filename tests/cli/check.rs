//! `tickmark check`: every output format, exit codes, `--fix`, standard input.

use insta::assert_snapshot;

use crate::{Project, ROADMAP};

fn project() -> Project {
    let project = Project::new();
    project.file("ROADMAP.md", ROADMAP);
    project.file("notes.md", "notes\n");
    project
}

#[test]
fn human_format() {
    assert_snapshot!(project().run(&["check", "ROADMAP.md"]).snapshot());
}

#[test]
fn json_format() {
    assert_snapshot!(project()
        .run(&["check", "--format", "json", "ROADMAP.md"])
        .snapshot());
}

#[test]
fn github_format() {
    assert_snapshot!(project()
        .run(&["check", "--output-format", "github", "ROADMAP.md"])
        .snapshot());
}

#[test]
fn sarif_format() {
    let out = project().run(&["check", "--format", "sarif", "ROADMAP.md"]);
    assert_eq!(out.code, 1);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), tickmark::analysis::Code::ALL.len());
    for rule in rules {
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
        assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
    }
    // Results without the rule table, which `explain` covers.
    let results: Vec<String> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            format!(
                "{} {} {}:{}:{}-{}:{} {}{}",
                r["level"].as_str().unwrap(),
                r["ruleId"].as_str().unwrap(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
                r["message"]["text"].as_str().unwrap(),
                if r["fixes"].is_array() { " [fix]" } else { "" },
            )
        })
        .collect();
    assert_snapshot!(results.join("\n"));
}

#[test]
fn exit_codes() {
    let project = Project::new();
    project.file("clean.md", "# Plan\n\n- [x] Done\n- [ ] Open\n");
    project.file(
        "info.md",
        "# Plan\n\n## ✅ Completed\n\n- [ ] Open in a done section\n",
    );
    project.file("warn.md", "- [] Broken box\n");
    assert_eq!(project.run(&["check", "clean.md"]).code, 0);
    // Information and hints do not fail a check.
    assert_eq!(project.run(&["check", "info.md"]).code, 0);
    assert_eq!(project.run(&["check", "warn.md"]).code, 1);
    assert_eq!(project.run(&["check", "missing.md"]).code, 2);
    // An I/O error wins over problems found in the other files.
    assert_eq!(project.run(&["check", "warn.md", "missing.md"]).code, 2);
    // A usage error.
    assert_eq!(project.run(&["check", "--format", "xml"]).code, 2);
}

#[test]
fn a_folder_without_a_roadmap_is_an_error() {
    // A misnamed roadmap: nothing matches the globs, so nothing would be checked.
    let project = Project::new();
    project.file("docs/PLAN.md", "- [] Broken box\n");
    let out = project.run(&["check", "docs"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("no roadmap files found under docs; globs: **/ROADMAP*.md, "),
        "{}",
        out.stderr
    );
    // The same with no argument (the current folder), and for `stats`.
    assert_eq!(project.run(&["check"]).code, 2);
    assert_eq!(project.run(&["stats", "docs"]).code, 2);
    // The configured globs are the ones named.
    project.file("tickmark.toml", "roadmaps = [\"**/NEXT.md\"]\n");
    let out = project.run(&["check", "docs"]);
    assert!(out.stderr.contains("globs: **/NEXT.md ("), "{}", out.stderr);
    // A file named on the command line is checked whatever its name.
    assert_eq!(project.run(&["check", "docs/PLAN.md"]).code, 1);
    // A folder with a roadmap is checked as before.
    project.file("docs/NEXT.md", "- [ ] Fine\n");
    let out = project.run(&["check", "docs"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn fix_then_check_again() {
    let project = project();
    let fixed = project.run(&["check", "--fix", "ROADMAP.md"]);
    let after = project.read("ROADMAP.md");
    let again = project.run(&["check", "ROADMAP.md"]);
    assert_snapshot!(format!(
        "{}\n===== ROADMAP.md after --fix =====\n{after}\n===== check again =====\n{}",
        fixed.snapshot(),
        again.snapshot()
    ));
    // Unsafe fixes are not applied: the duplicate and the inconsistent parent remain.
    assert_eq!(again.code, 1);
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    let path = project.file("TODO.md", "- [] Box\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(project.run(&["check", "--fix", "TODO.md"]).code, 0);
    assert_eq!(project.read("TODO.md"), "- [ ] Box\n");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn stdin_is_reported_under_its_name() {
    let project = project();
    let out = project.run_with_stdin(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "ROADMAP.md",
            "-",
        ],
        Some("- [] Box\n"),
    );
    assert_snapshot!(out.snapshot());
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    let project = project();
    let out = project.run_with_stdin(
        &["check", "--fix", "--stdin-filename", "TODO.md", "-"],
        Some("- [] Box\n- [ ] [p1] Tag\n"),
    );
    assert_snapshot!(out.snapshot());
}

#[test]
fn directories_honour_gitignore() {
    let project = Project::new();
    for name in [
        "ROADMAP.md",
        "docs/TODO.md",
        "docs/guide.md",
        "vendor/lib/ROADMAP.md",
        "build/BACKLOG.md",
    ] {
        // Distinct items, so no file is a duplicate of another.
        project.file(name, format!("- [] Box of {name}\n"));
    }
    project.file(".gitignore", "vendor/\n/build\n");
    let out = project.run(&["check", "--format", "github"]);
    assert_snapshot!(out.snapshot());
    // A file argument is checked whatever its name, ignored or not.
    let out = project.run(&[
        "check",
        "--format",
        "github",
        "docs/guide.md",
        "vendor/lib/ROADMAP.md",
    ]);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn configuration_is_applied() {
    let project = project();
    project.file(
        "tickmark.toml",
        "[rules]\nmojibake = \"off\"\nmalformed-checkbox = \"error\"\n",
    );
    assert_snapshot!(project
        .run(&["check", "--format", "github", "ROADMAP.md"])
        .snapshot());
}

#[test]
fn configuration_errors_name_file_and_line() {
    let project = project();
    project.file(
        "tickmark.toml",
        "[rules]\nduplicate-item = \"information\"\nduplicate-itme = \"hint\"\n",
    );
    assert_snapshot!(project.run(&["check", "ROADMAP.md"]).snapshot());
    project.file("tickmark.toml", "[toggle]\ncascade = \"sideways\"\n");
    assert_snapshot!(project.run(&["check", "ROADMAP.md"]).snapshot());
}

#[test]
fn an_item_in_two_checked_files_is_a_duplicate_in_each() {
    let project = Project::new();
    project.file(
        "ROADMAP.md",
        "# Roadmap\n\n- [ ] **API Documentation**\n- [ ] Rate limiting\n  - [ ] Write tests\n",
    );
    project.file(
        "docs/TODO.md",
        "# Todo\n\n- [ ] Onboarding\n  - [ ] Write tests\n- [ ] API documentation.\n",
    );
    let out = project.run(&["check", "."]);
    // Information only: the run passes. The two `Write tests` subtasks are not duplicates.
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_snapshot!(out.snapshot());

    let out = project.run(&["check", "--format", "sarif", "ROADMAP.md", "docs/TODO.md"]);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let related = &results[0]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(results[0]["level"], "note");
    assert_eq!(related["artifactLocation"]["uri"], "docs/TODO.md");
    assert_eq!(related["region"]["startLine"], 5);
    assert_eq!(related["region"]["startColumn"], 7);
    assert_eq!(related["region"]["endColumn"], 25);

    // One file alone has nothing to be a duplicate of.
    let out = project.run(&["check", "--format", "json", "ROADMAP.md"]);
    assert_eq!(out.stdout.trim(), "[]");
}

#[test]
fn a_task_open_in_one_file_and_done_in_another_is_a_conflict() {
    let project = Project::new();
    project.file(
        "ROADMAP.md",
        "# Roadmap\n\n- [ ] Rate limiting\n- [x] Audit log\n",
    );
    project.file(
        "docs/TODO.md",
        "# Todo\n\n- [x] Rate limiting\n- [ ] Audit log\n",
    );
    let out = project.run(&["check", "--format", "json", "."]);
    let found: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let conflicts: Vec<(String, u64)> = found
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "conflicting-state")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // On the open task of each pair, pointing at the done one; a warning fails the run.
    assert_eq!(
        conflicts,
        [("ROADMAP.md".to_owned(), 3), ("docs/TODO.md".to_owned(), 4)],
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 1);
    let out = project.run(&["check", "ROADMAP.md"]);
    assert!(!out.stdout.contains("conflicting-state"), "{}", out.stdout);
}
