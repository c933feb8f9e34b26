//! Updating operators: `CREATE`, `MERGE`, `SET`/`REMOVE`, `DELETE`, `FOREACH`. Each drains its
//! input before writing (a clause never sees rows it is creating), then writes row by row into
//! the statement's overlay.

use std::collections::BTreeMap;

use namidb_graph::model::{NodeRecord, Properties};
use namidb_query::plan::{CreatePattern, SetOp};
use namidb_query::{Expr, Plan};
use namidb_value::Value;

use super::relational::blocking;
use super::{drain, Operator, Row};
use crate::context::ExecContext;
use crate::convert::to_property;
use crate::error::{ExecError, Result};
use crate::eval::{eval, properties_of};
use crate::graph::Dir;

fn stored_map(v: &Value, ctx: &ExecContext<'_>) -> Result<Properties> {
    let mut out = Properties::new();
    match v {
        Value::Null => {}
        Value::Map(m) => {
            for (k, item) in m.iter() {
                if !item.is_null() {
                    out.insert(k.clone(), to_property(item)?);
                }
            }
        }
        Value::Node(_) | Value::Relationship(_) => {
            for (k, item) in properties_of(v, ctx)? {
                out.insert(k, to_property(&item)?);
            }
        }
        other => {
            return Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("expected a map of properties, got {}", other.type_name()),
            ))
        }
    }
    Ok(out)
}

fn node_of(v: &Value, what: &str) -> Result<Option<u64>> {
    match v {
        Value::Node(id) => Ok(Some(*id)),
        Value::Null => Ok(None),
        other => Err(ExecError::type_error(
            "InvalidArgumentType",
            format!("{what} expects a node, got {}", other.type_name()),
        )),
    }
}

/// `MERGE` cannot match or create a property equal to null.
fn reject_null_properties(pattern: &CreatePattern, row: &Row, ctx: &ExecContext<'_>) -> Result<()> {
    let maps = pattern
        .nodes
        .iter()
        .map(|n| &n.properties)
        .chain(pattern.rels.iter().map(|r| &r.properties));
    for map in maps.flatten() {
        if let Value::Map(m) = eval(map, row, ctx)? {
            if let Some((k, _)) = m.iter().find(|(_, v)| v.is_null()) {
                return Err(ExecError::cypher(
                    "SemanticError",
                    "MergeReadOwnWrites",
                    format!("cannot merge using null property value for `{k}`"),
                ));
            }
        }
    }
    Ok(())
}

/// Creates `pattern` for `row`.
fn create(pattern: &CreatePattern, row: &mut Row, ctx: &ExecContext<'_>) -> Result<()> {
    for node in &pattern.nodes {
        if node.bound {
            continue;
        }
        let props = match &node.properties {
            Some(p) => stored_map(&eval(p, row, ctx)?, ctx)?,
            None => Properties::new(),
        };
        row[node.slot] = Value::Node(ctx.graph.create_node(node.labels.clone(), props)?);
    }
    for rel in &pattern.rels {
        let (Some(src), Some(dst)) =
            (node_of(&row[rel.src], "CREATE")?, node_of(&row[rel.dst], "CREATE")?)
        else {
            return Err(ExecError::cypher(
                "SemanticError",
                "CreateWithNullEndpoint",
                "cannot create a relationship with a null endpoint",
            ));
        };
        if ctx.graph.is_deleted_node(src) || ctx.graph.is_deleted_node(dst) {
            return Err(ExecError::cypher(
                "EntityNotFound",
                "DeletedEntityAccess",
                "endpoint was deleted",
            ));
        }
        let props = match &rel.properties {
            Some(p) => stored_map(&eval(p, row, ctx)?, ctx)?,
            None => Properties::new(),
        };
        row[rel.slot] =
            Value::Relationship(ctx.graph.create_rel(&rel.rel_type, src, dst, props)?);
    }
    for (slot, path) in &pattern.paths {
        row[*slot] = eval(path, row, ctx)?;
    }
    Ok(())
}

fn update_node(ctx: &ExecContext<'_>, id: u64, f: impl FnOnce(&mut NodeRecord)) -> Result<()> {
    let Some(record) = ctx.graph.node(id)? else {
        if ctx.graph.is_deleted_node(id) {
            return Err(ExecError::cypher(
                "EntityNotFound",
                "DeletedEntityAccess",
                "the node was deleted",
            ));
        }
        return Ok(());
    };
    let mut record = (*record).clone();
    f(&mut record);
    ctx.graph.set_node(id, record);
    Ok(())
}

fn set_properties(
    target: &Value,
    ctx: &ExecContext<'_>,
    f: impl FnOnce(&mut Properties),
) -> Result<()> {
    match target {
        Value::Null => Ok(()),
        Value::Node(id) => update_node(ctx, *id, |r| f(&mut r.properties)),
        Value::Relationship(rel) => {
            let Some(props) = ctx.graph.rel_properties(rel)? else {
                return Err(ExecError::cypher(
                    "EntityNotFound",
                    "DeletedEntityAccess",
                    "the relationship was deleted",
                ));
            };
            let mut props = (*props).clone();
            f(&mut props);
            ctx.graph.set_rel_properties(rel, props);
            Ok(())
        }
        other => Err(ExecError::type_error(
            "InvalidArgumentType",
            format!("cannot set properties on a {}", other.type_name()),
        )),
    }
}

/// Applies set/remove items to `row`.
pub(crate) fn apply_set(items: &[SetOp], row: &Row, ctx: &ExecContext<'_>) -> Result<()> {
    for item in items {
        match item {
            SetOp::Property { target, key, value } => {
                let target = eval(target, row, ctx)?;
                let value = eval(value, row, ctx)?;
                let stored = if value.is_null() { None } else { Some(to_property(&value)?) };
                set_properties(&target, ctx, |props| match stored {
                    Some(v) => {
                        props.insert(key.clone(), v);
                    }
                    None => {
                        props.remove(key);
                    }
                })?;
            }
            SetOp::Properties { target, value, merge } => {
                let target_value = row[*target].clone();
                let value = eval(value, row, ctx)?;
                let removals: Vec<String> = match &value {
                    Value::Map(m) if *merge => {
                        m.iter().filter(|(_, v)| v.is_null()).map(|(k, _)| k.clone()).collect()
                    }
                    _ => Vec::new(),
                };
                let new = stored_map(&value, ctx)?;
                set_properties(&target_value, ctx, |props| {
                    if !*merge {
                        props.clear();
                    }
                    for k in removals {
                        props.remove(&k);
                    }
                    props.extend(new);
                })?;
            }
            SetOp::Labels { target, labels, add } => {
                let Some(id) = node_of(&row[*target], "SET")? else { continue };
                update_node(ctx, id, |record| {
                    if *add {
                        record.labels.extend(labels.iter().cloned());
                        record.labels.sort();
                        record.labels.dedup();
                    } else {
                        record.labels.retain(|l| !labels.contains(l));
                    }
                })?;
            }
        }
    }
    Ok(())
}

fn delete(targets: &[Expr], detach: bool, rows: &[Row], ctx: &ExecContext<'_>) -> Result<()> {
    let mut nodes = BTreeMap::new();
    for row in rows {
        for target in targets {
            match eval(target, row, ctx)? {
                Value::Null => {}
                Value::Node(id) => {
                    nodes.insert(id, ());
                }
                Value::Relationship(rel) => ctx.graph.delete_rel(&rel),
                Value::Path(path) => {
                    for rel in &path.rels {
                        ctx.graph.delete_rel(&std::sync::Arc::new(rel.clone()));
                    }
                    for id in &path.nodes {
                        nodes.insert(*id, ());
                    }
                }
                other => {
                    return Err(ExecError::type_error(
                        "InvalidArgumentType",
                        format!(
                            "DELETE expects a node, relationship or path, got {}",
                            other.type_name()
                        ),
                    ))
                }
            }
        }
    }
    for id in nodes.keys() {
        let rels = ctx.graph.expand(*id, &[], Dir::Both)?;
        if !rels.is_empty() {
            if !detach {
                return Err(ExecError::cypher(
                    "ConstraintValidationFailed",
                    "DeleteConnectedNode",
                    "cannot delete a node that still has relationships; use DETACH DELETE",
                ));
            }
            for (rel, _) in rels {
                ctx.graph.delete_rel(&rel);
            }
        }
        if ctx.graph.node(*id)?.is_some() {
            ctx.graph.delete_node(*id);
        }
    }
    Ok(())
}

pub(crate) fn build<'p>(plan: &'p Plan, input: Box<dyn Operator + 'p>) -> Box<dyn Operator + 'p> {
    match plan {
        Plan::Create { pattern, .. } => blocking(
            input,
            Box::new(move |mut rows, ctx| {
                for row in rows.iter_mut() {
                    create(pattern, row, ctx)?;
                }
                Ok(rows)
            }),
        ),
        Plan::Merge { matcher, create: pattern, on_match, on_create, .. } => blocking(
            input,
            Box::new(move |rows, ctx| {
                let mut out = Vec::new();
                for mut row in rows {
                    reject_null_properties(pattern, &row, ctx)?;
                    let matches = drain(matcher, &row, ctx)?;
                    if matches.is_empty() {
                        create(pattern, &mut row, ctx)?;
                        apply_set(on_create, &row, ctx)?;
                        out.push(row);
                    } else {
                        for m in matches {
                            apply_set(on_match, &m, ctx)?;
                            out.push(m);
                        }
                    }
                }
                Ok(out)
            }),
        ),
        Plan::SetItems { items, .. } => blocking(
            input,
            Box::new(move |rows, ctx| {
                for row in &rows {
                    apply_set(items, row, ctx)?;
                }
                Ok(rows)
            }),
        ),
        Plan::Delete { targets, detach, .. } => blocking(
            input,
            Box::new(move |rows, ctx| {
                delete(targets, *detach, &rows, ctx)?;
                Ok(rows)
            }),
        ),
        Plan::Foreach { list, slot, body, .. } => blocking(
            input,
            Box::new(move |rows, ctx| {
                for row in &rows {
                    let items = match eval(list, row, ctx)? {
                        Value::Null => continue,
                        Value::List(items) => items,
                        other => {
                            return Err(ExecError::type_error(
                                "InvalidArgumentType",
                                format!("FOREACH expects a list, got {}", other.type_name()),
                            ))
                        }
                    };
                    for item in items.iter() {
                        let mut inner = row.clone();
                        inner[*slot] = item.clone();
                        drain(body, &inner, ctx)?;
                    }
                }
                Ok(rows)
            }),
        ),
        _ => input,
    }
}
