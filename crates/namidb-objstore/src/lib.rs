//! Object-store access for NamiDB: the only crate that calls `object_store`.
//!
//! It owns:
//! - [`StoreUri`]: parsing and validating `memory://`, `file://`, `s3://`, `gs://` and `az://` URIs;
//! - [`Bucket`]: the narrow API every upper layer uses (get, ranged get, head, put, create-only put,
//!   compare-and-swap put, list, delete), with
//!   - request metrics per operation kind ([`RequestMetrics`]),
//!   - retries with capped, jittered exponential backoff for 5xx, 429, 409 and timeouts ([`RetryPolicy`]),
//!   - an optional fault injector for tests ([`FaultInjector`]: errors, latency, lost responses, crashes),
//!   - a conditional update for `file://` that is atomic across processes on one host,
//!   - a work-around for servers that reject a quoted ETag in `If-Match` (Ceph RGW, DigitalOcean Spaces).
//!
//! Architecture invariant: this crate knows object keys only as opaque paths; it knows nothing about
//! manifests, WAL segments, graphs or Cypher. API boundary: [`Bucket`], [`StoreUri`], [`ObjectStoreError`].

mod backend;
mod bucket;
mod error;
mod etag;
mod faults;
mod local_cas;
mod metrics;
mod retry;
mod uri;

pub use bucket::{Bucket, BucketOptions, ObjectInfo, StoredObject};
pub use error::ObjectStoreError;
pub use etag::{ETag, EtagQuoting};
pub use faults::{FaultAction, FaultInjector, FaultRule, FaultTrigger};
pub use metrics::{MetricsSnapshot, OpKind, OpMetrics, RequestMetrics};
pub use object_store::path::Path as ObjectPath;
pub use retry::RetryPolicy;
pub use uri::{BackendSpec, StoreUri};
