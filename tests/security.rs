//! An isolate block as a security boundary: each test here tries one
//! attack from inside a block (or on the shell around it) and asserts that
//! it is denied — as root and, where it applies, as an unprivileged user
//! (rootless: the block runs in a user namespace). The bar is docker's
//! default profile; each test names the docker (runc/crun) default it
//! corresponds to (`crun spec` prints the masked and read-only paths).
//!
//! Every probe is non-destructive: files the kernel acts on when written
//! (`/proc/sys/...`, `/proc/sysrq-trigger`, `/dev/kmsg`) are only *opened*
//! for writing (`sysopen` with `O_WRONLY|O_APPEND`, never a write), and the
//! only process a test lets isosh kill is a `sleep` the test started.
//!
//! These need root, as tests/isolate.rs: without it they say SKIP. The
//! rootless half runs isosh as the unprivileged user `isosh-rootless`
//! (created here with `useradd` if missing) and is skipped, visibly, only
//! where user namespaces are unavailable.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::{BOTH, Host, HostPath, ISOSH, Mode, Scratch, TEST_USER, each_mode, run_cmd, test_user};
use std::io::BufRead;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn dir_entries(p: &Path) -> Vec<String> {
    std::fs::read_dir(p)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

/// `perl /t/open.pl MODE PATH…` opens each PATH (r, w, rw, or a: write-only
/// append) without reading or writing it, non-blocking and without taking
/// a controlling terminal, and prints `PATH ok` or `PATH errno=N (text)`.
/// `-` as the only PATH reads the paths from stdin.
fn open_pl() -> String {
    r#"my %flags = (r => @RD@, w => @WR@, rw => @RW@, a => @WR@ | @APPEND@);
my $mode = shift;
my @paths = @ARGV == 1 && $ARGV[0] eq "-" ? map { chomp; $_ } <STDIN> : @ARGV;
for my $p (@paths) {
    if (sysopen(my $f, $p, $flags{$mode} | @NONBLOCK@ | @NOCTTY@)) { print "$p ok\n"; close $f }
    else { printf "%s errno=%d (%s)\n", $p, $! + 0, $! }
}
"#
    .replace("@RD@", &libc::O_RDONLY.to_string())
    .replace("@WR@", &libc::O_WRONLY.to_string())
    .replace("@RW@", &libc::O_RDWR.to_string())
    .replace("@APPEND@", &libc::O_APPEND.to_string())
    .replace("@NONBLOCK@", &libc::O_NONBLOCK.to_string())
    .replace("@NOCTTY@", &libc::O_NOCTTY.to_string())
}

/// The lines of an `open.pl` run that say a path opened.
fn opened(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.ends_with(" ok")).collect()
}

/// One line of /proc/PID/mountinfo.
struct MountLine<'a> {
    /// The mounted directory or file of its filesystem (field 4).
    root: &'a str,
    mount_point: &'a str,
    options: Vec<&'a str>,
    fstype: &'a str,
    line: &'a str,
}

fn mountinfo(text: &str) -> Vec<MountLine<'_>> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let dash = fields.iter().position(|f| *f == "-")?;
            Some(MountLine {
                root: fields.get(3)?,
                mount_point: fields.get(4)?,
                options: fields.get(5)?.split(',').collect(),
                fstype: fields.get(dash + 1)?,
                line,
            })
        })
        .collect()
}

fn mem_total_bytes() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    let line = text.lines().find(|l| l.starts_with("MemTotal:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// Starts `cmd`, whose block first prints `running`, and returns once that
/// line came, with the rest of its stdout to read.
fn spawn_until_body_runs(mut cmd: Command) -> (Child, std::io::BufReader<std::process::ChildStdout>) {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    if first != "running\n" {
        let _ = child.kill();
        let output = child.wait_with_output().unwrap();
        panic!("the block did not start: {first:?} {:?}", String::from_utf8_lossy(&output.stderr));
    }
    (child, out)
}

fn wait_at_most(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Pids of processes whose command line is exactly `sleep MARKER`.
fn sleeps(marker: &str) -> Vec<i32> {
    let out = Command::new("pgrep").args(["-fx", &format!("sleep {marker}")]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect()
}

/// The host directory of each cgroup `pid` is in, one per hierarchy
/// (`/proc/PID/cgroup` resolved through this process's cgroup mounts).
fn cgroup_dirs_of(pid: i32) -> Vec<PathBuf> {
    let own_mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let mounts: Vec<(String, String, String)> = own_mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let dash = f.iter().position(|x| *x == "-")?;
            let fstype = f.get(dash + 1)?;
            (*fstype == "cgroup" || *fstype == "cgroup2")
                .then(|| (fstype.to_string(), f[4].to_string(), f.get(dash + 3).copied().unwrap_or("").to_string()))
        })
        .collect();
    let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap_or_default();
    let mut dirs = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let mount = mounts.iter().find(|(fstype, _, opts)| {
            if controllers.is_empty() {
                fstype == "cgroup2"
            } else {
                fstype == "cgroup" && controllers.split(',').all(|c| opts.split(',').any(|o| o == c))
            }
        });
        if let Some((_, at, _)) = mount {
            dirs.push(PathBuf::from(format!("{at}{path}")));
        }
    }
    dirs
}

/// The block cgroups the process `pid` is in: each leaf (`…/isosh-…/body`)
/// and its parent, which holds the limits.
fn block_cgroups_of(pid: i32) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in cgroup_dirs_of(pid) {
        if let Some(parent) =
            d.parent().filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("isosh-")))
        {
            out.push(parent.to_path_buf());
            out.push(d);
        }
    }
    out
}

/// A tiny root filesystem: busybox-static and its applets.
fn busybox_root(dir: &Path) {
    let busybox = ["/bin/busybox", "/usr/bin/busybox"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("busybox-static is not installed (apt-get install busybox-static; see .ci/run)");
    for d in ["bin", "proc", "dev", "tmp", "sys", "etc"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    std::fs::copy(busybox, dir.join("bin/busybox")).unwrap();
    for applet in ["sh", "ls", "cat", "echo", "true"] {
        std::os::unix::fs::symlink("busybox", dir.join("bin").join(applet)).unwrap();
    }
}

/// Hands a whole tree to the host's user (rootless roots must be theirs to
/// be an overlay's lower layer in their namespace).
fn give_tree(host: &Host, p: &Path) {
    host.give(p);
    if p.is_dir() && !p.is_symlink() {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            give_tree(host, &e.path());
        }
    }
}

// ---------------------------------------------------------------------------
// 1. Devices
// ---------------------------------------------------------------------------

/// docker: CAP_MKNOD is kept, but the devices cgroup (v2: a BPF program)
/// only lets the default nodes open, so a node made with mknod is useless.
/// Here: each writable place in the block (/, /tmp, /dev, /dev/shm) gets a
/// kvm (when the host has one), kmsg and loop0 node; none may open.
#[test]
fn mknod_nodes_do_not_open() {
    require_root!();
    let mut nodes = vec![("kmsg", "c 1 11", "w"), ("loop", "b 7 0", "r")];
    if Path::new("/dev/kvm").exists() {
        nodes.push(("kvm", "c 10 232", "rw"));
    }
    each_mode(&BOTH, "mknod_nodes_do_not_open", |host| {
        host.script("open.pl", &open_pl());
        let mut body = String::new();
        for dir in ["", "/tmp", "/dev", "/dev/shm"] {
            for (name, node, mode) in &nodes {
                let p = format!("{dir}/sectest-{name}");
                body.push_str(&format!(
                    "if mknod {p} {node} 2>/dev/null; then perl /t/open.pl {mode} {p}; else echo '{p} mknod refused'; fi\n"
                ));
            }
        }
        let r = host.run(&format!("{} <\n{body}>", host.iso()));
        assert_eq!(r.stdout.lines().count(), 4 * nodes.len(), "[{:?}] {r:?}", host.mode);
        let ok = opened(&r.stdout);
        assert!(ok.is_empty(), "[{:?}] device nodes made with mknod opened: {ok:?}\n{r:?}", host.mode);
    });
}

/// docker: /dev/kmsg and /dev/mem are not in the container's /dev, and the
/// devices cgroup denies them even through a bind mount of the host's /dev
/// (`-v /dev:/hostdev` gives no device access without `--device`).
#[test]
fn host_device_nodes_do_not_open() {
    require_root!();
    let disk = ["/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/xvda"].into_iter().find(|p| Path::new(p).exists());
    each_mode(&BOTH, "host_device_nodes_do_not_open", |host| {
        host.script("open.pl", &open_pl());
        let mut body = "perl /t/open.pl w /dev/kmsg; perl /t/open.pl r /dev/mem /dev/port\n".to_string();
        // Only opened, never written to or read.
        body.push_str("perl /t/open.pl w /hostdev/kmsg; perl /t/open.pl r /hostdev/loop0");
        if let Some(d) = disk {
            body.push_str(&format!(" /hostdev/{}", d.trim_start_matches("/dev/")));
        }
        if Path::new("/dev/kvm").exists() {
            body.push_str("; perl /t/open.pl rw /hostdev/kvm");
        }
        let r = host.run(&format!("{} -v /dev:/hostdev:ro <\n{body}\n>", host.iso()));
        assert!(r.stdout.contains("/dev/kmsg "), "[{:?}] {r:?}", host.mode);
        let ok = opened(&r.stdout);
        assert!(ok.is_empty(), "[{:?}] host devices opened inside: {ok:?}\n{r:?}", host.mode);
    });
}

/// docker: /dev is a tmpfs holding null zero full random urandom tty (+
/// console), pts, shm, mqueue and the fd links — nothing of the host's.
#[test]
fn dev_holds_only_the_default_nodes() {
    require_root!();
    let allowed_names =
        ["null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "ptmx", "fd", "stdin", "stdout", "stderr"];
    // (path, major, minor) in hex, as stat's %t:%T prints them.
    let allowed_nodes = ["null 1:3", "zero 1:5", "full 1:7", "random 1:8", "urandom 1:9", "tty 5:0", "pts/ptmx 5:2"];
    each_mode(&BOTH, "dev_holds_only_the_default_nodes", |host| {
        let r = host.run(
            "isolate < ls -A /dev | tr '\\n' ' '; echo; find /dev \\( -type c -o -type b \\) -exec stat -c '%n %t:%T' {} + >",
        );
        let mut lines = r.stdout.lines();
        let listing: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
        let extra: Vec<&&str> = listing.iter().filter(|n| !allowed_names.contains(n)).collect();
        assert!(extra.is_empty(), "[{:?}] unexpected entries in /dev: {extra:?}\n{r:?}", host.mode);
        for n in ["null", "zero", "full", "random", "urandom", "tty"] {
            assert!(listing.contains(&n), "[{:?}] /dev/{n} is missing\n{r:?}", host.mode);
        }
        for node in lines {
            let rel = node.trim_start_matches("/dev/");
            // Terminals of the block's own devpts: major 136-143.
            let pty = rel.starts_with("pts/") && rel.split(' ').nth(1).is_some_and(|m| m.starts_with("8"));
            assert!(allowed_nodes.contains(&rel) || pty, "[{:?}] unexpected device node {node}\n{r:?}", host.mode);
        }
    });
}

/// docker: its devices cgroup stands in for nodev; here the mounts say it.
/// Every mount inside — the root layer, /tmp, /dev and /dev/shm, /proc,
/// /sys, a volume — has `nodev`, except the bind mounts of the single
/// device nodes and devpts (kernel-made terminals only). Rootful only: a
/// filesystem mounted in a user namespace is SB_I_NODEV whatever its flags,
/// and mknod needs CAP_MKNOD in the initial one (mknod_nodes_do_not_open
/// checks both modes).
#[test]
fn every_mount_but_the_device_nodes_is_nodev() {
    require_root!();
    each_mode(&[Mode::Rootful], "every_mount_but_the_device_nodes_is_nodev", |host| {
        let r = host.run(&format!("{} < cat /proc/self/mountinfo >", host.iso()));
        assert_eq!(r.status, 0, "{r:?}");
        let node_binds =
            ["null", "zero", "full", "random", "urandom", "tty", "console", "pts/ptmx"].map(|n| format!("/dev/{n}"));
        let missing: Vec<&str> = mountinfo(&r.stdout)
            .into_iter()
            .filter(|m| m.fstype != "devpts" && !node_binds.iter().any(|n| n == m.mount_point))
            // /dev/null bound over a masked /proc file (docker's MaskedPaths)
            // is the one node there, and it reads empty.
            .filter(|m| !(m.root == "/null" && m.mount_point.starts_with("/proc/")))
            .filter(|m| !m.options.contains(&"nodev"))
            .map(|m| m.line)
            .collect();
        assert!(missing.is_empty(), "mounts without nodev:\n{}\n{r:?}", missing.join("\n"));
    });
}

// ---------------------------------------------------------------------------
// 2. /proc and /sys
// ---------------------------------------------------------------------------

/// docker's readonlyPaths: /proc/bus, /proc/fs, /proc/irq, /proc/sys,
/// /proc/sysrq-trigger. As root inside, `core_pattern` (a program the host
/// kernel runs on a crash) must not even open for writing. Rootless, the
/// files belong to the host's root: the opens are checked, the read-only
/// mounts only rootful.
#[test]
fn proc_sys_and_friends_are_read_only() {
    require_root!();
    each_mode(&BOTH, "proc_sys_and_friends_are_read_only", |host| {
        host.script("open.pl", &open_pl());
        // Opened for append, never written.
        let files = "/proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe /proc/sys/vm/panic_on_oom \
                     /proc/sysrq-trigger /proc/irq/default_smp_affinity";
        let r = host.run(&format!(
            "{} < perl /t/open.pl a {files}; for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus /proc/fs; do \
             test -e $p && echo \"exists $p\"; done; cat /proc/self/mountinfo >",
            host.iso()
        ));
        let ok = opened(&r.stdout);
        assert!(ok.is_empty(), "[{:?}] opened for writing: {ok:?}\n{r:?}", host.mode);
        assert!(r.stdout.contains("/proc/sys/kernel/core_pattern errno="), "[{:?}] {r:?}", host.mode);
        if host.mode == Mode::Rootless {
            return;
        }
        let mounts = mountinfo(&r.stdout);
        for line in r.stdout.lines().filter_map(|l| l.strip_prefix("exists ")) {
            let ro = mounts.iter().rev().find(|m| m.mount_point == line).is_some_and(|m| m.options.contains(&"ro"));
            assert!(ro, "[{:?}] {line} is not a read-only mount\n{r:?}", host.mode);
        }
    });
}

/// docker's maskedPaths: /proc/acpi, /proc/asound, /proc/kcore,
/// /proc/keys, /proc/latency_stats, /proc/timer_list, /proc/timer_stats,
/// /proc/sched_debug, /proc/scsi, /sys/firmware (files: /dev/null bound
/// over them; directories: an empty read-only tmpfs). Paths this kernel
/// lacks are fine.
#[test]
fn proc_and_sys_information_leaks_are_masked() {
    require_root!();
    let files = "/proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug";
    let dirs = "/proc/acpi /proc/asound /proc/scsi /sys/firmware /sys/devices/virtual/powercap";
    each_mode(&BOTH, "proc_and_sys_information_leaks_are_masked", |host| {
        let r = host.run(&format!(
            "isolate < for f in {files}; do test -e $f && echo \"$f $(head -c 64 $f 2>/dev/null | wc -c)\"; done; \
             for d in {dirs}; do test -e $d && echo \"$d $(ls -A $d 2>/dev/null | wc -l)\"; done >"
        ));
        let leaks: Vec<&str> = r.stdout.lines().filter(|l| !l.ends_with(" 0")).collect();
        assert!(leaks.is_empty(), "[{:?}] readable: {leaks:?} (path, bytes or entries)\n{r:?}", host.mode);
    });
}

/// docker: a new procfs cannot be mounted inside — no CAP_SYS_ADMIN, and
/// after a new user namespace (which docker's seccomp refuses anyway) the
/// masked paths make the kernel refuse it (mount_too_revealing): a fresh
/// proc would show the unmasked /proc/sys and /proc/kcore.
#[test]
fn a_new_proc_cannot_be_mounted_inside() {
    require_root!();
    each_mode(&BOTH, "a_new_proc_cannot_be_mounted_inside", |host| {
        let r = host.run(
            "isolate < mkdir -p /mnt-proc; mount -t proc proc /mnt-proc && echo MOUNTED-direct; \
             unshare -Urmpf sh -c 'mount -t proc proc /mnt-proc && echo MOUNTED-in-userns'; \
             unshare -mpf sh -c 'mount -t proc proc /mnt-proc && echo MOUNTED-in-mountns'; echo end >",
        );
        assert!(r.stdout.ends_with("end\n"), "[{:?}] {r:?}", host.mode);
        assert!(!r.stdout.contains("MOUNTED"), "[{:?}] a new proc was mounted: {r:?}", host.mode);
    });
}

// ---------------------------------------------------------------------------
// 3. Nested user namespaces
// ---------------------------------------------------------------------------

/// docker's seccomp profile: unshare/clone with namespace flags need
/// CAP_SYS_ADMIN (EPERM), and clone3 is ENOSYS so that libcs fall back to
/// clone, whose flags it can check. A nested user namespace would give the
/// body every capability again over its own namespaces — the way into most
/// kernel bugs.
#[test]
fn nested_user_namespaces_are_refused() {
    require_root!();
    each_mode(&BOTH, "nested_user_namespaces_are_refused", |host| {
        host.script(
            "userns.pl",
            &format!(
                "my $r = syscall({}, {});\nprintf \"unshare=%d errno=%d\\n\", $r, $r < 0 ? $! + 0 : 0;\n\
                 $r = syscall({}, 0, 0);\nprintf \"clone3=%d errno=%d\\n\", $r, $r < 0 ? $! + 0 : 0;\n",
                libc::SYS_unshare,
                libc::CLONE_NEWUSER,
                libc::SYS_clone3
            ),
        );
        let r = host.run(&format!("{} < unshare -Ur true && echo UNSHARE-WORKED; perl /t/userns.pl >", host.iso()));
        assert!(!r.stdout.contains("UNSHARE-WORKED"), "[{:?}] unshare -Ur worked inside: {r:?}", host.mode);
        assert!(
            r.stdout.contains("unshare=-1 errno=1\n"),
            "[{:?}] unshare(CLONE_NEWUSER) is not EPERM: {r:?}",
            host.mode
        );
        assert!(r.stdout.contains("clone3=-1 errno=38\n"), "[{:?}] clone3 is not ENOSYS: {r:?}", host.mode);
    });
}

// ---------------------------------------------------------------------------
// 4. cgroups
// ---------------------------------------------------------------------------

/// docker: a private cgroup namespace rooted at the container's cgroup,
/// /sys/fs/cgroup read-only, no cgroup mounts without CAP_SYS_ADMIN — so
/// `--pids-limit`/`--cpus` cannot be lifted from inside. Rootless only
/// where a cgroup v2 subtree is delegated to the user (else limits are an
/// error by design, and this says NOTE).
#[test]
fn cgroup_limits_cannot_be_lifted() {
    require_root!();
    each_mode(&BOTH, "cgroup_limits_cannot_be_lifted", |host| {
        host.script("open.pl", &open_pl());
        let r = host.run(&format!(
            "{} --pids-limit 50 --cpus 0.5 < mkdir -p /mnt-cg; \
             mount -t cgroup -o pids none /mnt-cg && echo MOUNTED-v1; mount -t cgroup2 none /mnt-cg && echo MOUNTED-v2; \
             unshare -Urm sh -c 'mount -t cgroup -o pids none /mnt-cg && echo MOUNTED-userns-v1; \
                                 mount -t cgroup2 none /mnt-cg && echo MOUNTED-userns-v2'; \
             echo cgroups; cat /proc/self/cgroup; echo writable; find /sys/fs/cgroup -type f | perl /t/open.pl a - | grep ' ok$'; \
             find /sys/fs/cgroup -type d -writable; echo end >",
            host.iso()
        ));
        if host.mode == Mode::Rootless && r.status == 125 && r.stderr.contains("cgroup") {
            eprintln!("NOTE cgroup_limits_cannot_be_lifted (rootless): no cgroup delegated to {TEST_USER} here: {r:?}");
            return;
        }
        assert!(r.stdout.ends_with("end\n"), "[{:?}] {r:?}", host.mode);
        assert!(!r.stdout.contains("MOUNTED"), "[{:?}] a cgroup hierarchy was mounted inside: {r:?}", host.mode);
        let cgroups = r.stdout.split("cgroups\n").nth(1).unwrap().split("writable\n").next().unwrap();
        assert!(!cgroups.is_empty(), "[{:?}] {r:?}", host.mode);
        for line in cgroups.lines() {
            assert!(line.ends_with(":/"), "[{:?}] not rooted at the block's cgroup: {line}\n{r:?}", host.mode);
        }
        let writable = r.stdout.split("writable\n").nth(1).unwrap().trim_end_matches("end\n");
        assert!(writable.is_empty(), "[{:?}] writable under /sys/fs/cgroup:\n{writable}\n{r:?}", host.mode);
    });
}

/// docker: every container has a cgroup of its own, limits or not (the
/// place its processes are counted, frozen and killed). Rootful: a
/// rootless block can have one only where the user has a delegated subtree.
#[test]
fn a_block_without_limits_has_its_own_cgroup() {
    require_root!();
    each_mode(&[Mode::Rootful], "a_block_without_limits_has_its_own_cgroup", |host| {
        let marker = "41.7171";
        let (mut child, _out) =
            spawn_until_body_runs(host.command(&format!("isolate < echo running; sleep {marker} >")));
        let sleep = sleeps(marker);
        let shell_dirs = cgroup_dirs_of(child.id() as i32);
        let block_dirs = sleep.first().map(|&p| cgroup_dirs_of(p)).unwrap_or_default();
        // SAFETY: kill of the shell this test started.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let ended = wait_at_most(&mut child, Duration::from_secs(5));
        if ended.is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        assert_eq!(sleep.len(), 1, "the block's sleep: {sleep:?}");
        // Each: <shell's cgroup>/isosh-…/body (limits would sit on isosh-…).
        let own: Vec<&PathBuf> = block_dirs
            .iter()
            .filter(|d| {
                let parent = d.parent();
                d.file_name().is_some_and(|n| n == "body")
                    && parent.and_then(|p| p.file_name()).is_some_and(|n| n.to_string_lossy().starts_with("isosh-"))
                    && parent.and_then(|p| p.parent()).is_some_and(|g| shell_dirs.iter().any(|s| s == g))
            })
            .collect();
        // Always one in the unified hierarchy, where there is one (v1 ones
        // only hold limits: src/isolate/cgroup/mod.rs says why).
        let v2_mount = std::fs::read_to_string("/proc/self/mountinfo")
            .unwrap()
            .lines()
            .find(|l| l.contains(" - cgroup2 "))
            .and_then(|l| l.split(' ').nth(4).map(PathBuf::from));
        assert!(
            v2_mount.is_none_or(|m| own.iter().any(|d| d.starts_with(&m))),
            "not in a cgroup v2 leaf:\nshell {shell_dirs:?}\nblock {block_dirs:?}"
        );
        assert!(
            !own.is_empty(),
            "the block's processes are in no isosh-* child of the shell's cgroup:\nshell {shell_dirs:?}\nblock {block_dirs:?}"
        );
        assert!(ended.is_some(), "the shell did not end on SIGTERM");
    });
}

// ---------------------------------------------------------------------------
// 5. Keyring
// ---------------------------------------------------------------------------

/// docker's seccomp profile: add_key, keyctl and request_key are EPERM —
/// keyrings are not namespaced, so the host user's keyring (and whatever
/// secrets are in it) would be shared with every block of that uid.
#[test]
fn the_kernel_keyring_is_not_reachable() {
    require_root!();
    each_mode(&BOTH, "the_kernel_keyring_is_not_reachable", |host| {
        // The keyring ids the same user has outside a block.
        let outside = host.run("keyctl id @u; keyctl id @s");
        let ids: Vec<&str> = outside.stdout.lines().filter(|l| l.parse::<i64>().is_ok()).collect();
        assert!(!ids.is_empty(), "[{:?}] no keyring outside: {outside:?}", host.mode);
        host.script(
            "keys.pl",
            &format!(
                "my $r = syscall({keyctl}, 0, -3, 0);\nprintf \"keyctl=%d errno=%d\\n\", $r, $r < 0 ? $! + 0 : 0;\n\
                 # KEY_SPEC_PROCESS_KEYRING: were it to work, the key goes with this process.\n\
                 my ($t, $d, $p) = (\"user\", \"isosh-sectest\", \"v\");\n\
                 $r = syscall({add_key}, $t, $d, $p, length $p, -2);\nprintf \"add_key=%d errno=%d\\n\", $r, $r < 0 ? $! + 0 : 0;\n",
                keyctl = libc::SYS_keyctl,
                add_key = libc::SYS_add_key
            ),
        );
        let describe: String = ids.iter().map(|id| format!("keyctl describe {id} && echo REACHED-{id}; ")).collect();
        let r = host.run(&format!("{} < keyctl show && echo SHOWED; {describe} perl /t/keys.pl >", host.iso()));
        assert!(!r.stdout.contains("REACHED"), "[{:?}] host keyrings {ids:?} reachable inside: {r:?}", host.mode);
        assert!(!r.stdout.contains("SHOWED"), "[{:?}] keyctl show works inside: {r:?}", host.mode);
        assert!(r.stdout.contains("keyctl=-1 errno=1\n"), "[{:?}] keyctl is not EPERM: {r:?}", host.mode);
        assert!(r.stdout.contains("add_key=-1 errno=1\n"), "[{:?}] add_key is not EPERM: {r:?}", host.mode);
    });
}

// ---------------------------------------------------------------------------
// 6. Terminal injection
// ---------------------------------------------------------------------------

/// docker: `-t` gives the container a pty of its own, and without `-t`
/// the container has no terminal; bubblewrap's `--new-session` (CVE-2017-5226)
/// is the same defence: a block must not push keystrokes into the
/// terminal of the shell that started it (TIOCSTI), which would run them
/// as the user once the block ends.
#[test]
fn tiocsti_cannot_push_input_into_the_outer_terminal() {
    require_root!();
    let legacy = std::fs::read_to_string("/proc/sys/dev/tty/legacy_tiocsti").unwrap_or_else(|_| "1".into());
    if legacy.trim() != "1" {
        eprintln!("SKIP tiocsti_cannot_push_input_into_the_outer_terminal: dev.tty.legacy_tiocsti is 0 here");
        return;
    }
    each_mode(&BOTH, "tiocsti_cannot_push_input_into_the_outer_terminal", |host| {
        host.script(
            "sti.pl",
            &format!(
                "my $c = \"x\";\nmy $r = ioctl(STDIN, {}, $c);\nprint defined($r) ? \"$ARGV[0] tiocsti ok\\n\" : \
                 sprintf(\"%s tiocsti errno=%d\\n\", $ARGV[0], $! + 0);\n",
                libc::TIOCSTI
            ),
        );
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills two fds.
        let made =
            unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
        assert_eq!(made, 0, "openpty");
        use std::os::fd::FromRawFd;
        // SAFETY: both fds are ours; the Stdio takes the slave.
        let slave_stdio = unsafe { Stdio::from(std::os::fd::OwnedFd::from_raw_fd(slave)) };
        let mut cmd = host.command(&format!("perl t/sti.pl outside; {} < perl /t/sti.pl inside >", host.iso()));
        cmd.stdin(slave_stdio);
        // SAFETY: setsid and ioctl are async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let out = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output().unwrap();
        drop(cmd);
        // SAFETY: closing our master fd.
        unsafe { libc::close(master) };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stdout.contains("outside tiocsti ok\n"),
            "[{:?}] TIOCSTI fails even outside a block, so this test shows nothing: {stdout:?} {stderr:?}",
            host.mode
        );
        assert!(
            stdout.contains("inside tiocsti errno=1\n"),
            "[{:?}] TIOCSTI from inside a block is not EPERM: {stdout:?} {stderr:?}",
            host.mode
        );
    });
}

// ---------------------------------------------------------------------------
// 7. pivot_root, and the chroot escape
// ---------------------------------------------------------------------------

/// docker (runc) always pivot_roots and detaches the old root; a chroot
/// leaves it one `chroot(".."…)` away for anyone with CAP_SYS_CHROOT,
/// which docker's default set (and so the block's) keeps. The escape:
/// chroot into a subdirectory, `..` out of it 64 times, chroot there; the
/// same from the magic link /proc/1/root. It must not see the block's
/// scratch layout (/tmp/upper) nor write to the host.
#[test]
fn chroot_escape_does_not_reach_the_host() {
    require_root!();
    each_mode(&BOTH, "chroot_escape_does_not_reach_the_host", |host| {
        let drop_box = HostPath::dir("/var/tmp", "escape", 0o777);
        let probe = HostPath::new("/var/tmp", "escape-probe");
        let root_probe = PathBuf::from(format!("/{}", probe.0.file_name().unwrap().to_string_lossy()));
        let _root_probe_guard = HostPath(root_probe.clone());
        host.script(
            "escape.pl",
            &format!(
                r#"my ($how) = @ARGV;
mkdir "/esc-$how";
chdir "/proc/1/root" if $how eq "proc1";
chroot "/esc-$how" or die "chroot /esc-$how: $!\n";
chdir ".." for 1 .. 64;
chroot "." or die "chroot .: $!\n";
chdir "/";
print "$how: ESCAPED, scratch layout visible\n" if -d "/tmp/upper" || -d "/tmp/root";
for my $p ("{root}", "{dropbox}/probe-$how") {{
    if (open(my $f, ">", $p)) {{ print $f "escaped\n"; close $f; print "$how: wrote $p\n" }}
}}
print "$how: done\n";
"#,
                root = root_probe.display(),
                dropbox = drop_box.0.display()
            ),
        );
        let r = host.run(&format!("{} < perl /t/escape.pl plain; perl /t/escape.pl proc1 >", host.iso()));
        assert!(
            !r.stderr.contains("pivot_root refused") && !r.stderr.contains("using chroot"),
            "[{:?}] the block fell back to chroot: {r:?}",
            host.mode
        );
        assert!(!r.stdout.contains("ESCAPED"), "[{:?}] {r:?}", host.mode);
        let dropped = dir_entries(&drop_box.0);
        assert!(dropped.is_empty(), "[{:?}] the escape wrote {dropped:?} into {:?}: {r:?}", host.mode, drop_box.0);
        assert!(!root_probe.exists(), "[{:?}] the escape wrote {root_probe:?} on the host: {r:?}", host.mode);
        assert!(r.stdout.contains("plain: done") && r.stdout.contains("proc1: done"), "[{:?}] {r:?}", host.mode);
    });
}

// ---------------------------------------------------------------------------
// 8. Mount targets are resolved inside the new root
// ---------------------------------------------------------------------------

/// runc resolves every mount destination inside the rootfs (securejoin,
/// CVE-2021-30465 and friends): a symlink on the way — the host's own
/// `/var/run -> /run`, or one a --rootfs plants — must not lead to a
/// mkdir, a file or a mount on the host. Failing with 125 is fine too.
#[test]
fn volume_targets_are_resolved_inside_the_root() {
    require_root!();
    each_mode(&BOTH, "volume_targets_are_resolved_inside_the_root", |host| {
        // A --rootfs with `evil -> /var/tmp/<unique>`, the host's: a host
        // directory that exists (anyone may write to it) and one that
        // does not.
        let root = host.path().join("root");
        busybox_root(&root);
        let data = host.path().join("D");
        std::fs::create_dir(&data).unwrap();
        give_tree(host, &root);
        host.give(&data);
        for exists in [true, false] {
            let target =
                if exists { HostPath::dir("/var/tmp", "evil", 0o777) } else { HostPath::new("/var/tmp", "evil") };
            let _ = std::fs::remove_file(root.join("evil"));
            std::os::unix::fs::symlink(&target.0, root.join("evil")).unwrap();
            host.give(&root.join("evil"));
            let r = host.run(&format!(
                "PATH=/bin; isolate --rootfs {} -v {}:/evil/sub < true >",
                root.display(),
                data.display()
            ));
            let made = if exists { !dir_entries(&target.0).is_empty() } else { target.0.exists() };
            assert!(
                !made,
                "[{:?}] -v D:/evil/sub through the rootfs's symlink evil -> {:?} made {:?} on the host: {r:?}",
                host.mode,
                target.0,
                dir_entries(&target.0)
            );
            assert!(r.status == 0 || r.status == 125, "[{:?}] {r:?}", host.mode);
        }
        // The host's /var/run symlink (the rootless user cannot write /run).
        if host.mode == Mode::Rootful && std::fs::symlink_metadata("/var/run").is_ok_and(|m| m.file_type().is_symlink())
        {
            let name = format!("isosh-sectest-run-{}", std::process::id());
            let on_host = Path::new("/run").join(&name);
            let _guard = HostPath(on_host.clone());
            std::fs::write(host.path().join("F"), "volume\n").unwrap();
            let r = host.run(&format!("isolate -v {}/F:/var/run/{name} < true >", host.path().display()));
            assert!(!on_host.exists(), "-v F:/var/run/x made {on_host:?} on the host: {r:?}");
            assert!(r.status == 0 || r.status == 125, "{r:?}");
        }
    });
}

/// runc refuses a rootfs whose /proc or /dev is a symlink (they are mount
/// points of its own making; CVE-2019-19921, CVE-2019-16884). Each of
/// proc, dev, sys and tmp as a symlink to a host directory: 125, a message
/// naming it, and nothing in the host directory.
#[test]
fn a_rootfs_with_symlinked_special_directories_is_refused() {
    require_root!();
    each_mode(&BOTH, "a_rootfs_with_symlinked_special_directories_is_refused", |host| {
        let root = host.path().join("root");
        busybox_root(&root);
        give_tree(host, &root);
        let mut problems = Vec::new();
        for name in ["proc", "dev", "sys", "tmp"] {
            let target = HostPath::dir("/var/tmp", name, 0o777);
            let real = root.join(format!("{name}.real"));
            std::fs::rename(root.join(name), &real).unwrap();
            std::os::unix::fs::symlink(&target.0, root.join(name)).unwrap();
            host.give(&root.join(name));
            let r = host.run(&format!("PATH=/bin; isolate --rootfs {} < echo ran >", root.display()));
            std::fs::remove_file(root.join(name)).unwrap();
            std::fs::rename(&real, root.join(name)).unwrap();
            let left = dir_entries(&target.0);
            if !left.is_empty() {
                problems.push(format!("{name} -> {:?}: the host directory got {left:?}: {r:?}", target.0));
            }
            let err = r.stderr.to_lowercase();
            if r.status != 125 {
                problems.push(format!("a rootfs whose {name} is a symlink: status {}, not 125: {r:?}", r.status));
            } else if !(err.contains(name) && (err.contains("symlink") || err.contains("symbolic link"))) {
                problems.push(format!("the message does not say {name} is a symlink: {r:?}"));
            }
        }
        assert!(problems.is_empty(), "[{:?}] {}", host.mode, problems.join("\n"));
    });
}

// ---------------------------------------------------------------------------
// 9. The runtime journal
// ---------------------------------------------------------------------------

/// docker keeps its state in root-only /run/docker. isosh's journal lists
/// cgroup directories whose processes a later isosh SIGKILLs: a journal an
/// unprivileged user can plant for root's isosh is a way to kill any
/// process. Planted here: in the per-uid directory under the temp dir
/// (TMPDIR pointed at a sticky world-writable directory standing in for
/// /tmp, so the shared /tmp is left alone) and in an XDG_RUNTIME_DIR the
/// user owns (as `su` without `-` keeps it), a dead shell's journal naming
/// an `isosh-…` directory whose `cgroup.procs` lists a `sleep` this test
/// started. Root's isosh must leave that sleep alone.
#[test]
fn a_planted_journal_cannot_make_root_kill_a_process() {
    require_root!();
    let Ok((uid, gid)) = test_user().clone() else {
        eprintln!("SKIP a_planted_journal_cannot_make_root_kill_a_process: {:?}", test_user());
        return;
    };
    let dead_pid = (1..1000).map(|n| 1_000_000 - n).find(|p| !Path::new(&format!("/proc/{p}")).exists()).unwrap();
    let victim = HostPath::new("/var/tmp", "victim");
    let sleep_marker = format!("59.{}", std::process::id());
    let mut sleep = Command::new("sleep").arg(&sleep_marker).spawn().unwrap();
    // What the user plants, all theirs: a fake "cgroup" and a journal.
    let plant = |runtime: &Path, victim_pid: u32| {
        let fake = victim.0.join("isosh-planted");
        std::fs::create_dir_all(&fake).unwrap();
        std::fs::write(fake.join("cgroup.procs"), format!("{victim_pid}\n")).unwrap();
        std::fs::create_dir_all(runtime).unwrap();
        std::fs::write(runtime.join(format!("journal-{dead_pid}")), format!("cgroup {}\n", fake.display())).unwrap();
        for p in [&victim.0, &fake, &fake.join("cgroup.procs"), runtime, &runtime.join(format!("journal-{dead_pid}"))] {
            std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
        }
    };
    let tmp = Scratch::new("sec-tmp");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let xdg = Scratch::new("sec-xdg");
    std::os::unix::fs::chown(xdg.path(), Some(uid), Some(gid)).unwrap();
    std::fs::set_permissions(xdg.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut failures = Vec::new();
    for (what, runtime, env) in [
        ("TMPDIR", tmp.path().join("isosh-runtime-0"), ("TMPDIR", tmp.path())),
        ("XDG_RUNTIME_DIR", xdg.path().join("isosh"), ("XDG_RUNTIME_DIR", xdg.path())),
    ] {
        plant(&runtime, sleep.id());
        let dir = Scratch::new("sec-journal");
        for script in ["true", "isolate < true >", "isolate --pids-limit 20 < true >"] {
            let out = Command::new(ISOSH)
                .args(["-c", script])
                .current_dir(dir.path())
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .env(env.0, env.1)
                .output()
                .unwrap();
            if sleep.try_wait().unwrap().is_some() {
                failures.push(format!(
                    "root's isosh -c {script:?} with {what} killed the process a planted journal named: {out:?}"
                ));
                sleep = Command::new("sleep").arg(&sleep_marker).spawn().unwrap();
                plant(&runtime, sleep.id());
            }
        }
    }
    let _ = sleep.kill();
    let _ = sleep.wait();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Where root's isosh keeps its journals ($XDG_RUNTIME_DIR/isosh, /run/isosh
/// or a fallback), while a block with a cgroup runs: a directory only root
/// can enter (0700, owned by root), as docker's /run/docker.
#[test]
fn roots_runtime_directory_is_private() {
    require_root!();
    let xdg = Scratch::new("sec-xdg-root");
    std::fs::set_permissions(xdg.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    for xdg_runtime in [None, Some(xdg.path())] {
        let host = Host::new(Mode::Rootful, "roots_runtime_directory_is_private").unwrap();
        let mut cmd = host.command("isolate --pids-limit 20 < echo running; sleep 37.3737 >");
        if let Some(x) = xdg_runtime {
            cmd.env("XDG_RUNTIME_DIR", x);
        }
        // SAFETY: umask is async-signal-safe; a typical one, so that a
        // directory made without an explicit mode shows up as 0755.
        unsafe {
            cmd.pre_exec(|| {
                libc::umask(0o022);
                Ok(())
            });
        }
        let (mut child, _out) = spawn_until_body_runs(cmd);
        let journal = format!("journal-{}", child.id());
        let mut candidates = vec![PathBuf::from("/run/isosh"), PathBuf::from("/run/user/0/isosh")];
        candidates.extend(xdg_runtime.map(|x| x.join("isosh")));
        candidates.push(std::env::temp_dir().join("isosh-runtime-0"));
        let found: Vec<(PathBuf, u32, u32)> = candidates
            .iter()
            .filter(|d| d.join(&journal).exists())
            .filter_map(|d| std::fs::metadata(d).ok().map(|m| (d.clone(), m.uid(), m.mode() & 0o7777)))
            .collect();
        // SAFETY: kill of the shell this test started.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        if wait_at_most(&mut child, Duration::from_secs(5)).is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if found.is_empty() {
            eprintln!("NOTE roots_runtime_directory_is_private: no {journal} in {candidates:?}");
        }
        for (dir, owner, mode) in found {
            assert!(
                owner == 0 && mode & 0o077 == 0,
                "XDG_RUNTIME_DIR={xdg_runtime:?}: {dir:?} is owned by {owner}, mode {mode:o} (want root, 0700)"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 10. Scratch space
// ---------------------------------------------------------------------------

/// docker: the container's writable layer is on disk, and a tmpfs needs an
/// explicit size. A block's writable layer and /tmp are tmpfs — memory —
/// so without a size a body can fill the host's RAM with files. By default
/// each is at most a quarter of RAM (docs: 1G or a quarter of RAM); when
/// small enough to try cheaply (≤ 1 GiB), writing past it is ENOSPC.
#[test]
fn scratch_space_is_bounded_by_default() {
    require_root!();
    let quarter = mem_total_bytes() / 4;
    each_mode(&BOTH, "scratch_space_is_bounded_by_default", |host| {
        let r = host.run("isolate < stat -f -c '%n %b %S' /tmp / /var >");
        let mut sizes = Vec::new();
        for line in r.stdout.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [path, blocks, bsize] = f[..] else { panic!("[{:?}] {r:?}", host.mode) };
            sizes.push((path.to_string(), blocks.parse::<u64>().unwrap() * bsize.parse::<u64>().unwrap()));
        }
        assert_eq!(sizes.len(), 3, "[{:?}] {r:?}", host.mode);
        for (path, size) in &sizes {
            assert!(
                *size <= quarter,
                "[{:?}] {path} inside is {} MiB, more than a quarter of the host's RAM ({} MiB)\n{r:?}",
                host.mode,
                size >> 20,
                quarter >> 20
            );
        }
        for (path, size) in sizes.iter().filter(|(p, _)| p != "/var") {
            if *size > 1 << 30 {
                continue;
            }
            let file = if path == "/" { "/big".to_string() } else { format!("{path}/big") };
            let count = (size >> 20) + 8;
            let r =
                host.run(&format!("isolate < dd if=/dev/zero of={file} bs=1M count={count} 2>&1; echo status $? >"));
            assert!(
                r.stdout.contains("No space left on device") && !r.stdout.ends_with("status 0\n"),
                "[{:?}] writing {count} MiB to {file} did not end with ENOSPC: {r:?}",
                host.mode
            );
        }
    });
}

/// `--tmpfs-size 16M`: the writable layer and /tmp are 16 MiB each (docker:
/// `--tmpfs /tmp:size=16m`, `--storage-opt size=`).
#[test]
fn tmpfs_size_sets_the_scratch_size() {
    require_root!();
    each_mode(&BOTH, "tmpfs_size_sets_the_scratch_size", |host| {
        let r = host.run(
            "isolate --tmpfs-size 16M < stat -f -c '%n %b %S' /tmp /etc; \
             dd if=/dev/zero of=/tmp/big bs=1M count=17 2>&1 | grep -c 'No space left' >",
        );
        assert_eq!(r.status, 0, "[{:?}] {r:?}", host.mode);
        let mut lines = r.stdout.lines();
        // /etc: the writable layer (rootless, / itself is a small tmpfs
        // holding one overlay per top-level directory).
        for path in ["/tmp", "/etc"] {
            let f: Vec<u64> =
                lines.next().unwrap_or("").split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
            assert_eq!(f.len(), 2, "[{:?}] {r:?}", host.mode);
            assert_eq!(f[0] * f[1], 16 << 20, "[{:?}] {path} is not 16 MiB: {r:?}", host.mode);
        }
        assert_eq!(lines.next(), Some("1"), "[{:?}] 17 MiB fit in /tmp: {r:?}", host.mode);
    });
}

// ---------------------------------------------------------------------------
// 11. Signals
// ---------------------------------------------------------------------------

/// docker: stopping a container (SIGTERM, then SIGKILL) always removes it
/// and its cgroup. A parent that sends the shell SIGINT and then SIGTERM
/// while a block runs: the shell ends within a few seconds, and with it
/// the block's processes and cgroup.
#[test]
fn sigint_then_sigterm_end_the_shell_and_the_block() {
    require_root!();
    each_mode(&BOTH, "sigint_then_sigterm_end_the_shell_and_the_block", |host| {
        let marker = if host.mode == Mode::Rootful { "28.1223" } else { "28.1224" };
        // Rootful with a limit, so there is a cgroup to leave even today.
        let limit = if host.mode == Mode::Rootful { "--pids-limit 40 " } else { "" };
        let (mut child, _out) =
            spawn_until_body_runs(host.command(&format!("isolate {limit}< echo running; sleep {marker} >")));
        let sleep = sleeps(marker);
        let cgroups: Vec<PathBuf> = sleep.iter().flat_map(|&p| block_cgroups_of(p)).collect();
        let pid = child.id() as i32;
        // SAFETY: signals to the shell this test started.
        unsafe { libc::kill(pid, libc::SIGINT) };
        std::thread::sleep(Duration::from_millis(200));
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let ended = wait_at_most(&mut child, Duration::from_secs(5));
        if ended.is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if host.mode == Mode::Rootful {
            assert!(!cgroups.is_empty(), "a block with --pids-limit in no isosh-* cgroup: sleep {sleep:?}");
        }
        assert!(ended.is_some(), "[{:?}] the shell did not end within 5 s of SIGINT and SIGTERM", host.mode);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(1)
            && (!sleeps(marker).is_empty() || cgroups.iter().any(|d| d.exists()))
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let ps = Command::new("ps").args(["-eo", "pid,ppid,stat,args"]).output().unwrap();
        assert!(
            sleeps(marker).is_empty(),
            "[{:?}] the block's sleep outlived the shell ({ended:?})\n{}",
            host.mode,
            String::from_utf8_lossy(&ps.stdout)
                .lines()
                .filter(|l| l.contains("isosh") || l.contains("sleep"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let left: Vec<&PathBuf> = cgroups.iter().filter(|d| d.exists()).collect();
        assert!(left.is_empty(), "[{:?}] the block's cgroup outlived the shell: {left:?}", host.mode);
    });
}

/// POSIX (and dash): a signal ignored when a non-interactive shell starts
/// cannot be trapped or reset — a parent that ignores SIGINT for a script
/// (`nohup`-style, or a background job of a non-interactive shell) must be
/// able to rely on it, also for the blocks the script runs.
#[test]
fn a_signal_ignored_on_entry_stays_ignored() {
    require_root!();
    let scripts = [
        ("trap - INT; kill -INT $$; echo alive", "alive\n"),
        ("trap 'echo caught' INT; kill -INT $$; echo alive", "alive\n"),
        ("sh -c 'kill -INT $$; echo child alive'; echo alive", "child alive\nalive\n"),
        ("isolate < sh -c 'kill -INT $$; echo inner alive' >; echo alive", "inner alive\nalive\n"),
    ];
    let ignoring = |cmd: &mut Command| {
        // SAFETY: signal() is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_IGN);
                Ok(())
            });
        }
    };
    if Path::new("/bin/dash").exists() {
        for (script, want) in &scripts[..3] {
            let mut cmd = Command::new("/bin/dash");
            cmd.args(["-c", script]);
            ignoring(&mut cmd);
            let out = cmd.output().unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), *want, "dash, the oracle, on {script:?}");
        }
    }
    each_mode(&BOTH, "a_signal_ignored_on_entry_stays_ignored", |host| {
        let mut wrong = Vec::new();
        for (script, want) in scripts {
            let mut cmd = host.command(script);
            ignoring(&mut cmd);
            let r = run_cmd(cmd);
            if r.stdout != want {
                wrong.push(format!("{script:?} printed {:?}, not {want:?}: {r:?}", r.stdout));
            }
        }
        assert!(wrong.is_empty(), "[{:?}] with SIGINT ignored on entry: {}", host.mode, wrong.join("\n"));
    });
}

// ---------------------------------------------------------------------------
// 12. Nested isolate
// ---------------------------------------------------------------------------

/// docker-in-docker needs --privileged; a nested block is refused — with one
/// clear line, not a dump of clone flags.
#[test]
fn a_nested_isolate_is_refused_with_a_clear_message() {
    require_root!();
    each_mode(&BOTH, "a_nested_isolate_is_refused_with_a_clear_message", |host| {
        let r = host.run("isolate < isolate < true > >");
        assert_eq!(r.status, 125, "[{:?}] {r:?}", host.mode);
        assert_eq!(r.stderr.lines().count(), 1, "[{:?}] one line of error: {r:?}", host.mode);
        assert!(r.stderr.to_lowercase().contains("nest"), "[{:?}] the error does not say nested: {r:?}", host.mode);
        assert!(
            !r.stderr.contains("CloneFlags") && !r.stderr.contains("CLONE_"),
            "[{:?}] a Debug dump of clone flags: {r:?}",
            host.mode
        );
    });
}

// ---------------------------------------------------------------------------
// 13. File descriptors
// ---------------------------------------------------------------------------

/// runc CVE-2024-21626 ("leaky vessels"): a host fd left open in the
/// container reaches the host's filesystem. An fd the shell opened itself
/// (`exec 7<`) is not in the block.
#[test]
fn the_shells_own_fds_do_not_reach_the_block() {
    require_root!();
    each_mode(&BOTH, "the_shells_own_fds_do_not_reach_the_block", |host| {
        let r = host.run(
            "exec 7</etc/hostname; exec 8>outer; isolate < ls /proc/self/fd | tr '\\n' ' '; echo; \
             ls -l /proc/self/fd | grep -e hostname -e outer >",
        );
        assert_eq!(r.stdout, "0 1 2 3 \n", "[{:?}] {r:?}", host.mode);
    });
}

// ---------------------------------------------------------------------------
// Signals and the shell's own memory
// ---------------------------------------------------------------------------

/// docker: the container runs in a session of the runtime's shim, so
/// nothing in it shares a process group with the docker CLI. A pid
/// namespace hides pids, not process groups: a body left in the group of
/// the shell that started it could `kill(0, SIGKILL)` that shell, the
/// script around it and their other children. (Run in a process group of
/// its own, so a failure kills no more than the test's own processes.)
#[test]
fn the_body_cannot_signal_the_shells_process_group() {
    require_root!();
    each_mode(&BOTH, "the_body_cannot_signal_the_shells_process_group", |host| {
        let mut cmd = host.command(&format!(
            "sleep 300 >/dev/null 2>&1 & echo $! > sleeper; {} < kill -KILL 0 >; echo after=$?",
            host.iso()
        ));
        cmd.process_group(0);
        let r = run_cmd(cmd);
        let sleeper: i32 = std::fs::read_to_string(host.path().join("sleeper")).unwrap().trim().parse().unwrap();
        let alive = Path::new(&format!("/proc/{sleeper}")).exists()
            && !std::fs::read_to_string(format!("/proc/{sleeper}/stat")).unwrap_or_default().contains(") Z ");
        // SAFETY: the sleep this test's shell started.
        unsafe { libc::kill(sleeper, libc::SIGKILL) };
        assert!(r.stdout.contains("after=137"), "[{:?}] the shell did not outlive the block: {r:?}", host.mode);
        assert!(alive, "[{:?}] the block killed a process of the shell's group: {r:?}", host.mode);
    });
}

/// Init is a copy of the shell, and `/proc/PID/cmdline` is read from the
/// process's own memory: unless init overwrites it, the body reads the
/// shell's whole `-c` script in `/proc/1/cmdline`, unexported variables
/// and all. (docker's init is the image's own program.)
#[test]
fn the_shells_command_line_is_not_readable_in_the_block() {
    require_root!();
    each_mode(&BOTH, "the_shells_command_line_is_not_readable_in_the_block", |host| {
        let r = host.run(&format!(
            "secret=hunter2-not-exported; {} < tr '\\0' ' ' < /proc/1/cmdline; echo; tr '\\0' ' ' < /proc/self/cmdline; echo >",
            host.iso()
        ));
        assert_eq!(r.status, 0, "[{:?}] {r:?}", host.mode);
        assert!(r.stdout.contains("isosh: isolate init"), "[{:?}] init's command line: {r:?}", host.mode);
        assert!(!r.stdout.contains("hunter2"), "[{:?}] the script is readable inside: {r:?}", host.mode);
    });
}
