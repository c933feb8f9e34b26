//! Pacing of the committer: how long to wait, and when, so groups fill and writers take turns.
//!
//! - **Group linger.** When the last group held several batches, callers answered a moment ago are
//!   about to send their next batch; waiting a sliver of a round trip (at most 2 ms) lets them join
//!   the next group instead of the one after.
//! - **Backoff after a lost race.** Full jitter over a ceiling that starts at a quarter of the
//!   measured commit round trip and doubles per lost round (at most 8×), capped. The first retry is
//!   prompt on purpose: the winner yields.
//! - **Yield after a win.** The writer that wins once keeps winning: its next round (PUT + CAS) is
//!   shorter than the loser's (GET the manifest and segments, then PUT + CAS). While another writer
//!   was seen recently (a foreign segment in the way, a lost CAS), a winner pauses 1.5–2.5 round
//!   trips after each win, doubling the pause (up to 64×, capped) while no foreign commit gets
//!   through and resetting it when one does. Batches queued meanwhile join the next group.

use std::time::Duration;

use crate::DbOptions;

/// Longest wait for more callers before a group commit starts.
const MAX_GROUP_LINGER: Duration = Duration::from_millis(2);
/// How long after last seeing another writer a winner keeps yielding (at least).
const CONTENTION_MEMORY: Duration = Duration::from_secs(1);

/// What the committer has measured and seen, for deciding its waits.
#[derive(Debug)]
pub(crate) struct Pacing {
    /// Smoothed duration of a winning commit round (WAL PUT + manifest CAS), in µs.
    round_trip_micros: u64,
    /// Until when (µs since the epoch) this writer yields after each win.
    contended_until_micros: u64,
    /// How many times longer than usual the next yield is.
    yield_multiplier: u64,
    /// Whether another writer's commit was replayed since this writer's last win.
    foreign_commit_seen: bool,
    /// Batches in the last group committed.
    last_group_size: usize,
}

impl Pacing {
    pub(crate) fn new() -> Pacing {
        Pacing {
            round_trip_micros: 0,
            contended_until_micros: 0,
            yield_multiplier: 1,
            foreign_commit_seen: false,
            last_group_size: 0,
        }
    }

    /// The wait before forming a group.
    pub(crate) fn group_linger(&self) -> Option<Duration> {
        (self.last_group_size > 1)
            .then(|| Duration::from_micros(self.round_trip_micros / 16).min(MAX_GROUP_LINGER))
    }

    /// Records a committed group's size.
    pub(crate) fn note_group(&mut self, batches: usize) {
        self.last_group_size = batches;
    }

    /// Records how long a winning CAS took; a commit round trip is about two such requests.
    pub(crate) fn note_cas_duration(&mut self, micros: u64) {
        let took = 2 * micros;
        self.round_trip_micros = if self.round_trip_micros == 0 {
            took
        } else {
            (3 * self.round_trip_micros + took) / 4
        };
    }

    /// Records that another writer's commits were replayed.
    pub(crate) fn note_foreign_commit(&mut self) {
        self.foreign_commit_seen = true;
    }

    /// Remembers that another writer is active, for 64 round trips (between `CONTENTION_MEMORY`
    /// and ten times that).
    pub(crate) fn note_contention(&mut self, now_micros: u64) {
        let memory = CONTENTION_MEMORY.as_micros() as u64;
        let window = memory.max(self.round_trip_micros.saturating_mul(64)).min(10 * memory);
        self.contended_until_micros = now_micros.saturating_add(window);
    }

    /// The wait after losing round `round` of a manifest race.
    pub(crate) fn backoff(&self, round: u32, options: &DbOptions) -> Duration {
        let unit =
            Duration::from_micros(self.round_trip_micros / 4).max(options.commit_backoff_initial);
        let ceiling = unit
            .saturating_mul(1 << round.saturating_sub(1).min(3))
            .min(options.commit_backoff_max);
        Duration::from_micros(options.random.below(ceiling.as_micros() as u64 + 1))
    }

    /// The pause after a win, if another writer was seen recently.
    pub(crate) fn yield_after_win(&mut self, options: &DbOptions) -> Option<Duration> {
        let foreign_commit_seen = std::mem::replace(&mut self.foreign_commit_seen, false);
        if options.clock.now_micros() >= self.contended_until_micros {
            self.yield_multiplier = 1;
            return None;
        }
        self.yield_multiplier =
            if foreign_commit_seen { 1 } else { (self.yield_multiplier * 2).min(64) };
        let unit = self.round_trip_micros.max(options.commit_backoff_initial.as_micros() as u64);
        // A loser needs about two round trips (read the manifest and the winner's segment, then
        // PUT and CAS); pausing 1.5 to 2.5 round trips lets its CAS arrive first.
        let pause = (unit * 3 / 2 + options.random.below(unit)) * self.yield_multiplier;
        tracing::debug!(
            pause_micros = pause,
            multiplier = self.yield_multiplier,
            "yielding after a win"
        );
        Some(Duration::from_micros(pause).min(options.commit_backoff_max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use namidb_core::{ManualClock, SeededRandom};

    fn options() -> DbOptions {
        DbOptions {
            clock: Arc::new(ManualClock::new(1_000_000)),
            random: Arc::new(SeededRandom::new(5)),
            ..DbOptions::default()
        }
    }

    #[test]
    fn yields_only_under_contention_and_doubles_until_others_get_through() {
        let options = options();
        let mut pacing = Pacing::new();
        pacing.note_cas_duration(10_000);
        assert_eq!(pacing.yield_after_win(&options), None);
        pacing.note_contention(options.clock.now_micros());
        let first = pacing.yield_after_win(&options).unwrap();
        let second = pacing.yield_after_win(&options).unwrap();
        assert!(second > first, "{first:?} then {second:?}");
        pacing.note_foreign_commit();
        let reset = pacing.yield_after_win(&options).unwrap();
        assert!(reset <= Duration::from_micros(2 * 25_000), "{reset:?}");
    }

    #[test]
    fn lingers_only_after_a_group_of_several() {
        let mut pacing = Pacing::new();
        pacing.note_cas_duration(20_000);
        assert_eq!(pacing.group_linger(), None);
        pacing.note_group(8);
        assert_eq!(pacing.group_linger(), Some(Duration::from_micros(2_500).min(MAX_GROUP_LINGER)));
    }
}
