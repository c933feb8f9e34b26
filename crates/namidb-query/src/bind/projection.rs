//! Binding `WITH` and `RETURN`: projection, aggregation (grouping keys are the items without an
//! aggregate), `DISTINCT`, `ORDER BY` (which may name the new aliases and, without aggregation,
//! the old variables), `SKIP`, `LIMIT` and `WITH … WHERE`.

use namidb_cypher_syntax::ast::{self, Projection};

use super::expressions::Aggregates;
use super::{Binder, Scope};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::plan::Plan;

impl Binder<'_> {
    /// Binds a projection; returns the plan, the column names and their slots, and replaces
    /// `scope` by the projected names.
    pub(crate) fn projection(
        &mut self,
        mut plan: Plan,
        scope: &mut Scope,
        projection: &Projection,
        where_: Option<&ast::Expr>,
    ) -> Result<(Plan, Vec<String>, Vec<usize>), PlanError> {
        let mut items: Vec<(String, Expr)> = Vec::new();
        if projection.star {
            for name in scope.names() {
                let slot =
                    scope.get(&name).ok_or_else(|| PlanError::UndefinedVariable(name.clone()))?;
                items.push((name, Expr::Slot(slot)));
            }
        }
        let mut aggregates: Aggregates = Vec::new();
        let mut has_aggregate = Vec::new();
        for item in &projection.items {
            let before = aggregates.len();
            let bound = self.expr_collecting(&item.expr, scope, &mut aggregates)?;
            let name =
                item.alias.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| item.text.clone());
            has_aggregate
                .push((items.len(), aggregates.len() > before || uses_any(&bound, &aggregates)));
            items.push((name, bound));
        }
        let aggregating = !aggregates.is_empty();
        let mut new_scope = Scope::default();
        let mut slots = Vec::with_capacity(items.len());
        let names: Vec<String> = items.iter().map(|(n, _)| n.clone()).collect();
        // Without aggregation or DISTINCT, WITH … WHERE also sees the variables before WITH.
        let mut where_scope: Option<Scope> = None;

        if !aggregating {
            let mut projected = Vec::new();
            for (name, expr) in items {
                let slot = match expr {
                    // A variable passed through keeps its slot.
                    Expr::Slot(s) if scope.get(&name) == Some(s) => s,
                    other => {
                        let slot = self.slot();
                        projected.push((slot, other));
                        slot
                    }
                };
                new_scope.insert(&name, slot);
                slots.push(slot);
            }
            if !projected.is_empty() {
                plan = Plan::Project { input: Box::new(plan), items: projected };
            }
            if projection.distinct {
                plan = Plan::Distinct { input: Box::new(plan), slots: slots.clone() };
            }
            // ORDER BY sees the old variables and the new names.
            let mut order_scope = scope.clone();
            for (name, slot) in names.iter().zip(&slots) {
                order_scope.insert(name, *slot);
            }
            let keys = projection
                .order_by
                .iter()
                .map(|s| Ok((self.expr(&s.expr, &order_scope)?, s.descending)))
                .collect::<Result<Vec<_>, PlanError>>()?;
            plan = self.order_skip_limit(plan, keys, projection, &order_scope)?;
            where_scope = Some(order_scope);
        } else {
            let mut keys: Vec<(usize, Expr)> = Vec::new();
            let mut post: Vec<(usize, Expr)> = Vec::new();
            let mut item_slots = Vec::new();
            for ((name, expr), (_, aggregated)) in items.into_iter().zip(&has_aggregate) {
                let slot = self.slot();
                if *aggregated {
                    post.push((slot, expr));
                } else {
                    keys.push((slot, expr));
                }
                item_slots.push((name, slot));
            }
            let mut order_scope = scope.clone();
            for (name, slot) in &item_slots {
                order_scope.insert(name, *slot);
            }
            let mut order_keys = Vec::new();
            for s in &projection.order_by {
                let e = self.expr_collecting(&s.expr, &order_scope, &mut aggregates)?;
                order_keys.push((e, s.descending));
            }
            let post: Vec<(usize, Expr)> =
                post.into_iter().map(|(slot, e)| (slot, e.substitute(&keys))).collect();
            let order_keys: Vec<(Expr, bool)> =
                order_keys.into_iter().map(|(e, d)| (e.substitute(&keys), d)).collect();
            plan = Plan::Aggregate { input: Box::new(plan), keys, aggregates };
            if !post.is_empty() {
                plan = Plan::Project { input: Box::new(plan), items: post };
            }
            for (name, slot) in &item_slots {
                new_scope.insert(name, *slot);
                slots.push(*slot);
            }
            if projection.distinct {
                plan = Plan::Distinct { input: Box::new(plan), slots: slots.clone() };
            }
            plan = self.order_skip_limit(plan, order_keys, projection, &order_scope)?;
        }
        *scope = new_scope;
        if let Some(w) = where_ {
            let predicate = self.expr(w, where_scope.as_ref().unwrap_or(scope))?;
            plan = Plan::Filter { input: Box::new(plan), predicate };
        }
        Ok((plan, names, slots))
    }

    fn order_skip_limit(
        &mut self,
        mut plan: Plan,
        keys: Vec<(Expr, bool)>,
        projection: &Projection,
        scope: &Scope,
    ) -> Result<Plan, PlanError> {
        if !keys.is_empty() {
            plan = Plan::Sort { input: Box::new(plan), keys };
        }
        if let Some(skip) = &projection.skip {
            let count = self.expr(skip, scope)?;
            plan = Plan::Skip { input: Box::new(plan), count };
        }
        if let Some(limit) = &projection.limit {
            let count = self.expr(limit, scope)?;
            plan = Plan::Limit { input: Box::new(plan), count };
        }
        Ok(plan)
    }
}

/// Whether `expr` reads one of the aggregate slots.
fn uses_any(expr: &Expr, aggregates: &Aggregates) -> bool {
    let mut found = false;
    let _ = expr.clone().map_children(&mut |child| {
        if uses_any(&child, aggregates) {
            found = true;
        }
        child
    });
    found || matches!(expr, Expr::Slot(s) if aggregates.iter().any(|(a, _)| a == s))
}
