//! PID 1 of the block's pid namespace. The kernel gives a namespace's init
//! no default signal actions, so init catches SIGINT, SIGTERM and SIGHUP
//! and forwards them to the body (SIGINT only when it came during set-up:
//! later the body gets it in the process group it shares with init); it reaps every orphan that is reparented
//! to it; and it exits with the body's status (its exit kills whatever is
//! left in the namespace). It never execs the body in its place.

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, ppoll};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal, kill, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::os::fd::{BorrowedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

static PENDING: AtomicI32 = AtomicI32::new(0);

extern "C" fn note_signal(sig: libc::c_int) {
    PENDING.store(sig, Ordering::SeqCst);
}

pub const FORWARDED: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// Installs handlers without SA_RESTART, so a blocked `waitpid` or `read`
/// returns EINTR and the caller can act on the signal. A signal noted
/// before this call is forgotten. A clone of the caller inherits the
/// handlers, and with them notes what is sent to it.
pub fn catch(signals: &[Signal]) -> Vec<(Signal, SigAction)> {
    PENDING.store(0, Ordering::SeqCst);
    let action = SigAction::new(SigHandler::Handler(note_signal), SaFlags::empty(), SigSet::empty());
    // SAFETY: the handler only stores into an atomic.
    // A signal ignored when a non-interactive shell started stays ignored.
    signals
        .iter()
        .filter(|&&s| !crate::signals::ignored_on_entry(s))
        .filter_map(|&s| unsafe { sigaction(s, &action) }.ok().map(|old| (s, old)))
        .collect()
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

fn set_of(signals: &[Signal]) -> SigSet {
    let mut set = SigSet::empty();
    for &s in signals {
        set.add(s);
    }
    set
}

/// Blocks until `fd` can be read or one of the [`catch`]-ed signals comes,
/// and gives that signal. A signal noted just before the wait would be
/// blocking also counts: the check and the wait are one step, because the
/// signals stay blocked in between and `ppoll` unblocks them only while it
/// sleeps.
pub fn wait_readable(fd: RawFd) -> Option<Signal> {
    let Ok(unblocked) = set_of(&FORWARDED).thread_swap_mask(SigmaskHow::SIG_BLOCK) else {
        return take_pending();
    };
    let noted = take_pending();
    if noted.is_none() {
        // SAFETY: the caller owns `fd` for the whole call.
        let mut fds = [PollFd::new(unsafe { BorrowedFd::borrow_raw(fd) }, PollFlags::POLLIN)];
        let _ = ppoll(&mut fds, None, Some(unblocked));
    }
    let _ = unblocked.thread_set_mask();
    noted.or_else(take_pending)
}

/// Reaps children until `body` ends, forwarding signals to it.
///
/// A signal can come at any moment, also just before init would sleep in
/// `waitpid`, where a handler alone cannot wake it. So, as tini does, init
/// blocks the forwarded signals and SIGCHLD and takes them one by one with
/// `sigwait`; the handlers inherited from the supervisor noted whatever
/// came before (also during set-up, before the body existed).
pub fn run(body: Pid) -> i32 {
    let mut waited = set_of(&FORWARDED);
    waited.add(Signal::SIGCHLD);
    let Ok(unblocked) = waited.thread_swap_mask(SigmaskHow::SIG_BLOCK) else {
        return 0;
    };
    // What came during set-up goes to the body as it starts. Later, SIGINT
    // reaches the body the way it reached init: sent to the process group
    // they share (by the terminal, or by the supervisor); forwarding it
    // too would interrupt the body twice.
    let mut forward = take_pending();
    let status = loop {
        if let Some(sig) = forward.take() {
            let _ = kill(body, sig);
        }
        match reap_until(body) {
            Some(status) => break status,
            None => {
                forward = waited.wait().ok().filter(|&s| s != Signal::SIGCHLD && s != Signal::SIGINT);
            }
        }
    };
    let _ = unblocked.thread_set_mask();
    status
}

/// Reaps every child that has ended; `Some` with the body's status once it
/// is among them (or nothing is left to wait for).
fn reap_until(body: Pid) -> Option<i32> {
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => return None,
            Ok(ws) => {
                if let Some(status) = status_of(ws, body) {
                    return Some(status);
                }
            }
            Err(Errno::EINTR) => continue,
            Err(_) => return Some(0),
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
