//! What only history tells: `reopened-item` and `stale-open`, from the library with a fixed
//! today, and from `tickmark check --history` as a user runs it.

use jiff::civil::date;
use tickmark::analysis::{parse, Code, Settings};
use tickmark::history::facts;

use crate::support::{tickmark, TestRepo};

/// A roadmap where `Export to CSV` was checked, then unchecked by Bob; `Import` was checked
/// and stays so; `Search` was never checked.
fn reopened_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] Export to CSV\n- [ ] Import\n- [ ] Search\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [x] Export to CSV\n- [x] Import\n- [ ] Search\n",
        "2025-01-10",
        "Ada Lovelace",
        "Ship export and import",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] Export to CSV, with headers\n- [x] Import\n- [ ] Search\n",
        "2025-02-01",
        "Bob Stone",
        "Export needs headers",
    );
    repo
}

fn history_diagnostics(
    repo: &TestRepo,
    text: &str,
    settings: &Settings,
    today: jiff::civil::Date,
) -> Vec<tickmark::analysis::Diagnostic> {
    let history = repo.history("ROADMAP.md").expect("history");
    let doc = parse::parse(text, &settings.states);
    facts::diagnostics(&history, text, &doc, settings, today)
}

#[test]
fn a_task_unchecked_in_a_commit_is_reopened_with_that_commit() {
    let repo = reopened_repo();
    let head = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let text = std::fs::read_to_string(repo.file("ROADMAP.md")).unwrap();
    let found = history_diagnostics(&repo, &text, &Settings::default(), date(2025, 2, 2));
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(d.code, Code::ReopenedItem);
    assert_eq!(&text[d.range.as_range()], "[ ] Export to CSV, with headers");
    assert!(d.message.contains(head.trim()), "{}", d.message);
    assert!(d.message.contains("2025-02-01"), "{}", d.message);
    assert!(d.message.contains("Bob Stone"), "{}", d.message);
    assert_eq!(d.fixes.len(), 1);
    assert!(!d.fixes[0].is_safe(), "checking again is unsafe");
    assert_eq!(d.fixes[0].title, facts::CHECK_AGAIN);
    let (fixed, _) = tickmark::analysis::fix::apply_edits(&text, &d.fixes[0].edits);
    assert!(
        fixed.contains("- [x] Export to CSV, with headers\n"),
        "{fixed}"
    );
}

#[test]
fn unchecking_in_the_working_copy_is_reopened_uncommitted() {
    let repo = reopened_repo();
    let text = "# Plan\n\n- [ ] Export to CSV, with headers\n- [ ] Import\n- [ ] Search\n";
    let found = history_diagnostics(&repo, text, &Settings::default(), date(2025, 2, 2));
    let lines: Vec<(usize, &str)> = found
        .iter()
        .map(|d| (text[..d.range.start].lines().count(), d.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{lines:#?}");
    assert_eq!(lines[1].0, 4, "{lines:#?}");
    assert!(lines[1].1.contains("working copy"), "{lines:#?}");
    // Checked again in the working copy: nothing to say.
    let text = "# Plan\n\n- [x] Export to CSV, with headers\n- [x] Import\n- [ ] Search\n";
    assert!(history_diagnostics(&repo, text, &Settings::default(), date(2025, 2, 2)).is_empty());
}

#[test]
fn history_diagnostics_obey_severities_and_suppressions() {
    let repo = reopened_repo();
    let text = "# Plan\n\n<!-- tickmark-disable-next-line reopened-item -->\n- [ ] Export to CSV, with headers\n- [x] Import\n- [ ] Search\n";
    assert!(history_diagnostics(&repo, text, &Settings::default(), date(2025, 2, 2)).is_empty());
    let text = std::fs::read_to_string(repo.file("ROADMAP.md")).unwrap();
    let mut settings = Settings::default();
    settings.severities.insert(Code::ReopenedItem, None);
    assert!(history_diagnostics(&repo, &text, &settings, date(2025, 2, 2)).is_empty());
    settings.severities.insert(
        Code::ReopenedItem,
        Some(tickmark::analysis::Severity::Warning),
    );
    let found = history_diagnostics(&repo, &text, &settings, date(2025, 2, 2));
    assert_eq!(found[0].severity, tickmark::analysis::Severity::Warning);
}

fn stale_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] [P1] Rotate keys\n- [ ] [P2] Tidy docs\n- [ ] [P0] Fix login\n- [ ] Plain wish\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] [P1] Rotate keys\n- [ ] [P2] Tidy docs\n- [ ] [P0] Fix login on mobile\n- [ ] Plain wish\n\n## Now\n\n- [ ] [P0] Ship it\n",
        "2025-03-01",
        "Bob Stone",
        "Login scope",
    );
    repo
}

#[test]
fn an_urgent_task_unchanged_for_long_is_stale_naming_when_it_was_added() {
    let repo = stale_repo();
    let text = std::fs::read_to_string(repo.file("ROADMAP.md")).unwrap();
    let found = history_diagnostics(&repo, &text, &Settings::default(), date(2025, 5, 1));
    // 2025-01-02 → 2025-05-01 is 119 days: only `Rotate keys` (the P0 changed on 03-01, 61
    // days); the P2 and the task with no priority are never reported.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, Code::StaleOpen);
    assert_eq!(&text[found[0].range.as_range()], "[ ] [P1] Rotate keys");
    assert!(
        found[0].message.contains("119 days")
            && found[0]
                .message
                .contains("added on 2025-01-02 by Ada Lovelace"),
        "{}",
        found[0].message
    );

    let later = history_diagnostics(&repo, &text, &Settings::default(), date(2025, 7, 1));
    let stale: Vec<&str> = later.iter().map(|d| &text[d.range.as_range()]).collect();
    assert_eq!(
        stale,
        [
            "[ ] [P1] Rotate keys",
            "[ ] [P0] Fix login on mobile",
            "[ ] [P0] Ship it"
        ]
    );
    assert!(
        later[1].message.contains("added on 2025-01-02")
            && later[1].message.contains("last changed on 2025-03-01"),
        "{}",
        later[1].message
    );

    let settings = Settings {
        stale_open_days: 200,
        ..Settings::default()
    };
    assert!(history_diagnostics(&repo, &text, &settings, date(2025, 7, 1)).is_empty());

    // Reworded in the working copy: changed today.
    let edited = text.replace("Rotate keys", "Rotate the signing keys");
    let found = history_diagnostics(&repo, &edited, &Settings::default(), date(2025, 5, 1));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn check_reports_history_diagnostics_only_with_the_flag() {
    let repo = reopened_repo();
    let (out, _, code) = tickmark(repo.path(), &["check", "ROADMAP.md", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("reopened-item"), "{out}");

    let (out, err, code) = tickmark(
        repo.path(),
        &["check", "ROADMAP.md", "--history", "--format", "json"],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let value: serde_json::Value = serde_json::from_str(&out).expect("json");
    let text = value.to_string();
    assert!(text.contains("reopened-item"), "{out}");
    assert!(text.contains("Bob Stone"), "{out}");

    // The fix is unsafe: `--fix` leaves the box alone.
    let before = std::fs::read_to_string(repo.file("ROADMAP.md")).unwrap();
    let (out, _, _) = tickmark(repo.path(), &["check", "ROADMAP.md", "--history", "--fix"]);
    assert_eq!(
        std::fs::read_to_string(repo.file("ROADMAP.md")).unwrap(),
        before
    );
    assert!(out.contains("reopened-item"), "{out}");

    // `[dates] stale-open-days` is read from tickmark.toml; outside git nothing is added.
    let (out, _, _) = tickmark(repo.path(), &["config"]);
    assert!(out.contains("dates.stale-open-days: 90"), "{out}");
    let plain = TestRepo::empty();
    plain.write("ROADMAP.md", &before);
    let (out, err, code) = tickmark(
        plain.path(),
        &["check", "ROADMAP.md", "--history", "--format", "json"],
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(!out.contains("reopened-item"), "{out}");
}

/// Read from the shards of an incremental analysis (as the language server reads them after
/// an edit), the history's diagnostics are those of the whole document: positions, fixes and
/// suppression comments included.
#[test]
fn history_diagnostics_from_the_shards_equal_the_whole_documents() {
    use tickmark::analysis::incremental::Incremental;
    use tickmark::analysis::Inputs;
    let repo = TestRepo::new();
    let committed = "# Plan\n\n## Export\n- [x] Export to CSV\n- [ ] [P0] Urgent thing\n\n## Import\n- [x] Import\n- [x] Import again\n- [ ] [P1] Other urgent\n";
    repo.commit_file(
        "ROADMAP.md",
        committed,
        "2024-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let now = "# Plan\n\n## Export\n- [ ] Export to CSV\n- [ ] [P0] Urgent thing\n\n## Import\n- [ ] Import\n<!-- tickmark-disable-next-line reopened-item -->\n- [ ] Import again\n- [ ] [P1] Other urgent\n";
    let settings = Settings::default();
    let history = repo.history("ROADMAP.md").expect("history");
    let today = date(2025, 2, 2);
    let whole = parse::parse(now, &settings.states);
    let expected = facts::diagnostics(&history, now, &whole, &settings, today);
    let inc = Incremental::new(now.to_owned(), &Inputs::default(), &settings);
    assert!(inc.shard_count() >= 3, "cut at each heading");
    let found = facts::diagnostics_in_parts(&history, now, &inc.parts(), &settings, today);
    assert_eq!(found, expected);
    let codes: Vec<(Code, &str)> = found
        .iter()
        .map(|d| (d.code, &now[d.range.as_range()]))
        .collect();
    assert_eq!(
        codes,
        [
            (Code::ReopenedItem, "[ ] Export to CSV"),
            (Code::StaleOpen, "[ ] [P0] Urgent thing"),
            (Code::ReopenedItem, "[ ] Import"),
            (Code::StaleOpen, "[ ] [P1] Other urgent"),
        ]
    );
}
