//! The lexer: query text to tokens.
//!
//! Keywords are not distinguished here: every bare word is an [`TokenKind::Ident`] and the parser
//! matches keywords case-insensitively, which lets keywords serve as names where Cypher allows it
//! (property keys, labels, map keys, function names). Comments (`//…` and `/*…*/`) and white space
//! are skipped. Lexical errors are collected and lexing goes on, so one pass reports them all.

use crate::diagnostic::{ErrorCode, SyntaxError};
use crate::span::Span;

/// Kinds of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A bare word: identifier or keyword.
    Ident,
    /// A back-quoted identifier; `text` holds the name without quotes.
    QuotedIdent,
    /// A string literal; `text` holds the decoded value.
    String,
    /// An integer literal; `text` holds it as written (`123`, `0x1F`, `0o17`, `017`).
    Integer,
    /// A float literal; `text` holds it as written.
    Float,
    /// A parameter; `text` holds its name without `$`.
    Parameter,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// `:`
    Colon,
    /// `;`
    Semicolon,
    /// `|`
    Pipe,
    /// `&`
    Ampersand,
    /// `!`
    Bang,
    /// `+`
    Plus,
    /// `+=`
    PlusEq,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `^`
    Caret,
    /// `=`
    Eq,
    /// `=~`
    RegexMatch,
    /// `<>` or `!=`
    NotEq,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// End of input.
    Eof,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Its kind.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
    /// Its text (decoded for strings, quoted identifiers and parameters).
    pub text: String,
}

/// Splits `source` into tokens (ending with [`TokenKind::Eof`]) and lexical errors.
pub fn tokenize(source: &str) -> (Vec<Token>, Vec<SyntaxError>) {
    let mut lexer = Lexer {
        source,
        chars: source.char_indices().collect(),
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
    };
    lexer.run();
    (lexer.tokens, lexer.errors)
}

struct Lexer<'a> {
    source: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<SyntaxError>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|(_, c)| *c)
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.source.len(), |(i, _)| *i)
    }

    fn push(&mut self, kind: TokenKind, start: usize, text: String) {
        let span = Span::new(start, self.offset());
        self.tokens.push(Token { kind, span, text });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let start = self.offset();
            match c {
                c if c.is_whitespace() => self.pos += 1,
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                '/' if self.peek(1) == Some('*') => self.block_comment(start),
                '\'' | '"' => self.string(c, start),
                '`' => self.quoted_ident(start),
                '$' => self.parameter(start),
                c if c.is_ascii_digit() => self.number(start),
                '.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => self.number(start),
                c if is_ident_start(c) => {
                    while self.peek(0).is_some_and(is_ident_part) {
                        self.pos += 1;
                    }
                    let text = self.source[start..self.offset()].to_owned();
                    self.push(TokenKind::Ident, start, text);
                }
                _ => self.punctuation(c, start),
            }
        }
        let end = self.source.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(end, end),
            text: String::new(),
        });
    }

    fn punctuation(&mut self, c: char, start: usize) {
        let next = self.peek(1);
        let (kind, len) = match (c, next) {
            ('.', Some('.')) => (TokenKind::DotDot, 2),
            ('+', Some('=')) => (TokenKind::PlusEq, 2),
            ('=', Some('~')) => (TokenKind::RegexMatch, 2),
            ('<', Some('>')) | ('!', Some('=')) => (TokenKind::NotEq, 2),
            ('<', Some('=')) => (TokenKind::Le, 2),
            ('>', Some('=')) => (TokenKind::Ge, 2),
            ('(', _) => (TokenKind::LParen, 1),
            (')', _) => (TokenKind::RParen, 1),
            ('[', _) => (TokenKind::LBracket, 1),
            (']', _) => (TokenKind::RBracket, 1),
            ('{', _) => (TokenKind::LBrace, 1),
            ('}', _) => (TokenKind::RBrace, 1),
            (',', _) => (TokenKind::Comma, 1),
            ('.', _) => (TokenKind::Dot, 1),
            (':', _) => (TokenKind::Colon, 1),
            (';', _) => (TokenKind::Semicolon, 1),
            ('|', _) => (TokenKind::Pipe, 1),
            ('&', _) => (TokenKind::Ampersand, 1),
            ('!', _) => (TokenKind::Bang, 1),
            ('+', _) => (TokenKind::Plus, 1),
            // Unicode dashes are accepted as arrows' minus, as openCypher allows.
            (
                '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}',
                _,
            ) => (TokenKind::Minus, 1),
            ('*', _) => (TokenKind::Star, 1),
            ('/', _) => (TokenKind::Slash, 1),
            ('%', _) => (TokenKind::Percent, 1),
            ('^', _) => (TokenKind::Caret, 1),
            ('=', _) => (TokenKind::Eq, 1),
            ('<' | '\u{27e8}' | '\u{3008}' | '\u{fe64}' | '\u{ff1c}', _) => (TokenKind::Lt, 1),
            ('>' | '\u{27e9}' | '\u{3009}' | '\u{fe65}' | '\u{ff1e}', _) => (TokenKind::Gt, 1),
            _ => {
                self.pos += 1;
                let code = if c.is_ascii() {
                    ErrorCode::UnexpectedSyntax
                } else {
                    ErrorCode::InvalidUnicodeCharacter
                };
                self.errors.push(
                    SyntaxError::new(
                        format!("unexpected character {c:?}"),
                        Span::new(start, self.offset()),
                    )
                    .with_code(code),
                );
                return;
            }
        };
        self.pos += len;
        let text = self.source[start..self.offset()].to_owned();
        self.push(kind, start, text);
    }

    fn block_comment(&mut self, start: usize) {
        self.pos += 2;
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some('*'), Some('/')) => {
                    self.pos += 2;
                    return;
                }
                (Some(_), _) => self.pos += 1,
                (None, _) => {
                    self.errors.push(
                        SyntaxError::new("unterminated comment", Span::new(start, start + 2))
                            .expecting(["`*/`"]),
                    );
                    return;
                }
            }
        }
    }

    fn string(&mut self, quote: char, start: usize) {
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                self.errors.push(
                    SyntaxError::new("unterminated string literal", Span::new(start, start + 1))
                        .expecting([format!("a closing `{quote}`")]),
                );
                break;
            };
            self.pos += 1;
            if c == quote {
                break;
            }
            if c != '\\' {
                value.push(c);
                continue;
            }
            let escape_start = self.offset() - 1;
            match self.peek(0) {
                Some(e @ ('\\' | '\'' | '"')) => {
                    self.pos += 1;
                    value.push(e);
                }
                Some('b') => {
                    self.pos += 1;
                    value.push('\u{8}');
                }
                Some('f') => {
                    self.pos += 1;
                    value.push('\u{c}');
                }
                Some('n') => {
                    self.pos += 1;
                    value.push('\n');
                }
                Some('r') => {
                    self.pos += 1;
                    value.push('\r');
                }
                Some('t') => {
                    self.pos += 1;
                    value.push('\t');
                }
                Some(u @ ('u' | 'U')) => {
                    self.pos += 1;
                    let digits = if u == 'u' { 4 } else { 8 };
                    let hex: String = (0..digits)
                        .filter_map(|i| self.peek(i))
                        .take_while(char::is_ascii_hexdigit)
                        .collect();
                    self.pos += hex.len();
                    match u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == digits)
                        .and_then(char::from_u32)
                    {
                        Some(ch) => value.push(ch),
                        None => self.errors.push(
                            SyntaxError::new(
                                format!("invalid unicode escape `\\{u}{hex}`"),
                                Span::new(escape_start, self.offset()),
                            )
                            .with_code(ErrorCode::InvalidUnicodeLiteral),
                        ),
                    }
                }
                other => {
                    if other.is_some() {
                        self.pos += 1;
                    }
                    self.errors.push(SyntaxError::new(
                        format!(
                            "invalid escape sequence `\\{}`",
                            other.map(String::from).unwrap_or_default()
                        ),
                        Span::new(escape_start, self.offset()),
                    ));
                }
            }
        }
        self.push(TokenKind::String, start, value);
    }

    fn quoted_ident(&mut self, start: usize) {
        self.pos += 1;
        let mut name = String::new();
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some('`'), Some('`')) => {
                    self.pos += 2;
                    name.push('`');
                }
                (Some('`'), _) => {
                    self.pos += 1;
                    break;
                }
                (Some(c), _) => {
                    self.pos += 1;
                    name.push(c);
                }
                (None, _) => {
                    self.errors.push(
                        SyntaxError::new(
                            "unterminated quoted identifier",
                            Span::new(start, start + 1),
                        )
                        .expecting(["a closing backtick"]),
                    );
                    break;
                }
            }
        }
        self.push(TokenKind::QuotedIdent, start, name);
    }

    fn parameter(&mut self, start: usize) {
        self.pos += 1;
        let name = if self.peek(0) == Some('`') {
            let before = self.tokens.len();
            self.quoted_ident(self.offset());
            self.tokens
                .pop()
                .filter(|_| self.tokens.len() == before)
                .map(|t| t.text)
                .unwrap_or_default()
        } else {
            let name_start = self.offset();
            while self.peek(0).is_some_and(is_ident_part) {
                self.pos += 1;
            }
            self.source[name_start..self.offset()].to_owned()
        };
        if name.is_empty() {
            self.errors.push(SyntaxError::new(
                "`$` must be followed by a parameter name",
                Span::new(start, self.offset()),
            ));
        }
        self.push(TokenKind::Parameter, start, name);
    }

    fn number(&mut self, start: usize) {
        let digits_while = |lexer: &mut Self, f: fn(&char) -> bool| {
            while lexer.peek(0).as_ref().is_some_and(f) {
                lexer.pos += 1;
            }
        };
        if self.peek(0) == Some('0') && matches!(self.peek(1), Some('x' | 'X' | 'o' | 'O')) {
            self.pos += 2;
            digits_while(self, char::is_ascii_alphanumeric);
            let text = self.source[start..self.offset()].to_owned();
            self.push(TokenKind::Integer, start, text);
            return;
        }
        digits_while(self, char::is_ascii_digit);
        let mut float = false;
        if self.peek(0) == Some('.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.pos += 1;
            digits_while(self, char::is_ascii_digit);
        }
        if matches!(self.peek(0), Some('e' | 'E'))
            && (self.peek(1).is_some_and(|c| c.is_ascii_digit())
                || (matches!(self.peek(1), Some('+' | '-'))
                    && self.peek(2).is_some_and(|c| c.is_ascii_digit())))
        {
            float = true;
            self.pos += 2;
            digits_while(self, char::is_ascii_digit);
        }
        if self.peek(0).is_some_and(is_ident_start) {
            // `123abc` is one malformed token, not a number followed by a name.
            digits_while(self, |c| is_ident_part(*c));
            self.errors.push(
                SyntaxError::new(
                    format!("invalid number literal `{}`", &self.source[start..self.offset()]),
                    Span::new(start, self.offset()),
                )
                .with_code(ErrorCode::InvalidNumberLiteral),
            );
        }
        let text = self.source[start..self.offset()].to_owned();
        self.push(if float { TokenKind::Float } else { TokenKind::Integer }, start, text);
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_part(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        let (tokens, errors) = tokenize(source);
        assert!(errors.is_empty(), "{errors:?}");
        tokens.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn punctuation_and_arrows() {
        use TokenKind::*;
        assert_eq!(
            kinds("(a)<-[:R*1..2]-(b)"),
            vec![
                LParen, Ident, RParen, Lt, Minus, LBracket, Colon, Ident, Star, Integer, DotDot,
                Integer, RBracket, Minus, LParen, Ident, RParen, Eof
            ]
        );
        assert_eq!(
            kinds("a <> b != c =~ d += e <= f >= g"),
            vec![
                Ident, NotEq, Ident, NotEq, Ident, RegexMatch, Ident, PlusEq, Ident, Le, Ident, Ge,
                Ident, Eof
            ]
        );
    }

    #[test]
    fn literals_and_comments() {
        let (tokens, errors) = tokenize(
            "'it\\'s' \"q\\u00e9\" 0x1F 0o17 1.5e-3 .5 7 // c\n/* x */ $p $`a b` `we``ird`",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let texts: Vec<(TokenKind, &str)> =
            tokens.iter().map(|t| (t.kind, t.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                (TokenKind::String, "it's"),
                (TokenKind::String, "qé"),
                (TokenKind::Integer, "0x1F"),
                (TokenKind::Integer, "0o17"),
                (TokenKind::Float, "1.5e-3"),
                (TokenKind::Float, ".5"),
                (TokenKind::Integer, "7"),
                (TokenKind::Parameter, "p"),
                (TokenKind::Parameter, "a b"),
                (TokenKind::QuotedIdent, "we`ird"),
                (TokenKind::Eof, ""),
            ]
        );
    }

    #[test]
    fn errors_are_collected_and_lexing_goes_on() {
        let (tokens, errors) = tokenize("'open \\q' # `x");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].message.contains("invalid escape"));
        assert!(errors[1].message.contains("unexpected character"));
        assert!(errors[2].message.contains("unterminated quoted identifier"));
        assert_eq!(tokens.last().map(|t| t.kind), Some(TokenKind::Eof));
    }
}
