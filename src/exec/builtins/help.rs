//! `help`: the builtins, one line each; `help NAME`: one builtin's usage
//! and what it does.

use super::{BUILTINS, Exec, Shell, out, usage};

/// What each builtin does, in a line.
fn summary(name: &str) -> &'static str {
    match name {
        ":" | "true" => "do nothing, successfully",
        "false" => "do nothing, unsuccessfully (status 1)",
        "echo" => "print the arguments (as bash's echo: -n no newline, -e escapes, -E none)",
        "cd" => "change the working directory (cd - goes back; $CDPATH; -L/-P)",
        "pwd" => "print the working directory",
        "exit" => "leave the shell with status N (default: the last status)",
        "export" => "put variables into the environment of commands",
        "unset" => "remove variables (-v) or functions (-f)",
        "set" => "set options (-e -u -x -o pipefail -o trace …) or the positional parameters",
        "exec" => "replace the shell with a command, or change the shell's own fds (exec 3>log)",
        "type" => "say what a name is: builtin, function, alias, keyword or program",
        "command" => "run a command, skipping functions; -v says what it is",
        "hash" => "remember where programs are (hash NAME), list them, or forget them (-r)",
        "fds" => "the shell's own open files, from /proc/self/fd",
        "break" => "leave N enclosing loops",
        "continue" => "start the next round of the Nth enclosing loop",
        "return" => "leave a function (or a sourced file) with status N",
        "shift" => "drop the first N positional parameters",
        "eval" => "run the arguments as a command line",
        "." | "source" => "run a file's commands in this shell",
        "local" => "variables that live until the function returns",
        "wait" => "wait for background jobs",
        "test" | "[" => "check files, strings and numbers (status 0 if true)",
        "read" => "read a line (-d DELIM, -n N, -t SECONDS) into variables or REPLY",
        "printf" => "print formatted text",
        "trap" => "run a command on a signal or at EXIT",
        "readonly" => "make variables read-only",
        "getopts" => "parse a script's options",
        "let" => "evaluate arithmetic expressions (status 1 when the last is 0)",
        "umask" => "the file creation mask",
        "ulimit" => "resource limits of the shell and its commands",
        "times" => "user and system time used",
        "kill" => "send a signal to processes or jobs (%N)",
        "history" => "the commands typed at the prompt",
        "explain" => "show the processes, system calls and fd tables of a command line, running nothing",
        "jobs" => "list background and stopped jobs",
        "fg" => "continue a job in the foreground",
        "bg" => "continue a stopped job in the background",
        "alias" => "define or list aliases",
        "unalias" => "remove aliases",
        "isolates" => "list or remove the layers kept by isolate --name",
        "images" => "list the OCI images and layers in the store; images rm REF; images prune",
        "help" => "this list, or what one builtin does",
        _ => "",
    }
}

pub fn help(sh: &mut Shell, argv: &[String]) -> Exec {
    let Some(name) = argv.get(1) else {
        let mut text = String::from("isosh builtins (help NAME for one; isolate --help for blocks):\n");
        for b in BUILTINS {
            text.push_str(&format!("  {:<10} {}\n", b.name, summary(b.name)));
        }
        text.push_str(
            "\nKeywords: if then elif else fi while until for in do done case esac { } ! [[ ]] (( )) isolate\n\
             More: man isosh, and the course in docs/tutorial.\n",
        );
        return out(sh, "help", &text);
    };
    if name == "isolate" {
        return out(sh, "help", &crate::isolate::spec::help());
    }
    if !BUILTINS.iter().any(|b| b.name == name) {
        sh.error(&format!("help: no builtin named {name} (help lists them; try `man {name}` for a program)"));
        return Ok(1);
    }
    // Builtins whose `--help` is an operand have their usage here.
    let usage = usage(name).unwrap_or(match name.as_str() {
        "test" | "[" => "test EXPRESSION | [ EXPRESSION ]",
        "echo" => "echo [-neE] [ARG...]",
        "set" => "set [-abefnuvxC] [-o NAME] [--] [ARG...] | set",
        "printf" => "printf FORMAT [ARG...]",
        "exec" => "exec [COMMAND [ARG...]] [REDIRECTION...]",
        "eval" => "eval [ARG...]",
        "command" => "command [-v|-V] NAME [ARG...]",
        _ => name,
    });
    out(sh, "help", &format!("usage: {usage}\n{}\n", summary(name)))
}
