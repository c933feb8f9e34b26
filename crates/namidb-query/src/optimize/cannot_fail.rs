//! Expressions that cannot raise an error over a plan's rows, for rules that change how many
//! rows an expression is computed for (computing it for fewer rows must not hide an error,
//! for more rows must not add one): a slot, a constant, a property of a slot that holds a
//! node or a relationship in every row (bound by a scan or an expansion below and not rebound
//! since), `coalesce` of such, comparisons and null tests of such (a comparison of values
//! that do not compare is null, not an error), and label tests of a slot that holds a node.

use std::collections::BTreeSet;

use crate::expr::{BinaryOp, Expr};
use crate::plan::Plan;

/// Whether computing `e` over the rows of `input` cannot raise an error. `written` are the
/// slots of the projection `e` belongs to (their values are not `input`'s).
pub(crate) fn cannot_fail(e: &Expr, input: &Plan, written: &BTreeSet<usize>) -> bool {
    match e {
        Expr::Const(_) | Expr::Slot(_) => true,
        Expr::Property(target, _) => match &**target {
            Expr::Slot(s) => !written.contains(s) && holds_entity(input, *s),
            _ => false,
        },
        Expr::Call(name, args) if name == "coalesce" => {
            args.iter().all(|a| cannot_fail(a, input, written))
        }
        // Comparisons yield null for values that do not compare; they never raise.
        Expr::Binary(op, a, b) if is_comparison(*op) => {
            cannot_fail(a, input, written) && cannot_fail(b, input, written)
        }
        Expr::IsNull(a, _) => cannot_fail(a, input, written),
        Expr::HasLabels(target, _) => match &**target {
            Expr::Slot(s) => !written.contains(s) && holds_node(input, *s),
            _ => false,
        },
        _ => false,
    }
}

/// Whether `op` compares its operands (yielding a boolean, or null for values that do not
/// compare).
pub(crate) fn is_comparison(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::StartsWith
            | BinaryOp::EndsWith
            | BinaryOp::Contains
    )
}

/// Whether every row `plan` yields holds a node or null in `slot`.
pub(crate) fn holds_node(plan: &Plan, slot: usize) -> bool {
    holds(plan, slot, true)
}

/// Whether every row `plan` yields holds a node, a relationship or null in `slot`.
fn holds_entity(plan: &Plan, slot: usize) -> bool {
    holds(plan, slot, false)
}

/// Whether every row `plan` yields holds a node (or, unless `nodes_only`, a relationship) or
/// null in `slot`.
fn holds(plan: &Plan, slot: usize, nodes_only: bool) -> bool {
    let holds_entity = |plan: &Plan, slot: usize| holds(plan, slot, nodes_only);
    match plan {
        Plan::NodeScan { input, slot: s, .. }
        | Plan::NodeByProperty { input, slot: s, .. }
        | Plan::NodeById { input, slot: s, .. } => *s == slot || holds_entity(input, slot),
        // Rows past an expansion have nodes at both ends (and one relationship, unless the
        // hop has a variable length: then a list).
        Plan::Expand { input, expand } => {
            expand.from == slot
                || expand.to == slot
                || (expand.rel == slot && expand.length.is_none() && !nodes_only)
                || (expand.rel != slot && holds_entity(input, slot))
        }
        Plan::Project { input, items } => match items.iter().rev().find(|(s, _)| *s == slot) {
            None => holds_entity(input, slot),
            Some((_, Expr::Slot(from))) => {
                !items.iter().any(|(s, _)| s == from) && holds_entity(input, *from)
            }
            Some(_) => false,
        },
        Plan::Unwind { input, slot: s, .. } => *s != slot && holds_entity(input, slot),
        Plan::HashJoin { left, right, right_slots, .. } => {
            if right_slots.contains(&slot) {
                holds_entity(right, slot)
            } else {
                holds_entity(left, slot)
            }
        }
        Plan::Filter { input, .. }
        | Plan::SemiJoin { input, .. }
        | Plan::Sort { input, .. }
        | Plan::TopN { input, .. }
        | Plan::Skip { input, .. }
        | Plan::Limit { input, .. }
        | Plan::Distinct { input, .. } => holds_entity(input, slot),
        _ => false,
    }
}
