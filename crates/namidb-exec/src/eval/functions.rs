//! Scalar functions: graph, list, string, conversion and numeric functions, plus the internal
//! helpers the binder emits (`__distinct_relationships`, `__properties_match`, `__positive`).

use std::sync::Arc;

use namidb_value::compare::equals;
use namidb_value::Value;

use super::properties::{labels_of, properties_of};
use crate::context::ExecContext;
use crate::error::{ExecError, Result};

fn arg_type(name: &str, v: &Value) -> ExecError {
    ExecError::type_error(
        "InvalidArgumentType",
        format!("{name}() does not accept a {} argument", v.type_name()),
    )
}

fn arity(name: &str, args: &[Value], n: usize) -> Result<()> {
    if args.len() == n {
        Ok(())
    } else {
        Err(ExecError::cypher(
            "SyntaxError",
            "InvalidNumberOfArguments",
            format!("{name}() takes {n} argument(s), got {}", args.len()),
        ))
    }
}

fn int_arg(name: &str, v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(ExecError::argument(
            "InvalidArgumentType",
            format!("{name}() expects an integer, got {}", other.type_name()),
        )),
    }
}

fn invalid_value(name: &str, v: &Value) -> ExecError {
    ExecError::type_error(
        "InvalidArgumentValue",
        format!("{name}() does not accept a {} argument", v.type_name()),
    )
}

fn float_of(name: &str, v: &Value) -> Result<f64> {
    v.as_f64().ok_or_else(|| arg_type(name, v))
}

/// Parses a string as an integer the way `toInteger` does (`"12"`, `" 12 "`, `"1.9"` → 1).
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    t.parse::<i64>().ok().or_else(|| {
        let f = t.parse::<f64>().ok()?;
        (f.is_finite() && f.abs() < 9.2e18).then_some(f.trunc() as i64)
    })
}

fn to_string_value(name: &str, v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::String(_) => v.clone(),
        Value::Int(i) => Value::string(i.to_string()),
        Value::Float(f) => Value::string(namidb_value::display::format_float(*f)),
        Value::Bool(b) => Value::string(b.to_string()),
        Value::Date(d) => Value::string(d.to_string()),
        Value::LocalTime(t) => Value::string(t.to_string()),
        Value::Time(t) => Value::string(t.to_string()),
        Value::LocalDateTime(t) => Value::string(t.to_string()),
        Value::DateTime(t) => Value::string(t.to_string()),
        Value::Duration(d) => Value::string(d.to_string()),
        other => return Err(arg_type(name, other)),
    })
}

fn math1(name: &str, args: &[Value], f: fn(f64) -> f64) -> Result<Value> {
    arity(name, args, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v => Ok(Value::Float(f(float_of(name, v)?))),
    }
}

fn string_fn(name: &str, args: &[Value], f: impl Fn(&str) -> String) -> Result<Value> {
    arity(name, args, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::string(f(s))),
        other => Err(arg_type(name, other)),
    }
}

/// Calls scalar function `name` (lower case) on evaluated arguments.
pub fn call_function(name: &str, args: Vec<Value>, ctx: &ExecContext<'_>) -> Result<Value> {
    let a = args.as_slice();
    let first = a.first().cloned().unwrap_or(Value::Null);
    Ok(match name {
        "__positive" => match first {
            Value::Int(_) | Value::Float(_) | Value::Null | Value::Duration(_) => first,
            other => return Err(arg_type("+", &other)),
        },
        "__distinct_relationships" => {
            let mut seen = std::collections::HashSet::new();
            for v in a {
                let ids: Vec<u64> = match v {
                    Value::Relationship(r) => vec![r.id],
                    Value::List(items) => items
                        .iter()
                        .filter_map(|i| match i {
                            Value::Relationship(r) => Some(r.id),
                            _ => None,
                        })
                        .collect(),
                    _ => vec![],
                };
                for id in ids {
                    if !seen.insert(id) {
                        return Ok(Value::Bool(false));
                    }
                }
            }
            Value::Bool(true)
        }
        "__properties_match" => {
            let actual = properties_of(&first, ctx)?;
            let wanted = match a.get(1) {
                Some(Value::Map(m)) => m.clone(),
                Some(Value::Null) | None => return Ok(Value::Null),
                Some(other) => return Err(arg_type("properties", other)),
            };
            Value::Bool(
                wanted
                    .iter()
                    .all(|(k, v)| actual.get(k).is_some_and(|x| equals(x, v) == Some(true))),
            )
        }
        "id" => match first {
            Value::Null => Value::Null,
            Value::Node(id) => Value::Int(id as i64),
            Value::Relationship(r) => Value::Int(r.id as i64),
            other => return Err(arg_type(name, &other)),
        },
        "elementid" => match first {
            Value::Null => Value::Null,
            Value::Node(id) => Value::string(format!("n{id}")),
            Value::Relationship(r) => Value::string(format!("r{}", r.id)),
            other => return Err(arg_type(name, &other)),
        },
        "labels" => match first {
            Value::Null => Value::Null,
            Value::Node(id) => Value::list(labels_of(id, ctx)?.iter().map(Value::string).collect()),
            other => return Err(invalid_value(name, &other)),
        },
        "type" => match first {
            Value::Null => Value::Null,
            Value::Relationship(r) => Value::String(r.rel_type.clone()),
            other => return Err(invalid_value(name, &other)),
        },
        "startnode" | "endnode" => match first {
            Value::Null => Value::Null,
            Value::Relationship(r) => Value::Node(if name == "startnode" { r.src } else { r.dst }),
            other => return Err(arg_type(name, &other)),
        },
        "properties" => match first {
            Value::Null => Value::Null,
            Value::Map(_) | Value::Node(_) | Value::Relationship(_) => {
                Value::map(properties_of(&first, ctx)?)
            }
            other => return Err(arg_type(name, &other)),
        },
        "keys" => match first {
            Value::Null => Value::Null,
            Value::Map(_) | Value::Node(_) | Value::Relationship(_) => Value::list(
                properties_of(&first, ctx)?
                    .into_iter()
                    .filter(|(_, v)| {
                        !matches!(first, Value::Node(_) | Value::Relationship(_)) || !v.is_null()
                    })
                    .map(|(k, _)| Value::string(k))
                    .collect(),
            ),
            other => return Err(arg_type(name, &other)),
        },
        "nodes" => match first {
            Value::Null => Value::Null,
            Value::Path(p) => Value::list(p.nodes.iter().map(|n| Value::Node(*n)).collect()),
            other => return Err(arg_type(name, &other)),
        },
        "relationships" => match first {
            Value::Null => Value::Null,
            Value::Path(p) => Value::list(
                p.rels.iter().map(|r| Value::Relationship(Arc::new(r.clone()))).collect(),
            ),
            other => return Err(arg_type(name, &other)),
        },
        "length" => match first {
            Value::Null => Value::Null,
            Value::Path(p) => Value::Int(p.rels.len() as i64),
            Value::String(s) => Value::Int(s.chars().count() as i64),
            other => return Err(arg_type(name, &other)),
        },
        "size" => match first {
            Value::Null => Value::Null,
            Value::List(items) => Value::Int(items.len() as i64),
            Value::String(s) => Value::Int(s.chars().count() as i64),
            other => return Err(arg_type(name, &other)),
        },
        "isempty" => match first {
            Value::Null => Value::Null,
            Value::List(items) => Value::Bool(items.is_empty()),
            Value::String(s) => Value::Bool(s.is_empty()),
            Value::Map(m) => Value::Bool(m.is_empty()),
            other => return Err(arg_type(name, &other)),
        },
        "head" | "last" => match first {
            Value::Null => Value::Null,
            Value::List(items) => {
                let item = if name == "head" { items.first() } else { items.last() };
                item.cloned().unwrap_or(Value::Null)
            }
            other => return Err(arg_type(name, &other)),
        },
        "tail" => match first {
            Value::Null => Value::Null,
            Value::List(items) => Value::list(items.iter().skip(1).cloned().collect()),
            other => return Err(arg_type(name, &other)),
        },
        "reverse" => match first {
            Value::Null => Value::Null,
            Value::List(items) => Value::list(items.iter().rev().cloned().collect()),
            Value::String(s) => Value::string(s.chars().rev().collect::<String>()),
            other => return Err(arg_type(name, &other)),
        },
        "coalesce" => a.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null),
        "range" => {
            if a.len() == 3 {
                arity(name, a, 3)?;
            } else {
                arity(name, a, 2)?;
            }
            let start = int_arg(name, &a[0])?;
            let end = int_arg(name, &a[1])?;
            let step = match a.get(2) {
                Some(v) => int_arg(name, v)?,
                None => 1,
            };
            if step == 0 {
                return Err(ExecError::argument("NumberOutOfRange", "range() step must not be 0"));
            }
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0 && i <= end) || (step < 0 && i >= end) {
                out.push(Value::Int(i));
                i = match i.checked_add(step) {
                    Some(n) => n,
                    None => break,
                };
            }
            Value::list(out)
        }
        "tolower" | "lower" => string_fn(name, a, |s| s.to_lowercase())?,
        "toupper" | "upper" => string_fn(name, a, |s| s.to_uppercase())?,
        "trim" => string_fn(name, a, |s| s.trim().to_owned())?,
        "ltrim" => string_fn(name, a, |s| s.trim_start().to_owned())?,
        "rtrim" => string_fn(name, a, |s| s.trim_end().to_owned())?,
        "replace" => match (&first, a.get(1), a.get(2)) {
            (Value::String(s), Some(Value::String(from)), Some(Value::String(to))) => {
                Value::string(s.replace(&**from, to))
            }
            _ if a.iter().any(Value::is_null) => Value::Null,
            _ => return Err(arg_type(name, &first)),
        },
        "split" => match (&first, a.get(1)) {
            (Value::String(s), Some(Value::String(sep))) => {
                Value::list(s.split(&**sep).map(Value::string).collect())
            }
            _ if a.iter().any(Value::is_null) => Value::Null,
            _ => return Err(arg_type(name, &first)),
        },
        "substring" => {
            if first.is_null() {
                return Ok(Value::Null);
            }
            let Value::String(s) = &first else { return Err(arg_type(name, &first)) };
            let start = int_arg(name, a.get(1).unwrap_or(&Value::Null))?;
            let len = a.get(2).map(|v| int_arg(name, v)).transpose()?;
            if start < 0 || len.is_some_and(|l| l < 0) {
                return Err(ExecError::argument(
                    "NumberOutOfRange",
                    "substring() bounds must be non-negative",
                ));
            }
            let chars = s.chars().skip(start as usize);
            Value::string(match len {
                Some(l) => chars.take(l as usize).collect::<String>(),
                None => chars.collect::<String>(),
            })
        }
        "left" | "right" => {
            if first.is_null() {
                return Ok(Value::Null);
            }
            let Value::String(s) = &first else { return Err(arg_type(name, &first)) };
            let n = int_arg(name, a.get(1).unwrap_or(&Value::Null))?;
            if n < 0 {
                return Err(ExecError::argument(
                    "NumberOutOfRange",
                    format!("{name}() length must be non-negative"),
                ));
            }
            let count = s.chars().count();
            let n = (n as usize).min(count);
            Value::string(if name == "left" {
                s.chars().take(n).collect::<String>()
            } else {
                s.chars().skip(count - n).collect::<String>()
            })
        }
        "tostring" => to_string_value(name, &first)?,
        "tostringornull" => to_string_value(name, &first).unwrap_or(Value::Null),
        "tointeger" | "tointegerornull" => match &first {
            Value::Null => Value::Null,
            Value::Int(_) => first.clone(),
            Value::Float(f) => Value::Int(f.trunc() as i64),
            Value::String(s) => parse_int(s).map(Value::Int).unwrap_or(Value::Null),
            Value::Bool(b) => Value::Int(i64::from(*b)),
            other if name == "tointeger" => return Err(invalid_value(name, other)),
            _ => Value::Null,
        },
        "tofloat" | "tofloatornull" => match &first {
            Value::Null => Value::Null,
            Value::Float(_) => first.clone(),
            Value::Int(i) => Value::Float(*i as f64),
            Value::String(s) => s.trim().parse::<f64>().map(Value::Float).unwrap_or(Value::Null),
            other if name == "tofloat" => return Err(invalid_value(name, other)),
            _ => Value::Null,
        },
        "toboolean" | "tobooleanornull" => match &first {
            Value::Null => Value::Null,
            Value::Bool(_) => first.clone(),
            Value::String(s) => match s.trim().to_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            },
            Value::Int(i) => Value::Bool(*i != 0),
            other if name == "toboolean" => return Err(invalid_value(name, other)),
            _ => Value::Null,
        },
        "abs" => match first {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(i.checked_abs().ok_or_else(|| {
                ExecError::cypher("ArithmeticError", "IntegerOverflow", "integer overflow")
            })?),
            Value::Float(f) => Value::Float(f.abs()),
            other => return Err(arg_type(name, &other)),
        },
        "sign" => match first {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(i.signum()),
            Value::Float(f) => Value::Int(if f > 0.0 {
                1
            } else if f < 0.0 {
                -1
            } else {
                0
            }),
            other => return Err(arg_type(name, &other)),
        },
        "ceil" => math1(name, a, f64::ceil)?,
        "floor" => math1(name, a, f64::floor)?,
        "round" => match (&first, a.get(1)) {
            (Value::Null, _) => Value::Null,
            (v, None) => Value::Float(float_of(name, v)?.round()),
            (v, Some(p)) => {
                let f = float_of(name, v)?;
                let p = int_arg(name, p)?;
                let m = 10f64.powi(p as i32);
                Value::Float((f * m).round() / m)
            }
        },
        "sqrt" => math1(name, a, f64::sqrt)?,
        "exp" => math1(name, a, f64::exp)?,
        "log" => math1(name, a, f64::ln)?,
        "log10" => math1(name, a, f64::log10)?,
        "sin" => math1(name, a, f64::sin)?,
        "cos" => math1(name, a, f64::cos)?,
        "tan" => math1(name, a, f64::tan)?,
        "cot" => math1(name, a, |x| 1.0 / x.tan())?,
        "asin" => math1(name, a, f64::asin)?,
        "acos" => math1(name, a, f64::acos)?,
        "atan" => math1(name, a, f64::atan)?,
        "degrees" => math1(name, a, f64::to_degrees)?,
        "radians" => math1(name, a, f64::to_radians)?,
        "haversin" => math1(name, a, |x| (1.0 - x.cos()) / 2.0)?,
        "atan2" => match (&first, a.get(1)) {
            (Value::Null, _) | (_, Some(Value::Null)) => Value::Null,
            (y, Some(x)) => Value::Float(float_of(name, y)?.atan2(float_of(name, x)?)),
            _ => return Err(arg_type(name, &first)),
        },
        "pi" => Value::Float(std::f64::consts::PI),
        "e" => Value::Float(std::f64::consts::E),
        "rand" => Value::Float(pseudo_random()),
        "timestamp" => Value::Int(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0),
        ),
        "exists" => Value::Bool(!first.is_null()),
        _ => {
            if let Some(result) = crate::temporal_ops::call(name, a, ctx.clock) {
                return result;
            }
            return Err(ExecError::cypher(
                "SyntaxError",
                "UnknownFunction",
                format!("unknown function {name}()"),
            ));
        }
    })
}

fn pseudo_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}
