//! The last steps before the body runs: no_new_privs, docker's default
//! capability set, a non-dumpable init, and closing every fd the block was
//! not given.

use super::steps::{SetupStep, StepFailure, step};
use nix::errno::Errno;
use std::os::fd::RawFd;

/// docker's default capabilities (moby `oci/caps/defaults.go`), by number.
pub const DEFAULT_CAPS: &[(u32, &str)] = &[
    (0, "CAP_CHOWN"),
    (1, "CAP_DAC_OVERRIDE"),
    (3, "CAP_FOWNER"),
    (4, "CAP_FSETID"),
    (5, "CAP_KILL"),
    (6, "CAP_SETGID"),
    (7, "CAP_SETUID"),
    (8, "CAP_SETPCAP"),
    (10, "CAP_NET_BIND_SERVICE"),
    (13, "CAP_NET_RAW"),
    (18, "CAP_SYS_CHROOT"),
    (27, "CAP_MKNOD"),
    (29, "CAP_AUDIT_WRITE"),
    (31, "CAP_SETFCAP"),
];

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const CAP_VERSION_3: u32 = 0x2008_0522;

const CAP_SYS_CHROOT: u32 = 18;

/// Drops every capability outside `caps` (and CAP_SYS_CHROOT too when
/// `no_chroot`) from the bounding set and from the effective, permitted
/// and inheritable sets.
fn reduce_capabilities(caps: &[(u32, &str)], no_chroot: bool) -> Result<(), Errno> {
    let keep = |cap: u32| caps.iter().any(|(n, _)| *n == cap) && !(no_chroot && cap == CAP_SYS_CHROOT);
    // The kernel's last capability is where PR_CAPBSET_DROP first says
    // EINVAL (the highest one kept is far below it), so there is no need to
    // read /proc/sys/kernel/cap_last_cap.
    for cap in (0..64).filter(|&c| !keep(c)) {
        // SAFETY: prctl with integer arguments.
        if unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) } < 0 {
            match Errno::last() {
                Errno::EINVAL => break,
                e => return Err(e),
            }
        }
    }
    let mut data = [CapData::default(); 2];
    let mut header = CapHeader { version: CAP_VERSION_3, pid: 0 };
    // SAFETY: capget/capset with a v3 header and two data words.
    if unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) } < 0 {
        return Err(Errno::last());
    }
    let mut mask = [0u32; 2];
    for (n, _) in caps.iter().filter(|(n, _)| keep(*n)) {
        mask[(*n / 32) as usize] |= 1 << (n % 32);
    }
    for (word, m) in data.iter_mut().zip(mask) {
        word.effective &= m;
        word.permitted &= m;
        word.inheritable &= m;
    }
    // SAFETY: as above.
    if unsafe { libc::syscall(libc::SYS_capset, &header, data.as_ptr()) } < 0 {
        return Err(Errno::last());
    }
    Ok(())
}

/// Applied in init, inherited by everything in the block. `no_chroot`
/// when the root was entered by chroot (pivot_root refused it): the old
/// root is still below, and `chroot` could climb back to it.
pub fn harden(caps: &[(u32, &str)], no_chroot: bool) -> Result<(), StepFailure> {
    let s = SetupStep::Security;
    step(s, "PR_SET_NO_NEW_PRIVS", || {
        // SAFETY: prctl with integer arguments.
        Errno::result(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }).map(drop)
    })?;
    step(s, "capabilities", || reduce_capabilities(caps, no_chroot))?;
    // Non-dumpable: nothing inside can open /proc/1/exe, the host's isosh
    // binary (runc CVE-2019-5736).
    // SAFETY: as above.
    step(s, "PR_SET_DUMPABLE", || Errno::result(unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) }).map(drop))?;
    Ok(())
}

/// Closes every fd from 3 up except `keep` (sorted or not), so no host file
/// or directory the user did not redirect is reachable inside (the runc
/// "leaky vessels" escape, CVE-2024-21626).
pub fn close_other_fds(keep: &[RawFd]) -> Result<(), StepFailure> {
    let mut keep: Vec<RawFd> = keep.iter().copied().filter(|&fd| fd >= 3).collect();
    keep.sort_unstable();
    keep.dedup();
    let mut from: u32 = 3;
    for &k in keep.iter().chain(std::iter::once(&RawFd::MAX)) {
        let k = k as u32;
        if k > from {
            let to = if k == RawFd::MAX as u32 { u32::MAX } else { k - 1 };
            step(SetupStep::CloseFds, "close_range", || {
                // SAFETY: close_range on a range of integers.
                Errno::result(unsafe { libc::close_range(from, to, 0) }).map(drop)
            })?;
        }
        from = k.saturating_add(1);
    }
    Ok(())
}
