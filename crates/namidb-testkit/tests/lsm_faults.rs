//! Faults at every object-store call of flush, compaction, garbage collection and a bulk load.
//!
//! A namespace is prepared with flushed L0 SSTs and unflushed commits. The maintenance scenario
//! (flush, full compaction, garbage collection with no grace) runs once cleanly to count its
//! calls, then once per call index and fault kind with that one fault injected. After each run a
//! clean handle reopens the namespace and checks:
//! - every read equals the model (nothing lost, nothing resurrected);
//! - every object the manifest names exists (no dangling reference, no live object deleted);
//! - a clean flush, compaction and collection (after the orphan grace) then leave exactly the
//!   named objects: whatever the failed run left behind is recognised as garbage.
//!
//! A bulk load under a fault must be all or nothing: the reopened namespace reads either the
//! model before it or the model after it, and after it exactly when the manifest holds its LSN.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use namidb_core::{ManualClock, SeededRandom};
use namidb_graph::edge_sst::EdgeVersion;
use namidb_graph::model::{NodeId, Properties, PropertyValue, RelId, RelKey};
use namidb_graph::node_sst::NodeVersion;
use namidb_graph::{GraphBatch, GraphStore, LsmOptions};
use namidb_objstore::{FaultInjector, FaultRule, FaultTrigger, RetryPolicy};
use namidb_storage::layout::{sst_key, wal_segment_key, WAL_PREFIX};
use namidb_storage::DbOptions;
use namidb_testkit::faults::EVERY_FAULT_ACTION;
use namidb_testkit::graph_model::{bulk_load, check, record, Model};

const START_MILLIS: u64 = 1_700_000_000_000;

fn db_options(seed: u64, clock: Arc<ManualClock>, faults: Option<Arc<FaultInjector>>) -> DbOptions {
    DbOptions {
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        },
        clock,
        random: Arc::new(SeededRandom::new(seed)),
        faults,
        outcome_timeout: Duration::from_secs(5),
        ..DbOptions::default()
    }
}

fn lsm_options() -> LsmOptions {
    LsmOptions {
        background: false,
        l0_compaction_trigger: 2,
        target_sst_rows: 5,
        node_row_group_rows: 2,
        edge_block_bytes: 64,
        gc_grace: Duration::ZERO,
        ..LsmOptions::default()
    }
}

async fn commit_round(store: &GraphStore, model: &mut Model, round: u64) {
    let mut batch = GraphBatch::new();
    for i in 0..4 {
        let id = (round * 3 + i) % 16;
        let rec = record((round + i) as u8 % 4, (round * 10 + i) as i64);
        batch.put_node(NodeId(id), &rec);
        model.nodes.insert(id, rec);
        let rel_id = (round * 5 + i) % 20;
        if let Some((old, _)) = model.rels.get(&rel_id) {
            batch.delete_relationship(old).unwrap();
        }
        let key = RelKey {
            rel_type: if i % 2 == 0 { "T" } else { "U" }.into(),
            src: NodeId((round + i) % 8),
            dst: NodeId((round * 7 + i) % 8),
            id: RelId(rel_id),
        };
        let properties = Properties::from([("w".to_owned(), PropertyValue::Int(round as i64))]);
        batch.put_relationship(&key, &properties).unwrap();
        model.rels.insert(rel_id, (key, properties));
    }
    if round % 3 == 2 {
        let gone = (round * 3) % 16;
        batch.delete_node(NodeId(gone));
        model.nodes.remove(&gone);
        if let Some((old, _)) = model.rels.remove(&(round % 20)) {
            batch.delete_relationship(&old).unwrap();
        }
    }
    store.commit(batch).await.unwrap();
}

/// A namespace with two flushed L0 SSTs per kind and unflushed commits; returns the model.
async fn prepare(uri: &str, clock: Arc<ManualClock>) -> Model {
    let store = GraphStore::open(uri, db_options(0, clock, None), lsm_options()).await.unwrap();
    let mut model = Model::default();
    for round in 0..9 {
        commit_round(&store, &mut model, round).await;
        if round % 3 == 2 {
            store.flush().await.unwrap();
        }
    }
    store.close().await.unwrap();
    model
}

/// Flush, compact fully, collect garbage; errors are expected and ignored.
async fn maintenance(uri: &str, clock: Arc<ManualClock>, faults: Arc<FaultInjector>) -> u64 {
    let options = db_options(7, Arc::clone(&clock), Some(Arc::clone(&faults)));
    if let Ok(store) = GraphStore::open(uri, options, lsm_options()).await {
        let _ = store.flush().await;
        let _ = store.compact_fully().await;
        clock.advance(Duration::from_secs(1));
        let _ = store.collect_garbage().await;
        let _ = store.close().await;
    }
    faults.calls()
}

async fn named_objects(store: &GraphStore) -> BTreeSet<String> {
    let manifest = store.db().manifest();
    let mut named: BTreeSet<String> =
        manifest.ssts.all().map(|(kind, level, sst)| sst_key(kind, level, &sst.id)).collect();
    named.extend(manifest.wal.iter().map(|s| wal_segment_key(s.seq)));
    named.extend(manifest.garbage.iter().map(|g| g.key.clone()));
    named
}

async fn stored_objects(store: &GraphStore) -> BTreeSet<String> {
    let bucket = store.db().bucket();
    let mut keys = BTreeSet::new();
    for prefix in ["sst/", WAL_PREFIX] {
        keys.extend(bucket.list(prefix).await.unwrap().into_iter().map(|o| o.key));
    }
    keys
}

async fn verify(uri: &str, model: &Model, clock: Arc<ManualClock>, context: &str) {
    let store = GraphStore::open(uri, db_options(9, Arc::clone(&clock), None), lsm_options())
        .await
        .unwrap_or_else(|e| panic!("{context}: reopen failed: {e}"));
    check(&store.snapshot(), model, context).await;
    let manifest = store.db().manifest();
    let stored = stored_objects(&store).await;
    for (kind, level, sst) in manifest.ssts.all() {
        let key = sst_key(kind, level, &sst.id);
        assert!(stored.contains(&key), "{context}: the manifest names missing {key}");
    }
    for segment in &manifest.wal {
        let key = wal_segment_key(segment.seq);
        assert!(stored.contains(&key), "{context}: the manifest names missing {key}");
    }
    // A clean round of maintenance after the orphan grace recovers everything.
    store.flush().await.unwrap();
    store.compact_fully().await.unwrap();
    clock.advance(store.options().orphan_grace + Duration::from_secs(1));
    store.collect_garbage().await.unwrap();
    store.collect_garbage().await.unwrap();
    check(&store.snapshot(), model, &format!("{context}, after clean maintenance")).await;
    let named = named_objects(&store).await;
    let stored = stored_objects(&store).await;
    assert_eq!(stored, named, "{context}: objects left behind or missing after collection");
    store.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_at_every_maintenance_call_loses_nothing() {
    let clock = Arc::new(ManualClock::new(START_MILLIS));
    let baseline_uri = "memory://lsm-faults-baseline?ns=n";
    let model = prepare(baseline_uri, Arc::clone(&clock)).await;
    let clean = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(0))));
    let calls = maintenance(baseline_uri, Arc::clone(&clock), clean).await;
    verify(baseline_uri, &model, Arc::clone(&clock), "baseline").await;
    assert!(calls >= 20, "maintenance makes {calls} calls");

    let mut runs = 0;
    let mut seed = 1;
    for action in EVERY_FAULT_ACTION {
        for nth in 0..calls + 1 {
            seed += 1;
            let clock = Arc::new(ManualClock::new(START_MILLIS));
            let uri = format!("memory://lsm-faults-{seed}?ns=n");
            let model = prepare(&uri, Arc::clone(&clock)).await;
            let faults = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(seed))));
            faults.add_rule(FaultRule { op: None, trigger: FaultTrigger::Nth(nth), action });
            maintenance(&uri, Arc::clone(&clock), faults).await;
            verify(&uri, &model, clock, &format!("{action:?} at call {nth}")).await;
            runs += 1;
        }
    }
    eprintln!("{runs} fault runs over {calls} calls");
}

/// The bulk load of the fault test, and the model after it.
fn load(model: &Model) -> (Model, Vec<NodeVersion>, Vec<EdgeVersion>) {
    let mut after = model.clone();
    let nodes = (0..10).map(|i| ((i * 5) % 16, (i % 4) as u8, 1000 + i as i64)).collect();
    let rels =
        (0..8).map(|i| ((i * 3) % 20, i % 2 == 0, i % 8, (i * 5) % 8, i as i64 - 4)).collect();
    let (nodes, rels) = bulk_load(&mut after, nodes, rels);
    (after, nodes, rels)
}

/// Runs the bulk load on a handle with `faults`; returns the calls made.
async fn bulk(
    uri: &str,
    clock: Arc<ManualClock>,
    faults: Arc<FaultInjector>,
    model: &Model,
) -> u64 {
    let options = db_options(7, Arc::clone(&clock), Some(Arc::clone(&faults)));
    if let Ok(store) = GraphStore::open(uri, options, lsm_options()).await {
        let (_, nodes, rels) = load(model);
        if let Ok(base) = store.ingest_base().await {
            let _ = store.ingest(base, nodes, rels).await;
        }
        let _ = store.close().await;
    }
    faults.calls()
}

/// Which model the namespace must now read: the loaded one exactly when the manifest moved past
/// the LSN the prepared namespace ended at.
async fn expected_after_bulk(
    uri: &str,
    clock: Arc<ManualClock>,
    before: &Model,
    last: u64,
) -> Model {
    let store = GraphStore::open(uri, db_options(3, clock, None), lsm_options()).await.unwrap();
    let landed = store.db().manifest().last_lsn > last;
    store.close().await.unwrap();
    if landed {
        load(before).0
    } else {
        before.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_at_every_bulk_load_call_is_all_or_nothing() {
    let clock = Arc::new(ManualClock::new(START_MILLIS));
    let baseline_uri = "memory://lsm-bulk-faults-baseline?ns=n";
    let model = prepare(baseline_uri, Arc::clone(&clock)).await;
    let clean = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(0))));
    let calls = bulk(baseline_uri, Arc::clone(&clock), clean, &model).await;
    verify(baseline_uri, &load(&model).0, Arc::clone(&clock), "bulk baseline").await;
    assert!(calls >= 8, "a bulk load makes {calls} calls");

    let (mut landed, mut runs) = (0, 0);
    let mut seed = 1000;
    for action in EVERY_FAULT_ACTION {
        for nth in 0..calls + 1 {
            seed += 1;
            let clock = Arc::new(ManualClock::new(START_MILLIS));
            let uri = format!("memory://lsm-bulk-faults-{seed}?ns=n");
            let model = prepare(&uri, Arc::clone(&clock)).await;
            let last = {
                let store =
                    GraphStore::open(&uri, db_options(2, Arc::clone(&clock), None), lsm_options())
                        .await
                        .unwrap();
                let last = store.db().manifest().last_lsn;
                store.close().await.unwrap();
                last
            };
            let faults = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(seed))));
            faults.add_rule(FaultRule { op: None, trigger: FaultTrigger::Nth(nth), action });
            bulk(&uri, Arc::clone(&clock), faults, &model).await;
            let expected = expected_after_bulk(&uri, Arc::clone(&clock), &model, last).await;
            landed += usize::from(expected != model);
            verify(&uri, &expected, clock, &format!("bulk load, {action:?} at call {nth}")).await;
            runs += 1;
        }
    }
    assert!(landed > 0 && landed < runs, "{landed} of {runs} faulted bulk loads landed");
    eprintln!("{runs} bulk-load fault runs over {calls} calls; {landed} landed");
}
