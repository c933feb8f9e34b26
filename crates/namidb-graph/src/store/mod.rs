//! [`GraphStore`]: the graph over the storage spine, as an LSM tree on the bucket.
//!
//! Writes go through [`GraphBatch`] into the spine's WAL and memtable. [`GraphStore::flush`] turns
//! memtables into L0 SSTs (nodes in Parquet per label set, relationships in CSR),
//! [`GraphStore::compact`] merges levels down, [`GraphStore::collect_garbage`] deletes what no
//! reader needs, and [`GraphSnapshot`]s read the merge of memtables and SSTs at one LSN through a
//! shared [`SstCache`]. With `background` set, a task does all of that on its own: flush when
//! the memtable passes `flush_threshold_bytes` or holds commits older than `flush_interval`,
//! compact while a level is over budget, collect garbage, and renew the snapshot lease.
//! [`GraphStore::ingest`] installs a bulk load written straight to L0 SSTs as one commit.

mod batch;
mod cache;
mod compaction;
mod compaction_plan;
mod distinct_sketch;
mod files;
mod flush;
mod gc;
mod ingest;
mod lease;
mod memtable_index;
mod memtable_statistics;
mod node_scan;
mod outputs;
mod property_lookup;
mod runs;
mod schema_publish;
mod snapshot;
mod statistics;
mod tables;
mod type_scan;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Weak};
use std::time::Duration;

use namidb_storage::{CommitInfo, Db, DbOptions};

pub use batch::GraphBatch;
pub use cache::{CacheKind, CacheStats, KindStats, SstCache};
pub use compaction::CompactionReport;
pub use distinct_sketch::DistinctSketch;
pub use flush::FlushReport;
pub use gc::GcReport;
pub use ingest::IngestReport;
pub use lease::{Lease, ReadHorizon, LEASE_PREFIX};
pub use property_lookup::{integral, IndexKey, PropertyLookup, EXACT_FLOAT_INT};
pub use snapshot::{GraphSnapshot, RawRelationship, Relationship};
pub use statistics::{GraphStatistics, PropertyStatistics, SstStatistics, TypeStatistics};
pub use type_scan::ScannedRelationship;

use crate::error::GraphError;
use compaction_plan::CompactionPlan;
use lease::{read_leases, store_lease, SnapshotRegistry};

/// Settings of the LSM tree.
#[derive(Debug, Clone)]
pub struct LsmOptions {
    /// Flush when the memtable receiving commits holds about this many bytes (default 64 MiB).
    pub flush_threshold_bytes: usize,
    /// Flush commits older than this even below the threshold (default 60 s; background only).
    pub flush_interval: Duration,
    /// Compact L0 into L1 when it has this many SSTs of a kind (default 4).
    pub l0_compaction_trigger: usize,
    /// Budget of L1 in bytes (default 64 MiB); level n gets `level_size_ratio^(n-1)` times it.
    pub level_base_bytes: u64,
    /// Growth factor between levels (default 10).
    pub level_size_ratio: u64,
    /// Rows per SST file at L1 and below (default 1 Mi).
    pub target_sst_rows: usize,
    /// Rows per Parquet row group in node SSTs (default 64 Ki).
    pub node_row_group_rows: usize,
    /// Adjacency bytes per edge SST block (default 32 KiB).
    pub edge_block_bytes: usize,
    /// Memory budget of the SST cache (default 256 MiB).
    pub cache_bytes: usize,
    /// How long a retired object is kept after the manifest stopped naming it (default 10 min).
    pub gc_grace: Duration,
    /// How old an unnamed SST must be to count as an orphan (default 1 h; must exceed the
    /// spine's `max_install_age`).
    pub orphan_grace: Duration,
    /// How long a snapshot lease lasts unless renewed (default 5 min).
    pub lease_ttl: Duration,
    /// Run flush, compaction, garbage collection and lease renewal in a background task
    /// (default true).
    pub background: bool,
    /// How often the background task looks for work (default 1 s).
    pub maintenance_interval: Duration,
    /// How often the background task collects garbage (default 60 s).
    pub gc_interval: Duration,
}

impl Default for LsmOptions {
    fn default() -> Self {
        LsmOptions {
            flush_threshold_bytes: 64 << 20,
            flush_interval: Duration::from_secs(60),
            l0_compaction_trigger: 4,
            level_base_bytes: 64 << 20,
            level_size_ratio: 10,
            target_sst_rows: 1 << 20,
            node_row_group_rows: 64 << 10,
            edge_block_bytes: 32 << 10,
            cache_bytes: 256 << 20,
            gc_grace: Duration::from_secs(600),
            orphan_grace: Duration::from_secs(3600),
            lease_ttl: Duration::from_secs(300),
            background: true,
            maintenance_interval: Duration::from_secs(1),
            gc_interval: Duration::from_secs(60),
        }
    }
}

/// State shared by a store's handles and snapshots.
pub(crate) struct StoreInner {
    pub(crate) db: Db,
    pub(crate) options: LsmOptions,
    pub(crate) cache: SstCache,
    /// Serializes this handle's flushes, compactions and collections.
    pub(crate) maintenance: tokio::sync::Mutex<()>,
    pub(crate) snapshots: Arc<SnapshotRegistry>,
    pub(crate) sst_seq: AtomicU64,
    /// The statistics of the last SST set asked about, by a fingerprint of its SST names.
    pub(crate) statistics: parking_lot::Mutex<Option<(u64, Arc<GraphStatistics>)>>,
    /// The statistics of the memtables read so far, and the last sum with the SSTs'.
    pub(crate) memtable_statistics:
        parking_lot::Mutex<memtable_statistics::MemtableStatisticsCache>,
    /// The memtables' value indexes of the properties looked up so far.
    pub(crate) memtable_indexes: parking_lot::Mutex<memtable_index::MemtableIndexes>,
    /// The schema object as this handle last read or wrote it (it only grows, so what it
    /// holds is in the stored one too): a flush with nothing new skips the GET.
    pub(crate) known_schema: parking_lot::Mutex<Option<crate::schema::GraphSchema>>,
    /// The SST files of the last manifest version a snapshot was taken of.
    pub(crate) sst_files:
        parking_lot::Mutex<Option<(Arc<namidb_storage::Manifest>, Arc<files::SstFiles>)>>,
}

/// A graph namespace: writes, snapshots and LSM maintenance. Cheap to clone.
#[derive(Clone)]
pub struct GraphStore {
    inner: Arc<StoreInner>,
}

impl std::fmt::Debug for GraphStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphStore").field("db", &self.inner.db).finish()
    }
}

impl GraphStore {
    /// Opens (creating if allowed) the namespace a URI names.
    pub async fn open(
        uri: &str,
        db_options: DbOptions,
        options: LsmOptions,
    ) -> Result<GraphStore, GraphError> {
        let db = Db::open(uri, db_options).await?;
        GraphStore::with_db(db, options)
    }

    /// A store over an open namespace handle.
    pub fn with_db(db: Db, options: LsmOptions) -> Result<GraphStore, GraphError> {
        if options.orphan_grace <= db.options().max_install_age {
            return Err(GraphError::InvalidInput(format!(
                "orphan_grace ({:?}) must exceed the spine's max_install_age ({:?})",
                options.orphan_grace,
                db.options().max_install_age
            )));
        }
        let inner = Arc::new(StoreInner {
            cache: SstCache::new(options.cache_bytes),
            db,
            options,
            maintenance: tokio::sync::Mutex::new(()),
            snapshots: Arc::default(),
            sst_seq: AtomicU64::new(0),
            statistics: parking_lot::Mutex::new(None),
            memtable_statistics: Default::default(),
            memtable_indexes: Default::default(),
            known_schema: parking_lot::Mutex::new(None),
            sst_files: parking_lot::Mutex::new(None),
        });
        if inner.options.background {
            tokio::spawn(background(Arc::downgrade(&inner)));
        }
        Ok(GraphStore { inner })
    }

    /// Commits `batch` atomically and durably (see `Db::commit_batch`).
    pub async fn commit(&self, batch: GraphBatch) -> Result<CommitInfo, GraphError> {
        Ok(self.inner.db.commit_batch(batch.into_write_batch()).await?)
    }

    /// A snapshot of everything this handle has seen committed.
    pub fn snapshot(&self) -> GraphSnapshot {
        let snapshot = self.inner.db.snapshot();
        let guard =
            self.inner.snapshots.register(snapshot.lsn().get(), snapshot.manifest().version);
        let files = self.inner.sst_files(snapshot.manifest());
        GraphSnapshot { inner: Arc::clone(&self.inner), snapshot, files, _guard: Arc::new(guard) }
    }

    /// The planner statistics of the newest state this handle has seen (without registering a
    /// snapshot: nothing is read but the manifest and the memtables in memory).
    pub fn statistics(&self) -> Arc<GraphStatistics> {
        self.inner.statistics(self.inner.db.snapshot().state())
    }

    /// Picks up other writers' commits and SSTs, then returns a snapshot.
    pub async fn latest_snapshot(&self) -> Result<GraphSnapshot, GraphError> {
        self.inner.db.refresh().await?;
        Ok(self.snapshot())
    }

    /// Flushes the memtables into L0 SSTs; `None` when there was nothing to flush.
    pub async fn flush(&self) -> Result<Option<FlushReport>, GraphError> {
        self.inner.flush().await
    }

    /// Runs compactions until no level is over budget.
    pub async fn compact(&self) -> Result<Vec<CompactionReport>, GraphError> {
        let mut reports = Vec::new();
        while let Some(report) = self.inner.compact_once().await? {
            reports.push(report);
        }
        Ok(reports)
    }

    /// Compacts every level into the next until all data sits in one level (a full merge).
    pub async fn compact_fully(&self) -> Result<Vec<CompactionReport>, GraphError> {
        let mut reports = Vec::new();
        loop {
            let _maintenance = self.inner.maintenance.lock().await;
            self.inner.db.refresh().await?;
            let manifest = self.inner.db.manifest();
            let pick =
                [namidb_storage::layout::SstKind::Node, namidb_storage::layout::SstKind::Edge]
                    .into_iter()
                    .find_map(|kind| {
                        let levels = manifest.ssts.of(kind);
                        let occupied: Vec<usize> =
                            (0..levels.len()).filter(|&l| !levels[l].is_empty()).collect();
                        let first = *occupied.first()?;
                        // Done when only one level is occupied and it is not L0.
                        (occupied.len() > 1 || first == 0).then_some((kind, first as u32))
                    });
            let Some((kind, level)) = pick else { return Ok(reports) };
            let plan =
                CompactionPlan::whole_level(&manifest, kind, level, true, &self.inner.options);
            reports.push(self.inner.compact(&manifest, plan).await?);
        }
    }

    /// Deletes objects no reader can need any more.
    pub async fn collect_garbage(&self) -> Result<GcReport, GraphError> {
        self.inner.collect_garbage(false).await
    }

    /// What [`GraphStore::collect_garbage`] would delete now, deleting nothing.
    pub async fn garbage_report(&self) -> Result<GcReport, GraphError> {
        self.inner.collect_garbage(true).await
    }

    /// Writes (or removes, when no snapshot is open) this handle's snapshot lease.
    pub async fn renew_lease(&self) -> Result<(), GraphError> {
        self.inner.renew_lease().await
    }

    /// The SST cache's counters.
    pub fn cache_stats(&self) -> CacheStats {
        self.inner.cache.stats()
    }

    /// Empties the SST cache (benchmarks of cold reads).
    pub fn clear_cache(&self) {
        self.inner.cache.clear()
    }

    /// The namespace handle beneath.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The LSM settings.
    pub fn options(&self) -> &LsmOptions {
        &self.inner.options
    }

    /// Closes the namespace handle (and stops the background task).
    pub async fn close(&self) -> Result<(), GraphError> {
        let _ = store_lease(self.inner.db.bucket(), &self.holder(), None, 0).await;
        Ok(self.inner.db.close().await?)
    }

    fn holder(&self) -> String {
        self.inner.db.writer_id().to_string()
    }
}

impl StoreInner {
    /// The oldest point any reader in any process may read: the minimum over live leases, this
    /// handle's open snapshots and the current state.
    pub(crate) async fn read_horizon(&self) -> Result<ReadHorizon, GraphError> {
        let manifest = self.db.manifest();
        let mut horizon =
            ReadHorizon { lsn: self.db.visible_lsn().get(), manifest_version: manifest.version };
        if let Some(own) = self.snapshots.horizon() {
            horizon = horizon.min(own);
        }
        let (live, _) = read_leases(self.db.bucket(), self.db.options().clock.now_millis()).await?;
        for lease in live {
            horizon = horizon.min(lease);
        }
        Ok(horizon)
    }

    async fn renew_lease(&self) -> Result<(), GraphError> {
        let expires =
            self.db.options().clock.now_millis() + self.options.lease_ttl.as_millis() as u64;
        let holder = self.db.writer_id().to_string();
        store_lease(self.db.bucket(), &holder, self.snapshots.horizon(), expires).await
    }

    /// One round of background work; each kind of work runs when it is due.
    async fn maintain(&self, due: &mut Schedule) -> Result<(), GraphError> {
        let now = self.db.options().clock.now_millis();
        let elapsed =
            |since: u64, every: Duration| now.saturating_sub(since) >= every.as_millis() as u64;
        let state_bytes = self.db.snapshot().state().active_bytes();
        let interval_due = elapsed(due.flush, self.options.flush_interval);
        if state_bytes >= self.options.flush_threshold_bytes || (interval_due && state_bytes > 0) {
            self.flush().await?;
            due.flush = now;
        }
        while self.compact_once().await?.is_some() {}
        if elapsed(due.lease, self.options.lease_ttl / 3) {
            self.renew_lease().await?;
            due.lease = now;
        }
        if elapsed(due.gc, self.options.gc_interval) {
            self.collect_garbage(false).await?;
            due.gc = now;
        }
        Ok(())
    }
}

/// When each kind of background work last ran (ms since the epoch).
#[derive(Debug, Default)]
struct Schedule {
    flush: u64,
    lease: u64,
    gc: u64,
}

/// The background task: runs until the store is dropped or its handle closed.
async fn background(store: Weak<StoreInner>) {
    let mut schedule = Schedule::default();
    loop {
        let Some(inner) = store.upgrade() else { return };
        let interval = inner.options.maintenance_interval;
        if let Err(error) = inner.maintain(&mut schedule).await {
            if matches!(error, GraphError::Storage(namidb_storage::StorageError::Closed { .. })) {
                return;
            }
            tracing::warn!(%error, "background maintenance failed; will retry");
        }
        let clock = Arc::clone(&inner.db.options().clock);
        drop(inner);
        clock.sleep(interval).await;
    }
}
