//! Pattern parts joined by an equality that no lookup serves run as a hash join, and return
//! exactly the rows, in the order, the nested loop they replace returned: `=` decides (1 equals
//! 1.0, a null, a NaN or a list holding a null equals nothing, instants compare across
//! offsets), keys fail as they did, empty sides, subqueries and writes above the join behave.
//!
//! The reference for each query is the same query with its equality written as
//! `coalesce(l = r, false)`: true exactly when `l = r` is, and no join key to the optimizer.
//! The sides are `MATCH` clauses separated by `WITH *`, which keeps their order: the parts of a
//! pattern, and consecutive `MATCH` clauses, may be reordered by cost (`bind/part_order.rs`),
//! and the reference, costed without a join, could be reordered differently from the query.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;

use namidb::{Database, ErrorKind, ResultValue};

mod common;

use common::{plan, run};

fn joins(db: &Database, q: &str) -> bool {
    plan(db, q).iter().any(|o| o.starts_with("HashJoin"))
}

/// Key values that test `=`'s corners, as Cypher literals.
const VALUES: [&str; 14] = [
    "1",
    "1.0",
    "2",
    "2.5",
    "'1'",
    "null",
    "0.0 / 0.0",
    "[1, 2]",
    "[1.0, 2]",
    "[1, null]",
    "{k: 1}",
    "{k: 1.0}",
    "datetime('2020-01-01T12:00+01:00')",
    "datetime('2020-01-01T11:00Z')",
];

/// The test graph, in a store of its own (`name`: tests of one process share `memory://`).
fn graph(name: &str) -> Database {
    let db = Database::open(&format!("memory://hash-join-{name}")).unwrap();
    // Property values cannot be maps or hold nulls, so a node holds an index into `VALUES`.
    for i in 0..VALUES.len() {
        run(&db, &format!("CREATE (:A {{i: {i}, dup: {}}})", i % 3));
        run(
            &db,
            &format!("CREATE (:B {{j: {i}, dup: {}}})-[:R {{w: {i}}}]->(:C {{k: {i}}})", i % 2),
        );
    }
    run(&db, "UNWIND range(0, 5) AS i CREATE (:A {i: 100 + i, dup: i % 3})");
    db
}

/// `VALUES` as a Cypher list, indexed by a node's number.
fn values() -> String {
    format!("[{}]", VALUES.join(", "))
}

fn same_rows(db: &Database, join: &str, reference: &str) {
    assert!(joins(db, join), "{join} is not a hash join: {:?}", plan(db, join));
    assert!(!joins(db, reference), "{reference} is a hash join");
    let (got, want) = (run(db, join), run(db, reference));
    assert!(!want.is_empty() || join.contains("Missing"), "{reference} has no rows");
    assert_eq!(got, want, "{join}");
}

#[test]
fn a_hash_join_returns_the_nested_loops_rows_in_its_order() {
    let db = graph("order");
    let v = values();
    let cases = [
        // One key, `=`'s corners: both sides index the same list of values.
        (format!("{v}[a.i]"), format!("{v}[b.j]"), "a.i, b.j".to_owned()),
        // Duplicate keys on both sides.
        ("a.dup".to_owned(), "b.dup + 0".to_owned(), "a.i, b.j".to_owned()),
        // A key that is null on some rows (the extra A nodes index past the list).
        (format!("{v}[a.i]"), format!("{v}[b.j + 1]"), "a.i, b.j".to_owned()),
    ];
    for (l, r, out) in cases {
        let join = format!("MATCH (a:A) WITH * MATCH (b:B) WHERE {l} = {r} RETURN {out}");
        let reference =
            format!("MATCH (a:A) WITH * MATCH (b:B) WHERE coalesce({l} = {r}, false) RETURN {out}");
        same_rows(&db, &join, &reference);
    }
    // The pairs `=` accepts: 1 = 1.0 (also inside lists and maps), instants across offsets;
    // null (5), NaN (6) and a list holding null (9) equal nothing, not even themselves.
    let q = format!("MATCH (a:A) WITH * MATCH (b:B) WHERE {v}[a.i] = {v}[b.j] RETURN a.i, b.j");
    let pairs: Vec<(i64, i64)> = run(&db, &q)
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (ResultValue::Int(a), ResultValue::Int(b)) => (*a, *b),
            other => panic!("{other:?}"),
        })
        .collect();
    let mut want = vec![(2, 2), (3, 3), (4, 4)];
    for (x, y) in [(0, 1), (7, 8), (10, 11), (12, 13)] {
        want.extend([(x, x), (x, y), (y, x), (y, y)]);
    }
    want.sort();
    assert_eq!(pairs.len(), want.len(), "{pairs:?}");
    let mut sorted = pairs.clone();
    sorted.sort();
    assert_eq!(sorted, want);
}

#[test]
fn several_keys_other_conjuncts_and_an_expanded_segment() {
    let db = graph("several");
    let v = values();
    same_rows(
        &db,
        &format!(
            "MATCH (a:A) WITH * MATCH (b:B) WHERE a.dup = b.dup + 0 AND {v}[a.i] = {v}[b.j] AND a.i <= b.j
             AND b.j > 1 AND a.i < 50 RETURN a.i, b.j"
        ),
        &format!(
            "MATCH (a:A) WITH * MATCH (b:B) WHERE coalesce(a.dup = b.dup + 0, false)
             AND coalesce({v}[a.i] = {v}[b.j], false) AND a.i <= b.j AND b.j > 1 AND a.i < 50
             RETURN a.i, b.j"
        ),
    );
    // The segment expands; the key reads its far end, the output its relationship.
    same_rows(
        &db,
        "MATCH (a:A) WITH * MATCH (b:B)-[r:R]->(c:C) WHERE a.i % 5 = c.k % 5 RETURN a.i, b.j, r.w, c.k",
        "MATCH (a:A) WITH * MATCH (b:B)-[r:R]->(c:C) WHERE coalesce(a.i % 5 = c.k % 5, false)
         RETURN a.i, b.j, r.w, c.k",
    );
    // Aggregated above, with a part between the join's sides left as a nested loop.
    same_rows(
        &db,
        "MATCH (a:A) WITH * MATCH (x:C) WITH * MATCH (b:B) WHERE a.i + x.k = b.j * 2 RETURN count(*), sum(a.i + b.j)",
        "MATCH (a:A) WITH * MATCH (x:C) WITH * MATCH (b:B) WHERE coalesce(a.i + x.k = b.j * 2, false)
         RETURN count(*), sum(a.i + b.j)",
    );
}

#[test]
fn empty_sides_join_nothing_and_keys_fail_as_before() {
    let db = graph("empty");
    for q in [
        "MATCH (a:Missing) WITH * MATCH (b:B) WHERE a.i = b.j + 0 RETURN a, b",
        "MATCH (a:A) WITH * MATCH (b:Missing) WHERE a.i = b.j + 0 RETURN a, b",
    ] {
        assert!(joins(&db, q), "{q}: {:?}", plan(&db, q));
        assert!(run(&db, q).is_empty(), "{q}");
    }
    // An empty side means the other side's keys are never computed (no division by zero),
    // as in the nested loop.
    assert!(run(&db, "MATCH (a:A) WITH * MATCH (b:Missing) WHERE a.i / 0 = b.j + 0 RETURN a")
        .is_empty());
    assert!(
        run(&db, "MATCH (a:Missing) WITH * MATCH (b:B) WHERE a.i = b.j / 0 RETURN a").is_empty()
    );
    for q in [
        "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i / 0 = b.j + 0 RETURN a.i",
        "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j / 0 RETURN a.i",
        // Every right key is null (nothing to keep), yet the left keys are computed, as the
        // nested loop computed them against every right row.
        "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i / 0 = b.missing + 0 RETURN a.i",
    ] {
        assert!(joins(&db, q));
        let err = db.execute(q, &BTreeMap::new()).expect_err(q);
        assert_eq!(err.kind, ErrorKind::Arithmetic, "{q}: {err}");
    }
}

#[test]
fn a_conjunct_that_may_fail_keeps_the_nested_loop() {
    let db = graph("fail");
    // The nested loop divides for every pair, so b.j = 3 raises; a join would divide only
    // for pairs with equal keys (never b.j = 3 with a.i = 3 + 40) and hide it.
    let q =
        "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 40 AND a.i / (b.j - 3) > 100 RETURN a.i";
    assert!(!joins(&db, q), "{:?}", plan(&db, q));
    let err = db.execute(q, &BTreeMap::new()).expect_err(q);
    assert_eq!(err.kind, ErrorKind::Arithmetic, "{q}: {err}");
    // A comparison cannot fail: it may run above the join.
    let q = "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 0 AND a.dup < b.dup RETURN a.i";
    assert!(joins(&db, q), "{:?}", plan(&db, q));
}

#[test]
fn joins_inside_subqueries_and_under_writes() {
    let db = graph("joins");
    run(&db, "CREATE (:Z {n: 1}), (:Z {n: 2})");
    same_rows(
        &db,
        "MATCH (z:Z) OPTIONAL MATCH (a:A), (b:B) WHERE a.i + z.n = b.j + 0
         RETURN z.n, a.i, b.j",
        "MATCH (z:Z) OPTIONAL MATCH (a:A), (b:B) WHERE coalesce(a.i + z.n = b.j + 0, false)
         RETURN z.n, a.i, b.j",
    );
    // Every joined pair gets its relationship.
    let q =
        "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 0 CREATE (a)-[:J]->(b) RETURN count(*)";
    assert!(joins(&db, q));
    assert_eq!(run(&db, q), vec![vec![ResultValue::Int(VALUES.len() as i64)]]);
    let created = "MATCH (a:A)-[:J]->(b:B) WHERE a.i = b.j RETURN count(*)";
    assert_eq!(run(&db, created), vec![vec![ResultValue::Int(VALUES.len() as i64)]]);
    // Rows that write are not a probe side: the match below sees every node created first.
    let q = "UNWIND [1, 2] AS v CREATE (n:N {v: v}) WITH n MATCH (m:N) WHERE m.v + 0 = n.v
             RETURN n.v, m.v ORDER BY n.v";
    assert!(!joins(&db, q));
    let int = ResultValue::Int;
    assert_eq!(run(&db, q), vec![vec![int(1), int(1)], vec![int(2), int(2)]]);
}

#[test]
fn explain_shows_the_join_and_its_estimate() {
    let db = graph("explain");
    let lines = plan(&db, "MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 0 RETURN a.i");
    let join = lines.iter().find(|o| o.starts_with("HashJoin")).unwrap();
    assert!(join.contains("on [#0 = #1] binds #1"), "{lines:?}");
    // The build side is a scan over one row, not over the probe side's rows.
    let below: Vec<&String> = lines.iter().skip_while(|o| !o.starts_with("HashJoin")).collect();
    assert!(below.iter().filter(|o| o.starts_with("Unit")).count() == 2, "{lines:?}");
    assert!(!join.contains("counted"), "{lines:?}");
    // An aggregation reading only the left side counts the join's matches: EXPLAIN says so,
    // and not when it reads the right side.
    let counted = |q: &str| {
        let lines = plan(&db, q);
        lines.iter().find(|o| o.starts_with("HashJoin")).unwrap().starts_with("HashJoin counted")
    };
    assert!(counted("MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 0 RETURN count(*)"));
    assert!(counted("MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 0 RETURN a.dup, sum(a.i)"));
    assert!(!counted("MATCH (a:A) WITH * MATCH (b:B) WHERE a.i = b.j + 0 RETURN sum(b.j)"));
}

#[test]
fn an_aggregation_reading_only_the_left_side_counts_matches_as_the_joined_rows_would() {
    let db = graph("counted");
    // (`+ 0`: no property lookup of `b.dup`.) `a` joins every `b` of its `dup`: A's dup cycles 0, 1, 2 and B's 0, 1, so `dup = 2`
    // rows join nothing and must not make a group.
    let aggregations = [
        "count(*)",
        "count(*), count(a.i), count(b)",
        "sum(a.i), avg(a.i), min(a.i), max(a.i)",
        "sum(a.i * 0.1), avg(a.i * 0.3)",
        "collect(a.i)",
        "count(DISTINCT a.i), collect(DISTINCT a.dup)",
        "stDev(a.i), percentileDisc(a.i, 0.5)",
        "a.dup AS d, count(*), sum(a.i)",
        "a.i % 4 AS m, collect(a.i), count(a.i)",
    ];
    for aggregation in aggregations {
        same_rows(
            &db,
            &format!("MATCH (a:A) WITH * MATCH (b:B) WHERE a.dup = b.dup + 0 RETURN {aggregation}"),
            &format!(
                "MATCH (a:A) WITH * MATCH (b:B) WHERE coalesce(a.dup = b.dup + 0, false) RETURN {aggregation}"
            ),
        );
    }
    // A left row joining nothing, and a right side of no rows at all: one empty group.
    same_rows(
        &db,
        "MATCH (a:A) WITH * MATCH (b:B) WHERE a.dup + 10 = b.dup + 0 RETURN count(*), sum(a.i), collect(a.i)",
        "MATCH (a:A) WITH * MATCH (b:B) WHERE coalesce(a.dup + 10 = b.dup + 0, false)
         RETURN count(*), sum(a.i), collect(a.i)",
    );
    same_rows(
        &db,
        "MATCH (a:A) WITH * MATCH (b:Missing) WHERE a.dup = b.dup + 0 RETURN count(*), a.dup AS d",
        "MATCH (a:A) WITH * MATCH (b:Missing) WHERE coalesce(a.dup = b.dup + 0, false) RETURN count(*), a.dup AS d",
    );
    // A sum overflows as it would row by row: after enough joined rows, not at once.
    // 14 joined rows: 14 tenths of the largest integer overflow, 14 twentieths do not.
    let max = "9223372036854775807";
    for (aggregation, fails) in
        [(format!("sum({max} / 10 + a.i)"), true), (format!("sum({max} / 20 + a.i)"), false)]
    {
        let join = format!(
            "MATCH (a:A) WITH * MATCH (b:B) WHERE a.dup = b.dup + 0 AND a.i < 3 RETURN {aggregation}"
        );
        let got = db.execute(&join, &BTreeMap::new());
        let reference = join.replace("a.dup = b.dup + 0", "coalesce(a.dup = b.dup + 0, false)");
        let want = db.execute(&reference, &BTreeMap::new());
        match (got, want) {
            (Err(g), Err(w)) => {
                assert!(fails, "{join}: {g}");
                assert_eq!((g.kind, g.to_string()), (w.kind, w.to_string()));
            }
            (Ok(g), Ok(w)) => {
                assert!(!fails, "{join} did not overflow");
                assert_eq!(g.rows, w.rows);
            }
            (g, w) => panic!("{join}: {:?} against {:?}", g.map(|r| r.rows), w.map(|r| r.rows)),
        }
    }
}
