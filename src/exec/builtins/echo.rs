//! `echo`, as dash has it (XSI): `-n` as the first argument drops the
//! newline, and backslash escapes are always interpreted.

use super::{Exec, Shell, out};

pub fn echo(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut args = &argv[1..];
    let newline = args.first().is_none_or(|a| a != "-n");
    if !newline {
        args = &args[1..];
    }
    let mut text = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        if !super::printf::unescape_b(a, &mut text) {
            return out(sh, "echo", &text);
        }
    }
    if newline {
        text.push('\n');
    }
    out(sh, "echo", &text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        let mut s = String::new();
        assert!(crate::exec::builtins::printf::unescape_b(r"a\tb\\n\0101\q", &mut s));
        assert_eq!(s, "a\tb\\nA\\q");
        let mut s = String::new();
        assert!(!crate::exec::builtins::printf::unescape_b(r"x\cy", &mut s));
        assert_eq!(s, "x");
    }
}
