//! ## conflicting-state
//!
//! **What it flags.** A task that is open (or in progress) in one roadmap file of a workspace
//! while the same task is done in another: the files of one `tickmark check` run, or the
//! roadmaps below the editor's workspace folders. Tasks are the same when their normalised
//! text is (as for `duplicate-item`: marker, box, priority tags, emphasis and punctuation
//! dropped, case folded). The diagnostic sits on the open task; its related information
//! points at the done one. As for `duplicate-item`, a subtask only meets a top-level task of
//! the other file (`Write tests` under two features is two pieces of work), placeholders
//! (`TBD`, `N/A`) and plain items are never compared, and deferred or cancelled tasks are
//! left alone.
//!
//! **Why.** Work that is finished according to one file and still planned according to
//! another: someone ticked it in one place and forgot the other, or it was reopened and the
//! other file still says done. Either the progress of one file or the plan of the other is
//! wrong.
//!
//! **Example.**
//! ```markdown
//! <!-- docs/roadmap/q3.md -->
//! - [ ] Rate limiting
//! <!-- TODO.md -->
//! - [x] Rate limiting
//! ```
//!
//! **Fix.** None: which file is right is the team's call. Check the task, or reopen it in the
//! other file, or keep it in one roadmap only.

use std::fmt::Write as _;

use super::duplicate_item::{compared, item_key};
use super::{quote_into, Ctx, Diagnostic};
use crate::analysis::diagnostic::{Code, Place, Related};
use crate::analysis::model::State;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(elsewhere) = ctx.inputs.elsewhere else {
        return;
    };
    let doc = ctx.doc;
    for item in &doc.items {
        if !matches!(item.state(), Some(State::Open | State::InProgress)) || !compared(doc, item) {
            continue;
        }
        let Some(key) = item_key(ctx.text, item) else {
            continue;
        };
        let Some(other) = elsewhere.done_item(&key[1..], item.parent().is_none()) else {
            continue;
        };
        let mut message = String::with_capacity(112);
        message.push('“');
        quote_into(&mut message, ctx.text, item.text);
        let _ = write!(
            message,
            "” is open here but done in {} on line {}: check it, or reopen it there",
            other.label,
            other.start.line + 1
        );
        let mut d = Diagnostic::new(Code::ConflictingState, item.text, message);
        d.related.push(Related {
            place: Place::Elsewhere {
                file: other.file,
                label: other.label,
                start: other.start,
                end: other.end,
            },
            message: "done here".into(),
        });
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::diagnostic::{Code, Place};
    use crate::analysis::index::{FileIndex, WorkspaceIndex};
    use crate::analysis::parse::parse;
    use crate::analysis::{analyze, BoxStates, Encoding, Inputs, Settings};

    fn conflicts(text: &str, others: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut ws = WorkspaceIndex::default();
        for (name, other) in others {
            let doc = parse(other, &BoxStates::default());
            ws.update(name, name, FileIndex::new(other, &doc, Encoding::Utf16));
        }
        let others = ws.others("this.md");
        let inputs = Inputs {
            elsewhere: Some(&others),
            ..Inputs::default()
        };
        analyze(text, &inputs, &Settings::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::ConflictingState)
            .map(|d| {
                let Place::Elsewhere { label, start, .. } = &d.related[0].place else {
                    panic!("related points at another file");
                };
                (
                    text[d.range.as_range()].to_owned(),
                    format!("{label}:{}", start.line + 1),
                )
            })
            .collect()
    }

    #[test]
    fn an_open_task_done_in_another_file_is_flagged() {
        let found = conflicts(
            "- [ ] **Rate limiting**\n- [/] Audit log\n- [ ] Other\n",
            &[("b.md", "# Done\n- [x] Rate limiting.\n- [x] audit LOG\n")],
        );
        assert_eq!(
            found,
            [
                ("**Rate limiting**".to_owned(), "b.md:2".to_owned()),
                ("Audit log".to_owned(), "b.md:3".to_owned())
            ]
        );
    }

    #[test]
    fn the_done_one_deferred_ones_and_open_ones_elsewhere_are_not() {
        assert!(conflicts("- [x] Ship\n", &[("b.md", "- [ ] Ship\n")]).is_empty());
        assert!(conflicts("- [ ] Ship\n", &[("b.md", "- [ ] Ship\n")]).is_empty());
        assert!(conflicts("- [-] Ship\n", &[("b.md", "- [x] Ship\n")]).is_empty());
        assert!(conflicts("- [ ] TBD\n", &[("b.md", "- [x] TBD\n")]).is_empty());
        // Subtasks of different parents are different work.
        assert!(conflicts(
            "- [ ] A\n  - [ ] Write tests\n",
            &[("b.md", "- [ ] B\n  - [x] Write tests\n")]
        )
        .is_empty());
        // Alone, nothing to compare.
        assert!(conflicts("- [ ] Ship\n", &[]).is_empty());
    }

    #[test]
    fn its_severity_is_configurable_and_a_comment_silences_it() {
        let mut ws = WorkspaceIndex::default();
        let other = "- [x] Ship\n";
        let doc = parse(other, &BoxStates::default());
        ws.update("b.md", "b.md", FileIndex::new(other, &doc, Encoding::Utf16));
        let others = ws.others("a.md");
        let inputs = Inputs {
            elsewhere: Some(&others),
            ..Inputs::default()
        };
        let config = crate::config::Config::parse_toml(
            "[rules]\nconflicting-state = \"error\"\n",
            std::path::Path::new("tickmark.toml"),
        )
        .expect("valid configuration");
        let graded = analyze("- [ ] Ship\n", &inputs, &config.settings());
        let d = graded
            .diagnostics
            .iter()
            .find(|d| d.code == Code::ConflictingState)
            .expect("flagged");
        assert_eq!(d.severity, crate::analysis::Severity::Error);
        let silenced = analyze(
            "<!-- tickmark-disable-next-line conflicting-state -->\n- [ ] Ship\n",
            &inputs,
            &Settings::default(),
        );
        assert!(silenced
            .diagnostics
            .iter()
            .all(|d| d.code != Code::ConflictingState));
    }
}
