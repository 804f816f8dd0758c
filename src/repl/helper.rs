//! The rustyline helper: syntax highlighting from the lexer's tokens,
//! completion of commands, files, variables, `~user` and isolate options,
//! and hints from history. It works from a snapshot of what the shell knows
//! (functions, aliases, variables, `$PATH`), refreshed before each prompt.

use crate::exec::builtins::{BUILTINS, KEYWORDS};
use crate::syntax::lexer::{Lexer, TokenKind};
use nu_ansi_term::{Color, Style};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// What the helper knows about the shell.
#[derive(Default)]
pub struct Knowledge {
    pub functions: BTreeSet<String>,
    pub aliases: BTreeSet<String>,
    pub variables: BTreeSet<String>,
    pub color: bool,
    /// `$PATH` and the commands found on it.
    path: String,
    commands: BTreeSet<String>,
}

impl Knowledge {
    /// Rescans `$PATH` only when it changed.
    pub fn set_path(&mut self, path: &str) {
        if path == self.path {
            return;
        }
        self.path = path.to_string();
        self.commands.clear();
        for dir in path.split(':').filter(|d| !d.is_empty()) {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    use std::os::unix::fs::PermissionsExt;
                    // Follows symlinks (`/usr/bin/sh -> dash`).
                    let meta = std::fs::metadata(e.path());
                    let executable = meta.is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
                    if executable && let Ok(name) = e.file_name().into_string() {
                        self.commands.insert(name);
                    }
                }
            }
        }
    }

    /// Whether `name` runs something: a builtin, function, alias or program.
    pub fn is_command(&self, name: &str) -> bool {
        name.contains('/') && std::path::Path::new(name).is_file()
            || BUILTINS.iter().any(|b| b.name == name)
            || self.functions.contains(name)
            || self.aliases.contains(name)
            || self.commands.contains(name)
    }

    fn command_names(&self) -> impl Iterator<Item = &str> {
        BUILTINS
            .iter()
            .map(|b| b.name)
            .chain(KEYWORDS.iter().copied())
            .chain(self.functions.iter().map(String::as_str))
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.commands.iter().map(String::as_str))
    }
}

pub struct ShellHelper {
    pub knowledge: Knowledge,
    files: FilenameCompleter,
    hints: HistoryHinter,
}

impl Default for ShellHelper {
    fn default() -> Self {
        ShellHelper { knowledge: Knowledge::default(), files: FilenameCompleter::new(), hints: HistoryHinter::new() }
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

/// The isolate options, for completion after `isolate`.
const ISOLATE_OPTIONS: &[&str] = &[
    "--memory",
    "--pids-limit",
    "--cpus",
    "--rootfs",
    "--rw",
    "--read-only",
    "--name",
    "--volume",
    "--workdir",
    "--env",
    "--env-file",
    "--hostname",
    "--net",
    "--seccomp",
    "--doctor",
    "--help",
];

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before.rfind([' ', '\t', '|', ';', '&', '(', '<', '>']).map_or(0, |i| i + 1);
        let word = &before[start..];
        let pair = |s: String| Pair { display: s.clone(), replacement: s };
        // $VARIABLE
        if let Some(prefix) = word.strip_prefix('$') {
            let found = self
                .knowledge
                .variables
                .iter()
                .filter(|v| v.starts_with(prefix))
                .map(|v| pair(format!("${v}")))
                .collect();
            return Ok((start, found));
        }
        // ~user
        if let Some(prefix) = word.strip_prefix('~')
            && !prefix.contains('/')
        {
            let mut found = Vec::new();
            if let Ok(passwd) = std::fs::read_to_string("/etc/passwd") {
                for user in passwd.lines().filter_map(|l| l.split(':').next()).filter(|u| u.starts_with(prefix)) {
                    found.push(pair(format!("~{user}/")));
                }
            }
            return Ok((start, found));
        }
        // isolate options
        let words: Vec<&str> = before[..start].split_whitespace().collect();
        let after_isolate = words.iter().rposition(|w| *w == "isolate").is_some_and(|i| !words[i..].contains(&"<"));
        if after_isolate && word.starts_with('-') {
            let found = ISOLATE_OPTIONS.iter().filter(|o| o.starts_with(word)).map(|o| pair(o.to_string())).collect();
            return Ok((start, found));
        }
        // A command name in command position.
        let prev = before[..start].trim_end();
        let command_position =
            prev.is_empty() || prev.ends_with(['|', ';', '&', '(']) || prev.ends_with("then") || prev.ends_with("do");
        if command_position && !word.contains('/') && !word.is_empty() {
            let found: BTreeSet<&str> = self.knowledge.command_names().filter(|c| c.starts_with(word)).collect();
            return Ok((start, found.into_iter().map(|c| pair(c.to_string())).collect()));
        }
        // File names (rustyline quotes names with spaces).
        self.files.complete(line, pos, ctx)
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
    fn colour_follows_knowledge() {
        let mut h = ShellHelper { knowledge: knows(), ..Default::default() };
        assert_eq!(h.highlight("ls", 0), "ls");
        h.knowledge.color = true;
        assert!(h.highlight("ls", 0).contains("\x1b[32m"), "green for a known command");
        assert!(h.highlight("nosuchcmd-zz", 0).contains("\x1b[31m"), "red for an unknown one");
        assert!(h.highlight("echo a | | b", 0).contains("\x1b[4;31m"), "syntax errors underlined");
    }
}
