//! `read [-r] [-p prompt] [name…]`: one line from fd 0, split on `$IFS`.
//! It reads a byte at a time, so what follows the line is left for the
//! next command (POSIX requires this of input that cannot be rewound).

use super::{Exec, Shell, usage_error};

pub fn read(sh: &mut Shell, argv: &[String]) -> Exec {
    let mut raw = false;
    let mut names = Vec::new();
    let mut args = argv[1..].iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-r" => raw = true,
            "-p" => {
                let Some(prompt) = args.next() else { return usage_error(sh, false, "read: -p needs a prompt") };
                // Only to a terminal, as dash and bash do.
                // SAFETY: isatty only inspects fd 0.
                if unsafe { libc::isatty(0) } == 1 {
                    let _ = crate::exec::spawn::write_str(2, prompt);
                }
            }
            "--" => names.extend(args.by_ref().cloned()),
            _ => names.push(a.clone()),
        }
    }
    if names.is_empty() {
        // dash requires a name (bash would use REPLY).
        return usage_error(sh, false, "read: arg count");
    }
    if let Some(bad) = names.iter().find(|n| !crate::syntax::lexer::is_valid_name(n)) {
        return usage_error(sh, false, &format!("read: {bad}: bad variable name"));
    }
    let (chars, complete) = read_line(raw);
    let ifs = sh.state.ifs().to_string();
    for (name, value) in names.iter().zip(split(&chars, &ifs, names.len())) {
        sh.state.vars.set(name, value);
    }
    Ok(if complete { 0 } else { 1 })
}

/// The line's characters, each marked when a backslash protected it from
/// splitting; and whether a newline ended it (false at end of input).
fn read_line(raw: bool) -> (Vec<(char, bool)>, bool) {
    let mut bytes = Vec::new();
    let mut escaped = Vec::new();
    let mut pending_backslash = false;
    loop {
        let mut b = [0u8; 1];
        // SAFETY: reading one byte into a local buffer.
        let n = unsafe { libc::read(0, b.as_mut_ptr().cast(), 1) };
        if n < 0 && nix::errno::Errno::last() == nix::errno::Errno::EINTR {
            continue;
        }
        if n <= 0 {
            return (decode(&bytes, &escaped), false);
        }
        match (b[0], pending_backslash) {
            (b'\n', true) => pending_backslash = false,
            (b'\n', false) => return (decode(&bytes, &escaped), true),
            (b'\\', false) if !raw => pending_backslash = true,
            (c, was_escaped) => {
                bytes.push(c);
                escaped.push(was_escaped);
                pending_backslash = false;
            }
        }
    }
}

/// The line as shell text (bytes that are not UTF-8 kept as they are, see
/// [`crate::bytes`]), each char with the mark of its first byte.
fn decode(bytes: &[u8], escaped: &[bool]) -> Vec<(char, bool)> {
    let text = crate::bytes::decode(bytes);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    for c in text.chars() {
        out.push((c, escaped.get(i).copied().unwrap_or(false)));
        i += if crate::bytes::raw_byte(c).is_some() { 1 } else { c.len_utf8() };
    }
    out
}

/// Splits into at most `n` values: the last takes the rest of the line,
/// without trailing IFS white space.
fn split(chars: &[(char, bool)], ifs: &str, n: usize) -> Vec<String> {
    let is_ifs = |&(c, esc): &(char, bool)| !esc && ifs.contains(c);
    let is_ws = |&(c, esc): &(char, bool)| !esc && ifs.contains(c) && matches!(c, ' ' | '\t' | '\n');
    let mut out = Vec::new();
    let mut i = chars.iter().take_while(|c| is_ws(c)).count();
    while out.len() + 1 < n && i < chars.len() {
        let start = i;
        while i < chars.len() && !is_ifs(&chars[i]) {
            i += 1;
        }
        out.push(chars[start..i].iter().map(|(c, _)| c).collect());
        // One delimiter: white space around at most one other IFS character.
        while i < chars.len() && is_ws(&chars[i]) {
            i += 1;
        }
        if i < chars.len() && is_ifs(&chars[i]) && !is_ws(&chars[i]) {
            i += 1;
            while i < chars.len() && is_ws(&chars[i]) {
                i += 1;
            }
        }
    }
    let mut end = chars.len();
    while end > i && is_ws(&chars[end - 1]) {
        end -= 1;
    }
    // A rest that is one field and its delimiter (`a:`) is that field, as
    // splitting it would give; `a::` and `a:b:` stay as they are (dash, bash).
    if end > i && is_ifs(&chars[end - 1]) && !is_ws(&chars[end - 1]) {
        let mut body = end - 1;
        while body > i && is_ws(&chars[body - 1]) {
            body -= 1;
        }
        if !chars[i..body].iter().any(is_ifs) {
            end = body;
        }
    }
    out.push(chars[i.min(end)..end].iter().map(|(c, _)| c).collect());
    out.resize(n, String::new());
    out
}

#[cfg(test)]
mod tests {
    use super::split;

    fn s(text: &str, ifs: &str, n: usize) -> Vec<String> {
        let chars: Vec<(char, bool)> = text.chars().map(|c| (c, false)).collect();
        split(&chars, ifs, n)
    }

    #[test]
    fn splitting_rules() {
        assert_eq!(s("  a  b  c  ", " \t\n", 2), ["a", "b  c"]);
        assert_eq!(s("a b", " ", 3), ["a", "b", ""]);
        assert_eq!(s("a:b:c", ":", 2), ["a", "b:c"]);
        assert_eq!(s("a : b", " :", 2), ["a", "b"]);
        assert_eq!(s("one", " ", 1), ["one"]);
        let protected = vec![('a', false), (' ', true), ('b', false), (' ', false), ('c', false)];
        assert_eq!(split(&protected, " ", 2), ["a b", "c"]);
    }
}
