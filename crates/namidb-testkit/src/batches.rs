//! The batches writer processes commit, and the check that a reopened namespace holds exactly the
//! acknowledged ones.

use std::collections::BTreeMap;

use namidb_storage::{Db, StorageError, WriteBatch};

use crate::writer_protocol::WriterReport;

/// Keys of batch `index` of writer `tag`.
pub fn batch_keys(tag: &str, index: u64, keys: u32) -> Vec<String> {
    (0..keys).map(|j| format!("w/{tag}/{index:08}/k{j}")).collect()
}

/// The batch writer `tag` commits as number `index`.
pub fn make_batch(tag: &str, index: u64, keys: u32) -> WriteBatch {
    let mut batch = WriteBatch::new();
    for key in batch_keys(tag, index, keys) {
        batch.put(key, format!("{tag}:{index}"));
    }
    batch
}

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckSummary {
    /// Acknowledged batches found.
    pub acked_present: usize,
    /// Batches without an answer (killed process) found complete.
    pub unanswered_present: usize,
}

/// Checks that every acknowledged batch of `tag` is fully present exactly once in the WAL, that
/// every batch answered with an error is absent, and that no batch index up to `max_index` is
/// partly present. Returns a description of the first violation.
pub async fn check_writer(
    db: &Db,
    tag: &str,
    report: &WriterReport,
    keys: u32,
    max_index: u64,
) -> Result<CheckSummary, String> {
    let snapshot = db.latest_snapshot().await.map_err(|e| e.to_string())?;
    let prefix = format!("w/{tag}/");
    let present: BTreeMap<String, bytes::Bytes> = snapshot
        .scan_prefix(prefix.as_bytes())
        .await
        .map_err(|e: StorageError| e.to_string())?
        .into_iter()
        .map(|(k, v)| (String::from_utf8_lossy(&k).into_owned(), v))
        .collect();
    let history = db.wal_history().await.map_err(|e| e.to_string())?;
    let mut copies: BTreeMap<u64, usize> = BTreeMap::new();
    for (_, record) in &history {
        if let Some(first) = record.ops.first() {
            let key = String::from_utf8_lossy(first.key());
            if let Some(rest) = key.strip_prefix(&prefix) {
                if let Some(index) = rest.split('/').next().and_then(|i| i.parse::<u64>().ok()) {
                    *copies.entry(index).or_default() += 1;
                }
            }
        }
    }
    let mut summary = CheckSummary::default();
    for index in 0..=max_index {
        let found =
            batch_keys(tag, index, keys).iter().filter(|k| present.contains_key(*k)).count();
        if found != 0 && found != keys as usize {
            return Err(format!("batch {tag}/{index} is partly present ({found} of {keys} keys)"));
        }
        let n = copies.get(&index).copied().unwrap_or(0);
        if n > 1 {
            return Err(format!("batch {tag}/{index} is in the WAL {n} times"));
        }
        if report.acks.contains_key(&index) {
            if found == 0 || n != 1 {
                return Err(format!(
                    "acknowledged batch {tag}/{index} is missing (keys {found}, WAL copies {n})"
                ));
            }
            summary.acked_present += 1;
        } else if report.errors.contains_key(&index) {
            if found != 0 || n != 0 {
                return Err(format!("batch {tag}/{index} returned an error but is present"));
            }
        } else if found != 0 {
            summary.unanswered_present += 1;
        }
    }
    Ok(summary)
}
