//! Errors of the graph store.

use thiserror::Error;

/// A decoding failure: where in the input, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at byte {offset}: {message}")]
pub struct CodecError {
    /// Offset in the decoded bytes.
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

impl CodecError {
    /// An error at `offset`.
    pub fn new(offset: usize, message: impl Into<String>) -> CodecError {
        CodecError { offset, message: message.into() }
    }
}

/// Errors of the graph store.
#[derive(Debug, Error)]
pub enum GraphError {
    /// A record (WAL value, property map) does not decode.
    #[error("corrupt graph record: {0}")]
    CorruptRecord(CodecError),
    /// An edge SST does not decode or fails its checksums.
    #[error("corrupt edge SST {object}: {detail}")]
    CorruptEdgeSst {
        /// The object key.
        object: String,
        /// What was wrong.
        detail: String,
    },
    /// A node SST does not decode (Parquet error, missing metadata, wrong column types).
    #[error("corrupt node SST {object}: {detail}")]
    CorruptNodeSst {
        /// The object key.
        object: String,
        /// What was wrong.
        detail: String,
    },
    /// `schema/current.json` does not decode, or cannot be updated.
    #[error("schema object {object}: {detail}")]
    CorruptSchema {
        /// The object key.
        object: String,
        /// What was wrong.
        detail: String,
    },
    /// An edge SST written by a newer format version.
    #[error("edge SST {object} has format version {version}; this build reads up to {supported}")]
    UnsupportedEdgeSstVersion {
        /// The object key.
        object: String,
        /// Its version.
        version: u16,
        /// The newest version this build reads.
        supported: u16,
    },
    /// Input that cannot be written (entries out of order, a name too long).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The storage spine failed (commit, manifest edit, recovery).
    #[error(transparent)]
    Storage(#[from] namidb_storage::StorageError),
    /// The object store failed.
    #[error(transparent)]
    ObjectStore(#[from] namidb_objstore::ObjectStoreError),
}
