//! The abstract syntax tree: what the parser produces and the expander and
//! planner consume. Every node that can be blamed for an error carries a
//! [`Span`]. `Display` prints canonical shell text, so a parsed line can be
//! shown back to a learner (and round-trip tests can compare it).

use super::span::Span;
use std::fmt;

/// One complete command as the top-level reader hands it to the executor:
/// everything up to an unquoted newline (or end of input).
#[derive(Debug, Clone, PartialEq)]
pub struct CompleteCommand {
    /// The and-or lists it holds.
    pub list: List,
    /// Where it is in the source text.
    pub span: Span,
}

/// `a && b; c & d` — and-or lists joined by `;`, `&` or newlines.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The and-or lists, in order.
    pub items: Vec<ListItem>,
}

/// One and-or list of a [`List`], with how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// The and-or list.
    pub and_or: AndOr,
    /// True when the item ended with `&`: it runs in the background.
    pub background: bool,
}

/// `p1 && p2 || p3`: evaluated left to right with equal precedence.
#[derive(Debug, Clone, PartialEq)]
pub struct AndOr {
    /// The pipeline before any `&&` or `||`.
    pub first: Pipeline,
    /// Each `&&` or `||` with the pipeline after it.
    pub rest: Vec<(AndOrOp, Pipeline)>,
}

/// The operator between two pipelines of an [`AndOr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndOrOp {
    /// `&&`: the next pipeline runs when this one succeeded.
    And,
    /// `||`: the next pipeline runs when this one failed.
    Or,
}

/// `[!] c1 | c2 | …`
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// `!` before it: the status is inverted.
    pub negated: bool,
    /// `time [-p] pipeline`: the shell reports its real, user and system
    /// time when it ends (bash's keyword).
    pub timed: Option<TimeFormat>,
    /// The commands joined by `|`, in order (one: no pipe).
    pub commands: Vec<Command>,
    /// Where it is in the source text.
    pub span: Span,
}

/// One command of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A simple command: assignments, words, redirections.
    Simple(SimpleCommand),
    /// An `isolate [options] < body >` block.
    Isolate(IsolateBlock),
    /// `{ }`, `( )`, `if`, a loop, `for`, `case`, `[[ ]]`.
    Compound(CompoundCommand),
    /// `name() body`: defines a function.
    FunctionDef(FunctionDef),
}

impl Command {
    /// Where the command is in the source text.
    pub fn span(&self) -> Span {
        match self {
            Command::Simple(c) => c.span,
            Command::Isolate(b) => b.span,
            Command::Compound(c) => c.span,
            Command::FunctionDef(f) => f.span,
        }
    }
}

/// `{ …; }`, `( … )`, `if`, `while`/`until`, `for`, `case`, with the
/// redirections that follow it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompoundCommand {
    /// Which compound command, with its parts.
    pub kind: CompoundKind,
    /// The redirections after it, applied around the whole command.
    pub redirects: Vec<Redirect>,
    /// Where it is in the source text.
    pub span: Span,
}

/// The kinds of compound command, each with its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum CompoundKind {
    /// `{ list; }`: runs in the shell itself.
    Brace(List),
    /// `( list )`: runs in a forked copy of the shell.
    Subshell(List),
    /// `if c1; then b1; elif c2; then b2; else b3; fi`
    If {
        /// Each condition with the list run when it succeeds (`if`, then each `elif`).
        branches: Vec<(List, List)>,
        /// The `else` list.
        otherwise: Option<List>,
    },
    /// `while cond; do body; done` (`until` when `until` is true)
    Loop {
        /// `until` rather than `while`: the body runs while the condition fails.
        until: bool,
        /// The condition, run before each pass.
        cond: List,
        /// The loop's body.
        body: List,
    },
    /// `for var [in words]; do body; done` (no `in`: `"$@"`)
    For {
        /// The variable each word is assigned to.
        var: String,
        /// The words after `in`, expanded once; `None` without `in` (`"$@"`).
        words: Option<Vec<Word>>,
        /// The loop's body.
        body: List,
    },
    /// `case word in pattern) list;; … esac`
    Case {
        /// The word matched against each arm's patterns.
        word: Word,
        /// The arms, tried in order.
        arms: Vec<CaseArm>,
    },
    /// `[[ expression ]]` (bash)
    Cond(CondExpr),
    /// `((expression))` (bash): arithmetic whose value, not zero, is success.
    Arith(Word),
}

/// The expression of `[[ … ]]`: words are expanded without splitting or
/// globbing; the right side of `==`/`!=` is a pattern, of `=~` a regular
/// expression.
#[derive(Debug, Clone, PartialEq)]
pub enum CondExpr {
    /// A lone word: true when it is not empty.
    Word(Word),
    /// `-f file`, `-n s`, `-v name`…
    Unary(String, Word),
    /// `a == b`, `a < b`, `a -eq b`, `a =~ re`…
    Binary(Word, String, Word),
    /// `! expr`
    Not(Box<CondExpr>),
    /// `a && b`
    And(Box<CondExpr>, Box<CondExpr>),
    /// `a || b`
    Or(Box<CondExpr>, Box<CondExpr>),
    /// `( … )`
    Group(Box<CondExpr>),
}

impl fmt::Display for CondExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CondExpr::Word(w) => write!(f, "{w}"),
            CondExpr::Unary(op, w) => write!(f, "{op} {w}"),
            CondExpr::Binary(a, op, b) => write!(f, "{a} {op} {b}"),
            CondExpr::Not(e) => write!(f, "! {e}"),
            CondExpr::And(a, b) => write!(f, "{a} && {b}"),
            CondExpr::Or(a, b) => write!(f, "{a} || {b}"),
            CondExpr::Group(e) => write!(f, "( {e} )"),
        }
    }
}

/// One arm of a `case`: `pat1 | pat2) body ;;`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseArm {
    /// The patterns, any of which selects the arm.
    pub patterns: Vec<Word>,
    /// What runs when one matches.
    pub body: List,
}

/// `name() compound-command`
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    /// The function's name.
    pub name: String,
    /// The compound command that runs when it is called (shared with the shell's function table).
    pub body: std::rc::Rc<CompoundCommand>,
    /// Where the definition is in the source text.
    pub span: Span,
}

/// `A=1 cmd arg >out`: assignments, then words, with redirections anywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleCommand {
    /// `NAME=value` words before the command name.
    pub assignments: Vec<Assignment>,
    /// The command name and its arguments, before expansion.
    pub words: Vec<Word>,
    /// The redirections, in the order written.
    pub redirects: Vec<Redirect>,
    /// Where it is in the source text.
    pub span: Span,
    /// The parser already looked its command word up as an alias (and
    /// replaced it, where it was one), as dash does while reading: the
    /// executor does not again. False for text parsed without the alias
    /// table (command substitutions), whose aliases the executor expands.
    pub alias_checked: bool,
}

/// `isolate [options…] < body >` followed by the block's own redirections.
/// `body` is `None` only for `isolate --help` and `isolate --doctor`.
#[derive(Debug, Clone, PartialEq)]
pub struct IsolateBlock {
    /// The words between `isolate` and `<`, expanded when the block runs.
    pub options: Vec<Word>,
    /// The commands between `<` and `>`.
    pub body: Option<List>,
    /// The redirections after the closing `>`, made for the whole block.
    pub redirects: Vec<Redirect>,
    /// Where it is in the source text.
    pub span: Span,
}

/// `NAME=value`, before a command or alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The variable's name.
    pub name: String,
    /// The value, before expansion (no field splitting or globbing).
    pub value: Word,
    /// Where it is in the source text.
    pub span: Span,
}

/// One redirection. `fd` is the explicit io-number (`2>`), `None` when the
/// operator's default applies (0 for input operators, 1 for output ones).
/// For a here-document `target` is the delimiter and `heredoc` the body,
/// filled in by the parser once it has read the lines after the command.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The io-number written before the operator, if any.
    pub fd: Option<i32>,
    /// The operator.
    pub op: RedirOp,
    /// The file name, fd number or here-document delimiter.
    pub target: Word,
    /// A here-document's body (`<<`, `<<-`).
    pub heredoc: Option<HereDoc>,
    /// Where it is in the source text.
    pub span: Span,
}

/// A here-document's body: shared between the redirection and the parser,
/// which reads it only after the end of the line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HereDoc(pub std::rc::Rc<std::cell::RefCell<Word>>);

/// A redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `>|` (ignores `set -C`)
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupIn,
    /// `>&`
    DupOut,
    /// `&>` (bash): stdout and stderr to one file
    OutErr,
    /// `&>>` (bash): stdout and stderr appended to one file
    AppendOutErr,
    /// `<<` (`<<-` when `strip_tabs`): a here-document
    HereDoc {
        /// `<<-`: leading tabs are stripped from each line.
        strip_tabs: bool,
    },
    /// `<<<` (bash): a here-string, the word and a newline
    HereString,
}

impl RedirOp {
    /// The fd a redirection applies to when no io-number is written.
    pub fn default_fd(self) -> i32 {
        match self {
            RedirOp::In | RedirOp::ReadWrite | RedirOp::DupIn | RedirOp::HereDoc { .. } | RedirOp::HereString => 0,
            _ => 1,
        }
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            RedirOp::In => "<",
            RedirOp::Out => ">",
            RedirOp::Append => ">>",
            RedirOp::Clobber => ">|",
            RedirOp::ReadWrite => "<>",
            RedirOp::DupIn => "<&",
            RedirOp::DupOut => ">&",
            RedirOp::OutErr => "&>",
            RedirOp::AppendOutErr => "&>>",
            RedirOp::HereDoc { strip_tabs: false } => "<<",
            RedirOp::HereDoc { strip_tabs: true } => "<<-",
            RedirOp::HereString => "<<<",
        }
    }
}

/// A word before expansion: a sequence of differently quoted parts.
#[derive(Debug, PartialEq, Default)]
pub struct Word {
    /// The parts, in order.
    pub parts: Vec<WordPart>,
    /// Where it is in the source text.
    pub span: Span,
}

/// Cloning a deeply nested word (`${x:-${x:-…}}`) recurses once per level:
/// on a fresh stack segment when needed (see [`crate::stack`]).
impl Clone for Word {
    fn clone(&self) -> Self {
        crate::stack::deep(|| Word { parts: self.parts.clone(), span: self.span })
    }
}

impl Word {
    /// The word's text if it is one plain unquoted literal (used for reserved
    /// words, which are recognised only when unquoted).
    pub fn as_plain_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [WordPart::Literal(s)] => Some(s),
            _ => None,
        }
    }
}

/// One differently quoted or expanded piece of a [`Word`].
#[derive(Debug, Clone, PartialEq)]
pub enum WordPart {
    /// Unquoted text: subject to tilde, glob.
    Literal(String),
    /// `\c` outside quotes: the character, taken literally.
    Escaped(char),
    /// `'text'`
    SingleQuoted(String),
    /// `"…"`: literal text and parameters, never split or globbed.
    DoubleQuoted(Vec<WordPart>),
    /// `$name`, `${name}`, `$1`, `$?` …
    Param(Param),
    /// `${name:-word}`, `${#name}`, `${name%pattern}` …
    ParamOp(Box<ParamOp>),
    /// `$(list)` or `` `list` ``
    CommandSub(std::rc::Rc<List>),
    /// `$((expression))`: the expression as a word (it may hold `$x`).
    Arith(Word),
    /// `<(list)` (`output` false: the command reads what the list writes)
    /// or `>(list)` (the list reads what the command writes): expands to
    /// `/dev/fd/N`, one end of a pipe to a forked shell running the list.
    ProcessSub {
        /// `>(list)`: the list reads what the command writes.
        output: bool,
        /// The commands the forked shell runs.
        list: std::rc::Rc<List>,
    },
}

/// A `${…}` expansion with an operator.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamOp {
    /// The parameter expanded.
    pub param: Param,
    /// The operator.
    pub op: ParamOpKind,
    /// The word after the operator (empty for `${#x}`).
    pub word: Word,
}

/// The operator of a `${…}` expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOpKind {
    /// `${x:-w}` (`colon`: also when set but empty) / `${x-w}`
    Default {
        /// With `:`: also when set but empty.
        colon: bool,
    },
    /// `${x:=w}` / `${x=w}`
    Assign {
        /// With `:`: also when set but empty.
        colon: bool,
    },
    /// `${x:?w}` / `${x?w}`
    Error {
        /// With `:`: also when set but empty.
        colon: bool,
    },
    /// `${x:+w}` / `${x+w}`
    Alternative {
        /// With `:`: only when set and not empty.
        colon: bool,
    },
    /// `${#x}`
    Length,
    /// `${x%p}` / `${x%%p}`
    RemoveSuffix {
        /// `%%`: the longest match rather than the shortest.
        longest: bool,
    },
    /// `${x#p}` / `${x##p}`
    RemovePrefix {
        /// `##`: the longest match rather than the shortest.
        longest: bool,
    },
}

impl ParamOpKind {
    /// The operator as written (`:-`, `%%`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamOpKind::Default { colon: true } => ":-",
            ParamOpKind::Default { colon: false } => "-",
            ParamOpKind::Assign { colon: true } => ":=",
            ParamOpKind::Assign { colon: false } => "=",
            ParamOpKind::Error { colon: true } => ":?",
            ParamOpKind::Error { colon: false } => "?",
            ParamOpKind::Alternative { colon: true } => ":+",
            ParamOpKind::Alternative { colon: false } => "+",
            ParamOpKind::Length => "#",
            ParamOpKind::RemoveSuffix { longest: false } => "%",
            ParamOpKind::RemoveSuffix { longest: true } => "%%",
            ParamOpKind::RemovePrefix { longest: false } => "#",
            ParamOpKind::RemovePrefix { longest: true } => "##",
        }
    }
}

/// The parameter a `$` expansion names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// A variable: `$name`.
    Named(String),
    /// A positional parameter: `$1`, `${10}`.
    Positional(usize),
    /// One of `$@ $* $# $? $- $$ $!`.
    Special(SpecialParam),
}

impl Param {
    /// The name as written after `$` (`x`, `1`, `?`).
    pub fn name(&self) -> String {
        match self {
            Param::Named(n) => n.clone(),
            Param::Positional(n) => n.to_string(),
            Param::Special(s) => s.as_char().to_string(),
        }
    }
}

/// The special parameters, named by one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialParam {
    /// `$@`
    At,
    /// `$*`
    Star,
    /// `$#`
    Count,
    /// `$?`
    Status,
    /// `$-`
    Options,
    /// `$$`
    ShellPid,
    /// `$!`
    LastBackground,
}

impl SpecialParam {
    /// The parameter `$c` names, if `c` is a special one.
    pub fn from_char(c: char) -> Option<Self> {
        Some(match c {
            '@' => Self::At,
            '*' => Self::Star,
            '#' => Self::Count,
            '?' => Self::Status,
            '-' => Self::Options,
            '$' => Self::ShellPid,
            '!' => Self::LastBackground,
            _ => return None,
        })
    }

    /// The character after `$`.
    pub fn as_char(self) -> char {
        match self {
            Self::At => '@',
            Self::Star => '*',
            Self::Count => '#',
            Self::Status => '?',
            Self::Options => '-',
            Self::ShellPid => '$',
            Self::LastBackground => '!',
        }
    }
}

// ---- canonical shell text ------------------------------------------------

impl fmt::Display for CompleteCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.list.fmt(f)
    }
}

/// Dropping a deeply nested list recurses once per level: on a fresh
/// stack segment when needed (see [`crate::stack`]).
impl Drop for List {
    fn drop(&mut self) {
        let items = std::mem::take(&mut self.items);
        if !items.is_empty() {
            crate::stack::deep(move || drop(items));
        }
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::stack::deep(|| self.fmt_items(f))
    }
}

impl List {
    fn fmt_items(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", item.and_or)?;
            let last = i + 1 == self.items.len();
            if item.background {
                f.write_str(" &")?;
            } else if !last {
                f.write_str(";")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for AndOr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (op, p) in &self.rest {
            let op = match op {
                AndOrOp::And => "&&",
                AndOrOp::Or => "||",
            };
            write!(f, " {op} {p}")?;
        }
        Ok(())
    }
}

/// How `time` reports: `$TIMEFORMAT` (bash's default when unset), or
/// POSIX's format with `-p`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// `time`: `$TIMEFORMAT`, or bash's default when it is unset.
    Default,
    /// `time -p`: POSIX's `real`/`user`/`sys` lines.
    Posix,
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.timed {
            Some(TimeFormat::Default) => f.write_str("time ")?,
            Some(TimeFormat::Posix) => f.write_str("time -p ")?,
            None => {}
        }
        if self.negated {
            f.write_str("! ")?;
        }
        for (i, c) in self.commands.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Simple(c) => c.fmt(f),
            Command::Isolate(b) => b.fmt(f),
            Command::Compound(c) => c.fmt(f),
            Command::FunctionDef(d) => write!(f, "{}() {}", d.name, d.body),
        }
    }
}

/// A list as a compound command's body: `;`-terminated, as in `{ a; b; }`.
struct Body<'a>(&'a List);

impl fmt::Display for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.items.is_empty() {
            return Ok(());
        }
        write!(f, "{}", self.0)?;
        if !self.0.items.last().is_some_and(|i| i.background) {
            f.write_str(";")?;
        }
        Ok(())
    }
}

impl fmt::Display for CompoundCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CompoundKind::Brace(l) => write!(f, "{{ {} }}", Body(l))?,
            CompoundKind::Subshell(l) => write!(f, "({l})")?,
            CompoundKind::If { branches, otherwise } => {
                for (i, (cond, body)) in branches.iter().enumerate() {
                    let kw = if i == 0 { "if" } else { " elif" };
                    write!(f, "{kw} {} then {}", Body(cond), Body(body))?;
                }
                if let Some(o) = otherwise {
                    write!(f, " else {}", Body(o))?;
                }
                f.write_str(" fi")?;
            }
            CompoundKind::Loop { until, cond, body } => {
                let kw = if *until { "until" } else { "while" };
                write!(f, "{kw} {} do {} done", Body(cond), Body(body))?;
            }
            CompoundKind::For { var, words, body } => {
                write!(f, "for {var}")?;
                if let Some(ws) = words {
                    f.write_str(" in")?;
                    join_spaced(f, ws, false)?;
                }
                write!(f, "; do {} done", Body(body))?;
            }
            CompoundKind::Cond(e) => write!(f, "[[ {e} ]]")?,
            CompoundKind::Arith(e) => write!(f, "(({e}))")?,
            CompoundKind::Case { word, arms } => {
                write!(f, "case {word} in")?;
                for arm in arms {
                    f.write_str(" ")?;
                    for (i, p) in arm.patterns.iter().enumerate() {
                        if i > 0 {
                            f.write_str("|")?;
                        }
                        write!(f, "{p}")?;
                    }
                    write!(f, ") {} ;;", arm.body)?;
                }
                f.write_str(" esac")?;
            }
        }
        join_spaced(f, &self.redirects, false)?;
        Ok(())
    }
}

/// Writes items separated by single spaces.
fn join_spaced<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T], mut first: bool) -> Result<bool, fmt::Error> {
    for item in items {
        if !first {
            f.write_str(" ")?;
        }
        write!(f, "{item}")?;
        first = false;
    }
    Ok(first)
}

impl fmt::Display for SimpleCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = join_spaced(f, &self.assignments, true)?;
        let first = join_spaced(f, &self.words, first)?;
        join_spaced(f, &self.redirects, first)?;
        Ok(())
    }
}

impl fmt::Display for IsolateBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("isolate")?;
        join_spaced(f, &self.options, false)?;
        if let Some(body) = &self.body {
            write!(f, " < {body} >")?;
        }
        join_spaced(f, &self.redirects, false)?;
        Ok(())
    }
}

impl fmt::Display for Assignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

impl fmt::Display for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(fd) = self.fd {
            write!(f, "{fd}")?;
        }
        write!(f, "{}{}", self.op.as_str(), self.target)
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.parts {
            p.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Display for WordPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WordPart::Literal(s) => f.write_str(s),
            WordPart::Escaped(c) => write!(f, "\\{c}"),
            WordPart::SingleQuoted(s) => write!(f, "'{s}'"),
            WordPart::DoubleQuoted(parts) => {
                f.write_str("\"")?;
                for p in parts {
                    match p {
                        // Inside double quotes only these four need a backslash.
                        WordPart::Literal(s) => {
                            for c in s.chars() {
                                if matches!(c, '$' | '`' | '"' | '\\') {
                                    f.write_str("\\")?;
                                }
                                write!(f, "{c}")?;
                            }
                        }
                        other => other.fmt(f)?,
                    }
                }
                f.write_str("\"")
            }
            WordPart::Param(p) => p.fmt(f),
            WordPart::ParamOp(op) => match op.op {
                ParamOpKind::Length => write!(f, "${{#{}}}", op.param.name()),
                kind => write!(f, "${{{}{}{}}}", op.param.name(), kind.as_str(), op.word),
            },
            WordPart::CommandSub(list) => write!(f, "$({list})"),
            WordPart::ProcessSub { output, list } => write!(f, "{}({list})", if *output { '>' } else { '<' }),
            WordPart::Arith(expr) => write!(f, "$(({expr}))"),
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Named(n) => write!(f, "${{{n}}}"),
            Param::Positional(n) if *n < 10 => write!(f, "${n}"),
            Param::Positional(n) => write!(f, "${{{n}}}"),
            Param::Special(s) => write!(f, "${}", s.as_char()),
        }
    }
}
