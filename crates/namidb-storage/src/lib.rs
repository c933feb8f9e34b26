//! The NamiDB storage spine: a namespace in a bucket.
//!
//! A namespace is a sub-tree of objects (see [`layout`]): `manifest.json`, the compare-and-swap
//! root; WAL segments under `wal/`; SSTs under `sst/`; the schema under `schema/`.
//! This crate owns the write path and recovery:
//! - [`WriteBatch`] and [`Db::commit_batch`]: atomic, durable-on-return commits, grouped so that
//!   concurrent callers share one WAL PUT and one manifest CAS;
//! - the [`Memtable`]: every version above the flushed watermark, read through [`Snapshot`]s;
//! - [`Transaction`]: optimistic read-modify-write that stays correct across processes;
//! - flush and compaction support: [`Db::freeze`] hands the memtables to flush to the layer that
//!   writes SSTs, and [`Db::install`] installs a [`ManifestEdit`] (SSTs added and removed, the
//!   flushed watermark, garbage) by compare-and-swap;
//! - recovery: [`Db::open`] reads the manifest and replays the WAL it names;
//! - several writers (threads, processes, hosts) on one namespace, serialized by the manifest CAS,
//!   and an exclusive mode that fences the others.
//!
//! Architecture invariant: keys and values are opaque bytes here. This crate knows nothing about
//! nodes, relationships or Cypher, and reaches object storage only through `namidb-objstore`.
//! API boundary: [`Db`], [`WriteBatch`], [`Snapshot`], [`Transaction`], [`StorageError`], and the
//! codecs [`Manifest`] and [`WalSegment`].

mod batch;
mod committer;
mod db;
mod error;
pub mod layout;
mod manifest;
mod manifest_edit;
mod memtable;
mod options;
mod pacing;
mod read_state;
mod replay;
mod schema_file;
mod snapshot;
mod transaction;
mod wal_segment;

pub use batch::{Precondition, WriteBatch, WriteOp, MAX_KEY_LEN, MAX_VALUE_LEN};
pub use db::{CommitInfo, Db, DbMetrics};
pub use error::{StorageError, WalReadProblem};
pub use manifest::{
    GarbageRef, Manifest, ManifestDecodeError, SstLevels, SstRef, WalSegmentRef, WriterEntry,
    MANIFEST_FORMAT_VERSION,
};
pub use manifest_edit::{LsnGuard, ManifestEdit, SstPlacement};
pub use memtable::{KeyVersion, Memtable};
pub use options::DbOptions;
pub use read_state::{FrozenMemtables, ReadState};
pub use schema_file::SCHEMA_FORMAT_VERSION;
pub use snapshot::Snapshot;
pub use transaction::Transaction;
pub use wal_segment::{
    segment_checksum, WalDecodeError, WalRecord, WalSegment, SEGMENT_FORMAT_VERSION, SEGMENT_MAGIC,
    TRAILER_MAGIC,
};
