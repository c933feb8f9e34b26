//! Reading the manifest and replaying WAL segments into the memtable.
//!
//! Used when a namespace is opened (recovery) and whenever a writer learns of other writers'
//! commits (after losing a manifest race, or on refresh). Only segments the manifest names are
//! read; a segment whose bytes, size, checksum or LSN range disagree with the manifest is an error,
//! never silently skipped.

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, TryStreamExt};
use namidb_core::Lsn;
use namidb_objstore::{Bucket, ETag, ObjectStoreError};

use crate::error::WalReadProblem;
use crate::layout::{wal_segment_key, MANIFEST_KEY};
use crate::manifest::{Manifest, WalSegmentRef};
use crate::memtable::Memtable;
use crate::wal_segment::{segment_checksum, WalRecord, WalSegment};
use crate::StorageError;

/// Reads and decodes `manifest.json`; `None` if the namespace does not exist.
pub(crate) async fn read_manifest(
    bucket: &Bucket,
    namespace: &str,
) -> Result<Option<(Manifest, ETag)>, StorageError> {
    let object = match bucket.get(MANIFEST_KEY).await {
        Ok(object) => object,
        Err(ObjectStoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let manifest =
        Manifest::decode(&object.bytes).map_err(|source| StorageError::CorruptManifest {
            namespace: namespace.to_owned(),
            key: MANIFEST_KEY.to_owned(),
            source,
        })?;
    if manifest.namespace != namespace {
        return Err(StorageError::NamespaceMismatch {
            key: MANIFEST_KEY.to_owned(),
            expected: namespace.to_owned(),
            found: manifest.namespace,
        });
    }
    let etag = object.etag.ok_or_else(|| {
        StorageError::Internal(format!(
            "{} returned no ETag for the manifest; it cannot do CAS",
            bucket.display()
        ))
    })?;
    Ok(Some((manifest, etag)))
}

/// Reads one segment named by the manifest and checks it against its reference.
pub(crate) async fn read_segment(
    bucket: &Bucket,
    namespace: &str,
    reference: &WalSegmentRef,
) -> Result<WalSegment, StorageError> {
    let key = wal_segment_key(reference.seq);
    let corrupt = |reason: WalReadProblem| StorageError::CorruptWal {
        namespace: namespace.to_owned(),
        key: key.clone(),
        reason,
    };
    let object = bucket.get(&key).await?;
    if object.bytes.len() as u64 != reference.size_bytes {
        return Err(corrupt(WalReadProblem::Mismatch(format!(
            "{} bytes, manifest says {}",
            object.bytes.len(),
            reference.size_bytes
        ))));
    }
    let crc = segment_checksum(&object.bytes);
    if crc != reference.crc32c {
        return Err(corrupt(WalReadProblem::Mismatch(format!(
            "checksum {crc:08x}, manifest says {:08x}",
            reference.crc32c
        ))));
    }
    let segment = WalSegment::decode(&object.bytes).map_err(|e| corrupt(e.into()))?;
    let range = (segment.first_lsn(), segment.last_lsn());
    if range != (Some(Lsn(reference.first_lsn)), Some(Lsn(reference.last_lsn))) {
        return Err(corrupt(WalReadProblem::Mismatch(format!(
            "holds LSNs {:?}, manifest says {}..={}",
            range, reference.first_lsn, reference.last_lsn
        ))));
    }
    Ok(segment)
}

/// Reads, in order, every segment of `manifest` holding LSNs above `applied`, with up to
/// `parallelism` fetches in flight; returns each segment's sequence number with its records
/// above `applied`.
pub(crate) async fn read_segments_after(
    bucket: &Bucket,
    manifest: &Manifest,
    applied: Lsn,
    parallelism: usize,
) -> Result<Vec<(u64, Vec<WalRecord>)>, StorageError> {
    let mut reads: Vec<BoxFuture<'static, Result<(u64, WalSegment), StorageError>>> = Vec::new();
    for reference in manifest.wal.iter().filter(|s| s.last_lsn > applied.get()).cloned() {
        let bucket = bucket.clone();
        let namespace = manifest.namespace.clone();
        reads.push(async move { Ok((reference.seq, read_segment(&bucket, &namespace, &reference).await?)) }.boxed());
    }
    let segments: Vec<(u64, WalSegment)> =
        futures::stream::iter(reads).buffered(parallelism.max(1)).try_collect().await?;
    Ok(segments
        .into_iter()
        .map(|(seq, segment)| {
            (seq, segment.records.into_iter().filter(|r| r.lsn > applied).collect())
        })
        .collect())
}

/// Applies `records` (in LSN order, contiguous from `applied + 1`) to the memtable.
pub(crate) fn apply_records(
    memtable: &Memtable,
    applied: Lsn,
    records: &[WalRecord],
) -> Result<Lsn, StorageError> {
    let mut last = applied;
    for record in records {
        if record.lsn != last.next() {
            return Err(StorageError::Internal(format!(
                "replay gap: expected LSN {}, found {}",
                last.next(),
                record.lsn
            )));
        }
        memtable.apply(record.lsn, &record.ops);
        last = record.lsn;
    }
    Ok(last)
}
