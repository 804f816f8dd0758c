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
        if !unescape(a, &mut text) {
            return out(sh, "echo", &text);
        }
    }
    if newline {
        text.push('\n');
    }
    out(sh, "echo", &text)
}

/// Appends `s` with escapes interpreted; false when `\c` ends all output.
fn unescape(s: &str, out: &mut String) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('c') => return false,
            Some('f') => out.push('\x0c'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('0') => {
                let mut value = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value & 0xff).unwrap_or('\0'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        let mut s = String::new();
        assert!(super::unescape(r"a\tb\\n\0101\q", &mut s));
        assert_eq!(s, "a\tb\\nA\\q");
        let mut s = String::new();
        assert!(!super::unescape(r"x\cy", &mut s));
        assert_eq!(s, "x");
    }
}
