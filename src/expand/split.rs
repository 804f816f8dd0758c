//! Field splitting (POSIX 2.6.5) over segments, building for each field both
//! its text and a glob pattern in which quoted characters are escaped.

use super::Segment;

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
        for c in s.chars() {
            if matches!(c, '\\' | '*' | '?' | '[' | ']' | '-' | '!' | '^') {
                self.pattern.push('\\');
            }
            self.pattern.push(c);
        }
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
    let mut f = Field::default();
    for seg in segments {
        match seg {
            Segment::Literal(t) | Segment::Expanded(t) => t.chars().for_each(|c| f.push_unquoted(c)),
            Segment::Quoted(t) => f.push_quoted(t),
            Segment::Break(joiner) => {
                if let Some(c) = joiner {
                    f.push_unquoted(*c);
                }
            }
        }
    }
    f.pattern
}

/// The segments' text as one string (no splitting): `$@` joins with spaces.
pub fn join_unsplit(segments: &[Segment]) -> String {
    let mut out = String::new();
    for seg in segments {
        match seg {
            Segment::Literal(t) | Segment::Quoted(t) | Segment::Expanded(t) => out.push_str(t),
            Segment::Break(joiner) => out.extend(*joiner),
        }
    }
    out
}
