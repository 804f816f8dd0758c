//! `$PS1` and `$PS2` with bash's backslash escapes: `\u` user, `\h` host,
//! `\w` working directory (with `~`), `\W` its last part, `\$` (`#` for
//! root), `\?` last status, `\n`, `\\`, `\e`, and `\[ \]` around escape
//! sequences (dropped). The default prompt shows the directory, and the
//! last status when it is not 0.

use crate::state::State;
use nu_ansi_term::Color;

/// Whether colour may be used: a terminal that is not `dumb`, no `NO_COLOR`.
pub fn color_enabled(state: &State) -> bool {
    state.vars.get("NO_COLOR").is_none_or(str::is_empty)
        && state.vars.get("TERM").is_some_and(|t| t != "dumb" && !t.is_empty())
}

fn tilde_dir(state: &State) -> String {
    let pwd = state.vars.get("PWD").unwrap_or("?");
    match state.vars.get("HOME").filter(|h| !h.is_empty() && *h != "/") {
        Some(home) if pwd == home => "~".into(),
        Some(home) if pwd.starts_with(&format!("{home}/")) => format!("~{}", &pwd[home.len()..]),
        _ => pwd.to_string(),
    }
}

/// Expands the escapes of a prompt string.
pub fn expand(template: &str, state: &State) -> String {
    let mut out = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                out.push_str(&crate::users::by_uid(nix::unistd::geteuid().as_raw()).map(|a| a.name).unwrap_or_default())
            }
            Some('h') => {
                let host = nix::unistd::gethostname().map(|h| h.to_string_lossy().into_owned()).unwrap_or_default();
                out.push_str(host.split('.').next().unwrap_or(""));
            }
            Some('w') => out.push_str(&tilde_dir(state)),
            Some('W') => {
                let d = tilde_dir(state);
                out.push_str(if d == "/" { "/" } else { d.rsplit('/').next().unwrap_or(&d) });
            }
            Some('$') => out.push(if nix::unistd::geteuid().is_root() { '#' } else { '$' }),
            Some('?') => out.push_str(&state.last_status.to_string()),
            Some('n') => out.push('\n'),
            Some('e') => out.push('\x1b'),
            Some('[' | ']') => {}
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The primary prompt: `$PS1` when set, else the directory and — after a
/// failure — the status, in colour where allowed.
pub fn primary(state: &State) -> String {
    if let Some(ps1) = state.vars.get("PS1") {
        return expand(ps1, state);
    }
    let dir = tilde_dir(state);
    let sign = if nix::unistd::geteuid().is_root() { '#' } else { '$' };
    let status = state.last_status;
    if !color_enabled(state) {
        return if status == 0 { format!("{dir} {sign} ") } else { format!("{dir} [{status}] {sign} ") };
    }
    let dir = Color::Blue.bold().paint(dir);
    if status == 0 {
        format!("{dir} {sign} ")
    } else {
        format!("{dir} {} {sign} ", Color::Red.paint(format!("[{status}]")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let mut s = State::new("isosh".into(), vec![]);
        s.vars.set("HOME", "/home/me");
        s.vars.set("PWD", "/home/me/src/isosh");
        s.last_status = 3;
        s
    }

    #[test]
    fn escapes() {
        let st = state();
        assert_eq!(expand(r"\w \W [\?]\\ \[x\]", &st), "~/src/isosh isosh [3]\\ x");
        assert!(expand(r"\u@\h", &st).contains('@'));
        let mut top = st.clone();
        top.vars.set("PWD", "/");
        assert_eq!(expand(r"\W", &top), "/");
    }

    #[test]
    fn default_prompt_shows_status_and_respects_no_color() {
        let mut st = state();
        st.vars.unset("PS1");
        st.vars.set("NO_COLOR", "1");
        let sign = if nix::unistd::geteuid().is_root() { '#' } else { '$' };
        assert_eq!(primary(&st), format!("~/src/isosh [3] {sign} "));
        st.last_status = 0;
        assert_eq!(primary(&st), format!("~/src/isosh {sign} "));
        st.vars.unset("NO_COLOR");
        st.vars.set("TERM", "xterm");
        assert!(primary(&st).contains("\x1b["), "colour on a real terminal");
        st.vars.set("TERM", "dumb");
        assert!(!primary(&st).contains("\x1b["));
    }
}
