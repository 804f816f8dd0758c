//! The parse → expand harness shared by the fuzz loop (`examples/fuzz.rs`)
//! and the property tests (`tests/props.rs`): any input bytes are decoded
//! as a script, parsed command by command, and every word in it expanded
//! (command substitutions by expanding their words in turn, never by
//! running anything). Whatever the input, this must return — no panic, no
//! unbounded work.

#![allow(dead_code)] // each user takes a different subset

use isosh::expand::{self, Context, ExpandError};
use isosh::state::State;
use isosh::syntax::ast::{Command, CompoundCommand, CompoundKind, List, Redirect, Word};
use isosh::syntax::{Parser, parse};

/// Commands parsed per input at most (the parser also stops at an error).
const MAX_COMMANDS: usize = 500;
/// Nested command substitutions expanded at most.
const MAX_DEPTH: u32 = 6;
/// Command substitutions expanded per input at most.
const MAX_SUBS: u32 = 2000;

/// A shell around the expander that expands a command substitution's
/// words instead of running it.
pub struct Ctx {
    pub state: State,
    depth: u32,
    subs: u32,
}

impl Context for Ctx {
    fn state(&self) -> &State {
        &self.state
    }

    fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    fn command_output(&mut self, list: &List) -> Result<String, ExpandError> {
        if self.depth >= MAX_DEPTH || self.subs >= MAX_SUBS {
            return Err(ExpandError::NoCommands);
        }
        self.depth += 1;
        self.subs += 1;
        let mut out = Vec::new();
        walk_list(self, list, &mut out);
        self.depth -= 1;
        Ok(out.join(" "))
    }

    fn process_substitution(&mut self, list: &List, _output: bool) -> Result<String, ExpandError> {
        self.command_output(list)?;
        Ok(expand::PROCESS_SUB_PLACEHOLDER.to_string())
    }
}

/// The state every input starts from: a few variables and positional
/// parameters with spaces, globs and empty values in them.
pub fn base_state() -> State {
    let mut st = State::new("fuzz".into(), vec!["a b".into(), String::new(), "*".into(), "-x".into()]);
    for (k, v) in [("x", "hello world"), ("e", ""), ("star", "*"), ("n", "42"), ("HOME", "/nonexistent-home")] {
        st.vars.set(k, v);
    }
    st.last_status = 3;
    st
}

/// Runs one input through the parser and the expander. Returns how many
/// complete commands parsed.
pub fn run(base: &State, data: &[u8]) -> usize {
    let text = isosh::bytes::decode(data);
    let mut ctx = Ctx { state: base.clone(), depth: 0, subs: 0 };
    // The first byte picks a few settings, so the fuzzer can reach them.
    let flags = data.first().copied().unwrap_or(0);
    ctx.state.options.nounset = flags & 1 != 0;
    if flags & 2 != 0 {
        ctx.state.vars.set("IFS", ":, ");
    }
    if flags & 4 != 0 {
        ctx.state.vars.unset("IFS");
    }
    // Globbing reads directories: only relative patterns, in the current
    // directory (the fuzz loop and the tests run in a small scratch dir).
    ctx.state.options.noglob = text.contains('/') || text.contains('~') || flags & 8 != 0;
    let mut parser = Parser::new(&text);
    let mut n = 0;
    while n < MAX_COMMANDS {
        match parser.next_command() {
            Ok(Some(cmd)) => {
                n += 1;
                let mut out = Vec::new();
                walk_list(&mut ctx, &cmd.list, &mut out);
            }
            Ok(None) | Err(_) => break,
        }
    }
    // Arithmetic and patterns on the raw text too.
    if text.len() < 4096 {
        let _ = expand::arith::eval(&mut ctx.state, &text);
        let (a, b) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
        let _ = expand::pattern_matches(a, b);
    }
    n
}

/// Whether the canonical text of a parsed script parses again to the same
/// canonical text (`None` when the input does not parse at all).
pub fn display_round_trip(text: &str) -> Option<Result<(), String>> {
    let cmds = parse(text).ok()?;
    let shown: Vec<String> = cmds.iter().map(|c| c.to_string()).collect();
    let again = shown.join("\n");
    Some(match parse(&again) {
        Ok(re) => {
            let reshown: Vec<String> = re.iter().map(|c| c.to_string()).collect();
            if reshown == shown { Ok(()) } else { Err(format!("{again:?} re-displays as {:?}", reshown.join("\n"))) }
        }
        Err(e) => Err(format!("{again:?} does not parse again: {e}")),
    })
}

fn words(ctx: &mut Ctx, ws: &[Word], out: &mut Vec<String>) {
    if let Ok(fields) = expand::expand_words(ctx, ws) {
        out.extend(fields);
    }
}

fn single(ctx: &mut Ctx, w: &Word, assignment: bool, out: &mut Vec<String>) {
    if let Ok(s) = expand::expand_single(ctx, w, assignment) {
        out.push(s);
    }
}

fn redirects(ctx: &mut Ctx, rs: &[Redirect], out: &mut Vec<String>) {
    for r in rs {
        single(ctx, &r.target, false, out);
        if let Some(h) = &r.heredoc {
            let body = h.0.borrow().clone();
            if let Ok(s) = expand::expand_heredoc(ctx, &body) {
                out.push(s);
            }
        }
    }
}

fn walk_list(ctx: &mut Ctx, list: &List, out: &mut Vec<String>) {
    isosh::stack::deep(|| walk_list_at(ctx, list, out))
}

fn walk_list_at(ctx: &mut Ctx, list: &List, out: &mut Vec<String>) {
    for item in &list.items {
        let ao = &item.and_or;
        for p in std::iter::once(&ao.first).chain(ao.rest.iter().map(|(_, p)| p)) {
            for c in &p.commands {
                walk_command(ctx, c, out);
            }
        }
    }
}

fn walk_command(ctx: &mut Ctx, c: &Command, out: &mut Vec<String>) {
    match c {
        Command::Simple(s) => {
            for a in &s.assignments {
                single(ctx, &a.value, true, out);
            }
            words(ctx, &s.words, out);
            redirects(ctx, &s.redirects, out);
        }
        Command::Isolate(b) => {
            words(ctx, &b.options, out);
            if let Some(body) = &b.body {
                walk_list(ctx, body, out);
            }
            redirects(ctx, &b.redirects, out);
        }
        Command::Compound(cc) => walk_compound(ctx, cc, out),
        Command::FunctionDef(f) => walk_compound(ctx, &f.body, out),
    }
}

fn walk_compound(ctx: &mut Ctx, cc: &CompoundCommand, out: &mut Vec<String>) {
    match &cc.kind {
        CompoundKind::Brace(l) | CompoundKind::Subshell(l) => walk_list(ctx, l, out),
        CompoundKind::If { branches, otherwise } => {
            for (c, b) in branches {
                walk_list(ctx, c, out);
                walk_list(ctx, b, out);
            }
            if let Some(o) = otherwise {
                walk_list(ctx, o, out);
            }
        }
        CompoundKind::Loop { cond, body, .. } => {
            walk_list(ctx, cond, out);
            walk_list(ctx, body, out);
        }
        CompoundKind::For { words: ws, body, .. } => {
            if let Some(ws) = ws {
                words(ctx, ws, out);
            }
            walk_list(ctx, body, out);
        }
        // `[[ ]]` is evaluated by the executor, not the expander alone.
        CompoundKind::Cond(_) => {}
        // `((…))`: the expander's arithmetic, as `$((…))` has it.
        CompoundKind::Arith(w) => out.push(format!("{:?}", expand::arith_value(ctx, w))),
        CompoundKind::Case { word, arms } => {
            let subject = expand::expand_single(ctx, word, false).unwrap_or_default();
            for arm in arms {
                for p in &arm.patterns {
                    if let Ok(pat) = expand::expand_pattern(ctx, p) {
                        out.push(expand::pattern_matches(&pat, &subject).to_string());
                    }
                }
                walk_list(ctx, &arm.body, out);
            }
        }
    }
    redirects(ctx, &cc.redirects, out);
}
