//! Which aggregations count a hash join's matches instead of building the joined rows.
//!
//! An `Aggregate` directly over a `HashJoin` whose keys and arguments read nothing the join's
//! right side binds sees each left row once per right row it joins, unchanged. The executor
//! then never builds those rows: it gives each left row its number of matches and folds it in
//! that many times. `EXPLAIN` marks such a join `counted`. The test lives here, beside the
//! plan, so the plan printed and the plan run agree.

use crate::expr::{AggregateCall, Expr};
use crate::optimize::{slots_read, visit_children};
use crate::plan::Plan;

/// Whether an aggregation with `keys` and `aggregates` over `input` counts its join's matches:
/// `input` is a `HashJoin`, and no key or argument reads a slot its right side binds, holds a
/// subquery, or calls `rand()` (a joined row's value would differ from its left row's).
pub fn counts_join_matches(
    input: &Plan,
    keys: &[(usize, Expr)],
    aggregates: &[(usize, AggregateCall)],
) -> bool {
    let Plan::HashJoin { right_slots, .. } = input else { return false };
    let mut exprs = keys.iter().map(|(_, e)| e).chain(aggregates.iter().flat_map(|(_, c)| &c.args));
    exprs.all(|e| {
        slots_read(e).is_some_and(|read| read.iter().all(|s| !right_slots.contains(s)))
            && !calls_rand(e)
    })
}

fn calls_rand(e: &Expr) -> bool {
    let mut found = matches!(e, Expr::Call(name, _) if name.eq_ignore_ascii_case("rand"));
    visit_children(e, &mut |child| found |= calls_rand(child));
    found
}
