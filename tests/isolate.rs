//! isolate blocks for real: namespaces, root filesystem, cgroup limits, fd
//! wiring, signals and cleanup. These need root (CI runs as root); without
//! it they say so and skip — the rootless test instead needs root to create
//! an unprivileged user and runs the block as that user.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ISOSH, Run, Scratch, run_in};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// One isolate test at a time: several check that nothing is left behind,
/// which only means something when no other block is running.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Skips (visibly) when not root; otherwise holds the serial lock.
macro_rules! require_root {
    () => {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        if !is_root() {
            eprintln!("SKIP {}: isolate tests need root (CI runs as root); not root here", module_path!());
            return;
        }
    };
}

fn sh(script: &str) -> Run {
    let dir = Scratch::new("iso");
    run_in(dir.path(), ISOSH, &["-c", script], "")
}

fn sh_in(dir: &Scratch, script: &str) -> Run {
    run_in(dir.path(), ISOSH, &["-c", script], "")
}

/// Every cgroup directory, scratch directory and mount isosh could leave.
/// Held by the one test that leaves a cgroup behind on purpose (a SIGKILLed
/// shell's), so that no other test takes it for its own leftover.
static KILLED_SHELL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn leftovers() -> Vec<String> {
    let _no_killed_shell = KILLED_SHELL.lock().unwrap_or_else(|e| e.into_inner());
    settled(scan_leftovers)
}

/// What `scan` finds once it stays empty, or after three seconds: a
/// block's cgroups are removed by a cleaner process once its init has
/// exited, which may be a moment after the shell itself.
fn settled(scan: impl Fn() -> Vec<String>) -> Vec<String> {
    for _ in 0..300 {
        let found = scan();
        if found.is_empty() {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    scan()
}

fn scan_leftovers() -> Vec<String> {
    let mut found = Vec::new();
    // `isosh-<shell pid>-<n>`: a live shell's (another test's block running
    // now) is not a leftover.
    let shell_alive = |dir: &str| {
        let name = dir.rsplit('/').next().unwrap_or("");
        let pid = name.strip_prefix("isosh-").and_then(|r| r.split('-').next());
        pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists())
    };
    for root in ["/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/unified"] {
        let out = Command::new("find").args([root, "-maxdepth", "4", "-type", "d", "-name", "isosh-*"]).output();
        if let Ok(o) = out {
            found.extend(String::from_utf8_lossy(&o.stdout).lines().filter(|d| !shell_alive(d)).map(String::from));
        }
    }
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    found.extend(mountinfo.lines().filter(|l| l.contains("isosh-")).map(String::from));
    found
}

/// Anything a shell made under the temp dir (isolate makes nothing there:
/// its scratch tmpfs covers /tmp inside the block's mount namespace).
fn scratch_dirs_of(pid: u32) -> Vec<String> {
    let prefix = format!("isosh-{pid}-");
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

#[test]
fn pid_1_and_only_the_bodys_processes() {
    require_root!();
    let r = sh("isolate < echo $$; ls /proc | grep -c '^[0-9]' >");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"1"), "{r:?}");
    // init, the body's shell, ls and grep.
    assert!(lines[1].parse::<u32>().unwrap() <= 4, "{r:?}");
    assert_eq!(r.status, 0);
}

#[test]
fn hostname_inside_only() {
    require_root!();
    let before = nix::unistd::gethostname().unwrap();
    let r = sh("isolate --hostname box < hostname >; isolate < hostname >; hostname");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "box");
    assert!(lines[1].starts_with("isosh-"), "a generated name: {r:?}");
    assert_eq!(lines[2], before.to_string_lossy());
}

#[test]
fn network_namespace_has_only_lo_and_it_is_up() {
    require_root!();
    let r = sh("isolate < ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags >");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "lo", "{r:?}");
    assert_eq!(lines.len(), 3, "{r:?}");
    let flags = u32::from_str_radix(lines[2].trim_start_matches("0x"), 16).unwrap();
    assert_eq!(flags & 1, 1, "IFF_UP: {r:?}");
    let host = sh("isolate --net host < ls /sys/class/net | wc -l >");
    assert_eq!(host.status, 0);
    // The body itself is in the namespace init's thread made and init
    // joined, not only the sysfs: its own /proc/net lists lo alone, and
    // its namespace is not the shell's.
    let r = sh("readlink /proc/self/ns/net; isolate < readlink /proc/self/ns/net; cut -d: -f1 /proc/net/dev >");
    let lines: Vec<&str> = r.stdout.lines().map(str::trim).collect();
    assert!(lines.len() == 5 && lines[0] != lines[1], "{r:?}");
    assert_eq!(lines[4], "lo", "{r:?}");
}

#[test]
fn writes_inside_vanish_and_the_host_is_untouched() {
    require_root!();
    let probe = "/etc/isosh-test-write-probe";
    let r = sh(&format!("isolate < echo inside > {probe}; cat {probe} >; test -e {probe} && echo leaked || echo gone"));
    assert_eq!(r.stdout, "inside\ngone\n", "{r:?}");
    assert!(!Path::new(probe).exists());
}

#[test]
fn mounts_inside_are_invisible_outside() {
    require_root!();
    let before = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let dir = Scratch::new("iso-mounts");
    let mut cmd = Command::new(ISOSH);
    cmd.args(["-c", "isolate < echo running; grep -c ' /tmp ' /proc/self/mountinfo; sleep 0.5 >"])
        .current_dir(dir.path());
    let (mut child, mut output) = spawn_until_body_runs(&mut cmd);
    let during = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut output, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest, "1\n", "the block has its own /tmp");
    assert_eq!(before, during, "no mount of the block reached the host");
}

#[test]
fn only_planned_fds_cross_into_the_block() {
    require_root!();
    let r = sh("exec 7>outer-fd; isolate < ls /proc/self/fd | tr '\\n' ' ' >");
    assert_eq!(r.stdout, "0 1 2 3 ", "{r:?}");
    // A redirection on the block itself is honoured.
    let r = sh("isolate < ls /proc/self/fd | tr '\\n' ' '; echo via5 >&5 > 5>five; cat five");
    assert_eq!(r.stdout, "0 1 2 3 5 via5\n", "{r:?}");
    // It opens the host's file even by a path the block covers (/tmp).
    let r = sh("isolate < echo absolute > > \"$PWD/abs\" < /etc/hostname; cat abs");
    assert_eq!(r.stdout, "absolute\n", "{r:?}");
    // An fd the shell inherited is not passed on either.
    let dir = Scratch::new("iso-fds");
    let mut cmd = Command::new(ISOSH);
    cmd.args(["-c", "ls /proc/self/fd | tr '\\n' ' '; echo; isolate < ls /proc/self/fd | tr '\\n' ' ' >"]);
    let inherited = std::fs::File::open("/etc/hostname").unwrap();
    use std::os::fd::AsRawFd;
    let raw = inherited.as_raw_fd();
    use std::os::unix::process::CommandExt;
    // SAFETY: dup2 and fcntl are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            libc::dup2(raw, 9);
            Ok(())
        });
    }
    let out = cmd.current_dir(dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().contains(" 9 "), "fd 9 reaches ordinary commands: {text}");
    assert_eq!(lines.next(), Some("0 1 2 3 "), "but not the block: {text}");
}

#[test]
fn oom_kill_reports_137_and_the_limit() {
    require_root!();
    // `tail` keeps the last line, and a stream of zero bytes is one line.
    let r = sh("isolate --memory 32M < head -c 300M /dev/zero | tail -n 1 >/dev/null >; echo status $?");
    assert_eq!(r.stdout, "status 137\n", "{r:?}");
    assert!(r.stderr.contains("isosh: isolate: killed by the OOM killer (memory limit 32M)"), "{r:?}");
    assert!(leftovers().is_empty(), "{:?}", leftovers());
}

#[test]
fn pids_limit_holds_a_process_storm() {
    require_root!();
    // perl (Debian's perl-base) forks 40 sleepers, counting the forks that
    // fail, then the processes it can see — without forking again.
    let script = r#"isolate --pids-limit 12 < perl -e 'my $failed = 0;
        for (1..40) { my $p = fork; if (!defined $p) { $failed++ } elsif ($p == 0) { exec "sleep", "6.789" } }
        opendir(my $d, "/proc"); my $n = grep { /^\d+$/ } readdir($d); print "$n $failed\n"' >"#;
    let r = sh(script);
    let nums: Vec<u32> = r.stdout.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let [count, failed] = nums[..] else { panic!("{r:?}") };
    assert!(count <= 12, "{count} processes under --pids-limit 12");
    assert!(failed >= 40 - 12, "only {failed} forks failed");
    let left = Command::new("pgrep").args(["-f", "sleep 6.789"]).output().unwrap();
    assert!(left.stdout.is_empty(), "processes survived the block: {:?}", String::from_utf8_lossy(&left.stdout));
    assert!(leftovers().is_empty(), "{:?}", leftovers());
}

#[test]
fn cpus_limit_caps_a_busy_loop() {
    require_root!();
    // dash's `times` prints the children's user time on its second line.
    let r = sh("isolate --cpus 0.25 < sh -c 'timeout 2 sh -c \"while :; do :; done\"; times' >");
    let line = r.stdout.lines().nth(1).unwrap_or_else(|| panic!("{r:?}"));
    let user = line.split_whitespace().next().unwrap();
    let (m, s) = user.trim_end_matches('s').split_once('m').unwrap();
    let secs = m.parse::<f64>().unwrap() * 60.0 + s.parse::<f64>().unwrap();
    // A quarter of a CPU for two seconds is half a second; unlimited is two.
    assert!(secs < 1.0, "busy loop used {secs}s of CPU in 2s under --cpus 0.25");
}

/// A tiny root filesystem: busybox-static and its applets.
fn busybox_root(dir: &Path) -> bool {
    let Some(busybox) = ["/bin/busybox", "/usr/bin/busybox"].into_iter().find(|p| Path::new(p).exists()) else {
        return false;
    };
    for d in ["bin", "proc", "dev", "tmp", "sys", "etc"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    std::fs::copy(busybox, dir.join("bin/busybox")).unwrap();
    for applet in ["sh", "ls", "cat", "echo", "hostname", "id", "touch", "mount", "readlink"] {
        std::os::unix::fs::symlink("busybox", dir.join("bin").join(applet)).unwrap();
    }
    std::fs::write(dir.join("etc/motd"), "busybox root\n").unwrap();
    true
}

#[test]
fn rootfs_from_busybox_overlay_rw_and_read_only() {
    require_root!();
    let dir = Scratch::new("iso-rootfs");
    let root = dir.path().join("root");
    assert!(busybox_root(&root), "busybox-static is not installed (apt-get install busybox-static; see .ci/run)");
    let root = root.display();
    let r = sh_in(
        &dir,
        &format!("PATH=/bin; isolate --rootfs {root} < cat /etc/motd; ls /; echo new > /new.txt; cat /new.txt >"),
    );
    assert_eq!(r.stdout, "busybox root\nbin\ndev\netc\nproc\nsys\ntmp\nnew\n", "{r:?}");
    assert!(!dir.path().join("root/new.txt").exists(), "overlay writes must vanish");
    // A script without `#!` runs in a new isosh, which is not in this root:
    // it starts from a sealed copy of the binary.
    std::fs::write(dir.path().join("root/plain"), "echo \"plain $1\"; readlink /proc/$$/exe\n").unwrap();
    std::fs::set_permissions(dir.path().join("root/plain"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    let r = sh_in(&dir, &format!("PATH=/bin; isolate --rootfs {root} < /plain z >"));
    assert_eq!(r.stdout, "plain z\n/memfd:isosh (deleted)\n", "{r:?}");
    let r = sh_in(&dir, &format!("PATH=/bin; isolate --rootfs {root} --rw < echo kept > /kept.txt >"));
    assert_eq!(r.status, 0, "{r:?}");
    assert_eq!(std::fs::read_to_string(dir.path().join("root/kept.txt")).unwrap(), "kept\n");
    let r = sh_in(&dir, &format!("PATH=/bin; isolate --rootfs {root} --read-only < echo x > /ro.txt >; echo $?"));
    assert_eq!(r.stdout, "2\n", "{r:?}");
    assert!(r.stderr.contains("Read-only file system"), "{r:?}");
}

#[test]
fn bad_rootfs_is_125_naming_the_step() {
    require_root!();
    let r = sh("isolate --rootfs /nonexistent-root < true >");
    assert_eq!(r.status, 125);
    assert!(r.stderr.contains("isosh: isolate: step 'root layer' failed: ENOENT"), "{r:?}");
    assert!(leftovers().is_empty(), "{:?}", leftovers());
    // The message goes where the block's own stderr goes, as a command's.
    let r =
        sh("isolate --rootfs /nonexistent-root < true > 2>err; echo $?; isolate --bogus < true > 2>/dev/null; cat err");
    assert_eq!(r.stderr, "", "{r:?}");
    assert!(r.stdout.starts_with("125\nisosh: isolate: step 'root layer' failed"), "{r:?}");
}

#[test]
fn volumes_read_write_and_read_only() {
    require_root!();
    let dir = Scratch::new("iso-vol");
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let d = dir.path().join("data");
    let d = d.display();
    let r = sh_in(&dir, &format!("isolate -v {d}:/data < echo written > /data/f >; cat {d}/f"));
    assert_eq!(r.stdout, "written\n", "{r:?}");
    // A script without `#!` is run by a new isosh, found inside the block
    // by its path through the block's root (or, where that is not in the
    // block, a sealed copy: see the --rootfs test).
    std::fs::write(dir.path().join("data/plain"), "echo \"plain $1\"\n").unwrap();
    std::fs::set_permissions(dir.path().join("data/plain"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    let r = sh_in(&dir, &format!("isolate -v {d}:/data < /data/plain x >"));
    assert_eq!(r.stdout, "plain x\n", "{r:?}");
    let r = sh_in(
        &dir,
        &format!("isolate -v {d}:/data:ro < cat /data/f; echo no > /data/g >; echo $?; test -e {d}/g || echo absent"),
    );
    assert_eq!(r.stdout, "written\n2\nabsent\n", "{r:?}");
    // A volume below /sys goes on top of the block's fresh sysfs (which
    // then waits for init, rather than coming after pivot_root).
    let r = sh_in(&dir, "isolate -v /sys/fs/cgroup:/sys/fs/cgroup:ro < ls /sys/fs/cgroup; ls /sys/class/net >");
    let host = std::fs::read_dir("/sys/fs/cgroup").unwrap().count();
    assert_eq!(r.stdout.lines().count(), host + 1, "{r:?}");
    assert!(r.stdout.ends_with("\nlo\n"), "{r:?}");
}

#[test]
fn environment_options() {
    require_root!();
    let dir = Scratch::new("iso-env");
    std::fs::write(dir.path().join("env.list"), "# settings\nA=from file\n\nB\nUNSET_ONE\n").unwrap();
    let r = sh_in(
        &dir,
        "export B=outer; isolate --env-file env.list -e C=3 < echo \"$A|$B|$C|${UNSET_ONE}\"; sh -c 'echo $A' >",
    );
    assert_eq!(r.stdout, "from file|outer|3|\nfrom file\n", "{r:?}");
}

#[test]
fn status_variables_and_workdir() {
    require_root!();
    let r = sh("isolate < exit 7 >; echo $?; isolate < sh -c 'kill -9 $$' >; echo $?; x=1; isolate < x=2 >; echo $x");
    assert_eq!(r.stdout, "7\n137\n1\n", "{r:?}");
    assert!(!r.stderr.contains("OOM"), "a plain SIGKILL is not an OOM kill: {r:?}");
    let r = sh("isolate --workdir /tmp/w < pwd; echo $PWD >");
    assert_eq!(r.stdout, "/tmp/w\n/tmp/w\n", "{r:?}");
}

/// A body that is one program is started the way the shell starts any
/// program; it must end up exactly as a body run by a copy of the shell.
#[test]
fn a_body_that_is_one_program_starts_like_any_other_body() {
    require_root!();
    let r = sh(
        "trap '' TERM HUP; isolate < grep SigIgn /proc/self/status >; isolate < grep SigIgn /proc/self/status | cat >",
    );
    let masks: Vec<u64> =
        r.stdout.lines().map(|l| u64::from_str_radix(l.trim_start_matches("SigIgn:").trim(), 16).unwrap()).collect();
    let term_or_hup = 1 << (libc::SIGTERM - 1) | 1 << (libc::SIGHUP - 1);
    assert!(masks.len() == 2 && masks[0] == masks[1] && masks[0] & term_or_hup == 0, "{r:?}");
    let r = sh(
        "isolate < no-such-prog >; echo $?; isolate < no-such-prog 2>/dev/null >; echo $?; isolate < A=1 sh -c 'echo $A' >",
    );
    assert_eq!(r.stdout, "127\n127\n1\n", "{r:?}");
    assert_eq!(r.stderr.matches("no-such-prog: command not found").count(), 1, "{r:?}");
}

#[test]
fn block_is_a_pipeline_stage_wired_by_kernel_pipes() {
    require_root!();
    let r = sh("seq 1 100000 | isolate < sort -rn | head -3 > | wc -l");
    assert_eq!(r.stdout.trim(), "3", "{r:?}");
    let r =
        sh("printf 'b\\na\\n' > in; isolate < sort > < in > out; cat out; echo x | isolate < cat >&2 > 2>&1 | tr x y");
    assert_eq!(r.stdout, "a\nb\ny\n", "{r:?}");
}

#[test]
fn nothing_inside_can_read_proc_1_exe() {
    require_root!();
    let r = sh("isolate < cat /proc/1/exe > /dev/null; echo $?; readlink /proc/1/exe; echo $? >");
    assert_eq!(r.stdout, "1\n1\n", "{r:?}");
    assert!(r.stderr.contains("Permission denied"), "{r:?}");
}

#[test]
fn nested_isolate_fails_with_one_clear_line() {
    require_root!();
    let r = sh("isolate < isolate < true >; echo inner $? >");
    assert_eq!(r.stdout, "inner 125\n", "{r:?}");
    assert!(r.stderr.contains("isolate: blocks do not nest here"), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
}

fn wait_with_timeout(child: &mut std::process::Child) -> std::process::ExitStatus {
    for _ in 0..500 {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("isosh did not stop");
}

/// Starts `cmd`, whose block first prints `running`, and returns once that
/// line came (the block is set up and its body runs), with the rest of
/// its output to read.
fn spawn_until_body_runs(cmd: &mut Command) -> (std::process::Child, impl std::io::BufRead) {
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    assert_eq!(first, "running\n");
    (child, out)
}

fn stop_shell_during_block(signal: libc::c_int, marker: &str) -> std::process::ExitStatus {
    let dir = Scratch::new("iso-signal");
    let mut cmd = Command::new(ISOSH);
    let script = format!("isolate --pids-limit 20 < echo running; sleep {marker}; echo never >");
    cmd.args(["-c", &script]).current_dir(dir.path());
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    let (mut child, _output) = spawn_until_body_runs(&mut cmd);
    let pgid = child.id() as i32;
    // SIGINT goes to the whole process group, as a terminal sends Ctrl-C;
    // SIGTERM only to the shell, as `kill` does.
    let target = if signal == libc::SIGINT { -pgid } else { pgid };
    // SAFETY: kill with integers.
    unsafe { libc::kill(target, signal) };
    let status = wait_with_timeout(&mut child);
    std::thread::sleep(Duration::from_millis(200));
    let left = Command::new("pgrep").args(["-f", &format!("sleep {marker}")]).output().unwrap();
    assert!(left.stdout.is_empty(), "the block's processes survived: {:?}", String::from_utf8_lossy(&left.stdout));
    assert_eq!(scratch_dirs_of(child.id()), Vec::<String>::new());
    assert!(leftovers().is_empty(), "{:?}", leftovers());
    status
}

#[test]
fn sigterm_to_the_shell_stops_the_block_and_cleans_up() {
    require_root!();
    use std::os::unix::process::ExitStatusExt;
    let status = stop_shell_during_block(libc::SIGTERM, "31.4159");
    assert_eq!(status.signal(), Some(libc::SIGTERM));
}

#[test]
fn ctrl_c_stops_the_block_and_cleans_up() {
    require_root!();
    use std::os::unix::process::ExitStatusExt;
    let status = stop_shell_during_block(libc::SIGINT, "27.1828");
    assert_eq!(status.signal(), Some(libc::SIGINT));
}

#[test]
fn two_hundred_blocks_leave_nothing_behind() {
    require_root!();
    let script: String = (0..200)
        .map(|i| format!("isolate --pids-limit 50 < true >{}", if i % 2 == 0 { "\n" } else { "; echo -n\n" }))
        .collect();
    let dir = Scratch::new("iso-many");
    std::fs::write(dir.path().join("many.sh"), script).unwrap();
    let child = Command::new(ISOSH).arg("many.sh").current_dir(dir.path()).spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(scratch_dirs_of(pid), Vec::<String>::new());
    assert!(leftovers().is_empty(), "{:?}", leftovers());
}

/// The shell goes on once init reports the body's status — by then init has
/// killed and reaped everything else in the block — and reaps the exiting
/// inits later, so a loop of blocks leaves no pile of zombies.
#[test]
fn a_block_ends_with_its_body_and_its_init_is_reaped_later() {
    require_root!();
    let r = sh("isolate < sleep 1234.5 & echo started >; pgrep -fx 'sleep 1234.5' || echo none");
    assert_eq!(r.stdout, "started\nnone\n", "{r:?}");
    let r = sh("i=0; while [ $i -lt 50 ]; do isolate < true >; i=$((i+1)); done; wc -w < /proc/$$/task/$$/children");
    // wc itself, and at most a few inits still tearing their namespaces down.
    let children: u32 = r.stdout.trim().parse().unwrap();
    assert!((1..=4).contains(&children), "{r:?}");
}

#[test]
fn named_layers_persist_and_can_be_removed() {
    require_root!();
    let dir = Scratch::new("iso-named");
    let data = dir.path().join("data");
    let script = "isolate --name demo < echo kept > /kept.txt >; isolate --name demo < cat /kept.txt >; \
                  isolate < cat /kept.txt 2>/dev/null || echo fresh >; isolates; isolates rm demo; isolates; echo end";
    let out =
        Command::new(ISOSH).args(["-c", script]).current_dir(dir.path()).env("XDG_DATA_HOME", &data).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "kept\nfresh\ndemo\nend\n", "{out:?}");
}

/// Overlayfs mounts an upper directory another overlay is using with no
/// more than a warning in the kernel log; two blocks on one named layer
/// (or a commit of it while another block swaps its files for symlinks to
/// host paths) are undefined. The second is refused (125), as is
/// `isolates rm` of a layer in use.
#[test]
fn a_named_layer_in_use_is_not_mounted_twice_or_removed() {
    require_root!();
    let dir = Scratch::new("iso-named-busy");
    let data = dir.path().join("data");
    let script = "isolate --name busy < echo up; sleep 2 > > up.txt & \
                  while ! grep -q up up.txt 2>/dev/null; do sleep 0.02; done; \
                  isolate --name busy < echo second >; echo second=$?; isolates rm busy; echo rm=$?; wait; \
                  isolate --name busy < echo third >; isolates rm busy; echo rm=$?";
    let out =
        Command::new(ISOSH).args(["-c", script]).current_dir(dir.path()).env("XDG_DATA_HOME", &data).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "second=125\nrm=1\nthird\nrm=0\n", "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--name busy: the layer is in use by another block"), "{out:?}");
    assert!(stderr.contains("isolates: busy: the layer is in use by another block"), "{out:?}");
}

#[test]
fn a_killed_shells_leftovers_are_swept_by_the_next_shell() {
    require_root!();
    let _killing = KILLED_SHELL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Scratch::new("iso-sweep");
    // A journal directory of this test's own: every isosh that starts
    // sweeps, and the other tests start many.
    let runtime = Scratch::new("iso-sweep-runtime");
    std::fs::set_permissions(runtime.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let mut cmd = Command::new(ISOSH);
    cmd.args(["-c", "isolate --pids-limit 20 < echo running; sleep 42.4242 >"])
        .current_dir(dir.path())
        .env("XDG_RUNTIME_DIR", runtime.path());
    let (mut child, _output) = spawn_until_body_runs(&mut cmd);
    let mine = format!("isosh-{}-", child.id());
    let left = || scan_leftovers().into_iter().filter(|l| l.contains(&mine)).collect::<Vec<_>>();
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(!left().is_empty(), "SIGKILL leaves the block's cgroup behind");
    let r = Command::new(ISOSH).args(["-c", "true"]).env("XDG_RUNTIME_DIR", runtime.path()).status().unwrap();
    assert!(r.success());
    assert!(left().is_empty(), "the next isosh removed it: {:?}", left());
}

/// The journal is written before the first cgroup `mkdir`: a shell killed
/// between the two left a cgroup that no later shell knew of. strace
/// delivers SIGKILL on entry to the first, second, ... `mkdir` of the shell
/// (the journal's directory, the block's cgroup, its leaf); whatever cgroup
/// directories were made before the kill, the next isosh removes them all.
#[test]
fn a_shell_killed_while_it_makes_the_cgroup_leaves_it_to_the_sweep() {
    require_root!();
    if !common::have("strace") {
        eprintln!("SKIP a_shell_killed_while_it_makes_the_cgroup: strace is missing (apt-get install strace)");
        return;
    }
    let _killing = KILLED_SHELL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Scratch::new("iso-killed-mkdir");
    let mut killed_in_a_cgroup_mkdir = false;
    for when in 1.. {
        let runtime = Scratch::new("iso-killed-mkdir-runtime");
        std::fs::set_permissions(runtime.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let inject = format!("inject=mkdir:signal=KILL:when={when}");
        let out = Command::new("strace")
            .args(["-e", "trace=mkdir", "-e", &inject, ISOSH, "-c", "isolate < true >"])
            .current_dir(dir.path())
            .env("XDG_RUNTIME_DIR", runtime.path())
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr);
        if !log.contains("killed by SIGKILL") {
            // Past the shell's last mkdir: the block ran.
            assert!(when > 3 && out.status.success(), "{log}");
            break;
        }
        let mkdirs: Vec<&str> = log.lines().filter(|l| l.starts_with("mkdir(")).collect();
        let made: Vec<&str> = (mkdirs.iter())
            .filter(|l| l.ends_with("= 0"))
            .filter_map(|l| l.split('"').nth(1))
            .filter(|p| p.starts_with("/sys/fs/cgroup/"))
            .collect();
        killed_in_a_cgroup_mkdir |= mkdirs.last().is_some_and(|l| l.contains("\"/sys/fs/cgroup/")) && !made.is_empty();
        for cg in &made {
            assert!(Path::new(cg).is_dir(), "{cg} was made before the kill: {log}");
        }
        let r = Command::new(ISOSH).args(["-c", "true"]).env("XDG_RUNTIME_DIR", runtime.path()).status().unwrap();
        assert!(r.success());
        for cg in &made {
            assert!(!Path::new(cg).exists(), "the next isosh removed {cg} (killed at mkdir number {when}): {log}");
        }
    }
    assert!(killed_in_a_cgroup_mkdir, "one kill fell between the block's cgroup and its leaf");
}

/// Init opens the block's redirections before it mounts anything, while
/// its thread makes the network namespace: one from a FIFO blocks until a
/// writer comes, and the block then runs as any other.
#[test]
fn a_redirection_from_a_fifo_waits_for_its_writer() {
    require_root!();
    let dir = Scratch::new("iso-fifo");
    let fifo = dir.path().join("f");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let writer = std::thread::spawn({
        let fifo = fifo.clone();
        move || {
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(fifo, "through the fifo\n").unwrap();
        }
    });
    let r = sh_in(&dir, "isolate < cat; ls /proc/1/fd | wc -l > < f; echo status $?");
    writer.join().unwrap();
    assert_eq!(r.stdout.lines().next(), Some("through the fifo"), "{r:?}");
    assert!(r.stdout.ends_with("status 0\n"), "{r:?}");
}

#[test]
fn help_and_doctor() {
    let r = sh("isolate --help");
    assert!(r.stdout.contains("--pids-limit N"), "{r:?}");
    let r = sh("isolate --doctor");
    assert!(r.stdout.contains("user namespaces"), "{r:?}");
    let probes_left = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("isosh-doctor-"))
        .count();
    assert_eq!(probes_left, 0, "the doctor's probe directories are removed");
    assert!(r.stdout.contains("cgroup layout"), "{r:?}");
    assert!(r.stdout.contains("ok   seccomp: docker's default profile loads"), "{r:?}");
    if is_root() {
        assert!(r.stdout.contains("ok   overlayfs"), "{r:?}");
        assert!(r.stdout.contains("ok   a block: `isolate < true >` runs"), "{r:?}");
        assert_eq!(r.status, 0, "{r:?}");
    }
}

/// Runs isosh as an unprivileged user (created here, as root).
#[test]
fn rootless_blocks_map_the_user_to_root() {
    require_root!();
    let user = "isosh-rootless";
    if Command::new("id").arg(user).output().is_ok_and(|o| !o.status.success()) {
        let made = Command::new("useradd")
            .args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user])
            .status();
        assert!(made.is_ok_and(|s| s.success()), "useradd failed");
    }
    // `id`, not getpwnam: this test binary is linked statically (see
    // src/users.rs).
    let id = Command::new("id").args(["-u", user]).output().unwrap();
    let uid: u32 = String::from_utf8_lossy(&id.stdout).trim().parse().unwrap();
    let dir = Scratch::new("iso-rootless");
    std::os::unix::fs::chown(dir.path(), Some(uid), Some(uid)).unwrap();
    // The checkout may sit below a directory the user cannot enter.
    let isosh = dir.path().join("isosh");
    std::fs::copy(ISOSH, &isosh).unwrap();
    let run = |script: &str| {
        use std::os::unix::process::CommandExt;
        Command::new(&isosh)
            .args(["-c", script])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", dir.path())
            .uid(uid)
            .gid(uid)
            .output()
            .unwrap()
    };
    let userns_ok = run("true").status.success()
        && Command::new("unshare").args(["-U", "true"]).status().is_ok_and(|s| s.success());
    if !userns_ok {
        eprintln!("SKIP rootless: user namespaces are not available here");
        return;
    }
    let out = run(
        "id -u; isolate < id -u; echo $$; echo hi > /etc/rootless-probe; cat /etc/rootless-probe; ls /sys/class/net >",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{uid}\n0\n1\nhi\nlo\n"), "{out:?}");
    let out = run("isolate --memory 32M < echo never >");
    assert_eq!(out.status.code(), Some(125));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("step 'cgroup files' failed") && err.contains("not root"), "{err}");
}

#[test]
fn docker_default_capabilities_no_new_privs_and_read_only_sys() {
    require_root!();
    let r = sh(
        "isolate < grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; touch /sys/x 2>/dev/null || echo sys-ro >",
    );
    // 0xa80425fb is docker's default set (CHOWN, DAC_OVERRIDE, FOWNER, …).
    assert!(r.stdout.contains("CapEff:\t00000000a80425fb"), "{r:?}");
    assert!(r.stdout.contains("CapBnd:\t00000000a80425fb"), "{r:?}");
    assert!(r.stdout.contains("NoNewPrivs:\t1"), "{r:?}");
    assert!(r.stdout.ends_with("sys-ro\n"), "{r:?}");
}

/// docker's default seccomp profile holds the body: keyctl and
/// unshare(CLONE_NEWUSER) fail with EPERM (x86_64 numbers 250 and 272, as
/// perl's `syscall` takes them); `--seccomp=unconfined` turns it off.
#[test]
#[cfg(target_arch = "x86_64")]
fn seccomp_denies_keyctl_and_new_user_namespaces_unless_unconfined() {
    require_root!();
    let probe = r#"perl -e 'print syscall(250, 0, -3, 0) < 0 ? "keyctl errno " . ($!+0) : "keyctl ok", "\n";
                            print syscall(272, 0x10000000) < 0 ? "unshare errno " . ($!+0) : "unshare ok", "\n"'"#;
    let r = sh(&format!("isolate < grep '^Seccomp:' /proc/self/status; {probe} >"));
    assert_eq!(r.stdout, "Seccomp:\t2\nkeyctl errno 1\nunshare errno 1\n", "{r:?}");
    assert_eq!(r.status, 0, "{r:?}");
    let r = sh(&format!("isolate --seccomp=unconfined < grep '^Seccomp:' /proc/self/status; {probe} >"));
    assert_eq!(r.stdout, "Seccomp:\t0\nkeyctl ok\nunshare ok\n", "{r:?}");
    let r = sh("isolate --seccomp strict < true >");
    assert_eq!(r.status, 125, "{r:?}");
    assert!(r.stderr.contains("--seccomp strict"), "{r:?}");
}

#[test]
fn init_forwards_signals_and_the_root_is_minimal() {
    require_root!();
    // A signal sent to PID 1 reaches the body through init. The body sends
    // it at once, racing init on its way to waiting for the body: a signal
    // lost in that race leaves the body waiting for its `sleep`, and that
    // block ends with 0 two seconds later.
    let r = sh("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
          isolate < sh -c 'trap \"echo got TERM; exit 3\" TERM; kill -TERM 1; sleep 2 & wait' >
          printf '%s ' $?
        done");
    assert_eq!(r.stdout, "got TERM\n3 ".repeat(20), "{r:?}");
    let r = sh("isolate < pwd; ls /dev | tr '\\n' ' ' >");
    assert_eq!(r.stdout, "/\nfd full null ptmx pts random shm stderr stdin stdout tty urandom zero ", "{r:?}");
}

#[test]
fn here_documents_and_compound_commands_inside_a_block() {
    require_root!();
    let r =
        sh("isolate <\n  for i in 1 2; do echo \"$i in $$\"; done\n  cat <<EOF\nhere $(hostname | cut -c1-6)\nEOF\n>");
    assert_eq!(r.stdout, "1 in 1\n2 in 1\nhere isosh-\n", "{r:?}");
}

/// A block's cgroups are removed by a cleaner process that may outlive the
/// shell; it holds the lock of the block's journal meanwhile, and the
/// sweep of a starting isosh leaves a locked journal alone (its shell's pid
/// is dead, but the block is being taken care of). Unlocked, it is swept.
#[test]
fn the_sweep_leaves_a_journal_whose_lock_is_held() {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;
    let runtime = Scratch::new("iso-journal-lock");
    std::fs::set_permissions(runtime.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let dir = runtime.path().join("isosh");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // A pid that is surely dead: a child of ours, reaped.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let journal = dir.join(format!("journal-{dead}-0"));
    std::fs::write(&journal, "").unwrap();
    let held = std::fs::File::open(&journal).unwrap();
    // SAFETY: flock on our own open file.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX) }, 0);
    let start = || Command::new(ISOSH).args(["-c", "true"]).env("XDG_RUNTIME_DIR", runtime.path()).status().unwrap();
    assert!(start().success());
    assert!(journal.exists(), "a locked journal was swept");
    drop(held);
    assert!(start().success());
    assert!(!journal.exists(), "an unlocked journal of a dead shell was left");
}
