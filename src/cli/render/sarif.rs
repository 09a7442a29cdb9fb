//! `--format sarif`: a SARIF 2.1.0 log, for code-scanning services and SARIF viewers.
//!
//! `tool.driver.rules` lists every rule of the registry (id, summary, documentation, help
//! link, default level); each result names its rule, level, message and region. Columns are
//! counted in Unicode code points, which the run declares with
//! `"columnKind": "unicodeCodePoints"` (SARIF's default would be UTF-16 code units). Safe fixes
//! are included as SARIF `fixes`.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::FileReport;
use crate::analysis::{Code, Diagnostic, Place, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/tickmark-lsp/tickmark";

/// The SARIF log, pretty-printed, with a trailing newline.
pub fn render(files: &[FileReport<'_>]) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|&code| rule(code)).collect();
    let results: Vec<Value> = files
        .iter()
        .flat_map(|file| file.diagnostics.iter().map(move |d| result(file, d)))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tickmark",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).expect("plain data serialises");
    out.push('\n');
    out
}

fn rule(code: Code) -> Value {
    let docs = code.docs();
    json!({
        "id": code.as_str(),
        "name": code.as_str(),
        "shortDescription": { "text": code.summary() },
        "fullDescription": { "text": code.summary() },
        "help": { "text": docs, "markdown": docs },
        "helpUri": code.href(),
        "defaultConfiguration": { "level": level(code.default_severity()) },
    })
}

fn result(file: &FileReport<'_>, d: &Diagnostic) -> Value {
    let rule_index = Code::ALL.iter().position(|&c| c == d.code);
    let mut value = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [location(file, d.range)],
    });
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut loc = match &r.place {
                Place::Here(range) => location(file, *range),
                // The workspace index of `check` counts columns in code points, as this log.
                Place::Elsewhere {
                    file, start, end, ..
                } => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(file) },
                        "region": {
                            "startLine": start.line + 1,
                            "startColumn": start.col + 1,
                            "endLine": end.line + 1,
                            "endColumn": end.col + 1,
                        },
                    }
                }),
            };
            loc["id"] = json!(i);
            loc["message"] = json!({ "text": r.message });
            loc
        })
        .collect();
    if !related.is_empty() {
        value["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = d.fixes.iter().find(|f| f.is_safe()) {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "deletedRegion": region(file, edit.range),
                    "insertedContent": { "text": edit.insert },
                })
            })
            .collect();
        value["fixes"] = json!([{
            "description": { "text": fix.title },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(file.path) },
                "replacements": replacements,
            }],
        }]);
    }
    value
}

fn location(file: &FileReport<'_>, range: crate::analysis::TextRange) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file.path) },
            "region": region(file, range),
        }
    })
}

fn region(file: &FileReport<'_>, range: crate::analysis::TextRange) -> Value {
    let span = file.span(range);
    json!({
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    })
}

/// SARIF has `error`, `warning`, `note` and `none`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// A path as a URI reference: relative paths stay relative (forward slashes), absolute ones
/// become `file://` URIs; characters outside the unreserved set and `/` are percent-encoded.
pub fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let (prefix, rest) = if slashed.starts_with('/') {
        ("file://", slashed.as_str())
    } else if slashed.len() > 2 && slashed.as_bytes()[1] == b':' {
        // A Windows drive path: C:/x → file:///C:/x
        ("file:///", slashed.as_str())
    } else {
        ("", slashed.strip_prefix("./").unwrap_or(&slashed))
    };
    let mut out = String::from(prefix);
    for byte in rest.bytes() {
        if byte.is_ascii_alphanumeric()
            || b"-._~/".contains(&byte)
            || (byte == b':' && !prefix.is_empty())
        {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./docs/My Roadmap.md"), "docs/My%20Roadmap.md");
        assert_eq!(uri("/tmp/ROADMAP.md"), "file:///tmp/ROADMAP.md");
        assert_eq!(uri("TODO#1.md"), "TODO%231.md");
        assert_eq!(uri("café.md"), "caf%C3%A9.md");
    }
}
