//! Time zones: a fixed offset (`+01:00`, `Z`) or a named IANA zone (`Europe/Stockholm`),
//! whose offset depends on the instant. Local date-times resolve to instants the way
//! java.time does: in an overlap the earlier offset (or the one already in force), in a gap
//! the local time moves forward by the gap's length.

use std::fmt;
use std::sync::Arc;

use jiff::tz::{AmbiguousOffset, TimeZone};

use super::{Result, TemporalError, SECONDS_PER_DAY};

/// Largest offset magnitude allowed: 18 hours.
const MAX_OFFSET_SECONDS: i32 = 18 * 3600;
/// Seconds in 400 Gregorian years: the calendar (and so a zone's yearly rules) repeats.
const SECONDS_PER_400_YEARS: i64 = 146_097 * SECONDS_PER_DAY;
/// The span of instants the zone database answers for directly (years 1600..=9000).
const FIRST_LOOKUP: i64 = -11_676_096_000;
const LAST_LOOKUP: i64 = 221_845_392_000;

/// A time zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Zone {
    /// A fixed offset from UTC in seconds.
    Offset(i32),
    /// A zone of the IANA database, by its canonical name.
    Named(Arc<str>),
}

impl Zone {
    /// UTC.
    pub const UTC: Zone = Zone::Offset(0);

    /// Parses `Z`, `±HH`, `±HHMM`, `±HH:MM`, `±HH:MM:SS` or a zone name.
    pub fn parse(text: &str) -> Result<Zone> {
        if let Some(offset) = parse_offset(text)? {
            return Ok(Zone::Offset(offset));
        }
        let tz = TimeZone::get(text)
            .map_err(|_| TemporalError::value(format!("unknown time zone `{text}`")))?;
        let name = tz.iana_name().unwrap_or(text);
        Ok(Zone::Named(Arc::from(name)))
    }

    /// The zone's name, when it is a named zone.
    pub fn name(&self) -> Option<&str> {
        match self {
            Zone::Named(name) => Some(name),
            Zone::Offset(_) => None,
        }
    }

    fn database(name: &str) -> Option<TimeZone> {
        TimeZone::get(name).ok()
    }

    /// The offset in force at the instant `utc_seconds`.
    pub fn offset_at(&self, utc_seconds: i64) -> i32 {
        match self {
            Zone::Offset(o) => *o,
            Zone::Named(name) => {
                let Some(tz) = Zone::database(name) else { return 0 };
                let folded = fold_into_lookup_range(utc_seconds);
                jiff::Timestamp::from_second(folded)
                    .map(|ts| tz.to_offset(ts).seconds())
                    .unwrap_or(0)
            }
        }
    }

    /// The instant (UTC seconds) and offset of the local date-time `local_seconds`; `hint` is
    /// the offset to keep when the local time is ambiguous and it is one of the candidates.
    pub fn resolve_local(&self, local_seconds: i64, hint: Option<i32>) -> (i64, i32) {
        let name = match self {
            Zone::Offset(o) => return (local_seconds - i64::from(*o), *o),
            Zone::Named(name) => name,
        };
        let Some(tz) = Zone::database(name) else { return (local_seconds, 0) };
        let folded = fold_into_lookup_range(local_seconds);
        let Some(civil) = civil_of(folded) else { return (local_seconds, 0) };
        match tz.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                let o = offset.seconds();
                (local_seconds - i64::from(o), o)
            }
            AmbiguousOffset::Fold { before, after } => {
                let o = match hint {
                    Some(h) if h == after.seconds() => h,
                    _ => before.seconds(),
                };
                (local_seconds - i64::from(o), o)
            }
            AmbiguousOffset::Gap { before, after } => {
                (local_seconds - i64::from(before.seconds()), after.seconds())
            }
        }
    }
}

/// Shifts an instant by whole 400-year cycles into the span the zone database answers for;
/// the offsets of the far past and future repeat those of the nearest covered years.
fn fold_into_lookup_range(seconds: i64) -> i64 {
    if seconds < FIRST_LOOKUP {
        let cycles = (FIRST_LOOKUP - seconds).div_euclid(SECONDS_PER_400_YEARS) + 1;
        seconds.saturating_add(cycles.saturating_mul(SECONDS_PER_400_YEARS)).min(LAST_LOOKUP)
    } else if seconds > LAST_LOOKUP {
        let cycles = (seconds - LAST_LOOKUP).div_euclid(SECONDS_PER_400_YEARS) + 1;
        seconds.saturating_sub(cycles.saturating_mul(SECONDS_PER_400_YEARS)).max(FIRST_LOOKUP)
    } else {
        seconds
    }
}

fn civil_of(local_seconds: i64) -> Option<jiff::civil::DateTime> {
    let days = local_seconds.div_euclid(SECONDS_PER_DAY);
    let in_day = local_seconds.rem_euclid(SECONDS_PER_DAY);
    let (y, m, d) = super::civil::civil_from_days(days);
    jiff::civil::DateTime::new(
        i16::try_from(y).ok()?,
        m as i8,
        d as i8,
        (in_day / 3600) as i8,
        (in_day / 60 % 60) as i8,
        (in_day % 60) as i8,
        0,
    )
    .ok()
}

/// Parses an offset (`Z`, `±HH`, `±HHMM`, `±HH:MM`, `±HH:MM:SS`, `±HHMMSS`); `None` when the
/// text does not start like one (it may be a zone name).
pub(crate) fn parse_offset(text: &str) -> Result<Option<i32>> {
    if text == "Z" || text == "z" {
        return Ok(Some(0));
    }
    let sign = match text.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Ok(None),
    };
    let body = text.get(1..).unwrap_or_default();
    let digits: String = body.chars().filter(|c| *c != ':').collect();
    let bad = || TemporalError::value(format!("invalid time zone offset `{text}`"));
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![2, 4, 6].contains(&digits.len()) {
        return Err(bad());
    }
    let part = |i: usize| digits.get(i..i + 2).and_then(|p| p.parse::<i32>().ok()).unwrap_or(0);
    let (h, m, s) = (part(0), part(2), part(4));
    if m > 59 || s > 59 {
        return Err(bad());
    }
    let total = h * 3600 + m * 60 + s;
    if total > MAX_OFFSET_SECONDS {
        return Err(bad());
    }
    Ok(Some(sign * total))
}

/// An offset in its text form: `Z`, `+01:00`, `-02:05:07`.
pub struct OffsetText(pub i32);

impl fmt::Display for OffsetText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::text::write_offset(f, self.0)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Offset(o) => OffsetText(*o).fmt(f),
            Zone::Named(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+01:00").ok().flatten(), Some(3600));
        assert_eq!(parse_offset("-0130").ok().flatten(), Some(-5400));
        assert_eq!(parse_offset("+02").ok().flatten(), Some(7200));
        assert_eq!(parse_offset("-02:05:07").ok().flatten(), Some(-(2 * 3600 + 5 * 60 + 7)));
        assert!(parse_offset("+19:00").is_err());
        assert_eq!(parse_offset("Europe/Stockholm").ok().flatten(), None);
    }

    #[test]
    fn named_zones_resolve() -> Result<()> {
        let z = Zone::parse("Europe/Stockholm")?;
        // 2017-07-01T00:00Z: summer time.
        assert_eq!(z.offset_at(1_498_867_200), 7200);
        // Local 2017-10-29T02:30 is in the autumn overlap: earlier offset unless hinted.
        let local = 1_509_244_200;
        assert_eq!(z.resolve_local(local, None).1, 7200);
        assert_eq!(z.resolve_local(local, Some(3600)).1, 3600);
        // Far future: the yearly rules repeat.
        assert_eq!(z.offset_at(1_498_867_200 + 50 * SECONDS_PER_400_YEARS), 7200);
        assert!(Zone::parse("Nowhere/Special").is_err());
        Ok(())
    }
}
