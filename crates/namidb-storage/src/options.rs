//! Settings and injected components of a namespace handle.

use std::sync::Arc;
use std::time::Duration;

use namidb_core::{Clock, RandomSource, SystemClock, SystemRandom};
use namidb_objstore::{BucketOptions, FaultInjector, RetryPolicy};

/// How a namespace handle behaves, and the components it uses.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Create the namespace when it does not exist (default true).
    pub create_if_missing: bool,
    /// Hold the namespace exclusively: other writers are fenced until this handle closes
    /// (default false: writers share the namespace, serialized by the manifest CAS).
    pub exclusive: bool,
    /// Largest group commit, in encoded bytes (default 16 MiB).
    pub max_group_bytes: usize,
    /// Most batches in one group commit (default 4096).
    pub max_group_batches: usize,
    /// Manifest CAS rounds a group may lose before its callers get [`crate::StorageError::Conflict`]
    /// (default 64).
    pub max_commit_attempts: u32,
    /// First wait after a lost manifest race (default 2 ms; doubles, with jitter).
    pub commit_backoff_initial: Duration,
    /// Longest wait after a lost manifest race, and longest pause a winner makes for a waiting
    /// writer (default 500 ms).
    pub commit_backoff_max: Duration,
    /// How long to keep trying to learn whether an ambiguous commit landed before giving up with
    /// [`crate::StorageError::OutcomeUnknown`] (default 10 minutes).
    pub outcome_timeout: Duration,
    /// How long the manifest remembers an idle writer (default 1 hour).
    pub writer_ttl: Duration,
    /// Longest time between writing an SST object and naming it in the manifest (default 10
    /// minutes). Garbage collection must use a longer grace period for unnamed objects.
    pub max_install_age: Duration,
    /// Segment fetches in flight during replay (default 16).
    pub replay_parallelism: usize,
    /// Retry policy of the object store.
    pub retry: RetryPolicy,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Randomness.
    pub random: Arc<dyn RandomSource>,
    /// Fault injector for tests.
    pub faults: Option<Arc<FaultInjector>>,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            create_if_missing: true,
            exclusive: false,
            max_group_bytes: 16 * 1024 * 1024,
            max_group_batches: 4096,
            max_commit_attempts: 64,
            commit_backoff_initial: Duration::from_millis(2),
            commit_backoff_max: Duration::from_millis(500),
            outcome_timeout: Duration::from_secs(600),
            writer_ttl: Duration::from_secs(3600),
            max_install_age: Duration::from_secs(600),
            replay_parallelism: 16,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            random: Arc::new(SystemRandom::new()),
            faults: None,
        }
    }
}

impl DbOptions {
    /// The object-store options these settings imply.
    pub fn bucket_options(&self) -> BucketOptions {
        BucketOptions {
            retry: self.retry.clone(),
            clock: Arc::clone(&self.clock),
            random: Arc::clone(&self.random),
            faults: self.faults.clone(),
        }
    }
}
