//! `SemiJoin`/`AntiJoin`: the input rows whose key node has (has not) a match of a one-hop
//! pattern predicate.
//!
//! Whether a node has a match is found per row by running the pattern's subquery from it
//! (each node once: answers are kept by node) until those runs have cost about as much as
//! building the set of every node with a match would: a quarter of the graph's nodes (the
//! build expands from every node once, a run from one node costs a few times one such
//! expansion). Then the set is built by running the build side once (it is pipelined where
//! it can be), and every further row is a lookup in it. A handful of rows never pays for a
//! pass over the graph; many rows pay for it at most about twice (rent or buy).

use namidb_query::expr::SubqueryKind;
use namidb_query::Plan;
use namidb_value::Value;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{build, flat_map, run_subquery, Operator, Row};
use crate::context::ExecContext;
use crate::error::Result;

/// The semi (anti, when `anti`) join of `input` on the node in `key`.
pub(crate) fn semi_join<'p>(
    input: Box<dyn Operator + 'p>,
    build_side: &'p Plan,
    subquery: &'p Plan,
    key: usize,
    anti: bool,
    argument: &Row,
) -> Box<dyn Operator + 'p> {
    let mut state = Matches {
        build_side,
        subquery,
        key,
        argument: argument.clone(),
        known: FxHashMap::default(),
        threshold: None,
        set: None,
    };
    flat_map(
        input,
        Box::new(move |row, ctx, out| {
            // A null key has no match.
            let found = match row.get(key) {
                Some(Value::Node(id)) => state.matches(*id, &row, ctx)?,
                _ => false,
            };
            if found != anti {
                out.push(row);
            }
            Ok(())
        }),
    )
}

/// Which nodes have a match: answered per row, then from the built set.
struct Matches<'p> {
    build_side: &'p Plan,
    subquery: &'p Plan,
    key: usize,
    argument: Row,
    /// Answers of the per-row subquery, by node id.
    known: FxHashMap<u64, bool>,
    /// How many nodes are answered per row before the set is built (a quarter of the
    /// graph's nodes, read from the statistics on first use).
    threshold: Option<u64>,
    /// Every node with a match, once built.
    set: Option<FxHashSet<u64>>,
}

impl Matches<'_> {
    /// Whether the node `id` (of `row`) has a match.
    fn matches(&mut self, id: u64, row: &Row, ctx: &ExecContext<'_>) -> Result<bool> {
        if let Some(set) = &self.set {
            return Ok(set.contains(&id));
        }
        if let Some(&known) = self.known.get(&id) {
            return Ok(known);
        }
        let threshold =
            *self.threshold.get_or_insert_with(|| ctx.graph.snapshot().statistics().nodes / 4);
        if self.known.len() as u64 >= threshold {
            let set = self.build_set(ctx)?;
            let found = set.contains(&id);
            self.set = Some(set);
            self.known = FxHashMap::default();
            return Ok(found);
        }
        let found = run_subquery(self.subquery, &SubqueryKind::Exists, row, ctx)?;
        let found = matches!(found, Value::Bool(true));
        self.known.insert(id, found);
        Ok(found)
    }

    /// The nodes in `key` of the build side's rows.
    fn build_set(&self, ctx: &ExecContext<'_>) -> Result<FxHashSet<u64>> {
        let mut op = build(self.build_side, &self.argument, ctx);
        let mut set = FxHashSet::default();
        while let Some(batch) = op.next(ctx)? {
            set.extend(batch.iter().filter_map(|r| match r.get(self.key) {
                Some(Value::Node(id)) => Some(*id),
                _ => None,
            }));
        }
        Ok(set)
    }
}
