//! The temporal types: their representation, calendar arithmetic and ISO-8601 text forms
//! (the forms Neo4j prints: seconds omitted when zero, fractions in groups of three digits).

use std::fmt;

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

/// Days since the epoch of a civil date (any year; month 1..=12, day 1..=31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of days since the epoch.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` is a leap year.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn write_year(f: &mut fmt::Formatter<'_>, year: i64) -> fmt::Result {
    if (0..=9999).contains(&year) {
        write!(f, "{year:04}")
    } else {
        write!(f, "{year:+05}")
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, days: i64) -> fmt::Result {
    let (year, month, day) = civil_from_days(days);
    write_year(f, year)?;
    write!(f, "-{month:02}-{day:02}")
}

/// `HH:MM`, then `:SS` and a fraction in groups of three digits when non-zero.
fn write_time(f: &mut fmt::Formatter<'_>, nanos: u64) -> fmt::Result {
    let total_seconds = nanos / NANOS_PER_SECOND;
    let fraction = nanos % NANOS_PER_SECOND;
    let (h, m, s) = (total_seconds / 3600, (total_seconds / 60) % 60, total_seconds % 60);
    write!(f, "{h:02}:{m:02}")?;
    if s != 0 || fraction != 0 {
        write!(f, ":{s:02}")?;
        write_fraction(f, fraction)?;
    }
    Ok(())
}

fn write_fraction(f: &mut fmt::Formatter<'_>, fraction: u64) -> fmt::Result {
    if fraction == 0 {
        Ok(())
    } else if fraction.is_multiple_of(1_000_000) {
        write!(f, ".{:03}", fraction / 1_000_000)
    } else if fraction.is_multiple_of(1000) {
        write!(f, ".{:06}", fraction / 1000)
    } else {
        write!(f, ".{fraction:09}")
    }
}

fn write_offset(f: &mut fmt::Formatter<'_>, offset_seconds: i32) -> fmt::Result {
    if offset_seconds == 0 {
        return write!(f, "Z");
    }
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let abs = offset_seconds.unsigned_abs();
    write!(f, "{sign}{:02}:{:02}", abs / 3600, (abs / 60) % 60)?;
    if !abs.is_multiple_of(60) {
        write!(f, ":{:02}", abs % 60)?;
    }
    Ok(())
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.days)
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time(f, self.nanos)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_time(f, self.nanos)?;
        write_offset(f, self.offset_seconds)
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.seconds.div_euclid(SECONDS_PER_DAY))?;
        write!(f, "T")?;
        let in_day = self.seconds.rem_euclid(SECONDS_PER_DAY) as u64;
        write_time(f, in_day * NANOS_PER_SECOND + u64::from(self.nanos))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.seconds + i64::from(self.offset_seconds);
        LocalDateTime { seconds: local, nanos: self.nanos }.fmt(f)?;
        write_offset(f, self.offset_seconds)?;
        if let Some(zone) = &self.zone {
            write!(f, "[{zone}]")?;
        }
        Ok(())
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P")?;
        let (years, months) = (self.months / 12, self.months % 12);
        if years != 0 {
            write!(f, "{years}Y")?;
        }
        if months != 0 {
            write!(f, "{months}M")?;
        }
        if self.days != 0 {
            write!(f, "{}D", self.days)?;
        }
        // Seconds and nanoseconds as one signed quantity.
        let total = i128::from(self.seconds) * 1_000_000_000 + i128::from(self.nanos);
        if total == 0 {
            if self.months == 0 && self.days == 0 {
                write!(f, "T0S")?;
            }
            return Ok(());
        }
        write!(f, "T")?;
        let negative = total < 0;
        let abs = total.unsigned_abs();
        let (whole, fraction) = (abs / 1_000_000_000, (abs % 1_000_000_000) as u64);
        let (h, m, s) = (whole / 3600, (whole / 60) % 60, whole % 60);
        let sign = if negative { "-" } else { "" };
        if h != 0 {
            write!(f, "{sign}{h}H")?;
        }
        if m != 0 {
            write!(f, "{sign}{m}M")?;
        }
        if s != 0 || fraction != 0 {
            write!(f, "{sign}{s}")?;
            if fraction != 0 {
                let digits = format!("{fraction:09}");
                write!(f, ".{}", digits.trim_end_matches('0'))?;
            }
            write!(f, "S")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-1_000_000, -719_468, -1, 0, 1, 365, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn text_forms() {
        assert_eq!(Date { days: days_from_civil(1984, 10, 11) }.to_string(), "1984-10-11");
        assert_eq!(LocalTime { nanos: 12 * 3600 * NANOS_PER_SECOND }.to_string(), "12:00");
        let t =
            Time { nanos: (12 * 3600 + 31 * 60 + 14) * NANOS_PER_SECOND + 1, offset_seconds: 3600 };
        assert_eq!(t.to_string(), "12:31:14.000000001+01:00");
        let d = Duration { months: 14, days: 3, seconds: 3661, nanos: 500_000_000 };
        assert_eq!(d.to_string(), "P1Y2M3DT1H1M1.5S");
        assert_eq!(Duration::default().to_string(), "PT0S");
    }
}
