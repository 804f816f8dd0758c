//! `type` and `command`: what a name would run.

use super::{Exec, KEYWORDS, Shell, find, out};
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
        // `command NAME …` skips functions.
        Some(_) => sh.run_argv(&argv[1..]),
        None => Ok(0),
    }
}
