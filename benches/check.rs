//! `tickmark check` over a folder of 2,000 generated roadmaps (1–20 KB each, in the style of
//! real ones: a priority legend, tiers, nested tasks, fields, links, a few planted problems),
//! timed against `rumdl check` of the same folder in the same run, and against itself on one
//! thread (`TICKMARK_THREADS=1`) to show what spreading the files over the cores gains.
//!
//! The three commands run interleaved, five times each; the figures are medians of the wall
//! time of the whole process, output (JSON) thrown away. rumdl is the PyPI package `rumdl`
//! (`pip install rumdl`), found on PATH or at `TICKMARK_BENCH_RUMDL`; it runs without
//! configuration or cache, so it reads and checks every file each time. Without it the
//! comparison is skipped with a hint.
//!
//! Beside the wall time, each command's CPU time (user + system, from `/proc/self/stat`'s
//! children's times, Linux) is reported: on a shared machine the wall time of a parallel
//! command follows the load, its CPU time much less.
//!
//! The folder is committed to a git repository when git is on PATH, as a project's roadmaps
//! are where CI checks them: tickmark then reads each file's last commit date (`stale-date`).
//!
//! `TICKMARK_BENCH_KEEP=DIR` writes the roadmaps into `DIR` and leaves them there (to profile
//! one command on them).
//!
//! `cargo bench --bench check` (release). Without `--bench` (as `cargo test --benches` runs
//! it) it checks 20 files once with tickmark alone, to stay quick. The files are generated
//! into a temporary directory and removed afterwards.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 2_000;
const SMOKE_FILES: usize = 20;
const RUNS: usize = 5;

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let files = if full { FILES } else { SMOKE_FILES };
    let temporary = tempfile::tempdir().expect("a temporary directory");
    let kept = std::env::var_os("TICKMARK_BENCH_KEEP").map(PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temporary.path());
    let bytes = generate(dir, files);
    let committed = if commit(dir) {
        "committed to a git repository"
    } else {
        "not in a repository (git not found)"
    };
    println!(
        "check: {files} roadmaps, {} KB, in {}, {committed}",
        bytes / 1_000,
        dir.display()
    );
    let tickmark = Tool::tickmark(None);
    if !full {
        let took = tickmark.run(dir);
        println!(
            "smoke run: tickmark check {:.1} ms, CPU {:.1} ms",
            ms(took.wall),
            ms(took.cpu)
        );
        return;
    }
    println!("load: {}", load());
    let mut tools = vec![tickmark, Tool::tickmark(Some(1))];
    match rumdl() {
        Some(rumdl) => tools.push(rumdl),
        None => println!(
            "rumdl not found: `pip install rumdl` (or set TICKMARK_BENCH_RUMDL) to compare"
        ),
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
    let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
    for _ in 0..RUNS {
        for (i, tool) in tools.iter().enumerate() {
            let took = tool.run(dir);
            times[i].push(took.wall);
            cpu[i].push(took.cpu);
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    let cpu_medians: Vec<Duration> = cpu.iter_mut().map(|t| median(t)).collect();
    for (i, tool) in tools.iter().enumerate() {
        let all: Vec<String> = times[i].iter().map(|t| format!("{:.0}", ms(*t))).collect();
        println!(
            "{:<28} median {:>8.1} ms   CPU {:>8.1} ms   runs {}",
            tool.name,
            ms(medians[i]),
            ms(cpu_medians[i]),
            all.join(" ")
        );
    }
    println!(
        "tickmark on every core vs one thread: {:.2}x faster",
        ratio(medians[1], medians[0])
    );
    if let Some(rumdl) = medians.get(2) {
        println!(
            "tickmark / rumdl: {:.2} (tickmark {:.2}x faster; {:.2}x less CPU)",
            ratio(medians[0], *rumdl),
            ratio(*rumdl, medians[0]),
            ratio(cpu_medians[2], cpu_medians[0])
        );
    }
    println!("load after: {}", load());
}

/// One command to time: a program and its arguments, run on the folder.
struct Tool {
    name: String,
    program: PathBuf,
    args: Vec<&'static str>,
    env: Vec<(&'static str, String)>,
    /// Exit codes that mean the check ran (problems found or not).
    ok: &'static [i32],
}

impl Tool {
    fn tickmark(threads: Option<usize>) -> Tool {
        Tool {
            name: match threads {
                Some(n) => format!("tickmark check ({n} thread)"),
                None => "tickmark check".to_owned(),
            },
            program: PathBuf::from(env!("CARGO_BIN_EXE_tickmark")),
            args: vec!["check", "--format", "json"],
            env: threads
                .map(|n| ("TICKMARK_THREADS", n.to_string()))
                .into_iter()
                .collect(),
            ok: &[0, 1],
        }
    }

    /// The wall and CPU time of one run on `dir`. Panics when the command fails to check.
    fn run(&self, dir: &Path) -> Took {
        let cpu_before = children_cpu();
        let start = Instant::now();
        let out = Command::new(&self.program)
            .args(&self.args)
            .arg(dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", self.program.display()));
        let took = Took {
            wall: start.elapsed(),
            cpu: children_cpu().saturating_sub(cpu_before),
        };
        let code = out.status.code().unwrap_or(-1);
        assert!(
            self.ok.contains(&code),
            "{} exited {code}: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        took
    }
}

/// What one run took.
struct Took {
    wall: Duration,
    /// User and system time of the command (zero where `/proc` is not there).
    cpu: Duration,
}

/// The CPU time (user + system) of this process's waited-for children: fields 16 and 17 of
/// `/proc/self/stat`, in clock ticks of 10 ms (`USER_HZ` is 100 on Linux).
fn children_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3, so field n is fields[n - 3].
    let ticks: u64 = [16, 17]
        .iter()
        .filter_map(|&n| fields.get(n - 3)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// rumdl from `TICKMARK_BENCH_RUMDL`, else from PATH, if it runs.
fn rumdl() -> Option<Tool> {
    let program = std::env::var_os("TICKMARK_BENCH_RUMDL")
        .map_or_else(|| PathBuf::from("rumdl"), PathBuf::from);
    let version = Command::new(&program).arg("--version").output().ok()?;
    if !version.status.success() {
        return None;
    }
    Some(Tool {
        name: String::from_utf8_lossy(&version.stdout).trim().to_owned(),
        program,
        // No configuration found above the temporary folder may change what it checks, and
        // no cache may let it skip a file it has seen.
        args: vec![
            "check",
            "--no-config",
            "--no-cache",
            "--output-format",
            "json",
        ],
        env: Vec::new(),
        ok: &[0, 1],
    })
}

/// Commits everything in `dir` to a new git repository there, as the roadmaps of a project
/// are when CI checks them (tickmark then reads each file's last commit date, for
/// `stale-date`). False when git cannot be run.
fn commit(dir: &Path) -> bool {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .env("GIT_COMMITTER_NAME", "Bench")
            .env("GIT_COMMITTER_EMAIL", "bench@example.com")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    git(&["init", "-q"]) && git(&["add", "-A"]) && git(&["commit", "-q", "-m", "Roadmaps"])
}

/// Writes `files` roadmaps below `dir`, spread over folders, named so that tickmark's default
/// globs find every one (`ROADMAP*.md`, `TODO*.md`, `BACKLOG*.md`); nothing else is there for
/// rumdl to find. Returns the bytes written.
fn generate(dir: &Path, files: usize) -> usize {
    let mut random = Random(0x5eed_cafe_f00d_d00d);
    let mut total = 0;
    for n in 0..files {
        let name = ["ROADMAP", "TODO", "BACKLOG"][n % 3];
        let path = dir.join(format!("team-{:02}/{name}-{n:04}.md", n % 40));
        let size = 1_000 + random.below(19_000);
        let text = roadmap(n, size, &mut random);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(&path, &text).expect("write a roadmap");
        total += text.len();
    }
    total
}

/// A roadmap of about `size` bytes for project `n`: a legend, then tier sections of tasks
/// with subtasks and fields. About one task in forty has a problem planted in it.
fn roadmap(n: usize, size: usize, random: &mut Random) -> String {
    let mut text = format!(
        "# Project {n} Roadmap\n\n**Last Updated:** 2026-{:02}-{:02}\n\n## Priority Levels\n\n\
         - **[P0]** - Critical: must ship\n- **[P1]** - Important: should ship\n\
         - **[P2]** - Nice to have\n\n",
        1 + random.below(12),
        1 + random.below(28)
    );
    let tiers = [
        "🔴 Tier 1: High Impact",
        "🟡 Tier 2: Important",
        "🟢 Tier 3: Nice to Have",
    ];
    let areas = [
        "Backend",
        "Frontend",
        "Infrastructure",
        "Documentation",
        "Security",
    ];
    let mut section = 0;
    while text.len() < size.saturating_sub(200) {
        let _ = writeln!(
            text,
            "## {} — {}\n",
            tiers[section % tiers.len()],
            areas[(n + section) % areas.len()]
        );
        for task in 0..(3 + random.below(6)) {
            task_block(&mut text, n, section, task, random);
        }
        text.push('\n');
        section += 1;
    }
    text.push_str("## ✅ Completed\n\n");
    let _ = writeln!(text, "- [x] Project {n} kickoff");
    text
}

/// One task with its fields and subtasks.
fn task_block(text: &mut String, n: usize, section: usize, task: usize, random: &mut Random) {
    let done = random.below(3) == 0;
    let state = if done { "[x]" } else { "[ ]" };
    let planted = random.below(40);
    let state = match planted {
        0 => "[]",
        1 => "[ x]",
        _ => state,
    };
    let priority = if planted == 2 {
        "[p1]".to_owned()
    } else {
        format!("[P{}]", random.below(3))
    };
    let verbs = ["Add", "Fix", "Refactor", "Document", "Migrate", "Test"];
    let things = [
        "rate limiting",
        "login flow",
        "CI caching",
        "exports",
        "search",
    ];
    let _ = writeln!(
        text,
        "- {state} {priority} **{} the {} for {n}-{section}-{task}**",
        verbs[random.below(verbs.len())],
        things[random.below(things.len())]
    );
    let _ = writeln!(text, "  - **Time:** {} hours", 1 + random.below(8));
    if random.below(2) == 0 {
        let _ = writeln!(
            text,
            "  - **Impact:** faster pages for {} users",
            10 * (1 + random.below(100))
        );
    }
    if random.below(4) == 0 {
        let _ = writeln!(
            text,
            "  - See [the design notes](https://example.com/{n}/{section}/{task})"
        );
    }
    for sub in 0..random.below(4) {
        // An open task keeps its first step open (else it could be ticked itself).
        let sub_state = if done || (sub > 0 && random.below(2) == 0) {
            "[x]"
        } else {
            "[ ]"
        };
        let _ = writeln!(
            text,
            "  - {sub_state} Step {sub}: write the {} part",
            things[(task + sub) % things.len()]
        );
    }
}

/// A small deterministic generator (xorshift64), so every run checks the same files.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// The load averages, to judge how noisy the machine was.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}
