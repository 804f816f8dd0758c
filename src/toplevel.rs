//! Reading commands from a source (a script, a `-c` string, standard input)
//! and running them one complete command at a time.

use crate::exec::{Abort, Shell};
use crate::syntax::{ParseError, Parser};
use std::io::BufRead;

/// Where text came from, for error messages (`FILE:LINE:COL`).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The name in messages: a script's path, `-c`, `stdin`.
    pub name: &'a str,
    /// Line number of the text's first line.
    pub first_line: usize,
}

/// How running a text ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every command ran (or the REPL abandoned the line); `$?` is current.
    Finished,
    /// The shell must exit with this status (`exit`, `set -e`, a fatal error).
    Exit(i32),
}

/// Prints a syntax error as a script's `isosh: FILE:LINE:COL: …`, or at the
/// REPL as the message with the line and a caret under the column.
pub fn report_syntax_error(sh: &Shell, e: &ParseError, text: &str, origin: Origin) {
    if sh.state.options.interactive {
        let hint = e.hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
        sh.error_unlocated(&format!("{e}{hint}\n{}", e.caret_lines(text)));
    } else {
        sh.error_unlocated(&e.render(origin.name, text, origin.first_line));
    }
}

/// Parses and runs `text` command by command: earlier commands run even if a
/// later one has a syntax error, as in dash.
pub fn run_text(sh: &mut Shell, text: &str, origin: Origin) -> Outcome {
    let source = std::rc::Rc::new(crate::exec::Source {
        name: origin.name.to_string(),
        text: text.to_string(),
        first_line: origin.first_line,
    });
    sh.in_source(source, |sh| run_parsed(sh, text, origin))
}

fn run_parsed(sh: &mut Shell, text: &str, origin: Origin) -> Outcome {
    let mut parser = Parser::new(text);
    loop {
        // Aliases are expanded while a command is read, with the table as
        // the commands before it left it (as dash).
        parser.set_aliases(sh.aliases.defined.clone());
        let splices = parser.splices();
        let next = parser.next_command();
        if parser.splices() != splices {
            sh.follow_source_text(parser.text_now());
        }
        let text = parser.text_now();
        match next {
            Ok(None) => return Outcome::Finished,
            Ok(Some(cmd)) => match run_verbosely(sh, text, &cmd) {
                Ok(status) => sh.state.last_status = status,
                Err(Abort::Exit(status)) => return Outcome::Exit(status),
                Err(Abort::Command(status)) => {
                    sh.state.last_status = status;
                    return Outcome::Finished;
                }
                // `break`/`continue` outside a loop and `return` outside a
                // function end only the command they are in (as in dash).
                Err(other @ (Abort::Break(_) | Abort::Continue(_) | Abort::Return(_))) => {
                    sh.state.last_status = other.status();
                }
            },
            Err(e) => {
                report_syntax_error(sh, &e, text, origin);
                sh.state.last_status = 2;
                return if sh.state.options.interactive { Outcome::Finished } else { Outcome::Exit(2) };
            }
        }
    }
}

/// Runs one complete command, first echoing its line under `set -v`.
fn run_verbosely(sh: &mut Shell, text: &str, cmd: &crate::syntax::ast::CompleteCommand) -> crate::exec::Exec {
    if sh.state.options.verbose {
        let line = crate::syntax::span::line_text(text, cmd.span.start);
        let _ = crate::exec::spawn::write_str(2, &format!("{line}\n"));
    }
    sh.run_complete_command(cmd)
}

/// Whether a file is a program rather than a script, as bash decides: a NUL
/// byte in its first line, within the first 80 bytes.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(80).take_while(|&&b| b != b'\n').any(|&b| b == 0)
}

/// Reads commands from a non-terminal standard input, running each as soon
/// as it is complete (so `yes 'echo y' | isosh` makes progress).
pub fn run_reader(sh: &mut Shell, mut input: impl BufRead, name: &str) -> Outcome {
    let mut pending = String::new();
    let mut first_line = 1;
    let mut line = Vec::new();
    loop {
        line.clear();
        let at_end = match input.read_until(b'\n', &mut line) {
            Ok(0) => true,
            Ok(_) => {
                if line.last() != Some(&b'\n') {
                    line.push(b'\n');
                }
                pending.push_str(&crate::bytes::script_text(std::mem::take(&mut line)));
                false
            }
            Err(e) => {
                sh.error(&format!("{name}: {e}"));
                return Outcome::Exit(2);
            }
        };
        // A line that ends in a backslash continues on the next one.
        let backslashes =
            pending.strip_suffix('\n').unwrap_or(&pending).chars().rev().take_while(|&c| c == '\\').count();
        // Read as it will be run: an alias may open a group (`begin`).
        let aliases = sh.aliases.defined.clone();
        let parsed = crate::syntax::parse_with_aliases(&pending, aliases);
        let complete = backslashes % 2 == 0 && !matches!(parsed, Err(e) if e.incomplete);
        if complete || at_end {
            let outcome = run_text(sh, &pending, Origin { name, first_line });
            first_line += pending.matches('\n').count();
            pending.clear();
            if outcome != Outcome::Finished || at_end {
                return outcome;
            }
        }
    }
}
