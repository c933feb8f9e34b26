//! A hash consistent with openCypher `=`, for hash joins.
//!
//! Two values for which [`crate::compare::equals`] is `Some(true)` hash alike:
//! - an integer and a float that equal it hash as the integer (floats that are not whole, or
//!   lie outside the integers' range, hash by their bits: no integer equals them);
//! - `time` values hash by their instant (`12:00+01:00 = 11:00Z`), `datetime` values by their
//!   instant without the zone;
//! - lists and maps hash element by element with the same rules.
//!
//! A value that equals nothing — null, NaN, or a list or map holding one anywhere (`=` on it is
//! false or null, never true) — has no join hash: [`join_hash`] returns `false` and a join
//! drops its row. [`crate::GroupKey`]'s hash is a different one: grouping treats nulls as equal
//! and keeps a zone's offset apart.

use std::hash::{Hash, Hasher};

use crate::compare::time_instant;
use crate::Value;

/// 2^63: the floats from -2^63 up to (not including) this convert to `i64` exactly when whole.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Feeds `v`'s join hash to `state`; `false` when `v` equals nothing (the state is then
/// partly fed and should be discarded).
pub fn join_hash<H: Hasher>(v: &Value, state: &mut H) -> bool {
    match v {
        Value::Null => return false,
        Value::Bool(b) => (0u8, b).hash(state),
        Value::Int(i) => (1u8, i).hash(state),
        Value::Float(f) => {
            if f.is_nan() {
                return false;
            }
            // -2^63 ≤ f < 2^63: the cast is exact for a whole float.
            if f.fract() == 0.0 && *f >= -TWO_POW_63 && *f < TWO_POW_63 {
                (1u8, *f as i64).hash(state)
            } else {
                // -0.0 and 0.0 are whole, so only non-zero values get here.
                (2u8, f.to_bits()).hash(state)
            }
        }
        Value::String(s) => (3u8, s).hash(state),
        Value::Bytes(b) => (4u8, b).hash(state),
        Value::List(items) => {
            (5u8, items.len()).hash(state);
            for item in items.iter() {
                if !join_hash(item, state) {
                    return false;
                }
            }
        }
        Value::Map(entries) => {
            (6u8, entries.len()).hash(state);
            for (k, item) in entries.iter() {
                k.hash(state);
                if !join_hash(item, state) {
                    return false;
                }
            }
        }
        Value::Node(id) => (7u8, id).hash(state),
        Value::Relationship(r) => (8u8, r.id).hash(state),
        Value::Path(p) => (9u8, p).hash(state),
        Value::Date(d) => (10u8, d).hash(state),
        Value::LocalTime(t) => (11u8, t).hash(state),
        Value::Time(t) => (12u8, time_instant(t)).hash(state),
        Value::LocalDateTime(t) => (13u8, t).hash(state),
        Value::DateTime(t) => (14u8, t.seconds, t.nanos).hash(state),
        Value::Duration(d) => (15u8, d).hash(state),
    }
    true
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;
    use crate::compare::equals;
    use crate::temporal::{DateTime, Time};

    fn hash_of(v: &Value) -> Option<u64> {
        let mut h = DefaultHasher::new();
        join_hash(v, &mut h).then(|| h.finish())
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..3).prop_map(Value::Int),
            prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(1 << 60)].prop_map(Value::Int),
            (-3i64..3).prop_map(|i| Value::Float(i as f64)),
            prop_oneof![
                Just(f64::NAN),
                Just(0.5),
                Just(-0.0),
                Just(1.152_921_504_606_847e18),
                Just(TWO_POW_63),
                Just(-TWO_POW_63),
            ]
            .prop_map(Value::Float),
            "[ab]{0,2}".prop_map(|s| Value::String(s.into())),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::list),
                prop::collection::btree_map("[xy]", inner, 0..2)
                    .prop_map(|m| Value::Map(Arc::new(m))),
            ]
        })
    }

    proptest! {
        #[test]
        fn equal_values_hash_alike(a in value(), b in value()) {
            if equals(&a, &b) == Some(true) {
                prop_assert!(hash_of(&a).is_some());
                prop_assert_eq!(hash_of(&a), hash_of(&b));
            }
            if hash_of(&a).is_none() {
                prop_assert_ne!(equals(&a, &b), Some(true));
            }
        }
    }

    #[test]
    fn numbers_and_instants_hash_by_what_equality_compares() {
        assert_eq!(hash_of(&Value::Int(1)), hash_of(&Value::Float(1.0)));
        assert_eq!(hash_of(&Value::Int(0)), hash_of(&Value::Float(-0.0)));
        assert_ne!(hash_of(&Value::Int(i64::MAX)), hash_of(&Value::Float(TWO_POW_63)));
        let noon_plus_one =
            Value::Time(Time { nanos: 12 * 3_600_000_000_000, offset_seconds: 3600 });
        let eleven_utc = Value::Time(Time { nanos: 11 * 3_600_000_000_000, offset_seconds: 0 });
        assert_eq!(equals(&noon_plus_one, &eleven_utc), Some(true));
        assert_eq!(hash_of(&noon_plus_one), hash_of(&eleven_utc));
        let at = |offset_seconds, zone: Option<&str>| {
            Value::DateTime(Arc::new(DateTime {
                seconds: 1_000,
                nanos: 5,
                offset_seconds,
                zone: zone.map(str::to_owned),
            }))
        };
        assert_eq!(hash_of(&at(0, None)), hash_of(&at(3600, Some("Europe/Paris"))));
        assert_eq!(hash_of(&Value::list(vec![Value::Int(1), Value::Null])), None);
        assert_eq!(hash_of(&Value::Float(f64::NAN)), None);
    }
}
