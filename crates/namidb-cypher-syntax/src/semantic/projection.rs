//! `WITH` and `RETURN`: column names, aliases, grouping and aggregation, and what `ORDER BY` and
//! `WHERE` after them may see.

use std::collections::{HashMap, HashSet};

use super::expressions::{Aggregation, Context};
use super::scope::Scope;
use super::types::Type;
use super::walk::{contains_aggregate, for_each_child, free_variables, is_aggregate_call};
use super::Analyzer;
use crate::ast::*;
use crate::diagnostic::ErrorCode;
use crate::span::Span;
use crate::unparse::expr_text;

/// The grouping keys of an aggregating projection, for the ambiguity rule.
struct GroupingKeys {
    /// Canonical texts of keys that are a variable or a property of one.
    simple: HashSet<String>,
    /// Variables that are keys (projected as themselves), and the aliases of keys.
    variables: HashSet<String>,
}

impl GroupingKeys {
    /// Whether an aggregating expression reads only keys and constants outside its aggregates.
    fn admits(&self, expr: &Expr) -> bool {
        self.admits_within(expr, &mut Vec::new())
    }

    /// `admits` with the variables that `bound` names bound by enclosing comprehensions.
    fn admits_within(&self, expr: &Expr, bound: &mut Vec<String>) -> bool {
        if is_aggregate_call(expr) {
            return true;
        }
        if !contains_aggregate(expr) {
            let free: Vec<String> =
                free_variables(expr).into_iter().filter(|v| !bound.contains(v)).collect();
            if free.is_empty() {
                return true;
            }
            match &expr.kind {
                ExprKind::Variable(v) => return self.variables.contains(&v.name),
                ExprKind::Property(base, _) => {
                    if self.simple.contains(&expr_text(expr)) {
                        return true;
                    }
                    if let ExprKind::Variable(v) = &base.kind {
                        return self.variables.contains(&v.name);
                    }
                }
                _ => {}
            }
        }
        let introduced: Vec<&Ident> = match &expr.kind {
            ExprKind::ListComprehension { variable, .. }
            | ExprKind::Quantified { variable, .. } => vec![variable],
            ExprKind::Reduce { accumulator, variable, .. } => vec![accumulator, variable],
            _ => Vec::new(),
        };
        let depth = bound.len();
        bound.extend(introduced.iter().map(|v| v.name.clone()));
        let mut ok = true;
        let mut any_child = false;
        for_each_child(expr, &mut |child| {
            any_child = true;
            ok = ok && self.admits_within(child, bound);
        });
        bound.truncate(depth);
        any_child && ok
    }
}

/// The name a projection item's column gets.
fn column_name(item: &ProjectionItem) -> String {
    match (&item.alias, &item.expr.kind) {
        (Some(alias), _) => alias.name.clone(),
        (None, ExprKind::Variable(v)) => v.name.clone(),
        (None, _) => item.text.clone(),
    }
}

impl Analyzer {
    /// Checks a projection over `scope`; returns the scope after it (its columns) and the column
    /// names in order. `with` says `WITH` (items must be aliased) rather than `RETURN`.
    pub(super) fn projection(
        &mut self,
        projection: &Projection,
        scope: &Scope,
        with: bool,
        filter: Option<&Expr>,
        span: Span,
    ) -> (Scope, Vec<String>) {
        let mut columns: Vec<String> = Vec::new();
        let mut out = Scope::new();
        if projection.star {
            if scope.is_empty() && projection.items.is_empty() {
                let clause = if with { "WITH *" } else { "RETURN *" };
                self.error(
                    ErrorCode::NoVariablesInScope,
                    format!("{clause} needs at least one variable in scope"),
                    span,
                );
            }
            for (name, ty) in scope.iter() {
                columns.push(name.clone());
                out.bind(name, ty.clone());
            }
        }
        let aggregating = projection.items.iter().any(|i| contains_aggregate(&i.expr));
        // Only an aggregating or DISTINCT projection names its expressions for what follows.
        let restricted = aggregating || projection.distinct;
        let item_ctx = Context { predicate: false, aggregation: Aggregation::Allowed };
        let mut projected: HashMap<String, Type> = HashMap::new();
        let mut seen: HashSet<String> = HashSet::new();
        for item in &projection.items {
            let ty = self.expr(&item.expr, scope, item_ctx);
            if with && item.alias.is_none() && !matches!(item.expr.kind, ExprKind::Variable(_)) {
                self.error(
                    ErrorCode::NoExpressionAlias,
                    format!("the expression `{}` in WITH needs an alias: `… AS name`", item.text),
                    item.span,
                );
            }
            let name = column_name(item);
            if !seen.insert(name.clone()) {
                self.error(
                    ErrorCode::ColumnNameConflict,
                    format!("two columns are named `{name}`; give one of them another alias"),
                    item.span,
                );
            }
            if restricted {
                projected.insert(expr_text(&item.expr), ty.clone());
            }
            out.bind(&name, ty);
            columns.push(name);
        }
        let keys = aggregating.then(|| self.grouping_keys(projection));
        if let Some(keys) = &keys {
            for item in projection.items.iter().filter(|i| contains_aggregate(&i.expr)) {
                if !keys.admits(&item.expr) {
                    self.ambiguous(&item.expr);
                }
            }
        }
        self.after_projection(projection, scope, &out, projected, keys.as_ref(), filter);
        (out, columns)
    }

    fn grouping_keys(&self, projection: &Projection) -> GroupingKeys {
        let mut keys = GroupingKeys { simple: HashSet::new(), variables: HashSet::new() };
        for item in projection.items.iter().filter(|i| !contains_aggregate(&i.expr)) {
            match &item.expr.kind {
                ExprKind::Variable(v) => {
                    keys.variables.insert(v.name.clone());
                }
                ExprKind::Property(base, _) if matches!(base.kind, ExprKind::Variable(_)) => {
                    keys.simple.insert(expr_text(&item.expr));
                }
                _ => {}
            }
            if let Some(alias) = &item.alias {
                keys.variables.insert(alias.name.clone());
            }
        }
        keys
    }

    fn ambiguous(&mut self, expr: &Expr) {
        self.error(
            ErrorCode::AmbiguousAggregationExpression,
            format!(
                "`{}` mixes aggregation with values that are not grouping keys; project those values as their own columns first",
                expr_text(expr)
            ),
            expr.span,
        );
    }

    /// `ORDER BY`, `SKIP`, `LIMIT` and `WITH … WHERE`: after an aggregating or `DISTINCT`
    /// projection they see only its columns (and expressions equal to projected ones); otherwise
    /// they also see the variables before it.
    fn after_projection(
        &mut self,
        projection: &Projection,
        before: &Scope,
        columns: &Scope,
        projected: HashMap<String, Type>,
        keys: Option<&GroupingKeys>,
        filter: Option<&Expr>,
    ) {
        let restricted = keys.is_some() || projection.distinct;
        let mut visible = if restricted { Scope::new() } else { before.clone() };
        for (name, ty) in columns.iter() {
            visible.bind(name, ty.clone());
        }
        let saved = self.projected.take();
        if restricted {
            self.projected = Some(projected);
        }
        for item in &projection.order_by {
            let aggregation = match keys {
                Some(_) => Aggregation::Allowed,
                None => Aggregation::Forbidden("ORDER BY unless the projection aggregates"),
            };
            self.expr(&item.expr, &visible, Context { predicate: false, aggregation });
            if let Some(keys) = keys {
                if contains_aggregate(&item.expr) && !keys.admits(&item.expr) {
                    self.ambiguous(&item.expr);
                }
            }
        }
        self.projected = saved;
        if let Some(filter) = filter {
            // `WITH … WHERE` filters before the projection's rows are grouped, so unless it
            // aggregates it sees the variables before it too (even after DISTINCT).
            let mut visible = if keys.is_some() { Scope::new() } else { before.clone() };
            for (name, ty) in columns.iter() {
                visible.bind(name, ty.clone());
            }
            let ty = self.expr(filter, &visible, Context::predicate("WHERE"));
            self.expect_predicate(&ty, filter);
        }
        for bound in projection.skip.iter().chain(projection.limit.iter()) {
            if free_variables(bound).is_empty() {
                self.expr(bound, &Scope::new(), Context::value("SKIP or LIMIT"));
            } else {
                self.error(
                    ErrorCode::NonConstantExpression,
                    "SKIP and LIMIT take a constant or a parameter, not a variable",
                    bound.span,
                );
            }
        }
    }
}
