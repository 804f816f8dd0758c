//! The `isosh` binary: `-c`, a script file, standard input, or the REPL.

use isosh::cli::{self, Cli, Input};
use isosh::exec::Shell;
use isosh::state::State;
use isosh::toplevel::{self, Origin, Outcome};
use std::io::IsTerminal;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let invocation = match cli::parse(&args) {
        Ok(Cli::Run(i)) => i,
        Ok(Cli::Version) => {
            println!("isosh {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Ok(Cli::Help) => {
            print!("{}", cli::USAGE);
            return;
        }
        Err(msg) => {
            eprintln!("isosh: {msg}");
            std::process::exit(2);
        }
    };
    let interactive = invocation.input == Input::Stdin && std::io::stdin().is_terminal();
    isosh::signals::init_shell(interactive);
    isosh::isolate::cleanup::sweep_stale();
    let mut state = State::new(invocation.arg0.clone(), invocation.positional);
    // After State::new took the shell's variables from the environment, so
    // they stay as they were (see users::ensure_home_for_libraries).
    isosh::users::ensure_home_for_libraries();
    state.options = invocation.options;
    state.options.interactive = interactive;
    isosh::trace::sync(state.options.trace);
    let mut sh = Shell::new(state);
    if invocation.explain {
        let text = match &invocation.input {
            Input::Command(t) => Ok(t.clone()),
            Input::Script(p) => std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}")),
            Input::Stdin => Err("--explain needs -c COMMAND or a script".to_string()),
        };
        let status = match text.map(|t| (sh.explain(&t), t)) {
            Ok((Ok(e), _)) => {
                print!("{}", isosh::explain::render(&e, false));
                0
            }
            Ok((Err(e), t)) => {
                sh.error_unlocated(&e.render("-c", &t, 1));
                2
            }
            Err(msg) => {
                sh.error_unlocated(&msg);
                2
            }
        };
        std::process::exit(status);
    }
    let outcome = match invocation.input {
        Input::Command(text) => toplevel::run_text(&mut sh, &text, Origin { name: "-c", first_line: 1 }),
        Input::Script(path) => match std::fs::read_to_string(&path) {
            Ok(text) => toplevel::run_text(&mut sh, &text, Origin { name: &path, first_line: 1 }),
            Err(e) => {
                sh.error(&format!("{path}: {}", isosh::exec::builtins::io_reason(&e)));
                Outcome::Exit(127)
            }
        },
        Input::Stdin if interactive => Outcome::Exit(isosh::repl::run(&mut sh, invocation.norc)),
        Input::Stdin => toplevel::run_reader(&mut sh, std::io::stdin().lock(), "stdin"),
    };
    let status = match outcome {
        Outcome::Finished => sh.state.last_status,
        Outcome::Exit(status) => status,
    };
    sh.state.last_status = status;
    sh.run_exit_trap();
    std::process::exit(status & 0xff);
}
