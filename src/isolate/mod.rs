//! `isolate [options] < body >`: the body runs as a container, as one stage
//! of the surrounding command line.
//!
//! Processes, outermost first:
//! - the **supervisor** — the shell itself, or the pipeline stage the block
//!   is — creates the cgroup (if limits are asked for), clones init into new
//!   namespaces and waits for init's report (`report.rs`), then reports
//!   (setup failure → 125, OOM kill → 137) and cleans up;
//! - **init** (PID 1 in the new pid namespace) applies the block's
//!   redirections, writes its user namespace's id maps (when not root),
//!   starts a thread that builds the root filesystem while it joins the
//!   cgroup, enters a cgroup namespace and makes a network namespace (with
//!   `lo` up), then mounts /sys and the volumes, enters the root, sets the
//!   hostname, drops privileges, closes
//!   every fd the block was not given, loads the seccomp filter, forks the
//!   body and reaps until it ends, then empties the namespace and sends the
//!   body's status;
//! - the **body** runs the block's commands with the normal executor.
//!
//! The block's fds 0, 1 and 2 are whatever its stage was given: bytes move
//! through kernel pipes only.

pub mod cgroup;
mod cleaner;
pub mod cleanup;
mod doctor;
pub mod image;
mod init;
mod lanes;
pub mod namespaces;
mod report;
pub mod rootfs;
pub mod seccomp;
/// docker's default seccomp profile as plain data (build.rs compiles it).
pub mod seccomp_profile;
mod security;
pub mod setup;
pub mod spec;
pub mod steps;

use crate::expand::Context;
use crate::process::plan::{FdOp, FdRef};
use crate::process::spawn::{self, NoPipes, exit_child, write_all};
use crate::syntax::ast::IsolateBlock;
use cleanup::Resources;
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid};
use report::{Heard, Report};
use setup::Setup;
use spec::{IsolateSpec, Request};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use steps::{SetupStep, StepFailure};

/// The shell's fds 3–63 that the block leaves outside (a bit each): open
/// and inheritable, and not in `keep`. Listed from `dir`, /proc/self/fd
/// (probing every number with fcntl cost 60 system calls per block). The
/// fds init and its thread open are close-on-exec, so not counted.
fn left_outside(dir: std::os::fd::OwnedFd, keep: &[RawFd]) -> u64 {
    let Ok(mut entries) = nix::dir::Dir::from_fd(dir) else { return 0 };
    // Up to the first error: a failing getdents fails again at once.
    let open: Vec<RawFd> =
        (entries.iter()).map_while(Result::ok).filter_map(|e| e.file_name().to_str().ok()?.parse().ok()).collect();
    open.into_iter()
        .filter(|fd| (3..64).contains(fd) && !keep.contains(fd) && inheritable(*fd))
        .fold(0u64, |m, fd| m | 1 << fd)
}

/// Why `--rootfs DIR` may not be used as asked: with `--rw` the block
/// writes into DIR itself (a bind, no overlay), so DIR must not be the
/// host's `/` (also through a symlink), and must be the user's alone —
/// another user who may rename DIR's entries could swap `dev` for a
/// symlink while init mounts and creates files in it (a review helper
/// truncated a root-only file that way). `--export-bundle` copies DIR:
/// not the whole host.
fn rootfs_refused(spec: &IsolateSpec) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let dir = spec.rootfs.as_ref()?;
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
    let writes = spec.root_mode == spec::RootMode::ReadWrite;
    if real == std::path::Path::new("/") && (writes || spec.export_bundle.is_some()) {
        let what = if writes { "--rw would write the host's /" } else { "--export-bundle would copy the whole host" };
        return Some(format!("--rootfs {}: {what}", dir.display()));
    }
    if writes {
        let meta = std::fs::metadata(&real).ok()?;
        if meta.uid() != nix::unistd::geteuid().as_raw() || meta.mode() & 0o022 != 0 {
            return Some(format!(
                "--rw --rootfs {}: the directory must be yours and writable by you alone (the block writes into it)",
                dir.display()
            ));
        }
    }
    None
}

/// The first of the block's redirections that copies an fd the block may
/// not have: `N<&M` or `N>&M` where M is neither open in the shell (and
/// inheritable: isosh's own fds are close-on-exec) nor made by an earlier
/// redirection. Init applies the redirections in its own fd table, where
/// such an M names one of isosh's fds for the block — the cgroup
/// directory (a way up to the host's root), the report pipe (a forged
/// status) — and the copy, no longer close-on-exec, would cross into the
/// body. Fds 0–2 need only be open.
fn foreign_dup_source(ops: &[FdOp]) -> Option<&FdOp> {
    let mut made: Vec<RawFd> = Vec::new();
    let mut closed: Vec<RawFd> = Vec::new();
    for op in ops {
        if let FdOp::Dup { src: FdRef::Fd(m), .. } = op {
            let shells = !closed.contains(m) && if (0..3).contains(m) { is_open(*m) } else { inheritable(*m) };
            if !made.contains(m) && !shells {
                return Some(op);
            }
        }
        match (op, op.target()) {
            (FdOp::Close { .. }, Some(fd)) => {
                made.retain(|&f| f != fd);
                closed.push(fd);
            }
            (_, Some(fd)) => {
                made.push(fd);
                closed.retain(|&f| f != fd);
            }
            _ => {}
        }
    }
    None
}

fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only reads the fd's flags.
    unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
}

/// The fds the block keeps open past its set-up: those its redirections
/// leave open, in order (`3>f 3>&-` leaves 3 closed), and those passed
/// with `--fd` that no redirection closed. A closed one is not kept: init
/// opens fds of its own after the redirections (held layers and volume
/// sources, host paths), and one of those on a kept number would cross
/// into the body.
fn kept_fds(ops: &[FdOp], passed: &[RawFd]) -> Vec<RawFd> {
    let mut open: Vec<RawFd> = passed.to_vec();
    for op in ops {
        match (op, op.target()) {
            (FdOp::Close { .. }, Some(fd)) => open.retain(|&f| f != fd),
            (_, Some(fd)) if !open.contains(&fd) => open.push(fd),
            _ => {}
        }
    }
    open
}

/// Whether `fd` is one of the shell's open files that commands inherit
/// (open, not close-on-exec).
fn inheritable(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only reads the fd's flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    flags >= 0 && flags & libc::FD_CLOEXEC == 0
}

/// The stack init starts on (in its own copy of the shell's memory): an
/// anonymous mapping, so its pages cost nothing until used. (A zeroed Vec
/// of this size came from the heap after the first block — glibc raises its
/// mmap threshold — and was memset on every block.)
struct InitStack {
    base: std::ptr::NonNull<libc::c_void>,
}

impl InitStack {
    const SIZE: usize = 8 << 20;

    fn new() -> Option<Self> {
        // SAFETY: a fresh private anonymous mapping, unmapped in Drop.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                Self::SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED { None } else { std::ptr::NonNull::new(p).map(|base| InitStack { base }) }
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is SIZE bytes, readable and writable, and ours.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr().cast(), Self::SIZE) }
    }
}

impl Drop for InitStack {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in `new`.
        unsafe { libc::munmap(self.base.as_ptr(), Self::SIZE) };
    }
}

/// Status of a block whose setup failed (docker's convention): never one a
/// body's own exit could be mistaken for in practice.
pub const STATUS_SETUP_FAILED: i32 = crate::status::SETUP_FAILED;

/// `$XDG_DATA_HOME/isosh/layers`: named upper layers (`--name`).
pub fn layers_dir() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("isosh").join("layers"))
}

/// What an isolate block needs from the shell around it — the narrow
/// interface the executor implements, so that this module does not depend
/// on the executor's `Shell` (which calls [`run_block`]).
pub trait Host: Context {
    /// Why the shell stops running commands (`exit`, a fatal error): the
    /// executor's own type, which a block only passes through.
    type Abort;
    /// `isosh: MSG` on the current fd 2.
    fn error(&self, msg: &str);
    /// Runs `body` with `ops` applied to the shell's own fds, then undoes them.
    fn with_redirections(
        &mut self,
        ops: &[FdOp],
        special: bool,
        body: impl FnOnce(&mut Self) -> Exec<Self>,
    ) -> Exec<Self>;
    /// Whether the shell runs jobs on a terminal (the prompt).
    fn job_control(&self) -> bool;
    /// Notes an init still tearing its namespaces down, to reap later.
    fn note_exiting_init(&mut self, init: Pid);
    /// In a forked copy: drop what is the parent's business.
    fn become_child(&mut self);
    /// Starts a one-program body as the shell starts any program; its pid,
    /// or the status when it could not start; `None` for any other body.
    fn start_program(&mut self, list: &crate::syntax::ast::List) -> Option<Result<Pid, i32>>;
    /// Runs a body in this (forked) process; the status to exit with.
    fn run_list_in_child(&mut self, list: &crate::syntax::ast::List) -> i32;
}

/// A status, or the shell's reason to stop ([`Host::Abort`]).
pub type Exec<H> = Result<i32, <H as Host>::Abort>;

/// Says `isolate: MSG` on the block's own stderr — its redirections
/// applied, as a command's errors go — and gives status 125.
fn fail<H: Host>(sh: &mut H, ops: &[FdOp], msg: &str) -> Exec<H> {
    say(sh, ops, &format!("isolate: {msg}"));
    Ok(STATUS_SETUP_FAILED)
}

/// Prints `isosh: MSG` with the block's redirections applied (so
/// `isolate … < … > 2>/dev/null` silences isolate's own messages too), for
/// failures before init has run: the redirections are made once, here,
/// as for any command that fails.
fn say<H: Host>(sh: &mut H, ops: &[FdOp], msg: &str) {
    let _ = sh.with_redirections(ops, false, |sh| {
        sh.error(msg);
        Ok(0)
    });
}

/// Runs an isolate block (`ops` are the block's own redirections).
pub fn run_block<H: Host>(sh: &mut H, block: &IsolateBlock, ops: &[FdOp]) -> Exec<H> {
    let words = match crate::expand::expand_words(sh, &block.options) {
        Ok(w) => w,
        Err(e) => return fail(sh, ops, &e.to_string()),
    };
    let vars = &sh.state().vars;
    let request = spec::parse(&words, &|k| vars.get(k).map(String::from));
    if matches!(request, Ok(Request::Help | Request::Doctor)) && block.body.is_some() {
        let which = if matches!(request, Ok(Request::Help)) { "--help" } else { "--doctor" };
        sh.error(&format!("isolate: {which} runs no block; write `isolate {which}` alone"));
        return Ok(2);
    }
    let spec = match request {
        Ok(Request::Run(spec)) => spec,
        Ok(Request::Help) => return sh.with_redirections(ops, false, |sh| print(sh, &spec::help())),
        Ok(Request::Doctor) => {
            // Non-zero when a check failed, so scripts and CI can rely on it.
            let (text, healthy) = doctor::report();
            return sh.with_redirections(ops, false, |sh| {
                let printed = print(sh, &text)?;
                Ok(if healthy { printed } else { 1 })
            });
        }
        Err(e) => {
            say(sh, ops, &e.0);
            return Ok(STATUS_SETUP_FAILED);
        }
    };
    let Some(body) = &block.body else {
        return fail(sh, ops, "expected `< commands >` after the options");
    };
    supervise(sh, &spec, body, ops)
}

/// Whether this process runs under a block's restrictions: a seccomp
/// filter, or root without CAP_SYS_ADMIN. Asked only once clone has failed.
fn inside_a_block() -> bool {
    const CAP_SYS_ADMIN: u64 = 1 << 21;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
    let filtered = field("Seccomp:") == Some("2");
    let no_sys_admin =
        field("CapEff:").and_then(|h| u64::from_str_radix(h, 16).ok()).is_some_and(|caps| caps & CAP_SYS_ADMIN == 0);
    filtered || (nix::unistd::geteuid().is_root() && no_sys_admin)
}

fn print<H: Host>(sh: &H, text: &str) -> Exec<H> {
    if let Err(e) = write_all(1, text.as_bytes()) {
        sh.error(&format!("isolate: write error: {}", spawn::errno_text(e)));
        return Ok(1);
    }
    Ok(0)
}

/// The limits the spec asks for, as the cgroup module takes them.
pub(crate) fn limits(spec: &IsolateSpec) -> cgroup::Limits {
    cgroup::Limits { memory: spec.memory.as_ref().map(|m| m.0), pids: spec.pids_limit, cpus: spec.cpus }
}

/// Why a block's host-side resources could not be made (before init is
/// cloned); the block ends with status 125.
#[derive(Debug, thiserror::Error)]
enum PrepareError {
    /// The block's cgroups; `hint` says what a rootless shell lacks.
    #[error("step '{}' failed: {error}{hint}", SetupStep::CgroupFiles)]
    Cgroup { error: cgroup::CgroupError, hint: &'static str },
    /// `--image REFERENCE` could not be loaded.
    #[error("--image {reference}: {error}")]
    Image { reference: String, error: image::ImageError },
    /// The scratch layer `--commit` needs.
    #[error("{0}")]
    CommitLayer(image::ImageError),
    /// The named layer's directory is not one only the caller controls.
    #[error("--name {name}: {reason}")]
    NamedLayer { name: String, reason: PrivateDirError },
    /// `--name` with no data directory to keep layers in.
    #[error("no data directory for --name layers")]
    NoDataDir,
    /// Another block (or `isolates rm`) holds the named layer, or it
    /// could not be locked.
    #[error("--name {name}: {}", layer_lock_failure(*errno))]
    LayerInUse { name: String, errno: Errno },
}

/// Why [`lock_layer`] failed, in words.
pub(crate) fn layer_lock_failure(errno: Errno) -> String {
    if errno == Errno::EWOULDBLOCK {
        "the layer is in use by another block".to_string()
    } else {
        format!("cannot lock the layer: {}", errno.desc())
    }
}

/// Takes the named layer `dir` for this shell alone (`flock`, released
/// when the returned fd closes); EWOULDBLOCK when another holds it.
pub(crate) fn lock_layer(dir: &std::path::Path) -> Result<std::os::fd::OwnedFd, Errno> {
    use std::os::fd::AsRawFd;
    let fd = nix::fcntl::open(
        dir,
        nix::fcntl::OFlag::O_RDONLY
            | nix::fcntl::OFlag::O_DIRECTORY
            | nix::fcntl::OFlag::O_NOFOLLOW
            | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )?;
    // SAFETY: flock on an fd we own.
    Errno::result(unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) })?;
    Ok(fd)
}

/// Creates the host-side resources: the block's cgroups (the setup's plan,
/// in every hierarchy the shell may create one in; see cgroup.rs) and the
/// named layer directory.
fn prepare(spec: &IsolateSpec, setup: &Setup) -> Result<(Resources, rootfs::Layout), PrepareError> {
    let mut res = Resources::default();
    {
        let made = (setup.cgroup.as_ref().map_err(Clone::clone)).and_then(|plan| {
            res.journal_plan(plan);
            cgroup::apply(plan, &mut |op| crate::trace::emit(|| cgroup::describe(op)))
        });
        match made {
            Ok(cg) if cg.made.is_empty() => {
                res.release();
            }
            Ok(cg) => res.adopt_cgroup(cg),
            Err(error) => {
                let hint = if nix::unistd::geteuid().is_root() {
                    ""
                } else {
                    " (not root: limits need a cgroup v2 subtree delegated to you; see isolate --doctor)"
                };
                return Err(PrepareError::Cgroup { error, hint });
            }
        }
    }
    let mut layout = rootfs::Layout::of(spec);
    if let Some(reference) = &spec.image {
        let loaded =
            image::load(reference).map_err(|error| PrepareError::Image { reference: reference.clone(), error })?;
        layout.image = Some(Box::new(loaded));
    }
    if spec.commit.is_some() && layout.named_layer.is_none() {
        layout.named_layer = Some(image::commit::scratch_layer().map_err(PrepareError::CommitLayer)?);
    }
    if let Some(dir) = layout.named_layer.clone() {
        // Only the user reads their named layers: 0700, like docker's
        // /var/lib/docker (a layer holds whatever a body wrote). The layer
        // is the overlay's upper layer: whoever can change what its path
        // names (a planted `upper -> /etc`, a directory of theirs under
        // an XDG_DATA_HOME that `su` kept) decides where the block's
        // writes land on the host.
        let name = spec.name.as_deref().unwrap_or_default();
        let private =
            private_dir(&dir).map_err(|reason| PrepareError::NamedLayer { name: name.to_string(), reason })?;
        // For the whole block (the shell waits for init when there is a
        // named layer): overlayfs mounts an upper directory that another
        // overlay uses with no more than a warning, and two blocks writing
        // one layer — or one committing it while another swaps its files
        // for symlinks to host paths — is undefined.
        let lock = lock_layer(&private).map_err(|e| PrepareError::LayerInUse { name: name.to_string(), errno: e })?;
        res.layer_lock = Some(lock);
        layout.named_layer = Some(private);
    }
    if spec.name.is_some() && layout.named_layer.is_none() {
        return Err(PrepareError::NoDataDir);
    }
    Ok((res, layout))
}

/// Why a directory is not one only the caller controls (see [`private_dir`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum PrivateDirError {
    /// `path`, on the way to `dir` (or `dir` itself), is not safe.
    #[error("{}: {} {why}; refusing a directory another user could change", dir.display(), path.display())]
    Refused { dir: PathBuf, path: PathBuf, why: Unsafe },
    /// `path` could not be examined or made.
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
}

/// What makes a directory on the way unsafe.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unsafe {
    #[error("is not an absolute path")]
    NotAbsolute,
    #[error("is not a directory")]
    NotADirectory,
    /// The directory itself must be the caller's.
    #[error("belongs to uid {owner}, not to you (uid {me})")]
    NotYours { owner: u32, me: u32 },
    /// A directory above it must be the caller's or root's.
    #[error("belongs to uid {0}")]
    OtherOwner(u32),
    /// Group- or other-writable (and not root's sticky /tmp above it).
    #[error("may be written by others (mode {0:o})")]
    WritableByOthers(u32),
    #[error("is a symlink")]
    Symlink,
}

/// Makes sure the directory `dir` (made, 0700, where missing) is one only
/// the caller controls, and gives its resolved path: every directory on
/// the way is owned by the caller or root and writable by no one else —
/// or, like /tmp, root's and sticky, where no one may rename what another
/// made — a symlink on the way is followed only where such a directory
/// holds it, and `dir` itself, with the `upper` and `work` directories a
/// layer keeps in it, is the caller's and no symlink. Otherwise another
/// user could swap a link in (`upper -> /etc`) and have the caller write
/// through it (docker keeps its state in root-only /var/lib/docker; the
/// runtime journal is checked the same way).
pub(crate) fn private_dir(dir: &std::path::Path) -> Result<PathBuf, PrivateDirError> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    use std::path::{Component, Path};
    let me = nix::unistd::geteuid().as_raw();
    let refuse =
        |path: &Path, why: Unsafe| PrivateDirError::Refused { dir: dir.to_path_buf(), path: path.to_path_buf(), why };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| PrivateDirError::Io { path, error }
    };
    let trusted = |path: &Path, m: &std::fs::Metadata, last: bool| -> Result<(), PrivateDirError> {
        let mode = m.mode();
        let sticky_roots = mode & 0o1000 != 0 && m.uid() == 0;
        if !m.is_dir() {
            Err(refuse(path, Unsafe::NotADirectory))
        } else if last && m.uid() != me {
            Err(refuse(path, Unsafe::NotYours { owner: m.uid(), me }))
        } else if m.uid() != me && m.uid() != 0 {
            Err(refuse(path, Unsafe::OtherOwner(m.uid())))
        } else if mode & 0o022 != 0 && (last || !sticky_roots) {
            Err(refuse(path, Unsafe::WritableByOthers(mode & 0o7777)))
        } else {
            Ok(())
        }
    };
    // Every directory above a resolved path.
    let chain = |path: &Path| -> Result<(), PrivateDirError> {
        for p in path.ancestors() {
            let m = std::fs::symlink_metadata(p).map_err(io(p))?;
            trusted(p, &m, false)?;
        }
        Ok(())
    };
    if !dir.is_absolute() {
        return Err(refuse(dir, Unsafe::NotAbsolute));
    }
    let names: Vec<&std::ffi::OsStr> =
        dir.components().filter_map(|c| if let Component::Normal(n) = c { Some(n) } else { None }).collect();
    let mut at = PathBuf::from("/");
    chain(&at)?;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let next = at.join(name);
        let m = match std::fs::symlink_metadata(&next) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Made by name in a directory only we control: mkdir never
                // follows a link at its last component.
                std::fs::DirBuilder::new().mode(0o700).create(&next).map_err(io(&next))?;
                std::fs::symlink_metadata(&next).map_err(io(&next))?
            }
            Err(e) => return Err(io(&next)(e)),
        };
        if m.file_type().is_symlink() {
            if last {
                return Err(refuse(&next, Unsafe::Symlink));
            }
            // The link sits in a directory only we control, so it is ours;
            // where it leads must be too.
            let to = std::fs::canonicalize(&next).map_err(io(&next))?;
            chain(&to)?;
            at = to;
            continue;
        }
        trusted(&next, &m, last)?;
        at = next;
    }
    for sub in ["upper", "work"] {
        let p = at.join(sub);
        if let Ok(m) = std::fs::symlink_metadata(&p) {
            if m.file_type().is_symlink() {
                return Err(refuse(&p, Unsafe::Symlink));
            }
            trusted(&p, &m, true)?;
        }
    }
    Ok(at)
}

/// The supervisor: prepare, fork the container, wait, report, clean up.
fn supervise<H: Host>(sh: &mut H, spec: &IsolateSpec, body: &crate::syntax::ast::List, ops: &[FdOp]) -> Exec<H> {
    let named: Vec<RawFd> = ops.iter().filter_map(FdOp::target).collect();
    if let Some(fd) = spec.fds.iter().find(|fd| !named.contains(fd) && !inheritable(**fd)) {
        return fail(
            sh,
            ops,
            &format!("--fd {fd}: fd {fd} is not open in the shell (open it first: `exec {fd}>FILE`)"),
        );
    }
    if let Some(why) = rootfs_refused(spec) {
        return fail(sh, ops, &why);
    }
    if let Some(op) = foreign_dup_source(ops) {
        // As a command's own redirection would fail (dash: status 2), and
        // on the shell's stderr: the block's redirections are what failed.
        sh.error(&spawn::describe_failure(op, Errno::EBADF));
        return Ok(crate::status::USAGE);
    }
    if let Some(dir) = &spec.export_bundle {
        return match image::bundle::write(spec, body, dir) {
            Ok(()) => Ok(0),
            Err(e) => fail(sh, ops, &e.to_string()),
        };
    }
    let mut setup = {
        let files = cgroup::SelfFiles::read();
        Setup::of(spec, &files.host(), &cgroup::next_name())
    };
    let (mut resources, layout) = match prepare(spec, &setup) {
        Ok(r) => r,
        Err(e) => return fail(sh, ops, &e.to_string()),
    };
    if setup.workdir.is_none() {
        setup.workdir = layout.image.as_ref().and_then(|i| i.workdir());
    }
    let setup = &setup;
    if body.items.is_empty() && layout.image.as_ref().is_none_or(|i| i.command().is_empty()) {
        return fail(sh, ops, "the block's body is empty and the image has no Entrypoint or Cmd to run");
    }
    // Compiled when isosh was built (build.rs): init only loads it.
    let filter = match setup.seccomp {
        spec::SeccompMode::Default => match seccomp::program() {
            Ok(p) => Some(p),
            Err(e) => return fail(sh, ops, &e.to_string()),
        },
        spec::SeccompMode::Unconfined => None,
    };
    let (report_read, report_write) = match os_pipe::pipe() {
        Ok(p) => p,
        Err(e) => return fail(sh, ops, &format!("pipe: {e}")),
    };
    // Init applies the block's redirections before it reports: its end of
    // the pipe must sit above every fd they name, or `5>file` would take it.
    let floor = ops.iter().filter_map(FdOp::target).max().map_or(10, |t| (t + 1).max(10));
    // Only the copy may stay open (the supervisor reads until EOF): the
    // original is dropped at the end of this block.
    let report_write = match spawn::dup_above(std::os::fd::AsFd::as_fd(&{ report_write }), floor) {
        Ok(fd) => fd,
        Err(e) => return fail(sh, ops, &format!("fcntl(F_DUPFD_CLOEXEC): {e}")),
    };
    let saved_handlers = init::catch(&init::FORWARDED);
    let flags = setup.clone_flags;
    // Init starts in its new namespaces straight from clone3/clone, like
    // fork() but with the namespace flags: no intermediate process to
    // create, wait for and tear down. It gets a copy of our memory (and,
    // from plain clone, a stack of its own for the root set-up and, in the
    // body's process, the whole executor).
    let report_fd = report_write.as_raw_fd();
    let leaves: Vec<PathBuf> = resources.cgroup.as_ref().map(|c| c.leaves()).unwrap_or_default();
    let unified = resources.cgroup.as_ref().and_then(|c| c.unified_leaf.clone());
    let device_policy = resources.cgroup.as_ref().and_then(|c| c.device_policy.as_ref());
    // Init starts in the block's v2 cgroup when it has one (clone3 with
    // CLONE_INTO_CGROUP), and joins only the others itself.
    let mut cloned = None;
    if let Some(dir) = unified.as_ref().and_then(|leaf| std::fs::File::open(leaf).ok()) {
        use std::os::fd::AsFd;
        // SAFETY: isosh is single-threaded here: as fork().
        match unsafe { namespaces::clone_into_cgroup(flags, dir.as_fd()) } {
            Ok(None) => {
                let others: Vec<PathBuf> = leaves.iter().filter(|l| Some(*l) != unified.as_ref()).cloned().collect();
                let cgroups = InitCgroups { join: &others, device_policy };
                exit_child(container_init(sh, spec, setup, body, ops, &layout, cgroups, report_fd, filter))
            }
            Ok(Some(pid)) => {
                let leaf = unified.as_ref().map(|l| l.display().to_string()).unwrap_or_default();
                crate::trace::emit(|| {
                    format!(
                        "clone3({}|CLONE_INTO_CGROUP, cgroup={leaf:?}, SIGCHLD) = {pid}",
                        namespaces::flag_names(flags)
                    )
                });
                cloned = Some(Ok(pid));
            }
            Err(Errno::ENOSYS | Errno::E2BIG) => {}
            Err(e) => cloned = Some(Err(e)),
        }
    }
    let child = match cloned {
        Some(result) => result,
        None => {
            let Some(mut stack) = InitStack::new() else {
                init::restore(saved_handlers);
                return fail(sh, ops, "cannot map a stack for init");
            };
            let sh = &mut *sh;
            let cgroups = InitCgroups { join: &leaves, device_policy };
            let start = Box::new(|| {
                exit_child(container_init(sh, spec, setup, body, ops, &layout, cgroups, report_fd, filter))
            });
            // SAFETY: no CLONE_VM: the child has its own copy of our memory, as
            // after fork; isosh is single-threaded.
            let r = unsafe { nix::sched::clone(start, stack.as_mut_slice(), flags, Some(libc::SIGCHLD)) };
            if let Ok(pid) = r {
                crate::trace::emit(|| format!("clone({}|SIGCHLD) = {pid}", namespaces::flag_names(flags)));
            }
            r
        }
    };
    let child = match child {
        Ok(pid) => pid,
        Err(e) => {
            init::restore(saved_handlers);
            if e == Errno::EPERM && inside_a_block() {
                return fail(
                    sh,
                    ops,
                    "blocks do not nest here: this shell runs inside an isolate block, which may not create namespaces (seccomp filter, no CAP_SYS_ADMIN)",
                );
            }
            let what = namespaces::flag_names(flags);
            return fail(sh, ops, &StepFailure::new(SetupStep::Clone, e, what).to_string());
        }
    };
    drop(report_write);
    let mut signal = None;
    let report = await_report(report_read.as_raw_fd(), child, &mut signal);
    // Init's own exit tears down its namespaces, which takes a while. Only
    // wait for it when something needs it gone: the next block with the
    // same --name must not mount the layer this block's overlay still
    // holds, and a commit reads it.
    let can_leave = matches!(report, Some(Report::BodyEnded(_))) && spec.name.is_none() && spec.commit.is_none();
    // The OOM counter is read while the cgroup is still there (a cleaner
    // removes it below).
    let oom_before_hand_off = matches!(report, Some(Report::BodyEnded(s)) if s == 128 + libc::SIGKILL)
        && resources.cgroup.as_ref().is_some_and(|c| c.oom_killed());
    // The cgroups can go only once init is gone: a cleaner process waits
    // for that instead of the shell (cleaner.rs); without one, the shell
    // waits.
    let handed_off = if can_leave && resources.cgroup.is_some() { resources.hand_off(child) } else { None };
    let init_status = if can_leave && resources.cgroup.is_none() {
        sh.note_exiting_init(child);
        if let Some(cleaner) = handed_off {
            sh.note_exiting_init(cleaner);
        }
        None
    } else {
        Some(wait_supervised(child, &mut signal))
    };
    // A signal that arrived with the report (the read gave the data, not
    // EINTR) still counts: the shell must stop as it says.
    if let Some(sig) = init::take_pending() {
        signal = Some(sig);
    }
    let mut status = match report {
        Some(Report::BodyEnded(status)) => status,
        // Init said which step failed, on the block's stderr.
        Some(Report::SetupFailed) => STATUS_SETUP_FAILED,
        // Init was killed before it could report (SIGTERM to the shell, the
        // OOM killer): its own status says how.
        None => init_status.unwrap_or(STATUS_SETUP_FAILED),
    };
    if let (Some(target), Some(base), Some(dir)) = (&spec.commit, &spec.image, &layout.named_layer) {
        let ended = matches!(report, Some(Report::BodyEnded(_)));
        match image::commit::finish(base, dir, spec.name.is_none(), target) {
            Err(e) if ended => {
                sh.error(&format!("isolate: {e}"));
                status = STATUS_SETUP_FAILED;
            }
            _ => {}
        }
    }
    let oom = oom_before_hand_off
        || status == 128 + libc::SIGKILL && resources.cgroup.as_ref().is_some_and(|c| c.oom_killed());
    // Once init is reaped its pid namespace is empty, so are the cgroups.
    let left = if init_status.is_some() { resources.release_emptied() } else { resources.release() };
    init::restore(saved_handlers);
    // After the block, the shell's own stderr: the block's redirections
    // were made in init, and making them again here would redo their
    // effects (truncate `> file`).
    for path in left {
        sh.error(&format!("isolate: could not remove {}", path.display()));
    }
    if let Some(sig) = signal {
        // The shell was told to stop while the block ran: now that nothing is
        // left behind, stop as the signal says (SIGINT only ends a script).
        // A block forked as a job's process at the prompt ends by the
        // signal too, so the shell reports it as any interrupted command
        // (and the prompt starts after the echoed ^C).
        // (A forked process has no hold on the terminal.)
        let forked_job = !sh.job_control();
        if sig != Signal::SIGINT || !sh.state().options.interactive || forked_job {
            reraise(sig);
        }
    }
    if oom {
        let limit = spec.memory.as_ref().map(|m| m.1.as_str()).unwrap_or("?");
        sh.error(&format!("isolate: killed by the OOM killer (memory limit {limit})"));
    }
    Ok(status)
}

/// Waits for init's report. SIGTERM or SIGHUP to the shell kill the
/// container (SIGKILL to init ends everything in its pid namespace), and
/// the pipe closes. SIGINT reaches the body (see [`on_signal`]), which
/// ends on its own.
fn await_report(fd: RawFd, child: Pid, got: &mut Option<Signal>) -> Option<Report> {
    loop {
        if let Some(sig) = init::wait_readable(fd) {
            on_signal(child, sig, got);
            continue;
        }
        match Report::receive(fd) {
            Heard::Report(r) => return Some(r),
            Heard::Closed => return None,
            // A trap's handler: go round and see what came.
            Heard::Interrupted => {}
        }
    }
}

/// Reaps init and gives its status, acting on signals as [`await_report`].
/// Init is already on its way out (it reported, or it is gone), so a
/// signal that slips in just before `waitpid` waits at most that long.
fn wait_supervised(child: Pid, got: &mut Option<Signal>) -> i32 {
    loop {
        match waitpid(child, None) {
            Ok(ws) => {
                if let Some(status) = init::status_of(ws, child) {
                    return status;
                }
            }
            Err(nix::errno::Errno::EINTR) => {
                if let Some(sig) = init::take_pending() {
                    on_signal(child, sig, got);
                }
            }
            Err(_) => return STATUS_SETUP_FAILED,
        }
    }
}

/// SIGTERM or SIGHUP to the shell end the block at once. SIGINT goes to
/// the block's process group: a block without the terminal leads its own
/// group (see [`own_session_unless_given_terminal`]), which the terminal's
/// Ctrl-C does not reach; a block in the terminal's group already had it
/// from the terminal. With no such group (yet: init makes it early in its
/// set-up; or never: the block is in the terminal's group), init itself
/// is told, and passes it to the body as it starts.
fn on_signal(child: Pid, sig: Signal, got: &mut Option<Signal>) {
    if sig == Signal::SIGINT {
        if nix::sys::signal::killpg(child, Signal::SIGINT) == Err(Errno::ESRCH) {
            let _ = kill(child, Signal::SIGINT);
        }
    } else {
        let _ = kill(child, Signal::SIGKILL);
    }
    *got = Some(sig);
}

fn reraise(sig: Signal) {
    // SAFETY: resetting a disposition and signalling ourselves.
    unsafe {
        libc::signal(sig as i32, libc::SIG_DFL);
        libc::raise(sig as i32);
    }
}

/// A block whose fds 0-2 are none of them a terminal gets a session of its
/// own (bubblewrap's `--new-session`), so no controlling terminal and no
/// process group shared with the host: otherwise its body could open
/// `/dev/tty` and read what the user types to the shell around it, or
/// `kill(0, …)` the shell and every other process of the group it was
/// started in (the pid namespace does not hide a process group). The
/// body, forked later, inherits the session and the group, whose id is
/// init's pid outside: the supervisor sends SIGINT there. A block given
/// the terminal stays in the terminal's foreground group (job control,
/// Ctrl-C, full-screen programs need it).
fn own_session_unless_given_terminal() {
    // SAFETY: isatty and setsid on integers.
    unsafe {
        if (0..3).any(|fd| libc::isatty(fd) == 1) {
            return;
        }
        // Init leads no group (its pid is new), so this cannot fail.
        libc::setsid();
    }
}

/// Dies with the shell that cloned us (PR_SET_PDEATHSIG). Init cannot check
/// whether the shell already died before this took effect — its parent is
/// outside its pid namespace, so getppid() is 0 — but then the shell's
/// cleanup is gone too and the next isosh sweeps the cgroup.
fn die_with_parent() {
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
}

/// Opens each leaf's `cgroup.procs`: host paths, so before the mount
/// thread starts; [`join_cgroup`] writes them later.
fn open_cgroup_procs(cgroup_dirs: &[PathBuf]) -> Result<Vec<(std::fs::File, PathBuf)>, StepFailure> {
    cgroup_dirs
        .iter()
        .map(|dir| {
            let procs = dir.join("cgroup.procs");
            match std::fs::OpenOptions::new().write(true).open(&procs) {
                Ok(f) => Ok((f, procs)),
                Err(e) => {
                    Err(StepFailure::new(SetupStep::JoinCgroup, namespaces::io_errno(&e), procs.display().to_string()))
                }
            }
        })
        .collect()
}

/// Joins the block's cgroups (`0` is the writer itself), then makes them
/// the root of a new cgroup namespace. The first move into a cgroup waits
/// for an RCU grace period in the kernel (cgroup_threadgroup_rwsem; a few
/// ms on a busy host), so init does this while its thread builds the root.
fn join_cgroup(procs: Vec<(std::fs::File, PathBuf)>) -> Result<(), StepFailure> {
    use std::io::Write;
    for (mut file, path) in procs {
        file.write_all(b"0").map_err(|e| {
            StepFailure::new(SetupStep::JoinCgroup, namespaces::io_errno(&e), path.display().to_string())
        })?;
    }
    let newcgroup = nix::sched::CloneFlags::CLONE_NEWCGROUP;
    steps::step(SetupStep::CgroupNamespace, "unshare(CLONE_NEWCGROUP)", || nix::sched::unshare(newcgroup))
}

/// Unwraps a step's result; on failure says so on the block's stderr (init
/// holds it, redirections and all), reports it to the supervisor and exits
/// with 125.
fn or_report<T, H: Host>(sh: &H, report_fd: RawFd, r: Result<T, StepFailure>) -> T {
    match r {
        Ok(v) => v,
        Err(f) => {
            sh.error(&format!("isolate: {f}"));
            Report::SetupFailed.send(report_fd);
            exit_child(STATUS_SETUP_FAILED)
        }
    }
}

/// Grows init's fd table to 256 slots while init is its only user: the
/// kernel grows a table that a thread shares only after an RCU grace
/// period (4–20 ms here), and init's thread opens fds (a socket, the
/// device program, the namespace's) while init itself opens others.
fn grow_fd_table(any_open_fd: RawFd) {
    // SAFETY: fcntl and close on fds of our own.
    unsafe {
        let high = libc::fcntl(any_open_fd, libc::F_DUPFD_CLOEXEC, 255);
        if high >= 0 {
            libc::close(high);
        }
    }
}

/// The block's cgroups, as init takes them.
#[derive(Clone, Copy)]
struct InitCgroups<'a> {
    /// Leaves init joins itself (those it was not cloned into).
    join: &'a [PathBuf],
    /// Where init attaches the device program, while its thread mounts.
    device_policy: Option<&'a cgroup::DevicePolicy>,
}

/// PID 1 of the block: carries out `setup`, then runs `body`.
#[allow(clippy::too_many_arguments)]
fn container_init<H: Host>(
    sh: &mut H,
    spec: &IsolateSpec,
    setup: &Setup,
    body: &crate::syntax::ast::List,
    ops: &[FdOp],
    layout: &rootfs::Layout,
    cgroups: InitCgroups,
    report_fd: RawFd,
    filter: Option<seccomp::Filter>,
) -> i32 {
    die_with_parent();
    crate::sys::overwrite_command_line(b"isosh: isolate init");
    // The supervisor's handlers are ours too (see `supervise`): from here on
    // they note what is sent to init, and init forwards it to the body once
    // there is one. What the supervisor noted before the clone is its own.
    let _ = init::take_pending();
    let privilege = setup.privilege;
    // The root's mounts and the network namespace are the two slowest
    // steps and need nothing from each other until /sys, which shows the
    // mounting task's network devices: init builds the root while a thread
    // of its own makes the namespace (then attaches the device program and
    // lists the shell's fds for the --fd hint), and joins that namespace
    // before it mounts /sys. See lanes.rs for why the thread is sent to
    // another CPU.
    grow_fd_table(report_fd);
    // One malloc arena: the thread's first allocation would otherwise map
    // (and trim) an arena of its own, 64 MiB of address space.
    // SAFETY: mallopt only sets a malloc parameter.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
    // What the thread uses sits above every fd the block's redirections
    // name, as the report pipe does, so that none of them (`7>&-`,
    // `4<dir`) can close or replace it before the thread is done: the
    // directory the shell's fds are listed from (opened before any
    // mount), and the cgroup the device program goes on.
    let above = |fd: std::os::fd::BorrowedFd| spawn::dup_above(fd, report_fd + 1).ok();
    let fd_dir = std::fs::File::open("/proc/self/fd").ok().and_then(|dir| above(std::os::fd::AsFd::as_fd(&dir)));
    let device_policy = match cgroups.device_policy {
        Some(policy) => {
            let raised = policy.raised_above(report_fd + 1);
            let raised =
                raised.map_err(|e| StepFailure::new(SetupStep::CgroupFiles, namespaces::io_errno(&e), "fcntl"));
            Some(or_report(sh, report_fd, raised))
        }
        None => None,
    };
    // The block's own redirections name host paths: open them before any
    // mount can cover one (the scratch tmpfs goes over /tmp). Before the
    // thread exists too: they dup2 onto fixed numbers, and a thread that
    // opened an fd there meanwhile would later close the block's.
    if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
        sh.error(&spawn::describe_failure(op, e));
        return crate::status::USAGE;
    }
    own_session_unless_given_terminal();
    if let Some((uid, gid)) = setup.id_maps {
        or_report(sh, report_fd, namespaces::write_id_maps(uid, gid));
    }
    // Host paths again (/sys/fs/cgroup/…): before the root is covered.
    let procs = or_report(sh, report_fd, open_cgroup_procs(cgroups.join));
    or_report(sh, report_fd, join_cgroup(procs));
    // The fds the block keeps (the report pipe is added below).
    let mut keep = kept_fds(ops, &setup.fds);
    let kept = &keep;
    let (net_sent, net_ready) = std::sync::mpsc::sync_channel::<Result<Option<std::os::fd::OwnedFd>, StepFailure>>(1);
    let new_net = setup.new_net;
    let builder = std::thread::Builder::new().stack_size(128 << 10);
    // SAFETY: the thread borrows `keep` from this frame; it is joined
    // below before `keep` changes or goes, and every way out before that
    // ends the whole process (`or_report` exits). Not a scoped thread:
    // pthread_setaffinity_np needs the pthread_t, which only a
    // JoinHandle gives (lanes.rs).
    let helping = unsafe {
        builder.spawn_unchecked(move || -> Result<u64, StepFailure> {
            let net = if new_net { namespaces::new_net() } else { Ok(None) };
            let failed = net.is_err();
            // Init reports a failure to make it.
            let _ = net_sent.send(net);
            if failed {
                return Ok(0);
            }
            if let Some(policy) = &device_policy {
                policy.attach().map_err(|e| {
                    let errno = if matches!(e, cgroup::CgroupError::Attach { .. }) { Errno::EPERM } else { Errno::EIO };
                    StepFailure::new(SetupStep::CgroupFiles, errno, e.to_string())
                })?;
            }
            // The fds init opens meanwhile are close-on-exec: not counted.
            Ok(fd_dir.map_or(0, |dir| left_outside(dir, kept)))
        })
    };
    let helping = helping.map_err(|e| StepFailure::new(SetupStep::NetNamespace, namespaces::io_errno(&e), "thread"));
    let helping = or_report(sh, report_fd, helping);
    lanes::send_elsewhere(&helping);
    let tree = or_report(sh, report_fd, rootfs::build(&mut rootfs::Kernel, spec, layout, privilege));
    // The thread's network namespace, for /sys and the body. `None`: the
    // kernel could not name it (SIOCGSKNS, Linux 4.9): init makes its own.
    let net = net_ready.recv().unwrap_or_else(|_| Err(StepFailure::new(SetupStep::NetNamespace, Errno::EIO, "thread")));
    match or_report(sh, report_fd, net) {
        Some(ns) => or_report(sh, report_fd, namespaces::join_net(std::os::fd::AsFd::as_fd(&ns))),
        None if new_net => drop(or_report(sh, report_fd, namespaces::new_net())),
        None => {}
    }
    let entered = or_report(sh, report_fd, rootfs::finish(&mut rootfs::Kernel, tree));
    sh.become_child();
    let helped = helping.join().map_err(|_| StepFailure::new(SetupStep::NetNamespace, Errno::EIO, "thread"));
    let outside = or_report(sh, report_fd, helped.and_then(|listed| listed));
    let image = layout.image.as_deref();
    if let Some(dir) = &setup.workdir {
        let made = std::fs::create_dir_all(dir)
            .map_err(|e| StepFailure::new(SetupStep::Workdir, namespaces::io_errno(&e), dir.clone()));
        or_report(sh, report_fd, made);
        or_report(sh, report_fd, steps::step(SetupStep::Workdir, dir, || nix::unistd::chdir(dir.as_str())));
    }
    let hostname = setup.hostname.clone().unwrap_or_else(namespaces::generated_hostname);
    or_report(sh, report_fd, namespaces::set_hostname(&hostname));
    or_report(sh, report_fd, security::harden(setup.caps, entered == rootfs::Entered::Moved));
    if let Some(user) = image.and_then(|i| i.user()) {
        let switched = image::switch_user(&user, setup.id_maps.is_some());
        or_report(
            sh,
            report_fd,
            switched.map_err(|e| StepFailure::new(SetupStep::Security, Errno::EPERM, e.to_string())),
        );
    }
    spawn::note_left_outside(outside);
    keep.push(report_fd);
    or_report(sh, report_fd, security::close_other_fds(&keep));
    if let Some(filter) = filter {
        or_report(sh, report_fd, seccomp::load(&filter));
    }
    sh.state_mut().shell_pid = getpid().as_raw();
    let pwd = nix::unistd::getcwd().map(|p| p.display().to_string()).unwrap_or_else(|_| "/".into());
    sh.state_mut().vars.set("PWD", pwd);
    sh.state_mut().vars.export("PWD");
    sh.state_mut().vars.set("HOSTNAME", hostname);
    for (k, v) in image.map(|i| i.env()).unwrap_or_default().iter().chain(&spec.env) {
        sh.state_mut().vars.set(k, v.clone());
        sh.state_mut().vars.export(k);
    }
    // SIGTERM and SIGHUP are caught here (the supervisor's handlers, see
    // `supervise`), so a program started below gets them back at their
    // defaults even where the shell ignored them.
    let image_command = if body.items.is_empty() { image.map(|i| i.command()) } else { None };
    let status = match image_command {
        // SAFETY: init is single-threaded here (its thread is
        // joined); the child only execs the image's command.
        Some(argv) => match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                // SAFETY: the body must not hold the report pipe.
                unsafe { libc::close(report_fd) };
                exit_child(image::exec(&argv, &sh.state().vars.environment(&[])))
            }
            Ok(ForkResult::Parent { child }) => init::run(child),
            Err(e) => or_report(sh, report_fd, Err(StepFailure::new(SetupStep::StartBody, e, ""))),
        },
        None => match sh.start_program(body) {
            Some(Ok(program)) => init::run(program),
            Some(Err(status)) => status,
            // SAFETY: single-threaded again: init's thread was joined.
            None => match unsafe { fork() } {
                Ok(ForkResult::Child) => {
                    // SAFETY: the body must not hold the report pipe.
                    unsafe { libc::close(report_fd) };
                    let status = sh.run_list_in_child(body);
                    exit_child(status)
                }
                Ok(ForkResult::Parent { child }) => init::run(child),
                Err(e) => or_report(sh, report_fd, Err(StepFailure::new(SetupStep::StartBody, e, ""))),
            },
        },
    };
    init::empty_namespace();
    // Readers of the block's output get EOF now, not after our exit has
    // torn the namespaces down (that is when an exiting process's files
    // are finally released).
    for fd in 0..3 {
        // SAFETY: init writes nothing more to the block's stdio.
        unsafe { libc::close(fd) };
    }
    let _ = security::close_other_fds(&[report_fd]);
    Report::BodyEnded(status).send(report_fd);
    status
}
