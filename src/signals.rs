//! Signal dispositions of the shell and of the children it forks.

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

extern "C" fn note_interrupt(_: libc::c_int) {}

fn set(sig: Signal, handler: SigHandler) {
    let action = SigAction::new(handler, SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: the handlers installed here are SIG_DFL, SIG_IGN, or a function
    // that does nothing, so no handler can observe inconsistent state.
    let _ = unsafe { sigaction(sig, &action) };
}

/// At startup. SIGPIPE gets its default action even when the program that
/// started isosh left it ignored (as Rust programs do for their children
/// unless they reset it): otherwise every child would inherit the ignore,
/// and `yes | head` would never end by SIGPIPE. An interactive shell survives Ctrl-C and Ctrl-\ while a command
/// runs: SIGINT gets a handler that does nothing (exec resets it to the
/// default in children), SIGQUIT is ignored.
pub fn init_shell(interactive: bool) {
    if !interactive {
        note_ignored_on_entry();
    }
    set(Signal::SIGPIPE, SigHandler::SigDfl);
    if interactive {
        set(Signal::SIGINT, SigHandler::Handler(note_interrupt));
        set(Signal::SIGQUIT, SigHandler::SigIgn);
        // Job control: the shell itself is never stopped by the terminal.
        for sig in [Signal::SIGTSTP, Signal::SIGTTIN, Signal::SIGTTOU] {
            set(sig, SigHandler::SigIgn);
        }
    }
}

/// Signals that were ignored when a non-interactive shell started, one bit
/// each. POSIX: they stay ignored — `trap` cannot catch or reset them, and
/// children inherit the ignore — so a supervisor that started a script
/// with SIGINT ignored keeps it so.
static IGNORED_ON_ENTRY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn note_ignored_on_entry() {
    let mut bits = 0u64;
    for sig in Signal::iterator() {
        // SAFETY: sigaction with a null new action only reads the current one.
        let ignored = unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(sig as i32, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
        };
        if ignored {
            bits |= 1 << sig as i32;
        }
    }
    IGNORED_ON_ENTRY.store(bits, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `sig` was ignored when this (non-interactive) shell started.
pub fn ignored_on_entry(sig: Signal) -> bool {
    IGNORED_ON_ENTRY.load(std::sync::atomic::Ordering::Relaxed) & (1 << sig as i32) != 0
}

/// In a freshly forked child. Background jobs of a shell without job control
/// ignore SIGINT and SIGQUIT (POSIX 2.11); everything else gets the default.
pub fn init_child(ignore_interrupts: bool) {
    let h = if ignore_interrupts { SigHandler::SigIgn } else { SigHandler::SigDfl };
    for sig in [Signal::SIGINT, Signal::SIGQUIT] {
        set(sig, if ignored_on_entry(sig) { SigHandler::SigIgn } else { h });
    }
    for sig in [Signal::SIGTSTP, Signal::SIGTTIN, Signal::SIGTTOU] {
        set(sig, SigHandler::SigDfl);
    }
}

/// Signals caught for `trap`, one bit each, set by the handler and taken
/// by the shell between commands.
static TRAPPED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

extern "C" fn note_trapped(sig: libc::c_int) {
    TRAPPED.fetch_or(1 << sig, std::sync::atomic::Ordering::SeqCst);
}

/// How the shell disposes of a signal for `trap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// `trap CMD SIG`: note it; the shell runs CMD between commands.
    Catch,
    /// `trap '' SIG`
    Ignore,
    /// `trap - SIG`: what the shell does without a trap.
    Default {
        /// An interactive shell keeps catching SIGINT and ignoring SIGQUIT.
        interactive: bool,
    },
}

/// Sets what `sig` does in the shell, unless it was ignored when a non-interactive shell started.
pub fn set_disposition(sig: Signal, d: Disposition) {
    if ignored_on_entry(sig) {
        return;
    }
    let handler = match d {
        Disposition::Catch => SigHandler::Handler(note_trapped),
        Disposition::Ignore => SigHandler::SigIgn,
        Disposition::Default { interactive: true } if sig == Signal::SIGINT => SigHandler::Handler(note_interrupt),
        Disposition::Default { interactive: true } if sig == Signal::SIGQUIT => SigHandler::SigIgn,
        Disposition::Default { .. } => SigHandler::SigDfl,
    };
    set(sig, handler);
}

/// The trapped signals that arrived since the last call.
pub fn take_trapped() -> Vec<Signal> {
    // Checked between every two commands: a plain load first, so the
    // common case (nothing arrived) costs no atomic swap and no Vec.
    if TRAPPED.load(std::sync::atomic::Ordering::Relaxed) == 0 {
        return Vec::new();
    }
    let bits = TRAPPED.swap(0, std::sync::atomic::Ordering::SeqCst);
    (1..64).filter(|s| bits & (1 << s) != 0).filter_map(|s| Signal::try_from(s).ok()).collect()
}
