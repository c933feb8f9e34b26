//! [`GraphSnapshot::scan_type`]: every live relationship of one type at the snapshot's LSN,
//! in (source, target, id) order, streamed to a visitor without collecting the versions.
//!
//! The type's forward blocks come from every edge SST that can hold them and from the
//! memtables. Files whose key ranges do not overlap are chained into one *sorted run* (a
//! compacted level is one run; each overlapping L0 file is a run of its own); each run streams
//! its blocks in order, eight fetches ahead so cold GETs overlap. A k-way merge over the runs
//! yields every (source, target, id) once, at its newest version not above the snapshot's
//! LSN; a tombstone hides the relationship. Memory stays at the blocks in flight, whatever the
//! size of the type: on a compacted namespace the merge is a single run read straight through.

use std::ops::ControlFlow;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use namidb_storage::layout::SstKind;

use super::runs::{least, sorted_runs};
use super::snapshot::{GraphSnapshot, RawRelationship, EDGE_REVERSE};
use crate::edge_sst::{AdjacencyBlock, AdjacencyEntry, Direction};
use crate::error::GraphError;
use crate::keys::{forward_range, parse_rel_key};
use crate::model::NodeId;

/// One relationship as [`GraphSnapshot::scan_type`] passes it: its properties still encoded,
/// borrowed from the block they were read from.
#[derive(Debug, Clone, Copy)]
pub struct ScannedRelationship<'a> {
    /// The source node.
    pub source: u64,
    /// The target node.
    pub neighbour: u64,
    /// The relationship id.
    pub id: u64,
    /// The encoded properties (`record_codec::decode_properties`).
    pub properties: &'a Bytes,
}

/// Block fetches each run keeps in flight.
const PREFETCH_BLOCKS: usize = 8;

/// One decoded forward block with its property cells (a cell per entry).
type Block = (Arc<AdjacencyBlock>, Arc<Vec<Bytes>>);

/// A sorted run read block by block, positioned at its current entry.
struct Cursor<'a> {
    blocks: BoxStream<'a, Result<Block, GraphError>>,
    block: Option<Block>,
    /// The vertex (index into `vertices`) that owns `entry`.
    vertex: usize,
    entry: usize,
}

impl Cursor<'_> {
    /// Moves to the first entry from the current one that is visible at `at`, loading blocks
    /// as needed; `false` once the run is exhausted.
    async fn settle(&mut self, at: u64) -> Result<bool, GraphError> {
        loop {
            if let Some((adjacency, _)) = &self.block {
                while let Some(entry) = adjacency.entries.get(self.entry) {
                    if entry.lsn <= at {
                        while adjacency
                            .starts
                            .get(self.vertex + 1)
                            .is_some_and(|&s| s <= self.entry)
                        {
                            self.vertex += 1;
                        }
                        return Ok(true);
                    }
                    self.entry += 1;
                }
            }
            self.vertex = 0;
            self.entry = 0;
            self.block = self.blocks.try_next().await?;
            if self.block.is_none() {
                return Ok(false);
            }
        }
    }

    /// The current entry with its source (the cursor must be settled on one).
    fn head(&self) -> Option<(u64, &AdjacencyEntry)> {
        let (adjacency, _) = self.block.as_ref()?;
        Some((*adjacency.vertices.get(self.vertex)?, adjacency.entries.get(self.entry)?))
    }

    /// The merge order: source, target, id ascending, then newest first.
    fn order(&self) -> Option<(u64, u64, u64, std::cmp::Reverse<u64>)> {
        self.head().map(|(s, e)| (s, e.neighbour, e.rel_id, std::cmp::Reverse(e.lsn)))
    }
}

/// The memtables' relationships of `rel_type` as one block, each version at the snapshot's
/// LSN: the memtables hold the newest versions, and a flushed copy in an SST is the same one.
fn memtable_block(snapshot: &GraphSnapshot, rel_type: &str) -> Result<Block, GraphError> {
    let at = snapshot.lsn().get();
    let (start, _) = forward_range(rel_type, NodeId(0))?;
    let (_, end) = forward_range(rel_type, NodeId(u64::MAX))?;
    let mut versions: Vec<(u64, u64, u64, Option<Bytes>)> = snapshot
        .snapshot
        .state()
        .memtable_scan(&start, Some(&end), snapshot.lsn())
        .into_iter()
        .filter_map(|(key, value)| match parse_rel_key(&key) {
            Some((rel, false)) => Some((rel.src.0, rel.dst.0, rel.id.0, value)),
            _ => None,
        })
        .collect();
    versions.sort_by_key(|v| (v.0, v.1, v.2));
    let mut block = AdjacencyBlock::default();
    let mut cells = Vec::with_capacity(versions.len());
    for (source, neighbour, rel_id, value) in versions {
        if block.vertices.last() != Some(&source) {
            block.vertices.push(source);
            block.starts.push(block.entries.len());
        }
        let tombstone = value.is_none();
        block.entries.push(AdjacencyEntry { neighbour, rel_id, lsn: at, tombstone });
        cells.push(value.unwrap_or_default());
    }
    block.starts.push(block.entries.len());
    Ok((Arc::new(block), Arc::new(cells)))
}

impl GraphSnapshot {
    /// Calls `visit` with every live relationship of `rel_type` at this snapshot, by source,
    /// then target, then id, ascending (see the module docs); `Ok(false)` when `visit` broke
    /// off the scan.
    pub async fn scan_type(
        &self,
        rel_type: &str,
        mut visit: impl FnMut(ScannedRelationship<'_>) -> ControlFlow<()>,
    ) -> Result<bool, GraphError> {
        let at = self.lsn().get();
        let tables = self.tables();
        let candidates = self
            .ssts(SstKind::Edge)
            .iter()
            .filter(|file| file.sst.partition != EDGE_REVERSE && file.sst.min_lsn <= at);
        // Open every candidate (footers are cached), keeping those with the type's blocks.
        let readers = futures::stream::iter(candidates.map(|file| async move {
            let reader = tables.edge_sst(&file.object, file.sst.size_bytes).await?;
            Ok::<_, GraphError>((reader, &file.sst))
        }))
        .buffered(PREFETCH_BLOCKS)
        .try_filter(|(reader, _)| {
            futures::future::ready(reader.footer().group(rel_type, Direction::Forward).is_some())
        })
        .try_collect::<Vec<_>>()
        .await?;
        let mut cursors = Vec::new();
        for run in sorted_runs(readers) {
            let blocks = run.into_iter().flat_map(|reader| {
                let refs = reader
                    .footer()
                    .group(rel_type, Direction::Forward)
                    .map(|g| g.blocks.clone())
                    .unwrap_or_default();
                refs.into_iter().map(move |block| (reader.clone(), block))
            });
            let blocks = futures::stream::iter(blocks.map(move |(reader, block)| async move {
                let (adjacency, cells) = futures::try_join!(
                    tables.adjacency(&reader, &block),
                    tables.edge_properties(&reader, &block)
                )?;
                if cells.len() < adjacency.entries.len() {
                    return Err(GraphError::CorruptEdgeSst {
                        object: reader.object().to_string(),
                        detail: "fewer property cells than entries".into(),
                    });
                }
                Ok((adjacency, cells))
            }))
            .buffered(PREFETCH_BLOCKS)
            .boxed();
            cursors.push(Cursor { blocks, block: None, vertex: 0, entry: 0 });
        }
        let memtable = memtable_block(self, rel_type)?;
        if !memtable.0.entries.is_empty() {
            let blocks = futures::stream::iter([Ok(memtable)]).boxed();
            cursors.push(Cursor { blocks, block: None, vertex: 0, entry: 0 });
        }
        for cursor in &mut cursors {
            cursor.settle(at).await?;
        }
        let mut last: Option<(u64, u64, u64)> = None;
        loop {
            let Some(best) = least(cursors.iter().map(Cursor::order)) else { return Ok(true) };
            let cursor = &mut cursors[best];
            if let (Some((source, entry)), Some((_, cells))) = (cursor.head(), &cursor.block) {
                let key = (source, entry.neighbour, entry.rel_id);
                // The first version of a relationship the merge meets is its newest.
                if last != Some(key) {
                    last = Some(key);
                    if !entry.tombstone {
                        let found = ScannedRelationship {
                            source,
                            neighbour: entry.neighbour,
                            id: entry.rel_id,
                            properties: &cells[cursor.entry],
                        };
                        if visit(found).is_break() {
                            return Ok(false);
                        }
                    }
                }
            }
            cursor.entry += 1;
            cursor.settle(at).await?;
        }
    }

    /// Every relationship of `rel_type` as the adjacency of its sources: by source id, each
    /// source's relationships as [`GraphSnapshot::expand_raw`] lists them (properties still
    /// encoded). Sources without a live relationship are left out.
    pub async fn outgoing_of_type(
        &self,
        rel_type: &str,
    ) -> Result<Vec<(u64, Vec<RawRelationship>)>, GraphError> {
        let mut out: Vec<(u64, Vec<RawRelationship>)> = Vec::new();
        self.scan_type(rel_type, |found| {
            let raw = RawRelationship {
                neighbour: found.neighbour,
                id: found.id,
                properties: found.properties.clone(),
            };
            match out.last_mut() {
                Some((last, raws)) if *last == found.source => raws.push(raw),
                _ => out.push((found.source, vec![raw])),
            }
            ControlFlow::Continue(())
        })
        .await?;
        Ok(out)
    }
}
