//! Building an edge SST from relationship versions.

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
        let mut by_type: Vec<&EdgeVersion> = versions.iter().collect();
        by_type.sort_by(|a, b| a.rel.rel_type.cmp(&b.rel.rel_type));
        let mut groups = Vec::new();
        for chunk in by_type.chunk_by(|a, b| a.rel.rel_type == b.rel.rel_type) {
            let rel_type = &chunk[0].rel.rel_type;
            for &direction in directions {
                let rows = rows(chunk, direction)?;
                groups.push(self.write_group(&mut out, rel_type, direction, &rows));
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

    fn write_group(
        &self,
        out: &mut Vec<u8>,
        rel_type: &str,
        direction: Direction,
        rows: &[Row<'_>],
    ) -> GroupIndex {
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
        GroupIndex {
            rel_type: rel_type.to_owned(),
            direction,
            vertex_count,
            entry_count: rows.len() as u64,
            blocks,
        }
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
    rows.sort_by_key(order);
    if let Some(pair) = rows.windows(2).find(|w| order(&w[0]) == order(&w[1])) {
        return Err(GraphError::InvalidInput(format!(
            "relationship {} written twice at LSN {}",
            pair[0].entry.rel_id, pair[0].entry.lsn
        )));
    }
    Ok(rows)
}
