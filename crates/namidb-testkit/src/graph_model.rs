//! An in-memory model of a small graph and a check that a snapshot reads exactly it: point
//! lookups, full and label scans, property equality lookups, expands both ways, and the
//! relationship scans (all types, and each type in order). Shared by the LSM model test and
//! the LSM fault test, with the bulk loads both apply.

use std::collections::BTreeMap;
use std::sync::Arc;

use namidb_graph::edge_sst::{Direction, EdgeVersion};
use namidb_graph::model::{NodeId, NodeRecord, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::node_sst::{NodeColumns, NodeVersion};
use namidb_graph::record_codec::encode_properties;
use namidb_graph::store::IndexKey;
use namidb_graph::GraphSnapshot;

/// The expected graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    /// Live nodes by id.
    pub nodes: BTreeMap<u64, NodeRecord>,
    /// Live relationships by id.
    pub rels: BTreeMap<u64, (RelKey, Properties)>,
}

/// A node record from compact test inputs: label bits (1 = `A`, 2 = `B`) and a value.
pub fn record(labels: u8, x: i64) -> NodeRecord {
    let mut record = NodeRecord::default();
    if labels & 1 != 0 {
        record.labels.push("A".into());
    }
    if labels & 2 != 0 {
        record.labels.push("B".into());
    }
    record.properties.insert("x".into(), PropertyValue::Int(x));
    if x % 3 == 0 {
        record.properties.insert("s".into(), PropertyValue::String(format!("v{x}")));
    }
    record
}

/// A relationship from compact test inputs: id, type bit (`T` or `U`), endpoints.
pub fn rel_key(id: u64, t: bool, src: u64, dst: u64) -> RelKey {
    RelKey {
        rel_type: if t { "T" } else { "U" }.into(),
        src: NodeId(src),
        dst: NodeId(dst),
        id: RelId(id),
    }
}

/// The versions of a bulk load of `nodes` (id, label bits, value) and `rels` (id, type bit,
/// endpoints, weight), applied to `model` too: the last entry of an id wins, and a relationship
/// that changes its type or endpoints gets a tombstone for its old key.
pub fn bulk_load(
    model: &mut Model,
    nodes: Vec<(u64, u8, i64)>,
    rels: Vec<(u64, bool, u64, u64, i64)>,
) -> (Vec<NodeVersion>, Vec<EdgeVersion>) {
    let nodes: BTreeMap<u64, (u8, i64)> =
        nodes.into_iter().map(|(id, l, x)| (id, (l, x))).collect();
    let rels: BTreeMap<u64, (bool, u64, u64, i64)> =
        rels.into_iter().map(|(id, t, s, d, w)| (id, (t, s, d, w))).collect();
    let mut node_versions = Vec::new();
    for (id, (labels, x)) in nodes {
        let record = record(labels, x);
        node_versions.push(NodeVersion {
            id: NodeId(id),
            lsn: 0,
            record: Some(Arc::new(record.clone())),
        });
        model.nodes.insert(id, record);
    }
    let mut edge_versions = Vec::new();
    for (id, (t, src, dst, w)) in rels {
        let key = rel_key(id, t, src, dst);
        if let Some((old, _)) = model.rels.get(&id) {
            if *old != key {
                edge_versions.push(EdgeVersion { rel: old.clone(), lsn: 0, properties: None });
            }
        }
        let properties = Properties::from([("w".to_owned(), PropertyValue::Int(w))]);
        let bytes = Some(encode_properties(&properties));
        edge_versions.push(EdgeVersion { rel: key.clone(), lsn: 0, properties: bytes });
        model.rels.insert(id, (key, properties));
    }
    (node_versions, edge_versions)
}

/// Checks equality lookups of `x` (integers) and `s` (strings) on `A` and on `A:B` nodes, for
/// every value the model holds and the small values tests draw often (so values that older,
/// shadowed versions held are probed too).
#[allow(clippy::unwrap_used)] // A panic is the failure report.
async fn check_property_lookups(snapshot: &GraphSnapshot, model: &Model, context: &str) {
    for labels in [vec!["A".to_owned()], vec!["A".to_owned(), "B".to_owned()]] {
        for property in ["x", "s"] {
            let lookup = snapshot.property_lookup(&labels, property).await.unwrap();
            let held = model.nodes.values().filter_map(|r| match r.properties.get("x") {
                Some(PropertyValue::Int(x)) => Some(*x),
                _ => None,
            });
            for x in (-10..10).chain(held) {
                let key = if property == "x" {
                    IndexKey::Int(x)
                } else {
                    IndexKey::String(format!("v{x}").into())
                };
                let found = snapshot.probe_property(&lookup, &key).await.unwrap();
                let want: Vec<NodeId> = model
                    .nodes
                    .iter()
                    .filter(|(_, r)| lookup.matches(r, &key))
                    .map(|(id, _)| NodeId(*id))
                    .collect();
                assert_eq!(found, want, "{context}: {labels:?} {property} = {key:?}");
            }
        }
    }
}

/// Checks every read of `snapshot` against `model` (node ids 0..16, vertices 0..8, types T/U).
#[allow(clippy::unwrap_used)] // A panic is the failure report.
pub async fn check(snapshot: &GraphSnapshot, model: &Model, context: &str) {
    for id in 0..16 {
        let found = snapshot.node(NodeId(id)).await.unwrap();
        assert_eq!(found.as_deref(), model.nodes.get(&id), "{context}: node {id}");
    }
    let unshared = |nodes: Vec<(NodeId, Arc<NodeRecord>)>| -> Vec<(NodeId, NodeRecord)> {
        nodes.into_iter().map(|(id, r)| (id, NodeRecord::clone(&r))).collect()
    };
    let all = unshared(snapshot.nodes(None, &NodeColumns::All).await.unwrap());
    let expected: Vec<(NodeId, NodeRecord)> =
        model.nodes.iter().map(|(id, r)| (NodeId(*id), r.clone())).collect();
    assert_eq!(all, expected, "{context}: all nodes");
    let with_a = unshared(snapshot.nodes(Some("A"), &NodeColumns::All).await.unwrap());
    let expected_a: Vec<(NodeId, NodeRecord)> =
        expected.iter().filter(|(_, r)| r.labels.iter().any(|l| l == "A")).cloned().collect();
    assert_eq!(with_a, expected_a, "{context}: label scan");
    check_property_lookups(snapshot, model, context).await;
    for t in ["T", "U"] {
        for v in 0..8 {
            for direction in [Direction::Forward, Direction::Reverse] {
                let mut found: Vec<(RelKey, Properties)> = snapshot
                    .expand(NodeId(v), t, direction)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| (r.key, r.properties))
                    .collect();
                found.sort_by(|a, b| a.0.cmp(&b.0));
                let mut want: Vec<(RelKey, Properties)> = model
                    .rels
                    .values()
                    .filter(|(k, _)| {
                        k.rel_type == t
                            && match direction {
                                Direction::Forward => k.src.0 == v,
                                Direction::Reverse => k.dst.0 == v,
                            }
                    })
                    .cloned()
                    .collect();
                want.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(found, want, "{context}: expand {t} {v} {direction:?}");
            }
        }
    }
    let mut rels: Vec<RelKey> =
        snapshot.relationships(None).await.unwrap().into_iter().map(|r| r.key).collect();
    rels.sort();
    let mut want: Vec<RelKey> = model.rels.values().map(|(k, _)| k.clone()).collect();
    want.sort();
    assert_eq!(rels, want, "{context}: all relationships");
    for t in ["T", "U"] {
        let mut scanned = Vec::new();
        let complete = snapshot
            .scan_type(t, |found| {
                scanned.push((found.source, found.neighbour, found.id, found.properties.clone()));
                std::ops::ControlFlow::Continue(())
            })
            .await
            .unwrap();
        let mut want: Vec<_> = model
            .rels
            .values()
            .filter(|(k, _)| k.rel_type == t)
            .map(|(k, p)| (k.src.0, k.dst.0, k.id.0, encode_properties(p).into()))
            .collect();
        // The scan's order: source, target, id.
        want.sort_by_key(|w| (w.0, w.1, w.2));
        assert!(complete);
        assert_eq!(scanned, want, "{context}: scan of type {t}");
    }
}
