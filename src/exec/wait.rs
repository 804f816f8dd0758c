//! Waiting for children and turning how they ended into `$?`.

use nix::errno::Errno;
use nix::sys::signal::Signal;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Exited with this status.
    Exited(i32),
    /// Killed by this signal; `true` when it dumped core.
    Signaled(Signal, bool),
    /// Stopped by a signal (Ctrl-Z) under job control.
    Stopped(Signal),
}

impl Ended {
    /// `$?`: the exit code, or 128 + the signal number.
    pub fn status(self) -> i32 {
        match self {
            Ended::Exited(n) => n,
            Ended::Signaled(sig, _) | Ended::Stopped(sig) => 128 + sig as i32,
        }
    }

    /// What the shell says about a child killed by a signal, as dash does
    /// ("Killed", "Segmentation fault (core dumped)"). Nothing for SIGINT
    /// (the user pressed Ctrl-C) and SIGPIPE (a normal end for a pipeline
    /// writer whose reader is done).
    pub fn message(self) -> Option<String> {
        let Ended::Signaled(sig, core) = self else { return None };
        if matches!(sig, Signal::SIGINT | Signal::SIGPIPE) {
            return None;
        }
        // SAFETY: strsignal returns a pointer to a static or thread-local
        // string; isosh is single-threaded and copies it at once.
        let text = unsafe { std::ffi::CStr::from_ptr(libc::strsignal(sig as i32)) }.to_string_lossy().into_owned();
        Some(if core { format!("{text} (core dumped)") } else { text })
    }
}

/// Blocks until `pid` ends.
pub fn wait_for(pid: Pid) -> Ended {
    loop {
        match waitpid(pid, None) {
            Ok(WaitStatus::Exited(_, code)) => return Ended::Exited(code),
            Ok(WaitStatus::Signaled(_, sig, core)) => return Ended::Signaled(sig, core),
            Ok(_) | Err(Errno::EINTR) => continue,
            // ECHILD: someone else reaped it; nothing more to know.
            Err(_) => return Ended::Exited(127),
        }
    }
}

/// Reaps whichever of `pids` have ended, without blocking; returns the rest.
pub fn reap_finished(pids: &mut Vec<Pid>) {
    pids.retain(|&pid| matches!(waitpid(pid, Some(WaitPidFlag::WNOHANG)), Ok(WaitStatus::StillAlive)));
}
