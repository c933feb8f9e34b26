//! The tuples a pipeline's walks start from: the nodes of a label scan, or the rows of an
//! input, whose slots are sorted into node slots (a node of the projection in every row, held
//! as its dense index) and value slots (copied from the row).

use std::sync::Arc;

use namidb_value::Value;

use super::projection::{GraphProjection, LabelMembers};
use crate::operators::Row;

/// The tuples the walks start from.
pub(crate) enum Seeds {
    /// One per start node (dense index, in id order), bound to `slot`.
    Nodes { slot: usize, nodes: Vec<u32> },
    /// One per input row (of the rows [`Pipeline::run`] is given): `node_slots` hold nodes
    /// (their dense indices are `dense`, row by row), `value_slots` values copied from the row.
    Rows { node_slots: Vec<usize>, value_slots: Vec<usize>, dense: Vec<u32>, rows: usize },
}

impl Seeds {
    /// How many tuples start walks.
    pub(crate) fn len(&self) -> usize {
        match self {
            Seeds::Nodes { nodes, .. } => nodes.len(),
            Seeds::Rows { rows, .. } => *rows,
        }
    }
}

/// The seeds of the input `rows`: a slot is a node slot when it holds a node of the projection
/// in every row, a value slot when it holds anything else in some row, and neither when it is
/// null in every row (nothing below bound it, or bound only nulls: the chain may not read it).
pub(crate) fn row_seeds(rows: &[Row], width: usize, projection: &GraphProjection) -> Seeds {
    let (mut node_slots, mut value_slots) = (Vec::new(), Vec::new());
    for slot in 0..width {
        if rows.iter().any(|r| r.get(slot).is_some_and(|v| !v.is_null())) {
            let nodes = rows.iter().all(|r| match r.get(slot) {
                Some(Value::Node(id)) => projection.dense(*id).is_some(),
                _ => false,
            });
            if nodes {
                node_slots.push(slot)
            } else {
                value_slots.push(slot)
            }
        }
    }
    let mut dense = Vec::with_capacity(rows.len() * node_slots.len());
    for row in rows {
        for &slot in &node_slots {
            if let Some(Value::Node(id)) = row.get(slot) {
                dense.extend(projection.dense(*id));
            }
        }
    }
    Seeds::Rows { node_slots, value_slots, dense, rows: rows.len() }
}

/// The nodes carrying every label of `labels` (all nodes for none), by dense index.
pub(crate) fn start_nodes(projection: &GraphProjection, labels: &[String]) -> Vec<u32> {
    let Some(first) = labels.first() else {
        return (0..projection.ids.len() as u32).collect();
    };
    let others: Vec<Arc<LabelMembers>> = labels[1..].iter().map(|l| projection.label(l)).collect();
    projection
        .label(first)
        .members
        .iter()
        .copied()
        .filter(|&n| others.iter().all(|l| l.contains(n)))
        .collect()
}
