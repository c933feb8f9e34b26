//! The pipelined executor answers exactly as the row executor: the same aggregation queries on
//! one namespace through a handle that pipelines and one that runs everything on rows
//! (`projection_budget: Some(0)`), over a graph with several labels and types, nulls, mixed
//! numbers, strings, self-loops and parallel relationships, part flushed and part in the
//! memtable, large enough that the start nodes split into several morsels.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;

use namidb::{Database, OpenOptions, ResultValue};

fn rows(db: &Database, q: &str) -> Result<Vec<Vec<ResultValue>>, String> {
    db.execute(q, &BTreeMap::new()).map(|r| r.rows).map_err(|e| format!("{:?}", e.kind))
}

fn open(uri: &str, budget: Option<u64>) -> Database {
    Database::open_with(uri, OpenOptions { projection_budget: budget, ..Default::default() })
        .unwrap()
}

const QUERIES: &[&str] = &[
    "MATCH (p:P) RETURN count(*) AS n",
    "MATCH (p:P) WHERE p.age > 30 RETURN count(*) AS n, sum(p.age) AS s, avg(p.age) AS a",
    "MATCH (p:P) RETURN p.age % 7 AS k, count(*) AS n, min(p.name) AS lo, max(p.score) AS hi ORDER BY k",
    "MATCH (p:P:Q) RETURN count(p) AS n, collect(p.age)[0..5] AS some",
    // No ORDER BY: groups in order of first arrival, collect in row order, across morsels.
    "MATCH (p:P) RETURN p.age % 7 AS k, count(*) AS n, collect(p.id) AS ids",
    "MATCH (a:P)-[:K]->(b) RETURN b.age AS k, count(*) AS n",
    "MATCH (n) RETURN count(n) AS n, count(n.age) AS ages",
    "MATCH (a:P)-[:K]->(b:P) RETURN sum(b.age) AS s, count(*) AS n",
    "MATCH (a:P)-[k:K]->(b) WHERE k.w > 5 RETURN count(*) AS n, sum(k.w) AS s",
    "MATCH (a:P)<-[:K]-(b:P) RETURN a.age AS age, count(*) AS n, sum(b.age) AS s ORDER BY age",
    "MATCH (a:P)-[:K|L]-(b) RETURN count(*) AS n, count(DISTINCT b) AS d",
    "MATCH (a)-[r]-(b) RETURN count(*) AS n, sum(id(r)) % 1000 AS ids",
    "MATCH (a:P)-[:K]->(a) RETURN count(*) AS loops",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c:P) RETURN count(*) AS n",
    // Memoized last hops: self-loops and parallel relationships met through both directions,
    // distinctness against two earlier relationships, a relationship filter, grouping.
    "MATCH (a)-[r]-(b)-[s]-(c) WHERE c.age > 5 RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c)-[k:K]-(d:P) WHERE k.w > 3 RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)<-[:K]-(c) RETURN a.age % 5 AS g, count(*) AS n ORDER BY g",
    "MATCH (a:P)-[:K|L]->(b)-[:K|L]-(c) RETURN count(*) AS n",
    "MATCH (a:P)-[r:K]->(b)-[s:K]->(c) WHERE id(s) % 3 = 0 RETURN count(*) AS n",
    // The last hop only counted, grouped by a key read before it, no ORDER BY.
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) WHERE c.age > 40 RETURN a.age % 3 AS k, count(*) AS n",
    "MATCH (a:P)-[:K]->(b) WHERE b.age > 0 RETURN count(*) AS n, count(*) AS m",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) WHERE a.age < c.age OR c.name STARTS WITH 'n1' RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)-[:L]->(c) WITH a, c.age + 1 AS x WHERE x IS NOT NULL RETURN a.age AS k, sum(x) AS s ORDER BY k LIMIT 5",
    "MATCH (a:P)-[:K]->(b) WHERE NOT b:Q AND a.age - 20 IN [0, 1, 2] RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b) RETURN toString(a.age) + '-' + coalesce(b.name, 'none') AS k, count(*) AS n ORDER BY n DESC, k LIMIT 3",
    "MATCH (a:P) WHERE a.missing > 1 RETURN count(*) AS n, sum(a.age) AS s",
    "MATCH (a:Nope) RETURN count(*) AS n",
    "MATCH (a:P)-[:Nope]->(b) RETURN count(*) AS n",
    "MATCH (p:P) RETURN sum(p.name) AS s",
    "MATCH (p:P) WHERE p.age RETURN count(*) AS n",
    "MATCH (p:P) WHERE p.age AND true RETURN count(*) AS n",
    "MATCH (p:P) RETURN sum(p.big) AS s",
    // Integer columns against integer constants (unboxed), either way round, with nulls.
    "MATCH (p:P) WHERE 40 <= p.age RETURN count(*) AS n",
    "MATCH (p:P) WHERE p.age <> 20 AND NOT p.age > 60 RETURN count(*) AS n",
    "MATCH (a:P)-[k:K]->(b) WHERE k.w = 7 OR k.w < 2 RETURN count(*) AS n",
    "MATCH (a:P)-[k:K|L]->(b) WHERE k.w >= 3 RETURN count(*) AS n, count(k.w) AS w",
    "MATCH (a:P)-[k:K]->(b) WHERE (k.w > 3) IS NULL RETURN count(*) AS n",
    "MATCH (p:P) WHERE p.score > 100 OR p.name > 5 RETURN count(*) AS n",
    "MATCH (p:P) WHERE p.big >= 9223372036854775000 RETURN count(*) AS n",
    // Grouped by an integer column (unboxed keys), nulls included.
    "MATCH (a:P)-[k:K|L]->(b) RETURN k.w AS w, count(*) AS n, collect(id(b))[0..3] AS some",
    "MATCH (n) RETURN n.age AS age, count(*) AS n ORDER BY age DESC LIMIT 7",
    // Aggregates of integer columns folded unboxed: nulls skipped, DISTINCT, empty groups,
    // overflow (`big` holds values near i64::MAX), relationship columns of two types.
    "MATCH (n) RETURN count(n.age) AS c, sum(n.age) AS s, avg(n.age) AS a, min(n.age) AS lo, max(n.age) AS hi",
    "MATCH (p:P) RETURN p.age % 4 AS k, min(p.age) AS lo, max(p.age) AS hi, sum(DISTINCT p.age) AS d ORDER BY k",
    "MATCH (p:P) WHERE p.age > 1000 RETURN sum(p.age) AS s, min(p.age) AS lo, avg(p.age) AS a",
    "MATCH (a:P)-[k:K|L]->(b) RETURN sum(k.w) AS s, max(k.w) AS hi, avg(k.w) AS a, stDev(k.w) AS d",
    "MATCH (p:P) RETURN max(p.big) AS hi, min(p.big) AS lo, avg(p.big) AS a",
    // Scans folded a morsel at a time: grouped by an integer column of the start node (runs
    // of one key, groups in order of first arrival), integer aggregates in blocks.
    "MATCH (p:P) RETURN p.age AS k, count(*) AS n ORDER BY k",
    "MATCH (p:P) RETURN p.big AS k, count(*) AS n, count(*) AS m",
    "MATCH (n) RETURN n.age AS k, count(*) AS n",
    "MATCH (p:P) WHERE p.id > 100 RETURN p.age AS k, count(*) AS n, sum(p.id) AS s, min(p.big) AS b",
    "MATCH (p:P) RETURN count(p.id) AS c, sum(p.id) AS s, avg(p.age) AS a, min(p.id) AS lo, max(p.id) AS hi",
    "MATCH (p:P) WHERE p.age < 40 RETURN count(*) AS n, count(p.score) AS c, sum(p.id) AS s, max(p.age) AS hi",
    // Variable-length hops walked on the projection: trails in the row executor's order
    // (collect shows it), both directions with loops and parallels, zero-length trails, a
    // bound end, several types, unbounded length, hops after it.
    "MATCH (a:P) WHERE a.id < 40 MATCH (a)-[:K*1..3]->(b) RETURN count(*) AS n, collect(b.id)[0..20] AS some",
    "MATCH (a:P)-[:K*0..2]-(b:Q) WHERE a.id % 100 = 1 RETURN a.id AS k, count(*) AS n, collect(id(b))[0..6] AS ids",
    "MATCH (r:R)-[:L*0..]-(x) RETURN count(*) AS n, count(DISTINCT x) AS d, sum(x.age) AS s, collect(x.id)[0..8] AS ids",
    "MATCH (a:P)-[:K*2..2]->(a) RETURN count(*) AS n, collect(a.id)[0..5] AS ids",
    "MATCH (a:P)-[:K|L*1..2]->(b) WHERE a.id < 100 RETURN collect(id(b))[0..10] AS ids, count(*) AS n",
    "MATCH (b:R)<-[:L*0..]-(t) WHERE t:P OR b.age = 3 RETURN count(*) AS n, collect(t.id)[0..5] AS ids",
    "MATCH (a:P)-[:K*1..2]->(b) WHERE a.id < 200 WITH b MATCH (b)-[:L]->(r) RETURN r.age AS g, count(*) AS n ORDER BY g LIMIT 5",
    "MATCH (a:P)-[:K*0..0]->(b) RETURN count(*) AS n",
    "MATCH (a:P)-[:K*3..2]->(b) RETURN count(*) AS n",
    // Chains started by the rows of an input the row executor ran: a lookup, an unwound list
    // of collected nodes with a value read beside them, rows sorted and cut by a LIMIT (more
    // than one morsel of them, groups in order of first arrival), two node slots.
    "MATCH (a:P {id: 7})-[:K]->(b)-[:K]->(c) RETURN count(*) AS n, collect(c.id) AS ids",
    "UNWIND [1, 2, 3, 1, 2999] AS i MATCH (a:P {id: i})-[:K]->(b) RETURN i, count(*) AS n, sum(b.age) AS s",
    "MATCH (a:P) WHERE a.id < 50 WITH collect(a) AS ps, 3 AS k UNWIND ps AS p MATCH (p)-[:K]->(q) WHERE q.age % 5 = k RETURN q.age AS age, count(*) AS n ORDER BY age",
    "MATCH (a:P)-[:K]->(b) WITH a, b ORDER BY a.id DESC LIMIT 100 MATCH (b)-[:K]->(c) RETURN c.age % 4 AS g, count(*) AS n, collect(c.id) AS ids",
    "MATCH (a:P)-[:K]->(b) WITH a, b ORDER BY a.id LIMIT 60 MATCH (b)<-[:K]-(c)-[:L]->(r) WHERE c <> a RETURN a.age % 3 AS g, count(*) AS n, collect(r.age)[0..4] AS s ORDER BY g",
    "UNWIND [1, 'x'] AS i MATCH (a:P {id: 1})-[:K]->(b) RETURN sum(b.age + i) AS s",
    "UNWIND range(0, 40) AS i MATCH (a:P {id: i})-[:K|L]-(b) RETURN count(DISTINCT b) AS d, count(*) AS n",
    // Chains ending in rows: DISTINCT keeps each key's first row (across morsels, with
    // relationships, values of the input, nulls), TopN the first rows by its keys with ties
    // in arrival order, SKIP, parameters and values read after it.
    "MATCH (a:P)-[:K]->(b) WITH DISTINCT b.age % 7 AS g, a.age > 40 AS old RETURN g, old",
    "MATCH (a:P)-[r:K]->(b) WITH DISTINCT r.w AS w, b RETURN w, b.id AS id",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) RETURN DISTINCT c.age AS age LIMIT 7",
    // CASE, searched and simple (equality as `=`: 7 = 7.0, null never equal), with nulls.
    "MATCH (a:P)-[:K]->(b) RETURN CASE WHEN b.age > 40 THEN 'old' WHEN b.score IS NULL THEN null ELSE 'young' END AS k, count(*) AS n ORDER BY k",
    "MATCH (a:P)-[k:K]->(b) RETURN sum(CASE k.w WHEN 7 THEN 1 WHEN 7.0 THEN 2 ELSE 0 END) AS s, sum(CASE b.score WHEN null THEN 1 END) AS t",
    // Distinctness of a variable-length hop's list from a relationship of another type.
    "MATCH (a:P)-[:K*1..2]->(b)-[:L]->(r) WHERE a.id < 200 RETURN r.age AS g, count(*) AS n ORDER BY g",
    // OPTIONAL MATCH: each outer row's matches, or the row itself with nulls; its WHERE reads
    // outer values; a LIMIT above it; an aggregation above it.
    "MATCH (a:P) WHERE a.id < 100 OPTIONAL MATCH (a)-[:L]->(r) RETURN a.id AS a, r.age AS r",
    "MATCH (a:P) WHERE a.id < 300 WITH a, a.age AS g OPTIONAL MATCH (a)-[k:K]->(b) WHERE b.age > g RETURN a.id AS a, b.id AS b, k.w AS w, k",
    "MATCH (a:P) WHERE a.id % 7 = 0 OPTIONAL MATCH (a)-[:K]->(b)-[:L]->(r) RETURN a.age % 5 AS g, count(r) AS n, collect(r.age)[0..5] AS s ORDER BY g",
    "MATCH (a:P) OPTIONAL MATCH (a)-[:L]->(r) RETURN a.id AS a, r.age AS r LIMIT 10",
    // Pattern predicates between two bound nodes: one direction, both (loops, two types), on
    // a row-started DISTINCT.
    "MATCH (a:P)-[:K]->(b) WHERE NOT (b)-[:K]->(a) RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) WHERE (a)-[:K|L]-(c) RETURN count(*) AS n, collect(c.id)[0..5] AS s",
    "MATCH (a:P {id: 40})-[:K*1..3]->(b) WHERE NOT (a)-[:K]->(b) AND a <> b RETURN DISTINCT b.id AS b",
    // Map literals, temporal constructors and properties of values (an input relationship's
    // read through the statement's graph).
    "MATCH (a:P)-[r:K]->(b) WITH r, b LIMIT 30 MATCH (b)-[s:K]->(c) WHERE r.w > 3 RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b) WITH b, datetime({epochMillis: b.age * 86400000 * 7}) AS d WHERE d.month = 1 OR d.day > 20 RETURN d.year AS y, count(*) AS n ORDER BY y",
    "MATCH (a:P)-[k:K]->(b) RETURN {w: k.w, age: b.age}.w AS w, count(*) AS n, collect({id: b.id})[0..2] AS m ORDER BY w",
    // Variable-length hops' relationship lists rebuilt, in pattern order (reversed when the
    // hop is walked from the pattern's later node), empty for a zero-length trail.
    "MATCH (a:P)-[rs:K*1..2]->(b) WHERE a.id < 10 RETURN DISTINCT b.id AS b",
    "MATCH (a:P)-[rs:K*1..2]->(b) WHERE a.id < 30 WITH DISTINCT b, rs RETURN b.id AS b, [r IN rs | id(r)] AS ids",
    "MATCH (b)<-[rs:K*0..2]-(a:P {id: 3}) WITH b, rs ORDER BY b.id LIMIT 50 RETURN b.id AS b, [r IN rs | [id(r), startNode(r).id]] AS ids",
    "MATCH (a:P)-[r:K]->(b) WITH DISTINCT r RETURN id(r) AS id, type(r) AS t, startNode(r).id AS s, endNode(r).id AS e, r.w AS w",
    "UNWIND [3, 1, 3, 2, null] AS i MATCH (a:P {id: i})-[:K]->(b) WITH DISTINCT i, b.score AS s RETURN i, s",
    "MATCH (a:P)-[:K]->(b) RETURN b.age AS age, a.id AS id ORDER BY age DESC LIMIT 25",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) RETURN c.score AS s, b.id AS b ORDER BY s SKIP 7 LIMIT 30",
    "MATCH (a:P)-[k:K]->(b) RETURN a.id AS a, k, b.name AS n ORDER BY k.w DESC, b.name LIMIT 40",
    "MATCH (a:P) WHERE a.id < 80 WITH collect(a) AS ps UNWIND ps AS p MATCH (p)<-[:K]-(q) RETURN p.id AS p, q.id AS q, q.age AS age ORDER BY age, p LIMIT 33",
    "MATCH (a:P {id: 12})-[:K]->(b)-[:K]->(c) RETURN c.id AS c ORDER BY c.age LIMIT 1000",
    "MATCH (a:P)-[:K]->(b) RETURN b.id AS b ORDER BY b.age + a.name LIMIT 5",
    // Label tests an expansion's type settles (every `K` joins `P`s), and ones it does not.
    "MATCH (a:P)-[:K]->(b:P)-[:K]->(c:P) RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b) RETURN b:P AS p, b:Q AS q, b:P:Q AS pq, count(*) AS n ORDER BY q, pq",
    "MATCH (a:P)-[:L]->(r) RETURN r:R AS isr, r:P AS isp, count(*) AS n",
    "MATCH (a:P)-[:K*1..2]->(b:P) WHERE a.id < 100 RETURN count(*) AS n",
    "MATCH (a:P)-[:K|L*0..1]->(b:R) WHERE a.id < 100 RETURN count(*) AS n",
    // Counts of a node's entries in one loop: relationship and far-node integer tests with
    // nulls (memtable `K`s have no `w`), label tests, a filter on the hop before the last.
    "MATCH (a:P)-[k:K]->(b) WHERE k.w > 3 AND b.age < 40 RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b:Q)-[:K]->(c:Q) RETURN count(*) AS n",
    "MATCH (a:P)-[k:K]->(b)-[j:K]->(c) WHERE k.w > 3 AND j.w < 8 AND c.age >= 30 RETURN count(*) AS n",
    // The hop before the last summing its counts: loops, the same type read both ways,
    // undirected hops, two types, grouping by the start or by the middle node, three hops,
    // a filter no entry test expresses, a row start, an error in a count.
    "MATCH (a:P)-[:K]->(b)<-[:K]-(c) RETURN count(*) AS n",
    "MATCH (a:P)-[:K]-(b)-[:K]-(c:P) RETURN count(*) AS n",
    "MATCH (a:P)<-[:K]-(b)-[:K]->(c) RETURN count(*) AS n",
    "MATCH (a:P)-[:K|L]->(b)-[:K|L]->(c) RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) RETURN a.age % 3 AS g, count(*) AS n ORDER BY g",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) RETURN b.age % 3 AS g, count(*) AS n ORDER BY g",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c)-[:K]->(d) RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) WHERE c.name STARTS WITH 'n1' RETURN count(*) AS n",
    "MATCH (a:P) WHERE a.id < 100 WITH a MATCH (a)-[:K]->(b)-[:K]->(c) RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b)-[:K]->(c) WHERE c.age / (c.age - 20) > 0 RETURN count(*) AS n",
    // A node property tested for equality with a constant in place: strings, floats against
    // integers, integers against a float, an absent property, nulls.
    "MATCH (a:P)-[:K]->(b) WHERE b.name = 'n17' OR 'n3' = a.name RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b) WHERE b.score = 3 OR b.age = 30.0 RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b) WHERE (b.score = 1.5) IS NULL AND b.missing = 1 IS NULL RETURN count(*) AS n",
    // Counted label scans: each start node tested in one loop (no test, an integer
    // comparison with nulls, a label test, both), over several morsels.
    "MATCH (p:P) WHERE p:Q RETURN count(*) AS n, count(*) AS m",
    "MATCH (p:P) WHERE p.age > 30 AND p:Q RETURN count(*) AS n",
    "MATCH (n) WHERE n.age >= 50 RETURN count(*) AS n",
    "MATCH (n) WHERE n.score > 3 RETURN count(*) AS n",
    // A pattern predicate reaching an unbound node is an anti join: its set is a pipelined
    // `DISTINCT`; the aggregation above it stays on rows.
    "MATCH (a:P)-[:K]->(b) WHERE NOT (b)-[:K]->(:Q) RETURN count(*) AS n",
];

/// Chains that stay on rows, answering as the row executor does: the chain reads as a node a
/// slot that holds a null in some row, or a relationship of its own as a value; `LIMIT 0`; a DISTINCT
/// over a scan without expansion; a variable-length hop's list that may share a relationship
/// with another hop of the pattern (its trail is not kept to check); an input of more rows than
/// a row start buffers (streamed).
const ON_ROWS: &[&str] = &[
    "UNWIND [null, 1, 2] AS i OPTIONAL MATCH (p:P {id: i}) WITH p MATCH (p)-[:K]->(q) RETURN count(*) AS n",
    "MATCH (a:P)-[r:K]->(b) WITH r, b LIMIT 30 MATCH (b)-[s:K]->(c) WHERE s <> r RETURN count(*) AS n",
    "MATCH (a:P)-[:K]->(b) RETURN b.id AS b ORDER BY b.age LIMIT 0",
    "MATCH (p:P) RETURN DISTINCT p.age % 3 AS g",
    "MATCH (a:P)-[:K*1..2]->(b)-[:K]->(c) WHERE a.id < 50 RETURN count(*) AS n",
    "UNWIND [1, null] AS i OPTIONAL MATCH (a:P {id: i}) OPTIONAL MATCH (a)-[:K]->(b) RETURN i, b.id AS b",
    "UNWIND range(1, 70000) AS i MATCH (a:P {id: i % 3000})-[:K]->(b) RETURN count(*) AS n, sum(b.age) AS s",
];

/// Filtered label scans (with expansions and projections above the filter) whose rows feed a
/// row operator: a sort, a join, a return, a `LIMIT`, a write-free `WITH`. Each runs pipelined
/// and emits the rows the row operators would, in their order.
const CHAINS: &[&str] = &[
    "MATCH (p:P) WHERE p.age > 60 RETURN p.id, p.name",
    "MATCH (p:P) WHERE p.age < 20 RETURN p ORDER BY p.id DESC",
    "MATCH (p:P:Q) WHERE p.score > 100 RETURN p.id, p.score LIMIT 7",
    "MATCH (p:P) WHERE p.age IN range(0, 1000) RETURN p.id SKIP 2990",
    "MATCH (p:P) WHERE p.id % 97 = 1 MATCH (p)-[r:K]->(q) RETURN p.id, r.w, q.id, q.age",
    "MATCH (p:P)-[r]->(q) WHERE p.id < 40 AND r.w > 3 RETURN r, q.name",
    "MATCH (p:P) WHERE p.id < 30 WITH p, p.age * 2 AS twice RETURN p.id, twice, labels(p)",
    "MATCH (a:P), (b:P) WHERE a.age > 62 AND b.age < 20 AND a.id % 10 = b.id % 10 RETURN a.id, b.id",
    "MATCH (a:P), (b:P) WHERE a.age > 62 AND b.age < 20 AND a.id % 10 = b.id % 10 RETURN count(*), sum(a.id)",
    "MATCH (n) WHERE n.age > 110 RETURN n.age, labels(n)",
    "MATCH (p:P) WHERE p.big > 0 RETURN p.big + 1000 AS over",
    "MATCH (p:P) WHERE p.id / (p.id - 7) > 0 RETURN p.id",
];

#[test]
fn pipelined_aggregations_answer_as_the_row_executor_does() {
    let uri = "memory://pipeline-equivalence";
    let piped = open(uri, None);
    piped
        .execute(
            "UNWIND range(0, 2999) AS i
             CREATE (:P {id: i, age: 18 + i % 50, name: 'n' + toString(i),
                         score: CASE WHEN i % 3 = 0 THEN null ELSE i * 0.5 END,
                         big: CASE WHEN i < 2 THEN 9223372036854775000 ELSE 0 END})",
            &BTreeMap::new(),
        )
        .unwrap();
    rows(&piped, "MATCH (p:P) WHERE p.id % 4 = 0 SET p:Q").unwrap();
    rows(&piped, "UNWIND range(0, 99) AS i CREATE (:R {age: i})").unwrap();
    rows(
        &piped,
        "MATCH (a:P), (b:P) WHERE b.id = (a.id * 7 + 3) % 3000 OR b.id = (a.id + 1) % 3000
         CREATE (a)-[:K {w: a.id % 11}]->(b)",
    )
    .unwrap();
    piped.flush().unwrap();
    // A second layer in the memtable: more relationships, loops, parallels, a deleted node.
    rows(&piped, "MATCH (a:P) WHERE a.id % 50 = 0 CREATE (a)-[:K {w: 7}]->(a)").unwrap();
    rows(&piped, "MATCH (a:P), (b:P) WHERE a.id % 97 = 0 AND b.id = a.id + 1 CREATE (a)-[:K]->(b)")
        .unwrap();
    rows(&piped, "MATCH (a:P), (r:R) WHERE a.id % 30 = r.age CREATE (a)-[:L]->(r)").unwrap();
    rows(&piped, "MATCH (p:P {id: 5}) DETACH DELETE p").unwrap();

    // Opened after the writes: it replays them from the bucket.
    let plain = open(uri, Some(0));
    for q in QUERIES {
        let before = piped.pipelined_aggregations();
        let expected = rows(&plain, q);
        let got = rows(&piped, q);
        assert_eq!(got, expected, "{q}");
        // Every query above is pipelinable (one that fails is not counted): its aggregation,
        // and the one below it where there is one (a `collect` of start nodes).
        let pipelined = piped.pipelined_aggregations() - before;
        let expected = if got.is_ok() { 1..=2 } else { 0..=0 };
        assert!(expected.contains(&pipelined), "{q}: pipelined {pipelined} times");
    }
    for q in ON_ROWS {
        let before = piped.pipelined_aggregations();
        assert_eq!(rows(&piped, q), rows(&plain, q), "{q}");
        assert_eq!(piped.pipelined_aggregations(), before, "{q}");
    }
    for q in CHAINS {
        let before = piped.pipelined_scans();
        assert_eq!(rows(&piped, q), rows(&plain, q), "{q}");
        assert!(piped.pipelined_scans() > before, "{q}: not pipelined");
    }
    assert_eq!(plain.pipelined_aggregations() + plain.pipelined_scans(), 0);
}

#[test]
fn a_row_started_chain_builds_a_projection_only_once_rows_cost_as_much() {
    let db = open("memory://pipeline-row-start", None);
    rows(&db, "UNWIND range(0, 9) AS i CREATE (:A {id: i})-[:R]->(:B {id: i})").unwrap();
    let q = "MATCH (a:A {id: 3})-[:R]->(b) RETURN count(b) AS n";
    let run = |db: &Database| {
        let before = db.pipelined_aggregations();
        assert_eq!(rows(db, q).unwrap(), vec![vec![ResultValue::Int(1)]]);
        db.pipelined_aggregations() - before
    };
    // On rows until their time reaches the build's estimate (at least 1 ms), then pipelined
    // on the projection built, which is kept at this LSN.
    assert_eq!(run(&db), 0);
    let on_rows = (0..100_000).take_while(|_| run(&db) == 0).count();
    assert!(on_rows < 100_000, "never pipelined");
    assert_eq!(run(&db), 1);
    // A write moves the LSN: on rows again.
    rows(&db, "CREATE (:A {id: 100})").unwrap();
    assert_eq!(run(&db), 0);
    // A label-scan start builds one at once; row starts then use it.
    rows(&db, "MATCH (a:A) RETURN count(a) AS n").unwrap();
    assert_eq!(run(&db), 1);
}

#[test]
fn a_statement_that_wrote_reads_its_own_writes_on_rows() {
    let db = open("memory://pipeline-own-writes", None);
    rows(&db, "CREATE (:A), (:A)").unwrap();
    let out = rows(&db, "CREATE (:A) RETURN 1 AS n UNION ALL MATCH (a:A) RETURN count(a) AS n");
    assert_eq!(out.unwrap(), vec![vec![ResultValue::Int(1)], vec![ResultValue::Int(3)]]);
    // A read-only statement afterwards sees the committed node, pipelined.
    let before = db.pipelined_aggregations();
    assert_eq!(
        rows(&db, "MATCH (a:A) RETURN count(a) AS n").unwrap(),
        vec![vec![ResultValue::Int(3)]]
    );
    assert_eq!(db.pipelined_aggregations(), before + 1);
}
