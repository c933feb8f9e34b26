//! Identifier newtypes: log sequence numbers and writer identities.

use std::fmt;

use crate::RandomSource;

/// A log sequence number: the position of one committed batch in a namespace's history.
///
/// LSNs start at 1; [`Lsn::ZERO`] means "before any commit".
/// Every batch committed to a namespace gets the next LSN, and all of its writes carry it,
/// so a snapshot at LSN `n` sees exactly the batches `1..=n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Lsn(pub u64);

impl Lsn {
    /// The LSN before the first commit.
    pub const ZERO: Lsn = Lsn(0);

    /// The LSN that follows this one.
    pub fn next(self) -> Lsn {
        Lsn(self.0 + 1)
    }

    /// The raw number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Lsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The identity of one writer (one open handle of a namespace in one process).
///
/// It is 128 random bits, shown as 32 lower-case hex digits.
/// The manifest records which writer made each version, so a writer can tell whether a commit
/// whose response was lost actually landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriterId(pub u128);

impl WriterId {
    /// A fresh writer id drawn from `random`.
    pub fn generate(random: &dyn RandomSource) -> WriterId {
        let high = u128::from(random.next_u64());
        let low = u128::from(random.next_u64());
        WriterId((high << 64) | low)
    }

    /// Parses the 32-hex-digit form produced by `Display`.
    pub fn parse(text: &str) -> Option<WriterId> {
        if text.len() != 32 {
            return None;
        }
        u128::from_str_radix(text, 16).ok().map(WriterId)
    }
}

impl fmt::Display for WriterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRandom;

    #[test]
    fn writer_id_round_trips_through_text() {
        let random = SeededRandom::new(7);
        let id = WriterId::generate(&random);
        assert_eq!(WriterId::parse(&id.to_string()), Some(id));
        assert_eq!(WriterId::parse("xyz"), None);
        assert_eq!(WriterId::parse(&"g".repeat(32)), None);
    }

    #[test]
    fn lsn_orders_and_advances() {
        assert!(Lsn::ZERO < Lsn(1));
        assert_eq!(Lsn(41).next(), Lsn(42));
    }
}
