//! The execution plan as plain data: for each process, the ordered fd
//! operations that wire it (open / dup2 / close), then what it runs.
//!
//! Nothing here touches the kernel, so plans are unit-tested without forking,
//! and [`FdTable::simulate`] replays a plan symbolically to show which file
//! each fd ends up on — the difference between `>out 2>&1` and `2>&1 >out`.

use crate::syntax::ast::RedirOp;
use std::collections::BTreeMap;
use std::ffi::CString;
use std::fmt;
use std::os::fd::RawFd;

/// An fd as the plan names it: a number, or one end of the pipeline's Nth
/// pipe (its number is only known once `pipe()` has run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdRef {
    /// A plain fd number.
    Fd(RawFd),
    /// The read end of the pipeline's pipe number N.
    PipeRead(usize),
    /// The write end of the pipeline's pipe number N.
    PipeWrite(usize),
}

impl fmt::Display for FdRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FdRef::Fd(n) => write!(f, "{n}"),
            FdRef::PipeRead(p) => write!(f, "pipe#{p}.read"),
            FdRef::PipeWrite(p) => write!(f, "pipe#{p}.write"),
        }
    }
}

/// How a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `O_RDONLY`
    Read,
    /// `O_WRONLY|O_CREAT|O_TRUNC`
    Truncate,
    /// Like `Truncate`, but refuses to overwrite an existing regular file
    /// (`set -C`).
    NoClobber,
    /// `O_WRONLY|O_CREAT|O_APPEND`
    Append,
    /// `O_RDWR|O_CREAT`
    ReadWrite,
}

impl OpenMode {
    /// The `open(2)` flags (without `O_CLOEXEC`, which the spawner adds).
    pub fn flags(self) -> libc::c_int {
        match self {
            OpenMode::Read => libc::O_RDONLY,
            OpenMode::Truncate => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            OpenMode::NoClobber => libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
            OpenMode::Append => libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
            OpenMode::ReadWrite => libc::O_RDWR | libc::O_CREAT,
        }
    }

    /// The `open(2)` flags by name, as strace prints them.
    pub fn flag_names(self) -> &'static str {
        match self {
            OpenMode::Read => "O_RDONLY",
            OpenMode::Truncate => "O_WRONLY|O_CREAT|O_TRUNC",
            OpenMode::NoClobber => "O_WRONLY|O_CREAT|O_EXCL",
            OpenMode::Append => "O_WRONLY|O_CREAT|O_APPEND",
            OpenMode::ReadWrite => "O_RDWR|O_CREAT",
        }
    }
}

/// One step of wiring a process's fd table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdOp {
    /// `open(path) = N; dup2(N, fd); close(N)` (just `open` when N == fd).
    Open {
        /// The fd the file ends up on.
        fd: RawFd,
        /// The file name.
        path: CString,
        /// How it is opened.
        mode: OpenMode,
    },
    /// `dup2(src, dst)`: `dst` becomes another name for `src`'s file.
    Dup {
        /// The fd copied.
        src: FdRef,
        /// The fd made a copy of it.
        dst: RawFd,
    },
    /// `close(fd)`
    Close {
        /// The fd closed.
        fd: FdRef,
    },
    /// A here-document: `memfd_create()`, the body written, rewound and
    /// `dup2`ed onto `fd`.
    HereDoc {
        /// The fd the document is read from.
        fd: RawFd,
        /// The document's bytes, expanded.
        body: Vec<u8>,
    },
    /// `fcntl(fd, F_SETFD, 0)`: the shell's end of a process substitution,
    /// `/dev/fd/N` in the command's arguments, stays open across exec.
    Inherit {
        /// The fd kept open.
        fd: RawFd,
    },
}

impl FdOp {
    /// The fd number this step changes, when it is a plain number.
    pub fn target(&self) -> Option<RawFd> {
        match self {
            FdOp::Open { fd, .. }
            | FdOp::Dup { dst: fd, .. }
            | FdOp::Close { fd: FdRef::Fd(fd) }
            | FdOp::HereDoc { fd, .. } => Some(*fd),
            FdOp::Close { .. } | FdOp::Inherit { .. } => None,
        }
    }
}

impl fmt::Display for FdOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FdOp::Open { fd, path, mode } => {
                write!(f, "open({:?}, {}) -> {fd}", path.to_string_lossy(), mode.flag_names())
            }
            FdOp::Dup { src, dst } => write!(f, "dup2({src}, {dst})"),
            FdOp::Close { fd } => write!(f, "close({fd})"),
            FdOp::HereDoc { fd, body } => write!(f, "memfd_create(here-document, {} bytes) -> {fd}", body.len()),
            FdOp::Inherit { fd } => write!(f, "fcntl({fd}, F_SETFD, 0)"),
        }
    }
}

/// A redirection after expansion: the operator, the fd and the expanded word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirection {
    /// The io-number written, if any.
    pub fd: Option<RawFd>,
    /// The operator.
    pub op: RedirOp,
    /// The expanded word: a file name, an fd number or `-`.
    pub target: String,
}

/// A redirection that cannot become a plan (status 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// `>&WORD` where WORD is no fd number (nor `-`).
    #[error("{0}: bad fd number")]
    BadFdNumber(String),
    /// A file name with a NUL byte, which no system call can take.
    #[error("{0}: file name contains a NUL byte")]
    NulInPath(String),
}

/// Turns a command's redirections, in order, into fd operations.
pub fn redirection_ops(redirs: &[Redirection], noclobber: bool, out: &mut Vec<FdOp>) -> Result<(), PlanError> {
    for r in redirs {
        let fd = r.fd.unwrap_or(r.op.default_fd());
        let path = || crate::bytes::cstring(&r.target).ok_or_else(|| PlanError::NulInPath(r.target.clone()));
        let out_mode = if noclobber { OpenMode::NoClobber } else { OpenMode::Truncate };
        match r.op {
            RedirOp::In => out.push(FdOp::Open { fd, path: path()?, mode: OpenMode::Read }),
            RedirOp::Out => out.push(FdOp::Open { fd, path: path()?, mode: out_mode }),
            RedirOp::Clobber => out.push(FdOp::Open { fd, path: path()?, mode: OpenMode::Truncate }),
            RedirOp::Append => out.push(FdOp::Open { fd, path: path()?, mode: OpenMode::Append }),
            RedirOp::ReadWrite => out.push(FdOp::Open { fd, path: path()?, mode: OpenMode::ReadWrite }),
            RedirOp::DupIn | RedirOp::DupOut => {
                if r.target == "-" {
                    out.push(FdOp::Close { fd: FdRef::Fd(fd) });
                } else {
                    let src = parse_fd(&r.target).ok_or_else(|| PlanError::BadFdNumber(r.target.clone()))?;
                    out.push(FdOp::Dup { src: FdRef::Fd(src), dst: fd });
                }
            }
            // The target of a here-document is its expanded body.
            RedirOp::HereDoc { .. } => {
                out.push(FdOp::HereDoc { fd, body: crate::bytes::encode(&r.target).into_owned() })
            }
            // A here-string is its expanded word and a newline.
            RedirOp::HereString => {
                let mut body = crate::bytes::encode(&r.target).into_owned();
                body.push(b'\n');
                out.push(FdOp::HereDoc { fd, body })
            }
            RedirOp::OutErr | RedirOp::AppendOutErr => {
                let mode = if r.op == RedirOp::OutErr { out_mode } else { OpenMode::Append };
                out.push(FdOp::Open { fd: 1, path: path()?, mode });
                out.push(FdOp::Dup { src: FdRef::Fd(1), dst: 2 });
            }
        }
    }
    Ok(())
}

fn parse_fd(s: &str) -> Option<RawFd> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The fd operations that connect stage `index` of an `stages`-long pipeline
/// to its neighbours. Pipe `k` joins stage `k` to stage `k + 1`. The closes
/// are explicit (not left to `O_CLOEXEC`) so a stage that does not exec — a
/// builtin — holds no stray pipe end that would keep its reader waiting.
pub fn pipe_ops(index: usize, stages: usize) -> Vec<FdOp> {
    let mut ops = Vec::new();
    let reads = index > 0;
    let writes = index + 1 < stages;
    if reads {
        ops.push(FdOp::Dup { src: FdRef::PipeRead(index - 1), dst: 0 });
    }
    if writes {
        ops.push(FdOp::Dup { src: FdRef::PipeWrite(index), dst: 1 });
    }
    if reads {
        ops.push(FdOp::Close { fd: FdRef::PipeRead(index - 1) });
    }
    if writes {
        ops.push(FdOp::Close { fd: FdRef::PipeRead(index) });
        ops.push(FdOp::Close { fd: FdRef::PipeWrite(index) });
    }
    ops
}

/// `< /dev/null` for a background job in a shell without job control
/// (POSIX 2.9.3), before the job's own redirections.
pub fn background_stdin() -> FdOp {
    FdOp::Open { fd: 0, path: c"/dev/null".to_owned(), mode: OpenMode::Read }
}

/// What an fd refers to, symbolically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Describe {
    /// What the fd held when the process started (inherited from the shell).
    Inherited(RawFd),
    /// A file, opened with `mode`.
    File {
        /// The file's name.
        path: String,
        /// How it was opened.
        mode: OpenMode,
    },
    /// The read end of pipe number N.
    PipeRead(usize),
    /// The write end of pipe number N.
    PipeWrite(usize),
    /// A here-document's memory file.
    HereDoc,
    /// The shell's end of a process substitution's pipe.
    ProcessSub,
}

impl fmt::Display for Describe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Describe::Inherited(fd) => write!(f, "shell's fd {fd}"),
            Describe::File { path, mode } => write!(f, "{path} ({})", mode.flag_names()),
            Describe::PipeRead(p) => write!(f, "pipe#{p} read end"),
            Describe::PipeWrite(p) => write!(f, "pipe#{p} write end"),
            Describe::HereDoc => f.write_str("here-document"),
            Describe::ProcessSub => f.write_str("process substitution pipe"),
        }
    }
}

/// A symbolic fd table: replaying a plan on it shows where every fd points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FdTable {
    /// Each open fd and what it refers to.
    pub fds: BTreeMap<RawFd, Describe>,
    /// The numbers `pipe()` gave the pipe ends, as the plan's pipe
    /// references resolve to them (they keep these numbers even after a
    /// dup2 has made, say, fd 1 another name for the same pipe).
    pipe_numbers: Vec<(FdRef, RawFd)>,
}

/// A plan that names an fd that is not open; the message says which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}: bad file descriptor")]
pub struct BadFd(pub String);

impl FdTable {
    /// fds 0, 1, 2 as inherited, plus the given pipe ends on the next free
    /// numbers (as `pipe(2)` hands them out).
    pub fn start(pipe_ends: &[Describe]) -> Self {
        let mut fds: BTreeMap<RawFd, Describe> = (0..3).map(|fd| (fd, Describe::Inherited(fd))).collect();
        let mut pipe_numbers = Vec::new();
        for (fd, end) in (3..).zip(pipe_ends) {
            match end {
                Describe::PipeRead(p) => pipe_numbers.push((FdRef::PipeRead(*p), fd)),
                Describe::PipeWrite(p) => pipe_numbers.push((FdRef::PipeWrite(*p), fd)),
                _ => {}
            }
            fds.insert(fd, end.clone());
        }
        FdTable { fds, pipe_numbers }
    }

    fn resolve(&self, r: FdRef) -> Option<RawFd> {
        match r {
            FdRef::Fd(n) => Some(n),
            pipe => self.pipe_numbers.iter().find(|(p, _)| *p == pipe).map(|(_, fd)| *fd),
        }
    }

    /// Applies `ops` in order, as the spawner would.
    pub fn simulate(mut self, ops: &[FdOp]) -> Result<Self, BadFd> {
        for op in ops {
            match op {
                FdOp::Open { fd, path, mode } => {
                    self.fds.insert(*fd, Describe::File { path: path.to_string_lossy().into_owned(), mode: *mode });
                }
                FdOp::Dup { src, dst } => {
                    let from = self.resolve(*src).and_then(|n| self.fds.get(&n).cloned());
                    let from = from.ok_or_else(|| BadFd(src.to_string()))?;
                    self.fds.insert(*dst, from);
                }
                FdOp::Close { fd } => {
                    if let Some(n) = self.resolve(*fd) {
                        self.fds.remove(&n);
                    }
                }
                FdOp::HereDoc { fd, .. } => {
                    self.fds.insert(*fd, Describe::HereDoc);
                }
                FdOp::Inherit { fd } => {
                    self.fds.insert(*fd, Describe::ProcessSub);
                }
            }
        }
        Ok(self)
    }

    /// Puts a pipe end the process holds on fd `fd` (its number known).
    pub fn hold(&mut self, end: FdRef, fd: RawFd, d: Describe) {
        self.pipe_numbers.retain(|(p, _)| *p != end);
        self.pipe_numbers.push((end, fd));
        self.fds.insert(fd, d);
    }

    /// [`FdTable::simulate`], with pipe ends numbered by `pipes` (where
    /// the table does not know them).
    pub fn simulate_with(mut self, ops: &[FdOp], pipes: &dyn Fn(FdRef) -> RawFd) -> Result<Self, BadFd> {
        for op in ops {
            for r in [op_src(op)].into_iter().flatten() {
                if !matches!(r, FdRef::Fd(_)) && self.resolve(r).is_none() {
                    let n = pipes(r);
                    if n >= 0 {
                        self.pipe_numbers.push((r, n));
                    }
                }
            }
        }
        self.simulate(ops)
    }

    /// What `fd` refers to, if it is open.
    pub fn get(&self, fd: RawFd) -> Option<&Describe> {
        self.fds.get(&fd)
    }
}

/// The pipe end or fd an op reads from or closes.
fn op_src(op: &FdOp) -> Option<FdRef> {
    match op {
        FdOp::Dup { src, .. } => Some(*src),
        FdOp::Close { fd } => Some(*fd),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redir(fd: Option<RawFd>, op: RedirOp, target: &str) -> Redirection {
        Redirection { fd, op, target: target.into() }
    }

    fn ops(redirs: &[Redirection]) -> Vec<FdOp> {
        let mut v = Vec::new();
        redirection_ops(redirs, false, &mut v).unwrap();
        v
    }

    fn file(path: &str, mode: OpenMode) -> Describe {
        Describe::File { path: path.into(), mode }
    }

    #[test]
    fn order_of_out_and_dup_matters() {
        // cmd >out 2>&1: both to the file.
        let a = ops(&[redir(None, RedirOp::Out, "out"), redir(Some(2), RedirOp::DupOut, "1")]);
        let t = FdTable::start(&[]).simulate(&a).unwrap();
        assert_eq!(t.get(1), Some(&file("out", OpenMode::Truncate)));
        assert_eq!(t.get(2), Some(&file("out", OpenMode::Truncate)));
        // cmd 2>&1 >out: stderr keeps the old stdout.
        let b = ops(&[redir(Some(2), RedirOp::DupOut, "1"), redir(None, RedirOp::Out, "out")]);
        let t = FdTable::start(&[]).simulate(&b).unwrap();
        assert_eq!(t.get(1), Some(&file("out", OpenMode::Truncate)));
        assert_eq!(t.get(2), Some(&Describe::Inherited(1)));
    }

    #[test]
    fn each_operator_maps_to_its_syscalls() {
        let cases: Vec<(Redirection, Vec<FdOp>)> = vec![
            (redir(None, RedirOp::In, "f"), vec![FdOp::Open { fd: 0, path: c"f".into(), mode: OpenMode::Read }]),
            (
                redir(Some(3), RedirOp::Out, "f"),
                vec![FdOp::Open { fd: 3, path: c"f".into(), mode: OpenMode::Truncate }],
            ),
            (redir(None, RedirOp::Append, "f"), vec![FdOp::Open { fd: 1, path: c"f".into(), mode: OpenMode::Append }]),
            (
                redir(None, RedirOp::Clobber, "f"),
                vec![FdOp::Open { fd: 1, path: c"f".into(), mode: OpenMode::Truncate }],
            ),
            (
                redir(None, RedirOp::ReadWrite, "f"),
                vec![FdOp::Open { fd: 0, path: c"f".into(), mode: OpenMode::ReadWrite }],
            ),
            (redir(Some(4), RedirOp::DupIn, "0"), vec![FdOp::Dup { src: FdRef::Fd(0), dst: 4 }]),
            (redir(None, RedirOp::DupOut, "2"), vec![FdOp::Dup { src: FdRef::Fd(2), dst: 1 }]),
            (redir(Some(2), RedirOp::DupOut, "-"), vec![FdOp::Close { fd: FdRef::Fd(2) }]),
            (redir(None, RedirOp::DupIn, "-"), vec![FdOp::Close { fd: FdRef::Fd(0) }]),
            (
                redir(None, RedirOp::OutErr, "f"),
                vec![
                    FdOp::Open { fd: 1, path: c"f".into(), mode: OpenMode::Truncate },
                    FdOp::Dup { src: FdRef::Fd(1), dst: 2 },
                ],
            ),
            (
                redir(None, RedirOp::AppendOutErr, "f"),
                vec![
                    FdOp::Open { fd: 1, path: c"f".into(), mode: OpenMode::Append },
                    FdOp::Dup { src: FdRef::Fd(1), dst: 2 },
                ],
            ),
        ];
        for (r, want) in cases {
            assert_eq!(ops(std::slice::from_ref(&r)), want, "{r:?}");
        }
    }

    #[test]
    fn noclobber_changes_only_plain_out() {
        let mut v = Vec::new();
        let rs =
            [redir(None, RedirOp::Out, "a"), redir(None, RedirOp::Clobber, "b"), redir(None, RedirOp::OutErr, "c")];
        redirection_ops(&rs, true, &mut v).unwrap();
        let modes: Vec<_> =
            v.iter().filter_map(|o| if let FdOp::Open { mode, .. } = o { Some(*mode) } else { None }).collect();
        assert_eq!(modes, [OpenMode::NoClobber, OpenMode::Truncate, OpenMode::NoClobber]);
    }

    #[test]
    fn bad_fd_words_are_errors() {
        let mut v = Vec::new();
        for word in ["foo", "", "1x", "-1"] {
            let r = redirection_ops(&[redir(None, RedirOp::DupOut, word)], false, &mut v);
            assert_eq!(r, Err(PlanError::BadFdNumber(word.into())));
        }
    }

    #[test]
    fn dup_of_a_closed_fd_fails_in_simulation() {
        let a = ops(&[redir(Some(3), RedirOp::DupOut, "-"), redir(None, RedirOp::DupOut, "3")]);
        assert_eq!(FdTable::start(&[]).simulate(&a), Err(BadFd("3".into())));
        let swap = ops(&[
            redir(Some(3), RedirOp::DupOut, "1"),
            redir(Some(1), RedirOp::DupOut, "2"),
            redir(Some(2), RedirOp::DupOut, "3"),
            redir(Some(3), RedirOp::DupOut, "-"),
        ]);
        let t = FdTable::start(&[]).simulate(&swap).unwrap();
        assert_eq!(t.get(1), Some(&Describe::Inherited(2)));
        assert_eq!(t.get(2), Some(&Describe::Inherited(1)));
        assert_eq!(t.get(3), None);
    }

    #[test]
    fn pipeline_stages_see_only_their_pipe_ends() {
        // Three stages, two pipes. After wiring, the middle stage reads pipe 0
        // and writes pipe 1 on fds 0 and 1, and holds no other pipe end.
        use Describe::{PipeRead as R, PipeWrite as W};
        // The shell creates pipe k just before forking stage k and closes its
        // copies once they are handed on, so each stage starts holding:
        let held = [vec![R(0), W(0)], vec![R(0), R(1), W(1)], vec![R(1)]];
        let want = [(Describe::Inherited(0), W(0)), (R(0), W(1)), (R(1), Describe::Inherited(1))];
        for (index, (held, (want_in, want_out))) in held.iter().zip(want).enumerate() {
            let t = FdTable::start(held).simulate(&pipe_ops(index, 3)).unwrap();
            assert_eq!(t.get(0), Some(&want_in), "stage {index}");
            assert_eq!(t.get(1), Some(&want_out), "stage {index}");
            assert_eq!(t.fds.keys().copied().collect::<Vec<_>>(), [0, 1, 2], "stage {index}: {t:?}");
        }
        assert!(pipe_ops(0, 1).is_empty());
    }

    #[test]
    fn ops_print_as_syscalls() {
        let a = ops(&[redir(None, RedirOp::Append, "log"), redir(Some(2), RedirOp::DupOut, "1")]);
        let shown: Vec<_> = a.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["open(\"log\", O_WRONLY|O_CREAT|O_APPEND) -> 1", "dup2(1, 2)"]);
        assert_eq!(FdOp::Close { fd: FdRef::PipeRead(0) }.to_string(), "close(pipe#0.read)");
    }
}
