//! A statement's cache of the snapshot's adjacency: for a (node, relationship type, direction)
//! the statement expanded before, the relationships the snapshot holds, ready to hand out.
//!
//! The snapshot never changes, so an entry stays right for the whole statement; the
//! statement's own writes are laid over it by [`TxGraph::expand`](crate::graph::TxGraph).
//! Repeated expansions are the common case: a variable-length pattern walks the same
//! hierarchy from thousands of starts, a pattern comprehension re-reads the same
//! neighbourhoods for every row. An expansion found here costs a hash probe: no merge of
//! SSTs and memtable, no property decoding, no blocking on the runtime.
//!
//! Memory is bounded: past [`MAX_ENTRIES`] relationships the cache stops growing and further
//! expansions are read from the snapshot each time.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use namidb_value::RelRef;

/// Relationships the cache holds at most (about 100 bytes each).
pub(crate) const MAX_ENTRIES: usize = 1 << 20;

/// One expansion's relationships, each with the node at its other end.
pub(crate) type Neighbours = Arc<[(Arc<RelRef>, u64)]>;

/// See the module documentation.
#[derive(Default)]
pub(crate) struct AdjacencyCache {
    type_ids: FxHashMap<String, u32>,
    type_names: Vec<Arc<str>>,
    lists: FxHashMap<(u64, u32, bool), Neighbours>,
    entries: usize,
}

impl AdjacencyCache {
    /// The small id of relationship type `name` (assigned on first use).
    pub(crate) fn type_id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.type_ids.get(name) {
            return *id;
        }
        let id = self.type_names.len() as u32;
        self.type_names.push(Arc::from(name));
        self.type_ids.insert(name.to_owned(), id);
        id
    }

    /// The name of type `id` (shared, so relationships need not copy it).
    pub(crate) fn type_name(&self, id: u32) -> Arc<str> {
        self.type_names[id as usize].clone()
    }

    /// The cached expansion of `node` along type `type_id`, reverse or forward.
    pub(crate) fn get(&self, node: u64, type_id: u32, reverse: bool) -> Option<Neighbours> {
        self.lists.get(&(node, type_id, reverse)).cloned()
    }

    /// Keeps an expansion, unless the cache is full.
    pub(crate) fn insert(&mut self, node: u64, type_id: u32, reverse: bool, list: Neighbours) {
        if self.entries + list.len() <= MAX_ENTRIES {
            self.entries += list.len();
            self.lists.insert((node, type_id, reverse), list);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(id: u64) -> (Arc<RelRef>, u64) {
        (Arc::new(RelRef { id, rel_type: Arc::from("T"), src: 1, dst: 2 }), 2)
    }

    #[test]
    fn an_expansion_is_kept_per_node_type_and_direction() {
        let mut cache = AdjacencyCache::default();
        let t = cache.type_id("KNOWS");
        assert_eq!(cache.type_id("KNOWS"), t);
        assert_ne!(cache.type_id("LIKES"), t);
        assert_eq!(&*cache.type_name(t), "KNOWS");
        cache.insert(1, t, false, Arc::from(vec![rel(7)]));
        assert_eq!(cache.get(1, t, false).map(|l| l[0].0.id), Some(7));
        assert!(cache.get(1, t, true).is_none());
        assert!(cache.get(2, t, false).is_none());
    }

    #[test]
    fn a_full_cache_stops_growing() {
        let mut cache = AdjacencyCache::default();
        let big: Neighbours = (0..MAX_ENTRIES as u64).map(rel).collect();
        cache.insert(1, 0, false, big);
        cache.insert(2, 0, false, Arc::from(vec![rel(1)]));
        assert!(cache.get(1, 0, false).is_some());
        assert!(cache.get(2, 0, false).is_none());
    }
}
