//! Code actions: each diagnostic's fixes and `Ignore CODE on this line` (kind `quickfix`),
//! the task actions of SPEC §3 (`Check item`, …, kind `quickfix` or `refactor.rewrite`) and
//! `Fix all tickmark problems` (`source.fixAll.tickmark`).
//!
//! Fixes come from the analysis of the current version that every request shares, so their
//! edits always match the text and no action re-analyses it; the diagnostic the client sent
//! is attached when it matches one of ours. `Fix all tickmark problems`, which does
//! re-analyse (once per round of fixes), is computed only when asked for by kind, or left
//! for `codeAction/resolve` in the lightbulb of a client that resolves actions.

use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionResponse, NumberOrString, Url,
};

use crate::analysis::actions::{self, Action, ActionKind};
use crate::analysis::incremental::{localized, Incremental, ShardView};
use crate::analysis::model::{Document, Level};
use crate::analysis::stitch::Part;
use crate::analysis::{Diagnostic, Edit};
use crate::server::capabilities::FIX_ALL_KIND;
use crate::server::convert::{self, LineMap};
use crate::server::documents::Snapshot;
use crate::server::{guarded, Backend};

pub fn code_action(
    backend: &Backend,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let from_shard = super::diagnostics::with_current(backend, &uri, |live, version| {
        in_shard(backend, &params, &live.incremental, version)
    })?;
    if let Some(Some(answer)) = from_shard {
        return answer.map(Some);
    }
    in_whole(backend, params).map(Some)
}

/// What the actions at a range are read from: the whole document, or the one shard of its
/// incremental analysis that holds the range.
struct Source<'a> {
    version: i32,
    text: &'a str,
    doc: &'a Document,
    map: LineMap<'a>,
    /// Every diagnostic of `text` (the history's last), in its offsets.
    diagnostics: &'a [Diagnostic],
    /// The LSP form of the diagnostic at an index of `diagnostics`.
    to_lsp: &'a dyn Fn(usize) -> lsp::Diagnostic,
    /// The priority levels of the whole document.
    allowed: &'a [Level],
    /// `Move done items to the done section`, over the whole document.
    move_done: Option<Action>,
    /// True when some diagnostic of the whole document has a safe fix.
    fixable: bool,
}

/// The actions at the range, from the shard that holds it; `None` when they depend on more
/// than the shard: a range across shards, or a `Fix all` (or a move of done items, to a
/// client that cannot resolve it later) asked for.
fn in_shard(
    backend: &Backend,
    params: &CodeActionParams,
    incremental: &Incremental,
    version: i32,
) -> Option<Result<CodeActionResponse>> {
    let features = backend.features();
    let uri = &params.text_document.uri;
    let shards: Vec<ShardView<'_>> = incremental.shards().collect();
    let holding = |p: lsp::Position| {
        shards
            .partition_point(|s| s.line <= p.line as usize)
            .saturating_sub(1)
    };
    let i = holding(params.range.start);
    if holding(params.range.end) != i {
        return None;
    }
    let shard = shards.get(i)?;
    let only = params.context.only.as_deref().unwrap_or_default();
    let fix_all_kind = CodeActionKind::from(FIX_ALL_KIND);
    if only
        .iter()
        .any(|o| fix_all_kind.as_str().starts_with(o.as_str()))
    {
        return None;
    }
    let move_done = if !any_done_to_move(&shards) {
        None
    } else if features.resolve_edits {
        // Its edit is read from the whole document when chosen (`resolve`).
        Some(Action {
            title: MOVE_DONE_TITLE.to_owned(),
            kind: ActionKind::Rewrite,
            edits: Vec::new(),
        })
    } else {
        return None;
    };
    let end = shard.start + shard.text.len();
    let mut pairs = incremental.diagnostics_in(shard)?;
    if backend.history_diagnostics_ready(uri) {
        let text = incremental.text();
        let history = backend.history_diagnostics(uri, &text, || incremental.parts());
        for d in history.iter() {
            if (shard.start..end).contains(&d.range.start) {
                pairs.push((localized(d, shard.start, end)?, d.clone()));
            }
        }
    }
    let (diagnostics, whole): (Vec<Diagnostic>, Vec<Diagnostic>) = pairs.into_iter().unzip();
    let parts = convert::PartsMap::new(
        shards
            .iter()
            .map(|s| (s.start, convert::shard_map(s, features.encoding))),
    );
    let to_lsp = |i: usize| convert::diagnostic(&parts, uri, &whole[i]);
    let source = Source {
        version,
        text: shard.text,
        doc: shard.doc,
        map: convert::shard_map(shard, features.encoding),
        diagnostics: &diagnostics,
        to_lsp: &to_lsp,
        allowed: incremental.allowed_levels(),
        move_done,
        fixable: incremental.any_diagnostic(Diagnostic::is_fixable),
    };
    // A `Fix all` asked for by kind went to the whole document above.
    Some(answer(backend, params, &source, || Ok(None)))
}

/// Whether [`actions::move_done_items`] of the whole document moves anything, told from its
/// shards: the done section is the first one (a done `#` section is never cut, so it lies in
/// one shard), and an item moves as its own shard sees it.
fn any_done_to_move(shards: &[ShardView<'_>]) -> bool {
    let Some((k, target)) = shards
        .iter()
        .enumerate()
        .find_map(|(k, s)| actions::done_target(s.doc).map(|t| (k, t)))
    else {
        return false;
    };
    shards
        .iter()
        .enumerate()
        .any(|(i, s)| !actions::movable_done(s.doc, (i == k).then_some(target)).is_empty())
}

/// The actions at the range from the whole document's snapshot.
fn in_whole(backend: &Backend, params: CodeActionParams) -> Result<CodeActionResponse> {
    let uri = &params.text_document.uri;
    let snapshot = backend.snapshot(uri)?;
    let features = backend.features();
    let config = backend.effective_for(uri);
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: features.encoding,
        line_base: 0,
    };
    // With the diagnostics only history tells, once the file's history is built.
    let history: std::sync::Arc<[Diagnostic]> = if backend.history_diagnostics_ready(uri) {
        backend.history_diagnostics(uri, text, || {
            vec![Part {
                start: 0,
                line: 0,
                doc,
            }]
        })
    } else {
        std::sync::Arc::from([])
    };
    let diagnostics: Vec<Diagnostic> = snapshot
        .analysis
        .diagnostics
        .iter()
        .chain(history.iter())
        .cloned()
        .collect();
    let to_lsp = |i: usize| convert::diagnostic(&map, uri, &diagnostics[i]);
    let allowed = doc.allowed_levels(&config.settings.default_priorities);
    let source = Source {
        version: snapshot.version,
        text,
        doc,
        map,
        diagnostics: &diagnostics,
        to_lsp: &to_lsp,
        allowed: &allowed,
        move_done: actions::move_done_items(text, doc),
        fixable: snapshot
            .analysis
            .diagnostics
            .iter()
            .any(Diagnostic::is_fixable),
    };
    answer(backend, &params, &source, || {
        fix_all_edit(backend, uri, &snapshot)
    })
}

/// The actions at the range of `params`, read from `source`; `fix_all` computes the edit of
/// `Fix all tickmark problems` when it is asked for by kind.
fn answer(
    backend: &Backend,
    params: &CodeActionParams,
    source: &Source<'_>,
    fix_all: impl FnOnce() -> Result<Option<lsp::WorkspaceEdit>>,
) -> Result<CodeActionResponse> {
    let uri = &params.text_document.uri;
    let features = backend.features();
    let Source { text, doc, map, .. } = *source;
    let range = map.text_range(params.range);
    let only = params.context.only.clone().unwrap_or_default();
    let wanted = |kind: &CodeActionKind| {
        only.is_empty()
            || only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
    };
    let workspace_edit = |edits: &[Edit]| {
        convert::workspace_edit(
            uri,
            source.version,
            map.text_edits(edits),
            features.versioned_edits,
        )
    };
    let task_actions = |source: &Source<'_>| {
        guarded("code actions", || {
            actions::actions_with(text, doc, range, source.allowed, source.move_done.clone())
        })
    };
    let mut out: Vec<CodeActionOrCommand> = Vec::new();

    let quickfix = CodeActionKind::QUICKFIX;
    if wanted(&quickfix) {
        let first_line = doc.line_index.line_of(range.start);
        let last_line = doc.line_index.line_of(range.end);
        let mut ignores = Vec::new();
        for (i, d) in source.diagnostics.iter().enumerate() {
            let line = doc.line_index.line_of(d.range.start);
            let overlaps = d.range.start <= range.end && range.start <= d.range.end;
            if !overlaps && !(first_line..=last_line).contains(&line) {
                continue;
            }
            let ours = (source.to_lsp)(i);
            let sent = params
                .context
                .diagnostics
                .iter()
                .find(|c| {
                    c.range == ours.range
                        && c.code == Some(NumberOrString::String(d.code.as_str().to_owned()))
                })
                .cloned()
                .unwrap_or(ours);
            for (i, fix) in d.fixes.iter().enumerate() {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.to_string(),
                    kind: Some(quickfix.clone()),
                    diagnostics: Some(vec![sent.clone()]),
                    edit: Some(workspace_edit(&fix.edits)),
                    is_preferred: Some(i == 0 && fix.is_safe()),
                    ..CodeAction::default()
                }));
            }
            let ignore = guarded("ignore action", || actions::ignore_on_line(text, doc, d))?;
            if !ignores
                .iter()
                .any(|(t, _, _): &(String, _, _)| *t == ignore.title)
            {
                ignores.push((ignore.title.clone(), ignore, sent));
            }
        }
        let (quick, rewrite): (Vec<Action>, Vec<Action>) = task_actions(source)?
            .into_iter()
            .partition(|a| a.kind == ActionKind::QuickFix);
        for a in quick {
            let duplicate = out.iter().any(|o| match o {
                CodeActionOrCommand::CodeAction(c) => {
                    c.title == a.title && c.edit == Some(workspace_edit(&a.edits))
                }
                CodeActionOrCommand::Command(_) => false,
            });
            if duplicate {
                continue;
            }
            out.push(action(&a, quickfix.clone(), None, workspace_edit(&a.edits)));
        }
        for (_, a, sent) in ignores {
            out.push(action(
                &a,
                quickfix.clone(),
                Some(sent),
                workspace_edit(&a.edits),
            ));
        }
        push_rewrites(&mut out, rewrite, &wanted, &workspace_edit, uri);
    } else {
        let rewrite: Vec<Action> = task_actions(source)?
            .into_iter()
            .filter(|a| a.kind == ActionKind::Rewrite)
            .collect();
        push_rewrites(&mut out, rewrite, &wanted, &workspace_edit, uri);
    }

    let fix_all_kind = CodeActionKind::from(FIX_ALL_KIND);
    let explicitly = only
        .iter()
        .any(|o| fix_all_kind.as_str().starts_with(o.as_str()));
    // Fixing everything re-analyses the text up to nine times: asked for this kind (a
    // source action, a fix on save), the edit comes at once; in the lightbulb, only to a
    // client that resolves actions, without its edit, filled in when chosen.
    if explicitly && source.fixable {
        if let Some(edit) = fix_all()? {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: FIX_ALL_TITLE.to_owned(),
                kind: Some(fix_all_kind),
                edit: Some(edit),
                ..CodeAction::default()
            }));
        }
    } else if features.resolve_edits && only.is_empty() && source.fixable {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: FIX_ALL_TITLE.to_owned(),
            kind: Some(fix_all_kind),
            data: Some(json!(Unresolved {
                uri: uri.clone(),
                what: None,
            })),
            ..CodeAction::default()
        }));
    }
    Ok(out)
}

const FIX_ALL_TITLE: &str = "Fix all tickmark problems";

const MOVE_DONE_TITLE: &str = "Move done items to the done section";

/// What an action left unresolved carries: the document, and which action it is.
#[derive(Debug, Serialize, Deserialize)]
struct Unresolved {
    uri: Url,
    /// Absent: `Fix all tickmark problems`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    what: Option<Later>,
}

/// An action whose edit is made only when it is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Later {
    FixAll,
    /// `Move done items to the done section`, read from the whole document.
    MoveDone,
}

/// Fills in the edit of an action [`code_action`] left unresolved, from the current text
/// (the client has sent every change before it asks), with the current version.
pub fn resolve(backend: &Backend, mut action: CodeAction) -> Result<CodeAction> {
    let Some(data) = action
        .data
        .as_ref()
        .and_then(|d| serde_json::from_value::<Unresolved>(d.clone()).ok())
    else {
        return Err(Error::invalid_params(
            "not a code action of tickmark's to resolve",
        ));
    };
    let snapshot = backend.snapshot(&data.uri)?;
    let edit = match data.what.unwrap_or(Later::FixAll) {
        Later::FixAll => fix_all_edit(backend, &data.uri, &snapshot)?,
        Later::MoveDone => {
            let text = snapshot.text.as_str();
            let doc = &snapshot.analysis.document;
            let moved = guarded("code actions", || actions::move_done_items(text, doc))?;
            moved.map(|a| {
                let map = LineMap {
                    text,
                    index: &doc.line_index,
                    encoding: backend.features().encoding,
                    line_base: 0,
                };
                convert::workspace_edit(
                    &data.uri,
                    snapshot.version,
                    map.text_edits(&a.edits),
                    backend.features().versioned_edits,
                )
            })
        }
    };
    action.edit = Some(edit.unwrap_or_else(|| {
        convert::workspace_edit(
            &data.uri,
            snapshot.version,
            Vec::new(),
            backend.features().versioned_edits,
        )
    }));
    action.data = None;
    Ok(action)
}

/// Every safe fix at once, as the smallest edits from the text to the fixed text; `None`
/// when nothing changes.
fn fix_all_edit(
    backend: &Backend,
    uri: &Url,
    snapshot: &Snapshot,
) -> Result<Option<lsp::WorkspaceEdit>> {
    let text = snapshot.text.as_str();
    let fixed = backend.fix_all(uri, text)?;
    let edits = actions::diff(text, &fixed);
    if edits.is_empty() {
        return Ok(None);
    }
    let map = LineMap {
        text,
        index: &snapshot.analysis.document.line_index,
        encoding: backend.features().encoding,
        line_base: 0,
    };
    Ok(Some(convert::workspace_edit(
        uri,
        snapshot.version,
        map.text_edits(&edits),
        backend.features().versioned_edits,
    )))
}

fn push_rewrites(
    out: &mut Vec<CodeActionOrCommand>,
    rewrite: Vec<Action>,
    wanted: &dyn Fn(&CodeActionKind) -> bool,
    workspace_edit: &dyn Fn(&[Edit]) -> lsp::WorkspaceEdit,
    uri: &Url,
) {
    let kind = CodeActionKind::REFACTOR_REWRITE;
    if !wanted(&kind) {
        return;
    }
    for a in rewrite {
        if a.title == MOVE_DONE_TITLE && a.edits.is_empty() {
            // Read from the whole document only when chosen (see `in_shard`).
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(kind.clone()),
                data: Some(json!(Unresolved {
                    uri: uri.clone(),
                    what: Some(Later::MoveDone),
                })),
                ..CodeAction::default()
            }));
        } else {
            out.push(action(&a, kind.clone(), None, workspace_edit(&a.edits)));
        }
    }
}

fn action(
    a: &Action,
    kind: CodeActionKind,
    diagnostic: Option<lsp::Diagnostic>,
    edit: lsp::WorkspaceEdit,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: a.title.clone(),
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(edit),
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::{code_action, in_shard, in_whole};
    use crate::server::handlers::diagnostics::with_current;
    use proptest::prelude::*;
    use tower_lsp::lsp_types::{
        CodeActionContext, CodeActionParams, PartialResultParams, Position, Range,
        TextDocumentIdentifier, Url, WorkDoneProgressParams,
    };

    const LINES: &[&str] = &[
        "# Roadmap",
        "# Done ✅",
        "## Area",
        "## ✅ Completed",
        "### Sub",
        "",
        "- [ ] Task A",
        "- [x] Task A",
        "- [x] Task B é",
        "  - [ ] Sub a",
        "  - [x] Sub b",
        "- [ ] [P1] Fix it",
        "- [ ] [P7] Unknown level",
        "- **[P0]** - Critical",
        "- []  Malformed",
        "- [~] Cancelled",
        "- Plain item",
        "<!-- tickmark-disable-next-line -->",
    ];

    fn params(uri: &Url, start: Position, end: Position) -> CodeActionParams {
        CodeActionParams {
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            range: Range::new(start, end),
            context: CodeActionContext::default(),
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

        /// At every line, at its start, inside it and over it, the actions read from the
        /// shard holding the range equal those read from the whole document.
        #[test]
        fn actions_from_a_shard_equal_the_whole_documents(
            lines in prop::collection::vec(prop::sample::select(LINES), 1..40),
        ) {
            let (service, _socket) = crate::server::service();
            let backend = service.inner();
            let uri = Url::parse("file:///nowhere/ROADMAP.md").unwrap();
            let text = lines.join("\n") + "\n";
            backend.documents.open(uri.clone(), &text, 1);
            for (line, content) in text.lines().enumerate() {
                let line = line as u32;
                let len = content.encode_utf16().count() as u32;
                for (start, end) in [
                    (Position::new(line, 0), Position::new(line, 0)),
                    (Position::new(line, len / 2), Position::new(line, len / 2)),
                    (Position::new(line, 0), Position::new(line, len)),
                    (Position::new(line, 1), Position::new(line + 1, 2)),
                ] {
                    let p = params(&uri, start, end);
                    let from_shard = with_current(backend, &uri, |live, version| {
                        in_shard(backend, &p, &live.incremental, version)
                    })
                    .unwrap()
                    .unwrap();
                    let whole = in_whole(backend, p.clone()).unwrap();
                    prop_assert_eq!(
                        code_action(backend, p).unwrap().unwrap(),
                        whole.clone()
                    );
                    match from_shard {
                        Some(answer) => prop_assert_eq!(
                            answer.unwrap(),
                            whole,
                            "at {:?}-{:?} in\n{}",
                            start,
                            end,
                            text
                        ),
                        // Only a range across shards, or done items to move (which this
                        // client cannot resolve later), need the whole document.
                        None => prop_assert!(
                            start.line != end.line || text.contains("Done") || text.contains("Completed"),
                            "not answered from the shard at {:?} in\n{}",
                            start,
                            text
                        ),
                    }
                }
            }
        }
    }
}
