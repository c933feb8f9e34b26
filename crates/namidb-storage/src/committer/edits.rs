//! The committer's maintenance requests: freezing the memtable for a flush and installing
//! [`ManifestEdit`]s (flush and compaction outputs, garbage collected) by compare-and-swap.
//!
//! An edit is applied to the newest manifest and stored with `If-Match`; after a lost race the
//! committer catches up and applies it again to the winner's version, so edits from flushes,
//! compactions and commits of any number of processes interleave without losing each other.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::Committer;
use crate::manifest::Manifest;
use crate::manifest_edit::ManifestEdit;
use crate::read_state::FrozenMemtables;
use crate::StorageError;

impl Committer {
    /// Freezes the active memtable; returns every frozen memtable (none if there is nothing to
    /// flush).
    pub(super) fn freeze(&mut self) -> Option<FrozenMemtables> {
        let (next, frozen) = self.shared.read_state().freeze();
        self.shared.set_read_state(next);
        frozen
    }

    /// Applies `edit` to the newest manifest and stores it; returns the version that holds it.
    pub(super) async fn install_edit(
        &mut self,
        edit: ManifestEdit,
    ) -> Result<Arc<Manifest>, StorageError> {
        let options = &self.shared.options;
        let max_attempts = options.max_commit_attempts;
        let max_age = options.max_install_age.as_millis() as u64;
        let clock = Arc::clone(&options.clock);
        if edit.is_empty() {
            return Ok(Arc::clone(self.shared.read_state().manifest()));
        }
        for round in 1..=max_attempts {
            if self.check_fencing().is_err() {
                self.refresh().await?;
            }
            self.check_fencing()?;
            let mut next = self.successor();
            if let Some(reason) = edit.ingest_conflict(&next) {
                return Err(StorageError::Conflict { reason });
            }
            edit.apply(&mut next, clock.now_millis(), max_age)
                .map_err(|reason| StorageError::EditRejected { reason })?;
            let version = next.version;
            if self.store_manifest(next, |current| edit.is_reflected_in(current)).await? {
                tracing::debug!(version, "manifest edit installed");
                if edit.ingest_after.is_some() {
                    // The load is a commit: everything up to the new last LSN is now visible.
                    self.applied = self.applied.max(self.manifest.last_lsn());
                    self.shared.visible_lsn.store(self.applied.get(), Ordering::Release);
                }
                return Ok(Arc::clone(self.shared.read_state().manifest()));
            }
            let wait = self.pacing.backoff(round, &self.shared.options);
            clock.sleep(wait).await;
        }
        Err(StorageError::Conflict {
            reason: format!("the manifest edit lost the race {max_attempts} times in a row"),
        })
    }
}
