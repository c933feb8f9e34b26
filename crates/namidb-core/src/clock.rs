//! Injected time.
//!
//! Storage code never reads the wall clock or sleeps directly; it asks a [`Clock`].
//! Production uses [`SystemClock`]; tests and simulations use [`ManualClock`], whose time moves
//! only when the test advances it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A boxed future returned by [`Clock::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A source of wall-clock time and of delays.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;

    /// Microseconds since the Unix epoch (for measuring short intervals).
    fn now_micros(&self) -> u64 {
        self.now_millis().saturating_mul(1000)
    }

    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// The real clock: system time and tokio timers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        // A clock before 1970 is reported as the epoch rather than panicking.
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    }

    fn now_micros(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that moves only when told to; sleeping advances it instead of waiting.
#[derive(Debug, Default)]
pub struct ManualClock {
    now_millis: AtomicU64,
}

impl ManualClock {
    /// A clock that reads `start_millis`.
    pub fn new(start_millis: u64) -> ManualClock {
        ManualClock { now_millis: AtomicU64::new(start_millis) }
    }

    /// Moves the clock forward.
    pub fn advance(&self, duration: Duration) {
        self.now_millis.fetch_add(duration.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.now_millis.load(Ordering::SeqCst)
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.advance(duration);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_advances_on_sleep() {
        let clock = ManualClock::new(1_000);
        clock.sleep(Duration::from_millis(250)).await;
        assert_eq!(clock.now_millis(), 1_250);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_millis() > 1_577_836_800_000);
    }
}
