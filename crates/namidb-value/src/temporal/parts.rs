//! A temporal value taken apart into what it has — a local date, a local time of day, a
//! zone — and put back together as any of the five temporal kinds. Construction, selection,
//! truncation and `duration.between` all work on this form.

use std::sync::Arc;

use super::{
    Date, DateTime, LocalDateTime, LocalTime, Result, TemporalError, Time, Zone, NANOS_PER_SECOND,
    SECONDS_PER_DAY,
};
use crate::Value;

/// Nanoseconds per day.
pub(crate) const NANOS_PER_DAY: u64 = SECONDS_PER_DAY as u64 * NANOS_PER_SECOND;

/// The five instant-like temporal kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `date`.
    Date,
    /// `localtime`.
    LocalTime,
    /// `time`.
    Time,
    /// `localdatetime`.
    LocalDateTime,
    /// `datetime`.
    DateTime,
}

impl Kind {
    /// The kind a function namespace names (`date`, `localtime`, …), any case.
    pub fn from_name(name: &str) -> Option<Kind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "date" => Kind::Date,
            "localtime" => Kind::LocalTime,
            "time" => Kind::Time,
            "localdatetime" => Kind::LocalDateTime,
            "datetime" => Kind::DateTime,
            _ => return None,
        })
    }

    /// Whether values of this kind have a date.
    pub fn has_date(self) -> bool {
        matches!(self, Kind::Date | Kind::LocalDateTime | Kind::DateTime)
    }

    /// Whether values of this kind have a time of day.
    pub fn has_time(self) -> bool {
        !matches!(self, Kind::Date)
    }

    /// Whether values of this kind have a zone.
    pub fn has_zone(self) -> bool {
        matches!(self, Kind::Time | Kind::DateTime)
    }
}

/// A temporal value in parts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parts {
    /// Local date, days since the epoch.
    pub(crate) date: Option<i64>,
    /// Local time of day, nanoseconds since midnight.
    pub(crate) time: Option<u64>,
    /// The zone, for zoned values.
    pub(crate) zone: Option<Zone>,
    /// The offset the value had, kept when the local time is ambiguous in its zone.
    pub(crate) offset_hint: Option<i32>,
}

impl Parts {
    /// The parts of a temporal value; `None` for anything else.
    pub(crate) fn of(value: &Value) -> Option<Parts> {
        let none = Parts { date: None, time: None, zone: None, offset_hint: None };
        Some(match value {
            Value::Date(d) => Parts { date: Some(d.days), ..none },
            Value::LocalTime(t) => Parts { time: Some(t.nanos), ..none },
            Value::Time(t) => Parts {
                time: Some(t.nanos),
                zone: Some(Zone::Offset(t.offset_seconds)),
                offset_hint: Some(t.offset_seconds),
                ..none
            },
            Value::LocalDateTime(t) => {
                let (date, time) = split_local(t.seconds, t.nanos);
                Parts { date: Some(date), time: Some(time), ..none }
            }
            Value::DateTime(t) => {
                let (date, time) = split_local(t.seconds + i64::from(t.offset_seconds), t.nanos);
                let zone = match &t.zone {
                    Some(name) => Zone::Named(Arc::from(name.as_str())),
                    None => Zone::Offset(t.offset_seconds),
                };
                Parts {
                    date: Some(date),
                    time: Some(time),
                    zone: Some(zone),
                    offset_hint: Some(t.offset_seconds),
                }
            }
            _ => return None,
        })
    }

    /// Local seconds since the epoch and nanoseconds (date and time defaulting to the epoch
    /// and midnight).
    pub(crate) fn local(&self) -> (i64, u32) {
        let time = self.time.unwrap_or(0);
        let seconds = self.date.unwrap_or(0) * SECONDS_PER_DAY + (time / NANOS_PER_SECOND) as i64;
        (seconds, (time % NANOS_PER_SECOND) as u32)
    }

    /// The offset this value has (for zoned parts): at its local date-time for named zones.
    pub(crate) fn offset(&self) -> i32 {
        match &self.zone {
            None => 0,
            Some(Zone::Offset(o)) => *o,
            Some(zone) => zone.resolve_local(self.local().0, self.offset_hint).1,
        }
    }

    /// A named zone replaced by the offset in force — at the value's own date, or at the
    /// statement's instant for a time of day without one — as a `time` keeps only an offset.
    pub(crate) fn with_fixed_offset(self, clock: super::Clock) -> Parts {
        if !matches!(self.zone, Some(Zone::Named(_))) {
            return self;
        }
        let offset = match (self.date, self.offset_hint, &self.zone) {
            (Some(_), _, _) => self.offset(),
            (None, Some(hint), _) => hint,
            (None, None, Some(zone)) => zone.offset_at(clock.seconds),
            (None, None, None) => 0,
        };
        Parts { zone: Some(Zone::Offset(offset)), offset_hint: Some(offset), ..self }
    }

    /// The instant (UTC seconds, nanoseconds) of zoned parts; local parts count as UTC.
    pub(crate) fn instant(&self) -> (i64, u32) {
        let (local, nanos) = self.local();
        match &self.zone {
            None => (local, nanos),
            Some(zone) => (zone.resolve_local(local, self.offset_hint).0, nanos),
        }
    }

    /// The same instant seen in `zone`: the local date and time move, the instant stays.
    pub(crate) fn convert_to(&self, zone: Zone) -> Parts {
        let (utc, nanos) = self.instant();
        let offset = zone.offset_at(utc);
        let (date, time) = split_local(utc + i64::from(offset), nanos);
        Parts {
            date: self.date.map(|_| date),
            time: Some(time),
            zone: Some(zone),
            offset_hint: Some(offset),
        }
    }

    /// Puts the parts together as a value of `kind`; a missing time is midnight, a missing
    /// zone is UTC, a missing date is an error for kinds with a date.
    pub(crate) fn into_value(self, kind: Kind) -> Result<Value> {
        let date =
            || self.date.ok_or_else(|| TemporalError::value(format!("{kind:?} needs a date")));
        let time = self.time.unwrap_or(0);
        Ok(match kind {
            Kind::Date => Value::Date(Date { days: date()? }),
            Kind::LocalTime => Value::LocalTime(LocalTime { nanos: time }),
            Kind::Time => {
                let offset = match &self.zone {
                    None => 0,
                    Some(Zone::Offset(o)) => *o,
                    Some(_) => match (self.offset_hint, self.date) {
                        (Some(h), _) => h,
                        (None, Some(_)) => self.offset(),
                        (None, None) => {
                            return Err(TemporalError::value(
                                "a time in a named zone needs a date to fix its offset",
                            ))
                        }
                    },
                };
                Value::Time(Time { nanos: time, offset_seconds: offset })
            }
            Kind::LocalDateTime => {
                let (seconds, nanos) = join_local(date()?, time);
                Value::LocalDateTime(LocalDateTime { seconds, nanos })
            }
            Kind::DateTime => {
                let (local, nanos) = join_local(date()?, time);
                let zone = self.zone.unwrap_or(Zone::UTC);
                let (seconds, offset_seconds) = zone.resolve_local(local, self.offset_hint);
                Value::DateTime(Arc::new(DateTime {
                    seconds,
                    nanos,
                    offset_seconds,
                    zone: zone.name().map(str::to_owned),
                }))
            }
        })
    }
}

/// Splits local seconds + nanoseconds into (days, nanoseconds of day).
pub(crate) fn split_local(seconds: i64, nanos: u32) -> (i64, u64) {
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let in_day = seconds.rem_euclid(SECONDS_PER_DAY) as u64;
    (days, in_day * NANOS_PER_SECOND + u64::from(nanos))
}

/// Joins days + nanoseconds of day into local seconds + nanoseconds.
pub(crate) fn join_local(days: i64, time: u64) -> (i64, u32) {
    (days * SECONDS_PER_DAY + (time / NANOS_PER_SECOND) as i64, (time % NANOS_PER_SECOND) as u32)
}
