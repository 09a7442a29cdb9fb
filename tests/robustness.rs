//! docs/robustness.md, kept current: each row of its "Engine and command line" table names a
//! case here, which runs the row's input through `tickmark check` and checks the outcome the
//! row states. A row without a case, or a case without a row, fails.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `tickmark check --format json ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tickmark"))
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tickmark runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The problems of a JSON report as (code, line) pairs.
fn problems(run: &Run) -> Vec<(String, u64)> {
    let value: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                p["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn codes(run: &Run) -> Vec<String> {
    problems(run).into_iter().map(|(c, _)| c).collect()
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn unicode_space_link(dir: &Path) {
    write(
        dir,
        "a/ROADMAP.md",
        "# \u{a0}Plan\n- [ ] see [a](\u{a0}x.md) [b](\u{2028}y.md) [c](\u{3000}z.md)\n",
    );
    write(dir, "b/ROADMAP.md", "- [] other file\n");
    let run = check(dir, &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let codes = codes(&run);
    assert_eq!(
        codes.iter().filter(|c| *c == "broken-link").count(),
        3,
        "{codes:?}"
    );
    assert!(
        codes.contains(&"malformed-checkbox".to_owned()),
        "{codes:?}"
    );
}

fn deep_one_line(dir: &Path) {
    write(dir, "ROADMAP.md", format!("{}[ ] x\n", "- ".repeat(20_000)));
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(
        problems(&run),
        [("limit-reached".to_owned(), 1)],
        "{}",
        run.stderr
    );
}

fn deep_every_line(dir: &Path) {
    let mut text = String::new();
    for level in 0..300 {
        let _ = writeln!(text, "{}- [ ] task {level}", "  ".repeat(level));
    }
    write(dir, "ROADMAP.md", text);
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(
        problems(&run),
        [("limit-reached".to_owned(), 1)],
        "{}",
        run.stderr
    );
}

fn many_tasks(dir: &Path) {
    write(dir, "ROADMAP.md", "- [ ]\n".repeat(50_000));
    let run = check(dir, &["ROADMAP.md"]);
    let codes = codes(&run);
    assert_eq!(codes.len(), 50_000);
    assert!(codes.iter().all(|c| c == "empty-item"));
}

fn long_line(dir: &Path) {
    let long = "word ".repeat((2 * 1024 * 1024) / 5 + 1);
    write(
        dir,
        "ROADMAP.md",
        format!("- [ ] same\n- [ ] same\n{long}\n- [] box\n"),
    );
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(
        problems(&run),
        [
            ("limit-reached".to_owned(), 1),
            ("malformed-checkbox".to_owned(), 4)
        ]
    );
}

fn disable_comments(dir: &Path) {
    let mut text = String::new();
    for i in 0..20_000 {
        let _ = write!(
            text,
            "- [] task {i}\n  <!-- tickmark-disable-next-line malformed-checkbox -->\n"
        );
    }
    // The comment silences the line after it, so the first item stays reported.
    write(dir, "ROADMAP.md", text);
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(problems(&run), [("malformed-checkbox".to_owned(), 1)]);
}

fn outside_link(dir: &Path) {
    let up = "../".repeat(dir.components().count() + 2);
    write(
        dir,
        "docs/ROADMAP.md",
        format!("- [ ] [a]({up}etc/passwd) [b]({up}etc/no-such-file) [c](../../gone.md) [d](../gone.md)\n"),
    );
    let run = check(dir, &["docs"]);
    assert_eq!(
        problems(&run),
        [("broken-link".to_owned(), 1)],
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("`../gone.md`"), "{}", run.stdout);
}

fn many_globs(dir: &Path) {
    let globs: Vec<String> = (0..20_000).map(|i| format!("\"d{i}/*.md\"")).collect();
    write(
        dir,
        "tickmark.toml",
        format!("roadmaps = [{}]\n", globs.join(", ")),
    );
    write(dir, "d19999/plan.md", "- [] box\n");
    write(dir, "ROADMAP.md", "- [] not a roadmap by these globs\n");
    let run = check(dir, &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(problems(&run), [("malformed-checkbox".to_owned(), 1)]);
    assert!(run.stdout.contains("plan.md"));
}

fn bad_settings(dir: &Path) {
    write(
        dir,
        "tickmark.toml",
        "colour = 1\n[rules]\nempty-item = \"off\"\nmalformed-checkbox = \"loud\"\nduplicate-itm = \"hint\"\n[dates]\nstale-days = -1\n",
    );
    write(dir, "ROADMAP.md", "- [ ]\n- [] box\n");
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(run.code, 2);
    // The good setting applies (no empty-item), the bad ones are left out.
    assert_eq!(codes(&run), ["malformed-checkbox"]);
    for line in [
        "tickmark.toml:1:1",
        "tickmark.toml:4:22",
        "tickmark.toml:5:1",
        "tickmark.toml:7:14",
    ] {
        assert!(run.stderr.contains(line), "{line} in {}", run.stderr);
    }
}

fn not_utf8(dir: &Path) {
    write(dir, "a/ROADMAP.md", b"- [ ] Caf\xe9\n");
    write(dir, "b/ROADMAP.md", "- [] box\n");
    let run = check(dir, &["."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("ROADMAP.md"), "{}", run.stderr);
    assert_eq!(codes(&run), ["malformed-checkbox"]);
}

fn lone_cr(dir: &Path) {
    write(
        dir,
        "ROADMAP.md",
        "# A\r- [] bad\r\n- [ ] ok\n\r- [] worse\r",
    );
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(
        problems(&run),
        [
            ("malformed-checkbox".to_owned(), 2),
            ("malformed-checkbox".to_owned(), 5)
        ]
    );
}

fn tags_on_one_line(dir: &Path) {
    // 100,000 tags on one item, 20,000 of them unknown, between non-ASCII words.
    let line = format!(
        "- [ ] é {}\n",
        "[P1] é [P1] 😀 [P1] [P1] [P9] ".repeat(20_000)
    );
    write(dir, "ROADMAP.md", &line);
    let run = check(dir, &["ROADMAP.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let problems = value.as_array().unwrap();
    assert_eq!(problems.len(), 20_000);
    // Columns count characters (1-based): each repeat is 29 characters long.
    for (k, p) in problems.iter().enumerate() {
        assert_eq!(p["code"], "unknown-priority");
        assert_eq!(p["line"], 1);
        assert_eq!(p["column"].as_u64().unwrap(), 33 + 29 * k as u64, "{p}");
    }
}

/// One row's check, run in a fresh folder.
type Case = fn(&Path);

const CASES: &[(&str, Case)] = &[
    ("unicode-space-link", unicode_space_link),
    ("deep-one-line", deep_one_line),
    ("deep-every-line", deep_every_line),
    ("many-tasks", many_tasks),
    ("long-line", long_line),
    ("disable-comments", disable_comments),
    ("outside-link", outside_link),
    ("many-globs", many_globs),
    ("bad-settings", bad_settings),
    ("not-utf8", not_utf8),
    ("lone-cr", lone_cr),
    ("tags-on-one-line", tags_on_one_line),
];

/// The ids of the rows of the "Engine and command line" table.
fn rows() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/robustness.md"))
        .expect("docs/robustness.md");
    let section = doc
        .split("## Engine and command line")
        .nth(1)
        .expect("the section")
        .split("\n## ")
        .next()
        .unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| id ") && !l.starts_with("| ---"))
        .map(|l| l.split('|').nth(1).unwrap().trim().to_owned())
        .collect()
}

#[test]
fn every_row_is_checked() {
    let ids: Vec<&str> = CASES.iter().map(|(id, _)| *id).collect();
    assert_eq!(rows(), ids);
}

#[test]
fn every_row_holds() {
    for (id, case) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().canonicalize().unwrap();
        let dir = dir.join(id);
        std::fs::create_dir_all(&dir).unwrap();
        case(&dir);
    }
}
