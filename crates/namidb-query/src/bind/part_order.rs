//! Join ordering across the parts of one pattern: which comma-separated part is matched first.
//!
//! `MATCH (a:Person), (b:Person {id: 1})-[:KNOWS]->(a)` written as it stands scans every
//! person for `a` and expands from each; matched the other way round it looks up one `b`,
//! expands to its friends and only checks their label. The parts of a pattern are a join, so
//! any order yields the same rows (in another order, which Cypher leaves open without
//! `ORDER BY`). Consecutive `MATCH` clauses are such a join too when only the last has a
//! `WHERE` (`Binder::match_group`): their parts are ordered together, and relationships stay
//! distinct within each clause only.
//!
//! The order is chosen by cost, with the model `EXPLAIN` prints: a candidate order is bound
//! on its own (from the outer scope, onto one argument row), the `WHERE` conjuncts it can
//! already read are put above it, the result is optimized as the statement will be (lookups,
//! pushed filters, hash joins), and its cost is the sum of every operator's estimated rows
//! ([`crate::estimate`]) plus [`LOOKUP_ROWS`] per index lookup. Up to [`EXHAUSTIVE_PARTS`]
//! parts every order is tried; beyond, the order grows greedily, each step adding the part
//! that makes the cheapest prefix. The order as written is kept unless another is cheaper by
//! more than [`MARGIN`] and [`MIN_GAIN`] rows, so figures that barely differ do not reorder a
//! query's rows. Within a part, the node a chain starts from is chosen by [`super::start`].
//!
//! Patterns with a `shortestPath` part keep their written order: such a part is planned for
//! ends bound by the parts before it.

use std::collections::HashMap;

use namidb_cypher_syntax::ast::{self, PatternPart};

use super::patterns::filter;
use super::start::where_conjuncts;
use super::{Binder, Scope};
use crate::estimate::estimate;
use crate::expr::Expr;
use crate::optimize::{conjunction, optimize};
use crate::plan::Plan;

/// Patterns with up to this many parts have every order costed.
pub(crate) const EXHAUSTIVE_PARTS: usize = 4;
/// Another order replaces the written one only when it costs less than this share of it...
pub(crate) const MARGIN: f64 = 0.9;
/// ...and at least this many rows less: below that, estimates are too coarse to decide (the
/// statistics do not count what is still in memtables, for one).
pub(crate) const MIN_GAIN: f64 = 16.0;
/// What one index lookup (by id or property, per input row) costs, in rows: a lookup probes
/// every file that may hold the key, so a loop of lookups can cost more than one scan.
pub(crate) const LOOKUP_ROWS: f64 = 100.0;

impl Binder<'_> {
    /// The order to match `parts` in, as indexes into `parts` (see the module documentation).
    pub(crate) fn part_order(
        &mut self,
        scope: &Scope,
        parts: &[PatternPart],
        clause_of: &[usize],
        where_: Option<&ast::Expr>,
        equalities: &[(String, String)],
    ) -> Vec<usize> {
        let written: Vec<usize> = (0..parts.len()).collect();
        if parts.len() < 2 || parts.iter().any(|p| p.kind != ast::PathKind::Plain) {
            return written;
        }
        let conjuncts = where_conjuncts(where_);
        let mut cost = |order: &[usize]| {
            self.order_cost(scope, (parts, clause_of), order, &conjuncts, equalities)
        };
        let Some(written_cost) = cost(&written) else { return written };
        let (best, best_cost) = if parts.len() <= EXHAUSTIVE_PARTS {
            // The first permutation is the written order, costed already.
            let others = permutations(parts.len())
                .into_iter()
                .skip(1)
                .filter_map(|order| cost(&order).map(|c| (order, c)));
            cheapest(std::iter::once((written.clone(), written_cost)).chain(others))
                .unwrap_or((written.clone(), written_cost))
        } else {
            let mut order: Vec<usize> = Vec::new();
            let mut last = written_cost;
            while order.len() < parts.len() {
                let steps = (0..parts.len()).filter(|i| !order.contains(i)).filter_map(|i| {
                    let mut prefix = order.clone();
                    prefix.push(i);
                    cost(&prefix).map(|c| (i, c))
                });
                let Some((i, c)) = cheapest(steps) else { return written };
                order.push(i);
                last = c;
            }
            (order, last)
        };
        if best_cost < written_cost * MARGIN && written_cost - best_cost >= MIN_GAIN {
            best
        } else {
            written
        }
    }

    /// The estimated cost of matching `parts` in `order` (a prefix of the parts, when shorter)
    /// per input row, or `None` when the order cannot be bound on its own. Binds nothing for
    /// the statement: the slots it takes are given back.
    fn order_cost(
        &mut self,
        scope: &Scope,
        (parts, clause_of): (&[PatternPart], &[usize]),
        order: &[usize],
        conjuncts: &[&ast::Expr],
        equalities: &[(String, String)],
    ) -> Option<f64> {
        let next_slot = self.next_slot;
        let mut trial_scope = scope.clone();
        let trial = self.pattern_parts(
            Plan::Argument,
            &mut trial_scope,
            parts,
            clause_of,
            order,
            equalities,
        );
        let plan = trial.ok().map(|(plan, _)| {
            // Conjuncts reading a variable the order has not bound yet are left out.
            let readable: Vec<Expr> =
                conjuncts.iter().filter_map(|c| self.expr(c, &trial_scope).ok()).collect();
            filter(plan, conjunction(readable))
        });
        self.next_slot = next_slot;
        let plan = optimize(plan?);
        let rows = estimate(&plan, self.catalog.statistics());
        Some(plan_cost(&plan, &rows))
    }
}

/// The rows every operator of `plan` yields, plus [`LOOKUP_ROWS`] per lookup it makes.
fn plan_cost(plan: &Plan, rows: &HashMap<*const Plan, f64>) -> f64 {
    let own = rows.get(&(plan as *const Plan)).copied().unwrap_or(0.0);
    let lookups = match plan {
        Plan::NodeById { input, .. } | Plan::NodeByProperty { input, .. } => {
            rows.get(&(&**input as *const Plan)).copied().unwrap_or(1.0) * LOOKUP_ROWS
        }
        _ => 0.0,
    };
    own + lookups + plan.children().into_iter().map(|c| plan_cost(c, rows)).sum::<f64>()
}

/// The candidate of least cost, the first of equals.
fn cheapest<T>(candidates: impl Iterator<Item = (T, f64)>) -> Option<(T, f64)> {
    candidates.fold(None, |best, next| match best {
        Some(b) if b.1 <= next.1 => Some(b),
        _ => Some(next),
    })
}

/// Every order of `0..n`, the written order first.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for shorter in permutations(n - 1) {
        // Insert n - 1 at every place, from the end (so 0..n comes first).
        for at in (0..n).rev() {
            let mut order = shorter.clone();
            order.insert(at, n - 1);
            out.push(order);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::permutations;

    #[test]
    fn permutations_are_every_order_once_written_first() {
        let all = permutations(3);
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], [0, 1, 2]);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 6);
        assert_eq!(permutations(1), [[0]]);
        assert_eq!(permutations(4).len(), 24);
    }
}
