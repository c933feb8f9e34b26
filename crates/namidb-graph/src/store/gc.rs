//! Garbage collection: deleting objects no manifest version a reader may hold still names.
//!
//! Two kinds of garbage:
//! - **retired objects**, listed in the manifest's garbage list by the edit that stopped naming
//!   them (compaction inputs, WAL segments below the flushed watermark). One is deleted once no
//!   live lease (and no open snapshot of this handle) reads a manifest version older than its
//!   removal, and `gc_grace` has passed since (covering readers too new to have a lease yet);
//!   the edit that forgets them is installed after the deletes.
//! - **orphans**, objects no version ever named: outputs of a flush or compaction that failed
//!   before its edit was installed, WAL segments of a writer that lost the race. An SST is an
//!   orphan when its name's creation time is older than `orphan_grace`, which is longer than the
//!   time an edit may take to name an object (`max_install_age`, enforced by the edit itself), so
//!   no slow writer can still name it. A WAL segment is an orphan when its slot is below the
//!   manifest's `next_wal_seq`: a writer can only name a segment in a CAS on a manifest version
//!   whose `next_wal_seq` was at or below the slot, and those versions are all superseded.

use std::collections::BTreeSet;

use namidb_storage::layout::{parse_wal_segment_key, wal_segment_key, WAL_PREFIX};
use namidb_storage::ManifestEdit;

use super::outputs::sst_created_millis;
use super::StoreInner;
use crate::error::GraphError;

/// What a garbage collection did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Retired objects deleted.
    pub retired_deleted: usize,
    /// Retired objects still held back (a reader may need them, or the grace has not passed).
    pub retired_kept: usize,
    /// Orphans deleted.
    pub orphans_deleted: usize,
    /// Expired leases removed.
    pub leases_removed: usize,
}

impl StoreInner {
    /// Deletes what no reader can need any more; with `dry_run`, only counts what it would
    /// delete (the report's `*_deleted` fields then mean "would delete").
    pub(crate) async fn collect_garbage(&self, dry_run: bool) -> Result<GcReport, GraphError> {
        let _maintenance = self.maintenance.lock().await;
        let bucket = self.db.bucket();
        self.db.refresh().await?;
        let manifest = self.db.manifest();
        let now = self.db.options().clock.now_millis();
        let horizon = self.read_horizon().await?;
        let grace = self.options.gc_grace.as_millis() as u64;
        let mut report = GcReport::default();
        let mut collected = Vec::new();
        for garbage in &manifest.garbage {
            let unread = garbage.removed_in_version <= horizon.manifest_version;
            if unread && garbage.removed_at_millis.saturating_add(grace) <= now {
                if !dry_run {
                    bucket.delete(&garbage.key).await?;
                    self.cache.forget_object(&garbage.key);
                }
                collected.push(garbage.key.clone());
            } else {
                report.retired_kept += 1;
            }
        }
        report.retired_deleted = collected.len();
        if !collected.is_empty() && !dry_run {
            self.db.install(ManifestEdit { collected, ..ManifestEdit::default() }).await?;
        }
        // Orphans, judged against the manifest read above (every name it knows).
        let mut named: BTreeSet<String> = manifest.garbage.iter().map(|g| g.key.clone()).collect();
        named.extend(
            manifest
                .ssts
                .all()
                .map(|(kind, level, sst)| namidb_storage::layout::sst_key(kind, level, &sst.id)),
        );
        named.extend(manifest.wal.iter().map(|s| wal_segment_key(s.seq)));
        let orphan_grace = self.options.orphan_grace.as_millis() as u64;
        for object in bucket.list("sst/").await? {
            let id = object.key.rsplit('/').next().unwrap_or_default();
            let old = sst_created_millis(id).is_some_and(|t| t.saturating_add(orphan_grace) <= now);
            if old && !named.contains(&object.key) {
                if !dry_run {
                    bucket.delete(&object.key).await?;
                }
                report.orphans_deleted += 1;
            }
        }
        for object in bucket.list(WAL_PREFIX).await? {
            let stale =
                parse_wal_segment_key(&object.key).is_some_and(|seq| seq < manifest.next_wal_seq);
            if stale && !named.contains(&object.key) {
                if !dry_run {
                    bucket.delete(&object.key).await?;
                }
                report.orphans_deleted += 1;
            }
        }
        let (_, expired) = super::lease::read_leases(bucket, now.saturating_sub(grace)).await?;
        for key in expired {
            if !dry_run {
                bucket.delete(&key).await?;
            }
            report.leases_removed += 1;
        }
        tracing::debug!(?report, "garbage collected");
        Ok(report)
    }
}
