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

#[cfg(test)]
mod mountinfo_tests {
    #[test]
    fn octal_escapes_become_bytes() {
        assert_eq!(super::unescape_mountinfo(br"/a\040b\134c\351"), b"/a b\\c\xe9");
        assert_eq!(super::unescape_mountinfo(br"/x\09"), br"/x\09");
    }
}
