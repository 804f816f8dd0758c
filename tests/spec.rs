//! The language spec suite: `tests/spec/*.sh`. Each case is a script with
//! its expected stdout and status, checked against isosh and — in the same
//! run — against dash (or bash where a case names it), so the expectations
//! cannot drift from the shells they describe.
//!
//! Format (every directive is a shell comment, so a file reads as sh):
//! ```text
//! #### case name
//! ## oracle: bash (why)          optional; `none (why)` for isosh-only cases
//! ## stdin: text with \n escapes optional
//! script lines…
//! ## stdout:
//! ## expected line               (`##` alone: an empty line)
//! ## status: 0
//! ```
//! `ISOSH_SPEC_BLESS=1 cargo test --test spec` rewrites the expected
//! blocks from the oracle's output (review the diff before committing).

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Case, check_all, run_shell};
use std::path::Path;

fn parse(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut in_stdout = false;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("#### ") {
            cases.push(Case {
                file: file.into(),
                name: name.trim().into(),
                oracle: Some("dash".into()),
                ..Case::default()
            });
            in_stdout = false;
            continue;
        }
        let Some(case) = cases.last_mut() else { continue };
        if let Some(v) = line.strip_prefix("## oracle: ") {
            let shell = v.split_whitespace().next().unwrap_or("none");
            case.oracle = (shell != "none").then(|| shell.to_string());
            case.oracle_note = v[shell.len()..].trim().to_string();
        } else if let Some(v) = line.strip_prefix("## stdin: ") {
            case.stdin = v.replace("\\n", "\n");
        } else if line == "## stdout:" {
            case.stdout = Some(String::new());
            in_stdout = true;
        } else if let Some(v) = line.strip_prefix("## status: ") {
            case.status = Some(v.trim().parse().expect("status number"));
            in_stdout = false;
        } else if in_stdout && (line == "##" || line.starts_with("## ")) {
            let out = case.stdout.as_mut().expect("stdout block");
            out.push_str(line.get(3..).unwrap_or(""));
            out.push('\n');
        } else {
            case.script.push_str(line);
            case.script.push('\n');
        }
    }
    cases
}

/// Writes the file again with each oracle case's expectations taken from
/// the oracle.
fn bless(path: &Path, cases: &[Case]) {
    let mut out = String::new();
    let text = std::fs::read_to_string(path).unwrap();
    let header: String = text.lines().take_while(|l| !l.starts_with("#### ")).map(|l| format!("{l}\n")).collect();
    out.push_str(&header);
    for case in cases {
        let (stdout, status) = match &case.oracle {
            Some(shell) => {
                let r = run_shell(shell, case);
                (r.stdout, r.status)
            }
            None => (case.stdout.clone().unwrap_or_default(), case.status.unwrap_or(0)),
        };
        out.push_str(&format!("#### {}\n", case.name));
        for line in directives(case) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&case.script);
        out.push_str("## stdout:\n");
        for line in stdout.lines() {
            out.push_str(if line.is_empty() { "##\n".to_string() } else { format!("## {line}\n") }.as_str());
        }
        out.push_str(&format!("## status: {status}\n\n"));
    }
    std::fs::write(path, out.trim_end().to_string() + "\n").unwrap();
}

/// The oracle and stdin directives of `case`.
fn directives(case: &Case) -> Vec<String> {
    let mut v = Vec::new();
    let note = if case.oracle_note.is_empty() { String::new() } else { format!(" {}", case.oracle_note) };
    match &case.oracle {
        Some(o) if o == "dash" => {}
        Some(o) => v.push(format!("## oracle: {o}{note}")),
        None => v.push(format!("## oracle: none{note}")),
    }
    if !case.stdin.is_empty() {
        v.push(format!("## stdin: {}", case.stdin.replace('\n', "\\n")));
    }
    v
}

#[test]
fn spec_suite_matches_dash() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let mut all = Vec::new();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "sh")) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let mut cases = parse(&name, &std::fs::read_to_string(f).unwrap());
        for c in &mut cases {
            // Trailing blank lines between cases are not part of the script.
            c.script = c.script.trim_end().to_string() + "\n";
        }
        if std::env::var_os("ISOSH_SPEC_BLESS").is_some() {
            bless(f, &cases);
            cases = parse(&name, &std::fs::read_to_string(f).unwrap());
        }
        all.extend(cases);
    }
    for c in &all {
        assert!(
            c.stdout.is_some() && c.status.is_some(),
            "{}: {}: every spec case states its stdout and status",
            c.file,
            c.name
        );
    }
    check_all(&all);
    assert!(all.len() >= 2000, "the spec suite should hold at least 2000 cases, has {}", all.len());
}
