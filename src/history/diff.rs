//! What a range of commits did to a roadmap's items (`tickmark diff BASE..HEAD`).
//!
//! The items of the file at BASE start lineages without events; every version between BASE
//! and HEAD is then tracked as for the hover, so an item reworded twice and moved is still
//! one item. The summary compares each lineage at BASE with the same lineage at HEAD.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use gix::ObjectId;

use super::git::{self, Seed};
use super::track::{self, Origin, Start, Tracker, VersionState};
use super::{HistoryError, Limits};
use crate::analysis::{Level, State};

/// One item as it stands at BASE or HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffItem {
    pub text: Arc<str>,
    /// 1-based line in the version it is read from (HEAD, or BASE for dropped items).
    pub line: usize,
    pub section: Option<Arc<str>>,
    pub state: Option<State>,
    pub priority: Option<Level>,
}

/// What the range did to one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDiff {
    pub path: String,
    pub added: Vec<DiffItem>,
    pub checked: Vec<DiffItem>,
    pub reopened: Vec<DiffItem>,
    /// With the priority at BASE.
    pub reprioritised: Vec<(Option<Level>, DiffItem)>,
    /// With the text at BASE.
    pub reworded: Vec<(Arc<str>, DiffItem)>,
    /// With the section at BASE.
    pub moved: Vec<(Option<Arc<str>>, DiffItem)>,
    /// Removed while not done (as they stood at BASE).
    pub dropped_unchecked: Vec<DiffItem>,
    /// Removed after being done or cancelled (as they stood at BASE).
    pub removed_done: Vec<DiffItem>,
}

impl FileDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.checked.is_empty()
            && self.reopened.is_empty()
            && self.reprioritised.is_empty()
            && self.reworded.is_empty()
            && self.moved.is_empty()
            && self.dropped_unchecked.is_empty()
            && self.removed_done.is_empty()
    }
}

/// The range, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeDiff {
    pub base: String,
    pub head: String,
    pub files: Vec<FileDiff>,
}

/// Summarises `base..head` for `paths` (on disk; a file is summarised as named, a folder
/// stands for the Markdown files below it that the range changed; empty: every roadmap file
/// the range changed), in the repository that holds `dir`. `is_roadmap` is asked about paths on
/// disk.
pub fn diff_range(
    dir: &Path,
    base: &str,
    head: &str,
    paths: &[PathBuf],
    is_roadmap: &dyn Fn(&Path) -> bool,
) -> Result<RangeDiff, HistoryError> {
    let probe = dir.join(".tickmark-probe");
    let (repo, _) = git::discover(&probe)?;
    let local = repo.local();
    let base_id = git::resolve(&local, base)?;
    let head_id = git::resolve(&local, head)?;
    let workdir = repo.workdir().unwrap_or_else(|| dir.to_path_buf());
    let on_disk = |rel: &str| is_roadmap(&workdir.join(rel));
    let mut rels = Vec::new();
    let mut folders = Vec::new();
    for path in paths {
        if path.is_dir() {
            let (_, rel) = git::discover(&path.join(".tickmark-probe"))?;
            let folder = rel.trim_end_matches(".tickmark-probe").to_owned();
            folders.push(folder);
        } else {
            let (_, rel) = git::discover(path)?;
            rels.push(rel);
        }
    }
    if paths.is_empty() || !folders.is_empty() {
        // Every roadmap; below a folder named, every Markdown file.
        let wanted = |rel: &str| {
            if paths.is_empty() {
                return on_disk(rel);
            }
            let markdown = Path::new(rel).extension().is_some_and(|e| {
                e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
            });
            folders.iter().any(|f| rel.starts_with(f.as_str())) && (markdown || on_disk(rel))
        };
        for rel in changed_roadmaps(&local, base_id, head_id, &wanted)? {
            if !rels.contains(&rel) {
                rels.push(rel);
            }
        }
    }
    let hidden = ancestors(&local, base_id)?;
    let mut files = Vec::new();
    for rel in rels {
        files.push(diff_file(&local, base_id, head_id, &rel, &hidden)?);
    }
    Ok(RangeDiff {
        base: base_id.to_string(),
        head: head_id.to_string(),
        files,
    })
}

fn diff_file(
    repo: &gix::Repository,
    base: ObjectId,
    head: ObjectId,
    path: &str,
    hidden: &HashSet<ObjectId>,
) -> Result<FileDiff, HistoryError> {
    let cancel = AtomicBool::new(false);
    let mut tracker = Tracker::default();
    let base_state = match git::file_text(repo, base, path)? {
        Some(text) => {
            let snaps = tracker.read_version(&text);
            tracker.start(&snaps, Origin::Commit(0), Start::Base)
        }
        None => VersionState::default(),
    };
    let head_state = match git::walk(repo, head, path, hidden, None, Limits::default(), &cancel) {
        Ok(walk) if walk.versions.is_empty() => base_state.clone(),
        Ok(walk) => {
            let seed = Seed {
                tracker,
                commits: Vec::new(),
                state: &base_state,
            };
            let (next, _, state, _) =
                git::track(repo, &walk, Some(seed), Limits::default(), &cancel)?;
            tracker = next;
            state
        }
        Err(HistoryError::NotCommitted) => VersionState::default(),
        Err(error) => return Err(error),
    };
    Ok(summarise(&tracker, path, &base_state, &head_state))
}

fn item(tracker: &Tracker, snap: &track::Snap) -> DiffItem {
    DiffItem {
        text: tracker.interner.get(snap.text).clone(),
        line: snap.line + 1,
        section: snap.section.map(|s| tracker.interner.get(s).clone()),
        state: snap.state,
        priority: snap.priority,
    }
}

fn summarise(tracker: &Tracker, path: &str, base: &VersionState, head: &VersionState) -> FileDiff {
    let mut diff = FileDiff {
        path: path.to_owned(),
        ..FileDiff::default()
    };
    let at_base: HashMap<usize, &track::Snap> = base.items.iter().map(|(s, id)| (*id, s)).collect();
    let at_head: HashSet<usize> = head.items.iter().map(|(_, id)| *id).collect();
    let base_index: HashMap<usize, usize> = base
        .items
        .iter()
        .enumerate()
        .map(|(k, (_, id))| (*id, k))
        .collect();
    let pairing = track::Pairing {
        new_to_old: head
            .items
            .iter()
            .map(|(_, id)| base_index.get(id).copied())
            .collect(),
    };
    let head_snaps: Vec<track::Snap> = head.items.iter().map(|(s, _)| *s).collect();
    let sections = track::Sections::of_pairing(&tracker.interner, base, &head_snaps, &pairing);
    for (snap, id) in head.items.iter().filter(|(s, _)| !s.field) {
        let now = item(tracker, snap);
        let Some(before) = at_base.get(id) else {
            diff.added.push(now);
            continue;
        };
        let was_done = before.state.is_some_and(State::is_closed);
        let is_done = snap.state.is_some_and(State::is_closed);
        if !was_done && snap.state == Some(State::Done) {
            diff.checked.push(now.clone());
        } else if was_done && snap.state.is_some() && !is_done {
            diff.reopened.push(now.clone());
        }
        if before.priority != snap.priority {
            diff.reprioritised.push((before.priority, now.clone()));
        }
        if before.norm != snap.norm {
            diff.reworded
                .push((tracker.interner.get(before.text).clone(), now.clone()));
        }
        if let Some((from, _)) = sections.moved(before, snap) {
            diff.moved
                .push((from.map(|s| tracker.interner.get(s).clone()), now.clone()));
        }
    }
    for (snap, id) in base.items.iter().filter(|(s, _)| !s.field) {
        if at_head.contains(id) {
            continue;
        }
        let then = item(tracker, snap);
        if snap.state.is_some_and(State::is_closed) {
            diff.removed_done.push(then);
        } else {
            diff.dropped_unchecked.push(then);
        }
    }
    diff
}

/// Every commit reachable from `id`, itself included.
fn ancestors(repo: &gix::Repository, id: ObjectId) -> Result<HashSet<ObjectId>, HistoryError> {
    let mut seen = HashSet::from([id]);
    let mut queue = VecDeque::from([id]);
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    while let Some(next) = queue.pop_front() {
        if shallow.contains(&next) {
            continue;
        }
        for parent in git::parents(repo, next)? {
            if seen.insert(parent) {
                queue.push_back(parent);
            }
        }
    }
    Ok(seen)
}

/// Roadmap files whose content differs between the two commits.
fn changed_roadmaps(
    repo: &gix::Repository,
    base: ObjectId,
    head: ObjectId,
    is_roadmap: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, HistoryError> {
    let before = git::files_at(repo, base)?;
    let after = git::files_at(repo, head)?;
    let mut paths: Vec<String> = after
        .iter()
        .filter(|(path, id)| before.get(*path) != Some(id))
        .map(|(path, _)| path.clone())
        .chain(
            before
                .keys()
                .filter(|path| !after.contains_key(*path))
                .cloned(),
        )
        .filter(|path| is_roadmap(path))
        .collect();
    paths.sort();
    Ok(paths)
}
