//! Memoized counting of the last hop: when the filters after the counted tail read only what
//! the tail itself binds (its relationship and its far node), how many of a node's expansions
//! pass them does not depend on how the walk reached the node. It is computed once per node and
//! reused by every tuple that reaches it, so a 2-hop `count(*)` over the whole graph costs one
//! pass over the edges per hop instead of one visit per path.
//!
//! Relationship distinctness is the exception the filters may contain: the tail's relationship
//! must differ from the earlier ones. A memoized count includes every expansion, so the earlier
//! relationships that are themselves among the node's passing expansions are subtracted, each
//! checked directly (one CSR lookup and the filters). When computing a node's count raises an
//! error, the tuple is counted the ordinary way instead, so errors are exactly the row
//! executor's. PROFILE runs without the memo, since it reports every step's rows.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use namidb_value::Value;

use super::compile::{PExpr, Pipeline, Side, Step};
use super::range_count::{self, EntryTest};
use super::run::Walk;
use super::seeds::Seeds;
use crate::context::ExecContext;
use crate::error::Result;

/// A count not computed yet.
pub(super) const UNKNOWN: u32 = u32::MAX;

/// Nodes per claim when the memo is filled ahead of the walks.
const FILL_CHUNK: usize = 4096;

/// How the counted tail is memoized.
pub(crate) struct TailMemo {
    /// The filter steps after the tail, other than the distinctness checks.
    filters: Vec<usize>,
    /// For each distinctness check on the tail's relationship, the earlier slots in it.
    pub(super) distinct: Vec<Vec<usize>>,
    /// The tail's relationship slot.
    rel: usize,
    /// Each earlier relationship slot in `distinct` that an expansion bound, with the slots
    /// of the two nodes it joins (in either order).
    ends: Vec<(usize, usize, usize)>,
    /// The filters as tests on each entry, when they all are such tests
    /// ([`range_count`]): a node's count is then one tight loop over its rows.
    tests: Option<Vec<EntryTest>>,
    /// Per node (dense index): how many of its expansions pass `filters`.
    pub(super) counts: Vec<AtomicU32>,
}

/// The memo for the counted tail at `tail`, when every filter after it reads only the tail's
/// own slots (distinctness checks aside); `None` otherwise.
pub(crate) fn plan(steps: &[Step], tail: usize, width: usize, nodes: usize) -> Option<TailMemo> {
    let Step::Expand { to, rel, to_bound: false, .. } = steps.get(tail)? else { return None };
    let (mut filters, mut distinct, mut tested) = (Vec::new(), Vec::new(), Vec::new());
    for (j, step) in steps.iter().enumerate().skip(tail + 1) {
        let Step::Filter(predicate) = step else { return None };
        let mut conjuncts = Vec::new();
        conjuncts_of(predicate, &mut conjuncts);
        let mut checks_more = false;
        for conjunct in conjuncts {
            match conjunct {
                PExpr::DistinctRels(slots) if slots.contains(rel) => {
                    distinct.push(slots.iter().copied().filter(|s| s != rel).collect());
                }
                PExpr::Const(Value::Bool(true)) => {}
                c => {
                    if (0..width).any(|s| s != *to && s != *rel && c.reads(s)) {
                        return None;
                    }
                    tested.push(c);
                    checks_more = true;
                }
            }
        }
        if checks_more {
            filters.push(j);
        }
    }
    let ends = distinct
        .iter()
        .flatten()
        .filter_map(|slot: &usize| {
            steps[..tail].iter().find_map(|step| match step {
                Step::Expand { from, to, rel, .. } if rel == slot => Some((*slot, *from, *to)),
                _ => None,
            })
        })
        .collect();
    let tests = range_count::entry_tests(&tested, *to, *rel);
    let counts = (0..nodes).map(|_| AtomicU32::new(UNKNOWN)).collect();
    Some(TailMemo { filters, distinct, rel: *rel, ends, tests, counts })
}

/// The operands of a chain of `AND`s (the expression itself when it is no `AND`).
pub(super) fn conjuncts_of<'e>(e: &'e PExpr, out: &mut Vec<&'e PExpr>) {
    match e {
        PExpr::And(l, r) => {
            conjuncts_of(l, out);
            conjuncts_of(r, out);
        }
        other => out.push(other),
    }
}

impl Pipeline {
    /// Fills the memo ahead of the walks, node by node in dense order (on up to `threads`
    /// threads), when the walks start from at least a quarter of the nodes: most nodes are then
    /// reached, and counting them in order reads the adjacency sequentially instead of at the
    /// order the walks happen to reach them. A node whose count raises an error is left
    /// unknown, so the error is raised only if a walk reaches it.
    pub(super) fn fill_tail_memo(&self, memo: &TailMemo, threads: usize, ctx: &ExecContext<'_>) {
        let Seeds::Nodes { nodes: starts, .. } = &self.seeds else { return };
        let nodes = memo.counts.len();
        let Some(tail) = self.counted_tail.and_then(|t| self.steps.get(t)) else { return };
        let Step::Expand { from, .. } = tail else { return };
        if starts.len().saturating_mul(4) < nodes {
            return;
        }
        let next = AtomicUsize::new(0);
        let work = || {
            let mut w = self.new_walk();
            loop {
                let at = next.fetch_add(FILL_CHUNK, Ordering::Relaxed);
                if at >= nodes {
                    return;
                }
                let end = (at + FILL_CHUNK).min(nodes);
                for (node, slot) in memo.counts.iter().enumerate().take(end).skip(at) {
                    w.tuple[*from] = node as u64;
                    if let Some(passed) = self.node_count(memo, tail, &mut w, ctx) {
                        slot.store(passed, Ordering::Relaxed);
                    }
                }
            }
        };
        let threads = threads.clamp(1, nodes.div_ceil(FILL_CHUNK).max(1));
        std::thread::scope(|scope| {
            for _ in 1..threads {
                scope.spawn(work);
            }
            work();
        });
    }

    /// The number of the tail's expansions from the current tuple that pass every filter, from
    /// the memo; `None` when the tuple must be counted the ordinary way.
    pub(super) fn count_tail_memo(
        &self,
        step: usize,
        memo: &TailMemo,
        w: &mut Walk,
        ctx: &ExecContext<'_>,
    ) -> Result<Option<i64>> {
        let Some(expand @ Step::Expand { from, to, rel, sides, .. }) = self.steps.get(step) else {
            return Ok(None);
        };
        // The earlier relationships must be distinct among themselves, or nothing passes.
        for others in &memo.distinct {
            if !others
                .iter()
                .enumerate()
                .all(|(i, a)| others[..i].iter().all(|b| w.tuple[*a] != w.tuple[*b]))
            {
                return Ok(Some(0));
            }
        }
        let node = w.tuple[*from] as u32;
        let Some(slot) = memo.counts.get(node as usize) else { return Ok(None) };
        let mut count = slot.load(Ordering::Relaxed);
        if count == UNKNOWN {
            let Some(passed) = self.node_count(memo, expand, w, ctx) else { return Ok(None) };
            slot.store(passed, Ordering::Relaxed);
            count = passed;
        }
        // Earlier relationships among the node's passing expansions would be counted though
        // distinctness excludes them: take each (once per relationship) back out.
        let mut excluded = 0i64;
        for (i, earlier) in memo.distinct.iter().flatten().enumerate() {
            let packed = w.tuple[*earlier];
            if memo.distinct.iter().flatten().take(i).any(|seen| w.tuple[*seen] == packed) {
                continue;
            }
            let (t, position) = ((packed >> 32) as u32, (packed & u64::from(u32::MAX)) as usize);
            // The relationship's source from the nodes its expansion bound (no lookup).
            let ends = memo.ends.iter().find(|(r, ..)| r == earlier);
            let ends = ends.map(|&(_, x, y)| (w.tuple[x] as u32, w.tuple[y] as u32));
            let bound_source = |target: u32| ends.map(|(x, y)| if target == x { y } else { x });
            for &(side_type, side) in sides {
                if side_type != t {
                    continue;
                }
                let Some(forward) = self.types.get(t as usize).map(|a| &a.outgoing) else {
                    continue;
                };
                let Some(&target) = forward.neighbours.get(position) else { continue };
                let other = match (side, bound_source(target)) {
                    (Side::Outgoing, Some(source)) => (source == node).then_some(target),
                    (Side::Outgoing, None) => {
                        forward.range(node).contains(&position).then_some(target)
                    }
                    (Side::Incoming | Side::IncomingNotLoop, _) if target == node => {
                        let source =
                            bound_source(target).unwrap_or_else(|| forward.source_of(position));
                        (side == Side::Incoming || source != node).then_some(source)
                    }
                    (Side::Incoming | Side::IncomingNotLoop, _) => None,
                };
                let Some(other) = other else { continue };
                w.tuple[*to] = u64::from(other);
                w.tuple[*rel] = packed;
                if self.passes(memo, w, ctx)? {
                    excluded += 1;
                }
            }
        }
        Ok(Some(i64::from(count) - excluded))
    }

    /// How many of the tail's expansions from the tuple's `from` node pass the filters (the
    /// distinctness checks aside); `None` when that raises an error or does not fit a count.
    fn node_count(
        &self,
        memo: &TailMemo,
        tail: &Step,
        w: &mut Walk,
        ctx: &ExecContext<'_>,
    ) -> Option<u32> {
        let Step::Expand { from, sides, .. } = tail else { return None };
        if let Some(tests) = &memo.tests {
            let passed = range_count::count(w.tuple[*from] as u32, sides, &self.types, tests);
            return u32::try_from(passed).ok().filter(|&p| p != UNKNOWN);
        }
        let mut passed = 0u32;
        let computed = self.expand_each(tail, w, |w| {
            if self.passes(memo, w, ctx)? {
                passed = passed.saturating_add(1);
            }
            Ok(())
        });
        (computed.is_ok() && passed != UNKNOWN).then_some(passed)
    }

    /// Whether the tuple passes the filters after the tail, taking the distinctness checks on
    /// the tail's relationship as passed (they are settled by subtraction).
    fn passes(&self, memo: &TailMemo, w: &Walk, ctx: &ExecContext<'_>) -> Result<bool> {
        for &j in &memo.filters {
            let Some(Step::Filter(predicate)) = self.steps.get(j) else { continue };
            let kept = match predicate {
                PExpr::And(..) => self.test_without_distinct(predicate, memo.rel, w, ctx)?,
                other => self.keeps(other, w, ctx)?.then_some(true),
            };
            if kept != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The truth test of a chain of `AND`s with each distinctness check on `rel` taken as
    /// true; every operand is evaluated, as the ordinary test does.
    fn test_without_distinct(
        &self,
        e: &PExpr,
        rel: usize,
        w: &Walk,
        ctx: &ExecContext<'_>,
    ) -> Result<Option<bool>> {
        Ok(match e {
            PExpr::And(l, r) => match (
                self.test_without_distinct(l, rel, w, ctx)?,
                self.test_without_distinct(r, rel, w, ctx)?,
            ) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            PExpr::DistinctRels(slots) if slots.contains(&rel) => Some(true),
            other => self.test(other, w, ctx)?,
        })
    }
}
