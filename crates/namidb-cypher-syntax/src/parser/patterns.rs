//! Patterns: parts, node and relationship patterns, label expressions.

use super::{PResult, Parser};
use crate::ast::*;
use crate::diagnostic::{ErrorCode, SyntaxError};
use crate::lexer::TokenKind;

impl Parser<'_> {
    /// `part (, part)*`
    pub(crate) fn pattern(&mut self) -> PResult<Pattern> {
        let start = self.span();
        let mut parts = vec![self.pattern_part()?];
        while self.eat(TokenKind::Comma) {
            parts.push(self.pattern_part()?);
        }
        Ok(Pattern { parts, span: start.to(self.prev_span()) })
    }

    /// `[var =] (shortestPath(element) | allShortestPaths(element) | element)`
    pub(crate) fn pattern_part(&mut self) -> PResult<PatternPart> {
        let start = self.span();
        let variable = if self.at_variable() && self.peek_at(1) == TokenKind::Eq {
            let variable = self.variable()?;
            self.bump();
            Some(variable)
        } else {
            None
        };
        let kind = if self.at_keyword("shortestPath") && self.peek_at(1) == TokenKind::LParen {
            PathKind::Shortest
        } else if self.at_keyword("allShortestPaths") && self.peek_at(1) == TokenKind::LParen {
            PathKind::AllShortest
        } else {
            PathKind::Plain
        };
        let element = if kind == PathKind::Plain {
            self.pattern_element()?
        } else {
            self.bump();
            self.bump();
            let element = self.pattern_element()?;
            self.expect(TokenKind::RParen, "`)`")?;
            element
        };
        Ok(PatternPart { variable, kind, element, span: start.to(self.prev_span()) })
    }

    /// `node (relationship node)*`, optionally wrapped in parentheses.
    pub(crate) fn pattern_element(&mut self) -> PResult<PatternElement> {
        self.enter()?;
        let result = self.pattern_element_inner();
        self.leave();
        result
    }

    fn pattern_element_inner(&mut self) -> PResult<PatternElement> {
        let start = self.span();
        // `((a)-->(b))`: a parenthesized element.
        if self.at(TokenKind::LParen) && self.peek_at(1) == TokenKind::LParen {
            self.bump();
            let element = self.pattern_element()?;
            self.expect(TokenKind::RParen, "`)`")?;
            return Ok(element);
        }
        let first = self.node_pattern()?;
        let mut chain = Vec::new();
        while self.at_relationship_start() {
            let relationship = self.relationship_pattern()?;
            let node = self.node_pattern()?;
            chain.push((relationship, node));
        }
        Ok(PatternElement { start: first, chain, span: start.to(self.prev_span()) })
    }

    fn at_relationship_start(&self) -> bool {
        match self.peek() {
            TokenKind::Minus => true,
            TokenKind::Lt => self.peek_at(1) == TokenKind::Minus,
            _ => false,
        }
    }

    /// `( [var] [:labels] [props] [WHERE expr] )`
    pub(crate) fn node_pattern(&mut self) -> PResult<NodePattern> {
        let start = self.expect(TokenKind::LParen, "`(` starting a node pattern")?.span;
        let variable = if self.at_variable() { Some(self.variable()?) } else { None };
        let labels = if self.at(TokenKind::Colon) { Some(self.label_expression()?) } else { None };
        let properties = self.pattern_properties()?;
        let where_ = if self.eat_keyword("WHERE") { Some(Box::new(self.expr()?)) } else { None };
        self.expect(TokenKind::RParen, "`)` closing the node pattern")?;
        Ok(NodePattern { variable, labels, properties, where_, span: start.to(self.prev_span()) })
    }

    fn pattern_properties(&mut self) -> PResult<Option<Box<Expr>>> {
        match self.peek() {
            TokenKind::LBrace => Ok(Some(Box::new(self.map_literal()?))),
            TokenKind::Parameter => {
                let token = self.bump();
                Ok(Some(Box::new(Expr { kind: ExprKind::Parameter(token.text), span: token.span })))
            }
            _ => Ok(None),
        }
    }

    /// `:A:B`, `:A|B`, `:A&B`, `:!A`, `:%`, `:(A|B)&C`.
    pub(crate) fn label_expression(&mut self) -> PResult<LabelExpr> {
        self.expect(TokenKind::Colon, "`:`")?;
        let mut terms = vec![self.label_or()?];
        while self.eat(TokenKind::Colon) {
            terms.push(self.label_or()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { LabelExpr::And(terms) })
    }

    fn label_or(&mut self) -> PResult<LabelExpr> {
        let mut terms = vec![self.label_and()?];
        while self.eat(TokenKind::Pipe) {
            let _ = self.eat(TokenKind::Colon);
            terms.push(self.label_and()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { LabelExpr::Or(terms) })
    }

    fn label_and(&mut self) -> PResult<LabelExpr> {
        let mut terms = vec![self.label_not()?];
        while self.eat(TokenKind::Ampersand) {
            terms.push(self.label_not()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { LabelExpr::And(terms) })
    }

    fn label_not(&mut self) -> PResult<LabelExpr> {
        self.enter()?;
        let result = if self.eat(TokenKind::Bang) {
            self.label_not().map(|inner| LabelExpr::Not(Box::new(inner)))
        } else if self.at(TokenKind::Percent) {
            Ok(LabelExpr::Wildcard(self.bump().span))
        } else if self.eat(TokenKind::LParen) {
            let inner = self.label_or();
            self.expect(TokenKind::RParen, "`)`").and(inner)
        } else {
            self.name("a label").map(LabelExpr::Name)
        };
        self.leave();
        result
    }

    /// `-[…]->`, `<-[…]-`, `-[…]-`, `-->`, `<--`, `--`.
    fn relationship_pattern(&mut self) -> PResult<RelationshipPattern> {
        let start = self.span();
        let left_arrow = self.eat(TokenKind::Lt);
        self.expect(TokenKind::Minus, "`-`")?;
        let mut variable = None;
        let mut types = Vec::new();
        let mut length = None;
        let mut properties = None;
        let mut where_ = None;
        if self.eat(TokenKind::LBracket) {
            if self.at_variable() {
                variable = Some(self.variable()?);
            }
            if self.eat(TokenKind::Colon) {
                types.push(self.name("a relationship type")?);
                while self.eat(TokenKind::Pipe) {
                    let _ = self.eat(TokenKind::Colon);
                    types.push(self.name("a relationship type")?);
                }
            }
            if self.eat(TokenKind::Star) {
                length = Some(self.range_literal()?);
            } else if self.at(TokenKind::DotDot) || self.at(TokenKind::Integer) {
                return Err(SyntaxError::new(
                    "a variable length needs `*` before it, as in `-[:KNOWS*1..3]->`",
                    self.span(),
                )
                .with_code(ErrorCode::InvalidRelationshipPattern));
            }
            properties = self.pattern_properties()?;
            if self.eat_keyword("WHERE") {
                where_ = Some(Box::new(self.expr()?));
            }
            self.expect(TokenKind::RBracket, "`]` closing the relationship pattern")?;
        }
        self.expect(TokenKind::Minus, "`-`")?;
        let right_arrow = self.eat(TokenKind::Gt);
        let direction = match (left_arrow, right_arrow) {
            (false, true) => Direction::Outgoing,
            (true, false) => Direction::Incoming,
            _ => Direction::Both,
        };
        Ok(RelationshipPattern {
            direction,
            variable,
            types,
            length,
            properties,
            where_,
            span: start.to(self.prev_span()),
        })
    }

    /// After `*`: `[min] [.. [max]]`.
    fn range_literal(&mut self) -> PResult<(Option<u64>, Option<u64>)> {
        let min = self.range_bound()?;
        if self.eat(TokenKind::DotDot) {
            let max = self.range_bound()?;
            Ok((min, max))
        } else {
            Ok(match min {
                Some(n) => (Some(n), Some(n)),
                None => (None, None),
            })
        }
    }

    fn range_bound(&mut self) -> PResult<Option<u64>> {
        if self.at(TokenKind::Minus) {
            return Err(SyntaxError::new("a path length cannot be negative", self.span())
                .with_code(ErrorCode::InvalidRelationshipPattern));
        }
        if !self.at(TokenKind::Integer) {
            return Ok(None);
        }
        let token = self.bump();
        parse_integer_text(&token.text).and_then(|n| u64::try_from(n).ok()).map(Some).ok_or_else(
            || SyntaxError::new(format!("invalid path length `{}`", token.text), token.span),
        )
    }
}

/// Whether an integer literal's text has only digits of its radix (so a failure to parse it means
/// it is out of range rather than malformed).
pub(crate) fn integer_text_is_well_formed(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(hex) = lower.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = lower.strip_prefix("0o") {
        (octal, 8)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

/// Parses an integer literal's text (decimal, `0x` hex, `0o` or leading-zero octal).
pub(crate) fn parse_integer_text(text: &str) -> Option<i128> {
    let lower = text.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return i128::from_str_radix(hex, 16).ok();
    }
    if let Some(octal) = lower.strip_prefix("0o") {
        return i128::from_str_radix(octal, 8).ok();
    }
    if lower.len() > 1 && lower.starts_with('0') {
        return i128::from_str_radix(&lower[1..], 8).ok();
    }
    lower.parse().ok()
}
