//! Signal dispositions of the shell and of the children it forks.

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

extern "C" fn note_interrupt(_: libc::c_int) {}

fn set(sig: Signal, handler: SigHandler) {
    let action = SigAction::new(handler, SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: the handlers installed here are SIG_DFL, SIG_IGN, or a function
    // that does nothing, so no handler can observe inconsistent state.
    let _ = unsafe { sigaction(sig, &action) };
}

/// At startup. Rust ignores SIGPIPE by default; a shell must not, or every
/// child would inherit the ignore (`yes | head` would then never end by
/// SIGPIPE). An interactive shell survives Ctrl-C and Ctrl-\ while a command
/// runs: SIGINT gets a handler that does nothing (exec resets it to the
/// default in children), SIGQUIT is ignored.
pub fn init_shell(interactive: bool) {
    set(Signal::SIGPIPE, SigHandler::SigDfl);
    if interactive {
        set(Signal::SIGINT, SigHandler::Handler(note_interrupt));
        set(Signal::SIGQUIT, SigHandler::SigIgn);
    }
}

/// In a freshly forked child. Background jobs of a shell without job control
/// ignore SIGINT and SIGQUIT (POSIX 2.11); everything else gets the default.
pub fn init_child(ignore_interrupts: bool) {
    let h = if ignore_interrupts { SigHandler::SigIgn } else { SigHandler::SigDfl };
    set(Signal::SIGINT, h);
    set(Signal::SIGQUIT, h);
}
