//! `tickmark history FILE:LINE`: one item's timeline from git.

use std::process::ExitCode;

use super::HistoryArgs;

pub fn run(_args: &HistoryArgs) -> ExitCode {
    eprintln!("tickmark history: not built yet");
    ExitCode::from(2)
}
