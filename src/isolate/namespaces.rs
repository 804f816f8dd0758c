//! Namespaces: which ones a block gets, the user namespace's id maps, the
//! hostname, and the network namespace (made by a thread of init, with `lo`
//! up).

use super::rootfs::Privilege;
use super::steps::{SetupStep, StepFailure, step};
use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use std::os::fd::OwnedFd;

/// The namespaces init is cloned into. The cgroup namespace comes later,
/// from init itself, once it has joined the block's cgroup, and the network
/// namespace from a thread of init ([`PendingNet`]). Without root a user
/// namespace comes first (the kernel creates it before the others, so they
/// belong to it and init may set them up).
pub fn clone_flags(privilege: Privilege) -> CloneFlags {
    let mut f =
        CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUTS | CloneFlags::CLONE_NEWIPC;
    if privilege == Privilege::Rootless {
        f |= CloneFlags::CLONE_NEWUSER;
    }
    f
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

pub fn io_errno(e: &std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

pub fn set_hostname(name: &str) -> Result<(), StepFailure> {
    step(SetupStep::Hostname, name, || nix::unistd::sethostname(name))
}

/// A short name for the block when `--hostname` is not given.
pub fn generated_hostname() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("isosh-{:06x}", (nanos ^ std::process::id().rotate_left(16)) & 0xff_ffff)
}

/// `ip link set lo up`, with the ioctls it uses.
pub fn loopback_up() -> Result<(), StepFailure> {
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
            let mut result = Ok(());
            if libc::ioctl(sock, libc::SIOCGIFFLAGS, &mut req) < 0 {
                result = Err(Errno::last());
            } else {
                req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
                if libc::ioctl(sock, libc::SIOCSIFFLAGS, &req) < 0 {
                    result = Err(Errno::last());
                }
            }
            libc::close(sock);
            result
        }
    })
}

/// The block's network namespace, being made by a thread of init while
/// init builds the root. Making one is the slowest step of a block's setup
/// (the kernel sets up every protocol for it), and nothing needs it until
/// /sys is mounted, so the two run side by side.
pub struct PendingNet(std::sync::mpsc::Receiver<Result<OwnedFd, StepFailure>>);

impl PendingNet {
    /// Starts the thread: `unshare(CLONE_NEWNET)` (a thread may; the
    /// namespace is its own until init joins it), `lo` up, and an fd for
    /// the namespace, which it sends back before it ends.
    pub fn start() -> Result<Self, StepFailure> {
        let (made, pending) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new().stack_size(64 << 10).spawn(move || {
            let ns = step(SetupStep::NetNamespace, "unshare(CLONE_NEWNET)", || unshare(CloneFlags::CLONE_NEWNET))
                .and_then(|()| loopback_up())
                .and_then(|()| {
                    let path = "/proc/thread-self/ns/net";
                    let flags = nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_CLOEXEC;
                    step(SetupStep::NetNamespace, path, || nix::fcntl::open(path, flags, nix::sys::stat::Mode::empty()))
                });
            let _ = made.send(ns);
        });
        let started = thread.map_err(|e| StepFailure::new(SetupStep::NetNamespace, io_errno(&e), "thread"))?;
        // Not joined: init takes the namespace as soon as it is sent, and
        // the thread's own end is of no interest.
        drop(started);
        Ok(PendingNet(pending))
    }

    /// Waits for the namespace and moves init into it.
    pub fn enter(self) -> Result<(), StepFailure> {
        let made = self.0.recv().map_err(|_| StepFailure::new(SetupStep::NetNamespace, Errno::EIO, "thread"))?;
        let ns = made?;
        crate::trace::emit(|| {
            "setns(<net namespace a thread made: unshare(CLONE_NEWNET), lo up>, CLONE_NEWNET)".to_string()
        });
        step(SetupStep::NetNamespace, "setns(CLONE_NEWNET)", || nix::sched::setns(&ns, CloneFlags::CLONE_NEWNET))
    }
}
