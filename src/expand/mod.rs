//! Words → fields: parameter expansion, tilde expansion, field splitting on
//! `$IFS`, pathname expansion and quote removal, in POSIX order.
//!
//! Expansion first turns a word into [`Segment`]s that remember how each
//! piece of text was quoted; splitting and globbing then only touch the
//! pieces POSIX lets them touch.

pub mod arith;
mod brace;
mod glob;
pub mod pattern;
mod split;
mod word;

use crate::state::State;
use crate::syntax::ast::{List, Word};

pub use split::{Field, join_unsplit};

/// Why a word could not be expanded (status 2, and fatal in a non-interactive shell).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// A parameter expanded while unset under `set -u` (`$name`, `$9`).
    #[error("{0}: parameter not set")]
    Unset(String),
    /// `${x:?message}` and other errors about one parameter.
    #[error("{0}: {1}")]
    Message(String, String),
    /// An arithmetic expansion failed; the message says why.
    #[error("{0}")]
    Arith(String),
    /// `$(…)` where no shell can run it (explaining a line without running it).
    #[error("command substitution is not available here")]
    NoCommands,
}

/// What expansion needs from the shell: its state, and running the lists
/// of command substitutions.
pub trait Context {
    /// The shell's variables, parameters and options.
    fn state(&self) -> &State;
    /// The same, to assign (`${x:=w}`, `$((x=1))`).
    fn state_mut(&mut self) -> &mut State;
    /// The output of `list` run in a subshell, trailing newlines removed.
    fn command_output(&mut self, list: &List) -> Result<String, ExpandError>;
    /// `$LINENO`: the line of the command running.
    fn line(&self) -> usize {
        1
    }
    /// `<(list)` / `>(list)` (`output`): starts the list on a pipe and
    /// names the shell's end, `/dev/fd/N`.
    fn process_substitution(&mut self, list: &List, output: bool) -> Result<String, ExpandError>;
}

/// Expansion without a shell around it (tests, explaining a line without
/// running it): command substitutions are an error.
impl Context for State {
    fn state(&self) -> &State {
        self
    }

    fn state_mut(&mut self) -> &mut State {
        self
    }

    fn command_output(&mut self, _: &List) -> Result<String, ExpandError> {
        Err(ExpandError::NoCommands)
    }

    /// Nothing runs: the name the shell's end would have, its number
    /// left for the caller (explain) to fill in.
    fn process_substitution(&mut self, _: &List, _: bool) -> Result<String, ExpandError> {
        Ok(PROCESS_SUB_PLACEHOLDER.to_string())
    }
}

/// What [`Context::process_substitution`] gives without a shell.
pub const PROCESS_SUB_PLACEHOLDER: &str = "/dev/fd/?";

/// A piece of an expanded word, before splitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Unquoted text from the source: globbed, never split.
    Literal(String),
    /// Quoted text (or a tilde's result): neither split nor globbed. An empty
    /// one still makes the word produce a field (`""`).
    Quoted(String),
    /// The value of an unquoted expansion: split on `$IFS`, then globbed.
    Expanded(String),
    /// A field boundary between positional parameters of `$@`.
    /// Where nothing is split (an assignment, `${v=…}`, a `case` word) the
    /// fields are joined instead: by a space for `$@` (as bash), by the
    /// first character of `$IFS` (none when it is empty) for `$*` (POSIX).
    Break(Option<char>),
}

/// Expands words into the fields of a command line (argv).
pub fn expand_words(ctx: &mut dyn Context, words: &[Word]) -> Result<Vec<String>, ExpandError> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        // Most words are plain text: nothing to expand, split or glob.
        if let Some(text) = w.as_plain_literal()
            && !text.starts_with('~')
            && !text.contains(['*', '?', '{'])
            && !(text.contains('[') && pattern::is_pattern(text))
        {
            out.push(text.to_string());
            continue;
        }
        if brace::may_expand(w) {
            let words = brace::expand(w);
            if words.len() != 1 || words[0] != *w {
                out.extend(expand_words(ctx, &words)?);
                continue;
            }
        }
        let mut segments = word::segments(ctx, w, word::TildeMode::WordStart)?;
        let state = ctx.state();
        let ifs = state.ifs();
        // A lone unquoted expansion (`$i`) whose value holds no IFS
        // character and no pattern character is its own field (or none).
        if let [Segment::Expanded(value)] = segments.as_mut_slice()
            && !value.contains(|c| ifs.contains(c) || matches!(c, '*' | '?' | '['))
        {
            if !value.is_empty() {
                out.push(std::mem::take(value));
            }
            continue;
        }
        for field in split::split_fields(&segments, ifs) {
            glob::expand_into(field, state.options.noglob, &mut out);
        }
    }
    Ok(out)
}

/// Expands a word to one string, without splitting or globbing: the value of
/// an assignment (with tildes after `=` and `:`), or a redirection target.
pub fn expand_single(ctx: &mut dyn Context, w: &Word, assignment: bool) -> Result<String, ExpandError> {
    // Plain text without a tilde is itself.
    if let Some(text) = w.as_plain_literal()
        && !text.contains('~')
    {
        return Ok(text.to_string());
    }
    let mode = if assignment { word::TildeMode::Assignment } else { word::TildeMode::WordStart };
    let segments = word::segments(ctx, w, mode)?;
    Ok(split::join_owned(segments))
}

/// The value of an arithmetic expression written as a word (`$((…))`,
/// `((…))`): expanded and quotes removed, never split, then evaluated.
pub fn arith_value(ctx: &mut dyn Context, w: &Word) -> Result<i64, ExpandError> {
    let text = split::join_owned(word::segments(ctx, w, word::TildeMode::WordStart)?);
    arith::eval(ctx.state_mut(), &text).map_err(|e| ExpandError::Arith(e.to_string()))
}

/// A here-document's body: parameters, command substitutions and
/// arithmetic, nothing else (no tilde, splitting or globbing).
pub fn expand_heredoc(ctx: &mut dyn Context, w: &Word) -> Result<String, ExpandError> {
    let segments = word::segments(ctx, w, word::TildeMode::WordStart)?;
    Ok(split::join_unsplit(&segments))
}

/// Expands a word into a glob pattern: quoted characters match literally
/// (`case` patterns, `${x#pattern}`).
pub fn expand_pattern(ctx: &mut dyn Context, w: &Word) -> Result<String, ExpandError> {
    // Unquoted plain text is its own pattern.
    if let Some(text) = w.as_plain_literal()
        && !text.starts_with('~')
    {
        return Ok(text.to_string());
    }
    let segments = word::segments(ctx, w, word::TildeMode::WordStart)?;
    Ok(split::pattern_unsplit(&segments))
}

/// Expands the right side of `[[ x =~ re ]]`: quoted parts match
/// literally, so their regular-expression characters are escaped.
pub fn expand_regex(ctx: &mut dyn Context, w: &Word) -> Result<String, ExpandError> {
    let mut out = String::new();
    for seg in word::segments(ctx, w, word::TildeMode::WordStart)? {
        match seg {
            Segment::Literal(t) | Segment::Expanded(t) => out.push_str(&t),
            Segment::Quoted(t) => {
                for c in t.chars() {
                    if "\\.[]()*+?{}|^$".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            Segment::Break(j) => out.extend(j),
        }
    }
    Ok(out)
}

/// Whether `text` matches `pattern` as `case` does: `*` also matches `/`
/// and leading dots.
pub fn pattern_matches(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?', '[', '\\']) {
        return pattern == text;
    }
    pattern::Pattern::new(pattern).matches(text)
}

#[cfg(test)]
mod tests;
