//! [`ManifestEdit`]: a change to the live SST set and the flushed watermark, installed by CAS.
//!
//! Flushes and compactions write their SST objects first, then describe what changed as an edit.
//! The committer applies the edit to the newest manifest, stores it with `If-Match`, and on a lost
//! race applies it again to the manifest that won. An edit is refused (nothing installed) when an
//! SST it removes is no longer live, or when an SST it adds is older than the handle's
//! `max_install_age`: garbage collection may delete unnamed objects older than its grace period,
//! so naming an old object could name a deleted one.
//!
//! A bulk load installs its SSTs as one commit of its own ([`ManifestEdit::ingest_after`]): the
//! edit takes the LSN after `ingest_after`, and only while nothing was committed or left
//! unflushed since, so the load is atomic and ordered after everything it could have read.

use namidb_core::Lsn;

use crate::layout::{sst_key, wal_segment_key, SstKind};
use crate::manifest::{GarbageRef, Manifest, SstRef};

/// An SST at a place in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SstPlacement {
    /// Node or edge SST.
    pub kind: SstKind,
    /// Its level (0 is L0).
    pub level: u32,
    /// The SST.
    pub sst: SstRef,
}

/// A condition a compaction that dropped tombstones puts on its edit: no SST of `kind` in the
/// scope (its `partition`, its key range meeting `key_range`) that the edit does not remove may
/// hold an LSN below `floor`. Such an SST — a late flush, another process's install — could hold
/// an older version a dropped tombstone was hiding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsnGuard {
    /// Node or edge SSTs.
    pub kind: SstKind,
    /// The lowest LSN an SST in scope may hold.
    pub floor: u64,
    /// Only SSTs with this partition tag (`None`: any).
    pub partition: Option<String>,
    /// Only SSTs whose key range meets this inclusive range of hex keys (`None`: any).
    pub key_range: Option<(String, String)>,
}

impl LsnGuard {
    /// Whether `sst` (of the guard's kind) is in the guard's scope.
    pub fn covers(&self, sst: &SstRef) -> bool {
        self.partition.as_ref().is_none_or(|p| *p == sst.partition)
            && self.key_range.as_ref().is_none_or(|(min, max)| sst.meets(min, max))
    }
}

impl SstPlacement {
    /// The object key of the SST.
    pub fn key(&self) -> String {
        sst_key(self.kind, self.level, &self.sst.id)
    }
}

/// A change to a manifest's SSTs, flushed watermark and garbage list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestEdit {
    /// SSTs to add.
    pub added: Vec<SstPlacement>,
    /// SSTs to remove (matched by kind, level and id); they become garbage.
    pub removed: Vec<SstPlacement>,
    /// Raise the flushed watermark to this LSN; WAL segments wholly below it become garbage.
    pub flushed_lsn: Option<Lsn>,
    /// Garbage entries whose objects were deleted, to forget.
    pub collected: Vec<String>,
    /// Refuse the edit if an SST that it does not remove breaks one of these (a compaction that
    /// dropped tombstones guards against a flush installed meanwhile).
    pub lsn_guards: Vec<LsnGuard>,
    /// Install the added SSTs as the commit right after this LSN (a bulk load written straight
    /// to SSTs): refused as a conflict unless the manifest's last and flushed LSNs both still
    /// equal it; raises both to the next LSN, which every added SST must hold.
    pub ingest_after: Option<Lsn>,
    /// Raise the manifest's `schema_version` to this (a flush or load that published new
    /// schema entries first; never lowered).
    pub schema_version: Option<u64>,
}

impl ManifestEdit {
    /// Whether the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.flushed_lsn.is_none()
            && self.collected.is_empty()
            && self.lsn_guards.is_empty()
            && self.ingest_after.is_none()
            && self.schema_version.is_none()
    }

    /// Why `manifest` no longer admits this edit's bulk load, if it is one and it does not:
    /// something was committed, or left unflushed, after the LSN the load was built on.
    pub(crate) fn ingest_conflict(&self, manifest: &Manifest) -> Option<String> {
        let after = self.ingest_after?;
        (manifest.last_lsn != after.get() || manifest.flushed_lsn != after.get()).then(|| {
            format!(
                "the bulk load was built on LSN {after}, but the namespace is now at LSN {} \
                 (flushed up to {})",
                manifest.last_lsn, manifest.flushed_lsn
            )
        })
    }

    /// Whether `manifest` already shows the edit's effect on SSTs (used after a lost CAS response).
    pub(crate) fn is_reflected_in(&self, manifest: &Manifest) -> bool {
        let live = |p: &SstPlacement| {
            manifest
                .ssts
                .of(p.kind)
                .get(p.level as usize)
                .is_some_and(|level| level.iter().any(|s| s.id == p.sst.id))
        };
        self.added.iter().all(live)
            && !self.removed.iter().any(live)
            && self.flushed_lsn.is_none_or(|lsn| manifest.flushed_lsn() >= lsn)
            && !manifest.garbage.iter().any(|g| self.collected.contains(&g.key))
    }

    /// Applies the edit to `next`, the successor version being prepared.
    pub(crate) fn apply(
        &self,
        next: &mut Manifest,
        now_millis: u64,
        max_install_age_millis: u64,
    ) -> Result<(), String> {
        let removed_in_version = next.version;
        let mut garbage = Vec::new();
        if let Some(after) = self.ingest_after {
            if let Some(reason) = self.ingest_conflict(next) {
                return Err(reason);
            }
            let lsn = after.next();
            if let Some(sst) =
                self.added.iter().find(|p| (p.sst.min_lsn, p.sst.max_lsn) != (lsn.get(), lsn.get()))
            {
                return Err(format!("bulk-load SST `{}` does not hold LSN {lsn}", sst.sst.id));
            }
            next.last_lsn = lsn.get();
        }
        for guard in &self.lsn_guards {
            let removed =
                |id: &str| self.removed.iter().any(|p| p.kind == guard.kind && p.sst.id == id);
            if let Some(sst) = next
                .ssts
                .of(guard.kind)
                .iter()
                .flatten()
                .find(|s| s.min_lsn < guard.floor && guard.covers(s) && !removed(&s.id))
            {
                return Err(format!(
                    "SST `{}` (from LSN {}) appeared beside the compaction; its dropped \
                     tombstones could uncover it",
                    sst.id, sst.min_lsn
                ));
            }
        }
        for placement in &self.removed {
            let level = next
                .ssts
                .of_mut(placement.kind)
                .get_mut(placement.level as usize)
                .ok_or_else(|| not_live(placement))?;
            let position = level
                .iter()
                .position(|s| s.id == placement.sst.id)
                .ok_or_else(|| not_live(placement))?;
            level.remove(position);
            garbage.push(GarbageRef {
                key: placement.key(),
                removed_in_version,
                removed_at_millis: now_millis,
            });
        }
        for placement in &self.added {
            if placement.sst.created_at_millis.saturating_add(max_install_age_millis) < now_millis {
                return Err(format!(
                    "SST `{}` was written {} ms ago, longer than the {max_install_age_millis} ms an \
                     edit may wait; garbage collection may have deleted it",
                    placement.sst.id,
                    now_millis - placement.sst.created_at_millis
                ));
            }
            if next.ssts.all().any(|(_, _, sst)| sst.id == placement.sst.id) {
                continue;
            }
            let levels = next.ssts.of_mut(placement.kind);
            let level = placement.level as usize;
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            // Below L0, files of one partition never overlap: two compactions of disjoint
            // inputs that raced could otherwise both land over one key range.
            let sst = &placement.sst;
            if let Some(other) = levels[level].iter().find(|o| {
                level > 0 && o.partition == sst.partition && o.meets(&sst.min_key, &sst.max_key)
            }) {
                return Err(format!(
                    "SST `{}` would overlap `{}` (partition {:?}) at level {level}; another \
                     compaction changed the level meanwhile",
                    sst.id, other.id, sst.partition
                ));
            }
            levels[level].push(placement.sst.clone());
            // L0 in flush order (oldest first); deeper levels by key range.
            if level == 0 {
                levels[level].sort_by(|a, b| (a.max_lsn, &a.id).cmp(&(b.max_lsn, &b.id)));
            } else {
                levels[level].sort_by(|a, b| (&a.min_key, &a.id).cmp(&(&b.min_key, &b.id)));
            }
        }
        for kind in [SstKind::Node, SstKind::Edge] {
            let levels = next.ssts.of_mut(kind);
            while levels.last().is_some_and(Vec::is_empty) {
                levels.pop();
            }
        }
        // A bulk load is flushed by construction.
        if let Some(flushed) = self.flushed_lsn.max(self.ingest_after.map(Lsn::next)) {
            if flushed > next.last_lsn() {
                return Err(format!(
                    "cannot flush up to LSN {flushed}: the last committed LSN is {}",
                    next.last_lsn
                ));
            }
            if flushed > next.flushed_lsn() {
                next.flushed_lsn = flushed.get();
                let (gone, kept): (Vec<_>, Vec<_>) =
                    next.wal.drain(..).partition(|segment| segment.last_lsn <= flushed.get());
                next.wal = kept;
                garbage.extend(gone.into_iter().map(|segment| GarbageRef {
                    key: wal_segment_key(segment.seq),
                    removed_in_version,
                    removed_at_millis: now_millis,
                }));
            }
        }
        if let Some(version) = self.schema_version {
            next.schema_version = next.schema_version.max(version);
        }
        next.garbage.retain(|g| !self.collected.contains(&g.key));
        next.garbage.extend(garbage);
        next.check()
    }
}

fn not_live(placement: &SstPlacement) -> String {
    format!("SST `{}` is no longer live at level {}", placement.sst.id, placement.level)
}
