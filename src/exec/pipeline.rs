//! Lists, and-or lists and pipelines: one fork per stage, wired by pipes;
//! background jobs; the command a pipeline of one runs as is.

use super::*;
use spawn::PipeFds;

impl Shell {
    pub(crate) fn run_list(&mut self, list: &List) -> Exec {
        self.run_list_as(list, false)
    }

    /// Whether a command run with `last` set may replace this process: it
    /// is the last thing the process does (dash's `EV_EXIT`) and no trap
    /// is waiting to run after it.
    pub(super) fn may_exec_in_place(&self, last: bool) -> bool {
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

    pub(super) fn run_and_or(&mut self, ao: &AndOr, in_place: bool) -> Exec {
        let n = ao.rest.len();
        let mut status = self.run_tested(&ao.first, n > 0, in_place && n == 0)?;
        let mut last = &ao.first;
        for (i, (op, p)) in ao.rest.iter().enumerate() {
            let run = match op {
                AndOrOp::And => status == 0,
                AndOrOp::Or => status != 0,
            };
            if run {
                status = self.run_tested(p, i + 1 < n, in_place && i + 1 == n)?;
                last = p;
            }
        }
        // `set -e` ignores failures on the left of && and ||, and after `!`
        // (in the whole of what runs there, function bodies included). A
        // compound command made of commands (`{ }`, `if`, loops, `case`)
        // has applied `-e` to them: a failure it ends with was ignored there.
        let last_ran_is_final = std::ptr::eq(last, ao.rest.last().map_or(&ao.first, |(_, p)| p));
        let ran_compound = matches!(last.commands.as_slice(), [Command::Compound(cc)] if matches!(cc.kind,
            CompoundKind::Brace(_) | CompoundKind::If { .. } | CompoundKind::Loop { .. }
            | CompoundKind::For { .. } | CompoundKind::Case { .. }));
        if status != 0
            && self.state.options.errexit
            && self.nesting.errexit_suppressed == 0
            && last_ran_is_final
            && !last.negated
            && !ran_compound
        {
            return Err(Abort::Exit(status));
        }
        Ok(status)
    }

    /// Runs a pipeline of an and-or list; `-e` is ignored inside it when
    /// its status is tested (`left` of `&&`/`||`) or negated.
    fn run_tested(&mut self, p: &Pipeline, left: bool, in_place: bool) -> Exec {
        let tested = left || p.negated;
        self.nesting.errexit_suppressed += usize::from(tested);
        let r = self.run_pipeline(p, in_place);
        self.nesting.errexit_suppressed -= usize::from(tested);
        r
    }

    pub(super) fn run_pipeline(&mut self, p: &Pipeline, last: bool) -> Exec {
        let Some(how) = p.timed else {
            return self.run_pipeline_untimed(p, last);
        };
        // Timed: the shell must outlive the pipeline to report.
        let start = time::Start::now();
        let status = if p.commands.is_empty() { Ok(0) } else { self.run_pipeline_untimed(p, false) };
        match start.report(how, self.state.vars.get("TIMEFORMAT")) {
            Ok(Some(report)) => drop(spawn::write_str(2, &report)),
            Ok(None) => {}
            Err(bad) => self.error(&bad.to_string()),
        }
        status
    }

    pub(super) fn run_pipeline_untimed(&mut self, p: &Pipeline, last: bool) -> Exec {
        self.jobs.fg_pgid = None;
        // Under job control an isolate block gets a supervisor process of
        // its own, in the job's process group: Ctrl-Z then stops the block
        // as a whole, and its cleanup waits for it wherever it runs.
        let status = match p.commands.as_slice() {
            [one] if !launch::pipeline_forks(p, self.jobs.terminal.is_some()) => {
                self.run_command(one, last && !p.negated)
            }
            stages => Ok(self.run_stages(stages)),
        };
        if self.jobs.terminal.is_some() {
            self.finish_foreground(&p.to_string());
        }
        let status = status?;
        let status = if p.negated { (status == 0) as i32 } else { status };
        self.state.last_status = status;
        Ok(status)
    }

    pub(super) fn run_command(&mut self, cmd: &Command, last: bool) -> Exec {
        let mark = self.proc_subs.len();
        let r = self.run_command_here(cmd, last);
        if self.proc_subs.len() > mark {
            self.close_proc_subs(mark);
        }
        r
    }

    /// Closes the shell's ends of the process substitutions made since
    /// `mark` (their command has ended).
    pub(super) fn close_proc_subs(&mut self, mark: usize) {
        for fd in self.proc_subs.drain(mark..) {
            crate::trace::emit(|| format!("close({})", fd.as_raw_fd()));
            drop(fd);
        }
    }

    pub(super) fn run_command_here(&mut self, cmd: &Command, last: bool) -> Exec {
        match cmd {
            Command::Simple(sc) => self.run_simple(sc, last),
            Command::Compound(cc) => self.run_compound(cc, last),
            Command::FunctionDef(def) => {
                let origin = self.sources.stack.last().cloned();
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
    pub(super) fn run_stages(&mut self, commands: &[Command]) -> i32 {
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

    pub(super) fn run_stage_child(&mut self, cmd: &Command, pipes: &StagePipes, stages: usize) -> ! {
        let ops = plan::pipe_ops(pipes.index, stages);
        if let Err((op, e)) = spawn::apply_all(&ops, pipes) {
            self.error(&spawn::describe_failure(op, e));
            exit_child(STATUS_FAILED_SETUP);
        }
        // The stage's command is the last thing this process does.
        let status = self.run_command(cmd, true).unwrap_or_else(Abort::status);
        self.exit_subshell(status)
    }

    /// `cmd &`: the and-or list runs in a forked subshell with stdin from
    /// /dev/null; `$!` is its pid.
    pub(super) fn run_background(&mut self, ao: &AndOr) -> Exec {
        let job_control = self.jobs.terminal.is_some();
        // Under job control its own process group, never the terminal's;
        // without, it ignores the terminal's SIGINT and SIGQUIT.
        let ignored = self.jobs.ignore_interrupts;
        self.jobs.ignore_interrupts |= !job_control;
        let forked = self.fork_child(job_control.then_some(0));
        if !matches!(forked, Ok(ForkResult::Child)) {
            self.jobs.ignore_interrupts = ignored;
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
                self.jobs.background.push(child);
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
}

/// The pipe ends a pipeline stage was forked with.
pub(super) struct StagePipes {
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
