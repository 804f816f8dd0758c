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
pub use crate::process::plan;
mod simple;
mod source;
pub use crate::process::spawn;
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
    /// `exit N`, or a fatal error in a non-interactive shell: the shell ends with N.
    Exit(i32),
    /// An error that, at the prompt, abandons the command line with this status.
    Command(i32),
    /// `break N`: leave N enclosing loops.
    Break(usize),
    /// `continue N`: next iteration of the Nth enclosing loop.
    Continue(usize),
    /// `return N` from a function or sourced file.
    Return(i32),
}

impl Abort {
    /// The `$?` it leaves: its status, or 0 for `break`/`continue`.
    pub fn status(self) -> i32 {
        match self {
            Abort::Exit(s) | Abort::Command(s) | Abort::Return(s) => s,
            Abort::Break(_) | Abort::Continue(_) => 0,
        }
    }
}

/// A command's status, or why the shell stops running commands.
pub type Exec<T = i32> = Result<T, Abort>;

/// Status of a command that failed before it could run (a redirection that
/// cannot be opened, an unset parameter under `-u`), as in dash.
pub const STATUS_FAILED_SETUP: i32 = crate::status::USAGE;
/// Status of a program that was found but cannot run.
pub const STATUS_NOT_EXECUTABLE: i32 = crate::status::NOT_EXECUTABLE;
/// Status of a command that was not found.
pub const STATUS_NOT_FOUND: i32 = crate::status::NOT_FOUND;

/// The lowest fd a process substitution's end is moved to (bash's 63).
pub const PROC_SUB_FLOOR: RawFd = 63;

/// `$PATH` when the variable is unset.
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// The shell: its variables and options ([`State`]), and the executor's own
/// state, grouped by job.
pub struct Shell {
    /// Variables, positional parameters, `$?`, options.
    pub state: State,
    /// Where each command name was found on `$PATH`.
    paths: PathCache,
    /// Jobs, process groups and the terminal.
    pub(crate) jobs: jobs::JobControl,
    /// The exported environment as an `envp` array, rebuilt only when an
    /// exported variable changes.
    env_block: Option<(u64, Rc<CStrArray>)>,
    /// Functions defined with `name() { …; }`.
    /// With the source each was defined in (for error locations).
    pub(crate) functions: std::collections::HashMap<String, (Rc<CompoundCommand>, Option<Rc<Source>>)>,
    /// The function calls, loops and conditions around the running command.
    pub(crate) nesting: Nesting,
    /// Status of the last command substitution of the current command (an
    /// assignment-only command returns it).
    substitution_status: Option<i32>,
    /// `trap` actions: `None` is EXIT.
    pub(crate) traps: std::collections::HashMap<Option<nix::sys::signal::Signal>, String>,
    /// Where `getopts` is in the arguments it parses.
    pub(crate) getopts: Getopts,
    /// The texts being run and where in them, for error locations.
    pub(crate) sources: Sources,
    /// `alias` definitions and the ones being expanded.
    pub(crate) aliases: Aliases,
    /// Interactive history, for the `history` builtin.
    pub(crate) history: std::collections::VecDeque<String>,
    /// The shell's ends of the process substitutions of the commands
    /// running, innermost last: each command closes its own when it ends.
    proc_subs: Vec<std::os::fd::OwnedFd>,
    /// What the `explain` builtin renders a line with (see [`Explainer`]).
    pub explainer: Option<Explainer>,
}

/// Renders a command line as `explain` shows it: JSON when `json`, else
/// text, coloured when `color`. The `explain` builtin calls it through
/// [`Shell::explainer`], which main sets to the explain module's `render_line`:
/// the explainer reads the executor's own decisions, so the executor does
/// not name it (no exec ⇄ explain cycle).
pub type Explainer = fn(&mut Shell, &str, bool, bool) -> Result<String, crate::syntax::ParseError>;

/// What the running command is nested in.
#[derive(Default)]
pub(crate) struct Nesting {
    /// How many loops enclose the running command (for `break`/`continue`).
    pub(crate) loop_depth: usize,
    /// How many function calls (or `.` files) are running (for `return`),
    /// each with the variables `local` saved, to put back on return.
    pub(crate) frames: Vec<Vec<(String, Option<crate::state::Var>)>>,
    /// Inside an `if`/`while`/`until` condition, `set -e` does not apply.
    pub(crate) errexit_suppressed: usize,
}

/// `getopts`' place in the arguments it parses.
#[derive(Default)]
pub(crate) struct Getopts {
    /// The position inside the current argument (for `-abc`).
    pub(crate) char: usize,
    /// The count of OPTIND assignments after its own last one (any other
    /// assignment means a new parse).
    pub(crate) optind: usize,
}

/// The texts commands come from, for error locations.
#[derive(Default)]
pub(crate) struct Sources {
    /// The texts being run (script, sourced files, function definitions'
    /// files), innermost last.
    pub(crate) stack: Vec<Rc<Source>>,
    /// Byte offset of the running simple command in the innermost source.
    pub(crate) offset: usize,
}

/// Aliases.
#[derive(Default)]
pub(crate) struct Aliases {
    /// `alias` definitions: name → text. Shared (not copied) with the
    /// parser, which reads each command with the table as it is then
    /// (`Parser::set_aliases`); `alias` and `unalias` change a copy when
    /// the parser still holds the old one.
    pub(crate) defined: std::rc::Rc<std::collections::HashMap<String, String>>,
    /// The aliases being expanded (never one inside itself).
    pub(crate) expanding: Vec<String>,
}

/// A named text commands come from.
#[derive(Debug)]
pub struct Source {
    /// Its name in error messages: the script's path, `-c`, `stdin`.
    pub name: String,
    /// The text.
    pub text: String,
    /// Line number of the text's first line.
    pub first_line: usize,
}

impl Shell {
    /// A shell with `state`, no jobs, functions, traps or aliases yet.
    pub fn new(state: State) -> Self {
        Shell {
            state,
            paths: PathCache::default(),
            jobs: jobs::JobControl::default(),
            env_block: None,
            functions: std::collections::HashMap::new(),
            nesting: Nesting::default(),
            substitution_status: None,
            traps: std::collections::HashMap::new(),
            getopts: Getopts::default(),
            sources: Sources::default(),
            aliases: Aliases::default(),
            history: std::collections::VecDeque::new(),
            proc_subs: Vec::new(),
            explainer: None,
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
        if self.jobs.terminal.is_some() {
            // At the prompt the job table reaps its jobs (before each
            // prompt), so the notice can say how each ended.
            let jobs = &self.jobs.list;
            self.jobs.background.retain(|p| jobs.iter().any(|j| j.pids.contains(p)));
        } else {
            wait::reap_finished(&mut self.jobs.background);
        }
        wait::reap_finished(&mut self.jobs.exiting_inits);
        self.run_list(&cmd.list)
    }

    /// The pid (process group leader) of a job named `%N`, `%%`, `%+`,
    /// `%-` or `%text`.
    pub(crate) fn job_pid(&self, spec: &str) -> Option<i32> {
        spec.strip_prefix('%')?;
        self.find_job(spec).map(|i| self.jobs.list[i].pgid.as_raw())
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

/// The program an isolate block's body starts as any program does (a
/// vfork-style clone and exec) rather than in a forked copy of the shell:
/// [`sole_program_name`], unless `defined` says the name is a function or
/// an alias. The runtime (`Shell::start_program`) and `explain` both decide
/// with this.
pub(crate) fn body_program(list: &List, defined: impl Fn(&str) -> bool) -> Option<&str> {
    sole_program_name(list).filter(|name| !defined(name))
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
