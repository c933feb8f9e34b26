//! Writing flush and compaction outputs: node versions into Parquet SSTs per label set, edge
//! versions into CSR SSTs, each stored create-only under a fresh name and described by an
//! [`SstPlacement`] for the manifest edit.
//!
//! SST names start with the creation time in milliseconds (`<13 digits>-<writer>-<seq>`), which
//! is what garbage collection judges the age of an unnamed object by.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use namidb_objstore::ObjectStoreError;
use namidb_storage::layout::{sst_key, SstKind};
use namidb_storage::{SstPlacement, SstRef};

use super::snapshot::{hex, EDGE_BOTH, EDGE_FORWARD, EDGE_REVERSE};
use super::StoreInner;
use crate::edge_sst::{Direction, EdgeSstWriter, EdgeVersion};
use crate::error::GraphError;
use crate::keys::{forward_key, node_key, reverse_key};
use crate::node_sst::{encode_labels, NodeSstWriter, NodeVersion};

/// The creation time encoded in an SST name, if it is one of ours.
pub(crate) fn sst_created_millis(id: &str) -> Option<u64> {
    let digits = id.get(..13)?;
    (digits.bytes().all(|b| b.is_ascii_digit()) && id.as_bytes().get(13) == Some(&b'-'))
        .then(|| digits.parse().ok())
        .flatten()
}

impl StoreInner {
    fn new_sst_id(&self, extension: &str) -> (String, u64) {
        let now = self.db.options().clock.now_millis();
        let seq = self.sst_seq.fetch_add(1, Ordering::Relaxed);
        let writer = self.db.writer_id().to_string();
        (format!("{now:013}-{}-{seq:06}.{extension}", &writer[..12.min(writer.len())]), now)
    }

    async fn store_sst(
        &self,
        kind: SstKind,
        level: u32,
        extension: &str,
        bytes: Vec<u8>,
        describe: impl FnOnce(String, u64, u64) -> SstRef,
    ) -> Result<SstPlacement, GraphError> {
        let (id, created) = self.new_sst_id(extension);
        let size = bytes.len() as u64;
        let key = sst_key(kind, level, &id);
        match self.db.bucket().put_if_absent(&key, Bytes::from(bytes)).await {
            Ok(_) => {}
            Err(ObjectStoreError::AlreadyExists { .. }) => {
                return Err(GraphError::InvalidInput(format!("SST name `{key}` is taken")))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(SstPlacement { kind, level, sst: describe(id, size, created) })
    }

    /// Writes node versions at `level`: one file per label set (tombstones with the empty set),
    /// cut at about `target_sst_rows` rows without splitting one node's versions.
    pub(crate) async fn write_node_ssts(
        &self,
        level: u32,
        versions: Vec<NodeVersion>,
    ) -> Result<Vec<SstPlacement>, GraphError> {
        let mut by_labels: BTreeMap<Vec<String>, Vec<NodeVersion>> = BTreeMap::new();
        for version in versions {
            let labels = version.record.as_ref().map(|r| r.labels.clone()).unwrap_or_default();
            by_labels.entry(labels).or_default().push(version);
        }
        let writer = NodeSstWriter::new(self.options.node_row_group_rows);
        let mut placements = Vec::new();
        for (labels, mut rows) in by_labels {
            rows.sort_by_key(|v| (v.id, std::cmp::Reverse(v.lsn)));
            for chunk in cut(&rows, self.options.target_sst_rows, |a, b| a.id == b.id) {
                let bytes = writer.write(&labels, chunk)?;
                let describe = |id, size, created| SstRef {
                    id,
                    size_bytes: size,
                    rows: chunk.len() as u64,
                    min_key: hex(&node_key(chunk[0].id)),
                    max_key: hex(&node_key(chunk[chunk.len() - 1].id)),
                    min_lsn: chunk.iter().map(|v| v.lsn).min().unwrap_or(0),
                    max_lsn: chunk.iter().map(|v| v.lsn).max().unwrap_or(0),
                    partition: encode_labels(&labels),
                    created_at_millis: created,
                };
                placements
                    .push(self.store_sst(SstKind::Node, level, "parquet", bytes, describe).await?);
            }
        }
        Ok(placements)
    }

    /// Writes edge versions at `level`. L0 gets one file with both directions; deeper levels get
    /// forward-only and reverse-only files, each cut by key range so that files of one direction
    /// do not overlap within a level.
    pub(crate) async fn write_edge_ssts(
        &self,
        level: u32,
        mut versions: Vec<EdgeVersion>,
    ) -> Result<Vec<SstPlacement>, GraphError> {
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let writer = EdgeSstWriter::new(self.options.edge_block_bytes);
        let mut placements = Vec::new();
        let layouts: &[(&str, &[Direction])] = if level == 0 {
            &[(EDGE_BOTH, &[Direction::Forward, Direction::Reverse])]
        } else {
            &[(EDGE_FORWARD, &[Direction::Forward]), (EDGE_REVERSE, &[Direction::Reverse])]
        };
        for &(partition, directions) in layouts {
            let key_of = |v: &EdgeVersion| {
                if partition == EDGE_REVERSE {
                    reverse_key(&v.rel)
                } else {
                    forward_key(&v.rel)
                }
            };
            let mut keyed: Vec<(Vec<u8>, EdgeVersion)> = Vec::with_capacity(versions.len());
            for version in versions.drain(..) {
                keyed.push((key_of(&version)?, version));
            }
            keyed.sort_by(|a, b| {
                (&a.0, std::cmp::Reverse(a.1.lsn)).cmp(&(&b.0, std::cmp::Reverse(b.1.lsn)))
            });
            let chunk_rows = if level == 0 { usize::MAX } else { self.options.target_sst_rows };
            for chunk in cut(&keyed, chunk_rows, |a, b| a.0 == b.0) {
                let rows: Vec<EdgeVersion> = chunk.iter().map(|(_, v)| v.clone()).collect();
                let (bytes, summary) = writer.write_directions(&rows, directions)?;
                let describe = |id, size, created| SstRef {
                    id,
                    size_bytes: size,
                    rows: summary.versions,
                    min_key: hex(&chunk[0].0),
                    max_key: hex(&chunk[chunk.len() - 1].0),
                    min_lsn: summary.min_lsn,
                    max_lsn: summary.max_lsn,
                    partition: partition.to_owned(),
                    created_at_millis: created,
                };
                placements
                    .push(self.store_sst(SstKind::Edge, level, "csr", bytes, describe).await?);
            }
            versions = keyed.into_iter().map(|(_, v)| v).collect();
        }
        Ok(placements)
    }
}

/// Cuts sorted `rows` into runs of about `target` rows, never between two rows `same` joins.
fn cut<T>(rows: &[T], target: usize, same: impl Fn(&T, &T) -> bool) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut start = 0;
    let target = target.max(1);
    while start < rows.len() {
        let mut end = (start + target).min(rows.len());
        while end < rows.len() && same(&rows[end - 1], &rows[end]) {
            end += 1;
        }
        out.push(&rows[start..end]);
        start = end;
    }
    out
}
