//! The cleaner: a small process that removes a block's cgroup directories
//! (and its journal) once the block's init has exited, so that the shell
//! need not wait for it.
//!
//! Why: init reports the body's status and then exits, and its exit tears
//! the block's namespaces down — every mount, the address space it copied
//! from the shell — which takes from a few tenths of a millisecond on a
//! quiet machine to several milliseconds on a busy one. The cgroups can go
//! only after that (a cgroup with a process in it cannot be removed), but
//! the user is owed nothing more than the body's status: bubblewrap's
//! monitor also returns as soon as it has the status, and leaves the
//! namespace teardown to the kernel.
//!
//! How: `clone(CLONE_VM)` — the cleaner runs in the shell's memory, on a
//! stack of its own, so starting it copies no page tables. Since it shares
//! the shell's memory (and, having no TLS of its own, the shell's `errno`)
//! while the shell goes on, it allocates nothing and calls no libc function
//! that could touch shared state: every system call is made with inline
//! assembly ([`sys`]), and what it needs (a pidfd of init, the paths) sits
//! at the bottom of its own stack mapping, written there before the clone.
//! It starts with every signal blocked (the shell blocks them around the
//! clone), closes every fd but the pidfd and the journal's, whose lock it
//! holds (a reader of the block's output must see EOF when the shell is
//! done), waits for the pidfd
//! to say init has exited, `rmdir`s the directories (leaves first, retrying
//! on EBUSY for up to a second, as [`super::cgroup::remove_dir_retrying`]),
//! removes the journal when every directory went, and finally unmaps its own
//! stack and exits in one stretch of assembly that no longer uses the stack.
//!
//! If the cleaner is killed (SIGKILL to the process group), the journal is
//! still there, and the next isosh's sweep removes the directories.

use std::ffi::CString;
use std::os::fd::RawFd;

/// Bytes of stack the cleaner runs on (it needs a few hundred).
const STACK: usize = 16 * 1024;

/// What the cleaner is told, at the bottom of its mapping: fixed fields,
/// then `dirs` NUL-terminated paths, then the journal's (empty: none).
#[repr(C)]
struct Job {
    /// The mapping itself, which the cleaner unmaps last.
    map_addr: usize,
    map_len: usize,
    /// The fds the cleaner keeps, in increasing order: a pidfd of the
    /// block's init (readable once init has exited) and the journal, whose
    /// lock tells a sweep that the block is being taken care of (the same
    /// fd twice when there is no journal).
    keep: [RawFd; 2],
    pidfd: RawFd,
    /// How many directory paths follow.
    dirs: u32,
}

/// Starts a cleaner for `dirs` (in removal order) and `journal` (its path
/// and an fd holding its lock), once the process `init` — a child of the
/// shell, not yet reaped — has exited.
/// Gives the cleaner's pid (a child of the shell, to be reaped like any),
/// or `None` when it could not start (the caller then waits and cleans up
/// itself).
pub fn start(
    init: libc::pid_t,
    dirs: &[std::path::PathBuf],
    journal: Option<(&std::path::Path, RawFd)>,
) -> Option<libc::pid_t> {
    use std::os::unix::ffi::OsStrExt;
    let to_c = |p: &std::path::Path| CString::new(p.as_os_str().as_bytes()).ok();
    let paths: Vec<CString> = dirs.iter().map(|d| to_c(d)).collect::<Option<_>>()?;
    let (journal, lock) = match journal {
        Some((path, lock)) => (to_c(path)?, Some(lock)),
        None => (CString::default(), None),
    };
    let text: usize = paths.iter().chain([&journal]).map(|p| p.as_bytes_with_nul().len()).sum();
    let page = 4096;
    let map_len = (std::mem::size_of::<Job>() + text + STACK).div_ceil(page) * page;
    // SAFETY: pidfd_open with integer arguments; init is our unreaped
    // child, so its pid names it and nothing else.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, init, 0) };
    if pidfd < 0 {
        return None;
    }
    let pidfd = pidfd as RawFd;
    // SAFETY: a fresh private anonymous mapping.
    let map = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            map_len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if map == libc::MAP_FAILED {
        // SAFETY: our own pidfd.
        unsafe { libc::close(pidfd) };
        return None;
    }
    let lock = lock.unwrap_or(pidfd);
    let keep = [pidfd.min(lock), pidfd.max(lock)];
    let job = Job { map_addr: map as usize, map_len, keep, pidfd, dirs: paths.len() as u32 };
    // SAFETY: the mapping is map_len bytes, more than the job and its
    // strings; nothing else uses it yet.
    unsafe {
        std::ptr::write(map.cast::<Job>(), job);
        let mut at = map.cast::<u8>().add(std::mem::size_of::<Job>());
        for p in paths.iter().chain([&journal]) {
            let bytes = p.as_bytes_with_nul();
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), at, bytes.len());
            at = at.add(bytes.len());
        }
    }
    let top = (map as usize + map_len) & !15;
    // No CLONE_FILES: the cleaner closes its own copy of the fd table.
    // SIGCHLD: the shell reaps it as it reaps a block's init.
    let flags = libc::CLONE_VM | libc::SIGCHLD;
    // Every signal blocked across the clone, so that the cleaner starts
    // with them blocked: a handler of the shell's must never run in it (on
    // the shell's memory and errno).
    // SAFETY: sigset_t is plain data, filled by sigfillset.
    let (mut all, mut before) = unsafe { (std::mem::zeroed::<libc::sigset_t>(), std::mem::zeroed::<libc::sigset_t>()) };
    // SAFETY: valid sigset_t pointers.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, &mut before);
    }
    // SAFETY: the child runs `clean` on its own stack in the mapping, makes
    // only raw system calls and never returns into the shell's code.
    let pid = unsafe { libc::clone(clean, top as *mut libc::c_void, flags, map) };
    // SAFETY: restoring the mask saved above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &before, std::ptr::null_mut()) };
    // SAFETY: the shell's copy of the pidfd (the cleaner has its own).
    unsafe { libc::close(pidfd) };
    if pid < 0 {
        // SAFETY: no cleaner runs on the mapping.
        unsafe { libc::munmap(map, map_len) };
        return None;
    }
    Some(pid)
}

/// The cleaner (see the module's comment). `arg` is the mapping.
extern "C" fn clean(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `start` wrote a Job and its strings at `arg` before the
    // clone; only the cleaner reads them from now on. Every call below is a
    // raw system call on memory of the mapping or of this stack.
    unsafe {
        let job = &*arg.cast::<Job>();
        let (map_addr, map_len, pidfd) = (job.map_addr, job.map_len, job.pidfd);
        // Every fd but the two kept: the gaps below, between and above them.
        let [low, high] = job.keep;
        for (first, last) in [(0, low - 1), (low + 1, high - 1), (high + 1, i32::MAX)] {
            if first <= last {
                sys(libc::SYS_close_range, [first as usize, last as u32 as usize, 0, 0, 0, 0]);
            }
        }
        let mut poll = libc::pollfd { fd: pidfd, events: libc::POLLIN, revents: 0 };
        while sys(libc::SYS_ppoll, [&mut poll as *mut libc::pollfd as usize, 1, 0, 0, 0, 0]) == -(libc::EINTR as isize)
        {
        }
        let mut at = arg.cast::<u8>().add(std::mem::size_of::<Job>()) as *const u8;
        let mut every_dir_gone = true;
        for _ in 0..job.dirs {
            every_dir_gone &= remove_dir(at);
            at = after_nul(at);
        }
        if every_dir_gone && *at != 0 {
            sys(libc::SYS_unlinkat, [libc::AT_FDCWD as usize, at as usize, 0, 0, 0, 0]);
        }
        unmap_and_exit(map_addr, map_len)
    }
}

/// `rmdir`, retrying on EBUSY for up to a second; true when it is gone.
///
/// # Safety
/// `path` is a NUL-terminated string.
unsafe fn remove_dir(path: *const u8) -> bool {
    let pause = libc::timespec { tv_sec: 0, tv_nsec: 1_000_000 };
    for _ in 0..1000 {
        // SAFETY: raw calls on a NUL-terminated path and a timespec.
        let r = unsafe {
            sys(libc::SYS_unlinkat, [libc::AT_FDCWD as usize, path as usize, libc::AT_REMOVEDIR as usize, 0, 0, 0])
        };
        match -r as i32 {
            0 | libc::ENOENT => return true,
            // SAFETY: as above.
            libc::EBUSY => unsafe {
                sys(libc::SYS_nanosleep, [&pause as *const libc::timespec as usize, 0, 0, 0, 0, 0]);
            },
            _ => return false,
        }
    }
    false
}

/// The byte after the NUL that ends the string at `p`.
///
/// # Safety
/// `p` is a NUL-terminated string.
unsafe fn after_nul(mut p: *const u8) -> *const u8 {
    // SAFETY: reads up to and including the NUL.
    unsafe {
        while *p != 0 {
            p = p.add(1);
        }
        p.add(1)
    }
}

/// A system call without libc: the result, or `-errno`.
///
/// # Safety
/// As the call itself.
#[cfg(target_arch = "x86_64")]
unsafe fn sys(nr: libc::c_long, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the x86_64 system call convention; the kernel clobbers rcx
    // and r11.
    unsafe {
        std::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a[0], in("rsi") a[1], in("rdx") a[2], in("r10") a[3], in("r8") a[4], in("r9") a[5],
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// A system call without libc: the result, or `-errno`.
///
/// # Safety
/// As the call itself.
#[cfg(target_arch = "aarch64")]
unsafe fn sys(nr: libc::c_long, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the aarch64 system call convention.
    unsafe {
        std::arch::asm!(
            "svc 0",
            in("x8") nr,
            inlateout("x0") a[0] as isize => ret,
            in("x1") a[1], in("x2") a[2], in("x3") a[3], in("x4") a[4], in("x5") a[5],
            options(nostack),
        );
    }
    ret
}

/// `munmap` of the mapping the cleaner's stack is in, then `exit(0)`, in
/// registers only: after the unmap there is no stack to use.
///
/// # Safety
/// The caller runs on the mapping and has nothing left to do.
#[cfg(target_arch = "x86_64")]
unsafe fn unmap_and_exit(addr: usize, len: usize) -> ! {
    // SAFETY: see above; `exit` does not return.
    unsafe {
        std::arch::asm!(
            "syscall",
            "mov eax, {exit}",
            "xor edi, edi",
            "syscall",
            exit = const libc::SYS_exit,
            in("rax") libc::SYS_munmap,
            in("rdi") addr,
            in("rsi") len,
            options(noreturn, nostack),
        )
    }
}

/// `munmap` of the mapping the cleaner's stack is in, then `exit(0)`, in
/// registers only: after the unmap there is no stack to use.
///
/// # Safety
/// The caller runs on the mapping and has nothing left to do.
#[cfg(target_arch = "aarch64")]
unsafe fn unmap_and_exit(addr: usize, len: usize) -> ! {
    // SAFETY: see above; `exit` does not return.
    unsafe {
        std::arch::asm!(
            "svc 0",
            "mov x8, {exit}",
            "mov x0, xzr",
            "svc 0",
            exit = const libc::SYS_exit,
            in("x8") libc::SYS_munmap,
            in("x0") addr,
            in("x1") len,
            options(noreturn, nostack),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cleaner removes the directories (leaves first) and the journal
    /// once the process it watches has exited, and not before.
    #[test]
    fn removes_the_dirs_and_journal_after_the_process_exits() {
        let base = std::env::temp_dir().join(format!("isosh-cleaner-test-{}", std::process::id()));
        let leaf = base.join("parent").join("leaf");
        std::fs::create_dir_all(&leaf).expect("dirs");
        let journal = base.join("journal");
        std::fs::write(&journal, "x").expect("journal");
        // The watched process: a child that waits for a byte on a pipe.
        let (r, w) = os_pipe::pipe().expect("pipe");
        let mut child = std::process::Command::new("/bin/sh").args(["-c", "read x"]).stdin(r).spawn().expect("sh");
        let dirs = [leaf.clone(), base.join("parent")];
        let lock = std::fs::File::open(&journal).expect("journal");
        let held = std::os::fd::AsRawFd::as_raw_fd(&lock);
        let cleaner = start(child.id() as libc::pid_t, &dirs, Some((&journal, held))).expect("cleaner");
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(leaf.exists() && journal.exists(), "removed while the process lived");
        drop(w);
        child.wait().expect("wait");
        let mut status = 0;
        // SAFETY: waiting for our own child, the cleaner.
        let reaped = unsafe { libc::waitpid(cleaner, &mut status, 0) };
        assert_eq!(reaped, cleaner);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{status:#x}");
        assert!(
            !base.join("parent").exists() && !journal.exists(),
            "left: {:?}",
            std::fs::read_dir(&base).map(|d| d.count())
        );
        std::fs::remove_dir(&base).expect("base");
    }
}
