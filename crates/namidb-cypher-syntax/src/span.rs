//! Source spans and line/column lookup.

use std::fmt;

/// A byte range `start..end` in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The text this span covers.
    pub fn text(self, source: &str) -> &str {
        source.get(self.start as usize..self.end as usize).unwrap_or("")
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

/// Maps byte offsets of one source text to lines and columns.
#[derive(Debug, Clone)]
pub struct SourceMap<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceMap<'a> {
    /// Indexes `source`.
    pub fn new(source: &'a str) -> SourceMap<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap { source, line_starts }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn locate(&self, offset: u32) -> LineColumn {
        let offset = (offset as usize).min(self.source.len());
        let line_idx = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let line_start = self.line_starts[line_idx];
        let column = self.source.get(line_start..offset).map_or(0, |prefix| prefix.chars().count());
        LineColumn { line: line_idx + 1, column: column + 1 }
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start =
            self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.source.len());
        let end = self.line_starts.get(line).map_or(self.source.len(), |next| next - 1);
        self.source.get(start..end.max(start)).unwrap_or("").trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let map = SourceMap::new("MATCH (n)\nRETURN é, n\n");
        assert_eq!(map.locate(0), LineColumn { line: 1, column: 1 });
        assert_eq!(map.locate(10), LineColumn { line: 2, column: 1 });
        assert_eq!(map.locate(20), LineColumn { line: 2, column: 10 });
        assert_eq!(map.line_text(2), "RETURN é, n");
        assert_eq!(map.line_text(9), "");
    }
}
