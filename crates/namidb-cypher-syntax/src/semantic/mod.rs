//! Semantic analysis: the compile-time errors openCypher defines beyond the grammar.
//!
//! One walk over each query threads a [`Scope`] of variables with static [`Type`]s from clause to
//! clause and raises, each with its [`ErrorCode`]:
//! - scoping: undefined variables, variables bound twice, a variable used as another kind
//!   (a relationship as a node, a value as a node);
//! - patterns: what `CREATE`/`MERGE` may create, parameters as pattern properties, a pattern
//!   predicate introducing variables, a relationship twice in one pattern;
//! - aggregation: where it may stand, nesting, non-deterministic arguments, and the grouping-key
//!   rule for expressions that mix aggregates with other values;
//! - projections: aliases, column name clashes, `UNION` columns and mixing;
//! - functions: unknown names, argument counts, argument types known to be wrong;
//! - types: operators applied to values statically known not to fit (`NOT 1`, `'a' % 2`).
//!
//! What needs the catalog or the parameters (procedure names and signatures, missing parameters)
//! is left to the binder.

mod expressions;
mod functions;
mod patterns;
mod projection;
mod scope;
mod types;
mod walk;

use std::collections::HashMap;

pub use functions::{lookup as builtin_function, FunctionKind, Signature};
pub use scope::Scope;
pub use types::Type;

use self::expressions::Context;
use self::patterns::PatternUse;
use crate::ast::*;
use crate::diagnostic::{ErrorCode, SyntaxError};
use crate::span::Span;

/// Runs semantic analysis over every statement; returns the errors found.
pub fn check(script: &Script) -> Vec<SyntaxError> {
    let mut analyzer = Analyzer { errors: Vec::new(), projected: None };
    for statement in &script.statements {
        if let StatementKind::Query(query) = &statement.kind {
            analyzer.query(query, &Scope::new());
        }
    }
    analyzer.errors
}

/// The walk's state.
pub(crate) struct Analyzer {
    errors: Vec<SyntaxError>,
    /// While checking `ORDER BY`/`WHERE` after an aggregating or distinct projection: the
    /// canonical text of each projected expression with its type.
    projected: Option<HashMap<String, Type>>,
}

impl Analyzer {
    fn error(&mut self, code: ErrorCode, message: impl Into<String>, span: Span) {
        self.errors.push(SyntaxError::semantic(code, message, span));
    }

    /// Checks a query run with `scope` visible; returns the columns of its result (empty when it
    /// returns nothing).
    fn query(&mut self, query: &Query, scope: &Scope) -> Vec<String> {
        let columns = self.single(&query.first, scope.clone());
        let mut kinds = query.unions.iter().map(|(all, _)| *all);
        if let Some(first) = kinds.next() {
            if kinds.any(|all| all != first) {
                self.error(
                    ErrorCode::InvalidClauseComposition,
                    "UNION and UNION ALL cannot be mixed in one query",
                    query.span,
                );
            }
        }
        for (_, part) in &query.unions {
            let other = self.single(part, scope.clone());
            if other != columns {
                self.error(
                    ErrorCode::DifferentColumnsInUnion,
                    format!(
                        "all parts of a UNION must return the same columns: ({}) and ({})",
                        columns.join(", "),
                        other.join(", ")
                    ),
                    part.span,
                );
            }
        }
        columns
    }

    fn single(&mut self, single: &SingleQuery, mut scope: Scope) -> Vec<String> {
        let mut columns = Vec::new();
        for clause in &single.clauses {
            columns = self.clause(clause, &mut scope);
        }
        columns
    }

    /// Checks a subquery of an expression (`EXISTS {…}`, `COUNT {…}`, `COLLECT {…}`): it reads
    /// only.
    fn read_only_subquery(&mut self, query: &Query, scope: &Scope) {
        let parts = std::iter::once(&query.first).chain(query.unions.iter().map(|(_, q)| q));
        for part in parts {
            for clause in &part.clauses {
                if is_updating(clause) {
                    self.error(
                        ErrorCode::InvalidClauseComposition,
                        "a subquery expression cannot update the graph",
                        clause_span(clause),
                    );
                }
            }
        }
        self.query(query, scope);
    }

    /// Checks one clause, updating `scope`; returns the columns when it is a `RETURN`.
    fn clause(&mut self, clause: &Clause, scope: &mut Scope) -> Vec<String> {
        match clause {
            Clause::Match { pattern, where_, .. } => {
                self.pattern(pattern, scope, PatternUse::Match);
                if let Some(filter) = where_ {
                    let ty = self.expr(filter, scope, Context::predicate("WHERE"));
                    self.expect_predicate(&ty, filter);
                }
            }
            Clause::Unwind { expr, variable, .. } => {
                let ty = self.expr(expr, scope, Context::value("UNWIND"));
                self.bind_new(scope, variable, ty.element());
            }
            Clause::With { projection, where_, span } => {
                let (out, _) = self.projection(projection, scope, true, where_.as_ref(), *span);
                *scope = out;
            }
            Clause::Return { projection, span } => {
                let (out, columns) = self.projection(projection, scope, false, None, *span);
                *scope = out;
                return columns;
            }
            Clause::Create { pattern, .. } => self.pattern(pattern, scope, PatternUse::Create),
            Clause::Merge { part, actions, .. } => {
                self.pattern_part(part, scope, PatternUse::Merge);
                for (_, items) in actions {
                    self.set_items(items, scope);
                }
            }
            Clause::Set { items, .. } => self.set_items(items, scope),
            Clause::Remove { items, .. } => {
                for item in items {
                    match item {
                        RemoveItem::Property(expr) => {
                            self.expr(expr, scope, Context::value("REMOVE"));
                        }
                        RemoveItem::Labels { variable, .. } => self.defined(variable, scope),
                    }
                }
            }
            Clause::Delete { exprs, .. } => {
                for expr in exprs {
                    let ty = self.expr(expr, scope, Context::value("DELETE"));
                    if matches!(
                        ty,
                        Type::Bool | Type::Integer | Type::Float | Type::String | Type::Map
                    ) {
                        self.error(
                            ErrorCode::InvalidDelete,
                            format!(
                                "DELETE takes nodes, relationships or paths, not {} value",
                                ty.with_article()
                            ),
                            expr.span,
                        );
                    }
                }
            }
            Clause::Foreach { variable, list, clauses, .. } => {
                let ty = self.expr(list, scope, Context::value("FOREACH"));
                let mut inner = scope.clone();
                self.bind_new(&mut inner, variable, ty.element());
                for clause in clauses {
                    self.clause(clause, &mut inner);
                }
            }
            Clause::Call(call) => self.procedure_call(call, scope),
            Clause::Subquery { query, .. } => {
                let columns = self.query(query, scope);
                for column in columns {
                    scope.bind(&column, Type::Any);
                }
            }
        }
        Vec::new()
    }

    fn procedure_call(&mut self, call: &ProcedureCall, scope: &mut Scope) {
        for arg in call.args.iter().flatten() {
            self.expr(arg, scope, Context::value("procedure arguments"));
        }
        for (field, alias) in &call.yields {
            self.bind_new(scope, alias.as_ref().unwrap_or(field), Type::Any);
        }
        if let Some(filter) = &call.where_ {
            self.expr(filter, scope, Context::predicate("WHERE"));
        }
    }

    fn set_items(&mut self, items: &[SetItem], scope: &Scope) {
        for item in items {
            match item {
                SetItem::Property { target, value } => {
                    self.expr(target, scope, Context::value("SET"));
                    self.expr(value, scope, Context::value("SET"));
                }
                SetItem::Replace { variable, value } | SetItem::Merge { variable, value } => {
                    self.defined(variable, scope);
                    self.expr(value, scope, Context::value("SET"));
                }
                SetItem::Labels { variable, .. } => self.defined(variable, scope),
            }
        }
    }

    fn defined(&mut self, variable: &Ident, scope: &Scope) {
        if !scope.contains(&variable.name) {
            self.error(
                ErrorCode::UndefinedVariable,
                format!("variable `{}` is not defined", variable.name),
                variable.span,
            );
        }
    }

    /// Binds a variable that must be new (UNWIND, FOREACH, YIELD).
    fn bind_new(&mut self, scope: &mut Scope, variable: &Ident, ty: Type) {
        if scope.contains(&variable.name) {
            self.error(
                ErrorCode::VariableAlreadyBound,
                format!("variable `{}` is already defined; choose another name", variable.name),
                variable.span,
            );
        }
        scope.bind(&variable.name, ty);
    }

    pub(crate) fn expect_predicate(&mut self, ty: &Type, filter: &Expr) {
        if ty.is_known_non_boolean() {
            self.error(
                ErrorCode::InvalidArgumentType,
                format!("WHERE expects a boolean, found {} value", ty.with_article()),
                filter.span,
            );
        }
    }
}

fn is_updating(clause: &Clause) -> bool {
    matches!(
        clause,
        Clause::Create { .. }
            | Clause::Merge { .. }
            | Clause::Set { .. }
            | Clause::Remove { .. }
            | Clause::Delete { .. }
            | Clause::Foreach { .. }
    )
}

fn clause_span(clause: &Clause) -> Span {
    match clause {
        Clause::Match { span, .. }
        | Clause::Unwind { span, .. }
        | Clause::With { span, .. }
        | Clause::Return { span, .. }
        | Clause::Create { span, .. }
        | Clause::Merge { span, .. }
        | Clause::Set { span, .. }
        | Clause::Remove { span, .. }
        | Clause::Delete { span, .. }
        | Clause::Foreach { span, .. }
        | Clause::Subquery { span, .. } => *span,
        Clause::Call(call) => call.span,
    }
}
