//! Rule: a pattern part that reads nothing of the rows before it, joined to them by equality,
//! becomes a hash join.
//!
//! The binder matches the parts of `MATCH (a:A), (b:B)-[:R]->(c) WHERE a.x = c.y + 1` as a
//! nested loop: for every `a`, scan `B` and expand again. When a segment of the plan — a start
//! (a label scan, or a lookup or `UNWIND` of values known before the statement) and the
//! expansions, filters and projections above it — reads no slot of the rows below it, and a
//! filter on top compares an expression of those rows with an expression of the segment,
//! the segment runs once as the build side of a [`Plan::HashJoin`] and each row below probes
//! it:
//!
//! `Filter(l = r ∧ p_right ∧ p_both) ← segment ← X` becomes
//! `Filter(p_both) ← HashJoin(X, Filter(p_right) ← segment ← Unit, keys [(l, r)])`.
//!
//! Conjuncts reading only the segment stay on it; conjuncts reading only `X`'s rows filter `X`;
//! the others stay above the join. The join yields rows in the nested loop's order, and raises
//! the errors it raised: the nested loop computed every conjunct for every pair, the join
//! computes the keys for every row of each side (once the other side has a row) and the
//! segment's conjuncts for every segment row, so every other conjunct it computes for fewer
//! or other rows — above the join, on `X`, or moved up from inside the segment — must be one
//! that cannot fail (a comparison of properties, say); otherwise the rule does not apply.
//!
//! It is not applied when a lookup can serve the join instead: the property-lookup rule runs
//! first and turns `b.k = a.x` over a label scan into one lookup per row, which a segment
//! reading `a` is not. Nor when `X` writes (the segment would run before `X`'s writes were
//! all made), nor when `X` is the statement's or subquery's first row (nothing to join).

use std::collections::BTreeSet;

use super::cannot_fail::cannot_fail;
use super::{add_filter, conjunction, conjuncts, conjuncts_of, map_inputs, slots_read};
use crate::expr::{BinaryOp, Expr};
use crate::plan::Plan;

/// Applies the rule everywhere in `plan`.
pub(crate) fn apply(plan: Plan) -> Plan {
    let plan = map_inputs(plan, &mut apply);
    rewrite(plan)
}

/// The rule at `plan`'s top operator (kept out of the recursion, as in `top_n`).
#[inline(never)]
fn rewrite(plan: Plan) -> Plan {
    let Plan::Filter { input, predicate } = plan else { return plan };
    let Some((depth, right_slots)) = split(&input, &predicate) else {
        return Plan::Filter { input, predicate };
    };
    let written: BTreeSet<usize> = right_slots.iter().copied().collect();
    let borrowed = conjuncts_of(&predicate);
    let places: Vec<Place> = borrowed.iter().map(|c| place(c, &written)).collect();
    // The nested loop computed every conjunct for every pair; the join computes those that
    // are not keys or the segment's own for fewer (or, on the rows below, other) rows, which
    // must then not be able to fail.
    let moved_may_fail = borrowed.iter().zip(&places).any(|(c, place)| {
        matches!(place, Place::Left | Place::Above) && !cannot_fail(c, &input, &BTreeSet::new())
    });
    if moved_may_fail {
        return Plan::Filter { input, predicate };
    }
    let (mut keys, mut on_right, mut on_left, mut above) = (vec![], vec![], vec![], vec![]);
    for (c, place) in conjuncts(predicate).into_iter().zip(places) {
        match place {
            Place::Right => on_right.push(c),
            Place::Left => on_left.push(c),
            Place::Key(l, r) => keys.push((l, r)),
            Place::Above => above.push(c),
        }
    }
    let (segment, left) = detach(*input, depth);
    let segment = lift_outside(segment, &written, &mut above);
    let right = match conjunction(on_right) {
        Some(p) => add_filter(segment, p),
        None => segment,
    };
    let left = match conjunction(on_left) {
        Some(p) => add_filter(left, p),
        None => left,
    };
    let join = Plan::HashJoin { left: Box::new(left), right: Box::new(right), keys, right_slots };
    match conjunction(above) {
        Some(p) => add_filter(join, p),
        None => join,
    }
}

/// Where a conjunct of the filter on top goes, given the slots the segment binds.
enum Place {
    /// Reads only the segment's slots (or none): it filters the segment.
    Right,
    /// Reads only slots bound below the segment: it filters those rows.
    Left,
    /// `l = r` with `l` over the rows below and `r` over the segment: a join key.
    Key(Expr, Expr),
    /// Anything else (reading both sides, or holding a subquery): above the join.
    Above,
}

fn place(c: &Expr, written: &BTreeSet<usize>) -> Place {
    let Some(reads) = slots_read(c) else { return Place::Above };
    if reads.is_subset(written) {
        return Place::Right;
    }
    if reads.is_disjoint(written) {
        return Place::Left;
    }
    let Expr::Binary(BinaryOp::Eq, a, b) = c else { return Place::Above };
    let (Some(ra), Some(rb)) = (slots_read(a), slots_read(b)) else { return Place::Above };
    let inside = |r: &BTreeSet<usize>| !r.is_empty() && r.is_subset(written);
    let outside = |r: &BTreeSet<usize>| !r.is_empty() && r.is_disjoint(written);
    if outside(&ra) && inside(&rb) {
        Place::Key((**a).clone(), (**b).clone())
    } else if inside(&ra) && outside(&rb) {
        Place::Key((**b).clone(), (**a).clone())
    } else {
        Place::Above
    }
}

/// The depth (0 = `input` itself) of the start operator the segment below the filter ends at,
/// and the slots the segment binds, for the highest start at which the segment reads nothing
/// from below (but for filter conjuncts that can move above the join) and the filter has a
/// join key.
fn split(input: &Plan, predicate: &Expr) -> Option<(usize, Vec<usize>)> {
    let (mut reads, mut writes) = (BTreeSet::new(), BTreeSet::new());
    // Conjuncts of filters inside the segment: what each reads, and whether it could move
    // above the join if it read a slot from below.
    let mut inner: Vec<(BTreeSet<usize>, bool)> = Vec::new();
    let mut op = input;
    for depth in 0.. {
        let below = op.children().into_iter().next()?;
        if let Plan::Filter { predicate, .. } = op {
            for c in conjuncts_of(predicate) {
                inner.push((slots_read(c)?, cannot_fail(c, below, &BTreeSet::new())));
            }
        } else {
            let (start, op_reads, op_writes) = segment_op(op)?;
            reads.extend(op_reads);
            writes.extend(op_writes);
            let independent = reads.is_subset(&writes)
                && inner.iter().all(|(r, liftable)| *liftable || r.is_subset(&writes));
            if start && independent && joinable(below) {
                let has_key = conjuncts_of(predicate)
                    .into_iter()
                    .any(|c| matches!(place(c, &writes), Place::Key(..)));
                if has_key {
                    return Some((depth, writes.into_iter().collect()));
                }
            }
        }
        op = below;
    }
    None
}

/// `segment` without the conjuncts of its filters that read slots outside `written` (they
/// are returned, to go above the join).
fn lift_outside(plan: Plan, written: &BTreeSet<usize>, lifted: &mut Vec<Expr>) -> Plan {
    let plan = match plan {
        Plan::Filter { input, predicate } => {
            let (outside, inside): (Vec<Expr>, Vec<Expr>) = conjuncts(predicate)
                .into_iter()
                .partition(|c| slots_read(c).is_none_or(|r| !r.is_subset(written)));
            lifted.extend(outside);
            match conjunction(inside) {
                Some(predicate) => Plan::Filter { input, predicate },
                None => *input,
            }
        }
        other => other,
    };
    map_inputs(plan, &mut |child| lift_outside(child, written, lifted))
}

/// Whether rows of `plan` may be the probe side: it does not write and is more than the
/// first row.
fn joinable(plan: &Plan) -> bool {
    !matches!(plan, Plan::Unit | Plan::Argument) && !plan.writes()
}

/// For an operator that may be part of a segment: whether it starts one (its input rows'
/// slots are not read), the slots it reads and the slots it writes.
fn segment_op(plan: &Plan) -> Option<(bool, BTreeSet<usize>, BTreeSet<usize>)> {
    let one = |s: usize| BTreeSet::from([s]);
    Some(match plan {
        Plan::NodeScan { slot, .. } => (true, BTreeSet::new(), one(*slot)),
        Plan::NodeByProperty { slot, value, .. } => (true, slots_read(value)?, one(*slot)),
        Plan::NodeById { slot, id, .. } => (true, slots_read(id)?, one(*slot)),
        Plan::Unwind { slot, list, .. } => (true, slots_read(list)?, one(*slot)),
        Plan::Project { items, .. } => {
            let mut reads = BTreeSet::new();
            for (_, e) in items {
                reads.extend(slots_read(e)?);
            }
            (false, reads, items.iter().map(|(s, _)| *s).collect())
        }
        Plan::Expand { expand, .. } => {
            let mut reads = one(expand.from);
            let mut writes = BTreeSet::new();
            for (slot, bound) in [(expand.to, expand.to_bound), (expand.rel, expand.rel_bound)] {
                if bound {
                    reads.insert(slot);
                } else {
                    writes.insert(slot);
                }
            }
            for (_, e) in &expand.rel_properties {
                reads.extend(slots_read(e)?);
            }
            (false, reads, writes)
        }
        _ => return None,
    })
}

/// Splits the segment at `depth` off `plan`: the segment over [`Plan::Unit`], and the rows
/// it was over.
fn detach(mut plan: Plan, depth: usize) -> (Plan, Plan) {
    let Some(input) = plan.children_mut().into_iter().next() else {
        return (plan, Plan::Unit);
    };
    let below = std::mem::replace(input, Plan::Unit);
    if depth == 0 {
        return (plan, below);
    }
    let (segment, rows) = detach(below, depth - 1);
    if let Some(input) = plan.children_mut().into_iter().next() {
        *input = segment;
    }
    (plan, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::test_plans::*;

    fn plus_one(e: Expr) -> Expr {
        op(BinaryOp::Add, e, int(1))
    }

    fn join(left: Plan, right: Plan, keys: Vec<(Expr, Expr)>, right_slots: Vec<usize>) -> Plan {
        Plan::HashJoin { left: Box::new(left), right: Box::new(right), keys, right_slots }
    }

    #[test]
    fn an_equality_between_independent_parts_becomes_a_hash_join() {
        // MATCH (a:A), (b:B) WHERE a.x = b.y + 1 AND b.z = 2 AND a.w = 3 AND a.v < b.v
        let a = scan(Plan::Unit, 0, "A");
        let predicate = [
            eq(prop(0, "x"), plus_one(prop(1, "y"))),
            eq(prop(1, "z"), int(2)),
            eq(prop(0, "w"), int(3)),
            op(BinaryOp::Lt, prop(0, "v"), prop(1, "v")),
        ]
        .into_iter()
        .reduce(Expr::and)
        .unwrap();
        let before = filter(scan(a.clone(), 1, "B"), predicate);
        let after = filter(
            join(
                filter(a, eq(prop(0, "w"), int(3))),
                filter(scan(Plan::Unit, 1, "B"), eq(prop(1, "z"), int(2))),
                vec![(prop(0, "x"), plus_one(prop(1, "y")))],
                vec![1],
            ),
            op(BinaryOp::Lt, prop(0, "v"), prop(1, "v")),
        );
        assert_eq!(apply(before), after);
    }

    #[test]
    fn the_key_side_order_is_normalized_and_expansions_join_the_segment() {
        // MATCH (a:A), (b:B)-[r:R]->(c) WHERE c.y + 1 = a.x
        let a = scan(Plan::Unit, 0, "A");
        let predicate = eq(plus_one(prop(3, "y")), prop(0, "x"));
        let before = filter(expand(scan(a.clone(), 1, "B"), 1, 2, 3), predicate);
        let after = join(
            a,
            expand(scan(Plan::Unit, 1, "B"), 1, 2, 3),
            vec![(prop(0, "x"), plus_one(prop(3, "y")))],
            vec![1, 2, 3],
        );
        assert_eq!(apply(before), after);
    }

    #[test]
    fn the_segment_splits_at_the_highest_start_that_leaves_a_key() {
        // MATCH (a:A), (b:B), (c:C) WHERE a.x = c.y + 1: B stays a nested loop below.
        let ab = scan(scan(Plan::Unit, 0, "A"), 1, "B");
        let predicate = eq(prop(0, "x"), plus_one(prop(2, "y")));
        let before = filter(scan(ab.clone(), 2, "C"), predicate.clone());
        let after = join(
            ab,
            scan(Plan::Unit, 2, "C"),
            vec![(prop(0, "x"), plus_one(prop(2, "y")))],
            vec![2],
        );
        assert_eq!(apply(before), after);
    }

    #[test]
    fn conjuncts_inside_the_segment_that_read_below_move_above_when_they_cannot_fail() {
        // MATCH (a:A), (b:B)-[r:R]->(c) WHERE a.x = c.y + 1 AND a.id < b.id
        let a = scan(Plan::Unit, 0, "A");
        let key = eq(prop(0, "x"), plus_one(prop(3, "y")));
        let less = op(BinaryOp::Lt, prop(0, "id"), prop(1, "id"));
        let before =
            filter(expand(filter(scan(a.clone(), 1, "B"), less.clone()), 1, 2, 3), key.clone());
        let after = filter(
            join(
                a.clone(),
                expand(scan(Plan::Unit, 1, "B"), 1, 2, 3),
                vec![(prop(0, "x"), plus_one(prop(3, "y")))],
                vec![1, 2, 3],
            ),
            less,
        );
        assert_eq!(apply(before), after);
        // A division may fail: evaluated for other rows, it could raise or hide an error.
        let ratio = op(BinaryOp::Gt, op(BinaryOp::Div, prop(0, "id"), prop(1, "id")), int(1));
        let kept = filter(expand(filter(scan(a, 1, "B"), ratio), 1, 2, 3), key);
        assert_eq!(apply(kept.clone()), kept);
    }

    #[test]
    fn no_join_without_a_key_a_probe_side_or_independence() {
        let a = scan(Plan::Unit, 0, "A");
        // No equality between the parts.
        let lt = filter(scan(a.clone(), 1, "B"), op(BinaryOp::Lt, prop(0, "x"), prop(1, "y")));
        assert_eq!(apply(lt.clone()), lt);
        // A conjunct that is no key and may fail (the nested loop computed it for every
        // pair; above the join it would be computed only for pairs with equal keys).
        let ratio = op(BinaryOp::Gt, op(BinaryOp::Div, prop(0, "x"), prop(1, "y")), int(1));
        let failing = filter(
            scan(a.clone(), 1, "B"),
            Expr::and(eq(prop(0, "x"), plus_one(prop(1, "y"))), ratio),
        );
        assert_eq!(apply(failing.clone()), failing);
        // Nothing below the segment.
        let alone = filter(scan(Plan::Unit, 1, "B"), eq(prop(1, "y"), int(1)));
        assert_eq!(apply(alone.clone()), alone);
        // The segment reads the rows below it: expanding from `a`.
        let from_a = filter(expand(a.clone(), 0, 2, 3), eq(prop(0, "x"), prop(3, "y")));
        assert_eq!(apply(from_a.clone()), from_a);
        // A lookup by a value of the rows below (the property-lookup rule's join) stays.
        let lookup = filter(
            Plan::NodeByProperty {
                input: Box::new(a.clone()),
                slot: 1,
                labels: vec!["B".into()],
                property: "y".into(),
                value: prop(0, "x"),
                any_of: false,
            },
            eq(prop(1, "y"), prop(0, "x")),
        );
        assert_eq!(apply(lookup.clone()), lookup);
        // Rows below that write.
        let created = Plan::Create { input: Box::new(a), pattern: Default::default() };
        let after_write = filter(scan(created, 1, "B"), eq(prop(0, "x"), plus_one(prop(1, "y"))));
        assert_eq!(apply(after_write.clone()), after_write);
    }
}
