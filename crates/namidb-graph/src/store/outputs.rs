//! Writing flush and compaction outputs: node versions into Parquet SSTs per label set, edge
//! versions into CSR SSTs, each stored create-only under a fresh name and described by an
//! [`SstPlacement`] for the manifest edit.
//!
//! SST names start with the creation time in milliseconds (`<13 digits>-<writer>-<seq>`), which
//! is what garbage collection judges the age of an unnamed object by.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use namidb_objstore::ObjectStoreError;
use namidb_storage::layout::{sst_key, SstKind};
use namidb_storage::{SstPlacement, SstRef};

use super::files::hex;
use super::snapshot::{EDGE_BOTH, EDGE_FORWARD, EDGE_REVERSE};
use super::statistics::{edge_statistics, node_statistics, to_manifest};
use super::StoreInner;
use crate::edge_sst::{Direction, EdgeSstSummary, EdgeSstWriter, EdgeVersion};
use crate::error::GraphError;
use crate::keys::{forward_key, node_key, reverse_key, MAX_TYPE_LEN};
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
        bytes: impl Into<Bytes>,
        describe: impl FnOnce(String, u64, u64) -> SstRef,
    ) -> Result<SstPlacement, GraphError> {
        let (id, created) = self.new_sst_id(extension);
        let bytes: Bytes = bytes.into();
        let size = bytes.len() as u64;
        let key = sst_key(kind, level, &id);
        match self.db.bucket().put_if_absent(&key, bytes).await {
            Ok(_) => {}
            Err(ObjectStoreError::AlreadyExists { .. }) => {
                return Err(GraphError::InvalidInput(format!("SST name `{key}` is taken")))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(SstPlacement { kind, level, sst: describe(id, size, created) })
    }

    /// Writes `source`'s bytes unchanged as a new SST one level down (a compaction whose one
    /// input meets nothing there: nothing to merge, so nothing is decoded or re-encoded).
    pub(crate) async fn move_sst(
        &self,
        source: &SstPlacement,
        bytes: Bytes,
    ) -> Result<SstPlacement, GraphError> {
        let extension = source.sst.id.rsplit_once('.').map_or("sst", |(_, ext)| ext);
        let describe = |id, size_bytes, created_at_millis| SstRef {
            id,
            size_bytes,
            created_at_millis,
            ..source.sst.clone()
        };
        self.store_sst(source.kind, source.level + 1, extension, bytes, describe).await
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
            let labels = version.record.as_ref().map_or(&[][..], |r| r.labels.as_slice());
            match by_labels.get_mut(labels) {
                Some(group) => group.push(version),
                None => {
                    let labels = labels.to_vec();
                    by_labels.entry(labels).or_default().push(version);
                }
            }
        }
        let writer = NodeSstWriter::new(self.options.node_row_group_rows);
        let mut placements = Vec::new();
        for (labels, mut rows) in by_labels {
            rows.sort_unstable_by_key(|v| (v.id, Reverse(v.lsn)));
            for chunk in cut(&rows, self.options.target_sst_rows, |a, b| a.id == b.id) {
                let bytes = writer.write(&labels, chunk)?;
                let stats = to_manifest(&node_statistics(chunk));
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
                    stats,
                };
                placements
                    .push(self.store_sst(SstKind::Node, level, "parquet", bytes, describe).await?);
            }
        }
        Ok(placements)
    }

    /// Writes edge versions into one L0 file holding both directions (a flush or a bulk load).
    pub(crate) async fn write_edge_l0(
        &self,
        versions: Vec<EdgeVersion>,
    ) -> Result<Vec<SstPlacement>, GraphError> {
        check_type_lengths(&versions)?;
        // One file, unsorted (the writer orders each group itself); only its key range.
        let Some(range) = key_range(&versions, Direction::Forward)? else {
            return Ok(Vec::new());
        };
        let writer = EdgeSstWriter::new(self.options.edge_block_bytes);
        let directions = [Direction::Forward, Direction::Reverse];
        let (bytes, summary) = writer.write_directions(&versions, &directions)?;
        let stats = to_manifest(&edge_statistics(&versions));
        let describe = describe_edges(&summary, range, EDGE_BOTH, stats);
        Ok(vec![self.store_sst(SstKind::Edge, 0, "csr", bytes, describe).await?])
    }

    /// Writes edge versions at `level` (below L0) into files of one `direction` (partition `F`
    /// or `R`), cut by key range so that files of one direction do not overlap within a level;
    /// `versions` are left in that direction's key order.
    pub(crate) async fn write_edge_direction(
        &self,
        level: u32,
        versions: &mut [EdgeVersion],
        direction: Direction,
    ) -> Result<Vec<SstPlacement>, GraphError> {
        check_type_lengths(versions)?;
        let writer = EdgeSstWriter::new(self.options.edge_block_bytes);
        let reverse = direction == Direction::Reverse;
        let partition = if reverse { EDGE_REVERSE } else { EDGE_FORWARD };
        versions.sort_unstable_by(|a, b| key_order(a, reverse).cmp(&key_order(b, reverse)));
        let key_of =
            |v: &EdgeVersion| if reverse { reverse_key(&v.rel) } else { forward_key(&v.rel) };
        let same_key = |a: &EdgeVersion, b: &EdgeVersion| a.rel == b.rel;
        let mut placements = Vec::new();
        for chunk in cut(versions, self.options.target_sst_rows, same_key) {
            let range = (hex(&key_of(&chunk[0])?), hex(&key_of(&chunk[chunk.len() - 1])?));
            let (bytes, summary) = writer.write_directions(chunk, &[direction])?;
            // The forward tree holds every version too: only it carries statistics.
            let stats = if reverse { None } else { to_manifest(&edge_statistics(chunk)) };
            let describe = describe_edges(&summary, range, partition, stats);
            placements.push(self.store_sst(SstKind::Edge, level, "csr", bytes, describe).await?);
        }
        Ok(placements)
    }
}

/// The inclusive hex range of the `direction` keys of unsorted `versions` (`None`: none).
pub(crate) fn key_range(
    versions: &[EdgeVersion],
    direction: Direction,
) -> Result<Option<(String, String)>, GraphError> {
    let reverse = direction == Direction::Reverse;
    let order =
        |a: &&EdgeVersion, b: &&EdgeVersion| key_order(a, reverse).cmp(&key_order(b, reverse));
    let key = |v: &EdgeVersion| if reverse { reverse_key(&v.rel) } else { forward_key(&v.rel) };
    match (versions.iter().min_by(order), versions.iter().max_by(order)) {
        (Some(first), Some(last)) => Ok(Some((hex(&key(first)?), hex(&key(last)?)))),
        _ => Ok(None),
    }
}

/// Refuses a relationship type too long for the key format, with the key functions' message.
fn check_type_lengths(versions: &[EdgeVersion]) -> Result<(), GraphError> {
    match versions.iter().find(|v| v.rel.rel_type.len() > MAX_TYPE_LEN) {
        Some(v) => forward_key(&v.rel).map(|_| ()),
        None => Ok(()),
    }
}

/// The order of edge keys (forward or reverse), newest version first, without building them:
/// type length, type, the two endpoints, the relationship id, then LSN descending.
pub(crate) fn key_order(
    v: &EdgeVersion,
    reverse: bool,
) -> (usize, &str, u64, u64, u64, Reverse<u64>) {
    let rel = &v.rel;
    let (a, b) = if reverse { (rel.dst.0, rel.src.0) } else { (rel.src.0, rel.dst.0) };
    (rel.rel_type.len(), rel.rel_type.as_str(), a, b, rel.id.0, Reverse(v.lsn))
}

/// The manifest entry of an edge SST with `summary` over the hex key `range`.
fn describe_edges<'a>(
    summary: &'a EdgeSstSummary,
    (min_key, max_key): (String, String),
    partition: &'a str,
    stats: Option<serde_json::Value>,
) -> impl FnOnce(String, u64, u64) -> SstRef + 'a {
    move |id, size, created| SstRef {
        id,
        size_bytes: size,
        rows: summary.versions,
        min_key,
        max_key,
        min_lsn: summary.min_lsn,
        max_lsn: summary.max_lsn,
        partition: partition.to_owned(),
        created_at_millis: created,
        stats,
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
