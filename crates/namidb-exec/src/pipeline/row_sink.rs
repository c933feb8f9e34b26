//! Pipelines that end in rows rather than groups: `DISTINCT` (the first row of each key),
//! `ORDER BY … LIMIT` (`TopN`: the first `skip + limit` rows by the sort keys) and
//! `OPTIONAL MATCH` (every row, or the input row itself when its walk yielded none), and a
//! filtered chain feeding a row operator (every row).
//!
//! A tuple that reaches the end of the chain is materialized as the row the row executor would
//! have built: nodes as node values, relationships as relationship references read from the
//! projection, a variable-length hop's list from the trail the walk kept, projected and input
//! values as they are.
//!
//! Each morsel keeps its own rows with their arrival order (morsel start, then position within
//! the morsel); the morsels are merged in order, so `DISTINCT` keeps exactly the first row of
//! each key and `TopN` breaks ties by arrival, as the row operators do.

use std::sync::Arc;

use namidb_query::Expr;
use namidb_value::{GroupKey, RelRef, Value};
use rustc_hash::FxHashSet;

use super::compile::{PExpr, Pipeline};
use super::run::Walk;
use crate::context::ExecContext;
use crate::error::Result;
use crate::operators::{compare_keys, Row};

/// What a slot holds at the end of the chain, for materializing a row.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutSlot {
    /// Not bound by the chain or its input (null).
    Null,
    Node,
    Rel,
    /// A variable-length hop's relationships.
    RelList,
    Value,
}

/// A pipeline's row-emitting end.
pub(crate) enum RowSink {
    /// The first row of each key of these slots.
    Distinct(Vec<usize>),
    /// Every row, and each input row that yielded none as it is (`OPTIONAL MATCH`).
    Optional,
    /// Every row (a chain whose rows feed a row operator).
    All,
    /// The first `skip + limit` rows by `keys` (compiled from the plan's `order`), of which
    /// the first `skip` are dropped.
    TopN { keys: Vec<PExpr>, order: Vec<(Expr, bool)>, skip: usize, limit: usize },
}

/// A kept row: its sort keys, its arrival (morsel start, position in the morsel), the row.
type Kept = (Vec<Value>, (usize, u64), Row);

/// One morsel's (or the merged) rows.
#[derive(Default)]
pub(crate) struct Emitted {
    seen: FxHashSet<Vec<GroupKey>>,
    rows: Vec<Kept>,
    /// The sort keys of the last row a `TopN` selection kept: a later row that does not sort
    /// before them can never be returned, and is not materialized.
    cutoff: Option<Vec<Value>>,
    /// A reused buffer for `DISTINCT` keys.
    scratch: Vec<GroupKey>,
    /// The current morsel's start and rows so far.
    morsel: usize,
    arrived: u64,
}

/// The fewest rows kept before a `TopN` selection is worth it.
const SELECT_AT_LEAST: usize = 256;

impl Emitted {
    pub(crate) fn start_morsel(&mut self, start: usize) {
        self.morsel = start;
        self.arrived = 0;
    }

    /// Whether no row is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows held, handed out in order (a `DISTINCT` still remembers their keys).
    pub(crate) fn take_rows(&mut self) -> Vec<Row> {
        self.rows.drain(..).map(|(_, _, row)| row).collect()
    }

    /// Folds `other` (a later morsel's rows) into these.
    pub(crate) fn merge(&mut self, other: Emitted, sink: &RowSink) {
        match sink {
            RowSink::Distinct(slots) => {
                for kept in other.rows {
                    if self.seen.insert(distinct_key(&kept.2, slots)) {
                        self.rows.push(kept);
                    }
                }
            }
            RowSink::TopN { order, skip, limit, .. } => {
                self.rows.extend(other.rows);
                self.select(skip.saturating_add(*limit), order);
            }
            RowSink::Optional | RowSink::All => self.rows.extend(other.rows),
        }
    }

    /// Rows held so far (for `OPTIONAL MATCH`: whether an input row yielded any).
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Holds `row` as it is: an `OPTIONAL MATCH`'s input row that yielded none.
    pub(crate) fn push_unmatched(&mut self, row: Row) {
        let arrival = (self.morsel, self.arrived);
        self.rows.push((Vec::new(), arrival, row));
        self.arrived += 1;
    }

    /// The rows, in the row operator's output order.
    pub(crate) fn finish(mut self, sink: &RowSink) -> Vec<Row> {
        match sink {
            RowSink::Distinct(_) | RowSink::Optional | RowSink::All => {
                self.rows.into_iter().map(|(_, _, row)| row).collect()
            }
            RowSink::TopN { order, skip, limit, .. } => {
                self.rows.sort_unstable_by(|a, b| by_keys(a, b, order));
                self.rows.into_iter().skip(*skip).take(*limit).map(|(_, _, row)| row).collect()
            }
        }
    }
}

fn distinct_key(row: &Row, slots: &[usize]) -> Vec<GroupKey> {
    slots.iter().map(|s| GroupKey(row.get(*s).cloned().unwrap_or(Value::Null))).collect()
}

fn by_keys(a: &Kept, b: &Kept, order: &[(Expr, bool)]) -> std::cmp::Ordering {
    compare_keys(&a.0, &b.0, order).then(a.1.cmp(&b.1))
}

impl Emitted {
    /// Keeps the best `keep` rows once there are twice as many.
    fn select(&mut self, keep: usize, order: &[(Expr, bool)]) {
        if keep == 0 {
            self.rows.clear();
        } else if self.rows.len() >= keep.saturating_mul(2).max(SELECT_AT_LEAST) {
            self.rows.select_nth_unstable_by(keep - 1, |a, b| by_keys(a, b, order));
            self.rows.truncate(keep);
            self.cutoff = self.rows.get(keep - 1).map(|kept| kept.0.clone());
        }
    }
}

impl Pipeline {
    /// Emits the tuple that reached the end of the chain into `emitted`.
    pub(super) fn emit(
        &self,
        sink: &RowSink,
        w: &Walk,
        emitted: &mut Emitted,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let arrival = (emitted.morsel, emitted.arrived);
        match sink {
            RowSink::Distinct(slots) => {
                // The key is built in a reused buffer; only a new key's row is materialized.
                let mut key = std::mem::take(&mut emitted.scratch);
                key.clear();
                key.extend(slots.iter().map(|s| GroupKey(self.cell(w, *s))));
                if !emitted.seen.contains(&key) {
                    emitted.seen.insert(key.clone());
                    emitted.rows.push((Vec::new(), arrival, self.materialize(w)));
                }
                emitted.scratch = key;
            }
            RowSink::Optional | RowSink::All => {
                emitted.rows.push((Vec::new(), arrival, self.materialize(w)))
            }
            RowSink::TopN { keys, order, skip, limit } => {
                let mut sort = Vec::with_capacity(keys.len());
                for key in keys {
                    sort.push(self.eval(key, w, ctx)?);
                }
                // Ties lose to the cutoff row, which arrived earlier.
                let beaten = emitted.cutoff.as_ref().is_some_and(|cutoff| {
                    compare_keys(&sort, cutoff, order) != std::cmp::Ordering::Less
                });
                if !beaten {
                    emitted.rows.push((sort, arrival, self.materialize(w)));
                    emitted.select(skip.saturating_add(*limit), order);
                }
            }
        }
        emitted.arrived += 1;
        Ok(())
    }

    /// The row the row executor would hold for the tuple.
    fn materialize(&self, w: &Walk) -> Row {
        (0..self.out.len()).map(|slot| self.cell(w, slot)).collect()
    }

    /// The value the row executor would hold in `slot` for the tuple.
    fn cell(&self, w: &Walk, slot: usize) -> Value {
        let t = w.tuple.get(slot).copied().unwrap_or(0);
        match self.out.get(slot) {
            None | Some(OutSlot::Null) => Value::Null,
            Some(OutSlot::Node) => {
                self.projection.ids.get(t as usize).map_or(Value::Null, |id| Value::Node(*id))
            }
            Some(OutSlot::Rel) => self.relationship(t),
            Some(OutSlot::RelList) => Value::list(
                w.lists
                    .get(slot)
                    .map_or(Vec::new(), |l| l.iter().map(|p| self.relationship(*p)).collect()),
            ),
            Some(OutSlot::Value) => w.values.get(slot).cloned().unwrap_or(Value::Null),
        }
    }

    /// The relationship packed as `type index << 32 | position`.
    fn relationship(&self, packed: u64) -> Value {
        let (t, pos) = ((packed >> 32) as usize, (packed & u64::from(u32::MAX)) as usize);
        let Some(adjacency) = self.types.get(t) else { return Value::Null };
        let p = &self.projection;
        let rows = &adjacency.outgoing;
        let src = p.ids.get(rows.source_of(pos) as usize);
        let dst = rows.neighbours.get(pos).and_then(|d| p.ids.get(*d as usize));
        match (adjacency.ids.get(pos), src, dst) {
            (Some(id), Some(src), Some(dst)) => Value::Relationship(Arc::new(RelRef {
                id: *id,
                rel_type: adjacency.rel_type.clone(),
                src: *src,
                dst: *dst,
            })),
            _ => Value::Null,
        }
    }
}
