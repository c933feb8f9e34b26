//! Helpers shared by the facade's plan-shape tests.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::collections::BTreeMap;

use namidb::{Database, ResultValue};

/// The rows of `q` (a failure panics with the query and the error).
pub(crate) fn run(db: &Database, q: &str) -> Vec<Vec<ResultValue>> {
    db.execute(q, &BTreeMap::new()).unwrap_or_else(|e| panic!("{q}: {e}")).rows
}

/// The operators of `q`'s plan, one per line, trimmed.
pub(crate) fn plan(db: &Database, q: &str) -> Vec<String> {
    run(db, &format!("EXPLAIN {q}"))
        .iter()
        .map(|r| match &r[0] {
            ResultValue::String(s) => s.trim().to_owned(),
            other => panic!("{other:?}"),
        })
        .collect()
}
