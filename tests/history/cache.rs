//! The server's cache: loading, ready, stale after a commit, caught up, rebuilt.

use crate::lifecycle::scripted;
use crate::support::today;
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
