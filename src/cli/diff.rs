//! `tickmark diff BASE..HEAD`: what a range of commits did to the roadmap items.

use std::process::ExitCode;

use super::DiffArgs;

pub fn run(_args: &DiffArgs) -> ExitCode {
    eprintln!("tickmark diff: not built yet");
    ExitCode::from(2)
}
