//! Write batches: the unit of atomic commit.
//!
//! A [`WriteBatch`] holds key writes (puts and deletes) and, optionally, preconditions on what the
//! batch read. All writes of a batch get one LSN and become visible together, or not at all.
//! Preconditions make read-modify-write safe across writers: if another commit changed what a batch
//! read, the batch is rejected with [`crate::StorageError::Conflict`] and the caller recomputes it
//! on the newer state.

use bytes::Bytes;
use namidb_core::Lsn;

/// Largest key accepted, in bytes.
pub const MAX_KEY_LEN: usize = 64 * 1024;
/// Largest value accepted, in bytes.
pub const MAX_VALUE_LEN: usize = 64 * 1024 * 1024;

/// One write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Set `key` to `value`.
    Put {
        /// The key.
        key: Bytes,
        /// The new value.
        value: Bytes,
    },
    /// Remove `key` (a tombstone).
    Delete {
        /// The key.
        key: Bytes,
    },
}

impl WriteOp {
    /// The key written.
    pub fn key(&self) -> &Bytes {
        match self {
            WriteOp::Put { key, .. } | WriteOp::Delete { key } => key,
        }
    }

    /// The value written; `None` for a delete.
    pub fn value(&self) -> Option<&Bytes> {
        match self {
            WriteOp::Put { value, .. } => Some(value),
            WriteOp::Delete { .. } => None,
        }
    }

    pub(crate) fn encoded_len(&self) -> usize {
        1 + 4 + self.key().len() + self.value().map_or(0, |v| 4 + v.len())
    }
}

/// A condition checked at commit time, against the newest committed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// No commit after `since` wrote `key`.
    KeyUnchanged {
        /// The key read.
        key: Bytes,
        /// The snapshot the read was made at.
        since: Lsn,
    },
    /// No commit after `since` wrote any key in `start..end`.
    RangeUnchanged {
        /// First key of the range scanned.
        start: Bytes,
        /// End of the range (exclusive); `None` for unbounded.
        end: Option<Bytes>,
        /// The snapshot the scan was made at.
        since: Lsn,
    },
}

/// A set of writes committed atomically, with optional preconditions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<WriteOp>,
    preconditions: Vec<Precondition>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> WriteBatch {
        WriteBatch::default()
    }

    /// Adds a put.
    pub fn put(&mut self, key: impl Into<Bytes>, value: impl Into<Bytes>) -> &mut Self {
        self.ops.push(WriteOp::Put { key: key.into(), value: value.into() });
        self
    }

    /// Adds a delete.
    pub fn delete(&mut self, key: impl Into<Bytes>) -> &mut Self {
        self.ops.push(WriteOp::Delete { key: key.into() });
        self
    }

    /// Adds a precondition.
    pub fn require(&mut self, precondition: Precondition) -> &mut Self {
        self.preconditions.push(precondition);
        self
    }

    /// The writes, in order; a later write of the same key wins.
    pub fn ops(&self) -> &[WriteOp] {
        &self.ops
    }

    /// The preconditions.
    pub fn preconditions(&self) -> &[Precondition] {
        &self.preconditions
    }

    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Approximate encoded size in bytes.
    pub fn encoded_len(&self) -> usize {
        4 + self.ops.iter().map(WriteOp::encoded_len).sum::<usize>()
    }

    /// The latest write to `key` in this batch, if any (`Some(None)` for a delete).
    pub fn lookup(&self, key: &[u8]) -> Option<Option<&Bytes>> {
        self.ops.iter().rev().find(|op| op.key().as_ref() == key).map(WriteOp::value)
    }

    /// Checks sizes; returns a description of the first problem.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for op in &self.ops {
            if op.key().is_empty() {
                return Err("a key is empty".to_owned());
            }
            if op.key().len() > MAX_KEY_LEN {
                return Err(format!(
                    "a key is {} bytes; the limit is {MAX_KEY_LEN}",
                    op.key().len()
                ));
            }
            if let Some(value) = op.value() {
                if value.len() > MAX_VALUE_LEN {
                    return Err(format!(
                        "a value is {} bytes; the limit is {MAX_VALUE_LEN}",
                        value.len()
                    ));
                }
            }
        }
        if self.ops.len() > u32::MAX as usize {
            return Err("too many writes in one batch".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_sees_the_latest_write() {
        let mut batch = WriteBatch::new();
        batch.put("a", "1").put("a", "2").delete("b");
        assert_eq!(batch.lookup(b"a"), Some(Some(&Bytes::from("2"))));
        assert_eq!(batch.lookup(b"b"), Some(None));
        assert_eq!(batch.lookup(b"c"), None);
    }

    #[test]
    fn validate_rejects_empty_keys() {
        let mut batch = WriteBatch::new();
        batch.put("", "x");
        assert!(batch.validate().unwrap_err().contains("empty"));
    }
}
