//! [`SstCache`]: decoded SST pieces shared by every snapshot of a store, under one memory budget.
//!
//! It holds what reads fetch from immutable SST objects: node SST metadata, bloom filters and
//! decoded row groups, per-property value indexes; edge SST footers, adjacency blocks and
//! property blocks. SST objects never change, so entries never go stale; they leave only when
//! the budget needs room (least recently used first, in one batch down to 7/8 of the budget).
//! Hits and misses are counted per kind.

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use rustc_hash::FxHashMap;

use crate::error::GraphError;

/// What a cache entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheKind {
    /// A node SST's Parquet metadata.
    NodeMetadata,
    /// A node SST row group's bloom filter on `_id` (no `column`) or on the property `column`.
    NodeBloom,
    /// A node SST row group, decoded.
    NodeRows,
    /// The rows of a node SST row group's pages that a point lookup read, decoded.
    NodePages,
    /// An edge SST's footer.
    EdgeFooter,
    /// An edge SST adjacency block, decoded.
    EdgeAdjacency,
    /// An edge SST property block, split into cells.
    EdgeProperties,
    /// A node SST row group's value index of one property (for equality lookups).
    NodeValueIndex,
}

const KINDS: [CacheKind; 8] = [
    CacheKind::NodeMetadata,
    CacheKind::NodeBloom,
    CacheKind::NodeRows,
    CacheKind::NodePages,
    CacheKind::EdgeFooter,
    CacheKind::EdgeAdjacency,
    CacheKind::EdgeProperties,
    CacheKind::NodeValueIndex,
];

/// Identifies a cached piece: the object, what it is, and where in the object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The SST object key.
    pub object: Arc<str>,
    /// What the entry holds.
    pub kind: CacheKind,
    /// Which piece (row group, block offset; 0 for whole-object metadata).
    pub index: u64,
    /// The property a per-property entry is about.
    pub column: Option<Arc<str>>,
}

/// Hit and miss counts of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that had to load.
    pub misses: u64,
}

/// A snapshot of the cache's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Counters per kind.
    pub kinds: BTreeMap<CacheKind, KindStats>,
    /// Bytes held.
    pub bytes: usize,
    /// Entries held.
    pub entries: usize,
    /// The budget.
    pub budget: usize,
}

impl CacheStats {
    /// Hits over every kind.
    pub fn hits(&self) -> u64 {
        self.kinds.values().map(|k| k.hits).sum()
    }

    /// Misses over every kind.
    pub fn misses(&self) -> u64 {
        self.kinds.values().map(|k| k.misses).sum()
    }
}

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    size: usize,
    tick: u64,
}

#[derive(Default)]
struct State {
    /// Entries with the tick of their last use: a hit only stamps its entry.
    map: FxHashMap<CacheKey, Entry>,
    bytes: usize,
    tick: u64,
}

impl State {
    /// Evicts the least recently used entries, down to 7/8 of `budget` once it is passed: one
    /// pass over the entries frees room for many inserts.
    fn evict(&mut self, budget: usize) {
        if self.bytes <= budget {
            return;
        }
        let mut by_age: Vec<(u64, usize)> = self.map.values().map(|e| (e.tick, e.size)).collect();
        by_age.sort_unstable();
        let mut freed = 0;
        let mut oldest_kept = u64::MAX;
        for (tick, size) in by_age {
            if self.bytes - freed <= budget - budget / 8 {
                oldest_kept = tick;
                break;
            }
            freed += size;
        }
        self.map.retain(|_, e| e.tick >= oldest_kept);
        self.bytes = self.map.values().map(|e| e.size).sum();
    }
}

/// A memory-bounded cache of decoded SST pieces.
pub struct SstCache {
    budget: usize,
    state: Mutex<State>,
    hits: [AtomicU64; KINDS.len()],
    misses: [AtomicU64; KINDS.len()],
}

impl std::fmt::Debug for SstCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SstCache").field("budget", &self.budget).finish()
    }
}

fn slot(kind: CacheKind) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(0)
}

impl SstCache {
    /// A cache holding at most `budget` bytes.
    pub fn new(budget: usize) -> SstCache {
        SstCache {
            budget,
            state: Mutex::new(State::default()),
            hits: Default::default(),
            misses: Default::default(),
        }
    }

    fn lookup<T: Any + Send + Sync>(&self, key: &CacheKey) -> Option<Arc<T>> {
        let mut state = self.state.lock();
        state.tick += 1;
        let tick = state.tick;
        let entry = state.map.get_mut(key)?;
        entry.tick = tick;
        Arc::clone(&entry.value).downcast::<T>().ok()
    }

    fn insert<T: Any + Send + Sync>(&self, key: CacheKey, value: Arc<T>, size: usize) {
        if size > self.budget {
            return;
        }
        let mut state = self.state.lock();
        state.tick += 1;
        let tick = state.tick;
        if let Some(old) = state.map.insert(key, Entry { value, size, tick }) {
            state.bytes -= old.size;
        }
        state.bytes += size;
        state.evict(self.budget);
    }

    /// The entry for `key`, loading (and caching) it with `load` on a miss. `load` returns the
    /// value and its approximate size in bytes.
    pub async fn get_or_load<T, F, Fut>(&self, key: CacheKey, load: F) -> Result<Arc<T>, GraphError>
    where
        T: Any + Send + Sync,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, usize), GraphError>>,
    {
        if let Some(value) = self.lookup::<T>(&key) {
            self.hits[slot(key.kind)].fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        self.misses[slot(key.kind)].fetch_add(1, Ordering::Relaxed);
        let (value, size) = load().await?;
        let value = Arc::new(value);
        self.insert(key, Arc::clone(&value), size);
        Ok(value)
    }

    /// The entry for `key` if it is cached (counted as a hit; a miss is not counted, since
    /// nothing is loaded).
    pub fn peek<T: Any + Send + Sync>(&self, key: &CacheKey) -> Option<Arc<T>> {
        let value = self.lookup::<T>(key)?;
        self.hits[slot(key.kind)].fetch_add(1, Ordering::Relaxed);
        Some(value)
    }

    /// Drops every entry of `object` (after garbage collection deleted it).
    pub fn forget_object(&self, object: &str) {
        let mut state = self.state.lock();
        state.map.retain(|k, _| &*k.object != object);
        state.bytes = state.map.values().map(|e| e.size).sum();
    }

    /// Drops every entry.
    pub fn clear(&self) {
        *self.state.lock() = State::default();
    }

    /// The counters.
    pub fn stats(&self) -> CacheStats {
        let state = self.state.lock();
        CacheStats {
            kinds: KINDS
                .iter()
                .map(|&kind| {
                    let i = slot(kind);
                    let stats = KindStats {
                        hits: self.hits[i].load(Ordering::Relaxed),
                        misses: self.misses[i].load(Ordering::Relaxed),
                    };
                    (kind, stats)
                })
                .collect(),
            bytes: state.bytes,
            entries: state.map.len(),
            budget: self.budget,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u64) -> CacheKey {
        CacheKey { object: Arc::from("o"), kind: CacheKind::NodeRows, index: i, column: None }
    }

    #[tokio::test]
    async fn evicts_least_recently_used_within_budget() {
        let cache = SstCache::new(100);
        for i in 0..3 {
            cache.get_or_load(key(i), || async move { Ok((i, 40)) }).await.unwrap();
        }
        let stats = cache.stats();
        assert_eq!((stats.entries, stats.bytes), (2, 80));
        // Entry 0 was evicted; 1 and 2 are hits.
        cache.get_or_load(key(2), || async { Ok((99u64, 40)) }).await.unwrap();
        let reloaded = cache.get_or_load(key(0), || async { Ok((7u64, 40)) }).await.unwrap();
        assert_eq!(*reloaded, 7);
        let rows = cache.stats().kinds[&CacheKind::NodeRows];
        assert_eq!((rows.hits, rows.misses), (1, 4));
        cache.forget_object("o");
        assert_eq!(cache.stats().entries, 0);
    }
}
