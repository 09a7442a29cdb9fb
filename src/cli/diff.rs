//! `tickmark diff BASE..HEAD [PATHS…]`: what a range of commits did to the roadmap items —
//! added, checked, reopened, re-prioritised, reworded, moved, dropped unchecked — as text,
//! as Markdown for a pull-request description, or as JSON.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::{DiffArgs, DiffFormat};
use crate::config::Config;
use crate::history::diff::{diff_range, DiffItem, FileDiff, RangeDiff};
use crate::history::render::{priority_name, state_name};

/// The default roadmap globs (SPEC §6), for picking the changed files when none are named.
const ROADMAP_GLOBS: &[&str] = &[
    "**/ROADMAP*.md",
    "**/TODO*.md",
    "**/BACKLOG*.md",
    "**/*ROADMAP*.md",
    "**/*TODO*.md",
    "**/TECH*DEBT*.md",
    "**/*BACKLOG*.md",
];

pub fn run(args: &DiffArgs) -> ExitCode {
    let Some((base, head)) = split_range(&args.range) else {
        eprintln!(
            "tickmark diff: expected BASE..HEAD (HEAD may be left out), got `{}`",
            args.range
        );
        return ExitCode::from(2);
    };
    let dir = std::env::current_dir().unwrap_or_default();
    // The roadmaps are the files tickmark.toml names (`roadmaps`), else the default globs.
    let config = match Config::discover(&dir) {
        Ok(found) => found.map(|(_, config)| config),
        Err(error) => {
            eprintln!("tickmark diff: {error}");
            return ExitCode::from(2);
        }
    };
    let globs = roadmap_globs();
    let is_roadmap = |path: &Path| match &config {
        Some(config) => config.is_roadmap(path),
        None => path
            .strip_prefix(&dir)
            .map_or_else(|_| globs.is_match(path), |rel| globs.is_match(rel)),
    };
    let range = match diff_range(&dir, base, head, &args.paths, &is_roadmap) {
        Ok(range) => range,
        Err(error) => {
            eprintln!("tickmark diff: {error}");
            return ExitCode::from(2);
        }
    };
    let out = match args.format {
        DiffFormat::Text => text(&range),
        DiffFormat::Markdown => markdown(&range),
        DiffFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json(&range)).unwrap_or_default()
        ),
    };
    if super::write_stdout(&out).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// `a..b` → (`a`, `b`); `a..` → (`a`, `HEAD`).
fn split_range(range: &str) -> Option<(&str, &str)> {
    let (base, head) = range.split_once("..")?;
    let head = head.strip_prefix('.').unwrap_or(head);
    if base.is_empty() {
        return None;
    }
    Some((base, if head.is_empty() { "HEAD" } else { head }))
}

fn roadmap_globs() -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in ROADMAP_GLOBS {
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn short(id: &str) -> &str {
    &id[..id.len().min(7)]
}

fn box_of(item: &DiffItem) -> &'static str {
    match item.state {
        Some(crate::analysis::State::Done) => "[x] ",
        Some(crate::analysis::State::InProgress) => "[/] ",
        Some(crate::analysis::State::Cancelled) => "[-] ",
        Some(crate::analysis::State::Deferred) => "[>] ",
        Some(crate::analysis::State::Open) => "[ ] ",
        None => "",
    }
}

/// The section an item stands in (its priority is in its text).
fn where_(item: &DiffItem) -> String {
    item.section
        .as_ref()
        .map(|section| format!(" ({section})"))
        .unwrap_or_default()
}

fn level(level: Option<u8>) -> String {
    level.map_or_else(|| "none".to_owned(), priority_name)
}

/// (heading, lines) for every non-empty category, shared by text and Markdown.
fn categories(file: &FileDiff, markdown: bool) -> Vec<(&'static str, Vec<String>)> {
    let plain = |item: &DiffItem| {
        if markdown {
            format!("{}{}{}", box_of(item), item.text, where_(item))
        } else {
            format!(
                "{}{}{}  line {}",
                box_of(item),
                item.text,
                where_(item),
                item.line
            )
        }
    };
    let struck = |item: &DiffItem| {
        if markdown {
            format!("{}~~{}~~{}", box_of(item), item.text, where_(item))
        } else {
            plain(item)
        }
    };
    let mut out = Vec::new();
    let mut push = |name: &'static str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push((name, lines));
        }
    };
    push("Added", file.added.iter().map(plain).collect());
    push("Checked", file.checked.iter().map(plain).collect());
    push("Reopened", file.reopened.iter().map(plain).collect());
    push(
        "Re-prioritised",
        file.reprioritised
            .iter()
            .map(|(from, item)| {
                format!(
                    "{} → {}: {}",
                    level(*from),
                    level(item.priority),
                    plain(item)
                )
            })
            .collect(),
    );
    push(
        "Reworded",
        file.reworded
            .iter()
            .map(|(from, item)| {
                if markdown {
                    format!("~~{from}~~ → {}", plain(item))
                } else {
                    format!("“{from}” → {}", plain(item))
                }
            })
            .collect(),
    );
    push(
        "Moved",
        file.moved
            .iter()
            .map(|(from, item)| {
                format!(
                    "{} → {}: {}{}",
                    from.as_deref().unwrap_or("top"),
                    item.section.as_deref().unwrap_or("top"),
                    box_of(item),
                    item.text
                )
            })
            .collect(),
    );
    push(
        "Dropped unchecked",
        file.dropped_unchecked.iter().map(struck).collect(),
    );
    push(
        "Removed when done",
        file.removed_done.iter().map(struck).collect(),
    );
    out
}

fn text(range: &RangeDiff) -> String {
    let mut out = format!("{}..{}\n", short(&range.base), short(&range.head));
    if range.files.is_empty() {
        out.push_str("\nNo roadmap file changed.\n");
    }
    for file in &range.files {
        let _ = writeln!(out, "\n{}", file.path);
        if file.is_empty() {
            out.push_str("  no item changed\n");
        }
        for (name, lines) in categories(file, false) {
            let _ = writeln!(out, "  {name} ({})", lines.len());
            for line in lines {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}

fn markdown(range: &RangeDiff) -> String {
    let mut out = format!(
        "## Roadmap changes (`{}..{}`)\n",
        short(&range.base),
        short(&range.head)
    );
    if range.files.is_empty() {
        out.push_str("\nNo roadmap file changed.\n");
    }
    for file in &range.files {
        let _ = writeln!(out, "\n### `{}`\n", file.path);
        if file.is_empty() {
            out.push_str("No item changed.\n");
            continue;
        }
        let counts: Vec<String> = categories(file, true)
            .iter()
            .map(|(name, lines)| format!("{} {}", lines.len(), name.to_lowercase()))
            .collect();
        let _ = writeln!(out, "{}.", counts.join(", "));
        for (name, lines) in categories(file, true) {
            let _ = writeln!(out, "\n**{name}**\n");
            for line in lines {
                let _ = writeln!(out, "- {line}");
            }
        }
    }
    out
}

fn item_json(item: &DiffItem) -> serde_json::Value {
    serde_json::json!({
        "text": item.text.as_ref(),
        "line": item.line,
        "section": item.section.as_deref(),
        "state": state_name(item.state),
        "priority": item.priority.map(priority_name),
    })
}

fn json(range: &RangeDiff) -> serde_json::Value {
    let files: Vec<serde_json::Value> = range
        .files
        .iter()
        .map(|file| {
            let with = |key: &str, value: serde_json::Value, item: &DiffItem| {
                let mut out = item_json(item);
                out[key] = value;
                out
            };
            serde_json::json!({
                "path": file.path,
                "added": file.added.iter().map(item_json).collect::<Vec<_>>(),
                "checked": file.checked.iter().map(item_json).collect::<Vec<_>>(),
                "reopened": file.reopened.iter().map(item_json).collect::<Vec<_>>(),
                "reprioritised": file.reprioritised.iter()
                    .map(|(from, item)| with("from", serde_json::json!(from.map(priority_name)), item))
                    .collect::<Vec<_>>(),
                "reworded": file.reworded.iter()
                    .map(|(from, item)| with("from", serde_json::json!(from.as_ref()), item))
                    .collect::<Vec<_>>(),
                "moved": file.moved.iter()
                    .map(|(from, item)| with("from", serde_json::json!(from.as_deref()), item))
                    .collect::<Vec<_>>(),
                "droppedUnchecked": file.dropped_unchecked.iter().map(item_json).collect::<Vec<_>>(),
                "removedDone": file.removed_done.iter().map(item_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({ "base": range.base, "head": range.head, "files": files })
}
