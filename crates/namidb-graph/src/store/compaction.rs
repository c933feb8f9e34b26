//! Leveled compaction: L0 (overlapping flush outputs) into L1, and one file of level n with what
//! it meets in level n+1 when level n outgrows its budget (`level_base_bytes ×
//! level_size_ratio^(n-1)`); which files, [`CompactionPlan`] decides.
//!
//! A compaction reads its input SSTs, keeps per key the versions an open snapshot may still read
//! (everything newer than the oldest leased snapshot, plus the newest version at or below it),
//! drops tombstones that hide nothing any more, writes the survivors into the next level cut
//! into non-overlapping files, and installs one manifest edit removing the inputs and adding the
//! outputs. Edge files are merged per direction: the forward tree's inputs into forward files,
//! the reverse tree's into reverse files (L0 files hold both and feed both). The edit is refused
//! if another process compacted any input meanwhile; then the outputs are unnamed garbage and
//! nothing changed.

use std::time::Instant;

use namidb_objstore::Bucket;
use namidb_storage::layout::{sst_key, SstKind};
use namidb_storage::{LsnGuard, Manifest, ManifestEdit, SstPlacement};

use super::compaction_plan::{hull, widen, CompactionPlan};
use super::outputs::key_range;
use super::snapshot::{EDGE_BOTH, EDGE_FORWARD, EDGE_REVERSE};
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
    /// Of those, SSTs of `from_level` (all of L0; one file of a deeper level, except in a full
    /// merge).
    pub source_inputs: usize,
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
    /// Runs the compaction the tree needs most; `None` when it needs none.
    pub(crate) async fn compact_once(&self) -> Result<Option<CompactionReport>, GraphError> {
        let _maintenance = self.maintenance.lock().await;
        self.db.refresh().await?;
        let manifest = self.db.manifest();
        let Some(plan) = CompactionPlan::pick(&manifest, &self.options) else {
            return Ok(None);
        };
        self.compact(&manifest, plan).await.map(Some)
    }

    /// Runs `plan`, made from `manifest`.
    pub(crate) async fn compact(
        &self,
        manifest: &Manifest,
        mut plan: CompactionPlan,
    ) -> Result<CompactionReport, GraphError> {
        let started = Instant::now();
        let (kind, level) = (plan.kind, plan.level);
        let target = level + 1;
        let retain_lsn = self.read_horizon().await?.lsn;
        let last_level = manifest.ssts.of(kind).len() <= target as usize + 1;
        let bucket = self.db.bucket();
        let mut report = CompactionReport {
            kind,
            from_level: level,
            to_level: target,
            inputs: 0,
            source_inputs: 0,
            outputs: 0,
            versions_in: 0,
            versions_out: 0,
            bytes_in: 0,
            bytes_out: 0,
            seconds: 0.0,
        };
        let merge = Merge { manifest, retain_lsn, last_level, target };
        let (outputs, guards) = match kind {
            // One file meeting nothing below, above the last level (where its tombstones
            // could go): moved as it is.
            _ if !last_level && plan.moves_one_file() => {
                let source = &plan.inputs[0];
                let object = bucket.get(&source.key()).await?;
                report.versions_in = source.sst.rows;
                report.versions_out = source.sst.rows;
                (vec![self.move_sst(source, object.bytes).await?], Vec::new())
            }
            SstKind::Node => self.compact_nodes(&plan, &merge, &mut report).await?,
            SstKind::Edge => self.compact_edges(&mut plan, &merge, &mut report).await?,
        };
        report.inputs = plan.inputs.len();
        report.source_inputs = plan.inputs.iter().filter(|p| p.level == level).count();
        report.bytes_in = plan.inputs.iter().map(|p| p.sst.size_bytes).sum();
        report.outputs = outputs.len();
        report.bytes_out = outputs.iter().map(|p| p.sst.size_bytes).sum();
        let edit = ManifestEdit {
            added: outputs,
            removed: plan.inputs,
            lsn_guards: guards,
            ..ManifestEdit::default()
        };
        self.db.install(edit).await?;
        report.seconds = started.elapsed().as_secs_f64();
        tracing::debug!(?report, "compacted");
        Ok(report)
    }
}

/// What every merge of one compaction shares.
struct Merge<'a> {
    /// The manifest the plan was made from.
    manifest: &'a Manifest,
    /// The oldest LSN a reader may read.
    retain_lsn: u64,
    /// Whether the outputs go to the last level.
    last_level: bool,
    /// The level the outputs go to.
    target: u32,
}

/// A compaction's outputs and the guards its edit must carry.
type Outputs = (Vec<SstPlacement>, Vec<LsnGuard>);

impl StoreInner {
    /// Merges a plan's node files into node files of the next level.
    async fn compact_nodes(
        &self,
        plan: &CompactionPlan,
        merge: &Merge<'_>,
        report: &mut CompactionReport,
    ) -> Result<Outputs, GraphError> {
        let mut rows = Vec::new();
        for input in &plan.inputs {
            let object = self.db.bucket().get(&input.key()).await?;
            let (_, versions) = read_node_sst(&input.key(), object.bytes)?;
            rows.extend(versions.into_iter().map(|v| (v.id, v.lsn, v.record)));
        }
        report.versions_in = rows.len() as u64;
        let scope = vec![scope(plan.kind, None, hull(plan.inputs.iter().map(|p| &p.sst)))];
        let (survivors, dropped) = plan.merge(merge, rows, &scope);
        let survivors: Vec<NodeVersion> = survivors
            .into_iter()
            .map(|(id, lsn, record)| NodeVersion { id, lsn, record })
            .collect();
        report.versions_out = survivors.len() as u64;
        let outputs = self.write_node_ssts(merge.target, survivors).await?;
        Ok((outputs, floor_of(scope, dropped)))
    }

    /// Merges a plan's edge files per direction: the forward tree's inputs into forward files,
    /// the reverse tree's into reverse files; files holding both directions feed both.
    async fn compact_edges(
        &self,
        plan: &mut CompactionPlan,
        merge: &Merge<'_>,
        report: &mut CompactionReport,
    ) -> Result<Outputs, GraphError> {
        let bucket = self.db.bucket();
        let kind = plan.kind;
        let (mut both, mut forward, mut reverse) = (Vec::new(), Vec::new(), Vec::new());
        for input in &plan.inputs {
            match input.sst.partition.as_str() {
                EDGE_REVERSE => {
                    reverse.extend(read_edges(bucket, input, Direction::Reverse).await?)
                }
                EDGE_FORWARD => {
                    forward.extend(read_edges(bucket, input, Direction::Forward).await?)
                }
                _ => both.extend(read_edges(bucket, input, Direction::Forward).await?),
            }
        }
        // The next level's reverse files that the both-direction files' reverse keys meet join
        // now that those keys are known.
        let both_reverse = key_range(&both, Direction::Reverse)?;
        if let Some(range) = &both_reverse {
            for input in plan.reverse_targets(merge.manifest, range) {
                reverse.extend(read_edges(bucket, &input, Direction::Reverse).await?);
                plan.inputs.push(input);
            }
        }
        report.versions_in = (both.len() + forward.len() + reverse.len()) as u64;
        let of_tree = |partition: &str| {
            hull(plan.inputs.iter().map(|p| &p.sst).filter(|s| s.partition == partition))
        };
        let forward_range = widen(of_tree(EDGE_FORWARD), of_tree(EDGE_BOTH));
        let reverse_range = widen(of_tree(EDGE_REVERSE), both_reverse);
        // What could hold a key of a tree outside the compaction: files of its direction over
        // its range, and files of both directions (their reverse range is unknown).
        let forward_scope = vec![
            scope(kind, Some(EDGE_FORWARD), forward_range.clone()),
            scope(kind, Some(EDGE_BOTH), forward_range),
        ];
        let reverse_scope = vec![
            scope(kind, Some(EDGE_REVERSE), reverse_range),
            scope(kind, Some(EDGE_BOTH), None),
        ];
        // Each merge: its versions, its scope, the directions written from its survivors.
        let mut merges = Vec::new();
        if forward.is_empty() && reverse.is_empty() {
            // Only files of both directions (a first or full merge): both trees get the same
            // versions, merged once.
            let scope = forward_scope.into_iter().chain(reverse_scope).collect();
            merges.push((both, scope, &[Direction::Forward, Direction::Reverse][..]));
        } else {
            if !both.is_empty() || !forward.is_empty() {
                let mut rows = forward;
                // The reverse tree comes last and takes the both-direction versions.
                rows.extend(both.iter().cloned());
                merges.push((rows, forward_scope, &[Direction::Forward][..]));
            }
            if !both.is_empty() || !reverse.is_empty() {
                let mut rows = reverse;
                rows.extend(both);
                merges.push((rows, reverse_scope, &[Direction::Reverse][..]));
            }
        }
        let (mut outputs, mut guards) = (Vec::new(), Vec::new());
        for (versions, scope, directions) in merges {
            let rows = versions.into_iter().map(|v| (v.rel, v.lsn, v.properties)).collect();
            let (survivors, dropped) = plan.merge(merge, rows, &scope);
            guards.extend(floor_of(scope, dropped));
            let mut survivors: Vec<EdgeVersion> = survivors
                .into_iter()
                .map(|(rel, lsn, properties)| EdgeVersion { rel, lsn, properties })
                .collect();
            for &direction in directions {
                report.versions_out += survivors.len() as u64;
                let written = self.write_edge_direction(merge.target, &mut survivors, direction);
                outputs.extend(written.await?);
            }
        }
        Ok((outputs, guards))
    }
}

impl CompactionPlan {
    /// The surviving versions of `rows` (see [`merge_versions`]) and the LSN of the newest
    /// tombstone dropped (0: none). A tombstone is dropped only below every SST in `scope`
    /// (the files that could hold its key) that the plan does not take.
    fn merge<K: Ord + Clone, V>(
        &self,
        merge: &Merge<'_>,
        rows: Vec<(K, u64, Option<V>)>,
        scope: &[LsnGuard],
    ) -> (Vec<(K, u64, Option<V>)>, u64) {
        let min_lsn_outside = merge
            .manifest
            .ssts
            .of(self.kind)
            .iter()
            .flatten()
            .filter(|sst| !self.takes(sst) && scope.iter().any(|s| s.covers(sst)))
            .map(|sst| sst.min_lsn)
            .min()
            .unwrap_or(u64::MAX);
        let retention = Retention {
            retain_lsn: merge.retain_lsn,
            last_level: merge.last_level,
            min_lsn_outside,
        };
        let mut dropped = 0;
        let survivors = merge_versions(rows, &retention, &mut dropped);
        (survivors, dropped)
    }
}

/// The guard scope of SSTs of `kind` with `partition` (any: `None`) meeting `range`.
fn scope(kind: SstKind, partition: Option<&str>, range: Option<(String, String)>) -> LsnGuard {
    LsnGuard { kind, floor: 0, partition: partition.map(str::to_owned), key_range: range }
}

/// The guards a merge that dropped tombstones up to LSN `dropped` puts on its edit: nothing in
/// `scope` may appear meanwhile holding an LSN at or below it (a late flush could hold a version
/// one of them hid).
fn floor_of(scope: Vec<LsnGuard>, dropped: u64) -> Vec<LsnGuard> {
    if dropped == 0 {
        return Vec::new();
    }
    scope.into_iter().map(|guard| LsnGuard { floor: dropped + 1, ..guard }).collect()
}

/// Every version of an edge SST, read from its `direction` groups.
async fn read_edges(
    bucket: &Bucket,
    input: &SstPlacement,
    direction: Direction,
) -> Result<Vec<EdgeVersion>, GraphError> {
    let key = sst_key(input.kind, input.level, &input.sst.id);
    let object = bucket.get(&key).await?;
    let reader = EdgeSstReader::from_bytes(&key, &object.bytes)?;
    reader.versions(&object.bytes, direction)
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
