//! `type`, `command` and `hash`: what a name would run.

use super::{Exec, KEYWORDS, Shell, find, out, usage_error};
use crate::exec::path::Lookup;

/// What `name` means to the shell.
enum Meaning {
    Alias(String),
    Keyword,
    Function,
    Builtin { special: bool },
    File(String),
    Unknown,
}

fn meaning(sh: &mut Shell, name: &str) -> Meaning {
    if let Some(text) = sh.aliases.defined.get(name) {
        return Meaning::Alias(text.clone());
    }
    if KEYWORDS.contains(&name) {
        return Meaning::Keyword;
    }
    let builtin = find(name);
    if builtin.is_some_and(|b| b.special) {
        return Meaning::Builtin { special: true };
    }
    if sh.functions.contains_key(name) {
        return Meaning::Function;
    }
    if builtin.is_some() {
        return Meaning::Builtin { special: false };
    }
    match sh.lookup_path(name) {
        Lookup::Found(p) if p.is_file() => Meaning::File(crate::bytes::from_os(p.as_os_str())),
        _ => Meaning::Unknown,
    }
}

/// `type NAME…`, or `command -V`.
pub fn type_(sh: &mut Shell, argv: &[String]) -> Exec {
    describe_all(sh, &argv[1..], "type")
}

fn describe_all(sh: &mut Shell, names: &[String], who: &str) -> Exec {
    let mut status = 0;
    let mut text = String::new();
    for name in names {
        match meaning(sh, name) {
            Meaning::Alias(a) => text.push_str(&format!("{name} is an alias for {a}\n")),
            Meaning::Keyword => text.push_str(&format!("{name} is a shell keyword\n")),
            Meaning::Function => text.push_str(&format!("{name} is a shell function\n")),
            Meaning::Builtin { special: true } => text.push_str(&format!("{name} is a special shell builtin\n")),
            Meaning::Builtin { special: false } => text.push_str(&format!("{name} is a shell builtin\n")),
            Meaning::File(p) => text.push_str(&format!("{name} is {p}\n")),
            Meaning::Unknown => {
                text.push_str(&format!("{name}: not found\n"));
                status = 127;
            }
        }
    }
    out(sh, who, &text)?;
    Ok(status)
}

/// `command [-v|-V] NAME [args…]`
pub fn command(sh: &mut Shell, argv: &[String]) -> Exec {
    match argv.get(1).map(String::as_str) {
        Some("-v") => {
            let mut status = 0;
            let mut text = String::new();
            for name in &argv[2..] {
                match meaning(sh, name) {
                    Meaning::Keyword | Meaning::Function | Meaning::Builtin { .. } => {
                        text.push_str(&format!("{name}\n"))
                    }
                    Meaning::File(p) => text.push_str(&format!("{p}\n")),
                    Meaning::Alias(a) => text.push_str(&format!("alias {name}='{a}'\n")),
                    Meaning::Unknown => status = 127,
                }
            }
            out(sh, "command", &text)?;
            Ok(status)
        }
        Some("-V") => describe_all(sh, &argv[2..], "command"),
        // `command NAME …` skips functions, and a special builtin it runs
        // loses its special properties.
        Some("--") if argv.len() == 2 => Ok(0),
        Some("--") => super::as_command(|| sh.run_argv(&argv[2..])),
        Some(_) => super::as_command(|| sh.run_argv(&argv[1..])),
        None => Ok(0),
    }
}

/// `hash [-r] [NAME…]`: with names, finds and remembers each program (a
/// builtin or function needs nothing); `-r` forgets them all (and nothing
/// more); alone, lists the remembered paths (as dash does).
pub fn hash(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut names = &argv[1..];
    // One option word at most: `-r` (names after it are ignored, as in
    // dash) or `--`.
    if let Some(flags) = names.first().and_then(|a| a.strip_prefix('-')).filter(|f| !f.is_empty()) {
        names = &names[1..];
        if flags != "-" {
            if let Some(c) = flags.chars().find(|&c| c != 'r') {
                return usage_error(sh, false, &format!("hash: Illegal option -{c}"));
            }
            sh.forget_paths();
            return Ok(0);
        }
    }
    if names.is_empty() && argv.len() == 1 {
        let text: String = sh.remembered_paths().iter().map(|p| format!("{p}\n")).collect();
        return out(sh, "hash", &text);
    }
    let mut status = 0;
    for name in names {
        if name.contains('/') || sh.functions.contains_key(name) || find(name).is_some() {
            continue;
        }
        if !matches!(sh.lookup_path(name), Lookup::Found(p) if p.is_file()) {
            sh.error(&format!("hash: {name}: not found"));
            status = 1;
        }
    }
    Ok(status)
}
