//! Hash aggregation (`RETURN k, count(*)`, `WITH k, collect(x)`), streaming: each input batch
//! is folded into the groups as it arrives and dropped, so memory holds one accumulator set per
//! group, never the input. A 2-hop count over every node keeps one counter, not the product.
//!
//! Groups come out in the order their first row arrived. Without grouping keys there is
//! exactly one group, even for an empty input (`count(*)` of nothing is 0).
//!
//! Over a `HashJoin` whose right side the aggregation does not read, the input is the join's
//! left side and each left row is folded in as many times as it joins right rows
//! ([`JoinCounter`]); the joined rows are never built.

use namidb_query::expr::AggregateCall;
use namidb_query::Expr;
use namidb_value::{GroupKey, Value};
use rustc_hash::FxHashMap;

use super::hash_join::JoinCounter;
use super::{Operator, Row};
use crate::aggregate::Accumulator;
use crate::context::ExecContext;
use crate::error::Result;
use crate::eval::eval;

struct HashAggregate<'p> {
    input: Box<dyn Operator + 'p>,
    keys: &'p [(usize, Expr)],
    aggregates: &'p [(usize, AggregateCall)],
    /// Group number by key, numbered in order of first arrival (empty without keys: then
    /// everything is group 0).
    index: FxHashMap<Vec<GroupKey>, usize>,
    /// Each group's accumulators, by group number.
    groups: Vec<Vec<Accumulator>>,
    /// Over a counted join: each input row's weight.
    counter: Option<JoinCounter<'p>>,
    /// The row each group's row starts from: a subquery's outer row (`Argument`), whose
    /// variables the subquery's result rows carry on.
    base: Row,
    done: bool,
}

impl HashAggregate<'_> {
    fn accumulators(&self) -> Vec<Accumulator> {
        self.aggregates.iter().map(|(_, c)| Accumulator::new(c)).collect()
    }

    fn fold(&mut self, row: &Row, ctx: &ExecContext<'_>) -> Result<()> {
        let weight = match &mut self.counter {
            Some(counter) => counter.count(row, ctx)?,
            None => 1,
        };
        if weight == 0 {
            return Ok(());
        }
        let group = if self.keys.is_empty() {
            if self.groups.is_empty() {
                let accumulators = self.accumulators();
                self.groups.push(accumulators);
            }
            0
        } else {
            let key = self
                .keys
                .iter()
                .map(|(_, e)| eval(e, row, ctx).map(GroupKey))
                .collect::<Result<Vec<_>>>()?;
            let next = self.groups.len();
            let g = *self.index.entry(key).or_insert(next);
            if g == next {
                let accumulators = self.accumulators();
                self.groups.push(accumulators);
            }
            g
        };
        let accumulators = &mut self.groups[group];
        // `weight` equal rows: at once when every aggregate takes them so, else row by row
        // (each aggregate in turn, as separate rows would be).
        let at_once = weight == 1 || accumulators.iter().all(Accumulator::weighs_at_once);
        let mut kept = Vec::new();
        for ((_, call), acc) in self.aggregates.iter().zip(accumulators.iter_mut()) {
            let args = call.args.iter().map(|a| eval(a, row, ctx)).collect::<Result<Vec<_>>>()?;
            acc.add_weighted(&args, if at_once { weight } else { 1 })?;
            if !at_once {
                kept.push(args);
            }
        }
        let more = if at_once { 0 } else { weight - 1 };
        for _ in 0..more {
            for (args, acc) in kept.iter().zip(accumulators.iter_mut()) {
                acc.add(args)?;
            }
        }
        Ok(())
    }
}

impl Operator for HashAggregate<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if self.done {
            return Ok(None);
        }
        while let Some(batch) = self.input.next(ctx)? {
            for row in &batch {
                self.fold(row, ctx)?;
            }
        }
        self.done = true;
        if let Some(counter) = &self.counter {
            counter.report(ctx);
        }
        if self.keys.is_empty() && self.groups.is_empty() {
            let accumulators = self.accumulators();
            self.groups.push(accumulators);
        }
        // Keys in group order: group 0's is empty when there are no keys.
        let mut keys: Vec<Vec<GroupKey>> = vec![Vec::new(); self.groups.len()];
        for (key, g) in std::mem::take(&mut self.index) {
            keys[g] = key;
        }
        let key_slots: Vec<usize> = self.keys.iter().map(|(slot, _)| *slot).collect();
        let aggregate_slots: Vec<usize> = self.aggregates.iter().map(|(slot, _)| *slot).collect();
        let out: Vec<Row> = keys
            .into_iter()
            .zip(std::mem::take(&mut self.groups))
            .map(|(key, accs)| {
                group_row(ctx.width, &self.base, &key_slots, key, &aggregate_slots, accs)
            })
            .collect();
        Ok(Some(out).filter(|rows| !rows.is_empty()))
    }
}

/// The output row of one group: `base` (a subquery's outer row; empty at the top) with its key
/// values and finished aggregates in their slots.
pub(crate) fn group_row(
    width: usize,
    base: &[Value],
    key_slots: &[usize],
    key: Vec<GroupKey>,
    aggregate_slots: &[usize],
    accumulators: Vec<Accumulator>,
) -> Row {
    let mut row = base.to_vec();
    row.resize(width.max(row.len()), Value::Null);
    for (slot, GroupKey(v)) in key_slots.iter().zip(key) {
        row[*slot] = v;
    }
    for (slot, acc) in aggregate_slots.iter().zip(accumulators) {
        row[*slot] = acc.finish();
    }
    row
}

/// Groups the input by `keys` and computes `aggregates` per group, into their slots of rows
/// that start from `argument` (a subquery's outer row).
pub(crate) fn aggregate<'p>(
    input: Box<dyn Operator + 'p>,
    keys: &'p [(usize, Expr)],
    aggregates: &'p [(usize, AggregateCall)],
    argument: &Row,
) -> Box<dyn Operator + 'p> {
    Box::new(HashAggregate {
        input,
        keys,
        aggregates,
        index: FxHashMap::default(),
        groups: Vec::new(),
        counter: None,
        base: argument.clone(),
        done: false,
    })
}

/// The aggregation of `aggregate`, an `Aggregate` over a `HashJoin` that
/// [`namidb_query::counted_join::counts_join_matches`] accepts, folding the join's left rows (from `left`, its
/// operator) by how many right rows each joins (`argument`: a subquery's outer row).
pub(crate) fn over_counted_join<'p>(
    aggregate: &'p namidb_query::Plan,
    left: impl FnOnce(&'p namidb_query::Plan) -> Box<dyn Operator + 'p>,
    argument: &Row,
) -> Option<Box<dyn Operator + 'p>> {
    let namidb_query::Plan::Aggregate { input, keys, aggregates } = aggregate else { return None };
    let counter = JoinCounter::new(input, argument)?;
    let input = left(counter.left);
    Some(Box::new(HashAggregate {
        input,
        keys,
        aggregates,
        index: FxHashMap::default(),
        groups: Vec::new(),
        counter: Some(counter),
        base: argument.clone(),
        done: false,
    }))
}
