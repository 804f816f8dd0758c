//! The isolate setup as an ordered, named checklist. Every step has a name
//! that error messages (and the teaching output) use. Init says which step
//! failed and tells the shell through the report pipe (`report.rs`), so the
//! block's status is 125 rather than one the body could have produced.

use nix::errno::Errno;
use std::fmt;

/// The steps, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupStep {
    /// Create the cgroup under the shell's own and write its limit files —
    /// first, so a limit that cannot be applied stops the block before
    /// anything runs.
    CgroupFiles,
    /// Clone init into new pid, mount, uts and ipc namespaces (and a user
    /// namespace when not root).
    Clone,
    /// When not root: map our uid/gid to 0 in the new user namespace, so
    /// the steps below are allowed.
    UserNamespace,
    /// Join the cgroup, before the cgroup namespace is made, so that the
    /// block's cgroup becomes the root of its cgroup namespace.
    JoinCgroup,
    /// `unshare(CLONE_NEWCGROUP)`: the block's cgroup becomes the root of what it sees.
    CgroupNamespace,
    /// `unshare(CLONE_NEWNET)`, the slowest step: meanwhile a thread of
    /// init runs the mount steps below, up to /tmp.
    NetNamespace,
    /// `lo` up in the new network namespace.
    Loopback,
    /// `/` recursively private, before any mount, so nothing propagates back.
    MountPropagation,
    /// A tmpfs holding the new root and the throwaway upper layer.
    ScratchTmpfs,
    /// The root filesystem: an overlay (or a bind for --rw/--read-only).
    RootLayer,
    /// A fresh procfs on `/proc`, with the host's sensitive files masked.
    Proc,
    /// A small tmpfs `/dev` with the default device nodes.
    Dev,
    /// A tmpfs `/tmp`, sized as the scratch layer.
    Tmp,
    /// Back in init, once the thread is done: a fresh sysfs shows the
    /// network devices of the mounting task's network namespace.
    Sys,
    /// The `-v` bind mounts.
    Volumes,
    /// Enter the new root and detach the old one.
    PivotRoot,
    /// `--workdir` (or the image's): made and entered.
    Workdir,
    /// `sethostname`.
    Hostname,
    /// no_new_privs, capabilities, non-dumpable init — late, because the
    /// mounts above need the capabilities this drops.
    Security,
    /// Close every fd the block was not given — very late, after the steps
    /// that still needed the report pipe's neighbours.
    CloseFds,
    /// The seccomp filter (docker's default profile, `seccomp.rs`): loaded
    /// as the last step before the body starts, after no_new_privs — every
    /// step above still needs calls the filter denies (mount, unshare, …).
    Seccomp,
    /// Fork the process that runs the body.
    StartBody,
}

impl SetupStep {
    /// Every step, in the order they run.
    pub const ALL: [SetupStep; 22] = [
        SetupStep::CgroupFiles,
        SetupStep::Clone,
        SetupStep::UserNamespace,
        SetupStep::JoinCgroup,
        SetupStep::CgroupNamespace,
        SetupStep::NetNamespace,
        SetupStep::Loopback,
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
        SetupStep::Security,
        SetupStep::CloseFds,
        SetupStep::Seccomp,
        SetupStep::StartBody,
    ];

    /// The name errors and explain use (`root layer`).
    pub fn name(self) -> &'static str {
        match self {
            SetupStep::CgroupFiles => "cgroup files",
            SetupStep::Clone => "clone",
            SetupStep::UserNamespace => "user namespace",
            SetupStep::NetNamespace => "net namespace",
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
            SetupStep::Seccomp => "seccomp",
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
    /// The step that failed.
    pub step: SetupStep,
    /// The error it got.
    pub errno: Errno,
    /// What it was working on (a path, a call), if anything.
    pub detail: String,
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step '{}' failed: {:?} ({})", self.step, self.errno, crate::process::spawn::errno_text(self.errno))?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl StepFailure {
    /// A failure of `step` with `errno`, on `detail`.
    pub fn new(step: SetupStep, errno: Errno, detail: impl Into<String>) -> Self {
        StepFailure { step, errno, detail: detail.into() }
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
    fn names_are_unique_and_ordered() {
        let names: std::collections::HashSet<_> = SetupStep::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), SetupStep::ALL.len());
        assert_eq!(SetupStep::ALL[0], SetupStep::CgroupFiles);
        assert_eq!(SetupStep::ALL.last(), Some(&SetupStep::StartBody));
        let at = |s| SetupStep::ALL.iter().position(|&x| x == s).unwrap();
        // The filter goes on last: after no_new_privs (Security), right
        // before the body.
        assert!(at(SetupStep::Security) < at(SetupStep::Seccomp));
        assert_eq!(at(SetupStep::Seccomp) + 1, at(SetupStep::StartBody));
    }
}
