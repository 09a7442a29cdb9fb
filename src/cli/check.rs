//! `tickmark check`: discover → read → analyse → render or fix → exit code.
//!
//! Exit codes (SPEC §5): 2 when a path, file or configuration could not be read (the other
//! files are still checked), else 1 when any warning or error remains (after fixing, with
//! `--fix`), else 0.
//!
//! `--fix` applies every safe fix over bounded rounds and writes a file only when the fixed
//! text re-analyses with no fixable problem left (the fixes converged) and the file on disk
//! is still what was read. It writes a temporary file in the same folder, gives it the
//! original's permissions and renames it over the original, so an interrupted run leaves
//! either the old or the new text. With `-` (standard input) the fixed text goes to
//! standard output and the report to standard error.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::render::{self, FileReport};
use super::{CheckArgs, CheckFormat};
use crate::analysis::index::{FileIndex, OtherFiles, WorkspaceIndex};
use crate::analysis::{self, Diagnostic, Encoding, LineIndex};
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
    let today = jiff::Zoned::now().date();
    let mut checked: Vec<Checked> = Vec::new();
    let mut fixed_problems = 0;
    let mut fixed_files = 0;
    let mut stdin_fixed: Option<String> = None;
    let read: Vec<(&Input, String)> = gathered
        .iter()
        .filter_map(|input| Some((input, read_input(input, &mut status)?)))
        .collect();
    let index = workspace_index(&read);
    for (input, text) in read {
        let others = index.as_ref().map(|ws| ws.others(&input.display));
        let settings = input.config.settings();
        let base = input.base_dir();
        let exists = |relative: &str| base.join(relative).exists();
        let inputs = analysis::Inputs {
            link_exists: Some(&exists),
            last_commit: input
                .history_path()
                .and_then(crate::history::last_commit_date),
            today: Some(today),
            elsewhere: others.as_ref().map(|o| o as &dyn OtherFiles),
        };
        let mut text = text;
        if args.fix {
            let Some(outcome) = guarded(&input.display, &mut status, || {
                analysis::fix_all(&text, &inputs, &settings)
            }) else {
                continue;
            };
            if outcome.text != text {
                if !outcome.converged {
                    status.error(format!(
                        "{}: safe fixes did not settle after {} rounds; the file was left unchanged",
                        input.display, outcome.rounds
                    ));
                } else if input.path.is_none() {
                    fixed_problems += outcome.applied;
                    fixed_files += 1;
                    text = outcome.text;
                } else {
                    match write_fixed(input.path.as_deref().expect("a file"), &text, &outcome.text)
                    {
                        Ok(()) => {
                            fixed_problems += outcome.applied;
                            fixed_files += 1;
                            text = outcome.text;
                        }
                        Err(message) => {
                            status.error(format!("{}: not fixed: {message}", input.display));
                        }
                    }
                }
            }
            if input.path.is_none() {
                stdin_fixed = Some(text.clone());
            }
        }
        let Some(analysis) = guarded(&input.display, &mut status, || {
            analysis::analyze(&text, &inputs, &settings)
        }) else {
            continue;
        };
        checked.push(Checked {
            display: input.display.clone(),
            line_index: analysis.document.line_index.clone(),
            text,
            diagnostics: analysis.diagnostics,
        });
    }

    let reports: Vec<FileReport<'_>> = checked.iter().map(Checked::report).collect();
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = match args.format {
        CheckFormat::Human => {
            let mut out = render::human::render(&reports, render::human::Style { color });
            if args.fix && fixed_problems > 0 {
                let _ = writeln!(
                    out,
                    "Fixed {} in {}.",
                    render::plural(fixed_problems, "problem"),
                    render::plural(fixed_files, "file")
                );
            }
            if !checked.is_empty() || !status.failed {
                out.push_str(&render::human::summary(&reports));
            }
            out
        }
        CheckFormat::Json => render::json::render(&reports),
        CheckFormat::Sarif => render::sarif::render(&reports),
        CheckFormat::Github => render::github::render(&reports),
    };
    if let Some(fixed) = stdin_fixed {
        // The fixed document owns standard output; the report moves to standard error.
        let _ = std::io::stderr().write_all(out.as_bytes());
        out = fixed;
    }
    if super::write_stdout(&out).is_err() {
        return ExitCode::from(2);
    }
    let fails = checked
        .iter()
        .flat_map(|c| &c.diagnostics)
        .any(|d| d.severity.fails_check());
    status.exit_code(fails)
}

/// The items of every file of this run, for the cross-file `duplicate-item`: the files
/// checked together are the workspace. `None` for a single file (nothing to compare with).
fn workspace_index(read: &[(&Input, String)]) -> Option<WorkspaceIndex> {
    if read.len() < 2 {
        return None;
    }
    let mut index = WorkspaceIndex::default();
    for (input, text) in read {
        // A file the reading fails on is reported when it is checked; here it is left out.
        let items = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = analysis::parse::parse(text, &input.config.settings().states);
            // Columns in code points, as every output format of `check` counts them.
            FileIndex::new(text, &doc, Encoding::Utf32)
        }));
        if let Ok(items) = items {
            index.update(&input.display, &input.display, items);
        }
    }
    Some(index)
}

/// Runs the analysis of one file, so that a bug the text trips in tickmark fails that file
/// alone: the file is named on standard error, the exit code becomes 2, the others are
/// still checked.
fn guarded<T>(display: &str, status: &mut Status, f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            status.error(format!(
                "{display}: tickmark failed while analysing this file and skipped it \
                 (internal error: {message}); please report it with the file"
            ));
            None
        }
    }
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

    fn history_path(&self) -> Option<&Path> {
        self.path.as_deref().or(self.stdin_name.as_deref())
    }
}

struct Checked {
    display: String,
    text: String,
    line_index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

impl Checked {
    fn report(&self) -> FileReport<'_> {
        FileReport::new(
            &self.display,
            &self.text,
            &self.line_index,
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
    let bytes = if let Some(path) = &input.path {
        std::fs::read(path)
    } else {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => {
            status.error(format!("{}: {}", input.display, io_message(&error)));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            status.error(format!(
                "{}: not UTF-8 (invalid byte at offset {offset}); save it as UTF-8 and check again",
                input.display
            ));
            None
        }
    }
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
        let fixed = config_file.map(|path| match Config::load(path) {
            Ok(config) => config,
            Err(error) => {
                status.error(error);
                Config::default()
            }
        });
        Configs {
            fixed,
            by_dir: HashMap::new(),
            reported: Vec::new(),
        }
    }

    /// The configuration for a path, or `None` when its tickmark.toml is bad (reported once).
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
        let result = match Config::discover(&dir) {
            Ok(Some((_, config))) => Some(config),
            Ok(None) => Some(Config::default()),
            Err(mut error) => {
                if let crate::config::Origin::File(path) = &mut error.origin {
                    *path = relative_to_cwd(path);
                }
                let message = error.to_string();
                if !self.reported.contains(&message) {
                    status.error(&message);
                    self.reported.push(message);
                }
                None
            }
        };
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
        let mut status = Status::default();
        let failed: Option<u8> = guarded("a.md", &mut status, || panic!("boom"));
        assert_eq!(failed, None);
        assert!(status.failed);
        assert_eq!(guarded("b.md", &mut status, || 7), Some(7));
        assert_eq!(status.exit_code(false), ExitCode::from(2));
    }
}
