//! Compile-time errors: what was found, what was expected, where, and which openCypher error
//! code it is; rendered with the line and a caret.

use std::fmt;

use crate::error_code::ErrorCategory;
pub use crate::error_code::ErrorCode;
use crate::span::{SourceMap, Span};

/// One compile-time error: grammatical (from the lexer or parser) or semantic (from
/// [`crate::semantic`]). The openCypher TCK calls both kinds `SyntaxError`; [`ErrorCode`] says which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The openCypher error code (`UnexpectedSyntax` for grammar errors).
    pub code: ErrorCode,
    /// The class it is raised under: the code's, unless the analysis knows better (a
    /// property read of a value statically known to be no map is a `TypeError`).
    pub category: ErrorCategory,
    /// What is wrong, e.g. "unexpected `)`".
    pub message: String,
    /// Where.
    pub span: Span,
    /// What would have been accepted here, when known.
    pub expected: Vec<String>,
}

impl SyntaxError {
    /// An error at `span`.
    pub fn new(message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            code: ErrorCode::UnexpectedSyntax,
            category: ErrorCode::UnexpectedSyntax.category(),
            message: message.into(),
            span,
            expected: Vec::new(),
        }
    }

    /// A semantic error with its code at `span`.
    pub fn semantic(code: ErrorCode, message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            code,
            category: code.category(),
            message: message.into(),
            span,
            expected: Vec::new(),
        }
    }

    /// The same error raised as a `TypeError`.
    pub fn as_type_error(mut self) -> SyntaxError {
        self.category = ErrorCategory::TypeError;
        self
    }

    /// The same error with another code.
    pub fn with_code(mut self, code: ErrorCode) -> SyntaxError {
        self.code = code;
        self.category = code.category();
        self
    }

    /// The same error, listing what was expected.
    pub fn expecting(
        mut self,
        expected: impl IntoIterator<Item = impl Into<String>>,
    ) -> SyntaxError {
        self.expected = expected.into_iter().map(Into::into).collect();
        self
    }

    /// The error as a multi-line message: position, text, the source line and a caret.
    pub fn render(&self, source: &str) -> String {
        let map = SourceMap::new(source);
        let at = map.locate(self.span.start);
        let line = map.line_text(at.line);
        let width = (self.span.end.saturating_sub(self.span.start) as usize)
            .clamp(1, line.chars().count().saturating_sub(at.column - 1).max(1));
        let what = if self.code == ErrorCode::UnexpectedSyntax {
            "syntax error".to_owned()
        } else if self.code.is_grammatical() {
            format!("syntax error ({})", self.code.name())
        } else {
            format!("{} ({})", self.category.to_lowercase_words(), self.code.name())
        };
        let mut out = format!("{what} at line {}, column {}: {}", at.line, at.column, self.message);
        if !self.expected.is_empty() {
            out.push_str(&format!("; expected {}", join_alternatives(&self.expected)));
        }
        out.push('\n');
        out.push_str(&format!("  {line}\n  {}{}", " ".repeat(at.column - 1), "^".repeat(width)));
        out
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} at {}", self.code.name(), self.message, self.span)?;
        if !self.expected.is_empty() {
            write!(f, "; expected {}", join_alternatives(&self.expected))?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Every syntax error of one parse, renderable together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxErrors(pub Vec<SyntaxError>);

impl SyntaxErrors {
    /// All errors rendered with their source lines.
    pub fn render(&self, source: &str) -> String {
        self.0.iter().map(|e| e.render(source)).collect::<Vec<_>>().join("\n")
    }
}

impl fmt::Display for SyntaxErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&texts.join("\n"))
    }
}

impl std::error::Error for SyntaxErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_position_expectation_and_caret() {
        let source = "MATCH (n)\nRETURN n,";
        let error = SyntaxError::new("unexpected end of input", Span::new(19, 19))
            .expecting(["an expression"]);
        assert_eq!(
            error.render(source),
            "syntax error at line 2, column 10: unexpected end of input; expected an expression\n  RETURN n,\n           ^"
        );
    }

    #[test]
    fn semantic_errors_render_their_code() {
        let source = "RETURN x";
        let error = SyntaxError::semantic(
            ErrorCode::UndefinedVariable,
            "variable `x` is not defined",
            Span::new(7, 8),
        );
        assert_eq!(
            error.render(source),
            "semantic error (UndefinedVariable) at line 1, column 8: variable `x` is not defined\n  RETURN x\n         ^"
        );
    }
}
