//! Timelines as text, Markdown (full, for `tickmark history`; short, for the hover) and JSON.

use std::fmt::Write as _;

use crate::analysis::{Level, State};

use super::{Change, CommitInfo, Event, FileHistory, ItemTimeline};

/// Events shown in the hover before the rest is summarised.
const HOVER_EVENTS: usize = 5;

/// `P1`.
pub fn priority_name(level: Level) -> String {
    format!("P{level}")
}

/// `open`, `done`, `in progress`, `cancelled`, `deferred`, or `plain item`.
pub fn state_name(state: Option<State>) -> &'static str {
    match state {
        Some(State::Open) => "open",
        Some(State::Done) => "done",
        Some(State::InProgress) => "in progress",
        Some(State::Cancelled) => "cancelled",
        Some(State::Deferred) => "deferred",
        None => "plain item",
    }
}

/// What an event did, in a few words: `checked`, `priority P2 → P1`, `moved from "A" to "B"`.
pub fn describe(change: &Change) -> String {
    match change {
        Change::Added {
            section,
            priority,
            state,
            ..
        }
        | Change::Readded {
            section,
            priority,
            state,
            ..
        }
        | Change::FirstSeen {
            section,
            priority,
            state,
            ..
        } => {
            let verb = match change {
                Change::Added { .. } => "added",
                Change::Readded { .. } => "re-added",
                _ => "first seen",
            };
            let mut out = format!("{verb} ({}", state_name(*state));
            if let Some(level) = priority {
                let _ = write!(out, ", {}", priority_name(*level));
            }
            out.push(')');
            if let Some(section) = section {
                let _ = write!(out, " in “{section}”");
            }
            out
        }
        Change::Removed => "removed".to_owned(),
        Change::State { from, to } => match (from, to) {
            (_, Some(State::Done)) => "checked".to_owned(),
            (Some(State::Done), Some(State::Open)) => "unchecked".to_owned(),
            (Some(_), Some(State::Open)) => "reopened".to_owned(),
            (None, Some(_)) => format!("made a task ({})", state_name(*to)),
            (Some(_), None) => "made a plain item".to_owned(),
            (_, to) => format!("marked {}", state_name(*to)),
        },
        Change::Priority { from, to } => match (from, to) {
            (Some(from), Some(to)) => {
                format!("priority {} → {}", priority_name(*from), priority_name(*to))
            }
            (None, Some(to)) => format!("priority set to {}", priority_name(*to)),
            (Some(from), None) => format!("priority {} removed", priority_name(*from)),
            (None, None) => "priority unchanged".to_owned(),
        },
        Change::Reworded { from, .. } => format!("reworded (was “{from}”)"),
        Change::Moved { from, to } => format!(
            "moved from “{}” to “{}”",
            from.as_deref().unwrap_or("top"),
            to.as_deref().unwrap_or("top")
        ),
    }
}

/// How long the item has been open (or was open before it was finished), in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenTime {
    pub days: i64,
    /// True when the item is still open (counted up to `today`).
    pub still_open: bool,
    /// True when history starts after the item appeared (a shallow clone): at least `days`.
    pub at_least: bool,
}

/// Sums the open intervals of a timeline; the working copy's events count as `today`.
pub fn open_time(
    history: &FileHistory,
    events: &[Event],
    today: jiff::civil::Date,
) -> Option<OpenTime> {
    let mut open_since: Option<jiff::civil::Date> = None;
    let mut days = 0i64;
    let mut at_least = false;
    let mut seen = false;
    let mut ever_open = false;
    // Whether the last time the item stopped being open, it was checked.
    let mut done = false;
    for event in events {
        let date = history.commit(event).map_or(today, CommitInfo::date);
        let was_open = open_since.is_some();
        let now_open = match &event.change {
            Change::Added { state, .. }
            | Change::Readded { state, .. }
            | Change::FirstSeen { state, .. } => {
                seen = true;
                if matches!(event.change, Change::FirstSeen { .. }) {
                    at_least = true;
                }
                state.is_some_and(|s| !s.is_closed())
            }
            Change::State { to, .. } => to.is_some_and(|s| !s.is_closed()),
            Change::Removed => false,
            _ => was_open,
        };
        if was_open && !now_open {
            days += i64::from((date - open_since.unwrap_or(date)).get_days());
            open_since = None;
            done = matches!(
                event.change,
                Change::State {
                    to: Some(State::Done),
                    ..
                }
            );
        } else if !was_open && now_open {
            open_since = Some(date);
            ever_open = true;
        }
    }
    // A plain item, or a task that was never open, took no time to do, and one that was made
    // a plain item or cancelled was never done: say nothing.
    let still_open = open_since.is_some();
    if !seen || !ever_open || (!still_open && !done) {
        return None;
    }
    if let Some(since) = open_since {
        days += i64::from((today - since).get_days().max(0));
    }
    Some(OpenTime {
        days,
        still_open,
        at_least,
    })
}

fn open_phrase(open: OpenTime) -> String {
    let prefix = if open.at_least { "at least " } else { "" };
    let unit = if open.days == 1 { "day" } else { "days" };
    if open.still_open {
        format!("open {prefix}{} {unit}", open.days)
    } else {
        format!("took {prefix}{} {unit}", open.days)
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The short hover section: first appearance, the latest events, open time.
pub fn hover_markdown(
    history: &FileHistory,
    timeline: &ItemTimeline,
    today: jiff::civil::Date,
) -> String {
    let mut out = String::from("**History**");
    if let Some(open) = open_time(history, &timeline.events, today) {
        let _ = write!(out, " · {}", open_phrase(open));
    }
    out.push('\n');
    let events = &timeline.events;
    if events.is_empty() {
        out.push_str("\nNew in the working copy (uncommitted).\n");
        return out;
    }
    let shown: Vec<usize> = if events.len() <= HOVER_EVENTS {
        (0..events.len()).collect()
    } else {
        std::iter::once(0)
            .chain(events.len() - (HOVER_EVENTS - 1)..events.len())
            .collect()
    };
    out.push('\n');
    for (k, &index) in shown.iter().enumerate() {
        if k == 1 && index > 1 {
            let _ = writeln!(
                out,
                "- … {} more (`tickmark history {}:{}`)",
                index - 1,
                history.path,
                timeline.line + 1
            );
        }
        let event = &events[index];
        let what = capitalise(&describe(&event.change));
        match history.commit(event) {
            Some(commit) => {
                let _ = writeln!(
                    out,
                    "- {what} {} by {} (`{}` “{}”)",
                    commit.date(),
                    commit.author,
                    commit.short_id(),
                    commit.subject
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "- Working copy: {} (uncommitted)",
                    describe(&event.change)
                );
            }
        }
    }
    if history.shallow_boundary.is_some()
        && events
            .first()
            .is_some_and(|e| matches!(e.change, Change::FirstSeen { .. }))
    {
        out.push_str("\n_Shallow clone: history before this is not in the repository._\n");
    }
    out
}

/// One line per event: `2025-01-02  a1b2c3d  Ada Lovelace  added (open) in “A”  — subject`.
pub fn timeline_text(
    history: &FileHistory,
    timeline: &ItemTimeline,
    today: jiff::civil::Date,
) -> String {
    let mut out = format!(
        "{}:{}  {}  ({})\n",
        history.path,
        timeline.line + 1,
        timeline.text,
        state_name(timeline.state)
    );
    for event in &timeline.events {
        match history.commit(event) {
            Some(commit) => {
                let _ = writeln!(
                    out,
                    "  {}  {}  {}  {}  — {}",
                    commit.date(),
                    commit.short_id(),
                    commit.author,
                    describe(&event.change),
                    commit.subject
                );
            }
            None => {
                let _ = writeln!(out, "  uncommitted          {}", describe(&event.change));
            }
        }
    }
    if timeline.events.is_empty() {
        out.push_str("  uncommitted          new in the working copy\n");
    }
    if let Some(open) = open_time(history, &timeline.events, today) {
        let _ = writeln!(out, "{}.", capitalise(&open_phrase(open)));
    }
    notes(history, &mut out, "");
    out
}

/// The full timeline as Markdown.
pub fn timeline_markdown(
    history: &FileHistory,
    timeline: &ItemTimeline,
    today: jiff::civil::Date,
) -> String {
    let mut out = format!(
        "**{}** (`{}:{}`, {})\n\n",
        timeline.text,
        history.path,
        timeline.line + 1,
        state_name(timeline.state)
    );
    for event in &timeline.events {
        match history.commit(event) {
            Some(commit) => {
                let _ = writeln!(
                    out,
                    "- {} {} by {} (`{}` “{}”)",
                    capitalise(&describe(&event.change)),
                    commit.date(),
                    commit.author,
                    commit.short_id(),
                    commit.subject
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "- Working copy: {} (uncommitted)",
                    describe(&event.change)
                );
            }
        }
    }
    if timeline.events.is_empty() {
        out.push_str("- New in the working copy (uncommitted)\n");
    }
    if let Some(open) = open_time(history, &timeline.events, today) {
        let _ = writeln!(out, "\n{}.", capitalise(&open_phrase(open)));
    }
    notes(history, &mut out, "\n");
    out
}

fn notes(history: &FileHistory, out: &mut String, lead: &str) {
    if history.shallow_boundary.is_some() {
        let _ = writeln!(
            out,
            "{lead}Shallow clone: history stops where the repository does."
        );
    }
    if history.truncated {
        let _ = writeln!(out, "{lead}History truncated: too many versions.");
    }
    for old in &history.renamed_from {
        let _ = writeln!(out, "{lead}Followed from {old}.");
    }
}

/// The timeline as a JSON value.
pub fn timeline_json(
    history: &FileHistory,
    timeline: &ItemTimeline,
    today: jiff::civil::Date,
) -> serde_json::Value {
    let events: Vec<serde_json::Value> = timeline
        .events
        .iter()
        .map(|event| {
            let mut value = change_json(&event.change);
            if let Some(commit) = history.commit(event) {
                value["commit"] = serde_json::json!({
                    "id": commit.id,
                    "author": commit.author,
                    "email": commit.email,
                    "date": commit.date().to_string(),
                    "time": commit.author_time.timestamp().to_string(),
                    "subject": commit.subject,
                });
            } else {
                value["commit"] = serde_json::Value::Null;
                value["uncommitted"] = serde_json::Value::Bool(true);
            }
            value
        })
        .collect();
    let open = open_time(history, &timeline.events, today);
    serde_json::json!({
        "path": history.path,
        "line": timeline.line + 1,
        "text": timeline.text,
        "state": state_name(timeline.state),
        "events": events,
        "openDays": open.map(|o| o.days),
        "stillOpen": open.map(|o| o.still_open),
        "shallow": history.shallow_boundary.is_some(),
        "truncated": history.truncated,
        "renamedFrom": history.renamed_from,
    })
}

fn change_json(change: &Change) -> serde_json::Value {
    let mut value = serde_json::json!({ "kind": change.kind(), "description": describe(change) });
    match change {
        Change::Added {
            text,
            section,
            state,
            priority,
        }
        | Change::Readded {
            text,
            section,
            state,
            priority,
        }
        | Change::FirstSeen {
            text,
            section,
            state,
            priority,
        } => {
            value["text"] = serde_json::json!(text.as_ref());
            value["section"] = serde_json::json!(section.as_deref());
            value["state"] = serde_json::json!(state_name(*state));
            value["priority"] = serde_json::json!(priority.map(priority_name));
        }
        Change::State { from, to } => {
            value["from"] = serde_json::json!(state_name(*from));
            value["to"] = serde_json::json!(state_name(*to));
        }
        Change::Priority { from, to } => {
            value["from"] = serde_json::json!(from.map(priority_name));
            value["to"] = serde_json::json!(to.map(priority_name));
        }
        Change::Reworded { from, to } => {
            value["from"] = serde_json::json!(from.as_ref());
            value["to"] = serde_json::json!(to.as_ref());
        }
        Change::Moved { from, to } => {
            value["from"] = serde_json::json!(from.as_deref());
            value["to"] = serde_json::json!(to.as_deref());
        }
        Change::Removed => {}
    }
    value
}
