//! Shared helpers for the integration tests: running the built isosh (and
//! dash or bash as an oracle) on a script in a scratch directory.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)] // each test binary uses a different subset
#![allow(unused_macros)] // require_root!, for the files that `#[macro_use]` it

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

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

/// Makes `cmd` start with exactly fds 0-2, whatever the test harness
/// happened to have open (as a program started from a terminal).
pub fn only_stdio(cmd: &mut Command) {
    // SAFETY: close_range is async-signal-safe.
    unsafe {
        // CLOEXEC, not closed: std reports a failed exec through a pipe of
        // its own above 2 (closing it turned an exec error into an abort).
        cmd.pre_exec(|| {
            libc::close_range(3, libc::c_uint::MAX, libc::CLOSE_RANGE_CLOEXEC as libc::c_int);
            Ok(())
        });
    }
}

/// Runs `program args…` in `dir` with a small fixed environment and `stdin`.
pub fn run_in(dir: &Path, program: &str, args: &[&str], stdin: &str) -> Run {
    let mut cmd = Command::new(program);
    only_stdio(&mut cmd);
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

// ---------------------------------------------------------------------------
// Isolate blocks as root and rootless (tests/security.rs, tests/attacks.rs)
// ---------------------------------------------------------------------------

/// Whether the tests run as root (the isolate tests need it).
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// One test of a file at a time: they mount, listen, start blocks, look
/// for processes and cgroups, and some use the whole machine's memory for
/// a moment.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Skips (visibly) when not root; otherwise holds the serial lock
/// (`#[macro_use] mod common;` to have it).
macro_rules! require_root {
    () => {
        let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        if !common::is_root() {
            eprintln!("SKIP {}: isolate tests need root (CI runs as root); not root here", module_path!());
            return;
        }
    };
}

/// Who runs isosh: root, or the unprivileged [`TEST_USER`] (rootless blocks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Rootful,
    Rootless,
}

/// Both modes, for [`each_mode`].
pub const BOTH: [Mode; 2] = [Mode::Rootful, Mode::Rootless];
/// The unprivileged user rootless blocks run as (made with `useradd` if missing).
pub const TEST_USER: &str = "isosh-rootless";

/// The unprivileged test user's uid and gid, or why rootless blocks cannot
/// run here (no user namespaces for that user).
pub fn test_user() -> &'static Result<(u32, u32), String> {
    static USER: OnceLock<Result<(u32, u32), String>> = OnceLock::new();
    USER.get_or_init(|| {
        if Command::new("id").arg(TEST_USER).output().is_ok_and(|o| !o.status.success()) {
            let made = Command::new("useradd")
                .args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER])
                .status();
            if !made.is_ok_and(|s| s.success()) {
                return Err(format!("useradd {TEST_USER} failed"));
            }
        }
        // `id`, not getpwnam: this test binary is linked statically.
        let id = |flag: &str| {
            let out = Command::new("id").args([flag, TEST_USER]).output().unwrap();
            String::from_utf8_lossy(&out.stdout).trim().parse::<u32>().unwrap()
        };
        let (uid, gid) = (id("-u"), id("-g"));
        let userns = Command::new("unshare")
            .args(["-U", "true"])
            .uid(uid)
            .gid(gid)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if userns { Ok((uid, gid)) } else { Err(format!("user {TEST_USER} cannot create a user namespace")) }
    })
}

/// Where one isosh runs in one mode: a scratch directory (owned by the test
/// user when rootless, with a copy of the binary it can reach), and `t/`
/// in it for helper scripts, mounted into blocks at `/t` by [`Host::iso`].
pub struct Host {
    /// Root or rootless.
    pub mode: Mode,
    /// The scratch directory isosh runs in.
    pub dir: Scratch,
    /// The binary this mode's user runs.
    pub isosh: PathBuf,
    /// The test user's uid and gid when rootless.
    pub ids: Option<(u32, u32)>,
}

impl Host {
    /// None (having said SKIP) when this mode cannot run here.
    pub fn new(mode: Mode, test: &str) -> Option<Host> {
        let dir = Scratch::new("blk");
        std::fs::create_dir(dir.path().join("t")).unwrap();
        let host = match mode {
            Mode::Rootful => Host { mode, isosh: PathBuf::from(ISOSH), dir, ids: None },
            Mode::Rootless => match test_user() {
                Err(why) => {
                    eprintln!("SKIP {test} (rootless): {why}");
                    return None;
                }
                Ok(ids) => {
                    // The checkout may sit below a directory the user cannot enter.
                    let isosh = dir.path().join("isosh");
                    std::fs::copy(ISOSH, &isosh).unwrap();
                    Host { mode, isosh, dir, ids: Some(*ids) }
                }
            },
        };
        host.give(host.dir.path());
        host.give(&host.dir.path().join("t"));
        Some(host)
    }

    /// The scratch directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Hands `path` to the user isosh runs as.
    pub fn give(&self, path: &Path) {
        if let Some((uid, gid)) = self.ids {
            std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
        }
    }

    /// Writes `t/NAME` (a helper script, seen as `/t/NAME` in blocks).
    pub fn script(&self, name: &str, text: &str) {
        let p = self.path().join("t").join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        self.give(&p);
    }

    /// `isolate -v <dir>/t:/t:ro`, to begin a block with the helpers.
    pub fn iso(&self) -> String {
        format!("isolate -v {}/t:/t:ro", self.path().display())
    }

    /// `isosh -c script`, as the mode's user, in the scratch directory, with
    /// a small fixed environment and only fds 0-2.
    pub fn command(&self, script: &str) -> Command {
        let mut cmd = Command::new(&self.isosh);
        cmd.args(["-c", script])
            .current_dir(self.path())
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
            .env("HOME", self.path())
            .env("LC_ALL", "C")
            .env("PWD", self.path());
        if let Some((uid, gid)) = self.ids {
            cmd.uid(uid).gid(gid);
        }
        only_stdio(&mut cmd);
        cmd
    }

    /// Runs [`Host::command`] with stdin from /dev/null.
    pub fn run(&self, script: &str) -> Run {
        run_cmd(self.command(script))
    }
}

/// Runs `cmd` with stdin from /dev/null; a signal's death is 128+N.
pub fn run_cmd(mut cmd: Command) -> Run {
    // ETXTBSY: the rootless copy of isosh was just written, and a child
    // another test thread forked meanwhile may hold the writing fd until
    // its own exec.
    let mut tries = 0;
    let out = loop {
        match cmd.stdin(Stdio::null()).output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            r => break r.unwrap_or_else(|e| panic!("cannot run isosh: {e}")),
        }
    };
    use std::os::unix::process::ExitStatusExt;
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0)),
    }
}

/// Runs `test` once per mode that can run here; a failure in one mode does
/// not hide the other's: both are reported, then the test fails.
pub fn each_mode(modes: &[Mode], name: &str, mut test: impl FnMut(&Host)) {
    let mut failures = Vec::new();
    for &mode in modes {
        if let Some(host) = Host::new(mode, name) {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&host)));
            if let Err(panic) = result {
                let text = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                let first: String = text.lines().next().unwrap_or("").chars().take(300).collect();
                failures.push(format!("{mode:?}: {first}"));
            }
        }
    }
    // Each failure was printed in full above, by the panic hook.
    assert!(failures.is_empty(), "{name} failed in {} mode(s):\n{}", failures.len(), failures.join("\n"));
}

/// A host path outside any scratch directory (under `parent`, say
/// /var/tmp, which blocks do not cover), unique to this run and removed on
/// drop.
pub struct HostPath(pub PathBuf);

impl HostPath {
    /// `PARENT/isosh-test-TAG-PID-N`, not made.
    pub fn new(parent: &str, tag: &str) -> HostPath {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = PathBuf::from(format!("{parent}/isosh-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        HostPath(p)
    }

    /// The same, made as a directory with permissions `mode`.
    pub fn dir(parent: &str, tag: &str, mode: u32) -> HostPath {
        let h = HostPath::new(parent, tag);
        std::fs::create_dir(&h.0).unwrap();
        std::fs::set_permissions(&h.0, std::fs::Permissions::from_mode(mode)).unwrap();
        h
    }
}

impl Drop for HostPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        let _ = std::fs::remove_file(&self.0);
    }
}
