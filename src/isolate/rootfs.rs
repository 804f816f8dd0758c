//! The block's root filesystem, built inside its new mount namespace:
//! private propagation, a scratch tmpfs, the root layer (overlay or bind),
//! fresh /proc, a minimal /dev, tmpfs /tmp, read-only /sys, volumes, and
//! finally pivot_root into it.

use super::spec::{IsolateSpec, NetMode, RootMode, Volume};
use super::steps::{SetupStep, StepFailure, step};
use nix::errno::Errno;
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use std::path::{Path, PathBuf};

/// Where the new root is assembled: a tmpfs mounted over `/tmp` inside the
/// block's mount namespace only. Nothing is created on the host, so there
/// is nothing to clean up; what the new root needs from under the covered
/// `/tmp` (a `--rootfs`, a volume) is opened by fd first.
const SCRATCH: &str = "/tmp";

/// Where the layers live, decided by the shell before the fork.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The read-only lower layer (the host's `/` or `--rootfs`).
    pub lower: PathBuf,
    /// `--name`: the persistent directory holding `upper/` and `work/`.
    pub named_layer: Option<PathBuf>,
}

/// Whether the root must be built without an overlay of `/` (rootless).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    Root,
    /// In a user namespace, `/` carries locked submounts (/proc, /sys, …):
    /// an overlay with `lowerdir=/` fails with EINVAL, so the root is built
    /// from one overlay (or recursive bind) per top-level directory, and
    /// overlay needs `userxattr`.
    Rootless,
}

fn c(path: &Path) -> String {
    path.display().to_string()
}

fn mount_at(
    step_: SetupStep,
    src: Option<&str>,
    target: &Path,
    fstype: Option<&str>,
    flags: MsFlags,
    data: Option<&str>,
) -> Result<(), StepFailure> {
    let detail =
        format!("{} on {}{}", src.unwrap_or("none"), c(target), data.map(|d| format!(" ({d})")).unwrap_or_default());
    trace_mount(src, target, fstype, flags, data);
    step(step_, &detail, || mount(src, target, fstype, flags, data))
}

/// Reports a mount(2) call to `set -o trace` in strace's argument order.
fn trace_mount(src: Option<&str>, target: &Path, fstype: Option<&str>, flags: MsFlags, data: Option<&str>) {
    let quoted = |s: Option<&str>| s.map_or("NULL".to_string(), |s| format!("{s:?}"));
    crate::trace::emit(|| {
        format!("mount({}, {:?}, {}, {flags:?}, {})", quoted(src), c(target), quoted(fstype), quoted(data))
    });
}

fn mkdir_all(step_: SetupStep, p: &Path) -> Result<(), StepFailure> {
    std::fs::create_dir_all(p)
        .map_err(|e| StepFailure::new(step_, super::namespaces::io_errno(&e), format!("mkdir {}", c(p))))
}

/// An `O_PATH` fd for a host path, named as `/proc/self/fd/N` so it can
/// still be reached after `/tmp` is covered.
fn hold(step_: SetupStep, path: &Path) -> Result<PathBuf, StepFailure> {
    let flags = nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_CLOEXEC;
    let fd = step(step_, &c(path), || nix::fcntl::open(path, flags, nix::sys::stat::Mode::empty()))?;
    // The fd stays open until the CloseFds step (it is close-on-exec too).
    let raw = std::os::fd::IntoRawFd::into_raw_fd(fd);
    Ok(PathBuf::from(format!("/proc/self/fd/{raw}")))
}

/// A volume whose host side is held open.
struct HeldVolume<'a> {
    source: PathBuf,
    is_dir: bool,
    volume: &'a Volume,
}

/// What the mount thread leaves for init: where the root is (or `/`, once
/// entered), the volume sources held open, and whether it entered it.
pub struct Tree<'a> {
    root: PathBuf,
    held: Vec<HeldVolume<'a>>,
    entered: bool,
}

/// Whether /sys can wait until after pivot_root, so that the mount thread
/// can finish the root and enter it: when the block has a network namespace
/// of its own (without one, a rootless block may have to bind the host's
/// /sys, reachable only before) and no volume below /sys (which must go on
/// top of a sysfs mounted first).
pub fn sys_after_pivot(spec: &IsolateSpec) -> bool {
    spec.net == NetMode::None && !spec.volumes.iter().any(|v| v.guest.starts_with("/sys"))
}

/// Builds the root at `/tmp/root` (in the block's mount namespace) except
/// /sys, which shows the mounting task's network namespace: everything
/// that does not depend on init's network namespace, so a thread can do it
/// while init makes that namespace. Where /sys can wait, it also mounts
/// the volumes and enters the root.
pub fn build<'a>(spec: &'a IsolateSpec, layout: &Layout, privilege: Privilege) -> Result<Tree<'a>, StepFailure> {
    mount_at(SetupStep::MountPropagation, None, Path::new("/"), None, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None)?;
    // Held before /tmp is covered: the lower layer, named layer, volumes.
    let lower = if layout.lower == Path::new("/") {
        layout.lower.clone()
    } else {
        if !layout.lower.is_dir() {
            let msg = format!("root filesystem {} is not a directory", c(&layout.lower));
            return Err(StepFailure::new(SetupStep::RootLayer, Errno::ENOENT, msg));
        }
        hold(SetupStep::RootLayer, &layout.lower)?
    };
    let named = layout.named_layer.as_deref().map(|d| hold(SetupStep::RootLayer, d)).transpose()?;
    let mut held = Vec::new();
    for volume in &spec.volumes {
        let meta = std::fs::metadata(&volume.host);
        let meta =
            meta.map_err(|e| StepFailure::new(SetupStep::Volumes, super::namespaces::io_errno(&e), c(&volume.host)))?;
        held.push(HeldVolume { source: hold(SetupStep::Volumes, &volume.host)?, is_dir: meta.is_dir(), volume });
    }
    let scratch = Path::new(SCRATCH);
    let flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    mount_at(SetupStep::ScratchTmpfs, Some("tmpfs"), scratch, Some("tmpfs"), flags, Some("mode=0755"))?;
    let root = scratch.join("root");
    mkdir_all(SetupStep::ScratchTmpfs, &root)?;
    let layers = named.unwrap_or_else(|| scratch.to_path_buf());
    root_layer(spec.root_mode, &lower, &layers, &root, privilege)?;
    special_filesystems(&root, privilege)?;
    if sys_after_pivot(spec) {
        volumes(&held, &root)?;
        pivot_root(&root)?;
        return Ok(Tree { root: PathBuf::from("/"), held: Vec::new(), entered: true });
    }
    Ok(Tree { root, held, entered: false })
}

/// Finishes the root in init, once it has its network namespace: /sys,
/// and unless the thread did so, the volumes and entering the root.
pub fn finish(tree: Tree) -> Result<(), StepFailure> {
    sys(&tree.root)?;
    if !tree.entered {
        volumes(&tree.held, &tree.root)?;
        pivot_root(&tree.root)?;
    }
    Ok(())
}

fn overlay_options(lower: &Path, upper: &Path, work: &Path, privilege: Privilege) -> String {
    let mut o = format!("lowerdir={},upperdir={},workdir={}", c(lower), c(upper), c(work));
    if privilege == Privilege::Rootless {
        o.push_str(",userxattr");
    }
    o
}

/// The root layer at `root`: `layers` holds `upper/` and `work/`.
fn root_layer(
    mode: RootMode,
    lower: &Path,
    layers: &Path,
    root: &Path,
    privilege: Privilege,
) -> Result<(), StepFailure> {
    let s = SetupStep::RootLayer;
    let bind = MsFlags::MS_BIND | MsFlags::MS_REC;
    match mode {
        RootMode::ReadWrite => mount_at(s, Some(&c(lower)), root, None, bind, None),
        RootMode::ReadOnly => {
            mount_at(s, Some(&c(lower)), root, None, bind, None)?;
            let ro = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY;
            mount_at(s, None, root, None, ro, None)
        }
        RootMode::Overlay => {
            let (upper, work) = (layers.join("upper"), layers.join("work"));
            mkdir_all(s, &upper)?;
            mkdir_all(s, &work)?;
            if privilege == Privilege::Root || lower != Path::new("/") {
                return mount_at(
                    s,
                    Some("overlay"),
                    root,
                    Some("overlay"),
                    MsFlags::empty(),
                    Some(&overlay_options(lower, &upper, &work, privilege)),
                );
            }
            per_directory_overlays(root, &upper, &work)
        }
    }
}

/// Rootless: `/` itself cannot be an overlay's lower layer, so each
/// top-level directory gets its own overlay — or a recursive bind when
/// submounts live below it (they could not be seen through an overlay).
/// Top-level symlinks (`/bin -> usr/bin`) are recreated as symlinks.
fn per_directory_overlays(root: &Path, upper: &Path, work: &Path) -> Result<(), StepFailure> {
    let s = SetupStep::RootLayer;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mount_points: Vec<&str> = mountinfo.lines().filter_map(|l| l.split(' ').nth(4)).collect();
    let entries = std::fs::read_dir("/").map_err(|e| StepFailure::new(s, super::namespaces::io_errno(&e), "read /"))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name_s = name.to_string_lossy();
        // Made fresh below; the old /proc etc. are not needed.
        if matches!(name_s.as_ref(), "proc" | "sys" | "dev" | "tmp") {
            mkdir_all(s, &root.join(&name))?;
            continue;
        }
        let host = Path::new("/").join(&name);
        let target = root.join(&name);
        let meta = std::fs::symlink_metadata(&host)
            .map_err(|e| StepFailure::new(s, super::namespaces::io_errno(&e), c(&host)))?;
        if meta.file_type().is_symlink() {
            let to = std::fs::read_link(&host)
                .map_err(|e| StepFailure::new(s, super::namespaces::io_errno(&e), c(&host)))?;
            std::os::unix::fs::symlink(&to, &target)
                .map_err(|e| StepFailure::new(s, super::namespaces::io_errno(&e), c(&target)))?;
            continue;
        }
        if !meta.is_dir() {
            continue;
        }
        mkdir_all(s, &target)?;
        let prefix = format!("{}/", c(&host));
        let has_submounts = mount_points.iter().any(|m| *m == c(&host) || m.starts_with(&prefix));
        if has_submounts {
            mount_at(s, Some(&c(&host)), &target, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
        } else {
            let (u, w) = (upper.join(&name), work.join(&name));
            mkdir_all(s, &u)?;
            mkdir_all(s, &w)?;
            let opts = overlay_options(&host, &u, &w, Privilege::Rootless);
            mount_at(s, Some("overlay"), &target, Some("overlay"), MsFlags::empty(), Some(&opts))?;
        }
    }
    Ok(())
}

/// The device nodes a block gets, with their major and minor numbers.
const DEVICES: &[(&str, u64, u64)] =
    &[("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)];

/// Creates `/dev/NAME` in `dev`: as root with mknod (a file, not a mount, so
/// the namespace has fewer mounts to build and tear down); rootless, where
/// mknod needs CAP_MKNOD in the initial user namespace, by bind-mounting the
/// host's node.
fn device(dev: &Path, name: &str, major: u64, minor: u64, privilege: Privilege) -> Result<(), StepFailure> {
    use nix::sys::stat::{Mode, SFlag, makedev, mknod};
    let d = SetupStep::Dev;
    let target = dev.join(name);
    if privilege == Privilege::Root {
        let mode = Mode::from_bits_truncate(0o666);
        step(d, &c(&target), || mknod(&target, SFlag::S_IFCHR, mode, makedev(major, minor)))?;
        // mknod applies the umask; the nodes must be 0666 whatever it is.
        return std::fs::set_permissions(&target, std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .map_err(|e| StepFailure::new(d, super::namespaces::io_errno(&e), c(&target)));
    }
    std::fs::write(&target, b"").map_err(|e| StepFailure::new(d, super::namespaces::io_errno(&e), c(&target)))?;
    mount_at(d, Some(&format!("/dev/{name}")), &target, None, MsFlags::MS_BIND, None)
}

fn special_filesystems(root: &Path, privilege: Privilege) -> Result<(), StepFailure> {
    let nosuid = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    let proc_dir = root.join("proc");
    mkdir_all(SetupStep::Proc, &proc_dir)?;
    mount_at(SetupStep::Proc, Some("proc"), &proc_dir, Some("proc"), nosuid | MsFlags::MS_NOEXEC, None)?;

    let d = SetupStep::Dev;
    let dev = root.join("dev");
    mkdir_all(d, &dev)?;
    // /dev/shm is a directory of this tmpfs (POSIX shared memory only needs
    // a tmpfs there), hence the size.
    mount_at(d, Some("tmpfs"), &dev, Some("tmpfs"), MsFlags::MS_NOSUID, Some("mode=0755,size=64m"))?;
    for (name, major, minor) in DEVICES {
        device(&dev, name, *major, *minor, privilege)?;
    }
    let pts = dev.join("pts");
    mkdir_all(d, &pts)?;
    let pts_opts = if privilege == Privilege::Root {
        "newinstance,ptmxmode=0666,mode=0620,gid=5"
    } else {
        "newinstance,ptmxmode=0666,mode=0620"
    };
    mount_at(d, Some("devpts"), &pts, Some("devpts"), MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC, Some(pts_opts))?;
    let shm = dev.join("shm");
    mkdir_all(d, &shm)?;
    std::fs::set_permissions(&shm, std::os::unix::fs::PermissionsExt::from_mode(0o1777))
        .map_err(|e| StepFailure::new(d, super::namespaces::io_errno(&e), c(&shm)))?;
    for (link, to) in [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        std::os::unix::fs::symlink(to, dev.join(link))
            .map_err(|e| StepFailure::new(d, super::namespaces::io_errno(&e), format!("symlink /dev/{link}")))?;
    }

    let tmp = root.join("tmp");
    mkdir_all(SetupStep::Tmp, &tmp)?;
    mount_at(SetupStep::Tmp, Some("tmpfs"), &tmp, Some("tmpfs"), nosuid, Some("mode=1777"))?;

    Ok(())
}

/// A read-only sysfs at `root/sys`.
fn sys(root: &Path) -> Result<(), StepFailure> {
    let nosuid = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    let sys = root.join("sys");
    mkdir_all(SetupStep::Sys, &sys)?;
    let ro = nosuid | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY;
    // A fresh sysfs needs the network namespace to be ours (not with
    // --net host when rootless); a read-only recursive bind is the fallback.
    trace_mount(Some("sysfs"), &sys, Some("sysfs"), ro, None);
    if mount(Some("sysfs"), &sys, Some("sysfs"), ro, None::<&str>).is_err() {
        mount_at(SetupStep::Sys, Some("/sys"), &sys, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
        mount_at(SetupStep::Sys, None, &sys, None, MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY, None)?;
    }
    Ok(())
}

/// Bind-mounts each held volume source at its guest path.
fn volumes(held: &[HeldVolume], root: &Path) -> Result<(), StepFailure> {
    let s = SetupStep::Volumes;
    for h in held {
        let guest = &h.volume.guest;
        let target = root.join(guest.strip_prefix("/").unwrap_or(guest));
        if h.is_dir {
            mkdir_all(s, &target)?;
        } else {
            if let Some(parent) = target.parent() {
                mkdir_all(s, parent)?;
            }
            if !target.exists() {
                std::fs::write(&target, b"")
                    .map_err(|e| StepFailure::new(s, super::namespaces::io_errno(&e), c(&target)))?;
            }
        }
        mount_at(s, Some(&c(&h.source)), &target, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
        if h.volume.read_only {
            mount_at(s, None, &target, None, MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY, None)?;
        }
    }
    Ok(())
}

/// `pivot_root(".", ".")` stacks the old root under the new one at `/`;
/// detaching it then leaves only the new root. chroot is a fallback for
/// roots pivot_root refuses (EINVAL, e.g. an initramfs), and says so.
fn pivot_root(root: &Path) -> Result<(), StepFailure> {
    let s = SetupStep::PivotRoot;
    step(s, &c(root), || nix::unistd::chdir(root))?;
    crate::trace::emit(|| format!("pivot_root(\".\", \".\")   (in {})", c(root)));
    match nix::unistd::pivot_root(".", ".") {
        Ok(()) => step(s, "umount2(old root, MNT_DETACH)", || umount2(".", MntFlags::MNT_DETACH))?,
        Err(Errno::EINVAL) => {
            let msg = "isosh: isolate: pivot_root refused this root (EINVAL); using chroot instead, which leaves the old root reachable to a process with CAP_SYS_CHROOT\n";
            let _ = crate::exec::spawn::write_all(2, msg.as_bytes());
            step(s, "chroot(.)", || nix::unistd::chroot("."))?;
        }
        Err(e) => return Err(StepFailure::new(s, e, c(root))),
    }
    step(s, "chdir(/)", || nix::unistd::chdir("/"))?;
    // The working directory must be inside the new root (runc CVE-2024-21626).
    let cwd = step(s, "getcwd", nix::unistd::getcwd)?;
    if cwd != Path::new("/") {
        return Err(StepFailure::new(
            s,
            Errno::EACCES,
            format!("working directory {} is outside the new root", c(&cwd)),
        ));
    }
    Ok(())
}
