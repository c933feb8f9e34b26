//! The LSM against a model: random node and relationship upserts and deletes interleaved with
//! flushes, compactions, reopens, garbage collection and bulk loads written straight to SSTs;
//! every read (point lookups, label scans,
//! expands both ways, full relationship scans) must equal an in-memory model, on every backend.
//! Snapshots held across maintenance must keep reading their own point in time.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use namidb_graph::model::{NodeId, Properties, PropertyValue};
use namidb_graph::{GraphBatch, GraphError, GraphSnapshot, GraphStore, LsmOptions};
use namidb_storage::{DbOptions, StorageError};
use namidb_testkit::backends::backends;
use namidb_testkit::graph_model::{bulk_load, check, record, rel_key, Model};
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
    Ingest { nodes: Vec<(u64, u8, i64)>, rels: Vec<(u64, bool, u64, u64, i64)> },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..16, 0u8..4, prop_oneof![-8i64..8, any::<i64>()]).prop_map(|(id, labels, x)| Op::PutNode { id, labels, x }),
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
        1 => (
            proptest::collection::vec((0u64..16, 0u8..4, prop_oneof![-8i64..8, any::<i64>()]), 0..6),
            proptest::collection::vec((0u64..24, any::<bool>(), 0u64..8, 0u64..8, -5i64..5), 0..6),
        )
            .prop_map(|(nodes, rels)| Op::Ingest { nodes, rels }),
    ]
}

async fn ingest(
    store: &GraphStore,
    model: &mut Model,
    nodes: Vec<(u64, u8, i64)>,
    rels: Vec<(u64, bool, u64, u64, i64)>,
) {
    let (node_versions, edge_versions) = bulk_load(model, nodes, rels);
    let base = store.ingest_base().await.unwrap();
    let report = store.ingest(base, node_versions, edge_versions).await.unwrap();
    assert_eq!(report.lsn, base.next());
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

/// Below L0, files of one kind and partition never overlap within a level (what per-file
/// compaction picks must keep).
fn check_levels(store: &GraphStore, context: &str) {
    let manifest = store.db().manifest();
    for (kind, levels) in [("node", &manifest.ssts.node), ("edge", &manifest.ssts.edge)] {
        for (n, level) in levels.iter().enumerate().skip(1) {
            let mut files: Vec<_> = level.iter().collect();
            files.sort_by(|a, b| (&a.partition, &a.min_key).cmp(&(&b.partition, &b.min_key)));
            for pair in files.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                assert!(
                    a.partition != b.partition || a.max_key < b.min_key,
                    "{context}: {kind} L{n} files {} and {} of partition {:?} overlap",
                    a.id,
                    b.id,
                    a.partition
                );
            }
        }
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
                let key = rel_key(id, t, src, dst);
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
            Op::Ingest { nodes, rels } => ingest(&store, &mut model, nodes, rels).await,
        }
        if !batch.is_empty() {
            store.commit(batch).await.unwrap();
        }
        if matches!(
            op,
            Op::Flush | Op::Compact | Op::CompactFully | Op::Reopen | Op::Gc | Op::Ingest { .. }
        ) {
            check(&store.snapshot(), &model, &context).await;
            check_levels(&store, &context);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_load_on_a_stale_base_is_refused_and_the_rebuilt_one_lands_between_commits() {
    let uri = "memory://lsm-bulk-race?ns=n";
    let open = || GraphStore::open(uri, DbOptions::default(), options());
    let (loader, writer) = (open().await.unwrap(), open().await.unwrap());
    let mut model = Model::default();
    let base = loader.ingest_base().await.unwrap();
    let mut batch = GraphBatch::new();
    model.nodes.insert(1, record(1, 10));
    batch.put_node(NodeId(1), &record(1, 10));
    writer.commit(batch).await.unwrap();

    let (nodes, rels) = bulk_load(&mut model.clone(), vec![(2, 2, 20)], vec![(0, true, 1, 2, 1)]);
    let refused = loader.ingest(base, nodes, rels).await.unwrap_err();
    assert!(
        matches!(refused, GraphError::Storage(StorageError::Conflict { .. })),
        "a stale load is a conflict: {refused}"
    );
    loader.db().refresh().await.unwrap();
    check(&loader.snapshot(), &model, "after the refused load").await;

    let before_load = loader.snapshot();
    let before_model = model.clone();
    let (nodes, rels) = bulk_load(&mut model, vec![(2, 2, 20)], vec![(0, true, 1, 2, 1)]);
    let base = loader.ingest_base().await.unwrap();
    assert!(base > Default::default(), "the writer's commit was flushed first");
    let report = loader.ingest(base, nodes, rels).await.unwrap();
    assert_eq!((report.lsn, report.node_versions, report.edge_versions), (base.next(), 1, 1));
    assert_eq!(loader.db().visible_lsn(), base.next(), "the load is visible to its own handle");
    check(&before_load, &before_model, "a snapshot from before the load").await;

    // The other handle picks the load up and commits after it.
    let mut batch = GraphBatch::new();
    model.nodes.insert(3, record(3, 30));
    batch.put_node(NodeId(3), &record(3, 30));
    let committed = writer.commit(batch).await.unwrap();
    assert_eq!(committed.lsn, base.next().next());
    check(&writer.snapshot(), &model, "the writer after the load").await;
    loader.close().await.unwrap();
    writer.close().await.unwrap();
    check(&open().await.unwrap().snapshot(), &model, "reopened").await;
}
