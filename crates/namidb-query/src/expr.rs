//! Bound expressions: the syntax tree's expressions with variables resolved to row slots,
//! literals to values, and subqueries to plans.

use namidb_value::Value;

use crate::plan::Plan;

pub use namidb_cypher_syntax::ast::{BinaryOp, Quantifier};

/// A label expression over a node's labels.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelPredicate {
    /// Has this label.
    Name(String),
    /// All hold.
    And(Vec<LabelPredicate>),
    /// Any holds.
    Or(Vec<LabelPredicate>),
    /// Does not hold.
    Not(Box<LabelPredicate>),
    /// Has at least one label.
    Wildcard,
}

/// One element of a path being built.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// A node in a slot.
    Node(usize),
    /// A relationship in a slot.
    Rel(usize),
    /// A list of relationships (a variable-length hop) in a slot.
    RelList(usize),
}

/// What a subquery expression computes from its plan's rows.
#[derive(Debug, Clone, PartialEq)]
pub enum SubqueryKind {
    /// Whether it yields a row.
    Exists,
    /// How many rows it yields.
    Count,
    /// The list of the value in this slot, one per row.
    Collect(usize),
}

/// An item of a map projection.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`
    Property(String),
    /// `.*`
    AllProperties,
    /// `key: expr` (also a variable `v`, as `v: v`).
    Entry(String, Expr),
}

/// A bound expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant.
    Const(Value),
    /// A query parameter by name.
    Param(String),
    /// The value in a row slot.
    Slot(usize),
    /// `expr.key`
    Property(Box<Expr>, String),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `expr:Label...`
    HasLabels(Box<Expr>, LabelPredicate),
    /// `NOT expr`
    Not(Box<Expr>),
    /// `-expr`
    Neg(Box<Expr>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr IS NULL` (`false`) or `IS NOT NULL` (`true`).
    IsNull(Box<Expr>, bool),
    /// A scalar function call, name lower-cased.
    Call(String, Vec<Expr>),
    /// `CASE`
    Case {
        /// The simple form's operand.
        operand: Option<Box<Expr>>,
        /// `WHEN` / `THEN` pairs.
        alternatives: Vec<(Expr, Expr)>,
        /// `ELSE`
        default: Option<Box<Expr>>,
    },
    /// A list literal.
    List(Vec<Expr>),
    /// A map literal.
    Map(Vec<(String, Expr)>),
    /// `[x IN list WHERE filter | map]`, `x` in `slot`.
    ListComprehension {
        /// The variable's slot.
        slot: usize,
        /// The list.
        list: Box<Expr>,
        /// `WHERE`
        filter: Option<Box<Expr>>,
        /// `|`
        map: Option<Box<Expr>>,
    },
    /// `all/any/none/single(x IN list WHERE filter)`.
    Quantified {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The variable's slot.
        slot: usize,
        /// The list.
        list: Box<Expr>,
        /// The predicate.
        filter: Box<Expr>,
    },
    /// `reduce(acc = init, x IN list | expr)`.
    Reduce {
        /// The accumulator's slot.
        accumulator: usize,
        /// Its initial value.
        init: Box<Expr>,
        /// The variable's slot.
        slot: usize,
        /// The list.
        list: Box<Expr>,
        /// The step.
        expr: Box<Expr>,
    },
    /// `base {items}`
    MapProjection(Box<Expr>, Vec<MapProjectionItem>),
    /// A path from its parts.
    Path(Vec<PathPart>),
    /// A subquery run with the current row as its argument.
    Subquery(Box<Plan>, SubqueryKind),
}

impl Expr {
    /// A constant null.
    pub fn null() -> Expr {
        Expr::Const(Value::Null)
    }

    /// `a AND b`, simplifying constant `true`.
    pub fn and(a: Expr, b: Expr) -> Expr {
        match (&a, &b) {
            (Expr::Const(Value::Bool(true)), _) => b,
            (_, Expr::Const(Value::Bool(true))) => a,
            _ => Expr::Binary(BinaryOp::And, Box::new(a), Box::new(b)),
        }
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunction {
    /// `count(*)`
    CountStar,
    /// `count(x)`
    Count,
    /// `sum`
    Sum,
    /// `avg`
    Avg,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `collect`
    Collect,
    /// `stDev`
    StDev,
    /// `stDevP`
    StDevP,
    /// `percentileCont`
    PercentileCont,
    /// `percentileDisc`
    PercentileDisc,
}

impl AggregateFunction {
    /// The aggregate a function name (lower case) denotes.
    pub fn from_name(name: &str) -> Option<AggregateFunction> {
        Some(match name {
            "count" => AggregateFunction::Count,
            "sum" => AggregateFunction::Sum,
            "avg" => AggregateFunction::Avg,
            "min" => AggregateFunction::Min,
            "max" => AggregateFunction::Max,
            "collect" => AggregateFunction::Collect,
            "stdev" => AggregateFunction::StDev,
            "stdevp" => AggregateFunction::StDevP,
            "percentilecont" => AggregateFunction::PercentileCont,
            "percentiledisc" => AggregateFunction::PercentileDisc,
            _ => return None,
        })
    }
}

/// One aggregate computed by an aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateCall {
    /// The function.
    pub function: AggregateFunction,
    /// `DISTINCT`
    pub distinct: bool,
    /// Arguments (percentiles take two).
    pub args: Vec<Expr>,
}

#[allow(clippy::boxed_local)] // Takes the child's box and returns a new one.
fn bx(f: &mut dyn FnMut(Expr) -> Expr, e: Box<Expr>) -> Box<Expr> {
    Box::new(f(*e))
}

impl Expr {
    /// Rebuilds the expression with `f` applied to each direct child (not into subquery plans).
    pub fn map_children(self, f: &mut dyn FnMut(Expr) -> Expr) -> Expr {
        match self {
            Expr::Const(_)
            | Expr::Param(_)
            | Expr::Slot(_)
            | Expr::Path(_)
            | Expr::Subquery(..) => self,
            Expr::Property(e, k) => Expr::Property(bx(f, e), k),
            Expr::Index(e, i) => Expr::Index(bx(f, e), bx(f, i)),
            Expr::Slice(e, from, to) => {
                Expr::Slice(bx(f, e), from.map(|e| bx(f, e)), to.map(|e| bx(f, e)))
            }
            Expr::HasLabels(e, l) => Expr::HasLabels(bx(f, e), l),
            Expr::Not(e) => Expr::Not(bx(f, e)),
            Expr::Neg(e) => Expr::Neg(bx(f, e)),
            Expr::Binary(op, l, r) => Expr::Binary(op, bx(f, l), bx(f, r)),
            Expr::IsNull(e, n) => Expr::IsNull(bx(f, e), n),
            Expr::Call(name, args) => Expr::Call(name, args.into_iter().map(&mut *f).collect()),
            Expr::Case { operand, alternatives, default } => Expr::Case {
                operand: operand.map(|e| bx(f, e)),
                alternatives: alternatives.into_iter().map(|(w, t)| (f(w), f(t))).collect(),
                default: default.map(|e| bx(f, e)),
            },
            Expr::List(items) => Expr::List(items.into_iter().map(&mut *f).collect()),
            Expr::Map(entries) => Expr::Map(entries.into_iter().map(|(k, v)| (k, f(v))).collect()),
            Expr::ListComprehension { slot, list, filter, map } => Expr::ListComprehension {
                slot,
                list: bx(f, list),
                filter: filter.map(|e| bx(f, e)),
                map: map.map(|e| bx(f, e)),
            },
            Expr::Quantified { quantifier, slot, list, filter } => {
                Expr::Quantified { quantifier, slot, list: bx(f, list), filter: bx(f, filter) }
            }
            Expr::Reduce { accumulator, init, slot, list, expr } => Expr::Reduce {
                accumulator,
                init: bx(f, init),
                slot,
                list: bx(f, list),
                expr: bx(f, expr),
            },
            Expr::MapProjection(base, items) => Expr::MapProjection(
                bx(f, base),
                items
                    .into_iter()
                    .map(|item| match item {
                        MapProjectionItem::Entry(k, v) => MapProjectionItem::Entry(k, f(v)),
                        other => other,
                    })
                    .collect(),
            ),
        }
    }

    /// Replaces every subexpression equal to one of `keys`' expressions by that key's slot.
    pub fn substitute(self, keys: &[(usize, Expr)]) -> Expr {
        if let Some((slot, _)) = keys.iter().find(|(_, k)| *k == self) {
            return Expr::Slot(*slot);
        }
        self.map_children(&mut |child| child.substitute(keys))
    }
}
