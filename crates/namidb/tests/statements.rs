//! Statement semantics through the facade: atomicity (an error applies nothing), reads of the
//! statement's own writes, results surviving flush and compaction, and read-modify-write from
//! two writers on one namespace losing no increment.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;

use namidb::{Database, ErrorKind, ResultValue, Value};

fn run(db: &Database, q: &str) -> Vec<Vec<ResultValue>> {
    db.execute(q, &BTreeMap::new()).unwrap_or_else(|e| panic!("{q}: {e}")).rows
}

fn count(db: &Database, q: &str) -> i64 {
    match run(db, q).first().and_then(|r| r.first()) {
        Some(ResultValue::Int(n)) => *n,
        other => panic!("{q}: {other:?}"),
    }
}

#[test]
fn a_failing_statement_applies_nothing() {
    let db = Database::open("memory://atomic").unwrap();
    run(&db, "CREATE (:A {n: 1})-[:R]->(:B)");
    let err = db
        .execute("MATCH (a:A) CREATE (:C) WITH a DELETE a", &BTreeMap::new())
        .expect_err("deleting a connected node must fail");
    assert_eq!(err.kind, ErrorKind::Constraint);
    assert_eq!(count(&db, "MATCH (c:C) RETURN count(c)"), 0);
    assert_eq!(count(&db, "MATCH (a:A) RETURN count(a)"), 1);
    let err =
        db.execute("UNWIND [1, 0] AS x CREATE (:D {v: 1 / x})", &BTreeMap::new()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Arithmetic);
    assert_eq!(count(&db, "MATCH (d:D) RETURN count(d)"), 0);
}

#[test]
fn reads_see_the_statements_own_writes_and_survive_compaction() {
    let db = Database::open("memory://own-writes").unwrap();
    let rows =
        run(&db, "CREATE (a:P {name: 'a'}) SET a.age = 3 WITH a MATCH (p:P) RETURN p.name, p.age");
    assert_eq!(rows, vec![vec![ResultValue::String("a".into()), ResultValue::Int(3)]]);
    run(&db, "UNWIND range(1, 50) AS i CREATE (:N {i: i})");
    run(&db, "MATCH (a:N), (b:N) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)");
    db.flush().unwrap();
    db.compact().unwrap();
    assert_eq!(count(&db, "MATCH (:N)-[:NEXT]->(:N) RETURN count(*)"), 49);
    assert_eq!(count(&db, "MATCH (a:N {i: 1})-[:NEXT*]->(b) RETURN count(b)"), 49);
    run(&db, "MATCH (n:N) WHERE n.i > 25 DETACH DELETE n");
    assert_eq!(count(&db, "MATCH (n:N) RETURN count(n)"), 25);
    assert_eq!(count(&db, "MATCH ()-[r:NEXT]->() RETURN count(r)"), 24);
}

#[test]
fn parameters_and_errors_by_kind() {
    let db = Database::open("memory://params").unwrap();
    let mut params = BTreeMap::new();
    params.insert("rows".to_owned(), Value::list((0..5).map(Value::Int).collect()));
    db.execute("UNWIND $rows AS r CREATE (:R {id: r})", &params).unwrap();
    assert_eq!(count(&db, "MATCH (r:R) RETURN sum(r.id)"), 10);
    let missing = db.execute("RETURN $nope", &BTreeMap::new()).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::Semantic);
    let syntax = db.execute("MATCH (n RETURN n", &BTreeMap::new()).unwrap_err();
    assert_eq!(syntax.kind, ErrorKind::Syntax);
    assert!(syntax.position.is_some());
    let undefined = db.execute("RETURN x", &BTreeMap::new()).unwrap_err();
    assert_eq!(undefined.code.as_deref(), Some("UndefinedVariable"));
}

#[test]
fn two_writers_incrementing_one_counter_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}/counter", dir.path().display());
    let first = Database::open(&uri).unwrap();
    run(&first, "CREATE (:Counter {n: 0})");
    let second = Database::open(&uri).unwrap();
    let workers: Vec<_> = [first.clone(), second]
        .into_iter()
        .map(|db| {
            std::thread::spawn(move || {
                for _ in 0..100 {
                    db.execute("MATCH (c:Counter) SET c.n = c.n + 1", &BTreeMap::new()).unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let reader = Database::open(&uri).unwrap();
    assert_eq!(count(&reader, "MATCH (c:Counter) RETURN c.n"), 200);
}

#[test]
fn property_lookups_see_the_statements_own_writes() {
    let db = Database::open("memory://lookups-own-writes").unwrap();
    run(&db, "UNWIND [1, 2, 3] AS i CREATE (:L {id: i})");
    db.flush().unwrap();
    // MERGE looks each row up: a node created by an earlier row is found by a later one.
    run(&db, "UNWIND [3, 4, 4, 5, 5] AS i MERGE (:L {id: i})");
    assert_eq!(count(&db, "MATCH (n:L) RETURN count(n)"), 5);
    // A stored node whose key the statement changed is found under the new value only.
    assert_eq!(
        count(
            &db,
            "MATCH (n:L {id: 1}) SET n.id = 10 WITH n \
             OPTIONAL MATCH (old:L {id: 1}) OPTIONAL MATCH (new:L {id: 10}) \
             RETURN count(old) * 100 + count(new)"
        ),
        1
    );
    // A deleted node is no candidate; IN and OR forms use the same lookups.
    assert_eq!(
        count(&db, "MATCH (n:L {id: 2}) DELETE n WITH 1 AS one MATCH (m:L) WHERE m.id IN [2, 3] RETURN count(m)"),
        1
    );
    assert_eq!(
        count(&db, "MATCH (a:L), (b:L) WHERE (a.id = 3 AND b.id = 4) OR (a.id = 4 AND b.id = 3) RETURN count(*)"),
        2
    );
}

#[test]
fn a_pattern_reads_the_same_from_whichever_node_it_starts() {
    let db = Database::open("memory://start-anywhere").unwrap();
    run(
        &db,
        "CREATE (:S {n: 1})-[:T {i: 1}]->(:M)-[:T {i: 2}]->(:E {n: 2}), \
         (:S {n: 3})-[:T {i: 3}]->(:X)",
    );
    db.flush().unwrap();
    let ints =
        |q: &str| -> Vec<ResultValue> { run(&db, q).into_iter().map(|r| r[0].clone()).collect() };
    let list = ResultValue::List(vec![ResultValue::Int(1), ResultValue::Int(2)]);
    // Started from the end node (bound, or cheapest by its property), from the start node, or
    // from the middle: the relationship list is in pattern order every time.
    for q in [
        "MATCH (e:E) WITH e MATCH (s)-[rs:T*2]->(e) RETURN [r IN rs | r.i]",
        "MATCH (s)-[rs:T*2]->(e:E {n: 2}) RETURN [r IN rs | r.i]",
        "MATCH (s:S)-[rs:T*2]->(e) RETURN [r IN rs | r.i]",
        "MATCH (s)-[rs:T*2]->(e) WHERE e.n = 2 RETURN [r IN rs | r.i]",
    ] {
        assert_eq!(ints(q), vec![list.clone()], "{q}");
    }
    // A chain started in the middle (the only node with a selective equality) reaches both ends.
    let q = "MATCH (s)-[a:T]->(m:M)-[b:T]->(e) RETURN s.n, a.i, b.i, e.n";
    let plan = db.explain(q).unwrap();
    assert!(plan.contains("NodeScan #") && plan.contains("[\"M\"]"), "{plan}");
    let expected: Vec<ResultValue> = [1, 1, 2, 2].map(ResultValue::Int).to_vec();
    assert_eq!(run(&db, q), vec![expected]);
    let q = "MATCH (s)-[a:T]->(m)-[b:T]->(e:E) WHERE s.n = 1 RETURN a.i, b.i";
    assert_eq!(run(&db, q), vec![vec![ResultValue::Int(1), ResultValue::Int(2)]]);
}
