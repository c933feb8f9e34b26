//! A statement's hash index of one property over the nodes of some labels: built once from a
//! projected scan (the store reads that one property column, not whole records), then probed
//! per input row. It backs `NodeByProperty`, the plan for `MATCH (n:L {key: value})` and for
//! the driver load pattern `UNWIND $rows AS r MATCH (n:L {id: r.id})`.
//!
//! Only values whose equality is plain identity are indexed: strings, and integers (floats with
//! an integral value up to 2^53 count as that integer, since `1 = 1.0` in Cypher). A probe with
//! any other value answers "unknown" and the operator falls back to a label scan; either way
//! the filter above the operator checks the full pattern.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use namidb_graph::model::PropertyValue;
use namidb_value::Value;

/// Largest magnitude at which every integer is exactly a float.
const EXACT_FLOAT_INT: i64 = 1 << 53;

/// An indexable value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IndexKey {
    /// An integer (or an integral float).
    Int(i64),
    /// A string.
    String(Arc<str>),
}

impl IndexKey {
    /// The key of a stored property value, if it is indexable.
    pub fn of_stored(value: &PropertyValue) -> Option<IndexKey> {
        match value {
            PropertyValue::Int(i) => Some(IndexKey::Int(*i)),
            PropertyValue::Float(f) => integral(*f).map(IndexKey::Int),
            PropertyValue::String(s) => Some(IndexKey::String(Arc::from(s.as_str()))),
            _ => None,
        }
    }

    /// The key to probe with for a Cypher value; `None` when the index cannot answer.
    pub fn of_probe(value: &Value) -> Option<IndexKey> {
        match value {
            Value::Int(i) if i.unsigned_abs() <= EXACT_FLOAT_INT as u64 => Some(IndexKey::Int(*i)),
            Value::Float(f) => integral(*f).map(IndexKey::Int),
            Value::String(s) => Some(IndexKey::String(Arc::clone(s))),
            _ => None,
        }
    }
}

fn integral(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() <= EXACT_FLOAT_INT as f64).then_some(f as i64)
}

/// Node ids by the value of one property, plus the nodes the statement itself wrote (always
/// candidates: their records are checked by the filter).
#[derive(Debug, Default)]
pub struct PropertyIndex {
    /// Stored nodes by value.
    pub by_value: FxHashMap<IndexKey, Vec<u64>>,
}

impl PropertyIndex {
    /// Stored candidate ids for `value`, by id; `None` when the value is not indexable.
    pub fn probe(&self, value: &Value) -> Option<Vec<u64>> {
        if matches!(value, Value::Null) {
            return Some(Vec::new());
        }
        let key = IndexKey::of_probe(value)?;
        Some(self.by_value.get(&key).cloned().unwrap_or_default())
    }

    /// Candidate ids for any element of the list `values`, by id; `None` when it is not a list
    /// or holds an element that is not indexable.
    pub fn probe_any(&self, values: &Value) -> Option<Vec<u64>> {
        let Value::List(items) = values else { return None };
        let mut ids = Vec::new();
        for item in items.iter() {
            ids.extend(self.probe(item)?);
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_and_integers_share_keys_and_others_are_not_indexed() {
        let mut index = PropertyIndex::default();
        for (id, stored) in [
            (1, PropertyValue::Int(5)),
            (2, PropertyValue::Float(5.0)),
            (3, PropertyValue::Float(5.5)),
            (4, PropertyValue::String("5".into())),
        ] {
            if let Some(key) = IndexKey::of_stored(&stored) {
                index.by_value.entry(key).or_default().push(id);
            }
        }
        assert_eq!(index.probe(&Value::Int(5)), Some(vec![1, 2]));
        assert_eq!(index.probe(&Value::Float(5.0)), Some(vec![1, 2]));
        assert_eq!(index.probe(&Value::string("5")), Some(vec![4]));
        assert_eq!(index.probe(&Value::Null), Some(vec![]), "= null matches nothing");
        assert_eq!(index.probe(&Value::Float(5.5)), None, "non-integral floats fall back");
        assert_eq!(index.probe(&Value::Int(1 << 60)), None, "beyond exact floats falls back");
        assert_eq!(index.probe(&Value::Bool(true)), None);
        let list = |items: Vec<Value>| Value::list(items);
        assert_eq!(
            index.probe_any(&list(vec![Value::string("5"), Value::Int(5)])),
            Some(vec![1, 2, 4])
        );
        assert_eq!(index.probe_any(&list(vec![Value::Null])), Some(vec![]));
        assert_eq!(index.probe_any(&list(vec![Value::Int(5), Value::Float(0.5)])), None);
        assert_eq!(index.probe_any(&Value::Int(5)), None, "not a list: the filter decides");
    }
}
