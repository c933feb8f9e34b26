//! Errors of object-store access.

/// What went wrong talking to the object store.
///
/// `NotFound`, `AlreadyExists` and `PreconditionFailed` are answers, not failures: callers branch on
/// them. Everything else is a failure; [`ObjectStoreError::is_retryable`] tells whether trying again
/// later may help.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ObjectStoreError {
    /// The object does not exist.
    #[error("object `{path}` not found")]
    NotFound {
        /// The object key.
        path: String,
    },
    /// A create-only put found the object already there.
    #[error("object `{path}` already exists")]
    AlreadyExists {
        /// The object key.
        path: String,
    },
    /// A compare-and-swap put found a different version than expected.
    #[error("object `{path}` changed since it was read (precondition failed)")]
    PreconditionFailed {
        /// The object key.
        path: String,
    },
    /// The URI could not be parsed or names an unsupported option.
    #[error("invalid store URI `{uri}`: {reason}")]
    InvalidUri {
        /// The URI as given.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The store could not be configured (bad credentials setup, bad directory, …).
    #[error("cannot configure object store for `{uri}`: {reason}")]
    Config {
        /// The URI as given.
        uri: String,
        /// What failed.
        reason: String,
    },
    /// The endpoint did not answer (connection refused, DNS failure, timeout while connecting).
    #[error("cannot reach the object store `{store}` ({op} `{path}` after {attempts} attempts): {message}")]
    Unreachable {
        /// The store, as shown to users.
        store: String,
        /// The operation that failed.
        op: &'static str,
        /// The object key.
        path: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last underlying error.
        message: String,
    },
    /// A transient failure (5xx, 429, 409, timeout) persisted through every retry.
    #[error(
        "object store `{store}` is unavailable ({op} `{path}` failed {attempts} times): {message}"
    )]
    Unavailable {
        /// The store, as shown to users.
        store: String,
        /// The operation that failed.
        op: &'static str,
        /// The object key.
        path: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last underlying error.
        message: String,
    },
    /// A failure that retrying will not fix (access denied, bad request, I/O error on a local disk).
    #[error("object store `{store}` rejected {op} `{path}`: {message}")]
    Rejected {
        /// The store, as shown to users.
        store: String,
        /// The operation that failed.
        op: &'static str,
        /// The object key.
        path: String,
        /// The underlying error.
        message: String,
    },
    /// A fault injected by a test.
    #[error("injected fault on {op} `{path}` (call #{call})")]
    Injected {
        /// The operation.
        op: &'static str,
        /// The object key.
        path: String,
        /// The global call index the fault fired at.
        call: u64,
    },
    /// The fault injector simulated a process crash; this handle makes no more requests.
    #[error("simulated crash: the store handle is dead")]
    Crashed,
}

impl ObjectStoreError {
    /// Whether trying the same call again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ObjectStoreError::Unavailable { .. } | ObjectStoreError::Unreachable { .. })
    }
}
