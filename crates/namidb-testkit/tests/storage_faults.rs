//! Faults at every object-store call of recovery and commit.
//!
//! A scenario opens a namespace holding earlier commits (recovery), commits batches one by one and
//! in a concurrent group, refreshes and closes. It runs once cleanly to count its object-store
//! calls, then once per call index and fault kind with that single fault injected. After each run a
//! clean handle reopens the namespace and checks:
//! - every acknowledged batch is there, exactly once in the WAL;
//! - every batch that returned an error (other than a simulated crash) is absent;
//! - no batch is partly visible;
//! - a transient fault or a lost response never surfaces as an error at all.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use namidb_core::{ManualClock, SeededRandom};
use namidb_objstore::{
    FaultAction, FaultInjector, FaultRule, FaultTrigger, ObjectStoreError, RetryPolicy,
};
use namidb_storage::{Db, DbOptions, StorageError, WriteBatch};
use namidb_testkit::faults::EVERY_FAULT_ACTION;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Acked,
    Failed,
    Unknown,
}

fn options(seed: u64, faults: Option<Arc<FaultInjector>>) -> DbOptions {
    DbOptions {
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        },
        clock: Arc::new(ManualClock::new(1_700_000_000_000)),
        random: Arc::new(SeededRandom::new(seed)),
        faults,
        outcome_timeout: Duration::from_secs(5),
        ..DbOptions::default()
    }
}

fn batch_for(tag: &str) -> WriteBatch {
    let mut batch = WriteBatch::new();
    batch.put(format!("{tag}/x"), tag.to_owned()).put(format!("{tag}/y"), tag.to_owned());
    batch
}

fn classify(result: &Result<namidb_storage::CommitInfo, StorageError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Acked,
        Err(StorageError::ObjectStore(ObjectStoreError::Crashed))
        | Err(StorageError::OutcomeUnknown { .. }) => Outcome::Unknown,
        Err(_) => Outcome::Failed,
    }
}

/// Runs the scenario; returns the outcome of every batch and the number of object-store calls.
async fn scenario(
    uri: &str,
    seed: u64,
    faults: Arc<FaultInjector>,
) -> (BTreeMap<String, Outcome>, u64) {
    let mut outcomes = BTreeMap::new();
    let db = match Db::open(uri, options(seed, Some(Arc::clone(&faults)))).await {
        Ok(db) => db,
        Err(_) => return (outcomes, faults.calls()),
    };
    for i in 0..4 {
        let tag = format!("seq{i}");
        let result = db.commit_batch(batch_for(&tag)).await;
        outcomes.insert(tag, classify(&result));
    }
    let group: Vec<_> = (0..4)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let tag = format!("grp{i}");
                let result = db.commit_batch(batch_for(&tag)).await;
                (tag, result)
            })
        })
        .collect();
    for task in group {
        let (tag, result) = task.await.expect("task");
        outcomes.insert(tag, classify(&result));
    }
    let _ = db.refresh().await;
    let _ = db.close().await;
    let crashed = faults.is_crashed();
    if crashed {
        // After a simulated crash nobody heard any later answer.
        for outcome in outcomes.values_mut() {
            if *outcome == Outcome::Failed {
                *outcome = Outcome::Unknown;
            }
        }
    }
    (outcomes, faults.calls())
}

async fn verify(uri: &str, outcomes: &BTreeMap<String, Outcome>, context: &str) {
    let db = Db::open(uri, options(1, None))
        .await
        .unwrap_or_else(|e| panic!("{context}: reopen failed: {e}"));
    let snapshot = db.snapshot();
    let history = db.wal_history().await.unwrap();
    for (tag, outcome) in outcomes {
        let x = snapshot.get(format!("{tag}/x").as_bytes()).await.unwrap();
        let y = snapshot.get(format!("{tag}/y").as_bytes()).await.unwrap();
        assert_eq!(x.is_some(), y.is_some(), "{context}: batch {tag} is partly visible");
        let copies = history
            .iter()
            .filter(|(_, record)| {
                record.ops.iter().any(|op| op.key().as_ref() == format!("{tag}/x").as_bytes())
            })
            .count();
        match outcome {
            Outcome::Acked => {
                assert!(x.is_some(), "{context}: acknowledged batch {tag} is lost");
                assert_eq!(
                    copies, 1,
                    "{context}: acknowledged batch {tag} is in the WAL {copies} times"
                );
            }
            Outcome::Failed => {
                assert!(x.is_none(), "{context}: batch {tag} returned an error but was applied");
                assert_eq!(copies, 0, "{context}: failed batch {tag} is in the WAL");
            }
            Outcome::Unknown => {
                assert!(copies <= 1, "{context}: batch {tag} is in the WAL {copies} times")
            }
        }
    }
    // The earlier commits are never disturbed.
    for i in 0..3 {
        assert!(
            snapshot.get(format!("pre{i}/x").as_bytes()).await.unwrap().is_some(),
            "{context}: pre{i} lost"
        );
    }
    db.close().await.unwrap();
}

async fn prepare(seed: u64) -> String {
    let uri = format!("memory://faults-{seed}?ns=n");
    let db = Db::open(&uri, options(seed, None)).await.unwrap();
    for i in 0..3 {
        db.commit_batch(batch_for(&format!("pre{i}"))).await.unwrap();
    }
    db.close().await.unwrap();
    uri
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_at_every_call_loses_nothing_and_applies_nothing_twice() {
    let baseline_uri = prepare(0).await;
    let clean = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(0))));
    let (baseline, calls) = scenario(&baseline_uri, 0, clean).await;
    assert!(baseline.values().all(|o| *o == Outcome::Acked), "{baseline:?}");
    assert!(calls >= 12, "the scenario makes {calls} calls");

    let mut runs = 0;
    let mut seed = 1;
    for action in EVERY_FAULT_ACTION {
        for nth in 0..calls + 2 {
            seed += 1;
            let uri = prepare(seed).await;
            let faults = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(seed))));
            faults.add_rule(FaultRule { op: None, trigger: FaultTrigger::Nth(nth), action });
            let (outcomes, _) = scenario(&uri, seed, Arc::clone(&faults)).await;
            let context = format!("{action:?} at call {nth}");
            if matches!(
                action,
                FaultAction::FailBefore { transient: true } | FaultAction::LostResponse
            ) {
                assert!(
                    outcomes.len() == 8 && outcomes.values().all(|o| *o == Outcome::Acked),
                    "{context}: a retried fault surfaced: {outcomes:?}"
                );
            }
            verify(&uri, &outcomes, &context).await;
            runs += 1;
        }
    }
    eprintln!("{runs} fault runs over {calls} calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_with_two_writers_keep_every_acknowledged_batch() {
    let uri = prepare(10_000).await;
    let faults = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(77))));
    for action in [
        FaultAction::LostResponse,
        FaultAction::FailBefore { transient: true },
        FaultAction::FailBefore { transient: false },
    ] {
        faults.add_rule(FaultRule { op: None, trigger: FaultTrigger::Chance(0.04), action });
    }
    // A handle that closed itself (an unknown outcome) is replaced, as an application would.
    let open = |writer: u64| {
        let (uri, faults) = (uri.clone(), Arc::clone(&faults));
        async move {
            for _ in 0..20 {
                if let Ok(db) = Db::open(&uri, options(writer, Some(Arc::clone(&faults)))).await {
                    return db;
                }
            }
            panic!("writer {writer} could not open the namespace in 20 attempts");
        }
    };
    let closed = |r: &Result<namidb_storage::CommitInfo, StorageError>| {
        matches!(r, Err(StorageError::OutcomeUnknown { .. } | StorageError::Closed { .. }))
    };
    let (mut a, mut b) = (open(1).await, open(2).await);
    let mut outcomes = BTreeMap::new();
    for round in 0..40 {
        let (ta, tb) = (format!("a{round}"), format!("b{round}"));
        let (ra, rb) = tokio::join!(a.commit_batch(batch_for(&ta)), b.commit_batch(batch_for(&tb)));
        if closed(&ra) {
            a = open(1).await;
        }
        if closed(&rb) {
            b = open(2).await;
        }
        outcomes.insert(ta, classify(&ra));
        outcomes.insert(tb, classify(&rb));
    }
    let acked = outcomes.values().filter(|o| **o == Outcome::Acked).count();
    assert!(acked >= 60, "only {acked} of 80 batches acknowledged");
    verify(&uri, &outcomes, "random faults").await;
}
