//! Syntax errors: what went wrong, where, and whether more input could fix it.

use super::span::{Span, line_col, line_text};

/// A syntax error: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error: {message}")]
pub struct ParseError {
    /// What is wrong (`unexpected '|'`).
    pub message: String,
    /// Where: the offending token.
    pub span: Span,
    /// True when the text ended in the middle of a construct (open quote,
    /// trailing `|`, unclosed isolate block): an interactive reader asks for
    /// another line instead of reporting the error.
    pub incomplete: bool,
    /// A suggestion shown after the message.
    pub hint: Option<String>,
}

impl ParseError {
    /// An error at `span`.
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError { message: message.into(), span, incomplete: false, hint: None }
    }

    /// Marks it as the text ending too early, so a reader may ask for more.
    pub fn incomplete(mut self) -> Self {
        self.incomplete = true;
        self
    }

    /// Adds a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `FILE:LINE:COL: syntax error: MESSAGE (hint)` for scripts and `-c`.
    pub fn render(&self, file: &str, text: &str, first_line: usize) -> String {
        let at = line_col(text, self.span.start, first_line);
        let mut s = format!("{file}:{}:{}: {self}", at.line, at.col);
        if let Some(h) = &self.hint {
            s.push_str(&format!(" ({h})"));
        }
        s
    }

    /// The line with a caret under the column, for the REPL.
    pub fn caret_lines(&self, text: &str) -> String {
        let at = line_col(text, self.span.start, 1);
        let line = line_text(text, self.span.start);
        format!("  {line}\n  {}^", " ".repeat(at.col - 1))
    }
}
