//! The LSM against a model: random node and relationship upserts and deletes interleaved with
//! flushes, compactions, reopens and garbage collection; every read (point lookups, label scans,
//! expands both ways, full relationship scans) must equal an in-memory model, on every backend.
//! Snapshots held across maintenance must keep reading their own point in time.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use namidb_graph::model::{NodeId, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::{GraphBatch, GraphSnapshot, GraphStore, LsmOptions};
use namidb_storage::DbOptions;
use namidb_testkit::backends::backends;
use namidb_testkit::graph_model::{check, record, Model};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    PutNode { id: u64, labels: u8, x: i64 },
    DeleteNode { id: u64 },
    PutRel { id: u64, t: bool, src: u64, dst: u64, w: i64 },
    DeleteRel { id: u64 },
    Flush,
    Compact,
    CompactFully,
    Reopen,
    Gc,
    Hold,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..16, 0u8..4, any::<i64>()).prop_map(|(id, labels, x)| Op::PutNode { id, labels, x }),
        2 => (0u64..16).prop_map(|id| Op::DeleteNode { id }),
        6 => (0u64..24, any::<bool>(), 0u64..8, 0u64..8, -5i64..5)
            .prop_map(|(id, t, src, dst, w)| Op::PutRel { id, t, src, dst, w }),
        2 => (0u64..24).prop_map(|id| Op::DeleteRel { id }),
        2 => Just(Op::Flush),
        1 => Just(Op::Compact),
        1 => Just(Op::CompactFully),
        1 => Just(Op::Reopen),
        1 => Just(Op::Gc),
        1 => Just(Op::Hold),
    ]
}

fn options() -> LsmOptions {
    LsmOptions {
        background: false,
        l0_compaction_trigger: 2,
        level_base_bytes: 2_000,
        level_size_ratio: 2,
        target_sst_rows: 7,
        node_row_group_rows: 3,
        edge_block_bytes: 64,
        cache_bytes: 64 << 10,
        gc_grace: std::time::Duration::ZERO,
        ..LsmOptions::default()
    }
}

async fn run(uri: &str, ops: &[Op]) {
    let open = || GraphStore::open(uri, DbOptions::default(), options());
    let mut store = open().await.unwrap();
    let mut model = Model::default();
    let mut held: Vec<(GraphSnapshot, Model)> = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let context = format!("{uri} step {step} {op:?}");
        let mut batch = GraphBatch::new();
        match op.clone() {
            Op::PutNode { id, labels, x } => {
                let record = record(labels, x);
                batch.put_node(NodeId(id), &record);
                model.nodes.insert(id, record);
            }
            Op::DeleteNode { id } => {
                batch.delete_node(NodeId(id));
                model.nodes.remove(&id);
            }
            Op::PutRel { id, t, src, dst, w } => {
                if let Some((old, _)) = model.rels.get(&id) {
                    batch.delete_relationship(old).unwrap();
                }
                let key = RelKey {
                    rel_type: if t { "T" } else { "U" }.into(),
                    src: NodeId(src),
                    dst: NodeId(dst),
                    id: RelId(id),
                };
                let properties = Properties::from([("w".to_owned(), PropertyValue::Int(w))]);
                batch.put_relationship(&key, &properties).unwrap();
                model.rels.insert(id, (key, properties));
            }
            Op::DeleteRel { id } => {
                if let Some((old, _)) = model.rels.remove(&id) {
                    batch.delete_relationship(&old).unwrap();
                }
            }
            Op::Flush => {
                store.flush().await.unwrap();
            }
            Op::Compact => {
                store.compact().await.unwrap();
            }
            Op::CompactFully => {
                store.compact_fully().await.unwrap();
            }
            Op::Reopen => {
                drop(held.drain(..));
                store.close().await.unwrap();
                store = open().await.unwrap();
            }
            Op::Gc => {
                store.collect_garbage().await.unwrap();
            }
            Op::Hold => held.push((store.snapshot(), model.clone())),
        }
        if !batch.is_empty() {
            store.commit(batch).await.unwrap();
        }
        if matches!(op, Op::Flush | Op::Compact | Op::CompactFully | Op::Reopen | Op::Gc) {
            check(&store.snapshot(), &model, &context).await;
        }
    }
    check(&store.snapshot(), &model, &format!("{uri} at the end")).await;
    store.flush().await.unwrap();
    store.compact_fully().await.unwrap();
    check(&store.snapshot(), &model, &format!("{uri} fully compacted")).await;
    let manifest = store.db().manifest();
    let edge_levels = manifest.ssts.edge.iter().filter(|l| !l.is_empty()).count();
    assert!(edge_levels <= 1 && manifest.ssts.node.first().is_none_or(Vec::is_empty));
    assert_eq!(manifest.flushed_lsn, manifest.last_lsn, "{uri}: everything flushed");
    for (i, (snapshot, then)) in held.iter().enumerate() {
        check(snapshot, then, &format!("{uri} held snapshot {i}")).await;
    }
    drop(held);
    store.collect_garbage().await.unwrap();
    let reopened = open().await.unwrap();
    check(&reopened.snapshot(), &model, &format!("{uri} reopened")).await;
    store.close().await.unwrap();
    reopened.close().await.unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    #[test]
    fn lsm_matches_the_model_on_every_backend(ops in proptest::collection::vec(op(), 1..60)) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            for backend in backends() {
                run(&backend.fresh_uri(), &ops).await;
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_task_flushes_and_compacts_by_itself() {
    let options = LsmOptions {
        background: true,
        maintenance_interval: std::time::Duration::from_millis(5),
        flush_threshold_bytes: 1,
        ..options()
    };
    let uri = "memory://lsm-background?ns=n";
    let store = GraphStore::open(uri, DbOptions::default(), options).await.unwrap();
    let mut model = Model::default();
    for id in 0..12 {
        let mut batch = GraphBatch::new();
        let rec = record((id % 4) as u8, id as i64);
        batch.put_node(NodeId(id), &rec);
        model.nodes.insert(id, rec);
        store.commit(batch).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let manifest = store.db().manifest();
        let compacted = manifest.ssts.node.iter().skip(1).any(|level| !level.is_empty());
        if manifest.flushed_lsn == manifest.last_lsn && compacted {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "background work did not happen: {manifest:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    check(&store.snapshot(), &model, "after background maintenance").await;
    store.close().await.unwrap();
}
