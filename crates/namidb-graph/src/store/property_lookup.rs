//! Equality lookups of one node property: `MATCH (n:L {key: value})` without reading every
//! node of the label.
//!
//! Each node SST gets a value index of a property on first use: the hash of every indexable
//! value with the id that holds it, sorted by hash, 16 bytes per row. It is built from that one
//! column and kept in the [`SstCache`](super::SstCache) like any decoded SST piece (SSTs never
//! change, so it never goes stale). A [`PropertyLookup`] gathers the indexes of the files a
//! snapshot can see plus an index of the memtables, once per statement; probing it yields
//! candidate ids, and each candidate is confirmed with a point read of its newest version at
//! the snapshot, so superseded versions, deletions, removed labels and hash collisions all drop
//! out there. The answer is exact.
//!
//! Only values whose equality is plain identity are indexed: strings, and integers (floats with
//! an integral value up to 2^53 count as that integer, since `1 = 1.0` in Cypher).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::cache::{CacheKey, CacheKind};
use super::snapshot::GraphSnapshot;
use crate::error::GraphError;
use crate::keys::{parse_node_key, NODE_PREFIX};
use crate::model::{NodeId, NodeRecord, PropertyValue};
use crate::node_sst::{decode_labels, NodeColumns};
use crate::record_codec::decode_node;
use namidb_storage::layout::SstKind;

/// Largest magnitude at which every integer is exactly a float.
pub const EXACT_FLOAT_INT: i64 = 1 << 53;

/// An indexable property value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IndexKey {
    /// An integer (or an integral float).
    Int(i64),
    /// A string.
    String(Arc<str>),
}

impl IndexKey {
    /// The key of a stored property value, if it is indexable.
    pub fn of_stored(value: &PropertyValue) -> Option<IndexKey> {
        match value {
            PropertyValue::Int(i) => Some(IndexKey::Int(*i)),
            PropertyValue::Float(f) => integral(*f).map(IndexKey::Int),
            PropertyValue::String(s) => Some(IndexKey::String(Arc::from(s.as_str()))),
            _ => None,
        }
    }

    /// Whether a stored value has this key (without allocating).
    pub fn matches(&self, value: &PropertyValue) -> bool {
        match (self, value) {
            (IndexKey::Int(i), PropertyValue::Int(v)) => i == v,
            (IndexKey::Int(i), PropertyValue::Float(f)) => integral(*f) == Some(*i),
            (IndexKey::String(s), PropertyValue::String(v)) => **s == **v,
            _ => false,
        }
    }

    /// A hash that is the same in every process run (the std SipHash with fixed keys).
    fn stable_hash(&self) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }
}

/// The integer an integral float stands for, within the exactly representable range.
pub fn integral(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() <= EXACT_FLOAT_INT as f64).then_some(f as i64)
}

/// (value hash, node id) pairs sorted by hash: candidates, confirmed by a point read.
#[derive(Debug, Default)]
struct HashIndex(Vec<(u64, u64)>);

impl HashIndex {
    fn from_pairs(mut pairs: Vec<(u64, u64)>) -> HashIndex {
        pairs.sort_unstable();
        pairs.dedup();
        HashIndex(pairs)
    }

    fn candidates(&self, hash: u64) -> impl Iterator<Item = u64> + '_ {
        let start = self.0.partition_point(|(h, _)| *h < hash);
        self.0[start..].iter().take_while(move |(h, _)| *h == hash).map(|(_, id)| *id)
    }

    fn memory_size(&self) -> usize {
        64 + self.0.len() * 16
    }
}

/// One statement's view for equality lookups of `property` on nodes with all of `labels`.
#[derive(Debug)]
pub struct PropertyLookup {
    labels: Vec<String>,
    property: String,
    /// The value index of every node SST the snapshot sees that may hold such nodes.
    files: Vec<Arc<HashIndex>>,
    /// The same over the memtables' node versions (tombstones are confirmed away).
    memtable: HashIndex,
}

impl PropertyLookup {
    /// The property looked up.
    pub fn property(&self) -> &str {
        &self.property
    }

    /// Whether `record` carries every label of the lookup and its property has `key`.
    pub fn matches(&self, record: &NodeRecord, key: &IndexKey) -> bool {
        self.labels.iter().all(|l| record.labels.contains(l))
            && record.properties.get(&self.property).is_some_and(|v| key.matches(v))
    }

    /// Candidate ids for `key`, unconfirmed, sorted and distinct.
    fn candidates(&self, key: &IndexKey) -> Vec<u64> {
        let hash = key.stable_hash();
        let mut ids: Vec<u64> = self
            .files
            .iter()
            .map(|f| &**f)
            .chain([&self.memtable])
            .flat_map(|index| index.candidates(hash))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

impl GraphSnapshot {
    /// Prepares equality lookups of `property` on the nodes carrying all of `labels`: loads
    /// (or finds cached) the value index of every node SST with the first label, and indexes
    /// the memtables.
    pub async fn property_lookup(
        &self,
        labels: &[String],
        property: &str,
    ) -> Result<PropertyLookup, GraphError> {
        let at = self.lsn().get();
        let first = labels.first().map(String::as_str);
        let mut files = Vec::new();
        for (object, sst) in self.ssts(SstKind::Node) {
            if sst.min_lsn > at {
                continue;
            }
            let partition = decode_labels(&sst.partition).unwrap_or_default();
            if first.is_some_and(|l| !partition.iter().any(|x| x == l)) {
                continue;
            }
            files.push(self.sst_value_index(&object, sst.size_bytes, property).await?);
        }
        let mut pairs = Vec::new();
        let start = [NODE_PREFIX];
        let end = [NODE_PREFIX + 1];
        for (key, value) in self.snapshot.state().memtable_scan(&start, Some(&end), self.lsn()) {
            let (Some(id), Some(value)) = (parse_node_key(&key), value) else { continue };
            let record = decode_node(&value).map_err(GraphError::CorruptRecord)?;
            if let Some(k) = record.properties.get(property).and_then(IndexKey::of_stored) {
                pairs.push((k.stable_hash(), id.0));
            }
        }
        Ok(PropertyLookup {
            labels: labels.to_vec(),
            property: property.to_owned(),
            files,
            memtable: HashIndex::from_pairs(pairs),
        })
    }

    /// The ids of the nodes (with all of the lookup's labels) whose property equals `key` at
    /// this snapshot, sorted.
    pub async fn probe_property(
        &self,
        lookup: &PropertyLookup,
        key: &IndexKey,
    ) -> Result<Vec<NodeId>, GraphError> {
        let mut found = Vec::new();
        for id in lookup.candidates(key) {
            let Some(record) = self.node(NodeId(id)).await? else { continue };
            if lookup.matches(&record, key) {
                found.push(NodeId(id));
            }
        }
        Ok(found)
    }

    /// The value index of `property` over one node SST, cached.
    async fn sst_value_index(
        &self,
        object: &str,
        size: u64,
        property: &str,
    ) -> Result<Arc<HashIndex>, GraphError> {
        let tables = self.tables();
        let key = CacheKey {
            object: Arc::from(object),
            kind: CacheKind::NodeValueIndex,
            index: 0,
            column: Some(Arc::from(property)),
        };
        tables
            .cache
            .get_or_load(key, || async {
                let columns = NodeColumns::Properties(vec![property.to_owned()]);
                let mut pairs = Vec::new();
                for rows in tables.node_scan(object, size, &columns).await? {
                    for version in rows.iter() {
                        let value =
                            version.record.as_ref().and_then(|r| r.properties.get(property));
                        if let Some(k) = value.and_then(IndexKey::of_stored) {
                            pairs.push((k.stable_hash(), version.id.0));
                        }
                    }
                }
                let index = HashIndex::from_pairs(pairs);
                let bytes = index.memory_size();
                Ok((index, bytes))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_floats_and_integers_share_keys_and_others_are_not_indexed() {
        assert_eq!(IndexKey::of_stored(&PropertyValue::Float(5.0)), Some(IndexKey::Int(5)));
        assert_eq!(IndexKey::of_stored(&PropertyValue::Float(5.5)), None);
        assert_eq!(IndexKey::of_stored(&PropertyValue::Bool(true)), None);
        let five = IndexKey::Int(5);
        assert!(five.matches(&PropertyValue::Int(5)) && five.matches(&PropertyValue::Float(5.0)));
        assert!(!five.matches(&PropertyValue::String("5".into())));
        assert_eq!(five.stable_hash(), IndexKey::Int(5).stable_hash());
    }

    #[test]
    fn hash_index_yields_every_id_of_a_hash() {
        let index = HashIndex::from_pairs(vec![(7, 3), (5, 1), (7, 2), (7, 3), (9, 4)]);
        assert_eq!(index.candidates(7).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(index.candidates(6).count(), 0);
        assert_eq!(index.candidates(10).count(), 0);
    }
}
