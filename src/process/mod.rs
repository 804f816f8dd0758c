//! How a process is wired and started, below both the executor and the
//! isolate runtime (a leaf: it names neither): the plan as plain data —
//! ordered fd operations per process ([`plan`]) — and carrying it out:
//! applying the ops, saving and restoring the shell's own fds, the
//! vfork-style clone and exec ([`spawn`]). The executor re-exports both as
//! `exec::plan` and `exec::spawn`.

pub mod plan;
pub mod spawn;
