//! The pipelined executor: an aggregation over a chain of scans, one-hop expansions, filters
//! and projections runs as one loop nest over a [`GraphProjection`] — dense node indices,
//! property columns, compressed sparse rows per relationship type — on every core, instead of
//! as operators passing rows.
//!
//! [`aggregate`] wraps the row executor's aggregation: on its first call it checks whether the
//! plan can be pipelined ([`compile::shape`]), whether the statement is read-only so far (a
//! projection holds the snapshot, not the statement's own writes) and whether a projection at
//! the snapshot's LSN fits the cache's budget; if all hold it compiles and runs the pipeline,
//! otherwise it hands every call to the row operator built beside it. Either way the answer is
//! the same: a pipeline computes exactly what the rows would.

mod cells;
mod column;
mod compile;
pub mod projection;
mod run;
mod tail_memo;
mod var_expand;

use namidb_query::Plan;

use crate::context::ExecContext;
use crate::error::Result;
use crate::operators::hash_aggregate::group_row;
use crate::operators::{Operator, Row};

pub use projection::ProjectionCache;

/// The aggregation of `plan`: pipelined when it can be, else `rows`.
pub(crate) fn aggregate<'p>(
    plan: &'p Plan,
    rows: Box<dyn Operator + 'p>,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    match (compile::shape(plan), ctx.projections) {
        (Some(shape), Some(_)) => Box::new(Pipelined { shape: Some(shape), rows, done: false }),
        _ => rows,
    }
}

struct Pipelined<'p> {
    /// `None` once decided against (then `rows` answers).
    shape: Option<compile::Shape<'p>>,
    rows: Box<dyn Operator + 'p>,
    done: bool,
}

impl Operator for Pipelined<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if self.done {
            return Ok(None);
        }
        let Some(shape) = self.shape.take() else { return self.rows.next(ctx) };
        let Some(out) = run_pipelined(&shape, ctx)? else { return self.rows.next(ctx) };
        self.done = true;
        Ok(Some(out).filter(|rows| !rows.is_empty()))
    }
}

/// The output rows of the pipelined `shape`, or `None` when it cannot run pipelined.
fn run_pipelined(shape: &compile::Shape<'_>, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
    let Some(cache) = ctx.projections else { return Ok(None) };
    if ctx.graph.has_writes() {
        return Ok(None);
    }
    let Some(projection) = cache.get(ctx.graph)? else { return Ok(None) };
    let Some(pipeline) = compile::compile(shape, &projection, ctx)? else { return Ok(None) };
    if !cache.fits(&projection) {
        return Ok(None);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let groups = pipeline.run(threads, ctx)?;
    cache.count_pipelined();
    if let Some(profiler) = ctx.profiler {
        // The fused operators' rows; their time and traffic are the aggregation's.
        let rows =
            std::iter::once(pipeline.starts.len() as u64).chain(groups.step_rows.iter().copied());
        for (plan, rows) in shape.fused.iter().zip(rows) {
            profiler.add_rows(plan, rows);
        }
    }
    let key_slots: Vec<usize> = pipeline.keys.iter().map(|(slot, _)| *slot).collect();
    let aggregate_slots: Vec<usize> = pipeline.aggregates.iter().map(|a| a.slot).collect();
    let out = groups
        .keys
        .into_iter()
        .zip(groups.accumulators)
        .map(|(key, accs)| group_row(ctx.width, &key_slots, key, &aggregate_slots, accs))
        .collect();
    Ok(Some(out))
}
