//! The keys a property lookup (`NodeByProperty`, the plan for `MATCH (n:L {key: value})`, for
//! `WHERE n.key IN list` and for the driver load pattern `UNWIND $rows AS r MATCH (n:L {id:
//! r.id})`) probes with, from the Cypher value of the row.
//!
//! Only values whose equality is plain identity can be looked up: strings, and integers (floats
//! with an integral value up to 2^53 count as that integer, since `1 = 1.0` in Cypher). For any
//! other value there are no keys and the operator falls back to a label scan; either way the
//! filter above the operator checks the full pattern.

use std::sync::Arc;

use namidb_graph::store::{integral, IndexKey, EXACT_FLOAT_INT};
use namidb_value::Value;

/// The key to probe with for one Cypher value: `Some(None)` for null (equal to nothing),
/// `None` when the value cannot be looked up.
fn probe_key(value: &Value) -> Option<Option<IndexKey>> {
    match value {
        Value::Null => Some(None),
        Value::Int(i) if i.unsigned_abs() <= EXACT_FLOAT_INT as u64 => {
            Some(Some(IndexKey::Int(*i)))
        }
        Value::Float(f) => integral(*f).map(|i| Some(IndexKey::Int(i))),
        Value::String(s) => Some(Some(IndexKey::String(Arc::clone(s)))),
        _ => None,
    }
}

/// The keys for `value` (with `any_of`, for each element of the list `value`); `None` when the
/// lookup cannot answer: a value that is not indexable, or with `any_of` not a list.
pub fn probe_keys(value: &Value, any_of: bool) -> Option<Vec<IndexKey>> {
    if !any_of {
        return probe_key(value).map(|key| key.into_iter().collect());
    }
    match value {
        // `k IN null` is null for every node: no candidates.
        Value::Null => Some(Vec::new()),
        Value::List(items) => items
            .iter()
            .map(probe_key)
            .collect::<Option<Vec<_>>>()
            .map(|keys| keys.into_iter().flatten().collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_and_integers_share_keys_and_others_are_not_indexed() {
        assert_eq!(probe_keys(&Value::Int(5), false), Some(vec![IndexKey::Int(5)]));
        assert_eq!(probe_keys(&Value::Float(5.0), false), Some(vec![IndexKey::Int(5)]));
        assert_eq!(
            probe_keys(&Value::string("5"), false),
            Some(vec![IndexKey::String("5".into())])
        );
        assert_eq!(probe_keys(&Value::Null, false), Some(vec![]), "= null matches nothing");
        assert_eq!(probe_keys(&Value::Float(5.5), false), None, "non-integral floats fall back");
        assert_eq!(probe_keys(&Value::Int(1 << 60), false), None, "beyond exact floats falls back");
        assert_eq!(probe_keys(&Value::Bool(true), false), None);
        let list = |items: Vec<Value>| Value::list(items);
        assert_eq!(
            probe_keys(&list(vec![Value::string("5"), Value::Int(5)]), true),
            Some(vec![IndexKey::String("5".into()), IndexKey::Int(5)])
        );
        assert_eq!(probe_keys(&list(vec![Value::Null]), true), Some(vec![]));
        assert_eq!(probe_keys(&Value::Null, true), Some(vec![]));
        assert_eq!(probe_keys(&list(vec![Value::Int(5), Value::Float(0.5)]), true), None);
        assert_eq!(probe_keys(&Value::Int(5), true), None, "not a list: the filter decides");
    }
}
