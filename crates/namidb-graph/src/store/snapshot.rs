//! [`GraphSnapshot`]: consistent graph reads at one LSN, merging the memtables with the SSTs of
//! one manifest version.
//!
//! Every read takes, per node or relationship, the newest version at or below the snapshot's LSN:
//! the memtables first (they hold a contiguous run of LSNs ending at the newest commit, so a
//! version found there is newer than any SST version), then every SST that may hold the key, at
//! every level (flushes from several processes and late installs mean LSN order across levels is
//! not assumed). Tombstones hide what is below them.

use bytes::Bytes;
use std::sync::Arc;

use namidb_core::Lsn;
use namidb_storage::layout::SstKind;
use namidb_storage::Snapshot;

use super::files::{SstFile, SstFiles};
use super::lease::SnapshotGuard;
use super::tables::Tables;
use super::StoreInner;
use crate::edge_sst::Direction;
use crate::error::GraphError;
use crate::keys::{
    forward_key, forward_range, node_key, parse_rel_key, reverse_range, FORWARD_PREFIX,
};
use crate::model::{NodeId, NodeRecord, Properties, RelId, RelKey};
use crate::node_sst::NodeColumns;
use crate::record_codec::{decode_node, decode_properties};

/// A relationship as read: identity, endpoints and properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    /// Type, source, target and id.
    pub key: RelKey,
    /// Properties.
    pub properties: Properties,
}

/// A relationship as [`GraphSnapshot::expand_raw`] finds it: from the expanded node to
/// `neighbour`, properties still encoded (`record_codec::decode_properties`).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRelationship {
    /// The node at the other end.
    pub neighbour: u64,
    /// The relationship id.
    pub id: u64,
    /// The encoded properties.
    pub properties: Bytes,
}

/// Edge SST partition tags: both directions (flush output), forward only, reverse only.
pub(crate) const EDGE_BOTH: &str = "";
pub(crate) const EDGE_FORWARD: &str = "F";
pub(crate) const EDGE_REVERSE: &str = "R";

/// A consistent read view of the graph. Cheap to clone.
#[derive(Clone)]
pub struct GraphSnapshot {
    pub(crate) inner: Arc<StoreInner>,
    pub(crate) snapshot: Snapshot,
    /// The SSTs of the snapshot's manifest version.
    pub(crate) files: Arc<SstFiles>,
    pub(crate) _guard: Arc<SnapshotGuard>,
}

impl std::fmt::Debug for GraphSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphSnapshot").field("lsn", &self.snapshot.lsn()).finish()
    }
}

fn corrupt(e: crate::error::CodecError) -> GraphError {
    GraphError::CorruptRecord(e)
}

/// `raw`, found expanding `node` in `direction`, as a relationship with decoded properties.
fn decoded(
    node: NodeId,
    rel_type: &str,
    direction: Direction,
    raw: &RawRelationship,
) -> Result<Relationship, GraphError> {
    let (src, dst) = match direction {
        Direction::Forward => (node, NodeId(raw.neighbour)),
        Direction::Reverse => (NodeId(raw.neighbour), node),
    };
    let key = RelKey { rel_type: rel_type.to_owned(), src, dst, id: RelId(raw.id) };
    let properties = decode_properties(&raw.properties).map_err(corrupt)?;
    Ok(Relationship { key, properties })
}

impl GraphSnapshot {
    /// The LSN it reads at.
    pub fn lsn(&self) -> Lsn {
        self.snapshot.lsn()
    }

    /// The storage snapshot beneath.
    pub fn storage(&self) -> &Snapshot {
        &self.snapshot
    }

    pub(super) fn tables(&self) -> Tables<'_> {
        Tables { bucket: self.inner.db.bucket(), cache: &self.inner.cache }
    }

    /// The SSTs of `kind`, level by level, each with its object key.
    pub(super) fn ssts(&self, kind: SstKind) -> &[SstFile] {
        self.files.of_kind(kind)
    }

    /// Node `id`, or `None` if it does not exist.
    pub async fn node(&self, id: NodeId) -> Result<Option<Arc<NodeRecord>>, GraphError> {
        let key = node_key(id);
        if let Some(value) = self.snapshot.state().memtable_get(&key, self.lsn()) {
            return value.map(|v| decode_node(&v).map_err(corrupt).map(Arc::new)).transpose();
        }
        // Every file whose key range covers the id is probed at once: on an object store the
        // probes' GETs (tail, bloom, pages) overlap instead of queueing.
        let tables = self.tables();
        let at = self.lsn().get();
        let mut probes = self
            .files
            .nodes_covering(&key)
            .filter(|file| file.sst.min_lsn <= at)
            .map(|file| tables.node_versions_of(&file.object, file.sst.size_bytes, id.0));
        // One file covers an id once its label is compacted: await it without a join.
        let versions = match (probes.next(), probes.next()) {
            (None, _) => Vec::new(),
            (Some(only), None) => only.await?,
            (Some(first), Some(second)) => {
                let all = [first, second].into_iter().chain(probes).collect::<Vec<_>>();
                futures::future::try_join_all(all).await?.into_iter().flatten().collect()
            }
        };
        let mut newest: Option<(u64, Option<Arc<NodeRecord>>)> = None;
        for version in versions {
            if version.lsn <= at && newest.as_ref().is_none_or(|(l, _)| version.lsn > *l) {
                newest = Some((version.lsn, version.record));
            }
        }
        Ok(newest.and_then(|(_, record)| record))
    }

    /// Every node (with `label`, if given), by id, decoded. `columns` limits the properties
    /// read from SSTs (records from the memtable carry all of theirs).
    pub async fn nodes(
        &self,
        label: Option<&str>,
        columns: &NodeColumns,
    ) -> Result<Vec<(NodeId, Arc<NodeRecord>)>, GraphError> {
        let mut nodes = Vec::new();
        let mut failed = None;
        self.scan_nodes(label, columns, |id, labels, cell| match decode_properties(cell) {
            Ok(properties) => {
                nodes.push((id, Arc::new(NodeRecord { labels: labels.to_vec(), properties })));
                std::ops::ControlFlow::Continue(())
            }
            Err(e) => {
                failed = Some(e);
                std::ops::ControlFlow::Break(())
            }
        })
        .await?;
        match failed {
            Some(e) => Err(corrupt(e)),
            None => Ok(nodes),
        }
    }

    /// The relationships of `node` of type `rel_type`: outgoing (`Forward`) or incoming
    /// (`Reverse`).
    pub async fn expand(
        &self,
        node: NodeId,
        rel_type: &str,
        direction: Direction,
    ) -> Result<Vec<Relationship>, GraphError> {
        self.expand_raw(node, rel_type, direction)
            .await?
            .iter()
            .map(|raw| decoded(node, rel_type, direction, raw))
            .collect()
    }

    /// [`GraphSnapshot::expand`] with the properties left encoded (a slice of the cached
    /// block, decoded only if someone asks), by (neighbour, relationship id).
    pub async fn expand_raw(
        &self,
        node: NodeId,
        rel_type: &str,
        direction: Direction,
    ) -> Result<Vec<RawRelationship>, GraphError> {
        let at = self.lsn().get();
        let (start, end) = match direction {
            Direction::Forward => forward_range(rel_type, node)?,
            Direction::Reverse => reverse_range(rel_type, node)?,
        };
        let wanted = match direction {
            Direction::Forward => EDGE_FORWARD,
            Direction::Reverse => EDGE_REVERSE,
        };
        // Every visible version: (neighbour, rel id, lsn, properties or tombstone).
        let mut versions: Vec<(u64, u64, u64, Option<Bytes>)> = Vec::new();
        for file in self.ssts(SstKind::Edge) {
            let (object, sst) = (&file.object, &file.sst);
            if sst.min_lsn > at
                || (sst.partition != EDGE_BOTH && sst.partition != wanted)
                || (sst.partition == wanted && !file.overlaps(&start, &end))
            {
                continue;
            }
            let reader = self.tables().edge_sst(object, sst.size_bytes).await?;
            let Some(block) = reader.block_for(rel_type, direction, node.0) else { continue };
            // Adjacency and properties in parallel: one round trip when cold.
            let tables = self.tables();
            let (adjacency, cells) = futures::try_join!(
                tables.adjacency(&reader, block),
                tables.edge_properties(&reader, block)
            )?;
            for index in adjacency.entry_range(node.0) {
                let entry = adjacency.entries[index];
                if entry.lsn > at {
                    continue;
                }
                let properties = if entry.tombstone {
                    None
                } else {
                    Some(cells.get(index).cloned().ok_or_else(|| GraphError::CorruptEdgeSst {
                        object: object.to_string(),
                        detail: "fewer property cells than entries".into(),
                    })?)
                };
                versions.push((entry.neighbour, entry.rel_id, entry.lsn, properties));
            }
        }
        let state = self.snapshot.state();
        for (key, value) in state.memtable_scan(&start, Some(&end), self.lsn()) {
            let Some((rel, reverse)) = parse_rel_key(&key) else { continue };
            let neighbour = if reverse { rel.src.0 } else { rel.dst.0 };
            let properties = match (value, reverse) {
                (None, _) => None,
                (Some(bytes), false) => Some(bytes),
                (Some(_), true) => match state.memtable_get(&forward_key(&rel)?, self.lsn()) {
                    Some(Some(bytes)) => Some(bytes),
                    _ => None,
                },
            };
            // Newer than every SST version (the memtables hold the newest LSNs).
            versions.push((neighbour, rel.id.0, u64::MAX, properties));
        }
        // Newest version first within each relationship, then keep only it.
        versions.sort_unstable_by(|a, b| (a.0, a.1, b.2).cmp(&(b.0, b.1, a.2)));
        versions.dedup_by_key(|v| (v.0, v.1));
        Ok(versions
            .into_iter()
            .filter_map(|(neighbour, id, _, properties)| {
                Some(RawRelationship { neighbour, id, properties: properties? })
            })
            .collect())
    }

    /// The relationship types that may have relationships (from SST footers and the memtables).
    pub async fn relationship_types(&self) -> Result<Vec<String>, GraphError> {
        let mut types = std::collections::BTreeSet::new();
        for file in self.ssts(SstKind::Edge) {
            let reader = self.tables().edge_sst(&file.object, file.sst.size_bytes).await?;
            types.extend(reader.footer().groups.iter().map(|g| g.rel_type.clone()));
        }
        // Skip-scan the forward keys: one probe per type.
        let state = self.snapshot.state();
        let mut start = vec![FORWARD_PREFIX];
        let end = [FORWARD_PREFIX + 1];
        while let Some(key) = state.first_key_in(&start, Some(&end)) {
            let Some((rel, _)) = parse_rel_key(&key) else { break };
            let (_, next) = forward_range(&rel.rel_type, NodeId(u64::MAX))?;
            types.insert(rel.rel_type);
            start = next;
        }
        Ok(types.into_iter().collect())
    }

    /// Every relationship (of `rel_type`, if given), by type, source, target and id.
    pub async fn relationships(
        &self,
        rel_type: Option<&str>,
    ) -> Result<Vec<Relationship>, GraphError> {
        let types = match rel_type {
            Some(t) => vec![t.to_owned()],
            None => self.relationship_types().await?,
        };
        let mut out = Vec::new();
        for rel_type in types {
            for (source, raws) in self.outgoing_of_type(&rel_type).await? {
                for raw in &raws {
                    out.push(decoded(NodeId(source), &rel_type, Direction::Forward, raw)?);
                }
            }
        }
        Ok(out)
    }
}
