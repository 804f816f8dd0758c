//! Shared helpers for the integration tests: running the built isosh (and
//! dash or bash as an oracle) on a script in a scratch directory.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)] // each test binary uses a different subset

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const ISOSH: &str = env!("CARGO_BIN_EXE_isosh");

/// What a shell run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// A scratch directory, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("isosh-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `program args…` in `dir` with a small fixed environment and `stdin`.
pub fn run_in(dir: &Path, program: &str, args: &[&str], stdin: &str) -> Run {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(program);
    // SAFETY: close_range is async-signal-safe; it leaves the child exactly
    // fds 0-2, whatever the test harness happened to have open.
    unsafe {
        cmd.pre_exec(|| {
            libc::close_range(3, libc::c_uint::MAX, 0);
            Ok(())
        });
    }
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir)
        .env("LC_ALL", "C")
        .env("PWD", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    // A writer thread, so a script that never reads stdin cannot deadlock us.
    let stdin = stdin.to_string();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    use std::os::unix::process::ExitStatusExt;
    let status = out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Run { stdout: bytes_text(&out.stdout), stderr: bytes_text(&out.stderr), status }
}

/// Output as text, byte-exact: UTF-8 as it is, any other byte as `\xHH`
/// (so two outputs compare equal only when their bytes do).
pub fn bytes_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    text
}

/// `isosh -c script` in a fresh scratch directory.
pub fn isosh(script: &str) -> Run {
    let dir = Scratch::new("run");
    run_in(dir.path(), ISOSH, &["-c", script], "")
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One script to run, with what to compare it against.
#[derive(Debug, Default)]
pub struct Case {
    pub file: String,
    pub name: String,
    pub oracle: Option<String>,
    /// Why the case uses another oracle (or none), as written.
    pub oracle_note: String,
    pub stdin: String,
    pub stderr_contains: Vec<String>,
    pub script: String,
    pub stdout: Option<String>,
    pub status: Option<i32>,
}

/// Files every case starts with.
pub fn fixture(dir: &Path) {
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

pub fn run_shell(shell: &str, case: &Case) -> Run {
    let dir = Scratch::new("case");
    fixture(dir.path());
    let program = if shell == "isosh" { ISOSH.to_string() } else { format!("/bin/{shell}") };
    run_in(dir.path(), &program, &["-c", &case.script], &case.stdin)
}

pub fn check(case: &Case) -> Result<(), String> {
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

/// Checks every case, reporting all failures at once.
pub fn check_all(cases: &[Case]) {
    for case in cases {
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
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
