//! docs/tutorial: every ```isosh block is run and its output compared with
//! the page. Lines starting with `$ ` are commands (all of a block run in
//! one isosh, so `exec 3>` carries over); the other lines are the expected
//! output, stdout and stderr together. `…` in an expected line matches any
//! text. Blocks marked `isosh root` need root and are skipped, visibly,
//! without it.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Scratch};
use std::path::Path;
use std::process::Command;

struct Block {
    line: usize,
    root: bool,
    commands: Vec<String>,
    expected: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(tag) = line.strip_prefix("```isosh") {
            current = Some(Block { line: n + 1, root: tag.trim() == "root", commands: vec![], expected: vec![] });
        } else if line.starts_with("```") {
            out.extend(current.take());
        } else if let Some(b) = current.as_mut() {
            match line.strip_prefix("$ ") {
                Some(cmd) => b.commands.push(cmd.to_string()),
                None => b.expected.push(line.to_string()),
            }
        }
    }
    out
}

/// Whether `got` matches `want`, where `…` in `want` matches anything.
fn line_matches(want: &str, got: &str) -> bool {
    let parts: Vec<&str> = want.split('…').collect();
    if parts.len() == 1 {
        return want == got;
    }
    let mut rest = got;
    for (i, part) in parts.iter().enumerate() {
        match rest.find(part) {
            Some(at) if i > 0 || at == 0 => rest = &rest[at + part.len()..],
            _ => return false,
        }
    }
    parts.last().is_some_and(|l| l.is_empty()) || rest.is_empty()
}

#[test]
fn tutorial_examples_show_what_isosh_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/tutorial");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let bin_dir = Path::new(ISOSH).parent().unwrap().display().to_string();
    let root = nix::unistd::geteuid().is_root();
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in
        files.iter().filter(|f| f.file_name().is_some_and(|n| n.to_string_lossy().starts_with(char::is_numeric)))
    {
        let text = std::fs::read_to_string(file).unwrap();
        let scratch = Scratch::new("tutorial");
        for b in blocks(&text) {
            if b.root && !root {
                eprintln!("SKIP {}:{}: the example needs root", file.display(), b.line);
                continue;
            }
            let script = b.commands.join("\n") + "\n";
            let mut cmd = Command::new(ISOSH);
            use std::os::unix::process::CommandExt;
            // SAFETY: close_range is async-signal-safe; the example starts
            // with fds 0-2 only, as from a terminal.
            unsafe {
                cmd.pre_exec(|| {
                    libc::close_range(3, libc::c_uint::MAX, 0);
                    Ok(())
                });
            }
            let out = cmd
                .arg("-c")
                .arg(format!("exec 2>&1\n{script}"))
                .current_dir(scratch.path())
                .env("PATH", format!("{bin_dir}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"))
                .env("HOME", scratch.path())
                .env("XDG_DATA_HOME", scratch.path().join("data"))
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            ran += 1;
            let got: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
            let ok = got.len() == b.expected.len() && b.expected.iter().zip(&got).all(|(w, g)| line_matches(w, g));
            if !ok {
                failures.push(format!(
                    "{}:{}:\n--- commands\n{script}--- page says\n{}\n--- isosh printed\n{}",
                    file.display(),
                    b.line,
                    b.expected.join("\n"),
                    got.join("\n")
                ));
            }
        }
    }
    assert!(ran >= 10, "only {ran} tutorial examples ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn wildcards_match_any_text() {
    assert!(line_matches("pid …", "pid 1234"));
    assert!(line_matches("a … c", "a b c"));
    assert!(!line_matches("a … c", "a b d"));
    assert!(line_matches("exact", "exact"));
}
