//! A shell moves bytes. isosh keeps its text — words, values, arguments,
//! the environment, file names, here-documents, script text — in `String`s,
//! and carries every byte that is not part of valid UTF-8 losslessly as one
//! `char` of its own, from a private-use block: byte `b` (0x80–0xFF) is
//! U+EF00 + `b` (U+EF80–U+EFFF). Where text meets the system (`execve`'s
//! argv and envp, file names, writes to fds) [`encode`] turns those chars back
//! into the bytes they stand for, so output is byte for byte what came in.
//!
//! The mapping is a bijection between byte strings and the strings
//! [`decode`] makes: a real U+EF80–U+EFFF in the input (valid UTF-8, rare)
//! is itself carried as its three bytes, so it comes out as it went in.
//! An undecodable byte counts as one character (`${#x}`, `?` in patterns),
//! as in bash under a UTF-8 locale.

use std::borrow::Cow;
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

const BASE: u32 = 0xEF00;

/// The char that carries the raw byte `b` (0x80–0xFF).
pub fn raw_char(b: u8) -> char {
    debug_assert!(b >= 0x80);
    char::from_u32(BASE + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The byte a char carries, if it is one of the raw-byte chars.
pub fn raw_byte(c: char) -> Option<u8> {
    let n = u32::from(c);
    (BASE + 0x80..=BASE + 0xFF).contains(&n).then(|| (n - BASE) as u8)
}

/// The char for the byte value `b`: ASCII as itself, anything else as
/// the raw byte (how `printf '\377'` and `$'\xff'` make one byte).
pub fn byte_char(b: u8) -> char {
    if b < 0x80 { char::from(b) } else { raw_char(b) }
}

/// Whether UTF-8 text holds chars of the raw-byte block (U+EF80–U+EFFF are
/// encoded as EE BE xx and EE BF xx).
fn has_block_chars(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w[0] == 0xEE && (w[1] == 0xBE || w[1] == 0xBF))
}

/// Bytes → text, losslessly.
pub fn decode(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes)
        && !has_block_chars(bytes)
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    let mut rest = bytes;
    while !rest.is_empty() {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => {
                // SAFETY: `valid_up_to` bytes were just checked to be UTF-8.
                let s = unsafe { std::str::from_utf8_unchecked(&rest[..e.valid_up_to()]) };
                (s, e.error_len().unwrap_or(rest.len() - e.valid_up_to()))
            }
        };
        for c in valid.chars() {
            if raw_byte(c).is_some() {
                let mut buf = [0; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(raw_char));
            } else {
                out.push(c);
            }
        }
        let at = valid.len();
        out.extend(rest[at..at + bad].iter().map(|&b| raw_char(b)));
        rest = &rest[at + bad..];
    }
    out
}

/// Owned bytes → text, without copying when they are plain UTF-8.
pub fn decode_vec(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) if !has_block_chars(s.as_bytes()) => s,
        Ok(s) => decode(s.as_bytes()),
        Err(e) => decode(e.as_bytes()),
    }
}

/// Text → the bytes it stands for.
pub fn encode(s: &str) -> Cow<'_, [u8]> {
    if !has_block_chars(s.as_bytes()) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Cow::Owned(out)
}

/// Text → an OS string (file names, arguments).
pub fn os(s: &str) -> OsString {
    OsString::from_vec(encode(s).into_owned())
}

/// Text → a path.
pub fn path(s: &str) -> PathBuf {
    PathBuf::from(os(s))
}

/// An OS string (a file name, an argument, an environment entry) → text.
pub fn from_os(s: &OsStr) -> String {
    decode(s.as_bytes())
}

/// Text → a C string for the system; `None` when it holds a NUL.
pub fn cstring(s: &str) -> Option<CString> {
    CString::new(encode(s).into_owned()).ok()
}

/// A script's bytes as shell text: any bytes (see [`crate::bytes`]); NUL
/// bytes are dropped, as bash does.
pub fn script_text(mut bytes: Vec<u8>) -> String {
    bytes.retain(|&b| b != 0);
    decode_vec(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_round_trips() {
        let samples: Vec<Vec<u8>> = vec![
            b"plain".to_vec(),
            vec![0xff],
            vec![b'f', 0xe9],
            "h\u{e9}llo".as_bytes().to_vec(),
            "\u{ef80}\u{efff}x".as_bytes().to_vec(),
            vec![0xee, 0xbe],
            vec![0xe2, 0x82],
            (0..=255).collect(),
        ];
        for s in samples {
            let text = decode(&s);
            assert_eq!(encode(&text).as_ref(), s.as_slice(), "{s:?}");
            assert_eq!(decode_vec(s.clone()), text);
        }
    }

    #[test]
    fn raw_bytes_are_one_char_each() {
        assert_eq!(decode(&[0xff, b'a', 0xfe]).chars().count(), 3);
        assert_eq!(decode("é".as_bytes()), "é");
        assert_eq!(encode(&byte_char(0xff).to_string()).as_ref(), &[0xff]);
    }
}
