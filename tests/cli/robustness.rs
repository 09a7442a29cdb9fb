//! Bad input: unreadable, missing and non-UTF-8 files, a 20 MB roadmap, a 1 MB line.

use std::fmt::Write as _;

use insta::assert_snapshot;

use crate::Project;

#[test]
fn unreadable_files_are_named_and_the_rest_still_checked() {
    let project = Project::new();
    project.file("good.md", "- [] Box\n");
    project.file("latin1.md", b"- [ ] Caf\xe9 au lait\n");
    let out = project.run(&[
        "check",
        "--format",
        "github",
        "missing.md",
        "latin1.md",
        "good.md",
    ]);
    assert_snapshot!(out.snapshot());
}

#[cfg(unix)]
#[test]
fn permission_denied_and_symlink_loops() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    project.file("good.md", "- [] Box\n");
    let secret = project.file("secret.md", "- [ ] Hidden\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::os::unix::fs::symlink("loop.md", project.path().join("loop.md")).unwrap();
    let out = project.run(&[
        "check",
        "--format",
        "github",
        "secret.md",
        "loop.md",
        "good.md",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("loop.md"), "{}", out.stderr);
    assert!(out.stdout.contains("file=good.md"), "{}", out.stdout);
    // Permissions do not stop the superuser, so this part holds only for other users.
    if std::fs::read(&secret).is_err() {
        assert!(
            out.stderr.contains("error: secret.md: permission denied"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn fix_never_writes_what_it_cannot_read() {
    let project = Project::new();
    let bytes = b"- [] Caf\xe9\n";
    project.file("TODO.md", bytes);
    let out = project.run(&["check", "--fix", "TODO.md"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        std::fs::read(project.path().join("TODO.md")).unwrap(),
        bytes
    );
}

#[test]
fn a_20_mb_roadmap() {
    let project = Project::new();
    let mut text = String::from("# Big\n\n");
    let mut n = 0;
    while text.len() < 20 * 1024 * 1024 {
        let _ = write!(text, "## Section {n}\n\n");
        for i in 0..50 {
            let _ = writeln!(text, "- [x] Task {n}-{i} with some words to make it longer");
        }
        n += 1;
    }
    text.push_str("- [] The one problem\n");
    project.file("ROADMAP.md", &text);
    let out = project.run(&["check", "--format", "json", "ROADMAP.md"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let problems: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let problems = problems.as_array().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["code"], "malformed-checkbox");
    assert_eq!(problems[0]["line"], text.lines().count());
}

#[test]
fn a_1_mb_line() {
    let project = Project::new();
    let mut line = String::from("- [ ] ");
    while line.len() < 1024 * 1024 {
        line.push_str("word ✅ âœ… ");
    }
    project.file("TODO.md", format!("# Long\n\n{line}\n- [] after\n"));
    let out = project.run(&["check", "--format", "json", "TODO.md"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let problems: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let problems = problems.as_array().unwrap();
    let mojibake = problems.iter().filter(|p| p["code"] == "mojibake").count();
    assert_eq!(mojibake, line.matches("âœ…").count());
    let last = problems.last().unwrap();
    assert_eq!(last["code"], "malformed-checkbox");
    assert_eq!(last["line"], 4);
    // Columns count Unicode scalars: the second mojibake run starts after
    // "- [ ] word ✅ âœ… word ✅ " (24 scalars).
    assert_eq!(problems[1]["column"], 25);
    // The human report of the same file cuts the long line around each problem.
    let human = project.run(&["check", "TODO.md"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.lines().all(|l| l.len() < 2000));
}

/// `tickmark … | head`: a reader that closes the pipe early ends the output quietly, with
/// the exit code the command would have had.
#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let project = Project::new();
    let mut text = String::new();
    for i in 0..20_000 {
        let _ = writeln!(text, "- [] task {i}");
    }
    project.file("TODO.md", text.as_str());
    for (args, expected) in [
        (&["check", "TODO.md"][..], 1),
        (&["config", "--schema"][..], 0),
        (&["explain"][..], 0),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tickmark"))
            .args(args)
            .current_dir(project.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tickmark runs");
        let mut first = [0u8; 1];
        child
            .stdout
            .take()
            .expect("piped")
            .read_exact(&mut first)
            .expect("some output");
        // The reading end is dropped here: further writes hit a closed pipe.
        let output = child.wait_with_output().expect("tickmark exits");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(expected), "{args:?}: {stderr}");
    }
}

/// Unicode white space where CommonMark does not skip it (after `](`, in a heading, before a
/// box): every file is read and reported, none panics the run.
#[test]
fn unicode_white_space_in_links_and_headings() {
    let project = Project::new();
    project.file("docs/ROADMAP.md", "See [x](\u{a0}foo.md) now\n- [] Box\n");
    project.file(
        "docs/TODO.md",
        "#\u{3000}Plan\n> # Quoted\n- \u{2028}[ ] y [z](\u{3000}a.md)\n",
    );
    project.file("docs/\u{a0}foo.md", "# Here\n");
    let out = project.run(&["check", "--format", "github", "docs"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    // The link to the file whose name starts with a no-break space resolves; the other,
    // to `\u{3000}a.md`, does not; the near-miss box is reported.
    let codes: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.split("title=").nth(1))
        .map(|t| t.split(':').next().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["malformed-checkbox", "broken-link"],
        "{}",
        out.stdout
    );
}

/// Whether a file outside the checked folder exists is never looked up, so never shown: a
/// link climbing out is not reported, present or not; a missing file inside still is.
#[test]
fn links_out_of_the_root_are_not_probed() {
    let project = Project::new();
    let up = "../".repeat(project.path().components().count() + 2);
    project.file(
        "docs/ROADMAP.md",
        format!(
            "- [ ] [a]({up}etc/passwd) [b]({up}etc/no-such-file-here) [c](../gone.md) [d](../../outside.md)\n"
        ),
    );
    let out = project.run(&["check", "--format", "json", "docs"]);
    let problems: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let messages: Vec<&str> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["Link target `../gone.md` does not exist: fix the path or create the file"]
    );
}
