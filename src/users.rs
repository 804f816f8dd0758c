//! The user database (`~user`, `\u` in a prompt, a home directory when
//! `$HOME` is unset), read without glibc's NSS.
//!
//! isosh is linked statically (see `.cargo/config.toml`), and a static
//! glibc loads NSS modules with dlopen — libnss_systemd, on a default
//! Debian, crashes there as soon as a lookup reaches it (any name not in
//! /etc/passwd). So isosh reads /etc/passwd itself, and asks `getent
//! passwd`, a dynamically linked program that can use every NSS module,
//! only for what /etc/passwd does not list.

use std::process::{Command, Stdio};

/// One `/etc/passwd` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The login name.
    pub name: String,
    /// The user id.
    pub uid: u32,
    /// The home directory.
    pub home: String,
}

/// The account named `name`.
pub fn by_name(name: &str) -> Option<Account> {
    if name.is_empty() || name.contains([':', '\n']) {
        return None;
    }
    lookup(name, |a| a.name == name)
}

/// The account with user id `uid`.
pub fn by_uid(uid: u32) -> Option<Account> {
    lookup(&uid.to_string(), |a| a.uid == uid)
}

fn lookup(key: &str, wanted: impl Fn(&Account) -> bool) -> Option<Account> {
    // Bytes, carried as the shell carries them: one Latin-1 name or home in
    // the file must not hide every account.
    let files = std::fs::read("/etc/passwd").map(crate::bytes::decode_vec).unwrap_or_default();
    parse(&files).find(|a| wanted(a)).or_else(|| getent(key).filter(|a| wanted(a)))
}

fn parse(text: &str) -> impl Iterator<Item = Account> + '_ {
    text.lines().filter_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        let [name, _, uid, _, _, home, ..] = fields.as_slice() else { return None };
        Some(Account { name: name.to_string(), uid: uid.parse().ok()?, home: home.to_string() })
    })
}

fn getent(key: &str) -> Option<Account> {
    let out = Command::new("getent").args(["passwd", key]).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    parse(&crate::bytes::decode_vec(out.stdout)).next()
}

/// Gives isosh's own process a `$HOME` when it started without one, as the
/// libraries that find the data, config and history directories (dirs,
/// and rustyline's completion through home) would otherwise ask glibc's
/// user database. Only the process's environment changes: the shell's
/// variables, and so what commands inherit, stay as they were (as in dash).
pub fn ensure_home_for_libraries() {
    if std::env::var_os("HOME").is_some() {
        return;
    }
    let home = by_uid(nix::unistd::geteuid().as_raw()).map_or_else(|| "/".to_string(), |a| a.home);
    // SAFETY: called at startup, before isosh starts any thread.
    unsafe { std::env::set_var("HOME", crate::bytes::os(&home)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_parse_and_bad_ones_are_skipped() {
        let text =
            "root:x:0:0:root:/root:/bin/bash\nbroken line\nme:x:1000:1000:Me,,,:/home/me:/bin/sh\nx:x:NaN:0::/:\n";
        let all: Vec<Account> = parse(text).collect();
        assert_eq!(
            all,
            [
                Account { name: "root".into(), uid: 0, home: "/root".into() },
                Account { name: "me".into(), uid: 1000, home: "/home/me".into() },
            ]
        );
    }

    #[test]
    fn lookups_read_the_real_database() {
        assert_eq!(by_name("root").map(|a| a.home), Some("/root".into()));
        assert_eq!(by_uid(0).map(|a| a.name), Some("root".into()));
        assert_eq!(by_name("no_such_user_x"), None);
        assert_eq!(by_name("a:b"), None);
    }
}
