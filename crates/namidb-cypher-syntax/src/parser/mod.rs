//! The recursive-descent parser: tokens to [`crate::ast`].
//!
//! One method per grammar rule, split by concept: [`clauses`] (statements, queries, clauses,
//! projections, DDL), [`patterns`] (node and relationship patterns, label expressions) and
//! [`expressions`] (a precedence-climbing expression parser with every openCypher atom).
//! Within a clause the parser fails fast with a [`SyntaxError`]; between clauses it recovers by
//! skipping to the next clause keyword, so one parse reports several errors.
//! Nesting deeper than [`MAX_DEPTH`] is an error, never a stack overflow.

mod clauses;
mod expressions;
mod patterns;

use crate::ast::Ident;
use crate::diagnostic::{ErrorCode, SyntaxError};
use crate::lexer::{Token, TokenKind};
use crate::span::Span;

/// Deepest nesting of expressions and patterns accepted.
pub const MAX_DEPTH: usize = 64;

pub(crate) type PResult<T> = Result<T, SyntaxError>;

/// Words that begin a clause: recovery stops at them, and they never name a variable.
const CLAUSE_KEYWORDS: &[&str] = &[
    "MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "CREATE", "MERGE", "SET", "DELETE", "DETACH",
    "REMOVE", "CALL", "FOREACH", "UNION", "DROP",
];

/// Words that never name a variable when written without back-quotes.
const RESERVED: &[&str] = &[
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "IS",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "AS",
    "WHERE",
    "ORDER",
    "BY",
    "SKIP",
    "LIMIT",
    "ASC",
    "ASCENDING",
    "DESC",
    "DESCENDING",
    "DISTINCT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "NULL",
    "TRUE",
    "FALSE",
    "ON",
    "YIELD",
];

pub(crate) struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    pub(crate) errors: Vec<SyntaxError>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(source: &'a str, tokens: Vec<Token>) -> Parser<'a> {
        Parser { source, tokens, pos: 0, depth: 0, errors: Vec::new() }
    }

    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    fn token(&self, ahead: usize) -> &Token {
        let idx = (self.pos + ahead).min(self.tokens.len().saturating_sub(1));
        &self.tokens[idx]
    }

    fn peek(&self) -> TokenKind {
        self.token(0).kind
    }

    fn peek_at(&self, ahead: usize) -> TokenKind {
        self.token(ahead).kind
    }

    fn span(&self) -> Span {
        self.token(0).span
    }

    /// The span of the previous token (the end of what was just parsed).
    fn prev_span(&self) -> Span {
        self.tokens.get(self.pos.wrapping_sub(1)).map_or(Span::default(), |t| t.span)
    }

    fn bump(&mut self) -> Token {
        let token = self.token(0).clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek() == kind
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> PResult<Token> {
        if self.at(kind) {
            Ok(self.bump())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn is_keyword_at(&self, ahead: usize, keyword: &str) -> bool {
        let token = self.token(ahead);
        token.kind == TokenKind::Ident && token.text.eq_ignore_ascii_case(keyword)
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        self.is_keyword_at(0, keyword)
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        if self.at_keyword(keyword) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, keyword: &str) -> PResult<Span> {
        if self.at_keyword(keyword) {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(&format!("`{keyword}`")))
        }
    }

    /// An error for the current token, saying what was expected.
    fn unexpected(&self, expected: &str) -> SyntaxError {
        let token = self.token(0);
        let found = match token.kind {
            TokenKind::Eof => "unexpected end of input".to_owned(),
            TokenKind::String => "unexpected string literal".to_owned(),
            _ => format!("unexpected `{}`", token.span.text(self.source)),
        };
        let error = SyntaxError::new(found, token.span).expecting([expected.to_owned()]);
        // A Unicode look-alike of an operator (an en dash for a minus) outside a pattern arrow.
        let lookalike = matches!(token.kind, TokenKind::Minus | TokenKind::Lt | TokenKind::Gt)
            && !token.text.is_ascii();
        if lookalike {
            error.with_code(ErrorCode::InvalidUnicodeCharacter)
        } else {
            error
        }
    }

    /// Any name: identifiers, back-quoted names and keywords (for labels, keys, functions).
    fn name(&mut self, what: &str) -> PResult<Ident> {
        match self.peek() {
            TokenKind::Ident | TokenKind::QuotedIdent => {
                let token = self.bump();
                Ok(Ident { name: token.text, span: token.span })
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// Whether the current token can be a variable name.
    fn at_variable(&self) -> bool {
        let token = self.token(0);
        match token.kind {
            TokenKind::QuotedIdent => true,
            TokenKind::Ident => !is_reserved(&token.text),
            _ => false,
        }
    }

    fn variable(&mut self) -> PResult<Ident> {
        if self.at_variable() {
            self.name("a variable")
        } else {
            Err(self.unexpected("a variable name"))
        }
    }

    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return Err(SyntaxError::new(
                format!("nesting deeper than {MAX_DEPTH} levels"),
                self.span(),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// The index of the token closing the bracket at `ahead` (`(`, `[` or `{`), if any.
    fn matching_close(&self, ahead: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut idx = self.pos + ahead;
        while let Some(token) = self.tokens.get(idx) {
            match token.kind {
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(idx - self.pos);
                    }
                }
                TokenKind::Eof => return None,
                _ => {}
            }
            idx += 1;
        }
        None
    }

    /// Whether a pattern with a relationship starts at `ahead` (a `(…)` followed by `-` or `<-`).
    fn pattern_starts_at(&self, ahead: usize) -> bool {
        if self.peek_at(ahead) != TokenKind::LParen {
            return false;
        }
        // The inside must look like a node: `()`, `(n)`, `(n:L …)`, `(:L)`, `({…})`, `($p)`.
        let node_like = match self.peek_at(ahead + 1) {
            TokenKind::RParen | TokenKind::Colon | TokenKind::LBrace | TokenKind::Parameter => true,
            TokenKind::Ident | TokenKind::QuotedIdent => {
                matches!(
                    self.peek_at(ahead + 2),
                    TokenKind::RParen | TokenKind::Colon | TokenKind::LBrace | TokenKind::Parameter
                ) || self.is_keyword_at(ahead + 2, "WHERE")
            }
            _ => false,
        };
        let Some(close) = self.matching_close(ahead) else { return false };
        // A relationship follows: `--`, `-[`, `<--`, `<-[`.
        let dash_at = match self.peek_at(close + 1) {
            TokenKind::Minus => close + 2,
            TokenKind::Lt if self.peek_at(close + 2) == TokenKind::Minus => close + 3,
            _ => return false,
        };
        node_like && matches!(self.peek_at(dash_at), TokenKind::Minus | TokenKind::LBracket)
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Skips to the next clause keyword, `;`, closing brace or the end (error recovery).
    fn synchronize(&mut self) {
        let mut nesting = 0usize;
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Semicolon if nesting == 0 => return,
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => nesting += 1,
                TokenKind::RParen | TokenKind::RBracket => nesting = nesting.saturating_sub(1),
                TokenKind::RBrace => {
                    if nesting == 0 {
                        return;
                    }
                    nesting -= 1;
                }
                TokenKind::Ident if nesting == 0 && self.at_clause_start() => return,
                _ => {}
            }
            self.bump();
        }
    }

    fn at_clause_start(&self) -> bool {
        CLAUSE_KEYWORDS.iter().any(|k| self.at_keyword(k))
    }
}

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().chain(CLAUSE_KEYWORDS).any(|k| k.eq_ignore_ascii_case(word))
}
