//! A word's parts → [`Segment`]s: parameter values looked up, tildes
//! replaced, quoting remembered.

use super::{ExpandError, Segment};
use crate::state::State;
use crate::syntax::ast::{Param, SpecialParam, Word, WordPart};

/// Where tilde prefixes are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TildeMode {
    /// Only at the start of the word.
    WordStart,
    /// In an assignment value: at the start and after every unquoted `:`.
    Assignment,
}

pub fn segments(state: &State, word: &Word, tilde: TildeMode) -> Result<Vec<Segment>, ExpandError> {
    let mut out = Vec::with_capacity(word.parts.len());
    for (i, part) in word.parts.iter().enumerate() {
        match part {
            WordPart::Literal(s) => literal(state, s, i == 0, tilde, &mut out),
            WordPart::Escaped(c) => out.push(Segment::Quoted(c.to_string())),
            WordPart::SingleQuoted(s) => out.push(Segment::Quoted(s.clone())),
            WordPart::DoubleQuoted(inner) => double_quoted(state, inner, &mut out)?,
            WordPart::Param(p) => param(state, p, false, &mut out)?,
        }
    }
    Ok(out)
}

fn double_quoted(state: &State, inner: &[WordPart], out: &mut Vec<Segment>) -> Result<(), ExpandError> {
    // `"$@"` with no positional parameters is no field at all, not an empty one.
    let only_at = matches!(inner, [WordPart::Param(Param::Special(SpecialParam::At))]);
    if !(only_at && state.positional.is_empty()) {
        out.push(Segment::Quoted(String::new()));
    }
    for part in inner {
        match part {
            WordPart::Param(p) => param(state, p, true, out)?,
            // The lexer only puts literal text and parameters inside quotes.
            other => out.push(Segment::Quoted(other.to_string())),
        }
    }
    Ok(())
}

fn literal(state: &State, s: &str, word_start: bool, tilde: TildeMode, out: &mut Vec<Segment>) {
    let mut rest = s;
    let mut at_tilde_position = word_start;
    loop {
        if at_tilde_position
            && rest.starts_with('~')
            && let Some((home, consumed)) = tilde_prefix(state, rest, tilde)
        {
            out.push(Segment::Quoted(home));
            rest = &rest[consumed..];
        }
        if tilde != TildeMode::Assignment {
            break;
        }
        // In assignments a tilde may also follow any ':' (PATH=~/bin:~/x).
        match rest.find(':') {
            Some(colon) => {
                out.push(Segment::Literal(rest[..=colon].to_string()));
                rest = &rest[colon + 1..];
                at_tilde_position = true;
            }
            None => break,
        }
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest.to_string()));
    }
}

/// `~` or `~user` up to the first `/` (or `:` in assignments): the home
/// directory and how many bytes it replaces; `None` leaves the text alone.
fn tilde_prefix(state: &State, s: &str, mode: TildeMode) -> Option<(String, usize)> {
    let end = s.find(|c| c == '/' || (mode == TildeMode::Assignment && c == ':')).unwrap_or(s.len());
    let user = &s[1..end];
    let home = if user.is_empty() {
        match state.vars.get("HOME") {
            Some(h) => h.to_string(),
            None => dirs::home_dir()?.to_string_lossy().into_owned(),
        }
    } else {
        let entry = nix::unistd::User::from_name(user).ok()??;
        entry.dir.to_string_lossy().into_owned()
    };
    Some((home, end))
}

fn param(state: &State, p: &Param, quoted: bool, out: &mut Vec<Segment>) -> Result<(), ExpandError> {
    let wrap = |s: String| if quoted { Segment::Quoted(s) } else { Segment::Expanded(s) };
    match p {
        Param::Special(SpecialParam::At) => {
            for (i, arg) in state.positional.iter().enumerate() {
                if i > 0 {
                    out.push(Segment::Break);
                }
                out.push(wrap(arg.clone()));
            }
        }
        // Unquoted `$*` behaves like unquoted `$@`; quoted, it is one field
        // joined by the first character of IFS.
        Param::Special(SpecialParam::Star) if !quoted => param(state, &Param::Special(SpecialParam::At), false, out)?,
        Param::Special(SpecialParam::Star) => {
            let sep = state.ifs().chars().next().map(String::from).unwrap_or_default();
            out.push(Segment::Quoted(state.positional.join(&sep)));
        }
        _ => {
            let value = scalar(state, p)?;
            out.push(wrap(value));
        }
    }
    Ok(())
}

/// The value of a parameter that is one string.
fn scalar(state: &State, p: &Param) -> Result<String, ExpandError> {
    let value = match p {
        Param::Named(n) => state.vars.get(n).map(str::to_string),
        Param::Positional(0) => Some(state.arg0.clone()),
        Param::Positional(n) => state.positional.get(n - 1).cloned(),
        Param::Special(s) => Some(match s {
            SpecialParam::Count => state.positional.len().to_string(),
            SpecialParam::Status => state.last_status.to_string(),
            SpecialParam::Options => state.options.letters(),
            SpecialParam::ShellPid => state.shell_pid.to_string(),
            SpecialParam::LastBackground => state.last_background.map(|p| p.to_string()).unwrap_or_default(),
            SpecialParam::At | SpecialParam::Star => state.positional.join(" "),
        }),
    };
    match value {
        Some(v) => Ok(v),
        None if state.options.nounset => Err(ExpandError::Unset(p.name())),
        None => Ok(String::new()),
    }
}
