//! Splitting shell input into statements: a statement ends at a `;` that is not inside a
//! string, a quoted name or a comment.

/// Scanner state carried across lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Code,
    Quoted(char),
    Escaped(char),
    LineComment,
    BlockComment,
}

/// Accumulates input lines and yields complete statements.
#[derive(Debug, Default)]
pub(crate) struct StatementBuffer {
    text: String,
    state: State,
}

impl StatementBuffer {
    /// Whether no statement is in progress.
    pub(crate) fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Adds a line; returns the statements it completed (without their `;`, trimmed, never
    /// empty).
    pub(crate) fn push_line(&mut self, line: &str) -> Vec<String> {
        let mut done = Vec::new();
        let mut prev = '\0';
        for c in line.chars().chain(std::iter::once('\n')) {
            self.state = match (self.state, c) {
                (State::Code, ';') => {
                    let statement = self.text.trim().to_owned();
                    if !statement.is_empty() {
                        done.push(statement);
                    }
                    self.text.clear();
                    prev = c;
                    continue;
                }
                (State::Code, '\'' | '"' | '`') => State::Quoted(c),
                (State::Code, '/') if prev == '/' => State::LineComment,
                (State::Code, '*') if prev == '/' => State::BlockComment,
                (State::Quoted(q), '\\') if q != '`' => State::Escaped(q),
                (State::Quoted(q), c) if c == q => State::Code,
                (State::Escaped(q), _) => State::Quoted(q),
                (State::LineComment, '\n') => State::Code,
                (State::BlockComment, '/') if prev == '*' => State::Code,
                (state, _) => state,
            };
            prev = c;
            self.text.push(c);
        }
        done
    }

    /// The unfinished statement, cleared.
    pub(crate) fn take_rest(&mut self) -> Option<String> {
        let rest = self.text.trim().to_owned();
        self.text.clear();
        self.state = State::Code;
        (!rest.is_empty()).then_some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_semicolons_outside_strings_and_comments() {
        let mut b = StatementBuffer::default();
        assert!(b.push_line("MATCH (n)").is_empty());
        assert_eq!(
            b.push_line("RETURN n; RETURN 'a;b' AS s;"),
            ["MATCH (n)\nRETURN n", "RETURN 'a;b' AS s"]
        );
        assert!(b.is_empty());
        assert!(b.push_line("RETURN 1 // a comment; still the comment").is_empty());
        assert!(b.push_line("/* ; */ + 1 AS `x;y`").is_empty());
        let done = b.push_line(";");
        assert_eq!(done.len(), 1);
        assert!(done[0].ends_with("+ 1 AS `x;y`"));
        assert!(b.push_line("RETURN 'it\\'s;'").is_empty());
        assert_eq!(b.take_rest().as_deref(), Some("RETURN 'it\\'s;'"));
        assert!(b.push_line(";;").is_empty());
    }
}
