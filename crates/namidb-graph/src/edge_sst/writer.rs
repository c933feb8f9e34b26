//! Building an edge SST from relationship versions.

use std::collections::BTreeMap;

use super::block::{encode_property_cells, AdjacencyBlock, AdjacencyEntry};
use super::footer::{BlockRef, EdgeSstFooter, GroupIndex, Section};
use super::{Direction, FORMAT_VERSION, HEADER_LEN, MAGIC};
use crate::error::GraphError;
use crate::model::RelKey;

/// One version of one relationship to write.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeVersion {
    /// The relationship.
    pub rel: RelKey,
    /// The LSN that wrote it.
    pub lsn: u64,
    /// Its encoded property map, or `None` for a tombstone.
    pub properties: Option<Vec<u8>>,
}

/// What a finished SST holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSstSummary {
    /// Relationship versions written (each appears in both directions).
    pub versions: u64,
    /// Smallest LSN.
    pub min_lsn: u64,
    /// Largest LSN.
    pub max_lsn: u64,
    /// Bytes of the file.
    pub size_bytes: u64,
}

/// Builds an edge SST. Blocks are cut when their adjacency bytes pass the target size, so a
/// cold expand reads one block of about that size.
#[derive(Debug, Clone)]
pub struct EdgeSstWriter {
    target_block_bytes: usize,
}

impl Default for EdgeSstWriter {
    fn default() -> Self {
        EdgeSstWriter { target_block_bytes: 32 * 1024 }
    }
}

/// Groups with at least this many versions build their two directions on two threads.
const PARALLEL_GROUP_ROWS: usize = 64 * 1024;

struct Row<'a> {
    vertex: u64,
    entry: AdjacencyEntry,
    properties: Option<&'a [u8]>,
}

impl EdgeSstWriter {
    /// A writer cutting blocks at about `target_block_bytes` of adjacency data.
    pub fn new(target_block_bytes: usize) -> EdgeSstWriter {
        EdgeSstWriter { target_block_bytes: target_block_bytes.max(64) }
    }

    /// Writes `versions` (any order; each (relationship, LSN) at most once) as one SST.
    pub fn write(&self, versions: &[EdgeVersion]) -> Result<(Vec<u8>, EdgeSstSummary), GraphError> {
        self.write_directions(versions, &[Direction::Forward, Direction::Reverse])
    }

    /// Writes `versions` as one SST holding only the groups of `directions`.
    pub fn write_directions(
        &self,
        versions: &[EdgeVersion],
        directions: &[Direction],
    ) -> Result<(Vec<u8>, EdgeSstSummary), GraphError> {
        let mut out = Vec::with_capacity(HEADER_LEN + versions.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&[0; 6]);
        // Grouped by type in one pass (a sort by type name would compare strings n log n times).
        let mut by_type: BTreeMap<&str, Vec<&EdgeVersion>> = BTreeMap::new();
        for version in versions {
            by_type.entry(version.rel.rel_type.as_str()).or_default().push(version);
        }
        let mut groups = Vec::new();
        for (rel_type, chunk) in by_type {
            let encode = |direction| -> Result<(Vec<u8>, GroupIndex), GraphError> {
                Ok(self.write_group(rel_type, direction, &rows(&chunk, direction)?))
            };
            // Large groups are built one direction per core; each is placed at its offset after.
            let built: Vec<Result<(Vec<u8>, GroupIndex), GraphError>> = if directions.len() > 1
                && chunk.len() >= PARALLEL_GROUP_ROWS
            {
                std::thread::scope(|scope| {
                    let handles: Vec<_> = directions
                        .iter()
                        .map(|&direction| scope.spawn(move || encode(direction)))
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                        .collect()
                })
            } else {
                directions.iter().map(|&direction| encode(direction)).collect()
            };
            for group in built {
                let (bytes, mut index) = group?;
                let base = out.len() as u64;
                for block in &mut index.blocks {
                    block.adjacency.offset += base;
                    block.properties.offset += base;
                }
                out.extend_from_slice(&bytes);
                groups.push(index);
            }
        }
        let footer = EdgeSstFooter {
            min_lsn: versions.iter().map(|v| v.lsn).min().unwrap_or(0),
            max_lsn: versions.iter().map(|v| v.lsn).max().unwrap_or(0),
            groups,
        };
        out.extend_from_slice(&footer.encode_with_trailer());
        let summary = EdgeSstSummary {
            versions: versions.len() as u64,
            min_lsn: footer.min_lsn,
            max_lsn: footer.max_lsn,
            size_bytes: out.len() as u64,
        };
        Ok((out, summary))
    }

    /// One group's blocks, with section offsets relative to the start of the returned bytes.
    fn write_group(
        &self,
        rel_type: &str,
        direction: Direction,
        rows: &[Row<'_>],
    ) -> (Vec<u8>, GroupIndex) {
        let mut bytes = Vec::with_capacity(rows.len() * 8);
        let out = &mut bytes;
        let mut blocks = Vec::new();
        let mut block = AdjacencyBlock::default();
        let mut cells: Vec<Option<&[u8]>> = Vec::new();
        let mut approx_bytes = 0usize;
        let mut vertex_count = 0u64;
        for vertex_rows in rows.chunk_by(|a, b| a.vertex == b.vertex) {
            let entries: Vec<AdjacencyEntry> = vertex_rows.iter().map(|r| r.entry).collect();
            block.push_vertex(vertex_rows[0].vertex, &entries);
            cells.extend(vertex_rows.iter().map(|r| r.properties));
            approx_bytes += 4 + entries.len() * 12;
            vertex_count += 1;
            if approx_bytes >= self.target_block_bytes {
                blocks.push(flush_block(out, &block, &cells));
                block = AdjacencyBlock::default();
                cells.clear();
                approx_bytes = 0;
            }
        }
        if !block.vertices.is_empty() {
            blocks.push(flush_block(out, &block, &cells));
        }
        let index = GroupIndex {
            rel_type: rel_type.to_owned(),
            direction,
            vertex_count,
            entry_count: rows.len() as u64,
            blocks,
        };
        (bytes, index)
    }
}

fn append_section(out: &mut Vec<u8>, bytes: &[u8]) -> Section {
    let section =
        Section { offset: out.len() as u64, len: bytes.len() as u64, crc: crc32c::crc32c(bytes) };
    out.extend_from_slice(bytes);
    section
}

fn flush_block(out: &mut Vec<u8>, block: &AdjacencyBlock, cells: &[Option<&[u8]>]) -> BlockRef {
    let adjacency = append_section(out, &block.encode());
    let properties = append_section(out, &encode_property_cells(cells));
    BlockRef {
        first_vertex: block.vertices.first().copied().unwrap_or(0),
        last_vertex: block.vertices.last().copied().unwrap_or(0),
        vertex_count: block.vertices.len() as u64,
        entry_count: block.entries.len() as u64,
        adjacency,
        properties,
    }
}

/// The rows of one type in one direction, sorted by vertex, neighbour, rel id, LSN descending.
fn rows<'a>(
    versions: &[&'a EdgeVersion],
    direction: Direction,
) -> Result<Vec<Row<'a>>, GraphError> {
    let mut rows: Vec<Row<'a>> = versions
        .iter()
        .map(|v| {
            let (vertex, neighbour) = match direction {
                Direction::Forward => (v.rel.src.0, v.rel.dst.0),
                Direction::Reverse => (v.rel.dst.0, v.rel.src.0),
            };
            Row {
                vertex,
                entry: AdjacencyEntry {
                    neighbour,
                    rel_id: v.rel.id.0,
                    lsn: v.lsn,
                    tombstone: v.properties.is_none(),
                },
                properties: v.properties.as_deref(),
            }
        })
        .collect();
    let order =
        |r: &Row<'_>| (r.vertex, r.entry.neighbour, r.entry.rel_id, std::cmp::Reverse(r.entry.lsn));
    rows.sort_unstable_by_key(order);
    if let Some(pair) = rows.windows(2).find(|w| order(&w[0]) == order(&w[1])) {
        return Err(GraphError::InvalidInput(format!(
            "relationship {} written twice at LSN {}",
            pair[0].entry.rel_id, pair[0].entry.lsn
        )));
    }
    Ok(rows)
}
