//! Batches: statements that see each other's writes and commit together, or not at all.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use namidb::{Database, ErrorKind, ResultValue};

fn count(db: &Database) -> i64 {
    let r = db.execute("MATCH (n:Item) RETURN count(n) AS c", &BTreeMap::new()).unwrap();
    match r.rows[0][0] {
        ResultValue::Int(c) => c,
        ref other => panic!("count is {other:?}"),
    }
}

#[test]
fn statements_see_earlier_writes_and_commit_together() {
    let db = Database::open("memory://batch-commit").unwrap();
    let none = BTreeMap::new();
    let mut batch = db.batch();
    batch.execute("CREATE (:Item {n: 1})", &none).unwrap();
    let seen = batch.execute("MATCH (i:Item) SET i.n = i.n + 1 RETURN i.n AS n", &none).unwrap();
    assert_eq!(seen.rows, [[ResultValue::Int(2)]]);
    assert_eq!(count(&db), 0, "nothing is visible before the commit");
    batch.commit().unwrap();
    assert_eq!(count(&db), 1);
}

#[test]
fn a_dropped_or_failed_batch_applies_nothing() {
    let db = Database::open("memory://batch-rollback").unwrap();
    let none = BTreeMap::new();
    let mut batch = db.batch();
    batch.execute("CREATE (:Item)", &none).unwrap();
    drop(batch);
    assert_eq!(count(&db), 0);

    let mut batch = db.batch();
    batch.execute("CREATE (:Item)", &none).unwrap();
    let error = batch.execute("RETURN 1 / 0", &none).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Arithmetic);
    assert!(batch.execute("CREATE (:Item)", &none).is_err(), "a failed batch refuses work");
    assert!(batch.commit().is_err());
    assert_eq!(count(&db), 0);
}

#[test]
fn a_batch_that_loses_the_race_runs_again_on_the_newer_state() {
    let db = Database::open("memory://batch-race").unwrap();
    let none = BTreeMap::new();
    db.execute("CREATE (:Counter {n: 0})", &none).unwrap();
    let mut batch = db.batch();
    batch.execute("MATCH (c:Counter) SET c.n = c.n + 1", &none).unwrap();
    batch.execute("MATCH (c:Counter) SET c.n = c.n + 10", &none).unwrap();
    // Another handle commits first.
    let other = Database::open("memory://batch-race").unwrap();
    other.execute("MATCH (c:Counter) SET c.n = c.n + 100", &none).unwrap();
    batch.commit().unwrap();
    let r = db.execute("MATCH (c:Counter) RETURN c.n AS n", &none).unwrap();
    assert_eq!(r.rows, [[ResultValue::Int(111)]]);
}
