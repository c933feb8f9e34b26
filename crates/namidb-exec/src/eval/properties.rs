//! Reading graph elements through the statement's view: labels, properties, and property access
//! on maps, nodes, relationships and temporal values.

use std::collections::BTreeMap;
use std::sync::Arc;

use namidb_value::Value;

use crate::context::ExecContext;
use crate::convert::{properties_to_values, to_value};
use crate::error::{ExecError, Result};

fn deleted(what: &str) -> ExecError {
    ExecError::cypher(
        "EntityNotFound",
        "DeletedEntityAccess",
        format!("the {what} was deleted in this statement"),
    )
}

/// The labels of node `id` (shared with the statement's interned label sets, not copied).
pub fn labels_of(id: u64, ctx: &ExecContext<'_>) -> Result<Arc<[String]>> {
    match ctx.graph.node_labels(id)? {
        Some(labels) => Ok(labels),
        None if ctx.graph.is_deleted_node(id) => Err(deleted("node")),
        None => Ok(Arc::from([])),
    }
}

/// Every property of a node, relationship or map.
pub fn properties_of(v: &Value, ctx: &ExecContext<'_>) -> Result<BTreeMap<String, Value>> {
    Ok(match v {
        Value::Null => BTreeMap::new(),
        Value::Map(m) => (**m).clone(),
        Value::Node(id) => match ctx.graph.node(*id)? {
            Some(record) => properties_to_values(&record.properties),
            None if ctx.graph.is_deleted_node(*id) => return Err(deleted("node")),
            None => BTreeMap::new(),
        },
        Value::Relationship(r) => match ctx.graph.rel_properties(r)? {
            Some(props) => properties_to_values(&props),
            None => return Err(deleted("relationship")),
        },
        other => {
            return Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("expected a map, node or relationship, got {}", other.type_name()),
            ))
        }
    })
}

/// `v.key`.
pub fn property(v: &Value, key: &str, ctx: &ExecContext<'_>) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Map(m) => m.get(key).cloned().unwrap_or(Value::Null),
        Value::Node(id) => match ctx.graph.node_property(*id, key)? {
            Some(value) => value,
            None if ctx.graph.is_deleted_node(*id) => return Err(deleted("node")),
            None => Value::Null,
        },
        Value::Relationship(r) => match ctx.graph.rel_properties(r)? {
            Some(props) => props.get(key).map(to_value).unwrap_or(Value::Null),
            None => return Err(deleted("relationship")),
        },
        Value::Date(_)
        | Value::LocalTime(_)
        | Value::Time(_)
        | Value::LocalDateTime(_)
        | Value::DateTime(_)
        | Value::Duration(_) => crate::temporal_ops::component(v, key)?,
        other => {
            return Err(ExecError::type_error(
                "PropertyAccessOnNonMap",
                format!("cannot read property `{key}` of a {}", other.type_name()),
            ))
        }
    })
}
