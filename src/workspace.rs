//! Roadmap-file discovery shared by the CLI and the server: the roadmap globs of
//! `tickmark.toml`, honouring `.gitignore`.
//!
//! [`find_roadmaps`] walks a folder with the `ignore` crate (the walker of ripgrep): files
//! listed in `.gitignore`, `.ignore` or `.git/info/exclude` are skipped (also outside a git
//! repository), hidden files and folders are skipped, and what remains is kept when the
//! configuration's roadmap globs match it. A file named explicitly is never filtered: callers
//! check it whatever its name.

use std::path::{Path, PathBuf};

use crate::config::Config;

/// What a walk found: roadmap files in a stable (sorted) order, and the places it could not
/// read.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    pub errors: Vec<WalkError>,
}

/// A folder or file the walk could not read.
#[derive(Debug)]
pub struct WalkError {
    /// The path involved, when the walker knows it.
    pub path: Option<PathBuf>,
    pub message: String,
}

/// Every roadmap file below `dir`. Paths are `dir` joined with the path found below it, so a
/// relative `dir` gives relative paths (`docs/ROADMAP.md` below `docs`). Globs are matched
/// relative to the configuration's root (the folder of its tickmark.toml) when the file lies
/// below it, else relative to `dir`.
pub fn find_roadmaps(dir: &Path, config: &Config) -> Found {
    let matcher = if config.root().is_some() {
        config.clone()
    } else {
        config
            .clone()
            .with_root(std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned()))
    };
    let mut found = Found::default();
    let walk = ignore::WalkBuilder::new(dir)
        .standard_filters(true)
        .require_git(false)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .build();
    for entry in walk {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file())
                    && matcher.is_roadmap(entry.path())
                {
                    found.files.push(entry.into_path());
                }
            }
            Err(error) => found.errors.push(walk_error(&error)),
        }
    }
    found
}

fn walk_error(error: &ignore::Error) -> WalkError {
    let mut path = None;
    let mut current = error;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            ignore::Error::Io(io) => {
                return WalkError {
                    path,
                    message: io.to_string(),
                }
            }
            other => {
                return WalkError {
                    path,
                    message: other.to_string(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_roadmaps_and_honours_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "ROADMAP.md",
            "README.md",
            "docs/TODO.md",
            "docs/notes.md",
            "vendor/ROADMAP.md",
            ".hidden/TODO.md",
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "- [ ] x\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "vendor/\n").unwrap();
        let found = find_roadmaps(root, &Config::default());
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(names, ["ROADMAP.md", "docs/TODO.md"]);
        assert!(found.errors.is_empty());
    }
}
