//! Bad input gives a clear error, never a panic.

use std::sync::atomic::AtomicBool;

use crate::lifecycle::scripted;
use crate::support::{events, TestRepo};
use tickmark::history::{FileHistory, HistoryCache, HistoryError, HoverHistory, Limits};

#[test]
fn outside_a_repository() {
    let dir = TestRepo::empty();
    dir.write("ROADMAP.md", "- [ ] A\n");
    let error = dir.history("ROADMAP.md").expect_err("no repository");
    assert_eq!(error, HistoryError::NotInRepository);
    assert_eq!(error.to_string(), "not in a git repository");
    let cache = HistoryCache::new();
    let path = dir.file("ROADMAP.md");
    cache.warm(&path);
    assert_eq!(
        cache.hover(&path, "- [ ] A\n", 0, crate::support::today()),
        HoverHistory::Unavailable("History: not in a git repository.".to_owned())
    );
}

#[test]
fn unborn_branch() {
    let repo = TestRepo::new();
    repo.write("ROADMAP.md", "- [ ] A\n");
    assert_eq!(
        repo.history("ROADMAP.md").expect_err("unborn"),
        HistoryError::UnbornBranch
    );
}

#[test]
fn file_not_committed_yet() {
    let repo = scripted();
    repo.write("TODO.md", "- [ ] A\n");
    let error = repo.history("TODO.md").expect_err("not committed");
    assert_eq!(error, HistoryError::NotCommitted);
    assert_eq!(
        error.to_string(),
        "not committed yet: every item is new in the working copy"
    );
    assert_eq!(
        tickmark::history::last_commit_date(&repo.file("TODO.md")),
        None
    );
}

#[test]
fn detached_head_reads_history_up_to_it() {
    let repo = scripted();
    repo.git(&["checkout", "-q", "--detach", "HEAD~4"]);
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(history.commits.len(), 4);
    assert_eq!(history.last_change(), Some(jiff::civil::date(2025, 1, 12)));
}

#[test]
fn a_locked_index_does_not_matter() {
    let repo = scripted();
    std::fs::write(repo.path().join(".git/index.lock"), "").expect("lock");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(history.commits.len(), 8);
}

/// Overwrites the loose object `id` with bytes that do not inflate.
fn corrupt(repo: &TestRepo, id: &str) {
    let path = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    let mut permissions = std::fs::metadata(&path).expect("object").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&path, permissions).expect("chmod");
    std::fs::write(&path, b"this is not a zlib stream").expect("corrupt");
}

#[test]
fn a_corrupt_object_is_an_error() {
    let repo = scripted();
    let blob = repo.git(&["rev-parse", "HEAD~3:ROADMAP.md"]);
    corrupt(&repo, blob.trim());
    let error = repo.history("ROADMAP.md").expect_err("corrupt");
    assert!(matches!(error, HistoryError::Git(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("cannot read git history: "),
        "{error}"
    );
}

#[test]
fn a_corrupt_commit_is_an_error() {
    let repo = scripted();
    let commit = repo.git(&["rev-parse", "HEAD~2"]);
    corrupt(&repo, commit.trim());
    let error = repo.history("ROADMAP.md").expect_err("corrupt");
    assert!(matches!(error, HistoryError::Git(_)), "{error:?}");
}

#[test]
fn a_missing_pack_is_an_error() {
    let repo = scripted();
    repo.git(&["repack", "-a", "-d", "-q"]);
    repo.git(&["prune-packed"]);
    let pack_dir = repo.path().join(".git/objects/pack");
    for entry in std::fs::read_dir(&pack_dir).expect("packs") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "pack") {
            std::fs::remove_file(path).expect("remove pack");
        }
    }
    let error = repo.history("ROADMAP.md").expect_err("missing pack");
    assert!(
        matches!(error, HistoryError::Git(_) | HistoryError::UnbornBranch),
        "{error:?}"
    );
    assert!(!error.to_string().is_empty());
}

#[test]
fn a_broken_repository_says_what_is_wrong() {
    type Damage = fn(&std::path::Path);
    let damages: [(&str, Damage); 3] = [
        ("config", |git| {
            std::fs::write(git.join("config"), "[core\nbare = maybe\n").expect("damage");
        }),
        ("HEAD", |git| {
            std::fs::write(git.join("HEAD"), "garbage\n").expect("damage");
        }),
        ("objects", |git| {
            std::fs::remove_dir_all(git.join("objects")).expect("damage");
        }),
    ];
    for (name, damage) in damages {
        let repo = scripted();
        damage(&repo.path().join(".git"));
        let error = repo.history("ROADMAP.md").expect_err("broken");
        assert!(matches!(error, HistoryError::Git(_)), "{name}: {error:?}");
        assert!(
            error.to_string().starts_with("cannot read git history: "),
            "{name}: {error}"
        );
    }
}

#[test]
fn a_binary_file_is_refused() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "- [ ] A\0\n",
        "2025-01-02",
        "Ada Lovelace",
        "Binary",
    );
    assert_eq!(
        repo.history("ROADMAP.md").expect_err("binary"),
        HistoryError::NotText
    );
}

#[test]
fn a_cancelled_build_stops() {
    let repo = scripted();
    let error = FileHistory::build(&repo.file("ROADMAP.md"), &AtomicBool::new(true))
        .expect_err("cancelled");
    assert_eq!(error, HistoryError::Cancelled);
}

#[test]
fn a_large_history_is_capped_and_says_so() {
    let repo = TestRepo::new();
    let mut text = String::from("# R\n\n- [ ] Keep going\n");
    for k in 0..60 {
        text.push_str("- [ ] Step ");
        text.push_str(&k.to_string());
        text.push('\n');
        std::fs::write(repo.file("ROADMAP.md"), &text).expect("write");
        let date = jiff::civil::date(2025, 1, 1) + jiff::Span::new().days(k);
        repo.commit(&date.to_string(), "Ada Lovelace", &format!("Step {k}"));
    }
    let limits = Limits {
        max_versions: 10,
        ..Limits::default()
    };
    let history =
        FileHistory::build_with(&repo.file("ROADMAP.md"), &AtomicBool::new(false), limits)
            .expect("history");
    assert!(history.truncated);
    assert_eq!(history.commits.len(), 11);
    let got = events(&history, &text, 3);
    assert_eq!(got.len(), 1);
    assert!(got[0].ends_with("first seen (open) in “R”"), "{got:?}");
}
