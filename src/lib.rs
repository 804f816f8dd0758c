//! isosh: a small POSIX shell whose `isolate < … >` block runs part of a
//! command line inside a throwaway container.
//!
//! Data flows one way: text → [`syntax`] (spanned AST) → [`expand`] (words to
//! fields) → [`exec`] (a plain-data plan of fd operations per process, then
//! carried out by `spawn`). [`repl`] is the interactive front end.

pub mod bytes;
pub mod cli;
pub mod exec;
pub mod expand;
pub mod explain;
pub mod isolate;
pub mod process;
pub mod repl;
pub mod signals;
pub mod stack;
pub mod state;
pub mod status;
pub mod syntax;
pub mod sys;
pub mod toplevel;
pub mod trace;
pub mod users;
