//! The interactive shell: a rustyline prompt, history in the data dir, a
//! continuation prompt while the input is incomplete.

mod complete;
mod helper;
pub mod prompt;

use crate::exec::Shell;
use crate::syntax;
use crate::toplevel::{self, Origin, Outcome};
use helper::ShellHelper;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{CompletionType, Config, Editor};
use std::path::PathBuf;

/// `$XDG_DATA_HOME/isosh/history` (or the platform's data dir) — only in a
/// directory no other user can change: root with a user's `XDG_DATA_HOME`
/// (`su` keeps it) would otherwise save its history through a link that
/// user planted, over any file (tests/attacks.rs).
fn history_path(sh: &Shell) -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("isosh");
    match crate::isolate::private_dir(&dir) {
        Ok(dir) => Some(dir.join("history")),
        Err(why) => {
            sh.error(&format!("history is not kept: {why}"));
            None
        }
    }
}

/// Refreshes what the helper knows (functions, aliases, variables, PATH).
fn refresh_helper(editor: &mut Editor<ShellHelper, DefaultHistory>, sh: &Shell) {
    if let Some(h) = editor.helper_mut() {
        let k = &mut h.knowledge;
        k.functions = sh.functions.keys().cloned().collect();
        k.aliases = sh.aliases.defined.iter().map(|(n, v)| (n.clone(), v.clone())).collect();
        k.jobs = sh.jobs.list.iter().map(|j| (j.id, j.text.clone())).collect();
        k.variables = sh.state.vars.sorted().into_iter().map(|(n, _)| n.to_string()).collect();
        k.color = crate::state::color_enabled(&sh.state);
        k.set_path(sh.state.vars.get("PATH").unwrap_or(""));
    }
}

/// Reads one complete command, asking with `$PS2` for more lines while the
/// parser says the input is incomplete. `Ok(None)` at end of input.
fn read_command(
    editor: &mut Editor<ShellHelper, DefaultHistory>,
    sh: &mut Shell,
) -> Result<Option<String>, ReadlineError> {
    refresh_helper(editor, sh);
    let ps1 = prompt::primary(sh);
    let mut text = match editor.readline(&ps1) {
        Ok(line) => line,
        Err(ReadlineError::Eof) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut hinted = None;
    while let Err(e) = syntax::parse_with_aliases(&text, sh.aliases.defined.clone())
        && e.incomplete
    {
        // An unclosed block that may have meant `> >` says so now, not
        // only after Ctrl-D.
        if let Some(hint) = e.hint
            && hinted.as_ref() != Some(&hint)
        {
            sh.error_unlocated(&format!("note: {hint}"));
            hinted = Some(hint);
        }
        let ps2 = sh.state.vars.get("PS2").unwrap_or("> ").to_string();
        let ps2 = prompt::expand(&ps2, sh);
        match editor.readline(&ps2) {
            Ok(more) => {
                text.push('\n');
                text.push_str(&more);
            }
            // Ctrl-D inside an open construct: run what there is, which
            // reports it as unfinished.
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(Some(text))
}

/// `$XDG_CONFIG_HOME/isosh/rc` (or the platform's config dir).
pub fn rc_path() -> Option<PathBuf> {
    Some(dirs::config_dir()?.join("isosh").join("rc"))
}

/// Runs the prompt loop; returns the status the shell exits with. The rc
/// file runs first unless `norc`.
pub fn run(sh: &mut Shell, norc: bool) -> i32 {
    sh.jobs.terminal = Some(crate::exec::jobs::Terminal::take());
    if !norc
        && let Some(rc) = rc_path()
        && let Ok(text) = std::fs::read_to_string(&rc)
        && let Err(crate::exec::Abort::Exit(status)) = sh.run_source(&text, &rc.display().to_string())
    {
        return status;
    }
    let size = sh.state.vars.get("HISTSIZE").and_then(|s| s.parse().ok()).unwrap_or(1000);
    // Tab completes as far as the candidates agree; a second Tab lists
    // them, with what each is (as bash, with fish's descriptions).
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .history_ignore_dups(true)
        .and_then(|c| c.max_history_size(size));
    let config = match config {
        Ok(c) => c.build(),
        Err(_) => Config::builder().auto_add_history(false).completion_type(CompletionType::List).build(),
    };
    let mut editor = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            sh.error(&format!("cannot start the line editor: {e}"));
            return 1;
        }
    };
    editor.set_helper(Some(ShellHelper::default()));
    let history = history_path(sh);
    if let Some(h) = &history {
        let _ = editor.load_history(h);
        for entry in editor.history().iter() {
            sh.remember(entry, size);
        }
    }
    let status = loop {
        sh.notify_jobs();
        match read_command(&mut editor, sh) {
            Ok(Some(text)) => {
                if !text.trim().is_empty() {
                    let _ = editor.history_mut().add(&text);
                    sh.remember(&text, size);
                }
                let origin = Origin { name: "isosh", first_line: 1 };
                if let Outcome::Exit(status) = toplevel::run_text(sh, &text, origin) {
                    break status;
                }
            }
            Ok(None) if sh.has_stopped_jobs() && !sh.jobs.warned_stopped => {
                sh.jobs.warned_stopped = true;
                sh.error("there are stopped jobs (Ctrl-D again to leave anyway)");
            }
            Ok(None) => break sh.state.last_status,
            // Ctrl-C at the prompt: drop the line, prompt again.
            Err(ReadlineError::Interrupted) => continue,
            Err(e) => {
                sh.error(&format!("reading input: {e}"));
                break 1;
            }
        }
    };
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = editor.save_history(h) {
            sh.error(&format!("{}: cannot save history: {e}", h.display()));
        }
    }
    status
}
