//! cgroup limits for an isolate block: one [`Cgroup`] trait, a v1 and a v2
//! backend, chosen from what the shell's own cgroup offers. The block's
//! cgroup is always created *under the shell's own cgroup* in each
//! hierarchy, and isosh writes only inside the directories it created.

pub mod detect;
mod v1;
mod v2;

use detect::Controller;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One file write that applies a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitWrite {
    pub file: PathBuf,
    pub value: String,
}

/// The limits a block asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    pub memory: Option<u64>,
    pub pids: Option<u64>,
    pub cpus: Option<f64>,
}

/// CFS period for `--cpus` (the kernel's default).
pub const CPU_PERIOD_US: u64 = 100_000;

impl Limits {
    fn controllers(&self) -> Vec<Controller> {
        let mut c = Vec::new();
        if self.memory.is_some() {
            c.push(Controller::Memory);
        }
        if self.pids.is_some() {
            c.push(Controller::Pids);
        }
        if self.cpus.is_some() {
            c.push(Controller::Cpu);
        }
        c
    }

    fn cpu_quota_us(&self) -> Option<u64> {
        self.cpus.map(|c| ((c * CPU_PERIOD_US as f64).round() as u64).max(1000))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CgroupError {
    #[error("no cgroup hierarchy of this shell offers the {0} controller")]
    NoController(&'static str),
    #[error(
        "cgroup v2: the {controller} controller is not enabled for children of {dir} \
         (its cgroup.subtree_control); isosh only writes inside cgroups it creates"
    )]
    NotDelegated { controller: &'static str, dir: PathBuf },
    #[error("creating {path}: {reason}")]
    Create { path: PathBuf, reason: String },
    #[error("writing {value} to {path}: {reason}")]
    Write { path: PathBuf, value: String, reason: String },
    #[error("reading {path}: {reason}")]
    Read { path: PathBuf, reason: String },
}

/// What differs between cgroup v1 and v2.
pub trait Cgroup {
    /// "v1" or "v2".
    fn version(&self) -> &'static str;
    /// The directories this cgroup consists of (one per v1 hierarchy).
    fn dirs(&self) -> &[PathBuf];
    /// The files to write, in order, to apply `limits`.
    fn limit_writes(&self, limits: &Limits) -> Vec<LimitWrite>;
    /// Whether the OOM killer killed a process in this cgroup.
    fn oom_killed(&self) -> bool;
    /// Kills every process still in the cgroup (only the block's are).
    fn kill_all(&self);
}

fn io_reason(e: &std::io::Error) -> String {
    crate::exec::builtins::io_reason(e)
}

/// Writes `value` to `path`, as one write (cgroup files want that).
pub fn write_file(path: &Path, value: &str) -> Result<(), CgroupError> {
    std::fs::write(path, value).map_err(|e| CgroupError::Write {
        path: path.to_path_buf(),
        value: value.to_string(),
        reason: io_reason(&e),
    })
}

/// A unique name for the next block's cgroup: `isosh-<shell pid>-<n>`.
fn next_name() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("isosh-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Where cgroups are read from: `/` normally, a fake tree in tests.
pub struct Host<'a> {
    pub fs_root: &'a Path,
    pub mountinfo: &'a str,
    pub proc_cgroup: &'a str,
}

/// Chooses v2 when the shell's unified cgroup offers every controller the
/// limits need, else v1 when each has a hierarchy; creates the cgroup and
/// applies the limits. On any error nothing created is left behind.
pub fn create(host: &Host, limits: &Limits) -> Result<Box<dyn Cgroup>, CgroupError> {
    let mounts = detect::cgroup_mounts(host.mountinfo);
    let members = detect::memberships(host.proc_cgroup);
    let needed = limits.controllers();
    let name = next_name();
    let v2_own = detect::v2_dir(host.fs_root, &mounts, &members);
    let v2_offers = |c: Controller| {
        v2_own.as_ref().is_some_and(|d| {
            std::fs::read_to_string(d.join("cgroup.controllers"))
                .is_ok_and(|s| s.split_whitespace().any(|x| x == c.name()))
        })
    };
    let cgroup: Box<dyn Cgroup> = match &v2_own {
        Some(own) if needed.iter().all(|&c| v2_offers(c)) => Box::new(v2::V2::create(own, &name, &needed)?),
        _ => {
            let mut dirs = Vec::new();
            for &c in &needed {
                let own =
                    detect::v1_dir(host.fs_root, &mounts, &members, c).ok_or(CgroupError::NoController(c.name()))?;
                dirs.push((c, own));
            }
            Box::new(v1::V1::create(&dirs, &name)?)
        }
    };
    for w in cgroup.limit_writes(limits) {
        if let Err(e) = write_file(&w.file, &w.value) {
            remove(cgroup.as_ref());
            return Err(e);
        }
    }
    Ok(cgroup)
}

/// Makes directory `dir`; an existing one is an error (it is not ours).
fn make_dir(dir: &Path) -> Result<(), CgroupError> {
    std::fs::create_dir(dir).map_err(|e| CgroupError::Create { path: dir.to_path_buf(), reason: io_reason(&e) })
}

/// Removes the cgroup: kills what is left in it, then `rmdir` each
/// directory, retrying briefly on EBUSY (a just-killed process may not have
/// left the cgroup yet). Returns the directories it could not remove.
pub fn remove(cgroup: &dyn Cgroup) -> Vec<PathBuf> {
    cgroup.kill_all();
    let mut left = Vec::new();
    for dir in cgroup.dirs() {
        if !remove_dir_retrying(dir) {
            left.push(dir.clone());
        }
    }
    left
}

/// `rmdir` with up to a second of retries on EBUSY. True when it is gone.
pub fn remove_dir_retrying(dir: &Path) -> bool {
    for _ in 0..1000 {
        match std::fs::remove_dir(dir) {
            Ok(()) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return true,
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => std::thread::sleep(std::time::Duration::from_millis(1)),
            Err(_) => return false,
        }
    }
    false
}

/// SIGKILLs every process listed in `dir/cgroup.procs` — only ever called
/// on a cgroup isosh created, which holds only a block's processes.
pub fn kill_procs(dir: &Path) {
    let listed = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    for pid in listed.lines().filter_map(|l| l.trim().parse::<i32>().ok()) {
        // SAFETY: kill with integers.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

#[cfg(test)]
mod tests;
