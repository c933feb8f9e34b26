//! Request accounting on a compacted namespace: a cold point lookup and a cold 1-hop expand cost
//! a bounded number of GETs, independent of the data size; warm ones cost none.
//!
//! The bound, for a fully compacted tree (one level, files of one partition not overlapping):
//! - point lookup: per node label set whose file range covers the id, one GET of the Parquet tail
//!   (metadata and page index), one of the `_id` bloom filter of the row group the statistics
//!   and the page index admit, and — when the bloom says yes — one for that row group's column
//!   chunks (coalesced): at most `3 × label sets` GETs. (Row groups whose chunks pass 256 KiB
//!   are read page by page instead: one GET per run of adjacent pages, at most one per column;
//!   `crates/namidb-graph/tests/node_sst_pages.rs` checks those.)
//! - expand: one file of the forward partition covers the vertex: one GET of its footer, one of
//!   the adjacency block, one of the property block: 3 GETs.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use namidb_graph::edge_sst::Direction;
use namidb_graph::model::{NodeId, NodeRecord, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::store::{CacheKind, IndexKey};
use namidb_graph::{GraphBatch, GraphStore, LsmOptions};
use namidb_objstore::OpKind;
use namidb_storage::DbOptions;

const NODES: u64 = 20_000;
const RELS_PER_NODE: u64 = 10;

/// Options without background work (the tests flush and compact themselves), cutting SSTs at
/// `sst_rows` rows and node row groups at `row_group_rows`.
fn foreground(sst_rows: usize, row_group_rows: usize) -> LsmOptions {
    LsmOptions {
        background: false,
        target_sst_rows: sst_rows,
        node_row_group_rows: row_group_rows,
        ..LsmOptions::default()
    }
}

fn gets(store: &GraphStore) -> (u64, u64) {
    let metrics = store.db().metrics().requests;
    let get = metrics.op(OpKind::Get);
    let range = metrics.op(OpKind::GetRange);
    (get.requests + range.requests, get.bytes_read + range.bytes_read)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_reads_cost_bounded_gets_and_warm_reads_none() {
    let uri = "memory://lsm-requests?ns=n";
    let options = foreground(40_000, 4_096);
    let store = GraphStore::open(uri, DbOptions::default(), options.clone()).await.unwrap();
    let labels = ["Person", "Post"];
    for chunk in 0..4u64 {
        let mut batch = GraphBatch::new();
        for id in (chunk * NODES / 4)..((chunk + 1) * NODES / 4) {
            let record = NodeRecord {
                labels: vec![labels[(id % 2) as usize].to_owned()],
                properties: [("name".to_owned(), PropertyValue::String(format!("n{id}")))].into(),
            };
            batch.put_node(NodeId(id), &record);
            for r in 0..RELS_PER_NODE {
                let key = RelKey {
                    rel_type: "KNOWS".into(),
                    src: NodeId(id),
                    dst: NodeId((id * 7919 + r * 104_729) % NODES),
                    id: RelId(id * RELS_PER_NODE + r),
                };
                let properties = Properties::from([("w".to_owned(), PropertyValue::Int(r as i64))]);
                batch.put_relationship(&key, &properties).unwrap();
            }
        }
        store.commit(batch).await.unwrap();
        store.flush().await.unwrap();
    }
    store.compact_fully().await.unwrap();
    let manifest = store.db().manifest();
    let node_files: usize = manifest.ssts.node.iter().map(Vec::len).sum();
    let edge_files: usize = manifest.ssts.edge.iter().map(Vec::len).sum();
    assert!(node_files >= 2 && edge_files >= 4, "{node_files} node and {edge_files} edge SSTs");
    store.close().await.unwrap();

    let store = GraphStore::open(uri, DbOptions::default(), options).await.unwrap();
    let snapshot = store.snapshot();
    let probe = NodeId(12_345);
    let before = gets(&store);
    let node = snapshot.node(probe).await.unwrap().unwrap();
    let cold_lookup = gets(&store).0 - before.0;
    assert_eq!(node.labels, vec!["Post".to_owned()]);
    assert!(cold_lookup <= 3 * labels.len() as u64, "cold point lookup took {cold_lookup} GETs");

    let before = gets(&store);
    let out = snapshot.expand(probe, "KNOWS", Direction::Forward).await.unwrap();
    let cold_expand = gets(&store).0 - before.0;
    assert_eq!(out.len() as u64, RELS_PER_NODE);
    assert!(cold_expand <= 3, "cold expand took {cold_expand} GETs");

    let before = store.db().metrics().requests.total_requests();
    snapshot.node(probe).await.unwrap().unwrap();
    snapshot.expand(probe, "KNOWS", Direction::Forward).await.unwrap();
    let warm = store.db().metrics().requests.total_requests() - before;
    assert_eq!(warm, 0, "warm reads made {warm} requests");
    let stats = store.cache_stats();
    eprintln!(
        "{NODES} nodes, {} relationships, {node_files} node / {edge_files} edge SSTs: cold lookup \
         {cold_lookup} GETs, cold expand {cold_expand} GETs, warm 0; cache {} hits / {} misses",
        NODES * RELS_PER_NODE,
        stats.hits(),
        stats.misses()
    );
    store.close().await.unwrap();
}

/// Cold misses so far of one cache kind (each a load from the bucket).
fn misses(store: &GraphStore, kind: CacheKind) -> u64 {
    store.cache_stats().kinds.get(&kind).map_or(0, |k| k.misses)
}

/// A cold equality lookup of a key-like property reads the column's bloom filter of every row
/// group and then only the row group that holds the value, not the whole column; a value no
/// bloom admits reads no row group, and a key whose type the column cannot hold reads nothing.
/// Columns without blooms (floats) are still answered, by reading every row group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_property_lookups_read_only_the_row_groups_blooms_admit() {
    const PEOPLE: u64 = 50_000;
    let uri = "memory://lsm-property-blooms?ns=n";
    let options = foreground(1_000_000, 2_048);
    let store = GraphStore::open(uri, DbOptions::default(), options.clone()).await.unwrap();
    let mut batch = GraphBatch::new();
    for id in 0..PEOPLE {
        let properties = [
            ("uid".to_owned(), PropertyValue::Int(id as i64 * 3)),
            ("name".to_owned(), PropertyValue::String(format!("person-{id}"))),
            ("team".to_owned(), PropertyValue::Int((id % 10) as i64)),
            ("score".to_owned(), PropertyValue::Float(id as f64)),
        ];
        let record = NodeRecord { labels: vec!["Person".into()], properties: properties.into() };
        batch.put_node(NodeId(id), &record);
    }
    store.commit(batch).await.unwrap();
    store.flush().await.unwrap();
    store.compact_fully().await.unwrap();
    store.close().await.unwrap();

    let store = GraphStore::open(uri, DbOptions::default(), options).await.unwrap();
    let snapshot = store.snapshot();
    let row_groups = PEOPLE.div_ceil(2_048);
    let person = ["Person".to_owned()];
    let probe = |property: &'static str, key: IndexKey| {
        let (store, snapshot, person) = (&store, &snapshot, &person);
        async move {
            let lookup = snapshot.property_lookup(person, property).await.unwrap();
            let (gets_before, reads_before) =
                (gets(store), misses(store, CacheKind::NodeValueIndex));
            let found = snapshot.probe_property(&lookup, &key).await.unwrap();
            let gets_after = gets(store);
            let reads = misses(store, CacheKind::NodeValueIndex) - reads_before;
            (found, reads, gets_after.0 - gets_before.0, gets_after.1 - gets_before.1)
        }
    };

    let (found, reads, requests, bytes) =
        probe("name", IndexKey::String("person-31337".into())).await;
    let (name_reads, name_requests) = (reads, requests);
    // Blooms are sized for 5% false positives: a few row groups besides the one holding the
    // name may be read, never most of them.
    assert_eq!(found, vec![NodeId(31_337)]);
    assert!(reads >= 1 && reads <= row_groups / 4, "{reads} row groups read for one name");
    // A bloom per row group, the row groups read, and the point read confirming the candidate.
    assert!(requests <= row_groups + reads + 2, "{requests} GETs");
    let (found, reads, ..) = probe("uid", IndexKey::Int(3 * 4_242)).await;
    assert_eq!(found, vec![NodeId(4_242)]);
    assert!(reads >= 1 && reads <= row_groups / 4, "{reads} row groups read for one uid");
    let (found, reads, ..) = probe("name", IndexKey::String("nobody".into())).await;
    assert!(found.is_empty() && reads <= row_groups / 4, "{reads} row groups for an absent name");

    let blooms = misses(&store, CacheKind::NodeBloom);
    let (found, reads, requests, _) = probe("uid", IndexKey::String("12726".into())).await;
    assert_eq!((found.len(), reads, requests), (0, 0, 0), "a string key on an integer column");
    assert_eq!(misses(&store, CacheKind::NodeBloom), blooms);

    let (found, reads, _, scan_bytes) = probe("score", IndexKey::Int(31_337)).await;
    assert_eq!((found, reads), (vec![NodeId(31_337)], row_groups), "floats have no bloom");
    assert!(bytes * 4 < scan_bytes, "bloom lookup {bytes} B vs column read {scan_bytes} B");
    let (found, ..) = probe("team", IndexKey::Int(3)).await;
    assert_eq!(found.len() as u64, PEOPLE / 10);
    eprintln!(
        "{PEOPLE} nodes in {row_groups} row groups: cold name lookup {name_requests} GETs, {bytes} B \
         ({name_reads} row groups read); reading the float column instead {scan_bytes} B"
    );
    store.close().await.unwrap();
}
