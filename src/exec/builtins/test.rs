//! `test` and `[`: POSIX's rules for 0–4 arguments, and a recursive-descent
//! parser (`!`, `-a`, `-o`, parentheses) beyond that.

use super::{Exec, Shell};
use crate::expand;
use crate::syntax::ast::{CondExpr, Word};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

type T = Result<bool, TestError>;

/// Why `test`, `[` or `[[ ]]` could not evaluate its expression: status 2,
/// as dash and bash (the messages are theirs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestError {
    /// An argument left over after a whole expression.
    #[error("unexpected '{0}'")]
    Unexpected(String),
    /// An operator at the end, with nothing to work on.
    #[error("argument expected")]
    ArgumentExpected,
    /// `( …` without its `)`.
    #[error("missing ')'")]
    MissingParen,
    /// `-eq` and the like on something that is not an integer.
    #[error("{0}: bad number")]
    BadNumber(String),
    /// A word where an operator must be.
    #[error("{0}: unknown operator")]
    UnknownOperator(String),
    /// `=~` with a pattern regcomp refuses.
    #[error("{0}: invalid regular expression")]
    BadRegex(String),
    /// `[[ a -eq b ]]`: a side that is not a valid arithmetic expression.
    #[error("{0}")]
    Arith(String),
}

impl TestError {
    /// The status of a command that fails this way.
    pub fn status(&self) -> i32 {
        crate::status::USAGE
    }
}

pub fn test(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    if argv[0] == "[" {
        if args.last() != Some(&"]") {
            sh.error("[: missing ]");
            return Ok(2);
        }
        args.pop();
    }
    match evaluate(&args) {
        Ok(true) => Ok(0),
        Ok(false) => Ok(1),
        Err(e) => {
            sh.error(&format!("{}: {e}", argv[0]));
            Ok(e.status())
        }
    }
}

const UNARY: &[&str] = &[
    "-b", "-c", "-d", "-e", "-f", "-g", "-G", "-h", "-k", "-L", "-n", "-O", "-p", "-r", "-s", "-S", "-t", "-u", "-w",
    "-x", "-z",
];
const BINARY: &[&str] = &["=", "!=", "==", "<", ">", "-eq", "-ne", "-gt", "-ge", "-lt", "-le", "-nt", "-ot", "-ef"];

pub fn evaluate(args: &[&str]) -> T {
    match args {
        [] => Ok(false),
        [a] => Ok(!a.is_empty()),
        ["!", a] => Ok(a.is_empty()),
        [op, a] if UNARY.contains(op) => unary(op, a),
        [a, op, b] if BINARY.contains(op) => binary(a, op, b),
        ["!", a, b] => evaluate(&[a, b]).map(|v| !v),
        ["(", a, ")"] => evaluate(&[a]),
        ["!", rest @ ..] if args.len() == 4 => evaluate(rest).map(|v| !v),
        ["(", a, b, ")"] => evaluate(&[a, b]),
        _ => {
            let mut p = Expr { args, pos: 0 };
            let v = p.or()?;
            match args.get(p.pos) {
                None => Ok(v),
                Some(extra) => Err(TestError::Unexpected(extra.to_string())),
            }
        }
    }
}

struct Expr<'a, 'b> {
    args: &'a [&'b str],
    pos: usize,
}

impl<'b> Expr<'_, 'b> {
    fn peek(&self) -> Option<&'b str> {
        self.args.get(self.pos).copied()
    }

    fn or(&mut self) -> T {
        let mut v = self.and()?;
        while self.peek() == Some("-o") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> T {
        let mut v = self.not()?;
        while self.peek() == Some("-a") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> T {
        if self.peek() == Some("!") {
            self.pos += 1;
            return self.not().map(|v| !v);
        }
        self.primary()
    }

    fn primary(&mut self) -> T {
        let Some(a) = self.peek() else { return Err(TestError::ArgumentExpected) };
        if a == "(" {
            self.pos += 1;
            let v = self.or()?;
            if self.peek() != Some(")") {
                return Err(TestError::MissingParen);
            }
            self.pos += 1;
            return Ok(v);
        }
        if let Some(op) = self.args.get(self.pos + 1).copied()
            && BINARY.contains(&op)
            && let Some(b) = self.args.get(self.pos + 2).copied()
        {
            self.pos += 3;
            return binary(a, op, b);
        }
        if UNARY.contains(&a)
            && let Some(b) = self.args.get(self.pos + 1).copied()
        {
            self.pos += 2;
            return unary(a, b);
        }
        self.pos += 1;
        Ok(!a.is_empty())
    }
}

fn integer(s: &str) -> Result<i64, TestError> {
    s.trim().parse().map_err(|_| TestError::BadNumber(s.to_string()))
}

fn unary(op: &str, a: &str) -> T {
    if op == "-n" {
        return Ok(!a.is_empty());
    }
    if op == "-z" {
        return Ok(a.is_empty());
    }
    if op == "-t" {
        let fd: i32 = integer(a)? as i32;
        // SAFETY: isatty on an integer fd.
        return Ok(unsafe { libc::isatty(fd) } == 1);
    }
    if matches!(op, "-h" | "-L") {
        return Ok(std::fs::symlink_metadata(crate::bytes::path(a)).is_ok_and(|m| m.file_type().is_symlink()));
    }
    let access = |mode| nix::unistd::access(crate::bytes::path(a).as_path(), mode).is_ok();
    let Ok(m) = std::fs::metadata(crate::bytes::path(a)) else { return Ok(false) };
    let ft = m.file_type();
    Ok(match op {
        "-e" => true,
        "-f" => ft.is_file(),
        "-d" => ft.is_dir(),
        "-b" => ft.is_block_device(),
        "-c" => ft.is_char_device(),
        "-p" => ft.is_fifo(),
        "-S" => ft.is_socket(),
        "-s" => m.len() > 0,
        "-g" => m.permissions().mode() & 0o2000 != 0,
        "-u" => m.permissions().mode() & 0o4000 != 0,
        "-k" => m.permissions().mode() & 0o1000 != 0,
        "-O" => m.uid() == nix::unistd::geteuid().as_raw(),
        "-G" => m.gid() == nix::unistd::getegid().as_raw(),
        "-r" => access(nix::unistd::AccessFlags::R_OK),
        "-w" => access(nix::unistd::AccessFlags::W_OK),
        "-x" => access(nix::unistd::AccessFlags::X_OK),
        _ => return Err(TestError::UnknownOperator(op.to_string())),
    })
}

fn binary(a: &str, op: &str, b: &str) -> T {
    let mtime = |p: &str| std::fs::metadata(crate::bytes::path(p)).and_then(|m| m.modified()).ok();
    Ok(match op {
        "=" | "==" => a == b,
        "!=" => a != b,
        "<" => a < b,
        ">" => a > b,
        "-eq" => integer(a)? == integer(b)?,
        "-ne" => integer(a)? != integer(b)?,
        "-gt" => integer(a)? > integer(b)?,
        "-ge" => integer(a)? >= integer(b)?,
        "-lt" => integer(a)? < integer(b)?,
        "-le" => integer(a)? <= integer(b)?,
        "-nt" => {
            matches!((mtime(a), mtime(b)), (Some(x), Some(y)) if x > y) || (mtime(a).is_some() && mtime(b).is_none())
        }
        "-ot" => {
            matches!((mtime(a), mtime(b)), (Some(x), Some(y)) if x < y) || (mtime(a).is_none() && mtime(b).is_some())
        }
        "-ef" => match (std::fs::metadata(crate::bytes::path(a)), std::fs::metadata(crate::bytes::path(b))) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        },
        _ => return Err(TestError::UnknownOperator(op.to_string())),
    })
}

/// `[[ expression ]]` (bash): 0 when true, 1 when false, 2 on an error
/// (a bad number or regular expression).
pub fn cond(sh: &mut Shell, e: &CondExpr) -> Exec {
    match cond_eval(sh, e)? {
        Ok(true) => Ok(0),
        Ok(false) => Ok(1),
        Err(msg) => {
            sh.error(&format!("[[: {msg}"));
            Ok(2)
        }
    }
}

fn cond_eval(sh: &mut Shell, e: &CondExpr) -> Exec<T> {
    let word = |sh: &mut Shell, w: &Word| expand::expand_single(sh, w, false).map_err(|e| sh.expansion_failed(e));
    Ok(match e {
        CondExpr::Word(w) => Ok(!word(sh, w)?.is_empty()),
        CondExpr::Group(e) => cond_eval(sh, e)?,
        CondExpr::Not(e) => cond_eval(sh, e)?.map(|b| !b),
        CondExpr::And(a, b) => match cond_eval(sh, a)? {
            Ok(true) => cond_eval(sh, b)?,
            other => other,
        },
        CondExpr::Or(a, b) => match cond_eval(sh, a)? {
            Ok(false) => cond_eval(sh, b)?,
            other => other,
        },
        CondExpr::Unary(op, w) => {
            let a = word(sh, w)?;
            match op.as_str() {
                "-v" => Ok(sh.state.vars.get(&a).is_some()),
                "-a" => unary("-e", &a),
                "-o" => Ok(sh.state.options.clone().named_mut(&a).is_some_and(|f| *f)),
                "-N" => Ok(std::fs::metadata(crate::bytes::path(&a)).is_ok_and(|m| {
                    m.mtime() > m.atime() || (m.mtime() == m.atime() && m.mtime_nsec() > m.atime_nsec())
                })),
                op => unary(op, &a),
            }
        }
        CondExpr::Binary(l, op, r) => {
            let a = word(sh, l)?;
            match op.as_str() {
                "==" | "=" | "!=" => {
                    let p = expand::expand_pattern(sh, r).map_err(|e| sh.expansion_failed(e))?;
                    Ok(expand::pattern_matches(&p, &a) == (op != "!="))
                }
                "=~" => {
                    let re = expand::expand_regex(sh, r).map_err(|e| sh.expansion_failed(e))?;
                    regex_match(&re, &a)
                }
                "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                    // Both sides are arithmetic expressions.
                    let b = word(sh, r)?;
                    let mut num = |s: &str| {
                        if s.trim().is_empty() {
                            return Ok(0);
                        }
                        crate::expand::arith::eval(&mut sh.state, s).map_err(|e| TestError::Arith(e.to_string()))
                    };
                    match (num(&a), num(&b)) {
                        (Ok(x), Ok(y)) => binary(&x.to_string(), op, &y.to_string()),
                        (Err(e), _) | (_, Err(e)) => Err(e),
                    }
                }
                _ => {
                    let b = word(sh, r)?;
                    binary(&a, op, &b)
                }
            }
        }
    })
}

/// `text =~ re`: a POSIX extended regular expression, as bash matches it
/// (through the C library's regcomp, unanchored).
fn regex_match(re: &str, text: &str) -> T {
    let (Some(re_c), Some(text_c)) = (crate::bytes::cstring(re), crate::bytes::cstring(text)) else {
        return Ok(false);
    };
    // SAFETY: regex_t is plain data that regcomp fills in; it is freed
    // once, after the one regexec that uses it.
    unsafe {
        let mut compiled: libc::regex_t = std::mem::zeroed();
        if libc::regcomp(&mut compiled, re_c.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) != 0 {
            return Err(TestError::BadRegex(re.to_string()));
        }
        let r = libc::regexec(&compiled, text_c.as_ptr(), 0, std::ptr::null_mut(), 0);
        libc::regfree(&mut compiled);
        Ok(r == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::evaluate;

    #[test]
    fn posix_argument_counts() {
        assert_eq!(evaluate(&[]), Ok(false));
        assert_eq!(evaluate(&["x"]), Ok(true));
        assert_eq!(evaluate(&[""]), Ok(false));
        assert_eq!(evaluate(&["!", ""]), Ok(true));
        assert_eq!(evaluate(&["-z", ""]), Ok(true));
        assert_eq!(evaluate(&["a", "=", "a"]), Ok(true));
        assert_eq!(evaluate(&["!", "a", "=", "b"]), Ok(true));
        assert_eq!(evaluate(&["(", "x", ")"]), Ok(true));
        assert_eq!(evaluate(&["-n"]), Ok(true), "one argument: a non-empty string");
        assert_eq!(evaluate(&["=", "=", "="]), Ok(true));
    }

    #[test]
    fn logic_and_numbers() {
        assert_eq!(evaluate(&["1", "-lt", "2", "-a", "b", "!=", "c"]), Ok(true));
        assert_eq!(evaluate(&["1", "-gt", "2", "-o", "(", "x", "=", "x", ")"]), Ok(true));
        assert_eq!(evaluate(&["!", "(", "1", "-eq", "1", ")", "-a", "x"]), Ok(false));
        assert!(evaluate(&["a", "-eq", "1"]).is_err());
        assert!(evaluate(&["(", "x"]).is_err());
    }

    #[test]
    fn files() {
        assert_eq!(evaluate(&["-d", "/"]), Ok(true));
        assert_eq!(evaluate(&["-f", "/"]), Ok(false));
        assert_eq!(evaluate(&["-e", "/no/such/file"]), Ok(false));
        assert_eq!(evaluate(&["-c", "/dev/null"]), Ok(true));
        assert_eq!(evaluate(&["/", "-ef", "/."]), Ok(true));
    }
}
