//! Tokenizer: turns the text at a position into one token (a word with its
//! quoted parts, an operator, a redirection with its io-number, a newline).
//!
//! The lexer is pulled by the parser one token at a time because shell
//! tokenizing depends on where the parser is: inside an isolate body a lone
//! `>` is the block's closing bracket, not a redirection (see
//! [`Lexer::token`]).

use super::ast::{Param, RedirOp, SpecialParam, Word, WordPart};
use super::error::ParseError;
use super::span::Span;
use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{digit1, one_of};
use nom::combinator::{peek, recognize};
use nom::sequence::{pair, terminated};

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Word(Word),
    /// A redirection operator with its optional io-number (`2>`, `<&`, `&>`).
    Redir {
        fd: Option<i32>,
        op: RedirOp,
    },
    /// `<<` or `<<-`: here-documents belong to the language issue.
    HereDoc,
    AndIf,
    OrIf,
    Semi,
    DoubleSemi,
    Amp,
    Pipe,
    LParen,
    RParen,
    Newline,
    /// The `>` that closes an isolate body (only produced inside one).
    IsolateClose,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Characters that end an unquoted word.
fn is_meta(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')')
}

/// Characters that start something other than plain literal text in a word.
fn is_word_special(c: char) -> bool {
    is_meta(c) || matches!(c, '\'' | '"' | '\\' | '$' | '`')
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub fn name(i: &str) -> IResult<&str, &str> {
    recognize(pair(take_while1(is_name_start), take_while(is_name_char))).parse(i)
}

pub fn is_valid_name(s: &str) -> bool {
    matches!(name(s), Ok(("", _)))
}

/// An operator token other than a redirection.
fn operator(i: &str) -> IResult<&str, &str> {
    alt((tag("&&"), tag("||"), tag(";;"), tag(";"), tag("&"), tag("|"), tag("("), tag(")"), tag("\n"))).parse(i)
}

/// A redirection operator, longest first (`&>>` before `&>` before `&`).
fn redir_operator(i: &str) -> IResult<&str, &str> {
    alt((
        tag("&>>"),
        tag("&>"),
        tag("<<-"),
        tag("<<"),
        tag("<>"),
        tag("<&"),
        tag("<"),
        tag(">>"),
        tag(">&"),
        tag(">|"),
        tag(">"),
    ))
    .parse(i)
}

/// Digits immediately followed by `<` or `>`: an io-number.
fn io_number(i: &str) -> IResult<&str, &str> {
    terminated(digit1, peek(one_of("<>"))).parse(i)
}

pub struct Lexer<'a> {
    src: &'a str,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer { src }
    }

    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    /// Skips blanks, line continuations and a comment.
    pub fn skip_blanks(&self, mut i: &'a str) -> &'a str {
        loop {
            if let Some(r) = i.strip_prefix([' ', '\t']) {
                i = r;
            } else if let Some(r) = i.strip_prefix("\\\n") {
                i = r;
            } else if i.starts_with('#') {
                i = &i[i.find('\n').unwrap_or(i.len())..];
            } else {
                return i;
            }
        }
    }

    /// Lexes one token at `i`. With `in_isolate`, a `>` that is not followed by
    /// a word closes the isolate body instead of being a redirection.
    pub fn token(&self, i: &'a str, in_isolate: bool) -> Result<(&'a str, Token), ParseError> {
        let i = self.skip_blanks(i);
        let start = self.offset(i);
        let make = |rest: &'a str, kind| Ok((rest, Token { kind, span: Span::new(start, self.offset(rest)) }));
        if i.is_empty() {
            return make(i, TokenKind::Eof);
        }
        if let Ok((rest, digits)) = io_number(i) {
            let Ok(fd) = digits.parse::<i32>() else {
                return Err(ParseError::new(
                    format!("fd number {digits} is too large"),
                    Span::new(start, self.offset(rest)),
                ));
            };
            let (rest, op) =
                redir_operator(rest).map_err(|_| ParseError::new("bad redirection", Span::new(start, start + 1)))?;
            return make(rest, redir_kind(Some(fd), op));
        }
        if let Ok((rest, op)) = redir_operator(i) {
            if in_isolate && op == ">" && self.closes_isolate(rest) {
                return make(rest, TokenKind::IsolateClose);
            }
            return make(rest, redir_kind(None, op));
        }
        if let Ok((rest, op)) = operator(i) {
            let kind = match op {
                "&&" => TokenKind::AndIf,
                "||" => TokenKind::OrIf,
                ";;" => TokenKind::DoubleSemi,
                ";" => TokenKind::Semi,
                "&" => TokenKind::Amp,
                "|" => TokenKind::Pipe,
                "(" => TokenKind::LParen,
                ")" => TokenKind::RParen,
                _ => TokenKind::Newline,
            };
            return make(rest, kind);
        }
        let (rest, word) = self.word(i)?;
        make(rest, TokenKind::Word(word))
    }

    /// Whether the text after a `>` holds no word for it to redirect to: end
    /// of input or line, a list or pipe operator, `)`, `}`, or another
    /// redirection. Then that `>` is an isolate block's closing bracket.
    fn closes_isolate(&self, after: &str) -> bool {
        let next = self.skip_blanks(after);
        match next.chars().next() {
            None | Some('\n' | ';' | '&' | '|' | ')' | '<' | '>') => true,
            Some('}') => next[1..].chars().next().is_none_or(is_meta),
            Some(_) => io_number(next).is_ok(),
        }
    }

    /// An unquoted-context word: runs until a metacharacter.
    fn word(&self, mut i: &'a str) -> Result<(&'a str, Word), ParseError> {
        let start = self.offset(i);
        let mut parts = Vec::new();
        while let Some(c) = i.chars().next() {
            if is_meta(c) {
                break;
            }
            match c {
                '\'' => {
                    let body = &i[1..];
                    let Some(end) = body.find('\'') else {
                        return Err(ParseError::new(
                            "unterminated single quote",
                            Span::new(self.offset(i), self.offset(i) + 1),
                        )
                        .incomplete());
                    };
                    parts.push(WordPart::SingleQuoted(body[..end].to_string()));
                    i = &body[end + 1..];
                }
                '"' => {
                    let (rest, inner) = self.double_quoted(i)?;
                    parts.push(WordPart::DoubleQuoted(inner));
                    i = rest;
                }
                '\\' => {
                    let mut chars = i[1..].chars();
                    match chars.next() {
                        Some('\n') => i = &i[2..],
                        Some(e) => {
                            parts.push(WordPart::Escaped(e));
                            i = &i[1 + e.len_utf8()..];
                        }
                        None => {
                            push_literal(&mut parts, "\\");
                            i = &i[1..];
                        }
                    }
                }
                '$' | '`' => i = self.expansion(i, &mut parts)?,
                _ => {
                    let end = i.find(is_word_special).unwrap_or(i.len());
                    push_literal(&mut parts, &i[..end]);
                    i = &i[end..];
                }
            }
        }
        Ok((i, Word { parts, span: Span::new(start, self.offset(i)) }))
    }

    /// `"…"` starting at the opening quote. Returns the parts inside.
    fn double_quoted(&self, i: &'a str) -> Result<(&'a str, Vec<WordPart>), ParseError> {
        let open = self.offset(i);
        let mut i = &i[1..];
        let mut parts = Vec::new();
        loop {
            let Some(c) = i.chars().next() else {
                return Err(ParseError::new("unterminated double quote", Span::new(open, open + 1)).incomplete());
            };
            match c {
                '"' => return Ok((&i[1..], parts)),
                '\\' => match i[1..].chars().next() {
                    Some('\n') => i = &i[2..],
                    Some(e @ ('$' | '`' | '"' | '\\')) => {
                        push_literal(&mut parts, e.encode_utf8(&mut [0; 4]));
                        i = &i[2..];
                    }
                    _ => {
                        push_literal(&mut parts, "\\");
                        i = &i[1..];
                    }
                },
                '$' | '`' => i = self.expansion(i, &mut parts)?,
                _ => {
                    let end = i.find(['"', '\\', '$', '`']).unwrap_or(i.len());
                    push_literal(&mut parts, &i[..end]);
                    i = &i[end..];
                }
            }
        }
    }

    /// A `$…` or backquote expansion at `i`, pushed onto `parts`.
    fn expansion(&self, i: &'a str, parts: &mut Vec<WordPart>) -> Result<&'a str, ParseError> {
        if i.starts_with('`') {
            return Err(self.not_in_this_version(i, "command substitution"));
        }
        let (rest, part) = self.dollar(i)?;
        match part {
            Some(p) => parts.push(p),
            None => push_literal(parts, "$"),
        }
        Ok(rest)
    }

    /// A `$` expansion at `i`. `None` means the `$` is a literal dollar sign.
    fn dollar(&self, i: &'a str) -> Result<(&'a str, Option<WordPart>), ParseError> {
        let after = &i[1..];
        let Some(c) = after.chars().next() else {
            return Ok((after, None));
        };
        if c == '{' {
            return self.braced_param(i);
        }
        if c == '(' {
            let what = if after.starts_with("((") { "arithmetic expansion" } else { "command substitution" };
            return Err(self.not_in_this_version(i, what));
        }
        if let Ok((rest, n)) = name(after) {
            return Ok((rest, Some(WordPart::Param(Param::Named(n.to_string())))));
        }
        if let Some(d) = c.to_digit(10) {
            return Ok((&after[1..], Some(WordPart::Param(Param::Positional(d as usize)))));
        }
        if let Some(s) = SpecialParam::from_char(c) {
            return Ok((&after[1..], Some(WordPart::Param(Param::Special(s)))));
        }
        Ok((after, None))
    }

    /// `${name}`, `${10}`, `${#}` … The operators inside braces (`${x:-y}`)
    /// arrive with the language issue.
    fn braced_param(&self, i: &'a str) -> Result<(&'a str, Option<WordPart>), ParseError> {
        let open = self.offset(i);
        let inner = &i[2..];
        let Some(close) = inner.find('}') else {
            return Err(ParseError::new("missing '}'", Span::new(open, open + 2)).incomplete());
        };
        let body = &inner[..close];
        let param = if is_valid_name(body) {
            Param::Named(body.to_string())
        } else if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
            Param::Positional(
                body.parse().map_err(|_| ParseError::new("bad substitution", Span::new(open, open + close + 3)))?,
            )
        } else if let (Some(c), 1) = (body.chars().next(), body.chars().count()) {
            match SpecialParam::from_char(c) {
                Some(s) => Param::Special(s),
                None => {
                    return Err(ParseError::new(
                        format!("bad substitution: ${{{body}}}"),
                        Span::new(open, open + close + 3),
                    ));
                }
            }
        } else {
            return Err(ParseError::new(
                format!("bad substitution: ${{{body}}} (only ${{name}} is supported in this version)"),
                Span::new(open, open + close + 3),
            ));
        };
        Ok((&inner[close + 1..], Some(WordPart::Param(param))))
    }

    fn not_in_this_version(&self, i: &str, what: &str) -> ParseError {
        let at = self.offset(i);
        ParseError::new(format!("{what} is not supported in this version of isosh"), Span::new(at, at + 1))
    }
}

fn redir_kind(fd: Option<i32>, op: &str) -> TokenKind {
    let op = match op {
        "<" => RedirOp::In,
        ">" => RedirOp::Out,
        ">>" => RedirOp::Append,
        ">|" => RedirOp::Clobber,
        "<>" => RedirOp::ReadWrite,
        "<&" => RedirOp::DupIn,
        ">&" => RedirOp::DupOut,
        "&>" => RedirOp::OutErr,
        "&>>" => RedirOp::AppendOutErr,
        _ => return TokenKind::HereDoc,
    };
    TokenKind::Redir { fd, op }
}

/// Appends literal text, merging with a preceding literal.
fn push_literal(parts: &mut Vec<WordPart>, s: &str) {
    if let Some(WordPart::Literal(last)) = parts.last_mut() {
        last.push_str(s);
    } else {
        parts.push(WordPart::Literal(s.to_string()));
    }
}
