//! Keeping `schema/current.json` up to date: what a flush or a bulk load observed is merged into
//! the stored schema with a conditional PUT, before the manifest edit that installs the SSTs
//! names the resulting schema version.
//!
//! The object only grows (a set union), so a lost race is settled by reading the winner's
//! object and merging again, and a PUT whose response was lost is found already applied. A
//! crash between the schema PUT and the manifest edit leaves a schema naming a little more than
//! the SSTs hold, which is harmless: the schema says what *may* exist.

use bytes::Bytes;
use namidb_objstore::ObjectStoreError;
use namidb_storage::layout::SCHEMA_KEY;

use super::{GraphSnapshot, GraphStore, StoreInner};
use crate::edge_sst::EdgeVersion;
use crate::error::GraphError;
use crate::keys::{parse_rel_key, FORWARD_PREFIX, NODE_PREFIX};
use crate::node_sst::NodeVersion;
use crate::record_codec::{decode_node, decode_properties};
use crate::schema::GraphSchema;

/// How often a publish retries after losing the conditional PUT to another writer.
const PUBLISH_ATTEMPTS: usize = 32;

fn corrupt(detail: String) -> GraphError {
    GraphError::CorruptSchema { object: SCHEMA_KEY.to_owned(), detail }
}

/// What node and relationship versions show of the schema (tombstones show nothing).
pub(crate) fn observed_schema(
    nodes: &[NodeVersion],
    edges: &[EdgeVersion],
) -> Result<GraphSchema, GraphError> {
    let mut schema = GraphSchema::default();
    for record in nodes.iter().filter_map(|v| v.record.as_deref()) {
        schema.observe_node(record);
    }
    for edge in edges {
        let Some(bytes) = &edge.properties else { continue };
        let properties = decode_properties(bytes).map_err(GraphError::CorruptRecord)?;
        schema.observe_relationship(&edge.rel.rel_type, &properties);
    }
    Ok(schema)
}

impl StoreInner {
    /// The stored schema and its entity tag (`None` when the object is missing).
    async fn read_schema(
        &self,
    ) -> Result<(GraphSchema, Option<namidb_objstore::ETag>), GraphError> {
        match self.db.bucket().get(SCHEMA_KEY).await {
            Ok(object) => {
                let schema = GraphSchema::decode(&object.bytes).map_err(corrupt)?;
                let etag = object.etag.ok_or_else(|| {
                    corrupt("the object store gave no entity tag for the schema".into())
                })?;
                Ok((schema, Some(etag)))
            }
            Err(ObjectStoreError::NotFound { .. }) => Ok((GraphSchema::default(), None)),
            Err(e) => Err(e.into()),
        }
    }

    /// Merges `observed` into the stored schema; returns the version that holds it.
    pub(crate) async fn publish_schema(&self, observed: &GraphSchema) -> Result<u64, GraphError> {
        if let Some(known) = self.known_schema.lock().as_ref() {
            if !known.clone().merge(observed) {
                return Ok(known.version);
            }
        }
        for _ in 0..PUBLISH_ATTEMPTS {
            let (mut schema, etag) = self.read_schema().await?;
            if !schema.merge(observed) {
                let version = schema.version;
                *self.known_schema.lock() = Some(schema);
                return Ok(version);
            }
            schema.version += 1;
            let bytes = Bytes::from(schema.encode());
            let written = match &etag {
                Some(etag) => self.db.bucket().put_if_match(SCHEMA_KEY, bytes, etag).await,
                None => self.db.bucket().put_if_absent(SCHEMA_KEY, bytes).await,
            };
            match written {
                Ok(_) => {
                    let version = schema.version;
                    *self.known_schema.lock() = Some(schema);
                    return Ok(version);
                }
                Err(ObjectStoreError::PreconditionFailed { .. })
                | Err(ObjectStoreError::AlreadyExists { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(corrupt(format!(
            "other writers changed the schema {PUBLISH_ATTEMPTS} times while this one merged"
        )))
    }
}

impl GraphStore {
    /// The stored schema: every label, relationship type and property type that flushed or
    /// bulk-loaded data has held (one GET). Unflushed commits are not in it; see
    /// [`GraphSnapshot::schema`].
    pub async fn published_schema(&self) -> Result<GraphSchema, GraphError> {
        Ok(self.inner.read_schema().await?.0)
    }
}

impl GraphSnapshot {
    /// The stored schema merged with what the snapshot's memtables hold: every label,
    /// relationship type and property type that may exist at this snapshot (a deleted one stays
    /// listed). One GET, plus a pass over the memtables.
    pub async fn schema(&self) -> Result<GraphSchema, GraphError> {
        let (mut schema, _) = self.inner.read_schema().await?;
        let state = self.storage().state();
        let (start, end) = ([NODE_PREFIX], [NODE_PREFIX + 1]);
        for (_, value) in state.memtable_scan(&start, Some(&end), self.lsn()) {
            if let Some(bytes) = value {
                schema.observe_node(&decode_node(&bytes).map_err(GraphError::CorruptRecord)?);
            }
        }
        let (start, end) = ([FORWARD_PREFIX], [FORWARD_PREFIX + 1]);
        for (key, value) in state.memtable_scan(&start, Some(&end), self.lsn()) {
            let (Some((rel, _)), Some(bytes)) = (parse_rel_key(&key), value) else { continue };
            let properties = decode_properties(&bytes).map_err(GraphError::CorruptRecord)?;
            schema.observe_relationship(&rel.rel_type, &properties);
        }
        Ok(schema)
    }
}
