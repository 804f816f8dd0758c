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
