//! Unpacking one layer tar into a directory, safely: every path is
//! resolved inside the layer directory (`openat2` with `RESOLVE_IN_ROOT`),
//! so neither `..`, an absolute name, nor a symlink unpacked earlier can
//! put a file outside it; names are created with `*at` calls that never
//! follow a link at their last component. OCI whiteouts become overlay
//! whiteouts: `.wh.NAME` a character device 0/0 named NAME (which the
//! kernel lets an unprivileged user make since 5.8), `.wh..wh..opq` the
//! `overlay.opaque` xattr on its directory (`trusted.` as root, `user.`
//! for the `userxattr` overlays of rootless blocks).
//!
//! Extended attributes in the tar are not applied: a layer must not be
//! able to plant `trusted.overlay.*` (redirects, metacopy) on the host.

use super::ImageError;
use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{Mode, SFlag};
use std::ffi::OsStr;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// OCI's whiteout prefix and opaque-directory marker.
const WHITEOUT: &[u8] = b".wh.";
const OPAQUE: &[u8] = b".wh..wh..opq";

/// Splits a name from the tar into its components: `.` and empty ones
/// dropped, `..` and absolute names refused (a layer that names them is
/// malformed, or hostile).
pub fn components(raw: &[u8]) -> Result<Vec<&[u8]>, ImageError> {
    let shown = || String::from_utf8_lossy(raw).into_owned();
    if raw.starts_with(b"/") {
        return Err(ImageError::Unpack(format!("absolute path {:?} in a layer", shown())));
    }
    let mut out = Vec::new();
    for c in raw.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => return Err(ImageError::Unpack(format!("path {:?} in a layer climbs out of it", shown()))),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `openat2(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`.
pub(super) fn open_in_root(root: &OwnedFd, path: &[u8], flags: i32) -> Result<OwnedFd, Errno> {
    let mut bytes = if path.is_empty() { b".".to_vec() } else { path.to_vec() };
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

/// What one unpacked layer held, for the `images` listing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unpacked {
    /// Regular files unpacked.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Unpacks layers into one directory, opened once; every path is resolved below it, never through a symlink out of it.
pub struct Unpacker {
    root: OwnedFd,
    /// Root may chown and set `trusted.` xattrs; a rootless store uses
    /// `user.overlay.opaque` and leaves every file the user's own.
    privileged: bool,
    /// Directories whose mode is set once everything is in (a read-only
    /// directory must still take the files below it).
    dir_modes: Vec<(Vec<u8>, u32)>,
    stats: Unpacked,
}

fn io_err(what: &str, name: &[u8], e: impl std::fmt::Display) -> ImageError {
    ImageError::Unpack(format!("{what} {:?}: {e}", String::from_utf8_lossy(name)))
}

impl Unpacker {
    /// An unpacker into `dir`; `privileged` when root (owners and `trusted.` xattrs are kept).
    pub fn new(dir: &Path, privileged: bool) -> Result<Unpacker, ImageError> {
        let root = nix::fcntl::open(dir, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| ImageError::Unpack(format!("{}: {e}", dir.display())))?;
        Ok(Unpacker { root, privileged, dir_modes: Vec::new(), stats: Unpacked::default() })
    }

    /// The directory `comps` names, made (0755) where missing, resolved
    /// inside the root at each step.
    fn dir(&self, comps: &[&[u8]]) -> Result<OwnedFd, ImageError> {
        let mut prefix: Vec<u8> = Vec::new();
        let mut fd = open_in_root(&self.root, b"", libc::O_PATH | libc::O_DIRECTORY)
            .map_err(|e| io_err("layer root", b".", e))?;
        for c in comps {
            if !prefix.is_empty() {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(c);
            let flags = libc::O_PATH | libc::O_DIRECTORY;
            fd = match open_in_root(&self.root, &prefix, flags) {
                Ok(fd) => fd,
                Err(Errno::ENOENT) => {
                    match nix::sys::stat::mkdirat(&fd, OsStr::from_bytes(c), Mode::from_bits_truncate(0o755)) {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(io_err("mkdir", &prefix, e)),
                    }
                    open_in_root(&self.root, &prefix, flags).map_err(|e| {
                        if e == Errno::ENOENT {
                            // mkdirat found a name that does not resolve: a
                            // symlink leading nowhere inside the layer.
                            ImageError::Unpack(format!(
                                "path {:?} in a layer goes through a symlink that leads out of it",
                                String::from_utf8_lossy(&prefix)
                            ))
                        } else {
                            io_err("open", &prefix, e)
                        }
                    })?
                }
                Err(e) => return Err(io_err("open directory", &prefix, e)),
            };
        }
        Ok(fd)
    }

    /// Removes what is at `name` in `parent` (a later entry replaces an
    /// earlier one), unless both are directories.
    fn clear(&self, parent: &OwnedFd, name: &[u8], keep_dir: bool) {
        let name = OsStr::from_bytes(name);
        if let Ok(st) = nix::sys::stat::fstatat(parent, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
            let is_dir = SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFDIR;
            if is_dir && keep_dir {
                return;
            }
            let how =
                if is_dir { nix::unistd::UnlinkatFlags::RemoveDir } else { nix::unistd::UnlinkatFlags::NoRemoveDir };
            if nix::unistd::unlinkat(parent, name, how).is_err() && is_dir {
                // A non-empty directory replaced by a file: remove its tree
                // through the fd (never by a path that could be swapped).
                let _ = remove_at(parent.as_fd(), name);
            }
        }
    }

    fn chown_at(&self, parent: &OwnedFd, name: &[u8], uid: u64, gid: u64) {
        if self.privileged {
            let (u, g) = (nix::unistd::Uid::from_raw(uid as u32), nix::unistd::Gid::from_raw(gid as u32));
            let _ =
                nix::unistd::fchownat(parent, OsStr::from_bytes(name), Some(u), Some(g), AtFlags::AT_SYMLINK_NOFOLLOW);
        }
    }

    fn set_opaque(&self, dir: &OwnedFd, shown: &[u8]) -> Result<(), ImageError> {
        let attr: &[u8] = if self.privileged { b"trusted.overlay.opaque\0" } else { b"user.overlay.opaque\0" };
        // An O_PATH fd takes no xattrs: reopen it for reading.
        let path = format!("/proc/self/fd/{}\0", dir.as_raw_fd());
        // SAFETY: NUL-terminated strings and a 1-byte value.
        let r = unsafe { libc::setxattr(path.as_ptr().cast(), attr.as_ptr().cast(), b"y".as_ptr().cast(), 1, 0) };
        if r < 0 {
            return Err(io_err("opaque directory", shown, Errno::last()));
        }
        Ok(())
    }

    /// Unpacks every entry of `archive`.
    pub fn unpack<R: Read>(&mut self, archive: &mut tar::Archive<R>) -> Result<Unpacked, ImageError> {
        let entries = archive.entries().map_err(|e| ImageError::Unpack(format!("reading the layer: {e}")))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| ImageError::Unpack(format!("reading the layer: {e}")))?;
            self.entry(&mut entry)?;
        }
        // Deepest first, so a read-only parent is set after its children.
        let modes = std::mem::take(&mut self.dir_modes);
        for (path, mode) in modes.iter().rev() {
            if let Ok(fd) = open_in_root(&self.root, path, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW) {
                let _ = nix::sys::stat::fchmod(&fd, Mode::from_bits_truncate(*mode));
            }
        }
        Ok(self.stats)
    }

    fn entry<R: Read>(&mut self, entry: &mut tar::Entry<R>) -> Result<(), ImageError> {
        let raw = entry.path_bytes().into_owned();
        let comps = components(&raw)?;
        let header = entry.header();
        let kind = header.entry_type();
        let mode = header.mode().map_err(|e| io_err("mode of", &raw, e))? & 0o7777;
        let (uid, gid) = (header.uid().unwrap_or(0), header.gid().unwrap_or(0));
        let mtime = header.mtime().unwrap_or(0);
        let Some((&name, parents)) = comps.split_last() else {
            // `./`: the layer's root directory itself.
            if kind.is_dir() {
                self.dir_modes.push((Vec::new(), mode));
            }
            return Ok(());
        };
        let parent = self.dir(parents)?;
        if name == OPAQUE {
            return self.set_opaque(&parent, &raw);
        }
        if let Some(hidden) = name.strip_prefix(WHITEOUT) {
            if hidden.is_empty() || hidden == b"." || hidden == b".." {
                return Err(ImageError::Unpack(format!("bad whiteout {:?} in a layer", String::from_utf8_lossy(&raw))));
            }
            self.clear(&parent, hidden, false);
            let dev = nix::sys::stat::makedev(0, 0);
            nix::sys::stat::mknodat(&parent, OsStr::from_bytes(hidden), SFlag::S_IFCHR, Mode::empty(), dev)
                .map_err(|e| io_err("whiteout", &raw, e))?;
            return Ok(());
        }
        let os_name = OsStr::from_bytes(name);
        self.stats.files += 1;
        match kind {
            tar::EntryType::Directory => {
                self.clear(&parent, name, true);
                match nix::sys::stat::mkdirat(&parent, os_name, Mode::from_bits_truncate(0o700)) {
                    Ok(()) | Err(Errno::EEXIST) => {}
                    Err(e) => return Err(io_err("mkdir", &raw, e)),
                }
                self.chown_at(&parent, name, uid, gid);
                self.dir_modes.push((comps.join(&b'/'), mode));
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                self.clear(&parent, name, false);
                let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
                let fd = nix::fcntl::openat(&parent, os_name, flags, Mode::from_bits_truncate(0o600))
                    .map_err(|e| io_err("create", &raw, e))?;
                let mut file = std::fs::File::from(fd);
                // Streamed: no layer, and no file of it, is held in memory.
                let n = std::io::copy(entry, &mut file).map_err(|e| io_err("reading the layer at", &raw, e))?;
                self.stats.bytes += n;
                if self.privileged {
                    let (u, g) = (nix::unistd::Uid::from_raw(uid as u32), nix::unistd::Gid::from_raw(gid as u32));
                    let _ = nix::unistd::fchown(file.as_fd(), Some(u), Some(g));
                }
                // After chown, which clears set-id bits.
                nix::sys::stat::fchmod(file.as_fd(), Mode::from_bits_truncate(mode))
                    .map_err(|e| io_err("chmod", &raw, e))?;
                let t = nix::sys::time::TimeSpec::new(mtime as i64, 0);
                let _ = nix::sys::stat::futimens(file.as_fd(), &t, &t);
            }
            tar::EntryType::Symlink => {
                let target = entry.link_name_bytes().ok_or_else(|| io_err("symlink without a target:", &raw, ""))?;
                self.clear(&parent, name, false);
                // The target is stored as written: it is never followed
                // while unpacking, and inside a block it resolves in the
                // block's root.
                nix::unistd::symlinkat(OsStr::from_bytes(&target), &parent, os_name)
                    .map_err(|e| io_err("symlink", &raw, e))?;
                self.chown_at(&parent, name, uid, gid);
            }
            tar::EntryType::Link => {
                let target = entry.link_name_bytes().ok_or_else(|| io_err("hard link without a target:", &raw, ""))?;
                let tcomps = components(&target)?;
                let Some((&tname, tparents)) = tcomps.split_last() else {
                    return Err(io_err("hard link to the root:", &raw, ""));
                };
                let tparent = self.dir(tparents)?;
                self.clear(&parent, name, false);
                // linkat without AT_SYMLINK_FOLLOW links the name itself.
                nix::unistd::linkat(&tparent, OsStr::from_bytes(tname), &parent, os_name, AtFlags::empty())
                    .map_err(|e| io_err("hard link", &raw, e))?;
            }
            tar::EntryType::Fifo => {
                self.clear(&parent, name, false);
                nix::sys::stat::mknodat(&parent, os_name, SFlag::S_IFIFO, Mode::from_bits_truncate(mode), 0)
                    .map_err(|e| io_err("fifo", &raw, e))?;
                self.chown_at(&parent, name, uid, gid);
            }
            // Device nodes are not unpacked: a block's /dev is its own and
            // every other mount is nodev, so they would open nothing.
            tar::EntryType::Char | tar::EntryType::Block => self.stats.files -= 1,
            // PAX and GNU headers are read by the tar crate itself.
            _ => self.stats.files -= 1,
        }
        Ok(())
    }
}

/// Empties a directory through its fd (`unlinkat` by name, descending
/// with `openat(O_NOFOLLOW)`): a path swapped for a symlink meanwhile
/// cannot redirect it.
pub fn remove_tree_at(dir: OwnedFd) {
    let Ok(mut d) = nix::dir::Dir::from_fd(dir) else { return };
    let names: Vec<Vec<u8>> =
        d.iter().flatten().map(|e| e.file_name().to_bytes().to_vec()).filter(|n| n != b"." && n != b"..").collect();
    let fd = d.as_fd();
    for n in names {
        let _ = remove_at(fd, OsStr::from_bytes(&n));
    }
}

/// Removes `name` in the directory `dir`, and everything below it,
/// through the fd: never by a path that could be swapped.
pub fn remove_at(dir: BorrowedFd, name: &OsStr) -> Result<(), Errno> {
    let err = match nix::unistd::unlinkat(dir, name, nix::unistd::UnlinkatFlags::NoRemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => return Ok(()),
        Err(e) => e,
    };
    // A directory left unreadable (overlay's work/work is 000): make
    // it ours first, through an O_PATH fd of the directory itself (no
    // link followed), then open it for reading.
    let path_flags = OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let Ok(p) = nix::fcntl::openat(dir, name, path_flags, Mode::empty()) else { return Err(err) };
    let _ = std::fs::set_permissions(
        format!("/proc/self/fd/{}", p.as_raw_fd()),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    );
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    if let Ok(sub) = nix::fcntl::openat(dir, name, flags, Mode::empty()) {
        remove_tree_at(sub);
    }
    nix::unistd::unlinkat(dir, name, nix::unistd::UnlinkatFlags::RemoveDir)
}

/// Removes `path` and everything below it, without following links.
pub fn remove_tree(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(m) if !m.is_dir() => return std::fs::remove_file(path),
        Ok(_) => {}
    }
    let _ = std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = nix::fcntl::open(path, flags, Mode::empty()).map_err(std::io::Error::from)?;
    remove_tree_at(fd);
    std::fs::remove_dir(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(components(b"./bin/sh").unwrap(), [b"bin".as_slice(), b"sh"]);
        assert_eq!(components(b"a//b/./c/").unwrap(), [b"a".as_slice(), b"b", b"c"]);
        assert!(components(b"./").unwrap().is_empty());
        assert!(components(b"../etc/passwd").unwrap_err().to_string().contains("climbs out"));
        assert!(components(b"a/../../b").unwrap_err().to_string().contains("climbs out"));
        assert!(components(b"/etc/passwd").unwrap_err().to_string().contains("absolute"));
    }
}
