//! Code actions: the SPEC §3 titles and kinds, with their exact minimal edits.

use std::fmt::Write as _;

use expect_test::{expect, Expect};
use tower_lsp::lsp_types::*;

use crate::support::{apply, edits_of, range, span, uri, TestServer};

const ROADMAP: &str = "\
## Priority Levels
- **[P0]** - Critical: Must fix
- **[P1]** - High: Soon

## Work
- [ ] Parent [P1]
  - [x] Child one
  - [ ] Child two
- Plain idea
- [x] Shipped thing
- [] Broken box

## ✅ Completed
- [x] Old
";

fn render(actions: &[CodeAction]) -> String {
    let mut out = String::new();
    for a in actions {
        let kind = a.kind.as_ref().map_or("-", |k| k.as_str());
        let fixes = a.diagnostics.as_ref().map_or(String::new(), |d| {
            let codes: Vec<String> = d
                .iter()
                .map(|d| match &d.code {
                    Some(NumberOrString::String(s)) => s.clone(),
                    _ => "?".to_owned(),
                })
                .collect();
            format!(" fixes {}", codes.join(","))
        });
        let _ = writeln!(out, "{} ({kind}){fixes}", a.title);
        for e in edits_of(a.edit.as_ref().unwrap()) {
            let _ = writeln!(out, "  {} {:?}", span(e.range), e.new_text);
        }
    }
    out
}

#[track_caller]
fn check(actions: &[CodeAction], expect: &Expect) {
    expect.assert_eq(&render(actions));
}

async fn open() -> (TestServer, Url) {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    let diagnostics = server.open(&doc, ROADMAP).await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    (server, doc)
}

#[tokio::test]
async fn a_task_line_offers_checkoff_conversion_and_priorities() {
    let (mut server, doc) = open().await;
    let actions = server.code_actions(&doc, range(5, 8, 5, 8)).await;
    check(
        &actions,
        &expect![[r#"
        Check item (quickfix)
          5:3-5:4 "x"
        Check item and subtasks (quickfix)
          5:3-5:4 "x"
          7:5-7:6 "x"
        Convert to plain item (refactor.rewrite)
          5:2-5:6 ""
        Set priority P0 (refactor.rewrite)
          5:13-5:17 "[P0]"
        Move done items to the done section (refactor.rewrite)
          9:0-10:0 ""
          14:0-14:0 "- [x] Shipped thing\n"
    "#]],
    );
}

/// Fixing everything re-analyses the text several times: the lightbulb of a client that
/// resolves actions offers it without its edit, and `codeAction/resolve` fills in the same
/// edit the source action carries.
#[tokio::test]
async fn fix_all_is_resolved_when_chosen() {
    let mut server = TestServer::builder().resolve_edits().start().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, ROADMAP).await;
    let lightbulb = server.code_actions(&doc, range(5, 8, 5, 8)).await;
    let unresolved = lightbulb
        .iter()
        .find(|a| a.title == "Fix all tickmark problems")
        .expect("offered in the lightbulb")
        .clone();
    assert_eq!(unresolved.edit, None);
    assert!(unresolved.data.is_some());
    let resolved = server
        .request::<tower_lsp::lsp_types::request::CodeActionResolveRequest>(unresolved)
        .await;
    let explicit = server
        .code_actions_only(
            &doc,
            range(0, 0, 0, 0),
            Some(vec![CodeActionKind::SOURCE_FIX_ALL]),
        )
        .await;
    assert_eq!(explicit.len(), 1);
    assert_eq!(resolved.edit, explicit[0].edit);
    assert_eq!(
        apply(ROADMAP, &edits_of(resolved.edit.as_ref().unwrap())),
        ROADMAP.replace("- []", "- [ ]")
    );
    assert_eq!(resolved.data, None);
}

/// Moving done items reads the whole document, while a code action at a cursor reads only
/// the part of it around the cursor: a client that resolves actions is offered the move
/// without its edit, filled in when chosen; another gets the edit at once. Both edits are
/// the same.
#[tokio::test]
async fn moving_done_items_is_resolved_when_chosen() {
    let mut resolving = TestServer::builder().resolve_edits().start().await;
    let doc = uri("ROADMAP.md");
    resolving.open(&doc, ROADMAP).await;
    let offered = resolving
        .code_actions(&doc, range(5, 3, 5, 3))
        .await
        .into_iter()
        .find(|a| a.title == "Move done items to the done section")
        .expect("offered at a task");
    assert_eq!(offered.kind, Some(CodeActionKind::REFACTOR_REWRITE));
    assert_eq!(offered.edit, None);
    let resolved = resolving
        .request::<tower_lsp::lsp_types::request::CodeActionResolveRequest>(offered)
        .await;
    assert_eq!(resolved.data, None);

    let (mut plain, doc) = open().await;
    let direct = plain
        .code_actions(&doc, range(5, 3, 5, 3))
        .await
        .into_iter()
        .find(|a| a.title == "Move done items to the done section")
        .expect("offered with its edit");
    assert_eq!(resolved.edit, direct.edit);
    assert_eq!(
        apply(ROADMAP, &edits_of(resolved.edit.as_ref().unwrap())),
        ROADMAP
            .replace("- [x] Shipped thing\n", "")
            .replace("- [x] Old\n", "- [x] Old\n- [x] Shipped thing\n")
    );
}

#[tokio::test]
async fn a_done_task_unchecks_and_a_plain_item_converts() {
    let (mut server, doc) = open().await;
    let actions = server.code_actions(&doc, range(6, 0, 6, 0)).await;
    check(
        &actions[..1],
        &expect![[r#"
        Uncheck item (quickfix)
          6:5-6:6 " "
    "#]],
    );
    let actions = server.code_actions(&doc, range(8, 4, 8, 4)).await;
    check(
        &actions[..1],
        &expect![[r#"
        Convert to task (refactor.rewrite)
          8:2-8:2 "[ ] "
    "#]],
    );
}

#[tokio::test]
async fn a_selection_checks_and_unchecks_items() {
    let (mut server, doc) = open().await;
    let actions = server
        .code_actions_only(
            &doc,
            range(5, 0, 9, 3),
            Some(vec![CodeActionKind::QUICKFIX]),
        )
        .await;
    check(
        &actions,
        &expect![[r#"
        Check items (quickfix)
          5:3-5:4 "x"
          7:5-7:6 "x"
        Uncheck items (quickfix)
          6:5-6:6 " "
          9:3-9:4 " "
    "#]],
    );
}

#[tokio::test]
async fn a_diagnostic_offers_its_fix_and_ignore() {
    let (mut server, doc) = open().await;
    let actions = server
        .code_actions_only(
            &doc,
            range(10, 3, 10, 3),
            Some(vec![CodeActionKind::QUICKFIX]),
        )
        .await;
    check(
        &actions,
        &expect![[r#"
        Rewrite as `[ ]` (quickfix) fixes malformed-checkbox
          10:3-10:3 " "
        Check item (quickfix)
          10:3-10:3 "x"
        Ignore malformed-checkbox on this line (quickfix) fixes malformed-checkbox
          10:0-10:0 "<!-- tickmark-disable-next-line malformed-checkbox -->\n"
    "#]],
    );
}

#[tokio::test]
async fn fix_all_and_reorganising_actions() {
    let (mut server, doc) = open().await;
    let fix_all = server
        .code_actions_only(
            &doc,
            range(0, 0, 0, 0),
            Some(vec![CodeActionKind::SOURCE_FIX_ALL]),
        )
        .await;
    check(
        &fix_all,
        &expect![[r#"
        Fix all tickmark problems (source.fixAll.tickmark)
          10:3-10:3 " "
    "#]],
    );
    let rewrites = server
        .code_actions_only(
            &doc,
            range(9, 0, 9, 0),
            Some(vec![CodeActionKind::REFACTOR]),
        )
        .await;
    let moved = rewrites
        .iter()
        .find(|a| a.title == "Move done items to the done section")
        .unwrap();
    assert_eq!(
        apply(ROADMAP, &edits_of(moved.edit.as_ref().unwrap())),
        ROADMAP
            .replace("- [x] Shipped thing\n", "")
            .replace("- [x] Old\n", "- [x] Old\n- [x] Shipped thing\n")
    );
}

#[tokio::test]
async fn sort_by_priority_moves_subtrees_whole() {
    let mut server = TestServer::new().await;
    let doc = uri("TODO.md");
    let text = "- [ ] a [P2]\n  - [ ] a1\n- [ ] b [P0]\n";
    server.open(&doc, text).await;
    let actions = server
        .code_actions_only(
            &doc,
            range(0, 0, 0, 0),
            Some(vec![CodeActionKind::REFACTOR_REWRITE]),
        )
        .await;
    let sort = actions
        .iter()
        .find(|a| a.title == "Sort items by priority")
        .unwrap();
    assert_eq!(
        apply(text, &edits_of(sort.edit.as_ref().unwrap())),
        "- [ ] b [P0]\n- [ ] a [P2]\n  - [ ] a1\n"
    );
}

#[tokio::test]
async fn versioned_document_changes_when_the_client_supports_them() {
    let mut server = TestServer::builder().versioned_edits().start().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, "- [ ] a\n").await;
    server.change(&doc, &[(range(0, 7, 0, 7), "b")]).await;
    let actions = server.code_actions(&doc, range(0, 0, 0, 0)).await;
    let check = &actions[0];
    assert_eq!(check.title, "Check item");
    let Some(DocumentChanges::Edits(edits)) = &check.edit.as_ref().unwrap().document_changes else {
        panic!("documentChanges expected");
    };
    assert_eq!(edits[0].text_document.version, Some(2));
    assert_eq!(
        edits[0].edits,
        vec![OneOf::Left(TextEdit::new(
            range(0, 3, 0, 4),
            "x".to_owned()
        ))]
    );
}
