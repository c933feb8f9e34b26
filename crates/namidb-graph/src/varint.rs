//! LEB128 variable-length integers and zig-zag signed mapping, with bounds-checked decoding.

use crate::error::CodecError;

/// Appends `value` as unsigned LEB128 (7 bits per byte, low groups first).
pub fn put_u64(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends `value` zig-zag mapped (0, -1, 1, -2, … → 0, 1, 2, 3, …) as LEB128.
pub fn put_i64(out: &mut Vec<u8>, value: i64) {
    put_u64(out, ((value << 1) ^ (value >> 63)) as u64);
}

/// A cursor over encoded bytes that never reads past the end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// Current offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Reads an unsigned LEB128 integer of at most 10 bytes.
    pub fn u64(&mut self) -> Result<u64, CodecError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(CodecError::new(self.pos, "varint overflows 64 bits"));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    return Err(CodecError::new(self.pos, "non-canonical (overlong) varint"));
                }
                return Ok(value);
            }
        }
        Err(CodecError::new(self.pos, "varint longer than 10 bytes"))
    }

    /// Reads a zig-zag LEB128 signed integer.
    pub fn i64(&mut self) -> Result<i64, CodecError> {
        let raw = self.u64()?;
        Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
    }

    /// Reads a LEB128 length and checks that many bytes could follow.
    pub fn length(&mut self) -> Result<usize, CodecError> {
        let len = self.u64()?;
        usize::try_from(len)
            .ok()
            .filter(|&l| l <= self.remaining())
            .ok_or_else(|| CodecError::new(self.pos, format!("length {len} exceeds the data")))
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, CodecError> {
        let byte = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| CodecError::new(self.pos, "unexpected end of data"))?;
        self.pos += 1;
        Ok(byte)
    }

    /// Reads `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| CodecError::new(self.pos, "unexpected end of data"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// Reads a fixed little-endian u32.
    pub fn u32_le(&mut self) -> Result<u32, CodecError> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// Reads a length-prefixed UTF-8 string.
    pub fn string(&mut self) -> Result<String, CodecError> {
        let len = self.length()?;
        let at = self.pos;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| CodecError::new(at, "invalid UTF-8"))
    }
}

/// Appends a length-prefixed string.
pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unsigned_round_trips(value: u64) {
            let mut out = Vec::new();
            put_u64(&mut out, value);
            let mut reader = Reader::new(&out);
            prop_assert_eq!(reader.u64().unwrap(), value);
            prop_assert_eq!(reader.remaining(), 0);
        }

        #[test]
        fn signed_round_trips(value: i64) {
            let mut out = Vec::new();
            put_i64(&mut out, value);
            prop_assert_eq!(Reader::new(&out).i64().unwrap(), value);
        }

        #[test]
        fn decoding_garbage_never_panics(bytes: Vec<u8>) {
            let mut reader = Reader::new(&bytes);
            let _ = reader.u64();
            let _ = reader.string();
        }
    }

    #[test]
    fn overlong_and_truncated_varints_are_errors() {
        assert!(Reader::new(&[0xff; 11]).u64().is_err());
        assert!(Reader::new(&[0x80]).u64().is_err());
        assert!(Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])
            .u64()
            .is_err());
    }
}
