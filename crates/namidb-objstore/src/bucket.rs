//! [`Bucket`]: the object-store API every upper layer uses.
//!
//! A call goes through these steps, outermost first:
//! 1. the retry loop (transient failures, capped jittered backoff, bounded attempts);
//! 2. request accounting (every attempt is counted);
//! 3. the fault injector, when one is installed (tests only);
//! 4. the backend: `object_store`, or for `file://` compare-and-swap, [`crate::local_cas`].
//!
//! Keys are `/`-separated strings relative to the bucket's root (the URI's prefix, narrowed with
//! [`Bucket::scoped`]).

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{FutureExt, TryStreamExt};
use namidb_core::{Clock, RandomSource, SystemClock, SystemRandom};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};

use crate::backend::open_backend;
use crate::faults::Verdict;
use crate::local_cas::{conditional_update, LocalUpdate};
use crate::retry::{classify, FailureClass};
use crate::{
    BackendSpec, ETag, EtagQuoting, FaultAction, FaultInjector, MetricsSnapshot, ObjectStoreError,
    OpKind, RequestMetrics, RetryPolicy, StoreUri,
};

/// Not yet known whether the server accepts quoted tags in `If-Match`.
const QUOTES_UNKNOWN: u8 = 0;
/// A quoted tag has succeeded: the server follows RFC 9110.
const QUOTES_ACCEPTED: u8 = 1;
/// A quoted tag failed and the same tag bare succeeded: send bare tags from now on.
const QUOTES_REJECTED: u8 = 2;

/// Components and knobs of a [`Bucket`].
#[derive(Debug, Clone)]
pub struct BucketOptions {
    /// Retry policy for transient failures.
    pub retry: RetryPolicy,
    /// Time source for backoff sleeps and injected latency.
    pub clock: Arc<dyn Clock>,
    /// Randomness for backoff jitter.
    pub random: Arc<dyn RandomSource>,
    /// A fault injector (tests only).
    pub faults: Option<Arc<FaultInjector>>,
}

impl Default for BucketOptions {
    fn default() -> Self {
        BucketOptions {
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            random: Arc::new(SystemRandom::new()),
            faults: None,
        }
    }
}

/// An object read in full.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The object's bytes.
    pub bytes: Bytes,
    /// Its entity tag, when the store gives one.
    pub etag: Option<ETag>,
}

/// What a HEAD or a LIST says about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The key relative to the bucket's root.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Entity tag, when the store gives one.
    pub etag: Option<ETag>,
    /// Last modification, in milliseconds since the Unix epoch.
    pub last_modified_millis: i64,
}

struct BucketShared {
    store: Arc<dyn ObjectStore>,
    local_root: Option<PathBuf>,
    display: String,
    options: BucketOptions,
    metrics: Arc<RequestMetrics>,
    quoting: EtagQuoting,
    /// What this handle has learned about quoted tags in `If-Match` (`QUOTES_*`).
    quote_state: AtomicU8,
}

/// A handle to a bucket (or a prefix inside one). Cheap to clone; clones share counters.
#[derive(Clone)]
pub struct Bucket {
    shared: Arc<BucketShared>,
    root: String,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket")
            .field("store", &self.shared.display)
            .field("root", &self.root)
            .finish()
    }
}

enum AttemptError {
    Raw(object_store::Error),
    Injected(ObjectStoreError, bool),
}

impl Bucket {
    /// Opens the bucket a URI names, rooted at the URI's prefix (not its namespace).
    pub fn open(uri: &StoreUri, options: BucketOptions) -> Result<Bucket, ObjectStoreError> {
        let store = open_backend(uri)?;
        let local_root = match &uri.backend {
            BackendSpec::Local { root } => Some(root.clone()),
            _ => None,
        };
        let shared = BucketShared {
            store,
            local_root,
            display: uri.display_location(),
            options,
            metrics: Arc::new(RequestMetrics::default()),
            quoting: uri.etag_quoting,
            quote_state: AtomicU8::new(QUOTES_UNKNOWN),
        };
        Ok(Bucket { shared: Arc::new(shared), root: uri.prefix.clone() })
    }

    /// A handle whose keys are relative to `sub` inside this one. Counters are shared.
    pub fn scoped(&self, sub: &str) -> Bucket {
        Bucket { shared: Arc::clone(&self.shared), root: join_key(&self.root, sub) }
    }

    /// The store as shown in messages.
    pub fn display(&self) -> &str {
        &self.shared.display
    }

    /// The root key prefix of this handle.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Request counts so far (shared by every clone and scope of this bucket).
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot()
    }

    /// The installed fault injector.
    pub fn faults(&self) -> Option<&Arc<FaultInjector>> {
        self.shared.options.faults.as_ref()
    }

    /// Reads a whole object.
    pub async fn get(&self, key: &str) -> Result<StoredObject, ObjectStoreError> {
        let path = self.path(key);
        let store = &self.shared.store;
        let object = self
            .run(OpKind::Get, &path, || {
                let (store, path) = (Arc::clone(store), path.clone());
                async move {
                    let result = store.get(&path).await?;
                    let etag = result.meta.e_tag.clone().map(ETag::new);
                    let bytes = result.bytes().await?;
                    Ok(StoredObject { bytes, etag })
                }
                .boxed()
            })
            .await?;
        self.shared.metrics.record_read(OpKind::Get, object.bytes.len() as u64);
        Ok(object)
    }

    /// Reads a byte range of an object.
    pub async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Bytes, ObjectStoreError> {
        let path = self.path(key);
        let store = &self.shared.store;
        let bytes = self
            .run(OpKind::GetRange, &path, || {
                let (store, path, range) = (Arc::clone(store), path.clone(), range.clone());
                async move { store.get_range(&path, range).await }.boxed()
            })
            .await?;
        self.shared.metrics.record_read(OpKind::GetRange, bytes.len() as u64);
        Ok(bytes)
    }

    /// Reads an object's metadata.
    pub async fn head(&self, key: &str) -> Result<ObjectInfo, ObjectStoreError> {
        let path = self.path(key);
        let store = &self.shared.store;
        let meta = self
            .run(OpKind::Head, &path, || {
                let (store, path) = (Arc::clone(store), path.clone());
                async move { store.head(&path).await }.boxed()
            })
            .await?;
        Ok(self.info(meta))
    }

    /// Writes an object, replacing any previous one.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<Option<ETag>, ObjectStoreError> {
        self.put_with_mode(OpKind::Put, key, bytes, PutMode::Overwrite).await
    }

    /// Writes an object only if none exists under `key` (`If-None-Match: *`).
    ///
    /// Returns [`ObjectStoreError::AlreadyExists`] if one does. After a retried or lost response the
    /// object found may be this call's own: callers that care read it back and compare.
    pub async fn put_if_absent(
        &self,
        key: &str,
        bytes: Bytes,
    ) -> Result<Option<ETag>, ObjectStoreError> {
        self.put_with_mode(OpKind::PutIfAbsent, key, bytes, PutMode::Create).await
    }

    /// Replaces an object only if its current entity tag is `expected` (`If-Match`).
    ///
    /// Returns [`ObjectStoreError::PreconditionFailed`] if it is missing or has changed. After a
    /// retried or lost response the change found may be this call's own: callers read back and
    /// compare.
    pub async fn put_if_match(
        &self,
        key: &str,
        bytes: Bytes,
        expected: &ETag,
    ) -> Result<Option<ETag>, ObjectStoreError> {
        if let Some(root) = self.shared.local_root.clone() {
            return self.local_put_if_match(&root, key, bytes, expected).await;
        }
        let learned = self.shared.quote_state.load(Ordering::Relaxed);
        let strip = match self.shared.quoting {
            EtagQuoting::Strip => true,
            EtagQuoting::Keep => false,
            EtagQuoting::Auto => learned == QUOTES_REJECTED,
        };
        let sent = if strip { expected.bare().to_owned() } else { expected.as_str().to_owned() };
        let first = self.update_with_tag(key, bytes.clone(), sent.clone()).await;
        let unsure = self.shared.quoting == EtagQuoting::Auto
            && learned == QUOTES_UNKNOWN
            && sent != expected.bare();
        match first {
            Ok(tag) => {
                if unsure {
                    self.shared.quote_state.store(QUOTES_ACCEPTED, Ordering::Relaxed);
                }
                Ok(tag)
            }
            Err(ObjectStoreError::PreconditionFailed { .. }) if unsure => {
                // Some servers (Ceph RGW) reject a quoted tag even when it is current. The same
                // precondition in bare form is never wrong: it fails too if the tag is stale.
                let second = self.update_with_tag(key, bytes, expected.bare().to_owned()).await;
                if second.is_ok() {
                    self.shared.quote_state.store(QUOTES_REJECTED, Ordering::Relaxed);
                }
                second
            }
            other => other,
        }
    }

    /// Lists the objects whose keys start with `prefix` (relative to the root), in key order.
    pub async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, ObjectStoreError> {
        let path = self.path(prefix);
        let store = &self.shared.store;
        let metas = self
            .run(OpKind::List, &path, || store.list(Some(&path)).try_collect::<Vec<_>>().boxed())
            .await?;
        let mut infos: Vec<ObjectInfo> = metas.into_iter().map(|meta| self.info(meta)).collect();
        infos.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(infos)
    }

    /// Deletes an object; deleting a missing object succeeds.
    pub async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        let path = self.path(key);
        let store = &self.shared.store;
        let deleted = self
            .run(OpKind::Delete, &path, || {
                let (store, path) = (Arc::clone(store), path.clone());
                async move { store.delete(&path).await }.boxed()
            })
            .await;
        match deleted {
            Ok(()) | Err(ObjectStoreError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn put_with_mode(
        &self,
        op: OpKind,
        key: &str,
        bytes: Bytes,
        mode: PutMode,
    ) -> Result<Option<ETag>, ObjectStoreError> {
        let path = self.path(key);
        let store = &self.shared.store;
        let len = bytes.len() as u64;
        let result = self
            .run(op, &path, || {
                let options = PutOptions { mode: mode.clone(), ..PutOptions::default() };
                let (store, path, bytes) = (Arc::clone(store), path.clone(), bytes.clone());
                async move { store.put_opts(&path, PutPayload::from(bytes), options).await }.boxed()
            })
            .await;
        let result = match (op, result) {
            // Some stores answer a lost create race with a precondition failure.
            (OpKind::PutIfAbsent, Err(ObjectStoreError::PreconditionFailed { path })) => {
                Err(ObjectStoreError::AlreadyExists { path })
            }
            (_, other) => other,
        }?;
        self.shared.metrics.record_written(op, len);
        Ok(result.e_tag.map(ETag::new))
    }

    async fn update_with_tag(
        &self,
        key: &str,
        bytes: Bytes,
        tag: String,
    ) -> Result<Option<ETag>, ObjectStoreError> {
        let mode = PutMode::Update(UpdateVersion { e_tag: Some(tag), version: None });
        match self.put_with_mode(OpKind::PutIfMatch, key, bytes, mode).await {
            // S3 may report a concurrent conditional write as a conflict, which object_store maps to
            // "already exists"; for an update it means the same as a failed precondition.
            Err(ObjectStoreError::AlreadyExists { path }) => {
                Err(ObjectStoreError::PreconditionFailed { path })
            }
            // In-memory stores (and S3 itself) answer "not found" when the object is missing.
            Err(ObjectStoreError::NotFound { path }) => {
                Err(ObjectStoreError::PreconditionFailed { path })
            }
            other => other,
        }
    }

    async fn local_put_if_match(
        &self,
        root: &std::path::Path,
        key: &str,
        bytes: Bytes,
        expected: &ETag,
    ) -> Result<Option<ETag>, ObjectStoreError> {
        let path = self.path(key);
        let store = &self.shared.store;
        let len = bytes.len() as u64;
        let outcome = self
            .run(OpKind::PutIfMatch, &path, || {
                let (store, root, path) = (Arc::clone(store), root.to_path_buf(), path.clone());
                let (bytes, expected) = (bytes.clone(), expected.clone());
                async move { conditional_update(&store, &root, &path, bytes, &expected).await }
                    .boxed()
            })
            .await?;
        match outcome {
            LocalUpdate::Updated(result) => {
                self.shared.metrics.record_written(OpKind::PutIfMatch, len);
                Ok(result.e_tag.map(ETag::new))
            }
            LocalUpdate::PreconditionFailed => {
                Err(ObjectStoreError::PreconditionFailed { path: path.to_string() })
            }
        }
    }

    /// The retry loop around one logical call; see the module docs for the layering.
    async fn run<T>(
        &self,
        op: OpKind,
        path: &ObjectPath,
        mut call: impl FnMut() -> BoxFuture<'static, Result<T, object_store::Error>> + Send,
    ) -> Result<T, ObjectStoreError> {
        let options = &self.shared.options;
        let path_text = path.to_string();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let outcome = self.attempt(op, &path_text, &mut call).await;
            let error = match outcome {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let (error, class) = match error {
                AttemptError::Injected(error, transient) => {
                    let class =
                        if transient { FailureClass::Transient } else { FailureClass::Permanent };
                    (error, class)
                }
                AttemptError::Raw(raw) => match self.semantic_answer(raw, &path_text) {
                    Ok(answer) => return Err(answer),
                    Err(raw) => {
                        let class = classify(&raw);
                        (self.failure(op, &path_text, attempt, class, &raw), class)
                    }
                },
            };
            self.shared.metrics.record_error(op);
            let retryable = matches!(class, FailureClass::Transient | FailureClass::Unreachable);
            if !retryable || attempt >= options.retry.max_attempts.max(1) {
                return Err(match error {
                    ObjectStoreError::Injected { .. } if retryable => {
                        ObjectStoreError::Unavailable {
                            store: self.shared.display.clone(),
                            op: op.name(),
                            path: path_text,
                            attempts: attempt,
                            message: error.to_string(),
                        }
                    }
                    other => other,
                });
            }
            let wait = options.retry.backoff(attempt, options.random.as_ref());
            options.clock.sleep(wait).await;
        }
    }

    async fn attempt<T>(
        &self,
        op: OpKind,
        path: &str,
        call: &mut (impl FnMut() -> BoxFuture<'static, Result<T, object_store::Error>> + Send),
    ) -> Result<T, AttemptError> {
        self.shared.metrics.record_request(op);
        let Some(faults) = &self.shared.options.faults else {
            return call().await.map_err(AttemptError::Raw);
        };
        let latency = faults.latency();
        if !latency.is_zero() {
            self.shared.options.clock.sleep(latency).await;
        }
        match faults.before_call(op, path) {
            Verdict::Fail(error, transient) => Err(AttemptError::Injected(error, transient)),
            Verdict::Proceed { after: None, .. } => call().await.map_err(AttemptError::Raw),
            Verdict::Proceed { after: Some(action), call: index } => {
                // The call takes effect (or fails on its own); either way the caller hears an error.
                let _ = call().await;
                let error = faults.after_call(action, op, path, index);
                Err(AttemptError::Injected(error, action == FaultAction::LostResponse))
            }
        }
    }

    /// Maps not-found, already-exists and precondition answers; returns other errors unchanged.
    fn semantic_answer(
        &self,
        raw: object_store::Error,
        path: &str,
    ) -> Result<ObjectStoreError, object_store::Error> {
        let path = path.to_owned();
        match raw {
            object_store::Error::NotFound { .. } => Ok(ObjectStoreError::NotFound { path }),
            object_store::Error::AlreadyExists { .. } => {
                Ok(ObjectStoreError::AlreadyExists { path })
            }
            object_store::Error::Precondition { .. } | object_store::Error::NotModified { .. } => {
                Ok(ObjectStoreError::PreconditionFailed { path })
            }
            other => Err(other),
        }
    }

    fn failure(
        &self,
        op: OpKind,
        path: &str,
        attempts: u32,
        class: FailureClass,
        raw: &object_store::Error,
    ) -> ObjectStoreError {
        let store = self.shared.display.clone();
        let path = path.to_owned();
        let mut message = error_chain(raw);
        if message.contains("169.254.169.254") {
            message = format!(
                "no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); \
                 the instance-metadata fallback failed: {message}"
            );
        }
        match class {
            FailureClass::Unreachable => {
                ObjectStoreError::Unreachable { store, op: op.name(), path, attempts, message }
            }
            FailureClass::Transient => {
                ObjectStoreError::Unavailable { store, op: op.name(), path, attempts, message }
            }
            FailureClass::Permanent => {
                ObjectStoreError::Rejected { store, op: op.name(), path, message }
            }
        }
    }

    fn path(&self, key: &str) -> ObjectPath {
        ObjectPath::from(join_key(&self.root, key))
    }

    fn info(&self, meta: object_store::ObjectMeta) -> ObjectInfo {
        let full = meta.location.to_string();
        let key = if self.root.is_empty() {
            full
        } else {
            full.strip_prefix(&self.root)
                .map(|k| k.trim_start_matches('/').to_owned())
                .unwrap_or(full)
        };
        ObjectInfo {
            key,
            size: meta.size,
            etag: meta.e_tag.map(ETag::new),
            last_modified_millis: meta.last_modified.timestamp_millis(),
        }
    }
}

fn join_key(root: &str, key: &str) -> String {
    let key = key.trim_matches('/');
    match (root.is_empty(), key.is_empty()) {
        (true, _) => key.to_owned(),
        (false, true) => root.to_owned(),
        (false, false) => format!("{root}/{key}"),
    }
}

/// The error and its sources, joined, so the root cause (e.g. "connection refused") is visible.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_without_doubled_slashes() {
        assert_eq!(join_key("", "a/b"), "a/b");
        assert_eq!(join_key("p", "/a/"), "p/a");
        assert_eq!(join_key("p", ""), "p");
    }
}
