//! The logical plan: a tree of operators over rows of slots.
//!
//! Every row of one statement has the same width ([`crate::BoundStatement::width`]); each
//! variable, hidden pattern element and comprehension variable owns one slot. Operators read
//! their input rows and fill slots; a projection writes new slots and the binder's scope forgets
//! the old names, so no operator ever copies a row into a different layout. Subqueries (`OPTIONAL
//! MATCH`, `EXISTS`, pattern comprehensions, `CALL {}`, `MERGE`, `FOREACH`) are plans whose leaf
//! is [`Plan::Argument`]: the row of the outer plan they run for.

use crate::expr::{AggregateCall, Expr, LabelPredicate};

pub use namidb_cypher_syntax::ast::Direction;

/// A relationship-pattern expansion.
#[derive(Debug, Clone, PartialEq)]
pub struct Expand {
    /// The node expanded from.
    pub from: usize,
    /// The node reached: bound already (`to_bound`) or written by the expansion.
    pub to: usize,
    /// Whether `to` is bound before the expansion (the expansion then checks it).
    pub to_bound: bool,
    /// The relationship's slot (a list of relationships for a variable-length hop).
    pub rel: usize,
    /// Whether `rel` is bound before the expansion (the expansion then checks it).
    pub rel_bound: bool,
    /// Relationship types; empty means any.
    pub types: Vec<String>,
    /// Direction, from `from`'s side.
    pub direction: Direction,
    /// `Some((min, max))` for a variable-length hop (`max` `None` is unbounded).
    pub length: Option<(u64, Option<u64>)>,
    /// Property equalities each relationship of a variable-length hop must satisfy.
    pub rel_properties: Vec<(String, Expr)>,
    /// Walked against the pattern's order (from the later node to the earlier): a
    /// variable-length hop's relationship list is turned back into pattern order.
    pub reversed: bool,
}

/// A node to create.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateNode {
    /// Its slot.
    pub slot: usize,
    /// Whether the slot is bound already (then nothing is created).
    pub bound: bool,
    /// Labels.
    pub labels: Vec<String>,
    /// Properties (a map expression) or none.
    pub properties: Option<Expr>,
}

/// A relationship to create.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRel {
    /// Its slot.
    pub slot: usize,
    /// Its type.
    pub rel_type: String,
    /// The source node's slot.
    pub src: usize,
    /// The target node's slot.
    pub dst: usize,
    /// Properties.
    pub properties: Option<Expr>,
}

/// What `CREATE` (or the create half of `MERGE`) makes for each row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreatePattern {
    /// Nodes, in pattern order.
    pub nodes: Vec<CreateNode>,
    /// Relationships, after their endpoints.
    pub rels: Vec<CreateRel>,
    /// Paths to assign once created: slot and parts.
    pub paths: Vec<(usize, Expr)>,
}

/// One `SET` or `REMOVE` item.
#[derive(Debug, Clone, PartialEq)]
pub enum SetOp {
    /// `target.key = value` (null removes).
    Property {
        /// The entity.
        target: Expr,
        /// The key.
        key: String,
        /// The value.
        value: Expr,
    },
    /// `v = map` (replace all properties) or `v += map` (merge).
    Properties {
        /// The entity's slot.
        target: usize,
        /// The map (or entity whose properties are copied).
        value: Expr,
        /// `+=`
        merge: bool,
    },
    /// `v:L1:L2` (`add`) or `REMOVE v:L1` (not `add`).
    Labels {
        /// The node's slot.
        target: usize,
        /// Labels.
        labels: Vec<String>,
        /// Add or remove.
        add: bool,
    },
}

/// A plan operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// One row, every slot null.
    Unit,
    /// The outer row a subquery runs for.
    Argument,
    /// Each input row joined with every node matching `labels` (written to `slot`).
    NodeScan {
        /// Input.
        input: Box<Plan>,
        /// Where the node goes.
        slot: usize,
        /// Labels every node must carry (conjunction; most selective first).
        labels: Vec<String>,
    },
    /// Each input row joined with nodes carrying `labels` whose `property` may equal `value`
    /// (a superset: the filter above it checks every predicate of the pattern). The store is
    /// asked for that one property instead of every node's record.
    NodeByProperty {
        /// Input.
        input: Box<Plan>,
        /// Where the node goes.
        slot: usize,
        /// Labels every node must carry.
        labels: Vec<String>,
        /// The property compared.
        property: String,
        /// The value it must equal (does not read `slot`), or with `any_of` a list of values
        /// it may equal any of.
        value: Expr,
        /// `value` is a list: `property IN value`.
        any_of: bool,
    },
    /// Each input row joined with the node whose id `id` evaluates to, if it exists and has
    /// `labels`.
    NodeById {
        /// Input.
        input: Box<Plan>,
        /// Where the node goes.
        slot: usize,
        /// The id.
        id: Expr,
        /// Labels it must carry.
        labels: Vec<String>,
    },
    /// Each input row joined with the relationships matching an expansion.
    Expand {
        /// Input.
        input: Box<Plan>,
        /// The expansion.
        expand: Expand,
    },
    /// Each input row joined with the shortest path (or all shortest paths) between two
    /// bound nodes: `expand` gives the endpoints, relationship list slot, types, direction
    /// and length bounds; the path goes to `path`.
    ShortestPath {
        /// Input.
        input: Box<Plan>,
        /// Endpoints (`from`, `to`, both bound), relationships, length bounds.
        expand: Expand,
        /// The path's slot.
        path: usize,
        /// `allShortestPaths`: every path of the shortest length, not just one.
        all: bool,
    },
    /// Rows for which the predicate is true.
    Filter {
        /// Input.
        input: Box<Plan>,
        /// The predicate.
        predicate: Expr,
    },
    /// Writes expressions into slots, in order (later items see earlier ones).
    Project {
        /// Input.
        input: Box<Plan>,
        /// Slot and expression.
        items: Vec<(usize, Expr)>,
    },
    /// Groups by keys and computes aggregates; output rows hold only those slots.
    Aggregate {
        /// Input.
        input: Box<Plan>,
        /// Grouping keys: slot and expression.
        keys: Vec<(usize, Expr)>,
        /// Aggregates: slot and call.
        aggregates: Vec<(usize, AggregateCall)>,
    },
    /// Drops rows equal (by equivalence) in these slots to an earlier row.
    Distinct {
        /// Input.
        input: Box<Plan>,
        /// The slots compared.
        slots: Vec<usize>,
    },
    /// Sorts by keys (expression, descending).
    Sort {
        /// Input.
        input: Box<Plan>,
        /// Keys.
        keys: Vec<(Expr, bool)>,
    },
    /// The first rows by keys: a `Sort` followed by `Skip` and `Limit`, keeping only the
    /// `skip + limit` best rows while it reads (ties keep their input order, as in `Sort`).
    TopN {
        /// Input.
        input: Box<Plan>,
        /// Keys.
        keys: Vec<(Expr, bool)>,
        /// How many of the first rows to drop (evaluated once).
        skip: Option<Expr>,
        /// How many rows to keep after them (evaluated once, before `skip`).
        limit: Expr,
    },
    /// Skips rows.
    Skip {
        /// Input.
        input: Box<Plan>,
        /// How many (evaluated once).
        count: Expr,
    },
    /// Keeps the first rows.
    Limit {
        /// Input.
        input: Box<Plan>,
        /// How many (evaluated once).
        count: Expr,
    },
    /// One row per list element.
    Unwind {
        /// Input.
        input: Box<Plan>,
        /// The list.
        list: Expr,
        /// Where each element goes.
        slot: usize,
    },
    /// Runs `inner` per input row; rows without any result pass through with `inner`'s new
    /// slots null.
    Optional {
        /// Input.
        input: Box<Plan>,
        /// The optional part, over [`Plan::Argument`].
        inner: Box<Plan>,
    },
    /// Each `left` row joined with the rows of `right` whose `keys` are equal (`=`: a key
    /// that is null, or holds a null or NaN, equals nothing). `right` reads no slot of
    /// `left`'s rows: it runs once, over [`Plan::Unit`], and is kept in a hash table; each
    /// output row is a left row with `right_slots` copied from a matching right row. Rows come
    /// in the order a nested loop gives: by left row, then by right row.
    HashJoin {
        /// The probe side.
        left: Box<Plan>,
        /// The build side.
        right: Box<Plan>,
        /// Pairs of (expression over a left row, expression over a right row) that must be
        /// equal.
        keys: Vec<(Expr, Expr)>,
        /// The slots `right` binds, copied into the output rows.
        right_slots: Vec<usize>,
    },
    /// The `input` rows whose node in `key` is one that `build` yields in `key` (`anti`: is
    /// not; a null is in no set): a pattern predicate `EXISTS { (key)… }` (`NOT …` when
    /// `anti`) as a hash semi (anti) join. `build` is the pattern from every node (a
    /// `NodeScan` of `key` over [`Plan::Unit`]), whose filters cannot fail; `subquery` is
    /// the same pattern from one row's node (over [`Plan::Argument`]), which the executor runs
    /// per row until that has cost as much as building the set once.
    SemiJoin {
        /// Input.
        input: Box<Plan>,
        /// The pattern from every node.
        build: Box<Plan>,
        /// The pattern from the row's node.
        subquery: Box<Plan>,
        /// The node slot of the input rows (and of `build`'s rows).
        key: usize,
        /// Keep the rows without a match instead.
        anti: bool,
    },
    /// Runs `inner` per input row and yields its rows (a correlated join, `CALL {}`).
    Apply {
        /// Input.
        input: Box<Plan>,
        /// The subquery, over [`Plan::Argument`].
        inner: Box<Plan>,
    },
    /// The rows of both sides (output rows of their [`Plan::Produce`]s); `all` keeps duplicates.
    Union {
        /// Left side.
        left: Box<Plan>,
        /// Right side.
        right: Box<Plan>,
        /// `UNION ALL`
        all: bool,
    },
    /// The statement's result: one output value per column.
    Produce {
        /// Input.
        input: Box<Plan>,
        /// Column slots.
        columns: Vec<usize>,
    },
    /// Creates the pattern for each input row.
    Create {
        /// Input.
        input: Box<Plan>,
        /// What to create.
        pattern: CreatePattern,
    },
    /// For each input row: the rows of `matcher` if any (then `on_match`), else the created
    /// pattern (then `on_create`).
    Merge {
        /// Input.
        input: Box<Plan>,
        /// The pattern as a match, over [`Plan::Argument`].
        matcher: Box<Plan>,
        /// The pattern to create.
        create: CreatePattern,
        /// `ON MATCH SET`
        on_match: Vec<SetOp>,
        /// `ON CREATE SET`
        on_create: Vec<SetOp>,
    },
    /// Applies set/remove items per row.
    SetItems {
        /// Input.
        input: Box<Plan>,
        /// Items, in order.
        items: Vec<SetOp>,
    },
    /// Deletes nodes, relationships and paths per row.
    Delete {
        /// Input.
        input: Box<Plan>,
        /// What to delete.
        targets: Vec<Expr>,
        /// `DETACH`
        detach: bool,
    },
    /// Runs `body` per element of `list` per row, for its writes; yields the input rows.
    Foreach {
        /// Input.
        input: Box<Plan>,
        /// The list.
        list: Expr,
        /// The variable's slot.
        slot: usize,
        /// The body, over [`Plan::Argument`].
        body: Box<Plan>,
    },
    /// Calls a procedure per input row and writes the yielded fields to slots.
    ProcedureCall {
        /// Input.
        input: Box<Plan>,
        /// Qualified name.
        name: String,
        /// Arguments.
        args: Vec<Expr>,
        /// Output field index and slot.
        yields: Vec<(usize, usize)>,
        /// A procedure without outputs: each input row passes through once.
        void: bool,
    },
}

impl Plan {
    /// The operator's name, as `EXPLAIN` prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Plan::Unit => "Unit",
            Plan::Argument => "Argument",
            Plan::NodeScan { .. } => "NodeScan",
            Plan::NodeById { .. } => "NodeById",
            Plan::NodeByProperty { .. } => "NodeByProperty",
            Plan::Expand { expand, .. } if expand.length.is_some() => "VarLengthExpand",
            Plan::Expand { .. } => "Expand",
            Plan::ShortestPath { all: true, .. } => "AllShortestPaths",
            Plan::ShortestPath { .. } => "ShortestPath",
            Plan::Filter { .. } => "Filter",
            Plan::Project { .. } => "Project",
            Plan::Aggregate { .. } => "Aggregate",
            Plan::Distinct { .. } => "Distinct",
            Plan::Sort { .. } => "Sort",
            Plan::TopN { .. } => "TopN",
            Plan::Skip { .. } => "Skip",
            Plan::Limit { .. } => "Limit",
            Plan::Unwind { .. } => "Unwind",
            Plan::Optional { .. } => "Optional",
            Plan::Apply { .. } => "Apply",
            Plan::HashJoin { .. } => "HashJoin",
            Plan::SemiJoin { anti: false, .. } => "SemiJoin",
            Plan::SemiJoin { anti: true, .. } => "AntiJoin",
            Plan::Union { .. } => "Union",
            Plan::Produce { .. } => "Produce",
            Plan::Create { .. } => "Create",
            Plan::Merge { .. } => "Merge",
            Plan::SetItems { .. } => "Set",
            Plan::Delete { .. } => "Delete",
            Plan::Foreach { .. } => "Foreach",
            Plan::ProcedureCall { .. } => "ProcedureCall",
        }
    }

    /// The operator's inputs (not counting subquery plans inside expressions).
    pub fn children(&self) -> Vec<&Plan> {
        match self {
            Plan::Unit | Plan::Argument => vec![],
            Plan::NodeScan { input, .. }
            | Plan::NodeById { input, .. }
            | Plan::NodeByProperty { input, .. }
            | Plan::Expand { input, .. }
            | Plan::ShortestPath { input, .. }
            | Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Sort { input, .. }
            | Plan::TopN { input, .. }
            | Plan::Skip { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Unwind { input, .. }
            | Plan::Produce { input, .. }
            | Plan::Create { input, .. }
            | Plan::SetItems { input, .. }
            | Plan::Delete { input, .. }
            | Plan::ProcedureCall { input, .. } => vec![input],
            Plan::Optional { input, inner } | Plan::Apply { input, inner } => vec![input, inner],
            Plan::SemiJoin { input, build, .. } => vec![input, build],
            Plan::Merge { input, matcher, .. } => vec![input, matcher],
            Plan::Foreach { input, body, .. } => vec![input, body],
            Plan::Union { left, right, .. } | Plan::HashJoin { left, right, .. } => {
                vec![left, right]
            }
        }
    }

    /// [`Plan::children`], mutable.
    pub fn children_mut(&mut self) -> Vec<&mut Plan> {
        match self {
            Plan::Unit | Plan::Argument => vec![],
            Plan::NodeScan { input, .. }
            | Plan::NodeById { input, .. }
            | Plan::NodeByProperty { input, .. }
            | Plan::Expand { input, .. }
            | Plan::ShortestPath { input, .. }
            | Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Sort { input, .. }
            | Plan::TopN { input, .. }
            | Plan::Skip { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Unwind { input, .. }
            | Plan::Produce { input, .. }
            | Plan::Create { input, .. }
            | Plan::SetItems { input, .. }
            | Plan::Delete { input, .. }
            | Plan::ProcedureCall { input, .. } => vec![input],
            Plan::Optional { input, inner } | Plan::Apply { input, inner } => vec![input, inner],
            Plan::SemiJoin { input, build, .. } => vec![input, build],
            Plan::Merge { input, matcher, .. } => vec![input, matcher],
            Plan::Foreach { input, body, .. } => vec![input, body],
            Plan::Union { left, right, .. } | Plan::HashJoin { left, right, .. } => {
                vec![left, right]
            }
        }
    }

    /// Whether this plan (or a subplan) writes.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Plan::Create { .. }
                | Plan::Merge { .. }
                | Plan::SetItems { .. }
                | Plan::Delete { .. }
                | Plan::Foreach { .. }
        ) || self.children().iter().any(|c| c.writes())
    }
}

/// A label conjunction as a predicate.
pub fn labels_predicate(labels: &[String]) -> Option<LabelPredicate> {
    match labels.len() {
        0 => None,
        1 => Some(LabelPredicate::Name(labels[0].clone())),
        _ => Some(LabelPredicate::And(labels.iter().cloned().map(LabelPredicate::Name).collect())),
    }
}
