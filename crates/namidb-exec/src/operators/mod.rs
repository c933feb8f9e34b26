//! The executor: each plan operator becomes a pull-based operator yielding batches of rows.
//!
//! Row-at-a-time logic (scans, expansions, unwinding, subqueries) is written as a *flat map*
//! from one input row to its output rows, buffered into batches of [`BATCH_ROWS`]; blocking
//! operators (sort, the updating clauses, which must see every input row before writing so a
//! statement never reads what it is creating) drain their input first. Aggregation consumes
//! its input batch by batch, keeping only the groups (`hash_aggregate`).

pub(crate) mod hash_aggregate;
mod hash_join;
pub(crate) mod read;
mod relational;
mod semi_join;
mod shortest;
mod top_n;
mod write;

pub(crate) use relational::{compare_keys, count_of};

use std::collections::VecDeque;

use namidb_query::expr::SubqueryKind;
use namidb_query::Plan;
use namidb_value::Value;

use crate::context::ExecContext;
use crate::error::Result;
use crate::profile::measured;

/// A row: one value per slot.
pub type Row = Vec<Value>;

/// Rows per batch.
pub const BATCH_ROWS: usize = 1024;

/// A pull-based operator.
pub(crate) trait Operator {
    /// The next batch, or `None` when exhausted. Batches are never empty.
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>>;
}

type RowFn<'p> = Box<dyn FnMut(Row, &ExecContext<'_>, &mut Vec<Row>) -> Result<()> + 'p>;

/// Applies a function to each input row, collecting its output rows into batches.
struct FlatMap<'p> {
    input: Box<dyn Operator + 'p>,
    f: RowFn<'p>,
    /// What `f` produced for the current input row.
    out: Vec<Row>,
    /// Produced rows not yet handed out (a queue: taking a batch off the front moves nothing
    /// else, however large one input batch's output was).
    pending: VecDeque<Row>,
    done: bool,
}

impl Operator for FlatMap<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        while self.pending.len() < BATCH_ROWS && !self.done {
            match self.input.next(ctx)? {
                None => self.done = true,
                Some(batch) => {
                    for row in batch {
                        (self.f)(row, ctx, &mut self.out)?;
                        self.pending.extend(self.out.drain(..));
                    }
                }
            }
        }
        if self.pending.is_empty() {
            return Ok(None);
        }
        let take = self.pending.len().min(BATCH_ROWS);
        Ok(Some(self.pending.drain(..take).collect()))
    }
}

pub(crate) fn flat_map<'p>(input: Box<dyn Operator + 'p>, f: RowFn<'p>) -> Box<dyn Operator + 'p> {
    Box::new(FlatMap { input, f, out: Vec::new(), pending: VecDeque::new(), done: false })
}

/// Yields given rows once.
struct Rows {
    rows: Option<Vec<Row>>,
}

impl Operator for Rows {
    fn next(&mut self, _ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        Ok(self.rows.take().filter(|r| !r.is_empty()))
    }
}

pub(crate) fn rows<'p>(rows: Vec<Row>) -> Box<dyn Operator + 'p> {
    Box::new(Rows { rows: Some(rows) })
}

/// Yields `first`, then the rows of `rest` (if any).
struct RowsThen<'p> {
    first: Option<Vec<Row>>,
    rest: Option<Box<dyn Operator + 'p>>,
}

impl Operator for RowsThen<'_> {
    fn next(&mut self, ctx: &ExecContext<'_>) -> Result<Option<Vec<Row>>> {
        if let Some(first) = self.first.take().filter(|r| !r.is_empty()) {
            return Ok(Some(first));
        }
        match &mut self.rest {
            Some(rest) => rest.next(ctx),
            None => Ok(None),
        }
    }
}

pub(crate) fn rows_then<'p>(
    first: Vec<Row>,
    rest: Option<Box<dyn Operator + 'p>>,
) -> Box<dyn Operator + 'p> {
    Box::new(RowsThen { first: Some(first), rest })
}

/// Builds the operator for `plan` (measured when `ctx` is profiled); `argument` is the outer
/// row of a subquery.
pub(crate) fn build<'p>(
    plan: &'p Plan,
    argument: &Row,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    let width = ctx.width;
    let sub = |p: &'p Plan| build(p, argument, ctx);
    let op = match plan {
        Plan::Unit => rows(vec![vec![Value::Null; width]]),
        Plan::Argument => {
            let mut row = argument.clone();
            row.resize(width.max(row.len()), Value::Null);
            rows(vec![row])
        }
        Plan::NodeScan { input, slot, labels } => read::node_scan(sub(input), *slot, labels),
        Plan::NodeByProperty { input, slot, labels, property, value, any_of } => {
            read::node_by_property(sub(input), *slot, labels, property, value, *any_of)
        }
        Plan::NodeById { input, slot, id, labels } => {
            read::node_by_id(sub(input), *slot, id, labels)
        }
        Plan::Expand { input, expand } => {
            crate::pipeline::pipelinable_chain(plan, read::expand(sub(input), expand), ctx)
        }
        Plan::ShortestPath { input, expand, path, all } => {
            shortest::shortest_path(sub(input), expand, *path, *all)
        }
        Plan::Filter { input, predicate } => {
            crate::pipeline::pipelinable_chain(plan, relational::filter(sub(input), predicate), ctx)
        }
        Plan::Project { input, items } => {
            crate::pipeline::pipelinable_chain(plan, relational::project(sub(input), items), ctx)
        }
        Plan::Aggregate { input, keys, aggregates }
            if namidb_query::counted_join::counts_join_matches(input, keys, aggregates) =>
        {
            match hash_aggregate::over_counted_join(plan, sub, argument) {
                Some(op) => op,
                None => crate::pipeline::pipelinable(plan, input, argument, ctx),
            }
        }
        Plan::Aggregate { input, .. } | Plan::Distinct { input, .. } | Plan::TopN { input, .. } => {
            crate::pipeline::pipelinable(plan, input, argument, ctx)
        }
        Plan::Sort { input, keys } => relational::sort(sub(input), keys),
        Plan::Skip { input, count } => relational::skip_limit(sub(input), count, true, false),
        Plan::Limit { input, count } => {
            relational::skip_limit(sub(input), count, false, input.writes())
        }
        Plan::Unwind { input, list, slot } => relational::unwind(sub(input), list, *slot),
        Plan::Optional { input, .. } => crate::pipeline::pipelinable(plan, input, argument, ctx),
        Plan::Apply { input, inner } => relational::apply(sub(input), inner, false),
        Plan::Union { left, right, all } => relational::union(left, right, *all, argument, ctx),
        Plan::HashJoin { left, right, keys, right_slots } => {
            hash_join::hash_join(sub(left), right, keys, right_slots, argument)
        }
        Plan::SemiJoin { input, build: build_side, subquery, key, anti } => {
            semi_join::semi_join(sub(input), build_side, subquery, *key, *anti, argument)
        }
        Plan::Produce { input, columns } => relational::produce(sub(input), columns),
        Plan::ProcedureCall { input, name, args, yields, void } => {
            relational::procedure_call(sub(input), name, args, yields, *void)
        }
        Plan::Create { input, .. }
        | Plan::Merge { input, .. }
        | Plan::SetItems { input, .. }
        | Plan::Delete { input, .. }
        | Plan::Foreach { input, .. } => write::build(plan, sub(input)),
    };
    measured(plan, op, ctx)
}

/// The row operators of `chain` (expansions, filters and projections, bottom up, each the
/// input of the next, as [`crate::pipeline`] fuses them) over `source`, which yields the rows
/// of the first one's input. (Any other operator in `chain` is passed over.)
pub(crate) fn build_chain<'p>(
    chain: &[&'p Plan],
    source: Box<dyn Operator + 'p>,
    ctx: &ExecContext<'_>,
) -> Box<dyn Operator + 'p> {
    chain.iter().fold(source, |op, plan| {
        let op = match plan {
            Plan::Expand { expand, .. } => read::expand(op, expand),
            Plan::Filter { predicate, .. } => relational::filter(op, predicate),
            Plan::Project { items, .. } => relational::project(op, items),
            _ => op,
        };
        measured(plan, op, ctx)
    })
}

/// The row operator of `plan`, an `Aggregate`, `Distinct`, `TopN` or `Optional`, over `input`
/// (the operator of its input; `argument`: a subquery's outer row). (Any other plan is passed
/// over.)
pub(crate) fn build_end<'p>(
    plan: &'p Plan,
    input: Box<dyn Operator + 'p>,
    argument: &Row,
) -> Box<dyn Operator + 'p> {
    match plan {
        Plan::Aggregate { keys, aggregates, .. } => {
            hash_aggregate::aggregate(input, keys, aggregates, argument)
        }
        Plan::Distinct { slots, .. } => relational::distinct(input, Some(slots)),
        Plan::TopN { input: below, keys, skip, limit } => {
            top_n::top_n(input, keys, skip.as_ref(), limit, below.writes())
        }
        Plan::Optional { inner, .. } => relational::apply(input, inner, true),
        _ => input,
    }
}

/// Runs `plan` with `argument` to the end.
pub(crate) fn drain(plan: &Plan, argument: &Row, ctx: &ExecContext<'_>) -> Result<Vec<Row>> {
    let mut op = build(plan, argument, ctx);
    let mut out = Vec::new();
    while let Some(batch) = op.next(ctx)? {
        out.extend(batch);
    }
    Ok(out)
}

/// Evaluates a subquery expression for `row`.
pub(crate) fn run_subquery(
    plan: &Plan,
    kind: &SubqueryKind,
    row: &[Value],
    ctx: &ExecContext<'_>,
) -> Result<Value> {
    let argument = row.to_vec();
    let mut op = build(plan, &argument, ctx);
    match kind {
        SubqueryKind::Exists => Ok(Value::Bool(op.next(ctx)?.is_some())),
        SubqueryKind::Count => {
            let mut n = 0i64;
            while let Some(batch) = op.next(ctx)? {
                n += batch.len() as i64;
            }
            Ok(Value::Int(n))
        }
        SubqueryKind::Collect(slot) => {
            let mut out = Vec::new();
            while let Some(batch) = op.next(ctx)? {
                out.extend(
                    batch
                        .into_iter()
                        .map(|mut r| r.get_mut(*slot).map(std::mem::take).unwrap_or(Value::Null)),
                );
            }
            Ok(Value::list(out))
        }
    }
}

/// Runs a statement's plan; returns its output rows (one value per column).
/// Snapshot nodes are read from the graph's projection when one is built at the snapshot's LSN.
pub fn execute(plan: &Plan, ctx: &ExecContext<'_>) -> Result<Vec<Row>> {
    if let Some(projection) =
        ctx.projections.and_then(|cache| cache.current(ctx.graph.snapshot().lsn().get()))
    {
        ctx.graph.use_projection(&projection);
    }
    drain(plan, &Vec::new(), ctx)
}
