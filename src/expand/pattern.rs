//! isosh's own pattern matcher (POSIX 2.13): `*`, `?` and bracket
//! expressions with ranges, negation (`[!…]`, and `[^…]` as bash and dash
//! allow) and character classes (`[[:alpha:]]`). A backslash makes the next
//! character literal, inside brackets too (`[a\]]`); quoted characters reach
//! the matcher escaped that way.
//!
//! Text is matched char by char. Bytes that are not UTF-8 travel as one
//! private-use char each (see `crate::bytes`), so they match `?` and `*` and
//! themselves like any other character, and never match a class.

/// A named class of `[[:name:]]`, as the C locale defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Alnum,
    Alpha,
    Blank,
    Cntrl,
    Digit,
    Graph,
    Lower,
    Print,
    Punct,
    Space,
    Upper,
    Xdigit,
}

impl Class {
    fn named(name: &str) -> Option<Class> {
        Some(match name {
            "alnum" => Class::Alnum,
            "alpha" => Class::Alpha,
            "blank" => Class::Blank,
            "cntrl" => Class::Cntrl,
            "digit" => Class::Digit,
            "graph" => Class::Graph,
            "lower" => Class::Lower,
            "print" => Class::Print,
            "punct" => Class::Punct,
            "space" => Class::Space,
            "upper" => Class::Upper,
            "xdigit" => Class::Xdigit,
            _ => return None,
        })
    }

    fn contains(self, c: char) -> bool {
        if !c.is_ascii() {
            return false;
        }
        match self {
            Class::Alnum => c.is_ascii_alphanumeric(),
            Class::Alpha => c.is_ascii_alphabetic(),
            Class::Blank => c == ' ' || c == '\t',
            Class::Cntrl => c.is_ascii_control(),
            Class::Digit => c.is_ascii_digit(),
            Class::Graph => c.is_ascii_graphic(),
            Class::Lower => c.is_ascii_lowercase(),
            Class::Print => c.is_ascii_graphic() || c == ' ',
            Class::Punct => c.is_ascii_punctuation(),
            Class::Space => c.is_ascii_whitespace() || c == '\x0b',
            Class::Upper => c.is_ascii_uppercase(),
            Class::Xdigit => c.is_ascii_hexdigit(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Char(char),
    Range(char, char),
    Class(Class),
    /// `[:bogus:]`: a class that does not exist matches nothing.
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Char(char),
    Any,
    Star,
    Bracket { negated: bool, members: Vec<Member> },
}

impl Item {
    fn matches_one(&self, c: char) -> bool {
        match self {
            Item::Char(x) => *x == c,
            Item::Any => true,
            Item::Star => false,
            Item::Bracket { negated, members } => {
                let hit = members.iter().any(|m| match m {
                    Member::Char(x) => *x == c,
                    Member::Range(lo, hi) => *lo <= c && c <= *hi,
                    Member::Class(k) => k.contains(c),
                    Member::Nothing => false,
                });
                hit != *negated
            }
        }
    }
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    items: Vec<Item>,
}

/// Whether `pattern` has an unescaped `*`, `?` or `[`: whether it is a
/// pattern at all rather than a (possibly escaped) string.
pub fn has_meta(pattern: &str) -> bool {
    let mut escaped = false;
    for c in pattern.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, '*' | '?' | '[') {
            return true;
        }
    }
    false
}

/// Whether `pattern` matches anything but one string: an unescaped `*` or
/// `?`, or a bracket expression that is closed (a lone `[` is a plain
/// character, so `[ $a = b ]` reads no directory).
pub fn is_pattern(pattern: &str) -> bool {
    // Without `*`, `?` or a `]` to close a bracket, nothing needs compiling.
    has_meta(pattern)
        && pattern.contains(['*', '?', ']'])
        && Pattern::new(pattern).items.iter().any(|i| !matches!(i, Item::Char(_)))
}

/// The pattern's text with its escapes removed (what it matches when it has
/// no metacharacters).
pub fn unescape(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

impl Pattern {
    /// Compiles a shell pattern (`*`, `?`, `[…]`, `\x`).
    pub fn new(pattern: &str) -> Pattern {
        let chars: Vec<char> = pattern.chars().collect();
        let mut items = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' if i + 1 < chars.len() => {
                    items.push(Item::Char(chars[i + 1]));
                    i += 2;
                }
                '*' => {
                    // `**` is `*`.
                    if items.last() != Some(&Item::Star) {
                        items.push(Item::Star);
                    }
                    i += 1;
                }
                '?' => {
                    items.push(Item::Any);
                    i += 1;
                }
                '[' => match bracket(&chars, i + 1) {
                    Some((item, next)) => {
                        items.push(item);
                        i = next;
                    }
                    None => {
                        items.push(Item::Char('['));
                        i += 1;
                    }
                },
                c => {
                    items.push(Item::Char(c));
                    i += 1;
                }
            }
        }
        Pattern { items }
    }

    /// As [`Pattern::matches`], for a file name: a leading `.` must be
    /// matched by a literal `.`.
    pub fn matches_name(&self, text: &str) -> bool {
        if text.starts_with('.') && self.items.first() != Some(&Item::Char('.')) {
            return false;
        }
        self.matches(text)
    }

    /// Whether the whole of `text` matches: the classic backtracking
    /// match. Remember the last `*` and how much it has swallowed, and let
    /// it swallow one more char on a mismatch. Every other item matches
    /// exactly one char, so this is complete. `t` is a byte offset.
    pub fn matches(&self, text: &str) -> bool {
        let (mut p, mut t) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while let Some(c) = text[t..].chars().next() {
            match self.items.get(p) {
                Some(Item::Star) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(item) if item.matches_one(c) => {
                    p += 1;
                    t += c.len_utf8();
                }
                _ => match star {
                    Some((sp, st)) => {
                        let next = st + text[st..].chars().next().map_or(1, char::len_utf8);
                        p = sp + 1;
                        t = next;
                        star = Some((sp, next));
                    }
                    None => return false,
                },
            }
        }
        self.items[p..].iter().all(|i| *i == Item::Star)
    }
}

/// A bracket expression starting after its `[` at `start`: the item and the
/// index after its `]`, or `None` when there is no closing `]` (then the `[`
/// is an ordinary character).
fn bracket(chars: &[char], start: usize) -> Option<(Item, usize)> {
    let mut i = start;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut members = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Item::Bracket { negated, members }, i + 1));
        }
        first = false;
        // `[:name:]`, `[=c=]`, `[.c.]`.
        if c == '['
            && let Some(&kind @ (':' | '=' | '.')) = chars.get(i + 1)
            && let Some(len) = chars[i + 2..].windows(2).position(|w| w[0] == kind && w[1] == ']')
        {
            let name: String = chars[i + 2..i + 2 + len].iter().collect();
            i += 2 + len + 2;
            if kind == ':' {
                members.push(Class::named(&name).map_or(Member::Nothing, Member::Class));
            } else {
                let mut it = name.chars();
                match (it.next(), it.next()) {
                    (Some(one), None) => members.push(Member::Char(one)),
                    _ => members.push(Member::Nothing),
                }
            }
            continue;
        }
        let (lo, next) = element(chars, i)?;
        i = next;
        // A range `lo-hi`, unless the `-` is last before `]`.
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&c| c != ']') {
            let (hi, next) = element(chars, i + 1)?;
            i = next;
            members.push(Member::Range(lo, hi));
        } else {
            members.push(Member::Char(lo));
        }
    }
}

/// One (possibly escaped) character inside brackets.
fn element(chars: &[char], i: usize) -> Option<(char, usize)> {
    match chars.get(i)? {
        '\\' => Some((*chars.get(i + 1)?, i + 2)),
        c => Some((*c, i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Pattern::new(p).matches(t)
    }

    #[test]
    fn basics() {
        assert!(m("*", ""));
        assert!(m("a*c", "abbbc"));
        assert!(!m("a*c", "abbb"));
        assert!(m("?", "é"));
        assert!(m("*.rs", "a.b.rs"));
        assert!(m("a\\*", "a*"));
        assert!(!m("a\\*", "ab"));
        assert!(m("[", "["));
        assert!(m("[ab", "[ab"));
    }

    #[test]
    fn brackets() {
        assert!(m("[[:alpha:]]", "x"));
        assert!(!m("[[:alpha:]]", "1"));
        assert!(m("[a\\]]", "]"));
        assert!(m("[]a]", "]"));
        assert!(m("[!a]", "b"));
        assert!(m("[^a]", "b"));
        assert!(!m("[^a]", "a"));
        assert!(m("[a-c]", "b"));
        assert!(m("[a-]", "-"));
        assert!(m("[!]]", "a"));
        assert!(!m("[[:bogus:]]", "a"));
        assert!(m("[[:digit:][:upper:]]*", "Q1"));
    }

    #[test]
    fn names() {
        assert!(!Pattern::new("*").matches_name(".h"));
        assert!(Pattern::new(".*").matches_name(".h"));
        assert!(!Pattern::new("[.]h").matches_name(".h"));
    }
}
