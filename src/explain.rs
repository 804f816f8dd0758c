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
use crate::exec::launch::{self, Launch, Runner};
use crate::exec::path::Lookup;
use crate::exec::plan::{self, Describe, FdOp, FdTable, Redirection};
use crate::expand;
use crate::isolate::cgroup;
use crate::isolate::setup::Setup;
use crate::isolate::spec;
use crate::state::State;
use crate::syntax::ast::{AndOr, Command, IsolateBlock, List, Pipeline, Redirect};
use nu_ansi_term::Color;
use std::fmt::Write as _;

/// One process (or the shell itself, for a builtin) and what wires it.
#[derive(Debug, Clone)]
pub struct Process {
    /// What runs: `ls -l`, `builtin cd`, `isolate block`.
    pub what: String,
    /// Whether it is the shell itself (a builtin outside a pipeline).
    pub in_shell: bool,
    /// `process N` (0: the shell itself), numbered in the order they start.
    pub number: usize,
    /// How it started and by whom: `clone(CLONE_VM|CLONE_VFORK|SIGCHLD) by
    /// the shell`.
    pub launch: String,
    /// System calls in order, as strace would name them.
    pub calls: Vec<String>,
    /// The fd table when it runs.
    pub fds: FdTable,
    /// Isolate setup steps, in order, with what each does.
    pub isolate: Vec<(String, String)>,
}

/// What a command line would do: its pipelines' processes, and notes on what explain could not know.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    /// Each pipeline's processes, in the order they start (the shell first).
    pub pipelines: Vec<Vec<Process>>,
    /// What explain could not show (a failed expansion, an isolate option error).
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
        FdOp::Inherit { fd } => calls.push(format!("fcntl({fd}, F_SETFD, 0)   (kept open across exec)")),
    }
    calls
}

/// The calls the shell makes on its own fds for a command it runs itself
/// (`SavedFds::apply`): each fd saved above every fd the redirections name
/// before its first change, the redirections — then, after the command,
/// the saved fds put back in reverse order.
fn shell_calls(ops: &[FdOp], fds: &mut FdNumbers) -> (Vec<String>, Vec<String>) {
    let floor = ops.iter().filter_map(FdOp::target).max().map_or(10, |m| (m + 1).max(10));
    let mut saved: Vec<(i32, Option<i32>)> = Vec::new();
    let mut calls = Vec::new();
    for op in ops {
        if let Some(t) = op.target()
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
        calls.extend(op_calls(op, fds, &fd_numbers));
    }
    let mut restores = Vec::new();
    for (t, copy) in saved.into_iter().rev() {
        match copy {
            Some(c) => {
                restores.push(format!("dup2({c}, {t})   (restored)"));
                restores.push(format!("close({c})"));
            }
            None => restores.push(format!("close({t})   (restored: it was closed)")),
        }
    }
    (calls, restores)
}

impl Shell {
    /// Explains a text of complete commands.
    pub fn explain(&mut self, text: &str) -> Result<Explanation, crate::syntax::ParseError> {
        let mut out = Explanation::default();
        let mut walk = Walk {
            state: self.state.clone(),
            functions: self.functions.iter().map(|(k, (body, _))| (k.clone(), body.clone())).collect(),
            sh: self,
            notes: Vec::new(),
            procs: Vec::new(),
            depth: 0,
            replaced: false,
        };
        for cmd in crate::syntax::parse(text)? {
            for item in &cmd.list.items {
                let pipelines = std::iter::once(&item.and_or.first).chain(item.and_or.rest.iter().map(|(_, p)| p));
                if item.background {
                    let ctx = Ctx::shell();
                    walk.background(&item.and_or, &ctx);
                    out.pipelines.push(std::mem::take(&mut walk.procs));
                    continue;
                }
                for p in pipelines {
                    let mut ctx = Ctx::shell();
                    walk.pipeline(p, &mut ctx, false);
                    out.pipelines.push(std::mem::take(&mut walk.procs));
                }
            }
        }
        out.notes = walk.notes;
        Ok(out)
    }
}

/// Deepest function call explain follows (a recursive function would
/// otherwise never end).
const MAX_DEPTH: usize = 8;

/// The executor's walk over a command line, recording instead of running:
/// each decision is the executor's own ([`crate::exec::launch`]), against
/// copies of the shell's variables and functions.
struct Walk<'s> {
    sh: &'s mut Shell,
    state: State,
    functions: std::collections::HashMap<String, std::rc::Rc<crate::syntax::ast::CompoundCommand>>,
    notes: Vec<String>,
    /// The processes of the pipeline being explained, in the order they
    /// start (the shell's own entry where it first does something).
    procs: Vec<Process>,
    depth: usize,
    /// Set when the last simple command replaced its process (exec).
    replaced: bool,
}

/// The process a command runs in: the shell (`None`) or a forked one.
#[derive(Debug, Clone)]
struct Ctx {
    proc: Option<usize>,
    fds: FdNumbers,
    table: FdTable,
    /// The process's ends of process substitutions still open.
    subs: Vec<i32>,
}

impl Ctx {
    fn shell() -> Self {
        Ctx { proc: None, fds: FdNumbers::standard(), table: FdTable::start(&[]), subs: Vec::new() }
    }
}

impl Walk<'_> {
    fn entry(&mut self, ctx: &Ctx) -> usize {
        if let Some(i) = ctx.proc {
            return i;
        }
        if let Some(i) = self.procs.iter().position(|p| p.in_shell) {
            return i;
        }
        self.procs.push(Process {
            what: String::new(),
            in_shell: true,
            number: 0,
            launch: "the shell itself".into(),
            calls: Vec::new(),
            fds: ctx.table.clone(),
            isolate: Vec::new(),
        });
        self.procs.len() - 1
    }

    fn call(&mut self, ctx: &Ctx, call: String) {
        let i = self.entry(ctx);
        self.procs[i].calls.push(call);
    }

    fn calls(&mut self, ctx: &Ctx, calls: Vec<String>) {
        let i = self.entry(ctx);
        self.procs[i].calls.extend(calls);
    }

    /// What runs in `ctx`'s process (the shell's entry lists each thing).
    fn runs(&mut self, ctx: &Ctx, what: &str) {
        let i = self.entry(ctx);
        let p = &mut self.procs[i];
        if !p.in_shell && !p.what.is_empty() {
            // A started process is described by what it was started for.
            p.fds = ctx.table.clone();
            return;
        }
        if p.what.is_empty() {
            p.what = what.to_string();
        } else {
            p.what = format!("{}; {what}", p.what);
        }
        p.fds = ctx.table.clone();
    }

    /// A new process, started from `parent` by `how`.
    fn start(&mut self, parent: &Ctx, how: Launch, what: &str) -> Ctx {
        let n = self.procs.iter().filter(|p| !p.in_shell).count() + 1;
        let by = match parent.proc {
            None => "the shell".to_string(),
            Some(i) => format!("process {}", self.procs[i].number),
        };
        let call = how.call().unwrap_or("fork()");
        self.call(parent, format!("{call} = process {n}"));
        self.procs.push(Process {
            what: what.to_string(),
            in_shell: false,
            number: n,
            launch: format!("{call} by {by}"),
            calls: Vec::new(),
            fds: parent.table.clone(),
            isolate: Vec::new(),
        });
        Ctx {
            proc: Some(self.procs.len() - 1),
            fds: parent.fds.clone(),
            table: parent.table.clone(),
            subs: parent.subs.clone(),
        }
    }

    /// Applies `ops` in `ctx`'s process for good (a child's wiring).
    /// Returns false when an op would fail (a `dup2` from an fd that is
    /// not open): the calls stop there, as the process's do.
    fn apply(&mut self, ctx: &mut Ctx, ops: &[FdOp], pipes: &dyn Fn(plan::FdRef) -> i32) -> bool {
        let mut calls = Vec::new();
        let mut ok = true;
        for op in ops {
            match ctx.table.clone().simulate_with(std::slice::from_ref(op), pipes) {
                Ok(t) => {
                    ctx.table = t;
                    calls.extend(op_calls(op, &mut ctx.fds, pipes));
                }
                Err(e) => {
                    let failed = op_calls(op, &mut ctx.fds.clone(), pipes);
                    calls.extend(failed.into_iter().take(1).map(|c| format!("{c} = -1 EBADF")));
                    self.notes.push(format!("{e}: the command would fail before running (status 2)"));
                    ok = false;
                    break;
                }
            }
        }
        self.calls(ctx, calls);
        if let Some(i) = ctx.proc {
            self.procs[i].fds = ctx.table.clone();
        }
        ok
    }

    /// Runs `body` in the shell's process with `ops` saved around it
    /// (`Launch::InShell`) or made for good.
    fn in_shell(&mut self, ctx: &mut Ctx, ops: &[FdOp], how: Launch, body: impl FnOnce(&mut Self, &mut Ctx)) {
        if how == Launch::InShellPermanent || ops.is_empty() {
            self.apply(ctx, ops, &fd_numbers);
            body(self, ctx);
            return;
        }
        let fds_before = ctx.fds.clone();
        let (saves, restores) = shell_calls(ops, &mut ctx.fds);
        self.calls(ctx, saves);
        let before = ctx.table.clone();
        if let Ok(t) = ctx.table.clone().simulate(ops) {
            ctx.table = t;
        }
        let i = self.entry(ctx);
        self.procs[i].fds = ctx.table.clone();
        body(self, ctx);
        self.calls(ctx, restores);
        ctx.table = before;
        ctx.fds = fds_before;
    }

    fn background(&mut self, ao: &AndOr, parent: &Ctx) {
        let mut ctx = self.start(parent, Launch::Fork, &format!("{ao} &   (a background job)"));
        if self.sh.background_reads_null() {
            self.apply(&mut ctx, &[plan::background_stdin()], &fd_numbers);
        }
        self.and_or(ao, &mut ctx, true);
    }

    fn and_or(&mut self, ao: &AndOr, ctx: &mut Ctx, last: bool) {
        // Which branches run depends on statuses: each is shown as if it
        // runs, the last one as the last thing.
        self.pipeline(&ao.first, ctx, last && ao.rest.is_empty());
        let n = ao.rest.len();
        for (i, (_, p)) in ao.rest.iter().enumerate() {
            self.pipeline(p, ctx, last && i + 1 == n);
        }
    }

    fn list(&mut self, list: &List, ctx: &mut Ctx, last: bool) {
        let n = list.items.len();
        for (i, item) in list.items.iter().enumerate() {
            if item.background {
                self.background(&item.and_or, ctx);
            } else {
                self.and_or(&item.and_or, ctx, last && i + 1 == n);
            }
        }
    }

    fn pipeline(&mut self, p: &Pipeline, ctx: &mut Ctx, last: bool) {
        let n = p.commands.len();
        if p.timed.is_some() {
            self.runs(
                ctx,
                "time: the shell reads the clock and getrusage() before and after, and reports on its stderr",
            );
        }
        // A timed pipeline is never the last thing: the report comes after.
        let last = last && p.timed.is_none();
        if !launch::pipeline_forks(p, self.sh.jobs.terminal.is_some()) {
            if let Some(cmd) = p.commands.first() {
                self.command(cmd, ctx, last && !p.negated);
            }
            return;
        }
        // Pipe k is made just before stage k forks; the shell closes the
        // ends it handed on right after (see exec::run_stages).
        let mut prev: Option<(i32, i32)> = None;
        for (i, cmd) in p.commands.iter().enumerate() {
            let next = (i + 1 < n).then(|| {
                let (r, w) = (ctx.fds.take_lowest(), ctx.fds.take_lowest());
                (r, w)
            });
            if let Some((r, w)) = next {
                self.call(ctx, format!("pipe2([{r}, {w}], O_CLOEXEC)   (pipe#{i})"));
            }
            let mut parent = ctx.clone();
            if let Some((r, _)) = prev {
                parent.table.hold(plan::FdRef::PipeRead(i - 1), r, Describe::PipeRead(i - 1));
            }
            if let Some((r, w)) = next {
                parent.table.hold(plan::FdRef::PipeRead(i), r, Describe::PipeRead(i));
                parent.table.hold(plan::FdRef::PipeWrite(i), w, Describe::PipeWrite(i));
            }
            let mut child = self.start(&parent, Launch::Fork, &format!("{cmd}   (pipeline stage {})", i + 1));
            let resolve = move |r: plan::FdRef| match r {
                plan::FdRef::Fd(n) => n,
                plan::FdRef::PipeRead(k) if k + 1 == i => prev.map_or(-1, |p| p.0),
                plan::FdRef::PipeRead(_) => next.map_or(-1, |p| p.0),
                plan::FdRef::PipeWrite(_) => next.map_or(-1, |p| p.1),
            };
            self.apply(&mut child, &plan::pipe_ops(i, n), &resolve);
            // The stage's command is the last thing its process does.
            self.command(cmd, &mut child, true);
            if let Some((_, w)) = next {
                ctx.fds.0.remove(&w);
                self.call(ctx, format!("close({w})"));
            }
            if let Some((r, _)) = prev {
                ctx.fds.0.remove(&r);
                self.call(ctx, format!("close({r})"));
            }
            prev = next;
        }
    }

    fn redirect_ops(&mut self, redirects: &[Redirect]) -> Vec<FdOp> {
        redirect_ops(&mut self.state, redirects, &mut self.notes)
    }

    fn command(&mut self, cmd: &Command, ctx: &mut Ctx, last: bool) {
        match cmd {
            Command::Simple(sc) => self.simple(sc, ctx, last),
            Command::FunctionDef(def) => {
                self.functions.insert(def.name.clone(), def.body.clone());
                self.runs(ctx, &format!("define function {}", def.name));
            }
            Command::Compound(cc) => crate::stack::deep(|| self.compound(cc, ctx, last)),
            Command::Isolate(block) => self.isolate(block, ctx),
        }
    }

    fn compound(&mut self, cc: &crate::syntax::ast::CompoundCommand, ctx: &mut Ctx, last: bool) {
        use crate::syntax::ast::CompoundKind;
        let ops = self.redirect_ops(&cc.redirects);
        let how = self.sh.compound_launch(&cc.kind, last);
        if let CompoundKind::Subshell(list) = &cc.kind {
            let mut child = if how == Launch::Fork {
                self.start(ctx, Launch::Fork, &cc.kind_summary())
            } else {
                self.runs(ctx, &cc.kind_summary());
                ctx.clone()
            };
            self.apply(&mut child, &ops, &fd_numbers);
            self.list(list, &mut child, true);
            return;
        }
        self.runs(ctx, &cc.kind_summary());
        self.in_shell(ctx, &ops, how, |w, ctx| match &cc.kind {
            CompoundKind::Brace(list) => w.list(list, ctx, last),
            // Which branch and how many iterations depend on statuses at
            // run time: explain shows what the shell itself does.
            _ => w.notes.push(format!(
                "{}: what runs inside depends on statuses at run time; explain it part by part",
                cc.kind_summary()
            )),
        });
    }

    fn simple(&mut self, sc: &crate::syntax::ast::SimpleCommand, ctx: &mut Ctx, last: bool) {
        // Process substitutions start as the words are expanded, those in
        // redirection targets after; each ends its command with a close.
        let arg_subs = self.process_subs(sc.words.iter(), ctx);
        let mut argv = expand::expand_words(&mut self.state, &sc.words).unwrap_or_else(|e| {
            self.notes.push(format!("{e} (command substitutions are not run by explain)"));
            sc.words.iter().map(ToString::to_string).collect()
        });
        fill_process_subs(argv.iter_mut(), &arg_subs);
        let redirect_subs = self.process_subs(sc.redirects.iter().map(|r| &r.target), ctx);
        let mut ops = self.redirect_ops(&sc.redirects);
        let mut paths: Vec<String> = ops
            .iter()
            .filter_map(|op| match op {
                FdOp::Open { path, .. } => Some(path.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        fill_process_subs(paths.iter_mut(), &redirect_subs);
        let mut filled = paths.into_iter();
        for op in &mut ops {
            if let FdOp::Open { path, .. } = op
                && let Some(p) = filled.next()
                && let Ok(c) = std::ffi::CString::new(p)
            {
                *path = c;
            }
        }
        ops.extend(arg_subs.iter().map(|&fd| FdOp::Inherit { fd }));
        self.replaced = false;
        self.simple_expanded(sc, argv, &ops, ctx, last);
        if std::mem::take(&mut self.replaced) {
            return;
        }
        for fd in arg_subs.into_iter().chain(redirect_subs) {
            ctx.fds.0.remove(&fd);
            ctx.table.fds.remove(&fd);
            ctx.subs.retain(|s| *s != fd);
            self.call(ctx, format!("close({fd})   (a process substitution's end, after the command)"));
        }
    }

    /// Starts the process substitutions among `words` as the shell does
    /// (a pipe, a forked shell on one end) and gives the ends it keeps.
    fn process_subs<'w>(
        &mut self,
        words: impl Iterator<Item = &'w crate::syntax::ast::Word>,
        ctx: &mut Ctx,
    ) -> Vec<i32> {
        let mut kept = Vec::new();
        for part in words.flat_map(|w| w.parts.iter()) {
            let crate::syntax::ast::WordPart::ProcessSub { output, list } = part else { continue };
            let (r, w) = (ctx.fds.take_lowest(), ctx.fds.take_lowest());
            self.call(ctx, format!("pipe2([{r}, {w}], O_CLOEXEC)   (for {part})"));
            let (theirs, ours, dst) = if *output { (r, w, 0) } else { (w, r, 1) };
            ctx.table.fds.insert(r, Describe::ProcessSub);
            ctx.table.fds.insert(w, Describe::ProcessSub);
            let mut child = self.start(ctx, Launch::Fork, &format!("{part}   (process substitution)"));
            // Other substitutions' ends are not this list's to hold open.
            for fd in std::mem::take(&mut child.subs) {
                child.fds.0.remove(&fd);
                child.table.fds.remove(&fd);
                self.call(&child, format!("close({fd})"));
            }
            let mut ops =
                vec![FdOp::Dup { src: plan::FdRef::Fd(theirs), dst }, FdOp::Close { fd: plan::FdRef::Fd(ours) }];
            if theirs != dst {
                ops.push(FdOp::Close { fd: plan::FdRef::Fd(theirs) });
            }
            self.apply(&mut child, &ops, &fd_numbers);
            self.list(list, &mut child, true);
            ctx.fds.0.remove(&theirs);
            ctx.table.fds.remove(&theirs);
            self.call(ctx, format!("close({theirs})"));
            let floor = crate::exec::PROC_SUB_FLOOR;
            let high = (floor..).find(|n| !ctx.fds.0.contains(n)).unwrap_or(floor);
            ctx.fds.0.insert(high);
            ctx.fds.0.remove(&ours);
            ctx.table.fds.remove(&ours);
            ctx.table.fds.insert(high, Describe::ProcessSub);
            self.call(
                ctx,
                format!("fcntl({ours}, F_DUPFD_CLOEXEC, {floor}) = {high}   (out of the way, as bash's /dev/fd/63)"),
            );
            self.call(ctx, format!("close({ours})"));
            ctx.subs.push(high);
            kept.push(high);
        }
        kept
    }

    fn simple_expanded(
        &mut self,
        sc: &crate::syntax::ast::SimpleCommand,
        argv: Vec<String>,
        ops: &[FdOp],
        ctx: &mut Ctx,
        last: bool,
    ) {
        let ops = ops.to_vec();
        let Some(name) = argv.first().cloned() else {
            // `x=1`: no command, the shell sets variables (no fork).
            let names: Vec<String> = sc.assignments.iter().map(|a| a.to_string()).collect();
            let what = if names.is_empty() {
                "(only redirections: files are opened and closed, nothing runs)".into()
            } else {
                format!("{}   (assignments: the shell sets them, nothing runs)", names.join(" "))
            };
            self.runs(ctx, &what);
            let how = self.sh.in_shell_launch(last);
            self.in_shell(ctx, &ops, how, |_, _| {});
            return;
        };
        let what = argv.join(" ");
        // A function explain saw defined earlier on the line counts too.
        let runner = match self.sh.runner(&name) {
            Runner::Builtin | Runner::Program | Runner::Exec if self.functions.contains_key(&name) => {
                if builtins::find(&name).is_some_and(|b| b.special) { self.sh.runner(&name) } else { Runner::Function }
            }
            r => r,
        };
        match runner {
            Runner::Function => {
                self.runs(ctx, &format!("{what}   (function: the shell runs its body)"));
                // A function's redirections are saved and put back, even
                // as the last command.
                let body = self.functions.get(&name).cloned();
                self.in_shell(ctx, &ops, Launch::InShell, |w, ctx| {
                    if let Some(body) = body
                        && w.depth < MAX_DEPTH
                    {
                        w.depth += 1;
                        w.compound(&body, ctx, false);
                        w.depth -= 1;
                    }
                });
            }
            Runner::Exec => {
                self.runs(ctx, &format!("{what}   (builtin)"));
                self.apply(ctx, &ops, &fd_numbers);
                if argv.len() > 1 {
                    let exec = self.exec_line(&argv[1..]);
                    self.call(ctx, exec);
                }
            }
            Runner::SpecialBuiltin | Runner::Builtin => {
                self.runs(ctx, &format!("{what}   (builtin)"));
                let how = self.sh.in_shell_launch(last);
                self.in_shell(ctx, &ops, how, |_, _| {});
            }
            Runner::Program => {
                let found = matches!(self.sh.lookup_path(&name), Lookup::Found(_));
                if !found && ops.is_empty() {
                    self.runs(ctx, &format!("{what}   ({name}: command not found, status 127)"));
                    return;
                }
                let how = self.sh.program_launch(last, found);
                let mut child = match how {
                    Launch::ExecInPlace => {
                        self.replaced = true;
                        self.runs(ctx, &what);
                        ctx.clone()
                    }
                    how => self.start(ctx, how, &what),
                };
                if self.apply(&mut child, &ops, &fd_numbers) {
                    let exec = self.exec_line(&argv);
                    self.call(&child, exec);
                    return;
                }
                // The step failed: the process exits with status 2; after
                // a vfork the shell forks again to report it on the
                // command's own stderr (see spawn::vfork_exec).
                self.replaced = false;
                if how == Launch::Vfork {
                    let mut again = self.start(ctx, Launch::Fork, &format!("{what}   (reports the failure)"));
                    self.apply(&mut again, &ops, &fd_numbers);
                }
            }
        }
    }

    fn exec_line(&mut self, argv: &[String]) -> String {
        let name = &argv[0];
        match self.sh.lookup_path(name) {
            Lookup::Found(p) => format!("execve({:?}, {})", p.display().to_string(), quote_list(argv)),
            Lookup::NotFound => format!("exit(127)   ({name}: command not found)"),
        }
    }

    /// An isolate block: the shell clones its init directly (under job
    /// control a supervisor process does), init makes the block's
    /// redirections, sets up and starts the body.
    fn isolate(&mut self, block: &IsolateBlock, ctx: &mut Ctx) {
        let ops = self.redirect_ops(&block.redirects);
        let mut init = self.start(ctx, Launch::CloneInit, "isolate block (init, PID 1 inside)");
        self.apply(&mut init, &ops, &fd_numbers);
        // The runtime's own decision (`Shell::start_program`).
        let defined = |n: &str| self.functions.contains_key(n) || self.sh.aliases.defined.contains_key(n);
        let program = block.body.as_ref().and_then(|body| crate::exec::body_program(body, defined));
        let steps = isolate_steps(&mut self.state, block, program, &mut self.notes);
        if let Some(i) = init.proc {
            self.procs[i].isolate = steps;
        }
    }
}

/// Puts the fd numbers of process substitutions, in order, where
/// expansion without a shell left [`expand::PROCESS_SUB_PLACEHOLDER`].
fn fill_process_subs<'a>(texts: impl Iterator<Item = &'a mut String>, fds: &[i32]) {
    let mut fds = fds.iter();
    for text in texts {
        while text.contains(expand::PROCESS_SUB_PLACEHOLDER) {
            let Some(fd) = fds.next() else { return };
            *text = text.replacen(expand::PROCESS_SUB_PLACEHOLDER, &format!("/dev/fd/{fd}"), 1);
        }
    }
}

/// Plain fd numbers resolve to themselves (no pipe ends in play).
fn fd_numbers(r: plan::FdRef) -> i32 {
    match r {
        plan::FdRef::Fd(n) => n,
        _ => -1,
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
            Arith(_) => "(( … )) (in the shell)".into(),
        }
    }
}

/// The setup steps of an isolate block, with the calls and files of each.
fn isolate_steps(
    state: &mut State,
    block: &IsolateBlock,
    program: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<(String, String)> {
    let words = expand::expand_words(state, &block.options).unwrap_or_default();
    let vars = state.vars.clone();
    let spec = match spec::parse(&words, &|k| vars.get(k).map(String::from)) {
        Ok(spec::Request::Run(s)) => *s,
        Ok(_) => return vec![("options".into(), "--help/--doctor: prints, runs nothing".into())],
        Err(e) => {
            // As the runtime: the block does not start (isolate::fail).
            notes.push(format!("{}: the block would not start (status {})", e.0, crate::status::SETUP_FAILED));
            return Vec::new();
        }
    };
    // The runtime's own setup for this spec on this host (read, not made),
    // rendered.
    let files = cgroup::SelfFiles::read();
    let setup = Setup::of(&spec, &files.host(), "isosh-<pid>-<n>");
    setup.steps(&spec, program).into_iter().map(|(step, what)| (step.name().to_string(), what)).collect()
}

/// Explains `text` and renders it, as JSON when `json`, else as text
/// (coloured when `color`): the `explain` builtin's [`crate::exec::Explainer`].
pub fn render_line(sh: &mut Shell, text: &str, json: bool, color: bool) -> Result<String, crate::syntax::ParseError> {
    let e = sh.explain(text)?;
    Ok(if json { render_json(&e) } else { render(&e, color) })
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
        for p in procs {
            let who = if p.in_shell { "the shell itself".to_string() } else { format!("process {}", p.number) };
            let what = if p.what.is_empty() { "(starts the processes below)" } else { &p.what };
            let _ = writeln!(out, "{} {what}", head(&format!("{who}:")));
            if !p.in_shell {
                let _ = writeln!(out, "  started with {}", p.launch);
            }
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
            if p.in_shell && p.what.is_empty() {
                continue;
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
                        "{{\"what\":{},\"in_shell\":{},\"launch\":{},\"calls\":[{}],\"fds\":[{}],\"isolate\":[{}]}}",
                        s(&p.what),
                        p.in_shell,
                        s(&p.launch),
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

    /// Process `process` (0-based) of a pipeline, not counting the shell.
    fn nth(e: &Explanation, pipeline: usize, process: usize) -> &Process {
        let mut started = e.pipelines[pipeline].iter().filter(|p| !p.in_shell);
        started.nth(process).unwrap()
    }

    fn fd(e: &Explanation, pipeline: usize, process: usize, n: i32) -> String {
        nth(e, pipeline, process).fds.get(n).map(ToString::to_string).unwrap_or_else(|| "closed".into())
    }

    fn the_shell(e: &Explanation, pipeline: usize) -> &Process {
        e.pipelines[pipeline].iter().find(|p| p.in_shell).unwrap()
    }

    /// A block whose options the runtime refuses is shown as not starting,
    /// with the runtime's status (125), not as a plan that runs.
    #[test]
    fn refused_isolate_options_say_the_block_would_not_start() {
        let mut sh = shell();
        let e = sh.explain("isolate --fd 1 < true >").unwrap();
        let note = e.notes.iter().find(|n| n.contains("--fd 1")).unwrap();
        assert!(note.ends_with("the block would not start (status 125)"), "{note}");
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
        let calls = &nth(&b, 0, 0).calls;
        let dup = calls.iter().position(|c| c.contains("dup2(1, 2)")).unwrap();
        let open = calls.iter().position(|c| c.contains("open(\"out\"")).unwrap();
        assert!(dup < open, "{calls:?}");
    }

    #[test]
    fn pipelines_builtins_and_closed_fds() {
        let mut sh = shell();
        let e = sh.explain("echo hi | tr a-z A-Z 2>&-").unwrap();
        assert_eq!(e.pipelines[0].len(), 3, "the shell and two processes");
        assert!(!nth(&e, 0, 0).in_shell, "a builtin in a pipeline runs in a forked shell");
        assert_eq!(fd(&e, 0, 0, 1), "pipe#0 write end");
        assert_eq!(fd(&e, 0, 1, 0), "pipe#0 read end");
        assert_eq!(fd(&e, 0, 1, 2), "closed");
        let alone = sh.explain("echo hi >f").unwrap();
        assert_eq!(alone.pipelines[0].len(), 1);
        assert_eq!(
            the_shell(&alone, 0).calls,
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
        assert_eq!(the_shell(&exec, 0).calls, ["open(\"log\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC) = 3"]);
        let ext = sh.explain("ls -l").unwrap();
        assert!(nth(&ext, 0, 0).calls.iter().any(|c| c.contains("execve(") && c.contains("\"ls\", \"-l\"")));
        assert!(the_shell(&ext, 0).calls[0].starts_with("clone(CLONE_VM|CLONE_VFORK"), "{ext:?}");
    }

    /// explain's isolate steps are the runtime's `Setup` rendered, step for
    /// step: nothing in explain decides a value of its own.
    #[test]
    fn isolate_steps_are_the_runtimes_setup() {
        let mut sh = shell();
        let line = "isolate --cpus 0.5 --hostname box --fd 5 --seccomp=unconfined -w /w < ls / >";
        let e = sh.explain(line).unwrap();
        let words: Vec<String> =
            ["--cpus", "0.5", "--hostname", "box", "--fd", "5", "--seccomp=unconfined", "-w", "/w"]
                .map(String::from)
                .into();
        let Ok(spec::Request::Run(spec)) = spec::parse(&words, &|_| None) else { panic!("options") };
        let files = cgroup::SelfFiles::read();
        let setup = Setup::of(&spec, &files.host(), "isosh-<pid>-<n>");
        let expected: Vec<(String, String)> =
            setup.steps(&spec, Some("ls")).into_iter().map(|(s, d)| (s.name().to_string(), d)).collect();
        assert_eq!(nth(&e, 0, 0).isolate, expected);
        // A function of that name runs in a copy of the shell, as at run time.
        let e = sh.explain(&format!("ls() {{ :; }}; {line}")).unwrap();
        let start = e.pipelines.iter().flatten().flat_map(|p| &p.isolate).find(|(s, _)| s == "start body");
        assert!(start.is_some_and(|(_, d)| d.starts_with("fork()")), "{start:?}");
    }

    #[test]
    fn isolate_steps_name_flags_mounts_and_cgroup_files() {
        let mut sh = shell();
        let e = sh.explain("isolate --memory 64M --pids-limit 20 --cpus 0.25 -v /a:/b:ro < true >").unwrap();
        let steps = &nth(&e, 0, 0).isolate;
        let names: Vec<&str> = steps.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names.first(), Some(&"cgroup files"));
        assert!(names.contains(&"pivot_root") && names.contains(&"volumes"));
        let all: String = steps.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>().join("\n");
        assert!(all.contains("= 67108864") && all.contains("pids.max = 20") && all.contains("25000"), "{all}");
        assert!(all.contains("CLONE_NEWNET") && all.contains("lowerdir=/") && all.contains("CAP_CHOWN"));
        let host = sh.explain("isolate --net host < true >").unwrap();
        let all: String = nth(&host, 0, 0).isolate.iter().map(|(_, d)| d.clone()).collect();
        assert!(!all.contains("CLONE_NEWNET"));
        // Every block gets cgroups, limits or not (on a host that has them).
        assert!(all.contains("body"), "{all}");
        assert_eq!(names[names.len() - 2..], ["seccomp", "start body"]);
        let unconfined = sh.explain("isolate --seccomp=unconfined < true >").unwrap();
        assert!(!nth(&unconfined, 0, 0).isolate.iter().any(|(s, _)| s == "seccomp"));
    }

    #[test]
    fn nothing_runs_and_json_carries_the_same_content() {
        let mut sh = shell();
        let e = sh.explain("echo $(echo hi) > made-by-explain").unwrap();
        assert!(!std::path::Path::new("made-by-explain").exists());
        assert!(e.notes.iter().any(|n| n.contains("not run")), "{:?}", e.notes);
        let json = render_json(&sh.explain("cat <in | wc -l").unwrap());
        assert!(json.contains("{\"what\":\"cat <in   (pipeline stage 1)\",\"in_shell\":false"), "{json}");
        assert!(json.contains("\"target\":\"in (O_RDONLY)\""), "{json}");
        assert!(!render(&e, false).contains('\x1b'));
    }

    /// The cases issue 12 found explain wrong on: each is now the
    /// executor's own decision.
    #[test]
    fn launches_are_the_executors() {
        let mut sh = shell();
        // A subshell with a redirection forks; the child redirects, then
        // its last command replaces it.
        let e = sh.explain("( /bin/true ) >f").unwrap();
        assert_eq!(the_shell(&e, 0).calls, ["fork() = process 1"]);
        let child = nth(&e, 0, 0);
        assert_eq!(child.calls[0], "open(\"f\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC) = 3");
        assert!(child.calls.last().unwrap().starts_with("execve(\"/bin/true\""), "{e:?}");
        // A function runs in the shell, with its fds saved and put back.
        let e = sh.explain("f() { /bin/true; }; f >out").unwrap();
        let calls = &the_shell(&e, 1).calls;
        assert!(calls[0].contains("(saved)") && calls.last().unwrap() == "close(10)", "{calls:?}");
        assert!(calls.iter().any(|c| c.starts_with("clone(CLONE_VM|CLONE_VFORK")), "{calls:?}");
        // A background job reads /dev/null.
        let e = sh.explain("/bin/true &").unwrap();
        assert!(nth(&e, 0, 0).calls[0].starts_with("open(\"/dev/null\", O_RDONLY"), "{e:?}");
        assert_eq!(fd(&e, 0, 0, 0), "/dev/null (O_RDONLY)");
        // An isolate block: the shell clones init, which redirects.
        let e = sh.explain("isolate < /bin/true > >out").unwrap();
        assert!(the_shell(&e, 0).calls[0].starts_with("clone(CLONE_NEWPID"), "{e:?}");
        assert!(nth(&e, 0, 0).calls[0].starts_with("open(\"out\""), "{e:?}");
    }

    /// `<(…)`: a pipe, a forked shell writing into it, the shell's end
    /// moved to 63 and kept open across the command's exec, closed after.
    #[test]
    fn process_substitution_is_a_pipe_and_a_forked_shell() {
        let mut sh = shell();
        let e = sh.explain("diff <(echo a) /dev/null").unwrap();
        let calls = &the_shell(&e, 0).calls;
        assert_eq!(calls[0], "pipe2([3, 4], O_CLOEXEC)   (for <(echo a))");
        assert!(calls.iter().any(|c| c.starts_with("fcntl(3, F_DUPFD_CLOEXEC, 63) = 63")), "{calls:?}");
        assert!(calls.last().unwrap().starts_with("close(63)"), "{calls:?}");
        assert_eq!(nth(&e, 0, 0).calls, ["dup2(4, 1)", "close(3)", "close(4)"]);
        let diff = nth(&e, 0, 1);
        assert!(diff.what.contains("/dev/fd/63"), "{diff:?}");
        assert!(diff.calls.iter().any(|c| c.starts_with("fcntl(63, F_SETFD, 0)")), "{diff:?}");
        assert_eq!(fd(&e, 0, 1, 63), "process substitution pipe");
    }
}
