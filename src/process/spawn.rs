//! Carrying a plan out: replaying [`FdOp`]s with open/dup2/close, forking,
//! and `execve`.
//!
//! isosh is single-threaded, so a forked child may run ordinary Rust code
//! (a builtin in a pipeline does). The exec path still uses only what the
//! parent prepared — C strings and pointer arrays — so the child does no
//! work between `fork` and `execve` beyond the fd operations themselves.

use super::plan::{FdOp, FdRef, OpenMode};
use nix::errno::Errno;
use std::ffi::{CStr, CString};
use std::os::fd::RawFd;
use std::os::raw::c_char;

/// Maps the plan's pipe references to the fds `pipe()` returned.
pub trait PipeFds {
    /// The fd `pipe()` gave pipe end `r`, if `r` is one this process knows.
    fn pipe_fd(&self, r: FdRef) -> Option<RawFd>;
}

/// A process outside any pipeline has no pipe ends.
pub struct NoPipes;

impl PipeFds for NoPipes {
    fn pipe_fd(&self, _: FdRef) -> Option<RawFd> {
        None
    }
}

fn resolve(r: FdRef, pipes: &dyn PipeFds) -> Result<RawFd, Errno> {
    match r {
        FdRef::Fd(n) => Ok(n),
        other => pipes.pipe_fd(other).ok_or(Errno::EBADF),
    }
}

fn open_cloexec(path: &CStr, flags: libc::c_int) -> Result<RawFd, Errno> {
    loop {
        // SAFETY: `path` is a valid NUL-terminated string for the call.
        let fd = unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, 0o666) };
        if fd >= 0 {
            return Ok(fd);
        }
        let e = Errno::last();
        if e != Errno::EINTR {
            return Err(e);
        }
    }
}

/// Opens for `>` under `set -C`: an existing regular file is an error, but
/// devices such as `/dev/null` may still be written.
fn open_noclobber(path: &CStr) -> Result<RawFd, Errno> {
    match open_cloexec(path, OpenMode::NoClobber.flags()) {
        Err(Errno::EEXIST) => {
            let meta = nix::sys::stat::stat(path)?;
            if nix::sys::stat::SFlag::from_bits_truncate(meta.st_mode).contains(nix::sys::stat::SFlag::S_IFREG) {
                return Err(Errno::EEXIST);
            }
            open_cloexec(path, libc::O_WRONLY)
        }
        other => other,
    }
}

fn set_cloexec(fd: RawFd, on: bool) -> Result<(), Errno> {
    // SAFETY: fcntl on an integer fd has no memory-safety requirements.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    if flags < 0 {
        return Err(Errno::last());
    }
    let flags = if on { flags | libc::FD_CLOEXEC } else { flags & !libc::FD_CLOEXEC };
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, flags) } < 0 {
        return Err(Errno::last());
    }
    Ok(())
}

fn dup2(src: RawFd, dst: RawFd) -> Result<(), Errno> {
    loop {
        // SAFETY: dup2 on integer fds has no memory-safety requirements.
        if unsafe { libc::dup2(src, dst) } >= 0 {
            return Ok(());
        }
        let e = Errno::last();
        if e != Errno::EINTR {
            return Err(e);
        }
    }
}

fn close(fd: RawFd) {
    // SAFETY: closing an fd this plan owns; a closed one just gives EBADF.
    unsafe { libc::close(fd) };
}

/// Carries out one fd operation (and traces what it did).
pub fn apply_op(op: &FdOp, pipes: &dyn PipeFds) -> Result<(), Errno> {
    let mut opened = -1;
    let r = apply_op_quietly(op, pipes, &mut opened);
    if crate::trace::enabled() {
        let name = |r: FdRef| resolve(r, pipes).map_or_else(|_| r.to_string(), |n| n.to_string());
        crate::trace::emit(|| op_trace(op, &name, opened, &r));
    }
    r
}

/// The calls one fd operation made, in the trace's (strace's) vocabulary:
/// `opened` is the number `open`/`memfd_create` returned (-1: none), `name`
/// gives a pipe end's number.
pub fn op_trace(op: &FdOp, name: &dyn Fn(FdRef) -> String, opened: RawFd, r: &Result<(), Errno>) -> String {
    let fail = match r {
        Ok(()) => String::new(),
        Err(e) => format!(" = -1 {e:?}"),
    };
    // The opened copy moved onto its target, when it did not land there.
    let placed = |fd: RawFd| {
        if opened == fd || opened < 0 { String::new() } else { format!("\ndup2({opened}, {fd})\nclose({opened})") }
    };
    match op {
        FdOp::Open { path, mode, .. } if opened < 0 => {
            format!("open({:?}, {}|O_CLOEXEC){fail}", path.to_string_lossy(), mode.flag_names())
        }
        FdOp::Open { fd, path, mode } => {
            format!("open({:?}, {}|O_CLOEXEC) = {opened}{}", path.to_string_lossy(), mode.flag_names(), placed(*fd))
        }
        FdOp::Dup { src, dst } => {
            let src = name(*src);
            if src == dst.to_string() { String::new() } else { format!("dup2({src}, {dst}){fail}") }
        }
        FdOp::Close { fd } => format!("close({})", name(*fd)),
        FdOp::Inherit { fd } => format!("fcntl({fd}, F_SETFD, 0){fail}"),
        FdOp::HereDoc { fd, body } => {
            format!(
                "memfd_create(\"here-document\", MFD_CLOEXEC) = {opened}   ({} bytes){}{fail}",
                body.len(),
                placed(*fd)
            )
        }
    }
}

/// Carries out one fd operation without tracing or allocating (the vfork
/// child runs it); `opened` receives the number `open`/`memfd_create` gave.
fn apply_op_quietly(op: &FdOp, pipes: &dyn PipeFds, opened_at: &mut RawFd) -> Result<(), Errno> {
    match op {
        FdOp::Open { fd, path, mode } => {
            let opened = match mode {
                OpenMode::NoClobber => open_noclobber(path)?,
                m => open_cloexec(path, m.flags())?,
            };
            *opened_at = opened;
            if opened == *fd {
                // It landed on its target: that copy must survive exec.
                set_cloexec(opened, false)
            } else {
                let r = dup2(opened, *fd);
                close(opened);
                r
            }
        }
        FdOp::Dup { src, dst } => {
            let src = resolve(*src, pipes)?;
            // `n>&n` changes nothing (dash does not even check that n is open).
            if src == *dst { Ok(()) } else { dup2(src, *dst) }
        }
        FdOp::Close { fd } => {
            // Closing an fd that is not open is not an error (`2>&-` twice).
            if let Ok(n) = resolve(*fd, pipes) {
                close(n);
            }
            Ok(())
        }
        FdOp::Inherit { fd } => set_cloexec(*fd, false),
        FdOp::HereDoc { fd, body } => {
            // SAFETY: memfd_create with a static name; the fd is ours.
            let mem = unsafe { libc::memfd_create(c"here-document".as_ptr(), libc::MFD_CLOEXEC) };
            if mem < 0 {
                return Err(Errno::last());
            }
            *opened_at = mem;
            let written = write_all(mem, body);
            // SAFETY: lseek on the fd just created.
            let rewound = if unsafe { libc::lseek(mem, 0, libc::SEEK_SET) } < 0 { Err(Errno::last()) } else { Ok(()) };
            let placed =
                written.and(rewound).and_then(|()| if mem == *fd { set_cloexec(mem, false) } else { dup2(mem, *fd) });
            if mem != *fd {
                close(mem);
            }
            placed
        }
    }
}

pub use crate::sys::{errno_text, write_all};

/// The shell's own fds 3–63 (a bit each) that were open, and not close-on-
/// exec, when this isolate block started, but stayed outside it (init
/// notes them, see `isolate::container_init`): an error about one of them
/// in the body says how to pass it (`--fd N`).
static LEFT_OUTSIDE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Notes the fds an isolate block left outside (a bit per fd 0–63).
pub fn note_left_outside(bits: u64) {
    LEFT_OUTSIDE.store(bits, std::sync::atomic::Ordering::Relaxed);
}

/// The hint for a bad fd `fd` inside an isolate block, when the shell
/// around it has it open.
pub fn outside_fd_hint(fd: RawFd) -> Option<String> {
    let bits = LEFT_OUTSIDE.load(std::sync::atomic::Ordering::Relaxed);
    ((0..64).contains(&fd) && bits & (1 << fd) != 0)
        .then(|| format!("fd {fd} stays outside the block; pass it with `isolate --fd {fd}`"))
}

/// An fd operation that failed, with the errno it got: a failed
/// redirection. Its message names the file or fd ([`describe_failure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpFailure {
    /// The operation.
    pub op: FdOp,
    /// What the system call said.
    pub errno: Errno,
}

impl std::fmt::Display for OpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&describe_failure(&self.op, self.errno))
    }
}

impl std::error::Error for OpFailure {}

/// What a failed fd operation says, as `isosh: …` would print it.
pub fn describe_failure(op: &FdOp, e: Errno) -> String {
    match (op, e) {
        (FdOp::Open { path, mode: OpenMode::NoClobber, .. }, Errno::EEXIST) => {
            format!("{}: cannot overwrite existing file", path.to_string_lossy())
        }
        (FdOp::Open { path, .. }, e) => format!("{}: {}", path.to_string_lossy(), errno_text(e)),
        (FdOp::Dup { src: FdRef::Fd(fd), .. }, Errno::EBADF) if let Some(hint) = outside_fd_hint(*fd) => {
            format!("{fd}: {} ({hint})", errno_text(Errno::EBADF))
        }
        (FdOp::Dup { src, .. }, e) => format!("{src}: {}", errno_text(e)),
        (FdOp::Close { fd }, e) => format!("{fd}: {}", errno_text(e)),
        (FdOp::HereDoc { .. }, e) => format!("here-document: {}", errno_text(e)),
        (FdOp::Inherit { fd }, e) => format!("{fd}: {}", errno_text(e)),
    }
}

/// Applies ops in a child; on failure returns the op that failed.
pub fn apply_all<'a>(ops: &'a [FdOp], pipes: &dyn PipeFds) -> Result<(), (&'a FdOp, Errno)> {
    for op in ops {
        apply_op(op, pipes).map_err(|e| (op, e))?;
    }
    Ok(())
}

/// The fds a builtin's redirections displaced, kept (close-on-exec, above
/// every fd the redirections name) so they can be put back afterwards.
#[derive(Debug, Default)]
pub struct SavedFds {
    /// (fd, its saved copy or `None` if it was closed), in the order saved.
    saved: Vec<(RawFd, Option<RawFd>)>,
}

impl SavedFds {
    /// Applies ops to the shell's own fd table, saving each fd before its
    /// first change. On failure the fds are already restored.
    pub fn apply(ops: &[FdOp]) -> Result<SavedFds, OpFailure> {
        let floor = ops.iter().filter_map(FdOp::target).max().map_or(10, |m| (m + 1).max(10));
        let mut saved = SavedFds::default();
        for op in ops {
            if let Some(fd) = op.target()
                && !saved.saved.iter().any(|(f, _)| *f == fd)
            {
                // SAFETY: F_DUPFD_CLOEXEC on an integer fd; failure means it was closed.
                let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, floor) };
                crate::trace::emit(|| match copy {
                    -1 => format!("fcntl({fd}, F_DUPFD_CLOEXEC, {floor}) = -1   (saved: it was closed)"),
                    c => format!("fcntl({fd}, F_DUPFD_CLOEXEC, {floor}) = {c}   (saved)"),
                });
                saved.saved.push((fd, (copy >= 0).then_some(copy)));
            }
            if let Err(errno) = apply_op(op, &NoPipes) {
                saved.restore();
                return Err(OpFailure { op: op.clone(), errno });
            }
        }
        Ok(saved)
    }

    /// Puts every displaced fd back, last saved first.
    pub fn restore(self) {
        for (fd, copy) in self.saved.into_iter().rev() {
            match copy {
                Some(c) => {
                    let _ = dup2(c, fd);
                    close(c);
                    crate::trace::emit(|| format!("dup2({c}, {fd})   (restored)\nclose({c})"));
                }
                None => {
                    close(fd);
                    crate::trace::emit(|| format!("close({fd})   (restored: it was closed)"));
                }
            }
        }
    }
}

/// A NULL-terminated `char *[]` over owned C strings, built in the parent so
/// `execve` in the child needs no allocation.
pub struct CStrArray {
    _strings: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

impl CStrArray {
    /// The array for `strings`, with the null pointer after them.
    pub fn new(strings: Vec<CString>) -> Self {
        let mut ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        CStrArray { _strings: strings, ptrs }
    }

    /// The `char *const[]` that `execve` takes.
    pub fn as_ptr(&self) -> *const *const c_char {
        self.ptrs.as_ptr()
    }

    /// The pointers without the terminating NULL.
    pub fn ptrs(&self) -> &[*const c_char] {
        &self.ptrs[..self.ptrs.len() - 1]
    }
}

/// Everything `execve` needs, prepared before the fork.
pub struct ExecImage {
    /// The program to run.
    pub path: CString,
    /// Its arguments, `argv[0]` first.
    pub argv: CStrArray,
    /// Its environment (shared until an exported variable changes).
    pub envp: std::rc::Rc<CStrArray>,
}

impl ExecImage {
    /// The image for `path` with `argv` and `envp`.
    pub fn new(path: CString, argv: Vec<CString>, envp: std::rc::Rc<CStrArray>) -> Self {
        ExecImage { path, argv: CStrArray::new(argv), envp }
    }

    /// `execve("path", ["argv", …])`, as the trace shows it.
    pub fn describe(&self) -> String {
        let args: Vec<String> = self
            .argv
            .ptrs()
            .iter()
            .filter(|p| !p.is_null())
            // SAFETY: argv holds NUL-terminated strings owned by self.
            .map(|p| unsafe { CStr::from_ptr(*p) }.to_string_lossy().into_owned())
            .collect();
        format!("execve({:?}, {:?})", self.path.to_string_lossy(), args)
    }

    /// Replaces the process. Returns only on failure, with the errno.
    /// Only in a forked child or the shell itself (never after vfork): a
    /// file the kernel cannot execute (ENOEXEC) is a shell script, which
    /// POSIX says the shell runs itself, and this allocates to run it.
    pub fn exec(&self) -> Errno {
        crate::trace::emit(|| self.describe());
        // SAFETY: every pointer array is NULL-terminated and points into C
        // strings owned by `self`, which outlives the call.
        unsafe { libc::execve(self.path.as_ptr(), self.argv.as_ptr(), self.envp.as_ptr()) };
        let e = Errno::last();
        if e == Errno::ENOEXEC {
            self.exec_as_script();
        }
        e
    }

    /// Runs the file as a script of a new isosh, with the same arguments.
    /// Returns only if that could not start either.
    fn exec_as_script(&self) {
        // By path, not /proc/self/exe: inside an isolate block that magic
        // link would hand the script the host's binary itself (runc
        // CVE-2019-5736), where the path goes through the block's root.
        let shell = std::env::current_exe()
            .ok()
            .and_then(|p| CString::new(p.into_os_string().into_encoded_bytes()).ok())
            .unwrap_or_else(|| c"isosh".to_owned());
        let mut argv = vec![shell.as_ptr(), self.path.as_ptr()];
        argv.extend(self.argv.ptrs().iter().skip(1));
        argv.push(std::ptr::null());
        // SAFETY: NULL-terminated arrays of C strings that outlive the call.
        unsafe { libc::execve(shell.as_ptr(), argv.as_ptr(), self.envp.as_ptr()) };
        // Not under this root (an isolate block with --rootfs, or isosh kept
        // below the host's /tmp): run a sealed copy of ourselves instead.
        if let Some(copy) = sealed_copy_of_self() {
            use std::os::fd::AsRawFd;
            // SAFETY: as above; `copy` is an open fd.
            unsafe { libc::fexecve(copy.as_raw_fd(), argv.as_ptr(), self.envp.as_ptr()) };
        }
    }
}

/// A copy of the running binary in a memfd sealed against writes, as runc
/// does for itself: what runs from it can neither reach nor change the file
/// it came from.
fn sealed_copy_of_self() -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut original = std::fs::File::open("/proc/self/exe").ok()?;
    // SAFETY: memfd_create with a C string literal; the fd is owned below.
    let fd = unsafe { libc::memfd_create(c"isosh".as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING) };
    if fd < 0 {
        return None;
    }
    // SAFETY: a fresh fd nothing else owns.
    let mut copy = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    std::io::copy(&mut original, &mut copy).ok()?;
    let seals = libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;
    // SAFETY: fcntl on an fd we own.
    if unsafe { libc::fcntl(fd, libc::F_ADD_SEALS, seals) } < 0 {
        return None;
    }
    Some(copy.into())
}

/// What the vfork child reads: everything was prepared by the parent.
struct VforkJob<'a> {
    image: &'a ExecImage,
    ops: &'a [FdOp],
    default_signals: &'a [libc::c_int],
    /// Job control: the process group to join (0: lead a new one).
    pgid: Option<libc::pid_t>,
    /// Set by the child when a step failed (it shares our memory): the
    /// index of the op (`ops.len()` for execve) and its errno.
    failed: Option<(usize, Errno)>,
    /// When tracing: per op, the number `open` returned, for the parent to
    /// report (allocated by the parent; empty otherwise).
    opened: &'a mut [RawFd],
}

extern "C" fn vfork_child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the parent's `VforkJob`, alive and untouched while
    // the parent is suspended (CLONE_VFORK).
    let job = unsafe { &mut *(arg as *mut VforkJob) };
    for &sig in job.default_signals {
        // Ignored when the shell started: stays ignored (an atomic load,
        // fine in the vfork child).
        if nix::sys::signal::Signal::try_from(sig).is_ok_and(crate::signals::ignored_on_entry) {
            continue;
        }
        // SAFETY: resetting a disposition to SIG_DFL.
        unsafe { libc::signal(sig, libc::SIG_DFL) };
    }
    if let Some(pgid) = job.pgid {
        // SAFETY: setpgid on ourselves.
        unsafe { libc::setpgid(0, pgid) };
    }
    let mut failed = None;
    for (i, op) in job.ops.iter().enumerate() {
        let mut opened = -1;
        let r = apply_op_quietly(op, &NoPipes, &mut opened);
        if let Some(slot) = job.opened.get_mut(i) {
            *slot = opened;
        }
        if let Err(e) = r {
            failed = Some((i, e));
            break;
        }
    }
    if failed.is_none() {
        // SAFETY: see ExecImage::exec; only returns on failure.
        unsafe { libc::execve(job.image.path.as_ptr(), job.image.argv.as_ptr(), job.image.envp.as_ptr()) };
        failed = Some((job.ops.len(), Errno::last()));
    }
    // SAFETY: as above; a plain store into the shared job.
    unsafe { std::ptr::write_volatile(&mut job.failed, failed) };
    // SAFETY: _exit never returns and runs no destructors.
    unsafe { libc::_exit(127) }
}

/// Starts `image` with `ops` applied, the way dash does: the child shares
/// the shell's memory (`clone(CLONE_VM|CLONE_VFORK)`) instead of copying its
/// page tables as fork does, replays the prepared fd operations — no
/// allocation, no locks — and execs. `default_signals` are reset to SIG_DFL.
///
/// Under `--trace` the child still allocates and writes nothing: it notes
/// the fd numbers it got in memory the parent prepared, and the parent,
/// once the child has exec'd, reports the child's calls under its pid.
///
/// Returns `None` when a step failed (a redirection, or exec itself). The
/// caller then forks and replays the plan by hand, which reports the
/// failing step on the command's own stderr (or runs a script the kernel
/// could not exec); replaying is harmless because the failed attempt's opens
/// can only have created or emptied the same files.
pub fn vfork_exec(
    image: &ExecImage,
    ops: &[FdOp],
    default_signals: &[libc::c_int],
    pgid: Option<libc::pid_t>,
) -> Option<libc::pid_t> {
    const STACK: usize = 64 * 1024;
    // Left uninitialised: the child touches only the few pages at the top
    // it uses. Zeroing it cost a page fault per page, every time in a
    // block's init, whose heap is a fresh copy-on-write of the shell's.
    let mut stack = Box::<[u8]>::new_uninit_slice(STACK);
    let tracing = crate::trace::enabled();
    let mut opened = if tracing { vec![-1; ops.len()] } else { Vec::new() };
    let mut job = VforkJob { image, ops, default_signals, pgid, failed: None, opened: &mut opened };
    // The stack grows down: hand clone its 16-byte aligned top.
    let top = (stack.as_mut_ptr() as usize + STACK) & !15;
    // SAFETY: the child runs `vfork_child` on its own stack, touches only
    // `job` (kept alive here) and ends in execve or _exit before the parent
    // resumes.
    let pid = unsafe {
        libc::clone(
            vfork_child,
            top as *mut libc::c_void,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            (&mut job as *mut VforkJob).cast(),
        )
    };
    // SAFETY: the child has exec'd or exited; read what it may have written.
    let failed = unsafe { std::ptr::read_volatile(&job.failed) };
    drop(stack);
    if pid < 0 {
        return None;
    }
    if tracing {
        trace_vfork_child(pid, image, ops, &opened, failed);
    }
    if failed.is_some() {
        let _ = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None);
        return None;
    }
    Some(pid)
}

/// `--trace` for a vfork child: the clone (the shell's call), then the
/// child's own calls under its pid, up to the exec or the step that failed.
fn trace_vfork_child(
    pid: libc::pid_t,
    image: &ExecImage,
    ops: &[FdOp],
    opened: &[RawFd],
    failed: Option<(usize, Errno)>,
) {
    crate::trace::emit(|| format!("clone(CLONE_VM|CLONE_VFORK|SIGCHLD) = {pid}"));
    let name = |r: FdRef| r.to_string();
    for (i, op) in ops.iter().enumerate() {
        let r = match failed {
            Some((at, e)) if at == i => Err(e),
            _ => Ok(()),
        };
        crate::trace::emit_as(pid, || op_trace(op, &name, opened.get(i).copied().unwrap_or(-1), &r));
        if r.is_err() {
            return;
        }
    }
    crate::trace::emit_as(pid, || match failed {
        Some((_, e)) => format!("{} = -1 {e:?}", image.describe()),
        None => image.describe(),
    });
}

/// Writes shell text to `fd` as the bytes it stands for (see [`crate::bytes`]).
pub fn write_str(fd: RawFd, text: &str) -> Result<(), Errno> {
    write_all(fd, &crate::bytes::encode(text))
}

/// Leaves a forked child without running the parent's destructors or
/// flushing anything twice.
pub fn exit_child(status: i32) -> ! {
    // SAFETY: _exit is always safe to call; it does not return.
    unsafe { libc::_exit(status & 0xff) }
}

/// A close-on-exec copy of `fd` at the lowest number ≥ `floor`: where a
/// descriptor the shell keeps for itself stays out of the way of the fds a
/// script names (`exec 3>log`, `5>file`).
pub fn dup_above(fd: std::os::fd::BorrowedFd, floor: RawFd) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::{AsRawFd, FromRawFd};
    // SAFETY: fcntl on a borrowed, open fd.
    match unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, floor) } {
        -1 => Err(std::io::Error::last_os_error()),
        // SAFETY: a new fd the kernel just gave us.
        copy => Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(copy) }),
    }
}
