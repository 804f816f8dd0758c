//! Words → fields: parameter expansion, tilde expansion, field splitting on
//! `$IFS`, pathname expansion and quote removal, in POSIX order.
//!
//! Expansion first turns a word into [`Segment`]s that remember how each
//! piece of text was quoted; splitting and globbing then only touch the
//! pieces POSIX lets them touch.

mod glob;
mod split;
mod word;

use crate::state::State;
use crate::syntax::ast::Word;

pub use split::Field;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("{0}: parameter not set")]
    Unset(String),
}

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
    Break,
}

/// Expands words into the fields of a command line (argv).
pub fn expand_words(state: &State, words: &[Word]) -> Result<Vec<String>, ExpandError> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let segments = word::segments(state, w, word::TildeMode::WordStart)?;
        for field in split::split_fields(&segments, state.ifs()) {
            glob::expand_into(field, state.options.noglob, &mut out);
        }
    }
    Ok(out)
}

/// Expands a word to one string, without splitting or globbing: the value of
/// an assignment (with tildes after `=` and `:`), or a redirection target.
pub fn expand_single(state: &State, w: &Word, assignment: bool) -> Result<String, ExpandError> {
    let mode = if assignment { word::TildeMode::Assignment } else { word::TildeMode::WordStart };
    let segments = word::segments(state, w, mode)?;
    Ok(split::join_unsplit(&segments))
}

#[cfg(test)]
mod tests;
