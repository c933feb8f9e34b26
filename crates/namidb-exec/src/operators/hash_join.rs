//! `HashJoin`: each left row joined with the right rows whose keys equal its keys.
//!
//! The right side runs once, when the first left row arrives (an empty left side never runs
//! it), and its rows are kept with their keys in a table by [`join_hash`]. A right row whose key
//! equals nothing (null, NaN, or a list or map holding one) is not kept. Each left row then
//! evaluates its keys (not at all when the right side yielded no row) and takes the rows of its bucket
//! whose keys are `=` to its own, in right-side order: the rows a nested loop under the filter
//! `l = r` would yield, in the same order.

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
            let Some(matches) = hash_of(&values).and_then(|h| table.buckets.get(&h)) else {
                return Ok(());
            };
            for &i in matches {
                let (right_values, right_row) = &table.rows[i];
                if values.iter().zip(right_values).all(|(l, r)| equals(l, r) == Some(true)) {
                    let mut joined = row.clone();
                    for &slot in right_slots {
                        if let (Some(to), Some(from)) = (joined.get_mut(slot), right_row.get(slot))
                        {
                            *to = from.clone();
                        }
                    }
                    out.push(joined);
                }
            }
            Ok(())
        }),
    )
}
