//! The architecture's invariants, enforced: the engine (`src/analysis`) is pure. It imports
//! no LSP, async runtime, serialisation, filesystem, process or git API, so the server and
//! the CLI stay thin layers over one deterministic core.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "tower_lsp",
    "lsp_types",
    "tokio",
    "serde",
    "dashmap",
    "ropey",
    "gix",
    "std::fs",
    "std::process",
    "std::net",
    "std::env",
];

#[test]
fn the_engine_imports_no_io_or_protocol_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/analysis");
    let mut offenders = Vec::new();
    let mut files = 0;
    visit(&root, &mut |path, text| {
        files += 1;
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in FORBIDDEN {
                if code.contains(f) {
                    offenders.push(format!("{}:{}: {f}", path.display(), n + 1));
                }
            }
        }
    });
    assert!(files >= 20, "expected the engine's files, found {files}");
    assert!(
        offenders.is_empty(),
        "the engine must stay pure:\n{}",
        offenders.join("\n")
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).expect("src/analysis exists") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(
                &path,
                &std::fs::read_to_string(&path).expect("readable source"),
            );
        }
    }
}
