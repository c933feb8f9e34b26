//! `schema/current.json` evolves with the data, on every backend: flushes publish new labels,
//! relationship types and property types; a type conflict lists both types (and the values of
//! both types read back); two writers flushing different properties both end up in it; the
//! manifest names a schema version at least as new as its SSTs need; a snapshot's schema adds
//! what is still in the memtable.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeSet;

use namidb_graph::model::{NodeId, NodeRecord, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::{GraphBatch, GraphStore, LsmOptions};
use namidb_storage::DbOptions;
use namidb_testkit::backends::backends;

fn options() -> LsmOptions {
    LsmOptions { background: false, ..LsmOptions::default() }
}

fn node(label: &str, key: &str, value: PropertyValue) -> NodeRecord {
    NodeRecord {
        labels: vec![label.to_owned()],
        properties: Properties::from([(key.to_owned(), value)]),
    }
}

fn types(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_grows_with_flushes_and_keeps_conflicting_types() {
    for backend in backends() {
        let uri = backend.fresh_uri();
        let store = GraphStore::open(&uri, DbOptions::default(), options()).await.unwrap();
        let fresh = store.published_schema().await.unwrap();
        assert!(fresh.is_empty() && fresh.version == 1, "{}: {fresh:?}", backend.name);

        let mut batch = GraphBatch::new();
        batch.put_node(NodeId(1), &node("Person", "age", PropertyValue::Int(41)));
        let rel = RelKey { rel_type: "KNOWS".into(), src: NodeId(1), dst: NodeId(1), id: RelId(9) };
        let since = Properties::from([("since".to_owned(), PropertyValue::Date(19_000))]);
        batch.put_relationship(&rel, &since).unwrap();
        store.commit(batch).await.unwrap();
        // Before a flush only the snapshot's schema shows it.
        assert!(store.published_schema().await.unwrap().is_empty(), "{}", backend.name);
        let seen = store.snapshot().schema().await.unwrap();
        assert_eq!(seen.labels["Person"].properties["age"], types(&["INTEGER"]));

        store.flush().await.unwrap();
        let schema = store.published_schema().await.unwrap();
        assert_eq!(schema.version, 2, "{}", backend.name);
        assert_eq!(schema.labels["Person"].properties["age"], types(&["INTEGER"]));
        assert_eq!(schema.relationship_types["KNOWS"].properties["since"], types(&["DATE"]));
        assert_eq!(store.db().manifest().schema_version, 2, "{}", backend.name);

        // Same types again: nothing to publish, the version stays.
        let mut batch = GraphBatch::new();
        batch.put_node(NodeId(2), &node("Person", "age", PropertyValue::Int(7)));
        store.commit(batch).await.unwrap();
        store.flush().await.unwrap();
        assert_eq!(store.published_schema().await.unwrap().version, 2, "{}", backend.name);

        // A conflicting type: both listed, and both values read back.
        let mut batch = GraphBatch::new();
        batch.put_node(NodeId(3), &node("Person", "age", PropertyValue::String("old".into())));
        store.commit(batch).await.unwrap();
        store.flush().await.unwrap();
        store.compact_fully().await.unwrap();
        let schema = store.published_schema().await.unwrap();
        assert_eq!(schema.version, 3, "{}", backend.name);
        assert_eq!(schema.labels["Person"].properties["age"], types(&["INTEGER", "STRING"]));
        let snapshot = store.snapshot();
        let one = snapshot.node(NodeId(1)).await.unwrap().unwrap();
        let three = snapshot.node(NodeId(3)).await.unwrap().unwrap();
        assert_eq!(one.properties["age"], PropertyValue::Int(41), "{}", backend.name);
        assert_eq!(three.properties["age"], PropertyValue::String("old".into()));
        store.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_flushing_different_properties_both_land() {
    for backend in backends() {
        let uri = backend.fresh_uri();
        let a = GraphStore::open(&uri, DbOptions::default(), options()).await.unwrap();
        let b = GraphStore::open(&uri, DbOptions::default(), options()).await.unwrap();
        for round in 0..3u64 {
            let (mut first, mut second) = (GraphBatch::new(), GraphBatch::new());
            let key_a = format!("a{round}");
            let key_b = format!("b{round}");
            first.put_node(NodeId(10 + round), &node("L", &key_a, PropertyValue::Bool(true)));
            second.put_node(NodeId(20 + round), &node("M", &key_b, PropertyValue::Float(0.5)));
            a.commit(first).await.unwrap();
            b.commit(second).await.unwrap();
            let (fa, fb) = tokio::join!(a.flush(), b.flush());
            fa.unwrap();
            fb.unwrap();
        }
        let schema = a.published_schema().await.unwrap();
        for round in 0..3 {
            let (key_a, key_b) = (format!("a{round}"), format!("b{round}"));
            assert_eq!(
                schema.labels["L"].properties[&key_a],
                types(&["BOOLEAN"]),
                "{}",
                backend.name
            );
            assert_eq!(
                schema.labels["M"].properties[&key_b],
                types(&["FLOAT"]),
                "{}",
                backend.name
            );
        }
        // Every change was one version; the newest manifest names one at most that new.
        assert!(schema.version >= 2 && schema.version <= 7, "{}: {}", backend.name, schema.version);
        b.db().refresh().await.unwrap();
        let named = b.db().manifest().schema_version;
        assert!(named >= 2 && named <= schema.version, "{}: {named}", backend.name);
        a.close().await.unwrap();
        b.close().await.unwrap();
    }
}
