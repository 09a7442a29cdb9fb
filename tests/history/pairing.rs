//! Which item of one version continues which item of the one before: exact re-adds, the best
//! assignment within a hunk, merges, moves, reflowed items.

use tickmark::history::diff::diff_range;
use tickmark::history::render;

use crate::support::{events, today, TestRepo};

fn roadmap_changes(repo: &TestRepo, range: (&str, &str)) -> tickmark::history::diff::FileDiff {
    let mut diff = diff_range(repo.path(), range.0, range.1, &[], &|path| {
        path.ends_with("ROADMAP.md")
    })
    .expect("diff");
    assert_eq!(diff.files.len(), 1);
    diff.files.remove(0)
}

/// A repository where Ada Lovelace committed `first` on 2025-01-02 and Grace Hopper `last` on
/// 2025-01-04, and the history of its roadmap.
fn two_versions(first: &str, last: &str) -> (TestRepo, tickmark::history::FileHistory) {
    let repo = TestRepo::new();
    repo.commit_file("ROADMAP.md", first, "2025-01-02", "Ada Lovelace", "Plan");
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Change");
    let history = repo.history("ROADMAP.md").expect("history");
    (repo, history)
}

/// Asserts that `diff` reads no move in the last commit.
fn assert_no_move(repo: &TestRepo) {
    let diff = roadmap_changes(repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
}

#[test]
fn an_exact_re_add_wins_over_a_similar_removed_item() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] rune type\n- [ ] any type\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] any type\n- [ ] keep\n",
        "2025-01-05",
        "Grace Hopper",
        "Drop rune",
    );
    let last = "# R\n\n- [x] rune type\n- [ ] keep\n";
    repo.commit_file(
        "ROADMAP.md",
        last,
        "2025-01-09",
        "Linus T",
        "Rune is back, any goes",
    );
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-05 Grace Hopper: removed",
            "2025-01-09 Linus T: re-added (done) in “R”",
        ]
    );
}

#[test]
fn items_replaced_in_one_hunk_pair_by_best_total_similarity() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] Fix the login page crash\n- [ ] Fix the logout page crash on Safari\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n- [x] Fix the logout page crash on Safari and Firefox\n- [ ] Fix the login page crash on mobile\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Reword");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-04 Grace Hopper: reworded (was “Fix the logout page crash on Safari”)",
            "2025-01-04 Grace Hopper: checked",
        ]
    );
    assert_eq!(
        events(&history, last, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-04 Grace Hopper: reworded (was “Fix the login page crash”)",
        ]
    );
}

#[test]
fn a_shared_url_does_not_make_two_items_alike() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [x] Document the API https://example.com/docs/api/v2/reference\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n- [ ] Fix crash https://example.com/docs/api/v2/reference\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Next");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        ["2025-01-04 Grace Hopper: added (open) in “R”"]
    );
}

#[test]
fn a_merge_of_main_into_a_branch_keeps_what_main_already_did() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] Write the install guide\n- [ ] Ship the CLI\n- [ ] Add telemetry\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] Write the install guide\n- [ ] Ship the CLI\n- [x] Add telemetry\n",
        "2025-01-03",
        "Grace Hopper",
        "Telemetry done",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] Write the install guide\n- [ ] Publish to crates.io\n- [ ] Ship the CLI\n- [ ] Add telemetry\n",
        "2025-01-04",
        "Linus T",
        "Publish",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] Document how to install the tool\n- [ ] Publish to crates.io\n- [ ] Ship the CLI\n- [ ] Add telemetry\n",
        "2025-01-05",
        "Linus T",
        "Say what the guide is",
    );
    repo.git(&["checkout", "-q", "feature"]);
    repo.git_at(
        "2025-01-06",
        "Grace Hopper",
        &["merge", "-q", "--no-edit", "main"],
    );
    let merged = std::fs::read_to_string(repo.file("ROADMAP.md")).expect("read");
    assert_eq!(
        merged,
        "# R\n\n- [ ] Document how to install the tool\n- [ ] Publish to crates.io\n- [ ] Ship the CLI\n- [x] Add telemetry\n"
    );
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, &merged, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-05 Linus T: reworded (was “Write the install guide”)",
        ]
    );
    assert_eq!(
        events(&history, &merged, 4),
        ["2025-01-04 Linus T: added (open) in “R”"]
    );
    assert_eq!(
        events(&history, &merged, 6),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-03 Grace Hopper: checked",
        ]
    );
}

#[test]
fn what_a_merged_branch_undid_is_not_in_the_history() {
    let repo = TestRepo::new();
    let later = "\n## Later\n\n- [ ] Docs\n";
    let plan = format!("# R\n\n- [ ] Network flows\n- [ ] Graph colouring\n- [ ] Tries\n{later}");
    repo.commit_file("ROADMAP.md", &plan, "2025-01-02", "Ada Lovelace", "Plan");
    // A branch drops an entry and checks another, then puts both back as they were (and
    // adds an item, so that its merge changes the file).
    repo.git(&["checkout", "-q", "-b", "toc"]);
    repo.commit_file(
        "ROADMAP.md",
        &format!("# R\n\n- [ ] Graph colouring\n- [x] Tries\n{later}"),
        "2025-01-03",
        "Grace Hopper",
        "Reorder",
    );
    repo.commit_file(
        "ROADMAP.md",
        &format!(
            "# R\n\n- [ ] Network flows\n- [ ] Graph colouring\n- [ ] Tries\n- [ ] Matching\n{later}"
        ),
        "2025-01-04",
        "Grace Hopper",
        "Fix order, add matching",
    );
    // Another branch, read meanwhile, makes a change that stays.
    repo.git(&["checkout", "-q", "-b", "typo", "main"]);
    repo.commit_file(
        "ROADMAP.md",
        &format!("# R\n\n- [ ] Network flows\n- [ ] Graph coloring\n- [ ] Tries\n{later}"),
        "2025-01-05",
        "Linus T",
        "Spelling",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file(
        "ROADMAP.md",
        &format!("{plan}- [ ] Heaps\n"),
        "2025-01-06",
        "Ada Lovelace",
        "Heaps",
    );
    for (date, branch) in [("2025-01-07", "toc"), ("2025-01-08", "typo")] {
        repo.git_at(
            date,
            "Ada Lovelace",
            &["merge", "-q", "--no-ff", "--no-edit", branch],
        );
    }
    let last = std::fs::read_to_string(repo.file("ROADMAP.md")).expect("read");
    assert_eq!(
        last,
        format!(
            "# R\n\n- [ ] Network flows\n- [ ] Graph coloring\n- [ ] Tries\n- [ ] Matching\n{later}- [ ] Heaps\n"
        )
    );
    let history = repo.history("ROADMAP.md").expect("history");
    for line in [3, 5] {
        assert_eq!(
            events(&history, &last, line),
            ["2025-01-02 Ada Lovelace: added (open) in “R”"]
        );
    }
    assert_eq!(
        events(&history, &last, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-05 Linus T: reworded (was “Graph colouring”)",
        ]
    );
    assert_eq!(
        events(&history, &last, 6),
        ["2025-01-04 Grace Hopper: added (open) in “R”"]
    );
}

#[test]
fn a_renamed_heading_is_no_move_in_history_or_diff() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n## Later\n\n- [ ] a thing\n- [ ] b thing\n\n## Now\n\n- [ ] c thing\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n## Someday\n\n- [ ] a thing\n- [ ] b thing\n\n## Now\n\n- [ ] c thing\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Rename");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 5),
        ["2025-01-02 Ada Lovelace: added (open) in “Later”"]
    );
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
    assert!(diff.is_empty(), "{diff:?}");
}

#[test]
fn an_item_under_a_newly_inserted_heading_moved_in_history_and_diff() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n## Now\n\n- [ ] a thing\n- [ ] b thing\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n## Now\n\n- [ ] a thing\n\n## Next\n\n- [ ] b thing\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Split");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 9),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Now”",
            "2025-01-04 Grace Hopper: moved from “Now” to “Next”",
        ]
    );
    assert_eq!(
        events(&history, last, 5),
        ["2025-01-02 Ada Lovelace: added (open) in “Now”"]
    );
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    let moved: Vec<(Option<&str>, &str)> = diff
        .moved
        .iter()
        .map(|(from, item)| (from.as_deref(), &*item.text))
        .collect();
    assert_eq!(moved, [(Some("Now"), "b thing")]);
}

#[test]
fn a_reflowed_item_is_not_reworded() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] Make the parser accept very long items that\n  wrap over two lines\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last =
        "# R\n\n- [ ] Make the parser accept very long items\n  that wrap over two lines\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Reflow");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        ["2025-01-02 Ada Lovelace: added (open) in “R”"]
    );
    let timeline = history.timeline(last, 2).expect("item");
    assert_eq!(
        timeline.text,
        "Make the parser accept very long items that wrap over two lines"
    );
}

#[test]
fn a_plain_item_has_no_time_to_done() {
    let repo = TestRepo::new();
    let text = "# R\n\n- A plain note\n- [x] Done from the start\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", text, "2025-01-02", "Ada Lovelace", "Plan");
    let history = repo.history("ROADMAP.md").expect("history");
    for line in [3, 4] {
        let timeline = history.timeline(text, line - 1).expect("item");
        let hover = render::hover_markdown(&history, &timeline, today());
        assert!(!hover.contains("took"), "{hover}");
        assert!(render::open_time(&history, &timeline.events, today()).is_none());
    }
}

/// A task made a plain item (or cancelled) while open was never done: no "took N days".
#[test]
fn a_task_made_plain_or_cancelled_took_no_time_to_done() {
    let repo = TestRepo::new();
    let first = "# R\n\n- [ ] Becomes a note\n- [ ] Dropped\n- [ ] Finished\n";
    repo.commit_file("ROADMAP.md", first, "2025-01-02", "Ada Lovelace", "Plan");
    let last = "# R\n\n- Becomes a note\n- [~] Dropped\n- [x] Finished\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-12", "Grace Hopper", "Tidy");
    let history = repo.history("ROADMAP.md").expect("history");
    for line in [3, 4] {
        let timeline = history.timeline(last, line - 1).expect("item");
        assert!(timeline.events.len() >= 2, "{:?}", timeline.events);
        let hover = render::hover_markdown(&history, &timeline, today());
        assert!(!hover.to_lowercase().contains("took"), "{hover}");
    }
    let finished = history.timeline(last, 4).expect("item");
    let open = render::open_time(&history, &finished.events, today()).expect("done");
    assert_eq!((open.days, open.still_open), (10, false));
}

#[test]
fn a_bare_url_given_a_title_is_the_same_item() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [x] https://example.com/talks/42\n- [ ] https://example.com/talks/43\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n- [x] [A talk on tries (video)](https://example.com/talks/42)\n- [ ] [Another talk](https://example.com/talks/43)\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Titles");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        [
            "2025-01-02 Ada Lovelace: added (done) in “R”",
            "2025-01-04 Grace Hopper: reworded (was “https://example.com/talks/42”)",
        ]
    );
    assert_eq!(
        events(&history, last, 4)[0],
        "2025-01-02 Ada Lovelace: added (open) in “R”"
    );
}

#[test]
fn a_field_that_becomes_a_task_keeps_the_day_its_line_appeared() {
    let repo = TestRepo::new();
    let first = "# R\n\n- UC Berkeley Big O: https://example.com/v/1\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", first, "2025-01-02", "Ada Lovelace", "Plan");
    let last = "# R\n\n- [x] UC Berkeley Big O: https://example.com/v/1\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-06", "Grace Hopper", "Watched");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “R”",
            "2025-01-06 Grace Hopper: checked",
        ]
    );
    // A field is no item: it has no timeline, and a diff does not list it.
    assert!(history.timeline(first, 2).is_none());
    assert_eq!(history.timelines(first).len(), 1);
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(
        diff.added.is_empty() && diff.removed_done.is_empty(),
        "{diff:?}"
    );
    assert_eq!(diff.checked.len(), 1, "{diff:?}");
}

#[test]
fn items_of_different_hunks_pair_only_when_their_words_are_alike() {
    let repo = TestRepo::new();
    let filler = "- [ ] one\n- [ ] two\n- [ ] three\n- [ ] four\n";
    repo.commit_file(
        "ROADMAP.md",
        &format!(
            "# R\n\n## Sorting\n\n- [x] Illustrating MergeSort: https://example.com/a/1\n- [ ] Support dark mode on the settings page\n{filler}\n## Graphs\n\n{filler}"
        ),
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = format!(
        "# R\n\n## Sorting\n\n{filler}\n## Graphs\n\n{filler}- [ ] Illustrating the DP algorithm: https://example.com/b/2\n- [ ] Support a dark mode on the settings page of the app\n"
    );
    repo.commit_file("ROADMAP.md", &last, "2025-01-04", "Grace Hopper", "More");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, &last, 16),
        ["2025-01-04 Grace Hopper: added (open) in “Graphs”"]
    );
    assert_eq!(
        events(&history, &last, 17),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Sorting”",
            "2025-01-04 Grace Hopper: reworded (was “Support dark mode on the settings page”)",
            "2025-01-04 Grace Hopper: moved from “Sorting” to “Graphs”",
        ]
    );
}

#[test]
fn a_list_line_that_becomes_a_heading_moves_nothing() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n## Trees\n\n- [ ] Binary trees\n- [x] **Tries**\n    - [x] Core tries video\n    - [ ] Using tries\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let heading = "# R\n\n## Trees\n\n- [ ] Binary trees\n- ### [x] Tries\n    - [x] Core tries video\n    - [ ] Using tries\n";
    repo.commit_file(
        "ROADMAP.md",
        heading,
        "2025-01-04",
        "Grace Hopper",
        "Headings",
    );
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
    // And back: the heading written as a task again (`- [x] ### Tries`) moves nothing either.
    let last = "# R\n\n## Trees\n\n- [ ] Binary trees\n- [x] ### Tries\n    - [x] Core tries video\n    - [ ] Using tries\n";
    repo.commit_file(
        "ROADMAP.md",
        last,
        "2025-01-06",
        "Grace Hopper",
        "Tasks again",
    );
    let history = repo.history("ROADMAP.md").expect("history");
    for line in [7, 8] {
        let events = events(&history, last, line);
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(
            events[0].starts_with("2025-01-02 Ada Lovelace: added"),
            "{events:?}"
        );
    }
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
}

#[test]
fn a_block_under_a_list_heading_moved_to_another_section_in_history_and_diff() {
    let block =
        "- ### Dynamic Programming\n    - [ ] Edit distance video\n    - [ ] Knapsack notes\n";
    let last = format!("# R\n\n## Required\n\n- ### Recursion\n    - [ ] Tail calls\n\n## Optional\n\n{block}- ### Compilers\n    - [ ] Parsing video\n");
    let (repo, history) = two_versions(
        &format!("# R\n\n## Required\n\n- ### Recursion\n    - [ ] Tail calls\n{block}\n## Optional\n\n- ### Compilers\n    - [ ] Parsing video\n"),
        &last,
    );
    assert_eq!(
        events(&history, &last, 11),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Dynamic Programming”",
            "2025-01-04 Grace Hopper: moved from “Required” to “Optional”",
        ]
    );
    // The block that stayed did not move.
    assert_eq!(
        events(&history, &last, 6),
        ["2025-01-02 Ada Lovelace: added (open) in “Recursion”"]
    );
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    let moved: Vec<(Option<&str>, &str)> = diff
        .moved
        .iter()
        .map(|(from, item)| (from.as_deref(), &*item.text))
        .collect();
    assert_eq!(
        moved,
        [
            (Some("Required"), "### Dynamic Programming"),
            (Some("Required"), "Edit distance video"),
            (Some("Required"), "Knapsack notes")
        ]
    );
}

#[test]
fn a_block_under_a_list_heading_kept_through_a_renamed_section_did_not_move() {
    let block =
        "- ### Dynamic Programming\n    - [ ] Edit distance video\n    - [ ] Knapsack notes\n";
    let last = format!("# R\n\n## Additional Detail\n\n{block}");
    let (repo, history) = two_versions(&format!("# R\n\n## Additional Learning\n\n{block}"), &last);
    assert_eq!(
        events(&history, &last, 6),
        ["2025-01-02 Ada Lovelace: added (open) in “Dynamic Programming”"]
    );
    assert!(roadmap_changes(&repo, ("HEAD~1", "HEAD")).is_empty());
}

#[test]
fn a_reworded_list_line_that_becomes_a_heading_in_place_moves_nothing() {
    let last =
        "# R\n\n## More\n\n- ### Unix command line tools\n    - [ ] bash\n    - [ ] tcpdump\n";
    let (repo, history) = two_versions(
        "# R\n\n## More\n\n- [ ] **Be able to use unix command line tools:**\n    - [ ] bash\n    - [ ] tcpdump\n",
        last,
    );
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-02 Ada Lovelace: added (open) in “More”"]
    );
    assert_no_move(&repo);
}

#[test]
fn a_list_line_made_a_heading_under_another_section_moved_its_items() {
    let last = "# R\n\n## Prerequisites\n\n## Additional\n\n- ### Floating Point Numbers\n    - [ ] 8-bit video\n- ### Unicode\n    - [ ] Unicode video\n";
    let (_repo, history) = two_versions("# R\n\n## Prerequisites\n\n- [ ] **How floating point numbers are stored:**\n    - [ ] 8-bit video\n\n## Additional\n\n- ### Unicode\n    - [ ] Unicode video\n", last);
    assert_eq!(
        events(&history, last, 8),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Prerequisites”",
            "2025-01-04 Grace Hopper: moved from “Prerequisites” to “Floating Point Numbers”",
        ]
    );
}

#[test]
fn a_heading_put_in_a_list_groups_its_items_without_moving_them() {
    let last = "# R\n\n## Data Structures\n\n- ### Arrays\n    - [ ] Implement an automatically resizing vector\n    - [x] Arrays video\n    - [ ] push(item)\n";
    let (repo, history) = two_versions("# R\n\n## Data Structures\n\n- [x] **Arrays: (Implement an automatically resizing vector)**\n    - [x] Arrays video\n    - [ ] push(item)\n", last);
    assert_eq!(
        events(&history, last, 8),
        ["2025-01-02 Ada Lovelace: added (open) in “Data Structures”"]
    );
    assert_no_move(&repo);
    // Taken out again, the heading moves nothing either.
    let flat = "# R\n\n## Data Structures\n\n- [ ] Implement an automatically resizing vector\n- [x] Arrays video\n- [ ] push(item)\n";
    repo.commit_file("ROADMAP.md", flat, "2025-01-06", "Grace Hopper", "Flat");
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
}

#[test]
fn an_item_after_a_list_heading_block_is_in_the_section_that_holds_it() {
    let last = "# R\n\n## More\n\n- ### Endianness\n    - [x] Endian notes\n    - [ ] Endian video\n\n- ### Binary search\n    - [x] Binary search video\n    - [ ] Binary search notes\n";
    let (repo, history) = two_versions("# R\n\n## More\n\n- ### Endianness [x]\n    - [x] Endian notes\n    - [ ] Endian video\n\n- [x] **Binary search:**\n    - [x] Binary search video\n    - [ ] Binary search notes\n", last);
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-02 Ada Lovelace: added (done) in “Endianness [x]”"]
    );
    assert_eq!(
        events(&history, last, 11),
        ["2025-01-02 Ada Lovelace: added (open) in “More”"]
    );
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
}

#[test]
fn a_heading_written_into_a_list_moves_nothing_after_it() {
    let last = "# R\n\n## More\n\n- ### Endianness\n    - [x] Endian notes\n- [ ] Binary search\n";
    let (repo, history) = two_versions(
        "# R\n\n## More\n\n### Endianness\n\n- [x] Endian notes\n- [ ] Binary search\n",
        last,
    );
    assert_eq!(
        events(&history, last, 7),
        ["2025-01-02 Ada Lovelace: added (open) in “Endianness”"]
    );
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.moved.is_empty(), "{:?}", diff.moved);
}

#[test]
fn a_field_written_as_a_link_keeps_the_day_its_line_appeared() {
    let last = "# R\n\n## S\n\n- [x] OCP\n    - [more flavor](https://docs.example.com/v?id=AAA)\n- [x] LSP\n    - [more flavor](https://docs.example.com/v?id=BBB)\n";
    let (repo, history) = two_versions("# R\n\n## S\n\n- [x] OCP\n    - more flavor: https://docs.example.com/v?id=AAA\n- [x] LSP\n    - more flavor: https://docs.example.com/v?id=BBB\n", last);
    for (line, id) in [(6, "AAA"), (8, "BBB")] {
        assert_eq!(
            events(&history, last, line),
            [
                "2025-01-02 Ada Lovelace: added (plain item) in “S”".to_owned(),
                format!(
                    "2025-01-04 Grace Hopper: reworded (was “more flavor: https://docs.example.com/v?id={id}”)"
                ),
            ]
        );
    }
    let diff = roadmap_changes(&repo, ("HEAD~1", "HEAD"));
    assert!(diff.added.is_empty(), "{:?}", diff.added);
}

#[test]
fn a_weak_pair_in_place_yields_to_an_alike_item_in_another_hunk() {
    let repo = TestRepo::new();
    let filler = "- [x] one\n- [x] two\n- [x] three\n- [x] four\n";
    repo.commit_file(
        "ROADMAP.md",
        &format!(
            "# R\n\n- [x] Customizable colors\n{filler}- [ ] Use that Python app to pick the colors from the background image\n"
        ),
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = format!(
        "# R\n\n- [x] Customizable colors\n- [x] Automatically pick the colors from the background image\n{filler}- [ ] Update README.md with infos on how to install and how to use the app\n"
    );
    repo.commit_file("ROADMAP.md", &last, "2025-01-04", "Grace Hopper", "Colors");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, &last, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-04 Grace Hopper: reworded (was “Use that Python app to pick the colors from the background image”)",
            "2025-01-04 Grace Hopper: checked",
        ]
    );
    assert_eq!(
        events(&history, &last, 9),
        ["2025-01-04 Grace Hopper: added (open) in “R”"]
    );
}

#[test]
fn an_item_split_in_three_continues_as_the_one_its_text_starts() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] gc option\n- [ ] parallel parser (and maybe checker/gen?)\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n- [ ] gc option\n- [ ] parallel parser\n- [ ] parallel checker\n- [ ] parallel cgen\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Split");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-04 Grace Hopper: reworded (was “parallel parser (and maybe checker/gen?)”)",
        ]
    );
    for line in [5, 6] {
        assert_eq!(
            events(&history, last, line),
            ["2025-01-04 Grace Hopper: added (open) in “R”"]
        );
    }
}

#[test]
fn items_with_no_word_in_common_pair_only_in_place() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] keep\n- [ ] AJAX for everything?\n\n## Learn\n\n- [ ] xdebug\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n- [ ] keep\n- [ ] AJAX for everything?\n\n## Go\n\n- [x] hello world\n- [ ] gin\n- [ ] debugger\n- [ ] sqlite\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Go");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 10),
        ["2025-01-04 Grace Hopper: added (open) in “Go”"]
    );
}

#[test]
fn a_re_add_of_two_equal_removed_items_continues_the_older() {
    let repo = TestRepo::new();
    let dup = "- [ ] Data structures\n";
    repo.commit_file(
        "ROADMAP.md",
        &format!("# R\n\n{dup}- [ ] keep\n"),
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "ROADMAP.md",
        &format!("# R\n\n{dup}- [ ] keep\n{dup}"),
        "2025-01-03",
        "Grace Hopper",
        "Twice",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [ ] keep\n",
        "2025-01-04",
        "Linus T",
        "Drop",
    );
    let last = format!("# R\n\n{dup}- [ ] keep\n");
    repo.commit_file("ROADMAP.md", &last, "2025-01-05", "Ken T", "Back");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, &last, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “R”",
            "2025-01-04 Linus T: removed",
            "2025-01-05 Ken T: re-added (open) in “R”",
        ]
    );
}

#[test]
fn a_bare_url_given_a_title_beside_new_items_is_the_same_item() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# R\n\n- [x] keep\n- [x] https://example.com/bithacks.html\n- [x] keep too\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# R\n\n- [x] keep\n- [x] [Bithacks](https://example.com/bithacks.html)\n- [ ] [The Bit Twiddler](https://example.com/twiddler)\n- [ ] Bit tricks in C\n- [x] keep too\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Titles");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 4),
        [
            "2025-01-02 Ada Lovelace: added (done) in “R”",
            "2025-01-04 Grace Hopper: reworded (was “https://example.com/bithacks.html”)",
        ]
    );
}

#[test]
fn a_new_lecture_in_a_rewritten_list_of_lectures_is_a_new_item() {
    let repo = TestRepo::new();
    let lecture = |year: &str, title: &str| {
        format!("- [ ] [CSE373 {year} - {title} (video)](https://example.com/{year})\n")
    };
    let before: String = [
        "Lecture 11 - Graph Data Structures",
        "Lecture 12 - Breadth-First Search",
        "Lecture 13 - Graph Algorithms",
        "Lecture 14 - Graph Algorithms (con't)",
        "Lecture 15 - Graph Algorithms (con't 2)",
        "Lecture 16 - Graph Algorithms (con't 3)",
    ]
    .iter()
    .map(|title| lecture("2012", title))
    .collect();
    repo.commit_file(
        "ROADMAP.md",
        &format!("# Graphs\n\n- [ ] keep\n{before}"),
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let after: String = [
        "Lecture 11 - Graph Data Structures",
        "Lecture 12 - Graph Traversal",
        "Lecture 12 - Depth First Search",
        "Lecture 13 - Minimum Spanning Trees",
        "Lecture 14 - Minimum Spanning Trees (con't)",
        "Lecture 15 - Graph Algorithms (con't 2)",
    ]
    .iter()
    .map(|title| lecture("2020", title))
    .collect();
    let last = format!("# Graphs\n\n- [ ] keep\n{after}");
    repo.commit_file(
        "ROADMAP.md",
        &last,
        "2025-01-04",
        "Grace Hopper",
        "New videos",
    );
    let history = repo.history("ROADMAP.md").expect("history");
    // "Graph Traversal" shares as many words with four of the old lectures: it replaced one.
    assert_eq!(
        events(&history, &last, 5),
        ["2025-01-04 Grace Hopper: added (open) in “Graphs”"]
    );
    // The lectures that stayed continue.
    for line in [4, 9] {
        let events = events(&history, &last, line);
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            events[1].starts_with("2025-01-04 Grace Hopper: reworded"),
            "{events:?}"
        );
    }
}

#[test]
fn a_new_item_as_like_two_old_ones_continues_neither() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Roadmap\n\n## Phase 3: Meta-Game\n\
         - [x] **Housing System:** Drag-and-drop furniture arrangement (\"Decoration Mode\").\n\
         - [ ] **Housing System II:** Wallpapers, flooring, and room expansions.\n\
         - [ ] **Social Features:** Asynchronous pet visits via QR codes.\n\
         - [ ] **Localization:** Support for Spanish, French, and Japanese.\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# Roadmap\n\n## Phase 1: Core Foundation\n\
                - [x] Basic Pet Stats (Hunger, Energy, Happiness)\n\
                - [x] Housing System (Decoration, Room Unlocking)\n\
                - [x] Career System (Minigames, Progression)\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Rewrite");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 5),
        ["2025-01-04 Grace Hopper: added (done) in “Phase 1: Core Foundation”"]
    );
}

#[test]
fn items_alike_in_words_are_told_apart_by_their_links() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Sorting\n\n- [x] keep\n\
         - [x] Radix Sort: http://www.cs.yale.edu/notes.html#radixSort\n\
         - [x] Radix Sort: https://www.youtube.com/watch?v=xhr26ia4k38\n\
         - [x] Counting Sort: https://www.youtube.com/watch?v=Nz1KZXbghj8\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# Sorting\n\n- [x] keep\n\
                - [x] [Radix Sort (video)](https://www.youtube.com/watch?v=xhr26ia4k38)\n\
                - [x] [Radix Sort](http://www.cs.yale.edu/notes.html#radixSort)\n\
                - [x] [Counting Sort (video)](https://www.youtube.com/watch?v=Nz1KZXbghj8)\n\
                - [ ] [Bucket Sort](https://example.com/bucket)\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Links");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 4),
        [
            "2025-01-02 Ada Lovelace: added (done) in “Sorting”",
            "2025-01-04 Grace Hopper: reworded (was “Radix Sort: https://www.youtube.com/watch?v=xhr26ia4k38”)",
        ]
    );
    assert_eq!(
        events(&history, last, 5),
        [
            "2025-01-02 Ada Lovelace: added (done) in “Sorting”",
            "2025-01-04 Grace Hopper: reworded (was “Radix Sort: http://www.cs.yale.edu/notes.html#radixSort”)",
        ]
    );
}

#[test]
fn a_table_of_contents_entry_of_the_same_words_is_not_the_item_it_links_to() {
    // The task becomes a heading; the contents link to it in the same words.
    let last = "# Plan\n\n## Table of Contents\n\n- [Prerequisites](#prerequisites)\n- [How computers process a program](#how-computers-process-a-program)\n\n## Prerequisites\n\n- ### How computers process a program\n    - [ ] CPU video\n";
    let (_repo, history) = two_versions(
        "# Plan\n\n## Table of Contents\n\n- [Prerequisites](#prerequisites)\n\n## Prerequisites\n\n- [x] **How computers process a program:**\n    - [ ] CPU video\n",
        last,
    );
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-04 Grace Hopper: added (plain item) in “Table of Contents”"]
    );
}

#[test]
fn a_table_of_contents_entry_never_continues_an_item_that_became_its_heading() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n## Table of Contents\n\n- [Prerequisites](#prerequisites)\n\n## Prerequisites\n\n- [x] **How floating point numbers are stored:**\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    // The item becomes a heading of its own; the contents list a link to it.
    let last = "# Plan\n\n## Table of Contents\n\n- [Prerequisites](#prerequisites)\n- [Floating Point Numbers](#floating-point-numbers)\n\n## Prerequisites\n\n- [ ] keep\n\n### Floating Point Numbers\n\n- [ ] [Floating point video](https://example.com/fp)\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Headings");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-04 Grace Hopper: added (plain item) in “Table of Contents”"]
    );
    // Entries still continue entries.
    let renamed = last.replace(
        "[Prerequisites](#prerequisites)",
        "[Prerequisite knowledge](#prerequisite-knowledge)",
    );
    repo.commit_file(
        "ROADMAP.md",
        &renamed,
        "2025-01-06",
        "Ada Lovelace",
        "Rename",
    );
    let history = repo.history("ROADMAP.md").expect("history");
    let events = events(&history, &renamed, 5);
    assert_eq!(
        events[0], "2025-01-02 Ada Lovelace: added (plain item) in “Table of Contents”",
        "{events:?}"
    );
}

#[test]
fn a_contents_line_of_the_same_words_does_not_take_a_moved_task() {
    // The task moves to a later section; a contents line of the same words is written
    // above, in another hunk.
    let first = "# Plan\n\n## Contents\n\n- [Trees](#trees)\n\n## Trees\n\n- [ ] **AVL trees**\n    - [ ] AVL video\n- [ ] Binary trees\n\n## Graphs\n\n- [ ] BFS\n\n## Extra\n\n- [ ] Tries\n";
    let last = "# Plan\n\n## Contents\n\n- [Trees](#trees)\n    - AVL trees\n\n## Trees\n\n- [ ] Binary trees\n\n## Graphs\n\n- [ ] BFS\n\n## Extra\n\n- [ ] Tries\n- [ ] **AVL trees**\n    - [ ] AVL video\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-04 Grace Hopper: added (plain item) in “Contents”"]
    );
    assert_eq!(
        events(&history, last, 19),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Trees”",
            "2025-01-04 Grace Hopper: moved from “Trees” to “Extra”"
        ]
    );
}

#[test]
fn a_link_moved_to_a_line_of_its_own_stays_with_the_words() {
    // The URL goes to a child line of its own; the words keep the item.
    let first = "# Plan\n\n- [ ] **Compression**\n    - [x] Compressor Head videos: https://example.com/compressor\n    - [ ] GZIP is not enough: https://example.com/gzip\n";
    let last = "# Plan\n\n- [ ] **Compression**\n    - [x] Compressor Head videos:\n        - https://example.com/compressor\n    - [ ] GZIP is not enough: https://example.com/gzip\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 4),
        [
            "2025-01-02 Ada Lovelace: added (done) in “Plan”",
            "2025-01-04 Grace Hopper: reworded (was “Compressor Head videos: https://example.com/compressor”)"
        ]
    );
    assert_eq!(
        events(&history, last, 5),
        ["2025-01-04 Grace Hopper: added (plain item) in “Plan”"]
    );
}

#[test]
fn a_bare_link_task_joined_with_its_note_is_that_task() {
    let first = "# Plan\n\n- [x] https://example.com/system-design\n    - There are a lot of resources in this one.\n- [ ] Scalability\n";
    let last = "# Plan\n\n- [x] https://example.com/system-design - There are a lot of resources in this one.\n- [ ] Scalability\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 3),
        [
            "2025-01-02 Ada Lovelace: added (done) in “Plan”",
            "2025-01-04 Grace Hopper: reworded (was “https://example.com/system-design”)"
        ]
    );
}

#[test]
fn two_links_elsewhere_of_a_few_common_words_are_two_items() {
    // One book goes from one section; a course of a shared word comes in another.
    let first = "# Plan\n\n## Videos\n\n- [ ] [Data Structures](https://example.com/ds)\n- [ ] [Graphs](https://example.com/graphs)\n\n## Books\n\n- [ ] [Clean Code](https://example.com/clean)\n- [ ] [Grokking Algorithms](https://books.example.com/grokking)\n- [ ] [Programming Pearls](https://example.com/pearls)\n";
    let last = "# Plan\n\n## Videos\n\n- [ ] [Data Structures](https://example.com/ds)\n- [ ] [Algorithms I](https://videos.example.com/algs-1)\n- [ ] [Graphs](https://example.com/graphs)\n\n## Books\n\n- [ ] [Clean Code](https://example.com/clean)\n- [ ] [Programming Pearls](https://example.com/pearls)\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-04 Grace Hopper: added (open) in “Videos”"]
    );
    // Reworded and moved under the same link, it is the same item.
    let relinked = last.replace(
        "[Algorithms I](https://videos.example.com/algs-1)",
        "[Grokking Algorithms, 2nd edition](https://books.example.com/grokking)",
    );
    let (_repo, history) = two_versions(first, &relinked);
    assert_eq!(
        events(&history, &relinked, 6),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Books”",
            "2025-01-04 Grace Hopper: reworded (was “[Grokking Algorithms](https://books.example.com/grokking)”)",
            "2025-01-04 Grace Hopper: moved from “Books” to “Videos”"
        ]
    );
}

#[test]
fn a_contents_entry_keeps_its_history_through_remarks_on_its_link() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n## Contents\n\n- [Trees](#trees)\n- [Extras](#extras)\n    - [Networking](#networking)\n    - [Compilers](#compilers)\n",
        "2025-01-02",
        "Ada Lovelace",
        "Contents",
    );
    // A remark on the entry: one word of the label is no text to pair by.
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n## Contents\n\n- [Trees](#trees)\n- [Extras](#extras)\n    - [Networking](#networking) (if you have networking experience, expect questions)\n    - [Compilers](#compilers)\n",
        "2025-01-04",
        "Grace Hopper",
        "Remark",
    );
    // The entry goes up a level, elsewhere in the list, without its remark.
    let last = "# Plan\n\n## Contents\n\n- [Trees](#trees)\n- [Networking](#networking)\n- [Extras](#extras)\n    - [Compilers](#compilers)\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-06", "Linus T", "Promote");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 6),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “Contents”",
            "2025-01-04 Grace Hopper: reworded (was “[Networking](#networking)”)",
            "2025-01-06 Linus T: reworded (was “[Networking](#networking) (if you have networking experience, expect questions)”)"
        ]
    );
}

#[test]
fn a_change_of_punctuation_is_a_rewording_and_a_label_made_bold_is_not() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] Network Flows:\n- [ ] Look through the articles. I put some below.\n- [ ] [Heap](https://en.wikipedia.org/wiki/Heap_(data_structure))\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    let last = "# Plan\n\n- [ ] **Network Flows**\n- [ ] Look through the articles. I put some below\n- [ ] [Heap](<https://en.wikipedia.org/wiki/Heap_(data_structure)>)\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-04", "Grace Hopper", "Tidy");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        ["2025-01-02 Ada Lovelace: added (open) in “Plan”"]
    );
    assert_eq!(
        events(&history, last, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Plan”",
            "2025-01-04 Grace Hopper: reworded (was “Look through the articles. I put some below.”)"
        ]
    );
    assert_eq!(
        events(&history, last, 5),
        ["2025-01-02 Ada Lovelace: added (open) in “Plan”"]
    );
}

#[test]
fn a_change_of_capitals_is_a_rewording_and_markup_is_not() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] chapters 7, 8, 9 can be painful\n- [ ] keep\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n- [ ] Chapters 7, 8, 9 can be painful\n- [ ] keep\n",
        "2025-01-04",
        "Grace Hopper",
        "Capitals",
    );
    let last = "# Plan\n\n- [ ] **Chapters 7, 8, 9** can be  painful\n- [ ] keep\n";
    repo.commit_file("ROADMAP.md", last, "2025-01-06", "Linus T", "Bold");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 3),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Plan”",
            "2025-01-04 Grace Hopper: reworded (was “chapters 7, 8, 9 can be painful”)"
        ]
    );
}

#[test]
fn equal_lines_of_two_sections_each_stay_in_their_section() {
    // The same sub-line under two books; both blocks are rewritten, one line keeps its
    // words and the other is reworded.
    let first = "# Books\n\n## Java\n\n- [ ] [Algorithms in Java](https://example.com/java)\n    - by Goodrich, Tamassia, Goldwasser\n    - optional text\n\n## Python\n\n- [ ] [Algorithms in Python](https://example.com/python)\n    - by Goodrich, Tamassia, Goldwasser\n    - I loved this book\n";
    let last = "# Books\n\n## Java\n\n- Goodrich, Tamassia, Goldwasser\n    - [Algorithms in Java](https://example.com/java)\n\n## Python\n\n- [Algorithms in Python](https://example.com/python)\n    - I loved this book\n    - by Goodrich, Tamassia, Goldwasser\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 12),
        ["2025-01-02 Ada Lovelace: added (plain item) in “Python”"]
    );
    assert_eq!(
        events(&history, last, 5),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “Java”",
            "2025-01-04 Grace Hopper: reworded (was “by Goodrich, Tamassia, Goldwasser”)"
        ]
    );
}

#[test]
fn a_removed_task_comes_back_as_the_task_of_its_words() {
    let repo = TestRepo::new();
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n## Videos\n\n- [ ] Scalability:\n- [ ] Caching\n\n## More\n\n- [ ] Sharding\n",
        "2025-01-02",
        "Ada Lovelace",
        "Plan",
    );
    repo.commit_file(
        "ROADMAP.md",
        "# Plan\n\n## Videos\n\n- [ ] Caching\n\n## More\n\n- [ ] Sharding\n",
        "2025-01-04",
        "Grace Hopper",
        "Drop",
    );
    // A note of the same word is written above the task that comes back: in the working
    // copy first, then committed.
    let last = "# Plan\n\n## Videos\n\n- [ ] Caching\n\n## More\n\n- [ ] Sharding\n- Considerations:\n    - scalability\n- [x] Scalability:\n";
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 11),
        ["uncommitted: added (plain item) in “More”"]
    );
    assert_eq!(
        events(&history, last, 12).last().map(String::as_str),
        Some("uncommitted: re-added (done) in “More”")
    );
    repo.commit_file("ROADMAP.md", last, "2025-01-06", "Linus T", "Back");
    let history = repo.history("ROADMAP.md").expect("history");
    assert_eq!(
        events(&history, last, 11),
        ["2025-01-06 Linus T: added (plain item) in “More”"]
    );
    assert_eq!(
        events(&history, last, 12),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Videos”",
            "2025-01-04 Grace Hopper: removed",
            "2025-01-06 Linus T: re-added (done) in “More”"
        ]
    );
}

#[test]
fn a_list_heading_reworded_over_a_link_of_its_old_words_stays_the_heading() {
    let first = "# Plan\n\n## Extra\n\n- ### Linear Programming\n    - [x] https://example.com/lp\n    - [x] Finding minimum cost: https://example.com/min\n";
    let last = "# Plan\n\n## Extra\n\n- ### Linear Programming (videos)\n    - [x] [Linear Programming](https://example.com/lp)\n    - [x] [Finding minimum cost](https://example.com/min)\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 5),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “Extra”",
            "2025-01-04 Grace Hopper: reworded (was “### Linear Programming”)"
        ]
    );
    assert_eq!(
        events(&history, last, 6),
        [
            "2025-01-02 Ada Lovelace: added (done) in “Linear Programming”",
            "2025-01-04 Grace Hopper: reworded (was “https://example.com/lp”)"
        ]
    );
}

#[test]
fn a_note_rewritten_where_a_book_left_continues_the_note() {
    // The resume section moves up to where a book left; its note is reworded there and
    // shares a few words with the book.
    let first = "# Plan\n\n## Books\n\n- [ ] [Clean Code](https://example.com/clean)\n- [ ] [Programming Interviews Exposed: Coding Your Way Through the Interview](https://example.com/pie)\n\n## Practice\n\n- [ ] LeetCode\n- [ ] Mock interviews\n\n## Your Resume\n\n- See Resume prep items in Cracking The Coding Interview and back of Programming Interviews Exposed\n- Keep it to one page\n";
    let last = "# Plan\n\n## Books\n\n- [ ] [Clean Code](https://example.com/clean)\n\n## Update Your Resume\n\n- See Resume prep information in the books: Cracking The Coding Interview and Programming Interviews Exposed\n- [What a good resume looks like](https://example.com/resume)\n- Have a story about what you did\n- Keep it to one page\n\n## Practice\n\n- [ ] LeetCode\n- [ ] Mock interviews\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 9),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “Your Resume”",
            "2025-01-04 Grace Hopper: reworded (was “See Resume prep items in Cracking The Coding Interview and back of Programming Interviews Exposed”)"
        ]
    );
}

#[test]
fn a_kept_line_the_diff_aligns_with_its_twin_of_another_section_stays_in_its_own() {
    // The Python block goes above the Java one; its sub-line is kept, the Java one's is
    // reworded. The line diff aligns the kept line with the Java twin.
    let first = "# Books\n\n## Java\n\n- [ ] [Algorithms in Java](https://example.com/java)\n    - by Goodrich, Tamassia, Goldwasser\n    - optional text\n\n## Python\n\n- [ ] [Algorithms in Python](https://example.com/python)\n    - by Goodrich, Tamassia, Goldwasser\n    - I loved this book\n";
    let last = "# Books\n\n## Python\n\n- [Algorithms in Python](https://example.com/python)\n    - by Goodrich, Tamassia, Goldwasser\n\n## Java\n\n- Goodrich, Tamassia, Goldwasser\n    - [Algorithms in Java](https://example.com/java)\n    - optional text\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 6),
        ["2025-01-02 Ada Lovelace: added (plain item) in “Python”"]
    );
    assert_eq!(
        events(&history, last, 10),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “Java”",
            "2025-01-04 Grace Hopper: reworded (was “by Goodrich, Tamassia, Goldwasser”)"
        ]
    );
}

#[test]
fn a_book_relisted_under_its_authors_keeps_its_link_not_their_names() {
    // The book leaves one section; its authors become a label over the book's link in
    // another, and a line of the same names, over other books, comes in a third.
    let first = "# Plan\n\n## Java\n\n- [ ] [Clean Java](https://example.com/clean-java)\n\n## C++\n\n- [ ] [Effective C++](https://example.com/effective)\n\n## More\n\n- [ ] [Algorithms (Sedgewick and Wayne)](https://example.com/algs4)\n- [ ] [Programming Pearls](https://example.com/pearls)\n";
    let last = "# Plan\n\n## Java\n\n- [ ] [Clean Java](https://example.com/clean-java)\n- Sedgewick and Wayne:\n    - [ ] [Algorithms](https://example.com/algs4)\n\n## C++\n\n- [ ] [Effective C++](https://example.com/effective)\n- Sedgewick and Wayne\n    - [ ] [Algorithms in C++](https://example.com/algs-cpp)\n\n## More\n\n- [ ] [Programming Pearls](https://example.com/pearls)\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 7),
        [
            "2025-01-02 Ada Lovelace: added (open) in “More”",
            "2025-01-04 Grace Hopper: reworded (was “[Algorithms (Sedgewick and Wayne)](https://example.com/algs4)”)",
            "2025-01-04 Grace Hopper: moved from “More” to “Java”"
        ]
    );
    assert_eq!(
        events(&history, last, 12),
        ["2025-01-04 Grace Hopper: added (plain item) in “C++”"]
    );
}

#[test]
fn a_note_split_from_the_book_it_names_keeps_its_words() {
    // The note moves to another section as a task of the book it named and, under it, the
    // note's opening words: those continue the note.
    let first = "# Plan\n\n## Practice\n\n- Read widely\n    - For a richer, more up-to-date but longer treatment, pick up [Computer Architecture](https://example.com/ca)\n\n## Books\n\n- [ ] [Clean Code](https://example.com/clean)\n";
    let last = "# Plan\n\n## Practice\n\n- Read widely\n\n## Books\n\n- [ ] [Clean Code](https://example.com/clean)\n- [ ] [Computer Architecture](https://example.com/ca)\n    - For a richer, more up-to-date but longer treatment\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 10),
        ["2025-01-04 Grace Hopper: added (open) in “Books”"]
    );
    assert_eq!(
        events(&history, last, 11),
        [
            "2025-01-02 Ada Lovelace: added (plain item) in “Practice”",
            "2025-01-04 Grace Hopper: reworded (was “For a richer, more up-to-date but longer treatment, pick up [Computer Architecture](https://example.com/ca)”)",
            "2025-01-04 Grace Hopper: moved from “Practice” to “Books”"
        ]
    );
}

#[test]
fn a_video_replaced_in_place_by_another_of_other_words_is_a_new_item() {
    let first = "# Plan\n\n- [ ] Networking\n    - [ ] HTTPS: https://example.com/watch?v=1\n    - [ ] HTTP 2.0: https://example.com/watch?v=2\n";
    let last = "# Plan\n\n- [ ] Networking\n    - [x] SSL and HTTPS: https://example.com/watch?v=3\n    - [ ] HTTP 2.0: https://example.com/watch?v=2\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 4),
        ["2025-01-04 Grace Hopper: added (done) in “Plan”"]
    );
    // The same words at a new address are the same video, moved.
    let moved = last.replace("SSL and HTTPS:", "HTTPS:");
    let (_repo, history) = two_versions(first, &moved);
    assert_eq!(
        events(&history, &moved, 4),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Plan”",
            "2025-01-04 Grace Hopper: reworded (was “HTTPS: https://example.com/watch?v=1”)",
            "2025-01-04 Grace Hopper: checked"
        ]
    );
}

#[test]
fn a_label_like_a_lecture_whose_link_went_to_another_line_is_new() {
    // The lecture leaves the Trees notes; its link comes back under Graphs as a line of other
    // words, below a new label that shares the lecture's words.
    let first = "# Plan\n\n## Trees\n\n- [ ] Traversal\n    - [MIT (video)](https://example.com/watch?v=bfs)\n    - level order\n\n## Graphs\n\n- [ ] Skiena Lectures\n";
    let last = "# Plan\n\n## Trees\n\n- [ ] Traversal\n    - level order\n\n## Graphs\n\n- [ ] MIT(videos):\n    - [ ] [Breadth-First Search](https://example.com/watch?v=bfs)\n- [ ] Skiena Lectures\n";
    let (_repo, history) = two_versions(first, last);
    assert_eq!(
        events(&history, last, 10),
        ["2025-01-04 Grace Hopper: added (open) in “Graphs”"]
    );
}

#[test]
fn a_heading_made_an_item_under_another_heading_moves_its_items() {
    let first = "# Plan\n\n## Knowledge\n\n- [ ] Graphs\n\n## Articles\n\n- [ ] Scaling\n\n## Papers\n\n- [ ] MapReduce\n- [ ] Bigtable\n";
    // The papers go up under Knowledge, their heading now a bold item.
    let moved = "# Plan\n\n## Knowledge\n\n- [ ] Graphs\n- [ ] **Papers**:\n    - [ ] MapReduce\n    - [ ] Bigtable\n\n## Articles\n\n- [ ] Scaling\n";
    let (_repo, history) = two_versions(first, moved);
    assert_eq!(
        events(&history, moved, 7),
        [
            "2025-01-02 Ada Lovelace: added (open) in “Papers”",
            "2025-01-04 Grace Hopper: moved from “Papers” to “Knowledge”"
        ]
    );
    // Where the heading stood, the same change moves nothing.
    let in_place = "# Plan\n\n## Knowledge\n\n- [ ] Graphs\n\n## Articles\n\n- [ ] Scaling\n- [ ] **Papers**:\n    - [ ] MapReduce\n    - [ ] Bigtable\n";
    let (_repo, history) = two_versions(first, in_place);
    assert_eq!(
        events(&history, in_place, 11),
        ["2025-01-02 Ada Lovelace: added (open) in “Papers”"]
    );
}
