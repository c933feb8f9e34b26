//! EXPLAIN and PROFILE through the facade: EXPLAIN returns the plan and runs nothing; PROFILE
//! runs the statement (its writes commit) and returns each operator's rows, time and
//! object-store traffic; `Database::profile` keeps the statement's own result beside it.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;

use namidb::{Database, ResultValue};

fn run(db: &Database, q: &str) -> namidb::QueryResult {
    db.execute(q, &BTreeMap::new()).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn text(v: &ResultValue) -> &str {
    match v {
        ResultValue::String(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

fn int(v: &ResultValue) -> i64 {
    match v {
        ResultValue::Int(n) => *n,
        other => panic!("not an integer: {other:?}"),
    }
}

#[test]
fn explain_shows_the_plan_and_runs_nothing() {
    let db = Database::open("memory://explain").unwrap();
    let plan = run(&db, "EXPLAIN CREATE (:A)");
    assert_eq!(plan.columns, vec!["operator", "estimated_rows"]);
    assert!(plan.rows.iter().any(|r| text(&r[0]).trim_start().starts_with("Create")), "{plan:?}");
    assert_eq!(int(&run(&db, "MATCH (a:A) RETURN count(a)").rows[0][0]), 0);
}

#[test]
fn profile_reports_rows_per_operator_and_commits_writes() {
    let db = Database::open("memory://profile").unwrap();
    let created = run(&db, "PROFILE UNWIND range(1, 10) AS i CREATE (:P {i: i})");
    assert_eq!(
        created.columns,
        vec!["operator", "rows", "time_ms", "total_ms", "requests", "bytes_read", "estimated_rows"]
    );
    assert_eq!(int(&run(&db, "MATCH (p:P) RETURN count(p)").rows[0][0]), 10);
    db.flush().unwrap();

    let profile = run(&db, "PROFILE MATCH (p:P) WHERE p.i > 3 RETURN p.i");
    let rows_of = |name: &str| {
        let row = profile
            .rows
            .iter()
            .find(|r| text(&r[0]).trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {profile:?}"));
        int(&row[1])
    };
    assert_eq!(rows_of("NodeScan"), 10);
    assert_eq!(rows_of("Filter"), 7);
    assert_eq!(rows_of("Produce"), 7);
    for row in &profile.rows {
        let (own, total) = match (&row[2], &row[3]) {
            (ResultValue::Float(a), ResultValue::Float(b)) => (*a, *b),
            other => panic!("times {other:?}"),
        };
        assert!(own >= 0.0 && own <= total + 1e-6, "{row:?}");
    }
    // A pipelined aggregation reports the rows of the operators fused into it.
    let counted = run(&db, "PROFILE MATCH (p:P) WHERE p.i > 3 RETURN count(p)");
    let rows_of = |name: &str| {
        let row = counted.rows.iter().find(|r| text(&r[0]).trim_start().starts_with(name));
        int(&row.unwrap_or_else(|| panic!("no {name} in {counted:?}"))[1])
    };
    assert_eq!((rows_of("NodeScan"), rows_of("Filter"), rows_of("Aggregate")), (10, 7, 1));
    // A cold handle on the same namespace: the scan's line carries the GETs of the SST.
    let cold = Database::open("memory://profile").unwrap();
    let profile = run(&cold, "PROFILE MATCH (p:P) RETURN p.i");
    let scan = profile.rows.iter().find(|r| text(&r[0]).contains("NodeScan")).unwrap();
    assert!(int(&scan[4]) > 0 && int(&scan[5]) > 0, "{profile:?}");
    // Operators above it report their own traffic, not the scan's (background requests of
    // the handle may land anywhere, so no operator is required to show exactly zero).
    let produce = profile.rows.iter().find(|r| text(&r[0]).contains("Produce")).unwrap();
    assert!(int(&produce[5]) < int(&scan[5]), "{profile:?}");

    let p = db.profile("MATCH (p:P) WHERE p.i > 3 RETURN p.i", &BTreeMap::new()).unwrap();
    assert_eq!(p.result.rows.len(), 7);
    assert!(p.plan.lines().any(|l| l.contains("NodeScan") && l.contains("rows=10")), "{}", p.plan);
}

#[test]
fn profile_counts_subquery_operators_over_every_row() {
    let db = Database::open("memory://profile-apply").unwrap();
    run(&db, "UNWIND range(1, 4) AS i CREATE (:Q {i: i})-[:R]->(:S)");
    let profile = run(&db, "PROFILE MATCH (q:Q) OPTIONAL MATCH (q)-[:R]->(s:S) RETURN q.i, s");
    // The optional part runs once per Q: its expansion produced one row each time.
    let expand = profile.rows.iter().find(|r| text(&r[0]).contains("Expand")).unwrap();
    assert_eq!(int(&expand[1]), 4);
}

#[test]
fn estimates_and_the_start_of_a_pattern_follow_the_statistics_flushed_or_not() {
    let db = Database::open("memory://estimates").unwrap();
    run(
        &db,
        "UNWIND range(1, 200) AS i CREATE (p:Person {id: i, age: i % 50}) \
         WITH p, i WHERE i <= 20 CREATE (p)-[:LIKES]->(:Tag {name: 'tag' + i})",
    );
    let line = |plan: &namidb::QueryResult, name: &str| {
        plan.rows
            .iter()
            .find(|r| text(&r[0]).trim_start().starts_with(name))
            .map(|r| (text(&r[0]).to_owned(), int(&r[1])))
            .unwrap_or_else(|| panic!("no {name} in {plan:?}"))
    };
    let query = "EXPLAIN MATCH (p:Person)-[:LIKES]->(t:Tag) RETURN count(*)";
    // 200 Person, 20 Tag, so the scan of Tag starts and is estimated exactly: before a flush
    // (the memtable's figures) and after it (the SSTs').
    let unflushed = run(&db, query);
    for flushed in [false, true] {
        if flushed {
            db.flush().unwrap();
        }
        let planned = run(&db, query);
        let (scan, rows) = line(&planned, "NodeScan");
        assert!(scan.contains("Tag"), "flushed {flushed}: {planned:?}");
        assert_eq!(rows, 20, "flushed {flushed}");
        assert_eq!(line(&planned, "Expand").1, 20, "flushed {flushed}: {planned:?}");
        assert_eq!(planned.rows, unflushed.rows);
    }
    // A range over the age figures (0..=49): about half.
    let ranged = run(&db, "EXPLAIN MATCH (p:Person) WHERE p.age >= 25 RETURN p");
    let filtered = line(&ranged, "Filter").1;
    assert!((90..=110).contains(&filtered), "{ranged:?}");
    // The reversed start gives the same answer as the written order.
    assert_eq!(int(&run(&db, "MATCH (p:Person)-[:LIKES]->(t:Tag) RETURN count(*)").rows[0][0]), 20);
}

#[test]
fn the_parts_of_a_pattern_are_matched_cheapest_first_with_the_same_rows() {
    let db = Database::open("memory://part-order").unwrap();
    run(
        &db,
        "UNWIND range(1, 300) AS i CREATE (p:Person {id: i}) \
         WITH p, i WHERE i <= 30 CREATE (p)-[:LIKES]->(:Tag {name: 'tag' + i})",
    );
    run(&db, "MATCH (a:Person {id: 1}), (b:Person) WHERE b.id <= 5 CREATE (a)-[:KNOWS]->(b)");
    db.flush().unwrap();
    let operators = |q: &str| -> Vec<String> {
        run(&db, &format!("EXPLAIN {q}"))
            .rows
            .iter()
            .map(|r| text(&r[0]).trim().split(' ').next().unwrap_or("").to_owned())
            .collect()
    };
    let rows = |q: &str| {
        let mut rows: Vec<String> = run(&db, q).rows.iter().map(|r| format!("{r:?}")).collect();
        rows.sort();
        rows
    };
    // Written first, the scan of every person would run; the lookup goes first instead.
    let q = "MATCH (f:Person), (p:Person {id: 1})-[:KNOWS]->(f) RETURN f.id";
    let ops = operators(q);
    assert_eq!(ops.last().map(String::as_str), Some("Unit"));
    assert_eq!(ops[ops.len() - 2], "NodeByProperty", "{ops:?}");
    assert!(!ops.contains(&"NodeScan".to_owned()), "{ops:?}");
    // The same rows as the order `WITH *` fixes.
    let fixed = "MATCH (f:Person) WITH * MATCH (p:Person {id: 1})-[:KNOWS]->(f) RETURN f.id";
    assert_eq!(rows(q), rows(fixed));
    assert_eq!(rows(q).len(), 5);
    // A `WHERE` equality makes its part the cheap one just as a property map does; the
    // relationships of the two parts stay distinct.
    let q = "MATCH (t:Tag)<-[l:LIKES]-(p:Person), (p)-[k:KNOWS]->(f) WHERE f.id = 3 \
             RETURN t.name, p.id";
    assert_eq!(
        rows(q),
        rows(
            "MATCH (t:Tag)<-[l:LIKES]-(p:Person) MATCH (p)-[k:KNOWS]->(f) \
                              WHERE f.id = 3 RETURN t.name, p.id"
        )
    );
    assert_eq!(rows(q).len(), 1);
    let q = "MATCH (a)-[r:KNOWS]->(b), (c:Person {id: 1})-[s:KNOWS]->(d {id: 2}) \
             RETURN count(*)";
    assert_eq!(run(&db, q).rows[0][0], ResultValue::Int(4));
    // Consecutive `MATCH` clauses are one join too, ordered the same way ...
    let q = "MATCH (f:Person) MATCH (p:Person {id: 1})-[:KNOWS]->(f) RETURN f.id";
    assert_eq!(operators(q)[operators(q).len() - 2], "NodeByProperty");
    assert_eq!(rows(q), rows(fixed));
    // ... but relationships are distinct only within each clause: 5 × 5 pairs here, where one
    // clause has 5 × 4.
    let q = "MATCH (a)-[r:KNOWS]->(b) MATCH (c {id: 1})-[s:KNOWS]->(d) RETURN count(*)";
    assert_eq!(run(&db, q).rows[0][0], ResultValue::Int(25));
    let q = "MATCH (a)-[r:KNOWS]->(b), (c {id: 1})-[s:KNOWS]->(d) RETURN count(*)";
    assert_eq!(run(&db, q).rows[0][0], ResultValue::Int(20));
}
