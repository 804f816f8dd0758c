//! The executor: walks the AST, expands words, builds each process's plan
//! and has [`spawn`] carry it out.

pub mod builtins;
mod compound;
pub mod error;
mod fork;
pub mod jobs;
pub mod launch;
pub mod path;
mod pipeline;
pub mod plan;
mod simple;
mod source;
pub mod spawn;
pub mod time;
pub mod wait;

use crate::expand::{self, ExpandError};
use crate::signals;
use crate::state::State;
use crate::syntax::ast::*;
use error::CommandError;
use launch::{Launch, Runner};
use nix::unistd::{ForkResult, Pid, fork};
use path::{Lookup, PathCache};
use plan::{FdOp, FdRef, Redirection};
use spawn::{CStrArray, ExecImage, NoPipes, SavedFds, exit_child, write_all};
use std::ffi::CString;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use wait::{Ended, wait_for};

/// Stops running commands: the shell (or subshell) exits with a status, or
/// — at the REPL — only the current command line is abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abort {
    Exit(i32),
    Command(i32),
    /// `break N`: leave N enclosing loops.
    Break(usize),
    /// `continue N`: next iteration of the Nth enclosing loop.
    Continue(usize),
    /// `return N` from a function or sourced file.
    Return(i32),
}

impl Abort {
    pub fn status(self) -> i32 {
        match self {
            Abort::Exit(s) | Abort::Command(s) | Abort::Return(s) => s,
            Abort::Break(_) | Abort::Continue(_) => 0,
        }
    }
}

pub type Exec<T = i32> = Result<T, Abort>;

/// Status of a command that failed before it could run (a redirection that
/// cannot be opened, an unset parameter under `-u`), as in dash.
pub const STATUS_FAILED_SETUP: i32 = 2;
pub const STATUS_NOT_EXECUTABLE: i32 = 126;
pub const STATUS_NOT_FOUND: i32 = 127;

/// The lowest fd a process substitution's end is moved to (bash's 63).
pub const PROC_SUB_FLOOR: RawFd = 63;

/// `$PATH` when the variable is unset.
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

pub struct Shell {
    pub state: State,
    paths: PathCache,
    /// Background jobs not yet reaped.
    background: Vec<Pid>,
    /// Inits of isolate blocks that reported their body's status and are
    /// still tearing their namespaces down: reaped later, without waiting.
    exiting_inits: Vec<Pid>,
    /// Background and stopped jobs (`%N`).
    pub(crate) jobs: Vec<jobs::Job>,
    /// Job control, when interactive: the shell's terminal.
    pub(crate) terminal: Option<jobs::Terminal>,
    /// The process group of the foreground pipeline being started.
    pub(crate) fg_pgid: Option<Pid>,
    /// Foreground processes that Ctrl-Z stopped while the shell waited.
    pub(crate) stopped_now: Vec<Pid>,
    /// `exit` with stopped jobs warns once.
    pub(crate) warned_stopped: bool,
    /// Children ignore SIGINT/SIGQUIT (inside a background job).
    ignore_interrupts: bool,
    /// The exported environment as an `envp` array, rebuilt only when an
    /// exported variable changes.
    env_block: Option<(u64, Rc<CStrArray>)>,
    /// Functions defined with `name() { …; }`.
    /// With the source each was defined in (for error locations).
    pub(crate) functions: std::collections::HashMap<String, (Rc<CompoundCommand>, Option<Rc<Source>>)>,
    /// How many loops enclose the running command (for `break`/`continue`).
    pub(crate) loop_depth: usize,
    /// How many function calls (or `.` files) are running (for `return`),
    /// each with the variables `local` saved, to put back on return.
    pub(crate) frames: Vec<Vec<(String, Option<crate::state::Var>)>>,
    /// Inside an `if`/`while`/`until` condition, `set -e` does not apply.
    pub(crate) errexit_suppressed: usize,
    /// Status of the last command substitution of the current command (an
    /// assignment-only command returns it).
    substitution_status: Option<i32>,
    /// `trap` actions: `None` is EXIT.
    pub(crate) traps: std::collections::HashMap<Option<nix::sys::signal::Signal>, String>,
    /// `getopts`' position inside the current argument (for `-abc`), and
    /// the count of OPTIND assignments after its own last one (any other
    /// assignment means a new parse).
    pub(crate) getopts_char: usize,
    pub(crate) getopts_optind: usize,
    /// The texts being run (script, sourced files, function definitions'
    /// files), innermost last, for error locations.
    pub(crate) sources: Vec<Rc<Source>>,
    /// `alias` definitions, and the ones being expanded (never twice).
    pub(crate) aliases: std::collections::HashMap<String, String>,
    expanding_aliases: Vec<String>,
    /// Byte offset of the running simple command in the innermost source.
    current_offset: usize,
    /// Interactive history, for the `history` builtin.
    pub(crate) history: std::collections::VecDeque<String>,
    /// The shell's ends of the process substitutions of the commands
    /// running, innermost last: each command closes its own when it ends.
    proc_subs: Vec<std::os::fd::OwnedFd>,
}

/// A named text commands come from.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// Line number of the text's first line.
    pub first_line: usize,
}

impl Shell {
    pub fn new(state: State) -> Self {
        Shell {
            state,
            paths: PathCache::default(),
            background: Vec::new(),
            exiting_inits: Vec::new(),
            jobs: Vec::new(),
            terminal: None,
            fg_pgid: None,
            stopped_now: Vec::new(),
            warned_stopped: false,
            ignore_interrupts: false,
            env_block: None,
            functions: std::collections::HashMap::new(),
            loop_depth: 0,
            frames: Vec::new(),
            errexit_suppressed: 0,
            substitution_status: None,
            traps: std::collections::HashMap::new(),
            getopts_char: 0,
            getopts_optind: 0,
            sources: Vec::new(),
            aliases: std::collections::HashMap::new(),
            expanding_aliases: Vec::new(),
            history: std::collections::VecDeque::new(),
            current_offset: 0,
            proc_subs: Vec::new(),
        }
    }

    /// Prints `isosh: MESSAGE` on the current fd 2.
    pub fn error(&self, msg: &str) {
        match self.location() {
            Some(at) => self.error_unlocated(&format!("{at}: {msg}")),
            None => self.error_unlocated(msg),
        }
    }

    /// `isosh: MESSAGE` for messages that carry their own location.
    pub fn error_unlocated(&self, msg: &str) {
        let _ = spawn::write_str(2, &format!("isosh: {msg}\n"));
    }

    /// The status a failure before running gives: in a non-interactive
    /// shell some failures end the shell (POSIX 2.8.1).
    pub(crate) fn fatal_unless_interactive(&self, status: i32) -> Abort {
        // Under `command` a special builtin's error ends only that command.
        if self.state.options.interactive || builtins::under_command() {
            Abort::Command(status)
        } else {
            Abort::Exit(status)
        }
    }

    fn expansion_failed(&self, e: ExpandError) -> Abort {
        self.error(&e.to_string());
        self.fatal_unless_interactive(STATUS_FAILED_SETUP)
    }

    /// Runs one complete command (a line of input).
    pub fn run_complete_command(&mut self, cmd: &CompleteCommand) -> Exec {
        if self.terminal.is_some() {
            // At the prompt the job table reaps its jobs (before each
            // prompt), so the notice can say how each ended.
            let jobs = &self.jobs;
            self.background.retain(|p| jobs.iter().any(|j| j.pids.contains(p)));
        } else {
            wait::reap_finished(&mut self.background);
        }
        wait::reap_finished(&mut self.exiting_inits);
        self.run_list(&cmd.list)
    }

    /// The pid (process group leader) of a job named `%N`, `%%`, `%+`,
    /// `%-` or `%text`.
    pub(crate) fn job_pid(&self, spec: &str) -> Option<i32> {
        spec.strip_prefix('%')?;
        self.find_job(spec).map(|i| self.jobs[i].pgid.as_raw())
    }

    /// Adds a command line to the history (consecutive duplicates once),
    /// keeping at most `size` entries.
    pub fn remember(&mut self, line: &str, size: usize) {
        if self.history.back().is_some_and(|l| l == line) {
            return;
        }
        self.history.push_back(line.to_string());
        while self.history.len() > size {
            self.history.pop_front();
        }
    }
}

/// The one simple command `list` consists of: not in the background, not
/// negated, not part of an and-or list or pipeline.
fn single_simple_command(list: &List) -> Option<&SimpleCommand> {
    let [item] = list.items.as_slice() else { return None };
    if item.background || !item.and_or.rest.is_empty() || item.and_or.first.negated {
        return None;
    }
    match item.and_or.first.commands.as_slice() {
        [Command::Simple(sc)] => Some(sc),
        _ => None,
    }
}

/// The name of the program `list` runs, when the list is one simple
/// command whose name is a plain word that no expansion can change and that
/// names no builtin. (Functions and aliases are for the caller to rule out.)
pub(crate) fn sole_program_name(list: &List) -> Option<&str> {
    let name = single_simple_command(list)?.words.first()?.as_plain_literal()?;
    // Tilde and pathname expansion could still change a plain word.
    let expands = name.starts_with('~') || name.contains(['*', '?', '[']);
    (!expands && builtins::find(name).is_none()).then_some(name)
}

/// Quotes a word for display so that the shell would read it back the same.
pub fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || "_-./,:=+@%^".contains(c);
    if !s.is_empty() && s.chars().all(safe) { s.to_string() } else { quote_always(s) }
}

/// `'text'`, with embedded single quotes as `'\''` (how dash lists variables).
pub fn quote_always(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
