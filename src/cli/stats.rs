//! `tickmark stats`: progress per section and per priority.

use std::process::ExitCode;

use super::StatsArgs;

pub fn run(_args: &StatsArgs) -> ExitCode {
    eprintln!("tickmark stats: not built yet");
    ExitCode::from(2)
}
