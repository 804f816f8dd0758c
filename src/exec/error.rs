//! The executor's errors as values that know their exit status (POSIX
//! 2.8.2): 127 not found, 126 found but not runnable, 2 a redirection or
//! expansion that failed before the command ran. (Syntax errors are
//! `syntax::ParseError`, status 2; an isolate block's setup failures are
//! `isolate::StepFailure`, status 125.)

use super::plan::PlanError;
use super::spawn::OpFailure;
use crate::expand::ExpandError;
use crate::sys::errno_text;
use nix::errno::Errno;

/// Why a command did not run.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// No builtin, function or program of that name.
    #[error("{0}: command not found")]
    NotFound(String),
    /// An argument with a NUL byte, which no `execve` can take.
    #[error("{0}: argument contains a NUL byte")]
    NulByte(String),
    /// `execve` itself failed.
    #[error("{name}: {}", errno_text(*errno))]
    Exec {
        /// The command name.
        name: String,
        /// What `execve` said.
        errno: Errno,
    },
    /// A redirection could not be made (the message names the file).
    #[error(transparent)]
    Redirect(#[from] OpFailure),
    /// An expansion failed (`${x?}`, `-u` on an unset name, bad arithmetic).
    #[error(transparent)]
    Expand(#[from] ExpandError),
    /// A redirection word that is no fd number, or a NUL in a file name.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

impl CommandError {
    /// The status `$?` gets.
    pub fn status(&self) -> i32 {
        match self {
            CommandError::NotFound(_) | CommandError::Exec { errno: Errno::ENOENT, .. } => super::STATUS_NOT_FOUND,
            CommandError::NulByte(_) | CommandError::Exec { .. } => super::STATUS_NOT_EXECUTABLE,
            CommandError::Redirect(_) | CommandError::Expand(_) | CommandError::Plan(_) => super::STATUS_FAILED_SETUP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_knows_its_status() {
        assert_eq!(CommandError::NotFound("x".into()).status(), 127);
        assert_eq!(CommandError::Exec { name: "x".into(), errno: Errno::ENOENT }.status(), 127);
        assert_eq!(CommandError::Exec { name: "x".into(), errno: Errno::EACCES }.status(), 126);
        assert_eq!(CommandError::NulByte("x".into()).status(), 126);
        let open = super::super::plan::FdOp::Open {
            fd: 1,
            path: c"f".to_owned(),
            mode: super::super::plan::OpenMode::Truncate,
        };
        let failed = CommandError::Redirect(OpFailure { op: open, errno: Errno::ENOENT });
        assert_eq!((failed.status(), failed.to_string()), (2, "f: No such file or directory".into()));
        assert_eq!(CommandError::Plan(PlanError::BadFdNumber("x".into())).status(), 2);
        assert_eq!(CommandError::Exec { name: "x".into(), errno: Errno::EACCES }.to_string(), "x: Permission denied");
    }
}
