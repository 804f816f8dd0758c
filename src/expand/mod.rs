//! Words → fields: parameter expansion, tilde expansion, field splitting on
//! `$IFS`, pathname expansion and quote removal, in POSIX order.
//!
//! Expansion first turns a word into [`Segment`]s that remember how each
//! piece of text was quoted; splitting and globbing then only touch the
//! pieces POSIX lets them touch.

pub mod arith;
mod glob;
mod split;
mod word;

use crate::state::State;
use crate::syntax::ast::{List, Word};

pub use split::{Field, join_unsplit};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("{0}: parameter not set")]
    Unset(String),
    /// `${x:?message}` and other errors about one parameter.
    #[error("{0}: {1}")]
    Message(String, String),
    #[error("{0}")]
    Arith(String),
    #[error("command substitution is not available here")]
    NoCommands,
}

/// What expansion needs from the shell: its state, and running the lists
/// of command substitutions.
pub trait Context {
    fn state(&self) -> &State;
    fn state_mut(&mut self) -> &mut State;
    /// The output of `list` run in a subshell, trailing newlines removed.
    fn command_output(&mut self, list: &List) -> Result<String, ExpandError>;
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

/// Pattern matching as `case` and `${x#p}` do it: `*` also matches `/`
/// and leading dots.
pub const PATTERN_OPTIONS: ::glob::MatchOptions =
    ::glob::MatchOptions { case_sensitive: true, require_literal_separator: false, require_literal_leading_dot: false };

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
            && !text.contains(['*', '?', '['])
        {
            out.push(text.to_string());
            continue;
        }
        let segments = word::segments(ctx, w, word::TildeMode::WordStart)?;
        let state = ctx.state();
        for field in split::split_fields(&segments, state.ifs()) {
            glob::expand_into(field, state.options.noglob, &mut out);
        }
    }
    Ok(out)
}

/// Expands a word to one string, without splitting or globbing: the value of
/// an assignment (with tildes after `=` and `:`), or a redirection target.
pub fn expand_single(ctx: &mut dyn Context, w: &Word, assignment: bool) -> Result<String, ExpandError> {
    let mode = if assignment { word::TildeMode::Assignment } else { word::TildeMode::WordStart };
    let segments = word::segments(ctx, w, mode)?;
    Ok(split::join_unsplit(&segments))
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
    let segments = word::segments(ctx, w, word::TildeMode::WordStart)?;
    Ok(split::pattern_unsplit(&segments))
}

/// Whether `text` matches the glob `pattern` (an invalid pattern matches
/// only itself).
pub fn pattern_matches(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?', '[']) {
        return pattern == text;
    }
    match ::glob::Pattern::new(pattern) {
        Ok(p) => p.matches_with(text, PATTERN_OPTIONS),
        Err(_) => pattern == text,
    }
}

#[cfg(test)]
mod tests;
