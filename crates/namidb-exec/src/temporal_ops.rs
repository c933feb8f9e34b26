//! The executor's side of the temporal system: the temporal functions (`date(…)`,
//! `datetime.truncate(…)`, `duration.between(…)`…), operators on temporal values and
//! component access, delegating to `namidb_value::temporal` and mapping its errors to
//! openCypher error classes.

use namidb_query::expr::BinaryOp;
use namidb_value::temporal::between::{between, Units};
use namidb_value::temporal::{arithmetic, component as components, construct, duration, truncate};
use namidb_value::temporal::{Clock, Kind, TemporalError, Zone};
use namidb_value::Value;

use crate::error::{ExecError, Result};

impl From<TemporalError> for ExecError {
    fn from(e: TemporalError) -> ExecError {
        match e {
            TemporalError::InvalidValue(m) => ExecError::argument("InvalidArgumentValue", m),
            TemporalError::InvalidType(m) => ExecError::type_error("InvalidArgumentType", m),
            TemporalError::Overflow(m) => ExecError::cypher("ArithmeticError", "Overflow", m),
        }
    }
}

/// Temporal `+`, `-`, `*` and `/`; `None` when the operands are not temporal.
pub(crate) fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Result<Option<Value>> {
    let sign = match op {
        BinaryOp::Add => 1,
        BinaryOp::Sub => -1,
        BinaryOp::Mul => {
            return Ok(match (a, b) {
                (Value::Duration(d), n @ (Value::Int(_) | Value::Float(_)))
                | (n @ (Value::Int(_) | Value::Float(_)), Value::Duration(d)) => {
                    Some(Value::Duration(arithmetic::multiply(d, n)?))
                }
                _ => None,
            })
        }
        BinaryOp::Div => {
            return Ok(match (a, b) {
                (Value::Duration(d), n @ (Value::Int(_) | Value::Float(_))) => {
                    Some(Value::Duration(arithmetic::divide(d, n)?))
                }
                _ => None,
            })
        }
        _ => return Ok(None),
    };
    Ok(match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => {
            Some(Value::Duration(arithmetic::add_durations(x, y, sign)?))
        }
        (t, Value::Duration(d)) => arithmetic::add_to(t, d, sign)?,
        (Value::Duration(d), t) if sign == 1 => arithmetic::add_to(t, d, 1)?,
        _ => None,
    })
}

/// `-duration`.
pub(crate) fn negate(d: &namidb_value::temporal::Duration) -> Result<Value> {
    Ok(Value::Duration(arithmetic::add_durations(&Default::default(), d, -1)?))
}

/// `temporal.component`.
pub(crate) fn component(v: &Value, key: &str) -> Result<Value> {
    Ok(components::component(v, key)?)
}

/// `a + b` for durations (the `sum` aggregate).
pub(crate) fn add_duration(
    a: &namidb_value::temporal::Duration,
    b: &namidb_value::temporal::Duration,
) -> Result<namidb_value::temporal::Duration> {
    Ok(arithmetic::add_durations(a, b, 1)?)
}

/// `duration / count` (the `avg` aggregate over durations).
pub(crate) fn divide_duration(d: &namidb_value::temporal::Duration, count: i64) -> Result<Value> {
    Ok(Value::Duration(arithmetic::divide(d, &Value::Int(count))?))
}

fn string_arg<'a>(name: &str, v: &'a Value) -> Result<&'a str> {
    v.as_str().ok_or_else(|| {
        ExecError::type_error(
            "InvalidArgumentType",
            format!("{name}() expects a string, got {}", v.type_name()),
        )
    })
}

fn int_arg(name: &str, v: &Value) -> Result<i64> {
    v.as_int().ok_or_else(|| {
        ExecError::type_error(
            "InvalidArgumentType",
            format!("{name}() expects an integer, got {}", v.type_name()),
        )
    })
}

/// Calls the temporal function `name` (lower case); `None` when `name` is not one.
pub(crate) fn call(name: &str, args: &[Value], clock: Clock) -> Option<Result<Value>> {
    let (namespace, member) = match name.split_once('.') {
        Some((ns, m)) => (ns, Some(m)),
        None => (name, None),
    };
    if namespace == "duration" {
        return Some(duration_function(name, member, args));
    }
    let kind = Kind::from_name(namespace)?;
    Some(match member {
        None => construct::construct(kind, args.first(), clock).map_err(Into::into),
        Some("transaction" | "statement" | "realtime") => match args.first() {
            None => construct::construct(kind, None, clock).map_err(Into::into),
            Some(Value::Null) => Ok(Value::Null),
            Some(map @ Value::Map(_)) => {
                construct::construct(kind, Some(map), clock).map_err(Into::into)
            }
            Some(zone) => string_arg(name, zone)
                .and_then(|z| Ok(construct::now(kind, Zone::parse(z)?, clock)?)),
        },
        Some("truncate") => truncate_call(kind, name, args, clock),
        Some("fromepoch") if kind == Kind::DateTime => match args {
            [Value::Null, _] | [_, Value::Null] => Ok(Value::Null),
            [s, n] => {
                int_arg(name, s).and_then(|s| Ok(construct::from_epoch(s, int_arg(name, n)?)?))
            }
            _ => Ok(Value::Null),
        },
        Some("fromepochmillis") if kind == Kind::DateTime => match args.first() {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(ms) => int_arg(name, ms).and_then(|ms| Ok(construct::from_epoch_millis(ms)?)),
        },
        Some(_) => return None,
    })
}

fn truncate_call(kind: Kind, name: &str, args: &[Value], clock: Clock) -> Result<Value> {
    let (unit, value) = match args {
        [unit, value, ..] => (unit, value),
        _ => return Ok(Value::Null),
    };
    if value.is_null() || unit.is_null() {
        return Ok(Value::Null);
    }
    let fields = match args.get(2) {
        None | Some(Value::Null) => None,
        Some(Value::Map(m)) => Some(m.as_ref()),
        Some(other) => {
            return Err(ExecError::type_error(
                "InvalidArgumentType",
                format!("{name}() expects a map of fields, got {}", other.type_name()),
            ))
        }
    };
    Ok(truncate::truncate(kind, string_arg(name, unit)?, value, fields, clock)?)
}

fn duration_function(name: &str, member: Option<&str>, args: &[Value]) -> Result<Value> {
    let units = match member {
        None => {
            return Ok(duration::construct(args.first().unwrap_or(&Value::Null))?);
        }
        Some("between") => Units::All,
        Some("inmonths") => Units::Months,
        Some("indays") => Units::Days,
        Some("inseconds") => Units::Seconds,
        Some(_) => {
            return Err(ExecError::cypher(
                "SyntaxError",
                "UnknownFunction",
                format!("unknown function {name}()"),
            ))
        }
    };
    match args {
        [from, to] if !from.is_null() && !to.is_null() => {
            Ok(Value::Duration(between(from, to, units)?))
        }
        _ => Ok(Value::Null),
    }
}
