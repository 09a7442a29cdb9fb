//! Scripted repositories: the git CLI builds them (tests only), tickmark reads them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use tickmark::history::{render, FileHistory, HistoryError};

/// A repository in a temporary directory, with commits made at fixed dates.
pub struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    pub fn new() -> Self {
        let repo = Self::empty();
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// A directory with no repository.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs git with no global or system config, in the repository.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(
            self.path(),
            args,
            "2025-01-01T00:00:00+00:00",
            "Test Author",
        )
    }

    /// Runs git at a fixed date (for merges and other commits git makes itself).
    pub fn git_at(&self, date: &str, author: &str, args: &[&str]) -> String {
        git_in(self.path(), args, &format!("{date}T12:00:00+00:00"), author)
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.file(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    /// Writes `name`, stages everything and commits at `date` (`2025-01-02`) as `author`.
    pub fn commit_file(
        &self,
        name: &str,
        text: &str,
        date: &str,
        author: &str,
        subject: &str,
    ) -> String {
        self.write(name, text);
        self.commit(date, author, subject)
    }

    pub fn commit(&self, date: &str, author: &str, subject: &str) -> String {
        let when = format!("{date}T12:00:00+00:00");
        git_in(self.path(), &["add", "-A"], &when, author);
        git_in(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", subject],
            &when,
            author,
        );
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// Commits each of `versions` of `name` in turn, one day apart from 2024-01-01, through
    /// one `git fast-import` (fast enough for hundreds of commits), then checks HEAD out.
    pub fn import_versions(&self, name: &str, versions: &[String]) {
        use std::io::Write as _;
        let mut stream = Vec::new();
        let start = 1_704_067_200u64;
        for (index, text) in versions.iter().enumerate() {
            let when = start + 86_400 * index as u64;
            let message = format!("c{index}");
            let _ = write!(
                stream,
                "commit refs/heads/main\nauthor Ada Lovelace <ada@example.com> {when} +0000\n\
                 committer Ada Lovelace <ada@example.com> {when} +0000\ndata {}\n{message}\n\
                 M 100644 inline {name}\ndata {}\n{text}\n",
                message.len(),
                text.len()
            );
        }
        let mut child = Command::new("git")
            .args(["fast-import", "--quiet"])
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.path())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git fast-import runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&stream)
            .expect("stream");
        assert!(child.wait().expect("fast-import").success());
        self.git(&["checkout", "-q", "-f", "main"]);
    }

    pub fn history(&self, name: &str) -> Result<FileHistory, HistoryError> {
        FileHistory::build(&self.file(name), &AtomicBool::new(false))
    }
}

/// Runs the built `tickmark` with `args` in `dir`: (stdout, stderr, exit code).
pub fn tickmark(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tickmark runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

pub fn git_in(dir: &Path, args: &[&str], when: &str, author: &str) -> String {
    let email = format!(
        "{}@example.com",
        author.split(' ').next().unwrap_or("x").to_lowercase()
    );
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_DATE", when)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The date every test takes as today.
pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2025, 3, 1)
}

/// The events of the item on `line` (1-based) of the file's working copy `text`, one
/// `date author: description` string each (`uncommitted: …` for the working copy).
pub fn events(history: &FileHistory, text: &str, line: usize) -> Vec<String> {
    let timeline = history
        .timeline(text, line - 1)
        .unwrap_or_else(|| panic!("no item on line {line}"));
    timeline
        .events
        .iter()
        .map(|event| match history.commit(event) {
            Some(commit) => format!(
                "{} {}: {}",
                commit.date(),
                commit.author,
                render::describe(&event.change)
            ),
            None => format!("uncommitted: {}", render::describe(&event.change)),
        })
        .collect()
}
