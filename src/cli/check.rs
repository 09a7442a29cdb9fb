//! `tickmark check`: discover → read → analyse → render or fix → exit code.

use std::process::ExitCode;

use super::CheckArgs;

pub fn run(_args: &CheckArgs) -> ExitCode {
    eprintln!("tickmark check: not built yet");
    ExitCode::from(2)
}
