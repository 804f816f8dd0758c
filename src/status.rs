//! The exit statuses that say why a command did not run, in one place: the
//! error types of every layer (`exec::error`, `isolate`, `cli`, images) map
//! their variants to these. A leaf: it depends on nothing.

/// A usage or syntax error, a redirection or expansion that failed before
/// the command could run (as in dash).
pub const USAGE: i32 = 2;
/// An isolate block (or image) whose setup failed: docker's convention,
/// never one a body's own exit could be mistaken for in practice.
pub const SETUP_FAILED: i32 = 125;
/// Found, but cannot run (not executable, a directory, exec format).
pub const NOT_EXECUTABLE: i32 = 126;
/// No such command.
pub const NOT_FOUND: i32 = 127;
