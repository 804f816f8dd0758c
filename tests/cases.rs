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

mod common;

use common::{Run, Scratch, have, run_in};
use std::path::Path;

#[derive(Debug, Default)]
struct Case {
    file: String,
    name: String,
    oracle: Option<String>,
    stdin: String,
    stderr_contains: Vec<String>,
    script: String,
    stdout: Option<String>,
    status: Option<i32>,
}

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

/// Files every case starts with.
fn fixture(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let write = |name: &str, text: &str, mode: u32| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    write("a.txt", "alpha\nbeta\n", 0o644);
    write("b.txt", "bravo\n", 0o644);
    write(".hidden", "secret\n", 0o644);
    write("sub/c.txt", "charlie\n", 0o644);
    write("noexec.sh", "echo never\n", 0o644);
    write("plain.sh", "echo plain script \"$1\"\n", 0o755);
    write("nums", "3\n1\n2\n", 0o644);
}

fn run_shell(shell: &str, case: &Case) -> Run {
    let dir = Scratch::new("case");
    fixture(dir.path());
    let program = if shell == "isosh" { common::ISOSH.to_string() } else { format!("/bin/{shell}") };
    run_in(dir.path(), &program, &["-c", &case.script], &case.stdin)
}

fn check(case: &Case) -> Result<(), String> {
    let ours = run_shell("isosh", case);
    let mut problems = Vec::new();
    if let Some(oracle) = &case.oracle {
        let theirs = run_shell(oracle, case);
        if ours.stdout != theirs.stdout {
            problems.push(format!(
                "stdout differs from {oracle}:\n  isosh: {:?}\n  {oracle}: {:?}",
                ours.stdout, theirs.stdout
            ));
        }
        if ours.status != theirs.status {
            problems.push(format!("status differs from {oracle}: isosh {} vs {}", ours.status, theirs.status));
        }
        if ours.stderr.is_empty() != theirs.stderr.is_empty() {
            problems.push(format!(
                "stderr differs from {oracle}:\n  isosh: {:?}\n  {oracle}: {:?}",
                ours.stderr, theirs.stderr
            ));
        }
    }
    if let Some(want) = &case.stdout
        && &ours.stdout != want
    {
        problems.push(format!("stdout:\n  got:  {:?}\n  want: {want:?}", ours.stdout));
    }
    if let Some(want) = case.status
        && ours.status != want
    {
        problems.push(format!("status: got {} want {want}", ours.status));
    }
    for needle in &case.stderr_contains {
        if !ours.stderr.contains(needle.as_str()) {
            problems.push(format!("stderr lacks {needle:?}: {:?}", ours.stderr));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n--- script\n{}{}\n--- isosh stderr: {:?}",
            case.file,
            case.name,
            case.script,
            problems.join("\n"),
            ours.stderr
        ))
    }
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
    for case in &cases {
        if let Some(o) = &case.oracle {
            assert!(have(o), "the oracle shell {o} is not installed (install dash and bash: see .ci/run)");
        } else {
            assert!(
                case.stdout.is_some() || case.status.is_some(),
                "{}: a case without an oracle needs expectations",
                case.name
            );
        }
    }
    let failures: Vec<String> = cases.iter().filter_map(|c| check(c).err()).collect();
    let oracle_cases = cases.iter().filter(|c| c.oracle.is_some()).count();
    println!("{} cases ({oracle_cases} checked against an oracle shell), {} failed", cases.len(), failures.len());
    assert!(cases.len() >= 150, "the table should hold at least 150 cases, has {}", cases.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
