//! WAL segment codec (format version 1).
//!
//! One segment is one object, written once with `If-None-Match: *`, holding the batches of one group
//! commit. The byte layout is described in `docs/formats/wal-segment.md`; in short:
//!
//! ```text
//! header   magic "NAMIWAL\0" | version u16 | flags u16 | writer id u128 | first LSN u64 | nonce u64
//! record*  body length u32 | CRC32C(body) u32 | body = LSN u64 | op count u32 | op*
//! op       tag u8 (1 put, 2 delete) | key length u32 | key | [value length u32 | value]
//! trailer  magic "NAMIWEND" | record count u32 | last LSN u64 | CRC32C(everything before) u32
//! ```
//!
//! Integers are little-endian. Decoding checks every length, both kinds of checksum, the record
//! count and that LSNs run contiguously from the first; a segment cut short is reported as torn.

use bytes::{BufMut, Bytes, BytesMut};
use namidb_core::{Lsn, WriterId};

use crate::batch::WriteOp;

/// Magic bytes at the start of every segment.
pub const SEGMENT_MAGIC: &[u8; 8] = b"NAMIWAL\0";
/// Magic bytes at the start of every segment's trailer.
pub const TRAILER_MAGIC: &[u8; 8] = b"NAMIWEND";
/// The segment format version this build writes.
pub const SEGMENT_FORMAT_VERSION: u16 = 1;

const HEADER_LEN: usize = 8 + 2 + 2 + 16 + 8 + 8;
const TRAILER_LEN: usize = 8 + 4 + 8 + 4;
const TAG_PUT: u8 = 1;
const TAG_DELETE: u8 = 2;

/// One committed batch as stored in the WAL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalRecord {
    /// The batch's LSN.
    pub lsn: Lsn,
    /// Its writes.
    pub ops: Vec<WriteOp>,
}

/// A decoded segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalSegment {
    /// The writer that produced it.
    pub writer: WriterId,
    /// A random number distinguishing this segment from any other with the same content.
    pub nonce: u64,
    /// The batches, in LSN order.
    pub records: Vec<WalRecord>,
}

/// Why a segment could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalDecodeError {
    /// The object ends before its trailer: it was cut short.
    #[error("segment is torn: {0}")]
    Torn(String),
    /// The bytes are not a valid segment.
    #[error("segment is corrupt: {0}")]
    Corrupt(String),
    /// The segment was written by a newer format version.
    #[error("segment format version {0} is not supported (this build reads version {SEGMENT_FORMAT_VERSION})")]
    UnsupportedVersion(u16),
}

impl WalSegment {
    /// The first LSN in the segment.
    pub fn first_lsn(&self) -> Option<Lsn> {
        self.records.first().map(|r| r.lsn)
    }

    /// The last LSN in the segment.
    pub fn last_lsn(&self) -> Option<Lsn> {
        self.records.last().map(|r| r.lsn)
    }

    /// Encodes the segment. Records must have contiguous, increasing LSNs.
    pub fn encode(&self) -> Bytes {
        let body_len: usize = self
            .records
            .iter()
            .map(|r| 8 + 8 + 4 + r.ops.iter().map(WriteOp::encoded_len).sum::<usize>())
            .sum();
        let mut out = BytesMut::with_capacity(HEADER_LEN + body_len + TRAILER_LEN);
        out.put_slice(SEGMENT_MAGIC);
        out.put_u16_le(SEGMENT_FORMAT_VERSION);
        out.put_u16_le(0);
        out.put_u128_le(self.writer.0);
        out.put_u64_le(self.first_lsn().map_or(0, Lsn::get));
        out.put_u64_le(self.nonce);
        for record in &self.records {
            let mut body = BytesMut::new();
            body.put_u64_le(record.lsn.get());
            body.put_u32_le(record.ops.len() as u32);
            for op in &record.ops {
                match op {
                    WriteOp::Put { key, value } => {
                        body.put_u8(TAG_PUT);
                        body.put_u32_le(key.len() as u32);
                        body.put_slice(key);
                        body.put_u32_le(value.len() as u32);
                        body.put_slice(value);
                    }
                    WriteOp::Delete { key } => {
                        body.put_u8(TAG_DELETE);
                        body.put_u32_le(key.len() as u32);
                        body.put_slice(key);
                    }
                }
            }
            out.put_u32_le(body.len() as u32);
            out.put_u32_le(crc32c::crc32c(&body));
            out.put_slice(&body);
        }
        out.put_slice(TRAILER_MAGIC);
        out.put_u32_le(self.records.len() as u32);
        out.put_u64_le(self.last_lsn().map_or(0, Lsn::get));
        let crc = crc32c::crc32c(&out);
        out.put_u32_le(crc);
        out.freeze()
    }

    /// Decodes and verifies a segment.
    pub fn decode(bytes: &[u8]) -> Result<WalSegment, WalDecodeError> {
        if bytes.len() < SEGMENT_MAGIC.len() || &bytes[..SEGMENT_MAGIC.len()] != SEGMENT_MAGIC {
            if SEGMENT_MAGIC.starts_with(bytes) {
                return Err(WalDecodeError::Torn(format!("only {} bytes", bytes.len())));
            }
            return Err(WalDecodeError::Corrupt("bad magic".to_owned()));
        }
        if bytes.len() < HEADER_LEN {
            return Err(WalDecodeError::Torn(format!("header cut short at {} bytes", bytes.len())));
        }
        let mut header = Reader::new(&bytes[SEGMENT_MAGIC.len()..HEADER_LEN]);
        let version = header.u16()?;
        if version != SEGMENT_FORMAT_VERSION {
            return Err(WalDecodeError::UnsupportedVersion(version));
        }
        let _flags = header.u16()?;
        let writer = WriterId(header.u128()?);
        let first_lsn = header.u64()?;
        let nonce = header.u64()?;

        if bytes.len() < HEADER_LEN + TRAILER_LEN
            || &bytes[bytes.len() - TRAILER_LEN..bytes.len() - TRAILER_LEN + 8] != TRAILER_MAGIC
        {
            return Err(WalDecodeError::Torn(format!(
                "no trailer at the end of {} bytes",
                bytes.len()
            )));
        }
        let crc_offset = bytes.len() - 4;
        let mut crc_reader = Reader::new(&bytes[crc_offset..]);
        let stored_crc = crc_reader.u32()?;
        let actual_crc = crc32c::crc32c(&bytes[..crc_offset]);
        if stored_crc != actual_crc {
            return Err(WalDecodeError::Corrupt(format!(
                "segment checksum mismatch (stored {stored_crc:08x}, computed {actual_crc:08x})"
            )));
        }
        let mut trailer = Reader::new(&bytes[bytes.len() - TRAILER_LEN + 8..crc_offset]);
        let record_count = trailer.u32()?;
        let last_lsn = trailer.u64()?;

        let mut reader = Reader::new(&bytes[HEADER_LEN..bytes.len() - TRAILER_LEN]);
        let mut records = Vec::new();
        while !reader.is_empty() {
            let body_len = reader.u32()? as usize;
            let stored = reader.u32()?;
            let body = reader.take(body_len)?;
            if crc32c::crc32c(body) != stored {
                return Err(WalDecodeError::Corrupt(format!(
                    "record {} checksum mismatch",
                    records.len()
                )));
            }
            records.push(decode_record(body)?);
        }
        if records.len() != record_count as usize {
            return Err(WalDecodeError::Corrupt(format!(
                "trailer says {record_count} records, found {}",
                records.len()
            )));
        }
        let expected_first = records.first().map_or(0, |r| r.lsn.get());
        if expected_first != first_lsn || records.last().map_or(0, |r| r.lsn.get()) != last_lsn {
            return Err(WalDecodeError::Corrupt(
                "header or trailer LSN disagrees with records".to_owned(),
            ));
        }
        for pair in records.windows(2) {
            if pair[1].lsn != pair[0].lsn.next() {
                return Err(WalDecodeError::Corrupt(format!(
                    "LSNs are not contiguous: {} then {}",
                    pair[0].lsn, pair[1].lsn
                )));
            }
        }
        Ok(WalSegment { writer, nonce, records })
    }
}

/// The checksum the manifest records for a segment: its trailer checksum, the CRC32C of every
/// byte before the last four. (A CRC over a message followed by its own CRC is a constant, so the
/// whole object's CRC would identify nothing.)
pub fn segment_checksum(bytes: &[u8]) -> u32 {
    crc32c::crc32c(&bytes[..bytes.len().saturating_sub(4)])
}

fn decode_record(body: &[u8]) -> Result<WalRecord, WalDecodeError> {
    let mut reader = Reader::new(body);
    let lsn = Lsn(reader.u64()?);
    if lsn == Lsn::ZERO {
        return Err(WalDecodeError::Corrupt("record with LSN 0".to_owned()));
    }
    let op_count = reader.u32()? as usize;
    // Each op takes at least 5 bytes, which bounds the allocation on hostile input.
    let mut ops = Vec::with_capacity(op_count.min(body.len() / 5));
    for _ in 0..op_count {
        let tag = reader.u8()?;
        let key_len = reader.u32()? as usize;
        let key = Bytes::copy_from_slice(reader.take(key_len)?);
        match tag {
            TAG_PUT => {
                let value_len = reader.u32()? as usize;
                let value = Bytes::copy_from_slice(reader.take(value_len)?);
                ops.push(WriteOp::Put { key, value });
            }
            TAG_DELETE => ops.push(WriteOp::Delete { key }),
            other => return Err(WalDecodeError::Corrupt(format!("unknown op tag {other}"))),
        }
    }
    if !reader.is_empty() {
        return Err(WalDecodeError::Corrupt("trailing bytes in a record".to_owned()));
    }
    Ok(WalRecord { lsn, ops })
}

/// A bounds-checked little-endian reader.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WalDecodeError> {
        if n > self.bytes.len() {
            return Err(WalDecodeError::Corrupt(format!(
                "length {n} runs past the end ({} bytes left)",
                self.bytes.len()
            )));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], WalDecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, WalDecodeError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, WalDecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, WalDecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, WalDecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn u128(&mut self) -> Result<u128, WalDecodeError> {
        Ok(u128::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
mod tests;
