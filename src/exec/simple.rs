//! Simple commands: expansion, assignments, redirections, and the runner —
//! function, builtin or program — with its launch (see [`super::launch`]).

use super::*;

impl Shell {
    pub(super) fn plan_failed(&self, failure: CommandError) -> Exec {
        match failure {
            CommandError::Expand(e) => Err(self.expansion_failed(e)),
            // dash counts a bad fd word as a syntax error: fatal in scripts.
            other => {
                self.error(&other.to_string());
                Err(self.fatal_unless_interactive(other.status()))
            }
        }
    }

    /// Prints why a command did not run and gives its status.
    pub(super) fn report(&self, e: &CommandError) -> i32 {
        self.error(&e.to_string());
        e.status()
    }

    /// Expands the redirections of a command into fd operations.
    pub(crate) fn redirect_ops(&mut self, redirects: &[Redirect]) -> Result<Vec<FdOp>, CommandError> {
        if redirects.is_empty() {
            return Ok(Vec::new());
        }
        let mut expanded = Vec::with_capacity(redirects.len());
        for r in redirects {
            let target = match &r.heredoc {
                Some(body) => expand::expand_heredoc(self, &body.0.borrow()),
                None => expand::expand_single(self, &r.target, false),
            };
            expanded.push(Redirection { fd: r.fd, op: r.op, target: target? });
        }
        let mut ops = Vec::with_capacity(expanded.len());
        plan::redirection_ops(&expanded, self.state.options.noclobber, &mut ops)?;
        Ok(ops)
    }

    pub(super) fn run_simple(&mut self, sc: &SimpleCommand, last: bool) -> Exec {
        self.run_simple_then(sc, last, None)
    }

    /// A simple command; with `hand_over`, a program it starts is not
    /// waited for: its pid goes there (an isolate block's init starting its
    /// body, see [`Shell::start_program`]). An explicit parameter, as
    /// `last` is, not a mode flag left on the shell.
    pub(super) fn run_simple_then(
        &mut self,
        sc: &SimpleCommand,
        last: bool,
        hand_over: Option<&mut Option<Pid>>,
    ) -> Exec {
        self.substitution_status = None;
        self.sources.offset = sc.span.start;
        // Text read with the alias table had its aliases expanded by the
        // parser (`alias_checked`); a command substitution's was not.
        if !sc.alias_checked
            && !self.aliases.defined.is_empty()
            && let Some(expanded) = self.alias_text(sc)
        {
            let name = sc.words[0].to_string();
            self.aliases.expanding.push(name);
            let r = self.run_alias_text(&expanded);
            self.aliases.expanding.pop();
            return r;
        }
        let subs_before = self.proc_subs.len();
        let argv = expand::expand_words(self, &sc.words).map_err(|e| self.expansion_failed(e))?;
        // `/dev/fd/N` of `<(…)` in the arguments must survive exec.
        let inherit: Vec<RawFd> = self.proc_subs[subs_before..].iter().map(AsRawFd::as_raw_fd).collect();
        // Assignments are made left to right, each seeing the ones before
        // it. Before a command other than a special builtin they last for
        // that command only, so their old values are kept to put back.
        let persist = argv.first().is_none_or(|n| builtins::find(n).is_some_and(|b| b.special));
        let mut assigns = Vec::with_capacity(sc.assignments.len());
        // An assignment-only command needs its values again only to trace them.
        let keep = !argv.is_empty() || self.state.options.xtrace;
        let mut undo = Vec::new();
        let mut result = Ok(0);
        for a in &sc.assignments {
            if self.state.vars.is_readonly(&a.name) {
                self.error(&format!("{}: is read only", a.name));
                result = Err(self.fatal_unless_interactive(STATUS_FAILED_SETUP));
                break;
            }
            match expand::expand_single(self, &a.value, true) {
                Ok(v) => {
                    if !persist {
                        undo.push((a.name.clone(), self.state.vars.get(&a.name).map(String::from)));
                    }
                    if keep {
                        self.state.vars.set(&a.name, v.clone());
                        assigns.push((a.name.clone(), v));
                    } else {
                        self.state.vars.set(&a.name, v);
                    }
                }
                Err(e) => {
                    result = Err(self.expansion_failed(e));
                    break;
                }
            }
        }
        if result.is_ok() {
            result = self.run_expanded(sc, &argv, &assigns, &inherit, last, hand_over);
        }
        for (k, old) in undo.into_iter().rev() {
            match old {
                Some(v) => self.state.vars.set(&k, v),
                // Unset again, keeping an `export` of the unset name.
                None => self.state.vars.restore(&k, None),
            }
        }
        result
    }

    /// The command with its first word replaced by an alias: an unquoted
    /// first word (after any assignments, as dash has it) naming an alias
    /// that is not already being expanded. When an alias's value ends in a
    /// blank, the word after it is looked up too (POSIX 2.3.1).
    pub(super) fn alias_text(&self, sc: &SimpleCommand) -> Option<String> {
        let alias = |w: &Word| {
            let name = w.as_plain_literal()?;
            if self.aliases.expanding.iter().any(|a| a == name) {
                return None;
            }
            self.aliases.defined.get(name)
        };
        let mut value = alias(sc.words.first()?)?;
        let mut text = String::new();
        for a in &sc.assignments {
            text.push_str(&format!("{a} "));
        }
        text.push_str(value);
        let mut rest = 1;
        while value.ends_with([' ', '\t'])
            && let Some(next) = sc.words.get(rest).and_then(alias)
        {
            text.push_str(next);
            value = next;
            rest += 1;
        }
        let rest = SimpleCommand {
            assignments: Vec::new(),
            words: sc.words[rest..].to_vec(),
            redirects: sc.redirects.clone(),
            span: sc.span,
            alias_checked: false,
        };
        Some(format!("{text} {rest}"))
    }

    /// The rest of a simple command once its words and assignments are
    /// expanded: redirections, tracing, running.
    pub(super) fn run_expanded(
        &mut self,
        sc: &SimpleCommand,
        argv: &[String],
        assigns: &[(String, String)],
        inherit: &[RawFd],
        last: bool,
        hand_over: Option<&mut Option<Pid>>,
    ) -> Exec {
        let mut ops = match self.redirect_ops(&sc.redirects) {
            Ok(ops) => ops,
            Err(failure) => return self.plan_failed(failure),
        };
        ops.extend(inherit.iter().map(|&fd| FdOp::Inherit { fd }));
        if self.state.options.xtrace {
            self.trace(assigns, argv);
        }
        if argv.is_empty() {
            // Only assignments and redirections: the redirections are made
            // (creating files) and undone; the status is that of the last
            // command substitution, if any.
            let status = self.substitution_status.unwrap_or(0);
            return self.with_redirections_as(&ops, true, last, |_| Ok(status));
        }
        self.dispatch(argv, assigns, &ops, last, hand_over)
    }

    /// Runs an expanded, non-empty command line: a builtin or a program.
    /// `assigns` are already in the shell's variables; a program also gets
    /// them in its environment.
    pub(super) fn dispatch(
        &mut self,
        argv: &[String],
        assigns: &[(String, String)],
        ops: &[FdOp],
        last: bool,
        hand_over: Option<&mut Option<Pid>>,
    ) -> Exec {
        let name = &argv[0];
        // Special builtins come before functions, functions before the rest.
        if self.runner(name) == Runner::Function
            && let Some((body, origin)) = self.functions.get(name).cloned()
        {
            return self.with_redirections(ops, false, |sh| match origin {
                Some(o) => sh.in_source(o, |sh| sh.call_function(&body, argv)),
                None => sh.call_function(&body, argv),
            });
        }
        self.dispatch_command(argv, assigns, ops, last, hand_over)
    }

    /// A builtin or a program (not a function).
    pub(super) fn dispatch_command(
        &mut self,
        argv: &[String],
        assigns: &[(String, String)],
        ops: &[FdOp],
        last: bool,
        hand_over: Option<&mut Option<Pid>>,
    ) -> Exec {
        let name = &argv[0];
        if argv.get(1).is_some_and(|a| a == "--help")
            && let Some(usage) = builtins::usage(name)
        {
            let text = format!("usage: {usage}\n");
            return self.with_redirections(ops, false, |_| Ok(if spawn::write_str(1, &text).is_ok() { 0 } else { 1 }));
        }
        // `command exec …`: exec itself, so its redirections stay (and
        // their errors do not end the shell).
        if name == "command" && argv.get(1).is_some_and(|a| a == "exec") {
            return builtins::as_command(|| self.exec_builtin(&argv[2..], assigns, ops));
        }
        match builtins::find(name) {
            None => self.run_external(name, argv, assigns, ops, last, hand_over),
            Some(b) => match b.kind {
                builtins::Kind::Exec => self.exec_builtin(&argv[1..], assigns, ops),
                builtins::Kind::Run(run) => self.with_redirections_as(ops, b.special, last, |sh| run(sh, argv)),
            },
        }
    }

    /// `command NAME args…`: runs an already expanded command line,
    /// skipping functions.
    pub fn run_argv(&mut self, argv: &[String]) -> Exec {
        self.dispatch_command(argv, &[], &[], false, None)
    }

    /// Where `name` would run from, under the current `$PATH`.
    pub fn lookup_path(&mut self, name: &str) -> Lookup {
        let path_var = self.state.vars.get("PATH").unwrap_or(DEFAULT_PATH).to_string();
        self.paths.lookup(name, &path_var)
    }

    /// `hash -r`: forgets where programs were found.
    pub fn forget_paths(&mut self) {
        self.paths.clear();
    }

    /// `hash`: the programs found under the current `$PATH`, by name.
    pub fn remembered_paths(&self) -> Vec<String> {
        let path_var = self.state.vars.get("PATH").unwrap_or(DEFAULT_PATH);
        self.paths.entries(path_var).iter().map(|(_, p)| crate::bytes::from_os(p.as_os_str())).collect()
    }

    /// Runs `body` with `ops` applied to the shell's own fds, then undoes
    /// them (in a forked child there is nothing to undo).
    pub(crate) fn with_redirections(
        &mut self,
        ops: &[FdOp],
        special: bool,
        body: impl FnOnce(&mut Self) -> Exec,
    ) -> Exec {
        self.with_redirections_as(ops, special, false, body)
    }

    /// [`Shell::with_redirections`]; with `last` (nothing runs in this
    /// process afterwards) the redirections are not undone.
    pub(crate) fn with_redirections_as(
        &mut self,
        ops: &[FdOp],
        special: bool,
        last: bool,
        body: impl FnOnce(&mut Self) -> Exec,
    ) -> Exec {
        if ops.is_empty() {
            return body(self);
        }
        if self.in_shell_launch(last) == Launch::InShellPermanent {
            if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
                self.error(&spawn::describe_failure(op, e));
                return Ok(STATUS_FAILED_SETUP);
            }
            return body(self);
        }
        let saved = match SavedFds::apply(ops) {
            Ok(saved) => saved,
            Err(failure) => {
                let status = self.report(&CommandError::Redirect(failure));
                return if special { Err(self.fatal_unless_interactive(status)) } else { Ok(status) };
            }
        };
        let result = body(self);
        saved.restore();
        result
    }

    /// `exec`: with a command, replace the shell; without one, make the
    /// redirections permanent in the shell's own fd table.
    pub(super) fn exec_builtin(&mut self, args: &[String], assigns: &[(String, String)], ops: &[FdOp]) -> Exec {
        if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
            self.error(&spawn::describe_failure(op, e));
            return Err(self.fatal_unless_interactive(STATUS_FAILED_SETUP));
        }
        let Some(name) = args.first() else {
            return Ok(0);
        };
        let status = match self.exec_image(name, args, assigns) {
            Ok(image) => {
                let errno = image.exec();
                self.report(&CommandError::Exec { name: name.clone(), errno })
            }
            Err(e) => self.report(&e),
        };
        // A failed exec ends a script (`command` or not), but not an
        // interactive shell.
        Err(if self.state.options.interactive { Abort::Command(status) } else { Abort::Exit(status) })
    }

    /// Prepares the `execve` of `name`.
    pub(super) fn exec_image(
        &mut self,
        name: &str,
        argv: &[String],
        assigns: &[(String, String)],
    ) -> Result<ExecImage, CommandError> {
        let Lookup::Found(path) = self.lookup_path(name) else {
            return Err(CommandError::NotFound(name.to_string()));
        };
        let path = CString::new(path.into_os_string().into_encoded_bytes()).ok();
        let argv: Option<Vec<CString>> = argv.iter().map(|a| crate::bytes::cstring(a)).collect();
        let (Some(path), Some(argv)) = (path, argv) else {
            return Err(CommandError::NulByte(name.to_string()));
        };
        let envp = if assigns.is_empty() {
            self.environment()
        } else {
            Rc::new(CStrArray::new(self.state.vars.environment(assigns)))
        };
        Ok(ExecImage::new(path, argv, envp))
    }

    pub(super) fn environment(&mut self) -> Rc<CStrArray> {
        let generation = self.state.vars.env_generation();
        match &self.env_block {
            Some((g, block)) if *g == generation => block.clone(),
            _ => {
                let block = Rc::new(CStrArray::new(self.state.vars.environment(&[])));
                self.env_block = Some((generation, block.clone()));
                block
            }
        }
    }

    pub(super) fn run_external(
        &mut self,
        name: &str,
        argv: &[String],
        assigns: &[(String, String)],
        ops: &[FdOp],
        last: bool,
        hand_over: Option<&mut Option<Pid>>,
    ) -> Exec {
        let image = self.exec_image(name, argv, assigns);
        if let Err(u) = &image
            && ops.is_empty()
        {
            // Nothing to redirect first: no need to fork just to complain.
            return Ok(self.report(u));
        }
        let how = self.program_launch(last, image.is_ok());
        if how == Launch::ExecInPlace {
            // The last thing this forked process does: become the command.
            return Ok(self.wire_and_exec(name, &image, ops));
        }
        // Traced or not, the same path: the vfork child's calls are
        // reported by the shell (see spawn::vfork_exec).
        if let (Launch::Vfork, Ok(image)) = (how, &image) {
            // What the shell ignores (interactive: Ctrl-C, Ctrl-\\, job-control
            // stops) the command must not.
            let defaults: &[libc::c_int] = if self.jobs.ignore_interrupts {
                &[libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU]
            } else {
                &[libc::SIGINT, libc::SIGQUIT, libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU]
            };
            if let Some(pid) = spawn::vfork_exec(image, ops, defaults, self.child_pgid()) {
                return Ok(self.started(Pid::from_raw(pid), hand_over));
            }
        }
        let pgid = self.child_pgid();
        match self.fork_child(pgid) {
            Ok(ForkResult::Child) => {
                let status = self.wire_and_exec(name, &image, ops);
                exit_child(status)
            }
            Ok(ForkResult::Parent { child }) => Ok(self.started(child, hand_over)),
            Err(e) => {
                self.error(&format!("fork: {}", crate::exec::spawn::errno_text(e)));
                Ok(STATUS_NOT_EXECUTABLE)
            }
        }
    }

    /// A program has just started: wait for it — or hand it over.
    pub(super) fn started(&mut self, pid: Pid, hand_over: Option<&mut Option<Pid>>) -> i32 {
        if let Some(slot) = hand_over {
            *slot = Some(pid);
            return 0;
        }
        self.adopt_foreground(pid);
        self.wait_fg(pid)
    }

    /// In the process that will run the command: apply its fd operations,
    /// then exec. Returns only on failure, with the status to exit with.
    pub(super) fn wire_and_exec(&self, name: &str, image: &Result<ExecImage, CommandError>, ops: &[FdOp]) -> i32 {
        if let Err((op, e)) = spawn::apply_all(ops, &NoPipes) {
            return self.report(&CommandError::Redirect(spawn::OpFailure { op: op.clone(), errno: e }));
        }
        match image {
            Ok(image) => {
                let errno = image.exec();
                self.report(&CommandError::Exec { name: name.to_string(), errno })
            }
            // The lookup failed in the parent; say so on the redirected fd 2.
            Err(e) => self.report(e),
        }
    }

    /// `set -x`: `+ A=1 cmd 'arg with space'` on fd 2.
    pub(super) fn trace(&self, assigns: &[(String, String)], argv: &[String]) {
        let ps4 = self.state.vars.get("PS4").unwrap_or("+ ");
        let mut line = ps4.to_string();
        let words = assigns.iter().map(|(k, v)| format!("{k}={}", quote(v))).chain(argv.iter().map(|a| quote(a)));
        line.push_str(&words.collect::<Vec<_>>().join(" "));
        line.push('\n');
        let _ = spawn::write_str(2, &line);
    }
}
