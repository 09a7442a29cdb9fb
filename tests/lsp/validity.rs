//! Every answer is valid for the strictest client. VS Code drops a whole answer when one
//! range in it is invalid (a selection outside its symbol, a character past the end of its
//! line), so each document is opened and asked everything an editor asks after an edit, in
//! UTF-16 and in UTF-8, and every position, range and edit in every answer is checked
//! against the document's lines: the corpus, the example roadmap, the seeds beside the
//! project, and a few hundred generated documents (trailing spaces, a lone `- `, tabs, CRLF,
//! blank lines, emoji, Unicode white space, deep nesting).

use std::path::Path;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use tower_lsp::lsp_types::notification as note;
use tower_lsp::lsp_types::request as req;
use tower_lsp::lsp_types::*;

use crate::roadmap_gen;
use crate::support::{uri, TestServer};

/// How an editor counts the columns of a document: one entry per line, its length in the
/// negotiated encoding, lines split at `\n` with a `\r` before it left out.
struct Lines {
    widths: Vec<u32>,
    /// Per line, the columns where a character starts (and the line's end).
    boundaries: Vec<Vec<u32>>,
    utf8: bool,
}

impl Lines {
    fn new(text: &str, utf8: bool) -> Self {
        let width = |c: char| if utf8 { c.len_utf8() } else { c.len_utf16() };
        let boundaries: Vec<Vec<u32>> = text
            .split('\n')
            .map(|line| {
                let line = line.strip_suffix('\r').unwrap_or(line);
                let mut columns = vec![0u32];
                for c in line.chars() {
                    let last = *columns.last().unwrap();
                    columns.push(last + u32::try_from(width(c)).unwrap());
                }
                columns
            })
            .collect();
        Self {
            widths: boundaries.iter().map(|b| *b.last().unwrap()).collect(),
            boundaries,
            utf8,
        }
    }

    fn count(&self) -> u32 {
        u32::try_from(self.widths.len()).unwrap()
    }

    /// The lines asked about in a long document: about 24, evenly spread, the last included.
    fn sampled(&self, line: u32) -> bool {
        let step = (self.count() / 24).max(1);
        line % step == 0 || line + 1 == self.count()
    }

    /// Positions an editor may send: the start, a middle and the end of the lines asked
    /// about, each at the start of a character (an editor never puts the cursor inside one).
    fn cursors(&self) -> Vec<Position> {
        let mut out = Vec::new();
        for (line, columns) in (0..).zip(&self.boundaries) {
            if !self.sampled(line) {
                continue;
            }
            let last = columns.len() - 1;
            for i in [0, last / 2, last] {
                out.push(Position::new(line, columns[i]));
            }
        }
        out.dedup();
        out
    }
}

/// The violations found so far, each with where it was found.
struct Checker<'a> {
    lines: &'a Lines,
    version: i32,
    problems: Vec<String>,
}

impl Checker<'_> {
    fn position(&mut self, what: &str, p: Position) {
        let ok = self
            .lines
            .widths
            .get(p.line as usize)
            .is_some_and(|&w| p.character <= w);
        if !ok {
            let width = self.lines.widths.get(p.line as usize);
            self.problems.push(format!(
                "{what}: {}:{} is outside the document (line width {width:?}, {} lines, {})",
                p.line,
                p.character,
                self.lines.count(),
                if self.lines.utf8 { "UTF-8" } else { "UTF-16" }
            ));
        }
    }

    fn range(&mut self, what: &str, r: Range) {
        self.position(what, r.start);
        self.position(what, r.end);
        if (r.start.line, r.start.character) > (r.end.line, r.end.character) {
            self.problems.push(format!("{what}: inverted range {r:?}"));
        }
    }

    /// Ranges of one set of edits: valid, and not overlapping (clients refuse overlaps).
    fn edits<'e>(&mut self, what: &str, edits: impl IntoIterator<Item = &'e TextEdit>) {
        let mut ranges: Vec<Range> = Vec::new();
        for e in edits {
            self.range(what, e.range);
            ranges.push(e.range);
        }
        ranges.sort_by_key(|r| (r.start.line, r.start.character, r.end.line, r.end.character));
        for w in ranges.windows(2) {
            if (w[1].start.line, w[1].start.character) < (w[0].end.line, w[0].end.character) {
                self.problems.push(format!(
                    "{what}: overlapping edits {:?} and {:?}",
                    w[0], w[1]
                ));
            }
        }
    }

    fn workspace_edit(&mut self, what: &str, doc: &Url, edit: &WorkspaceEdit) {
        if let Some(changes) = &edit.changes {
            for (uri, edits) in changes {
                if uri == doc {
                    self.edits(what, edits);
                }
            }
        }
        match &edit.document_changes {
            Some(DocumentChanges::Edits(edits)) => {
                for e in edits {
                    if e.text_document.uri != *doc {
                        continue;
                    }
                    if e.text_document.version != Some(self.version) {
                        self.problems.push(format!(
                            "{what}: edit for version {:?}, the document is at {}",
                            e.text_document.version, self.version
                        ));
                    }
                    let edits: Vec<TextEdit> = e
                        .edits
                        .iter()
                        .map(|e| match e {
                            OneOf::Left(e) => e.clone(),
                            OneOf::Right(a) => a.text_edit.clone(),
                        })
                        .collect();
                    self.edits(what, &edits);
                }
            }
            Some(DocumentChanges::Operations(_)) => {
                self.problems.push(format!("{what}: unexpected operations"));
            }
            None => {}
        }
    }

    fn diagnostic(&mut self, what: &str, doc: &Url, d: &Diagnostic) {
        self.range(what, d.range);
        for r in d.related_information.iter().flatten() {
            if r.location.uri == *doc {
                self.range(&format!("{what} related"), r.location.range);
            }
        }
        // The fixes the server keeps in `data`, as `{ fixes: [{ edits: [TextEdit] }] }`.
        let fixes = d.data.as_ref().and_then(|d| d["fixes"].as_array());
        for fix in fixes.into_iter().flatten() {
            let edits: Vec<TextEdit> =
                serde_json::from_value(fix["edits"].clone()).unwrap_or_default();
            self.edits(&format!("{what} fix {}", fix["title"]), &edits);
        }
    }

    fn symbol(&mut self, s: &DocumentSymbol, parent: Option<Range>) {
        let what = format!("symbol `{}`", s.name);
        self.range(&what, s.range);
        self.range(&format!("{what} selection"), s.selection_range);
        if !contains(s.range, s.selection_range) {
            self.problems.push(format!(
                "{what}: selection {:?} outside range {:?}",
                s.selection_range, s.range
            ));
        }
        if let Some(parent) = parent {
            if !contains(parent, s.range) {
                self.problems.push(format!(
                    "{what}: range {:?} outside its parent {parent:?}",
                    s.range
                ));
            }
        }
        if s.name.trim().is_empty() {
            self.problems.push(format!("{what}: empty name"));
        }
        for c in s.children.iter().flatten() {
            self.symbol(c, Some(s.range));
        }
    }
}

fn contains(outer: Range, inner: Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(outer.start) <= key(inner.start) && key(inner.end) <= key(outer.end)
}

fn text_document(doc: &Url) -> TextDocumentIdentifier {
    TextDocumentIdentifier::new(doc.clone())
}

fn at(doc: &Url, position: Position) -> TextDocumentPositionParams {
    TextDocumentPositionParams::new(text_document(doc), position)
}

/// Asks the server everything an editor asks after an edit and checks every answer.
async fn ask_everything(
    server: &mut TestServer,
    doc: &Url,
    text: &str,
    utf8: bool,
    version: i32,
    diagnostics: &[Diagnostic],
) -> Vec<String> {
    let lines = Lines::new(text, utf8);
    let mut c = Checker {
        lines: &lines,
        version,
        problems: Vec::new(),
    };
    let last = lines.count() - 1;
    let whole = Range::new(
        Position::new(0, 0),
        Position::new(last, lines.widths[last as usize]),
    );

    for d in diagnostics {
        c.diagnostic("diagnostic", doc, d);
    }
    let pulled = server.pull_diagnostics(doc).await;
    for d in &pulled {
        c.diagnostic("pulled diagnostic", doc, d);
    }

    let symbols = server
        .request::<req::DocumentSymbolRequest>(DocumentSymbolParams {
            text_document: text_document(doc),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await;
    match symbols {
        Some(DocumentSymbolResponse::Nested(symbols)) => {
            for s in &symbols {
                c.symbol(s, None);
            }
        }
        Some(DocumentSymbolResponse::Flat(flat)) => {
            for s in &flat {
                c.range("flat symbol", s.location.range);
            }
        }
        None => {}
    }

    let folds = server
        .request::<req::FoldingRangeRequest>(FoldingRangeParams {
            text_document: text_document(doc),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await;
    for f in folds.iter().flatten() {
        if f.start_line > f.end_line || f.end_line >= lines.count() {
            c.problems.push(format!(
                "fold {}..={} of {} lines",
                f.start_line,
                f.end_line,
                lines.count()
            ));
        }
    }

    let lenses = server
        .request::<req::CodeLensRequest>(CodeLensParams {
            text_document: text_document(doc),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await;
    for l in lenses.iter().flatten() {
        c.range("code lens", l.range);
    }

    let hints = server
        .request::<req::InlayHintRequest>(InlayHintParams {
            text_document: text_document(doc),
            range: whole,
            work_done_progress_params: WorkDoneProgressParams::default(),
        })
        .await;
    for h in hints.iter().flatten() {
        c.position("inlay hint", h.position);
    }

    let document_links = server
        .request::<req::DocumentLinkRequest>(DocumentLinkParams {
            text_document: text_document(doc),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await;
    for l in document_links.iter().flatten() {
        c.range("document link", l.range);
    }

    // Code actions: the whole document, the lines asked about, and, as Neovim sends them, a
    // zero-width range at every column (inside characters too) of the first diagnostic's
    // line and at the start, middle and end of the others, with the line's diagnostics.
    let mut requests: Vec<(Range, Vec<Diagnostic>)> = vec![(whole, pulled.clone())];
    let mut diagnostic_lines = 0;
    for line in 0..lines.count() {
        let width = lines.widths[line as usize];
        let on_line: Vec<Diagnostic> = pulled
            .iter()
            .filter(|d| d.range.start.line <= line && line <= d.range.end.line)
            .cloned()
            .collect();
        if on_line.is_empty() && !lines.sampled(line) {
            continue;
        }
        requests.push((
            Range::new(Position::new(line, 0), Position::new(line, width)),
            on_line.clone(),
        ));
        if on_line.is_empty() {
            continue;
        }
        diagnostic_lines += 1;
        let columns: Vec<u32> = if diagnostic_lines == 1 {
            (0..=width).collect()
        } else {
            vec![0, width / 2, width]
        };
        for character in columns {
            let p = Position::new(line, character);
            requests.push((Range::new(p, p), on_line.clone()));
        }
    }
    for (range, diagnostics) in requests {
        let actions = server
            .request::<req::CodeActionRequest>(CodeActionParams {
                text_document: text_document(doc),
                range,
                context: CodeActionContext {
                    diagnostics,
                    only: None,
                    trigger_kind: Some(CodeActionTriggerKind::AUTOMATIC),
                },
                work_done_progress_params: WorkDoneProgressParams::default(),
                partial_result_params: PartialResultParams::default(),
            })
            .await;
        for a in actions.iter().flatten() {
            let CodeActionOrCommand::CodeAction(a) = a else {
                continue;
            };
            let what = format!("code action `{}` at {range:?}", a.title);
            if let Some(edit) = &a.edit {
                c.workspace_edit(&what, doc, edit);
            }
            for d in a.diagnostics.iter().flatten() {
                c.diagnostic(&format!("{what} diagnostic"), doc, d);
            }
        }
    }

    for p in lines.cursors() {
        let hover = server.hover(doc, p).await;
        if let Some(range) = hover.and_then(|h| h.range) {
            c.range(&format!("hover at {p:?}"), range);
        }
        let completion = server
            .request::<req::Completion>(CompletionParams {
                text_document_position: at(doc, p),
                work_done_progress_params: WorkDoneProgressParams::default(),
                partial_result_params: PartialResultParams::default(),
                context: None,
            })
            .await;
        let items = match completion {
            Some(CompletionResponse::Array(items)) => items,
            Some(CompletionResponse::List(items)) => items.items,
            None => Vec::new(),
        };
        for item in &items {
            let what = format!("completion `{}` at {p:?}", item.label);
            match &item.text_edit {
                Some(CompletionTextEdit::Edit(e)) => {
                    c.range(&what, e.range);
                    // Clients want the edit on one line, around the cursor.
                    if e.range.start.line != e.range.end.line
                        || !contains(e.range, Range::new(p, p))
                    {
                        c.problems
                            .push(format!("{what}: edit {:?} not around the cursor", e.range));
                    }
                }
                Some(CompletionTextEdit::InsertAndReplace(e)) => {
                    c.range(&what, e.insert);
                    c.range(&what, e.replace);
                }
                None => {}
            }
            c.edits(&what, item.additional_text_edits.iter().flatten());
        }
    }
    c.problems
}

/// Opens each document in a fresh server with the given encoding, asks everything, applies
/// an edit that types a new item at the end (`\n- `), and asks everything again.
async fn check_all(documents: &[(String, String)], utf8: bool) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, text) in documents {
        let mut builder = TestServer::builder().pull_diagnostics().versioned_edits();
        if utf8 {
            builder = builder.utf8();
        }
        let mut server = builder.start().await;
        let negotiated = server
            .initialize_result
            .as_ref()
            .and_then(|r| r.capabilities.position_encoding.clone());
        let expected = if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        };
        assert_eq!(negotiated, Some(expected));
        let doc = uri("validity.md");
        let diagnostics = server.open(&doc, text).await;
        let mut problems = ask_everything(&mut server, &doc, text, utf8, 1, &diagnostics).await;

        let lines = Lines::new(text, utf8);
        let last = lines.count() - 1;
        let end = Position::new(last, lines.widths[last as usize]);
        let diagnostics = server.change(&doc, &[(Range::new(end, end), "\n- ")]).await;
        let typed = server.text(&doc);
        problems.extend(
            ask_everything(&mut server, &doc, &typed, utf8, 2, &diagnostics)
                .await
                .into_iter()
                .map(|p| format!("after typing `- `: {p}")),
        );
        server
            .notify::<note::DidCloseTextDocument>(DidCloseTextDocumentParams {
                text_document: text_document(&doc),
            })
            .await;
        let _ = server.take_messages();
        if !problems.is_empty() {
            problems.truncate(12);
            failures.push(format!(
                "{name} ({}):\n  {}\n  text: {text:?}",
                if utf8 { "UTF-8" } else { "UTF-16" },
                problems.join("\n  ")
            ));
        }
    }
    failures
}

fn assert_valid(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} documents with invalid answers:\n{}",
        failures.len(),
        failures
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every `.md` of a folder, by name.
fn markdown_in(dir: &Path, ext: &str) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), text)
        })
        .collect();
    out.sort();
    out
}

/// The corpus, the real-world patterns, the example roadmap and the seeds beside the project
/// (absent seeds are skipped, as `tests/seeds.rs` does), and every `.md` of the folder named
/// by `TICKMARK_EXTRA_ROADMAPS` when it is set (such as a checkout of the real-world corpus
/// of `tests/realworld/manifest.tsv`, which is not in the repository).
fn written_documents() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = markdown_in(&root.join("tests/corpus"), "md");
    assert!(docs.len() >= 10, "the corpus is missing");
    docs.extend(markdown_in(&root.join("tests/realworld/patterns"), "md"));
    if let Some(extra) = std::env::var_os("TICKMARK_EXTRA_ROADMAPS") {
        let extra = markdown_in(Path::new(&extra), "md");
        assert!(!extra.is_empty(), "TICKMARK_EXTRA_ROADMAPS has no .md file");
        docs.extend(extra);
    }
    let example = root.join("examples/ROADMAP.md");
    docs.push((
        example.display().to_string(),
        std::fs::read_to_string(&example).unwrap(),
    ));
    let seeds = markdown_in(&root.join("../shared/seeds"), "txt");
    if seeds.is_empty() {
        eprintln!("the seeds beside the project are absent; checking the corpus alone");
    }
    docs.extend(seeds);
    docs
}

/// `n` documents from the roadmap grammar, the same on every run.
fn generated_documents(n: usize) -> Vec<(String, String)> {
    let mut runner = TestRunner::deterministic();
    let strategy = roadmap_gen::roadmap(24);
    (0..n)
        .map(|i| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            (format!("generated #{i}"), text)
        })
        .collect()
}

/// Documents written to hit the known traps, with their names.
fn traps() -> Vec<(String, String)> {
    [
        "- [ ] a  \n- \n",
        "- ",
        "-",
        "# Roadmap\n- [ ] a \t\n  - [x] b  \n",
        "- task 0\r\n-\r\n\t- \r\n",
        "> # Quoted\n> - [ ] q  \n",
        "- item\n  # Inner\n  - [ ] sub\n## Two\n- [ ] c\n",
        "See [x](\u{a0}foo.md) now\n",
        "# 🔴 Critical\r\n- [ ] 👍🏽 emoji [P1]  \r\n  - [x] 𝄞 \r\n",
        "\u{feff}# BOM\n- [] x\n",
        "\n\n\n",
        "",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| (format!("trap #{i}"), (*t).to_owned()))
    .collect()
}

#[tokio::test]
async fn answers_on_known_traps_are_valid_in_both_encodings() {
    let docs = traps();
    let mut failures = check_all(&docs, false).await;
    failures.extend(check_all(&docs, true).await);
    assert_valid(&failures);
}

#[tokio::test]
async fn answers_on_the_corpus_example_and_seeds_are_valid_in_both_encodings() {
    let docs = written_documents();
    let mut failures = check_all(&docs, false).await;
    failures.extend(check_all(&docs, true).await);
    assert_valid(&failures);
}

#[tokio::test]
async fn answers_on_generated_documents_are_valid_in_utf16() {
    assert_valid(&check_all(&generated_documents(250), false).await);
}

#[tokio::test]
async fn answers_on_generated_documents_are_valid_in_utf8() {
    assert_valid(&check_all(&generated_documents(250), true).await);
}

/// The checker itself finds what it is meant to find.
#[test]
fn the_checker_rejects_what_clients_reject() {
    let lines = Lines::new("ab\r\n🔴\n", false);
    let mut c = Checker {
        lines: &lines,
        version: 3,
        problems: Vec::new(),
    };
    c.position("ok", Position::new(0, 2));
    c.position("ok", Position::new(1, 2));
    c.position("ok", Position::new(2, 0));
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    c.position("past the CR", Position::new(0, 3));
    c.position("past the line", Position::new(1, 3));
    c.position("past the end", Position::new(3, 0));
    c.range(
        "inverted",
        Range::new(Position::new(0, 2), Position::new(0, 1)),
    );
    let symbol = |range: Range, selection: Range| {
        #[allow(deprecated)]
        DocumentSymbol {
            name: "a".to_owned(),
            detail: None,
            kind: SymbolKind::STRING,
            tags: None,
            deprecated: None,
            range,
            selection_range: selection,
            children: None,
        }
    };
    let first_line = Range::new(Position::new(0, 0), Position::new(0, 2));
    let head = Range::new(Position::new(0, 0), Position::new(0, 1));
    c.symbol(&symbol(head, first_line), None);
    c.symbol(&symbol(first_line, head), Some(head));
    let edit = WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri("a.md"),
                version: Some(2),
            },
            edits: vec![
                OneOf::Left(TextEdit::new(first_line, String::new())),
                OneOf::Left(TextEdit::new(head, String::new())),
            ],
        }])),
        ..WorkspaceEdit::default()
    };
    c.workspace_edit("stale", &uri("a.md"), &edit);
    let found: Vec<&str> = c
        .problems
        .iter()
        .map(|p| p.split(':').next().unwrap())
        .collect();
    assert_eq!(
        found,
        [
            "past the CR",
            "past the line",
            "past the end",
            "inverted",
            "symbol `a`",
            "symbol `a`",
            "stale",
            "stale"
        ],
        "{:#?}",
        c.problems
    );
}

/// The outline of a list whose lines end in white space, as while typing: each selection is
/// the item's first line without the trailing blanks, inside the symbol's range.
#[tokio::test]
async fn outline_of_lines_ending_in_white_space() {
    let mut server = TestServer::new().await;
    let doc = uri("ROADMAP.md");
    server.open(&doc, "- [ ] a  \n  - [x] b\t\n- \n").await;
    let Some(DocumentSymbolResponse::Nested(symbols)) = server
        .request::<req::DocumentSymbolRequest>(DocumentSymbolParams {
            text_document: text_document(&doc),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        })
        .await
    else {
        panic!("a nested outline");
    };
    let mut found = Vec::new();
    let mut stack: Vec<&DocumentSymbol> = symbols.iter().rev().collect();
    while let Some(s) = stack.pop() {
        found.push(format!(
            "{} {} {}",
            s.name,
            crate::support::span(s.range),
            crate::support::span(s.selection_range)
        ));
        stack.extend(s.children.iter().flatten().rev());
    }
    assert_eq!(
        found,
        [
            "a 0:0-1:9 0:0-0:7",
            "b 1:2-1:9 1:2-1:9",
            "(empty) 2:0-2:1 2:0-2:1"
        ]
    );
}
