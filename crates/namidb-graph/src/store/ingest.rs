//! Bulk loads written straight to SSTs, bypassing the WAL and the memtable.
//!
//! A load is built on a fully flushed state at some LSN `after` ([`GraphStore::ingest_base`]).
//! [`GraphStore::ingest`] writes its nodes and relationships as L0 SSTs holding the single LSN
//! `after + 1`, then installs them with one manifest edit (`ManifestEdit::ingest_after`) that
//! the spine refuses, as a conflict, when anything was committed or left unflushed since
//! `after`. So the load is one atomic commit: readers see all of it or none, a failure leaves
//! only unnamed objects (garbage collection removes them), and ids the load drew from `after`
//! cannot collide with a concurrent writer's.

use std::sync::Arc;
use std::time::Instant;

use namidb_core::Lsn;
use namidb_storage::{ManifestEdit, StorageError};

use super::schema_publish::observed_schema;
use super::{GraphStore, StoreInner};
use crate::edge_sst::EdgeVersion;
use crate::error::GraphError;
use crate::node_sst::NodeVersion;

/// What a bulk load installed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestReport {
    /// The LSN the load committed at.
    pub lsn: Lsn,
    /// Node versions written.
    pub node_versions: u64,
    /// Relationship versions written.
    pub edge_versions: u64,
    /// SSTs written.
    pub ssts: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Wall time of writing and installing, in seconds.
    pub seconds: f64,
}

/// How often [`GraphStore::ingest_base`] flushes while other writers keep committing.
const BASE_ATTEMPTS: usize = 8;

impl GraphStore {
    /// Flushes until the namespace is fully flushed and returns its last LSN: the base a bulk
    /// load is built on (its ids drawn from, its SSTs installed right after).
    pub async fn ingest_base(&self) -> Result<Lsn, GraphError> {
        for _ in 0..BASE_ATTEMPTS {
            self.inner.db.refresh().await?;
            self.inner.flush().await?;
            let manifest = self.inner.db.manifest();
            if manifest.flushed_lsn() == manifest.last_lsn() {
                return Ok(manifest.last_lsn());
            }
        }
        Err(GraphError::Storage(StorageError::Conflict {
            reason: format!(
                "other writers kept committing; the namespace was not fully flushed after \
                 {BASE_ATTEMPTS} flushes"
            ),
        }))
    }

    /// Installs `nodes` and `relationships` as one commit at the LSN after `after`, written
    /// directly as L0 SSTs. Every version is stamped with that LSN and labels are normalized
    /// (sorted, without repeats) as commits do. Fails with a storage conflict, installing
    /// nothing, when the namespace moved past `after`; the caller rebuilds on a new base.
    pub async fn ingest(
        &self,
        after: Lsn,
        mut nodes: Vec<NodeVersion>,
        mut relationships: Vec<EdgeVersion>,
    ) -> Result<IngestReport, GraphError> {
        let started = Instant::now();
        let lsn = after.next();
        for node in &mut nodes {
            node.lsn = lsn.get();
            if let Some(record) = &mut node.record {
                let record = Arc::make_mut(record);
                record.labels.sort();
                record.labels.dedup();
            }
        }
        for rel in &mut relationships {
            rel.lsn = lsn.get();
        }
        let mut report = IngestReport {
            lsn,
            node_versions: nodes.len() as u64,
            edge_versions: relationships.len() as u64,
            ..IngestReport::default()
        };
        let inner: &StoreInner = &self.inner;
        let schema = observed_schema(&nodes, &relationships)?;
        let _maintenance = inner.maintenance.lock().await;
        // Node and edge SSTs are built at once, on separate workers of the runtime.
        let node_task = tokio::spawn({
            let inner = Arc::clone(&self.inner);
            async move { inner.write_node_ssts(0, nodes).await }
        });
        let edges = inner.write_edge_l0(relationships).await;
        let mut added = match node_task.await {
            Ok(nodes) => nodes?,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(_) => {
                return Err(GraphError::InvalidInput("the node SST writer was cancelled".into()))
            }
        };
        added.extend(edges?);
        report.ssts = added.len();
        report.bytes = added.iter().map(|p| p.sst.size_bytes).sum();
        if added.is_empty() {
            return Ok(report);
        }
        let schema_version = Some(inner.publish_schema(&schema).await?);
        let edit = ManifestEdit {
            added,
            ingest_after: Some(after),
            schema_version,
            ..ManifestEdit::default()
        };
        inner.db.install(edit).await?;
        report.seconds = started.elapsed().as_secs_f64();
        tracing::debug!(?report, "bulk load installed");
        Ok(report)
    }
}
