//! Value indexes of the memtables for property lookups, kept per memtable and property and
//! extended by the versions committed since, instead of rebuilt by every statement.
//!
//! A memtable only gains versions, so its index of a property can hold the (value hash, node
//! id) pair of every node version it holds up to some LSN; a lookup at a later snapshot first
//! adds the versions above that LSN (a walk over the memtable's node keys that reads only the
//! one property of each new version). Superseded versions stay in the index: a lookup confirms
//! every candidate with a point read at its own snapshot, so they drop out there, as candidates
//! from versions newer than an older snapshot do.

use std::sync::{Arc, Weak};

use namidb_core::Lsn;
use namidb_storage::Memtable;

use super::property_lookup::{HashIndex, IndexKey};
use super::StoreInner;
use crate::error::GraphError;
use crate::keys::{parse_node_key, NODE_PREFIX};
use crate::record_codec::node_property_of;

/// The value index of one property over one memtable.
struct MemtableIndex {
    /// Held weakly: a flushed memtable is let go.
    memtable: Weak<Memtable>,
    property: String,
    /// Every version at or below this LSN is in the index.
    through: Lsn,
    index: Arc<HashIndex>,
}

/// The memtable value indexes of one store handle.
#[derive(Default)]
pub(crate) struct MemtableIndexes(Vec<MemtableIndex>);

impl StoreInner {
    /// The index of `property` over `memtable`, holding at least every node version at or
    /// below `at` (a snapshot's LSN: every version up to it is in the memtable already).
    pub(crate) fn memtable_index(
        &self,
        memtable: &Arc<Memtable>,
        property: &str,
        at: Lsn,
    ) -> Result<Arc<HashIndex>, GraphError> {
        let mut indexes = self.memtable_indexes.lock();
        indexes.0.retain(|i| i.memtable.strong_count() > 0);
        let found = indexes.0.iter().position(|i| {
            std::ptr::eq(i.memtable.as_ptr(), Arc::as_ptr(memtable)) && i.property == property
        });
        let previous = match found {
            Some(at_index) if indexes.0[at_index].through >= at => {
                return Ok(indexes.0[at_index].index.clone())
            }
            Some(at_index) => Some(indexes.0.remove(at_index)),
            None => None,
        };
        let since = previous.as_ref().map(|p| p.through);
        let mut pairs = previous.map(|p| p.index.pairs().to_vec()).unwrap_or_default();
        let end = [NODE_PREFIX + 1];
        for version in memtable.versions_in(&[NODE_PREFIX], Some(&end), Lsn(u64::MAX)) {
            if since.is_some_and(|since| version.lsn <= since) {
                continue;
            }
            let (Some(id), Some(value)) = (parse_node_key(&version.key), version.value) else {
                continue;
            };
            let value = node_property_of(&value, property).map_err(GraphError::CorruptRecord)?;
            if let Some(key) = value.as_ref().and_then(IndexKey::of_stored) {
                pairs.push((key.stable_hash(), id.0));
            }
        }
        let index = Arc::new(HashIndex::from_pairs(pairs));
        indexes.0.push(MemtableIndex {
            memtable: Arc::downgrade(memtable),
            property: property.to_owned(),
            through: since.map_or(at, |since| since.max(at)),
            index: index.clone(),
        });
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use namidb_storage::DbOptions;

    use crate::model::{NodeId, NodeRecord, PropertyValue};
    use crate::store::property_lookup::IndexKey;
    use crate::store::{GraphBatch, GraphStore, LsmOptions};

    fn person(id: i64) -> NodeRecord {
        let properties = [("id".to_owned(), PropertyValue::Int(id))].into();
        NodeRecord { labels: vec!["Person".into()], properties }
    }

    async fn ids(store: &GraphStore, key: i64) -> Vec<u64> {
        let snapshot = store.snapshot();
        let lookup = snapshot.property_lookup(&["Person".into()], "id").await.expect("lookup");
        let found = snapshot.probe_property(&lookup, &IndexKey::Int(key)).await.expect("probe");
        found.into_iter().map(|id| id.0).collect()
    }

    #[tokio::test]
    async fn a_memtable_index_is_kept_and_extended_by_later_commits() {
        let options = LsmOptions { background: false, ..LsmOptions::default() };
        let store = GraphStore::open("memory://memtable-index?ns=n", DbOptions::default(), options)
            .await
            .expect("opens");
        let mut batch = GraphBatch::new();
        for id in 0..100 {
            batch.put_node(NodeId(id), &person(id as i64));
        }
        store.commit(batch).await.expect("commits");
        assert_eq!(ids(&store, 7).await, [7]);
        let index = |store: &GraphStore| {
            let state = store.inner.db.snapshot();
            let memtable = state.state().memtables().next().expect("a memtable").clone();
            store.inner.memtable_index(&memtable, "id", state.lsn()).expect("index")
        };
        let first = index(&store);
        assert!(Arc::ptr_eq(&first, &index(&store)), "no commit since: the same index");
        // Node 7 takes key 1000, node 8 is deleted, node 100 is new with key 7.
        let mut batch = GraphBatch::new();
        batch.put_node(NodeId(7), &person(1000));
        batch.delete_node(NodeId(8));
        batch.put_node(NodeId(100), &person(7));
        store.commit(batch).await.expect("commits");
        assert_eq!(ids(&store, 7).await, [100]);
        assert_eq!(ids(&store, 1000).await, [7]);
        assert!(ids(&store, 8).await.is_empty());
        assert_eq!(ids(&store, 9).await, [9]);
        let extended = index(&store);
        assert!(!Arc::ptr_eq(&first, &extended));
        assert_eq!(extended.pairs().len(), 102, "superseded versions stay, tombstones add none");
    }
}
