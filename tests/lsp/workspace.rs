//! The workspace: roadmaps below the workspace folder, read at start; `workspace/symbol`; the
//! cross-file `duplicate-item`, kept current as documents open, save and close.

use tower_lsp::lsp_types::notification as note;
use tower_lsp::lsp_types::request as req;
use tower_lsp::lsp_types::*;

use crate::support::{range, span, TestServer};

/// A workspace folder on disk: a roadmap, a todo list below `docs/`, and an ignored file.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder { dir };
        folder.write(
            "ROADMAP.md",
            "# Roadmap\n\n## 🔴 Now\n- [ ] **API Documentation**\n- [ ] Rate limiting\n  - [ ] Write tests\n",
        );
        folder.write("docs/TODO.md", "# Todo\n\n- [ ] Onboarding\n");
        folder.write(".gitignore", "vendor/\n");
        folder.write("vendor/ROADMAP.md", "- [ ] API documentation\n");
        folder
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn uri(&self, name: &str) -> Url {
        Url::from_file_path(self.dir.path().join(name)).unwrap()
    }

    async fn server(&self) -> TestServer {
        TestServer::builder().root(self.dir.path()).start().await
    }
}

async fn save(server: &mut TestServer, uri: &Url) {
    server
        .notify::<note::DidSaveTextDocument>(DidSaveTextDocumentParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            text: None,
        })
        .await;
}

async fn symbols(server: &mut TestServer, query: &str) -> Vec<SymbolInformation> {
    let response = server
        .request::<req::WorkspaceSymbolRequest>(WorkspaceSymbolParams {
            query: query.to_owned(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await;
    match response {
        Some(WorkspaceSymbolResponse::Flat(symbols)) => symbols,
        other => panic!("expected a flat list, got {other:?}"),
    }
}

#[tokio::test]
async fn an_item_another_roadmap_lists_is_information_pointing_there() {
    let folder = Folder::new();
    let mut server = folder.server().await;
    let todo = folder.uri("docs/TODO.md");
    let diagnostics = server
        .open(
            &todo,
            "# Todo\n\n- [ ] API documentation.\n- Feature\n  - [ ] Write tests\n",
        )
        .await;
    // The vendored roadmap is ignored, and two `Write tests` subtasks are no duplicates.
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(
        d.code,
        Some(NumberOrString::String("duplicate-item".to_owned()))
    );
    assert_eq!(d.severity, Some(DiagnosticSeverity::INFORMATION));
    assert_eq!(span(d.range), "2:6-2:24");
    assert_eq!(
        d.message,
        "“API documentation.” is also listed in ROADMAP.md on line 4: keep it in one roadmap"
    );
    let related = &d.related_information.as_ref().unwrap()[0];
    assert_eq!(related.location.uri, folder.uri("ROADMAP.md"));
    assert_eq!(span(related.location.range), "3:6-3:27");
}

#[tokio::test]
async fn a_saved_edit_reaches_the_other_documents_that_share_an_item() {
    let folder = Folder::new();
    let mut server = folder.server().await;
    let roadmap = folder.uri("ROADMAP.md");
    let todo = folder.uri("docs/TODO.md");
    let unrelated = folder.uri("BACKLOG.md");
    assert!(server.open(&todo, "- [ ] Ship it\n").await.is_empty());
    assert!(server
        .open(&unrelated, "- [ ] Something else\n")
        .await
        .is_empty());
    let roadmap_text = std::fs::read_to_string(folder.dir.path().join("ROADMAP.md")).unwrap();
    assert!(server.open(&roadmap, &roadmap_text).await.is_empty());

    // Typing in the roadmap sees the todo list at once…
    let diagnostics = server
        .change(&roadmap, &[(range(6, 0, 6, 0), "- [ ] Ship it\n")])
        .await;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(span(diagnostics[0].range), "6:6-6:13");
    // …and the todo list sees the roadmap's item once it is saved; the backlog, which shares
    // no item with it, is not re-published.
    server.assert_no_messages();
    save(&mut server, &roadmap).await;
    let published = server.expect_diagnostics().await;
    assert_eq!(published.uri, todo);
    assert_eq!(published.version, Some(1));
    assert_eq!(published.diagnostics.len(), 1);
    assert_eq!(
        published.diagnostics[0]
            .related_information
            .as_ref()
            .unwrap()[0]
            .location
            .uri,
        roadmap
    );
    server.assert_no_messages();

    // Closing the roadmap unsaved: its file on disk (without the item) takes its place.
    server
        .notify::<note::DidCloseTextDocument>(DidCloseTextDocumentParams {
            text_document: TextDocumentIdentifier::new(roadmap.clone()),
        })
        .await;
    let cleared = server.expect_diagnostics().await;
    assert_eq!(cleared.uri, roadmap);
    let published = server.expect_diagnostics().await;
    assert_eq!(published.uri, todo);
    assert!(published.diagnostics.is_empty());
    server.assert_no_messages();
}

#[tokio::test]
async fn workspace_symbols_search_every_roadmap() {
    let folder = Folder::new();
    let mut server = folder.server().await;
    let todo = folder.uri("docs/TODO.md");
    // The open document is searched as it is now, not as it is on disk.
    server
        .open(&todo, "# Todo\n\n- [ ] Ratelimit the login form\n")
        .await;

    let found = symbols(&mut server, "rate lim").await;
    let names: Vec<(&str, &str, Option<&str>)> = found
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.location.uri.path().rsplit('/').next().unwrap(),
                s.container_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Rate limiting", "ROADMAP.md", Some("🔴 Now")),
            ("Ratelimit the login form", "TODO.md", Some("Todo")),
        ]
    );
    assert_eq!(found[0].kind, SymbolKind::BOOLEAN);
    assert_eq!(span(found[0].location.range), "4:6-4:19");

    // Neither the ignored vendor roadmap nor an item that is not there.
    let docs = symbols(&mut server, "api documentation").await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].location.uri, folder.uri("ROADMAP.md"));
    assert!(symbols(&mut server, "nothing like it").await.is_empty());
    // An empty query lists every item.
    assert_eq!(symbols(&mut server, "").await.len(), 4);
}

#[tokio::test]
async fn workspace_symbols_are_advertised_and_work_without_a_folder() {
    let mut server = TestServer::new().await;
    let capabilities = &server.initialize_result.as_ref().unwrap().capabilities;
    assert_eq!(
        capabilities.workspace_symbol_provider,
        Some(OneOf::Left(true))
    );
    let doc = crate::support::uri("TODO.md");
    server.open(&doc, "- [ ] Alone here\n").await;
    let found = symbols(&mut server, "alone").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].location.uri, doc);
}
