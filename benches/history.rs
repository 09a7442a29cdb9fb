//! Item history on a generated repository (`../shared/item-history/gen_repo.py`): 8,000
//! commits, 2,000 of which change ROADMAP.md. Each figure is measured in the same run as the
//! git CLI doing the equivalent work (`git log --raw -- FILE` for the commits that changed
//! the file, `git cat-file --batch` for their blobs), and printed as a ratio to it:
//!
//! - cold build of the file's history (target < 1 s);
//! - a cold `tickmark history FILE:LINE` process, against `git log -p -- FILE` (target 3×);
//! - hover from the cache: the cache lookup alone, and end to end through the language
//!   server (a `textDocument/hover` round trip), against a no-op request (target < 5 ms);
//! - catching up one new commit (target < 10 ms), against `git log OLD..NEW --raw -- FILE`
//!   plus `cat-file` of the new blob.
//!
//! `cargo bench --bench history` (release). Without `--bench` (as `cargo test --benches`
//! runs it) it uses a small repository and one round, to stay quick. The repository is
//! generated into a temporary directory and removed afterwards.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/lsp/support.rs"]
#[allow(dead_code, clippy::wildcard_imports, clippy::struct_excessive_bools)]
mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use support::{pos, TestServer};
use tickmark::history::{FileHistory, HistoryCache, HoverHistory};
use tower_lsp::lsp_types::Url;

/// Runs git with no global or system config and every configurable program switched off.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "--no-pager",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "log.showSignature=false",
            "-c",
            "gc.auto=0",
        ]);
    command
}

/// The git CLI's equivalent of reading the file's history: the commits that changed it (with
/// their blob ids), then every blob through one `cat-file --batch`. Returns the bytes read.
fn git_cli_history(dir: &Path, range: Option<&str>) -> usize {
    let mut log = git(dir);
    log.args([
        "log",
        "--format=%H %an %at %s",
        "--raw",
        "--no-abbrev",
        "--no-renames",
    ]);
    if let Some(range) = range {
        log.arg(range);
    }
    let out = log.args(["--", "ROADMAP.md"]).output().expect("git log");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut blobs = String::new();
    for line in text.lines().filter(|l| l.starts_with(':')) {
        if let Some(blob) = line.split_whitespace().nth(3) {
            blobs.push_str(blob);
            blobs.push('\n');
        }
    }
    let mut cat = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git cat-file");
    let mut stdin = cat.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(blobs.as_bytes());
    });
    let out = cat.wait_with_output().expect("cat-file output");
    let _ = writer.join();
    out.stdout.len()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn row(name: &str, ours: Duration, git: Duration, target_ms: f64) {
    println!(
        "{name:<34} {:>10.3} ms   git CLI {:>9.3} ms   ratio {:>6.2}×   target < {target_ms} ms: {}",
        ms(ours),
        ms(git),
        ours.as_secs_f64() / git.as_secs_f64().max(1e-9),
        if ms(ours) < target_ms { "met" } else { "MISSED" }
    );
}

fn generate(dir: &Path, roadmap_commits: usize, other_commits: usize) -> bool {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/item-history/gen_repo.py");
    if !script.exists() {
        println!("history bench: {} not found; skipped", script.display());
        return false;
    }
    let status = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .args(["--roadmap-commits", &roadmap_commits.to_string()])
        .args(["--other-commits", &other_commits.to_string()])
        .stdout(Stdio::null())
        .status();
    matches!(status, Ok(s) if s.success())
}

/// Commits one more change to ROADMAP.md (toggles the first open box).
fn commit_one(dir: &Path, n: usize) {
    let path = dir.join("ROADMAP.md");
    let text = std::fs::read_to_string(&path).expect("roadmap");
    let text = if n % 2 == 0 {
        text.replacen("- [ ] ", "- [x] ", 1)
    } else {
        text.replacen("- [x] ", "- [ ] ", 1)
    };
    std::fs::write(&path, text).expect("write");
    let status = git(dir)
        .args(["commit", "-q", "-a", "-m", "bench: one more"])
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.com")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.com")
        .status()
        .expect("git commit");
    assert!(status.success());
}

fn head(dir: &Path) -> String {
    let out = git(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .expect("rev-parse");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The line (0-based) of the first task in `text`.
fn first_task(text: &str) -> usize {
    text.lines().position(|l| l.starts_with("- [")).unwrap_or(0)
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let (mut roadmap_commits, mut other_commits, rounds) =
        if quick { (60, 140, 1) } else { (2000, 6000, 7) };
    // `HISTORY_BENCH_COMMITS=800,200`: commits that change the roadmap, and others.
    if let Some((roadmap, other)) = std::env::var("HISTORY_BENCH_COMMITS").ok().and_then(|v| {
        Some((
            v.split_once(',')?.0.parse().ok()?,
            v.split_once(',')?.1.parse().ok()?,
        ))
    }) {
        (roadmap_commits, other_commits) = (roadmap, other);
    }
    let temp = tempfile::tempdir().expect("temp dir");
    let dir: PathBuf = temp.path().join("repo");
    if !generate(&dir, roadmap_commits, other_commits) {
        return;
    }
    let path = dir.join("ROADMAP.md");
    println!(
        "item history: {roadmap_commits} of {} commits change ROADMAP.md ({} rounds, medians)",
        roadmap_commits + other_commits,
        rounds
    );

    // Cold build against the git CLI reading the same versions.
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    // The history kept in the git dir makes every build after the first warm: removed
    // before each cold one.
    let kept = dir.join(".git").join("tickmark");
    for _ in 0..rounds {
        let _ = std::fs::remove_dir_all(&kept);
        let start = Instant::now();
        let history = FileHistory::build(&path, &AtomicBool::new(false)).expect("history");
        ours.push(start.elapsed());
        // Some commits of the generator leave the file as it was (a box toggled twice).
        assert!(history.commits.len() >= roadmap_commits * 9 / 10);
        let start = Instant::now();
        assert!(git_cli_history(&dir, None) > 0);
        theirs.push(start.elapsed());
    }
    let git_cold = median(theirs);
    row("cold build", median(ours), git_cold, 1000.0);

    // A cold `tickmark history` process against `git log -p -- FILE` (target: within 3×).
    let text = std::fs::read_to_string(&path).expect("roadmap");
    let location = format!("ROADMAP.md:{}", first_task(&text) + 1);
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut warm = Vec::new();
    for _ in 0..rounds {
        let _ = std::fs::remove_dir_all(&kept);
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .args(["history", &location])
            .current_dir(&dir)
            .output()
            .expect("tickmark history");
        ours.push(start.elapsed());
        assert!(out.status.success(), "{out:?}");
        // A second process starts from the history the first kept.
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .args(["history", &location])
            .current_dir(&dir)
            .output()
            .expect("tickmark history");
        warm.push(start.elapsed());
        assert!(out.status.success(), "{out:?}");
        let start = Instant::now();
        let out = git(&dir)
            .args(["log", "-p", "--", "ROADMAP.md"])
            .output()
            .expect("git log -p");
        theirs.push(start.elapsed());
        assert!(!out.stdout.is_empty());
    }
    let git_log_p = median(theirs);
    let process = median(ours);
    let second = median(warm);
    println!(
        "{:<34} {:>10.3} ms   git log -p {:>9.3} ms   {:>6.2}×",
        "warm second `tickmark history`",
        ms(second),
        ms(git_log_p),
        ms(second) / ms(git_log_p)
    );
    println!(
        "{:<34} {:>10.3} ms   git log -p {:>9.3} ms   {:>6.2}×   (target 3× git log -p)",
        "cold `tickmark history` process",
        ms(process),
        ms(git_log_p),
        ms(process) / ms(git_log_p)
    );

    // Hover from the cache, without and with the server around it.
    let text = std::fs::read_to_string(&path).expect("roadmap");
    let line = first_task(&text);
    let cache = HistoryCache::new();
    cache.warm(&path);
    let mut lookups = Vec::new();
    for _ in 0..(rounds * 30) {
        let start = Instant::now();
        let answer = cache.hover(&path, &text, line, jiff::civil::date(2025, 3, 1));
        lookups.push(start.elapsed());
        assert!(matches!(answer, HoverHistory::Ready { .. }), "{answer:?}");
    }
    row("hover: cache lookup", median(lookups), git_cold, 5.0);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut server = TestServer::new().await;
        let uri = Url::from_file_path(&path).expect("file uri");
        server.open(&uri, &text).await;
        let settle = Instant::now();
        while !server.backend().shared.history.is_settled(&path) {
            assert!(
                settle.elapsed() < Duration::from_secs(120),
                "history never built"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Once the history is read the roadmap's diagnostics are redone (its date field is
        // now checked against the last commit): those publications are not measured here.
        let _ = server.take_messages();
        let mut noop = Vec::new();
        let mut hovers = Vec::new();
        for _ in 0..(rounds * 30) {
            let start = Instant::now();
            let _ = server
                .raw_request("tickmark/noSuchMethod", serde_json::json!({}))
                .await;
            noop.push(start.elapsed());
            let start = Instant::now();
            let hover = server
                .hover(&uri, pos(line as u32, 3))
                .await
                .expect("hover");
            hovers.push(start.elapsed());
            let tower_lsp::lsp_types::HoverContents::Markup(markup) = hover.contents else {
                panic!("markdown hover")
            };
            assert!(markup.value.contains("**History**"), "{}", markup.value);
        }
        let noop = median(noop);
        let hover = median(hovers);
        row("hover: through the server", hover, git_cold, 5.0);
        println!(
            "{:<34} {:>10.3} ms   (hover = {:.1}× a no-op request round trip)",
            "no-op request round trip",
            ms(noop),
            hover.as_secs_f64() / noop.as_secs_f64().max(1e-9)
        );
    });

    // Catching up one new commit, against the git CLI reading just that range.
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for n in 0..(rounds * 3) {
        let before = head(&dir);
        commit_one(&dir, n);
        let start = Instant::now();
        cache.warm(&path);
        ours.push(start.elapsed());
        let start = Instant::now();
        assert!(git_cli_history(&dir, Some(&format!("{before}..HEAD"))) > 0);
        theirs.push(start.elapsed());
        let history = cache.get(&path).expect("history");
        assert_eq!(history.head, head(&dir), "caught up");
    }
    row("catch up one commit", median(ours), median(theirs), 10.0);
}
