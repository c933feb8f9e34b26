//! Rule: a disjunction that pins one property in every branch implies a membership test.
//!
//! `(a.id = x AND b.id = y) OR (a.id = y AND b.id = x)` implies `a.id IN [x, y]` and
//! `b.id IN [y, x]`. The implied conjuncts are added in front of the disjunction (which stays:
//! the filter's rows do not change); [`super::push_filters`] then moves each to its node's
//! scan and [`super::property_lookup`] makes that scan a lookup. The values must not read the
//! node itself (they are evaluated before it is bound).

use super::{conjunction, conjuncts, independent_of, map_inputs, slot_property};
use crate::expr::{BinaryOp, Expr};
use crate::plan::Plan;

/// Applies the rule to every filter of `plan`.
pub(crate) fn apply(plan: Plan) -> Plan {
    let plan = map_inputs(plan, &mut apply);
    match plan {
        Plan::Filter { input, predicate } => {
            let parts = conjuncts(predicate);
            let mut implied = Vec::new();
            for part in &parts {
                implied.extend(implied_memberships(part));
            }
            implied.extend(parts);
            let predicate = conjunction(implied).unwrap_or_else(Expr::null);
            Plan::Filter { input, predicate }
        }
        other => other,
    }
}

fn disjuncts(e: &Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::Binary(BinaryOp::Or, a, b) => {
            disjuncts(a, out);
            disjuncts(b, out);
        }
        other => out.push(other.clone()),
    }
}

/// `slot.key = value` pairs of one branch (either side of `=` may be the property).
fn pinned(branch: Expr) -> Vec<(usize, String, Expr)> {
    conjuncts(branch)
        .into_iter()
        .filter_map(|c| match c {
            Expr::Binary(BinaryOp::Eq, l, r) => {
                let side = |p: &Expr, v: &Expr| {
                    slot_property(p)
                        .filter(|(s, _)| independent_of(v, *s))
                        .map(|(s, k)| (s, k.to_owned(), v.clone()))
                };
                side(&l, &r).or_else(|| side(&r, &l))
            }
            _ => None,
        })
        .collect()
}

/// The `slot.key IN [values]` a disjunction implies (none for a non-disjunction).
fn implied_memberships(e: &Expr) -> Vec<Expr> {
    if !matches!(e, Expr::Binary(BinaryOp::Or, ..)) {
        return Vec::new();
    }
    let mut branches = Vec::new();
    disjuncts(e, &mut branches);
    let pins: Vec<Vec<(usize, String, Expr)>> = branches.into_iter().map(pinned).collect();
    let Some((first, rest)) = pins.split_first() else { return Vec::new() };
    let mut out = Vec::new();
    for (slot, key, value) in first {
        let mut values = vec![value.clone()];
        for branch in rest {
            match branch.iter().find(|(s, k, _)| s == slot && k == key) {
                Some((_, _, v)) => values.push(v.clone()),
                None => break,
            }
        }
        let already = out.iter().any(|m| {
            matches!(m, Expr::Binary(BinaryOp::In, p, _)
            if slot_property(p) == Some((*slot, key.as_str())))
        });
        if values.len() == pins.len() && !already {
            let property = Expr::Property(Box::new(Expr::Slot(*slot)), key.clone());
            out.push(Expr::Binary(BinaryOp::In, Box::new(property), Box::new(Expr::List(values))));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::test_plans::*;

    #[test]
    fn a_property_pinned_in_every_branch_is_implied() {
        // (a.id = 1 AND b.id = 2) OR (a.id = 2 AND b.id = 1)
        let or = op(
            BinaryOp::Or,
            op(BinaryOp::And, eq(prop(0, "id"), int(1)), eq(prop(1, "id"), int(2))),
            op(BinaryOp::And, eq(int(2), prop(0, "id")), eq(prop(1, "id"), int(1))),
        );
        let before = filter(scan(scan(Plan::Unit, 0, "P"), 1, "P"), or.clone());
        let after = apply(before);
        let a_in = op(BinaryOp::In, prop(0, "id"), Expr::List(vec![int(1), int(2)]));
        let b_in = op(BinaryOp::In, prop(1, "id"), Expr::List(vec![int(2), int(1)]));
        let expected =
            filter(scan(scan(Plan::Unit, 0, "P"), 1, "P"), Expr::and(Expr::and(a_in, b_in), or));
        assert_eq!(after, expected);
    }

    #[test]
    fn a_branch_without_the_property_implies_nothing() {
        let or = op(BinaryOp::Or, eq(prop(0, "id"), int(1)), eq(prop(0, "name"), int(2)));
        let before = filter(scan(Plan::Unit, 0, "P"), or);
        assert_eq!(apply(before.clone()), before);
    }

    #[test]
    fn a_value_reading_the_node_itself_implies_nothing() {
        let or = op(BinaryOp::Or, eq(prop(0, "id"), prop(0, "x")), eq(prop(0, "id"), int(2)));
        let before = filter(scan(Plan::Unit, 0, "P"), or);
        assert_eq!(apply(before.clone()), before);
    }
}
