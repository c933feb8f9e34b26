//! Snapshot leases: how garbage collection and compaction in any process learn which manifest
//! versions and LSNs open snapshots still read.
//!
//! Each store handle registers its open snapshots in a [`SnapshotRegistry`]. While it has any,
//! it keeps a lease object `leases/<holder>.json` naming the oldest snapshot's LSN and manifest
//! version and an expiry; [`super::GraphStore::renew_lease`] rewrites it (the store's background
//! task does so every third of the lease's time to live) and deletes it when no snapshot is open.
//! A lease that expired is ignored: a process that stopped renewing is gone or partitioned, and
//! its snapshots may fail with "object not found", never read wrong data.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use namidb_objstore::{Bucket, ObjectStoreError};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::error::GraphError;

/// Prefix of lease objects.
pub const LEASE_PREFIX: &str = "leases/";
const LEASE_FORMAT: &str = "namidb.lease";

/// A lease as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// Always `namidb.lease`.
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// The holder (a store handle's writer id).
    pub holder: String,
    /// The oldest LSN an open snapshot of the holder reads.
    pub min_lsn: u64,
    /// The oldest manifest version an open snapshot of the holder reads.
    pub min_manifest_version: u64,
    /// When the lease lapses unless renewed (ms since the epoch).
    pub expires_at_millis: u64,
}

/// The oldest point any open snapshot reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadHorizon {
    /// Oldest snapshot LSN.
    pub lsn: u64,
    /// Oldest manifest version.
    pub manifest_version: u64,
}

impl ReadHorizon {
    /// The older of two horizons, field by field.
    pub fn min(self, other: ReadHorizon) -> ReadHorizon {
        ReadHorizon {
            lsn: self.lsn.min(other.lsn),
            manifest_version: self.manifest_version.min(other.manifest_version),
        }
    }
}

/// The open snapshots of one store handle.
#[derive(Debug, Default)]
pub(crate) struct SnapshotRegistry {
    open: Mutex<BTreeMap<(u64, u64), usize>>,
}

/// Keeps a snapshot registered while it lives.
#[derive(Debug)]
pub(crate) struct SnapshotGuard {
    registry: Arc<SnapshotRegistry>,
    key: (u64, u64),
}

impl Drop for SnapshotGuard {
    fn drop(&mut self) {
        let mut open = self.registry.open.lock();
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl SnapshotRegistry {
    /// Registers a snapshot at `lsn` on manifest `manifest_version`.
    pub(crate) fn register(self: &Arc<Self>, lsn: u64, manifest_version: u64) -> SnapshotGuard {
        *self.open.lock().entry((lsn, manifest_version)).or_insert(0) += 1;
        SnapshotGuard { registry: Arc::clone(self), key: (lsn, manifest_version) }
    }

    /// The oldest point an open snapshot reads, if any is open.
    pub(crate) fn horizon(&self) -> Option<ReadHorizon> {
        let open = self.open.lock();
        let lsn = open.keys().map(|(lsn, _)| *lsn).min()?;
        let manifest_version = open.keys().map(|(_, v)| *v).min()?;
        Some(ReadHorizon { lsn, manifest_version })
    }
}

fn lease_key(holder: &str) -> String {
    format!("{LEASE_PREFIX}{holder}.json")
}

/// Writes (or, with no horizon, deletes) the lease of `holder`.
pub(crate) async fn store_lease(
    bucket: &Bucket,
    holder: &str,
    horizon: Option<ReadHorizon>,
    expires_at_millis: u64,
) -> Result<(), GraphError> {
    let key = lease_key(holder);
    match horizon {
        Some(horizon) => {
            let lease = Lease {
                format: LEASE_FORMAT.to_owned(),
                version: 1,
                holder: holder.to_owned(),
                min_lsn: horizon.lsn,
                min_manifest_version: horizon.manifest_version,
                expires_at_millis,
            };
            let bytes = serde_json::to_vec(&lease)
                .map_err(|e| GraphError::InvalidInput(format!("lease: {e}")))?;
            bucket.put(&key, Bytes::from(bytes)).await?;
        }
        None => match bucket.delete(&key).await {
            Ok(()) | Err(ObjectStoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        },
    }
    Ok(())
}

/// Every lease in the bucket: the live ones, and the keys of those expired before `now_millis`.
/// An unreadable lease counts as live and holding everything (it is never ignored silently).
pub(crate) async fn read_leases(
    bucket: &Bucket,
    now_millis: u64,
) -> Result<(Vec<ReadHorizon>, Vec<String>), GraphError> {
    let mut live = Vec::new();
    let mut expired = Vec::new();
    for object in bucket.list(LEASE_PREFIX).await? {
        let bytes = match bucket.get(&object.key).await {
            Ok(found) => found.bytes,
            Err(ObjectStoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        match serde_json::from_slice::<Lease>(&bytes) {
            Ok(lease) if lease.format == LEASE_FORMAT => {
                if lease.expires_at_millis < now_millis {
                    expired.push(object.key);
                } else {
                    live.push(ReadHorizon {
                        lsn: lease.min_lsn,
                        manifest_version: lease.min_manifest_version,
                    });
                }
            }
            _ => live.push(ReadHorizon { lsn: 0, manifest_version: 0 }),
        }
    }
    Ok((live, expired))
}
