//! The LDBC SNB SF0.003 snapshot in the Spark Datagen CsvCompositeProjectedFK layout
//! (`../shared/ldbc/sf0.003-composite-projected-fk`): every row of every file arrives, with
//! the Neo4j reference labels and types, ISO dates as `datetime` / `date` values.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use namidb::{Database, ResultValue};

fn snapshot_root() -> PathBuf {
    let base = std::env::var_os("NAMIDB_LDBC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ldbc"));
    base.join("sf0.003-composite-projected-fk/initial_snapshot")
}

fn data_rows(dir: &str, file: &str) -> i64 {
    let text = std::fs::read_to_string(snapshot_root().join(dir).join(file)).unwrap();
    text.lines().count() as i64 - 1
}

fn one(db: &Database, query: &str) -> Vec<ResultValue> {
    let result = db.execute(query, &BTreeMap::new()).unwrap();
    assert_eq!(result.rows.len(), 1, "{query}");
    result.rows.into_iter().next().unwrap()
}

fn int(db: &Database, query: &str) -> i64 {
    match one(db, query)[0] {
        ResultValue::Int(n) => n,
        ref other => panic!("{query} gave {other:?}"),
    }
}

#[test]
fn sf0003_projected_fk_loads_completely_with_typed_dates() {
    let files = namidb::import::ldbc::detect(&snapshot_root()).unwrap();
    assert_eq!(files.len(), 31);
    let db = Database::open("memory://ldbc-projected-fk").unwrap();
    let report = db.import(&files, &()).unwrap();

    // Every node and relationship row arrives.
    let node_files = [
        ("static", "Organisation.csv"),
        ("static", "Place.csv"),
        ("static", "TagClass.csv"),
        ("static", "Tag.csv"),
        ("dynamic", "Comment.csv"),
        ("dynamic", "Forum.csv"),
        ("dynamic", "Person.csv"),
        ("dynamic", "Post.csv"),
    ];
    let nodes: i64 = node_files.iter().map(|(d, f)| data_rows(d, f)).sum();
    assert_eq!(report.nodes as i64, nodes);
    assert_eq!(int(&db, "MATCH (n) RETURN count(n)"), nodes);
    let mut rels = 0;
    for dir in ["static", "dynamic"] {
        for entry in std::fs::read_dir(snapshot_root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.matches('_').count() == 2 {
                rels += data_rows(dir, &name);
            }
        }
    }
    assert_eq!(report.relationships as i64, rels);
    assert_eq!(int(&db, "MATCH ()-[r]->() RETURN count(r)"), rels);

    // Labels and types as the Neo4j reference loads them.
    assert_eq!(int(&db, "MATCH (p:Person) RETURN count(p)"), data_rows("dynamic", "Person.csv"));
    assert_eq!(
        int(&db, "MATCH (m:Message) RETURN count(m)"),
        data_rows("dynamic", "Post.csv") + data_rows("dynamic", "Comment.csv")
    );
    assert!(int(&db, "MATCH (c:City) RETURN count(c)") > 0);
    assert!(int(&db, "MATCH (c:Company) RETURN count(c)") > 0);
    assert_eq!(
        int(&db, "MATCH (:Person)-[k:KNOWS]->(:Person) RETURN count(k)"),
        data_rows("dynamic", "Person_knows_Person.csv")
    );

    // ISO text became temporal values: Person 14 (first data row of Person.csv).
    let row = one(
        &db,
        "MATCH (p:Person {id: 14})-[:IS_LOCATED_IN]->(c:City) \
         RETURN p.firstName, p.birthday = date('1984-03-11'), \
                p.creationDate = datetime('2010-01-03T15:10:31.499Z'), p.speaks, c:Place",
    );
    assert_eq!(
        row,
        [
            ResultValue::String("Hossein".into()),
            ResultValue::Bool(true),
            ResultValue::Bool(true),
            ResultValue::List(["fa", "ku", "en"].map(|s| ResultValue::String(s.into())).to_vec()),
            ResultValue::Bool(true),
        ]
    );
    // Temporal properties compare and order as dates, e.g. in an IS-style query.
    assert!(
        int(
            &db,
            "MATCH (m:Message)-[:HAS_CREATOR]->(p:Person) \
             WHERE m.creationDate >= p.creationDate RETURN count(m)"
        ) > 0
    );
    assert_eq!(
        int(
            &db,
            "MATCH (m:Message)-[:HAS_CREATOR]->(p:Person) \
             WHERE m.creationDate < p.creationDate RETURN count(m)"
        ),
        0,
        "nobody writes before joining"
    );
}
