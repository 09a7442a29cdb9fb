//! The workspace index, live: the built `tickmark lsp` over stdio on a generated tree of
//! roadmaps, beside the walk alone over the same tree in the same run.
//!
//! The tree: `TICKMARK_BENCH_FILES` roadmaps (default 10,000) of about 10 KB each (about
//! 100 MB), a hundred per folder, each with its own tasks and one of 50 items shared with
//! other files. Measured:
//!
//! 1. the walk alone: `rg --files -g '*.md'` when rg is installed, and the `ignore` walk with
//!    the roadmap globs (`tickmark::workspace::find_roadmaps`), each the median of 3;
//! 2. the analysis alone: every roadmap read, parsed and indexed on one thread, in process;
//! 3. the server: `initialized` → the `$/progress` end of its scan (the complete index), and
//!    its peak RSS (`VmHWM`) against the total text size;
//! 4. `workspace/symbol`: the median of 20 of each of three queries;
//! 5. one file changed on disk (`workspace/didChangeWatchedFiles`) → the re-published
//!    diagnostics of an open document that shares an item with it, the median of 10 (the
//!    shared task is ticked and unticked in turn, so each change adds or removes a
//!    `conflicting-state`).
//!
//! Targets: the index within 3× the walk plus the analysis; RSS below 2× the text;
//! `workspace/symbol` below 20 ms; change → re-publish below 50 ms.
//!
//! `cargo bench --bench workspace` runs it; without `--bench` (`cargo test --benches`) a
//! 100-file smoke run.

#![allow(clippy::print_stdout)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tickmark::analysis::index::FileIndex;
use tickmark::analysis::{BoxStates, Encoding};
use tickmark::config::Config;

const READ_TIMEOUT: Duration = Duration::from_secs(600);

/// One generated roadmap of about `bytes`: its own tasks (`Task f{file}.{n}.{i}`) and one of
/// 50 shared items (`Shared item k`), so each shared key is in 1 file of 50.
fn roadmap(file: usize, bytes: usize) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "# Roadmap {file}\n\n## Priority Levels\n- **[P0]** - Critical\n- **[P1]** - High\n\n- [ ] Shared item {}\n\n",
        file % 50
    );
    let mut n = 0;
    while out.len() < bytes {
        let _ = writeln!(out, "## Area {n}\n");
        for i in 0..8 {
            let state = if (file + n + i) % 3 == 0 { 'x' } else { ' ' };
            let _ = writeln!(
                out,
                "- [{state}] [P{}] Task f{file}.{n}.{i} with some words",
                i % 2
            );
            let _ = writeln!(out, "  - [x] Subtask f{file}.{n}.{i}.a");
            let _ = writeln!(out, "  - **Time:** 2-3 hours");
        }
        out.push('\n');
        n += 1;
    }
    out
}

/// Writes the tree; returns its total text size.
fn generate(root: &Path, files: usize) -> u64 {
    let mut total = 0;
    for file in 0..files {
        let dir = root.join(format!("pkg{:03}", file / 100)).join("docs");
        std::fs::create_dir_all(&dir).unwrap();
        let text = roadmap(file, 10_000);
        total += text.len() as u64;
        std::fs::write(dir.join(format!("ROADMAP-{file}.md")), text).unwrap();
        if file % 100 == 0 {
            // Markdown that is no roadmap, walked past.
            std::fs::write(dir.join("notes.md"), "Notes\n").unwrap();
        }
    }
    total
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn rg_walk(root: &Path) -> Option<(Duration, usize)> {
    let mut runs = Vec::new();
    let mut count = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let out = Command::new("rg")
            .args(["--files", "-g", "*.md"])
            .arg(root)
            .output()
            .ok()?;
        runs.push(start.elapsed());
        count = out.stdout.split(|&b| b == b'\n').count() - 1;
    }
    Some((median(runs), count))
}

fn ignore_walk(root: &Path) -> (Duration, usize) {
    let config = Config::default();
    let mut runs = Vec::new();
    let mut count = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let found = tickmark::workspace::find_roadmaps(root, &config);
        runs.push(start.elapsed());
        count = found.files.len();
    }
    (median(runs), count)
}

/// Reads, parses and indexes every roadmap on this thread.
fn analysis_alone(root: &Path) -> Duration {
    let files = tickmark::workspace::find_roadmaps(root, &Config::default()).files;
    let states = BoxStates::default();
    let start = Instant::now();
    let mut items = 0;
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = tickmark::analysis::parse::parse(&text, &states);
        items += FileIndex::new(&text, &doc, Encoding::Utf16).len();
    }
    assert!(items > 0);
    start.elapsed()
}

struct Server {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the built tickmark starts");
        let input = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || loop {
            let mut length = 0;
            loop {
                let mut header = String::new();
                if output.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some(n) = header.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            if output.read_exact(&mut body).is_err() {
                return;
            }
            let Ok(value) = serde_json::from_slice(&body) else {
                return;
            };
            if sender.send(value).is_err() {
                return;
            }
        });
        Self {
            child,
            input,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    /// The next message; the server's own requests are answered with `null` on the way.
    fn next(&mut self) -> Value {
        let message = self
            .messages
            .recv_timeout(READ_TIMEOUT)
            .expect("the server answers");
        if message.get("method").is_some() && message.get("id").is_some() {
            let id = message["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        message
    }

    fn request(&mut self, method: &str, params: &Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
        }
    }

    fn notify(&mut self, method: &str, params: &Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.next();
            if wanted(&message) {
                return message;
            }
        }
    }

    fn peak_rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

fn file_url(path: &Path) -> String {
    tower_lsp::lsp_types::Url::from_file_path(path)
        .unwrap()
        .to_string()
}

#[allow(clippy::cast_precision_loss)] // Sizes shown to one decimal.
fn run(files: usize, repeats: usize) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let bytes = generate(&root, files);
    println!(
        "workspace: {files} roadmaps, {:.1} MB of text",
        bytes as f64 / 1e6
    );
    let rg = rg_walk(&root);
    let (walk, found) = ignore_walk(&root);
    assert_eq!(found, files);
    let analysis = analysis_alone(&root);

    let mut server = Server::start();
    let folder = tower_lsp::lsp_types::Url::from_directory_path(&root)
        .unwrap()
        .to_string();
    server.request(
        "initialize",
        &json!({"capabilities": {
            "window": {"workDoneProgress": true},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
            "workspaceFolders": [{"uri": folder, "name": "bench"}]}),
    );
    let start = Instant::now();
    server.notify("initialized", &json!({}));
    let end =
        server.until(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let index = start.elapsed();
    assert_eq!(
        end["params"]["value"]["message"],
        format!("{files} roadmaps")
    );

    let mut symbol = Vec::new();
    for query in ["shared item 7", "f42.3.1", "tsk wth"] {
        let mut runs = Vec::new();
        for _ in 0..repeats {
            let start = Instant::now();
            let answer = server.request("workspace/symbol", &json!({"query": query}));
            runs.push(start.elapsed());
            assert!(!answer["result"].as_array().unwrap().is_empty(), "{query}");
        }
        symbol.push((query, median(runs)));
    }

    // An open document shares `Shared item 3` with a fiftieth of the files; one of them
    // changes on disk.
    let open = root.join("TODO.md");
    let open_text = "# Todo\n\n- [ ] Shared item 3\n";
    std::fs::write(&open, open_text).unwrap();
    let open_uri = file_url(&open);
    server.notify(
        "textDocument/didOpen",
        &json!({"textDocument": {"uri": open_uri, "languageId": "markdown", "version": 1,
               "text": open_text}}),
    );
    server.until(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == open_uri
    });
    let changed = root.join("pkg000/docs/ROADMAP-3.md");
    let original = std::fs::read_to_string(&changed).unwrap();
    let changed_uri = file_url(&changed);
    let mut republish = Vec::new();
    for n in 0..10 {
        let text = if n % 2 == 0 {
            original.replace("- [ ] Shared item 3", "- [x] Shared item 3")
        } else {
            original.clone()
        };
        std::fs::write(&changed, text).unwrap();
        let start = Instant::now();
        server.notify(
            "workspace/didChangeWatchedFiles",
            &json!({"changes": [{"uri": changed_uri, "type": 2}]}),
        );
        let published = server.until(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == open_uri
        });
        republish.push(start.elapsed());
        let conflict = published["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "conflicting-state");
        assert_eq!(conflict, n % 2 == 0);
    }
    let rss = server.peak_rss_kb();
    server.request("shutdown", &Value::Null);
    server.notify("exit", &Value::Null);
    let _ = server.child.wait();

    let baseline = walk + analysis;
    if let Some((rg, count)) = rg {
        println!(
            "  rg --files -g '*.md'         {:>10}  ({count} files)",
            ms(rg)
        );
    }
    println!("  ignore walk (roadmap globs)  {:>10}", ms(walk));
    println!("  analysis alone (one thread)  {:>10}", ms(analysis));
    println!(
        "  server: complete index       {:>10}  = {:.2}× (walk + analysis), target < 3×",
        ms(index),
        index.as_secs_f64() / baseline.as_secs_f64()
    );
    if let Some(rss) = rss {
        println!(
            "  server: peak RSS             {:>7} MB  = {:.2}× the text, target < 2×",
            rss / 1024,
            (rss * 1024) as f64 / bytes as f64
        );
    }
    for (query, time) in symbol {
        println!(
            "  workspace/symbol {query:<12}{:>10}  target < 20 ms",
            ms(time)
        );
    }
    println!(
        "  file changed → re-published  {:>10}  target < 50 ms",
        ms(median(republish))
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        run(100, 3);
        return;
    }
    let files = std::env::var("TICKMARK_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    run(files, 20);
}
