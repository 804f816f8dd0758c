//! Command-line arguments: `isosh [options] [-c CMD [NAME [ARG…]] | FILE [ARG…]]`.

use crate::state::Options;

/// Where the commands come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-c CMD`
    Command(String),
    /// `isosh FILE` (also how `#!` lines run scripts)
    Script(String),
    /// No operand: a terminal gets the REPL, anything else is read as a script.
    Stdin,
}

/// How isosh was asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Where the commands come from.
    pub input: Input,
    /// `$0`: `-c`'s NAME, the script's path, or `isosh`.
    pub arg0: String,
    /// `$1…`.
    pub positional: Vec<String>,
    /// The options set with `-e`, `-o NAME` and the like.
    pub options: Options,
    /// `--norc`: the interactive shell skips its startup file.
    pub norc: bool,
    /// `--explain`: print what the input would do instead of running it.
    pub explain: bool,
    /// `--json`: with `--explain`, the plan as JSON.
    pub json: bool,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cli {
    /// Run commands.
    Run(Invocation),
    /// `--version`
    Version,
    /// `-h`, `--help`
    Help,
}

/// The text of `isosh --help`.
pub const USAGE: &str = "\
usage: isosh [-efnuxC] [-o option] [-c COMMAND [NAME [ARG...]] | FILE [ARG...]]

A POSIX shell that shows what it does: `explain` prints the processes,
system calls and fd tables of a command line without running it, `fds` the
shell's own open files, and `isolate [options] < commands >` runs part of a
line in a throwaway container (see `isolate --help`). At the prompt, `help`
lists the builtins.

With no operand, isosh reads commands from the terminal (an interactive
prompt) or from standard input.

  -c COMMAND   run COMMAND; NAME becomes $0 and ARGs $1...
  -e           exit when a command fails
  -u           treat expanding an unset parameter as an error
  -x           print each command to stderr (prefixed with $PS4) before running it
  -n           read and check commands, but run nothing
  -f           no pathname expansion (globbing)
  -C           `>` refuses to overwrite an existing file (use `>|`)
  -o NAME      set an option by name (errexit, nounset, xtrace, noexec,
               noglob, noclobber, pipefail, trace); +o NAME unsets it
  --norc       do not read $XDG_CONFIG_HOME/isosh/rc at the prompt
  --trace      print the system calls isosh makes as it runs (set -o trace)
  --explain    with -c or a script: show the processes, system calls and fd
               tables the commands would make, and run nothing
  --json       with --explain: the same as JSON, for tools
  --version    print the version
  -h, --help   print this help

Learn more: `man isosh` (docs/isosh.1), the hands-on course in
docs/tutorial/ (fds, redirections, pipes, namespaces, cgroups), and
docs/isolate.md.
";

/// Why the command line was refused: a usage error (status 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// An option isosh does not have (`--bogus`, `-z`, `+q`), as written.
    #[error("{0}: unknown option (isosh --help lists them)")]
    UnknownOption(String),
    /// `-o` or `+o` with no name after it.
    #[error("-o needs an option name")]
    MissingOptionName,
    /// `-o NAME` with a name no option has.
    #[error("-o {0}: unknown option")]
    UnknownOptionName(String),
    /// `--json` without `--explain`.
    #[error("--json goes with --explain")]
    JsonWithoutExplain,
    /// `-c` with no command string.
    #[error("-c needs a command string")]
    MissingCommand,
}

impl CliError {
    /// The status isosh exits with: every one is a usage error.
    pub fn status(&self) -> i32 {
        crate::status::USAGE
    }
}

/// Reads isosh's own arguments (without argv\[0\]).
pub fn parse(args: &[String]) -> Result<Cli, CliError> {
    let mut options = Options::default();
    let mut command = false;
    let mut norc = false;
    let mut explain = false;
    let mut json = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "--version" => return Ok(Cli::Version),
            "--help" | "-h" => return Ok(Cli::Help),
            "--norc" => {
                norc = true;
                i += 1;
                continue;
            }
            "--trace" => {
                options.trace = true;
                i += 1;
                continue;
            }
            "--explain" => {
                explain = true;
                i += 1;
                continue;
            }
            "--json" => {
                json = true;
                i += 1;
                continue;
            }
            "--" => {
                i += 1;
                break;
            }
            long if long.starts_with("--") => {
                return Err(CliError::UnknownOption(long.to_string()));
            }
            _ => {}
        }
        let (on, letters) = match a.as_bytes() {
            [b'-', _, ..] => (true, &a[1..]),
            [b'+', _, ..] => (false, &a[1..]),
            _ => break,
        };
        i += 1;
        for letter in letters.chars() {
            match letter {
                'c' if on => command = true,
                'o' => {
                    let name = args.get(i).ok_or(CliError::MissingOptionName)?;
                    i += 1;
                    *options.named_mut(name).ok_or_else(|| CliError::UnknownOptionName(name.clone()))? = on;
                }
                l => {
                    let sign = if on { '-' } else { '+' };
                    *options.flag_mut(l).ok_or_else(|| CliError::UnknownOption(format!("{sign}{l}")))? = on
                }
            }
        }
    }
    if json && !explain {
        return Err(CliError::JsonWithoutExplain);
    }
    let rest = &args[i.min(args.len())..];
    let invocation = if command {
        let (text, names) = rest.split_first().ok_or(CliError::MissingCommand)?;
        let (arg0, positional) = match names.split_first() {
            Some((n, p)) => (n.clone(), p.to_vec()),
            None => ("isosh".to_string(), Vec::new()),
        };
        Invocation { input: Input::Command(text.clone()), arg0, positional, options, norc, explain, json }
    } else if let Some((file, positional)) = rest.split_first() {
        Invocation {
            input: Input::Script(file.clone()),
            arg0: file.clone(),
            positional: positional.to_vec(),
            options,
            norc,
            explain,
            json,
        }
    } else {
        Invocation { input: Input::Stdin, arg0: "isosh".into(), positional: Vec::new(), options, norc, explain, json }
    };
    Ok(Cli::Run(invocation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Invocation {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&args).unwrap() {
            Cli::Run(i) => i,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn command_string_with_name_and_args() {
        let i = run(&["-ec", "echo $0 $1", "me", "a", "b"]);
        assert_eq!(i.input, Input::Command("echo $0 $1".into()));
        assert_eq!(i.arg0, "me");
        assert_eq!(i.positional, ["a", "b"]);
        assert!(i.options.errexit);
    }

    #[test]
    fn script_and_options() {
        let i = run(&["-x", "-o", "pipefail", "+x", "s.sh", "-e"]);
        assert_eq!(i.input, Input::Script("s.sh".into()));
        assert_eq!(i.positional, ["-e"]);
        assert!(i.options.pipefail && !i.options.xtrace && !i.options.errexit);
        assert_eq!(run(&[]).input, Input::Stdin);
    }

    #[test]
    fn errors_and_info() {
        assert!(parse(&["-c".into()]).is_err());
        assert!(parse(&["-z".into()]).is_err());
        assert_eq!(parse(&["--version".into()]), Ok(Cli::Version));
        assert_eq!(parse(&["-h".into()]), Ok(Cli::Help));
        let err = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap_err().to_string();
        assert!(err(&["--bogus"]).starts_with("--bogus: unknown option"));
        assert!(err(&["-ez"]).starts_with("-z: unknown option"));
        assert!(err(&["+q"]).starts_with("+q: unknown option"));
        assert!(err(&["--json", "-c", "x"]).contains("--explain"));
        assert_eq!(parse(&["-o".into()]), Err(CliError::MissingOptionName));
        assert_eq!(parse(&["-c".into()]).map_err(|e| e.status()), Err(2));
        let i = run(&["--explain", "--json", "-c", "ls"]);
        assert!(i.explain && i.json);
    }
}
