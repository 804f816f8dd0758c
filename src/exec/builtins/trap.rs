//! `trap [ACTION CONDITION…]`, `trap -p`: commands run when the shell exits
//! (`EXIT`, `0`) or receives a signal (`INT`, `TERM`, `HUP`, …). A trapped
//! signal is noted by its handler and its command runs between commands.

use super::{Exec, Shell, out, usage_error};
use crate::signals::{self, Disposition};
use nix::sys::signal::Signal;

/// `0`/`EXIT`, or a signal by name (`INT`, `SIGINT`) or number.
pub fn parse_condition(name: &str) -> Option<Option<Signal>> {
    if name == "0" || name.eq_ignore_ascii_case("EXIT") {
        return Some(None);
    }
    if let Ok(n) = name.parse::<i32>() {
        return Signal::try_from(n).ok().map(Some);
    }
    let upper = name.to_ascii_uppercase();
    let full = if upper.starts_with("SIG") { upper } else { format!("SIG{upper}") };
    full.parse::<Signal>().ok().map(Some)
}

fn condition_name(c: Option<Signal>) -> String {
    match c {
        None => "EXIT".into(),
        Some(s) => s.as_str().trim_start_matches("SIG").to_string(),
    }
}

pub fn trap(sh: &mut Shell, argv: &[String]) -> Exec {
    let args = match argv.get(1) {
        Some(dd) if dd == "--" => &argv[2..],
        _ => &argv[1..],
    };
    if args.is_empty() || args[0] == "-p" {
        let mut text = String::new();
        let mut listed: Vec<_> = sh.traps.iter().collect();
        listed.sort_by_key(|(c, _)| c.map_or(0, |s| s as i32));
        for (cond, action) in listed {
            text.push_str(&format!("trap -- {} {}\n", crate::exec::quote_always(action), condition_name(*cond)));
        }
        return out(sh, "trap", &text);
    }
    // `trap N…` with a number first resets (POSIX); otherwise the first
    // word is the action.
    let (action, conditions) =
        if args[0].parse::<u32>().is_ok() { ("-", args) } else { (args[0].as_str(), &args[1..]) };
    let mut status = 0;
    for name in conditions {
        let Some(cond) = parse_condition(name) else {
            let _ = usage_error(sh, false, &format!("trap: {name}: bad trap"));
            status = 1;
            continue;
        };
        let interactive = sh.state.options.interactive;
        // Ignored when the shell started: no trap can change that (POSIX;
        // bash and dash say nothing either).
        if cond.is_some_and(signals::ignored_on_entry) {
            continue;
        }
        match action {
            "-" => {
                sh.traps.remove(&cond);
                if let Some(sig) = cond {
                    signals::set_disposition(sig, Disposition::Default { interactive });
                }
            }
            cmd => {
                sh.traps.insert(cond, cmd.to_string());
                if let Some(sig) = cond {
                    let d = if cmd.is_empty() { Disposition::Ignore } else { Disposition::Catch };
                    signals::set_disposition(sig, d);
                }
            }
        }
    }
    Ok(status)
}
