//! `explain 'LINE'` and `isosh --explain -c LINE`: what a command line would
//! do, without running it — every process, the system calls that wire it in
//! order, and its final fd table; for an isolate block, the setup steps.
//!
//! It is built from the same plan the executor carries out
//! ([`crate::exec::plan`]): pipe wiring and redirections become the same
//! `FdOp` lists, replayed on a symbolic [`FdTable`]. Expansion runs against
//! a copy of the shell's state, so `$(…)` is not run (it is shown as such)
//! and nothing the line would assign changes.

use crate::exec::Shell;
use crate::exec::builtins;
use crate::exec::path::Lookup;
use crate::exec::plan::{self, Describe, FdOp, FdTable, Redirection};
use crate::expand;
use crate::isolate::cgroup;
use crate::isolate::rootfs::Privilege;
use crate::isolate::spec::{self, IsolateSpec, NetMode};
use crate::state::State;
use crate::syntax::ast::{Command, CompleteCommand, IsolateBlock, List, Pipeline, Redirect};
use nu_ansi_term::Color;
use std::fmt::Write as _;

/// One process (or the shell itself, for a builtin) and what wires it.
#[derive(Debug, Clone)]
pub struct Process {
    /// What runs: `ls -l`, `builtin cd`, `isolate block`.
    pub what: String,
    /// Whether it is the shell itself (a builtin outside a pipeline).
    pub in_shell: bool,
    /// System calls in order, as strace would name them.
    pub calls: Vec<String>,
    /// The fd table when it runs.
    pub fds: FdTable,
    /// Isolate setup steps, in order, with what each does.
    pub isolate: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Explanation {
    pub pipelines: Vec<Vec<Process>>,
    pub notes: Vec<String>,
}

fn quote_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|a| format!("{a:?}")).collect();
    format!("[{}]", items.join(", "))
}

/// Expands redirections against `state` into ops (a failure is a note).
fn redirect_ops(state: &mut State, redirects: &[Redirect], notes: &mut Vec<String>) -> Vec<FdOp> {
    let mut expanded = Vec::new();
    for r in redirects {
        let target = match &r.heredoc {
            Some(body) => expand::expand_heredoc(state, &body.0.borrow()),
            None => expand::expand_single(state, &r.target, false),
        };
        match target {
            Ok(target) => expanded.push(Redirection { fd: r.fd, op: r.op, target }),
            Err(e) => notes.push(format!("{r}: {e}")),
        }
    }
    let mut ops = Vec::new();
    if let Err(e) = plan::redirection_ops(&expanded, state.options.noclobber, &mut ops) {
        notes.push(e.to_string());
    }
    ops
}

/// Which fd numbers a process has open, to predict what `open` and
/// `pipe2` return (the lowest free numbers) as the kernel would — for a
/// shell started with just 0, 1 and 2.
#[derive(Debug, Clone)]
struct FdNumbers(std::collections::BTreeSet<i32>);

impl FdNumbers {
    fn standard() -> Self {
        FdNumbers((0..3).collect())
    }

    fn take_lowest(&mut self) -> i32 {
        let n = (0..).find(|n| !self.0.contains(n)).unwrap_or(0);
        self.0.insert(n);
        n
    }
}

/// The syscalls an fd op makes, in strace's vocabulary, with the numbers
/// the kernel would hand out; `pipes` maps the plan's pipe ends to fds.
fn op_calls(op: &FdOp, fds: &mut FdNumbers, pipes: &dyn Fn(plan::FdRef) -> i32) -> Vec<String> {
    let mut calls = Vec::new();
    let place = |fds: &mut FdNumbers, opened: i32, fd: i32, calls: &mut Vec<String>| {
        if opened != fd {
            calls.push(format!("dup2({opened}, {fd})"));
            calls.push(format!("close({opened})"));
            fds.0.remove(&opened);
            fds.0.insert(fd);
        }
    };
    match op {
        FdOp::Open { fd, path, mode } => {
            let n = fds.take_lowest();
            calls.push(format!("open({:?}, {}|O_CLOEXEC) = {n}", path.to_string_lossy(), mode.flag_names()));
            place(fds, n, *fd, &mut calls);
        }
        FdOp::HereDoc { fd, body } => {
            let n = fds.take_lowest();
            calls.push(format!("memfd_create(\"here-document\", MFD_CLOEXEC) = {n}"));
            calls.push(format!("write({n}, …{} bytes)", body.len()));
            place(fds, n, *fd, &mut calls);
        }
        FdOp::Dup { src, dst } => {
            let src = pipes(*src);
            if src != *dst {
                calls.push(format!("dup2({src}, {dst})"));
                fds.0.insert(*dst);
            }
        }
        FdOp::Close { fd } => {
            let n = pipes(*fd);
            calls.push(format!("close({n})"));
            fds.0.remove(&n);
        }
    }
    calls
}

/// The calls the shell makes on its own fds for a command it runs itself:
/// each fd saved above every fd the redirections name before its first
/// change (`SavedFds::apply`), the redirections, then the saved fds put
/// back in reverse order — unless `permanent` (`exec`).
fn shell_calls(ops: &[FdOp], fds: &mut FdNumbers, permanent: bool) -> Vec<String> {
    let floor = ops.iter().filter_map(FdOp::target).max().map_or(10, |m| (m + 1).max(10));
    let mut saved: Vec<(i32, Option<i32>)> = Vec::new();
    let mut calls = Vec::new();
    for op in ops {
        if !permanent
            && let Some(t) = op.target()
            && !saved.iter().any(|(f, _)| *f == t)
        {
            if fds.0.contains(&t) {
                let copy = (floor..).find(|n| !fds.0.contains(n)).unwrap_or(floor);
                fds.0.insert(copy);
                calls.push(format!("fcntl({t}, F_DUPFD_CLOEXEC, {floor}) = {copy}   (saved)"));
                saved.push((t, Some(copy)));
            } else {
                calls.push(format!("fcntl({t}, F_DUPFD_CLOEXEC, {floor}) = -1   (saved: it was closed)"));
                saved.push((t, None));
            }
        }
        calls.extend(op_calls(op, fds, &|r| match r {
            plan::FdRef::Fd(n) => n,
            _ => -1,
        }));
    }
    for (t, copy) in saved.into_iter().rev() {
        match copy {
            Some(c) => {
                calls.push(format!("dup2({c}, {t})   (restored)"));
                calls.push(format!("close({c})"));
            }
            None => calls.push(format!("close({t})   (restored: it was closed)")),
        }
    }
    calls
}

impl Shell {
    /// Explains a text of complete commands.
    pub fn explain(&mut self, text: &str) -> Result<Explanation, crate::syntax::ParseError> {
        let mut out = Explanation::default();
        for cmd in crate::syntax::parse(text)? {
            self.explain_command(&cmd, &mut out);
        }
        Ok(out)
    }

    fn explain_command(&mut self, cmd: &CompleteCommand, out: &mut Explanation) {
        for item in &cmd.list.items {
            let pipelines = std::iter::once(&item.and_or.first).chain(item.and_or.rest.iter().map(|(_, p)| p));
            for p in pipelines {
                let procs = self.explain_pipeline(p, &mut out.notes);
                out.pipelines.push(procs);
            }
        }
    }

    fn explain_pipeline(&mut self, p: &Pipeline, notes: &mut Vec<String>) -> Vec<Process> {
        let n = p.commands.len();
        let mut procs = Vec::new();
        // The shell's own fds, and the numbers its pipes got: pipe k is
        // made just before stage k forks, and the shell closes the ends it
        // handed on right after (see exec::run_stages).
        let mut shell_fds = FdNumbers::standard();
        let mut pipe_fds: Vec<(i32, i32)> = Vec::new();
        for (i, cmd) in p.commands.iter().enumerate() {
            let mut held = Vec::new();
            let mut calls = Vec::new();
            if i + 1 < n {
                let (r, w) = (shell_fds.take_lowest(), shell_fds.take_lowest());
                pipe_fds.push((r, w));
                calls.push(format!("pipe2([{r}, {w}], O_CLOEXEC)   (pipe#{i}, made by the shell)"));
            }
            if i > 0 {
                held.push(Describe::PipeRead(i - 1));
            }
            if i + 1 < n {
                held.push(Describe::PipeRead(i));
                held.push(Describe::PipeWrite(i));
            }
            let pipes = pipe_fds.clone();
            let resolve = move |r: plan::FdRef| match r {
                plan::FdRef::Fd(n) => n,
                plan::FdRef::PipeRead(k) => pipes.get(k).map_or(-1, |p| p.0),
                plan::FdRef::PipeWrite(k) => pipes.get(k).map_or(-1, |p| p.1),
            };
            let mut state = self.state.clone();
            let in_shell = n == 1 && self.runs_in_shell(cmd);
            let mut ops = plan::pipe_ops(i, n);
            let (mut what, redirects) = self.describe_command(&mut state, cmd, notes);
            if what.trim().is_empty()
                && let Command::Simple(sc) = cmd
            {
                // `x=1`: no command, the shell sets variables (no fork).
                let names: Vec<String> = sc.assignments.iter().map(|a| a.to_string()).collect();
                what = if names.is_empty() {
                    "(only redirections: files are opened and closed, nothing runs)".into()
                } else {
                    format!("{}   (assignments: the shell sets them, nothing runs)", names.join(" "))
                };
            }
            ops.extend(redirect_ops(&mut state, redirects, notes));
            let mut child_fds = shell_fds.clone();
            let mut fd_calls: Vec<String> = Vec::new();
            for op in &ops {
                fd_calls.extend(op_calls(op, &mut child_fds, &resolve));
            }
            if in_shell {
                // `exec` keeps its redirections; anything else gets its fds
                // saved first and put back afterwards.
                let permanent = matches!(cmd, Command::Simple(sc) if sc.words.first().and_then(|w| w.as_plain_literal()) == Some("exec"));
                calls.extend(shell_calls(&ops, &mut shell_fds.clone(), permanent));
            } else {
                calls.push("fork()   (in the child:)".into());
                calls.extend(fd_calls.into_iter().map(|c| format!("  {c}")));
                calls.push(format!("  {}", self.exec_line(&mut state, cmd)));
            }
            // The shell closes what it handed on.
            if i + 1 < n {
                shell_fds.0.remove(&pipe_fds[i].1);
                calls.push(format!("close({})   (in the shell, after the fork)", pipe_fds[i].1));
            }
            if i > 0 {
                shell_fds.0.remove(&pipe_fds[i - 1].0);
                calls.push(format!("close({})   (in the shell, after the fork)", pipe_fds[i - 1].0));
            }
            // Without a pipe the table starts with the shell's 0, 1, 2.
            let start = if i > 0 || i + 1 < n { FdTable::start(&held) } else { FdTable::start(&[]) };
            let fds = match start.simulate(&ops) {
                Ok(t) => t,
                Err(e) => {
                    notes.push(format!("{e}: the command would fail before running"));
                    FdTable::start(&[])
                }
            };
            let isolate = match cmd {
                Command::Isolate(b) => isolate_steps(&mut state, b, notes),
                _ => Vec::new(),
            };
            procs.push(Process { what, in_shell, calls, fds, isolate });
        }
        procs
    }

    fn runs_in_shell(&self, cmd: &Command) -> bool {
        match cmd {
            Command::Simple(sc) => {
                sc.words.first().and_then(|w| w.as_plain_literal()).is_none_or(|n| builtins::find(n).is_some())
            }
            Command::Compound(_) | Command::FunctionDef(_) => true,
            Command::Isolate(_) => false,
        }
    }

    fn describe_command<'c>(
        &self,
        state: &mut State,
        cmd: &'c Command,
        notes: &mut Vec<String>,
    ) -> (String, &'c [Redirect]) {
        match cmd {
            Command::Simple(sc) => {
                let argv = expand::expand_words(state, &sc.words).unwrap_or_else(|e| {
                    notes.push(format!("{e} (command substitutions are not run by explain)"));
                    sc.words.iter().map(ToString::to_string).collect()
                });
                (argv.join(" "), &sc.redirects)
            }
            Command::Isolate(b) => ("isolate block".into(), &b.redirects),
            Command::Compound(c) => (c.kind_summary(), &c.redirects),
            Command::FunctionDef(d) => (format!("define function {}", d.name), &[]),
        }
    }

    fn exec_line(&mut self, state: &mut State, cmd: &Command) -> String {
        match cmd {
            Command::Simple(sc) => {
                let argv = expand::expand_words(state, &sc.words).unwrap_or_default();
                let Some(name) = argv.first() else { return "exit(0)".into() };
                if builtins::find(name).is_some() {
                    return format!("builtin {name} (the forked shell runs it), exit");
                }
                match self.lookup_path(name) {
                    Lookup::Found(p) => format!("execve({:?}, {})", p.display().to_string(), quote_list(&argv)),
                    Lookup::NotFound => format!("exit(127)   ({name}: command not found)"),
                }
            }
            Command::Isolate(_) => "clone(namespaces) → init → body   (see the isolate steps)".into(),
            _ => "the forked shell runs it, exit".into(),
        }
    }
}

impl crate::syntax::ast::CompoundCommand {
    fn kind_summary(&self) -> String {
        use crate::syntax::ast::CompoundKind::*;
        match &self.kind {
            Brace(_) => "{ … } (in the shell)".into(),
            Subshell(_) => "( … ) (a forked shell)".into(),
            If { .. } => "if … fi (in the shell)".into(),
            Loop { until: false, .. } => "while … done (in the shell)".into(),
            Loop { until: true, .. } => "until … done (in the shell)".into(),
            For { var, .. } => format!("for {var} … done (in the shell)"),
            Case { .. } => "case … esac (in the shell)".into(),
            Cond(_) => "[[ … ]] (in the shell)".into(),
        }
    }
}

/// The setup steps of an isolate block, with the calls and files of each.
fn isolate_steps(state: &mut State, block: &IsolateBlock, notes: &mut Vec<String>) -> Vec<(String, String)> {
    let words = expand::expand_words(state, &block.options).unwrap_or_default();
    let vars = state.vars.clone();
    let spec = match spec::parse(&words, &|k| vars.get(k).map(String::from)) {
        Ok(spec::Request::Run(s)) => *s,
        Ok(_) => return vec![("options".into(), "--help/--doctor: prints, runs nothing".into())],
        Err(e) => {
            notes.push(e.0);
            return Vec::new();
        }
    };
    steps_of(&spec, block.body.as_ref())
}

/// The ordered checklist (`isolate::steps::SetupStep`) for `spec` and
/// the block's body.
fn steps_of(spec: &IsolateSpec, body: Option<&List>) -> Vec<(String, String)> {
    use crate::isolate::steps::SetupStep as S;
    let root = nix::unistd::geteuid().is_root();
    let mut v = Vec::new();
    let mut push = |s: S, d: String| v.push((s.name().to_string(), d));
    // The cgroup module's own plan for this host (read, not made).
    let files = cgroup::SelfFiles::read();
    let host = files.host();
    let limits = crate::isolate::limits(spec);
    let joins = match cgroup::plan(&host, &limits, "isosh-<pid>-<n>") {
        Ok(plan) => {
            for line in cgroup::summary(&plan) {
                push(S::CgroupFiles, line);
            }
            !plan.nodes.is_empty()
        }
        Err(e) => {
            push(S::CgroupFiles, format!("fails: {e}"));
            false
        }
    };
    let mut flags = vec!["CLONE_NEWPID", "CLONE_NEWNS", "CLONE_NEWUTS", "CLONE_NEWIPC"];
    if !root {
        flags.push("CLONE_NEWUSER");
    }
    push(S::Clone, format!("clone({}|SIGCHLD) = init (PID 1 inside)", flags.join("|")));
    if !root {
        let (uid, gid) = (nix::unistd::geteuid(), nix::unistd::getegid());
        push(
            S::UserNamespace,
            format!("/proc/self/setgroups = deny; uid_map = \"0 {uid} 1\"; gid_map = \"0 {gid} 1\""),
        );
    }
    if joins {
        push(S::JoinCgroup, format!("write(cgroup.procs, \"0\") in each {}/ leaf", cgroup::LEAF));
    }
    push(S::CgroupNamespace, "unshare(CLONE_NEWCGROUP)".into());
    if spec.net == NetMode::None {
        push(
            S::NetNamespace,
            "unshare(CLONE_NEWNET), while a thread of init runs the mount steps below, up to /tmp".into(),
        );
        push(S::Loopback, "ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP)".into());
    }
    // The root's set-up: the calls the block's own code makes, written down.
    let privilege = if root { Privilege::Root } else { Privilege::Rootless };
    match crate::isolate::rootfs::explain(spec, privilege) {
        Ok(calls) => {
            let thread_until = crate::isolate::rootfs::sys_after_pivot(spec, privilege);
            let mut grouped: Vec<(S, Vec<String>)> = Vec::new();
            for (step, call) in calls {
                match grouped.last_mut() {
                    Some((s, list)) if *s == step => list.push(call),
                    _ => grouped.push((step, vec![call])),
                }
            }
            for (step, list) in grouped {
                let who = match step {
                    S::Sys => "init, once the thread is done: ",
                    S::Volumes | S::PivotRoot if !thread_until => "init: ",
                    _ => "",
                };
                push(step, format!("{who}{}", list.join("; ")));
            }
        }
        Err(e) => push(e.step, format!("fails: {e}")),
    }
    if let Some(w) = &spec.workdir {
        push(S::Workdir, format!("mkdir -p {w}; chdir({w:?})"));
    }
    push(S::Hostname, format!("sethostname({:?})", spec.hostname.as_deref().unwrap_or("isosh-XXXXXX")));
    let kept: Vec<&str> = crate::isolate::security_caps().collect();
    push(
        S::Security,
        format!("prctl(PR_SET_NO_NEW_PRIVS); capabilities kept: {}; prctl(PR_SET_DUMPABLE, 0)", kept.join(" ")),
    );
    push(S::CloseFds, "close_range(3, ~0) except the block's redirections".into());
    if spec.seccomp == crate::isolate::spec::SeccompMode::Default {
        // Its first line says the mode, which the step's name already does.
        let what = crate::isolate::seccomp::summary(spec.seccomp)[1..].join("; ");
        push(S::Seccomp, format!("seccomp(SECCOMP_SET_MODE_FILTER, docker's default profile): {what}"));
    }
    let start = match body.and_then(crate::exec::sole_program_name) {
        Some(name) => {
            let path = if name.contains('/') { format!("{name:?}") } else { format!("<{name} on $PATH>") };
            format!("clone(CLONE_VM|CLONE_VFORK); execve({path}) — one program starts as any program does")
        }
        None => "fork(): a copy of the shell runs the body".into(),
    };
    push(
        S::StartBody,
        format!(
            "{start}; init reaps and forwards SIGINT/SIGTERM/SIGHUP until the body ends, then, if it has a child \
             left, kill(-1, SIGKILL) and reaps the rest, and writes the body's status to the report pipe"
        ),
    );
    v
}

/// Renders an explanation as aligned text, coloured when `color`.
pub fn render(e: &Explanation, color: bool) -> String {
    let head = |s: &str| if color { Color::Cyan.bold().paint(s).to_string() } else { s.to_string() };
    let call = |s: &str| if color { Color::Yellow.paint(s).to_string() } else { s.to_string() };
    let mut out = String::new();
    for (pi, procs) in e.pipelines.iter().enumerate() {
        if e.pipelines.len() > 1 {
            let _ = writeln!(out, "{}", head(&format!("pipeline {}", pi + 1)));
        }
        for (i, p) in procs.iter().enumerate() {
            let who = if p.in_shell { "the shell itself".to_string() } else { format!("process {}", i + 1) };
            let _ = writeln!(out, "{} {}", head(&format!("{who}:")), p.what);
            for c in &p.calls {
                let _ = writeln!(out, "    {}", call(c));
            }
            if !p.isolate.is_empty() {
                let _ = writeln!(out, "  isolate setup, in order:");
                let width = p.isolate.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
                for (step, what) in &p.isolate {
                    let _ = writeln!(out, "    {step:<width$}  {what}");
                }
            }
            let _ = writeln!(out, "  fd table when it runs:");
            for (fd, d) in &p.fds.fds {
                let arrow = if matches!(d, Describe::PipeRead(_)) || *fd == 0 { "←" } else { "→" };
                let _ = writeln!(out, "    {fd} {arrow} {d}");
            }
        }
    }
    for n in &e.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

/// The same content as JSON, for tools.
pub fn render_json(e: &Explanation) -> String {
    fn s(x: &str) -> String {
        format!("{x:?}")
    }
    let pipelines: Vec<String> = e
        .pipelines
        .iter()
        .map(|procs| {
            let ps: Vec<String> = procs
                .iter()
                .map(|p| {
                    let calls: Vec<String> = p.calls.iter().map(|c| s(c)).collect();
                    let fds: Vec<String> = p
                        .fds
                        .fds
                        .iter()
                        .map(|(fd, d)| format!("{{\"fd\":{fd},\"target\":{}}}", s(&d.to_string())))
                        .collect();
                    let steps: Vec<String> =
                        p.isolate.iter().map(|(st, w)| format!("{{\"step\":{},\"does\":{}}}", s(st), s(w))).collect();
                    format!(
                        "{{\"what\":{},\"in_shell\":{},\"calls\":[{}],\"fds\":[{}],\"isolate\":[{}]}}",
                        s(&p.what),
                        p.in_shell,
                        calls.join(","),
                        fds.join(","),
                        steps.join(",")
                    )
                })
                .collect();
            format!("[{}]", ps.join(","))
        })
        .collect();
    let notes: Vec<String> = e.notes.iter().map(|n| s(n)).collect();
    format!("{{\"pipelines\":[{}],\"notes\":[{}]}}\n", pipelines.join(","), notes.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell() -> Shell {
        Shell::new(State::new("isosh".into(), vec![]))
    }

    fn fd(e: &Explanation, pipeline: usize, process: usize, n: i32) -> String {
        e.pipelines[pipeline][process].fds.get(n).map(ToString::to_string).unwrap_or_else(|| "closed".into())
    }

    #[test]
    fn redirection_order_is_visible() {
        let mut sh = shell();
        let a = sh.explain("cmd >out 2>&1").unwrap();
        assert_eq!(fd(&a, 0, 0, 1), "out (O_WRONLY|O_CREAT|O_TRUNC)");
        assert_eq!(fd(&a, 0, 0, 2), "out (O_WRONLY|O_CREAT|O_TRUNC)");
        let b = sh.explain("cmd 2>&1 >out").unwrap();
        assert_eq!(fd(&b, 0, 0, 1), "out (O_WRONLY|O_CREAT|O_TRUNC)");
        assert_eq!(fd(&b, 0, 0, 2), "shell's fd 1");
        let calls = &b.pipelines[0][0].calls;
        let dup = calls.iter().position(|c| c.contains("dup2(1, 2)")).unwrap();
        let open = calls.iter().position(|c| c.contains("open(\"out\"")).unwrap();
        assert!(dup < open, "{calls:?}");
    }

    #[test]
    fn pipelines_builtins_and_closed_fds() {
        let mut sh = shell();
        let e = sh.explain("echo hi | tr a-z A-Z 2>&-").unwrap();
        assert_eq!(e.pipelines[0].len(), 2);
        assert!(!e.pipelines[0][0].in_shell, "a builtin in a pipeline runs in a forked shell");
        assert_eq!(fd(&e, 0, 0, 1), "pipe#0 write end");
        assert_eq!(fd(&e, 0, 1, 0), "pipe#0 read end");
        assert_eq!(fd(&e, 0, 1, 2), "closed");
        let alone = sh.explain("echo hi >f").unwrap();
        assert!(alone.pipelines[0][0].in_shell);
        assert_eq!(
            alone.pipelines[0][0].calls,
            [
                "fcntl(1, F_DUPFD_CLOEXEC, 10) = 10   (saved)",
                "open(\"f\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC) = 3",
                "dup2(3, 1)",
                "close(3)",
                "dup2(10, 1)   (restored)",
                "close(10)"
            ]
        );
        let exec = sh.explain("exec 3>log").unwrap();
        assert_eq!(exec.pipelines[0][0].calls, ["open(\"log\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC) = 3"]);
        let ext = sh.explain("ls -l").unwrap();
        assert!(ext.pipelines[0][0].calls.iter().any(|c| c.contains("execve(") && c.contains("\"ls\", \"-l\"")));
    }

    #[test]
    fn isolate_steps_name_flags_mounts_and_cgroup_files() {
        let mut sh = shell();
        let e = sh.explain("isolate --memory 64M --pids-limit 20 --cpus 0.25 -v /a:/b:ro < true >").unwrap();
        let steps = &e.pipelines[0][0].isolate;
        let names: Vec<&str> = steps.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names.first(), Some(&"cgroup files"));
        assert!(names.contains(&"pivot_root") && names.contains(&"volumes"));
        let all: String = steps.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>().join("\n");
        assert!(all.contains("= 67108864") && all.contains("pids.max = 20") && all.contains("25000"), "{all}");
        assert!(all.contains("CLONE_NEWNET") && all.contains("lowerdir=/") && all.contains("CAP_CHOWN"));
        let host = sh.explain("isolate --net host < true >").unwrap();
        let all: String = host.pipelines[0][0].isolate.iter().map(|(_, d)| d.clone()).collect();
        assert!(!all.contains("CLONE_NEWNET"));
        // Every block gets cgroups, limits or not (on a host that has them).
        assert!(all.contains("body"), "{all}");
        assert_eq!(names[names.len() - 2..], ["seccomp", "start body"]);
        let unconfined = sh.explain("isolate --seccomp=unconfined < true >").unwrap();
        assert!(!unconfined.pipelines[0][0].isolate.iter().any(|(s, _)| s == "seccomp"));
    }

    #[test]
    fn nothing_runs_and_json_carries_the_same_content() {
        let mut sh = shell();
        let e = sh.explain("echo $(echo hi) > made-by-explain").unwrap();
        assert!(!std::path::Path::new("made-by-explain").exists());
        assert!(e.notes.iter().any(|n| n.contains("not run")), "{:?}", e.notes);
        let json = render_json(&sh.explain("cat <in | wc -l").unwrap());
        assert!(json.starts_with("{\"pipelines\":[[{\"what\":\"cat\""), "{json}");
        assert!(json.contains("\"target\":\"in (O_RDONLY)\""), "{json}");
        assert!(!render(&e, false).contains('\x1b'));
    }
}
