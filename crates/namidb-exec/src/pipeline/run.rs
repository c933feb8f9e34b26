//! Running a [`Pipeline`]: each seed (a start node, or an input row) walks the chain
//! depth-first over the projection's arrays, and every tuple that reaches the end is folded
//! into the groups — no row is built.
//!
//! The seeds are cut into morsels that the worker threads claim in turn; each morsel
//! folds into groups of its own, and the morsels' groups are merged in morsel order, so groups
//! come out in the order the row executor would produce them (the order of first arrival) and
//! `collect` lists its values in that order too. A tuple is one `u64` per slot: a node's dense
//! index, or a relationship as `type index << 32 | position`; projected values live beside it.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use namidb_query::expr::AggregateFunction;
use namidb_value::compare::equals;
use namidb_value::{GroupKey, Value};
use rustc_hash::FxHashMap;

use super::compile::{PExpr, Pipeline, Side, Step};
use super::row_sink::{Emitted, RowSink};
use super::seeds::Seeds;
use crate::aggregate::Accumulator;
use crate::context::ExecContext;
use crate::error::Result;
use crate::eval::{binary, call_function, case, negate, not_boolean, property, truthy};
use crate::operators::Row;

/// Start nodes per morsel (at least; see [`MORSELS`]).
const MORSEL: usize = 1024;

/// Morsels a large label scan is cut into when run to the end: fewer, larger morsels spend
/// less on each morsel's walk state and groups (a morsel of a million-node scan would
/// otherwise be a thousand), and 64 still share two or more cores evenly. A stepwise run keeps
/// [`MORSEL`]-sized ones, so a `LIMIT` above it stops after little work.
const MORSELS: usize = 64;

/// Input rows per morsel: fewer than nodes, since a row of a row-started chain (a friend, a
/// post) usually stands for more work than a node of a label scan.
const ROW_MORSEL: usize = 16;

/// One morsel's (or the merged) groups, numbered in order of first arrival.
pub(crate) struct Groups {
    index: FxHashMap<Vec<GroupKey>, usize>,
    /// The groups by unboxed integer key (`None` for null), with [`Pipeline::int_key`].
    by_int: FxHashMap<Option<i64>, usize>,
    pub(crate) keys: Vec<Vec<GroupKey>>,
    pub(crate) accumulators: Vec<Vec<Accumulator>>,
    /// Tuples each chain step passed on.
    pub(crate) step_rows: Vec<u64>,
    /// The rows of a row-emitting pipeline ([`Pipeline::row_sink`]).
    pub(crate) emitted: Emitted,
}

impl Groups {
    fn new(steps: usize) -> Groups {
        Groups {
            index: FxHashMap::default(),
            by_int: FxHashMap::default(),
            keys: Vec::new(),
            accumulators: Vec::new(),
            step_rows: vec![0; steps],
            emitted: Emitted::default(),
        }
    }

    /// The number of the group of `key`, created (key copied) on first arrival.
    fn group(&mut self, key: &[GroupKey], pipeline: &Pipeline) -> usize {
        if let Some(&g) = self.index.get(key) {
            return g;
        }
        let g = self.keys.len();
        self.index.insert(key.to_vec(), g);
        self.keys.push(key.to_vec());
        self.accumulators
            .push(pipeline.aggregates.iter().map(|a| Accumulator::new(&a.call)).collect());
        g
    }

    /// Folds `other` (a later morsel's groups) into these.
    fn merge(&mut self, other: Groups, pipeline: &Pipeline) -> Result<()> {
        for (mine, theirs) in self.step_rows.iter_mut().zip(&other.step_rows) {
            *mine += theirs;
        }
        if let Some(sink) = &pipeline.row_sink {
            self.emitted.merge(other.emitted, sink);
            return Ok(());
        }
        for (key, accumulators) in other.keys.into_iter().zip(other.accumulators) {
            let g = self.group(&key, pipeline);
            for (mine, theirs) in self.accumulators[g].iter_mut().zip(accumulators) {
                mine.merge(theirs)?;
            }
        }
        Ok(())
    }
}

/// The state of one walk: the tuple, the projected values, and the grouping key of the last
/// tuple folded with its group (consecutive tuples often share a key: one start node's).
pub(super) struct Walk {
    pub(super) tuple: Vec<u64>,
    pub(super) values: Vec<Value>,
    /// Variable-length hops' relationship lists (packed), kept only for a row-emitting end.
    pub(super) lists: Vec<Vec<u64>>,
    key: Vec<GroupKey>,
    last: Option<(Vec<GroupKey>, usize)>,
    /// Counted tuples not yet added to the one group of a pipeline without grouping keys
    /// (added once per morsel).
    pub(super) pending: i64,
}

/// A pipeline run a morsel at a time on the calling thread, for an end whose consumer may stop
/// early (`DISTINCT` and `OPTIONAL MATCH` stream their rows).
pub(crate) struct Stepwise {
    morsels: Vec<Range<usize>>,
    next: usize,
    groups: Groups,
}

impl Pipeline {
    /// The seeds cut into morsels, in order (larger ones for a run to the end: `whole`).
    fn morsels(&self, whole: bool) -> Vec<Range<usize>> {
        let seeds = self.seeds.len();
        let size = match self.seeds {
            Seeds::Nodes { .. } if whole => (seeds / MORSELS).max(MORSEL),
            Seeds::Nodes { .. } => MORSEL,
            Seeds::Rows { .. } => ROW_MORSEL,
        };
        (0..seeds).step_by(size).map(|at| at..(at + size).min(seeds)).collect()
    }

    /// A run of the pipeline a morsel at a time ([`Pipeline::step`]).
    pub(crate) fn stepwise(&self) -> Stepwise {
        Stepwise { morsels: self.morsels(false), next: 0, groups: Groups::new(self.steps.len()) }
    }

    /// Runs morsels until some rows are emitted or every morsel ran: the rows, and the tuples
    /// each chain step passed on meanwhile; `None` once every morsel ran.
    pub(crate) fn step(
        &self,
        run: &mut Stepwise,
        input: &[Row],
        ctx: &ExecContext<'_>,
    ) -> Result<Option<(Vec<Row>, Vec<u64>)>> {
        if run.next >= run.morsels.len() {
            return Ok(None);
        }
        while run.next < run.morsels.len() && run.groups.emitted.is_empty() {
            let morsel = run.morsels[run.next].clone();
            run.next += 1;
            self.run_morsel(morsel, input, &mut run.groups, ctx)?;
        }
        let step_rows = vec![0; self.steps.len()];
        let step_rows = std::mem::replace(&mut run.groups.step_rows, step_rows);
        Ok(Some((run.groups.emitted.take_rows(), step_rows)))
    }

    /// Runs the pipeline over every seed on up to `threads` threads.
    /// `input` holds the rows of a row-started pipeline (the rows it was compiled for).
    pub(crate) fn run(
        &self,
        input: &[Row],
        threads: usize,
        ctx: &ExecContext<'_>,
    ) -> Result<Groups> {
        let morsels = self.morsels(true);
        if let (Some(memo), None) = (&self.tail_memo, ctx.profiler) {
            self.fill_tail_memo(memo, threads, ctx);
        }
        // DISTINCT aggregates keep sets of values seen that morsels cannot merge.
        let mergeable = self.aggregates.iter().all(|a| !a.call.distinct);
        let threads = if mergeable { threads.clamp(1, morsels.len().max(1)) } else { 1 };
        if threads == 1 {
            let mut groups = Groups::new(self.steps.len());
            for morsel in morsels {
                self.run_morsel(morsel, input, &mut groups, ctx)?;
            }
            return Ok(self.finish(groups));
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let work = || {
            let mut done: Vec<(usize, Result<Groups>)> = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= morsels.len() || failed.load(Ordering::Relaxed) {
                    return done;
                }
                let mut groups = Groups::new(self.steps.len());
                let result =
                    self.run_morsel(morsels[i].clone(), input, &mut groups, ctx).map(|()| groups);
                if result.is_err() {
                    failed.store(true, Ordering::Relaxed);
                }
                done.push((i, result));
            }
        };
        let mut results: Vec<(usize, Result<Groups>)> = std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            let mut all = work();
            for h in helpers {
                // A worker's panic is the statement's, as it would be on one thread.
                match h.join() {
                    Ok(done) => all.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        });
        results.sort_by_key(|(i, _)| *i);
        let mut merged = Groups::new(self.steps.len());
        for (_, groups) in results {
            merged.merge(groups?, self)?;
        }
        Ok(self.finish(merged))
    }

    /// Without grouping keys there is exactly one group, even for no input (unless the
    /// pipeline emits rows).
    fn finish(&self, mut groups: Groups) -> Groups {
        if self.row_sink.is_none() && self.keys.is_empty() && groups.keys.is_empty() {
            groups.group(&[], self);
        }
        groups
    }

    /// The state of a walk before its seed is bound.
    pub(super) fn new_walk(&self) -> Walk {
        Walk {
            tuple: vec![0; self.width],
            values: vec![Value::Null; self.width],
            lists: vec![Vec::new(); if self.row_sink.is_some() { self.width } else { 0 }],
            key: Vec::with_capacity(self.keys.len()),
            last: None,
            pending: 0,
        }
    }

    /// Walks from the seeds `morsel` (indices into [`Pipeline::seeds`]).
    fn run_morsel(
        &self,
        morsel: Range<usize>,
        input: &[Row],
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let mut walk = self.new_walk();
        groups.emitted.start_morsel(morsel.start);
        match &self.seeds {
            Seeds::Nodes { slot, nodes } if ctx.profiler.is_none() && self.scan_count.is_some() => {
                let tests = self.scan_count.as_deref().unwrap_or_default();
                let starts = nodes.get(morsel).unwrap_or_default();
                self.fold_scan(tests, starts, *slot, &mut walk, groups, ctx)?;
            }
            Seeds::Nodes { slot, nodes } => {
                for &start in nodes.get(morsel).unwrap_or_default() {
                    walk.tuple[*slot] = u64::from(start);
                    self.walk(0, &mut walk, groups, ctx)?;
                }
            }
            Seeds::Rows { node_slots, value_slots, dense, .. } => {
                for i in morsel {
                    let width = node_slots.len();
                    let row_dense = dense.get(i * width..(i + 1) * width).unwrap_or_default();
                    for (slot, d) in node_slots.iter().zip(row_dense) {
                        walk.tuple[*slot] = u64::from(*d);
                    }
                    for slot in value_slots {
                        walk.values[*slot] =
                            input.get(i).and_then(|r| r.get(*slot)).cloned().unwrap_or(Value::Null);
                    }
                    let before = groups.emitted.len();
                    self.walk(0, &mut walk, groups, ctx)?;
                    if matches!(self.row_sink, Some(RowSink::Optional))
                        && groups.emitted.len() == before
                    {
                        groups.emitted.push_unmatched(input.get(i).cloned().unwrap_or_default());
                    }
                }
            }
        }
        // The one group's pending count (there are no grouping keys when there is one).
        let pending = std::mem::take(&mut walk.pending);
        if pending > 0 {
            let g = self.group_of(&mut walk, groups, ctx)?;
            groups.accumulators[g].iter_mut().for_each(|acc| acc.add_count(pending));
        }
        Ok(())
    }

    pub(super) fn walk(
        &self,
        step: usize,
        w: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let Some(current) = self.steps.get(step) else { return self.fold(w, groups, ctx) };
        match current {
            Step::Filter(predicate) => {
                if self.keeps(predicate, w, ctx)? {
                    groups.step_rows[step] += 1;
                    self.walk(step + 1, w, groups, ctx)?;
                }
            }
            Step::Project(items) => {
                for (slot, e) in items {
                    match e {
                        PExpr::Node(from) => w.tuple[*slot] = w.tuple[*from],
                        e => w.values[*slot] = self.eval(e, w, ctx)?,
                    }
                }
                groups.step_rows[step] += 1;
                self.walk(step + 1, w, groups, ctx)?;
            }
            Step::Expand { .. } if self.counted_tail == Some(step) => {
                self.count_tail(step, w, groups, ctx)?;
            }
            Step::Expand { .. } => match (&self.head_sum, &self.tail_memo, ctx.profiler) {
                (Some(head), Some(memo), None) if head.step == step => {
                    self.sum_head(head, memo, w, groups, ctx)?;
                }
                _ => self.expand_each(current, w, |w| {
                    groups.step_rows[step] += 1;
                    self.walk(step + 1, w, groups, ctx)
                })?,
            },
            Step::VarExpand { .. } => self.var_expand_each(current, w, |w| {
                groups.step_rows[step] += 1;
                self.walk(step + 1, w, groups, ctx)
            })?,
        }
        Ok(())
    }

    /// The last expansion with only filters after it, folded into `count(*)`s that nothing
    /// else reads: its tuples are counted through the filters and added to the group once.
    fn count_tail(
        &self,
        step: usize,
        w: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        let Some(expand) = self.steps.get(step) else { return Ok(()) };
        let memoized = match (&self.tail_memo, ctx.profiler) {
            (Some(memo), None) => self.count_tail_memo(step, memo, w, ctx)?,
            _ => None,
        };
        let passed = match memoized {
            Some(passed) => passed,
            None => {
                let mut passed = 0i64;
                self.expand_each(expand, w, |w| {
                    groups.step_rows[step] += 1;
                    for (j, filter) in self.steps.iter().enumerate().skip(step + 1) {
                        let Step::Filter(predicate) = filter else { continue };
                        if !self.keeps(predicate, w, ctx)? {
                            return Ok(());
                        }
                        groups.step_rows[j] += 1;
                    }
                    passed += 1;
                    Ok(())
                })?;
                passed
            }
        };
        self.add_counted(passed, w, groups, ctx)
    }

    /// Adds `passed` counted tuples to the group of the current tuple (to the pending count
    /// of the one group, without grouping keys).
    pub(super) fn add_counted(
        &self,
        passed: i64,
        w: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        if passed > 0 && self.keys.is_empty() {
            w.pending += passed;
        } else if passed > 0 {
            let g = self.group_of(w, groups, ctx)?;
            groups.accumulators[g].iter_mut().for_each(|acc| acc.add_count(passed));
        }
        Ok(())
    }

    /// Calls `f` with the tuple extended by each relationship the expansion `step` matches
    /// from the tuple's `from` node.
    pub(super) fn expand_each(
        &self,
        step: &Step,
        w: &mut Walk,
        mut f: impl FnMut(&mut Walk) -> Result<()>,
    ) -> Result<()> {
        let Step::Expand { from, to, to_bound, rel, sides } = step else { return Ok(()) };
        let node = w.tuple[*from] as u32;
        for &(t, side) in sides {
            let rows = side.rows(&self.types[t as usize]);
            for i in rows.range(node) {
                let other = rows.neighbours[i];
                if (side == Side::IncomingNotLoop && other == node)
                    || (*to_bound && u64::from(other) != w.tuple[*to])
                {
                    continue;
                }
                w.tuple[*rel] = u64::from(t) << 32 | u64::from(rows.position(i));
                if !*to_bound {
                    w.tuple[*to] = u64::from(other);
                }
                f(w)?;
            }
        }
        Ok(())
    }

    fn fold(&self, w: &mut Walk, groups: &mut Groups, ctx: &ExecContext<'_>) -> Result<()> {
        if let Some(sink) = &self.row_sink {
            return self.emit(sink, w, &mut groups.emitted, ctx);
        }
        let g = self.group_of(w, groups, ctx)?;
        self.fold_into(&mut groups.accumulators[g], w, ctx)
    }

    /// Folds the current tuple into one group's accumulators.
    pub(super) fn fold_into(
        &self,
        group: &mut [Accumulator],
        w: &Walk,
        ctx: &ExecContext<'_>,
    ) -> Result<()> {
        for (aggregate, acc) in self.aggregates.iter().zip(group.iter_mut()) {
            match aggregate.args.as_slice() {
                [] => acc.add(&[])?,
                [one] if aggregate.int_arg => {
                    // Null (absent) is skipped, as `add` skips it.
                    if let Some(i) = self.int(one, w) {
                        acc.add_int(i)?;
                    }
                }
                [one] if aggregate.call.function != AggregateFunction::CountStar => {
                    acc.add(std::slice::from_ref(&self.eval(one, w, ctx)?))?
                }
                many => {
                    let args =
                        many.iter().map(|a| self.eval(a, w, ctx)).collect::<Result<Vec<_>>>()?;
                    acc.add(&args)?
                }
            }
        }
        Ok(())
    }

    /// The group of the current tuple, created on first arrival.
    pub(super) fn group_of(
        &self,
        w: &mut Walk,
        groups: &mut Groups,
        ctx: &ExecContext<'_>,
    ) -> Result<usize> {
        if let (true, [(_, key)]) = (self.int_key, self.keys.as_slice()) {
            let int = self.int(key, w);
            if let Some(&g) = groups.by_int.get(&int) {
                return Ok(g);
            }
            let g = groups.group(&[GroupKey(int.map_or(Value::Null, Value::Int))], self);
            groups.by_int.insert(int, g);
            return Ok(g);
        }
        Ok(if self.keys.is_empty() {
            if groups.keys.is_empty() {
                groups.group(&[], self);
            }
            0
        } else {
            let mut key = std::mem::take(&mut w.key);
            key.clear();
            for (_, e) in &self.keys {
                key.push(GroupKey(self.eval(e, w, ctx)?));
            }
            let cached = match &w.last {
                Some((last, g)) if *last == key => Some(*g),
                _ => None,
            };
            let g = match cached {
                Some(g) => g,
                None => {
                    let g = groups.group(&key, self);
                    match &mut w.last {
                        Some((last, lg)) => {
                            last.clone_from(&key);
                            *lg = g;
                        }
                        None => w.last = Some((key.clone(), g)),
                    }
                    g
                }
            };
            w.key = key;
            g
        })
    }

    /// Whether a `WHERE` keeps the tuple: only for true.
    pub(super) fn keeps(&self, predicate: &PExpr, w: &Walk, ctx: &ExecContext<'_>) -> Result<bool> {
        match predicate {
            PExpr::Labels(..)
            | PExpr::DistinctRels(_)
            | PExpr::Linked(..)
            | PExpr::And(..)
            | PExpr::Or(..)
            | PExpr::Not(_)
            | PExpr::IsNull(..)
            | PExpr::IntCompare(..)
            | PExpr::PropEquals(..) => Ok(self.test(predicate, w, ctx)? == Some(true)),
            PExpr::Const(v) => Ok(truthy(v)),
            // Any other value: kept only when it is `true` (a non-boolean is no error here).
            other => Ok(truthy(&self.eval(other, w, ctx)?)),
        }
    }

    /// A boolean operand's truth, `None` for null, without building values: what `eval`
    /// would give, and an error where it would raise one (a non-boolean operand of a logical
    /// operator).
    pub(super) fn test(&self, e: &PExpr, w: &Walk, ctx: &ExecContext<'_>) -> Result<Option<bool>> {
        Ok(match e {
            PExpr::Const(Value::Bool(b)) => Some(*b),
            PExpr::Labels(s, test) => Some(test.holds(w.tuple[*s] as u32)),
            PExpr::DistinctRels(slots) => Some(self.distinct_rels(slots, w)),
            PExpr::Linked(from, to, sides) => Some(self.linked(*from, *to, sides, w)),
            PExpr::IsNull(inner, negated) => Some(self.eval(inner, w, ctx)?.is_null() != *negated),
            PExpr::Not(inner) => self.test(inner, w, ctx)?.map(|b| !b),
            PExpr::PropEquals(s, column, constant) => {
                let node = w.tuple[*s] as usize;
                match column.value_ref(node) {
                    Some(v) => equals(v, constant),
                    None => equals(&column.value(node), constant),
                }
            }
            PExpr::IntCompare(operand, cmp, constant) => {
                self.int(operand, w).map(|v| cmp.holds(v, *constant))
            }
            PExpr::And(l, r) => match (self.test(l, w, ctx)?, self.test(r, w, ctx)?) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            PExpr::Or(l, r) => match (self.test(l, w, ctx)?, self.test(r, w, ctx)?) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            other => match self.eval(other, w, ctx)? {
                Value::Null => None,
                Value::Bool(b) => Some(b),
                v => return Err(not_boolean(&v)),
            },
        })
    }

    /// Whether the relationships in `slots` are pairwise distinct: a type appears once in the
    /// pipeline and a position once in its type, so the packed references themselves compare.
    fn distinct_rels(&self, slots: &[usize], w: &Walk) -> bool {
        let r = |s: &usize| w.tuple[*s];
        slots.iter().enumerate().all(|(i, a)| slots[..i].iter().all(|b| r(a) != r(b)))
    }

    /// Whether a relationship of `sides` joins the nodes in slots `from` and `to` (a loop
    /// met through an incoming side was met through the outgoing one already).
    fn linked(&self, from: usize, to: usize, sides: &[(u32, Side)], w: &Walk) -> bool {
        let (a, b) = (w.tuple[from] as u32, w.tuple[to] as u32);
        sides.iter().any(|&(t, side)| {
            let rows = side.rows(&self.types[t as usize]);
            rows.neighbours.get(rows.range(a)).is_some_and(|n| n.contains(&b))
        })
    }

    /// The integer an [`PExpr::IntCompare`] operand or an integer grouping key reads, `None`
    /// where it is absent.
    #[inline]
    pub(super) fn int(&self, operand: &PExpr, w: &Walk) -> Option<i64> {
        match operand {
            PExpr::NodeProperty(s, column) => column.ints()?.get(w.tuple[*s] as usize),
            PExpr::RelProperty(s, columns) => {
                let (t, pos) = self.rel(w, *s);
                columns.get(t)?.as_ref()?.ints()?.get(pos)
            }
            _ => None,
        }
    }

    fn rel(&self, w: &Walk, slot: usize) -> (usize, usize) {
        let r = w.tuple[slot];
        ((r >> 32) as usize, (r & u64::from(u32::MAX)) as usize)
    }

    /// An operator's operand: constants and boxed property values borrowed (a string
    /// comparison clones no string), anything else evaluated.
    fn operand<'a>(
        &'a self,
        e: &'a PExpr,
        w: &Walk,
        ctx: &ExecContext<'_>,
    ) -> Result<Cow<'a, Value>> {
        Ok(match e {
            PExpr::Const(v) => Cow::Borrowed(v),
            PExpr::NodeProperty(s, column) => match column.value_ref(w.tuple[*s] as usize) {
                Some(v) => Cow::Borrowed(v),
                None => Cow::Owned(column.value(w.tuple[*s] as usize)),
            },
            other => Cow::Owned(self.eval(other, w, ctx)?),
        })
    }

    pub(super) fn eval(&self, e: &PExpr, w: &Walk, ctx: &ExecContext<'_>) -> Result<Value> {
        let p = &self.projection;
        Ok(match e {
            PExpr::Const(v) => v.clone(),
            PExpr::Node(s) => Value::Node(p.ids[w.tuple[*s] as usize]),
            PExpr::NodeId(s) => Value::Int(p.ids[w.tuple[*s] as usize] as i64),
            PExpr::RelId(s) => {
                let (t, pos) = self.rel(w, *s);
                Value::Int(self.types[t].ids[pos] as i64)
            }
            PExpr::Value(s) => w.values[*s].clone(),
            PExpr::NodeProperty(s, column) => column.value(w.tuple[*s] as usize),
            PExpr::RelProperty(s, columns) => {
                let (t, pos) = self.rel(w, *s);
                match columns.get(t) {
                    Some(Some(column)) => column.value(pos),
                    _ => Value::Null,
                }
            }
            PExpr::Labels(s, test) => Value::Bool(test.holds(w.tuple[*s] as u32)),
            PExpr::DistinctRels(slots) => Value::Bool(self.distinct_rels(slots, w)),
            PExpr::Linked(from, to, sides) => Value::Bool(self.linked(*from, *to, sides, w)),
            PExpr::Not(inner) => match self.eval(inner, w, ctx)? {
                Value::Null => Value::Null,
                Value::Bool(b) => Value::Bool(!b),
                other => return Err(not_boolean(&other)),
            },
            PExpr::Neg(inner) => negate(&self.eval(inner, w, ctx)?)?,
            PExpr::IsNull(inner, negated) => {
                Value::Bool(self.eval(inner, w, ctx)?.is_null() != *negated)
            }
            PExpr::And(..) | PExpr::Or(..) | PExpr::IntCompare(..) | PExpr::PropEquals(..) => {
                match self.test(e, w, ctx)? {
                    Some(b) => Value::Bool(b),
                    None => Value::Null,
                }
            }
            PExpr::Binary(op, l, r) => {
                binary(*op, self.operand(l, w, ctx)?.as_ref(), self.operand(r, w, ctx)?.as_ref())?
            }
            PExpr::List(items) => {
                Value::list(items.iter().map(|i| self.eval(i, w, ctx)).collect::<Result<Vec<_>>>()?)
            }
            PExpr::Call(name, args) => {
                let values =
                    args.iter().map(|a| self.eval(a, w, ctx)).collect::<Result<Vec<_>>>()?;
                call_function(name, values, ctx)?
            }
            PExpr::Map(entries) => {
                let mut map = std::collections::BTreeMap::new();
                for (k, e) in entries {
                    map.insert(k.clone(), self.eval(e, w, ctx)?);
                }
                Value::map(map)
            }
            PExpr::ValueProperty(base, key) => property(&self.eval(base, w, ctx)?, key, ctx)?,
            PExpr::Case(operand, alternatives, default) => {
                case(operand.as_deref(), alternatives, default.as_deref(), |e| {
                    self.eval(e, w, ctx)
                })?
            }
        })
    }
}
