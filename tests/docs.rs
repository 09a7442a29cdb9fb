//! Generated documentation stays in step with the code: `docs/rules.md` (what every
//! diagnostic's `codeDescription.href` points at) is rendered from each rule's doc comment,
//! and the README's rule table from the registry. Run with `UPDATE_DOCS=1` to rewrite them.

use std::fmt::Write as _;
use std::path::Path;

use tickmark::analysis::Code;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn render_rules_md() -> String {
    let mut out = String::from(
        "# tickmark rules\n\n<!-- Generated from the doc comment of each rule in src/analysis/rules/; `UPDATE_DOCS=1 cargo test --test docs` rewrites it. -->\n\n",
    );
    out.push_str("Every rule can be re-graded or switched off in `tickmark.toml` (`[rules]`), and silenced in the document with `<!-- tickmark-disable-next-line CODE -->` or a `<!-- tickmark-disable CODE -->` … `<!-- tickmark-enable CODE -->` region.\n");
    for code in Code::ALL {
        out.push('\n');
        out.push_str(&code.docs());
        let _ = write!(
            out,
            "\n\n**Default severity:** {}.\n",
            code.default_severity().as_str()
        );
    }
    out
}

fn render_table() -> String {
    let mut out = String::from("| code | default severity | what it flags |\n|---|---|---|\n");
    for code in Code::ALL {
        let _ = writeln!(
            out,
            "| [`{}`](docs/rules.md#{}) | {} | {} |",
            code.as_str(),
            code.as_str(),
            code.default_severity().as_str(),
            code.summary()
        );
    }
    out
}

#[track_caller]
fn check_file(path: &Path, expected: &str) {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if actual != expected {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, expected).expect("writable docs");
        } else {
            panic!(
                "{} is stale: run `UPDATE_DOCS=1 cargo test --test docs`",
                path.display()
            );
        }
    }
}

#[test]
fn rules_reference_is_current() {
    check_file(&root().join("docs/rules.md"), &render_rules_md());
}

#[test]
fn readme_rule_table_is_current() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README has a rules:start marker") + start.len();
    let b = readme.find(end).expect("README has a rules:end marker");
    let expected = format!("{}{}{}", &readme[..a], render_table(), &readme[b..]);
    check_file(&path, &expected);
}

#[test]
fn every_rule_documents_what_why_example_and_fix() {
    for code in Code::ALL {
        let docs = code.docs();
        assert!(
            docs.starts_with(&format!("## {}", code.as_str())),
            "{code}: docs start with its heading"
        );
        for heading in ["**What it flags.**", "**Why.**", "**Example.**", "**Fix"] {
            assert!(docs.contains(heading), "{code}: missing {heading}");
        }
    }
}
