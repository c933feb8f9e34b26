//! Expressions: precedence climbing over the openCypher operator table, and every atom.
//!
//! Precedence, loosest first: `OR`; `XOR`; `AND`; `NOT`; comparisons (`=`, `<>`, `<`, `>`, `<=`,
//! `>=`, chainable); `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `=~`, `IN`, `IS [NOT] NULL`; `+ -`;
//! `* / %`; `^`; unary `+ -`; postfix `.key`, `[i]`, `[a..b]`, `:Label`.

use super::patterns::{integer_text_is_well_formed, parse_integer_text};
use super::{PResult, Parser};
use crate::ast::*;
use crate::diagnostic::{ErrorCode, SyntaxError};
use crate::lexer::TokenKind;
use crate::span::Span;

fn node(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    node(ExprKind::Binary(op, Box::new(left), Box::new(right)), span)
}

impl Parser<'_> {
    /// Any expression.
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let result = self.or_expr();
        self.leave();
        result
    }

    fn or_expr(&mut self) -> PResult<Expr> {
        self.left_assoc(Self::xor_expr, |parser| parser.at_keyword("OR").then_some(BinaryOp::Or))
    }

    fn xor_expr(&mut self) -> PResult<Expr> {
        self.left_assoc(Self::and_expr, |parser| parser.at_keyword("XOR").then_some(BinaryOp::Xor))
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        self.left_assoc(Self::not_expr, |parser| parser.at_keyword("AND").then_some(BinaryOp::And))
    }

    fn not_expr(&mut self) -> PResult<Expr> {
        if self.at_keyword("NOT") {
            let start = self.bump().span;
            self.enter()?;
            let inner = self.not_expr();
            self.leave();
            let inner = inner?;
            let span = start.to(inner.span);
            return Ok(node(ExprKind::Unary(UnaryOp::Not, Box::new(inner)), span));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.predicate_expr()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                TokenKind::Eq => BinaryOp::Eq,
                TokenKind::NotEq => BinaryOp::NotEq,
                TokenKind::Lt => BinaryOp::Lt,
                TokenKind::Gt => BinaryOp::Gt,
                TokenKind::Le => BinaryOp::Le,
                TokenKind::Ge => BinaryOp::Ge,
                _ => break,
            };
            self.bump();
            rest.push((op, self.predicate_expr()?));
        }
        Ok(match rest.len() {
            0 => first,
            1 => {
                let (op, right) = rest.remove(0);
                binary(op, first, right)
            }
            _ => {
                let span = first.span.to(rest.last().map_or(first.span, |(_, e)| e.span));
                node(ExprKind::Comparison(Box::new(first), rest), span)
            }
        })
    }

    fn predicate_expr(&mut self) -> PResult<Expr> {
        let mut left = self.additive()?;
        loop {
            let op = if self.at_keyword("STARTS") && self.is_keyword_at(1, "WITH") {
                self.bump();
                self.bump();
                BinaryOp::StartsWith
            } else if self.at_keyword("ENDS") && self.is_keyword_at(1, "WITH") {
                self.bump();
                self.bump();
                BinaryOp::EndsWith
            } else if self.eat_keyword("CONTAINS") {
                BinaryOp::Contains
            } else if self.eat(TokenKind::RegexMatch) {
                BinaryOp::RegexMatch
            } else if self.eat_keyword("IN") {
                BinaryOp::In
            } else if self.at_keyword("IS") {
                self.bump();
                let negated = self.eat_keyword("NOT");
                self.expect_keyword("NULL")?;
                let span = left.span.to(self.prev_span());
                left = node(ExprKind::IsNull(Box::new(left), negated), span);
                continue;
            } else {
                break;
            };
            left = binary(op, left, self.additive()?);
        }
        Ok(left)
    }

    fn additive(&mut self) -> PResult<Expr> {
        self.left_assoc(Self::multiplicative, |parser| match parser.peek() {
            TokenKind::Plus => Some(BinaryOp::Add),
            TokenKind::Minus if parser.at_ascii_minus() => Some(BinaryOp::Sub),
            _ => None,
        })
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        self.left_assoc(Self::power, |parser| match parser.peek() {
            TokenKind::Star => Some(BinaryOp::Mul),
            TokenKind::Slash => Some(BinaryOp::Div),
            TokenKind::Percent => Some(BinaryOp::Mod),
            _ => None,
        })
    }

    /// `operand (op operand)*`, left-associative, with `op` recognised by `operator`.
    fn left_assoc(
        &mut self,
        operand: fn(&mut Self) -> PResult<Expr>,
        operator: fn(&Self) -> Option<BinaryOp>,
    ) -> PResult<Expr> {
        let mut left = operand(self)?;
        while let Some(op) = operator(self) {
            self.bump();
            left = binary(op, left, operand(self)?);
        }
        Ok(left)
    }

    fn power(&mut self) -> PResult<Expr> {
        self.left_assoc(Self::unary, |parser| parser.at(TokenKind::Caret).then_some(BinaryOp::Pow))
    }

    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            TokenKind::Minus if self.at_ascii_minus() => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Pos,
            _ => return self.label_predicate(),
        };
        let start = self.bump().span;
        if op == UnaryOp::Neg && self.at(TokenKind::Integer) {
            // Fold `-9223372036854775808`, which does not fit as a positive literal.
            let token = self.bump();
            let value = parse_integer_text(&token.text)
                .map(|n| -n)
                .and_then(|n| i64::try_from(n).ok())
                .ok_or_else(|| {
                    integer_literal_error(&format!("-{}", token.text), start.to(token.span))
                })?;
            let literal = node(ExprKind::Literal(Literal::Integer(value)), start.to(token.span));
            return self.postfix_from(literal, true);
        }
        self.enter()?;
        let inner = self.unary();
        self.leave();
        let inner = inner?;
        let span = start.to(inner.span);
        Ok(node(ExprKind::Unary(op, Box::new(inner)), span))
    }

    fn label_predicate(&mut self) -> PResult<Expr> {
        let atom = self.atom()?;
        self.postfix_from(atom, true)
    }

    /// An atom with property lookups and subscripts (no label predicate): a `SET` target.
    pub(crate) fn postfix_expr(&mut self) -> PResult<Expr> {
        let atom = self.atom()?;
        self.postfix_from(atom, false)
    }

    fn postfix_from(&mut self, mut expr: Expr, labels: bool) -> PResult<Expr> {
        loop {
            if self.at(TokenKind::Dot) {
                self.bump();
                let key = self.name("a property key")?;
                let span = expr.span.to(key.span);
                expr = node(ExprKind::Property(Box::new(expr), key), span);
            } else if self.at(TokenKind::LBracket) {
                self.bump();
                // `[index]`, `[from..to]`, `[..to]`, `[from..]`.
                let from = if self.at(TokenKind::DotDot) { None } else { Some(self.expr()?) };
                if self.eat(TokenKind::DotDot) {
                    let to = if self.at(TokenKind::RBracket) {
                        None
                    } else {
                        Some(Box::new(self.expr()?))
                    };
                    self.expect(TokenKind::RBracket, "`]`")?;
                    let span = expr.span.to(self.prev_span());
                    expr = node(ExprKind::Slice(Box::new(expr), from.map(Box::new), to), span);
                    continue;
                }
                let Some(index) = from else { return Err(self.unexpected("an index")) };
                self.expect(TokenKind::RBracket, "`]` or `..`")?;
                let span = expr.span.to(self.prev_span());
                expr = node(ExprKind::Index(Box::new(expr), Box::new(index)), span);
            } else if labels && self.at(TokenKind::Colon) {
                let label = self.label_expression()?;
                let span = expr.span.to(self.prev_span());
                expr = node(ExprKind::HasLabels(Box::new(expr), label), span);
            } else {
                return Ok(expr);
            }
        }
    }

    fn atom(&mut self) -> PResult<Expr> {
        let start = self.span();
        match self.peek() {
            TokenKind::String => {
                let token = self.bump();
                Ok(node(ExprKind::Literal(Literal::String(token.text)), token.span))
            }
            TokenKind::Integer => {
                let token = self.bump();
                let value = parse_integer_text(&token.text)
                    .and_then(|n| i64::try_from(n).ok())
                    .ok_or_else(|| integer_literal_error(&token.text, token.span))?;
                Ok(node(ExprKind::Literal(Literal::Integer(value)), token.span))
            }
            TokenKind::Float => {
                let token = self.bump();
                let value: f64 =
                    token.text.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                        SyntaxError::new(
                            format!("float literal `{}` is out of range", token.text),
                            token.span,
                        )
                        .with_code(ErrorCode::FloatingPointOverflow)
                    })?;
                Ok(node(ExprKind::Literal(Literal::Float(value)), token.span))
            }
            TokenKind::Parameter => {
                let token = self.bump();
                Ok(node(ExprKind::Parameter(token.text), token.span))
            }
            TokenKind::LBrace => self.map_literal(),
            TokenKind::LBracket => self.bracket_atom(),
            TokenKind::LParen => {
                if self.pattern_starts_at(0) {
                    let element = self.pattern_element()?;
                    let span = element.span;
                    return Ok(node(ExprKind::PatternPredicate(Box::new(element)), span));
                }
                self.bump();
                let inner = self.expr()?;
                self.expect(TokenKind::RParen, "`)`")?;
                Ok(Expr { span: start.to(self.prev_span()), ..inner })
            }
            TokenKind::Ident | TokenKind::QuotedIdent => self.word_atom(),
            _ => Err(self.unexpected("an expression")),
        }
    }

    /// `{key: value, …}`
    pub(crate) fn map_literal(&mut self) -> PResult<Expr> {
        let start = self.expect(TokenKind::LBrace, "`{`")?.span;
        let mut entries = Vec::new();
        if !self.at(TokenKind::RBrace) {
            loop {
                let key = self.name("a map key")?;
                self.expect(TokenKind::Colon, "`:`")?;
                entries.push((key, self.expr()?));
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.expect(TokenKind::RBrace, "`,` or `}`")?;
        Ok(node(ExprKind::Map(entries), start.to(self.prev_span())))
    }

    /// `[…]`: list literal, list comprehension or pattern comprehension.
    fn bracket_atom(&mut self) -> PResult<Expr> {
        let start = self.bump().span;
        // List comprehension: [x IN list WHERE pred | expr]
        if self.at_variable() && self.is_keyword_at(1, "IN") {
            let variable = self.variable()?;
            self.bump();
            let list = self.expr()?;
            let filter =
                if self.eat_keyword("WHERE") { Some(Box::new(self.expr()?)) } else { None };
            let map = if self.eat(TokenKind::Pipe) { Some(Box::new(self.expr()?)) } else { None };
            self.expect(TokenKind::RBracket, "`]`")?;
            let kind = ExprKind::ListComprehension { variable, list: Box::new(list), filter, map };
            return Ok(node(kind, start.to(self.prev_span())));
        }
        // Pattern comprehension: [p = (a)-->(b) WHERE pred | expr]
        let named =
            self.at_variable() && self.peek_at(1) == TokenKind::Eq && self.pattern_starts_at(2);
        if named || self.pattern_starts_at(0) {
            let variable = if named {
                let variable = self.variable()?;
                self.bump();
                Some(variable)
            } else {
                None
            };
            let pattern = self.pattern_element()?;
            let filter =
                if self.eat_keyword("WHERE") { Some(Box::new(self.expr()?)) } else { None };
            self.expect(TokenKind::Pipe, "`|` and the comprehension's value")?;
            let map = Box::new(self.expr()?);
            self.expect(TokenKind::RBracket, "`]`")?;
            let kind = ExprKind::PatternComprehension {
                variable,
                pattern: Box::new(pattern),
                filter,
                map,
            };
            return Ok(node(kind, start.to(self.prev_span())));
        }
        let mut items = Vec::new();
        if !self.at(TokenKind::RBracket) {
            items.push(self.expr()?);
            while self.eat(TokenKind::Comma) {
                items.push(self.expr()?);
            }
        }
        self.expect(TokenKind::RBracket, "`,` or `]`")?;
        Ok(node(ExprKind::List(items), start.to(self.prev_span())))
    }

    /// Atoms that start with a word: literals, CASE, special forms, calls, variables.
    fn word_atom(&mut self) -> PResult<Expr> {
        let start = self.span();
        let quoted = self.at(TokenKind::QuotedIdent);
        let next = self.peek_at(1);
        if !quoted {
            if self.eat_keyword("NULL") {
                return Ok(node(ExprKind::Literal(Literal::Null), start));
            }
            if self.eat_keyword("TRUE") {
                return Ok(node(ExprKind::Literal(Literal::Bool(true)), start));
            }
            if self.eat_keyword("FALSE") {
                return Ok(node(ExprKind::Literal(Literal::Bool(false)), start));
            }
            if self.at_keyword("CASE") {
                return self.case_expr();
            }
            if next == TokenKind::LBrace {
                for (keyword, make) in [
                    ("EXISTS", ExprKind::Exists as fn(Box<Subquery>) -> ExprKind),
                    ("COUNT", ExprKind::CountSubquery),
                ] {
                    if self.at_keyword(keyword) {
                        self.bump();
                        let body = self.subquery_body()?;
                        return Ok(node(make(Box::new(body)), start.to(self.prev_span())));
                    }
                }
                if self.at_keyword("COLLECT") {
                    self.bump();
                    self.bump();
                    let query = self.query()?;
                    self.expect(TokenKind::RBrace, "`}`")?;
                    return Ok(node(
                        ExprKind::CollectSubquery(Box::new(query)),
                        start.to(self.prev_span()),
                    ));
                }
            }
            if next == TokenKind::LParen {
                if self.at_keyword("COUNT")
                    && self.peek_at(2) == TokenKind::Star
                    && self.peek_at(3) == TokenKind::RParen
                {
                    for _ in 0..4 {
                        self.bump();
                    }
                    return Ok(node(ExprKind::CountStar, start.to(self.prev_span())));
                }
                if let Some(quantifier) = self.quantifier_keyword() {
                    if self.is_variable_at(2) && self.is_keyword_at(3, "IN") {
                        return self.quantified(quantifier);
                    }
                }
                if self.at_keyword("REDUCE") {
                    return self.reduce_expr();
                }
                if self.at_keyword("shortestPath") || self.at_keyword("allShortestPaths") {
                    let part = self.pattern_part()?;
                    let span = part.span;
                    return Ok(node(ExprKind::ShortestPath(Box::new(part)), span));
                }
            }
        }
        // Function call: name(…) or ns.name(…)
        let mut lookahead = 1;
        while self.peek_at(lookahead) == TokenKind::Dot
            && matches!(self.peek_at(lookahead + 1), TokenKind::Ident | TokenKind::QuotedIdent)
        {
            lookahead += 2;
        }
        if self.peek_at(lookahead) == TokenKind::LParen {
            return self.function_call();
        }
        if !self.at_variable() {
            return Err(self.unexpected("an expression"));
        }
        let variable = self.variable()?;
        if self.at(TokenKind::LBrace) {
            return self.map_projection(variable);
        }
        let span = variable.span;
        Ok(node(ExprKind::Variable(variable), span))
    }

    /// Unicode dashes are accepted in relationship patterns only, never as arithmetic minus.
    fn at_ascii_minus(&self) -> bool {
        self.token(0).text == "-"
    }

    fn is_variable_at(&self, ahead: usize) -> bool {
        let token = self.token(ahead);
        match token.kind {
            TokenKind::QuotedIdent => true,
            TokenKind::Ident => !super::is_reserved(&token.text),
            _ => false,
        }
    }

    fn quantifier_keyword(&self) -> Option<Quantifier> {
        [
            ("ALL", Quantifier::All),
            ("ANY", Quantifier::Any),
            ("NONE", Quantifier::None),
            ("SINGLE", Quantifier::Single),
        ]
        .into_iter()
        .find(|(keyword, _)| self.at_keyword(keyword))
        .map(|(_, q)| q)
    }

    fn quantified(&mut self, quantifier: Quantifier) -> PResult<Expr> {
        let start = self.bump().span;
        self.expect(TokenKind::LParen, "`(`")?;
        let variable = self.variable()?;
        self.expect_keyword("IN")?;
        let list = self.expr()?;
        let filter = if self.eat_keyword("WHERE") { Some(Box::new(self.expr()?)) } else { None };
        self.expect(TokenKind::RParen, "`)`")?;
        let kind = ExprKind::Quantified { quantifier, variable, list: Box::new(list), filter };
        Ok(node(kind, start.to(self.prev_span())))
    }

    fn reduce_expr(&mut self) -> PResult<Expr> {
        let start = self.bump().span;
        self.expect(TokenKind::LParen, "`(`")?;
        let accumulator = self.variable()?;
        self.expect(TokenKind::Eq, "`=`")?;
        let init = self.expr()?;
        self.expect(TokenKind::Comma, "`,`")?;
        let variable = self.variable()?;
        self.expect_keyword("IN")?;
        let list = self.expr()?;
        self.expect(TokenKind::Pipe, "`|`")?;
        let expr = self.expr()?;
        self.expect(TokenKind::RParen, "`)`")?;
        let kind = ExprKind::Reduce {
            accumulator,
            init: Box::new(init),
            variable,
            list: Box::new(list),
            expr: Box::new(expr),
        };
        Ok(node(kind, start.to(self.prev_span())))
    }

    fn function_call(&mut self) -> PResult<Expr> {
        let start = self.span();
        let mut name = vec![self.name("a function name")?];
        while self.eat(TokenKind::Dot) {
            name.push(self.name("a function name")?);
        }
        self.expect(TokenKind::LParen, "`(`")?;
        let distinct = self.eat_keyword("DISTINCT");
        let args = self.arguments()?;
        Ok(node(ExprKind::Function { name, distinct, args }, start.to(self.prev_span())))
    }

    /// After `(`: `[expr (, expr)*] )`.
    pub(crate) fn arguments(&mut self) -> PResult<Vec<Expr>> {
        let mut args = Vec::new();
        if !self.at(TokenKind::RParen) {
            args.push(self.expr()?);
            while self.eat(TokenKind::Comma) {
                args.push(self.expr()?);
            }
        }
        self.expect(TokenKind::RParen, "`,` or `)`")?;
        Ok(args)
    }

    fn case_expr(&mut self) -> PResult<Expr> {
        let start = self.bump().span;
        let operand = if self.at_keyword("WHEN") { None } else { Some(Box::new(self.expr()?)) };
        let mut alternatives = Vec::new();
        while self.eat_keyword("WHEN") {
            let when = self.expr()?;
            self.expect_keyword("THEN")?;
            alternatives.push((when, self.expr()?));
        }
        if alternatives.is_empty() {
            return Err(self.unexpected("`WHEN`"));
        }
        let default = if self.eat_keyword("ELSE") { Some(Box::new(self.expr()?)) } else { None };
        self.expect_keyword("END")?;
        Ok(node(ExprKind::Case { operand, alternatives, default }, start.to(self.prev_span())))
    }

    fn map_projection(&mut self, base: Ident) -> PResult<Expr> {
        self.expect(TokenKind::LBrace, "`{`")?;
        let mut items = Vec::new();
        if !self.at(TokenKind::RBrace) {
            loop {
                if self.eat(TokenKind::Dot) {
                    if self.eat(TokenKind::Star) {
                        items.push(MapProjectionItem::AllProperties);
                    } else {
                        items.push(MapProjectionItem::Property(self.name("a property key")?));
                    }
                } else if self.peek_at(1) == TokenKind::Colon {
                    let key = self.name("a map key")?;
                    self.bump();
                    items.push(MapProjectionItem::Literal(key, self.expr()?));
                } else {
                    items.push(MapProjectionItem::Variable(self.variable()?));
                }
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.expect(TokenKind::RBrace, "`,` or `}`")?;
        let span = base.span.to(self.prev_span());
        Ok(node(ExprKind::MapProjection(base, items), span))
    }

    /// After `EXISTS`/`COUNT`: `{ query }` or `{ pattern [WHERE expr] }`.
    fn subquery_body(&mut self) -> PResult<Subquery> {
        self.expect(TokenKind::LBrace, "`{`")?;
        let body = if self.at_clause_start() {
            Subquery::Query(self.query()?)
        } else {
            let pattern = self.pattern()?;
            let filter = if self.eat_keyword("WHERE") { Some(self.expr()?) } else { None };
            Subquery::Pattern(pattern, filter)
        };
        self.expect(TokenKind::RBrace, "`}`")?;
        Ok(body)
    }
}

/// The error for an integer literal that does not parse: out of range, or not a number at all.
fn integer_literal_error(text: &str, span: Span) -> SyntaxError {
    if integer_text_is_well_formed(text.trim_start_matches('-')) {
        SyntaxError::new(format!("integer literal `{text}` is out of range"), span)
            .with_code(ErrorCode::IntegerOverflow)
    } else {
        SyntaxError::new(format!("`{text}` is not a valid number literal"), span)
            .with_code(ErrorCode::InvalidNumberLiteral)
    }
}
