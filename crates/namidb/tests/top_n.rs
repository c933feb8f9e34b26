//! `ORDER BY … [SKIP] LIMIT` planned as a `TopN` (with the projection items the sort does not
//! read computed after it) returns exactly the rows of a full sort cut afterwards: same rows,
//! same order among ties, the same errors, and writes below it still all applied.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;

use namidb::{Database, ErrorKind, ResultValue};

fn run(db: &Database, q: &str) -> Vec<Vec<ResultValue>> {
    db.execute(q, &BTreeMap::new()).unwrap_or_else(|e| panic!("{q}: {e}")).rows
}

/// A graph whose sort keys tie, are null, and mix integers with floats and strings.
/// `name` keeps each test's store apart (tests in one process share `memory://`).
fn graph(name: &str) -> Database {
    let db = Database::open(&format!("memory://top-n-{name}")).unwrap();
    run(
        &db,
        "UNWIND range(0, 299) AS i
         CREATE (p:P {i: i, name: 'p' + toString(i),
                      k: CASE WHEN i % 7 = 0 THEN null WHEN i % 11 = 0 THEN toString(i % 5)
                              WHEN i % 3 = 0 THEN toFloat(i % 5) ELSE i % 5 END})
         CREATE (p)-[:R {w: i % 4}]->(:Q {j: 299 - i, bio: CASE WHEN i % 2 = 0 THEN 'b' END})",
    );
    db
}

#[test]
fn top_n_returns_the_rows_of_a_full_sort_cut_afterwards() {
    let db = graph("full-sort");
    let plan = run(&db, "EXPLAIN MATCH (p:P) RETURN p.name AS n ORDER BY p.i LIMIT 3");
    let operators: Vec<String> = plan
        .iter()
        .map(|r| match &r[0] {
            ResultValue::String(s) => s.trim().to_owned(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(operators.iter().any(|o| o.starts_with("TopN")), "{operators:?}");
    let orders = ["p.k", "p.k DESC", "p.k, q.j DESC", "r.w DESC, p.k", "q.bio, p.k DESC"];
    // Row numbers here are the input order, so ties show whether it was kept.
    let projections = [
        "p.i AS i, p.name AS name",
        "p.i AS i, coalesce(q.bio, p.name) AS c, r.w AS w, q.j AS j",
        "p.i AS i, p.k AS k",
    ];
    for order in orders {
        for projection in projections {
            let base = format!("MATCH (p:P)-[r:R]->(q:Q) RETURN {projection} ORDER BY {order}");
            let all = run(&db, &base);
            assert_eq!(all.len(), 300, "{base}");
            for (skip, limit) in [(0, 1), (0, 7), (3, 10), (0, 299), (290, 20), (0, 300), (400, 5)]
            {
                let q = format!("{base} SKIP {skip} LIMIT {limit}");
                let want: Vec<_> = all.iter().skip(skip).take(limit).cloned().collect();
                assert_eq!(run(&db, &q), want, "{q}");
            }
            let q = format!("{base} LIMIT 5");
            assert_eq!(run(&db, &q), all[..5].to_vec(), "{q}");
        }
    }
}

#[test]
fn top_n_on_empty_input_and_a_limit_of_zero() {
    let db = graph("empty");
    assert!(run(&db, "MATCH (n:Missing) RETURN n.x AS x ORDER BY x LIMIT 3").is_empty());
    assert!(run(&db, "MATCH (p:P) RETURN p.i AS i ORDER BY i LIMIT 0").is_empty());
    // LIMIT 0 reads nothing, so a sort key that would fail never runs (as without TopN).
    assert!(run(&db, "UNWIND [1, 0] AS x RETURN x ORDER BY 1 / x LIMIT 0").is_empty());
}

#[test]
fn top_n_keeps_the_errors_of_a_full_sort() {
    let db = graph("errors");
    let fails = |q: &str, kind: ErrorKind| {
        let err = db.execute(q, &BTreeMap::new()).expect_err(q);
        assert_eq!(err.kind, kind, "{q}: {err}");
    };
    // A key failing on a row that would be cut, and an item failing on such a row.
    fails("UNWIND [1, 2, 0] AS x RETURN x ORDER BY 1 / x LIMIT 1", ErrorKind::Arithmetic);
    fails(
        "UNWIND [1, 2, 0] AS x RETURN 1 / x AS y, x ORDER BY x DESC LIMIT 1",
        ErrorKind::Arithmetic,
    );
    let err = db.execute("MATCH (p:P) RETURN p ORDER BY p.i SKIP -1 LIMIT 2", &BTreeMap::new());
    assert!(err.is_err(), "a negative SKIP is an error");
    let err = db.execute("MATCH (p:P) RETURN p ORDER BY p.i LIMIT -2", &BTreeMap::new());
    assert!(err.is_err(), "a negative LIMIT is an error");
}

#[test]
fn writes_below_a_top_n_all_apply() {
    let db = Database::open("memory://top-n-writes").unwrap();
    let rows = run(
        &db,
        "UNWIND range(1, 5) AS i CREATE (n:W {i: i}) RETURN n.i AS i ORDER BY i DESC LIMIT 2",
    );
    assert_eq!(rows, vec![vec![ResultValue::Int(5)], vec![ResultValue::Int(4)]]);
    run(&db, "UNWIND range(1, 3) AS i CREATE (n:Z {i: i}) WITH n ORDER BY n.i LIMIT 0 RETURN n");
    let count = run(&db, "MATCH (n) RETURN count(n)");
    assert_eq!(count, vec![vec![ResultValue::Int(8)]]);
}
