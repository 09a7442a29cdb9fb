//! The `tickmark` binary: parses the command line and hands over to `cli` or `server`.

use std::process::ExitCode;

use clap::Parser;
use tickmark::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lsp(args) => tickmark::server::run(&args),
        Command::Check(args) => tickmark::cli::check::run(&args),
        Command::Stats(args) => tickmark::cli::stats::run(&args),
        Command::History(args) => tickmark::cli::history::run(&args),
        Command::Diff(args) => tickmark::cli::diff::run(&args),
        Command::Explain(args) => tickmark::cli::explain::run(&args),
        Command::Config(args) => tickmark::cli::config::run(&args),
    }
}
