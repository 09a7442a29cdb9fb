//! `tickmark check` spreads files over threads (`TICKMARK_THREADS`, default: every core) and
//! still reports them as one thread does: same bytes on stdout and stderr, same exit code,
//! files in discovery order, the same files written by `--fix`.

use std::path::{Path, PathBuf};

use crate::Project;

const FILES: usize = 40;

/// One generated roadmap: sizes vary tenfold so threads finish out of order, and each has
/// problems of several kinds, a link (present or not), and items shared with other files
/// (cross-file `duplicate-item`).
fn roadmap(n: usize) -> String {
    let mut text = format!("# Roadmap {n}\n\n## 🔴 Tier 1\n\n");
    for task in 0..(5 + (n * 7) % 50) {
        let line = match (n + task) % 9 {
            0 => format!("- [] Set up service {task}\n"),
            1 => format!("- [ ] [p1] Configure worker {task}\n"),
            2 => format!("- [x] Shared item {}\n", task % 4),
            3 => format!("- [ ] See [notes](./notes-{}.md)\n", task % 3),
            4 => format!("- [ ] Write tests for module {task}\n  - [ ] Cover the edge case\n"),
            5 => "- [ ] **API Documentation**\n".to_owned(),
            6 => format!("- [ ] Task {task} of file {n}\n  - **Time:** 2 hours\n"),
            7 => format!("- [ x] Almost a box {task}\n"),
            _ => format!("- [ ] Plain task {task}\n"),
        };
        text.push_str(&line);
    }
    text.push_str("\n## 🟡 Tier 2\n\n- [ ] API documentation.\n");
    text
}

/// A project of 40 roadmaps in nested folders, a note that links resolve to, and one file
/// that is not UTF-8 (an error on stderr, exit code 2).
fn project() -> Project {
    let project = Project::new();
    for n in 0..FILES {
        let name = match n % 4 {
            0 => format!("ROADMAP-{n:02}.md"),
            1 => format!("team-{}/TODO-{n:02}.md", n % 3),
            2 => format!("team-{}/deep/BACKLOG-{n:02}.md", n % 5),
            _ => format!("docs/{n:02}-ROADMAP.md"),
        };
        project.file(&name, roadmap(n));
    }
    project.file("notes-0.md", "notes\n");
    project.file("team-1/notes-1.md", "notes\n");
    project.file("team-2/TODO-latin1.md", b"- [ ] caf\xe9\n");
    project
}

fn check(project: &Project, args: &[&str], threads: Option<&str>) -> String {
    let env: Vec<(&str, &str)> = threads
        .map(|t| ("TICKMARK_THREADS", t))
        .into_iter()
        .collect();
    project.run_with(args, None, &env).snapshot()
}

#[test]
fn every_thread_count_reports_what_one_thread_reports() {
    let project = project();
    for format in ["human", "json", "github"] {
        let args = ["check", "--format", format, "."];
        let serial = check(&project, &args, Some("1"));
        assert!(serial.starts_with("exit code: 2\n"), "{serial}");
        assert!(serial.contains("TODO-latin1.md: not UTF-8"), "{serial}");
        for threads in [Some("2"), Some("3"), Some("8"), None] {
            for round in 0..3 {
                let parallel = check(&project, &args, threads);
                assert!(
                    parallel == serial,
                    "{format}, {threads:?} threads, round {round}: the report differs from \
                     the one-thread report\n--- one thread ---\n{serial}\n--- parallel ---\n{parallel}"
                );
            }
        }
    }
}

#[test]
fn files_are_reported_in_discovery_order() {
    let project = project();
    let out = project.run_with(
        &["check", "--format", "json", "."],
        None,
        &[("TICKMARK_THREADS", "8")],
    );
    let problems: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let mut files: Vec<PathBuf> = problems
        .iter()
        .map(|p| PathBuf::from(p["path"].as_str().unwrap()))
        .collect();
    files.dedup();
    assert_eq!(
        files.len(),
        FILES,
        "every roadmap has a problem, each listed once"
    );
    let mut sorted = files.clone();
    // The walk sorts each folder's entries by name: component-wise path order.
    sorted.sort();
    assert_eq!(files, sorted);
}

#[test]
fn fix_in_parallel_writes_what_one_thread_writes() {
    let serial = project();
    let parallel = project();
    for project in [&serial, &parallel] {
        // A second name for a file that is also found in the walk: with `--fix`, the first
        // name writes it and the second finds it changed, whatever the thread count.
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            project.path().join("ROADMAP-00.md"),
            project.path().join("LINK.md"),
        )
        .unwrap();
    }
    let args = ["check", "--fix", ".", "LINK.md"];
    let one = check(&serial, &args, Some("1"));
    let many = check(&parallel, &args, Some("8"));
    assert_eq!(one, many);
    assert!(one.contains("Fixed "), "{one}");
    #[cfg(unix)]
    assert!(
        one.contains("error: LINK.md: not fixed: the file changed while it was being checked"),
        "{one}"
    );
    let written = |project: &Project| {
        let mut all = Vec::new();
        collect(project.path(), project.path(), &mut all);
        all.sort();
        all
    };
    assert_eq!(written(&serial), written(&parallel));
    // Fixed: the next check in parallel finds no fixable problem left to fix.
    let again = check(&parallel, &["check", "--fix", "."], Some("8"));
    assert!(!again.contains("Fixed "), "{again}");
}

/// Every file below `dir` as (path relative to `root`, bytes).
fn collect(root: &Path, dir: &Path, all: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, all);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            all.push((path.strip_prefix(root).unwrap().to_owned(), bytes));
        }
    }
}
