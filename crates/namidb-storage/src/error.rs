//! Errors of the storage engine.
//!
//! The rule every variant keeps: an error returned from a commit means the batch was not applied,
//! with the single, documented exception of [`StorageError::OutcomeUnknown`].

use namidb_objstore::ObjectStoreError;

use crate::manifest::ManifestDecodeError;
use crate::wal_segment::WalDecodeError;

/// A storage-engine error.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The object store failed or refused a request.
    #[error(transparent)]
    ObjectStore(#[from] ObjectStoreError),
    /// `manifest.json` could not be decoded.
    #[error("namespace `{namespace}`: cannot read manifest `{key}`: {source}")]
    CorruptManifest {
        /// The namespace.
        namespace: String,
        /// The object key.
        key: String,
        /// What is wrong with it.
        source: ManifestDecodeError,
    },
    /// A WAL segment named by the manifest could not be decoded or does not match the manifest.
    #[error("namespace `{namespace}`: cannot read WAL segment `{key}`: {reason}")]
    CorruptWal {
        /// The namespace.
        namespace: String,
        /// The object key.
        key: String,
        /// What is wrong with it.
        reason: WalReadProblem,
    },
    /// The manifest belongs to another namespace (the bucket layout was tampered with).
    #[error("manifest at `{key}` belongs to namespace `{found}`, not `{expected}`")]
    NamespaceMismatch {
        /// The object key.
        key: String,
        /// The namespace opened.
        expected: String,
        /// The namespace the manifest names.
        found: String,
    },
    /// The namespace does not exist and creating it was not allowed.
    #[error("namespace `{namespace}` does not exist in {store}")]
    NamespaceNotFound {
        /// The namespace.
        namespace: String,
        /// The store.
        store: String,
    },
    /// The batch conflicts with a concurrent commit or lost the manifest race too often; nothing
    /// was applied. Recompute it on a fresh snapshot and try again.
    #[error("commit conflict, nothing applied: {reason}")]
    Conflict {
        /// What conflicted.
        reason: String,
    },
    /// Another writer holds the namespace exclusively; nothing was applied and this handle may
    /// not write until it is reopened.
    #[error("writer fenced, nothing applied: {reason}")]
    Fenced {
        /// Who fenced this writer.
        reason: String,
    },
    /// The batch is invalid (empty key, oversized value); nothing was applied.
    #[error("invalid batch: {reason}")]
    InvalidBatch {
        /// What is wrong.
        reason: String,
    },
    /// The object store stayed unreachable while a commit's outcome was being confirmed, for longer
    /// than the configured limit. The batch may or may not have been applied; the handle is closed.
    /// Reopen the namespace and read to find out.
    #[error("commit outcome unknown, the handle is closed: {reason}")]
    OutcomeUnknown {
        /// Why it could not be confirmed.
        reason: String,
    },
    /// A manifest edit (flush or compaction output, garbage collected) no longer applies: an SST
    /// it removes is gone, or an object it adds is too old to name safely. Nothing was installed.
    #[error("manifest edit rejected, nothing installed: {reason}")]
    EditRejected {
        /// Why.
        reason: String,
    },
    /// The handle is closed.
    #[error("the namespace handle is closed{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    Closed {
        /// Why, when it was closed by a failure.
        reason: Option<String>,
    },
    /// A broken internal invariant (a bug).
    #[error("internal error: {0}")]
    Internal(String),
}

/// What is wrong with a WAL segment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalReadProblem {
    /// The bytes do not decode.
    #[error(transparent)]
    Decode(#[from] WalDecodeError),
    /// The segment decodes but is not the one the manifest describes.
    #[error("does not match the manifest: {0}")]
    Mismatch(String),
}

impl StorageError {
    /// Whether the same call may succeed if tried again (after recomputing, for conflicts).
    pub fn is_retryable(&self) -> bool {
        match self {
            StorageError::ObjectStore(e) => e.is_retryable(),
            StorageError::Conflict { .. } => true,
            _ => false,
        }
    }
}
