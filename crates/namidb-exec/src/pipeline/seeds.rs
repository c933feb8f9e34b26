//! The tuples a pipeline's walks start from: the nodes of a label scan, or the rows of an
//! input, whose slots are sorted into node slots (a node of the projection in every row, held
//! as its dense index) and value slots (copied from the row).

use std::sync::Arc;

use namidb_value::Value;

use super::projection::GraphProjection;
use crate::operators::Row;

/// The tuples the walks start from.
pub(crate) enum Seeds {
    /// One per start node (dense index, in id order), bound to `slot` (a label's members are
    /// shared, not copied).
    Nodes { slot: usize, nodes: Arc<[u32]> },
    /// One per input row (of the rows the pipeline is run over): `node_slots` hold nodes
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
    let (mut node_slots, mut value_slots, mut columns) = (Vec::new(), Vec::new(), Vec::new());
    for slot in 0..width {
        if rows.iter().all(|r| r.get(slot).is_none_or(Value::is_null)) {
            continue;
        }
        // The dense index of the node in every row, if every row holds one.
        let column: Option<Vec<u32>> = rows
            .iter()
            .map(|r| match r.get(slot) {
                Some(Value::Node(id)) => projection.dense(*id),
                _ => None,
            })
            .collect();
        match column {
            Some(column) => {
                node_slots.push(slot);
                columns.push(column);
            }
            None => value_slots.push(slot),
        }
    }
    // Row by row: each row's node slots in order.
    let dense = (0..rows.len())
        .flat_map(|i| columns.iter().filter_map(move |c| c.get(i).copied()))
        .collect();
    Seeds::Rows { node_slots, value_slots, dense, rows: rows.len() }
}
