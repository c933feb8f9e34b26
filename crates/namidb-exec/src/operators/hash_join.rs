//! `HashJoin`: each left row joined with the right rows whose keys equal its keys.
//!
//! The right side runs once, when the first left row arrives (an empty left side never runs
//! it), and its rows are kept with their keys in a table by [`join_hash`]. A right row whose key
//! equals nothing (null, NaN, or a list or map holding one) is not kept. Each left row then
//! evaluates its keys (not at all when the right side yielded no row) and takes the rows of its bucket
//! whose keys are `=` to its own, in right-side order: the rows a nested loop under the filter
//! `l = r` would yield, in the same order.
//!
//! Under an aggregation that reads nothing the right side binds
//! ([`namidb_query::counted_join::counts_join_matches`]), the joined
//! rows need not be built: a [`JoinCounter`] gives each left row the number of right rows it
//! joins, and the aggregation folds the left row in that many times
//! ([`crate::aggregate::Accumulator::add_weighted`]). A fan-out of `n × m` pairs then costs
//! `n + m` rows.

use std::hash::Hasher;

use namidb_query::{Expr, Plan};
use namidb_value::compare::equals;
use namidb_value::join_hash::join_hash;
use namidb_value::Value;
use rustc_hash::{FxHashMap, FxHasher};

use super::{build, flat_map, Operator, Row};
use crate::context::ExecContext;
use crate::error::Result;
use crate::eval::eval;

/// The right side, built: its rows, their keys, and the rows of each hash (in order).
struct Table {
    rows: Vec<(Vec<Value>, Row)>,
    buckets: FxHashMap<u64, Vec<usize>>,
    /// Whether the right side yielded any row (kept or not): then the left keys are computed,
    /// as the nested loop computed them against every right row.
    any_rows: bool,
}

impl Table {
    fn build(
        plan: &Plan,
        keys: &[(Expr, Expr)],
        argument: &Row,
        ctx: &ExecContext<'_>,
    ) -> Result<Table> {
        let mut table = Table { rows: Vec::new(), buckets: FxHashMap::default(), any_rows: false };
        let mut op = build(plan, argument, ctx);
        while let Some(batch) = op.next(ctx)? {
            for row in batch {
                table.any_rows = true;
                let values =
                    keys.iter().map(|(_, r)| eval(r, &row, ctx)).collect::<Result<Vec<_>>>()?;
                if let Some(hash) = hash_of(&values) {
                    table.buckets.entry(hash).or_default().push(table.rows.len());
                    table.rows.push((values, row));
                }
            }
        }
        Ok(table)
    }

    /// Per hash, the kept rows grouped by identical keys (`Value`'s own equality: a left key
    /// is `=` to all of a group's keys or to none): the first row's index and the group's size.
    fn key_groups(&self) -> KeyGroups {
        let mut groups = KeyGroups::default();
        for (&hash, rows) in &self.buckets {
            let bucket = groups.entry(hash).or_default();
            for &i in rows {
                let keys = &self.rows[i].0;
                match bucket.iter_mut().find(|(first, _)| self.rows[*first].0 == *keys) {
                    Some((_, n)) => *n += 1,
                    None => bucket.push((i, 1)),
                }
            }
        }
        groups
    }

    /// The kept right rows whose keys are `=` to `values` (a left row's keys), in order.
    fn matching<'t>(&'t self, values: &'t [Value]) -> impl Iterator<Item = &'t Row> + 't {
        let bucket = hash_of(values).and_then(|h| self.buckets.get(&h));
        bucket.into_iter().flatten().filter_map(move |&i| {
            let (right_values, right_row) = &self.rows[i];
            keys_equal(values, right_values).then_some(right_row)
        })
    }
}

/// Per hash, groups of right rows with identical keys: the first row's index, the group's size.
type KeyGroups = FxHashMap<u64, Vec<(usize, u64)>>;

/// Whether every left key is `=` to its right key.
fn keys_equal(left: &[Value], right: &[Value]) -> bool {
    left.iter().zip(right).all(|(l, r)| equals(l, r) == Some(true))
}

/// The join hash of a row's keys (computed per row on both sides: the fast hasher, as the
/// rest of the executor uses); `None` when one of them equals nothing.
fn hash_of(values: &[Value]) -> Option<u64> {
    let mut state = FxHasher::default();
    values.iter().all(|v| join_hash(v, &mut state)).then(|| state.finish())
}

pub(crate) fn hash_join<'p>(
    left: Box<dyn Operator + 'p>,
    right: &'p Plan,
    keys: &'p [(Expr, Expr)],
    right_slots: &'p [usize],
    argument: &Row,
) -> Box<dyn Operator + 'p> {
    let argument = argument.clone();
    let mut table: Option<Table> = None;
    flat_map(
        left,
        Box::new(move |row, ctx, out| {
            let table = match &mut table {
                Some(table) => table,
                None => table.insert(Table::build(right, keys, &argument, ctx)?),
            };
            if !table.any_rows {
                return Ok(());
            }
            let values =
                keys.iter().map(|(l, _)| eval(l, &row, ctx)).collect::<Result<Vec<_>>>()?;
            for right_row in table.matching(&values) {
                let mut joined = row.clone();
                for &slot in right_slots {
                    if let (Some(to), Some(from)) = (joined.get_mut(slot), right_row.get(slot)) {
                        *to = from.clone();
                    }
                }
                out.push(joined);
            }
            Ok(())
        }),
    )
}

/// The number of right rows of a `HashJoin` each left row joins (see the module docs).
pub(crate) struct JoinCounter<'p> {
    join: &'p Plan,
    /// The join's left side.
    pub(crate) left: &'p Plan,
    right: &'p Plan,
    keys: &'p [(Expr, Expr)],
    argument: Row,
    /// The right side and its [`Table::key_groups`].
    table: Option<(Table, KeyGroups)>,
    /// Joined rows counted so far (the join's rows under PROFILE).
    joined: u64,
}

impl<'p> JoinCounter<'p> {
    /// The counter of `join`, a `HashJoin` (`argument`: the outer row of a subquery).
    pub(crate) fn new(join: &'p Plan, argument: &Row) -> Option<JoinCounter<'p>> {
        let Plan::HashJoin { left, right, keys, .. } = join else { return None };
        let argument = argument.clone();
        Some(JoinCounter { join, left, right, keys, argument, table: None, joined: 0 })
    }

    /// How many right rows `row`, a left row, joins: the rows the join would build from it.
    pub(crate) fn count(&mut self, row: &Row, ctx: &ExecContext<'_>) -> Result<u64> {
        let (table, groups) = match &mut self.table {
            Some(built) => built,
            None => {
                let table = Table::build(self.right, self.keys, &self.argument, ctx)?;
                let groups = table.key_groups();
                self.table.insert((table, groups))
            }
        };
        if !table.any_rows {
            return Ok(0);
        }
        let values =
            self.keys.iter().map(|(l, _)| eval(l, row, ctx)).collect::<Result<Vec<_>>>()?;
        let Some(bucket) = hash_of(&values).and_then(|h| groups.get(&h)) else { return Ok(0) };
        let n = bucket
            .iter()
            .filter(|(first, _)| keys_equal(&values, &table.rows[*first].0))
            .map(|(_, n)| n)
            .sum();
        self.joined += n;
        Ok(n)
    }

    /// Reports the joined rows counted to the profiler, if any.
    pub(crate) fn report(&self, ctx: &ExecContext<'_>) {
        if let Some(profiler) = ctx.profiler {
            profiler.add_rows(self.join, self.joined);
        }
    }
}
