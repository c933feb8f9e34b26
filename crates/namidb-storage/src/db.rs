//! [`Db`]: an open namespace. Opening is recovery: read the manifest, replay the WAL it names.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use namidb_core::{Lsn, NamespaceName, WriterId};
use namidb_objstore::{Bucket, MetricsSnapshot, ObjectStoreError, StoreUri};
use parking_lot::{Mutex, RwLock};
use tokio::sync::{mpsc, oneshot};

use crate::committer::{CommitStats, Committer, Request, Shared};
use crate::layout::{MANIFEST_KEY, SCHEMA_KEY};
use crate::manifest::Manifest;
use crate::manifest_edit::ManifestEdit;
use crate::read_state::{FrozenMemtables, ReadState};
use crate::replay::{read_manifest, read_segments_after};
use crate::schema_file::initial_schema;
use crate::wal_segment::WalRecord;
use crate::{DbOptions, Snapshot, StorageError, Transaction, WriteBatch};

/// What a successful commit reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitInfo {
    /// The batch's LSN.
    pub lsn: Lsn,
    /// How many batches shared its WAL segment and manifest update.
    pub batches_in_group: usize,
    /// The writer epoch of the manifest version that made it durable.
    pub epoch: Option<u64>,
}

/// Counters of one handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbMetrics {
    /// Object-store requests made through this handle's bucket.
    pub requests: MetricsSnapshot,
    /// Batches committed.
    pub batches_committed: u64,
    /// Group commits (one WAL segment and one manifest update each).
    pub groups_committed: u64,
    /// Manifest CAS attempts.
    pub cas_attempts: u64,
    /// Manifest CAS attempts lost to other writers.
    pub cas_lost: u64,
    /// Batches rejected with a conflict.
    pub conflicts: u64,
    /// WAL segments written.
    pub segments_written: u64,
    /// WAL records replayed from other writers or at open.
    pub records_replayed: u64,
}

/// An open namespace: commit batches, take snapshots, run transactions. Cheap to clone; clones
/// share one committer, so their concurrent commits are grouped.
#[derive(Clone)]
pub struct Db {
    shared: Arc<Shared>,
    requests: mpsc::Sender<Request>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("namespace", &self.shared.namespace)
            .field("store", &self.shared.bucket.display())
            .field("writer", &self.shared.writer)
            .finish()
    }
}

impl Db {
    /// Opens (creating if allowed) the namespace a URI names.
    pub async fn open(uri: &str, options: DbOptions) -> Result<Db, StorageError> {
        let uri = StoreUri::parse(uri)?;
        let bucket = Bucket::open(&uri, options.bucket_options())?;
        Db::open_in(&bucket, uri.namespace.clone(), options).await
    }

    /// Opens (creating if allowed) `namespace` inside `bucket`.
    pub async fn open_in(
        bucket: &Bucket,
        namespace: NamespaceName,
        options: DbOptions,
    ) -> Result<Db, StorageError> {
        let bucket = bucket.scoped(namespace.as_str());
        let writer = WriterId::generate(options.random.as_ref());
        let (manifest, etag) = match read_manifest(&bucket, namespace.as_str()).await? {
            Some(found) => found,
            None if options.create_if_missing => {
                create_namespace(&bucket, &namespace, &options).await?
            }
            None => {
                return Err(StorageError::NamespaceNotFound {
                    namespace: namespace.to_string(),
                    store: bucket.display().to_owned(),
                })
            }
        };
        let shared = Arc::new(Shared {
            namespace,
            bucket,
            state: RwLock::new(Arc::new(ReadState::new(Arc::new(manifest.clone())))),
            visible_lsn: Default::default(),
            writer,
            options,
            stats: CommitStats::default(),
            closed: Mutex::new(None),
        });
        let mut committer = Committer::empty(Arc::clone(&shared));
        committer.catch_up(manifest, etag).await?;
        if shared.options.exclusive {
            committer.claim_exclusive().await?;
        }
        let (sender, receiver) = mpsc::channel(shared.options.max_group_batches.max(16) * 2);
        tokio::spawn(committer.run(receiver));
        Ok(Db { shared, requests: sender })
    }

    /// Commits `batch` atomically. When this returns `Ok`, the batch is durable: its WAL segment is
    /// stored and a manifest naming it won the compare-and-swap. An `Err` means nothing of the batch
    /// was applied (see [`StorageError::OutcomeUnknown`] for the one exception). Concurrent callers
    /// share WAL segments and manifest updates.
    pub async fn commit_batch(&self, batch: WriteBatch) -> Result<CommitInfo, StorageError> {
        batch.validate().map_err(|reason| StorageError::InvalidBatch { reason })?;
        if batch.is_empty() {
            return Ok(CommitInfo { lsn: self.visible_lsn(), batches_in_group: 0, epoch: None });
        }
        let (reply, answer) = oneshot::channel();
        self.send(Request::Commit { batch, reply }).await?;
        answer.await.map_err(|_| self.closed_error())?
    }

    /// A snapshot of everything this handle has seen committed (its own commits, and other
    /// writers' commits up to its last refresh).
    pub fn snapshot(&self) -> Snapshot {
        // The LSN first: the state read after it holds everything up to it.
        let lsn = self.visible_lsn();
        Snapshot::new(self.shared.read_state(), lsn)
    }

    /// Picks up other writers' commits, then returns a snapshot of the newest state.
    pub async fn latest_snapshot(&self) -> Result<Snapshot, StorageError> {
        self.refresh().await?;
        Ok(self.snapshot())
    }

    /// Reads the manifest and replays commits made by other writers; returns the visible LSN.
    pub async fn refresh(&self) -> Result<Lsn, StorageError> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Refresh { reply }).await?;
        answer.await.map_err(|_| self.closed_error())?
    }

    /// Starts a transaction on the current snapshot.
    pub fn begin(&self) -> Transaction {
        Transaction::new(self.clone(), self.snapshot())
    }

    /// Runs `body` in a transaction and commits it, re-running it on a fresh snapshot whenever the
    /// commit conflicts with another writer, up to `max_attempts` times.
    pub async fn run_transaction<T, F>(
        &self,
        max_attempts: u32,
        mut body: F,
    ) -> Result<(T, CommitInfo), StorageError>
    where
        F: AsyncFnMut(&mut Transaction) -> Result<T, StorageError>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut transaction = self.begin();
            let value = body(&mut transaction).await?;
            match transaction.commit().await {
                Ok(info) => return Ok((value, info)),
                Err(StorageError::Conflict { .. }) if attempt < max_attempts => {
                    // The committer has caught up with the writer that won; the next snapshot sees it.
                    continue;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Releases an exclusive hold, stops the committer and closes the handle (and its clones).
    pub async fn close(&self) -> Result<(), StorageError> {
        let (reply, answer) = oneshot::channel();
        if self.requests.send(Request::Close { reply }).await.is_err() {
            return Ok(());
        }
        answer.await.unwrap_or(Ok(()))
    }

    /// The LSN of the newest commit this handle has applied.
    pub fn visible_lsn(&self) -> Lsn {
        Lsn(self.shared.visible_lsn.load(Ordering::Acquire))
    }

    /// This handle's writer id.
    pub fn writer_id(&self) -> WriterId {
        self.shared.writer
    }

    /// The namespace.
    pub fn namespace(&self) -> &NamespaceName {
        &self.shared.namespace
    }

    /// The newest manifest this handle knows.
    pub fn manifest(&self) -> Arc<Manifest> {
        Arc::clone(self.shared.read_state().manifest())
    }

    /// Freezes the memtable receiving commits so that it can be flushed; returns every frozen
    /// memtable not yet flushed, oldest first (`None` when there is nothing to flush). New commits
    /// go to a fresh memtable meanwhile; frozen ones stay readable until an edit with
    /// `flushed_lsn` covering them is installed.
    pub async fn freeze(&self) -> Result<Option<FrozenMemtables>, StorageError> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Freeze { reply }).await?;
        answer.await.map_err(|_| self.closed_error())?
    }

    /// Installs `edit` (SSTs added or removed, the flushed watermark raised, garbage forgotten)
    /// by compare-and-swap on the manifest, re-applying it after lost races. Returns the manifest
    /// version that holds it. An error means it was not installed.
    pub async fn install(&self, edit: ManifestEdit) -> Result<Arc<Manifest>, StorageError> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Install { edit, reply }).await?;
        answer.await.map_err(|_| self.closed_error())?
    }

    /// The options this handle was opened with.
    pub fn options(&self) -> &DbOptions {
        &self.shared.options
    }

    /// The bucket handle, scoped to the namespace.
    pub fn bucket(&self) -> &Bucket {
        &self.shared.bucket
    }

    /// Counters of this handle.
    pub fn metrics(&self) -> DbMetrics {
        let stats = &self.shared.stats;
        DbMetrics {
            requests: self.shared.bucket.metrics(),
            batches_committed: stats.batches_committed.load(Ordering::Relaxed),
            groups_committed: stats.groups_committed.load(Ordering::Relaxed),
            cas_attempts: stats.cas_attempts.load(Ordering::Relaxed),
            cas_lost: stats.cas_lost.load(Ordering::Relaxed),
            conflicts: stats.conflicts.load(Ordering::Relaxed),
            segments_written: stats.segments_written.load(Ordering::Relaxed),
            records_replayed: stats.records_replayed.load(Ordering::Relaxed),
        }
    }

    /// Every committed batch above the flushed watermark, read from the WAL segments the newest
    /// manifest names, with the segment sequence number each came from.
    pub async fn wal_history(&self) -> Result<Vec<(u64, WalRecord)>, StorageError> {
        let manifest = self.manifest();
        let parallelism = self.shared.options.replay_parallelism;
        let segments =
            read_segments_after(&self.shared.bucket, &manifest, Lsn::ZERO, parallelism).await?;
        Ok(segments
            .into_iter()
            .flat_map(|(seq, records)| records.into_iter().map(move |r| (seq, r)))
            .collect())
    }

    async fn send(&self, request: Request) -> Result<(), StorageError> {
        if let Some(reason) = self.shared.closed.lock().clone() {
            return Err(reason);
        }
        self.requests.send(request).await.map_err(|_| self.closed_error())
    }

    fn closed_error(&self) -> StorageError {
        self.shared.closed.lock().clone().unwrap_or(StorageError::Closed { reason: None })
    }
}

/// Creates the schema object and the first manifest; returns whichever manifest is stored after
/// a race with another creator.
async fn create_namespace(
    bucket: &Bucket,
    namespace: &NamespaceName,
    options: &DbOptions,
) -> Result<(Manifest, namidb_objstore::ETag), StorageError> {
    match bucket.put_if_absent(SCHEMA_KEY, initial_schema()).await {
        Ok(_) | Err(ObjectStoreError::AlreadyExists { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let manifest = Manifest::initial(namespace, options.clock.now_millis());
    match bucket.put_if_absent(MANIFEST_KEY, manifest.encode()).await {
        Ok(_) | Err(ObjectStoreError::AlreadyExists { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    // Read back: the store's ETag is needed, and a concurrent creator may have won.
    read_manifest(bucket, namespace.as_str()).await?.ok_or_else(|| {
        StorageError::Internal(format!("manifest `{MANIFEST_KEY}` vanished right after creation"))
    })
}
