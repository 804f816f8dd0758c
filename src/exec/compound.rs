//! Compound commands (`{ }`, `( )`, `if`, `while`/`until`, `for`, `case`)
//! and function calls.

use super::spawn::exit_child;
use super::{Abort, Exec, Shell};
use crate::expand;
use crate::syntax::ast::{CompoundCommand, CompoundKind, List};
use nix::unistd::ForkResult;

/// What a loop does after its body ran.
enum Next {
    Go,
    Stop,
}

impl Shell {
    /// Runs a compound command; `last`: this process exits after it (see
    /// [`Shell::run_list_as`]).
    pub(crate) fn run_compound(&mut self, cc: &CompoundCommand, last: bool) -> Exec {
        crate::stack::deep(|| self.run_compound_at(cc, last))
    }

    /// `$LINENO`: the line of the command running in its source text.
    pub(crate) fn lineno(&self) -> usize {
        match self.sources.stack.last() {
            Some(s) => crate::syntax::span::line_col(&s.text, self.sources.offset, s.first_line).line,
            None => 1,
        }
    }

    fn run_compound_at(&mut self, cc: &CompoundCommand, last: bool) -> Exec {
        self.sources.offset = cc.span.start;
        let ops = match self.redirect_ops(&cc.redirects) {
            Ok(ops) => ops,
            Err(failure) => return self.plan_failed(failure),
        };
        if let CompoundKind::Subshell(list) = &cc.kind {
            let fork = self.compound_launch(&cc.kind, last) == super::launch::Launch::Fork;
            return self.run_subshell(list, &ops, fork);
        }
        let mut ran = false;
        let status = self.with_redirections_as(&ops, false, last, |sh| {
            ran = true;
            sh.run_compound_kind(&cc.kind, last)
        })?;
        // Its redirections failed: `set -e` applies to that failure (the
        // and-or list leaves a compound command's status to the command).
        if !ran && status != 0 && self.state.options.errexit && self.nesting.errexit_suppressed == 0 {
            return Err(Abort::Exit(status));
        }
        Ok(status)
    }

    /// `( list )`: a forked copy of the shell runs the list — or, when
    /// this process ends with it anyway, this process.
    fn run_subshell(&mut self, list: &List, ops: &[super::plan::FdOp], forks: bool) -> Exec {
        if !forks {
            self.become_child();
            if let Err((op, e)) = super::spawn::apply_all(ops, &super::spawn::NoPipes) {
                self.error(&super::spawn::describe_failure(op, e));
                return Ok(super::STATUS_FAILED_SETUP);
            }
            return Ok(self.run_list_as(list, true).unwrap_or_else(Abort::status));
        }
        let pgid = self.child_pgid();
        match self.fork_child(pgid) {
            Ok(ForkResult::Child) => {
                if let Err((op, e)) = super::spawn::apply_all(ops, &super::spawn::NoPipes) {
                    self.error(&super::spawn::describe_failure(op, e));
                    exit_child(super::STATUS_FAILED_SETUP);
                }
                let status = self.run_list_as(list, true).unwrap_or_else(Abort::status);
                self.exit_subshell(status)
            }
            Ok(ForkResult::Parent { child }) => {
                self.adopt_foreground(child);
                Ok(self.wait_fg(child))
            }
            Err(e) => {
                self.error(&format!("fork: {}", super::spawn::errno_text(e)));
                Ok(super::STATUS_NOT_EXECUTABLE)
            }
        }
    }

    /// Runs a condition list: `set -e` does not apply inside it.
    fn condition(&mut self, list: &List) -> Exec {
        self.nesting.errexit_suppressed += 1;
        let r = self.run_list(list);
        self.nesting.errexit_suppressed -= 1;
        r
    }

    /// Runs a loop body, turning `break`/`continue` aimed at this loop into
    /// what the loop does next.
    fn loop_body(&mut self, body: &List, status: &mut i32) -> Exec<Next> {
        match self.run_list(body) {
            Ok(s) => {
                *status = s;
                Ok(Next::Go)
            }
            Err(Abort::Break(n)) if n > 1 => Err(Abort::Break(n - 1)),
            // `break` and `continue` succeed: the loop's status is theirs.
            Err(Abort::Break(_)) => {
                *status = 0;
                Ok(Next::Stop)
            }
            Err(Abort::Continue(n)) if n > 1 => Err(Abort::Continue(n - 1)),
            Err(Abort::Continue(_)) => {
                *status = 0;
                Ok(Next::Go)
            }
            Err(other) => Err(other),
        }
    }

    fn run_compound_kind(&mut self, kind: &CompoundKind, last: bool) -> Exec {
        match kind {
            CompoundKind::Brace(list) | CompoundKind::Subshell(list) => self.run_list_as(list, last),
            CompoundKind::If { branches, otherwise } => {
                for (cond, body) in branches {
                    if self.condition(cond)? == 0 {
                        return self.run_list_as(body, last);
                    }
                }
                match otherwise {
                    Some(body) => self.run_list_as(body, last),
                    None => Ok(0),
                }
            }
            CompoundKind::Loop { until, cond, body } => {
                self.nesting.loop_depth += 1;
                let r = self.run_loop(*until, cond, body);
                self.nesting.loop_depth -= 1;
                r
            }
            CompoundKind::For { var, words, body } => {
                let items = match words {
                    Some(ws) => expand::expand_words(self, ws).map_err(|e| self.expansion_failed(e))?,
                    None => self.state.positional.clone(),
                };
                self.nesting.loop_depth += 1;
                let r = self.run_for(var, &items, body);
                self.nesting.loop_depth -= 1;
                r
            }
            CompoundKind::Cond(e) => super::builtins::test::cond(self, e),
            CompoundKind::Arith(e) => super::builtins::arith::arith_command(self, e),
            CompoundKind::Case { word, arms } => {
                let subject = expand::expand_single(self, word, false).map_err(|e| self.expansion_failed(e))?;
                for arm in arms {
                    for pattern in &arm.patterns {
                        let p = expand::expand_pattern(self, pattern).map_err(|e| self.expansion_failed(e))?;
                        if expand::pattern_matches(&p, &subject) {
                            // An empty arm is a command that succeeds.
                            if arm.body.items.is_empty() {
                                return Ok(0);
                            }
                            return self.run_list_as(&arm.body, last);
                        }
                    }
                }
                Ok(0)
            }
        }
    }

    fn run_loop(&mut self, until: bool, cond: &List, body: &List) -> Exec {
        let mut status = 0;
        loop {
            let c = match self.condition(cond) {
                Ok(c) => c,
                Err(Abort::Break(n)) if n > 1 => return Err(Abort::Break(n - 1)),
                Err(Abort::Break(_)) => break,
                Err(Abort::Continue(n)) if n > 1 => return Err(Abort::Continue(n - 1)),
                Err(Abort::Continue(_)) => continue,
                Err(e) => return Err(e),
            };
            if (c == 0) == until {
                break;
            }
            if let Next::Stop = self.loop_body(body, &mut status)? {
                break;
            }
        }
        Ok(status)
    }

    fn run_for(&mut self, var: &str, items: &[String], body: &List) -> Exec {
        let mut status = 0;
        for item in items {
            if self.state.vars.is_readonly(var) {
                self.error(&format!("{var}: is read only"));
                return Err(self.fatal_unless_interactive(super::STATUS_FAILED_SETUP));
            }
            self.state.vars.set(var, item.clone());
            if let Next::Stop = self.loop_body(body, &mut status)? {
                break;
            }
        }
        Ok(status)
    }

    /// Calls a function: new positional parameters and a frame for `local`;
    /// `return` ends it.
    pub(crate) fn call_function(&mut self, body: &CompoundCommand, argv: &[String]) -> Exec {
        if self.nesting.frames.len() >= crate::stack::MAX_CALLS {
            self.error(&format!("{}: {}", argv[0], crate::stack::TOO_DEEP));
            return Err(self.fatal_unless_interactive(super::STATUS_FAILED_SETUP));
        }
        let saved = std::mem::replace(&mut self.state.positional, argv[1..].to_vec());
        let saved_loops = std::mem::take(&mut self.nesting.loop_depth);
        self.nesting.frames.push(Vec::new());
        let r = self.run_compound(body, false);
        self.pop_frame();
        self.nesting.loop_depth = saved_loops;
        self.state.positional = saved;
        match r {
            Err(Abort::Return(s)) => Ok(s),
            other => other,
        }
    }

    /// Puts back the variables `local` saved in the innermost frame.
    pub(crate) fn pop_frame(&mut self) {
        if let Some(frame) = self.nesting.frames.pop() {
            for (name, old) in frame.into_iter().rev() {
                if name == "-" {
                    // Options saved by `local -`.
                    let on = old.map(|v| v.value).unwrap_or_default();
                    for (option, _) in crate::state::Options::NAMES {
                        if let Some(flag) = self.state.options.named_mut(option) {
                            *flag = on.split(',').any(|o| o == *option);
                        }
                    }
                    continue;
                }
                self.state.vars.restore(&name, old);
            }
        }
    }
}
