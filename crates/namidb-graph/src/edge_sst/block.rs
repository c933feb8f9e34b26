//! One adjacency block of an edge SST: a run of vertices with their neighbour lists, delta- and
//! varint-compressed; and the matching property block.

use crate::error::CodecError;
use crate::varint::{put_u64, Reader};

/// Flag bit: the entry is a tombstone.
const TOMBSTONE: u8 = 0b1;

/// One version of one relationship as seen from a vertex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdjacencyEntry {
    /// The node at the other end.
    pub neighbour: u64,
    /// The relationship id.
    pub rel_id: u64,
    /// The LSN that wrote this version.
    pub lsn: u64,
    /// Whether this version deletes the relationship.
    pub tombstone: bool,
}

/// A decoded adjacency block: sorted vertices, each with a slice of `entries`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdjacencyBlock {
    /// Vertex ids, strictly ascending.
    pub vertices: Vec<u64>,
    /// `starts[i]..starts[i + 1]` are the entries of `vertices[i]`; one longer than `vertices`.
    pub starts: Vec<usize>,
    /// Entries by vertex, then neighbour, rel id ascending, LSN descending.
    pub entries: Vec<AdjacencyEntry>,
}

impl AdjacencyBlock {
    /// The entries of `vertex` (empty when it has none here).
    pub fn neighbours(&self, vertex: u64) -> &[AdjacencyEntry] {
        match self.vertices.binary_search(&vertex) {
            Ok(i) => &self.entries[self.starts[i]..self.starts[i + 1]],
            Err(_) => &[],
        }
    }

    /// The index range into `entries` of `vertex`.
    pub fn entry_range(&self, vertex: u64) -> std::ops::Range<usize> {
        match self.vertices.binary_search(&vertex) {
            Ok(i) => self.starts[i]..self.starts[i + 1],
            Err(_) => 0..0,
        }
    }

    /// Appends a vertex with its entries (already in order).
    pub(crate) fn push_vertex(&mut self, vertex: u64, entries: &[AdjacencyEntry]) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.vertices.push(vertex);
        self.entries.extend_from_slice(entries);
        self.starts.push(self.entries.len());
    }

    /// Encodes the block (entries must be in order, as the writer builds them).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u64(&mut out, self.vertices.len() as u64);
        let mut previous = 0u64;
        for (i, &vertex) in self.vertices.iter().enumerate() {
            put_u64(&mut out, if i == 0 { vertex } else { vertex - previous });
            put_u64(&mut out, (self.starts[i + 1] - self.starts[i]) as u64);
            previous = vertex;
        }
        for i in 0..self.vertices.len() {
            let mut previous_neighbour = 0u64;
            for (j, entry) in self.entries[self.starts[i]..self.starts[i + 1]].iter().enumerate() {
                let delta =
                    if j == 0 { entry.neighbour } else { entry.neighbour - previous_neighbour };
                put_u64(&mut out, delta);
                put_u64(&mut out, entry.rel_id);
                put_u64(&mut out, entry.lsn);
                out.push(if entry.tombstone { TOMBSTONE } else { 0 });
                previous_neighbour = entry.neighbour;
            }
        }
        out
    }

    /// Decodes a block, checking order and bounds.
    pub fn decode(bytes: &[u8]) -> Result<AdjacencyBlock, CodecError> {
        let mut reader = Reader::new(bytes);
        let count = reader.length()?;
        let mut block = AdjacencyBlock {
            vertices: Vec::with_capacity(count),
            starts: Vec::with_capacity(count + 1),
            entries: Vec::new(),
        };
        block.starts.push(0);
        let mut counts = Vec::with_capacity(count);
        let mut total = 0usize;
        for i in 0..count {
            let at = reader.position();
            let delta = reader.u64()?;
            let vertex = if i == 0 {
                delta
            } else {
                if delta == 0 {
                    return Err(CodecError::new(at, "vertices not strictly ascending"));
                }
                block.vertices[i - 1]
                    .checked_add(delta)
                    .ok_or_else(|| CodecError::new(at, "vertex id overflows"))?
            };
            block.vertices.push(vertex);
            let entries = reader.length()?;
            total = total
                .checked_add(entries)
                .filter(|&t| t <= bytes.len())
                .ok_or_else(|| CodecError::new(at, "more entries than the block can hold"))?;
            counts.push(entries);
        }
        block.entries.reserve(total);
        for entries in counts {
            let mut previous: Option<AdjacencyEntry> = None;
            for _ in 0..entries {
                let at = reader.position();
                let delta = reader.u64()?;
                let neighbour = match previous {
                    None => delta,
                    Some(p) => p
                        .neighbour
                        .checked_add(delta)
                        .ok_or_else(|| CodecError::new(at, "neighbour id overflows"))?,
                };
                let rel_id = reader.u64()?;
                let lsn = reader.u64()?;
                let flags = reader.u8()?;
                if flags & !TOMBSTONE != 0 {
                    return Err(CodecError::new(at, format!("unknown entry flags 0x{flags:02x}")));
                }
                let entry =
                    AdjacencyEntry { neighbour, rel_id, lsn, tombstone: flags & TOMBSTONE != 0 };
                if let Some(p) = previous {
                    if (p.neighbour, p.rel_id, std::cmp::Reverse(p.lsn))
                        >= (entry.neighbour, entry.rel_id, std::cmp::Reverse(entry.lsn))
                    {
                        return Err(CodecError::new(at, "entries out of order"));
                    }
                }
                block.entries.push(entry);
                previous = Some(entry);
            }
            block.starts.push(block.entries.len());
        }
        if reader.remaining() != 0 {
            return Err(CodecError::new(reader.position(), "trailing bytes after the block"));
        }
        Ok(block)
    }
}

/// Encodes the property block matching an adjacency block: one length-prefixed cell per entry.
pub(crate) fn encode_property_cells(cells: &[Option<&[u8]>]) -> Vec<u8> {
    let mut out = Vec::new();
    for cell in cells {
        let bytes = cell.unwrap_or(&[]);
        put_u64(&mut out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
    out
}

/// Splits a property block into its cells (`entries` of them): the byte range of each.
pub(crate) fn decode_property_cells(
    bytes: &[u8],
    entries: usize,
) -> Result<Vec<std::ops::Range<usize>>, CodecError> {
    let mut reader = Reader::new(bytes);
    let mut cells = Vec::with_capacity(entries.min(bytes.len()));
    for _ in 0..entries {
        let len = reader.length()?;
        let start = reader.position();
        reader.take(len)?;
        cells.push(start..start + len);
    }
    if reader.remaining() != 0 {
        return Err(CodecError::new(reader.position(), "trailing bytes after the property cells"));
    }
    Ok(cells)
}
