//! The `isosh` binary: `-c`, a script file, standard input, or the REPL.
//!
//! `main` is glibc's, not Rust's: Rust's start-up work is nothing a shell
//! needs, and it costs each start (and each isolate block) time. It makes
//! the main thread's stack guard (reading `/proc/self/maps`), installs
//! SIGSEGV/SIGBUS handlers that report a stack overflow, gives every later
//! thread — init's network-namespace thread among them — an alternate signal stack,
//! and ignores SIGPIPE (which a shell must not). What a shell does need of
//! it is done here: fds 0–2 open, and the exit status of a panic.
#![no_main]

use isosh::cli::{self, Cli, Input};
use isosh::exec::Shell;
use isosh::state::State;
use isosh::toplevel::{self, Origin, Outcome};
use std::io::IsTerminal;

#[unsafe(no_mangle)]
extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: these are main's own arguments.
    unsafe { isosh::sys::remember_command_line(argc, argv) };
    open_missing_standard_fds();
    isosh::stack::init_main_thread();
    // A panic unwinds to here (running the cleanup in `Drop`s on its way),
    // and ends the shell as Rust's own `main` would.
    let _ = std::panic::catch_unwind(run);
    std::process::exit(101)
}

/// Opens `/dev/null` on any of fds 0–2 that is closed, so no file the
/// shell opens for itself can become a command's stdin, stdout or stderr.
fn open_missing_standard_fds() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd { fd, events: 0, revents: 0 });
    // SAFETY: polling three pollfds of a local array, without waiting.
    if unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } < 0 {
        return;
    }
    for pfd in fds.iter().filter(|p| p.revents & libc::POLLNVAL != 0) {
        // SAFETY: opening a path from a C string literal; the lowest free
        // fd is the closed one, as the three are checked in order.
        let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        if fd != pfd.fd {
            return;
        }
    }
}

/// The shell: it always ends in `std::process::exit`, which also flushes
/// Rust's stdout.
fn run() {
    // Arguments are bytes: any of them may be non-UTF-8 (see isosh::bytes).
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| isosh::bytes::from_os(&a)).collect();
    let invocation = match cli::parse(&args) {
        Ok(Cli::Run(i)) => i,
        Ok(Cli::Version) => {
            println!("isosh {}", env!("CARGO_PKG_VERSION"));
            std::process::exit(0);
        }
        Ok(Cli::Help) => {
            print!("{}", cli::USAGE);
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("isosh: {e}");
            std::process::exit(e.status());
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
    state.vars.allexport = state.options.allexport;
    state.options.interactive = interactive;
    isosh::trace::sync(state.options.trace);
    let mut sh = Shell::new(state);
    sh.explainer = Some(isosh::explain::render_line);
    if invocation.explain {
        let text = match &invocation.input {
            Input::Command(t) => Ok(t.clone()),
            Input::Script(p) => std::fs::read(isosh::bytes::path(p))
                .map(isosh::bytes::script_text)
                .map_err(|e| format!("{p}: {}", isosh::exec::builtins::io_reason(&e))),
            Input::Stdin => Err("--explain needs -c COMMAND or a script".to_string()),
        };
        let status = match text.map(|t| (sh.explain(&t), t)) {
            Ok((Ok(e), _)) => {
                if invocation.json {
                    print!("{}", isosh::explain::render_json(&e));
                } else {
                    print!("{}", isosh::explain::render(&e, false));
                }
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
        Input::Script(path) => match std::fs::read(isosh::bytes::path(&path)) {
            Ok(bytes) if toplevel::looks_binary(&bytes) => {
                sh.error(&format!("{path}: cannot execute binary file"));
                Outcome::Exit(126)
            }
            Ok(bytes) => {
                let text = isosh::bytes::script_text(bytes);
                toplevel::run_text(&mut sh, &text, Origin { name: &path, first_line: 1 })
            }
            // As bash: a directory is there but cannot run (126).
            Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
                sh.error(&format!("{path}: is a directory"));
                Outcome::Exit(126)
            }
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
    let status = sh.run_exit_trap(status);
    std::process::exit(status & 0xff);
}
