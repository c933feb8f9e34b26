//! Rule: a label scan under a property equality (or membership) becomes a lookup.
//!
//! `Filter(n.k = v) ← NodeScan(n:L)` becomes `Filter(n.k = v) ← NodeByProperty(n:L, k, v)`
//! when `v` is known before `n` (a constant, a parameter, another variable or its property:
//! the `UNWIND $rows AS r MATCH (n:L {id: r.id})` load pattern); `n.k IN list` becomes a
//! lookup of each element. The filter stays: the lookup returns candidates, the filter decides.
//! A scan without a label stays a scan (the index is per label).

use super::{conjuncts_of, independent_of, map_inputs, slot_property};
use crate::expr::{BinaryOp, Expr};
use crate::plan::Plan;

/// Applies the rule everywhere in `plan`.
pub(crate) fn apply(plan: Plan) -> Plan {
    let plan = map_inputs(plan, &mut apply);
    let Plan::Filter { input, predicate } = plan else { return plan };
    let Plan::NodeScan { input: scan_input, slot, labels } = *input else {
        return Plan::Filter { input, predicate };
    };
    let lookup = (!labels.is_empty()).then(|| lookup_key(slot, &predicate)).flatten();
    let scan = match lookup {
        Some((property, value, any_of)) => {
            Plan::NodeByProperty { input: scan_input, slot, labels, property, value, any_of }
        }
        None => Plan::NodeScan { input: scan_input, slot, labels },
    };
    Plan::Filter { input: Box::new(scan), predicate }
}

/// The first `slot.k = v` (or `v = slot.k`, or `slot.k IN list`) among the conjuncts whose
/// value is known before the node: (property, value, whether it is a list of values).
fn lookup_key(slot: usize, predicate: &Expr) -> Option<(String, Expr, bool)> {
    let of_slot =
        |e: &Expr| slot_property(e).filter(|(s, _)| *s == slot).map(|(_, k)| k.to_owned());
    conjuncts_of(predicate).into_iter().find_map(|c| match c {
        Expr::Binary(BinaryOp::Eq, l, r) => {
            if let Some(k) = of_slot(l).filter(|_| independent_of(r, slot)) {
                Some((k, (**r).clone(), false))
            } else {
                of_slot(r).filter(|_| independent_of(l, slot)).map(|k| (k, (**l).clone(), false))
            }
        }
        Expr::Binary(BinaryOp::In, l, r) => {
            of_slot(l).filter(|_| independent_of(r, slot)).map(|k| (k, (**r).clone(), true))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::test_plans::*;

    fn lookup(input: Plan, slot: usize, value: Expr, any_of: bool) -> Plan {
        Plan::NodeByProperty {
            input: Box::new(input),
            slot,
            labels: vec!["P".into()],
            property: "id".into(),
            value,
            any_of,
        }
    }

    #[test]
    fn an_equality_with_a_known_value_becomes_a_lookup() {
        let before = filter(scan(Plan::Unit, 0, "P"), eq(int(7), prop(0, "id")));
        let after = apply(before);
        assert_eq!(after, filter(lookup(Plan::Unit, 0, int(7), false), eq(int(7), prop(0, "id"))));
    }

    #[test]
    fn a_membership_becomes_a_lookup_of_each_element() {
        let list = Expr::Param("ids".into());
        let pred = op(BinaryOp::In, prop(0, "id"), list.clone());
        let after = apply(filter(scan(Plan::Unit, 0, "P"), pred.clone()));
        assert_eq!(after, filter(lookup(Plan::Unit, 0, list, true), pred));
    }

    #[test]
    fn a_value_from_the_node_itself_or_a_scan_without_label_stays_a_scan() {
        let own = filter(scan(Plan::Unit, 0, "P"), eq(prop(0, "id"), prop(0, "other")));
        assert_eq!(apply(own.clone()), own);
        let unlabelled = filter(
            Plan::NodeScan { input: Box::new(Plan::Unit), slot: 0, labels: vec![] },
            eq(prop(0, "id"), int(1)),
        );
        assert_eq!(apply(unlabelled.clone()), unlabelled);
    }
}
