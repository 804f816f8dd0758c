//! Builtins about the process: `umask`, `ulimit`, `times`, `kill`.

use super::{Exec, Shell, out, usage_error};
use nix::sys::signal::Signal;

/// `umask [-S] [MODE]` (MODE in octal).
pub fn umask(sh: &mut Shell, argv: &[String]) -> Exec {
    let symbolic = argv.get(1).is_some_and(|a| a == "-S");
    let mode_arg = argv[1..].iter().find(|a| *a != "-S");
    // SAFETY: umask is always safe; read it by setting and restoring.
    let current = unsafe {
        let m = libc::umask(0o022);
        libc::umask(m);
        m
    };
    let Some(mode) = mode_arg else {
        if !symbolic {
            return out(sh, "umask", &format!("{current:04o}\n"));
        }
        let allowed = !current & 0o777;
        let who = |shift: u32| {
            let bits = (allowed >> shift) & 7;
            ["r", "w", "x"]
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (4 >> i) != 0)
                .map(|(_, c)| *c)
                .collect::<String>()
        };
        return out(sh, "umask", &format!("u={},g={},o={}\n", who(6), who(3), who(0)));
    };
    let new = if mode.starts_with(|c: char| c.is_ascii_digit()) {
        u32::from_str_radix(mode, 8).ok().filter(|m| *m <= 0o777)
    } else {
        symbolic_umask(current as u32, mode)
    };
    match new {
        Some(m) => {
            // SAFETY: as above.
            unsafe { libc::umask(m as libc::mode_t) };
            Ok(0)
        }
        None if mode.starts_with(|c: char| c.is_ascii_digit()) => {
            usage_error(sh, false, &format!("umask: {mode}: octal mode expected"))
        }
        None => usage_error(sh, false, &format!("umask: {mode}: invalid symbolic mode")),
    }
}

/// A symbolic umask (`u=rwx,g+w,o-rwx`, `a+w`): the permissions the mask
/// allows are changed clause by clause; the new mask is what they leave out.
fn symbolic_umask(current: u32, mode: &str) -> Option<u32> {
    let mut allowed = !current & 0o777;
    for clause in mode.split(',') {
        let who_len = clause.find(|c: char| !"ugoa".contains(c)).unwrap_or(clause.len());
        let (who, mut rest) = clause.split_at(who_len);
        let mut mask = 0;
        for w in who.chars() {
            mask |= match w {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                _ => 0o777,
            };
        }
        if who.is_empty() {
            mask = 0o777;
        }
        if rest.is_empty() {
            return None;
        }
        while let Some(op) = rest.chars().next().filter(|c| "+-=".contains(*c)) {
            let perm_len = rest[1..].find(|c: char| "+-=".contains(c)).map_or(rest.len(), |i| i + 1);
            let perms = &rest[1..perm_len];
            let mut bits = 0;
            for p in perms.chars() {
                // `u`, `g`, `o` copy that class's current permissions.
                let copied = |shift: u32| {
                    let b = (allowed >> shift) & 7;
                    b << 6 | b << 3 | b
                };
                bits |= match p {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' | 'X' => 0o111,
                    's' | 't' => 0,
                    'u' => copied(6),
                    'g' => copied(3),
                    'o' => copied(0),
                    _ => return None,
                };
            }
            match op {
                '+' => allowed |= bits & mask,
                '-' => allowed &= !(bits & mask),
                _ => allowed = (allowed & !mask) | (bits & mask),
            }
            rest = &rest[perm_len..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(!allowed & 0o777)
}

/// `ulimit [-n|-u] [LIMIT]`: open files or processes (default `-f`:
/// file size in 512-byte blocks, as dash).
pub fn ulimit(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut resource = (libc::RLIMIT_FSIZE, 512u64);
    let mut value = None;
    for a in &argv[1..] {
        match a.as_str() {
            "-n" => resource = (libc::RLIMIT_NOFILE, 1),
            "-u" => resource = (libc::RLIMIT_NPROC, 1),
            "-f" => resource = (libc::RLIMIT_FSIZE, 512),
            "-H" | "-S" => {}
            v if !v.starts_with('-') => value = Some(v.to_string()),
            other => return usage_error(sh, false, &format!("ulimit: {other}: only -n, -u and -f are supported")),
        }
    }
    let (res, unit) = resource;
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit into a local struct.
    unsafe { libc::getrlimit(res, &mut lim) };
    match value {
        None => {
            let text = if lim.rlim_cur == libc::RLIM_INFINITY {
                "unlimited".to_string()
            } else {
                (lim.rlim_cur / unit).to_string()
            };
            out(sh, "ulimit", &format!("{text}\n"))
        }
        Some(v) => {
            let n = if v == "unlimited" {
                libc::RLIM_INFINITY
            } else {
                match v.parse::<u64>() {
                    Ok(n) => n.saturating_mul(unit),
                    Err(_) => return usage_error(sh, false, &format!("ulimit: {v}: bad number")),
                }
            };
            let new = libc::rlimit { rlim_cur: n, rlim_max: n };
            // SAFETY: setrlimit with a local struct.
            if unsafe { libc::setrlimit(res, &new) } != 0 {
                let e = nix::errno::Errno::last();
                sh.error(&format!("ulimit: {}", crate::exec::spawn::errno_text(e)));
                return Ok(2);
            }
            Ok(0)
        }
    }
}

/// `times`: user and system time of the shell, then of its children, as
/// bash prints them (`0m0.012s`).
pub fn times(sh: &mut Shell, _argv: &[String]) -> Exec {
    let usage = |who| {
        // SAFETY: getrusage fills a zeroed local struct.
        let mut r: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: as above; RUSAGE_SELF/CHILDREN are valid selectors.
        unsafe { libc::getrusage(who, &mut r) };
        [r.ru_utime, r.ru_stime].map(|t| {
            let ms = t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
            format!("{}m{}.{:03}s", ms / 60_000, ms % 60_000 / 1000, ms % 1000)
        })
    };
    let ([u, s], [cu, cs]) = (usage(libc::RUSAGE_SELF), usage(libc::RUSAGE_CHILDREN));
    out(sh, "times", &format!("{u} {s}\n{cu} {cs}\n"))
}

/// `kill [-s SIG | -SIG] PID…`, `kill -l`.
pub fn kill(sh: &mut Shell, argv: &[String]) -> Exec {
    // `None` is signal 0: only check that the process exists.
    let mut sig = Some(Signal::SIGTERM);
    let mut rest = &argv[1..];
    match rest.first().map(String::as_str) {
        Some("-l") if rest.len() > 1 => {
            // `kill -l N`: the name of signal N (or of the one an exit status
            // 128+N stands for); `kill -l NAME`: its number.
            let mut text = String::new();
            for a in &rest[1..] {
                let line = match a.parse::<i32>() {
                    Ok(n) => Signal::try_from(if n > 128 { n - 128 } else { n })
                        .ok()
                        .map(|s| s.as_str().trim_start_matches("SIG").to_string()),
                    Err(_) => super::trap::parse_condition(a).flatten().map(|s| (s as i32).to_string()),
                };
                match line {
                    Some(l) => text.push_str(&format!("{l}\n")),
                    None => return usage_error(sh, false, &format!("kill: {a}: bad signal")),
                }
            }
            return out(sh, "kill", &text);
        }
        Some("-l") => {
            let names: Vec<&str> = Signal::iterator().map(|s| s.as_str().trim_start_matches("SIG")).collect();
            return out(sh, "kill", &format!("{}\n", names.join(" ")));
        }
        Some("-s") => {
            let Some(name) = rest.get(1) else { return usage_error(sh, false, "kill: -s needs a signal") };
            match super::trap::parse_condition(name) {
                Some(s) => sig = s,
                None => return usage_error(sh, false, &format!("kill: {name}: bad signal")),
            }
            rest = &rest[2..];
        }
        Some(flag) if flag.starts_with('-') && flag.len() > 1 && flag != "--" => {
            match super::trap::parse_condition(&flag[1..]) {
                Some(s) => sig = s,
                None => return usage_error(sh, false, &format!("kill: {flag}: bad signal")),
            }
            rest = &rest[1..];
        }
        _ => {}
    }
    if rest.first().is_some_and(|a| a == "--") {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        return usage_error(sh, false, "kill: usage: kill [-s SIGNAL | -SIGNAL] PID...");
    }
    let mut status = 0;
    for p in rest {
        // Under job control a job is a process group: signal all of it.
        let group = if sh.jobs.terminal.is_some() { -1 } else { 1 };
        let pid = if p.starts_with('%') { sh.job_pid(p).map(|pg| pg * group) } else { p.parse::<i32>().ok() };
        let Some(pid) = pid else {
            sh.error(&format!("kill: {p}: arguments must be process or job IDs"));
            status = 1;
            continue;
        };
        if let Err(e) = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig) {
            sh.error(&format!("kill: ({pid}): {}", crate::exec::spawn::errno_text(e)));
            status = 1;
        } else if let Some(sig) = sig
            && pid < 0
        {
            sh.wake_if_stopped(nix::unistd::Pid::from_raw(-pid), sig);
        }
    }
    Ok(status)
}
