//! Equality, comparison, ordering and equivalence, by the openCypher rules.
//!
//! - [`equals`]: `=`; `None` (null) when either side is null or a nested comparison meets null;
//!   integers and floats compare by numeric value; values of different kinds are unequal.
//! - [`compare`]: `<`, `<=`, `>`, `>=`; `None` when the operands are incomparable (different
//!   kinds, null, NaN) — the operator then yields null.
//! - [`order`]: the total order of `ORDER BY`: maps, nodes, relationships, lists, paths,
//!   date-times, local date-times, dates, times, local times, durations, strings, booleans,
//!   numbers, then null last; NaN after every other number.
//! - [`GroupKey`]: the equivalence of grouping and `DISTINCT` (null equals null, `1` equals `1.0`,
//!   NaN equals NaN).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::Value;

/// openCypher `=`: `Some(true|false)`, or `None` when the answer is null.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            Some(numeric_cmp(a, b) == Some(Ordering::Equal))
        }
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y.iter()))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::Bytes(x), Value::Bytes(y)) => Some(x == y),
        (Value::Node(x), Value::Node(y)) => Some(x == y),
        (Value::Relationship(x), Value::Relationship(y)) => Some(x.id == y.id),
        (Value::Path(x), Value::Path(y)) => Some(x == y),
        (Value::Date(x), Value::Date(y)) => Some(x == y),
        (Value::LocalTime(x), Value::LocalTime(y)) => Some(x == y),
        (Value::Time(x), Value::Time(y)) => Some(time_instant(x) == time_instant(y)),
        (Value::LocalDateTime(x), Value::LocalDateTime(y)) => Some(x == y),
        (Value::DateTime(x), Value::DateTime(y)) => {
            Some((x.seconds, x.nanos) == (y.seconds, y.nanos))
        }
        (Value::Duration(x), Value::Duration(y)) => Some(x == y),
        _ => Some(false),
    }
}

/// `=` over pairs: false if any pair is unequal, else null if any is null, else true.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (p, q) in pairs {
        match equals(p, q) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

pub(crate) fn time_instant(t: &crate::temporal::Time) -> i128 {
    i128::from(t.nanos) - i128::from(t.offset_seconds) * 1_000_000_000
}

fn numeric_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => int_float_cmp(*x, *y),
        (Value::Float(x), Value::Int(y)) => int_float_cmp(*y, *x).map(Ordering::reverse),
        _ => None,
    }
}

/// Exact comparison of an integer with a float (no rounding of large integers).
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= 9_223_372_036_854_775_808.0 {
        return Some(Ordering::Less);
    }
    if f < -9_223_372_036_854_775_808.0 {
        return Some(Ordering::Greater);
    }
    let truncated = f.trunc();
    // `truncated` is within i64 range here.
    let t = truncated as i64;
    match i.cmp(&t) {
        Ordering::Equal => 0.0_f64.partial_cmp(&(f - truncated)),
        other => Some(other),
    }
}

/// openCypher comparison for `<`, `<=`, `>`, `>=`; `None` when incomparable.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => numeric_cmp(a, b),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                match compare(p, q)? {
                    Ordering::Equal => {}
                    other => return Some(other),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::LocalTime(x), Value::LocalTime(y)) => Some(x.cmp(y)),
        (Value::Time(x), Value::Time(y)) => Some(time_instant(x).cmp(&time_instant(y))),
        (Value::LocalDateTime(x), Value::LocalDateTime(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => {
            Some((x.seconds, x.nanos).cmp(&(y.seconds, y.nanos)))
        }
        _ => None,
    }
}

/// The rank of a value's kind in the `ORDER BY` order.
fn kind_rank(v: &Value) -> u8 {
    match v {
        Value::Map(_) => 0,
        Value::Node(_) => 1,
        Value::Relationship(_) => 2,
        Value::List(_) => 3,
        Value::Path(_) => 4,
        Value::DateTime(_) => 5,
        Value::LocalDateTime(_) => 6,
        Value::Date(_) => 7,
        Value::Time(_) => 8,
        Value::LocalTime(_) => 9,
        Value::Duration(_) => 10,
        Value::String(_) => 11,
        Value::Bytes(_) => 12,
        Value::Bool(_) => 13,
        Value::Int(_) | Value::Float(_) => 14,
        Value::Null => 15,
    }
}

fn is_nan(v: &Value) -> bool {
    matches!(v, Value::Float(f) if f.is_nan())
}

/// The total order of `ORDER BY` (ascending).
pub fn order(a: &Value, b: &Value) -> Ordering {
    let (ra, rb) = (kind_rank(a), kind_rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Value::Int(_) | Value::Float(_), _) => match (is_nan(a), is_nan(b)) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => numeric_cmp(a, b).unwrap_or(Ordering::Equal),
        },
        (Value::List(x), Value::List(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                match order(p, q) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map(x), Value::Map(y)) => {
            let mut xs = x.iter();
            let mut ys = y.iter();
            loop {
                match (xs.next(), ys.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some((kx, vx)), Some((ky, vy))) => {
                        let c = kx.cmp(ky).then_with(|| order(vx, vy));
                        if c != Ordering::Equal {
                            return c;
                        }
                    }
                }
            }
        }
        (Value::Node(x), Value::Node(y)) => x.cmp(y),
        (Value::Relationship(x), Value::Relationship(y)) => x.id.cmp(&y.id),
        (Value::Path(x), Value::Path(y)) => {
            let ids = |p: &crate::PathValue| {
                let mut v: Vec<(u64, u64)> = vec![(p.nodes[0], 0)];
                v.extend(p.rels.iter().zip(p.nodes.iter().skip(1)).map(|(r, n)| (r.id, *n)));
                v
            };
            if x.nodes.is_empty() || y.nodes.is_empty() {
                return x.nodes.len().cmp(&y.nodes.len());
            }
            ids(x).cmp(&ids(y))
        }
        (Value::Duration(x), Value::Duration(y)) => {
            (x.months, x.days, x.seconds, x.nanos).cmp(&(y.months, y.days, y.seconds, y.nanos))
        }
        (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        (Value::Time(x), Value::Time(y)) => {
            time_instant(x).cmp(&time_instant(y)).then(x.offset_seconds.cmp(&y.offset_seconds))
        }
        _ => compare(a, b).unwrap_or(Ordering::Equal),
    }
}

/// A value under the equivalence of grouping and `DISTINCT`: hashable and comparable for equality.
#[derive(Debug, Clone)]
pub struct GroupKey(pub Value);

impl PartialEq for GroupKey {
    fn eq(&self, other: &GroupKey) -> bool {
        equivalent(&self.0, &other.0)
    }
}

impl Eq for GroupKey {}

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state);
    }
}

/// The equivalence of grouping: like `=`, but null equals null and NaN equals NaN.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Float(x), Value::Float(y)) if x.is_nan() && y.is_nan() => true,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equivalent(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().zip(y.iter()).all(|((kx, vx), (ky, vy))| kx == ky && equivalent(vx, vy))
        }
        (Value::Time(x), Value::Time(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => {
            (x.seconds, x.nanos, x.offset_seconds) == (y.seconds, y.nanos, y.offset_seconds)
        }
        _ => equals(a, b) == Some(true),
    }
}

fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    // Integers and floats share a rank, so `1` and `1.0` hash alike.
    kind_rank(v).hash(state);
    match v {
        Value::Null => {}
        Value::Bool(b) => b.hash(state),
        Value::Int(i) => i.hash(state),
        Value::Float(f) => {
            // Integral floats hash as the integer they equal.
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                (*f as i64).hash(state)
            } else if f.is_nan() {
                u64::MAX.hash(state)
            } else {
                f.to_bits().hash(state)
            }
        }
        Value::String(s) => s.hash(state),
        Value::Bytes(b) => b.hash(state),
        Value::List(items) => {
            items.len().hash(state);
            for item in items.iter() {
                hash_value(item, state);
            }
        }
        Value::Map(entries) => {
            for (k, item) in entries.iter() {
                k.hash(state);
                hash_value(item, state);
            }
        }
        Value::Node(id) => id.hash(state),
        Value::Relationship(r) => r.id.hash(state),
        Value::Path(p) => p.hash(state),
        Value::Date(d) => d.hash(state),
        Value::LocalTime(t) => t.hash(state),
        Value::Time(t) => t.hash(state),
        Value::LocalDateTime(t) => t.hash(state),
        Value::DateTime(t) => (t.seconds, t.nanos, t.offset_seconds).hash(state),
        Value::Duration(d) => d.hash(state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(v: &Value) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        GroupKey(v.clone()).hash(&mut h);
        h.finish()
    }

    #[test]
    fn three_valued_equality() {
        assert_eq!(equals(&Value::Int(1), &Value::Float(1.0)), Some(true));
        assert_eq!(equals(&Value::Null, &Value::Int(1)), None);
        let a = Value::list(vec![Value::Int(1), Value::Null]);
        let b = Value::list(vec![Value::Int(2), Value::Null]);
        assert_eq!(equals(&a, &b), Some(false));
        assert_eq!(equals(&a, &a), None);
        assert_eq!(equals(&Value::from("a"), &Value::Int(1)), Some(false));
    }

    #[test]
    fn comparison_and_order() {
        assert_eq!(compare(&Value::Int(1), &Value::from("a")), None);
        assert_eq!(compare(&Value::Int(i64::MAX), &Value::Float(9.3e18)), Some(Ordering::Less));
        let mut vs = [
            Value::Null,
            Value::Float(f64::NAN),
            Value::Int(2),
            Value::from("x"),
            Value::Bool(false),
            Value::Float(1.5),
        ];
        vs.sort_by(order);
        let names: Vec<_> = vs.iter().map(|v| v.type_name()).collect();
        assert_eq!(names, ["STRING", "BOOLEAN", "FLOAT", "INTEGER", "FLOAT", "NULL"]);
    }

    #[test]
    fn grouping_equivalence() {
        assert_eq!(GroupKey(Value::Int(1)), GroupKey(Value::Float(1.0)));
        assert_eq!(hash_of(&Value::Int(1)), hash_of(&Value::Float(1.0)));
        assert_eq!(GroupKey(Value::Null), GroupKey(Value::Null));
        assert_ne!(GroupKey(Value::Int(1)), GroupKey(Value::from("1")));
    }
}
