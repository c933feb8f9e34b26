//! Expression checks: variables defined, aggregation where it may stand, function names and
//! arities, statically known type mismatches; and the static type of every expression.

use super::functions::{self, FunctionKind};
use super::patterns::PatternUse;
use super::scope::Scope;
use super::types::Type;
use super::walk::function_name;
use super::Analyzer;
use crate::ast::*;
use crate::diagnostic::{ErrorCode, SyntaxError};
use crate::unparse::expr_text;

/// Where an aggregate call may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aggregation {
    /// In a projection item: allowed.
    Allowed,
    /// Inside an aggregate's argument: a nested one is an error.
    Inside,
    /// Elsewhere: not allowed; the text names the place for the message.
    Forbidden(&'static str),
}

/// The position an expression is analysed in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    /// A predicate is expected (a pattern may stand here).
    pub(crate) predicate: bool,
    /// Where aggregation stands.
    pub(crate) aggregation: Aggregation,
}

impl Context {
    /// A value position where aggregation is not allowed.
    pub(crate) fn value(place: &'static str) -> Context {
        Context { predicate: false, aggregation: Aggregation::Forbidden(place) }
    }

    /// A predicate position where aggregation is not allowed.
    pub(crate) fn predicate(place: &'static str) -> Context {
        Context { predicate: true, aggregation: Aggregation::Forbidden(place) }
    }

    fn with_predicate(self, predicate: bool) -> Context {
        Context { predicate, ..self }
    }
}

impl Analyzer {
    /// Checks `expr` in `scope`; returns its static type.
    pub(super) fn expr(&mut self, expr: &Expr, scope: &Scope, ctx: Context) -> Type {
        if let Some(ty) = self.substitution(expr) {
            return ty;
        }
        let value = ctx.with_predicate(false);
        match &expr.kind {
            ExprKind::Literal(Literal::Null) | ExprKind::Parameter(_) => Type::Any,
            ExprKind::Literal(Literal::Bool(_)) => Type::Bool,
            ExprKind::Literal(Literal::Integer(_)) => Type::Integer,
            ExprKind::Literal(Literal::Float(_)) => Type::Float,
            ExprKind::Literal(Literal::String(_)) => Type::String,
            ExprKind::Variable(v) => self.variable(v, scope),
            ExprKind::List(items) => {
                let types: Vec<Type> = items.iter().map(|i| self.expr(i, scope, value)).collect();
                Type::list_of(types.into_iter().reduce(Type::join).unwrap_or(Type::Any))
            }
            ExprKind::Map(entries) => {
                entries.iter().for_each(|(_, v)| {
                    self.expr(v, scope, value);
                });
                Type::Map
            }
            ExprKind::Property(base, key) => {
                let ty = self.expr(base, scope, value);
                if ty.lacks_properties() {
                    let message = format!(
                        "cannot read property `{}` of {} value",
                        key.name,
                        ty.with_article()
                    );
                    let error =
                        SyntaxError::semantic(ErrorCode::InvalidArgumentType, message, expr.span);
                    // A path is a structure whose properties the grammar of patterns rules
                    // out; a scalar or list is a value of the wrong type.
                    let error = if ty == Type::Path { error } else { error.as_type_error() };
                    self.errors.push(error);
                }
                Type::Any
            }
            ExprKind::Index(base, index) => {
                let ty = self.expr(base, scope, value);
                self.expr(index, scope, value);
                ty.element()
            }
            ExprKind::Slice(base, from, to) => {
                let ty = self.expr(base, scope, value);
                for bound in from.iter().chain(to.iter()) {
                    self.expr(bound, scope, value);
                }
                ty
            }
            ExprKind::HasLabels(base, _) => {
                self.expr(base, scope, value);
                Type::Bool
            }
            ExprKind::Unary(UnaryOp::Not, inner) => {
                let ty = self.expr(inner, scope, ctx.with_predicate(true));
                self.expect_boolean(&ty, inner, "NOT");
                Type::Bool
            }
            ExprKind::Unary(_, inner) => {
                let ty = self.expr(inner, scope, value);
                if ty.is_known_non_numeric() {
                    self.error(
                        ErrorCode::InvalidArgumentType,
                        format!("cannot negate {} value", ty.with_article()),
                        expr.span,
                    );
                }
                ty
            }
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right, scope, ctx),
            ExprKind::Comparison(first, rest) => {
                self.expr(first, scope, value);
                rest.iter().for_each(|(_, e)| {
                    self.expr(e, scope, value);
                });
                Type::Bool
            }
            ExprKind::IsNull(inner, _) => {
                self.expr(inner, scope, value);
                Type::Bool
            }
            ExprKind::Function { name, args, .. } => self.function(expr, name, args, scope, ctx),
            ExprKind::CountStar => {
                self.aggregate_allowed(expr, "count(*)", ctx);
                Type::Integer
            }
            ExprKind::Case { operand, alternatives, default } => {
                operand.iter().for_each(|o| {
                    self.expr(o, scope, value);
                });
                let mut result: Option<Type> = None;
                for (when, then) in alternatives {
                    self.expr(when, scope, value.with_predicate(operand.is_none()));
                    let ty = self.expr(then, scope, value);
                    result = Some(result.map_or(ty.clone(), |r| r.join(ty)));
                }
                if let Some(default) = default {
                    let ty = self.expr(default, scope, value);
                    result = Some(result.map_or(ty.clone(), |r| r.join(ty)));
                }
                result.unwrap_or(Type::Any)
            }
            ExprKind::ListComprehension { variable, list, filter, map } => {
                let element = self.expr(list, scope, value).element();
                let mut inner = scope.clone();
                inner.bind(&variable.name, element.clone());
                if let Some(filter) = filter {
                    let ty = self.expr(filter, &inner, value.with_predicate(true));
                    self.expect_boolean(&ty, filter, "WHERE");
                }
                match map {
                    Some(map) => Type::list_of(self.expr(map, &inner, value)),
                    None => Type::list_of(element),
                }
            }
            ExprKind::Quantified { quantifier, variable, list, filter } => {
                let element = self.expr(list, scope, value).element();
                let mut inner = scope.clone();
                inner.bind(&variable.name, element);
                if let Some(filter) = filter {
                    let ty = self.expr(filter, &inner, value.with_predicate(true));
                    self.expect_boolean(&ty, filter, quantifier.name());
                }
                Type::Bool
            }
            ExprKind::Reduce { accumulator, init, variable, list, expr: step } => {
                let init_ty = self.expr(init, scope, value);
                let element = self.expr(list, scope, value).element();
                let mut inner = scope.clone();
                inner.bind(&accumulator.name, Type::Any);
                inner.bind(&variable.name, element);
                self.expr(step, &inner, value);
                init_ty.join(Type::Any)
            }
            ExprKind::MapProjection(base, items) => {
                self.variable(base, scope);
                for item in items {
                    match item {
                        MapProjectionItem::Literal(_, v) => {
                            self.expr(v, scope, value);
                        }
                        MapProjectionItem::Variable(v) => {
                            self.variable(v, scope);
                        }
                        MapProjectionItem::Property(_) | MapProjectionItem::AllProperties => {}
                    }
                }
                Type::Map
            }
            ExprKind::PatternPredicate(element) => {
                if !ctx.predicate {
                    self.error(
                        ErrorCode::UnexpectedSyntax,
                        "a pattern expression is only allowed as a predicate (in WHERE, or with NOT/AND/OR/XOR or exists())",
                        expr.span,
                    );
                }
                let mut inner = scope.clone();
                self.element(element, &mut inner, PatternUse::Predicate);
                Type::Bool
            }
            ExprKind::PatternComprehension { variable, pattern, filter, map } => {
                let mut inner = scope.clone();
                if let Some(variable) = variable {
                    inner.bind(&variable.name, Type::Path);
                }
                self.element(pattern, &mut inner, PatternUse::Comprehension);
                if let Some(filter) = filter {
                    self.expr(filter, &inner, Context::predicate("a pattern comprehension"));
                }
                Type::list_of(self.expr(map, &inner, value))
            }
            ExprKind::ShortestPath(part) => {
                let mut inner = scope.clone();
                self.element(&part.element, &mut inner, PatternUse::Comprehension);
                Type::Path
            }
            ExprKind::Exists(body) | ExprKind::CountSubquery(body) => {
                match body.as_ref() {
                    Subquery::Pattern(pattern, filter) => {
                        let mut inner = scope.clone();
                        self.pattern(pattern, &mut inner, PatternUse::Comprehension);
                        if let Some(filter) = filter {
                            self.expr(filter, &inner, Context::predicate("a subquery's WHERE"));
                        }
                    }
                    Subquery::Query(query) => self.read_only_subquery(query, scope),
                }
                if matches!(expr.kind, ExprKind::Exists(_)) {
                    Type::Bool
                } else {
                    Type::Integer
                }
            }
            ExprKind::CollectSubquery(query) => {
                self.read_only_subquery(query, scope);
                Type::list_of(Type::Any)
            }
        }
    }

    /// The type of a projected expression when `expr` names one of the projection's columns
    /// (in `ORDER BY` after an aggregating or distinct projection).
    fn substitution(&self, expr: &Expr) -> Option<Type> {
        let projected = self.projected.as_ref()?;
        if matches!(expr.kind, ExprKind::Variable(_) | ExprKind::Literal(_)) {
            return None;
        }
        projected.get(&expr_text(expr)).cloned()
    }

    fn variable(&mut self, variable: &Ident, scope: &Scope) -> Type {
        match scope.get(&variable.name) {
            Some(ty) => ty.clone(),
            None => {
                self.error(
                    ErrorCode::UndefinedVariable,
                    format!("variable `{}` is not defined", variable.name),
                    variable.span,
                );
                Type::Any
            }
        }
    }

    fn expect_boolean(&mut self, ty: &Type, operand: &Expr, operator: &str) {
        if ty.is_known_non_boolean() {
            self.error(
                ErrorCode::InvalidArgumentType,
                format!("{operator} expects a boolean, found {} value", ty.with_article()),
                operand.span,
            );
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
        scope: &Scope,
        ctx: Context,
    ) -> Type {
        let logical = matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor);
        let operand_ctx = ctx.with_predicate(logical);
        let l = self.expr(left, scope, operand_ctx);
        let r = self.expr(right, scope, operand_ctx);
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                self.expect_boolean(&l, left, op.symbol());
                self.expect_boolean(&r, right, op.symbol());
                Type::Bool
            }
            BinaryOp::Add => match (l, r) {
                (Type::Integer, Type::Integer) => Type::Integer,
                (Type::Integer | Type::Float, Type::Integer | Type::Float) => Type::Float,
                (Type::String, Type::String) => Type::String,
                (Type::List(a), Type::List(b)) => Type::list_of(a.join(*b)),
                (Type::List(a), other) | (other, Type::List(a)) => Type::list_of(a.join(other)),
                _ => Type::Any,
            },
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
                for (ty, operand) in [(&l, left), (&r, right)] {
                    if ty.is_known_non_numeric() {
                        self.error(
                            ErrorCode::InvalidArgumentType,
                            format!(
                                "`{}` expects numbers, found {} value",
                                op.symbol(),
                                ty.with_article()
                            ),
                            operand.span,
                        );
                    }
                }
                match (l, r) {
                    _ if op == BinaryOp::Pow => Type::Float,
                    (Type::Integer, Type::Integer) => Type::Integer,
                    (Type::Integer | Type::Float, Type::Integer | Type::Float) => Type::Float,
                    _ => Type::Any,
                }
            }
            _ => Type::Bool,
        }
    }

    fn aggregate_allowed(&mut self, expr: &Expr, name: &str, ctx: Context) -> bool {
        match ctx.aggregation {
            Aggregation::Allowed => true,
            Aggregation::Inside => {
                self.error(
                    ErrorCode::NestedAggregation,
                    format!("the aggregation {name} cannot stand inside another aggregation"),
                    expr.span,
                );
                false
            }
            Aggregation::Forbidden(place) => {
                self.error(
                    ErrorCode::InvalidAggregation,
                    format!("aggregation ({name}) is not allowed in {place}"),
                    expr.span,
                );
                false
            }
        }
    }

    fn function(
        &mut self,
        expr: &Expr,
        name: &[Ident],
        args: &[Expr],
        scope: &Scope,
        ctx: Context,
    ) -> Type {
        let full = function_name(name);
        let value = ctx.with_predicate(false);
        let Some(signature) = functions::lookup(&full) else {
            self.error(ErrorCode::UnknownFunction, format!("unknown function `{full}`"), expr.span);
            args.iter().for_each(|a| {
                self.expr(a, scope, value);
            });
            return Type::Any;
        };
        if args.len() < signature.min_args || args.len() > signature.max_args {
            let wanted = match (signature.min_args, signature.max_args) {
                (min, max) if min == max => format!("{min}"),
                (min, usize::MAX) => format!("at least {min}"),
                (min, max) => format!("{min} to {max}"),
            };
            self.error(
                ErrorCode::InvalidNumberOfArguments,
                format!("{full}() takes {wanted} argument(s), {} given", args.len()),
                expr.span,
            );
        }
        let arg_ctx = match signature.kind {
            FunctionKind::Aggregate => {
                self.aggregate_allowed(expr, &format!("{full}()"), ctx);
                Context { predicate: false, aggregation: Aggregation::Inside }
            }
            FunctionKind::NonDeterministic if ctx.aggregation == Aggregation::Inside => {
                self.error(
                    ErrorCode::NonConstantExpression,
                    format!("the non-deterministic {full}() cannot stand inside an aggregation"),
                    expr.span,
                );
                value
            }
            _ => value.with_predicate(signature.name == "exists"),
        };
        let types: Vec<Type> = args.iter().map(|a| self.expr(a, scope, arg_ctx)).collect();
        for (position, (ty, arg)) in types.iter().zip(args).enumerate() {
            if let Some(message) = signature.reject_argument(position, ty) {
                self.error(ErrorCode::InvalidArgumentType, message, arg.span);
            }
        }
        signature.result(&types)
    }
}
