//! Bulk import through the facade: typed headers, id spaces, labels from a column, lists;
//! a failing import (bad value, relationship to an unknown node) leaves nothing behind.

use std::path::Path;

use namidb::import::{FileKind, FileSpec, LabelCase};
use namidb::{Database, ErrorKind, ResultValue};

fn nodes(path: &Path, label: &str) -> FileSpec {
    FileSpec {
        path: path.to_owned(),
        kind: FileKind::Nodes {
            labels: vec![label.into()],
            id_space: label.into(),
            label_case: LabelCase::Capitalized,
        },
        delimiter: ',',
        header: None,
    }
}

fn rels(path: &Path, rel_type: &str) -> FileSpec {
    FileSpec {
        path: path.to_owned(),
        kind: FileKind::Relationships { rel_type: rel_type.into() },
        delimiter: ',',
        header: None,
    }
}

#[test]
fn import_is_typed_and_atomic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let people = write(
        "people.csv",
        "id:ID(Person),name:STRING,age:INT,langs:STRING[],:LABEL\n1,Ada,36,en;fr,admin\n2,\"Turing, Alan\",41,,\n",
    );
    let cities = write("cities.csv", "id:ID(City),name\n1,London\n");
    let lives =
        write("lives.csv", ":START_ID(Person),:END_ID(City),since:LONG\n1,1,1843\n2,1,1912\n");
    let db = Database::open("memory://import-test").expect("open");
    let report = db
        .import(&[nodes(&people, "Person"), nodes(&cities, "City"), rels(&lives, "LIVES_IN")], &())
        .expect("import");
    assert_eq!((report.nodes, report.relationships), (3, 2));
    let rows = db
        .execute(
            "MATCH (p:Person)-[l:LIVES_IN]->(c:City) RETURN p.id, p.name, p.langs, labels(p), l.since, c.name ORDER BY p.id",
            &Default::default(),
        )
        .expect("query")
        .rows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], ResultValue::Int(1), "ids of id spaces are integers");
    assert_eq!(
        rows[0][2],
        ResultValue::List(vec![ResultValue::String("en".into()), ResultValue::String("fr".into())])
    );
    assert_eq!(rows[1][1], ResultValue::String("Turing, Alan".into()));
    assert_eq!(rows[1][2], ResultValue::Null, "an empty field is no property");
    let ResultValue::List(labels) = &rows[0][3] else { panic!("labels") };
    assert!(labels.contains(&ResultValue::String("Admin".into())));
    assert_eq!(rows[1][4], ResultValue::Int(1912));

    // A relationship to a node no file defines: an error naming file and line, nothing written.
    let fresh = Database::open("memory://import-test-failing").expect("open");
    let broken = write("broken.csv", ":START_ID(Person),:END_ID(City)\n1,1\n2,7\n");
    let err = fresh
        .import(&[nodes(&people, "Person"), nodes(&cities, "City"), rels(&broken, "LIVES_IN")], &())
        .expect_err("missing node");
    assert_eq!(err.kind, ErrorKind::Import);
    assert!(err.message.contains("broken.csv:3"), "{}", err.message);
    let count = fresh.execute("MATCH (n) RETURN count(n)", &Default::default()).expect("count");
    assert_eq!(count.rows, vec![vec![ResultValue::Int(0)]]);
    // A value that does not fit its column type.
    let bad = write("bad.csv", "id:ID(Person),age:INT\n1,old\n");
    let err = fresh.import(&[nodes(&bad, "Person")], &()).expect_err("bad int");
    assert!(err.message.contains("bad.csv:2") && err.message.contains("age"), "{}", err.message);
}
