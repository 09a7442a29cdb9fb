//! Repository layouts: a renamed file, a merge, a shallow clone, a worktree, CRLF.

use crate::lifecycle::scripted;
use crate::support::{events, git_in, TestRepo};
use tickmark::history::FileHistory;

#[test]
fn a_renamed_file_keeps_its_items_history() {
    let repo = TestRepo::new();
    let v1 = "# Todo\n\n- [ ] Write the installer\n- [ ] Sign the binaries\n";
    let v2 = "# Todo\n\n- [x] Write the installer\n- [ ] Sign the binaries\n";
    repo.commit_file(
        "TODO.md",
        v1,
        "2025-01-02",
        "Ada Lovelace",
        "Start a todo list",
    );
    repo.commit_file(
        "TODO.md",
        v2,
        "2025-01-05",
        "Grace Hopper",
        "Installer done",
    );
    std::fs::create_dir_all(repo.file("docs")).expect("mkdir");
    repo.git(&["mv", "TODO.md", "docs/ROADMAP.md"]);
    repo.commit("2025-01-10", "Linus T", "Move the list to docs");
    let v3 = "# Todo\n\n- [x] Write the installer\n- [x] Sign the binaries\n";
    repo.commit_file(
        "docs/ROADMAP.md",
        v3,
        "2025-01-12",
        "Ada Lovelace",
        "Signed",
    );
    let history = repo.history("docs/ROADMAP.md").expect("history");
    assert_eq!(history.renamed_from, ["TODO.md"]);
    assert_eq!(
        events(&history, v3, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Todo”",
            "2025-01-05 Grace Hopper: checked"
        ]
    );
    assert_eq!(
        events(&history, v3, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Todo”",
            "2025-01-12 Ada Lovelace: checked"
        ]
    );
}

#[test]
fn a_renamed_and_edited_file_is_followed_by_similarity() {
    let repo = TestRepo::new();
    let v1 = "# Todo\n\n- [ ] One\n- [ ] Two\n- [ ] Three\n- [ ] Four\n";
    repo.commit_file("TODO.md", v1, "2025-01-02", "Ada Lovelace", "Start");
    std::fs::remove_file(repo.file("TODO.md")).expect("rm");
    let v2 = "# Todo\n\n- [x] One\n- [ ] Two\n- [ ] Three\n- [ ] Four\n";
    repo.commit_file(
        "ROADMAP.md",
        v2,
        "2025-01-05",
        "Grace Hopper",
        "Rename and check",
    );
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(history.renamed_from, ["TODO.md"]);
    assert_eq!(
        events(&history, v2, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Todo”",
            "2025-01-05 Grace Hopper: checked"
        ]
    );
}

#[test]
fn a_merge_attributes_each_change_to_its_branch() {
    let repo = TestRepo::new();
    let base = "# R\n\n- [ ] Alpha\n- [ ] Beta\n- [ ] Gamma\n";
    repo.commit_file("ROADMAP.md", base, "2025-01-02", "Ada Lovelace", "Start");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let feature = "# R\n\n- [x] Alpha\n- [ ] Beta\n- [ ] Gamma\n";
    repo.commit_file(
        "ROADMAP.md",
        feature,
        "2025-01-05",
        "Grace Hopper",
        "Alpha done",
    );
    repo.git(&["checkout", "-q", "main"]);
    let main = "# R\n\n- [ ] Alpha\n- [ ] Beta\n- [ ] Gamma\n- [ ] Delta\n";
    repo.commit_file("ROADMAP.md", main, "2025-01-06", "Linus T", "Add Delta");
    repo.git_at(
        "2025-01-07",
        "Linus T",
        &["merge", "-q", "--no-edit", "feature"],
    );
    let merged = std::fs::read_to_string(repo.file("ROADMAP.md")).expect("read");
    assert_eq!(
        merged,
        "# R\n\n- [x] Alpha\n- [ ] Beta\n- [ ] Gamma\n- [ ] Delta\n"
    );
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, &merged, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-05 Grace Hopper: checked"
        ]
    );
    assert_eq!(
        events(&history, &merged, 6),
        ["2025-01-06 Linus T: added (open) in “R”"]
    );
    assert_eq!(
        events(&history, &merged, 4),
        ["2025-01-02 Ada Lovelace: added (open) in “R”"]
    );
}

#[test]
fn a_shallow_clone_says_where_history_starts() {
    let source = scripted();
    let clone = TestRepo::empty();
    let url = format!("file://{}", source.path().display());
    git_in(
        clone.path(),
        &["clone", "-q", "--depth", "2", &url, "work"],
        "2025-03-01T00:00:00+00:00",
        "Test Author",
    );
    let path = clone.file("work/ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let history =
        FileHistory::build(&path, &std::sync::atomic::AtomicBool::new(false)).expect("history");
    assert!(history.shallow_boundary.is_some());
    assert_eq!(history.commits.len(), 2);
    assert_eq!(
        events(&history, &text, 5),
        ["2025-02-01 Ada Lovelace: first seen (open) in “Security”"]
    );
    assert_eq!(
        events(&history, &text, 6),
        ["2025-02-10 Grace Hopper: added (open) in “Security”"]
    );
}

#[test]
fn a_worktree_reads_its_own_head() {
    let repo = scripted();
    repo.git(&["worktree", "add", "-q", "-b", "older", "wt", "HEAD~2"]);
    let path = repo.file("wt/ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let history =
        FileHistory::build(&path, &std::sync::atomic::AtomicBool::new(false)).expect("history");
    assert_eq!(history.commits.len(), 6);
    assert_eq!(history.last_change(), Some(jiff::civil::date(2025, 1, 20)));
    let got = events(&history, &text, 10);
    assert_eq!(
        got.last().map(String::as_str),
        Some("2025-01-20 Ada Lovelace: priority set to P1")
    );
    // The main worktree still sees the whole history.
    assert_eq!(
        repo.history("ROADMAP.md").expect("history").commits.len(),
        8
    );
}

#[test]
fn crlf_versions_and_buffers_compare_equal_to_lf() {
    let repo = TestRepo::new();
    repo.git(&["config", "core.autocrlf", "false"]);
    let v1 = "# R\r\n\r\n- [ ] Alpha\r\n- [ ] Beta\r\n";
    let v2 = "# R\r\n\r\n- [x] Alpha\r\n- [ ] Beta\r\n";
    repo.commit_file("ROADMAP.md", v1, "2025-01-02", "Ada Lovelace", "Start");
    repo.commit_file("ROADMAP.md", v2, "2025-01-05", "Grace Hopper", "Alpha");
    let history = repo.history("ROADMAP.md").expect("history");
    let expected = [
        "2025-01-02 Ada Lovelace: added (open) in “R”",
        "2025-01-05 Grace Hopper: checked",
    ];
    assert_eq!(events(&history, v2, 3), expected);
    assert_eq!(events(&history, &v2.replace("\r\n", "\n"), 3), expected);
    // LF committed, CRLF in the editor: nothing uncommitted either.
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        &v2.replace("\r\n", "\n"),
        "2025-01-05",
        "Grace Hopper",
        "LF",
    );
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, v2, 3),
        ["2025-01-05 Grace Hopper: added (done) in “R”"]
    );
}

/// `tickmark check` asks for the last commit of many files: one repository handle per
/// folder, reused from file to file (and from thread to thread), tells each file's date as
/// opening the repository for that file alone does: files in several folders, a renamed
/// one, one never committed, one outside any repository.
#[test]
fn last_commits_of_many_files_are_each_files_own() {
    let repo = TestRepo::new();
    repo.commit_file("ROADMAP.md", "# A\n", "2025-01-02", "Ada Lovelace", "a");
    repo.commit_file("docs/TODO.md", "# B\n", "2025-01-05", "Ada Lovelace", "b");
    repo.commit_file(
        "docs/old/BACKLOG.md",
        "# C\n",
        "2025-01-07",
        "Ada Lovelace",
        "c",
    );
    repo.commit_file("ROADMAP.md", "# A2\n", "2025-01-09", "Ada Lovelace", "a2");
    repo.git(&["mv", "docs/TODO.md", "docs/NEXT.md"]);
    repo.commit("2025-01-11", "Ada Lovelace", "rename");
    repo.write("docs/DRAFT.md", "# D\n");
    let outside = TestRepo::empty();
    outside.write("TODO.md", "# E\n");
    let files = [
        repo.file("ROADMAP.md"),
        repo.file("docs/NEXT.md"),
        repo.file("docs/old/BACKLOG.md"),
        repo.file("docs/DRAFT.md"),
        outside.file("TODO.md"),
    ];
    let date = jiff::civil::date;
    let expected = [
        Some(date(2025, 1, 9)),
        Some(date(2025, 1, 11)),
        Some(date(2025, 1, 7)),
        None,
        None,
    ];
    for (file, want) in files.iter().zip(expected) {
        assert_eq!(
            tickmark::history::last_commit_date(file),
            want,
            "{}",
            file.display()
        );
    }
    let many = tickmark::history::LastCommits::default();
    // Each file three times, from two threads at once.
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..3 {
                    for (file, want) in files.iter().zip(expected) {
                        assert_eq!(many.date(file), want, "{}", file.display());
                    }
                }
            });
        }
    });
}
