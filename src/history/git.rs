//! The only `gix` user: open a repository isolated, walk the commits that changed one file,
//! read its versions.
//!
//! The walk is our own: a queue ordered by commit time (newest first) with git's default
//! history simplification (at a merge whose file equals one parent's, only that parent is
//! followed). Where a file appears without any parent holding it, the first parent's tree is
//! searched for the file it was renamed from. Shallow commits are roots: history stops there.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use gix::bstr::{BStr, ByteSlice};
use gix::ObjectId;

use super::track::{self, Origin, Start, Tracker, VersionState};
use super::{CommitInfo, FileHistory, HistoryError, Limits};

/// An open repository, safe to share between threads.
#[derive(Clone)]
pub struct Repo {
    inner: gix::ThreadSafeRepository,
}

impl Repo {
    pub fn common_dir(&self) -> PathBuf {
        self.inner.to_thread_local().common_dir().to_path_buf()
    }

    /// The working tree's root, canonical, when the repository has one.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.inner
            .work_dir()
            .and_then(|dir| std::fs::canonicalize(dir).ok())
    }

    pub fn local(&self) -> gix::Repository {
        let mut repo = self.inner.to_thread_local();
        repo.object_cache_size(Some(8 << 20));
        repo
    }
}

fn git_error(error: impl std::fmt::Display) -> HistoryError {
    HistoryError::Git(error.to_string())
}

/// Finds the repository holding `path` (a file on disk, which need not exist) and the path
/// inside it. Only the repository's own config is read; no environment, no global or system
/// config, never the `git` program.
pub fn discover(path: &Path) -> Result<(Repo, String), HistoryError> {
    let (dir, name) = folder_and_name(path)?;
    let dir = std::fs::canonicalize(dir).map_err(|_| HistoryError::NotInRepository)?;
    let (repo, workdir) = discover_folder(&dir)?;
    let rel = relative(&dir, &name, &workdir)?;
    Ok((repo, rel))
}

/// The absolute folder of `path` and its file name.
pub fn folder_and_name(path: &Path) -> Result<(PathBuf, std::ffi::OsString), HistoryError> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|_| HistoryError::NotInRepository)?
            .join(path)
    };
    let dir = absolute.parent().ok_or(HistoryError::NotInRepository)?;
    let name = absolute.file_name().ok_or(HistoryError::NotInRepository)?;
    Ok((dir.to_path_buf(), name.to_os_string()))
}

/// The repository holding the canonical folder `dir`, and its working tree's root
/// (canonical).
pub fn discover_folder(dir: &Path) -> Result<(Repo, PathBuf), HistoryError> {
    let options = gix::open::Options::isolated();
    let trust = gix::sec::trust::Mapping {
        full: options.clone(),
        reduced: options,
    };
    let inner = gix::ThreadSafeRepository::discover_opts(
        dir,
        gix::discover::upwards::Options::default(),
        trust,
    )
    .map_err(
        |error| match dir.ancestors().find(|d| d.join(".git").exists()) {
            // A `.git` that cannot be opened is a broken repository, not a missing one.
            Some(root) => HistoryError::Git(format!(
                "the repository at {} is broken: {error}",
                root.join(".git").display()
            )),
            None => HistoryError::NotInRepository,
        },
    )?;
    let workdir = inner.work_dir().ok_or(HistoryError::NotInRepository)?;
    let workdir = std::fs::canonicalize(workdir).map_err(|_| HistoryError::NotInRepository)?;
    Ok((Repo { inner }, workdir))
}

/// The path of the file `name` of the canonical folder `dir` inside the working tree
/// `workdir`, with `/` between its parts.
pub fn relative(
    dir: &Path,
    name: &std::ffi::OsStr,
    workdir: &Path,
) -> Result<String, HistoryError> {
    let relative = dir
        .join(name)
        .strip_prefix(workdir)
        .map_err(|_| HistoryError::NotInRepository)?
        .to_path_buf();
    let mut rel = String::new();
    for component in relative.components() {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str(&component.as_os_str().to_string_lossy());
    }
    Ok(rel)
}

/// HEAD's commit id, or the reason there is none.
pub fn head_id(repo: &gix::Repository) -> Result<ObjectId, HistoryError> {
    let head = repo.head().map_err(git_error)?;
    if head.is_unborn() {
        return Err(HistoryError::UnbornBranch);
    }
    head.id()
        .map(gix::Id::detach)
        .ok_or(HistoryError::UnbornBranch)
}

/// Resolves a revision (`main`, `HEAD~2`, an id) to a commit id.
pub fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId, HistoryError> {
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| HistoryError::Git(format!("unknown revision `{spec}`: {e}")))?;
    let object = id
        .object()
        .map_err(git_error)?
        .peel_to_kind(gix::object::Kind::Commit)
        .map_err(|_| HistoryError::Git(format!("`{spec}` is not a commit")))?;
    Ok(object.id)
}

/// Commit facts the walk needs, from the commit-graph when present, else the object.
struct Walker<'r> {
    repo: &'r gix::Repository,
    graph: Option<gix::commitgraph::Graph>,
    shallow: HashSet<ObjectId>,
    /// (tree id, path) → the blob at that path below that tree.
    lookups: HashMap<(ObjectId, u32), Option<ObjectId>>,
    paths: Vec<String>,
}

#[derive(Clone)]
struct CommitFacts {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

impl<'r> Walker<'r> {
    fn new(repo: &'r gix::Repository) -> Result<Self, HistoryError> {
        let graph = repo.commit_graph_if_enabled().ok().flatten();
        let shallow = repo
            .shallow_commits()
            .map_err(git_error)?
            .map(|commits| commits.iter().copied().collect())
            .unwrap_or_default();
        Ok(Self {
            repo,
            graph,
            shallow,
            lookups: HashMap::new(),
            paths: Vec::new(),
        })
    }

    fn path_id(&mut self, path: &str) -> u32 {
        if let Some(index) = self.paths.iter().position(|p| p == path) {
            return index as u32;
        }
        self.paths.push(path.to_owned());
        (self.paths.len() - 1) as u32
    }

    fn facts(&self, id: ObjectId) -> Result<CommitFacts, HistoryError> {
        if let Some(commit) = self.graph.as_ref().and_then(|g| g.commit_by_id(id)) {
            let graph = self.graph.as_ref().expect("graph is present");
            let mut parents = Vec::new();
            for parent in commit.iter_parents() {
                let position = parent.map_err(git_error)?;
                parents.push(graph.commit_at(position).id().to_owned());
            }
            return Ok(CommitFacts {
                tree: commit.root_tree_id().to_owned(),
                parents,
                time: i64::try_from(commit.committer_timestamp()).unwrap_or(i64::MAX),
            });
        }
        let commit = self
            .repo
            .find_commit(id)
            .map_err(|e| HistoryError::Git(format!("commit {id}: {e}")))?;
        let tree = commit.tree_id().map_err(git_error)?.detach();
        let parents = commit.parent_ids().map(gix::Id::detach).collect();
        let time = commit.time().map_or(0, |t| t.seconds);
        Ok(CommitFacts {
            tree,
            parents,
            time,
        })
    }

    /// The blob at `path` below the tree `tree`, if the path names a regular file there.
    fn blob_at(&mut self, tree: ObjectId, path: u32) -> Result<Option<ObjectId>, HistoryError> {
        if let Some(found) = self.lookups.get(&(tree, path)) {
            return Ok(*found);
        }
        let found = entry_at(
            self.repo,
            tree,
            self.paths[path as usize].as_bytes().as_bstr(),
        )?;
        if self.lookups.len() > 200_000 {
            self.lookups.clear();
        }
        self.lookups.insert((tree, path), found);
        Ok(found)
    }
}

/// Walks `path` down from `tree`, one tree object per component.
fn entry_at(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &BStr,
) -> Result<Option<ObjectId>, HistoryError> {
    let mut current = tree;
    let mut components = path.split_str("/").peekable();
    while let Some(name) = components.next() {
        let object = repo
            .find_object(current)
            .map_err(|e| HistoryError::Git(format!("tree {current}: {e}")))?;
        let entries = gix::objs::TreeRefIter::from_bytes(&object.data, repo.object_hash());
        let mut next = None;
        for entry in entries {
            let entry = entry.map_err(|e| HistoryError::Git(format!("tree {current}: {e}")))?;
            if entry.filename == name {
                next = Some((entry.mode, entry.oid.to_owned()));
                break;
            }
        }
        let Some((mode, id)) = next else {
            return Ok(None);
        };
        if components.peek().is_none() {
            return Ok(mode.is_blob().then_some(id));
        }
        if !mode.is_tree() {
            return Ok(None);
        }
        current = id;
    }
    Ok(None)
}

/// Every regular file below `tree`, by path.
fn files_below(
    repo: &gix::Repository,
    tree: ObjectId,
    prefix: &str,
    out: &mut HashMap<String, ObjectId>,
    budget: &mut usize,
) -> Result<(), HistoryError> {
    let object = repo.find_object(tree).map_err(git_error)?;
    let data = object.data.clone();
    drop(object);
    for entry in gix::objs::TreeRefIter::from_bytes(&data, repo.object_hash()) {
        let entry = entry.map_err(git_error)?;
        if *budget == 0 {
            return Ok(());
        }
        *budget -= 1;
        let name = format!("{prefix}{}", entry.filename.to_str_lossy());
        if entry.mode.is_tree() {
            files_below(repo, entry.oid.to_owned(), &format!("{name}/"), out, budget)?;
        } else if entry.mode.is_blob() {
            out.insert(name, entry.oid.to_owned());
        }
    }
    Ok(())
}

/// The path in `parent_tree` that `path` (blob `blob` in `tree`) was renamed from: a file
/// gone from `tree` whose content is the same, else at least half the same lines.
fn renamed_from(
    repo: &gix::Repository,
    parent_tree: ObjectId,
    tree: ObjectId,
    blob: ObjectId,
) -> Result<Option<String>, HistoryError> {
    let mut budget = 100_000;
    let mut before = HashMap::new();
    files_below(repo, parent_tree, "", &mut before, &mut budget)?;
    let mut after = HashMap::new();
    files_below(repo, tree, "", &mut after, &mut budget)?;
    let gone: Vec<(&String, &ObjectId)> = before
        .iter()
        .filter(|(path, _)| !after.contains_key(*path))
        .collect();
    if let Some((path, _)) = gone.iter().find(|(_, id)| **id == blob) {
        return Ok(Some((*path).clone()));
    }
    let new_text = read_text(repo, blob)?;
    let new_lines: HashSet<&str> = new_text.lines().collect();
    let mut best: Option<(f64, String)> = None;
    for (path, id) in gone.into_iter().take(200) {
        let header = repo.find_header(*id).map_err(git_error)?;
        if header.size() > 4 << 20 {
            continue;
        }
        let Ok(old_text) = read_text(repo, *id) else {
            continue;
        };
        let old_lines: HashSet<&str> = old_text.lines().collect();
        let shared = old_lines.intersection(&new_lines).count();
        #[allow(clippy::cast_precision_loss)]
        let score = (2 * shared) as f64 / (old_lines.len() + new_lines.len()).max(1) as f64;
        if score >= 0.5 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, path.clone()));
        }
    }
    Ok(best.map(|(_, path)| path))
}

/// A blob's content as text with `\n` line ends; binary and LFS pointers are refused.
fn read_text(repo: &gix::Repository, id: ObjectId) -> Result<String, HistoryError> {
    let blob = repo
        .find_object(id)
        .map_err(|e| HistoryError::Git(format!("blob {id}: {e}")))?;
    let data = &blob.data;
    if data.contains(&0) || data.starts_with(b"version https://git-lfs") {
        return Err(HistoryError::NotText);
    }
    let text = String::from_utf8_lossy(data);
    Ok(track::lf_text(&text).into_owned())
}

/// One version of the file found by the walk.
#[derive(Debug, Clone)]
pub struct WalkVersion {
    pub commit: ObjectId,
    pub blob: ObjectId,
    pub path: String,
    /// Earlier versions this one was made from; `None` stands for the stop commit.
    pub parents: Vec<Option<usize>>,
    /// A shallow commit: its parents are not in the repository.
    pub boundary: bool,
    pub time: i64,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Versions, newest first.
    pub versions: Vec<WalkVersion>,
    /// The walk reached a stop commit.
    pub reached_stop: bool,
    /// The walk passed a commit older than the stop commit without reaching it.
    pub passed_stop: bool,
    pub truncated: bool,
    pub renames: Vec<String>,
}

struct Node {
    changed: bool,
    stop: bool,
    follow: Vec<(ObjectId, u32)>,
    version: Option<usize>,
}

/// Walks the commits reachable from `head` that changed `path`. `stop` commits are not
/// visit_order: a version made from one has `None` among its parents. With `stop_time`, the walk
/// gives up (sets `passed_stop`) on reaching a commit older than it.
pub fn walk(
    repo: &gix::Repository,
    head: ObjectId,
    path: &str,
    stop: &HashSet<ObjectId>,
    stop_time: Option<i64>,
    limits: Limits,
    cancel: &AtomicBool,
) -> Result<Walk, HistoryError> {
    let mut walker = Walker::new(repo)?;
    let mut result = Walk::default();
    let first_path = walker.path_id(path);
    let head_facts = walker.facts(head)?;
    if walker.blob_at(head_facts.tree, first_path)?.is_none() {
        return Err(HistoryError::NotCommitted);
    }
    let mut queue: BinaryHeap<(i64, Reverse<u64>, ObjectId, u32)> = BinaryHeap::new();
    let mut order = 0u64;
    let mut nodes: HashMap<(ObjectId, u32), Node> = HashMap::new();
    let mut visit_order: Vec<(ObjectId, u32)> = Vec::new();
    queue.push((head_facts.time, Reverse(order), head, first_path));
    nodes.insert(
        (head, first_path),
        Node {
            changed: false,
            stop: false,
            follow: Vec::new(),
            version: None,
        },
    );
    let mut steps = 0usize;
    // Facts read for a commit as a parent, kept until the commit itself is walked.
    let mut known: HashMap<ObjectId, CommitFacts> = HashMap::new();
    while let Some((time, _, id, path_id)) = queue.pop() {
        steps += 1;
        if steps % 1024 == 0 && cancel.load(Ordering::Relaxed) {
            return Err(HistoryError::Cancelled);
        }
        visit_order.push((id, path_id));
        if stop.contains(&id) {
            result.reached_stop = true;
            nodes.get_mut(&(id, path_id)).expect("queued").stop = true;
            continue;
        }
        if let Some(limit) = stop_time {
            if time < limit {
                result.passed_stop = true;
                return Ok(result);
            }
        }
        let facts = match known.remove(&id) {
            Some(facts) => facts,
            None => walker.facts(id)?,
        };
        let blob = walker
            .blob_at(facts.tree, path_id)?
            .ok_or_else(|| HistoryError::Git(format!("commit {id} lost the file")))?;
        let boundary = walker.shallow.contains(&id);
        let mut follow = Vec::new();
        let mut changed = true;
        if !boundary {
            let mut with_file = Vec::new();
            for parent in &facts.parents {
                let parent_facts = match known.get(parent) {
                    Some(facts) => facts.clone(),
                    None => walker.facts(*parent)?,
                };
                let parent_blob = walker.blob_at(parent_facts.tree, path_id)?;
                known.insert(*parent, parent_facts.clone());
                if parent_blob == Some(blob) {
                    follow = vec![(*parent, path_id, parent_facts.time)];
                    changed = false;
                    break;
                }
                if parent_blob.is_some() {
                    with_file.push((*parent, path_id, parent_facts.time));
                }
            }
            if changed {
                follow = with_file;
                if follow.is_empty() {
                    if let Some(parent) = facts.parents.first() {
                        let parent_facts = walker.facts(*parent)?;
                        let old = renamed_from(repo, parent_facts.tree, facts.tree, blob)?;
                        if let Some(old) = old {
                            result.renames.push(old.clone());
                            let old_id = walker.path_id(&old);
                            follow.push((*parent, old_id, parent_facts.time));
                        }
                    }
                }
            }
        }
        let node = nodes.get_mut(&(id, path_id)).expect("queued");
        node.changed = changed;
        node.follow = follow.iter().map(|(c, p, _)| (*c, *p)).collect();
        if changed {
            if result.versions.len() >= limits.max_versions {
                result.truncated = true;
                node.follow.clear();
                node.changed = true;
                node.version = Some(result.versions.len());
                result.versions.push(WalkVersion {
                    commit: id,
                    blob,
                    path: walker.paths[path_id as usize].clone(),
                    parents: Vec::new(),
                    boundary: true,
                    time,
                });
                break;
            }
            node.version = Some(result.versions.len());
            result.versions.push(WalkVersion {
                commit: id,
                blob,
                path: walker.paths[path_id as usize].clone(),
                parents: Vec::new(),
                boundary,
                time,
            });
        }
        for (parent, parent_path, parent_time) in follow {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                nodes.entry((parent, parent_path))
            {
                slot.insert(Node {
                    changed: false,
                    stop: false,
                    follow: Vec::new(),
                    version: None,
                });
                order += 1;
                queue.push((parent_time, Reverse(order), parent, parent_path));
            }
        }
    }
    // Resolve each visit_order commit to the versions it stands for, oldest first so that parents
    // are resolved before their children (a second round catches clock skew).
    let mut resolved: HashMap<(ObjectId, u32), Vec<Option<usize>>> = HashMap::new();
    for _ in 0..2 {
        for key in visit_order.iter().rev() {
            let node = &nodes[key];
            let value = if node.stop {
                vec![None]
            } else if node.changed {
                vec![node.version]
            } else if let Some(first) = node.follow.first() {
                resolved.get(first).cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            resolved.insert(*key, value);
        }
    }
    for key in &visit_order {
        let node = &nodes[key];
        if let (true, Some(version)) = (node.changed, node.version) {
            let mut parents: Vec<Option<usize>> = Vec::new();
            for parent in &node.follow {
                for p in resolved.get(parent).into_iter().flatten() {
                    if !parents.contains(p) {
                        parents.push(*p);
                    }
                }
            }
            result.versions[version].parents = parents;
        }
    }
    Ok(result)
}

/// Reads commit facts shown to the user.
pub fn commit_info(repo: &gix::Repository, id: ObjectId) -> Result<CommitInfo, HistoryError> {
    let commit = repo
        .find_commit(id)
        .map_err(|e| HistoryError::Git(format!("commit {id}: {e}")))?;
    let decoded = commit.decode().map_err(git_error)?;
    let author = decoded.author().map_err(git_error)?;
    let committer = decoded.committer().map_err(git_error)?;
    let subject = decoded.message().summary().to_str_lossy().into_owned();
    Ok(CommitInfo {
        id: id.to_string(),
        author: author.name.to_str_lossy().trim().to_owned(),
        email: author.email.to_str_lossy().trim().to_owned(),
        author_time: zoned(author.time().ok()),
        commit_time: zoned(committer.time().ok()),
        subject,
    })
}

fn zoned(time: Option<gix::date::Time>) -> jiff::Zoned {
    let time = time.unwrap_or_default();
    let timestamp = jiff::Timestamp::from_second(time.seconds).unwrap_or_default();
    let offset = jiff::tz::Offset::from_seconds(time.offset).unwrap_or(jiff::tz::Offset::UTC);
    timestamp.to_zoned(jiff::tz::TimeZone::fixed(offset))
}

/// The date of the newest commit that changed `path` (committer date), `None` when the
/// file is not committed.
pub fn last_change(repo: &Repo, path: &str) -> Result<Option<jiff::civil::Date>, HistoryError> {
    last_change_in(&repo.local(), path)
}

/// [`last_change`] in a repository handle already open: its object cache keeps the trees
/// and commits read for the files before.
pub fn last_change_in(
    repo: &gix::Repository,
    path: &str,
) -> Result<Option<jiff::civil::Date>, HistoryError> {
    let head = head_id(repo)?;
    let limits = Limits {
        max_versions: 1,
        ..Limits::default()
    };
    let walk = match walk(
        repo,
        head,
        path,
        &HashSet::new(),
        None,
        limits,
        &AtomicBool::new(false),
    ) {
        Ok(walk) => walk,
        Err(HistoryError::NotCommitted) => return Ok(None),
        Err(error) => return Err(error),
    };
    match walk.versions.first() {
        Some(version) => Ok(Some(commit_info(repo, version.commit)?.commit_time.date())),
        None => Ok(None),
    }
}

/// How a build starts: from nothing, or from an earlier state at a stop commit.
pub struct Seed<'a> {
    pub tracker: Tracker,
    pub commits: Vec<CommitInfo>,
    /// The state every root made from the stop commit steps from.
    pub state: &'a VersionState,
}

/// Versions read per round, between checks for cancellation.
const CHUNK: usize = 64;

/// Reads and tracks the versions of a walk, oldest first. Returns the tracker, the commits
/// and the state of the newest version.
pub fn track(
    repo: &gix::Repository,
    walk: &Walk,
    seed: Option<Seed<'_>>,
    limits: Limits,
    cancel: &AtomicBool,
) -> Result<(Tracker, Vec<CommitInfo>, VersionState, Option<usize>), HistoryError> {
    let (mut tracker, mut commits, stop_state) = match seed {
        // The stop version's view of its items is fixed before other versions add events.
        Some(seed) => {
            let state = seed.state.with_views(&seed.tracker.lineages);
            (seed.tracker, seed.commits, Some(state))
        }
        None => (Tracker::default(), Vec::new(), None),
    };
    let stop_state = stop_state.as_ref();
    let empty = VersionState::default();
    let count = walk.versions.len();
    // Kahn's order over versions: parents first, older first among the ready ones.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut pending: Vec<usize> = vec![0; count];
    for (index, version) in walk.versions.iter().enumerate() {
        for parent in version.parents.iter().flatten() {
            children[*parent].push(index);
            pending[index] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, usize)>> = walk
        .versions
        .iter()
        .enumerate()
        .filter(|(index, _)| pending[*index] == 0)
        .map(|(index, v)| Reverse((v.time, index)))
        .collect();
    let mut order = Vec::with_capacity(count);
    while let Some(Reverse((_, index))) = ready.pop() {
        order.push(index);
        for &child in &children[index] {
            pending[child] -= 1;
            if pending[child] == 0 {
                ready.push(Reverse((walk.versions[child].time, child)));
            }
        }
    }
    let mut states: HashMap<usize, VersionState> = HashMap::new();
    let mut uses: Vec<usize> = children.iter().map(Vec::len).collect();
    let mut last = None;
    let mut newest_state = stop_state.cloned().unwrap_or_default();
    for chunk in order.chunks(CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            return Err(HistoryError::Cancelled);
        }
        let mut texts = Vec::with_capacity(chunk.len());
        for &index in chunk {
            let version = &walk.versions[index];
            let header = repo.find_header(version.blob).map_err(git_error)?;
            if header.size() > limits.max_blob_bytes {
                return Err(HistoryError::Git(format!(
                    "{} is larger than {} bytes at {}",
                    version.path, limits.max_blob_bytes, version.commit
                )));
            }
            texts.push(read_text(repo, version.blob)?);
        }
        for (&index, text) in chunk.iter().zip(&texts) {
            let version = &walk.versions[index];
            let info = commit_info(repo, version.commit)?;
            let commit = commits.len();
            commits.push(info);
            let origin = Origin::Commit(commit);
            let snaps = tracker.read_version(text);
            let state = if version.boundary {
                tracker.start(&snaps, origin, Start::Boundary)
            } else if version.parents.is_empty() {
                tracker.start(&snaps, origin, Start::Created)
            } else {
                let parent_state = |p: &Option<usize>| -> &VersionState {
                    match p {
                        Some(p) => states.get(p).unwrap_or(&empty),
                        None => stop_state.unwrap_or(&empty),
                    }
                };
                let first = parent_state(&version.parents[0]);
                let others: Vec<&VersionState> =
                    version.parents[1..].iter().map(parent_state).collect();
                tracker.step(first, &snaps, origin, &others)
            };
            for parent in version.parents.iter().flatten() {
                uses[*parent] = uses[*parent].saturating_sub(1);
                if uses[*parent] == 0 {
                    states.remove(parent);
                }
            }
            if index == 0 {
                newest_state = state.clone();
                last = Some(commit);
            }
            if uses[index] > 0 {
                states.insert(index, state);
            }
        }
    }
    tracker.settle(&mut newest_state);
    Ok((tracker, commits, newest_state, last))
}

/// Builds the whole history of `path` from HEAD.
pub fn build(
    repo: &Repo,
    path: &str,
    cancel: &AtomicBool,
    limits: Limits,
) -> Result<FileHistory, HistoryError> {
    let local = repo.local();
    let head = head_id(&local)?;
    let walk = walk(&local, head, path, &HashSet::new(), None, limits, cancel)?;
    let (tracker, commits, head_state, head_commit) = track(&local, &walk, None, limits, cancel)?;
    let boundaries: HashSet<String> = walk
        .versions
        .iter()
        .filter(|v| v.boundary)
        .map(|v| v.commit.to_string())
        .collect();
    let shallow_boundary = commits.iter().position(|c| boundaries.contains(&c.id));
    Ok(FileHistory {
        git_dir: repo.common_dir(),
        path: path.to_owned(),
        head: head.to_string(),
        commits,
        shallow_boundary,
        renamed_from: walk.renames,
        truncated: walk.truncated,
        head_commit,
        tracker,
        head_state,
    })
}

/// [`build`] with the default limits, starting from the history kept on disk when it is of
/// this HEAD or an ancestor of it; what is built is kept there for the next process.
pub fn build_kept(
    repo: &Repo,
    path: &str,
    cancel: &AtomicBool,
) -> Result<FileHistory, HistoryError> {
    if let Some(kept) =
        super::disk::load(&repo.common_dir(), path).and_then(|kept| with_head_memo(repo, kept))
    {
        if let Some(history) = catch_up(repo, &kept, cancel)? {
            if history.head != kept.head {
                super::disk::store(&history);
            }
            return Ok(history);
        }
    }
    let history = build(repo, path, cancel, Limits::default())?;
    super::disk::store(&history);
    Ok(history)
}

/// A history read back from disk with its memo holding the pieces of its HEAD version, so
/// that a working copy like HEAD is looked up rather than parsed; `None` when that version
/// does not give the items the history says it has (then it is built anew).
fn with_head_memo(repo: &Repo, mut history: FileHistory) -> Option<FileHistory> {
    let head = ObjectId::from_hex(history.head.as_bytes()).ok()?;
    let text = file_text(&repo.local(), head, &history.path).ok()??;
    let snaps = history.tracker.read_version(&super::track::lf_text(&text));
    let same = snaps.len() == history.head_state.items.len()
        && snaps
            .iter()
            .zip(&history.head_state.items)
            .all(|(a, (b, _))| a == b);
    same.then_some(history)
}

/// Extends `history` to the repository's current HEAD. Returns `Ok(None)` when HEAD did not
/// move forward from the history's HEAD (a rebase, reset or branch switch): build anew.
pub fn catch_up(
    repo: &Repo,
    history: &FileHistory,
    cancel: &AtomicBool,
) -> Result<Option<FileHistory>, HistoryError> {
    let local = repo.local();
    let head = head_id(&local)?;
    let old_head = ObjectId::from_hex(history.head.as_bytes()).map_err(git_error)?;
    if head == old_head {
        return Ok(Some(history.clone()));
    }
    let old_time = local
        .find_commit(old_head)
        .ok()
        .and_then(|c| c.time().ok())
        .map(|t| t.seconds);
    let Some(old_time) = old_time else {
        return Ok(None);
    };
    let stop = HashSet::from([old_head]);
    let walk = walk(
        &local,
        head,
        &history.path,
        &stop,
        Some(old_time),
        Limits::default(),
        cancel,
    )?;
    if walk.passed_stop || !walk.renames.is_empty() {
        return Ok(None);
    }
    let roots_ok = walk
        .versions
        .iter()
        .all(|v| !v.parents.is_empty() && !v.boundary);
    if !roots_ok || (!walk.reached_stop && !walk.versions.is_empty()) {
        return Ok(None);
    }
    let mut next = history.clone();
    next.head = head.to_string();
    if walk.versions.is_empty() {
        return Ok(Some(next));
    }
    let seed = Seed {
        tracker: std::mem::take(&mut next.tracker),
        commits: std::mem::take(&mut next.commits),
        state: &history.head_state,
    };
    let (tracker, commits, state, head_commit) =
        track(&local, &walk, Some(seed), Limits::default(), cancel)?;
    next.tracker = tracker;
    next.commits = commits;
    next.head_state = state;
    next.head_commit = head_commit.or(history.head_commit);
    Ok(Some(next))
}

/// The text of `path` at `commit`, `None` when the file is not there.
pub fn file_text(
    repo: &gix::Repository,
    commit: ObjectId,
    path: &str,
) -> Result<Option<String>, HistoryError> {
    let walker = Walker::new(repo)?;
    let facts = walker.facts(commit)?;
    match entry_at(repo, facts.tree, path.as_bytes().as_bstr())? {
        Some(blob) => read_text(repo, blob).map(Some),
        None => Ok(None),
    }
}

/// A commit's parents.
pub fn parents(repo: &gix::Repository, commit: ObjectId) -> Result<Vec<ObjectId>, HistoryError> {
    let commit = repo
        .find_commit(commit)
        .map_err(|e| HistoryError::Git(format!("commit {commit}: {e}")))?;
    Ok(commit.parent_ids().map(gix::Id::detach).collect())
}

/// Every regular file of a commit's tree, by path.
pub fn files_at(
    repo: &gix::Repository,
    commit: ObjectId,
) -> Result<HashMap<String, ObjectId>, HistoryError> {
    let walker = Walker::new(repo)?;
    let facts = walker.facts(commit)?;
    let mut out = HashMap::new();
    let mut budget = 1_000_000;
    files_below(repo, facts.tree, "", &mut out, &mut budget)?;
    Ok(out)
}
