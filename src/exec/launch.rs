//! How each command starts, decided in one place: the executor carries the
//! decision out, `explain` renders it, `--trace` reports the calls it makes.
//!
//! The decisions (dash's): a builtin or function runs in the shell, with
//! its redirections saved and put back; a program is started with
//! `clone(CLONE_VM|CLONE_VFORK)` — or, when it is the last thing a forked
//! process does (`last`, dash's `EV_EXIT`) and no trap waits, that process
//! execs it in place; a subshell, a pipeline stage and an `&` job get a
//! `fork()`ed copy of the shell; an isolate block clones its init directly,
//! under job control through a supervisor process of its own.

use super::Shell;
use super::builtins::{self, Kind};
use crate::syntax::ast::{Command, CompoundKind, Pipeline};

/// What runs a simple command whose first word is `name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// A POSIX special builtin (before functions).
    SpecialBuiltin,
    /// A function the shell defined.
    Function,
    /// `exec`: changes the shell's own fds or replaces the shell.
    Exec,
    /// Any other builtin.
    Builtin,
    /// A program (found on `$PATH` or not: the lookup is the launch's).
    Program,
}

/// How a command gets the process it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// The shell runs it itself: each fd its redirections touch is saved
    /// first and put back afterwards.
    InShell,
    /// The shell runs it itself and keeps the redirections (`exec`, or
    /// nothing runs after it in this process).
    InShellPermanent,
    /// `clone(CLONE_VM|CLONE_VFORK)`: the child shares the shell's memory
    /// until it execs.
    Vfork,
    /// The process is the command's: `execve` without a new process.
    ExecInPlace,
    /// `fork()`: a copy of the shell runs it.
    Fork,
    /// `clone(CLONE_NEW…)` of an isolate block's init.
    CloneInit,
    /// `fork()` of a job-control supervisor, which clones the init.
    Supervisor,
}

impl Launch {
    /// The call that makes the process, as strace names it (`None`: no
    /// new process).
    pub fn call(self) -> Option<&'static str> {
        match self {
            Launch::InShell | Launch::InShellPermanent | Launch::ExecInPlace => None,
            Launch::Vfork => Some("clone(CLONE_VM|CLONE_VFORK|SIGCHLD)"),
            Launch::Fork | Launch::Supervisor => Some("fork()"),
            Launch::CloneInit => Some("clone(CLONE_NEWPID|CLONE_NEWNS|…)"),
        }
    }
}

/// How the stages of a pipeline start: a pipeline of one command runs as
/// that command does, except an isolate block under job control (its own
/// supervisor, so Ctrl-Z stops the block as a whole); more stages fork one
/// copy of the shell each.
pub fn pipeline_forks(p: &Pipeline, job_control: bool) -> bool {
    match p.commands.as_slice() {
        [Command::Isolate(_)] => job_control,
        [_] => false,
        _ => true,
    }
}

impl Shell {
    /// What runs a command named `name`: special builtins come before
    /// functions, functions before the other builtins and programs.
    pub fn runner(&self, name: &str) -> Runner {
        let builtin = builtins::find(name);
        match builtin {
            Some(b) if b.special && matches!(b.kind, Kind::Exec) => Runner::Exec,
            Some(b) if b.special => Runner::SpecialBuiltin,
            _ if self.functions.contains_key(name) => Runner::Function,
            Some(b) if matches!(b.kind, Kind::Exec) => Runner::Exec,
            Some(_) => Runner::Builtin,
            None => Runner::Program,
        }
    }

    /// How a program starts: `last` (nothing runs after it in this
    /// process) and no trap waiting — exec in place; otherwise vfork, or,
    /// when it cannot be exec'd at all (`runnable` false), a fork whose
    /// child reports why on the command's own redirected stderr.
    pub fn program_launch(&self, last: bool, runnable: bool) -> Launch {
        if self.may_exec_in_place(last) {
            Launch::ExecInPlace
        } else if runnable {
            Launch::Vfork
        } else {
            Launch::Fork
        }
    }

    /// How a builtin, function or compound command the shell runs itself
    /// treats its redirections.
    pub fn in_shell_launch(&self, last: bool) -> Launch {
        if last { Launch::InShellPermanent } else { Launch::InShell }
    }

    /// How a compound command starts: a subshell forks unless it is the
    /// last thing this process does; the rest run in the shell.
    pub fn compound_launch(&self, kind: &CompoundKind, last: bool) -> Launch {
        match kind {
            CompoundKind::Subshell(_) if !last => Launch::Fork,
            CompoundKind::Subshell(_) => Launch::InShellPermanent,
            _ => self.in_shell_launch(last),
        }
    }

    /// Whether a background job reads `/dev/null` (no job control, POSIX
    /// 2.9.3).
    pub fn background_reads_null(&self) -> bool {
        self.jobs.terminal.is_none()
    }
}
