//! `explain`, `--trace` and `strace -f` must tell the same story: for each
//! command line, every forked process makes the same open/dup2/close calls,
//! in the same order, before it execs.

mod common;

use common::{ISOSH, Scratch, run_in};
use std::collections::BTreeMap;

/// One fd call, normalised: `open path`, `dup2 a b`, `close a`.
type Calls = Vec<String>;

/// Per process, the calls before its execve (keyed by pid, or by order).
fn from_strace(log: &str, shell_pid: &str) -> Vec<Calls> {
    let mut by_pid: BTreeMap<u32, (Calls, bool)> = BTreeMap::new();
    let mut order = Vec::new();
    for line in log.lines() {
        let Some((pid, call)) = line.split_once(' ') else { continue };
        if pid == shell_pid {
            continue;
        }
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let entry = by_pid.entry(pid).or_insert_with(|| {
            order.push(pid);
            (Vec::new(), false)
        });
        if entry.1 {
            continue;
        }
        // `-f` splits calls interrupted by another process's: keep the
        // first half, drop the `<... resumed>` half.
        if call.contains("resumed>") {
            continue;
        }
        let call = call.trim().replace(" <unfinished ...>", "");
        let call = call.as_str();
        if call.starts_with("execve(") {
            entry.1 = true;
        } else if let Some(rest) = call.strip_prefix("openat(AT_FDCWD, \"") {
            let path = rest.split('"').next().unwrap_or("");
            entry.0.push(format!("open {path}"));
        } else if let Some(args) = call.strip_prefix("dup2(") {
            let args: Vec<&str> = args.split(')').next().unwrap_or("").split(", ").collect();
            entry.0.push(format!("dup2 {} {}", args[0], args.get(1).unwrap_or(&"")));
        } else if let Some(args) = call.strip_prefix("close(") {
            entry.0.push(format!("close {}", args.split(')').next().unwrap_or("")));
        }
    }
    order
        .into_iter()
        .filter_map(|p| by_pid.remove(&p))
        .filter(|(c, execed)| *execed || !c.is_empty())
        .map(|(c, _)| c)
        .collect()
}

fn from_trace(stderr: &str, shell_pid: &str) -> Vec<Calls> {
    let mut by_pid: BTreeMap<String, (Calls, bool)> = BTreeMap::new();
    let mut order = Vec::new();
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix('[') else { continue };
        let Some((pid, call)) = rest.split_once("] ") else { continue };
        if pid == shell_pid {
            continue;
        }
        let entry = by_pid.entry(pid.to_string()).or_insert_with(|| {
            order.push(pid.to_string());
            (Vec::new(), false)
        });
        if entry.1 {
            continue;
        }
        if call.starts_with("execve(") {
            entry.1 = true;
        } else if let Some(rest) = call.strip_prefix("open(\"") {
            entry.0.push(format!("open {}", rest.split('"').next().unwrap_or("")));
        } else if let Some(args) = call.strip_prefix("dup2(") {
            let args: Vec<&str> = args.split(')').next().unwrap_or("").split(", ").collect();
            entry.0.push(format!("dup2 {} {}", args[0], args.get(1).unwrap_or(&"")));
        } else if let Some(args) = call.strip_prefix("close(") {
            entry.0.push(format!("close {}", args.split(')').next().unwrap_or("")));
        }
    }
    order.into_iter().filter_map(|p| by_pid.remove(&p)).map(|(c, _)| c).collect()
}

/// explain's calls per forked process.
fn from_explain(stdout: &str) -> Vec<Calls> {
    let mut out: Vec<Calls> = Vec::new();
    for line in stdout.lines() {
        if line.starts_with("process ") {
            out.push(Vec::new());
            continue;
        }
        let Some(current) = out.last_mut() else { continue };
        let call = line.trim();
        if let Some(rest) = call.strip_prefix("open(\"") {
            current.push(format!("open {}", rest.split('"').next().unwrap_or("")));
        } else if let Some(args) = call.strip_prefix("dup2(") {
            let args: Vec<&str> = args.split(')').next().unwrap_or("").split(", ").collect();
            current.push(format!("dup2 {} {}", args[0], args.get(1).unwrap_or(&"")));
        } else if let Some(args) = call.strip_prefix("close(") {
            current.push(format!("close {}", args.split(')').next().unwrap_or("")));
        }
    }
    out
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
    for line in LINES {
        let log = dir.path().join("strace.log");
        let r = run_in(
            dir.path(),
            "strace",
            &[
                "-f",
                "-qq",
                "-e",
                "trace=openat,dup2,close,execve,pipe2",
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
        compared += real.iter().map(Vec::len).sum::<usize>();
        if real != traced {
            failures.push(format!("{line}: trace differs from strace:\n  strace: {real:?}\n  trace:  {traced:?}"));
        }
        if real != explained {
            failures
                .push(format!("{line}: explain differs from strace:\n  strace:  {real:?}\n  explain: {explained:?}"));
        }
    }
    assert!(LINES.len() >= 30);
    assert!(compared > 100, "only {compared} calls compared: is strace tracing the children?");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
