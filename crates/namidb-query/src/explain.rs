//! The plan as text: one operator per line, inputs indented below, with the details that
//! distinguish it (slots as `#n`, labels, types, directions).

use std::fmt::Write as _;

use crate::estimate::estimate;
use crate::plan::{Direction, Plan};
use crate::statistics::Statistics;

/// Renders `plan` as an indented tree.
pub fn explain(plan: &Plan) -> String {
    explain_lines(plan).into_iter().map(|(_, line)| line + "\n").collect()
}

/// Renders `plan` as an indented tree with each operator's estimated rows from `stats`.
pub fn explain_estimated(plan: &Plan, stats: &dyn Statistics) -> String {
    let lines = estimated_lines(plan, stats);
    let width = lines.iter().map(|(_, l, _)| l.chars().count()).max().unwrap_or(0);
    lines.into_iter().map(|(_, line, rows)| format!("{line:<width$}  est={rows}\n")).collect()
}

/// The lines of [`explain`], each with the plan node it describes and its estimated rows
/// (rounded up to whole rows).
pub fn estimated_lines<'p>(plan: &'p Plan, stats: &dyn Statistics) -> Vec<(&'p Plan, String, u64)> {
    let estimates = estimate(plan, stats);
    explain_lines(plan)
        .into_iter()
        .map(|(node, line)| {
            let rows = estimates.get(&(node as *const Plan)).copied().unwrap_or(0.0);
            (node, line, rows.max(0.0).ceil().min(u64::MAX as f64) as u64)
        })
        .collect()
}

/// The lines of [`explain`], each with the plan node it describes (for annotating).
pub fn explain_lines(plan: &Plan) -> Vec<(&Plan, String)> {
    let mut out = Vec::new();
    collect_lines(&mut out, plan, 0, false);
    out
}

fn details(plan: &Plan) -> String {
    match plan {
        Plan::NodeScan { slot, labels, .. } => format!("#{slot} labels={labels:?}"),
        Plan::NodeById { slot, .. } => format!("#{slot}"),
        Plan::NodeByProperty { slot, labels, property, any_of, .. } => {
            let each = if *any_of { " any of a list" } else { "" };
            format!("#{slot} labels={labels:?} property={property:?}{each}")
        }
        Plan::Expand { expand, .. } => expansion(expand),
        Plan::ShortestPath { expand, path, .. } => format!("#{path} = {}", expansion(expand)),
        Plan::Project { items, .. } => {
            items.iter().map(|(s, _)| format!("#{s}")).collect::<Vec<_>>().join(", ")
        }
        Plan::Aggregate { keys, aggregates, .. } => format!(
            "keys=[{}] aggregates=[{}]",
            keys.iter().map(|(s, _)| format!("#{s}")).collect::<Vec<_>>().join(", "),
            aggregates
                .iter()
                .map(|(s, a)| format!("#{s}={:?}", a.function))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Plan::Produce { columns, .. } => {
            columns.iter().map(|s| format!("#{s}")).collect::<Vec<_>>().join(", ")
        }
        Plan::Unwind { slot, .. } => format!("#{slot}"),
        Plan::Filter { predicate, .. } => match crate::optimize::slots_read(predicate) {
            Some(slots) if slots.is_empty() => "on no slot".into(),
            Some(slots) => {
                let slots: Vec<String> = slots.iter().map(|s| format!("#{s}")).collect();
                format!("on {}", slots.join(", "))
            }
            None => "with a subquery".into(),
        },
        Plan::HashJoin { keys, right_slots, .. } => {
            let read = |e: &crate::expr::Expr| match crate::optimize::slots_read(e) {
                Some(slots) => slots.iter().map(|s| format!("#{s}")).collect::<Vec<_>>().join("+"),
                None => "subquery".into(),
            };
            let keys: Vec<String> =
                keys.iter().map(|(l, r)| format!("{} = {}", read(l), read(r))).collect();
            let slots: Vec<String> = right_slots.iter().map(|s| format!("#{s}")).collect();
            format!("on [{}] binds {}", keys.join(", "), slots.join(", "))
        }
        Plan::SemiJoin { key, .. } => format!("on #{key}"),
        Plan::ProcedureCall { name, .. } => name.clone(),
        Plan::Union { all, .. } => {
            if *all {
                "ALL".into()
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// `counted`: `plan` is a join whose matches the aggregation above counts
/// ([`crate::counted_join`]).
fn collect_lines<'p>(
    out: &mut Vec<(&'p Plan, String)>,
    plan: &'p Plan,
    depth: usize,
    counted: bool,
) {
    let d = details(plan);
    let mut line = format!("{}{}", "  ".repeat(depth), plan.name());
    if counted {
        line.push_str(" counted");
    }
    if !d.is_empty() {
        let _ = write!(line, " {d}");
    }
    out.push((plan, line));
    let counts = match plan {
        Plan::Aggregate { input, keys, aggregates } => {
            crate::counted_join::counts_join_matches(input, keys, aggregates)
        }
        _ => false,
    };
    for child in plan.children() {
        collect_lines(out, child, depth + 1, counts);
    }
}

/// `(#from)-[#rel types *min..max]->(#to)`.
fn expansion(expand: &crate::plan::Expand) -> String {
    let arrow = match expand.direction {
        Direction::Outgoing => "->",
        Direction::Incoming => "<-",
        Direction::Both => "--",
    };
    let length = match expand.length {
        Some((min, Some(max))) => format!("*{min}..{max}"),
        Some((min, None)) => format!("*{min}.."),
        None => String::new(),
    };
    format!(
        "(#{}){arrow}[#{} {:?}{length}]{arrow}(#{}{})",
        expand.from,
        expand.rel,
        expand.types,
        expand.to,
        if expand.to_bound { " bound" } else { "" }
    )
}
