//! One item through every kind of event, and the working copy on top.

use crate::support::{events, today, TestRepo};
use tickmark::history::render;

const V1: &str = "# Roadmap\n\n## Security\n\n- [ ] Add rate limiting to the API\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n";
const V2: &str = "# Roadmap\n\n## Security\n\n- [x] Add rate limiting to the API\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n";
const V3: &str = "# Roadmap\n\n## Security\n\n- [x] Add rate limiting to the public API\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n";
const V4: &str = "# Roadmap\n\n## Security\n\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n- [x] Add rate limiting to the public API\n";
const V5: &str = "# Roadmap\n\n## Security\n\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n- [ ] Add rate limiting to the public API\n";
const V6: &str = "# Roadmap\n\n## Security\n\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n- [ ] [P1] Add rate limiting to the public API\n";
const V7: &str = "# Roadmap\n\n## Security\n\n- [ ] Rotate keys\n\n## Performance\n\n- [ ] Cache the search index\n";
const V8: &str = "# Roadmap\n\n## Security\n\n- [ ] Rotate keys\n- [ ] Add rate limiting to the public API\n\n## Performance\n\n- [ ] Cache the search index\n";

pub fn scripted() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit_file("ROADMAP.md", V1, "2025-01-02", "Ada Lovelace", "Plan Q1");
    repo.commit_file(
        "ROADMAP.md",
        V2,
        "2025-01-05",
        "Grace Hopper",
        "Rate limiting shipped",
    );
    repo.commit_file(
        "ROADMAP.md",
        V3,
        "2025-01-10",
        "Ada Lovelace",
        "Say which API",
    );
    repo.commit_file(
        "ROADMAP.md",
        V4,
        "2025-01-12",
        "Linus T",
        "Rate limiting is performance work",
    );
    repo.commit_file(
        "ROADMAP.md",
        V5,
        "2025-01-15",
        "Grace Hopper",
        "Reopen: limits too low",
    );
    repo.commit_file("ROADMAP.md", V6, "2025-01-20", "Ada Lovelace", "Prioritise");
    repo.commit_file(
        "ROADMAP.md",
        V7,
        "2025-02-01",
        "Ada Lovelace",
        "Drop rate limiting",
    );
    repo.commit_file(
        "ROADMAP.md",
        V8,
        "2025-02-10",
        "Grace Hopper",
        "Bring rate limiting back",
    );
    repo
}

#[test]
fn every_event_of_one_item_with_its_date_and_author() {
    let repo = scripted();
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, V8, 6),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Security”",
            "2025-01-05 Grace Hopper: checked",
            "2025-01-10 Ada Lovelace: reworded (was “Add rate limiting to the API”)",
            "2025-01-12 Linus T: moved from “Security” to “Performance”",
            "2025-01-15 Grace Hopper: unchecked",
            "2025-01-20 Ada Lovelace: priority set to P1",
            "2025-02-01 Ada Lovelace: removed",
            "2025-02-10 Grace Hopper: re-added (open) in “Security”",
        ]
    );
    assert_eq!(history.commits.len(), 8);
    assert_eq!(history.commits[0].subject, "Plan Q1");
    assert_eq!(history.last_change(), Some(jiff::civil::date(2025, 2, 10)));
}

#[test]
fn untouched_items_have_one_event() {
    let repo = scripted();
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, V8, 5),
        ["2025-01-02 Ada Lovelace: added (open) in “Security”"]
    );
    assert_eq!(
        events(&history, V8, 10),
        ["2025-01-02 Ada Lovelace: added (open) in “Performance”"]
    );
}

#[test]
fn the_working_copy_is_the_newest_version() {
    let repo = scripted();
    let history = repo.history("ROADMAP.md").expect("history");
    let buffer = V8.replace("- [ ] Add rate limiting", "- [x] Add rate limiting");
    let got = events(&history, &buffer, 6);
    assert_eq!(got.last().map(String::as_str), Some("uncommitted: checked"));
    assert_eq!(got.len(), 9);
    let new_item = format!("{V8}- [ ] Brand new idea\n");
    assert_eq!(
        events(&history, &new_item, 11),
        ["uncommitted: added (open) in “Performance”"]
    );
}

#[test]
fn open_time_sums_the_open_intervals() {
    let repo = scripted();
    let history = repo.history("ROADMAP.md").expect("history");
    let timeline = history.timeline(V8, 5).expect("item");
    let open = render::open_time(&history, &timeline.events, today()).expect("open time");
    // 3 days to the check, 17 from the uncheck to the removal, 19 since it came back.
    assert_eq!((open.days, open.still_open), (39, true));
}

#[test]
fn timeline_text_is_one_line_per_event() {
    let repo = scripted();
    let history = repo.history("ROADMAP.md").expect("history");
    let timeline = history.timeline(V8, 5).expect("item");
    let text = render::timeline_text(&history, &timeline, today());
    let expected_head = "ROADMAP.md:6  Add rate limiting to the public API  (open)\n";
    assert!(text.starts_with(expected_head), "{text}");
    assert!(text.contains("2025-01-05  "), "{text}");
    assert!(
        text.contains("Grace Hopper  checked  — Rate limiting shipped\n"),
        "{text}"
    );
    assert!(text.ends_with("Open 39 days.\n"), "{text}");
}
