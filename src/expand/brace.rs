//! Brace expansion (bash): `a{b,c}d` → `abd acd`, `{1..5}`, `{a..e}`,
//! `{01..10..3}`. It runs first, on the word as written: only unquoted
//! literal text takes part, quoted text and expansions are carried along
//! untouched (`"{a,b}"` and `$x` never make alternatives).

use crate::syntax::ast::{Word, WordPart};

#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// One unquoted literal character.
    Char(char),
    /// Anything else, as it was.
    Part(WordPart),
}

/// Whether the word may expand at all: an unquoted literal holding `{`
/// and `}`.
pub fn may_expand(word: &Word) -> bool {
    let text: String =
        word.parts.iter().filter_map(|p| if let WordPart::Literal(s) = p { Some(s.as_str()) } else { None }).collect();
    text.contains('{') && text.contains('}')
}

/// The words `word` expands to (itself alone when it has no braces to
/// expand).
pub fn expand(word: &Word) -> Vec<Word> {
    let mut items = Vec::new();
    for part in &word.parts {
        match part {
            WordPart::Literal(s) => items.extend(s.chars().map(Item::Char)),
            other => items.push(Item::Part(other.clone())),
        }
    }
    let mut out = Vec::new();
    expand_items(items, &mut out, 0);
    out.into_iter().map(|items| to_word(items, word)).collect()
}

fn to_word(items: Vec<Item>, like: &Word) -> Word {
    let mut parts: Vec<WordPart> = Vec::new();
    for item in items {
        match item {
            Item::Char(c) => match parts.last_mut() {
                Some(WordPart::Literal(s)) => s.push(c),
                _ => parts.push(WordPart::Literal(c.to_string())),
            },
            Item::Part(p) => parts.push(p),
        }
    }
    Word { parts, span: like.span }
}

/// Expansion stops producing new words past this many (a guard against
/// `{1..999999999}`-style explosions; bash would run out of memory).
const MAX_WORDS: usize = 1 << 20;

fn expand_items(items: Vec<Item>, out: &mut Vec<Vec<Item>>, depth: usize) {
    if out.len() >= MAX_WORDS || depth > 200 {
        out.push(items);
        return;
    }
    for open in 0..items.len() {
        if items[open] != Item::Char('{') {
            continue;
        }
        let Some((close, commas)) = matching_close(&items, open) else { continue };
        let alternatives: Vec<Vec<Item>> = if commas.is_empty() {
            match sequence(&items[open + 1..close]) {
                Some(words) => words.into_iter().map(|w| w.chars().map(Item::Char).collect()).collect(),
                None => continue,
            }
        } else {
            let mut bounds = vec![open];
            bounds.extend(&commas);
            bounds.push(close);
            bounds.windows(2).map(|w| items[w[0] + 1..w[1]].to_vec()).collect()
        };
        for alt in alternatives {
            let mut next = items[..open].to_vec();
            next.extend(alt);
            next.extend_from_slice(&items[close + 1..]);
            expand_items(next, out, depth + 1);
        }
        return;
    }
    out.push(items);
}

/// The `}` matching the `{` at `open` and the commas at its top level.
fn matching_close(items: &[Item], open: usize) -> Option<(usize, Vec<usize>)> {
    let mut depth = 0;
    let mut commas = Vec::new();
    for (i, item) in items.iter().enumerate().skip(open + 1) {
        match item {
            Item::Char('{') => depth += 1,
            Item::Char('}') if depth == 0 => return Some((i, commas)),
            Item::Char('}') => depth -= 1,
            Item::Char(',') if depth == 0 => commas.push(i),
            _ => {}
        }
    }
    None
}

/// `{x..y[..step]}` with numbers or single letters: the words, or `None`
/// when the text is not a sequence.
fn sequence(items: &[Item]) -> Option<Vec<String>> {
    let text: String =
        items.iter().map(|i| if let Item::Char(c) = i { Some(*c) } else { None }).collect::<Option<_>>()?;
    let fields: Vec<&str> = text.split("..").collect();
    let (start, end, step) = match fields.as_slice() {
        [a, b] => (*a, *b, None),
        [a, b, s] => (*a, *b, Some(*s)),
        _ => return None,
    };
    let step: i64 = match step {
        Some(s) => s.parse::<i64>().ok()?.checked_abs()?,
        None => 1,
    };
    let step = step.max(1);
    if let (Ok(a), Ok(b)) = (start.parse::<i64>(), end.parse::<i64>()) {
        // A leading zero on either end pads every number to the longer width.
        let padded = |s: &str| s.trim_start_matches('-').len() > 1 && s.trim_start_matches('-').starts_with('0');
        let width = if padded(start) || padded(end) { start.len().max(end.len()) } else { 0 };
        let count = (a.abs_diff(b) / step as u64) as usize + 1;
        if count > MAX_WORDS {
            return None;
        }
        let dir = if a <= b { 1 } else { -1 };
        return Some(
            (0..count)
                .map(|k| {
                    let v = a + dir * step * k as i64;
                    if width > 0 {
                        if v < 0 { format!("-{:0w$}", -v, w = width - 1) } else { format!("{v:0width$}") }
                    } else {
                        v.to_string()
                    }
                })
                .collect(),
        );
    }
    let one = |s: &str| {
        let mut c = s.chars();
        match (c.next(), c.next()) {
            (Some(x), None) if x.is_ascii_alphabetic() => Some(x as u8),
            _ => None,
        }
    };
    let (a, b) = (one(start)?, one(end)?);
    let mut out = Vec::new();
    let step = step as usize;
    if a <= b {
        out.extend((a..=b).step_by(step).map(|c| (c as char).to_string()));
    } else {
        out.extend((b..=a).rev().step_by(step).map(|c| (c as char).to_string()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let w = Word { parts: vec![WordPart::Literal(text.into())], span: Default::default() };
        expand(&w).iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn alternatives_and_sequences() {
        assert_eq!(words("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(words("{a,b{1,2}}"), ["a", "b1", "b2"]);
        assert_eq!(words("{1..3}"), ["1", "2", "3"]);
        assert_eq!(words("{3..1}"), ["3", "2", "1"]);
        assert_eq!(words("{01..3}"), ["01", "02", "03"]);
        assert_eq!(words("{a..e..2}"), ["a", "c", "e"]);
        assert_eq!(words("{a}"), ["{a}"]);
        assert_eq!(words("{a,b"), ["{a,b"]);
        assert_eq!(words("{1..2}{x,y}"), ["1x", "1y", "2x", "2y"]);
    }
}
