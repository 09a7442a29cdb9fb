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

async fn watched(server: &mut TestServer, changes: &[(&Url, FileChangeType)]) {
    server
        .notify::<note::DidChangeWatchedFiles>(DidChangeWatchedFilesParams {
            changes: changes
                .iter()
                .map(|(uri, typ)| FileEvent::new((*uri).clone(), *typ))
                .collect(),
        })
        .await;
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| match &d.code {
            Some(NumberOrString::String(code)) => code.clone(),
            other => panic!("unexpected code {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn the_start_up_scan_reports_progress_when_the_client_shows_it() {
    let folder = Folder::new();
    let mut server = TestServer::builder()
        .root(folder.dir.path())
        .work_done_progress()
        .start()
        .await;
    let create = server.receive().await;
    assert_eq!(create.method, "window/workDoneProgress/create");
    let token = create.params["token"].clone();
    let mut values = Vec::new();
    loop {
        let message = server.receive().await;
        assert_eq!(message.method, "$/progress", "{message:?}");
        assert_eq!(message.params["token"], token);
        let value = message.params["value"].clone();
        let end = value["kind"] == "end";
        values.push(value);
        if end {
            break;
        }
    }
    assert_eq!(values[0]["kind"], "begin");
    assert_eq!(values[0]["title"], "Indexing roadmaps");
    assert_eq!(values[0]["cancellable"], true);
    assert_eq!(values[0]["percentage"], 0);
    // Two roadmaps (the vendored one is ignored): a report per file, with count and percent.
    let reports: Vec<(String, u64)> = values[1..values.len() - 1]
        .iter()
        .map(|v| {
            assert_eq!(v["kind"], "report");
            (
                v["message"].as_str().unwrap().to_owned(),
                v["percentage"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reports,
        [("1/2 files".to_owned(), 50), ("2/2 files".to_owned(), 100)]
    );
    assert_eq!(values.last().unwrap()["message"], "2 roadmaps");
}

#[tokio::test]
async fn files_changed_on_disk_update_the_index_and_republish_open_documents() {
    let folder = Folder::new();
    let mut server = TestServer::builder()
        .root(folder.dir.path())
        .watch_files()
        .start()
        .await;
    // The watcher is registered for the roadmap globs and tickmark.toml.
    let registration = server.receive().await;
    assert_eq!(registration.method, "client/registerCapability");
    let registration = &registration.params["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/ROADMAP*.md"), "{globs:?}");
    assert!(globs.contains(&"**/tickmark.toml"), "{globs:?}");

    let todo = folder.uri("docs/TODO.md");
    assert!(server.open(&todo, "- [ ] Ship it\n").await.is_empty());

    // Another program creates a roadmap where the item is done.
    folder.write("BACKLOG.md", "# Backlog\n\n- [x] Ship it\n");
    let backlog = folder.uri("BACKLOG.md");
    watched(&mut server, &[(&backlog, FileChangeType::CREATED)]).await;
    let published = server.expect_diagnostics().await;
    assert_eq!(published.uri, todo);
    assert_eq!(
        codes(&published.diagnostics),
        ["duplicate-item", "conflicting-state"]
    );
    let conflict = &published.diagnostics[1];
    assert_eq!(conflict.severity, Some(DiagnosticSeverity::WARNING));
    assert_eq!(
        conflict.message,
        "“Ship it” is open here but done in BACKLOG.md on line 3: check it, or reopen it there"
    );
    let related = &conflict.related_information.as_ref().unwrap()[0];
    assert_eq!(related.location.uri, backlog);
    assert_eq!(span(related.location.range), "2:6-2:13");
    server.assert_no_messages();

    // Changed: reopened there, no conflict any more (still listed twice).
    folder.write("BACKLOG.md", "# Backlog\n\n- [ ] Ship it\n");
    watched(&mut server, &[(&backlog, FileChangeType::CHANGED)]).await;
    let published = server.expect_diagnostics().await;
    assert_eq!(codes(&published.diagnostics), ["duplicate-item"]);
    // A change that touches no item of the open document re-publishes nothing.
    folder.write("BACKLOG.md", "# Backlog\n\n- [ ] Ship it\n- [ ] More\n");
    watched(&mut server, &[(&backlog, FileChangeType::CHANGED)]).await;
    server.assert_no_messages();

    // Renamed (deleted + created) to a name that is no roadmap: it leaves the index.
    std::fs::rename(
        folder.dir.path().join("BACKLOG.md"),
        folder.dir.path().join("notes.md"),
    )
    .unwrap();
    let notes = folder.uri("notes.md");
    watched(
        &mut server,
        &[
            (&backlog, FileChangeType::DELETED),
            (&notes, FileChangeType::CREATED),
        ],
    )
    .await;
    let published = server.expect_diagnostics().await;
    assert!(published.diagnostics.is_empty());
    server.assert_no_messages();

    // A deleted folder takes its roadmaps with it.
    folder.write("pkg/TODO.md", "- [x] Ship it\n");
    let pkg_todo = folder.uri("pkg/TODO.md");
    watched(&mut server, &[(&pkg_todo, FileChangeType::CREATED)]).await;
    let published = server.expect_diagnostics().await;
    assert_eq!(
        codes(&published.diagnostics),
        ["duplicate-item", "conflicting-state"]
    );
    std::fs::remove_dir_all(folder.dir.path().join("pkg")).unwrap();
    watched(
        &mut server,
        &[(&folder.uri("pkg"), FileChangeType::DELETED)],
    )
    .await;
    let published = server.expect_diagnostics().await;
    assert!(published.diagnostics.is_empty());
    server.assert_no_messages();

    // An open document wins over its file on disk.
    let roadmap = folder.uri("ROADMAP.md");
    assert!(server.open(&roadmap, "- [ ] Other work\n").await.is_empty());
    folder.write("ROADMAP.md", "- [x] Ship it\n");
    watched(&mut server, &[(&roadmap, FileChangeType::CHANGED)]).await;
    server.assert_no_messages();
    assert!(symbols(&mut server, "ship").await.len() == 1);
}

#[tokio::test]
async fn a_changed_tickmark_toml_reloads_the_configuration_and_republishes() {
    let folder = Folder::new();
    folder.write("BACKLOG.md", "- [x] Ship it\n");
    let mut server = TestServer::builder()
        .root(folder.dir.path())
        .watch_files()
        .start()
        .await;
    assert_eq!(server.receive().await.method, "client/registerCapability");
    let todo = folder.uri("docs/TODO.md");
    let diagnostics = server.open(&todo, "- [ ] Ship it\n").await;
    assert_eq!(codes(&diagnostics), ["duplicate-item", "conflicting-state"]);

    folder.write(
        "tickmark.toml",
        "[rules]\nconflicting-state = \"error\"\nduplicate-item = \"off\"\n",
    );
    watched(
        &mut server,
        &[(&folder.uri("tickmark.toml"), FileChangeType::CREATED)],
    )
    .await;
    let published = server.expect_diagnostics().await;
    assert_eq!(codes(&published.diagnostics), ["conflicting-state"]);
    assert_eq!(
        published.diagnostics[0].severity,
        Some(DiagnosticSeverity::ERROR)
    );

    // New globs: the backlog is no roadmap any more, the watcher follows them.
    folder.write(
        "tickmark.toml",
        "roadmaps = [\"**/TODO*.md\", \"**/ROADMAP*.md\"]\n",
    );
    watched(
        &mut server,
        &[(&folder.uri("tickmark.toml"), FileChangeType::CHANGED)],
    )
    .await;
    let mut methods = Vec::new();
    let mut last = None;
    for message in server.take_messages() {
        if message.method == "textDocument/publishDiagnostics" {
            last = Some(message.params.clone());
        }
        methods.push(message.method);
    }
    assert!(
        methods.contains(&"client/unregisterCapability".to_owned()),
        "{methods:?}"
    );
    assert!(
        methods.contains(&"client/registerCapability".to_owned()),
        "{methods:?}"
    );
    let last: PublishDiagnosticsParams = serde_json::from_value(last.unwrap()).unwrap();
    assert!(last.diagnostics.is_empty(), "{:#?}", last.diagnostics);
}

#[tokio::test]
async fn every_workspace_folder_is_indexed_with_its_own_configuration() {
    let folder = Folder::new();
    let second = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = second.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // Its own globs: plans/*.md are roadmaps there, and its ROADMAP.md is not. Its own
    // severities: `malformed-checkbox` is off there.
    write(
        "tickmark.toml",
        "roadmaps = [\"plans/*.md\"]\n[rules]\nmalformed-checkbox = \"off\"\n",
    );
    write("plans/q3.md", "- [x] Ship it\n");
    write("ROADMAP.md", "- [x] Onboarding\n");
    let mut server = TestServer::builder()
        .root(folder.dir.path())
        .folder(second.path())
        .start()
        .await;
    let capabilities = &server.initialize_result.as_ref().unwrap().capabilities;
    let folders = capabilities
        .workspace
        .as_ref()
        .unwrap()
        .workspace_folders
        .as_ref()
        .unwrap();
    assert_eq!(folders.supported, Some(true));
    assert_eq!(folders.change_notifications, Some(OneOf::Left(true)));

    let todo = folder.uri("docs/TODO.md");
    let diagnostics = server
        .open(&todo, "- [ ] Ship it\n- [ ] Onboarding\n")
        .await;
    assert_eq!(codes(&diagnostics), ["duplicate-item", "conflicting-state"]);
    let name = second.path().file_name().unwrap().to_string_lossy();
    assert_eq!(
        diagnostics[1].message,
        format!("“Ship it” is open here but done in {name}/plans/q3.md on line 1: check it, or reopen it there")
    );

    // The folder is dropped: its roadmaps leave the index.
    server
        .notify::<note::DidChangeWorkspaceFolders>(DidChangeWorkspaceFoldersParams {
            event: WorkspaceFoldersChangeEvent {
                added: Vec::new(),
                removed: vec![WorkspaceFolder {
                    uri: Url::from_directory_path(second.path()).unwrap(),
                    name: "second".to_owned(),
                }],
            },
        })
        .await;
    let published = server.expect_diagnostics().await;
    assert!(published.diagnostics.is_empty());
    // And added again.
    server
        .notify::<note::DidChangeWorkspaceFolders>(DidChangeWorkspaceFoldersParams {
            event: WorkspaceFoldersChangeEvent {
                added: vec![WorkspaceFolder {
                    uri: Url::from_directory_path(second.path()).unwrap(),
                    name: "second".to_owned(),
                }],
                removed: Vec::new(),
            },
        })
        .await;
    let published = server.expect_diagnostics().await;
    assert_eq!(
        codes(&published.diagnostics),
        ["duplicate-item", "conflicting-state"]
    );
    // An open document is analysed with its own folder's settings.
    let here = folder.uri("docs/BACKLOG.md");
    let diagnostics = server.open(&here, "- [] Broken here\n").await;
    assert_eq!(codes(&diagnostics), ["malformed-checkbox"]);
    let there = Url::from_file_path(second.path().join("plans/q4.md")).unwrap();
    let diagnostics = server.open(&there, "- [] Broken there\n").await;
    assert_eq!(codes(&diagnostics), Vec::<&str>::new());
}

#[tokio::test]
async fn stats_without_a_uri_answer_for_the_workspace() {
    let folder = Folder::new();
    folder.write("BACKLOG.md", "- [x] One\n- [x] Two\n- [-] Dropped\n");
    let mut server = folder.server().await;
    let todo = folder.uri("docs/TODO.md");
    server
        .open(&todo, "- [ ] Onboarding\n- [/] Hiring\n- [x] Office\n")
        .await;
    let response = server
        .raw_request("tickmark/stats", serde_json::json!({}))
        .await;
    let stats = response.into_parts().1.unwrap();
    let files: Vec<(&str, u64, u64)> = stats["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["done"].as_u64().unwrap(),
                f["total"].as_u64().unwrap(),
            )
        })
        .collect();
    // By path; the open document as it was opened; subtasks count instead of their parent.
    assert_eq!(
        files,
        [
            ("BACKLOG.md", 2, 2),
            ("ROADMAP.md", 0, 2),
            ("docs/TODO.md", 1, 3)
        ]
    );
    let total = &stats["total"];
    assert_eq!(total["files"], 3);
    assert_eq!(total["total"], 7);
    assert_eq!(total["done"], 3);
    assert_eq!(total["inProgress"], 1);
    assert_eq!(total["cancelled"], 1);
    assert_eq!(total["percent"], 43);
    assert_eq!(stats["files"][2]["uri"], todo.as_str());
}
