//! Namespaces: which ones a block gets, the user namespace's id maps, the
//! hostname, and the network namespace (with `lo` up).

use super::rootfs::Privilege;
use super::steps::{SetupStep, StepFailure, step};
use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd};

/// The namespaces init is cloned into. The cgroup and network namespaces
/// come later, from init itself: the cgroup namespace once init has joined
/// the block's cgroup, the network namespace while a thread builds the
/// root. Without root a user namespace comes first (the kernel creates it
/// before the others, so they belong to it and init may set them up).
pub fn clone_flags(privilege: Privilege) -> CloneFlags {
    let mut f =
        CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUTS | CloneFlags::CLONE_NEWIPC;
    if privilege == Privilege::Rootless {
        f |= CloneFlags::CLONE_NEWUSER;
    }
    f
}

/// `struct clone_args` (Linux 5.7 has every field used here).
#[repr(C)]
#[derive(Default)]
struct CloneArgs {
    flags: u64,
    pidfd: u64,
    child_tid: u64,
    parent_tid: u64,
    exit_signal: u64,
    stack: u64,
    stack_size: u64,
    tls: u64,
    set_tid: u64,
    set_tid_size: u64,
    cgroup: u64,
}

const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;

/// Clones init as fork() does — a copy of our memory, on a copy of our
/// stack, SIGCHLD at its exit — into new namespaces `flags` and straight
/// into the cgroup v2 directory `cgroup` (`CLONE_INTO_CGROUP`: no move
/// into the cgroup afterwards, so no wait for an RCU grace period; see
/// cgroup/mod.rs). `Ok(None)` in the child. ENOSYS (Linux < 5.3, or a
/// seccomp filter such as a block's own) and E2BIG (< 5.7) mean: use
/// clone and move init instead.
///
/// # Safety
/// As fork(): the caller is single-threaded.
pub unsafe fn clone_into_cgroup(
    flags: CloneFlags,
    cgroup: std::os::fd::BorrowedFd,
) -> nix::Result<Option<nix::unistd::Pid>> {
    use std::os::fd::AsRawFd;
    let args = CloneArgs {
        flags: flags.bits() as u64 | CLONE_INTO_CGROUP,
        exit_signal: libc::SIGCHLD as u64,
        cgroup: cgroup.as_raw_fd() as u64,
        ..Default::default()
    };
    // SAFETY: no CLONE_VM and no stack: the child returns here on its copy
    // of our stack, as from fork().
    let r = unsafe { libc::syscall(libc::SYS_clone3, &args as *const CloneArgs, std::mem::size_of::<CloneArgs>()) };
    match r {
        -1 => Err(Errno::last()),
        0 => Ok(None),
        pid => Ok(Some(nix::unistd::Pid::from_raw(pid as i32))),
    }
}

/// `CLONE_NEWPID|CLONE_NEWNS|…` — the flags' names, as strace writes them.
pub fn flag_names(flags: CloneFlags) -> String {
    flags.iter_names().map(|(n, _)| n).collect::<Vec<_>>().join("|")
}

/// A user namespace in which the caller's uid and gid are 0 (for
/// `isolate --doctor`, which probes in an ordinary child).
pub fn enter_user_namespace(uid: u32, gid: u32) -> Result<(), StepFailure> {
    step(SetupStep::UserNamespace, "unshare(CLONE_NEWUSER)", || unshare(CloneFlags::CLONE_NEWUSER))?;
    write_id_maps(uid, gid)
}

/// Maps `uid`/`gid` (outside) to 0 in the caller's new user namespace.
/// `setgroups` must be denied before an unprivileged process may write
/// `gid_map`.
pub fn write_id_maps(uid: u32, gid: u32) -> Result<(), StepFailure> {
    let s = SetupStep::UserNamespace;
    for (file, text) in [
        ("/proc/self/setgroups", "deny".to_string()),
        ("/proc/self/uid_map", format!("0 {uid} 1")),
        ("/proc/self/gid_map", format!("0 {gid} 1")),
    ] {
        std::fs::write(file, &text).map_err(|e| StepFailure::new(s, io_errno(&e), format!("{file} <- {text}")))?;
    }
    Ok(())
}

/// The errno of an I/O error (EIO when it has none).
pub fn io_errno(e: &std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

/// `sethostname(name)` (the block's uts namespace).
pub fn set_hostname(name: &str) -> Result<(), StepFailure> {
    step(SetupStep::Hostname, name, || nix::unistd::sethostname(name))
}

/// A short name for the block when `--hostname` is not given.
pub fn generated_hostname() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("isosh-{:06x}", (nanos ^ std::process::id().rotate_left(16)) & 0xff_ffff)
}

/// `ip link set lo up`, with the ioctls it uses. Returns an fd of the
/// namespace the socket was made in (`SIOCGSKNS`), for init to join it
/// with `setns`, or `None` where the kernel cannot say.
pub fn loopback_up() -> Result<Option<OwnedFd>, StepFailure> {
    step(SetupStep::Loopback, "lo", || {
        // SAFETY: a datagram socket used only for interface ioctls, closed
        // below; `ifreq` is plain old data, zero-initialised.
        unsafe {
            let sock = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
            if sock < 0 {
                return Err(Errno::last());
            }
            let mut req: libc::ifreq = std::mem::zeroed();
            for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
                *dst = *src as libc::c_char;
            }
            let mut result = Ok(None);
            if libc::ioctl(sock, libc::SIOCGIFFLAGS, &mut req) < 0 {
                result = Err(Errno::last());
            } else {
                req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
                if libc::ioctl(sock, libc::SIOCSIFFLAGS, &req) < 0 {
                    result = Err(Errno::last());
                } else {
                    // The kernel opens it O_CLOEXEC.
                    let ns = libc::ioctl(sock, SIOCGSKNS);
                    if ns >= 0 {
                        result = Ok(Some(OwnedFd::from_raw_fd(ns)));
                    }
                }
            }
            libc::close(sock);
            result
        }
    })
}

/// `ioctl(sock, SIOCGSKNS)`: an fd of the socket's network namespace
/// (Linux 4.9; the libc crate does not name it).
const SIOCGSKNS: libc::c_ulong = 0x894C;

/// A new network namespace for the calling thread (init's helper thread,
/// which init then joins), with `lo` up; see [`loopback_up`] for what it
/// returns.
pub fn new_net() -> Result<Option<OwnedFd>, StepFailure> {
    step(SetupStep::NetNamespace, "unshare(CLONE_NEWNET)", || unshare(CloneFlags::CLONE_NEWNET))?;
    loopback_up()
}

/// `setns(ns, CLONE_NEWNET)`: init joins the network namespace its
/// thread made, before it mounts /sys (which shows the mounting task's
/// network devices) and starts the body.
pub fn join_net(ns: BorrowedFd) -> Result<(), StepFailure> {
    step(SetupStep::NetNamespace, "setns(CLONE_NEWNET)", || nix::sched::setns(ns, CloneFlags::CLONE_NEWNET))
}
