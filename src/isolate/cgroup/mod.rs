//! A block's cgroups. Every block gets a cgroup of its own (docker: every
//! container has its cgroup, limits or not — the place its processes are
//! counted and killed): in the unified (v2) hierarchy always, and in each v1
//! hierarchy that holds a limit it asks for:
//!
//! ```text
//! <shell's own cgroup>/isosh-<pid>-<n>/        limits and the device allowlist
//! <shell's own cgroup>/isosh-<pid>-<n>/body/   the block's processes
//! ```
//!
//! Init joins the leaf and only then makes its cgroup namespace, so the
//! namespace is rooted at the leaf: the limits sit on its parent, outside
//! anything the body can see or mount (issue 10: a nested user namespace
//! could otherwise mount the hierarchy and lift them).
//!
//! What is created and written is built first as a [`Plan`] — plain data,
//! which `explain` renders and the tests assert against a fake cgroupfs —
//! then carried out by [`apply`]. isosh writes only inside the directories
//! it created, never the shell's own cgroup files.
//!
//! Why not every v1 hierarchy: moving a process into a cgroup (a write to
//! `cgroup.procs`) waits for an RCU grace period in the kernel
//! (`cgroup_threadgroup_rwsem`): 4 to 13 ms on this project's CI machine,
//! more than a whole block takes. A v2 cgroup can be entered without a move
//! — init is cloned straight into it (`clone3` with `CLONE_INTO_CGROUP`) —
//! but v1 has no such call. So a v1 cgroup is made only where a limit pays
//! for the wait; the v2 leaf, free to enter, carries the device allowlist
//! (a BPF program) and the accounting, and the cgroup namespace hides the
//! shell's v1 cgroups from the body (which can mount no cgroupfs: no
//! CAP_SYS_ADMIN, no user namespaces, seccomp).

pub mod detect;
pub mod devices;

use detect::{Controller, Hierarchy};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One file write that applies a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitWrite {
    /// The limit file.
    pub file: PathBuf,
    /// What is written to it.
    pub value: String,
}

/// The limits a block asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    /// `--memory`, in bytes.
    pub memory: Option<u64>,
    /// `--pids-limit`: the most processes at once.
    pub pids: Option<u64>,
    /// `--cpus`: CPUs' worth of time per period.
    pub cpus: Option<f64>,
}

/// CFS period for `--cpus` (the kernel's default).
pub const CPU_PERIOD_US: u64 = 100_000;

/// The leaf's name under the block's cgroup.
pub const LEAF: &str = "body";

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

    /// The CFS quota for `--cpus`, at least 1 ms per period.
    pub fn cpu_quota_us(&self) -> Option<u64> {
        self.cpus.map(|c| ((c * CPU_PERIOD_US as f64).round() as u64).max(1000))
    }
}

/// Why a block's cgroups could not be planned or made; the message names the file and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CgroupError {
    /// No hierarchy has the controller a limit needs (named).
    #[error("no cgroup hierarchy of this shell offers the {0} controller")]
    NoController(&'static str),
    #[error(
        "cgroup v2: the {controller} controller is not enabled for children of {dir} \
         (its cgroup.subtree_control); isosh only writes inside cgroups it creates"
    )]
    /// cgroup v2: the shell's own cgroup does not delegate the controller to its children.
    NotDelegated {
        /// The controller (`memory`, `pids`, `cpu`).
        controller: &'static str,
        /// The shell's own cgroup, whose children lack it.
        dir: PathBuf,
    },
    /// A cgroup directory could not be made.
    #[error("creating {path}: {reason}")]
    Create {
        /// The directory.
        path: PathBuf,
        /// The OS error text.
        reason: String,
    },
    /// A limit could not be written.
    #[error("writing {value} to {path}: {reason}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What was written.
        value: String,
        /// The OS error text.
        reason: String,
    },
    /// The v2 device program could not be attached.
    #[error("attaching the device program to {path}: {reason}")]
    Attach {
        /// The cgroup directory.
        path: PathBuf,
        /// The OS error text.
        reason: String,
    },
}

use crate::sys::io_reason;

/// Writes `value` to `path`, as one write (cgroup files want that).
pub fn write_file(path: &Path, value: &str) -> Result<(), CgroupError> {
    std::fs::write(path, value).map_err(|e| CgroupError::Write {
        path: path.to_path_buf(),
        value: value.to_string(),
        reason: io_reason(&e),
    })
}

/// A unique name for the next block's cgroup: `isosh-<shell pid>-<n>`.
pub fn next_name() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("isosh-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Where cgroups are read from: `/` normally, a fake tree in tests.
pub struct Host<'a> {
    /// Where the cgroup filesystems are found (`/`, or a fake tree's root).
    pub fs_root: &'a Path,
    /// The text of `/proc/self/mountinfo`.
    pub mountinfo: &'a str,
    /// The text of `/proc/self/cgroup`.
    pub proc_cgroup: &'a str,
}

/// This process's `/proc/self/mountinfo` and `/proc/self/cgroup`.
pub struct SelfFiles {
    /// The text of `/proc/self/mountinfo`.
    pub mountinfo: String,
    /// The text of `/proc/self/cgroup`.
    pub proc_cgroup: String,
}

impl SelfFiles {
    /// Reads both, each with one large read: a `/proc` file is generated
    /// anew for every read call, and `read_to_string`'s small first reads
    /// made mountinfo cost seven (a tenth of a millisecond per block).
    pub fn read() -> SelfFiles {
        let read = |path: &str| {
            let mut buf = Vec::with_capacity(64 << 10);
            let _ = std::fs::File::open(path).and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut buf));
            // As bytes: a cgroup or mount point whose name is not UTF-8
            // still names the right directory.
            crate::bytes::decode_vec(buf)
        };
        SelfFiles { mountinfo: read("/proc/self/mountinfo"), proc_cgroup: read("/proc/self/cgroup") }
    }

    /// The host as seen from `/`.
    pub fn host(&self) -> Host<'_> {
        Host { fs_root: Path::new("/"), mountinfo: &self.mountinfo, proc_cgroup: &self.proc_cgroup }
    }
}

impl Host<'_> {
    /// Every hierarchy the shell is in, from its mountinfo and cgroup files.
    pub fn hierarchies(&self) -> Vec<Hierarchy> {
        let mounts = detect::cgroup_mounts(self.mountinfo);
        let members = detect::memberships(self.proc_cgroup);
        detect::hierarchies(self.fs_root, &mounts, &members)
    }
}

/// One step of making a block's cgroup in one hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CgroupOp {
    /// `mkdir(dir, 0755)`
    Mkdir(PathBuf),
    /// A value written to a file of a directory made just before; `why`
    /// says what it is for (explain shows it).
    Write {
        /// The file.
        file: PathBuf,
        /// What is written.
        value: String,
        /// The option it is for.
        why: &'static str,
    },
    /// One v1 `devices.allow` rule. The shell's own cgroup may allow fewer
    /// devices than the list (EPERM): those stay denied, which is the point.
    AllowDevice {
        /// The hierarchy's `devices.allow`.
        file: PathBuf,
        /// The rule (`c 1:3 rwm`).
        rule: String,
    },
    /// The v2 device allowlist as a `BPF_CGROUP_DEVICE` program, attached
    /// to this directory. [`apply`] only opens the directory: init loads
    /// and attaches the program in its own lane, while its thread mounts
    /// (it is the slower lane), before the body starts.
    AttachDevicePolicy(PathBuf),
}

/// One operation as a system call, for `--trace` and `explain`.
pub fn describe(op: &CgroupOp) -> String {
    match op {
        CgroupOp::Mkdir(dir) => format!("mkdir({:?}, 0755)", dir),
        CgroupOp::Write { file, value, why } => format!("write({:?}, {value:?})  # {why}", file),
        CgroupOp::AllowDevice { file, rule } => format!("write({:?}, {rule:?})  # devices: allow", file),
        CgroupOp::AttachDevicePolicy(dir) => {
            format!("bpf(BPF_PROG_ATTACH, {:?}, BPF_CGROUP_DEVICE)  # devices: allow only the list", dir)
        }
    }
}

/// One line per hierarchy: what is made and written there, paths shown
/// relative to the shell's own cgroup (for explain).
pub fn summary(plan: &Plan) -> Vec<String> {
    plan.nodes
        .iter()
        .map(|node| {
            let own = node.parent.parent().unwrap_or(Path::new("/"));
            let short = |p: &Path| p.strip_prefix(own).unwrap_or(p).display().to_string();
            let mut allowed = 0;
            let mut parts = Vec::new();
            for op in &node.ops {
                match op {
                    CgroupOp::Mkdir(d) => parts.push(format!("mkdir {}", short(d))),
                    CgroupOp::Write { file, value, .. } => parts.push(format!("{} = {value}", short(file))),
                    CgroupOp::AllowDevice { .. } => allowed += 1,
                    CgroupOp::AttachDevicePolicy(d) => parts.push(format!(
                        "then init's thread, while init mounts: attach the device program to {} (BPF_CGROUP_DEVICE)",
                        short(d)
                    )),
                }
                if allowed == 1 && matches!(op, CgroupOp::AllowDevice { .. }) {
                    parts.push(format!("devices.allow: the {} rules of cgroup::devices", devices::v1_rules().len()));
                }
            }
            let optional = if node.required { "" } else { " (left out where the shell may not create it)" };
            format!("{} under {}{optional}: {}", node.hierarchy, own.display(), parts.join("; "))
        })
        .collect()
}

/// The block's cgroup in one hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// "v1 memory", "v2", … for messages and explain.
    pub hierarchy: String,
    /// `isosh-<pid>-<n>`: holds the limits.
    pub parent: PathBuf,
    /// `isosh-<pid>-<n>/body`: holds the processes.
    pub leaf: PathBuf,
    /// Holds a limit the user asked for: failing to create it is an error.
    /// Otherwise (a hierarchy the shell may not write, as for a rootless
    /// shell without delegation) the block goes without it.
    pub required: bool,
    /// What to make and write there, in order.
    pub ops: Vec<CgroupOp>,
    /// The unified (v2) hierarchy: init can be cloned straight into its leaf.
    pub unified: bool,
}

/// Everything to create and write for one block, hierarchy by hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// One node per hierarchy the block's cgroup is made in.
    pub nodes: Vec<Node>,
}

/// Where each limit goes: the unified hierarchy when the shell's cgroup
/// delegates the controller to its children, else the v1 hierarchy that
/// has it.
fn place(hierarchies: &[Hierarchy], c: Controller) -> Result<usize, CgroupError> {
    let delegated = |h: &Hierarchy| {
        std::fs::read_to_string(h.own.join("cgroup.subtree_control"))
            .is_ok_and(|s| s.split_whitespace().any(|x| x == c.name()))
    };
    if let Some(i) = hierarchies.iter().position(|h| h.v1_controllers.is_none() && delegated(h)) {
        return Ok(i);
    }
    if let Some(i) = hierarchies.iter().position(|h| h.has_v1(c.name())) {
        return Ok(i);
    }
    match hierarchies.iter().find(|h| h.v1_controllers.is_none()) {
        // A v2 host that does not delegate the controller to the shell.
        Some(h) => Err(CgroupError::NotDelegated { controller: c.name(), dir: h.own.clone() }),
        None => Err(CgroupError::NoController(c.name())),
    }
}

/// The limit files for `c` in a block cgroup `dir` of hierarchy `h`.
fn limit_writes(h: &Hierarchy, dir: &Path, c: Controller, limits: &Limits) -> Vec<CgroupOp> {
    let w = |file: &str, value: String, why| CgroupOp::Write { file: dir.join(file), value, why };
    let v1 = h.v1_controllers.is_some();
    match c {
        Controller::Memory => {
            let bytes = limits.memory.unwrap_or_default().to_string();
            // No swap beyond the limit; the swap file exists only with swap
            // accounting.
            if v1 {
                let mut ops = vec![w("memory.limit_in_bytes", bytes.clone(), "--memory")];
                if h.own.join("memory.memsw.limit_in_bytes").exists() {
                    ops.push(w("memory.memsw.limit_in_bytes", bytes, "--memory: no swap"));
                }
                ops
            } else {
                let mut ops = vec![w("memory.max", bytes, "--memory")];
                if h.own.join("memory.swap.max").exists() || h.own.join("memory.swap.current").exists() {
                    ops.push(w("memory.swap.max", "0".into(), "--memory: no swap"));
                }
                ops
            }
        }
        Controller::Pids => vec![w("pids.max", limits.pids.unwrap_or_default().to_string(), "--pids-limit")],
        Controller::Cpu => {
            let q = limits.cpu_quota_us().unwrap_or_default();
            if v1 {
                vec![
                    w("cpu.cfs_period_us", CPU_PERIOD_US.to_string(), "--cpus"),
                    w("cpu.cfs_quota_us", q.to_string(), "--cpus"),
                ]
            } else {
                vec![w("cpu.max", format!("{q} {CPU_PERIOD_US}"), "--cpus")]
            }
        }
    }
}

/// What to create and write for a block cgroup named `name` with `limits`.
/// Reads the host; writes nothing.
pub fn plan(host: &Host, limits: &Limits, name: &str) -> Result<Plan, CgroupError> {
    let hierarchies = host.hierarchies();
    let mut placed: Vec<(usize, Controller)> = Vec::new();
    for c in limits.controllers() {
        placed.push((place(&hierarchies, c)?, c));
    }
    let v2_present = hierarchies.iter().any(|h| h.v1_controllers.is_none());
    let v1_limited = placed.iter().any(|(at, _)| hierarchies[*at].v1_controllers.is_some());
    // Without a v2 hierarchy (a legacy host) the device allowlist can only
    // be v1's: made when a v1 limit already pays for the move.
    let v1_devices = !v2_present && v1_limited && hierarchies.iter().any(|h| h.has_v1("devices"));
    let mut nodes = Vec::new();
    for (i, h) in hierarchies.iter().enumerate() {
        let mine: Vec<Controller> = placed.iter().filter(|(at, _)| *at == i).map(|(_, c)| *c).collect();
        if h.v1_controllers.is_some() && mine.is_empty() && !(v1_devices && h.has_v1("devices")) {
            continue;
        }
        let parent = h.own.join(name);
        let leaf = parent.join(LEAF);
        let mut ops = vec![CgroupOp::Mkdir(parent.clone())];
        // A new cpuset cgroup has no CPUs and no memory nodes: nothing can
        // join it until they are set (from the shell's own).
        let cpuset: Vec<(&str, String)> = if h.has_v1("cpuset") {
            ["cpuset.cpus", "cpuset.mems"]
                .iter()
                .map(|f| (*f, std::fs::read_to_string(h.own.join(f)).unwrap_or_default().trim().to_string()))
                .collect()
        } else {
            Vec::new()
        };
        let copy_cpuset = |dir: &Path, ops: &mut Vec<CgroupOp>| {
            for (f, v) in &cpuset {
                ops.push(CgroupOp::Write {
                    file: dir.join(f),
                    value: v.clone(),
                    why: "cpuset: the shell's CPUs and nodes",
                });
            }
        };
        copy_cpuset(&parent, &mut ops);
        for &c in &mine {
            ops.extend(limit_writes(h, &parent, c, limits));
        }
        if v1_devices && h.has_v1("devices") {
            // A child copies its parent's list when it is made: set it
            // before the leaf exists.
            ops.push(CgroupOp::Write {
                file: parent.join("devices.deny"),
                value: "a".into(),
                why: "devices: deny all",
            });
            for rule in devices::v1_rules() {
                ops.push(CgroupOp::AllowDevice { file: parent.join("devices.allow"), rule });
            }
        }
        ops.push(CgroupOp::Mkdir(leaf.clone()));
        copy_cpuset(&leaf, &mut ops);
        // Last: init carries it out, after everything else here.
        if h.v1_controllers.is_none() && !v1_devices {
            ops.push(CgroupOp::AttachDevicePolicy(parent.clone()));
        }
        let hierarchy = match &h.v1_controllers {
            None => "v2".to_string(),
            Some(cs) => format!("v1 {}", cs.join(",")),
        };
        nodes.push(Node {
            hierarchy,
            parent,
            leaf,
            required: !mine.is_empty(),
            ops,
            unified: h.v1_controllers.is_none(),
        });
    }
    Ok(Plan { nodes })
}

/// The block's cgroups, as made. Dropping it does not remove them:
/// [`remove`] does, once the block's processes are gone.
#[derive(Debug, Default)]
pub struct BlockCgroup {
    /// `(parent, leaf)` per hierarchy, in the order they were made.
    pub made: Vec<(PathBuf, PathBuf)>,
    /// The v2 leaf, when one was made.
    pub unified_leaf: Option<PathBuf>,
    /// The directory init attaches the device program to
    /// ([`CgroupOp::AttachDevicePolicy`]), opened.
    pub device_policy: Option<DevicePolicy>,
}

/// A cgroup v2 directory, opened, that the device program is to be
/// attached to.
#[derive(Debug)]
pub struct DevicePolicy {
    /// Its path, for messages and `--trace`.
    pub dir: PathBuf,
    /// The directory, open (`O_DIRECTORY`): init has no path to it once it
    /// is in its own namespaces.
    pub fd: std::os::fd::OwnedFd,
}

impl DevicePolicy {
    /// The same directory on an fd of `floor` or above (close-on-exec).
    pub fn raised_above(&self, floor: std::os::fd::RawFd) -> std::io::Result<DevicePolicy> {
        let fd = crate::process::spawn::dup_above(std::os::fd::AsFd::as_fd(&self.fd), floor)?;
        Ok(DevicePolicy { dir: self.dir.clone(), fd })
    }

    /// Loads the program (once per process) and attaches it.
    pub fn attach(&self) -> Result<(), CgroupError> {
        crate::trace::emit(|| describe(&CgroupOp::AttachDevicePolicy(self.dir.clone())));
        devices::attach_fd(std::os::fd::AsFd::as_fd(&self.fd), &self.dir)
    }
}

impl BlockCgroup {
    /// The leaves, which init joins.
    pub fn leaves(&self) -> Vec<PathBuf> {
        self.made.iter().map(|(_, l)| l.clone()).collect()
    }

    /// Every directory, leaves before their parents (the order to remove).
    pub fn dirs(&self) -> Vec<PathBuf> {
        self.made.iter().flat_map(|(p, l)| [l.clone(), p.clone()]).collect()
    }

    /// Whether the OOM killer killed a process of the block. v1 counts the
    /// kill in the cgroup of the process killed (the leaf), v2 also in
    /// every ancestor: read both.
    pub fn oom_killed(&self) -> bool {
        self.dirs().iter().any(|d| {
            let count = |file: &str| {
                std::fs::read_to_string(d.join(file))
                    .unwrap_or_default()
                    .lines()
                    .find_map(|l| l.strip_prefix("oom_kill ").map(|n| n.trim().parse::<u64>().unwrap_or(0)))
                    .unwrap_or(0)
            };
            count("memory.events") > 0 || count("memory.oom_control") > 0
        })
    }

    /// Kills every process still in the block's cgroups (only the block's
    /// are: nothing else is ever put there).
    pub fn kill_all(&self) {
        for d in self.dirs() {
            // cgroup.kill (v2, Linux ≥ 5.14) kills atomically, forks too.
            let kill_file = d.join("cgroup.kill");
            if !(kill_file.exists() && write_file(&kill_file, "1").is_ok()) {
                kill_procs(&d);
            }
        }
    }
}

/// Whether an error from creating a cgroup means "not yours to create"
/// rather than a failure (a rootless shell's hierarchies, a read-only
/// cgroupfs).
fn not_permitted(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM | libc::EROFS))
}

/// Carries out `plan`. A hierarchy the shell may not create a cgroup in is
/// left out unless it holds a limit; on any error what was made is removed.
/// `on_op` sees each operation as it is done (for `--trace`).
pub fn apply(plan: &Plan, on_op: &mut dyn FnMut(&CgroupOp)) -> Result<BlockCgroup, CgroupError> {
    let mut made = BlockCgroup::default();
    for node in &plan.nodes {
        match apply_node(node, on_op, &mut made.device_policy) {
            Ok(true) => {
                made.made.push((node.parent.clone(), node.leaf.clone()));
                if node.unified {
                    made.unified_leaf = Some(node.leaf.clone());
                }
            }
            Ok(false) => {}
            Err(e) => {
                remove(&made);
                return Err(e);
            }
        }
    }
    Ok(made)
}

/// One hierarchy: true when made, false when left out.
fn apply_node(
    node: &Node,
    on_op: &mut dyn FnMut(&CgroupOp),
    device_policy: &mut Option<DevicePolicy>,
) -> Result<bool, CgroupError> {
    let mut made: Vec<&Path> = Vec::new();
    let undo = |made: &[&Path]| {
        made.iter().rev().for_each(|d| {
            remove_dir_retrying(d);
        })
    };
    for op in &node.ops {
        // Traced when init attaches it (DevicePolicy::attach).
        if !matches!(op, CgroupOp::AttachDevicePolicy(_)) {
            on_op(op);
        }
        let result = match op {
            CgroupOp::Mkdir(dir) => match std::fs::create_dir(dir) {
                Ok(()) => {
                    made.push(dir);
                    Ok(())
                }
                Err(e) if made.is_empty() && !node.required && not_permitted(&e) => return Ok(false),
                Err(e) => Err(CgroupError::Create { path: dir.clone(), reason: io_reason(&e) }),
            },
            CgroupOp::Write { file, value, .. } => write_file(file, value),
            CgroupOp::AllowDevice { file, rule } => match std::fs::write(file, rule) {
                Err(e) if e.raw_os_error() != Some(libc::EPERM) => {
                    Err(CgroupError::Write { path: file.clone(), value: rule.to_string(), reason: io_reason(&e) })
                }
                _ => Ok(()),
            },
            CgroupOp::AttachDevicePolicy(dir) => match std::fs::File::open(dir) {
                Ok(f) => {
                    *device_policy = Some(DevicePolicy { dir: dir.clone(), fd: f.into() });
                    Ok(())
                }
                Err(e) => Err(CgroupError::Attach { path: dir.clone(), reason: io_reason(&e) }),
            },
        };
        if let Err(e) = result {
            undo(&made);
            return Err(e);
        }
    }
    Ok(true)
}

/// Plans and makes a block cgroup with a new name.
pub fn create(host: &Host, limits: &Limits) -> Result<BlockCgroup, CgroupError> {
    apply(&plan(host, limits, &next_name())?, &mut |_| {})
}

/// Removes the block's cgroups: kills what is left in them, then `rmdir`s
/// each directory (leaf first), retrying briefly on EBUSY (a just-killed
/// process may not have left yet). Returns the directories it could not
/// remove.
pub fn remove(cgroup: &BlockCgroup) -> Vec<PathBuf> {
    cgroup.kill_all();
    remove_dirs(cgroup)
}

/// `rmdir`s the block's cgroups, leaves first; what could not be removed.
pub fn remove_dirs(cgroup: &BlockCgroup) -> Vec<PathBuf> {
    cgroup.dirs().into_iter().filter(|d| !remove_dir_retrying(d)).collect()
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
