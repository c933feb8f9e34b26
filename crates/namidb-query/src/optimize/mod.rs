//! The optimizer: rewrites a bound plan into one that computes the same rows with less work.
//!
//! Rules run as whole-plan passes, in this order, each in its own file with its before/after
//! tests:
//! 1. [`implied_lookups`]: a disjunction whose every branch pins `n.k` adds the implied
//!    `n.k IN [v1, v2, …]` (so `(a.id = x AND …) OR (a.id = y AND …)` can become a lookup);
//! 2. [`push_filters`]: each conjunct of a filter moves down to just above the operator that
//!    binds the last slot it reads (below expansions, scans, projections, sorts, unwinds and
//!    the input side of optional and correlated subqueries);
//! 3. [`property_lookup`]: a label scan under `n.k = v` or `n.k IN list`, with the values
//!    known before `n`, becomes a `NodeByProperty` lookup;
//! 4. [`hash_join`]: a pattern part that reads nothing of the rows before it and is joined to
//!    them by an equality (that no lookup serves) runs once, as the build side of a hash join;
//! 5. [`semi_join`]: a pattern predicate of one hop from a node of the row (`EXISTS`, or
//!    `NOT` of it) becomes a hash semi (anti) join whose set is built once from every node;
//! 6. [`top_n`]: `ORDER BY … [SKIP] LIMIT` becomes a `TopN` that keeps only the rows it
//!    returns, and projection items the sort does not read are computed after it.
//!
//! Join order is chosen while binding, where the pattern's structure is at hand: the start of
//! each chain (`bind/start.rs`) and the order of a pattern's parts (`bind/part_order.rs`,
//! which costs candidate orders with these rules applied).
//!
//! Subquery plans inside filter predicates and projections (pattern predicates, pattern
//! comprehensions, `EXISTS`/`COUNT`/`COLLECT` subqueries) are optimized the same way.
//! Every rule keeps the filters it uses: a lookup may return more nodes than match, never
//! fewer.

mod cannot_fail;
mod hash_join;
mod implied_lookups;
mod property_lookup;
mod push_filters;
mod semi_join;
mod top_n;

use std::collections::BTreeSet;

use crate::expr::{BinaryOp, Expr, MapProjectionItem, PathPart};
use crate::plan::Plan;

/// Optimizes `plan` (and the subquery plans in its expressions).
pub fn optimize(mut plan: Plan) -> Plan {
    optimize_subqueries(&mut plan);
    let plan = implied_lookups::apply(plan);
    let plan = push_filters::apply(plan);
    let plan = property_lookup::apply(plan);
    let plan = hash_join::apply(plan);
    let plan = semi_join::apply(plan);
    top_n::apply(plan)
}

/// Optimizes the subquery plans inside the filters and projections of `plan`'s tree.
fn optimize_subqueries(plan: &mut Plan) {
    match plan {
        Plan::Filter { predicate, .. } => optimize_in_expr(predicate),
        Plan::Project { items, .. } => items.iter_mut().for_each(|(_, e)| optimize_in_expr(e)),
        _ => {}
    }
    for child in plan.children_mut() {
        optimize_subqueries(child);
    }
}

fn optimize_in_expr(expr: &mut Expr) {
    let e = std::mem::replace(expr, Expr::null());
    *expr = match e {
        Expr::Subquery(p, kind) => Expr::Subquery(Box::new(optimize(*p)), kind),
        other => other.map_children(&mut |mut child| {
            optimize_in_expr(&mut child);
            child
        }),
    };
}

/// `plan` with `f` applied to each of its inputs.
pub(crate) fn map_inputs(mut plan: Plan, f: &mut dyn FnMut(Plan) -> Plan) -> Plan {
    for child in plan.children_mut() {
        let c = std::mem::replace(child, Plan::Unit);
        *child = f(c);
    }
    plan
}

/// The conjuncts of `e` (`a AND b AND c` → `[a, b, c]`), in order.
pub(crate) fn conjuncts(e: Expr) -> Vec<Expr> {
    match e {
        Expr::Binary(BinaryOp::And, a, b) => {
            let mut out = conjuncts(*a);
            out.extend(conjuncts(*b));
            out
        }
        other => vec![other],
    }
}

/// The conjuncts of `e`, borrowed.
pub(crate) fn conjuncts_of(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Binary(BinaryOp::And, a, b) => {
            let mut out = conjuncts_of(a);
            out.extend(conjuncts_of(b));
            out
        }
        other => vec![other],
    }
}

/// The conjunction of `parts` (`None` when there are none).
pub(crate) fn conjunction(parts: Vec<Expr>) -> Option<Expr> {
    parts.into_iter().reduce(Expr::and)
}

/// `plan` filtered by `predicate`, merged into a filter already on top.
pub(crate) fn add_filter(plan: Plan, predicate: Expr) -> Plan {
    match plan {
        Plan::Filter { input, predicate: first } => {
            Plan::Filter { input, predicate: Expr::and(first, predicate) }
        }
        other => Plan::Filter { input: Box::new(other), predicate },
    }
}

/// The slots `e` reads, or `None` when it holds a subquery (which may read any slot).
pub fn slots_read(e: &Expr) -> Option<BTreeSet<usize>> {
    let mut out = BTreeSet::new();
    collect_slots(e, &mut out).then_some(out)
}

fn collect_slots(e: &Expr, out: &mut BTreeSet<usize>) -> bool {
    let mut ok = true;
    match e {
        Expr::Slot(s) => {
            out.insert(*s);
        }
        Expr::Subquery(..) => return false,
        Expr::Path(parts) => {
            for part in parts {
                let (PathPart::Node(s) | PathPart::Rel(s) | PathPart::RelList(s)) = part;
                out.insert(*s);
            }
        }
        Expr::ListComprehension { slot, .. }
        | Expr::Quantified { slot, .. }
        | Expr::Reduce { slot, .. } => {
            out.insert(*slot);
            if let Expr::Reduce { accumulator, .. } = e {
                out.insert(*accumulator);
            }
        }
        _ => {}
    }
    visit_children(e, &mut |child| ok &= collect_slots(child, out));
    ok
}

/// Calls `f` on each direct child expression of `e` (not into subquery plans).
pub fn visit_children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match e {
        Expr::Const(_) | Expr::Param(_) | Expr::Slot(_) | Expr::Path(_) | Expr::Subquery(..) => {}
        Expr::Property(a, _)
        | Expr::HasLabels(a, _)
        | Expr::Not(a)
        | Expr::Neg(a)
        | Expr::IsNull(a, _) => f(a),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        Expr::Slice(a, from, to) => {
            f(a);
            from.iter().chain(to.iter()).for_each(|x| f(x));
        }
        Expr::Call(_, args) | Expr::List(args) => args.iter().for_each(f),
        Expr::Case { operand, alternatives, default } => {
            operand.iter().for_each(|x| f(x));
            for (w, t) in alternatives {
                f(w);
                f(t);
            }
            default.iter().for_each(|x| f(x));
        }
        Expr::Map(entries) => entries.iter().for_each(|(_, v)| f(v)),
        Expr::ListComprehension { list, filter, map, .. } => {
            f(list);
            filter.iter().chain(map.iter()).for_each(|x| f(x));
        }
        Expr::Quantified { list, filter, .. } => {
            f(list);
            f(filter);
        }
        Expr::Reduce { init, list, expr, .. } => {
            f(init);
            f(list);
            f(expr);
        }
        Expr::MapProjection(base, items) => {
            f(base);
            for item in items {
                if let MapProjectionItem::Entry(_, v) = item {
                    f(v);
                }
            }
        }
    }
}

/// Whether `e` can be evaluated before `slot` is bound: it does not read `slot` and holds no
/// subquery.
pub(crate) fn independent_of(e: &Expr, slot: usize) -> bool {
    slots_read(e).is_some_and(|s| !s.contains(&slot))
}

/// `slot.key`, if `e` is a property of a slot.
pub(crate) fn slot_property(e: &Expr) -> Option<(usize, &str)> {
    match e {
        Expr::Property(base, key) => match **base {
            Expr::Slot(s) => Some((s, key.as_str())),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod test_plans {
    //! Small plans for the rules' tests.
    use namidb_value::Value;

    use crate::expr::{BinaryOp, Expr};
    use crate::plan::{Direction, Expand, Plan};

    /// `(#from)-[#rel:R]->(#to)`, both unbound before.
    pub(crate) fn expand(input: Plan, from: usize, rel: usize, to: usize) -> Plan {
        Plan::Expand {
            input: Box::new(input),
            expand: Expand {
                from,
                to,
                to_bound: false,
                rel,
                rel_bound: false,
                types: vec!["R".into()],
                direction: Direction::Outgoing,
                length: None,
                rel_properties: vec![],
                reversed: false,
            },
        }
    }

    pub(crate) fn scan(input: Plan, slot: usize, label: &str) -> Plan {
        Plan::NodeScan { input: Box::new(input), slot, labels: vec![label.into()] }
    }

    pub(crate) fn filter(input: Plan, predicate: Expr) -> Plan {
        Plan::Filter { input: Box::new(input), predicate }
    }

    pub(crate) fn prop(slot: usize, key: &str) -> Expr {
        Expr::Property(Box::new(Expr::Slot(slot)), key.into())
    }

    pub(crate) fn int(n: i64) -> Expr {
        Expr::Const(Value::Int(n))
    }

    pub(crate) fn op(op: BinaryOp, a: Expr, b: Expr) -> Expr {
        Expr::Binary(op, Box::new(a), Box::new(b))
    }

    pub(crate) fn eq(a: Expr, b: Expr) -> Expr {
        op(BinaryOp::Eq, a, b)
    }
}
