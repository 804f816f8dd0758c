//! Recursive-descent parser over the lexer's tokens. It hands out one
//! complete command at a time ([`Parser::next_command`]) so a script runs
//! each line before the next is parsed, as in dash: a syntax error on line 9
//! does not stop lines 1–8 from running.

use super::ast::*;
use super::error::ParseError;
use super::lexer::{Lexer, Token, TokenKind, is_valid_name};
use super::span::Span;

/// A recursive descent parser over one source text, handing out one complete command at a time.
pub struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    rest: &'a str,
    /// A token already lexed at `rest`, with the text after it and the
    /// isolate depth it was lexed at (the depth changes what `>` means).
    peeked: Option<(Token, &'a str, usize)>,
    /// How many isolate bodies enclose the current position.
    isolate_depth: usize,
    /// Where a `>>` was last seen inside an isolate body: if the body then
    /// never closes, the user probably meant `> >`.
    append_in_isolate: Option<Span>,
    /// End offset of the last consumed token.
    last_end: usize,
    /// Here-documents whose bodies start after the next newline.
    pending_heredocs: Vec<PendingHereDoc>,
    /// A here-document that could not be read, reported by the next peek.
    heredoc_error: Option<ParseError>,
    /// The shell's aliases, when this text's aliases are expanded while it
    /// is read (as dash does: a script, `-c`, `eval`, `.`).
    aliases: Option<std::rc::Rc<std::collections::HashMap<String, String>>>,
    /// Aliases whose value is being read, with where that value ends in
    /// `src`: not expanded again inside it.
    aliases_active: Vec<(String, usize)>,
    /// Where the word after an alias value that ends in a blank starts at
    /// the earliest: that word is looked up too.
    alias_next_word: Option<usize>,
    /// How many alias values have been spliced into the text so far.
    splices: usize,
}

struct PendingHereDoc {
    body: HereDoc,
    delimiter: String,
    strip_tabs: bool,
    quoted: bool,
    span: Span,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    /// A parser at the start of `src`.
    pub fn new(src: &'a str) -> Self {
        Parser {
            src,
            lexer: Lexer::new(src),
            rest: src,
            peeked: None,
            isolate_depth: 0,
            append_in_isolate: None,
            last_end: 0,
            pending_heredocs: Vec::new(),
            heredoc_error: None,
            aliases: None,
            aliases_active: Vec::new(),
            alias_next_word: None,
            splices: 0,
        }
    }

    /// Expands `aliases` while reading from now on (the table as it is
    /// when each complete command is read: the caller sets it again before
    /// each `next_command`).
    pub fn set_aliases(&mut self, aliases: std::rc::Rc<std::collections::HashMap<String, String>>) {
        self.aliases = Some(aliases);
    }

    /// The text being read: the source, with the aliases expanded so far
    /// spliced in (every span is an offset into it).
    pub fn text_now(&self) -> &'a str {
        self.src
    }

    /// How many alias values have been spliced into the text (it changes
    /// when [`Parser::text_now`] does).
    pub fn splices(&self) -> usize {
        self.splices
    }

    /// If `tok` is a word naming an alias that may be expanded here,
    /// replaces it by the alias's value in the text being read and says
    /// so. The text is rebuilt (prefix, value, rest) and leaked: the
    /// parser, the lexer and every span keep one text to point into.
    fn expand_alias(&mut self, tok: &Token, first_word: bool) -> bool {
        let Some(aliases) = &self.aliases else { return false };
        let TokenKind::Word(w) = &tok.kind else { return false };
        let Some(name) = w.as_plain_literal() else { return false };
        // A reserved word is one only as a command's first word.
        if (first_word && super::keywords::is_keyword(name)) || self.src.get(tok.span.start..tok.span.end) != Some(name)
        {
            return false;
        }
        let at = tok.span.start;
        self.aliases_active.retain(|(_, end)| *end > at);
        if self.aliases_active.iter().any(|(n, _)| n == name) {
            return false;
        }
        let Some(value) = aliases.get(name) else { return false };
        let text = format!("{}{}{}", &self.src[..at], value, &self.src[tok.span.end..]);
        let text: &'static str = Box::leak(text.into_boxed_str());
        let grown = value.len() as isize - (tok.span.end - at) as isize;
        for (_, end) in &mut self.aliases_active {
            *end = (*end as isize + grown) as usize;
        }
        let end = at + value.len();
        self.aliases_active.push((name.to_string(), end));
        // A pending "next word" (an outer alias's value ended in a blank)
        // moves with the text after this one.
        self.alias_next_word = if value.ends_with([' ', '\t']) {
            Some(end)
        } else {
            self.alias_next_word.map(|p| if p >= tok.span.end { (p as isize + grown) as usize } else { p })
        };
        self.src = text;
        self.splices += 1;
        self.lexer = Lexer::new(text);
        self.rest = &text[at..];
        self.peeked = None;
        true
    }

    /// The next complete command, or `None` at the end of the text.
    pub fn next_command(&mut self) -> PResult<Option<CompleteCommand>> {
        self.skip_newlines()?;
        if matches!(self.peek()?.kind, TokenKind::Eof) {
            return Ok(None);
        }
        let start = self.peek()?.span.start;
        let list = self.list(false)?;
        let end = self.peek()?;
        match end.kind {
            TokenKind::Newline => {
                self.advance();
                if let Some(e) = self.heredoc_error.take() {
                    return Err(e);
                }
            }
            TokenKind::Eof => {
                if let Some(h) = self.pending_heredocs.first() {
                    let msg = format!("here-document is not ended by a line '{}'", h.delimiter);
                    return Err(ParseError::new(msg, h.span).incomplete());
                }
            }
            _ => return Err(self.unexpected(&end)),
        }
        Ok(Some(CompleteCommand { list, span: Span::new(start, end.span.start) }))
    }

    fn peek(&mut self) -> PResult<Token> {
        if let Some(e) = &self.heredoc_error {
            return Err(e.clone());
        }
        if let Some((tok, _, depth)) = &self.peeked
            && *depth == self.isolate_depth
        {
            return Ok(tok.clone());
        }
        let (rest, tok) = self.lexer.token(self.rest, self.isolate_depth > 0)?;
        self.peeked = Some((tok.clone(), rest, self.isolate_depth));
        Ok(tok)
    }

    /// Consumes the peeked token (call `peek` first).
    fn advance(&mut self) {
        if let Some((tok, rest, _)) = self.peeked.take() {
            self.rest = rest;
            self.last_end = tok.span.end;
            if tok.kind == TokenKind::Newline
                && !self.pending_heredocs.is_empty()
                && let Err(e) = self.read_heredoc_bodies()
            {
                self.heredoc_error = Some(e);
            }
        }
    }

    /// Reads the bodies of the pending here-documents, which start right
    /// after the newline just consumed.
    fn read_heredoc_bodies(&mut self) -> PResult<()> {
        for h in std::mem::take(&mut self.pending_heredocs) {
            let mut lines = Vec::new();
            let mut rest = self.rest;
            loop {
                if rest.is_empty() {
                    let msg = format!("here-document is not ended by a line '{}'", h.delimiter);
                    return Err(ParseError::new(msg, h.span).incomplete());
                }
                let (line, after) = match rest.find('\n') {
                    Some(n) => (&rest[..n], &rest[n + 1..]),
                    // The end of the text (a slice of it, so spans still work).
                    None => (rest, &rest[rest.len()..]),
                };
                rest = after;
                let line = if h.strip_tabs { line.trim_start_matches('\t') } else { line };
                if line == h.delimiter {
                    break;
                }
                lines.push(line);
            }
            self.rest = rest;
            let mut text = lines.join("\n");
            if !lines.is_empty() {
                text.push('\n');
            }
            let word = if h.quoted {
                Word { parts: vec![WordPart::SingleQuoted(text)], span: Span::default() }
            } else {
                super::lexer::heredoc_word(&text)?
            };
            *h.body.0.borrow_mut() = word;
        }
        Ok(())
    }

    fn next(&mut self) -> PResult<Token> {
        let t = self.peek()?;
        self.advance();
        Ok(t)
    }

    fn skip_newlines(&mut self) -> PResult<()> {
        while matches!(self.peek()?.kind, TokenKind::Newline) {
            self.advance();
        }
        Ok(())
    }

    fn text(&self, span: Span) -> &'a str {
        &self.src[span.start..span.end]
    }

    fn unexpected(&self, tok: &Token) -> ParseError {
        match &tok.kind {
            TokenKind::Eof => ParseError::new("unexpected end of file", tok.span).incomplete(),
            TokenKind::Newline => ParseError::new("unexpected newline", tok.span),
            _ => ParseError::new(format!("unexpected '{}'", self.text(tok.span)), tok.span),
        }
    }

    fn starts_command(kind: &TokenKind) -> bool {
        matches!(kind, TokenKind::Word(_) | TokenKind::Redir { .. } | TokenKind::LParen) && !is_terminator(kind)
    }

    /// Consumes the reserved word `kw`, or says it was expected.
    fn expect_word(&mut self, kw: &str) -> PResult<Span> {
        let tok = self.peek()?;
        match &tok.kind {
            TokenKind::Word(w) if w.as_plain_literal() == Some(kw) => {
                self.advance();
                Ok(tok.span)
            }
            _ => {
                let e = ParseError::new(format!("expected '{kw}', found {}", self.describe(&tok)), tok.span);
                Err(if matches!(tok.kind, TokenKind::Eof) { e.incomplete() } else { e })
            }
        }
    }

    fn peek_is_word(&mut self, kw: &str) -> PResult<bool> {
        Ok(matches!(&self.peek()?.kind, TokenKind::Word(w) if w.as_plain_literal() == Some(kw)))
    }

    /// and-or lists separated by `;`/`&` (and by newlines when `multiline`,
    /// as inside an isolate body).
    fn list(&mut self, multiline: bool) -> PResult<List> {
        let mut items = Vec::new();
        loop {
            if multiline {
                self.skip_newlines()?;
            }
            let mut tok = self.peek()?;
            // An alias here may be a reserved word that ends the list
            // (`alias end='}'`): expanded before the list looks.
            while self.expand_alias(&tok, true) {
                tok = self.peek()?;
            }
            if !Self::starts_command(&tok.kind) {
                if items.is_empty() {
                    return Err(self.unexpected(&tok));
                }
                break;
            }
            let and_or = self.and_or()?;
            let sep = self.peek()?;
            let background = matches!(sep.kind, TokenKind::Amp);
            items.push(ListItem { and_or, background });
            match sep.kind {
                TokenKind::Semi | TokenKind::Amp => self.advance(),
                TokenKind::Newline if multiline => self.advance(),
                _ => break,
            }
        }
        Ok(List { items })
    }

    fn and_or(&mut self) -> PResult<AndOr> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek()?.kind {
                TokenKind::AndIf => AndOrOp::And,
                TokenKind::OrIf => AndOrOp::Or,
                _ => break,
            };
            self.advance();
            self.skip_newlines()?;
            rest.push((op, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> PResult<Pipeline> {
        let first = self.peek()?;
        let word = |t: &Token, w: &str| matches!(&t.kind, TokenKind::Word(x) if x.as_plain_literal() == Some(w));
        let mut timed = None;
        if word(&first, "time") {
            self.advance();
            timed = Some(TimeFormat::Default);
            if word(&self.peek()?, "-p") {
                self.advance();
                timed = Some(TimeFormat::Posix);
            }
            // `time` alone times nothing (bash prints zeros).
            if !matches!(self.peek()?.kind, TokenKind::Word(_) | TokenKind::LParen | TokenKind::Redir { .. }) {
                return Ok(Pipeline { negated: false, timed, commands: Vec::new(), span: first.span });
            }
        }
        // `! ! cmd` negates twice (bash; POSIX has one `!`).
        let mut negated = false;
        while word(&self.peek()?, "!") {
            self.advance();
            negated = !negated;
        }
        let mut commands = vec![self.command()?];
        while matches!(self.peek()?.kind, TokenKind::Pipe) {
            self.advance();
            self.skip_newlines()?;
            commands.push(self.command()?);
        }
        let end = commands.last().map_or(first.span, Command::span);
        Ok(Pipeline { negated, timed, commands, span: first.span.to(end) })
    }

    fn command(&mut self) -> PResult<Command> {
        let mut tok = self.peek()?;
        // A blank at the end of an alias in an earlier command is that
        // command's business (this command's own, expanded by `list`,
        // ends after its first token).
        if self.alias_next_word.is_some_and(|p| tok.span.start >= p) {
            self.alias_next_word = None;
        }
        while self.expand_alias(&tok, true) {
            tok = self.peek()?;
        }
        let Some(_level) = crate::stack::Level::enter() else {
            return Err(ParseError::new(crate::stack::TOO_DEEP, tok.span));
        };
        crate::stack::deep(|| self.command_at(tok))
    }

    fn command_at(&mut self, tok: Token) -> PResult<Command> {
        let keyword = match &tok.kind {
            TokenKind::Word(w) => w.as_plain_literal().map(String::from),
            TokenKind::LParen => Some("(".to_string()),
            _ => None,
        };
        let kind = match keyword.as_deref() {
            Some("isolate") => {
                self.advance();
                return self.isolate_block(tok.span).map(Command::Isolate);
            }
            Some("{") => {
                self.advance();
                let body = self.list(true)?;
                self.expect_word("}")?;
                CompoundKind::Brace(body)
            }
            Some("(") if self.src[tok.span.start..].starts_with("((") => {
                match self.lexer.arith_command(&self.src[tok.span.start..])? {
                    Some((rest, word)) => {
                        self.peeked = None;
                        self.rest = rest;
                        self.last_end = self.src.len() - rest.len();
                        CompoundKind::Arith(word)
                    }
                    None => self.subshell()?,
                }
            }
            Some("(") => self.subshell()?,
            Some("if") => self.if_clause()?,
            Some(kw @ ("while" | "until")) => {
                let until = kw == "until";
                self.advance();
                let cond = self.list(true)?;
                self.expect_word("do")?;
                let body = self.list(true)?;
                self.expect_word("done")?;
                CompoundKind::Loop { until, cond, body }
            }
            Some("for") => self.for_clause()?,
            Some("case") => self.case_clause()?,
            Some("[[") => {
                self.advance();
                let e = self.cond_or()?;
                self.skip_newlines()?;
                self.expect_word("]]")?;
                CompoundKind::Cond(e)
            }
            Some("function") => {
                self.advance();
                return self.function_keyword(tok.span);
            }
            _ => return self.simple_command(),
        };
        let mut cc = CompoundCommand { kind, redirects: Vec::new(), span: tok.span };
        while let TokenKind::Redir { .. } = self.peek()?.kind {
            cc.redirects.push(self.redirect()?);
        }
        cc.span = Span::new(tok.span.start, self.last_end);
        Ok(Command::Compound(cc))
    }

    /// `( list )`, its `(` peeked.
    fn subshell(&mut self) -> PResult<CompoundKind> {
        self.advance();
        let body = self.list(true)?;
        let close = self.next()?;
        if !matches!(close.kind, TokenKind::RParen) {
            let e = ParseError::new(format!("expected ')', found {}", self.describe(&close)), close.span);
            return Err(if matches!(close.kind, TokenKind::Eof) { e.incomplete() } else { e });
        }
        Ok(CompoundKind::Subshell(body))
    }

    fn if_clause(&mut self) -> PResult<CompoundKind> {
        self.advance();
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(true)?;
            self.expect_word("then")?;
            let body = self.list(true)?;
            branches.push((cond, body));
            if self.peek_is_word("elif")? {
                self.advance();
                continue;
            }
            if self.peek_is_word("else")? {
                self.advance();
                otherwise = Some(self.list(true)?);
            }
            self.expect_word("fi")?;
            return Ok(CompoundKind::If { branches, otherwise });
        }
    }

    fn for_clause(&mut self) -> PResult<CompoundKind> {
        self.advance();
        let name_tok = self.next()?;
        let var = match &name_tok.kind {
            TokenKind::Word(w) => w.as_plain_literal().filter(|n| is_valid_name(n)).map(String::from),
            _ => None,
        };
        let Some(var) = var else {
            return Err(ParseError::new(
                format!("for: expected a variable name, found {}", self.describe(&name_tok)),
                name_tok.span,
            ));
        };
        self.skip_newlines()?;
        let mut words = None;
        if self.peek_is_word("in")? {
            self.advance();
            let mut ws = Vec::new();
            while let TokenKind::Word(w) = self.peek()?.kind {
                self.advance();
                ws.push(w);
            }
            words = Some(ws);
        }
        if matches!(self.peek()?.kind, TokenKind::Semi) {
            self.advance();
        }
        self.skip_newlines()?;
        self.expect_word("do")?;
        let body = self.list(true)?;
        self.expect_word("done")?;
        Ok(CompoundKind::For { var, words, body })
    }

    fn case_clause(&mut self) -> PResult<CompoundKind> {
        self.advance();
        let word_tok = self.next()?;
        let TokenKind::Word(word) = word_tok.kind else {
            return Err(ParseError::new(
                format!("case: expected a word, found {}", self.describe(&word_tok)),
                word_tok.span,
            ));
        };
        self.skip_newlines()?;
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines()?;
            if self.peek_is_word("esac")? {
                self.advance();
                return Ok(CompoundKind::Case { word, arms });
            }
            if matches!(self.peek()?.kind, TokenKind::LParen) {
                self.advance();
            }
            let mut patterns = Vec::new();
            loop {
                let tok = self.next()?;
                match tok.kind {
                    TokenKind::Word(w) => patterns.push(w),
                    _ => {
                        let e = ParseError::new(
                            format!("case: expected a pattern, found {}", self.describe(&tok)),
                            tok.span,
                        );
                        return Err(if matches!(tok.kind, TokenKind::Eof) { e.incomplete() } else { e });
                    }
                }
                let sep = self.next()?;
                match sep.kind {
                    TokenKind::Pipe => continue,
                    TokenKind::RParen => break,
                    _ => {
                        let e = ParseError::new(
                            format!("case: expected ')' after the pattern, found {}", self.describe(&sep)),
                            sep.span,
                        );
                        return Err(if matches!(sep.kind, TokenKind::Eof) { e.incomplete() } else { e });
                    }
                }
            }
            self.skip_newlines()?;
            let body =
                if Self::starts_command(&self.peek()?.kind) { self.list(true)? } else { List { items: Vec::new() } };
            arms.push(CaseArm { patterns, body });
            match self.peek()?.kind {
                TokenKind::DoubleSemi => self.advance(),
                _ if self.peek_is_word("esac")? => {}
                _ => {
                    let tok = self.peek()?;
                    let e = ParseError::new(
                        format!("case: expected ';;' or 'esac', found {}", self.describe(&tok)),
                        tok.span,
                    );
                    return Err(if matches!(tok.kind, TokenKind::Eof) { e.incomplete() } else { e });
                }
            }
        }
    }

    fn simple_command(&mut self) -> PResult<Command> {
        let mut cmd = SimpleCommand {
            assignments: vec![],
            words: vec![],
            redirects: vec![],
            span: self.peek()?.span,
            alias_checked: self.aliases.is_some(),
        };
        loop {
            let tok = self.peek()?;
            // The command word after assignment words, and the word after
            // an alias value ending in a blank, are aliases' too (dash).
            let after_blank = self.alias_next_word.is_some_and(|at| tok.span.start >= at);
            if (after_blank || (cmd.words.is_empty() && !cmd.assignments.is_empty()))
                && matches!(&tok.kind, TokenKind::Word(w) if assignment(w).is_none())
            {
                if after_blank {
                    self.alias_next_word = None;
                }
                if self.expand_alias(&tok, false) {
                    continue;
                }
            }
            match tok.kind {
                TokenKind::Redir { .. } => {
                    let r = self.redirect()?;
                    cmd.span = cmd.span.to(r.span);
                    cmd.redirects.push(r);
                }
                TokenKind::Word(word) => {
                    self.advance();
                    cmd.span = cmd.span.to(word.span);
                    match assignment(&word).filter(|_| cmd.words.is_empty()) {
                        Some(a) => cmd.assignments.push(a),
                        None => cmd.words.push(word),
                    }
                    let alone = cmd.words.len() == 1 && cmd.assignments.is_empty() && cmd.redirects.is_empty();
                    if alone && matches!(self.peek()?.kind, TokenKind::LParen) {
                        return self.function_def(cmd.words.remove(0));
                    }
                }
                _ => break,
            }
        }
        if cmd.assignments.is_empty() && cmd.words.is_empty() && cmd.redirects.is_empty() {
            let tok = self.peek()?;
            return Err(self.unexpected(&tok));
        }
        Ok(Command::Simple(cmd))
    }

    /// `function name [()] [newlines] compound-command` (bash), after
    /// `function`.
    fn function_keyword(&mut self, start: Span) -> PResult<Command> {
        let tok = self.next()?;
        let TokenKind::Word(name_word) = tok.kind else {
            return Err(self.unexpected(&tok));
        };
        let Some(name) = name_word.as_plain_literal().filter(|n| is_valid_name(n)).map(String::from) else {
            return Err(ParseError::new(format!("bad function name '{name_word}'"), name_word.span));
        };
        // `()` may follow the name; a `(` alone starts a subshell body.
        let paren = self.peek()?;
        if matches!(paren.kind, TokenKind::LParen)
            && self.src[paren.span.end..].trim_start_matches([' ', '\t']).starts_with(')')
        {
            self.advance();
            let close = self.next()?;
            if !matches!(close.kind, TokenKind::RParen) {
                return Err(ParseError::new(
                    format!("expected ')' after '{name}(', found {}", self.describe(&close)),
                    close.span,
                ));
            }
        }
        self.skip_newlines()?;
        let body_tok = self.peek()?;
        if matches!(body_tok.kind, TokenKind::Eof) {
            return Err(ParseError::new("expected a function body", body_tok.span).incomplete());
        }
        match self.command()? {
            Command::Compound(body) => Ok(Command::FunctionDef(FunctionDef {
                name,
                body: std::rc::Rc::new(body),
                span: Span::new(start.start, self.last_end),
            })),
            _ => Err(ParseError::new("a function body must be a compound command such as { …; }", body_tok.span)),
        }
    }

    /// `[[ … ]]`: `a || b`.
    fn cond_or(&mut self) -> PResult<CondExpr> {
        let mut left = self.cond_and()?;
        while matches!(self.peek()?.kind, TokenKind::OrIf) {
            self.advance();
            let right = self.cond_and()?;
            left = CondExpr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn cond_and(&mut self) -> PResult<CondExpr> {
        let mut left = self.cond_not()?;
        while matches!(self.peek()?.kind, TokenKind::AndIf) {
            self.advance();
            let right = self.cond_not()?;
            left = CondExpr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn cond_not(&mut self) -> PResult<CondExpr> {
        self.skip_newlines()?;
        let tok = self.peek()?;
        if let TokenKind::Word(w) = &tok.kind
            && w.as_plain_literal() == Some("!")
        {
            self.advance();
            let Some(_level) = crate::stack::Level::enter() else {
                return Err(ParseError::new(crate::stack::TOO_DEEP, tok.span));
            };
            let e = crate::stack::deep(|| self.cond_not())?;
            return Ok(CondExpr::Not(Box::new(e)));
        }
        self.cond_primary()
    }

    /// A word in `[[ … ]]`, or an error naming what was found instead.
    fn cond_word(&mut self) -> PResult<Word> {
        let tok = self.next()?;
        match tok.kind {
            TokenKind::Word(w) if w.as_plain_literal() != Some("]]") => Ok(w),
            TokenKind::Eof => Err(ParseError::new("unexpected end of file in [[ ]]", tok.span).incomplete()),
            _ => Err(ParseError::new(format!("unexpected {} in [[ ]]", self.describe(&tok)), tok.span)),
        }
    }

    fn cond_primary(&mut self) -> PResult<CondExpr> {
        let tok = self.peek()?;
        if matches!(tok.kind, TokenKind::LParen) {
            self.advance();
            let Some(_level) = crate::stack::Level::enter() else {
                return Err(ParseError::new(crate::stack::TOO_DEEP, tok.span));
            };
            let e = crate::stack::deep(|| self.cond_or())?;
            self.skip_newlines()?;
            let close = self.next()?;
            if !matches!(close.kind, TokenKind::RParen) {
                return Err(ParseError::new(
                    format!("expected ')' in [[ ]], found {}", self.describe(&close)),
                    close.span,
                ));
            }
            return Ok(CondExpr::Group(Box::new(e)));
        }
        let first = self.cond_word()?;
        let next = self.peek()?;
        // A binary operator after the word?
        let op = match &next.kind {
            TokenKind::Redir { fd: None, op: RedirOp::In } => Some("<".to_string()),
            TokenKind::Redir { fd: None, op: RedirOp::Out } => Some(">".to_string()),
            TokenKind::Word(w) => w.as_plain_literal().filter(|o| COND_BINARY.contains(o)).map(String::from),
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            if op == "=~" {
                // The regular expression is read by its own rules.
                let (rest, re) = self.lexer.regex_word(self.rest)?;
                if re.parts.is_empty() {
                    return Err(ParseError::new("expected a regular expression after =~", next.span));
                }
                self.rest = rest;
                self.last_end = re.span.end;
                return Ok(CondExpr::Binary(first, op, re));
            }
            let second = self.cond_word()?;
            return Ok(CondExpr::Binary(first, op, second));
        }
        // A unary operator before a word?
        if let Some(op) = first.as_plain_literal().filter(|o| COND_UNARY.contains(o))
            && let TokenKind::Word(w) = &next.kind
            && w.as_plain_literal() != Some("]]")
        {
            let op = op.to_string();
            let arg = self.cond_word()?;
            return Ok(CondExpr::Unary(op, arg));
        }
        Ok(CondExpr::Word(first))
    }

    /// `name ( ) [newlines] compound-command`, after the name.
    fn function_def(&mut self, name_word: Word) -> PResult<Command> {
        let Some(name) = name_word.as_plain_literal().filter(|n| is_valid_name(n)).map(String::from) else {
            return Err(ParseError::new(format!("bad function name '{name_word}'"), name_word.span));
        };
        self.advance(); // (
        let close = self.next()?;
        if !matches!(close.kind, TokenKind::RParen) {
            return Err(ParseError::new(
                format!("expected ')' after '{name}(', found {}", self.describe(&close)),
                close.span,
            ));
        }
        self.skip_newlines()?;
        let body_tok = self.peek()?;
        match self.command()? {
            Command::Compound(body) => Ok(Command::FunctionDef(FunctionDef {
                name,
                body: std::rc::Rc::new(body),
                span: Span::new(name_word.span.start, self.last_end),
            })),
            _ => Err(ParseError::new("a function body must be a compound command such as { …; }", body_tok.span)),
        }
    }

    fn redirect(&mut self) -> PResult<Redirect> {
        let tok = self.next()?;
        let TokenKind::Redir { fd, op } = tok.kind else {
            return Err(self.unexpected(&tok));
        };
        if matches!(op, RedirOp::Append | RedirOp::Out) && fd.is_none() && self.isolate_depth > 0 {
            self.append_in_isolate = Some(tok.span);
        }
        let target = self.peek()?;
        let TokenKind::Word(target) = target.kind else {
            let msg = format!("expected a word after '{}', found {}", self.text(tok.span), self.describe(&target));
            return Err(ParseError::new(msg, target.span));
        };
        self.advance();
        let heredoc = match op {
            RedirOp::HereDoc { strip_tabs } => {
                let body = HereDoc::default();
                let quoted = !matches!(target.parts.as_slice(), [WordPart::Literal(_)] | []);
                let delimiter = delimiter_text(&target);
                self.pending_heredocs.push(PendingHereDoc {
                    body: body.clone(),
                    delimiter,
                    strip_tabs,
                    quoted,
                    span: tok.span,
                });
                Some(body)
            }
            _ => None,
        };
        Ok(Redirect { fd, op, span: tok.span.to(target.span), target, heredoc })
    }

    fn describe(&self, tok: &Token) -> String {
        match tok.kind {
            TokenKind::Eof => "end of file".into(),
            TokenKind::Newline => "newline".into(),
            _ => format!("'{}'", self.text(tok.span)),
        }
    }

    /// After the `isolate` keyword: options, `<`, body, `>`, redirections.
    fn isolate_block(&mut self, keyword: Span) -> PResult<IsolateBlock> {
        let mut options = Vec::new();
        let open = loop {
            let tok = self.peek()?;
            match tok.kind {
                TokenKind::Word(w) => {
                    self.advance();
                    options.push(w);
                }
                TokenKind::Redir { fd: None, op: RedirOp::In } => break tok.span,
                // `isolate --help` and `isolate --doctor` need no block.
                _ if options.iter().any(|w| matches!(w.as_plain_literal(), Some("--help" | "--doctor"))) => {
                    let mut block = IsolateBlock { options, body: None, redirects: Vec::new(), span: keyword };
                    while let TokenKind::Redir { .. } = self.peek()?.kind {
                        block.redirects.push(self.redirect()?);
                    }
                    block.span = Span::new(keyword.start, self.last_end);
                    return Ok(block);
                }
                _ => {
                    return Err(ParseError::new(
                        format!("isolate: expected '<' to open the block, found {}", self.describe(&tok)),
                        tok.span,
                    )
                    .with_hint("write `isolate [options] < commands >`"));
                }
            }
        };
        // `isolate <file` reads like an input redirection; insist on a blank
        // so the block's bracket is never mistaken for one.
        let after_open = &self.src[open.end..];
        if after_open.chars().next().is_some_and(|c| !matches!(c, ' ' | '\t' | '\n')) {
            return Err(ParseError::new("isolate: put a space after '<' to open the block", open).with_hint(
                "to redirect a block's input, write it after the closing bracket: `isolate < cmd > < file`",
            ));
        }
        self.advance();
        self.isolate_depth += 1;
        let saved_append = self.append_in_isolate.take();
        // `isolate --image REF < >` runs the image's own command.
        let image =
            options.iter().any(|w| w.as_plain_literal().is_some_and(|o| o == "--image" || o.starts_with("--image=")));
        let body = self.isolate_body(open, image);
        let append = std::mem::replace(&mut self.append_in_isolate, saved_append);
        self.isolate_depth -= 1;
        let body = body.map_err(|e| match (e.incomplete, append) {
            (true, Some(at)) if self.text(at) == ">>" => {
                e.with_hint("did you mean `> >`? `>>` right after a command appends to a file")
            }
            // `isolate < ls / >out.txt`: the `>` took the word as its file.
            (true, Some(at)) => {
                let redirect = self.src[at.start..].split(['\n', ' ', '\t']).find(|w| *w != ">").unwrap_or("");
                let redirect = if redirect.starts_with('>') { redirect.to_string() } else { format!("> {redirect}") };
                e.with_hint(format!(
                    "`{redirect}` redirects a command inside the block; to close the block and redirect \
                     its output, write `> {redirect}`"
                ))
            }
            _ => e,
        })?;
        let mut block = IsolateBlock { options, body: Some(body), redirects: Vec::new(), span: keyword };
        while let TokenKind::Redir { .. } = self.peek()?.kind {
            block.redirects.push(self.redirect()?);
        }
        block.span = Span::new(keyword.start, self.last_end);
        Ok(block)
    }

    fn isolate_body(&mut self, open: Span, may_be_empty: bool) -> PResult<List> {
        self.skip_newlines()?;
        let first = self.peek()?;
        match first.kind {
            TokenKind::IsolateClose if may_be_empty => {
                self.advance();
                return Ok(List { items: Vec::new() });
            }
            TokenKind::IsolateClose => {
                return Err(ParseError::new("isolate block has an empty body", first.span));
            }
            TokenKind::Eof => return Err(unclosed(open)),
            _ => {}
        }
        let body = self.list(true).map_err(|e| if e.incomplete { unclosed(open) } else { e })?;
        let close = self.next()?;
        match close.kind {
            TokenKind::IsolateClose => Ok(body),
            TokenKind::Eof => Err(unclosed(open)),
            _ => Err(self.unexpected(&close)),
        }
    }
}

/// A here-document delimiter with its quotes removed.
/// The binary operators of `[[ … ]]` that are words (`<` and `>` are
/// redirection tokens to the lexer).
const COND_BINARY: &[&str] = &["==", "=", "!=", "=~", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"];

/// The unary operators of `[[ … ]]`.
const COND_UNARY: &[&str] = &[
    "-a", "-b", "-c", "-d", "-e", "-f", "-g", "-G", "-h", "-k", "-L", "-n", "-N", "-O", "-o", "-p", "-r", "-s", "-S",
    "-t", "-u", "-v", "-w", "-x", "-z",
];

fn delimiter_text(word: &Word) -> String {
    let mut out = String::new();
    for part in &word.parts {
        match part {
            WordPart::Literal(s) | WordPart::SingleQuoted(s) => out.push_str(s),
            WordPart::Escaped(c) => out.push(*c),
            WordPart::DoubleQuoted(inner) => {
                out.push_str(&delimiter_text(&Word { parts: inner.clone(), span: word.span }))
            }
            other => out.push_str(&other.to_string()),
        }
    }
    out
}

/// Reserved words that end a compound command's list (and `)`, `;;`).
use super::keywords::TERMINATORS;

fn is_terminator(kind: &TokenKind) -> bool {
    match kind {
        TokenKind::Word(w) => w.as_plain_literal().is_some_and(|s| TERMINATORS.contains(&s)),
        TokenKind::RParen | TokenKind::DoubleSemi => true,
        _ => false,
    }
}

fn unclosed(open: Span) -> ParseError {
    ParseError::new("isolate block is not closed with '>'", open).incomplete()
}

/// `NAME=value` as the word's leading unquoted text.
fn assignment(word: &Word) -> Option<Assignment> {
    let WordPart::Literal(first) = word.parts.first()? else {
        return None;
    };
    let eq = first.find('=')?;
    if !is_valid_name(&first[..eq]) {
        return None;
    }
    let mut value_parts = Vec::new();
    if eq + 1 < first.len() {
        value_parts.push(WordPart::Literal(first[eq + 1..].to_string()));
    }
    value_parts.extend(word.parts[1..].iter().cloned());
    let value_start = word.span.start + eq + 1;
    Some(Assignment {
        name: first[..eq].to_string(),
        value: Word { parts: value_parts, span: Span::new(value_start, word.span.end) },
        span: word.span,
    })
}

/// `$(…)`: the list from byte `start` of `src` up to its `)`; returns the
/// list and the offset just after the `)`.
pub(crate) fn parse_substitution(src: &str, start: usize) -> PResult<(List, usize)> {
    let Some(_level) = crate::stack::Level::enter() else {
        return Err(ParseError::new(crate::stack::TOO_DEEP, Span::new(start.saturating_sub(2), start)));
    };
    crate::stack::deep(|| parse_substitution_at(src, start))
}

fn parse_substitution_at(src: &str, start: usize) -> PResult<(List, usize)> {
    let mut p = Parser::new(src);
    p.rest = &src[start..];
    p.skip_newlines()?;
    let list = if matches!(p.peek()?.kind, TokenKind::RParen) { List { items: Vec::new() } } else { p.list(true)? };
    let close = p.next()?;
    match close.kind {
        TokenKind::RParen => Ok((list, close.span.end)),
        TokenKind::Eof => {
            Err(ParseError::new("missing ')' of a command substitution", Span::new(start - 2, start)).incomplete())
        }
        _ => Err(p.unexpected(&close)),
    }
}

/// A whole separate text (the inside of backquotes) as one list.
pub(crate) fn parse_detached(text: &str) -> PResult<List> {
    let Some(_level) = crate::stack::Level::enter() else {
        return Err(ParseError::new(crate::stack::TOO_DEEP, Span::new(0, 0)));
    };
    let mut items = Vec::new();
    for mut c in crate::stack::deep(|| parse(text))? {
        items.append(&mut c.list.items);
    }
    Ok(List { items })
}

/// Parses a whole text as the shell would read it with `aliases` (the
/// table as it is now): for asking whether a text typed so far is a
/// complete command (`begin` may be an alias for `{`).
pub fn parse_with_aliases(
    src: &str,
    aliases: std::rc::Rc<std::collections::HashMap<String, String>>,
) -> PResult<Vec<CompleteCommand>> {
    let mut p = Parser::new(src);
    p.set_aliases(aliases);
    let mut out = Vec::new();
    while let Some(c) = p.next_command()? {
        out.push(c);
    }
    Ok(out)
}

/// Parses a whole text into complete commands (stops at the first error).
pub fn parse(src: &str) -> PResult<Vec<CompleteCommand>> {
    let mut p = Parser::new(src);
    let mut out = Vec::new();
    while let Some(c) = p.next_command()? {
        out.push(c);
    }
    Ok(out)
}
