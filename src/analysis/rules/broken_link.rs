//! ## broken-link
//!
//! **What it flags.** A relative link whose target file does not exist, resolved from the
//! folder of the roadmap. URLs, `#fragments` and absolute paths are not checked; a
//! `#fragment` or `?query` after a path is ignored.
//!
//! **Why.** Roadmaps link design notes and specs that get renamed or were never written.
//!
//! **Example.**
//! ```markdown
//! Derived from [the refinements](./ARCHITECTURAL_REFINEMENTS.md).
//! ```
//!
//! **Fix.** None: only a person knows the right target.
//!
//! **Outside the workspace.** A target outside the workspace (the folder of `tickmark.toml`,
//! else the folder checked or the editor's workspace) is never looked up and never reported:
//! whether `../../etc/passwd` exists is not the roadmap's business, and the answer would show
//! in public CI logs.

use std::path::{Component, Path, PathBuf};

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;

/// Where a link's relative `path`, written in a document in `folder`, points, when that place
/// lies inside `root`; `None` when it climbs out of the root (or `folder` is not below it,
/// or the path is absolute). Purely lexical: nothing is read from the disk. The callers that
/// answer [`Inputs::link_exists`](crate::analysis::Inputs) look up only what this returns.
pub fn target_inside(root: &Path, folder: &Path, path: &str) -> Option<PathBuf> {
    let below = folder.strip_prefix(root).ok()?;
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in below.components().chain(Path::new(path).components()) {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let mut target = root.to_owned();
    target.extend(parts);
    Some(target)
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(exists) = ctx.inputs.link_exists else {
        return;
    };
    for link in &ctx.doc.links {
        let Some(path) = &link.relative_path else {
            continue;
        };
        if !exists(path) {
            out.push(Diagnostic::new(
                Code::BrokenLink,
                link.destination,
                format!("Link target `{path}` does not exist: fix the path or create the file"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::tests::check_with;
    use crate::analysis::Inputs;

    #[test]
    fn targets_outside_the_root_are_not_resolved() {
        use super::target_inside;
        use std::path::Path;
        let root = Path::new("/w");
        let docs = Path::new("/w/docs");
        let inside = |p| target_inside(root, docs, p);
        assert_eq!(inside("../README.md"), Some("/w/README.md".into()));
        assert_eq!(inside("./a/../b.md"), Some("/w/docs/b.md".into()));
        assert_eq!(inside("../../etc/passwd"), None);
        assert_eq!(inside("a/../../../etc/passwd"), None);
        assert_eq!(inside("/etc/passwd"), None);
        assert_eq!(target_inside(root, Path::new("/elsewhere"), "a.md"), None);
        assert_eq!(target_inside(root, root, ".."), None);
    }

    #[test]
    fn missing_relative_targets_only() {
        let exists = |p: &str| p == "./here.md";
        let inputs = Inputs {
            link_exists: Some(&exists),
            ..Inputs::default()
        };
        check_with(
            r"
[a](./here.md) [b](./gone.md#x) [c](https://example.com/x.md) [d](#top)
//                 ^^^^^^^^^^^ warning: broken-link
",
            &inputs,
        );
    }
}
