//! Snapshots: consistent reads at one LSN.

use std::sync::Arc;

use bytes::Bytes;
use namidb_core::Lsn;

use crate::manifest::Manifest;
use crate::read_state::ReadState;
use crate::StorageError;

/// A consistent view of a namespace at one LSN: a manifest version (its SSTs) and the memtables
/// above it. Cheap to clone; never changes.
///
/// The key-value reads here see the memtables only. SSTs hold graph data in formats this crate
/// does not read, so on a namespace that has SSTs they return an error; the graph store reads
/// such namespaces, merging [`Snapshot::state`] with its SSTs.
#[derive(Debug, Clone)]
pub struct Snapshot {
    state: Arc<ReadState>,
    lsn: Lsn,
}

impl Snapshot {
    pub(crate) fn new(state: Arc<ReadState>, lsn: Lsn) -> Snapshot {
        Snapshot { state, lsn }
    }

    /// The LSN this snapshot reads at: it sees exactly the batches `1..=lsn`.
    pub fn lsn(&self) -> Lsn {
        self.lsn
    }

    /// The manifest version it reads.
    pub fn manifest(&self) -> &Arc<Manifest> {
        self.state.manifest()
    }

    /// The manifest and memtables it reads.
    pub fn state(&self) -> &ReadState {
        &self.state
    }

    /// The value of `key`, or `None` if it is absent or deleted.
    pub async fn get(&self, key: &[u8]) -> Result<Option<Bytes>, StorageError> {
        self.memtables_only()?;
        Ok(self.state.memtable_get(key, self.lsn).flatten())
    }

    fn memtables_only(&self) -> Result<(), StorageError> {
        if self.manifest().flushed_lsn > 0 {
            return Err(StorageError::Internal(
                "this namespace has SSTs; read it through the graph store".to_owned(),
            ));
        }
        Ok(())
    }

    /// Live keys and values in `start..end` (`end` `None` for unbounded), in key order.
    pub async fn scan(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<(Bytes, Bytes)>, StorageError> {
        self.memtables_only()?;
        Ok(self
            .state
            .memtable_scan(start, end, self.lsn)
            .into_iter()
            .filter_map(|(key, value)| value.map(|value| (key, value)))
            .collect())
    }

    /// Live keys and values whose key starts with `prefix`.
    pub async fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<(Bytes, Bytes)>, StorageError> {
        let end = prefix_end(prefix);
        self.scan(prefix, end.as_deref()).await
    }
}

/// The smallest key greater than every key starting with `prefix` (`None` if there is none).
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_increments_the_last_byte() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 255]), Some(vec![2]));
        assert_eq!(prefix_end(&[255, 255]), None);
        assert_eq!(prefix_end(b""), None);
    }
}
