//! `set -o trace` / `isosh --trace`: the system calls isosh makes to wire
//! processes — pipe2, fork, open, dup2, close, execve, and an isolate
//! block's mounts — printed as they happen by the code that makes them, in
//! the vocabulary `explain` uses.
//!
//! The lines go to a copy of stderr the shell makes when tracing starts, on
//! an fd above 100 with close-on-exec set: forked copies of the shell write
//! to it, no command ever has it in its fd table.

use std::sync::atomic::{AtomicI32, Ordering};

static TRACE_FD: AtomicI32 = AtomicI32::new(-1);

/// Turns tracing on or off to match `on`.
pub fn sync(on: bool) {
    let fd = TRACE_FD.load(Ordering::Relaxed);
    if on && fd < 0 {
        // SAFETY: fcntl on fd 2; the copy is ours and close-on-exec.
        let copy = unsafe { libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 100) };
        TRACE_FD.store(copy, Ordering::Relaxed);
    } else if !on && fd >= 0 {
        // SAFETY: closing the copy made above.
        unsafe { libc::close(fd) };
        TRACE_FD.store(-1, Ordering::Relaxed);
    }
}

/// Whether tracing is on.
pub fn enabled() -> bool {
    TRACE_FD.load(Ordering::Relaxed) >= 0
}

/// The trace fd itself (kept open across the shell's own fd changes).
pub fn fd() -> Option<i32> {
    let fd = TRACE_FD.load(Ordering::Relaxed);
    (fd >= 0).then_some(fd)
}

/// Writes `[pid] call` (one line per call) when tracing.
pub fn emit(call: impl FnOnce() -> String) {
    emit_as(std::process::id() as i32, call)
}

/// Writes `[pid] call` for another process: the calls a vfork child made,
/// reported by the shell once the child has exec'd (the child itself,
/// sharing the shell's memory, must not allocate or write).
pub fn emit_as(pid: i32, call: impl FnOnce() -> String) {
    if let Some(fd) = fd() {
        let text: String = call().lines().map(|l| format!("[{pid}] {l}\n")).collect();
        let _ = crate::sys::write_all(fd, text.as_bytes());
    }
}
