//! The committer: one task per namespace handle that owns the write path.
//!
//! Callers hand batches to [`crate::Db::commit_batch`], which queues them here. The committer takes
//! every batch waiting in the queue as one group (group commit), and for the group:
//!
//! 1. checks each batch's preconditions against the newest state it knows (a failing batch gets
//!    [`StorageError::Conflict`], the rest go on);
//! 2. assigns consecutive LSNs and writes one WAL segment with `If-None-Match: *` at the next free
//!    slot (a slot taken by another writer's segment is skipped);
//! 3. stores a manifest naming the segment with `If-Match` on the ETag it last read.
//!
//! When step 3 succeeds the group is durable: its writes enter the memtable and every caller hears
//! success. When it fails, or its response is lost, the committer re-reads the manifest. If the
//! manifest names one of this group's segments, the group landed after all and succeeds. Otherwise
//! another writer won: the committer replays that writer's segments, waits a jittered backoff, and
//! goes back to step 1 on the new state, up to [`crate::DbOptions::max_commit_attempts`] rounds.
//! Every error returned to a caller therefore means "not applied" (the one exception,
//! [`StorageError::OutcomeUnknown`], closes the handle).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use namidb_core::{Lsn, NamespaceName, WriterId};
use namidb_objstore::{Bucket, ETag, ObjectStoreError};
use parking_lot::{Mutex, RwLock};
use tokio::sync::{mpsc, oneshot};

use crate::layout::{wal_segment_key, MANIFEST_KEY};
use crate::manifest::{Manifest, WalSegmentRef};
use crate::manifest_edit::ManifestEdit;
use crate::pacing::Pacing;
use crate::read_state::{FrozenMemtables, ReadState};
use crate::replay::{apply_records, read_manifest, read_segments_after};
use crate::wal_segment::{segment_checksum, WalRecord, WalSegment};
use crate::{CommitInfo, DbOptions, Precondition, StorageError, WriteBatch};

/// A request to the committer task.
pub(crate) enum Request {
    Commit { batch: WriteBatch, reply: oneshot::Sender<Result<CommitInfo, StorageError>> },
    Refresh { reply: oneshot::Sender<Result<Lsn, StorageError>> },
    Freeze { reply: oneshot::Sender<Result<Option<FrozenMemtables>, StorageError>> },
    Install { edit: ManifestEdit, reply: oneshot::Sender<Result<Arc<Manifest>, StorageError>> },
    Close { reply: oneshot::Sender<Result<(), StorageError>> },
}

/// Counters of the write path.
#[derive(Debug, Default)]
pub(crate) struct CommitStats {
    pub(crate) batches_committed: AtomicU64,
    pub(crate) groups_committed: AtomicU64,
    pub(crate) cas_attempts: AtomicU64,
    pub(crate) cas_lost: AtomicU64,
    pub(crate) conflicts: AtomicU64,
    pub(crate) segments_written: AtomicU64,
    pub(crate) records_replayed: AtomicU64,
}

/// State shared by the handle and the committer.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) namespace: NamespaceName,
    pub(crate) bucket: Bucket,
    /// What snapshots read: the newest manifest this handle knows and the memtables above it.
    /// Replaced whole by the committer, never edited in place.
    pub(crate) state: RwLock<Arc<ReadState>>,
    pub(crate) visible_lsn: AtomicU64,
    pub(crate) writer: WriterId,
    pub(crate) options: DbOptions,
    pub(crate) stats: CommitStats,
    /// Set when the handle is closed, with the reason if a failure closed it.
    pub(crate) closed: Mutex<Option<StorageError>>,
}

impl Shared {
    /// The current read state.
    pub(crate) fn read_state(&self) -> Arc<ReadState> {
        Arc::clone(&self.state.read())
    }

    fn set_read_state(&self, state: ReadState) {
        *self.state.write() = Arc::new(state);
    }
}

struct PendingCommit {
    batch: WriteBatch,
    reply: oneshot::Sender<Result<CommitInfo, StorageError>>,
}

/// One WAL segment written for a group, remembered until the group's outcome is known.
#[derive(Debug, Clone)]
struct Attempt {
    seq: u64,
    crc: u32,
    base: Lsn,
    members: Vec<usize>,
}

/// The committer's private state: the manifest version the memtable reflects.
pub(crate) struct Committer {
    shared: Arc<Shared>,
    manifest: Manifest,
    etag: ETag,
    applied: Lsn,
    /// The lowest WAL slot not known to be taken.
    next_probe_seq: u64,
    /// Waits for group filling and fairness between writers.
    pacing: Pacing,
}

impl Committer {
    /// A committer that has applied nothing yet; [`Committer::catch_up`] brings it to a manifest.
    pub(crate) fn empty(shared: Arc<Shared>) -> Committer {
        let mut manifest = Manifest::initial(&shared.namespace, 0);
        manifest.version = 0;
        Committer {
            shared,
            manifest,
            etag: ETag::new(""),
            applied: Lsn::ZERO,
            next_probe_seq: 1,
            pacing: Pacing::new(),
        }
    }

    /// Serves requests until the handle is closed or dropped.
    pub(crate) async fn run(mut self, mut requests: mpsc::Receiver<Request>) {
        while let Some(first) = requests.recv().await {
            if let Some(linger) = self.pacing.group_linger() {
                self.shared.options.clock.sleep(linger).await;
            }
            let mut group: Vec<Option<PendingCommit>> = Vec::new();
            let mut others: Vec<Request> = Vec::new();
            let mut group_bytes = 0usize;
            let mut next = Some(first);
            while let Some(request) = next.take() {
                match request {
                    Request::Commit { batch, reply } => {
                        group_bytes += batch.encoded_len();
                        group.push(Some(PendingCommit { batch, reply }));
                    }
                    other => others.push(other),
                }
                if group.len() >= self.shared.options.max_group_batches
                    || group_bytes >= self.shared.options.max_group_bytes
                {
                    break;
                }
                next = requests.try_recv().ok();
            }
            tracing::trace!(batches = group.len(), "group formed");
            if !group.is_empty() {
                if let Some(reason) = self.closed_reason() {
                    fail_all(&mut group, &reason);
                } else {
                    self.commit_group(group).await;
                }
            }
            for request in others {
                match request {
                    Request::Commit { .. } => {}
                    Request::Refresh { reply } => {
                        let result = match self.closed_reason() {
                            Some(reason) => Err(reason),
                            None => self.refresh().await,
                        };
                        let _ = reply.send(result);
                    }
                    Request::Freeze { reply } => {
                        let result = match self.closed_reason() {
                            Some(reason) => Err(reason),
                            None => Ok(self.freeze()),
                        };
                        let _ = reply.send(result);
                    }
                    Request::Install { edit, reply } => {
                        let result = match self.closed_reason() {
                            Some(reason) => Err(reason),
                            None => self.install_edit(edit).await,
                        };
                        let _ = reply.send(result);
                    }
                    Request::Close { reply } => {
                        let result = self.release_exclusive().await;
                        self.latch_closed(StorageError::Closed { reason: None });
                        let _ = reply.send(result);
                        return;
                    }
                }
            }
        }
    }

    /// Brings the memtable up to the stored manifest, replaying other writers' segments.
    pub(crate) async fn refresh(&mut self) -> Result<Lsn, StorageError> {
        let Some((manifest, etag)) =
            read_manifest(&self.shared.bucket, self.shared.namespace.as_str()).await?
        else {
            return Err(StorageError::Fenced {
                reason: "the namespace's manifest was deleted".to_owned(),
            });
        };
        self.catch_up(manifest, etag).await?;
        Ok(self.applied)
    }

    /// Makes `manifest` the current state, replaying the segments it names above the applied LSN.
    pub(crate) async fn catch_up(
        &mut self,
        manifest: Manifest,
        etag: ETag,
    ) -> Result<(), StorageError> {
        if etag == self.etag && manifest.version == self.manifest.version {
            return Ok(());
        }
        if manifest.version < self.manifest.version || manifest.last_lsn() < self.applied {
            return Err(StorageError::Fenced {
                reason: format!(
                    "the manifest went back from version {} to {}; the namespace was replaced",
                    self.manifest.version, manifest.version
                ),
            });
        }
        // Commits at or below the flushed watermark are in the SSTs the manifest names.
        let start = self.applied.max(manifest.flushed_lsn());
        let options = &self.shared.options;
        let records: Vec<WalRecord> =
            read_segments_after(&self.shared.bucket, &manifest, start, options.replay_parallelism)
                .await?
                .into_iter()
                .flat_map(|(_, records)| records)
                .collect();
        let applied = apply_records(self.shared.read_state().active(), start, &records)?;
        if applied != manifest.last_lsn() {
            return Err(StorageError::Internal(format!(
                "replay reached LSN {applied} but the manifest ends at {}",
                manifest.last_lsn()
            )));
        }
        self.shared.stats.records_replayed.fetch_add(records.len() as u64, Ordering::Relaxed);
        if !records.is_empty() {
            self.pacing.note_foreign_commit();
        }
        self.applied = applied;
        self.next_probe_seq = self.next_probe_seq.max(manifest.next_wal_seq);
        // The state names the new SSTs before the visible LSN covers what they hold.
        self.install(manifest, etag);
        self.shared.visible_lsn.store(applied.get(), Ordering::Release);
        Ok(())
    }

    /// Takes the namespace exclusively: stores a manifest naming this writer as the holder.
    pub(crate) async fn claim_exclusive(&mut self) -> Result<(), StorageError> {
        let me = self.shared.writer;
        for _ in 0..self.shared.options.max_commit_attempts {
            let mut next = self.successor();
            next.exclusive_writer = Some(me.to_string());
            // Taking over always starts a new epoch, so every earlier writer is fenced.
            next.epoch = self.manifest.epoch + 1;
            let landed = self.holder_change_landed(&next);
            if self.store_manifest(next, landed).await? {
                return Ok(());
            }
        }
        Err(StorageError::Conflict {
            reason: "could not claim the namespace: the manifest kept changing".to_owned(),
        })
    }

    async fn release_exclusive(&mut self) -> Result<(), StorageError> {
        let me = self.shared.writer;
        for _ in 0..self.shared.options.max_commit_attempts {
            if self.manifest.exclusive_writer() != Some(me) {
                return Ok(());
            }
            let mut next = self.successor();
            next.exclusive_writer = None;
            let landed = self.holder_change_landed(&next);
            if self.store_manifest(next, landed).await? {
                return Ok(());
            }
        }
        Err(StorageError::Conflict {
            reason: "could not release the namespace: the manifest kept changing".to_owned(),
        })
    }

    /// Whether a stored manifest shows `next`'s change of exclusive holder as made by this writer.
    fn holder_change_landed(&self, next: &Manifest) -> impl FnOnce(&Manifest) -> bool {
        let (writer, commits, holder) = (
            self.shared.writer,
            next.commits_by(self.shared.writer),
            next.exclusive_writer.clone(),
        );
        move |current| current.commits_by(writer) >= commits && current.exclusive_writer == holder
    }

    /// Stores a manifest that adds no WAL segment, with `If-Match` on the last ETag read. When the
    /// CAS fails or its answer is lost, reads the stored manifest, asks `landed` whether it shows
    /// the change after all, catches up, and answers that (false: the race was lost).
    async fn store_manifest(
        &mut self,
        next: Manifest,
        landed: impl FnOnce(&Manifest) -> bool,
    ) -> Result<bool, StorageError> {
        self.shared.stats.cas_attempts.fetch_add(1, Ordering::Relaxed);
        match self.shared.bucket.put_if_match(MANIFEST_KEY, next.encode(), &self.etag).await {
            Ok(Some(etag)) => {
                self.install(next, etag);
                Ok(true)
            }
            outcome => {
                let (current, etag) = self.read_manifest_patiently().await?;
                let landed = landed(&current);
                self.catch_up(current, etag).await?;
                if !landed {
                    self.shared.stats.cas_lost.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(?outcome, "manifest update lost the race");
                }
                Ok(landed)
            }
        }
    }

    async fn commit_group(&mut self, mut slots: Vec<Option<PendingCommit>>) {
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut round: u32 = 0;
        // Set while the last CAS failed without a definite answer and the manifest still carries
        // the ETag it was conditioned on: that request may yet land, so no error may be reported.
        let mut ambiguous = false;
        loop {
            if slots.iter().all(Option::is_none) {
                return;
            }
            round += 1;
            if round > self.shared.options.max_commit_attempts {
                let reason = format!(
                    "lost the manifest race {} times in a row to other writers",
                    self.shared.options.max_commit_attempts
                );
                self.shared.stats.conflicts.fetch_add(count(&slots), Ordering::Relaxed);
                self.fail_group(&mut slots, StorageError::Conflict { reason }, ambiguous);
                return;
            }
            if self.check_fencing().is_err() {
                // The cached manifest may be stale: the holder may have let go since.
                if let Err(error) = self.refresh().await {
                    self.fail_group(&mut slots, error, ambiguous);
                    return;
                }
            }
            if let Err(error) = self.check_fencing() {
                self.fail_group(&mut slots, error, ambiguous);
                return;
            }
            let members = self.validate(&mut slots);
            if members.is_empty() {
                return;
            }
            let base = self.applied;
            let records: Vec<WalRecord> = members
                .iter()
                .enumerate()
                .filter_map(|(i, idx)| {
                    let pending = slots[*idx].as_ref()?;
                    Some(WalRecord {
                        lsn: Lsn(base.get() + 1 + i as u64),
                        ops: pending.batch.ops().to_vec(),
                    })
                })
                .collect();
            let segment = WalSegment {
                writer: self.shared.writer,
                nonce: self.shared.options.random.next_u64(),
                records,
            };
            let bytes = segment.encode();
            let crc = segment_checksum(&bytes);
            let seq = match self.store_segment(&bytes).await {
                Ok(SegmentSlot::Stored(seq)) => seq,
                Ok(SegmentSlot::Stale(found)) => {
                    let (current, etag) = *found;
                    // Another writer committed since this view was taken: catch up, go again.
                    // Earlier attempts of the group may have landed; the stored manifest says.
                    let landed = find_landed(&attempts, &current);
                    let epoch = current.epoch;
                    let caught_up = self.catch_up(current, etag).await;
                    if let Some(attempt) = landed {
                        self.succeed(&mut slots, &attempt.members, attempt.base, epoch);
                    }
                    if let Err(error) = caught_up {
                        self.fail_group(&mut slots, error, ambiguous);
                        return;
                    }
                    continue;
                }
                Err(error) => {
                    // No manifest names the segment, so nothing of the group is applied.
                    self.fail_group(&mut slots, error, ambiguous);
                    return;
                }
            };
            attempts.push(Attempt { seq, crc, base, members: members.clone() });
            let mut next = self.successor();
            next.wal.push(WalSegmentRef {
                seq,
                first_lsn: base.get() + 1,
                last_lsn: base.get() + segment.records.len() as u64,
                size_bytes: bytes.len() as u64,
                crc32c: crc,
            });
            next.last_lsn = base.get() + segment.records.len() as u64;
            next.next_wal_seq = next.next_wal_seq.max(seq + 1);
            self.shared.stats.cas_attempts.fetch_add(1, Ordering::Relaxed);
            let cas_started = self.shared.options.clock.now_micros();
            let sent_etag = self.etag.clone();
            tracing::debug!(slot = seq, round, version = next.version, "manifest CAS");
            let outcome =
                self.shared.bucket.put_if_match(MANIFEST_KEY, next.encode(), &self.etag).await;
            if let Ok(Some(etag)) = outcome {
                let epoch = next.epoch;
                if let Err(error) =
                    apply_records(self.shared.read_state().active(), self.applied, &segment.records)
                {
                    self.latch_closed(error);
                }
                self.applied = next.last_lsn();
                self.install(next, etag);
                self.shared.visible_lsn.store(self.applied.get(), Ordering::Release);
                self.succeed(&mut slots, &members, base, epoch);
                let now = self.shared.options.clock.now_micros();
                self.pacing.note_cas_duration(now.saturating_sub(cas_started));
                if let Some(pause) = self.pacing.yield_after_win(&self.shared.options) {
                    self.shared.options.clock.sleep(pause).await;
                }
                return;
            }
            // The CAS failed or its answer is unknown: the stored manifest tells what happened.
            let (current, etag) = match self.read_manifest_patiently().await {
                Ok(found) => found,
                Err(error) => {
                    self.latch_closed(error.clone());
                    self.fail_group(&mut slots, error, ambiguous);
                    return;
                }
            };
            let landed = find_landed(&attempts, &current);
            ambiguous = landed.is_none()
                && etag == sent_etag
                && !matches!(outcome, Err(ObjectStoreError::PreconditionFailed { .. }));
            let epoch = current.epoch;
            let caught_up = self.catch_up(current, etag).await;
            if let Some(attempt) = landed {
                self.succeed(&mut slots, &attempt.members, attempt.base, epoch);
            } else {
                self.shared.stats.cas_lost.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(round, ?outcome, "manifest CAS lost");
                self.pacing.note_contention(self.shared.options.clock.now_micros());
            }
            if let Err(error) = caught_up {
                // Nothing still pending has landed, and the committer's state is unchanged (replay
                // applies nothing unless every segment was read), so the handle stays usable.
                self.fail_group(&mut slots, error, ambiguous);
                return;
            }
            if !matches!(outcome, Err(ObjectStoreError::PreconditionFailed { .. }) | Ok(None)) {
                // A failure other than a lost race; back off as for a lost race.
                tracing::debug!(?outcome, "manifest update failed; retrying");
            }
            if slots.iter().any(Option::is_some) {
                let wait = self.pacing.backoff(round, &self.shared.options);
                tracing::debug!(?wait, "backing off after a lost race");
                self.shared.options.clock.sleep(wait).await;
            }
        }
    }

    /// Answers every pending caller with `error`, unless an earlier CAS of the group may still land:
    /// then the honest answer is [`StorageError::OutcomeUnknown`], and the handle closes.
    fn fail_group(
        &self,
        slots: &mut [Option<PendingCommit>],
        error: StorageError,
        ambiguous: bool,
    ) {
        let error = if ambiguous {
            let unknown = StorageError::OutcomeUnknown {
                reason: format!("a manifest update whose answer was lost may still land: {error}"),
            };
            self.latch_closed(unknown.clone());
            unknown
        } else {
            error
        };
        fail_all(slots, &error);
    }

    /// Writes a segment at the first free WAL slot at or above the manifest's `next_wal_seq`.
    ///
    /// A slot taken by another writer's segment usually means this writer's view is stale (the
    /// other writer committed it): then the stored manifest is returned too, so the caller can
    /// catch up and start the round again instead of probing through every committed slot. Only
    /// slots at or above the stored manifest's `next_wal_seq` (segments of writers still in
    /// flight, or orphans of crashed ones) are probed past one by one.
    async fn store_segment(&mut self, bytes: &Bytes) -> Result<SegmentSlot, StorageError> {
        let bucket = self.shared.bucket.clone();
        let mut seq = self.next_probe_seq.max(self.manifest.next_wal_seq);
        let mut stale: Option<(Manifest, ETag)> = None;
        let mut stale_misses = 0u32;
        for _ in 0..1024 {
            let key = wal_segment_key(seq);
            match bucket.put_if_absent(&key, bytes.clone()).await {
                Ok(_) => {
                    self.next_probe_seq = seq + 1;
                    self.shared.stats.segments_written.fetch_add(1, Ordering::Relaxed);
                    return Ok(match stale {
                        Some(found) => SegmentSlot::Stale(Box::new(found)),
                        None => SegmentSlot::Stored(seq),
                    });
                }
                Err(ObjectStoreError::AlreadyExists { .. }) => {
                    // Ours, if an earlier attempt of this very put succeeded but its answer was lost.
                    match bucket.get(&key).await {
                        Ok(found) if found.bytes == *bytes => {
                            self.next_probe_seq = seq + 1;
                            return Ok(SegmentSlot::Stored(seq));
                        }
                        Ok(_) | Err(ObjectStoreError::NotFound { .. }) => {}
                        Err(e) => return Err(e.into()),
                    }
                    self.pacing.note_contention(self.shared.options.clock.now_micros());
                    let (current, etag) = self.read_manifest_patiently().await?;
                    if current.next_wal_seq > seq || etag != self.etag {
                        // Stale. The segment is still stored before the round restarts: the
                        // orphan it becomes is how the other writer learns that someone is
                        // waiting, and starts yielding after its wins. It skips ahead of the
                        // other writer's next slot — one slot, then twice as far after every miss
                        // — so that a writer committing faster than this loop runs cannot be
                        // chased forever without ever meeting the orphan.
                        let ahead = 1u64 << stale_misses.min(6);
                        stale_misses += 1;
                        seq = (seq + 1).max(current.next_wal_seq + ahead);
                        tracing::debug!(slot = seq, "segment slot taken: view is stale");
                        stale = Some((current, etag));
                    } else {
                        seq += 1;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StorageError::Conflict {
            reason: format!("1024 WAL slots after {} are taken", self.manifest.next_wal_seq),
        })
    }

    /// Reads the manifest, retrying transient failures until `outcome_timeout`.
    async fn read_manifest_patiently(&self) -> Result<(Manifest, ETag), StorageError> {
        let clock = &self.shared.options.clock;
        let started = clock.now_millis();
        let timeout = self.shared.options.outcome_timeout.as_millis() as u64;
        let mut round = 0;
        loop {
            round += 1;
            match read_manifest(&self.shared.bucket, self.shared.namespace.as_str()).await {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => {
                    return Err(StorageError::OutcomeUnknown {
                        reason: "the manifest was deleted".to_owned(),
                    })
                }
                Err(StorageError::ObjectStore(ObjectStoreError::Crashed)) => {
                    return Err(StorageError::ObjectStore(ObjectStoreError::Crashed))
                }
                // Any store failure may pass (even a 403 while credentials rotate): keep asking until
                // the deadline, because giving up here leaves the caller without an answer.
                Err(error @ StorageError::ObjectStore(_))
                    if clock.now_millis().saturating_sub(started) >= timeout =>
                {
                    return Err(StorageError::OutcomeUnknown { reason: error.to_string() });
                }
                Err(error) if !matches!(error, StorageError::ObjectStore(_)) => {
                    return Err(StorageError::OutcomeUnknown { reason: error.to_string() });
                }
                Err(_) => {
                    clock
                        .sleep(
                            self.pacing
                                .backoff(round, &self.shared.options)
                                .max(Duration::from_millis(50)),
                        )
                        .await
                }
            }
        }
    }

    fn check_fencing(&self) -> Result<(), StorageError> {
        let me = self.shared.writer;
        match self.manifest.exclusive_writer() {
            Some(holder) if holder != me => Err(StorageError::Fenced {
                reason: format!(
                    "writer {holder} holds namespace `{}` exclusively (epoch {})",
                    self.shared.namespace, self.manifest.epoch
                ),
            }),
            None if self.shared.options.exclusive => Err(StorageError::Fenced {
                reason: format!(
                    "this writer's exclusive hold on `{}` was released",
                    self.shared.namespace
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Checks preconditions in queue order; answers failures with a conflict and returns the rest.
    fn validate(&self, slots: &mut [Option<PendingCommit>]) -> Vec<usize> {
        let mut members = Vec::new();
        let mut written: BTreeSet<Bytes> = BTreeSet::new();
        for (idx, slot) in slots.iter_mut().enumerate() {
            let Some(pending) = slot.as_ref() else { continue };
            match self.check_preconditions(&pending.batch, &written) {
                Ok(()) => {
                    written.extend(pending.batch.ops().iter().map(|op| op.key().clone()));
                    members.push(idx);
                }
                Err(reason) => {
                    self.shared.stats.conflicts.fetch_add(1, Ordering::Relaxed);
                    if let Some(pending) = slot.take() {
                        let _ = pending.reply.send(Err(StorageError::Conflict { reason }));
                    }
                }
            }
        }
        members
    }

    fn check_preconditions(
        &self,
        batch: &WriteBatch,
        written: &BTreeSet<Bytes>,
    ) -> Result<(), String> {
        let memtable = self.shared.read_state();
        for precondition in batch.preconditions() {
            match precondition {
                Precondition::KeyUnchanged { key, since } => {
                    if *since < self.manifest.flushed_lsn() {
                        return Err(format!(
                            "snapshot at LSN {since} is older than the flushed data"
                        ));
                    }
                    if written.contains(key) {
                        return Err(format!(
                            "key {} is written by an earlier batch of the same group",
                            show(key)
                        ));
                    }
                    if let Some(lsn) = memtable.latest_lsn(key).filter(|lsn| lsn > since) {
                        return Err(format!(
                            "key {} changed at LSN {lsn}, after the snapshot at {since}",
                            show(key)
                        ));
                    }
                }
                Precondition::RangeUnchanged { start, end, since } => {
                    if *since < self.manifest.flushed_lsn() {
                        return Err(format!(
                            "snapshot at LSN {since} is older than the flushed data"
                        ));
                    }
                    let in_range =
                        |key: &Bytes| key >= start && end.as_ref().is_none_or(|end| key < end);
                    if written.iter().any(in_range) {
                        return Err(format!(
                            "range from {} is written by an earlier batch of the same group",
                            show(start)
                        ));
                    }
                    if memtable.changed_since(start, end.as_deref(), *since) {
                        return Err(format!(
                            "range from {} changed after the snapshot at {since}",
                            show(start)
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn succeed(
        &mut self,
        slots: &mut [Option<PendingCommit>],
        members: &[usize],
        base: Lsn,
        epoch: u64,
    ) {
        let group_size = members.len();
        self.pacing.note_group(group_size);
        self.shared.stats.groups_committed.fetch_add(1, Ordering::Relaxed);
        self.shared.stats.batches_committed.fetch_add(group_size as u64, Ordering::Relaxed);
        for (i, idx) in members.iter().enumerate() {
            if let Some(pending) = slots.get_mut(*idx).and_then(Option::take) {
                let info = CommitInfo {
                    lsn: Lsn(base.get() + 1 + i as u64),
                    batches_in_group: group_size,
                    epoch: Some(epoch),
                };
                let _ = pending.reply.send(Ok(info));
            }
        }
    }

    fn successor(&self) -> Manifest {
        let options = &self.shared.options;
        self.manifest.successor(
            self.shared.writer,
            options.clock.now_millis(),
            options.writer_ttl.as_millis() as u64,
        )
    }

    /// Makes `manifest` the current version; memtables it has flushed leave the read state.
    fn install(&mut self, manifest: Manifest, etag: ETag) {
        let state = self.shared.read_state();
        let flushed = manifest.flushed_lsn();
        self.shared.set_read_state(
            state.with_manifest(Arc::new(manifest.clone())).without_flushed(flushed),
        );
        self.manifest = manifest;
        self.etag = etag;
    }

    fn closed_reason(&self) -> Option<StorageError> {
        self.shared.closed.lock().clone()
    }

    fn latch_closed(&self, error: StorageError) {
        let mut closed = self.shared.closed.lock();
        if closed.is_none() {
            *closed = Some(error);
        }
    }
}

mod edits;

/// How a segment write ended.
enum SegmentSlot {
    /// Stored at this slot.
    Stored(u64),
    /// Not stored: the view is stale; here is the stored manifest.
    Stale(Box<(Manifest, ETag)>),
}

/// The attempt of a group that the stored manifest names, if any.
fn find_landed(attempts: &[Attempt], current: &Manifest) -> Option<Attempt> {
    attempts
        .iter()
        .find(|a| current.wal.iter().any(|r| r.seq == a.seq && r.crc32c == a.crc))
        .cloned()
}

fn count(slots: &[Option<PendingCommit>]) -> u64 {
    slots.iter().filter(|s| s.is_some()).count() as u64
}

fn fail_all(slots: &mut [Option<PendingCommit>], error: &StorageError) {
    for slot in slots.iter_mut() {
        if let Some(pending) = slot.take() {
            let _ = pending.reply.send(Err(error.clone()));
        }
    }
}

/// A key for messages: printable ASCII as is, other bytes escaped, long keys cut.
fn show(key: &[u8]) -> String {
    let shown: String =
        key.iter().take(64).flat_map(|b| std::ascii::escape_default(*b)).map(char::from).collect();
    if key.len() > 64 {
        format!("`{shown}…`")
    } else {
        format!("`{shown}`")
    }
}
