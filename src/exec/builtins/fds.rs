//! `fds`: the shell's own fd table, read from /proc/self/fd and
//! /proc/self/fdinfo — a learner's window on what `exec 3>file` did.

use super::{Exec, Shell, out};

/// Names for the bits of an fdinfo `flags:` field worth showing.
const FLAG_NAMES: &[(i32, &str)] = &[
    (libc::O_APPEND, "O_APPEND"),
    (libc::O_NONBLOCK, "O_NONBLOCK"),
    (libc::O_SYNC, "O_SYNC"),
    (libc::O_DIRECTORY, "O_DIRECTORY"),
    (libc::O_NOFOLLOW, "O_NOFOLLOW"),
    (libc::O_PATH, "O_PATH"),
    (libc::O_CLOEXEC, "O_CLOEXEC"),
];

/// `0100002` (octal, as fdinfo prints it) → `O_RDWR`.
pub fn describe_flags(octal: &str) -> String {
    let Ok(bits) = i32::from_str_radix(octal.trim(), 8) else {
        return octal.trim().to_string();
    };
    let mut names = vec![match bits & libc::O_ACCMODE {
        libc::O_RDONLY => "O_RDONLY",
        libc::O_WRONLY => "O_WRONLY",
        _ => "O_RDWR",
    }];
    names.extend(FLAG_NAMES.iter().filter(|(bit, _)| bits & bit != 0).map(|(_, n)| *n));
    names.join("|")
}

pub fn fds(sh: &mut Shell, _argv: &[String]) -> Exec {
    // Collect the numbers first so the directory's own fd is closed again
    // before the table is read (it would otherwise list itself).
    let mut numbers: Vec<i32> = match std::fs::read_dir("/proc/self/fd") {
        Ok(dir) => dir.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect(),
        Err(e) => {
            sh.error(&format!("fds: /proc/self/fd: {e}"));
            return Ok(1);
        }
    };
    numbers.sort();
    let mut text = format!("{:<4} {:<40} {}\n", "FD", "TARGET", "FLAGS");
    for fd in numbers {
        let Ok(target) = std::fs::read_link(format!("/proc/self/fd/{fd}")) else {
            continue;
        };
        let flags = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"))
            .ok()
            .and_then(|info| info.lines().find_map(|l| l.strip_prefix("flags:").map(describe_flags)))
            .unwrap_or_default();
        text.push_str(&format!("{fd:<4} {:<40} {flags}\n", target.to_string_lossy()));
    }
    out(sh, "fds", &text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn flags_decode() {
        assert_eq!(super::describe_flags("02"), "O_RDWR");
        assert_eq!(super::describe_flags("02102001"), "O_WRONLY|O_APPEND|O_CLOEXEC");
        assert_eq!(super::describe_flags("0100000"), "O_RDONLY");
    }
}
