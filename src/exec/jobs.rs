//! Jobs: background jobs (`&`, numbered `%1`, `%2`, …) and, in an
//! interactive shell, job control as POSIX describes it — every pipeline in
//! its own process group, the foreground one owning the terminal, Ctrl-Z
//! stopping it, `fg`/`bg` resuming it, "Done"/"Stopped" notices.

use super::Shell;
use super::wait::Ended;
use nix::sys::signal::{Signal, killpg};
use nix::sys::termios::{SetArg, Termios, tcgetattr, tcsetattr};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getpgrp, setpgid, tcsetpgrp};
use std::os::fd::BorrowedFd;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Running (in the background).
    Running,
    /// Stopped by a signal (Ctrl-Z).
    Stopped,
    /// Ended with this status.
    Done(i32),
    /// Ended by a signal (`kill %N`): "Terminated", "Killed"…
    Killed(Signal),
}

impl JobState {
    /// The word `jobs` and the notices show: bash's "Running", "Stopped",
    /// "Done", "Exit N", or the signal's description.
    pub fn describe(self) -> String {
        match self {
            JobState::Running => "Running".into(),
            JobState::Stopped => "Stopped".into(),
            JobState::Done(0) => "Done".into(),
            JobState::Done(n) => format!("Exit {n}"),
            JobState::Killed(sig) => super::wait::Ended::Signaled(sig, false)
                .message()
                .unwrap_or_else(|| if sig == Signal::SIGINT { "Interrupt".into() } else { "Broken pipe".into() }),
        }
    }
}

/// A job: one pipeline in its own process group (`%N`).
#[derive(Debug, Clone)]
pub struct Job {
    /// Its number, `%N`.
    pub id: usize,
    /// Its process group.
    pub pgid: Pid,
    /// Processes not yet reaped.
    pub pids: Vec<Pid>,
    /// The command line, as shown by `jobs`.
    pub text: String,
    /// Where it is in its life.
    pub state: JobState,
}

/// The interactive shell's hold on its terminal.
#[derive(Debug)]
pub struct Terminal {
    /// The shell's own process group, which gets the terminal back.
    pub shell_pgid: Pid,
    /// The terminal modes the shell restores after a job stops or ends.
    modes: Option<Termios>,
}

fn tty() -> BorrowedFd<'static> {
    // SAFETY: fd 0 stays open for the shell's life at the prompt.
    unsafe { BorrowedFd::borrow_raw(0) }
}

impl Terminal {
    /// Puts the shell in its own process group and takes the terminal.
    pub fn take() -> Terminal {
        let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
        let shell_pgid = getpgrp();
        let _ = tcsetpgrp(tty(), shell_pgid);
        Terminal { shell_pgid, modes: tcgetattr(tty()).ok() }
    }

    /// Hands the terminal to process group `pgid` (the foreground job).
    pub fn give_to(&self, pgid: Pid) {
        let _ = tcsetpgrp(tty(), pgid);
    }

    /// Takes the terminal back and restores the shell's modes.
    pub fn reclaim(&self) {
        let _ = tcsetpgrp(tty(), self.shell_pgid);
        if let Some(m) = &self.modes {
            let _ = tcsetattr(tty(), SetArg::TCSADRAIN, m);
        }
    }
}

/// The mark after a job's number: `+` the current job (the latest), `-`
/// the one before, else a space.
pub fn job_mark(index: usize, jobs: usize) -> char {
    if index + 1 == jobs {
        '+'
    } else if index + 2 == jobs {
        '-'
    } else {
        ' '
    }
}

/// Job control: the jobs, the processes still to reap, and the terminal.
#[derive(Default)]
pub(crate) struct JobControl {
    /// Background and stopped jobs (`%N`).
    pub(crate) list: Vec<Job>,
    /// Background jobs not yet reaped.
    pub(crate) background: Vec<Pid>,
    /// Inits of isolate blocks that reported their body's status and are
    /// still tearing their namespaces down: reaped later, without waiting.
    pub(crate) exiting_inits: Vec<Pid>,
    /// Job control, when interactive: the shell's terminal.
    pub(crate) terminal: Option<Terminal>,
    /// The process group of the foreground pipeline being started.
    pub(crate) fg_pgid: Option<Pid>,
    /// Foreground processes that Ctrl-Z stopped while the shell waited.
    pub(crate) stopped_now: Vec<Pid>,
    /// `exit` with stopped jobs warns once.
    pub(crate) warned_stopped: bool,
    /// Children ignore SIGINT/SIGQUIT (inside a background job).
    pub(crate) ignore_interrupts: bool,
}

impl Shell {
    /// With job control: the process group a process forked now joins
    /// (0: it leads a new one). `None` without job control.
    pub(crate) fn child_pgid(&self) -> Option<i32> {
        self.jobs.terminal.as_ref()?;
        Some(self.jobs.fg_pgid.map_or(0, Pid::as_raw))
    }

    /// In the parent, right after forking a foreground process: put it in
    /// the job's group (both sides do it, so neither races the other) and
    /// give the group the terminal.
    pub(crate) fn adopt_foreground(&mut self, child: Pid) {
        let Some(term) = &self.jobs.terminal else { return };
        let pgid = *self.jobs.fg_pgid.get_or_insert(child);
        let _ = setpgid(child, pgid);
        term.give_to(pgid);
    }

    /// Waits for a foreground process; with job control, a stop counts as
    /// an end for now and leaves the process to the job table.
    pub(crate) fn wait_foreground(&mut self, pid: Pid) -> Ended {
        if self.jobs.terminal.is_none() {
            return super::wait::wait_for(pid);
        }
        loop {
            match waitpid(pid, Some(WaitPidFlag::WUNTRACED)) {
                Ok(WaitStatus::Exited(_, code)) => return Ended::Exited(code),
                Ok(WaitStatus::Signaled(_, sig, core)) => return Ended::Signaled(sig, core),
                Ok(WaitStatus::Stopped(_, sig)) => {
                    self.jobs.stopped_now.push(pid);
                    return Ended::Stopped(sig);
                }
                Ok(_) | Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return Ended::Exited(127),
            }
        }
    }

    /// After a foreground pipeline: take the terminal back; if Ctrl-Z
    /// stopped it, it becomes a stopped job.
    pub(crate) fn finish_foreground(&mut self, text: &str) {
        let Some(term) = &self.jobs.terminal else { return };
        term.reclaim();
        let pgid = self.jobs.fg_pgid.take();
        let stopped = std::mem::take(&mut self.jobs.stopped_now);
        if let (Some(pgid), false) = (pgid, stopped.is_empty()) {
            let id = self.add_job(pgid, stopped, text, JobState::Stopped);
            self.error_unlocated_raw(&format!("\n[{id}]+  Stopped                 {text}"));
        }
    }

    fn error_unlocated_raw(&self, line: &str) {
        let _ = super::spawn::write_str(2, &format!("{line}\n"));
    }

    /// Adds a job with the lowest free number.
    pub(crate) fn add_job(&mut self, pgid: Pid, pids: Vec<Pid>, text: &str, state: JobState) -> usize {
        let id = (1..).find(|n| !self.jobs.list.iter().any(|j| j.id == *n)).unwrap_or(1);
        self.jobs.list.push(Job { id, pgid, pids, text: text.to_string(), state });
        id
    }

    /// The job `%N`, `%%`/`%+` (the latest), `%-` (the one before), or
    /// `%text` (the job whose command starts with text).
    pub(crate) fn find_job(&self, spec: &str) -> Option<usize> {
        let rest = spec.strip_prefix('%').unwrap_or(spec);
        let n = self.jobs.list.len();
        match rest {
            "" | "%" | "+" => n.checked_sub(1),
            "-" => n.checked_sub(2),
            _ => match rest.parse::<usize>() {
                Ok(id) => self.jobs.list.iter().position(|j| j.id == id),
                Err(_) => self.jobs.list.iter().position(|j| j.text.starts_with(rest)),
            },
        }
    }

    /// Checks on background and stopped jobs without blocking; with job
    /// control, says which are done (before the next prompt).
    pub fn notify_jobs(&mut self) {
        for job in &mut self.jobs.list {
            job.pids.retain(|&pid| match waitpid(pid, Some(WaitPidFlag::WNOHANG | WaitPidFlag::WUNTRACED)) {
                Ok(WaitStatus::Exited(_, code)) => {
                    job.state = JobState::Done(code);
                    false
                }
                Ok(WaitStatus::Signaled(_, sig, _)) => {
                    job.state = JobState::Killed(sig);
                    false
                }
                Ok(WaitStatus::Stopped(..)) => {
                    job.state = JobState::Stopped;
                    true
                }
                Ok(_) => true,
                // Reaped elsewhere (`wait`): it is over.
                Err(_) => false,
            });
            if job.pids.is_empty() && job.state == JobState::Running {
                job.state = JobState::Done(0);
            }
        }
        let interactive = self.jobs.terminal.is_some();
        let mut done = Vec::new();
        let n = self.jobs.list.len();
        for (i, j) in self.jobs.list.iter().enumerate() {
            if matches!(j.state, JobState::Done(_) | JobState::Killed(_)) {
                let text = j.text.strip_suffix(" &").unwrap_or(&j.text);
                done.push(format!("[{}]{}  {:<24}{text}", j.id, job_mark(i, n), j.state.describe()));
            }
        }
        self.jobs.list.retain(|j| !matches!(j.state, JobState::Done(_) | JobState::Killed(_)));
        if interactive {
            for line in done {
                self.error_unlocated_raw(&line);
            }
        }
    }

    /// Continues a job (`fg`/`bg`). In the foreground it gets the terminal
    /// and the shell waits.
    pub(crate) fn continue_job(&mut self, index: usize, foreground: bool) -> i32 {
        let job = self.jobs.list[index].clone();
        if foreground {
            if let Some(term) = &self.jobs.terminal {
                term.give_to(job.pgid);
            }
            self.jobs.fg_pgid = Some(job.pgid);
        }
        let _ = killpg(job.pgid, Signal::SIGCONT);
        if !foreground {
            self.jobs.list[index].state = JobState::Running;
            return 0;
        }
        self.jobs.list.remove(index);
        let mut status = 0;
        for pid in &job.pids {
            let ended = self.wait_foreground(*pid);
            self.report_signal(ended);
            status = ended.status();
        }
        self.finish_foreground(&job.text);
        status
    }

    /// `kill %N` with SIGTERM or SIGHUP on a stopped job also continues it,
    /// so it can act on the signal now rather than at the next `fg` (as
    /// bash does).
    pub(crate) fn wake_if_stopped(&mut self, pgid: Pid, sig: Signal) {
        if !matches!(sig, Signal::SIGTERM | Signal::SIGHUP) {
            return;
        }
        if let Some(job) = self.jobs.list.iter_mut().find(|j| j.pgid == pgid && j.state == JobState::Stopped) {
            let _ = killpg(pgid, Signal::SIGCONT);
            job.state = JobState::Running;
        }
    }

    pub(crate) fn has_stopped_jobs(&self) -> bool {
        self.jobs.list.iter().any(|j| j.state == JobState::Stopped)
    }
}
