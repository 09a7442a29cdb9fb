//! Histories kept in memory for the server, keyed by (repository, path, HEAD).
//!
//! [`HistoryCache::warm`] does the git work and is meant to run off the request path (the
//! server calls it in `spawn_blocking` on open and save). [`HistoryCache::hover`] never
//! reads history from git: it answers from memory, or says the history is loading. When HEAD
//! moved forward, `warm` catches up from the cached history (one walk down to the old HEAD,
//! one tracking step per new version); after a rebase, reset or branch switch it builds anew,
//! keeping the last few HEADs so that switching back is instant.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::git::{self, Repo};
use super::{facts, render, FileHistory, HistoryError};
use crate::analysis::stitch::Part;
use crate::analysis::{Diagnostic, Settings};

/// Histories kept per (repository, path) for earlier HEADs.
const KEPT_HEADS: usize = 3;

/// A repository and the file's path inside it.
type Found = (Repo, String);
/// Histories of earlier HEADs by (common git dir, path in repository).
type Kept = HashMap<(PathBuf, String), Vec<Arc<FileHistory>>>;
/// What a build gives: the history, or the error (with the repository when it was found).
type Computed = Result<(Found, FileHistory), Box<(Option<Found>, HistoryError)>>;

/// What the hover can say about an item's history right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoverHistory {
    /// Markdown for the hover, and whether HEAD moved since the history was built (call
    /// [`HistoryCache::warm`] in the background).
    Ready { markdown: String, stale: bool },
    /// Nothing is known yet: a build is running or has not started (call `warm`).
    Loading,
    /// History cannot be shown, with the reason in the user's terms.
    Unavailable(String),
    /// No item starts on that line.
    NoItem,
}

enum Status {
    Building,
    Ready(Arc<FileHistory>),
    Failed(HistoryError),
}

struct Slot {
    repo: Option<Found>,
    status: Status,
    /// A history of an earlier HEAD, shown while a newer one builds.
    previous: Option<Arc<FileHistory>>,
    cancel: Arc<AtomicBool>,
    /// The build running for this file, if any: at most one at a time.
    running: Option<u64>,
}

/// Item histories for open files. Cheap to share: wrap it in an `Arc`.
#[derive(Default)]
pub struct HistoryCache {
    slots: Mutex<HashMap<PathBuf, Slot>>,
    /// Earlier HEADs' histories by (common git dir, path in repository).
    kept: Mutex<Kept>,
    /// Builds started so far (each also names its build).
    builds: AtomicU64,
    /// The last history diagnostics made per file, and what they were made from.
    facts: Mutex<HashMap<PathBuf, FactsMemo>>,
    /// The last recent-activity list made per file (heading hovers), and its key.
    recent: Mutex<HashMap<PathBuf, RecentMemo>>,
}

/// What [`facts::recent`] gave for one text, HEAD and day.
struct RecentMemo {
    head: String,
    text_hash: u64,
    today: jiff::civil::Date,
    recent: Arc<[facts::Recent]>,
}

fn hash_text(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// History diagnostics of one text, kept while neither the text, the history, the
/// settings nor the day changes (a publish after an edit elsewhere asks again).
struct FactsMemo {
    head: String,
    text_hash: u64,
    settings: Settings,
    today: jiff::civil::Date,
    diagnostics: Arc<[Diagnostic]>,
}

impl std::fmt::Debug for HistoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryCache").finish_non_exhaustive()
    }
}

impl HistoryCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds or catches up the history of the file at `path` (on disk) to the repository's
    /// current HEAD. Blocking: run it off the request path. A second call while one runs for
    /// the same file returns at once: one build per file at a time.
    pub fn warm(&self, path: &Path) {
        let (repo, previous, cancel, build) =
            {
                let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
                let slot = slots.entry(path.to_path_buf()).or_insert_with(|| Slot {
                    repo: None,
                    status: Status::Building,
                    previous: None,
                    cancel: Arc::new(AtomicBool::new(false)),
                    running: None,
                });
                if slot.running.is_some() {
                    return;
                }
                if let Status::Ready(history) = &slot.status {
                    if slot.repo.as_ref().is_some_and(|(repo, _)| {
                        current_head(repo).as_deref() == Some(&history.head)
                    }) {
                        return;
                    }
                    slot.previous = Some(history.clone());
                }
                slot.status = Status::Building;
                slot.cancel.store(false, Ordering::Relaxed);
                let build = self.builds.fetch_add(1, Ordering::Relaxed);
                slot.running = Some(build);
                (
                    slot.repo.clone(),
                    slot.previous.clone(),
                    slot.cancel.clone(),
                    build,
                )
            };
        let outcome = self.compute(path, repo, previous.as_deref(), &cancel);
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        // The file may have been closed (and opened again) meanwhile: that slot is not ours.
        let Some(slot) = slots
            .get_mut(path)
            .filter(|slot| slot.running == Some(build))
        else {
            return;
        };
        slot.running = None;
        match outcome {
            Ok((repo, history)) => {
                let history = Arc::new(history);
                self.keep(&history);
                slot.repo = Some(repo);
                slot.previous = None;
                slot.status = Status::Ready(history);
            }
            Err(failure) => {
                let (repo, error) = *failure;
                if repo.is_some() {
                    slot.repo = repo;
                }
                slot.status = Status::Failed(error);
            }
        }
    }

    fn compute(
        &self,
        path: &Path,
        repo: Option<Found>,
        previous: Option<&FileHistory>,
        cancel: &AtomicBool,
    ) -> Computed {
        let (repo, rel) = match repo {
            Some(found) => found,
            None => git::discover(path).map_err(|e| Box::new((None, e)))?,
        };
        let found = (repo.clone(), rel.clone());
        let head = current_head(&repo);
        if let Some(head) = &head {
            let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(history) = kept
                .get(&(repo.common_dir(), rel.clone()))
                .and_then(|list| list.iter().find(|h| &h.head == head))
            {
                return Ok((found, (**history).clone()));
            }
        }
        if let Some(previous) = previous {
            match git::catch_up(&repo, previous, cancel) {
                Ok(Some(history)) => return Ok((found, history)),
                Ok(None) => {}
                Err(error) => return Err(Box::new((Some(found), error))),
            }
        }
        match git::build_kept(&repo, &rel, cancel) {
            Ok(history) => Ok((found, history)),
            Err(error) => Err(Box::new((Some(found), error))),
        }
    }

    fn keep(&self, history: &Arc<FileHistory>) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let list = kept
            .entry((history.git_dir.clone(), history.path.clone()))
            .or_default();
        list.retain(|h| h.head != history.head);
        list.insert(0, history.clone());
        list.truncate(KEPT_HEADS);
    }

    /// The history of the item on `line` (zero-based) of `text`, the editor's current text of
    /// the file at `path`, as hover markdown. Never touches git objects; reads HEAD only to
    /// tell whether the history is stale.
    pub fn hover(
        &self,
        path: &Path,
        text: &str,
        line: usize,
        today: jiff::civil::Date,
    ) -> HoverHistory {
        let (history, repo) = {
            let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(slot) = slots.get(path) else {
                return HoverHistory::Loading;
            };
            match (&slot.status, &slot.previous) {
                (Status::Ready(history), _) | (Status::Building, Some(history)) => {
                    (history.clone(), slot.repo.clone())
                }
                (Status::Building, None) => return HoverHistory::Loading,
                (Status::Failed(error), _) => {
                    return HoverHistory::Unavailable(unavailable(error));
                }
            }
        };
        let Some(timeline) = history.timeline(text, line) else {
            return HoverHistory::NoItem;
        };
        let stale =
            repo.is_some_and(|(repo, _)| current_head(&repo).as_deref() != Some(&history.head));
        HoverHistory::Ready {
            markdown: render::hover_markdown(&history, &timeline, today),
            stale,
        }
    }

    /// The history built for `path`, if any (the newest, or the one shown while rebuilding).
    pub fn get(&self, path: &Path) -> Option<Arc<FileHistory>> {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.get(path)?;
        match &slot.status {
            Status::Ready(history) => Some(history.clone()),
            _ => slot.previous.clone(),
        }
    }

    /// The date of the last commit that changed `path`, from the cached history.
    pub fn last_commit(&self, path: &Path) -> Option<jiff::civil::Date> {
        self.get(path).and_then(|history| history.last_change())
    }

    /// Whether a build for `path` is running now (a hover then need not start one).
    pub fn is_building(&self, path: &Path) -> bool {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.get(path).is_some_and(|slot| slot.running.is_some())
    }

    /// How many builds (or catch-ups) [`HistoryCache::warm`] has started, for every file.
    pub fn builds_started(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
    }

    /// Whether `warm` has finished for `path` (built or failed).
    pub fn is_settled(&self, path: &Path) -> bool {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .get(path)
            .is_some_and(|slot| !matches!(slot.status, Status::Building))
    }

    /// The diagnostics only history tells (`reopened-item`, `stale-open`) of `text`, the
    /// editor's current text of the file at `path`, whose models `parts` gives (the whole
    /// document, or its shards in order; asked only when the text is not the one last asked
    /// about); empty until its history is built. Never reads git.
    pub fn diagnostics<'p>(
        &self,
        path: &Path,
        text: &str,
        parts: impl FnOnce() -> Vec<Part<'p>>,
        settings: &Settings,
        today: jiff::civil::Date,
    ) -> Arc<[Diagnostic]> {
        let Some(history) = self.get(path) else {
            return Arc::from([]);
        };
        let text_hash = hash_text(text);
        {
            let memo = self.facts.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(memo) = memo.get(path).filter(|m| {
                m.head == history.head
                    && m.text_hash == text_hash
                    && m.today == today
                    && m.settings == *settings
            }) {
                return memo.diagnostics.clone();
            }
        }
        let diagnostics: Arc<[Diagnostic]> =
            facts::diagnostics_in_parts(&history, text, &parts(), settings, today).into();
        self.facts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                path.to_path_buf(),
                FactsMemo {
                    head: history.head.clone(),
                    text_hash,
                    settings: settings.clone(),
                    today,
                    diagnostics: diagnostics.clone(),
                },
            );
        diagnostics
    }

    /// The heading hover's line for the section on `lines` (zero-based, end excluded) of
    /// `text`, the editor's text of the file at `path`: how many of its items were added
    /// and checked in the last 30 days. `None` until the history is built. Never reads git.
    pub fn section_hover(
        &self,
        path: &Path,
        text: &str,
        lines: std::ops::Range<usize>,
        today: jiff::civil::Date,
    ) -> Option<String> {
        let history = self.get(path)?;
        let text_hash = hash_text(text);
        let cached = {
            let memo = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
            memo.get(path)
                .filter(|m| m.head == history.head && m.text_hash == text_hash && m.today == today)
                .map(|m| m.recent.clone())
        };
        let recent = if let Some(recent) = cached {
            recent
        } else {
            let recent: Arc<[facts::Recent]> = facts::recent(&history, text, today).into();
            self.recent
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(
                    path.to_path_buf(),
                    RecentMemo {
                        head: history.head.clone(),
                        text_hash,
                        today,
                        recent: recent.clone(),
                    },
                );
            recent
        };
        Some(facts::section_summary(&recent, lines))
    }

    /// The HEAD the history of `path` was built for, once built.
    pub fn head(&self, path: &Path) -> Option<String> {
        self.get(path).map(|history| history.head.clone())
    }

    /// Cancels a running build for `path` and forgets it (the editor closed the file).
    pub fn forget(&self, path: &Path) {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(path);
        self.facts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(path);
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.remove(path) {
            slot.cancel.store(true, Ordering::Relaxed);
        }
    }
}

fn current_head(repo: &Repo) -> Option<String> {
    git::head_id(&repo.local()).ok().map(|id| id.to_string())
}

/// The hover's wording for a history that cannot be shown.
fn unavailable(error: &HistoryError) -> String {
    match error {
        HistoryError::NotInRepository => "History: not in a git repository.".to_owned(),
        HistoryError::UnbornBranch => {
            "History: the repository has no commits yet; this item is new.".to_owned()
        }
        HistoryError::NotCommitted => {
            "History: not committed yet; every item is new in the working copy.".to_owned()
        }
        other => format!("History unavailable: {other}."),
    }
}
