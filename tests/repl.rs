//! The interactive shell, driven through a real pseudo-terminal: prompt,
//! continuation prompt, Ctrl-C at the prompt and during a command, Ctrl-D,
//! and the history file.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Scratch};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Repl {
    master: File,
    child: Child,
    output: Arc<Mutex<String>>,
    /// How much of `output` earlier expectations consumed.
    seen: usize,
}

impl Repl {
    fn start(home: &std::path::Path) -> Repl {
        Repl::start_with(home, &[("PS1", "PROMPT$ ")])
    }

    fn start_with(home: &std::path::Path, env: &[(&str, &str)]) -> Repl {
        let pty = nix::pty::openpty(None, None).expect("openpty");
        let slave: OwnedFd = pty.slave;
        let mut cmd = Command::new(ISOSH);
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("TERM", "xterm")
            .envs(env.iter().copied())
            .current_dir(home)
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid and ioctl are async-signal-safe; they make the pty
        // the child's controlling terminal so Ctrl-C becomes SIGINT.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn isosh");
        let master = File::from(pty.master);
        let output = Arc::new(Mutex::new(String::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Repl { master, child, output, seen: 0 }
    }

    /// Waits until `needle` appears after what earlier calls consumed.
    fn expect(&mut self, needle: &str) {
        if !self.appears_within(needle, Duration::from_secs(10)) {
            let out = self.output.lock().unwrap();
            panic!("timed out waiting for {needle:?}; terminal shows:\n{:?}", &out[self.seen..]);
        }
    }

    /// Waits for the prompt that follows the line just entered. Every key
    /// typed redraws the line, prompt included, so an earlier "PROMPT$ " is
    /// no sign that the line was read; the line break that ends it is.
    fn next_prompt(&mut self) {
        self.expect("\r\n");
        self.expect("PROMPT$ ");
    }

    /// Whether `needle` appears (and is consumed) within `time`.
    fn appears_within(&mut self, needle: &str, time: Duration) -> bool {
        let deadline = Instant::now() + time;
        loop {
            {
                let out = self.output.lock().unwrap();
                if let Some(i) = out[self.seen..].find(needle) {
                    self.seen += i + needle.len();
                    return true;
                }
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the terminal has shown nothing new for a while (the
    /// line editor is idle, waiting for keys).
    fn quiet(&mut self) {
        let mut last = usize::MAX;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let len = self.output.lock().unwrap().len();
            if len == last || Instant::now() > deadline {
                return;
            }
            last = len;
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn send(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).unwrap();
    }

    fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "isosh did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Repl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Keep the master open until the child is gone.
        let _ = self.master.as_raw_fd();
    }
}

#[test]
fn runs_commands_and_exits_on_ctrl_d() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("echo hel''lo | tr a-z A-Z\r");
    r.expect("HELLO");
    r.expect("PROMPT$ ");
    r.send("false\r");
    r.next_prompt();
    r.send("\x04");
    assert_eq!(r.wait_exit(), 1, "Ctrl-D exits with the last status");
    let history = std::fs::read_to_string(home.path().join("data/isosh/history")).unwrap();
    assert!(history.contains("echo hel''lo | tr a-z A-Z"), "{history}");
}

#[test]
fn lines_typed_ahead_all_run() {
    // Two lines arrive in one read; the second must not be lost with the
    // rest of what the line editor read past the first (bash keeps it).
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("echo first-$((1+1))\recho second-$((2+1))\r");
    r.expect("first-2");
    r.expect("second-3");
}

#[test]
fn continuation_prompt_for_incomplete_input() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("echo 'one\r");
    r.expect("> ");
    r.send("two' |\r");
    r.expect("> ");
    r.send("tr a-z A-Z\r");
    r.expect("ONE\r\nTWO");
    r.expect("PROMPT$ ");
    // An unclosed isolate block also continues.
    r.send("isolate <\r");
    r.expect("> ");
    r.send("echo in block $$\r");
    r.expect("> ");
    r.send(">\r");
    r.expect(if nix::unistd::geteuid().is_root() { "in block 1" } else { "PROMPT$ " });
    r.expect("PROMPT$ ");
    r.send("exit 3\r");
    assert_eq!(r.wait_exit(), 3);
}

#[test]
fn syntax_error_shows_caret_and_keeps_running() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("echo a | | b\r");
    r.expect("syntax error: unexpected '|'");
    r.expect("echo a | | b");
    r.expect("         ^");
    r.expect("PROMPT$ ");
    // Quotes keep the typed text apart from the output.
    r.send("echo al''ive\r");
    r.expect("alive");
    // A failed exec ends a script but not the interactive shell.
    r.send("exec nosuch-cmd-zz\r");
    r.expect("nosuch-cmd-zz: command not found");
    r.expect("PROMPT$ ");
    r.send("echo still al''ive\r");
    r.expect("still alive");
}

#[test]
fn ctrl_c_clears_the_line_and_interrupts_commands_not_the_shell() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("echo never-run");
    r.expect("never-run");
    r.send("\x03");
    r.next_prompt();
    // The job says when it runs (its output, up-2, differs from the echoed
    // command text): a key pressed before then would reach the shell.
    r.send("sh -c 'echo up-$((1+1)); exec sleep 30'\r");
    r.expect("up-2");
    let started = Instant::now();
    r.send("\x03");
    r.expect("PROMPT$ ");
    assert!(started.elapsed() < Duration::from_secs(5), "sleep was not interrupted");
    r.send("echo status $?\r");
    r.expect("status 130");
    let out = r.output.lock().unwrap().clone();
    assert!(!out.contains("never-run\r\n"), "the cleared line must not run: {out:?}");
}

#[test]
fn ctrl_z_stops_and_fg_resumes() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("sh -c 'echo up-$((1+1)); sleep 1; echo woke-$((1+1))'\r");
    r.expect("up-2");
    r.send("\x1a");
    r.expect("Stopped");
    r.expect("PROMPT$ ");
    r.send("jobs\r");
    r.expect("[1]+  Stopped");
    r.expect("PROMPT$ ");
    r.send("fg\r");
    r.expect("woke-2");
    r.expect("PROMPT$ ");
    r.send("echo status $?\r");
    r.expect("status 0");
}

#[test]
fn background_jobs_are_numbered_listed_and_reported_done() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("sleep 0.3 &\r");
    r.expect("[1] ");
    r.expect("PROMPT$ ");
    r.send("jobs -l\r");
    r.expect("[1]+ ");
    r.expect(" Running");
    r.expect("sleep 0.3 &");
    r.expect("PROMPT$ ");
    // Each new prompt reports jobs that have ended since the last one.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        r.send("\r");
        if r.appears_within("[1]+  Done", Duration::from_millis(300)) {
            break;
        }
        assert!(Instant::now() < deadline, "the job was never reported done");
    }
}

#[test]
fn tab_completes_commands_and_files() {
    let home = Scratch::new("repl");
    std::fs::write(home.path().join("unique-file-name.txt"), "x\n").unwrap();
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("ech\t");
    r.expect("echo");
    r.send(" done-completing\r");
    r.next_prompt();
    r.send("cat uniq\t");
    r.expect("unique-file-name.txt");
    r.send("\r");
    r.expect("PROMPT$ ");
}

#[test]
fn highlighting_colours_and_no_color_turns_it_off() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("ls");
    r.expect("\x1b[32m");
    r.send("\x03");
    r.expect("PROMPT$ ");
    let mut plain = Repl::start_with(home.path(), &[("PS1", "PROMPT$ "), ("NO_COLOR", "1")]);
    plain.expect("PROMPT$ ");
    plain.send("ls /\r");
    plain.next_prompt();
    let out = plain.output.lock().unwrap().clone();
    assert!(!out.contains("\x1b[32m") && !out.contains("\x1b[31m"), "{out:?}");
}

#[test]
fn default_prompt_shows_directory_and_failed_status() {
    let home = Scratch::new("repl");
    let mut r = Repl::start_with(home.path(), &[("NO_COLOR", "1")]);
    let sign = if nix::unistd::geteuid().is_root() { "#" } else { "$" };
    r.expect(&format!("~ {sign} "));
    r.send("false\r");
    r.expect(&format!("~ [1] {sign} "));
    r.send("cd /tmp\r");
    r.expect(&format!("/tmp {sign} "));
}

#[test]
fn rc_file_runs_unless_norc() {
    let home = Scratch::new("repl");
    let rc = home.path().join("config/isosh");
    std::fs::create_dir_all(&rc).unwrap();
    std::fs::write(rc.join("rc"), "greeting=from-rc\nalias hi='echo hi-alias'\n").unwrap();
    let mut r = Repl::start_with(
        home.path(),
        &[("PS1", "PROMPT$ "), ("XDG_CONFIG_HOME", home.path().join("config").to_str().unwrap())],
    );
    r.expect("PROMPT$ ");
    r.send("echo $greeting; hi\r");
    r.expect("from-rc");
    r.expect("hi-alias");
}

#[test]
fn an_isolate_block_stops_as_a_whole() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP an_isolate_block_stops_as_a_whole: isolate blocks need root here");
        return;
    }
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("isolate < echo in-$((1+1)); sleep 1; echo block-done $$ >\r");
    r.expect("in-2");
    r.send("\x1a");
    r.expect("Stopped");
    r.expect("PROMPT$ ");
    std::thread::sleep(Duration::from_millis(1300));
    let out = r.output.lock().unwrap().clone();
    assert!(!out.contains("block-done 1"), "the block must not run on while stopped");
    r.send("fg\r");
    r.expect("block-done 1");
    r.expect("PROMPT$ ");
}

#[test]
fn bg_continues_a_stopped_job_and_job_specs_name_it() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    // The output (bg-2) differs from the command's text, which is echoed.
    // Long enough that a loaded machine still delivers ^Z before it ends.
    r.send("sh -c 'echo up-$((1+1)); sleep 4; echo bg-$((1+1))'\r");
    r.expect("up-2");
    r.send("\x1a");
    r.expect("Stopped");
    r.expect("PROMPT$ ");
    r.send("bg %sh\r");
    r.expect("[1] sh -c");
    r.expect("PROMPT$ ");
    r.send("jobs\r");
    r.expect("Running");
    r.expect("bg-2");
    r.send("echo next\r");
    r.expect("[1]+  Done");
}

/// At the prompt a block shares the user's terminal: a program in it reads
/// what is typed, asks the terminal's size and modes, and Ctrl-C reaches
/// it — while pushing input into the terminal (TIOCSTI, CVE-2017-5226) is
/// refused by the block's seccomp filter.
#[test]
fn a_block_uses_the_terminal_but_cannot_type_into_it() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP a_block_uses_the_terminal_but_cannot_type_into_it: isolate blocks need root here");
        return;
    }
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("isolate < stty size >/dev/null && echo size-$((1+1)); read -r x; echo got-$x-$((2+2)) >\r");
    r.expect("size-2");
    r.send("typed\n");
    r.expect("got-typed-4");
    r.next_prompt();
    // TIOCSTI (0x5412) on fd 0 with one byte: refused with EPERM inside.
    let sti = "perl -e 'require q(syscall.ph); my $c = q(Z); \
               print syscall(16, 0, 0x5412, $c) == -1 ? qq(sti-refused-$!-).(6*7).qq(\\n) : qq(sti-).qq(worked\\n)'";
    r.send(&format!("isolate < {sti} >\r"));
    r.expect("sti-refused-Operation not permitted-42");
    r.next_prompt();
    r.send("isolate < echo sleeping-$((3+3)); sleep 30; echo not-$((5+5))-interrupted >; echo status-$?-$((4+4))\r");
    r.expect("sleeping-6");
    r.send("\x03");
    r.expect("status-130-8");
    let out = r.output.lock().unwrap().clone();
    assert!(!out.contains("sti-worked") && !out.contains("not-10-interrupted"), "{out}");
}

/// `kill %N` on a stopped job continues it too, so it dies now (as in
/// bash), the next prompt says how it ended, and its number is free again.
#[test]
fn kill_ends_a_stopped_job_and_jobs_columns_match_bash() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("sleep 0.5 &\r");
    r.next_prompt();
    r.send("jobs\r");
    // bash: the command starts in column 25.
    r.expect("[1]+  Running                 sleep 0.5 &");
    r.next_prompt();
    r.send("sleep 30\r");
    std::thread::sleep(Duration::from_millis(200));
    r.send("\x1a");
    r.expect("Stopped");
    r.expect("PROMPT$ ");
    r.send("kill '%sleep 30'\r");
    // The report may come with the very next prompt or a later one: look
    // from here on, not past the next prompt.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        r.send("\r");
        if r.appears_within("Terminated              sleep 30", Duration::from_millis(300)) {
            break;
        }
        assert!(Instant::now() < deadline, "the stopped job was never reported terminated");
    }
    r.send("sleep 40 &\r");
    r.expect("] ");
    r.next_prompt();
    r.send("jobs -l\r");
    r.expect("+ ");
    r.expect(" Running                 sleep 40 &");
}

/// PS1 and PS2 get their escapes, then parameter expansion, command
/// substitution and arithmetic (as in dash and bash); `$?` survives.
#[test]
fn ps1_expands_parameters_and_escapes() {
    let home = Scratch::new("repl");
    let mut r = Repl::start_with(
        home.path(),
        &[("PS1", "[$?] $USER-$((6*7)) \\W \\j\\$ "), ("USER", "ann"), ("PS2", "more-$((1+1))> ")],
    );
    let sign = if nix::unistd::geteuid().is_root() { "#" } else { "$" };
    let dir = "~"; // \W of $HOME
    r.expect(&format!("[0] ann-42 {dir} 0{sign} "));
    r.send("false\r");
    r.expect(&format!("[1] ann-42 {dir} 0{sign} "));
    r.send("sleep 5 &\r");
    r.expect(&format!("[0] ann-42 {dir} 1{sign} "));
    r.send("PS1='$(echo sub)\\n\\A> '; (exit 3)\r");
    r.expect("sub\r\n");
    r.expect("> ");
    r.send("echo \"status $?\"\r");
    r.expect("status 3");
    r.send("if true\r");
    r.expect("more-2> ");
    r.send("then echo in-if; fi\r");
    r.expect("in-if");
}

/// A second Tab lists the candidates with what each is; completion knows
/// commands inside a block and after `|`, isolate options and their values,
/// variables inside double quotes and file names with spaces in a quote.
#[test]
fn tab_lists_candidates_with_descriptions_in_every_context() {
    let home = Scratch::new("repl");
    std::fs::write(home.path().join("my file.txt"), "in-the-file\n").unwrap();
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("isolate --ne\t");
    r.expect("--net");
    r.send("\t");
    r.expect("--net  (network: none or host)");
    r.expect("--network  (network: none or host)");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    r.send("isolate --net \t\t");
    r.expect("none");
    r.expect("host");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    r.send("true | ech\t");
    r.expect("echo");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    r.send("jo\t\t");
    r.expect("jobs  (builtin)");
    r.expect("join  (command)");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    r.send("mytool_a() { :; }; alias mytool_b='ls -l'\r");
    r.next_prompt();
    r.send("mytool_\t\t");
    r.expect("mytool_a  (function)");
    r.expect("mytool_b  (alias for ls -l)");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    r.send("cat \"my\t");
    r.expect("my file.txt\"");
    r.send("\r");
    r.expect("in-the-file");
    r.expect("PROMPT$ ");
    r.send("isoshvar_one=1 isoshvar_two=2\r");
    r.next_prompt();
    r.send("echo \"${isoshvar_t\t");
    r.expect("${isoshvar_two}");
    r.send("\"\r");
    r.expect("\r\n2\r\n");
}

/// Inside a block the first word is a command again.
#[test]
fn tab_completes_commands_inside_an_isolate_body() {
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("isolate --memory 64M < ech\t");
    r.expect("echo");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
}

/// `>file` inside a block redirects inside it, so the block stays open:
/// the continuation prompt comes with the `> >` hint.
#[test]
fn an_unclosed_block_with_a_redirection_hints_at_the_two_closing_forms() {
    let home = Scratch::new("repl");
    let mut r = Repl::start_with(home.path(), &[("PS1", "PROMPT$ "), ("PS2", "MORE> ")]);
    r.expect("PROMPT$ ");
    r.send("isolate < ls / >out.txt\r");
    r.expect("to close the block and redirect its output, write `> >out.txt`");
    r.expect("MORE> ");
    r.send("\x03");
    r.next_prompt();
    r.send("echo still-$((1+1))\r");
    r.expect("still-2");
}

/// Only fds 0–2 cross into a block; `--fd N` passes another, and a body
/// that names one left outside is told how.
#[test]
fn fds_cross_into_a_block_only_with_fd_option() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP fds_cross_into_a_block_only_with_fd_option: isolate blocks need root here");
        return;
    }
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("exec 3>fdlog\r");
    r.next_prompt();
    r.send("isolate < echo hi >&3 >\r");
    r.expect("3: Bad file descriptor (fd 3 stays outside the block; pass it with `isolate --fd 3`)");
    r.next_prompt();
    r.send("isolate --fd 3 < echo crossed-$((1+1)) >&3 >; cat fdlog\r");
    r.expect("\r\ncrossed-2");
    r.next_prompt();
    r.send("isolate --fd 7 < true >\r");
    r.expect("--fd 7: fd 7 is not open in the shell");
}

/// Ctrl-C on a block at the prompt leaves the echoed `^C` on its line, as
/// for any interrupted command, and `$?` is 130.
#[test]
fn ctrl_c_on_a_block_keeps_the_echoed_ctrl_c() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP ctrl_c_on_a_block_keeps_the_echoed_ctrl_c: isolate blocks need root here");
        return;
    }
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("isolate < echo started-$((1+1)); sleep 30 >\r");
    r.expect("started-2");
    r.send("\x03");
    r.expect("^C\r\n");
    r.expect("PROMPT$ ");
    r.send("echo status-$?\r");
    r.expect("status-130");
}

/// `--image` values: the transports, then directories (an OCI image
/// layout ends the word) or archive files, and what the store has loaded.
#[test]
fn tab_completes_image_references() {
    let home = Scratch::new("repl");
    let layout = home.path().join("imgs").join("alpine-layout");
    std::fs::create_dir_all(&layout).unwrap();
    std::fs::write(layout.join("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}").unwrap();
    std::fs::write(home.path().join("imgs").join("saved.tar"), "").unwrap();
    let refs = home.path().join("data").join("isosh").join("images").join("refs");
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::write(refs.join("0123.json"), r#"{"reference":"oci:/srv/stored-image:v1","id":"sha256:00","layers":[]}"#)
        .unwrap();
    let mut r = Repl::start_with(home.path(), &[("PS1", "PROMPT$ "), ("NO_COLOR", "1")]);
    r.expect("PROMPT$ ");
    r.send("isolate --image \t\t");
    r.expect("oci:  (OCI image layout directory)");
    r.expect("docker-archive:  (docker save archive)");
    r.expect("oci:/srv/stored-image:v1  (in the image store)");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    // Directories after oci:, and a layout ends the word.
    r.send("isolate --image oci:im\t");
    r.expect("oci:imgs/");
    r.send("al\t");
    r.expect("oci:imgs/alpine-layout ");
    r.send("\x03");
    r.next_prompt();
    r.quiet();
    // Files after docker-archive:, also in the --image= form.
    r.send("isolate --image=docker-archive:imgs/sa\t");
    r.expect("--image=docker-archive:imgs/saved.tar ");
    r.send("\x03");
    r.next_prompt();
}

/// The terminal a block is given is found by name inside (on
/// /dev/console, as docker and podman show it): `tty` names it, and it is
/// the same device the shell holds. A block not given it has none.
#[test]
fn tty_names_the_terminal_inside_a_block() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP tty_names_the_terminal_inside_a_block: isolate blocks need root here");
        return;
    }
    let home = Scratch::new("repl");
    let mut r = Repl::start(home.path());
    r.expect("PROMPT$ ");
    r.send("isolate < tty; echo tty-status-$? >\r");
    r.expect("/dev/console\r\ntty-status-0");
    r.next_prompt();
    // The same terminal: its device number is the one outside.
    r.send("echo out-$(stat -Lc %t:%T /proc/self/fd/0) in-$(isolate < stat -c %t:%T /dev/console >)\r");
    r.expect("\r\nout-");
    r.next_prompt();
    let out = r.output.lock().unwrap().clone();
    let line = out.rsplit("\r\nout-").next().unwrap_or("");
    let (outside, inside) = line.split_once(" in-").unwrap_or(("", ""));
    assert_eq!(outside, inside.split("\r\n").next().unwrap_or(""), "{line}");
    // No terminal on fds 0-2: no console either.
    r.send("isolate < test -e /dev/console; echo exists-$? > </dev/null 2>/dev/null | cat\r");
    r.expect("exists-1");
    r.next_prompt();
}
