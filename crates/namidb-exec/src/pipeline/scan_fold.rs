//! Label scans folded without walks (see [`range_count::scan_tests`]): a morsel of start
//! nodes that pass the scan's entry tests is folded in one loop — counted, grouped by one
//! integer property of the start node (runs of one key reuse its group), or, for integer
//! `count`/`sum`/`avg`/`min`/`max`, folded a block of values at a time when that is exact
//! ([`Accumulator::add_int_block`]).

use namidb_query::expr::AggregateFunction;

use super::compile::{PExpr, Pipeline};
use super::range_count;
use super::run::{Groups, Walk};
use crate::aggregate::Accumulator;
use crate::context::ExecContext;
use crate::error::Result;

impl Pipeline {
    /// Folds the label scan's start nodes `starts` that pass `tests` into the one group (see
    /// [`range_count::scan_tests`]): counted in one loop when every aggregate is `count(*)`,
    /// else each passing node folded into the one group as a tuple is (no walk: every step is a
    /// filter the tests stand for).
    pub(super) fn fold_scan(
        &self,
        tests: &[range_count::EntryTest],
        starts: &[u32],
        slot: usize,
        walk: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let counts_only = self.aggregates.iter().all(|a| a.args.is_empty());
        if let [(_, key)] = self.keys.as_slice() {
            return self.fold_scan_by_int(tests, starts, slot, key, counts_only, walk, groups, ctx);
        }
        if counts_only {
            walk.pending += range_count::count_nodes(tests, starts) as i64;
            return Ok(());
        }
        let g = self.group_of(walk, groups, ctx)?;
        if self.fold_int_blocks(tests, starts, &mut groups.accumulators[g]) {
            return Ok(());
        }
        for &node in starts {
            if range_count::passes(tests, 0, 0, node) {
                walk.tuple[slot] = u64::from(node);
                self.fold_into(&mut groups.accumulators[g], walk, ctx)?;
            }
        }
        Ok(())
    }

    /// Folds the start nodes `starts` that pass `tests` into `group` in one pass that tests
    /// each node once and keeps, per aggregate, the count, sum, sum of magnitudes, least and
    /// greatest of its integer column ([`Accumulator::add_int_block`]); `false`, with `group`
    /// untouched, when some aggregate cannot take its block at once.
    fn fold_int_blocks(
        &self,
        tests: &[range_count::EntryTest],
        starts: &[u32],
        group: &mut [Accumulator],
    ) -> bool {
        // Each aggregate's integer column (`None` for `count(*)`).
        let mut columns = Vec::with_capacity(self.aggregates.len());
        for aggregate in &self.aggregates {
            columns.push(match aggregate.args.as_slice() {
                [] => None,
                [PExpr::NodeProperty(_, column)] => match column.ints() {
                    Some(ints) => Some(ints),
                    None => return false,
                },
                _ => return false,
            });
        }
        let mut blocks = vec![IntBlock::default(); columns.len()];
        for &node in starts {
            if !range_count::passes(tests, 0, 0, node) {
                continue;
            }
            for (block, ints) in blocks.iter_mut().zip(&columns) {
                match ints {
                    None => block.count += 1,
                    Some(ints) => {
                        if let Some(i) = ints.get(node as usize) {
                            block.add(i);
                        }
                    }
                }
            }
        }
        let mut trial = group.to_vec();
        let taken = trial.iter_mut().zip(blocks).all(|(acc, b)| match acc.function() {
            AggregateFunction::CountStar => {
                acc.add_count(b.count);
                true
            }
            _ => acc.add_int_block(b.count, b.sum, b.magnitude, b.least, b.greatest),
        });
        if taken {
            group.clone_from_slice(&trial);
        }
        taken
    }

    /// [`Pipeline::fold_scan`] grouped by `key`, an integer property of the start node: runs
    /// of one key reuse its group, and `count(*)`s are added per group once per morsel.
    #[allow(clippy::too_many_arguments)]
    fn fold_scan_by_int(
        &self,
        tests: &[range_count::EntryTest],
        starts: &[u32],
        slot: usize,
        key: &PExpr,
        counts_only: bool,
        walk: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let mut counts: Vec<i64> = Vec::new();
        let mut last: Option<(Option<i64>, usize)> = None;
        for &node in starts {
            if !range_count::passes(tests, 0, 0, node) {
                continue;
            }
            walk.tuple[slot] = u64::from(node);
            let value = self.int(key, walk);
            let g = match last {
                Some((v, g)) if v == value => g,
                _ => {
                    let g = self.group_of(walk, groups, ctx)?;
                    last = Some((value, g));
                    g
                }
            };
            if counts_only {
                if counts.len() <= g {
                    counts.resize(g + 1, 0);
                }
                counts[g] += 1;
            } else {
                self.fold_into(&mut groups.accumulators[g], walk, ctx)?;
            }
        }
        for (g, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            groups.accumulators[g].iter_mut().for_each(|acc| acc.add_count(n));
        }
        Ok(())
    }
}

/// What a block fold keeps of one aggregate's integer values (of `count(*)`, only the count).
#[derive(Clone, Copy)]
struct IntBlock {
    count: i64,
    sum: i128,
    magnitude: i128,
    least: i64,
    greatest: i64,
}

impl Default for IntBlock {
    fn default() -> Self {
        IntBlock { count: 0, sum: 0, magnitude: 0, least: i64::MAX, greatest: i64::MIN }
    }
}

impl IntBlock {
    fn add(&mut self, i: i64) {
        self.count += 1;
        self.sum += i128::from(i);
        self.magnitude += i128::from(i).abs();
        self.least = self.least.min(i);
        self.greatest = self.greatest.max(i);
    }
}
