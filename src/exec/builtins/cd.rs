//! `cd` and `pwd`, with logical paths (`$PWD` keeps the symlinks the user
//! went through) unless `-P` is given, and `$CDPATH`, as in dash.

use super::{Exec, Shell, out};
use std::os::unix::fs::MetadataExt;

/// `a/./b/../c` → `a/c` for an absolute path, without looking at the file
/// system; a leading `//` (and only exactly two) is kept, as POSIX allows.
fn normalize(path: &str) -> String {
    let root = if path.starts_with("//") && !path.starts_with("///") { "//" } else { "/" };
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("{root}{}", parts.join("/"))
}

/// `-L`/`-P` (the last wins) and the operands after them.
fn split_mode<'a>(sh: &Shell, name: &str, argv: &'a [String]) -> Result<(bool, &'a [String]), i32> {
    let mut physical = false;
    let mut args = &argv[1..];
    while let Some(flags) = args.first().and_then(|a| a.strip_prefix('-')).filter(|f| !f.is_empty()) {
        args = &args[1..];
        if flags == "-" {
            break;
        }
        for c in flags.chars() {
            match c {
                'P' => physical = true,
                'L' => physical = false,
                _ => {
                    sh.error(&format!("{name}: Illegal option -{c}"));
                    return Err(2);
                }
            }
        }
    }
    Ok((physical, args))
}

thread_local! {
    /// The logical current directory `cd` last made (the shell's own, as
    /// dash's `curdir`: assigning `$PWD` does not change it). Like the
    /// kernel's cwd it belongs to the process, and a fork copies it.
    static LOGICAL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The logical current directory: the one `cd` made while it still names
/// the directory the shell is in; before any `cd`, `$PWD` as the shell
/// found it when it is absolute and names that directory; else the
/// physical one.
fn logical_cwd(sh: &Shell) -> Option<String> {
    let same = |a: &std::fs::Metadata, b: &std::fs::Metadata| a.dev() == b.dev() && a.ino() == b.ino();
    let here = std::fs::metadata(".").ok()?;
    let names_here =
        |p: &str| p.starts_with('/') && std::fs::metadata(crate::bytes::path(p)).is_ok_and(|m| same(&m, &here));
    if let Some(dir) = LOGICAL.with(|l| l.borrow().clone()).filter(|d| names_here(d)) {
        return Some(dir);
    }
    let dir = match sh.state.vars.get("PWD").filter(|p| names_here(p)) {
        Some(pwd) => pwd.to_string(),
        None => crate::bytes::from_os(std::env::current_dir().ok()?.as_os_str()),
    };
    LOGICAL.with(|l| *l.borrow_mut() = Some(dir.clone()));
    Some(dir)
}

fn is_dir(path: &str) -> bool {
    std::fs::metadata(crate::bytes::path(path)).is_ok_and(|m| m.is_dir())
}

/// Where `dir` leads through `$CDPATH` (POSIX cd steps 5–6), and whether
/// the new directory is to be printed (found through a non-empty entry).
fn through_cdpath(sh: &Shell, dir: &str) -> (String, bool) {
    let relative_to_here =
        dir.starts_with('/') || dir == "." || dir == ".." || dir.starts_with("./") || dir.starts_with("../");
    if let (false, Some(cdpath)) = (relative_to_here, sh.state.vars.get("CDPATH")) {
        for entry in cdpath.split(':') {
            let candidate = match entry {
                "" => dir.to_string(),
                e if e.ends_with('/') => format!("{e}{dir}"),
                e => format!("{e}/{dir}"),
            };
            if is_dir(&candidate) {
                return (candidate, !entry.is_empty());
            }
        }
    }
    (dir.to_string(), false)
}

pub fn cd(sh: &mut Shell, argv: &[String]) -> Exec {
    let (physical, args) = match split_mode(sh, "cd", argv) {
        Ok(m) => m,
        Err(status) => return Ok(status),
    };
    let (dir, mut print) = match args.first().map(String::as_str) {
        None => match sh.state.vars.get("HOME").filter(|h| !h.is_empty()) {
            Some(h) => (h.to_string(), false),
            None => return fail(sh, "cd: HOME not set"),
        },
        // `cd ''` stays where it is (dash, bash).
        Some("") => return Ok(0),
        Some("-") => match sh.state.vars.get("OLDPWD") {
            Some(o) => (o.to_string(), true),
            None => return fail(sh, "cd: OLDPWD not set"),
        },
        Some(d) => (d.to_string(), false),
    };
    let (curpath, found_in_cdpath) = through_cdpath(sh, &dir);
    print |= found_in_cdpath;
    let old = logical_cwd(sh);
    let logical = match &old {
        _ if curpath.starts_with('/') => normalize(&curpath),
        Some(pwd) => normalize(&format!("{pwd}/{curpath}")),
        None => curpath.clone(),
    };
    // Logically unless -P; when the logical path leads nowhere (a `..`
    // above a symlink that is gone), physically as a fallback.
    let mut target = if physical { curpath.clone() } else { logical.clone() };
    if let Err(e) = std::env::set_current_dir(crate::bytes::path(&target)) {
        if physical || std::env::set_current_dir(crate::bytes::path(&curpath)).is_err() {
            return fail(sh, &format!("cd: can't cd to {dir}: {}", io_reason(&e)));
        }
        target = curpath;
    }
    let new_pwd = if physical || target != logical || !logical.starts_with('/') {
        std::env::current_dir().map(|p| crate::bytes::from_os(p.as_os_str())).unwrap_or(logical)
    } else {
        logical
    };
    if let Some(o) = old {
        sh.state.vars.set("OLDPWD", o);
        sh.state.vars.export("OLDPWD");
    }
    LOGICAL.with(|l| *l.borrow_mut() = Some(new_pwd.clone()));
    sh.state.vars.set("PWD", new_pwd.clone());
    sh.state.vars.export("PWD");
    if print { out(sh, "cd", &format!("{new_pwd}\n")) } else { Ok(0) }
}

fn fail(sh: &Shell, msg: &str) -> Exec {
    sh.error(msg);
    Ok(2)
}

pub use crate::sys::io_reason;

pub fn pwd(sh: &mut Shell, argv: &[String]) -> Exec {
    let (physical, _) = match split_mode(sh, "pwd", argv) {
        Ok(m) => m,
        Err(status) => return Ok(status),
    };
    let shown = if physical {
        std::env::current_dir().map(|p| crate::bytes::from_os(p.as_os_str()))
    } else {
        logical_cwd(sh).ok_or_else(std::io::Error::last_os_error)
    };
    match shown {
        Ok(p) => out(sh, "pwd", &format!("{p}\n")),
        Err(e) => fail(sh, &format!("pwd: {}", io_reason(&e))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalize_is_lexical() {
        assert_eq!(super::normalize("/a/./b/../c/"), "/a/c");
        assert_eq!(super::normalize("/.."), "/");
        assert_eq!(super::normalize("//x/.."), "//");
        assert_eq!(super::normalize("///x//y"), "/x/y");
    }
}
