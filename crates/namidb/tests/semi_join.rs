//! One-hop pattern predicates run as hash semi/anti joins and keep exactly the rows, in the
//! order, the per-row subquery kept: below the point where building the set pays (a few rows:
//! answered per row) and past it (built once from every node), with filters on the far node
//! and the relationship, loops, both directions, and other conjuncts beside them.
//!
//! The reference for each query is the same predicate as a `COUNT { … } > 0` (or `= 0`), which
//! the rule leaves a per-row subquery.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;

use namidb::{Database, ResultValue};

mod common;

use common::{plan, run};

/// (start of the query, pattern, rest of the query): the pattern is spliced in as
/// `EXISTS { … }`, as `NOT` of it, and as the `COUNT` references.
const CASES: &[(&str, &str, &str)] = &[
    ("MATCH (a:P) WHERE", "(a)-[:K]->(:Q)", "RETURN a.id AS id"),
    ("MATCH (a:P) WHERE a.id % 3 = 0 AND", "(a)<-[:K]-()", "RETURN a.id AS id"),
    ("MATCH (a:P) WHERE", "(a)-[:K]->(b) WHERE b.id = a.id", "RETURN a.id AS id"),
    ("MATCH (a:P) WHERE", "(a)-[k:K]->(b) WHERE k.w > 5 AND b.id < a.id", "RETURN a.id AS id"),
    ("MATCH (a:P)-[:K]->(b) WHERE", "(b)-[:L]->(:R)", "RETURN a.id AS a, b.id AS b"),
    ("MATCH (a:P) WHERE", "(a)-[:K|L]-(x:R)", "RETURN count(*) AS n"),
    ("UNWIND range(0, 40) AS i MATCH (a:P {id: i}) WHERE", "(a)-->()", "RETURN a.id AS id"),
];

#[test]
fn pattern_predicates_as_semi_and_anti_joins_keep_the_subquerys_rows() {
    let db = Database::open("memory://semi-join").unwrap();
    run(&db, "UNWIND range(0, 1999) AS i CREATE (:P {id: i, q: i % 5 = 0})");
    run(&db, "MATCH (p:P) WHERE p.q SET p:Q");
    run(&db, "UNWIND range(0, 9) AS i CREATE (:R {id: i})");
    run(
        &db,
        "MATCH (a:P), (b:P) WHERE b.id = (a.id * 7 + 3) % 1900 CREATE (a)-[:K {w: a.id % 11}]->(b)",
    );
    run(&db, "MATCH (a:P) WHERE a.id % 40 = 0 CREATE (a)-[:K]->(a)");
    run(&db, "MATCH (a:P), (r:R) WHERE a.id % 13 = r.id CREATE (a)-[:L]->(r)");
    // Flushed, so the statistics count the nodes: a handful of rows is answered per row, a
    // label's worth builds the set.
    db.flush().unwrap();
    for (start, pattern, rest) in CASES {
        for negated in [false, true] {
            let (not, cmp) = if negated { ("NOT ", "= 0") } else { ("", "> 0") };
            let q = format!("{start} {not}EXISTS {{ {pattern} }} {rest}");
            let reference = format!("{start} COUNT {{ {pattern} }} {cmp} {rest}");
            let operator = if negated { "AntiJoin" } else { "SemiJoin" };
            assert!(plan(&db, &q).iter().any(|o| o.starts_with(operator)), "{q}");
            assert!(!plan(&db, &reference).iter().any(|o| o.contains("Join")), "{reference}");
            assert_eq!(run(&db, &q), run(&db, &reference), "{q}");
        }
    }
    // A bare pattern predicate is the same `EXISTS`.
    let bare = "MATCH (a:P) WHERE NOT (a)-[:K]->(:Q) RETURN a.id AS id";
    assert!(plan(&db, bare).iter().any(|o| o.starts_with("AntiJoin")));
    assert_eq!(
        run(&db, bare),
        run(&db, "MATCH (a:P) WHERE NOT EXISTS { (a)-[:K]->(:Q) } RETURN a.id AS id")
    );
}

#[test]
fn predicates_the_rule_cannot_take_stay_subqueries_and_answer_the_same() {
    let db = Database::open("memory://semi-join-not").unwrap();
    run(&db, "UNWIND range(0, 99) AS i CREATE (:P {id: i})");
    run(&db, "MATCH (a:P), (b:P) WHERE b.id = (a.id + 1) % 100 CREATE (a)-[:K]->(b)");
    let stays = [
        // The far node's filter could fail, two hops, a second node of the row, a statement
        // that writes, a node that may be null.
        "MATCH (a:P) WHERE EXISTS { (a)-[:K]->(b) WHERE 10 / (b.id - 50) > 0 } RETURN count(*) AS n",
        "MATCH (a:P) WHERE (a)-[:K]->()-[:K]->(:P {id: 0}) RETURN a.id AS id",
        "MATCH (a:P), (b:P {id: 3}) WHERE (a)-[:K]->(b) RETURN a.id AS id",
        "MATCH (a:P) WHERE (a)-[:K]->(:P {id: 5}) SET a.seen = true RETURN a.id AS id",
        "MATCH (a:P {id: 1}) OPTIONAL MATCH (a)-[:K]->(b {id: 7}) WITH b WHERE NOT (b)-->() RETURN b",
    ];
    for q in stays {
        assert!(
            !plan(&db, q).iter().any(|o| o.contains("SemiJoin") || o.contains("AntiJoin")),
            "{q}"
        );
    }
    assert_eq!(run(&db, stays[2]), vec![vec![ResultValue::Int(2)]]);
    assert_eq!(run(&db, stays[3]), vec![vec![ResultValue::Int(4)]]);
    assert_eq!(run(&db, stays[4]), vec![vec![ResultValue::Null]]);
    let err = db.execute(stays[0], &BTreeMap::new()).unwrap_err();
    assert!(format!("{err}").to_lowercase().contains("division"), "{err}");
}
