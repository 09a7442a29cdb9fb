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

use super::{Ctx, Diagnostic};
use crate::analysis::diagnostic::Code;

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
