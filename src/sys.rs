//! Raw system calls the shell's layers share, with no dependency on any of
//! them: a leaf, so that `exec::spawn` and `trace` (which call each other's
//! neighbours) both build on it instead of on each other.

use nix::errno::Errno;
use std::os::fd::RawFd;

/// Writes all of `bytes` to `fd`, retrying on EINTR and short writes.
pub fn write_all(fd: RawFd, mut bytes: &[u8]) -> Result<(), Errno> {
    while !bytes.is_empty() {
        // SAFETY: the pointer and length describe a live slice.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            let e = Errno::last();
            if e == Errno::EINTR {
                continue;
            }
            return Err(e);
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

/// The C library's text for an errno ("Bad file descriptor").
pub fn errno_text(e: Errno) -> String {
    // SAFETY: strerror returns a valid C string; isosh is single-threaded
    // and copies it at once.
    unsafe { std::ffi::CStr::from_ptr(libc::strerror(e as i32)) }.to_string_lossy().into_owned()
}

/// The OS error text without Rust's " (os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => errno_text(Errno::from_raw(n)),
        None => e.to_string(),
    }
}

/// A path field of `/proc/self/mountinfo` as its bytes: the kernel writes
/// blanks, tabs, newlines and backslashes as `\040`-style octal.
pub fn unescape_mountinfo(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let octal = field.get(i + 1..i + 4).filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match (field[i], octal) {
            (b'\\', Some(d)) => {
                out.push(d.iter().fold(0u8, |n, c| n.wrapping_mul(8).wrapping_add(c - b'0')));
                i += 4;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Where the kernel keeps this process's command line (`/proc/PID/cmdline`
/// reads it from our own memory): the argument strings, end to end, as
/// `main` received them.
static COMMAND_LINE: (std::sync::atomic::AtomicPtr<u8>, std::sync::atomic::AtomicUsize) =
    (std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()), std::sync::atomic::AtomicUsize::new(0));

/// Notes where the argument strings lie, for [`overwrite_command_line`].
///
/// # Safety
/// `argv` must be the `argc` argument pointers `main` was called with.
pub unsafe fn remember_command_line(argc: libc::c_int, argv: *const *const libc::c_char) {
    if argc < 1 || argv.is_null() {
        return;
    }
    // SAFETY: the caller's argv holds `argc` pointers to C strings, which
    // the kernel laid out one after another.
    unsafe {
        let first = *argv;
        let last = *argv.add(argc as usize - 1);
        let end = last.add(libc::strlen(last) + 1);
        let len = end.offset_from(first);
        if len > 0 {
            COMMAND_LINE.0.store(first as *mut u8, std::sync::atomic::Ordering::Relaxed);
            COMMAND_LINE.1.store(len as usize, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Replaces this process's command line with `title` (cut to fit) and
/// zeros the rest. An isolate block's init is a copy of the shell, so its
/// command line was the shell's — the whole `-c` script, secrets and all,
/// readable by the body in `/proc/1/cmdline`.
pub fn overwrite_command_line(title: &[u8]) {
    let start = COMMAND_LINE.0.load(std::sync::atomic::Ordering::Relaxed);
    let len = COMMAND_LINE.1.load(std::sync::atomic::Ordering::Relaxed);
    if start.is_null() {
        return;
    }
    // SAFETY: [start, start + len) is the argument strings' area noted by
    // remember_command_line: memory of ours that nothing else reads once
    // main has copied the arguments.
    let area = unsafe { std::slice::from_raw_parts_mut(start, len) };
    area.fill(0);
    let n = title.len().min(len - 1);
    area[..n].copy_from_slice(&title[..n]);
}

#[cfg(test)]
mod mountinfo_tests {
    #[test]
    fn octal_escapes_become_bytes() {
        assert_eq!(super::unescape_mountinfo(br"/a\040b\134c\351"), b"/a b\\c\xe9");
        assert_eq!(super::unescape_mountinfo(br"/x\09"), br"/x\09");
    }
}
