//! Rule: a pattern predicate of one hop from a node of the row becomes a hash semi join
//! (`WHERE (a)-[:R]->(:L)`), or a hash anti join under `NOT`.
//!
//! The binder makes `EXISTS { (a)-[:R]->(b:L) }` a subquery run per row: an expansion from
//! the row's `a` over [`Plan::Argument`], filtered. Over many rows that costs an operator tree
//! and a lookup per row. The set of nodes the pattern holds for can instead be built once, by
//! running the same expansion from every node (a `NodeScan` of `a` over [`Plan::Unit`]), and
//! each row probes it:
//!
//! `Filter(EXISTS{p(a)} ∧ rest) ← X` becomes `SemiJoin(Filter(rest) ← X, build p from every a)`.
//!
//! The conjunct must be an `EXISTS` (or its `NOT`) whose plan is one expansion from a slot of
//! the row that holds a node (or null: a null has no match) to a new node and relationship,
//! with filters that read only those three slots and cannot fail: the build computes them for
//! nodes the rows never reach, and must raise no error the subquery would not have. The
//! executor keeps the per-row subquery too, and runs it until that has cost about as much as
//! the build (a handful of rows do not pay for a pass over the graph). The other conjuncts
//! filter first, as before: the filter computed every conjunct of every row anyway (`AND`
//! computes both sides), so nothing raised before is lost. The rule is not applied in a
//! statement that writes: the per-row subqueries would see writes of earlier rows, the set
//! would not.

use super::cannot_fail::{cannot_fail, holds_node, is_comparison};
use super::{conjunction, conjuncts, conjuncts_of, map_inputs, slots_read};
use crate::expr::{Expr, SubqueryKind};
use crate::plan::Plan;

/// Applies the rule everywhere in `plan`, unless the statement writes.
pub(crate) fn apply(plan: Plan) -> Plan {
    if plan.writes() {
        return plan;
    }
    rewrite_all(plan)
}

fn rewrite_all(plan: Plan) -> Plan {
    let plan = map_inputs(plan, &mut rewrite_all);
    let Plan::Filter { input, predicate } = plan else { return plan };
    let (mut joins, mut kept) = (Vec::new(), Vec::new());
    for c in conjuncts(predicate) {
        match semi_join(&c, &input) {
            Some(join) => joins.push(join),
            None => kept.push(c),
        }
    }
    let mut plan = match conjunction(kept) {
        Some(predicate) => Plan::Filter { input, predicate },
        None => *input,
    };
    for (key, build, subquery, anti) in joins {
        plan = Plan::SemiJoin { input: Box::new(plan), build, subquery, key, anti };
    }
    plan
}

/// The key, build side, per-row subquery and anti flag of `c` as a semi join over the rows
/// of `input`, when it is one (see the module docs).
fn semi_join(c: &Expr, input: &Plan) -> Option<(usize, Box<Plan>, Box<Plan>, bool)> {
    let (subquery, anti) = match c {
        Expr::Subquery(plan, SubqueryKind::Exists) => (plan, false),
        Expr::Not(inner) => match &**inner {
            Expr::Subquery(plan, SubqueryKind::Exists) => (plan, true),
            _ => return None,
        },
        _ => return None,
    };
    let (key, build) = from_every_node(subquery)?;
    if !holds_node(input, key) {
        return None;
    }
    let build = Plan::Distinct { input: Box::new(build), slots: vec![key] };
    Some((key, Box::new(build), subquery.clone(), anti))
}

/// The slot one expansion of `plan` starts from, and `plan` run from every node instead of
/// the argument row's: `None` unless `plan` is filters over one such expansion over
/// [`Plan::Argument`] whose filters read only its three slots and cannot fail.
fn from_every_node(plan: &Plan) -> Option<(usize, Plan)> {
    match plan {
        Plan::Filter { input, predicate } => {
            let (key, below) = from_every_node(input)?;
            let Plan::Expand { expand, .. } = strip_filters(&below) else { return None };
            let allowed = [key, expand.to, expand.rel];
            let reads = slots_read(predicate)?;
            let safe = conjuncts_of(predicate)
                .into_iter()
                .all(|c| is_predicate(c) && cannot_fail(c, &below, &Default::default()));
            (reads.iter().all(|s| allowed.contains(s)) && safe).then(|| {
                (key, Plan::Filter { input: Box::new(below), predicate: predicate.clone() })
            })
        }
        Plan::Expand { input, expand }
            if matches!(**input, Plan::Argument)
                && !expand.to_bound
                && !expand.rel_bound
                && expand.length.is_none()
                && expand.rel_properties.is_empty()
                && expand.from != expand.to =>
        {
            let scan =
                Plan::NodeScan { input: Box::new(Plan::Unit), slot: expand.from, labels: vec![] };
            Some((expand.from, Plan::Expand { input: Box::new(scan), expand: expand.clone() }))
        }
        _ => None,
    }
}

/// The first operator below any filters on top of `plan`.
fn strip_filters(plan: &Plan) -> &Plan {
    match plan {
        Plan::Filter { input, .. } => strip_filters(input),
        other => other,
    }
}

/// Whether `e` yields a boolean or null (never another value a filter would reject as such).
fn is_predicate(e: &Expr) -> bool {
    match e {
        Expr::HasLabels(..) | Expr::IsNull(..) => true,
        Expr::Binary(op, ..) => is_comparison(*op),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_plans::{eq, expand, filter, int, prop, scan};
    use super::*;
    use crate::expr::{BinaryOp, LabelPredicate};

    fn exists(p: Plan) -> Expr {
        Expr::Subquery(Box::new(p), SubqueryKind::Exists)
    }

    fn has_label(slot: usize, l: &str) -> Expr {
        Expr::HasLabels(Box::new(Expr::Slot(slot)), LabelPredicate::Name(l.into()))
    }

    #[test]
    fn a_one_hop_pattern_predicate_becomes_a_semi_join_and_its_negation_an_anti_join() {
        // MATCH (a:A) WHERE a.x = 1 AND (a)-[:R]->(:L) AND NOT (a)-[:R]->(:M)
        let pattern = |l: &str| filter(expand(Plan::Argument, 0, 1, 2), has_label(2, l));
        let predicate = Expr::and(
            Expr::and(eq(prop(0, "x"), int(1)), exists(pattern("L"))),
            Expr::Not(Box::new(exists(pattern("M")))),
        );
        let plan = apply(filter(scan(Plan::Unit, 0, "A"), predicate));
        let Plan::SemiJoin { input, build, subquery, key: 0, anti: true } = plan else {
            panic!("an anti join on top: {plan:?}")
        };
        assert_eq!(*subquery, pattern("M"));
        let every_node = Plan::NodeScan { input: Box::new(Plan::Unit), slot: 0, labels: vec![] };
        let from_all = filter(expand(every_node, 0, 1, 2), has_label(2, "M"));
        assert_eq!(*build, Plan::Distinct { input: Box::new(from_all), slots: vec![0] });
        let Plan::SemiJoin { input, anti: false, key: 0, .. } = *input else {
            panic!("a semi join below it")
        };
        assert_eq!(*input, filter(scan(Plan::Unit, 0, "A"), eq(prop(0, "x"), int(1))));
    }

    #[test]
    fn patterns_that_read_more_of_the_row_could_fail_or_hop_twice_stay_subqueries() {
        let base = || scan(Plan::Unit, 0, "A");
        // The pattern's filter reads another slot of the row (#3).
        let reads_row = filter(expand(Plan::Argument, 0, 1, 2), eq(prop(2, "x"), prop(3, "y")));
        // Its filter could fail (arithmetic), or is no predicate (a bare property).
        let could_fail = filter(
            expand(Plan::Argument, 0, 1, 2),
            eq(Expr::Binary(BinaryOp::Div, Box::new(int(1)), Box::new(prop(2, "x"))), int(1)),
        );
        let bare = filter(expand(Plan::Argument, 0, 1, 2), prop(2, "flag"));
        // Two hops.
        let two_hops = expand(expand(Plan::Argument, 0, 1, 2), 2, 3, 4);
        for pattern in [reads_row, could_fail, bare, two_hops] {
            let plan = filter(base(), exists(pattern));
            assert_eq!(apply(plan.clone()), plan);
        }
        // The key is not a node of the rows (an unwound value).
        let unwound = Plan::Unwind { input: Box::new(Plan::Unit), slot: 0, list: int(1) };
        let plan = filter(unwound, exists(expand(Plan::Argument, 0, 1, 2)));
        assert_eq!(apply(plan.clone()), plan);
    }
}
