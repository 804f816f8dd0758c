//! The interactive shell: a rustyline prompt, history in the data dir, a
//! continuation prompt while the input is incomplete.

mod helper;

use crate::exec::Shell;
use crate::syntax;
use crate::toplevel::{self, Origin, Outcome};
use helper::ShellHelper;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{Config, Editor};
use std::path::PathBuf;

/// `$XDG_DATA_HOME/isosh/history` (or the platform's data dir).
fn history_path() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("isosh").join("history"))
}

/// Reads one complete command, asking with `$PS2` for more lines while the
/// parser says the input is incomplete. `Ok(None)` at end of input.
fn read_command(editor: &mut Editor<ShellHelper, DefaultHistory>, sh: &Shell) -> Result<Option<String>, ReadlineError> {
    let ps1 = sh.state.vars.get("PS1").unwrap_or("$ ").to_string();
    let ps2 = sh.state.vars.get("PS2").unwrap_or("> ").to_string();
    let mut text = match editor.readline(&ps1) {
        Ok(line) => line,
        Err(ReadlineError::Eof) => return Ok(None),
        Err(e) => return Err(e),
    };
    while matches!(syntax::parse(&text), Err(e) if e.incomplete) {
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

/// Runs the prompt loop; returns the status the shell exits with.
pub fn run(sh: &mut Shell) -> i32 {
    let config = Config::builder().auto_add_history(false).build();
    let mut editor = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            sh.error(&format!("cannot start the line editor: {e}"));
            return 1;
        }
    };
    editor.set_helper(Some(ShellHelper::default()));
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let status = loop {
        match read_command(&mut editor, sh) {
            Ok(Some(text)) => {
                if !text.trim().is_empty() {
                    let _ = editor.history_mut().add(&text);
                }
                let origin = Origin { name: "isosh", first_line: 1 };
                if let Outcome::Exit(status) = toplevel::run_text(sh, &text, origin) {
                    break status;
                }
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
