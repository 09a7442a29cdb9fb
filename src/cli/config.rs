//! `tickmark config --schema`.

use std::process::ExitCode;

use super::ConfigArgs;

pub fn run(_args: &ConfigArgs) -> ExitCode {
    ExitCode::from(2)
}
