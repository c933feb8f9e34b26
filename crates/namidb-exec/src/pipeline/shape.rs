//! Which plans can be pipelined: a plan's pipelinable structure ([`Shape`]), gathered top
//! down from its end (`Aggregate`, `Distinct`, `TopN` or `Optional`) through a chain of
//! `Expand`s, `Filter`s and `Project`s to its start: a label scan of the statement's unit row,
//! or the rows of any input that neither writes nor reads a subquery's outer row; or a chain
//! with a filter over a label scan whose rows feed a row operator ([`chain_shape`]). See
//! [`super::compile`] for what the chain's expressions may contain.

use namidb_query::expr::{AggregateCall, Expr};
use namidb_query::plan::Expand;
use namidb_query::Plan;

/// One operator of a pipelinable chain, in execution order.
#[derive(Clone, Copy)]
pub(crate) enum ChainStep<'p> {
    Expand(&'p Expand),
    Filter(&'p Expr),
    Project(&'p [(usize, Expr)]),
}

/// Where a pipelinable chain's tuples come from.
#[derive(Clone, Copy)]
pub(crate) enum Start<'p> {
    /// A label scan of the statement's unit row: one tuple per node carrying the labels.
    Scan { slot: usize, labels: &'p [String] },
    /// The rows of this input, run on the row executor: one tuple per row.
    Rows(&'p Plan),
}

/// A plan's pipelinable structure (see the module docs).
pub(crate) struct Shape<'p> {
    /// The plan nodes fused: the scan (for a scan start), then each chain step's, bottom up
    /// (for PROFILE's row counts).
    pub(crate) fused: Vec<&'p Plan>,
    pub(crate) start: Start<'p>,
    pub(super) chain: Vec<ChainStep<'p>>,
    /// The grouping keys and aggregates of an `Aggregate` (none for a row-emitting end).
    pub(super) keys: &'p [(usize, Expr)],
    pub(super) aggregates: &'p [(usize, AggregateCall)],
    /// The `Distinct`, `TopN` or `Optional` a row-emitting pipeline ends in, or the top of a
    /// chain whose every row it emits.
    pub(crate) emits: Option<&'p Plan>,
}

/// The pipelinable structure of `plan`, if it has one.
pub(crate) fn shape(plan: &Plan) -> Option<Shape<'_>> {
    // An `OPTIONAL MATCH`'s chain is its inner plan, started by the outer rows at `Argument`.
    let (input, keys, aggregates, emits, outer): (&Plan, &[_], &[_], _, _) = match plan {
        Plan::Aggregate { input, keys, aggregates } => (input, keys, aggregates, None, None),
        Plan::Distinct { input, .. } | Plan::TopN { input, .. } => {
            (input, &[], &[], Some(plan), None)
        }
        Plan::Optional { input, inner } => (inner, &[], &[], Some(plan), Some(&**input)),
        _ => return None,
    };
    let (mut chain, mut fused, at) = descend(input);
    match at {
        Plan::Argument => {
            let shape = Shape { fused, start: Start::Rows(outer?), chain, keys, aggregates, emits };
            row_started(shape)
        }
        _ if outer.is_some()
            && !matches!(at, Plan::Expand { .. } | Plan::Filter { .. } | Plan::Project { .. }) =>
        {
            None
        }
        Plan::NodeScan { input, slot, labels } if matches!(**input, Plan::Unit) => {
            // A scan's rows are no cheaper emitted from a projection of the whole graph.
            if emits.is_some() && !chain.iter().any(|s| matches!(s, ChainStep::Expand(_))) {
                return None;
            }
            chain.reverse();
            fused.reverse();
            let start = Start::Scan { slot: *slot, labels };
            Some(Shape { fused, start, chain, keys, aggregates, emits })
        }
        other => {
            let shape = Shape { fused, start: Start::Rows(other), chain, keys, aggregates, emits };
            row_started(shape)
        }
    }
}

/// The chain steps from `top` down, top first; the plans passed (the steps' and the first
/// plan below them, which it returns too).
fn descend(top: &Plan) -> (Vec<ChainStep<'_>>, Vec<&Plan>, &Plan) {
    let (mut chain, mut fused, mut at) = (Vec::new(), vec![top], top);
    while let Some((step, input)) = step_of(at) {
        chain.push(step);
        fused.push(input);
        at = input;
    }
    (chain, fused, at)
}

/// `plan` as a chain step with its input, if it is one (an expansion that binds a new
/// relationship without property constraints, a filter or a projection).
fn step_of(plan: &Plan) -> Option<(ChainStep<'_>, &Plan)> {
    match plan {
        Plan::Expand { input, expand } if !expand.rel_bound && expand.rel_properties.is_empty() => {
            Some((ChainStep::Expand(expand), input))
        }
        Plan::Filter { input, predicate } => Some((ChainStep::Filter(predicate), input)),
        Plan::Project { input, items } => Some((ChainStep::Project(items), input)),
        _ => None,
    }
}

/// The pipelinable structure of `plan`, the top of a chain of `Expand`s, `Filter`s and
/// `Project`s with at least one filter over a label scan of the statement's unit row (or a
/// lookup of a value that does not depend on a row: it may scan instead, which the caller
/// decides), each of whose rows the pipeline emits for the row operator above.
pub(crate) fn chain_shape(plan: &Plan) -> Option<Shape<'_>> {
    let (mut chain, mut fused, at) = descend(plan);
    let (Plan::NodeScan { input, slot, labels } | Plan::NodeByProperty { input, slot, labels, .. }) =
        at
    else {
        return None;
    };
    if !matches!(**input, Plan::Unit) || !chain.iter().any(|s| matches!(s, ChainStep::Filter(_))) {
        return None;
    }
    chain.reverse();
    fused.reverse();
    let start = Start::Scan { slot: *slot, labels };
    Some(Shape { fused, start, chain, keys: &[], aggregates: &[], emits: Some(plan) })
}

/// `shape`, gathered top down up to and including its start, as a row-started shape: `None`
/// unless its chain expands and its input neither writes nor reads an outer row.
fn row_started(mut shape: Shape<'_>) -> Option<Shape<'_>> {
    let Start::Rows(input) = shape.start else { return Some(shape) };
    let expands = shape.chain.iter().any(|s| matches!(s, ChainStep::Expand(_)));
    if !expands || input.writes() || reads_argument(input) {
        return None;
    }
    // The start is no fused operator: its own operators run on rows.
    shape.fused.pop();
    shape.chain.reverse();
    shape.fused.reverse();
    Some(shape)
}

/// Whether `plan` reads a subquery's outer row (an `Argument` in its tree): its rows then
/// differ per outer row, and a pipeline per outer row would cost more than it saves.
fn reads_argument(plan: &Plan) -> bool {
    matches!(plan, Plan::Argument) || plan.children().into_iter().any(reads_argument)
}
