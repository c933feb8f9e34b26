//! Walking a variable-length hop ([`Step::VarExpand`]) over the projection's compressed
//! rows: every trail of `min..=max` relationships from the tuple's node, depth first, in the
//! order the row executor's expansion produces them, without building relationship lists.
//!
//! The walk keeps an explicit stack (a trail may be as long as the graph has relationships)
//! of frames, one per node on the current trail: which side of which type it is reading and
//! where in that side's entries it is. The trail itself is the packed references of its
//! relationships (`type index << 32 | position`); a relationship already on it is skipped.

use super::compile::{Pipeline, Side, Step};
use super::projection::{Csr, NO_ROWS};
use super::run::Walk;
use crate::error::Result;

/// One node of the current trail and how far its relationships have been tried.
struct Frame<'p> {
    node: u32,
    /// Index into the step's sides.
    side: usize,
    /// That side's rows, and the node's entries in them still to try.
    rows: &'p Csr,
    entry: usize,
    end: usize,
}

impl Pipeline {
    /// Calls `f` with the tuple's `to` slot set to the end of each trail the variable-length
    /// hop `step` matches from the tuple's `from` node.
    pub(super) fn var_expand_each(
        &self,
        step: &Step,
        w: &mut Walk,
        mut f: impl FnMut(&mut Walk) -> Result<()>,
    ) -> Result<()> {
        let Step::VarExpand { from, to, to_bound, rel, reversed, min, max, sides } = step else {
            return Ok(());
        };
        let start = w.tuple[*from] as u32;
        let bound = to_bound.then(|| w.tuple[*to]);
        let keep = self.row_sink.is_some();
        let mut emit = |w: &mut Walk, end: u32, trail: &[u64]| -> Result<()> {
            if bound.is_some_and(|b| b != u64::from(end)) {
                return Ok(());
            }
            w.tuple[*to] = u64::from(end);
            if keep {
                if let Some(list) = w.lists.get_mut(*rel) {
                    list.clear();
                    list.extend_from_slice(trail);
                    if *reversed {
                        list.reverse();
                    }
                }
            }
            f(w)
        };
        if *min == 0 {
            emit(w, start, &[])?;
        }
        if *max == Some(0) {
            return Ok(());
        }
        let mut trail: Vec<u64> = Vec::new();
        let mut frames = vec![self.frame(sides, start, 0)];
        while let Some(frame) = frames.last_mut() {
            if frame.entry == frame.end {
                if frame.side + 1 < sides.len() {
                    *frame = self.frame(sides, frame.node, frame.side + 1);
                } else {
                    frames.pop();
                    trail.pop();
                }
                continue;
            }
            let (t, side) = sides[frame.side];
            let (rows, node, entry) = (frame.rows, frame.node, frame.entry);
            frame.entry += 1;
            let Some(&other) = rows.neighbours.get(entry) else { continue };
            if side == Side::IncomingNotLoop && other == node {
                continue;
            }
            let packed = u64::from(t) << 32 | u64::from(rows.position(entry));
            if trail.contains(&packed) {
                continue;
            }
            trail.push(packed);
            let depth = trail.len() as u64;
            if depth >= *min {
                emit(w, other, &trail)?;
            }
            if max.is_none_or(|m| depth < m) {
                frames.push(self.frame(sides, other, 0));
            } else {
                trail.pop();
            }
        }
        Ok(())
    }

    /// A frame reading side `side` (of `sides`) of `node` (no entries past the last side).
    fn frame<'p>(&'p self, sides: &[(u32, Side)], node: u32, side: usize) -> Frame<'p> {
        let (range, rows) = sides.get(side).map_or((0..0, &NO_ROWS), |&(t, s)| {
            let rows = s.rows(&self.types[t as usize]);
            (rows.range(node), rows)
        });
        Frame { node, side, rows, entry: range.start, end: range.end }
    }
}
