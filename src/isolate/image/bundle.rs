//! `isolate --export-bundle DIR [options] < body >`: instead of running the
//! block, writes an OCI runtime bundle — `DIR/config.json` (runtime-spec,
//! written with oci-spec's types) and `DIR/rootfs` (the image's layers
//! merged, whiteouts applied, or a copy of `--rootfs`) — from the same
//! spec and the same lists the block runs with: rootfs.rs's mounts, masked
//! and read-only paths, security.rs's capabilities, seccomp.rs's profile,
//! the cgroup limits, the process's args, env, cwd and user, the hostname.
//! `crun run` and `runc run` of the bundle behave as the block does.

use super::super::spec::{IsolateSpec, NetMode, RootMode};
use super::super::{rootfs, seccomp, security};
use super::unpack::remove_at;
use super::{Image, ImageError, OutDir};
use crate::syntax::ast::List;
use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{Mode, SFlag};
use nix::unistd::{Gid, Uid};
use oci_spec::runtime::{
    Arch, Capability, LinuxBuilder, LinuxCapabilitiesBuilder, LinuxCpuBuilder, LinuxIdMappingBuilder,
    LinuxMemoryBuilder, LinuxNamespaceBuilder, LinuxNamespaceType, LinuxPidsBuilder, LinuxResourcesBuilder,
    LinuxSeccompAction, LinuxSeccompArgBuilder, LinuxSeccompBuilder, LinuxSeccompOperator, LinuxSyscall,
    LinuxSyscallBuilder, Mount, MountBuilder, ProcessBuilder, RootBuilder, SpecBuilder, UserBuilder,
};
use std::io::Write;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

fn err(e: impl std::fmt::Display) -> ImageError {
    ImageError::Bundle(e.to_string())
}

/// Whether a directory of a layer carries overlay's opaque mark.
fn opaque(dir: &Path) -> bool {
    let mut path = dir.as_os_str().as_bytes().to_vec();
    path.push(0);
    [&b"trusted.overlay.opaque\0"[..], b"user.overlay.opaque\0"].iter().any(|attr| {
        let mut value = [0u8; 4];
        // SAFETY: NUL-terminated strings and a buffer of the size given.
        let n = unsafe {
            libc::lgetxattr(path.as_ptr().cast(), attr.as_ptr().cast(), value.as_mut_ptr().cast(), value.len())
        };
        n == 1 && value[0] == b'y'
    })
}

/// Applies one unpacked layer (overlay whiteouts and all) onto the
/// directory `dst` (an fd; `shown` names it in messages), as overlay
/// would show it stacked: a whiteout removes the name, an opaque
/// directory replaces what was there. Hard links become copies.
pub fn merge_layer(src: &Path, dst: BorrowedFd, shown: &Path) -> Result<(), ImageError> {
    use std::os::unix::fs::OpenOptionsExt;
    let privileged = nix::unistd::geteuid().is_root();
    // The directory is opened once, not followed through a symlink, and its
    // entries are named through that fd (`/proc/self/fd/N/NAME`): a layer
    // or --rootfs that someone else may change cannot swap an entry for a
    // symlink between the look and the copy (a review helper copied a
    // root-only file into a bundle that way).
    let pinned = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(src)
        .map_err(|e| ImageError::Bundle(format!("{}: {e}", src.display())))?;
    let here = std::path::PathBuf::from(format!("/proc/self/fd/{}", pinned.as_raw_fd()));
    let entries = std::fs::read_dir(&here).map_err(|e| ImageError::Bundle(format!("{}: {e}", src.display())))?;
    for entry in entries {
        let entry = entry.map_err(err)?;
        let owned = entry.file_name();
        let name = owned.as_os_str();
        let from = here.join(name);
        // What messages name: the paths, not the fds they are reached through.
        let (shown_from, to) = (src.join(name), shown.join(name));
        let failed = |e: Errno| ImageError::Bundle(format!("{}: {e}", to.display()));
        let meta = std::fs::symlink_metadata(&from)
            .map_err(|e| ImageError::Bundle(format!("{}: {e}", shown_from.display())))?;
        let kind = meta.file_type();
        // The bundle is written through `dst` as well, name by name
        // (mkdirat, openat, symlinkat, fchown, fchmod): a user who may
        // change the bundle's directory swapped `rootfs` for a symlink
        // while it was written by path, and root wrote into a directory
        // of their choosing.
        let existing = nix::sys::stat::fstatat(dst, name, AtFlags::AT_SYMLINK_NOFOLLOW).ok();
        let (uid, gid) = (Some(Uid::from_raw(meta.uid())), Some(Gid::from_raw(meta.gid())));
        let mode = Mode::from_bits_truncate(meta.mode() & 0o7777);
        if kind.is_char_device() && meta.rdev() == 0 {
            remove_at(dst, name).map_err(failed)?;
            continue;
        }
        if kind.is_dir() {
            let was_dir =
                existing.is_some_and(|st| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFDIR);
            if !was_dir || opaque(&from) {
                remove_at(dst, name).map_err(failed)?;
                nix::sys::stat::mkdirat(dst, name, Mode::from_bits_truncate(0o700)).map_err(failed)?;
            }
            let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
            let sub = nix::fcntl::openat(dst, name, flags, Mode::empty()).map_err(failed)?;
            merge_layer(&from, sub.as_fd(), &to)?;
            if privileged {
                let _ = nix::unistd::fchown(&sub, uid, gid);
            }
            nix::sys::stat::fchmod(&sub, mode).map_err(failed)?;
        } else {
            if existing.is_some() {
                remove_at(dst, name).map_err(failed)?;
            }
            if kind.is_symlink() {
                let target = std::fs::read_link(&from).map_err(err)?;
                nix::unistd::symlinkat(&target, dst, name).map_err(failed)?;
                if privileged {
                    let _ = nix::unistd::fchownat(dst, name, uid, gid, AtFlags::AT_SYMLINK_NOFOLLOW);
                }
            } else if kind.is_file() {
                let copy = copy_file(&from, &shown_from, &meta, || {
                    let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                    nix::fcntl::openat(dst, name, flags, Mode::from_bits_truncate(0o600)).map_err(failed)
                })?;
                if privileged {
                    let _ = nix::unistd::fchown(&copy, uid, gid);
                }
                // After chown, which clears set-id bits.
                nix::sys::stat::fchmod(&copy, mode).map_err(failed)?;
            }
            // FIFOs and sockets: nothing a root filesystem needs.
        }
    }
    Ok(())
}

/// Copies the regular file `from` (not through a symlink, and only if it is
/// still the file `meta` describes) into the new file `create` makes;
/// `shown` names `from` in messages.
fn copy_file(
    from: &Path,
    shown: &Path,
    meta: &std::fs::Metadata,
    create: impl FnOnce() -> Result<OwnedFd, ImageError>,
) -> Result<std::fs::File, ImageError> {
    use std::os::unix::fs::OpenOptionsExt;
    let fail = |e: std::io::Error| ImageError::Bundle(format!("{}: {e}", shown.display()));
    let mut source = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(from).map_err(fail)?;
    let now = source.metadata().map_err(fail)?;
    if !now.file_type().is_file() || (now.dev(), now.ino()) != (meta.dev(), meta.ino()) {
        return Err(ImageError::Bundle(format!("{}: changed while it was copied", shown.display())));
    }
    let mut copy = std::fs::File::from(create()?);
    std::io::copy(&mut source, &mut copy).map_err(fail)?;
    Ok(copy)
}

fn mount(dest: &str, typ: &str, source: &str, options: &[&str]) -> Result<Mount, ImageError> {
    MountBuilder::default()
        .destination(dest)
        .typ(typ)
        .source(source)
        .options(options.iter().map(|o| o.to_string()).collect::<Vec<_>>())
        .build()
        .map_err(err)
}

/// The mounts rootfs.rs makes, as runtime-spec mounts.
fn mounts(spec: &IsolateSpec) -> Result<Vec<Mount>, ImageError> {
    let size = format!("size={}", spec.scratch_bytes());
    let mut out = vec![
        mount("/proc", "proc", "proc", &["nosuid", "noexec", "nodev"])?,
        mount("/dev", "tmpfs", "tmpfs", &["nosuid", "noexec", "strictatime", "mode=755", "size=64m"])?,
        mount(
            "/dev/pts",
            "devpts",
            "devpts",
            &["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
        )?,
        mount("/dev/shm", "tmpfs", "shm", &["nosuid", "noexec", "nodev", "mode=1777", "size=64m"])?,
        mount("/tmp", "tmpfs", "tmpfs", &["nosuid", "nodev", "mode=1777", &size])?,
        mount("/sys", "sysfs", "sysfs", &["nosuid", "noexec", "nodev", "ro"])?,
    ];
    for v in &spec.volumes {
        let host =
            std::fs::canonicalize(&v.host).map_err(|e| ImageError::Bundle(format!("-v {}: {e}", v.host.display())))?;
        let mut options = vec!["rbind", "nosuid", "nodev"];
        options.push(if v.read_only { "ro" } else { "rw" });
        let guest = v.guest.display().to_string();
        out.push(mount(&guest, "bind", &host.display().to_string(), &options)?);
    }
    Ok(out)
}

/// seccomp.rs's profile as runtime-spec `linux.seccomp`.
fn seccomp_profile() -> Result<oci_spec::runtime::LinuxSeccomp, ImageError> {
    let lists = seccomp::lists();
    let arg = |index: usize, op: LinuxSeccompOperator, value: u64, two: Option<u64>| {
        let mut b = LinuxSeccompArgBuilder::default().index(index).value(value).op(op);
        if let Some(t) = two {
            b = b.value_two(t);
        }
        b.build().map_err(err)
    };
    let rule = |names: &[&str], args: Vec<oci_spec::runtime::LinuxSeccompArg>| -> Result<LinuxSyscall, ImageError> {
        let mut b = LinuxSyscallBuilder::default()
            .names(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .action(LinuxSeccompAction::ScmpActAllow);
        if !args.is_empty() {
            b = b.args(args);
        }
        b.build().map_err(err)
    };
    use LinuxSeccompOperator::{ScmpCmpEq, ScmpCmpMaskedEq, ScmpCmpNe};
    let mut syscalls = vec![rule(&lists.allowed, Vec::new())?];
    let no_ns = arg(0, ScmpCmpMaskedEq, lists.namespace_flags, Some(0))?;
    syscalls.push(rule(&["clone", "unshare"], vec![no_ns])?);
    let [sti, linux] = lists.denied_ioctls;
    syscalls.push(rule(&["ioctl"], vec![arg(1, ScmpCmpNe, sti, None)?, arg(1, ScmpCmpNe, linux, None)?])?);
    syscalls.push(rule(&["socket"], vec![arg(0, ScmpCmpNe, lists.denied_socket_domain, None)?])?);
    for p in lists.personalities {
        syscalls.push(rule(&["personality"], vec![arg(0, ScmpCmpEq, p, None)?])?);
    }
    // clone3 says ENOSYS, so libc falls back to clone, whose flags a
    // filter can read.
    syscalls.push(
        LinuxSyscallBuilder::default()
            .names(vec!["clone3".to_string()])
            .action(LinuxSeccompAction::ScmpActErrno)
            .errno_ret(libc::ENOSYS as u32)
            .build()
            .map_err(err)?,
    );
    let arch = match std::env::consts::ARCH {
        "aarch64" => Arch::ScmpArchAarch64,
        _ => Arch::ScmpArchX86_64,
    };
    LinuxSeccompBuilder::default()
        .default_action(LinuxSeccompAction::ScmpActErrno)
        .default_errno_ret(libc::EPERM as u32)
        .architectures(vec![arch])
        .syscalls(syscalls)
        .build()
        .map_err(err)
}

/// `--export-bundle DIR`: loads the image (if any) and writes the bundle.
pub fn write(spec: &IsolateSpec, body: &List, dir: &Path) -> Result<(), ImageError> {
    let image = match &spec.image {
        Some(r) => Some(super::load(r).map_err(|e| ImageError::Bundle(format!("--image {r}: {e}")))?),
        None => None,
    };
    export(spec, body, image.as_ref(), dir)
        .map_err(|e| ImageError::Bundle(format!("--export-bundle {}: {e}", dir.display())))
}

/// Writes the bundle for `spec` and `body` into `dir`.
pub fn export(spec: &IsolateSpec, body: &List, image: Option<&Image>, dir: &Path) -> Result<(), ImageError> {
    // Only the caller may change DIR (made 0700 where missing), and the
    // bundle is written through its fd: see OutDir, merge_layer.
    let out = OutDir::private(dir).map_err(err)?;
    // As umoci does: DIR is the caller's alone, so no other user reaches
    // the set-uid files of an image through it. `rootfs` itself stays
    // 0755, the container's `/`, which an image's non-root `User` must be
    // able to search.
    nix::sys::stat::fchmod(&out, Mode::from_bits_truncate(0o700)).map_err(err)?;
    let already = || ImageError::Bundle("already holds a bundle".into());
    if out.holds("config.json") {
        return Err(already());
    }
    let rootfs_dir = out.path.join("rootfs");
    match nix::sys::stat::mkdirat(&out, "rootfs", Mode::from_bits_truncate(0o700)) {
        Err(Errno::EEXIST) => return Err(already()),
        r => r.map_err(|e| ImageError::Bundle(format!("{}: {e}", rootfs_dir.display())))?,
    }
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let rootfs = nix::fcntl::openat(&out, "rootfs", flags, Mode::empty())
        .map_err(|e| ImageError::Bundle(format!("{}: {e}", rootfs_dir.display())))?;
    match (image, &spec.rootfs) {
        (Some(image), _) => {
            for layer in &image.layers {
                merge_layer(layer, rootfs.as_fd(), &rootfs_dir)?;
            }
        }
        (None, Some(root)) => {
            // The path as given may be a symlink; below it nothing is followed.
            let real =
                std::fs::canonicalize(root).map_err(|e| ImageError::Bundle(format!("{}: {e}", root.display())))?;
            merge_layer(&real, rootfs.as_fd(), &rootfs_dir)?
        }
        (None, None) => {
            return Err(ImageError::Bundle(
                "--export-bundle needs --image or --rootfs (the host's / is no bundle's root)".into(),
            ));
        }
    }
    nix::sys::stat::fchmod(&rootfs, Mode::from_bits_truncate(0o755)).map_err(err)?;
    let args = if body.items.is_empty() {
        image.map(|i| i.command()).unwrap_or_default()
    } else {
        vec!["/bin/sh".into(), "-c".into(), body.to_string()]
    };
    if args.is_empty() {
        return Err(ImageError::Bundle("the block's body is empty and the image has no Entrypoint or Cmd".into()));
    }
    let hostname = spec.hostname.clone().unwrap_or_else(super::super::namespaces::generated_hostname);
    let mut env: Vec<(String, String)> =
        vec![("PATH".into(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into())];
    for (k, v) in image.map(|i| i.env()).unwrap_or_default().into_iter().chain(spec.env.iter().cloned()) {
        env.retain(|(e, _)| *e != k);
        env.push((k, v));
    }
    env.push(("HOSTNAME".into(), hostname.clone()));
    let cwd = spec.workdir.clone().or_else(|| image.and_then(|i| i.workdir())).unwrap_or_else(|| "/".into());
    let (uid, gid) = match image.and_then(|i| i.user()) {
        Some(u) => super::lookup_user_in(&u, &rootfs)?,
        None => (0, 0),
    };
    let caps: std::collections::HashSet<Capability> = security::DEFAULT_CAPS
        .iter()
        .filter_map(|(_, name)| name.strip_prefix("CAP_").unwrap_or(name).parse().ok())
        .collect();
    let capabilities = LinuxCapabilitiesBuilder::default()
        .bounding(caps.clone())
        .effective(caps.clone())
        .permitted(caps)
        .inheritable(std::collections::HashSet::new())
        .ambient(std::collections::HashSet::new())
        .build()
        .map_err(err)?;
    let process = ProcessBuilder::default()
        .terminal(false)
        .user(UserBuilder::default().uid(uid).gid(gid).build().map_err(err)?)
        .args(args)
        .env(env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>())
        .cwd(cwd)
        .capabilities(capabilities)
        .no_new_privileges(true)
        .build()
        .map_err(err)?;
    let mut namespaces = vec![
        LinuxNamespaceType::Pid,
        LinuxNamespaceType::Mount,
        LinuxNamespaceType::Uts,
        LinuxNamespaceType::Ipc,
        LinuxNamespaceType::Cgroup,
    ];
    if spec.net == NetMode::None {
        namespaces.push(LinuxNamespaceType::Network);
    }
    let rootless = !nix::unistd::geteuid().is_root();
    if rootless {
        namespaces.push(LinuxNamespaceType::User);
    }
    let namespaces = namespaces
        .into_iter()
        .map(|t| LinuxNamespaceBuilder::default().typ(t).build().map_err(err))
        .collect::<Result<Vec<_>, _>>()?;
    let mut resources = LinuxResourcesBuilder::default();
    if let Some((bytes, _)) = &spec.memory {
        // Swap off, as the block's memory.swap.max = 0: memory+swap = memory.
        let m = LinuxMemoryBuilder::default().limit(*bytes as i64).swap(*bytes as i64).build().map_err(err)?;
        resources = resources.memory(m);
    }
    if let Some(n) = spec.pids_limit {
        resources = resources.pids(LinuxPidsBuilder::default().limit(n as i64).build().map_err(err)?);
    }
    if let Some(cpus) = spec.cpus {
        let period: u64 = 100_000;
        let quota = (cpus * period as f64).round() as i64;
        resources = resources.cpu(LinuxCpuBuilder::default().quota(quota).period(period).build().map_err(err)?);
    }
    let mut linux = LinuxBuilder::default()
        .namespaces(namespaces)
        .resources(resources.build().map_err(err)?)
        .masked_paths(
            rootfs::PROC_MASKED
                .iter()
                .map(|p| format!("/proc/{p}"))
                .chain(rootfs::SYS_MASKED.iter().map(|p| format!("/sys/{p}")))
                .collect::<Vec<_>>(),
        )
        .readonly_paths(rootfs::PROC_READ_ONLY.iter().map(|p| format!("/proc/{p}")).collect::<Vec<_>>());
    if spec.seccomp == super::super::spec::SeccompMode::Default {
        linux = linux.seccomp(seccomp_profile()?);
    }
    if rootless {
        let (u, g) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
        let map = |host: u32| LinuxIdMappingBuilder::default().host_id(host).container_id(0u32).size(1u32).build();
        linux = linux.uid_mappings(vec![map(u).map_err(err)?]).gid_mappings(vec![map(g).map_err(err)?]);
    }
    let root =
        RootBuilder::default().path("rootfs").readonly(spec.root_mode == RootMode::ReadOnly).build().map_err(err)?;
    let config = SpecBuilder::default()
        .version("1.0.2")
        .root(root)
        .hostname(hostname)
        .process(process)
        .mounts(mounts(spec)?)
        .linux(linux.build().map_err(err)?)
        .build()
        .map_err(err)?;
    let shown = |e: &dyn std::fmt::Display| ImageError::Bundle(format!("{}/config.json: {e}", dir.display()));
    let mut file = std::io::BufWriter::new(out.create("config.json", 0o644).map_err(|e| shown(&e))?);
    serde_json::to_writer(&mut file, &config).map_err(|e| shown(&e))?;
    file.flush().map_err(|e| shown(&e))
}
