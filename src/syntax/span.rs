//! Byte spans into a source text, and turning them into line:column for
//! error messages.

/// A half-open byte range `start..end` in the text the parser was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub col: usize,
}

/// Where a byte offset of `text` sits; `first_line` is the line number of the
/// text's first line (input read in chunks does not start at line 1).
pub fn line_col(text: &str, offset: usize, first_line: usize) -> LineCol {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = first_line + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol { line, col: before[line_start..].chars().count() + 1 }
}

/// The whole source line containing `offset`, without its newline.
pub fn line_text(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_chars() {
        let t = "ab\ncdé|x";
        assert_eq!(line_col(t, 0, 1), LineCol { line: 1, col: 1 });
        assert_eq!(line_col(t, 3, 1), LineCol { line: 2, col: 1 });
        // 'é' is two bytes but one column.
        let bar = t.find('|').unwrap();
        assert_eq!(line_col(t, bar, 1), LineCol { line: 2, col: 4 });
        assert_eq!(line_col(t, bar, 10), LineCol { line: 11, col: 4 });
        assert_eq!(line_text(t, bar), "cdé|x");
    }
}
