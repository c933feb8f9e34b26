//! The storage suite: the same behaviour checked on every object store.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::sync::Arc;

use bytes::Bytes;
use namidb_core::{Lsn, SeededRandom};
use namidb_objstore::{Bucket, BucketOptions, FaultInjector, ObjectStoreError, OpKind, StoreUri};
use namidb_storage::{Db, DbOptions, StorageError, WriteBatch};

use namidb_testkit::backends::{backends, Backend};

fn batch(pairs: &[(&str, &str)]) -> WriteBatch {
    let mut batch = WriteBatch::new();
    for (k, v) in pairs {
        batch.put(k.to_string(), v.to_string());
    }
    batch
}

async fn get(db: &Db, key: &str) -> Option<String> {
    db.snapshot().get(key.as_bytes()).await.unwrap().map(|v| String::from_utf8(v.to_vec()).unwrap())
}

async fn for_each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("--- backend {}", backend.name);
        test(backend).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_object_operations() {
    for_each_backend(|backend| async move {
        let uri = StoreUri::parse(&backend.fresh_uri()).unwrap();
        let bucket =
            Bucket::open(&uri, BucketOptions::default()).unwrap().scoped(uri.namespace.as_str());
        let first =
            bucket.put_if_absent("obj", Bytes::from_static(b"one")).await.unwrap().expect("etag");
        let again = bucket.put_if_absent("obj", Bytes::from_static(b"two")).await;
        assert!(
            matches!(again, Err(ObjectStoreError::AlreadyExists { .. })),
            "{}: {again:?}",
            backend.name
        );
        let second = bucket
            .put_if_match("obj", Bytes::from_static(b"three"), &first)
            .await
            .unwrap()
            .expect("etag");
        let stale = bucket.put_if_match("obj", Bytes::from_static(b"four"), &first).await;
        assert!(
            matches!(stale, Err(ObjectStoreError::PreconditionFailed { .. })),
            "{}: {stale:?}",
            backend.name
        );
        let missing = bucket.put_if_match("absent", Bytes::from_static(b"x"), &second).await;
        assert!(
            matches!(missing, Err(ObjectStoreError::PreconditionFailed { .. })),
            "{}: {missing:?}",
            backend.name
        );
        let object = bucket.get("obj").await.unwrap();
        assert_eq!(object.bytes.as_ref(), b"three");
        assert!(object.etag.unwrap().same_version(&second));
        assert_eq!(bucket.get_range("obj", 1..4).await.unwrap().as_ref(), b"hre");
        bucket.put("dir/b", Bytes::from_static(b"12")).await.unwrap();
        bucket.put("dir/a", Bytes::from_static(b"1")).await.unwrap();
        let listed: Vec<(String, u64)> =
            bucket.list("dir").await.unwrap().into_iter().map(|i| (i.key, i.size)).collect();
        assert_eq!(listed, vec![("dir/a".into(), 1), ("dir/b".into(), 2)]);
        assert_eq!(bucket.head("dir/b").await.unwrap().size, 2);
        bucket.delete("dir/a").await.unwrap();
        bucket.delete("dir/a").await.unwrap();
        assert!(matches!(bucket.get("dir/a").await, Err(ObjectStoreError::NotFound { .. })));
        let metrics = bucket.metrics();
        assert_eq!(metrics.op(OpKind::PutIfAbsent).requests, 2);
        assert!(metrics.op(OpKind::PutIfMatch).requests >= 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_survive_reopen_and_lsns_resume() {
    for_each_backend(|backend| async move {
        let uri = backend.fresh_uri();
        let db = Db::open(&uri, DbOptions::default()).await.unwrap();
        let first = db.commit_batch(batch(&[("a", "1"), ("b", "2")])).await.unwrap();
        let mut delete = WriteBatch::new();
        delete.delete("b").put("c", "3");
        let second = db.commit_batch(delete).await.unwrap();
        assert_eq!((first.lsn, second.lsn), (Lsn(1), Lsn(2)));
        assert_eq!(get(&db, "b").await, None);
        db.close().await.unwrap();
        assert!(matches!(
            db.commit_batch(batch(&[("x", "y")])).await,
            Err(StorageError::Closed { .. })
        ));

        let reopened = Db::open(&uri, DbOptions::default()).await.unwrap();
        assert_eq!(reopened.visible_lsn(), Lsn(2));
        assert_eq!(get(&reopened, "a").await.as_deref(), Some("1"));
        assert_eq!(get(&reopened, "b").await, None);
        assert_eq!(get(&reopened, "c").await.as_deref(), Some("3"));
        let third = reopened.commit_batch(batch(&[("d", "4")])).await.unwrap();
        assert_eq!(third.lsn, Lsn(3));
        let history = reopened.wal_history().await.unwrap();
        assert_eq!(history.iter().map(|(_, r)| r.lsn.get()).collect::<Vec<_>>(), vec![1, 2, 3]);
        reopened.close().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_wal_put_and_one_cas() {
    for_each_backend(|backend| async move {
        // Every call takes 5 ms longer, so callers queue behind a commit in flight even on
        // memory://, which otherwise can finish each commit before the next caller arrives.
        let faults = Arc::new(FaultInjector::new(Arc::new(SeededRandom::new(1))));
        faults.set_latency(std::time::Duration::from_millis(5));
        let options = DbOptions { faults: Some(faults), ..DbOptions::default() };
        let db = Db::open(&backend.fresh_uri(), options).await.unwrap();
        // Warm up: the first compare-and-swap on a server that rejects quoted ETags (Ceph RGW)
        // costs one extra PUT while the handle learns to send bare ETags.
        db.commit_batch(batch(&[("warm", "up")])).await.unwrap();
        let before = db.metrics();
        let tasks: Vec<_> = (0..64)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(
                    async move { db.commit_batch(batch(&[(&format!("k{i}"), "v")])).await },
                )
            })
            .collect();
        let mut lsns = Vec::new();
        for task in tasks {
            lsns.push(task.await.unwrap().unwrap().lsn.get());
        }
        lsns.sort_unstable();
        assert_eq!(lsns, (2..=65).collect::<Vec<u64>>(), "{}", backend.name);
        let after = db.metrics();
        let groups = after.groups_committed - before.groups_committed;
        let requests = after.requests.since(&before.requests);
        assert!(groups < 64, "{}: no grouping happened ({groups} groups)", backend.name);
        assert_eq!(
            requests.op(OpKind::PutIfAbsent).requests,
            groups,
            "{}: {requests}",
            backend.name
        );
        assert_eq!(
            requests.op(OpKind::PutIfMatch).requests,
            groups,
            "{}: {requests}",
            backend.name
        );
        assert_eq!(requests.total_requests(), 2 * groups, "{}: {requests}", backend.name);
        db.close().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_interleave_and_epochs_advance() {
    for_each_backend(|backend| async move {
        let uri = backend.fresh_uri();
        let a = Db::open(&uri, DbOptions::default()).await.unwrap();
        let b = Db::open(&uri, DbOptions::default()).await.unwrap();
        let mut epochs = Vec::new();
        for i in 0..10 {
            let writer = if i % 2 == 0 { &a } else { &b };
            let info =
                writer.commit_batch(batch(&[(&format!("k{i}"), &format!("{i}"))])).await.unwrap();
            assert_eq!(info.lsn, Lsn(i + 1), "{}", backend.name);
            epochs.push(info.epoch.unwrap());
        }
        assert!(epochs.windows(2).all(|w| w[1] == w[0] + 1), "{}: {epochs:?}", backend.name);
        // b has seen a's commits while rebasing; a catches up on refresh.
        assert_eq!(get(&b, "k8").await.as_deref(), Some("8"));
        assert_eq!(a.refresh().await.unwrap(), Lsn(10));
        assert_eq!(get(&a, "k9").await.as_deref(), Some("9"));
        assert!(b.metrics().cas_lost >= 1 || b.metrics().records_replayed >= 1);
        a.close().await.unwrap();
        b.close().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_modify_write_from_two_writers_keeps_every_update() {
    for_each_backend(|backend| async move {
        let uri = backend.fresh_uri();
        let a = Db::open(&uri, DbOptions::default()).await.unwrap();
        let b = Db::open(&uri, DbOptions::default()).await.unwrap();
        let increments = 15;
        let run = |db: Db| async move {
            for _ in 0..increments {
                db.run_transaction(100, async |txn| {
                    let current = txn.get(b"counter").await?;
                    let n: u64 = current
                        .map(|v| String::from_utf8_lossy(&v).parse().unwrap_or(0))
                        .unwrap_or(0);
                    txn.put("counter", (n + 1).to_string());
                    Ok(())
                })
                .await
                .unwrap();
            }
        };
        tokio::join!(run(a.clone()), run(b.clone()));
        let latest = a.latest_snapshot().await.unwrap();
        let value = latest.get(b"counter").await.unwrap().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&value),
            (2 * increments).to_string(),
            "{}",
            backend.name
        );
        a.close().await.unwrap();
        b.close().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclusive_writer_fences_the_others() {
    for_each_backend(|backend| async move {
        let uri = backend.fresh_uri();
        let shared = Db::open(&uri, DbOptions::default()).await.unwrap();
        shared.commit_batch(batch(&[("before", "1")])).await.unwrap();
        let holder =
            Db::open(&uri, DbOptions { exclusive: true, ..DbOptions::default() }).await.unwrap();
        holder.commit_batch(batch(&[("held", "1")])).await.unwrap();
        let fenced = shared.commit_batch(batch(&[("blocked", "1")])).await;
        assert!(matches!(fenced, Err(StorageError::Fenced { .. })), "{}: {fenced:?}", backend.name);
        // A newer exclusive writer takes over and fences the old holder.
        let taker =
            Db::open(&uri, DbOptions { exclusive: true, ..DbOptions::default() }).await.unwrap();
        let old = holder.commit_batch(batch(&[("late", "1")])).await;
        assert!(matches!(old, Err(StorageError::Fenced { .. })), "{}: {old:?}", backend.name);
        taker.close().await.unwrap();
        shared.commit_batch(batch(&[("after", "1")])).await.unwrap();
        let check = Db::open(&uri, DbOptions::default()).await.unwrap();
        for (key, present) in
            [("before", true), ("held", true), ("blocked", false), ("late", false), ("after", true)]
        {
            assert_eq!(get(&check, key).await.is_some(), present, "{}: {key}", backend.name);
        }
        for db in [shared, holder, check] {
            db.close().await.unwrap();
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_are_stable_and_writers_see_their_own_writes() {
    for_each_backend(|backend| async move {
        let db = Db::open(&backend.fresh_uri(), DbOptions::default()).await.unwrap();
        db.commit_batch(batch(&[("a", "1")])).await.unwrap();
        let old = db.snapshot();
        db.commit_batch(batch(&[("a", "2"), ("b", "x")])).await.unwrap();
        assert_eq!(old.get(b"a").await.unwrap().as_deref(), Some(&b"1"[..]));
        assert_eq!(old.get(b"b").await.unwrap(), None);
        let mut txn = db.begin();
        txn.put("a", "3");
        txn.delete("b");
        assert_eq!(txn.get(b"a").await.unwrap().as_deref(), Some(&b"3"[..]));
        assert_eq!(txn.get(b"b").await.unwrap(), None);
        assert_eq!(txn.scan_prefix(b"").await.unwrap().len(), 1);
        assert_eq!(get(&db, "a").await.as_deref(), Some("2"), "uncommitted writes are private");
        txn.commit().await.unwrap();
        assert_eq!(get(&db, "a").await.as_deref(), Some("3"));
        db.close().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_manifest_and_wal_give_typed_errors() {
    for_each_backend(|backend| async move {
        let uri = backend.fresh_uri();
        let parsed = StoreUri::parse(&uri).unwrap();
        let bucket = Bucket::open(&parsed, BucketOptions::default())
            .unwrap()
            .scoped(parsed.namespace.as_str());
        let db = Db::open(&uri, DbOptions::default()).await.unwrap();
        db.commit_batch(batch(&[("a", "1")])).await.unwrap();
        db.close().await.unwrap();

        let segment_key = namidb_storage::layout::wal_segment_key(db.manifest().wal[0].seq);
        let segment = bucket.get(&segment_key).await.unwrap().bytes;
        bucket.put(&segment_key, segment.slice(..segment.len() - 3)).await.unwrap();
        let torn = Db::open(&uri, DbOptions::default()).await;
        assert!(matches!(torn, Err(StorageError::CorruptWal { .. })), "{}: {torn:?}", backend.name);

        let manifest = bucket.get("manifest.json").await.unwrap().bytes;
        let mut flipped = manifest.to_vec();
        let idx = flipped.len() - 10;
        flipped[idx] ^= 0x01;
        bucket.put("manifest.json", Bytes::from(flipped)).await.unwrap();
        let corrupt = Db::open(&uri, DbOptions::default()).await;
        assert!(
            matches!(corrupt, Err(StorageError::CorruptManifest { .. })),
            "{}: {corrupt:?}",
            backend.name
        );
        let message = corrupt.unwrap_err().to_string();
        assert!(message.contains("manifest.json"), "{message}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_without_create_reports_a_missing_namespace() {
    for_each_backend(|backend| async move {
        let missing = Db::open(
            &backend.fresh_uri(),
            DbOptions { create_if_missing: false, ..DbOptions::default() },
        )
        .await;
        assert!(
            matches!(missing, Err(StorageError::NamespaceNotFound { .. })),
            "{}: {missing:?}",
            backend.name
        );
    })
    .await;
}

#[tokio::test]
async fn an_unreachable_endpoint_is_named_in_the_error() {
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        // Without credentials the client would first try the instance-metadata service.
        std::env::set_var("AWS_ACCESS_KEY_ID", "testkey");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testsecret");
    }
    let options = DbOptions {
        retry: namidb_objstore::RetryPolicy { max_attempts: 2, ..Default::default() },
        ..DbOptions::default()
    };
    let error = Db::open("s3://nowhere?endpoint=http://127.0.0.1:9&allow_http=true", options)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("cannot reach the object store"), "{message}");
    assert!(message.contains("127.0.0.1:9"), "{message}");
}

#[tokio::test]
async fn malformed_uris_are_rejected_before_any_request() {
    let error = Db::open("s3://bucket?ns=Not_Valid", DbOptions::default()).await.unwrap_err();
    assert!(error.to_string().contains("namespace name `Not_Valid`"), "{error}");
    let error = Db::open("file://relative", DbOptions::default()).await.unwrap_err();
    assert!(error.to_string().contains("ambiguous"), "{error}");
    let _ = Arc::new(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_conditional_writes_have_exactly_one_winner() {
    for_each_backend(|backend| async move {
        let uri = StoreUri::parse(&backend.fresh_uri()).unwrap();
        let root = Bucket::open(&uri, BucketOptions::default()).unwrap();
        // Independent handles, as in separate processes: nothing is shared but the store.
        let racers: Vec<Bucket> = (0..8)
            .map(|_| {
                Bucket::open(&uri, BucketOptions::default()).unwrap().scoped(uri.namespace.as_str())
            })
            .collect();
        let bucket = root.scoped(uri.namespace.as_str());
        for round in 0..10 {
            let key = format!("race/{round}");
            let tag =
                bucket.put_if_absent(&key, Bytes::from_static(b"base")).await.unwrap().unwrap();
            let tasks: Vec<_> = racers
                .iter()
                .enumerate()
                .map(|(i, racer)| {
                    let (racer, key, tag) = (racer.clone(), key.clone(), tag.clone());
                    tokio::spawn(async move {
                        racer
                            .put_if_match(&key, Bytes::from(format!("racer{i}")), &tag)
                            .await
                            .map(|_| i)
                    })
                })
                .collect();
            let mut winners = Vec::new();
            for task in tasks {
                match task.await.unwrap() {
                    Ok(i) => winners.push(i),
                    Err(ObjectStoreError::PreconditionFailed { .. }) => {}
                    Err(other) => panic!("{}: unexpected {other}", backend.name),
                }
            }
            assert_eq!(winners.len(), 1, "{} round {round}: winners {winners:?}", backend.name);
            let stored = bucket.get(&key).await.unwrap().bytes;
            assert_eq!(stored, Bytes::from(format!("racer{}", winners[0])), "{}", backend.name);

            let created_key = format!("race/{round}-created");
            let tasks: Vec<_> = racers
                .iter()
                .enumerate()
                .map(|(i, racer)| {
                    let (racer, key) = (racer.clone(), created_key.clone());
                    tokio::spawn(async move {
                        racer.put_if_absent(&key, Bytes::from(format!("c{i}"))).await.map(|_| i)
                    })
                })
                .collect();
            let mut created = Vec::new();
            for task in tasks {
                match task.await.unwrap() {
                    Ok(i) => created.push(i),
                    Err(ObjectStoreError::AlreadyExists { .. }) => {}
                    Err(other) => panic!("{}: unexpected {other}", backend.name),
                }
            }
            assert_eq!(created.len(), 1, "{} round {round}: creators {created:?}", backend.name);
        }
    })
    .await;
}
