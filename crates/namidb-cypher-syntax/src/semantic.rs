//! Checks on a parsed tree that the grammar alone does not express.
//!
//! So far: a pattern used as an expression (`(a)-->(b)`) is a predicate, allowed only where a
//! boolean is expected — a `WHERE`, the filter of a comprehension or quantifier, an operand of
//! `NOT`/`AND`/`OR`/`XOR`, or the argument of `exists()`. Elsewhere (a projection, a `SET` value,
//! an argument of `size()`) openCypher 9 rejects it, and so do we.
//!
//! The rest of semantic analysis (scoping, aggregation placement, static types) builds on this walk.

use crate::ast::*;
use crate::diagnostic::SyntaxError;

/// Runs the checks over every statement; returns the errors found.
pub fn check(script: &Script) -> Vec<SyntaxError> {
    let mut checker = Checker { errors: Vec::new() };
    for statement in &script.statements {
        if let StatementKind::Query(query) = &statement.kind {
            checker.query(query);
        }
    }
    checker.errors
}

struct Checker {
    errors: Vec<SyntaxError>,
}

impl Checker {
    fn query(&mut self, query: &Query) {
        self.single(&query.first);
        for (_, single) in &query.unions {
            self.single(single);
        }
    }

    fn single(&mut self, single: &SingleQuery) {
        for clause in &single.clauses {
            self.clause(clause);
        }
    }

    fn clause(&mut self, clause: &Clause) {
        match clause {
            Clause::Match { pattern, where_, .. } => {
                self.pattern(pattern);
                self.predicate(where_.as_ref());
            }
            Clause::Unwind { expr, .. } => self.value(expr),
            Clause::With { projection, where_, .. } => {
                self.projection(projection);
                self.predicate(where_.as_ref());
            }
            Clause::Return { projection, .. } => self.projection(projection),
            Clause::Create { pattern, .. } => self.pattern(pattern),
            Clause::Merge { part, actions, .. } => {
                self.element(&part.element);
                for (_, items) in actions {
                    self.set_items(items);
                }
            }
            Clause::Set { items, .. } => self.set_items(items),
            Clause::Remove { items, .. } => {
                for item in items {
                    if let RemoveItem::Property(expr) = item {
                        self.value(expr);
                    }
                }
            }
            Clause::Delete { exprs, .. } => exprs.iter().for_each(|e| self.value(e)),
            Clause::Foreach { list, clauses, .. } => {
                self.value(list);
                clauses.iter().for_each(|c| self.clause(c));
            }
            Clause::Call(call) => {
                call.args.iter().flatten().for_each(|e| self.value(e));
                self.predicate(call.where_.as_ref());
            }
            Clause::Subquery { query, .. } => self.query(query),
        }
    }

    fn projection(&mut self, projection: &Projection) {
        projection.items.iter().for_each(|item| self.value(&item.expr));
        projection.order_by.iter().for_each(|item| self.value(&item.expr));
        projection.skip.iter().chain(projection.limit.iter()).for_each(|e| self.value(e));
    }

    fn set_items(&mut self, items: &[SetItem]) {
        for item in items {
            match item {
                SetItem::Property { target, value } => {
                    self.value(target);
                    self.value(value);
                }
                SetItem::Replace { value, .. } | SetItem::Merge { value, .. } => self.value(value),
                SetItem::Labels { .. } => {}
            }
        }
    }

    fn pattern(&mut self, pattern: &Pattern) {
        pattern.parts.iter().for_each(|part| self.element(&part.element));
    }

    fn element(&mut self, element: &PatternElement) {
        self.node(&element.start);
        for (relationship, node) in &element.chain {
            relationship.properties.iter().for_each(|e| self.value(e));
            relationship.where_.iter().for_each(|e| self.expr(e, true));
            self.node(node);
        }
    }

    fn node(&mut self, node: &NodePattern) {
        node.properties.iter().for_each(|e| self.value(e));
        node.where_.iter().for_each(|e| self.expr(e, true));
    }

    fn predicate(&mut self, expr: Option<&Expr>) {
        if let Some(expr) = expr {
            self.expr(expr, true);
        }
    }

    fn value(&mut self, expr: &Expr) {
        self.expr(expr, false);
    }

    /// Walks `expr`; `boolean` says whether a predicate is expected at this position.
    fn expr(&mut self, expr: &Expr, boolean: bool) {
        match &expr.kind {
            ExprKind::PatternPredicate(element) => {
                if !boolean {
                    self.errors.push(SyntaxError::new(
                        "a pattern expression is only allowed as a predicate (in WHERE, or with NOT/AND/OR/XOR or exists())",
                        expr.span,
                    ));
                }
                self.element(element);
            }
            // Boolean operators take predicates wherever they stand (`RETURN NOT (a)--(b)`).
            ExprKind::Unary(UnaryOp::Not, inner) => self.expr(inner, true),
            ExprKind::Binary(BinaryOp::And | BinaryOp::Or | BinaryOp::Xor, left, right) => {
                self.expr(left, true);
                self.expr(right, true);
            }
            ExprKind::Function { name, args, .. } => {
                let is_exists = name.len() == 1 && name[0].name.eq_ignore_ascii_case("exists");
                args.iter().for_each(|a| self.expr(a, is_exists));
            }
            ExprKind::ListComprehension { list, filter, map, .. } => {
                self.value(list);
                filter.iter().for_each(|f| self.expr(f, true));
                map.iter().for_each(|m| self.value(m));
            }
            ExprKind::PatternComprehension { pattern, filter, map, .. } => {
                self.element(pattern);
                filter.iter().for_each(|f| self.expr(f, true));
                self.value(map);
            }
            ExprKind::Quantified { list, filter, .. } => {
                self.value(list);
                filter.iter().for_each(|f| self.expr(f, true));
            }
            ExprKind::Case { operand, alternatives, default } => {
                operand.iter().for_each(|o| self.value(o));
                for (when, then) in alternatives {
                    self.expr(when, operand.is_none());
                    self.value(then);
                }
                default.iter().for_each(|d| self.value(d));
            }
            ExprKind::Exists(body) | ExprKind::CountSubquery(body) => match body.as_ref() {
                Subquery::Pattern(pattern, filter) => {
                    self.pattern(pattern);
                    self.predicate(filter.as_ref());
                }
                Subquery::Query(query) => self.query(query),
            },
            ExprKind::CollectSubquery(query) => self.query(query),
            ExprKind::ShortestPath(part) => self.element(&part.element),
            ExprKind::Literal(_)
            | ExprKind::Parameter(_)
            | ExprKind::Variable(_)
            | ExprKind::CountStar => {}
            ExprKind::List(items) => items.iter().for_each(|i| self.value(i)),
            ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| self.value(v)),
            ExprKind::Property(base, _)
            | ExprKind::HasLabels(base, _)
            | ExprKind::IsNull(base, _) => self.value(base),
            ExprKind::Unary(_, inner) => self.value(inner),
            ExprKind::Binary(_, left, right) | ExprKind::Index(left, right) => {
                self.value(left);
                self.value(right);
            }
            ExprKind::Slice(base, from, to) => {
                self.value(base);
                from.iter().chain(to.iter()).for_each(|e| self.value(e));
            }
            ExprKind::Comparison(first, rest) => {
                self.value(first);
                rest.iter().for_each(|(_, e)| self.value(e));
            }
            ExprKind::Reduce { init, list, expr, .. } => {
                self.value(init);
                self.value(list);
                self.value(expr);
            }
            ExprKind::MapProjection(_, items) => {
                for item in items {
                    if let MapProjectionItem::Literal(_, value) = item {
                        self.value(value);
                    }
                }
            }
        }
    }
}
