//! The memtable: every committed version above the flushed watermark, in RAM.
//!
//! A concurrent skip list ordered by key ascending, then LSN descending, so the newest version of a
//! key at or below a snapshot LSN is the first entry at or after `(key, snapshot)`.
//! Readers never block the committer and see a consistent state at any LSN up to the visible one,
//! because a batch's versions are all inserted before the visible LSN is raised past it.

use std::cmp::Ordering;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering as AtomicOrdering};

use bytes::Bytes;
use crossbeam_skiplist::SkipMap;
use namidb_core::Lsn;

use crate::batch::WriteOp;

/// A key at one LSN. Orders by key ascending, then LSN descending.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VersionKey {
    key: Bytes,
    lsn: Lsn,
}

impl Ord for VersionKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key).then_with(|| other.lsn.cmp(&self.lsn))
    }
}

impl PartialOrd for VersionKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The in-memory versions of one namespace.
#[derive(Debug, Default)]
pub struct Memtable {
    versions: SkipMap<VersionKey, Option<Bytes>>,
    approx_bytes: AtomicUsize,
    /// The highest LSN applied (0 while empty).
    max_lsn: AtomicU64,
}

/// One stored version: a key, the LSN that wrote it, and its value (`None` for a tombstone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVersion {
    /// The key.
    pub key: Bytes,
    /// The LSN of the batch that wrote it.
    pub lsn: Lsn,
    /// The value, `None` for a delete.
    pub value: Option<Bytes>,
}

impl Memtable {
    /// An empty memtable.
    pub fn new() -> Memtable {
        Memtable::default()
    }

    /// Inserts the writes of the batch committed at `lsn`. A later write of the same key in the
    /// batch replaces an earlier one.
    pub fn apply(&self, lsn: Lsn, ops: &[WriteOp]) {
        for op in ops {
            let bytes = 32 + op.key().len() + op.value().map_or(0, Bytes::len);
            self.approx_bytes.fetch_add(bytes, AtomicOrdering::Relaxed);
            self.versions.insert(VersionKey { key: op.key().clone(), lsn }, op.value().cloned());
        }
        self.max_lsn.fetch_max(lsn.get(), AtomicOrdering::Release);
    }

    /// The highest LSN applied, `Lsn::ZERO` while empty.
    pub fn max_lsn(&self) -> Lsn {
        Lsn(self.max_lsn.load(AtomicOrdering::Acquire))
    }

    /// Every version held, by key ascending then LSN descending (what a flush writes).
    pub fn versions(&self) -> impl Iterator<Item = KeyVersion> + '_ {
        self.versions.iter().map(|entry| KeyVersion {
            key: entry.key().key.clone(),
            lsn: entry.key().lsn,
            value: entry.value().clone(),
        })
    }

    /// Every version of keys in `start..end` at or below `at`, by key then LSN descending.
    pub fn versions_in(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        at: Lsn,
    ) -> impl Iterator<Item = KeyVersion> + '_ {
        let probe = VersionKey { key: Bytes::copy_from_slice(start), lsn: Lsn(u64::MAX) };
        let end = end.map(Bytes::copy_from_slice);
        self.versions
            .range(probe..)
            .take_while(move |entry| end.as_ref().is_none_or(|end| entry.key().key < *end))
            .filter(move |entry| entry.key().lsn <= at)
            .map(|entry| KeyVersion {
                key: entry.key().key.clone(),
                lsn: entry.key().lsn,
                value: entry.value().clone(),
            })
    }

    /// The newest version of `key` at or below `at`: `None` if the memtable has none,
    /// `Some(None)` for a tombstone.
    pub fn get(&self, key: &[u8], at: Lsn) -> Option<Option<Bytes>> {
        if self.versions.is_empty() {
            return None; // no probe key to allocate
        }
        let probe = VersionKey { key: Bytes::copy_from_slice(key), lsn: at };
        let entry = self.versions.lower_bound(Bound::Included(&probe))?;
        (entry.key().key.as_ref() == key).then(|| entry.value().clone())
    }

    /// The LSN of the newest version of `key`, if any.
    pub fn latest_lsn(&self, key: &[u8]) -> Option<Lsn> {
        let probe = VersionKey { key: Bytes::copy_from_slice(key), lsn: Lsn(u64::MAX) };
        let entry = self.versions.lower_bound(Bound::Included(&probe))?;
        (entry.key().key.as_ref() == key).then(|| entry.key().lsn)
    }

    /// Whether any key in `start..end` (`end` `None` for unbounded) has a version above `since`.
    pub fn changed_since(&self, start: &[u8], end: Option<&[u8]>, since: Lsn) -> bool {
        let probe = VersionKey { key: Bytes::copy_from_slice(start), lsn: Lsn(u64::MAX) };
        for entry in self.versions.range(probe..) {
            if end.is_some_and(|end| entry.key().key.as_ref() >= end) {
                break;
            }
            if entry.key().lsn > since {
                return true;
            }
        }
        false
    }

    /// The newest version at or below `at` of every key in `start..end`, tombstones included,
    /// in key order.
    pub fn scan(&self, start: &[u8], end: Option<&[u8]>, at: Lsn) -> Vec<(Bytes, Option<Bytes>)> {
        if self.versions.is_empty() {
            return Vec::new();
        }
        self.newest_in(start, end, at).collect()
    }

    /// [`Memtable::scan`] as it goes: the newest version at or below `at` of every key in
    /// `start..end`, tombstones included, in key order.
    pub fn newest_in(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        at: Lsn,
    ) -> impl Iterator<Item = (Bytes, Option<Bytes>)> + '_ {
        let probe = VersionKey { key: Bytes::copy_from_slice(start), lsn: Lsn(u64::MAX) };
        let end = end.map(Bytes::copy_from_slice);
        let mut last_key: Option<Bytes> = None;
        self.versions
            .range(probe..)
            .take_while(move |entry| end.as_ref().is_none_or(|end| entry.key().key < *end))
            .filter_map(move |entry| {
                let version = entry.key();
                if version.lsn > at || last_key.as_ref() == Some(&version.key) {
                    return None;
                }
                last_key = Some(version.key.clone());
                Some((version.key.clone(), entry.value().clone()))
            })
    }

    /// The smallest key in `start..end` with any version, tombstones included.
    pub fn first_key(&self, start: &[u8], end: Option<&[u8]>) -> Option<Bytes> {
        let probe = VersionKey { key: Bytes::copy_from_slice(start), lsn: Lsn(u64::MAX) };
        let entry = self.versions.lower_bound(Bound::Included(&probe))?;
        let key = &entry.key().key;
        end.is_none_or(|end| key.as_ref() < end).then(|| key.clone())
    }

    /// Approximate bytes held.
    pub fn approx_bytes(&self) -> usize {
        self.approx_bytes.load(AtomicOrdering::Relaxed)
    }

    /// Number of versions held.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn put(key: &str, value: &str) -> WriteOp {
        WriteOp::Put {
            key: Bytes::copy_from_slice(key.as_bytes()),
            value: Bytes::copy_from_slice(value.as_bytes()),
        }
    }

    #[test]
    fn snapshot_reads_see_versions_at_their_lsn() {
        let memtable = Memtable::new();
        memtable.apply(Lsn(1), &[put("a", "1")]);
        memtable.apply(Lsn(3), &[put("a", "3"), put("b", "x")]);
        memtable.apply(Lsn(5), &[WriteOp::Delete { key: Bytes::from("a") }]);
        assert_eq!(memtable.get(b"a", Lsn(0)), None);
        assert_eq!(memtable.get(b"a", Lsn(2)), Some(Some(Bytes::from("1"))));
        assert_eq!(memtable.get(b"a", Lsn(4)), Some(Some(Bytes::from("3"))));
        assert_eq!(memtable.get(b"a", Lsn(5)), Some(None));
        assert_eq!(memtable.get(b"aa", Lsn(5)), None);
        assert_eq!(memtable.latest_lsn(b"b"), Some(Lsn(3)));
        assert!(memtable.changed_since(b"a", Some(b"b"), Lsn(4)));
        assert!(!memtable.changed_since(b"b", None, Lsn(3)));
        let scan = memtable.scan(b"", None, Lsn(4));
        assert_eq!(
            scan,
            vec![
                (Bytes::from("a"), Some(Bytes::from("3"))),
                (Bytes::from("b"), Some(Bytes::from("x")))
            ]
        );
    }

    #[test]
    fn later_write_in_one_batch_wins() {
        let memtable = Memtable::new();
        memtable.apply(Lsn(1), &[put("a", "1"), put("a", "2")]);
        assert_eq!(memtable.get(b"a", Lsn(1)), Some(Some(Bytes::from("2"))));
    }

    proptest! {
        #[test]
        fn matches_a_model_at_every_lsn(batches in proptest::collection::vec(proptest::collection::vec((0u8..6, proptest::option::of(0u8..50)), 1..4), 1..20)) {
            let memtable = Memtable::new();
            let mut history: Vec<BTreeMap<u8, Option<u8>>> = vec![BTreeMap::new()];
            for (i, batch) in batches.iter().enumerate() {
                let ops: Vec<WriteOp> = batch.iter().map(|(k, v)| match v {
                    Some(v) => WriteOp::Put { key: Bytes::from(vec![*k]), value: Bytes::from(vec![*v]) },
                    None => WriteOp::Delete { key: Bytes::from(vec![*k]) },
                }).collect();
                memtable.apply(Lsn(i as u64 + 1), &ops);
                let mut state = history.last().cloned().unwrap_or_default();
                for (k, v) in batch { state.insert(*k, *v); }
                history.push(state);
            }
            for (lsn, state) in history.iter().enumerate() {
                for key in 0u8..6 {
                    let expected = state.get(&key).map(|v| v.map(|v| Bytes::from(vec![v])));
                    prop_assert_eq!(memtable.get(&[key], Lsn(lsn as u64)), expected);
                }
                let scanned: Vec<(Bytes, Option<Bytes>)> = memtable.scan(&[], None, Lsn(lsn as u64));
                let modeled: Vec<(Bytes, Option<Bytes>)> = state.iter().map(|(k, v)| (Bytes::from(vec![*k]), v.map(|v| Bytes::from(vec![v])))).collect();
                prop_assert_eq!(scanned, modeled);
            }
        }
    }
}
