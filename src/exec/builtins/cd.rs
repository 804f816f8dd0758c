//! `cd` and `pwd`, with logical paths (`$PWD` keeps the symlinks the user
//! went through) unless `-P` is given, as in dash.

use super::{Exec, Shell, out};
use std::path::{Component, Path, PathBuf};

/// `a/./b/../c` → `a/c`, without looking at the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn split_mode(argv: &[String]) -> (bool, &[String]) {
    let mut physical = false;
    let mut args = &argv[1..];
    while let Some(a) = args.first() {
        match a.as_str() {
            "-P" => physical = true,
            "-L" => physical = false,
            "--" => {
                args = &args[1..];
                break;
            }
            _ => break,
        }
        args = &args[1..];
    }
    (physical, args)
}

pub fn cd(sh: &mut Shell, argv: &[String]) -> Exec {
    let (physical, args) = split_mode(argv);
    let (dir, print) = match args.first().map(String::as_str) {
        None => match sh.state.vars.get("HOME") {
            Some(h) => (h.to_string(), false),
            None => return fail(sh, "cd: HOME not set"),
        },
        Some("-") => match sh.state.vars.get("OLDPWD") {
            Some(o) => (o.to_string(), true),
            None => return fail(sh, "cd: OLDPWD not set"),
        },
        Some(d) => (d.to_string(), false),
    };
    let old = sh.state.vars.get("PWD").map(String::from);
    let logical = match (&old, dir.starts_with('/')) {
        (Some(pwd), false) if !physical => normalize(&crate::bytes::path(pwd).join(crate::bytes::path(&dir))),
        _ => normalize(&crate::bytes::path(&dir)),
    };
    let target = if physical { crate::bytes::path(&dir) } else { logical.clone() };
    if let Err(e) = std::env::set_current_dir(&target) {
        return fail(sh, &format!("cd: can't cd to {dir}: {}", io_reason(&e)));
    }
    let new_pwd = if physical {
        std::env::current_dir().map(|p| crate::bytes::from_os(p.as_os_str())).unwrap_or(dir)
    } else {
        crate::bytes::from_os(logical.as_os_str())
    };
    if let Some(o) = old {
        sh.state.vars.set("OLDPWD", o);
        sh.state.vars.export("OLDPWD");
    }
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
    let (physical, _) = split_mode(argv);
    let cwd = match std::env::current_dir() {
        Ok(c) => c,
        Err(e) => return fail(sh, &format!("pwd: {}", io_reason(&e))),
    };
    let logical = sh.state.vars.get("PWD").filter(|p| {
        p.starts_with('/')
            && std::fs::canonicalize(crate::bytes::path(p)).ok().as_deref()
                == std::fs::canonicalize(&cwd).ok().as_deref()
    });
    let shown = match logical {
        Some(p) if !physical => p.to_string(),
        _ => crate::bytes::from_os(cwd.as_os_str()),
    };
    out(sh, "pwd", &format!("{shown}\n"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalize_is_lexical() {
        assert_eq!(super::normalize("/a/./b/../c/".as_ref()), std::path::PathBuf::from("/a/c"));
        assert_eq!(super::normalize("/..".as_ref()), std::path::PathBuf::from("/"));
    }
}
