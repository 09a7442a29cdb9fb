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
use crate::analysis::Edit;
use crate::server::capabilities::FIX_ALL_KIND;
use crate::server::convert::{self, LineMap};
use crate::server::documents::Snapshot;
use crate::server::{guarded, Backend};

pub fn code_action(
    backend: &Backend,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let snapshot = backend.snapshot(&uri)?;
    let features = backend.features();
    let config = backend.effective_for(&uri);
    let text = snapshot.text.as_str();
    let doc = &snapshot.analysis.document;
    let map = LineMap {
        text,
        index: &doc.line_index,
        encoding: features.encoding,
        line_base: 0,
    };
    let range = map.text_range(params.range);
    let only = params.context.only.unwrap_or_default();
    let wanted = |kind: &CodeActionKind| {
        only.is_empty()
            || only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
    };
    let workspace_edit = |edits: &[Edit]| {
        convert::workspace_edit(
            &uri,
            snapshot.version,
            map.text_edits(edits),
            features.versioned_edits,
        )
    };
    let mut out: Vec<CodeActionOrCommand> = Vec::new();

    let quickfix = CodeActionKind::QUICKFIX;
    if wanted(&quickfix) {
        let first_line = doc.line_index.line_of(range.start);
        let last_line = doc.line_index.line_of(range.end);
        let mut ignores = Vec::new();
        // With the diagnostics only history tells, once the file's history is built.
        let history: std::sync::Arc<[crate::analysis::Diagnostic]> =
            if backend.history_diagnostics_ready(&uri) {
                backend.history_diagnostics(&uri, text, || doc.clone())
            } else {
                std::sync::Arc::from([])
            };
        for d in snapshot.analysis.diagnostics.iter().chain(history.iter()) {
            let line = doc.line_index.line_of(d.range.start);
            let overlaps = d.range.start <= range.end && range.start <= d.range.end;
            if !overlaps && !(first_line..=last_line).contains(&line) {
                continue;
            }
            let ours = convert::diagnostic(&map, &uri, d);
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
        let task_actions = guarded("code actions", || {
            actions::actions(text, doc, range, &config.settings.default_priorities)
        })?;
        let (quick, rewrite): (Vec<Action>, Vec<Action>) = task_actions
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
        push_rewrites(&mut out, rewrite, &wanted, &workspace_edit);
    } else {
        let rewrite: Vec<Action> = guarded("code actions", || {
            actions::actions(text, doc, range, &config.settings.default_priorities)
        })?
        .into_iter()
        .filter(|a| a.kind == ActionKind::Rewrite)
        .collect();
        push_rewrites(&mut out, rewrite, &wanted, &workspace_edit);
    }

    let fix_all_kind = CodeActionKind::from(FIX_ALL_KIND);
    let explicitly = only
        .iter()
        .any(|o| fix_all_kind.as_str().starts_with(o.as_str()));
    let fixable = || {
        snapshot
            .analysis
            .diagnostics
            .iter()
            .any(crate::analysis::Diagnostic::is_fixable)
    };
    // Fixing everything re-analyses the text up to nine times: asked for this kind (a
    // source action, a fix on save), the edit comes at once; in the lightbulb, only to a
    // client that resolves actions, without its edit, filled in when chosen.
    if explicitly && fixable() {
        if let Some(edit) = fix_all_edit(backend, &uri, &snapshot)? {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: FIX_ALL_TITLE.to_owned(),
                kind: Some(fix_all_kind),
                edit: Some(edit),
                ..CodeAction::default()
            }));
        }
    } else if features.resolve_edits && only.is_empty() && fixable() {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: FIX_ALL_TITLE.to_owned(),
            kind: Some(fix_all_kind),
            data: Some(json!(FixAllData { uri: uri.clone() })),
            ..CodeAction::default()
        }));
    }
    Ok(Some(out))
}

const FIX_ALL_TITLE: &str = "Fix all tickmark problems";

/// What a `Fix all tickmark problems` action left unresolved carries.
#[derive(Debug, Serialize, Deserialize)]
struct FixAllData {
    uri: Url,
}

/// Fills in the edit of an action [`code_action`] left unresolved, from the current text
/// (the client has sent every change before it asks), with the current version.
pub fn resolve(backend: &Backend, mut action: CodeAction) -> Result<CodeAction> {
    let Some(data) = action
        .data
        .as_ref()
        .and_then(|d| serde_json::from_value::<FixAllData>(d.clone()).ok())
    else {
        return Err(Error::invalid_params(
            "not a code action of tickmark's to resolve",
        ));
    };
    let snapshot = backend.snapshot(&data.uri)?;
    action.edit = Some(
        fix_all_edit(backend, &data.uri, &snapshot)?.unwrap_or_else(|| {
            convert::workspace_edit(
                &data.uri,
                snapshot.version,
                Vec::new(),
                backend.features().versioned_edits,
            )
        }),
    );
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
) {
    let kind = CodeActionKind::REFACTOR_REWRITE;
    if !wanted(&kind) {
        return;
    }
    for a in rewrite {
        out.push(action(&a, kind.clone(), None, workspace_edit(&a.edits)));
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
