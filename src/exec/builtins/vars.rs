//! `export`, `unset` and `set`.

use super::{Exec, Shell, out, usage_error};
use crate::exec::quote_always;
use crate::state::Options;
use crate::syntax::lexer::is_valid_name;

/// `export [-p] [NAME[=value]…]`
pub fn export(sh: &mut Shell, argv: &[String]) -> Exec {
    let args: Vec<&String> = argv[1..].iter().filter(|a| *a != "-p").collect();
    if args.is_empty() {
        let vars = &sh.state.vars;
        let set = vars.sorted().into_iter().filter(|(_, v)| v.exported);
        let mut lines: Vec<(&str, String)> =
            set.map(|(k, v)| (k, format!("export {k}={}\n", quote_always(&v.value)))).collect();
        // Names exported while unset: without a value (dash, bash).
        lines.extend(vars.exported_unset().map(|k| (k, format!("export {k}\n"))));
        lines.sort();
        let listing: String = lines.into_iter().map(|(_, line)| line).collect();
        return out(sh, "export", &listing);
    }
    mark_each(sh, "export", &args, crate::state::Vars::export)
}

/// `readonly [-p] [NAME[=value]…]`
pub fn readonly(sh: &mut Shell, argv: &[String]) -> Exec {
    let args: Vec<&String> = argv[1..].iter().filter(|a| *a != "-p").collect();
    if args.is_empty() {
        let vars = &sh.state.vars;
        let listing: String = vars
            .readonly_names()
            .into_iter()
            .map(|n| match vars.get(n) {
                Some(v) => format!("readonly {n}={}\n", quote_always(v)),
                None => format!("readonly {n}\n"),
            })
            .collect();
        return out(sh, "readonly", &listing);
    }
    mark_each(sh, "readonly", &args, crate::state::Vars::make_readonly)
}

/// `export`/`readonly` operands: each `NAME[=value]` is assigned (if it
/// has a value) and then marked.
fn mark_each(sh: &mut Shell, builtin: &str, args: &[&String], mark: fn(&mut crate::state::Vars, &str)) -> Exec {
    for a in args {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !is_valid_name(name) {
            return usage_error(sh, true, &format!("{builtin}: {name}: bad variable name"));
        }
        if let Some(v) = value {
            if sh.state.vars.is_readonly(name) {
                return usage_error(sh, true, &format!("{builtin}: {name}: is read only"));
            }
            sh.state.vars.set(name, v);
        }
        mark(&mut sh.state.vars, name);
    }
    Ok(0)
}

/// `unset [-v|-f] NAME…`
pub fn unset(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut functions = false;
    for a in &argv[1..] {
        match a.as_str() {
            "-v" => functions = false,
            "-f" => functions = true,
            name if functions => {
                sh.functions.remove(name);
            }
            name if sh.state.vars.is_readonly(name) => {
                return usage_error(sh, true, &format!("unset: {name}: is read only"));
            }
            name => sh.state.vars.unset(name),
        }
    }
    Ok(0)
}

/// `set [-+efnuxC] [-+o name] [--] [args…]`
pub fn set(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut args = argv[1..].iter();
    if argv.len() == 1 {
        let listing: String =
            sh.state.vars.sorted().into_iter().map(|(k, v)| format!("{k}={}\n", quote_always(&v.value))).collect();
        return out(sh, "set", &listing);
    }
    let mut new_positional: Option<Vec<String>> = None;
    while let Some(a) = args.next() {
        if a == "--" {
            new_positional = Some(args.by_ref().cloned().collect());
            break;
        }
        let (on, letters) = match a.as_bytes().first() {
            Some(b'-') if a.len() > 1 => (true, &a[1..]),
            Some(b'+') if a.len() > 1 => (false, &a[1..]),
            _ => {
                new_positional = Some(std::iter::once(a).chain(args.by_ref()).cloned().collect());
                break;
            }
        };
        for letter in letters.chars() {
            if letter == 'o' {
                match args.next() {
                    None => return list_options(sh, on),
                    Some(name) => match sh.state.options.named_mut(name) {
                        Some(flag) => *flag = on,
                        None => return usage_error(sh, true, &format!("set: Illegal option -o {name}")),
                    },
                }
            } else {
                match sh.state.options.flag_mut(letter) {
                    Some(flag) => *flag = on,
                    None => return usage_error(sh, true, &format!("set: Illegal option -{letter}")),
                }
            }
        }
    }
    if let Some(p) = new_positional {
        sh.state.positional = p;
    }
    crate::trace::sync(sh.state.options.trace);
    sh.state.vars.allexport = sh.state.options.allexport;
    Ok(0)
}

/// `set -o` (a table) and `set +o` (commands that restore the settings).
fn list_options(sh: &mut Shell, table: bool) -> Exec {
    let mut opts = sh.state.options;
    let mut text = if table { "Current option settings\n".to_string() } else { String::new() };
    for (name, _) in Options::NAMES {
        let on = opts.named_mut(name).is_some_and(|f| *f);
        if table {
            text.push_str(&format!("{name:<15} {}\n", if on { "on" } else { "off" }));
        } else {
            text.push_str(&format!("set {}o {name}\n", if on { '-' } else { '+' }));
        }
    }
    out(sh, "set", &text)
}
