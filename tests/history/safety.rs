//! A repository that configures every program git could run on a read: none may run.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use crate::lifecycle::scripted;
use crate::support::{today, TestRepo};
use tickmark::history::{diff, last_commit_date, FileHistory, HistoryCache, HoverHistory};

/// Writes an executable script that appends `name` to `marker` and passes its input on.
fn trap(dir: &std::path::Path, name: &str, marker: &std::path::Path) -> String {
    let path = dir.join(name);
    let script = format!(
        "#!/bin/sh\necho {name} >> '{}'\ncat \"$@\" 2>/dev/null\nexit 0\n",
        marker.display()
    );
    std::fs::write(&path, script).expect("write trap");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path.display().to_string()
}

fn hostile() -> (TestRepo, tempfile::TempDir, std::path::PathBuf) {
    let repo = scripted();
    let traps = tempfile::tempdir().expect("temp dir");
    let marker = traps.path().join("MARKER");
    let hooks = traps.path().join("hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    for hook in [
        "post-checkout",
        "pre-commit",
        "post-index-change",
        "reference-transaction",
        "post-merge",
        "pre-auto-gc",
    ] {
        trap(&hooks, hook, &marker);
        trap(&repo.path().join(".git/hooks"), hook, &marker);
    }
    let program = |name: &str| trap(traps.path(), name, &marker);
    let settings = [
        ("core.hooksPath", hooks.display().to_string()),
        ("core.fsmonitor", program("fsmonitor")),
        ("core.pager", program("pager")),
        ("core.editor", program("editor")),
        ("core.sshCommand", program("ssh")),
        ("diff.external", program("external-diff")),
        ("diff.evil.textconv", program("textconv")),
        ("diff.evil.command", program("diff-command")),
        ("filter.evil.clean", program("clean")),
        ("filter.evil.smudge", program("smudge")),
        ("filter.evil.process", program("process")),
        ("filter.evil.required", "true".to_owned()),
        ("merge.evil.driver", program("merge-driver")),
        ("gpg.program", program("gpg")),
        ("log.showSignature", "true".to_owned()),
        ("credential.helper", program("credential")),
    ];
    for (key, value) in &settings {
        repo.git(&["config", key, value]);
    }
    std::fs::write(
        repo.path().join(".git/info/attributes"),
        "* diff=evil filter=evil merge=evil\n",
    )
    .expect("attributes");
    (repo, traps, marker)
}

#[test]
fn no_program_a_repository_configures_ever_runs() {
    let (repo, _traps, marker) = hostile();
    let path = repo.file("ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("read");

    let history = FileHistory::build(&path, &AtomicBool::new(false)).expect("history");
    assert!(history.timeline(&text, 5).is_some());
    assert_eq!(
        last_commit_date(&path),
        Some(jiff::civil::date(2025, 2, 10))
    );
    let cache = HistoryCache::new();
    cache.warm(&path);
    assert!(matches!(
        cache.hover(&path, &text, 5, today()),
        HoverHistory::Ready { .. }
    ));
    let range = diff::diff_range(
        repo.path(),
        "HEAD~3",
        "HEAD",
        &[],
        &|p: &std::path::Path| p.ends_with("ROADMAP.md"),
    )
    .expect("diff");
    assert_eq!(range.files.len(), 1);
    for args in [
        vec!["history", "ROADMAP.md:6"],
        vec!["diff", "HEAD~3..HEAD"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .args(&args)
            .current_dir(repo.path())
            .output()
            .expect("tickmark runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(
        !marker.exists(),
        "ran: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );

    // The traps are real: plain git runs them.
    Command::new("git")
        .args(["status", "--short"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        marker.exists(),
        "git status should have run the fsmonitor or clean filter"
    );
}
