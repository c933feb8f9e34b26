//! Flush: frozen memtables become L0 SSTs, installed with the flushed watermark in one manifest
//! edit.
//!
//! Steps: freeze (new commits go to a fresh memtable), turn every version into node or edge
//! versions, write one node SST per label set and one edge SST, store them create-only, then
//! merge the labels, types and property types they hold into `schema/current.json`, then
//! install an edit adding them at L0, raising `flushed_lsn` to the newest frozen LSN (the WAL
//! segments below become garbage) and naming the schema version. A failure anywhere before the install leaves only unnamed
//! objects (garbage collection removes them) and the memtables still frozen, so the next flush
//! writes them again; nothing is lost.

use std::sync::Arc;
use std::time::Instant;

use namidb_core::Lsn;
use namidb_storage::ManifestEdit;

use super::schema_publish::observed_schema;
use super::StoreInner;
use crate::edge_sst::EdgeVersion;
use crate::error::GraphError;
use crate::keys::{parse_node_key, parse_rel_key, FORWARD_PREFIX, NODE_PREFIX, REVERSE_PREFIX};
use crate::node_sst::NodeVersion;
use crate::record_codec::decode_node;

/// What a flush did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlushReport {
    /// The new flushed watermark.
    pub flushed_lsn: Lsn,
    /// Node versions written.
    pub node_versions: u64,
    /// Relationship versions written.
    pub edge_versions: u64,
    /// Node SSTs written.
    pub node_ssts: usize,
    /// Edge SSTs written.
    pub edge_ssts: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Wall time in seconds.
    pub seconds: f64,
}

impl StoreInner {
    /// Flushes every frozen and active memtable; `None` when there was nothing to flush.
    pub(crate) async fn flush(&self) -> Result<Option<FlushReport>, GraphError> {
        let _maintenance = self.maintenance.lock().await;
        let started = Instant::now();
        let Some(frozen) = self.db.freeze().await? else {
            return Ok(None);
        };
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for memtable in &frozen.memtables {
            for version in memtable.versions() {
                let lsn = version.lsn.get();
                match version.key.first() {
                    Some(&NODE_PREFIX) => {
                        let id =
                            parse_node_key(&version.key).ok_or_else(|| bad_key(&version.key))?;
                        let record = version
                            .value
                            .map(|v| {
                                decode_node(&v).map_err(GraphError::CorruptRecord).map(Arc::new)
                            })
                            .transpose()?;
                        nodes.push(NodeVersion { id, lsn, record });
                    }
                    Some(&FORWARD_PREFIX) => {
                        let (rel, _) =
                            parse_rel_key(&version.key).ok_or_else(|| bad_key(&version.key))?;
                        edges.push(EdgeVersion {
                            rel,
                            lsn,
                            properties: version.value.map(|v| v.to_vec()),
                        });
                    }
                    // The reverse index is rebuilt from the forward keys.
                    Some(&REVERSE_PREFIX) => {}
                    _ => return Err(bad_key(&version.key)),
                }
            }
        }
        let mut report = FlushReport {
            flushed_lsn: frozen.last_lsn,
            node_versions: nodes.len() as u64,
            edge_versions: edges.len() as u64,
            ..FlushReport::default()
        };
        let schema = observed_schema(&nodes, &edges)?;
        let mut added = self.write_node_ssts(0, nodes).await?;
        report.node_ssts = added.len();
        let edge_ssts = self.write_edge_l0(edges).await?;
        report.edge_ssts = edge_ssts.len();
        added.extend(edge_ssts);
        report.bytes = added.iter().map(|p| p.sst.size_bytes).sum();
        let schema_version = Some(self.publish_schema(&schema).await?);
        let edit = ManifestEdit {
            added,
            flushed_lsn: Some(frozen.last_lsn),
            schema_version,
            ..ManifestEdit::default()
        };
        self.db.install(edit).await?;
        report.seconds = started.elapsed().as_secs_f64();
        tracing::debug!(?report, "flushed");
        Ok(Some(report))
    }
}

fn bad_key(key: &[u8]) -> GraphError {
    GraphError::InvalidInput(format!(
        "key {:?} is outside the graph key space; this namespace holds other data",
        String::from_utf8_lossy(key)
    ))
}
