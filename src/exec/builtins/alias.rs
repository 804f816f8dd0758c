//! `alias [NAME[=VALUE]…]` and `unalias [-a] NAME…`. An alias replaces a
//! command's unquoted first word when the command runs (see
//! `Shell::run_simple`).

use super::{Exec, Shell, out, usage_error};
use crate::exec::quote_always;

pub fn alias(sh: &mut Shell, argv: &[String]) -> Exec {
    if argv.len() == 1 {
        let mut all: Vec<_> = sh.aliases.defined.iter().collect();
        all.sort();
        let text: String = all.into_iter().map(|(k, v)| format!("{k}={}\n", quote_always(v))).collect();
        return out(sh, "alias", &text);
    }
    let mut status = 0;
    let mut text = String::new();
    for a in &argv[1..] {
        match a.split_once('=') {
            Some((name, value)) => {
                std::rc::Rc::make_mut(&mut sh.aliases.defined).insert(name.to_string(), value.to_string());
            }
            None => match sh.aliases.defined.get(a) {
                Some(v) => text.push_str(&format!("{a}={}\n", quote_always(v))),
                None => {
                    sh.error(&format!("alias: {a}: not found"));
                    status = 1;
                }
            },
        }
    }
    out(sh, "alias", &text)?;
    Ok(status)
}

pub fn unalias(sh: &mut Shell, argv: &[String]) -> Exec {
    if argv.get(1).is_some_and(|a| a == "-a") {
        std::rc::Rc::make_mut(&mut sh.aliases.defined).clear();
        return Ok(0);
    }
    if argv.len() == 1 {
        return usage_error(sh, false, "unalias: usage: unalias [-a] NAME...");
    }
    let mut status = 0;
    for a in &argv[1..] {
        if std::rc::Rc::make_mut(&mut sh.aliases.defined).remove(a).is_none() {
            sh.error(&format!("unalias: {a}: not found"));
            status = 1;
        }
    }
    Ok(status)
}
