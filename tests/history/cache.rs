//! The server's cache: loading, ready, stale after a commit, caught up, rebuilt.

use crate::lifecycle::scripted;
use std::sync::Arc;

use crate::support::{today, TestRepo};
use tickmark::history::{HistoryCache, HoverHistory};

fn markdown(answer: HoverHistory) -> (String, bool) {
    match answer {
        HoverHistory::Ready { markdown, stale } => (markdown, stale),
        other => panic!("expected a ready history, got {other:?}"),
    }
}

#[test]
fn hover_answers_from_memory_and_catches_up_with_head() {
    let repo = scripted();
    let path = repo.file("ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let cache = HistoryCache::new();
    assert_eq!(cache.hover(&path, &text, 5, today()), HoverHistory::Loading);
    cache.warm(&path);
    let (hover, stale) = markdown(cache.hover(&path, &text, 5, today()));
    assert!(!stale);
    expect_test::expect![[r"
        **History** · open 39 days

        - Added (open) in “Security” 2025-01-02 by Ada Lovelace (`Cafe` “Plan Q1”)
        - … 3 more (`tickmark history ROADMAP.md:6`)
        - Unchecked 2025-01-15 by Grace Hopper (`Cafe` “Reopen: limits too low”)
        - Priority set to P1 2025-01-20 by Ada Lovelace (`Cafe` “Prioritise”)
        - Removed 2025-02-01 by Ada Lovelace (`Cafe` “Drop rate limiting”)
        - Re-added (open) in “Security” 2025-02-10 by Grace Hopper (`Cafe` “Bring rate limiting back”)
    "]]
    .assert_eq(&short_ids_hidden(&hover));
    assert_eq!(cache.hover(&path, &text, 1, today()), HoverHistory::NoItem);
    assert_eq!(
        cache.last_commit(&path),
        Some(jiff::civil::date(2025, 2, 10))
    );

    // A new commit: the cached history is stale until warmed again, then caught up.
    let checked = text.replace("- [ ] Add rate limiting", "- [x] Add rate limiting");
    repo.commit_file(
        "ROADMAP.md",
        &checked,
        "2025-02-20",
        "Linus T",
        "Done at last",
    );
    let (_, stale) = markdown(cache.hover(&path, &checked, 5, today()));
    assert!(stale);
    cache.warm(&path);
    let (hover, stale) = markdown(cache.hover(&path, &checked, 5, today()));
    assert!(!stale);
    assert!(hover.starts_with("**History** · took 30 days\n"), "{hover}");
    assert!(hover.contains("- Checked 2025-02-20 by Linus T"), "{hover}");
    assert_eq!(
        cache.last_commit(&path),
        Some(jiff::civil::date(2025, 2, 20))
    );

    // Back to an older commit (not a descendant): rebuilt, and back again from memory.
    repo.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    cache.warm(&path);
    assert_eq!(
        cache.last_commit(&path),
        Some(jiff::civil::date(2025, 2, 10))
    );
    repo.git(&["checkout", "-q", "main"]);
    cache.warm(&path);
    assert_eq!(
        cache.last_commit(&path),
        Some(jiff::civil::date(2025, 2, 20))
    );
}

/// Replaces each `` `abc1234` `` short id with `` `Cafe` `` so the snapshot is stable.
fn short_ids_hidden(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..=start]);
        rest = &rest[start + 1..];
        let end = rest.find('`').unwrap_or(rest.len());
        let inner = &rest[..end];
        if inner.len() == 7 && inner.chars().all(|c| c.is_ascii_hexdigit()) {
            out.push_str("Cafe");
        } else {
            out.push_str(inner);
        }
        rest = &rest[end..];
        if let Some(stripped) = rest.strip_prefix('`') {
            out.push('`');
            rest = stripped;
        }
    }
    out.push_str(rest);
    out
}

/// A roadmap changed by `count` commits, one item checked or added per commit.
pub fn long_history(count: usize) -> TestRepo {
    let repo = TestRepo::new();
    let mut items: Vec<String> = Vec::new();
    let mut versions = Vec::new();
    for index in 0..count {
        if index % 3 == 2 {
            let k = (index * 7) % items.len();
            items[k] = items[k].replacen("[ ]", "[x]", 1);
        } else {
            items.push(format!(
                "- [ ] Task number {index} about area {}",
                index % 17
            ));
        }
        versions.push(format!("# Roadmap\n\n## Work\n\n{}\n", items.join("\n")));
    }
    repo.import_versions("ROADMAP.md", &versions);
    repo
}

#[test]
fn hovers_during_the_first_build_start_no_other_build() {
    let repo = long_history(400);
    let path = repo.file("ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let cache = Arc::new(HistoryCache::new());
    let first = {
        let (cache, path) = (Arc::clone(&cache), path.clone());
        std::thread::spawn(move || cache.warm(&path))
    };
    let mut others = Vec::new();
    // As a server would: every hover that finds the history loading asks for it to warm.
    // (Bounded: without one build per file, the builds replace each other and never settle.)
    for _ in 0..3000 {
        if cache.is_settled(&path) {
            break;
        }
        let loading = cache.hover(&path, &text, 4, today()) == HoverHistory::Loading;
        if loading && others.len() < 10 {
            let (cache, path) = (Arc::clone(&cache), path.clone());
            others.push(std::thread::spawn(move || cache.warm(&path)));
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(cache.builds_started(), 1);
    first.join().expect("build");
    for other in others {
        other.join().expect("hover warm");
    }
    assert!(matches!(
        cache.hover(&path, &text, 4, today()),
        HoverHistory::Ready { .. }
    ));
}
