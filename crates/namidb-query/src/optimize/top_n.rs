//! Rule: an `ORDER BY` followed by `LIMIT` keeps only the rows it returns.
//!
//! 1. `Limit(l) ← Skip(s) ← Sort(keys)` becomes `TopN(keys, s, l)`, and `Limit(l) ← Sort(keys)`
//!    becomes `TopN(keys, l)`: the executor keeps the `s + l` best rows while it reads, instead
//!    of sorting them all.
//! 2. Then the items of a `Project` just below a `TopN` that its keys do not read move above
//!    it: `TopN ← Project(a, b, c)` where the keys read only `c` becomes
//!    `Project(a, b) ← TopN ← Project(c)`, so `a` and `b` are computed for the rows returned,
//!    not for every row sorted (`RETURN n.name, n.bio ORDER BY n.age LIMIT 10`).
//!
//! An item moves only when computing it cannot fail, so computing it for fewer rows cannot
//! hide an error: a slot, a constant, a property of a slot that holds a node or a
//! relationship in every row (bound by a scan or an expansion below and not rebound since),
//! or `coalesce` of such. Nothing moves past a plan that writes (a deleted node's properties
//! are an error to read).

use std::collections::BTreeSet;

use super::cannot_fail::cannot_fail;
use super::{map_inputs, slots_read};
use crate::expr::Expr;
use crate::plan::Plan;

/// Applies the rule everywhere in `plan`.
pub(crate) fn apply(plan: Plan) -> Plan {
    let plan = map_inputs(plan, &mut apply);
    rewrite(plan)
}

/// The rule at `plan`'s top operator. Kept out of `apply`, which recurses once per operator:
/// its temporaries would otherwise sit in every level's stack frame (a statement of a few
/// hundred clauses overflowed a test thread's stack in an unoptimized build).
#[inline(never)]
fn rewrite(plan: Plan) -> Plan {
    let plan = match plan {
        Plan::Limit { input, count: limit } => match *input {
            Plan::Sort { input, keys } => Plan::TopN { input, keys, skip: None, limit },
            Plan::Skip { input: skipped, count: skip } => match *skipped {
                Plan::Sort { input, keys } => Plan::TopN { input, keys, skip: Some(skip), limit },
                other => Plan::Limit {
                    input: Box::new(Plan::Skip { input: Box::new(other), count: skip }),
                    count: limit,
                },
            },
            other => Plan::Limit { input: Box::new(other), count: limit },
        },
        other => other,
    };
    defer_projection(plan)
}

/// Step 2: the `Project` items below a `TopN` that its keys do not need, moved above it.
fn defer_projection(plan: Plan) -> Plan {
    let Plan::TopN { input, keys, skip, limit } = plan else { return plan };
    let needed: Option<BTreeSet<usize>> =
        keys.iter().try_fold(BTreeSet::new(), |mut all, (e, _)| {
            all.extend(slots_read(e)?);
            Some(all)
        });
    let Some(needed) = needed else { return Plan::TopN { input, keys, skip, limit } };
    let (below, items) = match *input {
        Plan::Project { input: below, items } => (below, items),
        other => return Plan::TopN { input: Box::new(other), keys, skip, limit },
    };
    if below.writes() {
        let input = Box::new(Plan::Project { input: below, items });
        return Plan::TopN { input, keys, skip, limit };
    }
    let written: BTreeSet<usize> = items.iter().map(|(s, _)| *s).collect();
    let movable: Vec<bool> = items
        .iter()
        .map(|(slot, e)| !needed.contains(slot) && cannot_fail(e, &below, &written))
        .collect();
    let moved: BTreeSet<usize> =
        items.iter().zip(&movable).filter(|(_, m)| **m).map(|((s, _), _)| *s).collect();
    // An item staying below must not read one that moves (an alias of the same projection).
    let stays_reading_moved = items
        .iter()
        .zip(&movable)
        .any(|((_, e), m)| !*m && slots_read(e).is_none_or(|r| !r.is_disjoint(&moved)));
    if moved.is_empty() || stays_reading_moved {
        let input = Box::new(Plan::Project { input: below, items });
        return Plan::TopN { input, keys, skip, limit };
    }
    let (late, early): (Vec<_>, Vec<_>) = items.into_iter().zip(movable).partition(|(_, m)| *m);
    let unflag = |items: Vec<((usize, Expr), bool)>| items.into_iter().map(|(i, _)| i).collect();
    let early: Vec<(usize, Expr)> = unflag(early);
    let below = if early.is_empty() {
        below
    } else {
        Box::new(Plan::Project { input: below, items: early })
    };
    let top = Plan::TopN { input: below, keys, skip, limit };
    Plan::Project { input: Box::new(top), items: unflag(late) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::test_plans::*;
    use crate::plan::{Direction, Expand};

    fn sort(input: Plan, keys: Vec<Expr>) -> Plan {
        Plan::Sort { input: Box::new(input), keys: keys.into_iter().map(|k| (k, true)).collect() }
    }

    fn top(input: Plan, keys: Vec<Expr>, skip: Option<i64>, limit: i64) -> Plan {
        Plan::TopN {
            input: Box::new(input),
            keys: keys.into_iter().map(|k| (k, true)).collect(),
            skip: skip.map(int),
            limit: int(limit),
        }
    }

    fn limit(input: Plan, n: i64) -> Plan {
        Plan::Limit { input: Box::new(input), count: int(n) }
    }

    fn skip(input: Plan, n: i64) -> Plan {
        Plan::Skip { input: Box::new(input), count: int(n) }
    }

    fn project(input: Plan, items: Vec<(usize, Expr)>) -> Plan {
        Plan::Project { input: Box::new(input), items }
    }

    /// `(#0:P)-[#1:K]->(#2)`, then `#3` unwound from a list.
    fn expanded() -> Plan {
        let expand = Expand {
            from: 0,
            to: 2,
            to_bound: false,
            rel: 1,
            rel_bound: false,
            types: vec!["K".into()],
            direction: Direction::Outgoing,
            length: None,
            rel_properties: vec![],
            reversed: false,
        };
        let input = Plan::Expand { input: Box::new(scan(Plan::Unit, 0, "P")), expand };
        Plan::Unwind { input: Box::new(input), list: Expr::List(vec![int(1)]), slot: 3 }
    }

    #[test]
    fn a_limit_over_a_sort_becomes_a_top_n() {
        let keys = vec![prop(0, "age")];
        let before = limit(sort(scan(Plan::Unit, 0, "P"), keys.clone()), 5);
        assert_eq!(apply(before), top(scan(Plan::Unit, 0, "P"), keys.clone(), None, 5));
        let before = limit(skip(sort(scan(Plan::Unit, 0, "P"), keys.clone()), 2), 5);
        assert_eq!(apply(before), top(scan(Plan::Unit, 0, "P"), keys, Some(2), 5));
    }

    #[test]
    fn a_limit_or_skip_alone_stays() {
        let limited = limit(skip(scan(Plan::Unit, 0, "P"), 2), 5);
        assert_eq!(apply(limited.clone()), limited);
        let skipped = skip(sort(scan(Plan::Unit, 0, "P"), vec![prop(0, "age")]), 2);
        assert_eq!(apply(skipped.clone()), skipped);
    }

    #[test]
    fn items_the_keys_do_not_read_are_computed_after_the_top_n() {
        let items = vec![
            (4, prop(0, "name")),
            (5, prop(1, "since")),
            (6, Expr::Call("coalesce".into(), vec![prop(2, "a"), prop(2, "b")])),
            (7, prop(2, "age")),
        ];
        let keys = vec![Expr::Slot(7), prop(2, "id")];
        let before = limit(sort(project(expanded(), items.clone()), keys.clone()), 3);
        let after = project(
            top(project(expanded(), vec![items[3].clone()]), keys, None, 3),
            items[..3].to_vec(),
        );
        assert_eq!(apply(before), after);
    }

    #[test]
    fn nothing_moves_when_a_staying_item_reads_a_moving_one() {
        let items =
            vec![(4, prop(0, "name")), (5, op(crate::expr::BinaryOp::Add, Expr::Slot(4), int(1)))];
        let before = top(project(expanded(), items), vec![prop(0, "age")], None, 3);
        assert_eq!(apply(before.clone()), before);
    }

    #[test]
    fn items_that_may_fail_stay_below() {
        // `#3` is an unwound value (its property may be an error), `1 / #7` may divide by zero.
        let items = vec![
            (4, prop(3, "name")),
            (5, op(crate::expr::BinaryOp::Div, int(1), Expr::Slot(7))),
            (6, prop(0, "name")),
        ];
        let keys = vec![prop(0, "age")];
        let before = limit(sort(project(expanded(), items.clone()), keys.clone()), 3);
        let after = project(
            top(project(expanded(), items[..2].to_vec()), keys, None, 3),
            vec![items[2].clone()],
        );
        assert_eq!(apply(before), after);
    }
}
