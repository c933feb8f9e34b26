//! Node SST: round trips against a model (native and encoded columns, type conflicts, tombstones),
//! metadata, and rejection of files that are not node SSTs.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use namidb_graph::model::{NodeId, NodeRecord, PropertyValue, TimeZone};
use namidb_graph::node_sst::{read_node_sst, NodeSstWriter, NodeVersion};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = PropertyValue> {
    prop_oneof![
        any::<i64>().prop_map(PropertyValue::Int),
        any::<f64>()
            .prop_filter("NaN never equals itself", |x| !x.is_nan())
            .prop_map(PropertyValue::Float),
        "[a-z]{0,6}".prop_map(PropertyValue::String),
        any::<bool>().prop_map(PropertyValue::Bool),
        any::<i32>().prop_map(PropertyValue::Date),
        proptest::collection::vec(any::<i64>().prop_map(PropertyValue::Int), 0..3)
            .prop_map(PropertyValue::List),
    ]
}

fn versions() -> impl Strategy<Value = Vec<NodeVersion>> {
    proptest::collection::vec(
        (
            0u64..200,
            1u64..30,
            proptest::option::weighted(
                0.9,
                proptest::collection::btree_map("[a-d]", value(), 0..4),
            ),
        ),
        0..200,
    )
    .prop_map(|raw| {
        let mut seen = std::collections::HashSet::new();
        raw.into_iter()
            .filter(|(id, lsn, _)| seen.insert((*id, *lsn)))
            .map(|(id, lsn, props)| NodeVersion {
                id: NodeId(id),
                lsn,
                record: props
                    .map(|properties| NodeRecord { labels: vec!["Person".into()], properties })
                    .map(Arc::new),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn versions_read_back_sorted_by_id_then_newest_first(versions in versions(), group in 1usize..64) {
        let file = NodeSstWriter::new(group).write(&["Person".to_owned()], &versions).unwrap();
        let (meta, read) = read_node_sst("mem", Bytes::from(file)).unwrap();
        let mut expected = versions.clone();
        expected.sort_by_key(|v| (v.id, std::cmp::Reverse(v.lsn)));
        prop_assert_eq!(meta.rows, versions.len() as u64);
        prop_assert_eq!(read, expected);
    }
}

#[test]
fn mixed_types_and_rich_values_survive() {
    let props = |entries: Vec<(&str, PropertyValue)>| {
        entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<BTreeMap<_, _>>()
    };
    let labels = vec!["Comment".to_owned(), "Message".to_owned()];
    let versions = vec![
        NodeVersion {
            id: NodeId(1),
            lsn: 3,
            record: Some(Arc::new(NodeRecord {
                labels: labels.clone(),
                properties: props(vec![
                    ("length", PropertyValue::Int(12)),
                    ("mixed", PropertyValue::Int(1)),
                    (
                        "created",
                        PropertyValue::DateTime {
                            seconds: 1_300_000_000,
                            nanos: 5,
                            zone: TimeZone::Named {
                                name: "Europe/Stockholm".into(),
                                offset_seconds: 3600,
                            },
                        },
                    ),
                ]),
            })),
        },
        NodeVersion {
            id: NodeId(2),
            lsn: 4,
            record: Some(Arc::new(NodeRecord {
                labels: labels.clone(),
                properties: props(vec![("mixed", PropertyValue::String("one".into()))]),
            })),
        },
        NodeVersion { id: NodeId(1), lsn: 9, record: None },
    ];
    let file = NodeSstWriter::default().write(&labels, &versions).unwrap();
    let (meta, read) = read_node_sst("mem", Bytes::from(file)).unwrap();
    assert_eq!(meta.labels, labels);
    assert_eq!(read[0], versions[2], "newest version of node 1 first");
    assert_eq!(read[1], versions[0]);
    assert_eq!(read[2], versions[1]);
}

#[test]
fn files_that_are_not_node_ssts_are_rejected() {
    assert!(read_node_sst("x", Bytes::from_static(b"not parquet at all")).is_err());
    let file = NodeSstWriter::default()
        .write(&[], &[NodeVersion { id: NodeId(1), lsn: 1, record: None }])
        .unwrap();
    for cut in [0, 4, file.len() / 2, file.len() - 1] {
        assert!(read_node_sst("x", Bytes::copy_from_slice(&file[..cut])).is_err());
    }
    let mut flipped = file.clone();
    let len = flipped.len();
    flipped[len - 5] ^= 0xff; // inside the footer length / magic
    assert!(read_node_sst("x", Bytes::from(flipped)).is_err());
}

#[test]
fn duplicate_versions_are_refused() {
    let v = NodeVersion { id: NodeId(1), lsn: 1, record: None };
    assert!(NodeSstWriter::default().write(&[], &[v.clone(), v]).is_err());
}

fn golden_versions() -> Vec<NodeVersion> {
    let person = |name: &str, age: i64| NodeRecord {
        labels: vec!["Person".into()],
        properties: BTreeMap::from([
            ("name".to_owned(), PropertyValue::String(name.into())),
            ("age".to_owned(), PropertyValue::Int(age)),
            (
                "born".to_owned(),
                PropertyValue::DateTime {
                    seconds: 1_000_000,
                    nanos: 5,
                    zone: TimeZone::Named { name: "Europe/Stockholm".into(), offset_seconds: 3600 },
                },
            ),
        ]),
    };
    vec![
        NodeVersion { id: NodeId(1), lsn: 4, record: Some(Arc::new(person("Ada", 36))) },
        NodeVersion { id: NodeId(1), lsn: 2, record: Some(Arc::new(person("Ada", 35))) },
        NodeVersion { id: NodeId(7), lsn: 3, record: None },
        NodeVersion { id: NodeId(9), lsn: 5, record: Some(Arc::new(person("Bo", 2))) },
    ]
}

fn node_fixture_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/node-sst-v1.parquet")
}

/// Parquet writers embed their version, so the fixture is not compared byte for byte: the v1
/// file written once must keep decoding to the same versions, whole and through ranged reads.
#[tokio::test]
async fn golden_v1_fixture_keeps_decoding() {
    let labels = vec!["Person".to_owned()];
    if std::env::var_os("NAMIDB_BLESS").is_some() {
        let file = NodeSstWriter::new(2).write(&labels, &golden_versions()).unwrap();
        std::fs::write(node_fixture_path(), file).unwrap();
    }
    let fixture = std::fs::read(node_fixture_path()).expect("fixture (create with NAMIDB_BLESS=1)");
    let (metadata, versions) = read_node_sst("fixture", Bytes::from(fixture.clone())).unwrap();
    assert_eq!(metadata.labels, labels);
    assert_eq!(metadata.row_groups, 2);
    assert_eq!(versions, golden_versions());

    let uri = namidb_objstore::StoreUri::parse("memory://node-fixture?ns=n").unwrap();
    let bucket = namidb_objstore::Bucket::open(&uri, Default::default()).unwrap();
    let size = fixture.len() as u64;
    bucket.put("f.parquet", Bytes::from(fixture)).await.unwrap();
    let remote =
        namidb_graph::node_sst::RemoteNodeSst::open(&bucket, "f.parquet", size).await.unwrap();
    assert_eq!(remote.row_groups_for(9), vec![1]);
    let bloom = remote.fetch_bloom(&bucket, 1, 0).await.unwrap().expect("bloom on _id");
    assert!(bloom.check(&9u64));
    let all = namidb_graph::node_sst::NodeColumns::All;
    let mut ranged = remote.read(&bucket, &[0, 1], &all).await.unwrap().versions().unwrap();
    ranged.sort_by_key(|v| (v.id, std::cmp::Reverse(v.lsn)));
    assert_eq!(ranged, golden_versions());
    let keys =
        remote.read(&bucket, &[1], &namidb_graph::node_sst::NodeColumns::Keys).await.unwrap();
    let keys = keys.versions().unwrap();
    assert!(keys.iter().all(|v| v.record.as_ref().is_none_or(|r| r.properties.is_empty())));
}
