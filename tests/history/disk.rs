//! The history kept on disk: a second process starts from it, a moved HEAD catches up from
//! it, and a file that is corrupt, of another version or altered is ignored and replaced.

use std::process::Command;

use tickmark::history::disk;

use crate::lifecycle::scripted;
use crate::support::TestRepo;

fn history_json(dir: &std::path::Path, location: &str) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(["history", location, "--format", "json"])
        .current_dir(dir)
        .output()
        .expect("tickmark runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

fn cache_file(repo: &TestRepo) -> std::path::PathBuf {
    disk::cache_file(&repo.path().join(".git"), "ROADMAP.md")
}

/// Rewrites the kept file's body with `edit` and a header that matches it again.
fn rewrite_body(repo: &TestRepo, edit: impl Fn(&str) -> String) {
    let file = cache_file(repo);
    let text = std::fs::read_to_string(&file).expect("kept history");
    let (header, body) = text.split_once('\n').expect("header");
    let body = edit(body);
    let mut parts = header.rsplitn(3, ' ');
    let (_, _, format) = (parts.next(), parts.next(), parts.next().expect("format"));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in body.as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    std::fs::write(
        &file,
        format!("{format} {} {hash:016x}\n{body}", body.len()),
    )
    .unwrap();
}

#[test]
fn a_second_process_starts_from_the_history_kept_in_the_git_dir() {
    let repo = scripted();
    let first = history_json(repo.path(), "ROADMAP.md:6");
    let file = cache_file(&repo);
    assert!(file.is_file(), "kept under .git/tickmark");
    assert!(file.starts_with(repo.path().join(".git/tickmark")));
    // Nothing is written to the work tree.
    assert_eq!(repo.git(&["status", "--porcelain", "--ignored"]), "");
    assert_eq!(history_json(repo.path(), "ROADMAP.md:6"), first);

    // The second process reads what was kept: an author changed there shows.
    rewrite_body(&repo, |body| body.replace("Grace Hopper", "Kept Author"));
    let kept = history_json(repo.path(), "ROADMAP.md:6");
    assert_eq!(kept["events"][1]["commit"]["author"], "Kept Author");
}

#[test]
fn a_corrupt_or_foreign_kept_history_is_ignored_and_replaced() {
    let repo = scripted();
    let first = history_json(repo.path(), "ROADMAP.md:6");
    let file = cache_file(&repo);
    let good = std::fs::read(&file).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"\x00\xffnot a history at all".to_vec()),
        ("empty", Vec::new()),
        ("cut short", good[..good.len() / 2].to_vec()),
        (
            "another version",
            format!(
                "{}\n{body}",
                header.replacen("tickmark-history ", "tickmark-history 99", 1)
            )
            .into_bytes(),
        ),
        (
            "kept by other rules",
            format!(
                "{}\n{body}",
                header.replace(
                    &format!("rules {}", disk::RULES),
                    &format!("rules {}", disk::RULES + 1)
                )
            )
            .into_bytes(),
        ),
        (
            "a byte changed",
            format!(
                "{header}\n{}",
                body.replacen("Grace Hopper", "Grace Hoppe_", 1)
            )
            .into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        assert_ne!(bytes, good, "{what}: the case alters the kept file");
        std::fs::write(&file, bytes).unwrap();
        assert_eq!(history_json(repo.path(), "ROADMAP.md:6"), first, "{what}");
        assert_eq!(std::fs::read(&file).unwrap(), good, "{what}: replaced");
    }
    // Sound JSON with a matching checksum but an index out of range, or another path.
    for (what, from, to) in [
        (
            "index out of range",
            "\"head_commit\":",
            "\"head_commit\":99999,\"x\":",
        ),
        (
            "another path",
            "\"path\":\"ROADMAP.md\"",
            "\"path\":\"OTHER.md\"",
        ),
    ] {
        std::fs::write(&file, &good).unwrap();
        rewrite_body(&repo, |body| {
            assert!(body.contains(from), "{what}");
            body.replacen(from, to, 1)
        });
        assert_eq!(history_json(repo.path(), "ROADMAP.md:6"), first, "{what}");
        assert_eq!(std::fs::read(&file).unwrap(), good, "{what}: replaced");
    }
}

#[test]
fn a_moved_head_catches_up_from_the_kept_history_and_another_line_builds_anew() {
    let repo = scripted();
    let before = history_json(repo.path(), "ROADMAP.md:6");
    let events = before["events"].as_array().unwrap().len();
    let text = std::fs::read_to_string(repo.file("ROADMAP.md")).unwrap();
    let line = text.lines().nth(5).unwrap().to_owned();
    let checked = line.replacen("[ ]", "[x]", 1);
    assert_ne!(line, checked);
    repo.commit_file(
        "ROADMAP.md",
        &text.replacen(&line, &checked, 1),
        "2025-06-01",
        "Linus Pauling",
        "Done at last",
    );
    let after = history_json(repo.path(), "ROADMAP.md:6");
    let list = after["events"].as_array().unwrap();
    assert_eq!(list.len(), events + 1, "{after:#}");
    assert_eq!(list[events]["commit"]["author"], "Linus Pauling");
    let kept = std::fs::read_to_string(cache_file(&repo)).unwrap();
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert!(
        kept.contains(head.trim()),
        "the kept history moved to the new HEAD"
    );

    // Back to the previous commit: not a descendant of the kept HEAD, so built anew.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    assert_eq!(history_json(repo.path(), "ROADMAP.md:6"), before);
}
