//! Working out where the shell's own cgroup is in each hierarchy, from
//! `/proc/self/cgroup` and `/proc/self/mountinfo` — never from assumptions:
//! on a hybrid host memory, pids and cpu may sit in different v1
//! hierarchies at different depths, next to an empty cgroup2 mount.

use std::path::{Path, PathBuf};

/// A resource controller isosh uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controller {
    /// `memory`: `--memory`.
    Memory,
    /// `pids`: `--pids-limit`.
    Pids,
    /// `cpu`: `--cpus`.
    Cpu,
}

impl Controller {
    /// The controller's name in cgroup files.
    pub fn name(self) -> &'static str {
        match self {
            Controller::Memory => "memory",
            Controller::Pids => "pids",
            Controller::Cpu => "cpu",
        }
    }
}

/// A cgroup filesystem mount, from one mountinfo line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupMount {
    /// Path inside the hierarchy that is mounted (usually `/`).
    pub root: String,
    /// Where it is mounted.
    pub mount_point: PathBuf,
    /// `None` for cgroup2; the v1 controllers (and `name=`) otherwise.
    pub v1_controllers: Option<Vec<String>>,
}

/// Every cgroup and cgroup2 mount in a mountinfo text.
pub fn cgroup_mounts(mountinfo: &str) -> Vec<CgroupMount> {
    let mut out = Vec::new();
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let left: Vec<&str> = left.split(' ').collect();
        let right: Vec<&str> = right.split(' ').collect();
        let (Some(root), Some(mount_point), Some(fstype)) = (left.get(3), left.get(4), right.first()) else { continue };
        let v1_controllers = match *fstype {
            "cgroup2" => None,
            "cgroup" => {
                let opts = right.get(2).copied().unwrap_or("");
                Some(opts.split(',').map(String::from).collect())
            }
            _ => continue,
        };
        out.push(CgroupMount {
            root: unescape(root),
            mount_point: crate::bytes::path(&unescape(mount_point)),
            v1_controllers,
        });
    }
    out
}

/// A mountinfo path field, unescaped (`\040` is a blank).
fn unescape(s: &str) -> String {
    crate::bytes::decode_vec(crate::sys::unescape_mountinfo(s.as_bytes()))
}

/// One `/proc/self/cgroup` line: hierarchy id, controllers, path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The v1 controllers of the hierarchy (empty for cgroup2).
    pub controllers: Vec<String>,
    /// The cgroup's path inside the hierarchy.
    pub path: String,
}

/// The lines of a `/proc/self/cgroup` text.
pub fn memberships(proc_cgroup: &str) -> Vec<Membership> {
    proc_cgroup
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let _id = parts.next()?;
            let controllers = parts.next()?;
            let path = parts.next()?;
            let controllers =
                if controllers.is_empty() { Vec::new() } else { controllers.split(',').map(String::from).collect() };
            Some(Membership { controllers, path: path.to_string() })
        })
        .collect()
}

/// The directory of a cgroup `path` seen through `mount`.
fn dir_in_mount(fs_root: &Path, mount: &CgroupMount, path: &str) -> PathBuf {
    let inside = path.strip_prefix(mount.root.trim_end_matches('/')).unwrap_or(path);
    let mut dir = fs_root.join(mount.mount_point.strip_prefix("/").unwrap_or(&mount.mount_point));
    for part in inside.split('/').filter(|p| !p.is_empty()) {
        dir.push(crate::bytes::os(part));
    }
    dir
}

/// The v1 controllers isosh knows (mount options that are not these are
/// flags such as `rw`, `xattr` or `name=`).
pub const V1_CONTROLLERS: &[&str] = &[
    "cpu",
    "cpuacct",
    "cpuset",
    "memory",
    "devices",
    "freezer",
    "net_cls",
    "net_prio",
    "blkio",
    "perf_event",
    "hugetlb",
    "pids",
    "rdma",
    "misc",
];

/// A hierarchy the shell is a member of, and its own cgroup there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hierarchy {
    /// `None` for the unified (v2) hierarchy; else its v1 controllers.
    pub v1_controllers: Option<Vec<String>>,
    /// The shell's own cgroup directory in it.
    pub own: PathBuf,
}

impl Hierarchy {
    /// Whether this is a v1 hierarchy with `controller`.
    pub fn has_v1(&self, controller: &str) -> bool {
        self.v1_controllers.as_ref().is_some_and(|cs| cs.iter().any(|c| c == controller))
    }
}

/// Every hierarchy a block can have a cgroup in: the unified one (if
/// mounted) first, then each v1 hierarchy with at least one resource
/// controller (a named-only one, such as `name=systemd`, limits nothing).
pub fn hierarchies(fs_root: &Path, mounts: &[CgroupMount], members: &[Membership]) -> Vec<Hierarchy> {
    let mut out = Vec::new();
    if let Some(own) = v2_dir(fs_root, mounts, members) {
        out.push(Hierarchy { v1_controllers: None, own });
    }
    for mount in mounts {
        let Some(opts) = &mount.v1_controllers else { continue };
        let controllers: Vec<String> = opts.iter().filter(|o| V1_CONTROLLERS.contains(&o.as_str())).cloned().collect();
        let Some(first) = controllers.first() else { continue };
        // The same hierarchy mounted twice is one hierarchy.
        if out.iter().any(|h: &Hierarchy| h.has_v1(first)) {
            continue;
        }
        let Some(member) = members.iter().find(|m| m.controllers.iter().any(|x| x == first)) else { continue };
        out.push(Hierarchy { own: dir_in_mount(fs_root, mount, &member.path), v1_controllers: Some(controllers) });
    }
    out
}

/// The shell's own cgroup directory in the v1 hierarchy holding `c`.
pub fn v1_dir(fs_root: &Path, mounts: &[CgroupMount], members: &[Membership], c: Controller) -> Option<PathBuf> {
    let mount = mounts.iter().find(|m| m.v1_controllers.as_ref().is_some_and(|cs| cs.iter().any(|x| x == c.name())))?;
    let member = members.iter().find(|m| m.controllers.iter().any(|x| x == c.name()))?;
    Some(dir_in_mount(fs_root, mount, &member.path))
}

/// The shell's own cgroup directory in the unified (v2) hierarchy.
pub fn v2_dir(fs_root: &Path, mounts: &[CgroupMount], members: &[Membership]) -> Option<PathBuf> {
    let mount = mounts.iter().find(|m| m.v1_controllers.is_none())?;
    let member = members.iter().find(|m| m.controllers.is_empty())?;
    Some(dir_in_mount(fs_root, mount, &member.path))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Lines as this project's CI machine has them (hybrid: v1 controllers,
    // an empty cgroup2 at /sys/fs/cgroup/unified).
    const MOUNTINFO: &str = "\
30 25 0:26 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 25 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 25 0:33 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
39 25 0:35 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
40 25 0:36 /sub\\040dir /mnt/odd rw - cgroup cgroup rw,name=odd
";
    const PROC_CGROUP: &str = "\
8:pids:/
4:memory:/process_api/39dfa3fd
1:cpu:/
0::/
";

    #[test]
    fn parses_mounts_and_memberships() {
        let mounts = cgroup_mounts(MOUNTINFO);
        assert_eq!(mounts.len(), 5);
        assert_eq!(mounts[3].v1_controllers, None);
        assert_eq!(mounts[4].root, "/sub dir");
        let members = memberships(PROC_CGROUP);
        assert_eq!(members[1], Membership { controllers: vec!["memory".into()], path: "/process_api/39dfa3fd".into() });
        assert_eq!(members[3].controllers, Vec::<String>::new());
    }

    #[test]
    fn each_controller_has_its_own_path() {
        let (mounts, members) = (cgroup_mounts(MOUNTINFO), memberships(PROC_CGROUP));
        let root = Path::new("/");
        assert_eq!(
            v1_dir(root, &mounts, &members, Controller::Memory),
            Some("/sys/fs/cgroup/memory/process_api/39dfa3fd".into())
        );
        assert_eq!(v1_dir(root, &mounts, &members, Controller::Pids), Some("/sys/fs/cgroup/pids".into()));
        assert_eq!(v1_dir(root, &mounts, &members, Controller::Cpu), Some("/sys/fs/cgroup/cpu".into()));
        assert_eq!(v2_dir(root, &mounts, &members), Some("/sys/fs/cgroup/unified".into()));
        assert_eq!(
            v1_dir(Path::new("/fake"), &mounts, &members, Controller::Pids),
            Some("/fake/sys/fs/cgroup/pids".into())
        );
    }

    /// A cgroup (or mount point) whose name is not UTF-8 names the right
    /// directory: the files are read as bytes (`SelfFiles::read`).
    #[test]
    fn a_cgroup_name_that_is_not_utf8_keeps_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let mi = "1 1 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        let proc_cgroup = crate::bytes::decode(b"0::/user.slice/caf\xe9.scope\n");
        let dir = v2_dir(Path::new("/"), &cgroup_mounts(mi), &memberships(&proc_cgroup)).unwrap();
        assert_eq!(dir.as_os_str().as_bytes(), b"/sys/fs/cgroup/user.slice/caf\xe9.scope");
    }

    #[test]
    fn mount_root_is_stripped() {
        let mi = "1 1 0:1 /user.slice /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        let members = memberships("0::/user.slice/session-1.scope\n");
        assert_eq!(v2_dir(Path::new("/"), &cgroup_mounts(mi), &members), Some("/sys/fs/cgroup/session-1.scope".into()));
    }
}
