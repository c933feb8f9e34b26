//! The NamiDB Cypher front end: text to an abstract syntax tree, with diagnostics.
//!
//! - [`lexer`]: tokens (keywords stay words; the parser matches them case-insensitively);
//! - [`parser`]: recursive descent with precedence climbing, error recovery between clauses and a
//!   nesting limit, covering openCypher 9 and the Neo4j 5 forms the TCK and LDBC use;
//! - [`ast`]: the tree, every node with its [`Span`];
//! - [`diagnostic`]: syntax errors that render the line, a caret and what was expected;
//! - [`semantic`]: semantic analysis — scoping, patterns, aggregation, projections, functions and
//!   static types — raising the openCypher compile-time error codes ([`ErrorCode`]);
//! - [`unparse`]: the tree back to canonical Cypher (golden dumps, expression identity).
//!
//! Architecture invariant: knows nothing about the catalog, storage or execution.
//! API boundary: [`parse`], [`parse_statement`], [`ast`], [`SyntaxError`], [`SyntaxErrors`],
//! [`ErrorCode`], [`Span`], [`semantic::Type`], [`semantic::builtin_function`].

pub mod ast;
pub mod diagnostic;
mod error_code;
pub mod lexer;
mod parser;
pub mod semantic;
pub mod span;
pub mod unparse;

pub use diagnostic::{SyntaxError, SyntaxErrors};
pub use error_code::{ErrorCategory, ErrorCode};
pub use parser::MAX_DEPTH;
pub use span::{LineColumn, SourceMap, Span};

/// Parses a script: one or more statements separated by `;`. Every syntax error found is
/// returned, not just the first.
pub fn parse(source: &str) -> Result<ast::Script, SyntaxErrors> {
    let (tokens, mut errors) = lexer::tokenize(source);
    let mut parser = parser::Parser::new(source, tokens);
    let script = parser.script();
    errors.append(&mut parser.errors);
    if errors.is_empty() {
        errors = semantic::check(&script);
    }
    if errors.is_empty() {
        Ok(script)
    } else {
        errors.sort_by_key(|e| (e.span.start, e.span.end));
        errors.dedup();
        Err(SyntaxErrors(errors))
    }
}

/// Parses exactly one statement (a trailing `;` is allowed).
pub fn parse_statement(source: &str) -> Result<ast::Statement, SyntaxErrors> {
    let mut script = parse(source)?;
    match script.statements.len() {
        1 => Ok(script.statements.remove(0)),
        0 => Err(SyntaxErrors(vec![SyntaxError::new("empty query", Span::new(0, source.len()))])),
        _ => {
            let second = &script.statements[1];
            Err(SyntaxErrors(vec![SyntaxError::new(
                "expected one statement, found several",
                second.span,
            )]))
        }
    }
}
