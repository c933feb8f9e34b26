//! [`GraphBatch`]: node and relationship writes, committed atomically as one storage batch.
//!
//! A node is one key (`N` + id) whose value is its record; a relationship is two keys, the
//! forward key holding its properties and the reverse key (empty) that lets an expand by target
//! run as a range scan. Deletes are tombstones on the same keys.

use namidb_storage::WriteBatch;

use crate::error::GraphError;
use crate::keys::{forward_key, node_key, reverse_key};
use crate::model::{NodeId, NodeRecord, Properties, RelKey};
use crate::record_codec::{encode_node, encode_properties};

/// Writes to commit together.
#[derive(Debug, Default)]
pub struct GraphBatch {
    batch: WriteBatch,
}

impl GraphBatch {
    /// An empty batch.
    pub fn new() -> GraphBatch {
        GraphBatch::default()
    }

    /// Creates or replaces node `id` (labels are sorted and deduplicated).
    pub fn put_node(&mut self, id: NodeId, record: &NodeRecord) -> &mut Self {
        let mut normalized = record.clone();
        normalized.labels.sort();
        normalized.labels.dedup();
        self.batch.put(node_key(id), encode_node(&normalized));
        self
    }

    /// Deletes node `id` (its relationships are the caller's to delete).
    pub fn delete_node(&mut self, id: NodeId) -> &mut Self {
        self.batch.delete(node_key(id));
        self
    }

    /// Creates or replaces relationship `rel` with `properties`.
    pub fn put_relationship(
        &mut self,
        rel: &RelKey,
        properties: &Properties,
    ) -> Result<&mut Self, GraphError> {
        self.batch.put(forward_key(rel)?, encode_properties(properties));
        self.batch.put(reverse_key(rel)?, Vec::new());
        Ok(self)
    }

    /// Deletes relationship `rel`.
    pub fn delete_relationship(&mut self, rel: &RelKey) -> Result<&mut Self, GraphError> {
        self.batch.delete(forward_key(rel)?);
        self.batch.delete(reverse_key(rel)?);
        Ok(self)
    }

    /// Whether it holds no writes.
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// The storage batch.
    pub fn into_write_batch(self) -> WriteBatch {
        self.batch
    }
}
