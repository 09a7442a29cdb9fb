//! Item history from git: the only module that reads git.

use std::path::Path;

/// The date of the last commit that changed `path`, or `None` when the file is not in a git
/// repository (or git cannot be read). Feeds the `stale-date` rule.
pub fn last_commit_date(_path: &Path) -> Option<jiff::civil::Date> {
    None
}
