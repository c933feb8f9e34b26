//! Optimistic read-write transactions.
//!
//! A [`Transaction`] reads from a snapshot, sees its own uncommitted writes, and records what it
//! read as preconditions. At commit, the committer checks them against the newest state (after
//! catching up with every other writer); if another commit changed anything the transaction read,
//! nothing is applied and [`crate::StorageError::Conflict`] is returned, so the caller can run the
//! transaction again on a fresh snapshot. [`crate::Db::run_transaction`] does that loop.
//! This is what keeps read-modify-write correct across processes.

use bytes::Bytes;

use crate::snapshot::prefix_end;
use crate::{CommitInfo, Db, Precondition, Snapshot, StorageError, WriteBatch};

/// A read-write transaction.
#[derive(Debug)]
pub struct Transaction {
    db: Db,
    snapshot: Snapshot,
    batch: WriteBatch,
}

impl Transaction {
    pub(crate) fn new(db: Db, snapshot: Snapshot) -> Transaction {
        Transaction { db, snapshot, batch: WriteBatch::new() }
    }

    /// The snapshot reads come from.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Reads `key`, seeing this transaction's own writes first.
    pub async fn get(&mut self, key: &[u8]) -> Result<Option<Bytes>, StorageError> {
        if let Some(own) = self.batch.lookup(key) {
            return Ok(own.cloned());
        }
        self.batch.require(Precondition::KeyUnchanged {
            key: Bytes::copy_from_slice(key),
            since: self.snapshot.lsn(),
        });
        self.snapshot.get(key).await
    }

    /// Reads every live key with `prefix`, merged with this transaction's own writes.
    pub async fn scan_prefix(
        &mut self,
        prefix: &[u8],
    ) -> Result<Vec<(Bytes, Bytes)>, StorageError> {
        let end = prefix_end(prefix);
        self.batch.require(Precondition::RangeUnchanged {
            start: Bytes::copy_from_slice(prefix),
            end: end.map(Bytes::from),
            since: self.snapshot.lsn(),
        });
        let mut merged: std::collections::BTreeMap<Bytes, Option<Bytes>> = self
            .snapshot
            .scan_prefix(prefix)
            .await?
            .into_iter()
            .map(|(k, v)| (k, Some(v)))
            .collect();
        for op in self.batch.ops() {
            if op.key().starts_with(prefix) {
                merged.insert(op.key().clone(), op.value().cloned());
            }
        }
        Ok(merged.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect())
    }

    /// Writes `key`.
    pub fn put(&mut self, key: impl Into<Bytes>, value: impl Into<Bytes>) {
        self.batch.put(key, value);
    }

    /// Deletes `key`.
    pub fn delete(&mut self, key: impl Into<Bytes>) {
        self.batch.delete(key);
    }

    /// Commits the writes if nothing read has changed; see the module docs.
    pub async fn commit(self) -> Result<CommitInfo, StorageError> {
        if self.batch.is_empty() {
            return Ok(CommitInfo { lsn: self.snapshot.lsn(), batches_in_group: 0, epoch: None });
        }
        self.db.commit_batch(self.batch).await
    }
}
