//! The executor: walks the AST, expands words, builds each process's plan
//! and has [`spawn`] carry it out.

pub mod builtins;
mod compound;
pub mod jobs;
pub mod launch;
pub mod path;
pub mod plan;
pub mod spawn;
pub mod time;
pub mod wait;

use crate::expand::{self, ExpandError};
use crate::signals;
use crate::state::State;
use crate::syntax::ast::*;
use launch::{Launch, Runner};
use nix::unistd::{ForkResult, Pid, fork};
use path::{Lookup, PathCache};
use plan::{FdOp, FdRef, PlanError, Redirection};
use spawn::{CStrArray, ExecImage, NoPipes, PipeFds, SavedFds, exit_child, write_all};
use std::ffi::CString;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use wait::{Ended, wait_for};

/// Stops running commands: the shell (or subshell) exits with a status, or
/// — at the REPL — only the current command line is abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abort {
    Exit(i32),
    Command(i32),
    /// `break N`: leave N enclosing loops.
    Break(usize),
    /// `continue N`: next iteration of the Nth enclosing loop.
    Continue(usize),
    /// `return N` from a function or sourced file.
    Return(i32),
}

impl Abort {
    pub fn status(self) -> i32 {
        match self {
            Abort::Exit(s) | Abort::Command(s) | Abort::Return(s) => s,
            Abort::Break(_) | Abort::Continue(_) => 0,
        }
    }
}

pub type Exec<T = i32> = Result<T, Abort>;

/// Status of a command that failed before it could run (a redirection that
/// cannot be opened, an unset parameter under `-u`), as in dash.
pub const STATUS_FAILED_SETUP: i32 = 2;
pub const STATUS_NOT_EXECUTABLE: i32 = 126;
pub const STATUS_NOT_FOUND: i32 = 127;

/// The lowest fd a process substitution's end is moved to (bash's 63).
pub const PROC_SUB_FLOOR: RawFd = 63;

/// `$PATH` when the variable is unset.
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

pub struct Shell {
    pub state: State,
    paths: PathCache,
    /// Background jobs not yet reaped.
    background: Vec<Pid>,
    /// Inits of isolate blocks that reported their body's status and are
    /// still tearing their namespaces down: reaped later, without waiting.
    exiting_inits: Vec<Pid>,
    /// Background and stopped jobs (`%N`).
    pub(crate) jobs: Vec<jobs::Job>,
    /// Job control, when interactive: the shell's terminal.
    pub(crate) terminal: Option<jobs::Terminal>,
    /// The process group of the foreground pipeline being started.
    pub(crate) fg_pgid: Option<Pid>,
    /// Foreground processes that Ctrl-Z stopped while the shell waited.
    pub(crate) stopped_now: Vec<Pid>,
    /// `exit` with stopped jobs warns once.
    pub(crate) warned_stopped: bool,
    /// Set while an isolate block's init starts a body that is one program:
    /// the program's process is then handed over in `launched_body` instead
    /// of waited for, since init must reap and forward signals meanwhile.
    launching_body: bool,
    launched_body: Option<Pid>,
    /// Children ignore SIGINT/SIGQUIT (inside a background job).
    ignore_interrupts: bool,
    /// The exported environment as an `envp` array, rebuilt only when an
    /// exported variable changes.
    env_block: Option<(u64, Rc<CStrArray>)>,
    /// Functions defined with `name() { …; }`.
    /// With the source each was defined in (for error locations).
    pub(crate) functions: std::collections::HashMap<String, (Rc<CompoundCommand>, Option<Rc<Source>>)>,
    /// How many loops enclose the running command (for `break`/`continue`).
    pub(crate) loop_depth: usize,
    /// How many function calls (or `.` files) are running (for `return`),
    /// each with the variables `local` saved, to put back on return.
    pub(crate) frames: Vec<Vec<(String, Option<crate::state::Var>)>>,
    /// Inside an `if`/`while`/`until` condition, `set -e` does not apply.
    pub(crate) errexit_suppressed: usize,
    /// Status of the last command substitution of the current command (an
    /// assignment-only command returns it).
    substitution_status: Option<i32>,
    /// `trap` actions: `None` is EXIT.
    pub(crate) traps: std::collections::HashMap<Option<nix::sys::signal::Signal>, String>,
    /// `getopts`' position inside the current argument (for `-abc`), and
    /// the OPTIND it last set (another value means a new parse).
    pub(crate) getopts_char: usize,
    pub(crate) getopts_optind: usize,
    /// The texts being run (script, sourced files, function definitions'
    /// files), innermost last, for error locations.
    pub(crate) sources: Vec<Rc<Source>>,
    /// `alias` definitions, and the ones being expanded (never twice).
    pub(crate) aliases: std::collections::HashMap<String, String>,
    expanding_aliases: Vec<String>,
    /// Byte offset of the running simple command in the innermost source.
    current_offset: usize,
    /// Interactive history, for the `history` builtin.
    pub(crate) history: std::collections::VecDeque<String>,
    /// The shell's ends of the process substitutions of the commands
    /// running, innermost last: each command closes its own when it ends.
    proc_subs: Vec<std::os::fd::OwnedFd>,
}

/// A named text commands come from.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// Line number of the text's first line.
    pub first_line: usize,
}

/// The pipe ends a pipeline stage was forked with.
struct StagePipes {
    index: usize,
    prev_read: Option<RawFd>,
    next: Option<(RawFd, RawFd)>,
}

impl PipeFds for StagePipes {
    fn pipe_fd(&self, r: FdRef) -> Option<RawFd> {
        match r {
            FdRef::PipeRead(k) if k + 1 == self.index => self.prev_read,
            FdRef::PipeRead(k) if k == self.index => self.next.map(|p| p.0),
            FdRef::PipeWrite(k) if k == self.index => self.next.map(|p| p.1),
            _ => None,
        }
    }
}

impl Shell {
    pub fn new(state: State) -> Self {
        Shell {
            state,
            paths: PathCache::default(),
            background: Vec::new(),
            exiting_inits: Vec::new(),
            jobs: Vec::new(),
            terminal: None,
            fg_pgid: None,
            stopped_now: Vec::new(),
            warned_stopped: false,
            launching_body: false,
            launched_body: None,
            ignore_interrupts: false,
            env_block: None,
            functions: std::collections::HashMap::new(),
            loop_depth: 0,
            frames: Vec::new(),
            errexit_suppressed: 0,
            substitution_status: None,
            traps: std::collections::HashMap::new(),
            getopts_char: 0,
            getopts_optind: 0,
            sources: Vec::new(),
            aliases: std::collections::HashMap::new(),
            expanding_aliases: Vec::new(),
            history: std::collections::VecDeque::new(),
            current_offset: 0,
            proc_subs: Vec::new(),
        }
    }

    /// Prints `isosh: MESSAGE` on the current fd 2.
    pub fn error(&self, msg: &str) {
        match self.location() {
            Some(at) => self.error_unlocated(&format!("{at}: {msg}")),
            None => self.error_unlocated(msg),
        }
    }

    /// `isosh: MESSAGE` for messages that carry their own location.
    pub fn error_unlocated(&self, msg: &str) {
        let _ = spawn::write_str(2, &format!("isosh: {msg}\n"));
    }

    /// `FILE:LINE` of the command running, in a script or sourced file
    /// (not for `-c` strings or the prompt, whose lines the user sees).
    fn location(&self) -> Option<String> {
        let source = self.sources.last()?;
        if matches!(source.name.as_str(), "-c" | "isosh" | "eval" | "trap") || self.state.options.interactive {
            return None;
        }
        let line = crate::syntax::span::line_col(&source.text, self.current_offset, source.first_line).line;
        Some(format!("{}:{line}", source.name))
    }

    /// Runs `f` with `source` as the text spans refer to.
    pub(crate) fn in_source<T>(&mut self, source: Rc<Source>, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.current_offset;
        self.sources.push(source);
        let r = f(self);
        self.sources.pop();
        self.current_offset = saved;
        r
    }

    /// The status a failure before running gives: in a non-interactive
    /// shell some failures end the shell (POSIX 2.8.1).
    pub(crate) fn fatal_unless_interactive(&self, status: i32) -> Abort {
        if self.state.options.interactive { Abort::Command(status) } else { Abort::Exit(status) }
    }

    fn expansion_failed(&self, e: ExpandError) -> Abort {
        self.error(&e.to_string());
        self.fatal_unless_interactive(STATUS_FAILED_SETUP)
    }

    /// Runs one complete command (a line of input).
    pub fn run_complete_command(&mut self, cmd: &CompleteCommand) -> Exec {
        if self.terminal.is_some() {
            // At the prompt the job table reaps its jobs (before each
            // prompt), so the notice can say how each ended.
            let jobs = &self.jobs;
            self.background.retain(|p| jobs.iter().any(|j| j.pids.contains(p)));
        } else {
            wait::reap_finished(&mut self.background);
        }
        wait::reap_finished(&mut self.exiting_inits);
        self.run_list(&cmd.list)
    }

    pub(crate) fn run_list(&mut self, list: &List) -> Exec {
        self.run_list_as(list, false)
    }

    /// Whether a command run with `last` set may replace this process: it
    /// is the last thing the process does (dash's `EV_EXIT`) and no trap
    /// is waiting to run after it.
    fn may_exec_in_place(&self, last: bool) -> bool {
        last && self.traps.values().all(String::is_empty)
    }

    /// Runs a list; `last`: when it ends, this (forked) process exits with
    /// its status, so its final command may replace the process.
    pub(crate) fn run_list_as(&mut self, list: &List, last: bool) -> Exec {
        let mut status = self.state.last_status;
        let n = list.items.len();
        for (i, item) in list.items.iter().enumerate() {
            // `set -n` takes effect at once, even later on the same line; an
            // interactive shell ignores it (it could never be undone).
            if self.state.options.noexec && !self.state.options.interactive {
                return Ok(status);
            }
            status = if item.background {
                self.run_background(&item.and_or)?
            } else {
                self.run_and_or(&item.and_or, last && i + 1 == n)?
            };
            self.state.last_status = status;
            self.run_pending_traps()?;
        }
        Ok(status)
    }

    fn run_and_or(&mut self, ao: &AndOr, in_place: bool) -> Exec {
        let mut status = self.run_pipeline(&ao.first, in_place && ao.rest.is_empty())?;
        let mut last = &ao.first;
        let n = ao.rest.len();
        for (i, (op, p)) in ao.rest.iter().enumerate() {
            let run = match op {
                AndOrOp::And => status == 0,
                AndOrOp::Or => status != 0,
            };
            if run {
                status = self.run_pipeline(p, in_place && i + 1 == n)?;
                last = p;
            }
        }
        // `set -e` ignores failures on the left of && and ||, and after `!`.
        let last_ran_is_final = std::ptr::eq(last, ao.rest.last().map_or(&ao.first, |(_, p)| p));
        if status != 0
            && self.state.options.errexit
            && self.errexit_suppressed == 0
            && last_ran_is_final
            && !last.negated
        {
            return Err(Abort::Exit(status));
        }
        Ok(status)
    }

    fn run_pipeline(&mut self, p: &Pipeline, last: bool) -> Exec {
        let Some(how) = p.timed else {
            return self.run_pipeline_untimed(p, last);
        };
        // Timed: the shell must outlive the pipeline to report.
        let start = time::Start::now();
        let status = if p.commands.is_empty() { Ok(0) } else { self.run_pipeline_untimed(p, false) };
        match start.report(how, self.state.vars.get("TIMEFORMAT")) {
            Ok(Some(report)) => drop(spawn::write_str(2, &report)),
            Ok(None) => {}
            Err(message) => self.error(&message),
        }
        status
    }

    fn run_pipeline_untimed(&mut self, p: &Pipeline, last: bool) -> Exec {
        self.fg_pgid = None;
        // Under job control an isolate block gets a supervisor process of
        // its own, in the job's process group: Ctrl-Z then stops the block
        // as a whole, and its cleanup waits for it wherever it runs.
        let status = match p.commands.as_slice() {
            [one] if !launch::pipeline_forks(p, self.terminal.is_some()) => self.run_command(one, last && !p.negated),
            stages => Ok(self.run_stages(stages)),
        };
        if self.terminal.is_some() {
            self.finish_foreground(&p.to_string());
        }
        let status = status?;
        let status = if p.negated { (status == 0) as i32 } else { status };
        self.state.last_status = status;
        Ok(status)
    }

    fn run_command(&mut self, cmd: &Command, last: bool) -> Exec {
        let mark = self.proc_subs.len();
        let r = self.run_command_here(cmd, last);
        if self.proc_subs.len() > mark {
            self.close_proc_subs(mark);
        }
        r
    }

    /// Closes the shell's ends of the process substitutions made since
    /// `mark` (their command has ended).
    fn close_proc_subs(&mut self, mark: usize) {
        for fd in self.proc_subs.drain(mark..) {
            crate::trace::emit(|| format!("close({})", fd.as_raw_fd()));
            drop(fd);
        }
    }

    fn run_command_here(&mut self, cmd: &Command, last: bool) -> Exec {
        match cmd {
            Command::Simple(sc) => self.run_simple(sc, last),
            Command::Compound(cc) => self.run_compound(cc, last),
            Command::FunctionDef(def) => {
                let origin = self.sources.last().cloned();
                self.functions.insert(def.name.clone(), (def.body.clone(), origin));
                Ok(0)
            }
            Command::Isolate(block) => {
                // The block's processes are forked by its supervisor; nothing
                // in it replaces the current process.
                match self.redirect_ops(&block.redirects) {
                    Ok(ops) => crate::isolate::run_block(self, block, &ops),
                    Err(failure) => self.plan_failed(failure),
                }
            }
        }
    }

    /// Forks one process per stage, each wired to its neighbours by pipes.
    fn run_stages(&mut self, commands: &[Command]) -> i32 {
        let n = commands.len();
        let mut pids = Vec::with_capacity(n);
        let mut prev_read: Option<os_pipe::PipeReader> = None;
        for (index, cmd) in commands.iter().enumerate() {
            let next = if index + 1 < n {
                match os_pipe::pipe() {
                    Ok(p) => {
                        crate::trace::emit(|| format!("pipe2([{}, {}], O_CLOEXEC)", p.0.as_raw_fd(), p.1.as_raw_fd()));
                        Some(p)
                    }
                    Err(e) => {
                        self.error(&format!("pipe: {e}"));
                        break;
                    }
                }
            } else {
                None
            };
            let pipes = StagePipes {
                index,
                prev_read: prev_read.as_ref().map(AsRawFd::as_raw_fd),
                next: next.as_ref().map(|(r, w)| (r.as_raw_fd(), w.as_raw_fd())),
            };
            let pgid = self.child_pgid();
            match self.fork_child(pgid) {
                Ok(ForkResult::Child) => self.run_stage_child(cmd, &pipes, n),
                Ok(ForkResult::Parent { child }) => {
                    self.adopt_foreground(child);
                    pids.push(child);
                }
                Err(e) => {
                    self.error(&format!("fork: {}", crate::exec::spawn::errno_text(e)));
                    break;
                }
            }
            // The parent's copies: the write end belongs to this stage, the
            // read end to the next one; the previous read end is handed on.
            let next_read = next.map(|(r, w)| {
                crate::trace::emit(|| format!("close({})", w.as_raw_fd()));
                drop(w);
                r
            });
            if let Some(old) = prev_read.take() {
                crate::trace::emit(|| format!("close({})", old.as_raw_fd()));
            }
            prev_read = next_read;
        }
        drop(prev_read);
        let mut statuses = Vec::with_capacity(pids.len());
        for pid in pids {
            statuses.push(self.wait_fg(pid));
        }
        let last = statuses.last().copied().unwrap_or(1);
        if self.state.options.pipefail { statuses.iter().rev().copied().find(|&s| s != 0).unwrap_or(0) } else { last }
    }

    fn run_stage_child(&mut self, cmd: &Command, pipes: &StagePipes, stages: usize) -> ! {
        let ops = plan::pipe_ops(pipes.index, stages);
        if let Err((op, e)) = spawn::apply_all(&ops, pipes) {
            self.error(&spawn::describe_failure(op, e));
            exit_child(STATUS_FAILED_SETUP);
        }
        // The stage's command is the last thing this process does.
        let status = self.run_command(cmd, true).unwrap_or_else(Abort::status);
        self.exit_subshell(status)
    }

    /// Ends a forked subshell: its own EXIT trap first (one it set itself;
    /// the parent's were reset when it started).
    pub(crate) fn exit_subshell(&mut self, status: i32) -> ! {
        let status = self.run_exit_trap(status);
        exit_child(status)
    }

    /// The one way the shell forks a copy of itself: both sides of the
    /// fork put the child in process group `pgid` (`Some(0)`: a new one it
    /// leads), the shell traces `fork() = PID`, and the child drops what
    /// is the parent's business ([`Shell::become_child`]).
    pub(crate) fn fork_child(&mut self, pgid: Option<i32>) -> nix::Result<ForkResult> {
        // SAFETY: isosh is single-threaded, so the child may continue
        // running ordinary code after fork.
        let forked = unsafe { fork() }?;
        match forked {
            ForkResult::Child => {
                if let Some(pg) = pgid {
                    let _ = nix::unistd::setpgid(Pid::from_raw(0), Pid::from_raw(pg));
                }
                self.become_child();
            }
            ForkResult::Parent { child } => crate::trace::emit(|| format!("fork() = {child}")),
        }
        Ok(forked)
    }

    pub(crate) fn become_child(&mut self) {
        self.background.clear();
        self.exiting_inits.clear();
        self.launching_body = false;
        self.jobs.clear();
        self.terminal = None;
        self.fg_pgid = None;
        signals::init_child(self.ignore_interrupts);
        // A subshell keeps ignored signals but not trap commands (POSIX).
        for (cond, action) in &self.traps {
            if let (Some(sig), false) = (cond, action.is_empty()) {
                signals::set_disposition(*sig, signals::Disposition::Default { interactive: false });
            }
        }
        self.traps.retain(|cond, action| cond.is_some() && action.is_empty());
        // Signals noted for the parent's traps are the parent's business.
        drop(crate::signals::take_trapped());
    }

    /// Runs the commands of trapped signals that arrived; `$?` is kept.
    pub(crate) fn run_pending_traps(&mut self) -> Exec<()> {
        for sig in crate::signals::take_trapped() {
            if let Some(action) = self.traps.get(&Some(sig)).cloned() {
                let saved = self.state.last_status;
                self.run_source(&action, "trap")?;
                self.state.last_status = saved;
            }
        }
        Ok(())
    }

    /// The EXIT trap, run once as the shell ends with `status`; returns
    /// the status to exit with (an `exit N` in the trap changes it).
    pub fn run_exit_trap(&mut self, status: i32) -> i32 {
        let Some(action) = self.traps.remove(&None) else {
            return status;
        };
        self.state.last_status = status;
        match self.run_source(&action, "trap") {
            Err(Abort::Exit(s)) => s,
            _ => status,
        }
    }

    /// `cmd &`: the and-or list runs in a forked subshell with stdin from
    /// /dev/null; `$!` is its pid.
    fn run_background(&mut self, ao: &AndOr) -> Exec {
        let job_control = self.terminal.is_some();
        // Under job control its own process group, never the terminal's;
        // without, it ignores the terminal's SIGINT and SIGQUIT.
        let ignored = self.ignore_interrupts;
        self.ignore_interrupts |= !job_control;
        let forked = self.fork_child(job_control.then_some(0));
        if !matches!(forked, Ok(ForkResult::Child)) {
            self.ignore_interrupts = ignored;
        }
        match forked {
            Ok(ForkResult::Child) => {
                // Without job control a background job reads /dev/null (POSIX 2.9.3).
                if self.background_reads_null()
                    && let Err(e) = spawn::apply_op(&plan::background_stdin(), &NoPipes)
                {
                    self.error(&format!("/dev/null: {}", crate::exec::spawn::errno_text(e)));
                }
                let status = self.run_and_or(ao, true).unwrap_or_else(Abort::status);
                self.exit_subshell(status)
            }
            Ok(ForkResult::Parent { child }) => {
                self.background.push(child);
                self.state.last_background = Some(child.as_raw());
                let id = self.add_job(child, vec![child], &format!("{ao} &"), jobs::JobState::Running);
                if job_control {
                    let _ = nix::unistd::setpgid(child, child);
                    let _ = write_all(2, format!("[{id}] {child}\n").as_bytes());
                }
                Ok(0)
            }
            Err(e) => {
                self.error(&format!("fork: {}", crate::exec::spawn::errno_text(e)));
                Ok(1)
            }
        }
    }

    /// The pid (process group leader) of a job named `%N`, `%%`, `%+`,
    /// `%-` or `%text`.
    pub(crate) fn job_pid(&self, spec: &str) -> Option<i32> {
        spec.strip_prefix('%')?;
        self.find_job(spec).map(|i| self.jobs[i].pgid.as_raw())
    }

    /// Adds a command line to the history (consecutive duplicates once),
    /// keeping at most `size` entries.
    pub fn remember(&mut self, line: &str, size: usize) {
        if self.history.back().is_some_and(|l| l == line) {
            return;
        }
        self.history.push_back(line.to_string());
        while self.history.len() > size {
            self.history.pop_front();
        }
    }

    /// Notes an isolate block's init that is still exiting, and reaps those
    /// noted before that have finished (so a loop of blocks leaves at most a
    /// few zombies behind it).
    pub(crate) fn note_exiting_init(&mut self, init: Pid) {
        wait::reap_finished(&mut self.exiting_inits);
        self.exiting_inits.push(init);
    }

    /// Every background job not yet reaped (for `wait`).
    pub(crate) fn take_background(&mut self) -> Vec<Pid> {
        std::mem::take(&mut self.background)
    }

    /// The background job with this pid, if it is ours and not yet reaped.
    pub(crate) fn take_background_pid(&mut self, pid: i32) -> Option<Pid> {
        let i = self.background.iter().position(|p| p.as_raw() == pid)?;
        Some(self.background.remove(i))
    }

    /// Parses and runs `text` in this shell (`eval`, `.`): each complete
    /// command as it is parsed; `return`, `break` and the like pass through.
    pub(crate) fn run_source(&mut self, text: &str, name: &str) -> Exec {
        let source = Rc::new(Source { name: name.to_string(), text: text.to_string(), first_line: 1 });
        self.in_source(source, |sh| sh.run_source_inner(text, name))
    }

    fn run_source_inner(&mut self, text: &str, name: &str) -> Exec {
        let mut parser = crate::syntax::Parser::new(text);
        let mut status = 0;
        loop {
            match parser.next_command() {
                Ok(None) => return Ok(status),
                Ok(Some(cmd)) => {
                    status = self.run_list(&cmd.list)?;
                    self.state.last_status = status;
                }
                Err(e) => {
                    self.error_unlocated(&e.render(name, text, 1));
                    return Err(self.fatal_unless_interactive(2));
                }
            }
        }
    }

    /// Waits for a foreground child (noting a Ctrl-Z stop under job
    /// control) and returns its `$?`, saying if a signal killed it.
    pub(crate) fn wait_fg(&mut self, pid: Pid) -> i32 {
        let ended = self.wait_foreground(pid);
        self.report_signal(ended);
        ended.status()
    }

    /// Waits for a child and returns its `$?`, saying if a signal killed it.
    pub(crate) fn wait_reporting(&self, pid: Pid) -> i32 {
        let ended = wait_for(pid);
        self.report_signal(ended);
        ended.status()
    }

    fn report_signal(&self, ended: Ended) {
        if let Some(msg) = ended.message() {
            let _ = write_all(2, format!("{msg}\n").as_bytes());
        } else if self.state.options.interactive && ended == Ended::Signaled(nix::sys::signal::Signal::SIGINT, false) {
            // The terminal echoed ^C; start the next prompt on a fresh line.
            let _ = write_all(2, b"\n");
        }
    }

    fn plan_failed(&self, failure: PlanFailure) -> Exec {
        match failure {
            PlanFailure::Expand(e) => Err(self.expansion_failed(e)),
            // dash counts a bad fd word as a syntax error: fatal in scripts.
            PlanFailure::Plan(e) => {
                self.error(&e.to_string());
                Err(self.fatal_unless_interactive(STATUS_FAILED_SETUP))
            }
        }
    }

    /// Runs a command list in a forked child (an isolate block's body) and
    /// returns the status it should exit with.
    pub(crate) fn run_list_in_child(&mut self, list: &List) -> i32 {
        self.become_child();
        for sig in [nix::sys::signal::Signal::SIGTERM, nix::sys::signal::Signal::SIGHUP] {
            if !crate::signals::ignored_on_entry(sig) {
                // SAFETY: resetting a disposition to SIG_DFL.
                unsafe { libc::signal(sig as libc::c_int, libc::SIG_DFL) };
            }
        }
        // The list's last command may become this process (saves a fork).
        self.run_list_as(list, true).unwrap_or_else(Abort::status)
    }

    /// For an isolate block's init: when `list` is one simple command whose
    /// name is a plain word naming no alias, function or builtin, runs it
    /// up to the start of the program — the way the shell starts any
    /// program, with no copy of init's memory to make and throw away — and
    /// gives its pid, or the status when it could not start. `None` for any
    /// other list (init forks a copy of the shell for it).
    pub(crate) fn start_program(&mut self, list: &List) -> Option<Result<Pid, i32>> {
        let name = sole_program_name(list)?;
        if self.functions.contains_key(name) || self.aliases.contains_key(name) {
            return None;
        }
        self.launching_body = true;
        let status = self.run_list(list).unwrap_or_else(Abort::status);
        self.launching_body = false;
        Some(self.launched_body.take().ok_or(status))
    }

    /// Expands the redirections of a command into fd operations.
    pub(crate) fn redirect_ops(&mut self, redirects: &[Redirect]) -> Result<Vec<FdOp>, PlanFailure> {
        if redirects.is_empty() {
            return Ok(Vec::new());
        }
        let mut expanded = Vec::with_capacity(redirects.len());
        for r in redirects {
            let target = match &r.heredoc {
                Some(body) => expand::expand_heredoc(self, &body.0.borrow()),
                None => expand::expand_single(self, &r.target, false),
            };
            expanded.push(Redirection { fd: r.fd, op: r.op, target: target.map_err(PlanFailure::Expand)? });
        }
        let mut ops = Vec::with_capacity(expanded.len());
        plan::redirection_ops(&expanded, self.state.options.noclobber, &mut ops).map_err(PlanFailure::Plan)?;
        Ok(ops)
    }

    fn run_simple(&mut self, sc: &SimpleCommand, last: bool) -> Exec {
        self.substitution_status = None;
        self.current_offset = sc.span.start;
        if !self.aliases.is_empty()
            && let Some(expanded) = self.alias_text(sc)
        {
            let name = sc.words[0].to_string();
            self.expanding_aliases.push(name);
            let r = self.run_source(&expanded, "alias");
            self.expanding_aliases.pop();
            return r;
        }
        let subs_before = self.proc_subs.len();
        let argv = expand::expand_words(self, &sc.words).map_err(|e| self.expansion_failed(e))?;
        // `/dev/fd/N` of `<(…)` in the arguments must survive exec.
        let inherit: Vec<RawFd> = self.proc_subs[subs_before..].iter().map(AsRawFd::as_raw_fd).collect();
        // Assignments are made left to right, each seeing the ones before
        // it. Before a command other than a special builtin they last for
        // that command only, so their old values are kept to put back.
        let persist = argv.first().is_none_or(|n| builtins::find(n).is_some_and(|b| b.special));
        let mut assigns = Vec::with_capacity(sc.assignments.len());
        let mut undo = Vec::new();
        let mut result = Ok(0);
        for a in &sc.assignments {
            if self.state.vars.is_readonly(&a.name) {
                self.error(&format!("{}: is read only", a.name));
                result = Err(self.fatal_unless_interactive(STATUS_FAILED_SETUP));
                break;
            }
            match expand::expand_single(self, &a.value, true) {
                Ok(v) => {
                    if !persist {
                        undo.push((a.name.clone(), self.state.vars.get(&a.name).map(String::from)));
                    }
                    self.state.vars.set(&a.name, v.clone());
                    assigns.push((a.name.clone(), v));
                }
                Err(e) => {
                    result = Err(self.expansion_failed(e));
                    break;
                }
            }
        }
        if result.is_ok() {
            result = self.run_expanded(sc, &argv, &assigns, &inherit, last);
        }
        for (k, old) in undo.into_iter().rev() {
            match old {
                Some(v) => self.state.vars.set(&k, v),
                None => self.state.vars.unset(&k),
            }
        }
        result
    }

    /// The command with its first word replaced by an alias: an unquoted
    /// first word (no assignments before it) naming an alias that is not
    /// already being expanded.
    fn alias_text(&self, sc: &SimpleCommand) -> Option<String> {
        let first = sc.words.first()?.as_plain_literal()?;
        if !sc.assignments.is_empty() || self.expanding_aliases.iter().any(|a| a == first) {
            return None;
        }
        let value = self.aliases.get(first)?;
        let rest = SimpleCommand {
            assignments: Vec::new(),
            words: sc.words[1..].to_vec(),
            redirects: sc.redirects.clone(),
            span: sc.span,
        };
        Some(format!("{value} {rest}"))
    }

    /// The rest of a simple command once its words and assignments are
    /// expanded: redirections, tracing, running.
    fn run_expanded(
        &mut self,
        sc: &SimpleCommand,
        argv: &[String],
        assigns: &[(String, String)],
        inherit: &[RawFd],
        last: bool,
    ) -> Exec {
        let mut ops = match self.redirect_ops(&sc.redirects) {
            Ok(ops) => ops,
            Err(failure) => return self.plan_failed(failure),
        };
        ops.extend(inherit.iter().map(|&fd| FdOp::Inherit { fd }));
        if self.state.options.xtrace {
            self.trace(assigns, argv);
        }
        if argv.is_empty() {
            // Only assignments and redirections: the redirections are made
            // (creating files) and undone; the status is that of the last
            // command substitution, if any.
            let status = self.substitution_status.unwrap_or(0);
            return self.with_redirections_as(&ops, true, last, |_| Ok(status));
        }
        self.dispatch(argv, assigns, &ops, last)
    }

    /// Runs an expanded, non-empty command line: a builtin or a program.
    /// `assigns` are already in the shell's variables; a program also gets
    /// them in its environment.
    fn dispatch(&mut self, argv: &[String], assigns: &[(String, String)], ops: &[FdOp], last: bool) -> Exec {
        let name = &argv[0];
        // Special builtins come before functions, functions before the rest.
        if self.runner(name) == Runner::Function
            && let Some((body, origin)) = self.functions.get(name).cloned()
        {
            return self.with_redirections(ops, false, |sh| match origin {
                Some(o) => sh.in_source(o, |sh| sh.call_function(&body, argv)),
                None => sh.call_function(&body, argv),
            });
        }
        self.dispatch_command(argv, assigns, ops, last)
    }

    /// A builtin or a program (not a function).
    fn dispatch_command(&mut self, argv: &[String], assigns: &[(String, String)], ops: &[FdOp], last: bool) -> Exec {
        let name = &argv[0];
        if argv.get(1).is_some_and(|a| a == "--help")
            && let Some(usage) = builtins::usage(name)
        {
            let text = format!("usage: {usage}\n");
            return self.with_redirections(ops, false, |_| Ok(if spawn::write_str(1, &text).is_ok() { 0 } else { 1 }));
        }
        match builtins::find(name) {
            None => self.run_external(name, argv, assigns, ops, last),
            Some(b) => match b.kind {
                builtins::Kind::Exec => self.exec_builtin(&argv[1..], assigns, ops),
                builtins::Kind::Run(run) => self.with_redirections_as(ops, b.special, last, |sh| run(sh, argv)),
            },
        }
    }

    /// `command NAME args…`: runs an already expanded command line,
    /// skipping functions.
    pub fn run_argv(&mut self, argv: &[String]) -> Exec {
        self.dispatch_command(argv, &[], &[], false)
    }

    /// Where `name` would run from, under the current `$PATH`.
    pub fn lookup_path(&mut self, name: &str) -> Lookup {
        let path_var = self.state.vars.get("PATH").unwrap_or(DEFAULT_PATH).to_string();
        self.paths.lookup(name, &path_var)
    }

    /// Runs `body` with `ops` applied to the shell's own fds, then undoes
    /// them (in a forked child there is nothing to undo).
    pub(crate) fn with_redirections(
        &mut self,
        ops: &[FdOp],
        special: bool,
        body: impl FnOnce(&mut Self) -> Exec,
    ) -> Exec {
        self.with_redirections_as(ops, special, false, body)
    }

    /// [`Shell::with_redirections`]; with `last` (nothing runs in this
    /// process afterwards) the redirections are not undone.
    pub(crate) fn with_redirections_as(
        &mut self,
        ops: &[FdOp],
        special: bool,
        last: bool,
        body: impl FnOnce(&mut Self) -> Exec,
    ) -> Exec {
        if ops.is_empty() {
            return body(self);
        }
        if self.in_shell_launch(last) == Launch::InShellPermanent {
            if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
                self.error(&spawn::describe_failure(op, e));
                return Ok(STATUS_FAILED_SETUP);
            }
            return body(self);
        }
        let saved = match SavedFds::apply(ops) {
            Ok(saved) => saved,
            Err(msg) => {
                self.error(&msg);
                return if special {
                    Err(self.fatal_unless_interactive(STATUS_FAILED_SETUP))
                } else {
                    Ok(STATUS_FAILED_SETUP)
                };
            }
        };
        let result = body(self);
        saved.restore();
        result
    }

    /// `exec`: with a command, replace the shell; without one, make the
    /// redirections permanent in the shell's own fd table.
    fn exec_builtin(&mut self, args: &[String], assigns: &[(String, String)], ops: &[FdOp]) -> Exec {
        if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
            self.error(&spawn::describe_failure(op, e));
            return Err(self.fatal_unless_interactive(STATUS_FAILED_SETUP));
        }
        let Some(name) = args.first() else {
            return Ok(0);
        };
        let status = match self.exec_image(name, args, assigns) {
            Ok(image) => {
                let e = image.exec();
                self.exec_failure(name, e)
            }
            Err(u) => u.report(self, name),
        };
        // A failed exec ends a script, but not an interactive shell.
        Err(self.fatal_unless_interactive(status))
    }

    /// Prepares the `execve` of `name`.
    fn exec_image(
        &mut self,
        name: &str,
        argv: &[String],
        assigns: &[(String, String)],
    ) -> Result<ExecImage, Unrunnable> {
        let Lookup::Found(path) = self.lookup_path(name) else {
            return Err(Unrunnable::NotFound);
        };
        let path = CString::new(path.into_os_string().into_encoded_bytes()).ok();
        let argv: Option<Vec<CString>> = argv.iter().map(|a| crate::bytes::cstring(a)).collect();
        let (Some(path), Some(argv)) = (path, argv) else {
            return Err(Unrunnable::NulByte);
        };
        let envp = if assigns.is_empty() {
            self.environment()
        } else {
            Rc::new(CStrArray::new(self.state.vars.environment(assigns)))
        };
        Ok(ExecImage::new(path, argv, envp))
    }

    fn environment(&mut self) -> Rc<CStrArray> {
        let generation = self.state.vars.env_generation();
        match &self.env_block {
            Some((g, block)) if *g == generation => block.clone(),
            _ => {
                let block = Rc::new(CStrArray::new(self.state.vars.environment(&[])));
                self.env_block = Some((generation, block.clone()));
                block
            }
        }
    }

    /// Prints why `execve` failed and returns the POSIX status for it.
    fn exec_failure(&self, name: &str, e: nix::errno::Errno) -> i32 {
        self.error(&format!("{name}: {}", crate::exec::spawn::errno_text(e)));
        if e == nix::errno::Errno::ENOENT { STATUS_NOT_FOUND } else { STATUS_NOT_EXECUTABLE }
    }

    fn run_external(
        &mut self,
        name: &str,
        argv: &[String],
        assigns: &[(String, String)],
        ops: &[FdOp],
        last: bool,
    ) -> Exec {
        let image = self.exec_image(name, argv, assigns);
        if let Err(u) = image
            && ops.is_empty()
        {
            // Nothing to redirect first: no need to fork just to complain.
            return Ok(u.report(self, name));
        }
        let how = self.program_launch(last, image.is_ok());
        if how == Launch::ExecInPlace {
            // The last thing this forked process does: become the command.
            return Ok(self.wire_and_exec(name, &image, ops));
        }
        // Traced or not, the same path: the vfork child's calls are
        // reported by the shell (see spawn::vfork_exec).
        if let (Launch::Vfork, Ok(image)) = (how, &image) {
            // What the shell ignores (interactive: Ctrl-C, Ctrl-\\, job-control
            // stops) the command must not.
            let defaults: &[libc::c_int] = if self.ignore_interrupts {
                &[libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU]
            } else {
                &[libc::SIGINT, libc::SIGQUIT, libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU]
            };
            if let Some(pid) = spawn::vfork_exec(image, ops, defaults, self.child_pgid()) {
                return Ok(self.started(Pid::from_raw(pid)));
            }
        }
        let pgid = self.child_pgid();
        match self.fork_child(pgid) {
            Ok(ForkResult::Child) => {
                let status = self.wire_and_exec(name, &image, ops);
                exit_child(status)
            }
            Ok(ForkResult::Parent { child }) => Ok(self.started(child)),
            Err(e) => {
                self.error(&format!("fork: {}", crate::exec::spawn::errno_text(e)));
                Ok(STATUS_NOT_EXECUTABLE)
            }
        }
    }

    /// A program has just started: wait for it — or, while init starts a
    /// block's body, hand it over (see [`Shell::start_program`]).
    fn started(&mut self, pid: Pid) -> i32 {
        if std::mem::take(&mut self.launching_body) {
            self.launched_body = Some(pid);
            return 0;
        }
        self.adopt_foreground(pid);
        self.wait_fg(pid)
    }

    /// In the process that will run the command: apply its fd operations,
    /// then exec. Returns only on failure, with the status to exit with.
    fn wire_and_exec(&self, name: &str, image: &Result<ExecImage, Unrunnable>, ops: &[FdOp]) -> i32 {
        if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
            self.error(&spawn::describe_failure(op, e));
            return STATUS_FAILED_SETUP;
        }
        match image {
            Ok(image) => {
                let e = image.exec();
                self.exec_failure(name, e)
            }
            // The lookup failed in the parent; say so on the redirected fd 2.
            Err(u) => u.report(self, name),
        }
    }

    /// `set -x`: `+ A=1 cmd 'arg with space'` on fd 2.
    fn trace(&self, assigns: &[(String, String)], argv: &[String]) {
        let ps4 = self.state.vars.get("PS4").unwrap_or("+ ");
        let mut line = ps4.to_string();
        let words = assigns.iter().map(|(k, v)| format!("{k}={}", quote(v))).chain(argv.iter().map(|a| quote(a)));
        line.push_str(&words.collect::<Vec<_>>().join(" "));
        line.push('\n');
        let _ = spawn::write_str(2, &line);
    }
}

/// Why a command cannot even be handed to `execve`.
#[derive(Debug, Clone, Copy)]
enum Unrunnable {
    NotFound,
    NulByte,
}

impl Unrunnable {
    /// Prints the reason and returns the status.
    fn report(self, sh: &Shell, name: &str) -> i32 {
        match self {
            Unrunnable::NotFound => {
                sh.error(&format!("{name}: command not found"));
                STATUS_NOT_FOUND
            }
            Unrunnable::NulByte => {
                sh.error(&format!("{name}: argument contains a NUL byte"));
                STATUS_NOT_EXECUTABLE
            }
        }
    }
}

impl expand::Context for Shell {
    fn state(&self) -> &State {
        &self.state
    }

    fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    /// `$(list)`: a forked copy of the shell runs the list with its stdout
    /// on a pipe; the shell reads it all, then waits.
    fn command_output(&mut self, list: &List) -> Result<String, ExpandError> {
        let (mut reader, writer) = os_pipe::pipe().map_err(|e| ExpandError::Message("$(…)".into(), e.to_string()))?;
        match self.fork_child(None) {
            Ok(ForkResult::Child) => {
                drop(reader);
                let moved = spawn::apply_op(&FdOp::Dup { src: FdRef::Fd(writer.as_raw_fd()), dst: 1 }, &NoPipes);
                drop(writer);
                if moved.is_err() {
                    exit_child(STATUS_FAILED_SETUP);
                }
                let status = self.run_list_in_child(list);
                self.exit_subshell(status)
            }
            Ok(ForkResult::Parent { child }) => {
                drop(writer);
                let mut bytes = Vec::new();
                let _ = std::io::Read::read_to_end(&mut reader, &mut bytes);
                let status = self.wait_reporting(child);
                self.state.last_status = status;
                self.substitution_status = Some(status);
                if bytes.contains(&0) {
                    // As bash: the NULs go, with a warning.
                    self.error("warning: command substitution: ignored null byte in input");
                    bytes.retain(|&b| b != 0);
                }
                let mut text = crate::bytes::decode_vec(bytes);
                text.truncate(text.trim_end_matches('\n').len());
                Ok(text)
            }
            Err(e) => Err(ExpandError::Message("$(…)".into(), format!("fork: {}", spawn::errno_text(e)))),
        }
    }

    fn process_substitution(&mut self, list: &List, output: bool) -> Result<String, ExpandError> {
        self.start_process_substitution(list, output)
    }
}

impl Shell {
    /// `<(list)` / `>(list)`: a pipe, a forked shell running the list with
    /// its stdout (or stdin) on one end; the shell keeps the other end,
    /// close-on-exec, until the command it belongs to ends.
    fn start_process_substitution(&mut self, list: &List, output: bool) -> Result<String, ExpandError> {
        let failed = |e: String| ExpandError::Message(if output { ">(…)" } else { "<(…)" }.into(), e);
        let (reader, writer) = os_pipe::pipe().map_err(|e| failed(e.to_string()))?;
        crate::trace::emit(|| format!("pipe2([{}, {}], O_CLOEXEC)", reader.as_raw_fd(), writer.as_raw_fd()));
        let (theirs, ours): (std::os::fd::OwnedFd, std::os::fd::OwnedFd) =
            if output { (reader.into(), writer.into()) } else { (writer.into(), reader.into()) };
        match self.fork_child(None) {
            Ok(ForkResult::Child) => {
                // Earlier substitutions' ends are not this list's to hold
                // open (a reader would wait for EOF on them).
                self.close_proc_subs(0);
                let (end, dst) = (theirs.as_raw_fd(), if output { 0 } else { 1 });
                let mut ops =
                    vec![FdOp::Dup { src: FdRef::Fd(end), dst }, FdOp::Close { fd: FdRef::Fd(ours.as_raw_fd()) }];
                if end != dst {
                    ops.push(FdOp::Close { fd: FdRef::Fd(end) });
                }
                if spawn::apply_all(&ops, &NoPipes).is_err() {
                    exit_child(STATUS_FAILED_SETUP);
                }
                std::mem::forget(theirs);
                std::mem::forget(ours);
                let status = self.run_list_in_child(list);
                self.exit_subshell(status)
            }
            Ok(ForkResult::Parent { child }) => {
                crate::trace::emit(|| format!("close({})", theirs.as_raw_fd()));
                drop(theirs);
                // Out of the way of the command's own redirections, as
                // bash's /dev/fd/63.
                let low = ours.as_raw_fd();
                let ours = spawn::dup_above(std::os::fd::AsFd::as_fd(&ours), PROC_SUB_FLOOR)
                    .map_err(|e| failed(e.to_string()))?;
                crate::trace::emit(|| {
                    format!("fcntl({low}, F_DUPFD_CLOEXEC, {PROC_SUB_FLOOR}) = {}\nclose({low})", ours.as_raw_fd())
                });
                self.background.push(child);
                self.state.last_background = Some(child.as_raw());
                let name = format!("/dev/fd/{}", ours.as_raw_fd());
                self.proc_subs.push(ours);
                Ok(name)
            }
            Err(e) => Err(failed(format!("fork: {}", spawn::errno_text(e)))),
        }
    }
}

/// The one simple command `list` consists of: not in the background, not
/// negated, not part of an and-or list or pipeline.
fn single_simple_command(list: &List) -> Option<&SimpleCommand> {
    let [item] = list.items.as_slice() else { return None };
    if item.background || !item.and_or.rest.is_empty() || item.and_or.first.negated {
        return None;
    }
    match item.and_or.first.commands.as_slice() {
        [Command::Simple(sc)] => Some(sc),
        _ => None,
    }
}

/// The name of the program `list` runs, when the list is one simple
/// command whose name is a plain word that no expansion can change and that
/// names no builtin. (Functions and aliases are for the caller to rule out.)
pub(crate) fn sole_program_name(list: &List) -> Option<&str> {
    let name = single_simple_command(list)?.words.first()?.as_plain_literal()?;
    // Tilde and pathname expansion could still change a plain word.
    let expands = name.starts_with('~') || name.contains(['*', '?', '[']);
    (!expands && builtins::find(name).is_none()).then_some(name)
}

pub(crate) enum PlanFailure {
    Expand(ExpandError),
    Plan(PlanError),
}

/// Quotes a word for display so that the shell would read it back the same.
pub fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || "_-./,:=+@%^".contains(c);
    if !s.is_empty() && s.chars().all(safe) { s.to_string() } else { quote_always(s) }
}

/// `'text'`, with embedded single quotes as `'\''` (how dash lists variables).
pub fn quote_always(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
