//! Histories kept on disk, so that a second process on the same repository starts warm.
//!
//! One file per (repository, path in the repository), under the repository's common git dir:
//! `.git/tickmark/history-<hash of the path>.json` (never in the work tree). It holds the
//! history of the HEAD it was built for; a process whose HEAD is that one uses it as is, one
//! whose HEAD moved forward catches up from it, and one on another line of history builds
//! anew. The file starts with a header line (format version, revision of the pairing rules,
//! length and checksum of the body); a file of another version or rules, cut short,
//! altered, naming another path or holding an index out of range is ignored and later
//! replaced. Writes go to a temporary file renamed into place, so a reader never sees half a
//! file. A git dir that cannot be written to simply has no cache.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::track::{Interner, Lineage, Snap, Tracker, VersionState};
use super::{Change, CommitInfo, Event, FileHistory};
use crate::analysis::{Level, State};

/// Changes whenever the layout below changes: a file of another version is ignored.
const FORMAT: &str = "tickmark-history 3";
/// Changes whenever pairing may read a history differently (a new rule, a threshold): a file
/// kept by other rules is ignored and built anew, so a new rule shows on histories kept
/// before it.
pub const RULES: u32 = 17;

/// Where the history of `path` (in the repository whose common git dir is `git_dir`) is kept.
pub fn cache_file(git_dir: &Path, path: &str) -> PathBuf {
    git_dir.join("tickmark").join(format!(
        "history-{:016x}.json",
        stable_hash(path.as_bytes())
    ))
}

/// FNV-1a: the same in every build and process (std's hasher is seeded per process).
fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The history kept for `path`, when there is a sound one.
pub fn load(git_dir: &Path, path: &str) -> Option<FileHistory> {
    let bytes = std::fs::read(cache_file(git_dir, path)).ok()?;
    decode(&bytes, git_dir, path)
}

/// Keeps `history` for the next process. Errors (a read-only git dir) are ignored.
pub fn store(history: &FileHistory) {
    let file = cache_file(&history.git_dir, &history.path);
    let Some(folder) = file.parent() else {
        return;
    };
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    let bytes = encode(history);
    let temp = folder.join(format!(
        ".{}.{}.tmp",
        file.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("history"),
        std::process::id()
    ));
    if std::fs::write(&temp, bytes).is_ok() && std::fs::rename(&temp, &file).is_err() {
        let _ = std::fs::remove_file(&temp);
    }
}

#[derive(Serialize, Deserialize)]
struct Disk {
    path: String,
    head: String,
    commits: Vec<DiskCommit>,
    shallow_boundary: Option<usize>,
    renamed_from: Vec<String>,
    truncated: bool,
    head_commit: Option<usize>,
    strings: Vec<String>,
    lineages: Vec<DiskLineage>,
    dead: Vec<(u32, usize)>,
    head_state: Vec<(DiskSnap, usize)>,
}

#[derive(Serialize, Deserialize)]
struct DiskCommit {
    id: String,
    author: String,
    email: String,
    author_time: String,
    commit_time: String,
    subject: String,
}

#[derive(Serialize, Deserialize)]
struct DiskLineage {
    events: Vec<(Option<usize>, DiskChange)>,
    alive: bool,
    last: DiskSnap,
}

/// line, raw, text, norm, state, priority, section, outer, field.
type DiskSnap = (
    usize,
    u32,
    u32,
    u32,
    Option<u8>,
    Option<Level>,
    Option<u32>,
    Option<u32>,
    bool,
);

/// Strings as ids into `strings`; states as [`state_code`].
#[derive(Serialize, Deserialize)]
enum DiskChange {
    Added(u32, Option<u32>, Option<u8>, Option<Level>),
    FirstSeen(u32, Option<u32>, Option<u8>, Option<Level>),
    Readded(u32, Option<u32>, Option<u8>, Option<Level>),
    Removed,
    State(Option<u8>, Option<u8>),
    Priority(Option<Level>, Option<Level>),
    Reworded(u32, u32),
    Moved(Option<u32>, Option<u32>),
}

fn state_code(state: Option<State>) -> Option<u8> {
    state.map(|s| match s {
        State::Open => 0,
        State::Done => 1,
        State::InProgress => 2,
        State::Cancelled => 3,
        State::Deferred => 4,
    })
}

fn state_of(code: Option<u8>) -> Result<Option<State>, ()> {
    code.map(|c| match c {
        0 => Ok(State::Open),
        1 => Ok(State::Done),
        2 => Ok(State::InProgress),
        3 => Ok(State::Cancelled),
        4 => Ok(State::Deferred),
        _ => Err(()),
    })
    .transpose()
}

/// The strings of the history: the interner's, then any event string it lacks.
struct Strings<'a> {
    interner: &'a Interner,
    extra: Vec<String>,
    extra_ids: std::collections::HashMap<String, u32>,
}

impl Strings<'_> {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.interner.id_of(s) {
            return id;
        }
        if let Some(&id) = self.extra_ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.interner.len() + self.extra.len()).unwrap_or(u32::MAX);
        self.extra.push(s.to_owned());
        self.extra_ids.insert(s.to_owned(), id);
        id
    }
}

fn disk_snap(snap: &Snap) -> DiskSnap {
    (
        snap.line,
        snap.raw,
        snap.text,
        snap.norm,
        state_code(snap.state),
        snap.priority,
        snap.section,
        snap.outer,
        snap.field,
    )
}

fn encode(history: &FileHistory) -> Vec<u8> {
    let tracker = &history.tracker;
    let mut strings = Strings {
        interner: &tracker.interner,
        extra: Vec::new(),
        extra_ids: std::collections::HashMap::new(),
    };
    let lineages: Vec<DiskLineage> = tracker
        .lineages
        .iter()
        .map(|lineage| DiskLineage {
            events: lineage
                .events
                .iter()
                .map(|e| (e.commit, disk_change(&e.change, &mut strings)))
                .collect(),
            alive: lineage.alive,
            last: disk_snap(&lineage.last),
        })
        .collect();
    let extra = strings.extra;
    let disk = Disk {
        path: history.path.clone(),
        head: history.head.clone(),
        commits: history
            .commits
            .iter()
            .map(|c| DiskCommit {
                id: c.id.clone(),
                author: c.author.clone(),
                email: c.email.clone(),
                author_time: c.author_time.to_string(),
                commit_time: c.commit_time.to_string(),
                subject: c.subject.clone(),
            })
            .collect(),
        shallow_boundary: history.shallow_boundary,
        renamed_from: history.renamed_from.clone(),
        truncated: history.truncated,
        head_commit: history.head_commit,
        strings: tracker
            .interner
            .strings()
            .iter()
            .map(ToString::to_string)
            .chain(extra)
            .collect(),
        lineages,
        dead: {
            // In a fixed order, so that the same history is always the same bytes.
            let mut dead: Vec<(u32, usize)> = tracker.dead().collect();
            dead.sort_unstable();
            dead
        },
        head_state: history
            .head_state
            .items
            .iter()
            .map(|(snap, id)| (disk_snap(snap), *id))
            .collect(),
    };
    let body = serde_json::to_vec(&disk).unwrap_or_default();
    let mut out = format!(
        "{FORMAT} rules {RULES} {} {:016x}\n",
        body.len(),
        checksum(&body)
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

fn checksum(body: &[u8]) -> u64 {
    stable_hash(body)
}

fn disk_change(change: &Change, strings: &mut Strings<'_>) -> DiskChange {
    let mut id = |s: &Arc<str>| strings.id(s);
    match change {
        Change::Added {
            text,
            section,
            state,
            priority,
        } => DiskChange::Added(
            id(text),
            section.as_ref().map(&mut id),
            state_code(*state),
            *priority,
        ),
        Change::FirstSeen {
            text,
            section,
            state,
            priority,
        } => DiskChange::FirstSeen(
            id(text),
            section.as_ref().map(&mut id),
            state_code(*state),
            *priority,
        ),
        Change::Readded {
            text,
            section,
            state,
            priority,
        } => DiskChange::Readded(
            id(text),
            section.as_ref().map(&mut id),
            state_code(*state),
            *priority,
        ),
        Change::Removed => DiskChange::Removed,
        Change::State { from, to } => DiskChange::State(state_code(*from), state_code(*to)),
        Change::Priority { from, to } => DiskChange::Priority(*from, *to),
        Change::Reworded { from, to } => DiskChange::Reworded(id(from), id(to)),
        Change::Moved { from, to } => {
            DiskChange::Moved(from.as_ref().map(&mut id), to.as_ref().map(&mut id))
        }
    }
}

fn decode(bytes: &[u8], git_dir: &Path, path: &str) -> Option<FileHistory> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..newline]).ok()?;
    let body = &bytes[newline + 1..];
    let rest = header.strip_prefix(FORMAT)?.strip_prefix(" rules ")?;
    let (rules, rest) = rest.split_once(' ')?;
    if rules.parse::<u32>().ok()? != RULES {
        return None;
    }
    let (length, sum) = rest.split_once(' ')?;
    if length.parse::<usize>().ok()? != body.len()
        || u64::from_str_radix(sum, 16).ok()? != checksum(body)
    {
        return None;
    }
    let disk: Disk = serde_json::from_slice(body).ok()?;
    if disk.path != path {
        return None;
    }
    rebuild(disk, git_dir).ok()
}

/// The history `disk` describes, checking every index so that a history read back can
/// never make a later look-up fail.
fn rebuild(disk: Disk, git_dir: &Path) -> Result<FileHistory, ()> {
    let strings: Vec<Arc<str>> = disk.strings.into_iter().map(Arc::from).collect();
    let count = strings.len();
    let commits = disk
        .commits
        .into_iter()
        .map(|c| {
            Ok(CommitInfo {
                id: c.id,
                author: c.author,
                email: c.email,
                author_time: c.author_time.parse().map_err(drop)?,
                commit_time: c.commit_time.parse().map_err(drop)?,
                subject: c.subject,
            })
        })
        .collect::<Result<Vec<_>, ()>>()?;
    let lineage_count = disk.lineages.len();
    let string = |id: u32| strings.get(id as usize).cloned().ok_or(());
    let in_strings = |id: u32| (id as usize) < count;
    let snap = |s: DiskSnap| -> Result<Snap, ()> {
        let (line, raw, text, norm, state, priority, section, outer, field) = s;
        if !(in_strings(raw) && in_strings(text) && in_strings(norm))
            || section.is_some_and(|s| !in_strings(s))
            || outer.is_some_and(|s| !in_strings(s))
        {
            return Err(());
        }
        Ok(Snap {
            line,
            raw,
            text,
            norm,
            state: state_of(state)?,
            priority,
            section,
            outer,
            field,
        })
    };
    let commit_ok = |index: Option<usize>| index.is_none_or(|i| i < commits.len());
    let mut lineages = Vec::with_capacity(lineage_count);
    for lineage in disk.lineages {
        let mut events = Vec::with_capacity(lineage.events.len());
        for (commit, change) in lineage.events {
            if !commit_ok(commit) {
                return Err(());
            }
            let section = |s: Option<u32>| s.map(string).transpose();
            let change = match change {
                DiskChange::Added(text, sec, state, priority) => Change::Added {
                    text: string(text)?,
                    section: section(sec)?,
                    state: state_of(state)?,
                    priority,
                },
                DiskChange::FirstSeen(text, sec, state, priority) => Change::FirstSeen {
                    text: string(text)?,
                    section: section(sec)?,
                    state: state_of(state)?,
                    priority,
                },
                DiskChange::Readded(text, sec, state, priority) => Change::Readded {
                    text: string(text)?,
                    section: section(sec)?,
                    state: state_of(state)?,
                    priority,
                },
                DiskChange::Removed => Change::Removed,
                DiskChange::State(from, to) => Change::State {
                    from: state_of(from)?,
                    to: state_of(to)?,
                },
                DiskChange::Priority(from, to) => Change::Priority { from, to },
                DiskChange::Reworded(from, to) => Change::Reworded {
                    from: string(from)?,
                    to: string(to)?,
                },
                DiskChange::Moved(from, to) => Change::Moved {
                    from: section(from)?,
                    to: section(to)?,
                },
            };
            events.push(Event { commit, change });
        }
        lineages.push(Lineage {
            events,
            alive: lineage.alive,
            last: snap(lineage.last)?,
        });
    }
    let head_state = VersionState {
        items: disk
            .head_state
            .into_iter()
            .map(|(s, id)| {
                if id >= lineage_count {
                    return Err(());
                }
                Ok((snap(s)?, id))
            })
            .collect::<Result<_, ()>>()?,
        // Every event of a lineage kept is the HEAD version's.
        views: Vec::new(),
    };
    if disk
        .dead
        .iter()
        .any(|&(norm, id)| !in_strings(norm) || id >= lineage_count)
        || !commit_ok(disk.head_commit)
        || !commit_ok(disk.shallow_boundary)
    {
        return Err(());
    }
    let interner = Interner::from_strings(strings).ok_or(())?;
    Ok(FileHistory {
        git_dir: git_dir.to_path_buf(),
        path: disk.path,
        head: disk.head,
        commits,
        shallow_boundary: disk.shallow_boundary,
        renamed_from: disk.renamed_from,
        truncated: disk.truncated,
        head_commit: disk.head_commit,
        tracker: Tracker::from_parts(interner, lineages, disk.dead),
        head_state,
    })
}
