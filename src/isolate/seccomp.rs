//! The block's seccomp filter: the equivalent of docker's default profile
//! (moby `profiles/seccomp/default.json`) for the capabilities a block keeps
//! (`security.rs`). `seccompiler` (pure Rust: isosh links glibc statically,
//! and there is no libseccomp to link) compiles the rules that look at
//! arguments and loads the filter; the plain allowlist is written out in
//! front of them, one instruction per call (see [`build`]).
//!
//! An allowlist: a system call not named here fails with `EPERM`, as in
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
//! Calls of other ABIs (i386 `int 0x80` on x86_64) kill the process: the
//! filter only knows the native numbering. x32 numbers are never in the
//! allowlist, so they get `EPERM`.
//!
//! The program is built once per shell process ([`program`]), in the
//! supervisor before it clones init, so that every block's init (a copy of
//! the shell's memory) finds it built and only [`load`]s it.

use super::spec::SeccompMode;
use super::steps::{SetupStep, StepFailure};
use nix::errno::Errno;
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    TargetArch, sock_filter,
};
use std::sync::OnceLock;

/// `(name, number)` pairs from the libc crate's `SYS_*` constants.
macro_rules! syscalls {
    ($($sys:ident),* $(,)?) => {
        &[$((name_of(stringify!($sys)), libc::$sys as i64)),*]
    };
}

const fn name_of(sys: &'static str) -> &'static str {
    match sys.as_bytes() {
        [b'S', b'Y', b'S', b'_', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(s) => s,
            Err(_) => sys,
        },
        _ => sys,
    }
}

/// Allowed with any arguments, on every architecture isosh builds a filter
/// for. docker's list, less two it allows and isosh does not:
/// `io_uring_*` (dropped from docker's list in 2023 too) and
/// `name_to_handle_at`.
const ALLOWED: &[(&str, i64)] = syscalls!(
    SYS_accept,
    SYS_accept4,
    SYS_adjtimex,
    SYS_bind,
    SYS_brk,
    SYS_capget,
    SYS_capset,
    SYS_chdir,
    SYS_clock_adjtime,
    SYS_clock_getres,
    SYS_clock_gettime,
    SYS_clock_nanosleep,
    SYS_close,
    SYS_close_range,
    SYS_connect,
    SYS_copy_file_range,
    SYS_dup,
    SYS_dup3,
    SYS_epoll_create1,
    SYS_epoll_ctl,
    SYS_epoll_pwait,
    SYS_epoll_pwait2,
    SYS_eventfd2,
    SYS_execve,
    SYS_execveat,
    SYS_exit,
    SYS_exit_group,
    SYS_faccessat,
    SYS_faccessat2,
    SYS_fadvise64,
    SYS_fallocate,
    SYS_fanotify_mark,
    SYS_fchdir,
    SYS_fchmod,
    SYS_fchmodat,
    SYS_fchown,
    SYS_fchownat,
    SYS_fcntl,
    SYS_fdatasync,
    SYS_fgetxattr,
    SYS_flistxattr,
    SYS_flock,
    SYS_fremovexattr,
    SYS_fsetxattr,
    SYS_fstat,
    SYS_fstatfs,
    SYS_fsync,
    SYS_ftruncate,
    SYS_futex,
    SYS_futex_waitv,
    SYS_get_robust_list,
    SYS_getcpu,
    SYS_getcwd,
    SYS_getdents64,
    SYS_getegid,
    SYS_geteuid,
    SYS_getgid,
    SYS_getgroups,
    SYS_getitimer,
    SYS_getpeername,
    SYS_getpgid,
    SYS_getpid,
    SYS_getppid,
    SYS_getpriority,
    SYS_getrandom,
    SYS_getresgid,
    SYS_getresuid,
    SYS_getrusage,
    SYS_getsid,
    SYS_getsockname,
    SYS_getsockopt,
    SYS_gettid,
    SYS_gettimeofday,
    SYS_getuid,
    SYS_getxattr,
    SYS_inotify_add_watch,
    SYS_inotify_init1,
    SYS_inotify_rm_watch,
    SYS_io_cancel,
    SYS_io_destroy,
    SYS_io_getevents,
    SYS_io_setup,
    SYS_io_submit,
    SYS_ioprio_get,
    SYS_ioprio_set,
    SYS_kill,
    SYS_landlock_add_rule,
    SYS_landlock_create_ruleset,
    SYS_landlock_restrict_self,
    SYS_lgetxattr,
    SYS_linkat,
    SYS_listen,
    SYS_listxattr,
    SYS_llistxattr,
    SYS_lremovexattr,
    SYS_lseek,
    SYS_lsetxattr,
    SYS_madvise,
    SYS_membarrier,
    SYS_memfd_create,
    SYS_memfd_secret,
    SYS_mincore,
    SYS_mkdirat,
    SYS_mknodat,
    SYS_mlock,
    SYS_mlock2,
    SYS_mlockall,
    SYS_mmap,
    SYS_mprotect,
    SYS_mq_getsetattr,
    SYS_mq_notify,
    SYS_mq_open,
    SYS_mq_timedreceive,
    SYS_mq_timedsend,
    SYS_mq_unlink,
    SYS_mremap,
    SYS_msgctl,
    SYS_msgget,
    SYS_msgrcv,
    SYS_msgsnd,
    SYS_msync,
    SYS_munlock,
    SYS_munlockall,
    SYS_munmap,
    SYS_nanosleep,
    SYS_newfstatat,
    SYS_openat,
    SYS_openat2,
    SYS_pidfd_open,
    SYS_pidfd_send_signal,
    SYS_pipe2,
    SYS_pkey_alloc,
    SYS_pkey_free,
    SYS_pkey_mprotect,
    SYS_ppoll,
    SYS_prctl,
    SYS_pread64,
    SYS_preadv,
    SYS_preadv2,
    SYS_prlimit64,
    SYS_process_mrelease,
    SYS_pselect6,
    SYS_pwrite64,
    SYS_pwritev,
    SYS_pwritev2,
    SYS_read,
    SYS_readahead,
    SYS_readlinkat,
    SYS_readv,
    SYS_recvfrom,
    SYS_recvmmsg,
    SYS_recvmsg,
    SYS_remap_file_pages,
    SYS_removexattr,
    SYS_renameat2,
    SYS_restart_syscall,
    SYS_rseq,
    SYS_rt_sigaction,
    SYS_rt_sigpending,
    SYS_rt_sigprocmask,
    SYS_rt_sigqueueinfo,
    SYS_rt_sigreturn,
    SYS_rt_sigsuspend,
    SYS_rt_sigtimedwait,
    SYS_rt_tgsigqueueinfo,
    SYS_sched_get_priority_max,
    SYS_sched_get_priority_min,
    SYS_sched_getaffinity,
    SYS_sched_getattr,
    SYS_sched_getparam,
    SYS_sched_getscheduler,
    SYS_sched_rr_get_interval,
    SYS_sched_setaffinity,
    SYS_sched_setattr,
    SYS_sched_setparam,
    SYS_sched_setscheduler,
    SYS_sched_yield,
    SYS_seccomp,
    SYS_semctl,
    SYS_semget,
    SYS_semop,
    SYS_semtimedop,
    SYS_sendfile,
    SYS_sendmmsg,
    SYS_sendmsg,
    SYS_sendto,
    SYS_set_robust_list,
    SYS_set_tid_address,
    SYS_setfsgid,
    SYS_setfsuid,
    SYS_setgid,
    SYS_setgroups,
    SYS_setitimer,
    SYS_setpgid,
    SYS_setpriority,
    SYS_setregid,
    SYS_setresgid,
    SYS_setresuid,
    SYS_setreuid,
    SYS_setsid,
    SYS_setsockopt,
    SYS_setuid,
    SYS_setxattr,
    SYS_shmat,
    SYS_shmctl,
    SYS_shmdt,
    SYS_shmget,
    SYS_shutdown,
    SYS_sigaltstack,
    SYS_signalfd4,
    SYS_socketpair,
    SYS_splice,
    SYS_statfs,
    SYS_statx,
    SYS_symlinkat,
    SYS_sync,
    SYS_syncfs,
    SYS_sysinfo,
    SYS_tee,
    SYS_tgkill,
    SYS_timer_create,
    SYS_timer_delete,
    SYS_timer_getoverrun,
    SYS_timer_gettime,
    SYS_timer_settime,
    SYS_timerfd_create,
    SYS_timerfd_gettime,
    SYS_timerfd_settime,
    SYS_times,
    SYS_tkill,
    SYS_truncate,
    SYS_umask,
    SYS_uname,
    SYS_unlinkat,
    SYS_utimensat,
    SYS_vmsplice,
    SYS_wait4,
    SYS_waitid,
    SYS_write,
    SYS_writev,
    // CAP_SYS_CHROOT is one of the capabilities a block keeps, and docker
    // allows chroot with it.
    SYS_chroot,
);

/// Newer calls docker allows (Linux 6.5–6.7) that the libc crate has no
/// constant for yet. Numbers from 424 on are the same on every
/// architecture.
const ALLOWED_NEWER: &[(&str, i64)] = &[
    ("cachestat", 451),
    ("fchmodat2", 452),
    ("map_shadow_stack", 453),
    ("futex_wake", 454),
    ("futex_wait", 455),
    ("futex_requeue", 456),
];

/// docker allows these from Linux 4.8 on, where seccomp runs again after
/// a tracer changed a call (before, ptrace could get round the filter).
const ALLOWED_SINCE_4_8: &[(&str, i64)] = syscalls!(SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev);

#[cfg(target_arch = "x86_64")]
const ALLOWED_ARCH: &[(&str, i64)] = syscalls!(
    SYS_access,
    SYS_alarm,
    SYS_arch_prctl,
    SYS_chmod,
    SYS_chown,
    SYS_creat,
    SYS_dup2,
    SYS_epoll_create,
    SYS_epoll_ctl_old,
    SYS_epoll_wait,
    SYS_epoll_wait_old,
    SYS_eventfd,
    SYS_fork,
    SYS_futimesat,
    SYS_get_thread_area,
    SYS_getdents,
    SYS_getpgrp,
    SYS_getrlimit,
    SYS_inotify_init,
    SYS_lchown,
    SYS_link,
    SYS_lstat,
    SYS_mkdir,
    SYS_mknod,
    SYS_modify_ldt,
    SYS_open,
    SYS_pause,
    SYS_pipe,
    SYS_poll,
    SYS_readlink,
    SYS_rename,
    SYS_renameat,
    SYS_rmdir,
    SYS_select,
    SYS_set_thread_area,
    SYS_setrlimit,
    SYS_signalfd,
    SYS_stat,
    SYS_symlink,
    SYS_sync_file_range,
    SYS_time,
    SYS_unlink,
    SYS_utime,
    SYS_utimes,
    SYS_vfork,
);

/// x86_64 calls the libc crate has no constant for.
#[cfg(target_arch = "x86_64")]
const ALLOWED_ARCH_NUMBERED: &[(&str, i64)] = &[("io_pgetevents", 333)];

#[cfg(target_arch = "aarch64")]
const ALLOWED_ARCH: &[(&str, i64)] = &[];

/// aarch64 calls the libc crate has no constant for (asm-generic numbers).
#[cfg(target_arch = "aarch64")]
const ALLOWED_ARCH_NUMBERED: &[(&str, i64)] =
    &[("renameat", 38), ("sync_file_range", 84), ("getrlimit", 163), ("setrlimit", 164), ("io_pgetevents", 292)];

#[cfg(target_arch = "x86_64")]
const ARCH: Option<(TargetArch, u32)> = Some((TargetArch::x86_64, 0xC000_003E));
#[cfg(target_arch = "aarch64")]
const ARCH: Option<(TargetArch, u32)> = Some((TargetArch::aarch64, 0xC000_00B7));
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const ARCH: Option<(TargetArch, u32)> = None;

/// Denied outright (not in the allowlist), by name: what a hostile body
/// would reach for first. Listed for `summary` and checked by the tests;
/// everything else outside the allowlist is denied just the same.
const DENIED: &[(&str, i64)] = syscalls!(
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_setns,
    SYS_bpf,
    SYS_perf_event_open,
    SYS_userfaultfd,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_io_uring_setup,
    SYS_io_uring_enter,
    SYS_io_uring_register,
    SYS_acct,
    SYS_swapon,
    SYS_swapoff,
    SYS_reboot,
    SYS_settimeofday,
    SYS_clock_settime,
    SYS_lookup_dcookie,
    SYS_quotactl,
    SYS_quotactl_fd,
    SYS_vhangup,
    SYS_fsopen,
    SYS_fsconfig,
    SYS_fsmount,
    SYS_fspick,
    SYS_move_mount,
    SYS_open_tree,
    SYS_mount_setattr,
    SYS_syslog,
    SYS_sethostname,
    SYS_setdomainname,
    SYS_fanotify_init,
    SYS_kcmp,
    SYS_pidfd_getfd,
    SYS_process_madvise,
    SYS_mbind,
    SYS_set_mempolicy,
    SYS_get_mempolicy,
    SYS_move_pages,
    SYS_migrate_pages,
);

#[cfg(target_arch = "x86_64")]
const DENIED_ARCH: &[(&str, i64)] = syscalls!(SYS_iopl, SYS_ioperm, SYS_uselib, SYS_ustat, SYS_sysfs, SYS__sysctl);
#[cfg(not(target_arch = "x86_64"))]
const DENIED_ARCH: &[(&str, i64)] = &[];

/// Every namespace flag: `CLONE_NEWNS`, `NEWCGROUP`, `NEWUTS`, `NEWIPC`,
/// `NEWUSER`, `NEWPID`, `NEWNET` (docker's mask) and `NEWTIME` (0x80, which
/// for `clone` would be an exit signal above 64 and is refused anyway).
const NAMESPACE_FLAGS: u64 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWCGROUP
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET
    | libc::CLONE_NEWTIME) as u64;

/// `ioctl` requests that write into a terminal's input queue (TIOCSTI) or
/// reach the Linux console's own functions (TIOCLINUX).
const TIOCSTI: u64 = 0x5412;
const TIOCLINUX: u64 = 0x541C;

/// The `personality` values docker allows: PER_LINUX, PER_LINUX32,
/// UNAME26, PER_LINUX32|UNAME26, and 0xffffffff (which only asks).
const PERSONALITIES: [u64; 5] = [0x0, 0x8, 0x20000, 0x20008, 0xffff_ffff];

const AF_VSOCK: u64 = 40;

/// The calls with rules of their own ([`conditional`]).
const RULED: [i64; 5] = [libc::SYS_clone, libc::SYS_unshare, libc::SYS_ioctl, libc::SYS_socket, libc::SYS_personality];

/// The filter could not be built (a bug, or an architecture it does not
/// know): the block does not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("step 'seccomp' failed: cannot build the filter: {0}")]
pub struct BuildError(String);

fn cond(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, BuildError> {
    // Every argument compared here is an int or an unsigned int to the
    // kernel (clone's and unshare's flags are read as their low 32 bits),
    // so comparing the low 32 bits is both enough and exact.
    SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).map_err(|e| BuildError(e.to_string()))
}

fn rule(conditions: Vec<SeccompCondition>) -> Result<SeccompRule, BuildError> {
    SeccompRule::new(conditions).map_err(|e| BuildError(e.to_string()))
}

/// Whether the running kernel is at least `major.minor`.
fn kernel_at_least(major: u32, minor: u32) -> bool {
    let Ok(uts) = nix::sys::utsname::uname() else { return false };
    let release = uts.release().to_string_lossy();
    let mut parts = release.split(|c: char| !c.is_ascii_digit()).filter_map(|p| p.parse::<u32>().ok());
    let (Some(ma), Some(mi)) = (parts.next(), parts.next()) else { return false };
    (ma, mi) >= (major, minor)
}

/// Every call allowed whatever its arguments.
fn allowed_unconditionally() -> impl Iterator<Item = &'static (&'static str, i64)> {
    let ptrace = if kernel_at_least(4, 8) { ALLOWED_SINCE_4_8 } else { &[] };
    ALLOWED.iter().chain(ALLOWED_NEWER).chain(ALLOWED_ARCH).chain(ALLOWED_ARCH_NUMBERED).chain(ptrace)
}

/// The calls allowed only with some arguments ([`RULED`]), each with its
/// rules: any one that matches allows the call.
fn conditional() -> Result<Vec<(i64, Vec<SeccompRule>)>, BuildError> {
    use SeccompCmpOp::{Eq, MaskedEq, Ne};
    let no_namespace = || rule(vec![cond(0, MaskedEq(NAMESPACE_FLAGS), 0)?]);
    let personality = PERSONALITIES.iter().map(|&p| rule(vec![cond(0, Eq, p)?])).collect::<Result<Vec<_>, _>>()?;
    Ok(vec![
        (libc::SYS_clone, vec![no_namespace()?]),
        (libc::SYS_unshare, vec![no_namespace()?]),
        (libc::SYS_ioctl, vec![rule(vec![cond(1, Ne, TIOCSTI)?, cond(1, Ne, TIOCLINUX)?])?]),
        (libc::SYS_socket, vec![rule(vec![cond(0, Ne, AF_VSOCK)?])?]),
        (libc::SYS_personality, personality),
    ])
}

// Classic BPF, for the instructions written here rather than by
// seccompiler (see [`build`]).
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JA: u16 = 0x05;
const BPF_JMP_JEQ_K: u16 = 0x15;
const BPF_JMP_JGE_K: u16 = 0x35;
const BPF_RET_K: u16 = 0x06;
/// Offsets in `struct seccomp_data`.
const DATA_NR: u32 = 0;
const DATA_ARCH: u32 = 4;
const RET_ALLOW: u32 = libc::SECCOMP_RET_ALLOW;
const RET_EPERM: u32 = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;

fn stmt(code: u16, k: u32) -> sock_filter {
    sock_filter { code, jt: 0, jf: 0, k }
}

fn jeq(k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter { code: BPF_JMP_JEQ_K, jt, jf, k }
}

/// The jump at index `from` to index `to` (forward; 32 bits of offset,
/// where a conditional jump has 8).
fn ja(from: usize, to: usize) -> sock_filter {
    stmt(BPF_JMP_JA, (to - from - 1) as u32)
}

/// Calls per part of the allowlist (see [`build`]).
const PART: usize = 16;

/// Allows the calls `nrs` (at most 255), EPERM for any other.
fn part(nrs: &[i64]) -> BpfProgram {
    let m = nrs.len();
    // Each test jumps, when it matches, to the RET_ALLOW at index m + 1.
    let mut code: BpfProgram = nrs.iter().enumerate().map(|(i, &nr)| jeq(nr as u32, (m - i) as u8, 0)).collect();
    code.push(stmt(BPF_RET_K, RET_EPERM));
    code.push(stmt(BPF_RET_K, RET_ALLOW));
    code
}

/// The whole program:
/// 1. the architecture check (another ABI: the process is killed), then
///    `clone3` → ENOSYS — a third action, where a seccompiler filter has
///    one for a match and one for the rest;
/// 2. the calls with conditions on their arguments jump to their rules,
///    compiled by seccompiler (which checks the architecture again);
/// 3. every other call jumps to the part of the allowlist whose number
///    range holds it: PART calls, tested one after another.
///
/// The allowlist is written out here, not compiled by seccompiler, for the
/// time a block takes to load the filter. seccompiler spends five
/// instructions on each call and tests them all one after another; the
/// kernel runs a filter for every call number when it loads it (to fill
/// its cache of always-allowed calls), and converts and JIT-compiles it:
/// ~300 calls in one seccompiler program cost 0.8 ms per load, in parts
/// behind a jump table still 0.45 ms (1677 instructions). Written out
/// with one instruction per call, the program has about 450 and loads in
/// about 0.25 ms. The tests run it for every call number.
fn build() -> Result<BpfProgram, BuildError> {
    let Some((arch, audit_arch)) = ARCH else {
        return Err(BuildError(format!("no profile for {} (use --seccomp=unconfined)", std::env::consts::ARCH)));
    };
    let mut plain: Vec<i64> = allowed_unconditionally().map(|&(_, nr)| nr).filter(|nr| !RULED.contains(nr)).collect();
    plain.sort_unstable();
    plain.dedup();
    let parts: Vec<(u32, BpfProgram)> = plain.chunks(PART).map(|c| (c[0] as u32, part(c))).collect();
    let ruled = SeccompFilter::new(
        conditional()?.into_iter().collect(),
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
        arch,
    )
    .map_err(|e| BuildError(e.to_string()))?;
    let ruled: BpfProgram = ruled.try_into().map_err(|e: seccompiler::BackendError| BuildError(e.to_string()))?;

    let mut code = vec![
        stmt(BPF_LD_W_ABS, DATA_ARCH),
        jeq(audit_arch, 1, 0),
        stmt(BPF_RET_K, libc::SECCOMP_RET_KILL_PROCESS),
        stmt(BPF_LD_W_ABS, DATA_NR),
        jeq(libc::SYS_clone3 as u32, 0, 1),
        stmt(BPF_RET_K, libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
    ];
    // Where the parts and seccompiler's program will start.
    let head = code.len() + 2 * RULED.len() + 2 * parts.len() - 1;
    let mut starts = Vec::with_capacity(parts.len());
    let mut at = head;
    for (_, p) in &parts {
        starts.push(at);
        at += p.len();
    }
    let ruled_start = at;
    for &nr in &RULED {
        code.push(jeq(nr as u32, 0, 1));
        code.push(ja(code.len(), ruled_start));
    }
    // Part i takes the numbers from its first up to the next part's first
    // (the first part also those below, the last part those above).
    for i in 1..parts.len() {
        // At or above part i's first number: on to the next test.
        code.push(sock_filter { code: BPF_JMP_JGE_K, jt: 1, jf: 0, k: parts[i].0 });
        code.push(ja(code.len(), starts[i - 1]));
    }
    code.push(ja(code.len(), starts[parts.len() - 1]));
    debug_assert_eq!(code.len(), head);
    for (_, p) in &parts {
        code.extend_from_slice(p);
    }
    code.extend(ruled);
    // The kernel's limit (BPF_MAXINSNS).
    if code.len() > 4096 {
        return Err(BuildError(format!("{} instructions, more than the kernel takes", code.len())));
    }
    Ok(code)
}

static PROGRAM: OnceLock<Result<BpfProgram, BuildError>> = OnceLock::new();

/// The filter's program, built on the first call. Call it in the
/// supervisor, before cloning init: init then finds it in its copy of the
/// shell's memory.
pub fn program() -> Result<&'static BpfProgram, BuildError> {
    PROGRAM.get_or_init(build).as_ref().map_err(Clone::clone)
}

/// Loads the filter into the calling thread; its children inherit it.
/// `seccompiler::apply_filter` sets PR_SET_NO_NEW_PRIVS itself (a repeat
/// here: `security::harden` did it already) and makes the `seccomp` call;
/// it allocates nothing.
pub fn load(prog: &BpfProgram) -> Result<(), StepFailure> {
    seccompiler::apply_filter(prog).map_err(|e| {
        let errno = match &e {
            seccompiler::Error::Prctl(io) | seccompiler::Error::Seccomp(io) => {
                io.raw_os_error().map_or(Errno::EINVAL, Errno::from_raw)
            }
            _ => Errno::EINVAL,
        };
        StepFailure::new(SetupStep::Seccomp, errno, "seccomp(SECCOMP_SET_MODE_FILTER)")
    })
}

/// What the filter does, a line each, for explain and the doctor.
pub fn summary(mode: SeccompMode) -> Vec<String> {
    if mode == SeccompMode::Unconfined {
        return vec!["mode: unconfined (--seccomp=unconfined): no filter".into()];
    }
    let mut allowed: Vec<i64> = allowed_unconditionally().map(|&(_, nr)| nr).collect();
    let conditions = [
        "clone: EPERM with any namespace flag (CLONE_NEWUSER, NEWNS, NEWPID, NEWNET, NEWUTS, NEWIPC, NEWCGROUP, NEWTIME)",
        "clone3: ENOSYS, so libc falls back to clone",
        "unshare: EPERM with any namespace flag (CLONE_FILES, CLONE_FS and the like are allowed)",
        "ioctl: EPERM for TIOCSTI and TIOCLINUX",
        "socket: EPERM for AF_VSOCK",
        "personality: only 0, PER_LINUX32, UNAME26, both, and 0xffffffff (a query)",
    ];
    allowed.extend(RULED);
    allowed.sort_unstable();
    allowed.dedup();
    let mut lines = vec![
        "mode: default (docker's default profile); any call not allowed fails with EPERM".to_string(),
        format!("allowed: {} system calls, {} of them with conditions on their arguments", allowed.len(), RULED.len()),
    ];
    lines.extend(conditions.iter().map(|c| c.to_string()));
    let denied: Vec<&str> = DENIED.iter().chain(DENIED_ARCH).map(|&(name, _)| name).collect();
    lines.push(format!("denied (EPERM), among others: {}", denied.join(" ")));
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
        allowed: allowed_unconditionally().map(|&(name, _)| name).collect(),
        namespace_flags: NAMESPACE_FLAGS,
        denied_ioctls: [TIOCSTI, TIOCLINUX],
        denied_socket_domain: AF_VSOCK,
        personalities: PERSONALITIES,
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
        let prog = program().expect("the filter builds");
        // SAFETY: the child only makes system calls and _exits; it does
        // not allocate (the test harness has other threads).
        match unsafe { fork() }.unwrap() {
            ForkResult::Child => {
                let code = match load(prog) {
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
        let high = || errno_of(unsafe { libc::syscall(libc::SYS_ioctl, fd, (1u64 << 32) | TIOCSTI, &c) });
        assert_eq!(under_filter(high), EPERM);
        let linux = || errno_of(unsafe { libc::ioctl(fd, TIOCLINUX as _, &c) } as _);
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

    #[test]
    fn denied_calls_are_not_in_the_allowlist_and_the_lists_are_sound() {
        let allowed: Vec<i64> = allowed_unconditionally().map(|&(_, nr)| nr).collect();
        for (name, nr) in DENIED.iter().chain(DENIED_ARCH) {
            assert!(!allowed.contains(nr), "{name} is both allowed and denied");
        }
        let mut unique = allowed.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), allowed.len(), "a call is listed twice");
        for sys in RULED.iter().chain(&[libc::SYS_clone3]) {
            assert!(!allowed.contains(sys), "{sys} has its own rule");
        }
        let ruled: Vec<i64> = conditional().unwrap().iter().map(|(nr, _)| *nr).collect();
        assert_eq!(ruled, RULED);
        assert!(program().unwrap().len() < 4096);
    }

    /// The x86_64 numbers this file writes out itself agree with the
    /// kernel's headers, where the machine has them.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn written_out_numbers_match_the_kernel_headers() {
        let Ok(header) = std::fs::read_to_string("/usr/include/x86_64-linux-gnu/asm/unistd_64.h") else {
            eprintln!("SKIP: no asm/unistd_64.h");
            return;
        };
        for (name, nr) in ALLOWED_NEWER.iter().chain(ALLOWED_ARCH_NUMBERED) {
            let define = format!("#define __NR_{name} ");
            if let Some(line) = header.lines().find(|l| l.starts_with(&define)) {
                assert_eq!(line[define.len()..].trim().parse::<i64>().ok(), Some(*nr), "{name}");
            }
        }
    }

    /// Runs `prog` as the kernel would for a call (classic BPF, the
    /// instructions a seccomp filter may use) and gives the action.
    fn run(prog: &[sock_filter], arch: u32, nr: u32, args: [u64; 6]) -> u32 {
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

    const ALLOW: u32 = RET_ALLOW;
    const DENY: u32 = RET_EPERM;

    /// Every call number gets what the lists say, through the jumps in
    /// front of seccompiler's programs; calls of another ABI are killed.
    #[test]
    fn every_call_number_gets_what_the_lists_say() {
        let prog = program().unwrap();
        let (_, native) = ARCH.unwrap();
        let allowed: Vec<i64> = allowed_unconditionally().map(|&(_, nr)| nr).collect();
        let x32 = 0x4000_0000;
        for nr in (0..1024).chain([x32 + 1, x32 + 56, x32 + 435, u32::MAX]) {
            let want = if nr == libc::SYS_clone3 as u32 {
                libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32
            } else if RULED.contains(&i64::from(nr)) {
                continue;
            } else if allowed.contains(&i64::from(nr)) {
                ALLOW
            } else {
                DENY
            };
            assert_eq!(run(prog, native, nr, [0; 6]), want, "call {nr}");
            // i386's int 0x80 on x86_64 (0x40000003), or any other ABI.
            assert_eq!(run(prog, 0x4000_0003, nr, [0; 6]), libc::SECCOMP_RET_KILL_PROCESS, "call {nr}, i386");
        }
    }

    #[test]
    fn calls_with_conditions_look_at_their_arguments() {
        let prog = program().unwrap();
        let (_, native) = ARCH.unwrap();
        let call = |nr: i64, args: [u64; 6]| run(prog, native, nr as u32, args);
        let sigchld = libc::SIGCHLD as u64;
        assert_eq!(call(libc::SYS_clone, [sigchld, 0, 0, 0, 0, 0]), ALLOW);
        let vfork = (libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD) as u64;
        assert_eq!(call(libc::SYS_clone, [vfork, 0, 0, 0, 0, 0]), ALLOW);
        for bit in 0..32 {
            let flag = 1u64 << bit;
            let want = if flag & NAMESPACE_FLAGS != 0 { DENY } else { ALLOW };
            assert_eq!(call(libc::SYS_clone, [flag | sigchld, 0, 0, 0, 0, 0]), want, "clone {flag:#x}");
            assert_eq!(call(libc::SYS_unshare, [flag, 0, 0, 0, 0, 0]), want, "unshare {flag:#x}");
        }
        for (request, want) in [(TIOCSTI, DENY), (TIOCLINUX, DENY), (0x5401, ALLOW), ((1 << 32) | TIOCSTI, DENY)] {
            assert_eq!(call(libc::SYS_ioctl, [0, request, 0, 0, 0, 0]), want, "ioctl {request:#x}");
        }
        assert_eq!(call(libc::SYS_socket, [AF_VSOCK, 1, 0, 0, 0, 0]), DENY);
        assert_eq!(call(libc::SYS_socket, [libc::AF_INET as u64, 1, 0, 0, 0, 0]), ALLOW);
        for p in PERSONALITIES {
            assert_eq!(call(libc::SYS_personality, [p, 0, 0, 0, 0, 0]), ALLOW, "personality {p:#x}");
        }
        assert_eq!(call(libc::SYS_personality, [0x0040_0000, 0, 0, 0, 0, 0]), DENY);
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
