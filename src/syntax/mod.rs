//! Text → AST: the lexer, the parser, spans and syntax errors.

pub mod ast;
pub mod error;
pub mod keywords;
pub mod lexer;
pub mod parser;
pub mod span;

pub use error::ParseError;
pub use parser::{Parser, parse, parse_with_aliases};
pub use span::Span;

#[cfg(test)]
mod tests;
