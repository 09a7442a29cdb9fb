//! The roadmap engine: text in, a [`Document`] model and [`Diagnostic`]s out.
//!
//! This module is pure: it imports no LSP, async runtime or filesystem API, and it never
//! fails. Whatever it needs from the world (does a linked file exist, when was the file last
//! committed, what is today's date) comes in through [`Inputs`]; what a project configured
//! comes in through [`Settings`].

pub mod actions;
pub mod complete;
mod dates;
pub mod diagnostic;
#[cfg(test)]
pub(crate) mod edits_for_tests;
pub mod estimate;
pub mod fix;
pub mod front_matter;
pub mod hover;
pub mod incremental;
pub mod index;
pub mod limits;
mod line_scan;
pub mod model;
pub mod mojibake;
pub mod normalize;
pub mod outline;
pub mod parallel;
pub mod parse;
pub mod rules;
pub mod sharded;
pub mod stats;
pub mod stitch;
pub mod text;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use diagnostic::{Code, Diagnostic, Place, Related, Severity};
pub use fix::{Applicability, Fix};
pub use model::{Document, Item, ItemId, ItemKind, Level, Section, SectionId, State};
pub use text::{Edit, Encoding, LineCol, LineIndex, TextRange};

/// Box characters for the optional task states; `None` turns a state off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxStates {
    pub in_progress: Option<char>,
    pub cancelled: Option<char>,
    pub deferred: Option<char>,
}

impl Default for BoxStates {
    fn default() -> Self {
        Self {
            in_progress: Some('/'),
            cancelled: Some('-'),
            deferred: Some('>'),
        }
    }
}

impl BoxStates {
    /// The state a box character means, if any: a configured character first, then one of
    /// the [`BoxStates::ALIASES`] of a state that is switched on.
    pub fn state_of(&self, ch: char) -> Option<State> {
        match ch {
            ' ' => Some(State::Open),
            'x' | 'X' => Some(State::Done),
            c if Some(c) == self.in_progress => Some(State::InProgress),
            c if Some(c) == self.cancelled => Some(State::Cancelled),
            c if Some(c) == self.deferred => Some(State::Deferred),
            c => Self::ALIASES
                .iter()
                .find(|&&(alias, _)| alias == c)
                .map(|&(_, state)| state)
                .filter(|&state| self.is_on(state)),
        }
    }

    /// Box characters other roadmaps write for a state, read as that state without a
    /// warning: `[~]` partly done, `[✗]` `[✘]` `[×]` failed or won't do (cancelled, which
    /// counts neither way: `[×]` is a done mark in some languages and a no in others).
    pub const ALIASES: [(char, State); 4] = [
        ('~', State::InProgress),
        ('✗', State::Cancelled),
        ('✘', State::Cancelled),
        ('×', State::Cancelled),
    ];

    /// False when the project turned the state's character off.
    fn is_on(&self, state: State) -> bool {
        match state {
            State::InProgress => self.in_progress.is_some(),
            State::Cancelled => self.cancelled.is_some(),
            State::Deferred => self.deferred.is_some(),
            State::Open | State::Done => true,
        }
    }
}

/// What a project configured, as the engine needs it (the file format lives in `config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Severity overrides; `None` switches a rule off. Codes absent here use their default.
    pub severities: BTreeMap<Code, Option<Severity>>,
    /// The priority levels allowed when a document has no legend (P0–P3 by default).
    pub default_priorities: Vec<Level>,
    pub states: BoxStates,
    /// A date field is stale when it is more than this many days older than the last commit.
    pub stale_days: u32,
    /// An open P0/P1 task is stale (`stale-open`) when unchanged for more than this many days.
    pub stale_open_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            severities: BTreeMap::new(),
            default_priorities: vec![0, 1, 2, 3],
            states: BoxStates::default(),
            stale_days: 0,
            stale_open_days: 90,
        }
    }
}

impl Settings {
    /// The effective severity of a code, or `None` when the rule is off.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        match self.severities.get(&code) {
            Some(configured) => *configured,
            None => Some(code.default_severity()),
        }
    }
}

/// Facts from outside the text, gathered by the caller.
#[derive(Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// Answers whether a relative link target exists (relative to the document's folder).
    /// `None`: links are not checked.
    pub link_exists: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    /// Date of the file's last committed change; `None` keeps `stale-date` silent.
    pub last_commit: Option<jiff::civil::Date>,
    /// Today's date, for fixes that write it; `None` offers no such fix.
    pub today: Option<jiff::civil::Date>,
    /// The other roadmap files of the workspace, for the cross-file `duplicate-item`;
    /// `None` checks the document alone.
    pub elsewhere: Option<&'a dyn index::OtherFiles>,
}

impl std::fmt::Debug for Inputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inputs")
            .field("link_exists", &self.link_exists.is_some())
            .field("last_commit", &self.last_commit)
            .field("today", &self.today)
            .field("elsewhere", &self.elsewhere.is_some())
            .finish()
    }
}

/// The result of analysing one document.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub document: Document,
    /// Sorted by position; suppressed and switched-off rules already removed.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text` and runs every enabled rule on it.
pub fn analyze(text: &str, inputs: &Inputs<'_>, settings: &Settings) -> Analysis {
    analyze_parsed(text, parse::parse(text, &settings.states), inputs, settings)
}

/// Runs every enabled rule on `document`, already parsed from `text` with the box states
/// of `settings` (as [`analyze`] would parse it).
pub fn analyze_parsed(
    text: &str,
    document: Document,
    inputs: &Inputs<'_>,
    settings: &Settings,
) -> Analysis {
    let diagnostics = rules::run(text, &document, inputs, settings);
    Analysis {
        document,
        diagnostics,
    }
}

/// What [`fix_all`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    pub text: String,
    /// Fixes applied over all rounds.
    pub applied: usize,
    /// Rounds that changed the text.
    pub rounds: usize,
    /// False when the last round still changed the text (the round limit was reached).
    pub converged: bool,
}

/// Most rounds [`fix_all`] runs; fixes that overlap in one round are applied in the next.
pub const MAX_FIX_ROUNDS: usize = 8;

/// Applies every safe fix, re-analysing between rounds until nothing changes.
pub fn fix_all(text: &str, inputs: &Inputs<'_>, settings: &Settings) -> FixOutcome {
    let mut current = text.to_owned();
    let mut applied = 0;
    let mut rounds = 0;
    for _ in 0..MAX_FIX_ROUNDS {
        let analysis = analyze(&current, inputs, settings);
        let safe = analysis
            .diagnostics
            .iter()
            .flat_map(|d| d.fixes.iter().filter(|f| f.is_safe()).take(1));
        let (next, n) = fix::apply_fixes(&current, safe);
        if n == 0 || next == current {
            return FixOutcome {
                text: current,
                applied,
                rounds,
                converged: true,
            };
        }
        applied += n;
        rounds += 1;
        current = next;
    }
    let converged = {
        let analysis = analyze(&current, inputs, settings);
        !analysis.diagnostics.iter().any(Diagnostic::is_fixable)
    };
    FixOutcome {
        text: current,
        applied,
        rounds,
        converged,
    }
}
