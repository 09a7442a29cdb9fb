//! The command line: `tickmark check`, `stats`, `history`, `diff`, `explain`, `config`, `lsp`.
//! The help text written here is the user documentation of each command.

pub mod check;
pub mod config;
pub mod diff;
pub mod explain;
pub mod history;
mod parallel;
pub mod render;
pub mod stats;

use std::path::PathBuf;

use std::io::Write;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Writes `text` to standard output. A reader that stops early (`tickmark … | head`) ends the
/// output quietly, where `print!` would panic on the closed pipe.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes `text` to standard output and exits 0, or 2 when it could not be written.
pub fn print_all(text: &str) -> std::process::ExitCode {
    if write_stdout(text).is_ok() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(2)
    }
}

/// Checks roadmap markdown (ROADMAP.md, TODO.md, BACKLOG.md, tech-debt lists) and serves it
/// to editors as a language server.
#[derive(Debug, Parser)]
#[command(name = "tickmark", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the language server on standard input and output.
    Lsp(LspArgs),
    /// Report problems in roadmap files; exit 1 when a warning or error remains, 2 on a usage
    /// or I/O error.
    ///
    /// Files are checked on every core (the environment variable TICKMARK_THREADS=N sets how
    /// many threads) and reported in the order they were found.
    Check(CheckArgs),
    /// Show progress per section and per priority (lines are 1-based, in JSON too); with
    /// several files (a directory), the total over all of them too. With `--since`, what
    /// happened instead, from each file's git history: items added, checked, reopened,
    /// re-prioritised and dropped unchecked, per week and per priority, and the median days
    /// to done per priority.
    Stats(StatsArgs),
    /// Print one item's timeline from git.
    History(HistoryArgs),
    /// Summarise what a range of commits did to the roadmap items.
    Diff(DiffArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Inspect configuration (`--schema` prints the JSON schema of tickmark.toml).
    Config(ConfigArgs),
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; the server always speaks over stdio.
    #[arg(long)]
    pub stdio: bool,
}

/// Output formats of `tickmark check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Each problem with its source line and a caret under the span.
    Human,
    /// One JSON array of problems.
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; a directory means every roadmap file below it
    /// (honouring .gitignore), and one that holds none is an error (exit 2). `-` reads
    /// standard input (see --stdin-filename). Default: `.`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Apply every safe fix in place, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// The name to report for a document read from standard input (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Use this tickmark.toml instead of searching upward from each path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also read each file's git history and report what only it tells: `reopened-item`
    /// and `stale-open`. Reads every commit that changed the file (in-process; no git
    /// program or repository-configured command is run), so it costs about what
    /// `git log -p -- FILE` does.
    #[arg(long)]
    pub history: bool,
}

/// Output formats of `tickmark stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
    /// Markdown tables, for `$GITHUB_STEP_SUMMARY` or a comment.
    Markdown,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Files or directories (default: `.`).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
    /// Use this tickmark.toml instead of searching upward from each path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report what happened since this day instead of the progress: a date (`2025-01-31`)
    /// or days or weeks back from today (`90d`, `12w`). Reads each file's git history
    /// (author dates; weeks start on Monday); a file with no history is an error (exit 2).
    #[arg(long, value_name = "DATE|Nd|Nw")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The item, as `FILE:LINE` (1-based line).
    #[arg(value_name = "FILE:LINE")]
    pub location: String,
    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

/// Output formats of `tickmark diff` and `tickmark history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The commits to compare, as `BASE..HEAD` (HEAD defaults to `HEAD`).
    #[arg(value_name = "BASE..HEAD")]
    pub range: String,
    /// Files to summarise, or folders (every Markdown file below them the range changed);
    /// default: every roadmap the range changed (tickmark.toml `roadmaps`, else the default
    /// globs).
    pub paths: Vec<PathBuf>,
    /// Output format; markdown is ready for a pull-request description.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code such as `malformed-checkbox`, in any case; omit to list every rule.
    pub code: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the JSON schema of tickmark.toml.
    #[arg(long)]
    pub schema: bool,
}
