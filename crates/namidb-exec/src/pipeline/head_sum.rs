//! Summing the memoized tail over the hop before it: the second-to-last expansion of a
//! counted chain adds up, per entry of its node's rows, the tail's memoized count of the node
//! the entry reaches, in one tight loop, instead of walking each entry into the tail.
//!
//! It applies when the filters between the two hops are tests on the entry alone
//! ([`range_count`]), no grouping key reads what the hop binds, and the tail's distinctness
//! checks involve only this hop's relationship. That relationship could then be one of the
//! tail's own expansions — which the memo counts but distinctness excludes — only when the
//! entry is a loop, or when the two hops read the same type in opposite directions; such an
//! entry, or one whose count is not known, takes the ordinary walk, which settles it exactly.

use std::sync::atomic::Ordering;

use super::compile::{PExpr, Pipeline, Side, Step};
use super::range_count::{self, EntryTest};
use super::run::{Groups, Walk};
use super::tail_memo::{conjuncts_of, TailMemo, UNKNOWN};
use crate::context::ExecContext;
use crate::error::Result;

/// How the hop before the counted tail is summed.
pub(crate) struct HeadSum {
    /// The hop's step.
    pub(crate) step: usize,
    /// The filters between the hop and the tail, as tests on the hop's entries.
    tests: Vec<EntryTest>,
    /// Per side of the hop: whether its relationships may be among the tail's expansions
    /// of the node they reach other than as loops (the same type read the other way).
    crosses: Vec<bool>,
}

/// The head sum of the hop before the counted tail at `tail`, when it applies (see the
/// module docs).
pub(crate) fn plan(
    steps: &[Step],
    tail: usize,
    keys: &[(usize, PExpr)],
    memo: &TailMemo,
) -> Option<HeadSum> {
    let step = steps.get(..tail)?.iter().rposition(|s| matches!(s, Step::Expand { .. }))?;
    let Some(Step::Expand { to, rel, to_bound: false, sides, .. }) = steps.get(step) else {
        return None;
    };
    let Some(Step::Expand { from: tail_from, sides: tail_sides, .. }) = steps.get(tail) else {
        return None;
    };
    if tail_from != to
        || memo.distinct.iter().flatten().any(|s| s != rel)
        || keys.iter().any(|(_, k)| k.reads(*to) || k.reads(*rel))
    {
        return None;
    }
    let mut conjuncts = Vec::new();
    for between in steps.get(step + 1..tail)? {
        let Step::Filter(predicate) = between else { return None };
        conjuncts_of(predicate, &mut conjuncts);
    }
    let tests = range_count::entry_tests(&conjuncts, *to, *rel)?;
    let crosses = sides
        .iter()
        .map(|&(t, side)| {
            tail_sides.iter().any(|&(tail_t, tail_side)| {
                tail_t == t && (side == Side::Outgoing) != (tail_side == Side::Outgoing)
            })
        })
        .collect();
    Some(HeadSum { step, tests, crosses })
}

impl Pipeline {
    /// Walks the head hop `step` from the current tuple, adding the memoized tail counts of
    /// the nodes its passing entries reach (see the module docs).
    pub(super) fn sum_head(
        &self,
        head: &HeadSum,
        memo: &TailMemo,
        w: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let step = head.step;
        let Some(Step::Expand { from, sides, .. }) = self.steps.get(step) else {
            return Ok(());
        };
        let node = w.tuple[*from] as u32;
        let mut total = 0i64;
        for (&(t, side), &crosses) in sides.iter().zip(&head.crosses) {
            let Some(adjacency) = self.types.get(t as usize) else { continue };
            let rows = side.rows(adjacency);
            if head.tests.is_empty() && !crosses && side != Side::IncomingNotLoop {
                // No test on the entries: a tight loop adding the known counts, the walk only
                // for loops and unknown counts.
                let range = rows.range(node);
                let Some(neighbours) = rows.neighbours.get(range.clone()) else { continue };
                for (i, &other) in range.zip(neighbours) {
                    let count = memo.counts.get(other as usize).map(|c| c.load(Ordering::Relaxed));
                    match count {
                        Some(count) if count != UNKNOWN && other != node => {
                            total += i64::from(count);
                        }
                        _ => self.walk_entry(step, (t, rows.position(i), other), w, groups, ctx)?,
                    }
                }
                continue;
            }
            for i in rows.range(node) {
                let Some(&other) = rows.neighbours.get(i) else { continue };
                if side == Side::IncomingNotLoop && other == node {
                    continue;
                }
                let position = rows.position(i);
                if !range_count::passes(&head.tests, t, position, other) {
                    continue;
                }
                let known = memo.counts.get(other as usize).map(|c| c.load(Ordering::Relaxed));
                match known {
                    Some(count) if count != UNKNOWN && !crosses && other != node => {
                        total += i64::from(count);
                    }
                    _ => self.walk_entry(step, (t, position, other), w, groups, ctx)?,
                }
            }
        }
        if total > 0 {
            self.add_counted(total, w, groups, ctx)?;
        }
        Ok(())
    }

    /// The ordinary walk of one entry (type index, relationship position, node reached) of
    /// the hop at `step`: through the filters into the counted tail.
    fn walk_entry(
        &self,
        step: usize,
        (t, position, other): (u32, u32, u32),
        w: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let Some(Step::Expand { to, rel, .. }) = self.steps.get(step) else { return Ok(()) };
        w.tuple[*rel] = u64::from(t) << 32 | u64::from(position);
        w.tuple[*to] = u64::from(other);
        groups.step_rows[step] += 1;
        self.walk(step + 1, w, groups, ctx)
    }
}
