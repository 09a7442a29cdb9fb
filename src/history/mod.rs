//! Item history from git: the only module that reads git.
//!
//! git is read in-process through `gix`, opened isolated: only the repository's own config is
//! read, and nothing a repository configures (hooks, fsmonitor, textconv, diff or merge
//! drivers, filters, credential helpers) is ever run, nor the `git` program itself. Only
//! objects and refs are read: the working tree's status and the index are never touched.
//!
//! - `git` walks the commits that changed a file (following renames) and reads its versions.
//! - `track` follows each item from version to version and records its events.
//! - `build` puts both together into a [`FileHistory`]; `cache` keeps one per (repository,
//!   path, HEAD) for the server, catching up incrementally when HEAD moves forward.
//! - `render` writes timelines and hover text.

pub mod activity;
pub mod cache;
pub mod diff;
pub mod disk;
pub mod facts;
mod git;
pub mod render;
mod track;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub use cache::{HistoryCache, HoverHistory};
pub use track::{similarity, LineageId, IN_PLACE_SIMILARITY, SIMILAR_TEXT};

use crate::analysis::{Level, State};

/// One commit that changed the file, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full hexadecimal id.
    pub id: String,
    pub author: String,
    pub email: String,
    /// When the author wrote the change (survives rebases), in the author's own offset.
    pub author_time: jiff::Zoned,
    /// When the change was committed, in the committer's own offset.
    pub commit_time: jiff::Zoned,
    /// The first line of the message.
    pub subject: String,
}

impl CommitInfo {
    /// The first seven characters of the id.
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }

    /// The author date, in the author's offset.
    pub fn date(&self) -> jiff::civil::Date {
        self.author_time.date()
    }
}

/// What happened to an item in one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The item appeared.
    Added {
        text: Arc<str>,
        section: Option<Arc<str>>,
        state: Option<State>,
        priority: Option<Level>,
    },
    /// The item was already there where history stops (a shallow clone's boundary).
    FirstSeen {
        text: Arc<str>,
        section: Option<Arc<str>>,
        state: Option<State>,
        priority: Option<Level>,
    },
    /// The item came back after it had been removed.
    Readded {
        text: Arc<str>,
        section: Option<Arc<str>>,
        state: Option<State>,
        priority: Option<Level>,
    },
    /// The item was removed from the file.
    Removed,
    /// The task box changed (`None`: not a task, a plain item).
    State {
        from: Option<State>,
        to: Option<State>,
    },
    /// The item's own priority tag changed.
    Priority {
        from: Option<Level>,
        to: Option<Level>,
    },
    /// The item's text changed beyond its box and tags.
    Reworded { from: Arc<str>, to: Arc<str> },
    /// The item moved to another section.
    Moved {
        from: Option<Arc<str>>,
        to: Option<Arc<str>>,
    },
}

impl Change {
    /// A stable one-word name: `added`, `checked`, `unchecked`, `state`, `priority`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added { .. } => "added",
            Change::FirstSeen { .. } => "first-seen",
            Change::Readded { .. } => "readded",
            Change::Removed => "removed",
            Change::State {
                to: Some(State::Done),
                ..
            } => "checked",
            Change::State {
                from: Some(State::Done),
                to: Some(State::Open),
            } => "unchecked",
            Change::State { .. } => "state",
            Change::Priority { .. } => "priority",
            Change::Reworded { .. } => "reworded",
            Change::Moved { .. } => "moved",
        }
    }
}

/// One event of an item's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Index into [`FileHistory::commits`]; `None` for the working copy (uncommitted).
    pub commit: Option<usize>,
    pub change: Change,
}

/// Why history could not be read. Each message says what happened in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// No git repository holds the file.
    NotInRepository,
    /// The repository has no commit yet.
    UnbornBranch,
    /// The file is not in HEAD's tree.
    NotCommitted,
    /// The repository could not be read (corrupt or missing objects, unreadable refs).
    Git(String),
    /// The file's content is not text (binary, or a filter's pointer such as Git LFS).
    NotText,
    /// The work was cancelled.
    Cancelled,
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::NotInRepository => f.write_str("not in a git repository"),
            HistoryError::UnbornBranch => {
                f.write_str("the repository has no commits yet: every item is new")
            }
            HistoryError::NotCommitted => {
                f.write_str("not committed yet: every item is new in the working copy")
            }
            HistoryError::Git(message) => write!(f, "cannot read git history: {message}"),
            HistoryError::NotText => {
                f.write_str("history unavailable: the committed file is not text (binary or LFS)")
            }
            HistoryError::Cancelled => f.write_str("history: cancelled"),
        }
    }
}

impl std::error::Error for HistoryError {}

/// Limits on the work one build may do; past them the history is marked truncated.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most versions read.
    pub max_versions: usize,
    /// Versions larger than this are skipped (and the history marked truncated).
    pub max_blob_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_versions: 20_000,
            max_blob_bytes: 4 << 20,
        }
    }
}

/// The lineages of every item of one file, from its first commit to HEAD.
#[derive(Debug, Clone)]
pub struct FileHistory {
    /// The repository's common git dir (shared by its worktrees).
    pub git_dir: PathBuf,
    /// The path inside the repository, with `/` separators.
    pub path: String,
    /// The HEAD this history was built for.
    pub head: String,
    /// Commits that changed the file, in the order their versions were read.
    pub commits: Vec<CommitInfo>,
    /// Where history stops in a shallow clone.
    pub shallow_boundary: Option<usize>,
    /// Earlier paths of the file, newest first, when it was renamed.
    pub renamed_from: Vec<String>,
    /// True when a limit stopped the build before the file's creation.
    pub truncated: bool,
    /// The newest committed version.
    pub(crate) head_commit: Option<usize>,
    pub(crate) tracker: track::Tracker,
    pub(crate) head_state: track::VersionState,
}

/// One item's history, as read for a line of the current text.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTimeline {
    /// The item's text in the current version.
    pub text: String,
    /// Zero-based line in the current version.
    pub line: usize,
    pub state: Option<State>,
    /// Every event: committed ones first, then the working copy's.
    pub events: Vec<Event>,
}

impl FileHistory {
    /// Builds the history of the file at `path` (a path on disk) from HEAD, starting from
    /// the one kept on disk by an earlier process when there is one (see [`disk`]), and
    /// keeping the result there.
    pub fn build(path: &Path, cancel: &AtomicBool) -> Result<Self, HistoryError> {
        let (repo, rel) = git::discover(path)?;
        git::build_kept(&repo, &rel, cancel)
    }

    /// [`FileHistory::build`] with other limits.
    pub fn build_with(
        path: &Path,
        cancel: &AtomicBool,
        limits: Limits,
    ) -> Result<Self, HistoryError> {
        let (repo, rel) = git::discover(path)?;
        git::build(&repo, &rel, cancel, limits)
    }

    /// The commit a committed event refers to.
    pub fn commit(&self, event: &Event) -> Option<&CommitInfo> {
        event.commit.and_then(|index| self.commits.get(index))
    }

    /// The date of the newest commit that changed the file (committer date).
    pub fn last_change(&self) -> Option<jiff::civil::Date> {
        self.head_commit
            .and_then(|index| self.commits.get(index))
            .map(|commit| commit.commit_time.date())
    }

    /// The timeline of the item on `line` (zero-based) of `text`, the working copy: committed
    /// events of its lineage followed by what the working copy changes. `None` when no item
    /// starts on that line.
    pub fn timeline(&self, text: &str, line: usize) -> Option<ItemTimeline> {
        let text = track::lf_text(text);
        // Every piece of the text seen before (a working copy like a committed version):
        // the tracker's own string table serves, without a copy.
        if let Some(snaps) = track::snaps_known(&self.tracker.memo, &text) {
            return self.timeline_of(&self.tracker.interner, &snaps, line);
        }
        let mut interner = self.tracker.interner.clone();
        let snaps = track::snaps_lookup(&mut interner, &self.tracker.memo, &text);
        self.timeline_of(&interner, &snaps, line)
    }

    fn timeline_of(
        &self,
        interner: &track::Interner,
        snaps: &[track::Snap],
        line: usize,
    ) -> Option<ItemTimeline> {
        let index = snaps
            .iter()
            .position(|snap| snap.line == line && !snap.field)?;
        let previews = self.tracker.preview(interner, &self.head_state, snaps);
        let (lineage, uncommitted) = previews.into_iter().nth(index)?;
        let mut events: Vec<Event> = lineage
            .map(|id| self.tracker.lineages[id].events.clone())
            .unwrap_or_default();
        events.extend(uncommitted.into_iter().map(|change| Event {
            commit: None,
            change,
        }));
        let snap = &snaps[index];
        Some(ItemTimeline {
            text: interner.get(snap.text).to_string(),
            line,
            state: snap.state,
            events,
        })
    }
}

impl FileHistory {
    /// The timeline of every item of `text` (the working copy), in text order: what
    /// [`FileHistory::timeline`] gives for each line that starts an item, in one pass.
    pub fn timelines(&self, text: &str) -> Vec<ItemTimeline> {
        let text = track::lf_text(text);
        let extended;
        let (interner, snaps) = if let Some(snaps) = track::snaps_known(&self.tracker.memo, &text) {
            (&self.tracker.interner, snaps)
        } else {
            let mut interner = self.tracker.interner.clone();
            let snaps = track::snaps_lookup(&mut interner, &self.tracker.memo, &text);
            extended = interner;
            (&extended, snaps)
        };
        let previews = self.tracker.preview(interner, &self.head_state, &snaps);
        snaps
            .iter()
            .zip(previews)
            .filter(|(snap, _)| !snap.field)
            .map(|(snap, (lineage, uncommitted))| {
                let mut events: Vec<Event> = lineage
                    .map(|id| self.tracker.lineages[id].events.clone())
                    .unwrap_or_default();
                events.extend(uncommitted.into_iter().map(|change| Event {
                    commit: None,
                    change,
                }));
                ItemTimeline {
                    text: interner.get(snap.text).to_string(),
                    line: snap.line,
                    state: snap.state,
                    events,
                }
            })
            .collect()
    }
}

/// The date of the last commit that changed `path`, or `None` when the file is not in a git
/// repository (or git cannot be read). Feeds the `stale-date` rule.
pub fn last_commit_date(path: &Path) -> Option<jiff::civil::Date> {
    let (repo, rel) = git::discover(path).ok()?;
    git::last_change(&repo, &rel).ok().flatten()
}

/// [`last_commit_date`] for many files (`tickmark check`): each folder's repository is found
/// and opened once, not once per file (opening a repository reads its configuration, refs
/// and pack indexes: for 2,000 files of one repository, most of the run).
#[derive(Default)]
pub struct LastCommits {
    /// By a file's absolute folder as given: the folder made canonical, and its repository
    /// with the working tree's root (`None` outside a repository).
    folders: std::sync::Mutex<HashMap<PathBuf, Option<Arc<Folder>>>>,
}

struct Folder {
    canonical: PathBuf,
    repo: git::Repo,
    workdir: PathBuf,
    /// Handles on the repository not in use, each with the objects it has read cached:
    /// files of one repository share most of their history.
    handles: std::sync::Mutex<Vec<gix::Repository>>,
}

impl LastCommits {
    /// The date of the last commit that changed `path`, as [`last_commit_date`] tells it.
    pub fn date(&self, path: &Path) -> Option<jiff::civil::Date> {
        let (dir, name) = git::folder_and_name(path).ok()?;
        let folder = {
            let mut folders = self
                .folders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            folders
                .entry(dir)
                .or_insert_with_key(|dir| {
                    let canonical = std::fs::canonicalize(dir).ok()?;
                    let (repo, workdir) = git::discover_folder(&canonical).ok()?;
                    Some(Arc::new(Folder {
                        canonical,
                        repo,
                        workdir,
                        handles: std::sync::Mutex::default(),
                    }))
                })
                .clone()?
        };
        let rel = git::relative(&folder.canonical, &name, &folder.workdir).ok()?;
        let taken = folder
            .handles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let handle = taken.unwrap_or_else(|| folder.repo.local());
        let date = git::last_change_in(&handle, &rel).ok().flatten();
        folder
            .handles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(handle);
        date
    }
}
