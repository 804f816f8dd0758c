//! Tokenizer: turns the text at a position into one token (a word with its
//! quoted parts, an operator, a redirection with its io-number, a newline).
//!
//! The lexer is pulled by the parser one token at a time because shell
//! tokenizing depends on where the parser is: inside an isolate body a lone
//! `>` is the block's closing bracket, not a redirection (see
//! [`Lexer::token`]).

use super::ast::{Param, ParamOp, ParamOpKind, RedirOp, SpecialParam, Word, WordPart};
use super::error::ParseError;
use super::span::Span;
use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{digit1, one_of};
use nom::combinator::{peek, recognize};
use nom::sequence::{pair, terminated};

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A word, with its quoting and expansions as parts.
    Word(Word),
    /// A redirection operator with its optional io-number (`2>`, `<&`, `&>`).
    Redir {
        /// The io-number written before the operator, if any.
        fd: Option<i32>,
        /// The operator.
        op: RedirOp,
    },
    /// `&&`
    AndIf,
    /// `||`
    OrIf,
    /// `;`
    Semi,
    /// `;;` (ends a `case` arm)
    DoubleSemi,
    /// `&`
    Amp,
    /// `|`
    Pipe,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// A newline outside quotes.
    Newline,
    /// The `>` that closes an isolate body (only produced inside one).
    IsolateClose,
    /// The end of the input.
    Eof,
}

/// One token and where it is in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is in the source text.
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

/// Whether `s` is a variable name: a letter or `_`, then letters, digits or `_`.
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
        tag("<<<"),
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

/// Tokenizes a source text one token at a time, as the parser asks.
pub struct Lexer<'a> {
    src: &'a str,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`.
    pub fn new(src: &'a str) -> Self {
        Lexer { src }
    }

    /// Where `at` (a slice of the source, not always running to its end)
    /// starts in the source.
    fn offset(&self, at: &str) -> usize {
        // Every slice the lexer hands around is part of the source; should
        // one not be, its place is the end rather than a panic.
        (at.as_ptr() as usize)
            .checked_sub(self.src.as_ptr() as usize)
            .filter(|&o| o <= self.src.len())
            .unwrap_or(self.src.len())
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
        // `<(list)` and `>(list)` start a word (bash's process substitution).
        if i.starts_with("<(") || i.starts_with(">(") {
            let (rest, word) = self.word(i)?;
            return make(rest, TokenKind::Word(word));
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
            if matches!(c, '<' | '>') && i[1..].starts_with('(') {
                let (list, end) = super::parser::parse_substitution(self.src, self.offset(i) + 2)?;
                parts.push(WordPart::ProcessSub { output: c == '>', list: std::rc::Rc::new(list) });
                i = &self.src[end..];
                continue;
            }
            if is_meta(c) {
                break;
            }
            match c {
                '\'' | '"' => {
                    let (rest, part) = self.quoted(i)?;
                    parts.push(part);
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
                '$' if i[1..].starts_with('\'') => {
                    let (rest, text) = self.ansi_c(i)?;
                    parts.push(WordPart::SingleQuoted(text));
                    i = rest;
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

    /// The right side of `=~` in `[[ … ]]`: a word in which `(`, `)`, `|`,
    /// `<`, `>`, `;` and `&` are plain characters, ending at a blank or
    /// newline outside parentheses (as bash reads a regular expression).
    pub fn regex_word(&self, i: &'a str) -> Result<(&'a str, Word), ParseError> {
        let mut i = self.skip_blanks(i);
        let start = self.offset(i);
        let mut parts = Vec::new();
        let mut depth = 0usize;
        while let Some(c) = i.chars().next() {
            match c {
                ' ' | '\t' | '\n' if depth == 0 => break,
                '\'' | '"' => {
                    let (rest, part) = self.quoted(i)?;
                    parts.push(part);
                    i = rest;
                }
                '\\' => match i[1..].chars().next() {
                    Some(e) => {
                        parts.push(WordPart::Escaped(e));
                        i = &i[1 + e.len_utf8()..];
                    }
                    None => {
                        push_literal(&mut parts, "\\");
                        i = &i[1..];
                    }
                },
                '$' if !i[1..].starts_with(['(', '{'])
                    && !i[1..].starts_with(|c: char| c.is_ascii_alphanumeric() || "_?#@*$!-".contains(c)) =>
                {
                    push_literal(&mut parts, "$");
                    i = &i[1..];
                }
                '$' | '`' => i = self.expansion(i, &mut parts)?,
                _ => {
                    if c == '(' {
                        depth += 1;
                    } else if c == ')' {
                        depth = depth.saturating_sub(1);
                    }
                    push_literal(&mut parts, c.encode_utf8(&mut [0; 4]));
                    i = &i[c.len_utf8()..];
                }
            }
        }
        Ok((i, Word { parts, span: Span::new(start, self.offset(i)) }))
    }

    /// `$'…'` (bash): backslash escapes as in C, the result taken literally.
    fn ansi_c(&self, i: &'a str) -> Result<(&'a str, String), ParseError> {
        let open = self.offset(i);
        let unterminated = || ParseError::new("unterminated $'", Span::new(open, open + 2)).incomplete();
        let mut rest = &i[2..];
        let mut out = String::new();
        loop {
            let c = rest.chars().next().ok_or_else(unterminated)?;
            rest = &rest[c.len_utf8()..];
            match c {
                '\'' => return Ok((rest, out)),
                '\\' => {
                    let e = rest.chars().next().ok_or_else(unterminated)?;
                    rest = &rest[e.len_utf8()..];
                    let digits = |rest: &str, max: usize, radix: u32| -> (u32, usize) {
                        let n = rest.chars().take(max).take_while(|c| c.is_digit(radix)).count();
                        (u32::from_str_radix(&rest[..n], radix).unwrap_or(0), n)
                    };
                    match e {
                        'a' => out.push('\x07'),
                        'b' => out.push('\x08'),
                        'e' | 'E' => out.push('\x1b'),
                        'f' => out.push('\x0c'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'v' => out.push('\x0b'),
                        '\\' | '\'' | '"' | '?' => out.push(e),
                        '0'..='7' => {
                            // Up to three octal digits, this one included.
                            let n = rest.chars().take(2).take_while(|c| c.is_digit(8)).count();
                            let v = (e as u32 - '0' as u32) * 8u32.pow(n as u32) + digits(rest, n, 8).0;
                            rest = &rest[n..];
                            out.push(crate::bytes::byte_char((v & 0xff) as u8));
                        }
                        'x' => {
                            let (v, n) = digits(rest, 2, 16);
                            if n == 0 {
                                out.push_str("\\x");
                            } else {
                                rest = &rest[n..];
                                out.push(crate::bytes::byte_char(v as u8));
                            }
                        }
                        'u' | 'U' => {
                            let (v, n) = digits(rest, if e == 'u' { 4 } else { 8 }, 16);
                            if n == 0 {
                                out.push('\\');
                                out.push(e);
                            } else {
                                rest = &rest[n..];
                                out.push(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER));
                            }
                        }
                        'c' => {
                            let x = rest.chars().next().ok_or_else(unterminated)?;
                            rest = &rest[x.len_utf8()..];
                            out.push(char::from((x as u32 & 0x1f) as u8));
                        }
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }

    /// A single- or double-quoted string starting at its opening quote.
    fn quoted(&self, i: &'a str) -> Result<(&'a str, WordPart), ParseError> {
        if let Some(body) = i.strip_prefix('\'') {
            let end = body.find('\'').ok_or_else(|| {
                ParseError::new("unterminated single quote", Span::new(self.offset(i), self.offset(i) + 1)).incomplete()
            })?;
            return Ok((&body[end + 1..], WordPart::SingleQuoted(body[..end].to_string())));
        }
        let (rest, inner) = self.double_quoted(i)?;
        Ok((rest, WordPart::DoubleQuoted(inner)))
    }

    /// `"…"` starting at the opening quote. Returns the parts inside.
    fn double_quoted(&self, i: &'a str) -> Result<(&'a str, Vec<WordPart>), ParseError> {
        let open = self.offset(i);
        let (rest, parts) = self.quoted_parts(&i[1..], true)?;
        match rest.strip_prefix('"') {
            Some(after) => Ok((after, parts)),
            None => Err(ParseError::new("unterminated double quote", Span::new(open, open + 1)).incomplete()),
        }
    }

    /// Text with double-quote rules, up to a `"` (when `in_quotes`; it is
    /// not consumed) or the end: `$` and backquote expansions, and a
    /// backslash that escapes only `$`, `` ` ``, `\`, newline — and `"`
    /// inside quotes (a here-document body has no quotes to escape).
    fn quoted_parts(&self, mut i: &'a str, in_quotes: bool) -> Result<(&'a str, Vec<WordPart>), ParseError> {
        let mut parts = Vec::new();
        let stops: &[char] = if in_quotes { &['"', '\\', '$', '`'] } else { &['\\', '$', '`'] };
        while let Some(c) = i.chars().next() {
            match c {
                '"' if in_quotes => break,
                '\\' => match i[1..].chars().next() {
                    Some('\n') => i = &i[2..],
                    Some(e @ ('$' | '`' | '\\')) => {
                        push_literal(&mut parts, e.encode_utf8(&mut [0; 4]));
                        i = &i[2..];
                    }
                    Some('"') if in_quotes => {
                        push_literal(&mut parts, "\"");
                        i = &i[2..];
                    }
                    _ => {
                        push_literal(&mut parts, "\\");
                        i = &i[1..];
                    }
                },
                '$' | '`' => i = self.expansion_in(i, &mut parts, true)?,
                _ => {
                    let end = i.find(stops).unwrap_or(i.len());
                    push_literal(&mut parts, &i[..end]);
                    i = &i[end..];
                }
            }
        }
        Ok((i, parts))
    }

    /// A `$…` or backquote expansion at `i`, pushed onto `parts`.
    fn expansion(&self, i: &'a str, parts: &mut Vec<WordPart>) -> Result<&'a str, ParseError> {
        self.expansion_in(i, parts, false)
    }

    fn expansion_in(&self, i: &'a str, parts: &mut Vec<WordPart>, in_dquote: bool) -> Result<&'a str, ParseError> {
        // `$(( $(( … )) ))` and `${x:-${x:-…}}` nest here without the
        // parser: on fresh stack segments as its commands (the nesting
        // limit is counted by the parser's levels, not again here).
        crate::stack::deep(|| self.expansion_at(i, parts, in_dquote))
    }

    fn expansion_at(&self, i: &'a str, parts: &mut Vec<WordPart>, in_dquote: bool) -> Result<&'a str, ParseError> {
        if i.starts_with('`') {
            let (rest, part) = self.backquoted(i, in_dquote)?;
            parts.push(part);
            return Ok(rest);
        }
        let (rest, part) = self.dollar(i, in_dquote)?;
        match part {
            Some(p) => parts.push(p),
            None => push_literal(parts, "$"),
        }
        Ok(rest)
    }

    /// A `$` expansion at `i`. `None` means the `$` is a literal dollar sign.
    fn dollar(&self, i: &'a str, in_dquote: bool) -> Result<(&'a str, Option<WordPart>), ParseError> {
        let after = &i[1..];
        let Some(c) = after.chars().next() else {
            return Ok((after, None));
        };
        if c == '{' {
            return self.braced_param(i, in_dquote);
        }
        if c == '(' {
            if after.starts_with("((")
                && let Some((rest, part)) = self.arithmetic(i)?
            {
                return Ok((rest, Some(part)));
            }
            let (rest, part) = self.command_substitution(i)?;
            return Ok((rest, Some(part)));
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

    /// `${…}`: a parameter, optionally with `#` before it (length) or an
    /// operator and a word after it.
    fn braced_param(&self, i: &'a str, in_dquote: bool) -> Result<(&'a str, Option<WordPart>), ParseError> {
        let open = self.offset(i);
        let bad = |end: usize| ParseError::new("bad substitution", Span::new(open, end.max(open + 2)));
        let missing = || ParseError::new("missing '}'", Span::new(open, open + 2)).incomplete();
        let mut rest = &i[2..];
        // `${#}` is the count; `${#x}` the length of x.
        let length = rest.starts_with('#') && !rest[1..].starts_with('}') && !rest[1..].is_empty();
        if length {
            rest = &rest[1..];
        }
        let (after, param) = self
            .param_name(rest)
            .ok_or_else(|| if rest.is_empty() { missing() } else { bad(self.offset(rest) + 1) })?;
        rest = after;
        if let Some(r) = rest.strip_prefix('}') {
            let part = if length {
                WordPart::ParamOp(Box::new(ParamOp {
                    param,
                    op: ParamOpKind::Length,
                    word: Word { parts: vec![], span: Span::default() },
                }))
            } else {
                WordPart::Param(param)
            };
            return Ok((r, Some(part)));
        }
        if length || rest.is_empty() {
            return Err(if rest.is_empty() { missing() } else { bad(self.offset(rest) + 1) });
        }
        let ops: [(&str, ParamOpKind); 12] = [
            (":-", ParamOpKind::Default { colon: true }),
            (":=", ParamOpKind::Assign { colon: true }),
            (":?", ParamOpKind::Error { colon: true }),
            (":+", ParamOpKind::Alternative { colon: true }),
            ("-", ParamOpKind::Default { colon: false }),
            ("=", ParamOpKind::Assign { colon: false }),
            ("?", ParamOpKind::Error { colon: false }),
            ("+", ParamOpKind::Alternative { colon: false }),
            ("%%", ParamOpKind::RemoveSuffix { longest: true }),
            ("%", ParamOpKind::RemoveSuffix { longest: false }),
            ("##", ParamOpKind::RemovePrefix { longest: true }),
            ("#", ParamOpKind::RemovePrefix { longest: false }),
        ];
        let Some((text, op)) = ops.iter().find(|(t, _)| rest.starts_with(t)) else {
            return Err(bad(self.offset(rest) + 1));
        };
        // Inside double quotes the word of `${x:-word}` (and `=`, `?`, `+`)
        // is double-quoted text: a `'` there is an ordinary character, as
        // in dash and bash. The patterns of `#` and `%` keep their quotes.
        let squote_literal = in_dquote
            && matches!(
                op,
                ParamOpKind::Default { .. }
                    | ParamOpKind::Assign { .. }
                    | ParamOpKind::Error { .. }
                    | ParamOpKind::Alternative { .. }
            );
        let (r, word) = self.brace_word(&rest[text.len()..], open, squote_literal)?;
        Ok((r, Some(WordPart::ParamOp(Box::new(ParamOp { param, op: *op, word })))))
    }

    /// The parameter named at the start of `i` inside `${…}`.
    fn param_name(&self, i: &'a str) -> Option<(&'a str, Param)> {
        if let Ok((rest, n)) = name(i) {
            return Some((rest, Param::Named(n.to_string())));
        }
        let digits = i.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            return Some((&i[digits..], Param::Positional(i[..digits].parse().ok()?)));
        }
        let c = i.chars().next()?;
        SpecialParam::from_char(c).map(|s| (&i[1..], Param::Special(s)))
    }

    /// The word of `${x<op>word}`, up to the unquoted `}` that closes it.
    /// Blanks are part of the word here.
    fn brace_word(&self, mut i: &'a str, open: usize, squote_literal: bool) -> Result<(&'a str, Word), ParseError> {
        let start = self.offset(i);
        let mut parts = Vec::new();
        loop {
            let Some(c) = i.chars().next() else {
                return Err(ParseError::new("missing '}'", Span::new(open, open + 2)).incomplete());
            };
            match c {
                '}' => return Ok((&i[1..], Word { parts, span: Span::new(start, self.offset(i)) })),
                '\'' if squote_literal => {
                    push_literal(&mut parts, "'");
                    i = &i[1..];
                }
                '\'' | '"' => {
                    let (rest, part) = self.quoted(i)?;
                    parts.push(part);
                    i = rest;
                }
                '\\' => match i[1..].chars().next() {
                    Some('\n') => i = &i[2..],
                    Some(e) => {
                        parts.push(WordPart::Escaped(e));
                        i = &i[1 + e.len_utf8()..];
                    }
                    None => i = &i[1..],
                },
                '$' | '`' => i = self.expansion(i, &mut parts)?,
                _ => {
                    let end = i.find(['}', '\'', '"', '\\', '$', '`']).unwrap_or(i.len());
                    push_literal(&mut parts, &i[..end]);
                    i = &i[end..];
                }
            }
        }
    }

    /// `$(list)`, parsed by a parser that starts after the `(`.
    fn command_substitution(&self, i: &'a str) -> Result<(&'a str, WordPart), ParseError> {
        let (list, end) = super::parser::parse_substitution(self.src, self.offset(i) + 2)?;
        Ok((&self.src[end..], WordPart::CommandSub(std::rc::Rc::new(list))))
    }

    /// `$((expression))`, or `None` when no `))` closes it (then `$( (…) )`
    /// is a command substitution starting with a subshell).
    fn arithmetic(&self, i: &'a str) -> Result<Option<(&'a str, WordPart)>, ParseError> {
        Ok(self.arith_expression(i, 3, false)?.map(|(rest, word)| (rest, WordPart::Arith(word))))
    }

    /// The arithmetic command `((expression))` at `i` (bash), or `None`
    /// when no `))` closes it or what it encloses cannot be arithmetic
    /// (`((echo a) )`, `((cd d; ls))`): then `((` opens two subshells, as
    /// in dash. Unlike in `$((…))` (POSIX), double quotes in it are quotes,
    /// as in bash.
    pub fn arith_command(&self, i: &'a str) -> Result<Option<(&'a str, Word)>, ParseError> {
        let found = self.arith_expression(i, 2, true)?;
        Ok(found.filter(|(rest, _)| may_be_arithmetic(&i[2..i.len() - rest.len() - 2])))
    }

    /// The expression after the `open` bytes at `i` (`$((` or `((`) up to
    /// its `))`, as a word of literals and expansions (and, with
    /// `dquotes`, double-quoted parts).
    fn arith_expression(&self, i: &'a str, open: usize, dquotes: bool) -> Result<Option<(&'a str, Word)>, ParseError> {
        let body = &i[open..];
        let mut depth = 0usize;
        let mut end = None;
        let bytes = body.as_bytes();
        for (k, &b) in bytes.iter().enumerate() {
            match b {
                b'(' => depth += 1,
                b')' if depth == 0 => {
                    if bytes.get(k + 1) == Some(&b')') {
                        end = Some(k);
                    }
                    break;
                }
                b')' => depth -= 1,
                _ => {}
            }
        }
        let Some(end) = end else {
            if !body.contains(')') {
                let at = self.offset(i);
                return Err(ParseError::new("missing '))'", Span::new(at, at + open)).incomplete());
            }
            return Ok(None);
        };
        let expr_text = &body[..end];
        let start = self.offset(expr_text);
        let mut parts = Vec::new();
        let mut t = expr_text;
        // An expansion's rest runs on past the expression; cut it back.
        let expr_end = start + expr_text.len();
        while let Some(c) = t.chars().next() {
            match c {
                '$' | '`' => {
                    let rest = self.expansion(t, &mut parts)?;
                    t = &self.src[self.offset(rest).min(expr_end)..expr_end];
                }
                '"' if dquotes && t[1..].contains('"') => {
                    let (rest, part) = self.quoted(t)?;
                    parts.push(part);
                    t = &self.src[self.offset(rest).min(expr_end)..expr_end];
                }
                '\\' if t.len() > 1 => {
                    let e = t[1..].chars().next().unwrap_or('\\');
                    // Kept as an escape, so the canonical text keeps its
                    // backslash (`$((\$x))` is not `$(($x))`).
                    parts.push(WordPart::Escaped(e));
                    t = &t[1 + e.len_utf8()..];
                }
                _ => {
                    let first = c.len_utf8();
                    let stops: &[char] = if dquotes { &['$', '`', '\\', '"'] } else { &['$', '`', '\\'] };
                    let stop = t[first..].find(stops).map_or(t.len(), |k| k + first);
                    push_literal(&mut parts, &t[..stop]);
                    t = &t[stop..];
                }
            }
        }
        let word = Word { parts, span: Span::new(start, start + expr_text.len()) };
        Ok(Some((&body[end + 2..], word)))
    }

    /// `` `list` ``: backslash-escapes of `$`, `` ` `` and `\` (and `"` inside
    /// double quotes) are removed, then the text is parsed on its own.
    fn backquoted(&self, i: &'a str, in_dquote: bool) -> Result<(&'a str, WordPart), ParseError> {
        let open = self.offset(i);
        let mut text = String::new();
        let mut chars = i[1..].char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                '`' => {
                    let list = super::parser::parse_detached(&text).map_err(|mut e| {
                        e.span = Span::new(open, open + 1);
                        e
                    })?;
                    return Ok((&i[1 + k + 1..], WordPart::CommandSub(std::rc::Rc::new(list))));
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('$' | '`' | '\\'))) => text.push(e),
                    Some((_, '"')) if in_dquote => text.push('"'),
                    Some((_, e)) => {
                        text.push('\\');
                        text.push(e);
                    }
                    None => text.push('\\'),
                },
                _ => text.push(c),
            }
        }
        Err(ParseError::new("unterminated backquote", Span::new(open, open + 1)).incomplete())
    }
}

/// Whether `text` may be an arithmetic expression: no `;` and no two
/// operands (names, numbers, expansions, quoted strings) one after the
/// other with only blanks between them — which a command line has
/// (`echo deep`) and arithmetic never does.
fn may_be_arithmetic(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut i, mut after_operand, mut blank) = (0, false, false);
    while i < b.len() {
        let c = b[i];
        // One operand: a word's characters, or an expansion or quoted
        // string taken whole (its insides are not this expression's).
        let end = match c {
            b';' => return false,
            b' ' | b'\t' | b'\n' => {
                blank = after_operand;
                i += 1;
                continue;
            }
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => closing(b, i + 1),
            b'"' | b'\'' | b'`' => b[i + 1..].iter().position(|&x| x == c).map_or(b.len(), |k| i + k + 2),
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'#' | b'@' | b'.') || c >= 0x80 => i + 1,
            _ => {
                (after_operand, blank) = (false, false);
                i += 1;
                continue;
            }
        };
        if blank {
            return false;
        }
        (after_operand, blank, i) = (true, false, end);
    }
    true
}

/// The index after the bracket that closes the one at `open`.
fn closing(b: &[u8], open: usize) -> usize {
    let (up, down) = if b[open] == b'(' { (b'(', b')') } else { (b'{', b'}') };
    let mut depth = 0usize;
    for (k, &x) in b.iter().enumerate().skip(open) {
        if x == up {
            depth += 1;
        } else if x == down {
            depth -= 1;
            if depth == 0 {
                return k + 1;
            }
        }
    }
    b.len()
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
        "<<-" => RedirOp::HereDoc { strip_tabs: true },
        "<<<" => RedirOp::HereString,
        _ => RedirOp::HereDoc { strip_tabs: false },
    };
    TokenKind::Redir { fd, op }
}

/// An unquoted here-document body: `$` and backquote expansions, and a
/// backslash escapes only `$`, `` ` ``, `\` and newline (a `"` is plain).
pub fn heredoc_word(text: &str) -> Result<Word, ParseError> {
    let (_, parts) = Lexer::new(text).quoted_parts(text, false)?;
    // As inside double quotes: never split, never globbed.
    Ok(Word { parts: vec![WordPart::DoubleQuoted(parts)], span: Span::default() })
}

/// Appends literal text, merging with a preceding literal.
fn push_literal(parts: &mut Vec<WordPart>, s: &str) {
    if let Some(WordPart::Literal(last)) = parts.last_mut() {
        last.push_str(s);
    } else {
        parts.push(WordPart::Literal(s.to_string()));
    }
}
