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
use crate::analysis::{self, Document, Level};
use crate::history::activity::{self, Activity};
use crate::history::FileHistory;
use std::sync::atomic::AtomicBool;

pub fn run(args: &StatsArgs) -> ExitCode {
    if let Some(since) = &args.since {
        return run_since(args, since);
    }
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
            StatsFormat::Markdown => {
                table.push_str(&render_markdown(
                    &input.display,
                    &analysis.document,
                    &progress,
                ));
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
            StatsFormat::Markdown => {
                let _ = writeln!(
                    table,
                    "**Total:** {files} files, {}/{} done ({}%){}",
                    total.done,
                    total.total,
                    total.percent(),
                    extra_states(&total)
                );
            }
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
        StatsFormat::Table | StatsFormat::Markdown => table,
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

/// One file's progress as Markdown: the totals, then a table per section and per priority.
fn render_markdown(path: &str, doc: &Document, stats: &Stats) -> String {
    let mut out = String::new();
    let c = &stats.counts;
    let _ = writeln!(
        out,
        "### {path}\n\n{}/{} done ({}%){}\n",
        c.done,
        c.total,
        c.percent(),
        extra_states(c)
    );
    if !stats.by_section.is_empty() {
        out.push_str("| section | done | % | estimate |\n|---|---:|---:|---|\n");
        for section in &stats.by_section {
            let estimate = section.estimate.map(format_estimate).unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {}/{} | {}% | {estimate} |",
                markdown_cell(section.title.trim()),
                section.counts.done,
                section.counts.total,
                section.counts.percent(),
            );
        }
        out.push('\n');
    }
    if !stats.by_priority.is_empty() {
        out.push_str("| priority | done | % |\n|---|---:|---:|\n");
        let mut rows: Vec<_> = stats
            .by_priority
            .iter()
            .filter(|(l, _)| l.is_some())
            .collect();
        rows.extend(stats.by_priority.iter().filter(|(l, _)| l.is_none()));
        for (level, counts) in rows {
            let name = match level {
                Some(level) => match doc.priority_meaning(*level) {
                    Some(meaning) => format!("P{level} {meaning}"),
                    None => format!("P{level}"),
                },
                None => "none".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {}/{} | {}% |",
                markdown_cell(&name),
                counts.done,
                counts.total,
                counts.percent(),
            );
        }
        out.push('\n');
    }
    out
}

/// Text made safe for one cell of a Markdown table.
fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `tickmark stats --since`: what each file's history says happened since a day.
fn run_since(args: &StatsArgs, since: &str) -> ExitCode {
    let today = jiff::Zoned::now().date();
    let since = match activity::parse_since(since, today) {
        Ok(since) => since,
        Err(message) => {
            eprintln!("error: --since: {message}");
            return ExitCode::from(2);
        }
    };
    let mut status = Status::default();
    let inputs = gather(&args.paths, None, args.config.as_deref(), &mut status);
    let mut out = String::new();
    let mut json = serde_json::Map::new();
    for input in &inputs {
        let Some(path) = input.path.as_deref() else {
            status.error(format!(
                "{}: --since reads git history, not standard input",
                input.display
            ));
            continue;
        };
        let history = match FileHistory::build(path, &AtomicBool::new(false)) {
            Ok(history) => history,
            Err(error) => {
                status.error(format!("{}: {error}", input.display));
                continue;
            }
        };
        let found = activity::activity(&history, since);
        match args.format {
            StatsFormat::Table => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&activity_table(&input.display, since, today, &found));
            }
            StatsFormat::Markdown => {
                out.push_str(&activity_markdown(&input.display, since, today, &found));
            }
            StatsFormat::Json => {
                json.insert(input.display.clone(), activity_json(since, today, &found));
            }
        }
    }
    if args.format == StatsFormat::Json {
        out = serde_json::to_string_pretty(&serde_json::Value::Object(json))
            .expect("plain data serialises");
        out.push('\n');
    }
    if super::write_stdout(&out).is_err() {
        return ExitCode::from(2);
    }
    status.exit_code(false)
}

fn priority_label(priority: Option<Level>) -> String {
    priority.map_or_else(|| "none".to_owned(), |level| format!("P{level}"))
}

/// The columns of every activity table, in order.
const ACTIVITY_COLUMNS: [&str; 5] = ["added", "checked", "reopened", "reprioritised", "dropped"];

fn activity_cells(c: &activity::Counts) -> [usize; 5] {
    [c.added, c.checked, c.reopened, c.reprioritised, c.dropped]
}

fn activity_table(
    path: &str,
    since: jiff::civil::Date,
    today: jiff::civil::Date,
    found: &Activity,
) -> String {
    let mut out = String::new();
    let t = &found.totals;
    let _ = writeln!(
        out,
        "{path}: {since} to {today}, {}: {} added, {} checked, {} reopened, {} reprioritised, {} dropped unchecked",
        plural(found.commits, "commit"),
        t.added,
        t.checked,
        t.reopened,
        t.reprioritised,
        t.dropped
    );
    if found.by_week.is_empty() {
        return out;
    }
    let header = |first: &str, last: &str| {
        let mut line = format!("\n  {first:<10}");
        for column in ACTIVITY_COLUMNS {
            let _ = write!(line, "  {column:>13}");
        }
        if !last.is_empty() {
            let _ = write!(line, "  {last}");
        }
        line
    };
    let _ = writeln!(out, "{}", header("week", ""));
    for (week, counts) in &found.by_week {
        let _ = write!(out, "  {:<10}", week.to_string());
        for n in activity_cells(counts) {
            let _ = write!(out, "  {n:>13}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", header("priority", "median days to done"));
    for priority in found.priorities() {
        let counts = found
            .by_priority
            .get(&priority)
            .copied()
            .unwrap_or_default();
        let _ = write!(out, "  {:<10}", priority_label(priority));
        for n in activity_cells(&counts) {
            let _ = write!(out, "  {n:>13}");
        }
        if let Some(median) = found.median_days_to_done(priority) {
            let _ = write!(out, "  {median}");
        }
        out.push('\n');
    }
    out
}

fn activity_markdown(
    path: &str,
    since: jiff::civil::Date,
    today: jiff::civil::Date,
    found: &Activity,
) -> String {
    let mut out = String::new();
    let t = &found.totals;
    let _ = writeln!(
        out,
        "### {path}: {since} to {today}\n\n{}: **{}** added, **{}** checked, **{}** reopened, **{}** reprioritised, **{}** dropped unchecked.\n",
        plural(found.commits, "commit"),
        t.added,
        t.checked,
        t.reopened,
        t.reprioritised,
        t.dropped
    );
    if found.by_week.is_empty() {
        return out;
    }
    out.push_str("| week of | added | checked | reopened | reprioritised | dropped |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for (week, counts) in &found.by_week {
        let _ = write!(out, "| {week} |");
        for n in activity_cells(counts) {
            let _ = write!(out, " {n} |");
        }
        out.push('\n');
    }
    out.push_str("\n| priority | added | checked | reopened | reprioritised | dropped | median days to done |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for priority in found.priorities() {
        let counts = found
            .by_priority
            .get(&priority)
            .copied()
            .unwrap_or_default();
        let _ = write!(out, "| {} |", priority_label(priority));
        for n in activity_cells(&counts) {
            let _ = write!(out, " {n} |");
        }
        match found.median_days_to_done(priority) {
            Some(median) => {
                let _ = writeln!(out, " {median} |");
            }
            None => out.push_str(" – |\n"),
        }
    }
    out.push('\n');
    out
}

fn activity_json(
    since: jiff::civil::Date,
    today: jiff::civil::Date,
    found: &Activity,
) -> serde_json::Value {
    let counts = |c: &activity::Counts| {
        serde_json::json!({
            "added": c.added,
            "checked": c.checked,
            "reopened": c.reopened,
            "reprioritised": c.reprioritised,
            "dropped": c.dropped,
        })
    };
    let weeks: Vec<serde_json::Value> = found
        .by_week
        .iter()
        .map(|(week, c)| {
            let mut value = counts(c);
            value["week"] = week.to_string().into();
            value
        })
        .collect();
    let priorities: Vec<serde_json::Value> = found
        .priorities()
        .into_iter()
        .map(|priority| {
            let c = found
                .by_priority
                .get(&priority)
                .copied()
                .unwrap_or_default();
            let mut value = counts(&c);
            value["priority"] = priority.map(|l| format!("P{l}")).into();
            value["medianDaysToDone"] = found.median_days_to_done(priority).into();
            value
        })
        .collect();
    serde_json::json!({
        "since": since.to_string(),
        "until": today.to_string(),
        "commits": found.commits,
        "totals": counts(&found.totals),
        "byWeek": weeks,
        "byPriority": priorities,
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
