//! Field splitting (POSIX 2.6.5) over segments, building for each field both
//! its text and a glob pattern in which quoted characters are escaped.

use super::Segment;
use super::word::Segments;

/// One field after splitting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    /// The text after quote removal.
    pub text: String,
    /// The same text as a pattern: quoted metacharacters escaped by `\\`.
    pub pattern: String,
    /// Whether an unquoted `*`, `?` or `[` makes this a pattern at all.
    pub has_glob: bool,
}

impl Field {
    fn push_unquoted(&mut self, c: char) {
        self.text.push(c);
        self.pattern.push(c);
        self.has_glob |= matches!(c, '*' | '?' | '[');
    }

    fn push_quoted(&mut self, s: &str) {
        self.text.push_str(s);
        escape_into(&mut self.pattern, s);
    }
}

/// Quoted text into a pattern: its metacharacters escaped by `\\`.
fn escape_into(pattern: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '?' | '[' | ']' | '-' | '!' | '^') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
}

/// The splitter's state between characters.
struct Splitter<'a> {
    ifs: &'a str,
    fields: Vec<Field>,
    current: Field,
    /// The current field has begun (it may still be empty: `""`).
    begun: bool,
    /// The last delimiter was IFS white space that ended a field; a following
    /// non-white IFS character belongs to the same delimiter.
    after_white: bool,
}

impl Splitter<'_> {
    fn finish_field(&mut self) {
        self.fields.push(std::mem::take(&mut self.current));
        self.begun = false;
    }

    fn text(&mut self) {
        self.begun = true;
        self.after_white = false;
    }

    fn expanded(&mut self, s: &str) {
        for c in s.chars() {
            if !self.ifs.contains(c) {
                self.current.push_unquoted(c);
                self.text();
            } else if matches!(c, ' ' | '\t' | '\n') {
                if self.begun {
                    self.finish_field();
                    self.after_white = true;
                }
            } else if self.after_white {
                self.after_white = false;
            } else {
                self.finish_field();
            }
        }
    }
}

/// Splits a word's segments into fields.
pub fn split_fields(segments: &[Segment], ifs: &str) -> Vec<Field> {
    let mut s = Splitter { ifs, fields: Vec::new(), current: Field::default(), begun: false, after_white: false };
    for seg in segments {
        match seg {
            Segment::Literal(t) => {
                t.chars().for_each(|c| s.current.push_unquoted(c));
                s.text();
            }
            Segment::Quoted(t) => {
                s.current.push_quoted(t);
                s.text();
            }
            Segment::Expanded(t) => s.expanded(t),
            Segment::Break(_) => {
                if s.begun {
                    s.finish_field();
                }
                s.after_white = false;
            }
        }
    }
    if s.begun {
        s.finish_field();
    }
    s.fields
}

/// The segments as one glob pattern (no splitting): quoted text escaped.
pub fn pattern_unsplit(segments: &[Segment]) -> String {
    let mut pattern = String::with_capacity(text_len(segments));
    for seg in segments {
        match seg {
            Segment::Literal(t) | Segment::Expanded(t) => pattern.push_str(t),
            Segment::Quoted(t) => escape_into(&mut pattern, t),
            Segment::Break(joiner) => pattern.extend(*joiner),
        }
    }
    pattern
}

/// How many bytes the segments' text takes (joiners aside).
fn text_len(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(t) | Segment::Quoted(t) | Segment::Expanded(t) => t.len(),
            Segment::Break(_) => 1,
        })
        .sum()
}

/// [`join_unsplit`], reusing the text of a word that is one segment.
pub fn join_owned(mut segments: Segments) -> String {
    match segments.as_mut_slice() {
        [Segment::Literal(t) | Segment::Quoted(t) | Segment::Expanded(t)] => std::mem::take(t),
        _ => join_unsplit(&segments),
    }
}

/// The segments' text as one string (no splitting): `$@` joins with spaces.
pub fn join_unsplit(segments: &[Segment]) -> String {
    let mut out = String::with_capacity(text_len(segments));
    for seg in segments {
        match seg {
            Segment::Literal(t) | Segment::Quoted(t) | Segment::Expanded(t) => out.push_str(t),
            Segment::Break(joiner) => out.extend(*joiner),
        }
    }
    out
}
