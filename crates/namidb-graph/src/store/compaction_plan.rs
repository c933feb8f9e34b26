//! Which SSTs one compaction takes: [`CompactionPlan`].
//!
//! L0 files overlap each other, so L0 goes down whole: every L0 file of a kind, with the L1
//! files its key range meets. Deeper levels go down a file at a time: of the level over budget,
//! the file whose overlap in the next level is smallest for its size (least rewritten per byte
//! moved down), with the files of the next level its key range meets. A compaction then reads
//! about one file plus `level_size_ratio` files, not two whole levels.
//!
//! Which files of the next level "meet" a file depends on the kind:
//! - Node files are partitioned by label set and the partitions overlap in id range. A node's
//!   versions may sit in several partitions (a relabelled or deleted node), and a tombstone can
//!   only drop what it meets, so the next level's files of *every* partition over the range join.
//! - Edge files below L0 are two independent trees: forward-only (`F`) files keyed by forward
//!   key and reverse-only (`R`) files keyed by reverse key, each holding every version. A forward
//!   file takes the next level's forward files over its range; a reverse file the reverse ones.
//!   An L0 file holds both directions and feeds both trees: its forward range is in the
//!   manifest, its reverse range only in its data, so the compaction adds the reverse files
//!   after reading it (`reverse_targets`).
//!
//! Below L0, files of one partition within a level never overlap, and a plan keeps it so: the next
//! level's files of a partition that meet a range are contiguous, so outputs cut from their
//! union with the range cannot reach a file left out.

use namidb_storage::layout::SstKind;
use namidb_storage::{Manifest, SstPlacement, SstRef};

use super::snapshot::{EDGE_BOTH, EDGE_FORWARD, EDGE_REVERSE};
use super::LsmOptions;

/// The inputs of one compaction of `kind` from `level` into `level + 1`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompactionPlan {
    /// Node or edge SSTs.
    pub(crate) kind: SstKind,
    /// The level compacted.
    pub(crate) level: u32,
    /// Files of `level` and the files of `level + 1` they meet (the reverse files that files
    /// holding both edge directions meet join once the compaction has read them:
    /// [`CompactionPlan::reverse_targets`]).
    pub(crate) inputs: Vec<SstPlacement>,
    /// Next-level files with fewer rows than this join when they lie right beside the range.
    small_rows: u64,
}

/// The inclusive hex key range covering `ssts`.
pub(crate) fn hull<'a>(ssts: impl IntoIterator<Item = &'a SstRef>) -> Option<(String, String)> {
    ssts.into_iter()
        .fold(None, |range, sst| widen(range, Some((sst.min_key.clone(), sst.max_key.clone()))))
}

/// The range covering both inclusive ranges (either may be absent).
pub(crate) fn widen(
    a: Option<(String, String)>,
    b: Option<(String, String)>,
) -> Option<(String, String)> {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
        (a, b) => a.or(b),
    }
}

/// Files below half the target size are small: a compaction beside them takes them along.
fn small_rows(options: &LsmOptions) -> u64 {
    options.target_sst_rows as u64 / 2
}

impl CompactionPlan {
    /// The compaction the tree needs most, if any: a full L0, else one file of the first level
    /// over its budget (`level_base_bytes × level_size_ratio^(n-1)`).
    pub(crate) fn pick(manifest: &Manifest, options: &LsmOptions) -> Option<CompactionPlan> {
        for kind in [SstKind::Node, SstKind::Edge] {
            let levels = manifest.ssts.of(kind);
            if levels.first().is_some_and(|l0| l0.len() >= options.l0_compaction_trigger) {
                return Some(CompactionPlan::whole_level(manifest, kind, 0, false, options));
            }
            let mut budget = options.level_base_bytes;
            for (n, level) in levels.iter().enumerate().skip(1) {
                let bytes: u64 = level.iter().map(|s| s.size_bytes).sum();
                if bytes > budget {
                    return CompactionPlan::one_file(manifest, kind, n as u32, options);
                }
                budget = budget.saturating_mul(options.level_size_ratio.max(2));
            }
        }
        None
    }

    /// Every file of `level` (with `all_of_next`, every file of the next level too, as a full
    /// merge wants; otherwise those the level's files meet).
    pub(crate) fn whole_level(
        manifest: &Manifest,
        kind: SstKind,
        level: u32,
        all_of_next: bool,
        options: &LsmOptions,
    ) -> CompactionPlan {
        let sources: Vec<&SstRef> =
            manifest.ssts.of(kind).get(level as usize).into_iter().flatten().collect();
        let small_rows = small_rows(options);
        if !all_of_next {
            return CompactionPlan::of(manifest, kind, level, &sources, small_rows);
        }
        let next = manifest.ssts.of(kind).get(level as usize + 1).into_iter().flatten();
        let mut inputs = placed(kind, level, sources.iter().copied());
        inputs.extend(placed(kind, level + 1, next));
        CompactionPlan { kind, level, inputs, small_rows }
    }

    /// The file of `level` least costly to move down, with what it meets.
    fn one_file(
        manifest: &Manifest,
        kind: SstKind,
        level: u32,
        options: &LsmOptions,
    ) -> Option<CompactionPlan> {
        let files = manifest.ssts.of(kind).get(level as usize)?;
        let small = small_rows(options);
        files
            .iter()
            .map(|file| (file, CompactionPlan::of(manifest, kind, level, &[file], small)))
            .min_by(|(a, plan_a), (b, plan_b)| {
                // overlap_a / size_a against overlap_b / size_b, without division; then the
                // oldest file, so ties do not starve one.
                let (ratio_a, ratio_b) = (
                    u128::from(plan_a.next_level_bytes()) * u128::from(b.size_bytes.max(1)),
                    u128::from(plan_b.next_level_bytes()) * u128::from(a.size_bytes.max(1)),
                );
                ratio_a
                    .cmp(&ratio_b)
                    .then_with(|| (a.created_at_millis, &a.id).cmp(&(b.created_at_millis, &b.id)))
            })
            .map(|(_, plan)| plan)
    }

    /// `sources` of `level` and the files of the next level they meet.
    fn of(
        manifest: &Manifest,
        kind: SstKind,
        level: u32,
        sources: &[&SstRef],
        small_rows: u64,
    ) -> CompactionPlan {
        let next: Vec<&SstRef> =
            manifest.ssts.of(kind).get(level as usize + 1).into_iter().flatten().collect();
        let targets = match kind {
            SstKind::Node => meeting(hull(sources.iter().copied()), next, small_rows),
            SstKind::Edge => {
                // Forward ranges: forward files and files of both directions; reverse files'.
                let (forward, reverse): (Vec<&SstRef>, Vec<&SstRef>) =
                    next.into_iter().partition(|s| s.partition == EDGE_FORWARD);
                let reverse = reverse.into_iter().filter(|s| s.partition == EDGE_REVERSE);
                let mut targets = meeting(
                    hull(sources.iter().copied().filter(|s| s.partition != EDGE_REVERSE)),
                    forward,
                    small_rows,
                );
                targets.extend(meeting(
                    hull(sources.iter().copied().filter(|s| s.partition == EDGE_REVERSE)),
                    reverse.collect(),
                    small_rows,
                ));
                targets
            }
        };
        let mut inputs = placed(kind, level, sources.iter().copied());
        inputs.extend(placed(kind, level + 1, targets));
        CompactionPlan { kind, level, inputs, small_rows }
    }

    /// Bytes of its inputs in the next level.
    fn next_level_bytes(&self) -> u64 {
        self.inputs.iter().filter(|p| p.level > self.level).map(|p| p.sst.size_bytes).sum()
    }

    /// Whether it is one file below L0 that meets nothing in the next level (a file holding
    /// both edge directions still has to be split).
    pub(crate) fn moves_one_file(&self) -> bool {
        self.level > 0
            && matches!(&self.inputs[..], [only] if only.sst.partition != EDGE_BOTH || self.kind == SstKind::Node)
    }

    /// Whether it names `sst`.
    pub(crate) fn takes(&self, sst: &SstRef) -> bool {
        self.inputs.iter().any(|p| p.sst.id == sst.id)
    }

    /// The next level's reverse files that meet `range` (the reverse keys of files holding both
    /// directions, known once they are read) and that the plan does not take yet.
    pub(crate) fn reverse_targets(
        &self,
        manifest: &Manifest,
        range: &(String, String),
    ) -> Vec<SstPlacement> {
        let next = manifest.ssts.of(self.kind).get(self.level as usize + 1).into_iter().flatten();
        let reverse = next.filter(|sst| sst.partition == EDGE_REVERSE).collect();
        let wanted = meeting(Some(range.clone()), reverse, self.small_rows)
            .into_iter()
            .filter(|sst| !self.takes(sst));
        placed(self.kind, self.level + 1, wanted)
    }
}

/// The files of `tree` (next-level files of the partitions one tree holds) that meet `range`
/// widened over each partition's files right beside it with fewer than `small_rows` rows: where
/// new keys keep arriving past the end of a level (ascending ids), each compaction otherwise
/// adds another small file there. A partition's files meeting one range are contiguous, so
/// the widened range keeps files of a partition apart.
fn meeting(range: Option<(String, String)>, tree: Vec<&SstRef>, small_rows: u64) -> Vec<&SstRef> {
    let Some((min, max)) = range else { return Vec::new() };
    let (mut low, mut high) = (min.clone(), max.clone());
    let partitions: std::collections::BTreeSet<&str> =
        tree.iter().map(|s| s.partition.as_str()).collect();
    for partition in partitions {
        let files = || tree.iter().filter(move |s| s.partition == partition);
        let left = files().filter(|s| s.max_key < min).max_by(|a, b| a.max_key.cmp(&b.max_key));
        if let Some(left) = left.filter(|s| s.rows < small_rows) {
            low = low.min(left.min_key.clone());
        }
        let right = files().filter(|s| s.min_key > max).min_by(|a, b| a.min_key.cmp(&b.min_key));
        if let Some(right) = right.filter(|s| s.rows < small_rows) {
            high = high.max(right.max_key.clone());
        }
    }
    tree.into_iter().filter(|sst| sst.meets(&low, &high)).collect()
}

/// `ssts` of `kind` at `level` as placements.
fn placed<'a>(
    kind: SstKind,
    level: u32,
    ssts: impl IntoIterator<Item = &'a SstRef>,
) -> Vec<SstPlacement> {
    ssts.into_iter().map(|sst| SstPlacement { kind, level, sst: sst.clone() }).collect()
}

#[cfg(test)]
mod tests {
    use namidb_core::NamespaceName;
    use namidb_storage::layout::SstKind;
    use namidb_storage::{Manifest, SstRef};

    use super::CompactionPlan;
    use crate::store::LsmOptions;

    fn sst(id: &str, partition: &str, (min, max): (&str, &str), size_bytes: u64) -> SstRef {
        SstRef {
            id: id.to_owned(),
            size_bytes,
            rows: 1,
            min_key: min.to_owned(),
            max_key: max.to_owned(),
            min_lsn: 1,
            max_lsn: 1,
            partition: partition.to_owned(),
            created_at_millis: 0,
            stats: None,
        }
    }

    fn manifest(node: Vec<Vec<SstRef>>, edge: Vec<Vec<SstRef>>) -> Manifest {
        let mut manifest = Manifest::initial(&NamespaceName::new("t").unwrap(), 0);
        manifest.ssts.node = node;
        manifest.ssts.edge = edge;
        manifest
    }

    fn ids(plan: &CompactionPlan) -> Vec<(u32, &str)> {
        let mut ids: Vec<_> = plan.inputs.iter().map(|p| (p.level, p.sst.id.as_str())).collect();
        ids.sort_unstable();
        ids
    }

    fn options(level_base_bytes: u64) -> LsmOptions {
        // Files hold one row each: none is small (below half of two rows).
        LsmOptions {
            level_base_bytes,
            level_size_ratio: 10,
            target_sst_rows: 2,
            ..LsmOptions::default()
        }
    }

    #[test]
    fn a_level_over_budget_sends_down_the_file_with_the_least_overlap_for_its_size() {
        // L1 = 300 bytes over a 250 budget. For its 100 bytes, `a` meets 400 bytes below (`x`),
        // `b` meets 100 (`y` and `z`, of two partitions: a node's versions may sit in both),
        // `c` meets 500 (`w`).
        let below = vec![
            sst("x", "1:A", ("10", "30"), 400),
            sst("y", "1:A", ("40", "4f"), 50),
            sst("z", "1:B", ("45", "48"), 50),
            sst("w", "1:B", ("60", "7f"), 500),
        ];
        let level1 = vec![
            sst("a", "1:A", ("20", "25"), 100),
            sst("b", "1:A", ("41", "47"), 100),
            sst("c", "1:B", ("70", "71"), 100),
        ];
        let m = manifest(vec![vec![], level1, below], vec![]);
        let plan = CompactionPlan::pick(&m, &options(250)).unwrap();
        assert_eq!(ids(&plan), vec![(1, "b"), (2, "y"), (2, "z")]);
        assert!(CompactionPlan::pick(&m, &options(300)).is_none(), "at budget: nothing to do");
    }

    #[test]
    fn edge_files_meet_only_their_own_direction_below() {
        let below = vec![
            sst("f1", "F", ("0110", "0120"), 10),
            sst("f2", "F", ("0130", "0140"), 10),
            sst("r1", "R", ("0210", "0240"), 10),
        ];
        let m = manifest(vec![], vec![vec![], vec![sst("f", "F", ("0115", "0135"), 50)], below]);
        let plan = CompactionPlan::pick(&m, &options(10)).unwrap();
        assert_eq!(ids(&plan), vec![(1, "f"), (2, "f1"), (2, "f2")]);
        assert!(!plan.moves_one_file());
        // A reverse file meeting nothing of its direction moves as it is.
        let m = manifest(vec![], vec![vec![], vec![sst("r", "R", ("0250", "0260"), 50)], vec![]]);
        let plan = CompactionPlan::pick(&m, &options(10)).unwrap();
        assert_eq!(ids(&plan), vec![(1, "r")]);
        assert!(plan.moves_one_file());
    }

    #[test]
    fn l0_goes_down_whole_and_files_of_both_directions_learn_their_reverse_targets_late() {
        let l0 = vec![sst("a", "", ("0110", "0112"), 10), sst("b", "", ("0118", "0119"), 10)];
        let l1 = vec![
            sst("f1", "F", ("0100", "0111"), 10),
            sst("f2", "F", ("0113", "0117"), 10),
            sst("f3", "F", ("0120", "0130"), 10),
            sst("r1", "R", ("0200", "0210"), 10),
            sst("r2", "R", ("0220", "0230"), 10),
        ];
        let m = manifest(vec![], vec![l0, l1]);
        let options = LsmOptions { l0_compaction_trigger: 2, ..options(1 << 20) };
        let plan = CompactionPlan::pick(&m, &options).unwrap();
        assert_eq!(ids(&plan), vec![(0, "a"), (0, "b"), (1, "f1"), (1, "f2")]);
        assert!(!plan.moves_one_file());
        let late = plan.reverse_targets(&m, &("0225".to_owned(), "0300".to_owned()));
        assert_eq!(late.iter().map(|p| p.sst.id.as_str()).collect::<Vec<_>>(), vec!["r2"]);
        // A full merge takes both whole levels.
        let full = CompactionPlan::whole_level(&m, SstKind::Edge, 0, true, &options);
        assert_eq!(full.inputs.len(), 7);
    }

    #[test]
    fn small_files_right_beside_the_range_join_so_they_do_not_pile_up() {
        // Ascending ids: L0 holds keys past the end of L1, whose last file of its partition is
        // small (one row, below half of four) and joins; the large file before it does not.
        // The other partition's file meets the widened range, so it joins too.
        let small = |mut sst: SstRef| {
            sst.rows = 1;
            sst
        };
        let large = |mut sst: SstRef| {
            sst.rows = 10;
            sst
        };
        let l1 = vec![
            large(sst("p1", "1:A", ("10", "1f"), 10)),
            small(sst("p2", "1:A", ("20", "2f"), 10)),
            large(sst("q1", "1:B", ("10", "2f"), 10)),
        ];
        let m = manifest(vec![vec![sst("new", "1:A", ("30", "3f"), 10)], l1], vec![]);
        let options = LsmOptions { target_sst_rows: 4, ..options(1 << 20) };
        let plan = CompactionPlan::whole_level(&m, SstKind::Node, 0, false, &options);
        assert_eq!(ids(&plan), vec![(0, "new"), (1, "p2"), (1, "q1")]);
    }
}
