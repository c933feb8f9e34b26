//! Edge SST: round trips against a model, the golden v1 fixture, corruption detection at every
//! byte, and the object-store requests of open and expand.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use namidb_graph::edge_sst::{Direction, EdgeSstReader, EdgeSstWriter, EdgeVersion};
use namidb_graph::model::{NodeId, PropertyValue, RelId, RelKey};
use namidb_graph::record_codec::{decode_properties, encode_properties};
use namidb_objstore::{Bucket, BucketOptions, OpKind, StoreUri};
use proptest::prelude::*;

/// (type, direction, vertex) → [(neighbour, rel id, lsn, properties or tombstone)] in file order.
type Model = BTreeMap<(String, Direction, u64), Vec<(u64, u64, u64, Option<Vec<u8>>)>>;

fn model_of(versions: &[EdgeVersion]) -> Model {
    let mut model = Model::new();
    for v in versions {
        for (direction, vertex, neighbour) in [
            (Direction::Forward, v.rel.src.0, v.rel.dst.0),
            (Direction::Reverse, v.rel.dst.0, v.rel.src.0),
        ] {
            model.entry((v.rel.rel_type.clone(), direction, vertex)).or_default().push((
                neighbour,
                v.rel.id.0,
                v.lsn,
                v.properties.clone(),
            ));
        }
    }
    for entries in model.values_mut() {
        entries.sort_by_key(|e| (e.0, e.1, std::cmp::Reverse(e.2)));
    }
    model
}

fn read_all(file: &[u8]) -> Model {
    let reader = EdgeSstReader::from_bytes("mem", file).unwrap();
    let mut model = Model::new();
    for group in &reader.footer().groups {
        for block in &group.blocks {
            let adjacency = reader
                .decode_adjacency(
                    block,
                    &file[block.adjacency.offset as usize..][..block.adjacency.len as usize],
                )
                .unwrap();
            let props = bytes::Bytes::copy_from_slice(
                &file[block.properties.offset as usize..][..block.properties.len as usize],
            );
            let cells = reader.decode_properties(block, &props).unwrap();
            for (i, &vertex) in adjacency.vertices.iter().enumerate() {
                let range = adjacency.starts[i]..adjacency.starts[i + 1];
                let entries =
                    model.entry((group.rel_type.clone(), group.direction, vertex)).or_default();
                for j in range {
                    let e = adjacency.entries[j];
                    let cell = (!e.tombstone).then(|| cells[j].to_vec());
                    entries.push((e.neighbour, e.rel_id, e.lsn, cell));
                }
            }
        }
    }
    model
}

fn versions_strategy() -> impl Strategy<Value = Vec<EdgeVersion>> {
    proptest::collection::vec(
        (0usize..3, 0u64..40, 0u64..40, 0u64..1000, 1u64..50, proptest::option::of(any::<i64>())),
        0..300,
    )
    .prop_map(|raw| {
        let mut seen = std::collections::HashSet::new();
        raw.into_iter()
            .filter(|(t, s, d, id, lsn, _)| seen.insert((*t, *s, *d, *id, *lsn)))
            .map(|(t, src, dst, id, lsn, prop)| EdgeVersion {
                rel: RelKey {
                    rel_type: ["KNOWS", "LIKES", "HAS_CREATOR"][t].to_owned(),
                    src: NodeId(src * 1_000_003),
                    dst: NodeId(dst),
                    id: RelId(id),
                },
                lsn,
                properties: prop.map(|p| {
                    encode_properties(&BTreeMap::from([("w".to_owned(), PropertyValue::Int(p))]))
                }),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_version_reads_back_in_both_directions(versions in versions_strategy(), block in 64usize..4096) {
        let (file, summary) = EdgeSstWriter::new(block).write(&versions).unwrap();
        prop_assert_eq!(summary.versions, versions.len() as u64);
        prop_assert_eq!(summary.size_bytes, file.len() as u64);
        prop_assert_eq!(read_all(&file), model_of(&versions));
    }
}

fn sample_versions() -> Vec<EdgeVersion> {
    let props = |w: i64| {
        Some(encode_properties(&BTreeMap::from([("since".to_owned(), PropertyValue::Int(w))])))
    };
    let rel = |t: &str, src: u64, dst: u64, id: u64| RelKey {
        rel_type: t.to_owned(),
        src: NodeId(src),
        dst: NodeId(dst),
        id: RelId(id),
    };
    vec![
        EdgeVersion { rel: rel("KNOWS", 1, 2, 10), lsn: 5, properties: props(2010) },
        // A parallel relationship between the same nodes: distinct.
        EdgeVersion { rel: rel("KNOWS", 1, 2, 11), lsn: 6, properties: props(2011) },
        EdgeVersion { rel: rel("KNOWS", 1, 3, 12), lsn: 7, properties: props(2012) },
        // A newer version deleting relationship 12.
        EdgeVersion { rel: rel("KNOWS", 1, 3, 12), lsn: 9, properties: None },
        EdgeVersion { rel: rel("KNOWS", 4, 1, 13), lsn: 8, properties: props(2013) },
        EdgeVersion {
            rel: rel("LIKES", 2, 1, 14),
            lsn: 8,
            properties: Some(encode_properties(&BTreeMap::new())),
        },
    ]
}

fn fixture_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/edge-sst-v1.bin")
}

#[test]
fn golden_v1_fixture_is_read_and_rewritten_identically() {
    let (file, _) = EdgeSstWriter::new(64).write(&sample_versions()).unwrap();
    if std::env::var_os("NAMIDB_BLESS").is_some() {
        std::fs::write(fixture_path(), &file).unwrap();
    }
    let fixture = std::fs::read(fixture_path()).expect("fixture (regenerate with NAMIDB_BLESS=1)");
    assert_eq!(file, fixture, "the v1 writer's bytes changed; v1 files must stay readable");
    let model = read_all(&fixture);
    let knows_from_1 = &model[&("KNOWS".to_owned(), Direction::Forward, 1)];
    let summary: Vec<(u64, u64, u64, bool)> =
        knows_from_1.iter().map(|e| (e.0, e.1, e.2, e.3.is_none())).collect();
    assert_eq!(
        summary,
        vec![(2, 10, 5, false), (2, 11, 6, false), (3, 12, 9, true), (3, 12, 7, false)]
    );
    let into_1 = &model[&("KNOWS".to_owned(), Direction::Reverse, 1)];
    assert_eq!(into_1.len(), 1);
    let props = decode_properties(into_1[0].3.as_ref().unwrap()).unwrap();
    assert_eq!(props["since"], PropertyValue::Int(2013));
}

#[test]
fn every_flipped_byte_is_detected() {
    let (file, _) = EdgeSstWriter::new(64).write(&sample_versions()).unwrap();
    for at in 0..file.len() {
        let mut bad = file.clone();
        bad[at] ^= 0x40;
        let detected = match EdgeSstReader::from_bytes("mem", &bad) {
            Err(_) => true,
            Ok(reader) => reader.footer().groups.iter().flat_map(|g| &g.blocks).any(|b| {
                let adj = &bad[b.adjacency.offset as usize..][..b.adjacency.len as usize];
                let props = bytes::Bytes::copy_from_slice(
                    &bad[b.properties.offset as usize..][..b.properties.len as usize],
                );
                reader.decode_adjacency(b, adj).is_err()
                    || reader.decode_properties(b, &props).is_err()
            }),
        };
        assert!(detected, "flipping byte {at} went unnoticed");
    }
    for cut in 0..file.len() {
        assert!(EdgeSstReader::from_bytes("mem", &file[..cut]).is_err(), "truncation at {cut}");
    }
}

#[tokio::test]
async fn open_costs_one_get_and_expand_one_more() {
    let uri = StoreUri::parse("memory://edge-sst-requests").unwrap();
    let bucket = Bucket::open(&uri, BucketOptions::default()).unwrap();
    // 20k relationships over 2k sources: many blocks.
    let versions: Vec<EdgeVersion> = (0..20_000u64)
        .map(|i| EdgeVersion {
            rel: RelKey {
                rel_type: "KNOWS".into(),
                src: NodeId(i % 2000),
                dst: NodeId(i),
                id: RelId(i),
            },
            lsn: 1 + i,
            properties: Some(encode_properties(&BTreeMap::new())),
        })
        .collect();
    let (file, summary) = EdgeSstWriter::default().write(&versions).unwrap();
    bucket.put("sst/edge/L0/x.edge", bytes::Bytes::from(file)).await.unwrap();
    let before = bucket.metrics();
    let reader =
        EdgeSstReader::open(&bucket, "sst/edge/L0/x.edge", summary.size_bytes).await.unwrap();
    let after_open = bucket.metrics();
    assert_eq!(after_open.op(OpKind::GetRange).requests - before.op(OpKind::GetRange).requests, 1);
    assert!(reader.footer().groups[0].blocks.len() > 1, "expected several blocks");
    let out = reader.expand(&bucket, "KNOWS", Direction::Forward, 1234).await.unwrap();
    let after_expand = bucket.metrics();
    assert_eq!(
        after_expand.op(OpKind::GetRange).requests - after_open.op(OpKind::GetRange).requests,
        1
    );
    let neighbours: Vec<u64> = out.iter().map(|e| e.neighbour).collect();
    assert_eq!(neighbours, (0..10).map(|k| 1234 + 2000 * k).collect::<Vec<_>>());
    let incoming = reader.expand(&bucket, "KNOWS", Direction::Reverse, 4321).await.unwrap();
    assert_eq!(incoming.iter().map(|e| e.neighbour).collect::<Vec<_>>(), vec![4321 % 2000]);
    // A type the SST does not hold costs nothing.
    let none = reader.expand(&bucket, "LIKES", Direction::Forward, 1).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(
        bucket.metrics().op(OpKind::GetRange).requests,
        after_expand.op(OpKind::GetRange).requests + 1
    );
}
