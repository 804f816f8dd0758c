//! Texts the shell runs: sourced files, `eval`, aliases and traps, and the
//! error locations inside them.

use super::*;

impl Shell {
    /// `FILE:LINE` of the command running, in a script or sourced file
    /// (not for `-c` strings or the prompt, whose lines the user sees).
    pub(super) fn location(&self) -> Option<String> {
        let source = self.sources.stack.last()?;
        if matches!(source.name.as_str(), "-c" | "isosh" | "eval" | "trap") || self.state.options.interactive {
            return None;
        }
        let line = crate::syntax::span::line_col(&source.text, self.sources.offset, source.first_line).line;
        Some(format!("{}:{line}", source.name))
    }

    /// Runs `f` with `source` as the text spans refer to.
    pub(crate) fn in_source<T>(&mut self, source: Rc<Source>, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.sources.offset;
        self.sources.stack.push(source);
        let r = f(self);
        self.sources.stack.pop();
        self.sources.offset = saved;
        r
    }

    /// Runs the commands of trapped signals that arrived; `$?` is kept.
    pub(crate) fn run_pending_traps(&mut self) -> Exec<()> {
        for sig in crate::signals::take_trapped() {
            if let Some(action) = self.traps.get(&Some(sig)).cloned() {
                let saved = self.state.last_status;
                self.run_source(&action, "trap")?;
                self.state.last_status = saved;
            }
        }
        Ok(())
    }

    /// The EXIT trap, run once as the shell ends with `status`; returns
    /// the status to exit with (an `exit N` in the trap changes it).
    pub fn run_exit_trap(&mut self, status: i32) -> i32 {
        let Some(action) = self.traps.remove(&None) else {
            return status;
        };
        self.state.last_status = status;
        match self.run_source(&action, "trap") {
            Err(Abort::Exit(s)) => s,
            _ => status,
        }
    }

    /// Parses and runs `text` in this shell (`eval`, `.`): each complete
    /// command as it is parsed; `return`, `break` and the like pass through.
    pub(crate) fn run_source(&mut self, text: &str, name: &str) -> Exec {
        let source = Rc::new(Source { name: name.to_string(), text: text.to_string(), first_line: 1 });
        self.in_source(source, |sh| sh.run_source_inner(text, name, true))
    }

    /// Runs the text an alias of a command substitution's command became
    /// (see `run_simple_then`): its aliases are expanded as it runs, as the
    /// command's were, not by the parser.
    pub(super) fn run_alias_text(&mut self, text: &str) -> Exec {
        let source = Rc::new(Source { name: "alias".to_string(), text: text.to_string(), first_line: 1 });
        self.in_source(source, |sh| sh.run_source_inner(text, "alias", false))
    }

    pub(super) fn run_source_inner(&mut self, text: &str, name: &str, expand_aliases: bool) -> Exec {
        let mut parser = crate::syntax::Parser::new(text);
        let mut status = 0;
        loop {
            if expand_aliases {
                parser.set_aliases(self.aliases.defined.clone());
            }
            let splices = parser.splices();
            let next = parser.next_command();
            if parser.splices() != splices {
                self.follow_source_text(parser.text_now());
            }
            match next {
                Ok(None) => return Ok(status),
                Ok(Some(cmd)) => {
                    status = self.run_list(&cmd.list)?;
                    self.state.last_status = status;
                }
                Err(e) => {
                    self.error_unlocated(&e.render(name, parser.text_now(), 1));
                    return Err(self.fatal_unless_interactive(2));
                }
            }
        }
    }

    /// The innermost source's text is now `text`: the parser spliced an
    /// alias's value into it, and the spans it hands out point into the
    /// new text (error locations are counted in it).
    pub(crate) fn follow_source_text(&mut self, text: &str) {
        if let Some(top) = self.sources.stack.last_mut() {
            let source = Source { name: top.name.clone(), text: text.to_string(), first_line: top.first_line };
            *top = Rc::new(source);
        }
    }
}
