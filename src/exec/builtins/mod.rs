//! Commands the shell runs itself. Each gets the shell and its argv; output
//! goes to fds 1 and 2 as the command's redirections left them.

mod alias;
pub(crate) mod arith;
mod cd;
pub use cd::io_reason;
mod echo;
mod fds;
mod flow;
mod getopts;
mod help;
mod images;
mod isolates;
mod jobs;
mod lookup;
mod printf;
mod read;
mod sys;
pub(crate) mod test;
mod trap;
mod vars;

use super::{Abort, Exec, Shell};

/// How the shell runs a builtin.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Called with the shell and the argv (its name first).
    Run(fn(&mut Shell, &[String]) -> Exec),
    /// `exec` changes the shell's own fd table or replaces the shell, so the
    /// executor runs it itself.
    Exec,
}

/// One builtin of the table.
pub struct Builtin {
    /// The name it is called by.
    pub name: &'static str,
    /// POSIX special builtins: errors end a non-interactive shell and
    /// assignments before them persist.
    pub special: bool,
    /// How the shell runs it.
    pub kind: Kind,
}

const fn regular(name: &'static str, f: fn(&mut Shell, &[String]) -> Exec) -> Builtin {
    Builtin { name, special: false, kind: Kind::Run(f) }
}

const fn special(name: &'static str, f: fn(&mut Shell, &[String]) -> Exec) -> Builtin {
    Builtin { name, special: true, kind: Kind::Run(f) }
}

/// Every builtin, the one table `type`, `command`, `help`, completion and the executor read.
pub const BUILTINS: &[Builtin] = &[
    special(":", |_, _| Ok(0)),
    regular("true", |_, _| Ok(0)),
    regular("false", |_, _| Ok(1)),
    regular("echo", echo::echo),
    regular("cd", cd::cd),
    regular("pwd", cd::pwd),
    special("exit", exit),
    special("export", vars::export),
    special("unset", vars::unset),
    special("set", vars::set),
    Builtin { name: "exec", special: true, kind: Kind::Exec },
    regular("type", lookup::type_),
    regular("command", lookup::command),
    regular("hash", lookup::hash),
    regular("fds", fds::fds),
    special("break", flow::break_),
    special("continue", flow::continue_),
    special("return", flow::return_),
    special("shift", flow::shift),
    special("eval", flow::eval),
    special(".", flow::dot),
    regular("source", flow::dot),
    regular("local", flow::local),
    regular("wait", flow::wait),
    regular("test", test::test),
    regular("[", test::test),
    regular("read", read::read),
    regular("printf", printf::printf),
    special("trap", trap::trap),
    special("readonly", vars::readonly),
    regular("getopts", getopts::getopts),
    regular("let", arith::let_),
    regular("umask", sys::umask),
    regular("ulimit", sys::ulimit),
    special("times", sys::times),
    regular("kill", sys::kill),
    regular("history", history),
    regular("explain", explain),
    regular("jobs", jobs::jobs),
    regular("fg", jobs::fg),
    regular("bg", jobs::bg),
    regular("alias", alias::alias),
    regular("unalias", alias::unalias),
    regular("isolates", isolates::isolates),
    regular("help", help::help),
    regular("images", images::images),
];

/// Words that are reserved in command position (the table is the syntax's).
pub use crate::syntax::keywords::KEYWORDS;

/// The usage line `NAME --help` prints, for builtins whose first
/// argument cannot be an operand that starts with `--`.
pub fn usage(name: &str) -> Option<&'static str> {
    Some(match name {
        "cd" => "cd [-L|-P] [DIR|-]",
        "pwd" => "pwd [-L|-P]",
        "exit" => "exit [N]",
        "export" => "export [-p] [NAME[=VALUE]...]",
        "unset" => "unset [-v|-f] NAME...",
        "type" => "type NAME...",
        "hash" => "hash [-r] [NAME...]",
        "fds" => "fds   (the shell's own open files, from /proc/self/fd)",
        "isolates" => "isolates [ls] | isolates rm NAME...",
        "images" => "images [ls] | images rm REF... | images prune",
        "break" => "break [N]",
        "continue" => "continue [N]",
        "return" => "return [N]",
        "shift" => "shift [N]",
        "." | "source" => ". FILE [ARG...]",
        "local" => "local NAME[=VALUE]...",
        "wait" => "wait [PID|%N...]",
        "read" => "read [-r] [-d DELIM] [-n N] [-p PROMPT] [-t TIMEOUT] [-u FD] [NAME...]",
        "trap" => "trap [ACTION CONDITION...] | trap -p",
        "readonly" => "readonly [-p] [NAME[=VALUE]...]",
        "getopts" => "getopts OPTSTRING NAME [ARG...]",
        "let" => "let EXPRESSION...",
        "umask" => "umask [-S] [MODE]",
        "ulimit" => "ulimit [-f|-n|-u] [LIMIT|unlimited]",
        "times" => "times",
        "kill" => "kill [-s SIGNAL | -SIGNAL] PID|%N... | kill -l",
        "alias" => "alias [NAME[=VALUE]...]",
        "history" => "history",
        "explain" => "explain [--json] 'COMMAND LINE'",
        "jobs" => "jobs [-l]",
        "fg" => "fg [%JOB]",
        "bg" => "bg [%JOB]",
        "unalias" => "unalias [-a] NAME...",
        "help" => "help [NAME]",
        _ => return None,
    })
}

/// Looked up for every command, so through a hash map built once.
pub fn find(name: &str) -> Option<&'static Builtin> {
    type Map =
        std::collections::HashMap<&'static str, &'static Builtin, std::hash::BuildHasherDefault<crate::state::Fnv>>;
    static MAP: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
    MAP.get_or_init(|| BUILTINS.iter().map(|b| (b.name, b)).collect()).get(name).copied()
}

/// Writes a builtin's output to fd 1; a failed write is the builtin's error.
fn out(sh: &Shell, name: &str, text: &str) -> Exec {
    match crate::exec::spawn::write_str(1, text) {
        Ok(()) => Ok(0),
        Err(e) => {
            sh.error(&format!("{name}: write error: {}", crate::exec::spawn::errno_text(e)));
            Ok(1)
        }
    }
}

thread_local! {
    /// How many `command` builtins are running a command: while one is, a
    /// special builtin's error does not end the shell (POSIX `command`).
    static UNDER_COMMAND: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether errors are softened by an enclosing `command` (see
/// [`Shell::fatal_unless_interactive`]).
pub(crate) fn under_command() -> bool {
    UNDER_COMMAND.with(|n| n.get() > 0)
}

/// Runs `body` as `command` runs a command: an error that would end the
/// shell (`Abort::Command`, see [`under_command`]) becomes its status.
pub(crate) fn as_command(body: impl FnOnce() -> Exec) -> Exec {
    UNDER_COMMAND.with(|n| n.set(n.get() + 1));
    let r = body();
    UNDER_COMMAND.with(|n| n.set(n.get() - 1));
    match r {
        Err(super::Abort::Command(status)) => Ok(status),
        other => other,
    }
}

/// Whether the locale's characters are UTF-8 (`LC_ALL`, `LC_CTYPE`, then
/// `LANG`, as the C library decides): `echo -e '\u…'` and `read -n` work in
/// characters of that encoding there, in bytes elsewhere.
pub(super) fn utf8_locale(sh: &Shell) -> bool {
    let vars = &sh.state.vars;
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"].iter().find_map(|n| vars.get(n).filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    })
}

/// A usage or operand error: status 2, and fatal for a special builtin in a
/// non-interactive shell (POSIX 2.8.1).
fn usage_error(sh: &Shell, special: bool, msg: &str) -> Exec {
    sh.error(msg);
    if special { Err(sh.fatal_unless_interactive(2)) } else { Ok(2) }
}

/// `explain [--json] LINE…`: the processes, system calls and fd tables the
/// line would make, without running it.
fn explain(sh: &mut Shell, argv: &[String]) -> Exec {
    let json = argv.get(1).is_some_and(|a| a == "--json");
    let text = argv[if json { 2 } else { 1 }..].join(" ");
    if text.trim().is_empty() {
        return usage_error(sh, false, "usage: explain [--json] 'COMMAND LINE'");
    }
    let Some(explainer) = sh.explainer else {
        return usage_error(sh, false, "explain: not available in this shell");
    };
    let color = sh.jobs.terminal.is_some() && crate::state::color_enabled(&sh.state);
    match explainer(sh, &text, json, color) {
        Ok(rendered) => out(sh, "explain", &rendered),
        // With the line and a caret under the column, as at the prompt.
        Err(e) => {
            let hint = e.hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
            usage_error(sh, false, &format!("explain: {e}{hint}\n{}", e.caret_lines(&text)))
        }
    }
}

/// `history`: the interactive command history, numbered.
fn history(sh: &mut Shell, _argv: &[String]) -> Exec {
    let text: String = sh.history.iter().enumerate().map(|(i, l)| format!("{:5}  {l}\n", i + 1)).collect();
    out(sh, "history", &text)
}

/// `exit [n]`
fn exit(sh: &mut Shell, argv: &[String]) -> Exec {
    if sh.jobs.terminal.is_some() && sh.has_stopped_jobs() && !sh.jobs.warned_stopped {
        sh.jobs.warned_stopped = true;
        sh.error("there are stopped jobs (exit again to leave anyway)");
        return Ok(1);
    }
    let code = match argv.get(1) {
        None => sh.state.last_status,
        Some(n) => match n.parse::<i64>() {
            Ok(v) if v >= 0 => (v & 0xff) as i32,
            _ => return usage_error(sh, true, &format!("exit: Illegal number: {n}")),
        },
    };
    Err(Abort::Exit(code))
}
