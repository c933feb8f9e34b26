//! Operators: boolean logic, comparison, arithmetic (integer overflow is an error), string and
//! list operators, indexing and slicing.

use std::cmp::Ordering;

use namidb_query::expr::BinaryOp;
use namidb_value::compare::{compare, equals};
use namidb_value::Value;

use crate::context::ExecContext;
use crate::error::{ExecError, Result};

/// Whether a predicate's value keeps a row (`true` only).
pub fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

pub(crate) fn not_boolean(v: &Value) -> ExecError {
    ExecError::type_error(
        "InvalidArgumentType",
        format!("expected a boolean, got {}", v.type_name()),
    )
}

fn as_logic(v: &Value) -> Result<Option<bool>> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        other => Err(not_boolean(other)),
    }
}

fn bool_or_null(b: Option<bool>) -> Value {
    b.map(Value::Bool).unwrap_or(Value::Null)
}

fn overflow() -> ExecError {
    ExecError::cypher("ArithmeticError", "IntegerOverflow", "integer overflow")
}

fn type_mismatch(op: &str, a: &Value, b: &Value) -> ExecError {
    ExecError::type_error(
        "InvalidArgumentType",
        format!("cannot apply {op} to {} and {}", a.type_name(), b.type_name()),
    )
}

/// `-v`.
pub(crate) fn negate(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(overflow)?),
        Value::Float(f) => Value::Float(-f),
        Value::Duration(d) => crate::temporal_ops::negate(d)?,
        other => {
            return Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("cannot negate {}", other.type_name()),
            ))
        }
    })
}

fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    let name = match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        _ => "^",
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let (x, y) = (*x, *y);
            Ok(Value::Int(match op {
                BinaryOp::Add => x.checked_add(y).ok_or_else(overflow)?,
                BinaryOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
                BinaryOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
                BinaryOp::Div => {
                    if y == 0 {
                        return Err(ExecError::cypher(
                            "ArithmeticError",
                            "DivisionByZero",
                            "/ by zero",
                        ));
                    }
                    x.checked_div(y).ok_or_else(overflow)?
                }
                BinaryOp::Mod => {
                    if y == 0 {
                        return Err(ExecError::cypher(
                            "ArithmeticError",
                            "DivisionByZero",
                            "% by zero",
                        ));
                    }
                    x.checked_rem(y).unwrap_or(0)
                }
                _ => return Ok(Value::Float((x as f64).powf(y as f64))),
            }))
        }
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (x, y) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            Ok(Value::Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                _ => x.powf(y),
            }))
        }
        _ => {
            if let Some(v) = crate::temporal_ops::arithmetic(op, a, b)? {
                return Ok(v);
            }
            Err(type_mismatch(name, a, b))
        }
    }
}

fn add(a: &Value, b: &Value) -> Result<Value> {
    Ok(match (a, b) {
        (Value::String(x), Value::String(y)) => Value::string(format!("{x}{y}")),
        (Value::String(x), Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
            Value::string(format!("{x}{}", scalar_text(b)))
        }
        (Value::Int(_) | Value::Float(_) | Value::Bool(_), Value::String(y)) => {
            Value::string(format!("{}{y}", scalar_text(a)))
        }
        (Value::List(x), Value::List(y)) => {
            let mut out = Vec::with_capacity(x.len() + y.len());
            out.extend(x.iter().cloned());
            out.extend(y.iter().cloned());
            Value::list(out)
        }
        (Value::List(x), other) => {
            let mut out: Vec<Value> = x.iter().cloned().collect();
            out.push(other.clone());
            Value::list(out)
        }
        (other, Value::List(y)) => {
            let mut out = vec![other.clone()];
            out.extend(y.iter().cloned());
            Value::list(out)
        }
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        _ => arithmetic(BinaryOp::Add, a, b)?,
    })
}

/// The text of a scalar in string concatenation.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Float(f) => namidb_value::display::format_float(*f),
        other => other.to_string(),
    }
}

/// A comparison of numbers where one is NaN: false, not null.
fn is_nan_comparison(a: &Value, b: &Value) -> bool {
    let nan = |v: &Value| matches!(v, Value::Float(f) if f.is_nan());
    a.as_f64().is_some() && b.as_f64().is_some() && (nan(a) || nan(b))
}

/// Applies a binary operator (not the short-circuit forms of `AND` / `OR`).
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    Ok(match op {
        BinaryOp::And => {
            let (x, y) = (as_logic(a)?, as_logic(b)?);
            match (x, y) {
                (Some(false), _) | (_, Some(false)) => Value::Bool(false),
                (Some(true), Some(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        BinaryOp::Or => {
            let (x, y) = (as_logic(a)?, as_logic(b)?);
            match (x, y) {
                (Some(true), _) | (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        BinaryOp::Xor => match (as_logic(a)?, as_logic(b)?) {
            (Some(x), Some(y)) => Value::Bool(x != y),
            _ => Value::Null,
        },
        BinaryOp::Eq => bool_or_null(equals(a, b)),
        BinaryOp::NotEq => bool_or_null(equals(a, b).map(|e| !e)),
        BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Le | BinaryOp::Ge if is_nan_comparison(a, b) => {
            Value::Bool(false)
        }
        BinaryOp::Lt => bool_or_null(compare(a, b).map(|o| o == Ordering::Less)),
        BinaryOp::Gt => bool_or_null(compare(a, b).map(|o| o == Ordering::Greater)),
        BinaryOp::Le => bool_or_null(compare(a, b).map(|o| o != Ordering::Greater)),
        BinaryOp::Ge => bool_or_null(compare(a, b).map(|o| o != Ordering::Less)),
        BinaryOp::Add => add(a, b)?,
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
            if a.is_null() || b.is_null() {
                Value::Null
            } else {
                arithmetic(op, a, b)?
            }
        }
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (a, b) {
            (Value::String(x), Value::String(y)) => Value::Bool(match op {
                BinaryOp::StartsWith => x.starts_with(&**y),
                BinaryOp::EndsWith => x.ends_with(&**y),
                _ => x.contains(&**y),
            }),
            _ => Value::Null,
        },
        BinaryOp::RegexMatch => match (a, b) {
            (Value::String(x), Value::String(pattern)) => {
                let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
                    ExecError::argument(
                        "InvalidArgumentValue",
                        format!("invalid regular expression: {e}"),
                    )
                })?;
                Value::Bool(re.is_match(x))
            }
            _ => Value::Null,
        },
        BinaryOp::In => match b {
            Value::Null => Value::Null,
            Value::List(items) => {
                let mut unknown = false;
                for item in items.iter() {
                    match equals(a, item) {
                        Some(true) => return Ok(Value::Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown {
                    Value::Null
                } else {
                    Value::Bool(false)
                }
            }
            other => {
                return Err(ExecError::type_error(
                    "InvalidArgumentType",
                    format!("IN expects a list, got {}", other.type_name()),
                ))
            }
        },
    })
}

fn list_index(len: usize, i: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if i < 0 { len + i } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

/// `base[index]`.
pub(crate) fn index(base: &Value, idx: &Value, ctx: &ExecContext<'_>) -> Result<Value> {
    Ok(match (base, idx) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::List(items), Value::Int(i)) => {
            list_index(items.len(), *i).map(|i| items[i].clone()).unwrap_or(Value::Null)
        }
        (Value::List(_), other) => {
            return Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("list index must be an integer, got {}", other.type_name()),
            ))
        }
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_), Value::String(key)) => {
            super::property(base, key, ctx)?
        }
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_), other) => {
            return Err(ExecError::type_error(
                "MapElementAccessByNonString",
                format!("map key must be a string, got {}", other.type_name()),
            ))
        }
        (other, _) => {
            return Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("cannot index a {}", other.type_name()),
            ))
        }
    })
}

/// `base[from..to]`.
pub(crate) fn slice(base: &Value, from: Option<Value>, to: Option<Value>) -> Result<Value> {
    let Value::List(items) = base else {
        return match base {
            Value::Null => Ok(Value::Null),
            other => Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("cannot slice a {}", other.type_name()),
            )),
        };
    };
    let len = items.len() as i64;
    let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>> {
        match v {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
            Some(other) => Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("slice bounds must be integers, got {}", other.type_name()),
            )),
        }
    };
    let (Some(start), Some(end)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Value::Null);
    };
    if start >= end {
        return Ok(Value::list(Vec::new()));
    }
    Ok(Value::list(items[start as usize..end as usize].to_vec()))
}
