//! `printf FORMAT [ARG…]`, as POSIX describes it: the format is reused
//! until the arguments run out; `%b` interprets backslash escapes in its
//! argument; a numeric argument may be `'c` (the character's code).

use super::{Exec, Shell, out, usage_error};

/// A format or argument printf cannot use: reported, the rest printed,
/// status 1 (dash, bash).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintfError {
    /// A `%` at the end of the format.
    #[error("missing format character")]
    MissingFormatChar,
    /// A numeric conversion's argument that is not a number.
    #[error("{0}: invalid number")]
    InvalidNumber(String),
    /// A conversion printf does not have (`%y`).
    #[error("%{0}: invalid conversion")]
    InvalidConversion(char),
}

pub fn printf(sh: &mut Shell, argv: &[String]) -> Exec {
    let Some(format) = argv.get(1) else {
        return usage_error(sh, false, "printf: usage: printf FORMAT [ARG...]");
    };
    let mut args = argv[2..].iter().map(String::as_str);
    let mut text = String::new();
    let mut status = 0;
    loop {
        let before = args.len();
        match render(format, &mut args, &mut text) {
            Ok(stop) if stop => break,
            Ok(_) => {}
            Err(e) => {
                sh.error(&format!("printf: {e}"));
                status = 1;
            }
        }
        // Reuse the format only while it consumes arguments.
        if args.len() == 0 || args.len() == before {
            break;
        }
    }
    match out(sh, "printf", &text)? {
        0 => Ok(status),
        s => Ok(s),
    }
}

/// One pass over the format. Returns true when `\c` stopped all output.
fn render<'a>(format: &str, args: &mut impl Iterator<Item = &'a str>, out: &mut String) -> Result<bool, PrintfError> {
    let mut chars = format.chars().peekable();
    let mut error = None;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if escape(&mut chars, out, false) {
                    return Ok(true);
                }
            }
            '%' => {
                if chars.peek() == Some(&'%') {
                    chars.next();
                    out.push('%');
                    continue;
                }
                let mut spec = String::from("%");
                while let Some(&f) = chars.peek() {
                    if "-+ #0".contains(f) || f.is_ascii_digit() || f == '.' {
                        spec.push(f);
                        chars.next();
                    } else if f == '*' {
                        // The width or precision is the next argument.
                        chars.next();
                        let n = args.next().map_or(Ok(0), number).unwrap_or(0);
                        if spec.ends_with('.') {
                            if n < 0 {
                                spec.pop();
                            } else {
                                spec.push_str(&n.to_string());
                            }
                        } else {
                            if n < 0 {
                                spec.push('-');
                            }
                            spec.push_str(&n.unsigned_abs().to_string());
                        }
                    } else {
                        break;
                    }
                }
                let Some(conv) = chars.next() else { return Err(PrintfError::MissingFormatChar) };
                let arg = args.next();
                match conversion(&spec, conv, arg, out) {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(e) => error = Some(e),
                }
            }
            c => out.push(c),
        }
    }
    error.map_or(Ok(false), Err)
}

/// `s` with `%b`'s escapes interpreted (also what XSI `echo` does);
/// false when `\c` ended all output.
pub fn unescape_b(s: &str, out: &mut String) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if escape(&mut chars, out, true) {
                return false;
            }
        } else {
            out.push(c);
        }
    }
    true
}

/// A backslash escape (the backslash already read). `in_b` is `%b`, where
/// octal escapes are `\0NNN`. Returns true for `\c`.
fn escape(chars: &mut std::iter::Peekable<std::str::Chars>, out: &mut String, in_b: bool) -> bool {
    let Some(e) = chars.next() else {
        out.push('\\');
        return false;
    };
    match e {
        'a' => out.push('\x07'),
        'b' => out.push('\x08'),
        'c' if in_b => return true,
        'f' => out.push('\x0c'),
        'n' => out.push('\n'),
        'r' => out.push('\r'),
        't' => out.push('\t'),
        'v' => out.push('\x0b'),
        '\\' => out.push('\\'),
        '0'..='7' => {
            let mut value = if in_b && e == '0' { 0 } else { e.to_digit(8).unwrap_or(0) };
            let max = if in_b && e == '0' { 3 } else { 2 };
            for _ in 0..max {
                match chars.peek().and_then(|d| d.to_digit(8)) {
                    Some(d) => {
                        value = value * 8 + d;
                        chars.next();
                    }
                    None => break,
                }
            }
            out.push(crate::bytes::byte_char((value & 0xff) as u8));
        }
        other => {
            out.push('\\');
            out.push(other);
        }
    }
    false
}

/// A number argument: decimal, octal, hex, or `'c` for a character code.
fn number(arg: &str) -> Result<i64, PrintfError> {
    if let Some(rest) = arg.strip_prefix(['\'', '"']) {
        return Ok(rest.chars().next().map_or(0, |c| crate::bytes::raw_byte(c).map_or(c as i64, i64::from)));
    }
    if arg.trim().is_empty() {
        return Ok(0);
    }
    crate::expand::arith::parse_number(arg).ok_or_else(|| PrintfError::InvalidNumber(arg.to_string()))
}

/// `%q` (bash): the argument quoted so the shell reads it back as itself.
fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    if s.chars().any(|c| c.is_control() || crate::bytes::raw_byte(c).is_some()) {
        let mut out = String::from("$'");
        for c in s.chars() {
            match c {
                '\\' | '\'' => {
                    out.push('\\');
                    out.push(c);
                }
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\x1b' => out.push_str("\\E"),
                c if c.is_control() => out.push_str(&format!("\\{:03o}", c as u32)),
                c => match crate::bytes::raw_byte(c) {
                    Some(b) => out.push_str(&format!("\\{b:03o}")),
                    None => out.push(c),
                },
            }
        }
        out.push('\'');
        return out;
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let special = " \t!\"#$&'()*,;<>?[\\]^`{|}".contains(c) || (c == '~' && i == 0);
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn pad(spec: &str, body: String, numeric: bool) -> String {
    let flags: String = spec[1..].chars().take_while(|c| "-+ #0".contains(*c)).collect();
    let rest = &spec[1 + flags.len()..];
    let width: usize = rest.split('.').next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if flags.contains('-') {
        format!("{body}{}", " ".repeat(fill))
    } else if flags.contains('0') && numeric && !rest.contains('.') {
        let (sign, digits) = if body.starts_with(['-', '+', ' ']) { body.split_at(1) } else { ("", body.as_str()) };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn precision(spec: &str) -> Option<usize> {
    spec.split_once('.').map(|(_, p)| p.parse().unwrap_or(0))
}

/// One `%…` conversion. Returns true when a `%b` argument held `\c`.
fn conversion(spec: &str, conv: char, arg: Option<&str>, out: &mut String) -> Result<bool, PrintfError> {
    let flags: String = spec[1..].chars().take_while(|c| "-+ #0".contains(*c)).collect();
    match conv {
        's' => {
            let mut s = arg.unwrap_or("").to_string();
            if let Some(p) = precision(spec) {
                s = s.chars().take(p).collect();
            }
            out.push_str(&pad(spec, s, false));
        }
        'q' => out.push_str(&pad(spec, shell_quote(arg.unwrap_or("")), false)),
        'b' => {
            let mut s = String::new();
            let complete = unescape_b(arg.unwrap_or(""), &mut s);
            out.push_str(&pad(spec, s, false));
            return Ok(!complete);
        }
        // The first character; of an empty or missing argument a NUL, as in
        // dash and bash.
        'c' => out.push_str(&pad(spec, arg.and_then(|a| a.chars().next()).unwrap_or('\0').to_string(), false)),
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = arg.map_or(Ok(0), number);
            let (n, err) = match n {
                Ok(n) => (n, None),
                Err(e) => (0, Some(e)),
            };
            let mut body = match conv {
                'o' => format!("{}{:o}", if flags.contains('#') && n != 0 { "0" } else { "" }, n),
                'x' => format!("{}{:x}", if flags.contains('#') && n != 0 { "0x" } else { "" }, n),
                'X' => format!("{}{:X}", if flags.contains('#') && n != 0 { "0X" } else { "" }, n),
                'u' => (n as u64).to_string(),
                _ => n.to_string(),
            };
            if let Some(p) = precision(spec) {
                let (sign, digits) = if body.starts_with('-') { body.split_at(1) } else { ("", body.as_str()) };
                if digits.len() < p {
                    body = format!("{sign}{}{digits}", "0".repeat(p - digits.len()));
                }
            }
            if matches!(conv, 'd' | 'i') && n >= 0 {
                if flags.contains('+') {
                    body.insert(0, '+');
                } else if flags.contains(' ') {
                    body.insert(0, ' ');
                }
            }
            out.push_str(&pad(spec, body, true));
            if let Some(e) = err {
                return Err(e);
            }
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            let v: f64 = match arg {
                Some(a) if a.starts_with(['\'', '"']) => number(a)? as f64,
                Some(a) if !a.trim().is_empty() => {
                    a.trim().parse().map_err(|_| PrintfError::InvalidNumber(a.to_string()))?
                }
                _ => 0.0,
            };
            let p = precision(spec).unwrap_or(6);
            let body = match conv {
                'f' | 'F' => format!("{v:.p$}"),
                'e' => format!("{v:.p$e}"),
                'E' => format!("{v:.p$E}"),
                _ => format!("{v}"),
            };
            out.push_str(&pad(spec, body, true));
        }
        other => return Err(PrintfError::InvalidConversion(other)),
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    fn fmt(format: &str, args: &[&str]) -> String {
        let mut out = String::new();
        let mut it = args.iter().copied();
        loop {
            let before = it.len();
            super::render(format, &mut it, &mut out).unwrap();
            if it.len() == 0 || it.len() == before {
                break;
            }
        }
        out
    }

    #[test]
    fn conversions() {
        assert_eq!(fmt("%s-%d\\n", &["a", "42"]), "a-42\n");
        assert_eq!(fmt("[%5s][%-5s][%.2s]", &["ab", "cd", "xyz"]), "[   ab][cd   ][xy]");
        assert_eq!(fmt("%05d|%+d|%x|%o|%#x", &["42", "7", "255", "8", "255"]), "00042|+7|ff|10|0xff");
        assert_eq!(fmt("%d ", &["1", "2", "3"]), "1 2 3 ");
        assert_eq!(fmt("%c%c", &["hello", "world"]), "hw");
        assert_eq!(fmt("%b", &["a\\tb\\0101"]), "a\tbA");
        assert_eq!(fmt("%d", &["'A"]), "65");
        assert_eq!(fmt("%.3f", &["3.14159"]), "3.142");
        assert_eq!(fmt("100%%", &[]), "100%");
        assert_eq!(fmt("%s|%s|", &["only"]), "only||");
    }
}
