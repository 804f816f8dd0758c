//! The isolate setup as an ordered, named checklist. Every step has a name
//! that error messages (and, later, the teaching output) use; a failing step
//! travels from the container's processes to the shell through a pipe as a
//! fixed-size record, so the shell can report *which* step failed and give
//! status 125 instead of a status the body could have produced.

use nix::errno::Errno;
use std::fmt;
use std::os::fd::RawFd;

/// The steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupStep {
    /// Create the cgroup under the shell's own and write its limit files —
    /// first, so a limit that cannot be applied stops the block before
    /// anything runs.
    CgroupFiles,
    /// Clone init into new pid, mount, uts, ipc and net namespaces (and a
    /// user namespace when not root).
    Clone,
    /// When not root: map our uid/gid to 0 in the new user namespace, so
    /// the steps below are allowed.
    UserNamespace,
    /// Join the cgroup, before the cgroup namespace is made, so that the
    /// block's cgroup becomes the root of its cgroup namespace.
    JoinCgroup,
    CgroupNamespace,
    /// `/` recursively private, before any mount, so nothing propagates back.
    MountPropagation,
    /// A tmpfs holding the new root and the throwaway upper layer.
    ScratchTmpfs,
    /// The root filesystem: an overlay (or a bind for --rw/--read-only).
    RootLayer,
    Proc,
    Dev,
    Tmp,
    Sys,
    Volumes,
    /// Enter the new root and detach the old one.
    PivotRoot,
    Workdir,
    Hostname,
    Loopback,
    /// no_new_privs, capabilities, non-dumpable init — late, because the
    /// mounts above need the capabilities this drops.
    Security,
    /// Close every fd the block was not given — very late, after the steps
    /// that still needed the error pipe's neighbours.
    CloseFds,
    /// Fork the process that runs the body.
    StartBody,
}

impl SetupStep {
    pub const ALL: [SetupStep; 20] = [
        SetupStep::CgroupFiles,
        SetupStep::Clone,
        SetupStep::UserNamespace,
        SetupStep::JoinCgroup,
        SetupStep::CgroupNamespace,
        SetupStep::MountPropagation,
        SetupStep::ScratchTmpfs,
        SetupStep::RootLayer,
        SetupStep::Proc,
        SetupStep::Dev,
        SetupStep::Tmp,
        SetupStep::Sys,
        SetupStep::Volumes,
        SetupStep::PivotRoot,
        SetupStep::Workdir,
        SetupStep::Hostname,
        SetupStep::Loopback,
        SetupStep::Security,
        SetupStep::CloseFds,
        SetupStep::StartBody,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SetupStep::CgroupFiles => "cgroup files",
            SetupStep::Clone => "clone",
            SetupStep::UserNamespace => "user namespace",
            SetupStep::JoinCgroup => "join cgroup",
            SetupStep::CgroupNamespace => "cgroup namespace",
            SetupStep::MountPropagation => "mount propagation",
            SetupStep::ScratchTmpfs => "scratch tmpfs",
            SetupStep::RootLayer => "root layer",
            SetupStep::Proc => "mount /proc",
            SetupStep::Dev => "mount /dev",
            SetupStep::Tmp => "mount /tmp",
            SetupStep::Sys => "mount /sys",
            SetupStep::Volumes => "volumes",
            SetupStep::PivotRoot => "pivot_root",
            SetupStep::Workdir => "workdir",
            SetupStep::Hostname => "hostname",
            SetupStep::Loopback => "loopback",
            SetupStep::Security => "security",
            SetupStep::CloseFds => "close fds",
            SetupStep::StartBody => "start body",
        }
    }
}

impl fmt::Display for SetupStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A step that failed, with the errno and what it was working on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    pub step: SetupStep,
    pub errno: Errno,
    pub detail: String,
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step '{}' failed: {:?} ({})", self.step, self.errno, crate::exec::spawn::errno_text(self.errno))?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Size of one record on the error pipe: small enough to be written
/// atomically (PIPE_BUF is 4096).
const RECORD: usize = 512;

impl StepFailure {
    pub fn new(step: SetupStep, errno: Errno, detail: impl Into<String>) -> Self {
        StepFailure { step, errno, detail: detail.into() }
    }

    fn encode(&self) -> [u8; RECORD] {
        let mut buf = [0u8; RECORD];
        let index = SetupStep::ALL.iter().position(|s| *s == self.step).unwrap_or(0) as u32;
        buf[..4].copy_from_slice(&index.to_le_bytes());
        buf[4..8].copy_from_slice(&(self.errno as i32).to_le_bytes());
        let detail = self.detail.as_bytes();
        let n = detail.len().min(RECORD - 10);
        buf[8..10].copy_from_slice(&(n as u16).to_le_bytes());
        buf[10..10 + n].copy_from_slice(&detail[..n]);
        buf
    }

    fn decode(buf: &[u8; RECORD]) -> Option<Self> {
        let index = u32::from_le_bytes(buf[..4].try_into().ok()?) as usize;
        let errno = i32::from_le_bytes(buf[4..8].try_into().ok()?);
        let n = (u16::from_le_bytes(buf[8..10].try_into().ok()?) as usize).min(RECORD - 10);
        Some(StepFailure {
            step: *SetupStep::ALL.get(index)?,
            errno: Errno::from_raw(errno),
            detail: String::from_utf8_lossy(&buf[10..10 + n]).into_owned(),
        })
    }

    /// Sends this failure to the shell (in a container process).
    pub fn send(&self, fd: RawFd) {
        let _ = crate::exec::spawn::write_all(fd, &self.encode());
    }

    /// Reads a failure, if any process sent one, until every writer is gone.
    pub fn receive(fd: RawFd) -> Option<Self> {
        let mut buf = [0u8; RECORD];
        let mut got = 0;
        while got < RECORD {
            // SAFETY: reading into the unfilled tail of a local buffer.
            let n = unsafe { libc::read(fd, buf[got..].as_mut_ptr().cast(), RECORD - got) };
            match n {
                n if n > 0 => got += n as usize,
                n if n < 0 && Errno::last() == Errno::EINTR => continue,
                _ => break,
            }
        }
        if got == RECORD { Self::decode(&buf) } else { None }
    }
}

/// Runs one step, tagging its error with the step's name.
pub fn step<T>(step: SetupStep, detail: &str, f: impl FnOnce() -> Result<T, Errno>) -> Result<T, StepFailure> {
    f().map_err(|e| StepFailure::new(step, e, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let f = StepFailure::new(SetupStep::PivotRoot, Errno::EPERM, "/tmp/x");
        assert_eq!(StepFailure::decode(&f.encode()), Some(f.clone()));
        assert_eq!(f.to_string(), "step 'pivot_root' failed: EPERM (Operation not permitted): /tmp/x");
        let long = StepFailure::new(SetupStep::Volumes, Errno::ENOENT, "x".repeat(2000));
        assert_eq!(StepFailure::decode(&long.encode()).unwrap().detail.len(), RECORD - 10);
    }

    #[test]
    fn names_are_unique_and_ordered() {
        let names: std::collections::HashSet<_> = SetupStep::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), SetupStep::ALL.len());
        assert_eq!(SetupStep::ALL[0], SetupStep::CgroupFiles);
        assert_eq!(SetupStep::ALL.last(), Some(&SetupStep::StartBody));
    }
}
