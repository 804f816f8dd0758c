//! Images in: `isolate --image oci:DIR[:TAG]` (an OCI image layout, as
//! skopeo, umoci, buildah and `podman save --format oci-dir` write it) and
//! `docker-archive:FILE.tar` (`docker save`, `podman save`).
//!
//! Every blob is checked against its sha256 digest (and size) before it is
//! used; layers are unpacked once into a content-addressed store under
//! `$XDG_DATA_HOME/isosh/images/layers/<diff id>` (a layer two images
//! share is stored once), each into a temporary directory renamed into
//! place only when complete, so a failure never leaves a half-written
//! layer. A block stacks the layers as overlay lowerdirs (rootfs.rs).

pub mod bundle;
pub mod commit;
pub mod docker;
pub mod store;
pub mod unpack;

use crate::isolate::{PrivateDirError, Unsafe};
use nix::errno::Errno;
use nix::fcntl::{AT_FDCWD, OFlag};
use nix::sys::stat::{Mode, SFlag};
use oci_spec::image::{Descriptor, ImageConfiguration, ImageIndex, ImageManifest, MediaType};
use sha2::{Digest as _, Sha256};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

/// Why an image could not be named, loaded, stored, committed, exported or
/// entered, by the step that failed; each carries the whole message. Every
/// one ends an isolate block with status 125 ([`ImageError::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// The text of `--image` or `--commit` names no image (`oci:DIR[:TAG]`,
    /// `docker-archive:FILE.tar`).
    #[error("{0}")]
    Reference(String),
    /// Reading the image: its layout or archive, an index, manifest, config
    /// or blob, and checking each against its digest, size and platform.
    #[error("{0}")]
    Load(String),
    /// Unpacking a layer's tar stream into the store (a path that climbs
    /// out, a member type the store refuses).
    #[error("{0}")]
    Unpack(String),
    /// The image store under `$XDG_DATA_HOME/isosh/images`: opening it,
    /// recording an image, removing one.
    #[error("{0}")]
    Store(String),
    /// `--commit`: turning the block's upper layer into a new image.
    #[error("{0}")]
    Commit(String),
    /// `--export-bundle`: writing an OCI runtime bundle.
    #[error("{0}")]
    Bundle(String),
    /// The image's `User`: not in its /etc/passwd, or not switched to.
    #[error("{0}")]
    User(String),
}

impl ImageError {
    /// The status a block that meets this error ends with: an isolate setup
    /// failure.
    pub fn status(&self) -> i32 {
        crate::status::SETUP_FAILED
    }
}

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// `oci:DIR[:TAG]`
    Oci {
        /// The image layout's directory.
        dir: PathBuf,
        /// The tag (`org.opencontainers.image.ref.name`), if given.
        tag: Option<String>,
    },
    /// `docker-archive:FILE`
    DockerArchive {
        /// The `docker save` tar file.
        file: PathBuf,
    },
}

impl ImageRef {
    /// Reads `oci:DIR[:TAG]` or `docker-archive:FILE`.
    pub fn parse(text: &str) -> Result<ImageRef, ImageError> {
        if let Some(rest) = text.strip_prefix("oci:") {
            if rest.is_empty() {
                return Err(ImageError::Reference(format!("--image {text}: expected oci:DIR[:TAG]")));
            }
            // A tag is what follows the last ':' unless the whole is a directory.
            if let Some((dir, tag)) = rest.rsplit_once(':')
                && !tag.contains('/')
                && !Path::new(rest).is_dir()
            {
                if tag.is_empty() || dir.is_empty() {
                    return Err(ImageError::Reference(format!("--image {text}: expected oci:DIR[:TAG]")));
                }
                return Ok(ImageRef::Oci { dir: PathBuf::from(dir), tag: Some(tag.to_string()) });
            }
            return Ok(ImageRef::Oci { dir: PathBuf::from(rest), tag: None });
        }
        if let Some(file) = text.strip_prefix("docker-archive:") {
            if file.is_empty() {
                return Err(ImageError::Reference(format!("--image {text}: expected docker-archive:FILE.tar")));
            }
            return Ok(ImageRef::DockerArchive { file: PathBuf::from(file) });
        }
        Err(ImageError::Reference(format!("--image {text}: expected oci:DIR[:TAG] or docker-archive:FILE.tar")))
    }
}

/// An image ready for a block: its config and its unpacked layers.
#[derive(Debug, Clone)]
pub struct Image {
    /// As the user wrote it.
    pub reference: String,
    /// `sha256:…` of the manifest (for docker archives, of the config).
    pub id: String,
    /// The image's config (Env, WorkingDir, User, Entrypoint, Cmd…).
    pub config: ImageConfiguration,
    /// Unpacked layer directories, bottom first (manifest order).
    pub layers: Vec<PathBuf>,
}

impl Image {
    /// `Env` as pairs.
    pub fn env(&self) -> Vec<(String, String)> {
        let list = self.config.config().as_ref().and_then(|c| c.env().clone()).unwrap_or_default();
        list.iter()
            .filter_map(|e| e.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .filter(|(k, _)| crate::syntax::lexer::is_valid_name(k))
            .collect()
    }

    /// `WorkingDir`, when it is an absolute path.
    pub fn workdir(&self) -> Option<String> {
        let dir = self.config.config().as_ref()?.working_dir().clone()?;
        (dir.starts_with('/')).then_some(dir)
    }

    /// `User`, when set.
    pub fn user(&self) -> Option<String> {
        self.config.config().as_ref()?.user().clone().filter(|u| !u.is_empty())
    }

    /// `Entrypoint` followed by `Cmd`: what an empty body runs.
    pub fn command(&self) -> Vec<String> {
        let Some(c) = self.config.config().as_ref() else { return Vec::new() };
        let mut argv = c.entrypoint().clone().unwrap_or_default();
        argv.extend(c.cmd().clone().unwrap_or_default());
        argv
    }
}

/// The architecture name images use for this machine (GOARCH).
pub fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        "loongarch64" => "loong64",
        other => other,
    }
}

/// A `sha256:<64 hex>` digest's hex part; anything else is refused (the
/// hex names files, so it must never hold a `/` or `..`).
pub fn sha256_hex(digest: &str) -> Result<&str, ImageError> {
    let hex = digest
        .strip_prefix("sha256:")
        .ok_or_else(|| ImageError::Load(format!("unsupported digest {digest:?} (only sha256)")))?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(ImageError::Load(format!("malformed digest {digest:?}")));
    }
    Ok(hex)
}

/// A reader that hashes (and counts) what passes through it.
pub struct Hashing<R> {
    /// The reader hashed.
    pub inner: R,
    /// The sha256 of every byte read so far.
    pub hasher: Sha256,
    /// How many bytes were read.
    pub count: u64,
}

impl<R: Read> Hashing<R> {
    /// Hashes what is read from `inner`.
    pub fn new(inner: R) -> Self {
        Hashing { inner, hasher: Sha256::new(), count: 0 }
    }

    /// Reads what is left, then gives `sha256:<hex>` and the byte count.
    pub fn finish(mut self) -> std::io::Result<(String, u64)> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok((format!("sha256:{}", hex(&self.hasher.finalize())), self.count))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

/// `sha256:<hex>` of some bytes.
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Why a file an image names (a blob, `index.json`, the image's
/// `/etc/passwd`) was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadRefused {
    /// A FIFO would block the shell, a device might never end.
    #[error("is not a regular file")]
    NotRegular,
    /// Only the image's own files are read, never a link out of them.
    #[error("is a symlink")]
    Symlink,
    /// More than the descriptor (or the reader) allows.
    #[error("is larger than {0} bytes")]
    TooLarge(u64),
    /// Opening or reading it failed.
    #[error("{0}")]
    Io(std::io::Error),
}

impl From<Errno> for ReadRefused {
    fn from(e: Errno) -> Self {
        if e == Errno::ELOOP { ReadRefused::Symlink } else { ReadRefused::Io(e.into()) }
    }
}

impl From<std::io::Error> for ReadRefused {
    fn from(e: std::io::Error) -> Self {
        ReadRefused::Io(e)
    }
}

/// Opens `path` (below `dir`) to read it, if it is a regular file: a
/// symlink at its last component is not followed, and the open does not
/// block (a FIFO's waits for a writer; a review helper hung `isolate
/// --image` on a blob that was one).
pub(crate) fn open_regular(dir: impl AsFd, path: &Path) -> Result<File, ReadRefused> {
    let flags = OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    regular(File::from(nix::fcntl::openat(dir, path, flags, Mode::empty())?))
}

/// `file`, if it is a regular file.
fn regular(file: File) -> Result<File, ReadRefused> {
    if !file.metadata()?.is_file() {
        return Err(ReadRefused::NotRegular);
    }
    Ok(file)
}

/// All of `file`, refused past `cap` bytes (a file may grow after its
/// size was looked at).
pub(crate) fn read_capped(file: impl Read, cap: u64) -> Result<Vec<u8>, ReadRefused> {
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadRefused::TooLarge(cap));
    }
    Ok(bytes)
}

/// An OCI layout's `index.json` (a regular file, not past 16 MiB).
fn read_index(dir: impl AsFd, path: &Path) -> Result<ImageIndex, ImageError> {
    let bytes = open_regular(dir, path)
        .and_then(|f| read_capped(f, 16 << 20))
        .map_err(|e| ImageError::Load(format!("{}: {e}", path.display())))?;
    ImageIndex::from_reader(&bytes[..]).map_err(|e| ImageError::Load(format!("{}: {e}", path.display())))
}

/// A directory isosh writes an image or a bundle into (`--commit
/// oci:DIR`, `--export-bundle DIR`), held by its fd. Only the caller (or
/// root) may change it, and every name in it is made with
/// `O_CREAT|O_EXCL|O_NOFOLLOW` (or `mkdirat`) and put in place by
/// `renameat`: a review helper had root write through symlinks planted
/// in a layout another user prepared (`oci-layout -> /etc/shadow`, a
/// dangling `config.json` link, `blobs` leading elsewhere).
pub(crate) struct OutDir {
    fd: OwnedFd,
    /// What messages call it.
    pub path: PathBuf,
}

impl OutDir {
    /// `dir`, made 0700 where missing, if only the caller controls it
    /// and every directory above it ([`crate::isolate::private_dir`]).
    pub fn private(dir: &Path) -> Result<OutDir, PrivateDirError> {
        let io = |error| PrivateDirError::Io { path: dir.to_path_buf(), error };
        let path = crate::isolate::private_dir(&std::path::absolute(dir).map_err(io)?)?;
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = nix::fcntl::open(&path, flags, Mode::empty()).map_err(|e| io(e.into()))?;
        let out = OutDir { fd, path };
        out.trusted()?;
        Ok(out)
    }

    /// The directory `name` in it, made (0755) where missing; like this
    /// one, it must be no symlink, the caller's or root's, and writable by
    /// no one else.
    pub fn subdir(&self, name: &str) -> Result<OutDir, PrivateDirError> {
        let path = self.path.join(name);
        let refuse = |why| PrivateDirError::Refused { dir: self.path.clone(), path: path.clone(), why };
        match nix::sys::stat::mkdirat(&self.fd, name, Mode::from_bits_truncate(0o755)) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => return Err(PrivateDirError::Io { path, error: e.into() }),
        }
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let fd = match nix::fcntl::openat(&self.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::ELOOP | Errno::ENOTDIR) => {
                let st = nix::sys::stat::fstatat(&self.fd, name, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW);
                let link = st.is_ok_and(|st| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFLNK);
                return Err(refuse(if link { Unsafe::Symlink } else { Unsafe::NotADirectory }));
            }
            Err(e) => return Err(PrivateDirError::Io { path, error: e.into() }),
        };
        let sub = OutDir { fd, path };
        sub.trusted()?;
        Ok(sub)
    }

    /// Whether the directory, as opened, is one only the caller (or root)
    /// may change.
    fn trusted(&self) -> Result<(), PrivateDirError> {
        let refuse = |why| PrivateDirError::Refused { dir: self.path.clone(), path: self.path.clone(), why };
        let st = nix::sys::stat::fstat(&self.fd)
            .map_err(|e| PrivateDirError::Io { path: self.path.clone(), error: e.into() })?;
        let me = nix::unistd::geteuid().as_raw();
        if st.st_uid != me && st.st_uid != 0 {
            return Err(refuse(Unsafe::OtherOwner(st.st_uid)));
        }
        if st.st_mode & 0o022 != 0 {
            return Err(refuse(Unsafe::WritableByOthers(st.st_mode & 0o7777)));
        }
        Ok(())
    }

    /// A new file `name` to write, with `mode`: never a name that exists,
    /// never through a link.
    pub fn create(&self, name: &str, mode: u32) -> std::io::Result<File> {
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        Ok(File::from(nix::fcntl::openat(&self.fd, name, flags, Mode::from_bits_truncate(mode))?))
    }

    /// A new temporary file (`.tmp-<pid>-<n>`, 0644) and its name; a
    /// leftover of that name (a dead isosh's, or planted) is removed
    /// first, never written through.
    pub fn temp(&self) -> std::io::Result<(String, File)> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!(".tmp-{}-{n}", std::process::id());
        unpack::remove_at(self.fd.as_fd(), name.as_ref())?;
        let file = self.create(&name, 0o644)?;
        Ok((name, file))
    }

    /// Renames `from` to `to` in it (replacing `to`, even a symlink,
    /// without following it).
    pub fn rename(&self, from: &str, to: &str) -> std::io::Result<()> {
        Ok(nix::fcntl::renameat(&self.fd, from, &self.fd, to)?)
    }

    /// Removes `name` (and what is below it).
    pub fn remove(&self, name: &str) {
        let _ = unpack::remove_at(self.fd.as_fd(), name.as_ref());
    }

    /// Whether anything (a dangling symlink too) is called `name` in it.
    pub fn holds(&self, name: &str) -> bool {
        nix::sys::stat::fstatat(&self.fd, name, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW).is_ok()
    }

    /// Writes `name` whole: a temporary file renamed over it.
    pub fn replace(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        let (tmp, mut file) = self.temp()?;
        let written = file.write_all(bytes).and_then(|()| self.rename(&tmp, name));
        if written.is_err() {
            self.remove(&tmp);
        }
        written
    }
}

impl AsFd for OutDir {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Checks an OCI layout's blob against its descriptor, streaming, and
/// gives it open, from its start.
fn checked_blob(dir: &Path, desc: &Descriptor) -> Result<File, ImageError> {
    use std::io::Seek;
    let digest = desc.digest().to_string();
    let path = dir.join("blobs/sha256").join(sha256_hex(&digest)?);
    let mut file = open_regular(AT_FDCWD, &path)
        .map_err(|e| ImageError::Load(format!("blob {digest}: {}: {e}", path.display())))?;
    let len = file.metadata().map_err(|e| ImageError::Load(format!("blob {digest}: {e}")))?.len();
    if len != desc.size() {
        return Err(ImageError::Load(format!(
            "size mismatch: blob {digest} has {len} bytes, its descriptor says {}",
            desc.size()
        )));
    }
    // No further than the descriptor says, should the file grow meanwhile.
    let (got, _) = Hashing::new(std::io::BufReader::with_capacity(1 << 16, (&file).take(desc.size())))
        .finish()
        .map_err(|e| ImageError::Load(format!("blob {digest}: {e}")))?;
    if got != digest {
        return Err(ImageError::Load(format!(
            "digest mismatch: blob {} is {got}, the manifest says {digest}",
            path.display()
        )));
    }
    file.rewind().map_err(|e| ImageError::Load(format!("blob {digest}: {e}")))?;
    Ok(file)
}

/// What identifies a file's content without reading it: device, inode,
/// size, and the modification and change times (a write, a rename over it
/// or a `touch` changes one of them; the change time cannot be set back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// Manifests and configs already checked by this shell, by path: a block
/// resolves its image twice (the layout, then the load) and a script may
/// run many blocks on one image. An entry is used only while the file is
/// the same file, unchanged, and for the same digest; otherwise it is
/// checked again.
type BlobCache = std::collections::HashMap<PathBuf, (FileId, String, std::sync::Arc<Vec<u8>>)>;
static SMALL_BLOBS: std::sync::Mutex<Option<BlobCache>> = std::sync::Mutex::new(None);

/// A small JSON blob (index, manifest, config), checked and read (once
/// per shell while the file stays as it was).
fn small_blob(dir: &Path, desc: &Descriptor) -> Result<std::sync::Arc<Vec<u8>>, ImageError> {
    if desc.size() > 16 << 20 {
        return Err(ImageError::Load(format!(
            "blob {} is too large for a manifest or config ({} bytes)",
            desc.digest(),
            desc.size()
        )));
    }
    let digest = desc.digest().to_string();
    let path = dir.join("blobs/sha256").join(sha256_hex(&digest)?);
    let refused = |e: ReadRefused| ImageError::Load(format!("blob {digest}: {}: {e}", path.display()));
    let file = open_regular(AT_FDCWD, &path).map_err(refused)?;
    let meta = file.metadata().map_err(|e| refused(e.into()))?;
    let id = FileId::of(&meta);
    if let Ok(cache) = SMALL_BLOBS.lock()
        && let Some((known, d, bytes)) = cache.as_ref().and_then(|c| c.get(&path))
        && *known == id
        && *d == digest
    {
        return Ok(bytes.clone());
    }
    if meta.len() != desc.size() {
        return Err(ImageError::Load(format!(
            "size mismatch: blob {digest} has {} bytes, its descriptor says {}",
            meta.len(),
            desc.size()
        )));
    }
    // Read once, then checked from memory (it is small): what is checked
    // is what is parsed.
    let bytes = read_capped(file, desc.size()).map_err(refused)?;
    let got = digest_of(&bytes);
    if got != digest {
        return Err(ImageError::Load(format!(
            "digest mismatch: blob {} is {got}, the manifest says {digest}",
            path.display()
        )));
    }
    if bytes.len() as u64 != desc.size() {
        return Err(ImageError::Load(format!(
            "size mismatch: blob {digest} has {} bytes, its descriptor says {}",
            bytes.len(),
            desc.size()
        )));
    }
    let bytes = std::sync::Arc::new(bytes);
    if let Ok(mut cache) = SMALL_BLOBS.lock() {
        cache.get_or_insert_with(Default::default).insert(path, (FileId::of(&meta), digest, bytes.clone()));
    }
    Ok(bytes)
}

fn platform_text(desc: &Descriptor) -> Option<String> {
    desc.platform().as_ref().map(|p| format!("{}/{}", p.os(), p.architecture()))
}

fn for_this_machine(desc: &Descriptor) -> bool {
    desc.platform()
        .as_ref()
        .is_none_or(|p| p.architecture().to_string() == host_arch() && p.os().to_string() == "linux")
}

/// Picks the manifest for `tag` (or the only one) and this machine's
/// platform from an index, following nested indexes.
fn pick_manifest(dir: &Path, index: &ImageIndex, tag: Option<&str>, depth: u32) -> Result<Descriptor, ImageError> {
    const REF_NAME: &str = "org.opencontainers.image.ref.name";
    let tag_of = |d: &Descriptor| d.annotations().as_ref().and_then(|a| a.get(REF_NAME).cloned());
    let mut candidates: Vec<&Descriptor> = index.manifests().iter().collect();
    if let Some(tag) = tag {
        let tags: Vec<String> = candidates.iter().filter_map(|d| tag_of(d)).collect();
        candidates.retain(|d| tag_of(d).as_deref() == Some(tag));
        if candidates.is_empty() {
            let known = if tags.is_empty() { "none".to_string() } else { tags.join(", ") };
            return Err(ImageError::Load(format!("no image tagged {tag:?} in {} (tags: {known})", dir.display())));
        }
    }
    let platforms: Vec<String> = candidates.iter().filter_map(|d| platform_text(d)).collect();
    candidates.retain(|d| for_this_machine(d));
    let desc = match candidates.as_slice() {
        [] if platforms.is_empty() => {
            return Err(ImageError::Load(format!("{}: the index lists no image", dir.display())));
        }
        [] => {
            return Err(ImageError::Load(format!(
                "wrong architecture: the image is for {}, this machine is linux/{}",
                platforms.join(", "),
                host_arch()
            )));
        }
        [one] => (*one).clone(),
        many if tag.is_none() && many.iter().filter(|d| tag_of(d).is_some()).count() > 1 => {
            let tags: Vec<String> = many.iter().filter_map(|d| tag_of(d)).collect();
            return Err(ImageError::Load(format!(
                "{} holds several images; name one as oci:DIR:TAG ({})",
                dir.display(),
                tags.join(", ")
            )));
        }
        [first, ..] => (*first).clone(),
    };
    if *desc.media_type() == MediaType::ImageIndex {
        if depth > 4 {
            return Err(ImageError::Load("image indexes nested too deep".into()));
        }
        let bytes = small_blob(dir, &desc)?;
        let nested = ImageIndex::from_reader(&bytes[..])
            .map_err(|e| ImageError::Load(format!("index {}: {e}", desc.digest())))?;
        return pick_manifest(dir, &nested, None, depth + 1);
    }
    Ok(desc)
}

/// Checks that a config is for this machine.
pub fn check_platform(config: &ImageConfiguration) -> Result<(), ImageError> {
    let (arch, os) = (config.architecture().to_string(), config.os().to_string());
    if arch != host_arch() || os != "linux" {
        return Err(ImageError::Load(format!(
            "wrong architecture: the image is for {os}/{arch}, this machine is linux/{}",
            host_arch()
        )));
    }
    Ok(())
}

/// A layer as an image names it: where its bytes are and what they must
/// hash to.
pub struct LayerSource {
    /// Opens the (possibly compressed) layer stream, already checked
    /// against the blob digest where the format has one.
    pub open: Box<dyn Fn() -> Result<Box<dyn Read>, ImageError>>,
    /// `sha256:…` of the uncompressed tar (the config's diff id).
    pub diff_id: String,
    /// What the progress line calls it (`layer sha256:…`).
    pub what: String,
    /// Bytes `open` yields (for the progress line).
    pub size: u64,
}

/// What an image format yields before unpacking.
pub struct Resolved {
    /// `sha256:…` of the manifest (for docker archives, of the config).
    pub id: String,
    /// The image's config.
    pub config: ImageConfiguration,
    /// Its layers, bottom first.
    pub layers: Vec<LayerSource>,
}

fn resolve_oci(dir: &Path, tag: Option<&str>) -> Result<Resolved, ImageError> {
    if !dir.join("oci-layout").is_file() {
        return Err(ImageError::Load(format!("{}: not an OCI image layout (no oci-layout file)", dir.display())));
    }
    let index = read_index(AT_FDCWD, &dir.join("index.json"))?;
    let desc = pick_manifest(dir, &index, tag, 0)?;
    let bytes = small_blob(dir, &desc)?;
    let manifest = ImageManifest::from_reader(&bytes[..])
        .map_err(|e| ImageError::Load(format!("manifest {}: {e}", desc.digest())))?;
    let config_bytes = small_blob(dir, manifest.config())?;
    let config = ImageConfiguration::from_reader(&config_bytes[..])
        .map_err(|e| ImageError::Load(format!("config {}: {e}", manifest.config().digest())))?;
    check_platform(&config)?;
    let diff_ids = config.rootfs().diff_ids();
    if diff_ids.len() != manifest.layers().len() {
        return Err(ImageError::Load(format!(
            "the manifest lists {} layers, the config {} diff ids",
            manifest.layers().len(),
            diff_ids.len()
        )));
    }
    let mut layers = Vec::new();
    for (layer, diff_id) in manifest.layers().iter().zip(diff_ids) {
        sha256_hex(diff_id)?;
        let (dir, layer) = (dir.to_path_buf(), layer.clone());
        let size = layer.size();
        let what = format!("layer {}", layer.digest());
        layers.push(LayerSource {
            open: Box::new(move || {
                let file = checked_blob(&dir, &layer)?;
                Ok(Box::new(file.take(size)) as Box<dyn Read>)
            }),
            diff_id: diff_id.clone(),
            what,
            size,
        });
    }
    Ok(Resolved { id: desc.digest().to_string(), config, layers })
}

fn resolve(reference: &str) -> Result<Resolved, ImageError> {
    match ImageRef::parse(reference)? {
        ImageRef::Oci { dir, tag } => resolve_oci(&dir, tag.as_deref()),
        ImageRef::DockerArchive { file } => docker::resolve(&file),
    }
}

/// The image as a block would see it, its layers where the store keeps
/// them, unpacking nothing (`explain`).
pub fn plan(reference: &str) -> Result<Image, ImageError> {
    let resolved = resolve(reference)?;
    let store = store::Store {
        root: store::Store::dir().ok_or_else(|| ImageError::Load("no data directory for the image store".into()))?,
    };
    let layers = resolved.layers.iter().map(|l| store.layer_dir(&l.diff_id)).collect::<Result<_, _>>()?;
    Ok(Image { reference: reference.to_string(), id: resolved.id, config: resolved.config, layers })
}

/// Resolves a reference (checking every digest) and unpacks what the
/// store does not have yet.
pub fn load(reference: &str) -> Result<Image, ImageError> {
    let resolved = resolve(reference)?;
    let store = store::Store::open()?;
    let mut layers = Vec::new();
    for layer in &resolved.layers {
        layers.push(store.ensure_layer(layer)?);
    }
    store.record(reference, &resolved)?;
    Ok(Image { reference: reference.to_string(), id: resolved.id, config: resolved.config, layers })
}

/// The image's `User` (`uid`, `uid:gid`, `name`, `name:group`), looked
/// up in the block's own `/etc/passwd` and `/etc/group` (init is in the
/// new root by now).
pub fn lookup_user(user: &str) -> Result<(u32, u32), ImageError> {
    let root = nix::fcntl::open("/", OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|e| ImageError::User(format!("/: {e}")))?;
    lookup_user_in(user, &root)
}

/// [`lookup_user`] in the root filesystem `root` (a directory fd). Its
/// tables are resolved inside it (`RESOLVE_IN_ROOT`) and read only when
/// regular files, up to 1 MiB: `--export-bundle` reads an image's
/// `etc/passwd` on the host, where a link `etc/passwd -> /root/secret`
/// leaked a host file into config.json, `-> /dev/zero` ate memory and
/// `-> /dev/stdin` hung.
pub fn lookup_user_in(user: &str, root: &OwnedFd) -> Result<(u32, u32), ImageError> {
    let (u, g) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    let table = |file: &str| -> Result<String, ImageError> {
        let bytes = match unpack::open_in_root(root, file.as_bytes(), libc::O_RDONLY | libc::O_NONBLOCK) {
            Err(Errno::ENOENT) => return Ok(String::new()),
            Err(e) => Err(ReadRefused::from(e)),
            Ok(fd) => regular(File::from(fd)).and_then(|f| read_capped(f, 1 << 20)),
        };
        let bytes = bytes.map_err(|e| ImageError::User(format!("the image's /{file} {e}")))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    let find = |text: &str, name: &str, field: usize| {
        text.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.first() == Some(&name)).then(|| f.get(field).and_then(|v| v.parse::<u32>().ok())).flatten()
        })
    };
    let passwd = table("etc/passwd")?;
    let uid = match u.parse::<u32>() {
        Ok(n) => n,
        Err(_) => find(&passwd, u, 2)
            .ok_or_else(|| ImageError::User(format!("user {u:?} of the image is not in its /etc/passwd")))?,
    };
    let gid = match g {
        Some(g) => match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => find(&table("etc/group")?, g, 2)
                .ok_or_else(|| ImageError::User(format!("group {g:?} of the image is not in its /etc/group")))?,
        },
        // The user's primary group, else the uid's own number (docker: 0).
        None => passwd
            .lines()
            .find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.get(2).and_then(|v| v.parse::<u32>().ok()) == Some(uid)).then(|| f.get(3)?.parse().ok()).flatten()
            })
            .unwrap_or(0),
    };
    Ok((uid, gid))
}

/// Becomes the image's user (after the capabilities were reduced: a
/// change away from uid 0 clears them all, as in docker).
pub fn switch_user(user: &str, rootless: bool) -> Result<(), ImageError> {
    let (uid, gid) = lookup_user(user)?;
    if rootless && (uid != 0 || gid != 0) {
        return Err(ImageError::User(format!(
            "the image runs as user {uid}:{gid}, but a rootless block maps only uid 0 (run as root, or -e it away with --user 0 in the image)"
        )));
    }
    let (u, g) = (nix::unistd::Uid::from_raw(uid), nix::unistd::Gid::from_raw(gid));
    if !rootless {
        nix::unistd::setgroups(&[g]).map_err(|e| ImageError::User(format!("setgroups: {e}")))?;
    }
    nix::unistd::setresgid(g, g, g).map_err(|e| ImageError::User(format!("setgid {gid}: {e}")))?;
    nix::unistd::setresuid(u, u, u).map_err(|e| ImageError::User(format!("setuid {uid}: {e}")))?;
    Ok(())
}

/// In the body's process: runs the image's command (`Entrypoint` + `Cmd`)
/// with `env`, looking the program up in the `PATH` it holds.
pub fn exec(argv: &[String], env: &[std::ffi::CString]) -> i32 {
    use std::ffi::CString;
    let Some(name) = argv.first() else { return 0 };
    let path = env
        .iter()
        .find_map(|e| e.to_str().ok()?.strip_prefix("PATH=").map(String::from))
        .unwrap_or_else(|| "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into());
    let candidates: Vec<String> = if name.contains('/') {
        vec![name.clone()]
    } else {
        path.split(':').map(|d| format!("{}/{name}", if d.is_empty() { "." } else { d })).collect()
    };
    let Ok(args) = argv.iter().map(|a| CString::new(a.as_str())).collect::<Result<Vec<_>, _>>() else {
        eprintln!("isosh: isolate: the image's command holds a NUL byte");
        return 126;
    };
    let mut denied = false;
    for c in candidates {
        let Ok(prog) = CString::new(c) else { continue };
        match nix::unistd::execve(&prog, &args, env) {
            Err(nix::errno::Errno::EACCES) => denied = true,
            Err(_) => {}
        }
    }
    let (what, status) = if denied { ("permission denied", 126) } else { ("not found", 127) };
    eprintln!("isosh: {name}: {what}");
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            ImageRef::parse("oci:/srv/img:v1").unwrap(),
            ImageRef::Oci { dir: "/srv/img".into(), tag: Some("v1".into()) }
        );
        assert_eq!(ImageRef::parse("oci:img").unwrap(), ImageRef::Oci { dir: "img".into(), tag: None });
        assert_eq!(ImageRef::parse("docker-archive:a.tar").unwrap(), ImageRef::DockerArchive { file: "a.tar".into() });
        assert!(ImageRef::parse("busybox").unwrap_err().to_string().contains("oci:DIR"));
        assert!(ImageRef::parse("oci:").is_err());
    }

    #[test]
    fn digests_name_no_paths() {
        let ok = format!("sha256:{}", "a".repeat(64));
        assert!(sha256_hex(&ok).is_ok());
        assert!(sha256_hex("sha256:../../etc").is_err());
        assert!(sha256_hex(&format!("sha512:{}", "a".repeat(128))).is_err());
        assert_eq!(digest_of(b""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
