//! [`ReadState`]: what a snapshot reads — one manifest version and the memtables above it.
//!
//! The committer owns the state and replaces it as a whole (never edits it in place), so a
//! snapshot that holds an `Arc<ReadState>` keeps a consistent pair: the SSTs its manifest names
//! plus the memtables holding everything committed after them. A flush freezes the active memtable
//! (new writes go to a fresh one); once the manifest naming the flushed SSTs is installed, the
//! frozen memtables it covers leave the state, while snapshots taken earlier keep them alive.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use namidb_core::Lsn;

use crate::manifest::Manifest;
use crate::memtable::Memtable;

/// A manifest version and the memtables that complete it.
#[derive(Debug, Clone)]
pub struct ReadState {
    manifest: Arc<Manifest>,
    /// Receives new commits.
    active: Arc<Memtable>,
    /// Frozen memtables awaiting flush, newest first.
    frozen: Vec<Arc<Memtable>>,
}

/// Memtables frozen for a flush, oldest first, with the highest LSN they hold.
#[derive(Debug, Clone)]
pub struct FrozenMemtables {
    /// The memtables, oldest first.
    pub memtables: Vec<Arc<Memtable>>,
    /// Every commit up to this LSN is in them or already flushed.
    pub last_lsn: Lsn,
}

impl ReadState {
    /// A state with one empty memtable.
    pub(crate) fn new(manifest: Arc<Manifest>) -> ReadState {
        ReadState { manifest, active: Arc::new(Memtable::new()), frozen: Vec::new() }
    }

    /// The manifest version.
    pub fn manifest(&self) -> &Arc<Manifest> {
        &self.manifest
    }

    /// The memtable that receives commits.
    pub(crate) fn active(&self) -> &Arc<Memtable> {
        &self.active
    }

    /// Every memtable, newest first.
    pub fn memtables(&self) -> impl Iterator<Item = &Arc<Memtable>> {
        std::iter::once(&self.active).chain(self.frozen.iter())
    }

    /// The same memtables over another manifest version.
    pub(crate) fn with_manifest(&self, manifest: Arc<Manifest>) -> ReadState {
        ReadState { manifest, ..self.clone() }
    }

    /// Freezes the active memtable (if it holds anything) and returns every frozen one.
    pub(crate) fn freeze(&self) -> (ReadState, Option<FrozenMemtables>) {
        let mut next = self.clone();
        if !self.active.is_empty() {
            next.frozen.insert(0, Arc::clone(&self.active));
            next.active = Arc::new(Memtable::new());
        }
        let Some(newest) = next.frozen.first() else {
            return (next, None);
        };
        let last_lsn = newest.max_lsn();
        let memtables = next.frozen.iter().rev().cloned().collect();
        (next, Some(FrozenMemtables { memtables, last_lsn }))
    }

    /// Drops the memtables whose every version is at or below `flushed` (they are in SSTs now).
    pub(crate) fn without_flushed(&self, flushed: Lsn) -> ReadState {
        let mut next = self.clone();
        next.frozen.retain(|memtable| memtable.max_lsn() > flushed);
        if !next.active.is_empty() && next.active.max_lsn() <= flushed {
            next.active = Arc::new(Memtable::new());
        }
        next
    }

    /// The newest memtable version of `key` at or below `at`: `None` if no memtable has one,
    /// `Some(None)` for a tombstone.
    pub fn memtable_get(&self, key: &[u8], at: Lsn) -> Option<Option<Bytes>> {
        // Memtables partition the LSNs, newest first: the first hit is the newest version.
        self.memtables().find_map(|memtable| memtable.get(key, at))
    }

    /// The newest memtable version at or below `at` of every key in `start..end`, tombstones
    /// included, in key order.
    pub fn memtable_scan(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        at: Lsn,
    ) -> Vec<(Bytes, Option<Bytes>)> {
        if self.frozen.is_empty() {
            return self.active.scan(start, end, at);
        }
        let mut merged: BTreeMap<Bytes, Option<Bytes>> = BTreeMap::new();
        // Oldest first, so newer memtables overwrite.
        for memtable in self.memtables().collect::<Vec<_>>().into_iter().rev() {
            merged.extend(memtable.scan(start, end, at));
        }
        merged.into_iter().collect()
    }

    /// The smallest key in `start..end` that any memtable has a version of.
    pub fn first_key_in(&self, start: &[u8], end: Option<&[u8]>) -> Option<Bytes> {
        self.memtables().filter_map(|memtable| memtable.first_key(start, end)).min()
    }

    /// Approximate bytes held by the memtable receiving commits.
    pub fn active_bytes(&self) -> usize {
        self.active.approx_bytes()
    }

    /// The LSN of the newest memtable version of `key`.
    pub(crate) fn latest_lsn(&self, key: &[u8]) -> Option<Lsn> {
        self.memtables().find_map(|memtable| memtable.latest_lsn(key))
    }

    /// Whether any memtable has a version in `start..end` above `since`.
    pub(crate) fn changed_since(&self, start: &[u8], end: Option<&[u8]>, since: Lsn) -> bool {
        self.memtables().any(|memtable| memtable.changed_since(start, end, since))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WriteOp;
    use namidb_core::NamespaceName;

    fn put(key: &str, value: &str) -> WriteOp {
        WriteOp::Put { key: Bytes::from(key.to_owned()), value: Bytes::from(value.to_owned()) }
    }

    #[test]
    fn frozen_memtables_stay_readable_until_flushed() {
        let namespace = NamespaceName::new("t").unwrap();
        let state = ReadState::new(Arc::new(Manifest::initial(&namespace, 0)));
        state.active().apply(Lsn(1), &[put("a", "1"), put("b", "1")]);
        let (state, frozen) = state.freeze();
        let frozen = frozen.unwrap();
        assert_eq!(frozen.last_lsn, Lsn(1));
        state.active().apply(Lsn(2), &[put("a", "2")]);
        assert_eq!(state.memtable_get(b"a", Lsn(2)), Some(Some(Bytes::from("2"))));
        assert_eq!(state.memtable_get(b"a", Lsn(1)), Some(Some(Bytes::from("1"))));
        let scan = state.memtable_scan(b"", None, Lsn(2));
        assert_eq!(scan.len(), 2);
        assert_eq!(scan[0].1, Some(Bytes::from("2")));
        let flushed = state.without_flushed(Lsn(1));
        assert_eq!(flushed.memtables().count(), 1);
        assert_eq!(flushed.memtable_get(b"b", Lsn(2)), None);
        assert_eq!(state.memtable_get(b"b", Lsn(2)), Some(Some(Bytes::from("1"))));
    }
}
