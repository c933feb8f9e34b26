//! The temporal types: their representation, the calendar, time zones, ISO-8601 text forms
//! and everything Cypher computes with them — construction from strings and maps (selecting
//! from other temporal values), truncation, arithmetic with durations, `duration.between` and
//! friends, and component access.
//!
//! Representation: a date is days since 1970-01-01 (proleptic Gregorian, years
//! ±999,999,999); a time of day is nanoseconds since midnight; a zoned date-time is an instant
//! (UTC seconds + nanoseconds) with the offset in force and, when it was given by name, the
//! zone's name. A duration keeps months, days and seconds apart, as Cypher does.
//!
//! Time zones by name come from the IANA database bundled into the binary (`jiff`), so
//! results do not depend on the host's zoneinfo files.

pub mod arithmetic;
pub mod between;
pub mod civil;
pub mod component;
pub mod construct;
pub mod duration;
mod fields;
mod parse;
mod parts;
pub mod text;
pub mod truncate;
pub mod zone;

pub use civil::{civil_from_days, days_from_civil, days_in_month, is_leap_year};
pub use parts::Kind;
pub use zone::Zone;

/// Nanoseconds per second.
pub const NANOS_PER_SECOND: u64 = 1_000_000_000;
/// Seconds per day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar date: days since 1970-01-01 (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since the epoch.
    pub days: i64,
}

/// A time of day without zone: nanoseconds since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    /// Nanoseconds since midnight.
    pub nanos: u64,
}

/// A time of day with an offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    /// Nanoseconds since local midnight.
    pub nanos: u64,
    /// Offset from UTC in seconds.
    pub offset_seconds: i32,
}

/// A date and time without zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    /// Seconds since 1970-01-01T00:00 (local).
    pub seconds: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

/// A date and time at a zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// Seconds since the epoch (UTC).
    pub seconds: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
    /// Offset from UTC in seconds at this instant.
    pub offset_seconds: i32,
    /// The zone name, when it was given by name.
    pub zone: Option<String>,
}

/// A duration: months, days, seconds and nanoseconds, kept apart as Cypher does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    /// Months.
    pub months: i64,
    /// Days.
    pub days: i64,
    /// Seconds.
    pub seconds: i64,
    /// Nanoseconds, 0..1e9.
    pub nanos: u32,
}

/// The clock a statement reads `date()`, `datetime()`… from: one instant per statement, so
/// every call within it agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Seconds since the epoch (UTC).
    pub seconds: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl Clock {
    /// The current time of the host.
    pub fn now() -> Clock {
        let since =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Clock { seconds: since.as_secs() as i64, nanos: since.subsec_nanos() }
    }
}

/// Why a temporal operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemporalError {
    /// A value out of range or text that is not a valid temporal form.
    #[error("{0}")]
    InvalidValue(String),
    /// An argument of the wrong type.
    #[error("{0}")]
    InvalidType(String),
    /// A result outside the representable range.
    #[error("{0}")]
    Overflow(String),
}

impl TemporalError {
    pub(crate) fn value(message: impl Into<String>) -> TemporalError {
        TemporalError::InvalidValue(message.into())
    }

    pub(crate) fn kind(message: impl Into<String>) -> TemporalError {
        TemporalError::InvalidType(message.into())
    }

    pub(crate) fn overflow() -> TemporalError {
        TemporalError::Overflow("temporal arithmetic overflow".into())
    }
}

/// The result type of temporal operations.
pub type Result<T> = std::result::Result<T, TemporalError>;
