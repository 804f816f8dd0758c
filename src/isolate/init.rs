//! PID 1 of the block's pid namespace. The kernel gives a namespace's init
//! no default signal actions, so init catches SIGINT, SIGTERM and SIGHUP
//! and forwards them to the body; it reaps every orphan that is reparented
//! to it; and it exits with the body's status (its exit kills whatever is
//! left in the namespace). It never execs the body in its place.

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::sync::atomic::{AtomicI32, Ordering};

static PENDING: AtomicI32 = AtomicI32::new(0);

extern "C" fn note_signal(sig: libc::c_int) {
    PENDING.store(sig, Ordering::SeqCst);
}

pub const FORWARDED: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// Installs handlers without SA_RESTART, so a blocked `waitpid` or `read`
/// returns EINTR and the caller can act on the signal. A signal noted
/// before this call is forgotten.
pub fn catch(signals: &[Signal]) -> Vec<(Signal, SigAction)> {
    PENDING.store(0, Ordering::SeqCst);
    let action = SigAction::new(SigHandler::Handler(note_signal), SaFlags::empty(), SigSet::empty());
    // SAFETY: the handler only stores into an atomic.
    signals.iter().filter_map(|&s| unsafe { sigaction(s, &action) }.ok().map(|old| (s, old))).collect()
}

/// Puts back what [`catch`] replaced.
pub fn restore(saved: Vec<(Signal, SigAction)>) {
    for (s, old) in saved {
        // SAFETY: restoring a disposition that was installed before.
        let _ = unsafe { sigaction(s, &old) };
    }
}

/// The signal noted since the last call, if any.
pub fn take_pending() -> Option<Signal> {
    Signal::try_from(PENDING.swap(0, Ordering::SeqCst)).ok()
}

/// The `$?`-style status of a wait result for `pid`, if it is about `pid`.
pub fn status_of(ws: WaitStatus, pid: Pid) -> Option<i32> {
    match ws {
        WaitStatus::Exited(p, code) if p == pid => Some(code),
        WaitStatus::Signaled(p, sig, _) if p == pid => Some(128 + sig as i32),
        _ => None,
    }
}

/// Reaps children until `body` ends, forwarding signals to it.
pub fn run(body: Pid) -> i32 {
    loop {
        match waitpid(Pid::from_raw(-1), None) {
            Ok(ws) => {
                if let Some(status) = status_of(ws, body) {
                    return status;
                }
            }
            Err(Errno::EINTR) => {
                if let Some(sig) = take_pending() {
                    let _ = kill(body, sig);
                }
            }
            Err(_) => return 0,
        }
    }
}

/// Kills every other process left in the pid namespace (`kill(-1)` from
/// PID 1 spares only init itself) and reaps them all.
pub fn empty_namespace() {
    // Every process in the namespace descends from init: with no child
    // left, there is nothing to kill (and no need to walk every process on
    // the host, which kill(-1) does).
    if waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) == Err(Errno::ECHILD) {
        return;
    }
    let _ = kill(Pid::from_raw(-1), Signal::SIGKILL);
    loop {
        match waitpid(Pid::from_raw(-1), None) {
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => return,
        }
    }
}
