//! `tickmark check`: discover → read → analyse → render or fix → exit code.
//!
//! Exit codes (SPEC §5): 2 when a path, file or configuration could not be read (the other
//! files are still checked) or a folder holds no file that matches the roadmap globs, else 1 when any warning or error remains (after fixing, with
//! `--fix`), else 0.
//!
//! `--fix` applies every safe fix over bounded rounds and writes a file only when the fixed
//! text re-analyses with no fixable problem left (the fixes converged) and the file on disk
//! is still what was read. It writes a temporary file in the same folder, gives it the
//! original's permissions and renames it over the original, so an interrupted run leaves
//! either the old or the new text. With `-` (standard input) the fixed text goes to
//! standard output and the report to standard error.
//!
//! Files are read, indexed, fixed and analysed on every core (`TICKMARK_THREADS` sets the
//! number of threads); what each file produces is merged in the order the files were found,
//! so the report and the errors on standard error are the same bytes as on one thread.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::parallel;
use super::render::{self, FileReport};
use super::{CheckArgs, CheckFormat};
use crate::analysis::index::{FileIndex, OtherFiles, WorkspaceIndex};
use crate::analysis::model::Document;
use crate::analysis::{self, Diagnostic, Encoding};
use crate::config::Config;
use crate::workspace;

pub fn run(args: &CheckArgs) -> ExitCode {
    let mut status = Status::default();
    let gathered = gather(
        &args.paths,
        args.stdin_filename.as_deref(),
        args.config.as_deref(),
        &mut status,
    );
    let threads = parallel::threads();
    let read = read_all(&gathered, threads, &mut status);
    let (index, parsed) = workspace_index(&read, threads, !args.fix);
    let context = Context {
        fix: args.fix,
        history: args.history,
        today: jiff::Zoned::now().date(),
        index: index.as_ref(),
        parsed,
        last_commits: crate::history::LastCommits::default(),
    };
    let mut run = Run::default();
    for outcome in check_all(&read, &context, threads) {
        run.add(outcome, &mut status);
    }
    let code = report(args, &run, &status);
    // The process ends here: the documents, texts and index (several times the text) are
    // left to the end of the process rather than freed piece by piece.
    std::mem::forget(run);
    std::mem::forget(context);
    std::mem::forget((read, index));
    code
}

/// What every file's check shares: read-only (but for the documents each file's check
/// takes), so the files can be checked in parallel.
struct Context<'a> {
    fix: bool,
    /// Add the diagnostics only git history tells (`--history`).
    history: bool,
    today: jiff::civil::Date,
    index: Option<&'a WorkspaceIndex>,
    /// Each file's document as the index parsed it, when kept (see [`workspace_index`]).
    parsed: Vec<std::sync::Mutex<Option<Document>>>,
    /// The files' last commit dates, each folder's repository opened once.
    last_commits: crate::history::LastCommits,
}

/// The outcome of checking one file, kept until the outcomes are merged in file order.
#[derive(Default)]
struct FileOutcome<'a> {
    /// Errors to report for this file, in the order they arose.
    errors: Vec<String>,
    /// With `--fix`, the number of problems fixed when the fixed text was kept.
    fixed: Option<usize>,
    /// With `--fix` on standard input, the text to print on standard output.
    stdin_fixed: Option<String>,
    /// `None` when the analysis failed.
    checked: Option<Checked<'a>>,
}

/// The outcomes of a run, merged in file order.
#[derive(Default)]
struct Run<'a> {
    checked: Vec<Checked<'a>>,
    fixed_problems: usize,
    fixed_files: usize,
    stdin_fixed: Option<String>,
}

impl<'a> Run<'a> {
    fn add(&mut self, outcome: FileOutcome<'a>, status: &mut Status) {
        for message in outcome.errors {
            status.error(message);
        }
        if let Some(problems) = outcome.fixed {
            self.fixed_problems += problems;
            self.fixed_files += 1;
        }
        if outcome.stdin_fixed.is_some() {
            self.stdin_fixed = outcome.stdin_fixed;
        }
        self.checked.extend(outcome.checked);
    }
}

/// The text of every document that can be read, read in parallel; what cannot be read is
/// reported in file order.
fn read_all<'a>(
    inputs: &'a [Input],
    threads: usize,
    status: &mut Status,
) -> Vec<(&'a Input, String)> {
    // Reading waits on the disk more than it computes: more threads than cores keep more
    // reads in flight (one thread stays one, the baseline).
    let readers = if threads > 1 {
        threads * READERS_PER_THREAD
    } else {
        1
    };
    let texts = parallel::map(inputs, readers, read_text);
    let mut read = Vec::with_capacity(inputs.len());
    for (input, text) in inputs.iter().zip(texts) {
        match text {
            Ok(text) => read.push((input, text)),
            Err(message) => status.error(message),
        }
    }
    read
}

/// Threads reading files per thread of work.
const READERS_PER_THREAD: usize = 4;

/// Checks every file on `threads` threads; the outcomes come back in file order.
///
/// With `--fix`, a file that is another name for one listed earlier (a symbolic link to it)
/// is checked after all the others, one at a time in file order, so that it finds on disk
/// what the earlier name wrote, as when the files are checked one after another.
fn check_all<'a>(
    read: &'a [(&Input, String)],
    context: &Context<'_>,
    threads: usize,
) -> Vec<FileOutcome<'a>> {
    let later = if context.fix {
        aliases(read)
    } else {
        vec![false; read.len()]
    };
    let (first, later): (Vec<usize>, Vec<usize>) = (0..read.len()).partition(|&i| !later[i]);
    let mut outcomes: Vec<Option<FileOutcome>> =
        std::iter::repeat_with(|| None).take(read.len()).collect();
    let parallel = parallel::map(&first, threads, |&i| check_file(&read[i], i, context));
    for (i, outcome) in first.into_iter().zip(parallel) {
        outcomes[i] = Some(outcome);
    }
    for i in later {
        outcomes[i] = Some(check_file(&read[i], i, context));
    }
    outcomes
        .into_iter()
        .map(|outcome| outcome.expect("every file is checked"))
        .collect()
}

/// For each file, whether its real path (symbolic links resolved) is that of a file listed
/// before it.
fn aliases(read: &[(&Input, String)]) -> Vec<bool> {
    let mut targets = std::collections::HashSet::new();
    read.iter()
        .map(|(input, _)| {
            input
                .path
                .as_deref()
                .and_then(|path| std::fs::canonicalize(path).ok())
                .is_some_and(|target| !targets.insert(target))
        })
        .collect()
}

/// Fixes (with `--fix`) and analyses one file. Runs on any thread: it reports nothing itself,
/// its errors go into the outcome.
fn check_file<'a>(
    (input, text): &'a (&Input, String),
    at: usize,
    context: &Context<'_>,
) -> FileOutcome<'a> {
    let others = context.index.map(|ws| ws.others(&input.display));
    let settings = input.config.settings();
    let base = input.base_dir();
    // Targets outside the root are never looked up (and so never reported).
    let root = input.link_root(&base);
    let base = std::path::absolute(&base).unwrap_or(base);
    let exists = |relative: &str| {
        crate::analysis::rules::broken_link::target_inside(&root, &base, relative)
            .is_none_or(|target| target.exists())
    };
    let inputs = analysis::Inputs {
        link_exists: Some(&exists),
        last_commit: input
            .history_path()
            .and_then(|path| context.last_commits.date(path)),
        today: Some(context.today),
        elsewhere: others.as_ref().map(|o| o as &dyn OtherFiles),
    };
    let mut outcome = FileOutcome::default();
    let mut text = Cow::Borrowed(text.as_str());
    if context.fix {
        match guarded(&input.display, || {
            analysis::fix_all(&text, &inputs, &settings)
        }) {
            Ok(fixed) => {
                text = Cow::Owned(keep_fixed(input, text.into_owned(), fixed, &mut outcome));
            }
            Err(message) => {
                outcome.errors.push(message);
                return outcome;
            }
        }
    }
    let parsed = context
        .parsed
        .get(at)
        .and_then(|slot| slot.lock().ok()?.take());
    match guarded(&input.display, || match parsed {
        Some(document) => analysis::analyze_parsed(&text, document, &inputs, &settings),
        None => analysis::analyze(&text, &inputs, &settings),
    }) {
        Ok(mut analysis) => {
            if context.history {
                if let Some(path) = input.history_path() {
                    add_history(path, &text, &settings, context.today, &mut analysis);
                }
            }
            outcome.checked = Some(Checked {
                display: input.display.clone(),
                document: analysis.document,
                text,
                diagnostics: analysis.diagnostics,
            });
        }
        Err(message) => outcome.errors.push(message),
    }
    outcome
}

/// Merges the diagnostics of the file's git history (`--history`) into `analysis`. A file
/// with no history (not in a repository, not committed) has none to add.
fn add_history(
    path: &Path,
    text: &str,
    settings: &analysis::Settings,
    today: jiff::civil::Date,
    analysis: &mut analysis::Analysis,
) {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let Ok(history) = crate::history::FileHistory::build(path, &cancel) else {
        return;
    };
    let found =
        crate::history::facts::diagnostics(&history, text, &analysis.document, settings, today);
    if !found.is_empty() {
        analysis.diagnostics.extend(found);
        analysis::rules::sort(&mut analysis.diagnostics);
    }
}

/// The text to analyse after `--fix`: the fixed text when the fixes converged and, for a
/// file, it was written; else the text as read. Standard input's text is kept for printing.
fn keep_fixed(
    input: &Input,
    text: String,
    fixed: analysis::FixOutcome,
    outcome: &mut FileOutcome,
) -> String {
    let mut text = text;
    if fixed.text != text {
        if !fixed.converged {
            outcome.errors.push(format!(
                "{}: safe fixes did not settle after {} rounds; the file was left unchanged",
                input.display, fixed.rounds
            ));
        } else if let Some(path) = &input.path {
            match write_fixed(path, &text, &fixed.text) {
                Ok(()) => {
                    outcome.fixed = Some(fixed.applied);
                    text = fixed.text;
                }
                Err(message) => outcome
                    .errors
                    .push(format!("{}: not fixed: {message}", input.display)),
            }
        } else {
            outcome.fixed = Some(fixed.applied);
            text = fixed.text;
        }
    }
    if input.path.is_none() {
        outcome.stdin_fixed = Some(text.clone());
    }
    text
}

/// Renders the report, prints it and chooses the exit code.
fn report(args: &CheckArgs, run: &Run, status: &Status) -> ExitCode {
    let reports: Vec<FileReport<'_>> = run.checked.iter().map(Checked::report).collect();
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = match args.format {
        CheckFormat::Human => {
            let mut out = render::human::render(&reports, render::human::Style { color });
            if args.fix && run.fixed_problems > 0 {
                let _ = writeln!(
                    out,
                    "Fixed {} in {}.",
                    render::plural(run.fixed_problems, "problem"),
                    render::plural(run.fixed_files, "file")
                );
            }
            if !run.checked.is_empty() || !status.failed {
                out.push_str(&render::human::summary(&reports));
            }
            out
        }
        CheckFormat::Json => render::json::render(&reports),
        CheckFormat::Sarif => render::sarif::render(&reports),
        CheckFormat::Github => render::github::render(&reports),
    };
    if let Some(fixed) = &run.stdin_fixed {
        // The fixed document owns standard output; the report moves to standard error.
        let _ = std::io::stderr().write_all(out.as_bytes());
        out.clone_from(fixed);
    }
    if super::write_stdout(&out).is_err() {
        return ExitCode::from(2);
    }
    let fails = run
        .checked
        .iter()
        .flat_map(|c| &c.diagnostics)
        .any(|d| d.severity.fails_check());
    status.exit_code(fails)
}

/// The items of every file of this run, for the cross-file `duplicate-item`: the files
/// checked together are the workspace. `None` for a single file (nothing to compare with).
/// The files are indexed in parallel and added in file order; the index is only read after.
///
/// With `keep`, the documents parsed for the index are kept for the files' checks, so that
/// each file is parsed once, up to [`KEPT_TEXT`] of text (a document weighs several times
/// its text); past that, a file is parsed again when it is checked.
fn workspace_index(
    read: &[(&Input, String)],
    threads: usize,
    keep: bool,
) -> (
    Option<WorkspaceIndex>,
    Vec<std::sync::Mutex<Option<Document>>>,
) {
    if read.len() < 2 {
        return (None, Vec::new());
    }
    let mut kept_text = 0;
    let kept: Vec<bool> = read
        .iter()
        .map(|(_, text)| {
            kept_text += text.len();
            keep && kept_text <= KEPT_TEXT
        })
        .collect();
    let read_kept: Vec<(&(&Input, String), bool)> = read.iter().zip(kept).collect();
    let indexed = parallel::map(&read_kept, threads, |((input, text), keep)| {
        // A file the reading fails on is reported when it is checked; here it is left out.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = analysis::parse::parse(text, &input.config.settings().states);
            // Columns in code points, as every output format of `check` counts them.
            let items = FileIndex::new(text, &doc, Encoding::Utf32);
            (items, keep.then_some(doc))
        }))
        .ok()
    });
    let mut index = WorkspaceIndex::default();
    let mut parsed = Vec::with_capacity(read.len());
    let mut files = Vec::with_capacity(read.len());
    for ((input, _), indexed) in read.iter().zip(indexed) {
        let doc = indexed.and_then(|(items, doc)| {
            files.push((input.display.as_str(), input.display.as_str(), items));
            doc
        });
        parsed.push(std::sync::Mutex::new(doc));
    }
    index.update_many(files);
    (Some(index), parsed)
}

/// The most text whose parsed documents `check` keeps between indexing and checking.
const KEPT_TEXT: usize = 32 << 20;

/// Runs the analysis of one file, so that a bug the text trips in tickmark fails that file
/// alone: the error names the file (the caller reports it, and the exit code becomes 2), and
/// the others are still checked.
pub(super) fn guarded<T>(display: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        format!(
            "{display}: tickmark failed while analysing this file and skipped it \
             (internal error: {message}); please report it with the file"
        )
    })
}

/// Errors seen so far; any makes the exit code 2.
#[derive(Debug, Default)]
pub(super) struct Status {
    failed: bool,
}

impl Status {
    pub(super) fn error(&mut self, message: impl std::fmt::Display) {
        eprintln!("error: {message}");
        self.failed = true;
    }

    pub(super) fn exit_code(&self, problems: bool) -> ExitCode {
        if self.failed {
            ExitCode::from(2)
        } else if problems {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// One document to check: a file, or standard input.
pub(super) struct Input {
    /// The name shown in reports: the path as given, or found below a directory argument.
    pub display: String,
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// For standard input, the name given with `--stdin-filename`.
    pub stdin_name: Option<PathBuf>,
    pub config: Config,
}

impl Input {
    /// The folder relative links are resolved from.
    fn base_dir(&self) -> PathBuf {
        let named = self.path.as_deref().or(self.stdin_name.as_deref());
        match named.and_then(Path::parent) {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        }
    }

    /// The folder no link is followed out of: the folder of the tickmark.toml in force, else
    /// the current folder, else (for a file outside both) the file's own folder.
    fn link_root(&self, base: &Path) -> PathBuf {
        let base = std::path::absolute(base).unwrap_or_else(|_| base.to_owned());
        let cwd = std::env::current_dir().ok();
        [self.config.root().map(Path::to_owned), cwd]
            .into_iter()
            .flatten()
            .find(|root| base.starts_with(root))
            .unwrap_or(base)
    }

    fn history_path(&self) -> Option<&Path> {
        self.path.as_deref().or(self.stdin_name.as_deref())
    }
}

/// A file checked: its text (as read, or as fixed) and its analysis, for the report.
struct Checked<'a> {
    display: String,
    text: Cow<'a, str>,
    document: Document,
    diagnostics: Vec<Diagnostic>,
}

impl Checked<'_> {
    fn report(&self) -> FileReport<'_> {
        FileReport::new(
            &self.display,
            &self.text,
            &self.document.line_index,
            &self.diagnostics,
        )
    }
}

/// Expands the path arguments into documents, each with the configuration that governs it:
/// `--config` when given, else the nearest tickmark.toml above it, else the defaults.
/// Problems (missing paths, unreadable folders, bad configuration) are reported on `status`.
pub(super) fn gather(
    paths: &[PathBuf],
    stdin_name: Option<&Path>,
    config_file: Option<&Path>,
    status: &mut Status,
) -> Vec<Input> {
    let mut configs = Configs::new(config_file, status);
    let mut inputs: Vec<Input> = Vec::new();
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let default_paths = [PathBuf::from(".")];
    let read_stdin_only = paths.is_empty() && stdin_name.is_some();
    let paths: &[PathBuf] = if paths.is_empty() && !read_stdin_only {
        &default_paths
    } else {
        paths
    };
    let mut stdin_taken = false;
    if read_stdin_only {
        push_stdin(&mut inputs, stdin_name, &mut configs, status);
        return inputs;
    }
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_taken {
                status.error("`-` (standard input) is given more than once");
                continue;
            }
            stdin_taken = true;
            push_stdin(&mut inputs, stdin_name, &mut configs, status);
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                status.error(format!("{}: {}", path.display(), io_message(&error)));
                continue;
            }
        };
        if metadata.is_dir() {
            let Some(config) = configs.for_path(path, status) else {
                continue;
            };
            let found = workspace::find_roadmaps(path, &config);
            for error in found.errors {
                let place = error.path.unwrap_or_else(|| path.clone());
                status.error(format!("{}: {}", place.display(), error.message));
            }
            if found.files.is_empty() {
                // A misnamed roadmap must not pass CI as "no problems": a folder that holds
                // no roadmap is a usage error (exit 2), as a path that does not exist is.
                status.error(format!(
                    "no roadmap files found under {}; globs: {} (name a file to check it whatever its name, or set `roadmaps` in tickmark.toml)",
                    path.display(),
                    config.roadmap_globs().join(", ")
                ));
            }
            for file in found.files {
                if !seen.insert(file.clone()) {
                    continue;
                }
                let Some(config) = configs.for_path(&file, status) else {
                    continue;
                };
                let shown = if path.as_os_str() == "." {
                    file.strip_prefix(".").unwrap_or(&file).to_owned()
                } else {
                    file.clone()
                };
                inputs.push(Input {
                    display: shown.display().to_string(),
                    path: Some(file),
                    stdin_name: None,
                    config,
                });
            }
        } else {
            if !seen.insert(path.clone()) {
                continue;
            }
            let Some(config) = configs.for_path(path, status) else {
                continue;
            };
            inputs.push(Input {
                display: path.display().to_string(),
                path: Some(path.clone()),
                stdin_name: None,
                config,
            });
        }
    }
    inputs
}

fn push_stdin(
    inputs: &mut Vec<Input>,
    stdin_name: Option<&Path>,
    configs: &mut Configs,
    status: &mut Status,
) {
    let anchor = stdin_name.unwrap_or(Path::new("-"));
    let Some(config) = configs.for_path(anchor, status) else {
        return;
    };
    inputs.push(Input {
        display: stdin_name.map_or_else(|| "-".to_owned(), |n| n.display().to_string()),
        path: None,
        stdin_name: stdin_name.map(Path::to_owned),
        config,
    });
}

/// The text of a document, or `None` after reporting why it cannot be read.
pub(super) fn read_input(input: &Input, status: &mut Status) -> Option<String> {
    read_text(input)
        .map_err(|message| status.error(message))
        .ok()
}

/// The text of a document, or the error that says why it cannot be read.
fn read_text(input: &Input) -> Result<String, String> {
    let bytes = if let Some(path) = &input.path {
        std::fs::read(path)
    } else {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    };
    let bytes = bytes.map_err(|error| format!("{}: {}", input.display, io_message(&error)))?;
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        format!(
            "{}: not UTF-8 (invalid byte at offset {offset}); save it as UTF-8 and check again",
            input.display
        )
    })
}

fn io_message(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => format!("cannot read: {error}"),
    }
}

/// Configuration lookup with one discovery per folder and one report per bad file.
struct Configs {
    fixed: Option<Config>,
    by_dir: HashMap<PathBuf, Option<Config>>,
    reported: Vec<String>,
}

impl Configs {
    fn new(config_file: Option<&Path>, status: &mut Status) -> Configs {
        let fixed = config_file.map(|path| {
            let (config, errors) = Config::load_all(path);
            for error in errors {
                status.error(error);
            }
            config
        });
        Configs {
            fixed,
            by_dir: HashMap::new(),
            reported: Vec::new(),
        }
    }

    /// The configuration for a path; each bad setting of its tickmark.toml is reported once.
    fn for_path(&mut self, path: &Path, status: &mut Status) -> Option<Config> {
        if let Some(fixed) = &self.fixed {
            return Some(fixed.clone());
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let dir = if absolute.is_dir() {
            absolute
        } else {
            absolute.parent().map_or(absolute.clone(), Path::to_owned)
        };
        if let Some(cached) = self.by_dir.get(&dir) {
            return cached.clone();
        }
        // A bad setting is reported (once) and left out; the good ones still apply.
        let (_, config, errors) = Config::discover_all(&dir);
        for mut error in errors {
            if let crate::config::Origin::File(path) = &mut error.origin {
                *path = relative_to_cwd(path);
            }
            let message = error.to_string();
            if !self.reported.contains(&message) {
                status.error(&message);
                self.reported.push(message);
            }
        }
        let result = Some(config);
        self.by_dir.insert(dir, result.clone());
        result
    }
}

/// `path` relative to the current folder when it lies below it, for shorter messages.
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
}

/// Writes `fixed` over `path` atomically, unless the file changed since it was read as
/// `original`. Follows a symbolic link to its target and keeps the target's permissions.
fn write_fixed(path: &Path, original: &str, fixed: &str) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| io_message(&e))?;
    let now = std::fs::read(&target).map_err(|e| io_message(&e))?;
    if now != original.as_bytes() {
        return Err("the file changed while it was being checked".to_owned());
    }
    let permissions = std::fs::metadata(&target)
        .map_err(|e| io_message(&e))?
        .permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    temp.write_all(fixed.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| format!("cannot write: {e}"))?;
    std::fs::set_permissions(temp.path(), permissions)
        .map_err(|e| format!("cannot set permissions: {e}"))?;
    temp.persist(&target)
        .map_err(|e| format!("cannot replace the file: {}", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_one_file_fails_that_file_and_the_run_goes_on() {
        let failed: Result<u8, String> = guarded("a.md", || panic!("boom"));
        let message = failed.unwrap_err();
        assert!(message.starts_with("a.md: tickmark failed"), "{message}");
        assert!(message.contains("internal error: boom"), "{message}");
        assert_eq!(guarded("b.md", || 7), Ok(7));
    }
}
