//! The language server and the history: `stale-date` needs the file's last commit date,
//! which the server learns by reading the history in the background after a document opens
//! or is saved; the diagnostics are then redone.

use tower_lsp::lsp_types::notification as note;
use tower_lsp::lsp_types::{
    Diagnostic, DidSaveTextDocumentParams, NumberOrString, TextDocumentIdentifier, Url,
};

use tower_lsp::lsp_types::HoverContents;

use crate::lsp_support::{pos, span, TestServer};
use crate::support::TestRepo;

const ROADMAP: &str = "# Plan\n\n**Last Updated:** 2025-01-15\n\n- [ ] Ship it\n";

fn stale_dates(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.code == Some(NumberOrString::String("stale-date".to_owned())))
        .collect()
}

#[tokio::test]
async fn stale_date_appears_once_the_history_is_read_and_follows_new_commits() {
    let repo = TestRepo::new();
    repo.commit_file("ROADMAP.md", ROADMAP, "2025-03-01", "Ada Lovelace", "Plan");
    let mut server = TestServer::builder().root(repo.path()).start().await;
    let uri = Url::from_file_path(repo.file("ROADMAP.md")).unwrap();
    // The first diagnostics may come before the history is read; the ones that follow the
    // build know the last commit.
    server.open(&uri, ROADMAP).await;
    let again = server.expect_diagnostics().await;
    assert_eq!((&again.uri, again.version), (&uri, Some(1)));
    let stale = stale_dates(&again.diagnostics);
    assert_eq!(stale.len(), 1, "{:#?}", again.diagnostics);
    assert_eq!(span(stale[0].range), "2:18-2:28");
    assert!(
        stale[0].message.contains("changed on 2025-03-01"),
        "{}",
        stale[0].message
    );
    server.assert_no_messages();

    // A commit, then a save: the date moves on.
    repo.commit_file(
        "ROADMAP.md",
        &ROADMAP.replace("Ship it", "Ship it soon"),
        "2025-04-02",
        "Grace Hopper",
        "Reword",
    );
    server
        .notify::<note::DidSaveTextDocument>(DidSaveTextDocumentParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            text: None,
        })
        .await;
    let after = server.expect_diagnostics().await;
    let stale = stale_dates(&after.diagnostics);
    assert!(
        stale[0].message.contains("changed on 2025-04-02"),
        "{}",
        stale[0].message
    );
    server.assert_no_messages();
}

#[tokio::test]
async fn hovering_every_few_milliseconds_during_the_first_build_runs_one_build() {
    let repo = crate::cache::long_history(400);
    let path = repo.file("ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut server = TestServer::builder().root(repo.path()).start().await;
    let uri = Url::from_file_path(&path).unwrap();
    server.open(&uri, &text).await;
    let cache = std::sync::Arc::clone(&server.backend().shared.history);
    let mut loading = 0;
    for _ in 0..3000 {
        if cache.is_settled(&path) {
            break;
        }
        let hover = server.hover(&uri, pos(4, 8)).await.expect("hover");
        let HoverContents::Markup(markup) = hover.contents else {
            panic!("markdown hover")
        };
        if markup.value.contains("History: loading…") {
            loading += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    assert!(cache.is_settled(&path));
    assert_eq!(cache.builds_started(), 1, "{loading} hovers said loading");
    let hover = server.hover(&uri, pos(4, 8)).await.expect("hover");
    let HoverContents::Markup(markup) = hover.contents else {
        panic!("markdown hover")
    };
    assert!(markup.value.contains("**History**"), "{}", markup.value);
    server.take_messages();
}

#[tokio::test]
async fn reopened_item_is_published_once_the_history_is_read_with_its_quick_fix() {
    let repo = TestRepo::new();
    let plan = "# Plan\n\n- [ ] Export to CSV\n- [ ] Search\n";
    repo.commit_file("ROADMAP.md", plan, "2025-01-02", "Ada Lovelace", "Plan");
    let done = plan.replace("[ ] Export", "[x] Export");
    repo.commit_file("ROADMAP.md", &done, "2025-01-10", "Ada Lovelace", "Ship");
    repo.commit_file("ROADMAP.md", plan, "2025-02-01", "Bob Stone", "Not quite");
    let mut server = TestServer::builder().root(repo.path()).start().await;
    let uri = Url::from_file_path(repo.file("ROADMAP.md")).unwrap();
    // The diagnostics published on opening usually come before the history is read (on a
    // busy machine the build may win); once it is read, they name the commit that unchecked
    // the task.
    let is_reopened =
        |d: &&Diagnostic| d.code == Some(NumberOrString::String("reopened-item".to_owned()));
    let first = server.open(&uri, plan).await;
    let again = if first.iter().any(|d| is_reopened(&d)) {
        first
    } else {
        server.expect_diagnostics().await.diagnostics
    };
    let reopened: Vec<&Diagnostic> = again.iter().filter(is_reopened).collect();
    assert_eq!(reopened.len(), 1, "{again:#?}");
    assert_eq!(span(reopened[0].range), "2:2-2:19");
    assert!(
        reopened[0].message.contains("Bob Stone") && reopened[0].message.contains("2025-02-01"),
        "{}",
        reopened[0].message
    );
    let actions = server
        .code_actions(&uri, crate::lsp_support::range(2, 4, 2, 4))
        .await;
    let fix = actions
        .iter()
        .find(|a| a.title == "Check it again")
        .expect("the quick fix is offered");
    assert_ne!(
        fix.is_preferred,
        Some(true),
        "an unsafe fix is not preferred"
    );
    let edits = crate::lsp_support::edits_of(fix.edit.as_ref().expect("edit"));
    assert_eq!(
        crate::lsp_support::apply(plan, &edits),
        "# Plan\n\n- [x] Export to CSV\n- [ ] Search\n"
    );
    // An edit keeps it on the task, wherever the task goes. (When the history won the race
    // on opening, its own publish of version 1 may still come first.)
    let version = server
        .send_change(
            &uri,
            &[(crate::lsp_support::range(2, 0, 2, 0), "- [ ] New\n")],
        )
        .await;
    let moved = loop {
        let published = server.expect_diagnostics().await;
        if published.version == Some(version) {
            break published.diagnostics;
        }
        assert_eq!(published.version, Some(1), "{published:?}");
    };
    let reopened: Vec<String> = moved
        .iter()
        .filter(|d| d.code == Some(NumberOrString::String("reopened-item".to_owned())))
        .map(|d| span(d.range))
        .collect();
    assert_eq!(reopened, ["3:2-3:19"]);
}

#[tokio::test]
async fn a_heading_hover_says_what_its_items_did_in_the_last_30_days() {
    let today = jiff::Zoned::now().date();
    let day = |back: i64| {
        today
            .checked_sub(jiff::Span::new().days(back))
            .unwrap()
            .to_string()
    };
    let repo = TestRepo::new();
    let before = "# Plan\n\n## Now\n\n- [ ] A\n- [ ] B\n\n## Later\n\n- [ ] C\n";
    repo.commit_file("ROADMAP.md", before, &day(60), "Ada Lovelace", "Plan");
    let after = "# Plan\n\n## Now\n\n- [x] A\n- [ ] B\n- [ ] D\n\n## Later\n\n- [x] C\n";
    repo.commit_file("ROADMAP.md", after, &day(5), "Ada Lovelace", "Progress");
    let mut server = TestServer::builder().root(repo.path()).start().await;
    let uri = Url::from_file_path(repo.file("ROADMAP.md")).unwrap();
    server.open(&uri, after).await;
    // Re-published once the history is read.
    server.expect_diagnostics().await;
    let markdown = |hover: Option<tower_lsp::lsp_types::Hover>| match hover.map(|h| h.contents) {
        Some(HoverContents::Markup(markup)) => markup.value,
        other => panic!("{other:?}"),
    };
    let now = markdown(server.hover(&uri, pos(2, 3)).await);
    assert!(
        now.ends_with("this section: 1 added, 1 done in the last 30 days"),
        "{now}"
    );
    let plan = markdown(server.hover(&uri, pos(0, 1)).await);
    assert!(
        plan.ends_with("this section: 1 added, 2 done in the last 30 days"),
        "{plan}"
    );
    // The working copy counts: a task checked in the editor is done today.
    server
        .change(&uri, &[(crate::lsp_support::range(5, 3, 5, 4), "x")])
        .await;
    let now = markdown(server.hover(&uri, pos(2, 3)).await);
    assert!(
        now.ends_with("this section: 1 added, 2 done in the last 30 days"),
        "{now}"
    );
}
