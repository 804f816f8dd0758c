//! `$PS1` and `$PS2` as bash shows them: first the backslash escapes —
//! `\u` user, `\h`/`\H` host, `\w` working directory (with `~`), `\W` its
//! last part, `\$` (`#` for root), `\?` last status, `\j` jobs, `\!`
//! history number, `\#` command number, `\t \T \@ \A \d \D{FORMAT}` time
//! and date, `\s` shell, `\v` version, `\n`, `\\`, `\e`, `\a`, `\NNN`
//! octal, and `\[ \]` around escape sequences (dropped) — then, as POSIX
//! asks, parameter expansion, command substitution and arithmetic
//! (`PS1='[$?] $USER \w\$ '`), which leave `$?` as it was. What an escape
//! produces is never expanded again (a directory named `$x` shows as is).
//!
//! The default prompt shows the directory, and the last status when it is
//! not 0; for root it starts with a red `root` and ends in `#`.

use crate::exec::Shell;
use crate::state::State;
use nu_ansi_term::Color;

fn tilde_dir(state: &State) -> String {
    let pwd = state.vars.get("PWD").unwrap_or("?");
    match state.vars.get("HOME").filter(|h| !h.is_empty() && *h != "/") {
        Some(home) if pwd == home => "~".into(),
        Some(home) if pwd.starts_with(&format!("{home}/")) => format!("~{}", &pwd[home.len()..]),
        _ => pwd.to_string(),
    }
}

/// What the escapes need beyond the variables.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// `\j`: jobs the shell manages.
    pub jobs: usize,
    /// `\!`: the number the next history entry gets.
    pub history: usize,
    /// `\#`: the number of this command in the session.
    pub command: usize,
}

/// The local time formatted with strftime(3); empty if it cannot be.
fn strftime(format: &str) -> String {
    let Ok(cformat) = std::ffi::CString::new(format) else { return String::new() };
    // SAFETY: time, localtime_r and strftime write into local buffers of
    // the sizes given.
    unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&now, &mut tm).is_null() {
            return String::new();
        }
        let mut buf = [0u8; 256];
        let n = libc::strftime(buf.as_mut_ptr().cast(), buf.len(), cformat.as_ptr(), &tm);
        // A locale's non-UTF-8 month name reaches the terminal as it is.
        crate::bytes::decode(&buf[..n])
    }
}

/// Text an escape produced, quoted so that expansion leaves it alone.
fn push_quoted(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '$' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Expands the backslash escapes of a prompt string; the result is ready
/// for expansion as a here-document body (escape output quoted).
pub fn escapes(template: &str, state: &State, counts: Counts) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push_str("\\\\");
            break;
        };
        let text = match e {
            'u' => crate::users::by_uid(nix::unistd::geteuid().as_raw()).map(|a| a.name).unwrap_or_default(),
            'h' | 'H' => {
                let host = nix::unistd::gethostname().map(|h| h.to_string_lossy().into_owned()).unwrap_or_default();
                if e == 'h' { host.split('.').next().unwrap_or("").to_string() } else { host }
            }
            'w' => tilde_dir(state),
            'W' => {
                let d = tilde_dir(state);
                if d == "/" { d } else { d.rsplit('/').next().unwrap_or(&d).to_string() }
            }
            '$' => if nix::unistd::geteuid().is_root() { "#" } else { "$" }.to_string(),
            '?' => state.last_status.to_string(),
            'j' => counts.jobs.to_string(),
            '!' => counts.history.to_string(),
            '#' => counts.command.to_string(),
            't' => strftime("%H:%M:%S"),
            'T' => strftime("%I:%M:%S"),
            '@' => strftime("%I:%M %p"),
            'A' => strftime("%H:%M"),
            'd' => strftime("%a %b %d"),
            'D' if chars.peek() == Some(&'{') => {
                chars.next();
                let format: String = chars.by_ref().take_while(|&c| c != '}').collect();
                strftime(if format.is_empty() { "%X" } else { &format })
            }
            's' => "isosh".to_string(),
            'v' | 'V' => env!("CARGO_PKG_VERSION").to_string(),
            'n' => "\n".to_string(),
            'r' => "\r".to_string(),
            'e' => "\x1b".to_string(),
            'a' => "\x07".to_string(),
            '[' | ']' => String::new(),
            '\\' => "\\".to_string(),
            '0'..='7' => {
                let mut n = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                char::from_u32(n).map(String::from).unwrap_or_default()
            }
            other => format!("\\{other}"),
        };
        push_quoted(&mut out, &text);
    }
    out
}

/// The escapes of `template`, then its parameters, command substitutions
/// and arithmetic. `$?` is the same afterwards. An expansion error is
/// reported and the prompt shown unexpanded.
pub fn expand(template: &str, sh: &mut Shell) -> String {
    let counts = Counts { jobs: sh.jobs.list.len(), history: sh.history.len() + 1, command: sh.history.len() + 1 };
    let escaped = escapes(template, &sh.state, counts);
    let word = match crate::syntax::lexer::heredoc_word(&escaped) {
        Ok(w) => w,
        Err(e) => {
            sh.error(&format!("prompt: {}", e.message));
            return template.to_string();
        }
    };
    let status = sh.state.last_status;
    let expanded = crate::expand::expand_heredoc(sh, &word);
    sh.state.last_status = status;
    match expanded {
        Ok(text) => text,
        Err(e) => {
            sh.error(&format!("prompt: {e}"));
            template.to_string()
        }
    }
}

/// The primary prompt: `$PS1` when set, else the default.
pub fn primary(sh: &mut Shell) -> String {
    if let Some(ps1) = sh.state.vars.get("PS1").map(str::to_string) {
        return expand(&ps1, sh);
    }
    default_prompt(&sh.state, nix::unistd::geteuid().is_root())
}

/// The directory, `[status]` after a failure, and `$` — or, for root,
/// `root DIR #` with `root` in red, so a root shell is hard to miss.
pub fn default_prompt(state: &State, root: bool) -> String {
    let dir = tilde_dir(state);
    let sign = if root { '#' } else { '$' };
    let status = state.last_status;
    let color = crate::state::color_enabled(state);
    let mut out = String::new();
    if root {
        out.push_str(&if color { Color::Red.bold().paint("root").to_string() } else { "root".into() });
        out.push(' ');
    }
    out.push_str(&if color { Color::Blue.bold().paint(dir).to_string() } else { dir });
    if status != 0 {
        let s = format!("[{status}]");
        out.push(' ');
        out.push_str(&if color { Color::Red.paint(s).to_string() } else { s });
    }
    out.push(' ');
    out.push(sign);
    out.push(' ');
    out
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

    fn shell() -> Shell {
        Shell::new(state())
    }

    #[test]
    fn escapes_then_parameters() {
        let mut sh = shell();
        assert_eq!(expand(r"\w \W [\?]\\ \[x\]", &mut sh), "~/src/isosh isosh [3]\\ x");
        assert!(expand(r"\u@\h", &mut sh).contains('@'));
        sh.state.vars.set("PWD", "/");
        assert_eq!(expand(r"\W", &mut sh), "/");
        sh.state.vars.set("USER", "ann");
        assert_eq!(expand(r"[$?] $USER ${USER#a} $((1+2)) $(echo sub)", &mut sh), "[3] ann nn 3 sub");
        assert_eq!(sh.state.last_status, 3, "a command substitution leaves $? alone");
        // What an escape gives is not expanded again.
        sh.state.vars.set("PWD", "/tmp/$USER`x`");
        assert_eq!(expand(r"\w", &mut sh), "/tmp/$USER`x`");
        assert_eq!(expand(r"a\nb\101\e", &mut sh), "a\nbA\x1b");
        assert_eq!(expand("'q' \"d\"", &mut sh), "'q' \"d\"");
    }

    #[test]
    fn time_and_counts() {
        let st = state();
        let counts = Counts { jobs: 2, history: 7, command: 7 };
        assert_eq!(escapes(r"\j \! \#", &st, counts), "2 7 7");
        let t = escapes(r"\t", &st, counts);
        assert!(t.len() == 8 && t.as_bytes()[2] == b':', "{t}");
        assert_eq!(escapes(r"\D{%Y}", &st, counts).len(), 4);
        assert!(!escapes(r"\d", &st, counts).is_empty());
    }

    #[test]
    fn an_expansion_error_shows_the_prompt_unexpanded() {
        let mut sh = shell();
        assert_eq!(expand("${nope?} $ ", &mut sh), "${nope?} $ ");
    }

    #[test]
    fn default_prompt_shows_status_root_and_respects_no_color() {
        let mut st = state();
        st.vars.set("NO_COLOR", "1");
        assert_eq!(default_prompt(&st, false), "~/src/isosh [3] $ ");
        assert_eq!(default_prompt(&st, true), "root ~/src/isosh [3] # ");
        st.last_status = 0;
        assert_eq!(default_prompt(&st, false), "~/src/isosh $ ");
        st.vars.unset("NO_COLOR");
        st.vars.set("TERM", "xterm");
        assert!(default_prompt(&st, false).contains("\x1b["), "colour on a real terminal");
        assert!(default_prompt(&st, true).contains("\x1b[1;31mroot"), "root in red");
        st.vars.set("TERM", "dumb");
        assert!(!default_prompt(&st, false).contains("\x1b["));
    }
}
