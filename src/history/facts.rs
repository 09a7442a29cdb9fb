//! What only history can tell about the working copy: `reopened-item` (a task checked in a
//! committed version and open now) and `stale-open` (an open P0/P1 task unchanged for too
//! long). The engine never reads git, so these diagnostics are made here, from a built
//! [`FileHistory`], and merged with the engine's by the caller (`tickmark check --history`,
//! the language server once the file's history is built). They get the configured
//! severities and obey suppression comments like every other diagnostic.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::fix::Fix;
use crate::analysis::incremental::{localized, shifted};
use crate::analysis::model::{Document, ItemKind, State};
use crate::analysis::rules::{self, quote};
use crate::analysis::stitch::Part;
use crate::analysis::text::TextRange;
use crate::analysis::Settings;

use super::{Change, Event, FileHistory, ItemTimeline};

/// The title of `reopened-item`'s fix.
pub const CHECK_AGAIN: &str = "Check it again";

/// The highest priority level (the largest number) `stale-open` reports.
const STALE_OPEN_LEVELS: u8 = 1;

/// The history diagnostics of `text` (the working copy, analysed as `doc`), graded by
/// `settings`, without those a suppression comment silences, sorted by position.
pub fn diagnostics(
    history: &FileHistory,
    text: &str,
    doc: &Document,
    settings: &Settings,
    today: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let whole = Part {
        start: 0,
        line: 0,
        doc,
    };
    diagnostics_in_parts(history, text, &[whole], settings, today)
}

/// [`diagnostics`] of `text` analysed in parts (the shards of an incremental analysis, in
/// order, each with its own model), without a model of the whole text.
pub fn diagnostics_in_parts(
    history: &FileHistory,
    text: &str,
    parts: &[Part<'_>],
    settings: &Settings,
    today: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let reopened = settings.severity(Code::ReopenedItem);
    let stale = settings.severity(Code::StaleOpen);
    if reopened.is_none() && stale.is_none() {
        return Vec::new();
    }
    let timelines: HashMap<usize, ItemTimeline> = history
        .timelines(text)
        .into_iter()
        .map(|timeline| (timeline.line, timeline))
        .collect();
    let mut out = Vec::new();
    for part in parts {
        let doc = part.doc;
        // The part's own, in its offsets: its suppression comments are read in them.
        let mut own = Vec::new();
        for (id, item) in doc.items.iter().enumerate() {
            let ItemKind::Task(open @ (State::Open | State::InProgress)) = item.kind else {
                continue;
            };
            let Some(checkbox) = item.checkbox else {
                continue;
            };
            let Some(timeline) = timelines.get(&(part.line + item.line)) else {
                continue;
            };
            if timeline.state != Some(open) {
                continue;
            }
            let range = TextRange::new(checkbox.start, item.text.end.max(checkbox.end));
            if let Some(severity) = reopened {
                let whole = |r: TextRange| r.shift(part.start);
                if let Some(mut d) =
                    reopened_item(history, text, timeline, whole(range), whole(checkbox))
                {
                    rules::grade(&mut d, severity);
                    // Made in the part's lines, so always within it.
                    own.extend(localized(&d, part.start, text.len()));
                }
            }
            if let Some(severity) = stale {
                let urgent = doc
                    .priority(id)
                    .is_some_and(|level| level <= STALE_OPEN_LEVELS);
                if urgent {
                    if let Some(mut d) = stale_open(history, timeline, range, settings, today) {
                        rules::grade(&mut d, severity);
                        own.push(d);
                    }
                }
            }
        }
        rules::retain_unsuppressed(doc, &mut own);
        out.extend(own.iter().map(|d| shifted(d, part.start)));
    }
    rules::sort(&mut out);
    out
}

/// Where an item was last unchecked, when it is open now after being done.
fn unchecking(events: &[Event]) -> Option<&Event> {
    let last = events.iter().rposition(|event| {
        matches!(
            event.change,
            Change::State {
                from: Some(State::Done),
                to: Some(State::Open | State::InProgress),
            }
        )
    })?;
    // A later event that checked it again (and another that reopened it) would have been
    // found instead; the item is open now, so this is the reopening in force.
    Some(&events[last])
}

fn reopened_item(
    history: &FileHistory,
    text: &str,
    timeline: &ItemTimeline,
    range: TextRange,
    checkbox: TextRange,
) -> Option<Diagnostic> {
    let event = unchecking(&timeline.events)?;
    let when = match history.commit(event) {
        Some(commit) => format!(
            "unchecked in {} on {} by {} (“{}”)",
            commit.short_id(),
            commit.date(),
            commit.author,
            commit.subject
        ),
        None => "unchecked in the working copy (not committed)".to_owned(),
    };
    let what = quote(text, range);
    Some(
        Diagnostic::new(
            Code::ReopenedItem,
            range,
            format!("Reopened: `{what}` was checked, {when}"),
        )
        .with_fix(Fix::unsafe_(CHECK_AGAIN, [rules::set_box(checkbox, 'x')])),
    )
}

/// Whether an event changed the item's text or state (or brought it in).
fn touches(change: &Change) -> bool {
    matches!(
        change,
        Change::Added { .. }
            | Change::FirstSeen { .. }
            | Change::Readded { .. }
            | Change::State { .. }
            | Change::Reworded { .. }
    )
}

fn stale_open(
    history: &FileHistory,
    timeline: &ItemTimeline,
    range: TextRange,
    settings: &Settings,
    today: jiff::civil::Date,
) -> Option<Diagnostic> {
    let last = timeline.events.iter().rev().find(|e| touches(&e.change))?;
    // Changed in the working copy: changed today.
    let changed = history.commit(last)?;
    let days = changed
        .date()
        .until(today)
        .map_or(0, |span| i64::from(span.get_days()));
    if days <= i64::from(settings.stale_open_days) {
        return None;
    }
    let added = timeline
        .events
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.change,
                Change::Added { .. } | Change::FirstSeen { .. } | Change::Readded { .. }
            )
        })
        .and_then(|e| Some((e, history.commit(e)?)));
    let mut message = format!("Open for a long time: unchanged for {days} days");
    match added {
        Some((event, commit)) => {
            let verb = match event.change {
                Change::FirstSeen { .. } => "already there at the start of the history",
                Change::Readded { .. } => "re-added",
                _ => "added",
            };
            let _ = write!(
                message,
                "; {verb} on {} by {} ({})",
                commit.date(),
                commit.author,
                commit.short_id()
            );
            if !std::ptr::eq(event, last) {
                let _ = write!(
                    message,
                    ", last changed on {} ({})",
                    changed.date(),
                    changed.short_id()
                );
            }
        }
        None => {
            let _ = write!(
                message,
                "; last changed on {} ({})",
                changed.date(),
                changed.short_id()
            );
        }
    }
    Some(Diagnostic::new(Code::StaleOpen, range, message))
}

/// Days a heading's hover looks back.
pub const RECENT_DAYS: i64 = 30;

/// For each item of `text` (the working copy), by its zero-based line: whether it was added
/// and whether it was checked in the [`RECENT_DAYS`] days up to `today` (a change in the
/// working copy counts as today's).
pub fn recent(history: &FileHistory, text: &str, today: jiff::civil::Date) -> Vec<Recent> {
    let start = today
        .checked_sub(jiff::Span::new().days(RECENT_DAYS))
        .unwrap_or(today);
    let recent = |event: &Event| history.commit(event).is_none_or(|c| c.date() > start);
    history
        .timelines(text)
        .into_iter()
        .map(|timeline| {
            let added = timeline
                .events
                .iter()
                .rev()
                .find(|e| matches!(e.change, Change::Added { .. } | Change::Readded { .. }));
            let done = timeline.events.iter().rev().find(|e| {
                matches!(
                    e.change,
                    Change::State {
                        to: Some(State::Done),
                        ..
                    }
                )
            });
            Recent {
                line: timeline.line,
                added: added.is_some_and(recent),
                done: timeline.state == Some(State::Done) && done.is_some_and(recent),
            }
        })
        .collect()
}

/// What [`recent`] says of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recent {
    pub line: usize,
    pub added: bool,
    pub done: bool,
}

/// The line a heading's hover adds: `This section: 4 added, 6 done in the last 30 days.`,
/// counting the items on `lines` (the section's, subsections included).
pub fn section_summary(recent: &[Recent], lines: std::ops::Range<usize>) -> String {
    let from = recent.partition_point(|r| r.line < lines.start);
    let to = recent.partition_point(|r| r.line < lines.end);
    let within = &recent[from..to];
    let added = within.iter().filter(|r| r.added).count();
    let done = within.iter().filter(|r| r.done).count();
    format!("**History** · this section: {added} added, {done} done in the last {RECENT_DAYS} days")
}
