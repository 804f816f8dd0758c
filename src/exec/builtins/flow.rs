//! Builtins that steer execution: `break`, `continue`, `return`, `shift`,
//! `local`, `eval`, `.`, `wait`.

use super::{Exec, Shell, usage_error};
use crate::exec::Abort;

/// The optional count of `break N` / `continue N` / `shift N` (default 1);
/// a bad one is an error of these special builtins.
fn count(sh: &Shell, name: &str, arg: Option<&String>) -> Result<usize, Abort> {
    match arg {
        None => Ok(1),
        Some(a) => match a.parse::<usize>() {
            Ok(n) if n > 0 || name == "shift" => Ok(n),
            _ => {
                sh.error(&format!("{name}: Illegal number: {a}"));
                Err(sh.fatal_unless_interactive(2))
            }
        },
    }
}

pub fn break_(sh: &mut Shell, argv: &[String]) -> Exec {
    let n = count(sh, "break", argv.get(1))?;
    // Outside a loop, as in dash, `break` does nothing.
    if sh.nesting.loop_depth == 0 { Ok(0) } else { Err(Abort::Break(n.min(sh.nesting.loop_depth))) }
}

pub fn continue_(sh: &mut Shell, argv: &[String]) -> Exec {
    let n = count(sh, "continue", argv.get(1))?;
    if sh.nesting.loop_depth == 0 { Ok(0) } else { Err(Abort::Continue(n.min(sh.nesting.loop_depth))) }
}

pub fn return_(sh: &mut Shell, argv: &[String]) -> Exec {
    let status = match argv.get(1) {
        None => sh.state.last_status,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => return usage_error(sh, true, &format!("return: Illegal number: {a}")),
        },
    };
    Err(Abort::Return(status))
}

pub fn shift(sh: &mut Shell, argv: &[String]) -> Exec {
    let n = count(sh, "shift", argv.get(1))?;
    if n > sh.state.positional.len() {
        return usage_error(sh, true, &format!("shift: can't shift that many ({n} > {})", sh.state.positional.len()));
    }
    sh.state.positional.drain(..n);
    Ok(0)
}

/// `local NAME[=value]…`: the variable gets its old value back when the
/// function returns.
pub fn local(sh: &mut Shell, argv: &[String]) -> Exec {
    if sh.nesting.frames.is_empty() {
        return usage_error(sh, false, "local: not in a function");
    }
    for a in &argv[1..] {
        if a == "-" {
            // `local -`: the function's changes to the options (`set -f`…)
            // are undone when it returns. The frame keeps them as text.
            let opts = &sh.state.options;
            let on: Vec<&str> = crate::state::Options::NAMES
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| opts.clone().named_mut(n).is_some_and(|f| *f))
                .collect();
            if let Some(frame) = sh.nesting.frames.last_mut()
                && !frame.iter().any(|(n, _)| n == "-")
            {
                frame.push(("-".into(), Some(crate::state::Var { value: on.join(","), exported: false })));
            }
            continue;
        }
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !crate::syntax::lexer::is_valid_name(name) {
            return usage_error(sh, false, &format!("local: {name}: bad variable name"));
        }
        let old = sh.state.vars.snapshot(name);
        if let Some(frame) = sh.nesting.frames.last_mut()
            && !frame.iter().any(|(n, _)| n == name)
        {
            frame.push((name.to_string(), old));
        }
        if let Some(v) = value {
            sh.state.vars.set(name, v);
        }
    }
    Ok(0)
}

pub fn eval(sh: &mut Shell, argv: &[String]) -> Exec {
    let text = argv[1..].join(" ");
    sh.run_source(&text, "eval")
}

/// `. FILE [args]`: runs FILE in this shell. A name without `/` is looked
/// up on `$PATH` (not in the current directory), as POSIX says.
pub fn dot(sh: &mut Shell, argv: &[String]) -> Exec {
    let Some(name) = argv.get(1) else {
        return usage_error(sh, true, ".: usage: . FILE [ARG...]");
    };
    let path = if name.contains('/') {
        Some(crate::bytes::path(name))
    } else {
        let path_var = sh.state.vars.get("PATH").unwrap_or_default().to_string();
        path_var
            .split(':')
            .map(|d| crate::bytes::path(if d.is_empty() { "." } else { d }).join(crate::bytes::path(name)))
            .find(|p| p.is_file())
    };
    let text = match path.as_ref().map(std::fs::read) {
        Some(Ok(t)) => crate::bytes::script_text(t),
        Some(Err(e)) => return usage_error(sh, true, &format!(".: {name}: {}", super::io_reason(&e))),
        None => return usage_error(sh, true, &format!(".: {name}: not found")),
    };
    let new_args = (argv.len() > 2).then(|| argv[2..].to_vec());
    let saved = new_args.map(|a| std::mem::replace(&mut sh.state.positional, a));
    sh.nesting.frames.push(Vec::new());
    let r = sh.run_source(&text, name);
    sh.nesting.frames.pop();
    if let Some(p) = saved {
        sh.state.positional = p;
    }
    match r {
        Err(Abort::Return(s)) => Ok(s),
        other => other,
    }
}

/// `wait [PID|%N…]`: waits for background jobs; the status is the last one's.
pub fn wait(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut status = 0;
    if argv.len() == 1 {
        for pid in sh.take_background() {
            status = sh.wait_reporting(pid);
        }
        return Ok(status);
    }
    for a in &argv[1..] {
        let pid = if a.starts_with('%') { sh.job_pid(a) } else { a.parse::<i32>().ok() };
        let Some(pid) = pid else {
            return usage_error(sh, false, &format!("wait: {a}: no such job or process"));
        };
        status = match sh.take_background_pid(pid) {
            Some(p) => sh.wait_reporting(p),
            None => 127,
        };
    }
    Ok(status)
}
