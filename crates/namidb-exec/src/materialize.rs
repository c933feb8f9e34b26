//! Turning result values into what users see: graph elements with their labels, types and
//! properties as of the end of the statement.

use std::sync::Arc;

use namidb_value::{NodeData, PathData, RelData, RelRef, ResultValue, Value};

use crate::convert::to_value;
use crate::error::Result;
use crate::graph::TxGraph;

fn node(graph: &TxGraph, id: u64) -> Result<NodeData> {
    let record = graph.node(id)?;
    Ok(match record {
        Some(r) => NodeData {
            id,
            labels: r.labels.clone(),
            properties: r
                .properties
                .iter()
                .map(|(k, v)| {
                    (k.clone(), materialize(graph, &to_value(v)).unwrap_or(ResultValue::Null))
                })
                .collect(),
        },
        None => NodeData { id, labels: Vec::new(), properties: Default::default() },
    })
}

fn rel(graph: &TxGraph, r: &RelRef) -> Result<RelData> {
    let props = graph.rel_properties(r)?;
    let mut properties = std::collections::BTreeMap::new();
    for (k, v) in props.iter().flat_map(|p| p.iter()) {
        properties.insert(k.clone(), materialize(graph, &to_value(v))?);
    }
    Ok(RelData { id: r.id, rel_type: r.rel_type.to_string(), src: r.src, dst: r.dst, properties })
}

/// `v` with its graph elements read from `graph`.
pub fn materialize(graph: &TxGraph, v: &Value) -> Result<ResultValue> {
    Ok(match v {
        Value::Null => ResultValue::Null,
        Value::Bool(b) => ResultValue::Bool(*b),
        Value::Int(i) => ResultValue::Int(*i),
        Value::Float(f) => ResultValue::Float(*f),
        Value::String(s) => ResultValue::String(s.to_string()),
        Value::Bytes(b) => ResultValue::Bytes(b.to_vec()),
        Value::List(items) => {
            ResultValue::List(items.iter().map(|i| materialize(graph, i)).collect::<Result<_>>()?)
        }
        Value::Map(m) => ResultValue::Map(
            m.iter()
                .map(|(k, i)| Ok((k.clone(), materialize(graph, i)?)))
                .collect::<Result<_>>()?,
        ),
        Value::Node(id) => ResultValue::Node(Arc::new(node(graph, *id)?)),
        Value::Relationship(r) => ResultValue::Relationship(Arc::new(rel(graph, r)?)),
        Value::Path(p) => ResultValue::Path(Arc::new(PathData {
            nodes: p.nodes.iter().map(|n| node(graph, *n)).collect::<Result<_>>()?,
            rels: p.rels.iter().map(|r| rel(graph, r)).collect::<Result<_>>()?,
        })),
        Value::Date(d) => ResultValue::Date(*d),
        Value::LocalTime(t) => ResultValue::LocalTime(*t),
        Value::Time(t) => ResultValue::Time(*t),
        Value::LocalDateTime(t) => ResultValue::LocalDateTime(*t),
        Value::DateTime(t) => ResultValue::DateTime((**t).clone()),
        Value::Duration(d) => ResultValue::Duration(*d),
    })
}
