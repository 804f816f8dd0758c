//! The reserved words, in one table: the parser recognises them in command
//! position, and completion, highlighting and `type` read the same list.

/// Words that are reserved in command position (POSIX's, `isolate`, and
/// bash's `time`, `[[ ]]` and `function`).
pub const KEYWORDS: &[&str] = &[
    "isolate", "!", "time", "if", "then", "elif", "else", "fi", "while", "until", "for", "in", "do", "done", "case",
    "esac", "{", "}", "[[", "]]", "function",
];

/// The reserved words that end a compound command's list (`if … then`,
/// `{ … }`): in command position they close, never start, a command.
pub const TERMINATORS: &[&str] = &["then", "elif", "else", "fi", "do", "done", "esac", "}"];

/// Whether `word` is reserved in command position.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminators_are_keywords() {
        assert!(TERMINATORS.iter().all(|t| is_keyword(t)));
        assert!(is_keyword("time") && is_keyword("isolate") && !is_keyword("echo"));
    }
}
