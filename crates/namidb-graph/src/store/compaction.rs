//! Leveled compaction: L0 (overlapping flush outputs) into L1, and level n into level n+1 when it
//! outgrows its budget (`level_base_bytes × level_size_ratio^(n-1)`).
//!
//! A compaction reads every SST of the source level and of the next level, keeps per key the
//! versions an open snapshot may still read (everything newer than the oldest leased snapshot,
//! plus the newest version at or below it), drops tombstones that hide nothing any more, writes
//! the survivors into the next level cut into non-overlapping files, and installs one manifest
//! edit removing the inputs and adding the outputs. The edit is refused if another process
//! compacted any input meanwhile; then the outputs are unnamed garbage and nothing changed.

use std::time::Instant;

use namidb_objstore::Bucket;
use namidb_storage::layout::{sst_key, SstKind};
use namidb_storage::{Manifest, ManifestEdit, SstPlacement};

use super::snapshot::EDGE_REVERSE;
use super::StoreInner;
use crate::edge_sst::{Direction, EdgeSstReader, EdgeVersion};
use crate::error::GraphError;
use crate::node_sst::{read_node_sst, NodeVersion};

/// What a compaction did.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactionReport {
    /// Node or edge SSTs.
    pub kind: SstKind,
    /// The level compacted.
    pub from_level: u32,
    /// Where its data went.
    pub to_level: u32,
    /// SSTs read.
    pub inputs: usize,
    /// SSTs written.
    pub outputs: usize,
    /// Versions read.
    pub versions_in: u64,
    /// Versions written.
    pub versions_out: u64,
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Which versions of one key survive: every version above `retain_lsn` (a snapshot may read it),
/// the newest at or below it, nothing older; that base version is dropped too when it is a
/// tombstone at the last level that no SST outside the compaction could be hiding an older
/// version from (`lsn < min_lsn_outside`).
/// `dropped_tombstone` is raised to the LSN of a tombstone this drops.
pub(crate) fn surviving<T>(
    newest_first: Vec<(u64, Option<T>)>,
    retain_lsn: u64,
    last_level: bool,
    min_lsn_outside: u64,
    dropped_tombstone: &mut u64,
) -> Vec<(u64, Option<T>)> {
    let mut kept = Vec::new();
    for (lsn, value) in newest_first {
        if lsn > retain_lsn {
            kept.push((lsn, value));
            continue;
        }
        if value.is_none() && last_level && lsn < min_lsn_outside {
            *dropped_tombstone = (*dropped_tombstone).max(lsn);
        } else {
            kept.push((lsn, value));
        }
        break;
    }
    kept
}

/// What a compaction may drop: see [`surviving`].
pub(crate) struct Retention {
    /// The oldest LSN a reader may read.
    pub(crate) retain_lsn: u64,
    /// Whether the output level is the last one.
    pub(crate) last_level: bool,
    /// The smallest LSN of any SST outside the compaction.
    pub(crate) min_lsn_outside: u64,
}

/// The versions of every key that survive: `rows` (key, LSN, value or tombstone) in any order,
/// duplicates of one (key, LSN) from overlapping inputs collapsed, [`surviving`] applied per key.
/// The result is ordered by key, then newest first.
pub(crate) fn merge_versions<K: Ord + Clone, V>(
    mut rows: Vec<(K, u64, Option<V>)>,
    retention: &Retention,
    dropped_tombstone: &mut u64,
) -> Vec<(K, u64, Option<V>)> {
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    rows.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
    let mut out = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some((key, lsn, value)) = rows.next() {
        let mut versions = vec![(lsn, value)];
        while let Some((_, lsn, value)) = rows.next_if(|next| next.0 == key) {
            versions.push((lsn, value));
        }
        let kept = surviving(
            versions,
            retention.retain_lsn,
            retention.last_level,
            retention.min_lsn_outside,
            dropped_tombstone,
        );
        out.extend(kept.into_iter().map(|(lsn, value)| (key.clone(), lsn, value)));
    }
    out
}

impl StoreInner {
    /// The compaction the tree needs most, if any: a full L0, else the first level over budget.
    fn pick_compaction(&self, manifest: &Manifest) -> Option<(SstKind, u32)> {
        for kind in [SstKind::Node, SstKind::Edge] {
            let levels = manifest.ssts.of(kind);
            if levels.first().is_some_and(|l0| l0.len() >= self.options.l0_compaction_trigger) {
                return Some((kind, 0));
            }
            let mut budget = self.options.level_base_bytes;
            for (n, level) in levels.iter().enumerate().skip(1) {
                let bytes: u64 = level.iter().map(|s| s.size_bytes).sum();
                if bytes > budget {
                    return Some((kind, n as u32));
                }
                budget = budget.saturating_mul(self.options.level_size_ratio.max(2));
            }
        }
        None
    }

    /// Runs the compaction the tree needs most; `None` when it needs none.
    pub(crate) async fn compact_once(&self) -> Result<Option<CompactionReport>, GraphError> {
        let _maintenance = self.maintenance.lock().await;
        self.db.refresh().await?;
        let manifest = self.db.manifest();
        let Some((kind, level)) = self.pick_compaction(&manifest) else {
            return Ok(None);
        };
        self.compact_level(&manifest, kind, level).await.map(Some)
    }

    /// Compacts `level` of `kind` into the next level, whatever their sizes.
    pub(crate) async fn compact_level(
        &self,
        manifest: &Manifest,
        kind: SstKind,
        level: u32,
    ) -> Result<CompactionReport, GraphError> {
        let started = Instant::now();
        let levels = manifest.ssts.of(kind);
        let target = level + 1;
        let inputs: Vec<SstPlacement> = [level, target]
            .iter()
            .flat_map(|&l| {
                levels.get(l as usize).into_iter().flatten().map(move |sst| SstPlacement {
                    kind,
                    level: l,
                    sst: sst.clone(),
                })
            })
            .collect();
        let last_level = levels.len() <= target as usize + 1;
        let min_lsn_outside = levels
            .iter()
            .enumerate()
            .filter(|(l, _)| *l as u32 != level && *l as u32 != target)
            .flat_map(|(_, ssts)| ssts.iter().map(|s| s.min_lsn))
            .min()
            .unwrap_or(u64::MAX);
        let retain_lsn = self.read_horizon().await?.lsn;
        let bucket = self.db.bucket();
        let mut report = CompactionReport {
            kind,
            from_level: level,
            to_level: target,
            inputs: inputs.len(),
            outputs: 0,
            versions_in: 0,
            versions_out: 0,
            bytes_in: inputs.iter().map(|p| p.sst.size_bytes).sum(),
            bytes_out: 0,
            seconds: 0.0,
        };
        let retention = Retention { retain_lsn, last_level, min_lsn_outside };
        let mut dropped = 0u64;
        let outputs = match kind {
            SstKind::Node => {
                let mut rows = Vec::new();
                for input in &inputs {
                    let object = bucket.get(&input.key()).await?;
                    let (_, versions) = read_node_sst(&input.key(), object.bytes)?;
                    rows.extend(versions.into_iter().map(|v| (v.id, v.lsn, v.record)));
                }
                report.versions_in = rows.len() as u64;
                let survivors: Vec<NodeVersion> = merge_versions(rows, &retention, &mut dropped)
                    .into_iter()
                    .map(|(id, lsn, record)| NodeVersion { id, lsn, record })
                    .collect();
                report.versions_out = survivors.len() as u64;
                self.write_node_ssts(target, survivors).await?
            }
            SstKind::Edge => {
                let mut rows = Vec::new();
                // Forward and reverse files of a level hold the same versions: read one side.
                for input in inputs.iter().filter(|i| i.sst.partition != EDGE_REVERSE) {
                    let versions = read_edge_versions(bucket, input).await?;
                    rows.extend(versions.into_iter().map(|v| (v.rel, v.lsn, v.properties)));
                }
                report.versions_in = rows.len() as u64;
                let survivors: Vec<EdgeVersion> = merge_versions(rows, &retention, &mut dropped)
                    .into_iter()
                    .map(|(rel, lsn, properties)| EdgeVersion { rel, lsn, properties })
                    .collect();
                report.versions_out = survivors.len() as u64;
                self.write_edge_ssts(target, survivors).await?
            }
        };
        report.outputs = outputs.len();
        report.bytes_out = outputs.iter().map(|p| p.sst.size_bytes).sum();
        // A tombstone was dropped because nothing outside could hold an older version; an SST
        // installed meanwhile (a late flush) might, so the edit insists it still holds.
        let guard = (dropped > 0).then_some((kind, dropped + 1));
        let edit = ManifestEdit {
            added: outputs,
            removed: inputs,
            min_lsn_guard: guard,
            ..ManifestEdit::default()
        };
        self.db.install(edit).await?;
        report.seconds = started.elapsed().as_secs_f64();
        tracing::debug!(?report, "compacted");
        Ok(report)
    }
}

/// Every version of an edge SST holding forward groups.
async fn read_edge_versions(
    bucket: &Bucket,
    input: &SstPlacement,
) -> Result<Vec<EdgeVersion>, GraphError> {
    let key = sst_key(input.kind, input.level, &input.sst.id);
    let object = bucket.get(&key).await?;
    let reader = EdgeSstReader::from_bytes(&key, &object.bytes)?;
    reader.versions(&object.bytes, Direction::Forward)
}

#[cfg(test)]
mod tests {
    use super::{merge_versions, surviving, Retention};

    #[test]
    fn keeps_what_snapshots_need_and_drops_dead_tombstones() {
        let versions = || vec![(9, Some('c')), (7, None), (5, Some('b')), (2, Some('a'))];
        // Oldest snapshot at 6: 9 and 7 above it, 5 is the base; 2 is unreadable.
        let mut dropped = 0;
        assert_eq!(
            surviving(versions(), 6, false, 0, &mut dropped),
            vec![(9, Some('c')), (7, None), (5, Some('b'))]
        );
        // Oldest snapshot at 8: the base is the tombstone at 7; at the last level it goes.
        assert_eq!(surviving(versions(), 8, true, u64::MAX, &mut dropped), vec![(9, Some('c'))]);
        assert_eq!(dropped, 7);
        // ...unless an SST outside the compaction may hold something older.
        let mut none = 0;
        assert_eq!(surviving(versions(), 8, true, 3, &mut none), vec![(9, Some('c')), (7, None)]);
        assert_eq!(
            surviving(versions(), 8, false, u64::MAX, &mut none),
            vec![(9, Some('c')), (7, None)]
        );
        assert_eq!(none, 0);
    }

    #[test]
    fn merging_collapses_duplicate_versions_and_orders_by_key() {
        let rows = vec![("b", 3, Some(1)), ("a", 2, None), ("b", 3, Some(1)), ("b", 5, Some(2))];
        let retention = Retention { retain_lsn: 10, last_level: false, min_lsn_outside: 0 };
        let mut dropped = 0;
        assert_eq!(
            merge_versions(rows, &retention, &mut dropped),
            vec![("a", 2, None), ("b", 5, Some(2))]
        );
    }
}
