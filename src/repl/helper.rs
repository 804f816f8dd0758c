//! The rustyline helper: syntax highlighting from the lexer's tokens,
//! completion of commands, files, variables, `~user` and isolate options,
//! and hints from history. It works from a snapshot of what the shell knows
//! (functions, aliases, variables, `$PATH`), refreshed before each prompt.

pub use super::complete::Knowledge;
use crate::exec::builtins::KEYWORDS;
use crate::syntax::lexer::{Lexer, TokenKind};
use nu_ansi_term::{Color, Style};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;

pub struct ShellHelper {
    pub knowledge: Knowledge,
    hints: HistoryHinter,
}

impl Default for ShellHelper {
    fn default() -> Self {
        ShellHelper { knowledge: Knowledge::default(), hints: HistoryHinter::new() }
    }
}

/// What a span of the line is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Command,
    UnknownCommand,
    Keyword,
    Word,
    Quoted,
    Variable,
    Operator,
    Redirection,
    /// The `<` and `>` of an isolate block.
    IsolateBracket,
    /// A valid isolate option (`--memory`, `--net=host`).
    IsolateOption,
    /// A word in an isolate header that is no option.
    UnknownOption,
    Comment,
}

impl Class {
    fn style(self) -> Style {
        match self {
            Class::Command => Color::Green.normal(),
            Class::UnknownCommand => Color::Red.normal(),
            Class::Keyword => Color::Magenta.bold(),
            Class::Word => Style::new(),
            Class::Quoted => Color::Yellow.normal(),
            Class::Variable => Color::Cyan.normal(),
            Class::Operator => Style::new().bold(),
            Class::Redirection => Color::Blue.normal(),
            Class::IsolateBracket => Color::Purple.bold().on(Color::Fixed(236)),
            Class::IsolateOption => Color::LightCyan.normal(),
            Class::UnknownOption => Color::Red.bold().underline(),
            Class::Comment => Color::DarkGray.normal(),
        }
    }
}

/// Classifies the line's tokens: `(start, end, class)` byte ranges.
pub fn classify(line: &str, knows: &Knowledge) -> Vec<(usize, usize, Class)> {
    let lexer = Lexer::new(line);
    let mut out = Vec::new();
    let mut rest = line;
    let mut command_position = true;
    let mut isolate_depth = 0usize;
    // After `isolate`, its options come until the `<` that opens the block.
    let mut in_isolate_header = false;
    // The next header word is the value of the option before it.
    let mut option_value = false;
    loop {
        // Comments are skipped by the lexer; colour them from the text.
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.starts_with('#') {
            let start = line.len() - trimmed.len();
            let end = trimmed.find('\n').map_or(line.len(), |n| start + n);
            out.push((start, end, Class::Comment));
        }
        let Ok((next, tok)) = lexer.token(rest, isolate_depth > 0) else { break };
        let (s, e) = (tok.span.start, tok.span.end);
        match tok.kind {
            TokenKind::Eof => break,
            TokenKind::Word(_) if in_isolate_header => {
                let text = &line[s..e];
                let class = if std::mem::take(&mut option_value) {
                    Class::Word
                } else {
                    match super::complete::isolate_option(text) {
                        Some((_, value)) => {
                            option_value = value != super::complete::Value::Flag && !text.contains('=');
                            Class::IsolateOption
                        }
                        None => Class::UnknownOption,
                    }
                };
                out.push((s, e, class));
            }
            TokenKind::Word(w) => {
                let text = &line[s..e];
                let class = if command_position && w.as_plain_literal().is_some_and(|t| KEYWORDS.contains(&t)) {
                    if text == "isolate" {
                        in_isolate_header = true;
                    }
                    Class::Keyword
                } else if command_position && !text.contains('=') {
                    command_position = false;
                    if knows.is_command(text) { Class::Command } else { Class::UnknownCommand }
                } else if text.starts_with(['\'', '"']) {
                    Class::Quoted
                } else if text.starts_with('$') {
                    Class::Variable
                } else {
                    Class::Word
                };
                out.push((s, e, class));
            }
            TokenKind::Redir { fd: None, op: crate::syntax::ast::RedirOp::In } if in_isolate_header => {
                in_isolate_header = false;
                isolate_depth += 1;
                command_position = true;
                out.push((s, e, Class::IsolateBracket));
            }
            TokenKind::IsolateClose => {
                isolate_depth = isolate_depth.saturating_sub(1);
                out.push((s, e, Class::IsolateBracket));
            }
            TokenKind::Redir { .. } => out.push((s, e, Class::Redirection)),
            _ => {
                command_position = true;
                out.push((s, e, Class::Operator));
            }
        }
        rest = next;
    }
    out
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.knowledge.color {
            return Cow::Borrowed(line);
        }
        let mut out = String::with_capacity(line.len() * 2);
        let mut at = 0;
        let mut spans = classify(line, &self.knowledge);
        spans.sort_by_key(|s| s.0);
        for (s, e, class) in spans {
            if s < at {
                continue;
            }
            out.push_str(&line[at..s]);
            out.push_str(&class.style().paint(&line[s..e]).to_string());
            at = e;
        }
        out.push_str(&line[at..]);
        // A syntax error (not just unfinished input) is underlined from
        // where it is to the end.
        if let Err(e) = crate::syntax::parse(line)
            && !e.incomplete
            && e.span.start < line.len()
        {
            let plain_at = e.span.start;
            return Cow::Owned(underline_from(line, plain_at));
        }
        Cow::Owned(out)
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.knowledge.color
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.knowledge.color { Cow::Owned(Color::DarkGray.paint(hint).to_string()) } else { Cow::Borrowed(hint) }
    }
}

/// `line` with everything from byte `from` underlined in red.
fn underline_from(line: &str, from: usize) -> String {
    let err = Color::Red.underline();
    format!("{}{}", &line[..from], err.paint(&line[from..]))
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hints.hint(line, pos, ctx)
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(super::complete::complete(line, pos, &self.knowledge))
    }
}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn knows() -> Knowledge {
        let mut k = Knowledge::default();
        k.set_path("/usr/bin:/bin");
        k.functions.insert("myfn".into());
        k
    }

    fn classes(line: &str) -> Vec<(String, Class)> {
        classify(line, &knows()).into_iter().map(|(s, e, c)| (line[s..e].to_string(), c)).collect()
    }

    #[test]
    fn commands_keywords_and_operators() {
        use Class::*;
        assert_eq!(
            classes("ls -l | nosuchcmd-zz 'q' $x > out"),
            [
                ("ls".into(), Command),
                ("-l".into(), Word),
                ("|".into(), Operator),
                ("nosuchcmd-zz".into(), UnknownCommand),
                ("'q'".into(), Quoted),
                ("$x".into(), Variable),
                (">".into(), Redirection),
                ("out".into(), Word),
            ]
        );
        assert_eq!(classes("if myfn; then cd /; fi")[0].1, Keyword);
        assert_eq!(classes("if myfn; then cd /; fi")[1].1, Command);
    }

    #[test]
    fn isolate_brackets_have_their_own_class() {
        let c = classes("isolate --memory 64M < sort > | head");
        let brackets: Vec<&str> =
            c.iter().filter(|(_, k)| *k == Class::IsolateBracket).map(|(t, _)| t.as_str()).collect();
        assert_eq!(brackets, ["<", ">"]);
        assert_eq!(c.iter().find(|(t, _)| t == "sort").unwrap().1, Class::Command);
    }

    #[test]
    fn isolate_options_are_options_and_typos_are_flagged() {
        let c = classes("isolate --memory 64M --net=host -v /a:/b --bogus < ls >");
        let of = |t: &str| c.iter().find(|(w, _)| w == t).unwrap().1;
        assert_eq!(of("--memory"), Class::IsolateOption);
        assert_eq!(of("64M"), Class::Word);
        assert_eq!(of("--net=host"), Class::IsolateOption);
        assert_eq!(of("-v"), Class::IsolateOption);
        assert_eq!(of("/a:/b"), Class::Word);
        assert_eq!(of("--bogus"), Class::UnknownOption);
        assert_eq!(of("ls"), Class::Command);
        assert_ne!(Class::IsolateOption.style(), Class::UnknownCommand.style());
    }

    #[test]
    fn colour_follows_knowledge() {
        let mut h = ShellHelper { knowledge: knows(), ..Default::default() };
        assert_eq!(h.highlight("ls", 0), "ls");
        h.knowledge.color = true;
        assert!(h.highlight("ls", 0).contains("\x1b[32m"), "green for a known command");
        assert!(h.highlight("nosuchcmd-zz", 0).contains("\x1b[31m"), "red for an unknown one");
        assert!(h.highlight("echo a | | b", 0).contains("\x1b[4;31m"), "syntax errors underlined");
    }
}
