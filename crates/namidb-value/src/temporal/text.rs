//! The ISO-8601 text forms of the temporal types, as Neo4j prints them: seconds omitted when
//! zero, fractions in groups of three digits, years outside 0..=9999 signed, durations with
//! signed hour, minute and second parts.

use std::fmt;

use super::civil::civil_from_days;
use super::{
    Date, DateTime, Duration, LocalDateTime, LocalTime, Time, NANOS_PER_SECOND, SECONDS_PER_DAY,
};

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

pub(crate) fn write_offset(f: &mut fmt::Formatter<'_>, offset_seconds: i32) -> fmt::Result {
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
    use crate::temporal::civil::days_from_civil;

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
