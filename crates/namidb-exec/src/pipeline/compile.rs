//! From a plan to a [`Pipeline`]: which plans can be pipelined ([`super::shape`]), and their
//! expressions compiled against a [`GraphProjection`] ([`compile`]).
//!
//! A pipelinable plan is an `Aggregate` — or a `Distinct`, `TopN` or `Optional`, which emit
//! rows ([`super::row_sink`]) — over a chain of `Expand`s, `Filter`s and `Project`s (for an
//! `Optional`, its inner plan from `Argument`) that starts either with a `NodeScan` of the
//! statement's unit row or with any input that neither writes nor reads a subquery's outer
//! row: that input runs on the row executor and each of its rows starts a walk
//! ([`Start::Rows`]). Every chain but an aggregated scan's expands at least once. Its
//! expressions may read node properties, relationship properties, label tests, node ids,
//! parameters, constants, values projected earlier in the chain or by the input, properties of
//! values, operators, `CASE`, list and map literals, pure scalar functions and temporal
//! constructors, and a pattern predicate that is one hop between two bound nodes. A
//! variable-length hop is walked too, as long as nothing reads its relationship list (a
//! row-emitting end keeps the list to rebuild it). Anything else (a chain's own relationship
//! read as a value, any other subquery, a graph function, a hop with relationship property
//! constraints, an argument row) leaves the plan to the row executor: a
//! pipeline either computes exactly what the row executor would, or is not built.

use std::sync::Arc;

use namidb_query::expr::{
    AggregateCall, AggregateFunction, BinaryOp, Expr, LabelPredicate, SubqueryKind,
};
use namidb_query::plan::{Direction, Expand};
use namidb_query::Plan;
use namidb_value::Value;
use rustc_hash::FxHashMap;

use super::column::{Column, IntCompare};
use super::head_sum::{self, HeadSum};
use super::projection::{Csr, GraphProjection, LabelMembers, TypeAdjacency};
use super::range_count::{self, EntryTest};
use super::row_sink::{OutSlot, RowSink};
use super::seeds::{row_seeds, Seeds};
use super::shape::{ChainStep, Shape, Start};
use super::tail_memo::{self, TailMemo};
use crate::context::ExecContext;
use crate::error::Result;
use crate::operators::Row;

/// Scalar functions that read nothing but their arguments.
const PURE_FUNCTIONS: &[&str] = &[
    "__positive",
    "coalesce",
    "size",
    "isempty",
    "head",
    "last",
    "tail",
    "reverse",
    "range",
    "tolower",
    "lower",
    "toupper",
    "upper",
    "trim",
    "ltrim",
    "rtrim",
    "replace",
    "split",
    "substring",
    "left",
    "right",
    "tostring",
    "tostringornull",
    "tointeger",
    "tointegerornull",
    "tofloat",
    "tofloatornull",
    "toboolean",
    "tobooleanornull",
    "abs",
    "sign",
    "ceil",
    "floor",
    "round",
    "sqrt",
    "exp",
    "log",
    "log10",
    "sin",
    "cos",
    "tan",
    "cot",
    "asin",
    "acos",
    "atan",
    "atan2",
    "degrees",
    "radians",
    "haversin",
    "pi",
    "e",
    "exists",
    // Temporal constructors: their arguments, or the statement's one clock.
    "date",
    "datetime",
    "localdatetime",
    "time",
    "localtime",
    "duration",
];

/// A label expression over dense node indices.
#[derive(Clone)]
pub(crate) enum LabelTest {
    Name(Arc<LabelMembers>),
    And(Vec<LabelTest>),
    Or(Vec<LabelTest>),
    Not(Box<LabelTest>),
}

impl LabelTest {
    /// Whether the node at dense index `node` passes the test.
    pub(crate) fn holds(&self, node: u32) -> bool {
        match self {
            LabelTest::Name(members) => members.contains(node),
            LabelTest::And(parts) => parts.iter().all(|p| p.holds(node)),
            LabelTest::Or(parts) => parts.iter().any(|p| p.holds(node)),
            LabelTest::Not(inner) => !inner.holds(node),
        }
    }
}

/// An expression compiled against a projection: slots hold dense node indices, relationship
/// references or projected values.
pub(crate) enum PExpr {
    Const(Value),
    /// A node slot as a value.
    Node(usize),
    /// `id(n)`
    NodeId(usize),
    /// `id(r)`
    RelId(usize),
    /// A projected value.
    Value(usize),
    NodeProperty(usize, Arc<Column>),
    /// A relationship property: the column by type index (of [`Pipeline::types`]).
    RelProperty(usize, Vec<Option<Arc<Column>>>),
    /// A node or relationship property (a `NodeProperty` or `RelProperty` whose columns are
    /// all integers) compared with an integer constant: `null` where the property is absent.
    IntCompare(Box<PExpr>, IntCompare, i64),
    /// A node property (of a column of boxed values) `=` a constant, compared in place.
    PropEquals(usize, Arc<Column>, Value),
    Labels(usize, LabelTest),
    DistinctRels(Vec<usize>),
    /// `EXISTS { (a)-[:T]-(b) }` of two bound nodes (a pattern predicate): whether a
    /// relationship read by these (type index, side) pairs joins them.
    Linked(usize, usize, Vec<(u32, Side)>),
    Not(Box<PExpr>),
    Neg(Box<PExpr>),
    IsNull(Box<PExpr>, bool),
    And(Box<PExpr>, Box<PExpr>),
    Or(Box<PExpr>, Box<PExpr>),
    Binary(BinaryOp, Box<PExpr>, Box<PExpr>),
    List(Vec<PExpr>),
    /// A map literal.
    Map(Vec<(String, PExpr)>),
    /// A property of a value (a map, a temporal value), as the row executor reads it.
    ValueProperty(Box<PExpr>, String),
    Call(String, Vec<PExpr>),
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`, evaluated as the row executor does.
    Case(Option<Box<PExpr>>, Vec<(PExpr, PExpr)>, Option<Box<PExpr>>),
}

/// Which side of a type's rows an expansion reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Outgoing,
    Incoming,
    /// Incoming, skipping self-loops (already met outgoing: `Both` counts a loop once).
    IncomingNotLoop,
}

impl Side {
    /// The rows of `adjacency` this side reads.
    #[inline]
    pub(crate) fn rows(self, adjacency: &TypeAdjacency) -> &Csr {
        match self {
            Side::Outgoing => &adjacency.outgoing,
            Side::Incoming | Side::IncomingNotLoop => &adjacency.incoming,
        }
    }
}

/// The (type index, side) pairs an expansion reads, and its type indices.
type ExpandSides = (Vec<(u32, Side)>, Vec<u32>);

/// A compiled chain step.
pub(crate) enum Step {
    Expand {
        from: usize,
        to: usize,
        to_bound: bool,
        rel: usize,
        /// (type index, side) pairs to read, in order.
        sides: Vec<(u32, Side)>,
    },
    /// A variable-length hop: every trail (no relationship twice) of `min..=max` hops from
    /// `from`, depth first, each hop reading `sides` in order; `to` is set to each trail's end.
    /// Nothing compiled reads its relationship list `rel`: a row-emitting pipeline keeps it
    /// (in pattern order: reversed for a hop walked from the pattern's later node) only to
    /// materialize it.
    VarExpand {
        from: usize,
        to: usize,
        to_bound: bool,
        rel: usize,
        reversed: bool,
        min: u64,
        max: Option<u64>,
        sides: Vec<(u32, Side)>,
    },
    Filter(PExpr),
    /// Slot and value; a node (`PExpr::Node`) is copied as its dense index.
    Project(Vec<(usize, PExpr)>),
}

/// A compiled aggregate: the call and its compiled arguments.
pub(crate) struct PipelineAggregate {
    pub(crate) slot: usize,
    pub(crate) call: AggregateCall,
    pub(crate) args: Vec<PExpr>,
    /// The one argument reads an integer column: it is folded unboxed
    /// ([`Accumulator::add_int`](crate::aggregate::Accumulator::add_int)).
    pub(crate) int_arg: bool,
}

/// A plan compiled against a projection, ready to run.
pub(crate) struct Pipeline {
    pub(crate) projection: Arc<GraphProjection>,
    pub(crate) types: Vec<Arc<TypeAdjacency>>,
    pub(crate) width: usize,
    pub(crate) seeds: Seeds,
    pub(crate) steps: Vec<Step>,
    pub(crate) keys: Vec<(usize, PExpr)>,
    /// The one grouping key reads an integer column: groups are found by the unboxed integer.
    pub(crate) int_key: bool,
    pub(crate) aggregates: Vec<PipelineAggregate>,
    /// The last step when it is an expansion followed by filters only, and every aggregate is
    /// `count(*)` and no grouping key reads what it writes: its tuples are only counted.
    pub(crate) counted_tail: Option<usize>,
    /// Per-node counts of the counted tail, when its filters allow them.
    pub(crate) tail_memo: Option<TailMemo>,
    /// The hop before the counted tail, summing the memo, when it may.
    pub(crate) head_sum: Option<HeadSum>,
    /// The tests on each start node of a label scan folded without walks
    /// ([`range_count::scan_tests`]).
    pub(crate) scan_count: Option<Vec<EntryTest>>,
    /// The row-emitting end (`DISTINCT`, `TopN`), instead of groups.
    pub(crate) row_sink: Option<RowSink>,
    /// What each slot holds at the end of the chain (for a row-emitting end).
    pub(crate) out: Vec<OutSlot>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotKind {
    Node,
    /// A relationship, with the indices (into the pipeline's types) it may have.
    Rel,
    /// A variable-length hop's relationship list (not available to expressions).
    RelList,
    Value,
}

struct Compiler<'a, 'c> {
    projection: &'a Arc<GraphProjection>,
    ctx: &'a ExecContext<'c>,
    kinds: FxHashMap<usize, SlotKind>,
    /// The type indices each relationship slot may hold.
    rel_types: FxHashMap<usize, Vec<u32>>,
    /// The sides of the expansion that bound each node slot it bound (at least one hop away).
    bound_by: FxHashMap<usize, Vec<(u32, Side)>>,
    types: Vec<Arc<TypeAdjacency>>,
}

/// `shape` compiled against `projection`, starting from `rows` (the rows of its input, for a
/// [`Start::Rows`]), with `bounds` the `SKIP` and `LIMIT` of a `TopN` end; `None` if something
/// in it cannot be pipelined (or a relationship type cannot be projected).
pub(crate) fn compile(
    shape: &Shape<'_>,
    rows: &[Row],
    bounds: (usize, usize),
    projection: &Arc<GraphProjection>,
    ctx: &ExecContext<'_>,
) -> Result<Option<Pipeline>> {
    let mut c = Compiler {
        projection,
        ctx,
        kinds: FxHashMap::default(),
        rel_types: FxHashMap::default(),
        bound_by: FxHashMap::default(),
        types: Vec::new(),
    };
    let seeds = match shape.start {
        Start::Scan { slot, labels } => Seeds::Nodes { slot, nodes: projection.members(labels) },
        Start::Rows(_) => row_seeds(rows, ctx.width, projection),
    };
    match &seeds {
        Seeds::Nodes { slot, .. } => {
            c.kinds.insert(*slot, SlotKind::Node);
        }
        Seeds::Rows { node_slots, value_slots, .. } => {
            c.kinds.extend(node_slots.iter().map(|s| (*s, SlotKind::Node)));
            c.kinds.extend(value_slots.iter().map(|s| (*s, SlotKind::Value)));
        }
    }
    let mut steps = Vec::with_capacity(shape.chain.len());
    for step in &shape.chain {
        let Some(step) = c.step(step)? else { return Ok(None) };
        steps.push(step);
    }
    let mut keys = Vec::new();
    for (slot, e) in shape.keys {
        let Some(p) = c.expr(e)? else { return Ok(None) };
        keys.push((*slot, p));
    }
    let mut aggregates = Vec::new();
    for (slot, call) in shape.aggregates {
        let mut args = Vec::new();
        for a in &call.args {
            let Some(p) = c.expr(a)? else { return Ok(None) };
            args.push(p);
        }
        let int_arg = matches!(args.as_slice(), [arg] if arg.is_int_column());
        aggregates.push(PipelineAggregate { slot: *slot, call: call.clone(), args, int_arg });
    }
    let row_sink = match shape.emits {
        Some(Plan::Distinct { slots, .. }) => Some(RowSink::Distinct(slots.clone())),
        Some(Plan::Optional { .. }) => Some(RowSink::Optional),
        Some(Plan::Filter { .. } | Plan::Project { .. } | Plan::Expand { .. }) => {
            Some(RowSink::All)
        }
        Some(Plan::TopN { keys: order, .. }) => {
            let mut keys = Vec::new();
            for (e, _) in order {
                let Some(p) = c.expr(e)? else { return Ok(None) };
                keys.push(p);
            }
            let (skip, limit) = bounds;
            Some(RowSink::TopN { keys, order: order.clone(), skip, limit })
        }
        _ => None,
    };
    let mut out = vec![OutSlot::Null; ctx.width];
    for (slot, kind) in &c.kinds {
        let Some(o) = out.get_mut(*slot) else { continue };
        *o = match kind {
            SlotKind::Node => OutSlot::Node,
            SlotKind::Rel => OutSlot::Rel,
            SlotKind::Value => OutSlot::Value,
            SlotKind::RelList => OutSlot::RelList,
        };
    }
    let counted_tail = counted_tail(&steps, &keys, &aggregates);
    let int_key = matches!(keys.as_slice(), [(_, key)] if key.is_int_column());
    let tail_memo =
        counted_tail.and_then(|t| tail_memo::plan(&steps, t, ctx.width, projection.ids.len()));
    let scan_count = match &seeds {
        Seeds::Nodes { slot, .. } => range_count::scan_tests(&steps, &keys, &aggregates, *slot),
        Seeds::Rows { .. } => None,
    };
    let head_sum = match (counted_tail, &tail_memo) {
        (Some(t), Some(memo)) => head_sum::plan(&steps, t, &keys, memo),
        _ => None,
    };
    Ok(Some(Pipeline {
        counted_tail,
        tail_memo,
        head_sum,
        scan_count,
        projection: projection.clone(),
        types: c.types,
        width: ctx.width,
        seeds,
        steps,
        keys,
        int_key,
        aggregates,
        row_sink,
        out,
    }))
}

/// See [`Pipeline::counted_tail`].
fn counted_tail(
    steps: &[Step],
    keys: &[(usize, PExpr)],
    aggregates: &[PipelineAggregate],
) -> Option<usize> {
    let last = steps.iter().rposition(|s| matches!(s, Step::Expand { .. }))?;
    let Step::Expand { to, rel, .. } = &steps[last] else { return None };
    let only_filters = steps[last + 1..].iter().all(|s| matches!(s, Step::Filter(_)));
    let counts = !aggregates.is_empty()
        && aggregates.iter().all(|a| a.call.function == AggregateFunction::CountStar);
    let keys_before = keys.iter().all(|(_, k)| !k.reads(*to) && !k.reads(*rel));
    (only_filters && counts && keys_before).then_some(last)
}

/// `l <op> r` as an [`PExpr::IntCompare`] when it compares integer columns with an integer
/// constant (either way round), as an [`PExpr::PropEquals`] when it tests a node property for
/// equality with a constant, else as the generic binary operator.
fn comparison(op: BinaryOp, l: Box<PExpr>, r: Box<PExpr>) -> PExpr {
    let (swapped, constant) = match (&*l, &*r) {
        (column, PExpr::Const(Value::Int(c))) if column.is_int_column() => (false, *c),
        (PExpr::Const(Value::Int(c)), column) if column.is_int_column() => (true, *c),
        (PExpr::NodeProperty(s, column), PExpr::Const(c))
        | (PExpr::Const(c), PExpr::NodeProperty(s, column))
            if op == BinaryOp::Eq =>
        {
            return PExpr::PropEquals(*s, column.clone(), c.clone());
        }
        _ => return PExpr::Binary(op, l, r),
    };
    match IntCompare::of(op, swapped) {
        Some(cmp) => PExpr::IntCompare(if swapped { r } else { l }, cmp, constant),
        None => PExpr::Binary(op, l, r),
    }
}

impl PExpr {
    /// Whether it is a node or relationship property whose columns hold only integers (and
    /// nulls), which [`Pipeline::int`] reads unboxed.
    pub(super) fn is_int_column(&self) -> bool {
        match self {
            PExpr::NodeProperty(_, column) => column.ints().is_some(),
            PExpr::RelProperty(_, columns) => columns.iter().flatten().all(|c| c.ints().is_some()),
            _ => false,
        }
    }

    /// Whether it reads `slot`.
    pub(super) fn reads(&self, slot: usize) -> bool {
        match self {
            PExpr::Const(_) => false,
            PExpr::Node(s)
            | PExpr::NodeId(s)
            | PExpr::RelId(s)
            | PExpr::Value(s)
            | PExpr::NodeProperty(s, _)
            | PExpr::RelProperty(s, _)
            | PExpr::Labels(s, _)
            | PExpr::PropEquals(s, ..) => *s == slot,
            PExpr::DistinctRels(slots) => slots.contains(&slot),
            PExpr::Linked(from, to, _) => *from == slot || *to == slot,
            PExpr::Not(e) | PExpr::Neg(e) | PExpr::IsNull(e, _) | PExpr::IntCompare(e, ..) => {
                e.reads(slot)
            }
            PExpr::And(l, r) | PExpr::Or(l, r) | PExpr::Binary(_, l, r) => {
                l.reads(slot) || r.reads(slot)
            }
            PExpr::List(items) | PExpr::Call(_, items) => items.iter().any(|e| e.reads(slot)),
            PExpr::Map(entries) => entries.iter().any(|(_, e)| e.reads(slot)),
            PExpr::ValueProperty(base, _) => base.reads(slot),
            PExpr::Case(operand, alternatives, default) => {
                operand.as_ref().is_some_and(|o| o.reads(slot))
                    || alternatives.iter().any(|(w, t)| w.reads(slot) || t.reads(slot))
                    || default.as_ref().is_some_and(|d| d.reads(slot))
            }
        }
    }
}

impl Compiler<'_, '_> {
    fn step(&mut self, step: &ChainStep<'_>) -> Result<Option<Step>> {
        Ok(match step {
            ChainStep::Filter(e) => self.expr(e)?.map(Step::Filter),
            ChainStep::Project(items) => {
                let mut out = Vec::new();
                for (slot, e) in *items {
                    let Some(p) = self.expr(e)? else { return Ok(None) };
                    // A projected node stays a node (its dense index is copied).
                    let kind = match &p {
                        PExpr::Node(_) => SlotKind::Node,
                        _ => SlotKind::Value,
                    };
                    self.kinds.insert(*slot, kind);
                    out.push((*slot, p));
                }
                Some(Step::Project(out))
            }
            ChainStep::Expand(e) => {
                if self.kinds.get(&e.from) != Some(&SlotKind::Node)
                    || (e.to_bound && self.kinds.get(&e.to) != Some(&SlotKind::Node))
                    || self.kinds.contains_key(&e.rel)
                    || (!e.to_bound && self.kinds.contains_key(&e.to))
                {
                    return Ok(None);
                }
                let Some((sides, indices)) = self.sides(e)? else { return Ok(None) };
                self.kinds.insert(e.to, SlotKind::Node);
                if !e.to_bound && e.length.is_none_or(|(min, _)| min >= 1) {
                    self.bound_by.insert(e.to, sides.clone());
                }
                if let Some((min, max)) = e.length {
                    self.kinds.insert(e.rel, SlotKind::RelList);
                    self.rel_types.insert(e.rel, indices);
                    return Ok(Some(Step::VarExpand {
                        from: e.from,
                        to: e.to,
                        to_bound: e.to_bound,
                        rel: e.rel,
                        reversed: e.reversed,
                        min,
                        max,
                        sides,
                    }));
                }
                self.kinds.insert(e.rel, SlotKind::Rel);
                self.rel_types.insert(e.rel, indices);
                Some(Step::Expand {
                    from: e.from,
                    to: e.to,
                    to_bound: e.to_bound,
                    rel: e.rel,
                    sides,
                })
            }
        })
    }

    /// The (type index, side) pairs an expansion reads, in the order the row executor lists
    /// a node's relationships (by type, outgoing before incoming), and the type indices.
    fn sides(&mut self, e: &Expand) -> Result<Option<ExpandSides>> {
        let names =
            if e.types.is_empty() { self.ctx.graph.relationship_types()? } else { e.types.clone() };
        let mut sides = Vec::new();
        let mut indices = Vec::new();
        for name in &names {
            let Some(index) = self.type_index(name)? else { return Ok(None) };
            indices.push(index);
            match e.direction {
                Direction::Outgoing => sides.push((index, Side::Outgoing)),
                Direction::Incoming => sides.push((index, Side::Incoming)),
                Direction::Both => {
                    sides.push((index, Side::Outgoing));
                    sides.push((index, Side::IncomingNotLoop));
                }
            }
        }
        Ok(Some((sides, indices)))
    }

    fn type_index(&mut self, name: &str) -> Result<Option<u32>> {
        if let Some(i) = self.types.iter().position(|t| &*t.rel_type == name) {
            return Ok(Some(i as u32));
        }
        let Some(adjacency) = self.projection.rel_type(name, self.ctx.graph)? else {
            return Ok(None);
        };
        self.types.push(adjacency);
        Ok(Some(self.types.len() as u32 - 1))
    }

    fn slot(&self, e: &Expr) -> Option<(usize, SlotKind)> {
        match e {
            Expr::Slot(s) => self.kinds.get(s).map(|k| (*s, *k)),
            _ => None,
        }
    }

    fn boxed(&mut self, e: &Expr) -> Result<Option<Box<PExpr>>> {
        Ok(self.expr(e)?.map(Box::new))
    }

    /// An optional part compiled: `Some(None)` when absent, `None` when it does not compile.
    fn optional(&mut self, e: Option<&Expr>) -> Result<Option<Option<Box<PExpr>>>> {
        match e {
            None => Ok(Some(None)),
            Some(e) => Ok(self.boxed(e)?.map(Some)),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<Option<PExpr>> {
        Ok(match e {
            Expr::Const(v) => Some(PExpr::Const(v.clone())),
            // A missing parameter is the row executor's error to raise.
            Expr::Param(name) => self.ctx.params.get(name).cloned().map(PExpr::Const),
            Expr::Slot(_) => match self.slot(e) {
                Some((s, SlotKind::Node)) => Some(PExpr::Node(s)),
                Some((s, SlotKind::Value)) => Some(PExpr::Value(s)),
                _ => None,
            },
            Expr::Property(base, key) => match self.slot(base) {
                Some((s, SlotKind::Node)) => {
                    Some(PExpr::NodeProperty(s, self.projection.column(key)?))
                }
                Some((s, SlotKind::Rel)) => {
                    let mut columns: Vec<Option<Arc<Column>>> = vec![None; self.types.len()];
                    for &i in self.rel_types.get(&s).map(Vec::as_slice).unwrap_or_default() {
                        columns[i as usize] = Some(self.types[i as usize].column(key)?);
                    }
                    Some(PExpr::RelProperty(s, columns))
                }
                Some((_, SlotKind::RelList)) => None,
                // Any other value: a map or temporal value read as the row executor reads it.
                _ => self.boxed(base)?.map(|b| PExpr::ValueProperty(b, key.clone())),
            },
            Expr::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, e) in entries {
                    let Some(p) = self.expr(e)? else { return Ok(None) };
                    out.push((k.clone(), p));
                }
                Some(PExpr::Map(out))
            }
            Expr::HasLabels(base, predicate) => match self.slot(base) {
                Some((s, SlotKind::Node)) if self.ends_carry(s, predicate) => {
                    Some(PExpr::Const(Value::Bool(true)))
                }
                Some((s, SlotKind::Node)) => self.labels(predicate).map(|t| PExpr::Labels(s, t)),
                _ => None,
            },
            Expr::Not(inner) => self.boxed(inner)?.map(PExpr::Not),
            Expr::Neg(inner) => self.boxed(inner)?.map(PExpr::Neg),
            Expr::IsNull(inner, negated) => self.boxed(inner)?.map(|p| PExpr::IsNull(p, *negated)),
            Expr::Binary(op, l, r) => {
                let (Some(l), Some(r)) = (self.boxed(l)?, self.boxed(r)?) else { return Ok(None) };
                Some(match op {
                    BinaryOp::And => PExpr::And(l, r),
                    BinaryOp::Or => PExpr::Or(l, r),
                    op => comparison(*op, l, r),
                })
            }
            Expr::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    let Some(p) = self.expr(item)? else { return Ok(None) };
                    out.push(p);
                }
                Some(PExpr::List(out))
            }
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::Subquery(plan, SubqueryKind::Exists) => self.linked(plan)?,
            Expr::Case { operand, alternatives, default } => {
                let (Some(operand), Some(default)) =
                    (self.optional(operand.as_deref())?, self.optional(default.as_deref())?)
                else {
                    return Ok(None);
                };
                let mut compiled = Vec::with_capacity(alternatives.len());
                for (when, then) in alternatives {
                    let (Some(w), Some(t)) = (self.expr(when)?, self.expr(then)?) else {
                        return Ok(None);
                    };
                    compiled.push((w, t));
                }
                Some(PExpr::Case(operand, compiled, default))
            }
            _ => None,
        })
    }

    /// An `EXISTS` subquery that is one hop between two bound nodes (`(a)-[:T]->(b)` as a
    /// pattern predicate: an expansion from the outer row with nothing else), as
    /// [`PExpr::Linked`]; `None` for any other subquery.
    fn linked(&mut self, plan: &Plan) -> Result<Option<PExpr>> {
        let Plan::Expand { input, expand: e } = plan else { return Ok(None) };
        let one_hop = matches!(**input, Plan::Argument)
            && e.to_bound
            && !e.rel_bound
            && e.length.is_none()
            && e.rel_properties.is_empty();
        let node = |s: &usize| self.kinds.get(s) == Some(&SlotKind::Node);
        if !one_hop || !node(&e.from) || !node(&e.to) {
            return Ok(None);
        }
        Ok(self.sides(e)?.map(|(sides, _)| PExpr::Linked(e.from, e.to, sides)))
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Option<PExpr>> {
        if name == "id" {
            return Ok(match args.first().and_then(|a| self.slot(a)) {
                Some((s, SlotKind::Node)) if args.len() == 1 => Some(PExpr::NodeId(s)),
                Some((s, SlotKind::Rel)) if args.len() == 1 => Some(PExpr::RelId(s)),
                _ => None,
            });
        }
        if name == "__distinct_relationships" {
            // A variable-length hop's list (not kept) is distinct from the other relationships
            // when no type it may have is one they may have: it is left out of the check.
            let mut slots = Vec::new();
            let mut lists = Vec::new();
            for a in args {
                match self.slot(a) {
                    Some((s, SlotKind::Rel)) => slots.push(s),
                    Some((s, SlotKind::RelList)) => lists.push(s),
                    _ => return Ok(None),
                }
            }
            let types = |s: &usize| self.rel_types.get(s).map(Vec::as_slice).unwrap_or_default();
            for (i, list) in lists.iter().enumerate() {
                let others = slots.iter().chain(&lists[i + 1..]);
                let shared = others.flat_map(types).any(|t| types(list).contains(t));
                if shared || types(list).is_empty() {
                    return Ok(None);
                }
            }
            return Ok(Some(PExpr::DistinctRels(slots)));
        }
        if !PURE_FUNCTIONS.contains(&name) {
            return Ok(None);
        }
        let mut out = Vec::new();
        for a in args {
            let Some(p) = self.expr(a)? else { return Ok(None) };
            out.push(p);
        }
        Ok(Some(PExpr::Call(name.to_owned(), out)))
    }

    /// Whether every node the expansion that bound `slot` may bind there carries the labels
    /// of `predicate` (a label or a conjunction of labels): the test always holds. Graphs
    /// whose types join nodes of fixed labels (`KNOWS` between `Person`s) skip it.
    fn ends_carry(&self, slot: usize, predicate: &LabelPredicate) -> bool {
        let Some(sides) = self.bound_by.get(&slot) else { return false };
        match predicate {
            LabelPredicate::Name(label) => {
                let members = self.projection.label(label);
                sides.iter().all(|&(t, side)| {
                    self.types
                        .get(t as usize)
                        .is_some_and(|a| a.ends_carry(side == Side::Outgoing, label, &members))
                })
            }
            LabelPredicate::And(parts) => parts.iter().all(|p| self.ends_carry(slot, p)),
            _ => false,
        }
    }

    fn labels(&self, predicate: &LabelPredicate) -> Option<LabelTest> {
        Some(match predicate {
            LabelPredicate::Name(l) => LabelTest::Name(self.projection.label(l)),
            LabelPredicate::And(parts) => {
                LabelTest::And(parts.iter().map(|p| self.labels(p)).collect::<Option<_>>()?)
            }
            LabelPredicate::Or(parts) => {
                LabelTest::Or(parts.iter().map(|p| self.labels(p)).collect::<Option<_>>()?)
            }
            LabelPredicate::Not(inner) => LabelTest::Not(Box::new(self.labels(inner)?)),
            LabelPredicate::Wildcard => return None,
        })
    }
}
