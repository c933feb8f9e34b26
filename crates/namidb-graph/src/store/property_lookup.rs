//! Equality lookups of one node property: `MATCH (n:L {key: value})` without reading every
//! node of the label.
//!
//! A node SST row group gets a value index of a property when a lookup first needs it: the
//! hash of every indexable value with the id that holds it, sorted by hash, 16 bytes per row,
//! built from that one column chunk and kept in the [`SstCache`](super::SstCache) like any
//! decoded SST piece (SSTs never change, so it never goes stale). A row group is read only if
//! it can hold the value: the column must exist in the file and have a type that can equal it,
//! and the column's bloom filter (integer and string columns carry one per row group) must
//! admit it. So a cold lookup of a key-like value fetches the blooms and one row group's column,
//! not the whole column. A [`PropertyLookup`] holds, once per statement, the files a snapshot
//! can see (with the blooms and indexes loaded so far) and an index of each memtable (kept and
//! extended across statements: `memtable_index`); probing it yields candidate ids, and each
//! candidate is confirmed with a point read of its newest version at the snapshot, so
//! superseded versions, deletions, removed labels and hash collisions all drop out there. The
//! answer is exact.
//!
//! Only values whose equality is plain identity are indexed: strings, and integers (floats with
//! an integral value up to 2^53 count as that integer, since `1 = 1.0` in Cypher).

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use futures::{StreamExt, TryStreamExt};
use parquet::bloom_filter::Sbbf;

use super::cache::{CacheKey, CacheKind};
use super::snapshot::GraphSnapshot;
use crate::error::GraphError;
use crate::model::{NodeId, NodeRecord, PropertyValue};
use crate::node_sst::{decode_labels, ColumnKind, NodeColumns, RemoteNodeSst};
use crate::record_codec::property_of;
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

    /// Whether a column of `kind` can hold a value with this key, and whether its bloom filter
    /// (when it has one) can tell.
    fn fits(&self, kind: ColumnKind) -> Fit {
        match (self, kind) {
            (IndexKey::Int(_), ColumnKind::Int) | (IndexKey::String(_), ColumnKind::String) => {
                Fit::Bloom
            }
            (IndexKey::Int(_), ColumnKind::Float) | (_, ColumnKind::Encoded) => Fit::Read,
            _ => Fit::Never,
        }
    }

    /// Whether `bloom` (of a column this key [`Fit::Bloom`]s) may hold the key.
    fn in_bloom(&self, bloom: &Sbbf) -> bool {
        match self {
            IndexKey::Int(i) => bloom.check(i),
            IndexKey::String(s) => bloom.check(&**s),
        }
    }

    /// A hash that is the same in every process run (the std SipHash with fixed keys).
    pub(crate) fn stable_hash(&self) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }
}

/// The integer an integral float stands for, within the exactly representable range.
pub fn integral(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() <= EXACT_FLOAT_INT as f64).then_some(f as i64)
}

/// Whether a column can hold a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Its type cannot equal the key (a string among integers): nothing to read.
    Never,
    /// Same type: its bloom filter tells whether a row group may hold the key.
    Bloom,
    /// It may hold the key (floats, encoded values) and has no usable bloom: read it.
    Read,
}

/// Row groups whose loads run at once.
const LOADS_IN_FLIGHT: usize = 16;

/// (value hash, node id) pairs sorted by hash: candidates, confirmed by a point read.
#[derive(Debug, Default)]
pub(crate) struct HashIndex(Vec<(u64, u64)>);

impl HashIndex {
    pub(crate) fn from_pairs(mut pairs: Vec<(u64, u64)>) -> HashIndex {
        pairs.sort_unstable();
        pairs.dedup();
        HashIndex(pairs)
    }

    /// The pairs, sorted.
    pub(crate) fn pairs(&self) -> &[(u64, u64)] {
        &self.0
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
    /// Every node SST the snapshot sees that may hold such nodes and has the property.
    files: Vec<FileLookup>,
    /// The same over each memtable's node versions (superseded versions and tombstones are
    /// confirmed away; `memtable_index`).
    memtables: Vec<Arc<HashIndex>>,
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
}

/// One node SST of a lookup: its property column, and the blooms and value indexes of its row
/// groups loaded so far (each at most once per statement; the cache shares them across).
#[derive(Debug)]
struct FileLookup {
    sst: Arc<RemoteNodeSst>,
    leaf: usize,
    kind: ColumnKind,
    blooms: Vec<OnceLock<Arc<Option<Sbbf>>>>,
    indexes: Vec<OnceLock<Arc<HashIndex>>>,
}

impl FileLookup {
    fn new(sst: Arc<RemoteNodeSst>, leaf: usize, kind: ColumnKind) -> FileLookup {
        let row_groups = sst.row_groups();
        FileLookup {
            sst,
            leaf,
            kind,
            blooms: (0..row_groups).map(|_| OnceLock::new()).collect(),
            indexes: (0..row_groups).map(|_| OnceLock::new()).collect(),
        }
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
        let tables = self.tables();
        let covering = self.ssts(SstKind::Node).iter().filter(|file| {
            let partition = decode_labels(&file.sst.partition).unwrap_or_default();
            file.sst.min_lsn <= at && first.is_none_or(|l| partition.iter().any(|x| x == l))
        });
        let opened: Vec<Arc<RemoteNodeSst>> = futures::stream::iter(covering)
            .map(|file| tables.node_sst(&file.object, file.sst.size_bytes))
            .buffered(LOADS_IN_FLIGHT)
            .try_collect()
            .await?;
        let files = opened
            .into_iter()
            .filter_map(|sst| {
                let (leaf, kind) = sst.property_column(property)?;
                Some(FileLookup::new(sst, leaf, kind))
            })
            .collect();
        let memtables = self
            .snapshot
            .state()
            .memtables()
            .filter(|m| !m.is_empty())
            .map(|m| self.inner.memtable_index(m, property, self.lsn()))
            .collect::<Result<_, _>>()?;
        Ok(PropertyLookup {
            labels: labels.to_vec(),
            property: property.to_owned(),
            files,
            memtables,
        })
    }

    /// The ids of the nodes (with all of the lookup's labels) whose property equals `key` at
    /// this snapshot, sorted.
    pub async fn probe_property(
        &self,
        lookup: &PropertyLookup,
        key: &IndexKey,
    ) -> Result<Vec<NodeId>, GraphError> {
        let candidates = self.lookup_candidates(lookup, key).await?;
        let records: Vec<Option<Arc<NodeRecord>>> = futures::stream::iter(candidates.iter())
            .map(|&id| self.node(NodeId(id)))
            .buffered(LOADS_IN_FLIGHT)
            .try_collect()
            .await?;
        Ok(candidates
            .into_iter()
            .zip(records)
            .filter(|(_, record)| record.as_ref().is_some_and(|r| lookup.matches(r, key)))
            .map(|(id, _)| NodeId(id))
            .collect())
    }

    /// Candidate ids for `key`, unconfirmed, sorted and distinct: the memtables' and those of
    /// every row group that can hold the key (its value index loaded now if need be).
    async fn lookup_candidates(
        &self,
        lookup: &PropertyLookup,
        key: &IndexKey,
    ) -> Result<Vec<u64>, GraphError> {
        let mut read = Vec::new();
        let mut check = Vec::new();
        for file in &lookup.files {
            let fit = key.fits(file.kind);
            if fit == Fit::Never {
                continue;
            }
            for row_group in 0..file.indexes.len() {
                let loaded = file.indexes[row_group].get().is_some();
                if !loaded && fit == Fit::Bloom && file.sst.has_bloom(row_group, file.leaf) {
                    check.push((file, row_group));
                } else {
                    read.push((file, row_group));
                }
            }
        }
        let blooms: Vec<_> = futures::stream::iter(check.iter())
            .map(|&(file, row_group)| self.row_group_bloom(file, row_group, &lookup.property))
            .buffered(LOADS_IN_FLIGHT)
            .try_collect()
            .await?;
        for (target, bloom) in check.into_iter().zip(blooms) {
            if bloom.as_ref().as_ref().is_none_or(|b| key.in_bloom(b)) {
                read.push(target);
            }
        }
        let indexes: Vec<Arc<HashIndex>> = futures::stream::iter(read)
            .map(|(file, row_group)| self.row_group_value_index(file, row_group, &lookup.property))
            .buffered(LOADS_IN_FLIGHT)
            .try_collect()
            .await?;
        let hash = key.stable_hash();
        let mut ids: Vec<u64> = indexes
            .iter()
            .map(|i| &**i)
            .chain(lookup.memtables.iter().map(|i| &**i))
            .flat_map(|index| index.candidates(hash))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The bloom filter of the lookup's column in one row group of a file (cached).
    async fn row_group_bloom(
        &self,
        file: &FileLookup,
        row_group: usize,
        property: &str,
    ) -> Result<Arc<Option<Sbbf>>, GraphError> {
        if let Some(bloom) = file.blooms[row_group].get() {
            return Ok(bloom.clone());
        }
        let bloom = self.tables().bloom(&file.sst, row_group, file.leaf, Some(property)).await?;
        Ok(file.blooms[row_group].get_or_init(|| bloom).clone())
    }

    /// The value index of `property` over one row group of a file (cached).
    async fn row_group_value_index(
        &self,
        file: &FileLookup,
        row_group: usize,
        property: &str,
    ) -> Result<Arc<HashIndex>, GraphError> {
        if let Some(index) = file.indexes[row_group].get() {
            return Ok(index.clone());
        }
        let tables = self.tables();
        let key = CacheKey {
            object: file.sst.object().clone(),
            kind: CacheKind::NodeValueIndex,
            index: row_group as u64,
            column: Some(Arc::from(property)),
        };
        let index = tables
            .cache
            .get_or_load(key, || async {
                let columns = NodeColumns::Properties(vec![property.to_owned()]);
                let rows = file.sst.read(tables.bucket, &[row_group], &columns).await?;
                let mut pairs = Vec::new();
                for row in 0..rows.len() {
                    let Some((_, cell)) = rows.cell(row) else { continue };
                    let value = property_of(cell, property).map_err(GraphError::CorruptRecord)?;
                    if let Some(key) = value.as_ref().and_then(IndexKey::of_stored) {
                        pairs.push((key.stable_hash(), rows.id(row)));
                    }
                }
                let index = HashIndex::from_pairs(pairs);
                let bytes = index.memory_size();
                Ok((index, bytes))
            })
            .await?;
        Ok(file.indexes[row_group].get_or_init(|| index).clone())
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
