//! Cardinality estimation: how many rows each operator of a plan is expected to yield, from
//! [`Statistics`] (or fixed guesses where a figure is missing).
//!
//! The model is the textbook one: a scan yields the label's node count per input row; an
//! expansion multiplies by the average degree of its relationship types (relationships over
//! nodes of the side it starts from); a filter multiplies by the selectivity of each conjunct
//! (`n.k = v`: one over the distinct values of `k` among the label's nodes; a numeric range:
//! the covered part of the property's range; a label test: the label's share of the nodes);
//! subqueries run once per input row; a hash join yields its sides' product times the
//! selectivity of its key equalities. Estimates are rounded up to whole rows when printed.

use std::collections::HashMap;

use namidb_value::Value;

use crate::expr::{BinaryOp, Expr, LabelPredicate};
use crate::optimize::{conjuncts_of, slot_property};
use crate::plan::{Direction, Expand, Plan};
use crate::statistics::Statistics;

/// Nodes assumed when there is no count.
const GUESS_NODES: f64 = 1000.0;
/// Nodes of a label assumed when there is no count.
const GUESS_LABEL: f64 = 100.0;
/// Relationships per node assumed when there is no count.
const GUESS_DEGREE: f64 = 2.0;
/// Selectivity of an equality without figures.
const GUESS_EQUALITY: f64 = 0.1;
/// Selectivity of a range comparison without figures.
const GUESS_RANGE: f64 = 0.3;
/// Selectivity of any other predicate.
const GUESS_OTHER: f64 = 0.5;
/// Hops a variable-length expansion without an upper bound is assumed to take at most.
const GUESS_MAX_HOPS: u64 = 3;

/// Estimated output rows of every operator of `plan`, by address.
pub fn estimate(plan: &Plan, stats: &dyn Statistics) -> HashMap<*const Plan, f64> {
    let mut estimator = Estimator::new(stats);
    estimator.rows(plan, 1.0);
    estimator.rows
}

/// Estimated rows a pattern node yields as the start of a match: a property lookup or a scan
/// of its first label, or every node.
pub fn start_rows(stats: &dyn Statistics, labels: &[String], equalities: &[&str]) -> f64 {
    let est = Estimator::new(stats);
    let Some(label) = labels.first() else {
        return est.all_nodes();
    };
    let rows = est.label_rows(label);
    equalities.iter().fold(rows, |rows, property| rows * est.equality_of(label, property))
}

struct Estimator<'s> {
    stats: &'s dyn Statistics,
    /// A label known for a node slot (from the scan that bound it or a label filter).
    labels: HashMap<usize, String>,
    /// (slot, property) equalities a lookup applied already (the filter above repeats them).
    looked_up: Vec<(usize, String)>,
    rows: HashMap<*const Plan, f64>,
}

impl<'s> Estimator<'s> {
    fn new(stats: &'s dyn Statistics) -> Estimator<'s> {
        Estimator { stats, labels: HashMap::new(), looked_up: Vec::new(), rows: HashMap::new() }
    }

    fn rows(&mut self, plan: &Plan, argument: f64) -> f64 {
        let rows = match plan {
            Plan::Unit => 1.0,
            Plan::Argument => argument,
            Plan::NodeScan { input, slot, labels } => {
                let input = self.rows(input, argument);
                input * self.scan_rows(*slot, labels)
            }
            Plan::NodeByProperty { input, slot, labels, property, value, any_of } => {
                let input = self.rows(input, argument);
                let scan = self.scan_rows(*slot, labels);
                let values = match (any_of, value) {
                    (false, _) => 1.0,
                    (true, Expr::List(items)) => items.len() as f64,
                    (true, Expr::Const(Value::List(items))) => items.len() as f64,
                    (true, _) => 10.0,
                };
                self.looked_up.push((*slot, property.clone()));
                input * (scan * self.equality(*slot, property) * values).min(scan)
            }
            Plan::NodeById { input, slot, labels, .. } => {
                if let Some(label) = labels.first() {
                    self.labels.insert(*slot, label.clone());
                }
                self.rows(input, argument)
            }
            Plan::Expand { input, expand } | Plan::ShortestPath { input, expand, .. } => {
                let input = self.rows(input, argument);
                let fan_out = if matches!(plan, Plan::ShortestPath { .. }) {
                    1.0
                } else {
                    self.fan_out(expand)
                };
                input * fan_out
            }
            Plan::Filter { input, predicate } => {
                let input = self.rows(input, argument);
                input * self.selectivity(predicate)
            }
            Plan::Aggregate { input, keys, .. } => {
                let input = self.rows(input, argument);
                if keys.is_empty() {
                    argument.max(1.0).min(input.max(1.0))
                } else {
                    input
                }
            }
            Plan::Limit { input, count } | Plan::Skip { input, count } => {
                let input = self.rows(input, argument);
                match (plan, count) {
                    (Plan::Limit { .. }, Expr::Const(Value::Int(n))) => input.min(*n as f64),
                    (Plan::Skip { .. }, Expr::Const(Value::Int(n))) => (input - *n as f64).max(0.0),
                    _ => input,
                }
            }
            Plan::TopN { input, skip, limit, .. } => {
                let input = self.rows(input, argument);
                let skip = match skip {
                    None => Some(0.0),
                    Some(Expr::Const(Value::Int(n))) => Some(*n as f64),
                    Some(_) => None,
                };
                match (skip, limit) {
                    (Some(skip), Expr::Const(Value::Int(n))) => {
                        (input - skip).clamp(0.0, *n as f64)
                    }
                    _ => input,
                }
            }
            Plan::Unwind { input, list, .. } => {
                let input = self.rows(input, argument);
                input
                    * match list {
                        Expr::List(items) => items.len() as f64,
                        Expr::Const(Value::List(items)) => items.len() as f64,
                        _ => 10.0,
                    }
            }
            Plan::Optional { input, inner } => {
                let input = self.rows(input, argument);
                self.rows(inner, input).max(input)
            }
            Plan::Apply { input, inner } => {
                let input = self.rows(input, argument);
                self.rows(inner, input)
            }
            Plan::Merge { input, matcher, .. } => {
                let input = self.rows(input, argument);
                self.rows(matcher, input).max(input)
            }
            Plan::Foreach { input, body, .. } => {
                let input = self.rows(input, argument);
                self.rows(body, input);
                input
            }
            Plan::Union { left, right, .. } => {
                self.rows(left, argument) + self.rows(right, argument)
            }
            Plan::HashJoin { left, right, keys, .. } => {
                let left = self.rows(left, argument);
                let right = self.rows(right, 1.0);
                keys.iter().fold(left * right, |rows, (l, r)| {
                    let equal =
                        Expr::Binary(BinaryOp::Eq, Box::new(l.clone()), Box::new(r.clone()));
                    rows * self.conjunct(&equal)
                })
            }
            Plan::SemiJoin { input, build, .. } => {
                self.rows(build, 1.0);
                self.rows(input, argument) * 0.5
            }
            Plan::Project { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Produce { input, .. }
            | Plan::Create { input, .. }
            | Plan::SetItems { input, .. }
            | Plan::Delete { input, .. }
            | Plan::ProcedureCall { input, .. } => self.rows(input, argument),
        };
        self.rows.insert(plan as *const Plan, rows);
        rows
    }

    fn label_rows(&self, label: &str) -> f64 {
        self.stats.node_count(Some(label)).unwrap_or(GUESS_LABEL)
    }

    fn all_nodes(&self) -> f64 {
        self.stats.node_count(None).unwrap_or(GUESS_NODES).max(1.0)
    }

    /// Nodes a scan of `labels` yields; remembers the slot's label.
    fn scan_rows(&mut self, slot: usize, labels: &[String]) -> f64 {
        match labels.first() {
            None => self.all_nodes(),
            Some(first) => {
                self.labels.insert(slot, first.clone());
                // Each further label keeps its share of the nodes.
                labels[1..]
                    .iter()
                    .fold(self.label_rows(first), |rows, l| rows * self.label_share(l))
            }
        }
    }

    fn label_share(&self, label: &str) -> f64 {
        match self.stats.node_count(Some(label)) {
            Some(n) => (n / self.all_nodes()).min(1.0),
            None => GUESS_OTHER,
        }
    }

    /// Relationships per input row of one expansion.
    fn fan_out(&self, expand: &Expand) -> f64 {
        let from_nodes = match self.labels.get(&expand.from) {
            Some(label) => self.label_rows(label),
            None => self.all_nodes(),
        }
        .max(1.0);
        let relationships = if expand.types.is_empty() {
            self.stats.relationship_count(None)
        } else {
            expand.types.iter().map(|t| self.stats.relationship_count(Some(t))).sum::<Option<f64>>()
        };
        let mut degree = match relationships {
            Some(r) => (r / from_nodes).min(r),
            None => GUESS_DEGREE,
        };
        if expand.direction == Direction::Both {
            degree *= 2.0;
        }
        match expand.length {
            None => degree,
            Some((min, max)) => {
                let max = max.unwrap_or(min + GUESS_MAX_HOPS).min(min + GUESS_MAX_HOPS);
                (min..=max).map(|hops| degree.powi(hops.min(32) as i32)).sum()
            }
        }
    }

    /// The share of rows `predicate` keeps.
    fn selectivity(&mut self, predicate: &Expr) -> f64 {
        conjuncts_of(predicate).into_iter().map(|c| self.conjunct(c)).product()
    }

    fn conjunct(&mut self, e: &Expr) -> f64 {
        match e {
            Expr::Const(Value::Bool(true)) => 1.0,
            Expr::Const(Value::Bool(false) | Value::Null) => 0.0,
            Expr::HasLabels(base, LabelPredicate::Name(label)) => {
                if let Expr::Slot(slot) = **base {
                    let known = self.labels.insert(slot, label.clone());
                    if known.as_deref() == Some(label.as_str()) {
                        return 1.0;
                    }
                }
                self.label_share(label)
            }
            Expr::Binary(BinaryOp::Eq, a, b) => match (slot_property(a), slot_property(b)) {
                (Some((slot, key)), None) | (None, Some((slot, key))) => {
                    if self.looked_up.iter().any(|(s, k)| (*s, k.as_str()) == (slot, key)) {
                        1.0
                    } else {
                        self.equality(slot, key)
                    }
                }
                _ => GUESS_EQUALITY,
            },
            Expr::Binary(
                op @ (BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge),
                a,
                b,
            ) => self.range(*op, a, b),
            Expr::Binary(BinaryOp::Or, a, b) => {
                let (a, b) = (self.selectivity(a), self.selectivity(b));
                a + b - a * b
            }
            Expr::Binary(BinaryOp::And, ..) => self.selectivity(e),
            Expr::Not(inner) => 1.0 - self.conjunct(inner),
            Expr::IsNull(_, not_null) => {
                if *not_null {
                    0.9
                } else {
                    0.1
                }
            }
            // Relationship uniqueness within a pattern: nearly every row passes.
            Expr::Call(name, _) if name == "__distinct_relationships" => 1.0,
            _ => GUESS_OTHER,
        }
    }

    /// The share of a slot's rows with `key` equal to one value.
    fn equality(&self, slot: usize, key: &str) -> f64 {
        match self.labels.get(&slot) {
            Some(label) => self.equality_of(label, key),
            None => GUESS_EQUALITY,
        }
    }

    /// The share of a label's nodes with `key` equal to one value.
    fn equality_of(&self, label: &str, key: &str) -> f64 {
        let (Some(distinct), Some(nodes)) =
            (self.stats.distinct_values(label, key), self.stats.node_count(Some(label)))
        else {
            return GUESS_EQUALITY;
        };
        let having = self.stats.property_count(label, key).unwrap_or(nodes);
        if nodes <= 0.0 || distinct <= 0.0 {
            return 0.0;
        }
        (having / nodes / distinct).min(1.0)
    }

    /// The share of a slot's rows a comparison with a number keeps.
    fn range(&self, op: BinaryOp, a: &Expr, b: &Expr) -> f64 {
        // Normalize to `n.k <op> c`.
        let (slot, key, c, op) = match (slot_property(a), number(b), slot_property(b), number(a)) {
            (Some((slot, key)), Some(c), _, _) => (slot, key, c, op),
            (_, _, Some((slot, key)), Some(c)) => (slot, key, c, flipped(op)),
            _ => return GUESS_RANGE,
        };
        let Some(label) = self.labels.get(&slot) else { return GUESS_RANGE };
        let Some((min, max)) = self.stats.value_range(label, key) else { return GUESS_RANGE };
        let below = if max > min { ((c - min) / (max - min)).clamp(0.0, 1.0) } else { 0.5 };
        match op {
            BinaryOp::Lt | BinaryOp::Le => below,
            _ => 1.0 - below,
        }
    }
}

fn flipped(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        other => other,
    }
}

fn number(e: &Expr) -> Option<f64> {
    match e {
        Expr::Const(Value::Int(i)) => Some(*i as f64),
        Expr::Const(Value::Float(f)) => Some(*f),
        _ => None,
    }
}
