//! The edge SST footer (the index of groups and blocks) and the fixed trailer after it.

use super::{Direction, FORMAT_VERSION, MAGIC};
use crate::error::CodecError;
use crate::varint::{put_str, put_u64, Reader};

/// Length of the trailer: footer length u32, footer CRC32C u32, version u16, reserved u16, magic.
pub const TRAILER_LEN: usize = 20;

/// A byte range of the file with its checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Offset from the start of the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// CRC32C of the bytes.
    pub crc: u32,
}

/// One block of a group: a run of vertices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef {
    /// Smallest vertex id in the block.
    pub first_vertex: u64,
    /// Largest vertex id in the block.
    pub last_vertex: u64,
    /// Vertices in the block.
    pub vertex_count: u64,
    /// Entries in the block.
    pub entry_count: u64,
    /// The adjacency block.
    pub adjacency: Section,
    /// The property block.
    pub properties: Section,
}

/// The index of one (relationship type, direction) group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupIndex {
    /// The relationship type.
    pub rel_type: String,
    /// Forward (by source) or reverse (by target).
    pub direction: Direction,
    /// Distinct vertices.
    pub vertex_count: u64,
    /// Entries (relationship versions).
    pub entry_count: u64,
    /// Blocks in vertex order, not overlapping.
    pub blocks: Vec<BlockRef>,
}

impl GroupIndex {
    /// The block that would hold `vertex`.
    pub fn block_for(&self, vertex: u64) -> Option<&BlockRef> {
        let i = self.blocks.partition_point(|b| b.last_vertex < vertex);
        self.blocks.get(i).filter(|b| b.first_vertex <= vertex)
    }
}

/// The decoded footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSstFooter {
    /// Smallest LSN of any entry.
    pub min_lsn: u64,
    /// Largest LSN of any entry.
    pub max_lsn: u64,
    /// Groups ordered by type then direction.
    pub groups: Vec<GroupIndex>,
}

impl EdgeSstFooter {
    /// The group of `rel_type` in `direction`.
    pub fn group(&self, rel_type: &str, direction: Direction) -> Option<&GroupIndex> {
        self.groups
            .binary_search_by(|g| (g.rel_type.as_str(), g.direction).cmp(&(rel_type, direction)))
            .ok()
            .map(|i| &self.groups[i])
    }

    /// Encodes the footer followed by the trailer.
    pub fn encode_with_trailer(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u64(&mut out, self.min_lsn);
        put_u64(&mut out, self.max_lsn);
        put_u64(&mut out, self.groups.len() as u64);
        for group in &self.groups {
            put_str(&mut out, &group.rel_type);
            out.push(group.direction.code());
            put_u64(&mut out, group.vertex_count);
            put_u64(&mut out, group.entry_count);
            put_u64(&mut out, group.blocks.len() as u64);
            for block in &group.blocks {
                put_u64(&mut out, block.first_vertex);
                put_u64(&mut out, block.last_vertex);
                put_u64(&mut out, block.vertex_count);
                put_u64(&mut out, block.entry_count);
                for section in [block.adjacency, block.properties] {
                    put_u64(&mut out, section.offset);
                    put_u64(&mut out, section.len);
                    out.extend_from_slice(&section.crc.to_le_bytes());
                }
            }
        }
        let footer_len = out.len() as u32;
        let crc = crc32c::crc32c(&out);
        out.extend_from_slice(&footer_len.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(MAGIC);
        out
    }

    /// Reads the trailer (the last [`TRAILER_LEN`] bytes): the footer's length and checksum and
    /// the format version.
    pub fn parse_trailer(trailer: &[u8]) -> Result<(u32, u32, u16), CodecError> {
        if trailer.len() != TRAILER_LEN {
            return Err(CodecError::new(0, "trailer has the wrong length"));
        }
        if &trailer[12..20] != MAGIC {
            return Err(CodecError::new(12, "missing edge SST magic (not an edge SST, or torn)"));
        }
        let word = |i: usize| {
            u32::from_le_bytes([trailer[i], trailer[i + 1], trailer[i + 2], trailer[i + 3]])
        };
        if trailer[10..12] != [0, 0] {
            return Err(CodecError::new(10, "reserved trailer bytes are not zero"));
        }
        let version = u16::from_le_bytes([trailer[8], trailer[9]]);
        Ok((word(0), word(4), version))
    }

    /// Decodes a footer whose checksum has been verified; `file_len` bounds its sections.
    pub fn decode(bytes: &[u8], file_len: u64) -> Result<EdgeSstFooter, CodecError> {
        let mut reader = Reader::new(bytes);
        let min_lsn = reader.u64()?;
        let max_lsn = reader.u64()?;
        let group_count = reader.length()?;
        let mut groups: Vec<GroupIndex> = Vec::with_capacity(group_count);
        for _ in 0..group_count {
            let at = reader.position();
            let rel_type = reader.string()?;
            let direction = Direction::from_code(reader.u8()?)
                .ok_or_else(|| CodecError::new(at, "unknown direction"))?;
            if groups.last().is_some_and(|g| {
                (g.rel_type.as_str(), g.direction) >= (rel_type.as_str(), direction)
            }) {
                return Err(CodecError::new(at, "groups out of order"));
            }
            let vertex_count = reader.u64()?;
            let entry_count = reader.u64()?;
            let block_count = reader.length()?;
            let mut blocks: Vec<BlockRef> = Vec::with_capacity(block_count);
            for _ in 0..block_count {
                let at = reader.position();
                let first_vertex = reader.u64()?;
                let last_vertex = reader.u64()?;
                let block_vertices = reader.u64()?;
                let block_entries = reader.u64()?;
                let mut sections = [Section { offset: 0, len: 0, crc: 0 }; 2];
                for section in &mut sections {
                    let offset = reader.u64()?;
                    let len = reader.u64()?;
                    let crc = reader.u32_le()?;
                    if offset.checked_add(len).is_none_or(|end| end > file_len) {
                        return Err(CodecError::new(at, "block section lies outside the file"));
                    }
                    *section = Section { offset, len, crc };
                }
                let after_previous = blocks.last().is_none_or(|b| b.last_vertex < first_vertex);
                if first_vertex > last_vertex || !after_previous {
                    return Err(CodecError::new(at, "blocks overlap or are out of order"));
                }
                blocks.push(BlockRef {
                    first_vertex,
                    last_vertex,
                    vertex_count: block_vertices,
                    entry_count: block_entries,
                    adjacency: sections[0],
                    properties: sections[1],
                });
            }
            groups.push(GroupIndex { rel_type, direction, vertex_count, entry_count, blocks });
        }
        if reader.remaining() != 0 {
            return Err(CodecError::new(reader.position(), "trailing bytes after the footer"));
        }
        Ok(EdgeSstFooter { min_lsn, max_lsn, groups })
    }
}
