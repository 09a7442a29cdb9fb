//! `tickmark stats`: progress per section and per priority.
//!
//! The table shows, per file, the totals, then one row per section (indented by heading
//! level) with done/total, the percentage and the summed estimate fields, then one row per
//! priority. `--format json` prints `{ "<path>": <tickmark/stats object> }` in the shape of
//! [`crate::stats_json`], except that `bySection[].line` is 1-based like every line the command
//! line prints (the LSP request keeps LSP's 0-based lines). With several files
//! (`tickmark stats DIR`), the table ends with a `total` line over every file, and the JSON
//! object has a `"total"` entry:
//! `{ "files", "total", "done", "open", "inProgress", "deferred", "cancelled", "percent" }`.
//! Files are found and read as `tickmark check` finds and reads them, with the same exit
//! code 2 for what cannot be read.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::check::{gather, read_input, Status};
use super::{StatsArgs, StatsFormat};
use crate::analysis::estimate::format_estimate;
use crate::analysis::stats::{stats, Counts, Stats};
use crate::analysis::{self, Document};

pub fn run(args: &StatsArgs) -> ExitCode {
    let mut status = Status::default();
    let inputs = gather(&args.paths, None, args.config.as_deref(), &mut status);
    let mut table = String::new();
    let mut json = serde_json::Map::new();
    let mut total = Counts::default();
    let mut files = 0_usize;
    for input in &inputs {
        let Some(text) = read_input(input, &mut status) else {
            continue;
        };
        let settings = input.config.settings();
        // A file that trips an internal error is named and skipped; the others are counted.
        let counted = super::check::guarded(&input.display, || {
            let analysis = analysis::analyze(&text, &analysis::Inputs::default(), &settings);
            let progress = stats(&text, &analysis.document);
            (analysis, progress)
        });
        let (analysis, progress) = match counted {
            Ok(counted) => counted,
            Err(message) => {
                status.error(message);
                continue;
            }
        };
        total.add(&progress.counts);
        files += 1;
        match args.format {
            StatsFormat::Table => {
                if !table.is_empty() {
                    table.push('\n');
                }
                table.push_str(&render_table(&input.display, &analysis.document, &progress));
            }
            StatsFormat::Json => {
                let mut value = crate::stats_json::to_json(&progress);
                one_based_lines(&mut value);
                json.insert(input.display.clone(), value);
            }
        }
    }
    if files > 1 {
        match args.format {
            StatsFormat::Table => {
                let _ = writeln!(
                    table,
                    "\ntotal: {files} files, {}/{} done ({}%){}",
                    total.done,
                    total.total,
                    total.percent(),
                    extra_states(&total)
                );
            }
            StatsFormat::Json => {
                json.insert(
                    "total".to_owned(),
                    serde_json::json!({
                        "files": files,
                        "total": total.total,
                        "done": total.done,
                        "open": total.open,
                        "inProgress": total.in_progress,
                        "deferred": total.deferred,
                        "cancelled": total.cancelled,
                        "percent": total.percent(),
                    }),
                );
            }
        }
    }
    let out = match args.format {
        StatsFormat::Table => table,
        StatsFormat::Json => {
            let mut out = serde_json::to_string_pretty(&serde_json::Value::Object(json))
                .expect("plain data serialises");
            out.push('\n');
            out
        }
    };
    if super::write_stdout(&out).is_err() {
        return ExitCode::from(2);
    }
    status.exit_code(false)
}

/// Turns the 0-based heading lines of the `tickmark/stats` object into the 1-based lines of
/// the command line (the table, `check --format json`, SARIF and GitHub all count from 1).
fn one_based_lines(value: &mut serde_json::Value) {
    if let Some(sections) = value
        .get_mut("bySection")
        .and_then(serde_json::Value::as_array_mut)
    {
        for section in sections {
            if let Some(line) = section.get("line").and_then(serde_json::Value::as_u64) {
                section["line"] = serde_json::Value::from(line + 1);
            }
        }
    }
}

/// One file's progress as a plain-text table.
pub fn render_table(path: &str, doc: &Document, stats: &Stats) -> String {
    let mut out = String::new();
    let c = &stats.counts;
    let _ = writeln!(
        out,
        "{path}: {}/{} done ({}%){}",
        c.done,
        c.total,
        c.percent(),
        extra_states(c)
    );
    if !stats.by_section.is_empty() {
        let _ = writeln!(
            out,
            "\n  {:>5}  {:>6}  {:>4}  {:<12}  section",
            "line", "done", "%", "estimate"
        );
        let min_level = stats.by_section.iter().map(|s| s.level).min().unwrap_or(1);
        for section in &stats.by_section {
            let indent = "  ".repeat(usize::from(section.level.saturating_sub(min_level)));
            let estimate = section.estimate.map(format_estimate).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:>5}  {:>6}  {:>4}  {:<12}  {indent}{}",
                section.line + 1,
                format!("{}/{}", section.counts.done, section.counts.total),
                format!("{}%", section.counts.percent()),
                estimate,
                section.title.trim(),
            );
        }
    }
    if !stats.by_priority.is_empty() {
        let _ = writeln!(out, "\n  {:>6}  {:>4}  priority", "done", "%");
        let mut rows: Vec<_> = stats
            .by_priority
            .iter()
            .filter(|(l, _)| l.is_some())
            .collect();
        rows.extend(stats.by_priority.iter().filter(|(l, _)| l.is_none()));
        for (level, counts) in rows {
            let name = match level {
                Some(level) => match doc.priority_meaning(*level) {
                    Some(meaning) => format!("P{level}  {meaning}"),
                    None => format!("P{level}"),
                },
                None => "none".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {:>6}  {:>4}  {name}",
                format!("{}/{}", counts.done, counts.total),
                format!("{}%", counts.percent()),
            );
        }
    }
    out
}

fn extra_states(c: &Counts) -> String {
    let mut parts = Vec::new();
    if c.in_progress > 0 {
        parts.push(format!("{} in progress", c.in_progress));
    }
    if c.deferred > 0 {
        parts.push(format!("{} deferred", c.deferred));
    }
    if c.cancelled > 0 {
        parts.push(format!("{} cancelled", c.cancelled));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(", {}", parts.join(", "))
    }
}
