//! The pipelined executor: an aggregation, `DISTINCT`, `ORDER BY … LIMIT` or `OPTIONAL MATCH`
//! over a chain of expansions, filters and projections — or such a chain with a filter over a
//! label scan, whose rows feed a row operator ([`pipelinable_chain`]) — runs as one loop nest
//! over a [`GraphProjection`] — dense node indices, property columns, compressed sparse rows
//! per relationship type — instead of as operators passing rows.
//!
//! [`pipelinable`] wraps the row executor's operator: on its first call it checks whether the
//! plan can be pipelined ([`shape::shape`]), whether the statement is read-only so far (a
//! projection holds the snapshot, not the statement's own writes) and whether a projection at
//! the snapshot's LSN fits the cache's budget; if all hold it compiles and runs the pipeline,
//! otherwise it hands every call to the row operator built beside it. Either way the answer is
//! the same: a pipeline computes exactly what the rows would.
//!
//! A chain that starts from the rows of an input ([`shape::Start::Rows`]: a lookup, an
//! `UNWIND` of collected friends) runs that input on rows first. Its pipeline uses the
//! projection at the snapshot's LSN when one is built; building one costs a pass over every
//! node, which a handful of input rows may not repay, so a row-started chain builds it only
//! once row-started chains ran on rows for want of it, at that LSN, for as long as building
//! it is estimated to take (`ProjectionCache::get_after_deferrals`): a read-mostly workload
//! repeating its queries at one LSN soon has one, a write between every few reads never pays
//! for one. Without a pipeline, the chain runs on rows over the input's rows
//! already computed. An input of more than [`ROW_START_BUFFER`] rows is not buffered whole: its
//! chain streams on rows, as it would without pipelines.

mod cells;
mod column;
mod compile;
mod head_sum;
pub mod projection;
mod range_count;
mod row_sink;
mod run;
mod scan_fold;
mod seeds;
mod shape;
mod tail_memo;
mod var_expand;

use std::ptr;

use namidb_query::Plan;

use self::shape::Start;
use crate::context::ExecContext;
use crate::error::Result;
use crate::operators::hash_aggregate::group_row;
use crate::operators::{self, build, build_chain, build_end, count_of, Operator, Row};

pub use projection::ProjectionCache;

/// The most input rows a row-started chain buffers for a pipeline: a larger input streams
/// through the row operators instead, so memory stays bounded as it is on rows.
pub(crate) const ROW_START_BUFFER: usize = 1 << 16;

/// `plan`, an `Aggregate`, `Distinct`, `TopN` or `Optional` over `input` (with `argument` the
/// outer row of a subquery): pipelined when it can be, else on rows.
pub(crate) fn pipelinable<'p>(
    plan: &'p Plan,
    input: &'p Plan,
    argument: &Row,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    let shape = ctx.projections.and_then(|_| shape::shape(plan));
    let Some(shape) = shape else {
        return build_end(plan, build(input, argument, ctx), argument);
    };
    let source = match shape.start {
        Start::Scan { .. } => Source::Ready(build_end(plan, build(input, argument, ctx), argument)),
        Start::Rows(below) => Source::Rows { plan, input: build(below, argument, ctx) },
    };
    Box::new(Pipelined {
        shape: Some(shape),
        source,
        argument: argument.clone(),
        done: false,
        deferring: None,
        stepping: None,
    })
}

/// `plan`, the top of a filtered chain over a label scan ([`shape::chain_shape`]) whose row
/// operator is `rows`: pipelined, emitting the rows `rows` would, when the scan reads every
/// node of its labels and [`scan_projects`] holds; else `rows` itself.
pub(crate) fn pipelinable_chain<'p>(
    plan: &'p Plan,
    rows: Box<dyn Operator + 'p>,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    let Some(shape) = ctx.projections.and_then(|_| shape::chain_shape(plan)) else { return rows };
    let (Start::Scan { labels, .. }, Some(scan)) = (shape.start, shape.fused.first()) else {
        return rows;
    };
    if !operators::read::scans_whole_label(scan, ctx) || !scan_projects(labels, ctx) {
        return rows;
    }
    let source = Source::Ready(rows);
    Box::new(Pipelined {
        shape: Some(shape),
        source,
        // A chain emits its rows as they are; no group row is built.
        argument: Row::new(),
        done: false,
        deferring: None,
        stepping: None,
    })
}

/// Whether a label scan of `labels` is better read from the graph's projection: one is built
/// at the snapshot's LSN, or the scan covers at least a quarter of a graph of
/// [`PROJECTED_SCAN_NODES`] nodes or more and the statement has not written (decoding each
/// node's record for the scan costs more than building the projection, which copies encoded
/// properties, and the projection then serves every later statement at this LSN).
pub(crate) fn scan_projects(labels: &[String], ctx: &ExecContext<'_>) -> bool {
    if projection_built(ctx) {
        return true;
    }
    let statistics = ctx.graph.snapshot().statistics();
    statistics.nodes >= PROJECTED_SCAN_NODES
        && label_nodes(&statistics, labels).saturating_mul(4) >= statistics.nodes
        && !ctx.graph.has_writes()
}

/// Whether the statement reads a projection, or one of its snapshot's LSN is built.
pub(crate) fn projection_built(ctx: &ExecContext<'_>) -> bool {
    let lsn = ctx.graph.snapshot().lsn().get();
    ctx.graph.projection().is_some() || ctx.projections.is_some_and(|c| c.current(lsn).is_some())
}

/// The nodes with the first of `labels` (every node without labels), as `statistics` count.
pub(crate) fn label_nodes(statistics: &namidb_graph::GraphStatistics, labels: &[String]) -> u64 {
    match labels.first() {
        Some(label) => statistics.labels.get(label).copied().unwrap_or(0),
        None => statistics.nodes,
    }
}

/// The fewest nodes in a graph for a label scan to build a projection (a smaller graph's
/// scan is cheap on its own).
const PROJECTED_SCAN_NODES: u64 = 1 << 14;

/// What answers when the pipeline does not.
enum Source<'p> {
    /// The row executor's operators, ready to run.
    Ready(Box<dyn Operator + 'p>),
    /// A row-started chain: its input's operator, run first; the chain and `plan`'s own
    /// operator are built over its rows if the pipeline does not run.
    Rows { plan: &'p Plan, input: Box<dyn Operator + 'p> },
}

struct Pipelined<'p> {
    /// `None` once tried (then `source` answers unless `done`).
    shape: Option<shape::Shape<'p>>,
    source: Source<'p>,
    /// A subquery's outer row, which an aggregation's rows start from.
    argument: Row,
    done: bool,
    /// The LSN a row-started chain runs on rows at for want of a projection: the time its
    /// rows take counts towards building one ([`ProjectionCache::defer`]).
    deferring: Option<u64>,
    /// A `DISTINCT` or `OPTIONAL MATCH` pipeline handing out its rows a morsel at a time (its
    /// consumer may stop early, as it may with the row operator), with its input rows and
    /// fused operators.
    stepping: Option<Stepping<'p>>,
}

struct Stepping<'p> {
    pipeline: compile::Pipeline,
    run: run::Stepwise,
    input: Vec<Row>,
    fused: Vec<&'p Plan>,
    /// The top of a chain whose rows it emits (measured as the operator itself).
    emits: Option<&'p Plan>,
}

impl Operator for Pipelined<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if self.done {
            return Ok(None);
        }
        if let Some(s) = &mut self.stepping {
            let Some((rows, step_rows)) = s.pipeline.step(&mut s.run, &s.input, ctx)? else {
                self.done = true;
                return Ok(None);
            };
            if let Some(profiler) = ctx.profiler {
                // A chain's top is measured as the operator itself.
                let fused = s.fused.iter().rev().zip(step_rows.iter().rev());
                for (plan, rows) in fused.filter(|(p, _)| !s.emits.is_some_and(|e| ptr::eq(**p, e)))
                {
                    profiler.add_rows(plan, *rows);
                }
            }
            return Ok(Some(rows).filter(|rows| !rows.is_empty()));
        }
        let Some(shape) = self.shape.take() else { return self.on_rows(ctx) };
        // `SKIP` and `LIMIT` are evaluated first, as the row operator does; `LIMIT 0` reads
        // nothing (the chain does not write).
        let mut bounds = (0, 0);
        if let Some(Plan::TopN { skip, limit, .. }) = shape.emits {
            bounds.1 = count_of(limit, ctx, "LIMIT")?;
            if bounds.1 == 0 {
                self.done = true;
                return Ok(None);
            }
            if let Some(skip) = skip {
                bounds.0 = count_of(skip, ctx, "SKIP")?;
            }
        }
        // A row start buffers its input; past the buffer's bound the chain streams on rows.
        let mut input = Vec::new();
        if let Source::Rows { input: rows_of, .. } = &mut self.source {
            while let Some(batch) = rows_of.next(ctx)? {
                input.extend(batch);
                if input.len() > ROW_START_BUFFER {
                    break;
                }
            }
        }
        let streams = input.len() > ROW_START_BUFFER;
        let pipeline = if streams { None } else { prepare(&shape, &input, bounds, ctx)? };
        if let Some(pipeline) = pipeline {
            if !matches!(shape.emits, None | Some(Plan::TopN { .. })) {
                let chain = shape.emits.filter(|e| {
                    matches!(e, Plan::Filter { .. } | Plan::Project { .. } | Plan::Expand { .. })
                });
                if let Some(cache) = ctx.projections {
                    cache.count_pipelined(chain.is_some());
                }
                let run = pipeline.stepwise();
                let fused = shape.fused;
                // A chain's scan: its nodes, before the steps' rows come in.
                if let (Some(profiler), Some(_), Some(scan)) = (ctx.profiler, chain, fused.first())
                {
                    profiler.add_rows(scan, pipeline.seeds.len() as u64);
                }
                self.stepping = Some(Stepping { pipeline, run, input, fused, emits: chain });
                return self.next(ctx);
            }
            let out = run_pipelined(&shape, &pipeline, &input, &self.argument, ctx)?;
            self.done = true;
            return Ok(Some(out).filter(|rows| !rows.is_empty()));
        }
        let source =
            std::mem::replace(&mut self.source, Source::Ready(operators::rows(Vec::new())));
        self.source = match source {
            Source::Rows { plan, input: rest } => {
                // The rows read, then (past the buffer's bound) the rest of the input.
                let rows = operators::rows_then(input, streams.then_some(rest));
                // An `OPTIONAL MATCH`'s chain is inside it; any other's is below it.
                let below = match plan {
                    Plan::Optional { .. } => rows,
                    _ => build_chain(&shape.fused, rows, ctx),
                };
                Source::Ready(build_end(plan, below, &self.argument))
            }
            ready => ready,
        };
        if matches!(shape.start, Start::Rows(_)) && !streams {
            self.deferring = Some(ctx.graph.snapshot().lsn().get());
        }
        self.on_rows(ctx)
    }
}

impl Pipelined<'_> {
    /// The next rows of the row operators (timed when they stand in for a missing projection).
    fn on_rows(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        let started = self.deferring.map(|_| std::time::Instant::now());
        let out = match &mut self.source {
            Source::Ready(rows) => rows.next(ctx),
            // Not reached: a row-started source is replaced by the chain over its rows.
            Source::Rows { .. } => Ok(None),
        };
        if let (Some(lsn), Some(started), Some(cache)) = (self.deferring, started, ctx.projections)
        {
            cache.defer(lsn, started.elapsed());
        }
        out
    }
}

/// The pipeline of `shape` (over `input`, the rows of a row-started chain's input; `bounds` a
/// `TopN`'s `SKIP` and `LIMIT`); `None` when it cannot run pipelined.
fn prepare(
    shape: &shape::Shape<'_>,
    input: &[Row],
    bounds: (usize, usize),
    ctx: &ExecContext<'_>,
) -> Result<Option<compile::Pipeline>> {
    let Some(cache) = ctx.projections else { return Ok(None) };
    if ctx.graph.has_writes() {
        return Ok(None);
    }
    let projection = match shape.start {
        Start::Scan { .. } => cache.get(ctx.graph)?,
        Start::Rows(_) => cache.get_after_deferrals(ctx.graph)?,
    };
    let Some(projection) = projection else { return Ok(None) };
    let Some(pipeline) = compile::compile(shape, input, bounds, &projection, ctx)? else {
        return Ok(None);
    };
    if !cache.fits(&projection) {
        return Ok(None);
    }
    ctx.graph.use_projection(&projection);
    Ok(Some(pipeline))
}

/// The cores a pipeline may use, asked of the system once: on Linux the answer reads cgroup
/// files, several system calls that would otherwise cost every statement tens of microseconds.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The output rows of `pipeline`, compiled from `shape`, run over `input` on every core.
fn run_pipelined(
    shape: &shape::Shape<'_>,
    pipeline: &compile::Pipeline,
    input: &[Row],
    argument: &Row,
    ctx: &ExecContext<'_>,
) -> Result<Vec<Row>> {
    let groups = pipeline.run(input, cores(), ctx)?;
    if let Some(cache) = ctx.projections {
        cache.count_pipelined(false);
    }
    if let Some(profiler) = ctx.profiler {
        // The fused operators' rows; their time and traffic are the pipelined operator's.
        let seeds = match shape.start {
            Start::Scan { .. } => Some(pipeline.seeds.len() as u64),
            Start::Rows(_) => None,
        };
        let rows = seeds.into_iter().chain(groups.step_rows.iter().copied());
        for (plan, rows) in shape.fused.iter().zip(rows) {
            profiler.add_rows(plan, rows);
        }
    }
    if let Some(sink) = &pipeline.row_sink {
        return Ok(groups.emitted.finish(sink));
    }
    let key_slots: Vec<usize> = pipeline.keys.iter().map(|(slot, _)| *slot).collect();
    let aggregate_slots: Vec<usize> = pipeline.aggregates.iter().map(|a| a.slot).collect();
    let out = groups
        .keys
        .into_iter()
        .zip(groups.accumulators)
        .map(|(key, accs)| group_row(ctx.width, argument, &key_slots, key, &aggregate_slots, accs))
        .collect();
    Ok(out)
}
