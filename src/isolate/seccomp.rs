//! The block's seccomp filter: the equivalent of docker's default profile
//! (moby `profiles/seccomp/default.json`) for the capabilities a block keeps
//! (`security.rs`). The profile is data in `seccomp_profile.rs`; build.rs
//! compiles it with libseccomp into two classic-BPF programs, which this
//! module embeds and loads (see build.rs for why two, and why at build time).
//!
//! An allowlist: a system call not named there fails with `EPERM`, as in
//! docker. A few are allowed only with some arguments:
//! - `clone` and `unshare` without any namespace flag (a new user namespace
//!   would give the body every capability again, inside it);
//! - `ioctl` except `TIOCSTI` and `TIOCLINUX`, which push input into a
//!   terminal — the host's, when the block was given it;
//! - `socket` except `AF_VSOCK`, `personality` with docker's values only.
//!
//! `clone3` fails with `ENOSYS`, so glibc falls back to `clone`, whose
//! flags a filter can read (`clone3` passes them in memory).
//!
//! Calls of other ABIs (i386 `int 0x80` on x86_64, and x32 numbers, which
//! libseccomp counts as another ABI) kill the process: the filter only
//! knows the native numbering.

use super::seccomp_profile as profile;
use super::spec::SeccompMode;
use super::steps::{SetupStep, StepFailure};
use nix::errno::Errno;

/// The numbers libseccomp gave the profile's names on the target
/// architecture (written by build.rs).
mod numbers {
    include!(concat!(env!("OUT_DIR"), "/numbers.rs"));
}

/// Bytes with the alignment of `struct sock_filter`, so that the kernel
/// (and the tests) can read them as instructions in place.
#[repr(C, align(8))]
struct Aligned<const N: usize>([u8; N]);

static ALLOWLIST: &Aligned<{ include_bytes!(concat!(env!("OUT_DIR"), "/allowlist.bpf")).len() }> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/allowlist.bpf")));
static EXCEPTIONS: &Aligned<{ include_bytes!(concat!(env!("OUT_DIR"), "/exceptions.bpf")).len() }> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/exceptions.bpf")));

/// One classic-BPF program as libseccomp wrote it: `struct sock_filter`s
/// in the machine's byte order, 8 bytes each.
#[derive(Debug, Clone, Copy)]
pub struct Program(&'static [u8]);

impl Program {
    /// How many instructions the program has.
    pub fn len(&self) -> usize {
        self.0.len() / std::mem::size_of::<libc::sock_filter>()
    }

    /// Whether the program has no instruction (no profile for this
    /// architecture).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The program as `struct sock_filter`s.
    pub fn instructions(&self) -> &'static [libc::sock_filter] {
        // SAFETY: the bytes are 8-aligned (`Aligned`), a whole number of
        // 8-byte `sock_filter`s (u16, u8, u8, u32: no padding, any bit
        // pattern valid), and 'static.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast(), self.len()) }
    }
}

/// The block's filter: the allowlist, then the exceptions (both loaded;
/// the kernel takes the stricter answer of the two).
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Default EPERM; the allowed calls and their argument rules.
    pub allowlist: Program,
    /// Default allow; `ioctl(TIOCSTI/TIOCLINUX)` and `socket(AF_VSOCK)` →
    /// EPERM.
    pub exceptions: Program,
}

/// There is no filter for this architecture: the block does not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("step 'seccomp' failed: no profile for {0} (use --seccomp=unconfined)")]
pub struct BuildError(&'static str);

/// The filter, compiled when isosh was built.
pub fn program() -> Result<Filter, BuildError> {
    let filter = Filter { allowlist: Program(&ALLOWLIST.0), exceptions: Program(&EXCEPTIONS.0) };
    if filter.allowlist.is_empty() || filter.exceptions.is_empty() {
        return Err(BuildError(std::env::consts::ARCH));
    }
    Ok(filter)
}

/// Loads the filter into the calling thread; its children inherit it. Sets
/// PR_SET_NO_NEW_PRIVS first, which the kernel requires of a caller that
/// may lack CAP_SYS_ADMIN (a repeat: `security::harden` did it already).
/// Allocates nothing.
pub fn load(filter: &Filter) -> Result<(), StepFailure> {
    let fail = |errno| StepFailure::new(SetupStep::Seccomp, errno, "seccomp(SECCOMP_SET_MODE_FILTER)");
    // SAFETY: prctl with integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(fail(Errno::last()));
    }
    for program in [filter.allowlist, filter.exceptions] {
        let code = program.instructions();
        let fprog = libc::sock_fprog { len: code.len() as u16, filter: code.as_ptr().cast_mut() };
        // SAFETY: `fprog` points at `len` valid instructions, which the
        // kernel copies before it returns.
        let r = unsafe {
            libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0, &fprog as *const libc::sock_fprog)
        };
        if r != 0 {
            return Err(fail(Errno::last()));
        }
    }
    Ok(())
}

/// Every call allowed whatever its arguments, by name.
fn allowed_unconditionally() -> impl Iterator<Item = &'static str> {
    let known = |name: &&str| numbers::NUMBERS.iter().any(|(n, _)| n == name);
    profile::ALLOWED
        .iter()
        .copied()
        .chain(profile::ALLOWED_WHERE_THEY_EXIST.iter().copied().filter(known))
        .chain(profile::ALLOWED_BY_NUMBER.iter().map(|&(name, _)| name))
}

/// The calls allowed only with some arguments.
const RULED: [&str; 5] = ["clone", "unshare", "ioctl", "socket", "personality"];

/// What the filter does, a line each, for explain and the doctor.
pub fn summary(mode: SeccompMode) -> Vec<String> {
    if mode == SeccompMode::Unconfined {
        return vec!["mode: unconfined (--seccomp=unconfined): no filter".into()];
    }
    let conditions = [
        "clone: EPERM with any namespace flag (CLONE_NEWUSER, NEWNS, NEWPID, NEWNET, NEWUTS, NEWIPC, NEWCGROUP, NEWTIME)",
        "clone3: ENOSYS, so libc falls back to clone",
        "unshare: EPERM with any namespace flag (CLONE_FILES, CLONE_FS and the like are allowed)",
        "ioctl: EPERM for TIOCSTI and TIOCLINUX",
        "socket: EPERM for AF_VSOCK",
        "personality: only 0, PER_LINUX32, UNAME26, both, and 0xffffffff (a query)",
    ];
    let allowed = allowed_unconditionally().count() + RULED.len();
    let mut lines = vec![
        "mode: default (docker's default profile); any call not allowed fails with EPERM".to_string(),
        format!("allowed: {allowed} system calls, {} of them with conditions on their arguments", RULED.len()),
    ];
    lines.extend(conditions.iter().map(|c| c.to_string()));
    lines.push(format!("denied (EPERM), among others: {}", profile::DENIED.join(" ")));
    lines
}

/// The profile as lists, for an OCI bundle's `linux.seccomp`
/// (image/bundle.rs): the same calls and rules the filter is built from.
pub struct Lists {
    /// Allowed whatever their arguments.
    pub allowed: Vec<&'static str>,
    /// `clone` and `unshare` are allowed when `flags & namespace_flags == 0`.
    pub namespace_flags: u64,
    /// `ioctl` is allowed unless its request is one of these.
    pub denied_ioctls: [u64; 2],
    /// `socket` is allowed unless its domain is this one.
    pub denied_socket_domain: u64,
    /// `personality` is allowed with these values.
    pub personalities: [u64; 5],
}

/// The profile's calls and argument rules as lists (for an OCI bundle).
pub fn lists() -> Lists {
    Lists {
        allowed: allowed_unconditionally().collect(),
        namespace_flags: profile::NAMESPACE_FLAGS,
        denied_ioctls: profile::DENIED_IOCTLS,
        denied_socket_domain: profile::DENIED_SOCKET_DOMAIN,
        personalities: profile::PERSONALITIES,
    }
}

#[cfg(test)]
// The probes below are grouped under one `SAFETY (all):` comment each: a
// comment per closure would only repeat it.
#[allow(clippy::undocumented_unsafe_blocks)]
mod tests {
    use super::*;
    use nix::sys::wait::{WaitStatus, waitpid};
    use nix::unistd::{ForkResult, fork};

    /// Runs `probe` in a forked child under the filter; gives its result:
    /// 0 for success, else the errno (or a code of the probe's own).
    fn under_filter(probe: impl FnOnce() -> i32) -> i32 {
        let prog = program().expect("a filter for this architecture");
        // SAFETY: the child only makes system calls and _exits; it does
        // not allocate (the test harness has other threads).
        match unsafe { fork() }.unwrap() {
            ForkResult::Child => {
                let code = match load(&prog) {
                    Ok(()) => probe(),
                    Err(_) => 200,
                };
                // SAFETY: leaving the forked child at once.
                unsafe { libc::_exit(code) }
            }
            ForkResult::Parent { child } => match waitpid(child, None).unwrap() {
                WaitStatus::Exited(_, code) => code,
                other => panic!("probe child: {other:?}"),
            },
        }
    }

    /// The errno of a raw system call's result (0 when it succeeded).
    fn errno_of(ret: libc::c_long) -> i32 {
        if ret < 0 { Errno::last_raw() } else { 0 }
    }

    const EPERM: i32 = libc::EPERM;

    #[test]
    fn the_filter_is_on_in_the_probe() {
        // SAFETY: prctl with integer arguments.
        assert_eq!(under_filter(|| unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) }), 2);
    }

    #[test]
    fn getpid_write_pipe2_still_work() {
        let code = under_filter(|| {
            // SAFETY: plain system calls on our own fds.
            unsafe {
                if libc::getpid() <= 0 {
                    return 1;
                }
                let mut fds = [0; 2];
                if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
                    return 2;
                }
                if libc::write(fds[1], b"x".as_ptr().cast(), 1) != 1 {
                    return 3;
                }
                let mut buf = [0u8; 1];
                if libc::read(fds[0], buf.as_mut_ptr().cast(), 1) != 1 || buf[0] != b'x' {
                    return 4;
                }
            }
            0
        });
        assert_eq!(code, 0);
    }

    /// In a child of the probe: exit at once; in the probe: wait for it and
    /// say how the child ended (0: exited with 0).
    fn reap(pid: libc::pid_t) -> i32 {
        if pid == 0 {
            // SAFETY: leaving the new child at once.
            unsafe { libc::_exit(0) }
        }
        if pid < 0 {
            return Errno::last_raw();
        }
        let mut status = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 { 0 } else { 150 }
    }

    extern "C" fn exit_at_once(_: *mut libc::c_void) -> libc::c_int {
        // SAFETY: leaving the new child at once.
        unsafe { libc::_exit(0) }
    }

    #[test]
    fn fork_vfork_and_plain_clone_still_work() {
        // SAFETY: the child _exits at once.
        assert_eq!(under_filter(|| reap(unsafe { libc::fork() })), 0);
        // The shell's own way to start a program (spawn::vfork_exec).
        let mut stack = vec![0u8; 64 * 1024];
        let top = (stack.as_mut_ptr() as usize + stack.len()) & !15;
        let vfork = || {
            let flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD;
            // SAFETY: the child runs on its own stack and _exits at once.
            let pid = unsafe { libc::clone(exit_at_once, top as *mut libc::c_void, flags, std::ptr::null_mut()) };
            if pid < 0 { Errno::last_raw() } else { reap(pid) }
        };
        assert_eq!(under_filter(vfork), 0);
        let plain = || {
            // SAFETY: clone without CLONE_VM, as fork.
            let r = unsafe { libc::syscall(libc::SYS_clone, libc::SIGCHLD as libc::c_ulong, 0, 0, 0, 0) };
            if r < 0 { errno_of(r) } else { reap(r as libc::pid_t) }
        };
        assert_eq!(under_filter(plain), 0);
    }

    /// glibc's posix_spawn tries clone3 first and falls back to clone on
    /// ENOSYS (Rust's Command and threads take the same way).
    #[test]
    fn posix_spawn_falls_back_from_clone3() {
        let path = c"/bin/true";
        let argv = [path.as_ptr().cast_mut(), std::ptr::null_mut()];
        let envp = [std::ptr::null_mut()];
        let code = under_filter(|| {
            let mut pid = 0;
            // SAFETY: NUL-terminated argv and envp made before the fork.
            let r = unsafe {
                libc::posix_spawn(
                    &mut pid,
                    path.as_ptr(),
                    std::ptr::null(),
                    std::ptr::null(),
                    argv.as_ptr(),
                    envp.as_ptr(),
                )
            };
            if r != 0 {
                return r;
            }
            let mut status = 0;
            // SAFETY: waiting for our own child.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 { 0 } else { 150 }
        });
        assert_eq!(code, 0);
    }

    #[test]
    fn namespaces_cannot_be_made() {
        // SAFETY: unshare with flags; on success the probe is in a new
        // namespace, which only the probe sees.
        assert_eq!(under_filter(|| errno_of(unsafe { libc::unshare(libc::CLONE_NEWUSER) } as _)), EPERM);
        assert_eq!(under_filter(|| errno_of(unsafe { libc::unshare(libc::CLONE_NEWNS) } as _)), EPERM);
        assert_eq!(under_filter(|| errno_of(unsafe { libc::unshare(libc::CLONE_NEWTIME) } as _)), EPERM);
        // Flags that make no namespace are allowed.
        assert_eq!(under_filter(|| errno_of(unsafe { libc::unshare(libc::CLONE_FILES | libc::CLONE_FS) } as _)), 0);
        for flag in [libc::CLONE_NEWUSER, libc::CLONE_NEWPID, libc::CLONE_NEWNET] {
            let code = under_filter(|| {
                let flags = (flag | libc::SIGCHLD) as libc::c_ulong;
                // SAFETY: a fork-like clone; a child, if any, _exits at once.
                let r = unsafe { libc::syscall(libc::SYS_clone, flags, 0, 0, 0, 0) };
                if r < 0 { errno_of(r) } else { 100 + reap(r as libc::pid_t) }
            });
            assert_eq!(code, EPERM, "clone with {flag:#x}");
        }
    }

    #[test]
    fn clone3_says_enosys() {
        let code = under_filter(|| {
            // SAFETY: clone3 with no arguments structure: EFAULT or EINVAL
            // if it ever got to the kernel.
            errno_of(unsafe { libc::syscall(libc::SYS_clone3, std::ptr::null::<u8>(), 0) })
        });
        assert_eq!(code, libc::ENOSYS);
    }

    #[test]
    fn keyrings_mounts_bpf_perf_io_uring_userfaultfd_are_denied() {
        type Probe = fn() -> libc::c_long;
        // SAFETY (all): system calls with null or invalid pointers, which
        // fail before they read anything, and integer arguments.
        let probes: [(&str, Probe); 8] = [
            ("keyctl", || unsafe { libc::syscall(libc::SYS_keyctl, 0, -3i32, 0) }),
            ("add_key", || unsafe { libc::syscall(libc::SYS_add_key, 0, 0, 0, 0, -3i32) }),
            ("mount", || unsafe {
                libc::syscall(libc::SYS_mount, c"none".as_ptr(), c"/".as_ptr(), c"tmpfs".as_ptr(), 0, 0)
            }),
            ("bpf", || unsafe { libc::syscall(libc::SYS_bpf, 0, 0, 0) }),
            ("perf_event_open", || unsafe { libc::syscall(libc::SYS_perf_event_open, 0, 0, -1, -1, 0) }),
            ("io_uring_setup", || unsafe { libc::syscall(libc::SYS_io_uring_setup, 1, 0) }),
            ("userfaultfd", || unsafe { libc::syscall(libc::SYS_userfaultfd, 0) }),
            ("setns", || unsafe { libc::syscall(libc::SYS_setns, -1, 0) }),
        ];
        for (name, probe) in probes {
            assert_eq!(under_filter(|| errno_of(probe())), EPERM, "{name}");
        }
    }

    #[test]
    fn tiocsti_and_tioclinux_are_denied_other_ioctls_are_not() {
        let pty = nix::pty::openpty(None, None).unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&pty.slave);
        let c = b'x';
        // SAFETY (all): ioctls on our own pty with valid pointers.
        let sti = || errno_of(unsafe { libc::ioctl(fd, libc::TIOCSTI, &c) } as _);
        assert_eq!(under_filter(sti), EPERM);
        // The request is an unsigned int to the kernel: bits above 32 do
        // not get round the rule.
        let high =
            || errno_of(unsafe { libc::syscall(libc::SYS_ioctl, fd, (1u64 << 32) | profile::DENIED_IOCTLS[0], &c) });
        assert_eq!(under_filter(high), EPERM);
        let linux = || errno_of(unsafe { libc::ioctl(fd, profile::DENIED_IOCTLS[1] as _, &c) } as _);
        assert_eq!(under_filter(linux), EPERM);
        let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
        let tcgets = || errno_of(unsafe { libc::ioctl(fd, libc::TCGETS, termios.as_mut_ptr()) } as _);
        assert_eq!(under_filter(tcgets), 0);
    }

    #[test]
    fn personality_and_socket_follow_docker() {
        // SAFETY (all): integer arguments; a socket made is closed at exit.
        assert_eq!(under_filter(|| errno_of(unsafe { libc::personality(0xffff_ffff) } as _)), 0);
        assert_eq!(under_filter(|| errno_of(unsafe { libc::personality(0x0040_0000) } as _)), EPERM);
        assert_eq!(
            under_filter(|| errno_of(unsafe { libc::socket(libc::AF_VSOCK, libc::SOCK_STREAM, 0) } as _)),
            EPERM
        );
        assert_eq!(under_filter(|| errno_of(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) } as _)), 0);
    }

    /// The number libseccomp gave `name` on this architecture.
    fn nr(name: &str) -> u32 {
        let found = numbers::NUMBERS.iter().find(|(n, _)| *n == name);
        found.map(|&(_, nr)| nr as u32).unwrap_or_else(|| panic!("no number for {name}"))
    }

    fn allowed_numbers() -> Vec<u32> {
        allowed_unconditionally().map(nr).collect()
    }

    #[test]
    fn denied_calls_are_not_in_the_allowlist_and_the_lists_are_sound() {
        let allowed: Vec<&str> = allowed_unconditionally().collect();
        for name in profile::DENIED {
            assert!(!allowed.contains(name), "{name} is both allowed and denied");
        }
        let mut unique = allowed.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), allowed.len(), "a call is listed twice");
        for name in RULED.iter().chain(&["clone3"]) {
            assert!(!allowed.contains(name), "{name} has its own rule");
        }
        let flags = libc::CLONE_NEWNS
            | libc::CLONE_NEWCGROUP
            | libc::CLONE_NEWUTS
            | libc::CLONE_NEWIPC
            | libc::CLONE_NEWUSER
            | libc::CLONE_NEWPID
            | libc::CLONE_NEWNET
            | libc::CLONE_NEWTIME;
        assert_eq!(profile::NAMESPACE_FLAGS, flags as u64);
        assert_eq!(profile::DENIED_IOCTLS, [libc::TIOCSTI, libc::TIOCLINUX]);
        assert_eq!(profile::DENIED_SOCKET_DOMAIN, libc::AF_VSOCK as u64);
        let filter = program().unwrap();
        assert!(filter.allowlist.len() < 4096 && filter.exceptions.len() < 64, "{filter:?}");
    }

    /// The numbers libseccomp gave the names (and the ones written out for
    /// calls newer than it) agree with the kernel's headers, where the
    /// machine has them.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn numbers_match_the_kernel_headers() {
        let Ok(header) = std::fs::read_to_string("/usr/include/x86_64-linux-gnu/asm/unistd_64.h") else {
            eprintln!("SKIP: no asm/unistd_64.h");
            return;
        };
        let mut checked = 0;
        for (name, nr) in numbers::NUMBERS {
            let define = format!("#define __NR_{name} ");
            if let Some(line) = header.lines().find(|l| l.starts_with(&define)) {
                assert_eq!(line[define.len()..].trim().parse::<i32>().ok(), Some(*nr), "{name}");
                checked += 1;
            }
        }
        assert!(checked > 300, "only {checked} names found in the header");
        assert_eq!(nr("openat"), libc::SYS_openat as u32);
        assert_eq!(nr("clone3"), libc::SYS_clone3 as u32);
    }

    /// Runs `prog` as the kernel would for a call (classic BPF, the
    /// instructions a seccomp filter may use) and gives the action.
    fn run(prog: &[libc::sock_filter], arch: u32, nr: u32, args: [u64; 6]) -> u32 {
        let word = |offset: u32| -> u32 {
            match offset {
                0 => nr,
                4 => arch,
                16..=63 if offset.is_multiple_of(4) => {
                    let arg = args[(offset as usize - 16) / 8];
                    if offset.is_multiple_of(8) { arg as u32 } else { (arg >> 32) as u32 }
                }
                _ => panic!("load at {offset}"),
            }
        };
        let (mut pc, mut a) = (0usize, 0u32);
        loop {
            let ins = &prog[pc];
            pc += 1;
            let jump = |taken: bool| usize::from(if taken { ins.jt } else { ins.jf });
            match ins.code {
                0x20 => a = word(ins.k),
                0x54 => a &= ins.k,
                0x05 => pc += ins.k as usize,
                0x15 => pc += jump(a == ins.k),
                0x25 => pc += jump(a > ins.k),
                0x35 => pc += jump(a >= ins.k),
                0x45 => pc += jump(a & ins.k != 0),
                0x06 => return ins.k,
                code => panic!("instruction {code:#x} at {}", pc - 1),
            }
        }
    }

    /// Both programs, as the kernel runs a stack of filters: the stricter
    /// action wins (the action bits compared as a signed number: KILL_PROCESS
    /// first, ALLOW last).
    fn run_filter(arch: u32, nr: u32, args: [u64; 6]) -> u32 {
        let filter = program().unwrap();
        let a = run(filter.allowlist.instructions(), arch, nr, args);
        let b = run(filter.exceptions.instructions(), arch, nr, args);
        let strictness = |ret: u32| (ret & libc::SECCOMP_RET_ACTION_FULL) as i32;
        if strictness(b) < strictness(a) { b } else { a }
    }

    #[cfg(target_arch = "x86_64")]
    const NATIVE: u32 = 0xC000_003E;
    #[cfg(target_arch = "aarch64")]
    const NATIVE: u32 = 0xC000_00B7;
    const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;
    const DENY: u32 = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;

    /// Every call number gets what the lists say; calls of another ABI are
    /// killed.
    #[test]
    fn every_call_number_gets_what_the_lists_say() {
        let allowed = allowed_numbers();
        let ruled: Vec<u32> = RULED.iter().map(|n| nr(n)).collect();
        // x32 calls (bit 30 set) are another ABI to libseccomp: killed.
        let x32 = 0x4000_0000;
        for nr_ in [x32 + 1, x32 + 56, x32 + 435] {
            assert_eq!(run_filter(NATIVE, nr_, [0; 6]), libc::SECCOMP_RET_KILL_PROCESS, "call {nr_:#x}");
        }
        // -1 (a call a tracer skipped) is no call at all: the default.
        assert_eq!(run_filter(NATIVE, u32::MAX, [0; 6]), DENY);
        for nr_ in 0..1024 {
            let want = if nr_ == nr("clone3") {
                libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32
            } else if ruled.contains(&nr_) {
                continue;
            } else if allowed.contains(&nr_) {
                ALLOW
            } else {
                DENY
            };
            assert_eq!(run_filter(NATIVE, nr_, [0; 6]), want, "call {nr_}");
            // i386's int 0x80 on x86_64 (0x40000003), or any other ABI.
            assert_eq!(run_filter(0x4000_0003, nr_, [0; 6]), libc::SECCOMP_RET_KILL_PROCESS, "call {nr_}, i386");
        }
    }

    #[test]
    fn calls_with_conditions_look_at_their_arguments() {
        let call = |name: &str, args: [u64; 6]| run_filter(NATIVE, nr(name), args);
        let sigchld = libc::SIGCHLD as u64;
        assert_eq!(call("clone", [sigchld, 0, 0, 0, 0, 0]), ALLOW);
        let vfork = (libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD) as u64;
        assert_eq!(call("clone", [vfork, 0, 0, 0, 0, 0]), ALLOW);
        for bit in 0..32 {
            let flag = 1u64 << bit;
            let want = if flag & profile::NAMESPACE_FLAGS != 0 { DENY } else { ALLOW };
            assert_eq!(call("clone", [flag | sigchld, 0, 0, 0, 0, 0]), want, "clone {flag:#x}");
            assert_eq!(call("unshare", [flag, 0, 0, 0, 0, 0]), want, "unshare {flag:#x}");
        }
        let [tiocsti, tioclinux] = profile::DENIED_IOCTLS;
        for (request, want) in [(tiocsti, DENY), (tioclinux, DENY), (0x5401, ALLOW), ((1 << 32) | tiocsti, DENY)] {
            assert_eq!(call("ioctl", [0, request, 0, 0, 0, 0]), want, "ioctl {request:#x}");
        }
        let vsock = profile::DENIED_SOCKET_DOMAIN;
        assert_eq!(call("socket", [vsock, 1, 0, 0, 0, 0]), DENY);
        assert_eq!(call("socket", [(1 << 32) | vsock, 1, 0, 0, 0, 0]), DENY);
        assert_eq!(call("socket", [libc::AF_INET as u64, 1, 0, 0, 0, 0]), ALLOW);
        for p in profile::PERSONALITIES {
            assert_eq!(call("personality", [p, 0, 0, 0, 0, 0]), ALLOW, "personality {p:#x}");
        }
        assert_eq!(call("personality", [0x0040_0000, 0, 0, 0, 0, 0]), DENY);
    }

    #[test]
    fn summary_names_mode_count_and_rules() {
        let s = summary(SeccompMode::Default);
        assert!(s[0].starts_with("mode: default"), "{s:?}");
        assert!(s[1].starts_with("allowed: "), "{s:?}");
        assert!(s.iter().any(|l| l.starts_with("clone3: ENOSYS")), "{s:?}");
        assert!(s.last().unwrap().contains("keyctl"), "{s:?}");
        assert_eq!(summary(SeccompMode::Unconfined).len(), 1);
    }
}
