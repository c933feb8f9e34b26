//! Injected randomness.
//!
//! Writer ids, nonces and backoff jitter come from a [`RandomSource`], so a simulation with a
//! fixed seed replays exactly.

use parking_lot::Mutex;

/// A source of random 64-bit numbers.
pub trait RandomSource: Send + Sync + std::fmt::Debug {
    /// The next random number.
    fn next_u64(&self) -> u64;

    /// A number uniformly drawn from `0..bound` (0 when `bound` is 0).
    fn below(&self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        // Multiply-shift maps 64 random bits onto the range with negligible bias.
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }
}

/// A deterministic generator (SplitMix64) seeded by the caller.
#[derive(Debug)]
pub struct SeededRandom {
    state: Mutex<u64>,
}

impl SeededRandom {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> SeededRandom {
        SeededRandom { state: Mutex::new(seed) }
    }
}

impl RandomSource for SeededRandom {
    fn next_u64(&self) -> u64 {
        let mut state = self.state.lock();
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix_finish(*state)
    }
}

/// Randomness seeded once from the operating system (process id, time, address entropy).
#[derive(Debug)]
pub struct SystemRandom {
    inner: SeededRandom,
}

impl SystemRandom {
    /// A generator seeded from the environment of this process.
    pub fn new() -> SystemRandom {
        let mut seed = std::process::id() as u64;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        seed ^= nanos.rotate_left(17);
        let stack_marker = 0u8;
        seed ^= (&stack_marker as *const u8 as u64).rotate_left(41);
        // std's hasher keys are drawn from the OS at start-up.
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(seed);
        SystemRandom { inner: SeededRandom::new(hasher.finish() ^ seed) }
    }
}

impl Default for SystemRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl RandomSource for SystemRandom {
    fn next_u64(&self) -> u64 {
        self.inner.next_u64()
    }
}

fn splitmix_finish(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_random_replays() {
        let a = SeededRandom::new(42);
        let b = SeededRandom::new(42);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], xs[1]);
    }

    #[test]
    fn below_stays_in_range() {
        let random = SeededRandom::new(1);
        assert!((0..1000).all(|_| random.below(7) < 7));
        assert_eq!(random.below(0), 0);
    }

    #[test]
    fn system_random_differs_between_instances() {
        assert_ne!(SystemRandom::new().next_u64(), SystemRandom::new().next_u64());
    }
}
