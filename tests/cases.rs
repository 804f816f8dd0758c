//! The case table: every `tests/cases/*.cases` file holds scripts that are
//! run by isosh and by an oracle shell (dash unless a case names another),
//! and must give the same stdout and exit status, and agree on whether
//! anything was written to stderr.
//!
//! Case format:
//! ```text
//! === name
//! -- oracle: dash | bash | none (reason)
//! -- stdin: text with \n escapes
//! -- stderr: text isosh's stderr must contain
//! script lines…
//! --- stdout            (required with `oracle: none`, optional otherwise)
//! expected lines…
//! --- status N
//! ```
//! Each run gets its own scratch directory holding the fixture files made by
//! [`fixture`], so cases may create and read files freely.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Case, check_all};
use std::path::Path;

fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut section = "";
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            cases.push(Case {
                file: file.into(),
                name: name.trim().into(),
                oracle: Some("dash".into()),
                ..Case::default()
            });
            section = "script";
            continue;
        }
        let Some(case) = cases.last_mut() else { continue };
        if let Some(v) = line.strip_prefix("-- oracle: ") {
            let shell = v.split_whitespace().next().unwrap_or("none");
            case.oracle = (shell != "none").then(|| shell.to_string());
        } else if let Some(v) = line.strip_prefix("-- stdin: ") {
            case.stdin = v.replace("\\n", "\n");
        } else if let Some(v) = line.strip_prefix("-- stderr: ") {
            case.stderr_contains.push(v.to_string());
        } else if line == "--- stdout" {
            case.stdout = Some(String::new());
            section = "stdout";
        } else if let Some(v) = line.strip_prefix("--- status ") {
            case.status = Some(v.trim().parse().expect("status number"));
            section = "";
        } else if section == "script" {
            case.script.push_str(line);
            case.script.push('\n');
        } else if section == "stdout" {
            let out = case.stdout.as_mut().expect("stdout section");
            out.push_str(line);
            out.push('\n');
        }
    }
    cases
}

#[test]
fn case_table_matches_oracles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "cases")) {
        let text = std::fs::read_to_string(f).unwrap();
        cases.extend(parse_cases(&f.file_name().unwrap().to_string_lossy(), &text));
    }
    assert!(cases.len() >= 150, "the table should hold at least 150 cases, has {}", cases.len());
    check_all(&cases);
}
