//! Rule: predicate pushdown. Each conjunct of a filter moves down the plan to just above the
//! operator that binds the last slot it reads, so rows that cannot match are dropped before
//! they are expanded, joined or projected.
//!
//! A conjunct passes below an operator when the operator writes no slot the conjunct reads:
//! node scans and lookups, expansions (a bound end or relationship is not written), shortest
//! paths, projections, unwinds, sorts, other filters, and the input side of `OPTIONAL MATCH`
//! and `CALL {}` whose inner part keeps its input row's slots (no aggregation, union or
//! writes). It never passes a `SKIP`/`LIMIT`, an aggregation, `DISTINCT`, a procedure call or
//! an updating clause. A conjunct holding a subquery stays where it is (it may read any slot).

use std::collections::BTreeSet;

use super::{add_filter, conjunction, conjuncts, map_inputs, slots_read};
use crate::expr::Expr;
use crate::plan::Plan;

/// Applies the rule to every filter of `plan`.
pub(crate) fn apply(plan: Plan) -> Plan {
    let plan = map_inputs(plan, &mut apply);
    let Plan::Filter { input, predicate } = plan else { return plan };
    let mut below = *input;
    let mut kept = Vec::new();
    for c in conjuncts(predicate) {
        kept.extend(sink(&mut below, c));
    }
    match conjunction(kept) {
        Some(k) => add_filter(below, k),
        None => below,
    }
}

/// Moves `c` below `plan`'s top operator (as far down as it goes); gives `c` back when it
/// cannot pass that operator.
fn sink(plan: &mut Plan, c: Expr) -> Option<Expr> {
    let Some(reads) = slots_read(&c) else { return Some(c) };
    if let Plan::Filter { input, .. } = plan {
        return sink(input, c);
    }
    let Some(writes) = passable_writes(plan) else { return Some(c) };
    if !reads.is_disjoint(&writes) {
        return Some(c);
    }
    let Some(input) = plan.children_mut().into_iter().next() else { return Some(c) };
    if let Some(c) = sink(input, c) {
        let taken = std::mem::replace(input, Plan::Unit);
        *input = add_filter(taken, c);
    }
    None
}

/// The slots `plan`'s top operator writes, if a filter may pass below it at all.
fn passable_writes(plan: &Plan) -> Option<BTreeSet<usize>> {
    let mut out = BTreeSet::new();
    match plan {
        Plan::NodeScan { slot, .. }
        | Plan::NodeByProperty { slot, .. }
        | Plan::NodeById { slot, .. }
        | Plan::Unwind { slot, .. } => {
            out.insert(*slot);
        }
        Plan::Expand { expand, .. } => {
            if !expand.to_bound {
                out.insert(expand.to);
            }
            if !expand.rel_bound {
                out.insert(expand.rel);
            }
        }
        Plan::ShortestPath { expand, path, .. } => {
            out.extend([expand.rel, *path]);
        }
        Plan::Project { items, .. } => out.extend(items.iter().map(|(s, _)| *s)),
        Plan::HashJoin { right_slots, .. } => out.extend(right_slots.iter().copied()),
        Plan::Sort { .. } => {}
        Plan::Optional { inner, .. } | Plan::Apply { inner, .. } => {
            written_by_row_preserving(inner, &mut out)?;
        }
        _ => return None,
    }
    Some(out)
}

/// The slots any operator of `plan` writes, if every operator keeps its input row's other
/// slots (so a subquery's output rows still carry the outer row's values).
fn written_by_row_preserving(plan: &Plan, out: &mut BTreeSet<usize>) -> Option<()> {
    match plan {
        Plan::Argument
        | Plan::Filter { .. }
        | Plan::Skip { .. }
        | Plan::Limit { .. }
        | Plan::Distinct { .. } => {}
        Plan::Optional { inner, .. } | Plan::Apply { inner, .. } => {
            written_by_row_preserving(inner, out)?;
        }
        other => out.extend(passable_writes(other)?),
    }
    for child in plan.children() {
        written_by_row_preserving(child, out)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use namidb_value::Value;

    use super::*;
    use crate::expr::BinaryOp;
    use crate::optimize::test_plans::*;

    #[test]
    fn each_conjunct_lands_above_the_operator_binding_its_last_slot() {
        // MATCH (a:P)-[r:R]->(b:P) WHERE a.x = 1 AND b.y = 2 AND $flag
        let a = eq(prop(0, "x"), int(1));
        let b = eq(prop(2, "y"), int(2));
        let flag = Expr::Param("flag".into());
        let pred = Expr::and(Expr::and(a.clone(), b.clone()), flag.clone());
        let before = filter(expand(scan(Plan::Unit, 0, "P"), 0, 1, 2), pred);
        let after = apply(before);
        let expected =
            filter(expand(filter(scan(filter(Plan::Unit, flag), 0, "P"), a), 0, 1, 2), b);
        assert_eq!(after, expected);
    }

    #[test]
    fn a_conjunct_does_not_pass_a_limit_an_aggregate_or_a_subquery_read() {
        let limited = Plan::Limit { input: Box::new(scan(Plan::Unit, 0, "P")), count: int(1) };
        let before = filter(limited, eq(prop(0, "x"), int(1)));
        assert_eq!(apply(before.clone()), before);
        let exists = Expr::Subquery(Box::new(Plan::Argument), crate::expr::SubqueryKind::Exists);
        let before = filter(scan(Plan::Unit, 0, "P"), exists);
        assert_eq!(apply(before.clone()), before);
    }

    #[test]
    fn a_conjunct_on_the_outer_row_moves_below_an_optional_match() {
        // MATCH (a:P) OPTIONAL MATCH (a)-[r]->(b) WITH * WHERE a.x = 1 AND b IS NULL
        let inner = expand(Plan::Argument, 0, 1, 2);
        let a = eq(prop(0, "x"), int(1));
        let b_null = Expr::IsNull(Box::new(Expr::Slot(2)), false);
        let optional =
            |input| Plan::Optional { input: Box::new(input), inner: Box::new(inner.clone()) };
        let before =
            filter(optional(scan(Plan::Unit, 0, "P")), Expr::and(a.clone(), b_null.clone()));
        let after = apply(before);
        assert_eq!(after, filter(optional(filter(scan(Plan::Unit, 0, "P"), a)), b_null));
    }

    #[test]
    fn a_projection_that_writes_the_slot_stops_the_conjunct() {
        let project = Plan::Project {
            input: Box::new(scan(Plan::Unit, 0, "P")),
            items: vec![(1, Expr::Const(Value::Int(3)))],
        };
        let reads_new = eq(Expr::Slot(1), int(3));
        let reads_old = op(BinaryOp::Gt, prop(0, "x"), int(3));
        let after = apply(filter(project.clone(), Expr::and(reads_new.clone(), reads_old.clone())));
        let expected = filter(
            Plan::Project {
                input: Box::new(filter(scan(Plan::Unit, 0, "P"), reads_old)),
                items: vec![(1, Expr::Const(Value::Int(3)))],
            },
            reads_new,
        );
        assert_eq!(after, expected);
    }
}
