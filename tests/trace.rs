//! `explain`, `--trace` and `strace -f` must tell the same story: for each
//! command line, every forked process makes the same open/dup2/close calls,
//! in the same order, before it execs.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Scratch, run_in};
use std::collections::BTreeMap;

/// One fd call, normalised: `pipe R W`, `open PATH = N`, `dup2 A B`, `close A`,
/// `save FD FLOOR COPY` (the fcntl that keeps an fd around a builtin).
type Calls = Vec<String>;

/// The number a call returned: `= 3`, or `-1` for a failure.
fn returned(call: &str) -> String {
    let r = call.rsplit_once(" = ").map_or("", |(_, r)| r);
    r.split_whitespace().next().unwrap_or("").to_string()
}

fn args(call: &str, name: &str) -> Vec<String> {
    let inner = &call[name.len() + 1..];
    let inner = inner.split(')').next().unwrap_or("");
    inner.split(", ").map(|a| a.trim().to_string()).collect()
}

/// Normalises a call in strace's, `--trace`'s or explain's form.
fn norm(call: &str) -> Option<String> {
    let call = call.trim().replace(" <unfinished ...>", "");
    let call = call.as_str();
    if let Some(rest) = call.strip_prefix("openat(AT_FDCWD, \"").or_else(|| call.strip_prefix("open(\"")) {
        let path = rest.split('"').next().unwrap_or("");
        return Some(format!("open {path} = {}", returned(call)));
    }
    if let Some(rest) = call.strip_prefix("pipe2([").or_else(|| call.strip_prefix("pipe([")) {
        let ends = rest.split(']').next().unwrap_or("").replace(',', "");
        return Some(format!("pipe {ends}"));
    }
    // How a process was started, in the parent's list: the vfork-style
    // clone the shell starts programs with, or a fork (glibc's is a clone
    // without CLONE_VM).
    // A call a signal interrupted is made again (strace shows both).
    if call.contains("ERESTARTNOINTR") || call.contains("ERESTARTSYS") {
        return None;
    }
    if call.starts_with("clone(") || call.starts_with("fork(") || call.starts_with("vfork(") {
        let vfork = call.contains("CLONE_VFORK") || call.starts_with("vfork(");
        return Some(if vfork { "launch vfork" } else { "launch fork" }.into());
    }
    if call.starts_with("dup2(") {
        let a = args(call, "dup2");
        return Some(format!("dup2 {} {}", a[0], a.get(1).map_or("", String::as_str)));
    }
    if call.starts_with("close(") {
        return Some(format!("close {}", args(call, "close")[0]));
    }
    if call.starts_with("fcntl(") && call.contains("F_DUPFD_CLOEXEC") {
        let a = args(call, "fcntl");
        return Some(format!("save {} {} {}", a[0], a.get(2).map_or("", String::as_str), returned(call)));
    }
    None
}

/// Per process (in fork order: by pid, as a log may interleave processes
/// that run at once), the calls before execve;
/// the shell's own calls (`shell_pid`) are kept apart, from `start_after`.
fn per_process<'a>(
    lines: impl Iterator<Item = (&'a str, &'a str)>,
    shell_pid: &str,
    start_after: &str,
) -> (Calls, Vec<Calls>) {
    let mut shell = Vec::new();
    let mut started = start_after.is_empty();
    let mut by_pid: BTreeMap<String, (Calls, bool)> = BTreeMap::new();
    let mut order = Vec::new();
    for (pid, call) in lines {
        // Calls the shell makes on behalf of a pipeline, as explain marks them.
        let pid = if call.contains("(in the shell") { shell_pid } else { pid };
        if pid == shell_pid {
            if started {
                shell.extend(norm(call));
            } else if call.contains(start_after) {
                started = true;
            }
            continue;
        }
        let entry = by_pid.entry(pid.to_string()).or_insert_with(|| {
            order.push(pid.to_string());
            (Vec::new(), false)
        });
        if entry.1 {
            continue;
        }
        if call.trim().starts_with("execve(") {
            entry.1 = true;
        } else {
            entry.0.extend(norm(call));
        }
    }
    order.sort_by_key(|p| p.parse::<u64>().unwrap_or(u64::MAX));
    (shell, order.into_iter().filter_map(|p| by_pid.remove(&p)).map(|(c, _)| c).collect())
}

/// `(pid, call)` per line of an `strace -f` log. `-f` splits a call that
/// another process interrupts into `<unfinished ...>` and `<... resumed>`
/// halves: they are joined, at the place of the first.
fn join_resumed(log: &str) -> Vec<(String, String)> {
    let mut pending: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut joined: Vec<(String, String)> = Vec::new();
    for line in log.lines() {
        let Some((pid, call)) = line.split_once(' ') else { continue };
        let call = call.trim();
        if let Some(first) = call.strip_suffix(" <unfinished ...>") {
            pending.insert(pid.to_string(), (joined.len(), first.to_string()));
            joined.push((pid.to_string(), first.to_string()));
        } else if let Some((_, rest)) = call.split_once("resumed>") {
            if let Some((at, first)) = pending.remove(pid) {
                joined[at].1 = format!("{first}{rest}");
            }
        } else {
            joined.push((pid.to_string(), call.to_string()));
        }
    }
    joined
}

fn from_strace(log: &str, shell_pid: &str) -> (Calls, Vec<Calls>) {
    let joined = join_resumed(log);
    // The shell's calls count from the copy of stderr tracing makes.
    per_process(joined.iter().map(|(p, c)| (p.as_str(), c.as_str())), shell_pid, "F_DUPFD_CLOEXEC, 100)")
}

fn from_trace(stderr: &str, shell_pid: &str) -> (Calls, Vec<Calls>) {
    let lines = stderr.lines().filter_map(|l| l.strip_prefix('[')?.split_once("] "));
    per_process(lines, shell_pid, "")
}

/// explain's calls: the shell's own, and per forked process.
fn from_explain(stdout: &str) -> (Calls, Vec<Calls>) {
    let mut shell = Vec::new();
    let mut procs: Vec<Calls> = Vec::new();
    let mut in_shell = false;
    for line in stdout.lines() {
        if line.starts_with("process ") {
            procs.push(Vec::new());
            in_shell = false;
        } else if line.starts_with("the shell itself") {
            in_shell = true;
        } else if let Some(c) = norm(line) {
            if in_shell || line.contains("(in the shell") || line.contains("made by the shell") {
                shell.push(c);
            } else if let Some(p) = procs.last_mut() {
                p.push(c);
            }
        }
    }
    (shell, procs)
}

const LINES: &[&str] = &[
    "/bin/true",
    "/bin/true > out",
    "/bin/true >> out",
    "/bin/true < a.txt",
    "/bin/true 2> err",
    "/bin/true > out 2>&1",
    "/bin/true 2>&1 > out",
    "/bin/true 3> three",
    "/bin/true 3< a.txt",
    "/bin/true 4<> rw",
    "/bin/true >&2",
    "/bin/true 2>&-",
    "/bin/true <&-",
    "/bin/true 3>&1 1>&2 2>&3 3>&-",
    "/bin/true &> both",
    "/bin/true &>> both",
    "/bin/true >| clob",
    "/bin/echo a | /bin/cat",
    "/bin/echo a | /bin/cat | /bin/cat",
    "/bin/echo a | /bin/cat > out",
    "/bin/echo a 2>&1 | /bin/cat",
    "/bin/cat < a.txt | /bin/cat 2>/dev/null",
    "/bin/echo a | /bin/cat 3>x | /bin/cat 4<a.txt",
    "/bin/true > o1 > o2",
    "/bin/true 5>&1",
    "/bin/cat a.txt | /bin/wc -l > count",
    "/bin/true 0<a.txt 1>o 2>e",
    "/bin/true 9> nine",
    "/bin/echo x | /bin/true",
    "/bin/true < a.txt > out 2>&1",
    // Builtins and compound commands the shell runs itself, and exec.
    "echo a > f",
    "echo a 2>&1 > f",
    ": 3> x",
    "echo a 5> f >&5",
    "exec 3> log",
    "exec 4< a.txt 5>&4",
    "{ echo a; echo b; } > g",
    "read x < a.txt",
    "echo a 7>&-",
    ": >> app 2> err",
];

#[test]
fn explain_trace_and_strace_agree() {
    if !common::have("strace") {
        eprintln!("SKIP explain_trace_and_strace_agree: strace is not installed (apt-get install strace)");
        return;
    }
    let dir = Scratch::new("trace");
    std::fs::write(dir.path().join("a.txt"), "alpha\n").unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut pipes = 0;
    for line in LINES {
        let log = dir.path().join("strace.log");
        let r = run_in(
            dir.path(),
            "strace",
            &[
                "-f",
                "-qq",
                "-e",
                "trace=openat,dup2,close,execve,pipe2,fcntl,clone,fork,vfork",
                "-o",
                log.to_str().unwrap(),
                ISOSH,
                "--trace",
                "-c",
                line,
            ],
            "",
        );
        let strace_text = std::fs::read_to_string(&log).unwrap_or_default();
        // The shell is the first pid strace names.
        let shell_pid = strace_text.split_whitespace().next().unwrap_or("").to_string();
        let real = from_strace(&strace_text, &shell_pid);
        let traced = from_trace(&r.stderr, &shell_pid);
        let explained = from_explain(&run_in(dir.path(), ISOSH, &["--explain", "-c", line], "").stdout);
        compared += real.0.len() + real.1.iter().map(Vec::len).sum::<usize>();
        pipes += real.0.iter().filter(|c| c.starts_with("pipe ")).count();
        if real != traced {
            failures.push(format!("{line}: trace differs from strace:\n  strace: {real:?}\n  trace:  {traced:?}"));
        }
        if real != explained {
            failures
                .push(format!("{line}: explain differs from strace:\n  strace:  {real:?}\n  explain: {explained:?}"));
        }
    }
    assert!(LINES.len() >= 30);
    assert!(compared > 150, "only {compared} calls compared: is strace tracing the children?");
    assert!(pipes >= 10, "only {pipes} pipe2 calls compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The mounts an isolate block makes, in order: `mount TARGET`, `pivot_root`.
fn mounts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("mount(").or_else(|| rest.find("pivot_root(")) {
            let call = &rest[at..];
            if let Some(after) = call.strip_prefix("pivot_root(") {
                out.push("pivot_root".to_string());
                rest = after;
                continue;
            }
            // The target is the second argument, in quotes.
            let args: Vec<&str> = call[6..].splitn(3, ", ").collect();
            if let Some(target) = args.get(1) {
                // A target resolved inside the new root is reached through
                // its fd: the number is the kernel's, explain says N.
                let target = target.trim_matches('"');
                let target = if target.starts_with("/proc/self/fd/") { "/proc/self/fd/N" } else { target };
                out.push(format!("mount {target}"));
            }
            rest = &call[6..];
        }
    }
    out
}

#[test]
fn isolate_mounts_agree_with_strace() {
    if !common::have("strace") || !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP isolate_mounts_agree_with_strace: needs strace and root");
        return;
    }
    let dir = Scratch::new("trace-iso");
    std::fs::create_dir(dir.path().join("vol")).unwrap();
    let vol = dir.path().join("vol").display().to_string();
    let blocks = [
        "isolate < /bin/true >".to_string(),
        "isolate --read-only < /bin/true >".to_string(),
        format!("isolate -v {vol}:/data:ro --net host < /bin/true >"),
    ];
    for line in &blocks {
        let log = dir.path().join("strace.log");
        let r = run_in(
            dir.path(),
            "strace",
            &["-f", "-qq", "-e", "trace=mount,pivot_root", "-o", log.to_str().unwrap(), ISOSH, "--trace", "-c", line],
            "",
        );
        let real: Vec<String> = mounts(&std::fs::read_to_string(&log).unwrap());
        let traced = mounts(&r.stderr);
        let explained = mounts(&run_in(dir.path(), ISOSH, &["--explain", "-c", line], "").stdout);
        assert!(real.len() >= 8, "{line}: {real:?}");
        assert_eq!(real, traced, "{line}: trace differs from strace");
        assert_eq!(real, explained, "{line}: explain differs from strace");
    }
}

/// A small seeded generator (xorshift64*): the same lines on every run.
struct Gen(u64);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// Every redirection form, in every position.
    fn redirects(&mut self) -> String {
        const FORMS: &[&str] = &[
            ">o1",
            ">>o2",
            "<a.txt",
            "2>e",
            ">o 2>&1",
            "2>&1 >o",
            "3>t",
            "3<a.txt",
            "4<>rw",
            ">&2",
            "2>&-",
            "<&-",
            "3>&1",
            "&>b",
            "&>>b",
            ">|c",
            "5>&1",
            "9>n",
            "0<a.txt",
            "7>&-",
            "1>&1",
            "3>t 3>&-",
            "<a.txt 4<&0",
        ];
        let n = [0, 0, 1, 1, 2][self.below(5)];
        (0..n).map(|_| format!(" {}", self.pick(FORMS))).collect()
    }

    fn simple(&mut self, functions: bool) -> String {
        const PROGRAMS: &[&str] = &[
            "/bin/true",
            "/bin/echo x",
            "/bin/cat a.txt",
            "/bin/cat",
            "nosuchcmd",
            "/bin/cat <(/bin/echo p)",
            "/bin/cat < <(echo q; /bin/true)",
            "/bin/echo y >(/bin/cat)",
        ];
        const BUILTINS: &[&str] = &["echo x", ":", "read v", "true", "v=1", "printf y"];
        let name = match self.below(if functions { 7 } else { 6 }) {
            0..=2 => self.pick(PROGRAMS),
            3..=5 => self.pick(BUILTINS),
            _ => "f",
        };
        format!("{name}{}", self.redirects())
    }

    fn command(&mut self, depth: usize, functions: bool) -> String {
        match if depth == 0 { 0 } else { self.below(5) } {
            0..=2 => self.simple(functions),
            3 => format!("( {} ){}", self.list(depth - 1, functions), self.redirects()),
            _ => format!("{{ {}; }}{}", self.list(depth - 1, functions), self.redirects()),
        }
    }

    fn pipeline(&mut self, depth: usize, functions: bool) -> String {
        let n = [1, 1, 2, 3][self.below(4)];
        let stages: Vec<String> = (0..n).map(|_| self.command(depth, functions)).collect();
        stages.join(" | ")
    }

    fn list(&mut self, depth: usize, functions: bool) -> String {
        let n = 1 + self.below(2);
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push_str(self.pick(&["; ", "; ", "; : && "]));
            }
            if self.below(6) == 0 {
                // A background job: one program, which its forked shell
                // execs in place.
                out.push_str(&format!("{} & ", self.pick(&["/bin/true", "/bin/echo bg"])));
                out.push_str(&self.redirects());
                out.push_str(" :");
            } else {
                out.push_str(&self.pipeline(depth, functions));
            }
        }
        out
    }

    fn line(&mut self) -> String {
        if self.below(3) == 0 {
            let body = self.list(1, false);
            let call = self.list(1, true);
            format!("f() {{ {body}; }}; {call}")
        } else {
            self.list(2, false)
        }
    }
}

/// `[PID] call` anywhere in a line: (PID, call).
fn trace_line(line: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(at) = line[from..].find('[') {
        let rest = &line[from + at + 1..];
        if let Some((pid, call)) = rest.split_once("] ")
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
        {
            return Some((pid, call));
        }
        from += at + 1;
    }
    None
}

/// The process tree's root: the one pid no `fork()`/`clone()` returned.
fn root_pid<'a>(lines: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> String {
    let children: Vec<String> =
        lines.clone().filter_map(|(_, c)| c.rsplit_once(") = ").map(|(_, r)| r.to_string())).collect();
    lines.map(|(p, _)| p).find(|p| !children.iter().any(|c| c == p)).unwrap_or("").to_string()
}

/// The processes' calls as a sorted multiset: processes that run at once
/// start in an order the scheduler picks, each one's own calls do not.
fn settle((shell, mut procs): (Calls, Vec<Calls>)) -> (Calls, Vec<Calls>) {
    procs.retain(|c| !c.is_empty());
    procs.sort();
    (shell, procs)
}

/// The shell's calls in an untraced strace log, after its start-up check
/// of the cleanup journal (`/run/isosh`).
fn from_plain_strace(log: &str) -> (Calls, Vec<Calls>) {
    let shell_pid = log.split_whitespace().next().unwrap_or("").to_string();
    let (shell, procs) = {
        let joined = join_resumed(log);
        per_process(joined.iter().map(|(p, c)| (p.as_str(), c.as_str())), &shell_pid, "\"/run/isosh\"")
    };
    // The sweep may look at the journal of a block another test's shell
    // ran, whose cleaner is still removing its cgroups: it finds it locked
    // and leaves it (an open and a close), or — the cleaner done and gone
    // between the sweep's open and its lock test — reads it, and the
    // shell's own cgroup files, to find nothing left (up to the journal's
    // close).
    // Or it finds the journal gone already (an open that fails).
    let mut shell = shell;
    while let Some(fd) = shell.first().and_then(|c| c.strip_prefix("open /run/isosh/journal-")?.split(" = ").nth(1)) {
        if fd.starts_with('-') {
            shell.remove(0);
            continue;
        }
        let close = format!("close {fd}");
        let Some(end) = shell.iter().position(|c| *c == close) else { break };
        shell.drain(..=end);
    }
    // The journal check's own close.
    if shell.first().is_some_and(|c| c.starts_with("close ")) {
        shell.remove(0);
    }
    (shell, procs)
}

fn agreement(line: &str, dir: &std::path::Path) -> Option<String> {
    // A stage whose reader has gone must not die of SIGPIPE halfway in one
    // run and not in another: the line runs with SIGPIPE ignored.
    let line = &format!("trap '' PIPE; {line}");
    let log = dir.join(format!("strace-{}.log", std::process::id()));
    let args = [
        "-f",
        "-qq",
        "-e",
        "trace=openat,dup2,close,execve,pipe2,fcntl,clone,fork,vfork",
        "-o",
        log.to_str()?,
        ISOSH,
        "-c",
        line,
    ];
    run_in(dir, "strace", &args, "");
    let real = settle(from_plain_strace(&std::fs::read_to_string(&log).unwrap_or_default()));
    let traced = run_in(dir, ISOSH, &["--trace", "-c", line], "");
    // A command's own stderr may leave a line unfinished (`printf y >&2`):
    // a trace line starts at its `[PID] `.
    let lines: Vec<(&str, &str)> = traced.stderr.lines().filter_map(trace_line).collect();
    let shell_pid = root_pid(lines.iter().copied());
    let traced = settle(per_process(lines.iter().copied(), &shell_pid, ""));
    let explained = settle(from_explain(&run_in(dir, ISOSH, &["--explain", "-c", line], "").stdout));
    let mut out = Vec::new();
    for (who, other) in [("--trace", &traced), ("explain", &explained)] {
        if real.0 != other.0 {
            out.push(format!(
                "{line}: {who} differs from strace in the shell:\n  strace: {:?}\n  {who}: {:?}",
                real.0, other.0
            ));
        }
        let only = |a: &[Calls], b: &[Calls]| -> Vec<Calls> { a.iter().filter(|p| !b.contains(p)).cloned().collect() };
        if real.1 != other.1 {
            out.push(format!(
                "{line}: {who} differs from strace in the processes:\n  strace only: {:?}\n  {who} only: {:?}",
                only(&real.1, &other.1),
                only(&other.1, &real.1)
            ));
        }
    }
    (!out.is_empty()).then(|| out.join("\n"))
}

/// Issue 12's cases, then generated lines: explain's processes, how each
/// was started (vfork-style clone or fork) and their fd calls, `--trace`'s
/// and those of `strace -f` on an untraced run agree.
#[test]
fn generated_lines_agree_with_strace() {
    if !common::have("strace") {
        eprintln!("SKIP generated_lines_agree_with_strace: strace is not installed (apt-get install strace)");
        return;
    }
    let mut lines: Vec<String> = [
        "( /bin/true ) >f",
        "f() { /bin/true; }; f >out",
        "/bin/true & :",
        "/bin/true",
        "/bin/true >o; ( /bin/true; /bin/echo x ) 2>e | /bin/cat",
        "{ /bin/true >o; echo x; } 3>t | /bin/cat >o2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut g = Gen(0x1505_2026_0012);
    while lines.len() < 320 {
        let l = g.line();
        if !lines.contains(&l) {
            lines.push(l);
        }
    }
    let dir = Scratch::new("trace-gen");
    std::fs::write(dir.path().join("a.txt"), "alpha\n").unwrap();
    // Two workers: the machine's two cores.
    let halves: Vec<Vec<String>> =
        vec![lines.iter().step_by(2).cloned().collect(), lines.iter().skip(1).step_by(2).cloned().collect()];
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .iter()
            .enumerate()
            .map(|(i, half)| {
                let sub = dir.path().join(format!("w{i}"));
                std::fs::create_dir_all(&sub).unwrap();
                std::fs::write(sub.join("a.txt"), "alpha\n").unwrap();
                s.spawn(move || half.iter().filter_map(|l| agreement(l, &sub)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(lines.len() >= 300);
    assert!(failures.is_empty(), "{} of {} lines disagree:\n{}", failures.len(), lines.len(), failures.join("\n"));
}

/// Generated isolate blocks: the mounts and pivot_root explain lists are
/// those `strace -f` records on an untraced run and those `--trace`
/// prints — as root, and rootless as a user of its own.
#[test]
fn generated_isolate_blocks_agree_with_strace() {
    use std::os::unix::process::CommandExt;
    if !common::have("strace") || !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP generated_isolate_blocks_agree_with_strace: needs strace and root");
        return;
    }
    let user = "isosh-rootless";
    if std::process::Command::new("id").arg(user).output().is_ok_and(|o| !o.status.success()) {
        let made = std::process::Command::new("useradd")
            .args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user])
            .status();
        assert!(made.is_ok_and(|s| s.success()), "useradd failed");
    }
    let id = std::process::Command::new("id").args(["-u", user]).output().unwrap();
    let uid: u32 = String::from_utf8_lossy(&id.stdout).trim().parse().unwrap();
    let dir = Scratch::new("trace-iso-gen");
    std::os::unix::fs::chown(dir.path(), Some(uid), Some(uid)).unwrap();
    std::fs::create_dir(dir.path().join("vol")).unwrap();
    std::os::unix::fs::chown(dir.path().join("vol"), Some(uid), Some(uid)).unwrap();
    // The checkout may sit below a directory the user cannot enter.
    let isosh = dir.path().join("isosh");
    std::fs::copy(ISOSH, &isosh).unwrap();
    std::fs::write(dir.path().join("a.txt"), "alpha\n").unwrap();
    let vol = dir.path().join("vol").display().to_string();
    let run = |args: &[&str], as_user: bool| {
        let mut cmd = std::process::Command::new(args[0]);
        cmd.args(&args[1..]).current_dir(dir.path()).env_clear().env("PATH", "/usr/bin:/bin").env("HOME", dir.path());
        if as_user {
            cmd.uid(uid).gid(uid);
        }
        cmd.output().unwrap()
    };
    let userns = run(&["unshare", "-U", "true"], true).status.success();
    let mut g = Gen(0x1505_2026_1212);
    let mut failures = Vec::new();
    let mut compared = 0;
    for i in 0..60 {
        let rootless = i % 2 == 1;
        if rootless && !userns {
            continue;
        }
        let mut options = Vec::new();
        for (p, opt) in [
            (3, "--read-only".to_string()),
            (3, "--net host".to_string()),
            // A volume needs a writable root for its mount point.
            (3, format!("-v {vol}:/data")),
            (4, format!("-v {vol}:/data:ro")),
            (4, "--workdir /w".to_string()),
            (4, "--hostname h".to_string()),
            (4, "--seccomp=unconfined".to_string()),
        ] {
            if g.below(p) == 0 {
                options.push(opt);
            }
        }
        if options.iter().any(|o| o.starts_with("-v")) {
            options.retain(|o| o != "--read-only");
        }
        if !rootless && g.below(3) == 0 {
            options.push("--memory 64M --pids-limit 20".into());
        }
        let body = g.pick(&["/bin/true", "echo x", "/bin/echo a | /bin/cat", "cd /; /bin/true"]);
        let after = g.pick(&["", " >/dev/null", " 2>&1", " <a.txt"]);
        let line = format!("isolate {} < {body} >{after}", options.join(" "));
        // A log of its own: the rootless strace could not write root's.
        let log = dir.path().join(format!("strace-{i}.log"));
        let log = log.to_str().unwrap();
        let isosh = isosh.to_str().unwrap();
        run(&["strace", "-f", "-qq", "-e", "trace=mount,pivot_root", "-o", log, isosh, "-c", &line], rootless);
        let real = mounts(&std::fs::read_to_string(log).unwrap_or_default());
        let traced = mounts(&String::from_utf8_lossy(&run(&[isosh, "--trace", "-c", &line], rootless).stderr));
        let explained = mounts(&String::from_utf8_lossy(&run(&[isosh, "--explain", "-c", &line], rootless).stdout));
        let who = if rootless { "rootless" } else { "root" };
        if real.len() < 8 {
            failures.push(format!("{who}: {line}: only {} mounts: {real:?}", real.len()));
        }
        if real != traced {
            failures.push(format!("{who}: {line}: --trace differs from strace:\n  {real:?}\n  {traced:?}"));
        }
        if real != explained {
            failures.push(format!("{who}: {line}: explain differs from strace:\n  {real:?}\n  {explained:?}"));
        }
        compared += 1;
    }
    assert!(compared >= 30, "only {compared} blocks compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
