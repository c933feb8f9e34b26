//! Reading an edge SST: the footer with one ranged GET of the file's tail, then only the blocks
//! an expand needs, each verified against its checksum.

use std::sync::Arc;

use bytes::Bytes;
use namidb_objstore::Bucket;

use super::block::{decode_property_cells, AdjacencyBlock, AdjacencyEntry};
use super::footer::{BlockRef, EdgeSstFooter, Section, TRAILER_LEN};
use super::writer::EdgeVersion;
use super::{Direction, FORMAT_VERSION, HEADER_LEN, MAGIC};
use crate::error::GraphError;
use crate::model::{NodeId, RelId, RelKey};

/// Bytes fetched from the end of the file on open: the trailer and, usually, the whole footer.
pub const TAIL_FETCH_BYTES: u64 = 16 * 1024;

/// An open edge SST: its name, size and decoded footer.
#[derive(Debug, Clone)]
pub struct EdgeSstReader {
    object: Arc<str>,
    size: u64,
    footer: EdgeSstFooter,
}

impl EdgeSstReader {
    /// Parses a whole SST held in memory (tests, tools, fuzzing).
    pub fn from_bytes(object: &str, file: &[u8]) -> Result<EdgeSstReader, GraphError> {
        let corrupt =
            |detail: String| GraphError::CorruptEdgeSst { object: object.to_owned(), detail };
        if file.len() < HEADER_LEN + TRAILER_LEN || &file[..8] != MAGIC {
            return Err(corrupt("too short or missing the header magic".into()));
        }
        let reader = Self::from_tail(object, file.len() as u64, file)?;
        let header_version = u16::from_le_bytes([file[8], file[9]]);
        if header_version != FORMAT_VERSION || file[10..HEADER_LEN].iter().any(|&b| b != 0) {
            return Err(corrupt("header version or reserved bytes are wrong".into()));
        }
        Ok(reader)
    }

    /// Opens `key` of `size` bytes: one ranged GET of the tail (a second only for a footer
    /// longer than [`TAIL_FETCH_BYTES`]).
    pub async fn open(bucket: &Bucket, key: &str, size: u64) -> Result<EdgeSstReader, GraphError> {
        if size < (HEADER_LEN + TRAILER_LEN) as u64 {
            return Err(GraphError::CorruptEdgeSst {
                object: key.to_owned(),
                detail: format!("{size} bytes is too short for an edge SST"),
            });
        }
        let start = size.saturating_sub(TAIL_FETCH_BYTES);
        let tail = bucket.get_range(key, start..size).await?;
        let needed = Self::trailer(key, size, &tail)?.0 as u64 + TRAILER_LEN as u64;
        if needed <= tail.len() as u64 {
            return Self::from_tail(key, size, &tail);
        }
        let tail = bucket.get_range(key, size - needed..size).await?;
        Self::from_tail(key, size, &tail)
    }

    /// Checks the trailer at the end of `tail` (the last bytes of a file of `size` bytes);
    /// returns the footer's length and checksum.
    fn trailer(object: &str, size: u64, tail: &[u8]) -> Result<(usize, u32), GraphError> {
        let corrupt =
            |detail: String| GraphError::CorruptEdgeSst { object: object.to_owned(), detail };
        if tail.len() < TRAILER_LEN {
            return Err(corrupt("truncated trailer".into()));
        }
        let (footer_len, footer_crc, version) =
            EdgeSstFooter::parse_trailer(&tail[tail.len() - TRAILER_LEN..])
                .map_err(|e| corrupt(e.to_string()))?;
        if version == 0 || version > FORMAT_VERSION {
            return Err(GraphError::UnsupportedEdgeSstVersion {
                object: object.to_owned(),
                version,
                supported: FORMAT_VERSION,
            });
        }
        let footer_len = footer_len as usize;
        if (footer_len + TRAILER_LEN + HEADER_LEN) as u64 > size {
            return Err(corrupt(format!("footer length {footer_len} exceeds the file")));
        }
        Ok((footer_len, footer_crc))
    }

    /// Parses the footer from the last bytes of a file of `size` bytes; `tail` must hold the
    /// whole footer and trailer.
    fn from_tail(object: &str, size: u64, tail: &[u8]) -> Result<EdgeSstReader, GraphError> {
        let corrupt =
            |detail: String| GraphError::CorruptEdgeSst { object: object.to_owned(), detail };
        let (footer_len, footer_crc) = Self::trailer(object, size, tail)?;
        if footer_len + TRAILER_LEN > tail.len() {
            return Err(corrupt(format!("footer of {footer_len} bytes is cut off")));
        }
        let footer_bytes = &tail[tail.len() - TRAILER_LEN - footer_len..tail.len() - TRAILER_LEN];
        if crc32c::crc32c(footer_bytes) != footer_crc {
            return Err(corrupt("footer checksum mismatch".into()));
        }
        let data_end = size - (footer_len + TRAILER_LEN) as u64;
        let footer = EdgeSstFooter::decode(footer_bytes, data_end)
            .map_err(|e| corrupt(format!("footer {e}")))?;
        Ok(EdgeSstReader { object: Arc::from(object), size, footer })
    }

    /// The object key.
    pub fn object(&self) -> &Arc<str> {
        &self.object
    }

    /// The file size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The decoded footer.
    pub fn footer(&self) -> &EdgeSstFooter {
        &self.footer
    }

    /// The block of `rel_type` in `direction` that would hold `vertex`.
    pub fn block_for(
        &self,
        rel_type: &str,
        direction: Direction,
        vertex: u64,
    ) -> Option<&BlockRef> {
        self.footer.group(rel_type, direction)?.block_for(vertex)
    }

    fn verified<'a>(&self, section: &Section, bytes: &'a [u8]) -> Result<&'a [u8], GraphError> {
        if bytes.len() as u64 != section.len || crc32c::crc32c(bytes) != section.crc {
            return Err(GraphError::CorruptEdgeSst {
                object: self.object.to_string(),
                detail: format!("block at offset {} fails its checksum", section.offset),
            });
        }
        Ok(bytes)
    }

    /// Decodes an adjacency block from its bytes (as fetched).
    pub fn decode_adjacency(
        &self,
        block: &BlockRef,
        bytes: &[u8],
    ) -> Result<AdjacencyBlock, GraphError> {
        let bytes = self.verified(&block.adjacency, bytes)?;
        let decoded = AdjacencyBlock::decode(bytes).map_err(|e| GraphError::CorruptEdgeSst {
            object: self.object.to_string(),
            detail: format!("adjacency block at offset {}: {e}", block.adjacency.offset),
        })?;
        if decoded.entries.len() as u64 != block.entry_count {
            return Err(GraphError::CorruptEdgeSst {
                object: self.object.to_string(),
                detail: "block entry count disagrees with the footer".into(),
            });
        }
        Ok(decoded)
    }

    /// Splits a property block into one cell per entry (empty for tombstones).
    pub fn decode_properties(
        &self,
        block: &BlockRef,
        bytes: &Bytes,
    ) -> Result<Vec<Bytes>, GraphError> {
        let verified = self.verified(&block.properties, bytes)?;
        let cells = decode_property_cells(verified, block.entry_count as usize).map_err(|e| {
            GraphError::CorruptEdgeSst {
                object: self.object.to_string(),
                detail: format!("property block at offset {}: {e}", block.properties.offset),
            }
        })?;
        Ok(cells.into_iter().map(|range| bytes.slice(range)).collect())
    }

    /// Fetches and decodes one adjacency block (one ranged GET).
    pub async fn fetch_adjacency(
        &self,
        bucket: &Bucket,
        block: &BlockRef,
    ) -> Result<AdjacencyBlock, GraphError> {
        let range = block.adjacency.offset..block.adjacency.offset + block.adjacency.len;
        let bytes = bucket.get_range(&self.object, range).await?;
        self.decode_adjacency(block, &bytes)
    }

    /// Fetches one property block (one ranged GET) split into cells.
    pub async fn fetch_properties(
        &self,
        bucket: &Bucket,
        block: &BlockRef,
    ) -> Result<Vec<Bytes>, GraphError> {
        let range = block.properties.offset..block.properties.offset + block.properties.len;
        let bytes = bucket.get_range(&self.object, range).await?;
        self.decode_properties(block, &bytes)
    }

    /// Every version this SST holds of `vertex`'s relationships of `rel_type` in `direction`:
    /// zero GETs when no block can hold it, else one.
    pub async fn expand(
        &self,
        bucket: &Bucket,
        rel_type: &str,
        direction: Direction,
        vertex: u64,
    ) -> Result<Vec<AdjacencyEntry>, GraphError> {
        let Some(block) = self.block_for(rel_type, direction, vertex) else {
            return Ok(Vec::new());
        };
        let decoded = self.fetch_adjacency(bucket, block).await?;
        Ok(decoded.neighbours(vertex).to_vec())
    }

    /// Every version in the groups of `direction`, decoded from the whole file (compaction).
    pub fn versions(
        &self,
        file: &Bytes,
        direction: Direction,
    ) -> Result<Vec<EdgeVersion>, GraphError> {
        let mut out = Vec::new();
        for group in self.footer.groups.iter().filter(|g| g.direction == direction) {
            for block in &group.blocks {
                let section = |s: &Section| -> Result<Bytes, GraphError> {
                    let end = s.offset.checked_add(s.len).filter(|end| *end <= file.len() as u64);
                    end.map(|end| file.slice(s.offset as usize..end as usize)).ok_or_else(|| {
                        GraphError::CorruptEdgeSst {
                            object: self.object.to_string(),
                            detail: "block beyond the end of the file".into(),
                        }
                    })
                };
                let adjacency = self.decode_adjacency(block, &section(&block.adjacency)?)?;
                let cells = self.decode_properties(block, &section(&block.properties)?)?;
                for &vertex in &adjacency.vertices {
                    for index in adjacency.entry_range(vertex) {
                        let entry = adjacency.entries[index];
                        let (src, dst) = match direction {
                            Direction::Forward => (vertex, entry.neighbour),
                            Direction::Reverse => (entry.neighbour, vertex),
                        };
                        out.push(EdgeVersion {
                            rel: RelKey {
                                rel_type: group.rel_type.clone(),
                                src: NodeId(src),
                                dst: NodeId(dst),
                                id: RelId(entry.rel_id),
                            },
                            lsn: entry.lsn,
                            properties: (!entry.tombstone)
                                .then(|| cells.get(index).map(|c| c.to_vec()).unwrap_or_default()),
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}
