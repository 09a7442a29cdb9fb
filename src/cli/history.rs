//! `tickmark history FILE:LINE`: one item's timeline from git.
//!
//! The file on disk is the working copy: what it changes against HEAD is shown as
//! uncommitted. Exit 0 with the timeline, 2 when the location is wrong or history cannot be
//! read (the reason on stderr).

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use super::{DiffFormat, HistoryArgs};
use crate::history::{render, FileHistory};

pub fn run(args: &HistoryArgs) -> ExitCode {
    let Some((file, line)) = args
        .location
        .rsplit_once(':')
        .and_then(|(file, line)| Some((file, line.parse::<usize>().ok().filter(|&l| l > 0)?)))
    else {
        eprintln!(
            "tickmark history: expected FILE:LINE with a 1-based line, got `{}`",
            args.location
        );
        return ExitCode::from(2);
    };
    let path = Path::new(file);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("tickmark history: {file}: {error}");
            return ExitCode::from(2);
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("tickmark history: {file}: not UTF-8");
        return ExitCode::from(2);
    };
    let history = match FileHistory::build(path, &AtomicBool::new(false)) {
        Ok(history) => history,
        Err(error) => {
            eprintln!("tickmark history: {file}: {error}");
            return ExitCode::from(2);
        }
    };
    let Some(timeline) = history.timeline(&text, line - 1) else {
        eprintln!("tickmark history: {file}:{line}: no item starts on this line");
        return ExitCode::from(2);
    };
    let today = jiff::Zoned::now().date();
    let out = match args.format {
        DiffFormat::Text => render::timeline_text(&history, &timeline, today),
        DiffFormat::Markdown => render::timeline_markdown(&history, &timeline, today),
        DiffFormat::Json => {
            let value = render::timeline_json(&history, &timeline, today);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
    };
    if super::write_stdout(&out).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
