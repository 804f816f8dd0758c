//! The shell's own processes: forking a copy of itself (one way, with its
//! process group and trace), what a child drops, waiting, `$(…)` and
//! process substitution.

use super::*;

impl Shell {
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
        self.jobs.background.clear();
        self.jobs.exiting_inits.clear();
        self.jobs.list.clear();
        self.jobs.terminal = None;
        self.jobs.fg_pgid = None;
        signals::init_child(self.jobs.ignore_interrupts);
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

    /// Notes an isolate block's init that is still exiting, and reaps those
    /// noted before that have finished (so a loop of blocks leaves at most a
    /// few zombies behind it).
    pub(crate) fn note_exiting_init(&mut self, init: Pid) {
        wait::reap_finished(&mut self.jobs.exiting_inits);
        self.jobs.exiting_inits.push(init);
    }

    /// Every background job not yet reaped (for `wait`).
    pub(crate) fn take_background(&mut self) -> Vec<Pid> {
        std::mem::take(&mut self.jobs.background)
    }

    /// The background job with this pid, if it is ours and not yet reaped.
    pub(crate) fn take_background_pid(&mut self, pid: i32) -> Option<Pid> {
        let i = self.jobs.background.iter().position(|p| p.as_raw() == pid)?;
        Some(self.jobs.background.remove(i))
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

    pub(super) fn report_signal(&self, ended: Ended) {
        if let Some(msg) = ended.message() {
            let _ = write_all(2, format!("{msg}\n").as_bytes());
        } else if self.state.options.interactive && ended == Ended::Signaled(nix::sys::signal::Signal::SIGINT, false) {
            // The terminal echoed ^C; start the next prompt on a fresh line.
            let _ = write_all(2, b"\n");
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
        body_program(list, |n| self.functions.contains_key(n) || self.aliases.defined.contains_key(n))?;
        let sc = single_simple_command(list)?;
        let mut started = None;
        let mark = self.proc_subs.len();
        let status = self.run_simple_then(sc, false, Some(&mut started)).unwrap_or_else(Abort::status);
        self.close_proc_subs(mark);
        self.state.last_status = status;
        Some(started.ok_or(status))
    }
}

impl expand::Context for Shell {
    fn state(&self) -> &State {
        &self.state
    }

    fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    fn line(&self) -> usize {
        self.lineno()
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
                self.jobs.background.push(child);
                self.state.last_background = Some(child.as_raw());
                let name = format!("/dev/fd/{}", ours.as_raw_fd());
                self.proc_subs.push(ours);
                Ok(name)
            }
            Err(e) => Err(failed(format!("fork: {}", spawn::errno_text(e)))),
        }
    }
}

/// The executor is what an isolate block runs in.
impl crate::isolate::Host for Shell {
    type Abort = Abort;

    fn error(&self, msg: &str) {
        Shell::error(self, msg)
    }

    fn with_redirections(&mut self, ops: &[FdOp], special: bool, body: impl FnOnce(&mut Self) -> Exec) -> Exec {
        Shell::with_redirections(self, ops, special, body)
    }

    fn job_control(&self) -> bool {
        self.jobs.terminal.is_some()
    }

    fn note_exiting_init(&mut self, init: Pid) {
        Shell::note_exiting_init(self, init)
    }

    fn become_child(&mut self) {
        Shell::become_child(self)
    }

    fn start_program(&mut self, list: &List) -> Option<Result<Pid, i32>> {
        Shell::start_program(self, list)
    }

    fn run_list_in_child(&mut self, list: &List) -> i32 {
        Shell::run_list_in_child(self, list)
    }
}
