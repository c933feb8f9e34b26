//! Statements, queries, clauses, projections and DDL.

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::TokenKind;

impl Parser<'_> {
    /// `statement (; statement)* ;?`
    pub(crate) fn script(&mut self) -> Script {
        let mut statements = Vec::new();
        loop {
            while self.eat(TokenKind::Semicolon) {}
            if self.at(TokenKind::Eof) {
                break;
            }
            let before = self.errors.len();
            match self.statement() {
                Ok(statement) => statements.push(statement),
                Err(error) => {
                    self.errors.push(error);
                    self.synchronize_statement();
                }
            }
            if !self.at(TokenKind::Semicolon) && !self.at(TokenKind::Eof) {
                if self.errors.len() == before {
                    let error = self.unexpected("`;` or the end of the query");
                    self.errors.push(error);
                }
                self.synchronize_statement();
            }
        }
        Script { statements }
    }

    fn synchronize_statement(&mut self) {
        while !matches!(self.peek(), TokenKind::Semicolon | TokenKind::Eof) {
            self.bump();
        }
    }

    fn statement(&mut self) -> PResult<Statement> {
        let start = self.span();
        let explain = if self.eat_keyword("EXPLAIN") {
            Some(ExplainMode::Explain)
        } else if self.eat_keyword("PROFILE") {
            Some(ExplainMode::Profile)
        } else {
            None
        };
        let kind = if (self.at_keyword("CREATE")
            && (self.is_keyword_at(1, "INDEX") || self.is_keyword_at(1, "CONSTRAINT")))
            || (self.at_keyword("DROP")
                && (self.is_keyword_at(1, "INDEX") || self.is_keyword_at(1, "CONSTRAINT")))
        {
            StatementKind::Schema(self.schema_command()?)
        } else {
            StatementKind::Query(self.query()?)
        };
        Ok(Statement { explain, kind, span: start.to(self.prev_span()) })
    }

    /// `single (UNION [ALL] single)*`
    pub(crate) fn query(&mut self) -> PResult<Query> {
        let start = self.span();
        let first = self.single_query()?;
        let mut unions = Vec::new();
        while self.eat_keyword("UNION") {
            let all = self.eat_keyword("ALL");
            unions.push((all, self.single_query()?));
        }
        Ok(Query { first, unions, span: start.to(self.prev_span()) })
    }

    fn single_query(&mut self) -> PResult<SingleQuery> {
        let start = self.span();
        let mut clauses = Vec::new();
        loop {
            if matches!(self.peek(), TokenKind::Eof | TokenKind::Semicolon | TokenKind::RBrace)
                || self.at_keyword("UNION")
            {
                break;
            }
            if !self.at_clause_start() {
                let error = self.unexpected("a clause (MATCH, RETURN, WITH, CREATE, …)");
                if clauses.is_empty() && self.errors.is_empty() {
                    return Err(error);
                }
                self.errors.push(error);
                self.bump();
                self.synchronize();
                continue;
            }
            match self.clause() {
                Ok(clause) => clauses.push(clause),
                Err(error) => {
                    self.errors.push(error);
                    self.bump();
                    self.synchronize();
                }
            }
        }
        if clauses.is_empty() && self.errors.is_empty() {
            return Err(self.unexpected("a clause"));
        }
        Ok(SingleQuery { clauses, span: start.to(self.prev_span()) })
    }

    fn clause(&mut self) -> PResult<Clause> {
        let start = self.span();
        if self.at_keyword("OPTIONAL") || self.at_keyword("MATCH") {
            let optional = self.eat_keyword("OPTIONAL");
            self.expect_keyword("MATCH")?;
            let pattern = self.pattern()?;
            let where_ = self.optional_where()?;
            return Ok(Clause::Match {
                optional,
                pattern,
                where_,
                span: start.to(self.prev_span()),
            });
        }
        if self.eat_keyword("UNWIND") {
            let expr = self.expr()?;
            self.expect_keyword("AS")?;
            let variable = self.variable()?;
            return Ok(Clause::Unwind { expr, variable, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("WITH") {
            let projection = self.projection()?;
            let where_ = self.optional_where()?;
            return Ok(Clause::With { projection, where_, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("RETURN") {
            let projection = self.projection()?;
            return Ok(Clause::Return { projection, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("CREATE") {
            let pattern = self.pattern()?;
            return Ok(Clause::Create { pattern, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("MERGE") {
            let part = self.pattern_part()?;
            let mut actions = Vec::new();
            while self.at_keyword("ON") {
                self.bump();
                let on_create = if self.eat_keyword("CREATE") {
                    true
                } else if self.eat_keyword("MATCH") {
                    false
                } else {
                    return Err(self.unexpected("`CREATE` or `MATCH` after `ON`"));
                };
                self.expect_keyword("SET")?;
                actions.push((on_create, self.set_items()?));
            }
            return Ok(Clause::Merge { part, actions, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("SET") {
            let items = self.set_items()?;
            return Ok(Clause::Set { items, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("REMOVE") {
            let mut items = vec![self.remove_item()?];
            while self.eat(TokenKind::Comma) {
                items.push(self.remove_item()?);
            }
            return Ok(Clause::Remove { items, span: start.to(self.prev_span()) });
        }
        if self.at_keyword("DETACH") || self.at_keyword("DELETE") {
            let detach = self.eat_keyword("DETACH");
            self.expect_keyword("DELETE")?;
            let mut exprs = vec![self.expr()?];
            while self.eat(TokenKind::Comma) {
                exprs.push(self.expr()?);
            }
            return Ok(Clause::Delete { detach, exprs, span: start.to(self.prev_span()) });
        }
        if self.eat_keyword("FOREACH") {
            self.expect(TokenKind::LParen, "`(`")?;
            let variable = self.variable()?;
            self.expect_keyword("IN")?;
            let list = self.expr()?;
            self.expect(TokenKind::Pipe, "`|`")?;
            let mut clauses = Vec::new();
            while !self.at(TokenKind::RParen) {
                if !self.at_clause_start() {
                    return Err(self.unexpected("an updating clause or `)`"));
                }
                clauses.push(self.clause()?);
            }
            self.expect(TokenKind::RParen, "`)`")?;
            return Ok(Clause::Foreach {
                variable,
                list,
                clauses,
                span: start.to(self.prev_span()),
            });
        }
        if self.eat_keyword("CALL") {
            if self.eat(TokenKind::LBrace) {
                let query = self.query()?;
                self.expect(TokenKind::RBrace, "`}`")?;
                return Ok(Clause::Subquery {
                    query: Box::new(query),
                    span: start.to(self.prev_span()),
                });
            }
            return self.procedure_call(start).map(Clause::Call);
        }
        Err(self.unexpected("a clause"))
    }

    fn procedure_call(&mut self, start: crate::span::Span) -> PResult<ProcedureCall> {
        let mut name = vec![self.name("a procedure name")?];
        while self.eat(TokenKind::Dot) {
            name.push(self.name("a procedure name")?);
        }
        let args = if self.eat(TokenKind::LParen) { Some(self.arguments()?) } else { None };
        let mut yield_all = false;
        let mut yields = Vec::new();
        let mut where_ = None;
        if self.eat_keyword("YIELD") {
            if self.eat(TokenKind::Star) {
                yield_all = true;
            } else {
                loop {
                    let field = self.name("a field name")?;
                    let alias = if self.eat_keyword("AS") { Some(self.variable()?) } else { None };
                    yields.push((field, alias));
                    if !self.eat(TokenKind::Comma) {
                        break;
                    }
                }
                where_ = self.optional_where()?;
            }
        }
        Ok(ProcedureCall {
            name,
            args,
            yield_all,
            yields,
            where_,
            span: start.to(self.prev_span()),
        })
    }

    fn optional_where(&mut self) -> PResult<Option<Expr>> {
        if self.eat_keyword("WHERE") {
            Ok(Some(self.expr()?))
        } else {
            Ok(None)
        }
    }

    fn projection(&mut self) -> PResult<Projection> {
        let distinct = self.eat_keyword("DISTINCT");
        let mut star = false;
        let mut items = Vec::new();
        if self.eat(TokenKind::Star) {
            star = true;
            while self.eat(TokenKind::Comma) {
                items.push(self.projection_item()?);
            }
        } else {
            items.push(self.projection_item()?);
            while self.eat(TokenKind::Comma) {
                items.push(self.projection_item()?);
            }
        }
        let mut order_by = Vec::new();
        if self.eat_keyword("ORDER") {
            self.expect_keyword("BY")?;
            loop {
                let expr = self.expr()?;
                let descending = if self.eat_keyword("DESC") || self.eat_keyword("DESCENDING") {
                    true
                } else {
                    let _ = self.eat_keyword("ASC") || self.eat_keyword("ASCENDING");
                    false
                };
                order_by.push(SortItem { expr, descending });
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        let skip = if self.eat_keyword("SKIP") || self.eat_keyword("OFFSET") {
            Some(self.expr()?)
        } else {
            None
        };
        let limit = if self.eat_keyword("LIMIT") { Some(self.expr()?) } else { None };
        Ok(Projection { distinct, star, items, order_by, skip, limit })
    }

    fn projection_item(&mut self) -> PResult<ProjectionItem> {
        let start = self.span();
        let expr = self.expr()?;
        let text = expr.span.text(self.source()).to_owned();
        let alias = if self.eat_keyword("AS") { Some(self.variable()?) } else { None };
        Ok(ProjectionItem { expr, alias, text, span: start.to(self.prev_span()) })
    }

    fn set_items(&mut self) -> PResult<Vec<SetItem>> {
        let mut items = vec![self.set_item()?];
        while self.eat(TokenKind::Comma) {
            items.push(self.set_item()?);
        }
        Ok(items)
    }

    fn set_item(&mut self) -> PResult<SetItem> {
        if self.at_variable() {
            match self.peek_at(1) {
                TokenKind::Eq => {
                    let variable = self.variable()?;
                    self.bump();
                    return Ok(SetItem::Replace { variable, value: self.expr()? });
                }
                TokenKind::PlusEq => {
                    let variable = self.variable()?;
                    self.bump();
                    return Ok(SetItem::Merge { variable, value: self.expr()? });
                }
                TokenKind::Colon => {
                    let variable = self.variable()?;
                    return Ok(SetItem::Labels { variable, labels: self.label_list()? });
                }
                _ => {}
            }
        }
        let target = self.postfix_expr()?;
        if !matches!(target.kind, ExprKind::Property(..)) {
            return Err(crate::diagnostic::SyntaxError::new(
                "`SET` needs a property, a variable or labels",
                target.span,
            )
            .expecting(["`n.key = value`", "`n = map`", "`n += map`", "`n:Label`"]));
        }
        self.expect(TokenKind::Eq, "`=`")?;
        Ok(SetItem::Property { target, value: self.expr()? })
    }

    fn remove_item(&mut self) -> PResult<RemoveItem> {
        if self.at_variable() && self.peek_at(1) == TokenKind::Colon {
            let variable = self.variable()?;
            return Ok(RemoveItem::Labels { variable, labels: self.label_list()? });
        }
        let target = self.postfix_expr()?;
        if !matches!(target.kind, ExprKind::Property(..)) {
            return Err(crate::diagnostic::SyntaxError::new(
                "`REMOVE` needs a property or labels",
                target.span,
            ));
        }
        Ok(RemoveItem::Property(target))
    }

    /// `:A:B` (at least one label).
    pub(crate) fn label_list(&mut self) -> PResult<Vec<Ident>> {
        let mut labels = Vec::new();
        while self.eat(TokenKind::Colon) {
            labels.push(self.name("a label")?);
        }
        if labels.is_empty() {
            return Err(self.unexpected("`:Label`"));
        }
        Ok(labels)
    }

    fn schema_command(&mut self) -> PResult<SchemaCommand> {
        if self.eat_keyword("DROP") {
            if self.eat_keyword("CONSTRAINT") {
                let name = self.name("a constraint name")?;
                let if_exists = self.if_exists()?;
                return Ok(SchemaCommand::DropConstraint { name, if_exists });
            }
            self.expect_keyword("INDEX")?;
            if self.eat_keyword("ON") {
                let (label, properties) = self.label_and_properties()?;
                return Ok(SchemaCommand::DropIndex {
                    name: None,
                    label: Some(label),
                    properties,
                    if_exists: false,
                });
            }
            let name = self.name("an index name")?;
            let if_exists = self.if_exists()?;
            return Ok(SchemaCommand::DropIndex {
                name: Some(name),
                label: None,
                properties: Vec::new(),
                if_exists,
            });
        }
        self.expect_keyword("CREATE")?;
        if self.eat_keyword("INDEX") {
            if self.eat_keyword("ON") {
                let (label, properties) = self.label_and_properties()?;
                return Ok(SchemaCommand::CreateIndex {
                    name: None,
                    label,
                    properties,
                    if_not_exists: false,
                });
            }
            let name = if !self.at_keyword("FOR") && !self.at_keyword("IF") {
                Some(self.name("an index name")?)
            } else {
                None
            };
            let if_not_exists = self.if_not_exists()?;
            self.expect_keyword("FOR")?;
            let (variable, label) = self.schema_node()?;
            self.expect_keyword("ON")?;
            self.expect(TokenKind::LParen, "`(`")?;
            let mut properties = vec![self.schema_property(&variable)?];
            while self.eat(TokenKind::Comma) {
                properties.push(self.schema_property(&variable)?);
            }
            self.expect(TokenKind::RParen, "`)`")?;
            return Ok(SchemaCommand::CreateIndex { name, label, properties, if_not_exists });
        }
        self.expect_keyword("CONSTRAINT")?;
        let name = if !self.at_keyword("ON") && !self.at_keyword("FOR") && !self.at_keyword("IF") {
            Some(self.name("a constraint name")?)
        } else {
            None
        };
        let if_not_exists = self.if_not_exists()?;
        if !self.eat_keyword("ON") {
            self.expect_keyword("FOR")?;
        }
        let (variable, label) = self.schema_node()?;
        if !self.eat_keyword("ASSERT") {
            self.expect_keyword("REQUIRE")?;
        }
        let mut properties = Vec::new();
        if self.eat(TokenKind::LParen) {
            properties.push(self.schema_property(&variable)?);
            while self.eat(TokenKind::Comma) {
                properties.push(self.schema_property(&variable)?);
            }
            self.expect(TokenKind::RParen, "`)`")?;
        } else {
            properties.push(self.schema_property(&variable)?);
        }
        self.expect_keyword("IS")?;
        if !self.eat_keyword("UNIQUE") {
            self.expect_keyword("NODE")?;
            self.expect_keyword("KEY")?;
        }
        Ok(SchemaCommand::CreateUniqueConstraint { name, label, properties, if_not_exists })
    }

    fn if_not_exists(&mut self) -> PResult<bool> {
        if self.eat_keyword("IF") {
            self.expect_keyword("NOT")?;
            self.expect_keyword("EXISTS")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn if_exists(&mut self) -> PResult<bool> {
        if self.eat_keyword("IF") {
            self.expect_keyword("EXISTS")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// `:Label(a, b)`
    fn label_and_properties(&mut self) -> PResult<(Ident, Vec<Ident>)> {
        self.expect(TokenKind::Colon, "`:Label`")?;
        let label = self.name("a label")?;
        self.expect(TokenKind::LParen, "`(`")?;
        let mut properties = vec![self.name("a property key")?];
        while self.eat(TokenKind::Comma) {
            properties.push(self.name("a property key")?);
        }
        self.expect(TokenKind::RParen, "`)`")?;
        Ok((label, properties))
    }

    /// `(n:Label)` or `()-[r:TYPE]-()`
    fn schema_node(&mut self) -> PResult<(Ident, Ident)> {
        self.expect(TokenKind::LParen, "`(`")?;
        if self.eat(TokenKind::RParen) {
            // Relationship form: ()-[r:TYPE]-()
            let _ = self.eat(TokenKind::Lt);
            self.expect(TokenKind::Minus, "`-`")?;
            self.expect(TokenKind::LBracket, "`[`")?;
            let variable = self.variable()?;
            self.expect(TokenKind::Colon, "`:`")?;
            let label = self.name("a relationship type")?;
            self.expect(TokenKind::RBracket, "`]`")?;
            self.expect(TokenKind::Minus, "`-`")?;
            let _ = self.eat(TokenKind::Gt);
            self.expect(TokenKind::LParen, "`(`")?;
            self.expect(TokenKind::RParen, "`)`")?;
            return Ok((variable, label));
        }
        let variable = self.variable()?;
        self.expect(TokenKind::Colon, "`:Label`")?;
        let label = self.name("a label")?;
        self.expect(TokenKind::RParen, "`)`")?;
        Ok((variable, label))
    }

    /// `n.key` where `n` is the schema command's variable.
    fn schema_property(&mut self, variable: &Ident) -> PResult<Ident> {
        let owner = self.variable()?;
        if owner.name != variable.name {
            return Err(crate::diagnostic::SyntaxError::new(
                format!("expected a property of `{}`, found `{}`", variable.name, owner.name),
                owner.span,
            ));
        }
        self.expect(TokenKind::Dot, "`.`")?;
        self.name("a property key")
    }
}
