//! The block's root filesystem, built inside its new mount namespace:
//! private propagation, a bounded scratch tmpfs, the root layer (overlay or
//! bind), a fresh /proc with docker's masks, a /dev of six bound host nodes,
//! a tmpfs /tmp, a read-only /sys with its masks, volumes, and finally
//! pivot_root into it.
//!
//! Every call goes through a [`Mounter`]: [`Kernel`] makes it (and reports
//! it to `set -o trace`), [`Recorder`] only writes it down, for `explain`.
//! Both run the same code below, so what explain shows is what a block does.
//!
//! Security rules this file keeps (docs/isolate.md, "Security model"):
//! - every mount is `nodev` except the bound device nodes and devpts, so a
//!   node made with CAP_MKNOD opens nothing;
//! - a path the user or a root filesystem controls (a volume's guest path)
//!   is resolved inside the new root (`openat2` with `RESOLVE_IN_ROOT`), and
//!   the mount goes onto the resolved fd: a symlink such as
//!   `var/run -> /run` or `evil -> /var/tmp/x` cannot land it on the host;
//! - a root filesystem whose `proc`, `dev`, `sys` or `tmp` is a symlink is
//!   refused;
//! - the new root is always a mount point, so pivot_root works rootless too.

use super::spec::{IsolateSpec, NetMode, RootMode, Volume};
use super::steps::{SetupStep, StepFailure, step};
use nix::errno::Errno;
use nix::mount::{MntFlags, MsFlags};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// Where the new root is assembled: a tmpfs mounted over `/tmp` inside the
/// block's mount namespace only. Nothing is created on the host, so there
/// is nothing to clean up; what the new root needs from under the covered
/// `/tmp` (a `--rootfs`, a volume) is opened by fd first.
const SCRATCH: &str = "/tmp";
const ROOT: &str = "/tmp/root";

/// `/proc` entries made read-only (docker's `ReadonlyPaths`).
pub const PROC_READ_ONLY: &[&str] = &["sys", "irq", "bus", "fs", "sysrq-trigger"];
/// `/proc` and `/sys` entries hidden (docker's `MaskedPaths`): a file gets
/// `/dev/null` bound over it, a directory an empty read-only tmpfs.
pub const PROC_MASKED: &[&str] =
    &["kcore", "keys", "timer_list", "sched_debug", "latency_stats", "timer_stats", "acpi", "scsi", "asound"];
/// `/sys` entries hidden the same way.
pub const SYS_MASKED: &[&str] = &["firmware", "devices/virtual/powercap"];

/// The device nodes a block gets, bound from the host's `/dev` (the only
/// mounts without `nodev`, with devpts), and allowed by the device cgroup.
pub const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom", "tty"];

/// `mount_setattr(2)` attributes (linux/mount.h).
const MOUNT_ATTR_RDONLY: u64 = 0x1;
const MOUNT_ATTR_NOSUID: u64 = 0x2;
const MOUNT_ATTR_NODEV: u64 = 0x4;

/// The inodes a writable tmpfs of `bytes` gets: one per 4 KiB. `size=`
/// bounds a tmpfs's pages, not its inodes, and by default a tmpfs takes
/// half as many inodes as the host has pages of RAM — each empty file
/// pinning about a KiB of kernel memory no `size=` counts (a body could
/// pin gigabytes with empty files, even on the rootless root's 1 MiB).
pub fn inodes_for(bytes: u64) -> u64 {
    (bytes / 4096).max(256)
}

/// Where the layers live, decided by the shell before the fork.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The read-only lower layer (the host's `/` or `--rootfs`).
    pub lower: PathBuf,
    /// `--name`: the persistent directory holding `upper/` and `work/`.
    pub named_layer: Option<PathBuf>,
    /// `--image`: the image whose unpacked layers are the lower layers
    /// (then `lower` is unused).
    pub image: Option<Box<super::image::Image>>,
}

impl Layout {
    /// The layout a spec asks for. Creates nothing (the shell makes the
    /// named layer's directory before the block, `explain` never does).
    pub fn of(spec: &IsolateSpec) -> Layout {
        let lower = spec.rootfs.clone().unwrap_or_else(|| PathBuf::from("/"));
        // Resolve --rootfs now, while relative paths still mean what the user meant.
        let lower = std::fs::canonicalize(&lower).unwrap_or(lower);
        let named_layer = spec.name.as_ref().and_then(|n| Some(super::layers_dir()?.join(n)));
        // What the store would hold (explain unpacks nothing); the shell
        // loads the image for real before a block (`image::load`).
        let image = spec.image.as_deref().and_then(|r| super::image::plan(r).ok()).map(Box::new);
        Layout { lower, named_layer, image }
    }
}

/// Whether the root must be built without an overlay of `/` (rootless).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    /// As root: the root is one overlay (or bind) of the whole lower layer.
    Root,
    /// In a user namespace, `/` carries locked submounts (/proc, /sys, …):
    /// an overlay with `lowerdir=/` fails with EINVAL, so the root is built
    /// from one overlay per top-level directory, and
    /// overlay needs `userxattr`.
    Rootless,
}

/// How the block entered its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entered {
    /// pivot_root, the old root detached: nothing of the host is left.
    Pivoted,
    /// pivot_root refused (EINVAL): the root was moved over `/` and
    /// chrooted into, as switch_root does. The old root is still under
    /// it, so CAP_SYS_CHROOT must go (no `chroot ..` escape).
    Moved,
}

/// The calls that build a root, made for real or written down.
pub trait Mounter {
    /// `mount(src, target, fstype, flags, data)`.
    fn mount(
        &mut self,
        step: SetupStep,
        src: Option<&str>,
        target: &str,
        fstype: Option<&str>,
        flags: MsFlags,
        data: Option<&str>,
    ) -> Result<(), StepFailure>;
    /// `mount_setattr(target, AT_RECURSIVE)`: sets `attr` on the mount at
    /// `target` and every mount below it.
    fn set_attr(&mut self, step: SetupStep, target: &str, attr: u64) -> Result<(), StepFailure>;
    /// `mkdir -p` of a path the set-up itself made (a fresh tmpfs, the
    /// root's top level); a symlink at the end is refused.
    fn mkdir(&mut self, step: SetupStep, path: &str) -> Result<(), StepFailure>;
    /// `base/rel` in a layer (`base` is the set-up's own: the scratch tmpfs
    /// or a held `--name` layer), made where missing one directory at a
    /// time without following a symlink — what is in a layer was written
    /// by earlier bodies — and named as `/proc/self/fd/N`, so that the
    /// mount takes exactly the directory checked.
    fn layer_dir(&mut self, step: SetupStep, base: &str, rel: &str) -> Result<String, StepFailure>;
    /// An empty file, to bind a file over.
    fn touch(&mut self, step: SetupStep, path: &str) -> Result<(), StepFailure>;
    /// A symlink at `at` pointing to `to`.
    fn symlink(&mut self, step: SetupStep, to: &str, at: &str) -> Result<(), StepFailure>;
    /// `chmod(path, mode)`.
    fn chmod(&mut self, step: SetupStep, path: &str, mode: u32) -> Result<(), StepFailure>;
    /// Makes sure `root/name` is a directory and not a symlink (creating it
    /// when missing, never following a link).
    fn special_dir(&mut self, step: SetupStep, root: &str, name: &str) -> Result<(), StepFailure>;
    /// Resolves `guest` inside `root` (creating the missing directories
    /// and, unless `dir`, an empty file at the end) and names the result as
    /// `/proc/self/fd/N`.
    fn resolve_in_root(&mut self, step: SetupStep, root: &str, guest: &Path, dir: bool) -> Result<String, StepFailure>;
    /// An `O_PATH` fd for a host path, named `/proc/self/fd/N`, so it can
    /// still be reached once `/tmp` is covered; and whether it is a
    /// directory.
    fn hold(&mut self, step: SetupStep, host: &Path) -> Result<(String, bool), StepFailure>;
    /// Enters `root` (`pivot_root`, or a move and chroot where the kernel refuses) and detaches the old one.
    fn pivot_root(&mut self, root: &str) -> Result<Entered, StepFailure>;
}

/// `MS_NOSUID|MS_NODEV` — the names of the flags set, as strace writes them.
pub fn flag_names(flags: MsFlags) -> String {
    if flags.is_empty() {
        return "0".into();
    }
    flags.iter_names().map(|(n, _)| n).collect::<Vec<_>>().join("|")
}

fn attr_names(attr: u64) -> String {
    let names = [
        (MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY"),
        (MOUNT_ATTR_NOSUID, "MOUNT_ATTR_NOSUID"),
        (MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV"),
    ];
    names.iter().filter(|(bit, _)| attr & bit != 0).map(|(_, n)| *n).collect::<Vec<_>>().join("|")
}

/// A mount(2) call in strace's argument order.
fn describe_mount(src: Option<&str>, target: &str, fstype: Option<&str>, flags: MsFlags, data: Option<&str>) -> String {
    let quoted = |s: Option<&str>| s.map_or("NULL".to_string(), |s| format!("{s:?}"));
    format!("mount({}, {target:?}, {}, {}, {})", quoted(src), quoted(fstype), flag_names(flags), quoted(data))
}

fn describe_set_attr(target: &str, attr: u64) -> String {
    format!("mount_setattr({target:?}, AT_RECURSIVE, {{attr_set={}}})", attr_names(attr))
}

fn io_failure(step: SetupStep, e: &std::io::Error, detail: impl Into<String>) -> StepFailure {
    StepFailure::new(step, super::namespaces::io_errno(e), detail)
}

/// Makes every call, and reports it to `set -o trace` as it goes.
pub struct Kernel;

impl Kernel {
    /// `openat2(root_fd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`:
    /// `..` and absolute symlinks stop at the root, as they will once the
    /// root is `/`.
    fn open_in_root(root: &OwnedFd, path: &Path, flags: i32) -> Result<OwnedFd, Errno> {
        use std::os::unix::ffi::OsStrExt;
        let mut bytes = path.as_os_str().as_bytes().to_vec();
        if bytes.is_empty() {
            bytes.push(b'.');
        }
        bytes.push(0);
        // SAFETY: open_how is plain old data.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = (flags | libc::O_CLOEXEC) as u64;
        how.resolve = libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS;
        // SAFETY: a NUL-terminated path and a filled open_how of its size.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                root.as_raw_fd(),
                bytes.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd < 0 {
            return Err(Errno::last());
        }
        // SAFETY: a new fd that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
    }

    fn fd_path(fd: OwnedFd) -> String {
        // The fd stays open until the CloseFds step (it is close-on-exec).
        format!("/proc/self/fd/{}", fd.into_raw_fd())
    }
}

fn open_path(path: &Path, flags: nix::fcntl::OFlag) -> Result<OwnedFd, Errno> {
    nix::fcntl::open(path, flags | nix::fcntl::OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
}

impl Mounter for Kernel {
    fn mount(
        &mut self,
        s: SetupStep,
        src: Option<&str>,
        target: &str,
        fstype: Option<&str>,
        flags: MsFlags,
        data: Option<&str>,
    ) -> Result<(), StepFailure> {
        crate::trace::emit(|| describe_mount(src, target, fstype, flags, data));
        let detail =
            || format!("{} on {target}{}", src.unwrap_or("none"), data.map(|d| format!(" ({d})")).unwrap_or_default());
        nix::mount::mount(src, target, fstype, flags, data).map_err(|e| StepFailure::new(s, e, detail()))
    }

    fn set_attr(&mut self, s: SetupStep, target: &str, attr: u64) -> Result<(), StepFailure> {
        crate::trace::emit(|| describe_set_attr(target, attr));
        let mut path = target.as_bytes().to_vec();
        path.push(0);
        // struct mount_attr { attr_set, attr_clr, propagation, userns_fd }
        let set: [u64; 4] = [attr, 0, 0, 0];
        // SAFETY: a NUL-terminated path and a mount_attr of its size.
        let r = unsafe {
            libc::syscall(
                libc::SYS_mount_setattr,
                libc::AT_FDCWD,
                path.as_ptr(),
                libc::AT_RECURSIVE,
                set.as_ptr(),
                std::mem::size_of_val(&set),
            )
        };
        if r < 0 {
            return Err(StepFailure::new(s, Errno::last(), format!("mount_setattr {target}")));
        }
        Ok(())
    }

    fn mkdir(&mut self, s: SetupStep, path: &str) -> Result<(), StepFailure> {
        std::fs::create_dir_all(path).map_err(|e| io_failure(s, &e, format!("mkdir {path}")))?;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => {
                Err(StepFailure::new(s, Errno::ELOOP, format!("{path} is a symlink (left in a layer by a block?)")))
            }
            _ => Ok(()),
        }
    }

    fn layer_dir(&mut self, s: SetupStep, base: &str, rel: &str) -> Result<String, StepFailure> {
        use nix::fcntl::{OFlag, openat};
        use nix::sys::stat::{Mode, mkdirat};
        let fail = |e: Errno| {
            let why = if matches!(e, Errno::ENOTDIR | Errno::ELOOP) {
                " (not a directory: a symlink left in the layer by an earlier block?)"
            } else {
                ""
            };
            StepFailure::new(s, e, format!("{base}/{rel}{why}"))
        };
        let dir = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let mut at = open_path(Path::new(base), dir).map_err(fail)?;
        for name in rel.split('/').filter(|n| !n.is_empty()) {
            match mkdirat(&at, name, Mode::from_bits_truncate(0o755)) {
                Ok(()) | Err(Errno::EEXIST) => {}
                Err(e) => return Err(fail(e)),
            }
            at = openat(&at, name, dir | OFlag::O_NOFOLLOW, Mode::empty()).map_err(fail)?;
        }
        let path = Kernel::fd_path(at);
        crate::trace::emit(|| format!("openat({base:?}, {rel:?}, O_PATH|O_DIRECTORY|O_NOFOLLOW) = {path}"));
        Ok(path)
    }

    fn touch(&mut self, s: SetupStep, path: &str) -> Result<(), StepFailure> {
        std::fs::write(path, b"").map_err(|e| io_failure(s, &e, path.to_string()))
    }

    fn symlink(&mut self, s: SetupStep, to: &str, at: &str) -> Result<(), StepFailure> {
        let made = std::os::unix::fs::symlink(to, at);
        // A --name layer's top level keeps the link the last block made:
        // made again, as the host has it now.
        let made = match made {
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && std::fs::symlink_metadata(at).is_ok_and(|m| m.file_type().is_symlink()) =>
            {
                std::fs::remove_file(at).and_then(|()| std::os::unix::fs::symlink(to, at))
            }
            other => other,
        };
        made.map_err(|e| io_failure(s, &e, format!("symlink {at}")))
    }

    fn chmod(&mut self, s: SetupStep, path: &str, mode: u32) -> Result<(), StepFailure> {
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode))
            .map_err(|e| io_failure(s, &e, path.to_string()))
    }

    fn special_dir(&mut self, s: SetupStep, root: &str, name: &str) -> Result<(), StepFailure> {
        let path = format!("{root}/{name}");
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => Err(StepFailure::new(
                s,
                Errno::ELOOP,
                format!(
                    "/{name} in the root filesystem is a symlink; isolate mounts a fresh /{name} only on a real directory"
                ),
            )),
            Ok(m) if !m.is_dir() => {
                Err(StepFailure::new(s, Errno::ENOTDIR, format!("/{name} in the root filesystem is not a directory")))
            }
            Ok(_) => Ok(()),
            // create_dir never follows a link at its last component.
            Err(_) => std::fs::create_dir(&path).map_err(|e| io_failure(s, &e, format!("mkdir {path}"))),
        }
    }

    fn resolve_in_root(&mut self, s: SetupStep, root: &str, guest: &Path, dir: bool) -> Result<String, StepFailure> {
        use nix::fcntl::OFlag;
        let fail = |e: Errno| StepFailure::new(s, e, format!("{} inside the root", guest.display()));
        let root_fd = step(s, root, || open_path(Path::new(root), OFlag::O_PATH | OFlag::O_DIRECTORY))?;
        let names: Vec<&std::ffi::OsStr> = guest
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(n) => Some(n),
                _ => None,
            })
            .collect();
        let mut prefix = PathBuf::new();
        let mut parent = Kernel::open_in_root(&root_fd, &prefix, libc::O_PATH | libc::O_DIRECTORY).map_err(fail)?;
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            prefix.push(name);
            let want_dir = !last || dir;
            let flags = if want_dir { libc::O_PATH | libc::O_DIRECTORY } else { libc::O_PATH };
            let found = match Kernel::open_in_root(&root_fd, &prefix, flags) {
                Ok(fd) => fd,
                Err(Errno::ENOENT) => {
                    // Made by name in the resolved parent: mkdirat and
                    // O_CREAT|O_EXCL|O_NOFOLLOW never follow a link there.
                    let made = if want_dir {
                        nix::sys::stat::mkdirat(&parent, *name, nix::sys::stat::Mode::from_bits_truncate(0o755))
                    } else {
                        let f = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                        nix::fcntl::openat(&parent, *name, f, nix::sys::stat::Mode::from_bits_truncate(0o644)).map(drop)
                    };
                    match made {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(fail(e)),
                    }
                    Kernel::open_in_root(&root_fd, &prefix, flags).map_err(fail)?
                }
                Err(e) => return Err(fail(e)),
            };
            parent = found;
        }
        let fd_path = Kernel::fd_path(parent);
        crate::trace::emit(|| {
            format!("openat2({root:?}, {:?}, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) = {fd_path}", guest.display())
        });
        Ok(fd_path)
    }

    fn hold(&mut self, s: SetupStep, host: &Path) -> Result<(String, bool), StepFailure> {
        let meta = std::fs::metadata(host).map_err(|e| io_failure(s, &e, host.display().to_string()))?;
        let fd = step(s, &host.display().to_string(), || open_path(host, nix::fcntl::OFlag::O_PATH))?;
        Ok((Kernel::fd_path(fd), meta.is_dir()))
    }

    fn pivot_root(&mut self, root: &str) -> Result<Entered, StepFailure> {
        let s = SetupStep::PivotRoot;
        step(s, root, || nix::unistd::chdir(root))?;
        crate::trace::emit(|| format!("pivot_root(\".\", \".\")   (in {root})"));
        let entered = match nix::unistd::pivot_root(".", ".") {
            Ok(()) => {
                step(s, "umount2(old root, MNT_DETACH)", || nix::mount::umount2(".", MntFlags::MNT_DETACH))?;
                Entered::Pivoted
            }
            Err(Errno::EINVAL) => {
                // As switch_root: the new root moves over `/`, then chroot.
                let moved = MsFlags::MS_MOVE;
                crate::trace::emit(|| describe_mount(Some("."), "/", None, moved, None));
                step(s, "mount(., /, MS_MOVE)", || {
                    nix::mount::mount(Some("."), "/", None::<&str>, moved, None::<&str>)
                })?;
                step(s, "chroot(.)", || nix::unistd::chroot("."))?;
                Entered::Moved
            }
            Err(e) => return Err(StepFailure::new(s, e, root.to_string())),
        };
        step(s, "chdir(/)", || nix::unistd::chdir("/"))?;
        // The working directory must be inside the new root (runc CVE-2024-21626).
        let cwd = step(s, "getcwd", nix::unistd::getcwd)?;
        if cwd != Path::new("/") {
            let msg = format!("working directory {} is outside the new root", cwd.display());
            return Err(StepFailure::new(s, Errno::EACCES, msg));
        }
        Ok(entered)
    }
}

/// Writes the calls down instead of making them (`explain`). Questions
/// about the host (its `/`, its mounts, which /proc entries exist) are
/// answered by the host, as they are in a block.
#[derive(Default)]
pub struct Recorder {
    /// The calls, in order, each with its step.
    pub calls: Vec<(SetupStep, String)>,
}

impl Recorder {
    fn note(&mut self, s: SetupStep, text: String) {
        self.calls.push((s, text));
    }
}

impl Mounter for Recorder {
    fn mount(
        &mut self,
        s: SetupStep,
        src: Option<&str>,
        target: &str,
        fstype: Option<&str>,
        flags: MsFlags,
        data: Option<&str>,
    ) -> Result<(), StepFailure> {
        self.note(s, describe_mount(src, target, fstype, flags, data));
        Ok(())
    }

    fn set_attr(&mut self, s: SetupStep, target: &str, attr: u64) -> Result<(), StepFailure> {
        self.note(s, describe_set_attr(target, attr));
        Ok(())
    }

    fn mkdir(&mut self, _: SetupStep, _: &str) -> Result<(), StepFailure> {
        Ok(())
    }

    fn layer_dir(&mut self, s: SetupStep, base: &str, rel: &str) -> Result<String, StepFailure> {
        self.note(
            s,
            format!(
                "openat({base:?}, {rel:?}, O_PATH|O_DIRECTORY|O_NOFOLLOW) = /proc/self/fd/N   (mkdirat what is missing)"
            ),
        );
        Ok("/proc/self/fd/N".into())
    }

    fn touch(&mut self, _: SetupStep, _: &str) -> Result<(), StepFailure> {
        Ok(())
    }

    fn symlink(&mut self, _: SetupStep, _: &str, _: &str) -> Result<(), StepFailure> {
        Ok(())
    }

    fn chmod(&mut self, _: SetupStep, _: &str, _: u32) -> Result<(), StepFailure> {
        Ok(())
    }

    fn special_dir(&mut self, _: SetupStep, _: &str, _: &str) -> Result<(), StepFailure> {
        Ok(())
    }

    fn resolve_in_root(&mut self, s: SetupStep, root: &str, guest: &Path, _: bool) -> Result<String, StepFailure> {
        let text = format!(
            "openat2({root:?}, {:?}, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) = /proc/self/fd/N   (mkdir what is missing)",
            guest.display()
        );
        self.note(s, text);
        Ok("/proc/self/fd/N".into())
    }

    fn hold(&mut self, s: SetupStep, host: &Path) -> Result<(String, bool), StepFailure> {
        self.note(s, format!("open({:?}, O_PATH) = /proc/self/fd/N", host.display()));
        Ok(("/proc/self/fd/N".into(), std::fs::metadata(host).map_or(true, |m| m.is_dir())))
    }

    fn pivot_root(&mut self, root: &str) -> Result<Entered, StepFailure> {
        self.note(
            SetupStep::PivotRoot,
            format!("chdir({root:?}); pivot_root(\".\", \".\"); umount2(\".\", MNT_DETACH); chdir(\"/\")"),
        );
        Ok(Entered::Pivoted)
    }
}

/// A volume whose host side is held open.
struct HeldVolume<'a> {
    source: String,
    is_dir: bool,
    volume: &'a Volume,
}

/// What [`build`] leaves for [`finish`]: where the root is (or `/`, once
/// entered), the volume sources held open, and how it entered the root.
pub struct Tree<'a> {
    root: String,
    /// Whether /sys can be a fresh sysfs (see [`build`]); if not, the
    /// host's /sys is bound at once.
    fresh_sysfs: bool,
    held: Vec<HeldVolume<'a>>,
    entered: Option<Entered>,
}

/// Whether /sys can wait until after pivot_root, so that init builds and
/// enters the whole root but /sys before it needs the network namespace
/// its thread makes meanwhile: as root, when the block has a network
/// namespace of its own and no volume below /sys (which must go on top of
/// a sysfs mounted first). Rootless, never: in a user namespace the kernel
/// lets a fresh sysfs be mounted only while a sysfs mount is visible, so
/// before the host's root is gone (and without a network namespace of its
/// own, the host's /sys is bound instead).
fn sys_after_pivot(spec: &IsolateSpec, privilege: Privilege) -> bool {
    privilege == Privilege::Root
        && spec.net == NetMode::None
        && !spec.volumes.iter().any(|v| v.guest.starts_with("/sys"))
}

/// Builds the root at `/tmp/root` (in the block's mount namespace) except
/// /sys, which shows the mounting task's network namespace: everything
/// that does not depend on the block's network namespace, so that init
/// does it while its thread makes that namespace. Where /sys can wait, it
/// also mounts the volumes and enters the root.
pub fn build<'a, M: Mounter>(
    m: &mut M,
    spec: &'a IsolateSpec,
    layout: &Layout,
    privilege: Privilege,
) -> Result<Tree<'a>, StepFailure> {
    m.mount(SetupStep::MountPropagation, None, "/", None, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None)?;
    // Held before /tmp is covered: the lower layer, named layer, volumes.
    if spec.image.is_some() && layout.image.is_none() {
        let msg = format!("image {} could not be read", spec.image.as_deref().unwrap_or_default());
        return Err(StepFailure::new(SetupStep::RootLayer, Errno::ENOENT, msg));
    }
    let lower = if let Some(image) = &layout.image {
        // overlay's lowerdir lists the top layer first.
        let mut held = Vec::new();
        for dir in image.layers.iter().rev() {
            held.push(m.hold(SetupStep::RootLayer, dir)?.0);
        }
        held.join(":")
    } else if layout.lower == Path::new("/") {
        "/".to_string()
    } else {
        let (held, is_dir) = m.hold(SetupStep::RootLayer, &layout.lower)?;
        if !is_dir {
            let msg = format!("root filesystem {} is not a directory", layout.lower.display());
            return Err(StepFailure::new(SetupStep::RootLayer, Errno::ENOTDIR, msg));
        }
        held
    };
    let named = layout.named_layer.as_deref().map(|d| m.hold(SetupStep::RootLayer, d)).transpose()?;
    let mut held = Vec::new();
    for volume in &spec.volumes {
        let (source, is_dir) = m.hold(SetupStep::Volumes, &volume.host)?;
        held.push(HeldVolume { source, is_dir, volume });
    }
    let size = spec.scratch_bytes();
    let nodev = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    let scratch_opts = format!("mode=0755,size={size},nr_inodes={}", inodes_for(size));
    m.mount(SetupStep::ScratchTmpfs, Some("tmpfs"), SCRATCH, Some("tmpfs"), nodev, Some(&scratch_opts))?;
    m.mkdir(SetupStep::ScratchTmpfs, ROOT)?;
    let layers = named.map(|(d, _)| d).unwrap_or_else(|| SCRATCH.to_string());
    root_layer(m, spec.root_mode, &lower, &layers, privilege)?;
    if spec.root_mode == RootMode::ReadOnly {
        let workdir = spec.workdir.clone().or_else(|| layout.image.as_ref().and_then(|i| i.workdir()));
        read_only_after_mount_points(m, &held, workdir.as_deref())?;
    }
    special_filesystems(m, ROOT, privilege, size)?;
    // With the host's network namespace the kernel refuses a fresh sysfs
    // rootless (EPERM: the namespace is not the user namespace's) and, as
    // root, under a read-only root (EBUSY): the host's /sys is bound then,
    // without a doomed attempt first (explain shows what really happens).
    let fresh_sysfs =
        !(spec.net == NetMode::Host && (privilege == Privilege::Rootless || spec.root_mode == RootMode::ReadOnly));
    if sys_after_pivot(spec, privilege) {
        volumes(m, &held, ROOT)?;
        let entered = m.pivot_root(ROOT)?;
        return Ok(Tree { root: String::new(), fresh_sysfs, held: Vec::new(), entered: Some(entered) });
    }
    Ok(Tree { root: ROOT.to_string(), fresh_sysfs, held, entered: None })
}

/// `--read-only`: makes what will be mounted on or entered in the root —
/// /proc, /dev, /tmp, /sys, each volume's target, the workdir — while the
/// root layer is still writable (as docker does), then makes it read-only
/// (recursively: the rootless root's per-directory overlays too; nothing
/// else is mounted on it yet, so /proc, /dev, /tmp and the volumes stay as
/// they are mounted).
fn read_only_after_mount_points<M: Mounter>(
    m: &mut M,
    held: &[HeldVolume],
    workdir: Option<&str>,
) -> Result<(), StepFailure> {
    for name in ["proc", "dev", "tmp", "sys"] {
        m.special_dir(SetupStep::RootLayer, ROOT, name)?;
    }
    for h in held {
        m.resolve_in_root(SetupStep::Volumes, ROOT, &h.volume.guest, h.is_dir)?;
    }
    if let Some(dir) = workdir {
        m.resolve_in_root(SetupStep::Workdir, ROOT, Path::new(dir), true)?;
    }
    m.set_attr(SetupStep::RootLayer, ROOT, MOUNT_ATTR_RDONLY)
}

/// Finishes the root once init is in the block's network namespace: /sys,
/// and unless [`build`] did so, the volumes and entering the root.
pub fn finish<M: Mounter>(m: &mut M, tree: Tree) -> Result<Entered, StepFailure> {
    sys(m, &tree.root, tree.fresh_sysfs)?;
    match tree.entered {
        Some(entered) => Ok(entered),
        None => {
            volumes(m, &tree.held, &tree.root)?;
            m.pivot_root(&tree.root)
        }
    }
}

/// The whole root set-up as `explain` shows it: the calls [`build`] and
/// [`finish`] make for this spec on this host.
pub fn explain(spec: &IsolateSpec, privilege: Privilege) -> Result<Vec<(SetupStep, String)>, StepFailure> {
    let mut r = Recorder::default();
    let tree = build(&mut r, spec, &Layout::of(spec), privilege)?;
    finish(&mut r, tree)?;
    Ok(r.calls)
}

fn overlay_options(lower: &str, upper: &str, work: &str, privilege: Privilege) -> String {
    let mut o = format!("lowerdir={lower},upperdir={upper},workdir={work}");
    if privilege == Privilege::Rootless {
        o.push_str(",userxattr");
    }
    o
}

/// The root layer at `/tmp/root`: `layers` holds `upper/` and `work/`.
fn root_layer<M: Mounter>(
    m: &mut M,
    mode: RootMode,
    lower: &str,
    layers: &str,
    privilege: Privilege,
) -> Result<(), StepFailure> {
    let s = SetupStep::RootLayer;
    let bind = MsFlags::MS_BIND | MsFlags::MS_REC;
    match mode {
        RootMode::ReadWrite => {
            m.mount(s, Some(lower), ROOT, None, bind, None)?;
            // nosuid too: what the body writes into DIR stays in DIR, and a
            // set-uid file left there must not raise a later user.
            m.set_attr(s, ROOT, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID)
        }
        // A read-only overlay, not a read-only bind: a bind keeps the host's
        // inodes, and a unix socket is found by its inode — through a bind
        // of `/`, systemd's and docker's sockets answer (tests/attacks.rs).
        // An image's layers stack only in an overlay anyway.
        // --read-only: writable for now; the mount points of /proc, /dev,
        // /tmp, /sys, the volumes and the workdir are made in it first
        // (`read_only_after_mount_points`).
        RootMode::ReadOnly | RootMode::Overlay => {
            let (upper, work) = (format!("{layers}/upper"), format!("{layers}/work"));
            m.mkdir(s, &upper)?;
            m.mkdir(s, &work)?;
            // (An image's layers are never "/".)
            if privilege == Privilege::Root || lower != "/" {
                let opts = overlay_options(lower, &upper, &work, privilege);
                return m.mount(s, Some("overlay"), ROOT, Some("overlay"), MsFlags::MS_NODEV, Some(&opts));
            }
            per_directory_overlays(m, layers)
        }
    }
}

/// Rootless: `/` itself cannot be an overlay's lower layer, so each
/// top-level directory gets its own overlay. Submounts below one (`/run/user/N`,
/// `/boot/efi`) are not shown, as in a rootful block, whose overlay of `/`
/// does not show them either. (They once came in by a recursive bind, which
/// let host daemons' unix sockets — the session bus, an ssh agent, docker's
/// — be connected from inside: a socket is found by its inode, which an
/// overlay replaces and a bind keeps.) They sit in `layers/top`, bound at
/// the root (so the root is a mount point and pivot_root accepts it): what
/// the body writes at the top level lands there, with the overlays' upper
/// layers — kept with them in a `--name` layer. Top-level symlinks
/// (`/bin -> usr/bin`) are recreated as symlinks.
fn per_directory_overlays<M: Mounter>(m: &mut M, layers: &str) -> Result<(), StepFailure> {
    let s = SetupStep::RootLayer;
    let (upper, work) = (format!("{layers}/upper"), format!("{layers}/work"));
    let top = m.layer_dir(s, layers, "top")?;
    m.mount(s, Some(&top), ROOT, None, MsFlags::MS_BIND, None)?;
    m.set_attr(s, ROOT, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)?;
    let (upper, work) = (upper.as_str(), work.as_str());
    // As bytes: a mount point that is not UTF-8 must still count.
    let mountinfo = std::fs::read("/proc/self/mountinfo").unwrap_or_default();
    let mount_points: Vec<Vec<u8>> = mountinfo
        .split(|&b| b == b'\n')
        .filter_map(|l| l.split(|&b| b == b' ').nth(4))
        .map(crate::sys::unescape_mountinfo)
        .collect();
    let layers = Layers { upper, work, mount_points: &mount_points };
    for name in sorted_entries("/").map_err(|e| io_failure(s, &e, "read /"))? {
        // Made fresh below; the old /proc etc. are not needed.
        if matches!(name.as_str(), "proc" | "sys" | "dev" | "tmp") {
            m.mkdir(s, &format!("{ROOT}/{name}"))?;
            continue;
        }
        // Files at the top (a swap file, say) stay out, as they always have.
        if std::fs::symlink_metadata(format!("/{name}")).is_ok_and(|m| m.is_file()) {
            continue;
        }
        layers.entry(m, &name)?;
    }
    Ok(())
}

/// The names in host directory `dir`, sorted (the same order every time,
/// and in explain as in the block); names that are not UTF-8 are left out.
fn sorted_entries(dir: &str) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir)?.flatten().filter_map(|e| e.file_name().into_string().ok()).collect();
    names.sort();
    Ok(names)
}

/// The rootless root's layers: one overlay per directory that has no
/// submount below it; a directory that has one gets a small tmpfs and its
/// entries one by one, down to the directories without.
struct Layers<'a> {
    upper: &'a str,
    work: &'a str,
    mount_points: &'a [Vec<u8>],
}

impl Layers<'_> {
    /// `rel` (`run/user`) from the host's `/run/user` into the root.
    fn entry<M: Mounter>(&self, m: &mut M, rel: &str) -> Result<(), StepFailure> {
        let s = SetupStep::RootLayer;
        let (host, target) = (format!("/{rel}"), format!("{ROOT}/{rel}"));
        let Ok(meta) = std::fs::symlink_metadata(&host) else { return Ok(()) };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let to = std::fs::read_link(&host).map_err(|e| io_failure(s, &e, host.clone()))?;
            return m.symlink(s, &to.display().to_string(), &target);
        }
        if kind.is_file() {
            // Read-only, as the overlays' lower layer is. (Sockets, fifos and
            // device nodes beside submounts are left out: a host daemon's
            // socket is the way out this avoids.)
            m.touch(s, &target)?;
            m.mount(s, Some(&host), &target, None, MsFlags::MS_BIND, None)?;
            return m.set_attr(s, &target, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        }
        if !kind.is_dir() {
            return Ok(());
        }
        m.mkdir(s, &target)?;
        // A --name layer's upper/<rel> was written by earlier bodies (one
        // on a --rootfs root sees all of upper/ as its root): no symlink
        // there may take the overlay elsewhere.
        let u = m.layer_dir(s, self.upper, rel)?;
        let w = m.layer_dir(s, self.work, rel)?;
        let below = format!("{host}/");
        if !self.mount_points.iter().any(|p| p.starts_with(below.as_bytes())) {
            let opts = overlay_options(&host, &u, &w, Privilege::Rootless);
            return m.mount(s, Some("overlay"), &target, Some("overlay"), MsFlags::MS_NODEV, Some(&opts));
        }
        // An overlay refuses a lower layer with submounts the user namespace
        // may not see under, and a bind would keep the host's inodes.
        let mode = format!(
            "mode={:o},size=1m,nr_inodes={}",
            std::os::unix::fs::MetadataExt::mode(&meta) & 0o7777,
            inodes_for(1 << 20)
        );
        m.mount(s, Some("tmpfs"), &target, Some("tmpfs"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some(&mode))?;
        // A directory the user may not list stays empty.
        for name in sorted_entries(&host).unwrap_or_default() {
            self.entry(m, &format!("{rel}/{name}"))?;
        }
        Ok(())
    }
}

/// Whether `path` on the host is a directory (`Some(true)`), another kind
/// of file (`Some(false)`), or missing. A block's fresh /proc and /sys show
/// the same kernel, so the host's answer is the block's.
fn host_kind(path: &str) -> Option<bool> {
    std::fs::metadata(path).ok().map(|m| m.is_dir())
}

/// Hides `entries` of `dir` (`/proc` or `/sys`, host path `host_dir`):
/// `/dev/null` over a file, an empty read-only tmpfs over a directory.
fn mask<M: Mounter>(m: &mut M, s: SetupStep, dir: &str, host_dir: &str, entries: &[&str]) -> Result<(), StepFailure> {
    let hide = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY;
    for name in entries {
        let target = format!("{dir}/{name}");
        match host_kind(&format!("{host_dir}/{name}")) {
            Some(true) => m.mount(s, Some("tmpfs"), &target, Some("tmpfs"), hide, Some("size=0,mode=0555"))?,
            Some(false) => m.mount(s, Some("/dev/null"), &target, None, MsFlags::MS_BIND, None)?,
            None => {}
        }
    }
    Ok(())
}

/// The pseudo-terminal the block holds on fds 0-2 (the first of them that
/// is one; major 136, the one the device cgroup lets a block open), by its
/// path in this mount namespace's copy of the host's `/dev/pts` — the fd's
/// own mount is the shell's namespace's, which a bind cannot take from.
/// The path must be the same node as the fd (same device and inode).
fn given_pty() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    (0..3).find_map(|fd| {
        // fstat, not a stat of /proc/self/fd/N: no walk through /proc for
        // the fds that are no terminal (nearly always all three).
        // SAFETY: fstat only reads the fd (a closed one gives EBADF).
        let held = nix::sys::stat::fstat(unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) }).ok()?;
        if held.st_mode & libc::S_IFMT != libc::S_IFCHR || libc::major(held.st_rdev) != 136 {
            return None;
        }
        let path = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?.to_str()?.to_string();
        let named = std::fs::metadata(&path).ok()?;
        (path.starts_with("/dev/pts/") && named.dev() == held.st_dev && named.ino() == held.st_ino).then_some(path)
    })
}

fn special_filesystems<M: Mounter>(m: &mut M, root: &str, privilege: Privilege, size: u64) -> Result<(), StepFailure> {
    let nodev = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    let noexec = nodev | MsFlags::MS_NOEXEC;
    let p = SetupStep::Proc;
    m.special_dir(p, root, "proc")?;
    let proc_dir = format!("{root}/proc");
    m.mount(p, Some("proc"), &proc_dir, Some("proc"), noexec, None)?;
    for name in PROC_READ_ONLY {
        let target = format!("{proc_dir}/{name}");
        if host_kind(&format!("/proc/{name}")).is_some() {
            m.mount(p, Some(&target), &target, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
            let ro = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | noexec;
            m.mount(p, None, &target, None, ro, None)?;
        }
    }
    mask(m, p, &proc_dir, "/proc", PROC_MASKED)?;

    let d = SetupStep::Dev;
    m.special_dir(d, root, "dev")?;
    let dev = format!("{root}/dev");
    // /dev/shm is a directory of this tmpfs (POSIX shared memory only needs
    // a tmpfs there), hence the size.
    m.mount(
        d,
        Some("tmpfs"),
        &dev,
        Some("tmpfs"),
        noexec,
        Some(&format!("mode=0755,size=64m,nr_inodes={}", inodes_for(64 << 20))),
    )?;
    // The nodes are the host's own, bound: the only device files a block
    // can open (its /dev tmpfs and every other mount are nodev). Root could
    // mknod them, but a node made in a nodev tmpfs would not open.
    for name in DEVICES {
        let target = format!("{dev}/{name}");
        m.touch(d, &target)?;
        m.mount(d, Some(&format!("/dev/{name}")), &target, None, MsFlags::MS_BIND, None)?;
    }
    // The terminal the block is given on fds 0-2 lives in the host's
    // devpts, which the block's own does not show: bound on /dev/console
    // (as docker and podman do), `tty` and ttyname(3) find it there. It is
    // the terminal the block holds already (and could reopen as /dev/tty).
    if let Some(pty) = given_pty() {
        let target = format!("{dev}/console");
        m.touch(d, &target)?;
        m.mount(d, Some(&pty), &target, None, MsFlags::MS_BIND, None)?;
    }
    let pts = format!("{dev}/pts");
    m.mkdir(d, &pts)?;
    let pts_opts = if privilege == Privilege::Root {
        "newinstance,ptmxmode=0666,mode=0620,gid=5"
    } else {
        "newinstance,ptmxmode=0666,mode=0620"
    };
    m.mount(d, Some("devpts"), &pts, Some("devpts"), MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC, Some(pts_opts))?;
    let shm = format!("{dev}/shm");
    m.mkdir(d, &shm)?;
    m.chmod(d, &shm, 0o1777)?;
    for (link, to) in [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        m.symlink(d, to, &format!("{dev}/{link}"))?;
    }

    let t = SetupStep::Tmp;
    m.special_dir(t, root, "tmp")?;
    let tmp_opts = format!("mode=1777,size={size},nr_inodes={}", inodes_for(size));
    m.mount(t, Some("tmpfs"), &format!("{root}/tmp"), Some("tmpfs"), nodev, Some(&tmp_opts))?;
    Ok(())
}

/// A read-only sysfs at `root/sys`, with docker's masks.
fn sys<M: Mounter>(m: &mut M, root: &str, fresh: bool) -> Result<(), StepFailure> {
    let s = SetupStep::Sys;
    m.special_dir(s, if root.is_empty() { "" } else { root }, "sys")?;
    let sys = format!("{root}/sys");
    let ro = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY;
    // A fresh sysfs needs the network namespace to be ours (not with
    // --net host when rootless); a read-only recursive bind is the fallback.
    if !fresh || m.mount(s, Some("sysfs"), &sys, Some("sysfs"), ro, None).is_err() {
        m.mount(s, Some("/sys"), &sys, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
        m.set_attr(s, &sys, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)?;
    }
    mask(m, s, &sys, "/sys", SYS_MASKED)
}

/// Bind-mounts each held volume source at its guest path, resolved inside
/// the root.
fn volumes<M: Mounter>(m: &mut M, held: &[HeldVolume], root: &str) -> Result<(), StepFailure> {
    let s = SetupStep::Volumes;
    for h in held {
        let guest = &h.volume.guest;
        let target = m.resolve_in_root(s, root, guest, h.is_dir)?;
        m.mount(s, Some(&h.source), &target, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
        // The fd names the directory under the new mount; resolve again to
        // reach the mount itself.
        let mounted = m.resolve_in_root(s, root, guest, h.is_dir)?;
        let ro = if h.volume.read_only { MOUNT_ATTR_RDONLY } else { 0 };
        m.set_attr(s, &mounted, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | ro)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(spec: &str, privilege: Privilege) -> Vec<String> {
        let words: Vec<String> = spec.split_whitespace().map(String::from).collect();
        let super::super::spec::Request::Run(spec) = super::super::spec::parse(&words, &|_| None).unwrap() else {
            panic!()
        };
        explain(&spec, privilege).unwrap().into_iter().map(|(_, c)| c).collect()
    }

    fn mounts_on<'a>(calls: &'a [String], target: &str) -> Vec<&'a String> {
        calls.iter().filter(|c| c.contains(&format!(", \"{target}\", "))).collect()
    }

    /// The rootless root's top level, bound from the layers' `top/`.
    fn is_top_bind(call: &str) -> bool {
        call.starts_with("mount(\"/proc/self/fd/N\", \"/tmp/root\", NULL, MS_BIND,")
    }

    #[test]
    fn every_mount_is_nodev_but_the_device_nodes_and_devpts() {
        for privilege in [Privilege::Root, Privilege::Rootless] {
            let calls = calls("-v /etc:/data:ro --tmpfs-size 16M", privilege);
            for c in calls.iter().filter(|c| c.starts_with("mount(")) {
                let exempt = DEVICES.iter().any(|d| c.contains(&format!("\"/dev/{d}\", ")))
                    || c.contains("\"devpts\"")
                    || c.contains("\"/dev/pts/")
                    || c.contains("MS_REMOUNT")
                    || c.contains("MS_PRIVATE")
                    || c.contains("\"/dev/null\", ")
                    || c.contains("MS_BIND|MS_REC")
                    || is_top_bind(c);
                assert!(exempt || c.contains("MS_NODEV"), "{privilege:?}: {c}");
            }
            // Recursive binds (and the rootless top level's bind) get nodev
            // by mount_setattr, right after.
            for (i, c) in calls.iter().enumerate() {
                if (c.contains("MS_BIND|MS_REC") && !c.contains("/proc/")) || is_top_bind(c) {
                    let next = calls[i + 1..].iter().find(|n| n.starts_with("mount_setattr")).unwrap();
                    assert!(next.contains("MOUNT_ATTR_NODEV"), "{c} then {next}");
                }
            }
        }
    }

    #[test]
    fn proc_is_masked_as_dockers() {
        let calls = calls("", Privilege::Root);
        for ro in ["sys", "sysrq-trigger", "irq", "bus", "fs"] {
            let target = format!("/tmp/root/proc/{ro}");
            if Path::new(&format!("/proc/{ro}")).exists() {
                let m = mounts_on(&calls, &target);
                assert!(m.iter().any(|c| c.contains("MS_REMOUNT") && c.contains("MS_RDONLY")), "{ro}: {m:?}");
            }
        }
        for hidden in ["kcore", "keys", "timer_list"] {
            if Path::new(&format!("/proc/{hidden}")).exists() {
                let m = mounts_on(&calls, &format!("/tmp/root/proc/{hidden}"));
                assert!(m.iter().any(|c| c.starts_with("mount(\"/dev/null\"")), "{hidden}: {m:?}");
            }
        }
        if Path::new("/sys/firmware").exists() {
            assert!(calls.iter().any(|c| c.contains("\"/sys/firmware\"") && c.contains("MS_RDONLY")), "{calls:?}");
        }
    }

    #[test]
    fn scratch_and_tmp_are_bounded() {
        let calls = calls("--tmpfs-size 16M", Privilege::Root);
        let size = format!("size={}", 16 << 20);
        assert!(mounts_on(&calls, "/tmp")[0].contains(&size), "{calls:?}");
        assert!(mounts_on(&calls, "/tmp/root/tmp")[0].contains(&size), "{calls:?}");
    }

    #[test]
    fn rootless_root_is_a_mount_point_and_volumes_resolve_inside_it() {
        let calls = calls("-v /etc:/var/run/x", Privilege::Rootless);
        assert!(is_top_bind(mounts_on(&calls, "/tmp/root")[0]), "{calls:?}");
        let open = calls.iter().position(|c| c.starts_with("openat2(\"/tmp/root\", \"/var/run/x\"")).unwrap();
        assert!(calls[open + 1].starts_with("mount(\"/proc/self/fd/N\", \"/proc/self/fd/N\""), "{calls:?}");
        assert!(calls.last().unwrap().contains("pivot_root"), "{calls:?}");
    }

    /// For real, without root: a user namespace where the test is root.
    fn in_userns(probe: impl FnOnce() -> i32) -> Option<i32> {
        // SAFETY: the test process forks; the child only runs `probe`.
        match unsafe { nix::unistd::fork() }.ok()? {
            nix::unistd::ForkResult::Child => {
                let (uid, gid) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
                let ns = nix::sched::CloneFlags::CLONE_NEWUSER | nix::sched::CloneFlags::CLONE_NEWNS;
                let code =
                    if nix::sched::unshare(ns).is_err() || super::super::namespaces::write_id_maps(uid, gid).is_err() {
                        77
                    } else {
                        probe()
                    };
                crate::process::spawn::exit_child(code)
            }
            nix::unistd::ForkResult::Parent { child } => match nix::sys::wait::waitpid(child, None).ok()? {
                nix::sys::wait::WaitStatus::Exited(_, 77) => None,
                nix::sys::wait::WaitStatus::Exited(_, c) => Some(c),
                _ => Some(99),
            },
        }
    }

    #[test]
    fn resolving_inside_a_root_never_leaves_it() {
        let code = in_userns(|| {
            let m = &mut Kernel;
            let priv_ = MsFlags::MS_REC | MsFlags::MS_PRIVATE;
            if m.mount(SetupStep::MountPropagation, None, "/", None, priv_, None).is_err() {
                return 2;
            }
            let base = std::env::temp_dir().join(format!("isosh-inroot-{}", std::process::id()));
            let (root, outside) = (base.join("root"), base.join("outside"));
            let _ = std::fs::create_dir_all(&root);
            let _ = std::fs::create_dir_all(&outside);
            let _ = std::os::unix::fs::symlink(&outside, root.join("evil"));
            let _ = std::os::unix::fs::symlink("../../..", root.join("up"));
            let r = root.display().to_string();
            // `evil` points at a host directory: inside the root that path
            // does not exist, so resolving fails; nothing is made outside.
            let a = m.resolve_in_root(SetupStep::Volumes, &r, Path::new("/evil/sub"), true);
            // `up` climbs out: `..` stops at the root.
            let b = m.resolve_in_root(SetupStep::Volumes, &r, Path::new("/up/x/file"), false);
            // An absolute link is taken as relative to the root.
            let _ = std::fs::create_dir_all(root.join("real"));
            let _ = std::os::unix::fs::symlink("/real", root.join("abs"));
            let c = m.resolve_in_root(SetupStep::Volumes, &r, Path::new("/abs/sub"), true);
            let escaped = outside.join("sub").exists() || base.join("x").exists();
            let inside = root.join("x/file").is_file() && root.join("real/sub").is_dir();
            let _ = std::fs::remove_dir_all(&base);
            match (a.is_err(), b.is_ok() && c.is_ok(), escaped, inside) {
                (true, true, false, true) => 0,
                (_, _, true, _) => 3,
                _ => 4,
            }
        });
        match code {
            None => eprintln!("SKIP resolving_inside_a_root_never_leaves_it: no user namespaces here"),
            Some(c) => assert_eq!(c, 0, "3: a mount target escaped the root; 4: resolution failed"),
        }
    }
}
