//! `shortestPath` and `allShortestPaths`: lengths, every path of the shortest length,
//! direction, length bounds, a start equal to the end, no path, and parallel relationships
//! (distinct paths).

use namidb::{Database, ResultValue};

fn run(db: &Database, query: &str) -> Vec<Vec<ResultValue>> {
    db.execute(query, &Default::default()).unwrap_or_else(|e| panic!("{query}: {e}")).rows
}

fn ints(rows: &[Vec<ResultValue>]) -> Vec<i64> {
    let mut out: Vec<i64> = rows
        .iter()
        .map(|r| match r[0] {
            ResultValue::Int(i) => i,
            ref other => panic!("{other:?}"),
        })
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn shortest_paths() {
    let db = Database::open("memory://shortest-paths").expect("open");
    // A diamond a→b→d, a→c→d (two shortest a…d paths), a long way a→e→f→d, and two
    // parallel b→d relationships.
    run(
        &db,
        "CREATE (a:N {k: 'a'}), (b:N {k: 'b'}), (c:N {k: 'c'}), (d:N {k: 'd'}), (e:N {k: 'e'}),
                (f:N {k: 'f'}), (z:N {k: 'z'}),
                (a)-[:R]->(b), (b)-[:R]->(d), (b)-[:R]->(d), (a)-[:R]->(c), (c)-[:R]->(d),
                (a)-[:R]->(e), (e)-[:R]->(f), (f)-[:R]->(d)",
    );
    let q = |pattern: &str, to: &str| {
        format!("MATCH (x:N {{k: 'a'}}), (y:N {{k: '{to}'}}) MATCH p = {pattern} RETURN length(p)")
    };
    assert_eq!(ints(&run(&db, &q("shortestPath((x)-[:R*]->(y))", "d"))), vec![2]);
    // b→d twice plus c→d: three distinct shortest paths.
    assert_eq!(ints(&run(&db, &q("allShortestPaths((x)-[:R*]->(y))", "d"))), vec![2, 2, 2]);
    // Against the direction there is no path; undirected there is.
    assert!(run(&db, &q("shortestPath((x)<-[:R*]-(y))", "d")).is_empty());
    assert_eq!(ints(&run(&db, &q("shortestPath((x)-[:R*]-(y))", "d"))), vec![2]);
    // A maximum below the distance finds nothing; a missing node is unreachable.
    assert!(run(&db, &q("shortestPath((x)-[:R*..1]->(y))", "d")).is_empty());
    assert!(run(&db, &q("shortestPath((x)-[:R*]-(y))", "z")).is_empty());
    // From a node to itself: length 0 with a zero minimum, nothing otherwise.
    assert_eq!(ints(&run(&db, &q("shortestPath((x)-[:R*0..]->(y))", "a"))), vec![0]);
    assert!(run(&db, &q("shortestPath((x)-[:R*]->(y))", "a")).is_empty());
    // OPTIONAL MATCH keeps the row with a null path.
    let rows = run(
        &db,
        "MATCH (x:N {k: 'a'}), (y:N {k: 'z'}) OPTIONAL MATCH p = shortestPath((x)-[*]-(y)) RETURN p",
    );
    assert_eq!(rows, vec![vec![ResultValue::Null]]);
    // The path's nodes run from start to end.
    let rows = run(
        &db,
        "MATCH (x:N {k: 'd'}), (y:N {k: 'a'}) MATCH p = shortestPath((x)<-[:R*]-(y))
         RETURN [n IN nodes(p) | n.k] AS ks",
    );
    assert_eq!(rows.len(), 1);
    let ResultValue::List(ks) = &rows[0][0] else { panic!("{rows:?}") };
    assert_eq!(ks.first(), Some(&ResultValue::String("d".into())));
    assert_eq!(ks.last(), Some(&ResultValue::String("a".into())));
}
