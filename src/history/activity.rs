//! What happened to a roadmap's items over a period, from its history (`tickmark stats
//! --since`): items added, checked, reopened, re-prioritised and dropped unchecked, per week
//! and per priority, and the median time to done per priority.

use std::collections::BTreeMap;

use crate::analysis::{Level, State};

use super::render::open_time;
use super::{Change, CommitInfo, FileHistory};

/// Counts of one week, one priority, or the whole period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items that appeared (not those brought back after a removal).
    pub added: usize,
    /// Tasks checked.
    pub checked: usize,
    /// Tasks unchecked (done, then open or in progress).
    pub reopened: usize,
    /// Changes of an item's own priority tag.
    pub reprioritised: usize,
    /// Tasks removed from the file while not done (nor cancelled).
    pub dropped: usize,
}

impl Counts {
    fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

/// The activity of one file over a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    pub totals: Counts,
    /// By the Monday of the week (author dates, in the author's offset).
    pub by_week: BTreeMap<jiff::civil::Date, Counts>,
    /// By the item's priority at the time (`None`: no priority tag); a re-prioritised item
    /// counts under its new priority.
    pub by_priority: BTreeMap<Option<Level>, Counts>,
    /// Days each task checked in the period had been open (its open spells summed), by
    /// priority; tasks whose start is before a shallow clone's boundary are left out.
    pub days_to_done: BTreeMap<Option<Level>, Vec<i64>>,
    /// Commits in the period that changed the file.
    pub commits: usize,
}

impl Activity {
    /// The median of [`Activity::days_to_done`] for `priority`, in days (the mean of the two
    /// middle values for an even count, rounded down).
    pub fn median_days_to_done(&self, priority: Option<Level>) -> Option<i64> {
        let mut days = self.days_to_done.get(&priority)?.clone();
        if days.is_empty() {
            return None;
        }
        days.sort_unstable();
        let mid = days.len() / 2;
        Some(if days.len() % 2 == 1 {
            days[mid]
        } else {
            (days[mid - 1] + days[mid]) / 2
        })
    }

    /// The priorities that saw any activity, highest first, `None` last.
    pub fn priorities(&self) -> Vec<Option<Level>> {
        let mut out: Vec<Option<Level>> = self
            .by_priority
            .iter()
            .filter(|(p, c)| p.is_some() && !c.is_empty())
            .map(|(&p, _)| p)
            .collect();
        out.extend(self.by_priority.keys().copied().filter(Option::is_none));
        out
    }
}

/// The Monday of the week `date` is in.
pub fn week_of(date: jiff::civil::Date) -> jiff::civil::Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// What happened in `history` on or after `since` (author dates).
pub fn activity(history: &FileHistory, since: jiff::civil::Date) -> Activity {
    let mut out = Activity {
        commits: history.commits.iter().filter(|c| c.date() >= since).count(),
        ..Activity::default()
    };
    // A field is followed only for the item it may become.
    for lineage in history.tracker.lineages.iter().filter(|l| !l.last.field) {
        let events = &lineage.events;
        let mut priority: Option<Level> = None;
        let mut state: Option<State> = None;
        for (index, event) in events.iter().enumerate() {
            let before = state;
            let mut counted = Counts::default();
            match &event.change {
                Change::Added {
                    state: s,
                    priority: p,
                    ..
                } => {
                    counted.added = 1;
                    (state, priority) = (*s, *p);
                }
                Change::FirstSeen {
                    state: s,
                    priority: p,
                    ..
                }
                | Change::Readded {
                    state: s,
                    priority: p,
                    ..
                } => (state, priority) = (*s, *p),
                Change::State { to, .. } => {
                    state = *to;
                    if *to == Some(State::Done) {
                        counted.checked = 1;
                    } else if before == Some(State::Done)
                        && matches!(to, Some(State::Open | State::InProgress))
                    {
                        counted.reopened = 1;
                    }
                }
                Change::Priority { to, .. } => {
                    priority = *to;
                    counted.reprioritised = 1;
                }
                Change::Removed => {
                    if before.is_some_and(|s| !s.is_closed()) {
                        counted.dropped = 1;
                    }
                    state = None;
                }
                Change::Reworded { .. } | Change::Moved { .. } => {}
            }
            if counted.is_empty() {
                continue;
            }
            let Some(date) = history.commit(event).map(CommitInfo::date) else {
                continue;
            };
            if date < since {
                continue;
            }
            add(&mut out.totals, counted);
            add(out.by_week.entry(week_of(date)).or_default(), counted);
            add(out.by_priority.entry(priority).or_default(), counted);
            if counted.checked == 1 {
                if let Some(open) = open_time(history, &events[..=index], date) {
                    if !open.at_least {
                        out.days_to_done
                            .entry(priority)
                            .or_default()
                            .push(open.days);
                    }
                }
            }
        }
    }
    out
}

fn add(total: &mut Counts, one: Counts) {
    total.added += one.added;
    total.checked += one.checked;
    total.reopened += one.reopened;
    total.reprioritised += one.reprioritised;
    total.dropped += one.dropped;
}

/// Reads `--since`: a date (`2025-01-31`) or a number of days or weeks back from `today`
/// (`90d`, `12w`).
pub fn parse_since(spec: &str, today: jiff::civil::Date) -> Result<jiff::civil::Date, String> {
    let spec = spec.trim();
    let back = |n: &str, per: i64| -> Option<jiff::civil::Date> {
        let n: i64 = n.parse().ok()?;
        today
            .checked_sub(jiff::Span::new().try_days(n.checked_mul(per)?).ok()?)
            .ok()
    };
    let relative = if let Some(n) = spec.strip_suffix('d') {
        back(n, 1)
    } else if let Some(n) = spec.strip_suffix('w') {
        back(n, 7)
    } else {
        None
    };
    if let Some(date) = relative {
        return Ok(date);
    }
    spec.parse::<jiff::civil::Date>().map_err(|_| {
        format!("expected a date such as 2025-01-31, or days or weeks back such as 90d or 12w, got `{spec}`")
    })
}
