//! The ways into isosh other than the REPL: `-c`, script files, `#!` lines,
//! standard input, and the command-line options.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Scratch, run_in};
use std::os::unix::fs::PermissionsExt;

fn write_script(dir: &Scratch, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn dash_c_takes_name_and_arguments() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["-c", "echo \"$0|$1|$2|$#\"", "myname", "a b", "c"], "");
    assert_eq!(r.stdout, "myname|a b|c|2\n");
    let r = run_in(dir.path(), ISOSH, &["-c", "echo $0 $#"], "");
    assert_eq!(r.stdout, "isosh 0\n");
}

#[test]
fn script_file_with_arguments() {
    let dir = Scratch::new("inv");
    let script = write_script(&dir, "s.sh", "echo \"script $0 got $# args: $1, $2\"\nexit 3\n");
    let r = run_in(dir.path(), ISOSH, &[&script, "one", "two words"], "");
    assert_eq!(r.stdout, format!("script {script} got 2 args: one, two words\n"));
    assert_eq!(r.status, 3);
}

#[test]
fn shebang_line_runs_isosh() {
    let dir = Scratch::new("inv");
    // Both an absolute #! and `#!/usr/bin/env isosh` with isosh on PATH.
    let direct = write_script(&dir, "direct", &format!("#!{ISOSH}\necho direct $1\n"));
    let r = run_in(dir.path(), &direct, &["x"], "");
    assert_eq!((r.stdout.as_str(), r.status), ("direct x\n", 0), "{r:?}");

    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(ISOSH, bin.join("isosh")).unwrap();
    let via_env = write_script(&dir, "via-env", "#!/usr/bin/env isosh\necho via env; ls /proc/self/fd | wc -l\n");
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let r = run_in(dir.path(), "/usr/bin/env", &[&format!("PATH={path}"), &via_env], "");
    assert_eq!(r.stdout, "via env\n4\n", "{r:?}");
}

#[test]
fn missing_script_is_127() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["no-such-script.sh"], "");
    assert_eq!(r.status, 127);
    assert!(r.stderr.contains("no-such-script.sh: No such file or directory"), "{}", r.stderr);
}

#[test]
fn syntax_error_in_script_names_file_line_and_column() {
    let dir = Scratch::new("inv");
    let script = write_script(&dir, "bad.sh", "echo line1\n\necho x | | y\necho never\n");
    let r = run_in(dir.path(), ISOSH, &[&script], "");
    assert_eq!(r.stdout, "line1\n");
    assert_eq!(r.status, 2);
    assert_eq!(r.stderr, format!("isosh: {script}:3:10: syntax error: unexpected '|'\n"));
}

#[test]
fn failing_command_does_not_stop_a_script_without_e() {
    let dir = Scratch::new("inv");
    let script = write_script(&dir, "s.sh", "false\nnosuch-cmd-zz\necho still running $?\n");
    let r = run_in(dir.path(), ISOSH, &[&script], "");
    assert_eq!(r.stdout, "still running 127\n");
    let r = run_in(dir.path(), ISOSH, &["-e", &script], "");
    assert_eq!((r.stdout.as_str(), r.status), ("", 1));
}

#[test]
fn commands_from_standard_input() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &[], "echo one\necho two |\n tr a-z A-Z\nexit 4\necho never\n");
    assert_eq!((r.stdout.as_str(), r.status), ("one\nTWO\n", 4));
    // Errors from stdin count lines across chunks.
    let r = run_in(dir.path(), ISOSH, &[], "echo a\necho b\necho c )\n");
    assert_eq!(r.stderr, "isosh: stdin:3:8: syntax error: unexpected ')'\n");
}

#[test]
fn standard_input_runs_each_command_as_it_arrives() {
    // `yes` never ends: isosh must run commands as lines come, not wait
    // for end of input. `exit` after the first ends the shell.
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), "/bin/sh", &["-c", &format!("yes 'echo y; exit 7' | {ISOSH}")], "");
    assert_eq!((r.stdout.as_str(), r.status), ("y\n", 7));
}

#[test]
fn option_flags() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["-x", "-c", "echo 'a b' c"], "");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("a b c\n", "+ echo 'a b' c\n"));
    let r = run_in(dir.path(), ISOSH, &["-u", "-c", "echo $undefined_zz; echo after"], "");
    assert_eq!((r.stdout.as_str(), r.status), ("", 2));
    let r = run_in(dir.path(), ISOSH, &["-n", "-c", "echo not run"], "");
    assert_eq!((r.stdout.as_str(), r.status), ("", 0));
    let r = run_in(dir.path(), ISOSH, &["-n", "-c", "echo a |"], "");
    assert_eq!(r.status, 2, "-n still reports syntax errors");
    let r = run_in(dir.path(), ISOSH, &["-o", "pipefail", "-c", "false | true"], "");
    assert_eq!(r.status, 1);
    let r = run_in(dir.path(), ISOSH, &["-e", "-c", "false; echo no"], "");
    assert_eq!((r.stdout.as_str(), r.status), ("", 1));
}

#[test]
fn version_help_and_bad_options() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["--version"], "");
    assert_eq!(r.stdout, format!("isosh {}\n", env!("CARGO_PKG_VERSION")));
    let r = run_in(dir.path(), ISOSH, &["--help"], "");
    assert!(r.stdout.starts_with("usage: isosh"), "{}", r.stdout);
    let r = run_in(dir.path(), ISOSH, &["-Z"], "");
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("-Z: unknown option"));
}

#[test]
fn closed_standard_fds_are_opened_on_dev_null_at_start() {
    // So that no file the shell opens for itself lands on fd 0, 1 or 2.
    let dir = Scratch::new("inv");
    let inner =
        format!("exec 0<&- 2>&-; {ISOSH} -c 'readlink /proc/self/fd/0 /proc/self/fd/2; ls /proc/self/fd | wc -l'");
    let r = run_in(dir.path(), "dash", &["-c", &inner], "");
    assert_eq!(r.stdout, "/dev/null\n/dev/null\n4\n", "{r:?}");
}

#[test]
fn child_sees_exactly_the_planned_fds() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["-c", "ls /proc/self/fd; exec 7>f; ls /proc/self/fd | tr '\\n' ' '"], "");
    // The second listing runs in a pipeline: 7 is inherited on purpose
    // (exec without CLOEXEC), nothing else leaks.
    assert_eq!(r.stdout, "0\n1\n2\n3\n0 1 2 3 7 ");
    // Redirections on a builtin are undone: the saved copies do not leak.
    let r = run_in(dir.path(), ISOSH, &["-c", "echo x >f 2>&1; ls /proc/self/fd | tr '\\n' ' '"], "");
    assert_eq!(r.stdout, "0 1 2 3 ");
}

#[test]
fn runtime_errors_name_the_file_and_line_of_scripts_functions_and_sourced_files() {
    let dir = Scratch::new("inv");
    write_script(&dir, "lib.sh", "lib_fn() {\n  echo in lib\n  missing-in-lib-zz\n}\n");
    let main = write_script(&dir, "main.sh", "echo start\n. ./lib.sh\n\nlib_fn\nmissing-in-main-zz\n");
    let r = run_in(dir.path(), ISOSH, &[&main], "");
    assert_eq!(r.stdout, "start\nin lib\n");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "isosh: ./lib.sh:3: missing-in-lib-zz: command not found",
            &format!("isosh: {main}:5: missing-in-main-zz: command not found")
        ]
    );
    // A syntax error in a sourced file names that file.
    write_script(&dir, "bad.sh", "echo ok\nif then\n");
    let r = run_in(dir.path(), ISOSH, &["-c", ". ./bad.sh"], "");
    assert!(r.stderr.contains("./bad.sh:2:4: syntax error: unexpected 'then'"), "{r:?}");
}

#[test]
fn explain_shows_the_plan_and_runs_nothing() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["--explain", "-c", "echo hi | tr a-z A-Z > out 2>&1"], "");
    assert_eq!(r.status, 0, "{r:?}");
    assert!(r.stdout.contains("pipe2([3, 4], O_CLOEXEC)"), "{}", r.stdout);
    assert!(r.stdout.contains("1 → out (O_WRONLY|O_CREAT|O_TRUNC)"), "{}", r.stdout);
    assert!(!dir.path().join("out").exists(), "explain must not run the line");
    let r = run_in(dir.path(), ISOSH, &["-c", "explain --json 'cat < in'"], "");
    assert!(r.stdout.starts_with("{\"pipelines\""), "{r:?}");
    let r = run_in(dir.path(), ISOSH, &["--explain", "-c", "echo |"], "");
    assert_eq!(r.status, 2);
}

/// Runs `program args…` (arguments as raw bytes) with `stdin`, returning
/// (stdout bytes, stderr text, status).
fn run_bytes(dir: &Scratch, program: &str, args: &[&[u8]], stdin: &[u8]) -> (Vec<u8>, String, i32) {
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    let mut child = std::process::Command::new(program)
        .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (out.stdout, String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

/// The same run under isosh and dash must give the same bytes and status.
fn same_as_dash(dir: &Scratch, args: &[&[u8]], stdin: &[u8]) -> Vec<u8> {
    let ours = run_bytes(dir, ISOSH, args, stdin);
    let theirs = run_bytes(dir, "/bin/dash", args, stdin);
    assert_eq!((&ours.0, ours.2), (&theirs.0, theirs.2), "args {args:?}; isosh stderr: {}", ours.1);
    ours.0
}

#[test]
fn non_utf8_command_string_and_arguments_are_bytes() {
    let dir = Scratch::new("inv");
    assert_eq!(same_as_dash(&dir, &[b"-c", b"echo \xff"], b""), b"\xff\n");
    assert_eq!(same_as_dash(&dir, &[b"-c", b"printf %s \"$0|$1\"", b"n\xe9", b"\xfe\xff"], b""), b"n\xe9|\xfe\xff");
    assert_eq!(same_as_dash(&dir, &[b"-c", b"echo ${#1}", b"x", b"\xfe\xff"], b""), b"2\n");
}

#[test]
fn latin1_script_files_and_stdin_run() {
    let dir = Scratch::new("inv");
    let text = b"# caf\xe9 in a comment\necho w\xe9 \"$1\"\ncase $1 in \xff) echo matched;; esac\n";
    std::fs::write(dir.path().join("l1.sh"), text).unwrap();
    let out = same_as_dash(&dir, &[b"l1.sh", b"\xff"], b"");
    assert_eq!(out, b"w\xe9 \xff\nmatched\n");
    same_as_dash(&dir, &[], b"echo \xe9\\\nx\necho done\n");
}

#[test]
fn binary_file_as_script_is_126() {
    let dir = Scratch::new("inv");
    std::fs::write(dir.path().join("prog"), b"\x7fELF\x02\x01\x01\0\0\0echo never\n").unwrap();
    let (out, err, status) = run_bytes(&dir, ISOSH, &[b"prog"], b"");
    assert_eq!((out.as_slice(), status), (&b""[..], 126));
    assert!(err.contains("prog: cannot execute binary file"), "{err}");
    // A NUL later in a script is dropped, as bash does.
    std::fs::write(dir.path().join("nul.sh"), b"echo a\necho b\0c\n").unwrap();
    let (out, _, status) = run_bytes(&dir, ISOSH, &[b"nul.sh"], b"");
    assert_eq!((out.as_slice(), status), (&b"a\nbc\n"[..], 0));
}

#[test]
fn nul_in_command_substitution_is_dropped_with_a_warning() {
    let dir = Scratch::new("inv");
    let (out, err, status) = run_bytes(&dir, ISOSH, &[b"-c", b"x=$(printf 'a\\0b'); echo $x"], b"");
    assert_eq!((out.as_slice(), status), (&b"ab\n"[..], 0));
    assert!(err.contains("ignored null byte"), "{err}");
}

/// Writes `text` as a script and runs it with `shell` (and options).
fn run_script(dir: &Scratch, shell: &str, opts: &[&str], name: &str, text: &str) -> (String, String, i32) {
    std::fs::write(dir.path().join(name), text).unwrap();
    let mut args: Vec<&[u8]> = opts.iter().map(|o| o.as_bytes()).collect();
    args.push(name.as_bytes());
    let (out, err, status) = run_bytes(dir, shell, &args, b"");
    (String::from_utf8_lossy(&out).into_owned(), err, status)
}

#[test]
fn deep_nesting_runs_as_dash_does() {
    let dir = Scratch::new("inv");
    let n = 4000;
    let subshells = format!("{}echo deep{}\n", "(".repeat(n), ")".repeat(n));
    let arith = format!("echo $(({}1{}))\n", "(".repeat(5000), ")".repeat(5000));
    for (name, text) in [("sub.sh", &subshells), ("arith.sh", &arith)] {
        let ours = run_script(&dir, ISOSH, &[], name, text);
        let theirs = run_script(&dir, "/bin/dash", &[], name, text);
        assert_eq!((&ours.0, ours.2), (&theirs.0, theirs.2), "{name}: {}", ours.1);
    }
    // 7000 nested $( ) parse (bash and dash crash here).
    let subst = format!("echo {}x{}\n", "$(echo ".repeat(7000), ")".repeat(7000));
    let (_, err, status) = run_script(&dir, ISOSH, &["-n"], "subst.sh", &subst);
    assert_eq!(status, 0, "{err}");
    // Runs too: a few hundred nested substitutions (each a process).
    let subst = format!("echo {}x{}\n", "$(echo ".repeat(300), ")".repeat(300));
    assert_eq!(run_script(&dir, ISOSH, &[], "subst2.sh", &subst).0, "x\n");
    // 10000 nested brace groups and ifs run.
    let braces = format!("{}echo b;{}\n", "{ ".repeat(10000), " }".repeat(10000));
    assert_eq!(run_script(&dir, ISOSH, &[], "braces.sh", &braces).0, "b\n");
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
    let dir = Scratch::new("inv");
    let ifs = format!("{}echo x{}\n", "if true; then ".repeat(100_000), "; fi".repeat(100_000));
    let (out, err, status) = run_script(&dir, ISOSH, &["-n"], "ifs.sh", &ifs);
    assert_eq!((out.as_str(), status), ("", 2), "{err}");
    assert!(err.contains("ifs.sh:1:") && err.contains("nesting too deep"), "{err}");
    let arith = format!("echo $(({}1{}))\n", "(".repeat(30_000), ")".repeat(30_000));
    let (_, err, status) = run_script(&dir, ISOSH, &[], "arith.sh", &arith);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("nesting too deep"), "{err}");
    let (_, err, status) = run_script(&dir, ISOSH, &[], "rec.sh", "f() { f; }; f\necho never\n");
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("f: nesting too deep"), "{err}");
}

#[test]
fn help_options_explain_json_and_unknown_option_names() {
    let dir = Scratch::new("inv");
    for flag in ["--help", "-h"] {
        let r = run_in(dir.path(), ISOSH, &[flag], "");
        assert_eq!(r.status, 0);
        for word in ["isolate", "explain", "fds", "--json", "docs/tutorial", "man isosh"] {
            assert!(r.stdout.contains(word), "{flag} should mention {word}:\n{}", r.stdout);
        }
    }
    let r = run_in(dir.path(), ISOSH, &["--explain", "--json", "-c", "ls | wc -l"], "");
    assert_eq!(r.status, 0, "{r:?}");
    assert!(r.stdout.starts_with('{') && r.stdout.contains("\"pipelines\""), "{}", r.stdout);
    let r = run_in(dir.path(), ISOSH, &["--bogus", "-c", "true"], "");
    assert_eq!(r.status, 2);
    assert!(r.stderr.starts_with("isosh: --bogus: unknown option"), "{}", r.stderr);
    let r = run_in(dir.path(), ISOSH, &["--json", "-c", "true"], "");
    assert!(r.stderr.contains("--json goes with --explain"), "{}", r.stderr);
}

#[test]
fn a_directory_as_script_is_126() {
    let dir = Scratch::new("inv");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let r = run_in(dir.path(), ISOSH, &["sub"], "");
    assert_eq!((r.status, r.stderr.as_str()), (126, "isosh: sub: is a directory\n"));
}

#[test]
fn help_builtin_lists_every_builtin_and_the_man_page_names_them() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["-c", "help"], "");
    assert_eq!(r.status, 0);
    let names: Vec<&str> =
        r.stdout.lines().filter(|l| l.starts_with("  ")).filter_map(|l| l.split_whitespace().next()).collect();
    assert!(names.len() > 40 && names.contains(&"fds") && names.contains(&"isolates"), "{names:?}");
    for line in r.stdout.lines().filter(|l| l.starts_with("  ")) {
        assert!(line.split_whitespace().count() > 1, "every builtin has a summary: {line:?}");
    }
    let man = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/isosh.1")).unwrap();
    for name in &names {
        let roff = name.replace('-', "\\-");
        assert!(man.contains(&format!("\\fB{roff}\\fR")), "docs/isosh.1 does not name the builtin {name}");
    }
    let r = run_in(dir.path(), ISOSH, &["-c", "help cd; cd --help; help nosuch"], "");
    assert!(r.stdout.starts_with("usage: cd [-L|-P] [DIR|-]\nchange the working directory"), "{}", r.stdout);
    assert!(r.stderr.contains("help: no builtin named nosuch"), "{}", r.stderr);
    assert_eq!(r.status, 1);
    // The page renders without warnings where groff is installed.
    if std::path::Path::new("/usr/bin/groff").exists() {
        let out = std::process::Command::new("groff")
            .args(["-man", "-ww", "-z", concat!(env!("CARGO_MANIFEST_DIR"), "/docs/isosh.1")])
            .output()
            .unwrap();
        assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        eprintln!("SKIP man page rendering: groff is not installed (apt-get install groff-base)");
    }
}

#[test]
fn an_unclosed_block_with_a_redirection_suggests_closing_it_first() {
    let dir = Scratch::new("inv");
    let r = run_in(dir.path(), ISOSH, &["-c", "isolate < ls / >out.txt"], "");
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("not closed with '>'") && r.stderr.contains("write `> >out.txt`"), "{}", r.stderr);
}

/// Commands read from standard input are complete as the shell will read
/// them, with its aliases: `begin` (an alias for `{`) alone on a line waits
/// for the rest of the group, as in dash.
#[test]
fn standard_input_reads_an_alias_that_opens_a_group_to_its_end() {
    let dir = Scratch::new("inv-alias-stdin");
    let input = "alias begin='{' end='}'\nbegin\necho inside\nend\necho after\n";
    let ours = run_in(dir.path(), ISOSH, &[], input);
    let dash = run_in(dir.path(), "dash", &[], input);
    assert_eq!(dash.stdout, "inside\nafter\n", "{dash:?}");
    assert_eq!((ours.stdout.as_str(), ours.status), (dash.stdout.as_str(), dash.status), "{ours:?}");
}
