//! `tickmark explain CODE`: a rule's documentation, from the rule's own doc comment.

use std::process::ExitCode;

use super::ExplainArgs;

pub fn run(_args: &ExplainArgs) -> ExitCode {
    ExitCode::from(2)
}
