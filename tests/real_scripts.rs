//! Real scripts from Debian packages (`tests/fixtures/scripts/`, see the
//! README there) run by isosh and by dash on the same inputs: the same
//! stdout, status, empty-or-not stderr, and the same files afterwards.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Run, Scratch, run_in};
use std::path::Path;
use std::process::Command;

fn scripts() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scripts")
}

/// The inputs every scenario starts with: text, gzip and xz data.
fn setup(dir: &Path) {
    let w = |n: &str, t: &str| std::fs::write(dir.join(n), t).unwrap();
    w("a.txt", "alpha\nbeta\ngamma alpha\n");
    w("b.txt", "alpha\nBETA\ngamma\n");
    w("log", "line one\n");
    w("prog", "#!/bin/sh\necho prog ran \"$@\"\n");
    w("msg.sh", ". ./gettext.sh\ny=world\neval_gettext 'hello $y'; echo\ngettext plain; echo\n");
    std::fs::copy(scripts().join("gettext.sh"), dir.join("gettext.sh")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("prog"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let sh = |c: &str| {
        let ok = Command::new("sh").arg("-c").arg(c).current_dir(dir).status().unwrap().success();
        assert!(ok, "setup failed: {c}");
    };
    sh("gzip -9nc a.txt > a.gz; gzip -9nc b.txt > b.gz; cp a.gz a2.gz; gzip -9nc a.txt > plain; \
        xz -c a.txt > a.xz; xz -c b.txt > b.xz; gzip -9nc b.txt > c.gz");
}

/// Every file under `dir` with its bytes, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p).into_iter().map(|(n, b)| (format!("{name}/{n}"), b)));
        } else {
            out.push((name, std::fs::read(&p).unwrap_or_default()));
        }
    }
    out.sort();
    out
}

fn run(shell: &str, script: &str, args: &[&str]) -> (Run, Vec<(String, Vec<u8>)>) {
    let dir = Scratch::new("real");
    setup(dir.path());
    let path = scripts().join(script).display().to_string();
    let mut argv = vec![path.as_str()];
    argv.extend_from_slice(args);
    let r = run_in(dir.path(), shell, &argv, "");
    (r, files(dir.path()))
}

/// Scenarios: a script, its arguments.
const CASES: &[(&str, &[&str])] = &[
    ("zgrep", &["-n", "alpha", "a.gz"]),
    ("zgrep", &["-c", "alpha", "a.gz", "b.gz", "b.txt"]),
    ("zgrep", &["-i", "beta", "b.gz"]),
    ("zgrep", &["nomatch", "a.gz"]),
    ("zgrep", &["-e", "alpha", "-e", "BETA", "a.gz", "b.gz"]),
    ("zgrep", &["-l", "gamma", "a.gz", "b.gz", "a.txt"]),
    ("zgrep", &["-v", "alpha", "a.gz"]),
    ("zgrep", &["-h", "-w", "beta", "a.gz", "nosuch.gz"]),
    ("xzgrep", &["-c", "alpha", "a.xz", "b.xz", "a.gz"]),
    ("zcmp", &["-s", "a.gz", "b.gz"]),
    ("gunzip", &["-c", "a.gz", "b.gz"]),
    ("savelog", &["-c", "2", "-l", "log"]),
    ("zdiff", &["a.gz", "b.gz"]),
    ("zdiff", &["a.gz", "a2.gz"]),
    ("zcmp", &["a.gz", "b.gz"]),
    ("zcmp", &["a.gz", "a2.gz"]),
    ("zcat", &["a.gz", "b.gz"]),
    ("gunzip", &["c.gz"]),
    ("gunzip", &["-t", "a.gz"]),
    ("gzexe", &["prog"]),
    ("zforce", &["plain"]),
    ("xzgrep", &["-n", "alpha", "a.xz"]),
    ("xzgrep", &["-h", "gamma", "a.xz", "b.xz"]),
    ("xzdiff", &["a.xz", "b.xz"]),
    ("savelog", &["-q", "-c", "3", "log"]),
    ("which", &["sh", "gzip", "no-such-command"]),
    ("which", &["-a", "sh"]),
    ("lesspipe", &["a.gz"]),
    ("lesspipe", &[]),
];

/// `s` with every `HH:MM:SS` written as `hh:mm:ss`: savelog prints the
/// time it rotated, and the two shells' runs may fall in different seconds.
fn without_clock(s: &str) -> String {
    let mut out = s.as_bytes().to_vec();
    let shape = b"99:99:99";
    for at in 0..out.len().saturating_sub(shape.len() - 1) {
        let here = &out[at..at + shape.len()];
        if here.iter().zip(shape).all(|(c, want)| if *want == b':' { *c == b':' } else { c.is_ascii_digit() }) {
            out[at..at + shape.len()].copy_from_slice(b"hh:mm:ss");
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `files` with the modification time of every gzip member zeroed (the
/// four bytes after magic, method and flags): gzexe and gzip stamp the
/// second they ran, which the two shells' runs may not share.
fn without_gzip_times(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|(name, bytes)| {
            let mut bytes = bytes.clone();
            let mut at = 0;
            while let Some(found) = bytes[at..].windows(3).position(|w| w == [0x1f, 0x8b, 0x08]) {
                let start = at + found + 4;
                if let Some(time) = bytes.get_mut(start..start + 4) {
                    time.fill(0);
                }
                at += found + 3;
            }
            (name.clone(), bytes)
        })
        .collect()
}

#[test]
fn without_clock_hides_only_times() {
    assert_eq!(without_clock("at Sun Dec  6 10:04:54 UTC 2026."), "at Sun Dec  6 hh:mm:ss UTC 2026.");
    assert_eq!(without_clock("1:2:3 12:34"), "1:2:3 12:34");
}

#[test]
fn real_scripts_match_dash() {
    let mut failures = Vec::new();
    for (script, args) in CASES {
        let (ours, our_files) = run(common::ISOSH, script, args);
        let (theirs, their_files) = run("/bin/dash", script, args);
        let what = format!("{script} {}", args.join(" "));
        if without_clock(&ours.stdout) != without_clock(&theirs.stdout) || ours.status != theirs.status {
            failures.push(format!(
                "{what}: isosh {:?} status {} vs dash {:?} status {}\n  isosh stderr: {:?}",
                ours.stdout, ours.status, theirs.stdout, theirs.status, ours.stderr
            ));
        } else if ours.stderr.is_empty() != theirs.stderr.is_empty() {
            failures.push(format!("{what}: stderr isosh {:?} vs dash {:?}", ours.stderr, theirs.stderr));
        } else if without_gzip_times(&our_files) != without_gzip_times(&their_files) {
            let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, b)| format!("{n}:{}", b.len())).collect::<Vec<_>>();
            failures.push(format!("{what}: files isosh {:?} vs dash {:?}", names(&our_files), names(&their_files)));
        }
    }
    // A script sourced by another (gettext.sh).
    let dir = Scratch::new("real");
    setup(dir.path());
    let a = run_in(dir.path(), common::ISOSH, &["msg.sh"], "");
    let b = run_in(dir.path(), "/bin/dash", &["msg.sh"], "");
    if a != b {
        failures.push(format!("gettext.sh: isosh {a:?} vs dash {b:?}"));
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        CASES.len() + 1,
        failures.join("\n")
    );
}
