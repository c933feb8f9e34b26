//! Expression evaluation over one row.
//!
//! Three-valued logic: `AND`/`OR`/`XOR`/`NOT` follow Kleene; comparisons with null yield null;
//! a `WHERE` keeps a row only for `true`. Comprehension variables live in their own slots of a
//! copy of the row.

mod functions;
mod ops;
mod properties;

use std::collections::BTreeMap;
use std::sync::Arc;

use namidb_query::expr::{BinaryOp, Expr, LabelPredicate, MapProjectionItem, PathPart, Quantifier};
use namidb_value::compare::equals;
use namidb_value::{PathValue, Value};

use crate::context::ExecContext;
use crate::error::{ExecError, Result};
use crate::operators::run_subquery;

pub use functions::call_function;
pub use ops::{binary, truthy};
pub(crate) use ops::{negate, not_boolean};
pub use properties::{labels_of, properties_of, property};

/// Evaluates `expr` on `row`.
pub fn eval(expr: &Expr, row: &[Value], ctx: &ExecContext<'_>) -> Result<Value> {
    Ok(match expr {
        Expr::Const(v) => v.clone(),
        Expr::Param(name) => ctx.params.get(name).cloned().ok_or_else(|| {
            ExecError::cypher(
                "ParameterMissing",
                "MissingParameter",
                format!("parameter ${name} not supplied"),
            )
        })?,
        Expr::Slot(slot) => row.get(*slot).cloned().unwrap_or(Value::Null),
        Expr::Property(base, key) => property(&eval(base, row, ctx)?, key, ctx)?,
        Expr::Index(base, index) => {
            ops::index(&eval(base, row, ctx)?, &eval(index, row, ctx)?, ctx)?
        }
        Expr::Slice(base, from, to) => {
            let from = from.as_ref().map(|e| eval(e, row, ctx)).transpose()?;
            let to = to.as_ref().map(|e| eval(e, row, ctx)).transpose()?;
            ops::slice(&eval(base, row, ctx)?, from, to)?
        }
        Expr::HasLabels(base, predicate) => match eval(base, row, ctx)? {
            Value::Null => Value::Null,
            Value::Node(id) => Value::Bool(label_match(predicate, &labels_of(id, ctx)?)),
            Value::Relationship(r) => Value::Bool(match predicate {
                LabelPredicate::Name(t) => *t == *r.rel_type,
                other => label_match(other, &[r.rel_type.to_string()]),
            }),
            other => {
                return Err(ExecError::type_error(
                    "InvalidArgumentType",
                    format!("expected a node, got {}", other.type_name()),
                ))
            }
        },
        Expr::Not(e) => match eval(e, row, ctx)? {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(!b),
            other => return Err(not_boolean(&other)),
        },
        Expr::Neg(e) => negate(&eval(e, row, ctx)?)?,
        Expr::Binary(BinaryOp::And, l, r) => {
            let left = eval(l, row, ctx)?;
            if matches!(left, Value::Bool(false)) {
                check_boolean(&eval(r, row, ctx)?)?;
                return Ok(Value::Bool(false));
            }
            binary(BinaryOp::And, &left, &eval(r, row, ctx)?)?
        }
        Expr::Binary(BinaryOp::Or, l, r) => {
            let left = eval(l, row, ctx)?;
            if matches!(left, Value::Bool(true)) {
                check_boolean(&eval(r, row, ctx)?)?;
                return Ok(Value::Bool(true));
            }
            binary(BinaryOp::Or, &left, &eval(r, row, ctx)?)?
        }
        Expr::Binary(op, l, r) => binary(*op, &eval(l, row, ctx)?, &eval(r, row, ctx)?)?,
        Expr::IsNull(e, negated) => Value::Bool(eval(e, row, ctx)?.is_null() != *negated),
        Expr::Call(name, args) => {
            let values = args.iter().map(|a| eval(a, row, ctx)).collect::<Result<Vec<_>>>()?;
            call_function(name, values, ctx)?
        }
        Expr::Case { operand, alternatives, default } => {
            case(operand.as_deref(), alternatives, default.as_deref(), |e| eval(e, row, ctx))?
        }
        Expr::List(items) => {
            Value::list(items.iter().map(|e| eval(e, row, ctx)).collect::<Result<Vec<_>>>()?)
        }
        Expr::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, e) in entries {
                map.insert(k.clone(), eval(e, row, ctx)?);
            }
            Value::map(map)
        }
        Expr::ListComprehension { slot, list, filter, map } => {
            let Some(items) = list_or_null(eval(list, row, ctx)?)? else { return Ok(Value::Null) };
            let mut scratch = row.to_vec();
            let mut out = Vec::new();
            for item in items.iter() {
                set_slot(&mut scratch, *slot, item.clone());
                if let Some(f) = filter {
                    if !truthy(&eval(f, &scratch, ctx)?) {
                        continue;
                    }
                }
                out.push(match map {
                    Some(m) => eval(m, &scratch, ctx)?,
                    None => item.clone(),
                });
            }
            Value::list(out)
        }
        Expr::Quantified { quantifier, slot, list, filter } => {
            let Some(items) = list_or_null(eval(list, row, ctx)?)? else { return Ok(Value::Null) };
            let mut scratch = row.to_vec();
            let (mut trues, mut nulls) = (0usize, 0usize);
            for item in items.iter() {
                set_slot(&mut scratch, *slot, item.clone());
                match eval(filter, &scratch, ctx)? {
                    Value::Bool(true) => trues += 1,
                    Value::Null => nulls += 1,
                    _ => {}
                }
            }
            let n = items.len();
            let falses = n - trues - nulls;
            match quantifier {
                Quantifier::All if falses > 0 => Value::Bool(false),
                Quantifier::All if nulls > 0 => Value::Null,
                Quantifier::All => Value::Bool(true),
                Quantifier::Any if trues > 0 => Value::Bool(true),
                Quantifier::Any if nulls > 0 => Value::Null,
                Quantifier::Any => Value::Bool(false),
                Quantifier::None if trues > 0 => Value::Bool(false),
                Quantifier::None if nulls > 0 => Value::Null,
                Quantifier::None => Value::Bool(true),
                Quantifier::Single if trues > 1 => Value::Bool(false),
                Quantifier::Single if nulls > 0 => Value::Null,
                Quantifier::Single => Value::Bool(trues == 1),
            }
        }
        Expr::Reduce { accumulator, init, slot, list, expr } => {
            let mut acc = eval(init, row, ctx)?;
            let Some(items) = list_or_null(eval(list, row, ctx)?)? else { return Ok(Value::Null) };
            let mut scratch = row.to_vec();
            for item in items.iter() {
                set_slot(&mut scratch, *accumulator, acc);
                set_slot(&mut scratch, *slot, item.clone());
                acc = eval(expr, &scratch, ctx)?;
            }
            acc
        }
        Expr::MapProjection(base, items) => {
            let base = eval(base, row, ctx)?;
            if base.is_null() {
                return Ok(Value::Null);
            }
            let mut map = BTreeMap::new();
            for item in items {
                match item {
                    MapProjectionItem::Property(key) => {
                        map.insert(key.clone(), property(&base, key, ctx)?);
                    }
                    MapProjectionItem::AllProperties => map.extend(properties_of(&base, ctx)?),
                    MapProjectionItem::Entry(key, e) => {
                        map.insert(key.clone(), eval(e, row, ctx)?);
                    }
                }
            }
            Value::map(map)
        }
        Expr::Path(parts) => build_path(parts, row)?,
        Expr::Subquery(plan, kind) => run_subquery(plan, kind, row, ctx)?,
    })
}

fn check_boolean(v: &Value) -> Result<()> {
    match v {
        Value::Null | Value::Bool(_) => Ok(()),
        other => Err(not_boolean(other)),
    }
}

fn set_slot(row: &mut Vec<Value>, slot: usize, value: Value) {
    if row.len() <= slot {
        row.resize(slot + 1, Value::Null);
    }
    row[slot] = value;
}

fn list_or_null(v: Value) -> Result<Option<Arc<Vec<Value>>>> {
    match v {
        Value::Null => Ok(None),
        Value::List(items) => Ok(Some(items)),
        other => Err(ExecError::type_error(
            "InvalidArgumentType",
            format!("expected a list, got {}", other.type_name()),
        )),
    }
}

/// Whether `labels` satisfy `predicate`.
pub fn label_match(predicate: &LabelPredicate, labels: &[String]) -> bool {
    match predicate {
        LabelPredicate::Name(l) => labels.iter().any(|x| x == l),
        LabelPredicate::And(parts) => parts.iter().all(|p| label_match(p, labels)),
        LabelPredicate::Or(parts) => parts.iter().any(|p| label_match(p, labels)),
        LabelPredicate::Not(inner) => !label_match(inner, labels),
        LabelPredicate::Wildcard => !labels.is_empty(),
    }
}

/// Builds a path from nodes, relationships and relationship lists in slots.
fn build_path(parts: &[PathPart], row: &[Value]) -> Result<Value> {
    let get = |slot: &usize| row.get(*slot).cloned().unwrap_or(Value::Null);
    let mut nodes: Vec<u64> = Vec::new();
    let mut rels = Vec::new();
    for part in parts {
        match part {
            PathPart::Node(slot) => match get(slot) {
                Value::Node(id) => {
                    if nodes.len() == rels.len() {
                        nodes.push(id);
                    }
                }
                Value::Null => return Ok(Value::Null),
                other => return Err(bad_path(&other)),
            },
            PathPart::Rel(slot) => match get(slot) {
                Value::Relationship(r) => {
                    step(&mut nodes, &mut rels, &r)?;
                }
                Value::Null => return Ok(Value::Null),
                other => return Err(bad_path(&other)),
            },
            PathPart::RelList(slot) => match get(slot) {
                Value::List(items) => {
                    let current = nodes.last().copied();
                    let list: Vec<&Value> = match items.first() {
                        Some(Value::Relationship(first))
                            if current.is_some_and(|c| first.src != c && first.dst != c) =>
                        {
                            items.iter().rev().collect()
                        }
                        _ => items.iter().collect(),
                    };
                    for item in list {
                        let Value::Relationship(r) = item else { return Err(bad_path(item)) };
                        step(&mut nodes, &mut rels, r)?;
                    }
                }
                Value::Null => return Ok(Value::Null),
                other => return Err(bad_path(&other)),
            },
        }
    }
    Ok(Value::Path(Arc::new(PathValue { nodes, rels })))
}

fn step(
    nodes: &mut Vec<u64>,
    rels: &mut Vec<namidb_value::RelRef>,
    r: &namidb_value::RelRef,
) -> Result<()> {
    let current = *nodes.last().ok_or_else(|| bad_path(&Value::Null))?;
    let next = if r.src == current { r.dst } else { r.src };
    rels.push(r.clone());
    nodes.push(next);
    Ok(())
}

fn bad_path(v: &Value) -> ExecError {
    ExecError::type_error(
        "InvalidArgumentType",
        format!("cannot build a path from {}", v.type_name()),
    )
}

/// `CASE`: the `THEN` of the first alternative whose `WHEN` is true (or, with an operand, equals
/// it), else the default (else null), each part evaluated by `eval` only when reached. Shared by
/// the row executor and the pipelines, whatever their expressions are.
pub(crate) fn case<E>(
    operand: Option<&E>,
    alternatives: &[(E, E)],
    default: Option<&E>,
    mut eval: impl FnMut(&E) -> Result<Value>,
) -> Result<Value> {
    let operand = operand.map(&mut eval).transpose()?;
    for (when, then) in alternatives {
        let w = eval(when)?;
        let hit = match &operand {
            Some(o) => equals(o, &w) == Some(true),
            None => matches!(w, Value::Bool(true)),
        };
        if hit {
            return eval(then);
        }
    }
    default.map_or(Ok(Value::Null), eval)
}
