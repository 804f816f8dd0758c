//! `echo`, as bash has it: leading arguments made only of `n`, `e` and
//! `E` after a `-` are options (`-n` drops the newline, `-e` interprets
//! backslash escapes, `-E` does not, the default); the rest is printed as
//! it is, separated by spaces.

use super::{Exec, Shell, out};

pub fn echo(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut newline = true;
    let mut escapes = false;
    let mut args = &argv[1..];
    while let Some(flags) = args.first().and_then(|a| a.strip_prefix('-')) {
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        args = &args[1..];
    }
    let unicode = super::utf8_locale(sh);
    let mut text = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        if !escapes {
            text.push_str(a);
        } else if !unescape(a, unicode, &mut text) {
            return out(sh, "echo", &text);
        }
    }
    if newline {
        text.push('\n');
    }
    out(sh, "echo", &text)
}

/// `echo -e`'s escapes in `s`, appended to `out`; false after `\c` (print
/// nothing more, not even the newline).
fn unescape(s: &str, unicode: bool, out: &mut String) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = chars.peek() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'e' | 'E' => Some('\x1b'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(ch) = simple {
            chars.next();
            out.push(ch);
            continue;
        }
        match e {
            'c' => return false,
            // `\0` and up to three octal digits: one byte.
            '0' => {
                chars.next();
                let v = digits(&mut chars, 8, 3).map_or(0, |(v, _)| v);
                out.push(crate::bytes::byte_char((v & 0xff) as u8));
            }
            'x' => {
                chars.next();
                match digits(&mut chars, 16, 2) {
                    Some((v, _)) => out.push(crate::bytes::byte_char(v as u8)),
                    None => out.push_str("\\x"),
                }
            }
            'u' | 'U' => {
                chars.next();
                match digits(&mut chars, 16, if e == 'u' { 4 } else { 8 }) {
                    Some((v, _)) => code_point(v, unicode, out),
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            // Not an escape: the backslash stays.
            _ => out.push('\\'),
        }
    }
    true
}

/// Up to `max` digits in `radix`: their value and count, or `None` when
/// there is none.
fn digits(chars: &mut std::iter::Peekable<std::str::Chars>, radix: u32, max: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut n = 0;
    while n < max {
        let Some(d) = chars.peek().and_then(|c| c.to_digit(radix)) else { break };
        value = value.wrapping_mul(radix).wrapping_add(d);
        chars.next();
        n += 1;
    }
    (n > 0).then_some((value, n))
}

/// A `\u`/`\U` character: ASCII as itself; others as UTF-8 in a UTF-8
/// locale (values that are no character — surrogates, above U+10FFFF — in
/// UTF-8's original scheme, as bash writes them) and as bash spells them
/// elsewhere (`\u00E9`, `\U0001F600`).
fn code_point(v: u32, unicode: bool, out: &mut String) {
    match char::from_u32(v) {
        // Beyond 31 bits: nothing, in any locale (bash).
        _ if v > 0x7fff_ffff => {}
        Some(c) if v < 0x80 || unicode => out.push(c),
        None if unicode => out.extend(original_utf8(v).into_iter().map(crate::bytes::byte_char)),
        _ if v <= 0xffff => out.push_str(&format!("\\u{v:04X}")),
        _ => out.push_str(&format!("\\U{v:08X}")),
    }
}

/// `v` in UTF-8 as first defined (up to six bytes, 31 bits); nothing
/// beyond.
fn original_utf8(v: u32) -> Vec<u8> {
    let len = match v {
        0..0x80 => return vec![v as u8],
        0x80..0x800 => 2,
        0x800..0x1_0000 => 3,
        0x1_0000..0x20_0000 => 4,
        0x20_0000..0x400_0000 => 5,
        0x400_0000..0x8000_0000 => 6,
        _ => return Vec::new(),
    };
    let lead = [0, 0, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc][len];
    let mut bytes: Vec<u8> = (0..len).map(|k| 0x80 | ((v >> (6 * (len - 1 - k))) & 0x3f) as u8).collect();
    bytes[0] = lead | (v >> (6 * (len - 1))) as u8;
    bytes
}

#[cfg(test)]
mod tests {
    fn e(s: &str, unicode: bool) -> (String, bool) {
        let mut out = String::new();
        let more = super::unescape(s, unicode, &mut out);
        (out, more)
    }

    #[test]
    fn escapes() {
        assert_eq!(e(r"a\tb\\n\0101\q\101", false), ("a\tb\\nA\\q\\101".to_string(), true));
        assert_eq!(e(r"x\cy", false), ("x".to_string(), false));
        assert_eq!(e(r"\x41\x\xg\e", false), ("A\\x\\xg\x1b".to_string(), true));
        assert_eq!(e(r"\u00e9\u41\U0001F600", false), ("\\u00E9A\\U0001F600".to_string(), true));
        assert_eq!(e(r"\u00e9", true), ("é".to_string(), true));
        assert_eq!(super::original_utf8(0xd800), [0xed, 0xa0, 0x80]);
        assert_eq!(super::original_utf8(0x11_0000), [0xf4, 0x90, 0x80, 0x80]);
        assert_eq!(super::original_utf8(0x7fff_ffff), [0xfd, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf]);
        assert!(super::original_utf8(0xffff_ffff).is_empty());
        assert_eq!(e("\\", false), ("\\".to_string(), true));
    }
}
