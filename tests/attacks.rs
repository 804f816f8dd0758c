//! Attacks on an isolate block beyond tests/security.rs: each test tries
//! one from inside a block (or from another user, on root's shell around
//! it), rootful and rootless where it applies. A test marked
//! `#[ignore = "HOLE: …"]` demonstrates an attack that works today: it
//! fails until the hole is fixed, and then should be un-ignored. The
//! others guard attacks that are denied.
//!
//! Every probe is non-destructive: nothing is written to a kernel-action
//! file, `kill` is only ever given signal 0, and the only sockets and
//! files touched are ones the test made. Needs root (SKIP otherwise); the
//! rootless half runs as the user `isosh-rootless`, as tests/security.rs.

// A failed unwrap in a test is a failed test.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::{BOTH, Host, HostPath, ISOSH, Mode, Run, Scratch, each_mode, run_cmd, test_user};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A unix socket the test listens on, at `path` (mode 0777, so the test
/// user may connect): each connection is answered with `REACHED <tag>`.
fn listen(path: &Path, tag: &'static str) -> std::os::unix::net::UnixListener {
    let _ = std::fs::remove_file(path);
    let l = std::os::unix::net::UnixListener::bind(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777)).unwrap();
    let server = l.try_clone().unwrap();
    std::thread::spawn(move || {
        use std::io::Write;
        for mut c in server.incoming().flatten() {
            let _ = writeln!(c, "REACHED {tag}");
        }
    });
    l
}

/// `perl /t/connect.pl PATH…`: connects to each unix socket (a leading `@`
/// names an abstract one) and prints what it answered, or the error.
const CONNECT_PL: &str = r#"use Socket;
for my $p (@ARGV) {
    my $addr = $p =~ /^@(.*)/ ? pack_sockaddr_un("\0$1") : pack_sockaddr_un($p);
    socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
    if (connect($s, $addr)) { my $l = <$s>; print "$p: $l" } else { print "$p: refused: $!\n" }
}
"#;

// ---------------------------------------------------------------------------
// Host unix sockets
// ---------------------------------------------------------------------------

/// docker: nothing of the host's filesystem is in a container, so no host
/// daemon's socket (dbus, systemd, docker.sock, the user's ssh or gpg
/// agent under /run/user) can be reached without a volume. A block's root
/// is the host's, read-only; an overlay's socket inodes do not connect to
/// the lower layer's listener, so a socket on the root filesystem is safe.
#[test]
fn host_unix_sockets_on_the_root_layer_do_not_connect() {
    require_root!();
    let dir = HostPath::dir("/var/tmp", "sock", 0o755);
    let sock = dir.0.join("s");
    let _l = listen(&sock, "root-layer");
    each_mode(&BOTH, "host_unix_sockets_on_the_root_layer_do_not_connect", |host| {
        host.script("connect.pl", CONNECT_PL);
        let r = host.run(&format!("{} < perl /t/connect.pl {} >", host.iso(), sock.display()));
        assert!(r.stdout.contains("refused"), "[{:?}] {r:?}", host.mode);
        assert!(!r.stdout.contains("REACHED"), "[{:?}] a host socket answered inside: {r:?}", host.mode);
    });
}

/// A rootless block cannot overlay a top-level directory that holds other
/// mounts (/run on a systemd host: /run/user/UID, /run/lock, …), so it
/// binds it read-only — and a read-only mount does not stop connect(2) on
/// a socket. From a rootless block, the user's session bus
/// (/run/user/UID/bus: `systemd-run --user` runs anything outside the
/// block), the system bus, docker.sock for a user in the docker group,
/// ssh/gpg agents, all answer. Here: a top-level directory with a tmpfs
/// below it and a socket the test listens on. Rootful blocks see only the
/// root filesystem's own inodes (the overlay), so they pass.
#[test]
fn host_unix_sockets_under_a_bound_directory_do_not_connect() {
    require_root!();
    let top = HostPath::dir("", "run", 0o755);
    let sub = top.0.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=1m", "isosh-attack"]).arg(&sub).status();
    assert!(mounted.is_ok_and(|s| s.success()), "mount a tmpfs on {sub:?}");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(sub.clone());
    let sock = top.0.join("bus");
    let _l = listen(&sock, "bound-dir");
    each_mode(&BOTH, "host_unix_sockets_under_a_bound_directory_do_not_connect", |host| {
        host.script("connect.pl", CONNECT_PL);
        let r = host.run(&format!("{} < perl /t/connect.pl {} >", host.iso(), sock.display()));
        assert!(r.stdout.contains(&sock.display().to_string()), "[{:?}] {r:?}", host.mode);
        assert!(!r.stdout.contains("REACHED"), "[{:?}] a host daemon's socket answered inside: {r:?}", host.mode);
    });
}

/// `--read-only` used to bind the host's whole mount tree (`/`,
/// recursively, made read-only) instead of an overlay — and a read-only
/// mount does not stop connect(2). Every host socket answered, on the root
/// filesystem and on every mount below it; rootful the body is root, so
/// /run/systemd/private (`systemctl`), /run/docker.sock or containerd's
/// socket made it root on the host (and /run/initctl, a FIFO, would take
/// `telinit` commands). docker's `--read-only` keeps the container's own
/// image as the root. Now the host's root is a read-only overlay. Here: a
/// socket the test listens on in /var/tmp (on the root filesystem; a
/// rootless block's binds of directories holding submounts are
/// [`host_unix_sockets_under_a_bound_directory_do_not_connect`]).
#[test]
fn read_only_blocks_do_not_reach_host_unix_sockets() {
    require_root!();
    let dir = HostPath::dir("/var/tmp", "sock-ro", 0o755);
    let sock = dir.0.join("s");
    let _l = listen(&sock, "read-only");
    // Next to the socket: a read-only root has no mount point for /t.
    let script = dir.0.join("connect.pl");
    std::fs::write(&script, CONNECT_PL).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    each_mode(&BOTH, "read_only_blocks_do_not_reach_host_unix_sockets", |host| {
        let r = host.run(&format!("isolate --read-only < perl {} {} >", script.display(), sock.display()));
        assert!(r.stdout.contains(&sock.display().to_string()), "[{:?}] {r:?}", host.mode);
        assert!(
            !r.stdout.contains("REACHED"),
            "[{:?}] a host socket answered inside a --read-only block: {r:?}",
            host.mode
        );
    });
}

/// Abstract unix sockets belong to the network namespace: the host's
/// (X11's `@/tmp/.X11-unix/X0`, dbus's) are out of reach of a block with
/// its own network (the default; `--net host` shares them, as docker's).
#[test]
fn host_abstract_sockets_do_not_connect() {
    require_root!();
    let name = format!("isosh-attack-abstract-{}", std::process::id());
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    use std::os::linux::net::SocketAddrExt;
    let l = std::os::unix::net::UnixListener::bind_addr(&addr).unwrap();
    std::thread::spawn(move || {
        use std::io::Write;
        for mut c in l.incoming().flatten() {
            let _ = writeln!(c, "REACHED abstract");
        }
    });
    each_mode(&BOTH, "host_abstract_sockets_do_not_connect", |host| {
        host.script("connect.pl", CONNECT_PL);
        let r = host.run(&format!("perl t/connect.pl @{name}; {} < perl /t/connect.pl @{name} >", host.iso()));
        assert!(
            r.stdout.starts_with(&format!("@{name}: REACHED")),
            "[{:?}] not reachable even outside: {r:?}",
            host.mode
        );
        assert_eq!(
            r.stdout.matches("REACHED").count(),
            1,
            "[{:?}] the host's abstract socket answered inside: {r:?}",
            host.mode
        );
    });
}

// ---------------------------------------------------------------------------
// Named layers and the image store in a directory another user controls
// ---------------------------------------------------------------------------

/// Root's named layers live under `$XDG_DATA_HOME/isosh/layers` — and
/// `su` without `-` (or `sudo -E`) keeps the user's XDG_DATA_HOME. A user
/// who plants `isosh/layers/NAME/upper -> /etc` there has root's next
/// `isolate --name NAME` block write its files into the host's /etc (the
/// overlay's upper layer is the symlink's target). docker keeps its layers
/// in root-only /var/lib/docker; tests/security.rs checks the same for the
/// runtime journal. Root's isosh must refuse a layer directory it does not
/// solely control, and never write through the planted link.
#[test]
fn a_planted_named_layer_cannot_redirect_roots_writes() {
    require_root!();
    let Ok((uid, gid)) = test_user().clone() else {
        eprintln!("SKIP a_planted_named_layer_cannot_redirect_roots_writes: {:?}", test_user());
        return;
    };
    let host = Host::new(Mode::Rootful, "a_planted_named_layer_cannot_redirect_roots_writes").unwrap();
    // The user's data directory, and what they plant in it.
    let xdg = host.path().join("alice-data");
    let target = HostPath::dir("/var/tmp", "upper-target", 0o755);
    for (name, link) in [("evil", true), ("theirs", false)] {
        let layer = xdg.join("isosh/layers").join(name);
        std::fs::create_dir_all(&layer).unwrap();
        if link {
            std::os::unix::fs::symlink(&target.0, layer.join("upper")).unwrap();
        }
    }
    for p in [xdg.clone(), xdg.join("isosh"), xdg.join("isosh/layers")]
        .into_iter()
        .chain(["evil", "theirs"].map(|n| xdg.join("isosh/layers").join(n)))
        .chain([xdg.join("isosh/layers/evil/upper")])
    {
        std::os::unix::fs::lchown(&p, Some(uid), Some(gid)).unwrap();
    }
    let mut cmd = host.command(
        "isolate --name evil < echo planted > /planted-evil >; echo status $?; \
                                isolate --name theirs < echo planted > /planted-theirs >; echo status $?",
    );
    cmd.env("XDG_DATA_HOME", &xdg);
    let r = run_cmd(cmd);
    let through_link: Vec<String> =
        std::fs::read_dir(&target.0).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(
        through_link.is_empty(),
        "root's block wrote {through_link:?} into {:?} through the user's planted upper -> link: {r:?}",
        target.0
    );
    let in_theirs = xdg.join("isosh/layers/theirs/upper/planted-theirs");
    assert!(!in_theirs.exists(), "root's block wrote its layer into a directory the user owns ({in_theirs:?}): {r:?}");
    assert_eq!(r.stdout, "status 125\nstatus 125\n", "{r:?}");
}

/// A block's redirection that closes an fd (`N>&-`) frees that number
/// for init's own fds, which it opens after the redirections: the held
/// volume source (an `O_PATH` fd of a host directory) landed on it and,
/// as a "kept" redirection target, crossed into the body, whose `cd -P
/// /proc/self/fd/N/..` then listed the host's directory (a review found
/// it). And `7>&-` on the fd init had opened to list the shell's fds made
/// init's thread spin for ever. Every N from 3 to 12, both ways round
/// with `--fd`, rootful and rootless: no host directory, no hang.
#[test]
fn a_closed_redirection_target_carries_no_host_fd_into_the_body() {
    each_mode(&BOTH, "a_closed_redirection_target_carries_no_host_fd_into_the_body", |host| {
        let vol = host.path().join("vol");
        std::fs::create_dir(&vol).unwrap();
        host.give(&vol);
        let marker = host.path().join("HOST-MARKER");
        std::fs::write(&marker, "").unwrap();
        for n in 3..=12 {
            for passed in [false, true] {
                let (open, pass) =
                    if passed { (format!("exec {n}>/dev/null; "), format!("--fd {n} ")) } else { Default::default() };
                let script = format!(
                    "{open}isolate {pass}-v {}:/data < cd -P /proc/self/fd/{n} 2>/dev/null && cd -P .. && ls; echo end > {n}>&-",
                    vol.display()
                );
                let mut child = host.command(&script).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                while child.try_wait().unwrap().is_none() {
                    if std::time::Instant::now() > deadline {
                        let _ = child.kill();
                        let _ = child.wait();
                        panic!("{script}: still running after 20 s");
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                let out = child.wait_with_output().unwrap();
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert!(!stdout.contains("HOST-MARKER"), "{script}: the body listed the host's directory: {stdout}");
                assert!(stdout.ends_with("end\n"), "{script}: {stdout} {}", String::from_utf8_lossy(&out.stderr));
            }
            // A redirection onto the number the shell's fd of the block's
            // cgroup had: the device program still goes on the cgroup.
            let script = format!(
                "isolate < cat /dev/null && echo null-ok; head -c0 /dev/kmsg 2>/dev/null && echo kmsg-opened || echo kmsg-denied > {n}<{}",
                vol.display()
            );
            let r = host.run(&script);
            assert_eq!((r.stdout.as_str(), r.status), ("null-ok\nkmsg-denied\n", 0), "{script}: {r:?}");
        }
    });
}

/// Init applies the block's redirections in its own fd table, which holds
/// isosh's fds for the block: the cgroup directory (`..` from it climbs to
/// the host's root), the report pipe (the body could write its own status
/// and let the shell go on while it runs), `/proc/self/fd` of the host's
/// proc. `N<&M` with an M the shell does not have open copied one of them
/// into the body (a review helper read the host's /etc/shadow this way).
/// Such a redirection now fails as a command's would (status 2), and
/// sources the shell or an earlier redirection opened still work.
#[test]
fn a_block_cannot_copy_isoshs_own_fds() {
    each_mode(&BOTH, "a_block_cannot_copy_isoshs_own_fds", |host| {
        for m in 3..=20 {
            for (what, script) in [
                (
                    "host directory",
                    format!("isolate < cd -P /proc/self/fd/5/.. && ls -a; echo ran > 5<&{m}; echo st=$?"),
                ),
                ("report pipe", format!("isolate < printf '\\002\\052\\0\\0\\0' >&3; exit 7 > 3>&{m}; echo st=$?")),
            ] {
                let r = host.run(&script);
                assert_eq!(r.stdout, "st=2\n", "{what}: {script}: {r:?}");
                assert!(r.stderr.contains(&format!("{m}: Bad file descriptor")), "{script}: {r:?}");
            }
        }
        let r = host.run(
            "exec 7>&1; isolate < echo via-7 >&3 > 3>&7; isolate < echo via-3 >&4 > 3>&1 4>&3; \
             isolate < echo to-2 >&2 > 2>&1; isolate < echo closed-then-made >&4 > 4>&- 4>&1; echo st=$?",
        );
        assert_eq!(r.stdout, "via-7\nvia-3\nto-2\nclosed-then-made\nst=0\n", "{r:?}");
        let r = host.run("isolate < echo no > 3>&1 3>&- 4>&3; echo st=$?");
        assert_eq!(r.stdout, "st=2\n", "a source an earlier redirection closed: {r:?}");
    });
}

/// `--rw` binds `--rootfs DIR` itself as the root, no overlay: DIR must
/// not be the host's `/` (also through a symlink), must be the user's and
/// writable by them alone (another user renaming `dev` for a symlink while
/// init works in it made root truncate a file of its choice), and the bind
/// is nosuid. `--export-bundle` does not copy the whole host.
#[test]
fn rw_and_export_refuse_the_hosts_root_and_others_directories() {
    each_mode(&BOTH, "rw_and_export_refuse_the_hosts_root_and_others_directories", |host| {
        let link = host.path().join("to-root");
        std::os::unix::fs::symlink("/", &link).unwrap();
        let shared = host.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
        let mine = host.path().join("mine");
        for d in ["", "proc", "dev", "sys", "tmp"] {
            std::fs::create_dir_all(mine.join(d)).unwrap();
            host.give(&mine.join(d));
        }
        let probe = format!("/var/tmp/isosh-rw-probe-{}", std::process::id());
        for (args, why) in [
            ("--rw --rootfs /".to_string(), "--rw would write the host's /"),
            (format!("--rw --rootfs {}", link.display()), "--rw would write the host's /"),
            (format!("--rw --rootfs {}", shared.display()), "must be yours and writable by you alone"),
            (format!("--export-bundle {}/b --rootfs /", host.path().display()), "would copy the whole host"),
        ] {
            let r = host.run(&format!("isolate {args} < echo x > {probe} >; echo st=$?"));
            assert_eq!(r.stdout, "st=125\n", "{args}: {r:?}");
            assert!(r.stderr.contains(why), "{args}: {r:?}");
            assert!(!Path::new(&probe).exists(), "{args} wrote {probe} on the host");
        }
        // The block's own plan (explain renders what init carries out).
        let r = host.run(&format!("explain 'isolate --rw --rootfs {} < true >'", mine.display()));
        let layer = r.stdout.lines().find(|l| l.contains("\"/tmp/root\", NULL, MS_BIND|MS_REC")).unwrap_or_default();
        assert!(layer.contains("MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV"), "{r:?}");
    });
}

// ---------------------------------------------------------------------------
// System calls, init, signals, /sys
// ---------------------------------------------------------------------------

/// `perl /t/sys.pl`: makes each call of `calls` (name, number, arguments —
/// integers, NULL pointers where the call takes one: the filter answers
/// before the kernel reads memory) and prints `NAME=RESULT errno=N`.
fn syscall_pl(calls: &[(&str, i64, &str)]) -> String {
    let mut s = String::from("$| = 1;\n");
    for (name, nr, args) in calls {
        // Strings in variables: syscall may write into them.
        s.push_str(&format!(
            "{{ my @a = ({args}); my $r = syscall({nr}, @a); printf \"{name}=%d errno=%d\\n\", $r, $r < 0 ? $! + 0 : 0; exit 0 if $r == 0 && \"{name}\" =~ /^clone/; }}\n"
        ));
    }
    s
}

/// docker's seccomp profile denies, with EPERM, the calls a hostile body
/// reaches for first after namespaces and keyrings (tests/security.rs
/// covers those): file handles (the "shocker" escape, open_by_handle_at),
/// io_uring, userfaultfd, bpf, perf_event_open, kcmp, setns, pidfd_getfd,
/// the new mount API, syslog, iopl/ioperm, personality flags beyond
/// docker's (READ_IMPLIES_EXEC). Any x32-ABI call (the same numbers with
/// bit 30 set, which a filter written for x86_64 might not expect) is
/// another ABI to the filter: the process is killed (SIGSYS).
#[test]
fn seccomp_denies_the_calls_docker_denies() {
    require_root!();
    #[allow(unused_mut)]
    let mut calls: Vec<(&str, i64, String)> = vec![
        ("name_to_handle_at", libc::SYS_name_to_handle_at, format!("{}, \"/\", 0, 0, 0", libc::AT_FDCWD)),
        ("open_by_handle_at", libc::SYS_open_by_handle_at, format!("{}, 0, 0", libc::AT_FDCWD)),
        ("io_uring_setup", libc::SYS_io_uring_setup, "4, 0".into()),
        ("userfaultfd", libc::SYS_userfaultfd, "0".into()),
        ("bpf", libc::SYS_bpf, "0, 0, 0".into()),
        ("perf_event_open", libc::SYS_perf_event_open, "0, 0, -1, -1, 0".into()),
        ("kcmp", libc::SYS_kcmp, "1, 1, 0, 0, 0".into()),
        ("setns", libc::SYS_setns, "0, 0".into()),
        ("pidfd_getfd", libc::SYS_pidfd_getfd, "0, 0, 0".into()),
        ("fsopen", libc::SYS_fsopen, "\"tmpfs\", 0".into()),
        ("open_tree", libc::SYS_open_tree, format!("{}, \"/\", 1", libc::AT_FDCWD)),
        ("move_mount", libc::SYS_move_mount, "-1, \"\", -1, \"\", 0".into()),
        ("mount_setattr", libc::SYS_mount_setattr, format!("{}, \"/proc/sys\", 0, 0, 0", libc::AT_FDCWD)),
        ("umount2", libc::SYS_umount2, "\"/proc/sys\", 2".into()),
        ("syslog", libc::SYS_syslog, "10, 0, 0".into()),
        ("fanotify_init", libc::SYS_fanotify_init, "0, 0".into()),
        ("request_key", libc::SYS_request_key, "\"user\", \"x\", 0, -2".into()),
        ("personality_read_implies_exec", libc::SYS_personality, "0x0400000".into()),
        ("unshare_newns", libc::SYS_unshare, libc::CLONE_NEWNS.to_string()),
        ("unshare_newnet", libc::SYS_unshare, libc::CLONE_NEWNET.to_string()),
        ("unshare_newuser_high_bits", libc::SYS_unshare, format!("{}", (1u64 << 32) | libc::CLONE_NEWUSER as u64)),
        ("clone_newns", libc::SYS_clone, format!("{}, 0, 0, 0, 0", libc::CLONE_NEWNS | libc::SIGCHLD)),
    ];
    #[cfg(target_arch = "x86_64")]
    {
        calls.push(("iopl", libc::SYS_iopl, "3".into()));
        calls.push(("ioperm", libc::SYS_ioperm, "0x80, 1, 1".into()));
    }
    #[cfg(target_arch = "x86_64")]
    let x32: Vec<(&str, i64, String)> = vec![
        ("x32_getpid", 0x4000_0000 | libc::SYS_getpid, String::new()),
        ("x32_unshare_newuser", 0x4000_0000 | libc::SYS_unshare, libc::CLONE_NEWUSER.to_string()),
    ];
    #[cfg(not(target_arch = "x86_64"))]
    let x32: Vec<(&str, i64, String)> = Vec::new();
    let list: Vec<(&str, i64, &str)> = calls.iter().map(|(n, nr, a)| (*n, *nr, a.as_str())).collect();
    each_mode(&BOTH, "seccomp_denies_the_calls_docker_denies", |host| {
        host.script("sys.pl", &syscall_pl(&list));
        let r = host.run(&format!("{} < perl /t/sys.pl >", host.iso()));
        let mut wrong = Vec::new();
        for (name, _, _) in &list {
            let line = r.stdout.lines().find(|l| l.starts_with(&format!("{name}=")));
            if line != Some(&format!("{name}=-1 errno=1")) {
                wrong.push(format!("{name}: {line:?}"));
            }
        }
        assert!(wrong.is_empty(), "[{:?}] not EPERM: {wrong:?}\n{r:?}", host.mode);
        for (name, nr, args) in &x32 {
            host.script("x32.pl", &syscall_pl(&[(name, *nr, args.as_str())]));
            let r = host.run(&format!("{} < perl /t/x32.pl; echo status=$? >", host.iso()));
            let sigsys = format!("status={}", 128 + libc::SIGSYS);
            assert!(r.stdout.trim() == sigsys, "[{:?}] {name} was not killed: {r:?}", host.mode);
        }
    });
}

/// `pid, local iov, 1, remote iov, 1, 0` for process_vm_{readv,writev} on
/// init, as perl builds them.
const IOVECS: &str = "1, pack('QQ', unpack('J', pack('p', my $buf = 'x' x 8)), 8), 1, pack('QQ', 0x400000, 8), 1, 0";

/// runc CVE-2019-5736 and friends: PID 1 of a block is the host's isosh,
/// with the host's fds. The body may not trace it, read or write its
/// memory, or follow its exe, root, cwd or fds out of the block (init is
/// not dumpable; ptrace needs CAP_SYS_PTRACE).
#[test]
fn init_cannot_be_traced_or_inspected() {
    require_root!();
    let calls = [
        ("ptrace_attach", libc::SYS_ptrace, format!("{}, 1, 0, 0", libc::PTRACE_ATTACH)),
        ("ptrace_seize", libc::SYS_ptrace, format!("{}, 1, 0, 0", libc::PTRACE_SEIZE)),
        // One iovec each way (with none the kernel answers 0 before it
        // looks at the target): 8 bytes of ours, 8 of init's at its stack
        // guess — the address does not matter, the access check comes first.
        ("process_vm_readv", libc::SYS_process_vm_readv, IOVECS.into()),
        ("process_vm_writev", libc::SYS_process_vm_writev, IOVECS.into()),
    ];
    let list: Vec<(&str, i64, &str)> = calls.iter().map(|(n, nr, a)| (*n, *nr, a.as_str())).collect();
    each_mode(&BOTH, "init_cannot_be_traced_or_inspected", |host| {
        host.script("sys.pl", &syscall_pl(&list));
        host.script(
            "open.pl",
            "for my $p (@ARGV) { if (open(my $f, '<', $p)) { print \"$p OPENED\\n\" } else { print \"$p denied\\n\" } }\n\
             for my $p (@ARGV) { my $l = readlink $p; print \"$p LINK $l\\n\" if defined $l }\n",
        );
        let r = host.run(&format!(
            "{} < perl /t/sys.pl; perl /t/open.pl /proc/1/exe /proc/1/root/etc/hostname /proc/1/cwd/. /proc/1/environ \
             /proc/1/mem /proc/1/maps /proc/1/fd/* /proc/1/map_files/* >",
            host.iso()
        ));
        for (name, _, _) in &list {
            let line = r.stdout.lines().find(|l| l.starts_with(&format!("{name}="))).unwrap_or("");
            assert!(line.starts_with(&format!("{name}=-1 ")), "[{:?}] {name} on init worked: {r:?}", host.mode);
        }
        assert!(r.stdout.contains("/proc/1/exe denied"), "[{:?}] {r:?}", host.mode);
        assert!(
            !r.stdout.contains("OPENED") && !r.stdout.contains(" LINK "),
            "[{:?}] init's /proc entries reached from the body: {r:?}",
            host.mode
        );
    });
}

/// docker: a container's processes see and signal only their own pid
/// namespace. `kill(-1, 0)` from the body reaches no process outside the
/// block, nor does a host pid (that of a `sleep` the test started, as the
/// block's own user so that only the namespace stands in the way). Only
/// signal 0 is ever sent.
#[test]
fn signals_do_not_reach_host_processes() {
    require_root!();
    each_mode(&BOTH, "signals_do_not_reach_host_processes", |host| {
        let mut sleep = Command::new("sleep");
        sleep.arg("53.2121");
        if let Some((uid, gid)) = host.ids {
            sleep.uid(uid).gid(gid);
        }
        let mut sleep = sleep.spawn().unwrap();
        let pid = sleep.id();
        host.script(
            "kill.pl",
            &format!(
                "my @others = grep {{ /^\\d+$/ && $_ != $$ && $_ != 1 }} map {{ s{{.*/}}{{}}r }} glob '/proc/[0-9]*';\n\
                 print 'kill-1=', kill(0, -1), \"\\n\";\nprint 'kill-host=', kill(0, {pid}), \" $!\\n\";\n"
            ),
        );
        let r = host.run(&format!("{} < perl /t/kill.pl >", host.iso()));
        let _ = sleep.kill();
        let _ = sleep.wait();
        assert!(r.stdout.contains("kill-host=0 "), "[{:?}] the host's sleep {pid} is reachable: {r:?}", host.mode);
        assert!(r.stdout.contains("kill-1="), "[{:?}] {r:?}", host.mode);
    });
}

/// docker mounts /sys read-only: nothing under it (uevent_helper, the
/// cgroup files, device attributes) may be opened for writing, with the
/// block's own network namespace or `--net host` (where a rootless block
/// binds the host's /sys instead of mounting one). Files are only opened
/// for append, never written.
#[test]
fn sys_is_read_only_inside() {
    require_root!();
    each_mode(&BOTH, "sys_is_read_only_inside", |host| {
        host.script(
            "w.pl",
            &format!(
                "my $n = 0;\nwhile (my $p = <STDIN>) {{ chomp $p; $n++;\n\
                 if (sysopen(my $f, $p, {} | {} | {})) {{ print \"WRITABLE $p\\n\"; close $f }} }}\nprint \"checked $n\\n\";\n",
                libc::O_WRONLY,
                libc::O_APPEND,
                libc::O_NONBLOCK
            ),
        );
        for net in ["", "--net host"] {
            let r = host.run(&format!(
                "{} {net} < find /sys -xdev -type f -perm -u+w 2>/dev/null | head -3000 | perl /t/w.pl; \
                 find /sys -maxdepth 3 -type d -writable 2>/dev/null | sed 's/^/WRITABLE DIR /' >",
                host.iso()
            ));
            assert!(r.stdout.contains("checked "), "[{:?}] {net}: {r:?}", host.mode);
            let writable: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("WRITABLE")).take(10).collect();
            assert!(writable.is_empty(), "[{:?}] {net}: writable under /sys: {writable:?}", host.mode);
        }
    });
}

// ---------------------------------------------------------------------------
// The user's terminal
// ---------------------------------------------------------------------------

/// docker without `-t` gives a container no terminal at all, and
/// bubblewrap's `--new-session` takes the controlling terminal away
/// (CVE-2017-5226). A block whose fds 0, 1 and 2 are all redirected away
/// from the terminal (`isolate < … > </dev/null >file 2>&1`, the way one
/// runs untrusted code) can still open `/dev/tty` — the session's
/// controlling terminal, bound in from the host — and read what the user
/// types while it runs (a password typed at another prompt), write escape
/// sequences to it, or change its modes. TIOCSTI is denied by seccomp, the
/// rest is not. Here: a pty is the shell's controlling terminal; the block
/// has none of its fds on it and must not open /dev/tty.
#[test]
fn a_block_without_the_terminal_cannot_open_dev_tty() {
    require_root!();
    each_mode(&BOTH, "a_block_without_the_terminal_cannot_open_dev_tty", |host| {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills two fds.
        let made =
            unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
        assert_eq!(made, 0, "openpty");
        // SAFETY: the slave's fd is ours; the Stdio takes it.
        let slave_stdio = unsafe { Stdio::from(<std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(slave)) };
        host.script(
            "tty.pl",
            &format!(
                "if (sysopen(my $t, '/dev/tty', {})) {{ print \"TTY OPENED\\n\" }} else {{ print \"no tty: $!\\n\" }}\n",
                libc::O_RDWR | libc::O_NONBLOCK | libc::O_NOCTTY
            ),
        );
        let out = host.path().join("out");
        let mut cmd = host.command(&format!(
            "perl t/tty.pl >outside; {} < perl /t/tty.pl > </dev/null >{} 2>&1",
            host.iso(),
            out.display()
        ));
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
        let r = run_cmd_keep_stdin(cmd);
        // SAFETY: closing our master fd.
        unsafe { libc::close(master) };
        let outside = std::fs::read_to_string(host.path().join("outside")).unwrap_or_default();
        let inside = std::fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(outside, "TTY OPENED\n", "[{:?}] /dev/tty does not open even outside: {r:?}", host.mode);
        assert!(inside.starts_with("no tty"), "[{:?}] inside the block: {inside:?} {r:?}", host.mode);
    });
}

/// As [`run_cmd`], with the stdin the command was given.
fn run_cmd_keep_stdin(mut cmd: Command) -> Run {
    let out = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or(-1),
    }
}

// ---------------------------------------------------------------------------
// Scratch space: inodes
// ---------------------------------------------------------------------------

/// A tmpfs's `size=` bounds its pages, not its inodes: by default a tmpfs
/// takes half as many inodes as the host has pages of RAM, and each empty
/// file pins about a KiB of kernel memory (inode and dentry) that no
/// `size=` counts. Without `--memory`, a body that made millions of empty
/// files in the writable layer, /tmp, /dev — or the 1 MiB tmpfs a rootless
/// root is — would pin gigabytes of the host's memory. Each writable tmpfs
/// inside must have at most one inode per KiB of its size.
#[test]
fn scratch_inodes_are_bounded_by_the_scratch_size() {
    require_root!();
    each_mode(&BOTH, "scratch_inodes_are_bounded_by_the_scratch_size", |host| {
        let r = host.run("isolate < stat -f -c '%n %c %b %S' / /tmp /dev /dev/shm >");
        let mut seen = 0;
        for line in r.stdout.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [path, inodes, blocks, bsize] = f[..] else { panic!("[{:?}] {r:?}", host.mode) };
            let (inodes, bytes) =
                (inodes.parse::<u64>().unwrap(), blocks.parse::<u64>().unwrap() * bsize.parse::<u64>().unwrap());
            assert!(
                inodes * 1024 <= bytes.max(1 << 20),
                "[{:?}] {path}: {inodes} inodes on {} KiB: empty files can pin ~{} MiB of kernel memory\n{r:?}",
                host.mode,
                bytes >> 10,
                inodes >> 10
            );
            seen += 1;
        }
        assert_eq!(seen, 4, "[{:?}] {r:?}", host.mode);
    });
}

/// The same planted data directory, against root's interactive shell: its
/// history is `$XDG_DATA_HOME/isosh/history`, saved at exit by path —
/// following a symlink the user planted there (`history -> /etc/shadow`
/// rewrites that file with `#V2` and root's commands), or into a file of
/// the user's (who then reads root's commands). Not an isolate block, but
/// the same planting (src/repl/mod.rs: `history_path`; `private_dir` in
/// src/isolate/mod.rs is the check to reuse).
#[test]
fn a_planted_history_link_cannot_make_roots_shell_rewrite_a_file() {
    require_root!();
    let Ok((uid, gid)) = test_user().clone() else {
        eprintln!("SKIP a_planted_history_link_cannot_make_roots_shell_rewrite_a_file: {:?}", test_user());
        return;
    };
    let dir = Scratch::new("atk-history");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "root's file\n").unwrap();
    let xdg = dir.path().join("alice-data");
    std::fs::create_dir_all(xdg.join("isosh")).unwrap();
    std::os::unix::fs::symlink(&victim, xdg.join("isosh/history")).unwrap();
    for p in [xdg.clone(), xdg.join("isosh"), xdg.join("isosh/history")] {
        std::os::unix::fs::lchown(&p, Some(uid), Some(gid)).unwrap();
    }
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let slave: std::os::fd::OwnedFd = pty.slave;
    let mut cmd = Command::new(ISOSH);
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", &xdg)
        .env("TERM", "dumb")
        .current_dir(dir.path())
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    // SAFETY: setsid and ioctl are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let mut master = std::fs::File::from(pty.master);
    let mut reader = master.try_clone().unwrap();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while reader.read(&mut buf).is_ok_and(|n| n > 0) {}
    });
    use std::io::Write;
    for line in ["echo typed-by-root\r", "exit\r"] {
        std::thread::sleep(std::time::Duration::from_millis(700));
        master.write_all(line.as_bytes()).unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let now = std::fs::read_to_string(&victim).unwrap();
    assert_eq!(now, "root's file\n", "root's shell wrote its history through the planted link into {victim:?}");
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    format!("sha256:{}", d.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// A one-layer OCI layout at `dir` (tag `v1`), its layer holding `files`
/// (path, mode), owned by root.
fn tiny_image(dir: &Path, files: &[(&str, u32)]) {
    std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let blob = |bytes: &[u8]| {
        let d = sha(bytes);
        std::fs::write(dir.join("blobs/sha256").join(&d[7..]), bytes).unwrap();
        d
    };
    let mut b = tar::Builder::new(Vec::new());
    for (path, mode) in files {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mode(*mode);
        h.set_size(4);
        b.append_data(&mut h, path, &b"data"[..]).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let layer = blob(&tar);
    let arch = if cfg!(target_arch = "x86_64") { "amd64" } else { "arm64" };
    let config = serde_json::json!({
        "architecture": arch, "os": "linux", "config": {"Cmd": ["/x"]},
        "rootfs": {"type": "layers", "diff_ids": [sha(&tar)]},
    })
    .to_string()
    .into_bytes();
    let cd = blob(&config);
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer, "size": tar.len()}],
    })
    .to_string()
    .into_bytes();
    let md = blob(&manifest);
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": manifest.len(),
        "annotations": {"org.opencontainers.image.ref.name": "v1"},
    }]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
}

/// Every set-uid or set-gid file below `dir` (links not followed).
fn setid_files(dir: &Path) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(m) = std::fs::symlink_metadata(e.path()) else { continue };
        if m.is_dir() {
            out.extend(setid_files(&e.path()));
        } else if m.mode() & 0o6000 != 0 {
            out.push(e.path());
        }
    }
    out
}

/// The image store (`$XDG_DATA_HOME/isosh/images`): root unpacks layers
/// there with their owners and set-uid bits (an image's `su`, `passwd`,
/// or whatever a hostile image calls its root shell). Under a data
/// directory a user owns and kept across `su`, with `images/layers`
/// planted as theirs, root's isosh would put a set-uid-root file where
/// that user can run it — and would mount whatever the user placed at
/// `layers/<diff id>` as the image. Root's isosh must refuse the store.
#[test]
fn a_planted_image_store_gets_no_set_uid_files_from_root() {
    require_root!();
    let Ok((uid, gid)) = test_user().clone() else {
        eprintln!("SKIP a_planted_image_store_gets_no_set_uid_files_from_root: {:?}", test_user());
        return;
    };
    let host = Host::new(Mode::Rootful, "a_planted_image_store_gets_no_set_uid_files_from_root").unwrap();
    tiny_image(&host.path().join("img"), &[("x", 0o755), ("rootshell", 0o4755)]);
    let xdg = host.path().join("alice-data");
    let store = xdg.join("isosh/images");
    std::fs::create_dir_all(store.join("layers")).unwrap();
    std::fs::create_dir_all(store.join("refs")).unwrap();
    for p in [xdg.clone(), xdg.join("isosh"), store.clone(), store.join("layers"), store.join("refs")] {
        std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = host.command(&format!("isolate --image oci:{}/img:v1 < true >", host.path().display()));
    cmd.env("XDG_DATA_HOME", &xdg);
    let r = run_cmd(cmd);
    let planted = setid_files(&xdg);
    assert!(planted.is_empty(), "root's isosh unpacked set-id files into the user's store: {planted:?}\n{r:?}");
    assert_eq!(r.status, 125, "{r:?}");
    assert!(r.stderr.contains("another user"), "{r:?}");
}

/// A hostile body in a `--name` layer plants symlinks for the next block
/// of that layer: `etc/evil -> <host dir>`. The next block's volume
/// `-v D:/etc/evil/sub` must be resolved inside the root (openat2
/// RESOLVE_IN_ROOT), never making `sub` in the host directory.
#[test]
fn a_named_layer_cannot_plant_a_volume_target_on_the_host() {
    require_root!();
    each_mode(&BOTH, "a_named_layer_cannot_plant_a_volume_target_on_the_host", |host| {
        let target = HostPath::dir("/var/tmp", "planted", 0o777);
        let data = host.path().join("D");
        std::fs::create_dir(&data).unwrap();
        host.give(&data);
        let name = format!("atk{}", std::process::id());
        let r = host.run(&format!(
            "isolate --name {name} < ln -s {t} /etc/evil; ln -s {t} /etc/evil2; ls -l /etc/evil >; \
             isolate --name {name} -v {d}:/etc/evil/sub < echo in > /etc/evil/sub/f; echo $? >; \
             isolate --name {name} -v {d}/:/etc/evil2/x/y < true >; isolates rm {name}",
            t = target.0.display(),
            d = data.display()
        ));
        assert!(r.stdout.contains("/etc/evil ->"), "[{:?}] the layer did not keep the link: {r:?}", host.mode);
        let left: Vec<String> = std::fs::read_dir(&target.0)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(left.is_empty(), "[{:?}] the planted link made {left:?} in {:?}: {r:?}", host.mode, target.0);
    });
}

/// `--read-only` keeps the root read-only but, as docker's, still takes
/// volumes and a workdir whose mount points the root lacks (they were
/// refused with EROFS): the mount points are made while the root layer is
/// still writable, then it is made read-only. The volume stays writable
/// (or read-only with `:ro`), /tmp stays writable, the root does not.
#[test]
fn read_only_blocks_take_volumes_and_a_workdir_at_new_paths() {
    require_root!();
    each_mode(&BOTH, "read_only_blocks_take_volumes_and_a_workdir_at_new_paths", |host| {
        let vol = host.path().join("vol");
        std::fs::create_dir(&vol).unwrap();
        std::fs::write(vol.join("f"), "in the volume\n").unwrap();
        host.give(&vol);
        host.give(&vol.join("f"));
        let script = format!(
            "isolate --read-only -v {v}:/isosh-new/deep/data -v {v}:/isosh-ro:ro -w /isosh-wd < \
             pwd; cat /isosh-new/deep/data/f; echo w > /isosh-new/deep/data/g && echo rw-ok; \
             touch /isosh-ro/h || echo ro-refused; touch /isosh-root-file || echo root-refused; \
             touch /tmp/t && echo tmp-ok >",
            v = vol.display()
        );
        let r = host.run(&script);
        let want = "/isosh-wd\nin the volume\nrw-ok\nro-refused\nroot-refused\ntmp-ok\n";
        assert_eq!(r.stdout, want, "[{:?}] {r:?}", host.mode);
        assert!(vol.join("g").exists(), "[{:?}] the write did not reach the volume", host.mode);
        assert!(!Path::new("/isosh-new").exists() && !Path::new("/isosh-wd").exists(), "made on the host");
    });
}

/// A `--name` layer keeps everything the body wrote, also at the top level
/// of the root: rootless, the root is one overlay per top-level directory,
/// and what was written beside them (a file at `/`, a new directory) went
/// to a throwaway tmpfs and was lost. Now that level lives in the layer too.
#[test]
fn named_layers_keep_what_was_written_at_the_top_level() {
    require_root!();
    each_mode(&BOTH, "named_layers_keep_what_was_written_at_the_top_level", |host| {
        let first = host.run(
            "isolate --name keep < echo top > /isosh-top-file; mkdir /isosh-top-dir; echo deep > /isosh-top-dir/f; \
             echo etc > /etc/isosh-etc-file >",
        );
        assert!(first.status == 0, "[{:?}] {first:?}", host.mode);
        let second = host.run("isolate --name keep < cat /isosh-top-file /isosh-top-dir/f /etc/isosh-etc-file >");
        assert_eq!(second.stdout, "top\ndeep\netc\n", "[{:?}] {second:?}", host.mode);
        // A block without the name starts from the host's root again.
        let other = host.run("isolate < cat /isosh-top-file >");
        assert!(other.stdout.is_empty() && other.status != 0, "[{:?}] {other:?}", host.mode);
        assert!(!Path::new("/isosh-top-file").exists(), "written on the host");
    });
}

/// A `--name` layer written by a hostile body on a `--rootfs` root (which
/// sees all of the layer's upper/ as its root) replaces `/etc` with a
/// relative symlink climbing out of the layer to a host directory of the
/// user's. A later block with that name on the host's root made its
/// rootless per-directory overlay's upper layer `upper/etc` by following
/// it, and wrote the block's /etc into the host directory. The layer's
/// directories are now made and opened without following a symlink, and
/// the block is refused; rootful, the one overlay keeps the link inside.
#[test]
fn a_named_layer_cannot_point_a_later_upper_layer_at_the_host() {
    require_root!();
    if !Path::new("/bin/busybox").exists() {
        eprintln!("SKIP a_named_layer_cannot_point_a_later_upper_layer_at_the_host: no /bin/busybox");
        return;
    }
    each_mode(&BOTH, "a_named_layer_cannot_point_a_later_upper_layer_at_the_host", |host| {
        let victim = host.path().join("victim");
        let rootfs = host.path().join("rootfs");
        std::fs::create_dir_all(rootfs.join("bin")).unwrap();
        std::fs::create_dir(&victim).unwrap();
        std::fs::copy("/bin/busybox", rootfs.join("bin/busybox")).unwrap();
        for tool in ["sh", "rm", "ln"] {
            std::os::unix::fs::symlink("busybox", rootfs.join("bin").join(tool)).unwrap();
        }
        for p in [&victim, &rootfs, &rootfs.join("bin"), &rootfs.join("bin/busybox")] {
            host.give(p);
        }
        // From <HOME>/.local/share/isosh/layers/evil/upper/etc up to <HOME>.
        let plant = host.run(&format!(
            "isolate --name evil --rootfs {} < /bin/rm -rf /etc; /bin/ln -s ../../../../../../victim /etc >",
            rootfs.display()
        ));
        assert_eq!(plant.status, 0, "[{:?}] {plant:?}", host.mode);
        let r = host.run("isolate --name evil < echo pwned > /etc/planted >");
        let listed: Vec<_> = std::fs::read_dir(&victim).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(listed.is_empty(), "[{:?}] the block wrote into the host directory: {listed:?} {r:?}", host.mode);
    });
}
