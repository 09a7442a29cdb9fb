//! `tickmark explain CODE`: a rule's documentation, from the rule's own doc comment.
//! Without a code, every rule with its default severity and summary.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::ExplainArgs;
use crate::analysis::Code;

pub fn run(args: &ExplainArgs) -> ExitCode {
    let Some(name) = &args.code else {
        return super::print_all(&list());
    };
    // Rule codes are lower-case; `MOJIBAKE` or `Duplicate-Item` name the same rule.
    let Some(code) = Code::parse(&name.trim().to_ascii_lowercase()) else {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        eprintln!(
            "error: unknown rule `{name}`; known rules: {}",
            known.join(", ")
        );
        return ExitCode::from(2);
    };
    super::print_all(&format!(
        "{}\n\nDefault severity: {}.\nSee also: {}\n",
        code.docs(),
        code.default_severity().as_str(),
        code.href()
    ))
}

/// One line per rule: code, default severity, summary.
pub fn list() -> String {
    let width = Code::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for code in Code::ALL {
        let _ = writeln!(
            out,
            "{:<width$}  {:<11}  {}",
            code.as_str(),
            code.default_severity().as_str(),
            code.summary()
        );
    }
    out.push_str("\nRun `tickmark explain CODE` for a rule's documentation.\n");
    out
}
