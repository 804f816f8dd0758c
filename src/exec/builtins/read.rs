//! `read [-r] [-d DELIM] [-n N] [-p PROMPT] [-t TIMEOUT] [-u FD] [name…]`:
//! one line (or up to DELIM, or N characters) from fd 0, split on `$IFS`;
//! with no name the whole line goes to `REPLY` (bash). It reads a byte at
//! a time, so what follows the line is left for the next command (POSIX
//! requires this of input that cannot be rewound).

use super::{Exec, Shell, usage_error};

const USAGE: &str = "read: usage: read [-r] [-d DELIM] [-n N] [-p PROMPT] [-t TIMEOUT] [-u FD] [NAME...]";

/// What the options ask for.
struct Options {
    raw: bool,
    delim: u8,
    /// `-n N`: stop after N characters.
    count: Option<usize>,
    /// `-t SECONDS`.
    timeout: Option<std::time::Duration>,
    fd: i32,
    /// Characters are UTF-8 sequences (`-n` counts them whole).
    utf8: bool,
}

/// Why the input stopped.
#[derive(PartialEq)]
enum End {
    Delimiter,
    Count,
    Eof,
    Timeout,
}

/// A bad option or operand of `read`, with the status bash gives it.
enum Bad {
    /// An unknown option or one without its argument: status 2.
    Usage(String),
    /// A bad number, timeout or fd: status 1.
    Value(String),
}

fn parse(argv: &[String], sh: &Shell) -> Result<(Options, Option<String>, Vec<String>), Bad> {
    let mut o = Options { raw: false, delim: b'\n', count: None, timeout: None, fd: 0, utf8: super::utf8_locale(sh) };
    let mut prompt = None;
    let mut i = 1;
    while let Some(a) = argv.get(i) {
        i += 1;
        if a == "--" {
            break;
        }
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            i -= 1;
            break;
        };
        for (k, flag) in flags.char_indices() {
            if flag == 'r' {
                o.raw = true;
                continue;
            }
            if !matches!(flag, 'd' | 'n' | 'p' | 't' | 'u') {
                return Err(Bad::Usage(format!("read: -{flag}: invalid option\n{USAGE}")));
            }
            // The option's argument: the rest of this word, or the next.
            let rest = &flags[k + 1..];
            let value = if !rest.is_empty() {
                rest.to_string()
            } else {
                i += 1;
                match argv.get(i - 1) {
                    Some(v) => v.clone(),
                    None => return Err(Bad::Usage(format!("read: -{flag}: option requires an argument\n{USAGE}"))),
                }
            };
            match flag {
                'd' => o.delim = crate::bytes::encode(&value).first().copied().unwrap_or(0),
                'n' => o.count = Some(value.parse().map_err(|_| Bad::Value(format!("read: {value}: invalid number")))?),
                'p' => prompt = Some(value),
                't' => o.timeout = Some(timeout(&value)?),
                _ => {
                    // SAFETY: F_GETFD only asks whether the fd is open.
                    let open = |fd: i32| fd >= 0 && unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0;
                    o.fd = value
                        .parse()
                        .ok()
                        .filter(|&fd| open(fd))
                        .ok_or_else(|| Bad::Value(format!("read: {value}: invalid file descriptor")))?
                }
            }
            break;
        }
    }
    Ok((o, prompt, argv[i.min(argv.len())..].to_vec()))
}

/// `-t SECONDS`: a non-negative decimal number.
fn timeout(v: &str) -> Result<std::time::Duration, Bad> {
    let ok = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.') && v.matches('.').count() <= 1;
    ok.then(|| v.parse::<f64>().ok())
        .flatten()
        .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| Bad::Value(format!("read: {v}: invalid timeout specification")))
}

pub fn read(sh: &mut Shell, argv: &[String]) -> Exec {
    let (opts, prompt, names) = match parse(argv, sh) {
        Ok(p) => p,
        Err(Bad::Usage(msg)) => return usage_error(sh, false, &msg),
        Err(Bad::Value(msg)) => {
            sh.error(&msg);
            return Ok(1);
        }
    };
    if let Some(bad) = names.iter().find(|n| !crate::syntax::lexer::is_valid_name(n)) {
        return usage_error(sh, false, &format!("read: {bad}: bad variable name"));
    }
    // Only to a terminal, as dash and bash do.
    if let Some(p) = prompt {
        // SAFETY: isatty only inspects the fd.
        if unsafe { libc::isatty(opts.fd) } == 1 {
            let _ = crate::exec::spawn::write_str(2, &p);
        }
    }
    // `-t 0`: whether input is waiting, reading none of it.
    if opts.timeout.is_some_and(|t| t.is_zero()) {
        return Ok(if readable(opts.fd, 0) { 0 } else { 1 });
    }
    let (chars, end) = read_line(&opts);
    if names.is_empty() {
        sh.state.vars.set("REPLY", chars.iter().map(|(c, _)| c).collect::<String>());
    } else {
        let ifs = sh.state.ifs().to_string();
        for (name, value) in names.iter().zip(split(&chars, &ifs, names.len())) {
            sh.state.vars.set(name, value);
        }
    }
    Ok(match end {
        End::Delimiter | End::Count => 0,
        End::Eof => 1,
        End::Timeout => 128 + libc::SIGALRM,
    })
}

/// Whether `fd` has input (or end of input) within `ms` milliseconds.
fn readable(fd: i32, ms: i32) -> bool {
    let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: polling one pollfd on the stack.
    unsafe { libc::poll(&mut p, 1, ms) > 0 }
}

/// The line's characters, each marked when a backslash protected it from
/// splitting; and why reading stopped.
fn read_line(o: &Options) -> (Vec<(char, bool)>, End) {
    let deadline = o.timeout.map(|t| std::time::Instant::now() + t);
    let mut bytes = Vec::new();
    let mut escaped = Vec::new();
    let mut pending_backslash = false;
    // Characters taken so far (for `-n`) and bytes still owed to the last one.
    let (mut taken, mut owed) = (0usize, 0u32);
    let end = loop {
        if owed == 0 && o.count.is_some_and(|n| taken >= n) {
            break End::Count;
        }
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(std::time::Instant::now());
            if !readable(o.fd, left.as_millis().min(i32::MAX as u128) as i32) {
                break End::Timeout;
            }
        }
        let mut b = [0u8; 1];
        // SAFETY: reading one byte into a local buffer.
        let n = unsafe { libc::read(o.fd, b.as_mut_ptr().cast(), 1) };
        if n < 0 && nix::errno::Errno::last() == nix::errno::Errno::EINTR {
            continue;
        }
        if n <= 0 {
            break End::Eof;
        }
        match (b[0], pending_backslash) {
            (b'\n', true) => pending_backslash = false,
            (c, false) if c == o.delim && owed == 0 => break End::Delimiter,
            (b'\\', false) if !o.raw => pending_backslash = true,
            (c, was_escaped) => {
                bytes.push(c);
                escaped.push(was_escaped);
                pending_backslash = false;
                if owed > 0 && c & 0xc0 == 0x80 {
                    owed -= 1;
                } else {
                    taken += 1;
                    owed = if o.utf8 { utf8_tail(c) } else { 0 };
                }
            }
        }
    };
    (decode(&bytes, &escaped), end)
}

/// How many continuation bytes a UTF-8 sequence starting with `b` has.
fn utf8_tail(b: u8) -> u32 {
    match b {
        0xc2..=0xdf => 1,
        0xe0..=0xef => 2,
        0xf0..=0xf4 => 3,
        _ => 0,
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
